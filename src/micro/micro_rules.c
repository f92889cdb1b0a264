/*
 * micro_rules.c — the pure part of 微实事: a round's state on the clock, the
 * checks of a ballot and the results rule. No database, no HTTP;
 * tests/unit/test_micro.c covers it.
 *
 * The results rule (docs/API.md says the same): rank the admitted proposals
 * by votes, most first; ties by lower cost, then by lower id, so the order
 * is total and the same on every run. Then walk the ranking with what is
 * left of the budget and choose a proposal when its cost fits what is left,
 * otherwise skip it and go on — a cheaper proposal further down may still
 * fit. A proposal nobody voted for is never chosen. This is the "greedy"
 * rule most participatory-budgeting programmes use: easy to explain on a
 * notice board, and every chosen proposal had more support than any skipped
 * one that would have fitted.
 */
#include "micro/micro_int.h"

#include <stdlib.h>

enum micro_state micro_state_at(const struct micro_windows *w, int64_t now)
{
	if (w->published_at)
		return MICRO_PUBLISHED;
	if (now < w->proposal_start)
		return MICRO_UPCOMING;
	if (now < w->proposal_end)
		return MICRO_PROPOSING;
	if (now < w->voting_start)
		return MICRO_REVIEWING;
	if (now < w->voting_end)
		return MICRO_VOTING;
	return MICRO_CLOSED;
}

const char *micro_state_name(enum micro_state s)
{
	static const char *const names[] = { "upcoming", "proposing", "reviewing",
					     "voting",	 "closed",    "published" };

	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown";
}

/* Most votes first, then lower cost, then lower id. */
static int by_rule(const void *a, const void *b)
{
	const struct micro_tally *x = a, *y = b;

	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	if (x->cost_fen != y->cost_fen)
		return x->cost_fen < y->cost_fen ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

int64_t micro_choose(struct micro_tally *t, size_t n, int64_t budget_fen)
{
	int64_t left = budget_fen;

	if (n > 1)
		qsort(t, n, sizeof *t, by_rule);
	for (size_t i = 0; i < n; i++) {
		t[i].rank = (int)i + 1;
		t[i].chosen = t[i].votes > 0 && t[i].cost_fen <= left;
		if (t[i].chosen)
			left -= t[i].cost_fen;
	}
	return budget_fen - left;
}

enum micro_ballot_check micro_ballot_check(const int64_t *ids, size_t n,
					   const struct micro_tally *adm, size_t na,
					   int64_t budget_fen, int64_t *total, int64_t *bad)
{
	*total = 0;
	*bad = 0;
	if (n == 0)
		return MICRO_BALLOT_EMPTY;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (ids[i] == ids[j]) {
				*bad = ids[i];
				return MICRO_BALLOT_DUPLICATE;
			}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < na && adm[k].id != ids[i])
			k++;
		if (k == na) {
			*bad = ids[i];
			return MICRO_BALLOT_NOT_ADMITTED;
		}
		/* costs are at most 10^10 each and ids at most 100: no overflow */
		*total += adm[k].cost_fen;
	}
	return *total > budget_fen ? MICRO_BALLOT_OVER_BUDGET : MICRO_BALLOT_OK;
}
