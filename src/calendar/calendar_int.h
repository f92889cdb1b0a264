/*
 * calendar_int.h — what calendar's own files share: the holidays table's
 * statements (calendar_store.c). Never included from another folder.
 */
#ifndef SHUNIU_CALENDAR_CALENDAR_INT_H
#define SHUNIU_CALENDAR_CALENDAR_INT_H

#include "calendar/calendar.h"

/* The exceptions of days after `after` up to `upto` (text days), sorted, at most cap. 0 or <0. */
int holidays_exceptions(struct db_conn *c, const char *after, const char *upto,
			struct cal_exception *ex, size_t cap, size_t *n);
/* The rows with lo <= day < hi as [{"day","kind","name"}] into *items. 0 or <0. */
int holidays_list(struct db_conn *c, const char *lo, const char *hi, json_t **items);
/* Insert or replace a day's row. 0 or <0. */
int holiday_set(struct db_conn *c, const char *day, const char *kind, const char *name,
		int64_t now);
/* Delete a day's row. 0, DB_EABORT when there was none, or <0. */
int holiday_delete(struct db_conn *c, const char *day);

#endif
