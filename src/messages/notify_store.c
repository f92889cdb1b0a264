/*
 * notify_store.c — all the SQL of the notifier's outbox (notifications).
 *
 * A row is written in the transaction of the change it tells of
 * (notify_enqueue) and marked after its delivery: delivered_at on success,
 * otherwise one more attempt with the time of the next one and the error.
 */
#include "messages/messages_int.h"

#include <stdlib.h>

int notify_enqueue(struct db_conn *c, int64_t appeal_id, const char *event, json_t *payload,
		   int64_t now)
{
	char *text;
	int rc;

	if (!payload)
		return DB_ENOMEM;
	json_object_set_new(payload, "event", json_string(event));
	text = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	if (!text)
		return DB_ENOMEM;
	rc = db_run(c,
		    "INSERT INTO notifications (appeal_id, event, payload, created_at, "
		    "next_attempt_at) VALUES (?, ?, ?, ?, ?)",
		    "ittii", appeal_id, event, text, now, now);
	free(text);
	return rc;
}

int outbox_due_open(struct db_conn *c, struct db_stmt **st, int64_t now, int64_t max_attempts,
		    int64_t limit)
{
	return db_select(c, st,
			 "SELECT id, event, payload, attempts FROM notifications WHERE "
			 "delivered_at IS NULL AND next_attempt_at <= ? AND attempts < ? ORDER "
			 "BY id LIMIT ?",
			 "iii", now, max_attempts, limit);
}

int outbox_failed(struct db_conn *c, int64_t id, int64_t next_at, const char *why)
{
	return db_run(c,
		      "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?, "
		      "last_error = ? WHERE id = ?",
		      "iti", next_at, why, id);
}

int outbox_delivered(struct db_conn *c, const int64_t *ids, int n, int64_t now)
{
	struct db_stmt *up;
	int rc = db_prepare_values(c,
				   "UPDATE notifications SET delivered_at = ?, attempts = attempts "
				   "+ 1 WHERE id IN (",
				   "?", n, ")", &up);

	if (rc < 0)
		return rc;
	db_bind_int64(up, 1, now);
	for (int k = 0; k < n; k++)
		db_bind_int64(up, k + 2, ids[k]);
	rc = db_step(up);
	db_reset(up);
	return rc;
}
