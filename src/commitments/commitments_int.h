/*
 * commitments_int.h — what the files of src/commitments/ share beyond
 * commitments.h: the pure rules (commitments_rules.c), the store's functions
 * (commitments_store.c, actions_store.c), the rows they pass and the JSON
 * the handlers and the public view build from them (commitments_json.c).
 * Nothing outside src/commitments/ includes it.
 *
 * Rows reach their callers through a callback with a view whose strings
 * point into the statement: valid during the call only. A callback returns
 * 0 to go on, <0 to stop (the store then returns that).
 */
#ifndef SHUNIU_COMMITMENTS_COMMITMENTS_INT_H
#define SHUNIU_COMMITMENTS_COMMITMENTS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "commitments/commitments.h"

struct db_conn;

/* ---- pure rules (commitments_rules.c) ------------------------------------ */

/* Is s one of the fixed categories (party_building, livelihood, …)? */
int commitment_category_valid(const char *s);
/* The category names, NULL-terminated (for error messages and docs). */
extern const char *const commitment_categories[];

enum commitment_action { CA_REQUEST_CLOSE, CA_VERIFY, CA_RETURN, CA__COUNT };
/* "request_close" → CA_REQUEST_CLOSE …; -1 when unknown. */
int commitment_action_parse(const char *s);
const char *commitment_action_name(int action);
/* The state an action starts from and the one it leaves ("verifying", "done" …). */
const char *commitment_action_from(int action);
const char *commitment_action_to(int action);

/* round(done × 100 / items), 0 when there are no items. */
int commitment_percent(int64_t done, int64_t items);
/* Overdue: the due date (YYYY-MM-DD) is before today and the state is not done. */
int commitment_overdue(const char *due_date, const char *today, const char *status);
/* May an account at caller_path verify an item of the community at item_path? Only from a unit
 * strictly above it. */
int commitment_verifier_above(const char *caller_path, const char *item_path);
/* Today's Shanghai date of now as YYYY-MM-DD into out (11 bytes). */
void commitment_today(int64_t now, char out[11]);

/* ---- lists (commitments_store.c) ----------------------------------------- */

struct rate {
	int64_t items, done, overdue;
};

struct clist_view {
	int64_t id, unit_id, created_at;
	const char *unit_path, *unit_code, *unit_name, *term_start, *term_end, *title;
	struct rate rate;
};
typedef int (*clist_fn)(void *ctx, const struct clist_view *v);

/* One list with its rate as of today: DB_ROW (fn called), DB_DONE, <0. */
int clists_store_get(struct db_conn *c, int64_t id, const char *today, clist_fn fn, void *ctx);
/* Lists in [lo, hi) with id > after, by id, at most limit. 0 or <0. */
int clists_store_list(struct db_conn *c, const char *lo, const char *hi, int64_t after,
		      int64_t limit, const char *today, clist_fn fn, void *ctx);
/* A community's lists, newest term first. 0 or <0. */
int clists_store_of_unit(struct db_conn *c, int64_t unit_id, const char *today, clist_fn fn,
			 void *ctx);

struct clist_in {
	int64_t unit_id;
	const char *unit_path, *term_start, *term_end, *title;
	int64_t created_by; /* 0: none (the demo) */
	int is_demo;
	int64_t now;
};
/* In the caller's transaction: 0 and *id, DB_ECONSTRAINT when the community has a list for
 * this term start, <0. */
int clists_store_insert(struct db_conn *c, const struct clist_in *in, int64_t *id);

/* ---- items (commitments_store.c) ----------------------------------------- */

struct citem_view {
	int64_t id, list_id, unit_id, member_account_id, percent;
	int64_t created_at, updated_at, verified_at, verified_by;
	const char *unit_path, *unit_code, *unit_name;
	const char *member_name, *member_post; /* "" for the organisation */
	const char *title, *detail, *category, *target, *due_date, *status;
	const char *return_reason;    /* NULL when never returned */
	const char *verified_by_name; /* NULL when not verified */
	int overdue;		      /* as of the store call's today */
	int64_t comments, objections; /* residents' comments of each kind */
};
typedef int (*citem_fn)(void *ctx, const struct citem_view *v);

int citems_store_get(struct db_conn *c, int64_t id, const char *today, citem_fn fn, void *ctx);
/* Every item of a list, by id. 0 or <0. */
int citems_store_of_list(struct db_conn *c, int64_t list_id, const char *today, citem_fn fn,
			 void *ctx);

struct citem_filter {
	const char *lo, *hi;	  /* the items' unit_path range */
	int64_t after, limit;	  /* id > after, by id */
	int64_t list_id;	  /* 0: every list */
	const char *status;	  /* NULL: every state */
	int overdue, supervision; /* only overdue; only overdue or verifying */
	const char *today;
};
int citems_store_list(struct db_conn *c, const struct citem_filter *f, citem_fn fn, void *ctx);

struct citem_in {
	int64_t list_id, unit_id;
	const char *unit_path;
	const char *member_name, *member_post; /* "" for the organisation */
	int64_t member_account_id;	       /* 0: none */
	const char *title, *detail, *category, *target, *due_date;
	int64_t created_by, now;
};
/* In the caller's transaction: the item, in_progress at 0 %. 0 and *id, <0. */
int citems_store_insert(struct db_conn *c, const struct citem_in *in, int64_t *id);

/* Rates: the items in [lo, hi) counted per community path (fn once per community). 0 or <0. */
typedef int (*crate_fn)(void *ctx, const char *unit_path, const struct rate *r);
int citems_store_rates(struct db_conn *c, const char *lo, const char *hi, const char *today,
		       crate_fn fn, void *ctx);
/* The child units of a unit, by code. 0 or <0. */
typedef int (*cunit_fn)(void *ctx, int64_t id, const char *code, const char *name,
			const char *path);
int commitments_store_children(struct db_conn *c, int64_t parent_id, cunit_fn fn, void *ctx);
/* Does account id exist? 1, 0, <0. */
int commitments_store_account_exists(struct db_conn *c, int64_t id);
/* A resident record's unit path into out: DB_ROW, DB_DONE, <0. */
int commitments_store_resident_path(struct db_conn *c, int64_t resident_id, char *out, size_t n);

/* ---- events, state changes, comments (actions_store.c) -------------------- */

struct cevent_in {
	int64_t item_id;
	const char *kind;
	int64_t percent; /* -1: none */
	const char *note, *reason;
	const char *photos; /* JSON array text, NULL: [] */
	int64_t actor_id, at;
};
/* In the caller's transaction: 0 and *id, <0. */
int cevents_store_insert(struct db_conn *c, const struct cevent_in *in, int64_t *id);

struct cevent_view {
	int64_t id, item_id, percent, actor_id, at;
	int has_percent;
	const char *kind, *note, *reason, *photos, *actor_name;
};
typedef int (*cevent_fn)(void *ctx, const struct cevent_view *v);
/* An item's events, oldest first; or every event of a list's items by item and age. */
int cevents_store_of_item(struct db_conn *c, int64_t item_id, cevent_fn fn, void *ctx);
int cevents_store_of_list(struct db_conn *c, int64_t list_id, cevent_fn fn, void *ctx);

/* Take the item's row lock (first in a transaction that reads, then writes it). */
int citems_store_lock(struct db_conn *c, int64_t id);
/* The progress of an item in_progress: *changed 0 when it is not in that state. */
int citems_store_set_progress(struct db_conn *c, int64_t id, int64_t percent, int64_t now,
			      int64_t *changed);
/* Move an item from `from` to `to` (done: verified_by/at, percent 100; a return keeps reason):
 * *changed 0 when it was not in `from`. */
int citems_store_set_status(struct db_conn *c, int64_t id, const char *from, const char *to,
			    int64_t by, const char *reason, int64_t now, int64_t *changed);

struct ccomment_view {
	int64_t id, item_id, created_at, answered_by, answered_at;
	const char *kind, *text, *unit_path;
	const char *answer;	      /* NULL: not answered */
	const char *answered_by_name; /* NULL: not answered */
	const char *item_title;
};
typedef int (*ccomment_fn)(void *ctx, const struct ccomment_view *v);
int ccomments_store_get(struct db_conn *c, int64_t id, ccomment_fn fn, void *ctx);
int ccomments_store_of_item(struct db_conn *c, int64_t item_id, ccomment_fn fn, void *ctx);
int ccomments_store_of_list(struct db_conn *c, int64_t list_id, ccomment_fn fn, void *ctx);
struct ccomment_filter {
	const char *lo, *hi;  /* the comments' unit_path range */
	int64_t after, limit; /* id > after, by id */
	int unanswered;	      /* only those without an answer */
	const char *kind;     /* NULL: both kinds */
};
int ccomments_store_list(struct db_conn *c, const struct ccomment_filter *f, ccomment_fn fn,
			 void *ctx);

struct ccomment_in {
	int64_t item_id;
	const char *unit_path, *kind, *text;
	int64_t resident_id, account_id, now;
};
/* 0 and *id; DB_ECONSTRAINT when the resident left one of this kind on the item already. */
int ccomments_store_insert(struct db_conn *c, const struct ccomment_in *in, int64_t *id);
/* Answer a comment not answered yet: *changed 0 when it had an answer. */
int ccomments_store_answer(struct db_conn *c, int64_t id, const char *text, int64_t by, int64_t now,
			   int64_t *changed);

/* ---- handlers' shared checks (commitments_api.c) ---------------------------- */

struct req;
/* Load item id inside the caller's scope into out: 0, or -1 having answered 404 (also
 * outside the scope) or 503. */
int citem_scoped_or_reply(struct req *req, struct db_conn *c, int64_t id,
			  struct commitment_item_ref *out);

/* ---- JSON (commitments_json.c) -------------------------------------------- */

/* rate as {"items", "done", "overdue", "percent"}. */
json_t *rate_json(const struct rate *r);
/* A list without items; full: with unit (staff), else the public shape. */
json_t *clist_json(const struct clist_view *v, int full);
/* An item; full: the staff shape (unit, member account, times), else the public one. */
json_t *citem_json(const struct citem_view *v, int full);
/* An event; full: with the actor. photos text parsed into an array. */
json_t *cevent_json(const struct cevent_view *v, int full);
/* A comment; full: the answer's author too. Never the resident. */
json_t *ccomment_json(const struct ccomment_view *v, int full);

#endif
