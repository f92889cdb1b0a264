/*
 * appeal_sla_store.c — the statements of the SLA sweeper (appeal_sla.c):
 * overdue appeals without a notice, supervision notices and their
 * escalation marks, and the supervision list.
 */
#include "appeals/appeals_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>

/* Rows read into an array of at most max, counted in *n. */
struct bounded {
	void *list;
	int max, *n;
};

/* 0 while there is room for another row, DB_ROW when the array is full. */
static int bounded_next(const struct bounded *b)
{
	return ++*b->n < b->max ? 0 : DB_ROW;
}

/* A reader's answer as the store's: 0 when the rows were read (all or as many as fit), or <0. */
static int rows_read(int rc)
{
	return rc < 0 ? rc : 0;
}

static int overdue_row(struct db_stmt *st, void *p)
{
	struct bounded *b = p;
	struct overdue *o = (struct overdue *)b->list + *b->n;

	o->id = db_col_int64(st, 0);
	o->handler_unit_id = db_col_int64(st, 1);
	o->assignee_id = db_col_int64(st, 2);
	o->status = appeal_status_parse(db_col_text(st, 3));
	snprintf(o->handler_path, sizeof o->handler_path, "%s", db_col_text(st, 4));
	snprintf(o->case_no, sizeof o->case_no, "%s", db_col_text(st, 5));
	o->due = db_col_int64(st, 6);
	return bounded_next(b);
}

int sla_store_overdue(struct db_conn *c, int64_t after, int64_t now, struct overdue *list, int max,
		      int *n)
{
	struct bounded b = { list, max, n };

	*n = 0;
	return rows_read(
		db_each(c, overdue_row, &b,
			"SELECT a.id, a.handler_unit_id, a.assignee_id, a.status, a.handler_path, "
			"a.case_no, CASE WHEN a.status = 'submitted' THEN a.accept_due ELSE "
			"a.handle_due END FROM appeals a WHERE a.id > ? AND ((a.status = "
			"'submitted' AND a.accept_due < ?) OR (a.status IN ('accepted', "
			"'dispatched', 'handling') AND a.handle_due < ?)) AND NOT EXISTS (SELECT 1 "
			"FROM supervisions s WHERE s.appeal_id = a.id AND s.unit_id = "
			"a.handler_unit_id AND s.due_at = CASE WHEN a.status = 'submitted' THEN "
			"a.accept_due ELSE a.handle_due END) ORDER BY a.id LIMIT ?",
			"iiii", after, now, now, (int64_t)max));
}

int sla_store_supervise(struct db_conn *c, const struct overdue *o, const char *kind,
			const struct unit_ref *h, int64_t now)
{
	int rc = db_run(c,
			"INSERT INTO supervisions (appeal_id, kind, unit_id, unit_path, due_at, "
			"created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			"ititii", o->id, kind, h->id, h->path, o->due, now);

	if (rc == 0 && db_changes(c) == 0)
		return DB_DONE;
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE appeals SET overdue_at = COALESCE(overdue_at, ?), "
			    "supervised_at = ? WHERE id = ?",
			    "iii", o->due, now, o->id);
	return rc;
}

int sla_store_mark_escalated(struct db_conn *c, int64_t sup_id, int64_t now)
{
	return db_run(c,
		      "UPDATE supervisions SET escalated_at = ? WHERE id = ? AND escalated_at IS "
		      "NULL",
		      "ii", now, sup_id);
}

static int notice_row(struct db_stmt *st, void *p)
{
	struct bounded *b = p;
	int64_t *sup = ((int64_t(*)[2])b->list)[*b->n];

	sup[0] = db_col_int64(st, 0);
	sup[1] = db_col_int64(st, 1);
	return bounded_next(b);
}

int sla_store_notices_due(struct db_conn *c, int64_t before, int64_t (*sups)[2], int max, int *n)
{
	struct bounded b = { sups, max, n };

	*n = 0;
	return rows_read(
		db_each(c, notice_row, &b,
			"SELECT s.id, s.appeal_id FROM supervisions s JOIN appeals a ON a.id = "
			"s.appeal_id WHERE s.escalated_at IS NULL AND s.created_at <= ? AND "
			"s.unit_id = a.handler_unit_id ORDER BY s.id LIMIT ?",
			"ii", before, (int64_t)max));
}

int sla_store_settle(struct db_conn *c, int64_t now, int64_t before)
{
	return db_run(c,
		      "UPDATE supervisions SET escalated_at = ? WHERE escalated_at IS NULL AND "
		      "created_at <= ? AND unit_id <> (SELECT handler_unit_id FROM appeals a "
		      "WHERE a.id = supervisions.appeal_id)",
		      "ii", now, before);
}

const char sla_supervisions_sql[] =
	"SELECT s.id, s.appeal_id, a.case_no, a.status, s.kind, s.unit_id, u.name, "
	"s.due_at, s.created_at, s.escalated_at FROM supervisions s JOIN appeals a ON "
	"a.id = s.appeal_id JOIN units u ON u.id = s.unit_id WHERE s.unit_path >= ? AND "
	"s.unit_path < ? AND s.id > ? ORDER BY s.id LIMIT ?";

json_t *sla_supervision_json(struct db_stmt *st)
{
	char due[32], at[32], esc[32];

	return JB_OBJ(jb_int("id", db_col_int64(st, 0)),
		      jb_take("appeal", JB_OBJ(jb_int("id", db_col_int64(st, 1)),
					       jb_str("case_no", db_col_text(st, 2)),
					       jb_str("status", db_col_text(st, 3)))),
		      jb_str("kind", db_col_text(st, 4)),
		      jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 5)),
					     jb_str("name", db_col_text(st, 6)))),
		      jb_str("due_at", clock_format_shanghai(db_col_int64(st, 7), due)),
		      jb_str("created_at", clock_format_shanghai(db_col_int64(st, 8), at)),
		      jb_str_or_null("escalated_at",
				     db_col_is_null(st, 9)
					     ? NULL
					     : clock_format_shanghai(db_col_int64(st, 9), esc)));
}
