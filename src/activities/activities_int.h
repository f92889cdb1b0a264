/*
 * activities_int.h — what the files of src/activities/ share beyond
 * activities.h: the activity row, the request's fields, the helpers the
 * handlers of activities_api.c and signup_api.c both use, and the store's
 * functions (activities_store.c, signup_store.c) they call. Nothing outside
 * src/activities/ includes it.
 *
 * Rows read by the store reach the handlers through a callback with a view
 * whose strings point into the statement: valid during the call only. A
 * callback returns 0 to go on, <0 to stop (the store then returns that).
 * Functions that return one value or one row answer DB_ROW or DB_DONE (no
 * row) or <0, those that write 0 or <0, all as store.h does.
 */
#ifndef SHUNIU_ACTIVITIES_ACTIVITIES_INT_H
#define SHUNIU_ACTIVITIES_ACTIVITIES_INT_H

#include <jansson.h>
#include <stdint.h>

#include "activities/activities.h"
#include "http/body.h"

struct arena;
struct db_conn;
struct req;

#define ACTIVITY_CHECK_IN_EARLY_S (30 * 60) /* check-in opens this long before the start */

struct activity {
	int64_t id, unit_id, venue_id, booking_id, starts_at, ends_at, opens_at, closes_at;
	int64_t capacity, confirmed, waitlisted;
	char unit_path[256];
	char status[16];
	/* in the request's arena: a title of 200 characters is up to 800 bytes of UTF-8 */
	const char *title, *place;
	char eligibility[160]; /* comma list of resident tags; empty: everyone */
};

/* An activity's fields as a request gives them (absent text NULL: keep what is stored). */
struct activity_in {
	const char *title, *description, *place, *kind, *team;
	int64_t start, end, opens, closes, capacity, venue_id;
	const char *eligibility; /* comma list, or NULL when absent */
	int has_start, has_end, has_opens, has_closes, has_capacity, has_venue;
	int64_t unit_id;       /* a new activity's unit, 0 when not given */
	struct body_seen seen; /* which keys were sent: activity_given() */
};

/* ---- shared by the handlers (activities_api.c) ---------------------------- */

/* Does the account hold activity:manage? */
int activity_is_manager(const struct req *req);

/*
 * Load an activity the caller may see — managers inside their scope, anyone
 * else when it belongs to their community or a unit above it — into *out, and
 * its JSON into *json when json is not NULL. 0, or -1 having answered (404
 * when not visible).
 */
int activity_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct activity *out,
			      json_t **json);

/*
 * Inside the caller's transaction, which holds the activity row's lock:
 * confirm waitlisted sign-ups, first come first served, while places are
 * free, each with a message (kind "activity") to the resident — or to the
 * organising unit for a resident without an account. Appends the promoted
 * sign-ups' ids to promoted when not NULL. 0 or <0. (signup_api.c)
 */
int activity_fill(struct req *req, struct db_conn *c, const struct activity *a, int64_t now,
		  json_t *promoted);

/*
 * Message (kind "activity") everyone with a live sign-up of a, inside the
 * caller's transaction; those without an account are counted in one message
 * to the organising unit, whose staff tell them. 0 or <0. (signup_api.c)
 */
int activity_tell_signed_up(struct db_conn *c, const struct activity *a, const char *title,
			    const char *body, int64_t now);

/* ---- the request's fields (activities_fields.c) ---------------------------- */

struct venue;

/* Read the fields present into in (creating: the required ones must be); absent ones stay
 * as they are. 0, or -1 having answered. */
int activity_fields_or_reply(struct req *req, int creating, struct activity_in *in);
/* Was the field (one of the body's keys) sent, null included? */
int activity_given(const struct activity_in *in, const char *field);
/* The combination: times in order, the window before the start, an organiser, a place. */
int activity_check_or_reply(struct req *req, const struct activity_in *in);
/* A venue the activity may reserve for [start, end) with capacity places; 0 or -1 answered. */
int venue_for_or_reply(struct req *req, struct db_conn *c, const struct activity_in *in,
		       struct venue *v);
/* Book the venue inside the transaction for unit_id; on a refusal answer and return
 * DB_EABORT. 0 and *bid, or <0. */
int activity_book_venue(struct req *req, struct db_conn *c, const struct venue *v,
			const struct activity_in *in, int64_t unit_id, int64_t now, int64_t *bid);

/* A time as Shanghai ISO 8601, or JSON null for 0 (a NULL column). */
json_t *activity_time_json(int64_t t);
/* A comma list ("a,b") as a JSON array of strings. */
json_t *tags_json(const char *list);
/* Is tag in the comma list? */
int tag_in_list(const char *list, const char *tag);

/* ---- activities (activities_store.c) -------------------------------------- */

struct db_stmt;

/*
 * An activity as read, for whom (the account and resident ids given to the
 * read) with their own latest sign-up: my_id 0 when they have none. a.title
 * and a.place (the place, else the venue's name) point into the statement
 * like the strings here; place is the column as stored. Times are 0 where
 * the column is NULL.
 */
struct activity_view {
	struct activity a;
	const char *unit_name, *organiser_kind, *organiser_name, *description, *place;
	const char *venue_name, *booking_status, *check_in_code, *cancel_reason;
	int64_t created_by, created_at, updated_at;
	const char *created_by_name;
	int64_t my_id, my_checked_in_at, my_position;
	const char *my_status;
};
typedef int (*activity_view_fn)(void *ctx, const struct activity_view *v);

/* One activity, read for account_id / resident_id (0: none): DB_ROW (fn called), DB_DONE, <0. */
int activities_store_view(struct db_conn *c, int64_t account_id, int64_t resident_id, int64_t id,
			  activity_view_fn fn, void *ctx);

struct activity_filter {
	int64_t account_id, resident_id; /* for whom, as activities_store_view */
	const char *lo, *hi;		 /* a unit_path range, */
	const char *up1, *up2;		 /* and two more paths (repeat lo when unused) */
	int64_t from, to;		 /* ending after from; starting before to (0: any) */
	const char *status;		 /* NULL: any */
	int mine;			 /* only those with the caller's live sign-up */
	int64_t limit, offset;		 /* soonest first */
};
int activities_store_list(struct db_conn *c, const struct activity_filter *f, activity_view_fn fn,
			  void *ctx);

/*
 * Lock the activity's row for this transaction — sign-ups, cancels and
 * changes of capacity queue on it — and read its capacity now. DB_ROW while
 * it is published, DB_DONE when it is not (cancelled meanwhile), or <0.
 */
int activities_store_lock(struct db_conn *c, int64_t id, int64_t *capacity);
/* The columns an update checks (venue, booking, times, window, capacity) into *out. */
int activities_store_plan(struct db_conn *c, int64_t id, struct activity *out);
/* The title, start and place (else the venue's name) into *a, copied into ar. */
int activities_store_reread(struct db_conn *c, struct arena *ar, struct activity *a);
/* The stored title, place, organiser kind and name, copied into ar. */
int activities_store_texts(struct db_conn *c, struct arena *ar, int64_t id, const char **title,
			   const char **place, const char **kind, const char **team);
/* The check-in code, copied into ar. */
int activities_store_code(struct db_conn *c, struct arena *ar, int64_t id, const char **code);

/* In the caller's transaction; venue and booking 0 for none. 0 and *id, or <0. */
int activities_store_insert(struct db_conn *c, const struct activity_in *in, int64_t unit_id,
			    const char *unit_path, int64_t booking_id, const char *code,
			    int64_t created_by, int64_t now, int64_t *id);
/* Write in over a published activity (description and eligibility NULL: keep); *changed 0
 * when it is no longer published. 0 or <0. */
int activities_store_update(struct db_conn *c, int64_t id, const struct activity_in *in,
			    int64_t booking_id, int64_t now, int64_t *changed);
/* Cancel a published activity: DB_ROW and its booking (0: none), DB_DONE when it was not
 * published, <0. */
int activities_store_cancel(struct db_conn *c, int64_t id, const char *reason, int64_t now,
			    int64_t *booking_id);

/* ---- sign-ups (signup_store.c) -------------------------------------------- */

struct signup {
	int64_t id, account_id, resident_id, checked_in_at;
	char status[16];
};

/* Counts of an activity's sign-ups: confirmed; checked in. DB_ROW or <0. */
int signups_store_confirmed(struct db_conn *c, int64_t activity_id, int64_t *n);
int signups_store_checked_in(struct db_conn *c, int64_t activity_id, int64_t *n);
/* Live sign-ups of the account or of the resident (0: neither). DB_ROW or <0. */
int signups_store_live(struct db_conn *c, int64_t activity_id, int64_t account_id,
		       int64_t resident_id, int64_t *n);
/* A waitlisted sign-up's place in the waitlist (1 first). DB_ROW or <0. */
int signups_store_position(struct db_conn *c, int64_t activity_id, int64_t sid, int64_t *pos);
/* The first waitlisted sign-up: DB_ROW with its id and account (0: none), DB_DONE, <0. */
int signups_store_first_waitlisted(struct db_conn *c, int64_t activity_id, int64_t *sid,
				   int64_t *account_id);
/* The accounts of the live sign-ups in sign-up order, malloc'd into *ids (the caller frees),
 * and how many live sign-ups have no account. 0 or <0. */
int signups_store_live_accounts(struct db_conn *c, int64_t activity_id, int64_t **ids, int64_t *n,
				int64_t *no_account);
/* A resident in [lo, hi): DB_ROW and *account_id (the first account bound to them, enabled
 * only when enabled; 0 none), DB_DONE, <0. */
int signups_store_resident_in(struct db_conn *c, int64_t resident_id, const char *lo,
			      const char *hi, int enabled, int64_t *account_id);
/* Sign-up sid of the activity: DB_ROW, DB_DONE, <0. */
int signups_store_get(struct db_conn *c, int64_t activity_id, int64_t sid, struct signup *s);

/* In the caller's transaction. DB_ROW and *sid; DB_ECONSTRAINT when the holder has a live
 * sign-up already; <0. */
int signups_store_insert(struct db_conn *c, int64_t activity_id, int64_t account_id,
			 int64_t resident_id, int64_t by, const char *status, int64_t now,
			 int64_t *sid);
int signups_store_promote(struct db_conn *c, int64_t sid, int64_t now);
/* Cancel sign-up sid while it has status and no check-in; *changed the rows (0 or 1). */
int signups_store_cancel(struct db_conn *c, int64_t sid, const char *status, const char *reason,
			 int64_t now, int64_t *changed);
/* Cancel every live sign-up of the activity, with the reason. */
int signups_store_cancel_all(struct db_conn *c, int64_t activity_id, const char *reason,
			     int64_t now);
/* Check a confirmed sign-up in; *changed 0 when it was not confirmed or was checked in. */
int signups_store_check_in(struct db_conn *c, int64_t sid, int64_t by, int64_t now,
			   int64_t *changed);

/* How many activities and venues carry code (the activity's or the venue's). DB_ROW or <0. */
int signups_store_code_known(struct db_conn *c, const char *code, int64_t *n);
/* The holder's confirmed sign-up not checked in, of a published activity that has code (or
 * is held at the venue that has it) starting by until and ending after now: DB_ROW with the
 * sign-up and the activity, DB_DONE, <0. */
int signups_store_due(struct db_conn *c, const char *code, int64_t account_id, int64_t resident_id,
		      int64_t until, int64_t now, int64_t *sid, int64_t *activity_id);

/* A sign-up in an activity's list: ids and times 0 where NULL. */
struct signup_view {
	int64_t id, account_id, resident_id, signed_up_by, position;
	const char *status, *name, *signed_up_by_name, *cancel_reason;
	int64_t created_at, promoted_at, checked_in_at;
};
typedef int (*signup_view_fn)(void *ctx, const struct signup_view *v);
/* The activity's sign-ups with id > after (status NULL: any), by id, at most limit rows. */
int signups_store_list(struct db_conn *c, int64_t activity_id, int64_t after, const char *status,
		       int64_t limit, signup_view_fn fn, void *ctx);

/* A sign-up in a holder's record, with its activity. */
struct record_view {
	int64_t id, checked_in_at, created_at;
	const char *status;
	int64_t activity_id, starts_at, ends_at, unit_id;
	const char *title, *place, *activity_status, *unit_name; /* place: else the venue's name */
};
typedef int (*record_view_fn)(void *ctx, const struct record_view *v);
/* The sign-ups of the account or the resident with id < before, newest first, at most limit. */
int signups_store_record(struct db_conn *c, int64_t account_id, int64_t resident_id, int64_t before,
			 int64_t limit, record_view_fn fn, void *ctx);
/* The whole record: attended, absent (ended unchecked), expected (confirmed, not ended). */
int signups_store_record_counts(struct db_conn *c, int64_t account_id, int64_t resident_id,
				int64_t now, int64_t counts[3]);

#endif
