/*
 * test_service.c — the pure parts of community services: Shanghai local time,
 * venues' weekly opening hours (parsing, showing, covering a booking), whether
 * a booking fits a venue, and meal assistance's mode and tag sets, days,
 * cut-offs, the aged-80 rule and month bounds.
 *
 * Expected values are worked out by hand from the calendar (2026-12-07 is a
 * Monday, 2026-12-12 a Saturday; Shanghai is UTC+8 all year), not copied from
 * the functions' output.
 */
#include "unit.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "service/meals_int.h"
#include "venues/venues.h"
#include "venues/venues_int.h"

#include <stdlib.h>
#include <string.h>

/* Epoch seconds of an ISO 8601 time, e.g. "2026-12-07T08:00:00+08:00". */
static int64_t at(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(clock_parse_iso(iso, &t), 0);
	return t;
}

/* Parse opening hours from JSON text; returns week_hours_parse's result. */
static int hours(const char *text, int slot, struct week_hours *h, const char **why)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
	int rc;

	if (!j)
		fail_msg("bad JSON in the test: %s: %s", text, jerr.text);
	*why = NULL;
	rc = week_hours_parse(j, slot, h, why);
	json_decref(j);
	return rc;
}

/* ---- local time ---------------------------------------------------------- */

static void local_weekdays_start_on_monday_at_shanghai_midnight(void **state)
{
	assert_int_equal(hours_day_index(at("2026-12-07T00:00:00+08:00")), 0); /* Monday */
	assert_int_equal(hours_day_index(at("2026-12-06T23:59:59+08:00")), 6); /* Sunday */
	/* 16:00 UTC is the next day's 00:00 in Shanghai */
	assert_int_equal(hours_day_index(at("2026-12-06T16:00:00Z")), 0);
	assert_int_equal(hours_day_index(at("2026-12-06T15:59:59Z")), 6);
	assert_int_equal(hours_day_index(at("2026-12-12T12:00:00+08:00")), 5); /* Saturday */
	assert_int_equal(hours_day_index(at("2027-01-01T00:00:00+08:00")), 4); /* Friday */
	assert_int_equal(hours_day_index(at("2028-02-29T23:59:59+08:00")), 1); /* Tuesday */
	assert_int_equal(hours_day_index(1796572800), 0); /* 2026-12-07 00:00 +08:00, by hand */
}

static void local_weekdays_are_right_before_1970(void **state)
{
	/* 1969-12-31 was a Wednesday: its noon in Shanghai is epoch -72000. Dividing
	 * the negative local seconds towards zero would call it a Thursday. */
	assert_int_equal(hours_day_index(-72000), 2);
	assert_int_equal(hours_day_index(at("1969-12-31T00:00:00+08:00")), 2);
	assert_int_equal(hours_day_index(at("1969-12-31T23:59:59+08:00")), 2);
	assert_int_equal(hours_day_index(at("1970-01-01T00:00:00+08:00")), 3);
	assert_int_equal(hours_day_index(at("1969-07-21T10:00:00+08:00")), 0); /* a Monday */
	/* agrees with the appeals calendar's weekday (0 = Sunday there) every 7 hours */
	for (int64_t t = -30 * 86400; t < 30 * 86400; t += 7 * 3600) {
		int64_t local = t + SHANGHAI_OFFSET_S;
		int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
		int sunday_first = (int)(((day + 4) % 7 + 7) % 7);
		assert_int_equal(hours_day_index(t), (sunday_first + 6) % 7);
	}
}

static void local_minutes_count_from_shanghai_midnight(void **state)
{
	assert_int_equal(cal_minute_of_day(at("2026-12-07T00:00:00+08:00")), 0);
	assert_int_equal(cal_minute_of_day(at("2026-12-07T00:00:59+08:00")), 0);
	assert_int_equal(cal_minute_of_day(at("2026-12-07T12:34:56+08:00")), 12 * 60 + 34);
	assert_int_equal(cal_minute_of_day(at("2026-12-07T23:59:59+08:00")), 1439);
	assert_int_equal(cal_minute_of_day(at("2026-12-06T16:00:00Z")), 0);
	assert_int_equal(cal_minute_of_day(0), 480); /* the epoch was 08:00 in Shanghai */
	assert_int_equal(cal_minute_of_day(-72000), 720);
}

static void local_midnight_is_the_start_of_the_shanghai_day(void **state)
{
	int64_t m = at("2026-12-07T00:00:00+08:00");

	assert_int_equal(m, 1796572800);
	assert_int_equal(cal_midnight(m), m);
	assert_int_equal(cal_midnight(m + 1), m);
	assert_int_equal(cal_midnight(m + 86399), m);
	assert_int_equal(cal_midnight(m + 86400), m + 86400);
	assert_int_equal(cal_midnight(m - 1), m - 86400);
	/* month and year ends */
	assert_int_equal(cal_midnight(at("2026-12-31T23:59:59+08:00")),
			 at("2026-12-31T00:00:00+08:00"));
	assert_int_equal(cal_midnight(at("2026-12-31T16:00:00Z")), at("2027-01-01T00:00:00+08:00"));
	assert_int_equal(cal_midnight(at("2026-03-01T05:00:00+08:00")),
			 at("2026-03-01T00:00:00+08:00"));
	assert_int_equal(cal_midnight(at("2028-02-29T10:00:00+08:00")),
			 at("2028-02-29T00:00:00+08:00"));
	/* before 1970: the floor, not the truncation */
	assert_int_equal(cal_midnight(-72000), -115200);
}

/* ---- opening hours: parsing ----------------------------------------------- */

static void opening_hours_parse_into_minutes_per_day(void **state)
{
	struct week_hours h;
	const char *why;

	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"12:00\"], [\"14:00\", \"17:30\"]],"
			       " \"sun\": [[\"00:00\", \"24:00\"]]}",
			       30, &h, &why),
			 0);
	assert_int_equal(h.n[0], 2);
	assert_int_equal(h.open[0][0], 480);
	assert_int_equal(h.close[0][0], 720);
	assert_int_equal(h.open[0][1], 840);
	assert_int_equal(h.close[0][1], 1050);
	assert_int_equal(h.n[6], 1);
	assert_int_equal(h.open[6][0], 0);
	assert_int_equal(h.close[6][0], 1440);
	for (int d = 1; d < 6; d++)
		assert_int_equal(h.n[d], 0); /* days not listed are closed */
}

static void an_empty_week_or_an_empty_day_is_closed(void **state)
{
	struct week_hours h;
	const char *why;

	assert_int_equal(hours("{}", 15, &h, &why), 0);
	for (int d = 0; d < 7; d++)
		assert_int_equal(h.n[d], 0);
	assert_int_equal(hours("{\"tue\": [], \"wed\": [[\"09:00\", \"10:00\"]]}", 60, &h, &why),
			 0);
	assert_int_equal(h.n[1], 0);
	assert_int_equal(h.n[2], 1);
}

static void four_intervals_a_day_and_touching_intervals_are_accepted(void **state)
{
	struct week_hours h;
	const char *why;

	assert_int_equal(hours("{\"fri\": [[\"06:00\", \"08:00\"], [\"08:00\", \"12:00\"], "
			       "[\"13:00\", \"17:00\"], [\"19:00\", \"24:00\"]]}",
			       60, &h, &why),
			 0);
	assert_int_equal(h.n[4], 4);
	assert_int_equal(h.open[4][1], 480);
	assert_int_equal(h.close[4][3], 1440);
	assert_int_equal(hours("{\"fri\": [[\"06:00\", \"07:00\"], [\"08:00\", \"09:00\"], "
			       "[\"10:00\", \"11:00\"], [\"12:00\", \"13:00\"], "
			       "[\"14:00\", \"15:00\"]]}",
			       60, &h, &why),
			 -1);
	assert_non_null(strstr(why, "at most 4"));
}

static void malformed_opening_hours_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *json, *why; /* why: a piece of the expected reason */
	} bad[] = {
		{ "[]", "an object of days" },
		{ "\"mon 08:00-12:00\"", "an object of days" },
		{ "null", "an object of days" },
		{ "{\"monday\": []}", "days are mon" },
		{ "{\"Mon\": []}", "days are mon" },
		{ "{\"mon\": \"08:00-12:00\"}", "at most 4" },
		{ "{\"mon\": [\"08:00\", \"12:00\"]}", "start first" },
		{ "{\"mon\": [[\"08:00\"]]}", "start first" },
		{ "{\"mon\": [[\"08:00\", \"10:00\", \"12:00\"]]}", "start first" },
		{ "{\"mon\": [[8, 12]]}", "start first" },
		{ "{\"mon\": [[\"8:00\", \"12:00\"]]}", "start first" },
		{ "{\"mon\": [[\"08:00\", \"12:0\"]]}", "start first" },
		{ "{\"mon\": [[\"08:00 \", \"12:00\"]]}", "start first" },
		{ "{\"mon\": [[\"08.00\", \"12:00\"]]}", "start first" },
		{ "{\"mon\": [[\"08:60\", \"12:00\"]]}", "start first" },
		{ "{\"mon\": [[\"-1:00\", \"12:00\"]]}", "start first" },
		{ "{\"mon\": [[\"22:00\", \"24:15\"]]}", "start first" },
		{ "{\"mon\": [[\"22:00\", \"25:00\"]]}", "start first" },
		{ "{\"mon\": [[\"22:00\", \"29:00\"]]}", "start first" },
		{ "{\"mon\": [[\"24:00\", \"24:00\"]]}", "start first" },
		{ "{\"mon\": [[\"08:00\", \"08:00\"]]}", "start first" },
		{ "{\"mon\": [[\"12:00\", \"08:00\"]]}", "start first" },
		{ "{\"mon\": [[\"08:00\", \"12:00\"], [\"11:30\", \"13:00\"]]}", "do not overlap" },
		{ "{\"mon\": [[\"14:00\", \"16:00\"], [\"08:00\", \"10:00\"]]}", "do not overlap" },
	};
	struct week_hours h;
	const char *why;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (hours(bad[i].json, 30, &h, &why) != -1)
			fail_msg("accepted %s", bad[i].json);
		if (!why || !strstr(why, bad[i].why))
			fail_msg("%s: reason '%s', expected one saying '%s'", bad[i].json,
				 why ? why : "(none)", bad[i].why);
	}
}

static void opening_hours_must_fall_on_the_slot_grid(void **state)
{
	struct week_hours h;
	const char *why;

	assert_int_equal(hours("{\"mon\": [[\"08:15\", \"09:00\"]]}", 15, &h, &why), 0);
	assert_int_equal(hours("{\"mon\": [[\"08:15\", \"09:00\"]]}", 30, &h, &why), -1);
	assert_non_null(strstr(why, "slot grid"));
	assert_int_equal(hours("{\"mon\": [[\"08:30\", \"10:00\"]]}", 60, &h, &why), -1);
	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"09:30\"]]}", 60, &h, &why), -1);
	/* with two-hour slots 09:00 (540 minutes) is off the grid, 10:00 on it */
	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"09:00\"]]}", 120, &h, &why), -1);
	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"10:00\"]]}", 120, &h, &why), 0);
	assert_int_equal(hours("{\"mon\": [[\"22:00\", \"24:00\"]]}", 120, &h, &why), 0);
}

static void a_refused_week_leaves_every_day_closed(void **state)
{
	struct week_hours h;
	const char *why;

	/* Monday is read before Tuesday's fault: venue_from_row counts on "closed" */
	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"12:00\"]], \"tue\": [[\"10:00\", "
			       "\"09:00\"]]}",
			       30, &h, &why),
			 -1);
	for (int d = 0; d < 7; d++)
		assert_int_equal(h.n[d], 0);
	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"12:00\"]], \"xyz\": []}", 30, &h, &why),
			 -1);
	assert_int_equal(h.n[0], 0);
}

static void opening_hours_show_every_day_and_read_back_the_same(void **state)
{
	struct week_hours h, again;
	const char *why;
	json_t *shown, *expected;

	assert_int_equal(hours("{\"sun\": [[\"00:00\", \"24:00\"]], \"mon\": [[\"08:00\", "
			       "\"12:00\"], [\"14:00\", \"17:30\"]]}",
			       30, &h, &why),
			 0);
	shown = week_hours_json(&h);
	expected = json_loads("{\"mon\": [[\"08:00\", \"12:00\"], [\"14:00\", \"17:30\"]], "
			      "\"tue\": [], \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], "
			      "\"sun\": [[\"00:00\", \"24:00\"]]}",
			      0, NULL);
	assert_non_null(expected);
	if (!json_equal(shown, expected)) {
		char *s = json_dumps(shown, JSON_SORT_KEYS);
		fail_msg("shown as %s", s);
	}
	assert_int_equal(week_hours_parse(shown, 30, &again, &why), 0);
	assert_memory_equal(&again, &h, sizeof h);
	json_decref(shown);
	json_decref(expected);
}

/* ---- opening hours: covering a booking ----------------------------------- */

/* Mon 08:00-12:00 and 14:00-18:00, Sat 20:00-24:00, Sun all day; Tue-Fri closed. */
static void sample_week(struct week_hours *h)
{
	const char *why;

	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"12:00\"], [\"14:00\", \"18:00\"]], "
			       "\"sat\": [[\"20:00\", \"24:00\"]], \"sun\": [[\"00:00\", "
			       "\"24:00\"]]}",
			       15, h, &why),
			 0);
}

static int covers(const struct week_hours *h, const char *s, const char *e)
{
	return week_hours_covers(h, at(s), at(e));
}

static void a_booking_inside_one_interval_is_covered(void **state)
{
	struct week_hours h;

	sample_week(&h);
	assert_true(covers(&h, "2026-12-07T08:00:00+08:00", "2026-12-07T09:00:00+08:00"));
	assert_true(covers(&h, "2026-12-07T11:00:00+08:00", "2026-12-07T12:00:00+08:00"));
	assert_true(covers(&h, "2026-12-07T08:00:00+08:00", "2026-12-07T12:00:00+08:00"));
	assert_true(covers(&h, "2026-12-07T14:00:00+08:00", "2026-12-07T18:00:00+08:00"));
	/* the same instant written in UTC */
	assert_true(covers(&h, "2026-12-07T00:00:00Z", "2026-12-07T01:00:00Z"));
}

static void a_booking_outside_or_across_closing_is_not_covered(void **state)
{
	struct week_hours h;

	sample_week(&h);
	/* starts before opening */
	assert_false(covers(&h, "2026-12-07T07:45:00+08:00", "2026-12-07T08:15:00+08:00"));
	/* runs past closing */
	assert_false(covers(&h, "2026-12-07T11:30:00+08:00", "2026-12-07T12:30:00+08:00"));
	assert_false(covers(&h, "2026-12-07T17:45:00+08:00", "2026-12-07T18:15:00+08:00"));
	/* both ends open, but the lunch break lies between */
	assert_false(covers(&h, "2026-12-07T11:00:00+08:00", "2026-12-07T15:00:00+08:00"));
	assert_false(covers(&h, "2026-12-07T12:00:00+08:00", "2026-12-07T14:00:00+08:00"));
	/* a weekday with no hours: Tuesday */
	assert_false(covers(&h, "2026-12-08T08:00:00+08:00", "2026-12-08T09:00:00+08:00"));
	/* 10:00-11:00 UTC is inside the morning's hours only in UTC terms: in
	 * Shanghai it is 18:00-19:00, after closing */
	assert_false(covers(&h, "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z"));
}

static void bookings_at_midnight(void **state)
{
	struct week_hours h;

	sample_week(&h);
	/* Saturday's last hour ends at 24:00, the first second of Sunday */
	assert_true(covers(&h, "2026-12-12T23:00:00+08:00", "2026-12-13T00:00:00+08:00"));
	/* a booking across midnight is refused though both days are open there */
	assert_false(covers(&h, "2026-12-12T23:00:00+08:00", "2026-12-13T01:00:00+08:00"));
	assert_false(covers(&h, "2026-12-13T23:00:00+08:00", "2026-12-14T08:15:00+08:00"));
	/* Sunday opens at 00:00 */
	assert_true(covers(&h, "2026-12-13T00:00:00+08:00", "2026-12-13T00:15:00+08:00"));
	assert_true(covers(&h, "2026-12-12T16:00:00Z", "2026-12-12T17:00:00Z")); /* Sun 00-01 */
	/* the whole of Sunday */
	assert_true(covers(&h, "2026-12-13T00:00:00+08:00", "2026-12-14T00:00:00+08:00"));
	/* but not Sunday into Monday's 08:00 */
	assert_false(covers(&h, "2026-12-13T00:00:00+08:00", "2026-12-14T08:00:00+08:00"));
}

/* ---- does a booking fit the venue ----------------------------------------- */

static struct venue sample_venue(int slot)
{
	struct venue v = { .id = 1, .capacity = 20, .slot_minutes = slot };
	const char *why;

	assert_int_equal(hours("{\"mon\": [[\"08:00\", \"12:00\"]], \"sun\": [[\"22:00\", "
			       "\"24:00\"]]}",
			       slot, &v.hours, &why),
			 0);
	return v;
}

static enum booking_fit fit(const struct venue *v, const char *s, const char *e, int64_t n)
{
	return booking_fit(v, at(s), at(e), n);
}

static void a_booking_on_the_grid_within_capacity_and_hours_fits(void **state)
{
	struct venue v = sample_venue(30);

	assert_int_equal(fit(&v, "2026-12-07T08:00:00+08:00", "2026-12-07T09:00:00+08:00", 20),
			 BOOKING_FITS);
	assert_int_equal(fit(&v, "2026-12-07T11:30:00+08:00", "2026-12-07T12:00:00+08:00", 1),
			 BOOKING_FITS);
	assert_int_equal(fit(&v, "2026-12-13T23:00:00+08:00", "2026-12-14T00:00:00+08:00", 1),
			 BOOKING_FITS);
}

static void a_booking_off_the_slot_grid_does_not_fit(void **state)
{
	struct venue v = sample_venue(30), v60 = sample_venue(60);

	/* starts between slots */
	assert_int_equal(fit(&v, "2026-12-07T08:15:00+08:00", "2026-12-07T09:15:00+08:00", 1),
			 BOOKING_OFF_GRID);
	/* not a whole number of slots */
	assert_int_equal(fit(&v, "2026-12-07T08:00:00+08:00", "2026-12-07T08:45:00+08:00", 1),
			 BOOKING_OFF_GRID);
	/* seconds past the minute */
	assert_int_equal(fit(&v, "2026-12-07T08:00:30+08:00", "2026-12-07T09:00:30+08:00", 1),
			 BOOKING_OFF_GRID);
	/* on a 30-minute grid, off a 60-minute one */
	assert_int_equal(fit(&v, "2026-12-07T08:30:00+08:00", "2026-12-07T09:30:00+08:00", 1),
			 BOOKING_FITS);
	assert_int_equal(fit(&v60, "2026-12-07T08:30:00+08:00", "2026-12-07T09:30:00+08:00", 1),
			 BOOKING_OFF_GRID);
	assert_int_equal(fit(&v60, "2026-12-07T08:00:00+08:00", "2026-12-07T09:30:00+08:00", 1),
			 BOOKING_OFF_GRID);
}

static void too_many_attendees_do_not_fit(void **state)
{
	struct venue v = sample_venue(30);

	assert_int_equal(fit(&v, "2026-12-07T08:00:00+08:00", "2026-12-07T09:00:00+08:00", 21),
			 BOOKING_OVER_CAPACITY);
	/* the grid is judged first, then the capacity, then the hours */
	assert_int_equal(fit(&v, "2026-12-07T08:10:00+08:00", "2026-12-07T09:10:00+08:00", 21),
			 BOOKING_OFF_GRID);
	assert_int_equal(fit(&v, "2026-12-08T08:00:00+08:00", "2026-12-08T09:00:00+08:00", 21),
			 BOOKING_OVER_CAPACITY);
}

static void slots_crossing_closing_time_or_a_closed_day_do_not_fit(void **state)
{
	struct venue v = sample_venue(30);

	assert_int_equal(fit(&v, "2026-12-07T11:30:00+08:00", "2026-12-07T12:30:00+08:00", 1),
			 BOOKING_OUT_OF_HOURS);
	assert_int_equal(fit(&v, "2026-12-07T07:30:00+08:00", "2026-12-07T08:30:00+08:00", 1),
			 BOOKING_OUT_OF_HOURS);
	/* Tuesday has no hours */
	assert_int_equal(fit(&v, "2026-12-08T08:00:00+08:00", "2026-12-08T09:00:00+08:00", 1),
			 BOOKING_OUT_OF_HOURS);
	/* Sunday 23:00 to Monday 01:00 crosses midnight */
	assert_int_equal(fit(&v, "2026-12-13T23:00:00+08:00", "2026-12-14T01:00:00+08:00", 1),
			 BOOKING_OUT_OF_HOURS);
}

/* ---- meal modes and tags ---------------------------------------------------- */

static void meal_mode_and_tag_names_match_their_bits(void **state)
{
	assert_int_equal(meal_mode_bit("dine_in"), MEAL_DINE_IN);
	assert_int_equal(meal_mode_bit("meal_delivery"), MEAL_DELIVERY);
	assert_int_equal(meal_mode_bit("grocery_delivery"), MEAL_GROCERY);
	assert_int_equal(meal_mode_bit("DINE_IN"), 0);
	assert_int_equal(meal_mode_bit("dine_in "), 0);
	assert_int_equal(meal_mode_bit(""), 0);
	assert_int_equal(meal_mode_bit(NULL), 0);
	assert_int_equal(meal_tag_bit("aged_80_plus"), MEAL_TAG_AGED_80);
	assert_int_equal(meal_tag_bit("living_alone"), MEAL_TAG_ALONE);
	assert_int_equal(meal_tag_bit("all_elderly"), MEAL_TAG_ALL_ELDERLY);
	assert_int_equal(meal_tag_bit("disabled"), MEAL_TAG_DISABLED);
	assert_int_equal(meal_tag_bit("low_income"), MEAL_TAG_LOW_INCOME);
	assert_int_equal(meal_tag_bit("child"), 0); /* a resident tag meals do not use */
	assert_int_equal(meal_tag_bit("dine_in"), 0);
	assert_string_equal(meal_mode_name(MEAL_DINE_IN), "dine_in");
	assert_string_equal(meal_mode_name(MEAL_GROCERY), "grocery_delivery");
	assert_string_equal(meal_mode_name(0), "?");
	assert_string_equal(meal_mode_name(MEAL_DINE_IN | MEAL_DELIVERY), "?");
	assert_int_equal(MEAL_MODES_ALL, MEAL_DINE_IN | MEAL_DELIVERY | MEAL_GROCERY);
}

static void stored_lists_read_into_sets(void **state)
{
	assert_int_equal(meal_modes_from_text("dine_in,grocery_delivery"), 5);
	assert_int_equal(meal_modes_from_text("grocery_delivery,dine_in"), 5);
	assert_int_equal(meal_modes_from_text("dine_in,dine_in"), MEAL_DINE_IN);
	assert_int_equal(meal_modes_from_text(",,meal_delivery,,"), MEAL_DELIVERY);
	assert_int_equal(meal_modes_from_text("dine_in,takeaway"), MEAL_DINE_IN); /* skipped */
	assert_int_equal(meal_modes_from_text(""), 0);
	assert_int_equal(meal_modes_from_text(NULL), 0);
	assert_int_equal(meal_tags_from_text("low_income,aged_80_plus"),
			 MEAL_TAG_LOW_INCOME | MEAL_TAG_AGED_80);
	assert_int_equal(
		meal_tags_from_text("aged_80_plus,living_alone,all_elderly,disabled,low_income"),
		31);
}

static void sets_write_back_as_lists_in_a_fixed_order(void **state)
{
	char out[96];
	json_t *j, *expected;

	meal_modes_text(MEAL_MODES_ALL, out);
	assert_string_equal(out, "dine_in,meal_delivery,grocery_delivery");
	meal_modes_text(MEAL_GROCERY | MEAL_DINE_IN, out);
	assert_string_equal(out, "dine_in,grocery_delivery");
	meal_modes_text(0, out);
	assert_string_equal(out, "");
	meal_modes_text(8, out); /* no such mode */
	assert_string_equal(out, "");
	meal_tags_text(31, out);
	assert_string_equal(out, "aged_80_plus,living_alone,all_elderly,disabled,low_income");
	meal_tags_text(MEAL_TAG_DISABLED | MEAL_TAG_AGED_80, out);
	assert_string_equal(out, "aged_80_plus,disabled");
	/* and back */
	assert_int_equal(meal_tags_from_text(out), MEAL_TAG_DISABLED | MEAL_TAG_AGED_80);

	j = meal_modes_json(MEAL_GROCERY | MEAL_DELIVERY);
	expected = json_loads("[\"meal_delivery\", \"grocery_delivery\"]", 0, NULL);
	assert_true(json_equal(j, expected));
	json_decref(j);
	json_decref(expected);
	j = meal_tags_json(0);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

/* ---- meal days (their text days are calendar's: tests/unit/test_calendar.c) ---- */

static void the_cut_off_is_minutes_after_the_days_midnight(void **state)
{
	struct meal_point p = { .order_cutoff = 10 * 60 + 30 };
	int64_t m = at("2026-12-31T00:00:00+08:00");

	assert_int_equal(meal_cutoff_at(&p, m), at("2026-12-31T10:30:00+08:00"));
	p.order_cutoff = 0;
	assert_int_equal(meal_cutoff_at(&p, m), m);
	p.order_cutoff = 23 * 60 + 59;
	assert_int_equal(meal_cutoff_at(&p, m), at("2026-12-31T23:59:00+08:00"));
}

static void aged_80_is_judged_by_month_on_the_shanghai_day(void **state)
{
	char by[8];

	meal_aged_80_born_by(at("2026-12-07T12:00:00+08:00"), by);
	assert_string_equal(by, "1946-12");
	meal_aged_80_born_by(at("2026-12-31T23:59:59+08:00"), by);
	assert_string_equal(by, "1946-12");
	/* 00:30 on New Year's Day in Shanghai is still 2026 in UTC */
	meal_aged_80_born_by(at("2027-01-01T00:30:00+08:00"), by);
	assert_string_equal(by, "1947-01");
	meal_aged_80_born_by(at("2028-02-29T08:00:00+08:00"), by);
	assert_string_equal(by, "1948-02");
}

static void month_bounds_run_to_the_next_months_first_day(void **state)
{
	char lo[11], hi[11];

	assert_int_equal(meal_month_bounds("2026-12", lo, hi), 0);
	assert_string_equal(lo, "2026-12-01");
	assert_string_equal(hi, "2027-01-01");
	assert_int_equal(meal_month_bounds("2026-01", lo, hi), 0);
	assert_string_equal(lo, "2026-01-01");
	assert_string_equal(hi, "2026-02-01");
	assert_int_equal(meal_month_bounds("2028-02", lo, hi), 0);
	assert_string_equal(hi, "2028-03-01");
	assert_int_equal(meal_month_bounds("9998-12", lo, hi), 0);
	assert_string_equal(hi, "9999-01-01");
}

static void malformed_months_are_refused(void **state)
{
	static const char *const bad[] = {
		"2026-13", "2026-00", "2026-1",	 "2026-1x", "26-12",   "2026/12", "2026-12-01",
		"",	   "+026-12", "2026- 1", " 2026-1", "1899-12", "9999-01", "2026-+1",
	};
	char lo[11], hi[11];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (meal_month_bounds(bad[i], lo, hi) != -1)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(meal_month_bounds(NULL, lo, hi), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_weekdays_start_on_monday_at_shanghai_midnight),
		cmocka_unit_test(local_weekdays_are_right_before_1970),
		cmocka_unit_test(local_minutes_count_from_shanghai_midnight),
		cmocka_unit_test(local_midnight_is_the_start_of_the_shanghai_day),
		cmocka_unit_test(opening_hours_parse_into_minutes_per_day),
		cmocka_unit_test(an_empty_week_or_an_empty_day_is_closed),
		cmocka_unit_test(four_intervals_a_day_and_touching_intervals_are_accepted),
		cmocka_unit_test(malformed_opening_hours_are_refused_with_a_reason),
		cmocka_unit_test(opening_hours_must_fall_on_the_slot_grid),
		cmocka_unit_test(a_refused_week_leaves_every_day_closed),
		cmocka_unit_test(opening_hours_show_every_day_and_read_back_the_same),
		cmocka_unit_test(a_booking_inside_one_interval_is_covered),
		cmocka_unit_test(a_booking_outside_or_across_closing_is_not_covered),
		cmocka_unit_test(bookings_at_midnight),
		cmocka_unit_test(a_booking_on_the_grid_within_capacity_and_hours_fits),
		cmocka_unit_test(a_booking_off_the_slot_grid_does_not_fit),
		cmocka_unit_test(too_many_attendees_do_not_fit),
		cmocka_unit_test(slots_crossing_closing_time_or_a_closed_day_do_not_fit),
		cmocka_unit_test(meal_mode_and_tag_names_match_their_bits),
		cmocka_unit_test(stored_lists_read_into_sets),
		cmocka_unit_test(sets_write_back_as_lists_in_a_fixed_order),
		cmocka_unit_test(the_cut_off_is_minutes_after_the_days_midnight),
		cmocka_unit_test(aged_80_is_judged_by_month_on_the_shanghai_day),
		cmocka_unit_test(month_bounds_run_to_the_next_months_first_day),
		cmocka_unit_test(malformed_months_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
