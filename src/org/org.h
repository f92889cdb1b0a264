/*
 * org.h — the organisation tree (district → street → community → grid →
 * building) and the Pioneer Hub service stations.
 *
 * Every unit has a materialised path of ids, "/1/7/42/". A subtree is the
 * range [path, upper) where upper replaces the final '/' with '0' (the next
 * byte), so "is X inside U" is two comparisons and an index range scan on
 * every table that carries unit_path — on SQLite and PostgreSQL alike.
 */
#ifndef SHUNIU_ORG_ORG_H
#define SHUNIU_ORG_ORG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;

enum unit_kind { UNIT_DISTRICT, UNIT_STREET, UNIT_COMMUNITY, UNIT_GRID, UNIT_BUILDING };

struct unit_ref {
	int64_t id;
	int64_t parent_id;
	int kind;
	int depth;
	char code[40];
	char name[601]; /* 150 characters of UTF-8, 4 bytes at most each */
	char path[256];
};

const char *unit_kind_name(int kind);
int unit_kind_parse(const char *s); /* -1 if unknown */

/* DB_ROW when found, DB_DONE when not, <0 on error. */
int unit_get(struct db_conn *c, int64_t id, struct unit_ref *out);
int unit_get_by_code(struct db_conn *c, const char *code, struct unit_ref *out);
/* The unit's Party organisation's name ("" when it has none) into out: DB_ROW, DB_DONE or <0. */
int unit_party_org(struct db_conn *c, int64_t id, char *out, size_t n);
/*
 * The station whose public QR code is code: its name and the path of its
 * grid into name/path. DB_ROW, DB_DONE or <0.
 */
int station_by_public_code(struct db_conn *c, const char *code, char *name, size_t name_n,
			   char *path, size_t path_n);

/* The exclusive upper bound of a subtree: "/1/5/" → "/1/50". */
void path_upper(const char *path, char *out, size_t n);
/* Is path inside the subtree rooted at root (root itself included)? */
int path_within(const char *path, const char *root);
/*
 * The unit at depth d (0 district, 1 street, 2 community, 3 grid) on a path:
 * org_path_id() gives its id, or 0 when the path is shallower or malformed.
 * org_path_ancestor() writes its path ("/1/7/42/99/" at depth 1: "/1/7/")
 * into out (when out is not NULL) and gives its id; a path shallower than d
 * stands for itself. 0 when the path is malformed or out (n bytes) too small.
 */
int64_t org_path_id(const char *path, int depth);
int64_t org_path_ancestor(const char *path, int depth, char *out, size_t n);

/*
 * Create a unit under parent (0 for the district root). code NULL: the next
 * free code under the parent. Returns 0 and *out_id, or <0 with err set.
 */
int unit_create(struct db_conn *c, int64_t parent_id, int kind, const char *code, const char *name,
		const char *party_org, const char *party_secretary, const char *boundary,
		int is_demo, int64_t *out_id, char *err, size_t errlen);

/*
 * The modules that keep rows under units register here, since org sits below
 * them and cannot call them. When a unit moves from old_path (its subtree is
 * [old_path, old_hi)) to new_path, in the move's transaction, org runs each
 * module's path statements (DB_PATH_MOVED, bound: new_path, the length of
 * old_path + 1, old_path, old_hi) and then its moved() if it has one. Before a
 * unit is deleted it sums each module's use statements (DB_COUNT_EQ, bound:
 * the unit's id) and its uses() if any: a unit in use is not deleted. The
 * functions return 0 or <0. The NULL-terminated table is defined at the top,
 * in src/cmd/cmd_units.c, so org never names its users.
 */
struct org_unit_hooks {
	const char *name;
	const char *const *path_sql; /* DB_PATH_MOVED(table, column) statements */
	size_t n_path;
	const char *const *use_sql; /* DB_COUNT_EQ(table, column) statements */
	size_t n_use;
	int (*moved)(struct db_conn *c, const char *old_path, const char *old_hi,
		     const char *new_path); /* NULL: the statements are all */
	int (*uses)(struct db_conn *c, int64_t unit_id, int64_t *n); /* NULL: likewise */
};
extern const struct org_unit_hooks *const org_unit_users[];

/* The statements: DB_PATH_MOVED(table, path column), DB_COUNT_EQ(table, unit id column). */
#define ORG_HOOK_SQL(a) (a), (sizeof(a) / sizeof *(a))

/*
 * Move unit u under np (one level above it, outside u's subtree): the
 * subtree's codes and paths, every path kept under it (the users' moved
 * hooks too). newcode receives u's new code. In the caller's transaction.
 */
int unit_move(struct db_conn *c, const struct unit_ref *u, const struct unit_ref *np, char *newcode,
	      size_t n);
/* Delete a unit nothing names (no child, no row of org's or of a user's): 0, 1 in use, <0. */
int unit_delete(struct db_conn *c, int64_t id);

/* The subtree a request may see: [lo, hi) over unit_path columns. */
struct scope {
	struct unit_ref unit;
	char lo[256], hi[256];
};
struct req;
/* The account's scope, narrowed to unit_param (?unit=ID) when given; 404 outside. */
int scope_unit_or_reply(struct req *req, struct db_conn *c, const char *unit_param,
			struct scope *out);
/*
 * The scope of a list of the caller's own rows (own: every unit, [/, 0)),
 * or of the rows it manages (scope_unit_or_reply).
 */
static inline int scope_own_or_unit_or_reply(struct req *req, struct db_conn *c, int own,
					     const char *unit_param, struct scope *out)
{
	if (!own)
		return scope_unit_or_reply(req, c, unit_param, out);
	*out = (struct scope){ .lo = "/", .hi = "0" };
	return 0;
}
/*
 * The area of the services an account uses without managing them (venues,
 * meal points, activities for a grid worker, a volunteer or a resident): the
 * subtree of the community its unit lies in, or its own subtree when it sits
 * above community level. unit_param (?unit=ID) narrows it to a unit inside
 * it; a unit outside it answers 404, the same as a unit that does not exist,
 * exactly as scope_unit_or_reply does for the account's own scope.
 */
int scope_area_or_reply(struct req *req, struct db_conn *c, const char *unit_param,
			struct scope *out);
/* Is path inside that area of account_path, or a unit above it (a street's or the district's)? */
int path_in_area(const char *path, const char *account_path);
/* Load a unit that must lie inside the account's scope; 404 otherwise. */
int unit_in_scope_or_reply(struct req *req, struct db_conn *c, int64_t id, struct unit_ref *out);

/*
 * Answer a scoped, paged list. sql's first four parameters must be the scope's
 * lo and hi, the cursor (id >) and the limit, in that order, and its first
 * column the row id; row() makes each item.
 */
struct db_stmt;
void scope_list_reply(struct req *req, const char *sql, json_t *(*row)(struct db_stmt *st));

/* Validate a GeoJSON Polygon/MultiPolygon; fills the bounding box. 0 or -1. */
int geojson_polygon_bbox(json_t *geo, double bbox[4]);
/* Is the point inside the GeoJSON (Multi)Polygon text? */
int geojson_contains(const char *geojson, double lng, double lat);

/* A random 10-character public code for a station's QR link. */
void station_public_code(char out[11]);

/*
 * Answer the SVG of a QR code holding the public link BASE/<kind>/<code>, with
 * caption (the station's, venue's or activity's name) and the link printed
 * below; 500 when it cannot be drawn. BASE is the public_url setting, else
 * http://<Host of the request> (a Host made of host-name characters only),
 * else http://localhost:<port>.
 */
void reply_public_qr(struct req *req, const char *kind, const char *code, const char *caption);

extern const struct route org_routes[];
extern const struct route station_qr_routes[];

#endif
