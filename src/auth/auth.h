/*
 * auth.h — accounts, passwords, sessions, bearer tokens and the central
 * authentication hook.
 *
 * A request is authenticated by a session cookie ("shuniu_session", 256
 * random bits, stored only as its BLAKE2b hash) or by an API bearer token
 * (stored hashed too). Sessions end after session_idle seconds without use
 * or session_absolute seconds after sign-in, both read from the test-aware
 * clock. Mutating requests made with the cookie must carry the session's
 * X-CSRF-Token. The hook installed by auth_install() does all of this before
 * any handler runs and leaves a struct auth in req->auth.
 */
#ifndef SHUNIU_AUTH_AUTH_H
#define SHUNIU_AUTH_AUTH_H

#include <jansson.h>
#include <sodium.h>
#include <stdint.h>

#include "auth/perms.h"
#include "http/caller.h"
#include "http/router.h"

struct db_conn;
struct req;
struct server;

#define SESSION_COOKIE	  "shuniu_session"
#define PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* Install the authentication hook on the server. */
void auth_install(struct server *srv);
/*
 * What GET /api/v1/auth/me shows as a resident's "registration": the latest
 * self-registration, from people (registration_brief in people/people.h),
 * which sits above auth and so is installed by the command. Unset: null.
 */
void auth_set_registration_brief(json_t *(*fn)(struct db_conn *c, int64_t account_id));

/*
 * Does the signed-in account hold the key? auth_can() takes a string literal,
 * recorded for the start-up check (PERM_KEY in perms.h); auth_can_key() a
 * key held in a variable.
 */
int auth_can_key(const struct req *req, const char *perm);
#define auth_can(req, key) auth_can_key((req), PERM_KEY(key))

/*
 * Password policy: at least 10 characters, characters from at least 3 of
 * lower case, upper case, digits and others, not a shipped common password
 * (case-insensitive), not the user name. Returns 0, or -1 with *why set.
 */
int password_policy(const char *password, const char *username, const char **why);
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
int password_verify(const char *hash, const char *password);
/* Writes the shuniu_password_hashes_total counter (a metrics source). */
void password_metrics(void *fp);

/* 2-64 characters of a-z, 0-9, '.', '_', '-'? */
int account_username_valid(const char *username);
/*
 * Create an account. roles must be compatible (perms.h). password NULL makes an
 * account that cannot sign in until its password is reset. Returns 0, or <0
 * with a message in err (unknown unit, duplicate user name — DB_ECONSTRAINT —,
 * weak password).
 */
int account_create(struct db_conn *c, const char *username, const char *display_name,
		   int64_t unit_id, role_set roles, int64_t resident_id, const char *password,
		   int is_demo, int64_t *out_id, char *err, size_t errlen);
/*
 * The same with the password already hashed (password_hash(), or "!" for none):
 * callers hash before their transaction so the write lock is not held over
 * argon2id. DB_ECONSTRAINT when the user name is taken.
 */
int account_create_hashed(struct db_conn *c, const char *username, const char *display_name,
			  int64_t unit_id, role_set roles, int64_t resident_id, const char *hash,
			  int is_demo, int64_t *out_id, char *err, size_t errlen);
int account_set_password(struct db_conn *c, int64_t account_id, const char *password);
/*
 * An administrator's reset (`shuniu user reset-password`): the new password,
 * the account's sessions ended and its sign-in throttle cleared, in the
 * caller's transaction.
 */
int account_reset_password(struct db_conn *c, int64_t account_id, const char *username,
			   const char *password);
/* Every account, by id, handed to fn (strings valid during the call); 0 or <0. */
struct account_line {
	int64_t id;
	const char *username, *roles, *unit_code, *display_name;
	int disabled;
};
int accounts_each(struct db_conn *c, int (*fn)(void *ctx, const struct account_line *l), void *ctx);
/* Sign-in bookkeeping in the caller's transaction: last_login_at = now. */
int account_touch_login(struct db_conn *c, int64_t account_id, int64_t now);
/*
 * Count one attempt under key in a fixed window of window seconds (kept in
 * login_throttle beside the sign-in counters; keys hold a ':' so no user name
 * collides). *count is the attempts in the current window including this
 * one, *start when the window began. Runs its own transaction; 0 or <0.
 * Used for the registration throttle and the exact-search limit.
 */
int throttle_count(struct db_conn *c, const char *key, int64_t window, int64_t *count,
		   int64_t *start);
/* Until when key (a user name, or a key with a ':') is locked: 0 when it is not. 0 or <0. */
int throttle_locked_until(struct db_conn *c, const char *key, int64_t *until);
/*
 * One more failure under key, in the caller's transaction: at max_failures the key is
 * locked until lock_until; the first failure after a lock ran out starts the count again.
 * Used for tracking an appeal by case number. 0 or <0.
 */
int throttle_fail_lock(struct db_conn *c, const char *key, int64_t now, int64_t max_failures,
		       int64_t lock_until);
/* The same with a hash from password_hash(), made before the caller's transaction. */
int account_set_password_hash(struct db_conn *c, int64_t account_id, const char *hash);
int account_find(struct db_conn *c, const char *username, int64_t *id);
/* The roles of an enabled account whose unit lies in [lo, hi): DB_ROW and *roles, DB_DONE
 * (none, disabled, elsewhere, or roles that do not parse), <0. */
int account_roles_in(struct db_conn *c, int64_t account_id, const char *lo, const char *hi,
		     role_set *roles);
/*
 * Accounts that residents make for themselves sign in with their mobile
 * number, but the number is personal data and is never stored in plaintext:
 * the user name is "tel-" and 24 hex digits of the phone's keyed blind index
 * (pii.h). Returns 0 and the user name when typed is a mainland mobile
 * number (any spelling pii_phone_normalize accepts), -1 otherwise.
 */
#define PHONE_USERNAME_MAX 32
struct pii_keys;
int phone_username(const struct pii_keys *k, const char *typed, char out[PHONE_USERNAME_MAX]);
/*
 * Disable an account: it cannot sign in, its sessions end and its API tokens
 * are revoked (in the caller's transaction). Enabling gives back only the
 * ability to sign in.
 */
int account_disable(struct db_conn *c, int64_t account_id);
int account_enable(struct db_conn *c, int64_t account_id);
/*
 * Make the password unusable ("!", as for an account made without one), end
 * the sessions and revoke the API tokens, in the caller's transaction: for an
 * account just made an administrator, whose password someone else set.
 */
int account_void_credentials(struct db_conn *c, int64_t account_id);
/* Parse "a,b" into a role set; -1 on an unknown role. */
int roles_parse(const char *csv, role_set *out);
/* Write the set as "a,b". */
void roles_format(role_set roles, char *out, size_t n);

/* Bearer tokens: create prints nothing; the token is returned once (65 bytes hex). */
int token_create(struct db_conn *c, int64_t account_id, const char *name, char token[65],
		 int64_t *out_id);
int token_revoke(struct db_conn *c, int64_t token_id);
/* Every API token, by id, handed to fn (strings valid during the call); 0 or <0. */
struct token_line {
	int64_t id, created_at;
	const char *username, *name;
	int revoked;
};
int tokens_each(struct db_conn *c, int (*fn)(void *ctx, const struct token_line *l), void *ctx);
/*
 * The account behind an API bearer token (64 hex digits), its strings in a:
 * DB_ROW with out filled, DB_DONE (no such live token), <0. For endpoints
 * that take a key of their own outside the authentication hook (Open311).
 */
struct arena;
int bearer_lookup(struct db_conn *c, struct arena *a, const char *token, struct auth *out);

/* Accounts move with their unit and keep it from being deleted (org.h, src/cmd/cmd_units.c). */
struct org_unit_hooks;
extern const struct org_unit_hooks account_unit_hooks;

extern const struct route auth_routes[];
extern const struct route account_routes[];

#endif
