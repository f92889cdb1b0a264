/*
 * test_matters.c — the pure rules of matters (src/matters/matters_rules.c):
 * the order of 四议两公开 and its refusals, the meeting type each step takes,
 * the major rule and the end of the disclosure period on Shanghai days.
 */
#include "unit.h"

#include "calendar/calendar.h"
#include "matters/matters_int.h"

#include <string.h>

#define ALL_BEFORE(s) (MS_BIT(s) - 1u)

static void steps_read_back_by_name(void **state)
{
	(void)state;
	for (int s = 0; s < MS__COUNT; s++)
		assert_int_equal(matter_step_parse(matter_step_name(s)), s);
	assert_int_equal(matter_step_parse("publish"), -1);
	assert_int_equal(matter_step_parse(NULL), -1);
	assert_string_equal(matter_state_after(MS_PUBLISH_RESOLUTION), "disclosing");
	assert_string_equal(matter_state_after(MS_PUBLISH_RESULT), "done");
	assert_true(matter_state_valid("new"));
	assert_true(matter_state_valid("reviewed"));
	assert_false(matter_state_valid("closed"));
	assert_true(matter_category_valid("facility"));
	assert_false(matter_category_valid("Facility"));
	assert_true(matter_source_kind_valid("hotspot"));
	assert_false(matter_source_kind_valid("appeal"));
}

static void a_major_matter_takes_every_step_in_order(void **state)
{
	int missing;
	(void)state;
	for (int s = 0; s < MS__COUNT; s++) {
		assert_int_equal(matter_step_order(1, ALL_BEFORE(s), s, &missing), MO_OK);
		assert_int_equal(missing, -1);
	}
	assert_int_equal(matter_next_step(1, 0), MS_PROPOSE);
	assert_int_equal(matter_next_step(1, ALL_BEFORE(MS_DECIDE)), MS_DECIDE);
	assert_int_equal(matter_next_step(1, ALL_BEFORE(MS__COUNT)), -1);
	assert_true(matter_complete(ALL_BEFORE(MS__COUNT)));
	assert_false(matter_complete(ALL_BEFORE(MS_PUBLISH_RESULT)));
}

static void a_skipped_step_names_the_first_one_missing(void **state)
{
	int missing;
	(void)state;
	/* nothing done: every later step needs propose */
	for (int s = MS_DELIBERATE; s < MS__COUNT; s++) {
		assert_int_equal(matter_step_order(1, 0, s, &missing), MO_MISSING);
		assert_int_equal(missing, MS_PROPOSE);
	}
	/* propose and deliberate done: decide needs review */
	assert_int_equal(matter_step_order(1, ALL_BEFORE(MS_REVIEW), MS_DECIDE, &missing),
			 MO_MISSING);
	assert_int_equal(missing, MS_REVIEW);
	/* a hole in the middle is named, not the step just before */
	assert_int_equal(matter_step_order(1, MS_BIT(MS_PROPOSE), MS_REVIEW, &missing), MO_MISSING);
	assert_int_equal(missing, MS_DELIBERATE);
	assert_int_equal(
		matter_step_order(1, ALL_BEFORE(MS_PUBLISH_RESOLUTION), MS_IMPLEMENT, &missing),
		MO_MISSING);
	assert_int_equal(missing, MS_PUBLISH_RESOLUTION);
	assert_int_equal(
		matter_step_order(1, ALL_BEFORE(MS_IMPLEMENT), MS_PUBLISH_RESULT, &missing),
		MO_MISSING);
	assert_int_equal(missing, MS_IMPLEMENT);
}

static void a_step_done_or_passed_is_not_taken_again(void **state)
{
	int missing;
	(void)state;
	assert_int_equal(matter_step_order(1, MS_BIT(MS_PROPOSE), MS_PROPOSE, &missing), MO_DONE);
	assert_int_equal(matter_step_order(0, MS_BIT(MS_DECIDE) | MS_BIT(MS_IMPLEMENT),
					   MS_PUBLISH_RESOLUTION, &missing),
			 MO_DONE);
	assert_int_equal(matter_step_order(1, 0, 9, &missing), MO_INVALID);
}

static void a_minor_matter_goes_straight_to_decide(void **state)
{
	int missing;
	(void)state;
	for (int s = MS_PROPOSE; s < MS_DECIDE; s++)
		assert_int_equal(matter_step_order(0, 0, s, &missing), MO_NOT_MAJOR);
	assert_int_equal(matter_step_order(0, 0, MS_DECIDE, &missing), MO_OK);
	assert_int_equal(matter_step_order(0, 0, MS_IMPLEMENT, &missing), MO_MISSING);
	assert_int_equal(missing, MS_DECIDE);
	assert_int_equal(matter_step_order(0, 0, MS_PUBLISH_RESOLUTION, &missing), MO_MISSING);
	assert_int_equal(missing, MS_DECIDE);
	/* publishing the resolution is optional for it */
	assert_int_equal(matter_step_order(0, MS_BIT(MS_DECIDE), MS_IMPLEMENT, &missing), MO_OK);
	assert_int_equal(matter_step_order(0, MS_BIT(MS_DECIDE), MS_PUBLISH_RESULT, &missing),
			 MO_MISSING);
	assert_int_equal(missing, MS_IMPLEMENT);
	assert_int_equal(matter_next_step(0, 0), MS_DECIDE);
	assert_int_equal(matter_next_step(0, MS_BIT(MS_DECIDE)), MS_IMPLEMENT);
	assert_int_equal(matter_next_step(0, MS_BIT(MS_DECIDE) | MS_BIT(MS_PUBLISH_RESOLUTION)),
			 MS_IMPLEMENT);
	assert_int_equal(matter_next_step(0, MS_BIT(MS_DECIDE) | MS_BIT(MS_IMPLEMENT)),
			 MS_PUBLISH_RESULT);
}

static void each_meeting_step_takes_its_type(void **state)
{
	(void)state;
	assert_true(matter_meeting_type_fits(1, MS_PROPOSE, "party_org"));
	assert_true(matter_meeting_type_fits(1, MS_DELIBERATE, "two_committees"));
	assert_true(matter_meeting_type_fits(1, MS_REVIEW, "party_members"));
	assert_true(matter_meeting_type_fits(1, MS_DECIDE, "residents"));
	assert_false(matter_meeting_type_fits(1, MS_DECIDE, "yishi_yiyi"));
	assert_false(matter_meeting_type_fits(1, MS_PROPOSE, "two_committees"));
	assert_false(matter_meeting_type_fits(1, MS_IMPLEMENT, "residents"));
	/* a minor decision: any type but the first three */
	assert_true(matter_meeting_type_fits(0, MS_DECIDE, "yishi_yiyi"));
	assert_true(matter_meeting_type_fits(0, MS_DECIDE, "residents"));
	assert_false(matter_meeting_type_fits(0, MS_DECIDE, "party_org"));
	assert_false(matter_meeting_type_fits(0, MS_DECIDE, "party_members"));
	assert_string_equal(matter_step_meeting_type(1, MS_REVIEW), "party_members");
	assert_null(matter_step_meeting_type(0, MS_DECIDE));
	assert_null(matter_step_meeting_type(1, MS_PUBLISH_RESULT));
}

static void major_follows_the_community_settings(void **state)
{
	struct matter_settings s;
	(void)state;
	matter_settings_default(&s);
	assert_int_equal(s.major_spending_fen, 5000000);
	assert_int_equal(s.disclosure_days, 7);
	assert_string_equal(matter_major_reason("other", 5000000, &s, 0), "amount");
	assert_null(matter_major_reason("other", 4999999, &s, 0));
	assert_string_equal(matter_major_reason("land", 0, &s, 0), "land");
	assert_string_equal(matter_major_reason("facility", 0, &s, 1), "facility");
	assert_string_equal(matter_major_reason("spending", 0, &s, 1), "staff");
	s.major_land = 0;
	s.major_facility = 0;
	s.major_spending_fen = 100;
	assert_null(matter_major_reason("land", 99, &s, 0));
	assert_null(matter_major_reason("facility", 0, &s, 0));
	assert_string_equal(matter_major_reason("land", 100, &s, 0), "amount");
}

static void disclosure_ends_with_the_shanghai_day(void **state)
{
	int64_t day, t, from;
	char b[CAL_DAY_TEXT];
	(void)state;
	/* published 2026-11-25 23:30 Shanghai for 7 days */
	assert_int_equal(cal_day_parse("2026-11-25", &day), 0);
	t = cal_day_start(day) + 23 * 3600 + 1800;
	assert_string_equal(cal_day_format(matter_disclosure_ends_on(t, 7), b), "2026-12-02");
	from = matter_implement_from(t, 7);
	assert_int_equal(from, cal_day_start(day + 8));
	assert_true(matter_disclosure_open(t, 7, t));
	assert_false(matter_disclosure_open(t, 7, t - 1));
	assert_true(matter_disclosure_open(t, 7, from - 1)); /* 2026-12-02 23:59:59 */
	assert_false(matter_disclosure_open(t, 7, from));    /* 2026-12-03 00:00:00 */
	assert_int_equal(matter_implement_from(t, 1), cal_day_start(day + 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_read_back_by_name),
		cmocka_unit_test(a_major_matter_takes_every_step_in_order),
		cmocka_unit_test(a_skipped_step_names_the_first_one_missing),
		cmocka_unit_test(a_step_done_or_passed_is_not_taken_again),
		cmocka_unit_test(a_minor_matter_goes_straight_to_decide),
		cmocka_unit_test(each_meeting_step_takes_its_type),
		cmocka_unit_test(major_follows_the_community_settings),
		cmocka_unit_test(disclosure_ends_with_the_shanghai_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
