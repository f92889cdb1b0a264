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
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#define MAP_MAX_UNITS	5000
#define MAP_MAX_APPEALS 2000

void appeal_reply_jw(struct req *req, int rc, struct jw *w)
{
	size_t len = 0;
	char *text;

	if (rc < 0) {
		jw_discard(w);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	text = jw_finish(w, &len);
	reply_json_text(req, 200, text, len);
}

static void map_units(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *kind = req_query(req, "kind");
	struct scope sc;
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
	jw_obj(&w, NULL);
	jw_str(&w, "type", "FeatureCollection");
	jw_arr(&w, "features");
	rc = map_store_units(c, sc.lo, sc.hi, kind, MAP_MAX_UNITS, &w);
	jw_end_arr(&w);
	jw_end_obj(&w);
	appeal_reply_jw(req, rc, &w);
}

static void map_appeals(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	struct jw w = { 0 };
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	jw_obj(&w, NULL);
	jw_arr(&w, "items");
	rc = map_store_appeals(c, sc.unit.id, MAP_MAX_APPEALS, clock_now(), &w);
	jw_end_arr(&w);
	jw_end_obj(&w);
	appeal_reply_jw(req, rc, &w);
}

const struct route map_routes[] = {
	{ "GET", "/api/v1/map/units", map_units, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/map/appeals", map_appeals, R_AUTH, "appeal:read", 0 },
	{ 0 },
};
