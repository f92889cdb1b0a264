/*
 * micro_api.c — 微实事 rounds, proposals and staff decisions, and the route
 * table of the module.
 *
 *   POST /api/v1/micro-rounds                   micro:manage  a round of a community in scope
 *   GET  /api/v1/micro-rounds?unit=             signed in: staff their scope, residents
 *                                                their community
 *   GET  /api/v1/micro-rounds/:id               the round with its proposals
 *   POST /api/v1/micro-rounds/:id/proposals     a resident of the community, in the window
 *   POST /api/v1/micro-proposals/:id/actions    micro:manage  admit (cost_fen) | decline (reason)
 *
 * Ballots, results and publishing are in ballots_api.c. Handlers only:
 * parse, authorise, run the transaction (micro_store.c), reply. Staff see
 * who proposed (an account id and its display name); residents see the
 * admitted proposals and their own, never another resident's name.
 */
#include "micro/micro.h"
#include "micro/micro_int.h"

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/perms.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MICRO_MAX_FEN	 10000000000LL /* 10^10 fen, as projects take a budget */
#define MICRO_MAX_PHOTOS 9

/* ---- who the caller is ---------------------------------------------------- */

int micro_is_staff(const struct req *req)
{
	return auth_can(req, "org:read");
}

int micro_is_resident(const struct req *req)
{
	const struct auth *a = req_auth(req);

	return a && (a->roles & ROLE_BIT(ROLE_RESIDENT)) && auth_can(req, "micro:take_part");
}

/*
 * The community a resident account belongs to, as a path: that of its resident
 * record's household when bound (*bound 1), else that of its own unit. 0, or <0.
 */
static int resident_community(struct req *req, struct db_conn *c, char out[256], int *bound)
{
	const struct auth *a = req_auth(req);
	char home[256];
	int rc;

	*bound = 0;
	snprintf(home, sizeof home, "%s", a->unit_path);
	if (a->resident_id) {
		rc = micro_store_resident_home(c, a->resident_id, home);
		if (rc < 0)
			return rc;
		*bound = rc == DB_ROW;
	}
	if (!org_path_ancestor(home, UNIT_COMMUNITY, out, 256))
		out[0] = 0;
	return 0;
}

int micro_round_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				 struct micro_round *r)
{
	char comm[256] = "";
	int bound, rc = micro_round_get(c, id, r);

	if (rc == DB_ROW && !micro_is_staff(req) && micro_is_resident(req) &&
	    resident_community(req, c, comm, &bound) < 0)
		rc = DB_ERR;
	return req_row_or_reply(
		req, rc,
		rc == DB_ROW && (micro_is_staff(req)
					 ? path_within(r->unit_path, req_auth(req)->unit_path)
					 : micro_is_resident(req) && !strcmp(r->unit_path, comm)),
		NULL);
}

int micro_round_managed_or_reply(struct req *req, struct db_conn *c, int64_t id,
				 struct micro_round *r)
{
	int rc = micro_round_get(c, id, r);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(r->unit_path, req_auth(req)->unit_path), NULL);
}

int micro_voter_or_reply(struct req *req, struct db_conn *c, const struct micro_round *r,
			 int64_t *resident_id)
{
	char comm[256];
	int bound;

	*resident_id = 0;
	if (!micro_is_resident(req)) {
		reply_error(req, ERR_MICRO_NOT_RESIDENT);
		return -1;
	}
	if (resident_community(req, c, comm, &bound) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (!bound || strcmp(comm, r->unit_path)) {
		reply_error(req, ERR_MICRO_NOT_RESIDENT);
		return -1;
	}
	*resident_id = req_auth(req)->resident_id;
	return 0;
}

int micro_window_or_reply(struct req *req, int64_t opens, int64_t closes, int64_t now)
{
	char b1[32], b2[32];

	if (now >= opens && now < closes)
		return 0;
	reply_error_ex(req, ERR_MICRO_WINDOW_CLOSED, NULL,
		       JB_OBJ(jb_str("opens_at", clock_format_shanghai(opens, b1)),
			      jb_str("closes_at", clock_format_shanghai(closes, b2))));
	return -1;
}

/* ---- rounds ------------------------------------------------------------- */

struct round_body {
	int64_t unit_id, budget_fen;
	const char *title, *description;
	const char *times[4];
};
static const char *const time_names[4] = { "proposal_start", "proposal_end", "voting_start",
					   "voting_end" };
static const struct body_field round_fields[] = {
	BF_ID(struct round_body, unit_id, "unit_id", BF_REQUIRED),
	BF_STR(struct round_body, title, "title", BF_REQUIRED, 1, 200),
	BF_STR_DEF(struct round_body, description, "description", 0, 2000, ""),
	BF_INT(struct round_body, budget_fen, "budget_fen", BF_REQUIRED, 1, MICRO_MAX_FEN, 0),
	BF_STR(struct round_body, times[0], "proposal_start", BF_REQUIRED, 1, 40),
	BF_STR(struct round_body, times[1], "proposal_end", BF_REQUIRED, 1, 40),
	BF_STR(struct round_body, times[2], "voting_start", BF_REQUIRED, 1, 40),
	BF_STR(struct round_body, times[3], "voting_end", BF_REQUIRED, 1, 40),
};

/* The four instants, each a valid time and in order: 0, or -1 having answered 400. */
static int windows_or_reply(struct req *req, const struct round_body *b, struct micro_windows *w)
{
	int64_t t[4];

	for (int i = 0; i < 4; i++)
		if (body_time_or_reply(req, time_names[i], b->times[i], &t[i]))
			return -1;
	if (t[1] <= t[0]) {
		reply_invalid(req, "proposal_end", "after proposal_start");
		return -1;
	}
	if (t[2] < t[1]) {
		reply_invalid(req, "voting_start", "not before proposal_end");
		return -1;
	}
	if (t[3] <= t[2]) {
		reply_invalid(req, "voting_end", "after voting_start");
		return -1;
	}
	*w = (struct micro_windows){ t[0], t[1], t[2], t[3], 0 };
	return 0;
}

struct micro_change {
	struct req *req;
	const void *in;
	int64_t id, now, cost_fen;
	int admit;
	const char *reason;
	int64_t changed;
};

static int create_round_tx(struct db_conn *c, void *ctx)
{
	struct micro_change *x = ctx;
	const struct micro_round_in *in = x->in;
	int rc = micro_round_insert(c, in, x->now, &x->id);

	return audit_write_after(
		rc, x->req, c, "micro.round_create", "micro_round", x->id,
		JB_OBJ(jb_int("unit_id", in->unit_id), jb_int("budget_fen", in->budget_fen)));
}

static void create_round(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct round_body b;
	struct micro_round_in in;
	struct micro_change x;
	struct unit_ref u;
	int64_t now = clock_now();
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, round_fields, &b, NULL) ||
	    body_nonempty_or_reply(req, "title", b.title))
		return;
	in = (struct micro_round_in){ .unit_id = b.unit_id,
				      .budget_fen = b.budget_fen,
				      .title = b.title,
				      .description = b.description,
				      .created_by = req_auth(req)->account_id };
	if (windows_or_reply(req, &b, &in.w) || unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_COMMUNITY) {
		reply_invalid(req, "unit_id", "a community");
		return;
	}
	in.unit_path = u.path;
	x = (struct micro_change){ .req = req, .in = &in, .now = now };
	rc = db_tx_run(c, create_round_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id),
			jb_str("state", micro_state_name(micro_state_at(&in.w, now)))));
}

static int round_page_row(void *ctx, const struct micro_round_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->r.id, micro_round_json(v, clock_now()));
}

static void list_rounds(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char lo[256], hi[256];
	struct scope sc;
	struct page p;
	int bound;

	if (!c)
		return;
	if (micro_is_staff(req)) {
		if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
			return;
		snprintf(lo, sizeof lo, "%s", sc.lo);
		snprintf(hi, sizeof hi, "%s", sc.hi);
	} else if (micro_is_resident(req)) {
		if (resident_community(req, c, lo, &bound) < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		path_upper(lo, hi, sizeof hi);
	} else {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (page_begin_or_reply(req, &p))
		return;
	page_reply(&p, micro_store_rounds(c, lo, hi, p.cursor, p.limit + 1, round_page_row, &p));
}

/* ---- one round ---------------------------------------------------------- */

struct round_read {
	struct req *req;
	struct db_conn *c;
	int staff;
	int64_t now;
	json_t *out, *proposals;
};

static int proposal_row(void *ctx, const struct micro_proposal_view *p)
{
	struct round_read *r = ctx;
	const struct auth *a = req_auth(r->req);
	char b1[32], b2[32];
	json_t *o = JB_OBJ(
		jb_int("id", p->id), jb_str("title", p->title),
		jb_str("description", p->description), jb_int("estimate_fen", p->estimate_fen),
		jb_take("photos", micro_photos_json(p->photos)), jb_str("status", p->status),
		jb_take("cost_fen", p->has_cost ? json_integer(p->cost_fen) : json_null()),
		jb_str_or_null("decline_reason",
			       strcmp(p->status, "declined") ? NULL : p->decline_reason),
		jb_str("created_at", clock_format_shanghai(p->created_at, b1)),
		jb_str_or_null("decided_at",
			       p->has_decided ? clock_format_shanghai(p->decided_at, b2) : NULL),
		jb_bool("mine", p->account_id && p->account_id == a->account_id),
		jb_take("project_id", p->project_id ? json_integer(p->project_id) : json_null()));

	if (o && r->staff)
		json_object_set_new(o, "proposer",
				    p->account_id ? JB_OBJ(jb_int("account_id", p->account_id),
							   jb_str_or_null("name", p->proposer_name))
						  : json_null());
	return o && !json_array_append_new(r->proposals, o) ? 0 : DB_ENOMEM;
}

static int round_one_row(void *ctx, const struct micro_round_view *v)
{
	struct round_read *r = ctx;

	r->out = micro_round_json(v, r->now);
	if (r->out && r->now >= v->r.w.voting_end)
		json_object_set_new(r->out, "results", micro_results_json(r->c, v));
	return r->out ? 0 : DB_ENOMEM;
}

/* The resident's own ballot and whether they may vote, added to o. 0 or <0. */
static int my_ballot(struct req *req, struct db_conn *c, const struct micro_round *rd, json_t *o)
{
	const struct auth *a = req_auth(req);
	char comm[256], b[32];
	int64_t id = 0, at = 0;
	json_t *ids = NULL;
	int bound, rc = resident_community(req, c, comm, &bound);

	if (rc < 0)
		return rc;
	json_object_set_new(o, "can_vote", json_boolean(bound && !strcmp(comm, rd->unit_path)));
	rc = micro_store_ballot_of(c, rd->id, a->resident_id, a->account_id, &id, &at);
	if (rc == DB_ROW)
		rc = micro_store_ballot_choices(c, id, &ids);
	if (rc < 0)
		return rc;
	json_object_set_new(o, "my_ballot",
			    ids ? JB_OBJ(jb_take("proposal_ids", ids),
					 jb_str("created_at", clock_format_shanghai(at, b)))
				: json_null());
	return 0;
}

static void get_round(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct micro_round rd;
	struct round_read r = { .req = req, .c = c, .now = clock_now() };
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    micro_round_visible_or_reply(req, c, id, &rd))
		return;
	r.staff = micro_is_staff(req);
	r.proposals = json_array();
	rc = micro_store_round_view(c, id, round_one_row, &r);
	if (rc >= 0)
		rc = micro_store_proposals(c, id, r.staff, req_auth(req)->account_id, proposal_row,
					   &r);
	if (rc >= 0 && r.out && !r.staff)
		rc = my_ballot(req, c, &rd, r.out);
	if (rc < 0 || !r.out) {
		json_decref(r.out);
		json_decref(r.proposals);
		reply_error(req, rc == DB_ENOMEM ? ERR_INTERNAL : ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(r.out, "proposals", r.proposals);
	reply_json(req, 200, r.out);
}

/* ---- proposals ---------------------------------------------------------- */

struct proposal_body {
	const char *title, *description;
	int64_t estimate_fen;
	json_t *photos;
};
static const struct body_field proposal_fields[] = {
	BF_STR(struct proposal_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR(struct proposal_body, description, "description", BF_REQUIRED, 1, 2000),
	BF_INT(struct proposal_body, estimate_fen, "estimate_fen", BF_REQUIRED, 0, MICRO_MAX_FEN,
	       0),
	BF_JSON(struct proposal_body, photos, "photos", BF_OPTIONAL, JSON_ARRAY),
};

static int create_proposal_tx(struct db_conn *c, void *ctx)
{
	struct micro_change *x = ctx;
	const struct micro_proposal_in *in = x->in;
	int rc = micro_proposal_insert(c, in, x->now, &x->id);

	return audit_write_after(rc, x->req, c, "micro.propose", "micro_proposal", x->id,
				 JB_OBJ(jb_int("round_id", in->round_id)));
}

static void create_proposal(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct micro_round rd;
	struct proposal_body b;
	struct micro_proposal_in in;
	struct micro_change x;
	int64_t id, resident_id, now = clock_now();
	char *photos;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = micro_round_get(c, id, &rd);
	if (req_found_or_reply(req, rc) || micro_voter_or_reply(req, c, &rd, &resident_id) ||
	    micro_window_or_reply(req, rd.w.proposal_start, rd.w.proposal_end, now) ||
	    BODY_READ_OR_REPLY(req, proposal_fields, &b, NULL) ||
	    body_nonempty_or_reply(req, "title", b.title) ||
	    body_nonempty_or_reply(req, "description", b.description) ||
	    attach_ids_or_reply(req, c, b.photos, "photos", MICRO_MAX_PHOTOS))
		return;
	photos = b.photos ? json_dumps(b.photos, JSON_COMPACT) : NULL;
	in = (struct micro_proposal_in){ .round_id = id,
					 .account_id = req_auth(req)->account_id,
					 .resident_id = resident_id,
					 .estimate_fen = b.estimate_fen,
					 .title = b.title,
					 .description = b.description,
					 .photos = photos };
	x = (struct micro_change){ .req = req, .in = &in, .now = now };
	rc = db_tx_run(c, create_proposal_tx, &x);
	free(photos);
	reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.id), jb_str("status", "submitted")));
}

/* ---- staff decisions ---------------------------------------------------- */

struct decide_body {
	const char *action, *reason;
	int64_t cost_fen;
};
static const struct body_field decide_fields[] = {
	BF_STR(struct decide_body, action, "action", BF_REQUIRED, 1, 20),
	BF_INT(struct decide_body, cost_fen, "cost_fen", BF_OPTIONAL, 0, MICRO_MAX_FEN, -1),
	BF_STR(struct decide_body, reason, "reason", BF_OPTIONAL, 0, 200),
};

static int decide_tx(struct db_conn *c, void *ctx)
{
	struct micro_change *x = ctx;
	int rc = micro_proposal_decide(c, x->id, x->admit, x->cost_fen, x->reason,
				       req_auth(x->req)->account_id, x->now, &x->changed);

	if (rc == 0 && !x->changed)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, x->admit ? "micro.admit" : "micro.decline",
				 "micro_proposal", x->id,
				 x->admit ? JB_OBJ(jb_int("cost_fen", x->cost_fen))
					  : JB_OBJ(jb_str("reason", x->reason)));
}

static void proposal_state_reply(struct req *req, const char *status, const char *action)
{
	reply_error_ex(req, ERR_MICRO_STATE, NULL,
		       JB_OBJ(jb_str("status", status), jb_str("action", action)));
}

static void decide_proposal(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct micro_proposal p;
	struct micro_round rd;
	struct decide_body b;
	struct micro_change x;
	int64_t id, now = clock_now();
	int admit, rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, decide_fields, &b, NULL))
		return;
	admit = !strcmp(b.action, "admit");
	if (!admit && strcmp(b.action, "decline")) {
		reply_invalid(req, "action", "admit or decline");
		return;
	}
	if (admit && b.cost_fen < 0) {
		reply_invalid(req, "cost_fen", "the costed estimate is required to admit");
		return;
	}
	if (!admit && (!b.reason || !*b.reason)) {
		reply_invalid(req, "reason", "a reason is required to decline");
		return;
	}
	rc = micro_proposal_get(c, id, &p);
	if (req_found_or_reply(req, rc) || micro_round_managed_or_reply(req, c, p.round_id, &rd))
		return;
	if (strcmp(p.status, "submitted") || now >= rd.w.voting_start) {
		proposal_state_reply(req, p.status, b.action);
		return;
	}
	x = (struct micro_change){ .req = req,
				   .id = id,
				   .now = now,
				   .admit = admit,
				   .cost_fen = b.cost_fen,
				   .reason = b.reason };
	rc = db_tx_run(c, decide_tx, &x);
	if (rc == DB_EABORT) {
		proposal_state_reply(req, "decided", b.action);
		return;
	}
	reply_tx(req, rc, 200,
		 JB_OBJ(jb_int("id", id), jb_str("status", admit ? "admitted" : "declined"),
			jb_take("cost_fen", admit ? json_integer(b.cost_fen) : json_null()),
			jb_str_or_null("decline_reason", admit ? NULL : b.reason)));
}

const struct route micro_routes[] = {
	{ "POST", "/api/v1/micro-rounds", create_round, R_JSON, "micro:manage", 0 },
	{ "GET", "/api/v1/micro-rounds", list_rounds, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/micro-rounds/:id", get_round, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/micro-rounds/:id/proposals", create_proposal, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/micro-proposals/:id/actions", decide_proposal, R_JSON, "micro:manage",
	  0 },
	{ "POST", "/api/v1/micro-rounds/:id/ballots", micro_post_ballot, R_AUTH | R_JSON, NULL, 0 },
	{ "GET", "/api/v1/micro-rounds/:id/results", micro_get_results, 0, NULL, 0 },
	{ "POST", "/api/v1/micro-rounds/:id/actions", micro_post_round_action, R_JSON,
	  "micro:manage", 0 },
	{ 0 },
};
