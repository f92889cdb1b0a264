/*
 * spends_api.c — spending the fund: spends on projects (a sum, or a meal
 * point's month), the street's approval of large ones, refunds.
 *
 *   POST /api/v1/fund/spends               fund:spend {project_id, amount_fen, note}
 *                                           or {project_id, meal_point_id, month, note?}
 *   GET  /api/v1/fund/spends               fund:read ?unit=&state=&year=&limit=&cursor=
 *   GET  /api/v1/fund/spends/:id           fund:read
 *   POST /api/v1/fund/spends/:id/actions   fund:approve {action: approve|reject, reason}
 *   POST /api/v1/fund/refunds              fund:spend {entry_seq, amount_fen, note}
 *
 * A spend is against a project in state approved or in_progress (taken with
 * project_lock() in the spend's transaction, so a project cancelled meanwhile
 * is seen), of a community: the project's unit's depth-2 ancestor, in the
 * project's year. At or below fund_approval_threshold_fen it is on the ledger
 * at once; above it, a request waits for a unit above the community (street
 * or district) to approve it, and only the approval appends the entry, after
 * checking the balance again. Every spend request is a fund_spends row, so a
 * meal point's month is billed once (a partial unique index).
 */
#include "fund/fund.h"
#include "fund/fund_int.h"

#include "audit/audit.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"
#include "http/server.h"
#include "meals/meals.h"
#include "org/org.h"
#include "projects/projects.h"

#include <stdio.h>
#include <string.h>

/* ---- reading ------------------------------------------------------------------ */

static int spend_page_row(void *ctx, const struct fund_spend *s)
{
	struct page *p = ctx;

	if (p->n >= p->limit)
		return page_add(p, s->id, NULL);
	return page_add(p, s->id, fund_spend_json(s));
}

static void list_spends(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *state = req_query(req, "state");
	struct spend_filter f;
	struct scope sc;
	struct page p;
	int year;

	if (!c || scope_area_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    fund_year_or_reply(req, 0, &year))
		return;
	if (state && strcmp(state, "pending") && strcmp(state, "approved") &&
	    strcmp(state, "rejected") && strcmp(state, "recorded")) {
		reply_invalid(req, "state", "pending, approved, rejected or recorded");
		return;
	}
	if (page_begin_or_reply(req, &p))
		return;
	f = (struct spend_filter){ .lo = sc.lo,
				   .hi = sc.hi,
				   .state = state,
				   .year = year,
				   .before = p.cursor,
				   .limit = p.limit + 1 };
	page_reply(&p, spends_store_list(c, &f, spend_page_row, &p));
}

/* A spend request the caller may see (its community in the caller's area); 404 otherwise. */
static int spend_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				  struct fund_spend *s)
{
	int rc = spends_store_get(c, id, 0, s);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_in_area(s->unit_path, req_auth(req)->unit_path),
		NULL);
}

/* Answer spend request id, with its ledger entry when it has one. */
static void reply_spend(struct req *req, struct db_conn *c, int64_t id, int status)
{
	struct fund_spend s;
	json_t *j;
	int rc = spends_store_get(c, id, 0, &s);

	if (rc != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	j = fund_spend_json(&s);
	if (j && s.entry_seq) {
		json_t *e = NULL;
		fund_store_entry(c, s.entry_seq, fund_entry_json_into, &e);
		json_object_set_new(j, "entry", e ? e : json_null());
	} else if (j) {
		json_object_set_new(j, "entry", json_null());
	}
	if (!j) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_json(req, status, j);
}

static void get_spend(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct fund_spend s;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) || spend_visible_or_reply(req, c, id, &s))
		return;
	reply_spend(req, c, id, 200);
}

/* ---- spending ----------------------------------------------------------------- */

struct spend_change {
	struct req *req;
	struct fund_op op;
	int64_t project_id, point_id, threshold, id;
	const char *month;
	int project_state; /* the project's state when it refused */
	char state[12];	   /* the request's state when it refused */
	int approve;
	const char *reason;
};

/* The project, locked, must still be approved or running. */
static int project_ok(struct db_conn *c, struct spend_change *x, struct project *p)
{
	int rc = project_lock(c, x->project_id, p);

	if (rc == DB_DONE) {
		x->op.refusal = FUND_NOT_FOUND;
		return DB_EABORT;
	}
	if (rc < 0)
		return rc;
	if (p->state != PROJECT_APPROVED && p->state != PROJECT_IN_PROGRESS) {
		x->project_state = p->state;
		x->op.refusal = FUND_NO_PROJECT;
		return DB_EABORT;
	}
	return 0;
}

static int spend_tx(struct db_conn *c, void *ctx)
{
	struct spend_change *x = ctx;
	int record = x->threshold > 0 && x->op.amount_fen <= x->threshold;
	struct project p;
	int rc;

	x->id = 0;
	if ((rc = project_ok(c, x, &p)) != 0)
		return rc;
	x->op.year = (int)p.year;
	if (x->point_id && (rc = spends_store_billed(c, x->point_id, x->month)) != 0) {
		if (rc < 0)
			return rc;
		x->op.refusal = FUND_BILLED;
		return DB_EABORT;
	}
	rc = record ? fund_op_spend_entry(c, &x->op, p.id, p.title)
		    : fund_op_spend_check(c, &x->op);
	if (rc != 0)
		return rc;
	struct fund_spend_in in = { .unit_id = x->op.unit_id,
				    .project_id = p.id,
				    .amount_fen = x->op.amount_fen,
				    .meal_point_id = x->point_id,
				    .year = x->op.year,
				    .project_title = p.title,
				    .note = x->op.note,
				    .month = x->month,
				    .state = record ? "recorded" : "pending",
				    .requested_by = x->op.actor.id,
				    .requested_name = x->op.actor.name,
				    .entry_seq = x->op.seq,
				    .now = x->op.now };
	rc = spends_store_insert(c, &in, &x->id);
	return audit_write_after(
		rc, x->req, c, record ? "fund.spend" : "fund.spend_request", "fund_spend", x->id,
		JB_OBJ(jb_int("project_id", p.id), jb_int("amount_fen", x->op.amount_fen),
		       jb_int("entry_seq", x->op.seq)));
}

static void spend_refused(struct req *req, int rc, const struct spend_change *x)
{
	if (rc == DB_ECONSTRAINT && x->point_id) /* raced for the same month */
		reply_error(req, ERR_FUND_ALREADY_BILLED);
	else if (rc == DB_EABORT && x->op.refusal == FUND_NO_PROJECT)
		reply_error_ex(req, ERR_FUND_NO_PROJECT, NULL,
			       JB_OBJ(jb_str("state", project_state_name(x->project_state))));
	else if (rc == DB_EABORT && x->op.refusal == FUND_STATE)
		reply_error_ex(req, ERR_FUND_STATE, NULL, JB_OBJ(jb_str("state", x->state)));
	else if (rc == DB_EABORT)
		fund_refusal_reply(req, &x->op);
	else
		reply_db_error(req, rc);
}

struct spend_body {
	int64_t project_id, amount_fen, meal_point_id;
	const char *note, *month;
};

/* The meal point's month: its amount and note, or -1 having answered. */
static int meal_bill_or_reply(struct req *req, struct db_conn *c, const struct spend_body *b,
			      const char *community, struct spend_change *x)
{
	struct meal_month_bill bill;
	int rc = meal_point_month_bill(c, b->meal_point_id, b->month, &bill);

	if (rc == DB_EMISUSE) {
		reply_invalid(req, "month", "YYYY-MM");
		return -1;
	}
	if (req_found_or_reply(req, rc))
		return -1;
	if (!path_within(bill.unit_path, community)) {
		reply_invalid(req, "meal_point_id", "a meal point of the project's community");
		return -1;
	}
	if (bill.subsidy_total_fen <= 0) {
		reply_invalid(req, "month", "nothing was billed for this month");
		return -1;
	}
	x->op.amount_fen = bill.subsidy_total_fen;
	x->op.note = arena_printf(&req->arena, "%s %s 助餐账单（%lld 份）%s%s", bill.name, b->month,
				  (long long)bill.meals, b->note[0] ? " " : "", b->note);
	x->point_id = b->meal_point_id;
	x->month = b->month;
	return x->op.note ? 0 : -1;
}

static int spend_body_or_reply(struct req *req, struct spend_body *b)
{
	static const struct body_field fields[] = {
		BF_ID(struct spend_body, project_id, "project_id", BF_REQUIRED),
		BF_INT(struct spend_body, amount_fen, "amount_fen", BF_OPTIONAL, 1, FUND_AMOUNT_MAX,
		       0),
		BF_ID(struct spend_body, meal_point_id, "meal_point_id", BF_OPTIONAL),
		BF_STR(struct spend_body, month, "month", BF_OPTIONAL, 7, 7),
		BF_STR_DEF(struct spend_body, note, "note", 0, FUND_NOTE_MAX, ""),
	};

	if (BODY_READ_OR_REPLY(req, fields, b, NULL))
		return -1;
	if (b->meal_point_id) {
		if (!b->month) {
			reply_invalid(req, "month", "required with meal_point_id");
			return -1;
		}
		if (b->amount_fen) {
			reply_invalid(req, "amount_fen", "taken from the meal point's statement");
			return -1;
		}
		return 0;
	}
	if (b->month) {
		reply_invalid(req, "month", "only with meal_point_id");
		return -1;
	}
	if (!b->amount_fen) {
		reply_invalid(req, "amount_fen", "required");
		return -1;
	}
	return body_nonempty_or_reply(req, "note", b->note);
}

static void create_spend(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct spend_change x = { .req = req };
	struct spend_body b;
	struct project p;
	char community[256];
	int64_t community_id;
	int rc;

	if (!c || spend_body_or_reply(req, &b))
		return;
	rc = project_get(c, b.project_id, &p);
	if (req_row_or_reply(req, rc,
			     rc == DB_ROW && path_within(p.unit_path, req_auth(req)->unit_path),
			     NULL))
		return;
	if (!org_path_id(p.unit_path, 2) ||
	    !(community_id = org_path_ancestor(p.unit_path, 2, community, sizeof community))) {
		reply_error(req, ERR_FUND_NO_PROJECT); /* a street's project: no community fund */
		return;
	}
	x.op = (struct fund_op){ .unit_id = community_id,
				 .amount_fen = b.amount_fen,
				 .note = b.note,
				 .actor = fund_actor_of(req),
				 .now = clock_now() };
	if (b.meal_point_id && meal_bill_or_reply(req, c, &b, community, &x))
		return;
	x.project_id = p.id;
	x.threshold = req->srv->cfg->fund_approval_threshold_fen;
	rc = db_tx_run(c, spend_tx, &x);
	if (rc != 0) {
		spend_refused(req, rc, &x);
		return;
	}
	if (x.op.seq)
		fund_anchor_after(req, c);
	reply_spend(req, c, x.id, 201);
}

/* ---- the street's decision -------------------------------------------------------- */

static int decide_tx(struct db_conn *c, void *ctx)
{
	struct spend_change *x = ctx;
	struct fund_spend s;
	struct project p;
	int64_t changed = 0;
	int rc = spends_store_get(c, x->id, 1, &s);

	if (rc == DB_DONE) {
		x->op.refusal = FUND_NOT_FOUND;
		return DB_EABORT;
	}
	if (rc < 0)
		return rc;
	if (strcmp(s.state, "pending") != 0) {
		snprintf(x->state, sizeof x->state, "%s", s.state);
		x->op.refusal = FUND_STATE;
		return DB_EABORT;
	}
	x->op.seq = 0;
	if (x->approve) {
		x->project_id = s.project_id;
		if ((rc = project_ok(c, x, &p)) != 0)
			return rc;
		x->op.unit_id = s.unit_id;
		x->op.year = (int)s.year;
		x->op.amount_fen = s.amount_fen;
		x->op.note = s.note;
		if ((rc = fund_op_spend_entry(c, &x->op, s.project_id, s.project_title)) != 0)
			return rc;
	}
	rc = spends_store_decide(c, x->id, x->approve ? "approved" : "rejected", x->reason,
				 x->op.actor.id, x->op.actor.name, x->op.seq, x->op.now, &changed);
	if (rc == 0 && !changed) {
		snprintf(x->state, sizeof x->state, "decided");
		x->op.refusal = FUND_STATE;
		return DB_EABORT;
	}
	return audit_write_after(
		rc, x->req, c, x->approve ? "fund.approve" : "fund.reject", "fund_spend", x->id,
		JB_OBJ(jb_int("amount_fen", s.amount_fen), jb_int("entry_seq", x->op.seq)));
}

static void decide_spend(struct req *req)
{
	static const char *const actions[] = { "approve", "reject" };
	struct db_conn *c = req_db_or_reply(req);
	struct decide_body {
		const char *action, *reason;
	} b;
	static const struct body_field fields[] = {
		BF_STR(struct decide_body, action, "action", BF_REQUIRED, 1, 16),
		BF_STR_DEF(struct decide_body, reason, "reason", 0, 200, ""),
	};
	struct spend_change x = { .req = req };
	struct fund_spend s;
	int64_t id;
	int a = -1, rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, fields, &b, NULL))
		return;
	for (int i = 0; i < 2; i++)
		if (!strcmp(b.action, actions[i]))
			a = i;
	if (a < 0) {
		reply_invalid(req, "action", "approve or reject");
		return;
	}
	if (a == 1 && body_nonempty_or_reply(req, "reason", b.reason))
		return;
	rc = spends_store_get(c, id, 0, &s);
	if (req_row_or_reply(req, rc,
			     rc == DB_ROW && path_within(s.unit_path, req_auth(req)->unit_path),
			     NULL))
		return;
	/* the street (or the district) above the community decides, never the community */
	if (org_path_id(req_auth(req)->unit_path, 2)) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	x.id = id;
	x.approve = a == 0;
	x.reason = b.reason[0] ? b.reason : NULL;
	x.op = (struct fund_op){ .actor = fund_actor_of(req), .now = clock_now() };
	rc = db_tx_run(c, decide_tx, &x);
	if (rc != 0) {
		spend_refused(req, rc, &x);
		return;
	}
	if (x.op.seq)
		fund_anchor_after(req, c);
	reply_spend(req, c, id, 200);
}

/* ---- refunds -------------------------------------------------------------------- */

static void refund(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct refund_body {
		int64_t entry_seq, amount_fen;
		const char *note;
	} b;
	static const struct body_field fields[] = {
		BF_ID(struct refund_body, entry_seq, "entry_seq", BF_REQUIRED),
		BF_INT(struct refund_body, amount_fen, "amount_fen", BF_REQUIRED, 1,
		       FUND_AMOUNT_MAX, 0),
		BF_STR(struct refund_body, note, "note", BF_REQUIRED, 1, FUND_NOTE_MAX),
	};
	struct fund_op op;

	if (!c || BODY_READ_OR_REPLY(req, fields, &b, NULL) ||
	    body_nonempty_or_reply(req, "note", b.note) ||
	    fund_entry_managed_or_reply(req, c, b.entry_seq))
		return;
	op = (struct fund_op){ .ref_seq = b.entry_seq,
			       .amount_fen = b.amount_fen,
			       .note = b.note,
			       .actor = fund_actor_of(req),
			       .now = clock_now() };
	fund_change_run(req, c, &op, fund_op_refund, "fund.refund");
}

const struct route fund_spend_routes[] = {
	{ "POST", "/api/v1/fund/spends", create_spend, R_JSON, "fund:spend", 0 },
	{ "GET", "/api/v1/fund/spends", list_spends, 0, "fund:read", 0 },
	{ "GET", "/api/v1/fund/spends/:id", get_spend, 0, "fund:read", 0 },
	{ "POST", "/api/v1/fund/spends/:id/actions", decide_spend, R_JSON, "fund:approve", 0 },
	{ "POST", "/api/v1/fund/refunds", refund, R_JSON, "fund:spend", 0 },
	{ 0 },
};
