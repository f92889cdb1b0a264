/*
 * committees_int.h — what the files of src/committees/ share beyond
 * committees.h: the pure rules (committees_rules.c; tests/unit/
 * test_committees.c), the store's functions and the rows they pass
 * (committees_store.c: organisations and committees; lists_store.c: the four
 * lists), the JSON builders (committees_json.c) and the handlers' common
 * checks (committees_api.c). Nothing outside src/committees/ includes it.
 *
 * Rows reach their reader through a callback with a view whose strings point
 * into the statement: valid during the call only.
 */
#ifndef SHUNIU_COMMITTEES_COMMITTEES_INT_H
#define SHUNIU_COMMITTEES_COMMITTEES_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "committees/committees.h"
#include "core/errors.h"
#include "db/store.h"

struct req;

/* ---- the rules (committees_rules.c, pure) -------------------------------- */

int organisation_kind_valid(
	const char *s);			/* gov resident_unit enterprise social_org school other */
int need_source_valid(const char *s);	/* resident appeal hotspot visit */
int resource_kind_valid(const char *s); /* room volunteers money skills equipment */
/* Is s a state of the list? */
int committee_state_valid(enum committee_list list, const char *s);
/* May an item of the list in state `from` be moved to `to` by a state change
 * (POST …/:id/state)? The moves a project makes (open → matched, available →
 * committed) are not among them. */
int committee_move_ok(enum committee_list list, const char *from, const char *to);
/* The states a state change may name, for messages: "met", "used", "running or done", "done". */
const char *committee_move_targets(enum committee_list list);
/* Is a responsibility overdue: open and due before today (both "YYYY-MM-DD")? */
int committee_duty_overdue(const char *state, const char *due_date, const char *today);
/*
 * The wants of a need: a JSON array (NULL: none) of distinct resource kinds,
 * at most 5, written comma-separated into out (n bytes). 0, or -1 (bad).
 */
int committee_wants_text(json_t *arr, char *out, size_t n);
/* Does the comma-separated list hold kind? */
int committee_wants_has(const char *wants, const char *kind);
/* May an organisation kept at org_path be a member of (or visited by) a committee at
 * unit_path: kept by that unit, a unit above it or one inside it? */
int committee_org_usable(const char *org_path, const char *unit_path);

#define COMMITTEE_COMMUNITIES_MAX 30
#define COMMITTEE_MEMBERS_MAX	  100
#define COMMITTEE_IDS_MAX	  20
#define COMMITTEE_APPEALS_MAX	  50
#define COMMITTEE_MATCH_MAX	  200
#define COMMITTEE_AMOUNT_MAX	  10000000000LL
#define COMMITTEE_QUANTITY_MAX	  1000000

/* ---- organisations (committees_store.c) ---------------------------------- */

struct org_view {
	int64_t id, unit_id, created_at, updated_at;
	const char *name, *kind, *unit_name, *unit_kind, *unit_path;
	const char *contact_person, *phone_mask, *address, *note;
};
typedef int (*org_view_fn)(void *ctx, const struct org_view *v);
int cstore_org_view(struct db_conn *c, int64_t id, org_view_fn fn, void *ctx);

struct org_filter {
	const char *lo, *hi, *viewer; /* the caller's subtree and path */
	const char *at_path, *at_hi;  /* usable at this unit (NULL: any) */
	const char *kind, *q;	      /* NULL: any */
	int64_t before, limit;
};
int cstore_org_list(struct db_conn *c, const struct org_filter *f, org_view_fn fn, void *ctx);

struct org_edit {
	const char *name, *kind, *contact_person, *address, *note;
	int keep_phone;			/* the phone was not sent: keep it */
	const unsigned char *phone_enc; /* NULL: clear */
	size_t phone_n;
	const char *phone_mask;
};
int cstore_org_update(struct db_conn *c, int64_t id, const struct org_edit *e, int64_t now);
/* The sealed phone into blob (*n 0 when none): DB_ROW, DB_DONE or <0. */
int cstore_org_phone(struct db_conn *c, int64_t id, unsigned char *blob, size_t max, size_t *n);
/* The committees the organisation is a member of that the viewer sees ([lo, hi)). */
typedef int (*org_committee_fn)(void *ctx, int64_t id, const char *name, const char *role);
int cstore_org_committees(struct db_conn *c, int64_t org_id, const char *lo, const char *hi,
			  org_committee_fn fn, void *ctx);

/* ---- committees (committees_store.c) ------------------------------------- */

struct jc_view {
	int64_t id, unit_id, created_at, updated_at;
	const char *name, *secretary, *note, *unit_name, *unit_kind, *unit_path;
};
typedef int (*jc_view_fn)(void *ctx, const struct jc_view *v);
int cstore_jc_view(struct db_conn *c, int64_t id, jc_view_fn fn, void *ctx);
/* Committees visible from [lo, hi): their unit or a community inside it; newest first. */
int cstore_jc_list(struct db_conn *c, const char *lo, const char *hi, int64_t before, int64_t limit,
		   jc_view_fn fn, void *ctx);

typedef int (*jc_community_fn)(void *ctx, int64_t id, const char *name, const char *path);
int cstore_jc_communities(struct db_conn *c, int64_t id, jc_community_fn fn, void *ctx);

struct member_view {
	int64_t org_id, joined_at;
	const char *role, *name, *kind, *contact_person, *phone_mask, *unit_path;
};
typedef int (*member_fn)(void *ctx, const struct member_view *m);
int cstore_jc_members(struct db_conn *c, int64_t id, member_fn fn, void *ctx);
/* Is the organisation a member: DB_ROW, DB_DONE or <0. */
int cstore_jc_is_member(struct db_conn *c, int64_t id, int64_t org_id);
/* The member's resources and responsibilities in *n. */
int cstore_jc_member_uses(struct db_conn *c, int64_t id, int64_t org_id, int64_t *n);
int cstore_jc_member_delete(struct db_conn *c, int64_t id, int64_t org_id);
int cstore_jc_update(struct db_conn *c, int64_t id, const char *name, const char *secretary,
		     const char *note, int64_t now);

struct jc_counts {
	int64_t needs[3], resources[3], projects[3], duties[2], overdue, members;
};
int cstore_jc_counts(struct db_conn *c, int64_t id, const char *today, struct jc_counts *out);

/* ---- the four lists (lists_store.c) -------------------------------------- */

/* What an item of a list belongs to, for the checks before a change: DB_ROW, DB_DONE, <0. */
struct item_ref {
	int64_t committee_id, organisation_id;
	char state[12];
	char community_path[256]; /* needs only */
};
int cstore_item_ref(struct db_conn *c, enum committee_list list, int64_t id, struct item_ref *out);

struct list_filter {
	int64_t committee_id, before, limit;
	const char *state, *kind; /* kind: a need's source or a resource's kind */
	const char *wants;	  /* needs that want this resource kind */
	int64_t community_id, organisation_id, cproject_id, need_id;
	int overdue; /* responsibilities open and due before today */
	const char *today;
	int oldest_first; /* the match view */
};

struct need_view {
	int64_t id, committee_id, community_id, organisation_id, cproject_id, created_by;
	int64_t created_at, updated_at, met_at;
	const char *community_name, *title, *detail, *source, *hotspot, *org_name, *org_kind;
	const char *wants, *state, *cproject_title, *cproject_state, *creator_name;
};
typedef int (*need_fn)(void *ctx, const struct need_view *v);
int cstore_needs(struct db_conn *c, const struct list_filter *f, need_fn fn, void *ctx);
int cstore_need(struct db_conn *c, int64_t committee_id, int64_t id, need_fn fn, void *ctx);
/* The needs (resources) a committee project took, by id. */
int cstore_project_needs(struct db_conn *c, int64_t cproject_id, need_fn fn, void *ctx);

struct need_appeal {
	int64_t id, created_at;
	const char *case_no, *category, *status;
};
typedef int (*need_appeal_fn)(void *ctx, const struct need_appeal *a);
int cstore_need_appeals(struct db_conn *c, int64_t need_id, need_appeal_fn fn, void *ctx);

struct resource_view {
	int64_t id, committee_id, organisation_id, quantity, amount_fen, cproject_id;
	int64_t created_at, updated_at, used_at;
	int has_quantity, has_amount;
	const char *org_name, *org_kind, *kind, *title, *detail, *quantity_unit, *state;
	const char *cproject_title, *cproject_state;
};
typedef int (*resource_fn)(void *ctx, const struct resource_view *v);
int cstore_resources(struct db_conn *c, const struct list_filter *f, resource_fn fn, void *ctx);
int cstore_resource(struct db_conn *c, int64_t committee_id, int64_t id, resource_fn fn, void *ctx);
int cstore_project_resources(struct db_conn *c, int64_t cproject_id, resource_fn fn, void *ctx);

struct cproject_view {
	int64_t id, committee_id, project_id, created_at, updated_at, started_at, done_at;
	const char *title, *detail, *state, *p_title, *p_state, *p_unit_name;
	int64_t p_unit_id;
};
typedef int (*cproject_fn)(void *ctx, const struct cproject_view *v);
int cstore_cprojects(struct db_conn *c, const struct list_filter *f, cproject_fn fn, void *ctx);
int cstore_cproject(struct db_conn *c, int64_t committee_id, int64_t id, cproject_fn fn, void *ctx);
int cstore_cproject_update(struct db_conn *c, int64_t id, const char *title, const char *detail,
			   int64_t project_id, int64_t now, int64_t *changed);
/* Responsibilities of a committee project: open, done, overdue. */
int cstore_cproject_duty_counts(struct db_conn *c, int64_t id, const char *today, int64_t out[3]);

struct duty_view {
	int64_t id, committee_id, cproject_id, need_id, organisation_id;
	int64_t created_at, updated_at, done_at;
	const char *cproject_title, *need_title, *org_name, *person, *task, *due_date, *state;
};
typedef int (*duty_fn)(void *ctx, const struct duty_view *v);
int cstore_duties(struct db_conn *c, const struct list_filter *f, duty_fn fn, void *ctx);
int cstore_duty(struct db_conn *c, int64_t committee_id, int64_t id, duty_fn fn, void *ctx);

/* A need source's appeal: its paths for the checks. DB_ROW, DB_DONE, <0. (A hotspot is
 * recounted by projects' project_hotspot_or_reply().) */
int cstore_appeal_paths(struct db_conn *c, int64_t id, char *unit_path, char *handler_path,
			size_t n);

/* ---- JSON (committees_json.c) -------------------------------------------- */

json_t *org_json(const struct org_view *v);
/* The committee's summary; full adds note, members and can_write. */
json_t *jc_json(struct db_conn *c, const struct jc_view *v, const char *today, int full,
		int can_write);
json_t *need_json(struct db_conn *c, const struct need_view *v);
json_t *resource_json(const struct resource_view *v);
json_t *cproject_json(struct db_conn *c, const struct cproject_view *v, const char *today);
json_t *duty_json(const struct duty_view *v, const char *today);
/* One item of a list as JSON: NULL when absent or on error (*rc says which). */
json_t *committee_item_json(struct db_conn *c, enum committee_list list, int64_t committee_id,
			    int64_t id, int *rc);

/* ---- the handlers' common pieces (committees_api.c) ---------------------- */

struct jc {
	int64_t id, unit_id;
	char unit_path[256];
	int manager; /* the caller may change it: its unit inside the caller's subtree */
};
/* A committee the caller sees (its unit or one of its communities in the caller's
 * subtree): 0, or -1 having answered 404 / 503. */
int jc_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct jc *out);
/* The committee of the route's :id, visible and — manager set — managed (403
 * committee.not_manager otherwise). 0, or -1 having answered. */
int jc_route_or_reply(struct req *req, struct db_conn *c, int manager, struct jc *out);
/* After db_tx_run(): 0 when it committed; otherwise -1 having answered — taken (unless
 * ERR_NONE) for a unique index's refusal, the database error for the rest. */
int committee_tx_or_reply(struct req *req, int rc, enum err_id taken);
/* Today's Shanghai date of the clock into out[11]. */
const char *committee_today(char out[11]);
/* An organisation the caller sees that a committee at unit_path may take (committee_org_usable):
 * 0, or -1 having answered 400 naming field with details.id. */
int committee_org_or_reply(struct req *req, struct db_conn *c, int64_t org_id,
			   const char *unit_path, const char *field);

/* Answer one item of the committee's list with status (404 when absent, 503, 500). */
void committee_item_reply(struct req *req, struct db_conn *c, enum committee_list list,
			  int64_t committee_id, int64_t id, int status);
/* Query parameters: an optional id (0 absent), an optional name valid() accepts (NULL
 * absent). 0, or -1 having answered 400. */
int committee_query_id_or_reply(struct req *req, const char *name, int64_t *out);
int committee_query_name_or_reply(struct req *req, const char *name, int (*valid)(const char *),
				  const char *why, const char **out);

/* The lists' routes' handlers (lists_api.c, plans_api.c). */
void need_create(struct req *req);
void resource_create(struct req *req);
void cproject_create(struct req *req);
void cproject_update(struct req *req);
void duty_create(struct req *req);
void needs_list(struct req *req);
void resources_list(struct req *req);
void cprojects_list(struct req *req);
void duties_list(struct req *req);
void committee_item_get(struct req *req, enum committee_list list);
void committee_item_state(struct req *req, enum committee_list list);
void committee_match(struct req *req);

#endif
