/*
 * audit_api.c — GET /api/v1/audit for the auditor, and the helpers that
 * record an event on behalf of a request.
 *
 *   GET /api/v1/audit?limit=&cursor=&action=&actor=&from=&to=
 *
 * Newest first; the cursor is the last id seen. Only the auditor role holds
 * audit:read (三员分立: the system administrator cannot read this).
 */
#include "audit/audit.h"
#include "audit/audit_int.h"

#include "http/caller.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"

#include <string.h>

void audit_from_request(struct req *req, struct audit_event *ev)
{
	const struct auth *a = req_auth(req);

	ev->actor_id = a ? a->account_id : 0;
	ev->actor_name = a ? a->username : "-";
	ev->ip = req->ip;
}

int audit_write(struct req *req, struct db_conn *c, const char *action, const char *object_type,
		int64_t object_id, json_t *details)
{
	struct audit_event ev = {
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.outcome = "ok",
		.details = details,
	};
	int rc;

	audit_from_request(req, &ev);
	rc = audit_append(c, &ev);
	json_decref(details);
	return rc;
}

int audit_write_after(int rc, struct req *req, struct db_conn *c, const char *action,
		      const char *object_type, int64_t object_id, json_t *details)
{
	if (rc != 0) {
		json_decref(details);
		return rc;
	}
	return audit_write(req, c, action, object_type, object_id, details);
}

int audit_request(struct req *req, const char *action, const char *object_type, int64_t object_id,
		  const char *outcome, json_t *details)
{
	struct db_conn *c = db_conn_thread(req->srv->db);
	struct audit_event ev = {
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.outcome = outcome,
		.details = details,
	};
	int rc;

	audit_from_request(req, &ev);
	rc = c ? audit_record(c, &ev) : -1;
	json_decref(details);
	return rc;
}

static void get_audit(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *v;
	int64_t from = 0, to = INT64_MAX;
	const char *action = req_query(req, "action"), *actor = req_query(req, "actor");
	struct page pg;

	if (!c || page_begin_or_reply(req, &pg))
		return;
	if ((v = req_query(req, "from")) && clock_parse_iso(v, &from)) {
		reply_invalid(req, "from", "expected an ISO 8601 date or time");
		return;
	}
	if ((v = req_query(req, "to")) && clock_parse_iso(v, &to)) {
		reply_invalid(req, "to", "expected an ISO 8601 date or time");
		return;
	}
	page_reply(&pg, audit_store_list(
				c,
				&(struct audit_filter){
					.from = from, .to = to, .action = action, .actor = actor },
				&pg));
}

const struct route audit_routes[] = {
	{ "GET", "/api/v1/audit", get_audit, R_AUTH, "audit:read", 0 },
	{ 0 },
};
