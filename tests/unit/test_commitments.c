/*
 * test_commitments.c — the pure rules of term-commitment lists
 * (src/commitments/commitments_rules.c): categories, the 销号 actions and
 * their states, the completion percentage, overdue on the Shanghai
 * calendar, and who may verify.
 */
#include "unit.h"

#include "commitments/commitments_int.h"
#include "core/clock.h"

#include <string.h>

static void only_the_fixed_categories_are_valid(void **state)
{
	(void)state;
	for (size_t i = 0; commitment_categories[i]; i++)
		assert_true(commitment_category_valid(commitment_categories[i]));
	assert_false(commitment_category_valid("Party_building"));
	assert_false(commitment_category_valid(""));
	assert_false(commitment_category_valid(NULL));
	assert_false(commitment_category_valid("party_building "));
}

static void actions_move_between_the_three_states(void **state)
{
	(void)state;
	assert_int_equal(commitment_action_parse("request_close"), CA_REQUEST_CLOSE);
	assert_int_equal(commitment_action_parse("verify"), CA_VERIFY);
	assert_int_equal(commitment_action_parse("return"), CA_RETURN);
	assert_int_equal(commitment_action_parse("close"), -1);
	assert_int_equal(commitment_action_parse(NULL), -1);
	assert_string_equal(commitment_action_from(CA_REQUEST_CLOSE), "in_progress");
	assert_string_equal(commitment_action_to(CA_REQUEST_CLOSE), "verifying");
	assert_string_equal(commitment_action_from(CA_VERIFY), "verifying");
	assert_string_equal(commitment_action_to(CA_VERIFY), "done");
	assert_string_equal(commitment_action_from(CA_RETURN), "verifying");
	assert_string_equal(commitment_action_to(CA_RETURN), "in_progress");
	for (int a = 0; a < CA__COUNT; a++) {
		assert_string_equal(
			commitment_action_name(commitment_action_parse(commitment_action_name(a))),
			commitment_action_name(a));
		assert_true(strlen(commitment_action_to(a)) < 16); /* struct commitment_item_ref */
	}
}

static void percent_rounds_but_never_claims_all_while_one_is_open(void **state)
{
	(void)state;
	assert_int_equal(commitment_percent(0, 0), 0);
	assert_int_equal(commitment_percent(0, 10), 0);
	assert_int_equal(commitment_percent(1, 3), 33);
	assert_int_equal(commitment_percent(2, 3), 67);
	assert_int_equal(commitment_percent(1, 2), 50);
	assert_int_equal(commitment_percent(1, 8), 13); /* 12.5 rounds up */
	assert_int_equal(commitment_percent(199, 200), 99);
	assert_int_equal(commitment_percent(10, 10), 100);
}

static void overdue_is_a_due_date_before_today_and_not_done(void **state)
{
	(void)state;
	assert_false(commitment_overdue("2026-11-25", "2026-11-25", "in_progress"));
	assert_true(commitment_overdue("2026-11-24", "2026-11-25", "in_progress"));
	assert_true(commitment_overdue("2026-11-24", "2026-11-25", "verifying"));
	assert_false(commitment_overdue("2026-11-24", "2026-11-25", "done"));
	assert_true(commitment_overdue("2025-12-31", "2026-01-01", "in_progress"));
}

static void today_is_the_shanghai_date(void **state)
{
	char d[11];
	int64_t t = 0;

	(void)state;
	assert_int_equal(clock_parse_iso("2026-11-25T15:59:59Z", &t), 0);
	commitment_today(t, d);
	assert_string_equal(d, "2026-11-25");
	commitment_today(t + 1, d); /* 00:00 on the 26th in Shanghai */
	assert_string_equal(d, "2026-11-26");
}

static void only_a_unit_above_the_community_verifies(void **state)
{
	(void)state;
	assert_true(commitment_verifier_above("/1/7/", "/1/7/42/"));
	assert_true(commitment_verifier_above("/1/", "/1/7/42/"));
	assert_false(commitment_verifier_above("/1/7/42/", "/1/7/42/"));
	assert_false(commitment_verifier_above("/1/7/42/99/", "/1/7/42/"));
	assert_false(commitment_verifier_above("/1/8/", "/1/7/42/"));
	assert_false(commitment_verifier_above("/1/7", "/1/74/2/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_the_fixed_categories_are_valid),
		cmocka_unit_test(actions_move_between_the_three_states),
		cmocka_unit_test(percent_rounds_but_never_claims_all_while_one_is_open),
		cmocka_unit_test(overdue_is_a_due_date_before_today_and_not_done),
		cmocka_unit_test(today_is_the_shanghai_date),
		cmocka_unit_test(only_a_unit_above_the_community_verifies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
