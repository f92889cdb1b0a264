/*
 * ballots_api.c — 微实事 ballots, results and publishing (routes in micro_api.c).
 *
 *   POST /api/v1/micro-rounds/:id/ballots   a resident of the community, in the voting window
 *   GET  /api/v1/micro-rounds/:id/results   public, once the voting window has closed
 *   POST /api/v1/micro-rounds/:id/actions   micro:manage {"action": "publish"}
 *
 * A ballot chooses admitted proposals of its round whose costs add up to no
 * more than the budget (micro_ballot_check(), micro_rules.c). One ballot per
 * resident record and per account per round is the database's to hold: a
 * unique index on each, so of simultaneous ballots one is stored and the
 * others answer 409 micro.already_voted. The check before the insert only
 * gives the common case its answer without a failed statement.
 *
 * Publishing freezes the results (the rule of micro_rules.c over the counted
 * ballots) into the proposals and makes each chosen proposal a project in the
 * same transaction; the round's conditional UPDATE makes a second publish,
 * or a raced one, answer 409 micro.already_published.
 */
#include "micro/micro.h"
#include "micro/micro_int.h"

#include "audit/audit.h"
#include "calendar/calendar.h"
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

#define MICRO_MAX_CHOICES 100

/* ---- ballots ------------------------------------------------------------ */

struct ballot_tx {
	struct req *req;
	const struct micro_round *r;
	int64_t resident_id, now, ids[MICRO_MAX_CHOICES];
	size_t n;
	int64_t id, total, bad;
	enum err_id refusal;
};

static int ballot_tx(struct db_conn *c, void *ctx)
{
	struct ballot_tx *x = ctx;
	const struct auth *a = req_auth(x->req);
	struct micro_tally *adm = NULL;
	int64_t at;
	size_t na = 0;
	int rc;

	x->refusal = ERR_NONE;
	rc = micro_store_tally(c, x->r->id, &adm, &na);
	if (rc < 0)
		return rc;
	switch (micro_ballot_check(x->ids, x->n, adm, na, x->r->budget_fen, &x->total, &x->bad)) {
	case MICRO_BALLOT_OK: break;
	case MICRO_BALLOT_OVER_BUDGET: x->refusal = ERR_MICRO_OVER_BUDGET; break;
	case MICRO_BALLOT_NOT_ADMITTED: x->refusal = ERR_MICRO_INVALID_CHOICE; break;
	default: /* empty and duplicate ids were answered before */ x->refusal = ERR_INVALID; break;
	}
	free(adm);
	if (x->refusal != ERR_NONE)
		return DB_EABORT;
	rc = micro_store_ballot_of(c, x->r->id, x->resident_id, a->account_id, &x->id, &at);
	if (rc == DB_DONE)
		rc = micro_ballot_insert(c, x->r->id, x->resident_id, a->account_id, x->ids, x->n,
					 x->total, x->now, &x->id);
	if (rc == DB_ROW || rc == DB_ECONSTRAINT) {
		x->refusal = ERR_MICRO_ALREADY_VOTED;
		return DB_EABORT;
	}
	/* the choices stay out of the audit log: a ballot is secret */
	return audit_write_after(rc, x->req, c, "micro.vote", "micro_round", x->r->id,
				 JB_OBJ(jb_int("ballot_id", x->id)));
}

/* proposal_ids: 1..MICRO_MAX_CHOICES ids, none twice, into x. 0, or -1 having answered 400. */
static int choices_or_reply(struct req *req, struct ballot_tx *x)
{
	struct ids_body {
		json_t *ids;
	} b;
	static const struct body_field fields[] = {
		BF_JSON(struct ids_body, ids, "proposal_ids", BF_REQUIRED, JSON_ARRAY),
	};
	size_t i;
	json_t *v;

	if (BODY_READ_OR_REPLY(req, fields, &b, NULL))
		return -1;
	if (json_array_size(b.ids) < 1 || json_array_size(b.ids) > MICRO_MAX_CHOICES) {
		reply_invalid(req, "proposal_ids", "1 to 100 proposal ids");
		return -1;
	}
	x->n = 0;
	json_array_foreach(b.ids, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			reply_invalid(req, "proposal_ids", "proposal ids");
			return -1;
		}
		x->ids[x->n++] = json_integer_value(v);
	}
	for (i = 1; i < x->n; i++)
		for (size_t j = 0; j < i; j++)
			if (x->ids[i] == x->ids[j]) {
				reply_invalid(req, "proposal_ids", "a proposal chosen twice");
				return -1;
			}
	return 0;
}

void micro_post_ballot(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct micro_round r;
	struct ballot_tx x = { .req = req, .r = &r, .now = clock_now() };
	json_t *ids;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = micro_round_get(c, id, &r);
	if (req_found_or_reply(req, rc) || micro_voter_or_reply(req, c, &r, &x.resident_id) ||
	    micro_window_or_reply(req, r.w.voting_start, r.w.voting_end, x.now) ||
	    choices_or_reply(req, &x))
		return;
	rc = db_tx_run(c, ballot_tx, &x);
	if (rc == DB_EABORT) {
		json_t *d = NULL;
		if (x.refusal == ERR_MICRO_OVER_BUDGET)
			d = JB_OBJ(jb_int("total_fen", x.total),
				   jb_int("budget_fen", r.budget_fen));
		else if (x.refusal == ERR_MICRO_INVALID_CHOICE)
			d = JB_OBJ(jb_int("proposal_id", x.bad));
		reply_error_ex(req, x.refusal, NULL, d);
		return;
	}
	ids = json_array();
	for (size_t i = 0; ids && i < x.n; i++)
		json_array_append_new(ids, json_integer(x.ids[i]));
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_take("proposal_ids", ids),
			jb_int("total_fen", x.total)));
}

/* ---- results ------------------------------------------------------------ */

struct results_read {
	struct db_conn *c;
	json_t *out;
	int failed;
};

static int results_row(void *ctx, const struct micro_round_view *v)
{
	struct results_read *r = ctx;
	char b[32];
	json_t *res = micro_results_json(r->c, v);

	if (res)
		json_object_set_new(
			res, "round",
			JB_OBJ(jb_int("id", v->r.id), jb_str("title", v->r.title),
			       jb_take("unit", JB_OBJ(jb_int("id", v->r.unit_id),
						      jb_str("name", v->unit_name),
						      jb_str("code", v->unit_code))),
			       jb_int("budget_fen", v->r.budget_fen),
			       jb_str("voting_end", clock_format_shanghai(v->r.w.voting_end, b)),
			       jb_str("state",
				      micro_state_name(micro_state_at(&v->r.w, clock_now())))));
	r->out = res;
	r->failed = !res;
	return 0;
}

/* The results of round id: 0 having answered them, or -1 having answered an error. */
static int results_reply(struct req *req, struct db_conn *c, int64_t id, int status)
{
	struct results_read r = { .c = c };
	int rc = micro_store_round_view(c, id, results_row, &r);

	if (req_found_or_reply(req, rc))
		return -1;
	if (r.failed) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	reply_json(req, status, r.out);
	return 0;
}

static int results_ready_or_reply(struct req *req, const struct micro_round *r, int64_t now)
{
	char b[32];

	if (now >= r->w.voting_end)
		return 0;
	reply_error_ex(req, ERR_MICRO_RESULTS_NOT_READY, NULL,
		       JB_OBJ(jb_str("voting_end", clock_format_shanghai(r->w.voting_end, b))));
	return -1;
}

void micro_get_results(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct micro_round r;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = micro_round_get(c, id, &r);
	if (req_found_or_reply(req, rc) || results_ready_or_reply(req, &r, clock_now()))
		return;
	results_reply(req, c, id, 200);
}

/* ---- publishing --------------------------------------------------------- */

struct publish_tx {
	struct req *req;
	const struct micro_round *r;
	int64_t now, changed;
	int projects;
};

/* Each chosen proposal becomes a project; every admitted one's result is frozen. */
static int freeze_results(struct db_conn *c, struct publish_tx *x)
{
	struct micro_tally *t = NULL;
	size_t n = 0;
	int rc = micro_store_tally(c, x->r->id, &t, &n);

	x->projects = 0;
	if (rc < 0)
		return rc;
	micro_choose(t, n, x->r->budget_fen);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		int64_t project_id = 0;
		if (t[i].chosen) {
			rc = micro_project_create(c, x->r, t[i].id, req_auth(x->req)->account_id,
						  &project_id);
			x->projects += rc >= 0;
		}
		if (rc >= 0)
			rc = micro_store_freeze(c, &t[i], project_id, x->now);
	}
	free(t);
	return rc < 0 ? rc : 0;
}

static int publish_tx(struct db_conn *c, void *ctx)
{
	struct publish_tx *x = ctx;
	int rc =
		micro_store_publish(c, x->r->id, req_auth(x->req)->account_id, x->now, &x->changed);

	if (rc == 0 && !x->changed)
		return DB_EABORT;
	if (rc == 0)
		rc = freeze_results(c, x);
	return audit_write_after(rc, x->req, c, "micro.publish", "micro_round", x->r->id,
				 JB_OBJ(jb_int("projects", x->projects)));
}

void micro_post_round_action(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct micro_round r;
	const char *action;
	int64_t id, now = clock_now();
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    body_str_or_reply(req, "action", 1, 20, NULL, &action))
		return;
	if (strcmp(action, "publish")) {
		reply_invalid(req, "action", "publish");
		return;
	}
	if (micro_round_managed_or_reply(req, c, id, &r))
		return;
	if (r.w.published_at) {
		reply_error(req, ERR_MICRO_PUBLISHED);
		return;
	}
	if (results_ready_or_reply(req, &r, now))
		return;
	rc = db_tx_run(c, publish_tx, &(struct publish_tx){ .req = req, .r = &r, .now = now });
	if (rc == DB_EABORT) {
		reply_error(req, ERR_MICRO_PUBLISHED);
		return;
	}
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	results_reply(req, c, id, 200);
}
