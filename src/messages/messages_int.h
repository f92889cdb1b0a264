/*
 * messages_int.h — what the message files share and nobody else needs: the
 * statements of messages_store.c and notify_store.c.
 */
#ifndef SHUNIU_MESSAGES_MESSAGES_INT_H
#define SHUNIU_MESSAGES_MESSAGES_INT_H

#include "messages/messages.h"

/* ---- the message centre (messages_store.c) ----------------------------- */

/* Prepare and bind the page of an account's messages (and its unit's, unit != 0),
 * newest first, below cursor (0: from the top), unread only if asked; limit rows.
 * Columns: id, kind, title, body, appeal_id, created_at, read_at, case_no. */
int msg_list_open(struct db_conn *c, struct db_stmt **st, int64_t account_id, int64_t unit,
		  int64_t cursor, int unread_only, int64_t limit);
/* The unread messages of the account (and its unit's) into *n. */
int msg_unread_count(struct db_conn *c, int64_t account_id, int64_t unit, int64_t *n);
/* Mark message id read; DB_EABORT: not a message to this account or its unit. */
int msg_read_one(struct db_conn *c, int64_t account_id, int64_t unit, int64_t id, int64_t now);
/* Mark every message of the account (and its unit's) read. */
int msg_read_all(struct db_conn *c, int64_t account_id, int64_t unit, int64_t now);

/* ---- the outbox (notify_store.c) --------------------------------------- */

/* Prepare and bind the due undelivered rows: id, event, payload, attempts. */
int outbox_due_open(struct db_conn *c, struct db_stmt **st, int64_t now, int64_t max_attempts,
		    int64_t limit);
/* A failed delivery of row id: one more attempt, retried at next_at. */
int outbox_failed(struct db_conn *c, int64_t id, int64_t next_at, const char *why);
/* Rows ids[0..n) delivered at now, in one statement. */
int outbox_delivered(struct db_conn *c, const int64_t *ids, int n, int64_t now);

#endif
