/*
 * appeals_int.h — what the appeal files share and nobody else needs: the
 * appeal row as loaded for an action, the visibility rule, the write of a
 * changed row with its event, messages and outbox entry, and the functions
 * of the module's stores (appeals_store.c, appeal_read_store.c,
 * appeal_submit_store.c, appeal_sla_store.c, appeal_stats_store.c,
 * category_store.c), which hold every SQL statement of src/appeals/.
 */
#ifndef SHUNIU_APPEALS_INT_H
#define SHUNIU_APPEALS_INT_H

#include "appeals/appeals.h"

#include <jansson.h>
#include <stdint.h>

struct auth;
struct db_conn;
struct db_stmt;
struct req;

struct appeal_row {
	int64_t id;
	char case_no[24];
	int64_t category_id;
	int status;
	int64_t unit_id, handler_unit_id, assignee_id, dispatcher_unit_id, resolved_by;
	char unit_path[256], handler_path[256], dispatcher_path[256];
	int64_t reporter_id, created_by;
	int64_t accept_due, handle_due;
	/* the deadlines as loaded: those in force until this action (appeal_save) */
	int64_t loaded_accept_due, loaded_handle_due;
	int64_t accepted_at, dispatched_at, resolved_at, closed_at, rated_at, overdue_at;
	char rating[24];
	int64_t rework_count, reopen_count, escalations;
	int64_t extension_hours;
	char extension_reason[256];
	int64_t merged_into;
	int64_t version;
	int64_t created_at;
};

/* Who sees what: the account's subtree [lo, hi) (place or handler) and its own reports.
 * Staff without appeal:read and residents have lo = hi = "" so only their own reports match. */
struct visibility {
	char lo[256], hi[256];
	int64_t account_id;
};
/* The caller's visibility; an anonymous caller sees nothing. */
void appeal_visibility(const struct req *req, struct visibility *v);
/* Load an appeal the caller may see: DB_ROW, DB_DONE (not visible), <0. */
int appeal_load(struct db_conn *c, const struct visibility *v, int64_t id, struct appeal_row *r);

/* May this account take this action on this row now (state and actor)? */
int appeal_may(const struct auth *a, const struct appeal_row *r, int act);

/*
 * Write r's mutable columns (optimistic on r->version), append the event
 * and the outbox entry, and tell the reporter. 0, DB_DONE when another change
 * won the race, or <0.
 *
 * Lateness is decided here from the history: when the state the appeal
 * leaves (from_status) had passed the deadline in force during it (the one
 * loaded, not one this action sets, such as an approved extension), overdue_at
 * becomes that deadline. The SLA sweeper marks the same value, so whether it
 * ran before the action changes nothing.
 */
int appeal_save(struct db_conn *c, struct appeal_row *r, int from_status, const char *action,
		int64_t actor_id, const char *actor_name, const char *note, const char *photos,
		json_t *details, int64_t now);

/*
 * Write the appeal's appeal_scope rows: every unit on unit_path and on
 * handler_path, with the status. replace: delete the old rows first.
 */
int appeal_scope_write(struct db_conn *c, int64_t appeal_id, const char *unit_path,
		       const char *handler_path, const char *status, int replace);

/* Is the appeal past its current deadline at `now`? */
int appeal_is_overdue(int status, int64_t accept_due, int64_t handle_due, int64_t now);

int appeal_writer_start(struct server *srv);
void appeal_writer_stop(void);
int sla_start(struct server *srv);
void sla_stop(void);

/* ---- the store (appeals_store.c) -------------------------------------- */

/*
 * INSERT head + tuple × n + tail, in chunks of 64, 16, 4 and 1 rows: bind(st, base, ctx,
 * row) binds row's per_row parameters after index base; back(st, ctx, first, n), when
 * given, steps the statement and reads what it returns. 0 or <0.
 */
typedef void (*appeal_bind_fn)(struct db_stmt *st, int base, const void *ctx, int row);
typedef int (*appeal_back_fn)(struct db_stmt *st, const void *ctx, int first, int n);
int appeal_insert_rows(struct db_conn *c, const char *head, const char *tuple, int per_row,
		       const char *tail, int n, appeal_bind_fn bind, const void *ctx,
		       appeal_back_fn back);

/* One line of an appeal's timeline. actor_id 0: none; from_status NULL: none (a new
 * appeal); note NULL: ""; photos NULL: "[]"; details (JSON text) NULL: "{}". */
struct appeal_event {
	int64_t appeal_id, at, actor_id;
	const char *actor_name, *action, *from_status, *to_status, *note, *photos, *details;
};
/* Append n events (the one insert of appeal_events). 0 or <0. */
int appeal_event_insert(struct db_conn *c, const struct appeal_event *ev, int n);

/* Write r's mutable columns if r->version is still stored: 0, DB_DONE when another
 * change won the race, <0. */
int appeal_store_update(struct db_conn *c, const struct appeal_row *r, int64_t now);
/* Link two appeals both ways (kept if linked already). 0 or <0. */
int appeal_store_link(struct db_conn *c, int64_t id, int64_t other, int64_t now);

/* ---- categories (category.c, category_store.c) ------------------------- */

/* grid, community, street, department → enum appeal_level; -1 if unknown. */
int category_level_parse(const char *s);
/* A category as a request gives it: absent text NULL (on update: keep), amounts 0 and
 * sort, active -1 keep what is stored. */
struct category_in {
	const char *code, *name, *name_en, *level, *accept_unit, *handle_unit;
	int64_t accept_amount, handle_amount, sort;
	int active;
};
/* Every category (all: inactive too) as the API shows them, by sort, id. 0 or <0. */
int category_store_list(struct db_conn *c, int all, json_t **items);
/* In the caller's transaction. 0 or <0. */
int category_store_insert(struct db_conn *c, const struct category_in *in, int64_t now,
			  int64_t *id);
/* 0, DB_DONE when there is no such category, <0. */
int category_store_update(struct db_conn *c, int64_t id, const struct category_in *in, int64_t now);

/* ---- reading appeals (appeal_read_store.c) ----------------------------- */

struct arena;
struct jw;
/*
 * A list request. queue: the work queue (scope unit_id and statuses sts[0..nst) only,
 * read through appeal_scope); else own (the reports of account_id) or the subtree
 * [lo, hi) at depth, filtered by the statuses, category, channel, assignee (0: any),
 * overdue at now, created_at in [from, to), text (a substring, or the case number).
 * cursor: the last id seen (0: none); at most limit rows.
 */
struct appeal_query {
	int queue, own, overdue, has_from, has_to, nst, depth;
	int64_t unit_id, account_id, assignee, now, from, to, cursor, limit;
	const char *lo, *hi, *category, *channel, *text;
	const char *sts[ST__COUNT];
};
/* Write up to q->limit rows into w's open array, newest first; *n the rows read (limit
 * + 1 when there are more), *last the last id written. 0 or <0. */
int appeals_store_list(struct db_conn *c, const struct appeal_query *q, struct arena *arena,
		       struct jw *w, int64_t *n, int64_t *last);
/* One appeal as the API shows it, without timeline and links: DB_ROW and *out, DB_DONE
 * (also when the row could not be read), <0. */
int appeal_store_detail(struct db_conn *c, int64_t id, int64_t now, json_t **out);
/* The timeline, oldest first (public: what an anonymous reporter may read), and the
 * linked appeals; NULL on a database error. */
json_t *appeal_store_timeline(struct db_conn *c, int64_t id, int public);
json_t *appeal_store_links(struct db_conn *c, int64_t id);
/* The appeal of case_no if its phone ends in last4: DB_ROW, *out and *id; DB_DONE (no such
 * case, another phone, or the row could not be read); <0. */
int appeal_store_track(struct db_conn *c, const char *case_no, const char *last4, json_t **out,
		       int64_t *id);
/* The sealed contact phone into buf (*n 0 when there is none): 0; 1 when it is longer
 * than cap (it cannot be one we sealed); <0. */
int appeal_store_phone(struct db_conn *c, int64_t id, unsigned char *buf, size_t cap, size_t *n);

/* ---- KPIs, hotspots, map (appeal_stats_store.c) ----------------------- */

/* A row of a group (a child unit: id, code, name, kind; a category: id, code, name,
 * level); strings valid during the call. <0 stops. */
typedef int (*stat_group_fn)(void *ctx, int64_t id, const char *code, const char *name,
			     const char *kind);
/* The children of a unit by id; every category by sort, id. 0 or <0. */
int stats_store_children(struct db_conn *c, int64_t parent_id, stat_group_fn fn, void *ctx);
int stats_store_categories(struct db_conn *c, stat_group_fn fn, void *ctx);

/* An appeal as the KPIs count it. */
struct stat_row {
	const char *unit_path, *category, *status, *rating; /* rating NULL: not rated */
	int accepted, was_overdue, resolved;
	int64_t rework_count, created_at, closed_at;
};
typedef int (*stat_row_fn)(void *ctx, const struct stat_row *r);
/* The appeals placed in [lo, hi), created in [from, to), merged ones left out. 0 or <0. */
int stats_store_rows(struct db_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		     stat_row_fn fn, void *ctx);
typedef int (*hot_row_fn)(void *ctx, const char *unit_path, int64_t category_id, int64_t id,
			  int64_t created_at);
/* The appeals placed in [lo, hi) since `since`, neither merged nor rejected, of one
 * category (NULL: any), by place, category and id. 0 or <0. */
int stats_store_hot_rows(struct db_conn *c, const char *lo, const char *hi, int64_t since,
			 const char *category, hot_row_fn fn, void *ctx);
/* The map: up to max units of kind in [lo, hi) with a boundary, as GeoJSON features; up to
 * max open appeals seen from a unit, newest first. Written into w's open array. 0 or <0. */
int map_store_units(struct db_conn *c, const char *lo, const char *hi, const char *kind,
		    int64_t max, struct jw *w);
int map_store_appeals(struct db_conn *c, int64_t unit_id, int64_t max, int64_t now, struct jw *w);
/* Answer w (closed by the caller) as 200, or 503 when rc < 0 (w discarded). */
void appeal_reply_jw(struct req *req, int rc, struct jw *w);

/* ---- submissions (appeal_submit_store.c) ------------------------------- */

/*
 * Write a batch of submissions in the caller's transaction: replays (idem_key stored
 * already, or twice in the batch) get the stored answer, the others a case number and
 * their rows. Sets every item's rc. 0, or <0 (the caller rolls back).
 */
int appeal_store_insert_batch(struct db_conn *c, struct appeal_new **items, int n);
/* The first grid (by id) whose boundary holds the point: DB_ROW and *id, DB_DONE, <0.
 * (units and stations are org's tables: these move there.) */
int appeal_store_grid_at_point(struct db_conn *c, double lng, double lat, int64_t *id);
/* The root unit (the district): DB_ROW and *id, DB_DONE, <0. */
int appeal_store_root_unit(struct db_conn *c, int64_t *id);
/* The station of a public code and its grid: DB_ROW, DB_DONE, <0. */
int appeal_store_station(struct db_conn *c, const char *code, int64_t *station_id,
			 int64_t *grid_id);

/* ---- the SLA sweeper's statements (appeal_sla_store.c) ---------------- */

struct overdue {
	int64_t id, handler_unit_id, assignee_id, due;
	int status;
	char handler_path[256], case_no[24];
};
struct unit_ref;
/* Up to max appeals with id > after past their deadline at now without a notice for
 * that deadline and handler, by id, into list[*n]. 0 or <0. */
int sla_store_overdue(struct db_conn *c, int64_t after, int64_t now, struct overdue *list, int max,
		      int *n);
/* Raise the notice on handler unit h and mark the appeal overdue and supervised: 0,
 * DB_DONE when the notice was raised already, <0. */
int sla_store_supervise(struct db_conn *c, const struct overdue *o, const char *kind,
			const struct unit_ref *h, int64_t now);
/* Mark a notice escalated (kept if it is already). 0 or <0. */
int sla_store_mark_escalated(struct db_conn *c, int64_t sup_id, int64_t now);
/* Up to max notices raised at or before `before`, not escalated, on the appeal's current
 * handler: (notice id, appeal id) pairs by notice id. 0 or <0. */
int sla_store_notices_due(struct db_conn *c, int64_t before, int64_t (*sups)[2], int max, int *n);
/* Mark escalated the notices raised at or before `before` on a unit that no longer
 * handles the appeal. 0 or <0. */
int sla_store_settle(struct db_conn *c, int64_t now, int64_t before);
/* The supervision list for scope_list_reply: its statement and its row. */
extern const char sla_supervisions_sql[];
json_t *sla_supervision_json(struct db_stmt *st);

#endif
