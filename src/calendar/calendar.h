/*
 * calendar.h — Shanghai days, the holiday calendar and working-day deadlines.
 *
 * One home for the day arithmetic that appeals, meals, activities, service
 * applications and the demo generator share. A day is a Shanghai calendar day
 * (Asia/Shanghai: UTC+8, no daylight saving since 1991) and is numbered like
 * the epoch: day 0 is 1970-01-01, day -1 is 1969-12-31, and its instants run
 * from cal_day_start(day) up to cal_day_start(day + 1). Text days are strict
 * "YYYY-MM-DD", the form the database's day columns hold.
 *
 * A working day is Monday to Friday unless the holiday calendar that
 * administrators maintain (the holidays table, GET/PUT/DELETE
 * /api/v1/holidays) marks it a holiday, or a Saturday or Sunday it marks a
 * make-up working day (调休).
 */
#ifndef SHUNIU_CALENDAR_CALENDAR_H
#define SHUNIU_CALENDAR_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;
struct req;

/* ---- Shanghai days ------------------------------------------------------- */

/* Bytes of a text day "YYYY-MM-DD" with its terminating NUL. */
#define CAL_DAY_TEXT 11

/* The day number of an instant (epoch seconds). */
int64_t cal_day_of(int64_t epoch_s);
/* Epoch seconds of 00:00 Shanghai on a day number. */
int64_t cal_day_start(int64_t day);
/* Epoch seconds of 00:00 Shanghai on the day of an instant. */
int64_t cal_midnight(int64_t epoch_s);
/* Minutes since 00:00 Shanghai of an instant (0..1439). */
int cal_minute_of_day(int64_t epoch_s);

/*
 * Weekdays are numbered Sunday first, as C's struct tm (tm_wday) and
 * PostgreSQL's EXTRACT(DOW) number them. Compare with the names, never with
 * bare numbers. (Opening hours are kept Monday first, 0 = Monday: that index is
 * (cal_weekday() + 6) % 7, venues_hours.c's hours_day_index().)
 */
enum cal_weekday {
	CAL_SUNDAY = 0,
	CAL_MONDAY,
	CAL_TUESDAY,
	CAL_WEDNESDAY,
	CAL_THURSDAY,
	CAL_FRIDAY,
	CAL_SATURDAY,
};
enum cal_weekday cal_weekday(int64_t day);

/*
 * Parse a strict "YYYY-MM-DD" (a real date, exactly ten characters) into its
 * day number. 0 and *day, or -1 (s NULL or malformed; *day untouched). Every
 * day number is a valid result, 1969-12-31 (-1) included.
 */
int cal_day_parse(const char *s, int64_t *day);
/* The day as "YYYY-MM-DD" into out (CAL_DAY_TEXT bytes). Returns out. */
char *cal_day_format(int64_t day, char out[CAL_DAY_TEXT]);
/* The Shanghai calendar year of an instant (epoch seconds): 2026 for 2026-12-31T23:59+08:00. */
int cal_year_of(int64_t epoch_s);

/* ---- working days and deadlines ------------------------------------------ */

/* An administrator's exception to the Monday-to-Friday week. */
struct cal_exception {
	int64_t day;
	int workday; /* 1: a make-up working day (调休); 0: a holiday */
};

/* Is day a working day, given the exceptions (sorted by day)? */
int cal_is_workday(int64_t day, const struct cal_exception *ex, size_t n);
/*
 * The deadline `amount` units after `start`. Hours are calendar hours.
 * Working days count whole working days after the start day: the deadline is
 * 00:00 after the amount-th working day following the day of `start`.
 */
int64_t cal_deadline(int64_t start, int amount, int workdays, const struct cal_exception *ex,
		     size_t n);
/* The same, reading the holidays table. Returns 0, or <0 on a database error. */
int cal_deadline_db(struct db_conn *c, int64_t start, int amount, int workdays, int64_t *due);

/* ---- the holidays API (calendar_api.c) ------------------------------------ */

extern const struct route calendar_routes[];

#endif
