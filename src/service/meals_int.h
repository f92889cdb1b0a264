/*
 * meals_int.h — what the meal assistance files (meal_point.c, meal_enrol.c,
 * meal_order.c, meal_report.c) share; nothing outside src/service/ includes it.
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
 */
#ifndef SHUNIU_SERVICE_MEALS_INT_H
#define SHUNIU_SERVICE_MEALS_INT_H

#include <stdint.h>

#include <jansson.h>

struct arena;
struct db_conn;
struct db_stmt;
struct req;

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
	const char *unit_name, *name; /* in the arena given: names count characters, not bytes */
	int daily_capacity, order_cutoff, active; /* cutoff: minutes after local midnight */
	unsigned modes, rule;
};
/* DB_ROW found, DB_DONE not, <0 error; the names are copied into a. */
int meal_point_get(struct db_conn *c, struct arena *a, int64_t id, struct meal_point *out);
/* Load a point staff with meal:manage hold in their subtree; answers 404/503 otherwise. */
int meal_point_managed_or_reply(struct req *req, struct db_conn *c, int64_t id,
				struct meal_point *out);

int meal_is_manager(const struct req *req);
int meal_is_applier(const struct req *req); /* meal:apply or meal:manage */

/* The cut-off of day (its local midnight) at point p, epoch seconds. */
int64_t meal_cutoff_at(const struct meal_point *p, int64_t midnight);
/* The latest birth month ("YYYY-MM") of someone aged 80 or more on day t. */
void meal_aged_80_born_by(int64_t t, char out[8]);
/* "YYYY-MM" → the first day of it and of the next month, as YYYY-MM-DD; 0, or -1 if bad. */
int meal_month_bounds(const char *m, char lo[11], char hi[11]);

/* A resident as meals need them. */
struct meal_resident {
	int64_t id, household_id;
	char unit_path[256];
	unsigned tags; /* stored tags and aged_80_plus as of now */
};
int meal_resident_get(struct db_conn *c, int64_t id, struct meal_resident *out);
/*
 * May the caller act for resident r (order, cancel, withdraw, read)? point_path
 * is the meal point's unit_path, applicant the enrolment's applicant account
 * (0 none). 1 yes, 0 no, <0 database error.
 */
int meal_may_act(struct req *req, struct db_conn *c, const struct meal_resident *r,
		 const char *point_path, int64_t applicant);

/* ISO time or JSON null for a nullable epoch column. */
json_t *meal_time_or_null(struct db_stmt *st, int col);

#endif
