/*
 * test_micro.c — the pure rules of 微实事 (src/micro/micro_rules.c): a
 * round's state on the clock, a ballot's checks, and the results rule — most
 * votes first, ties by lower cost then lower id, each taken while it still
 * fits the remaining budget, skipping what no longer fits; nothing chosen
 * without a vote.
 */
#include "unit.h"

#include "micro/micro_int.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof *(a))

static void the_state_follows_the_windows(void **state)
{
	struct micro_windows w = { 100, 200, 300, 400, 0 };

	(void)state;
	assert_int_equal(micro_state_at(&w, 99), MICRO_UPCOMING);
	assert_int_equal(micro_state_at(&w, 100), MICRO_PROPOSING);
	assert_int_equal(micro_state_at(&w, 199), MICRO_PROPOSING);
	assert_int_equal(micro_state_at(&w, 200), MICRO_REVIEWING);
	assert_int_equal(micro_state_at(&w, 300), MICRO_VOTING);
	assert_int_equal(micro_state_at(&w, 399), MICRO_VOTING);
	assert_int_equal(micro_state_at(&w, 400), MICRO_CLOSED);
	w.published_at = 450;
	assert_int_equal(micro_state_at(&w, 500), MICRO_PUBLISHED);
	assert_string_equal(micro_state_name(MICRO_REVIEWING), "reviewing");
	assert_string_equal(micro_state_name(MICRO_PUBLISHED), "published");
}

/* Voting straight after proposals: no review gap. */
static void voting_may_open_as_proposals_close(void **state)
{
	struct micro_windows w = { 100, 200, 200, 300, 0 };

	(void)state;
	assert_int_equal(micro_state_at(&w, 199), MICRO_PROPOSING);
	assert_int_equal(micro_state_at(&w, 200), MICRO_VOTING);
}

static int chosen_ids(const struct micro_tally *t, size_t n, int64_t *out)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		if (t[i].chosen)
			out[k++] = t[i].id;
	return k;
}

static void most_votes_first_skipping_what_no_longer_fits(void **state)
{
	/* budget 100: B (5 votes, 60) fits, A (4, 50) no longer does, C (3, 30) does, D (1, 20) not
	 */
	struct micro_tally t[] = {
		{ .id = 1, .cost_fen = 50, .votes = 4 },
		{ .id = 2, .cost_fen = 60, .votes = 5 },
		{ .id = 3, .cost_fen = 30, .votes = 3 },
		{ .id = 4, .cost_fen = 20, .votes = 1 },
	};
	int64_t ids[4];

	(void)state;
	assert_int_equal(micro_choose(t, N(t), 100), 90);
	assert_int_equal(t[0].id, 2);
	assert_int_equal(t[1].id, 1);
	assert_int_equal(t[2].id, 3);
	assert_int_equal(t[3].id, 4);
	assert_int_equal(t[0].rank, 1);
	assert_int_equal(t[3].rank, 4);
	assert_int_equal(chosen_ids(t, N(t), ids), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
}

static void ties_go_to_the_cheaper_then_the_older(void **state)
{
	struct micro_tally t[] = {
		{ .id = 9, .cost_fen = 40, .votes = 2 },
		{ .id = 7, .cost_fen = 40, .votes = 2 },
		{ .id = 8, .cost_fen = 30, .votes = 2 },
	};

	(void)state;
	assert_int_equal(micro_choose(t, N(t), 70), 70);
	assert_int_equal(t[0].id, 8); /* cheapest */
	assert_int_equal(t[1].id, 7); /* same cost, lower id */
	assert_int_equal(t[2].id, 9);
	assert_true(t[0].chosen);
	assert_true(t[1].chosen);
	assert_false(t[2].chosen); /* 70 spent */
}

static void nothing_is_chosen_without_a_vote(void **state)
{
	struct micro_tally t[] = {
		{ .id = 1, .cost_fen = 10, .votes = 0 },
		{ .id = 2, .cost_fen = 10, .votes = 1 },
	};

	(void)state;
	assert_int_equal(micro_choose(t, N(t), 1000), 10);
	assert_int_equal(t[0].id, 2);
	assert_true(t[0].chosen);
	assert_false(t[1].chosen);
}

static void an_exact_fit_is_taken_and_an_empty_round_chooses_nothing(void **state)
{
	struct micro_tally t[] = { { .id = 1, .cost_fen = 100, .votes = 1 } };

	(void)state;
	assert_int_equal(micro_choose(t, N(t), 100), 100);
	assert_true(t[0].chosen);
	assert_int_equal(micro_choose(NULL, 0, 100), 0);
}

static void a_proposal_dearer_than_the_budget_is_never_chosen(void **state)
{
	struct micro_tally t[] = {
		{ .id = 1, .cost_fen = 500, .votes = 10 },
		{ .id = 2, .cost_fen = 50, .votes = 1 },
	};

	(void)state;
	assert_int_equal(micro_choose(t, N(t), 100), 50);
	assert_false(t[0].chosen);
	assert_true(t[1].chosen);
}

static const struct micro_tally admitted[] = {
	{ .id = 10, .cost_fen = 60 },
	{ .id = 11, .cost_fen = 30 },
	{ .id = 12, .cost_fen = 10 },
};

static void a_ballot_within_the_budget_passes_with_its_total(void **state)
{
	int64_t ids[] = { 10, 11, 12 }, total, bad;

	(void)state;
	assert_int_equal(micro_ballot_check(ids, 3, admitted, 3, 100, &total, &bad),
			 MICRO_BALLOT_OK);
	assert_int_equal(total, 100);
}

static void a_ballot_is_refused_for_the_first_rule_it_breaks(void **state)
{
	int64_t total, bad;
	int64_t dup[] = { 11, 12, 11 }, stranger[] = { 12, 99 }, over[] = { 10, 11, 12 };

	(void)state;
	assert_int_equal(micro_ballot_check(dup, 0, admitted, 3, 100, &total, &bad),
			 MICRO_BALLOT_EMPTY);
	assert_int_equal(micro_ballot_check(dup, 3, admitted, 3, 100, &total, &bad),
			 MICRO_BALLOT_DUPLICATE);
	assert_int_equal(bad, 11);
	assert_int_equal(micro_ballot_check(stranger, 2, admitted, 3, 100, &total, &bad),
			 MICRO_BALLOT_NOT_ADMITTED);
	assert_int_equal(bad, 99);
	assert_int_equal(micro_ballot_check(over, 3, admitted, 3, 99, &total, &bad),
			 MICRO_BALLOT_OVER_BUDGET);
	assert_int_equal(total, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_state_follows_the_windows),
		cmocka_unit_test(voting_may_open_as_proposals_close),
		cmocka_unit_test(most_votes_first_skipping_what_no_longer_fits),
		cmocka_unit_test(ties_go_to_the_cheaper_then_the_older),
		cmocka_unit_test(nothing_is_chosen_without_a_vote),
		cmocka_unit_test(an_exact_fit_is_taken_and_an_empty_round_chooses_nothing),
		cmocka_unit_test(a_proposal_dearer_than_the_budget_is_never_chosen),
		cmocka_unit_test(a_ballot_within_the_budget_passes_with_its_total),
		cmocka_unit_test(a_ballot_is_refused_for_the_first_rule_it_breaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
