/*
 * org_scope.c — the data scope of a request, shared by every module.
 *
 * An account sees the subtree of its own unit. A list or lookup that names a
 * unit (?unit=ID) narrows the scope to that unit's subtree, but only if the
 * unit lies inside the account's own: otherwise the answer is 404, the same
 * as for a unit that does not exist, so scope boundaries reveal nothing.
 */
#include "org/org.h"
#include "org/org_int.h"

#include "http/caller.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"

#include <stdio.h>
#include <string.h>

/* The subtree of root_id (root_path), narrowed to unit_param inside it; 404 outside. */
static int narrow_or_reply(struct req *req, struct db_conn *c, int64_t root_id,
			   const char *root_path, const char *unit_param, struct scope *out)
{
	int64_t id = root_id;
	int rc;

	if (unit_param && parse_int64(unit_param, 1, INT64_MAX, &id)) {
		reply_invalid(req, "unit", "expected a unit id");
		return -1;
	}
	rc = unit_get(c, id, &out->unit);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || !path_within(out->unit.path, root_path)) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	snprintf(out->lo, sizeof out->lo, "%s", out->unit.path);
	path_upper(out->unit.path, out->hi, sizeof out->hi);
	return 0;
}

int scope_unit_or_reply(struct req *req, struct db_conn *c, const char *unit_param,
			struct scope *out)
{
	const struct auth *a = req_auth(req);

	return narrow_or_reply(req, c, a->unit_id, a->unit_path, unit_param, out);
}

/* "/d/s/c/g/…" → "/d/s/c/" (the community is depth 2) and its id; a shallower path stays itself. */
static void area_root(const char *account_path, char out[256], int64_t *id)
{
	*id = org_path_ancestor(account_path, 2, out, 256);
	if (!*id)
		snprintf(out, 256, "%s", account_path);
}

int scope_area_or_reply(struct req *req, struct db_conn *c, const char *unit_param,
			struct scope *out)
{
	char root[256];
	int64_t root_id;

	area_root(req_auth(req)->unit_path, root, &root_id);
	return narrow_or_reply(req, c, root_id, root, unit_param, out);
}

int path_in_area(const char *path, const char *account_path)
{
	char root[256];
	int64_t root_id;

	if (!path || !*path || !account_path)
		return 0;
	area_root(account_path, root, &root_id);
	return path_within(path, root) || path_within(account_path, path);
}

int unit_in_scope_or_reply(struct req *req, struct db_conn *c, int64_t id, struct unit_ref *out)
{
	const struct auth *a = req_auth(req);
	int rc = unit_get(c, id, out);

	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || !path_within(out->path, a->unit_path)) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

void scope_list_reply(struct req *req, const char *sql, json_t *(*row)(struct db_stmt *st))
{
	struct db_conn *c = req_db_or_reply(req);
	struct db_stmt *st;
	struct scope sc;
	struct page pg;
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &pg))
		return;
	rc = db_select(c, &st, sql, "ttii", sc.lo, sc.hi, pg.cursor, pg.limit + 1);
	page_reply(&pg, rc < 0 ? rc : org_page_rows(st, &pg, row));
}
