/*
 * audit.h — the append-only, keyed hash-chained audit log.
 *
 * Every write, every reveal of personal data, every sign-in and every failed
 * one is appended here. Each row's hash is a MAC (core/chain.h): keyed
 * BLAKE2b-256 over its id, its fields and the previous row's MAC, under a key
 * derived from secret.key that the database never holds. So a row rewritten
 * in the database, even with the chain recomputed after it, no longer
 * verifies, and a row deleted inside leaves a gap in the ids.
 *
 * chain_heads' 'audit' row holds the newest id and MAC (taking its row lock
 * serialises appends on PostgreSQL; SQLite's write lock already does) and
 * where the chain starts after a purge. Rows cut off the end with the head
 * moved back are caught by anchors outside the database: `shuniu serve`
 * appends the head to DIR/audit.anchors every audit_anchor_seconds and at
 * shutdown, and logs it. `shuniu verify audit` names what it finds with a
 * stable word and exit status (enum audit_verdict).
 *
 * Details must never hold personal data (names, phones, ID numbers): object
 * ids and field names only.
 */
#ifndef SHUNIU_AUDIT_AUDIT_H
#define SHUNIU_AUDIT_AUDIT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "core/crypto.h"
#include "http/router.h"

struct db;
struct db_conn;
struct req;

#define AUDIT_MIN_AGE_DAYS 180

struct audit_event {
	int64_t actor_id; /* 0: the system or an unknown user */
	const char *actor_name;
	const char *ip;
	const char *action;	 /* "auth.login", "resident.reveal", "unit.create" */
	const char *object_type; /* "unit", "resident", ... or NULL */
	int64_t object_id;	 /* 0: none */
	const char *outcome;	 /* "ok", "denied", "failed" */
	json_t *details;	 /* borrowed; may be NULL */
};

/* Append inside the caller's transaction. 0 or a negative DB_E*. */
int audit_append(struct db_conn *c, const struct audit_event *ev);
/* Append in a transaction of its own (events with no other write). */
int audit_record(struct db_conn *c, const struct audit_event *ev);
/* An event for the request's signed-in actor (or anonymous), own transaction. */
int audit_request(struct req *req, const char *action, const char *object_type, int64_t object_id,
		  const char *outcome, json_t *details);
/* Append an ok event for the request's actor inside the caller's transaction; steals details. */
int audit_write(struct req *req, struct db_conn *c, const char *action, const char *object_type,
		int64_t object_id, json_t *details);
/*
 * audit_write() after the change it records: rc is the change's result. 0 writes the event and
 * returns its result; anything else frees details and is returned as it is. So a callback ends
 * `return audit_write_after(store_change(...), x->req, c, "x.update", "x", id, NULL);`.
 */
int audit_write_after(int rc, struct req *req, struct db_conn *c, const char *action,
		      const char *object_type, int64_t object_id, json_t *details);
/* Fill actor and ip of ev from the request. */
void audit_from_request(struct req *req, struct audit_event *ev);

/* What verification found; the value is the exit status of `shuniu verify audit`. */
enum audit_verdict {
	AUDIT_INTACT = 0,
	AUDIT_REWRITTEN = 3, /* a row's MAC does not match its content */
	AUDIT_DELETED = 4,   /* ids are missing inside the chain, or at its start without a purge */
	AUDIT_TRUNCATED = 5, /* the newest anchor or chain_heads names rows the log no longer has */
	AUDIT_ANCHORS = 6,   /* the anchor file is missing, edited or forged */
	AUDIT_UNKEYED = 7,   /* the chain was never re-chained with the key */
};
/* The stable word for a verdict ("rewritten", "deleted", ...). */
const char *audit_verdict_name(int verdict);

/* The audit chain's key, derived from the secret key; appends fail (-1) without it. */
void audit_set_key(const unsigned char secret[SECRET_KEY_BYTES]);
void audit_clear_key(void);
/* DIR/audit.anchors into out. 0 or -1 (too long). */
int audit_anchors_path(const char *data_dir, char *out, size_t outlen);
/*
 * Make sure the chain is keyed. Rows written before migration 0012 are
 * checked against their unkeyed hashes, then re-chained with the key in one
 * transaction that appends an audit.rechain row, and the first anchor is
 * written. Refuses (-1, msg says why) when the unkeyed chain is already broken,
 * or when anchors exist for a chain marked unkeyed (someone reset the flag).
 */
int audit_chain_open(struct db_conn *c, const char *anchors, char *msg, size_t msglen);
/*
 * Check the anchor file, then recompute the chain. Returns an audit_verdict
 * (msg names the row or line), or <0 on a database error. *checked counts
 * the rows that verified.
 */
int audit_verify(struct db_conn *c, const char *anchors, int64_t *checked, char *msg,
		 size_t msglen);
/*
 * Delete rows older than `before` (epoch seconds), which must itself be at
 * least AUDIT_MIN_AGE_DAYS before now. The chain then starts after the last
 * deleted row: its id and MAC become chain_heads' base and are named in the
 * audit.purge row, which verification requires. Returns rows deleted or <0.
 */
int64_t audit_purge(struct db_conn *c, int64_t before, char *msg, size_t msglen);
/*
 * Append the chain's head to the anchor file and log it (kind 'A'), unless
 * the newest anchor already names it. 0 written, 1 unchanged, -1 (msg). A
 * missing file is not started again (that would hide a truncation): only
 * keying the chain and audit_reanchor() create one.
 */
int audit_anchor(struct db_conn *c, const char *anchors, char *msg, size_t msglen);
/*
 * A deliberate re-anchoring, e.g. after restoring an older backup: appends an
 * audit.reanchor row naming the anchor it replaces, then a kind 'R' line for
 * the new head. A damaged anchor file is refused; move it aside first.
 */
int audit_reanchor(struct db_conn *c, const char *anchors, char *msg, size_t msglen);
/* The server's anchor thread: an anchor now, every `seconds`, and at stop. */
int audit_anchor_start(struct db *db, const char *anchors, int64_t seconds);
void audit_anchor_stop(void);

extern const struct route audit_routes[];

#endif
