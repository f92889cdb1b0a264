/*
 * appeal_actions.c — POST /api/v1/appeals/:id/actions: the state machine.
 *
 * One transaction per action: load the row the caller may see, check the
 * action against the state (appeal_flow.c) and the actor (appeal_may), apply
 * it, write the row back guarded by its version, append the event, the
 * messages and the outbox entry. Any refusal of state or actor is 409
 * appeal.invalid_transition; a row the caller cannot see is 404.
 *
 * Who may act (besides the state):
 *   accept, reject, dispatch, escalate, transfer, extend, merge
 *                        staff (appeal:handle) whose subtree holds the handler unit
 *   sign, return         the assignee, or such staff when nobody is assigned
 *   resolve              the assignee, or staff whose subtree holds the handler unit
 *   approve_extension    staff of a unit strictly above the handler unit
 *   verify               staff whose subtree holds the dispatching (else handler) unit,
 *                        other than the account that resolved it
 *   rate                 the reporter; for anonymous or on-behalf reports, staff
 *                        recording a follow-up call (回访)
 *   link                 staff who see both appeals
 *   comment              anyone who sees the appeal
 */
#include "appeals/appeals_int.h"

#include "auth/auth.h"
#include "calendar/calendar.h"
#include "attach/attach.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void appeal_visibility(const struct req *req, struct visibility *v)
{
	const struct auth *a = req_auth(req);

	memset(v, 0, sizeof *v);
	if (!a)
		return;
	v->account_id = a->account_id;
	if (roles_grant(a->roles, "appeal:read")) {
		snprintf(v->lo, sizeof v->lo, "%s", a->unit_path);
		path_upper(a->unit_path, v->hi, sizeof v->hi);
	}
}

int appeal_is_overdue(int status, int64_t accept_due, int64_t handle_due, int64_t now)
{
	if (status == ST_SUBMITTED)
		return accept_due && now > accept_due;
	if (status == ST_ACCEPTED || status == ST_DISPATCHED || status == ST_HANDLING)
		return handle_due && now > handle_due;
	return 0;
}

static void copy_text(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static int in_scope(const struct auth *a, const char *path)
{
	return path && *path && path_within(path, a->unit_path);
}

int appeal_may(const struct auth *a, const struct appeal_row *r, int act)
{
	if (!a || !appeal_action_allowed(act, r->status))
		return 0;
	int staff = roles_grant(a->roles, "appeal:handle");
	int handler = staff && in_scope(a, r->handler_path);
	int64_t me = a->account_id;

	switch (act) {
	case ACT_ACCEPT:
	case ACT_REJECT:
	case ACT_DISPATCH:
	case ACT_TRANSFER:
	case ACT_MERGE: return handler;
	case ACT_ESCALATE: return handler && strchr(r->handler_path + 1, '/')[1] != '\0';
	case ACT_EXTEND: return handler && r->extension_hours == 0;
	case ACT_SIGN:
	case ACT_RETURN: return staff && (r->assignee_id == me || (r->assignee_id == 0 && handler));
	case ACT_RESOLVE: return staff && (r->assignee_id == me || handler);
	case ACT_APPROVE_EXTENSION:
		return handler && r->extension_hours > 0 && strcmp(a->unit_path, r->handler_path);
	case ACT_VERIFY:
		return staff &&
		       in_scope(a, r->dispatcher_path[0] ? r->dispatcher_path : r->handler_path) &&
		       r->resolved_by != me;
	case ACT_RATE:
		if (r->reporter_id)
			return r->reporter_id == me;
		return staff && (in_scope(a, r->unit_path) || handler);
	case ACT_LINK: return staff && roles_grant(a->roles, "appeal:read");
	case ACT_COMMENT: return 1; /* the caller already sees it */
	}
	return 0;
}

int appeal_save(struct db_conn *c, struct appeal_row *r, int from_status, const char *action,
		int64_t actor_id, const char *actor_name, const char *note, const char *photos,
		json_t *details, int64_t now)
{
	char *dtext = details ? json_dumps(details, JSON_COMPACT) : NULL;
	int rc;

	/* judged against the deadline in force until now, whatever this action sets */
	if (appeal_is_overdue(from_status, r->loaded_accept_due, r->loaded_handle_due, now) &&
	    !r->overdue_at)
		r->overdue_at =
			from_status == ST_SUBMITTED ? r->loaded_accept_due : r->loaded_handle_due;
	rc = appeal_store_update(c, r, now);
	if (rc == 0)
		rc = appeal_scope_write(c, r->id, r->unit_path, r->handler_path,
					appeal_status_name(r->status), 1);
	if (rc == 0)
		rc = appeal_event_insert(c,
					 &(struct appeal_event){
						 .appeal_id = r->id,
						 .at = now,
						 .actor_id = actor_id,
						 .actor_name = actor_name,
						 .action = action,
						 .from_status = appeal_status_name(from_status),
						 .to_status = appeal_status_name(r->status),
						 .note = note,
						 .photos = photos,
						 .details = dtext,
					 },
					 1);
	if (rc == 0 && r->reporter_id && r->reporter_id != actor_id &&
	    (r->status != from_status || !strcmp(action, "comment")))
		rc = message_add(c, r->reporter_id, 0, r->id, "appeal.updated",
				 appeal_status_name(r->status), r->case_no, now);
	if (rc == 0)
		rc = notify_enqueue(c, r->id, action,
				    JB_OBJ(jb_int("id", r->id), jb_str("case_no", r->case_no),
					   jb_str("status", appeal_status_name(r->status)),
					   jb_str("action", action), jb_int("at", now)),
				    now);
	free(dtext);
	r->version++;
	r->loaded_accept_due = r->accept_due;
	r->loaded_handle_due = r->handle_due;
	return rc;
}

/* ---- the handler ------------------------------------------------------- */

/* An account that may be assigned inside unit u: DB_ROW, DB_DONE, <0. */
static int assignee_ok(struct db_conn *c, int64_t account_id, const struct unit_ref *u)
{
	char hi[256];
	role_set roles = 0;
	int rc;

	path_upper(u->path, hi, sizeof hi);
	rc = account_roles_in(c, account_id, u->path, hi, &roles);
	if (rc == DB_ROW && !roles_grant(roles, "appeal:handle"))
		rc = DB_DONE;
	return rc;
}

static void refuse(struct req *req, const char *why)
{
	reply_error_ex(req, ERR_APPEAL_TRANSITION, why, NULL);
}

/* The body of every action: which fields an action needs is checked by the action. */
struct act_body {
	const char *action, *note, *rating;
	json_t *photos;
	int64_t unit_id, assignee_id, hours, into, other_id;
	int on_the_spot, approved, passed;
};
static const struct body_field act_fields[] = {
	BF_STR(struct act_body, action, "action", BF_REQUIRED, 0, 32),
	BF_STR(struct act_body, note, "note", BF_OPTIONAL, 0, 2000),
	BF_JSON(struct act_body, photos, "photos", BF_OPTIONAL, -1),
	BF_BOOL(struct act_body, on_the_spot, "on_the_spot", BF_OPTIONAL, 0), /* dispatch */
	BF_ID(struct act_body, unit_id, "unit_id", BF_OPTIONAL),	 /* dispatch, transfer */
	BF_ID(struct act_body, assignee_id, "assignee_id", BF_OPTIONAL), /* dispatch */
	BF_INT(struct act_body, hours, "hours", BF_OPTIONAL, 1, 720, 0), /* extend */
	BF_BOOL(struct act_body, approved, "approved", BF_OPTIONAL, 1),	 /* approve_extension */
	BF_BOOL(struct act_body, passed, "passed", BF_OPTIONAL, 0),	 /* verify */
	BF_STR(struct act_body, rating, "rating", BF_OPTIONAL, 0, 24),	 /* rate */
	BF_ID(struct act_body, into, "into", BF_OPTIONAL),		 /* merge */
	BF_ID(struct act_body, other_id, "other_id", BF_OPTIONAL),	 /* link */
};

struct act_ctx {
	struct req *req;
	struct act_body b;
	struct body_seen seen;
	struct db_conn *c;
	const struct auth *a;
	struct appeal_row r;
	struct category cat;
	int64_t now;
	const char *note;
	char *photos;
	json_t *details;
	const char *msg_title; /* a message to msg_account or msg_unit, if set */
	int64_t msg_account, msg_unit;
	/* the request, read before the transaction */
	const struct visibility *v;
	int64_t id;
	int act;
	const char *name;
	json_t *photos_in;
	int other_status; /* merge: the status of the appeal merged into */
};

/* Move the handler to unit u (escalate, transfer, return). */
static void set_handler(struct appeal_row *r, const struct unit_ref *u)
{
	r->handler_unit_id = u->id;
	copy_text(r->handler_path, sizeof r->handler_path, u->path);
}

static int db_fail(struct req *req)
{
	reply_error(req, ERR_DB_UNAVAILABLE);
	return -1;
}

/* A field this action needs (ok: it was sent): 0, or -1 answered. */
static int required(struct act_ctx *x, const char *key, int ok)
{
	if (ok)
		return 0;
	reply_invalid(x->req, key, "required");
	return -1;
}

/* The note this action needs: 0, or -1 answered. */
static int need_note(struct act_ctx *x, const char *why)
{
	if (x->note && *x->note)
		return 0;
	reply_invalid(x->req, "note", why);
	return -1;
}

/* The dispatching unit becomes the handler's (it will verify the result). */
static void take_dispatcher(struct appeal_row *r, int64_t now)
{
	r->dispatcher_unit_id = r->handler_unit_id;
	copy_text(r->dispatcher_path, sizeof r->dispatcher_path, r->handler_path);
	r->dispatched_at = now;
}

/* The appeal went to unit u: say so in the event and tell u. 0. */
static int moved_to(struct act_ctx *x, const struct unit_ref *u, const char *title)
{
	json_object_set_new(x->details, "unit_id", json_integer(u->id));
	x->msg_title = title;
	x->msg_unit = u->id;
	return 0;
}

static int act_dispatch(struct act_ctx *x)
{
	struct req *req = x->req;
	struct appeal_row *r = &x->r;
	struct unit_ref u;
	int64_t uid = x->b.unit_id, who = x->b.assignee_id;
	int rc;

	if (x->b.on_the_spot) { /* handled on the spot by the one who accepted it */
		take_dispatcher(r, x->now);
		r->assignee_id = x->a->account_id;
		r->status = ST_HANDLING;
		json_object_set_new(x->details, "on_the_spot", json_true());
		return 0;
	}
	if (required(x, "unit_id", uid))
		return -1;
	rc = unit_get(x->c, uid, &u);
	if (rc < 0)
		return db_fail(req);
	if (rc != DB_ROW || !in_scope(x->a, u.path)) {
		reply_invalid(req, "unit_id", "a unit inside your area");
		return -1;
	}
	if (who) {
		rc = assignee_ok(x->c, who, &u);
		if (rc < 0)
			return db_fail(req);
		if (rc != DB_ROW) {
			reply_invalid(req, "assignee_id",
				      "an active handling account of that unit");
			return -1;
		}
	}
	take_dispatcher(r, x->now);
	set_handler(r, &u);
	r->assignee_id = who;
	r->status = ST_DISPATCHED;
	json_object_set_new(x->details, "unit_id", json_integer(u.id));
	if (who)
		json_object_set_new(x->details, "assignee_id", json_integer(who));
	x->msg_title = "新派单待签收";
	x->msg_unit = u.id;
	x->msg_account = who;
	return 0;
}

static int act_return(struct act_ctx *x)
{
	struct appeal_row *r = &x->r;
	struct unit_ref u;

	if (need_note(x, "say why it is returned"))
		return -1;
	if (r->dispatcher_unit_id) {
		if (unit_get(x->c, r->dispatcher_unit_id, &u) != DB_ROW)
			return db_fail(x->req);
		set_handler(r, &u);
	}
	r->assignee_id = 0;
	r->status = ST_ACCEPTED;
	x->msg_title = "派单被回退";
	x->msg_unit = r->handler_unit_id;
	return 0;
}

static int act_escalate(struct act_ctx *x)
{
	struct appeal_row *r = &x->r;
	struct unit_ref h, u;

	if (unit_get(x->c, r->handler_unit_id, &h) != DB_ROW ||
	    unit_get(x->c, h.parent_id, &u) != DB_ROW)
		return db_fail(x->req);
	set_handler(r, &u);
	r->assignee_id = 0;
	r->escalations++;
	if (r->status != ST_SUBMITTED)
		r->status = ST_ACCEPTED;
	return moved_to(x, &u, "诉求上提待处理");
}

static int act_transfer(struct act_ctx *x)
{
	struct req *req = x->req;
	struct appeal_row *r = &x->r;
	struct unit_ref h, parent, u;
	int64_t uid = x->b.unit_id;
	int rc;

	if (required(x, "unit_id", uid))
		return -1;
	if (unit_get(x->c, r->handler_unit_id, &h) != DB_ROW)
		return db_fail(req);
	rc = unit_get(x->c, uid, &u);
	if (rc < 0)
		return db_fail(req);
	int near = h.parent_id && unit_get(x->c, h.parent_id, &parent) == DB_ROW && rc == DB_ROW &&
		   path_within(u.path, parent.path);
	if (rc != DB_ROW || u.id == h.id || (!in_scope(x->a, u.path) && !near)) {
		reply_invalid(req, "unit_id",
			      "another unit inside your area or beside the handler");
		return -1;
	}
	set_handler(r, &u);
	r->assignee_id = 0;
	if (r->status != ST_SUBMITTED) {
		r->dispatcher_unit_id = x->a->unit_id;
		copy_text(r->dispatcher_path, sizeof r->dispatcher_path, x->a->unit_path);
		r->status = ST_DISPATCHED;
		r->dispatched_at = x->now;
	}
	return moved_to(x, &u, "转办诉求待处理");
}

static int act_extend(struct act_ctx *x)
{
	struct req *req = x->req;
	struct appeal_row *r = &x->r;
	struct unit_ref h;
	int64_t n = x->b.hours;

	if (required(x, "hours", n) || need_note(x, "say why more time is needed"))
		return -1;
	r->extension_hours = n;
	copy_text(r->extension_reason, sizeof r->extension_reason, x->note);
	json_object_set_new(x->details, "hours", json_integer(n));
	if (unit_get(x->c, r->handler_unit_id, &h) != DB_ROW)
		return db_fail(req);
	x->msg_title = "延期申请待审批";
	x->msg_unit = h.parent_id;
	return 0;
}

static int act_approve_extension(struct act_ctx *x)
{
	struct appeal_row *r = &x->r;
	int flag = x->b.approved; /* optional: absent means approved */

	if (flag != 0 && r->handle_due)
		r->handle_due += r->extension_hours * 3600;
	json_object_set_new(x->details, "approved", json_boolean(flag != 0));
	json_object_set_new(x->details, "hours", json_integer(r->extension_hours));
	r->extension_hours = 0;
	r->extension_reason[0] = '\0';
	x->msg_title = flag != 0 ? "延期申请已批准" : "延期申请未批准";
	x->msg_unit = r->handler_unit_id;
	return 0;
}

static int act_verify(struct act_ctx *x)
{
	struct appeal_row *r = &x->r;
	int flag = x->b.passed;

	if (required(x, "passed",
		     body_has(&x->seen, act_fields, "passed") &&
			     !body_null(&x->seen, act_fields, "passed")))
		return -1;
	if (flag) {
		r->status = ST_CLOSED;
		r->closed_at = x->now;
	} else {
		if (need_note(x, "say what must be redone"))
			return -1;
		r->status = ST_HANDLING;
		r->rework_count++;
		r->resolved_by = 0;
		x->msg_title = "核查未通过，请返工";
		x->msg_unit = r->handler_unit_id;
		x->msg_account = r->assignee_id;
	}
	json_object_set_new(x->details, "passed", json_boolean(flag));
	return 0;
}

static int act_rate(struct act_ctx *x)
{
	struct req *req = x->req;
	struct appeal_row *r = &x->r;
	const char *rating = x->b.rating;

	if (required(x, "rating", rating != NULL))
		return -1;
	if (strcmp(rating, "satisfied") && strcmp(rating, "basically_satisfied") &&
	    strcmp(rating, "unsatisfied")) {
		reply_invalid(req, "rating", "satisfied, basically_satisfied or unsatisfied");
		return -1;
	}
	copy_text(r->rating, sizeof r->rating, rating);
	r->rated_at = x->now;
	json_object_set_new(x->details, "rating", json_string(rating));
	if (!r->reporter_id)
		json_object_set_new(x->details, "follow_up_call", json_true());
	if (strcmp(rating, "unsatisfied") || r->reopen_count != 0) {
		r->status = ST_RATED;
		return 0;
	}
	r->reopen_count = 1;
	r->status = ST_HANDLING;
	r->closed_at = 0;
	/* The reopened case gets a fresh handling deadline. */
	if (cal_deadline_db(x->c, x->now, x->cat.handle_amount, x->cat.handle_workdays,
			    &r->handle_due) < 0)
		return db_fail(req);
	x->msg_title = "群众不满意，诉求重新办理";
	x->msg_unit = r->handler_unit_id;
	x->msg_account = r->assignee_id;
	return 0;
}

/* merge (into) or link (other_id): another appeal the caller sees. */
static int act_merge_or_link(struct act_ctx *x, int act)
{
	struct req *req = x->req;
	struct appeal_row *r = &x->r;
	struct visibility v;
	struct appeal_row other;
	const char *field = act == ACT_MERGE ? "into" : "other_id";
	int64_t uid = act == ACT_MERGE ? x->b.into : x->b.other_id;
	int rc;

	if (required(x, field, uid))
		return -1;
	appeal_visibility(req, &v);
	rc = uid == r->id ? DB_DONE : appeal_load(x->c, &v, uid, &other);
	if (rc < 0)
		return db_fail(req);
	if (rc != DB_ROW || other.status == ST_MERGED ||
	    (act == ACT_MERGE && other.status == ST_REJECTED)) {
		reply_invalid(req, field, "another open appeal you can see");
		return -1;
	}
	if (appeal_store_link(x->c, r->id, uid, x->now) < 0)
		return db_fail(req);
	x->other_status = other.status;
	if (act == ACT_MERGE) {
		r->status = ST_MERGED;
		r->merged_into = uid;
		r->closed_at = x->now;
	}
	json_object_set_new(x->details, field, json_integer(uid));
	return 0;
}

/* Apply the action to x->r. 0, or -1 having answered. */
static int apply(struct act_ctx *x, int act)
{
	struct appeal_row *r = &x->r;

	switch (act) {
	case ACT_ACCEPT:
		r->status = ST_ACCEPTED;
		r->accepted_at = x->now;
		if (cal_deadline_db(x->c, x->now, x->cat.handle_amount, x->cat.handle_workdays,
				    &r->handle_due) < 0)
			return db_fail(x->req);
		return 0;
	case ACT_REJECT:
		if (need_note(x, "say why the appeal is rejected"))
			return -1;
		r->status = ST_REJECTED;
		r->closed_at = x->now;
		return 0;
	case ACT_DISPATCH: return act_dispatch(x);
	case ACT_SIGN:
		r->status = ST_HANDLING;
		if (!r->assignee_id)
			r->assignee_id = x->a->account_id;
		return 0;
	case ACT_RETURN: return act_return(x);
	case ACT_RESOLVE:
		if (need_note(x, "describe the result"))
			return -1;
		r->status = ST_RESOLVED;
		r->resolved_at = x->now;
		r->resolved_by = x->a->account_id;
		x->msg_title = "诉求已办结待核查";
		x->msg_unit = r->dispatcher_unit_id ? r->dispatcher_unit_id : r->handler_unit_id;
		return 0;
	case ACT_ESCALATE: return act_escalate(x);
	case ACT_TRANSFER: return act_transfer(x);
	case ACT_EXTEND: return act_extend(x);
	case ACT_APPROVE_EXTENSION: return act_approve_extension(x);
	case ACT_VERIFY: return act_verify(x);
	case ACT_RATE: return act_rate(x);
	case ACT_MERGE:
	case ACT_LINK: return act_merge_or_link(x, act);
	case ACT_COMMENT: return need_note(x, "must not be empty");
	}
	return 0;
}

/*
 * The action in one transaction. DB_EABORT: answered already (not found,
 * refused, invalid input, or the appeal changed meanwhile); never retried.
 * A rerun starts again from the appeal as loaded, with fresh details.
 */
static int appeal_action_tx(struct db_conn *c, void *ctx)
{
	struct act_ctx *x = ctx;
	struct req *req = x->req;
	int rc, from;

	x->msg_title = NULL;
	x->msg_account = x->msg_unit = 0;
	rc = appeal_load(c, x->v, x->id, &x->r);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW) {
		reply_error(req, ERR_NOT_FOUND);
		return DB_EABORT;
	}
	if (!appeal_may(x->a, &x->r, x->act)) {
		refuse(req, !appeal_action_allowed(x->act, x->r.status)
				    ? "This action is not allowed in the appeal's current state."
				    : "Your account may not take this action on this appeal.");
		return DB_EABORT;
	}
	if ((rc = category_get(c, x->r.category_id, &x->cat)) != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	from = x->r.status;
	x->details = json_object();
	if (apply(x, x->act)) {
		json_decref(x->details);
		return DB_EABORT;
	}
	x->photos = x->photos_in ? json_dumps(x->photos_in, JSON_COMPACT) : NULL;
	rc = appeal_save(c, &x->r, from, x->name, x->a->account_id, x->a->display_name, x->note,
			 x->photos, x->details, x->now);
	if (rc == 0 && x->act == ACT_MERGE)
		rc = appeal_event_insert(
			c,
			&(struct appeal_event){
				.appeal_id = x->r.merged_into,
				.at = x->now,
				.actor_id = x->a->account_id,
				.actor_name = x->a->display_name,
				.action = "merge_in",
				.from_status = appeal_status_name(x->other_status),
				.to_status = appeal_status_name(x->other_status),
				.details = arena_printf(&req->arena, "{\"from\":%lld}",
							(long long)x->r.id),
			},
			1);
	if (rc == 0 && x->msg_title && (x->msg_unit || x->msg_account))
		rc = message_add(c, x->msg_account, x->msg_account ? 0 : x->msg_unit, x->r.id,
				 arena_printf(&req->arena, "appeal.%s", x->name), x->msg_title,
				 x->r.case_no, x->now);
	if (rc == 0 && x->msg_title && x->msg_account && x->msg_unit)
		rc = message_add(c, 0, x->msg_unit, x->r.id,
				 arena_printf(&req->arena, "appeal.%s", x->name), x->msg_title,
				 x->r.case_no, x->now);
	free(x->photos);
	x->photos = NULL;
	json_decref(x->details);
	x->details = NULL;
	if (rc == DB_DONE) {
		reply_error_ex(req, ERR_CONFLICT, "The appeal changed meanwhile; reload and retry.",
			       NULL);
		return DB_EABORT;
	}
	return rc;
}

static void appeal_action(struct req *req)
{
	struct act_ctx x = { .req = req, .a = req_auth(req), .now = clock_now() };
	struct visibility v;
	int rc;

	if (!(x.c = req_db_or_reply(req)) || req_param_id_or_reply(req, "id", &x.id) ||
	    BODY_READ_OR_REPLY(req, act_fields, &x.b, &x.seen))
		return;
	x.name = x.b.action;
	x.note = x.b.note;
	if ((x.act = appeal_action_parse(x.name)) < 0) {
		reply_invalid(req, "action", "see docs/API.md for the actions");
		return;
	}
	x.photos_in = x.b.photos;
	if (x.photos_in && attach_ids_or_reply(req, x.c, x.photos_in, "photos", 9))
		return;
	appeal_visibility(req, &v);
	x.v = &v;
	rc = db_tx_run(x.c, appeal_action_tx, &x);
	if (rc == DB_EABORT)
		return;
	reply_tx(req, rc, 200,
		 JB_OBJ(jb_int("id", x.r.id), jb_str("case_no", x.r.case_no),
			jb_str("status", appeal_status_name(x.r.status)),
			jb_int("version", x.r.version)));
	if (rc == 0)
		notify_kick();
}

const struct route appeal_action_routes[] = {
	{ "POST", "/api/v1/appeals/:id/actions", appeal_action, R_JSON | R_AUTH, NULL, 0 },
	{ 0 },
};
