/*
 * commitments_store.c — every SQL statement about commitment lists and
 * their items: reads with their rates, inserts, the supervision list, the
 * per-community counts behind completion rates, and the unit hooks.
 *
 * One function per statement, bound parameters only; writes run inside the
 * caller's db_tx_run() transaction. Overdue is the same rule everywhere:
 * `status <> 'done' AND due_date < today`, today the caller's Shanghai date
 * (YYYY-MM-DD texts compare in date order), bound first in each statement
 * that needs it. Optional filters are written as `(? = 0 OR …)` so that no
 * statement is assembled from pieces.
 */
#include "commitments/commitments.h"
#include "commitments/commitments_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

/* ---- lists ----------------------------------------------------------------- */

#define OVERDUE_SQL(i) i ".status <> 'done' AND " i ".due_date < ?"

/* Bind: today. */
#define LIST_SELECT                                                                                \
	"SELECT l.id, l.unit_id, l.created_at, l.unit_path, u.code, u.name, l.term_start, "        \
	"l.term_end, l.title, "                                                                    \
	"(SELECT COUNT(*) FROM commitment_items i WHERE i.list_id = l.id), "                       \
	"(SELECT COUNT(*) FROM commitment_items i WHERE i.list_id = l.id AND i.status = 'done'), " \
	"(SELECT COUNT(*) FROM commitment_items i WHERE i.list_id = l.id AND " OVERDUE_SQL(        \
		"i") ") FROM commitment_lists l JOIN units u ON u.id = l.unit_id "

static void list_from_row(struct db_stmt *st, struct clist_view *v)
{
	*v = (struct clist_view){
		.id = db_col_int64(st, 0),
		.unit_id = db_col_int64(st, 1),
		.created_at = db_col_int64(st, 2),
		.unit_path = db_col_text(st, 3),
		.unit_code = db_col_text(st, 4),
		.unit_name = db_col_text(st, 5),
		.term_start = db_col_text(st, 6),
		.term_end = db_col_text(st, 7),
		.title = db_col_text(st, 8),
		.rate = { db_col_int64(st, 9), db_col_int64(st, 10), db_col_int64(st, 11) },
	};
}

DB_VIEW_ROWS(list_row, struct clist_view, clist_fn, list_from_row)

int clists_store_get(struct db_conn *c, int64_t id, const char *today, clist_fn fn, void *ctx)
{
	struct list_row_call k = { fn, ctx };

	return db_one(c, list_row, &k, LIST_SELECT "WHERE l.id = ?", "ti", today, id);
}

int clists_store_list(struct db_conn *c, const char *lo, const char *hi, int64_t after,
		      int64_t limit, const char *today, clist_fn fn, void *ctx)
{
	struct list_row_call k = { fn, ctx };
	int rc = db_each(c, list_row, &k,
			 LIST_SELECT "WHERE l.unit_path >= ? AND l.unit_path < ? AND l.id > ? "
				     "ORDER BY l.id LIMIT ?",
			 "tttii", today, lo, hi, after, limit);

	return rc < 0 ? rc : 0;
}

int clists_store_of_unit(struct db_conn *c, int64_t unit_id, const char *today, clist_fn fn,
			 void *ctx)
{
	struct list_row_call k = { fn, ctx };
	int rc = db_each(c, list_row, &k,
			 LIST_SELECT "WHERE l.unit_id = ? ORDER BY l.term_start DESC, l.id DESC",
			 "ti", today, unit_id);

	return rc < 0 ? rc : 0;
}

int clists_store_insert(struct db_conn *c, const struct clist_in *in, int64_t *id)
{
	struct db_arg a[] = {
		DB_ARG_I(in->unit_id),	DB_ARG_T(in->unit_path), DB_ARG_T(in->term_start),
		DB_ARG_T(in->term_end), DB_ARG_T(in->title),	 DB_ARG_I(in->created_by),
		DB_ARG_I(in->is_demo),	DB_ARG_I(in->now),	 DB_ARG_I(in->now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO commitment_lists (unit_id, unit_path, term_start, "
		"term_end, title, created_by, is_demo, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?) RETURNING id",
		a, DB_ARGS_N(a));

	return rc == DB_ROW ? 0 : rc;
}

/* ---- items ----------------------------------------------------------------- */

/* Bind: today. */
#define ITEM_SELECT                                                                                \
	"SELECT i.id, i.list_id, i.unit_id, i.member_account_id, i.percent, i.created_at, "        \
	"i.updated_at, i.verified_at, i.verified_by, i.unit_path, u.code, u.name, "                \
	"i.member_name, i.member_post, i.title, i.detail, i.category, i.target, i.due_date, "      \
	"i.status, i.return_reason, a.display_name, "                                              \
	"CASE WHEN " OVERDUE_SQL(                                                                  \
		"i") " THEN 1 ELSE 0 END, "                                                        \
		     "(SELECT COUNT(*) FROM commitment_comments k WHERE k.item_id = i.id AND "     \
		     "k.kind = 'comment'), "                                                       \
		     "(SELECT COUNT(*) FROM commitment_comments k WHERE k.item_id = i.id AND "     \
		     "k.kind = 'objection') "                                                      \
		     "FROM commitment_items i JOIN units u ON u.id = i.unit_id "                   \
		     "LEFT JOIN accounts a ON a.id = i.verified_by "

static void item_from_row(struct db_stmt *st, struct citem_view *v)
{
	*v = (struct citem_view){
		.id = db_col_int64(st, 0),
		.list_id = db_col_int64(st, 1),
		.unit_id = db_col_int64(st, 2),
		.member_account_id = db_col_int64(st, 3),
		.percent = db_col_int64(st, 4),
		.created_at = db_col_int64(st, 5),
		.updated_at = db_col_int64(st, 6),
		.verified_at = db_col_int64(st, 7),
		.verified_by = db_col_int64(st, 8),
		.unit_path = db_col_text(st, 9),
		.unit_code = db_col_text(st, 10),
		.unit_name = db_col_text(st, 11),
		.member_name = db_col_text(st, 12),
		.member_post = db_col_text(st, 13),
		.title = db_col_text(st, 14),
		.detail = db_col_text(st, 15),
		.category = db_col_text(st, 16),
		.target = db_col_text(st, 17),
		.due_date = db_col_text(st, 18),
		.status = db_col_text(st, 19),
		.return_reason = db_col_text(st, 20),
		.verified_by_name = db_col_text(st, 21),
		.overdue = (int)db_col_int64(st, 22),
		.comments = db_col_int64(st, 23),
		.objections = db_col_int64(st, 24),
	};
}

DB_VIEW_ROWS(item_row, struct citem_view, citem_fn, item_from_row)

int citems_store_get(struct db_conn *c, int64_t id, const char *today, citem_fn fn, void *ctx)
{
	struct item_row_call k = { fn, ctx };

	return db_one(c, item_row, &k, ITEM_SELECT "WHERE i.id = ?", "ti", today, id);
}

int citems_store_of_list(struct db_conn *c, int64_t list_id, const char *today, citem_fn fn,
			 void *ctx)
{
	struct item_row_call k = { fn, ctx };
	int rc = db_each(c, item_row, &k, ITEM_SELECT "WHERE i.list_id = ? ORDER BY i.id", "ti",
			 today, list_id);

	return rc < 0 ? rc : 0;
}

int citems_store_list(struct db_conn *c, const struct citem_filter *f, citem_fn fn, void *ctx)
{
	struct item_row_call k = { fn, ctx };
	const char *status = f->status ? f->status : "";
	struct db_arg a[] = {
		DB_ARG_T(f->today), DB_ARG_T(f->lo),	      DB_ARG_T(f->hi),
		DB_ARG_I(f->after), DB_ARG_I(f->list_id),     DB_ARG_I(f->list_id),
		DB_ARG_T(status),   DB_ARG_T(status),	      DB_ARG_I(f->overdue),
		DB_ARG_T(f->today), DB_ARG_I(f->supervision), DB_ARG_T(f->today),
		DB_ARG_I(f->limit),
	};
	int rc = db_each_args(
		c, item_row, &k,
		ITEM_SELECT
		"WHERE i.unit_path >= ? AND i.unit_path < ? AND i.id > ? "
		"AND (CAST(? AS BIGINT) = 0 OR i.list_id = ?) AND (? = '' OR i.status = ?) "
		"AND (? = 0 OR (" OVERDUE_SQL(
			"i") ")) "
			     "AND (? = 0 OR i.status = 'verifying' OR (" OVERDUE_SQL(
				     "i") ")) "
					  "ORDER BY i.id LIMIT ?",
		a, DB_ARGS_N(a));

	return rc < 0 ? rc : 0;
}

int citems_store_insert(struct db_conn *c, const struct citem_in *in, int64_t *id)
{
	struct db_arg a[] = {
		DB_ARG_I(in->list_id),	   DB_ARG_I(in->unit_id),
		DB_ARG_T(in->unit_path),   DB_ARG_T(in->member_name),
		DB_ARG_T(in->member_post), DB_ARG_I(in->member_account_id),
		DB_ARG_T(in->title),	   DB_ARG_T(in->detail),
		DB_ARG_T(in->category),	   DB_ARG_T(in->target),
		DB_ARG_T(in->due_date),	   DB_ARG_I(in->created_by),
		DB_ARG_I(in->now),	   DB_ARG_I(in->now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO commitment_items (list_id, unit_id, unit_path, member_name, "
		"member_post, member_account_id, title, detail, category, target, due_date, "
		"status, "
		"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
		"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, 'in_progress', "
		"NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
		a, DB_ARGS_N(a));

	return rc == DB_ROW ? 0 : rc;
}

static int ref_row(struct db_stmt *st, void *p)
{
	struct commitment_item_ref *out = p;

	memset(out, 0, sizeof *out);
	out->id = db_col_int64(st, 0);
	out->list_id = db_col_int64(st, 1);
	out->unit_id = db_col_int64(st, 2);
	snprintf(out->unit_path, sizeof out->unit_path, "%s", db_col_text(st, 3));
	snprintf(out->title, sizeof out->title, "%s", db_col_text(st, 4));
	snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 5));
	return 0;
}

int commitment_item_get(struct db_conn *c, int64_t id, struct commitment_item_ref *out)
{
	return db_one(c, ref_row, out,
		      "SELECT id, list_id, unit_id, unit_path, title, status FROM commitment_items "
		      "WHERE id = ?",
		      "i", id);
}

/* ---- rates ----------------------------------------------------------------- */

struct rates_read {
	crate_fn fn;
	void *ctx;
};

static int rate_row(struct db_stmt *st, void *p)
{
	struct rates_read *r = p;
	struct rate x = { db_col_int64(st, 1), db_col_int64(st, 2), db_col_int64(st, 3) };
	int rc = r->fn(r->ctx, db_col_text(st, 0), &x);

	return rc < 0 ? rc : 0;
}

int citems_store_rates(struct db_conn *c, const char *lo, const char *hi, const char *today,
		       crate_fn fn, void *ctx)
{
	struct rates_read r = { fn, ctx };
	int rc = db_each(
		c, rate_row, &r,
		"SELECT i.unit_path, COUNT(*), "
		"SUM(CASE WHEN i.status = 'done' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN " OVERDUE_SQL(
			"i") " THEN 1 ELSE 0 END) "
			     "FROM commitment_items i WHERE i.unit_path >= ? AND i.unit_path < ? "
			     "GROUP BY i.unit_path",
		"ttt", today, lo, hi);

	return rc < 0 ? rc : 0;
}

struct units_read {
	cunit_fn fn;
	void *ctx;
};

static int unit_row(struct db_stmt *st, void *p)
{
	struct units_read *r = p;
	int rc = r->fn(r->ctx, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		       db_col_text(st, 3));

	return rc < 0 ? rc : 0;
}

int commitments_store_children(struct db_conn *c, int64_t parent_id, cunit_fn fn, void *ctx)
{
	struct units_read r = { fn, ctx };
	int rc = db_each(c, unit_row, &r,
			 "SELECT id, code, name, path FROM units WHERE parent_id = ? ORDER BY code",
			 "i", parent_id);

	return rc < 0 ? rc : 0;
}

int commitments_store_account_exists(struct db_conn *c, int64_t id)
{
	int64_t n = 0;
	int rc = db_query_int64(c, &n, "SELECT COUNT(*) FROM accounts WHERE id = ?", "i", id);

	return rc < 0 ? rc : n > 0;
}

int commitments_store_resident_path(struct db_conn *c, int64_t resident_id, char *out, size_t n)
{
	return db_text(c, out, n, "SELECT unit_path FROM residents WHERE id = ?", "i", resident_id);
}

/* ---- under units (org.h) ------------------------------------------------------ */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("commitment_lists", "unit_path"),
	DB_PATH_MOVED("commitment_items", "unit_path"),
	DB_PATH_MOVED("commitment_comments", "unit_path"),
};
static const char *const unit_use_sql[] = {
	DB_COUNT_EQ("commitment_lists", "unit_id"),
	DB_COUNT_EQ("commitment_items", "unit_id"),
};

const struct org_unit_hooks commitments_unit_hooks = { "commitments", ORG_HOOK_SQL(unit_path_sql),
						       ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
