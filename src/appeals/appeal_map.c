/*
 * appeal_map.c — what the grid map draws.
 *
 *   GET /api/v1/map/units?unit=&kind=grid|community     (org:read)
 *       a GeoJSON FeatureCollection of the units of that kind in scope that
 *       have a boundary; properties: id, code, name, kind, open_appeals
 *   GET /api/v1/map/appeals?unit=                       (appeal:read)
 *       the open appeals in scope (newest 2,000): id, case_no, title,
 *       status, category, lng, lat (null when reported without a point),
 *       unit_id (where it was placed: the map puts point-less ones there),
 *       overdue
 *
 * Boundaries are stored as GeoJSON text already validated on write, so they
 * are copied into the answer as they are. Counts of open appeals per unit
 * come from appeal_scope: one index range per open status.
 */
#include "appeals/appeals_int.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#define MAP_MAX_UNITS	5000
#define MAP_MAX_APPEALS 2000

#define OPEN_STATUSES "('submitted', 'accepted', 'dispatched', 'handling', 'resolved')"

static void map_units(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *kind = req_query(req, "kind");
	struct scope sc;
	struct db_stmt *st;
	struct jw w = { 0 };
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	if (!kind)
		kind = "grid";
	if (strcmp(kind, "grid") && strcmp(kind, "community")) {
		reply_invalid(req, "kind", "grid or community");
		return;
	}
	if (db_prepare(c,
		       "SELECT u.id, u.code, u.name, u.kind, u.boundary, (SELECT COUNT(*) FROM "
		       "appeal_scope s WHERE s.unit_id = u.id AND s.status IN " OPEN_STATUSES ") "
		       "FROM units u WHERE u.path >= ? AND u.path < ? AND u.kind = ? AND "
		       "u.boundary IS NOT NULL ORDER BY u.id LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, sc.lo, -1);
	db_bind_text(st, 2, sc.hi, -1);
	db_bind_text(st, 3, kind, -1);
	db_bind_int64(st, 4, MAP_MAX_UNITS);
	jw_obj(&w, NULL);
	jw_str(&w, "type", "FeatureCollection");
	jw_arr(&w, "features");
	while ((rc = db_step(st)) == DB_ROW) {
		jw_obj(&w, NULL);
		jw_str(&w, "type", "Feature");
		jw_int(&w, "id", db_col_int64(st, 0));
		jw_obj(&w, "properties");
		jw_int(&w, "id", db_col_int64(st, 0));
		jw_str(&w, "code", db_col_text(st, 1));
		jw_str(&w, "name", db_col_text(st, 2));
		jw_str(&w, "kind", db_col_text(st, 3));
		jw_int(&w, "open_appeals", db_col_int64(st, 5));
		jw_end_obj(&w);
		jw_raw(&w, "geometry", db_col_text(st, 4));
		jw_end_obj(&w);
	}
	db_reset(st);
	if (rc < 0) {
		jw_discard(&w);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	jw_end_arr(&w);
	jw_end_obj(&w);
	size_t len = 0;
	char *text = jw_finish(&w, &len);
	reply_json_text(req, 200, text, len);
}

static void map_appeals(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t now = clock_now();
	struct scope sc;
	struct db_stmt *st;
	struct jw w = { 0 };
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	if (db_prepare(c,
		       "SELECT a.id, a.case_no, a.title, a.status, c.code, c.name, a.lng, a.lat, "
		       "a.unit_id, a.accept_due, a.handle_due FROM appeals a JOIN "
		       "appeal_categories c ON c.id = a.category_id WHERE a.id IN (SELECT "
		       "s.appeal_id FROM appeal_scope s WHERE s.unit_id = ? AND s.status "
		       "IN " OPEN_STATUSES " ORDER BY s.appeal_id DESC LIMIT ?) ORDER BY a.id DESC",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, sc.unit.id);
	db_bind_int64(st, 2, MAP_MAX_APPEALS);
	jw_obj(&w, NULL);
	jw_arr(&w, "items");
	while ((rc = db_step(st)) == DB_ROW) {
		int status = appeal_status_parse(db_col_text(st, 3));
		jw_obj(&w, NULL);
		jw_int(&w, "id", db_col_int64(st, 0));
		jw_str(&w, "case_no", db_col_text(st, 1));
		jw_str(&w, "title", db_col_text(st, 2));
		jw_str(&w, "status", db_col_text(st, 3));
		jw_obj(&w, "category");
		jw_str(&w, "code", db_col_text(st, 4));
		jw_str(&w, "name", db_col_text(st, 5));
		jw_end_obj(&w);
		if (db_col_is_null(st, 6) || db_col_is_null(st, 7)) {
			jw_null(&w, "lng");
			jw_null(&w, "lat");
		} else {
			char num[40];
			snprintf(num, sizeof num, "%.7f", db_col_double(st, 6));
			jw_raw(&w, "lng", num);
			snprintf(num, sizeof num, "%.7f", db_col_double(st, 7));
			jw_raw(&w, "lat", num);
		}
		jw_int(&w, "unit_id", db_col_int64(st, 8));
		jw_bool(&w, "overdue",
			appeal_is_overdue(status, db_col_int64(st, 9), db_col_int64(st, 10), now));
		jw_end_obj(&w);
	}
	db_reset(st);
	if (rc < 0) {
		jw_discard(&w);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	jw_end_arr(&w);
	jw_end_obj(&w);
	size_t len = 0;
	char *text = jw_finish(&w, &len);
	reply_json_text(req, 200, text, len);
}

const struct route map_routes[] = {
	{ "GET", "/api/v1/map/units", map_units, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/map/appeals", map_appeals, R_AUTH, "appeal:read", 0 },
	{ 0 },
};
