/*
 * activity_signup.c — signing up for activities, the waitlist, check-in,
 * the record of attendance, and the messages to those signed up.
 *
 *   POST /api/v1/activities/:id/signups              a resident for themselves (service:use);
 *                                                    staff {resident_id} on their behalf
 *   GET  /api/v1/activities/:id/signups?status=      activity:manage: the list with attendance
 *   POST /api/v1/activities/:id/signups/:sid/cancel  {reason?} the resident before the start,
 *                                                    staff before the end
 *   POST /api/v1/activities/:id/signups/:sid/check-in   activity:manage
 *   POST /api/v1/activities/check-in {code}          the resident at the door (service:use)
 *   GET  /api/v1/activities/:id/qr.svg               activity:manage: the code to put up
 *   GET  /api/v1/activities/attendance?resident_id=  staff: a resident's record; residents
 *                                                    their own
 *
 * The guarantee: never more confirmed sign-ups than places. Every
 * transaction that adds or cancels a sign-up first takes the activity row's
 * lock (activity_lock: an UPDATE of the row), then counts, then writes; the
 * lock is held to the commit, so the count each one sees is the truth on
 * both databases (SQLite's write lock serialises them anyway; PostgreSQL's
 * row lock makes the second wait, and READ COMMITTED lets its next statement
 * see the first one's sign-up). A sign-up past capacity is waitlisted; the
 * waitlist is in sign-up (id) order, and its position is counted, not
 * stored. When a confirmed sign-up is cancelled, or the capacity grows,
 * activity_fill confirms the first waitlisted ones in the same transaction
 * and tells each of them.
 *
 * Eligibility: an activity may name resident tags (living_alone,
 * all_elderly, disabled, low_income, and the age tags aged_80_plus and child
 * derived from the birth month); a resident with any one of them may sign up.
 * The tags are the resident record's, so an account not yet bound to one has
 * none and may sign up only for activities open to everyone.
 *
 * Attendance is checked_in_at. Staff check a confirmed sign-up in from 30
 * minutes before the start, also afterwards (a record made after the
 * event); the resident checks in alone by scanning the activity's QR code, or
 * the venue's when the activity is held at one, from 30 minutes before the
 * start to the end. A confirmed sign-up of an ended activity not checked in
 * reads as absent.
 */
#include "service/service.h"

#include "core/jbuild.h"
#include "service/activity_int.h"

#include "messages/messages.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the waitlist --------------------------------------------------------- */

int activity_fill(struct req *req, struct db_conn *c, const struct activity *a, int64_t now,
		  json_t *promoted)
{
	int64_t confirmed = 0;
	char b1[32];
	int rc = db_query_int64(c, &confirmed,
				"SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND "
				"status = 'confirmed'",
				"i", a->id);

	if (rc < 0)
		return rc;
	while (confirmed < a->capacity) {
		struct db_stmt *st;
		int64_t sid = 0, account_id = 0;
		rc = db_prepare(c,
				"SELECT id, account_id FROM activity_signups WHERE activity_id = ? "
				"AND status = 'waitlisted' ORDER BY id LIMIT 1",
				&st);
		if (rc < 0)
			return rc;
		db_bind_int64(st, 1, a->id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			sid = db_col_int64(st, 0);
			account_id = db_col_is_null(st, 1) ? 0 : db_col_int64(st, 1);
		}
		db_reset(st);
		if (rc != DB_ROW)
			return rc == DB_DONE ? 0 : rc;
		rc = db_run(c,
			    "UPDATE activity_signups SET status = 'confirmed', promoted_at = ?, "
			    "updated_at = ? WHERE id = ? AND status = 'waitlisted'",
			    "iii", now, now, sid);
		if (rc < 0)
			return rc;
		const char *title = arena_printf(&req->arena, "活动候补转正：%s", a->title);
		const char *when = clock_format_shanghai(a->starts_at, b1);
		/* a resident without an account: the organising unit tells them */
		rc = account_id
			     ? message_add(
				       c, account_id, 0, 0, "activity", title,
				       arena_printf(&req->arena,
						    "有名额空出，您的候补报名已转为正式报名。%s %s",
						    when, a->place),
				       now)
			     : message_add(
				       c, 0, a->unit_id, 0, "activity", title,
				       arena_printf(
					       &req->arena,
					       "报名 #%lld（居民无账号）已转正，请告知本人。%s %s",
					       (long long)sid, when, a->place),
				       now);
		if (rc < 0)
			return rc;
		if (promoted)
			json_array_append_new(promoted, json_integer(sid));
		confirmed++;
	}
	return 0;
}

int activity_tell_signed_up(struct db_conn *c, const struct activity *a, const char *title,
			    const char *body, int64_t now)
{
	struct db_stmt *st;
	int64_t *ids = NULL, n = 0, cap = 0, no_account = 0;
	int rc = db_prepare(c,
			    "SELECT account_id FROM activity_signups WHERE activity_id = ? AND "
			    "status <> 'cancelled' ORDER BY id",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, a->id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (db_col_is_null(st, 0)) {
			no_account++;
			continue;
		}
		if (n == cap) {
			int64_t *p = realloc(ids, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *p);
			if (!p) {
				rc = DB_ENOMEM;
				break;
			}
			ids = p;
		}
		ids[n++] = db_col_int64(st, 0);
	}
	db_reset(st);
	rc = rc == DB_DONE ? 0 : rc;
	for (int64_t i = 0; rc == 0 && i < n; i++)
		rc = message_add(c, ids[i], 0, 0, "activity", title, body, now);
	free(ids);
	if (rc == 0 && no_account) {
		char more[64];
		snprintf(more, sizeof more, "（%lld 位无账号居民需另行通知）",
			 (long long)no_account);
		char *text = malloc(strlen(body) + sizeof more);
		if (!text)
			return DB_ENOMEM;
		sprintf(text, "%s%s", body, more);
		rc = message_add(c, 0, a->unit_id, 0, "activity", title, text, now);
		free(text);
	}
	return rc;
}

/* ---- signing up ------------------------------------------------------------ */

/* Does the resident (0: no record, no tags) carry one of the activity's tags? 1, 0, or <0. */
static int eligible(struct db_conn *c, const struct activity *a, int64_t resident_id, int64_t now)
{
	char tags[256] = "", *tok, *save = NULL, buf[160];
	int rc;

	if (!*a->eligibility)
		return 1;
	if (resident_id) {
		rc = resident_tags_get(c, resident_id, now, tags, sizeof tags);
		if (rc < 0)
			return rc;
	}
	snprintf(buf, sizeof buf, "%s", a->eligibility);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (tag_in_list(tags, tok))
			return 1;
	return 0;
}

static json_t *list_json(const char *list)
{
	json_t *arr = json_array();
	char buf[160], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(tok));
	return arr;
}

static void reply_state(struct req *req, const char *status, const char *action)
{
	reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
		       JB_OBJ(jb_str("status", status), jb_str("action", action)));
}

/* A resident of the staff member's scope, and the account bound to it (0: none). */
static int resident_in_scope_or_reply(struct req *req, struct db_conn *c, int64_t resident_id,
				      int64_t *account_id)
{
	const struct auth *au = req_auth(req);
	struct db_stmt *st;
	char hi[256];
	int rc;

	path_upper(au->unit_path, hi, sizeof hi);
	rc = db_prepare(c,
			"SELECT r.id, (SELECT MIN(x.id) FROM accounts x WHERE x.resident_id = "
			"r.id AND x.disabled = 0) FROM residents r WHERE r.id = ? AND "
			"r.unit_path >= ? AND r.unit_path < ?",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	db_bind_int64(st, 1, resident_id);
	db_bind_text(st, 2, au->unit_path, -1);
	db_bind_text(st, 3, hi, -1);
	rc = db_step(st);
	*account_id = rc == DB_ROW && !db_col_is_null(st, 1) ? db_col_int64(st, 1) : 0;
	db_reset(st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW) {
		reply_invalid(req, "resident_id", "a resident in your area");
		return -1;
	}
	return 0;
}

/*
 * The sign-up writes, each one db_tx_run() transaction under the activity's
 * row lock. DB_EABORT: refused under the lock and answered in the callback;
 * never retried. Each run starts from the activity as read before it.
 */
struct signup_change {
	struct req *req;
	const struct activity *a;
	const struct signup *s;
	int staff;
	int64_t id, sid, account_id, resident_id, now;
	const char *reason;
	json_t *promoted;
	const char *status; /* out */
	int64_t pos;	    /* out */
};

static int create_signup_tx(struct db_conn *c, void *ctx)
{
	struct signup_change *x = ctx;
	struct req *req = x->req;
	struct activity a = *x->a;
	int64_t id = x->id, account_id = x->account_id, resident_id = x->resident_id, now = x->now,
		n = 0;
	char b1[32];
	/* the capacity as it is once the lock is held; cancelled meanwhile? */
	int rc = activity_lock(c, id, &a.capacity);

	x->pos = 0;
	x->sid = 0;
	if (rc == DB_DONE) {
		reply_state(req, "cancelled", "signup");
		return DB_EABORT;
	}
	if (rc >= 0)
		rc = db_query_int64(c, &n,
				    "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? "
				    "AND status <> 'cancelled' AND ((? > 0 AND account_id = ?) OR "
				    "(? > 0 AND resident_id = ?))",
				    "iiiii", id, account_id, account_id, resident_id, resident_id);
	if (rc >= 0 && n > 0) {
		reply_error(req, ERR_ACTIVITY_SIGNED_UP);
		return DB_EABORT;
	}
	if (rc >= 0)
		rc = db_query_int64(c, &n,
				    "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? "
				    "AND status = 'confirmed'",
				    "i", id);
	x->status = n < a.capacity ? "confirmed" : "waitlisted";
	if (rc >= 0)
		rc = db_query_int64(
			c, &x->sid,
			"INSERT INTO activity_signups (activity_id, account_id, resident_id, "
			"signed_up_by, status, created_at, updated_at) VALUES (?, NULLIF(CAST(? "
			"AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?) RETURNING id",
			"iiiitii", id, account_id, resident_id, req_auth(req)->account_id,
			x->status, now, now);
	if (rc == DB_ECONSTRAINT) {
		/* the partial unique indexes: one live sign-up per account and per resident */
		reply_error(req, ERR_ACTIVITY_SIGNED_UP);
		return DB_EABORT;
	}
	rc = rc < 0 ? rc : 0;
	if (rc == 0 && !strcmp(x->status, "waitlisted"))
		rc = db_query_int64(c, &x->pos,
				    "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? "
				    "AND status = 'waitlisted' AND id <= ?",
				    "ii", id, x->sid);
	rc = rc < 0 ? rc : 0;
	/* signed up by staff: the resident hears of it */
	if (rc == 0 && x->staff && account_id)
		rc = message_add(c, account_id, 0, 0, "activity",
				 arena_printf(&req->arena, "%s：%s",
					      !strcmp(x->status, "confirmed") ? "活动报名成功"
									      : "活动候补报名",
					      a.title),
				 arena_printf(&req->arena, "工作人员已为您报名。%s %s",
					      clock_format_shanghai(a.starts_at, b1), a.place),
				 now);
	if (rc == 0)
		rc = audit_write(req, c, "activity.signup", "activity", id,
				 JB_OBJ(jb_int("signup_id", x->sid), jb_str("status", x->status),
					jb_bool("on_behalf", x->staff)));
	return rc;
}

static void create_signup(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	int staff = activity_is_manager(req);
	int64_t id, resident_id = 0, account_id = 0, now = clock_now();
	struct signup_change x;
	struct activity a;
	char b1[32], b2[32];
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (!staff && !auth_can(req, "service:use")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (staff) {
		if (json_get_int_or_reply(req, req->json, "resident_id", 1, 1, INT64_MAX,
					  &resident_id))
			return;
	} else {
		account_id = au->account_id;
		resident_id = au->resident_id > 0 ? au->resident_id : 0;
	}
	if (activity_visible_or_reply(req, c, id, &a, NULL))
		return;
	if (strcmp(a.status, "published")) {
		reply_state(req, a.status, "signup");
		return;
	}
	if (now < a.opens_at || now >= a.closes_at) {
		reply_error_ex(req, ERR_ACTIVITY_SIGNUP_CLOSED, NULL,
			       JB_OBJ(jb_str("opens_at", clock_format_shanghai(a.opens_at, b1)),
				      jb_str("closes_at", clock_format_shanghai(a.closes_at, b2))));
		return;
	}
	if (staff && resident_in_scope_or_reply(req, c, resident_id, &account_id))
		return;
	rc = eligible(c, &a, resident_id, now);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (!rc) {
		reply_error_ex(req, ERR_ACTIVITY_NOT_ELIGIBLE, NULL,
			       JB_OBJ(jb_take("required", list_json(a.eligibility)),
				      jb_str("match", "any")));
		return;
	}

	x = (struct signup_change){ .req = req,
				    .a = &a,
				    .staff = staff,
				    .id = id,
				    .account_id = account_id,
				    .resident_id = resident_id,
				    .now = now };
	rc = db_tx_run(c, create_signup_tx, &x);
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.sid), jb_str("status", x.status), jb_int("activity_id", id),
			jb_take("position", x.pos ? json_integer(x.pos) : json_null())));
}

/* ---- one sign-up: cancel, check in ---------------------------------------- */

struct signup {
	int64_t id, account_id, resident_id, checked_in_at;
	char status[16];
};

/* Load sign-up sid of activity a; a non-manager only their own. 0 or -1 answered. */
static int signup_or_reply(struct req *req, struct db_conn *c, const struct activity *a,
			   int64_t sid, struct signup *s)
{
	const struct auth *au = req_auth(req);
	struct db_stmt *st;
	int rc, ok = 0;

	if (db_prepare(c,
		       "SELECT account_id, resident_id, status, checked_in_at FROM "
		       "activity_signups WHERE id = ? AND activity_id = ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	db_bind_int64(st, 1, sid);
	db_bind_int64(st, 2, a->id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		memset(s, 0, sizeof *s);
		s->id = sid;
		s->account_id = db_col_is_null(st, 0) ? 0 : db_col_int64(st, 0);
		s->resident_id = db_col_is_null(st, 1) ? 0 : db_col_int64(st, 1);
		snprintf(s->status, sizeof s->status, "%s", db_col_text(st, 2));
		s->checked_in_at = db_col_is_null(st, 3) ? 0 : db_col_int64(st, 3);
		ok = activity_is_manager(req) ||
		     (s->account_id && s->account_id == au->account_id) ||
		     (au->resident_id > 0 && s->resident_id == au->resident_id);
	}
	db_reset(st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (!ok) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

static int cancel_signup_tx(struct db_conn *c, void *ctx)
{
	struct signup_change *x = ctx;
	struct req *req = x->req;
	const struct signup *s = x->s;
	struct activity a = *x->a;
	const char *reason = x->reason;
	int64_t id = x->id, sid = x->sid, now = x->now;
	int rc = activity_lock(c, id, &a.capacity);

	json_array_clear(x->promoted);
	if (rc == DB_DONE)
		snprintf(a.status, sizeof a.status, "cancelled");
	if (rc >= 0)
		rc = db_run(c,
			    "UPDATE activity_signups SET status = 'cancelled', cancel_reason = ?, "
			    "updated_at = ? WHERE id = ? AND status = ? AND checked_in_at IS NULL",
			    "tiit", reason ? reason : "", now, sid, s->status);
	if (rc == 0 && db_changes(c) != 1) {
		/* changed meanwhile: cancelled, promoted or checked in */
		reply_state(req, s->status, "cancel");
		return DB_EABORT;
	}
	if (rc == 0 && !strcmp(s->status, "confirmed") && !strcmp(a.status, "published"))
		rc = activity_fill(req, c, &a, now, x->promoted);
	if (rc == 0 && s->account_id && s->account_id != req_auth(req)->account_id) {
		char b1[32];
		rc = message_add(c, s->account_id, 0, 0, "activity",
				 arena_printf(&req->arena, "活动报名已取消：%s", a.title),
				 arena_printf(&req->arena, "%s %s%s%s",
					      clock_format_shanghai(a.starts_at, b1), a.place,
					      reason && *reason ? "：" : "", reason ? reason : ""),
				 now);
	}
	if (rc == 0)
		rc = audit_write(req, c, "activity.signup_cancel", "activity", id,
				 JB_OBJ(jb_int("signup_id", sid), jb_ref("promoted", x->promoted)));
	return rc;
}

static void cancel_signup(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int staff = activity_is_manager(req);
	const char *reason = "";
	int64_t id, sid, now = clock_now();
	struct activity a;
	struct signup s;
	json_t *promoted;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    req_param_id_or_reply(req, "sid", &sid) ||
	    json_get_str_or_reply(req, req->json, "reason", 0, 200, &reason) < 0 ||
	    activity_visible_or_reply(req, c, id, &a, NULL) || signup_or_reply(req, c, &a, sid, &s))
		return;
	if (!strcmp(s.status, "cancelled") || s.checked_in_at ||
	    now >= (staff ? a.ends_at : a.starts_at)) {
		reply_state(req, s.checked_in_at ? "checked_in" : s.status, "cancel");
		return;
	}
	promoted = json_array();
	rc = db_tx_run(c, cancel_signup_tx,
		       &(struct signup_change){ .req = req,
						.a = &a,
						.s = &s,
						.id = id,
						.sid = sid,
						.now = now,
						.reason = reason,
						.promoted = promoted });
	json_decref(promoted);
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", sid), jb_str("status", "cancelled")));
}

/* DB_EABORT: checked in already (or no longer confirmed) */
static int check_in_tx(struct db_conn *c, void *ctx)
{
	struct signup_change *x = ctx;
	int rc = db_run(c,
			"UPDATE activity_signups SET checked_in_at = ?, checked_in_by = ?, "
			"updated_at = ? WHERE id = ? AND status = 'confirmed' AND "
			"checked_in_at IS NULL",
			"iiii", x->now, req_auth(x->req)->account_id, x->now, x->sid);

	if (rc == 0 && db_changes(c) != 1)
		return DB_EABORT;
	if (rc == 0)
		rc = audit_write(x->req, c, "activity.check_in", "activity", x->id,
				 JB_OBJ(jb_int("signup_id", x->sid)));
	return rc;
}

/* Write the check-in of a confirmed sign-up, in its own transaction. */
static void check_in(struct req *req, struct db_conn *c, int64_t activity_id, int64_t sid,
		     int64_t now)
{
	char b1[32];
	int rc = db_tx_run(
		c, check_in_tx,
		&(struct signup_change){ .req = req, .id = activity_id, .sid = sid, .now = now });

	if (rc == DB_EABORT)
		reply_state(req, "checked_in", "check_in");
	else
		reply_tx(req, rc, 200,
			 JB_OBJ(jb_int("id", sid), jb_int("activity_id", activity_id),
				jb_str("checked_in_at", clock_format_shanghai(now, b1))));
}

static void check_in_signup(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id, sid, now = clock_now();
	struct activity a;
	struct signup s;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    req_param_id_or_reply(req, "sid", &sid) ||
	    activity_visible_or_reply(req, c, id, &a, NULL) || signup_or_reply(req, c, &a, sid, &s))
		return;
	if (strcmp(a.status, "published")) {
		reply_state(req, a.status, "check_in");
		return;
	}
	if (strcmp(s.status, "confirmed") || s.checked_in_at ||
	    now < a.starts_at - ACTIVITY_CHECK_IN_EARLY_S) {
		reply_state(req, s.checked_in_at ? "checked_in" : s.status, "check_in");
		return;
	}
	check_in(req, c, id, sid, now);
}

/* The resident at the door: the activity's code, or its venue's, finds their sign-up due now. */
static void check_in_by_code(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *code = NULL;
	int64_t now = clock_now(), known = 0, sid = 0, activity_id = 0,
		rid = au->resident_id > 0 ? au->resident_id : 0;
	struct db_stmt *st;
	int rc;

	if (!c || json_get_str_or_reply(req, req->json, "code", 1, 40, &code))
		return;
	rc = db_query_int64(c, &known,
			    "SELECT (SELECT COUNT(*) FROM activities WHERE check_in_code = ?) + "
			    "(SELECT COUNT(*) FROM venues WHERE public_code = ?)",
			    "tt", code, code);
	if (rc < 0 || !known) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	rc = db_prepare(c,
			"SELECT s.id, a.id FROM activity_signups s JOIN activities a ON a.id = "
			"s.activity_id WHERE s.status = 'confirmed' AND s.checked_in_at IS NULL "
			"AND a.status = 'published' AND (s.account_id = ? OR (? > 0 AND "
			"s.resident_id = ?)) AND a.starts_at <= ? AND a.ends_at > ? AND "
			"(a.check_in_code = ? OR a.venue_id = (SELECT v.id FROM venues v WHERE "
			"v.public_code = ?)) ORDER BY a.starts_at LIMIT 1",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = {
		DB_ARG_I(au->account_id),
		DB_ARG_I(rid),
		DB_ARG_I(rid),
		DB_ARG_I(now + ACTIVITY_CHECK_IN_EARLY_S),
		DB_ARG_I(now),
		DB_ARG_T(code),
		DB_ARG_T(code),
	};
	db_bind_args(st, args, (int)(sizeof args / sizeof *args));
	rc = db_step(st);
	if (rc == DB_ROW) {
		sid = db_col_int64(st, 0);
		activity_id = db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (!sid) {
		reply_error(req, ERR_ACTIVITY_NO_CHECK_IN);
		return;
	}
	check_in(req, c, activity_id, sid, now);
}

/* The activity's check-in QR code, BASE/a/<check_in_code>, for its managers to print. */
static void activity_qr(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct db_stmt *st;
	struct activity a;
	char *code = NULL, *svg;
	size_t len;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    activity_visible_or_reply(req, c, id, &a, NULL))
		return;
	if (db_prepare(c, "SELECT check_in_code FROM activities WHERE id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW)
		code = arena_strdup(&req->arena, db_col_text(st, 0));
	db_reset(st);
	if (!code) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	svg = station_qr_svg(arena_printf(&req->arena, "%s/a/%s", public_link_base(req), code),
			     a.title, &len);
	if (!svg) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_bytes(req, 200, "image/svg+xml; charset=utf-8", svg, len);
	free(svg);
}

/* ---- lists: an activity's sign-ups, a resident's attendance --------------- */

/* What a sign-up came to: attended, absent, expected, waitlisted or cancelled. */
static const char *attendance(const char *status, int checked_in, int64_t ends_at, int64_t now)
{
	if (checked_in)
		return "attended";
	if (!strcmp(status, "confirmed"))
		return now >= ends_at ? "absent" : "expected";
	return status;
}

static void list_signups(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status");
	int64_t id, limit, cursor, n = 0, last = 0, now = clock_now(), checked = 0;
	struct activity a;
	struct db_stmt *st;
	json_t *items, *out;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    req_page_or_reply(req, &limit, &cursor) ||
	    activity_visible_or_reply(req, c, id, &a, NULL))
		return;
	if (status && strcmp(status, "confirmed") && strcmp(status, "waitlisted") &&
	    strcmp(status, "cancelled")) {
		reply_invalid(req, "status", "confirmed, waitlisted or cancelled");
		return;
	}
	rc = db_prepare(
		c,
		"SELECT s.id, s.status, s.account_id, s.resident_id, COALESCE(r.name, "
		"acc.display_name), s.signed_up_by, sb.display_name, s.created_at, "
		"s.promoted_at, s.checked_in_at, s.cancel_reason, (SELECT COUNT(*) FROM "
		"activity_signups w WHERE w.activity_id = s.activity_id AND w.status = "
		"'waitlisted' AND w.id <= s.id) FROM activity_signups s JOIN accounts sb ON "
		"sb.id = s.signed_up_by LEFT JOIN residents r ON r.id = s.resident_id LEFT JOIN "
		"accounts acc ON acc.id = s.account_id WHERE s.activity_id = ? AND s.id > ? AND "
		"(CAST(? AS TEXT) IS NULL OR s.status = ?) ORDER BY s.id LIMIT ?",
		&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = { DB_ARG_I(id), DB_ARG_I(cursor), DB_ARG_T(status),
				       DB_ARG_T(status), DB_ARG_I(limit + 1) };
	db_bind_args(st, args, 5);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		const char *s = db_col_text(st, 1);
		last = db_col_int64(st, 0);
		json_t *o = JB_OBJ(
			jb_int("id", last), jb_str("status", s),
			jb_str("attendance", attendance(s, !db_col_is_null(st, 9), a.ends_at, now)),
			jb_take("account_id", db_col_is_null(st, 2)
						      ? json_null()
						      : json_integer(db_col_int64(st, 2))),
			jb_take("resident_id", db_col_is_null(st, 3)
						       ? json_null()
						       : json_integer(db_col_int64(st, 3))));
		if (!o)
			continue;
		json_object_set_new(o, "name", json_string(db_col_text(st, 4)));
		json_object_set_new(o, "signed_up_by",
				    JB_OBJ(jb_int("id", db_col_int64(st, 5)),
					   jb_str("name", db_col_text(st, 6))));
		json_object_set_new(o, "created_at", activity_time_json(st, 7));
		json_object_set_new(o, "promoted_at", activity_time_json(st, 8));
		json_object_set_new(o, "checked_in_at", activity_time_json(st, 9));
		json_object_set_new(o, "cancel_reason", json_string(db_col_text(st, 10)));
		json_object_set_new(o, "position",
				    !strcmp(s, "waitlisted") ? json_integer(db_col_int64(st, 11))
							     : json_null());
		json_array_append_new(items, o);
	}
	db_reset(st);
	if (rc >= 0)
		rc = db_query_int64(c, &checked,
				    "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? "
				    "AND checked_in_at IS NOT NULL",
				    "i", id);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	out = page_json(req, items, n > limit, last);
	json_object_set_new(out, "summary",
			    JB_OBJ(jb_int("capacity", a.capacity), jb_int("confirmed", a.confirmed),
				   jb_int("waitlisted", a.waitlisted),
				   jb_int("checked_in", checked)));
	reply_json(req, 200, out);
}

/*
 * The sign-ups of one holder: staff name a resident of their scope (and the
 * account bound to it counts too); a resident sees their own.
 */
static void attendance_record(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *param = req_query(req, "resident_id");
	int64_t resident_id = 0, account_id = 0, limit, cursor, n = 0, last = 0, now = clock_now();
	int64_t counts[3] = { 0 };
	struct db_stmt *st;
	json_t *items, *out;
	int rc;

	if (!c || req_page_or_reply(req, &limit, &cursor))
		return;
	if (param && parse_int64(param, 1, INT64_MAX, &resident_id)) {
		reply_invalid(req, "resident_id", "expected a resident id");
		return;
	}
	if (activity_is_manager(req)) {
		if (!param) {
			reply_invalid(req, "resident_id", "required");
			return;
		}
		rc = 0;
		{
			/* a resident outside the scope is not found */
			struct db_stmt *q;
			char hi[256];
			path_upper(au->unit_path, hi, sizeof hi);
			rc = db_prepare(c,
					"SELECT (SELECT MIN(x.id) FROM accounts x WHERE "
					"x.resident_id = r.id) FROM residents r WHERE r.id = ? AND "
					"r.unit_path >= ? AND r.unit_path < ?",
					&q);
			if (rc == 0) {
				db_bind_int64(q, 1, resident_id);
				db_bind_text(q, 2, au->unit_path, -1);
				db_bind_text(q, 3, hi, -1);
				rc = db_step(q);
				if (rc == DB_ROW && !db_col_is_null(q, 0))
					account_id = db_col_int64(q, 0);
				db_reset(q);
			}
		}
		if (rc != DB_ROW) {
			reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
			return;
		}
	} else {
		if (param && resident_id != au->resident_id) {
			reply_error(req, ERR_NOT_FOUND);
			return;
		}
		account_id = au->account_id;
		resident_id = au->resident_id > 0 ? au->resident_id : 0;
	}
	/* newest first: the cursor is the last sign-up id seen */
	rc = db_prepare(c,
			"SELECT s.id, s.status, s.checked_in_at, a.id, a.title, a.starts_at, "
			"a.ends_at, a.place, v.name, a.status, u.id, u.name, s.created_at "
			"FROM activity_signups s JOIN activities a ON a.id = s.activity_id "
			"JOIN units u ON u.id = a.unit_id LEFT JOIN venues v ON v.id = a.venue_id "
			"WHERE ((? > 0 AND s.account_id = ?) OR (? > 0 AND s.resident_id = ?)) "
			"AND s.id < ? ORDER BY s.id DESC LIMIT ?",
			&st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = { DB_ARG_I(account_id),
				       DB_ARG_I(account_id),
				       DB_ARG_I(resident_id),
				       DB_ARG_I(resident_id),
				       DB_ARG_I(cursor ? cursor : INT64_MAX),
				       DB_ARG_I(limit + 1) };
	db_bind_args(st, args, 6);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		char b1[32], b2[32];
		const char *place = db_col_text(st, 7);
		last = db_col_int64(st, 0);
		json_t *o = JB_OBJ(
			jb_int("id", last), jb_str("status", db_col_text(st, 1)),
			jb_str("attendance", attendance(db_col_text(st, 1), !db_col_is_null(st, 2),
							db_col_int64(st, 6), now)),
			jb_take("activity",
				JB_OBJ(jb_int("id", db_col_int64(st, 3)),
				       jb_str("title", db_col_text(st, 4)),
				       jb_str("start",
					      clock_format_shanghai(db_col_int64(st, 5), b1)),
				       jb_str("end",
					      clock_format_shanghai(db_col_int64(st, 6), b2)),
				       jb_str("place", *place || db_col_is_null(st, 8)
							       ? place
							       : db_col_text(st, 8)),
				       jb_str("status", db_col_text(st, 9)),
				       jb_take("unit",
					       JB_OBJ(jb_int("id",
							     (json_int_t)db_col_int64(st, 10)),
						      jb_str("name", db_col_text(st, 11)))))));
		if (!o)
			continue;
		json_object_set_new(o, "checked_in_at", activity_time_json(st, 2));
		json_object_set_new(o, "created_at", activity_time_json(st, 12));
		json_array_append_new(items, o);
	}
	db_reset(st);
	/* the whole record in three numbers */
	if (rc >= 0)
		rc = db_prepare(
			c,
			"SELECT COUNT(s.checked_in_at), SUM(CASE WHEN s.status = "
			"'confirmed' AND s.checked_in_at IS NULL AND a.ends_at <= ? THEN 1 "
			"ELSE 0 END), SUM(CASE WHEN s.status = 'confirmed' AND "
			"s.checked_in_at IS NULL AND a.ends_at > ? THEN 1 ELSE 0 END) FROM "
			"activity_signups s JOIN activities a ON a.id = s.activity_id "
			"WHERE (? > 0 AND s.account_id = ?) OR (? > 0 AND s.resident_id = ?)",
			&st);
	if (rc >= 0) {
		const struct db_arg sargs[] = { DB_ARG_I(now),	       DB_ARG_I(now),
						DB_ARG_I(account_id),  DB_ARG_I(account_id),
						DB_ARG_I(resident_id), DB_ARG_I(resident_id) };
		db_bind_args(st, sargs, 6);
		rc = db_step(st);
		for (int i = 0; rc == DB_ROW && i < 3; i++)
			counts[i] = db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
		db_reset(st);
	}
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	out = page_json(req, items, n > limit, last);
	json_object_set_new(out, "resident_id",
			    resident_id ? json_integer(resident_id) : json_null());
	json_object_set_new(out, "summary",
			    JB_OBJ(jb_int("attended", counts[0]), jb_int("absent", counts[1]),
				   jb_int("expected", counts[2])));
	reply_json(req, 200, out);
}

const struct route activity_signup_routes[] = {
	{ "POST", "/api/v1/activities/:id/signups", create_signup, R_AUTH | R_JSON, NULL, 0 },
	{ "GET", "/api/v1/activities/:id/signups", list_signups, 0, "activity:manage", 0 },
	{ "POST", "/api/v1/activities/:id/signups/:sid/cancel", cancel_signup, R_AUTH | R_JSON,
	  NULL, 0 },
	{ "POST", "/api/v1/activities/:id/signups/:sid/check-in", check_in_signup, R_JSON,
	  "activity:manage", 0 },
	{ "POST", "/api/v1/activities/check-in", check_in_by_code, R_JSON, "service:use", 0 },
	{ "GET", "/api/v1/activities/attendance", attendance_record, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/activities/:id/qr.svg", activity_qr, 0, "activity:manage", 0 },
	{ 0 },
};
