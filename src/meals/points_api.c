/*
 * points_api.c — meal points (助餐点), and the checks the meal handlers share
 * (who may act for a resident, whose rows a list shows, answering a page).
 *
 *   GET   /api/v1/meal-points?unit=&limit=&cursor=   signed in: meal:manage their
 *                                                    subtree, others the active
 *                                                    points of their community
 *   GET   /api/v1/meal-points/:id                    (or of the units above it)
 *   POST  /api/v1/meal-points                        meal:manage
 *   PATCH /api/v1/meal-points/:id                    meal:manage
 *
 * A meal point belongs to a unit and serves the residents of that unit's
 * subtree. It cooks for a daily capacity, offers a subset of three modes
 * (dine-in 集中就餐, meal delivery 送餐上门, grocery delivery 送菜上门), and
 * charges price_fen a meal of which subsidy_fen is paid by the fund; the
 * resident pays the rest. Orders for day D close at D's order_cutoff (local
 * time). Its eligibility rule is a set of resident tags, any of which
 * qualifies — the report's example, a point for residents over 80, is the
 * rule ["aged_80_plus"].
 *
 * The rule is checked when someone applies (enrol_api.c); changing it later
 * does not touch enrolments already made.
 */
#include "meals/meals_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- who may act ---------------------------------------------------------- */

int meal_is_manager(const struct req *req)
{
	return auth_can(req, "meal:manage");
}

int meal_is_applier(const struct req *req)
{
	return auth_can(req, "meal:apply") || auth_can(req, "meal:manage");
}

int meal_may_act(struct req *req, struct db_conn *c, const struct meal_resident *r,
		 const char *point_path, int64_t applicant)
{
	const struct auth *a = req_auth(req);
	int64_t hh = 0;
	int rc;

	if (meal_is_manager(req) && point_path && path_within(point_path, a->unit_path))
		return 1;
	if (meal_is_applier(req) && path_within(r->unit_path, a->unit_path))
		return 1;
	if (applicant && applicant == a->account_id)
		return 1;
	if (!auth_can(req, "service:use") || a->resident_id <= 0)
		return 0;
	if (a->resident_id == r->id)
		return 1;
	/* a family member: a resident of the same household */
	rc = meals_store_household(c, a->resident_id, &hh);
	if (rc < 0)
		return rc;
	return rc == DB_ROW && hh == r->household_id;
}

int meal_found_or_reply(struct req *req, int rc, int ok, json_t **out)
{
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

int meal_visible_or_reply(struct req *req, struct db_conn *c, int rc, int ok, int64_t resident_id,
			  const char *point_path, int64_t applicant, json_t **out)
{
	struct meal_resident r;

	if (rc == DB_ROW && !ok) {
		rc = meal_resident_get(c, resident_id, &r);
		if (rc == DB_ROW)
			rc = meal_may_act(req, c, &r, point_path, applicant);
		ok = rc == 1;
	}
	return meal_found_or_reply(req, rc, ok, out);
}

int meal_who_or_reply(struct req *req, struct db_conn *c, struct meal_who *w)
{
	const struct auth *a = req_auth(req);
	struct scope sc;
	int64_t household = 0;

	memset(w, 0, sizeof *w);
	w->manager = meal_is_manager(req);
	w->staff = meal_is_applier(req);
	w->account_id = a->account_id;
	if (w->staff) {
		if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
			return -1;
		snprintf(w->lo, sizeof w->lo, "%s", sc.lo);
		snprintf(w->hi, sizeof w->hi, "%s", sc.hi);
	} else {
		/* residents: what they applied for and their household's; an empty range */
		snprintf(w->lo, sizeof w->lo, "/");
		snprintf(w->hi, sizeof w->hi, "/");
		if (a->resident_id > 0 &&
		    meals_store_household(c, a->resident_id, &household) < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
	}
	w->household = household ? household : -1;
	return 0;
}

/* ---- reading points -------------------------------------------------------- */

int meal_point_managed_or_reply(struct req *req, struct db_conn *c, int64_t id,
				struct meal_point *out)
{
	int rc = meal_point_get(c, &req->arena, id, out);

	return req_row_or_reply(req, rc,
				rc == DB_ROW && meal_is_manager(req) &&
					path_within(out->unit_path, req_auth(req)->unit_path),
				NULL);
}

static void list_points(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int manager = meal_is_manager(req);
	struct page pg;
	struct scope sc;

	if (!c || page_begin_or_reply(req, &pg))
		return;
	/* managers their subtree; residents, grid workers, volunteers the points of
	 * their own community; ?unit= narrows either, and outside it is 404 */
	if ((manager ? scope_unit_or_reply : scope_area_or_reply)(req, c, req_query(req, "unit"),
								  &sc))
		return;
	page_reply(&pg, meals_store_points(c, sc.lo, sc.hi, pg.cursor, manager, &pg));
}

/* Managers see the points of their subtree; everyone else the active points of
 * their area (path_in_area: their community, and the units above theirs). */
static void get_point(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meal_point p;
	json_t *out;
	int64_t id;
	int rc, ok = 0;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = meal_point_get(c, &req->arena, id, &p);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc == DB_ROW)
		ok = meal_is_manager(req)
			     ? path_within(p.unit_path, req_auth(req)->unit_path)
			     : p.active && path_in_area(p.unit_path, req_auth(req)->unit_path);
	if (!ok) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	out = meal_point_json(&p);
	if (!out) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_json(req, 200, out);
}

/* ---- writing points --------------------------------------------------------- */

/* A list of names from one set, none twice; at least one. 0 or -1 answered. */
static int names_or_reply(struct req *req, const char *field, json_t *v,
			  unsigned (*bit)(const char *), const char *allowed, unsigned *out)
{
	json_t *x;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v) || !json_array_size(v)) {
		reply_invalid(req, field,
			      arena_printf(&req->arena, "a non-empty list of %s", allowed));
		return -1;
	}
	*out = 0;
	json_array_foreach(v, i, x)
	{
		unsigned b = bit(json_string_value(x));
		if (!b || (*out & b)) {
			reply_invalid(
				req, field,
				arena_printf(&req->arena, "a list of %s, each once", allowed));
			return -1;
		}
		*out |= b;
	}
	return 0;
}

/* A point's body: every key the console sends (web/src/console/components/MealPointDialog.vue). */
struct point_body {
	int64_t unit_id, capacity, price, subsidy;
	const char *name, *address, *cutoff;
	int active;
	json_t *modes, *rule;
};
#define POINT_FIELDS(required)                                                                     \
	BF_STR(struct point_body, name, "name", required, 0, 100),                                 \
		BF_STR(struct point_body, address, "address", BF_OPTIONAL, 0, 300),                \
		BF_INT(struct point_body, capacity, "daily_capacity", required, 1, 100000, 0),     \
		BF_INT(struct point_body, price, "price_fen", required, 0, 100000000, 0),          \
		BF_INT(struct point_body, subsidy, "subsidy_fen", BF_OPTIONAL, 0, 100000000, 0),   \
		BF_STR(struct point_body, cutoff, "order_cutoff", required, 0, 5),                 \
		BF_BOOL(struct point_body, active, "active", BF_OPTIONAL, 1),                      \
		BF_JSON(struct point_body, modes, "modes", required, -1),                          \
		BF_JSON(struct point_body, rule, "eligibility", required, -1)
static const struct body_field create_fields[] = {
	BF_ID(struct point_body, unit_id, "unit_id", BF_REQUIRED),
	POINT_FIELDS(BF_REQUIRED),
};
static const struct body_field update_fields[] = { POINT_FIELDS(BF_OPTIONAL) };

/* The body over in (which holds the defaults, or the stored modes, rule and cut-off);
 * 0 or -1 answered. */
static int point_in_or_reply(struct req *req, const struct point_body *b, struct meal_point_in *in)
{
	const char *cutoff = b->cutoff;
	int m;

	in->name = b->name;
	if (b->address)
		in->address = b->address;
	in->capacity = b->capacity;
	in->price = b->price;
	in->subsidy = b->subsidy;
	in->active = b->active;
	if (names_or_reply(req, "modes", b->modes, meal_mode_bit, MEAL_MODE_NAMES, &in->modes) ||
	    names_or_reply(req, "eligibility", b->rule, meal_tag_bit, MEAL_TAG_NAMES, &in->rule))
		return -1;
	if (body_nonempty_or_reply(req, "name", in->name))
		return -1;
	if (cutoff) {
		if (strlen(cutoff) != 5 || cutoff[2] != ':' || sscanf(cutoff, "%2d", &m) != 1 ||
		    m < 0 || m > 23 || cutoff[3] < '0' || cutoff[3] > '5' || cutoff[4] < '0' ||
		    cutoff[4] > '9' || cutoff[0] < '0' || cutoff[0] > '2' || cutoff[1] < '0' ||
		    cutoff[1] > '9') {
			reply_invalid(req, "order_cutoff", "HH:MM, 00:00 to 23:59");
			return -1;
		}
		in->cutoff = m * 60 + (cutoff[3] - '0') * 10 + (cutoff[4] - '0');
	}
	if (in->subsidy > in->price) {
		reply_invalid(req, "subsidy_fen", "at most price_fen");
		return -1;
	}
	return 0;
}

/* The point's writes, each one db_tx_run() transaction. */
struct point_change {
	struct req *req;
	const struct meal_point_in *in;
	int64_t unit_id, id, now;
	const char *path;
};

static int create_point_tx(struct db_conn *c, void *ctx)
{
	struct point_change *x = ctx;
	const struct meal_point_in *in = x->in;
	int rc = meals_store_point_insert(c, in, x->unit_id, x->path, x->now, &x->id);

	return audit_write_after(rc, x->req, c, "meal.point_create", "meal_point", x->id,
				 JB_OBJ(jb_int("unit_id", x->unit_id),
					jb_int("price_fen", in->price),
					jb_int("subsidy_fen", in->subsidy)));
}

static int update_point_tx(struct db_conn *c, void *ctx)
{
	struct point_change *x = ctx;
	int rc = meals_store_point_update(c, x->id, x->in, clock_now());

	return audit_write_after(rc, x->req, c, "meal.point_update", "meal_point", x->id, NULL);
}

static void create_point(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meal_point_in in = { .address = "" };
	struct point_change x;
	struct point_body b;
	int64_t now = clock_now();
	struct unit_ref u;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    point_in_or_reply(req, &b, &in) || unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	x = (struct point_change){
		.req = req, .in = &in, .unit_id = b.unit_id, .now = now, .path = u.path
	};
	rc = db_tx_run(c, create_point_tx, &x);
	reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.id), jb_str("name", in.name)));
}

static void update_point(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meal_point p;
	struct meal_point_in in;
	struct point_body b;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    meal_point_managed_or_reply(req, c, id, &p))
		return;
	/* start from what is stored, so the checks see the combination (names, address,
	 * modes and rule left out stay NULL: kept as they are) */
	b = (struct point_body){ .capacity = p.daily_capacity,
				 .price = p.price_fen,
				 .subsidy = p.subsidy_fen,
				 .active = p.active };
	in = (struct meal_point_in){ .cutoff = p.order_cutoff, .modes = p.modes, .rule = p.rule };
	if (BODY_UPDATE_OR_REPLY(req, update_fields, &b, NULL) || point_in_or_reply(req, &b, &in))
		return;
	rc = db_tx_run(c, update_point_tx,
		       &(struct point_change){ .req = req, .in = &in, .id = id });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

const struct route meal_point_routes[] = {
	{ "GET", "/api/v1/meal-points", list_points, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-points/:id", get_point, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-points", create_point, R_JSON, "meal:manage", 0 },
	{ "PATCH", "/api/v1/meal-points/:id", update_point, R_JSON, "meal:manage", 0 },
	{ 0 },
};
