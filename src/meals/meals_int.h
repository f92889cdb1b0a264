/*
 * meals_int.h — what the files of src/meals/ share beyond meals.h: the pure
 * helpers (meals_sets.c), the checks the handlers share (points_api.c), and
 * the stores' functions (meals_store.c, orders_store.c, report_store.c) with
 * the rows they pass. Nothing outside src/meals/ includes it (the unit tests
 * in tests/unit/test_service.c see the pure helpers).
 *
 * Modes and eligibility tags travel as small bit sets here and as comma
 * lists in the database and lists of names in JSON. A resident's tags are
 * the stored ones (people.h RESIDENT_TAGS) plus aged_80_plus, derived from the
 * birth month on the day asked — the same rule as the residents' API.
 *
 * Who may act for a resident (meal_may_act): staff holding meal:manage for
 * things of a meal point in their subtree; holders of meal:apply (grid
 * workers) and meal:manage for residents living in their subtree; a resident
 * account for its own record and the records of its household (family
 * members); and the account that applied. Everyone else gets 404.
 *
 * Store functions answer like db_step(): DB_ROW found, DB_DONE not, <0 a
 * database error; or 0 and <0 where nothing is looked up. Writes run in the
 * caller's db_tx_run() transaction.
 */
#ifndef SHUNIU_MEALS_MEALS_INT_H
#define SHUNIU_MEALS_MEALS_INT_H

#include <stdint.h>

#include <jansson.h>

#include "auth/perms.h"
#include "db/store.h"
#include "meals/meals.h"

struct arena;
struct db_conn;
struct db_stmt;
struct req;
struct page;

/* ---- modes, tags and days (meals_sets.c) --------------------------------- */

enum meal_mode { MEAL_DINE_IN = 1, MEAL_DELIVERY = 2, MEAL_GROCERY = 4 };
#define MEAL_MODES_ALL	     7
#define MEAL_MODES_DELIVERED (MEAL_DELIVERY | MEAL_GROCERY)
#define MEAL_MODE_NAMES	     "dine_in, meal_delivery or grocery_delivery"

enum meal_tag {
	MEAL_TAG_AGED_80 = 1,
	MEAL_TAG_ALONE = 2,
	MEAL_TAG_ALL_ELDERLY = 4,
	MEAL_TAG_DISABLED = 8,
	MEAL_TAG_LOW_INCOME = 16,
};
#define MEAL_TAG_NAMES "aged_80_plus, living_alone, all_elderly, disabled or low_income"

/* One name ↔ bit; 0 for an unknown name. */
unsigned meal_mode_bit(const char *name);
unsigned meal_tag_bit(const char *name);
/* A stored comma list → bits (unknown names are skipped). */
unsigned meal_modes_from_text(const char *csv);
unsigned meal_tags_from_text(const char *csv);
/* Bits → "a,b" (out holds 96 bytes) and → a JSON list of names. */
void meal_modes_text(unsigned bits, char out[96]);
void meal_tags_text(unsigned bits, char out[96]);
json_t *meal_modes_json(unsigned bits);
json_t *meal_tags_json(unsigned bits);
const char *meal_mode_name(unsigned bit);

struct meal_point {
	int64_t id, unit_id, price_fen, subsidy_fen;
	char unit_path[256];
	/* in the arena given: names count characters, not bytes */
	const char *unit_name, *name, *address;
	int daily_capacity, order_cutoff, active; /* cutoff: minutes after local midnight */
	unsigned modes, rule;
};

/* The cut-off of day (its local midnight) at point p, epoch seconds. */
int64_t meal_cutoff_at(const struct meal_point *p, int64_t midnight);
/* The latest birth month ("YYYY-MM") of someone aged 80 or more on day t. */
void meal_aged_80_born_by(int64_t t, char out[8]);
/* "YYYY-MM" → the first day of it and of the next month, as YYYY-MM-DD; 0, or -1 if bad. */
int meal_month_bounds(const char *m, char lo[11], char hi[11]);

/* ---- checks the handlers share (points_api.c) ----------------------------- */

int meal_is_manager(const struct req *req);
int meal_is_applier(const struct req *req); /* meal:apply or meal:manage */

/* ?name= as an id (0 when absent) and ?day= as YYYY-MM-DD (NULL when absent); 0, or -1
 * answered (orders_api.c). */
int meal_id_query_or_reply(struct req *req, const char *name, int64_t *out);
int meal_day_query_or_reply(struct req *req, const char **day);

/* Load a point staff with meal:manage hold in their subtree; answers 404/503 otherwise. */
int meal_point_managed_or_reply(struct req *req, struct db_conn *c, int64_t id,
				struct meal_point *out);

/* A resident as meals need them. */
struct meal_resident {
	int64_t id, household_id;
	char unit_path[256];
	unsigned tags; /* stored tags and aged_80_plus as of now */
};
/*
 * May the caller act for resident r (order, cancel, withdraw, read)? point_path
 * is the meal point's unit_path, applicant the enrolment's applicant account
 * (0 none). 1 yes, 0 no, <0 database error.
 */
int meal_may_act(struct req *req, struct db_conn *c, const struct meal_resident *r,
		 const char *point_path, int64_t applicant);

/*
 * After a store's load (rc) of a thing of resident_id: answer 503 (rc < 0),
 * 404 unless the caller may see it (ok, or else meal_may_act with point_path
 * and applicant) and 500 when *out was not built; *out is freed when answered.
 * 0 or -1 answered. meal_found_or_reply is the same with ok alone.
 */
int meal_visible_or_reply(struct req *req, struct db_conn *c, int rc, int ok, int64_t resident_id,
			  const char *point_path, int64_t applicant, json_t **out);
int meal_found_or_reply(struct req *req, int rc, int ok, json_t **out);

/*
 * Whose rows a list of enrolments or orders shows: staff (meal:apply or
 * meal:manage) those of residents living in their scope (?unit= narrows it),
 * managers also those of their scope's meal points; everyone else what they
 * applied for or ordered and their household's (lo = hi: an empty range).
 */
struct meal_who {
	int manager, staff;
	char lo[256], hi[256];
	int64_t account_id, household; /* household -1: none */
};
int meal_who_or_reply(struct req *req, struct db_conn *c, struct meal_who *w);

/* The filters of the lists of enrolments and orders. */
struct meal_filter {
	const struct meal_who *who;
	int64_t before;				 /* ids below this, newest first */
	int64_t point_id, resident_id, round_id; /* 0: any */
	const char *day, *status;		 /* NULL: any */
};

/* ---- points, residents, enrolments (meals_store.c) ----------------------- */

/* A point as the API shows it. */
json_t *meal_point_json(const struct meal_point *p);
/* DB_ROW found, DB_DONE not, <0 error; the names are copied into a. */
int meal_point_get(struct db_conn *c, struct arena *a, int64_t id, struct meal_point *out);
/* The points in [lo, hi) with id > pg's cursor `after`; all: inactive too. 0 or <0. */
int meals_store_points(struct db_conn *c, const char *lo, const char *hi, int64_t after, int all,
		       struct page *pg);

/* A point's fields as a request gives them (absent text NULL: keep what is stored). */
struct meal_point_in {
	const char *name, *address;
	int64_t capacity, price, subsidy;
	int cutoff, active;
	unsigned modes, rule;
};
int meals_store_point_insert(struct db_conn *c, const struct meal_point_in *in, int64_t unit_id,
			     const char *unit_path, int64_t now, int64_t *id);
int meals_store_point_update(struct db_conn *c, int64_t id, const struct meal_point_in *in,
			     int64_t now);

int meal_resident_get(struct db_conn *c, int64_t id, struct meal_resident *out);
/* The household of a resident: DB_ROW and *hh, DB_DONE, <0. */
int meals_store_household(struct db_conn *c, int64_t resident_id, int64_t *hh);

struct meal_enrolment {
	int64_t id, point_id, point_unit_id, resident_id, applicant_id;
	char status[16], unit_path[256];
	const char *point_name; /* in the arena given */
};
/* One enrolment, and when out is set its JSON (NULL if it could not be built). */
int meals_store_enrolment(struct db_conn *c, struct arena *a, int64_t id, struct meal_enrolment *e,
			  json_t **out);
int meals_store_enrolments(struct db_conn *c, const struct meal_filter *f, struct page *pg);
/* A pending enrolment: 0 and *id, DB_ECONSTRAINT when a live one exists, <0. */
int meals_store_enrol_insert(struct db_conn *c, const struct meal_point *p,
			     const struct meal_resident *r, int64_t applicant, const char *as,
			     const char *matched, const char *note, int64_t now, int64_t *id);
/* Move enrolment id from status `from` to `to` (decided by `by` unless withdrawn);
 * *changed the rows moved. */
int meals_store_enrol_set_status(struct db_conn *c, int64_t id, const char *from, const char *to,
				 const char *reason, int64_t by, int64_t now, int64_t *changed);

/* ---- helpers of the stores (meals_store.c) -------------------------------- */

/* Step st into pg, one item a row from row(st, arena); resets st. 0 or <0. */
typedef json_t *(*meal_row_fn)(struct db_stmt *st, struct arena *a);
int meals_store_page(struct db_stmt *st, struct page *pg, meal_row_fn row);
/*
 * A list of enrolments or orders: sql's first eight arguments say whose rows
 * (struct meal_who), the ninth is f->before, then the n of more, then the
 * limit (pg->limit + 1). 0 or <0.
 */
int meals_store_list(struct db_conn *c, const char *sql, const struct meal_filter *f,
		     const struct db_arg *more, int n, struct page *pg, meal_row_fn row);
/* {"id", "name"} from the columns col and col + 1. */
json_t *meal_ref_json(struct db_stmt *st, int col);
/* ISO time or JSON null for a nullable epoch column. */
json_t *meal_time_or_null(struct db_stmt *st, int col);

/* ---- orders and rounds (orders_store.c) ----------------------------------- */

struct meal_order {
	int64_t id, point_id, resident_id, round_id, ordered_by, assignee_id, midnight;
	unsigned mode;
	char day[11], status[16], unit_path[256];
};
/* One order, and when out is set its JSON (NULL if it could not be built). */
int orders_store_load(struct db_conn *c, int64_t id, struct meal_order *o, json_t **out);
int orders_store_list(struct db_conn *c, const struct meal_filter *f, struct page *pg);
/* Lock the point's row, so that its orders run one after another. 0 or <0. */
int orders_store_lock_point(struct db_conn *c, int64_t point_id);
/* Lock the enrolment while it is approved; *changed 0 when it is not. */
int orders_store_lock_enrolment(struct db_conn *c, int64_t enrol_id, int64_t *changed);
/* Live (not cancelled) orders of a point for a day. 0 or <0. */
int orders_store_live_count(struct db_conn *c, int64_t point_id, const char *day, int64_t *n);
/* An order at the point's price: 0 and *id, DB_ECONSTRAINT when the resident has one that
 * day, <0. */
int orders_store_insert(struct db_conn *c, const struct meal_point *p, int64_t enrol_id,
			const struct meal_resident *r, const char *day, const char *mode,
			int64_t by, int64_t now, int64_t *id);
/* An ordered order → cancelled (leaving its round). */
int orders_store_cancel(struct db_conn *c, int64_t id, int64_t by, int64_t now, int64_t *changed);
/* An ordered order still in round_id (0 none) → to (served, delivered). */
int orders_store_done(struct db_conn *c, int64_t id, const char *to, int64_t round_id, int64_t by,
		      int64_t now, int64_t *changed);
/* Cancel an enrolment's open orders: days after today, and today when before_cutoff. */
int orders_store_cancel_open(struct db_conn *c, int64_t enrol_id, int64_t by, const char *today,
			     int before_cutoff, int64_t now, int64_t *n);

struct meal_round {
	int64_t id, point_id, assignee_id;
	char day[11], unit_path[256];
};
/* One round, and when out is set its JSON (NULL if it could not be built). */
int orders_store_round(struct db_conn *c, int64_t id, struct meal_round *rd, json_t **out);
/* Rounds in [lo, hi), of assignee when not 0, of point_id (0 any) and day (NULL any). */
int orders_store_rounds(struct db_conn *c, const char *lo, const char *hi, int64_t assignee,
			int64_t point_id, const char *day, int64_t before, struct page *pg);
/* The round's live orders, in walking order, appended to items. 0 or <0. */
int orders_store_round_orders(struct db_conn *c, int64_t round_id, json_t *items);
int orders_store_round_insert(struct db_conn *c, const struct meal_point *p, const char *day,
			      const char *name, int64_t assignee, int64_t by, int64_t now,
			      int64_t *id);
/* Put an open delivery order of the point and day into the round; *changed 0 if not. */
int orders_store_assign(struct db_conn *c, int64_t round_id, int64_t order_id, int64_t point_id,
			const char *day, int64_t now, int64_t *changed);

/* An account a round may go to. */
struct meal_account {
	int64_t id, unit_id;
	char unit_path[256];
	role_set roles; /* 0 when they do not parse */
	int disabled;
	const char *name, *unit_name; /* orders_store_assignees: valid during the call */
};
int orders_store_account(struct db_conn *c, int64_t id, struct meal_account *out);
/* Enabled accounts in [path, hi) or on the units above path, deepest first, at most 2000;
 * fn returns >0 to stop, <0 to fail. */
typedef int (*meal_account_fn)(void *ctx, const struct meal_account *a);
int orders_store_assignees(struct db_conn *c, const char *path, const char *hi, meal_account_fn fn,
			   void *ctx);

/* ---- the sums (report_store.c) -------------------------------------------- */

/* Served and delivered orders of a point in [lo, hi), grouped by day and mode, in order. */
struct meal_sum_row {
	const char *day;
	unsigned mode;
	int64_t meals, price, subsidy;
};
typedef int (*meal_sum_fn)(void *ctx, const struct meal_sum_row *r);
int report_store_statement(struct db_conn *c, int64_t point_id, const char *lo, const char *hi,
			   meal_sum_fn fn, void *ctx);
/* Distinct residents served; orders never taken (days before today). 0 or <0. */
int report_store_residents(struct db_conn *c, int64_t point_id, const char *lo, const char *hi,
			   int64_t *n);
int report_store_not_taken(struct db_conn *c, int64_t point_id, const char *lo, const char *hi,
			   const char *today, int64_t *n);

struct meal_community {
	int64_t id;
	const char *name; /* in the arena given: 150 characters may be 600 bytes */
	char path[256];
};
/* The community at path (when path is set), or the communities in [lo, hi), at most max. */
int report_store_communities(struct db_conn *c, struct arena *a, const char *path, const char *lo,
			     const char *hi, struct meal_community *out, int max, int *n);
/* The active points in [lo, hi): how many, and the union of their rules. */
int report_store_rules(struct db_conn *c, const char *lo, const char *hi, int64_t *points,
		       unsigned *rule);
/* Residents in [lo, hi) with a tag of rule (aged_80_plus: born by born_by). */
int report_store_eligible(struct db_conn *c, const char *lo, const char *hi, unsigned rule,
			  const char *born_by, int64_t *n);
/* Residents in [lo, hi) with an approved enrolment; served in [mlo, mhi). */
int report_store_enrolled(struct db_conn *c, const char *lo, const char *hi, int64_t *n);
int report_store_served(struct db_conn *c, const char *mlo, const char *mhi, const char *lo,
			const char *hi, int64_t *n);

#endif
