/*
 * micro.h — 微实事: residents propose small community projects and choose
 * them by ballot, what other modules may call.
 *
 * A round belongs to a community and has a budget, a proposal window and a
 * voting window after it. Residents of the community (a resident account
 * bound to a resident record whose household lies there) propose; staff admit
 * a proposal with a costed estimate or decline it with a reason; residents
 * then cast one ballot each, choosing admitted proposals whose costs add up to
 * no more than the budget. When the voting window closes the results follow a
 * documented rule (micro_rules.c): most votes first — ties by lower cost,
 * then lower id — each taken while it still fits the remaining budget,
 * skipping what no longer fits. Publishing freezes them and makes each chosen
 * proposal a project (projects.h) in the same transaction.
 *
 * One ballot per resident record and per account per round is held by unique
 * indexes, so it holds under any concurrency.
 *
 * Files: micro_api.c (rounds, proposals, decisions), ballots_api.c (ballots,
 * results, publishing), micro_store.c (all the SQL), micro_rules.c (the
 * results rule and the ballot's checks: pure), micro_json.c (the answers
 * and the public view), micro_int.h (what they share).
 */
#ifndef SHUNIU_MICRO_MICRO_H
#define SHUNIU_MICRO_MICRO_H

#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;
struct unit_ref;

/*
 * The community's rounds, newest first (at most 20): budget, windows, state,
 * admitted proposals with their admitted cost, and after the voting window
 * the results with counts. Never a proposer's name or account.
 * {"rounds": [...]}; NULL on a database error.
 */
json_t *micro_public(struct db_conn *c, const struct unit_ref *community, int64_t now);

/*
 * Writing rounds and proposals, in the caller's transaction (the handlers,
 * and the demo, which writes through these): 0 and *id, or <0. The caller
 * has checked the input and who may write, and audits.
 */
struct micro_windows {
	int64_t proposal_start, proposal_end, voting_start, voting_end;
	int64_t published_at; /* 0: not published */
};

struct micro_round_in {
	int64_t unit_id, budget_fen;
	const char *unit_path, *title, *description;
	struct micro_windows w;
	int64_t created_by; /* 0: none (the demo) */
};
int micro_round_insert(struct db_conn *c, const struct micro_round_in *in, int64_t now,
		       int64_t *id);

struct micro_proposal_in {
	int64_t round_id, account_id, resident_id, estimate_fen;
	const char *title, *description, *photos; /* photos: a JSON array as text */
};
int micro_proposal_insert(struct db_conn *c, const struct micro_proposal_in *in, int64_t now,
			  int64_t *id);
/* Decide a submitted proposal: admitted with cost_fen, or declined with reason.
 * *changed 0 when it was no longer submitted. */
int micro_proposal_decide(struct db_conn *c, int64_t id, int admit, int64_t cost_fen,
			  const char *reason, int64_t by, int64_t now, int64_t *changed);

extern const struct route micro_routes[];

struct org_unit_hooks;
/* Rounds under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks micro_unit_hooks;

#endif
