/*
 * people_int.h — what the files of src/people/ share beyond people.h: the
 * store's functions (people_store.c, registrations_store.c) that the handlers
 * (people_api.c, registrations_api.c) call, and the paging both sides use.
 * Nothing outside src/people/ includes it.
 *
 * "scope" below is the caller's unit_path: a row is in scope when its
 * unit_path lies in the subtree [scope, path_upper(scope)). Lists take the
 * range [lo, hi) a struct scope gives. The stores build each row's JSON with
 * the typed builders (core/jbuild.h), exactly as the API answers it.
 */
#ifndef SHUNIU_PEOPLE_PEOPLE_INT_H
#define SHUNIU_PEOPLE_PEOPLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/errors.h"
#include "people/people.h"

struct db_conn;
struct db_stmt;
struct req;

/* ---- paging ---------------------------------------------------------------- */

/*
 * A list reads into a struct page (http/request.h): the store asks for limit + 1
 * rows and steps st to its end adding each row to pg with the row id in column 0
 * as its cursor: 0 or <0. Resets st. row may return NULL when it failed reading
 * more (DB_ERR).
 */
struct page;
int people_page_rows(struct db_stmt *st, struct page *pg,
		     json_t *(*row)(void *ctx, struct db_stmt *st), void *ctx);
/*
 * The handlers' side (people_api.c). The caller's scope (?unit= narrows it)
 * and the page asked for (?limit=, ?cursor=; page_begin_or_reply): 0, or -1
 * answered. page_reply() answers the page the store call read.
 */
struct scope;
int people_page_or_reply(struct req *req, struct db_conn *c, struct scope *sc, struct page *pg);

/* One row of the caller's scope by :id, read by fn (DB_ROW and *out, DB_DONE, <0): 200, 404
 * or 503. */
typedef int (*people_get_fn)(struct db_conn *c, int64_t id, const char *scope, json_t **out);
void people_scoped_get(struct req *req, people_get_fn fn);

/* Answer 429 e with Retry-After and retry_after_seconds: wait (at least 1). */
void people_retry_reply(struct req *req, enum err_id e, int64_t wait);

/*
 * Prepare sql (its parameters: an id, then the scope's lo and hi), bind them
 * and step once. DB_ROW with *st open (the caller reads it, then db_reset()),
 * else DB_DONE or <0 with *st reset.
 */
int people_scoped_row(struct db_conn *c, const char *sql, int64_t id, const char *scope,
		      struct db_stmt **st);

/* ---- households, residents, Party members (people_store.c) ----------------- */

/* A phone or ID number (which: PII_PHONE, PII_ID_NUMBER) sealed as stored: 0, or -1. */
struct people_sealed {
	unsigned char blob[PII_MAX_BLOB], idx[PII_BIDX_BYTES];
	int len;
	char mask[24];
};
int people_seal(const struct pii_keys *k, int which, const char *plain, struct people_sealed *out);

/* List statements: the rows of [lo, hi) with id > after, by id. 0 or <0. */
typedef int (*people_list_fn)(struct db_conn *c, const char *lo, const char *hi, int64_t after,
			      struct page *pg);
int people_store_households(struct db_conn *c, const char *lo, const char *hi, int64_t after,
			    struct page *pg);
int people_store_party_members(struct db_conn *c, const char *lo, const char *hi, int64_t after,
			       struct page *pg);
int people_store_central_households(struct db_conn *c, const char *lo, const char *hi,
				    int64_t after, struct page *pg);

/* One household in scope as the API shows it: DB_ROW and *out, DB_DONE, <0. */
int people_store_household(struct db_conn *c, int64_t id, const char *scope, json_t **out);
/* A household in scope: its building and unit_path (out: 256 bytes). DB_ROW, DB_DONE, <0. */
int people_store_household_in(struct db_conn *c, int64_t id, const char *scope, int64_t *building,
			      char *path);
/* In the caller's transaction. 0 and *id, or <0. */
int people_store_household_insert(struct db_conn *c, int64_t building_id, const char *path,
				  const char *room, const char *address, int64_t now, int64_t *id);
/* room and address NULL: keep. 0, DB_DONE (no such household in scope), <0. */
int people_store_household_update(struct db_conn *c, int64_t id, const char *room,
				  const char *address, const char *scope, int64_t now);

struct resident_filter {
	const char *lo, *hi;
	const char *q;		    /* a part of the name, or NULL */
	const unsigned char *phone; /* the phone's blind index (PII_BIDX_BYTES), or NULL */
	const char *tag;	    /* a stored tag, or NULL */
};
int people_store_residents(struct db_conn *c, const struct resident_filter *f, int64_t after,
			   struct page *pg);
/* One resident as the API shows it; scope NULL: anywhere. DB_ROW and *out, DB_DONE, <0. */
int people_store_resident(struct db_conn *c, int64_t id, const char *scope, json_t **out);
/* A resident in scope: DB_ROW and *household, DB_DONE, <0. */
int people_store_resident_in(struct db_conn *c, int64_t id, const char *scope, int64_t *household);
/*
 * A resident's phone and ID number in plain text ("" when not stored) for a
 * resident in scope: DB_ROW with *ok 0 when a value could not be decrypted,
 * DB_DONE, <0. The caller wipes both.
 */
int people_store_resident_reveal(struct db_conn *c, const struct pii_keys *k, int64_t id,
				 const char *scope, char phone[PII_MAX_PLAIN + 1],
				 char idn[PII_MAX_PLAIN + 1], int *ok);
/*
 * In the caller's transaction: the fields of in that are not NULL (gender
 * when set_gender), sealing phone and ID number. 0, DB_ECONSTRAINT (the ID
 * number is registered already), <0.
 */
int people_store_resident_update(struct db_conn *c, const struct pii_keys *k, int64_t id,
				 const struct resident_in *in, int set_gender, int64_t now);

/* 0 and *id, DB_ECONSTRAINT (a member already), <0. */
int people_store_party_member_insert(struct db_conn *c, int64_t resident_id, int64_t branch_id,
				     const char *path, const char *joined_on, int64_t now,
				     int64_t *id);
/* Is Party member id in scope? DB_ROW, DB_DONE, <0. */
int people_store_party_member_in(struct db_conn *c, int64_t id, const char *scope);
/* 0 and *id, DB_ECONSTRAINT (a central household already), <0. */
int people_store_central_insert(struct db_conn *c, int64_t household_id, int64_t party_member_id,
				const char *path, int64_t now, int64_t *id);
/* A household the central household serves (a repeat is ignored). 0 or <0. */
int people_store_central_link(struct db_conn *c, int64_t central_id, int64_t household_id);

/* ---- self-registration (registrations_store.c) ----------------------------- */

/* The station's grid by its public code: DB_ROW and *grid_id, DB_DONE, <0. */
int reg_store_station_grid(struct db_conn *c, const char *code, int64_t *grid_id);
/* The root of the tree (the district): DB_ROW and *id, DB_DONE, <0. */
int reg_store_root_unit(struct db_conn *c, int64_t *id);
/* The sub-units of parent but buildings, as places ({id, name, kind, leaf}): 0 or <0. */
int reg_store_places(struct db_conn *c, int64_t parent, json_t *items);

struct reg_row {
	int64_t account_id, unit_id;
	const char *unit_path, *name, *address, *note;
	const struct people_sealed *sp; /* the phone */
};
/* A pending registration: 0 and *id, or <0. */
int reg_store_insert(struct db_conn *c, const struct reg_row *r, int64_t now, int64_t *id);
/*
 * A new pending registration copying the phone of registration `from`,
 * (name NULL: its name too). 0 and *id, DB_ECONSTRAINT (one is pending), <0.
 */
int reg_store_reapply(struct db_conn *c, int64_t from, const struct reg_row *r, int64_t now,
		      int64_t *id);
/* The account's latest registration id: DB_ROW, DB_DONE, <0. */
int reg_store_latest_id(struct db_conn *c, int64_t account_id, int64_t *id);
/* The account's latest registration as the API shows it: DB_ROW and *out, DB_DONE, <0. */
int reg_store_mine(struct db_conn *c, int64_t account_id, json_t **out);
/* Registrations in [lo, hi) with id > after (status NULL: any), with their candidates. */
int reg_store_list(struct db_conn *c, const char *lo, const char *hi, const char *status,
		   int64_t after, struct page *pg);
/* One registration in scope with its candidates: DB_ROW and *out, DB_DONE, <0. */
int reg_store_get(struct db_conn *c, int64_t id, const char *scope, json_t **out);

/* What a decision needs of the registration. */
struct pending {
	int64_t id, account_id;
	char status[16];
	char name[256];
	unsigned char phone_enc[PII_MAX_BLOB];
	size_t phone_len;
};
/* A registration in scope, any status: DB_ROW, DB_DONE, <0. */
int reg_store_load(struct db_conn *c, int64_t id, const char *scope, struct pending *p);
/* The account's pending one cancelled: 0 and *id, DB_DONE (none pending), <0. */
int reg_store_cancel(struct db_conn *c, int64_t account_id, int64_t now, int64_t *id);
/*
 * Decide registration id if it is still pending (the conditional update
 * decides a race): confirm it into household_id, or reject it for reason.
 * 0, DB_DONE (no longer pending), <0.
 */
int reg_store_confirm(struct db_conn *c, int64_t id, int64_t household_id, int64_t by, int64_t now);
int reg_store_reject(struct db_conn *c, int64_t id, const char *reason, int64_t by, int64_t now);
int reg_store_set_resident(struct db_conn *c, int64_t id, int64_t resident_id);

/*
 * The account side (accounts rows; these belong in auth when it offers them).
 * Move an unbound account to grid (name NULL: keep the display name):
 * 0, DB_DONE (bound meanwhile), <0. Bind it to resident_id and move it:
 * 0, DB_DONE (bound already), DB_ECONSTRAINT (the resident has an account), <0.
 */
int reg_store_account_move(struct db_conn *c, int64_t account_id, int64_t grid_id,
			   const char *grid_path, const char *name, int64_t now);
int reg_store_account_bind(struct db_conn *c, int64_t account_id, int64_t resident_id,
			   int64_t grid_id, const char *grid_path, int64_t now);

#endif
