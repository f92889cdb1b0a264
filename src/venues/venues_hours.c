/*
 * venues_hours.c — the pure part of venues: weekly
 * opening hours (parsed from the JSON text the venue stores, shown back in the
 * API's form, covering a booking) and whether a booking fits a venue's grid,
 * capacity and hours. No database, no request: tests/unit/test_service.c
 * checks it directly.
 *
 * Opening hours are JSON kept as text: {"mon": [["08:00", "12:00"], …], …};
 * they are parsed on every read (a handful of intervals) so the stored form
 * is the one clients send.
 */
#include "venues/venues.h"
#include "venues/venues_int.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"

#include <stdio.h>
#include <string.h>

static const char *const day_keys[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

int hours_day_index(int64_t t)
{
	return ((int)cal_weekday(cal_day_of(t)) + 6) % 7;
}

/* ---- opening hours ------------------------------------------------------ */

static int hhmm(const char *s, int *out)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	*out = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
	return *out <= 24 * 60 ? 0 : -1;
}

int week_hours_parse(json_t *j, int slot_minutes, struct week_hours *out, const char **why)
{
	const char *key;
	json_t *v;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j)) {
		*why = "an object of days (mon … sun), each a list of [\"HH:MM\", \"HH:MM\"]";
		return -1;
	}
	json_object_foreach(j, key, v)
	{
		int d = -1;
		for (int i = 0; i < 7; i++)
			if (!strcmp(key, day_keys[i]))
				d = i;
		if (d < 0) {
			*why = "days are mon, tue, wed, thu, fri, sat and sun";
			goto refused;
		}
		if (!json_is_array(v) || json_array_size(v) > HOURS_MAX_PER_DAY) {
			*why = "each day is a list of at most 4 [\"HH:MM\", \"HH:MM\"] intervals";
			goto refused;
		}
		for (size_t k = 0; k < json_array_size(v); k++) {
			json_t *iv = json_array_get(v, k);
			int a, b, n = out->n[d];
			if (!json_is_array(iv) || json_array_size(iv) != 2 ||
			    hhmm(json_string_value(json_array_get(iv, 0)), &a) ||
			    hhmm(json_string_value(json_array_get(iv, 1)), &b) || a >= b) {
				*why = "an interval is [\"HH:MM\", \"HH:MM\"] with the start first";
				goto refused;
			}
			if (a % slot_minutes || b % slot_minutes) {
				*why = "opening hours fall on the slot grid (slot_minutes)";
				goto refused;
			}
			if (n && a < out->close[d][n - 1]) {
				*why = "a day's intervals are in order and do not overlap";
				goto refused;
			}
			out->open[d][n] = a;
			out->close[d][n] = b;
			out->n[d]++;
		}
	}
	return 0;
refused:
	/* closed all week, not the days read before the fault (venue_from_row relies on it) */
	memset(out, 0, sizeof *out);
	return -1;
}

int week_hours_covers(const struct week_hours *h, int64_t start, int64_t end)
{
	int d = hours_day_index(start), a = cal_minute_of_day(start);
	int64_t b = a + (end - start) / 60; /* may run past midnight: then no interval covers it */

	for (int i = 0; i < h->n[d]; i++)
		if (a >= h->open[d][i] && b <= h->close[d][i])
			return 1;
	return 0;
}

json_t *week_hours_json(const struct week_hours *h)
{
	json_t *o = json_object();

	for (int d = 0; d < 7; d++) {
		json_t *day = json_array();
		for (int i = 0; i < h->n[d]; i++) {
			char a[24], b[24];
			snprintf(a, sizeof a, "%02d:%02d", h->open[d][i] / 60, h->open[d][i] % 60);
			snprintf(b, sizeof b, "%02d:%02d", h->close[d][i] / 60,
				 h->close[d][i] % 60);
			json_array_append_new(day, JB_ARR(jv_str(a), jv_str(b)));
		}
		json_object_set_new(o, day_keys[d], day);
	}
	return o;
}

/* ---- fitting a booking ------------------------------------------------- */

enum booking_fit booking_fit(const struct venue *v, int64_t s, int64_t e, int64_t attendees)
{
	if (s % 60 || cal_minute_of_day(s) % v->slot_minutes || (e - s) % (v->slot_minutes * 60))
		return BOOKING_OFF_GRID;
	if (attendees > v->capacity)
		return BOOKING_OVER_CAPACITY;
	if (!week_hours_covers(&v->hours, s, e))
		return BOOKING_OUT_OF_HOURS;
	return BOOKING_FITS;
}
