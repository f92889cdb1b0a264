/*
 * calendar.c — Shanghai day arithmetic and working-day deadlines, with no
 * database and no HTTP: the pure half of calendar.h, which the unit tests
 * (tests/unit/test_calendar.c) call directly.
 *
 * Shanghai is a fixed UTC+8, so a day number is floor((t + 8 h) / 86400):
 * the division rounds towards minus infinity so that instants before
 * 1970-01-01 08:00 +08:00 fall on days -1, -2, ... rather than on day 0.
 * Text days go through core/clock (clock_parse_iso, clock_format_shanghai),
 * which own the civil-date conversion.
 */
#include "calendar/calendar.h"

#include "core/clock.h"

#include <string.h>

int64_t cal_day_of(int64_t epoch_s)
{
	int64_t t = epoch_s + SHANGHAI_OFFSET_S;
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int64_t cal_day_start(int64_t day)
{
	return day * 86400 - SHANGHAI_OFFSET_S;
}

int64_t cal_midnight(int64_t epoch_s)
{
	return cal_day_start(cal_day_of(epoch_s));
}

int cal_minute_of_day(int64_t epoch_s)
{
	return (int)((epoch_s - cal_midnight(epoch_s)) / 60);
}

enum cal_weekday cal_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday. */
	int64_t w = (day + CAL_THURSDAY) % 7;
	return (enum cal_weekday)(w < 0 ? w + 7 : w);
}

int cal_day_parse(const char *s, int64_t *day)
{
	int64_t t;

	/* clock_parse_iso checks the digits and the date; the length rules out a time. */
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || clock_parse_iso(s, &t) < 0)
		return -1;
	*day = cal_day_of(t);
	return 0;
}

char *cal_day_format(int64_t day, char out[CAL_DAY_TEXT])
{
	char buf[32];

	clock_format_shanghai(cal_day_start(day), buf);
	memcpy(out, buf, 10);
	out[10] = '\0';
	return out;
}

int cal_year_of(int64_t epoch_s)
{
	char d[CAL_DAY_TEXT];

	cal_day_format(cal_day_of(epoch_s), d);
	return (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
}

int cal_is_workday(int64_t day, const struct cal_exception *ex, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ex[mid].day == day)
			return ex[mid].workday;
		if (ex[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	enum cal_weekday w = cal_weekday(day);
	return w != CAL_SUNDAY && w != CAL_SATURDAY;
}

int64_t cal_deadline(int64_t start, int amount, int workdays, const struct cal_exception *ex,
		     size_t n)
{
	if (!workdays)
		return start + (int64_t)amount * 3600;
	int64_t day = cal_day_of(start);
	/* Bounded: even a year of holidays cannot stall the count for ever. */
	for (int left = amount, guard = 0; left > 0 && guard < 3660; guard++) {
		day++;
		if (cal_is_workday(day, ex, n))
			left--;
	}
	return cal_day_start(day + 1);
}
