/*
 * booking.c — booking venues: the rules, the states and the guarantee.
 *
 *   POST /api/v1/bookings                {venue_id, start, end, purpose, attendees?}
 *                                        staff add resident_id or for_unit: true
 *   GET  /api/v1/bookings?venue=&status=&mine=1&limit=&cursor=   newest first
 *   GET  /api/v1/bookings/:id
 *   POST /api/v1/bookings/:id/cancel     {reason?}   the resident before the start,
 *                                                    staff before the end
 *   POST /api/v1/bookings/:id/approve                booking:manage, pending only
 *   POST /api/v1/bookings/:id/reject     {reason}    booking:manage, pending only
 *   POST /api/v1/bookings/:id/check-in               booking:manage
 *   POST /api/v1/bookings/check-in       {code}      the resident, with the venue's QR code
 *   POST /api/v1/bookings/:id/no-show                booking:manage, after the start
 *
 * States: pending → approved | rejected | cancelled; approved → checked_in |
 * cancelled | no_show. A resident's approved booking not checked in by its
 * end reads as no_show at once and is written so by the next booking
 * transaction (booking_sweep_no_shows).
 *
 * A booking is one transaction: lock the holder (so one resident's requests
 * run one after the other and the weekly quota holds), check the rules, insert
 * the booking and one booking_slots row per slot. The slots' primary key
 * refuses a slot that another booking holds — under any concurrency, on both
 * databases — and the refusal is 409 booking.conflict. Cancelling and
 * rejecting delete the slots, so the time can be booked again.
 *
 * Staff bookings (for a resident who has no phone, or for the unit itself)
 * keep the venue's hours, blackouts and capacity but not the residents'
 * limits (notice, how far ahead, longest, quota, no-show bar), and need no
 * approval.
 */
#include "service/service.h"

#include "appeals/appeals.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_IN_EARLY_S (15 * 60) /* check-in opens this long before the start */

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

struct booking {
	int64_t id, venue_id, venue_unit_id, starts_at, ends_at, account_id, resident_id;
	char status[16];
	char unit_path[256];
};

static json_t *time_or_null(struct db_stmt *st, int col)
{
	char buf[32];
	return db_col_is_null(st, col)
		       ? json_null()
		       : json_string(clock_format_shanghai(db_col_int64(st, col), buf));
}

static json_t *booking_json(struct db_stmt *st)
{
	char b1[32], b2[32];
	json_t *o =
		JB_OBJ(jb_int("id", db_col_int64(st, 0)),
		       jb_take("venue", JB_OBJ(jb_int("id", db_col_int64(st, 1)),
					       jb_str("name", db_col_text(st, 2)))),
		       jb_str("start", clock_format_shanghai(db_col_int64(st, 3), b1)),
		       jb_str("end", clock_format_shanghai(db_col_int64(st, 4), b2)),
		       jb_str("purpose", db_col_text(st, 5)),
		       jb_int("attendees", (int)db_col_int64(st, 6)),
		       jb_str("status", db_col_text(st, 7)), jb_str("reason", db_col_text(st, 8)));

	if (!o)
		return NULL;
	json_object_set_new(
		o, "resident",
		db_col_is_null(st, 10)
			? json_null()
			: JB_OBJ(jb_take("id", db_col_is_null(st, 9)
						       ? json_null()
						       : json_integer(db_col_int64(st, 9))),
				 jb_str("name", db_col_text(st, 10))));
	json_object_set_new(o, "account_id",
			    db_col_is_null(st, 11) ? json_null()
						   : json_integer(db_col_int64(st, 11)));
	json_object_set_new(o, "for_unit",
			    db_col_is_null(st, 12) ? json_null()
						   : JB_OBJ(jb_int("id", db_col_int64(st, 12)),
							    jb_str("name", db_col_text(st, 13))));
	json_object_set_new(
		o, "booked_by",
		JB_OBJ(jb_int("id", db_col_int64(st, 14)), jb_str("name", db_col_text(st, 15))));
	json_object_set_new(o, "created_at", time_or_null(st, 16));
	json_object_set_new(o, "decided_at", time_or_null(st, 17));
	json_object_set_new(o, "checked_in_at", time_or_null(st, 18));
	return o;
}

static int is_manager(const struct req *req)
{
	return auth_can(req, "booking:manage");
}

/* Load a booking the caller may see: staff inside their scope, a resident their own. */
static int booking_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				    struct booking *b, json_t **out)
{
	const struct auth *a = req_auth(req);
	struct db_stmt *st;
	int rc, ok = 0;

	if (db_prepare(c, BOOKING_SELECT "WHERE b.id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	db_bind_int64(st, 1, clock_now());
	db_bind_int64(st, 2, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		memset(b, 0, sizeof *b);
		b->id = id;
		b->venue_id = db_col_int64(st, 1);
		b->starts_at = db_col_int64(st, 3);
		b->ends_at = db_col_int64(st, 4);
		snprintf(b->status, sizeof b->status, "%s", db_col_text(st, 7));
		b->resident_id = db_col_is_null(st, 9) ? 0 : db_col_int64(st, 9);
		b->account_id = db_col_is_null(st, 11) ? 0 : db_col_int64(st, 11);
		snprintf(b->unit_path, sizeof b->unit_path, "%s", db_col_text(st, 19));
		b->venue_unit_id = db_col_int64(st, 20);
		ok = is_manager(req) ? path_within(b->unit_path, a->unit_path)
				     : b->account_id == a->account_id;
		if (ok && out)
			*out = booking_json(st);
	}
	db_reset(st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (!ok) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	if (out && !*out) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	return 0;
}

static void get_booking(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct booking b;
	json_t *out = NULL;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    booking_visible_or_reply(req, c, id, &b, &out))
		return;
	reply_json(req, 200, out);
}

static const char *const states[] = { "pending",   "approved",	 "rejected",
				      "cancelled", "checked_in", "no_show" };

static void list_bookings(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *venue = req_query(req, "venue"),
		   *mine = req_query(req, "mine");
	int64_t limit, cursor, venue_id = 0, n = 0, last = 0, now = clock_now();
	int own = !is_manager(req) || (mine && !strcmp(mine, "1"));
	struct scope sc;
	struct db_stmt *st;
	json_t *items;
	int rc, bad = 0, known = !status;

	if (!c || req_page_or_reply(req, &limit, &cursor))
		return;
	for (size_t i = 0; status && i < sizeof states / sizeof *states; i++)
		known |= !strcmp(status, states[i]);
	if (!known) {
		reply_invalid(req, "status",
			      "pending, approved, rejected, cancelled, checked_in or "
			      "no_show");
		return;
	}
	if (venue && parse_int64(venue, 1, INT64_MAX, &venue_id)) {
		reply_invalid(req, "venue", "expected a venue id");
		return;
	}
	if (own) {
		snprintf(sc.lo, sizeof sc.lo, "/");
		snprintf(sc.hi, sizeof sc.hi, "0");
	} else if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc)) {
		return;
	}
	/* newest first: the cursor is the last id seen, the next page below it */
	if (db_prepare(c,
		       BOOKING_SELECT
		       "WHERE b.unit_path >= ? AND b.unit_path < ? AND b.id < ? "
		       "AND (? = 0 OR b.account_id = ?) AND (? = 0 OR b.venue_id = ?) "
		       "AND (CAST(? AS TEXT) IS NULL OR " DERIVED_STATUS " = ?) "
		       "ORDER BY b.id DESC LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = {
		DB_ARG_I(now),	    DB_ARG_T(sc.lo),
		DB_ARG_T(sc.hi),    DB_ARG_I(cursor ? cursor : INT64_MAX),
		DB_ARG_I(own),	    DB_ARG_I(a->account_id),
		DB_ARG_I(venue_id), DB_ARG_I(venue_id),
		DB_ARG_T(status),   DB_ARG_I(now),
		DB_ARG_T(status),   DB_ARG_I(limit + 1),
	};
	db_bind_args(st, args, (int)(sizeof args / sizeof *args));
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		if (json_array_append_new(items, booking_json(st)) < 0)
			bad = 1;
	}
	db_reset(st);
	if (rc < 0 || bad) {
		json_decref(items);
		reply_error(req, bad ? ERR_INTERNAL : ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, page_json(req, items, n > limit, last));
}

/* ---- booking ------------------------------------------------------------ */

/* Is any blackout of the venue overlapping [s, e)? 1 yes, 0 no, <0 error. */
static int blackout_overlaps(struct db_conn *c, int64_t venue_id, int64_t s, int64_t e)
{
	int64_t n = 0;
	int rc = db_query_int64(c, &n,
				"SELECT COUNT(*) FROM venue_blackouts WHERE venue_id = ? AND "
				"starts_at < ? AND ends_at > ?",
				"iii", venue_id, e, s);
	return rc < 0 ? rc : n > 0;
}

/*
 * The no-show bar of a holder: the end of the bar (epoch s) when the last
 * booking_no_show_limit no-shows fell within booking_no_show_days and the
 * bar after the last has not run out; 0 when free to book.
 */
static int barred_until(struct req *req, struct db_conn *c, int64_t account_id, int64_t resident_id,
			int64_t now, int64_t *until)
{
	const struct config *cfg = req->srv->cfg;
	int64_t limit = cfg->booking_no_show_limit, window = cfg->booking_no_show_days * 86400,
		ban = cfg->booking_ban_days * 86400, last = 0, nth = 0, k = 0;
	struct db_stmt *st;
	int rc;

	*until = 0;
	if (!ban)
		return 0;
	rc = db_prepare(c,
			"SELECT ends_at FROM bookings WHERE status = 'no_show' AND "
			"((? > 0 AND account_id = ?) OR (? > 0 AND resident_id = ?)) "
			"ORDER BY ends_at DESC LIMIT ?",
			&st);
	if (rc < 0)
		return rc;
	const struct db_arg args[] = { DB_ARG_I(account_id), DB_ARG_I(account_id),
				       DB_ARG_I(resident_id), DB_ARG_I(resident_id),
				       DB_ARG_I(limit) };
	db_bind_args(st, args, 5);
	while ((rc = db_step(st)) == DB_ROW) {
		if (!k++)
			last = db_col_int64(st, 0);
		nth = db_col_int64(st, 0);
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	if (k >= limit && last - nth <= window && now < last + ban)
		*until = last + ban;
	return 0;
}

/* Bookings of a holder that start in the Shanghai week (Monday 00:00) holding t. */
static int week_count(struct db_conn *c, int64_t venue_id, int64_t account_id, int64_t resident_id,
		      int64_t t, int64_t *n)
{
	int64_t monday = local_midnight(t) - (int64_t)local_weekday(t) * 86400;
	return db_query_int64(
		c, n,
		"SELECT COUNT(*) FROM bookings WHERE venue_id = ? AND starts_at >= ? AND "
		"starts_at < ? AND status IN ('pending', 'approved', 'checked_in', 'no_show') AND "
		"((? > 0 AND account_id = ?) OR (? > 0 AND resident_id = ?))",
		"iiiiiii", venue_id, monday, monday + 7 * 86400, account_id, account_id,
		resident_id, resident_id);
}

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
	char *sql = db_values_sql("INSERT INTO booking_slots (venue_id, slot_start, booking_id) "
				  "VALUES ",
				  "(?, ?, ?)", n, "");
	struct db_stmt *st;

	if (!sql)
		return DB_ENOMEM;
	rc = db_prepare(c, sql, &st);
	free(sql);
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

static int time_or_reply(struct req *req, const char *field, int64_t *out)
{
	const char *s = NULL;

	if (json_get_str_or_reply(req, req->json, field, 1, 40, &s))
		return -1;
	/* a time of day with an offset: a bare date would be ambiguous here */
	if (strlen(s) < 16 || clock_parse_iso(s, out)) {
		reply_invalid(req, field,
			      "ISO 8601 date and time with offset, e.g. "
			      "2026-12-01T14:00:00+08:00");
		return -1;
	}
	return 0;
}

static void reply_rule(struct req *req, enum err_id e, json_t *details)
{
	reply_error_ex(req, e, NULL, details);
}

enum booking_fit booking_fit(const struct venue *v, int64_t s, int64_t e, int64_t attendees)
{
	if (s % 60 || local_minute(s) % v->slot_minutes || (e - s) % (v->slot_minutes * 60))
		return BOOKING_OFF_GRID;
	if (attendees > v->capacity)
		return BOOKING_OVER_CAPACITY;
	if (!week_hours_covers(&v->hours, s, e))
		return BOOKING_OUT_OF_HOURS;
	return BOOKING_FITS;
}

/* What a booking row holds; the holder is account/resident, or the unit. */
struct booking_row {
	const struct venue *v;
	int64_t account_id, resident_id, booked_by, for_unit, s, e, attendees, now;
	const char *purpose, *status;
	int decided; /* staff bookings are decided when made */
};

/*
 * Inside the caller's transaction (blackouts checked): insert the booking and
 * its slots. 0 and *id; BOOKING_TAKEN when a slot is held (the caller rolls
 * back: the failed INSERT leaves PostgreSQL's transaction aborted); <0.
 */
static int booking_insert(struct db_conn *c, const struct booking_row *b, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_prepare(
		c,
		"INSERT INTO bookings (venue_id, unit_path, account_id, resident_id, "
		"booked_by, for_unit_id, starts_at, ends_at, purpose, attendees, status, "
		"decided_by, decided_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		&st);
	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, b->v->id);
	db_bind_text(st, 2, b->v->unit_path, -1);
	if (b->account_id)
		db_bind_int64(st, 3, b->account_id);
	if (b->resident_id)
		db_bind_int64(st, 4, b->resident_id);
	db_bind_int64(st, 5, b->booked_by);
	if (b->for_unit)
		db_bind_int64(st, 6, b->for_unit);
	db_bind_int64(st, 7, b->s);
	db_bind_int64(st, 8, b->e);
	db_bind_text(st, 9, b->purpose, -1);
	db_bind_int64(st, 10, b->attendees);
	db_bind_text(st, 11, b->status, -1);
	if (b->decided) {
		db_bind_int64(st, 12, b->booked_by);
		db_bind_int64(st, 13, b->now);
	}
	db_bind_int64(st, 14, b->now);
	db_bind_int64(st, 15, b->now);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_reset(st);
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
	int rc = blackout_overlaps(c, v->id, s, e);

	if (rc != 0)
		return rc > 0 ? BOOKING_BLACKOUT : rc;
	return booking_insert(c, &b, id);
}

int booking_release(struct db_conn *c, int64_t id, const char *reason, int64_t now)
{
	int rc = db_run(c,
			"UPDATE bookings SET status = 'cancelled', reason = ?, updated_at = ? "
			"WHERE id = ? AND status IN ('pending', 'approved')",
			"tii", reason ? reason : "", now, id);
	if (rc == 0)
		rc = db_run(c, "DELETE FROM booking_slots WHERE booking_id = ?", "i", id);
	return rc;
}

struct booking_new {
	struct req *req;
	const struct venue *v;
	int staff;
	int64_t account_id, resident_id, for_unit, s, e, attendees, now;
	const char *purpose;
	int64_t id;	    /* out */
	const char *status; /* out */
};

/*
 * The booking's transaction. DB_EABORT: refused by a rule (blackout, no-show
 * bar, quota) or the slots are taken, and answered here; never retried.
 */
static int create_booking_tx(struct db_conn *c, void *ctx)
{
	struct booking_new *x = ctx;
	struct req *req = x->req;
	const struct venue *vp = x->v;
	int64_t account_id = x->account_id, resident_id = x->resident_id, s = x->s, e = x->e,
		now = x->now, n;
	char b1[32], b2[32];
	int rc = 0;

	/* one holder's bookings one after the other: the quota below holds */
	if (account_id)
		rc = db_run(c, "UPDATE accounts SET updated_at = updated_at WHERE id = ?", "i",
			    account_id);
	else if (resident_id)
		rc = db_run(c, "UPDATE residents SET updated_at = updated_at WHERE id = ?", "i",
			    resident_id);
	if (rc == 0)
		rc = booking_sweep_no_shows(c, now);
	if (rc == 0) {
		int hit = blackout_overlaps(c, vp->id, s, e);
		if (hit > 0) {
			reply_rule(req, ERR_BOOKING_CLOSED, JB_OBJ(jb_str("why", "blackout")));
			return DB_EABORT;
		}
		rc = hit;
	}
	if (rc == 0 && !x->staff) {
		int64_t until = 0;
		rc = barred_until(req, c, account_id, resident_id, now, &until);
		if (rc == 0 && until) {
			reply_rule(req, ERR_BOOKING_BARRED,
				   JB_OBJ(jb_str("until", clock_format_shanghai(until, b1)),
					  jb_int("no_shows",
						 (int)req->srv->cfg->booking_no_show_limit)));
			return DB_EABORT;
		}
		if (rc == 0 && vp->weekly_quota) {
			rc = week_count(c, vp->id, account_id, resident_id, s, &n);
			if (rc >= 0 && n >= vp->weekly_quota) {
				reply_rule(req, ERR_BOOKING_QUOTA,
					   JB_OBJ(jb_int("weekly_quota", vp->weekly_quota)));
				return DB_EABORT;
			}
			rc = rc < 0 ? rc : 0;
		}
	}
	x->status = !x->staff && vp->approval_required ? "pending" : "approved";
	if (rc == 0) {
		const struct booking_row b = { .v = vp,
					       .account_id = account_id,
					       .resident_id = resident_id,
					       .booked_by = req_auth(req)->account_id,
					       .for_unit = x->for_unit,
					       .s = s,
					       .e = e,
					       .attendees = x->attendees,
					       .now = now,
					       .purpose = x->purpose,
					       .status = x->status,
					       .decided = x->staff };
		rc = booking_insert(c, &b, &x->id);
		if (rc == BOOKING_TAKEN) {
			reply_rule(req, ERR_BOOKING_CONFLICT, NULL);
			return DB_EABORT;
		}
	}
	if (rc == 0 && !strcmp(x->status, "pending"))
		rc = message_add(c, 0, vp->unit_id, 0, "booking",
				 arena_printf(&req->arena, "场地预约待审批：%s", vp->name),
				 arena_printf(&req->arena, "%s %s—%s：%s", vp->name,
					      clock_format_shanghai(s, b1),
					      clock_format_shanghai(e, b2) + 11, x->purpose),
				 now);
	if (rc == 0)
		rc = audit_write(req, c, "booking.create", "booking", x->id,
				 JB_OBJ(jb_int("venue_id", vp->id), jb_str("status", x->status)));
	return rc;
}

static void create_booking(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	int staff = is_manager(req);
	const char *purpose = NULL;
	int64_t venue_id, s, e, attendees = 1, resident_id = 0, account_id = 0, for_unit = 0;
	int64_t now = clock_now();
	int for_unit_flag = 0, rc;
	struct booking_new x;
	struct venue v;
	char b1[32], b2[32];

	if (!c)
		return;
	if (!staff && !auth_can(req, "service:use")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (json_get_int_or_reply(req, req->json, "venue_id", 1, 1, INT64_MAX, &venue_id) ||
	    time_or_reply(req, "start", &s) || time_or_reply(req, "end", &e) ||
	    json_get_str_or_reply(req, req->json, "purpose", 1, 200, &purpose) ||
	    json_get_int_or_reply(req, req->json, "attendees", 0, 1, 100000, &attendees) < 0)
		return;
	if (!*purpose) {
		reply_invalid(req, "purpose", "must not be empty");
		return;
	}
	if (staff) {
		if (json_get_int_or_reply(req, req->json, "resident_id", 0, 1, INT64_MAX,
					  &resident_id) < 0 ||
		    json_get_bool_or_reply(req, req->json, "for_unit", 0, &for_unit_flag) < 0)
			return;
		if (!resident_id == !for_unit_flag) {
			reply_invalid(req, "resident_id",
				      "staff book for a resident (resident_id) or for their unit "
				      "(for_unit: true)");
			return;
		}
	} else {
		account_id = a->account_id;
		resident_id = a->resident_id > 0 ? a->resident_id : 0;
	}
	rc = venue_get(c, venue_id, &v);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc != DB_ROW || !v.active || (staff && !path_within(v.unit_path, a->unit_path))) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (e <= s) {
		reply_invalid(req, "end", "after start");
		return;
	}
	switch (booking_fit(&v, s, e, attendees)) {
	case BOOKING_FITS: break;
	case BOOKING_OFF_GRID:
		reply_invalid(req, "start",
			      arena_printf(&req->arena,
					   "start and end fall on the venue's %d-minute slots",
					   v.slot_minutes));
		return;
	case BOOKING_OVER_CAPACITY:
		reply_invalid(
			req, "attendees",
			arena_printf(&req->arena, "at most the venue's capacity, %d", v.capacity));
		return;
	case BOOKING_OUT_OF_HOURS:
		reply_rule(req, ERR_BOOKING_CLOSED, JB_OBJ(jb_str("why", "opening_hours")));
		return;
	}
	if (!staff) {
		if (s < now + (int64_t)v.min_notice_minutes * 60) {
			reply_rule(req, ERR_BOOKING_TOO_SOON,
				   JB_OBJ(jb_int("min_notice_minutes", v.min_notice_minutes)));
			return;
		}
		if (local_midnight(s) > local_midnight(now) + (int64_t)v.max_days_ahead * 86400) {
			reply_rule(req, ERR_BOOKING_TOO_FAR,
				   JB_OBJ(jb_int("max_days_ahead", v.max_days_ahead)));
			return;
		}
		if (e - s > (int64_t)v.max_duration_minutes * 60) {
			reply_rule(req, ERR_BOOKING_TOO_LONG,
				   JB_OBJ(jb_int("max_duration_minutes", v.max_duration_minutes)));
			return;
		}
	} else if (resident_id) {
		/* the resident must live inside the staff member's scope */
		struct db_stmt *st;
		char hi[256];
		path_upper(a->unit_path, hi, sizeof hi);
		rc = db_prepare(
			c,
			"SELECT r.id, (SELECT MIN(x.id) FROM accounts x WHERE x.resident_id = "
			"r.id AND x.disabled = 0) FROM residents r WHERE r.id = ? AND "
			"r.unit_path >= ? AND r.unit_path < ?",
			&st);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		db_bind_int64(st, 1, resident_id);
		db_bind_text(st, 2, a->unit_path, -1);
		db_bind_text(st, 3, hi, -1);
		rc = db_step(st);
		if (rc == DB_ROW && !db_col_is_null(st, 1))
			account_id = db_col_int64(st, 1);
		db_reset(st);
		if (rc != DB_ROW) {
			reply_invalid(req, "resident_id", "a resident in your area");
			return;
		}
	} else {
		for_unit = a->unit_id;
	}

	x = (struct booking_new){ .req = req,
				  .v = &v,
				  .staff = staff,
				  .account_id = account_id,
				  .resident_id = resident_id,
				  .for_unit = for_unit,
				  .s = s,
				  .e = e,
				  .attendees = attendees,
				  .now = now,
				  .purpose = purpose };
	rc = db_tx_run(c, create_booking_tx, &x);
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("status", x.status),
			jb_str("start", clock_format_shanghai(s, b1)),
			jb_str("end", clock_format_shanghai(e, b2))));
}

/* ---- changing a booking's state ----------------------------------------- */

enum booking_action { B_CANCEL, B_APPROVE, B_REJECT, B_CHECK_IN, B_NO_SHOW };

static const struct {
	const char *name, *to, *audit, *title; /* title: the resident's message; NULL none */
	int frees;			       /* deletes the slots */
} actions[] = {
	[B_CANCEL] = { "cancel", "cancelled", "booking.cancel", "场地预约已取消", 1 },
	[B_APPROVE] = { "approve", "approved", "booking.approve", "场地预约已通过", 0 },
	[B_REJECT] = { "reject", "rejected", "booking.reject", "场地预约未通过", 1 },
	[B_CHECK_IN] = { "check_in", "checked_in", "booking.check_in", NULL, 0 },
	[B_NO_SHOW] = { "no_show", "no_show", "booking.no_show", "场地预约记为爽约", 0 },
};

/* May this action be taken on b now? The refusal answers 409 booking.invalid_state. */
static int allowed(enum booking_action act, const struct booking *b, int staff, int64_t now)
{
	int pending = !strcmp(b->status, "pending"), approved = !strcmp(b->status, "approved");

	switch (act) {
	case B_CANCEL:
		return (pending || approved) && (staff ? now < b->ends_at : now < b->starts_at);
	case B_APPROVE: return staff && pending && now < b->starts_at;
	case B_REJECT: return staff && pending;
	case B_CHECK_IN:
		return approved && now >= b->starts_at - CHECK_IN_EARLY_S && now < b->ends_at;
	case B_NO_SHOW:
		return staff && approved && now >= b->starts_at &&
		       (b->account_id || b->resident_id);
	}
	return 0;
}

struct booking_change {
	struct req *req;
	const struct booking *b;
	enum booking_action act;
	const char *reason;
	int64_t now;
};

/* DB_EABORT: the state moved since it was read */
static int apply_tx(struct db_conn *c, void *ctx)
{
	struct booking_change *x = ctx;
	const struct auth *a = req_auth(x->req);
	const struct booking *b = x->b;
	enum booking_action act = x->act;
	const char *reason = x->reason;
	int64_t now = x->now;
	/* the state may have moved since it was read: the UPDATE says whether it did */
	int rc = db_run(c,
			"UPDATE bookings SET status = ?, reason = ?, decided_by = CASE WHEN ? "
			"IN ('approved', 'rejected') THEN ? ELSE decided_by END, decided_at = "
			"CASE WHEN ? IN ('approved', 'rejected') THEN ? ELSE decided_at END, "
			"checked_in_at = CASE WHEN ? = 'checked_in' THEN ? ELSE checked_in_at "
			"END, updated_at = ? WHERE id = ? AND status = ?",
			"tttititiiit", actions[act].to, reason ? reason : "", actions[act].to,
			a->account_id, actions[act].to, now, actions[act].to, now, now, b->id,
			!strcmp(b->status, "no_show") ? "approved" : b->status);

	if (rc == 0 && db_changes(c) != 1)
		return DB_EABORT;
	if (rc == 0 && actions[act].frees)
		rc = db_run(c, "DELETE FROM booking_slots WHERE booking_id = ?", "i", b->id);
	/* tell the resident, unless they did it themselves */
	if (rc == 0 && actions[act].title && b->account_id && b->account_id != a->account_id) {
		char t1[32];
		rc = message_add(c, b->account_id, 0, 0, "booking", actions[act].title,
				 arena_printf(&x->req->arena, "%s%s%s",
					      clock_format_shanghai(b->starts_at, t1),
					      reason && *reason ? "：" : "", reason ? reason : ""),
				 now);
	}
	if (rc == 0)
		rc = audit_write(x->req, c, actions[act].audit, "booking", b->id,
				 reason && *reason ? JB_OBJ(jb_str("reason", reason)) : NULL);
	return rc;
}

/* Write the change of state (the caller checked it is allowed), in one transaction. */
static void apply(struct req *req, struct db_conn *c, const struct booking *b,
		  enum booking_action act, const char *reason, int64_t now)
{
	int rc = db_tx_run(c, apply_tx, &(struct booking_change){ req, b, act, reason, now });

	if (rc == DB_EABORT)
		reply_error(req, ERR_BOOKING_STATE);
	else
		reply_tx(req, rc, 200,
			 JB_OBJ(jb_int("id", b->id), jb_str("status", actions[act].to)));
}

static void act_on(struct req *req, enum booking_action act)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *reason = NULL;
	int64_t id, now = clock_now();
	struct booking b;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (json_get_str_or_reply(req, req->json, "reason", act == B_REJECT, 200, &reason) < 0)
		return;
	if (act == B_REJECT && (!reason || !*reason)) {
		reply_invalid(req, "reason", "say why the booking is rejected");
		return;
	}
	if (booking_visible_or_reply(req, c, id, &b, NULL))
		return;
	if (!allowed(act, &b, is_manager(req), now)) {
		reply_error_ex(
			req, ERR_BOOKING_STATE, NULL,
			JB_OBJ(jb_str("status", b.status), jb_str("action", actions[act].name)));
		return;
	}
	/* an activity's venue is released through the activity, never under it */
	if (act == B_CANCEL || act == B_REJECT) {
		int64_t activity = 0;
		int rc = db_query_int64(
			c, &activity,
			"SELECT id FROM activities WHERE booking_id = ? AND status = "
			"'published'",
			"i", b.id);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		if (activity) {
			reply_error_ex(req, ERR_BOOKING_STATE,
				       "This booking holds an activity's venue: change or cancel "
				       "the activity instead.",
				       JB_OBJ(jb_str("status", b.status),
					      jb_str("action", actions[act].name),
					      jb_int("activity_id", activity)));
			return;
		}
	}
	apply(req, c, &b, act, reason, now);
}

static void cancel_booking(struct req *req)
{
	act_on(req, B_CANCEL);
}
static void approve_booking(struct req *req)
{
	act_on(req, B_APPROVE);
}
static void reject_booking(struct req *req)
{
	act_on(req, B_REJECT);
}
static void check_in_booking(struct req *req)
{
	act_on(req, B_CHECK_IN);
}
static void no_show_booking(struct req *req)
{
	act_on(req, B_NO_SHOW);
}

/* The resident at the door: the venue's QR code finds their booking due now. */
static void check_in_by_code(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *code = NULL;
	int64_t now = clock_now(), id = 0;
	struct booking b;
	struct venue v;
	int rc;

	if (!c || json_get_str_or_reply(req, req->json, "code", 1, 40, &code))
		return;
	rc = venue_get_by_code(c, code, &v);
	if (rc != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	rc = db_query_int64(c, &id,
			    "SELECT id FROM bookings WHERE venue_id = ? AND account_id = ? AND "
			    "status = 'approved' AND starts_at <= ? AND ends_at > ? "
			    "ORDER BY starts_at LIMIT 1",
			    "iiii", v.id, a->account_id, now + CHECK_IN_EARLY_S, now);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (!id) {
		reply_error_ex(req, ERR_BOOKING_NO_CHECK_IN, NULL, JB_OBJ(jb_str("venue", v.name)));
		return;
	}
	if (booking_visible_or_reply(req, c, id, &b, NULL))
		return;
	apply(req, c, &b, B_CHECK_IN, NULL, now);
}

const struct route booking_routes[] = {
	{ "POST", "/api/v1/bookings", create_booking, R_AUTH | R_JSON, NULL, 0 },
	{ "GET", "/api/v1/bookings", list_bookings, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/bookings/check-in", check_in_by_code, R_JSON, "service:use", 0 },
	{ "GET", "/api/v1/bookings/:id", get_booking, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/bookings/:id/cancel", cancel_booking, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/bookings/:id/approve", approve_booking, R_JSON, "booking:manage", 0 },
	{ "POST", "/api/v1/bookings/:id/reject", reject_booking, R_JSON, "booking:manage", 0 },
	{ "POST", "/api/v1/bookings/:id/check-in", check_in_booking, R_JSON, "booking:manage", 0 },
	{ "POST", "/api/v1/bookings/:id/no-show", no_show_booking, R_JSON, "booking:manage", 0 },
	{ 0 },
};
