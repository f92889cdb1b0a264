/*
 * roster_store.c — every SQL statement about the representative roster and
 * the meeting types' settings, and the unit hooks of the module.
 *
 * One function per statement, bound parameters only; writes run inside the
 * caller's transaction. The phone is stored sealed (phone_enc) beside its
 * mask; nothing here opens it. Whether an account exists is read from the
 * accounts table directly: auth.h has no reader for it (a debt, as in
 * ARCHITECTURE.md's "statements in the store of the module that uses the
 * table").
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

/* ---- meeting types ------------------------------------------------------------ */

static void type_from_row(struct db_stmt *st, struct meeting_type_view *v)
{
	*v = (struct meeting_type_view){
		.type = db_col_text(st, 0),
		.quorum_pct = db_col_int64(st, 1),
		.pass_pct = db_col_int64(st, 2),
		.updated_at = db_col_int64(st, 3),
	};
}
DB_VIEW_ROWS(type_row, struct meeting_type_view, meeting_type_fn, type_from_row)

int mt_store_types(struct db_conn *c, meeting_type_fn fn, void *ctx)
{
	struct type_row_call r = { fn, ctx };
	int rc = db_each(c, type_row, &r,
			 "SELECT type, quorum_pct, pass_pct, updated_at FROM meeting_types", "");

	return rc < 0 ? rc : 0;
}

int mt_store_type(struct db_conn *c, const char *type, meeting_type_fn fn, void *ctx)
{
	struct type_row_call r = { fn, ctx };

	return db_one(c, type_row, &r,
		      "SELECT type, quorum_pct, pass_pct, updated_at FROM meeting_types WHERE "
		      "type = ?",
		      "t", type);
}

int mt_store_type_set(struct db_conn *c, const char *type, int64_t quorum_pct, int64_t pass_pct,
		      int64_t by, int64_t now)
{
	const struct db_arg args[] = {
		DB_ARG_I(quorum_pct), DB_ARG_I(pass_pct), by ? DB_ARG_I(by) : DB_ARG_T(NULL),
		DB_ARG_I(now),	      DB_ARG_T(type),
	};
	return db_run_args(c,
			   "UPDATE meeting_types SET quorum_pct = ?, pass_pct = ?, updated_by = ?, "
			   "updated_at = ? WHERE type = ?",
			   args, DB_ARGS_N(args));
}

/* ---- representatives ------------------------------------------------------------ */

#define REP_SELECT                                                                                 \
	"SELECT r.id, r.unit_id, r.account_id, r.active, r.created_at, r.updated_at, "             \
	"r.unit_path, u.name, r.name, r.kind, r.organisation, r.phone_mask "                       \
	"FROM representatives r JOIN units u ON u.id = r.unit_id "

static void rep_from_row(struct db_stmt *st, struct rep_view *v)
{
	*v = (struct rep_view){
		.id = db_col_int64(st, 0),
		.unit_id = db_col_int64(st, 1),
		.account_id = db_col_int64(st, 2),
		.active = db_col_int64(st, 3),
		.created_at = db_col_int64(st, 4),
		.updated_at = db_col_int64(st, 5),
		.unit_path = db_col_text(st, 6),
		.unit_name = db_col_text(st, 7),
		.name = db_col_text(st, 8),
		.kind = db_col_text(st, 9),
		.organisation = db_col_text(st, 10),
		.phone_mask = db_col_text(st, 11),
	};
}
DB_VIEW_ROWS(rep_row, struct rep_view, rep_fn, rep_from_row)

int rep_store_get(struct db_conn *c, int64_t id, rep_fn fn, void *ctx)
{
	struct rep_row_call r = { fn, ctx };

	return db_one(c, rep_row, &r, REP_SELECT "WHERE r.id = ?", "i", id);
}

int rep_store_list(struct db_conn *c, const struct rep_filter *f, rep_fn fn, void *ctx)
{
	struct rep_row_call r = { fn, ctx };
	char like[512];

	if (f->q)
		db_like_pattern(f->q, 0, like, sizeof like);
	const struct db_arg args[] = {
		DB_ARG_I(f->unit_id),
		DB_ARG_I(f->unit_id),
		DB_ARG_I(f->unit_id),
		DB_ARG_T(f->lo),
		DB_ARG_T(f->hi),
		DB_ARG_T(f->kind),
		DB_ARG_T(f->kind),
		DB_ARG_I(f->active),
		DB_ARG_I(f->active),
		DB_ARG_T(f->q ? like : NULL),
		DB_ARG_T(f->q ? like : NULL),
		DB_ARG_I(f->after),
		DB_ARG_I(f->limit),
	};
	int rc = db_each_args(c, rep_row, &r,
			      REP_SELECT
			      "WHERE ((? <> 0 AND r.unit_id = ?) OR (? = 0 AND "
			      "r.unit_path >= ? AND r.unit_path < ?)) "
			      "AND (CAST(? AS TEXT) IS NULL OR r.kind = ?) "
			      "AND (? < 0 OR r.active = ?) "
			      "AND (CAST(? AS TEXT) IS NULL OR r.name LIKE ? ESCAPE '\\') "
			      "AND r.id > ? ORDER BY r.id LIMIT ?",
			      args, DB_ARGS_N(args));

	return rc < 0 ? rc : 0;
}

int rep_store_insert(struct db_conn *c, const struct representative_in *in, const char *unit_path,
		     const unsigned char *phone_enc, size_t phone_len, const char *phone_mask,
		     int64_t now, int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(in->unit_id),
		DB_ARG_T(unit_path),
		DB_ARG_T(in->name),
		DB_ARG_T(in->kind),
		DB_ARG_T(in->organisation ? in->organisation : ""),
		in->account_id ? DB_ARG_I(in->account_id) : DB_ARG_T(NULL),
		DB_ARG_I(in->active ? 1 : 0),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO representatives (unit_id, unit_path, name, kind, organisation, "
		"account_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id",
		args, DB_ARGS_N(args));

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	if (!phone_enc)
		return 0;
	return db_run(c, "UPDATE representatives SET phone_enc = ?, phone_mask = ? WHERE id = ?",
		      "bti", phone_enc, phone_len, phone_mask, *id);
}

int rep_store_update(struct db_conn *c, int64_t id, const struct rep_edit *e, int64_t now)
{
	const struct db_arg args[] = {
		DB_ARG_T(e->name),
		DB_ARG_T(e->kind),
		DB_ARG_T(e->organisation ? e->organisation : ""),
		e->account_id ? DB_ARG_I(e->account_id) : DB_ARG_T(NULL),
		DB_ARG_I(e->active ? 1 : 0),
		DB_ARG_I(now),
		DB_ARG_I(id),
	};
	int rc = db_run_args(c,
			     "UPDATE representatives SET name = ?, kind = ?, organisation = ?, "
			     "account_id = ?, active = ?, updated_at = ? WHERE id = ?",
			     args, DB_ARGS_N(args));

	if (rc < 0 || !e->phone_set)
		return rc;
	if (!e->phone_enc)
		return db_run(c,
			      "UPDATE representatives SET phone_enc = NULL, phone_mask = NULL "
			      "WHERE id = ?",
			      "i", id);
	return db_run(c, "UPDATE representatives SET phone_enc = ?, phone_mask = ? WHERE id = ?",
		      "bti", e->phone_enc, e->phone_len, e->phone_mask, id);
}

int rep_store_account_taken(struct db_conn *c, int64_t unit_id, int64_t account_id,
			    int64_t except_id, int *taken)
{
	int64_t n = 0;
	int rc = db_query_int64(c, &n,
				"SELECT COUNT(*) FROM representatives WHERE unit_id = ? AND "
				"account_id = ? AND id <> ?",
				"iii", unit_id, account_id, except_id);

	*taken = n > 0;
	return rc < 0 ? rc : 0;
}

int rep_store_account_exists(struct db_conn *c, int64_t id, int *found)
{
	int rc = db_one(c, NULL, NULL, "SELECT 1 FROM accounts WHERE id = ?", "i", id);

	*found = rc == DB_ROW;
	return rc < 0 ? rc : 0;
}

/* ---- under units ------------------------------------------------------------------ */

static const char *const path_sql[] = {
	DB_PATH_MOVED("representatives", "unit_path"),
	DB_PATH_MOVED("meetings", "unit_path"),
};
static const char *const use_sql[] = {
	DB_COUNT_EQ("representatives", "unit_id"),
	DB_COUNT_EQ("meetings", "unit_id"),
};
const struct org_unit_hooks meetings_unit_hooks = {
	.name = "meetings",
	.path_sql = path_sql,
	.n_path = sizeof path_sql / sizeof *path_sql,
	.use_sql = use_sql,
	.n_use = sizeof use_sql / sizeof *use_sql,
};
