/*
 * venues.h — venues and their bookings: what other modules may call.
 *
 * Venues belong to a unit and carry their rules: weekly opening hours, the
 * slot size, minimum notice, how far ahead, longest booking, a weekly quota
 * per resident, whether staff approve bookings, and blackout periods.
 *
 * The one rule that must hold under any concurrency — a slot is never booked
 * twice — is held by the database: every booking inserts one booking_slots
 * row per slot, and (venue_id, slot_start) is the primary key. The other
 * rules are checked inside the booking's transaction.
 *
 * Activities (activity.c in service/) are organised by a unit or a volunteer
 * team; one that takes place at a venue reserves it with a staff booking for
 * the unit, made by booking_create_for_unit() inside the activity's own
 * transaction, so the activity and its booking exist together or not at all.
 * Meal assistance reuses the Shanghai local-time helpers.
 *
 * Residents' no-shows: an approved booking for a resident that was not
 * checked in by its end is a no-show. booking_no_show_limit of them within
 * booking_no_show_days bar the resident from booking for booking_ban_days
 * after the last one.
 *
 * Files: venues_api.c and bookings_api.c (handlers and route tables),
 * venues_store.c and bookings_store.c (all the SQL), venues_hours.c (local
 * time, opening hours, whether a booking fits: pure), venues_int.h (what they
 * share).
 */
#ifndef SHUNIU_VENUES_VENUES_H
#define SHUNIU_VENUES_VENUES_H

#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;

/* booking_slots cells: 15 minutes, the smallest slot size (see bookings_store.c). */
#define SLOT_CELL_S (15 * 60)

/* Opening hours: up to 4 intervals a day, minutes from local midnight. */
#define HOURS_MAX_PER_DAY 4
struct week_hours {
	int n[7]; /* intervals per day, 0 = Monday … 6 = Sunday */
	int open[7][HOURS_MAX_PER_DAY], close[7][HOURS_MAX_PER_DAY];
};

/*
 * Parse {"mon": [["08:00", "12:00"], …], …} (days may be missing: closed).
 * Intervals must be in order, not overlap and fall on the slot grid. 0, or -1
 * with why set.
 */
int week_hours_parse(json_t *j, int slot_minutes, struct week_hours *out, const char **why);
/* Is [start, end) (epoch seconds) inside one opening interval of its day? */
int week_hours_covers(const struct week_hours *h, int64_t start, int64_t end);

/* The opening-hours day of an instant in Shanghai: 0 = Monday … 6 = Sunday. */
int hours_day_index(int64_t t);

struct venue {
	int64_t id, unit_id;
	char unit_path[256];
	char name[404]; /* 100 characters of up to 4 bytes */
	int capacity, slot_minutes, min_notice_minutes, max_days_ahead, max_duration_minutes;
	int weekly_quota, approval_required, active;
	struct week_hours hours;
};
/* DB_ROW found, DB_DONE not found, <0 error. */
int venue_get(struct db_conn *c, int64_t id, struct venue *out);
int venue_get_by_code(struct db_conn *c, const char *code, struct venue *out);

/* Mark approved resident bookings that ended unchecked as no-shows. */
int booking_sweep_no_shows(struct db_conn *c, int64_t now);

/* Does [s, e) with attendees fit the venue's slot grid, capacity and opening hours? */
enum booking_fit { BOOKING_FITS, BOOKING_OFF_GRID, BOOKING_OVER_CAPACITY, BOOKING_OUT_OF_HOURS };
enum booking_fit booking_fit(const struct venue *v, int64_t s, int64_t e, int64_t attendees);
/*
 * The same, answering a misfit: 400 naming start (off the slot grid) or
 * attendees_field (over capacity), 409 booking.closed out of opening hours.
 * 0, or -1 having answered.
 */
struct req;
int booking_fit_or_reply(struct req *req, const struct venue *v, int64_t s, int64_t e,
			 int64_t attendees, const char *attendees_field);

/* Refusals of booking_create_for_unit (positive, apart from DB_ROW and DB_DONE). */
enum { BOOKING_BLACKOUT = 10, BOOKING_TAKEN = 11 };
/*
 * Book venue v for unit_id's own use inside the caller's transaction: a staff
 * booking, approved at once, that keeps the venue's blackouts and slots (the
 * caller checked booking_fit()) but not the residents' limits. 0 and *id;
 * BOOKING_BLACKOUT, or BOOKING_TAKEN when another booking holds a slot — the
 * caller must roll back; <0 on a database error.
 */
int booking_create_for_unit(struct db_conn *c, const struct venue *v, int64_t unit_id,
			    int64_t booked_by, int64_t s, int64_t e, const char *purpose,
			    int64_t attendees, int64_t now, int64_t *id);
/* Cancel a pending or approved booking and free its slots, in the caller's transaction. */
int booking_release(struct db_conn *c, int64_t id, const char *reason, int64_t now);

struct org_unit_hooks;

extern const struct route venue_routes[];
extern const struct route booking_routes[];

/* Venues and bookings under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks venues_unit_hooks;

#endif
