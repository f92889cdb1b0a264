/*
 * cmd.h — the command-line interface: one function per subcommand.
 *
 * Adding a command:
 *   1. write src/cmd/cmd_<name>.c with `int cmd_<name>(struct app *app, int argc, char **argv)`;
 *   2. declare it here;
 *   3. add a row to the table in src/main.c with its flags, summary and usage.
 * main() handles --help, --data, configuration flags and the CMD_* needs
 * before the function runs; argv then holds only the command's own options.
 * The return value is the exit status: 0 ok, 1 failure, 2 usage error.
 */
#ifndef SHUNIU_CMD_CMD_H
#define SHUNIU_CMD_CMD_H

#include "core/config.h"
#include "core/crypto.h"

struct db;
struct db_arg;
struct db_conn;
struct db_stmt;

enum cmd_flag {
	CMD_DATA = 1 << 0,   /* takes --data DIR and configuration flags */
	CMD_INITED = 1 << 1, /* DIR must hold a shuniu.conf made by init */
	CMD_DB = 1 << 2,     /* open the database */
	CMD_SCHEMA = 1 << 3, /* the schema must be fully migrated and unchanged */
	CMD_KEY = 1 << 4,    /* load the secret key file */
};

struct app {
	struct config cfg;
	struct db *db;
	struct db_conn *conn;
	unsigned char key[SECRET_KEY_BYTES];
	int have_key;
	const struct cmd *cmd;
	const char *clock_start; /* --test-clock-start: where the clock was pinned, or NULL */
};

struct cmd {
	const char *name;
	int (*fn)(struct app *app, int argc, char **argv);
	unsigned flags;
	const char *summary;
	const char *usage; /* options, one per line, after the synopsis */
};

/* Print "usage: shuniu NAME ..." and the command's options to f. */
void cmd_usage(const struct cmd *cmd, void *f);
/* Report a usage error for the running command: message, usage on stderr; returns 2. */
int cmd_usage_error(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_init(struct app *app, int argc, char **argv);
int cmd_migrate(struct app *app, int argc, char **argv);
int cmd_serve(struct app *app, int argc, char **argv);
int cmd_user(struct app *app, int argc, char **argv);
int cmd_token(struct app *app, int argc, char **argv);
int cmd_verify(struct app *app, int argc, char **argv);
int cmd_audit(struct app *app, int argc, char **argv);
int cmd_demo(struct app *app, int argc, char **argv);
int cmd_import(struct app *app, int argc, char **argv);

/* The demo's generator (splitmix64) over the caller's state: the same district every run. */
static inline uint64_t demo_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A number from lo to hi (inclusive) from the same generator. */
static inline int64_t demo_span(uint64_t *state, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(demo_next(state) % (uint64_t)(hi - lo + 1));
}

/*
 * Bind v[0..n) as tuple `row` (from 0) of a multi-row INSERT of n-column
 * tuples: parameters row * n + 1 to row * n + n (db_bind_args() at an offset).
 */
void demo_bind_row(struct db_stmt *st, int row, const struct db_arg *v, int n);

/* The multi-row INSERT of n demo appeals. */
char *demo_appeals_sql(int n);
/*
 * A year of appeal history (about `total` appeals) for the demo district in
 * the caller's transaction. 0 with *made and *events, or -1.
 */
int demo_appeals(struct db_conn *c, int is_pg, int64_t now, int64_t total, int64_t *made,
		 int64_t *events);
/* The demo's service fund (demo_fund.c), inside the demo's transaction, after demo_projects(). */
int demo_fund(struct db_conn *c, int64_t now);
/* Every community's term-commitment list (龙桥社区: its ten commitments), in the caller's
 * transaction. 0 or <0. */
int demo_commitments(struct db_conn *c, int64_t now);
/* Every grid branch's convenience project for the year and 南亭社区助餐服务点 (demo_projects.c),
 * in the demo's transaction after the commitments. 0 or -1. */
int demo_projects(struct db_conn *c, int64_t now);
/* 龙桥社区's 微实事 round in its voting window (demo_micro.c), in the demo's transaction. */
int demo_micro(struct db_conn *c, int64_t now);
/* 泾峰社区's 一事一议 and 家天下社区's 家园议事会 (demo_meetings.c), in the demo's transaction. */
int demo_meetings(struct db_conn *c, int64_t now);
/* 尹东片区's joint committee with its members and four lists (demo_committees.c), in the demo's
 * transaction, after demo_micro(). */
int demo_committees(struct db_conn *c, int64_t now);
/* 龙桥社区's matters (demo_matters.c): one major matter midway through 四议两公开, one through all
 * seven steps with its project; in the demo's transaction, after demo_meetings(). */
int demo_matters(struct db_conn *c, int64_t now);

#endif
