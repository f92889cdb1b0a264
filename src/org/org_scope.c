/*
 * org_scope.c — the data scope of a request, shared by every module.
 *
 * An account sees the subtree of its own unit. A list or lookup that names a
 * unit (?unit=ID) narrows the scope to that unit's subtree, but only if the
 * unit lies inside the account's own: otherwise the answer is 404, the same
 * as for a unit that does not exist, so scope boundaries reveal nothing.
 */
#include "org/org.h"

#include "auth/auth.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"

#include <stdio.h>
#include <string.h>

int scope_unit_or_reply(struct req *req, struct db_conn *c, const char *unit_param,
			struct scope *out)
{
	const struct auth *a = req_auth(req);
	int64_t id = a->unit_id;
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
	if (rc != DB_ROW || !path_within(out->unit.path, a->unit_path)) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	snprintf(out->lo, sizeof out->lo, "%s", out->unit.path);
	path_upper(out->unit.path, out->hi, sizeof out->hi);
	return 0;
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
