/*
 * calendar_api.c — the holiday calendar that administrators maintain.
 *
 *   GET    /api/v1/holidays?year=2026        the exceptions of a year
 *   PUT    /api/v1/holidays/:day {"kind":"holiday"|"workday","name":"国庆节"}
 *   DELETE /api/v1/holidays/:day
 *
 * Changes are audited in their transaction; the SQL is in calendar_store.c.
 */
#include "calendar/calendar_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void list_holidays(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *y = req_query(req, "year");
	char lo[16], hi[16], *end;
	json_t *items;

	if (!c)
		return;
	long year = y ? strtol(y, &end, 10) : 0;
	if (!y || *end || year < 2000 || year > 2100) {
		reply_invalid(req, "year", "a year from 2000 to 2100");
		return;
	}
	snprintf(lo, sizeof lo, "%04ld-01-01", year);
	snprintf(hi, sizeof hi, "%04ld-01-01", year + 1);
	if (holidays_list(c, lo, hi, &items) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("year", year), jb_take("items", items)));
}

static int day_param_or_reply(struct req *req, const char **day)
{
	int64_t d;

	*day = req_param(req, "day");
	if (cal_day_parse(*day, &d)) {
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
	int rc = holiday_set(c, x->day, x->kind, x->name, clock_now());

	return audit_write_after(rc, x->req, c, "holiday.set", "holiday", 0,
				 JB_OBJ(jb_str("day", x->day), jb_str("kind", x->kind)));
}

/* DB_EABORT: no such day */
static int delete_holiday_tx(struct db_conn *c, void *ctx)
{
	struct holiday *x = ctx;
	int rc = holiday_delete(c, x->day);

	return audit_write_after(rc, x->req, c, "holiday.delete", "holiday", 0,
				 JB_OBJ(jb_str("day", x->day)));
}

static void put_holiday(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct holiday_body {
		const char *kind, *name;
	} b;
	static const struct body_field fields[] = {
		BF_STR(struct holiday_body, kind, "kind", BF_REQUIRED, 1, 10),
		BF_STR_DEF(struct holiday_body, name, "name", 0, 60, ""),
	};
	const char *day, *kind, *name;
	int rc;

	if (!c || day_param_or_reply(req, &day) || BODY_READ_OR_REPLY(req, fields, &b, NULL))
		return;
	kind = b.kind;
	name = b.name;
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
	reply_tx_refused(req, rc, ERR_NOT_FOUND, 200, JB_OBJ(jb_str("day", day)));
}

const struct route calendar_routes[] = {
	{ "GET", "/api/v1/holidays", list_holidays, R_AUTH, NULL, 0 },
	{ "PUT", "/api/v1/holidays/:day", put_holiday, R_JSON, "calendar:write", 0 },
	{ "DELETE", "/api/v1/holidays/:day", delete_holiday, 0, "calendar:write", 0 },
	{ 0 },
};
