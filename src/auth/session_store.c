/*
 * session_store.c — the SQL behind sign-in: account rows, sessions, bearer
 * tokens and the per-name throttle. Tokens are never stored: only their
 * BLAKE2b-256 hash, so a copy of the database cannot be used to sign in.
 */
#include "auth/auth_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "db/store.h"

#include <stdio.h>
#include <string.h>

#define ACCOUNT_COLS                                                                               \
	"a.id, a.username, a.display_name, a.roles, a.unit_id, a.unit_path, "                      \
	"COALESCE(a.resident_id, 0), a.password_hash, a.disabled"

/* Where an account row goes: the caller's struct auth (strings in the arena) and, if asked,
 * the password hash, the disabled flag, and the session's or token's columns after it. */
struct account_out {
	struct arena *a;
	struct auth *out;
	char *hash;
	int *disabled;
	int64_t *created, *last_seen, token_id;
};

static int account_row(struct db_stmt *st, void *p)
{
	struct account_out *x = p;
	struct auth *out = x->out;

	memset(out, 0, sizeof *out);
	out->account_id = db_col_int64(st, 0);
	out->username = arena_strdup(x->a, db_col_text(st, 1));
	out->display_name = arena_strdup(x->a, db_col_text(st, 2));
	roles_parse(db_col_text(st, 3), &out->roles);
	out->unit_id = db_col_int64(st, 4);
	out->unit_path = arena_strdup(x->a, db_col_text(st, 5));
	out->resident_id = db_col_int64(st, 6);
	if (x->hash)
		snprintf(x->hash, PASSWORD_HASH_MAX, "%s", db_col_text(st, 7));
	if (x->disabled)
		*x->disabled = (int)db_col_int64(st, 8);
	return 0;
}

int account_load(struct db_conn *c, struct arena *a, const char *username, struct auth *out,
		 char hash[PASSWORD_HASH_MAX], int *disabled)
{
	struct account_out x = { .a = a, .out = out, .hash = hash, .disabled = disabled };

	return db_one(c, account_row, &x,
		      "SELECT " ACCOUNT_COLS " FROM accounts a WHERE a.username = ?", "t",
		      username);
}

int account_load_by_id(struct db_conn *c, struct arena *a, int64_t id, struct auth *out,
		       char hash[PASSWORD_HASH_MAX], int *disabled)
{
	struct account_out x = { .a = a, .out = out, .hash = hash, .disabled = disabled };

	return db_one(c, account_row, &x, "SELECT " ACCOUNT_COLS " FROM accounts a WHERE a.id = ?",
		      "i", id);
}

static void token_hash(const char *token, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int session_row(struct db_stmt *st, void *p)
{
	struct account_out *x = p;

	account_row(st, x);
	x->out->session_id = db_col_int64(st, 9);
	x->out->csrf_token = arena_strdup(x->a, db_col_text(st, 10));
	*x->created = db_col_int64(st, 11);
	*x->last_seen = db_col_int64(st, 12);
	return 0;
}

int session_lookup(struct db_conn *c, struct arena *a, const char *token, struct auth *out,
		   int64_t *created, int64_t *last_seen)
{
	struct account_out x = { .a = a, .out = out, .created = created, .last_seen = last_seen };
	unsigned char h[32];

	token_hash(token, h);
	return db_one(c, session_row, &x,
		      "SELECT " ACCOUNT_COLS ", s.id, s.csrf_token, s.created_at, s.last_seen_at "
		      "FROM sessions s JOIN accounts a ON a.id = s.account_id "
		      "WHERE s.token_hash = ? AND a.disabled = 0",
		      "b", h, sizeof h);
}

int session_create(struct db_conn *c, int64_t account_id, const char *ip, char token[65],
		   char csrf[65], int64_t *id)
{
	unsigned char h[32];
	int64_t now = clock_now();
	int rc;

	random_hex(token, 32);
	random_hex(csrf, 32);
	token_hash(token, h);
	rc = db_query_int64(c, id,
			    "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, "
			    "last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			    "bitiit", h, sizeof h, account_id, csrf, now, now, ip);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : -1);
}

int session_touch(struct db_conn *c, int64_t id, int64_t now)
{
	return db_run(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", "ii", now, id);
}

int session_delete(struct db_conn *c, int64_t id)
{
	return db_run(c, "DELETE FROM sessions WHERE id = ?", "i", id);
}

int session_delete_token(struct db_conn *c, const char *token)
{
	unsigned char h[32];

	token_hash(token, h);
	return db_run(c, "DELETE FROM sessions WHERE token_hash = ?", "b", h, sizeof h);
}

int sessions_delete_for_account(struct db_conn *c, int64_t account_id, int64_t except_id)
{
	return db_run(c, "DELETE FROM sessions WHERE account_id = ? AND id <> ?", "ii", account_id,
		      except_id);
}

static int bearer_row(struct db_stmt *st, void *p)
{
	struct account_out *x = p;

	account_row(st, x);
	x->token_id = db_col_int64(st, 9);
	return 0;
}

int bearer_lookup(struct db_conn *c, struct arena *a, const char *token, struct auth *out)
{
	struct account_out x = { .a = a, .out = out };
	unsigned char h[32];
	int rc;

	token_hash(token, h);
	rc = db_one(c, bearer_row, &x,
		    "SELECT " ACCOUNT_COLS ", t.id FROM api_tokens t "
		    "JOIN accounts a ON a.id = t.account_id "
		    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND a.disabled = 0",
		    "b", h, sizeof h);
	if (rc == DB_ROW)
		db_run(c, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ii", clock_now(),
		       x.token_id);
	return rc;
}

int throttle_locked_until(struct db_conn *c, const char *username, int64_t *until)
{
	int rc;

	*until = 0;
	rc = db_query_int64(c, until, "SELECT locked_until FROM login_throttle WHERE username = ?",
			    "t", username);
	return rc < 0 ? rc : 0;
}

int throttle_fail_lock(struct db_conn *c, const char *key, int64_t now, int64_t max_failures,
		       int64_t lock_until)
{
	return db_run(c,
		      "INSERT INTO login_throttle (username, failures, locked_until, "
		      "updated_at) VALUES (?, 1, 0, ?) ON CONFLICT (username) DO "
		      "UPDATE SET failures = CASE WHEN login_throttle.locked_until > 0 "
		      "AND login_throttle.locked_until <= excluded.updated_at THEN 1 "
		      "ELSE login_throttle.failures + 1 END, locked_until = CASE WHEN "
		      "login_throttle.failures + 1 >= ? AND login_throttle.locked_until "
		      "<= excluded.updated_at THEN ? ELSE login_throttle.locked_until "
		      "END, updated_at = excluded.updated_at",
		      "tiii", key, now, max_failures, lock_until);
}

struct throttle {
	const char *key;
	int64_t now, max, lock_seconds, window;
	int64_t failures, start; /* out */
};

static int throttle_fail_tx(struct db_conn *c, void *ctx)
{
	struct throttle *x = ctx;
	int rc = db_run(c,
			"INSERT INTO login_throttle (username, failures, locked_until, updated_at) "
			"VALUES (?, 1, 0, ?) ON CONFLICT (username) DO UPDATE SET "
			"failures = login_throttle.failures + 1, updated_at = excluded.updated_at",
			"ti", x->key, x->now);

	x->failures = 0;
	if (rc == 0)
		rc = db_query_int64(c, &x->failures,
				    "SELECT failures FROM login_throttle WHERE username = ?", "t",
				    x->key) == DB_ROW
			     ? 0
			     : -1;
	if (rc == 0 && x->failures >= x->max)
		rc = db_run(c,
			    "UPDATE login_throttle SET failures = 0, locked_until = ? WHERE "
			    "username = ?",
			    "it", x->now + x->lock_seconds, x->key);
	return rc;
}

int throttle_fail(struct db_conn *c, const char *username, int64_t max, int64_t lock_seconds)
{
	struct throttle x = {
		.key = username, .now = clock_now(), .max = max, .lock_seconds = lock_seconds
	};
	int rc = db_tx_run(c, throttle_fail_tx, &x);

	if (rc < 0)
		return rc;
	return x.failures >= max ? 1 : 0;
}

/* The first two columns, both integers, into *out[0] and *out[1]. */
static int two_ints(struct db_stmt *st, void *p)
{
	int64_t **out = p;

	*out[0] = db_col_int64(st, 0);
	*out[1] = db_col_int64(st, 1);
	return 0;
}

static int throttle_count_tx(struct db_conn *c, void *ctx)
{
	struct throttle *x = ctx;
	int rc = db_run(c,
			"INSERT INTO login_throttle (username, failures, locked_until, "
			"updated_at) VALUES (?, 1, 0, ?) ON CONFLICT (username) DO UPDATE SET "
			"failures = CASE WHEN login_throttle.updated_at <= ? THEN 1 ELSE "
			"login_throttle.failures + 1 END, updated_at = CASE WHEN "
			"login_throttle.updated_at <= ? THEN excluded.updated_at ELSE "
			"login_throttle.updated_at END",
			"tiii", x->key, x->now, x->now - x->window, x->now - x->window);

	x->failures = 0;
	x->start = x->now;
	if (rc == 0) {
		int64_t *out[2] = { &x->failures, &x->start };
		rc = db_one(c, two_ints, out,
			    "SELECT failures, updated_at FROM login_throttle WHERE username = ?",
			    "t", x->key);
		rc = rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR); /* the row was just written */
	}
	return rc;
}

int throttle_count(struct db_conn *c, const char *key, int64_t window, int64_t *count,
		   int64_t *start)
{
	struct throttle x = { .key = key, .now = clock_now(), .window = window };
	int rc = db_tx_run(c, throttle_count_tx, &x);

	*count = rc == 0 ? x.failures : 0;
	*start = rc == 0 ? x.start : x.now;
	return rc;
}

int throttle_clear(struct db_conn *c, const char *username)
{
	return db_run(c, "DELETE FROM login_throttle WHERE username = ?", "t", username);
}
