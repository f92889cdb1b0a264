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
 * The list is built from fixed SQL fragments chosen by the filters given;
 * every value is bound.
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

static json_t *time_or_null(int64_t t)
{
	char buf[32];

	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

static json_t *json_text_or(const char *text, const char *fallback)
{
	json_t *v = json_loads(text ? text : fallback, 0, NULL);

	return v ? v : json_loads(fallback, 0, NULL);
}

/* ---- the list ---------------------------------------------------------- */

#define LIST_SELECT                                                                                \
	"SELECT a.id, a.case_no, c.code, c.name, a.title, a.status, a.channel, a.unit_id, "        \
	"u.name, a.handler_unit_id, h.name, a.assignee_id, a.created_at, a.accept_due, "           \
	"a.handle_due, a.rating, a.rework_count, u.kind, h.kind FROM appeals a JOIN "              \
	"appeal_categories c ON c.id "                                                             \
	"= a.category_id JOIN units u ON u.id = a.unit_id JOIN units h ON h.id = "                 \
	"a.handler_unit_id "

static void time_or_null_w(struct jw *w, const char *key, int64_t t)
{
	char buf[32];

	jw_str(w, key, t ? clock_format_shanghai(t, buf) : NULL);
}

/* One list row, written straight as JSON text (the lists' hot path). */
static void list_item(struct jw *w, struct db_stmt *st, int64_t now)
{
	int status = appeal_status_parse(db_col_text(st, 5));
	int64_t ad = db_col_int64(st, 13), hd = db_col_int64(st, 14);

	jw_obj(w, NULL);
	jw_int(w, "id", db_col_int64(st, 0));
	jw_str(w, "case_no", db_col_text(st, 1));
	jw_obj(w, "category");
	jw_str(w, "code", db_col_text(st, 2));
	jw_str(w, "name", db_col_text(st, 3));
	jw_end_obj(w);
	jw_str(w, "title", db_col_text(st, 4));
	jw_str(w, "status", db_col_text(st, 5));
	jw_str(w, "channel", db_col_text(st, 6));
	jw_obj(w, "unit");
	jw_int(w, "id", db_col_int64(st, 7));
	jw_str(w, "name", db_col_text(st, 8));
	jw_str(w, "kind", db_col_text(st, 17));
	jw_end_obj(w);
	jw_obj(w, "handler_unit");
	jw_int(w, "id", db_col_int64(st, 9));
	jw_str(w, "name", db_col_text(st, 10));
	jw_str(w, "kind", db_col_text(st, 18));
	jw_end_obj(w);
	if (db_col_is_null(st, 11))
		jw_null(w, "assignee_id");
	else
		jw_int(w, "assignee_id", db_col_int64(st, 11));
	time_or_null_w(w, "created_at", db_col_int64(st, 12));
	time_or_null_w(w, "accept_due", ad);
	time_or_null_w(w, "handle_due", hd);
	jw_str(w, "rating", db_col_text(st, 15));
	jw_int(w, "rework_count", db_col_int64(st, 16));
	jw_bool(w, "overdue", appeal_is_overdue(status, ad, hd, now));
	jw_end_obj(w);
}

/* The same row as a jansson object, for answers that add to it. */
static json_t *list_item_json(struct db_stmt *st, int64_t now)
{
	struct jw w = { 0 };
	size_t len;
	char *text;
	json_t *v;

	list_item(&w, st, now);
	text = jw_finish(&w, &len);
	v = text ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	return v;
}

static void list_appeals(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *unit = req_query(req, "unit"), *status = req_query(req, "status"),
		   *cat = req_query(req, "category"), *channel = req_query(req, "channel"),
		   *overdue = req_query(req, "overdue"), *from = req_query(req, "from"),
		   *to = req_query(req, "to"), *q = req_query(req, "q"),
		   *mine = req_query(req, "mine"), *assigned = req_query(req, "assigned");
	char sql[4096];
	struct db_arg b[48];
	int nb = 0, staff = auth_can(req, "appeal:read");
	int64_t limit, cursor, n = 0, last = 0, now = clock_now(), t;
	struct scope sc;
	struct db_stmt *st;
	int rc;

	if (!c || req_page_or_reply(req, &limit, &cursor))
		return;
#define ADD(frag) strncat(sql, frag, sizeof sql - strlen(sql) - 1)
#define BIND_I(v) (b[nb++] = DB_ARG_I(v))
#define BIND_T(v) (b[nb++] = DB_ARG_T(v))
	/* One status, or several separated by commas. */
	const char *sts[ST__COUNT];
	int nst = 0;
	if (status) {
		char *copy = arena_strdup(&req->arena, status), *tok, *save = NULL;
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (appeal_status_parse(tok) < 0 || nst == ST__COUNT) {
				reply_invalid(req, "status",
					      "submitted, accepted, rejected, "
					      "dispatched, handling, resolved, "
					      "closed, rated or merged");
				return;
			}
			sts[nst++] = tok;
		}
		if (!nst) {
			reply_invalid(req, "status", "must not be empty");
			return;
		}
	}
	int own = !staff || (mine && !strcmp(mine, "1"));
	if (!own && scope_unit_or_reply(req, c, unit, &sc))
		return;
	if (!own && !cat && !channel && !(overdue && strcmp(overdue, "0")) && !from && !to && !q &&
	    !(assigned && !strcmp(assigned, "me"))) {
		/*
		 * The work queue: scope, status, newest first. appeal_scope holds
		 * a row per (unit on the place's or handler's path, appeal) with
		 * the status, so each status is one index range read backwards,
		 * LIMIT rows long, at any level of the tree.
		 */
		if (!nst) /* every status: one range each */
			for (int k = 0; k < ST__COUNT; k++)
				sts[nst++] = appeal_status_name(k);
		snprintf(sql, sizeof sql, "%s WHERE a.id IN (SELECT appeal_id FROM (", LIST_SELECT);
		for (int k = 0; k < nst; k++) {
			char part[200];
			snprintf(part, sizeof part,
				 "%sSELECT appeal_id FROM (SELECT s.appeal_id FROM appeal_scope s "
				 "WHERE "
				 "s.unit_id = ?%s%s ORDER BY s.appeal_id DESC LIMIT ?) s%d",
				 k ? " UNION ALL " : "", " AND s.status = ?",
				 cursor ? " AND s.appeal_id < ?" : "", k);
			ADD(part);
			BIND_I(sc.unit.id);
			BIND_T(sts[k]);
			if (cursor)
				BIND_I(cursor);
			BIND_I(limit + 1);
		}
		ADD(") q ORDER BY appeal_id DESC LIMIT ?) ORDER BY a.id DESC");
		BIND_I(limit + 1);
		goto run;
	}
	snprintf(sql, sizeof sql, "%s WHERE ", LIST_SELECT);
	if (own) {
		/* A resident (or staff asking for their own reports) sees what they reported. */
		ADD("a.reporter_id = ?");
		BIND_I(a->account_id);
	} else {
		/*
		 * For the whole district the path ranges filter nothing: walking
		 * the table newest first and stopping at the page is cheaper than
		 * reading both path indexes and sorting (a text search over a
		 * million appeals: 1.2 s instead of 7 s when the word is rare,
		 * 0.1 s when it is common). "|| ''" keeps the planner off them.
		 */
		if (sc.unit.depth == 0)
			ADD("(((a.unit_path || '') >= ? AND (a.unit_path || '') < ?) OR "
			    "((a.handler_path || '') >= ? AND (a.handler_path || '') < ?))");
		else
			ADD("((a.unit_path >= ? AND a.unit_path < ?) OR (a.handler_path >= ? AND "
			    "a.handler_path < ?))");
		BIND_T(sc.lo);
		BIND_T(sc.hi);
		BIND_T(sc.lo);
		BIND_T(sc.hi);
	}
	for (int k = 0; k < nst; k++) {
		ADD(k == 0 ? " AND a.status IN (?" : ", ?");
		BIND_T(sts[k]);
	}
	if (nst)
		ADD(")");
	if (cat) {
		ADD(" AND c.code = ?");
		BIND_T(cat);
	}
	if (channel) {
		ADD(" AND a.channel = ?");
		BIND_T(channel);
	}
	if (assigned && !strcmp(assigned, "me")) {
		ADD(" AND a.assignee_id = ?");
		BIND_I(a->account_id);
	}
	if (overdue && !strcmp(overdue, "1")) {
		ADD(" AND ((a.status = 'submitted' AND a.accept_due < ?) OR (a.status IN "
		    "('accepted', 'dispatched', 'handling') AND a.handle_due < ?))");
		BIND_I(now);
		BIND_I(now);
	} else if (overdue && strcmp(overdue, "0")) {
		reply_invalid(req, "overdue", "1 or 0");
		return;
	}
	if (from) {
		if (clock_parse_iso(from, &t) < 0) {
			reply_invalid(req, "from", "an ISO 8601 date or time");
			return;
		}
		ADD(" AND a.created_at >= ?");
		BIND_I(t);
	}
	if (to) {
		if (clock_parse_iso(to, &t) < 0) {
			reply_invalid(req, "to", "an ISO 8601 date or time");
			return;
		}
		ADD(" AND a.created_at < ?");
		BIND_I(t);
	}
	if (q) {
		size_t qn = strlen(q);
		if (qn == 0 || qn > 100) {
			reply_invalid(req, "q", "1 to 100 bytes");
			return;
		}
		/* Substring search: works for Chinese without a tokenizer. */
		char *pat = arena_alloc(&req->arena, qn * 2 + 3), *p = pat;
		*p++ = '%';
		for (const char *s = q; *s; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '%';
		*p = '\0';
		ADD(" AND (a.search_text LIKE ? ESCAPE '\\' OR a.case_no = ?)");
		BIND_T(pat);
		BIND_T(q);
	}
	if (cursor) {
		ADD(" AND a.id < ?");
		BIND_I(cursor);
	}
	ADD(" ORDER BY a.id DESC LIMIT ?");
	BIND_I(limit + 1);
#undef ADD
#undef BIND_I
#undef BIND_T
run:
	if (db_prepare(c, sql, &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_args(st, b, nb);
	struct jw w = { 0 };
	jw_obj(&w, NULL);
	jw_arr(&w, "items");
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		list_item(&w, st, now);
	}
	db_reset(st);
	if (rc < 0) {
		jw_discard(&w);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	jw_end_arr(&w);
	if (n > limit)
		jw_str(&w, "next_cursor", arena_printf(&req->arena, "%lld", (long long)last));
	else
		jw_null(&w, "next_cursor");
	jw_end_obj(&w);
	size_t len = 0;
	char *text = jw_finish(&w, &len);
	reply_json_text(req, 200, text, len);
}

/* ---- one appeal -------------------------------------------------------- */

/* The timeline. public: only what an anonymous reporter may read. */
static json_t *timeline(struct db_conn *c, int64_t id, int public)
{
	static const char *const public_notes[] = { "submit", "reject", "resolve",
						    "verify", "rate",	NULL };
	struct db_stmt *st;
	json_t *out = json_array();
	int rc =
		db_prepare(c,
			   "SELECT e.id, e.at, e.actor_name, e.action, e.from_status, e.to_status, "
			   "e.note, e.photos, e.details FROM appeal_events e WHERE e.appeal_id = ? "
			   "ORDER BY e.id",
			   &st);

	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	db_bind_int64(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *action = db_col_text(st, 3);
		int show_note = !public;
		for (int i = 0; public && public_notes[i]; i++)
			if (!strcmp(action, public_notes[i]))
				show_note = 1;
		json_t *ev = JB_OBJ(jb_int("id", db_col_int64(st, 0)),
				    jb_take("at", time_or_null(db_col_int64(st, 1))),
				    jb_str("action", action),
				    jb_str("actor", public ? "" : db_col_text(st, 2)),
				    jb_str_or_null("from_status", db_col_text(st, 4)),
				    jb_str("to_status", db_col_text(st, 5)));
		json_object_set_new(ev, "note", json_string(show_note ? db_col_text(st, 6) : ""));
		json_object_set_new(ev, "photos", json_text_or(db_col_text(st, 7), "[]"));
		if (!public)
			json_object_set_new(ev, "details", json_text_or(db_col_text(st, 8), "{}"));
		json_array_append_new(out, ev);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *links(struct db_conn *c, int64_t id)
{
	struct db_stmt *st;
	json_t *out = json_array();

	if (db_prepare(c,
		       "SELECT l.other_id, a.case_no, a.status FROM appeal_links l JOIN appeals a "
		       "ON a.id = l.other_id WHERE l.appeal_id = ? ORDER BY l.other_id",
		       &st) < 0) {
		json_decref(out);
		return NULL;
	}
	db_bind_int64(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, JB_OBJ(jb_int("id", db_col_int64(st, 0)),
						  jb_str("case_no", db_col_text(st, 1)),
						  jb_str("status", db_col_text(st, 2))));
	db_reset(st);
	return out;
}

static void get_appeal(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct visibility v;
	struct appeal_row r;
	struct db_stmt *st;
	int64_t id, now = clock_now();
	json_t *out = NULL, *tl, *ln, *acts;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	appeal_visibility(req, &v);
	rc = appeal_load(c, &v, id, &r);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc == DB_DONE) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	rc = db_prepare(
		c,
		"SELECT a.id, a.case_no, c.code, c.name, a.title, a.status, a.channel, a.unit_id, "
		"u.name, a.handler_unit_id, h.name, a.assignee_id, a.created_at, a.accept_due, "
		"a.handle_due, a.rating, a.rework_count, u.kind, h.kind, a.description, a.address, "
		"a.lng, a.lat, "
		"a.photos, a.contact_name, a.contact_phone_mask, a.station_id, a.accepted_at, "
		"a.resolved_at, a.closed_at, a.escalations, a.extension_hours, a.extension_reason, "
		"a.merged_into, a.overdue_at, a.reopen_count, a.dispatcher_unit_id, "
		"acc.display_name "
		"FROM appeals a JOIN appeal_categories c ON c.id = a.category_id JOIN units u ON "
		"u.id = a.unit_id JOIN units h ON h.id = a.handler_unit_id LEFT JOIN accounts acc "
		"ON "
		"acc.id = a.assignee_id WHERE a.id = ?",
		&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		out = list_item_json(st, now);
		json_object_set_new(out, "description", json_string(db_col_text(st, 19)));
		json_object_set_new(out, "address", json_string(db_col_text(st, 20)));
		json_object_set_new(out, "lng",
				    db_col_is_null(st, 21) ? json_null()
							   : json_real(db_col_double(st, 21)));
		json_object_set_new(out, "lat",
				    db_col_is_null(st, 22) ? json_null()
							   : json_real(db_col_double(st, 22)));
		json_object_set_new(out, "photos", json_text_or(db_col_text(st, 23), "[]"));
		json_object_set_new(out, "contact",
				    JB_OBJ(jb_str("name", db_col_text(st, 24)),
					   jb_str("phone", db_col_text(st, 25))));
		json_object_set_new(out, "station_id",
				    db_col_is_null(st, 26) ? json_null()
							   : json_integer(db_col_int64(st, 26)));
		json_object_set_new(out, "accepted_at", time_or_null(db_col_int64(st, 27)));
		json_object_set_new(out, "resolved_at", time_or_null(db_col_int64(st, 28)));
		json_object_set_new(out, "closed_at", time_or_null(db_col_int64(st, 29)));
		json_object_set_new(out, "escalations", json_integer(db_col_int64(st, 30)));
		json_object_set_new(out, "extension_request",
				    db_col_int64(st, 31)
					    ? JB_OBJ(jb_int("hours", db_col_int64(st, 31)),
						     jb_str("reason", db_col_text(st, 32)))
					    : json_null());
		json_object_set_new(out, "merged_into",
				    db_col_is_null(st, 33) ? json_null()
							   : json_integer(db_col_int64(st, 33)));
		json_object_set_new(out, "was_overdue", json_boolean(!db_col_is_null(st, 34)));
		json_object_set_new(out, "reopen_count", json_integer(db_col_int64(st, 35)));
		json_object_set_new(out, "dispatcher_unit_id",
				    db_col_is_null(st, 36) ? json_null()
							   : json_integer(db_col_int64(st, 36)));
		json_object_set_new(out, "assignee_name",
				    db_col_text(st, 37) ? json_string(db_col_text(st, 37))
							: json_null());
	}
	db_reset(st);
	if (!out) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	tl = timeline(c, id, 0);
	ln = links(c, id);
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

	return db_run(c,
		      "INSERT INTO login_throttle (username, failures, locked_until, "
		      "updated_at) VALUES (?, 1, 0, ?) ON CONFLICT (username) DO "
		      "UPDATE SET failures = CASE WHEN login_throttle.locked_until > 0 "
		      "AND login_throttle.locked_until <= excluded.updated_at THEN 1 "
		      "ELSE login_throttle.failures + 1 END, locked_until = CASE WHEN "
		      "login_throttle.failures + 1 >= ? AND login_throttle.locked_until "
		      "<= excluded.updated_at THEN ? ELSE login_throttle.locked_until "
		      "END, updated_at = excluded.updated_at",
		      "tiii", x->key, x->now, (int64_t)TRACK_MAX_FAILURES,
		      x->now + TRACK_LOCK_SECONDS);
}

static void track_appeal(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *case_no = req_param(req, "case_no"), *last4 = req_query(req, "phone_last4");
	char key[64];
	int64_t now = clock_now(), locked = 0, id = 0;
	struct db_stmt *st;
	json_t *out = NULL, *tl;
	int rc, match = 0;

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
	rc = db_query_int64(c, &locked,
			    "SELECT locked_until FROM login_throttle WHERE username = ?", "t", key);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (locked > now) {
		reply_error(req, ERR_TRACK_LOCKED);
		return;
	}
	rc = db_prepare(c,
			"SELECT a.id, a.case_no, c.name, a.title, a.status, a.created_at, "
			"a.closed_at, a.rating, a.phone_last4, h.name FROM appeals a JOIN "
			"appeal_categories c ON c.id = a.category_id JOIN units h ON h.id = "
			"a.handler_unit_id WHERE a.case_no = ?",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, case_no, -1);
	if (db_step(st) == DB_ROW) {
		match = !strcmp(db_col_text(st, 8), last4) && *db_col_text(st, 8);
		if (match) {
			id = db_col_int64(st, 0);
			out = JB_OBJ(jb_int("id", id), jb_str("case_no", db_col_text(st, 1)),
				     jb_str("category", db_col_text(st, 2)),
				     jb_str("title", db_col_text(st, 3)),
				     jb_str("status", db_col_text(st, 4)),
				     jb_take("created_at", time_or_null(db_col_int64(st, 5))),
				     jb_take("closed_at", time_or_null(db_col_int64(st, 6))),
				     jb_str("handler_unit", db_col_text(st, 9)),
				     jb_str_or_null("rating", db_col_text(st, 7)));
		}
	}
	db_reset(st);
	if (!match) {
		/* Count the failure whether or not the case exists. */
		db_tx_run(c, track_failure_tx, &(struct track_failure){ key, now });
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	tl = timeline(c, id, 1);
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
	struct db_stmt *st;
	char phone[PII_MAX_PLAIN + 1] = "";
	int64_t id;
	int rc, ok = 1;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	appeal_visibility(req, &v);
	rc = appeal_load(c, &v, id, &r);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc != DB_ROW || !v.lo[0]) { /* staff only: a reporter knows their own number */
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (db_prepare(c, "SELECT contact_phone_enc FROM appeals WHERE id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		size_t n;
		const void *b = db_col_blob(st, 0, &n);
		if (b && n && pii_decrypt(req->srv->pii, PII_PHONE, b, n, phone) < 0)
			ok = 0;
	}
	db_reset(st);
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
