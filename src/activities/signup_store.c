/*
 * signup_store.c — every SQL statement about sign-ups: counting them, the
 * waitlist, writing them, check-in and the lists of attendance.
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction, which signup_api.c opens after
 * taking the activity row's lock (activities_store_lock), so the counts read
 * here are the truth until it commits. The partial unique indexes on
 * activity_signups (one live sign-up per account and per resident) answer
 * DB_ECONSTRAINT to a second one, whatever the concurrency.
 */
#include "activities/activities.h"
#include "activities/activities_int.h"

#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t int_or_0(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int64(st, col);
}

/* ---- counting ------------------------------------------------------------ */

int signups_store_confirmed(struct db_conn *c, int64_t activity_id, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND "
			      "status = 'confirmed'",
			      "i", activity_id);
}

int signups_store_checked_in(struct db_conn *c, int64_t activity_id, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND "
			      "checked_in_at IS NOT NULL",
			      "i", activity_id);
}

int signups_store_live(struct db_conn *c, int64_t activity_id, int64_t account_id,
		       int64_t resident_id, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND "
			      "status <> 'cancelled' AND ((? > 0 AND account_id = ?) OR (? > 0 AND "
			      "resident_id = ?))",
			      "iiiii", activity_id, account_id, account_id, resident_id,
			      resident_id);
}

int signups_store_position(struct db_conn *c, int64_t activity_id, int64_t sid, int64_t *pos)
{
	return db_query_int64(c, pos,
			      "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND "
			      "status = 'waitlisted' AND id <= ?",
			      "ii", activity_id, sid);
}

/* ---- single rows ----------------------------------------------------------- */

/* Two ids: column 0 into *a, column 1 (0 for NULL) into *b. */
struct id_pair {
	int64_t *a, *b;
};

static int id_pair_row(struct db_stmt *st, void *p)
{
	struct id_pair *o = p;

	*o->a = db_col_int64(st, 0);
	*o->b = int_or_0(st, 1);
	return 0;
}

int signups_store_first_waitlisted(struct db_conn *c, int64_t activity_id, int64_t *sid,
				   int64_t *account_id)
{
	struct id_pair o = { sid, account_id };

	return db_one(c, id_pair_row, &o,
		      "SELECT id, account_id FROM activity_signups WHERE activity_id = ? AND "
		      "status = 'waitlisted' ORDER BY id LIMIT 1",
		      "i", activity_id);
}

struct id_list {
	int64_t **ids, *n, *no_account, cap;
};

static int id_list_row(struct db_stmt *st, void *p)
{
	struct id_list *l = p;

	if (db_col_is_null(st, 0)) {
		++*l->no_account;
		return 0;
	}
	if (*l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		int64_t *q = realloc(*l->ids, (size_t)l->cap * sizeof *q);
		if (!q)
			return DB_ENOMEM;
		*l->ids = q;
	}
	(*l->ids)[(*l->n)++] = db_col_int64(st, 0);
	return 0;
}

int signups_store_live_accounts(struct db_conn *c, int64_t activity_id, int64_t **ids, int64_t *n,
				int64_t *no_account)
{
	struct id_list l = { ids, n, no_account, 0 };

	*ids = NULL;
	*n = *no_account = 0;
	return db_each(c, id_list_row, &l,
		       "SELECT account_id FROM activity_signups WHERE activity_id = ? AND "
		       "status <> 'cancelled' ORDER BY id",
		       "i", activity_id);
}

static int int_or_0_row(struct db_stmt *st, void *out)
{
	*(int64_t *)out = int_or_0(st, 0);
	return 0;
}

int signups_store_resident_in(struct db_conn *c, int64_t resident_id, const char *lo,
			      const char *hi, int enabled, int64_t *account_id)
{
	*account_id = 0;
	return db_one(c, int_or_0_row, account_id,
		      "SELECT (SELECT MIN(x.id) FROM accounts x WHERE x.resident_id = r.id "
		      "AND (x.disabled = 0 OR ? = 0)) FROM residents r WHERE r.id = ? AND "
		      "r.unit_path >= ? AND r.unit_path < ?",
		      "iitt", (int64_t)enabled, resident_id, lo, hi);
}

static int signup_row(struct db_stmt *st, void *p)
{
	struct signup *s = p;

	memset(s, 0, sizeof *s);
	s->account_id = int_or_0(st, 0);
	s->resident_id = int_or_0(st, 1);
	snprintf(s->status, sizeof s->status, "%s", db_col_text(st, 2));
	s->checked_in_at = int_or_0(st, 3);
	return 0;
}

int signups_store_get(struct db_conn *c, int64_t activity_id, int64_t sid, struct signup *s)
{
	int rc = db_one(c, signup_row, s,
			"SELECT account_id, resident_id, status, checked_in_at FROM "
			"activity_signups WHERE id = ? AND activity_id = ?",
			"ii", sid, activity_id);

	if (rc == DB_ROW)
		s->id = sid;
	return rc;
}

/* ---- writing --------------------------------------------------------------- */

int signups_store_insert(struct db_conn *c, int64_t activity_id, int64_t account_id,
			 int64_t resident_id, int64_t by, const char *status, int64_t now,
			 int64_t *sid)
{
	return db_query_int64(
		c, sid,
		"INSERT INTO activity_signups (activity_id, account_id, resident_id, "
		"signed_up_by, status, created_at, updated_at) VALUES (?, NULLIF(CAST(? "
		"AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?) RETURNING id",
		"iiiitii", activity_id, account_id, resident_id, by, status, now, now);
}

int signups_store_promote(struct db_conn *c, int64_t sid, int64_t now)
{
	return db_run(c,
		      "UPDATE activity_signups SET status = 'confirmed', promoted_at = ?, "
		      "updated_at = ? WHERE id = ? AND status = 'waitlisted'",
		      "iii", now, now, sid);
}

int signups_store_cancel(struct db_conn *c, int64_t sid, const char *status, const char *reason,
			 int64_t now, int64_t *changed)
{
	return db_run_changed(
		c, changed,
		"UPDATE activity_signups SET status = 'cancelled', cancel_reason = ?, "
		"updated_at = ? WHERE id = ? AND status = ? AND checked_in_at IS NULL",
		"tiit", reason, now, sid, status);
}

int signups_store_cancel_all(struct db_conn *c, int64_t activity_id, const char *reason,
			     int64_t now)
{
	return db_run(c,
		      "UPDATE activity_signups SET status = 'cancelled', cancel_reason = ?, "
		      "updated_at = ? WHERE activity_id = ? AND status <> 'cancelled'",
		      "tii", reason, now, activity_id);
}

int signups_store_check_in(struct db_conn *c, int64_t sid, int64_t by, int64_t now,
			   int64_t *changed)
{
	return db_run_changed(
		c, changed,
		"UPDATE activity_signups SET checked_in_at = ?, checked_in_by = ?, "
		"updated_at = ? WHERE id = ? AND status = 'confirmed' AND checked_in_at IS "
		"NULL",
		"iiii", now, by, now, sid);
}

/* ---- check-in at the door -------------------------------------------------- */

int signups_store_code_known(struct db_conn *c, const char *code, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT (SELECT COUNT(*) FROM activities WHERE check_in_code = ?) + "
			      "(SELECT COUNT(*) FROM venues WHERE public_code = ?)",
			      "tt", code, code);
}

int signups_store_due(struct db_conn *c, const char *code, int64_t account_id, int64_t resident_id,
		      int64_t until, int64_t now, int64_t *sid, int64_t *activity_id)
{
	struct id_pair o = { sid, activity_id };
	const struct db_arg args[] = {
		DB_ARG_I(account_id), DB_ARG_I(resident_id), DB_ARG_I(resident_id), DB_ARG_I(until),
		DB_ARG_I(now),	      DB_ARG_T(code),	     DB_ARG_T(code),
	};

	return db_one_args(c, id_pair_row, &o,
			   "SELECT s.id, a.id FROM activity_signups s JOIN activities a ON a.id = "
			   "s.activity_id WHERE s.status = 'confirmed' AND s.checked_in_at IS NULL "
			   "AND a.status = 'published' AND (s.account_id = ? OR (? > 0 AND "
			   "s.resident_id = ?)) AND a.starts_at <= ? AND a.ends_at > ? AND "
			   "(a.check_in_code = ? OR a.venue_id = (SELECT v.id FROM venues v WHERE "
			   "v.public_code = ?)) ORDER BY a.starts_at LIMIT 1",
			   args, DB_ARGS_N(args));
}

/* ---- lists ------------------------------------------------------------------ */

/* The caller's callback for the rows of a list, and its context. */
struct list_call {
	union {
		signup_view_fn signup;
		record_view_fn record;
	} fn;
	void *ctx;
};

static int signup_view_row(struct db_stmt *st, void *p)
{
	struct list_call *k = p;
	const struct signup_view v = { .id = db_col_int64(st, 0),
				       .status = db_col_text(st, 1),
				       .account_id = int_or_0(st, 2),
				       .resident_id = int_or_0(st, 3),
				       .name = db_col_text(st, 4),
				       .signed_up_by = db_col_int64(st, 5),
				       .signed_up_by_name = db_col_text(st, 6),
				       .created_at = int_or_0(st, 7),
				       .promoted_at = int_or_0(st, 8),
				       .checked_in_at = int_or_0(st, 9),
				       .cancel_reason = db_col_text(st, 10),
				       .position = db_col_int64(st, 11) };
	int rc = k->fn.signup(k->ctx, &v);

	return rc < 0 ? rc : 0;
}

int signups_store_list(struct db_conn *c, int64_t activity_id, int64_t after, const char *status,
		       int64_t limit, signup_view_fn fn, void *ctx)
{
	struct list_call k = { .fn.signup = fn, .ctx = ctx };
	const struct db_arg args[] = { DB_ARG_I(activity_id), DB_ARG_I(after), DB_ARG_T(status),
				       DB_ARG_T(status), DB_ARG_I(limit) };

	return db_each_args(
		c, signup_view_row, &k,
		"SELECT s.id, s.status, s.account_id, s.resident_id, COALESCE(r.name, "
		"acc.display_name), s.signed_up_by, sb.display_name, s.created_at, s.promoted_at, "
		"s.checked_in_at, s.cancel_reason, (SELECT COUNT(*) FROM activity_signups w WHERE "
		"w.activity_id = s.activity_id AND w.status = 'waitlisted' AND w.id <= s.id) FROM "
		"activity_signups s JOIN accounts sb ON sb.id = s.signed_up_by LEFT JOIN residents "
		"r ON r.id = s.resident_id LEFT JOIN accounts acc ON acc.id = s.account_id WHERE "
		"s.activity_id = ? AND s.id > ? AND (CAST(? AS TEXT) IS NULL OR s.status = ?) "
		"ORDER BY s.id LIMIT ?",
		args, DB_ARGS_N(args));
}

static int record_view_row(struct db_stmt *st, void *p)
{
	struct list_call *k = p;
	const char *place = db_col_text(st, 7);
	const struct record_view v = {
		.id = db_col_int64(st, 0),
		.status = db_col_text(st, 1),
		.checked_in_at = int_or_0(st, 2),
		.activity_id = db_col_int64(st, 3),
		.title = db_col_text(st, 4),
		.starts_at = db_col_int64(st, 5),
		.ends_at = db_col_int64(st, 6),
		.place = *place || db_col_is_null(st, 8) ? place : db_col_text(st, 8),
		.activity_status = db_col_text(st, 9),
		.unit_id = db_col_int64(st, 10),
		.unit_name = db_col_text(st, 11),
		.created_at = int_or_0(st, 12),
	};
	int rc = k->fn.record(k->ctx, &v);

	return rc < 0 ? rc : 0;
}

/* The sign-ups of the account or the resident: ? > 0 AND account_id = ?, then the resident's. */
#define SIGNUPS_OF_EITHER "((? > 0 AND s.account_id = ?) OR (? > 0 AND s.resident_id = ?))"

int signups_store_record(struct db_conn *c, int64_t account_id, int64_t resident_id, int64_t before,
			 int64_t limit, record_view_fn fn, void *ctx)
{
	struct list_call k = { .fn.record = fn, .ctx = ctx };

	return db_each(c, record_view_row, &k,
		       "SELECT s.id, s.status, s.checked_in_at, a.id, a.title, a.starts_at, "
		       "a.ends_at, a.place, v.name, a.status, u.id, u.name, s.created_at "
		       "FROM activity_signups s JOIN activities a ON a.id = s.activity_id "
		       "JOIN units u ON u.id = a.unit_id LEFT JOIN venues v ON v.id = a.venue_id "
		       "WHERE " SIGNUPS_OF_EITHER " AND s.id < ? ORDER BY s.id DESC LIMIT ?",
		       "iiiiii", account_id, account_id, resident_id, resident_id, before, limit);
}

static int counts_row(struct db_stmt *st, void *p)
{
	int64_t *counts = p;

	for (int i = 0; i < 3; i++)
		counts[i] = int_or_0(st, i);
	return 0;
}

int signups_store_record_counts(struct db_conn *c, int64_t account_id, int64_t resident_id,
				int64_t now, int64_t counts[3])
{
	return db_one(c, counts_row, counts,
		      "SELECT COUNT(s.checked_in_at), SUM(CASE WHEN s.status = 'confirmed' AND "
		      "s.checked_in_at IS NULL AND a.ends_at <= ? THEN 1 ELSE 0 END), SUM(CASE "
		      "WHEN s.status = 'confirmed' AND s.checked_in_at IS NULL AND a.ends_at > "
		      "? THEN 1 ELSE 0 END) FROM activity_signups s JOIN activities a ON a.id = "
		      "s.activity_id WHERE " SIGNUPS_OF_EITHER,
		      "iiiiii", now, now, account_id, account_id, resident_id, resident_id);
}
