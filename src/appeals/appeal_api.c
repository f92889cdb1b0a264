/*
 * appeal_api.c — reading appeals.
 *
 *   GET /api/v1/appeals?status=&unit=&category=&channel=&overdue=1&from=&to=&q=&mine=1
 *                       &cursor=&limit=      newest first; cursor is the last id seen
 *   GET /api/v1/appeals/:id                  with its timeline, links and the actions
 *                                            the caller may take now
 *   GET /api/v1/appeals/track/:case_no?phone_last4=NNNN
 *                                            for anonymous reporters; 5 wrong tries
 *                                            lock the case number for 15 minutes
 *
 * The handlers check the request and the caller; the statements are in
 * appeal_read_store.c.
 */
#include "appeals/appeals_int.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/jsonw.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"
#include "pii/pii.h"
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACK_MAX_FAILURES 5
#define TRACK_LOCK_SECONDS (15 * 60)

/* ---- the list ---------------------------------------------------------- */

/* ?status=: one status, or several separated by commas. 0, or -1 answered. */
static int statuses_or_reply(struct req *req, const char *status, struct appeal_query *q)
{
	char *copy = arena_strdup(&req->arena, status), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (appeal_status_parse(tok) < 0 || q->nst == ST__COUNT) {
			reply_invalid(req, "status",
				      "submitted, accepted, rejected, "
				      "dispatched, handling, resolved, "
				      "closed, rated or merged");
			return -1;
		}
		q->sts[q->nst++] = tok;
	}
	if (!q->nst) {
		reply_invalid(req, "status", "must not be empty");
		return -1;
	}
	return 0;
}

/* A time filter (from, to): 0 absent or set, -1 answered. */
static int time_or_reply(struct req *req, const char *name, int *has, int64_t *t)
{
	const char *v = req_query(req, name);

	if (!v)
		return 0;
	if (clock_parse_iso(v, t) < 0) {
		reply_invalid(req, name, "an ISO 8601 date or time");
		return -1;
	}
	*has = 1;
	return 0;
}

/* The filters beyond place and status. 0, or -1 answered. */
static int filters_or_reply(struct req *req, struct appeal_query *q)
{
	const char *overdue = req_query(req, "overdue"), *text = req_query(req, "q");

	if (overdue && !strcmp(overdue, "1")) {
		q->overdue = 1;
	} else if (overdue && strcmp(overdue, "0")) {
		reply_invalid(req, "overdue", "1 or 0");
		return -1;
	}
	if (time_or_reply(req, "from", &q->has_from, &q->from) ||
	    time_or_reply(req, "to", &q->has_to, &q->to))
		return -1;
	if (text && (strlen(text) == 0 || strlen(text) > 100)) {
		reply_invalid(req, "q", "1 to 100 bytes");
		return -1;
	}
	q->text = text;
	return 0;
}

static void list_appeals(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *mine = req_query(req, "mine"),
		   *assigned = req_query(req, "assigned"), *overdue = req_query(req, "overdue");
	struct appeal_query q = { .now = clock_now(),
				  .category = req_query(req, "category"),
				  .channel = req_query(req, "channel") };
	int assigned_me = assigned && !strcmp(assigned, "me");
	int64_t n = 0, last = 0;
	struct scope sc;

	if (!c || req_page_or_reply(req, &q.limit, &q.cursor))
		return;
	if (status && statuses_or_reply(req, status, &q))
		return;
	q.own = !auth_can(req, "appeal:read") || (mine && !strcmp(mine, "1"));
	if (!q.own && scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	q.account_id = a->account_id;
	if (!q.own) {
		q.unit_id = sc.unit.id;
		q.depth = sc.unit.depth;
		q.lo = sc.lo;
		q.hi = sc.hi;
	}
	q.queue = !q.own && !q.category && !q.channel && !(overdue && strcmp(overdue, "0")) &&
		  !req_query(req, "from") && !req_query(req, "to") && !req_query(req, "q") &&
		  !assigned_me;
	if (q.queue && !q.nst) /* every status: one range each */
		for (int k = 0; k < ST__COUNT; k++)
			q.sts[q.nst++] = appeal_status_name(k);
	if (!q.queue && filters_or_reply(req, &q))
		return;
	if (assigned_me)
		q.assignee = a->account_id;

	struct jw w = { 0 };
	jw_obj(&w, NULL);
	jw_arr(&w, "items");
	int rc = appeals_store_list(c, &q, &req->arena, &w, &n, &last);
	jw_end_arr(&w);
	if (n > q.limit)
		jw_str(&w, "next_cursor", arena_printf(&req->arena, "%lld", (long long)last));
	else
		jw_null(&w, "next_cursor");
	jw_end_obj(&w);
	appeal_reply_jw(req, rc, &w);
}

/* ---- one appeal -------------------------------------------------------- */

/* Load the appeal the caller may see into r: 0, or -1 answered (404 or 503). */
static int visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct visibility *v,
			    struct appeal_row *r)
{
	int rc;

	appeal_visibility(req, v);
	rc = appeal_load(c, v, id, r);
	return req_row_or_reply(req, rc, rc != DB_DONE, NULL);
}

static void get_appeal(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct visibility v;
	struct appeal_row r;
	int64_t id;
	json_t *out = NULL, *tl, *ln, *acts;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || visible_or_reply(req, c, id, &v, &r))
		return;
	rc = appeal_store_detail(c, id, clock_now(), &out);
	if (req_row_or_reply(req, rc, out != NULL, NULL))
		return;
	tl = appeal_store_timeline(c, id, 0);
	ln = appeal_store_links(c, id);
	if (!tl || !ln) {
		json_decref(tl);
		json_decref(ln);
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	acts = json_array();
	for (int act = 0; act < ACT__COUNT; act++)
		if (appeal_may(au, &r, act))
			json_array_append_new(acts, json_string(appeal_action_name(act)));
	json_object_set_new(out, "version", json_integer(r.version));
	json_object_set_new(out, "timeline", tl);
	json_object_set_new(out, "links", ln);
	json_object_set_new(out, "allowed_actions", acts);
	reply_json(req, 200, out);
}

/* ---- tracking by case number ------------------------------------------- */

struct track_failure {
	const char *key;
	int64_t now;
};

static int track_failure_tx(struct db_conn *c, void *ctx)
{
	struct track_failure *x = ctx;

	return throttle_fail_lock(c, x->key, x->now, TRACK_MAX_FAILURES,
				  x->now + TRACK_LOCK_SECONDS);
}

static void track_appeal(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *case_no = req_param(req, "case_no"), *last4 = req_query(req, "phone_last4");
	char key[64];
	int64_t now = clock_now(), locked = 0, id = 0;
	json_t *out = NULL, *tl;
	int rc;

	if (!c)
		return;
	if (!case_no || strlen(case_no) < 9 || strlen(case_no) > 20 ||
	    strspn(case_no, "0123456789") != strlen(case_no)) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (!last4 || strlen(last4) != 4 || strspn(last4, "0123456789") != 4) {
		reply_invalid(req, "phone_last4", "the last 4 digits of the contact phone");
		return;
	}
	snprintf(key, sizeof key, "track:%s", case_no);
	if (throttle_locked_until(c, key, &locked) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (locked > now) {
		reply_error(req, ERR_TRACK_LOCKED);
		return;
	}
	rc = appeal_store_track(c, case_no, last4, &out, &id);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc != DB_ROW) {
		/* Count the failure whether or not the case exists. */
		db_tx_run(c, track_failure_tx, &(struct track_failure){ key, now });
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	tl = appeal_store_timeline(c, id, 1);
	if (!tl) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(out, "timeline", tl);
	reply_json(req, 200, out);
}

/*
 * POST /api/v1/appeals/:id/contact — the reporter's phone in plaintext, for
 * the handler's call-back (回访). Staff who may handle and see the appeal;
 * every reveal is audited.
 */
static void reveal_contact(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct visibility v;
	struct appeal_row r;
	unsigned char blob[PII_MAX_BLOB];
	char phone[PII_MAX_PLAIN + 1] = "";
	size_t n = 0;
	int64_t id;
	int rc, ok = 1;

	if (!c || req_param_id_or_reply(req, "id", &id) || visible_or_reply(req, c, id, &v, &r))
		return;
	if (!v.lo[0]) { /* staff only: a reporter knows their own number */
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	rc = appeal_store_phone(c, id, blob, sizeof blob, &n);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc == 1 || (n && pii_decrypt(req->srv->pii, PII_PHONE, blob, n, phone) < 0))
		ok = 0;
	sodium_memzero(blob, sizeof blob);
	audit_request(req, "appeal.contact_reveal", "appeal", id, ok ? "ok" : "failed",
		      JB_OBJ(jb_take("fields", JB_ARR(jv_str("contact_phone")))));
	if (!ok) {
		reply_error_ex(req, ERR_INTERNAL,
			       "The stored data cannot be decrypted with this key.", NULL);
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_int("id", id), jb_str("case_no", r.case_no),
			  jb_str_or_null("phone", phone[0] ? phone : NULL)));
	sodium_memzero(phone, sizeof phone);
}

const struct route appeal_routes[] = {
	{ "POST", "/api/v1/appeals/:id/contact", reveal_contact, R_AUTH, "appeal:handle", 0 },
	{ "GET", "/api/v1/appeals", list_appeals, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/appeals/track/:case_no", track_appeal, 0, NULL, 0 },
	{ "GET", "/api/v1/appeals/:id", get_appeal, R_AUTH, NULL, 0 },
	{ 0 },
};
