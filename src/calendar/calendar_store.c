/*
 * calendar_store.c — all of calendar's SQL: the holidays table
 * (day TEXT "YYYY-MM-DD" primary key, kind 'holiday' | 'workday', name).
 *
 * Days are compared as text, which orders "YYYY-MM-DD" in date order on both
 * databases.
 */
#include "calendar/calendar_int.h"

#include "core/jbuild.h"
#include "db/store.h"

#include <string.h>

int holidays_exceptions(struct db_conn *c, const char *after, const char *upto,
			struct cal_exception *ex, size_t cap, size_t *n)
{
	struct db_stmt *st;
	int rc = db_prepare(
		c, "SELECT day, kind FROM holidays WHERE day > ? AND day <= ? ORDER BY day", &st);

	*n = 0;
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, after, -1);
	db_bind_text(st, 2, upto, -1);
	while ((rc = db_step(st)) == DB_ROW && *n < cap) {
		int64_t d;
		if (cal_day_parse(db_col_text(st, 0), &d))
			continue;
		ex[*n].day = d;
		ex[*n].workday = !strcmp(db_col_text(st, 1), "workday");
		(*n)++;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int cal_deadline_db(struct db_conn *c, int64_t start, int amount, int workdays, int64_t *due)
{
	struct cal_exception ex[256];
	char lo[CAL_DAY_TEXT], hi[CAL_DAY_TEXT];
	size_t n;
	int rc;

	if (!workdays) {
		*due = cal_deadline(start, amount, 0, NULL, 0);
		return 0;
	}
	/* Enough days to hold `amount` working days around any holiday season. */
	int64_t d0 = cal_day_of(start);
	rc = holidays_exceptions(c, cal_day_format(d0, lo),
				 cal_day_format(d0 + amount * 3 + 40, hi), ex,
				 sizeof ex / sizeof ex[0], &n);
	if (rc < 0)
		return rc;
	*due = cal_deadline(start, amount, 1, ex, n);
	return 0;
}

int holidays_list(struct db_conn *c, const char *lo, const char *hi, json_t **items)
{
	struct db_stmt *st;
	int rc = db_prepare(
		c, "SELECT day, kind, name FROM holidays WHERE day >= ? AND day < ? ORDER BY day",
		&st);

	*items = NULL;
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	*items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(*items, JB_OBJ(jb_str("day", db_col_text(st, 0)),
						     jb_str("kind", db_col_text(st, 1)),
						     jb_str("name", db_col_text(st, 2))));
	db_reset(st);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

int holiday_set(struct db_conn *c, const char *day, const char *kind, const char *name, int64_t now)
{
	return db_run(c,
		      "INSERT INTO holidays (day, kind, name, updated_at) VALUES (?, ?, ?, ?) "
		      "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = "
		      "excluded.name, updated_at = excluded.updated_at",
		      "ttti", day, kind, name ? name : "", now);
}

int holiday_delete(struct db_conn *c, const char *day)
{
	int rc = db_run(c, "DELETE FROM holidays WHERE day = ?", "t", day);

	return rc == 0 && db_changes(c) == 0 ? DB_EABORT : rc;
}
