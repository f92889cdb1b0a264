/*
 * appeal_submit.c — POST /api/v1/appeals and the group-commit writer.
 *
 * The handler validates everything it can on its own connection (category,
 * place, photos, phone, deadline) and hands a struct appeal_new to the writer
 * thread, then waits. The writer takes every submission queued at that
 * moment (up to submit_batch_max), inserts each inside a savepoint of one
 * transaction and commits once: one fsync for the whole batch. Each waiter is
 * woken only after COMMIT returned, so a 201 always names a durable case.
 * A submission whose savepoint fails gets its own error; the others commit.
 *
 * Idempotency-Key: the key, scoped to the caller (account, or the anonymous
 * reporter's phone), is stored UNIQUE on the appeal. A retry finds the row
 * and gets the same answer, marked Idempotent-Replayed: true.
 */
#include "appeals/appeals_int.h"

#include "attach/attach.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/metrics.h"
#include "http/server.h"
#include "org/org.h"
#include "pii/pii.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the writer -------------------------------------------------------- */

struct pending {
	struct appeal_new *a;
	struct pending *next;
	pthread_cond_t cv; /* its own, so a batch wakes only its submitters */
	int done;
};

/* Figures for /metrics. */
static atomic_llong m_batches, m_items, m_batch_us, m_failed;

static void writer_metrics(void *fp)
{
	FILE *f = fp;

	fprintf(f,
		"# HELP shuniu_appeal_batches_total Group commits of appeal submissions.\n"
		"# TYPE shuniu_appeal_batches_total counter\nshuniu_appeal_batches_total %lld\n"
		"# HELP shuniu_appeal_batch_items_total Submissions in those group commits.\n"
		"# TYPE shuniu_appeal_batch_items_total counter\nshuniu_appeal_batch_items_total "
		"%lld\n"
		"# HELP shuniu_appeal_batch_seconds_total Time spent inserting and committing.\n"
		"# TYPE shuniu_appeal_batch_seconds_total counter\n"
		"shuniu_appeal_batch_seconds_total %.6f\n"
		"# HELP shuniu_appeal_submissions_failed_total Submissions that did not commit.\n"
		"# TYPE shuniu_appeal_submissions_failed_total counter\n"
		"shuniu_appeal_submissions_failed_total %lld\n",
		(long long)m_batches, (long long)m_items, (double)m_batch_us / 1e6,
		(long long)m_failed);
}

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work;
	struct pending *head, *tail;
	pthread_t thread;
	int running, stop;
	struct server *srv;
	int batch_max;
} W = { .mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER };

static int insert_one(struct db_conn *c, struct appeal_new *a)
{
	char day[9], *search;
	int64_t seq = 0;
	int rc;

	if (a->idem_key) {
		struct db_stmt *st;
		rc = db_prepare(c, "SELECT id, case_no, status FROM appeals WHERE idem_key = ?",
				&st);
		if (rc < 0)
			return rc;
		db_bind_text(st, 1, a->idem_key, -1);
		rc = db_step(st);
		if (rc == DB_ROW) {
			a->id = db_col_int64(st, 0);
			snprintf(a->case_no, sizeof a->case_no, "%s", db_col_text(st, 1));
			snprintf(a->status, sizeof a->status, "%s", db_col_text(st, 2));
			a->replayed = 1;
		}
		db_reset(st);
		if (rc < 0 || a->replayed)
			return rc < 0 ? rc : 0;
	}
	appeal_day_text(a->created_at, day);
	rc = db_query_int64(c, &seq,
			    "INSERT INTO appeal_counters (day, last) VALUES (?, 1) ON CONFLICT "
			    "(day) DO UPDATE SET last = appeal_counters.last + 1 RETURNING last",
			    "t", day);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	snprintf(a->case_no, sizeof a->case_no, "%s%05lld", day, (long long)seq);
	search = appeal_search_text(a->title, a->description, a->address);
	if (!search)
		return DB_ENOMEM;
	rc = db_query_int64(
		c, &a->id,
		"INSERT INTO appeals (case_no, category_id, title, description, status, channel, "
		"unit_id, unit_path, handler_unit_id, handler_path, station_id, address, lng, lat, "
		"photos, reporter_id, created_by, contact_name, contact_phone_enc, "
		"contact_phone_mask, phone_last4, search_text, idem_key, accept_due, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, NULLIF(CAST(? AS "
		"BIGINT), 0), ?, "
		"CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END, CASE WHEN ? = 1 THEN CAST(? "
		"AS DOUBLE PRECISION) END, ?, NULLIF(CAST(? AS BIGINT), 0), "
		"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"titttititi" /* .. station_id */ "t" /* address */ "idid" /* lng lat */
		"tii" /* photos reporter created_by */ "tb" /* contact */ "ttttiii",
		a->case_no, a->cat->id, a->title, a->description, a->channel, a->unit_id,
		a->unit_path, a->handler_unit_id, a->handler_path, a->station_id, a->address,
		(int64_t)a->has_coords, a->lng, (int64_t)a->has_coords, a->lat, a->photos,
		a->reporter_id, a->created_by, a->contact_name, a->phone_enc, a->phone_enc_len,
		a->phone_mask, a->phone_last4, search, a->idem_key, a->accept_due, a->created_at,
		a->created_at);
	free(search);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	char details[64];
	snprintf(details, sizeof details, "{\"channel\":\"%s\"}", a->channel);
	rc = db_run(c,
		    "INSERT INTO appeal_events (appeal_id, at, actor_id, actor_name, action, "
		    "from_status, to_status, note, photos, details) VALUES (?, ?, NULLIF(CAST(? AS "
		    "BIGINT), 0), ?, "
		    "'submit', NULL, 'submitted', '', ?, ?)",
		    "iiittt", a->id, a->created_at, a->created_by ? a->created_by : a->reporter_id,
		    a->actor_name, a->photos, details);
	if (rc < 0)
		return rc;
	rc = appeal_scope_write(c, a->id, a->unit_path, a->handler_path, "submitted", 0);
	if (rc == 0)
		rc = message_add(c, 0, a->handler_unit_id, a->id, "appeal.submitted",
				 "新诉求待受理", a->case_no, a->created_at);
	if (rc == 0 && a->reporter_id)
		rc = message_add(c, a->reporter_id, 0, a->id, "appeal.submitted", "您的诉求已提交",
				 a->case_no, a->created_at);
	if (rc == 0)
		rc = notify_enqueue(c, a->id, "appeal.submitted",
				    JB_OBJ(jb_int("id", a->id), jb_str("case_no", a->case_no),
					   jb_str("status", "submitted"),
					   jb_str("channel", a->channel),
					   jb_int("at", a->created_at)),
				    a->created_at);
	snprintf(a->status, sizeof a->status, "submitted");
	return rc;
}

/* ---- the batch path: a few multi-row statements for the whole batch ----- */

/*
 * Rows go in chunks of 64, 16, 4 and 1, so each table needs at most four
 * distinct statement texts, all kept in the connection's statement cache.
 */
static const int chunks[] = { 64, 16, 4, 1 };

struct rows {
	struct appeal_new **a; /* the fresh submissions */
	char **search, **payload;
	char (*details)[64];
	/* appeal_scope rows: (unit id, index into a) */
	int64_t *scope_unit;
	int *scope_of;
	int nscope;
	/* messages: (index into a, 0 = handler unit, 1 = reporter) */
	int *msg_of, *msg_kind;
	int nmsg;
};

typedef void (*bind_fn)(struct db_stmt *st, int base, const struct rows *r, int row);

/* INSERT head + tuple × n with binder; each returned row goes to back(). */
static int insert_rows(struct db_conn *c, const char *head, const char *tuple, int per_row,
		       const char *tail, int n, bind_fn bind, const struct rows *r,
		       int (*back)(struct db_stmt *st, const struct rows *r, int first, int n))
{
	int done = 0, rc = 0;

	while (rc >= 0 && done < n) {
		int k = 0;
		while (chunks[k] > n - done)
			k++;
		int m = chunks[k];
		struct db_stmt *st;
		char *sql = db_values_sql(head, tuple, m, tail);
		if (!sql)
			return DB_ENOMEM;
		rc = db_prepare(c, sql, &st);
		free(sql);
		if (rc < 0)
			return rc;
		for (int i = 0; i < m; i++)
			bind(st, i * per_row, r, done + i);
		if (back)
			rc = back(st, r, done, m);
		else
			rc = db_step(st);
		db_reset(st);
		done += m;
	}
	return rc < 0 ? rc : 0;
}

static void bind_appeal(struct db_stmt *st, int b, const struct rows *r, int i)
{
	const struct appeal_new *a = r->a[i];

	db_bind_text(st, b + 1, a->case_no, -1);
	db_bind_int64(st, b + 2, a->cat->id);
	db_bind_text(st, b + 3, a->title, -1);
	db_bind_text(st, b + 4, a->description, -1);
	db_bind_text(st, b + 5, a->channel, -1);
	db_bind_int64(st, b + 6, a->unit_id);
	db_bind_text(st, b + 7, a->unit_path, -1);
	db_bind_int64(st, b + 8, a->handler_unit_id);
	db_bind_text(st, b + 9, a->handler_path, -1);
	db_bind_int64(st, b + 10, a->station_id);
	db_bind_text(st, b + 11, a->address, -1);
	db_bind_int64(st, b + 12, a->has_coords);
	db_bind_double(st, b + 13, a->lng);
	db_bind_int64(st, b + 14, a->has_coords);
	db_bind_double(st, b + 15, a->lat);
	db_bind_text(st, b + 16, a->photos, -1);
	db_bind_int64(st, b + 17, a->reporter_id);
	db_bind_int64(st, b + 18, a->created_by);
	db_bind_text(st, b + 19, a->contact_name, -1);
	if (a->phone_enc)
		db_bind_blob(st, b + 20, a->phone_enc, a->phone_enc_len);
	else
		db_bind_null(st, b + 20);
	db_bind_text(st, b + 21, a->phone_mask, -1);
	db_bind_text(st, b + 22, a->phone_last4, -1);
	db_bind_text(st, b + 23, r->search[i], -1);
	db_bind_text(st, b + 24, a->idem_key, -1);
	db_bind_int64(st, b + 25, a->accept_due);
	db_bind_int64(st, b + 26, a->created_at);
	db_bind_int64(st, b + 27, a->created_at);
}

/* RETURNING id, case_no: match each row to its submission by case number. */
static int appeal_ids(struct db_stmt *st, const struct rows *r, int first, int n)
{
	int rc, got = 0;

	while ((rc = db_step(st)) == DB_ROW) {
		const char *no = db_col_text(st, 1);
		for (int i = first; i < first + n; i++)
			if (!strcmp(r->a[i]->case_no, no)) {
				r->a[i]->id = db_col_int64(st, 0);
				got++;
				break;
			}
	}
	return rc < 0 ? rc : got == n ? 0 : DB_ERR;
}

static void bind_event(struct db_stmt *st, int b, const struct rows *r, int i)
{
	const struct appeal_new *a = r->a[i];

	db_bind_int64(st, b + 1, a->id);
	db_bind_int64(st, b + 2, a->created_at);
	db_bind_int64(st, b + 3, a->created_by ? a->created_by : a->reporter_id);
	db_bind_text(st, b + 4, a->actor_name, -1);
	db_bind_text(st, b + 5, a->photos, -1);
	db_bind_text(st, b + 6, r->details[i], -1);
}

static void bind_scope(struct db_stmt *st, int b, const struct rows *r, int i)
{
	db_bind_int64(st, b + 1, r->scope_unit[i]);
	db_bind_int64(st, b + 2, r->a[r->scope_of[i]]->id);
}

static void bind_message(struct db_stmt *st, int b, const struct rows *r, int i)
{
	const struct appeal_new *a = r->a[r->msg_of[i]];
	int to_reporter = r->msg_kind[i];

	db_bind_int64(st, b + 1, to_reporter ? a->reporter_id : 0);
	db_bind_int64(st, b + 2, to_reporter ? 0 : a->handler_unit_id);
	db_bind_int64(st, b + 3, a->id);
	db_bind_text(st, b + 4, to_reporter ? "您的诉求已提交" : "新诉求待受理", -1);
	db_bind_text(st, b + 5, a->case_no, -1);
	db_bind_int64(st, b + 6, a->created_at);
}

static void bind_notification(struct db_stmt *st, int b, const struct rows *r, int i)
{
	db_bind_int64(st, b + 1, r->a[i]->id);
	db_bind_text(st, b + 2, r->payload[i], -1);
	db_bind_int64(st, b + 3, r->a[i]->created_at);
	db_bind_int64(st, b + 4, r->a[i]->created_at);
}

/*
 * The whole batch in one pass inside the caller's transaction: replays
 * found by one query, one counter update per day, then one multi-row
 * INSERT per table. 0, or <0 (the caller rolls back and goes item by item).
 */
static int insert_many(struct db_conn *c, struct appeal_new **items, int n)
{
	struct rows r = { 0 };
	int nf = 0, rc = 0, keyed = 0;

	/* Replays: one look-up for every key in the batch. */
	for (int i = 0; i < n; i++)
		keyed += items[i]->idem_key != NULL;
	if (keyed) {
		char *sql = db_values_sql("SELECT id, case_no, status, idem_key FROM appeals WHERE "
					  "idem_key IN (",
					  "?", keyed, ")");
		struct db_stmt *st;
		if (!sql)
			return DB_ENOMEM;
		rc = db_prepare(c, sql, &st);
		free(sql);
		if (rc < 0)
			return rc;
		for (int i = 0, k = 1; i < n; i++)
			if (items[i]->idem_key)
				db_bind_text(st, k++, items[i]->idem_key, -1);
		while ((rc = db_step(st)) == DB_ROW)
			for (int i = 0; i < n; i++)
				if (items[i]->idem_key &&
				    !strcmp(items[i]->idem_key, db_col_text(st, 3))) {
					items[i]->id = db_col_int64(st, 0);
					snprintf(items[i]->case_no, sizeof items[i]->case_no, "%s",
						 db_col_text(st, 1));
					snprintf(items[i]->status, sizeof items[i]->status, "%s",
						 db_col_text(st, 2));
					items[i]->replayed = 1;
				}
		db_reset(st);
		if (rc < 0)
			return rc;
	}
	/* The same key twice in one batch: the later one replays the first. */
	int *dup_of = malloc((size_t)n * sizeof *dup_of);
	r.a = malloc((size_t)n * sizeof *r.a);
	if (!dup_of || !r.a) {
		free(dup_of);
		free(r.a);
		return DB_ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		dup_of[i] = -1;
		for (int j = 0; j < i && items[i]->idem_key && !items[i]->replayed; j++)
			if (items[j]->idem_key && dup_of[j] < 0 && !items[j]->replayed &&
			    !strcmp(items[i]->idem_key, items[j]->idem_key))
				dup_of[i] = j;
		if (!items[i]->replayed && dup_of[i] < 0)
			r.a[nf++] = items[i];
	}
	if (!nf)
		goto dups;

	/* Case numbers: one counter update per day in the batch. */
	for (int i = 0; rc >= 0 && i < nf; i++) {
		char day[9];
		int64_t last = 0, k = 0;
		if (r.a[i]->case_no[0])
			continue;
		appeal_day_text(r.a[i]->created_at, day);
		for (int j = i; j < nf; j++) {
			char d2[9];
			appeal_day_text(r.a[j]->created_at, d2);
			k += !strcmp(day, d2) && !r.a[j]->case_no[0];
		}
		rc = db_query_int64(
			c, &last,
			"INSERT INTO appeal_counters (day, last) VALUES (?, ?) ON CONFLICT "
			"(day) DO UPDATE SET last = appeal_counters.last + excluded.last "
			"RETURNING last",
			"ti", day, k);
		if (rc != DB_ROW) {
			rc = rc < 0 ? rc : DB_ERR;
			break;
		}
		rc = 0;
		for (int j = i, seq = (int)(last - k); j < nf; j++) {
			char d2[9];
			appeal_day_text(r.a[j]->created_at, d2);
			if (!strcmp(day, d2) && !r.a[j]->case_no[0])
				snprintf(r.a[j]->case_no, sizeof r.a[j]->case_no, "%s%05d", day,
					 ++seq);
		}
	}

	/* What each row needs beside the submission itself. */
	r.search = calloc((size_t)nf, sizeof *r.search);
	r.payload = calloc((size_t)nf, sizeof *r.payload);
	r.details = calloc((size_t)nf, sizeof *r.details);
	r.scope_unit = malloc((size_t)nf * APPEAL_SCOPE_MAX * sizeof *r.scope_unit);
	r.scope_of = malloc((size_t)nf * APPEAL_SCOPE_MAX * sizeof *r.scope_of);
	r.msg_of = malloc((size_t)nf * 2 * sizeof *r.msg_of);
	r.msg_kind = malloc((size_t)nf * 2 * sizeof *r.msg_kind);
	if (!r.search || !r.payload || !r.details || !r.scope_unit || !r.scope_of || !r.msg_of ||
	    !r.msg_kind)
		rc = DB_ENOMEM;
	for (int i = 0; rc >= 0 && i < nf; i++) {
		struct appeal_new *a = r.a[i];
		int64_t ids[APPEAL_SCOPE_MAX];
		int m = appeal_scope_units(a->unit_path, a->handler_path, ids);
		r.search[i] = appeal_search_text(a->title, a->description, a->address);
		snprintf(r.details[i], sizeof r.details[i], "{\"channel\":\"%s\"}", a->channel);
		if (!r.search[i])
			rc = DB_ENOMEM;
		for (int k = 0; k < m; k++) {
			r.scope_unit[r.nscope] = ids[k];
			r.scope_of[r.nscope++] = i;
		}
		r.msg_of[r.nmsg] = i;
		r.msg_kind[r.nmsg++] = 0;
		if (a->reporter_id) {
			r.msg_of[r.nmsg] = i;
			r.msg_kind[r.nmsg++] = 1;
		}
		snprintf(a->status, sizeof a->status, "submitted");
	}
	if (rc >= 0)
		rc = insert_rows(
			c,
			"INSERT INTO appeals (case_no, category_id, title, description, status, "
			"channel, unit_id, unit_path, handler_unit_id, handler_path, station_id, "
			"address, lng, lat, photos, reporter_id, created_by, contact_name, "
			"contact_phone_enc, contact_phone_mask, phone_last4, search_text, "
			"idem_key, "
			"accept_due, created_at, updated_at) VALUES ",
			"(?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, "
			"CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END, CASE WHEN ? = 1 "
			"THEN "
			"CAST(? AS DOUBLE PRECISION) END, ?, NULLIF(CAST(? AS BIGINT), 0), "
			"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			27, " RETURNING id, case_no", nf, bind_appeal, &r, appeal_ids);
	/* The outbox payloads need the ids. */
	for (int i = 0; rc >= 0 && i < nf; i++) {
		const struct appeal_new *a = r.a[i];
		json_t *p =
			JB_OBJ(jb_int("id", a->id), jb_str("case_no", a->case_no),
			       jb_str("status", "submitted"), jb_str("channel", a->channel),
			       jb_int("at", a->created_at), jb_str("event", "appeal.submitted"));
		r.payload[i] = p ? json_dumps(p, JSON_COMPACT) : NULL;
		json_decref(p);
		if (!r.payload[i])
			rc = DB_ENOMEM;
	}
	if (rc >= 0)
		rc = insert_rows(c,
				 "INSERT INTO appeal_events (appeal_id, at, actor_id, actor_name, "
				 "action, from_status, to_status, note, photos, details) VALUES ",
				 "(?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, 'submit', NULL, "
				 "'submitted', '', ?, ?)",
				 6, "", nf, bind_event, &r, NULL);
	if (rc >= 0)
		rc = insert_rows(c, "INSERT INTO appeal_scope (unit_id, appeal_id, status) VALUES ",
				 "(?, ?, 'submitted')", 2, "", r.nscope, bind_scope, &r, NULL);
	if (rc >= 0)
		rc = insert_rows(
			c,
			"INSERT INTO messages (account_id, unit_id, appeal_id, kind, title, "
			"body, created_at) VALUES ",
			"(NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, "
			"'appeal.submitted', ?, ?, ?)",
			6, "", r.nmsg, bind_message, &r, NULL);
	if (rc >= 0)
		rc = insert_rows(
			c,
			"INSERT INTO notifications (appeal_id, event, payload, created_at, "
			"next_attempt_at) VALUES ",
			"(?, 'appeal.submitted', ?, ?, ?)", 4, "", nf, bind_notification, &r, NULL);
	for (int i = 0; i < nf; i++) {
		if (r.search)
			free(r.search[i]);
		if (r.payload)
			free(r.payload[i]);
	}
	free(r.search);
	free(r.payload);
	free(r.details);
	free(r.scope_unit);
	free(r.scope_of);
	free(r.msg_of);
	free(r.msg_kind);
dups:
	for (int i = 0; rc >= 0 && i < n; i++)
		if (dup_of[i] >= 0) {
			const struct appeal_new *o = items[dup_of[i]];
			items[i]->id = o->id;
			memcpy(items[i]->case_no, o->case_no, sizeof o->case_no);
			memcpy(items[i]->status, o->status, sizeof o->status);
			items[i]->replayed = 1;
		}
	for (int i = 0; i < n; i++)
		items[i]->rc = rc < 0 ? rc : 0;
	free(dup_of);
	free(r.a);
	return rc < 0 ? rc : 0;
}

/* Insert items in one transaction and commit: 0, or <0 (rolled back). */
static int insert_all(struct db_conn *c, struct appeal_new **items, int n)
{
	int rc = db_begin(c);

	for (int i = 0; rc == 0 && i < n; i++) {
		items[i]->replayed = 0;
		rc = items[i]->rc = insert_one(c, items[i]);
		if (rc < 0)
			log_warn("appeal submission failed: %s", db_errmsg(c));
	}
	if (rc == 0 && (rc = db_commit(c)) < 0)
		log_error("appeal batch of %d: commit failed: %s", n, db_errmsg(c));
	if (rc < 0)
		db_rollback(c);
	return rc;
}

/*
 * Insert a batch in one transaction (one fsync); sets every item's rc. If
 * any item fails, the batch is rolled back and each item is tried again in
 * a transaction of its own, so one bad submission fails alone.
 *
 * These two begin and commit by hand rather than through db_tx_run(): the
 * group-commit writer is its own retry policy. A failed batch (busy
 * included) falls back to one transaction per item and every waiting
 * worker gets its item's status; rerunning a whole batch on DB_EBUSY would
 * hold every submitter in it for the backoff, and the items' outputs
 * (case numbers, replay marks) are reset here by hand before each try.
 */
static void submit_batch(struct db_conn *c, struct appeal_new **items, int n)
{
	int rc = db_begin(c);

	for (int i = 0; i < n; i++) {
		items[i]->replayed = 0;
		items[i]->case_no[0] = '\0';
	}
	if (rc == 0)
		rc = insert_many(c, items, n);
	if (rc == 0 && (rc = db_commit(c)) < 0)
		log_error("appeal batch of %d: commit failed: %s", n, db_errmsg(c));
	if (rc < 0) {
		db_rollback(c);
		for (int i = 0; i < n; i++)
			items[i]->case_no[0] = '\0';
	}

	if (rc < 0) /* one at a time, so a bad submission fails alone */
		for (int i = 0; i < n; i++)
			insert_all(c, items + i, 1);
	for (int i = 0; i < n; i++)
		if (items[i]->rc < 0)
			items[i]->replayed = 0;
	notify_kick();
}

static void *writer_main(void *arg)
{
	struct db_conn *c = db_conn_thread(W.srv->db);
	struct appeal_new **batch = calloc((size_t)W.batch_max, sizeof *batch);
	struct pending **taken = calloc((size_t)W.batch_max, sizeof *taken);

	(void)arg;
	pthread_mutex_lock(&W.mu);
	for (;;) {
		while (!W.head && !W.stop)
			pthread_cond_wait(&W.work, &W.mu);
		if (!W.head && W.stop)
			break;
		int n = 0;
		while (W.head && n < W.batch_max && batch && taken) {
			taken[n] = W.head;
			batch[n] = W.head->a;
			W.head = W.head->next;
			n++;
		}
		if (!W.head)
			W.tail = NULL;
		pthread_mutex_unlock(&W.mu);
		if (!c || !batch || !taken)
			for (int i = 0; i < n; i++)
				batch[i]->rc = DB_EUNAVAILABLE;
		else {
			int64_t t0 = clock_mono_us();
			submit_batch(c, batch, n);
			m_batch_us += clock_mono_us() - t0;
			m_batches++;
			m_items += n;
			for (int i = 0; i < n; i++)
				m_failed += batch[i]->rc < 0;
		}
		pthread_mutex_lock(&W.mu);
		for (int i = 0; i < n; i++) {
			taken[i]->done = 1;
			pthread_cond_signal(&taken[i]->cv);
		}
	}
	pthread_mutex_unlock(&W.mu);
	free(batch);
	free(taken);
	return NULL;
}

int appeal_writer_start(struct server *srv)
{
	W.srv = srv;
	W.batch_max = (int)srv->cfg->submit_batch_max;
	if (srv->metrics)
		metrics_add_source(srv->metrics, writer_metrics);
	W.stop = 0;
	if (pthread_create(&W.thread, NULL, writer_main, NULL))
		return -1;
	W.running = 1;
	return 0;
}

void appeal_writer_stop(void)
{
	if (!W.running)
		return;
	pthread_mutex_lock(&W.mu);
	W.stop = 1;
	pthread_cond_broadcast(&W.work);
	pthread_mutex_unlock(&W.mu);
	pthread_join(W.thread, NULL);
	W.running = 0;
}

void appeal_submit(struct appeal_new *a)
{
	struct pending p = { .a = a, .cv = PTHREAD_COND_INITIALIZER };

	pthread_mutex_lock(&W.mu);
	if (!W.running || W.stop) {
		pthread_mutex_unlock(&W.mu);
		a->rc = DB_EUNAVAILABLE;
		return;
	}
	if (W.tail)
		W.tail->next = &p;
	else
		W.head = &p;
	W.tail = &p;
	pthread_cond_signal(&W.work);
	while (!p.done)
		pthread_cond_wait(&p.cv, &W.mu);
	pthread_mutex_unlock(&W.mu);
	pthread_cond_destroy(&p.cv);
}

/* ---- the handler ------------------------------------------------------- */

/* The grid whose boundary holds the point: DB_ROW and *out, DB_DONE, or <0. */
static int grid_at_point(struct db_conn *c, double lng, double lat, struct unit_ref *out)
{
	struct db_stmt *st;
	int64_t found = 0;
	int rc =
		db_prepare(c,
			   "SELECT id, boundary FROM units WHERE kind = 'grid' AND boundary IS NOT "
			   "NULL AND min_lng <= ? AND max_lng >= ? AND min_lat <= ? AND max_lat >= "
			   "? ORDER BY id",
			   &st);

	if (rc < 0)
		return rc;
	db_bind_double(st, 1, lng);
	db_bind_double(st, 2, lng);
	db_bind_double(st, 3, lat);
	db_bind_double(st, 4, lat);
	while ((rc = db_step(st)) == DB_ROW)
		if (geojson_contains(db_col_text(st, 1), lng, lat)) {
			found = db_col_int64(st, 0);
			break;
		}
	db_reset(st);
	if (rc < 0)
		return rc;
	return found ? unit_get(c, found, out) : DB_DONE;
}

/* The root of the tree (the district). */
static int root_unit(struct db_conn *c, struct unit_ref *out)
{
	int64_t id = 0;
	int rc = db_query_int64(c, &id, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id",
				"");

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_DONE;
	return unit_get(c, id, out);
}

int appeal_locate(struct db_conn *c, struct appeal_new *a, int64_t unit_id,
		  const char *station_code, struct unit_ref *u, const char **field,
		  const char **why)
{
	int rc = DB_DONE;

	if (!a->address)
		a->address = "";
	if (a->has_coords && (a->lng < 73 || a->lng > 136 || a->lat < 3 || a->lat > 54)) {
		*field = "lng";
		*why = "a point in China (WGS 84 longitude, latitude)";
		return 1;
	}
	if (unit_id) {
		rc = unit_get(c, unit_id, u);
		if (rc == DB_DONE) {
			*field = "unit_id";
			*why = "no such unit";
			return 1;
		}
	} else if (station_code) {
		struct db_stmt *st;
		rc = db_prepare(c, "SELECT id, grid_id FROM stations WHERE public_code = ?", &st);
		if (rc >= 0) {
			db_bind_text(st, 1, station_code, -1);
			rc = db_step(st);
			if (rc == DB_ROW) {
				a->station_id = db_col_int64(st, 0);
				unit_id = db_col_int64(st, 1);
			}
			db_reset(st);
		}
		if (rc == DB_DONE) {
			*field = "station_code";
			*why = "no station has this code";
			return 1;
		}
		if (rc == DB_ROW)
			rc = unit_get(c, unit_id, u);
	} else if (a->has_coords) {
		rc = grid_at_point(c, a->lng, a->lat, u);
		if (rc == DB_DONE && !*a->address) {
			*field = "lng";
			*why = "the point lies in no grid of this district";
			return 1;
		}
	} else if (!*a->address) {
		*field = "unit_id";
		*why = "give unit_id, station_code, lng/lat or address";
		return 1;
	}
	if (rc == DB_DONE) /* an address alone: the district triages it */
		rc = root_unit(c, u);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR);
}

/* The place from "unit_id", "station_code", "lng"/"lat" or "address". 0, or -1 answered. */
static int place_or_reply(struct req *req, struct db_conn *c, struct appeal_new *a,
			  struct unit_ref *u)
{
	int64_t uid = 0;
	const char *code = NULL, *field, *why;
	json_t *jl = json_object_get(req->json, "lng"), *jt = json_object_get(req->json, "lat");
	int rc;

	if (json_get_int_or_reply(req, req->json, "unit_id", 0, 1, INT64_MAX, &uid) < 0 ||
	    json_get_str_or_reply(req, req->json, "station_code", 0, 20, &code) < 0 ||
	    json_get_str_or_reply(req, req->json, "address", 0, 300, &a->address) < 0)
		return -1;
	if ((jl || jt) && (!json_is_number(jl) || !json_is_number(jt))) {
		reply_invalid(req, "lng", "lng and lat must both be numbers");
		return -1;
	}
	if (jl) {
		a->lng = json_number_value(jl);
		a->lat = json_number_value(jt);
		a->has_coords = 1;
	}
	rc = appeal_locate(c, a, uid, code, u, &field, &why);
	if (rc == 1)
		reply_invalid(req, field, why);
	else if (rc < 0)
		reply_error(req, ERR_DB_UNAVAILABLE);
	return rc ? -1 : 0;
}

int appeal_route(struct db_conn *c, struct appeal_new *a, const struct unit_ref *place,
		 struct unit_ref *handler)
{
	static const int depth_of_level[] = {
		[LEVEL_GRID] = 3, [LEVEL_COMMUNITY] = 2, [LEVEL_STREET] = 1, [LEVEL_DEPARTMENT] = 0
	};
	int d = depth_of_level[a->cat->level], rc;

	if (d > place->depth)
		d = place->depth;
	if (d == place->depth) {
		*handler = *place;
		rc = DB_ROW;
	} else {
		rc = unit_get(c, path_id_at_depth(place->path, d), handler);
	}
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	a->unit_id = place->id;
	a->unit_path = place->path;
	a->handler_unit_id = handler->id;
	a->handler_path = handler->path;
	if (!a->created_at)
		a->created_at = clock_now();
	return cal_deadline_db(c, a->created_at, a->cat->accept_amount, a->cat->accept_workdays,
			       &a->accept_due);
}

static const char *const staff_channels[] = { "phone", "walk_in", "hotline", "patrol", NULL };

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static void create_appeal(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct appeal_new a = { 0 };
	struct category cat;
	struct unit_ref place, handler;
	const char *cat_code = NULL, *channel = NULL, *phone = NULL, *idem;
	json_t *contact, *photos;
	char norm[24], mask[24], last4[5] = "";
	unsigned char blob[PII_MAX_BLOB];
	int rc, staff = au && auth_can(req, "appeal:create");

	if (!c)
		return;
	if (au && !staff && !auth_can(req, "appeal:report")) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (json_get_str_or_reply(req, req->json, "category", 1, 48, &cat_code) ||
	    json_get_str_or_reply(req, req->json, "title", 1, 100, &a.title) ||
	    json_get_str_or_reply(req, req->json, "description", 0, 2000, &a.description) < 0 ||
	    json_get_str_or_reply(req, req->json, "channel", 0, 16, &channel) < 0)
		return;
	if (!*a.title) {
		reply_invalid(req, "title", "must not be empty");
		return;
	}
	if (!a.description)
		a.description = "";
	rc = category_get_by_code(c, cat_code, &cat);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc != DB_ROW || !cat.active) {
		reply_invalid(req, "category", "no such category (GET /api/v1/appeal-categories)");
		return;
	}
	a.cat = &cat;

	/* Who reports, through which channel. */
	contact = json_object_get(req->json, "contact");
	if (contact && !json_is_object(contact)) {
		reply_invalid(req, "contact", "an object {\"name\", \"phone\"}");
		return;
	}
	if (contact && (json_get_str_or_reply(req, contact, "name", 0, 60, &a.contact_name) < 0 ||
			json_get_str_or_reply(req, contact, "phone", 0, 30, &phone) < 0))
		return;
	if (!a.contact_name)
		a.contact_name = "";
	if (staff) {
		if (!channel || !in_list(channel, staff_channels)) {
			reply_invalid(req, "channel",
				      "staff report through phone, walk_in, hotline "
				      "or patrol");
			return;
		}
		if (strcmp(channel, "patrol") && !phone) {
			reply_invalid(req, "contact", "the resident's contact phone is required");
			return;
		}
		a.created_by = au->account_id;
	} else {
		if (channel && strcmp(channel, "app") && strcmp(channel, "qr")) {
			reply_invalid(req, "channel", "app or qr");
			return;
		}
		if (!au && !phone) {
			reply_invalid(req, "contact", "anonymous reports need a contact phone");
			return;
		}
		if (au)
			a.reporter_id = au->account_id;
	}
	if (phone) {
		if (pii_phone_normalize(phone, norm) < 0) {
			reply_invalid(req, "contact",
				      "phone: a mainland mobile or landline number");
			return;
		}
		int blen = pii_encrypt(req->srv->pii, PII_PHONE, norm, blob);
		if (blen < 0) {
			reply_error(req, ERR_INTERNAL);
			return;
		}
		pii_mask(PII_PHONE, norm, mask);
		snprintf(last4, sizeof last4, "%s", norm + strlen(norm) - 4);
		a.phone_enc = blob;
		a.phone_enc_len = (size_t)blen;
		a.phone_mask = mask;
	} else {
		a.phone_mask = "";
	}
	a.phone_last4 = last4;

	/* Where, and who handles it. */
	if (place_or_reply(req, c, &a, &place))
		return;
	if (staff && !path_within(place.path, au->unit_path)) {
		reply_invalid(req, "unit_id", "outside your area");
		return;
	}
	a.channel = channel ? channel : (a.station_id ? "qr" : "app");
	a.created_at = clock_now();
	if (appeal_route(c, &a, &place, &handler) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}

	photos = json_object_get(req->json, "photos");
	if (photos && attach_ids_or_reply(req, c, photos, "photos", 9))
		return;
	a.photos = photos ? json_dumps(photos, JSON_COMPACT) : strdup("[]");
	if (!a.photos) {
		reply_error(req, ERR_INTERNAL);
		return;
	}

	idem = req_header(req, "Idempotency-Key");
	if (idem) {
		size_t n = strlen(idem);
		if (n == 0 || n > 100 ||
		    strspn(idem, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
				 "vwxyz0123456789-_.:") != n) {
			free((void *)a.photos);
			reply_invalid(req, "Idempotency-Key", "1 to 100 of A-Z a-z 0-9 - _ . :");
			return;
		}
		if (au) {
			a.idem_key = arena_printf(&req->arena, "a%lld:%s",
						  (long long)au->account_id, idem);
		} else {
			unsigned char bidx[PII_BIDX_BYTES];
			char hex[17];
			pii_blind_index(req->srv->pii, PII_PHONE, norm, bidx);
			for (int i = 0; i < 8; i++)
				snprintf(hex + 2 * i, 3, "%02x", bidx[i]);
			a.idem_key = arena_printf(&req->arena, "p%s:%s", hex, idem);
		}
	}

	a.actor_name = au ? au->display_name : (*a.contact_name ? a.contact_name : "匿名");

	appeal_submit(&a);
	free((void *)a.photos);
	sodium_memzero(norm, sizeof norm);
	if (a.rc < 0) {
		reply_error(req, a.rc == DB_ECONSTRAINT ? ERR_CONFLICT : ERR_DB_UNAVAILABLE);
		return;
	}
	if (a.replayed)
		reply_header(req, "Idempotent-Replayed", "true");
	char due[32];
	reply_json(req, 201,
		   JB_OBJ(jb_int("id", a.id), jb_str("case_no", a.case_no),
			  jb_str("status", a.status),
			  jb_str("accept_due", clock_format_shanghai(a.accept_due, due))));
}

const struct route appeal_submit_routes[] = {
	{ "POST", "/api/v1/appeals", create_appeal, R_JSON | R_AUTH_OPTIONAL, NULL, 0 },
	{ 0 },
};
