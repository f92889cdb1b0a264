/*
 * messages.h — the in-app message centre and the notifier: what other modules
 * may call.
 *
 * Messages are rows written in the same transaction as the change they tell
 * of: to one account (a resident, an assignee) or to every staff account of a
 * unit. Reads are kept per account in message_reads. Appeals, registrations,
 * bookings, activities, service applications and meals all write them.
 *
 * The notifier delivers the outbox (notifications) after the commit, with
 * retries, by the "log" or the "webhook" driver (notify.c says how).
 *
 * Files: messages_api.c (the message-centre routes), messages_store.c (their
 * SQL and message_add), notify.c (the outbox and the delivery thread),
 * notify_store.c (the outbox's SQL), messages_int.h (what they share).
 */
#ifndef SHUNIU_MESSAGES_MESSAGES_H
#define SHUNIU_MESSAGES_MESSAGES_H

#include "db/store.h"
#include "http/router.h"
#include "http/server.h"

#include <jansson.h>
#include <stdint.h>

/* Message to an account (account_id) or a unit's staff (unit_id); the other 0.
 * appeal_id is the appeal it tells of, or 0. */
int message_add(struct db_conn *c, int64_t account_id, int64_t unit_id, int64_t appeal_id,
		const char *kind, const char *title, const char *body, int64_t now);
/* An outbox row for the notifier about appeal id's event (takes payload). */
int notify_enqueue(struct db_conn *c, int64_t appeal_id, const char *event, json_t *payload,
		   int64_t now);
/* Wake the notifier thread (after a commit that enqueued something). */
void notify_kick(void);
/* Deliver what is due now, once (the notifier thread's loop body). Returns rows handled. */
int notify_run_once(struct server *srv, struct db_conn *c);

/* Start and stop the notifier thread. */
int notifier_start(struct server *srv);
void notifier_stop(void);

/* GET /api/v1/messages, POST /api/v1/messages/:id/read, POST /api/v1/messages/read-all */
struct org_unit_hooks;
/* Messages addressed to a unit keep it from being deleted, for org (cmd_units.c). */
extern const struct org_unit_hooks messages_unit_hooks;

extern const struct route message_routes[];

#endif
