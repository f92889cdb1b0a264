/*
 * report_api.c — what meal assistance adds up to: a point's monthly
 * statement and the coverage of each community.
 *
 *   GET /api/v1/meal-points/:id/statement?month=YYYY-MM   meal:manage
 *   GET /api/v1/meals/coverage?unit=                       stats:read
 *
 * The statement is the figure the community's fund ledger takes for the
 * point: it counts only meals that were served (dine-in) or delivered, by the
 * day the meal was for, at the price and subsidy each order kept when it was
 * placed. Cancelled orders and orders never taken (still `ordered` after
 * their day) cost the fund nothing; the latter are shown as not_taken so the
 * kitchen's waste is visible. All sums are integer fen:
 * resident_share_fen = price_total_fen − subsidy_total_fen.
 *
 * Coverage, per community of the scope (the community holding the scope's
 * unit when the account sits below community level, counted over the scope
 * only):
 *   eligible          residents living there whose tags meet the union of the
 *                     rules of the community's active meal points (points of
 *                     its subtree); a community without an active meal point
 *                     has no rule, so nobody is eligible (meal_points 0 marks
 *                     the gap);
 *   enrolled          distinct residents living there with an approved
 *                     enrolment at any point;
 *   served_this_month distinct residents living there with a served or
 *                     delivered order for a day of the current calendar month
 *                     in Shanghai.
 * "Living there" is the resident's unit path now, inside the community and
 * the scope (the range predicate on residents.unit_path).
 */
#include "meals/meals_int.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- statement ------------------------------------------------------------ */

struct sums {
	int64_t meals, price, subsidy;
};

static void sums_add(struct sums *to, const struct sums *s)
{
	to->meals += s->meals;
	to->price += s->price;
	to->subsidy += s->subsidy;
}

static json_t *sums_json(const struct sums *s)
{
	return JB_OBJ(jb_int("meals", s->meals), jb_int("price_total_fen", s->price),
		      jb_int("subsidy_total_fen", s->subsidy),
		      jb_int("resident_share_fen", (s->price - s->subsidy)));
}

/* The month as the rows come, day by day: a day's entry is written when the next starts. */
struct statement {
	struct sums total, by_mode[3], day;
	int day_modes[3];
	char cur[11];
	json_t *days;
};

static void statement_day_done(struct statement *m)
{
	json_t *e;

	if (!m->cur[0])
		return;
	e = sums_json(&m->day);
	json_object_set_new(e, "day", json_string(m->cur));
	json_object_set_new(e, "by_mode",
			    JB_OBJ(jb_int("dine_in", m->day_modes[0]),
				   jb_int("meal_delivery", m->day_modes[1]),
				   jb_int("grocery_delivery", m->day_modes[2])));
	json_array_append_new(m->days, e);
	memset(&m->day, 0, sizeof m->day);
	memset(m->day_modes, 0, sizeof m->day_modes);
}

static int statement_row(void *ctx, const struct meal_sum_row *r)
{
	struct statement *m = ctx;
	int k = r->mode == MEAL_DINE_IN ? 0 : r->mode == MEAL_DELIVERY ? 1 : 2;
	const struct sums s = { r->meals, r->price, r->subsidy };

	if (strcmp(r->day, m->cur))
		statement_day_done(m);
	snprintf(m->cur, sizeof m->cur, "%s", r->day);
	m->day_modes[k] += (int)s.meals;
	sums_add(&m->day, &s);
	sums_add(&m->by_mode[k], &s);
	sums_add(&m->total, &s);
	return 0;
}

static void statement(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *month = req_query(req, "month");
	struct statement m = { 0 };
	int64_t id, residents = 0, not_taken = 0;
	char lo[11], hi[11], today[11];
	struct meal_point p;
	json_t *by_mode, *out;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (meal_month_bounds(month, lo, hi)) {
		reply_invalid(req, "month", "YYYY-MM");
		return;
	}
	if (meal_point_managed_or_reply(req, c, id, &p))
		return;
	cal_day_format(cal_day_of(clock_now()), today);
	m.days = json_array();
	rc = report_store_statement(c, id, lo, hi, statement_row, &m);
	statement_day_done(&m);
	if (rc >= 0)
		rc = report_store_residents(c, id, lo, hi, &residents);
	if (rc >= 0)
		rc = report_store_not_taken(c, id, lo, hi, today, &not_taken);
	if (rc < 0) {
		json_decref(m.days);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	by_mode = JB_OBJ(jb_take("dine_in", sums_json(&m.by_mode[0])),
			 jb_take("meal_delivery", sums_json(&m.by_mode[1])),
			 jb_take("grocery_delivery", sums_json(&m.by_mode[2])));
	out = sums_json(&m.total);
	json_object_set_new(out, "point",
			    JB_OBJ(jb_int("id", p.id), jb_str("name", p.name),
				   jb_take("unit", JB_OBJ(jb_int("id", p.unit_id),
							  jb_str("name", p.unit_name)))));
	json_object_set_new(out, "month", json_string(month));
	json_object_set_new(out, "residents", json_integer(residents));
	json_object_set_new(out, "not_taken", json_integer(not_taken));
	json_object_set_new(out, "by_mode", by_mode);
	json_object_set_new(out, "by_day", m.days);
	reply_json(req, 200, out);
}

/* ---- coverage --------------------------------------------------------------- */

#define MAX_COMMUNITIES 2000

/* The communities a scope covers: those inside it, or the one holding it. */
static int communities(struct db_conn *c, struct arena *a, const struct scope *sc,
		       struct meal_community *out, int *n)
{
	char cpath[256];

	if (sc->unit.kind <= UNIT_COMMUNITY)
		return report_store_communities(c, a, NULL, sc->lo, sc->hi, out, MAX_COMMUNITIES,
						n);
	/* "/d/s/c/g/…" → "/d/s/c/" */
	if (!org_path_ancestor(sc->unit.path, 2, cpath, sizeof cpath))
		snprintf(cpath, sizeof cpath, "%s", sc->unit.path);
	return report_store_communities(c, a, cpath, NULL, NULL, out, MAX_COMMUNITIES, n);
}

struct cover {
	int64_t points, eligible, enrolled, served;
	unsigned rule;
};

static int cover_one(struct db_conn *c, const struct meal_community *k, const struct scope *sc,
		     const char *month_lo, const char *month_hi, const char *born_by,
		     struct cover *out)
{
	char chi[256], lo[256], hi[256];
	int rc;

	memset(out, 0, sizeof *out);
	path_upper(k->path, chi, sizeof chi);
	/* the residents counted: the community's, within the scope (one holds the other) */
	if (path_within(sc->lo, k->path)) {
		snprintf(lo, sizeof lo, "%s", sc->lo);
		snprintf(hi, sizeof hi, "%s", sc->hi);
	} else {
		snprintf(lo, sizeof lo, "%s", k->path);
		snprintf(hi, sizeof hi, "%s", chi);
	}
	rc = report_store_rules(c, k->path, chi, &out->points, &out->rule);
	if (rc == 0 && out->rule)
		rc = report_store_eligible(c, lo, hi, out->rule, born_by, &out->eligible);
	if (rc == 0)
		rc = report_store_enrolled(c, lo, hi, &out->enrolled);
	if (rc == 0)
		rc = report_store_served(c, month_lo, month_hi, lo, hi, &out->served);
	return rc;
}

static void coverage(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meal_community *list;
	struct scope sc;
	struct cover t = { 0 };
	char month[8], mlo[11], mhi[11], born_by[8], today[11];
	json_t *items;
	int n = 0, rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	cal_day_format(cal_day_of(clock_now()), today);
	snprintf(month, sizeof month, "%.7s", today);
	meal_month_bounds(month, mlo, mhi);
	meal_aged_80_born_by(clock_now(), born_by);
	list = malloc(sizeof *list * MAX_COMMUNITIES);
	if (!list) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	rc = communities(c, &req->arena, &sc, list, &n);
	items = json_array();
	for (int i = 0; rc == 0 && i < n; i++) {
		struct cover v;
		rc = cover_one(c, &list[i], &sc, mlo, mhi, born_by, &v);
		if (rc < 0)
			break;
		t.points += v.points, t.eligible += v.eligible, t.enrolled += v.enrolled;
		t.served += v.served;
		json_array_append_new(
			items,
			JB_OBJ(jb_take("community", JB_OBJ(jb_int("id", list[i].id),
							   jb_str("name", list[i].name))),
			       jb_int("meal_points", v.points),
			       jb_take("rule", meal_tags_json(v.rule)),
			       jb_int("eligible", v.eligible), jb_int("enrolled", v.enrolled),
			       jb_int("served_this_month", v.served)));
	}
	free(list);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_take("unit",
				  JB_OBJ(jb_int("id", sc.unit.id), jb_str("name", sc.unit.name))),
			  jb_str("month", month), jb_take("items", items),
			  jb_take("totals", JB_OBJ(jb_int("meal_points", t.points),
						   jb_int("eligible", t.eligible),
						   jb_int("enrolled", t.enrolled),
						   jb_int("served_this_month", t.served)))));
}

const struct route meal_report_routes[] = {
	{ "GET", "/api/v1/meal-points/:id/statement", statement, R_AUTH, "meal:manage", 0 },
	{ "GET", "/api/v1/meals/coverage", coverage, R_AUTH, "stats:read", 0 },
	{ 0 },
};
