/*
 * venues_int.h — what the files of src/venues/ share beyond venues.h: the
 * store's functions (venues_store.c, bookings_store.c) that the handlers
 * (venues_api.c, bookings_api.c) call, the rows they pass, and the pure
 * helper the unit tests (tests/unit/test_service.c) see. Nothing outside
 * src/venues/ includes it.
 *
 * Rows read by the store reach the handlers through a callback with a view
 * whose strings point into the statement: valid during the call only. A
 * callback returns 0 to go on, <0 to stop (the store then returns that).
 */
#ifndef SHUNIU_VENUES_VENUES_INT_H
#define SHUNIU_VENUES_VENUES_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "venues/venues.h"

struct db_conn;

/* Opening hours as the API shows them: every day, "HH:MM" pairs, [] when closed. */
json_t *week_hours_json(const struct week_hours *h);

/* ---- venues (venues_store.c) -------------------------------------------- */

struct venue_view {
	struct venue v;
	const char *description, *address, *public_code, *unit_name;
};
typedef int (*venue_view_fn)(void *ctx, const struct venue_view *vv);

/* Venues in [lo, hi) with id > after, by id, at most limit rows; all: inactive too. 0 or <0. */
int venues_store_list(struct db_conn *c, const char *lo, const char *hi, int64_t after, int all,
		      int64_t limit, venue_view_fn fn, void *ctx);
/* One venue by id: DB_ROW (fn called), DB_DONE, <0. */
int venues_store_view(struct db_conn *c, int64_t id, venue_view_fn fn, void *ctx);
/* The check-in code of a venue into out: DB_ROW, DB_DONE, <0. */
int venues_store_public_code(struct db_conn *c, int64_t id, char *out, size_t n);

struct blackout {
	int64_t id, starts_at, ends_at;
	const char *reason;
};
typedef int (*blackout_fn)(void *ctx, const struct blackout *b);
/* The venue's blackouts that end after from, by start, at most 200. 0 or <0. */
int venues_store_blackouts(struct db_conn *c, int64_t venue_id, int64_t from, blackout_fn fn,
			   void *ctx);

/* A day [from, to) of a venue: the booked cells (at most max), and the blackouts over it
 * (at most max). 0 or <0; *n the count. */
int venues_store_taken_cells(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
			     int64_t *cells, int max, int *n);
int venues_store_blackout_spans(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
				int64_t *starts, int64_t *ends, int max, int *n);

/* A venue's fields as a request gives them (absent text NULL: keep what is stored). */
struct venue_in {
	const char *name, *description, *address;
	int64_t capacity, slot_minutes, min_notice, max_days, max_duration, quota;
	int approval, active;
	json_t *hours;
};
/* In the caller's transaction. hours: the opening hours as JSON text (NULL: keep). */
int venues_store_insert(struct db_conn *c, const struct venue_in *in, int64_t unit_id,
			const char *unit_path, const char *hours, const char *code, int64_t now,
			int64_t *id);
int venues_store_update(struct db_conn *c, int64_t id, const struct venue_in *in, const char *hours,
			int64_t now);
int venues_store_add_blackout(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
			      const char *reason, int64_t now, int64_t *bid);
/* 0, DB_DONE when the venue has no such blackout, <0. */
int venues_store_delete_blackout(struct db_conn *c, int64_t venue_id, int64_t bid);

/* ---- bookings (bookings_store.c) ---------------------------------------- */

/* A booking as read, its status derived (a resident's approved booking past its end
 * unchecked reads no_show). Ids are 0 where the column is NULL. */
struct booking_view {
	int64_t id, venue_id, venue_unit_id, starts_at, ends_at, attendees;
	const char *venue_name, *purpose, *status, *reason, *unit_path;
	int64_t resident_id, account_id, for_unit_id, booked_by;
	const char *resident_name; /* NULL: no resident and no account */
	const char *for_unit_name, *booked_by_name;
	int64_t created_at, decided_at, checked_in_at;
	int has_created, has_decided, has_checked_in;
};
typedef int (*booking_view_fn)(void *ctx, const struct booking_view *bv);

/* One booking: DB_ROW (fn called), DB_DONE, <0. */
int bookings_store_view(struct db_conn *c, int64_t id, int64_t now, booking_view_fn fn, void *ctx);

struct booking_filter {
	const char *lo, *hi; /* the bookings' unit_path range */
	int64_t before;	     /* ids below this, newest first */
	int own;	     /* only account_id's */
	int64_t account_id;
	int64_t venue_id;   /* 0: every venue */
	const char *status; /* NULL: every status (as derived) */
	int64_t limit;	    /* rows at most */
};
int bookings_store_list(struct db_conn *c, const struct booking_filter *f, int64_t now,
			booking_view_fn fn, void *ctx);

/* Take the holder's row lock (the account, else the resident), so one holder's bookings
 * run one after another. */
int bookings_store_lock_holder(struct db_conn *c, int64_t account_id, int64_t resident_id);
/* Is any blackout of the venue overlapping [s, e)? 1 yes, 0 no, <0 error. */
int bookings_store_blackout_overlaps(struct db_conn *c, int64_t venue_id, int64_t s, int64_t e);
/* The holder's last `limit` no-shows: *k of them, the ends of the newest and of the oldest. */
int bookings_store_last_no_shows(struct db_conn *c, int64_t account_id, int64_t resident_id,
				 int64_t limit, int64_t *k, int64_t *newest, int64_t *oldest);
/* Live bookings of a holder at a venue that start in the Shanghai week holding t. */
int bookings_store_week_count(struct db_conn *c, int64_t venue_id, int64_t account_id,
			      int64_t resident_id, int64_t t, int64_t *n);

/* What a booking row holds; the holder is account/resident, or the unit. */
struct booking_row {
	const struct venue *v;
	int64_t account_id, resident_id, booked_by, for_unit, s, e, attendees, now;
	const char *purpose, *status;
	int decided; /* staff bookings are decided when made */
};
/* Inside the caller's transaction (blackouts checked): the booking and its slots. 0 and
 * *id; BOOKING_TAKEN when a slot is held (the caller rolls back); <0. */
int bookings_store_insert(struct db_conn *c, const struct booking_row *b, int64_t *id);

/* A resident in [lo, hi): DB_ROW and *account_id (their first enabled account, 0 none),
 * DB_DONE, <0. */
int bookings_store_resident_in(struct db_conn *c, int64_t resident_id, const char *lo,
			       const char *hi, int64_t *account_id);
/* Move booking id from status `from` to `to` (decided_by/at for approved and rejected,
 * checked_in_at for checked_in); *changed the rows moved (0: the state moved first). */
int bookings_store_set_status(struct db_conn *c, int64_t id, const char *from, const char *to,
			      const char *reason, int64_t by, int64_t now, int64_t *changed);
int bookings_store_free_slots(struct db_conn *c, int64_t id);
/* The published activity holding booking id, 0 none. */
int bookings_store_activity_holding(struct db_conn *c, int64_t booking_id, int64_t *activity);
/* The holder's approved booking at the venue starting by `until` and ending after now. */
int bookings_store_due(struct db_conn *c, int64_t venue_id, int64_t account_id, int64_t until,
		       int64_t now, int64_t *id);

#endif
