/*
 * bookings_api.c — booking venues: the rules, the states and the guarantee.
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
 *
 * Handlers and transactions only: every statement is in bookings_store.c.
 */
#include "venues/venues.h"
#include "venues/venues_int.h"

#include "messages/messages.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_IN_EARLY_S (15 * 60) /* check-in opens this long before the start */

struct booking {
	int64_t id, venue_id, venue_unit_id, starts_at, ends_at, account_id, resident_id;
	char status[16];
	char unit_path[256];
};

static json_t *time_or_null(int has, int64_t t)
{
	char buf[32];
	return has ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

static json_t *booking_json(const struct booking_view *b)
{
	char b1[32], b2[32];
	json_t *o = JB_OBJ(
		jb_int("id", b->id),
		jb_take("venue", JB_OBJ(jb_int("id", b->venue_id), jb_str("name", b->venue_name))),
		jb_str("start", clock_format_shanghai(b->starts_at, b1)),
		jb_str("end", clock_format_shanghai(b->ends_at, b2)), jb_str("purpose", b->purpose),
		jb_int("attendees", (int)b->attendees), jb_str("status", b->status),
		jb_str("reason", b->reason));

	if (!o)
		return NULL;
	json_object_set_new(
		o, "resident",
		!b->resident_name
			? json_null()
			: JB_OBJ(jb_take("id", b->resident_id ? json_integer(b->resident_id)
							      : json_null()),
				 jb_str("name", b->resident_name)));
	json_object_set_new(o, "account_id",
			    b->account_id ? json_integer(b->account_id) : json_null());
	json_object_set_new(o, "for_unit",
			    !b->for_unit_id ? json_null()
					    : JB_OBJ(jb_int("id", b->for_unit_id),
						     jb_str("name", b->for_unit_name)));
	json_object_set_new(o, "booked_by",
			    JB_OBJ(jb_int("id", b->booked_by), jb_str("name", b->booked_by_name)));
	json_object_set_new(o, "created_at", time_or_null(b->has_created, b->created_at));
	json_object_set_new(o, "decided_at", time_or_null(b->has_decided, b->decided_at));
	json_object_set_new(o, "checked_in_at", time_or_null(b->has_checked_in, b->checked_in_at));
	return o;
}

static int is_manager(const struct req *req)
{
	return auth_can(req, "booking:manage");
}

static int booking_seen_row(void *ctx, const struct booking_view *bv)
{
	struct req_row *x = ctx;
	const struct auth *a = req_auth(x->req);
	struct booking *b = x->row;

	memset(b, 0, sizeof *b);
	b->id = bv->id;
	b->venue_id = bv->venue_id;
	b->starts_at = bv->starts_at;
	b->ends_at = bv->ends_at;
	snprintf(b->status, sizeof b->status, "%s", bv->status);
	b->resident_id = bv->resident_id;
	b->account_id = bv->account_id;
	snprintf(b->unit_path, sizeof b->unit_path, "%s", bv->unit_path);
	b->venue_unit_id = bv->venue_unit_id;
	x->ok = is_manager(x->req) ? path_within(b->unit_path, a->unit_path)
				   : b->account_id == a->account_id;
	if (x->ok && x->json)
		*x->json = booking_json(bv);
	return 0;
}

/* Load a booking the caller may see: staff inside their scope, a resident their own. */
static int booking_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				    struct booking *b, json_t **out)
{
	struct req_row x = { .req = req, .row = b, .json = out };
	int rc = bookings_store_view(c, id, clock_now(), booking_seen_row, &x);

	return req_row_or_reply(req, rc, x.ok, out);
}

REQ_GET_VISIBLE_HANDLER(get_booking, struct booking, booking_visible_or_reply)

static const char *const states[] = { "pending",   "approved",	 "rejected",
				      "cancelled", "checked_in", "no_show" };

/* Collects a page of bookings: the row past the limit only says there is a next page. */
static int booking_page_row(void *ctx, const struct booking_view *bv)
{
	return page_add(ctx, bv->id, booking_json(bv));
}

static void list_bookings(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *venue = req_query(req, "venue"),
		   *mine = req_query(req, "mine");
	int64_t venue_id = 0;
	int own = !is_manager(req) || (mine && !strcmp(mine, "1"));
	struct page p;
	struct scope sc;
	int known = !status;

	if (!c || page_begin_or_reply(req, &p))
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
	if (scope_own_or_unit_or_reply(req, c, own, req_query(req, "unit"), &sc))
		return;
	const struct booking_filter f = { .lo = sc.lo,
					  .hi = sc.hi,
					  .before = p.cursor ? p.cursor : INT64_MAX,
					  .own = own,
					  .account_id = a->account_id,
					  .venue_id = venue_id,
					  .status = status,
					  .limit = p.limit + 1 };
	page_reply(&p, bookings_store_list(c, &f, clock_now(), booking_page_row, &p));
}

/* ---- booking ------------------------------------------------------------ */

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
	int rc;

	*until = 0;
	if (!ban)
		return 0;
	rc = bookings_store_last_no_shows(c, account_id, resident_id, limit, &k, &last, &nth);
	if (rc < 0)
		return rc;
	if (k >= limit && last - nth <= window && now < last + ban)
		*until = last + ban;
	return 0;
}

static void reply_rule(struct req *req, enum err_id e, json_t *details)
{
	reply_error_ex(req, e, NULL, details);
}

int booking_fit_or_reply(struct req *req, const struct venue *v, int64_t s, int64_t e,
			 int64_t attendees, const char *attendees_field)
{
	switch (booking_fit(v, s, e, attendees)) {
	case BOOKING_FITS: return 0;
	case BOOKING_OFF_GRID:
		reply_invalid(req, "start",
			      arena_printf(&req->arena,
					   "start and end fall on the venue's %d-minute slots",
					   v->slot_minutes));
		return -1;
	case BOOKING_OVER_CAPACITY:
		reply_invalid(
			req, attendees_field,
			arena_printf(&req->arena, "at most the venue's capacity, %d", v->capacity));
		return -1;
	case BOOKING_OUT_OF_HOURS:
		reply_rule(req, ERR_BOOKING_CLOSED, JB_OBJ(jb_str("why", "opening_hours")));
		return -1;
	}
	return -1;
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
	rc = bookings_store_lock_holder(c, account_id, resident_id);
	if (rc == 0)
		rc = booking_sweep_no_shows(c, now);
	if (rc == 0) {
		int hit = bookings_store_blackout_overlaps(c, vp->id, s, e);
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
			rc = bookings_store_week_count(c, vp->id, account_id, resident_id, s, &n);
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
		rc = bookings_store_insert(c, &b, &x->id);
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
	return audit_write_after(rc, req, c, "booking.create", "booking", x->id,
				 JB_OBJ(jb_int("venue_id", vp->id), jb_str("status", x->status)));
}

static void create_booking(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	int staff = is_manager(req);
	struct booking_body {
		int64_t venue_id, attendees, resident_id;
		const char *start, *end, *purpose;
		int for_unit;
	} in;
	static const struct body_field fields[] = {
		BF_ID(struct booking_body, venue_id, "venue_id", BF_REQUIRED),
		BF_STR(struct booking_body, start, "start", BF_REQUIRED, 1, 40),
		BF_STR(struct booking_body, end, "end", BF_REQUIRED, 1, 40),
		BF_STR(struct booking_body, purpose, "purpose", BF_REQUIRED, 1, 200),
		BF_INT(struct booking_body, attendees, "attendees", BF_OPTIONAL, 1, 100000, 1),
		/* staff only: whom the booking is for */
		BF_ID(struct booking_body, resident_id, "resident_id", BF_OPTIONAL),
		BF_BOOL(struct booking_body, for_unit, "for_unit", BF_OPTIONAL, 0),
	};
	int64_t venue_id, s, e, attendees, resident_id = 0, account_id = 0, for_unit = 0;
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
	if (BODY_READ_OR_REPLY(req, fields, &in, NULL) ||
	    body_time_or_reply(req, "start", in.start, &s) ||
	    body_time_or_reply(req, "end", in.end, &e))
		return;
	venue_id = in.venue_id;
	attendees = in.attendees;
	if (staff) {
		resident_id = in.resident_id;
		for_unit_flag = in.for_unit;
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
	if (req_row_or_reply(req, rc,
			     rc == DB_ROW && v.active &&
				     (!staff || path_within(v.unit_path, a->unit_path)),
			     NULL))
		return;
	if (e <= s) {
		reply_invalid(req, "end", "after start");
		return;
	}
	if (booking_fit_or_reply(req, &v, s, e, attendees, "attendees"))
		return;
	if (!staff) {
		if (s < now + (int64_t)v.min_notice_minutes * 60) {
			reply_rule(req, ERR_BOOKING_TOO_SOON,
				   JB_OBJ(jb_int("min_notice_minutes", v.min_notice_minutes)));
			return;
		}
		if (cal_midnight(s) > cal_midnight(now) + (int64_t)v.max_days_ahead * 86400) {
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
		char hi[256];
		path_upper(a->unit_path, hi, sizeof hi);
		rc = bookings_store_resident_in(c, resident_id, a->unit_path, hi, &account_id);
		if (req_ok_or_invalid(req, rc, rc == DB_ROW, "resident_id",
				      "a resident in your area"))
			return;
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
				  .purpose = in.purpose };
	rc = db_tx_run(c, create_booking_tx, &x);
	reply_tx_refused(req, rc, ERR_NONE, 201,
			 JB_OBJ(jb_int("id", x.id), jb_str("status", x.status),
				jb_str("start", clock_format_shanghai(s, b1)),
				jb_str("end", clock_format_shanghai(e, b2))));
}

/* ---- changing a booking's state ----------------------------------------- */

enum booking_action { B_CANCEL, B_APPROVE, B_REJECT, B_CHECK_IN, B_NO_SHOW };
/* The last segment of each action's route, in the order of the enum. */
static const char *const booking_action_names[] = { "cancel", "approve", "reject", "check-in",
						    "no-show" };

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
	int64_t changed = 0;
	/* the state may have moved since it was read: the UPDATE says whether it did */
	int rc = bookings_store_set_status(c, b->id,
					   !strcmp(b->status, "no_show") ? "approved" : b->status,
					   actions[act].to, reason, a->account_id, now, &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	if (rc == 0 && actions[act].frees)
		rc = bookings_store_free_slots(c, b->id);
	/* tell the resident, unless they did it themselves */
	if (rc == 0 && actions[act].title && b->account_id && b->account_id != a->account_id) {
		char t1[32];
		rc = message_add(c, b->account_id, 0, 0, "booking", actions[act].title,
				 arena_printf(&x->req->arena, "%s%s%s",
					      clock_format_shanghai(b->starts_at, t1),
					      reason && *reason ? "：" : "", reason ? reason : ""),
				 now);
	}
	return audit_write_after(rc, x->req, c, actions[act].audit, "booking", b->id,
				 reason && *reason ? JB_OBJ(jb_str("reason", reason)) : NULL);
}

/* Write the change of state (the caller checked it is allowed), in one transaction. */
static void apply(struct req *req, struct db_conn *c, const struct booking *b,
		  enum booking_action act, const char *reason, int64_t now)
{
	int rc = db_tx_run(c, apply_tx, &(struct booking_change){ req, b, act, reason, now });

	reply_tx_refused(req, rc, ERR_BOOKING_STATE, 200,
			 JB_OBJ(jb_int("id", b->id), jb_str("status", actions[act].to)));
}

static void act_on(struct req *req)
{
	int act = REQ_ROUTE_ACTION_OR_REPLY(req, booking_action_names);
	struct db_conn *c = act < 0 ? NULL : req_db_or_reply(req);
	const char *reason;
	int64_t id, now = clock_now();
	struct booking b;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    body_reason_or_reply(req, act == B_REJECT, "say why the booking is rejected", &reason))
		return;
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
		int rc = bookings_store_activity_holding(c, b.id, &activity);
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

/* The resident at the door: the venue's QR code finds their booking due now. */
static void check_in_by_code(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *code;
	int64_t now = clock_now(), id = 0;
	struct booking b;
	struct venue v;
	int rc;

	if (!c || body_str_or_reply(req, "code", BF_REQUIRED, 40, NULL, &code))
		return;
	rc = venue_get_by_code(c, code, &v);
	if (req_found_or_reply(req, rc))
		return;
	rc = bookings_store_due(c, v.id, a->account_id, now + CHECK_IN_EARLY_S, now, &id);
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
	{ "POST", "/api/v1/bookings/:id/cancel", act_on, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/bookings/:id/approve", act_on, R_JSON, "booking:manage", 0 },
	{ "POST", "/api/v1/bookings/:id/reject", act_on, R_JSON, "booking:manage", 0 },
	{ "POST", "/api/v1/bookings/:id/check-in", act_on, R_JSON, "booking:manage", 0 },
	{ "POST", "/api/v1/bookings/:id/no-show", act_on, R_JSON, "booking:manage", 0 },
	{ 0 },
};
