/*
 * calendar.c — working days and deadlines, and the holiday calendar that
 * administrators maintain.
 *
 * A working day is Monday to Friday unless the calendar marks it a holiday,
 * or a Saturday or Sunday the calendar marks a make-up working day (调休).
 * Days are Shanghai days (UTC+8, no daylight saving).
 *
 *   GET    /api/v1/holidays?year=2026        the exceptions of a year
 *   PUT    /api/v1/holidays/:day {"kind":"holiday"|"workday","name":"国庆节"}
 *   DELETE /api/v1/holidays/:day
 */
#include "appeals/appeals_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"

#include <stdio.h>
#include <stdlib.h>
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

int cal_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday. */
	int64_t w = (day + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
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
	int w = cal_weekday(day);
	return w != 0 && w != 6;
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

/* "YYYY-MM-DD" → day number; -1 if malformed. */
static int64_t parse_day(const char *s)
{
	int64_t t;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || clock_parse_iso(s, &t) < 0)
		return -1;
	return cal_day_of(t);
}

static void day_text(int64_t day, char out[11])
{
	char buf[32];

	clock_format_shanghai(cal_day_start(day), buf);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

int cal_deadline_db(struct db_conn *c, int64_t start, int amount, int workdays, int64_t *due)
{
	struct cal_exception ex[256];
	size_t n = 0;
	struct db_stmt *st;
	char lo[11], hi[11];
	int rc;

	if (!workdays) {
		*due = cal_deadline(start, amount, 0, NULL, 0);
		return 0;
	}
	/* Enough days to hold `amount` working days around any holiday season. */
	int64_t d0 = cal_day_of(start);
	day_text(d0, lo);
	day_text(d0 + amount * 3 + 40, hi);
	rc = db_prepare(c, "SELECT day, kind FROM holidays WHERE day > ? AND day <= ? ORDER BY day",
			&st);
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	while ((rc = db_step(st)) == DB_ROW && n < sizeof ex / sizeof ex[0]) {
		int64_t d = parse_day(db_col_text(st, 0));
		if (d < 0)
			continue;
		ex[n].day = d;
		ex[n].workday = !strcmp(db_col_text(st, 1), "workday");
		n++;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*due = cal_deadline(start, amount, 1, ex, n);
	return 0;
}

/* ---- the holidays API -------------------------------------------------- */

static void list_holidays(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *y = req_query(req, "year");
	char lo[16], hi[16], *end;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c)
		return;
	long year = y ? strtol(y, &end, 10) : 0;
	if (!y || *end || year < 2000 || year > 2100) {
		reply_invalid(req, "year", "a year from 2000 to 2100");
		return;
	}
	snprintf(lo, sizeof lo, "%04ld-01-01", year);
	snprintf(hi, sizeof hi, "%04ld-01-01", year + 1);
	if (db_prepare(c,
		       "SELECT day, kind, name FROM holidays WHERE day >= ? AND day < ? ORDER BY "
		       "day",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, JB_OBJ(jb_str("day", db_col_text(st, 0)),
						    jb_str("kind", db_col_text(st, 1)),
						    jb_str("name", db_col_text(st, 2))));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("year", year), jb_take("items", items)));
}

static int day_param_or_reply(struct req *req, const char **day)
{
	*day = req_param(req, "day");
	if (parse_day(*day) < 0) {
		reply_invalid(req, "day", "a date YYYY-MM-DD");
		return -1;
	}
	return 0;
}

struct holiday {
	struct req *req;
	const char *day, *kind, *name;
};

static int put_holiday_tx(struct db_conn *c, void *ctx)
{
	struct holiday *x = ctx;
	int rc = db_run(c,
			"INSERT INTO holidays (day, kind, name, updated_at) VALUES (?, ?, ?, ?) "
			"ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = "
			"excluded.name, updated_at = excluded.updated_at",
			"ttti", x->day, x->kind, x->name ? x->name : "", clock_now());

	if (rc == 0)
		rc = audit_write(x->req, c, "holiday.set", "holiday", 0,
				 JB_OBJ(jb_str("day", x->day), jb_str("kind", x->kind)));
	return rc;
}

/* DB_EABORT: no such day */
static int delete_holiday_tx(struct db_conn *c, void *ctx)
{
	struct holiday *x = ctx;
	int rc = db_run(c, "DELETE FROM holidays WHERE day = ?", "t", x->day);

	if (rc == 0 && db_changes(c) == 0)
		return DB_EABORT;
	if (rc == 0)
		rc = audit_write(x->req, c, "holiday.delete", "holiday", 0,
				 JB_OBJ(jb_str("day", x->day)));
	return rc;
}

static void put_holiday(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *day, *kind, *name = "";
	int rc;

	if (!c || day_param_or_reply(req, &day) ||
	    json_get_str_or_reply(req, req->json, "kind", 1, 10, &kind) ||
	    json_get_str_or_reply(req, req->json, "name", 0, 60, &name) < 0)
		return;
	if (strcmp(kind, "holiday") && strcmp(kind, "workday")) {
		reply_invalid(req, "kind", "holiday or workday");
		return;
	}
	rc = db_tx_run(c, put_holiday_tx, &(struct holiday){ req, day, kind, name });
	reply_tx(
		req, rc, 200,
		JB_OBJ(jb_str("day", day), jb_str("kind", kind), jb_str("name", name ? name : "")));
}

static void delete_holiday(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *day;
	int rc;

	if (!c || day_param_or_reply(req, &day))
		return;
	rc = db_tx_run(c, delete_holiday_tx, &(struct holiday){ req, day, NULL, NULL });
	if (rc == DB_EABORT)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_str("day", day)));
}

const struct route calendar_routes[] = {
	{ "GET", "/api/v1/holidays", list_holidays, R_AUTH, NULL, 0 },
	{ "PUT", "/api/v1/holidays/:day", put_holiday, R_JSON, "calendar:write", 0 },
	{ "DELETE", "/api/v1/holidays/:day", delete_holiday, 0, "calendar:write", 0 },
	{ 0 },
};
