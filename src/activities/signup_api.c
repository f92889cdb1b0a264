/*
 * signup_api.c — signing up for activities, the waitlist, check-in,
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
 * lock (activities_store_lock: an UPDATE of the row), then counts, then writes; the
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
#include "activities/activities.h"

#include "activities/activities_int.h"
#include "core/jbuild.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "messages/messages.h"
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
	int rc = signups_store_confirmed(c, a->id, &confirmed);

	if (rc < 0)
		return rc;
	while (confirmed < a->capacity) {
		int64_t sid = 0, account_id = 0;
		rc = signups_store_first_waitlisted(c, a->id, &sid, &account_id);
		if (rc != DB_ROW)
			return rc == DB_DONE ? 0 : rc;
		rc = signups_store_promote(c, sid, now);
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
	int64_t *ids, n, no_account;
	int rc = signups_store_live_accounts(c, a->id, &ids, &n, &no_account);

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

static void reply_state(struct req *req, const char *status, const char *action)
{
	reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
		       JB_OBJ(jb_str("status", status), jb_str("action", action)));
}

/* A resident of the staff member's scope, and the account bound to it (0: none). */
static int resident_in_scope_or_reply(struct req *req, struct db_conn *c, int64_t resident_id,
				      int64_t *account_id)
{
	const char *lo = req_auth(req)->unit_path;
	char hi[256];
	int rc;

	path_upper(lo, hi, sizeof hi);
	rc = signups_store_resident_in(c, resident_id, lo, hi, 1, account_id);
	return req_ok_or_invalid(req, rc, rc == DB_ROW, "resident_id", "a resident in your area");
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
	int rc = activities_store_lock(c, id, &a.capacity);

	x->pos = 0;
	x->sid = 0;
	if (rc == DB_DONE) {
		reply_state(req, "cancelled", "signup");
		return DB_EABORT;
	}
	if (rc >= 0)
		rc = signups_store_live(c, id, account_id, resident_id, &n);
	if (rc >= 0 && n > 0) {
		reply_error(req, ERR_ACTIVITY_SIGNED_UP);
		return DB_EABORT;
	}
	if (rc >= 0)
		rc = signups_store_confirmed(c, id, &n);
	x->status = n < a.capacity ? "confirmed" : "waitlisted";
	if (rc >= 0)
		rc = signups_store_insert(c, id, account_id, resident_id, req_auth(req)->account_id,
					  x->status, now, &x->sid);
	if (rc == DB_ECONSTRAINT) {
		/* the partial unique indexes: one live sign-up per account and per resident */
		reply_error(req, ERR_ACTIVITY_SIGNED_UP);
		return DB_EABORT;
	}
	rc = rc < 0 ? rc : 0;
	if (rc == 0 && !strcmp(x->status, "waitlisted"))
		rc = signups_store_position(c, id, x->sid, &x->pos);
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
	return audit_write_after(rc, req, c, "activity.signup", "activity", id,
				 JB_OBJ(jb_int("signup_id", x->sid), jb_str("status", x->status),
					jb_bool("on_behalf", x->staff)));
}

/* {"resident_id"}: staff sign a resident up; a resident sends {} for themselves. */
struct signup_body {
	int64_t resident_id;
};
static const struct body_field signup_fields[] = {
	BF_ID(struct signup_body, resident_id, "resident_id", BF_OPTIONAL),
};

static void create_signup(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	int staff = activity_is_manager(req);
	int64_t id, resident_id = 0, account_id = 0, now = clock_now();
	struct signup_body b;
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
	if (BODY_READ_OR_REPLY(req, signup_fields, &b, NULL))
		return;
	if (staff) {
		if (!b.resident_id) {
			reply_invalid(req, "resident_id", "required");
			return;
		}
		resident_id = b.resident_id;
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
			       JB_OBJ(jb_take("required", tags_json(a.eligibility)),
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
	reply_tx_refused(req, rc, ERR_NONE, 201,
			 JB_OBJ(jb_int("id", x.sid), jb_str("status", x.status),
				jb_int("activity_id", id),
				jb_take("position", x.pos ? json_integer(x.pos) : json_null())));
}

/* ---- one sign-up: cancel, check in ---------------------------------------- */

/* Load sign-up sid of activity a; a non-manager only their own. 0 or -1 answered. */
static int signup_or_reply(struct req *req, struct db_conn *c, const struct activity *a,
			   int64_t sid, struct signup *s)
{
	const struct auth *au = req_auth(req);
	int rc = signups_store_get(c, a->id, sid, s), ok = 0;

	if (rc == DB_ROW)
		ok = activity_is_manager(req) ||
		     (s->account_id && s->account_id == au->account_id) ||
		     (au->resident_id > 0 && s->resident_id == au->resident_id);
	return req_row_or_reply(req, rc, ok, NULL);
}

static int cancel_signup_tx(struct db_conn *c, void *ctx)
{
	struct signup_change *x = ctx;
	struct req *req = x->req;
	const struct signup *s = x->s;
	struct activity a = *x->a;
	const char *reason = x->reason;
	int64_t id = x->id, sid = x->sid, now = x->now, changed = 0;
	int rc = activities_store_lock(c, id, &a.capacity);

	json_array_clear(x->promoted);
	if (rc == DB_DONE)
		snprintf(a.status, sizeof a.status, "cancelled");
	if (rc >= 0)
		rc = signups_store_cancel(c, sid, s->status, reason ? reason : "", now, &changed);
	if (rc == 0 && changed != 1) {
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
	return audit_write_after(rc, req, c, "activity.signup_cancel", "activity", id,
				 JB_OBJ(jb_int("signup_id", sid), jb_ref("promoted", x->promoted)));
}

/* {"reason"?}: told to the resident when staff cancel. */
static void cancel_signup(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int staff = activity_is_manager(req);
	const char *reason;
	int64_t id, sid, now = clock_now();
	struct activity a;
	struct signup s;
	json_t *promoted;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    req_param_id_or_reply(req, "sid", &sid) ||
	    body_str_or_reply(req, "reason", BF_OPTIONAL, 200, "", &reason) ||
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
	reply_tx_refused(req, rc, ERR_NONE, 200,
			 JB_OBJ(jb_int("id", sid), jb_str("status", "cancelled")));
}

/* DB_EABORT: checked in already (or no longer confirmed) */
static int check_in_tx(struct db_conn *c, void *ctx)
{
	struct signup_change *x = ctx;
	int64_t changed = 0;
	int rc = signups_store_check_in(c, x->sid, req_auth(x->req)->account_id, x->now, &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "activity.check_in", "activity", x->id,
				 JB_OBJ(jb_int("signup_id", x->sid)));
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

/* {"code"}: the activity's check-in code or the venue's public code, as scanned. */
/* The resident at the door: the activity's code, or its venue's, finds their sign-up due now. */
static void check_in_by_code(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *code;
	int64_t now = clock_now(), known = 0, sid = 0, activity_id = 0,
		rid = au->resident_id > 0 ? au->resident_id : 0;
	int rc;

	if (!c || body_str_or_reply(req, "code", BF_REQUIRED, 40, NULL, &code))
		return;
	rc = signups_store_code_known(c, code, &known);
	if (req_row_or_reply(req, rc, known, NULL))
		return;
	rc = signups_store_due(c, code, au->account_id, rid, now + ACTIVITY_CHECK_IN_EARLY_S, now,
			       &sid, &activity_id);
	if (req_ok_or_reply(req, rc, sid != 0, ERR_ACTIVITY_NO_CHECK_IN))
		return;
	check_in(req, c, activity_id, sid, now);
}

/* The activity's check-in QR code, BASE/a/<check_in_code>, for its managers to print. */
static void activity_qr(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct activity a;
	const char *code = NULL;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    activity_visible_or_reply(req, c, id, &a, NULL))
		return;
	if (activities_store_code(c, &req->arena, id, &code) != DB_ROW) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_public_qr(req, "a", code, a.title);
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

/* A page of sign-ups, and what their attendance is judged by. */
struct signup_page {
	struct page p;
	int64_t ends_at, now; /* the list's activity's end (a record: each row's) */
};

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* The page with its summary (stolen), or NULL having answered. */
static json_t *page_or_reply(struct page *p, int rc, json_t *summary)
{
	json_t *out = page_finish_or_reply(p, rc);

	if (out)
		json_object_set_new(out, "summary", summary);
	else
		json_decref(summary);
	return out;
}

static int signup_row(void *ctx, const struct signup_view *v)
{
	struct signup_page *x = ctx;
	json_t *o = JB_OBJ(jb_int("id", v->id), jb_str("status", v->status),
			   jb_str("attendance",
				  attendance(v->status, v->checked_in_at != 0, x->ends_at, x->now)),
			   jb_take("account_id", id_or_null(v->account_id)),
			   jb_take("resident_id", id_or_null(v->resident_id)));
	if (!o)
		return page_add(&x->p, v->id, NULL);
	json_object_set_new(o, "name", json_string(v->name));
	json_object_set_new(
		o, "signed_up_by",
		JB_OBJ(jb_int("id", v->signed_up_by), jb_str("name", v->signed_up_by_name)));
	json_object_set_new(o, "created_at", activity_time_json(v->created_at));
	json_object_set_new(o, "promoted_at", activity_time_json(v->promoted_at));
	json_object_set_new(o, "checked_in_at", activity_time_json(v->checked_in_at));
	json_object_set_new(o, "cancel_reason", json_string(v->cancel_reason));
	json_object_set_new(o, "position",
			    !strcmp(v->status, "waitlisted") ? json_integer(v->position)
							     : json_null());
	return page_add(&x->p, v->id, o);
}

static void list_signups(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status");
	struct signup_page x = { .now = clock_now() };
	int64_t id, checked = 0;
	struct activity a;
	json_t *out;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || page_begin_or_reply(req, &x.p) ||
	    activity_visible_or_reply(req, c, id, &a, NULL))
		return;
	if (status && strcmp(status, "confirmed") && strcmp(status, "waitlisted") &&
	    strcmp(status, "cancelled")) {
		reply_invalid(req, "status", "confirmed, waitlisted or cancelled");
		return;
	}
	x.ends_at = a.ends_at;
	rc = signups_store_list(c, id, x.p.cursor, status, x.p.limit + 1, signup_row, &x);
	if (rc >= 0)
		rc = signups_store_checked_in(c, id, &checked);
	out = page_or_reply(&x.p, rc,
			    JB_OBJ(jb_int("capacity", a.capacity), jb_int("confirmed", a.confirmed),
				   jb_int("waitlisted", a.waitlisted),
				   jb_int("checked_in", checked)));
	if (out)
		reply_json(req, 200, out);
}

static int record_row(void *ctx, const struct record_view *v)
{
	struct signup_page *x = ctx;
	char b1[32], b2[32];
	json_t *o = JB_OBJ(
		jb_int("id", v->id), jb_str("status", v->status),
		jb_str("attendance",
		       attendance(v->status, v->checked_in_at != 0, v->ends_at, x->now)),
		jb_take("activity",
			JB_OBJ(jb_int("id", v->activity_id), jb_str("title", v->title),
			       jb_str("start", clock_format_shanghai(v->starts_at, b1)),
			       jb_str("end", clock_format_shanghai(v->ends_at, b2)),
			       jb_str("place", v->place), jb_str("status", v->activity_status),
			       jb_take("unit", JB_OBJ(jb_int("id", (json_int_t)v->unit_id),
						      jb_str("name", v->unit_name))))));
	if (o) {
		json_object_set_new(o, "checked_in_at", activity_time_json(v->checked_in_at));
		json_object_set_new(o, "created_at", activity_time_json(v->created_at));
	}
	return page_add(&x->p, v->id, o);
}

/*
 * Whose record: staff name a resident of their scope (?resident_id=, and the
 * account bound to it counts too); a resident sees their own. 0, or -1
 * having answered.
 */
static int record_holder_or_reply(struct req *req, struct db_conn *c, int64_t *resident_id,
				  int64_t *account_id)
{
	const struct auth *au = req_auth(req);
	const char *param = req_query(req, "resident_id");
	char hi[256];
	int rc;

	if (param && parse_int64(param, 1, INT64_MAX, resident_id)) {
		reply_invalid(req, "resident_id", "expected a resident id");
		return -1;
	}
	if (!activity_is_manager(req)) {
		if (param && *resident_id != au->resident_id) {
			reply_error(req, ERR_NOT_FOUND);
			return -1;
		}
		*account_id = au->account_id;
		*resident_id = au->resident_id > 0 ? au->resident_id : 0;
		return 0;
	}
	if (!param) {
		reply_invalid(req, "resident_id", "required");
		return -1;
	}
	/* a resident outside the scope is not found */
	path_upper(au->unit_path, hi, sizeof hi);
	rc = signups_store_resident_in(c, *resident_id, au->unit_path, hi, 0, account_id);
	if (req_found_or_reply(req, rc))
		return -1;
	return 0;
}

/* The sign-ups of one holder, newest first (the cursor is the last sign-up id seen). */
static void attendance_record(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct signup_page x = { .now = clock_now() };
	int64_t resident_id = 0, account_id = 0, counts[3] = { 0 };
	json_t *out;
	int rc;

	if (!c || page_begin_or_reply(req, &x.p) ||
	    record_holder_or_reply(req, c, &resident_id, &account_id))
		return;
	rc = signups_store_record(c, account_id, resident_id, x.p.cursor ? x.p.cursor : INT64_MAX,
				  x.p.limit + 1, record_row, &x);
	/* the whole record in three numbers */
	if (rc >= 0)
		rc = signups_store_record_counts(c, account_id, resident_id, x.now, counts);
	out = page_or_reply(&x.p, rc,
			    JB_OBJ(jb_int("attended", counts[0]), jb_int("absent", counts[1]),
				   jb_int("expected", counts[2])));
	if (!out)
		return;
	json_object_set_new(out, "resident_id",
			    resident_id ? json_integer(resident_id) : json_null());
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
