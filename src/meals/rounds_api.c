/*
 * rounds_api.c — delivery rounds: who takes which delivery orders of a day.
 *
 *   POST /api/v1/meal-rounds                meal:manage {point_id, day, name, assignee_id}
 *   GET  /api/v1/meal-rounds?point=&day=&mine=1   meal:manage, or meal:deliver (own)
 *   GET  /api/v1/meal-rounds/:id            with its orders and where they go
 *   POST /api/v1/meal-rounds/:id/orders     meal:manage {order_ids}
 *   GET  /api/v1/meal-points/:id/assignees  meal:manage: who a round may go to
 *
 * A round belongs to a point and a day and goes to one assignee: an active
 * volunteer (meal:deliver) or staff member (meal:manage) of the point's area
 * or above it. Staff put the day's open delivery orders into it; its assignee
 * sees the round and delivers them (orders_api.c, /deliver).
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

static int may_see_round(struct req *req, const char *unit_path, int64_t assignee)
{
	const struct auth *a = req_auth(req);

	return (meal_is_manager(req) && path_within(unit_path, a->unit_path)) ||
	       (assignee == a->account_id &&
		(auth_can(req, "meal:deliver") || meal_is_manager(req)));
}

/* POST /meal-rounds, as the console sends it. */
struct round_body {
	int64_t point_id, assignee_id;
	const char *day, *name;
};
static const struct body_field round_fields[] = {
	BF_ID(struct round_body, point_id, "point_id", BF_REQUIRED),
	BF_STR(struct round_body, day, "day", BF_REQUIRED, 0, 10),
	BF_STR(struct round_body, name, "name", BF_REQUIRED, 0, 120),
	BF_ID(struct round_body, assignee_id, "assignee_id", BF_REQUIRED),
};

struct round_new {
	struct req *req;
	const struct meal_point *p;
	const struct round_body *b;
	int64_t now;
	int64_t id; /* out */
};

static int create_round_tx(struct db_conn *c, void *ctx)
{
	struct round_new *x = ctx;
	int rc = orders_store_round_insert(c, x->p, x->b->day, x->b->name, x->b->assignee_id,
					   req_auth(x->req)->account_id, x->now, &x->id);

	return audit_write_after(rc, x->req, c, "meal.round_create", "meal_round", x->id,
				 JB_OBJ(jb_int("point_id", x->p->id), jb_str("day", x->b->day),
					jb_int("assignee_id", x->b->assignee_id)));
}

static void create_round(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct round_new x;
	struct round_body b;
	struct meal_point p;
	struct meal_account acc;
	int64_t dn;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, round_fields, &b, NULL))
		return;
	if (cal_day_parse(b.day, &dn)) {
		reply_invalid(req, "day", "YYYY-MM-DD");
		return;
	}
	if (body_nonempty_or_reply(req, "name", b.name) ||
	    meal_point_managed_or_reply(req, c, b.point_id, &p))
		return;
	/* the assignee: an active volunteer or staff member of the point's area */
	rc = orders_store_account(c, b.assignee_id, &acc);
	if (req_ok_or_invalid(req, rc,
			      rc == DB_ROW && !acc.disabled &&
				      (roles_grant(acc.roles, "meal:deliver") ||
				       roles_grant(acc.roles, "meal:manage")) &&
				      (path_within(acc.unit_path, p.unit_path) ||
				       path_within(p.unit_path, acc.unit_path)),
			      "assignee_id",
			      "an active volunteer or staff account of the meal point's area"))
		return;
	x = (struct round_new){ .req = req, .p = &p, .b = &b, .now = clock_now() };
	rc = db_tx_run(c, create_round_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("day", b.day), jb_str("name", b.name)));
}

/* The assignees as they are found: at most 200. */
struct assignee_list {
	json_t *items;
	int n;
};

static int assignee_row(void *ctx, const struct meal_account *a)
{
	struct assignee_list *l = ctx;
	int deliver = roles_grant(a->roles, "meal:deliver");

	if (!deliver && !roles_grant(a->roles, "meal:manage"))
		return 0;
	json_array_append_new(l->items,
			      JB_OBJ(jb_int("id", a->id), jb_str("name", a->name),
				     jb_take("unit", JB_OBJ(jb_int("id", a->unit_id),
							    jb_str("name", a->unit_name))),
				     jb_str("kind", deliver ? "volunteer" : "staff")));
	return ++l->n >= 200;
}

/*
 * GET /meal-points/:id/assignees: who a round at the point may be given to —
 * the active accounts holding meal:deliver (volunteers) or meal:manage whose
 * unit lies in the point's area or above it, the rule create_round checks.
 * Staff without account:read choose from this list instead of typing ids.
 * Roles are checked here, after the query.
 */
static void list_assignees(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct assignee_list l = { 0 };
	struct meal_point p;
	int64_t point_id;
	char hi[256];
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &point_id) ||
	    meal_point_managed_or_reply(req, c, point_id, &p))
		return;
	path_upper(p.unit_path, hi, sizeof hi);
	l.items = json_array();
	rc = orders_store_assignees(c, p.unit_path, hi, assignee_row, &l);
	if (rc < 0) {
		json_decref(l.items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", l.items)));
}

static void list_rounds(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *day, *mine = req_query(req, "mine");
	int manager = meal_is_manager(req), own = !manager || (mine && !strcmp(mine, "1"));
	struct page pg;
	int64_t point_id;
	struct scope sc;
	int rc;

	if (!c)
		return;
	if (!manager && !auth_can(req, "meal:deliver")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (page_begin_or_reply(req, &pg) || meal_id_query_or_reply(req, "point", &point_id) ||
	    meal_day_query_or_reply(req, &day))
		return;
	if (scope_own_or_unit_or_reply(req, c, own, req_query(req, "unit"), &sc))
		return;
	rc = orders_store_rounds(c, sc.lo, sc.hi, own ? a->account_id : 0, point_id, day,
				 pg.cursor ? pg.cursor : INT64_MAX, &pg);
	page_reply(&pg, rc);
}

/* Load a round the caller may see; 404 otherwise. */
static int round_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				  struct meal_round *rd, json_t **out)
{
	int rc = orders_store_round(c, id, rd, out);

	return meal_found_or_reply(
		req, rc, rc == DB_ROW && may_see_round(req, rd->unit_path, rd->assignee_id), out);
}

static void get_round(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meal_round rd;
	json_t *out = NULL, *orders;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    round_visible_or_reply(req, c, id, &rd, &out))
		return;
	orders = json_array();
	if (orders_store_round_orders(c, id, orders) < 0) {
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
	const struct meal_round *rd;
	int64_t now;
	int64_t refused; /* out, with DB_EABORT: the order that could not go in */
};

static int assign_orders_tx(struct db_conn *c, void *ctx)
{
	struct round_assign *x = ctx;
	int64_t changed = 0;
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(x->ids, i, v)
	{
		int64_t oid = (int64_t)json_integer_value(v);
		if (rc == 0)
			rc = orders_store_assign(c, x->rd->id, oid, x->rd->point_id, x->rd->day,
						 x->now, &changed);
		if (rc == 0 && changed != 1) {
			x->refused = oid;
			return DB_EABORT;
		}
	}
	return audit_write_after(rc, x->req, c, "meal.round_assign", "meal_round", x->rd->id,
				 JB_OBJ(jb_ref("order_ids", x->ids)));
}

/* order_ids is checked below, with its own message */
struct assign_body {
	json_t *order_ids;
};
static const struct body_field assign_fields[] = {
	BF_JSON(struct assign_body, order_ids, "order_ids", BF_OPTIONAL, -1),
};

/* POST /meal-rounds/:id/orders {order_ids}: put delivery orders of the round's
 * point and day into it (moving them from another round). All or none. */
static void assign_orders(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct assign_body b;
	json_t *ids, *v;
	int64_t id, now = clock_now();
	struct round_assign x;
	struct meal_round rd;
	struct meal_point p;
	size_t i;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, assign_fields, &b, NULL))
		return;
	ids = b.order_ids;
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
	if (round_visible_or_reply(req, c, id, &rd, NULL) ||
	    meal_point_managed_or_reply(req, c, rd.point_id, &p))
		return;
	x = (struct round_assign){ .req = req, .ids = ids, .rd = &rd, .now = now };
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

const struct route meal_round_routes[] = {
	{ "POST", "/api/v1/meal-rounds", create_round, R_JSON, "meal:manage", 0 },
	{ "GET", "/api/v1/meal-points/:id/assignees", list_assignees, R_AUTH, "meal:manage", 0 },
	{ "GET", "/api/v1/meal-rounds", list_rounds, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-rounds/:id", get_round, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-rounds/:id/orders", assign_orders, R_JSON, "meal:manage", 0 },
	{ 0 },
};
