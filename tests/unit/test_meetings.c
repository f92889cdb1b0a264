/*
 * test_meetings.c — the pure rules of meetings (src/meetings/meetings_rules.c)
 * on a hand-made fixture: the quorum (present * 100 > quorum_pct * invited)
 * and the passing threshold (for * 100 > pass_pct * present, in a quorate
 * meeting) at their boundaries, the codes, the day from which attendance is
 * recorded, and which roster a meeting's unit uses.
 */
#include "unit.h"

#include "calendar/calendar.h"
#include "meetings/meetings_int.h"
#include "org/org.h"

#include <string.h>

/* A fixture: 10 invited, the defaults 50/50. */
static struct meeting_tally tally(int64_t present, int64_t f, int64_t a, int64_t ab)
{
	return (struct meeting_tally){ .invited = 10,
				       .present = present,
				       .quorum_pct = 50,
				       .pass_pct = 50,
				       .votes_for = f,
				       .against = a,
				       .abstain = ab };
}

static void half_present_is_not_a_quorum_one_more_is(void **state)
{
	(void)state;
	assert_false(meeting_quorate(10, 5, 50));
	assert_true(meeting_quorate(10, 6, 50));
	assert_false(meeting_quorate(25, 12, 50));
	assert_true(meeting_quorate(25, 13, 50));
	/* two thirds: 3 of 4 is 75 % > 66.67 % */
	assert_false(meeting_quorate(3, 2, 67));
	assert_true(meeting_quorate(4, 3, 67));
	assert_true(meeting_quorate(10, 10, 99));
	assert_false(meeting_quorate(10, 10, 100)); /* nobody can be more than all */
	assert_true(meeting_quorate(10, 1, 0));	    /* 0 %: one present is enough */
	assert_false(meeting_quorate(10, 0, 0));
}

static void nonsense_numbers_are_never_quorate(void **state)
{
	(void)state;
	assert_false(meeting_quorate(0, 0, 50));
	assert_false(meeting_quorate(10, 11, 50));
	assert_false(meeting_quorate(10, -1, 0));
	assert_false(meeting_quorate(10, 10, 101));
	assert_false(meeting_quorate(10, 10, -1));
}

static void half_of_those_present_is_not_a_majority(void **state)
{
	struct meeting_tally t = tally(6, 3, 3, 0);

	(void)state;
	assert_false(proposal_passes(&t)); /* 3 of 6 */
	t = tally(6, 4, 2, 0);
	assert_true(proposal_passes(&t)); /* 4 of 6 */
	t = tally(7, 4, 0, 3);
	assert_true(proposal_passes(&t)); /* abstentions are not against, but not for either */
	t = tally(8, 4, 0, 0);
	assert_false(proposal_passes(&t)); /* the silent count as not for */
	t = tally(8, 5, 0, 3);
	assert_true(proposal_passes(&t));
}

static void nothing_passes_without_a_quorum(void **state)
{
	struct meeting_tally t = tally(5, 5, 0, 0); /* unanimous, but only half came */

	(void)state;
	assert_false(proposal_passes(&t));
	t = tally(6, 6, 0, 0);
	assert_true(proposal_passes(&t));
}

static void the_thresholds_follow_the_settings(void **state)
{
	struct meeting_tally t = tally(9, 6, 3, 0);

	(void)state;
	t.pass_pct = 67; /* two thirds of 9 is 6: 600 > 603 is false */
	assert_false(proposal_passes(&t));
	t.votes_for = 7;
	t.against = 2;
	assert_true(proposal_passes(&t));
	t.pass_pct = 100; /* nothing passes at 100 % */
	t.votes_for = 9;
	t.against = 0;
	assert_false(proposal_passes(&t));
	t.pass_pct = 0; /* one vote for passes at 0 % */
	t.votes_for = 1;
	t.against = 8;
	assert_true(proposal_passes(&t));
	t.votes_for = 0;
	assert_false(proposal_passes(&t));
	t = tally(9, 9, 0, 0);
	t.quorum_pct = 90; /* 900 > 900 is false */
	assert_false(proposal_passes(&t));
	t = tally(10, 10, 0, 0);
	t.quorum_pct = 90;
	assert_true(proposal_passes(&t));
}

static void more_votes_than_present_never_pass(void **state)
{
	struct meeting_tally t = tally(6, 5, 1, 1);

	(void)state;
	assert_false(proposal_passes(&t));
	t = tally(6, -1, 0, 0);
	assert_false(proposal_passes(&t));
}

static void the_codes_are_the_documented_ones(void **state)
{
	static const char *const types[] = {
		"yishi_yiyi",	    "hearing",	       "coordination", "council",
		"homeland_council", "joint_committee", "party_org",    "two_committees",
		"party_members",    "residents",
	};
	(void)state;
	for (int i = 0; i < MEETING_TYPES_N; i++) {
		assert_true(meeting_type_valid(types[i]));
		assert_string_equal(meeting_type_at(i), types[i]);
	}
	assert_null(meeting_type_at(MEETING_TYPES_N));
	assert_false(meeting_type_valid("party"));
	assert_false(meeting_type_valid(NULL));
	for (int i = 0; i < REP_KINDS_N; i++)
		assert_true(representative_kind_valid(representative_kind_at(i)));
	assert_null(representative_kind_at(REP_KINDS_N));
	assert_true(representative_kind_valid("women"));
	assert_false(representative_kind_valid("mayor"));
	assert_int_equal(meeting_vote_parse("for"), VOTE_FOR);
	assert_int_equal(meeting_vote_parse("against"), VOTE_AGAINST);
	assert_int_equal(meeting_vote_parse("abstain"), VOTE_ABSTAIN);
	assert_int_equal(meeting_vote_parse("yes"), -1);
	assert_string_equal(meeting_vote_name(VOTE_ABSTAIN), "abstain");
}

static void attendance_opens_at_midnight_of_the_meetings_day(void **state)
{
	/* an afternoon of November 2026, to the minute */
	int64_t starts = 1795500000 - (1795500000 % 60), day = cal_day_of(starts);
	int64_t midnight = cal_day_start(day);

	(void)state;
	assert_false(meeting_may_record_attendance(starts, midnight - 1));
	assert_true(meeting_may_record_attendance(starts, midnight));
	assert_true(meeting_may_record_attendance(starts, starts + 86400 * 30));
}

static void a_meeting_uses_its_communitys_roster_or_its_streets(void **state)
{
	(void)state;
	assert_int_equal(meeting_roster_unit("/1/7/42/99/"), 42); /* a grid: its community */
	assert_int_equal(meeting_roster_unit("/1/7/42/"), 42);
	assert_int_equal(meeting_roster_unit("/1/7/"), 7); /* a street: its own */
	assert_int_equal(meeting_roster_unit("/1/"), 0);   /* the district has none */
	assert_true(meeting_unit_kind_ok(UNIT_GRID));
	assert_true(meeting_unit_kind_ok(UNIT_STREET));
	assert_false(meeting_unit_kind_ok(UNIT_DISTRICT));
	assert_false(meeting_unit_kind_ok(UNIT_BUILDING));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(half_present_is_not_a_quorum_one_more_is),
		cmocka_unit_test(nonsense_numbers_are_never_quorate),
		cmocka_unit_test(half_of_those_present_is_not_a_majority),
		cmocka_unit_test(nothing_passes_without_a_quorum),
		cmocka_unit_test(the_thresholds_follow_the_settings),
		cmocka_unit_test(more_votes_than_present_never_pass),
		cmocka_unit_test(the_codes_are_the_documented_ones),
		cmocka_unit_test(attendance_opens_at_midnight_of_the_meetings_day),
		cmocka_unit_test(a_meeting_uses_its_communitys_roster_or_its_streets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
