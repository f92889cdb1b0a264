/*
 * org_store.c — units and stations: all the SQL of the org module.
 */
#include "org/org.h"

#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"

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

void path_upper(const char *path, char *out, size_t n)
{
	size_t l = strlen(path);

	snprintf(out, n, "%s", path);
	if (l > 0 && l < n)
		out[l - 1] = '0'; /* '/' + 1 */
}

int path_within(const char *path, const char *root)
{
	return path && root && !strncmp(path, root, strlen(root));
}

#define UNIT_COLS "id, COALESCE(parent_id, 0), kind, depth, code, name, path"

static int unit_fetch(struct db_conn *c, const char *sql, int64_t id, const char *code,
		      struct unit_ref *out)
{
	struct db_stmt *st;
	int rc = db_prepare(c, sql, &st);

	if (rc < 0)
		return rc;
	if (code)
		db_bind_text(st, 1, code, -1);
	else
		db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int64(st, 0);
		out->parent_id = db_col_int64(st, 1);
		out->kind = unit_kind_parse(db_col_text(st, 2));
		out->depth = (int)db_col_int64(st, 3);
		snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 4));
		snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 5));
		snprintf(out->path, sizeof out->path, "%s", db_col_text(st, 6));
	}
	db_reset(st);
	return rc;
}

int unit_get(struct db_conn *c, int64_t id, struct unit_ref *out)
{
	return unit_fetch(c, "SELECT " UNIT_COLS " FROM units WHERE id = ?", id, NULL, out);
}

int unit_get_by_code(struct db_conn *c, const char *code, struct unit_ref *out)
{
	return unit_fetch(c, "SELECT " UNIT_COLS " FROM units WHERE code = ?", 0, code, out);
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
	struct db_stmt *st;
	int64_t next = 1;
	int rc = db_prepare(
		c, "SELECT code FROM units WHERE parent_id = ? ORDER BY code DESC LIMIT 1", &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, parent->id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		const char *last = db_col_text(st, 0);
		next = strtoll(last + strlen(last) - 3, NULL, 10) + 1;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	if (next > 999)
		return -1;
	char buf[96];
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
	{
		struct db_stmt *st;
		rc = db_prepare(
			c,
			"INSERT INTO units (parent_id, kind, code, name, path, depth, "
			"party_org_name, party_secretary, boundary, is_demo, created_at, "
			"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&st);
		if (rc < 0) {
			snprintf(err, errlen, "cannot create the unit: %s", db_errmsg(c));
			return rc;
		}
		if (parent_id)
			db_bind_int64(st, 1, parent_id);
		else
			db_bind_null(st, 1);
		db_bind_text(st, 2, unit_kind_name(kind), -1);
		db_bind_text(st, 3, code, -1);
		db_bind_text(st, 4, name, -1);
		db_bind_text(st, 5, path, -1);
		db_bind_int64(st, 6, kind);
		db_bind_text(st, 7, party_org, -1);
		db_bind_text(st, 8, party_secretary, -1);
		db_bind_text(st, 9, boundary, -1);
		db_bind_int64(st, 10, is_demo);
		db_bind_int64(st, 11, now);
		db_bind_int64(st, 12, now);
		rc = db_step(st);
		if (rc == DB_ROW)
			id = db_col_int64(st, 0);
		db_reset(st);
	}
	if (rc == DB_ECONSTRAINT) {
		snprintf(err, errlen, "code '%s' is already in use", code);
		return -1;
	}
	if (rc != DB_ROW) {
		snprintf(err, errlen, "cannot create the unit: %s", db_errmsg(c));
		return -1;
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
