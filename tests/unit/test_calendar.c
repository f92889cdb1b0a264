/*
 * test_calendar.c — Shanghai day arithmetic (src/calendar/calendar.c).
 *
 * Expected day numbers and weekdays were worked out with GNU date
 * (`date -u -d 1968-02-29 +%s` / 86400, `date -d ... +%A`); an instant's day
 * is its date in UTC+8, so 16:00Z is already the next day.
 */
#include "unit.h"

#include "calendar/calendar.h"
#include "core/clock.h"

#include <string.h>

static int64_t at(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(clock_parse_iso(iso, &t), 0);
	return t;
}

/* ---- day numbers of instants ---------------------------------------------------- */

static void day_zero_runs_from_1970_01_01_midnight_in_shanghai(void **state)
{
	(void)state;
	assert_int_equal(cal_day_of(-28800), 0); /* 1970-01-01 00:00 +08:00 */
	assert_int_equal(cal_day_of(0), 0);	 /* 08:00 in Shanghai */
	assert_int_equal(cal_day_of(86400 - 28800 - 1), 0);
	assert_int_equal(cal_day_of(86400 - 28800), 1);
}

static void instants_before_the_epoch_fall_on_negative_days(void **state)
{
	(void)state;
	assert_int_equal(cal_day_of(-28801), -1); /* 1969-12-31 23:59:59 +08:00 */
	assert_int_equal(cal_day_of(-28800 - 86400), -1);
	assert_int_equal(cal_day_of(-28800 - 86400 - 1), -2);
	assert_int_equal(cal_day_of(at("1969-01-01T00:00:00+08:00")), -365);
	assert_int_equal(cal_day_of(at("1968-12-31T16:00:00Z")), -365);
	assert_int_equal(cal_day_of(at("1968-12-31T15:59:59Z")), -366);
	assert_int_equal(cal_day_of(at("1949-10-01T10:00:00+08:00")), -7397);
	assert_int_equal(cal_day_of(at("1900-03-01T00:00:00+08:00")), -25508);
}

static void days_turn_at_month_and_year_ends(void **state)
{
	(void)state;
	assert_int_equal(cal_day_of(at("2024-12-31T23:59:59+08:00")), 20088);
	assert_int_equal(cal_day_of(at("2025-01-01T00:00:00+08:00")), 20089);
	assert_int_equal(cal_day_of(at("2024-12-31T16:00:00Z")), 20089);
	assert_int_equal(cal_day_of(at("2026-12-07T00:00:00+08:00")), 20794);
	assert_int_equal(cal_day_of(at("2026-12-06T15:59:59Z")), 20793);
}

static void leap_days_are_counted(void **state)
{
	(void)state;
	assert_int_equal(cal_day_of(at("2024-02-29T12:00:00+08:00")), 19782);
	assert_int_equal(cal_day_of(at("2024-02-29T16:00:00Z")), 19783);      /* 03-01 +08:00 */
	assert_int_equal(cal_day_of(at("2000-02-29T00:00:00+08:00")), 11016); /* 400-year rule */
	assert_int_equal(cal_day_of(at("2000-03-01T00:00:00+08:00")), 11017);
	assert_int_equal(cal_day_of(at("1968-02-29T00:00:00+08:00")), -672);
	assert_int_equal(cal_day_of(at("1968-03-01T00:00:00+08:00")), -671);
	/* 2100 is not a leap year: February 28 is followed by March 1 */
	assert_int_equal(cal_day_of(at("2100-02-28T00:00:00+08:00")), 47540);
	assert_int_equal(cal_day_of(at("2100-03-01T00:00:00+08:00")), 47541);
}

/* ---- midnights -------------------------------------------------------------------- */

static void a_day_starts_at_its_shanghai_midnight(void **state)
{
	(void)state;
	assert_int_equal(cal_day_start(0), -28800);
	assert_int_equal(cal_day_start(-1), -28800 - 86400);
	assert_int_equal(cal_day_start(20794), 1796572800); /* 2026-12-07 00:00 +08:00 */
	for (int64_t t = -3 * 86400; t < 3 * 86400; t += 3517) {
		int64_t d = cal_day_of(t);
		assert_true(cal_day_start(d) <= t);
		assert_true(t < cal_day_start(d + 1));
	}
}

static void the_midnight_of_an_instant_is_the_start_of_its_day(void **state)
{
	(void)state;
	assert_int_equal(cal_midnight(0), -28800);
	assert_int_equal(cal_midnight(-1), -28800);
	assert_int_equal(cal_midnight(-28800), -28800);
	assert_int_equal(cal_midnight(-28801), -28800 - 86400);
	assert_int_equal(cal_midnight(at("2026-12-07T23:59:59+08:00")), 1796572800);
	assert_int_equal(cal_midnight(at("2026-12-06T16:00:00Z")), 1796572800);
	assert_int_equal(cal_midnight(at("2026-12-06T15:59:59Z")), 1796572800 - 86400);
}

/* ---- weekdays --------------------------------------------------------------------- */

static void weekdays_count_from_sunday(void **state)
{
	(void)state;
	assert_int_equal(CAL_SUNDAY, 0);
	assert_int_equal(CAL_SATURDAY, 6);
	assert_int_equal(cal_weekday(0), CAL_THURSDAY);	  /* 1970-01-01 */
	assert_int_equal(cal_weekday(-1), CAL_WEDNESDAY); /* 1969-12-31 */
	assert_int_equal(cal_weekday(-4), CAL_SUNDAY);
	assert_int_equal(cal_weekday(-7), CAL_THURSDAY);
	assert_int_equal(cal_weekday(20794), CAL_MONDAY);    /* 2026-12-07 */
	assert_int_equal(cal_weekday(-7397), CAL_SATURDAY);  /* 1949-10-01 */
	assert_int_equal(cal_weekday(-672), CAL_THURSDAY);   /* 1968-02-29 */
	assert_int_equal(cal_weekday(11016), CAL_TUESDAY);   /* 2000-02-29 */
	assert_int_equal(cal_weekday(47540), CAL_SUNDAY);    /* 2100-02-28 */
	assert_int_equal(cal_weekday(-25508), CAL_THURSDAY); /* 1900-03-01 */
	assert_int_equal(cal_weekday(20089), CAL_WEDNESDAY); /* 2025-01-01 */
}

/* ---- text days -------------------------------------------------------------------- */

static void days_format_as_yyyy_mm_dd(void **state)
{
	char d[CAL_DAY_TEXT];

	(void)state;
	assert_string_equal(cal_day_format(0, d), "1970-01-01");
	assert_string_equal(cal_day_format(-1, d), "1969-12-31");
	assert_string_equal(cal_day_format(-672, d), "1968-02-29");
	assert_string_equal(cal_day_format(-25508, d), "1900-03-01");
	assert_string_equal(cal_day_format(20088, d), "2024-12-31");
	assert_string_equal(cal_day_format(20089, d), "2025-01-01");
	assert_string_equal(cal_day_format(47540, d), "2100-02-28");
	assert_string_equal(cal_day_format(47541, d), "2100-03-01");
	/* of an instant: New Year's first second in Shanghai is still 2026 in UTC */
	assert_string_equal(cal_day_format(cal_day_of(at("2026-12-31T16:00:00Z")), d),
			    "2027-01-01");
	assert_int_equal(cal_year_of(at("2026-12-31T16:00:00Z")), 2027);
	assert_int_equal(cal_year_of(at("2026-12-31T15:59:59Z")), 2026);
}

static void days_parse_to_their_numbers(void **state)
{
	int64_t d = 99;

	(void)state;
	assert_int_equal(cal_day_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	/* the day that used to read as "malformed" */
	assert_int_equal(cal_day_parse("1969-12-31", &d), 0);
	assert_int_equal(d, -1);
	assert_int_equal(cal_day_parse("2026-12-07", &d), 0);
	assert_int_equal(d, 20794);
	assert_int_equal(cal_day_start(d), 1796572800);
	assert_int_equal(cal_day_parse("2000-02-29", &d), 0);
	assert_int_equal(d, 11016);
	assert_int_equal(cal_day_parse("1968-02-29", &d), 0);
	assert_int_equal(d, -672);
	for (int64_t n = -800; n < 800; n += 7) {
		char s[CAL_DAY_TEXT];
		assert_int_equal(cal_day_parse(cal_day_format(n, s), &d), 0);
		assert_int_equal(d, n);
	}
}

static void malformed_days_are_refused_and_leave_the_out_alone(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", /* 2026 is not a leap year */
		"2100-02-29", /* nor is 2100 */
		"2026-04-31",  "2026-13-01",  "2026-00-10", "2026-12-00",
		"2026-3-6",    "2026/03/06",  "20260306",   "2026-03-06T00:00:00+08:00",
		"2026-03-06 ", " 2026-03-06", "2026-03-0a", "",
	};
	int64_t d = 42;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (cal_day_parse(bad[i], &d) != -1)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(cal_day_parse(NULL, &d), -1);
	assert_int_equal(d, 42);
}

/* ---- working days ----------------------------------------------------------------- */

static void weekends_are_days_off_unless_made_up(void **state)
{
	/* 2026-10-01 (Thursday) a holiday, 2026-10-10 (Saturday) a make-up working day */
	const struct cal_exception ex[] = { { 20727, 0 }, { 20736, 1 } };

	(void)state;
	assert_int_equal(cal_weekday(20727), CAL_THURSDAY);
	assert_int_equal(cal_weekday(20736), CAL_SATURDAY);
	assert_false(cal_is_workday(20727, ex, 2));
	assert_true(cal_is_workday(20736, ex, 2));
	assert_true(cal_is_workday(20728, ex, 2));  /* Friday */
	assert_false(cal_is_workday(20729, ex, 2)); /* Saturday */
	assert_false(cal_is_workday(20730, ex, 2)); /* Sunday */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(day_zero_runs_from_1970_01_01_midnight_in_shanghai),
		cmocka_unit_test(instants_before_the_epoch_fall_on_negative_days),
		cmocka_unit_test(days_turn_at_month_and_year_ends),
		cmocka_unit_test(leap_days_are_counted),
		cmocka_unit_test(a_day_starts_at_its_shanghai_midnight),
		cmocka_unit_test(the_midnight_of_an_instant_is_the_start_of_its_day),
		cmocka_unit_test(weekdays_count_from_sunday),
		cmocka_unit_test(days_format_as_yyyy_mm_dd),
		cmocka_unit_test(days_parse_to_their_numbers),
		cmocka_unit_test(malformed_days_are_refused_and_leave_the_out_alone),
		cmocka_unit_test(weekends_are_days_off_unless_made_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
