/*
 * activity_int.h — what activity.c (the activities) and activity_signup.c
 * (sign-ups, the waitlist, check-in, attendance) share and nobody else
 * needs: the activity row, who may see it, and filling free places from the
 * waitlist.
 */
#ifndef SHUNIU_SERVICE_ACTIVITY_INT_H
#define SHUNIU_SERVICE_ACTIVITY_INT_H

#include <jansson.h>
#include <stdint.h>

struct db_conn;
struct db_stmt;
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
 * sign-ups' ids to promoted when not NULL. 0 or <0.
 */
int activity_fill(struct req *req, struct db_conn *c, const struct activity *a, int64_t now,
		  json_t *promoted);

/*
 * Message (kind "activity") everyone with a live sign-up of a, inside the
 * caller's transaction; those without an account are counted in one message
 * to the organising unit, whose staff tell them. 0 or <0.
 */
int activity_tell_signed_up(struct db_conn *c, const struct activity *a, const char *title,
			    const char *body, int64_t now);

/*
 * Lock the activity's row for this transaction — sign-ups, cancels and
 * changes of capacity queue on it — and read its capacity now. DB_ROW while
 * it is published, DB_DONE when it is not (cancelled meanwhile), or <0.
 */
int activity_lock(struct db_conn *c, int64_t id, int64_t *capacity);

/* A time as Shanghai ISO 8601, or JSON null for a NULL column / 0. */
json_t *activity_time_json(struct db_stmt *st, int col);

/* Is tag in the comma list? */
int tag_in_list(const char *list, const char *tag);

#endif
