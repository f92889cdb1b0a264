/*
 * meal_report.c — what meal assistance adds up to: a point's monthly
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
#include "service/meals_int.h"
#include "core/jbuild.h"
#include "service/service.h"

#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "YYYY-MM" → the first day of it and of the next month (meals_int.h). */
int meal_month_bounds(const char *m, char lo[11], char hi[11])
{
	int y, mo;

	if (!m || strlen(m) != 7 || m[4] != '-' || sscanf(m, "%4d-%2d", &y, &mo) != 2 || y < 1900 ||
	    y > 9998 || mo < 1 || mo > 12)
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (m[i] < '0' || m[i] > '9'))
			return -1;
	/* y and mo are bounded above, so each is at most 4 and 2 digits */
	int ny = mo == 12 ? y + 1 : y, nm = mo == 12 ? 1 : mo + 1;
	snprintf(lo, 11, "%04d-%02d-01", y % 10000, mo % 100);
	snprintf(hi, 11, "%04d-%02d-01", ny % 10000, nm % 100);
	return 0;
}

/* ---- statement ------------------------------------------------------------ */

struct sums {
	int64_t meals, price, subsidy;
};

static json_t *sums_json(const struct sums *s)
{
	return JB_OBJ(jb_int("meals", s->meals), jb_int("price_total_fen", s->price),
		      jb_int("subsidy_total_fen", s->subsidy),
		      jb_int("resident_share_fen", (s->price - s->subsidy)));
}

static void statement(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *month = req_query(req, "month");
	struct sums total = { 0 }, mode_sums[3] = { { 0 } }, day = { 0 };
	int64_t id, residents = 0, not_taken = 0;
	char lo[11], hi[11], cur[11] = "", today[11];
	int day_modes[3] = { 0 };
	struct meal_point p;
	struct db_stmt *st;
	json_t *days, *by_mode, *out;
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
	rc = db_prepare(c,
			"SELECT day, mode, COUNT(*), SUM(price_fen), SUM(subsidy_fen) FROM "
			"meal_orders WHERE point_id = ? AND day >= ? AND day < ? AND status IN "
			"('served', 'delivered') GROUP BY day, mode ORDER BY day, mode",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, lo, -1);
	db_bind_text(st, 3, hi, -1);
	days = json_array();
	/* rows come day by day; a day's entry is written when the next day starts */
	for (;;) {
		rc = db_step(st);
		const char *d = rc == DB_ROW ? db_col_text(st, 0) : NULL;
		if (cur[0] && (!d || strcmp(d, cur))) {
			json_t *e = sums_json(&day);
			json_object_set_new(e, "day", json_string(cur));
			json_object_set_new(e, "by_mode",
					    JB_OBJ(jb_int("dine_in", day_modes[0]),
						   jb_int("meal_delivery", day_modes[1]),
						   jb_int("grocery_delivery", day_modes[2])));
			json_array_append_new(days, e);
			memset(&day, 0, sizeof day);
			memset(day_modes, 0, sizeof day_modes);
		}
		if (rc != DB_ROW)
			break;
		snprintf(cur, sizeof cur, "%s", d);
		unsigned bit = meal_mode_bit(db_col_text(st, 1));
		int k = bit == MEAL_DINE_IN ? 0 : bit == MEAL_DELIVERY ? 1 : 2;
		struct sums s = { db_col_int64(st, 2), db_col_int64(st, 3), db_col_int64(st, 4) };
		day_modes[k] += (int)s.meals;
		day.meals += s.meals, day.price += s.price, day.subsidy += s.subsidy;
		mode_sums[k].meals += s.meals, mode_sums[k].price += s.price;
		mode_sums[k].subsidy += s.subsidy;
		total.meals += s.meals, total.price += s.price, total.subsidy += s.subsidy;
	}
	db_reset(st);
	if (rc >= 0)
		rc = db_query_int64(
			c, &residents,
			"SELECT COUNT(DISTINCT resident_id) FROM meal_orders WHERE "
			"point_id = ? AND day >= ? AND day < ? AND status IN ('served', "
			"'delivered')",
			"itt", id, lo, hi);
	if (rc >= 0)
		rc = db_query_int64(
			c, &not_taken,
			"SELECT COUNT(*) FROM meal_orders WHERE point_id = ? AND day >= "
			"? AND day < ? AND day < ? AND status = 'ordered'",
			"ittt", id, lo, hi, today);
	if (rc < 0) {
		json_decref(days);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	by_mode = JB_OBJ(jb_take("dine_in", sums_json(&mode_sums[0])),
			 jb_take("meal_delivery", sums_json(&mode_sums[1])),
			 jb_take("grocery_delivery", sums_json(&mode_sums[2])));
	out = sums_json(&total);
	json_object_set_new(out, "point",
			    JB_OBJ(jb_int("id", p.id), jb_str("name", p.name),
				   jb_take("unit", JB_OBJ(jb_int("id", p.unit_id),
							  jb_str("name", p.unit_name)))));
	json_object_set_new(out, "month", json_string(month));
	json_object_set_new(out, "residents", json_integer(residents));
	json_object_set_new(out, "not_taken", json_integer(not_taken));
	json_object_set_new(out, "by_mode", by_mode);
	json_object_set_new(out, "by_day", days);
	reply_json(req, 200, out);
}

/* ---- coverage --------------------------------------------------------------- */

struct community {
	int64_t id;
	const char *name; /* in the request's arena: 150 characters may be 600 bytes */
	char path[256];
};

#define MAX_COMMUNITIES 2000

/* The communities a scope covers: those inside it, or the one holding it. */
static int communities(struct db_conn *c, struct arena *a, const struct scope *sc,
		       struct community *out, int *n)
{
	struct db_stmt *st;
	char cpath[256];
	int rc, below = sc->unit.kind > UNIT_COMMUNITY;

	*n = 0;
	if (below) {
		/* "/d/s/c/g/…" → "/d/s/c/" */
		int slashes = 0;
		size_t k = 0;
		while (sc->unit.path[k] && slashes < 4)
			slashes += sc->unit.path[k++] == '/';
		snprintf(cpath, sizeof cpath, "%.*s", (int)k, sc->unit.path);
	}
	if (below) {
		rc = db_prepare(c, "SELECT id, name, path FROM units WHERE path = ?", &st);
		if (rc < 0)
			return rc;
		db_bind_text(st, 1, cpath, -1);
	} else {
		rc = db_prepare(c,
				"SELECT id, name, path FROM units WHERE kind = 'community' AND "
				"path >= ? AND path < ? ORDER BY path",
				&st);
		if (rc < 0)
			return rc;
		db_bind_text(st, 1, sc->lo, -1);
		db_bind_text(st, 2, sc->hi, -1);
	}
	while ((rc = db_step(st)) == DB_ROW && *n < MAX_COMMUNITIES) {
		out[*n].id = db_col_int64(st, 0);
		out[*n].name = arena_strdup(a, db_col_text(st, 1));
		snprintf(out[*n].path, sizeof out[*n].path, "%s", db_col_text(st, 2));
		(*n)++;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

struct cover {
	int64_t points, eligible, enrolled, served;
	unsigned rule;
};

static int cover_one(struct db_conn *c, const struct community *k, const struct scope *sc,
		     const char *month_lo, const char *month_hi, const char *born_by,
		     struct cover *out)
{
	char chi[256], lo[256], hi[256];
	struct db_stmt *st;
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
	rc = db_prepare(c,
			"SELECT eligibility FROM meal_points WHERE unit_path >= ? AND unit_path < "
			"? AND active = 1",
			&st);
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, k->path, -1);
	db_bind_text(st, 2, chi, -1);
	while ((rc = db_step(st)) == DB_ROW) {
		out->points++;
		out->rule |= meal_tags_from_text(db_col_text(st, 0));
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	if (out->rule) {
		rc = db_prepare(c,
				"SELECT COUNT(*) FROM residents r WHERE r.unit_path >= ? AND "
				"r.unit_path < ? AND ((? = 1 AND length(r.birth_ym) = 7 AND "
				"r.birth_ym <= ?) "
				"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,living_alone,%') "
				"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,all_elderly,%') "
				"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,disabled,%') "
				"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,low_income,%'))",
				&st);
		if (rc < 0)
			return rc;
		const struct db_arg args[] = {
			DB_ARG_T(lo),
			DB_ARG_T(hi),
			DB_ARG_I(!!(out->rule & MEAL_TAG_AGED_80)),
			DB_ARG_T(born_by),
			DB_ARG_I(!!(out->rule & MEAL_TAG_ALONE)),
			DB_ARG_I(!!(out->rule & MEAL_TAG_ALL_ELDERLY)),
			DB_ARG_I(!!(out->rule & MEAL_TAG_DISABLED)),
			DB_ARG_I(!!(out->rule & MEAL_TAG_LOW_INCOME)),
		};
		db_bind_args(st, args, (int)(sizeof args / sizeof *args));
		rc = db_step(st);
		if (rc == DB_ROW)
			out->eligible = db_col_int64(st, 0);
		db_reset(st);
		if (rc < 0)
			return rc;
	}
	rc = db_query_int64(c, &out->enrolled,
			    "SELECT COUNT(DISTINCT e.resident_id) FROM meal_enrolments e JOIN "
			    "residents r ON r.id = e.resident_id WHERE e.status = 'approved' AND "
			    "r.unit_path >= ? AND r.unit_path < ?",
			    "tt", lo, hi);
	if (rc >= 0)
		rc = db_query_int64(c, &out->served,
				    "SELECT COUNT(DISTINCT o.resident_id) FROM meal_orders o JOIN "
				    "residents r ON r.id = o.resident_id WHERE o.status IN "
				    "('served', 'delivered') AND o.day >= ? AND o.day < ? AND "
				    "r.unit_path >= ? AND r.unit_path < ?",
				    "tttt", month_lo, month_hi, lo, hi);
	return rc < 0 ? rc : 0;
}

static void coverage(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct community *list;
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
