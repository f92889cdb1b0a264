/*
 * projects_store.c — every SQL statement about projects, their milestones,
 * events and source links, and the unit hooks.
 *
 * One function per statement, bound parameters only; writes run inside the
 * caller's transaction. A change of state is one guarded UPDATE (`… WHERE id
 * = ? AND state = ?`) that says how many rows it moved, so a change that
 * raced another is seen (0 rows) and refused, never written over it.
 *
 * Two reads look at the appeals' tables — an appeal as a project's source
 * (case number, title, status, category, place) and a hotspot recomputed as
 * GET /api/v1/appeals/hotspots counts it — because appeals.h offers neither;
 * they belong in appeals.h (ARCHITECTURE.md, known debts).
 */
#include "projects/projects.h"
#include "projects/projects_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a project ----------------------------------------------------------- */

#define PROJECT_SELECT                                                                             \
	"SELECT p.id, p.unit_id, p.year, p.budget_fen, p.state, p.type, p.unit_path, p.title, "    \
	"u.name, u.kind, p.goal, p.responsible_person, ru.name, p.outcome, p.outcome_photos, "     \
	"p.cancel_reason, p.hotspot, p.responsible_unit_id, p.percent, p.created_by, "             \
	"p.created_at, p.updated_at, p.approved_at, p.started_at, p.completed_at, "                \
	"p.cancelled_at FROM projects p JOIN units u ON u.id = p.unit_id "                         \
	"LEFT JOIN units ru ON ru.id = p.responsible_unit_id "

static void project_from_row(struct db_stmt *st, struct project_view *v)
{
	struct project *p = &v->p;
	const char *s;

	memset(v, 0, sizeof *v);
	p->id = db_col_int64(st, 0);
	p->unit_id = db_col_int64(st, 1);
	p->year = db_col_int64(st, 2);
	p->budget_fen = db_col_int64(st, 3);
	p->state = project_state_parse(db_col_text(st, 4));
	s = db_col_text(st, 5);
	snprintf(p->type, sizeof p->type, "%s", s ? s : "");
	s = db_col_text(st, 6);
	snprintf(p->unit_path, sizeof p->unit_path, "%s", s ? s : "");
	s = db_col_text(st, 7);
	snprintf(p->title, sizeof p->title, "%s", s ? s : "");
	v->unit_name = db_col_text(st, 8);
	v->unit_kind = db_col_text(st, 9);
	v->goal = db_col_text(st, 10);
	v->responsible_person = db_col_text(st, 11);
	v->responsible_unit_name = db_col_text(st, 12);
	v->outcome = db_col_text(st, 13);
	v->outcome_photos = db_col_text(st, 14);
	v->cancel_reason = db_col_text(st, 15);
	v->hotspot = db_col_text(st, 16);
	v->responsible_unit_id = db_col_int64(st, 17);
	v->percent = db_col_int64(st, 18);
	v->created_by = db_col_int64(st, 19);
	v->created_at = db_col_int64(st, 20);
	v->updated_at = db_col_int64(st, 21);
	v->approved_at = db_col_int64(st, 22);
	v->started_at = db_col_int64(st, 23);
	v->completed_at = db_col_int64(st, 24);
	v->cancelled_at = db_col_int64(st, 25);
}

DB_VIEW_ROWS(view_row, struct project_view, project_view_fn, project_from_row)

int projects_store_view(struct db_conn *c, int64_t id, project_view_fn fn, void *ctx)
{
	struct view_row_call r = { fn, ctx };

	return db_one(c, view_row, &r, PROJECT_SELECT "WHERE p.id = ?", "i", id);
}

static int copy_project(void *ctx, const struct project_view *v)
{
	*(struct project *)ctx = v->p;
	return 0;
}

int project_get(struct db_conn *c, int64_t id, struct project *out)
{
	return projects_store_view(c, id, copy_project, out);
}

int project_lock(struct db_conn *c, int64_t id, struct project *out)
{
	int rc = db_run(c, "UPDATE projects SET id = id WHERE id = ?", "i", id);

	return rc < 0 ? rc : project_get(c, id, out);
}

int projects_store_list(struct db_conn *c, const struct project_filter *f, project_view_fn fn,
			void *ctx)
{
	struct view_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_T(f->lo),     DB_ARG_T(f->hi),	 DB_ARG_I(f->before), DB_ARG_I(f->year),
		DB_ARG_I(f->year),   DB_ARG_T(f->type),	 DB_ARG_T(f->type),   DB_ARG_T(f->state),
		DB_ARG_T(f->state),  DB_ARG_I(f->item),	 DB_ARG_I(f->item),   DB_ARG_I(f->appeal),
		DB_ARG_I(f->appeal), DB_ARG_I(f->limit),
	};
	/* newest first: the cursor is the last id seen, the next page below it */
	int rc = db_each_args(c, view_row, &r,
			      PROJECT_SELECT
			      "WHERE p.unit_path >= ? AND p.unit_path < ? AND p.id < ? "
			      "AND (? = 0 OR p.year = ?) "
			      "AND (CAST(? AS TEXT) IS NULL OR p.type = ?) "
			      "AND (CAST(? AS TEXT) IS NULL OR p.state = ?) "
			      "AND (? = 0 OR EXISTS (SELECT 1 FROM project_items i WHERE "
			      "i.project_id = p.id AND i.item_id = ?)) "
			      "AND (? = 0 OR EXISTS (SELECT 1 FROM project_appeals a WHERE "
			      "a.project_id = p.id AND a.appeal_id = ?)) "
			      "ORDER BY p.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));

	return rc < 0 ? rc : 0;
}

/* ---- writing a project --------------------------------------------------- */

/* An id column's value: NULL when 0. */
static struct db_arg id_or_null(int64_t id)
{
	return id ? DB_ARG_I(id) : DB_ARG_T(NULL);
}

int projects_store_insert(struct db_conn *c, const struct project_in *in, const char *unit_path,
			  const char *state, int64_t now, int64_t *id)
{
	const int approved = !strcmp(state, "approved");
	const struct db_arg args[] = {
		DB_ARG_I(in->unit_id),
		DB_ARG_T(unit_path),
		DB_ARG_I(in->year),
		DB_ARG_T(in->type),
		DB_ARG_T(in->title),
		DB_ARG_T(in->goal ? in->goal : ""),
		DB_ARG_I(in->budget_fen),
		id_or_null(in->responsible_unit_id),
		DB_ARG_T(in->responsible_person ? in->responsible_person : ""),
		DB_ARG_T(state),
		id_or_null(in->created_by),
		approved ? id_or_null(in->created_by) : DB_ARG_T(NULL),
		approved ? DB_ARG_I(now) : DB_ARG_T(NULL),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO projects (unit_id, unit_path, year, type, title, goal, budget_fen, "
		"responsible_unit_id, responsible_person, state, created_by, approved_by, "
		"approved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int projects_store_update(struct db_conn *c, int64_t id, const struct project_edit *e, int64_t now,
			  int64_t *changed)
{
	const struct db_arg args[] = {
		DB_ARG_I(e->year),
		DB_ARG_T(e->type),
		DB_ARG_T(e->title),
		DB_ARG_T(e->goal),
		DB_ARG_I(e->budget_fen),
		id_or_null(e->responsible_unit_id),
		DB_ARG_T(e->responsible_person ? e->responsible_person : ""),
		DB_ARG_I(now),
		DB_ARG_I(id),
	};
	return db_run_args_changed(c, changed,
				   "UPDATE projects SET year = ?, type = ?, title = ?, goal = ?, "
				   "budget_fen = ?, responsible_unit_id = ?, responsible_person = "
				   "?, updated_at = ? WHERE id = ? AND state = 'proposed'",
				   args, DB_ARGS_N(args));
}

int projects_store_set_state(struct db_conn *c, const struct project_change *ch, int64_t *changed)
{
	const char *to = ch->to;
	const int approved = !strcmp(to, "approved"), started = !strcmp(to, "in_progress"),
		  completed = !strcmp(to, "completed"), cancelled = !strcmp(to, "cancelled");
	const struct db_arg args[] = {
		DB_ARG_T(to),
		approved ? id_or_null(ch->by) : DB_ARG_T(NULL),
		approved ? DB_ARG_I(ch->now) : DB_ARG_T(NULL),
		started ? DB_ARG_I(ch->now) : DB_ARG_T(NULL),
		completed ? DB_ARG_I(ch->now) : DB_ARG_T(NULL),
		completed ? DB_ARG_I(100) : DB_ARG_T(NULL),
		cancelled ? DB_ARG_I(ch->now) : DB_ARG_T(NULL),
		DB_ARG_T(ch->outcome),
		DB_ARG_T(ch->outcome_photos),
		DB_ARG_T(ch->cancel_reason),
		DB_ARG_I(ch->now),
		DB_ARG_I(ch->id),
		DB_ARG_T(ch->from),
	};
	return db_run_args_changed(
		c, changed,
		"UPDATE projects SET state = ?, approved_by = COALESCE(?, approved_by), "
		"approved_at = COALESCE(?, approved_at), started_at = COALESCE(?, started_at), "
		"completed_at = COALESCE(?, completed_at), percent = COALESCE(?, percent), "
		"cancelled_at = COALESCE(?, cancelled_at), outcome = COALESCE(?, outcome), "
		"outcome_photos = COALESCE(?, outcome_photos), cancel_reason = COALESCE(?, "
		"cancel_reason), updated_at = ? WHERE id = ? AND state = ?",
		args, DB_ARGS_N(args));
}

int projects_store_set_percent(struct db_conn *c, int64_t id, int64_t percent, int64_t now,
			       int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE projects SET percent = ?, updated_at = ? WHERE id = ? AND "
			      "state = 'in_progress'",
			      "iii", percent, now, id);
}

int projects_store_set_hotspot(struct db_conn *c, int64_t id, const char *hotspot, int64_t now)
{
	return db_run(c, "UPDATE projects SET hotspot = ?, updated_at = ? WHERE id = ?", "tii",
		      hotspot, now, id);
}

int projects_store_event(struct db_conn *c, int64_t id, const char *kind, int64_t percent,
			 const char *note, const char *photos, int64_t milestone_id,
			 int64_t actor_id, int64_t now)
{
	const struct db_arg args[] = {
		DB_ARG_I(id),
		DB_ARG_T(kind),
		percent >= 0 ? DB_ARG_I(percent) : DB_ARG_T(NULL),
		DB_ARG_T(note ? note : ""),
		DB_ARG_T(photos ? photos : "[]"),
		id_or_null(milestone_id),
		id_or_null(actor_id),
		DB_ARG_I(now),
	};
	return db_run_args(c,
			   "INSERT INTO project_events (project_id, kind, percent, note, photos, "
			   "milestone_id, actor_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			   args, DB_ARGS_N(args));
}

/* ---- milestones and events ---------------------------------------------- */

static void milestone_from_row(struct db_stmt *st, struct milestone_view *m)
{
	*m = (struct milestone_view){
		.id = db_col_int64(st, 0),
		.title = db_col_text(st, 1),
		.due_date = db_col_text(st, 2),
		.done_at = db_col_int64(st, 3),
	};
}
DB_VIEW_ROWS(milestone_row, struct milestone_view, milestone_fn, milestone_from_row)

int projects_store_milestones(struct db_conn *c, int64_t project_id, milestone_fn fn, void *ctx)
{
	struct milestone_row_call r = { fn, ctx };
	int rc = db_each(c, milestone_row, &r,
			 "SELECT id, title, due_date, done_at FROM project_milestones WHERE "
			 "project_id = ? ORDER BY due_date, id",
			 "i", project_id);
	return rc < 0 ? rc : 0;
}

int project_add_milestone(struct db_conn *c, int64_t project_id, const char *title,
			  const char *due_date)
{
	return db_run(
		c, "INSERT INTO project_milestones (project_id, title, due_date) VALUES (?, ?, ?)",
		"itt", project_id, title, due_date);
}

int projects_store_clear_milestones(struct db_conn *c, int64_t project_id)
{
	return db_run(c, "DELETE FROM project_milestones WHERE project_id = ?", "i", project_id);
}

int projects_store_milestone_done(struct db_conn *c, int64_t project_id, int64_t milestone_id,
				  int64_t by, int64_t now, int64_t *changed)
{
	int64_t n = 0;
	int rc = db_query_int64(c, &n,
				"SELECT COUNT(*) FROM project_milestones WHERE id = ? AND "
				"project_id = ?",
				"ii", milestone_id, project_id);

	if (rc < 0)
		return rc;
	if (!n)
		return DB_DONE;
	return db_run_changed(
		c, changed,
		"UPDATE project_milestones SET done_at = ?, done_by = NULLIF(?, 0) WHERE id = ? "
		"AND project_id = ? AND done_at IS NULL",
		"iiii", now, by, milestone_id, project_id);
}

static void event_from_row(struct db_stmt *st, struct event_view *e)
{
	*e = (struct event_view){
		.id = db_col_int64(st, 0),
		.kind = db_col_text(st, 1),
		.percent = db_col_int64(st, 2),
		.has_percent = !db_col_is_null(st, 2),
		.note = db_col_text(st, 3),
		.photos = db_col_text(st, 4),
		.milestone_id = db_col_int64(st, 5),
		.actor_id = db_col_int64(st, 6),
		.actor_name = db_col_text(st, 7),
		.at = db_col_int64(st, 8),
	};
}
DB_VIEW_ROWS(event_row, struct event_view, event_fn, event_from_row)

int projects_store_events(struct db_conn *c, int64_t project_id, event_fn fn, void *ctx)
{
	struct event_row_call r = { fn, ctx };
	int rc = db_each(c, event_row, &r,
			 "SELECT e.id, e.kind, e.percent, e.note, e.photos, e.milestone_id, "
			 "e.actor_id, a.display_name, e.at FROM project_events e LEFT JOIN "
			 "accounts a ON a.id = e.actor_id WHERE e.project_id = ? ORDER BY e.id",
			 "i", project_id);
	return rc < 0 ? rc : 0;
}

/* ---- sources ------------------------------------------------------------- */

#define APPEAL_SELECT                                                                              \
	"SELECT a.id, a.case_no, a.title, a.status, c.code, a.created_at, a.unit_path, "           \
	"a.handler_path FROM appeals a JOIN appeal_categories c ON c.id = a.category_id "

static void appeal_from_row(struct db_stmt *st, struct source_appeal *a)
{
	*a = (struct source_appeal){
		.id = db_col_int64(st, 0),
		.case_no = db_col_text(st, 1),
		.title = db_col_text(st, 2),
		.status = db_col_text(st, 3),
		.category = db_col_text(st, 4),
		.created_at = db_col_int64(st, 5),
		.unit_path = db_col_text(st, 6),
		.handler_path = db_col_text(st, 7),
	};
}
DB_VIEW_ROWS(appeal_row, struct source_appeal, source_appeal_fn, appeal_from_row)

int projects_store_appeal(struct db_conn *c, int64_t appeal_id, source_appeal_fn fn, void *ctx)
{
	struct appeal_row_call r = { fn, ctx };

	return db_one(c, appeal_row, &r, APPEAL_SELECT "WHERE a.id = ?", "i", appeal_id);
}

int projects_store_appeals(struct db_conn *c, int64_t project_id, source_appeal_fn fn, void *ctx)
{
	struct appeal_row_call r = { fn, ctx };
	int rc = db_each(c, appeal_row, &r,
			 APPEAL_SELECT "JOIN project_appeals l ON l.appeal_id = a.id WHERE "
				       "l.project_id = ? ORDER BY a.id",
			 "i", project_id);
	return rc < 0 ? rc : 0;
}

int project_link_appeal(struct db_conn *c, int64_t project_id, int64_t appeal_id, int64_t now)
{
	return db_run(c,
		      "INSERT INTO project_appeals (project_id, appeal_id, created_at) VALUES "
		      "(?, ?, ?) ON CONFLICT DO NOTHING",
		      "iii", project_id, appeal_id, now);
}

int project_link_item(struct db_conn *c, int64_t project_id, int64_t item_id, int64_t now)
{
	return db_run(c,
		      "INSERT INTO project_items (project_id, item_id, created_at) VALUES (?, ?, "
		      "?) ON CONFLICT DO NOTHING",
		      "iii", project_id, item_id, now);
}

struct id_list {
	int64_t *ids;
	int max, *n;
};

static int id_row(struct db_stmt *st, void *p)
{
	struct id_list *l = p;

	if (*l->n < l->max)
		l->ids[(*l->n)++] = db_col_int64(st, 0);
	return 0;
}

int projects_store_item_ids(struct db_conn *c, int64_t project_id, int64_t *ids, int max, int *n)
{
	struct id_list l = { ids, max, n };
	int rc;

	*n = 0;
	rc = db_each(c, id_row, &l,
		     "SELECT item_id FROM project_items WHERE project_id = ? ORDER BY item_id", "i",
		     project_id);
	return rc < 0 ? rc : 0;
}

int projects_store_hotspot(struct db_conn *c, const char *lo, const char *hi, int64_t since,
			   const char *category, int64_t *count, int64_t ids[PROJECT_HOTSPOT_IDS],
			   char *name, size_t n)
{
	int got = 0;
	struct id_list l = { ids, PROJECT_HOTSPOT_IDS, &got };
	int rc;

	*count = 0;
	name[0] = '\0';
	rc = db_text(c, name, n, "SELECT name FROM appeal_categories WHERE code = ?", "t",
		     category);
	if (rc < 0 || rc == DB_DONE)
		return rc < 0 ? rc : 0;
	rc = db_query_int64(c, count,
			    "SELECT COUNT(*) FROM appeals a JOIN appeal_categories c ON c.id = "
			    "a.category_id WHERE a.unit_path >= ? AND a.unit_path < ? AND "
			    "a.created_at >= ? AND a.status NOT IN ('merged', 'rejected') AND "
			    "c.code = ?",
			    "ttit", lo, hi, since, category);
	if (rc < 0)
		return rc;
	rc = db_each(c, id_row, &l,
		     "SELECT a.id FROM appeals a JOIN appeal_categories c ON c.id = a.category_id "
		     "WHERE a.unit_path >= ? AND a.unit_path < ? AND a.created_at >= ? AND "
		     "a.status NOT IN ('merged', 'rejected') AND c.code = ? ORDER BY a.id LIMIT ?",
		     "ttiti", lo, hi, since, category, (int64_t)PROJECT_HOTSPOT_IDS);
	return rc < 0 ? rc : 0;
}

/* ---- under units ---------------------------------------------------------- */

static const char *const unit_path_sql[] = { DB_PATH_MOVED("projects", "unit_path") };
static const char *const unit_use_sql[] = { DB_COUNT_EQ("projects", "unit_id"),
					    DB_COUNT_EQ("projects", "responsible_unit_id") };

const struct org_unit_hooks projects_unit_hooks = { "projects", ORG_HOOK_SQL(unit_path_sql),
						    ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
