/*
 * org_api.c — units, stations and organisation statistics over HTTP.
 *
 *   GET    /api/v1/units?parent=&kind=&unit=&q=&limit=&cursor=
 *   GET    /api/v1/units/:id
 *   POST   /api/v1/units           {parent_id, name, code?, party_org_name?,
 *                                   party_secretary?, boundary?}
 *   PATCH  /api/v1/units/:id       {name?, party_org_name?, party_secretary?, boundary?}
 *   POST   /api/v1/units/:id/move  {parent_id}
 *   DELETE /api/v1/units/:id
 *   GET    /api/v1/stations?unit=
 *   GET    /api/v1/stations/:id
 *   POST   /api/v1/stations
 *   PATCH  /api/v1/stations/:id
 *   GET    /api/v1/stats/org?unit=
 *
 * Everything is scoped to the account's subtree (org_scope.c); writes are
 * audited in the same transaction as the change.
 */
#include "org/org.h"

#include "appeals/appeals.h"
#include "core/jbuild.h"
#include "service/service.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define UNIT_SELECT                                                                                \
	"SELECT id, COALESCE(parent_id, 0), kind, code, name, depth, party_org_name, "             \
	"party_secretary, boundary IS NOT NULL, is_demo, boundary FROM units "

static json_t *unit_row_json(struct db_stmt *st)
{
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_int("parent_id", db_col_int64(st, 1)),
		      jb_str("kind", db_col_text(st, 2)), jb_str("code", db_col_text(st, 3)),
		      jb_str("name", db_col_text(st, 4)),
		      jb_str_or_null("party_org_name", db_col_text(st, 6)),
		      jb_str_or_null("party_secretary", db_col_text(st, 7)),
		      jb_bool("has_boundary", (int)db_col_int64(st, 8)),
		      jb_bool("is_demo", (int)db_col_int64(st, 9)));
}

static void list_units(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	const char *kind = req_query(req, "kind"), *q = req_query(req, "q"), *v;
	int64_t limit, cursor, parent = 0, n = 0, last = 0;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    req_page_or_reply(req, &limit, &cursor))
		return;
	if ((v = req_query(req, "parent")) && parse_int64(v, 1, INT64_MAX, &parent)) {
		reply_invalid(req, "parent", "expected a unit id");
		return;
	}
	if (kind && unit_kind_parse(kind) < 0) {
		reply_invalid(req, "kind", "district, street, community, grid or building");
		return;
	}
	rc = db_prepare(c,
			UNIT_SELECT "WHERE path >= ? AND path < ? AND id > ? "
				    "AND (CAST(? AS BIGINT) = 0 OR parent_id = ?) "
				    "AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
				    "AND (CAST(? AS TEXT) IS NULL OR name LIKE ?) "
				    "ORDER BY id LIMIT ?",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, sc.lo, -1);
	db_bind_text(st, 2, sc.hi, -1);
	db_bind_int64(st, 3, cursor);
	db_bind_int64(st, 4, parent);
	db_bind_int64(st, 5, parent);
	db_bind_text(st, 6, kind, -1);
	db_bind_text(st, 7, kind, -1);
	db_bind_text(st, 8, q, -1);
	db_bind_text(st, 9, q ? arena_printf(&req->arena, "%%%s%%", q) : NULL, -1);
	db_bind_int64(st, 10, limit + 1);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		json_array_append_new(items, unit_row_json(st));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, page_json(req, items, n > limit, last));
}

static void get_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	struct db_stmt *st;
	json_t *out = NULL;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) || unit_in_scope_or_reply(req, c, id, &u))
		return;
	if (db_prepare(c, UNIT_SELECT "WHERE id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		out = unit_row_json(st);
		const char *b = db_col_text(st, 10);
		json_object_set_new(out, "boundary", b ? json_loads(b, 0, NULL) : json_null());
	}
	db_reset(st);
	if (!out) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	reply_json(req, 200, out);
}

/* boundary: absent → 1, null → 0 with *text NULL, object → 0 with text. */
static int boundary_or_reply(struct req *req, const char **text, double bbox[4])
{
	json_t *b = json_object_get(req->json, "boundary");

	*text = NULL;
	if (!b)
		return 1;
	if (json_is_null(b))
		return 0;
	if (geojson_polygon_bbox(b, bbox) < 0) {
		reply_invalid(req, "boundary", "a GeoJSON Polygon or MultiPolygon in [lng, lat]");
		return -1;
	}
	*text = arena_strdup(&req->arena, json_dumps(b, JSON_COMPACT) ?: "");
	return 0;
}

struct unit_change {
	struct req *req;
	int64_t id, parent_id;
	const char *code, *name, *org, *sec, *boundary;
	const double *bbox;
	int has_b;
	char *err;
	size_t errlen;
	struct unit_ref u,
		np;	  /* create: out, the unit as stored; move: the unit and its new parent */
	char newcode[64]; /* move: out */
};

/* DB_EABORT: unit_create refused (err says why) */
static int create_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	int rc = unit_create(c, x->parent_id, -1, x->code, x->name, x->org, x->sec, x->boundary, 0,
			     &x->id, x->err, x->errlen);

	if (rc == DB_EBUSY)
		return rc;
	if (rc)
		return DB_EABORT;
	rc = x->boundary ? db_run(c,
				  "UPDATE units SET min_lng = ?, min_lat = ?, max_lng = ?, "
				  "max_lat = ? WHERE id = ?",
				  "ddddi", x->bbox[0], x->bbox[1], x->bbox[2], x->bbox[3], x->id)
			 : 0;
	if (rc == 0)
		rc = audit_write(x->req, c, "unit.create", "unit", x->id,
				 JB_OBJ(jb_int("parent_id", x->parent_id)));
	if (rc == 0 && unit_get(c, x->id, &x->u) != DB_ROW)
		rc = -1;
	return rc;
}

static void create_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *name, *code = NULL, *org = NULL, *sec = NULL, *boundary;
	struct unit_change x;
	int64_t parent_id;
	struct unit_ref parent;
	double bbox[4];
	char err[512];
	int rc;

	if (!c || json_get_int_or_reply(req, req->json, "parent_id", 1, 1, INT64_MAX, &parent_id) ||
	    json_get_str_or_reply(req, req->json, "name", 1, 150, &name) < 0 ||
	    json_get_str_or_reply(req, req->json, "code", 0, 32, &code) < 0 ||
	    json_get_str_or_reply(req, req->json, "party_org_name", 0, 200, &org) < 0 ||
	    json_get_str_or_reply(req, req->json, "party_secretary", 0, 100, &sec) < 0 ||
	    boundary_or_reply(req, &boundary, bbox) < 0 ||
	    unit_in_scope_or_reply(req, c, parent_id, &parent))
		return;
	x = (struct unit_change){ .req = req,
				  .parent_id = parent_id,
				  .code = code,
				  .name = name,
				  .org = org,
				  .sec = sec,
				  .boundary = boundary,
				  .bbox = bbox,
				  .err = err,
				  .errlen = sizeof err };
	rc = db_tx_run(c, create_unit_tx, &x);
	if (rc == DB_EABORT) {
		reply_error_ex(req, ERR_INVALID, err, JB_OBJ(jb_str("field", "code")));
		return;
	}
	reply_tx(req, rc, 201,
		 rc == 0 ? JB_OBJ(jb_int("id", x.id), jb_str("code", x.u.code),
				  jb_str("kind", unit_kind_name(x.u.kind)),
				  jb_str("name", x.u.name), jb_int("parent_id", parent_id),
				  jb_int("depth", x.u.depth))
			 : NULL);
}

static int update_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	int rc = db_run(c,
			"UPDATE units SET name = COALESCE(?, name), "
			"party_org_name = COALESCE(?, party_org_name), "
			"party_secretary = COALESCE(?, party_secretary), updated_at = ? WHERE "
			"id = ?",
			"tttii", x->name, x->org, x->sec, clock_now(), x->id);

	if (rc == 0 && x->has_b == 0)
		rc = x->boundary
			     ? db_run(c,
				      "UPDATE units SET boundary = ?, min_lng = ?, min_lat = ?, "
				      "max_lng = ?, max_lat = ? WHERE id = ?",
				      "tddddi", x->boundary, x->bbox[0], x->bbox[1], x->bbox[2],
				      x->bbox[3], x->id)
			     : db_run(c,
				      "UPDATE units SET boundary = NULL, min_lng = NULL, "
				      "min_lat = NULL, max_lng = NULL, max_lat = NULL WHERE id = ?",
				      "i", x->id);
	if (rc == 0)
		rc = audit_write(x->req, c, "unit.update", "unit", x->id, NULL);
	return rc;
}

static void update_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *name = NULL, *org = NULL, *sec = NULL, *boundary;
	struct unit_ref u;
	int64_t id;
	double bbox[4];
	int rc, has_b;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    json_get_str_or_reply(req, req->json, "name", 0, 150, &name) < 0 ||
	    json_get_str_or_reply(req, req->json, "party_org_name", 0, 200, &org) < 0 ||
	    json_get_str_or_reply(req, req->json, "party_secretary", 0, 100, &sec) < 0 ||
	    (has_b = boundary_or_reply(req, &boundary, bbox)) < 0 ||
	    unit_in_scope_or_reply(req, c, id, &u))
		return;
	if (name && !*name) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	rc = db_tx_run(c, update_unit_tx,
		       &(struct unit_change){ .req = req,
					      .id = id,
					      .name = name,
					      .org = org,
					      .sec = sec,
					      .boundary = boundary,
					      .bbox = bbox,
					      .has_b = has_b });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

/* Tables whose rows carry unit_path and move with their unit. */
static const char *const path_tables[] = { "accounts",	   "stations",	    "households",
					   "residents",	   "party_members", "central_households",
					   "registrations" };

/* The unit and its subtree under the new parent: codes, paths, every table's unit_path. */
static int move_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	const struct unit_ref *u = &x->u, *np = &x->np;
	char hi[256], newpath[300];
	int64_t next = 1;
	struct db_stmt *st;
	/* next free number under the new parent */
	int rc = db_prepare(
		c, "SELECT code FROM units WHERE parent_id = ? ORDER BY code DESC LIMIT 1", &st);

	if (rc == 0) {
		db_bind_int64(st, 1, np->id);
		if ((rc = db_step(st)) == DB_ROW) {
			const char *last = db_col_text(st, 0);
			next = strtoll(last + strlen(last) - 3, NULL, 10) + 1;
		}
		db_reset(st);
		rc = rc < 0 ? rc : 0;
	}
	snprintf(x->newcode, sizeof x->newcode, "%s%s%03lld", np->code,
		 u->kind == UNIT_BUILDING ? "-" : "", (long long)next);
	snprintf(newpath, sizeof newpath, "%s%lld/", np->path, (long long)u->id);
	path_upper(u->path, hi, sizeof hi);
	if (rc == 0 && next > 999)
		rc = -1;
	/* the whole subtree: codes and paths rewritten by prefix */
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE units SET code = ? || SUBSTR(code, ?), path = ? || "
			    "SUBSTR(path, ?), "
			    "updated_at = ? WHERE path >= ? AND path < ?",
			    "titiitt", x->newcode, (int64_t)strlen(u->code) + 1, newpath,
			    (int64_t)strlen(u->path) + 1, clock_now(), u->path, hi);
	if (rc == 0)
		rc = db_run(c, "UPDATE units SET parent_id = ? WHERE id = ?", "ii", np->id, u->id);
	for (size_t i = 0; rc == 0 && i < sizeof path_tables / sizeof path_tables[0]; i++) {
		char *sql = arena_printf(&x->req->arena,
					 "UPDATE %s SET unit_path = ? || SUBSTR(unit_path, ?) "
					 "WHERE unit_path >= ? AND unit_path < ?",
					 path_tables[i]);
		rc = db_run(c, sql, "titt", newpath, (int64_t)strlen(u->path) + 1, u->path, hi);
	}
	if (rc == 0)
		rc = appeals_units_moved(c, u->path, hi, newpath);
	if (rc == 0)
		rc = service_units_moved(c, u->path, hi, newpath);
	if (rc == 0)
		rc = audit_write(x->req, c, "unit.move", "unit", x->id,
				 JB_OBJ(jb_int("from_parent", u->parent_id),
					jb_int("to_parent", np->id),
					jb_str("new_code", x->newcode)));
	return rc;
}

static void move_unit(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct unit_change x;
	struct unit_ref u, np;
	int64_t id, parent_id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    json_get_int_or_reply(req, req->json, "parent_id", 1, 1, INT64_MAX, &parent_id) ||
	    unit_in_scope_or_reply(req, c, id, &u) ||
	    unit_in_scope_or_reply(req, c, parent_id, &np))
		return;
	if (u.id == a->unit_id || np.kind != u.kind - 1 || path_within(np.path, u.path)) {
		reply_error_ex(req, ERR_UNIT_BAD_MOVE,
			       u.id == a->unit_id ? "You cannot move your own unit."
			       : np.kind != u.kind - 1
				       ? "The new parent must be one level above the unit."
				       : "A unit cannot move into its own subtree.",
			       NULL);
		return;
	}
	if (np.id == u.parent_id) {
		reply_json(req, 200, JB_OBJ(jb_int("id", id), jb_str("code", u.code)));
		return;
	}
	x = (struct unit_change){ .req = req, .id = id, .u = u, .np = np };
	rc = db_tx_run(c, move_unit_tx, &x);
	reply_tx(req, rc, 200,
		 JB_OBJ(jb_int("id", id), jb_str("code", x.newcode), jb_int("parent_id", np.id)));
}

static const char *const unit_use_checks[] = {
	"SELECT COUNT(*) FROM units WHERE parent_id = ?",
	"SELECT COUNT(*) FROM accounts WHERE unit_id = ?",
	"SELECT COUNT(*) FROM stations WHERE grid_id = ?",
	"SELECT COUNT(*) FROM households WHERE building_id = ?",
	"SELECT COUNT(*) FROM party_members WHERE branch_unit_id = ?",
	"SELECT COUNT(*) FROM appeals WHERE unit_id = ?",
	"SELECT COUNT(*) FROM appeals WHERE handler_unit_id = ?",
	"SELECT COUNT(*) FROM appeals WHERE dispatcher_unit_id = ?",
	"SELECT COUNT(*) FROM messages WHERE unit_id = ?",
	"SELECT COUNT(*) FROM supervisions WHERE unit_id = ?",
	"SELECT COUNT(*) FROM registrations WHERE unit_id = ?",
};

/* DB_EABORT: something still uses the unit */
static int delete_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	int64_t n = 0, total = 0;
	int rc = 0;

	for (size_t i = 0; rc >= 0 && i < sizeof unit_use_checks / sizeof unit_use_checks[0]; i++) {
		rc = db_query_int64(c, &n, unit_use_checks[i], "i", x->id);
		total += n;
	}
	if (rc >= 0) {
		rc = service_unit_uses(c, x->id, &n);
		total += n;
	}
	if (rc >= 0 && total > 0)
		return DB_EABORT;
	rc = rc < 0 ? rc : db_run(c, "DELETE FROM units WHERE id = ?", "i", x->id);
	if (rc == 0)
		rc = audit_write(x->req, c, "unit.delete", "unit", x->id,
				 JB_OBJ(jb_str("code", x->u.code)));
	return rc;
}

static void delete_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || unit_in_scope_or_reply(req, c, id, &u))
		return;
	if (id == req_auth(req)->unit_id) {
		reply_error_ex(req, ERR_UNIT_NOT_EMPTY, "You cannot delete your own unit.", NULL);
		return;
	}
	rc = db_tx_run(c, delete_unit_tx, &(struct unit_change){ .req = req, .id = id, .u = u });
	if (rc == DB_EABORT)
		reply_error(req, ERR_UNIT_NOT_EMPTY);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_bool("deleted", 1)));
}

/* ---- stations -------------------------------------------------------- */

#define STATION_SELECT                                                                             \
	"SELECT s.id, s.grid_id, s.name, s.address, s.lng, s.lat, s.opening_hours, s.phone, "      \
	"s.hub_leader_id, s.public_code, a.display_name, u.name FROM stations s "                  \
	"JOIN units u ON u.id = s.grid_id LEFT JOIN accounts a ON a.id = s.hub_leader_id "

static json_t *station_json(struct db_stmt *st)
{
	json_t *o = JB_OBJ(
		jb_int("id", db_col_int64(st, 0)), jb_int("grid_id", db_col_int64(st, 1)),
		jb_str("name", db_col_text(st, 2)), jb_str("address", db_col_text(st, 3)),
		jb_str("opening_hours", db_col_text(st, 6)), jb_str("phone", db_col_text(st, 7)),
		jb_str("public_code", db_col_text(st, 9)), jb_str("grid_name", db_col_text(st, 11)),
		jb_str_or_null("hub_leader_name", db_col_text(st, 10)));
	json_object_set_new(o, "lng",
			    db_col_is_null(st, 4) ? json_null() : json_real(db_col_double(st, 4)));
	json_object_set_new(o, "lat",
			    db_col_is_null(st, 5) ? json_null() : json_real(db_col_double(st, 5)));
	json_object_set_new(o, "hub_leader_id",
			    db_col_is_null(st, 8) ? json_null()
						  : json_integer(db_col_int64(st, 8)));
	return o;
}

static void list_stations(struct req *req)
{
	scope_list_reply(req,
			 STATION_SELECT "WHERE s.unit_path >= ? AND s.unit_path < ? AND s.id > ? "
					"ORDER BY s.id LIMIT ?",
			 station_json);
}

static void get_station(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	char hi[256];
	int64_t id;
	struct db_stmt *st;
	json_t *out = NULL;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	path_upper(a->unit_path, hi, sizeof hi);
	if (db_prepare(c, STATION_SELECT "WHERE s.id = ? AND s.unit_path >= ? AND s.unit_path < ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, a->unit_path, -1);
	db_bind_text(st, 3, hi, -1);
	if (db_step(st) == DB_ROW)
		out = station_json(st);
	db_reset(st);
	if (!out)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_json(req, 200, out);
}

/* A hub leader must be an account holding the role, inside the scope. */
static int hub_leader_ok(struct req *req, struct db_conn *c, int64_t leader, const char *grid_path)
{
	struct db_stmt *st;
	int ok = 0;

	if (!leader)
		return 1;
	if (db_prepare(c, "SELECT roles, unit_path FROM accounts WHERE id = ? AND disabled = 0",
		       &st) < 0)
		return 0;
	db_bind_int64(st, 1, leader);
	if (db_step(st) == DB_ROW) {
		role_set r;
		ok = roles_parse(db_col_text(st, 0), &r) == 0 && (r & ROLE_BIT(ROLE_HUB_LEADER)) &&
		     path_within(db_col_text(st, 1), req_auth(req)->unit_path) &&
		     (path_within(grid_path, db_col_text(st, 1)) ||
		      path_within(db_col_text(st, 1), grid_path));
	}
	db_reset(st);
	return ok;
}

static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void station_public_code(char out[11])
{
	unsigned char raw[10];

	randombytes_buf(raw, sizeof raw);
	for (int i = 0; i < 10; i++)
		out[i] = code_alphabet[raw[i] % (sizeof code_alphabet - 1)];
	out[10] = '\0';
}

static int station_fields_or_reply(struct req *req, int required, const char **name,
				   const char **addr, const char **hours, const char **phone,
				   json_t **lng, json_t **lat, int64_t *leader)
{
	*lng = json_object_get(req->json, "lng");
	*lat = json_object_get(req->json, "lat");
	if (json_get_str_or_reply(req, req->json, "name", required, 150, name) < 0 ||
	    json_get_str_or_reply(req, req->json, "address", 0, 300, addr) < 0 ||
	    json_get_str_or_reply(req, req->json, "opening_hours", 0, 200, hours) < 0 ||
	    json_get_str_or_reply(req, req->json, "phone", 0, 40, phone) < 0 ||
	    json_get_int_or_reply(req, req->json, "hub_leader_id", 0, 1, INT64_MAX, leader) < 0)
		return -1;
	if ((*lng && !json_is_null(*lng) &&
	     (!json_is_number(*lng) || fabs(json_number_value(*lng)) > 180)) ||
	    (*lat && !json_is_null(*lat) &&
	     (!json_is_number(*lat) || fabs(json_number_value(*lat)) > 90))) {
		reply_invalid(req, "lng", "coordinates in WGS-84 degrees");
		return -1;
	}
	/* A point is both coordinates or neither (null clears it). */
	if (!*lng != !*lat || json_is_null(*lng) != json_is_null(*lat)) {
		reply_invalid(req, *lng ? "lat" : "lng", "lng and lat go together");
		return -1;
	}
	return 0;
}

struct station_change {
	struct req *req;
	const char *name, *addr, *hours, *phone;
	json_t *lng, *lat;
	int64_t grid_id, leader, now, id;
	const struct unit_ref *g;
	const char *code;
};

static int create_station_tx(struct db_conn *c, void *ctx)
{
	struct station_change *x = ctx;
	struct db_stmt *st;
	int rc = db_prepare(
		c,
		"INSERT INTO stations (grid_id, unit_path, name, address, lng, lat, "
		"opening_hours, phone, hub_leader_id, public_code, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		&st);

	if (rc == 0) {
		db_bind_int64(st, 1, x->grid_id);
		db_bind_text(st, 2, x->g->path, -1);
		db_bind_text(st, 3, x->name, -1);
		db_bind_text(st, 4, x->addr ? x->addr : "", -1);
		if (json_is_number(x->lng))
			db_bind_double(st, 5, json_number_value(x->lng));
		if (json_is_number(x->lat))
			db_bind_double(st, 6, json_number_value(x->lat));
		db_bind_text(st, 7, x->hours ? x->hours : "", -1);
		db_bind_text(st, 8, x->phone ? x->phone : "", -1);
		if (x->leader)
			db_bind_int64(st, 9, x->leader);
		db_bind_text(st, 10, x->code, -1);
		db_bind_int64(st, 11, x->now);
		db_bind_int64(st, 12, x->now);
		rc = db_step(st);
		if (rc == DB_ROW) {
			x->id = db_col_int64(st, 0);
			rc = 0;
		}
		db_reset(st);
	}
	if (rc == 0)
		rc = audit_write(x->req, c, "station.create", "station", x->id, NULL);
	return rc;
}

static int update_station_tx(struct db_conn *c, void *ctx)
{
	struct station_change *x = ctx;
	int rc = db_run(c,
			"UPDATE stations SET name = COALESCE(?, name), address = COALESCE(?, "
			"address), "
			"opening_hours = COALESCE(?, opening_hours), phone = COALESCE(?, phone), "
			"updated_at = ? WHERE id = ?",
			"ttttii", x->name, x->addr, x->hours, x->phone, clock_now(), x->id);

	if (rc == 0 && x->leader)
		rc = db_run(c, "UPDATE stations SET hub_leader_id = ? WHERE id = ?", "ii",
			    x->leader, x->id);
	if (rc == 0 && json_is_number(x->lng) && json_is_number(x->lat))
		rc = db_run(c, "UPDATE stations SET lng = ?, lat = ? WHERE id = ?", "ddi",
			    json_number_value(x->lng), json_number_value(x->lat), x->id);
	else if (rc == 0 && json_is_null(x->lng))
		rc = db_run(c, "UPDATE stations SET lng = NULL, lat = NULL WHERE id = ?", "i",
			    x->id);
	if (rc == 0)
		rc = audit_write(x->req, c, "station.update", "station", x->id, NULL);
	return rc;
}

static void create_station(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *name = NULL, *addr = "", *hours = "", *phone = "";
	struct station_change x;
	json_t *lng, *lat;
	int64_t grid_id, leader = 0, now = clock_now();
	struct unit_ref g;
	char code[11];
	int rc;

	if (!c || json_get_int_or_reply(req, req->json, "grid_id", 1, 1, INT64_MAX, &grid_id) ||
	    station_fields_or_reply(req, 1, &name, &addr, &hours, &phone, &lng, &lat, &leader) ||
	    unit_in_scope_or_reply(req, c, grid_id, &g))
		return;
	if (g.kind != UNIT_GRID) {
		reply_invalid(req, "grid_id", "a station belongs to a grid");
		return;
	}
	if (!hub_leader_ok(req, c, leader, g.path)) {
		reply_invalid(req, "hub_leader_id", "an active hub_leader account in this area");
		return;
	}
	station_public_code(code);
	x = (struct station_change){ .req = req,
				     .name = name,
				     .addr = addr,
				     .hours = hours,
				     .phone = phone,
				     .lng = lng,
				     .lat = lat,
				     .grid_id = grid_id,
				     .leader = leader,
				     .now = now,
				     .g = &g,
				     .code = code };
	rc = db_tx_run(c, create_station_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("public_code", code), jb_int("grid_id", grid_id),
			jb_str("name", name)));
}

static void update_station(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *name = NULL, *addr = NULL, *hours = NULL, *phone = NULL, *gpath = NULL;
	json_t *lng, *lat;
	int64_t id, leader = 0;
	char hi[256];
	struct db_stmt *st;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    station_fields_or_reply(req, 0, &name, &addr, &hours, &phone, &lng, &lat, &leader))
		return;
	path_upper(a->unit_path, hi, sizeof hi);
	if (db_prepare(c,
		       "SELECT unit_path FROM stations WHERE id = ? AND unit_path >= ? AND "
		       "unit_path < ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, a->unit_path, -1);
	db_bind_text(st, 3, hi, -1);
	if (db_step(st) == DB_ROW)
		gpath = arena_strdup(&req->arena, db_col_text(st, 0));
	db_reset(st);
	if (!gpath) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (leader && !hub_leader_ok(req, c, leader, gpath)) {
		reply_invalid(req, "hub_leader_id", "an active hub_leader account in this area");
		return;
	}
	rc = db_tx_run(c, update_station_tx,
		       &(struct station_change){ .req = req,
						 .name = name,
						 .addr = addr,
						 .hours = hours,
						 .phone = phone,
						 .lng = lng,
						 .lat = lat,
						 .leader = leader,
						 .id = id });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

/* ---- statistics ------------------------------------------------------ */

static void org_stats(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	struct db_stmt *st;
	json_t *out;
	static const char *const counts[][2] = {
		{ "stations",
		  "SELECT COUNT(*) FROM stations WHERE unit_path >= ? AND unit_path < ?" },
		{ "households",
		  "SELECT COUNT(*) FROM households WHERE unit_path >= ? AND unit_path < ?" },
		{ "residents",
		  "SELECT COUNT(*) FROM residents WHERE unit_path >= ? AND unit_path < ?" },
		{ "party_members",
		  "SELECT COUNT(*) FROM party_members WHERE unit_path >= ? AND unit_path < ?" },
	};
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	out = JB_OBJ(jb_int("unit_id", sc.unit.id), jb_str("unit_name", sc.unit.name),
		     jb_str("unit_kind", unit_kind_name(sc.unit.kind)), jb_int("streets", 0),
		     jb_int("communities", 0), jb_int("grids", 0), jb_int("buildings", 0));
	rc = db_prepare(
		c, "SELECT kind, COUNT(*) FROM units WHERE path > ? AND path < ? GROUP BY kind",
		&st);
	if (rc == 0) {
		db_bind_text(st, 1, sc.lo, -1);
		db_bind_text(st, 2, sc.hi, -1);
		while ((rc = db_step(st)) == DB_ROW) {
			const char *k = db_col_text(st, 0);
			const char *key = !strcmp(k, "street")	    ? "streets"
					  : !strcmp(k, "community") ? "communities"
					  : !strcmp(k, "grid")	    ? "grids"
					  : !strcmp(k, "building")  ? "buildings"
								    : NULL;
			if (key)
				json_object_set_new(out, key, json_integer(db_col_int64(st, 1)));
		}
		db_reset(st);
	}
	for (size_t i = 0; rc >= 0 && i < sizeof counts / sizeof counts[0]; i++) {
		int64_t n = 0;
		rc = db_query_int64(c, &n, counts[i][1], "tt", sc.lo, sc.hi);
		json_object_set_new(out, counts[i][0], json_integer(n));
	}
	if (rc < 0) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, out);
}

const struct route org_routes[] = {
	{ "GET", "/api/v1/units", list_units, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/units/:id", get_unit, R_AUTH, "org:read", 0 },
	{ "POST", "/api/v1/units", create_unit, R_AUTH | R_JSON, "org:write", 0 },
	{ "PATCH", "/api/v1/units/:id", update_unit, R_AUTH | R_JSON, "org:write", 0 },
	{ "POST", "/api/v1/units/:id/move", move_unit, R_AUTH | R_JSON, "org:write", 0 },
	{ "DELETE", "/api/v1/units/:id", delete_unit, R_AUTH, "org:write", 0 },
	{ "GET", "/api/v1/stations", list_stations, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/stations/:id", get_station, R_AUTH, "org:read", 0 },
	{ "POST", "/api/v1/stations", create_station, R_AUTH | R_JSON, "station:write", 0 },
	{ "PATCH", "/api/v1/stations/:id", update_station, R_AUTH | R_JSON, "station:write", 0 },
	{ "GET", "/api/v1/stats/org", org_stats, R_AUTH, "stats:read", 0 },
	{ 0 },
};
