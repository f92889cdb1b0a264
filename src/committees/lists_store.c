/*
 * lists_store.c — the SQL of a committee's four lists: needs (with the
 * appeals they came from), resources, projects and responsibilities; their
 * state changes; and the sources a need is checked against (an appeal's
 * place, a hotspot's count — read from the appeals tables as src/projects
 * reads them, a known debt until appeals.h offers both).
 *
 * A project takes its needs and resources with one guarded UPDATE each
 * (`… SET state = 'matched', cproject_id = ? WHERE … AND state = 'open'`):
 * the row a racing project took first changes no row here, and the caller
 * rolls the whole project back. Every other state change is guarded the same
 * way by the state it read.
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

#include "core/clock.h"
#include "db/store.h"

#include <stdio.h>
#include <string.h>

static struct db_arg id_or_null(int64_t id)
{
	return id ? DB_ARG_I(id) : DB_ARG_T(NULL);
}

/* ---- an item's owner and state -------------------------------------------- */

static int ref_row(struct db_stmt *st, void *p)
{
	struct item_ref *r = p;
	const char *s = db_col_text(st, 2), *path = db_col_text(st, 3);

	r->committee_id = db_col_int64(st, 0);
	r->organisation_id = db_col_int64(st, 1);
	snprintf(r->state, sizeof r->state, "%s", s ? s : "");
	snprintf(r->community_path, sizeof r->community_path, "%s", path ? path : "");
	return 0;
}

int cstore_item_ref(struct db_conn *c, enum committee_list list, int64_t id, struct item_ref *out)
{
	static const char *const sql[] = {
		[CL_NEED] = "SELECT committee_id, organisation_id, state, community_path FROM "
			    "committee_needs WHERE id = ?",
		[CL_RESOURCE] = "SELECT committee_id, organisation_id, state, '' FROM "
				"committee_resources WHERE id = ?",
		[CL_PROJECT] = "SELECT committee_id, 0, state, '' FROM committee_projects WHERE "
			       "id = ?",
		[CL_DUTY] = "SELECT committee_id, organisation_id, state, '' FROM "
			    "committee_responsibilities WHERE id = ?",
	};
	memset(out, 0, sizeof *out);
	return db_one(c, ref_row, out, sql[list], "i", id);
}

/* ---- needs ----------------------------------------------------------------- */

#define NEED_SELECT                                                                                \
	"SELECT n.id, n.committee_id, n.community_id, n.organisation_id, n.cproject_id, "          \
	"n.created_by, n.created_at, n.updated_at, n.met_at, u.name, n.title, n.detail, "          \
	"n.source, n.hotspot, o.name, o.kind, n.wants, n.state, p.title, p.state, a.display_name " \
	"FROM committee_needs n JOIN units u ON u.id = n.community_id LEFT JOIN organisations o "  \
	"ON o.id = n.organisation_id LEFT JOIN committee_projects p ON p.id = n.cproject_id "      \
	"LEFT JOIN accounts a ON a.id = n.created_by "

static void need_from_row(struct db_stmt *st, struct need_view *v)
{
	*v = (struct need_view){
		.id = db_col_int64(st, 0),
		.committee_id = db_col_int64(st, 1),
		.community_id = db_col_int64(st, 2),
		.organisation_id = db_col_int64(st, 3),
		.cproject_id = db_col_int64(st, 4),
		.created_by = db_col_int64(st, 5),
		.created_at = db_col_int64(st, 6),
		.updated_at = db_col_int64(st, 7),
		.met_at = db_col_int64(st, 8),
		.community_name = db_col_text(st, 9),
		.title = db_col_text(st, 10),
		.detail = db_col_text(st, 11),
		.source = db_col_text(st, 12),
		.hotspot = db_col_text(st, 13),
		.org_name = db_col_text(st, 14),
		.org_kind = db_col_text(st, 15),
		.wants = db_col_text(st, 16),
		.state = db_col_text(st, 17),
		.cproject_title = db_col_text(st, 18),
		.cproject_state = db_col_text(st, 19),
		.creator_name = db_col_text(st, 20),
	};
}
DB_VIEW_ROWS(need_row, struct need_view, need_fn, need_from_row)

int cstore_needs(struct db_conn *c, const struct list_filter *f, need_fn fn, void *ctx)
{
	struct need_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_I(f->committee_id), DB_ARG_T(f->state), DB_ARG_T(f->state),
		DB_ARG_T(f->kind),	   DB_ARG_T(f->kind),  DB_ARG_I(f->community_id),
		DB_ARG_I(f->community_id), DB_ARG_T(f->wants), DB_ARG_T(f->wants),
		DB_ARG_I(f->before),	   DB_ARG_I(f->limit),
	};
#define NEED_WHERE                                                                                 \
	"WHERE n.committee_id = ? AND (CAST(? AS TEXT) IS NULL OR n.state = ?) AND (CAST(? AS "    \
	"TEXT) IS NULL OR n.source = ?) AND (? = 0 OR n.community_id = ?) AND (CAST(? AS TEXT) "   \
	"IS NULL OR (',' || n.wants || ',') LIKE ('%,' || ? || ',%')) AND n.id < ? "
	int rc = db_each_args(c, need_row, &r,
			      f->oldest_first ? NEED_SELECT NEED_WHERE "ORDER BY n.id LIMIT ?"
					      : NEED_SELECT NEED_WHERE "ORDER BY n.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));
#undef NEED_WHERE
	return rc < 0 ? rc : 0;
}

int cstore_need(struct db_conn *c, int64_t committee_id, int64_t id, need_fn fn, void *ctx)
{
	struct need_row_call r = { fn, ctx };

	return db_one(c, need_row, &r, NEED_SELECT "WHERE n.id = ? AND n.committee_id = ?", "ii",
		      id, committee_id);
}

int cstore_project_needs(struct db_conn *c, int64_t cproject_id, need_fn fn, void *ctx)
{
	struct need_row_call r = { fn, ctx };
	int rc = db_each(c, need_row, &r, NEED_SELECT "WHERE n.cproject_id = ? ORDER BY n.id", "i",
			 cproject_id);
	return rc < 0 ? rc : 0;
}

static void need_appeal_from_row(struct db_stmt *st, struct need_appeal *a)
{
	*a = (struct need_appeal){
		.id = db_col_int64(st, 0),
		.created_at = db_col_int64(st, 1),
		.case_no = db_col_text(st, 2),
		.category = db_col_text(st, 3),
		.status = db_col_text(st, 4),
	};
}
DB_VIEW_ROWS(need_appeal_row, struct need_appeal, need_appeal_fn, need_appeal_from_row)

int cstore_need_appeals(struct db_conn *c, int64_t need_id, need_appeal_fn fn, void *ctx)
{
	struct need_appeal_row_call r = { fn, ctx };
	int rc = db_each(c, need_appeal_row, &r,
			 "SELECT a.id, a.created_at, a.case_no, k.code, a.status FROM "
			 "committee_need_appeals l JOIN appeals a ON a.id = l.appeal_id JOIN "
			 "appeal_categories k ON k.id = a.category_id WHERE l.need_id = ? ORDER BY "
			 "a.id",
			 "i", need_id);
	return rc < 0 ? rc : 0;
}

int committee_need_create(struct db_conn *c, const struct need_in *in, int64_t *id)
{
	char path[256];
	int64_t now = clock_now();
	int rc;

	if (!need_source_valid(in->source))
		return DB_EMISUSE;
	rc = db_text(c, path, sizeof path,
		     "SELECT u.path FROM committee_communities cc JOIN units u ON u.id = "
		     "cc.community_id WHERE cc.committee_id = ? AND cc.community_id = ?",
		     "ii", in->committee_id, in->community_id);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	const struct db_arg args[] = {
		DB_ARG_I(in->committee_id),
		DB_ARG_I(in->community_id),
		DB_ARG_T(path),
		DB_ARG_T(in->title),
		DB_ARG_T(in->detail ? in->detail : ""),
		DB_ARG_T(in->source),
		DB_ARG_T(in->hotspot),
		id_or_null(in->organisation_id),
		DB_ARG_T(in->wants ? in->wants : ""),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	rc = db_query_int64_args(
		c, id,
		"INSERT INTO committee_needs (committee_id, community_id, "
		"community_path, title, detail, source, hotspot, organisation_id, "
		"wants, state, created_by, created_at, updated_at) VALUES (?, ?, ?, "
		"?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	rc = 0;
	for (int i = 0; rc == 0 && i < in->n_appeals; i++)
		rc = db_run(c,
			    "INSERT INTO committee_need_appeals (need_id, appeal_id) VALUES (?, ?)",
			    "ii", *id, in->appeal_ids[i]);
	return rc;
}

/* ---- resources ------------------------------------------------------------- */

#define RESOURCE_SELECT                                                                            \
	"SELECT r.id, r.committee_id, r.organisation_id, r.quantity, r.amount_fen, "               \
	"r.cproject_id, r.created_at, r.updated_at, r.used_at, o.name, o.kind, r.kind, r.title, "  \
	"r.detail, r.quantity_unit, r.state, p.title, p.state FROM committee_resources r JOIN "    \
	"organisations o ON o.id = r.organisation_id LEFT JOIN committee_projects p ON p.id = "    \
	"r.cproject_id "

static void resource_from_row(struct db_stmt *st, struct resource_view *v)
{
	*v = (struct resource_view){
		.id = db_col_int64(st, 0),
		.committee_id = db_col_int64(st, 1),
		.organisation_id = db_col_int64(st, 2),
		.quantity = db_col_int64(st, 3),
		.amount_fen = db_col_int64(st, 4),
		.has_quantity = !db_col_is_null(st, 3),
		.has_amount = !db_col_is_null(st, 4),
		.cproject_id = db_col_int64(st, 5),
		.created_at = db_col_int64(st, 6),
		.updated_at = db_col_int64(st, 7),
		.used_at = db_col_int64(st, 8),
		.org_name = db_col_text(st, 9),
		.org_kind = db_col_text(st, 10),
		.kind = db_col_text(st, 11),
		.title = db_col_text(st, 12),
		.detail = db_col_text(st, 13),
		.quantity_unit = db_col_text(st, 14),
		.state = db_col_text(st, 15),
		.cproject_title = db_col_text(st, 16),
		.cproject_state = db_col_text(st, 17),
	};
}
DB_VIEW_ROWS(resource_row, struct resource_view, resource_fn, resource_from_row)

int cstore_resources(struct db_conn *c, const struct list_filter *f, resource_fn fn, void *ctx)
{
	struct resource_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_I(f->committee_id),
		DB_ARG_T(f->state),
		DB_ARG_T(f->state),
		DB_ARG_T(f->kind),
		DB_ARG_T(f->kind),
		DB_ARG_I(f->organisation_id),
		DB_ARG_I(f->organisation_id),
		DB_ARG_I(f->before),
		DB_ARG_I(f->limit),
	};
#define RESOURCE_WHERE                                                                             \
	"WHERE r.committee_id = ? AND (CAST(? AS TEXT) IS NULL OR r.state = ?) AND (CAST(? AS "    \
	"TEXT) IS NULL OR r.kind = ?) AND (? = 0 OR r.organisation_id = ?) AND r.id < ? "
	int rc = db_each_args(c, resource_row, &r,
			      f->oldest_first
				      ? RESOURCE_SELECT RESOURCE_WHERE "ORDER BY r.id LIMIT ?"
				      : RESOURCE_SELECT RESOURCE_WHERE "ORDER BY r.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));
#undef RESOURCE_WHERE
	return rc < 0 ? rc : 0;
}

int cstore_resource(struct db_conn *c, int64_t committee_id, int64_t id, resource_fn fn, void *ctx)
{
	struct resource_row_call r = { fn, ctx };

	return db_one(c, resource_row, &r, RESOURCE_SELECT "WHERE r.id = ? AND r.committee_id = ?",
		      "ii", id, committee_id);
}

int cstore_project_resources(struct db_conn *c, int64_t cproject_id, resource_fn fn, void *ctx)
{
	struct resource_row_call r = { fn, ctx };
	int rc = db_each(c, resource_row, &r,
			 RESOURCE_SELECT "WHERE r.cproject_id = ? ORDER BY r.id", "i", cproject_id);
	return rc < 0 ? rc : 0;
}

int committee_resource_create(struct db_conn *c, const struct resource_in *in, int64_t *id)
{
	const int money = in->kind && !strcmp(in->kind, "money");
	int64_t now = clock_now();
	int rc;

	if (!resource_kind_valid(in->kind) || (money && in->amount_fen < 1) ||
	    (!money && in->quantity < 1))
		return DB_EMISUSE;
	const struct db_arg args[] = {
		DB_ARG_I(in->committee_id),
		DB_ARG_I(in->organisation_id),
		DB_ARG_T(in->kind),
		DB_ARG_T(in->title),
		DB_ARG_T(in->detail ? in->detail : ""),
		money ? DB_ARG_T(NULL) : DB_ARG_I(in->quantity),
		DB_ARG_T(money || !in->quantity_unit ? "" : in->quantity_unit),
		money ? DB_ARG_I(in->amount_fen) : DB_ARG_T(NULL),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	rc = db_query_int64_args(
		c, id,
		"INSERT INTO committee_resources (committee_id, organisation_id, "
		"kind, title, detail, quantity, quantity_unit, amount_fen, state, "
		"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
		"'available', ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));
	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

/* ---- projects -------------------------------------------------------------- */

#define CPROJECT_SELECT                                                                            \
	"SELECT p.id, p.committee_id, p.project_id, p.created_at, p.updated_at, p.started_at, "    \
	"p.done_at, p.title, p.detail, p.state, x.title, x.state, u.name, x.unit_id FROM "         \
	"committee_projects p LEFT JOIN projects x ON x.id = p.project_id LEFT JOIN units u ON "   \
	"u.id = x.unit_id "

static void cproject_from_row(struct db_stmt *st, struct cproject_view *v)
{
	*v = (struct cproject_view){
		.id = db_col_int64(st, 0),
		.committee_id = db_col_int64(st, 1),
		.project_id = db_col_int64(st, 2),
		.created_at = db_col_int64(st, 3),
		.updated_at = db_col_int64(st, 4),
		.started_at = db_col_int64(st, 5),
		.done_at = db_col_int64(st, 6),
		.title = db_col_text(st, 7),
		.detail = db_col_text(st, 8),
		.state = db_col_text(st, 9),
		.p_title = db_col_text(st, 10),
		.p_state = db_col_text(st, 11),
		.p_unit_name = db_col_text(st, 12),
		.p_unit_id = db_col_int64(st, 13),
	};
}
DB_VIEW_ROWS(cproject_row, struct cproject_view, cproject_fn, cproject_from_row)

int cstore_cprojects(struct db_conn *c, const struct list_filter *f, cproject_fn fn, void *ctx)
{
	struct cproject_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_I(f->committee_id), DB_ARG_T(f->state), DB_ARG_T(f->state),
		DB_ARG_I(f->before),	   DB_ARG_I(f->limit),
	};
	int rc =
		db_each_args(c, cproject_row, &r,
			     CPROJECT_SELECT "WHERE p.committee_id = ? AND (CAST(? AS TEXT) IS "
					     "NULL OR p.state = ?) AND p.id < ? ORDER BY p.id DESC "
					     "LIMIT ?",
			     args, DB_ARGS_N(args));
	return rc < 0 ? rc : 0;
}

int cstore_cproject(struct db_conn *c, int64_t committee_id, int64_t id, cproject_fn fn, void *ctx)
{
	struct cproject_row_call r = { fn, ctx };

	return db_one(c, cproject_row, &r, CPROJECT_SELECT "WHERE p.id = ? AND p.committee_id = ?",
		      "ii", id, committee_id);
}

int cstore_cproject_update(struct db_conn *c, int64_t id, const char *title, const char *detail,
			   int64_t project_id, int64_t now, int64_t *changed)
{
	const struct db_arg args[] = {
		DB_ARG_T(title), DB_ARG_T(detail), id_or_null(project_id),
		DB_ARG_I(now),	 DB_ARG_I(id),
	};
	return db_run_args_changed(
		c, changed,
		"UPDATE committee_projects SET title = ?, detail = ?, project_id "
		"= ?, updated_at = ? WHERE id = ? AND state <> 'done'",
		args, DB_ARGS_N(args));
}

static int count3_row(struct db_stmt *st, void *p)
{
	int64_t *out = p;

	out[0] = db_col_int64(st, 0);
	out[1] = db_col_int64(st, 1);
	out[2] = db_col_int64(st, 2);
	return 0;
}

int cstore_cproject_duty_counts(struct db_conn *c, int64_t id, const char *today, int64_t out[3])
{
	int rc;

	out[0] = out[1] = out[2] = 0;
	rc = db_one(c, count3_row, out,
		    "SELECT COALESCE(SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END), 0), "
		    "COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0), "
		    "COALESCE(SUM(CASE WHEN state = 'open' AND due_date < ? THEN 1 ELSE 0 END), "
		    "0) FROM committee_responsibilities WHERE cproject_id = ?",
		    "ti", today, id);
	return rc < 0 ? rc : 0;
}

int committee_project_create(struct db_conn *c, const struct cproject_in *in, int64_t *id,
			     int64_t *taken_id, char *taken_what)
{
	int64_t now = clock_now(), changed = 0;
	const struct db_arg args[] = {
		DB_ARG_I(in->committee_id),
		DB_ARG_T(in->title),
		DB_ARG_T(in->detail ? in->detail : ""),
		id_or_null(in->project_id),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc =
		db_query_int64_args(c, id,
				    "INSERT INTO committee_projects (committee_id, title, detail, "
				    "state, project_id, created_by, created_at, updated_at) VALUES "
				    "(?, ?, ?, 'planned', ?, ?, ?, ?) RETURNING id",
				    args, DB_ARGS_N(args));

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	*taken_id = 0;
	for (int i = 0; i < in->n_needs; i++) {
		rc = db_run_changed(
			c, &changed,
			"UPDATE committee_needs SET state = 'matched', cproject_id = ?, "
			"updated_at = ? WHERE id = ? AND committee_id = ? AND state = "
			"'open'",
			"iiii", *id, now, in->need_ids[i], in->committee_id);
		if (rc < 0)
			return rc;
		if (changed != 1) {
			*taken_id = in->need_ids[i];
			*taken_what = 'n';
			return DB_EABORT;
		}
	}
	for (int i = 0; i < in->n_resources; i++) {
		rc = db_run_changed(
			c, &changed,
			"UPDATE committee_resources SET state = 'committed', cproject_id "
			"= ?, updated_at = ? WHERE id = ? AND committee_id = ? AND state "
			"= 'available'",
			"iiii", *id, now, in->resource_ids[i], in->committee_id);
		if (rc < 0)
			return rc;
		if (changed != 1) {
			*taken_id = in->resource_ids[i];
			*taken_what = 'r';
			return DB_EABORT;
		}
	}
	return 0;
}

/* ---- responsibilities ------------------------------------------------------ */

#define DUTY_SELECT                                                                                \
	"SELECT d.id, d.committee_id, d.cproject_id, d.need_id, d.organisation_id, d.created_at, " \
	"d.updated_at, d.done_at, p.title, n.title, o.name, d.person, d.task, d.due_date, "        \
	"d.state FROM committee_responsibilities d LEFT JOIN committee_projects p ON p.id = "      \
	"d.cproject_id LEFT JOIN committee_needs n ON n.id = d.need_id LEFT JOIN organisations o " \
	"ON o.id = d.organisation_id "

static void duty_from_row(struct db_stmt *st, struct duty_view *v)
{
	*v = (struct duty_view){
		.id = db_col_int64(st, 0),
		.committee_id = db_col_int64(st, 1),
		.cproject_id = db_col_int64(st, 2),
		.need_id = db_col_int64(st, 3),
		.organisation_id = db_col_int64(st, 4),
		.created_at = db_col_int64(st, 5),
		.updated_at = db_col_int64(st, 6),
		.done_at = db_col_int64(st, 7),
		.cproject_title = db_col_text(st, 8),
		.need_title = db_col_text(st, 9),
		.org_name = db_col_text(st, 10),
		.person = db_col_text(st, 11),
		.task = db_col_text(st, 12),
		.due_date = db_col_text(st, 13),
		.state = db_col_text(st, 14),
	};
}
DB_VIEW_ROWS(duty_row, struct duty_view, duty_fn, duty_from_row)

int cstore_duties(struct db_conn *c, const struct list_filter *f, duty_fn fn, void *ctx)
{
	struct duty_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_I(f->committee_id),    DB_ARG_T(f->state),
		DB_ARG_T(f->state),	      DB_ARG_I(f->overdue),
		DB_ARG_T(f->today),	      DB_ARG_I(f->cproject_id),
		DB_ARG_I(f->cproject_id),     DB_ARG_I(f->need_id),
		DB_ARG_I(f->need_id),	      DB_ARG_I(f->organisation_id),
		DB_ARG_I(f->organisation_id), DB_ARG_I(f->before),
		DB_ARG_I(f->limit),
	};
	int rc = db_each_args(c, duty_row, &r,
			      DUTY_SELECT
			      "WHERE d.committee_id = ? AND (CAST(? AS TEXT) IS NULL OR d.state = "
			      "?) AND (? = 0 OR (d.state = 'open' AND d.due_date < ?)) AND (? = 0 "
			      "OR d.cproject_id = ?) AND (? = 0 OR d.need_id = ?) AND (? = 0 OR "
			      "d.organisation_id = ?) AND d.id < ? ORDER BY d.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));
	return rc < 0 ? rc : 0;
}

int cstore_duty(struct db_conn *c, int64_t committee_id, int64_t id, duty_fn fn, void *ctx)
{
	struct duty_row_call r = { fn, ctx };

	return db_one(c, duty_row, &r, DUTY_SELECT "WHERE d.id = ? AND d.committee_id = ?", "ii",
		      id, committee_id);
}

int committee_duty_create(struct db_conn *c, const struct duty_in *in, int64_t *id)
{
	int64_t now = clock_now();
	const struct db_arg args[] = {
		DB_ARG_I(in->committee_id),
		id_or_null(in->cproject_id),
		id_or_null(in->need_id),
		id_or_null(in->organisation_id),
		DB_ARG_T(in->person ? in->person : ""),
		DB_ARG_T(in->task),
		DB_ARG_T(in->due_date),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc;

	if (!in->cproject_id == !in->need_id)
		return DB_EMISUSE;
	rc = db_query_int64_args(
		c, id,
		"INSERT INTO committee_responsibilities (committee_id, cproject_id, "
		"need_id, organisation_id, person, task, due_date, state, "
		"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
		"'open', ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));
	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

/* ---- state changes ---------------------------------------------------------- */

/* A project done settles what it took: its needs met, its resources used. */
static int project_settle(struct db_conn *c, int64_t id, int64_t now)
{
	int rc = db_run(c,
			"UPDATE committee_needs SET state = 'met', met_at = ?, updated_at = ? "
			"WHERE cproject_id = ? AND state = 'matched'",
			"iii", now, now, id);
	if (rc < 0)
		return rc;
	return db_run(c,
		      "UPDATE committee_resources SET state = 'used', used_at = ?, updated_at = ? "
		      "WHERE cproject_id = ? AND state = 'committed'",
		      "iii", now, now, id);
}

int committee_set_state(struct db_conn *c, int64_t committee_id, enum committee_list list,
			int64_t id, const char *to, int64_t now, int64_t *changed)
{
	/* each: SET state = ?, <its time column> = ?, updated_at = ? WHERE id, committee, state */
	static const char *const sql[] = {
		[CL_NEED] = "UPDATE committee_needs SET state = ?, met_at = ?, updated_at = ? "
			    "WHERE id = ? AND committee_id = ? AND state = ?",
		[CL_RESOURCE] = "UPDATE committee_resources SET state = ?, used_at = ?, "
				"updated_at = ? WHERE id = ? AND committee_id = ? AND state = ?",
		[CL_PROJECT] = "UPDATE committee_projects SET state = ?, started_at = "
			       "COALESCE(started_at, ?), updated_at = ? WHERE id = ? AND "
			       "committee_id = ? AND state = ?",
		[CL_DUTY] = "UPDATE committee_responsibilities SET state = ?, done_at = ?, "
			    "updated_at = ? WHERE id = ? AND committee_id = ? AND state = ?",
	};
	struct item_ref r;
	int rc;

	*changed = 0;
	rc = cstore_item_ref(c, list, id, &r);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	if (r.committee_id != committee_id || !committee_move_ok(list, r.state, to))
		return 0;
	rc = db_run_changed(c, changed, sql[list], "tiiiit", to, now, now, id, committee_id,
			    r.state);
	if (rc < 0 || *changed != 1 || list != CL_PROJECT || strcmp(to, "done"))
		return rc;
	rc = db_run(c, "UPDATE committee_projects SET done_at = ? WHERE id = ?", "ii", now, id);
	return rc < 0 ? rc : project_settle(c, id, now);
}

/* ---- a need's sources --------------------------------------------------------- */

struct paths_out {
	char *unit_path, *handler_path;
	size_t n;
};

static int paths_row(struct db_stmt *st, void *p)
{
	struct paths_out *o = p;
	const char *u = db_col_text(st, 0), *h = db_col_text(st, 1);

	snprintf(o->unit_path, o->n, "%s", u ? u : "");
	snprintf(o->handler_path, o->n, "%s", h ? h : "");
	return 0;
}

int cstore_appeal_paths(struct db_conn *c, int64_t id, char *unit_path, char *handler_path,
			size_t n)
{
	struct paths_out o = { unit_path, handler_path, n };

	return db_one(c, paths_row, &o, "SELECT unit_path, handler_path FROM appeals WHERE id = ?",
		      "i", id);
}
