/*
 * orders_api.c — daily meal orders and their confirmation (delivery rounds:
 * rounds_api.c).
 *
 *   POST /api/v1/meal-orders                {enrolment_id, day, mode}
 *   GET  /api/v1/meal-orders?point=&day=&status=&round=&resident=&limit=&cursor=
 *   GET  /api/v1/meal-orders/:id
 *   POST /api/v1/meal-orders/:id/cancel     before the day's cut-off
 *   POST /api/v1/meal-orders/:id/serve      meal:manage, dine-in, from the day on
 *   POST /api/v1/meal-orders/:id/deliver    the round's assignee, or meal:manage
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
#include "meals/meals_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DAYS_AHEAD 31

/* ---- reading orders ------------------------------------------------------ */

/*
 * Load an order the caller may see: whoever may act for its resident
 * (meal_may_act, with the one who ordered as applicant) or, when assignee is
 * set, the assignee of its round. 404 otherwise.
 */
static int order_load_or_reply(struct req *req, struct db_conn *c, int64_t id, int assignee,
			       struct meal_order *o, json_t **out)
{
	int rc = orders_store_load(c, id, o, out);
	int ok = rc == DB_ROW && assignee && o->assignee_id &&
		 o->assignee_id == req_auth(req)->account_id;

	return meal_visible_or_reply(req, c, rc, ok, o->resident_id, o->unit_path, o->ordered_by,
				     out);
}

/* What GET /meal-orders/:id shows: the round's assignee sees the order too. */
static int order_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				  struct meal_order *o, json_t **out)
{
	return order_load_or_reply(req, c, id, 1, o, out);
}
REQ_GET_VISIBLE_HANDLER(get_order, struct meal_order, order_visible_or_reply)

static const char *const order_states[] = { "ordered", "cancelled", "served", "delivered" };

int meal_id_query_or_reply(struct req *req, const char *name, int64_t *out)
{
	const char *v = req_query(req, name);

	*out = 0;
	if (v && parse_int64(v, 1, INT64_MAX, out)) {
		reply_invalid(req, name, "expected an id");
		return -1;
	}
	return 0;
}

int meal_day_query_or_reply(struct req *req, const char **day)
{
	int64_t t;

	*day = req_query(req, "day");
	if (*day && cal_day_parse(*day, &t)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return -1;
	}
	return 0;
}

static void list_orders(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status");
	struct page pg;
	struct meal_who who;
	struct meal_filter f = { .who = &who, .status = status };
	int known = !status;

	if (!c || page_begin_or_reply(req, &pg) ||
	    meal_id_query_or_reply(req, "point", &f.point_id) ||
	    meal_id_query_or_reply(req, "round", &f.round_id) ||
	    meal_id_query_or_reply(req, "resident", &f.resident_id))
		return;
	for (size_t i = 0; status && i < sizeof order_states / sizeof *order_states; i++)
		known |= !strcmp(status, order_states[i]);
	if (!known) {
		reply_invalid(req, "status", "ordered, cancelled, served or delivered");
		return;
	}
	if (meal_day_query_or_reply(req, &f.day) || meal_who_or_reply(req, c, &who))
		return;
	f.before = pg.cursor ? pg.cursor : INT64_MAX;
	page_reply(&pg, orders_store_list(c, &f, &pg));
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
	int64_t live = 0, locked = 0;
	/* orders for this point one after another: the count below holds */
	int rc = orders_store_lock_point(c, p->id);

	/*
	 * What was read above may have changed before the lock: a withdrawal
	 * (which cancels the open orders) or a change of the point. Lock the
	 * enrolment while it is still approved — a withdrawal waits for this
	 * order and then cancels it — and check the point again as it is now.
	 */
	if (rc == 0)
		rc = orders_store_lock_enrolment(c, x->enrol_id, &locked);
	if (rc == 0 && locked != 1) {
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
		rc = orders_store_live_count(c, p->id, x->day, &live);
	if (rc == 0 && live >= p->daily_capacity) {
		reply_error_ex(req, ERR_MEAL_FULL, NULL,
			       JB_OBJ(jb_int("daily_capacity", p->daily_capacity)));
		return DB_EABORT;
	}
	if (rc == 0)
		rc = orders_store_insert(c, p, x->enrol_id, x->r, x->day, meal_mode_name(x->mode),
					 req_auth(req)->account_id, x->now, &x->id);
	if (rc == DB_ECONSTRAINT) {
		reply_error(req, ERR_MEAL_ALREADY_ORDERED);
		return DB_EABORT;
	}
	return audit_write_after(rc, req, c, "meal.order", "meal_order", x->id,
				 JB_OBJ(jb_int("point_id", p->id), jb_str("day", x->day),
					jb_str("mode", meal_mode_name(x->mode))));
}

/* POST /meal-orders, as the residents' app sends it. */
struct order_body {
	int64_t enrolment_id;
	const char *day, *mode;
};
static const struct body_field order_fields[] = {
	BF_ID(struct order_body, enrolment_id, "enrolment_id", BF_REQUIRED),
	BF_STR(struct order_body, day, "day", BF_REQUIRED, 0, 10),
	BF_STR(struct order_body, mode, "mode", BF_REQUIRED, 0, 20),
};

static void create_order(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *day;
	int64_t enrol_id, dn, midnight, now = clock_now(), today;
	struct order_new x;
	struct order_body b;
	struct meal_enrolment e;
	struct meal_point p;
	struct meal_resident r;
	unsigned mode;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, order_fields, &b, NULL))
		return;
	enrol_id = b.enrolment_id;
	day = b.day;
	if (cal_day_parse(day, &dn)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return;
	}
	midnight = cal_day_start(dn);
	mode = meal_mode_bit(b.mode);
	if (!mode) {
		reply_invalid(req, "mode", MEAL_MODE_NAMES);
		return;
	}
	/* the enrolment, and whether the caller may order for its resident */
	rc = meals_store_enrolment(c, &req->arena, enrol_id, &e, NULL);
	if (rc == DB_ROW)
		rc = meal_resident_get(c, e.resident_id, &r);
	if (rc == DB_ROW)
		rc = meal_may_act(req, c, &r, e.unit_path, e.applicant_id);
	if (rc == 1)
		rc = meal_point_get(c, &req->arena, e.point_id, &p);
	if (req_found_or_reply(req, rc))
		return;
	if (strcmp(e.status, "approved")) {
		reply_error_ex(req, ERR_MEAL_NOT_ENROLLED, NULL,
			       JB_OBJ(jb_str("status", e.status)));
		return;
	}
	today = cal_midnight(now);
	if (order_fits_or_reply(req, &p, mode, midnight, today, now))
		return;
	x = (struct order_new){ .req = req,
				.p = &p,
				.r = &r,
				.enrol_id = enrol_id,
				.point_id = e.point_id,
				.day = day,
				.mode = mode,
				.midnight = midnight,
				.today = today,
				.now = now };
	rc = db_tx_run(c, create_order_tx, &x);
	reply_tx_refused(req, rc, ERR_NONE, 201,
			 JB_OBJ(jb_int("id", x.id), jb_str("status", "ordered"), jb_str("day", day),
				jb_str("mode", meal_mode_name(mode)),
				jb_int("price_fen", p.price_fen),
				jb_int("subsidy_fen", p.subsidy_fen)));
}

enum order_action { O_CANCEL, O_SERVE, O_DELIVER };
/* The last segment of each action's route, in the order of the enum. */
static const char *const order_action_names[] = { "cancel", "serve", "deliver" };

static const struct {
	const char *name, *to, *audit;
} actions[] = {
	[O_CANCEL] = { "cancel", "cancelled", "meal.order_cancel" },
	[O_SERVE] = { "serve", "served", "meal.order_serve" },
	[O_DELIVER] = { "deliver", "delivered", "meal.order_deliver" },
};

struct order_change {
	struct req *req;
	const struct meal_order *o;
	enum order_action act;
	int64_t id, now;
};

/* DB_EABORT: the order is no longer in the state (or round) it was read in */
static int order_act_tx(struct db_conn *c, void *ctx)
{
	struct order_change *x = ctx;
	enum order_action act = x->act;
	int64_t who = req_auth(x->req)->account_id, changed = 0;
	/* serve and deliver: still in the round whose assignee was checked */
	int rc = act == O_CANCEL ? orders_store_cancel(c, x->id, who, x->now, &changed)
				 : orders_store_done(c, x->id, actions[act].to, x->o->round_id, who,
						     x->now, &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, actions[act].audit, "meal_order", x->id,
				 x->o->round_id ? JB_OBJ(jb_int("round_id", x->o->round_id))
						: NULL);
}

static void act_on(struct req *req)
{
	int act = REQ_ROUTE_ACTION_OR_REPLY(req, order_action_names);
	const struct auth *a = req_auth(req);
	struct db_conn *c = act < 0 ? NULL : req_db_or_reply(req);
	int64_t id, now = clock_now(), who = a->account_id;
	struct meal_point p;
	struct meal_order o;
	int rc, ok;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (act == O_CANCEL) {
		if (order_load_or_reply(req, c, id, 0, &o, NULL))
			return;
	} else {
		rc = orders_store_load(c, id, &o, NULL);
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
	if (req_found_or_reply(req, rc))
		return;
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
		struct meal_order now_o;
		/* moved to another round meanwhile: not the old assignee's any more */
		rc = orders_store_load(c, id, &now_o, NULL);
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

const struct route meal_order_routes[] = {
	{ "POST", "/api/v1/meal-orders", create_order, R_AUTH | R_JSON, NULL, 0 },
	{ "GET", "/api/v1/meal-orders", list_orders, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-orders/:id", get_order, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-orders/:id/cancel", act_on, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/meal-orders/:id/serve", act_on, R_JSON, "meal:manage", 0 },
	{ "POST", "/api/v1/meal-orders/:id/deliver", act_on, R_AUTH | R_JSON, NULL, 0 },
	{ 0 },
};
