/*
 * applications_store.c — every SQL statement of online service applications:
 * the catalogue (service_items), the applications (service_applications)
 * and their timelines (service_application_events).
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction (applications_api.c adds the message
 * and the audit row in the same one). Items and timelines come back as the
 * JSON the API shows; applications reach the handlers as a struct app_view
 * (applications_int.h) through a callback, since what the caller may see of
 * them (the answers, masked or not) depends on who asks.
 */
#include "applications/applications_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "org/org.h"

#include <string.h>

/* ---- the catalogue -------------------------------------------------------- */

#define ITEM_SELECT                                                                                \
	"SELECT id, code, name, name_en, guide, materials, form, handling_level, "                 \
	"time_limit_days, active, sort FROM service_items "

static json_t *item_json(struct db_stmt *st)
{
	json_t *o = JB_OBJ(
		jb_int("id", db_col_int64(st, 0)), jb_str("code", db_col_text(st, 1)),
		jb_str("name", db_col_text(st, 2)), jb_str("name_en", db_col_text(st, 3)),
		jb_str("guide", db_col_text(st, 4)), jb_str("handling_level", db_col_text(st, 7)),
		jb_int("time_limit_days", (int)db_col_int64(st, 8)),
		jb_bool("active", (int)db_col_int64(st, 9)),
		jb_int("sort", (int)db_col_int64(st, 10)));
	if (!o)
		return NULL;
	json_t *m = json_loads(db_col_text(st, 5), 0, NULL),
	       *f = json_loads(db_col_text(st, 6), 0, NULL);
	json_object_set_new(o, "materials", m ? m : json_array());
	json_object_set_new(o, "form", f ? f : json_array());
	return o;
}

static int item_row(struct db_stmt *st, void *out)
{
	json_array_append_new(out, item_json(st));
	return 0;
}

int items_store_list(struct db_conn *c, int all, json_t **items)
{
	int rc;

	*items = json_array();
	rc = db_each(c, item_row, *items, ITEM_SELECT "WHERE active = 1 OR ? = 1 ORDER BY sort, id",
		     "i", (int64_t)all);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

int items_store_get(struct db_conn *c, int64_t id, json_t **item)
{
	json_t *rows = json_array();
	int rc = db_each(c, item_row, rows, ITEM_SELECT "WHERE id = ?", "i", id);

	*item = rc < 0 ? NULL : json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return rc < 0 ? rc : *item ? DB_ROW : DB_DONE;
}

int items_store_insert(struct db_conn *c, const struct item_in *in, const char *materials,
		       const char *form, int64_t now, int64_t *id)
{
	int rc = db_query_int64(c, id,
				"INSERT INTO service_items (code, name, name_en, guide, materials, "
				"form, handling_level, time_limit_days, sort, created_at, "
				"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				"tttttttiiii", in->code, in->name, in->name_en ? in->name_en : "",
				in->guide ? in->guide : "", materials, form, in->level, in->days,
				in->sort, now, now);

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int items_store_update(struct db_conn *c, int64_t id, const struct item_in *in,
		       const char *materials, const char *form, int64_t now)
{
	const struct db_arg args[] = {
		DB_ARG_T(in->name),  DB_ARG_T(in->name_en), DB_ARG_T(in->guide),
		DB_ARG_T(materials), DB_ARG_T(form),	    DB_ARG_T(in->level),
		DB_ARG_I(in->days),  DB_ARG_I(in->days),    DB_ARG_I(in->has_sort),
		DB_ARG_I(in->sort),  DB_ARG_I(in->active),  DB_ARG_I(in->active),
		DB_ARG_I(now),	     DB_ARG_I(id),
	};

	return db_run_args(c,
			   "UPDATE service_items SET name = COALESCE(?, name), name_en = "
			   "COALESCE(?, name_en), guide = COALESCE(?, guide), materials = "
			   "COALESCE(?, materials), form = COALESCE(?, form), handling_level = "
			   "COALESCE(?, handling_level), time_limit_days = CASE WHEN ? > 0 THEN ? "
			   "ELSE time_limit_days END, sort = CASE WHEN ? = 1 THEN ? ELSE sort END, "
			   "active = CASE WHEN ? >= 0 THEN ? ELSE active END, updated_at = ? "
			   "WHERE id = ?",
			   args, DB_ARGS_N(args));
}

/* ---- applications ---------------------------------------------------------- */

#define APP_SELECT                                                                                 \
	"SELECT a.id, a.item_id, i.code, i.name, a.status, a.account_id, acc.display_name, "       \
	"a.handler_unit_id, u.name, a.created_at, a.due_at, a.version, a.handler_path, "           \
	"a.form_enc, a.attachments, i.form FROM service_applications a "                           \
	"JOIN service_items i ON i.id = a.item_id JOIN accounts acc ON acc.id = a.account_id "     \
	"JOIN units u ON u.id = a.handler_unit_id "

static void view_from_row(struct db_stmt *st, struct app_view *v)
{
	memset(v, 0, sizeof *v);
	v->id = db_col_int64(st, 0);
	v->item_id = db_col_int64(st, 1);
	v->item_code = db_col_text(st, 2);
	v->item_name = db_col_text(st, 3);
	v->status = db_col_text(st, 4);
	v->account_id = db_col_int64(st, 5);
	v->applicant_name = db_col_text(st, 6);
	v->handler_unit_id = db_col_int64(st, 7);
	v->handler_name = db_col_text(st, 8);
	v->created_at = db_col_int64(st, 9);
	v->due_at = db_col_int64(st, 10);
	v->version = db_col_int64(st, 11);
	v->handler_path = db_col_text(st, 12);
	v->form_enc = db_col_blob(st, 13, &v->form_enc_n);
	v->attachments = db_col_text(st, 14);
	v->item_form = db_col_text(st, 15);
}

/* The caller's callback for the rows read (view and list). */
DB_VIEW_ROWS(view_row, struct app_view, app_view_fn, view_from_row)

int apps_store_view(struct db_conn *c, int64_t id, app_view_fn fn, void *ctx)
{
	struct view_row_call k = { fn, ctx };

	return db_one(c, view_row, &k, APP_SELECT "WHERE a.id = ?", "i", id);
}

int apps_store_list(struct db_conn *c, const struct app_filter *f, app_view_fn fn, void *ctx)
{
	struct view_row_call k = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_T(f->lo),      DB_ARG_T(f->hi),	       DB_ARG_I(f->before),
		DB_ARG_I(f->own),     DB_ARG_I(f->account_id), DB_ARG_I(f->item_id),
		DB_ARG_I(f->item_id), DB_ARG_T(f->status),     DB_ARG_T(f->status),
		DB_ARG_T(f->status),  DB_ARG_I(f->limit),
	};

	return db_each_args(c, view_row, &k,
			    APP_SELECT
			    "WHERE a.handler_path >= ? AND a.handler_path < ? AND a.id < ? "
			    "AND (? = 0 OR a.account_id = ?) AND (? = 0 OR a.item_id = ?) "
			    "AND (CAST(? AS TEXT) IS NULL OR a.status = ? OR (? = 'open' "
			    "AND a.status IN ('submitted', 'accepted', 'needs_material', "
			    "'approved'))) ORDER BY a.id DESC LIMIT ?",
			    args, DB_ARGS_N(args));
}

static int event_row(struct db_stmt *st, void *out)
{
	char b[32];
	json_t *att = json_loads(db_col_text(st, 4), 0, NULL);

	json_array_append_new(
		out, JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_str("action", db_col_text(st, 1)),
			    jb_str("actor", db_col_text(st, 2)), jb_str("note", db_col_text(st, 3)),
			    jb_take("attachments", att ? att : json_array()),
			    jb_str("at", clock_format_shanghai(db_col_int64(st, 5), b))));
	return 0;
}

int apps_store_timeline(struct db_conn *c, int64_t id, json_t **out)
{
	int rc;

	*out = json_array();
	rc = db_each(c, event_row, *out,
		     "SELECT e.id, e.action, COALESCE(x.display_name, ''), e.note, e.attachments, "
		     "e.created_at FROM service_application_events e LEFT JOIN accounts x ON "
		     "x.id = e.actor_id WHERE e.application_id = ? ORDER BY e.id",
		     "i", id);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int apps_store_insert(struct db_conn *c, const struct app_new *a, int64_t *id)
{
	int rc = db_query_int64(
		c, id,
		"INSERT INTO service_applications (item_id, account_id, resident_id, "
		"unit_path, handler_unit_id, handler_path, form_enc, attachments, "
		"status, due_at, created_at, updated_at) VALUES (?, ?, "
		"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, 'submitted', ?, ?, ?) "
		"RETURNING id",
		"iiititbtiii", a->item_id, a->account_id,
		a->resident_id > 0 ? a->resident_id : (int64_t)0, a->unit_path, a->handler_unit_id,
		a->handler_path, (const void *)a->form_enc, a->form_enc_n, a->attachments, a->due,
		a->now, a->now);

	return rc == DB_ROW ? 0 : rc;
}

int apps_store_set_status(struct db_conn *c, int64_t id, const char *from, int64_t version,
			  const char *to, const unsigned char *form_enc, size_t form_enc_n,
			  int64_t now, int64_t *changed)
{
	if (form_enc)
		return db_run_changed(
			c, changed,
			"UPDATE service_applications SET status = ?, version = version + 1, "
			"updated_at = ?, form_enc = ? WHERE id = ? AND status = ? AND "
			"version = ?",
			"tibiti", to, now, (const void *)form_enc, form_enc_n, id, from, version);
	return db_run_changed(c, changed,
			      "UPDATE service_applications SET status = ?, version = version + 1, "
			      "updated_at = ? WHERE id = ? AND status = ? AND version = ?",
			      "tiiti", to, now, id, from, version);
}

int apps_store_add_event(struct db_conn *c, int64_t id, const char *action, int64_t actor,
			 const char *note, const char *attachments, int64_t now)
{
	return db_run(c,
		      "INSERT INTO service_application_events (application_id, action, actor_id, "
		      "note, attachments, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		      "ititti", id, action, actor, note ? note : "",
		      attachments ? attachments : "[]", now);
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("service_applications", "unit_path"),
	DB_PATH_MOVED("service_applications", "handler_path"),
};
static const char *const unit_use_sql[] = {
	DB_COUNT_EQ("service_applications", "handler_unit_id"),
};

const struct org_unit_hooks applications_unit_hooks = { "applications", ORG_HOOK_SQL(unit_path_sql),
							ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
