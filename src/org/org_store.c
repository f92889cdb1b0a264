/*
 * org_store.c — units: the SQL of the org module but the stations'
 * (stations_store.c). One function per statement or step, bound parameters
 * only; writes run in the caller's db_tx_run() transaction, where the
 * handlers (org_api.c) append their audit row.
 */
#include "org/org.h"
#include "org/org_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = { "district", "street", "community", "grid", "building" };

const char *unit_kind_name(int kind)
{
	return kind >= 0 && kind <= UNIT_BUILDING ? kinds[kind] : "?";
}

int unit_kind_parse(const char *s)
{
	for (int i = 0; s && i <= UNIT_BUILDING; i++)
		if (!strcmp(s, kinds[i]))
			return i;
	return -1;
}

#define UNIT_COLS "id, COALESCE(parent_id, 0), kind, depth, code, name, path"

static int unit_ref_row(struct db_stmt *st, void *p)
{
	struct unit_ref *out = p;

	out->id = db_col_int64(st, 0);
	out->parent_id = db_col_int64(st, 1);
	out->kind = unit_kind_parse(db_col_text(st, 2));
	out->depth = (int)db_col_int64(st, 3);
	snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 4));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 5));
	snprintf(out->path, sizeof out->path, "%s", db_col_text(st, 6));
	return 0;
}

int unit_get(struct db_conn *c, int64_t id, struct unit_ref *out)
{
	return db_one(c, unit_ref_row, out, "SELECT " UNIT_COLS " FROM units WHERE id = ?", "i",
		      id);
}

int unit_get_by_code(struct db_conn *c, const char *code, struct unit_ref *out)
{
	return db_one(c, unit_ref_row, out, "SELECT " UNIT_COLS " FROM units WHERE code = ?", "t",
		      code);
}

int unit_party_org(struct db_conn *c, int64_t id, char *out, size_t n)
{
	return db_text(c, out, n, "SELECT COALESCE(party_org_name, '') FROM units WHERE id = ?",
		       "i", id);
}

/* Digits the code adds at each level below its parent. */
static int code_valid(int kind, const char *code, const char *parent_code)
{
	size_t pl = parent_code ? strlen(parent_code) : 0, n = strlen(code);
	const char *own = code + pl;

	if (kind == UNIT_DISTRICT) {
		if (n != 6)
			return 0;
	} else {
		if (strncmp(code, parent_code, pl) != 0)
			return 0;
		if (kind == UNIT_BUILDING) {
			if (n != pl + 4 || own[0] != '-')
				return 0;
			own++;
		} else if (n != pl + 3) {
			return 0;
		}
	}
	for (; *own; own++)
		if (!isdigit((unsigned char)*own))
			return 0;
	return 1;
}

/* The next free code under a parent: its highest child's number + 1. */
static int next_code(struct db_conn *c, const struct unit_ref *parent, int kind, char *out,
		     size_t n)
{
	char last[64], buf[96];
	int64_t next = 1;
	int rc = db_text(c, last, sizeof last,
			 "SELECT code FROM units WHERE parent_id = ? ORDER BY code DESC LIMIT 1",
			 "i", parent->id);

	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		next = strtoll(last + strlen(last) - 3, NULL, 10) + 1;
	if (next > 999)
		return -1;
	snprintf(buf, sizeof buf, "%s%s%03lld", parent->code, kind == UNIT_BUILDING ? "-" : "",
		 (long long)next);
	if (strlen(buf) >= n)
		return -1;
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

int unit_create(struct db_conn *c, int64_t parent_id, int kind, const char *code, const char *name,
		const char *party_org, const char *party_secretary, const char *boundary,
		int is_demo, int64_t *out_id, char *err, size_t errlen)
{
	struct unit_ref parent = { 0 };
	char gen[40], path[320];
	int64_t now = clock_now(), id = 0;
	int rc;

	if (parent_id) {
		rc = unit_get(c, parent_id, &parent);
		if (rc != DB_ROW) {
			snprintf(err, errlen, "parent unit %lld does not exist",
				 (long long)parent_id);
			return -1;
		}
		if (kind < 0)
			kind = parent.kind + 1;
		if (kind != parent.kind + 1 || kind > UNIT_BUILDING) {
			snprintf(err, errlen, "a %s cannot hold a %s", unit_kind_name(parent.kind),
				 unit_kind_name(kind));
			return -1;
		}
	} else if (kind != UNIT_DISTRICT) {
		snprintf(err, errlen, "only a district has no parent");
		return -1;
	}
	if (!name || !*name || utf8_chars(name, strlen(name)) > 150) {
		snprintf(err, errlen, "a unit needs a name of at most 150 characters");
		return -1;
	}
	if (!code || !*code) {
		if (kind == UNIT_DISTRICT || next_code(c, &parent, kind, gen, sizeof gen) < 0) {
			snprintf(err, errlen,
				 kind == UNIT_DISTRICT ? "a district needs its 6-digit code"
						       : "no free code left under the parent");
			return -1;
		}
		code = gen;
	} else if (!code_valid(kind, code, parent_id ? parent.code : NULL)) {
		snprintf(err, errlen,
			 "code '%s' is not a %s code under '%s' (GB/T 30428 style: 6-digit county, "
			 "+3 street, +3 community, +3 grid, -NNN building)",
			 code, unit_kind_name(kind), parent_id ? parent.code : "");
		return -1;
	}
	/* The path needs the id: insert with a unique placeholder, then set it. */
	snprintf(path, sizeof path, "%s#%s", parent_id ? parent.path : "/", code);
	const struct db_arg args[] = {
		parent_id ? DB_ARG_I(parent_id) : DB_ARG_T(NULL),
		DB_ARG_T(unit_kind_name(kind)),
		DB_ARG_T(code),
		DB_ARG_T(name),
		DB_ARG_T(path),
		DB_ARG_I(kind),
		DB_ARG_T(party_org),
		DB_ARG_T(party_secretary),
		DB_ARG_T(boundary),
		DB_ARG_I(is_demo),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	rc = db_query_int64_args(
		c, &id,
		"INSERT INTO units (parent_id, kind, code, name, path, depth, "
		"party_org_name, party_secretary, boundary, is_demo, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));
	if (rc == DB_ECONSTRAINT) {
		snprintf(err, errlen, "code '%s' is already in use", code);
		return -1;
	}
	if (rc != DB_ROW) {
		snprintf(err, errlen, "cannot create the unit: %s", db_errmsg(c));
		return rc < 0 ? rc : -1;
	}
	snprintf(path, sizeof path, "%s%lld/", parent_id ? parent.path : "/", (long long)id);
	if (strlen(path) >= sizeof parent.path) {
		snprintf(err, errlen, "the tree is too deep");
		return -1;
	}
	rc = db_run(c, "UPDATE units SET path = ? WHERE id = ?", "ti", path, id);
	if (rc < 0) {
		snprintf(err, errlen, "cannot create the unit: %s", db_errmsg(c));
		return rc;
	}
	*out_id = id;
	return 0;
}

/* ---- reading units -------------------------------------------------------- */

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

int org_page_rows(struct db_stmt *st, struct page *pg, json_t *(*row)(struct db_stmt *st))
{
	int rc;

	/* the row past the limit only says there is a next page: no JSON for it */
	while ((rc = db_step(st)) == DB_ROW)
		page_add(pg, db_col_int64(st, 0), pg->n < pg->limit ? row(st) : NULL);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int units_store_list(struct db_conn *c, const struct unit_filter *f, struct page *pg)
{
	struct db_stmt *st;
	char *like = NULL;
	int rc;

	if (f->q && (like = malloc(strlen(f->q) + 3)))
		sprintf(like, "%%%s%%", f->q);
	const struct db_arg args[] = {
		DB_ARG_T(f->lo),	 DB_ARG_T(f->hi),     DB_ARG_I(pg->cursor),
		DB_ARG_I(f->parent),	 DB_ARG_I(f->parent), DB_ARG_T(f->kind),
		DB_ARG_T(f->kind),	 DB_ARG_T(f->q),      DB_ARG_T(like),
		DB_ARG_I(pg->limit + 1),
	};
	rc = db_select_args(c, &st,
			    UNIT_SELECT "WHERE path >= ? AND path < ? AND id > ? "
					"AND (CAST(? AS BIGINT) = 0 OR parent_id = ?) "
					"AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
					"AND (CAST(? AS TEXT) IS NULL OR name LIKE ?) "
					"ORDER BY id LIMIT ?",
			    args, DB_ARGS_N(args));
	if (rc == 0)
		rc = org_page_rows(st, pg, unit_row_json);
	free(like);
	return rc;
}

static int unit_view_row(struct db_stmt *st, void *out)
{
	const char *b = db_col_text(st, 10);
	json_t *o = unit_row_json(st);

	json_object_set_new(o, "boundary", b ? json_loads(b, 0, NULL) : json_null());
	*(json_t **)out = o;
	return 0;
}

int units_store_view(struct db_conn *c, int64_t id, json_t **out)
{
	*out = NULL;
	return db_one(c, unit_view_row, out, UNIT_SELECT "WHERE id = ?", "i", id);
}

/* ---- writing units ------------------------------------------------------- */

int units_store_set_bbox(struct db_conn *c, int64_t id, const double bbox[4])
{
	return db_run(c,
		      "UPDATE units SET min_lng = ?, min_lat = ?, max_lng = ?, max_lat = ? "
		      "WHERE id = ?",
		      "ddddi", bbox[0], bbox[1], bbox[2], bbox[3], id);
}

int units_store_set_boundary(struct db_conn *c, int64_t id, const char *boundary,
			     const double bbox[4])
{
	if (!boundary)
		return db_run(c,
			      "UPDATE units SET boundary = NULL, min_lng = NULL, min_lat = NULL, "
			      "max_lng = NULL, max_lat = NULL WHERE id = ?",
			      "i", id);
	return db_run(c,
		      "UPDATE units SET boundary = ?, min_lng = ?, min_lat = ?, max_lng = ?, "
		      "max_lat = ? WHERE id = ?",
		      "tddddi", boundary, bbox[0], bbox[1], bbox[2], bbox[3], id);
}

int units_store_update(struct db_conn *c, int64_t id, const char *name, const char *party_org,
		       const char *party_secretary, int64_t now)
{
	return db_run(c,
		      "UPDATE units SET name = COALESCE(?, name), "
		      "party_org_name = COALESCE(?, party_org_name), "
		      "party_secretary = COALESCE(?, party_secretary), updated_at = ? WHERE id = ?",
		      "tttii", name, party_org, party_secretary, now, id);
}

/* ---- the unit hooks' columns ---------------------------------------------- */

/* The subtree [old_path, old_hi) now starts at new_path: run the hook's path statements. */
static int hook_paths_moved(struct db_conn *c, const struct org_unit_hooks *h, const char *old_path,
			    const char *old_hi, const char *new_path)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < h->n_path; i++)
		rc = db_run(c, h->path_sql[i], "titt", new_path, (int64_t)strlen(old_path) + 1,
			    old_path, old_hi);
	if (rc == 0 && h->moved)
		rc = h->moved(c, old_path, old_hi, new_path);
	return rc;
}

/* The rows of the hook's module that name the unit, added to *total. */
static int hook_uses(struct db_conn *c, const struct org_unit_hooks *h, int64_t unit_id,
		     int64_t *total)
{
	int rc = 0;

	for (size_t i = 0; rc >= 0 && i < h->n_use; i++) {
		int64_t k = 0;
		rc = db_query_int64(c, &k, h->use_sql[i], "i", unit_id);
		*total += k;
	}
	if (rc >= 0 && h->uses) {
		int64_t k = 0;
		rc = h->uses(c, unit_id, &k);
		*total += k;
	}
	return rc < 0 ? rc : 0;
}

/* org's own tables: stations move with their unit; a unit with children or a station is kept. */
static const char *const org_path_sql[] = { DB_PATH_MOVED("stations", "unit_path") };
static const char *const org_use_sql[] = {
	DB_COUNT_EQ("units", "parent_id"),
	DB_COUNT_EQ("stations", "grid_id"),
};
static const struct org_unit_hooks org_own = { "org", ORG_HOOK_SQL(org_path_sql),
					       ORG_HOOK_SQL(org_use_sql), NULL, NULL };

int unit_move(struct db_conn *c, const struct unit_ref *u, const struct unit_ref *np, char *newcode,
	      size_t n)
{
	char hi[256], newpath[300];
	int rc = next_code(c, np, u->kind, newcode, n);

	snprintf(newpath, sizeof newpath, "%s%lld/", np->path, (long long)u->id);
	path_upper(u->path, hi, sizeof hi);
	/* the whole subtree: codes and paths rewritten by prefix */
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE units SET code = ? || SUBSTR(code, ?), path = ? || "
			    "SUBSTR(path, ?), updated_at = ? WHERE path >= ? AND path < ?",
			    "titiitt", newcode, (int64_t)strlen(u->code) + 1, newpath,
			    (int64_t)strlen(u->path) + 1, clock_now(), u->path, hi);
	if (rc == 0)
		rc = db_run(c, "UPDATE units SET parent_id = ? WHERE id = ?", "ii", np->id, u->id);
	if (rc == 0)
		rc = hook_paths_moved(c, &org_own, u->path, hi, newpath);
	for (size_t i = 0; rc == 0 && org_unit_users[i]; i++)
		rc = hook_paths_moved(c, org_unit_users[i], u->path, hi, newpath);
	return rc;
}

int unit_delete(struct db_conn *c, int64_t id)
{
	int64_t total = 0;
	int rc = hook_uses(c, &org_own, id, &total);

	for (size_t i = 0; rc == 0 && org_unit_users[i]; i++)
		rc = hook_uses(c, org_unit_users[i], id, &total);
	if (rc < 0)
		return rc;
	if (total > 0)
		return 1;
	return db_run(c, "DELETE FROM units WHERE id = ?", "i", id);
}

/* ---- statistics ------------------------------------------------------------ */

/* A row of (unit kind, count): the count under the kind's plural in out. */
static int kind_count_row(struct db_stmt *st, void *out)
{
	const char *k = db_col_text(st, 0);
	const char *key = !strcmp(k, "street")	    ? "streets"
			  : !strcmp(k, "community") ? "communities"
			  : !strcmp(k, "grid")	    ? "grids"
			  : !strcmp(k, "building")  ? "buildings"
						    : NULL;

	if (key)
		json_object_set_new(out, key, json_integer(db_col_int64(st, 1)));
	return 0;
}

int org_store_stats(struct db_conn *c, const char *lo, const char *hi, json_t *out)
{
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
	int rc = db_each(
		c, kind_count_row, out,
		"SELECT kind, COUNT(*) FROM units WHERE path > ? AND path < ? GROUP BY kind", "tt",
		lo, hi);

	for (size_t i = 0; rc >= 0 && i < sizeof counts / sizeof counts[0]; i++) {
		int64_t n = 0;
		rc = db_query_int64(c, &n, counts[i][1], "tt", lo, hi);
		json_object_set_new(out, counts[i][0], json_integer(n));
	}
	return rc < 0 ? rc : 0;
}
