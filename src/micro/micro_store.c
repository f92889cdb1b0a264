/*
 * micro_store.c — every SQL statement of 微实事: rounds, proposals, ballots
 * and the frozen results.
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction. Reads hand each row to a callback as
 * a view (micro_int.h). A proposal's votes are counted from micro_choices
 * (one index range per round); publishing stores them on the proposal.
 *
 * One ballot per resident record and per account per round is not checked
 * here but held by the two unique indexes of migration 0015: the insert
 * answers DB_ECONSTRAINT to the loser of any race, on both databases.
 */
#include "micro/micro_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rounds ------------------------------------------------------------- */

#define ROUND_SELECT                                                                               \
	"SELECT r.id, r.unit_id, r.unit_path, r.title, r.budget_fen, r.proposal_start, "           \
	"r.proposal_end, r.voting_start, r.voting_end, r.published_at, r.published_by, "           \
	"r.created_by, r.description, u.name, u.code, "                                            \
	"(SELECT COUNT(*) FROM micro_proposals p WHERE p.round_id = r.id), "                       \
	"(SELECT COUNT(*) FROM micro_proposals p WHERE p.round_id = r.id "                         \
	"AND p.status = 'admitted'), "                                                             \
	"(SELECT COUNT(*) FROM micro_ballots b WHERE b.round_id = r.id) "                          \
	"FROM micro_rounds r JOIN units u ON u.id = r.unit_id "

static void round_from_row(struct db_stmt *st, struct micro_round *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int64(st, 0);
	r->unit_id = db_col_int64(st, 1);
	snprintf(r->unit_path, sizeof r->unit_path, "%s", db_col_text(st, 2));
	snprintf(r->title, sizeof r->title, "%s", db_col_text(st, 3));
	r->budget_fen = db_col_int64(st, 4);
	r->w.proposal_start = db_col_int64(st, 5);
	r->w.proposal_end = db_col_int64(st, 6);
	r->w.voting_start = db_col_int64(st, 7);
	r->w.voting_end = db_col_int64(st, 8);
	r->w.published_at = db_col_int64(st, 9);
	r->published_by = db_col_int64(st, 10);
	r->created_by = db_col_int64(st, 11);
}

static void round_view_from_row(struct db_stmt *st, struct micro_round_view *v)
{
	round_from_row(st, &v->r);
	v->description = db_col_text(st, 12);
	v->unit_name = db_col_text(st, 13);
	v->unit_code = db_col_text(st, 14);
	v->proposals = db_col_int64(st, 15);
	v->admitted = db_col_int64(st, 16);
	v->ballots = db_col_int64(st, 17);
}

static int round_row(struct db_stmt *st, void *p)
{
	round_from_row(st, p);
	return 0;
}

DB_VIEW_ROWS(round_view_row, struct micro_round_view, micro_round_fn, round_view_from_row)

int micro_round_get(struct db_conn *c, int64_t id, struct micro_round *out)
{
	return db_one(c, round_row, out, ROUND_SELECT "WHERE r.id = ?", "i", id);
}

int micro_store_round_view(struct db_conn *c, int64_t id, micro_round_fn fn, void *ctx)
{
	struct round_view_row_call k = { fn, ctx };

	return db_one(c, round_view_row, &k, ROUND_SELECT "WHERE r.id = ?", "i", id);
}

int micro_store_rounds(struct db_conn *c, const char *lo, const char *hi, int64_t before,
		       int64_t limit, micro_round_fn fn, void *ctx)
{
	struct round_view_row_call k = { fn, ctx };
	int rc = db_each(c, round_view_row, &k,
			 ROUND_SELECT "WHERE r.unit_path >= ? AND r.unit_path < ? "
				      "AND (? = 0 OR r.id < ?) ORDER BY r.id DESC LIMIT ?",
			 "ttiii", lo, hi, before, before, limit);

	return rc < 0 ? rc : 0;
}

int micro_store_unit_rounds(struct db_conn *c, int64_t unit_id, int64_t limit, micro_round_fn fn,
			    void *ctx)
{
	struct round_view_row_call k = { fn, ctx };
	int rc = db_each(c, round_view_row, &k,
			 ROUND_SELECT "WHERE r.unit_id = ? ORDER BY r.id DESC LIMIT ?", "ii",
			 unit_id, limit);

	return rc < 0 ? rc : 0;
}

int micro_round_insert(struct db_conn *c, const struct micro_round_in *in, int64_t now, int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(in->unit_id),
		DB_ARG_T(in->unit_path),
		DB_ARG_T(in->title),
		DB_ARG_T(in->description ? in->description : ""),
		DB_ARG_I(in->budget_fen),
		DB_ARG_I(in->w.proposal_start),
		DB_ARG_I(in->w.proposal_end),
		DB_ARG_I(in->w.voting_start),
		DB_ARG_I(in->w.voting_end),
		DB_ARG_I(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO micro_rounds (unit_id, unit_path, title, description, budget_fen, "
		"proposal_start, proposal_end, voting_start, voting_end, created_by, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), "
		"?, ?) RETURNING id",
		args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc;
}

int micro_store_publish(struct db_conn *c, int64_t id, int64_t by, int64_t now, int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE micro_rounds SET published_at = ?, published_by = "
			      "NULLIF(CAST(? AS BIGINT), 0), updated_at = ? WHERE id = ? AND "
			      "published_at IS NULL",
			      "iiii", now, by, now, id);
}

/* ---- proposals ---------------------------------------------------------- */

#define PROPOSAL_SELECT                                                                            \
	"SELECT p.id, p.round_id, p.account_id, p.resident_id, p.estimate_fen, p.cost_fen, "       \
	"p.decided_at, p.created_at, p.votes, p.project_id, p.vote_rank, p.chosen, p.title, "      \
	"p.description, p.photos, p.status, p.decline_reason, a.display_name "                     \
	"FROM micro_proposals p LEFT JOIN accounts a ON a.id = p.account_id "

static void proposal_view_from_row(struct db_stmt *st, struct micro_proposal_view *v)
{
	memset(v, 0, sizeof *v);
	v->id = db_col_int64(st, 0);
	v->round_id = db_col_int64(st, 1);
	v->account_id = db_col_int64(st, 2);
	v->resident_id = db_col_int64(st, 3);
	v->estimate_fen = db_col_int64(st, 4);
	v->has_cost = !db_col_is_null(st, 5);
	v->cost_fen = db_col_int64(st, 5);
	v->has_decided = !db_col_is_null(st, 6);
	v->decided_at = db_col_int64(st, 6);
	v->created_at = db_col_int64(st, 7);
	v->has_votes = !db_col_is_null(st, 8);
	v->votes = db_col_int64(st, 8);
	v->project_id = db_col_int64(st, 9);
	v->rank = (int)db_col_int64(st, 10);
	v->chosen = (int)db_col_int64(st, 11);
	v->title = db_col_text(st, 12);
	v->description = db_col_text(st, 13);
	v->photos = db_col_text(st, 14);
	v->status = db_col_text(st, 15);
	v->decline_reason = db_col_text(st, 16);
	v->proposer_name = db_col_text(st, 17);
}

DB_VIEW_ROWS(proposal_view_row, struct micro_proposal_view, micro_proposal_fn,
	     proposal_view_from_row)

static int proposal_row(struct db_stmt *st, void *p)
{
	struct micro_proposal *o = p;

	memset(o, 0, sizeof *o);
	o->id = db_col_int64(st, 0);
	o->round_id = db_col_int64(st, 1);
	o->account_id = db_col_int64(st, 2);
	o->resident_id = db_col_int64(st, 3);
	o->estimate_fen = db_col_int64(st, 4);
	o->cost_fen = db_col_int64(st, 5);
	snprintf(o->status, sizeof o->status, "%s", db_col_text(st, 6));
	return 0;
}

int micro_proposal_get(struct db_conn *c, int64_t id, struct micro_proposal *out)
{
	return db_one(
		c, proposal_row, out,
		"SELECT id, round_id, account_id, resident_id, estimate_fen, cost_fen, status "
		"FROM micro_proposals WHERE id = ?",
		"i", id);
}

int micro_store_proposals(struct db_conn *c, int64_t round_id, int all, int64_t account_id,
			  micro_proposal_fn fn, void *ctx)
{
	struct proposal_view_row_call k = { fn, ctx };
	int rc = db_each(c, proposal_view_row, &k,
			 PROPOSAL_SELECT "WHERE p.round_id = ? AND (? = 1 OR p.status = 'admitted' "
					 "OR (? <> 0 AND p.account_id = ?)) ORDER BY p.id",
			 "iiii", round_id, (int64_t)(all != 0), account_id, account_id);

	return rc < 0 ? rc : 0;
}

int micro_proposal_insert(struct db_conn *c, const struct micro_proposal_in *in, int64_t now,
			  int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(in->round_id),
		DB_ARG_I(in->account_id),
		DB_ARG_I(in->resident_id),
		DB_ARG_T(in->title),
		DB_ARG_T(in->description),
		DB_ARG_I(in->estimate_fen),
		DB_ARG_T(in->photos ? in->photos : "[]"),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO micro_proposals (round_id, account_id, resident_id, title, "
		"description, estimate_fen, photos, status, created_at, updated_at) VALUES (?, "
		"NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, "
		"?, ?, 'submitted', ?, ?) RETURNING id",
		args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc;
}

int micro_proposal_decide(struct db_conn *c, int64_t id, int admit, int64_t cost_fen,
			  const char *reason, int64_t by, int64_t now, int64_t *changed)
{
	if (admit)
		return db_run_changed(
			c, changed,
			"UPDATE micro_proposals SET status = 'admitted', cost_fen = ?, "
			"decided_by = NULLIF(CAST(? AS BIGINT), 0), "
			"decided_at = ?, updated_at = ? WHERE id = ? AND "
			"status = 'submitted'",
			"iiiii", cost_fen, by, now, now, id);
	return db_run_changed(c, changed,
			      "UPDATE micro_proposals SET status = 'declined', decline_reason = ?, "
			      "decided_by = NULLIF(CAST(? AS BIGINT), 0), decided_at = ?, "
			      "updated_at = ? WHERE id = ? AND status = 'submitted'",
			      "tiiii", reason, by, now, now, id);
}

/* ---- tallies ------------------------------------------------------------ */

struct tally_read {
	struct micro_tally *t;
	size_t n, cap;
};

static int tally_row(struct db_stmt *st, void *p)
{
	struct tally_read *r = p;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct micro_tally *t = realloc(r->t, cap * sizeof *t);
		if (!t)
			return DB_ENOMEM;
		r->t = t;
		r->cap = cap;
	}
	r->t[r->n] = (struct micro_tally){ .id = db_col_int64(st, 0),
					   .cost_fen = db_col_int64(st, 1),
					   .votes = db_col_int64(st, 2),
					   .rank = (int)db_col_int64(st, 3),
					   .chosen = (int)db_col_int64(st, 4) };
	r->n++;
	return 0;
}

static int tally_read(struct db_conn *c, const char *sql, int64_t round_id,
		      struct micro_tally **out, size_t *n)
{
	struct tally_read r = { 0 };
	int rc = db_each(c, tally_row, &r, sql, "i", round_id);

	if (rc < 0) {
		free(r.t);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = r.t;
	*n = r.n;
	return 0;
}

int micro_store_tally(struct db_conn *c, int64_t round_id, struct micro_tally **out, size_t *n)
{
	return tally_read(c,
			  "SELECT p.id, p.cost_fen, (SELECT COUNT(*) FROM micro_choices ch WHERE "
			  "ch.round_id = p.round_id AND ch.proposal_id = p.id), 0, 0 "
			  "FROM micro_proposals p WHERE p.round_id = ? AND p.status = 'admitted' "
			  "ORDER BY p.id",
			  round_id, out, n);
}

int micro_store_frozen(struct db_conn *c, int64_t round_id, struct micro_tally **out, size_t *n)
{
	return tally_read(c,
			  "SELECT id, cost_fen, votes, vote_rank, chosen FROM micro_proposals "
			  "WHERE round_id = ? AND status = 'admitted' ORDER BY vote_rank, id",
			  round_id, out, n);
}

int micro_store_freeze(struct db_conn *c, const struct micro_tally *t, int64_t project_id,
		       int64_t now)
{
	return db_run(c,
		      "UPDATE micro_proposals SET votes = ?, vote_rank = ?, chosen = ?, "
		      "project_id = NULLIF(CAST(? AS BIGINT), 0), updated_at = ? "
		      "WHERE id = ?",
		      "iiiiii", t->votes, (int64_t)t->rank, (int64_t)t->chosen, project_id, now,
		      t->id);
}

/* ---- ballots ------------------------------------------------------------ */

int micro_store_resident_home(struct db_conn *c, int64_t resident_id, char out[256])
{
	return db_text(c, out, 256,
		       "SELECT h.unit_path FROM residents r JOIN households h ON h.id = "
		       "r.household_id WHERE r.id = ?",
		       "i", resident_id);
}

struct ballot_read {
	int64_t *id, *created_at;
};

static int ballot_row(struct db_stmt *st, void *p)
{
	struct ballot_read *r = p;

	*r->id = db_col_int64(st, 0);
	*r->created_at = db_col_int64(st, 1);
	return 0;
}

int micro_store_ballot_of(struct db_conn *c, int64_t round_id, int64_t resident_id,
			  int64_t account_id, int64_t *id, int64_t *created_at)
{
	struct ballot_read r = { id, created_at };

	return db_one(c, ballot_row, &r,
		      "SELECT id, created_at FROM micro_ballots WHERE round_id = ? AND "
		      "(resident_id = ? OR account_id = ?) ORDER BY id LIMIT 1",
		      "iii", round_id, resident_id, account_id);
}

static int choice_row(struct db_stmt *st, void *p)
{
	return json_array_append_new(p, json_integer(db_col_int64(st, 0))) ? DB_ENOMEM : 0;
}

int micro_store_ballot_choices(struct db_conn *c, int64_t ballot_id, json_t **out)
{
	json_t *a = json_array();
	int rc;

	if (!a)
		return DB_ENOMEM;
	rc = db_each(
		c, choice_row, a,
		"SELECT proposal_id FROM micro_choices WHERE ballot_id = ? ORDER BY proposal_id",
		"i", ballot_id);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int micro_ballot_insert(struct db_conn *c, int64_t round_id, int64_t resident_id,
			int64_t account_id, const int64_t *ids, size_t n, int64_t total_fen,
			int64_t now, int64_t *id)
{
	int rc = db_query_int64(c, id,
				"INSERT INTO micro_ballots (round_id, resident_id, account_id, "
				"total_fen, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
				"iiiii", round_id, resident_id, account_id, total_fen, now);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	for (size_t i = 0; i < n; i++) {
		rc = db_run(c,
			    "INSERT INTO micro_choices (ballot_id, proposal_id, round_id) VALUES "
			    "(?, ?, ?)",
			    "iii", *id, ids[i], round_id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("micro_rounds", "unit_path"),
};
static const char *const unit_use_sql[] = {
	DB_COUNT_EQ("micro_rounds", "unit_id"),
};

const struct org_unit_hooks micro_unit_hooks = { "micro", ORG_HOOK_SQL(unit_path_sql),
						 ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
