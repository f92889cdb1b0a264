/*
 * cmd_user.c — `shuniu user add|list|disable|reset-password` and
 * `shuniu token create|revoke|list`: accounts and API tokens from the shell.
 *
 * Passwords are read from standard input (--password-stdin), never from the
 * command line, where other users could see them in the process list. Every
 * change is audited with the actor "cli".
 */
#include "cmd/cmd.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "core/clock.h"
#include "core/util.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_password(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? 0 : -1;
}

/* After a change (rc: its result), its audit row on account object_id; details are stolen. */
static int cli_audit(struct app *app, int rc, const char *action, int64_t object_id,
		     json_t *details)
{
	if (rc == 0)
		rc = audit_append(app->conn, &(struct audit_event){ .actor_name = "cli",
								    .action = action,
								    .object_type = "account",
								    .object_id = object_id,
								    .outcome = "ok",
								    .details = details });
	json_decref(details);
	return rc;
}

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static int has_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

/* Every argument must be a known option (taking a value) or flag. */
static int check_args(struct app *app, int argc, char **argv, const char *const *with_value,
		      const char *const *flags)
{
	for (int i = 1; i < argc; i++) {
		int known = 0;
		for (const char *const *o = with_value; *o; o++)
			if (!strcmp(argv[i], *o)) {
				if (i + 1 >= argc)
					return cmd_usage_error(app, "%s needs a value", *o);
				i++;
				known = 1;
				break;
			}
		for (const char *const *f = flags; !known && *f; f++)
			if (!strcmp(argv[i], *f))
				known = 1;
		if (!known)
			return cmd_usage_error(app, "unknown option '%s'", argv[i]);
	}
	return 0;
}

/*
 * Each command's writes run in one db_tx_run() transaction; a command sharing
 * the database with a serving process may meet a busy lock like any request.
 */
struct user_tx {
	struct app *app;
	const char *username, *display, *role, *unit, *name, *label;
	int64_t unit_id, id, tid;
	role_set roles;
	const char *secret; /* the password read from standard input */
	char *err, *token;
	size_t errlen;
};

static int user_add_tx(struct db_conn *c, void *ctx)
{
	struct user_tx *x = ctx;
	int rc;

	x->err[0] = '\0';
	rc = account_create(c, x->username, x->display, x->unit_id, x->roles, 0, x->secret, 0,
			    &x->id, x->err, x->errlen);
	return cli_audit(x->app, rc, "account.create", x->id,
			 JB_OBJ(jb_str("roles", x->role), jb_str("unit", x->unit)));
}

static int user_disable_tx(struct db_conn *c, void *ctx)
{
	struct user_tx *x = ctx;

	return cli_audit(x->app, account_disable(c, x->id), "account.disable", x->id, NULL);
}

static int user_reset_password_tx(struct db_conn *c, void *ctx)
{
	struct user_tx *x = ctx;
	int rc = account_reset_password(c, x->id, x->name, x->secret);

	return cli_audit(x->app, rc, "account.reset_password", x->id, NULL);
}

static int token_create_tx(struct db_conn *c, void *ctx)
{
	struct user_tx *x = ctx;
	int rc = token_create(c, x->id, x->label ? x->label : "cli", x->token, &x->tid);

	return cli_audit(x->app, rc, "token.create", x->id, JB_OBJ(jb_int("token_id", x->tid)));
}

/* DB_EABORT: no such active token */
static int token_revoke_tx(struct db_conn *c, void *ctx)
{
	struct user_tx *x = ctx;

	if (token_revoke(c, x->id) < 0)
		return DB_EABORT;
	return audit_append(c, &(struct audit_event){ .actor_name = "cli",
						      .action = "token.revoke",
						      .object_type = "token",
						      .object_id = x->id,
						      .outcome = "ok" });
}

static int user_add(struct app *app, int argc, char **argv)
{
	static const char *const vals[] = { "--username", "--role", "--unit", "--display-name",
					    NULL };
	static const char *const flags[] = { "--password-stdin", NULL };
	const char *username = opt(argc, argv, "--username"), *role = opt(argc, argv, "--role"),
		   *unit = opt(argc, argv, "--unit"), *display = opt(argc, argv, "--display-name");
	char password[300], err[512] = "";
	struct user_tx x;
	struct unit_ref u;
	role_set roles;
	int rc;

	if ((rc = check_args(app, argc, argv, vals, flags)))
		return rc;
	if (!username || !role || !unit || !has_flag(argc, argv, "--password-stdin"))
		return cmd_usage_error(
			app, "user add needs --username, --role, --unit and --password-stdin");
	if (roles_parse(role, &roles) < 0)
		return cmd_usage_error(app, "unknown role in '%s'", role);
	if (unit_get_by_code(app->conn, unit, &u) != DB_ROW) {
		fprintf(stderr, "error: no unit with code '%s'\n", unit);
		return 1;
	}
	if (read_password(password, sizeof password) < 0) {
		fprintf(stderr, "error: no password on standard input\n");
		return 1;
	}
	x = (struct user_tx){ .app = app,
			      .username = username,
			      .display = display,
			      .role = role,
			      .unit = unit,
			      .unit_id = u.id,
			      .roles = roles,
			      .secret = password,
			      .err = err,
			      .errlen = sizeof err };
	rc = db_tx_run(app->conn, user_add_tx, &x);
	sodium_memzero(password, sizeof password);
	if (rc < 0) {
		fprintf(stderr, "error: %s\n", err[0] ? err : db_errmsg(app->conn));
		return 1;
	}
	printf("created account %lld '%s'\n", (long long)x.id, username);
	return 0;
}

static int print_account(void *ctx, const struct account_line *l)
{
	(void)ctx;
	printf("%-6lld %-24s %-28s %-20s %s\n", (long long)l->id, l->username, l->roles,
	       l->unit_code, l->disabled ? "disabled" : "active");
	return 0;
}

static int user_list(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return cmd_usage_error(app, "unexpected argument '%s'", argv[1]);
	printf("%-6s %-24s %-28s %-20s %s\n", "ID", "USERNAME", "ROLES", "UNIT", "STATE");
	return accounts_each(app->conn, print_account, NULL) < 0 ? 1 : 0;
}

static int find_user(struct app *app, int argc, char **argv, int64_t *id, const char **name)
{
	*name = opt(argc, argv, "--username");
	if (!*name)
		*name = opt(argc, argv, "--user");
	if (!*name)
		return cmd_usage_error(app, "--username is required");
	if (account_find(app->conn, *name, id) != DB_ROW) {
		fprintf(stderr, "error: no account '%s'\n", *name);
		return 1;
	}
	return 0;
}

/* After db_tx_run(): say what was done, or the error. */
static int finish(struct app *app, int rc, const char *done)
{
	if (rc < 0) {
		fprintf(stderr, "error: %s\n", db_errmsg(app->conn));
		return 1;
	}
	if (done)
		printf("%s\n", done);
	return 0;
}

static int user_disable(struct app *app, int argc, char **argv)
{
	static const char *const vals[] = { "--username", NULL };
	static const char *const flags[] = { NULL };
	const char *name;
	int64_t id;
	int rc;

	if ((rc = check_args(app, argc, argv, vals, flags)) ||
	    (rc = find_user(app, argc, argv, &id, &name)))
		return rc;
	rc = db_tx_run(app->conn, user_disable_tx, &(struct user_tx){ .app = app, .id = id });
	return finish(app, rc, "disabled; its sessions and tokens are revoked");
}

static int user_reset_password(struct app *app, int argc, char **argv)
{
	static const char *const vals[] = { "--username", NULL };
	static const char *const flags[] = { "--password-stdin", NULL };
	char password[300];
	const char *name, *why;
	int64_t id;
	int rc;

	if ((rc = check_args(app, argc, argv, vals, flags)) ||
	    (rc = find_user(app, argc, argv, &id, &name)))
		return rc;
	if (!has_flag(argc, argv, "--password-stdin"))
		return cmd_usage_error(app, "the new password comes from --password-stdin");
	if (read_password(password, sizeof password) < 0) {
		fprintf(stderr, "error: no password on standard input\n");
		return 1;
	}
	if (password_policy(password, name, &why) < 0) {
		fprintf(stderr, "error: password too weak: it needs %s\n", why);
		return 1;
	}
	rc = db_tx_run(app->conn, user_reset_password_tx,
		       &(struct user_tx){ .app = app, .id = id, .name = name, .secret = password });
	sodium_memzero(password, sizeof password);
	return finish(app, rc,
		      "password reset; the account's sessions are ended and it is unlocked");
}

struct subcmd {
	const char *name;
	int (*fn)(struct app *app, int argc, char **argv);
};

/*
 * Run the subcommand argv[0] names from table (ended by { 0 }). what: the
 * command ("user"); which: its subcommands, for the usage error.
 */
static int run_subcmd(struct app *app, int argc, char **argv, const struct subcmd *table,
		      const char *what, const char *which)
{
	if (argc < 1)
		return cmd_usage_error(app, "which %s command? %s", what, which);
	for (const struct subcmd *s = table; s->name; s++)
		if (!strcmp(argv[0], s->name))
			return s->fn(app, argc, argv);
	return cmd_usage_error(app, "unknown %s command '%s'", what, argv[0]);
}

int cmd_user(struct app *app, int argc, char **argv)
{
	static const struct subcmd table[] = {
		{ "add", user_add },
		{ "list", user_list },
		{ "disable", user_disable },
		{ "reset-password", user_reset_password },
		{ 0 },
	};

	return run_subcmd(app, argc, argv, table, "user", "add, list, disable or reset-password");
}

static int token_create_cmd(struct app *app, int argc, char **argv)
{
	static const char *const vals[] = { "--user", "--username", "--name", NULL };
	static const char *const flags[] = { NULL };
	const char *name, *label = opt(argc, argv, "--name");
	struct user_tx x;
	char token[65];
	int64_t id, tid;
	int rc;

	if ((rc = check_args(app, argc, argv, vals, flags)) ||
	    (rc = find_user(app, argc, argv, &id, &name)))
		return rc;
	x = (struct user_tx){ .app = app, .id = id, .label = label, .token = token };
	rc = db_tx_run(app->conn, token_create_tx, &x);
	tid = x.tid;
	if (finish(app, rc, NULL))
		return 1;
	printf("token %lld for '%s' (shown once; keep it secret):\n%s\n", (long long)tid, name,
	       token);
	sodium_memzero(token, sizeof token);
	return 0;
}

static int token_revoke_cmd(struct app *app, int argc, char **argv)
{
	static const char *const vals[] = { "--id", NULL };
	static const char *const flags[] = { NULL };
	const char *v = opt(argc, argv, "--id");
	int64_t id;
	int rc;

	if ((rc = check_args(app, argc, argv, vals, flags)))
		return rc;
	if (!v || parse_int64(v, 1, INT64_MAX, &id))
		return cmd_usage_error(app, "token revoke needs --id N");
	rc = db_tx_run(app->conn, token_revoke_tx, &(struct user_tx){ .app = app, .id = id });
	if (rc == DB_EABORT) {
		fprintf(stderr, "error: no active token %lld\n", (long long)id);
		return 1;
	}
	return finish(app, rc, "revoked");
}

static int print_token(void *ctx, const struct token_line *l)
{
	(void)ctx;
	printf("%-6lld %-24s %-20s %s\n", (long long)l->id, l->username, l->name,
	       l->revoked ? "revoked" : "active");
	return 0;
}

static int token_list_cmd(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return cmd_usage_error(app, "unexpected argument '%s'", argv[1]);
	printf("%-6s %-24s %-20s %s\n", "ID", "USER", "NAME", "STATE");
	return tokens_each(app->conn, print_token, NULL) < 0 ? 1 : 0;
}

int cmd_token(struct app *app, int argc, char **argv)
{
	static const struct subcmd table[] = {
		{ "create", token_create_cmd },
		{ "revoke", token_revoke_cmd },
		{ "list", token_list_cmd },
		{ 0 },
	};

	return run_subcmd(app, argc, argv, table, "token", "create, revoke or list");
}
