/*
 * pg.c — the PostgreSQL driver behind store.h (libpq).
 *
 * SQL arrives with '?' placeholders; pg_rewrite_placeholders() turns them into
 * $1..$n, skipping string literals, quoted identifiers and comments. Each
 * statement is prepared once per connection (PQprepare, named s1, s2, ...)
 * and run with PQexecPrepared: parameters as text, blobs as binary, results
 * as text. The whole result is fetched at the first db_step() and rows are
 * walked from memory — handlers ask for pages, never for millions of rows.
 *
 * A connection that breaks is reset by db_ping(); prepared statements die
 * with the old session, so the connection's generation is bumped and each
 * statement re-prepares itself on next use.
 */
#include "db/db_int.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pg_exec(struct db_conn *c, const char *sql);
static void pg_reset(struct db_stmt *st);

#define PGC(c)	((PGconn *)(c)->pg)
#define PGR(st) ((PGresult *)(st)->res)

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Map a failed result (or NULL) to a DB_E* code, remembering the message. */
static int map_result(struct db_conn *c, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(PGC(c));

	db_set_err(c, "%s", msg && *msg ? msg : "PostgreSQL error");
	if (PQstatus(PGC(c)) == CONNECTION_BAD)
		return DB_EUNAVAILABLE;
	if (!state)
		return DB_ERR;
	if (!strncmp(state, "23", 2))
		return DB_ECONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return DB_EBUSY;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) || !strncmp(state, "53", 2))
		return DB_EUNAVAILABLE;
	return DB_ERR;
}

static int session_setup(struct db_conn *c)
{
	PQsetNoticeProcessor(PGC(c), quiet, NULL);
	PQsetClientEncoding(PGC(c), "UTF8");
	return pg_exec(c, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
}

static int pg_connect(struct db_conn *c, const char *url)
{
	c->pg = (struct pg_conn *)PQconnectdb(url);
	if (!c->pg) {
		db_set_err(c, "out of memory");
		return DB_ENOMEM;
	}
	if (PQstatus(PGC(c)) != CONNECTION_OK) {
		/* libpq's message never contains the password */
		db_set_err(c, "cannot connect to PostgreSQL: %s", PQerrorMessage(PGC(c)));
		return DB_EUNAVAILABLE;
	}
	return session_setup(c);
}

static void pg_disconnect(struct db_conn *c)
{
	if (c->pg)
		PQfinish(PGC(c));
	c->pg = NULL;
}

static int pg_exec(struct db_conn *c, const char *sql)
{
	PGresult *res = PQexec(PGC(c), sql);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = map_result(c, res);
	else
		c->changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return rc;
}

static int pg_ping_reset(struct db_conn *c)
{
	if (PQstatus(PGC(c)) == CONNECTION_OK)
		return 0;
	PQreset(PGC(c));
	if (PQstatus(PGC(c)) != CONNECTION_OK) {
		db_set_err(c, "PostgreSQL connection lost: %s", PQerrorMessage(PGC(c)));
		return DB_EUNAVAILABLE;
	}
	c->generation++;
	c->in_tx = 0; /* the new session is in no transaction */
	return session_setup(c);
}

char *pg_rewrite_placeholders(const char *sql, int *n)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1), *w = out;
	const char *p = sql;
	int count = 0;

	if (!out)
		return NULL;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			*w++ = *p++;
			while (*p) {
				if (*p == q && p[1] == q) { /* doubled quote */
					*w++ = *p++;
					*w++ = *p++;
					continue;
				}
				if (*p == q)
					break;
				*w++ = *p++;
			}
			if (*p)
				*w++ = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*w++ = *p++;
		} else if (p[0] == '/' && p[1] == '*') {
			while (*p && !(p[0] == '*' && p[1] == '/'))
				*w++ = *p++;
			if (*p) {
				*w++ = *p++;
				*w++ = *p++;
			}
		} else if (*p == '?') {
			w += sprintf(w, "$%d", ++count);
			p++;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	*n = count;
	return out;
}

static int do_prepare(struct db_stmt *st)
{
	struct db_conn *c = st->conn;
	PGresult *res;
	int rc = 0;

	snprintf(st->name, sizeof st->name, "s%d", ++c->next_name);
	res = PQprepare(PGC(c), st->name, st->pgsql, st->nparams, NULL);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = map_result(c, res);
	PQclear(res);
	st->generation = c->generation;
	st->prepared = rc == 0;
	return rc;
}

static int pg_prepare(struct db_stmt *st)
{
	st->pgsql = pg_rewrite_placeholders(st->sql, &st->nparams);
	if (!st->pgsql)
		return DB_ENOMEM;
	if (st->nparams) {
		st->params = calloc((size_t)st->nparams, sizeof *st->params);
		if (!st->params)
			return DB_ENOMEM;
		for (int i = 0; i < st->nparams; i++)
			st->params[i].is_null = 1;
	}
	return do_prepare(st);
}

static void pg_finalize(struct db_stmt *st)
{
	struct db_conn *c = st->conn;

	pg_reset(st);
	if (c->pg && st->prepared && st->generation == c->generation &&
	    PQstatus(PGC(c)) == CONNECTION_OK) {
		char sql[64];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		PQclear(PQexec(PGC(c), sql));
	}
	for (int i = 0; i < st->nparams; i++)
		free(st->params[i].buf);
	free(st->params);
	free(st->pgsql);
	st->params = NULL;
	st->pgsql = NULL;
}

static int pg_bind(struct db_stmt *st, int idx, char type, int64_t i, double d, const void *p,
		   size_t n)
{
	struct pg_param *pp;
	char num[40];

	if (idx > st->nparams) {
		db_set_err(st->conn, "bind index %d out of range (%d parameters)", idx,
			   st->nparams);
		return DB_EMISUSE;
	}
	pp = &st->params[idx - 1];
	pp->is_null = 0;
	pp->binary = 0;
	switch (type) {
	case 'i':
		n = (size_t)snprintf(num, sizeof num, "%" PRId64, i);
		p = num;
		break;
	case 'd':
		n = (size_t)snprintf(num, sizeof num, "%.17g", d);
		p = num;
		break;
	case 't': break;
	case 'b': pp->binary = 1; break;
	default: pp->is_null = 1; return 0;
	}
	if (pp->cap < n + 1) {
		char *b = realloc(pp->buf, n + 1);
		if (!b)
			return DB_ENOMEM;
		pp->buf = b;
		pp->cap = n + 1;
	}
	memcpy(pp->buf, p, n);
	pp->buf[n] = '\0';
	pp->len = (int)n;
	return 0;
}

static int pg_step(struct db_stmt *st)
{
	struct db_conn *c = st->conn;

	if (!st->res && st->nrows != -1) {
		const char *values[st->nparams ? st->nparams : 1];
		int lengths[st->nparams ? st->nparams : 1], formats[st->nparams ? st->nparams : 1];
		PGresult *res;
		ExecStatusType s;
		int rc;

		if (st->generation != c->generation && (rc = do_prepare(st)) < 0)
			return rc;
		for (int i = 0; i < st->nparams; i++) {
			values[i] = st->params[i].is_null ? NULL : st->params[i].buf;
			lengths[i] = st->params[i].len;
			formats[i] = st->params[i].binary;
		}
		res = PQexecPrepared(PGC(c), st->name, st->nparams, values, lengths, formats, 0);
		s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (s == PGRES_COMMAND_OK) {
			c->changes = strtoll(PQcmdTuples(res), NULL, 10);
			PQclear(res);
			st->res = NULL;
			st->row = st->nrows = -1; /* done, nothing to walk */
			return DB_DONE;
		}
		if (s != PGRES_TUPLES_OK) {
			rc = map_result(c, res);
			PQclear(res);
			return rc;
		}
		st->res = (struct pg_result *)res;
		st->nrows = PQntuples(res);
		st->row = -1;
		c->changes = strtoll(PQcmdTuples(res), NULL, 10);
	}
	if (st->nrows < 0)
		return DB_DONE;
	free(st->blob);
	st->blob = NULL;
	if (++st->row < st->nrows)
		return DB_ROW;
	return DB_DONE;
}

static void pg_reset(struct db_stmt *st)
{
	if (st->res)
		PQclear(PGR(st));
	st->res = NULL;
	st->row = st->nrows = 0;
	free(st->blob);
	st->blob = NULL;
	for (int i = 0; i < st->nparams; i++)
		st->params[i].is_null = 1;
}

static int pg_column_count(struct db_stmt *st)
{
	return st->res ? PQnfields(PGR(st)) : 0;
}

static int valid(struct db_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(PGR(st));
}

static int pg_col_is_null(struct db_stmt *st, int col)
{
	return !valid(st, col) || PQgetisnull(PGR(st), st->row, col);
}

static int64_t pg_col_int64(struct db_stmt *st, int col)
{
	if (pg_col_is_null(st, col))
		return 0;
	const char *v = PQgetvalue(PGR(st), st->row, col);
	/* booleans come back as t/f */
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
	return pg_col_is_null(st, col) ? 0 : strtod(PQgetvalue(PGR(st), st->row, col), NULL);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	return pg_col_is_null(st, col) ? NULL : PQgetvalue(PGR(st), st->row, col);
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *n)
{
	size_t len = 0;

	if (n)
		*n = 0;
	if (pg_col_is_null(st, col))
		return NULL;
	free(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(PGR(st), st->row, col), &len);
	if (n)
		*n = len;
	return st->blob;
}

const struct db_driver db_pg_driver = {
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.ping_reset = pg_ping_reset,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind = pg_bind,
	.step = pg_step,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.col_is_null = pg_col_is_null,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
};
