/*
 * audit.h — the append-only, hash-chained audit log.
 *
 * Every write, every reveal of personal data, every sign-in and every failed
 * one is appended here. Each row's hash is BLAKE2b-256 over its own fields and
 * the previous row's hash, so altering, deleting or inserting a row anywhere
 * breaks the chain from that row on; `shuniu verify audit` finds the first
 * broken row. The single row of audit_head holds the last id and hash: taking
 * its row lock serialises appends on PostgreSQL (SQLite's write lock already
 * does), and it lets verification notice rows cut off the end.
 *
 * Details must never hold personal data (names, phones, ID numbers): object
 * ids and field names only.
 */
#ifndef SHUNIU_AUDIT_AUDIT_H
#define SHUNIU_AUDIT_AUDIT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "http/router.h"

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
/* Fill actor and ip of ev from the request. */
void audit_from_request(struct req *req, struct audit_event *ev);

/*
 * Recompute the chain. Returns 0 when intact, 1 when broken (msg names the
 * first bad row), <0 on database error. Prints progress to out if not NULL.
 */
int audit_verify(struct db_conn *c, int64_t *checked, char *msg, size_t msglen);
/*
 * Delete rows older than `before` (epoch seconds), which must itself be at
 * least AUDIT_MIN_AGE_DAYS before now. The hash of the last deleted row is kept
 * as the chain's anchor. Returns rows deleted or <0 (msg says why).
 */
int64_t audit_purge(struct db_conn *c, int64_t before, char *msg, size_t msglen);

extern const struct route audit_routes[];

#endif
