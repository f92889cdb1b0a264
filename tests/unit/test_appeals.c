/*
 * test_appeals.c — the pure parts of the appeal loop: the Shanghai day
 * arithmetic and the working-day calendar (also as read from the holidays
 * table), the state machine's action × state table, status names and their
 * Open311 mapping, and the path and case-number helpers.
 *
 * The state table below is written out by hand from the diagram at the top
 * of src/appeals/appeal_flow.c, so any change to which action a state allows
 * fails here until the table (and the diagram) are updated on purpose.
 */
#include "unit.h"

#include "appeals/appeals.h"
#include "appeals/appeals_int.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "db/migrate.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Epoch seconds of an ISO 8601 time, e.g. "2026-03-06T15:00:00+08:00". */
static int64_t at(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(clock_parse_iso(iso, &t), 0);
	return t;
}

/* The Shanghai day number of a date "YYYY-MM-DD". */
static int64_t day(const char *ymd)
{
	return cal_day_of(at(ymd));
}

/* ---- days -------------------------------------------------------------- */

static void day_numbers_change_at_shanghai_midnight(void **state)
{
	/* 1970-01-01 00:00 +08:00 is epoch -28800: the first second of day 0. */
	assert_int_equal(cal_day_of(-28800), 0);
	assert_int_equal(cal_day_of(-28801), -1); /* 1969-12-31 23:59:59 +08:00 */
	assert_int_equal(cal_day_of(0), 0);	  /* 08:00 in Shanghai */
	assert_int_equal(cal_day_of(16 * 3600 - 1), 0);
	assert_int_equal(cal_day_of(16 * 3600), 1); /* 1970-01-02 00:00 +08:00 */
	/* 2026-03-06 (day 20518): 15:00 +08:00 is 1772780400. */
	assert_int_equal(cal_day_of(1772780400), 20518);
	assert_int_equal(cal_day_of(at("2026-03-06T00:00:00+08:00")), 20518);
	assert_int_equal(cal_day_of(at("2026-03-06T23:59:59+08:00")), 20518);
	assert_int_equal(cal_day_of(at("2026-03-06T16:00:00Z")), 20519); /* 00:00 +08:00 */
	assert_int_equal(cal_day_of(at("2026-03-06T15:59:59Z")), 20518);
}

static void day_numbers_floor_before_the_epoch(void **state)
{
	/* Division must round towards minus infinity, not towards zero. */
	assert_int_equal(cal_day_of(-28800 - 86400), -1); /* 1969-12-31 00:00 */
	assert_int_equal(cal_day_of(-28800 - 86400 - 1), -2);
	assert_int_equal(cal_day_of(at("1969-07-20T20:17:40Z")), day("1969-07-21"));
	assert_int_equal(day("1969-12-31"), -1);
	assert_int_equal(day("1960-01-01"), -3653);
}

static void day_start_is_shanghai_midnight(void **state)
{
	assert_int_equal(cal_day_start(0), -28800);
	assert_int_equal(cal_day_start(-1), -28800 - 86400);
	assert_int_equal(cal_day_start(20518), at("2026-03-06T00:00:00+08:00"));
	for (int64_t t = -200000; t < 200000; t += 7919) {
		int64_t d = cal_day_of(t);
		assert_true(cal_day_start(d) <= t);
		assert_true(t < cal_day_start(d + 1));
	}
}

static void weekdays_count_from_a_thursday(void **state)
{
	assert_int_equal(cal_weekday(0), 4);  /* 1970-01-01 was a Thursday */
	assert_int_equal(cal_weekday(2), 6);  /* Saturday */
	assert_int_equal(cal_weekday(3), 0);  /* Sunday */
	assert_int_equal(cal_weekday(-1), 3); /* Wednesday, before the epoch */
	assert_int_equal(cal_weekday(-4), 0);
	assert_int_equal(cal_weekday(-5), 6);
	assert_int_equal(cal_weekday(-7), 4);
	assert_int_equal(cal_weekday(day("2026-03-06")), 5); /* a Friday */
	assert_int_equal(cal_weekday(day("2024-10-01")), 2); /* a Tuesday */
	assert_int_equal(cal_weekday(day("1969-07-21")), 1); /* a Monday */
}

/* ---- the working-day calendar ------------------------------------------ */

static void weekends_are_off_and_weekdays_work_without_exceptions(void **state)
{
	int64_t mon = day("2026-03-02");

	for (int i = 0; i < 5; i++)
		assert_true(cal_is_workday(mon + i, NULL, 0));
	assert_false(cal_is_workday(mon + 5, NULL, 0));		  /* Saturday */
	assert_false(cal_is_workday(mon + 6, NULL, 0));		  /* Sunday */
	assert_false(cal_is_workday(day("1969-12-28"), NULL, 0)); /* a Sunday before 1970 */
}

static void exceptions_make_holidays_and_make_up_days(void **state)
{
	const struct cal_exception ex[] = {
		{ day("2026-03-03"), 0 }, /* a Tuesday off */
		{ day("2026-03-07"), 1 }, /* a Saturday worked (调休) */
		{ day("2026-03-09"), 1 }, /* a Monday explicitly worked: no change */
	};
	size_t n = sizeof ex / sizeof ex[0];

	assert_true(cal_is_workday(day("2026-03-02"), ex, n));
	assert_false(cal_is_workday(day("2026-03-03"), ex, n));
	assert_true(cal_is_workday(day("2026-03-04"), ex, n));
	assert_true(cal_is_workday(day("2026-03-07"), ex, n));
	assert_false(cal_is_workday(day("2026-03-08"), ex, n)); /* Sunday */
	assert_true(cal_is_workday(day("2026-03-09"), ex, n));
	/* Only the listed days change. */
	assert_false(cal_is_workday(day("2026-03-14"), ex, n));
	assert_true(cal_is_workday(day("2026-03-10"), ex, n));
}

/* 2024's National Day: 10-01..10-07 off, Sunday 09-29 and Saturday 10-12 worked. */
static struct cal_exception national_day[9];

static size_t national_day_2024(void)
{
	size_t n = 0;

	national_day[n++] = (struct cal_exception){ day("2024-09-29"), 1 };
	for (int i = 0; i < 7; i++)
		national_day[n++] = (struct cal_exception){ day("2024-10-01") + i, 0 };
	national_day[n++] = (struct cal_exception){ day("2024-10-12"), 1 };
	return n;
}

static void a_long_holiday_list_is_searched_correctly(void **state)
{
	size_t n = national_day_2024();

	assert_true(cal_is_workday(day("2024-09-27"), national_day, n));  /* Friday */
	assert_false(cal_is_workday(day("2024-09-28"), national_day, n)); /* Saturday */
	assert_true(cal_is_workday(day("2024-09-29"), national_day, n));  /* make-up Sunday */
	assert_true(cal_is_workday(day("2024-09-30"), national_day, n));
	for (int i = 0; i < 7; i++)
		assert_false(cal_is_workday(day("2024-10-01") + i, national_day, n));
	assert_true(cal_is_workday(day("2024-10-08"), national_day, n));
	assert_true(cal_is_workday(day("2024-10-12"), national_day, n));  /* make-up Saturday */
	assert_false(cal_is_workday(day("2024-10-13"), national_day, n)); /* Sunday */
}

/* ---- deadlines --------------------------------------------------------- */

static void hour_deadlines_are_calendar_hours(void **state)
{
	int64_t fri = at("2026-03-06T15:00:00+08:00");
	size_t n = national_day_2024();

	assert_int_equal(cal_deadline(fri, 1, 0, NULL, 0), fri + 3600);
	assert_int_equal(cal_deadline(fri, 4, 0, NULL, 0), at("2026-03-06T19:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 24, 0, NULL, 0), at("2026-03-07T15:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2026-03-06T23:30:00+08:00"), 1, 0, NULL, 0),
			 at("2026-03-07T00:30:00+08:00"));
	/* Holidays do not stop an hour clock. */
	assert_int_equal(cal_deadline(at("2024-09-30T20:00:00+08:00"), 24, 0, national_day, n),
			 at("2024-10-01T20:00:00+08:00"));
}

static void two_working_days_from_friday_afternoon_end_on_tuesday(void **state)
{
	/* Friday 15:00: Monday and Tuesday count, due at the end of Tuesday. */
	assert_int_equal(cal_deadline(at("2026-03-06T15:00:00+08:00"), 2, 1, NULL, 0),
			 at("2026-03-11T00:00:00+08:00"));
	assert_int_equal(cal_deadline(1772780400, 2, 1, NULL, 0), 1773158400);
	/* The time of day on the start day does not matter. */
	assert_int_equal(cal_deadline(at("2026-03-06T00:00:00+08:00"), 2, 1, NULL, 0),
			 at("2026-03-11T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2026-03-06T23:59:59+08:00"), 2, 1, NULL, 0),
			 at("2026-03-11T00:00:00+08:00"));
	/* Friday 00:30 +08:00 is still Thursday in UTC; the Shanghai day counts. */
	assert_int_equal(cal_deadline(at("2026-03-05T16:30:00Z"), 1, 1, NULL, 0),
			 at("2026-03-10T00:00:00+08:00"));
	/* Submitted on a Saturday or a Sunday: the next Monday is the first day. */
	assert_int_equal(cal_deadline(at("2026-03-07T10:00:00+08:00"), 1, 1, NULL, 0),
			 at("2026-03-10T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2026-03-08T10:00:00+08:00"), 1, 1, NULL, 0),
			 at("2026-03-10T00:00:00+08:00"));
	/* Monday: one working day is Tuesday; five is the next Monday. */
	assert_int_equal(cal_deadline(at("2026-03-02T09:00:00+08:00"), 1, 1, NULL, 0),
			 at("2026-03-04T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2026-03-02T09:00:00+08:00"), 5, 1, NULL, 0),
			 at("2026-03-10T00:00:00+08:00"));
}

static void make_up_days_count_and_holidays_do_not(void **state)
{
	const struct cal_exception ex[] = {
		{ day("2026-03-08"), 1 }, /* Sunday worked */
		{ day("2026-03-09"), 0 }, /* Monday off */
	};

	/* Friday + 2: Sunday (make-up) and Tuesday (Monday is off) → Wednesday 00:00. */
	assert_int_equal(cal_deadline(at("2026-03-06T15:00:00+08:00"), 2, 1, ex, 2),
			 at("2026-03-11T00:00:00+08:00"));
	/* Friday + 1: the make-up Sunday itself → Monday 00:00, a holiday. */
	assert_int_equal(cal_deadline(at("2026-03-06T15:00:00+08:00"), 1, 1, ex, 2),
			 at("2026-03-09T00:00:00+08:00"));
	/* Submitted on the make-up Sunday: it is the start day and does not count. */
	assert_int_equal(cal_deadline(at("2026-03-08T09:00:00+08:00"), 1, 1, ex, 2),
			 at("2026-03-11T00:00:00+08:00"));
}

static void a_national_day_week_is_skipped(void **state)
{
	size_t n = national_day_2024();
	int64_t fri = at("2024-09-27T10:00:00+08:00");

	/* Working days after Friday 09-27: Sun 29 (1), Mon 30 (2), then 10-01..07 off,
	 * Tue 10-08 (3), Wed 09 (4), Thu 10 (5), Fri 11 (6), Sat 12 make-up (7). */
	assert_int_equal(cal_deadline(fri, 1, 1, national_day, n), at("2024-09-30T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 2, 1, national_day, n), at("2024-10-01T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 3, 1, national_day, n), at("2024-10-09T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 5, 1, national_day, n), at("2024-10-11T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 6, 1, national_day, n), at("2024-10-12T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 7, 1, national_day, n), at("2024-10-13T00:00:00+08:00"));
	/* Without the calendar the same count is plain weekdays. */
	assert_int_equal(cal_deadline(fri, 3, 1, NULL, 0), at("2024-10-03T00:00:00+08:00"));
	/* Submitted during the holiday: Tuesday 10-08 is the first working day. */
	assert_int_equal(cal_deadline(at("2024-10-03T11:00:00+08:00"), 1, 1, national_day, n),
			 at("2024-10-09T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2024-09-30T16:00:00+08:00"), 1, 1, national_day, n),
			 at("2024-10-09T00:00:00+08:00"));
	/* Submitted on the last holiday's evening, just before midnight. */
	assert_int_equal(cal_deadline(at("2024-10-07T23:59:59+08:00"), 2, 1, national_day, n),
			 at("2024-10-10T00:00:00+08:00"));
}

/*
 * 2026 as the State Council set it: New Year 01-01..01-03 off, Sunday 01-04
 * worked; Spring Festival 02-15..02-23 off (nine days, New Year's Day of the
 * lunar calendar is Tuesday 02-17), Saturdays 02-14 and 02-28 worked;
 * National Day 10-01..10-07 off, Sunday 09-20 and Saturday 10-10 worked.
 */
static struct cal_exception year_2026[32];

static size_t exceptions_2026(void)
{
	size_t n = 0;

	for (int i = 0; i < 3; i++)
		year_2026[n++] = (struct cal_exception){ day("2026-01-01") + i, 0 };
	year_2026[n++] = (struct cal_exception){ day("2026-01-04"), 1 };
	year_2026[n++] = (struct cal_exception){ day("2026-02-14"), 1 };
	for (int i = 0; i < 9; i++)
		year_2026[n++] = (struct cal_exception){ day("2026-02-15") + i, 0 };
	year_2026[n++] = (struct cal_exception){ day("2026-02-28"), 1 };
	year_2026[n++] = (struct cal_exception){ day("2026-09-20"), 1 };
	for (int i = 0; i < 7; i++)
		year_2026[n++] = (struct cal_exception){ day("2026-10-01") + i, 0 };
	year_2026[n++] = (struct cal_exception){ day("2026-10-10"), 1 };
	return n;
}

static void spring_festival_days_are_off_and_its_saturdays_worked(void **state)
{
	size_t n = exceptions_2026();

	assert_true(cal_is_workday(day("2026-02-13"), year_2026, n));  /* Friday */
	assert_true(cal_is_workday(day("2026-02-14"), year_2026, n));  /* make-up Saturday */
	assert_false(cal_is_workday(day("2026-02-16"), year_2026, n)); /* Monday, 除夕 */
	assert_false(cal_is_workday(day("2026-02-17"), year_2026, n)); /* Tuesday, 春节 */
	assert_false(cal_is_workday(day("2026-02-23"), year_2026, n)); /* Monday, last day off */
	assert_true(cal_is_workday(day("2026-02-24"), year_2026, n));  /* Tuesday */
	assert_true(cal_is_workday(day("2026-02-28"), year_2026, n));  /* make-up Saturday */
	assert_false(cal_is_workday(day("2026-03-01"), year_2026, n)); /* Sunday */
	assert_false(cal_is_workday(day("2026-01-02"), year_2026, n)); /* Friday, New Year */
	assert_true(cal_is_workday(day("2026-01-04"), year_2026, n));  /* make-up Sunday */
	assert_true(cal_is_workday(day("2026-09-20"), year_2026, n));  /* make-up Sunday */
	assert_false(cal_is_workday(day("2026-10-07"), year_2026, n)); /* Wednesday */
	assert_true(cal_is_workday(day("2026-10-10"), year_2026, n));  /* make-up Saturday */
	assert_false(cal_is_workday(day("2026-10-11"), year_2026, n)); /* Sunday */
	assert_true(cal_is_workday(day("2026-12-31"), year_2026, n));  /* after the list */
	assert_true(cal_is_workday(day("2025-12-31"), year_2026, n));  /* before the list */
}

static void deadlines_across_the_spring_festival(void **state)
{
	size_t n = exceptions_2026();
	int64_t fri = at("2026-02-13T10:00:00+08:00");

	/* Working days after Friday 02-13: Sat 14 (1), then nine days off,
	 * Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5), Sat 28 (6), Mon 03-02 (7). */
	assert_int_equal(cal_deadline(fri, 1, 1, year_2026, n), at("2026-02-15T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 2, 1, year_2026, n), at("2026-02-25T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 5, 1, year_2026, n), at("2026-02-28T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 6, 1, year_2026, n), at("2026-03-01T00:00:00+08:00"));
	assert_int_equal(cal_deadline(fri, 7, 1, year_2026, n), at("2026-03-03T00:00:00+08:00"));
	/* Without the calendar: Mon 16 and Tue 17. */
	assert_int_equal(cal_deadline(fri, 2, 1, NULL, 0), at("2026-02-18T00:00:00+08:00"));
	/* Submitted on the make-up Saturday: it is the start day and does not count. */
	assert_int_equal(cal_deadline(at("2026-02-14T17:00:00+08:00"), 1, 1, year_2026, n),
			 at("2026-02-25T00:00:00+08:00"));
	/* Submitted on New Year's Day of the lunar calendar. */
	assert_int_equal(cal_deadline(at("2026-02-17T08:00:00+08:00"), 1, 1, year_2026, n),
			 at("2026-02-25T00:00:00+08:00"));
	/* Hours run on through the festival. */
	assert_int_equal(cal_deadline(fri, 72, 0, year_2026, n), at("2026-02-16T10:00:00+08:00"));
}

static void deadlines_across_the_year_and_month_ends(void **state)
{
	size_t n = exceptions_2026();
	int64_t eve = at("2025-12-31T15:00:00+08:00"); /* a Wednesday */

	/* Thu 01-01, Fri 01-02 and Sat 01-03 off; Sunday 01-04 worked (1), Mon 05 (2). */
	assert_int_equal(cal_deadline(eve, 1, 1, year_2026, n), at("2026-01-05T00:00:00+08:00"));
	assert_int_equal(cal_deadline(eve, 2, 1, year_2026, n), at("2026-01-06T00:00:00+08:00"));
	/* Plain weekdays: Thu 01-01; and from 00:00 on 01-01 in Shanghai (still 12-31 in
	 * UTC) the first day is Friday 01-02. */
	assert_int_equal(cal_deadline(eve, 1, 1, NULL, 0), at("2026-01-02T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2025-12-31T16:00:00Z"), 1, 1, NULL, 0),
			 at("2026-01-03T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2025-12-31T15:59:59Z"), 1, 1, NULL, 0),
			 at("2026-01-02T00:00:00+08:00"));
	/* Friday 01-30: Monday 02-02 is the first working day. */
	assert_int_equal(cal_deadline(at("2026-01-30T09:00:00+08:00"), 1, 1, year_2026, n),
			 at("2026-02-03T00:00:00+08:00"));
	/* A leap February: Friday 2028-02-25 + 2 is Mon 28 and Tue 29. */
	assert_int_equal(cal_deadline(at("2028-02-25T09:00:00+08:00"), 2, 1, NULL, 0),
			 at("2028-03-01T00:00:00+08:00"));
	/* Friday 2026-12-25 + 5 runs into 2027: Mon 28 .. Thu 31, Fri 2027-01-01. */
	assert_int_equal(cal_deadline(at("2026-12-25T09:00:00+08:00"), 5, 1, year_2026, n),
			 at("2027-01-02T00:00:00+08:00"));
	/* Hours across the year end. */
	assert_int_equal(cal_deadline(at("2026-12-31T23:30:00+08:00"), 1, 0, NULL, 0),
			 at("2027-01-01T00:30:00+08:00"));
	/* National Day: Wednesday 09-30 + 3 is Thu 10-08, Fri 09 and the make-up Sat 10. */
	assert_int_equal(cal_deadline(at("2026-09-30T09:00:00+08:00"), 3, 1, year_2026, n),
			 at("2026-10-11T00:00:00+08:00"));
}

static void a_zero_count_ends_with_the_start_day(void **state)
{
	assert_int_equal(cal_deadline(at("2026-02-17T08:00:00+08:00"), 0, 1, NULL, 0),
			 at("2026-02-18T00:00:00+08:00"));
	assert_int_equal(cal_deadline(at("2026-02-17T08:00:00+08:00"), 0, 0, NULL, 0),
			 at("2026-02-17T08:00:00+08:00"));
}

static void overdue_means_strictly_past_the_deadline_of_the_current_stage(void **state)
{
	int64_t due = at("2026-02-25T00:00:00+08:00");

	/* waiting to be accepted: the acceptance deadline */
	assert_false(appeal_is_overdue(ST_SUBMITTED, due, 0, due));
	assert_true(appeal_is_overdue(ST_SUBMITTED, due, 0, due + 1));
	assert_false(appeal_is_overdue(ST_SUBMITTED, 0, due, due + 1)); /* none set */
	/* accepted, dispatched or in hand: the handling deadline */
	assert_true(appeal_is_overdue(ST_ACCEPTED, 0, due, due + 1));
	assert_true(appeal_is_overdue(ST_DISPATCHED, 0, due, due + 1));
	assert_true(appeal_is_overdue(ST_HANDLING, due + 100, due, due + 1));
	assert_false(appeal_is_overdue(ST_HANDLING, due, due + 100, due + 1));
	assert_false(appeal_is_overdue(ST_HANDLING, due, 0, due + 1));
	/* finished stages are never overdue */
	assert_false(appeal_is_overdue(ST_RESOLVED, due, due, due + 1));
	assert_false(appeal_is_overdue(ST_CLOSED, due, due, due + 1));
	assert_false(appeal_is_overdue(ST_REJECTED, due, due, due + 1));
}

static void deadlines_are_read_from_the_holidays_table(void **state)
{
	char path[128], url[160], err[512];
	struct db *db;
	struct db_conn *c;
	int64_t due = 0;

	snprintf(path, sizeof path, "/tmp/shuniu-unit-appeals-%d.db", getpid());
	snprintf(url, sizeof url, "sqlite:%s", path);
	unlink(path);
	assert_int_equal(db_open(url, &db, err, sizeof err), 0);
	c = db_conn_thread(db);
	assert_non_null(c);
	assert_true(migrate_apply(c, NULL, err, sizeof err) > 0);
	assert_int_equal(
		db_exec(c, "INSERT INTO holidays (day, kind, name, updated_at) VALUES "
			   "('2024-09-29', 'workday', '调休', 0), ('2024-10-01', 'holiday', "
			   "'国庆节', 0), ('2024-10-02', 'holiday', '', 0), ('2024-10-03', "
			   "'holiday', '', 0), ('2024-10-04', 'holiday', '', 0), ('2024-10-05', "
			   "'holiday', '', 0), ('2024-10-06', 'holiday', '', 0), ('2024-10-07', "
			   "'holiday', '', 0), ('2024-10-12', 'workday', '调休', 0)"),
		0);
	assert_int_equal(cal_deadline_db(c, at("2024-09-27T10:00:00+08:00"), 3, 1, &due), 0);
	assert_int_equal(due, at("2024-10-09T00:00:00+08:00"));
	assert_int_equal(cal_deadline_db(c, at("2024-09-27T10:00:00+08:00"), 7, 1, &due), 0);
	assert_int_equal(due, at("2024-10-13T00:00:00+08:00"));
	/* An exception on the start day itself changes nothing. */
	assert_int_equal(cal_deadline_db(c, at("2024-09-29T10:00:00+08:00"), 1, 1, &due), 0);
	assert_int_equal(due, at("2024-10-01T00:00:00+08:00"));
	/* Hours ignore the table. */
	assert_int_equal(cal_deadline_db(c, at("2024-09-30T20:00:00+08:00"), 1, 0, &due), 0);
	assert_int_equal(due, at("2024-09-30T21:00:00+08:00"));
	db_close(db);
	unlink(path);
}

/* ---- states and actions ------------------------------------------------ */

/*
 * From the diagram in appeal_flow.c: for each action, in enum order, the
 * states it may be taken in — 'x' allowed, '.' refused. Columns, in enum
 * order: S submitted, A accepted, J rejected, D dispatched, H handling,
 * R resolved, C closed, T rated, M merged.
 */
static const char *const action_names[ACT__COUNT] = {
	"accept",  "reject",   "dispatch", "sign",   "return",
	"resolve", "escalate", "transfer", "extend", "approve_extension",
	"verify",  "rate",     "merge",	   "link",   "comment",
};

/* clang-format off */
static const char *const allowed_table[ACT__COUNT] = {
	/*                         SAJDHRCTM */
	[ACT_ACCEPT]            = "x........",
	[ACT_REJECT]            = "x........",
	[ACT_DISPATCH]          = ".x.......",
	[ACT_SIGN]              = "...x.....",
	[ACT_RETURN]            = "...x.....",
	[ACT_RESOLVE]           = "....x....",
	[ACT_ESCALATE]          = "xx.xx....",
	[ACT_TRANSFER]          = "xx.xx....",
	[ACT_EXTEND]            = "...xx....",
	[ACT_APPROVE_EXTENSION] = "...xx....",
	[ACT_VERIFY]            = ".....x...",
	[ACT_RATE]              = "......x..",
	[ACT_MERGE]             = "xx.xx....",
	[ACT_LINK]              = "xxxxxxxx.",
	[ACT_COMMENT]           = "xxxxxxxxx",
};
/* clang-format on */

static void every_action_is_allowed_exactly_in_the_diagrams_states(void **state)
{
	assert_int_equal(ST__COUNT, 9);
	for (int act = 0; act < ACT__COUNT; act++) {
		assert_non_null(allowed_table[act]);
		assert_int_equal(strlen(allowed_table[act]), ST__COUNT);
		for (int st = 0; st < ST__COUNT; st++) {
			int want = allowed_table[act][st] == 'x';
			if (appeal_action_allowed(act, st) != want)
				fail_msg("%s in state %s: expected %s", action_names[act],
					 appeal_status_name(st), want ? "allowed" : "refused");
		}
	}
}

static void terminal_states_allow_only_conversation(void **state)
{
	for (int act = 0; act < ACT__COUNT; act++) {
		assert_int_equal(appeal_action_allowed(act, ST_MERGED), act == ACT_COMMENT);
		assert_int_equal(appeal_action_allowed(act, ST_RATED),
				 act == ACT_COMMENT || act == ACT_LINK);
		assert_int_equal(appeal_action_allowed(act, ST_REJECTED),
				 act == ACT_COMMENT || act == ACT_LINK);
	}
}

static void out_of_range_actions_and_states_are_refused(void **state)
{
	assert_false(appeal_action_allowed(-1, ST_SUBMITTED));
	assert_false(appeal_action_allowed(ACT__COUNT, ST_SUBMITTED));
	assert_false(appeal_action_allowed(ACT_COMMENT, -1));
	assert_false(appeal_action_allowed(ACT_COMMENT, ST__COUNT));
	assert_false(appeal_action_allowed(ACT_LINK, ST__COUNT));
}

static void status_names_round_trip(void **state)
{
	static const char *const names[ST__COUNT] = {
		"submitted", "accepted", "rejected", "dispatched", "handling",
		"resolved",  "closed",	 "rated",    "merged",
	};

	for (int st = 0; st < ST__COUNT; st++) {
		assert_string_equal(appeal_status_name(st), names[st]);
		assert_int_equal(appeal_status_parse(names[st]), st);
	}
	assert_string_equal(appeal_status_name(-1), "?");
	assert_string_equal(appeal_status_name(ST__COUNT), "?");
	assert_int_equal(appeal_status_parse(NULL), -1);
	assert_int_equal(appeal_status_parse(""), -1);
	assert_int_equal(appeal_status_parse("Submitted"), -1);
	assert_int_equal(appeal_status_parse("closed "), -1);
	assert_int_equal(appeal_status_parse("?"), -1);
}

static void action_names_round_trip(void **state)
{
	for (int act = 0; act < ACT__COUNT; act++) {
		assert_string_equal(appeal_action_name(act), action_names[act]);
		assert_int_equal(appeal_action_parse(action_names[act]), act);
	}
	assert_string_equal(appeal_action_name(-1), "?");
	assert_string_equal(appeal_action_name(ACT__COUNT), "?");
	assert_int_equal(appeal_action_parse(NULL), -1);
	assert_int_equal(appeal_action_parse("merge_in"), -1); /* an event, not an action */
	assert_int_equal(appeal_action_parse("Accept"), -1);
}

static void open311_sees_only_open_and_closed(void **state)
{
	static const char *const want[ST__COUNT] = {
		[ST_SUBMITTED] = "open",  [ST_ACCEPTED] = "open", [ST_REJECTED] = "closed",
		[ST_DISPATCHED] = "open", [ST_HANDLING] = "open", [ST_RESOLVED] = "open",
		[ST_CLOSED] = "closed",	  [ST_RATED] = "closed",  [ST_MERGED] = "closed",
	};

	for (int st = 0; st < ST__COUNT; st++)
		assert_string_equal(appeal_status_open311(st), want[st]);
}

/* ---- helpers ----------------------------------------------------------- */

static void case_number_days_are_shanghai_dates(void **state)
{
	char buf[9];

	appeal_day_text(at("2026-03-06T15:00:00+08:00"), buf);
	assert_string_equal(buf, "20260306");
	appeal_day_text(at("2026-03-06T00:00:00+08:00"), buf);
	assert_string_equal(buf, "20260306");
	appeal_day_text(at("2026-03-06T23:59:59+08:00"), buf);
	assert_string_equal(buf, "20260306");
	appeal_day_text(at("2026-03-06T16:00:00Z"), buf); /* midnight in Shanghai */
	assert_string_equal(buf, "20260307");
	appeal_day_text(at("2024-12-31T16:00:00Z"), buf);
	assert_string_equal(buf, "20250101");
	appeal_day_text(0, buf);
	assert_string_equal(buf, "19700101");
	appeal_day_text(-28801, buf);
	assert_string_equal(buf, "19691231");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(day_numbers_change_at_shanghai_midnight),
		cmocka_unit_test(day_numbers_floor_before_the_epoch),
		cmocka_unit_test(day_start_is_shanghai_midnight),
		cmocka_unit_test(weekdays_count_from_a_thursday),
		cmocka_unit_test(weekends_are_off_and_weekdays_work_without_exceptions),
		cmocka_unit_test(exceptions_make_holidays_and_make_up_days),
		cmocka_unit_test(a_long_holiday_list_is_searched_correctly),
		cmocka_unit_test(hour_deadlines_are_calendar_hours),
		cmocka_unit_test(two_working_days_from_friday_afternoon_end_on_tuesday),
		cmocka_unit_test(make_up_days_count_and_holidays_do_not),
		cmocka_unit_test(a_national_day_week_is_skipped),
		cmocka_unit_test(spring_festival_days_are_off_and_its_saturdays_worked),
		cmocka_unit_test(deadlines_across_the_spring_festival),
		cmocka_unit_test(deadlines_across_the_year_and_month_ends),
		cmocka_unit_test(a_zero_count_ends_with_the_start_day),
		cmocka_unit_test(overdue_means_strictly_past_the_deadline_of_the_current_stage),
		cmocka_unit_test(deadlines_are_read_from_the_holidays_table),
		cmocka_unit_test(every_action_is_allowed_exactly_in_the_diagrams_states),
		cmocka_unit_test(terminal_states_allow_only_conversation),
		cmocka_unit_test(out_of_range_actions_and_states_are_refused),
		cmocka_unit_test(status_names_round_trip),
		cmocka_unit_test(action_names_round_trip),
		cmocka_unit_test(open311_sees_only_open_and_closed),
		cmocka_unit_test(case_number_days_are_shanghai_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
