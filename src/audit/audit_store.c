/*
 * audit_store.c — appending, verifying, re-chaining and purging the audit
 * chain; see audit.h.
 *
 * A row's MAC is chain_mac(key "audit", id, fields, previous MAC) over these
 * fields in this order:
 *   at, actor_id, actor_name, ip, action, object_type, object_id, outcome,
 *   details
 * prev_hash holds the previous row's MAC (chain_heads.base_head for the
 * first row). Rows from before migration 0012 carry an unkeyed hash: BLAKE2b
 * over id, at, ..., details, prev_hash joined by '\x1f'; legacy_hash() checks
 * those once, before they are re-chained.
 */
#include "audit/audit.h"
#include "audit/audit_int.h"

#include "core/chain.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
	int64_t id, at, actor_id;
	const char *actor_name, *ip, *action, *object_type, *object_id, *outcome, *details,
		*prev_hash;
};

#define ROW_COLS                                                                                   \
	"id, at, actor_id, actor_name, ip, action, object_type, object_id, outcome, details, "     \
	"prev_hash, hash"

static struct chain audit_chain;
static int have_key;

void audit_set_key(const unsigned char secret[SECRET_KEY_BYTES])
{
	have_key = chain_init(&audit_chain, "audit", secret) == 0;
}

void audit_clear_key(void)
{
	chain_wipe(&audit_chain);
	have_key = 0;
}

int audit_anchors_path(const char *data_dir, char *out, size_t outlen)
{
	return path_join(out, outlen, data_dir, "audit.anchors");
}

const char *audit_verdict_name(int verdict)
{
	switch (verdict) {
	case AUDIT_INTACT: return "intact";
	case AUDIT_REWRITTEN: return "rewritten";
	case AUDIT_DELETED: return "deleted";
	case AUDIT_TRUNCATED: return "truncated";
	case AUDIT_ANCHORS: return "anchors";
	case AUDIT_UNKEYED: return "unkeyed";
	}
	return "error";
}

static void row_read(struct db_stmt *st, struct row *r)
{
	r->id = db_col_int64(st, 0);
	r->at = db_col_int64(st, 1);
	r->actor_id = db_col_int64(st, 2);
	r->actor_name = db_col_text(st, 3);
	r->ip = db_col_text(st, 4);
	r->action = db_col_text(st, 5);
	r->object_type = db_col_text(st, 6);
	r->object_id = db_col_text(st, 7);
	r->outcome = db_col_text(st, 8);
	r->details = db_col_text(st, 9);
	r->prev_hash = db_col_text(st, 10);
}

static void row_mac(const struct row *r, const char *prev, char out[CHAIN_HEX])
{
	char at[24], actor[24];
	const char *f[9];

	snprintf(at, sizeof at, "%lld", (long long)r->at);
	snprintf(actor, sizeof actor, "%lld", (long long)r->actor_id);
	f[0] = at;
	f[1] = actor;
	f[2] = r->actor_name;
	f[3] = r->ip;
	f[4] = r->action;
	f[5] = r->object_type;
	f[6] = r->object_id;
	f[7] = r->outcome;
	f[8] = r->details;
	chain_mac(&audit_chain, r->id, f, 9, prev, out);
}

/* The unkeyed hash rows carried before migration 0012. */
static void legacy_hash(const struct row *r, char out[65])
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

struct head {
	int64_t seq, base_seq, keyed;
	char head[CHAIN_HEX], base_head[CHAIN_HEX];
};

/* chain_heads' audit row. 0, or DB_DONE when it is missing, or <0. */
static int head_read(struct db_conn *c, struct head *h)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT seq, head, base_seq, base_head, keyed FROM chain_heads "
			    "WHERE name = 'audit'",
			    &st);

	memset(h, 0, sizeof *h);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		h->seq = db_col_int64(st, 0);
		snprintf(h->head, sizeof h->head, "%s", db_col_text(st, 1));
		h->base_seq = db_col_int64(st, 2);
		snprintf(h->base_head, sizeof h->base_head, "%s", db_col_text(st, 3));
		h->keyed = db_col_int64(st, 4);
		rc = 0;
	}
	db_reset(st);
	return rc;
}

/* Take the head's row lock (PostgreSQL) and read it, inside a transaction. */
static int head_lock(struct db_conn *c, struct head *h)
{
	int rc = db_run(c, "UPDATE chain_heads SET seq = seq WHERE name = 'audit'", "");

	if (rc == 0)
		rc = head_read(c, h);
	return rc == DB_DONE ? -1 : rc;
}

int audit_append(struct db_conn *c, const struct audit_event *ev)
{
	struct head h;
	char hash[CHAIN_HEX], oid[24];
	char *details;
	int rc;

	if (!have_key) {
		log_error("audit: no chain key loaded; refusing to append '%s'", ev->action);
		return -1;
	}
	if ((rc = head_lock(c, &h)) < 0)
		return rc;
	if (!h.keyed) {
		log_error("audit: the chain is not keyed yet; refusing to append '%s'", ev->action);
		return -1;
	}
	details =
		ev->details ? json_dumps(ev->details, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	if (!details)
		return -5;
	snprintf(oid, sizeof oid, "%lld", (long long)ev->object_id);
	struct row r = {
		.id = h.seq + 1,
		.at = clock_now(),
		.actor_id = ev->actor_id,
		.actor_name = ev->actor_name ? ev->actor_name : "-",
		.ip = ev->ip ? ev->ip : "",
		.action = ev->action,
		.object_type = ev->object_type ? ev->object_type : "",
		.object_id = ev->object_id ? oid : "",
		.outcome = ev->outcome ? ev->outcome : "ok",
		.details = details,
		.prev_hash = h.head,
	};
	row_mac(&r, h.head, hash);
	rc = db_run(c,
		    "INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, object_type, "
		    "object_id, outcome, details, prev_hash, hash) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "iiittttttttt", r.id, r.at, r.actor_id, r.actor_name, r.ip, r.action,
		    r.object_type, r.object_id, r.outcome, r.details, r.prev_hash, hash);
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE chain_heads SET seq = ?, head = ?, updated = ? "
			    "WHERE name = 'audit'",
			    "iti", r.id, hash, r.at);
	free(details);
	return rc;
}

static int audit_record_tx(struct db_conn *c, void *ev)
{
	return audit_append(c, ev);
}

int audit_record(struct db_conn *c, const struct audit_event *ev)
{
	return db_tx_run(c, audit_record_tx, (void *)ev);
}

static int anchor_head(struct db_conn *c, const char *anchors, int may_create, char *msg,
		       size_t msglen);

/* ---- re-chaining rows written before the chain was keyed ---- */

struct rekeyed {
	int64_t id;
	char prev[CHAIN_HEX], mac[CHAIN_HEX];
};

int audit_chain_open(struct db_conn *c, const char *anchors, char *msg, size_t msglen)
{
	struct chain_anchor last;
	struct head h;
	struct db_stmt *st;
	struct rekeyed *rows = NULL;
	size_t n = 0, cap = 0;
	char expect[65], legacy[65], prev[CHAIN_HEX], amsg[256];
	int64_t prev_id;
	int rc, broken = 0;

	if (!have_key) {
		snprintf(msg, msglen, "no chain key loaded");
		return -1;
	}
	if ((rc = head_read(c, &h)) != 0) {
		snprintf(msg, msglen, "cannot read chain_heads: %s",
			 rc == DB_DONE ? "the audit row is missing" : db_errmsg(c));
		return -1;
	}
	if (h.keyed)
		return 0;
	rc = chain_anchors_read(&audit_chain, anchors, &last, amsg, sizeof amsg);
	if (rc != CHAIN_ANCHORS_MISSING && (rc != CHAIN_ANCHORS_OK || last.kind)) {
		snprintf(msg, msglen,
			 "chain_heads marks the audit chain unkeyed, but '%s' holds anchors: "
			 "the flag was reset in the database; refusing to re-chain",
			 anchors);
		return -1;
	}
	/*
	 * Begun by hand, not through db_tx_run(): a one-off start-up step that
	 * walks the whole log, keeps the rows it re-keys in memory and reports
	 * why it refused in msg; run once by serve or migrate before any worker
	 * writes, so there is nothing to retry against.
	 */
	if ((rc = db_begin(c)) < 0)
		goto dberr;
	if ((rc = head_lock(c, &h)) < 0)
		goto dberr;
	if (h.keyed) { /* another process sharing the database keyed it meanwhile */
		db_rollback(c);
		return 0;
	}
	/* Check the unkeyed chain as it stands: re-chaining must not launder a rewrite. */
	snprintf(expect, sizeof expect, "%s", h.base_head);
	snprintf(prev, sizeof prev, "%s", h.base_head);
	prev_id = h.base_seq;
	rc = db_prepare(c, "SELECT " ROW_COLS " FROM audit_log ORDER BY id", &st);
	if (rc < 0)
		goto dberr;
	while ((rc = db_step(st)) == DB_ROW) {
		struct row r;
		struct rekeyed *k;
		row_read(st, &r);
		legacy_hash(&r, legacy);
		if (r.id != prev_id + 1 || strcmp(r.prev_hash ? r.prev_hash : "", expect) ||
		    strcmp(legacy, db_col_text(st, 11) ? db_col_text(st, 11) : "")) {
			snprintf(
				msg, msglen,
				"the unkeyed audit chain is already broken at row %lld; refusing "
				"to re-chain it (an older shuniu's 'verify audit' names the fault)",
				(long long)r.id);
			broken = 1;
			break;
		}
		snprintf(expect, sizeof expect, "%s", legacy);
		if (n == cap) {
			struct rekeyed *more =
				realloc(rows, (cap = cap ? 2 * cap : 1024) * sizeof *rows);
			if (!more) {
				rc = -5;
				break;
			}
			rows = more;
		}
		k = &rows[n++];
		k->id = r.id;
		memcpy(k->prev, prev, CHAIN_HEX);
		row_mac(&r, prev, k->mac);
		memcpy(prev, k->mac, CHAIN_HEX);
		prev_id = r.id;
	}
	db_reset(st);
	if (rc == DB_DONE)
		rc = 0;
	if (!broken && rc >= 0 && (prev_id != h.seq || strcmp(expect, h.head))) {
		snprintf(msg, msglen,
			 "the unkeyed audit chain ends at row %lld but its head records row %lld; "
			 "refusing to re-chain it",
			 (long long)prev_id, (long long)h.seq);
		broken = 1;
	}
	if (broken || rc < 0) {
		db_rollback(c);
		free(rows);
		if (rc < 0 && !broken)
			snprintf(msg, msglen, "re-chaining failed: %s", db_errmsg(c));
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = db_run(c, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", "tti",
			    rows[i].prev, rows[i].mac, rows[i].id);
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE chain_heads SET head = ?, keyed = 1, updated = ? "
			    "WHERE name = 'audit'",
			    "ti", prev, clock_now());
	free(rows);
	if (rc == 0 && n > 0) {
		json_t *d =
			JB_OBJ(jb_int("rows", (int64_t)n), jb_str("unkeyed_head", expect),
			       jb_int("base_seq", h.base_seq), jb_str("base_head", h.base_head));
		rc = audit_append(c, &(struct audit_event){ .actor_name = "system",
							    .action = "audit.rechain",
							    .outcome = "ok",
							    .details = d });
		json_decref(d);
	}
	if (rc == 0)
		rc = db_commit(c);
	if (rc < 0)
		goto dberr;
	if (n)
		log_info("audit: re-chained %zu existing rows with the key (unkeyed head %s)", n,
			 expect);
	else
		log_info("audit: the chain is keyed (it had no rows yet)");
	if (anchor_head(c, anchors, 1, msg, msglen) < 0)
		return -1;
	return 0;
dberr:
	snprintf(msg, msglen, "re-chaining failed: %s", db_errmsg(c));
	db_rollback(c);
	free(rows);
	return -1;
}

/* ---- verification ---- */

/* details names the chain's base (an audit.purge or audit.rechain row): fill seq and head. */
static int base_declared(const char *details, int64_t *seq, char head[CHAIN_HEX])
{
	json_t *j = json_loads(details ? details : "", 0, NULL);
	json_t *s = json_object_get(j, "base_seq"), *h = json_object_get(j, "base_head");
	int ok = json_is_integer(s) && json_is_string(h);

	if (ok) {
		*seq = json_integer_value(s);
		snprintf(head, CHAIN_HEX, "%s", json_string_value(h));
	}
	json_decref(j);
	return ok;
}

int audit_verify(struct db_conn *c, const char *anchors, int64_t *checked, char *msg, size_t msglen)
{
	struct chain_anchor anc;
	struct head h;
	struct db_stmt *st;
	char expect[CHAIN_HEX], mac[CHAIN_HEX], at_head[CHAIN_HEX] = "", at_anchor[CHAIN_HEX] = "";
	char decl_head[CHAIN_HEX] = "";
	int64_t n = 0, last_id, decl_seq = -1;
	int rc, verdict = AUDIT_INTACT;

	*checked = 0;
	if (!have_key) {
		snprintf(msg, msglen, "no chain key loaded");
		return -1;
	}
	/* The anchors first: a row appended while we read the table never looks missing. */
	rc = chain_anchors_read(&audit_chain, anchors, &anc, msg, msglen);
	if (rc == CHAIN_ANCHORS_MISSING) {
		snprintf(msg + strlen(msg), msglen - strlen(msg),
			 ": rows cut off the end cannot be detected without it");
		return AUDIT_ANCHORS;
	}
	if (rc == CHAIN_ANCHORS_BAD) {
		char m[300];
		snprintf(m, sizeof m, "%s", msg);
		snprintf(msg, msglen, "anchor file '%s': %s", anchors, m);
		return AUDIT_ANCHORS;
	}
	if (rc < 0)
		return AUDIT_ANCHORS;
	if ((rc = head_read(c, &h)) == DB_DONE) {
		snprintf(msg, msglen, "chain_heads has no row for the audit chain");
		return AUDIT_TRUNCATED;
	}
	if (rc < 0)
		return rc;
	if (!h.keyed) {
		snprintf(msg, msglen, "the audit chain has not been re-chained with the key");
		return AUDIT_UNKEYED;
	}
	memcpy(expect, h.base_head, CHAIN_HEX);
	last_id = h.base_seq;
	rc = db_prepare(c, "SELECT " ROW_COLS " FROM audit_log ORDER BY id", &st);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct row r;
		const char *stored = db_col_text(st, 11);
		row_read(st, &r);
		if (r.id <= last_id) {
			snprintf(msg, msglen,
				 "row %lld was altered (it lies before the chain's recorded start, "
				 "row %lld)",
				 (long long)r.id, (long long)last_id + 1);
			verdict = AUDIT_REWRITTEN;
			break;
		}
		if (r.id != last_id + 1) {
			snprintf(msg, msglen, "rows %lld to %lld are missing (deleted)",
				 (long long)last_id + 1, (long long)r.id - 1);
			verdict = AUDIT_DELETED;
			break;
		}
		row_mac(&r, expect, mac);
		if (!chain_mac_equal(mac, stored) || !chain_mac_equal(expect, r.prev_hash)) {
			snprintf(msg, msglen,
				 "row %lld was altered (its MAC does not match its content)",
				 (long long)r.id);
			verdict = AUDIT_REWRITTEN;
			break;
		}
		if (r.action &&
		    (!strcmp(r.action, "audit.purge") || !strcmp(r.action, "audit.rechain")))
			base_declared(r.details, &decl_seq, decl_head);
		if (r.id == h.seq)
			memcpy(at_head, mac, CHAIN_HEX);
		if (r.id == anc.seq)
			memcpy(at_anchor, mac, CHAIN_HEX);
		memcpy(expect, mac, CHAIN_HEX);
		last_id = r.id;
		n++;
	}
	db_reset(st);
	if (rc < 0)
		return rc;
	*checked = n;
	if (verdict != AUDIT_INTACT)
		return verdict;
	/* Rows removed from the start need a purge that names where the chain now starts. */
	if (h.base_seq > 0 &&
	    (decl_seq != h.base_seq || !chain_mac_equal(decl_head, h.base_head))) {
		snprintf(msg, msglen,
			 "rows 1 to %lld are missing (deleted): no purge names the chain's start",
			 (long long)h.base_seq);
		return AUDIT_DELETED;
	}
	/* The newest anchor must still be in the chain. */
	if (anc.kind && anc.seq > last_id) {
		snprintf(msg, msglen,
			 "rows were cut off the end: the newest anchor (line %lld, time %lld) "
			 "names row %lld but the chain ends at row %lld",
			 (long long)anc.line, (long long)anc.at, (long long)anc.seq,
			 (long long)last_id);
		return AUDIT_TRUNCATED;
	}
	if (anc.kind && anc.seq > h.base_seq && !chain_mac_equal(at_anchor, anc.head)) {
		snprintf(
			msg, msglen,
			"row %lld differs from the newest anchor (line %lld): the log was cut back "
			"and written again",
			(long long)anc.seq, (long long)anc.line);
		return AUDIT_TRUNCATED;
	}
	if (h.seq > last_id || (h.seq > h.base_seq && !chain_mac_equal(at_head, h.head)) ||
	    (h.seq == h.base_seq && !chain_mac_equal(h.head, h.base_head))) {
		snprintf(msg, msglen,
			 "chain_heads disagrees with the log: it records row %lld, the chain "
			 "ends at row %lld",
			 (long long)h.seq, (long long)last_id);
		return AUDIT_TRUNCATED;
	}
	return AUDIT_INTACT;
}

/* ---- purge ---- */

struct purge {
	int64_t before, deleted;
};

static int audit_purge_tx(struct db_conn *c, void *ctx)
{
	struct purge *x = ctx;
	struct db_stmt *st;
	struct head h;
	int64_t max_id = 0;
	char last_hash[CHAIN_HEX] = "";
	int rc = head_lock(c, &h);

	x->deleted = 0;
	if (rc == 0)
		rc = db_prepare(c,
				"SELECT id, hash FROM audit_log WHERE at < ? ORDER BY id DESC "
				"LIMIT 1",
				&st);
	if (rc == 0) {
		db_bind_int64(st, 1, x->before);
		rc = db_step(st);
		if (rc == DB_ROW) {
			max_id = db_col_int64(st, 0);
			snprintf(last_hash, sizeof last_hash, "%s", db_col_text(st, 1));
		}
		db_reset(st);
	}
	if (rc >= 0 && max_id > 0) {
		rc = db_run(c, "DELETE FROM audit_log WHERE id <= ?", "i", max_id);
		x->deleted = db_changes(c);
		if (rc == 0)
			rc = db_run(c,
				    "UPDATE chain_heads SET base_seq = ?, base_head = ? "
				    "WHERE name = 'audit'",
				    "it", max_id, last_hash);
		if (rc == 0) {
			json_t *d =
				JB_OBJ(jb_int("before", x->before), jb_int("rows", x->deleted),
				       jb_int("base_seq", max_id), jb_str("base_head", last_hash));
			rc = audit_append(c, &(struct audit_event){ .actor_name = "cli",
								    .action = "audit.purge",
								    .outcome = "ok",
								    .details = d });
			json_decref(d);
		}
	}
	return rc < 0 ? rc : 0;
}

int64_t audit_purge(struct db_conn *c, int64_t before, char *msg, size_t msglen)
{
	struct purge x = { .before = before };
	int rc;

	if (before > clock_now() - (int64_t)AUDIT_MIN_AGE_DAYS * 86400) {
		snprintf(msg, msglen, "refusing to purge audit rows younger than %d days",
			 AUDIT_MIN_AGE_DAYS);
		return -1;
	}
	rc = db_tx_run(c, audit_purge_tx, &x);
	if (rc < 0) {
		snprintf(msg, msglen, "purge failed: %s", db_errmsg(c));
		return rc;
	}
	return x.deleted;
}

/* ---- anchoring ---- */

/*
 * The file is created only when the chain is first keyed (may_create) or on
 * a deliberate re-anchoring: a missing file later means it was removed, and
 * quietly starting a new one from the current head would hide a truncation.
 */
static int anchor_head(struct db_conn *c, const char *anchors, int may_create, char *msg,
		       size_t msglen)
{
	struct chain_anchor out;
	struct head h;
	int64_t at = clock_now();
	int rc;

	if (!have_key) {
		snprintf(msg, msglen, "no chain key loaded");
		return -1;
	}
	if (!may_create &&
	    chain_anchors_read(&audit_chain, anchors, &out, msg, msglen) == CHAIN_ANCHORS_MISSING) {
		snprintf(msg, msglen,
			 "the anchor file '%s' is missing: not starting a new one; check the "
			 "logged anchors, then run 'shuniu audit reanchor'",
			 anchors);
		return -1;
	}
	if ((rc = head_read(c, &h)) != 0 || !h.keyed) {
		snprintf(msg, msglen, "cannot read the audit chain's head: %s",
			 rc ? db_errmsg(c) : "not keyed");
		return -1;
	}
	rc = chain_anchor_append(&audit_chain, anchors, 'A', h.seq, h.head, at, 1, &out, msg,
				 msglen);
	if (rc == 0)
		log_info("audit anchor: seq %lld head %s time %lld mac %s", (long long)out.seq,
			 out.head, (long long)out.at, out.mac);
	return rc;
}

int audit_anchor(struct db_conn *c, const char *anchors, char *msg, size_t msglen)
{
	return anchor_head(c, anchors, 0, msg, msglen);
}

int audit_reanchor(struct db_conn *c, const char *anchors, char *msg, size_t msglen)
{
	struct chain_anchor last, out;
	struct head h;
	json_t *d;
	int rc;

	if (!have_key) {
		snprintf(msg, msglen, "no chain key loaded");
		return -1;
	}
	rc = chain_anchors_read(&audit_chain, anchors, &last, msg, msglen);
	if (rc == CHAIN_ANCHORS_BAD || rc < 0) {
		char m[300];
		snprintf(m, sizeof m, "%s", msg);
		snprintf(msg, msglen, "'%s': %s; move it aside to start a new anchor file", anchors,
			 m);
		return -1;
	}
	d = JB_OBJ(jb_int("replaced_seq", last.kind ? last.seq : -1),
		   jb_str("replaced_head", last.kind ? last.head : ""),
		   jb_int("replaced_line", last.kind ? last.line : 0));
	rc = audit_record(c, &(struct audit_event){ .actor_name = "cli",
						    .action = "audit.reanchor",
						    .outcome = "ok",
						    .details = d });
	json_decref(d);
	if (rc == 0)
		rc = head_read(c, &h);
	if (rc != 0) {
		snprintf(msg, msglen, "cannot record the re-anchoring: %s", db_errmsg(c));
		return -1;
	}
	rc = chain_anchor_append(&audit_chain, anchors, 'R', h.seq, h.head, clock_now(), 0, &out,
				 msg, msglen);
	if (rc == 0)
		log_info("audit re-anchored: seq %lld head %s time %lld mac %s", (long long)out.seq,
			 out.head, (long long)out.at, out.mac);
	return rc;
}

int audit_store_list(struct db_conn *c, const struct audit_filter *f, json_t *items, int64_t *last)
{
	struct db_stmt *st;
	int64_t n = 0;
	int rc = db_prepare(c,
			    "SELECT id, at, actor_id, actor_name, ip, action, object_type, "
			    "object_id, outcome, details FROM audit_log WHERE id < ? AND at >= ? "
			    "AND at < ? AND (CAST(? AS TEXT) IS NULL OR action = ?) "
			    "AND (CAST(? AS TEXT) IS NULL OR actor_name = ?) "
			    "ORDER BY id DESC LIMIT ?",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, f->before);
	db_bind_int64(st, 2, f->from);
	db_bind_int64(st, 3, f->to);
	db_bind_text(st, 4, f->action, -1);
	db_bind_text(st, 5, f->action, -1);
	db_bind_text(st, 6, f->actor, -1);
	db_bind_text(st, 7, f->actor, -1);
	db_bind_int64(st, 8, f->limit + 1);
	while ((rc = db_step(st)) == DB_ROW && ++n <= f->limit) {
		char at[32];
		json_t *details = json_loads(db_col_text(st, 9), 0, NULL);

		*last = db_col_int64(st, 0);
		json_array_append_new(
			items, JB_OBJ(jb_int("id", *last),
				      jb_str("at", clock_format_shanghai(db_col_int64(st, 1), at)),
				      jb_int("actor_id", db_col_int64(st, 2)),
				      jb_str("actor_name", db_col_text(st, 3)),
				      jb_str("ip", db_col_text(st, 4)),
				      jb_str("action", db_col_text(st, 5)),
				      jb_str("object_type", db_col_text(st, 6)),
				      jb_str("object_id", db_col_text(st, 7)),
				      jb_str("outcome", db_col_text(st, 8)),
				      jb_take("details", details ? details : json_object())));
	}
	db_reset(st);
	return rc < 0 ? rc : n > f->limit;
}
