/*
 * meal_order.c — daily meal orders, delivery rounds and their confirmation.
 *
 *   POST /api/v1/meal-orders                {enrolment_id, day, mode}
 *   GET  /api/v1/meal-orders?point=&day=&status=&round=&resident=&limit=&cursor=
 *   GET  /api/v1/meal-orders/:id
 *   POST /api/v1/meal-orders/:id/cancel     before the day's cut-off
 *   POST /api/v1/meal-orders/:id/serve      meal:manage, dine-in, from the day on
 *   POST /api/v1/meal-orders/:id/deliver    the round's assignee, or meal:manage
 *   POST /api/v1/meal-rounds                meal:manage {point_id, day, name, assignee_id}
 *   GET  /api/v1/meal-rounds?point=&day=&mine=1   meal:manage, or meal:deliver (own)
 *   GET  /api/v1/meal-rounds/:id            with its orders and where they go
 *   POST /api/v1/meal-rounds/:id/orders     meal:manage {order_ids}
 *   GET  /api/v1/meal-points/:id/assignees  meal:manage: who a round may go to
 *
 * An order is one meal for one approved enrolment on one day, in one of the
 * point's modes; it keeps the point's price and subsidy of the moment it is
 * placed. States: ordered → cancelled (before the cut-off) | served (dine-in,
 * by staff) | delivered (meal or grocery delivery, by the round's assignee or
 * staff). An order still `ordered` after its day was not taken: it is never
 * billed — the statement counts served and delivered orders only.
 *
 * Two rules must hold under concurrency. The point's daily capacity: the
 * order transaction first locks the point's row (an UPDATE that changes
 * nothing), so orders for one point run one after another on both databases,
 * and the count that follows sees every committed order. One meal per
 * resident a day: a partial unique index on (resident_id, day) over live
 * orders; its refusal is 409 meal.already_ordered.
 *
 * The cut-off of day D is D's local midnight plus the point's order_cutoff;
 * ordering and cancelling end there for everyone, staff included — the
 * kitchen plans from the list as it stands then.
 */
#include "service/meals_int.h"
#include "core/jbuild.h"
#include "service/service.h"
#include "venues/venues.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "auth/perms.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DAYS_AHEAD 31

/* ---- reading orders ------------------------------------------------------ */

#define ORDER_SELECT                                                                               \
	"SELECT o.id, o.point_id, p.name, o.enrolment_id, o.resident_id, r.name, o.day, o.mode, "  \
	"o.price_fen, o.subsidy_fen, o.status, o.round_id, o.ordered_by, ob.display_name, "        \
	"o.created_at, o.cancelled_at, o.done_at, o.done_by, dn.display_name, o.unit_path, "       \
	"o.resident_path, rd.assignee_id, h.room, h.address, b.name, r.phone_mask "                \
	"FROM meal_orders o JOIN meal_points p ON p.id = o.point_id "                              \
	"JOIN residents r ON r.id = o.resident_id JOIN households h ON h.id = r.household_id "     \
	"JOIN units b ON b.id = h.building_id JOIN accounts ob ON ob.id = o.ordered_by "           \
	"LEFT JOIN accounts dn ON dn.id = o.done_by LEFT JOIN meal_rounds rd ON rd.id = "          \
	"o.round_id "

struct order {
	int64_t id, point_id, resident_id, round_id, ordered_by, assignee_id, midnight;
	unsigned mode;
	char day[11], status[16], unit_path[256];
};

static json_t *order_json(struct db_stmt *st)
{
	json_t *o = JB_OBJ(jb_int("id", db_col_int64(st, 0)),
			   jb_take("point", JB_OBJ(jb_int("id", db_col_int64(st, 1)),
						   jb_str("name", db_col_text(st, 2)))),
			   jb_int("enrolment_id", db_col_int64(st, 3)),
			   jb_take("resident", JB_OBJ(jb_int("id", db_col_int64(st, 4)),
						      jb_str("name", db_col_text(st, 5)))),
			   jb_str("day", db_col_text(st, 6)), jb_str("mode", db_col_text(st, 7)),
			   jb_int("price_fen", db_col_int64(st, 8)),
			   jb_int("subsidy_fen", db_col_int64(st, 9)),
			   jb_int("resident_share_fen",
				  (json_int_t)(db_col_int64(st, 8) - db_col_int64(st, 9))),
			   jb_str("status", db_col_text(st, 10)));

	if (!o)
		return NULL;
	json_object_set_new(o, "round_id",
			    db_col_is_null(st, 11) ? json_null()
						   : json_integer(db_col_int64(st, 11)));
	json_object_set_new(
		o, "ordered_by",
		JB_OBJ(jb_int("id", db_col_int64(st, 12)), jb_str("name", db_col_text(st, 13))));
	json_object_set_new(o, "created_at", meal_time_or_null(st, 14));
	json_object_set_new(o, "cancelled_at", meal_time_or_null(st, 15));
	json_object_set_new(o, "done_at", meal_time_or_null(st, 16));
	json_object_set_new(o, "done_by",
			    db_col_is_null(st, 17) ? json_null()
						   : JB_OBJ(jb_int("id", db_col_int64(st, 17)),
							    jb_str("name", db_col_text(st, 18))));
	json_object_set_new(o, "address",
			    JB_OBJ(jb_str("building", db_col_text(st, 24)),
				   jb_str("room", db_col_text(st, 22)),
				   jb_str("address", db_col_text(st, 23)),
				   jb_str_or_null("phone", db_col_text(st, 25))));
	return o;
}

/* Load an order with no access check: DB_ROW, DB_DONE or <0. */
static int order_load(struct db_conn *c, int64_t id, struct order *o, json_t **out)
{
	struct db_stmt *st;
	int rc = db_prepare(c, ORDER_SELECT "WHERE o.id = ?", &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		memset(o, 0, sizeof *o);
		o->id = id;
		o->point_id = db_col_int64(st, 1);
		o->resident_id = db_col_int64(st, 4);
		snprintf(o->day, sizeof o->day, "%s", db_col_text(st, 6));
		o->mode = meal_mode_bit(db_col_text(st, 7));
		snprintf(o->status, sizeof o->status, "%s", db_col_text(st, 10));
		o->round_id = db_col_is_null(st, 11) ? 0 : db_col_int64(st, 11);
		o->ordered_by = db_col_int64(st, 12);
		snprintf(o->unit_path, sizeof o->unit_path, "%s", db_col_text(st, 19));
		o->assignee_id = db_col_is_null(st, 21) ? 0 : db_col_int64(st, 21);
		int64_t d;
		if (!cal_day_parse(o->day, &d))
			o->midnight = cal_day_start(d);
		if (out)
			*out = order_json(st);
	}
	db_reset(st);
	return rc;
}

/*
 * Load an order the caller may see: whoever may act for its resident
 * (meal_may_act, with the one who ordered as applicant) or, when assignee is
 * set, the assignee of its round. 404 otherwise.
 */
static int order_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, int assignee,
				  struct order *o, json_t **out)
{
	struct meal_resident r;
	int rc = order_load(c, id, o, out), ok = 0;

	if (rc == DB_ROW) {
		ok = assignee && o->assignee_id && o->assignee_id == req_auth(req)->account_id;
		if (!ok) {
			rc = meal_resident_get(c, o->resident_id, &r);
			if (rc == DB_ROW)
				rc = meal_may_act(req, c, &r, o->unit_path, o->ordered_by);
			ok = rc == 1;
		}
	}
	if (rc < 0 || !ok) {
		if (out)
			json_decref(*out);
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return -1;
	}
	if (out && !*out) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	return 0;
}

static void get_order(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct order o;
	json_t *out = NULL;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    order_visible_or_reply(req, c, id, 1, &o, &out))
		return;
	reply_json(req, 200, out);
}

static const char *const order_states[] = { "ordered", "cancelled", "served", "delivered" };

static int id_query_or_reply(struct req *req, const char *name, int64_t *out)
{
	const char *v = req_query(req, name);

	*out = 0;
	if (v && parse_int64(v, 1, INT64_MAX, out)) {
		reply_invalid(req, name, "expected an id");
		return -1;
	}
	return 0;
}

static void list_orders(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *day = req_query(req, "day");
	int64_t limit, cursor, point_id, round_id, resident_id, n = 0, last = 0, household = 0, t;
	int staff = meal_is_applier(req), known = !status, rc, bad = 0;
	struct scope sc;
	struct db_stmt *st;
	json_t *items;

	if (!c || req_page_or_reply(req, &limit, &cursor) ||
	    id_query_or_reply(req, "point", &point_id) ||
	    id_query_or_reply(req, "round", &round_id) ||
	    id_query_or_reply(req, "resident", &resident_id))
		return;
	for (size_t i = 0; status && i < sizeof order_states / sizeof *order_states; i++)
		known |= !strcmp(status, order_states[i]);
	if (!known) {
		reply_invalid(req, "status", "ordered, cancelled, served or delivered");
		return;
	}
	if (day && cal_day_parse(day, &t)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return;
	}
	if (staff) {
		if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
			return;
	} else {
		snprintf(sc.lo, sizeof sc.lo, "/");
		snprintf(sc.hi, sizeof sc.hi, "/");
		if (a->resident_id > 0 &&
		    db_query_int64(c, &household, "SELECT household_id FROM residents WHERE id = ?",
				   "i", a->resident_id) < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
	}
	if (db_prepare(
		    c,
		    ORDER_SELECT
		    "WHERE ((? = 1 AND o.unit_path >= ? AND o.unit_path < ?) "
		    "OR (o.resident_path >= ? AND o.resident_path < ?) "
		    "OR (? = 0 AND (o.ordered_by = ? OR r.household_id = ?))) "
		    "AND o.id < ? AND (? = 0 OR o.point_id = ?) AND (? = 0 OR o.round_id = ?) "
		    "AND (? = 0 OR o.resident_id = ?) AND (CAST(? AS TEXT) IS NULL OR o.day = ?) "
		    "AND (CAST(? AS TEXT) IS NULL OR o.status = ?) ORDER BY o.id DESC LIMIT ?",
		    &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = {
		DB_ARG_I(meal_is_manager(req)),
		DB_ARG_T(sc.lo),
		DB_ARG_T(sc.hi),
		DB_ARG_T(sc.lo),
		DB_ARG_T(sc.hi),
		DB_ARG_I(staff),
		DB_ARG_I(a->account_id),
		DB_ARG_I(household ? household : -1),
		DB_ARG_I(cursor ? cursor : INT64_MAX),
		DB_ARG_I(point_id),
		DB_ARG_I(point_id),
		DB_ARG_I(round_id),
		DB_ARG_I(round_id),
		DB_ARG_I(resident_id),
		DB_ARG_I(resident_id),
		DB_ARG_T(day),
		DB_ARG_T(day),
		DB_ARG_T(status),
		DB_ARG_T(status),
		DB_ARG_I(limit + 1),
	};
	db_bind_args(st, args, (int)(sizeof args / sizeof *args));
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		if (json_array_append_new(items, order_json(st)) < 0)
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

/* ---- ordering and cancelling ------------------------------------------- */

static void reply_cutoff(struct req *req, int64_t cutoff)
{
	char buf[32];

	reply_error_ex(req, ERR_MEAL_CUTOFF, NULL,
		       JB_OBJ(jb_str("cutoff", clock_format_shanghai(cutoff, buf))));
}

/* The point takes an order in mode for the day at midnight now; 0, or -1 answered. */
static int order_fits_or_reply(struct req *req, const struct meal_point *p, unsigned mode,
			       int64_t midnight, int64_t today, int64_t now)
{
	if (!p->active) {
		reply_error(req, ERR_MEAL_POINT_INACTIVE);
		return -1;
	}
	if (!(p->modes & mode)) {
		reply_invalid(req, "mode",
			      "one of the meal point's modes (GET /meal-points/:id, modes)");
		return -1;
	}
	if (midnight > today + (int64_t)MAX_DAYS_AHEAD * 86400) {
		reply_invalid(req, "day", "at most 31 days ahead");
		return -1;
	}
	if (now >= meal_cutoff_at(p, midnight)) {
		reply_cutoff(req, meal_cutoff_at(p, midnight));
		return -1;
	}
	return 0;
}

struct order_new {
	struct req *req;
	struct meal_point *p; /* read again under the lock */
	const struct meal_resident *r;
	int64_t enrol_id, point_id, midnight, today, now;
	const char *day;
	unsigned mode;
	int64_t id; /* out */
};

/*
 * The order's transaction. DB_EABORT: refused (withdrawn meanwhile, past
 * the cut-off, full, ordered already) and answered here; never retried.
 */
static int create_order_tx(struct db_conn *c, void *ctx)
{
	struct order_new *x = ctx;
	struct req *req = x->req;
	struct meal_point *p = x->p;
	int64_t live = 0;
	/* orders for this point one after another: the count below holds */
	int rc = db_run(c, "UPDATE meal_points SET updated_at = updated_at WHERE id = ?", "i",
			p->id);

	/*
	 * What was read above may have changed before the lock: a withdrawal
	 * (which cancels the open orders) or a change of the point. Lock the
	 * enrolment while it is still approved — a withdrawal waits for this
	 * order and then cancels it — and check the point again as it is now.
	 */
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE meal_enrolments SET updated_at = updated_at WHERE id = ? AND "
			    "status = 'approved'",
			    "i", x->enrol_id);
	if (rc == 0 && db_changes(c) != 1) {
		reply_error_ex(req, ERR_MEAL_NOT_ENROLLED, NULL,
			       JB_OBJ(jb_str("status", "withdrawn")));
		return DB_EABORT;
	}
	if (rc == 0) {
		rc = meal_point_get(c, &req->arena, x->point_id, p);
		rc = rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
	}
	if (rc == 0 && order_fits_or_reply(req, p, x->mode, x->midnight, x->today, x->now))
		return DB_EABORT;
	if (rc == 0)
		rc = db_query_int64(
			c, &live,
			"SELECT COUNT(*) FROM meal_orders WHERE point_id = ? AND day = ? "
			"AND status <> 'cancelled'",
			"it", p->id, x->day);
	rc = rc == DB_ROW ? 0 : rc;
	if (rc == 0 && live >= p->daily_capacity) {
		reply_error_ex(req, ERR_MEAL_FULL, NULL,
			       JB_OBJ(jb_int("daily_capacity", p->daily_capacity)));
		return DB_EABORT;
	}
	if (rc == 0)
		rc = db_query_int64(
			c, &x->id,
			"INSERT INTO meal_orders (point_id, unit_path, enrolment_id, resident_id, "
			"resident_path, day, mode, price_fen, subsidy_fen, status, ordered_by, "
			"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ordered', ?, "
			"?, "
			"?) RETURNING id",
			"itiitttiiiii", p->id, p->unit_path, x->enrol_id, x->r->id, x->r->unit_path,
			x->day, meal_mode_name(x->mode), p->price_fen, p->subsidy_fen,
			req_auth(req)->account_id, x->now, x->now);
	if (rc == DB_ECONSTRAINT) {
		reply_error(req, ERR_MEAL_ALREADY_ORDERED);
		return DB_EABORT;
	}
	rc = rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
	if (rc == 0)
		rc = audit_write(req, c, "meal.order", "meal_order", x->id,
				 JB_OBJ(jb_int("point_id", p->id), jb_str("day", x->day),
					jb_str("mode", meal_mode_name(x->mode))));
	return rc;
}

static void create_order(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *day = NULL, *mode_s = NULL;
	int64_t enrol_id, dn, midnight, now = clock_now(), today, point_id = 0, resident_id = 0,
					applicant = 0;
	struct order_new x;
	char status[16] = "", epath[256] = "";
	struct meal_point p;
	struct meal_resident r;
	struct db_stmt *st;
	unsigned mode;
	int rc;

	if (!c ||
	    json_get_int_or_reply(req, req->json, "enrolment_id", 1, 1, INT64_MAX, &enrol_id) ||
	    json_get_str_or_reply(req, req->json, "day", 1, 10, &day) ||
	    json_get_str_or_reply(req, req->json, "mode", 1, 20, &mode_s))
		return;
	if (cal_day_parse(day, &dn)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return;
	}
	midnight = cal_day_start(dn);
	mode = meal_mode_bit(mode_s);
	if (!mode) {
		reply_invalid(req, "mode", MEAL_MODE_NAMES);
		return;
	}
	/* the enrolment, and whether the caller may order for its resident */
	rc = db_prepare(c,
			"SELECT point_id, resident_id, applicant_id, status, unit_path FROM "
			"meal_enrolments WHERE id = ?",
			&st);
	if (rc == 0) {
		db_bind_int64(st, 1, enrol_id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			point_id = db_col_int64(st, 0);
			resident_id = db_col_int64(st, 1);
			applicant = db_col_int64(st, 2);
			snprintf(status, sizeof status, "%s", db_col_text(st, 3));
			snprintf(epath, sizeof epath, "%s", db_col_text(st, 4));
		}
		db_reset(st);
	}
	if (rc == DB_ROW)
		rc = meal_resident_get(c, resident_id, &r);
	if (rc == DB_ROW)
		rc = meal_may_act(req, c, &r, epath, applicant);
	if (rc == 1)
		rc = meal_point_get(c, &req->arena, point_id, &p);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc != DB_ROW) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (strcmp(status, "approved")) {
		reply_error_ex(req, ERR_MEAL_NOT_ENROLLED, NULL, JB_OBJ(jb_str("status", status)));
		return;
	}
	today = cal_midnight(now);
	if (order_fits_or_reply(req, &p, mode, midnight, today, now))
		return;
	x = (struct order_new){ .req = req,
				.p = &p,
				.r = &r,
				.enrol_id = enrol_id,
				.point_id = point_id,
				.day = day,
				.mode = mode,
				.midnight = midnight,
				.today = today,
				.now = now };
	rc = db_tx_run(c, create_order_tx, &x);
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("status", "ordered"), jb_str("day", day),
			jb_str("mode", meal_mode_name(mode)), jb_int("price_fen", p.price_fen),
			jb_int("subsidy_fen", p.subsidy_fen)));
}

enum order_action { O_CANCEL, O_SERVE, O_DELIVER };

static const struct {
	const char *name, *to, *audit;
} actions[] = {
	[O_CANCEL] = { "cancel", "cancelled", "meal.order_cancel" },
	[O_SERVE] = { "serve", "served", "meal.order_serve" },
	[O_DELIVER] = { "deliver", "delivered", "meal.order_deliver" },
};

struct order_change {
	struct req *req;
	const struct order *o;
	enum order_action act;
	int64_t id, now;
};

/* DB_EABORT: the order is no longer in the state (or round) it was read in */
static int order_act_tx(struct db_conn *c, void *ctx)
{
	struct order_change *x = ctx;
	enum order_action act = x->act;
	int64_t who = req_auth(x->req)->account_id, now = x->now, id = x->id;
	int rc = act == O_CANCEL
			 ? db_run(c,
				  "UPDATE meal_orders SET status = 'cancelled', "
				  "round_id = NULL, "
				  "cancelled_by = ?, cancelled_at = ?, updated_at = ? "
				  "WHERE id = "
				  "? AND status = 'ordered'",
				  "iiii", who, now, now, id)
			 /* still in the round whose assignee was checked */
			 : db_run(c,
				  "UPDATE meal_orders SET status = ?, done_by = ?, "
				  "done_at = ?, updated_at = ? WHERE id = ? AND status = "
				  "'ordered' AND COALESCE(round_id, 0) = ?",
				  "tiiiii", actions[act].to, who, now, now, id, x->o->round_id);

	if (rc == 0 && db_changes(c) != 1)
		return DB_EABORT;
	if (rc == 0)
		rc = audit_write(x->req, c, actions[act].audit, "meal_order", id,
				 x->o->round_id ? JB_OBJ(jb_int("round_id", x->o->round_id))
						: NULL);
	return rc;
}

static void act_on(struct req *req, enum order_action act)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	int64_t id, now = clock_now(), who = a->account_id;
	struct meal_point p;
	struct order o;
	int rc, ok;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (act == O_CANCEL) {
		if (order_visible_or_reply(req, c, id, 0, &o, NULL))
			return;
	} else {
		rc = order_load(c, id, &o, NULL);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		/* the point's staff; for a delivery also the round's assignee */
		ok = rc == DB_ROW &&
		     ((meal_is_manager(req) && path_within(o.unit_path, a->unit_path)) ||
		      (act == O_DELIVER && o.assignee_id == who &&
		       (auth_can(req, "meal:deliver") || meal_is_manager(req))));
		if (!ok) {
			reply_error(req, ERR_NOT_FOUND);
			return;
		}
	}
	rc = meal_point_get(c, &req->arena, o.point_id, &p);
	if (rc != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	if (act == O_CANCEL && !strcmp(o.status, "ordered") &&
	    now >= meal_cutoff_at(&p, o.midnight)) {
		reply_cutoff(req, meal_cutoff_at(&p, o.midnight));
		return;
	}
	ok = !strcmp(o.status, "ordered");
	if (act == O_SERVE)
		ok = ok && o.mode == MEAL_DINE_IN && now >= o.midnight;
	if (act == O_DELIVER)
		ok = ok && (o.mode & MEAL_MODES_DELIVERED) && o.round_id && now >= o.midnight;
	if (!ok) {
		reply_error_ex(
			req, ERR_MEAL_STATE, NULL,
			JB_OBJ(jb_str("status", o.status), jb_str("action", actions[act].name)));
		return;
	}
	rc = db_tx_run(
		c, order_act_tx,
		&(struct order_change){ .req = req, .o = &o, .act = act, .id = id, .now = now });
	if (rc == DB_EABORT) {
		struct order now_o;
		/* moved to another round meanwhile: not the old assignee's any more */
		rc = order_load(c, id, &now_o, NULL);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		if (rc == DB_ROW && act == O_DELIVER && now_o.round_id != o.round_id &&
		    now_o.assignee_id != who &&
		    !(meal_is_manager(req) && path_within(o.unit_path, a->unit_path))) {
			reply_error(req, ERR_NOT_FOUND);
			return;
		}
		reply_error_ex(req, ERR_MEAL_STATE, NULL,
			       JB_OBJ(jb_str("status", rc == DB_ROW ? now_o.status : ""),
				      jb_str("action", actions[act].name)));
		return;
	}
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id), jb_str("status", actions[act].to)));
}

static void cancel_order(struct req *req)
{
	act_on(req, O_CANCEL);
}
static void serve_order(struct req *req)
{
	act_on(req, O_SERVE);
}
static void deliver_order(struct req *req)
{
	act_on(req, O_DELIVER);
}

/* ---- delivery rounds ------------------------------------------------------ */

#define ROUND_SELECT                                                                               \
	"SELECT rd.id, rd.point_id, p.name, rd.day, rd.name, rd.assignee_id, a.display_name, "     \
	"rd.created_at, rd.unit_path, (SELECT COUNT(*) FROM meal_orders o WHERE o.round_id = "     \
	"rd.id AND o.status <> 'cancelled'), (SELECT COUNT(*) FROM meal_orders o WHERE "           \
	"o.round_id = rd.id AND o.status = 'delivered') FROM meal_rounds rd "                      \
	"JOIN meal_points p ON p.id = rd.point_id JOIN accounts a ON a.id = rd.assignee_id "

static json_t *round_json(struct db_stmt *st)
{
	json_t *o = JB_OBJ(jb_int("id", db_col_int64(st, 0)),
			   jb_take("point", JB_OBJ(jb_int("id", db_col_int64(st, 1)),
						   jb_str("name", db_col_text(st, 2)))),
			   jb_str("day", db_col_text(st, 3)), jb_str("name", db_col_text(st, 4)),
			   jb_take("assignee", JB_OBJ(jb_int("id", db_col_int64(st, 5)),
						      jb_str("name", db_col_text(st, 6)))),
			   jb_int("orders", db_col_int64(st, 9)),
			   jb_int("delivered", db_col_int64(st, 10)));

	if (o)
		json_object_set_new(o, "created_at", meal_time_or_null(st, 7));
	return o;
}

static int may_see_round(struct req *req, const char *unit_path, int64_t assignee)
{
	const struct auth *a = req_auth(req);

	return (meal_is_manager(req) && path_within(unit_path, a->unit_path)) ||
	       (assignee == a->account_id &&
		(auth_can(req, "meal:deliver") || meal_is_manager(req)));
}

struct round_new {
	struct req *req;
	const struct meal_point *p;
	const char *day, *name;
	int64_t assignee, now;
	int64_t id; /* out */
};

static int create_round_tx(struct db_conn *c, void *ctx)
{
	struct round_new *x = ctx;
	int rc = db_query_int64(c, &x->id,
				"INSERT INTO meal_rounds (point_id, unit_path, day, name, "
				"assignee_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, "
				"?) RETURNING id",
				"itttiii", x->p->id, x->p->unit_path, x->day, x->name, x->assignee,
				req_auth(x->req)->account_id, x->now);

	rc = rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
	if (rc == 0)
		rc = audit_write(x->req, c, "meal.round_create", "meal_round", x->id,
				 JB_OBJ(jb_int("point_id", x->p->id), jb_str("day", x->day),
					jb_int("assignee_id", x->assignee)));
	return rc;
}

static void create_round(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *day = NULL, *name = NULL;
	int64_t point_id, assignee, dn, now = clock_now();
	struct round_new x;
	struct meal_point p;
	struct db_stmt *st;
	char apath[256] = "";
	role_set roles = 0;
	int rc, disabled = 1;

	if (!c || json_get_int_or_reply(req, req->json, "point_id", 1, 1, INT64_MAX, &point_id) ||
	    json_get_str_or_reply(req, req->json, "day", 1, 10, &day) ||
	    json_get_str_or_reply(req, req->json, "name", 1, 120, &name) ||
	    json_get_int_or_reply(req, req->json, "assignee_id", 1, 1, INT64_MAX, &assignee))
		return;
	if (cal_day_parse(day, &dn)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return;
	}
	if (!*name) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (meal_point_managed_or_reply(req, c, point_id, &p))
		return;
	/* the assignee: an active volunteer or staff member of the point's area */
	rc = db_prepare(c, "SELECT unit_path, roles, disabled FROM accounts WHERE id = ?", &st);
	if (rc == 0) {
		db_bind_int64(st, 1, assignee);
		rc = db_step(st);
		if (rc == DB_ROW) {
			snprintf(apath, sizeof apath, "%s", db_col_text(st, 0));
			if (roles_parse(db_col_text(st, 1), &roles))
				roles = 0;
			disabled = (int)db_col_int64(st, 2);
		}
		db_reset(st);
	}
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc != DB_ROW || disabled ||
	    !(roles_grant(roles, "meal:deliver") || roles_grant(roles, "meal:manage")) ||
	    !(path_within(apath, p.unit_path) || path_within(p.unit_path, apath))) {
		reply_invalid(req, "assignee_id",
			      "an active volunteer or staff account of the meal point's area");
		return;
	}
	x = (struct round_new){
		.req = req, .p = &p, .day = day, .name = name, .assignee = assignee, .now = now
	};
	rc = db_tx_run(c, create_round_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("day", day), jb_str("name", name)));
}

/*
 * GET /meal-points/:id/assignees: who a round at the point may be given to —
 * the active accounts holding meal:deliver (volunteers) or meal:manage whose
 * unit lies in the point's area or above it, the rule create_round checks.
 * Staff without account:read choose from this list instead of typing ids.
 * The area is the scope's range predicate; the units above it are the
 * prefixes of the point's path. Roles are checked here, after the query.
 */
static void list_assignees(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t point_id;
	struct meal_point p;
	struct db_stmt *st;
	char hi[256];
	role_set roles;
	json_t *items;
	int rc, n = 0;

	if (!c || req_param_id_or_reply(req, "id", &point_id) ||
	    meal_point_managed_or_reply(req, c, point_id, &p))
		return;
	path_upper(p.unit_path, hi, sizeof hi);
	rc = db_prepare(c,
			"SELECT a.id, a.display_name, a.roles, a.unit_id, u.name FROM accounts a "
			"JOIN units u ON u.id = a.unit_id WHERE a.disabled = 0 AND "
			"((a.unit_path >= ? AND a.unit_path < ?) OR "
			"substr(CAST(? AS TEXT), 1, length(a.unit_path)) = a.unit_path) "
			"ORDER BY a.unit_path DESC, a.id LIMIT 2000",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_args(
		st, (struct db_arg[]){ DB_ARG_T(p.unit_path), DB_ARG_T(hi), DB_ARG_T(p.unit_path) },
		3);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && n < 200) {
		int deliver;

		if (roles_parse(db_col_text(st, 2), &roles))
			continue;
		deliver = roles_grant(roles, "meal:deliver");
		if (!deliver && !roles_grant(roles, "meal:manage"))
			continue;
		json_array_append_new(
			items, JB_OBJ(jb_int("id", db_col_int64(st, 0)),
				      jb_str("name", db_col_text(st, 1)),
				      jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 3)),
							     jb_str("name", db_col_text(st, 4)))),
				      jb_str("kind", deliver ? "volunteer" : "staff")));
		n++;
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

static void list_rounds(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *day = req_query(req, "day"), *mine = req_query(req, "mine");
	int manager = meal_is_manager(req), own = !manager || (mine && !strcmp(mine, "1")), rc,
	    bad = 0;
	int64_t limit, cursor, point_id, n = 0, last = 0, t;
	struct scope sc;
	struct db_stmt *st;
	json_t *items;

	if (!c)
		return;
	if (!manager && !auth_can(req, "meal:deliver")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (req_page_or_reply(req, &limit, &cursor) || id_query_or_reply(req, "point", &point_id))
		return;
	if (day && cal_day_parse(day, &t)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return;
	}
	if (own) {
		/* one's own rounds, wherever they are */
		snprintf(sc.lo, sizeof sc.lo, "/");
		snprintf(sc.hi, sizeof sc.hi, "0");
	} else if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc)) {
		return;
	}
	if (db_prepare(c,
		       ROUND_SELECT
		       "WHERE rd.unit_path >= ? AND rd.unit_path < ? AND (? = 0 OR rd.assignee_id "
		       "= ?) AND (? = 0 OR rd.point_id = ?) AND (CAST(? AS TEXT) IS NULL OR rd.day "
		       "= ?) AND rd.id < ? ORDER BY rd.id DESC LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = {
		DB_ARG_T(sc.lo),	 DB_ARG_T(sc.hi),    DB_ARG_I(own),
		DB_ARG_I(a->account_id), DB_ARG_I(point_id), DB_ARG_I(point_id),
		DB_ARG_T(day),		 DB_ARG_T(day),	     DB_ARG_I(cursor ? cursor : INT64_MAX),
		DB_ARG_I(limit + 1),
	};
	db_bind_args(st, args, (int)(sizeof args / sizeof *args));
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		if (json_array_append_new(items, round_json(st)) < 0)
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

/* Load a round the caller may see; 404 otherwise. */
static int round_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, json_t **out,
				  int64_t *point_id, char day[11])
{
	struct db_stmt *st;
	int rc, ok = 0;

	if (db_prepare(c, ROUND_SELECT "WHERE rd.id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		ok = may_see_round(req, db_col_text(st, 8), db_col_int64(st, 5));
		*point_id = db_col_int64(st, 1);
		snprintf(day, 11, "%s", db_col_text(st, 3));
		if (ok && out)
			*out = round_json(st);
	}
	db_reset(st);
	if (rc < 0 || !ok) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return -1;
	}
	if (out && !*out) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	return 0;
}

static void get_round(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id, point_id;
	struct db_stmt *st;
	json_t *out = NULL, *orders;
	char day[11];
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    round_visible_or_reply(req, c, id, &out, &point_id, day))
		return;
	if (db_prepare(c,
		       ORDER_SELECT "WHERE o.round_id = ? AND o.status <> 'cancelled' ORDER BY "
				    "b.name, h.room, o.id LIMIT 1000",
		       &st) < 0) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	orders = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(orders, order_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(out);
		json_decref(orders);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(out, "items", orders);
	reply_json(req, 200, out);
}

struct round_assign {
	struct req *req;
	json_t *ids;
	int64_t id, point_id, now;
	const char *day;
	int64_t refused; /* out, with DB_EABORT: the order that could not go in */
};

static int assign_orders_tx(struct db_conn *c, void *ctx)
{
	struct round_assign *x = ctx;
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(x->ids, i, v)
	{
		int64_t oid = (int64_t)json_integer_value(v);
		if (rc == 0)
			rc = db_run(
				c,
				"UPDATE meal_orders SET round_id = ?, updated_at = ? WHERE id = "
				"? AND point_id = ? AND day = ? AND status = 'ordered' AND mode "
				"IN ('meal_delivery', 'grocery_delivery')",
				"iiiit", x->id, x->now, oid, x->point_id, x->day);
		if (rc == 0 && db_changes(c) != 1) {
			x->refused = oid;
			return DB_EABORT;
		}
	}
	if (rc == 0)
		rc = audit_write(x->req, c, "meal.round_assign", "meal_round", x->id,
				 JB_OBJ(jb_ref("order_ids", x->ids)));
	return rc;
}

/* POST /meal-rounds/:id/orders {order_ids}: put delivery orders of the round's
 * point and day into it (moving them from another round). All or none. */
static void assign_orders(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	json_t *ids = req->json ? json_object_get(req->json, "order_ids") : NULL, *v;
	int64_t id, point_id, now = clock_now();
	struct round_assign x;
	struct meal_point p;
	char day[11];
	size_t i;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (!json_is_array(ids) || !json_array_size(ids) || json_array_size(ids) > 500) {
		reply_invalid(req, "order_ids", "a list of 1 to 500 order ids");
		return;
	}
	for (i = 0; i < json_array_size(ids); i++) {
		v = json_array_get(ids, i);
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			reply_invalid(req, "order_ids", "a list of 1 to 500 order ids");
			return;
		}
	}
	if (round_visible_or_reply(req, c, id, NULL, &point_id, day) ||
	    meal_point_managed_or_reply(req, c, point_id, &p))
		return;
	x = (struct round_assign){
		.req = req, .ids = ids, .id = id, .point_id = point_id, .day = day, .now = now
	};
	rc = db_tx_run(c, assign_orders_tx, &x);
	if (rc == DB_EABORT) {
		reply_error_ex(req, ERR_MEAL_STATE,
			       "Only open delivery orders of the round's meal point and day go "
			       "into a round.",
			       JB_OBJ(jb_int("order_id", x.refused), jb_str("action", "assign")));
		return;
	}
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id), jb_int("assigned", json_array_size(ids))));
}

const struct route meal_order_routes[] = {
	{ "POST", "/api/v1/meal-orders", create_order, R_AUTH | R_JSON, NULL, 0 },
	{ "GET", "/api/v1/meal-orders", list_orders, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-orders/:id", get_order, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-orders/:id/cancel", cancel_order, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/meal-orders/:id/serve", serve_order, R_JSON, "meal:manage", 0 },
	{ "POST", "/api/v1/meal-orders/:id/deliver", deliver_order, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/meal-rounds", create_round, R_JSON, "meal:manage", 0 },
	{ "GET", "/api/v1/meal-points/:id/assignees", list_assignees, R_AUTH, "meal:manage", 0 },
	{ "GET", "/api/v1/meal-rounds", list_rounds, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-rounds/:id", get_round, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-rounds/:id/orders", assign_orders, R_JSON, "meal:manage", 0 },
	{ 0 },
};
