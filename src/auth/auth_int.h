/*
 * auth_int.h — between the auth module's store and its HTTP side.
 */
#ifndef SHUNIU_AUTH_AUTH_INT_H
#define SHUNIU_AUTH_AUTH_INT_H

#include "auth/auth.h"

struct arena;

/* Account row by user name (DB_ROW, DB_DONE, <0); hash receives the password hash. */
int account_load(struct db_conn *c, struct arena *a, const char *username, struct auth *out,
		 char hash[PASSWORD_HASH_MAX], int *disabled);
int account_load_by_id(struct db_conn *c, struct arena *a, int64_t id, struct auth *out,
		       char hash[PASSWORD_HASH_MAX], int *disabled);

/* A session by its token (hex); DB_ROW with out filled and times, DB_DONE, <0. */
int session_lookup(struct db_conn *c, struct arena *a, const char *token, struct auth *out,
		   int64_t *created, int64_t *last_seen);
int session_create(struct db_conn *c, int64_t account_id, const char *ip, char token[65],
		   char csrf[65], int64_t *id);
int session_touch(struct db_conn *c, int64_t id, int64_t now);
int session_delete(struct db_conn *c, int64_t id);
int session_delete_token(struct db_conn *c, const char *token);
int sessions_delete_for_account(struct db_conn *c, int64_t account_id, int64_t except_id);

/* Sign-in throttle per user name. */
/* Count a failure; returns 1 when this failure locked the name, 0 if not, <0 error. */
int throttle_fail(struct db_conn *c, const char *username, int64_t max, int64_t lock_seconds);
int throttle_clear(struct db_conn *c, const char *username);

/*
 * Account administration (account_store.c): rows as the administration API
 * shows them, never with the password hash.
 */
struct account_row {
	int64_t id;
	const char *username, *display_name;
	int64_t unit_id;
	const char *unit_name, *unit_path;
	role_set roles;
	int disabled, locked, password_set;
	int64_t last_login_at, created_at; /* 0: never */
};

struct account_filter {
	const char *lo, *hi; /* the scope, [lo, hi) over unit_path */
	int64_t id;	     /* one account (0: any) */
	int64_t cursor;	     /* id > cursor */
	int64_t limit;
	const char *q; /* substring of the user name or display name (NULL: any) */
	int role;      /* -1: any */
	int disabled;  /* -1: any, 0, 1 */
	int residents; /* 1: resident accounts too (0: business and administrators only) */
};

/* Up to f->limit rows into out (arena-allocated array); *n rows. 0 or <0. */
int account_rows(struct db_conn *c, struct arena *a, const struct account_filter *f,
		 struct account_row **out, int *n);
/* Set the fields given (NULL / 0 / -1 keep them): display name, unit, roles. */
int account_update(struct db_conn *c, int64_t id, const char *display_name, int64_t unit_id,
		   const char *unit_path, const char *roles);

#endif
