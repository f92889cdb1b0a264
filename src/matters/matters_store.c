/*
 * matters_store.c — every SQL statement about matters, their steps,
 * objections, settings and source links, and the unit hooks.
 *
 * One function per statement, bound parameters only; writes run inside the
 * caller's transaction. A change of state is one guarded UPDATE (`… WHERE id
 * = ? AND state = ?`) that says how many rows it moved, so a step that raced
 * another is seen and refused, never written over it. One step of each kind
 * per matter, one meeting per step and one objection per resident per
 * matter are unique indexes: the loser of a race gets DB_ECONSTRAINT.
 *
 * Two reads look at other modules' tables as projects_store.c does — an
 * appeal as a source (case number, title, status, category, place) and a
 * resident's home — because appeals.h and people.h offer neither (the known
 * debt ARCHITECTURE.md lists for projects).
 */
#include "matters/matters_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

/* ---- a matter ------------------------------------------------------------ */

#define MATTER_SELECT                                                                              \
	"SELECT m.id, m.unit_id, m.year, m.amount_fen, m.project_id, m.created_by, m.created_at, " \
	"m.updated_at, m.major, m.unit_path, m.state, m.category, m.source_kind, "                 \
	"m.major_reason, m.title, m.description, m.source_note, m.hotspot, u.code, u.name, "       \
	"u.kind, ca.display_name, (SELECT COALESCE(SUM(CASE s.step WHEN 'propose' THEN 1 WHEN "    \
	"'deliberate' THEN 2 WHEN 'review' THEN 4 WHEN 'decide' THEN 8 WHEN "                      \
	"'publish_resolution' THEN 16 WHEN 'implement' THEN 32 ELSE 64 END), 0) FROM "             \
	"matter_steps s WHERE s.matter_id = m.id) FROM matters m JOIN units u ON u.id = "          \
	"m.unit_id LEFT JOIN accounts ca ON ca.id = m.created_by "

static void copy_text(char *out, size_t n, const char *s)
{
	snprintf(out, n, "%s", s ? s : "");
}

static void matter_from_row(struct db_stmt *st, struct matter_view *v)
{
	struct matter *m = &v->m;

	memset(v, 0, sizeof *v);
	m->id = db_col_int64(st, 0);
	m->unit_id = db_col_int64(st, 1);
	m->year = db_col_int64(st, 2);
	m->amount_fen = db_col_int64(st, 3);
	m->project_id = db_col_int64(st, 4);
	m->created_by = db_col_int64(st, 5);
	m->created_at = db_col_int64(st, 6);
	m->updated_at = db_col_int64(st, 7);
	m->major = (int)db_col_int64(st, 8);
	copy_text(m->unit_path, sizeof m->unit_path, db_col_text(st, 9));
	copy_text(m->state, sizeof m->state, db_col_text(st, 10));
	copy_text(m->category, sizeof m->category, db_col_text(st, 11));
	copy_text(m->source_kind, sizeof m->source_kind, db_col_text(st, 12));
	copy_text(m->major_reason, sizeof m->major_reason, db_col_text(st, 13));
	v->title = db_col_text(st, 14);
	v->description = db_col_text(st, 15);
	v->source_note = db_col_text(st, 16);
	v->hotspot = db_col_text(st, 17);
	v->unit_code = db_col_text(st, 18);
	v->unit_name = db_col_text(st, 19);
	v->unit_kind = db_col_text(st, 20);
	v->created_by_name = db_col_text(st, 21);
	v->done = (unsigned)db_col_int64(st, 22);
}

DB_VIEW_ROWS(view_row, struct matter_view, matter_view_fn, matter_from_row)

int matters_store_view(struct db_conn *c, int64_t id, matter_view_fn fn, void *ctx)
{
	struct view_row_call r = { fn, ctx };

	return db_one(c, view_row, &r, MATTER_SELECT "WHERE m.id = ?", "i", id);
}

static int copy_matter(void *ctx, const struct matter_view *v)
{
	*(struct matter *)ctx = v->m;
	return 0;
}

int matters_store_get(struct db_conn *c, int64_t id, struct matter *out)
{
	return matters_store_view(c, id, copy_matter, out);
}

int matters_store_lock(struct db_conn *c, int64_t id, struct matter *out)
{
	int rc = db_run(c, "UPDATE matters SET id = id WHERE id = ?", "i", id);

	return rc < 0 ? rc : matters_store_get(c, id, out);
}

int matters_store_list(struct db_conn *c, const struct matter_filter *f, matter_view_fn fn,
		       void *ctx)
{
	struct view_row_call r = { fn, ctx };
	const int64_t major = f->major < 0 ? -1 : f->major;
	const struct db_arg args[] = {
		DB_ARG_T(f->lo),   DB_ARG_T(f->hi),	 DB_ARG_I(f->before),  DB_ARG_I(f->year),
		DB_ARG_I(f->year), DB_ARG_I(f->unit_id), DB_ARG_I(f->unit_id), DB_ARG_I(major),
		DB_ARG_I(major),   DB_ARG_T(f->state),	 DB_ARG_T(f->state),   DB_ARG_I(f->limit),
	};
	int rc = db_each_args(c, view_row, &r,
			      MATTER_SELECT
			      "WHERE m.unit_path >= ? AND m.unit_path < ? AND m.id < ? "
			      "AND (? = 0 OR m.year = ?) AND (? = 0 OR m.unit_id = ?) "
			      "AND (? < 0 OR m.major = ?) "
			      "AND (CAST(? AS TEXT) IS NULL OR m.state = ?) "
			      "ORDER BY m.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));

	return rc < 0 ? rc : 0;
}

/* An optional column's value: NULL when 0 or NULL. */
static struct db_arg id_or_null(int64_t id)
{
	return id ? DB_ARG_I(id) : DB_ARG_T(NULL);
}

int matters_store_insert(struct db_conn *c, const struct matter_row_in *in, int64_t now,
			 int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(in->unit_id),
		DB_ARG_T(in->unit_path),
		DB_ARG_I(in->year),
		DB_ARG_T(in->title),
		DB_ARG_T(in->description),
		DB_ARG_T(in->category),
		DB_ARG_I(in->amount_fen),
		DB_ARG_I(in->major),
		DB_ARG_T(in->major_reason),
		DB_ARG_T(in->source_kind),
		DB_ARG_T(in->source_note),
		DB_ARG_T(in->hotspot),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO matters (unit_id, unit_path, year, title, description, category, "
		"amount_fen, major, major_reason, source_kind, source_note, hotspot, state, "
		"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"'new', ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int matters_store_link_appeal(struct db_conn *c, int64_t matter_id, int64_t appeal_id)
{
	return db_run(c,
		      "INSERT INTO matter_appeals (matter_id, appeal_id) VALUES (?, ?) ON CONFLICT "
		      "DO NOTHING",
		      "ii", matter_id, appeal_id);
}

int matters_store_set_state(struct db_conn *c, int64_t id, const char *from, const char *to,
			    int64_t project_id, int64_t now, int64_t *changed)
{
	const struct db_arg args[] = {
		DB_ARG_T(to), id_or_null(project_id), DB_ARG_I(now), DB_ARG_I(id), DB_ARG_T(from),
	};
	return db_run_args_changed(c, changed,
				   "UPDATE matters SET state = ?, project_id = COALESCE(?, "
				   "project_id), updated_at = ? WHERE id = ? AND state = ?",
				   args, DB_ARGS_N(args));
}

int matter_check_for_meeting(struct db_conn *c, int64_t matter_id, int64_t unit_id)
{
	return db_one(c, NULL, NULL,
		      "SELECT 1 FROM matters WHERE id = ? AND unit_id = ? AND state <> 'done'",
		      "ii", matter_id, unit_id);
}

/* ---- settings ------------------------------------------------------------- */

static int settings_row(struct db_stmt *st, void *p)
{
	struct matter_settings *s = p;

	s->major_spending_fen = db_col_int64(st, 0);
	s->major_land = (int)db_col_int64(st, 1);
	s->major_facility = (int)db_col_int64(st, 2);
	s->disclosure_days = (int)db_col_int64(st, 3);
	s->updated_at = db_col_int64(st, 4);
	return 0;
}

int matters_store_settings(struct db_conn *c, int64_t unit_id, struct matter_settings *out)
{
	int rc;

	matter_settings_default(out);
	rc = db_one(c, settings_row, out,
		    "SELECT major_spending_fen, major_land, major_facility, disclosure_days, "
		    "updated_at FROM matter_settings WHERE unit_id = ?",
		    "i", unit_id);
	return rc < 0 ? rc : DB_ROW;
}

int matters_store_settings_put(struct db_conn *c, int64_t unit_id, const struct matter_settings *s,
			       int64_t by, int64_t now)
{
	const struct db_arg args[] = {
		DB_ARG_I(unit_id),
		DB_ARG_I(s->major_spending_fen),
		DB_ARG_I(s->major_land),
		DB_ARG_I(s->major_facility),
		DB_ARG_I(s->disclosure_days),
		id_or_null(by),
		DB_ARG_I(now),
	};
	return db_run_args(
		c,
		"INSERT INTO matter_settings (unit_id, major_spending_fen, major_land, "
		"major_facility, disclosure_days, updated_by, updated_at) VALUES (?, ?, "
		"?, ?, ?, ?, ?) ON CONFLICT (unit_id) DO UPDATE SET major_spending_fen = "
		"excluded.major_spending_fen, major_land = excluded.major_land, "
		"major_facility = excluded.major_facility, disclosure_days = "
		"excluded.disclosure_days, updated_by = excluded.updated_by, updated_at = "
		"excluded.updated_at",
		args, DB_ARGS_N(args));
}

/* ---- steps ------------------------------------------------------------------ */

static void step_from_row(struct db_stmt *st, struct matter_step_row *s)
{
	*s = (struct matter_step_row){
		.id = db_col_int64(st, 0),
		.matter_id = db_col_int64(st, 1),
		.step = matter_step_parse(db_col_text(st, 2)),
		.meeting_id = db_col_int64(st, 3),
		.meeting_type = db_col_text(st, 4),
		.text = db_col_text(st, 5),
		.days = (int)db_col_int64(st, 6),
		.project_id = db_col_int64(st, 7),
		.done_by = db_col_int64(st, 8),
		.done_at = db_col_int64(st, 9),
		.done_by_name = db_col_text(st, 10),
	};
}

DB_VIEW_ROWS(step_row, struct matter_step_row, matter_step_fn, step_from_row)

int matters_store_steps(struct db_conn *c, int64_t matter_id, matter_step_fn fn, void *ctx)
{
	struct step_row_call r = { fn, ctx };
	int rc = db_each(
		c, step_row, &r,
		"SELECT s.id, s.matter_id, s.step, s.meeting_id, s.meeting_type, s.text, "
		"s.days, s.project_id, s.done_by, s.done_at, a.display_name FROM matter_steps s "
		"LEFT JOIN accounts a ON a.id = s.done_by WHERE s.matter_id = ? ORDER BY "
		"s.done_at, s.id",
		"i", matter_id);
	return rc < 0 ? rc : 0;
}

static int mask_row(void *ctx, const struct matter_step_row *s)
{
	if (s->step >= 0)
		*(unsigned *)ctx |= MS_BIT(s->step);
	return 0;
}

int matters_store_done(struct db_conn *c, int64_t matter_id, unsigned *done)
{
	*done = 0;
	return matters_store_steps(c, matter_id, mask_row, done);
}

int matters_store_step_insert(struct db_conn *c, const struct matter_step_row *s)
{
	const struct db_arg args[] = {
		DB_ARG_I(s->matter_id),
		DB_ARG_T(matter_step_name(s->step)),
		id_or_null(s->meeting_id),
		DB_ARG_T(s->meeting_type),
		DB_ARG_T(s->text ? s->text : ""),
		s->days ? DB_ARG_I(s->days) : DB_ARG_T(NULL),
		id_or_null(s->project_id),
		id_or_null(s->done_by),
		DB_ARG_I(s->done_at),
	};
	return db_run_args(c,
			   "INSERT INTO matter_steps (matter_id, step, meeting_id, meeting_type, "
			   "text, days, project_id, done_by, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
			   "?, ?)",
			   args, DB_ARGS_N(args));
}

int matters_store_step_taken(struct db_conn *c, int64_t matter_id, int step, int64_t meeting_id)
{
	int rc =
		db_one(c, NULL, NULL, "SELECT 1 FROM matter_steps WHERE matter_id = ? AND step = ?",
		       "it", matter_id, matter_step_name(step));

	if (rc != DB_DONE)
		return rc == DB_ROW ? 1 : rc;
	if (!meeting_id)
		return 0;
	rc = db_one(c, NULL, NULL, "SELECT 1 FROM matter_steps WHERE meeting_id = ?", "i",
		    meeting_id);
	return rc == DB_ROW ? 2 : rc == DB_DONE ? 0 : rc;
}

struct disclosure_out {
	int64_t *at;
	int *days;
};

static int disclosure_row(struct db_stmt *st, void *p)
{
	struct disclosure_out *o = p;

	*o->at = db_col_int64(st, 0);
	*o->days = (int)db_col_int64(st, 1);
	return 0;
}

int matters_store_disclosure(struct db_conn *c, int64_t matter_id, int64_t *at, int *days)
{
	struct disclosure_out o = { at, days };

	return db_one(c, disclosure_row, &o,
		      "SELECT done_at, days FROM matter_steps WHERE matter_id = ? AND step = "
		      "'publish_resolution'",
		      "i", matter_id);
}

/* ---- objections ------------------------------------------------------------- */

static void objection_from_row(struct db_stmt *st, struct matter_objection_row *o)
{
	*o = (struct matter_objection_row){
		.id = db_col_int64(st, 0),
		.matter_id = db_col_int64(st, 1),
		.created_at = db_col_int64(st, 2),
		.answered_at = db_col_int64(st, 3),
		.text = db_col_text(st, 4),
		.answer = db_col_is_null(st, 5) ? NULL : db_col_text(st, 5),
	};
}

DB_VIEW_ROWS(objection_row, struct matter_objection_row, matter_objection_fn, objection_from_row)

#define OBJECTION_SELECT                                                                           \
	"SELECT id, matter_id, created_at, answered_at, text, answer FROM matter_objections "

int matters_store_objections(struct db_conn *c, int64_t matter_id, matter_objection_fn fn,
			     void *ctx)
{
	struct objection_row_call r = { fn, ctx };
	int rc = db_each(c, objection_row, &r, OBJECTION_SELECT "WHERE matter_id = ? ORDER BY id",
			 "i", matter_id);
	return rc < 0 ? rc : 0;
}

int matters_store_objection(struct db_conn *c, int64_t id, matter_objection_fn fn, void *ctx)
{
	struct objection_row_call r = { fn, ctx };

	return db_one(c, objection_row, &r, OBJECTION_SELECT "WHERE id = ?", "i", id);
}

int matters_store_objection_insert(struct db_conn *c, int64_t matter_id, int64_t resident_id,
				   int64_t account_id, const char *text, int64_t now, int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(matter_id), DB_ARG_I(resident_id), id_or_null(account_id),
		DB_ARG_T(text),	     DB_ARG_I(now),
	};
	int rc = db_query_int64_args(c, id,
				     "INSERT INTO matter_objections (matter_id, resident_id, "
				     "account_id, text, created_at) VALUES (?, ?, ?, ?, ?) "
				     "RETURNING id",
				     args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int matters_store_objection_answer(struct db_conn *c, int64_t id, const char *text, int64_t by,
				   int64_t now, int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE matter_objections SET answer = ?, answered_by = ?, "
			      "answered_at = ? WHERE id = ? AND answer IS NULL",
			      "tiii", text, by, now, id);
}

int matters_store_unanswered(struct db_conn *c, int64_t matter_id, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT COUNT(*) FROM matter_objections WHERE matter_id = ? AND "
			      "answer IS NULL",
			      "i", matter_id);
}

int matters_store_resident_home(struct db_conn *c, int64_t resident_id, char out[256])
{
	return db_text(c, out, 256,
		       "SELECT h.unit_path FROM residents r JOIN households h ON h.id = "
		       "r.household_id WHERE r.id = ?",
		       "i", resident_id);
}

/* ---- sources ---------------------------------------------------------------- */

#define APPEAL_SELECT                                                                              \
	"SELECT a.id, a.case_no, a.title, a.status, c.code, a.created_at, "                        \
	"COALESCE(a.closed_at, a.resolved_at), a.unit_path, a.handler_path FROM appeals a JOIN "   \
	"appeal_categories c ON c.id = a.category_id "

static void appeal_from_row(struct db_stmt *st, struct matter_appeal_row *a)
{
	*a = (struct matter_appeal_row){
		.id = db_col_int64(st, 0),
		.case_no = db_col_text(st, 1),
		.title = db_col_text(st, 2),
		.status = db_col_text(st, 3),
		.category = db_col_text(st, 4),
		.created_at = db_col_int64(st, 5),
		.closed_at = db_col_int64(st, 6),
		.unit_path = db_col_text(st, 7),
		.handler_path = db_col_text(st, 8),
	};
}

DB_VIEW_ROWS(appeal_row, struct matter_appeal_row, matter_appeal_fn, appeal_from_row)

int matters_store_appeal(struct db_conn *c, int64_t appeal_id, matter_appeal_fn fn, void *ctx)
{
	struct appeal_row_call r = { fn, ctx };

	return db_one(c, appeal_row, &r, APPEAL_SELECT "WHERE a.id = ?", "i", appeal_id);
}

int matters_store_appeals(struct db_conn *c, int64_t matter_id, matter_appeal_fn fn, void *ctx)
{
	struct appeal_row_call r = { fn, ctx };
	int rc = db_each(c, appeal_row, &r,
			 APPEAL_SELECT "JOIN matter_appeals l ON l.appeal_id = a.id WHERE "
				       "l.matter_id = ? ORDER BY a.id",
			 "i", matter_id);
	return rc < 0 ? rc : 0;
}

/* ---- the review --------------------------------------------------------------- */

static void review_unit_from_row(struct db_stmt *st, struct review_unit_row *u)
{
	*u = (struct review_unit_row){
		.id = db_col_int64(st, 0),
		.code = db_col_text(st, 1),
		.name = db_col_text(st, 2),
		.kind = db_col_text(st, 3),
		.path = db_col_text(st, 4),
	};
}

DB_VIEW_ROWS(review_unit_row, struct review_unit_row, review_unit_fn, review_unit_from_row)

int matters_store_review_units(struct db_conn *c, const char *lo, const char *hi, int64_t year,
			       review_unit_fn fn, void *ctx)
{
	struct review_unit_row_call r = { fn, ctx };
	int rc = db_each(c, review_unit_row, &r,
			 "SELECT u.id, u.code, u.name, u.kind, u.path FROM units u WHERE u.path >= "
			 "? AND u.path < ? AND (u.kind = 'community' OR (u.kind = 'street' AND "
			 "EXISTS (SELECT 1 FROM matters m WHERE m.unit_id = u.id AND m.year = ? "
			 "AND m.major = 1))) ORDER BY u.path",
			 "tti", lo, hi, year);
	return rc < 0 ? rc : 0;
}

/* ---- under units ---------------------------------------------------------- */

static const char *const unit_path_sql[] = { DB_PATH_MOVED("matters", "unit_path") };
static const char *const unit_use_sql[] = { DB_COUNT_EQ("matters", "unit_id"),
					    DB_COUNT_EQ("matter_settings", "unit_id") };

const struct org_unit_hooks matters_unit_hooks = { "matters", ORG_HOOK_SQL(unit_path_sql),
						   ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
