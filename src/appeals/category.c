/*
 * category.c — appeal categories: default handling level and deadlines.
 *
 *   GET   /api/v1/appeal-categories            (anyone: the report form needs them)
 *   POST  /api/v1/appeal-categories            {code, name, name_en?, level, accept:{amount,unit},
 * handle:{amount,unit}} PATCH /api/v1/appeal-categories/:id        any of name, name_en, level,
 * accept, handle, active, sort
 */
#include "appeals/appeals_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"

#include <stdio.h>
#include <string.h>

static const char *const level_names[] = { "grid", "community", "street", "department" };

static int level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, level_names[i]))
			return i;
	return -1;
}

#define CATEGORY_SELECT                                                                            \
	"SELECT id, code, name, name_en, level, accept_amount, accept_unit, handle_amount, "       \
	"handle_unit, active, sort FROM appeal_categories "

static void category_from_row(struct db_stmt *st, struct category *out)
{
	memset(out, 0, sizeof *out);
	out->id = db_col_int64(st, 0);
	snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 1));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 2));
	out->level = level_parse(db_col_text(st, 4));
	out->accept_amount = (int)db_col_int64(st, 5);
	out->accept_workdays = !strcmp(db_col_text(st, 6), "workdays");
	out->handle_amount = (int)db_col_int64(st, 7);
	out->handle_workdays = !strcmp(db_col_text(st, 8), "workdays");
	out->active = (int)db_col_int64(st, 9);
}

static int category_query(struct db_conn *c, const char *sql, int64_t id, const char *code,
			  struct category *out)
{
	struct db_stmt *st;
	int rc = db_prepare(c, sql, &st);

	if (rc < 0)
		return rc;
	if (code)
		db_bind_text(st, 1, code, -1);
	else
		db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		category_from_row(st, out);
	db_reset(st);
	return rc;
}

int category_get(struct db_conn *c, int64_t id, struct category *out)
{
	return category_query(c, CATEGORY_SELECT "WHERE id = ?", id, NULL, out);
}

int category_get_by_code(struct db_conn *c, const char *code, struct category *out)
{
	return category_query(c, CATEGORY_SELECT "WHERE code = ?", 0, code, out);
}

static json_t *category_json(struct db_stmt *st)
{
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_str("code", db_col_text(st, 1)),
		      jb_str("name", db_col_text(st, 2)), jb_str("name_en", db_col_text(st, 3)),
		      jb_str("level", db_col_text(st, 4)),
		      jb_take("accept_deadline", JB_OBJ(jb_int("amount", db_col_int64(st, 5)),
							jb_str("unit", db_col_text(st, 6)))),
		      jb_take("handle_deadline", JB_OBJ(jb_int("amount", db_col_int64(st, 7)),
							jb_str("unit", db_col_text(st, 8)))),
		      jb_bool("active", (int)db_col_int64(st, 9)),
		      jb_int("sort", db_col_int64(st, 10)));
}

static void list_categories(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *all = req_query(req, "all");
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c)
		return;
	if (db_prepare(c, CATEGORY_SELECT "WHERE active = 1 OR ? = 1 ORDER BY sort, id", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, all && !strcmp(all, "1"));
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, category_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

/* A deadline object {"amount": N, "unit": "hours"|"workdays"}: 0, 1 absent, -1 answered. */
static int deadline_or_reply(struct req *req, const char *field, int required, int64_t *amount,
			     const char **unit)
{
	json_t *o = json_object_get(req->json, field);

	if (!o) {
		if (required)
			reply_invalid(req, field, "required: {\"amount\": N, \"unit\": \"hours\"}");
		return required ? -1 : 1;
	}
	if (!json_is_object(o) || json_get_int_or_reply(req, o, "amount", 1, 1, 24 * 365, amount) ||
	    json_get_str_or_reply(req, o, "unit", 1, 10, unit)) {
		if (!json_is_object(o))
			reply_invalid(req, field, "an object {\"amount\": N, \"unit\": ...}");
		return -1;
	}
	if (strcmp(*unit, "hours") && strcmp(*unit, "workdays")) {
		reply_invalid(req, field, "unit must be hours or workdays");
		return -1;
	}
	if (!strcmp(*unit, "workdays") && *amount > 365) {
		reply_invalid(req, field, "at most 365 working days");
		return -1;
	}
	return 0;
}

struct category_new {
	struct req *req;
	const char *code, *name, *name_en, *level, *au, *hu;
	int64_t aa, ha, sort, now;
	int64_t id; /* out */
};

static int create_category_tx(struct db_conn *c, void *ctx)
{
	struct category_new *x = ctx;
	int rc = db_query_int64(c, &x->id,
				"INSERT INTO appeal_categories (code, name, name_en, level, "
				"accept_amount, accept_unit, handle_amount, handle_unit, sort, "
				"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				"RETURNING id",
				"ttttititiii", x->code, x->name, x->name_en ? x->name_en : "",
				x->level, x->aa, x->au, x->ha, x->hu, x->sort, x->now, x->now);

	rc = rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR); /* no row back from RETURNING: an error */
	if (rc == 0)
		rc = audit_write(x->req, c, "category.create", "appeal_category", x->id, NULL);
	return rc;
}

static void create_category(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct category_new x = { .req = req, .name_en = "", .sort = 1000, .now = clock_now() };
	int rc;

	if (!c || json_get_str_or_reply(req, req->json, "code", 1, 40, &x.code) ||
	    json_get_str_or_reply(req, req->json, "name", 1, 60, &x.name) ||
	    json_get_str_or_reply(req, req->json, "name_en", 0, 80, &x.name_en) < 0 ||
	    json_get_str_or_reply(req, req->json, "level", 1, 20, &x.level) ||
	    json_get_int_or_reply(req, req->json, "sort", 0, 0, 1000000, &x.sort) < 0 ||
	    deadline_or_reply(req, "accept_deadline", 1, &x.aa, &x.au) ||
	    deadline_or_reply(req, "handle_deadline", 1, &x.ha, &x.hu))
		return;
	if (!*x.code || strspn(x.code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(x.code)) {
		reply_invalid(req, "code", "lower-case letters, digits and '_'");
		return;
	}
	if (!*x.name) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (level_parse(x.level) < 0) {
		reply_invalid(req, "level", "grid, community, street or department");
		return;
	}
	rc = db_tx_run(c, create_category_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("code", x.code), jb_str("name", x.name)));
}

struct category_change {
	struct req *req;
	const char *name, *name_en, *level, *au, *hu;
	int64_t id, aa, ha, sort;
	int active;
};

/* DB_EABORT: no such category */
static int update_category_tx(struct db_conn *c, void *ctx)
{
	struct category_change *x = ctx;
	int rc = db_run(c,
			"UPDATE appeal_categories SET name = COALESCE(?, name), name_en = "
			"COALESCE(?, name_en), level = COALESCE(?, level), accept_amount = "
			"CASE WHEN ? > 0 THEN ? ELSE accept_amount END, accept_unit = "
			"COALESCE(?, accept_unit), handle_amount = CASE WHEN ? > 0 THEN ? ELSE "
			"handle_amount END, handle_unit = COALESCE(?, handle_unit), active = "
			"CASE WHEN ? >= 0 THEN ? ELSE active END, sort = CASE WHEN ? >= 0 THEN "
			"? ELSE sort END, updated_at = ? WHERE id = ?",
			"tttiitiitiiiiii", x->name, x->name_en, x->level, x->aa, x->aa, x->au,
			x->ha, x->ha, x->hu, (int64_t)x->active, (int64_t)x->active, x->sort,
			x->sort, clock_now(), x->id);

	if (rc == 0 && db_changes(c) == 0)
		return DB_EABORT;
	if (rc == 0)
		rc = audit_write(x->req, c, "category.update", "appeal_category", x->id, NULL);
	return rc;
}

static void update_category(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *name = NULL, *name_en = NULL, *level = NULL, *au = NULL, *hu = NULL;
	int64_t id, aa = 0, ha = 0, sort = -1;
	int active = -1, rc;
	struct category_change x;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    json_get_str_or_reply(req, req->json, "name", 0, 60, &name) < 0 ||
	    json_get_str_or_reply(req, req->json, "name_en", 0, 80, &name_en) < 0 ||
	    json_get_str_or_reply(req, req->json, "level", 0, 20, &level) < 0 ||
	    json_get_int_or_reply(req, req->json, "sort", 0, 0, 1000000, &sort) < 0 ||
	    json_get_bool_or_reply(req, req->json, "active", 0, &active) < 0 ||
	    deadline_or_reply(req, "accept_deadline", 0, &aa, &au) < 0 ||
	    deadline_or_reply(req, "handle_deadline", 0, &ha, &hu) < 0)
		return;
	if (name && !*name) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (level && level_parse(level) < 0) {
		reply_invalid(req, "level", "grid, community, street or department");
		return;
	}
	x = (struct category_change){ req, name, name_en, level, au, hu, id, aa, ha, sort, active };
	rc = db_tx_run(c, update_category_tx, &x);
	if (rc == DB_EABORT)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

const struct route category_routes[] = {
	{ "GET", "/api/v1/appeal-categories", list_categories, 0, NULL, 0 },
	{ "POST", "/api/v1/appeal-categories", create_category, R_JSON, "category:write", 0 },
	{ "PATCH", "/api/v1/appeal-categories/:id", update_category, R_JSON, "category:write", 0 },
	{ 0 },
};
