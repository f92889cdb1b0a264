/*
 * meal_point.c — meal points (助餐点) and what the meal files share.
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
 * The rule is checked when someone applies (meal_enrol.c); changing it later
 * does not touch enrolments already made.
 */
#include "service/meals_int.h"
#include "core/jbuild.h"
#include "service/service.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names and bits ----------------------------------------------------- */

static const char *const mode_names[] = { "dine_in", "meal_delivery", "grocery_delivery" };
static const char *const tag_names[] = { "aged_80_plus", "living_alone", "all_elderly", "disabled",
					 "low_income" };
#define N_MODES 3
#define N_TAGS	5

static unsigned bit_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (!strcmp(names[i], name))
			return 1u << i;
	return 0;
}

unsigned meal_mode_bit(const char *name)
{
	return bit_of(mode_names, N_MODES, name);
}

unsigned meal_tag_bit(const char *name)
{
	return bit_of(tag_names, N_TAGS, name);
}

const char *meal_mode_name(unsigned bit)
{
	for (int i = 0; i < N_MODES; i++)
		if (bit == 1u << i)
			return mode_names[i];
	return "?";
}

static unsigned bits_from_text(const char *const *names, int n, const char *csv)
{
	char buf[256], *tok, *save = NULL;
	unsigned bits = 0;

	snprintf(buf, sizeof buf, "%s", csv ? csv : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		bits |= bit_of(names, n, tok);
	return bits;
}

unsigned meal_modes_from_text(const char *csv)
{
	return bits_from_text(mode_names, N_MODES, csv);
}

unsigned meal_tags_from_text(const char *csv)
{
	return bits_from_text(tag_names, N_TAGS, csv);
}

static void bits_text(const char *const *names, int n, unsigned bits, char out[96])
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (bits & (1u << i))
			used += (size_t)snprintf(out + used, used < 96 ? 96 - used : 0, "%s%s",
						 used ? "," : "", names[i]);
}

void meal_modes_text(unsigned bits, char out[96])
{
	bits_text(mode_names, N_MODES, bits, out);
}

void meal_tags_text(unsigned bits, char out[96])
{
	bits_text(tag_names, N_TAGS, bits, out);
}

static json_t *bits_json(const char *const *names, int n, unsigned bits)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *meal_modes_json(unsigned bits)
{
	return bits_json(mode_names, N_MODES, bits);
}

json_t *meal_tags_json(unsigned bits)
{
	return bits_json(tag_names, N_TAGS, bits);
}

/* ---- days ---------------------------------------------------------------- */

int64_t meal_cutoff_at(const struct meal_point *p, int64_t midnight)
{
	return midnight + (int64_t)p->order_cutoff * 60;
}

/* Aged 80 on day t: born in the same month 80 years earlier or before
 * (people's one age rule; YYYY-MM strings compare in date order). */
void meal_aged_80_born_by(int64_t t, char out[8])
{
	resident_born_by(t, 80, out);
}

json_t *meal_time_or_null(struct db_stmt *st, int col)
{
	char buf[32];

	return db_col_is_null(st, col)
		       ? json_null()
		       : json_string(clock_format_shanghai(db_col_int64(st, col), buf));
}

/* ---- who may act ---------------------------------------------------------- */

int meal_is_manager(const struct req *req)
{
	return auth_can(req, "meal:manage");
}

int meal_is_applier(const struct req *req)
{
	return auth_can(req, "meal:apply") || auth_can(req, "meal:manage");
}

int meal_resident_get(struct db_conn *c, int64_t id, struct meal_resident *out)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT id, household_id, unit_path, tags, birth_ym FROM residents "
			    "WHERE id = ?",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		const char *birth = db_col_text(st, 4);
		memset(out, 0, sizeof *out);
		out->id = id;
		out->household_id = db_col_int64(st, 1);
		snprintf(out->unit_path, sizeof out->unit_path, "%s", db_col_text(st, 2));
		out->tags = meal_tags_from_text(db_col_text(st, 3)) & ~(unsigned)MEAL_TAG_AGED_80;
		if (resident_age_on(birth, clock_now()) >= 80)
			out->tags |= MEAL_TAG_AGED_80;
	}
	db_reset(st);
	return rc;
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
	rc = db_query_int64(c, &hh, "SELECT household_id FROM residents WHERE id = ?", "i",
			    a->resident_id);
	if (rc < 0)
		return rc;
	return rc == DB_ROW && hh == r->household_id;
}

/* ---- reading points -------------------------------------------------------- */

#define POINT_SELECT                                                                               \
	"SELECT p.id, p.unit_id, p.unit_path, p.name, p.address, p.daily_capacity, p.modes, "      \
	"p.price_fen, p.subsidy_fen, p.order_cutoff, p.eligibility, p.active, u.name "             \
	"FROM meal_points p JOIN units u ON u.id = p.unit_id "

static void point_from_row(struct db_stmt *st, struct arena *a, struct meal_point *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int64(st, 0);
	p->unit_id = db_col_int64(st, 1);
	snprintf(p->unit_path, sizeof p->unit_path, "%s", db_col_text(st, 2));
	p->name = arena_strdup(a, db_col_text(st, 3));
	p->daily_capacity = (int)db_col_int64(st, 5);
	p->modes = meal_modes_from_text(db_col_text(st, 6));
	p->price_fen = db_col_int64(st, 7);
	p->subsidy_fen = db_col_int64(st, 8);
	p->order_cutoff = (int)db_col_int64(st, 9);
	p->rule = meal_tags_from_text(db_col_text(st, 10));
	p->active = (int)db_col_int64(st, 11);
	p->unit_name = arena_strdup(a, db_col_text(st, 12));
}

int meal_point_get(struct db_conn *c, struct arena *a, int64_t id, struct meal_point *out)
{
	struct db_stmt *st;
	int rc = db_prepare(c, POINT_SELECT "WHERE p.id = ?", &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		point_from_row(st, a, out);
	db_reset(st);
	return rc;
}

int meal_point_managed_or_reply(struct req *req, struct db_conn *c, int64_t id,
				struct meal_point *out)
{
	int rc = meal_point_get(c, &req->arena, id, out);

	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || !meal_is_manager(req) ||
	    !path_within(out->unit_path, req_auth(req)->unit_path)) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

static json_t *point_json(struct req *req, struct db_stmt *st)
{
	struct meal_point p;
	char cutoff[24];

	point_from_row(st, &req->arena, &p);
	snprintf(cutoff, sizeof cutoff, "%02d:%02d", p.order_cutoff / 60 % 24, p.order_cutoff % 60);
	return JB_OBJ(jb_int("id", p.id),
		      jb_take("unit", JB_OBJ(jb_int("id", p.unit_id), jb_str("name", p.unit_name))),
		      jb_str("name", p.name), jb_str("address", db_col_text(st, 4)),
		      jb_int("daily_capacity", p.daily_capacity),
		      jb_take("modes", meal_modes_json(p.modes)), jb_int("price_fen", p.price_fen),
		      jb_int("subsidy_fen", p.subsidy_fen),
		      jb_int("resident_share_fen", (p.price_fen - p.subsidy_fen)),
		      jb_str("order_cutoff", cutoff),
		      jb_take("eligibility", meal_tags_json(p.rule)), jb_bool("active", p.active));
}

static void list_points(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int manager = meal_is_manager(req);
	struct scope sc;
	char lo[256], hi[256];
	int64_t limit, cursor, n = 0, last = 0;
	struct db_stmt *st;
	json_t *items;
	int rc, bad = 0;

	if (!c || req_page_or_reply(req, &limit, &cursor))
		return;
	/* managers their subtree; residents, grid workers, volunteers the points of
	 * their own community; ?unit= narrows either, and outside it is 404 */
	if ((manager ? scope_unit_or_reply : scope_area_or_reply)(req, c, req_query(req, "unit"),
								  &sc))
		return;
	snprintf(lo, sizeof lo, "%s", sc.lo);
	snprintf(hi, sizeof hi, "%s", sc.hi);
	if (db_prepare(c,
		       POINT_SELECT "WHERE p.unit_path >= ? AND p.unit_path < ? AND p.id > ? "
				    "AND (p.active = 1 OR ? = 1) ORDER BY p.id LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_int64(st, 3, cursor);
	db_bind_int64(st, 4, manager);
	db_bind_int64(st, 5, limit + 1);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		if (json_array_append_new(items, point_json(req, st)) < 0)
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

/* Managers see the points of their subtree; everyone else the active points of
 * their area (path_in_area: their community, and the units above theirs). */
static void get_point(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct db_stmt *st;
	json_t *out = NULL;
	int64_t id;
	int rc, ok = 0;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (db_prepare(c, POINT_SELECT "WHERE p.id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		struct meal_point p;
		point_from_row(st, &req->arena, &p);
		ok = meal_is_manager(req)
			     ? path_within(p.unit_path, req_auth(req)->unit_path)
			     : p.active && path_in_area(p.unit_path, req_auth(req)->unit_path);
		if (ok)
			out = point_json(req, st);
	}
	db_reset(st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (!ok) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (!out) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_json(req, 200, out);
}

/* ---- writing points --------------------------------------------------------- */

struct point_in {
	const char *name, *address;
	int64_t capacity, price, subsidy;
	int cutoff, active;
	unsigned modes, rule;
};

/* A list of names from one set, none twice; at least one. 0 or -1 answered. */
static int names_or_reply(struct req *req, const char *field, unsigned (*bit)(const char *),
			  const char *allowed, unsigned *out)
{
	json_t *v = json_object_get(req->json, field), *x;
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

static int point_fields_or_reply(struct req *req, int creating, struct point_in *in)
{
	const char *cutoff = NULL;
	int m;

	if (json_get_str_or_reply(req, req->json, "name", creating, 100, &in->name) < 0 ||
	    json_get_str_or_reply(req, req->json, "address", 0, 300, &in->address) < 0 ||
	    json_get_int_or_reply(req, req->json, "daily_capacity", creating, 1, 100000,
				  &in->capacity) < 0 ||
	    json_get_int_or_reply(req, req->json, "price_fen", creating, 0, 100000000, &in->price) <
		    0 ||
	    json_get_int_or_reply(req, req->json, "subsidy_fen", 0, 0, 100000000, &in->subsidy) <
		    0 ||
	    json_get_str_or_reply(req, req->json, "order_cutoff", creating, 5, &cutoff) < 0 ||
	    json_get_bool_or_reply(req, req->json, "active", 0, &in->active) < 0 ||
	    names_or_reply(req, "modes", meal_mode_bit, MEAL_MODE_NAMES, &in->modes) ||
	    names_or_reply(req, "eligibility", meal_tag_bit, MEAL_TAG_NAMES, &in->rule))
		return -1;
	if (in->name && !*in->name) {
		reply_invalid(req, "name", "must not be empty");
		return -1;
	}
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
	if (creating && !in->modes) {
		reply_invalid(req, "modes", "required");
		return -1;
	}
	if (creating && !in->rule) {
		reply_invalid(req, "eligibility", "required");
		return -1;
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
	const struct point_in *in;
	int64_t unit_id, id, now;
	const char *path, *modes, *rule;
};

static int create_point_tx(struct db_conn *c, void *ctx)
{
	struct point_change *x = ctx;
	const struct point_in *in = x->in;
	int rc = db_query_int64(c, &x->id,
				"INSERT INTO meal_points (unit_id, unit_path, name, address, "
				"daily_capacity, modes, price_fen, subsidy_fen, order_cutoff, "
				"eligibility, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
				"?, ?, ?, ?, ?, ?) RETURNING id",
				"itttitiiitii", x->unit_id, x->path, in->name, in->address,
				in->capacity, x->modes, in->price, in->subsidy, (int64_t)in->cutoff,
				x->rule, x->now, x->now);

	/* db_query_int64 answers DB_ROW when the INSERT gave its id */
	if (rc == DB_ROW)
		rc = 0;
	else if (rc == DB_DONE)
		rc = DB_ERR;
	if (rc == 0)
		rc = audit_write(x->req, c, "meal.point_create", "meal_point", x->id,
				 JB_OBJ(jb_int("unit_id", x->unit_id),
					jb_int("price_fen", in->price),
					jb_int("subsidy_fen", in->subsidy)));
	return rc;
}

static int update_point_tx(struct db_conn *c, void *ctx)
{
	struct point_change *x = ctx;
	const struct point_in *in = x->in;
	const struct db_arg args[] = {
		DB_ARG_T(in->name),    DB_ARG_T(in->address), DB_ARG_I(in->capacity),
		DB_ARG_T(x->modes),    DB_ARG_I(in->price),   DB_ARG_I(in->subsidy),
		DB_ARG_I(in->cutoff),  DB_ARG_T(x->rule),     DB_ARG_I(in->active),
		DB_ARG_I(clock_now()), DB_ARG_I(x->id),
	};
	int rc = db_run_args(c,
			"UPDATE meal_points SET name = COALESCE(?, name), address = "
			"COALESCE(?, address), daily_capacity = ?, modes = ?, price_fen = "
			"?, subsidy_fen = ?, order_cutoff = ?, eligibility = ?, active = ?, "
			"updated_at = ? WHERE id = ?",
			args, DB_ARGS_N(args));

	if (rc == 0)
		rc = audit_write(x->req, c, "meal.point_update", "meal_point", x->id, NULL);
	return rc;
}

static void create_point(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct point_in in = { .address = "" };
	struct point_change x;
	int64_t unit_id, now = clock_now();
	char modes[96], rule[96];
	struct unit_ref u;
	int rc;

	if (!c || json_get_int_or_reply(req, req->json, "unit_id", 1, 1, INT64_MAX, &unit_id) ||
	    point_fields_or_reply(req, 1, &in) || unit_in_scope_or_reply(req, c, unit_id, &u))
		return;
	meal_modes_text(in.modes, modes);
	meal_tags_text(in.rule, rule);
	x = (struct point_change){ .req = req,
				   .in = &in,
				   .unit_id = unit_id,
				   .now = now,
				   .path = u.path,
				   .modes = modes,
				   .rule = rule };
	rc = db_tx_run(c, create_point_tx, &x);
	reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.id), jb_str("name", in.name)));
}

static void update_point(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meal_point p;
	struct point_in in = { 0 };
	char modes[96], rule[96];
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    meal_point_managed_or_reply(req, c, id, &p))
		return;
	/* start from what is stored, so the checks see the combination */
	in.capacity = p.daily_capacity;
	in.price = p.price_fen;
	in.subsidy = p.subsidy_fen;
	in.cutoff = p.order_cutoff;
	in.active = p.active;
	in.modes = p.modes;
	in.rule = p.rule;
	if (point_fields_or_reply(req, 0, &in))
		return;
	meal_modes_text(in.modes, modes);
	meal_tags_text(in.rule, rule);
	rc = db_tx_run(c, update_point_tx,
		       &(struct point_change){
			       .req = req, .in = &in, .id = id, .modes = modes, .rule = rule });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

const struct route meal_point_routes[] = {
	{ "GET", "/api/v1/meal-points", list_points, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-points/:id", get_point, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-points", create_point, R_JSON, "meal:manage", 0 },
	{ "PATCH", "/api/v1/meal-points/:id", update_point, R_JSON, "meal:manage", 0 },
	{ 0 },
};
