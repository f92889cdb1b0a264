/*
 * bookings_store.c — every SQL statement about bookings and their slots.
 *
 * One function per statement (or the pair a booking is: the row and its
 * slots), bound parameters only, run inside the caller's transaction where
 * they write. bookings_api.c holds the rules and the transactions; the
 * activities in service/ reach the insert through booking_create_for_unit()
 * and booking_release() (venues.h).
 *
 * The no-double-booking guarantee lives here: one booking_slots row per
 * 15-minute cell, and (venue_id, slot_start) is the primary key, so an
 * insert that meets a held cell fails on both databases whatever the
 * concurrency (BOOKING_TAKEN). A booking's status is read derived: a
 * resident's approved booking that ended unchecked reads no_show at once
 * (DERIVED_STATUS), and booking_sweep_no_shows() writes it so.
 */
#include "venues/venues.h"
#include "venues/venues_int.h"

#include "calendar/calendar.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int booking_sweep_no_shows(struct db_conn *c, int64_t now)
{
	return db_run(c,
		      "UPDATE bookings SET status = 'no_show', updated_at = ? WHERE status = "
		      "'approved' AND ends_at <= ? AND for_unit_id IS NULL",
		      "ii", now, now);
}

/* ---- reading ------------------------------------------------------------ */

/* The status as it reads now: its one parameter is now. */
#define DERIVED_STATUS                                                                             \
	"(CASE WHEN b.status = 'approved' AND b.ends_at <= ? AND b.for_unit_id IS NULL "           \
	"THEN 'no_show' ELSE b.status END)"

/* The first parameter is now (for the derived no_show). */
#define BOOKING_SELECT                                                                             \
	"SELECT b.id, b.venue_id, v.name, b.starts_at, b.ends_at, b.purpose, "                     \
	"b.attendees, " DERIVED_STATUS ", b.reason, b.resident_id, "                               \
	"COALESCE(r.name, acc.display_name), b.account_id, b.for_unit_id, fu.name, b.booked_by, "  \
	"bb.display_name, b.created_at, b.decided_at, b.checked_in_at, b.unit_path, v.unit_id "    \
	"FROM bookings b JOIN venues v ON v.id = b.venue_id "                                      \
	"JOIN accounts bb ON bb.id = b.booked_by "                                                 \
	"LEFT JOIN residents r ON r.id = b.resident_id "                                           \
	"LEFT JOIN accounts acc ON acc.id = b.account_id "                                         \
	"LEFT JOIN units fu ON fu.id = b.for_unit_id "

struct booking_read {
	booking_view_fn fn;
	void *ctx;
};

/* A BOOKING_SELECT row to the caller's fn. A NULL column reads 0 (db_col_int64), NULL (text). */
static int booking_row(struct db_stmt *st, void *p)
{
	const struct booking_read *r = p;
	const struct booking_view b = {
		.id = db_col_int64(st, 0),
		.venue_id = db_col_int64(st, 1),
		.venue_name = db_col_text(st, 2),
		.starts_at = db_col_int64(st, 3),
		.ends_at = db_col_int64(st, 4),
		.purpose = db_col_text(st, 5),
		.attendees = db_col_int64(st, 6),
		.status = db_col_text(st, 7),
		.reason = db_col_text(st, 8),
		.resident_id = db_col_int64(st, 9),
		.resident_name = db_col_text(st, 10),
		.account_id = db_col_int64(st, 11),
		.for_unit_id = db_col_int64(st, 12),
		.for_unit_name = db_col_text(st, 13),
		.booked_by = db_col_int64(st, 14),
		.booked_by_name = db_col_text(st, 15),
		.created_at = db_col_int64(st, 16),
		.decided_at = db_col_int64(st, 17),
		.checked_in_at = db_col_int64(st, 18),
		.unit_path = db_col_text(st, 19),
		.venue_unit_id = db_col_int64(st, 20),
		/* which of the three times are set */
		.has_created = !db_col_is_null(st, 16),
		.has_decided = !db_col_is_null(st, 17),
		.has_checked_in = !db_col_is_null(st, 18),
	};
	int rc = r->fn(r->ctx, &b);

	return rc < 0 ? rc : 0;
}

int bookings_store_view(struct db_conn *c, int64_t id, int64_t now, booking_view_fn fn, void *ctx)
{
	struct booking_read r = { fn, ctx };

	return db_one(c, booking_row, &r, BOOKING_SELECT "WHERE b.id = ?", "ii", now, id);
}

int bookings_store_list(struct db_conn *c, const struct booking_filter *f, int64_t now,
			booking_view_fn fn, void *ctx)
{
	struct booking_read r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_I(now),	       DB_ARG_T(f->lo),	      DB_ARG_T(f->hi),
		DB_ARG_I(f->before),   DB_ARG_I(f->own),      DB_ARG_I(f->account_id),
		DB_ARG_I(f->venue_id), DB_ARG_I(f->venue_id), DB_ARG_T(f->status),
		DB_ARG_I(now),	       DB_ARG_T(f->status),   DB_ARG_I(f->limit),
	};
	/* newest first: the cursor is the last id seen, the next page below it */
	int rc = db_each_args(c, booking_row, &r,
			      BOOKING_SELECT
			      "WHERE b.unit_path >= ? AND b.unit_path < ? AND b.id < ? "
			      "AND (? = 0 OR b.account_id = ?) AND (? = 0 OR b.venue_id = ?) "
			      "AND (CAST(? AS TEXT) IS NULL OR " DERIVED_STATUS " = ?) "
			      "ORDER BY b.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));

	return rc < 0 ? rc : 0;
}

/* ---- the rules' reads --------------------------------------------------- */

int bookings_store_lock_holder(struct db_conn *c, int64_t account_id, int64_t resident_id)
{
	if (account_id)
		return db_run(c, "UPDATE accounts SET updated_at = updated_at WHERE id = ?", "i",
			      account_id);
	if (resident_id)
		return db_run(c, "UPDATE residents SET updated_at = updated_at WHERE id = ?", "i",
			      resident_id);
	return 0;
}

int bookings_store_blackout_overlaps(struct db_conn *c, int64_t venue_id, int64_t s, int64_t e)
{
	int64_t n = 0;
	int rc = db_query_int64(c, &n,
				"SELECT COUNT(*) FROM venue_blackouts WHERE venue_id = ? AND "
				"starts_at < ? AND ends_at > ?",
				"iii", venue_id, e, s);
	return rc < 0 ? rc : n > 0;
}

struct no_shows {
	int64_t *k, *newest, *oldest;
};

static int no_show_row(struct db_stmt *st, void *p)
{
	struct no_shows *r = p;

	if (!(*r->k)++)
		*r->newest = db_col_int64(st, 0);
	*r->oldest = db_col_int64(st, 0);
	return 0;
}

int bookings_store_last_no_shows(struct db_conn *c, int64_t account_id, int64_t resident_id,
				 int64_t limit, int64_t *k, int64_t *newest, int64_t *oldest)
{
	struct no_shows r = { k, newest, oldest };
	int rc;

	*k = *newest = *oldest = 0;
	rc = db_each(c, no_show_row, &r,
		     "SELECT ends_at FROM bookings WHERE status = 'no_show' AND "
		     "((? > 0 AND account_id = ?) OR (? > 0 AND resident_id = ?)) "
		     "ORDER BY ends_at DESC LIMIT ?",
		     "iiiii", account_id, account_id, resident_id, resident_id, limit);
	return rc < 0 ? rc : 0;
}

int bookings_store_week_count(struct db_conn *c, int64_t venue_id, int64_t account_id,
			      int64_t resident_id, int64_t t, int64_t *n)
{
	int64_t monday = cal_midnight(t) - (int64_t)hours_day_index(t) * 86400;
	return db_query_int64(
		c, n,
		"SELECT COUNT(*) FROM bookings WHERE venue_id = ? AND starts_at >= ? AND "
		"starts_at < ? AND status IN ('pending', 'approved', 'checked_in', 'no_show') AND "
		"((? > 0 AND account_id = ?) OR (? > 0 AND resident_id = ?))",
		"iiiiiii", venue_id, monday, monday + 7 * 86400, account_id, account_id,
		resident_id, resident_id);
}

static int account_row(struct db_stmt *st, void *account_id)
{
	if (!db_col_is_null(st, 1))
		*(int64_t *)account_id = db_col_int64(st, 1);
	return 0;
}

int bookings_store_resident_in(struct db_conn *c, int64_t resident_id, const char *lo,
			       const char *hi, int64_t *account_id)
{
	*account_id = 0;
	return db_one(c, account_row, account_id,
		      "SELECT r.id, (SELECT MIN(x.id) FROM accounts x WHERE x.resident_id = "
		      "r.id AND x.disabled = 0) FROM residents r WHERE r.id = ? AND "
		      "r.unit_path >= ? AND r.unit_path < ?",
		      "itt", resident_id, lo, hi);
}

int bookings_store_activity_holding(struct db_conn *c, int64_t booking_id, int64_t *activity)
{
	*activity = 0;
	return db_query_int64(c, activity,
			      "SELECT id FROM activities WHERE booking_id = ? AND status = "
			      "'published'",
			      "i", booking_id);
}

int bookings_store_due(struct db_conn *c, int64_t venue_id, int64_t account_id, int64_t until,
		       int64_t now, int64_t *id)
{
	*id = 0;
	return db_query_int64(c, id,
			      "SELECT id FROM bookings WHERE venue_id = ? AND account_id = ? AND "
			      "status = 'approved' AND starts_at <= ? AND ends_at > ? "
			      "ORDER BY starts_at LIMIT 1",
			      "iiii", venue_id, account_id, until, now);
}

/* ---- writing ------------------------------------------------------------ */

/*
 * Insert one booking_slots row per CELL of [s, e), in one statement. Cells
 * are 15 minutes whatever the venue's slot size, so the primary key keeps
 * two bookings apart even when the venue's slot size changes between them
 * (every slot size is a multiple of 15 minutes, and Shanghai's offset too).
 */
static int insert_slots(struct db_conn *c, int64_t venue_id, int64_t booking_id, int64_t s,
			int64_t e)
{
	int n = (int)((e - s) / SLOT_CELL_S), rc;
	struct db_stmt *st;

	rc = db_prepare_values(
		c, "INSERT INTO booking_slots (venue_id, slot_start, booking_id) VALUES ",
		"(?, ?, ?)", n, "", &st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		db_bind_int64(st, 3 * i + 1, venue_id);
		db_bind_int64(st, 3 * i + 2, s + (int64_t)i * SLOT_CELL_S);
		db_bind_int64(st, 3 * i + 3, booking_id);
	}
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : rc;
}

/* An id column's value: NULL when 0. */
static struct db_arg id_or_null(int64_t id)
{
	return id ? DB_ARG_I(id) : DB_ARG_T(NULL);
}

int bookings_store_insert(struct db_conn *c, const struct booking_row *b, int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(b->v->id),
		DB_ARG_T(b->v->unit_path),
		id_or_null(b->account_id),
		id_or_null(b->resident_id),
		DB_ARG_I(b->booked_by),
		id_or_null(b->for_unit),
		DB_ARG_I(b->s),
		DB_ARG_I(b->e),
		DB_ARG_T(b->purpose),
		DB_ARG_I(b->attendees),
		DB_ARG_T(b->status),
		b->decided ? DB_ARG_I(b->booked_by) : DB_ARG_T(NULL),
		b->decided ? DB_ARG_I(b->now) : DB_ARG_T(NULL),
		DB_ARG_I(b->now),
		DB_ARG_I(b->now),
	};
	int rc =
		db_query_int64_args(c, id,
				    "INSERT INTO bookings (venue_id, unit_path, account_id, "
				    "resident_id, booked_by, for_unit_id, starts_at, ends_at, "
				    "purpose, attendees, status, decided_by, decided_at, "
				    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
				    "?, ?, ?, ?, ?) RETURNING id",
				    args, DB_ARGS_N(args));

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	rc = insert_slots(c, b->v->id, *id, b->s, b->e);
	return rc == DB_ECONSTRAINT ? BOOKING_TAKEN : rc;
}

int booking_create_for_unit(struct db_conn *c, const struct venue *v, int64_t unit_id,
			    int64_t booked_by, int64_t s, int64_t e, const char *purpose,
			    int64_t attendees, int64_t now, int64_t *id)
{
	const struct booking_row b = { .v = v,
				       .booked_by = booked_by,
				       .for_unit = unit_id,
				       .s = s,
				       .e = e,
				       .attendees = attendees,
				       .now = now,
				       .purpose = purpose,
				       .status = "approved",
				       .decided = 1 };
	int rc = bookings_store_blackout_overlaps(c, v->id, s, e);

	if (rc != 0)
		return rc > 0 ? BOOKING_BLACKOUT : rc;
	return bookings_store_insert(c, &b, id);
}

int booking_release(struct db_conn *c, int64_t id, const char *reason, int64_t now)
{
	int rc = db_run(c,
			"UPDATE bookings SET status = 'cancelled', reason = ?, updated_at = ? "
			"WHERE id = ? AND status IN ('pending', 'approved')",
			"tii", reason ? reason : "", now, id);
	if (rc == 0)
		rc = bookings_store_free_slots(c, id);
	return rc;
}

int bookings_store_set_status(struct db_conn *c, int64_t id, const char *from, const char *to,
			      const char *reason, int64_t by, int64_t now, int64_t *changed)
{
	/* a decision records who and when, a check-in when; NULL keeps the stored value */
	const int decided = !strcmp(to, "approved") || !strcmp(to, "rejected");
	const int checked_in = !strcmp(to, "checked_in");
	const struct db_arg args[] = {
		DB_ARG_T(to),
		DB_ARG_T(reason ? reason : ""),
		decided ? DB_ARG_I(by) : DB_ARG_T(NULL),
		decided ? DB_ARG_I(now) : DB_ARG_T(NULL),
		checked_in ? DB_ARG_I(now) : DB_ARG_T(NULL),
		DB_ARG_I(now),
		DB_ARG_I(id),
		DB_ARG_T(from),
	};
	return db_run_args_changed(
		c, changed,
		"UPDATE bookings SET status = ?, reason = ?, decided_by = COALESCE(?, "
		"decided_by), decided_at = COALESCE(?, decided_at), checked_in_at = "
		"COALESCE(?, checked_in_at), updated_at = ? WHERE id = ? AND status = ?",
		args, DB_ARGS_N(args));
}

int bookings_store_free_slots(struct db_conn *c, int64_t id)
{
	return db_run(c, "DELETE FROM booking_slots WHERE booking_id = ?", "i", id);
}
