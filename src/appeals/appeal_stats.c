/*
 * appeal_stats.c — KPIs of the closed loop and hotspots.
 *
 *   GET /api/v1/stats/appeals?unit=ID&from=&to=
 *       for the subtree, each child unit and each category (definitions in
 *       docs/API.md, "Appeal measures"):
 *         received, accepted, closed, closure_rate, on_time_closed,
 *         on_time_rate, reworked, rework_rate, rated, satisfied, satisfaction_rate,
 *         mean_handling_hours, p90_handling_hours
 *   GET /api/v1/appeals/hotspots?unit=ID&days=30&min_count=3&category=CODE
 *       (grid, category) pairs with at least min_count appeals in the window,
 *       each with its count and the ids of its first 20 appeals
 *
 * Both read the appeals of the subtree once, in one ordered pass, and
 * aggregate in memory; an appeal belongs to a unit by where it happened
 * (unit_path), not by who handles it.
 */
#include "appeals/appeals_int.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct agg {
	int64_t received, accepted, closed, on_time, reworked, resolved, rated, satisfied;
	double *hours;
	size_t nh, caph;
};

struct group {
	int64_t id;
	char code[48];
	char name[601]; /* a unit name: 150 characters of up to 4 bytes */
	char kind[16];
	struct agg agg;
};

static int agg_add_hours(struct agg *g, double h)
{
	if (g->nh == g->caph) {
		size_t cap = g->caph ? g->caph * 2 : 64;
		double *p = realloc(g->hours, cap * sizeof *p);
		if (!p)
			return -1;
		g->hours = p;
		g->caph = cap;
	}
	g->hours[g->nh++] = h;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static json_t *rate(int64_t num, int64_t den)
{
	/* Rounded to 4 decimals: 0.8333 for 5/6. */
	return den ? json_real(round((double)num / (double)den * 10000.0) / 10000.0) : json_null();
}

static json_t *agg_json(struct agg *g)
{
	double sum = 0, p90 = 0;

	if (g->nh) {
		qsort(g->hours, g->nh, sizeof *g->hours, cmp_double);
		for (size_t i = 0; i < g->nh; i++)
			sum += g->hours[i];
		/* Nearest rank: the smallest value with at least 90 % at or below it. */
		size_t rank = (size_t)ceil(0.9 * (double)g->nh);
		p90 = g->hours[rank ? rank - 1 : 0];
	}
	return JB_OBJ(jb_int("received", g->received), jb_int("accepted", g->accepted),
		      jb_int("closed", g->closed),
		      jb_take("closure_rate", rate(g->closed, g->accepted)),
		      jb_int("on_time_closed", g->on_time),
		      jb_take("on_time_rate", rate(g->on_time, g->closed)),
		      jb_int("reworked", g->reworked),
		      jb_take("rework_rate", rate(g->reworked, g->resolved)),
		      jb_int("rated", g->rated), jb_int("satisfied", g->satisfied),
		      jb_take("satisfaction_rate", rate(g->satisfied, g->rated)),
		      jb_take("mean_handling_hours",
			      g->nh ? json_real(round(sum / (double)g->nh * 100.0) / 100.0)
				    : json_null()),
		      jb_take("p90_handling_hours",
			      g->nh ? json_real(round(p90 * 100.0) / 100.0) : json_null()));
}

/* from/to query parameters: default the last 30 days. 0, or -1 answered. */
static int window_or_reply(struct req *req, int64_t *from, int64_t *to)
{
	const char *f = req_query(req, "from"), *t = req_query(req, "to");

	*to = clock_now() + 1;
	if (t && clock_parse_iso(t, to) < 0) {
		reply_invalid(req, "to", "an ISO 8601 date or time");
		return -1;
	}
	*from = *to - 30 * 86400;
	if (f && clock_parse_iso(f, from) < 0) {
		reply_invalid(req, "from", "an ISO 8601 date or time");
		return -1;
	}
	if (*from >= *to) {
		reply_invalid(req, "from", "must be before to");
		return -1;
	}
	return 0;
}

static struct group *find_group(struct group *g, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (g[i].id == id)
			return &g[i];
	return NULL;
}

static struct group *find_code(struct group *g, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(g[i].code, code))
			return &g[i];
	return NULL;
}

/* Load rows of (id, a, b[, c]) into groups. */
static int load_groups(struct db_conn *c, const char *sql, int64_t param, struct group **out,
		       size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc = db_prepare(c, sql, &st);

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	if (param)
		db_bind_int64(st, 1, param);
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			struct group *p = realloc(*out, cap * sizeof *p);
			if (!p) {
				rc = DB_ENOMEM;
				break;
			}
			*out = p;
		}
		struct group *g = &(*out)[(*n)++];
		memset(g, 0, sizeof *g);
		g->id = db_col_int64(st, 0);
		snprintf(g->code, sizeof g->code, "%s", db_col_text(st, 1));
		snprintf(g->name, sizeof g->name, "%s", db_col_text(st, 2));
		snprintf(g->kind, sizeof g->kind, "%s", db_col_text(st, 3));
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static void free_groups(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].agg.hours);
	free(g);
}

static int add_row(struct agg *g, struct db_stmt *st)
{
	const char *status = db_col_text(st, 3), *rating = db_col_text(st, 7);
	int closed = !strcmp(status, "closed") || !strcmp(status, "rated");

	g->received++;
	if (!db_col_is_null(st, 2))
		g->accepted++;
	if (closed) {
		g->closed++;
		if (db_col_is_null(st, 4))
			g->on_time++;
		if (agg_add_hours(g, (double)(db_col_int64(st, 9) - db_col_int64(st, 8)) / 3600.0))
			return -1;
	}
	if (!db_col_is_null(st, 6)) {
		g->resolved++;
		if (db_col_int64(st, 5) > 0)
			g->reworked++;
	}
	if (rating) {
		g->rated++;
		if (!strcmp(rating, "satisfied") || !strcmp(rating, "basically_satisfied"))
			g->satisfied++;
	}
	return 0;
}

static void appeal_stats(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	int64_t from, to;
	struct group *kids = NULL, *cats = NULL;
	size_t nkids = 0, ncats = 0;
	struct agg total = { 0 };
	struct db_stmt *st;
	json_t *jk, *jc, *out;
	char fbuf[32], tbuf[32];
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    window_or_reply(req, &from, &to))
		return;
	rc = load_groups(c,
			 "SELECT id, code, name, kind FROM units WHERE parent_id = ? ORDER BY id",
			 sc.unit.id, &kids, &nkids);
	if (rc == 0)
		rc = load_groups(
			c,
			"SELECT id, code, name, level FROM appeal_categories ORDER BY sort, "
			"id",
			0, &cats, &ncats);
	if (rc == 0)
		rc = db_prepare(
			c,
			"SELECT a.unit_path, c.code, a.accepted_at, a.status, a.overdue_at, "
			"a.rework_count, a.resolved_at, a.rating, a.created_at, a.closed_at "
			"FROM appeals a JOIN appeal_categories c ON c.id = a.category_id "
			"WHERE a.unit_path >= ? AND a.unit_path < ? AND a.created_at >= ? "
			"AND a.created_at < ? AND a.status <> 'merged'",
			&st);
	if (rc == 0) {
		db_bind_text(st, 1, sc.lo, -1);
		db_bind_text(st, 2, sc.hi, -1);
		db_bind_int64(st, 3, from);
		db_bind_int64(st, 4, to);
		while ((rc = db_step(st)) == DB_ROW) {
			int64_t kid = path_id_at_depth(db_col_text(st, 0), sc.unit.depth + 1);
			struct group *k = kid ? find_group(kids, nkids, kid) : NULL;
			struct group *g = find_code(cats, ncats, db_col_text(st, 1));
			if (add_row(&total, st) || (k && add_row(&k->agg, st)) ||
			    (g && add_row(&g->agg, st))) {
				rc = DB_ENOMEM;
				break;
			}
		}
		db_reset(st);
	}
	if (rc < 0) {
		free_groups(kids, nkids);
		free_groups(cats, ncats);
		free(total.hours);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	jk = json_array();
	for (size_t i = 0; i < nkids; i++) {
		json_t *o = agg_json(&kids[i].agg);
		json_object_set_new(o, "unit",
				    JB_OBJ(jb_int("id", kids[i].id), jb_str("code", kids[i].code),
					   jb_str("name", kids[i].name),
					   jb_str("kind", kids[i].kind)));
		json_array_append_new(jk, o);
	}
	jc = json_array();
	for (size_t i = 0; i < ncats; i++) {
		json_t *o = agg_json(&cats[i].agg);
		json_object_set_new(
			o, "category",
			JB_OBJ(jb_str("code", cats[i].code), jb_str("name", cats[i].name)));
		json_array_append_new(jc, o);
	}
	out = JB_OBJ(jb_take("unit", JB_OBJ(jb_int("id", sc.unit.id), jb_str("name", sc.unit.name),
					    jb_str("kind", unit_kind_name(sc.unit.kind)))),
		     jb_str("from", clock_format_shanghai(from, fbuf)),
		     jb_str("to", clock_format_shanghai(to, tbuf)),
		     jb_take("totals", agg_json(&total)), jb_take("children", jk),
		     jb_take("categories", jc));
	free_groups(kids, nkids);
	free_groups(cats, ncats);
	free(total.hours);
	reply_json(req, 200, out);
}

/* ---- hotspots ---------------------------------------------------------- */

#define SPOT_IDS 20 /* appeal_ids: the first 20 by id; count goes on */

struct spot {
	int64_t grid, category, count, first, last;
	int64_t ids[SPOT_IDS];
};

/* Keep the SPOT_IDS lowest ids: rows come by place, so a grid's buildings
 * may bring lower ids after higher ones. */
static void spot_keep_id(struct spot *s, int64_t id)
{
	int hi = 0;

	if (s->count < SPOT_IDS) {
		s->ids[s->count] = id;
		return;
	}
	for (int i = 1; i < SPOT_IDS; i++)
		if (s->ids[i] > s->ids[hi])
			hi = i;
	if (id < s->ids[hi])
		s->ids[hi] = id;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_spot(const void *a, const void *b)
{
	const struct spot *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->last > y->last ? -1 : x->last < y->last;
}

static void hotspots(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *d = req_query(req, "days"), *m = req_query(req, "min_count"),
		   *cat = req_query(req, "category");
	int64_t days = 30, min_count = 3, now = clock_now();
	struct spot *spots = NULL;
	size_t n = 0, cap = 0;
	struct scope sc;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	if (d && parse_int64(d, 1, 366, &days)) {
		reply_invalid(req, "days", "1 to 366");
		return;
	}
	if (m && parse_int64(m, 2, 100000, &min_count)) {
		reply_invalid(req, "min_count", "2 or more");
		return;
	}
	rc = db_prepare(c,
			"SELECT a.unit_path, a.category_id, a.id, a.created_at FROM appeals a JOIN "
			"appeal_categories c ON c.id = a.category_id WHERE a.unit_path >= ? AND "
			"a.unit_path < ? AND a.created_at >= ? AND a.status NOT IN ('merged', "
			"'rejected') AND (CAST(? AS TEXT) IS NULL OR c.code = ?) ORDER BY "
			"a.unit_path, a.category_id, a.id",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, sc.lo, -1);
	db_bind_text(st, 2, sc.hi, -1);
	db_bind_int64(st, 3, now - days * 86400);
	db_bind_text(st, 4, cat, -1);
	db_bind_text(st, 5, cat, -1);
	/* Rows come ordered by place, so one (grid, category) pair is contiguous
	 * except where buildings of one grid interleave; merge by lookup. */
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t grid = path_id_at_depth(db_col_text(st, 0), 3);
		int64_t catid = db_col_int64(st, 1), id = db_col_int64(st, 2),
			at = db_col_int64(st, 3);
		struct spot *s = NULL;
		if (!grid)
			continue; /* reported above grid level: no place to recur in */
		for (size_t i = n; i-- > 0 && !s;)
			if (spots[i].grid == grid && spots[i].category == catid)
				s = &spots[i];
			else if (spots[i].grid != grid)
				break;
		if (!s) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct spot *p = realloc(spots, cap * sizeof *p);
				if (!p) {
					rc = DB_ENOMEM;
					break;
				}
				spots = p;
			}
			s = &spots[n++];
			memset(s, 0, sizeof *s);
			s->grid = grid;
			s->category = catid;
			s->first = at;
		}
		spot_keep_id(s, id);
		s->count++;
		if (at < s->first)
			s->first = at;
		if (at > s->last)
			s->last = at;
	}
	db_reset(st);
	if (rc < 0) {
		free(spots);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (n)
		qsort(spots, n, sizeof *spots, cmp_spot);
	items = json_array();
	for (size_t i = 0; i < n && spots[i].count >= min_count; i++) {
		struct unit_ref g;
		struct category k;
		char f[32], l[32];
		if (unit_get(c, spots[i].grid, &g) != DB_ROW ||
		    category_get(c, spots[i].category, &k) != DB_ROW)
			continue;
		json_t *ids = json_array();
		size_t nids = spots[i].count < SPOT_IDS ? (size_t)spots[i].count : SPOT_IDS;
		qsort(spots[i].ids, nids, sizeof *spots[i].ids, cmp_id);
		for (size_t j = 0; j < nids; j++)
			json_array_append_new(ids, json_integer(spots[i].ids[j]));
		json_array_append_new(
			items,
			JB_OBJ(jb_take("grid", JB_OBJ(jb_int("id", g.id), jb_str("code", g.code),
						      jb_str("name", g.name))),
			       jb_take("category",
				       JB_OBJ(jb_str("code", k.code), jb_str("name", k.name))),
			       jb_int("count", spots[i].count),
			       jb_str("first_at", clock_format_shanghai(spots[i].first, f)),
			       jb_str("last_at", clock_format_shanghai(spots[i].last, l)),
			       jb_take("appeal_ids", ids)));
	}
	free(spots);
	reply_json(req, 200,
		   JB_OBJ(jb_int("days", days), jb_int("min_count", min_count),
			  jb_take("items", items)));
}

const struct route appeal_stats_routes[] = {
	{ "GET", "/api/v1/stats/appeals", appeal_stats, R_AUTH, "stats:read", 0 },
	{ "GET", "/api/v1/appeals/hotspots", hotspots, R_AUTH, "stats:read", 0 },
	{ 0 },
};
