/*
 * auth_store.c — accounts, passwords, sign-in throttling, sessions and API
 * tokens: all the SQL of the auth module.
 */
#include "auth/auth.h"
#include "auth/auth_int.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "db/store.h"
#include "org/org.h"
#include "pii/pii.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

int password_is_common(const char *pw);

int password_policy(const char *pw, const char *username, const char **why)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	size_t chars = 0;

	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if ((*p & 0xc0) != 0x80)
			chars++; /* count UTF-8 characters, not bytes */
		if (islower(*p))
			lower = 1;
		else if (isupper(*p))
			upper = 1;
		else if (isdigit(*p))
			digit = 1;
		else
			other = 1;
	}
	if (chars < 10) {
		*why = "at least 10 characters";
		return -1;
	}
	if (strlen(pw) > 256) {
		*why = "at most 256 bytes";
		return -1;
	}
	if (lower + upper + digit + other < 3) {
		*why = "characters from at least 3 of: lower case, upper case, digits, others";
		return -1;
	}
	if (password_is_common(pw)) {
		*why = "not a commonly used password";
		return -1;
	}
	if (username && !strcasecmp(pw, username)) {
		*why = "not the user name";
		return -1;
	}
	return 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
		       ? 0
		       : -1;
}

/* Hashes verified, for /metrics: each one costs the same ~100 ms of CPU. */
static atomic_llong m_verified;

int password_verify(const char *hash, const char *pw)
{
	if (!hash || hash[0] != '$')
		return -1;
	atomic_fetch_add(&m_verified, 1);
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

void password_metrics(void *fp)
{
	fprintf((FILE *)fp,
		"# HELP shuniu_password_hashes_total Password hashes verified (sign-ins, "
		"changes).\n"
		"# TYPE shuniu_password_hashes_total counter\nshuniu_password_hashes_total %lld\n",
		(long long)atomic_load(&m_verified));
}

int roles_parse(const char *csv, role_set *out)
{
	char buf[256], *tok, *save = NULL;

	*out = 0;
	if (!csv || snprintf(buf, sizeof buf, "%s", csv) >= (int)sizeof buf)
		return -1;
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int r = role_by_name(tok);
		if (r < 0)
			return -1;
		*out |= ROLE_BIT(r);
	}
	return *out ? 0 : -1;
}

void roles_format(role_set roles, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (int r = 0; r < ROLE__COUNT; r++)
		if (roles & ROLE_BIT(r))
			used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s",
						 used ? "," : "", role_name(r));
}

int account_username_valid(const char *u)
{
	size_t n = strlen(u);

	if (n < 2 || n > 64)
		return 0;
	for (const char *p = u; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      strchr("._-", *p)))
			return 0;
	return 1;
}

int account_create(struct db_conn *c, const char *username, const char *display_name,
		   int64_t unit_id, role_set roles, int64_t resident_id, const char *password,
		   int is_demo, int64_t *out_id, char *err, size_t errlen)
{
	char hash[PASSWORD_HASH_MAX] = "!";
	const char *why;
	int rc;

	if (password && password_policy(password, username, &why) < 0) {
		snprintf(err, errlen, "password too weak: it needs %s", why);
		return -1;
	}
	if (password && password_hash(password, hash) < 0) {
		snprintf(err, errlen, "cannot hash the password (out of memory?)");
		return -1;
	}
	rc = account_create_hashed(c, username, display_name, unit_id, roles, resident_id, hash,
				   is_demo, out_id, err, errlen);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int account_create_hashed(struct db_conn *c, const char *username, const char *display_name,
			  int64_t unit_id, role_set roles, int64_t resident_id, const char *hash,
			  int is_demo, int64_t *out_id, char *err, size_t errlen)
{
	struct unit_ref u;
	char rolestr[256];
	int64_t now = clock_now();
	int rc;

	if (!account_username_valid(username)) {
		snprintf(err, errlen,
			 "user name '%s' must be 2-64 characters of a-z, 0-9, '.', '_' or '-'",
			 username);
		return -1;
	}
	if (!roles_compatible(roles)) {
		snprintf(err, errlen,
			 "these roles cannot be held together (auditor, sysadmin, secadmin and "
			 "resident each stand alone)");
		return -1;
	}
	rc = unit_get(c, unit_id, &u);
	if (rc != DB_ROW) {
		snprintf(err, errlen, "unit %lld does not exist", (long long)unit_id);
		return rc < 0 ? rc : -1;
	}
	roles_format(roles, rolestr, sizeof rolestr);
	rc = db_query_int64(
		c, out_id,
		"INSERT INTO accounts (username, display_name, unit_id, unit_path, roles, "
		"resident_id, password_hash, password_changed_at, is_demo, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?) "
		"RETURNING id",
		"ttittitiiii", username, display_name ? display_name : username, unit_id, u.path,
		rolestr, resident_id, hash, now, (int64_t)is_demo, now, now);
	if (rc == DB_ECONSTRAINT) {
		snprintf(err, errlen, "user name '%s' is taken", username);
		return DB_ECONSTRAINT;
	}
	if (rc != DB_ROW) {
		snprintf(err, errlen, "cannot create the account: %s", db_errmsg(c));
		return rc < 0 ? rc : -1;
	}
	return 0;
}

int phone_username(const struct pii_keys *k, const char *typed, char out[PHONE_USERNAME_MAX])
{
	char norm[24];
	unsigned char idx[PII_BIDX_BYTES];

	if (!k || pii_phone_normalize(typed, norm) < 0 || norm[0] != '1')
		return -1;
	pii_blind_index(k, PII_PHONE, norm, idx);
	memcpy(out, "tel-", 4);
	hex_encode(out + 4, idx, 12);
	sodium_memzero(norm, sizeof norm);
	return 0;
}

int account_set_password_hash(struct db_conn *c, int64_t account_id, const char *hash)
{
	return db_run(c,
		      "UPDATE accounts SET password_hash = ?, password_changed_at = ?, "
		      "updated_at = ? WHERE id = ?",
		      "tiii", hash, clock_now(), clock_now(), account_id);
}

int account_set_password(struct db_conn *c, int64_t account_id, const char *password)
{
	char hash[PASSWORD_HASH_MAX];
	int rc;

	if (password_hash(password, hash) < 0)
		return -1;
	rc = account_set_password_hash(c, account_id, hash);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int account_reset_password(struct db_conn *c, int64_t account_id, const char *username,
			   const char *password)
{
	int rc = account_set_password(c, account_id, password);

	if (rc == 0)
		rc = sessions_delete_for_account(c, account_id, 0); /* ids start at 1: all */
	if (rc == 0)
		rc = throttle_clear(c, username);
	return rc;
}

int account_touch_login(struct db_conn *c, int64_t account_id, int64_t now)
{
	return db_run(c, "UPDATE accounts SET last_login_at = ? WHERE id = ?", "ii", now,
		      account_id);
}

/* The listings of the CLI: each row handed on as a line by row. */
struct each {
	int (*account)(void *ctx, const struct account_line *l);
	int (*token)(void *ctx, const struct token_line *l);
	void *ctx;
	int (*row)(struct db_stmt *st, struct each *e);
};

/* A line's failure stops the listing; anything else goes on. */
static int each_line(struct db_stmt *st, void *p)
{
	struct each *e = p;
	int rc = e->row(st, e);

	return rc < 0 ? rc : 0;
}

/* Every row of sql (no parameters) through e. 0 or <0. */
static int each_row(struct db_conn *c, const char *sql, struct each e)
{
	int rc = db_each(c, each_line, &e, sql, "");

	return rc < 0 ? rc : 0;
}

static int account_line_row(struct db_stmt *st, struct each *e)
{
	const struct account_line l = { .id = db_col_int64(st, 0),
					.username = db_col_text(st, 1),
					.roles = db_col_text(st, 2),
					.unit_code = db_col_text(st, 3),
					.disabled = (int)db_col_int64(st, 4),
					.display_name = db_col_text(st, 5) };
	return e->account(e->ctx, &l);
}

static int token_line_row(struct db_stmt *st, struct each *e)
{
	const struct token_line l = { .id = db_col_int64(st, 0),
				      .username = db_col_text(st, 1),
				      .name = db_col_text(st, 2),
				      .created_at = db_col_int64(st, 3),
				      .revoked = (int)db_col_int64(st, 4) };
	return e->token(e->ctx, &l);
}

int accounts_each(struct db_conn *c, int (*fn)(void *ctx, const struct account_line *l), void *ctx)
{
	return each_row(c,
			"SELECT a.id, a.username, a.roles, u.code, a.disabled, a.display_name "
			"FROM accounts a JOIN units u ON u.id = a.unit_id ORDER BY a.id",
			(struct each){ .account = fn, .ctx = ctx, .row = account_line_row });
}

int tokens_each(struct db_conn *c, int (*fn)(void *ctx, const struct token_line *l), void *ctx)
{
	return each_row(c,
			"SELECT t.id, a.username, t.name, t.created_at, t.revoked_at IS NOT NULL "
			"FROM api_tokens t JOIN accounts a ON a.id = t.account_id ORDER BY t.id",
			(struct each){ .token = fn, .ctx = ctx, .row = token_line_row });
}

/* End the account's sessions and revoke its API tokens. */
static int account_end_access(struct db_conn *c, int64_t account_id, int64_t now)
{
	int rc = db_run(c, "DELETE FROM sessions WHERE account_id = ?", "i", account_id);

	if (rc == 0)
		rc = db_run(c,
			    "UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND "
			    "revoked_at IS NULL",
			    "ii", now, account_id);
	return rc;
}

int account_disable(struct db_conn *c, int64_t account_id)
{
	int64_t now = clock_now();
	int rc = db_run(c, "UPDATE accounts SET disabled = 1, updated_at = ? WHERE id = ?", "ii",
			now, account_id);

	return rc == 0 ? account_end_access(c, account_id, now) : rc;
}

int account_void_credentials(struct db_conn *c, int64_t account_id)
{
	int64_t now = clock_now();
	int rc = db_run(c,
			"UPDATE accounts SET password_hash = '!', password_changed_at = ?, "
			"updated_at = ? WHERE id = ?",
			"iii", now, now, account_id);

	return rc == 0 ? account_end_access(c, account_id, now) : rc;
}

int account_enable(struct db_conn *c, int64_t account_id)
{
	return db_run(c, "UPDATE accounts SET disabled = 0, updated_at = ? WHERE id = ?", "ii",
		      clock_now(), account_id);
}

int account_find(struct db_conn *c, const char *username, int64_t *id)
{
	return db_query_int64(c, id, "SELECT id FROM accounts WHERE username = ?", "t", username);
}

int token_create(struct db_conn *c, int64_t account_id, const char *name, char token[65],
		 int64_t *out_id)
{
	unsigned char raw[32], h[32];
	int rc;

	randombytes_buf(raw, sizeof raw);
	hex_encode(token, raw, sizeof raw);
	crypto_generichash(h, sizeof h, (const unsigned char *)token, 64, NULL, 0);
	rc = db_query_int64(c, out_id,
			    "INSERT INTO api_tokens (account_id, name, token_hash, created_at) "
			    "VALUES (?, ?, ?, ?) RETURNING id",
			    "itbi", account_id, name, h, sizeof h, clock_now());
	sodium_memzero(raw, sizeof raw);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : -1);
}

int token_revoke(struct db_conn *c, int64_t token_id)
{
	int rc = db_run(c,
			"UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
			"ii", clock_now(), token_id);

	return rc < 0 ? rc : (db_changes(c) == 1 ? 0 : -1);
}
