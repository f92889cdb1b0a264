/*
 * sqlite.c — the SQLite driver behind store.h.
 *
 * Every connection: WAL journal (readers never block the writer),
 * synchronous=FULL (a commit is on disk when COMMIT returns — the 201 a
 * client gets means the row survives power loss), foreign keys on, a 5 s busy
 * timeout so writers from other threads queue instead of failing. One
 * connection per thread, opened NOMUTEX: the store never shares one.
 */
#include "db/db_int.h"

#include <sqlite3.h>
#include <string.h>

static int sq_exec(struct db_conn *c, const char *sql);

static int map(struct db_conn *c, int rc)
{
	if (rc == SQLITE_OK || rc == SQLITE_DONE)
		return 0;
	db_set_err(c, "%s", c->sq ? sqlite3_errmsg(c->sq) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: return DB_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_EBUSY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FULL:
	case SQLITE_READONLY: return DB_EUNAVAILABLE;
	case SQLITE_NOMEM: return DB_ENOMEM;
	case SQLITE_MISUSE:
	case SQLITE_RANGE: return DB_EMISUSE;
	default: return DB_ERR;
	}
}

static int sq_connect(struct db_conn *c, const char *path)
{
	int rc = sqlite3_open_v2(path, &c->sq,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc != SQLITE_OK) {
		db_set_err(c, "cannot open '%s': %s", path,
			   c->sq ? sqlite3_errmsg(c->sq) : sqlite3_errstr(rc));
		return DB_EUNAVAILABLE;
	}
	sqlite3_extended_result_codes(c->sq, 1);
	sqlite3_busy_timeout(c->sq, 5000);
	rc = sq_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			"PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
	if (rc < 0) {
		char msg[sizeof c->errmsg];
		memcpy(msg, c->errmsg, sizeof msg);
		db_set_err(c, "cannot open '%s': %s", path, msg);
	}
	return rc;
}

static void sq_disconnect(struct db_conn *c)
{
	if (c->sq)
		sqlite3_close_v2(c->sq);
	c->sq = NULL;
}

static int sq_exec(struct db_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->sq, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		int mapped = map(c, rc);
		if (msg)
			db_set_err(c, "%s", msg);
		sqlite3_free(msg);
		return mapped;
	}
	c->changes = sqlite3_changes64(c->sq);
	return 0;
}

static int sq_prepare(struct db_stmt *st)
{
	int rc = sqlite3_prepare_v3(st->conn->sq, st->sql, -1, SQLITE_PREPARE_PERSISTENT, &st->sq,
				    NULL);

	return rc == SQLITE_OK ? 0 : map(st->conn, rc);
}

static void sq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(st->sq);
	st->sq = NULL;
}

static int sq_bind(struct db_stmt *st, int idx, char type, int64_t i, double d, const void *p,
		   size_t n)
{
	int rc;

	switch (type) {
	case 'i': rc = sqlite3_bind_int64(st->sq, idx, i); break;
	case 'd': rc = sqlite3_bind_double(st->sq, idx, d); break;
	case 't': rc = sqlite3_bind_text64(st->sq, idx, p, n, SQLITE_TRANSIENT, SQLITE_UTF8); break;
	case 'b': rc = sqlite3_bind_blob64(st->sq, idx, p, n, SQLITE_TRANSIENT); break;
	default: rc = sqlite3_bind_null(st->sq, idx); break;
	}
	return rc == SQLITE_OK ? 0 : map(st->conn, rc);
}

static int sq_step(struct db_stmt *st)
{
	int rc = sqlite3_step(st->sq);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		st->conn->changes = sqlite3_changes64(st->conn->sq);
		return DB_DONE;
	}
	return map(st->conn, rc);
}

static void sq_reset(struct db_stmt *st)
{
	sqlite3_reset(st->sq);
	sqlite3_clear_bindings(st->sq);
}

static int sq_column_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->sq);
}

static int sq_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->sq, col) == SQLITE_NULL;
}

static int64_t sq_col_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->sq, col);
}

static double sq_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(st->sq, col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->sq, col);
}

static const void *sq_col_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st->sq, col);

	if (n)
		*n = (size_t)sqlite3_column_bytes(st->sq, col);
	return p;
}

const struct db_driver db_sqlite_driver = {
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind = sq_bind,
	.step = sq_step,
	.reset = sq_reset,
	.column_count = sq_column_count,
	.col_is_null = sq_col_is_null,
	.col_int64 = sq_col_int64,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
};
