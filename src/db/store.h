/*
 * store.h — the one database API, for SQLite and PostgreSQL alike.
 *
 * Nothing outside src/db/ sees a sqlite3_* or PG* type. Modules write SQL with
 * '?' placeholders in the common subset of the two dialects; the PostgreSQL
 * driver rewrites them to $1, $2 ... (outside string literals). Values are
 * always bound, never spliced into SQL text.
 *
 * Ownership and threads:
 *   struct db       an opened database (driver + settings). Thread-safe handle,
 *                   shared by the whole process.
 *   struct db_conn  one connection. Use it from one thread at a time. Worker
 *                   threads take theirs with db_conn_thread(), which opens it on
 *                   first use and keeps it for the life of the thread.
 *   struct db_stmt  a prepared statement owned by its connection. db_prepare()
 *                   returns a cached statement when the same SQL text was
 *                   prepared before on that connection; db_reset() hands it back
 *                   (clears bindings and results). Never free a statement.
 *
 * Return values: 0 or a DB_* status on success, a negative DB_E* on failure.
 * db_errmsg() tells the last error's text on that connection.
 *
 * Times are stored as BIGINT seconds (or microseconds) since the epoch, UTC.
 * Booleans are INTEGER 0/1. Money is BIGINT fen.
 */
#ifndef SHUNIU_DB_STORE_H
#define SHUNIU_DB_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum db_kind { DB_SQLITE = 1, DB_POSTGRES = 2 };

enum {
	DB_OK = 0,
	DB_ROW = 1,  /* db_step: a row is available */
	DB_DONE = 2, /* db_step: no (more) rows */
};

enum {
	DB_ERR = -1,	      /* any other failure */
	DB_ECONSTRAINT = -2,  /* unique, foreign key, check or not-null violation */
	DB_EBUSY = -3,	      /* lock not obtained in time / serialization failure */
	DB_EUNAVAILABLE = -4, /* cannot connect, connection lost, disk I/O error */
	DB_ENOMEM = -5,
	DB_EMISUSE = -6, /* bad index, bad URL, wrong call order */
	DB_EFAULT = -7,	 /* injected by db_test_fail_after() */
	DB_EABORT = -8,	 /* a db_tx_run() callback refused: roll back, never retry */
};

struct db;
struct db_conn;
struct db_stmt;
/* A row handed to a reader (db_each, db_one): 0 goes on, DB_ROW stops, <0 fails. */
typedef int (*db_row_fn)(struct db_stmt *st, void *ctx);

/*
 * Open a database. url is one of
 *   postgres://... or postgresql://...      (libpq connection URI)
 *   sqlite:PATH, sqlite://PATH or a plain PATH (SQLite file, created if absent)
 * The SQLite driver opens every connection with WAL, synchronous=FULL,
 * foreign_keys=ON and a busy timeout. Connects once to check the URL; on
 * failure writes a message (without any password) into err.
 */
int db_open(const char *url, struct db **out, char *err, size_t errlen);
void db_close(struct db *db); /* closes every connection; call after workers stopped */
enum db_kind db_get_kind(const struct db *db);
const char *db_kind_name(const struct db *db); /* "sqlite" or "postgres" */

/* This thread's connection, opened on first use. NULL if it cannot connect. */
struct db_conn *db_conn_thread(struct db *db);
const char *db_errmsg(const struct db_conn *c);
/* Cheap liveness check (SELECT 1); reconnects a broken PostgreSQL connection once. */
int db_ping(struct db_conn *c);

/* Run SQL without parameters; may hold several ';'-separated statements. */
int db_exec(struct db_conn *c, const char *sql);

/*
 * Transactions: the runner. Everything that writes in a transaction goes through it:
 *
 *     static int add_tx(struct db_conn *c, void *ctx) { ... return rc; }
 *     rc = db_tx_run(c, add_tx, &x);
 *
 * db_tx_run() begins (on SQLite BEGIN IMMEDIATE, which takes the write lock at
 * once), calls fn(c, ctx) and commits when fn returns 0; when fn returns
 * anything else it rolls back. When the begin, fn or the commit fails with
 * DB_EBUSY — SQLite: the lock was not obtained within the busy timeout;
 * PostgreSQL: serialization failure (40001), deadlock (40P01), lock not
 * available (55P03) — it rolls back, sleeps a few milliseconds (growing, with
 * jitter) and runs the whole transaction again, at most DB_TX_RETRIES times
 * more; then it gives up with DB_EBUSY. Retries are counted (db_tx_retries()).
 *
 * Returns 0 when committed; otherwise fn's value, or the error of the begin or
 * commit. A positive value from fn (a DB_ROW/DB_DONE that slipped through) is
 * rolled back and returned as DB_EMISUSE.
 *
 * The callback's contract:
 *   - It may run several times. It starts from its inputs in ctx every time
 *     and sets (never appends to) its outputs; what it allocates in a request
 *     arena is freed with the request, so a rerun may simply allocate again.
 *     No effect outside the database (a file, a reply, a message sent) may
 *     happen inside it.
 *   - It returns 0 to commit, a negative DB_E* from the store to roll back,
 *     or DB_EABORT when it refuses for a reason of its own (a rule broken, a
 *     row in the wrong state), leaving that reason in ctx for its caller. Only
 *     DB_EBUSY is retried.
 *   - It does not answer an HTTP request: the handler answers after
 *     db_tx_run() returned, from rc and what ctx holds. The one exception
 *     is a refusal: a callback may answer through an *_or_reply helper and
 *     return DB_EABORT at once, since DB_EABORT is never retried (the
 *     handler then returns without answering again).
 *   - It never calls db_begin/db_commit/db_rollback itself.
 * Called while c is already inside a transaction (a helper run by an outer
 * callback), db_tx_run() only calls fn: the outer runner commits or retries.
 */
#define DB_TX_RETRIES 4
typedef int (*db_tx_fn)(struct db_conn *c, void *ctx);
int db_tx_run(struct db_conn *c, db_tx_fn fn, void *ctx);
/* Retries db_tx_run() made since the process started (for /metrics). */
long db_tx_retries(void);

/*
 * The primitives under the runner, for the few long-lived writers that need
 * their own control (migrations, bulk loads, the appeal group-commit writer);
 * each such caller says why in a comment. db_begin() sets the connection's
 * open-transaction flag, a successful db_commit() and any db_rollback() clear
 * it (a failed COMMIT leaves it set: the caller still owes the rollback).
 */
int db_begin(struct db_conn *c);
int db_commit(struct db_conn *c);
int db_rollback(struct db_conn *c);
/* Is c inside a transaction begun by db_begin()? */
int db_in_tx(const struct db_conn *c);
/* This thread's connection if it has one, without opening it; NULL otherwise. */
struct db_conn *db_conn_current(struct db *db);

/* Statements. Placeholders are '?', numbered from 1 in order of appearance. */
int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_text(struct db_stmt *st, int idx, const char *s,
		 ssize_t len); /* len -1: strlen; s NULL: NULL */
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
int db_bind_null(struct db_stmt *st, int idx);
int db_step(struct db_stmt *st); /* DB_ROW, DB_DONE or < 0 */
int db_column_count(struct db_stmt *st);
int db_col_is_null(struct db_stmt *st, int col); /* columns from 0 */
int64_t db_col_int64(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st,
			int col); /* NULL for NULL; valid until next step/reset */
const void *db_col_blob(struct db_stmt *st, int col, size_t *n);
void db_reset(struct db_stmt *st); /* done with it: clear bindings and results */
/* Rows changed by the last INSERT/UPDATE/DELETE statement stepped on c. */
int64_t db_changes(struct db_conn *c);

/*
 * Convenience: prepare, bind from a type string, step once, reset.
 * types: one letter per '?': 'i' int64_t, 'd' double, 't' const char * (NULL
 * binds NULL), 'b' const void *, size_t (two arguments), 'n' NULL (no argument).
 * db_run runs a statement that returns no rows we care about.
 * db_query_int64 returns the first column of the first row into *out
 * (DB_DONE and *out untouched when there is no row).
 */
int db_run(struct db_conn *c, const char *sql, const char *types, ...);
int db_query_int64(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...);
/* db_run(), and in *changed the rows it changed (0 when it failed): a guarded status change. */
int db_run_changed(struct db_conn *c, int64_t *changed, const char *sql, const char *types, ...);

/*
 * Values collected while a statement is assembled from optional fragments
 * (list filters), bound in order from parameter 1 by db_bind_args().
 */
struct db_arg {
	char type; /* 'i' int64_t, 't' text (NULL binds NULL) */
	int64_t i;
	const char *t;
};
#define DB_ARG_I(v) ((struct db_arg){ 'i', (v), NULL })
#define DB_ARG_T(v) ((struct db_arg){ 't', 0, (v) })
void db_bind_args(struct db_stmt *st, const struct db_arg *args, int n);
/* db_run() with collected arguments: prepare, bind args[0..n), step to the end, reset. */
int db_run_args(struct db_conn *c, const char *sql, const struct db_arg *args, int n);
int db_run_args_changed(struct db_conn *c, int64_t *changed, const char *sql,
			const struct db_arg *args, int n);
/* db_select(), db_each(), db_one() and db_query_int64() with collected arguments. */
int db_select_args(struct db_conn *c, struct db_stmt **st, const char *sql,
		   const struct db_arg *args, int n);
int db_each_args(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql,
		 const struct db_arg *args, int n);
int db_one_args(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql,
		const struct db_arg *args, int n);
int db_query_int64_args(struct db_conn *c, int64_t *out, const char *sql, const struct db_arg *args,
			int n);
#define DB_ARGS_N(a) ((int)(sizeof(a) / sizeof *(a)))

/*
 * Reading rows without writing the prepare/bind/step/reset loop by hand.
 *
 * db_select() prepares sql and binds it from a type string (as db_run); the
 * caller steps and resets. db_select_args() binds collected arguments.
 *
 * db_each() prepares, binds, calls fn(st, ctx) for every row and resets. fn
 * returns 0 to go on, DB_ROW to stop early, or a negative DB_E* to stop
 * with that error; db_each() returns 0 when every row was read, DB_ROW when
 * fn stopped it, or <0.
 *
 * db_one() reads at most one row: DB_ROW after fn ran on it (or fn's
 * negative value), DB_DONE when there is none, <0 on failure. fn may be
 * NULL (an existence check). Column texts are valid only inside fn.
 *
 * db_text() copies the first column of the first row into out (n bytes,
 * truncated, "" for NULL): DB_ROW, DB_DONE (out untouched) or <0.
 */
int db_select(struct db_conn *c, struct db_stmt **st, const char *sql, const char *types, ...);
int db_each(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql, const char *types, ...);
int db_one(struct db_conn *c, db_row_fn fn, void *ctx, const char *sql, const char *types, ...);
int db_text(struct db_conn *c, char *out, size_t n, const char *sql, const char *types, ...);

/*
 * A LIKE pattern "%q%" matching q anywhere, with LIKE's wildcards (%, _) and the escape
 * character itself escaped by '\' (use it with ESCAPE '\'); ASCII letters lower-cased when
 * lower is set (for a column kept in lower case). out needs room for 2 * strlen(q) + 3 bytes;
 * a longer q is cut short at a character boundary of the escaping.
 */
void db_like_pattern(const char *q, int lower, char *out, size_t n);

/*
 * A row callback that reads each row into a view_t with from_row(st, &v) and
 * hands it to the caller's typed fn(ctx, &v); a negative answer stops the
 * rows with that error. Defines struct name_call { fn, ctx } and
 * `static int name(struct db_stmt *, void *)` for db_each/db_one:
 *
 *     DB_VIEW_ROWS(view_row, struct app_view, app_view_fn, view_from_row)
 *     struct view_row_call k = { fn, ctx };
 *     return db_one(c, view_row, &k, APP_SELECT "WHERE a.id = ?", "i", id);
 */
#define DB_VIEW_ROWS(name, view_t, fn_t, from_row)                                                 \
	struct name##_call {                                                                       \
		fn_t fn;                                                                           \
		void *ctx;                                                                         \
	};                                                                                         \
	static int name(struct db_stmt *st, void *p)                                               \
	{                                                                                          \
		struct name##_call *k = p;                                                         \
		view_t v;                                                                          \
		int rc;                                                                            \
                                                                                                   \
		from_row(st, &v);                                                                  \
		rc = k->fn(k->ctx, &v);                                                            \
		return rc < 0 ? rc : 0;                                                            \
	}

/*
 * Multi-row statements: head + n copies of tuple separated by ", " + tail,
 * e.g. ("INSERT INTO t (a, b) VALUES ", "(?, ?)", 3, " RETURNING id").
 * malloc'd; NULL when out of memory. The text holds no values.
 */
char *db_values_sql(const char *head, const char *tuple, int n, const char *tail);
/*
 * Two statement shapes, as literals: rewrite the prefix of a materialised path
 * column for the rows in a subtree (bind: new prefix, length of the old prefix
 * + 1, old prefix, its upper bound), and count the rows whose column equals a
 * value. table and col must be literals too.
 */
#define DB_PATH_MOVED(table, col)                                                                  \
	"UPDATE " table " SET " col " = ? || SUBSTR(" col ", ?) WHERE " col " >= ? AND " col " < " \
	"?"
#define DB_COUNT_EQ(table, col) "SELECT COUNT(*) FROM " table " WHERE " col " = ?"

/* db_prepare() of db_values_sql(head, tuple, n, tail). 0, DB_ENOMEM or <0. */
int db_prepare_values(struct db_conn *c, const char *head, const char *tuple, int n,
		      const char *tail, struct db_stmt **out);

/*
 * Tests only: make the n-th db_step()/db_exec() from now (process-wide, 1 =
 * the next one) fail with DB_EFAULT; 0 disarms. db_test_fail_after_with()
 * fails it with the status given instead (DB_EBUSY to exercise the retries),
 * and the times - 1 counted calls after it too.
 */
void db_test_fail_after(long n);
void db_test_fail_after_with(long n, int status, long times);
/* Tests only: the next n db_begin() calls (process-wide) fail with DB_EBUSY. */
void db_test_busy_begins(long n);
/* This thread's calls neither fail nor count (background threads). */
void db_test_fault_exempt(void);

#endif
