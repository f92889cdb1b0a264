/*
 * db_int.h — what the two drivers share with store.c. Not for modules.
 */
#ifndef SHUNIU_DB_DB_INT_H
#define SHUNIU_DB_DB_INT_H

#include "db/store.h"

#include <pthread.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;
struct pg_conn;
struct pg_result;

struct db {
	enum db_kind kind;
	char *target; /* file path or libpq URI */
	pthread_key_t key;
	pthread_mutex_t lock;
	struct db_conn **conns;
	size_t nconns, capconns;
};

/* One bound parameter, kept by the PostgreSQL driver as text or bytes. */
struct pg_param {
	char *buf; /* malloc'd */
	size_t cap;
	int len;
	int is_null;
	int binary;
};

struct db_stmt {
	struct db_conn *conn;
	char *sql; /* key in the cache (original '?' text) */
	uint64_t hash;
	int cached; /* lives in the cache; otherwise finalized on reset */
	int in_use;
	struct db_stmt *next; /* cache chain */
	/* sqlite */
	struct sqlite3_stmt *sq;
	/* postgres */
	char name[24];
	int nparams;
	int generation; /* connection generation it was prepared in */
	int prepared;	/* PQprepare succeeded (DEALLOCATE on finalize) */
	char *pgsql;	/* rewritten with $n */
	struct pg_param *params;
	struct pg_result *res;
	int row, nrows;
	unsigned char *blob; /* unescaped bytea of the last db_col_blob */
};

#define STMT_BUCKETS 256

struct db_conn {
	struct db *db;
	enum db_kind kind;
	const struct db_driver *drv;
	struct sqlite3 *sq;
	struct pg_conn *pg;
	int generation; /* bumped when the PostgreSQL connection is reset */
	int next_name;
	int64_t changes;
	int in_tx; /* between db_begin() and a successful commit or a rollback */
	char errmsg[512];
	struct db_stmt *cache[STMT_BUCKETS];
};

/* fault injection (store.c): 0, or the status the call must fail with */
int db_fault_fire(void);
void db_set_err(struct db_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A driver: sqlite.c and pg.c each fill one, and store.c calls through the
 * connection's (c->drv), so neither driver is named outside its file.
 */
struct db_driver {
	int (*connect)(struct db_conn *c, const char *target);
	void (*disconnect)(struct db_conn *c);
	int (*exec)(struct db_conn *c, const char *sql);
	int (*ping_reset)(struct db_conn *c); /* NULL: nothing to reset */
	int (*prepare)(struct db_stmt *st);
	void (*finalize)(struct db_stmt *st);
	int (*bind)(struct db_stmt *st, int idx, char type, int64_t i, double d, const void *p,
		    size_t n);
	int (*step)(struct db_stmt *st);
	void (*reset)(struct db_stmt *st);
	int (*column_count)(struct db_stmt *st);
	int (*col_is_null)(struct db_stmt *st, int col);
	int64_t (*col_int64)(struct db_stmt *st, int col);
	double (*col_double)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *n);
};

extern const struct db_driver db_sqlite_driver, db_pg_driver;

/* pg.c: */
/* Rewrite '?' placeholders to $1.. outside literals; returns malloc'd SQL, *n set. */
char *pg_rewrite_placeholders(const char *sql, int *n);

#endif
