/*
 * main.c — the shuniu command table and what every command shares.
 *
 * Like git's builtins: each row names a command, its function and what it
 * needs (CMD_* flags). main() checks the needs once — the data directory, its
 * configuration (file < environment < flags), the database, an up-to-date
 * schema, the secret key — then calls the function with the remaining
 * arguments. Every command answers --help; an unknown command exits 2.
 */
#include "revision.h"
#include "cmd/cmd.h"

#include "audit/audit.h"
#include "fund/fund.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "db/migrate.h"
#include "db/store.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int cmd_help(struct app *app, int argc, char **argv);
static int cmd_version(struct app *app, int argc, char **argv);

static const struct cmd commands[] = {
	{ "help", cmd_help, 0, "show the commands, or one command's options", "[COMMAND]" },
	{ "version", cmd_version, 0, "print the version", "" },
	{ "init", cmd_init, CMD_DATA, "create a data directory: config, secret key, database",
	  "--data DIR [--db URL]\n"
	  "  --data DIR   directory to create (must not hold a Shuniu install yet)\n"
	  "  --db URL     PostgreSQL URL or SQLite path (default DIR/shuniu.db)" },
	{ "migrate", cmd_migrate, CMD_DATA | CMD_INITED | CMD_DB,
	  "apply pending schema migrations, or show their state",
	  "--data DIR [--status]\n"
	  "  --status     list migrations and whether each is applied; change nothing" },
	{ "serve", cmd_serve, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "run the HTTP server",
	  "--data DIR [--listen HOST:PORT] [--db URL] [--test-clock] [--KEY VALUE]...\n"
	  "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080)\n"
	  "  --db URL            PostgreSQL URL or SQLite path (default DIR/shuniu.db)\n"
	  "  --test-clock        enable POST /api/v1/_test/clock (tests only)\n"
	  "  --test-clock-start T  with --test-clock: start the clock at ISO 8601 time T\n"
	  "                      (tests only; every command with --data takes it)\n"
	  "  --KEY VALUE         any configuration key, e.g. --threads 8 (see README)" },
	{ "user", cmd_user, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "manage accounts: add, list, disable, reset-password",
	  "add|list|disable|reset-password --data DIR [OPTIONS]\n"
	  "  add --username U --role R[,R] --unit CODE --password-stdin [--display-name N]\n"
	  "  list\n"
	  "  disable --username U          (ends its sessions, revokes its tokens)\n"
	  "  reset-password --username U --password-stdin   (also unlocks it)" },
	{ "token", cmd_token, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "manage API bearer tokens: create, revoke, list",
	  "create|revoke|list --data DIR [OPTIONS]\n"
	  "  create --user NAME [--name LABEL]   prints the token alone on its last line\n"
	  "  revoke --id N\n"
	  "  list" },
	{ "verify", cmd_verify, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "check the audit log's or the fund ledger's keyed hash chain",
	  "audit|ledger --data DIR\n"
	  "  exit 0 intact; otherwise the status and the word after BROKEN name the fault:\n"
	  "  3 rewritten   a row's MAC does not match its content (the row is named)\n"
	  "  4 deleted     ids are missing inside the chain, or at its start without a purge\n"
	  "  5 truncated   the newest anchor or chain_heads names rows the log no longer has\n"
	  "  6 anchors     DIR/audit.anchors is missing, edited or forged (the line is named)\n"
	  "  7 unkeyed     the chain was never re-chained with the key\n"
	  "  1             the database or the key could not be read, or an unkeyed chain\n"
	  "                could not be re-chained (the message says why)\n"
	  "  ledger: the fund ledger (fund_entries); BROKEN names the first bad entry:\n"
	  "  3 rewritten   an entry's MAC or link does not match its content\n"
	  "  4 deleted     an entry is missing inside the chain\n"
	  "  5 truncated   the newest anchor (DIR/fund.anchors) or chain_heads names entries\n"
	  "                the ledger no longer has\n"
	  "  6 anchors     DIR/fund.anchors is missing (once started), edited or forged" },
	{ "demo", cmd_demo, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "build the 吴中区 demo district into an empty data directory",
	  "--data DIR [--scale default|district]\n"
	  "  default    115 communities, 826 grids, 698 stations, ~40,000 residents,\n"
	  "             a year of appeals (~2,700)\n"
	  "  district   the same tree with ~1.4 million residents and ~1.07 million appeals\n"
	  "  Demo accounts for every role get random passwords, printed and written to\n"
	  "  DIR/demo-accounts.txt (mode 0600)." },
	{ "import", cmd_import, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "import units, residents or Party members from CSV (UTF-8 or GBK), all or nothing",
	  "units|residents|party-members FILE.csv --data DIR [--dry-run]\n"
	  "  units          columns: name, code, kind, parent_code, party_org_name, "
	  "party_secretary\n"
	  "  residents      columns: building_code, room, name, gender, birth_date, phone,\n"
	  "                 id_number, tags (separated by ';')\n"
	  "  party-members  columns: id_number, branch_code, joined_on\n"
	  "  --dry-run      check every line, store nothing\n"
	  "  Errors are reported per line; any error imports nothing." },
	{ "audit", cmd_audit, CMD_DATA | CMD_INITED | CMD_DB | CMD_SCHEMA | CMD_KEY,
	  "purge old audit rows (never younger than 180 days), or re-anchor the chain",
	  "purge|reanchor --data DIR [OPTIONS]\n"
	  "  purge --before YYYY-MM-DD   delete rows older than the date; the chain then starts\n"
	  "                              after the last deleted row, named in an audit.purge row\n"
	  "  reanchor                    after a deliberate change such as restoring a backup:\n"
	  "                              record it (audit.reanchor) and anchor the current head" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cmd_usage(const struct cmd *cmd, void *fp)
{
	FILE *f = fp;
	const char *nl = strchr(cmd->usage, '\n');

	fprintf(f, "usage: shuniu %s %.*s\n\n%s.\n", cmd->name,
		nl ? (int)(nl - cmd->usage) : (int)strlen(cmd->usage), cmd->usage, cmd->summary);
	if (nl)
		fprintf(f, "\n%s\n", nl + 1);
	if (cmd->flags & CMD_DATA)
		fprintf(f,
			"\nConfiguration comes from DIR/shuniu.conf, SHUNIU_<KEY> variables and\n"
			"--KEY flags, in rising precedence.\n");
}

int cmd_usage_error(struct app *app, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n");
	cmd_usage(app->cmd, stderr);
	return 2;
}

static void general_usage(FILE *f)
{
	fprintf(f, "usage: shuniu COMMAND [OPTIONS]\n\nShuniu (枢纽) — grid-based community "
		   "governance.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'shuniu COMMAND --help' for a command's options.\n");
}

static int cmd_help(struct app *app, int argc, char **argv)
{
	const struct cmd *c;

	if (argc == 0) {
		general_usage(stdout);
		return 0;
	}
	c = find_command(argv[0]);
	if (!c)
		return cmd_usage_error(app, "unknown command '%s'", argv[0]);
	cmd_usage(c, stdout);
	return 0;
}

static int cmd_version(struct app *app, int argc, char **argv)
{
	if (argc)
		return cmd_usage_error(app, "unexpected argument '%s'", argv[0]);
	printf("shuniu %s (%s)\n", SHUNIU_VERSION, SHUNIU_REVISION);
	return 0;
}

/* Split "--key=value" or "--key value"; returns 1 and advances *i when it took a value. */
static int take_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*value = NULL;
		return 1;
	}
	*value = argv[++*i];
	return 1;
}

static int setup(struct app *app, const char *data, int nflags, const char **fkeys,
		 const char **fvals)
{
	char path[PATH_MAX], err[PATH_MAX + 256];
	int found;

	if (snprintf(app->cfg.data_dir, sizeof app->cfg.data_dir, "%s", data) >=
	    (int)sizeof app->cfg.data_dir)
		return cmd_usage_error(app, "--data path is too long");
	if (path_join(path, sizeof path, data, "shuniu.conf") ||
	    config_load_file(&app->cfg, path, &found, err, sizeof err) ||
	    config_load_env(&app->cfg, environ, err, sizeof err)) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	for (int i = 0; i < nflags; i++) {
		char src[300];
		snprintf(src, sizeof src, "flag --%s", fkeys[i]);
		if (config_set(&app->cfg, fkeys[i], fvals[i], src, err, sizeof err)) {
			fprintf(stderr, "error: %s\n", err);
			return 2;
		}
	}
	config_resolve(&app->cfg);
	if (found) {
		/* files made by older versions, or before umask: the database, its WAL
		 * and SHM, keys, photos — none of it is anyone else's to read */
		char side[PATH_MAX + 8];
		int bad = path_make_private(data) < 0;
		if (app->cfg.db[0] && strncmp(app->cfg.db, "postgres", 8) != 0) {
			static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
			for (size_t k = 0; k < sizeof ext / sizeof *ext; k++) {
				snprintf(side, sizeof side, "%s%s", app->cfg.db, ext[k]);
				bad |= path_make_private(side) < 0;
			}
		}
		if (bad)
			fprintf(stderr, "warning: cannot make every file in '%s' private: %s\n",
				data, strerror(errno));
	}
	log_setup((enum log_format)app->cfg.log_format, (enum log_level)app->cfg.log_level,
		  (int)app->cfg.access_log);
	if ((app->cmd->flags & CMD_INITED) && !found) {
		fprintf(stderr,
			"error: '%s' is not a Shuniu data directory (no shuniu.conf); "
			"create one with 'shuniu init --data %s'\n",
			data, data);
		return 1;
	}
	if (app->cmd->flags & CMD_KEY) {
		if (keyfile_load(app->cfg.key_file, app->key, err, sizeof err)) {
			fprintf(stderr, "error: %s\n", err);
			return 1;
		}
		app->have_key = 1;
		audit_set_key(app->key);
		fund_set_key(app->key);
	}
	if (app->cmd->flags & CMD_DB) {
		if (db_open(app->cfg.db, &app->db, err, sizeof err)) {
			fprintf(stderr, "error: cannot open database: %s\n", err);
			return 1;
		}
		app->conn = db_conn_thread(app->db);
		if (!app->conn) {
			fprintf(stderr, "error: cannot connect to the database\n");
			return 1;
		}
	}
	if (app->cmd->flags & CMD_SCHEMA) {
		if (migrate_check(app->conn, err, sizeof err)) {
			fprintf(stderr, "error: %s\n", err);
			return 1;
		}
	}
	/* Rows from before the chain was keyed are re-chained by the first command with the key. */
	if ((app->cmd->flags & (CMD_SCHEMA | CMD_KEY)) == (CMD_SCHEMA | CMD_KEY)) {
		if (audit_anchors_path(app->cfg.data_dir, path, sizeof path) ||
		    audit_chain_open(app->conn, path, err, sizeof err)) {
			fprintf(stderr, "error: audit chain: %s\n", err);
			return 1;
		}
	}
	return 0;
}

static int run(const struct cmd *cmd, int argc, char **argv)
{
	struct app *app = calloc(1, sizeof *app);
	const char **rest = calloc((size_t)argc + 1, sizeof *rest);
	const char **fkeys = calloc((size_t)argc + 1, sizeof *fkeys);
	const char **fvals = calloc((size_t)argc + 1, sizeof *fvals);
	const char *data = NULL, *v;
	int nrest = 0, nflags = 0, rc;

	if (!app || !rest || !fkeys || !fvals) {
		fprintf(stderr, "error: out of memory\n");
		exit(1);
	}
	app->cmd = cmd;
	config_defaults(&app->cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_usage(cmd, stdout);
			rc = 0;
			goto out;
		}
		if ((cmd->flags & CMD_DATA) && take_value(argc, argv, &i, "--data", &v)) {
			if (!v || !*v) {
				rc = cmd_usage_error(app, "--data needs a directory");
				goto out;
			}
			data = v;
			continue;
		}
		if ((cmd->flags & CMD_DATA) &&
		    take_value(argc, argv, &i, "--test-clock-start", &v)) {
			int64_t at;
			if (!v || clock_parse_iso(v, &at)) {
				rc = cmd_usage_error(app, "--test-clock-start needs an ISO 8601 time, "
							  "e.g. 2026-11-25T09:30:00+08:00");
				goto out;
			}
			clock_start_at(at);
			app->clock_start = v;
			continue;
		}
		if ((cmd->flags & CMD_DATA) && a[0] == '-' && a[1] == '-') {
			char key[64], flag[70];
			size_t kl = strcspn(a + 2, "=");
			snprintf(key, sizeof key, "%.*s", (int)kl, a + 2);
			snprintf(flag, sizeof flag, "--%s", key);
			if (kl < sizeof key && config_is_key(key)) {
				take_value(argc, argv, &i, flag, &v);
				if (!v) {
					rc = cmd_usage_error(app, "--%s needs a value", key);
					goto out;
				}
				fkeys[nflags] = strdup(key);
				fvals[nflags++] = v;
				continue;
			}
		}
		rest[nrest++] = a;
	}
	if ((cmd->flags & CMD_DATA) && !data) {
		rc = cmd_usage_error(app, "missing --data DIR");
		goto out;
	}
	if (cmd->flags & CMD_DATA) {
		rc = setup(app, data, nflags, fkeys, fvals);
		if (rc)
			goto out;
	}
	rc = cmd->fn(app, nrest, (char **)rest);
out:
	if (app->db)
		db_close(app->db);
	for (int i = 0; i < nflags; i++)
		free((char *)fkeys[i]);
	free(fkeys);
	free(fvals);
	free(rest);
	free(app);
	return rc;
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;

	/* everything the server and the commands create (database, WAL, keys,
	 * photos, exports) is the owner's alone */
	umask(077);
	if (crypto_init() < 0) {
		fprintf(stderr, "error: cannot initialise libsodium\n");
		return 1;
	}
	if (argc < 2) {
		general_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		general_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "error: unknown command '%s'\n\n", argv[1]);
		general_usage(stderr);
		return 2;
	}
	return run(cmd, argc - 1, argv + 1);
}
