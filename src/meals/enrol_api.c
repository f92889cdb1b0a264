/*
 * enrol_api.c — enrolling residents at a meal point: apply, approve, withdraw.
 *
 *   POST /api/v1/meal-enrolments              {point_id, resident_id?, note?}
 *   GET  /api/v1/meal-enrolments?point=&status=&resident=&limit=&cursor=  newest first
 *   GET  /api/v1/meal-enrolments/:id
 *   POST /api/v1/meal-enrolments/:id/approve  meal:manage, pending only
 *   POST /api/v1/meal-enrolments/:id/reject   meal:manage {reason}, pending only
 *   POST /api/v1/meal-enrolments/:id/withdraw {reason?}  whoever may act for the
 *                                             resident; pending or approved
 *
 * Who applies, for whom: a resident account for its own record (the default)
 * or for a member of its household (applied_as family); staff holding
 * meal:apply (grid workers) or meal:manage for a resident living in their
 * subtree (applied_as staff). The resident must live in the meal point's area
 * (its unit's subtree), and the point must be active.
 *
 * Eligibility is checked at application against the resident's tags as they
 * are that day (stored tags plus aged_80_plus from the birth month); a resident
 * with none of the rule's tags is refused with 409 meal.not_eligible naming
 * the rule. The tags that matched are kept on the enrolment for the staff who
 * decide.
 *
 * At most one live (pending or approved) enrolment per resident and point: a
 * partial unique index holds it under any concurrency, and its refusal is 409
 * meal.already_enrolled. Withdrawing an approved enrolment cancels the
 * resident's orders at the point that are still open (before their cut-off).
 */
#include "meals/meals_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "http/body.h"
#include "http/request.h"
#include "messages/messages.h"
#include "org/org.h"
#include "people/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Load an enrolment the caller may see (meal_may_act); 404 otherwise. */
static int enrol_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				  struct meal_enrolment *e, json_t **out)
{
	int rc = meals_store_enrolment(c, &req->arena, id, e, out);

	return meal_visible_or_reply(req, c, rc, 0, e->resident_id, e->unit_path, e->applicant_id,
				     out);
}

REQ_GET_VISIBLE_HANDLER(get_enrolment, struct meal_enrolment, enrol_visible_or_reply)

static const char *const states[] = { "pending", "approved", "rejected", "withdrawn" };

static void list_enrolments(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *point = req_query(req, "point"),
		   *resident = req_query(req, "resident");
	struct page pg;
	struct meal_who who;
	struct meal_filter f = { .who = &who, .status = status };
	int known = !status;

	if (!c || page_begin_or_reply(req, &pg))
		return;
	for (size_t i = 0; status && i < sizeof states / sizeof *states; i++)
		known |= !strcmp(status, states[i]);
	if (!known) {
		reply_invalid(req, "status", "pending, approved, rejected or withdrawn");
		return;
	}
	if (point && parse_int64(point, 1, INT64_MAX, &f.point_id)) {
		reply_invalid(req, "point", "expected a meal point id");
		return;
	}
	if (resident && parse_int64(resident, 1, INT64_MAX, &f.resident_id)) {
		reply_invalid(req, "resident", "expected a resident id");
		return;
	}
	if (meal_who_or_reply(req, c, &who))
		return;
	f.before = pg.cursor ? pg.cursor : INT64_MAX;
	page_reply(&pg, meals_store_enrolments(c, &f, &pg));
}

/* ---- applying ------------------------------------------------------------ */

/* Each write is one db_tx_run() transaction; the inputs and outputs live here. */
struct enrol_change {
	struct req *req;
	const struct meal_point *p;
	const struct meal_resident *r;
	const struct meal_enrolment *e;
	const char *as, *matched, *note, *reason;
	int act;
	int64_t id, now;
	int64_t cancelled; /* out: withdraw */
};

/* DB_EABORT: a live enrolment exists already */
static int apply_enrolment_tx(struct db_conn *c, void *ctx)
{
	struct enrol_change *x = ctx;
	struct req *req = x->req;
	const struct meal_point *p = x->p;
	int rc = meals_store_enrol_insert(c, p, x->r, req_auth(req)->account_id, x->as, x->matched,
					  x->note, x->now, &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	if (rc == 0)
		rc = message_add(c, 0, p->unit_id, 0, "meal",
				 arena_printf(&req->arena, "助餐申请待审批：%s", p->name),
				 arena_printf(&req->arena, "%s，符合：%s", p->name, x->matched),
				 x->now);
	return audit_write_after(rc, req, c, "meal.enrol_apply", "meal_enrolment", x->id,
				 JB_OBJ(jb_int("point_id", p->id), jb_int("resident_id", x->r->id),
					jb_str("applied_as", x->as)));
}

/* POST /meal-enrolments: what the console and the residents' app send. */
struct apply_body {
	int64_t point_id, resident_id;
	const char *note;
};
static const struct body_field apply_fields[] = {
	BF_ID(struct apply_body, point_id, "point_id", BF_REQUIRED),
	BF_ID(struct apply_body, resident_id, "resident_id", BF_OPTIONAL),
	BF_STR_DEF(struct apply_body, note, "note", 0, 200, ""),
};

static void apply_enrolment(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	int staff = meal_is_applier(req), rc;
	const char *as;
	int64_t point_id, resident_id, now = clock_now();
	struct apply_body b;
	struct enrol_change x;
	struct meal_point p;
	struct meal_resident r;
	char matched[96];

	if (!c)
		return;
	if (!staff && !auth_can(req, "service:use")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (BODY_READ_OR_REPLY(req, apply_fields, &b, NULL))
		return;
	/* staff name the resident; a resident applies for themselves unless they say */
	if (staff && !b.resident_id) {
		reply_invalid(req, "resident_id", "required");
		return;
	}
	point_id = b.point_id;
	resident_id = b.resident_id;
	if (!staff) {
		if (a->resident_id <= 0) {
			reply_error(req, ERR_MEAL_NO_RECORD);
			return;
		}
		if (!resident_id)
			resident_id = a->resident_id;
	}
	rc = meal_point_get(c, &req->arena, point_id, &p);
	if (req_row_or_reply(req, rc,
			     rc == DB_ROW && (p.active || (meal_is_manager(req) &&
							   path_within(p.unit_path, a->unit_path))),
			     NULL))
		return;
	rc = meal_resident_get(c, resident_id, &r);
	if (rc == DB_ROW)
		rc = staff ? meal_is_applier(req) && path_within(r.unit_path, a->unit_path)
			   : meal_may_act(req, c, &r, NULL, 0);
	if (req_ok_or_invalid(req, rc, rc == 1, "resident_id",
			      staff ? "a resident living in your area"
				    : "yourself or a member of your household"))
		return;
	as = staff ? "staff" : r.id == a->resident_id ? "self" : "family";
	if (!p.active) {
		reply_error(req, ERR_MEAL_POINT_INACTIVE);
		return;
	}
	if (!path_within(r.unit_path, p.unit_path)) {
		reply_invalid(req, "point_id", "a meal point serving the resident's area");
		return;
	}
	if (!(r.tags & p.rule)) {
		reply_error_ex(req, ERR_MEAL_NOT_ELIGIBLE, NULL,
			       JB_OBJ(jb_take("rule", meal_tags_json(p.rule))));
		return;
	}
	meal_tags_text(r.tags & p.rule, matched);
	x = (struct enrol_change){ .req = req,
				   .p = &p,
				   .r = &r,
				   .as = as,
				   .matched = matched,
				   .note = b.note,
				   .now = now };
	rc = db_tx_run(c, apply_enrolment_tx, &x);
	reply_tx_refused(req, rc, ERR_MEAL_ALREADY_ENROLLED, 201,
			 JB_OBJ(jb_int("id", x.id), jb_str("status", "pending"),
				jb_str("applied_as", as),
				jb_take("matched", meal_tags_json(r.tags & p.rule))));
}

/* ---- deciding and withdrawing ------------------------------------------ */

enum enrol_action { E_APPROVE, E_REJECT, E_WITHDRAW };
/* The last segment of each action's route, in the order of the enum. */
static const char *const enrol_action_names[] = { "approve", "reject", "withdraw" };

static const struct {
	const char *name, *to, *audit, *title;
} actions[] = {
	[E_APPROVE] = { "approve", "approved", "meal.enrol_approve", "助餐申请已通过" },
	[E_REJECT] = { "reject", "rejected", "meal.enrol_reject", "助餐申请未通过" },
	[E_WITHDRAW] = { "withdraw", "withdrawn", "meal.enrol_withdraw", "助餐已退出" },
};

/* Tell the applicant and the resident's own account, but not the actor. */
static int tell(struct req *req, struct db_conn *c, const struct meal_enrolment *e,
		enum enrol_action act, const char *reason, int64_t now)
{
	int64_t actor = req_auth(req)->account_id, own = 0;
	const char *body = arena_printf(&req->arena, "%s%s%s", e->point_name,
					reason && *reason ? "：" : "", reason ? reason : "");
	int disabled = 0;
	int rc = resident_account(c, e->resident_id, &own, &disabled);

	/* the resident's own account, when it has one that is enabled */
	if (rc == DB_DONE || disabled)
		own = 0;
	rc = rc < 0 ? rc : 0;
	if (rc == 0 && e->applicant_id != actor)
		rc = message_add(c, e->applicant_id, 0, 0, "meal", actions[act].title, body, now);
	if (rc == 0 && own && own != actor && own != e->applicant_id)
		rc = message_add(c, own, 0, 0, "meal", actions[act].title, body, now);
	return rc;
}

/* DB_EABORT: the state moved since it was read */
static int act_on_tx(struct db_conn *c, void *ctx)
{
	struct enrol_change *x = ctx;
	struct req *req = x->req;
	const struct meal_enrolment *e = x->e;
	enum enrol_action act = x->act;
	int64_t id = x->id, now = x->now;
	int64_t by = req_auth(req)->account_id, changed = 0;
	int rc = meals_store_enrol_set_status(c, id, e->status, actions[act].to, x->reason, by, now,
					      &changed);

	x->cancelled = 0;
	if (rc == 0 && changed != 1)
		return DB_EABORT;
	if (rc == 0 && act == E_WITHDRAW) {
		/* orders still open: later days, and today before its cut-off */
		struct meal_point p;
		char today[CAL_DAY_TEXT];
		cal_day_format(cal_day_of(now), today);
		rc = meal_point_get(c, &req->arena, e->point_id, &p);
		rc = rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
		if (rc == 0)
			rc = orders_store_cancel_open(c, id, by, today,
						      now < meal_cutoff_at(&p, cal_midnight(now)),
						      now, &x->cancelled);
	}
	if (rc == 0)
		rc = tell(req, c, e, act, x->reason, now);
	return audit_write_after(
		rc, req, c, actions[act].audit, "meal_enrolment", id,
		act == E_WITHDRAW ? JB_OBJ(jb_int("orders_cancelled", x->cancelled)) : NULL);
}

/* approve, reject, withdraw: {reason} (required to reject) */
static void act_on(struct req *req)
{
	int act = REQ_ROUTE_ACTION_OR_REPLY(req, enrol_action_names);
	struct db_conn *c = act < 0 ? NULL : req_db_or_reply(req);
	const char *reason;
	int64_t id, now = clock_now();
	struct enrol_change x;
	struct meal_enrolment e;
	int rc, ok;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    body_reason_or_reply(req, act == E_REJECT, "say why the application is rejected",
				 &reason))
		return;
	if (enrol_visible_or_reply(req, c, id, &e, NULL))
		return;
	if (act != E_WITHDRAW && !path_within(e.unit_path, req_auth(req)->unit_path)) {
		/* deciding is for the point's staff, not a grid worker who applied */
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	ok = act == E_WITHDRAW ? !strcmp(e.status, "pending") || !strcmp(e.status, "approved")
			       : !strcmp(e.status, "pending");
	if (!ok) {
		reply_error_ex(
			req, ERR_MEAL_STATE, NULL,
			JB_OBJ(jb_str("status", e.status), jb_str("action", actions[act].name)));
		return;
	}
	x = (struct enrol_change){
		.req = req, .e = &e, .act = act, .reason = reason, .id = id, .now = now
	};
	rc = db_tx_run(c, act_on_tx, &x);
	reply_tx_refused(req, rc, ERR_MEAL_STATE, 200,
			 JB_OBJ(jb_int("id", id), jb_str("status", actions[act].to),
				jb_int("orders_cancelled", x.cancelled)));
}

const struct route meal_enrol_routes[] = {
	{ "POST", "/api/v1/meal-enrolments", apply_enrolment, R_AUTH | R_JSON, NULL, 0 },
	{ "GET", "/api/v1/meal-enrolments", list_enrolments, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/meal-enrolments/:id", get_enrolment, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/meal-enrolments/:id/approve", act_on, R_JSON, "meal:manage", 0 },
	{ "POST", "/api/v1/meal-enrolments/:id/reject", act_on, R_JSON, "meal:manage", 0 },
	{ "POST", "/api/v1/meal-enrolments/:id/withdraw", act_on, R_AUTH | R_JSON, NULL, 0 },
	{ 0 },
};
