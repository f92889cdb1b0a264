/*
 * audit_store.c — appending, verifying and purging the audit chain; see audit.h.
 *
 * The hashed text of a row is its fields joined by '\x1f' (unit separator)
 * in a fixed order, so no field can be shifted into its neighbour:
 *   id, at, actor_id, actor_name, ip, action, object_type, object_id,
 *   outcome, details, prev_hash
 */
#include "audit/audit.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct row {
	int64_t id, at, actor_id;
	const char *actor_name, *ip, *action, *object_type, *object_id, *outcome, *details,
		*prev_hash;
};

static void row_hash(const struct row *r, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[3][24];
	const char *parts[11];

	snprintf(num[0], sizeof num[0], "%lld", (long long)r->id);
	snprintf(num[1], sizeof num[1], "%lld", (long long)r->at);
	snprintf(num[2], sizeof num[2], "%lld", (long long)r->actor_id);
	parts[0] = num[0];
	parts[1] = num[1];
	parts[2] = num[2];
	parts[3] = r->actor_name;
	parts[4] = r->ip;
	parts[5] = r->action;
	parts[6] = r->object_type;
	parts[7] = r->object_id;
	parts[8] = r->outcome;
	parts[9] = r->details;
	parts[10] = r->prev_hash;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (int i = 0; i < 11; i++) {
		const char *p = parts[i] ? parts[i] : "";
		crypto_generichash_update(&st, (const unsigned char *)p, strlen(p));
		crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
	}
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int audit_append(struct db_conn *c, const struct audit_event *ev)
{
	struct db_stmt *st;
	char prev[65], hash[65], oid[24];
	char *details =
		ev->details ? json_dumps(ev->details, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	int64_t last_id = 0;
	int rc;

	if (!details)
		return -5;
	/* Take the chain head's row lock (PostgreSQL), then read it. */
	rc = db_run(c, "UPDATE audit_head SET last_id = last_id WHERE id = 1", "");
	if (rc == 0)
		rc = db_prepare(c, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", &st);
	if (rc == 0) {
		rc = db_step(st);
		if (rc == DB_ROW) {
			last_id = db_col_int64(st, 0);
			snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = -1;
		}
		db_reset(st);
	}
	if (rc < 0) {
		free(details);
		return rc;
	}
	snprintf(oid, sizeof oid, "%lld", (long long)ev->object_id);
	struct row r = {
		.id = last_id + 1,
		.at = clock_now(),
		.actor_id = ev->actor_id,
		.actor_name = ev->actor_name ? ev->actor_name : "-",
		.ip = ev->ip ? ev->ip : "",
		.action = ev->action,
		.object_type = ev->object_type ? ev->object_type : "",
		.object_id = ev->object_id ? oid : "",
		.outcome = ev->outcome ? ev->outcome : "ok",
		.details = details,
		.prev_hash = prev,
	};
	row_hash(&r, hash);
	rc = db_run(c,
		    "INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, object_type, "
		    "object_id, outcome, details, prev_hash, hash) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "iiittttttttt", r.id, r.at, r.actor_id, r.actor_name, r.ip, r.action,
		    r.object_type, r.object_id, r.outcome, r.details, r.prev_hash, hash);
	if (rc == 0)
		rc = db_run(c, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
			    "it", r.id, hash);
	free(details);
	return rc;
}

int audit_record(struct db_conn *c, const struct audit_event *ev)
{
	int rc = db_begin(c);

	if (rc < 0)
		return rc;
	rc = audit_append(c, ev);
	if (rc == 0)
		rc = db_commit(c);
	if (rc < 0)
		db_rollback(c);
	return rc;
}

static int anchor(struct db_conn *c, char out[65])
{
	struct db_stmt *st;
	int rc = db_prepare(c, "SELECT value FROM meta WHERE key = 'audit_anchor'", &st);

	snprintf(out, 65, "%s", ZERO_HASH);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW)
		snprintf(out, 65, "%s", db_col_text(st, 0));
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int audit_verify(struct db_conn *c, int64_t *checked, char *msg, size_t msglen)
{
	struct db_stmt *st;
	char expect_prev[65], hash[65], oid[24];
	int64_t n = 0, last_id = 0, prev_id = -1;
	int rc, broken = 0;

	*checked = 0;
	if ((rc = anchor(c, expect_prev)) < 0)
		return rc;
	rc = db_prepare(c,
			"SELECT id, at, actor_id, actor_name, ip, action, object_type, object_id, "
			"outcome, details, prev_hash, hash FROM audit_log ORDER BY id",
			&st);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct row r = {
			.id = db_col_int64(st, 0),
			.at = db_col_int64(st, 1),
			.actor_id = db_col_int64(st, 2),
			.actor_name = db_col_text(st, 3),
			.ip = db_col_text(st, 4),
			.action = db_col_text(st, 5),
			.object_type = db_col_text(st, 6),
			.object_id = db_col_text(st, 7),
			.outcome = db_col_text(st, 8),
			.details = db_col_text(st, 9),
			.prev_hash = db_col_text(st, 10),
		};
		const char *stored = db_col_text(st, 11);
		(void)oid;
		if (prev_id >= 0 && r.id != prev_id + 1) {
			snprintf(msg, msglen, "rows %lld to %lld are missing (deleted)",
				 (long long)prev_id + 1, (long long)r.id - 1);
			broken = 1;
			break;
		}
		if (strcmp(r.prev_hash ? r.prev_hash : "", expect_prev) != 0) {
			snprintf(msg, msglen,
				 "row %lld does not follow the row before it (prev_hash differs): "
				 "a row "
				 "before it was altered or removed",
				 (long long)r.id);
			broken = 1;
			break;
		}
		row_hash(&r, hash);
		if (!stored || strcmp(hash, stored) != 0) {
			snprintf(msg, msglen,
				 "row %lld was altered (its hash does not match its content)",
				 (long long)r.id);
			broken = 1;
			break;
		}
		snprintf(expect_prev, sizeof expect_prev, "%s", stored);
		prev_id = r.id;
		last_id = r.id;
		n++;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*checked = n;
	if (broken)
		return 1;
	/* rows cut off the end: the head remembers the last one */
	rc = db_prepare(c, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", &st);
	if (rc < 0)
		return rc;
	if (db_step(st) == DB_ROW &&
	    (db_col_int64(st, 0) != last_id || strcmp(db_col_text(st, 1), expect_prev) != 0)) {
		snprintf(msg, msglen,
			 "the chain ends at row %lld but the head records row %lld: rows were "
			 "removed "
			 "from the end",
			 (long long)last_id, (long long)db_col_int64(st, 0));
		broken = 1;
	}
	db_reset(st);
	return broken;
}

int64_t audit_purge(struct db_conn *c, int64_t before, char *msg, size_t msglen)
{
	struct db_stmt *st;
	int64_t now = clock_now(), max_id = 0, deleted;
	char last_hash[65] = "";
	int rc;

	if (before > now - (int64_t)AUDIT_MIN_AGE_DAYS * 86400) {
		snprintf(msg, msglen, "refusing to purge audit rows younger than %d days",
			 AUDIT_MIN_AGE_DAYS);
		return -1;
	}
	if ((rc = db_begin(c)) < 0)
		return rc;
	rc = db_prepare(c, "SELECT id, hash FROM audit_log WHERE at < ? ORDER BY id DESC LIMIT 1",
			&st);
	if (rc == 0) {
		db_bind_int64(st, 1, before);
		rc = db_step(st);
		if (rc == DB_ROW) {
			max_id = db_col_int64(st, 0);
			snprintf(last_hash, sizeof last_hash, "%s", db_col_text(st, 1));
		}
		db_reset(st);
	}
	if (rc >= 0 && max_id > 0) {
		rc = db_run(c, "DELETE FROM audit_log WHERE id <= ?", "i", max_id);
		deleted = db_changes(c);
		if (rc == 0)
			rc = db_run(c, "DELETE FROM meta WHERE key = 'audit_anchor'", "");
		if (rc == 0)
			rc = db_run(c, "INSERT INTO meta (key, value) VALUES ('audit_anchor', ?)",
				    "t", last_hash);
		if (rc == 0) {
			json_t *d = JB_OBJ(jb_int("before", before), jb_int("rows", deleted));
			rc = audit_append(c, &(struct audit_event){ .actor_name = "cli",
								    .action = "audit.purge",
								    .outcome = "ok",
								    .details = d });
			json_decref(d);
		}
	} else {
		deleted = 0;
	}
	if (rc >= 0)
		rc = db_commit(c);
	if (rc < 0) {
		db_rollback(c);
		snprintf(msg, msglen, "purge failed: %s", db_errmsg(c));
		return rc;
	}
	return deleted;
}
