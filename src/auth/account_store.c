/*
 * account_store.c — the SQL of account administration (account_api.c): the
 * scoped account list and the profile and role updates. Disabling, passwords
 * and the throttle are in auth_store.c and session_store.c, shared with the
 * CLI.
 *
 * A row says whether the account is locked (its user name has a
 * login_throttle row locked until later than now) and whether it has a
 * password at all (accounts made without one hold "!" instead of a hash);
 * the hash itself never leaves this file.
 *
 * Resident accounts are left out unless the filter asks for them: they are
 * residents' own, and their names and grids are not account administration's
 * business (docs/SECURITY.md).
 */
#include "auth/auth_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

/* "%q%" with the LIKE wildcards of q escaped, lower case (ASCII); in the arena. */
static char *like_pattern(struct arena *a, const char *q)
{
	size_t n = strlen(q) * 2 + 3;
	char *out = arena_alloc(a, n);

	db_like_pattern(q, 1, out, n);
	return out;
}

/* The rows read into an array of at most limit, counted in *n; strings in the arena. */
struct rows_out {
	struct arena *a;
	struct account_row *rows;
	int *n;
	int64_t limit;
};

static int account_row_read(struct db_stmt *st, void *p)
{
	struct rows_out *x = p;
	struct account_row *r;

	if (*x->n >= x->limit)
		return DB_ROW;
	r = &x->rows[(*x->n)++];
	r->id = db_col_int64(st, 0);
	r->username = arena_strdup(x->a, db_col_text(st, 1));
	r->display_name = arena_strdup(x->a, db_col_text(st, 2));
	r->unit_id = db_col_int64(st, 3);
	r->unit_name = arena_strdup(x->a, db_col_text(st, 4));
	r->unit_path = arena_strdup(x->a, db_col_text(st, 5));
	if (roles_parse(db_col_text(st, 6), &r->roles) < 0)
		r->roles = 0;
	r->disabled = (int)db_col_int64(st, 7);
	r->locked = (int)db_col_int64(st, 8);
	r->password_set = (int)db_col_int64(st, 9);
	r->last_login_at = db_col_int64(st, 10);
	r->created_at = db_col_int64(st, 11);
	return 0;
}

int account_rows(struct db_conn *c, struct arena *a, const struct account_filter *f,
		 struct account_row **out, int *n)
{
	const char *pat = f->q ? like_pattern(a, f->q) : NULL;
	const char *role = f->role >= 0 ? arena_printf(a, "%%,%s,%%", role_name(f->role)) : NULL;
	const struct db_arg args[] = {
		DB_ARG_I(clock_now()), DB_ARG_T(f->lo),	       DB_ARG_T(f->hi),
		DB_ARG_I(f->cursor),   DB_ARG_I(f->id),	       DB_ARG_I(f->id),
		DB_ARG_T(pat),	       DB_ARG_T(pat),	       DB_ARG_T(pat),
		DB_ARG_T(role),	       DB_ARG_T(role),	       DB_ARG_I(f->disabled),
		DB_ARG_I(f->disabled), DB_ARG_I(f->residents), DB_ARG_I(f->limit),
	};
	struct rows_out x = { a, NULL, n, f->limit };
	int rc;

	*n = 0;
	*out = x.rows = arena_zalloc(a, sizeof **out * (size_t)(f->limit > 0 ? f->limit : 1));
	rc = db_each_args(
		c, account_row_read, &x,
		"SELECT a.id, a.username, a.display_name, a.unit_id, u.name, a.unit_path, a.roles, "
		"a.disabled, CASE WHEN t.locked_until > ? THEN 1 ELSE 0 END, "
		"CASE WHEN a.password_hash LIKE '$%' THEN 1 ELSE 0 END, "
		"COALESCE(a.last_login_at, 0), a.created_at "
		"FROM accounts a JOIN units u ON u.id = a.unit_id "
		"LEFT JOIN login_throttle t ON t.username = a.username "
		"WHERE a.unit_path >= ? AND a.unit_path < ? AND a.id > ? AND (? = 0 OR a.id = ?) "
		"AND (CAST(? AS TEXT) IS NULL OR LOWER(a.username) LIKE ? ESCAPE '\\' "
		"OR LOWER(a.display_name) LIKE ? ESCAPE '\\') "
		"AND (CAST(? AS TEXT) IS NULL OR (',' || a.roles || ',') LIKE ?) "
		"AND (? < 0 OR a.disabled = ?) "
		"AND (? = 1 OR (',' || a.roles || ',') NOT LIKE '%,resident,%') "
		"ORDER BY a.id LIMIT ?",
		args, DB_ARGS_N(args));
	return rc < 0 ? rc : 0;
}

int account_update(struct db_conn *c, int64_t id, const char *display_name, int64_t unit_id,
		   const char *unit_path, const char *roles)
{
	return db_run(c,
		      "UPDATE accounts SET display_name = COALESCE(?, display_name), "
		      "unit_id = CASE WHEN ? > 0 THEN ? ELSE unit_id END, "
		      "unit_path = COALESCE(?, unit_path), roles = COALESCE(?, roles), "
		      "updated_at = ? WHERE id = ?",
		      "tiittii", display_name, unit_id, unit_id, unit_id > 0 ? unit_path : NULL,
		      roles, clock_now(), id);
}

/* ---- the unit hooks (org.h): accounts live under units ----------------------- */

static const char *const account_path_sql[] = { DB_PATH_MOVED("accounts", "unit_path") };
static const char *const account_use_sql[] = { DB_COUNT_EQ("accounts", "unit_id") };

const struct org_unit_hooks account_unit_hooks = { "accounts", ORG_HOOK_SQL(account_path_sql),
						   ORG_HOOK_SQL(account_use_sql), NULL, NULL };

int account_roles_in(struct db_conn *c, int64_t account_id, const char *lo, const char *hi,
		     role_set *roles)
{
	char text[256];
	int rc = db_text(c, text, sizeof text,
			 "SELECT roles FROM accounts WHERE id = ? AND disabled = 0 AND "
			 "unit_path >= ? AND unit_path < ?",
			 "itt", account_id, lo, hi);

	if (rc == DB_ROW && roles_parse(text, roles) < 0)
		rc = DB_DONE;
	return rc;
}
