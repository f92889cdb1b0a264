/*
 * notify_store.c — all the SQL of the notifier's outbox (notifications).
 *
 * A row is written in the transaction of the change it tells of
 * (notify_enqueue) and marked after its delivery: delivered_at on success,
 * otherwise one more attempt with the time of the next one and the error.
 */
#include "messages/messages_int.h"

#include <stdio.h>
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
	int rc = db_prepare(c,
			    "SELECT id, event, payload, attempts FROM notifications WHERE "
			    "delivered_at IS NULL AND next_attempt_at <= ? AND attempts < ? ORDER "
			    "BY id LIMIT ?",
			    st);

	if (rc < 0)
		return rc;
	db_bind_int64(*st, 1, now);
	db_bind_int64(*st, 2, max_attempts);
	db_bind_int64(*st, 3, limit);
	return 0;
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
	char *sql = malloc(96 + (size_t)n * 3);
	struct db_stmt *up;
	size_t len;
	int rc;

	if (!sql)
		return DB_ENOMEM;
	len = (size_t)sprintf(sql, "UPDATE notifications SET delivered_at = ?, "
				   "attempts = attempts + 1 WHERE id IN (");
	for (int k = 0; k < n; k++)
		len += (size_t)sprintf(sql + len, k ? ",?" : "?");
	sprintf(sql + len, ")");
	rc = db_prepare(c, sql, &up);
	if (rc >= 0) {
		db_bind_int64(up, 1, now);
		for (int k = 0; k < n; k++)
			db_bind_int64(up, k + 2, ids[k]);
		rc = db_step(up);
		db_reset(up);
	}
	free(sql);
	return rc;
}
