/*
 * appeal_stats_store.c — the statements that read the tree for the KPIs,
 * the hotspots (appeal_stats.c) and the grid map (appeal_map.c). The KPI
 * and hotspot rows reach their aggregators through callbacks; the map's are
 * written straight as JSON text.
 */
#include "appeals/appeals_int.h"

#include "core/jsonw.h"
#include "db/store.h"

#include <stdio.h>
#include <string.h>

/* The aggregator a row goes to, and its context. */
struct to_fn {
	union {
		stat_group_fn group;
		stat_row_fn row;
		hot_row_fn hot;
	} fn;
	void *ctx;
};

/* An aggregator's answer as a reader's: its failure stops the rows, anything else goes on. */
static int go_on(int rc)
{
	return rc < 0 ? rc : 0;
}

/* A row of (id, code, name, kind). */
static int group_row(struct db_stmt *st, void *p)
{
	struct to_fn *x = p;

	return go_on(x->fn.group(x->ctx, db_col_int64(st, 0), db_col_text(st, 1),
				 db_col_text(st, 2), db_col_text(st, 3)));
}

int stats_store_children(struct db_conn *c, int64_t parent_id, stat_group_fn fn, void *ctx)
{
	struct to_fn x = { .fn.group = fn, .ctx = ctx };

	return go_on(
		db_each(c, group_row, &x,
			"SELECT id, code, name, kind FROM units WHERE parent_id = ? ORDER BY id",
			"i", parent_id));
}

int stats_store_categories(struct db_conn *c, stat_group_fn fn, void *ctx)
{
	struct to_fn x = { .fn.group = fn, .ctx = ctx };

	return go_on(db_each(
		c, group_row, &x,
		"SELECT id, code, name, level FROM appeal_categories ORDER BY sort, id", ""));
}

static int stat_row(struct db_stmt *st, void *p)
{
	struct to_fn *x = p;
	struct stat_row r = {
		.unit_path = db_col_text(st, 0),
		.category = db_col_text(st, 1),
		.accepted = !db_col_is_null(st, 2),
		.status = db_col_text(st, 3),
		.was_overdue = !db_col_is_null(st, 4),
		.rework_count = db_col_int64(st, 5),
		.resolved = !db_col_is_null(st, 6),
		.rating = db_col_text(st, 7),
		.created_at = db_col_int64(st, 8),
		.closed_at = db_col_int64(st, 9),
	};

	return go_on(x->fn.row(x->ctx, &r));
}

int stats_store_rows(struct db_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		     stat_row_fn fn, void *ctx)
{
	struct to_fn x = { .fn.row = fn, .ctx = ctx };

	return go_on(db_each(c, stat_row, &x,
			     "SELECT a.unit_path, c.code, a.accepted_at, a.status, a.overdue_at, "
			     "a.rework_count, a.resolved_at, a.rating, a.created_at, a.closed_at "
			     "FROM appeals a JOIN appeal_categories c ON c.id = a.category_id "
			     "WHERE a.unit_path >= ? AND a.unit_path < ? AND a.created_at >= ? "
			     "AND a.created_at < ? AND a.status <> 'merged'",
			     "ttii", lo, hi, from, to));
}

static int hot_row(struct db_stmt *st, void *p)
{
	struct to_fn *x = p;

	return go_on(x->fn.hot(x->ctx, db_col_text(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
			       db_col_int64(st, 3)));
}

int stats_store_hot_rows(struct db_conn *c, const char *lo, const char *hi, int64_t since,
			 const char *category, hot_row_fn fn, void *ctx)
{
	struct to_fn x = { .fn.hot = fn, .ctx = ctx };

	return go_on(
		db_each(c, hot_row, &x,
			"SELECT a.unit_path, a.category_id, a.id, a.created_at FROM appeals a "
			"JOIN appeal_categories c ON c.id = a.category_id WHERE a.unit_path >= "
			"? AND a.unit_path < ? AND a.created_at >= ? AND a.status NOT IN "
			"('merged', 'rejected') AND (CAST(? AS TEXT) IS NULL OR c.code = ?) "
			"ORDER BY a.unit_path, a.category_id, a.id",
			"ttitt", lo, hi, since, category, category));
}

/* ---- the map ------------------------------------------------------------ */

#define OPEN_STATUSES "('submitted', 'accepted', 'dispatched', 'handling', 'resolved')"

static int unit_feature(struct db_stmt *st, void *p)
{
	struct jw *w = p;

	jw_obj(w, NULL);
	jw_str(w, "type", "Feature");
	jw_int(w, "id", db_col_int64(st, 0));
	jw_obj(w, "properties");
	jw_int(w, "id", db_col_int64(st, 0));
	jw_str(w, "code", db_col_text(st, 1));
	jw_str(w, "name", db_col_text(st, 2));
	jw_str(w, "kind", db_col_text(st, 3));
	jw_int(w, "open_appeals", db_col_int64(st, 5));
	jw_end_obj(w);
	jw_raw(w, "geometry", db_col_text(st, 4));
	jw_end_obj(w);
	return 0;
}

int map_store_units(struct db_conn *c, const char *lo, const char *hi, const char *kind,
		    int64_t max, struct jw *w)
{
	return go_on(
		db_each(c, unit_feature, w,
			"SELECT u.id, u.code, u.name, u.kind, u.boundary, (SELECT COUNT(*) "
			"FROM appeal_scope s WHERE s.unit_id = u.id AND s.status IN " OPEN_STATUSES
			") FROM units u WHERE u.path >= ? AND u.path < ? AND u.kind = ? AND "
			"u.boundary IS NOT NULL ORDER BY u.id LIMIT ?",
			"ttti", lo, hi, kind, max));
}

/* The map's appeals: the writer and the time overdue is measured at. */
struct map_ctx {
	struct jw *w;
	int64_t now;
};

static int map_item(struct db_stmt *st, void *p)
{
	struct map_ctx *x = p;
	struct jw *w = x->w;
	int status = appeal_status_parse(db_col_text(st, 3));

	jw_obj(w, NULL);
	jw_int(w, "id", db_col_int64(st, 0));
	jw_str(w, "case_no", db_col_text(st, 1));
	jw_str(w, "title", db_col_text(st, 2));
	jw_str(w, "status", db_col_text(st, 3));
	jw_obj(w, "category");
	jw_str(w, "code", db_col_text(st, 4));
	jw_str(w, "name", db_col_text(st, 5));
	jw_end_obj(w);
	if (db_col_is_null(st, 6) || db_col_is_null(st, 7)) {
		jw_null(w, "lng");
		jw_null(w, "lat");
	} else {
		char num[40];
		snprintf(num, sizeof num, "%.7f", db_col_double(st, 6));
		jw_raw(w, "lng", num);
		snprintf(num, sizeof num, "%.7f", db_col_double(st, 7));
		jw_raw(w, "lat", num);
	}
	jw_int(w, "unit_id", db_col_int64(st, 8));
	jw_bool(w, "overdue",
		appeal_is_overdue(status, db_col_int64(st, 9), db_col_int64(st, 10), x->now));
	jw_end_obj(w);
	return 0;
}

int map_store_appeals(struct db_conn *c, int64_t unit_id, int64_t max, int64_t now, struct jw *w)
{
	struct map_ctx x = { w, now };

	return go_on(db_each(c, map_item, &x,
			     "SELECT a.id, a.case_no, a.title, a.status, c.code, c.name, a.lng, "
			     "a.lat, a.unit_id, a.accept_due, a.handle_due FROM appeals a JOIN "
			     "appeal_categories c ON c.id = a.category_id WHERE a.id IN (SELECT "
			     "s.appeal_id FROM appeal_scope s WHERE s.unit_id = ? AND s.status "
			     "IN " OPEN_STATUSES " ORDER BY s.appeal_id DESC LIMIT ?) ORDER BY "
			     "a.id DESC",
			     "ii", unit_id, max));
}
