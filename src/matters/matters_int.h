/*
 * matters_int.h — what the files of src/matters/ share beyond matters.h: the
 * pure rules (matters_rules.c; tests/unit/test_matters.c), the store's
 * functions (matters_store.c) and the rows they pass, the JSON builders
 * (matters_json.c) and the source checks (matters_sources.c). Nothing outside
 * src/matters/ includes it.
 *
 * Rows read by the store reach their caller through a callback with a view
 * whose strings point into the statement: valid during the call only.
 */
#ifndef SHUNIU_MATTERS_MATTERS_INT_H
#define SHUNIU_MATTERS_MATTERS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matters/matters.h"

struct db_conn;
struct req;
struct unit_ref;

/* ---- the rules (matters_rules.c, pure) ----------------------------------- */

enum matter_step {
	MS_PROPOSE,
	MS_DELIBERATE,
	MS_REVIEW,
	MS_DECIDE,
	MS_PUBLISH_RESOLUTION,
	MS_IMPLEMENT,
	MS_PUBLISH_RESULT,
	MS__COUNT
};
#define MS_BIT(s) (1u << (s))

int matter_category_valid(const char *s);    /* spending, land, facility, other */
int matter_source_kind_valid(const char *s); /* resident, hotspot, appeals, staff */
int matter_step_parse(const char *s);	     /* -1 if unknown */
const char *matter_step_name(int step);	     /* NULL if out of range */
/* The state a matter is in after step: proposed … done. */
const char *matter_state_after(int step);
/* new, or one of the states after a step. */
int matter_state_valid(const char *s);
/* propose, deliberate, review and decide take a meeting. */
int matter_step_has_meeting(int step);
/* The meeting type the step takes (party_org, two_committees, party_members, residents), or
 * NULL when there is no single one (no meeting, or a non-major matter's decide). */
const char *matter_step_meeting_type(int major, int step);
/* May a meeting of type serve step? A non-major decide takes any type except the first three
 * of 四议两公开. */
int matter_meeting_type_fits(int major, int step, const char *type);

enum matter_order {
	MO_OK,
	MO_DONE,      /* done already, or its place passed (a later step is done) */
	MO_NOT_MAJOR, /* propose, deliberate, review of a non-major matter */
	MO_MISSING,   /* *missing: the first step still needed */
	MO_INVALID,   /* not a step */
};
/* May step be taken now, the steps in done (MS_BIT mask) being done? */
int matter_step_order(int major, unsigned done, int step, int *missing);
/* The step the procedure expects next, or -1 when the result is published. */
int matter_next_step(int major, unsigned done);
/* All seven steps done? */
int matter_complete(unsigned done);

#define MATTER_MAJOR_SPENDING_DEFAULT 5000000LL /* 50 000 CNY */
#define MATTER_DISCLOSURE_DEFAULT     7
#define MATTER_AMOUNT_MAX	      10000000000LL
#define MATTER_APPEALS_MAX	      50

struct matter_settings {
	int64_t major_spending_fen;
	int major_land, major_facility, disclosure_days;
	int64_t updated_at; /* 0: never set */
};
void matter_settings_default(struct matter_settings *s);
/* "amount", "land", "facility", "staff" (forced), or NULL: not major. */
const char *matter_major_reason(const char *category, int64_t amount_fen,
				const struct matter_settings *s, int forced);
/* The Shanghai day number of the disclosure's last day: date(published_at) + days. */
int64_t matter_disclosure_ends_on(int64_t published_at, int days);
/* The instant implement is allowed from: 00:00 Shanghai of the day after ends_on. */
int64_t matter_implement_from(int64_t published_at, int days);
/* May residents object at now? published_at ≤ now < implement_from. */
int matter_disclosure_open(int64_t published_at, int days, int64_t now);

/* ---- the store (matters_store.c) ----------------------------------------- */

struct matter {
	int64_t id, unit_id, year, amount_fen, project_id, created_by, created_at, updated_at;
	int major;
	char unit_path[256];
	char state[16], category[16], source_kind[16], major_reason[16];
};
/* DB_ROW, DB_DONE, <0. */
int matters_store_get(struct db_conn *c, int64_t id, struct matter *out);
/* The same, taking the matter's row lock first (in the caller's transaction). */
int matters_store_lock(struct db_conn *c, int64_t id, struct matter *out);

struct matter_view {
	struct matter m;
	const char *title, *description, *source_note, *hotspot;
	const char *unit_code, *unit_name, *unit_kind, *created_by_name;
	unsigned done; /* steps done (MS_BIT mask) */
};
typedef int (*matter_view_fn)(void *ctx, const struct matter_view *v);
int matters_store_view(struct db_conn *c, int64_t id, matter_view_fn fn, void *ctx);

struct matter_filter {
	const char *lo, *hi; /* the unit_path range */
	int64_t before;	     /* ids below, newest first */
	int64_t year;	     /* 0: any */
	int64_t unit_id;     /* 0: any (the public list: exactly this unit) */
	int major;	     /* -1: any */
	const char *state;   /* NULL: any */
	int64_t limit;
};
int matters_store_list(struct db_conn *c, const struct matter_filter *f, matter_view_fn fn,
		       void *ctx);

struct matter_row_in {
	int64_t unit_id, year, amount_fen, created_by;
	const char *unit_path, *title, *description, *category, *source_kind, *source_note;
	const char *hotspot, *major_reason; /* NULL: none */
	int major;
};
int matters_store_insert(struct db_conn *c, const struct matter_row_in *in, int64_t now,
			 int64_t *id);
int matters_store_link_appeal(struct db_conn *c, int64_t matter_id, int64_t appeal_id);
/* Move the state from -> to (project_id > 0: set it too); *changed 0 when it moved first. */
int matters_store_set_state(struct db_conn *c, int64_t id, const char *from, const char *to,
			    int64_t project_id, int64_t now, int64_t *changed);

/* Settings: the stored row or the defaults (DB_ROW either way), <0. */
int matters_store_settings(struct db_conn *c, int64_t unit_id, struct matter_settings *out);
int matters_store_settings_put(struct db_conn *c, int64_t unit_id, const struct matter_settings *s,
			       int64_t by, int64_t now);

/* Steps. */
struct matter_step_row {
	int64_t id, matter_id, meeting_id, project_id, done_by, done_at;
	int step, days; /* days 0: none */
	const char *meeting_type, *text, *done_by_name;
};
typedef int (*matter_step_fn)(void *ctx, const struct matter_step_row *s);
/* The matter's steps, in procedure order. */
int matters_store_steps(struct db_conn *c, int64_t matter_id, matter_step_fn fn, void *ctx);
/* The done mask of a matter. 0 and *done, or <0. */
int matters_store_done(struct db_conn *c, int64_t matter_id, unsigned *done);
/* Insert a step row: DB_ECONSTRAINT when the step (or the meeting) is taken already. */
int matters_store_step_insert(struct db_conn *c, const struct matter_step_row *s);
/* Which unique index refused: 1 the step, 2 the meeting, 0 neither; <0. */
int matters_store_step_taken(struct db_conn *c, int64_t matter_id, int step, int64_t meeting_id);
/* The publish_resolution step's time and days: DB_ROW, DB_DONE (none), <0. */
int matters_store_disclosure(struct db_conn *c, int64_t matter_id, int64_t *at, int *days);

/* Objections. */
struct matter_objection_row {
	int64_t id, matter_id, created_at, answered_at;
	const char *text, *answer; /* answer NULL: none */
};
typedef int (*matter_objection_fn)(void *ctx, const struct matter_objection_row *o);
int matters_store_objections(struct db_conn *c, int64_t matter_id, matter_objection_fn fn,
			     void *ctx);
int matters_store_objection(struct db_conn *c, int64_t id, matter_objection_fn fn, void *ctx);
int matters_store_objection_insert(struct db_conn *c, int64_t matter_id, int64_t resident_id,
				   int64_t account_id, const char *text, int64_t now, int64_t *id);
int matters_store_objection_answer(struct db_conn *c, int64_t id, const char *text, int64_t by,
				   int64_t now, int64_t *changed);
int matters_store_unanswered(struct db_conn *c, int64_t matter_id, int64_t *n);
/* The home path of a resident (its household's unit path): DB_ROW, DB_DONE, <0. */
int matters_store_resident_home(struct db_conn *c, int64_t resident_id, char out[256]);

/* Sources. */
struct matter_appeal_row {
	int64_t id, created_at, closed_at;
	const char *case_no, *title, *status, *category, *unit_path, *handler_path;
};
typedef int (*matter_appeal_fn)(void *ctx, const struct matter_appeal_row *a);
int matters_store_appeal(struct db_conn *c, int64_t appeal_id, matter_appeal_fn fn, void *ctx);
int matters_store_appeals(struct db_conn *c, int64_t matter_id, matter_appeal_fn fn, void *ctx);
/* The review: the communities (and streets with matters) in [lo, hi). */
struct review_unit_row {
	int64_t id;
	const char *code, *name, *kind, *path;
};
typedef int (*review_unit_fn)(void *ctx, const struct review_unit_row *u);
int matters_store_review_units(struct db_conn *c, const char *lo, const char *hi, int64_t year,
			       review_unit_fn fn, void *ctx);

/* ---- JSON (matters_json.c) ------------------------------------------------ */

json_t *matter_summary_json(const struct matter_view *v);
/* The whole matter for staff at viewer_path; NULL on error, json null when absent. */
json_t *matter_full_json(struct db_conn *c, int64_t id, const char *viewer_path);
/* An objection: its text, time and answer, never who wrote it (with_id: staff, its id). */
json_t *matter_objection_json(const struct matter_objection_row *o, int with_id);
/* {kind, note, appeals, hotspot}; viewer NULL: the public one (appeals by case number,
 * category, status and dates only, the hotspot without appeal ids). NULL on error. */
json_t *matter_sources_json(struct db_conn *c, int64_t id, const char *kind, const char *note,
			    const char *hotspot, const char *viewer);
/* The public thread; NULL on error, json null when absent. */
json_t *matter_thread_json(struct db_conn *c, int64_t id, int64_t now);

/* ---- handlers' pieces ------------------------------------------------------ */

/* Load a matter the caller sees: 0, or -1 having answered (404 outside, 503). */
int matter_seen_or_reply(struct req *req, struct db_conn *c, int64_t id, struct matter *m);
void matter_reply(struct req *req, struct db_conn *c, int status, int64_t id);

struct matter_sources {
	int64_t appeal_ids[MATTER_APPEALS_MAX];
	int n_appeals;
	const char *hotspot; /* the snapshot as JSON text, NULL none */
};
/* Read and check the body's source object for a matter at unit path: 0 or -1 having answered. */
int matter_sources_or_reply(struct req *req, struct db_conn *c, const char *unit_path,
			    const char *kind, json_t *appeal_ids, json_t *hotspot,
			    struct matter_sources *out);

/* Handlers in steps_api.c and thread_api.c, routed from matters_api.c. */
void matter_post_step(struct req *req);
void matter_post_objection(struct req *req);
void matter_list_objections(struct req *req);
void matter_answer_objection(struct req *req);
void matter_review(struct req *req);
void matter_thread(struct req *req);
void matter_public_list(struct req *req);

#endif
