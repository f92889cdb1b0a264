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
 * audited in the same transaction as the change. The SQL is in org_store.c
 * and stations_store.c; moving and deleting a unit ask the modules that keep
 * rows under units through org_unit_users[] (org.h).
 */
#include "org/org.h"
#include "org/org_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

/* A view the store read (DB_ROW with out, DB_DONE, <0). */
static void view_reply(struct req *req, int rc, json_t *out)
{
	if (rc < 0)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else if (rc != DB_ROW || !out)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_json(req, 200, out);
}

static void list_units(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	struct unit_filter f = { .kind = req_query(req, "kind"), .q = req_query(req, "q") };
	struct page pg;
	const char *v;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &pg))
		return;
	if ((v = req_query(req, "parent")) && parse_int64(v, 1, INT64_MAX, &f.parent)) {
		reply_invalid(req, "parent", "expected a unit id");
		return;
	}
	if (f.kind && unit_kind_parse(f.kind) < 0) {
		reply_invalid(req, "kind", "district, street, community, grid or building");
		return;
	}
	f.lo = sc.lo;
	f.hi = sc.hi;
	page_reply(&pg, units_store_list(c, &f, &pg));
}

static void get_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	json_t *out;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || unit_in_scope_or_reply(req, c, id, &u))
		return;
	rc = units_store_view(c, id, &out);
	view_reply(req, rc, out);
}

/* A unit's body: creating, updating (the names and the boundary) and moving. */
struct unit_body {
	int64_t parent_id;
	const char *name, *code, *org, *sec;
	json_t *boundary, *kind;
};
#define UNIT_NAME_FIELDS(name_req)                                                                 \
	BF_STR(struct unit_body, name, "name", name_req, 0, 150),                                  \
		BF_STR(struct unit_body, org, "party_org_name", BF_OPTIONAL, 0, 200),              \
		BF_STR(struct unit_body, sec, "party_secretary", BF_OPTIONAL, 0, 100),             \
		BF_JSON(struct unit_body, boundary, "boundary", BF_OPTIONAL, -1)

static const struct body_field unit_create_fields[] = {
	BF_ID(struct unit_body, parent_id, "parent_id", BF_REQUIRED),
	BF_STR(struct unit_body, code, "code", BF_OPTIONAL, 0, 32),
	/* the kind follows from the parent; a client may still send it, and it is not read */
	BF_JSON(struct unit_body, kind, "kind", BF_OPTIONAL, -1),
	UNIT_NAME_FIELDS(BF_REQUIRED),
};
static const struct body_field unit_update_fields[] = { UNIT_NAME_FIELDS(BF_OPTIONAL) };
static const struct body_field unit_move_fields[] = {
	BF_ID(struct unit_body, parent_id, "parent_id", BF_REQUIRED),
};

/* boundary: not sent → 1, null → 0 with *text NULL, object → 0 with text. */
static int boundary_or_reply(struct req *req, json_t *b, int sent, const char **text,
			     double bbox[4])
{
	*text = NULL;
	if (!b)
		return !sent;
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
	rc = x->boundary ? units_store_set_bbox(c, x->id, x->bbox) : 0;
	rc = audit_write_after(rc, x->req, c, "unit.create", "unit", x->id,
			       JB_OBJ(jb_int("parent_id", x->parent_id)));
	if (rc == 0 && unit_get(c, x->id, &x->u) != DB_ROW)
		rc = -1;
	return rc;
}

static void create_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *boundary;
	struct unit_body b;
	struct body_seen seen;
	struct unit_change x;
	struct unit_ref parent;
	double bbox[4];
	char err[512];
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, unit_create_fields, &b, &seen) ||
	    boundary_or_reply(req, b.boundary, body_has(&seen, unit_create_fields, "boundary"),
			      &boundary, bbox) < 0 ||
	    unit_in_scope_or_reply(req, c, b.parent_id, &parent))
		return;
	x = (struct unit_change){ .req = req,
				  .parent_id = b.parent_id,
				  .code = b.code,
				  .name = b.name,
				  .org = b.org,
				  .sec = b.sec,
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
				  jb_str("name", x.u.name), jb_int("parent_id", b.parent_id),
				  jb_int("depth", x.u.depth))
			 : NULL);
}

static int update_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	int rc = units_store_update(c, x->id, x->name, x->org, x->sec, clock_now());

	if (rc == 0 && x->has_b == 0)
		rc = units_store_set_boundary(c, x->id, x->boundary, x->bbox);
	return audit_write_after(rc, x->req, c, "unit.update", "unit", x->id, NULL);
}

static void update_unit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *boundary;
	struct unit_body b;
	struct body_seen seen;
	struct unit_ref u;
	int64_t id;
	double bbox[4];
	int rc, has_b;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, unit_update_fields, &b, &seen) ||
	    (has_b = boundary_or_reply(req, b.boundary,
				       body_has(&seen, unit_update_fields, "boundary"), &boundary,
				       bbox)) < 0 ||
	    unit_in_scope_or_reply(req, c, id, &u) || body_nonempty_or_reply(req, "name", b.name))
		return;
	rc = db_tx_run(c, update_unit_tx,
		       &(struct unit_change){ .req = req,
					      .id = id,
					      .name = b.name,
					      .org = b.org,
					      .sec = b.sec,
					      .boundary = boundary,
					      .bbox = bbox,
					      .has_b = has_b });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

/* The unit and its subtree under the new parent (unit_move), audited. */
static int move_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	int rc = unit_move(c, &x->u, &x->np, x->newcode, sizeof x->newcode);

	return audit_write_after(rc, x->req, c, "unit.move", "unit", x->id,
				 JB_OBJ(jb_int("from_parent", x->u.parent_id),
					jb_int("to_parent", x->np.id),
					jb_str("new_code", x->newcode)));
}

static void move_unit(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct unit_change x;
	struct unit_body b;
	struct unit_ref u, np;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, unit_move_fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, id, &u) ||
	    unit_in_scope_or_reply(req, c, b.parent_id, &np))
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

/* DB_EABORT: something still uses the unit */
static int delete_unit_tx(struct db_conn *c, void *ctx)
{
	struct unit_change *x = ctx;
	int rc = unit_delete(c, x->id);

	if (rc == 1)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "unit.delete", "unit", x->id,
				 JB_OBJ(jb_str("code", x->u.code)));
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
	reply_tx_refused(req, rc, ERR_UNIT_NOT_EMPTY, 200, JB_OBJ(jb_bool("deleted", 1)));
}

/* ---- stations -------------------------------------------------------- */

static void list_stations(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	struct page pg;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &pg))
		return;
	page_reply(&pg, stations_store_list(c, sc.lo, sc.hi, &pg));
}

static void get_station(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	char hi[256];
	int64_t id;
	json_t *out;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	path_upper(a->unit_path, hi, sizeof hi);
	rc = stations_store_view(c, id, a->unit_path, hi, &out);
	view_reply(req, rc, out);
}

int station_in_scope_or_reply(struct req *req, struct db_conn *c, int64_t id,
			      struct station_ref *out)
{
	const char *path = req_auth(req)->unit_path;
	char hi[256];
	int rc;

	path_upper(path, hi, sizeof hi);
	rc = stations_store_ref(c, id, path, hi, out);
	if (rc < 0 || rc != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

/* A hub leader must be an account holding the role, inside the scope. */
static int hub_leader_ok(struct req *req, struct db_conn *c, int64_t leader, const char *grid_path)
{
	char path[256];

	if (!leader)
		return 1;
	return stations_store_leader_path(c, leader, path, sizeof path) == DB_ROW &&
	       path_within(path, req_auth(req)->unit_path) &&
	       (path_within(grid_path, path) || path_within(path, grid_path));
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

/* A station's body: creating (in a grid) and updating. */
struct station_body {
	int64_t grid_id;
	struct station_in in;
};
#define STATION_FIELDS(name_req)                                                                   \
	BF_STR(struct station_body, in.name, "name", name_req, 0, 150),                            \
		BF_STR(struct station_body, in.addr, "address", BF_OPTIONAL, 0, 300),              \
		BF_STR(struct station_body, in.hours, "opening_hours", BF_OPTIONAL, 0, 200),       \
		BF_STR(struct station_body, in.phone, "phone", BF_OPTIONAL, 0, 40),                \
		BF_ID(struct station_body, in.leader, "hub_leader_id", BF_OPTIONAL),               \
		BF_JSON(struct station_body, in.lng, "lng", BF_OPTIONAL, -1),                      \
		BF_JSON(struct station_body, in.lat, "lat", BF_OPTIONAL, -1)

static const struct body_field station_create_fields[] = {
	BF_ID(struct station_body, grid_id, "grid_id", BF_REQUIRED),
	STATION_FIELDS(BF_REQUIRED),
};
static const struct body_field station_update_fields[] = { STATION_FIELDS(BF_OPTIONAL) };

/*
 * Read the body by the table; the point is checked here: lng and lat are
 * numbers in range, or both null (clear it, on update), or both absent.
 */
static int station_fields_or_reply(struct req *req, const struct body_field *fields, size_t n,
				   struct station_body *b)
{
	json_t **lng = &b->in.lng, **lat = &b->in.lat;
	struct body_seen seen;

	if (body_read_or_reply(req, fields, n, b, &seen))
		return -1;
	if (body_null_n(&seen, fields, n, "lng"))
		*lng = json_null();
	if (body_null_n(&seen, fields, n, "lat"))
		*lat = json_null();
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
#define STATION_FIELDS_OR_REPLY(req, fields, b)                                                    \
	station_fields_or_reply((req), (fields), sizeof(fields) / sizeof(*(fields)), (b))

struct station_change {
	struct req *req;
	const struct station_in *in;
	int64_t grid_id, now, id;
	const struct unit_ref *g;
	const char *code;
};

static int create_station_tx(struct db_conn *c, void *ctx)
{
	struct station_change *x = ctx;
	int rc = stations_store_insert(c, x->in, x->grid_id, x->g->path, x->code, x->now, &x->id);

	return audit_write_after(rc, x->req, c, "station.create", "station", x->id, NULL);
}

static int update_station_tx(struct db_conn *c, void *ctx)
{
	struct station_change *x = ctx;
	int rc = stations_store_update(c, x->id, x->in, clock_now());

	return audit_write_after(rc, x->req, c, "station.update", "station", x->id, NULL);
}

static void create_station(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct station_body b;
	const struct station_in *in = &b.in;
	struct station_change x;
	struct unit_ref g;
	char code[11];
	int rc;

	if (!c || STATION_FIELDS_OR_REPLY(req, station_create_fields, &b) ||
	    unit_in_scope_or_reply(req, c, b.grid_id, &g))
		return;
	if (g.kind != UNIT_GRID) {
		reply_invalid(req, "grid_id", "a station belongs to a grid");
		return;
	}
	if (!hub_leader_ok(req, c, in->leader, g.path)) {
		reply_invalid(req, "hub_leader_id", "an active hub_leader account in this area");
		return;
	}
	station_public_code(code);
	x = (struct station_change){ .req = req,
				     .in = in,
				     .grid_id = b.grid_id,
				     .now = clock_now(),
				     .g = &g,
				     .code = code };
	rc = db_tx_run(c, create_station_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("public_code", code),
			jb_int("grid_id", b.grid_id), jb_str("name", in->name)));
}

static void update_station(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct station_body b;
	const struct station_in *in = &b.in;
	struct station_ref s;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    STATION_FIELDS_OR_REPLY(req, station_update_fields, &b))
		return;
	if (station_in_scope_or_reply(req, c, id, &s))
		return;
	if (in->leader && !hub_leader_ok(req, c, in->leader, s.path)) {
		reply_invalid(req, "hub_leader_id", "an active hub_leader account in this area");
		return;
	}
	rc = db_tx_run(c, update_station_tx,
		       &(struct station_change){ .req = req, .in = in, .id = id });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

/* ---- statistics ------------------------------------------------------ */

static void org_stats(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	json_t *out;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	out = JB_OBJ(jb_int("unit_id", sc.unit.id), jb_str("unit_name", sc.unit.name),
		     jb_str("unit_kind", unit_kind_name(sc.unit.kind)), jb_int("streets", 0),
		     jb_int("communities", 0), jb_int("grids", 0), jb_int("buildings", 0));
	if (org_store_stats(c, sc.lo, sc.hi, out) < 0) {
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
