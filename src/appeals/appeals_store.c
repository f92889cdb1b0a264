/*
 * appeals_store.c — the statements every appeal change shares: load the row
 * an action works on, write it back guarded by its version, append timeline
 * events (the one insert of appeal_events), keep the appeal_scope rows, link
 * two appeals, and rewrite the stored paths after units moved.
 *
 * Multi-row inserts go in chunks of 64, 16, 4 and 1 rows, so a table needs
 * at most four statement texts, all kept in the connection's statement cache.
 */
#include "appeals/appeals_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- multi-row inserts -------------------------------------------------- */

static const int chunks[] = { 64, 16, 4, 1 };

int appeal_insert_rows(struct db_conn *c, const char *head, const char *tuple, int per_row,
		       const char *tail, int n, appeal_bind_fn bind, const void *ctx,
		       appeal_back_fn back)
{
	int done = 0, rc = 0;

	while (rc >= 0 && done < n) {
		int k = 0;
		while (chunks[k] > n - done)
			k++;
		int m = chunks[k];
		struct db_stmt *st;
		if ((rc = db_prepare_values(c, head, tuple, m, tail, &st)) < 0)
			return rc;
		for (int i = 0; i < m; i++)
			bind(st, i * per_row, ctx, done + i);
		if (back)
			rc = back(st, ctx, done, m);
		else
			rc = db_step(st);
		db_reset(st);
		done += m;
	}
	return rc < 0 ? rc : 0;
}

/* ---- the timeline ------------------------------------------------------- */

static void bind_event(struct db_stmt *st, int b, const void *ctx, int i)
{
	const struct appeal_event *e = (const struct appeal_event *)ctx + i;

	db_bind_int64(st, b + 1, e->appeal_id);
	db_bind_int64(st, b + 2, e->at);
	db_bind_int64(st, b + 3, e->actor_id);
	db_bind_text(st, b + 4, e->actor_name, -1);
	db_bind_text(st, b + 5, e->action, -1);
	db_bind_text(st, b + 6, e->from_status, -1);
	db_bind_text(st, b + 7, e->to_status, -1);
	db_bind_text(st, b + 8, e->note ? e->note : "", -1);
	db_bind_text(st, b + 9, e->photos ? e->photos : "[]", -1);
	db_bind_text(st, b + 10, e->details ? e->details : "{}", -1);
}

int appeal_event_insert(struct db_conn *c, const struct appeal_event *ev, int n)
{
	return appeal_insert_rows(c,
				  "INSERT INTO appeal_events (appeal_id, at, actor_id, actor_name, "
				  "action, from_status, to_status, note, photos, details) VALUES ",
				  "(?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?)", 10,
				  "", n, bind_event, ev, NULL);
}

/* ---- the row an action works on ----------------------------------------- */

/*
 * Visibility, as SQL over the alias "a": five parameters — the account's
 * subtree lo, hi (twice: place and handler) and the account id (reporter).
 */
#define APPEAL_VISIBLE_SQL                                                                         \
	"((a.unit_path >= ? AND a.unit_path < ?) OR (a.handler_path >= ? AND a.handler_path < ?) " \
	"OR a.reporter_id = ?)"

static void copy_text(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

/*
 * The columns of struct appeal_row after a.id, in the order appeal_load()
 * selects them, each named once: I an integer, T a text copied into its
 * array, S the status (parsed). The SELECT list and the reader both come
 * from this list, so a column cannot land in the wrong field.
 */
/* clang-format off */
#define APPEAL_COLUMNS(I, T, S)                                                                    \
	T(case_no) I(category_id) S(status) I(unit_id) I(handler_unit_id) I(assignee_id)           \
	I(dispatcher_unit_id) I(resolved_by) T(unit_path) T(handler_path) T(dispatcher_path)       \
	I(reporter_id) I(created_by) I(accept_due) I(handle_due) I(accepted_at) I(dispatched_at)   \
	I(resolved_at) I(closed_at) I(rated_at) I(overdue_at) T(rating) I(rework_count)            \
	I(reopen_count) I(escalations) I(extension_hours) T(extension_reason) I(merged_into)       \
	I(version) I(created_at)
/* clang-format on */

#define COL_SQL(f)    ", a." #f
#define APPEAL_SELECT "SELECT a.id" APPEAL_COLUMNS(COL_SQL, COL_SQL, COL_SQL) " FROM appeals a "
#define COL_I(f)      { offsetof(struct appeal_row, f), 'i', 0 },
#define COL_T(f)      { offsetof(struct appeal_row, f), 't', sizeof(((struct appeal_row *)0)->f) },
#define COL_S(f)      { offsetof(struct appeal_row, f), 's', 0 },

static const struct appeal_col {
	size_t off;
	char kind;
	size_t size;
} appeal_cols[] = { APPEAL_COLUMNS(COL_I, COL_T, COL_S) };

static int appeal_from_row(struct db_stmt *st, void *p)
{
	struct appeal_row *r = p;
	char *base = p;

	memset(r, 0, sizeof *r);
	r->id = db_col_int64(st, 0);
	for (int k = 0; k < (int)(sizeof appeal_cols / sizeof *appeal_cols); k++) {
		const struct appeal_col *col = &appeal_cols[k];
		if (col->kind == 'i')
			*(int64_t *)(base + col->off) = db_col_int64(st, k + 1);
		else if (col->kind == 't')
			copy_text(base + col->off, col->size, db_col_text(st, k + 1));
		else
			*(int *)(base + col->off) = appeal_status_parse(db_col_text(st, k + 1));
	}
	r->loaded_accept_due = r->accept_due;
	r->loaded_handle_due = r->handle_due;
	return 0;
}

int appeal_load(struct db_conn *c, const struct visibility *v, int64_t id, struct appeal_row *r)
{
	return db_one(c, appeal_from_row, r, APPEAL_SELECT "WHERE a.id = ? AND " APPEAL_VISIBLE_SQL,
		      "itttti", id, v->lo, v->hi, v->lo, v->hi,
		      v->account_id ? v->account_id : (int64_t)-1);
}

int appeal_store_update(struct db_conn *c, const struct appeal_row *r, int64_t now)
{
	int rc = db_run(
		c,
		"UPDATE appeals SET status = ?, handler_unit_id = ?, handler_path = ?, "
		"assignee_id = NULLIF(CAST(? AS BIGINT), 0), dispatcher_unit_id = "
		"NULLIF(CAST(? AS BIGINT), 0), "
		"dispatcher_path = NULLIF(?, ''), resolved_by = NULLIF(CAST(? AS BIGINT), 0), "
		"accept_due = ?, "
		"handle_due = NULLIF(CAST(? AS BIGINT), 0), accepted_at = NULLIF(CAST(? AS "
		"BIGINT), 0), dispatched_at = "
		"NULLIF(CAST(? AS BIGINT), 0), resolved_at = NULLIF(CAST(? AS BIGINT), 0), "
		"closed_at = NULLIF(CAST(? AS BIGINT), 0), rated_at = "
		"NULLIF(CAST(? AS BIGINT), 0), overdue_at = NULLIF(CAST(? AS BIGINT), 0), "
		"rating = NULLIF(?, ''), rework_count = "
		"?, reopen_count = ?, escalations = ?, extension_hours = NULLIF(CAST(? AS "
		"BIGINT), 0), "
		"extension_reason = NULLIF(?, ''), merged_into = NULLIF(CAST(? AS BIGINT), 0), "
		"version = version "
		"+ 1, updated_at = ? WHERE id = ? AND version = ?",
		"titiitiiiiiiiiitiiiitiiii", appeal_status_name(r->status), r->handler_unit_id,
		r->handler_path, r->assignee_id, r->dispatcher_unit_id, r->dispatcher_path,
		r->resolved_by, r->accept_due, r->handle_due, r->accepted_at, r->dispatched_at,
		r->resolved_at, r->closed_at, r->rated_at, r->overdue_at, r->rating,
		r->rework_count, r->reopen_count, r->escalations, r->extension_hours,
		r->extension_reason, r->merged_into, now, r->id, r->version);

	if (rc == 0 && db_changes(c) == 0)
		rc = DB_DONE;
	return rc;
}

int appeal_store_link(struct db_conn *c, int64_t id, int64_t other, int64_t now)
{
	return db_run(c,
		      "INSERT INTO appeal_links (appeal_id, other_id, created_at) VALUES (?, "
		      "?, ?), (?, ?, ?) ON CONFLICT DO NOTHING",
		      "iiiiii", id, other, now, other, id, now);
}

/* ---- appeal_scope and moved units --------------------------------------- */

int appeal_scope_write(struct db_conn *c, int64_t appeal_id, const char *unit_path,
		       const char *handler_path, const char *status, int replace)
{
	int64_t ids[APPEAL_SCOPE_MAX];
	int n = appeal_scope_units(unit_path, handler_path, ids), rc = 0;
	struct db_stmt *st;

	if (replace)
		rc = db_run(c, "DELETE FROM appeal_scope WHERE appeal_id = ?", "i", appeal_id);
	if (rc < 0 || n == 0)
		return rc;
	/* One statement for all the rows. */
	rc = db_prepare_values(c, "INSERT INTO appeal_scope (unit_id, appeal_id, status) VALUES ",
			       "(?, ?, ?)", n, "", &st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		db_bind_int64(st, 3 * i + 1, ids[i]);
		db_bind_int64(st, 3 * i + 2, appeal_id);
		db_bind_text(st, 3 * i + 3, status, -1);
	}
	rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* The ids read by appeals_units_moved(), grown as rows come. */
struct id_list {
	int64_t *ids;
	size_t n, cap;
};

static int id_append(struct db_stmt *st, void *p)
{
	struct id_list *l = p;

	if (l->n == l->cap) {
		int64_t *ids = realloc(l->ids, (l->cap = l->cap ? l->cap * 2 : 256) * sizeof *ids);
		if (!ids)
			return DB_ENOMEM;
		l->ids = ids;
	}
	l->ids[l->n++] = db_col_int64(st, 0);
	return 0;
}

/* The paths and status appeal_scope_write() needs. */
struct scope_row {
	char up[256], hp[256], status[16];
};

static int scope_from_row(struct db_stmt *st, void *p)
{
	struct scope_row *s = p;

	copy_text(s->up, sizeof s->up, db_col_text(st, 0));
	copy_text(s->hp, sizeof s->hp, db_col_text(st, 1));
	copy_text(s->status, sizeof s->status, db_col_text(st, 2));
	return 0;
}

int appeals_units_moved(struct db_conn *c, const char *old_path, const char *old_hi,
			const char *new_path)
{
	static const char *const updates[] = {
		"UPDATE appeals SET unit_path = ? || SUBSTR(unit_path, ?) WHERE unit_path >= ? AND "
		"unit_path < ?",
		"UPDATE appeals SET handler_path = ? || SUBSTR(handler_path, ?) WHERE handler_path "
		">= ? AND handler_path < ?",
		"UPDATE appeals SET dispatcher_path = ? || SUBSTR(dispatcher_path, ?) WHERE "
		"dispatcher_path >= ? AND dispatcher_path < ?",
		"UPDATE supervisions SET unit_path = ? || SUBSTR(unit_path, ?) WHERE unit_path >= "
		"? "
		"AND unit_path < ?",
	};
	char new_hi[256];
	struct id_list l = { 0 };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof updates / sizeof updates[0]; i++)
		rc = db_run(c, updates[i], "titt", new_path, (int64_t)strlen(old_path) + 1,
			    old_path, old_hi);
	if (rc < 0)
		return rc;
	/* The ancestors of everything under the moved unit changed. */
	path_upper(new_path, new_hi, sizeof new_hi);
	rc = db_each(c, id_append, &l,
		     "SELECT id FROM appeals WHERE (unit_path >= ? AND unit_path < ?) OR "
		     "(handler_path >= ? AND handler_path < ?)",
		     "tttt", new_path, new_hi, new_path, new_hi);
	for (size_t i = 0; rc >= 0 && i < l.n; i++) {
		struct scope_row s = { "", "", "" };
		rc = db_one(c, scope_from_row, &s,
			    "SELECT unit_path, handler_path, status FROM appeals WHERE id = ?", "i",
			    l.ids[i]);
		if (rc == DB_ROW)
			rc = appeal_scope_write(c, l.ids[i], s.up, s.hp, s.status, 1);
	}
	free(l.ids);
	return rc < 0 ? rc : 0;
}
