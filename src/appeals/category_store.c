/*
 * category_store.c — every statement about appeal categories.
 */
#include "appeals/appeals_int.h"

#include "core/jbuild.h"
#include "db/store.h"

#include <stdio.h>
#include <string.h>

#define CATEGORY_SELECT                                                                            \
	"SELECT id, code, name, name_en, level, accept_amount, accept_unit, handle_amount, "       \
	"handle_unit, active, sort FROM appeal_categories "

static int category_from_row(struct db_stmt *st, void *p)
{
	struct category *out = p;

	memset(out, 0, sizeof *out);
	out->id = db_col_int64(st, 0);
	snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 1));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 2));
	out->level = category_level_parse(db_col_text(st, 4));
	out->accept_amount = (int)db_col_int64(st, 5);
	out->accept_workdays = !strcmp(db_col_text(st, 6), "workdays");
	out->handle_amount = (int)db_col_int64(st, 7);
	out->handle_workdays = !strcmp(db_col_text(st, 8), "workdays");
	out->active = (int)db_col_int64(st, 9);
	return 0;
}

int category_get(struct db_conn *c, int64_t id, struct category *out)
{
	return db_one(c, category_from_row, out, CATEGORY_SELECT "WHERE id = ?", "i", id);
}

int category_get_by_code(struct db_conn *c, const char *code, struct category *out)
{
	return db_one(c, category_from_row, out, CATEGORY_SELECT "WHERE code = ?", "t", code);
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

static int category_item(struct db_stmt *st, void *items)
{
	json_array_append_new(items, category_json(st));
	return 0;
}

int category_store_list(struct db_conn *c, int all, json_t **items)
{
	int rc;

	*items = json_array();
	rc = db_each(c, category_item, *items,
		     CATEGORY_SELECT "WHERE active = 1 OR ? = 1 ORDER BY sort, id", "i",
		     (int64_t)all);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

int category_store_insert(struct db_conn *c, const struct category_in *in, int64_t now, int64_t *id)
{
	int rc = db_query_int64(c, id,
				"INSERT INTO appeal_categories (code, name, name_en, level, "
				"accept_amount, accept_unit, handle_amount, handle_unit, sort, "
				"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				"RETURNING id",
				"ttttititiii", in->code, in->name, in->name_en ? in->name_en : "",
				in->level, in->accept_amount, in->accept_unit, in->handle_amount,
				in->handle_unit, in->sort, now, now);

	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR); /* no row back from RETURNING: an error */
}

int category_store_update(struct db_conn *c, int64_t id, const struct category_in *in, int64_t now)
{
	int rc = db_run(c,
			"UPDATE appeal_categories SET name = COALESCE(?, name), name_en = "
			"COALESCE(?, name_en), level = COALESCE(?, level), accept_amount = "
			"CASE WHEN ? > 0 THEN ? ELSE accept_amount END, accept_unit = "
			"COALESCE(?, accept_unit), handle_amount = CASE WHEN ? > 0 THEN ? ELSE "
			"handle_amount END, handle_unit = COALESCE(?, handle_unit), active = "
			"CASE WHEN ? >= 0 THEN ? ELSE active END, sort = CASE WHEN ? >= 0 THEN "
			"? ELSE sort END, updated_at = ? WHERE id = ?",
			"tttiitiitiiiiii", in->name, in->name_en, in->level, in->accept_amount,
			in->accept_amount, in->accept_unit, in->handle_amount, in->handle_amount,
			in->handle_unit, (int64_t)in->active, (int64_t)in->active, in->sort,
			in->sort, now, id);

	if (rc == 0 && db_changes(c) == 0)
		rc = DB_DONE;
	return rc;
}
