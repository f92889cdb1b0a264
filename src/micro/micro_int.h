/*
 * micro_int.h — what the files of src/micro/ share beyond micro.h: the pure
 * rules (micro_rules.c, unit-tested in tests/unit/test_micro.c), the store's
 * functions (micro_store.c) and the rows they pass, and the JSON builders
 * the handlers and the public view share (micro_json.c). Nothing outside
 * src/micro/ includes it.
 *
 * Rows reach the callers through a callback with a view whose strings point
 * into the statement: valid during the call only. A callback returns 0 to go
 * on, <0 to stop (the store then returns that).
 */
#ifndef SHUNIU_MICRO_MICRO_INT_H
#define SHUNIU_MICRO_MICRO_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "micro/micro.h"

struct db_conn;

/* ---- the rules (micro_rules.c, pure) ------------------------------------ */

enum micro_state {
	MICRO_UPCOMING,
	MICRO_PROPOSING,
	MICRO_REVIEWING,
	MICRO_VOTING,
	MICRO_CLOSED,
	MICRO_PUBLISHED
};
enum micro_state micro_state_at(const struct micro_windows *w, int64_t now);
const char *micro_state_name(enum micro_state s);

/* One admitted proposal as the results rule sees it. */
struct micro_tally {
	int64_t id, cost_fen, votes;
	int rank;   /* 1 first, set by micro_choose */
	int chosen; /* set by micro_choose */
};
/*
 * The rule: order t[0..n) by votes (most first), ties by lower cost, then
 * lower id; number them (rank from 1); walk that order with the remaining
 * budget and choose each proposal with at least one vote whose cost still
 * fits it, skipping those that no longer fit. Returns the chosen total.
 */
int64_t micro_choose(struct micro_tally *t, size_t n, int64_t budget_fen);

/* A ballot's choices: MICRO_BALLOT_OK, or why not. */
enum micro_ballot_check {
	MICRO_BALLOT_OK,
	MICRO_BALLOT_EMPTY,
	MICRO_BALLOT_DUPLICATE,
	MICRO_BALLOT_NOT_ADMITTED, /* *bad: the id */
	MICRO_BALLOT_OVER_BUDGET,  /* *total: the sum */
};
/*
 * Check ids[0..n) against the admitted proposals adm[0..na): at least one,
 * none twice, each admitted, and their costs within budget. *total receives
 * the sum of the costs (as far as it was added), *bad the offending id.
 */
enum micro_ballot_check micro_ballot_check(const int64_t *ids, size_t n,
					   const struct micro_tally *adm, size_t na,
					   int64_t budget_fen, int64_t *total, int64_t *bad);

/* ---- rounds (micro_store.c) --------------------------------------------- */

struct micro_round {
	int64_t id, unit_id, budget_fen, published_by, created_by;
	struct micro_windows w;
	char unit_path[256];
	char title[801]; /* 200 characters of up to 4 bytes */
};
struct micro_round_view {
	struct micro_round r;
	const char *description, *unit_name, *unit_code;
	int64_t proposals, admitted, ballots;
};
typedef int (*micro_round_fn)(void *ctx, const struct micro_round_view *v);

/* DB_ROW (*out filled), DB_DONE, <0. */
int micro_round_get(struct db_conn *c, int64_t id, struct micro_round *out);
/* One round as a view: DB_ROW (fn called), DB_DONE, <0. */
int micro_store_round_view(struct db_conn *c, int64_t id, micro_round_fn fn, void *ctx);
/* Rounds with unit_path in [lo, hi), ids below before (0: from the newest), newest first. */
int micro_store_rounds(struct db_conn *c, const char *lo, const char *hi, int64_t before,
		       int64_t limit, micro_round_fn fn, void *ctx);
/* The rounds of one community (unit_id), newest first, at most limit. */
int micro_store_unit_rounds(struct db_conn *c, int64_t unit_id, int64_t limit, micro_round_fn fn,
			    void *ctx);

/* Mark the round published if it is not yet: *changed 1, or 0 when it was. */
int micro_store_publish(struct db_conn *c, int64_t id, int64_t by, int64_t now, int64_t *changed);

/* ---- proposals ----------------------------------------------------------- */

struct micro_proposal {
	int64_t id, round_id, account_id, resident_id, estimate_fen, cost_fen;
	char status[16];
};
struct micro_proposal_view {
	int64_t id, round_id, account_id, resident_id, estimate_fen, cost_fen, decided_at;
	int64_t created_at, votes, project_id;
	int has_cost, has_decided, has_votes, rank, chosen;
	const char *title, *description, *photos, *status, *decline_reason, *proposer_name;
};
typedef int (*micro_proposal_fn)(void *ctx, const struct micro_proposal_view *v);

int micro_proposal_get(struct db_conn *c, int64_t id, struct micro_proposal *out);
/* The round's proposals by id: every one (all), else the admitted ones and those of
 * account_id (0: none). */
int micro_store_proposals(struct db_conn *c, int64_t round_id, int all, int64_t account_id,
			  micro_proposal_fn fn, void *ctx);

/*
 * The round's admitted proposals by id with their votes counted from the
 * ballots, into a malloc'd array (*out, *n; free it). 0 or <0.
 */
int micro_store_tally(struct db_conn *c, int64_t round_id, struct micro_tally **out, size_t *n);
/* The stored (published) results: the same array with the frozen votes, rank and chosen. */
int micro_store_frozen(struct db_conn *c, int64_t round_id, struct micro_tally **out, size_t *n);
/* Freeze one admitted proposal's result. */
int micro_store_freeze(struct db_conn *c, const struct micro_tally *t, int64_t project_id,
		       int64_t now);

/*
 * Make chosen proposal proposal_id of round r a project (micro_projects.c, through
 * projects.h's project_create) in the caller's transaction: 0 and *project_id, or <0.
 */
int micro_project_create(struct db_conn *c, const struct micro_round *r, int64_t proposal_id,
			 int64_t created_by, int64_t *project_id);

/* ---- ballots ------------------------------------------------------------- */

/* The household path of a resident record into out: DB_ROW, DB_DONE, <0. */
int micro_store_resident_home(struct db_conn *c, int64_t resident_id, char out[256]);
/* The ballot of a resident record (or account) in the round: DB_ROW with *id and
 * *created_at, DB_DONE, <0. */
int micro_store_ballot_of(struct db_conn *c, int64_t round_id, int64_t resident_id,
			  int64_t account_id, int64_t *id, int64_t *created_at);
/* The proposal ids of a ballot, as a JSON array into *out (new). */
int micro_store_ballot_choices(struct db_conn *c, int64_t ballot_id, json_t **out);
/* Insert a ballot and its choices: 0 and *id, DB_ECONSTRAINT when the resident or account
 * has one in the round already, <0. */
int micro_ballot_insert(struct db_conn *c, int64_t round_id, int64_t resident_id,
			int64_t account_id, const int64_t *ids, size_t n, int64_t total_fen,
			int64_t now, int64_t *id);

/* ---- JSON (micro_json.c) -------------------------------------------------- */

/* A round's summary; when detail, with its description. */
json_t *micro_round_json(const struct micro_round_view *v, int64_t now);
/*
 * The results of a round past its voting window: {"ballots", "published",
 * "published_at", "budget_fen", "chosen_total_fen", "items": [{"id", "title",
 * "cost_fen", "votes", "rank", "chosen", "project_id"}]}. NULL on a database
 * error.
 */
json_t *micro_results_json(struct db_conn *c, const struct micro_round_view *v);
/* photos text (a JSON array) as JSON, [] when unreadable. */
json_t *micro_photos_json(const char *photos);

/* ---- what the handlers share (micro_api.c) -------------------------------- */

struct req;
/* Staff read rounds in their scope (org:read); residents (micro:take_part, the resident
 * role) those of their own community. */
int micro_is_staff(const struct req *req);
int micro_is_resident(const struct req *req);
/* Load a round the caller may see (staff: in scope; residents: their community's); 404
 * otherwise. 0, or -1 having answered. */
int micro_round_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
				 struct micro_round *r);
/* Load a round inside the caller's scope, to act on it; 404 otherwise. */
int micro_round_managed_or_reply(struct req *req, struct db_conn *c, int64_t id,
				 struct micro_round *r);
/* The caller as a voter of round r: a resident account bound to a resident record whose
 * household lies in the round's community. 0 and *resident_id, or -1 having answered 403
 * micro.not_resident (503 on a database error). */
int micro_voter_or_reply(struct req *req, struct db_conn *c, const struct micro_round *r,
			 int64_t *resident_id);
/* Is now inside [opens, closes)? 0, or -1 having answered 409 micro.window_closed. */
int micro_window_or_reply(struct req *req, int64_t opens, int64_t closes, int64_t now);

/* The handlers of ballots_api.c, in micro_routes (micro_api.c). */
void micro_post_ballot(struct req *req);
void micro_get_results(struct req *req);
void micro_post_round_action(struct req *req);

#endif
