/*
 * actions_store.c — the SQL of an item's life after it is made: its events
 * (the append-only history of progress and 销号), the guarded state changes,
 * and residents' comments with staff answers.
 *
 * Every state change is `UPDATE … WHERE id = ? AND status = ?` and reports
 * the rows it moved, so of two racing actions one moves the row and the
 * other sees 0 and is refused (the handler answers 409). A second comment of
 * the same kind by one resident is refused by the unique index
 * commitment_comments_one (DB_ECONSTRAINT), an answer by `answer IS NULL`.
 */
#include "commitments/commitments_int.h"

#include "db/store.h"

#include <string.h>

/* ---- events ---------------------------------------------------------------- */

int cevents_store_insert(struct db_conn *c, const struct cevent_in *in, int64_t *id)
{
	struct db_arg a[] = {
		DB_ARG_I(in->item_id),
		DB_ARG_T(in->kind),
		DB_ARG_I(in->percent),
		DB_ARG_T(in->note ? in->note : ""),
		DB_ARG_T(in->reason ? in->reason : ""),
		DB_ARG_T(in->photos ? in->photos : "[]"),
		DB_ARG_I(in->actor_id),
		DB_ARG_I(in->at),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO commitment_events (item_id, kind, percent, note, "
		"reason, photos, actor_id, at) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), -1), ?, "
		"?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
		a, DB_ARGS_N(a));

	return rc == DB_ROW ? 0 : rc;
}

#define EVENT_SELECT                                                                               \
	"SELECT e.id, e.item_id, e.percent, e.actor_id, e.at, e.kind, e.note, e.reason, "          \
	"e.photos, a.display_name FROM commitment_events e "                                       \
	"LEFT JOIN accounts a ON a.id = e.actor_id "

static void event_from_row(struct db_stmt *st, struct cevent_view *v)
{
	*v = (struct cevent_view){
		.id = db_col_int64(st, 0),
		.item_id = db_col_int64(st, 1),
		.percent = db_col_int64(st, 2),
		.has_percent = !db_col_is_null(st, 2),
		.actor_id = db_col_int64(st, 3),
		.at = db_col_int64(st, 4),
		.kind = db_col_text(st, 5),
		.note = db_col_text(st, 6),
		.reason = db_col_text(st, 7),
		.photos = db_col_text(st, 8),
		.actor_name = db_col_text(st, 9),
	};
}

DB_VIEW_ROWS(event_row, struct cevent_view, cevent_fn, event_from_row)

int cevents_store_of_item(struct db_conn *c, int64_t item_id, cevent_fn fn, void *ctx)
{
	struct event_row_call k = { fn, ctx };
	int rc = db_each(c, event_row, &k, EVENT_SELECT "WHERE e.item_id = ? ORDER BY e.id", "i",
			 item_id);

	return rc < 0 ? rc : 0;
}

int cevents_store_of_list(struct db_conn *c, int64_t list_id, cevent_fn fn, void *ctx)
{
	struct event_row_call k = { fn, ctx };
	int rc = db_each(c, event_row, &k,
			 EVENT_SELECT "JOIN commitment_items i ON i.id = e.item_id "
				      "WHERE i.list_id = ? ORDER BY e.item_id, e.id",
			 "i", list_id);

	return rc < 0 ? rc : 0;
}

/* ---- state changes --------------------------------------------------------- */

int citems_store_lock(struct db_conn *c, int64_t id)
{
	return db_run(c, "UPDATE commitment_items SET id = id WHERE id = ?", "i", id);
}

int citems_store_set_progress(struct db_conn *c, int64_t id, int64_t percent, int64_t now,
			      int64_t *changed)
{
	return db_run_changed(
		c, changed,
		"UPDATE commitment_items SET percent = ?, updated_at = ? WHERE id = ? "
		"AND status = 'in_progress'",
		"iii", percent, now, id);
}

int citems_store_set_status(struct db_conn *c, int64_t id, const char *from, const char *to,
			    int64_t by, const char *reason, int64_t now, int64_t *changed)
{
	if (!strcmp(to, "done"))
		return db_run_changed(c, changed,
				      "UPDATE commitment_items SET status = 'done', percent = 100, "
				      "verified_by = NULLIF(CAST(? AS BIGINT), 0), verified_at = "
				      "?, updated_at = ? WHERE id = ? "
				      "AND status = ?",
				      "iiiit", by, now, now, id, from);
	if (reason)
		return db_run_changed(c, changed,
				      "UPDATE commitment_items SET status = ?, return_reason = ?, "
				      "updated_at = ? WHERE id = ? AND status = ?",
				      "ttiit", to, reason, now, id, from);
	return db_run_changed(c, changed,
			      "UPDATE commitment_items SET status = ?, updated_at = ? WHERE id = ? "
			      "AND status = ?",
			      "tiit", to, now, id, from);
}

/* ---- comments -------------------------------------------------------------- */

#define COMMENT_SELECT                                                                             \
	"SELECT k.id, k.item_id, k.created_at, k.answered_by, k.answered_at, k.kind, k.text, "     \
	"k.unit_path, k.answer, a.display_name, i.title FROM commitment_comments k "               \
	"JOIN commitment_items i ON i.id = k.item_id "                                             \
	"LEFT JOIN accounts a ON a.id = k.answered_by "

static void comment_from_row(struct db_stmt *st, struct ccomment_view *v)
{
	*v = (struct ccomment_view){
		.id = db_col_int64(st, 0),
		.item_id = db_col_int64(st, 1),
		.created_at = db_col_int64(st, 2),
		.answered_by = db_col_int64(st, 3),
		.answered_at = db_col_int64(st, 4),
		.kind = db_col_text(st, 5),
		.text = db_col_text(st, 6),
		.unit_path = db_col_text(st, 7),
		.answer = db_col_text(st, 8),
		.answered_by_name = db_col_text(st, 9),
		.item_title = db_col_text(st, 10),
	};
}

DB_VIEW_ROWS(comment_row, struct ccomment_view, ccomment_fn, comment_from_row)

int ccomments_store_get(struct db_conn *c, int64_t id, ccomment_fn fn, void *ctx)
{
	struct comment_row_call k = { fn, ctx };

	return db_one(c, comment_row, &k, COMMENT_SELECT "WHERE k.id = ?", "i", id);
}

int ccomments_store_of_item(struct db_conn *c, int64_t item_id, ccomment_fn fn, void *ctx)
{
	struct comment_row_call k = { fn, ctx };
	int rc = db_each(c, comment_row, &k, COMMENT_SELECT "WHERE k.item_id = ? ORDER BY k.id",
			 "i", item_id);

	return rc < 0 ? rc : 0;
}

int ccomments_store_of_list(struct db_conn *c, int64_t list_id, ccomment_fn fn, void *ctx)
{
	struct comment_row_call k = { fn, ctx };
	int rc = db_each(c, comment_row, &k,
			 COMMENT_SELECT "WHERE i.list_id = ? ORDER BY k.item_id, k.id", "i",
			 list_id);

	return rc < 0 ? rc : 0;
}

int ccomments_store_list(struct db_conn *c, const struct ccomment_filter *f, ccomment_fn fn,
			 void *ctx)
{
	struct comment_row_call k = { fn, ctx };
	const char *kind = f->kind ? f->kind : "";
	struct db_arg a[] = {
		DB_ARG_T(f->lo), DB_ARG_T(f->hi), DB_ARG_I(f->after), DB_ARG_I(f->unanswered),
		DB_ARG_T(kind),	 DB_ARG_T(kind),  DB_ARG_I(f->limit),
	};
	int rc = db_each_args(c, comment_row, &k,
			      COMMENT_SELECT
			      "WHERE k.unit_path >= ? AND k.unit_path < ? AND k.id > ? "
			      "AND (? = 0 OR k.answer IS NULL) "
			      "AND (? = '' OR k.kind = ?) ORDER BY k.id LIMIT ?",
			      a, DB_ARGS_N(a));

	return rc < 0 ? rc : 0;
}

int ccomments_store_insert(struct db_conn *c, const struct ccomment_in *in, int64_t *id)
{
	struct db_arg a[] = {
		DB_ARG_I(in->item_id), DB_ARG_T(in->unit_path),	  DB_ARG_T(in->kind),
		DB_ARG_T(in->text),    DB_ARG_I(in->resident_id), DB_ARG_I(in->account_id),
		DB_ARG_I(in->now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO commitment_comments (item_id, unit_path, kind, "
		"text, resident_id, account_id, created_at) VALUES (?, ?, ?, ?, "
		"?, ?, ?) RETURNING id",
		a, DB_ARGS_N(a));

	return rc == DB_ROW ? 0 : rc;
}

int ccomments_store_answer(struct db_conn *c, int64_t id, const char *text, int64_t by, int64_t now,
			   int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE commitment_comments SET answer = ?, answered_by = ?, "
			      "answered_at = ? WHERE id = ? AND answer IS NULL",
			      "tiii", text, by, now, id);
}
