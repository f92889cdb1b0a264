/*
 * store.c — the driver-independent half of store.h: opening, per-thread
 * connections, the statement cache, binding helpers and fault injection.
 *
 * Two drivers only, so dispatch is a branch on the connection's kind rather
 * than a table of function pointers.
 *
 * Statement cache. Each connection keeps its prepared statements in a hash
 * table keyed by SQL text. db_prepare() returns the cached statement unless it
 * is in use (a nested query with the same text), in which case a one-off
 * statement is prepared and finalized again by db_reset().
 *
 * Transactions. db_tx_run() is the one way handlers write in a transaction
 * (the contract is in store.h). Its retry rule: only DB_EBUSY is soft — the
 * database itself says that running the same transaction again may succeed
 * (SQLite's busy timeout ran out, PostgreSQL chose this transaction as the
 * victim of a serialization conflict or a deadlock). Anything else, including
 * a connection lost half-way, is answered at once. The backoff is short (2, 4,
 * 8, 16 ms plus jitter): on PostgreSQL the conflicting transaction is usually
 * gone by then; on SQLite the busy timeout already waited. The connection's
 * in_tx flag lets the HTTP server check at the end of every request that no
 * transaction was left open.
 */
#include "db/db_int.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Atomic long fail_countdown;
static _Atomic long fail_times = 1;
static _Atomic int fail_status = DB_EFAULT;
static _Atomic long tx_retries;
static _Atomic long busy_begins;
/* Background threads (the SLA sweeper, the notifier) do not count: a test
 * that arms "the next call fails" means the next call of a request. */
static _Thread_local int fault_exempt;

void db_test_fail_after(long n)
{
	db_test_fail_after_with(n, DB_EFAULT, 1);
}

void db_test_fail_after_with(long n, int status, long times)
{
	atomic_store(&fail_status, status < 0 ? status : DB_EFAULT);
	atomic_store(&fail_times, times > 0 ? times : 1);
	atomic_store(&fail_countdown, n);
}

void db_test_busy_begins(long n)
{
	atomic_store(&busy_begins, n);
}

void db_test_fault_exempt(void)
{
	fault_exempt = 1;
}

int db_fault_fire(void)
{
	long v = atomic_load(&fail_countdown);

	if (fault_exempt)
		return 0;
	while (v > 0) {
		if (atomic_compare_exchange_weak(&fail_countdown, &v, v - 1)) {
			if (v != 1)
				return 0;
			/* the n-th call fails; with times > 1 the next ones too */
			if (atomic_fetch_sub(&fail_times, 1) > 1)
				atomic_store(&fail_countdown, 1);
			return atomic_load(&fail_status);
		}
	}
	return 0;
}

void db_set_err(struct db_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
	va_end(ap);
	c->errmsg[strcspn(c->errmsg, "\n")] = '\0';
}

static int is_pg_url(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

static int conn_open(struct db *db, struct db_conn **out, char *err, size_t errlen)
{
	struct db_conn *c = calloc(1, sizeof *c);
	int rc;

	if (!c)
		return DB_ENOMEM;
	c->db = db;
	c->kind = db->kind;
	c->drv = db->kind == DB_SQLITE ? &db_sqlite_driver : &db_pg_driver;
	rc = c->drv->connect(c, db->target);
	if (rc < 0) {
		if (err)
			snprintf(err, errlen, "%s", c->errmsg);
		c->drv->disconnect(c);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void conn_close(struct db_conn *c)
{
	for (int b = 0; b < STMT_BUCKETS; b++) {
		struct db_stmt *st = c->cache[b];
		while (st) {
			struct db_stmt *next = st->next;
			c->drv->finalize(st);
			free(st->sql);
			free(st);
			st = next;
		}
	}
	c->drv->disconnect(c);
	free(c);
}

static int register_conn(struct db *db, struct db_conn *c)
{
	int rc = 0;

	pthread_mutex_lock(&db->lock);
	if (db->nconns == db->capconns) {
		size_t cap = db->capconns ? db->capconns * 2 : 16;
		struct db_conn **p = realloc(db->conns, cap * sizeof *p);
		if (p) {
			db->conns = p;
			db->capconns = cap;
		} else {
			rc = DB_ENOMEM;
		}
	}
	if (rc == 0)
		db->conns[db->nconns++] = c;
	pthread_mutex_unlock(&db->lock);
	if (rc == 0)
		pthread_setspecific(db->key, c);
	return rc;
}

int db_open(const char *url, struct db **out, char *err, size_t errlen)
{
	struct db *db;
	struct db_conn *c = NULL;
	const char *target = url;
	int rc;

	*out = NULL;
	if (!url || !*url) {
		snprintf(err, errlen, "no database given");
		return DB_EMISUSE;
	}
	db = calloc(1, sizeof *db);
	if (!db)
		return DB_ENOMEM;
	if (is_pg_url(url)) {
		db->kind = DB_POSTGRES;
	} else {
		db->kind = DB_SQLITE;
		if (!strncmp(url, "sqlite://", 9))
			target = url + 9;
		else if (!strncmp(url, "sqlite:", 7))
			target = url + 7;
		if (!*target || (strstr(url, "://") && strncmp(url, "sqlite://", 9) != 0)) {
			snprintf(err, errlen,
				 "unsupported database URL (expected a SQLite path or "
				 "postgres://...)");
			free(db);
			return DB_EMISUSE;
		}
	}
	db->target = strdup(target);
	pthread_mutex_init(&db->lock, NULL);
	if (!db->target || pthread_key_create(&db->key, NULL) != 0) {
		free(db->target);
		free(db);
		return DB_ENOMEM;
	}
	rc = conn_open(db, &c, err, errlen);
	if (rc == 0 && (rc = register_conn(db, c)) < 0)
		conn_close(c);
	if (rc < 0) {
		pthread_key_delete(db->key);
		pthread_mutex_destroy(&db->lock);
		free(db->target);
		free(db->conns);
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nconns; i++)
		conn_close(db->conns[i]);
	pthread_setspecific(db->key, NULL);
	pthread_key_delete(db->key);
	pthread_mutex_destroy(&db->lock);
	free(db->conns);
	free(db->target);
	free(db);
}

enum db_kind db_get_kind(const struct db *db)
{
	return db->kind;
}

const char *db_kind_name(const struct db *db)
{
	return db->kind == DB_POSTGRES ? "postgres" : "sqlite";
}

struct db_conn *db_conn_thread(struct db *db)
{
	struct db_conn *c = pthread_getspecific(db->key);
	char err[256];

	if (c)
		return c;
	if (conn_open(db, &c, err, sizeof err) < 0)
		return NULL;
	if (register_conn(db, c) < 0) {
		conn_close(c);
		return NULL;
	}
	return c;
}

const char *db_errmsg(const struct db_conn *c)
{
	return c->errmsg;
}

int db_exec(struct db_conn *c, const char *sql)
{
	int fault = db_fault_fire();

	if (fault) {
		db_set_err(c, "injected fault");
		return fault;
	}
	return c->drv->exec(c, sql);
}

int db_ping(struct db_conn *c)
{
	int64_t one = 0;
	int rc;

	if (c->drv->ping_reset && c->drv->ping_reset(c) < 0)
		return DB_EUNAVAILABLE;
	rc = db_query_int64(c, &one, "SELECT 1", "");
	return rc == DB_ROW && one == 1 ? 0 : (rc < 0 ? rc : DB_ERR);
}

int db_begin(struct db_conn *c)
{
	/* tests: db_test_busy_begins() */
	long busy = fault_exempt ? 0 : atomic_load(&busy_begins);
	int rc;

	while (busy > 0 && !atomic_compare_exchange_weak(&busy_begins, &busy, busy - 1))
		;
	if (busy > 0) {
		db_set_err(c, "injected busy lock");
		return DB_EBUSY;
	}
	rc = db_exec(c, c->kind == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc == 0)
		c->in_tx = 1;
	return rc;
}

int db_commit(struct db_conn *c)
{
	int rc = db_exec(c, "COMMIT");

	if (rc == 0)
		c->in_tx = 0;
	return rc;
}

int db_rollback(struct db_conn *c)
{
	c->in_tx = 0;
	/* never injected: a rollback must always be possible */
	return c->drv->exec(c, "ROLLBACK");
}

int db_in_tx(const struct db_conn *c)
{
	return c->in_tx;
}

struct db_conn *db_conn_current(struct db *db)
{
	return pthread_getspecific(db->key);
}

long db_tx_retries(void)
{
	return atomic_load(&tx_retries);
}

/* 2^attempt ms plus up to as much again of jitter, so racing retries spread out. */
static void tx_backoff(int attempt)
{
	static _Thread_local unsigned seed;
	long ms = 1L << attempt;
	struct timespec ts;

	if (!seed)
		seed = (unsigned)(uintptr_t)&seed ^ (unsigned)time(NULL);
	ms += rand_r(&seed) % (ms + 1);
	ts.tv_sec = 0;
	ts.tv_nsec = ms * 1000000L;
	nanosleep(&ts, NULL);
}

int db_tx_run(struct db_conn *c, db_tx_fn fn, void *ctx)
{
	int rc;

	if (c->in_tx) { /* inside an outer runner's transaction: it commits or retries */
		rc = fn(c, ctx);
		return rc > 0 ? DB_EMISUSE : rc;
	}
	for (int attempt = 1;; attempt++) {
		rc = db_begin(c);
		if (rc == 0) {
			rc = fn(c, ctx);
			if (rc > 0) {
				db_set_err(c, "transaction callback returned step result %d", rc);
				rc = DB_EMISUSE;
			}
			if (rc == 0)
				rc = db_commit(c);
			if (rc < 0)
				db_rollback(c);
		}
		if (rc != DB_EBUSY || attempt > DB_TX_RETRIES)
			return rc;
		atomic_fetch_add(&tx_retries, 1);
		tx_backoff(attempt);
	}
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	uint64_t h = hash_str(sql);
	struct db_stmt **bucket = &c->cache[h % STMT_BUCKETS], *st;
	int rc, cached = 1;

	for (st = *bucket; st; st = st->next) {
		if (st->hash == h && !strcmp(st->sql, sql)) {
			if (!st->in_use) {
				st->in_use = 1;
				*out = st;
				return 0;
			}
			cached = 0; /* in use: make a one-off */
			break;
		}
	}
	st = calloc(1, sizeof *st);
	if (!st)
		return DB_ENOMEM;
	st->conn = c;
	st->sql = strdup(sql);
	st->hash = h;
	st->cached = cached;
	if (!st->sql) {
		free(st);
		return DB_ENOMEM;
	}
	rc = c->drv->prepare(st);
	if (rc < 0) {
		c->drv->finalize(st);
		free(st->sql);
		free(st);
		return rc;
	}
	st->in_use = 1;
	if (cached) {
		st->next = *bucket;
		*bucket = st;
	}
	*out = st;
	return 0;
}

void db_reset(struct db_stmt *st)
{
	if (!st)
		return;
	st->conn->drv->reset(st);
	st->in_use = 0;
	if (!st->cached) {
		st->conn->drv->finalize(st);
		free(st->sql);
		free(st);
	}
}

static int bind(struct db_stmt *st, int idx, char type, int64_t i, double d, const void *p,
		size_t n)
{
	if (idx < 1)
		return DB_EMISUSE;
	return st->conn->drv->bind(st, idx, type, i, d, p, n);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	return bind(st, idx, 'i', v, 0, NULL, 0);
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
	return bind(st, idx, 'd', 0, v, NULL, 0);
}

int db_bind_text(struct db_stmt *st, int idx, const char *s, ssize_t len)
{
	if (!s)
		return bind(st, idx, 'n', 0, 0, NULL, 0);
	return bind(st, idx, 't', 0, 0, s, len < 0 ? strlen(s) : (size_t)len);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	if (!p)
		return bind(st, idx, 'n', 0, 0, NULL, 0);
	return bind(st, idx, 'b', 0, 0, p, n);
}

int db_bind_null(struct db_stmt *st, int idx)
{
	return bind(st, idx, 'n', 0, 0, NULL, 0);
}

int db_step(struct db_stmt *st)
{
	int fault = db_fault_fire();

	if (fault) {
		db_set_err(st->conn, "injected fault");
		return fault;
	}
	return st->conn->drv->step(st);
}

int db_column_count(struct db_stmt *st)
{
	return st->conn->drv->column_count(st);
}

int db_col_is_null(struct db_stmt *st, int col)
{
	return st->conn->drv->col_is_null(st, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
	return st->conn->drv->col_int64(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
	return st->conn->drv->col_double(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->conn->drv->col_text(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *n)
{
	return st->conn->drv->col_blob(st, col, n);
}

int64_t db_changes(struct db_conn *c)
{
	return c->changes;
}

static int bind_va(struct db_stmt *st, const char *types, va_list ap)
{
	int idx = 1, rc = 0;

	for (const char *t = types; *t && rc == 0; t++, idx++) {
		switch (*t) {
		case 'i': rc = db_bind_int64(st, idx, va_arg(ap, int64_t)); break;
		case 'd': rc = db_bind_double(st, idx, va_arg(ap, double)); break;
		case 't': rc = db_bind_text(st, idx, va_arg(ap, const char *), -1); break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = db_bind_blob(st, idx, p, n);
			break;
		}
		case 'n': rc = db_bind_null(st, idx); break;
		default: rc = DB_EMISUSE;
		}
	}
	return rc;
}

/* Step a bound statement to its end and reset it: 0, or <0. */
static int run_bound(struct db_stmt *st, int rc)
{
	if (rc == 0) {
		do
			rc = db_step(st);
		while (rc == DB_ROW);
		if (rc == DB_DONE)
			rc = 0;
	}
	db_reset(st);
	return rc;
}

/*
 * Prepare sql into st and bind the variadic arguments after types; rc gets
 * the bind's result. A failed prepare returns from the calling function.
 */
#define SELECT_VA(c, sql, types, st, rc)                                                           \
	do {                                                                                       \
		va_list ap;                                                                        \
		if (((rc) = db_prepare((c), (sql), &(st))) < 0)                                    \
			return (rc);                                                               \
		va_start(ap, types);                                                               \
		(rc) = bind_va((st), (types), ap);                                                 \
		va_end(ap);                                                                        \
	} while (0)

int db_run(struct db_conn *c, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	int rc;

	SELECT_VA(c, sql, types, st, rc);
	return run_bound(st, rc);
}

int db_run_changed(struct db_conn *c, int64_t *changed, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	int rc;

	*changed = 0;
	SELECT_VA(c, sql, types, st, rc);
	rc = run_bound(st, rc);
	if (rc == 0)
		*changed = db_changes(c);
	return rc;
}

int db_run_args_changed(struct db_conn *c, int64_t *changed, const char *sql,
			const struct db_arg *args, int n)
{
	int rc = db_run_args(c, sql, args, n);

	*changed = rc == 0 ? db_changes(c) : 0;
	return rc;
}

int db_run_args(struct db_conn *c, const char *sql, const struct db_arg *args, int n)
{
	struct db_stmt *st;
	int rc = db_prepare(c, sql, &st);

	if (rc < 0)
		return rc;
	db_bind_args(st, args, n);
	return run_bound(st, 0);
}

/* The rows of a bound statement (rc: the bind's result) through fn, then reset. */
static int each_bound(struct db_stmt *st, int rc, db_row_fn fn, void *ctx)
{
	while (rc == 0 && (rc = db_step(st)) == DB_ROW)
		rc = fn(st, ctx);
	db_reset(st);
	return rc == DB_DONE ? 0 : rc;
}

/* The first row of a bound statement through fn (may be NULL), then reset. */
static int one_bound(struct db_stmt *st, int rc, db_row_fn fn, void *ctx)
{
	if (rc == 0) {
		rc = db_step(st);
		if (rc == DB_ROW && fn) {
			int frc = fn(st, ctx);
			if (frc < 0)
				rc = frc;
		}
	}
	db_reset(st);
	return rc;
}

static int int64_row(struct db_stmt *st, void *out)
{
	*(int64_t *)out = db_col_int64(st, 0);
	return 0;
}

struct text_out {
	char *buf;
	size_t n;
};

static int text_row(struct db_stmt *st, void *p)
{
	struct text_out *o = p;
	const char *t = db_col_text(st, 0);

	snprintf(o->buf, o->n, "%s", t ? t : "");
	return 0;
}

int db_select(struct db_conn *c, struct db_stmt **st, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc = db_prepare(c, sql, st);

	if (rc < 0)
		return rc;
	va_start(ap, types);
	rc = bind_va(*st, types, ap);
	va_end(ap);
	if (rc < 0)
		db_reset(*st);
	return rc;
}

int db_select_args(struct db_conn *c, struct db_stmt **st, const char *sql,
		   const struct db_arg *args, int n)
{
	int rc = db_prepare(c, sql, st);

	if (rc < 0)
		return rc;
	db_bind_args(*st, args, n);
	return 0;
}

int db_each(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	int rc;

	SELECT_VA(c, sql, types, st, rc);
	return each_bound(st, rc, fn, ctx);
}

int db_one(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	int rc;

	SELECT_VA(c, sql, types, st, rc);
	return one_bound(st, rc, fn, ctx);
}

int db_query_int64(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	int rc;

	SELECT_VA(c, sql, types, st, rc);
	return one_bound(st, rc, int64_row, out);
}

int db_text(struct db_conn *c, char *out, size_t n, const char *sql, const char *types, ...)
{
	struct text_out o = { out, n };
	struct db_stmt *st;
	int rc;

	SELECT_VA(c, sql, types, st, rc);
	return one_bound(st, rc, text_row, &o);
}

int db_each_args(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql,
		 const struct db_arg *args, int n)
{
	struct db_stmt *st;
	int rc = db_select_args(c, &st, sql, args, n);

	return rc < 0 ? rc : each_bound(st, 0, fn, ctx);
}

int db_one_args(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql,
		const struct db_arg *args, int n)
{
	struct db_stmt *st;
	int rc = db_select_args(c, &st, sql, args, n);

	return rc < 0 ? rc : one_bound(st, 0, fn, ctx);
}

int db_query_int64_args(struct db_conn *c, int64_t *out, const char *sql, const struct db_arg *args,
			int n)
{
	return db_one_args(c, int64_row, out, sql, args, n);
}

char *db_values_sql(const char *head, const char *tuple, int n, const char *tail)
{
	size_t cap = strlen(head) + (size_t)n * (strlen(tuple) + 2) + strlen(tail) + 1, used;
	char *sql = malloc(cap);

	if (!sql)
		return NULL;
	used = (size_t)snprintf(sql, cap, "%s", head);
	for (int r = 0; r < n; r++)
		used += (size_t)snprintf(sql + used, cap - used, "%s%s", r ? ", " : "", tuple);
	snprintf(sql + used, cap - used, "%s", tail);
	return sql;
}

int db_prepare_values(struct db_conn *c, const char *head, const char *tuple, int n,
		      const char *tail, struct db_stmt **out)
{
	char *sql = db_values_sql(head, tuple, n, tail);
	int rc;

	if (!sql)
		return DB_ENOMEM;
	rc = db_prepare(c, sql, out);
	free(sql);
	return rc;
}

void db_bind_args(struct db_stmt *st, const struct db_arg *args, int n)
{
	for (int i = 0; i < n; i++) {
		if (args[i].type == 'i')
			db_bind_int64(st, i + 1, args[i].i);
		else
			db_bind_text(st, i + 1, args[i].t, -1);
	}
}

void db_like_pattern(const char *q, int lower, char *out, size_t n)
{
	size_t j = 0;

	if (n < 3) {
		if (n)
			out[0] = '\0';
		return;
	}
	out[j++] = '%';
	for (; *q && j + 3 < n; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[j++] = '\\';
		out[j++] = lower && *q >= 'A' && *q <= 'Z' ? (char)(*q - 'A' + 'a') : *q;
	}
	out[j++] = '%';
	out[j] = '\0';
}
