/*
 * messages_store.c — all the SQL of the message centre.
 *
 * A message goes to one account (account_id) or to every staff account of a
 * unit (unit_id); the other column is NULL. A read is a message_reads row per
 * account, so a unit-wide message is read by each of its staff on their own.
 * The list joins appeals only for the case number of an appeal's message.
 */
#include "messages/messages_int.h"

#include "org/org.h"

int message_add(struct db_conn *c, int64_t account_id, int64_t unit_id, int64_t appeal_id,
		const char *kind, const char *title, const char *body, int64_t now)
{
	return db_run(c,
		      "INSERT INTO messages (account_id, unit_id, appeal_id, kind, title, body, "
		      "created_at) VALUES (NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), "
		      "0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?)",
		      "iiittti", account_id, unit_id, appeal_id, kind, title, body ? body : "",
		      now);
}

int msg_list_open(struct db_conn *c, struct db_stmt **st, int64_t account_id, int64_t unit,
		  int64_t cursor, int unread_only, int64_t limit)
{
	return db_select(c, st,
			 "SELECT m.id, m.kind, m.title, m.body, m.appeal_id, m.created_at, "
			 "r.read_at, ap.case_no FROM messages m LEFT JOIN message_reads r ON "
			 "r.message_id = m.id AND r.account_id = ? LEFT JOIN appeals ap ON ap.id = "
			 "m.appeal_id WHERE (m.account_id = ? OR m.unit_id = ?) AND (? = 0 OR m.id "
			 "< ?) AND (? = 0 OR r.read_at IS NULL) ORDER BY m.id DESC LIMIT ?",
			 "iiiiiii", account_id, account_id, unit, cursor, cursor,
			 (int64_t)unread_only, limit);
}

int msg_unread_count(struct db_conn *c, int64_t account_id, int64_t unit, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT COUNT(*) FROM messages m WHERE (m.account_id = ? OR "
			      "m.unit_id = ?) AND NOT EXISTS (SELECT 1 FROM message_reads r "
			      "WHERE r.message_id = m.id AND r.account_id = ?)",
			      "iii", account_id, unit, account_id);
}

int msg_read_one(struct db_conn *c, int64_t account_id, int64_t unit, int64_t id, int64_t now)
{
	int64_t seen = 0;
	int rc = db_run(c,
			"INSERT INTO message_reads (message_id, account_id, read_at) SELECT id, "
			"?, ? FROM messages WHERE id = ? AND (account_id = ? OR unit_id = ?) ON "
			"CONFLICT DO NOTHING",
			"iiiii", account_id, now, id, account_id, unit);

	if (rc == 0) {
		rc = db_query_int64(c, &seen,
				    "SELECT COUNT(*) FROM message_reads WHERE message_id = ? AND "
				    "account_id = ?",
				    "ii", id, account_id);
		rc = rc == DB_ROW ? 0 : rc;
		if (rc == 0 && !seen)
			return DB_EABORT;
	}
	return rc;
}

int msg_read_all(struct db_conn *c, int64_t account_id, int64_t unit, int64_t now)
{
	return db_run(c,
		      "INSERT INTO message_reads (message_id, account_id, read_at) SELECT id, "
		      "?, ? FROM messages WHERE (account_id = ? OR unit_id = ?) ON CONFLICT DO "
		      "NOTHING",
		      "iiii", account_id, now, account_id, unit);
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_use_sql[] = { DB_COUNT_EQ("messages", "unit_id") };

const struct org_unit_hooks messages_unit_hooks = { "messages", NULL, 0, ORG_HOOK_SQL(unit_use_sql),
						    NULL,	NULL };
