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

/* Room for one more of n items of size bytes in *p (first: the first capacity). 0 or -1. */
static int grow(void **p, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : first;
	void *q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static int agg_add_hours(struct agg *g, double h)
{
	if (grow((void **)&g->hours, &g->caph, g->nh, sizeof *g->hours, 64))
		return -1;
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

struct groups {
	struct group *g;
	size_t n, cap;
};

static int add_group(void *ctx, int64_t id, const char *code, const char *name, const char *kind)
{
	struct groups *gs = ctx;

	if (grow((void **)&gs->g, &gs->cap, gs->n, sizeof *gs->g, 32))
		return DB_ENOMEM;
	struct group *g = &gs->g[gs->n++];
	memset(g, 0, sizeof *g);
	g->id = id;
	snprintf(g->code, sizeof g->code, "%s", code);
	snprintf(g->name, sizeof g->name, "%s", name);
	snprintf(g->kind, sizeof g->kind, "%s", kind);
	return 0;
}

static void free_groups(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].agg.hours);
	free(g);
}

static int add_row(struct agg *g, const struct stat_row *r)
{
	int closed = !strcmp(r->status, "closed") || !strcmp(r->status, "rated");

	g->received++;
	if (r->accepted)
		g->accepted++;
	if (closed) {
		g->closed++;
		if (!r->was_overdue)
			g->on_time++;
		if (agg_add_hours(g, (double)(r->closed_at - r->created_at) / 3600.0))
			return -1;
	}
	if (r->resolved) {
		g->resolved++;
		if (r->rework_count > 0)
			g->reworked++;
	}
	if (r->rating) {
		g->rated++;
		if (!strcmp(r->rating, "satisfied") || !strcmp(r->rating, "basically_satisfied"))
			g->satisfied++;
	}
	return 0;
}

struct stats_ctx {
	const struct scope *sc;
	struct groups kids, cats;
	struct agg total;
};

static int count_row(void *ctx, const struct stat_row *r)
{
	struct stats_ctx *x = ctx;
	int64_t kid = org_path_id(r->unit_path, x->sc->unit.depth + 1);
	struct group *k = kid ? find_group(x->kids.g, x->kids.n, kid) : NULL;
	struct group *g = find_code(x->cats.g, x->cats.n, r->category);

	if (add_row(&x->total, r) || (k && add_row(&k->agg, r)) || (g && add_row(&g->agg, r)))
		return DB_ENOMEM;
	return 0;
}

static json_t *stats_json(struct stats_ctx *x, int64_t from, int64_t to)
{
	const struct scope *sc = x->sc;
	json_t *jk = json_array(), *jc = json_array();
	char fbuf[32], tbuf[32];

	for (size_t i = 0; i < x->kids.n; i++) {
		const struct group *k = &x->kids.g[i];
		json_t *o = agg_json(&x->kids.g[i].agg);
		json_object_set_new(o, "unit",
				    JB_OBJ(jb_int("id", k->id), jb_str("code", k->code),
					   jb_str("name", k->name), jb_str("kind", k->kind)));
		json_array_append_new(jk, o);
	}
	for (size_t i = 0; i < x->cats.n; i++) {
		const struct group *g = &x->cats.g[i];
		json_t *o = agg_json(&x->cats.g[i].agg);
		json_object_set_new(o, "category",
				    JB_OBJ(jb_str("code", g->code), jb_str("name", g->name)));
		json_array_append_new(jc, o);
	}
	return JB_OBJ(
		jb_take("unit", JB_OBJ(jb_int("id", sc->unit.id), jb_str("name", sc->unit.name),
				       jb_str("kind", unit_kind_name(sc->unit.kind)))),
		jb_str("from", clock_format_shanghai(from, fbuf)),
		jb_str("to", clock_format_shanghai(to, tbuf)),
		jb_take("totals", agg_json(&x->total)), jb_take("children", jk),
		jb_take("categories", jc));
}

static void appeal_stats(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	struct stats_ctx x = { .sc = &sc };
	int64_t from, to;
	json_t *out = NULL;
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    window_or_reply(req, &from, &to))
		return;
	rc = stats_store_children(c, sc.unit.id, add_group, &x.kids);
	if (rc == 0)
		rc = stats_store_categories(c, add_group, &x.cats);
	if (rc == 0)
		rc = stats_store_rows(c, sc.lo, sc.hi, from, to, count_row, &x);
	if (rc == 0)
		out = stats_json(&x, from, to);
	free_groups(x.kids.g, x.kids.n);
	free_groups(x.cats.g, x.cats.n);
	free(x.total.hours);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
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

struct spots {
	struct spot *s;
	size_t n, cap;
};

/* Rows come ordered by place, so one (grid, category) pair is contiguous except where
 * buildings of one grid interleave; merge by lookup. */
static int add_spot(void *ctx, const char *unit_path, int64_t catid, int64_t id, int64_t at)
{
	struct spots *x = ctx;
	int64_t grid = org_path_id(unit_path, 3);
	struct spot *s = NULL;

	if (!grid)
		return 0; /* reported above grid level: no place to recur in */
	for (size_t i = x->n; i-- > 0 && !s;)
		if (x->s[i].grid == grid && x->s[i].category == catid)
			s = &x->s[i];
		else if (x->s[i].grid != grid)
			break;
	if (!s) {
		if (grow((void **)&x->s, &x->cap, x->n, sizeof *x->s, 64))
			return DB_ENOMEM;
		s = &x->s[x->n++];
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
	return 0;
}

/* The spots with at least min_count appeals, most first. */
static json_t *spots_json(struct db_conn *c, struct spots *x, int64_t min_count)
{
	json_t *items = json_array();

	if (x->n)
		qsort(x->s, x->n, sizeof *x->s, cmp_spot);
	for (size_t i = 0; i < x->n && x->s[i].count >= min_count; i++) {
		struct spot *sp = &x->s[i];
		struct unit_ref g;
		struct category k;
		char f[32], l[32];
		if (unit_get(c, sp->grid, &g) != DB_ROW ||
		    category_get(c, sp->category, &k) != DB_ROW)
			continue;
		json_t *ids = json_array();
		size_t nids = sp->count < SPOT_IDS ? (size_t)sp->count : SPOT_IDS;
		qsort(sp->ids, nids, sizeof *sp->ids, cmp_id);
		for (size_t j = 0; j < nids; j++)
			json_array_append_new(ids, json_integer(sp->ids[j]));
		json_array_append_new(
			items,
			JB_OBJ(jb_take("grid", JB_OBJ(jb_int("id", g.id), jb_str("code", g.code),
						      jb_str("name", g.name))),
			       jb_take("category",
				       JB_OBJ(jb_str("code", k.code), jb_str("name", k.name))),
			       jb_int("count", sp->count),
			       jb_str("first_at", clock_format_shanghai(sp->first, f)),
			       jb_str("last_at", clock_format_shanghai(sp->last, l)),
			       jb_take("appeal_ids", ids)));
	}
	return items;
}

static void hotspots(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *d = req_query(req, "days"), *m = req_query(req, "min_count");
	int64_t days = 30, min_count = 3;
	struct spots x = { 0 };
	struct scope sc;
	json_t *items;

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
	if (stats_store_hot_rows(c, sc.lo, sc.hi, clock_now() - days * 86400,
				 req_query(req, "category"), add_spot, &x) < 0) {
		free(x.s);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	items = spots_json(c, &x, min_count);
	free(x.s);
	reply_json(req, 200,
		   JB_OBJ(jb_int("days", days), jb_int("min_count", min_count),
			  jb_take("items", items)));
}

const struct route appeal_stats_routes[] = {
	{ "GET", "/api/v1/stats/appeals", appeal_stats, R_AUTH, "stats:read", 0 },
	{ "GET", "/api/v1/appeals/hotspots", hotspots, R_AUTH, "stats:read", 0 },
	{ 0 },
};
