/*
 * spends_store.c — the SQL of spend requests (fund_spends) and the fund's
 * unit hooks; see fund.h.
 *
 * A request names its community by id (scope by joining units, as the
 * ledger does), so a unit move rewrites nothing here: the hooks only count
 * the rows that name a unit, which keeps a community with a ledger from
 * being deleted.
 */
#include "fund/fund_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#define SPEND_SELECT                                                                               \
	"SELECT s.id, s.unit_id, s.year, s.project_id, s.project_title, s.amount_fen, s.note, "    \
	"s.meal_point_id, s.month, s.state, s.reason, s.requested_by, s.requested_name, "          \
	"s.requested_at, s.decided_by, s.decided_name, s.decided_at, s.entry_seq, u.code, "        \
	"u.name, u.path FROM fund_spends s JOIN units u ON u.id = s.unit_id "

static void copy(char *out, size_t n, const char *s)
{
	snprintf(out, n, "%s", s ? s : "");
}

static void spend_from_row(struct db_stmt *st, struct fund_spend *s)
{
	s->id = db_col_int64(st, 0);
	s->unit_id = db_col_int64(st, 1);
	s->year = db_col_int64(st, 2);
	s->project_id = db_col_int64(st, 3);
	copy(s->project_title, sizeof s->project_title, db_col_text(st, 4));
	s->amount_fen = db_col_int64(st, 5);
	copy(s->note, sizeof s->note, db_col_text(st, 6));
	s->meal_point_id = db_col_int64(st, 7);
	copy(s->month, sizeof s->month, db_col_text(st, 8));
	copy(s->state, sizeof s->state, db_col_text(st, 9));
	copy(s->reason, sizeof s->reason, db_col_text(st, 10));
	s->requested_by = db_col_int64(st, 11);
	copy(s->requested_name, sizeof s->requested_name, db_col_text(st, 12));
	s->requested_at = db_col_int64(st, 13);
	s->decided_by = db_col_int64(st, 14);
	copy(s->decided_name, sizeof s->decided_name, db_col_text(st, 15));
	s->decided_at = db_col_int64(st, 16);
	s->entry_seq = db_col_int64(st, 17);
	copy(s->unit_code, sizeof s->unit_code, db_col_text(st, 18));
	copy(s->unit_name, sizeof s->unit_name, db_col_text(st, 19));
	copy(s->unit_path, sizeof s->unit_path, db_col_text(st, 20));
}

static int spend_into(struct db_stmt *st, void *p)
{
	spend_from_row(st, p);
	return 0;
}

int spends_store_insert(struct db_conn *c, const struct fund_spend_in *in, int64_t *id)
{
	struct db_arg a[] = {
		DB_ARG_I(in->unit_id),
		DB_ARG_I(in->year),
		DB_ARG_I(in->project_id),
		DB_ARG_T(in->project_title),
		DB_ARG_I(in->amount_fen),
		DB_ARG_T(in->note),
		in->meal_point_id ? DB_ARG_I(in->meal_point_id) : DB_ARG_T(NULL),
		DB_ARG_T(in->month),
		DB_ARG_T(in->state),
		DB_ARG_I(in->requested_by),
		DB_ARG_T(in->requested_name),
		DB_ARG_I(in->now),
		in->entry_seq ? DB_ARG_I(in->entry_seq) : DB_ARG_T(NULL),
	};

	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO fund_spends (unit_id, year, project_id, "
		"project_title, amount_fen, note, meal_point_id, month, state, "
		"requested_by, requested_name, requested_at, entry_seq) VALUES (?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		a, DB_ARGS_N(a));

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int spends_store_get(struct db_conn *c, int64_t id, int lock, struct fund_spend *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (lock && (rc = db_run(c, "UPDATE fund_spends SET id = id WHERE id = ?", "i", id)) < 0)
		return rc;
	return db_one(c, spend_into, out, SPEND_SELECT "WHERE s.id = ?", "i", id);
}

int spends_store_decide(struct db_conn *c, int64_t id, const char *to, const char *reason,
			int64_t by, const char *by_name, int64_t entry_seq, int64_t now,
			int64_t *changed)
{
	struct db_arg a[] = {
		DB_ARG_T(to),  DB_ARG_T(reason),
		DB_ARG_I(by),  DB_ARG_T(by_name),
		DB_ARG_I(now), entry_seq ? DB_ARG_I(entry_seq) : DB_ARG_T(NULL),
		DB_ARG_I(id),
	};

	return db_run_args_changed(
		c, changed,
		"UPDATE fund_spends SET state = ?, reason = ?, decided_by = ?, "
		"decided_name = ?, decided_at = ?, entry_seq = ? WHERE id = ? AND "
		"state = 'pending'",
		a, DB_ARGS_N(a));
}

int spends_store_billed(struct db_conn *c, int64_t point_id, const char *month)
{
	int rc = db_one(c, NULL, NULL,
			"SELECT 1 FROM fund_spends WHERE meal_point_id = ? AND month = ? AND state "
			"<> 'rejected'",
			"it", point_id, month);

	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : rc;
}

DB_VIEW_ROWS(list_row, struct fund_spend, fund_spend_fn, spend_from_row)

int spends_store_list(struct db_conn *c, const struct spend_filter *f, fund_spend_fn fn, void *ctx)
{
	struct list_row_call k = { fn, ctx };
	struct db_arg a[6];
	char sql[1024];
	int n = 0;

	a[n++] = DB_ARG_T(f->lo);
	a[n++] = DB_ARG_T(f->hi);
	a[n++] = DB_ARG_I(f->before ? f->before : INT64_MAX);
	snprintf(sql, sizeof sql, "%s",
		 SPEND_SELECT "WHERE u.path >= ? AND u.path < ? AND s.id < ?");
	if (f->state) {
		strcat(sql, " AND s.state = ?");
		a[n++] = DB_ARG_T(f->state);
	}
	if (f->year) {
		strcat(sql, " AND s.year = ?");
		a[n++] = DB_ARG_I(f->year);
	}
	strcat(sql, " ORDER BY s.id DESC LIMIT ?");
	a[n++] = DB_ARG_I(f->limit);
	return db_each_args(c, list_row, &k, sql, a, n);
}

/* ---- unit hooks ------------------------------------------------------------ */

static const char *const fund_use_sql[] = {
	DB_COUNT_EQ("fund_entries", "unit_id"),
	DB_COUNT_EQ("fund_spends", "unit_id"),
};

const struct org_unit_hooks fund_unit_hooks = {
	.name = "fund",
	.path_sql = NULL,
	.n_path = 0,
	.use_sql = fund_use_sql,
	.n_use = sizeof fund_use_sql / sizeof *fund_use_sql,
};
