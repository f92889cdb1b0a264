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
#include "http/request.h"

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

/* A row's fields as text in the order they are hashed: id, at, actor_id, the texts, prev_hash. */
static void row_fields(const struct row *r, char num[3][24], const char *f[11])
{
	const int64_t v[3] = { r->id, r->at, r->actor_id };

	for (int i = 0; i < 3; i++) {
		snprintf(num[i], 24, "%lld", (long long)v[i]);
		f[i] = num[i];
	}
	f[3] = r->actor_name;
	f[4] = r->ip;
	f[5] = r->action;
	f[6] = r->object_type;
	f[7] = r->object_id;
	f[8] = r->outcome;
	f[9] = r->details;
	f[10] = r->prev_hash;
}

/* The MAC covers at .. details; the id and the previous MAC go in beside them. */
static void row_mac(const struct row *r, const char *prev, char out[CHAIN_HEX])
{
	char num[3][24];
	const char *f[11];

	row_fields(r, num, f);
	chain_mac(&audit_chain, r->id, f + 1, 9, prev, out);
}

/* The unkeyed hash rows carried before migration 0012. */
static void legacy_hash(const struct row *r, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[3][24];
	const char *parts[11];

	row_fields(r, num, parts);
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

static int head_from_row(struct db_stmt *st, void *p)
{
	struct head *h = p;

	h->seq = db_col_int64(st, 0);
	snprintf(h->head, sizeof h->head, "%s", db_col_text(st, 1));
	h->base_seq = db_col_int64(st, 2);
	snprintf(h->base_head, sizeof h->base_head, "%s", db_col_text(st, 3));
	h->keyed = db_col_int64(st, 4);
	return 0;
}

/* chain_heads' audit row. 0, or DB_DONE when it is missing, or <0. */
static int head_read(struct db_conn *c, struct head *h)
{
	int rc;

	memset(h, 0, sizeof *h);
	rc = db_one(c, head_from_row, h,
		    "SELECT seq, head, base_seq, base_head, keyed FROM chain_heads WHERE name = "
		    "'audit'",
		    "");
	return rc == DB_ROW ? 0 : rc;
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

/* The chain's own events (re-chain, purge, re-anchor): recorded, in the caller's transaction
 * if there is one; takes d. */
static int record_own(struct db_conn *c, const char *actor, const char *action, json_t *d)
{
	int rc = audit_record(
		c, &(struct audit_event){
			   .actor_name = actor, .action = action, .outcome = "ok", .details = d });

	json_decref(d);
	return rc;
}

static int anchor_head(struct db_conn *c, const char *anchors, int may_create, char *msg,
		       size_t msglen);

/* ---- re-chaining rows written before the chain was keyed ---- */

struct rekeyed {
	int64_t id;
	char prev[CHAIN_HEX], mac[CHAIN_HEX];
};

/*
 * A walk over the chain, row by row: what the next row must carry (expect,
 * last_id), what went wrong (verdict, msg) and, by the kind of walk, the rows
 * re-keyed (re-chaining) or the MACs seen at the head and the anchor (verifying).
 */
struct walk {
	char expect[CHAIN_HEX];
	int64_t last_id;
	size_t n;
	int verdict;
	char *msg;
	size_t msglen;
	/* re-chaining */
	char prev[CHAIN_HEX];
	struct rekeyed *rows;
	size_t cap;
	/* verifying */
	const struct head *h;
	const struct chain_anchor *anc;
	char at_head[CHAIN_HEX], at_anchor[CHAIN_HEX], decl_head[CHAIN_HEX];
	int64_t decl_seq;
};

static int rechain_row(struct db_stmt *st, void *p)
{
	struct walk *x = p;
	struct row r;
	struct rekeyed *k;
	char legacy[65];

	row_read(st, &r);
	legacy_hash(&r, legacy);
	if (r.id != x->last_id + 1 || strcmp(r.prev_hash ? r.prev_hash : "", x->expect) ||
	    strcmp(legacy, db_col_text(st, 11) ? db_col_text(st, 11) : "")) {
		snprintf(x->msg, x->msglen,
			 "the unkeyed audit chain is already broken at row %lld; refusing "
			 "to re-chain it (an older shuniu's 'verify audit' names the fault)",
			 (long long)r.id);
		x->verdict = AUDIT_REWRITTEN;
		return DB_ROW;
	}
	snprintf(x->expect, sizeof x->expect, "%s", legacy);
	if (x->n == x->cap) {
		struct rekeyed *more =
			realloc(x->rows, (x->cap = x->cap ? 2 * x->cap : 1024) * sizeof *more);
		if (!more)
			return -5;
		x->rows = more;
	}
	k = &x->rows[x->n++];
	k->id = r.id;
	memcpy(k->prev, x->prev, CHAIN_HEX);
	row_mac(&r, x->prev, k->mac);
	memcpy(x->prev, k->mac, CHAIN_HEX);
	x->last_id = r.id;
	return 0;
}

int audit_chain_open(struct db_conn *c, const char *anchors, char *msg, size_t msglen)
{
	struct chain_anchor last;
	struct head h;
	struct walk x = { .msg = msg, .msglen = msglen };
	char amsg[256];
	int rc;

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
	snprintf(x.expect, sizeof x.expect, "%s", h.base_head);
	snprintf(x.prev, sizeof x.prev, "%s", h.base_head);
	x.last_id = h.base_seq;
	rc = db_each(c, rechain_row, &x, "SELECT " ROW_COLS " FROM audit_log ORDER BY id", "");
	if (x.verdict == AUDIT_INTACT && rc >= 0 &&
	    (x.last_id != h.seq || strcmp(x.expect, h.head))) {
		snprintf(msg, msglen,
			 "the unkeyed audit chain ends at row %lld but its head records row %lld; "
			 "refusing to re-chain it",
			 (long long)x.last_id, (long long)h.seq);
		x.verdict = AUDIT_REWRITTEN;
	}
	if (x.verdict != AUDIT_INTACT || rc < 0) {
		db_rollback(c);
		free(x.rows);
		if (rc < 0 && x.verdict == AUDIT_INTACT)
			snprintf(msg, msglen, "re-chaining failed: %s", db_errmsg(c));
		return -1;
	}
	for (size_t i = 0; i < x.n && rc == 0; i++)
		rc = db_run(c, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", "tti",
			    x.rows[i].prev, x.rows[i].mac, x.rows[i].id);
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE chain_heads SET head = ?, keyed = 1, updated = ? "
			    "WHERE name = 'audit'",
			    "ti", x.prev, clock_now());
	free(x.rows);
	if (rc == 0 && x.n > 0)
		rc = record_own(
			c, "system", "audit.rechain",
			JB_OBJ(jb_int("rows", (int64_t)x.n), jb_str("unkeyed_head", x.expect),
			       jb_int("base_seq", h.base_seq), jb_str("base_head", h.base_head)));
	if (rc == 0)
		rc = db_commit(c);
	if (rc < 0)
		goto dberr;
	if (x.n)
		log_info("audit: re-chained %zu existing rows with the key (unkeyed head %s)", x.n,
			 x.expect);
	else
		log_info("audit: the chain is keyed (it had no rows yet)");
	if (anchor_head(c, anchors, 1, msg, msglen) < 0)
		return -1;
	return 0;
dberr:
	snprintf(msg, msglen, "re-chaining failed: %s", db_errmsg(c));
	db_rollback(c);
	free(x.rows);
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

/* One row checked against the chain; a fault sets the verdict and stops the walk. */
static int verify_row(struct db_stmt *st, void *p)
{
	struct walk *x = p;
	struct row r;
	const char *stored = db_col_text(st, 11);
	char mac[CHAIN_HEX];

	row_read(st, &r);
	if (r.id <= x->last_id) {
		snprintf(x->msg, x->msglen,
			 "row %lld was altered (it lies before the chain's recorded start, "
			 "row %lld)",
			 (long long)r.id, (long long)x->last_id + 1);
		x->verdict = AUDIT_REWRITTEN;
		return DB_ROW;
	}
	if (r.id != x->last_id + 1) {
		snprintf(x->msg, x->msglen, "rows %lld to %lld are missing (deleted)",
			 (long long)x->last_id + 1, (long long)r.id - 1);
		x->verdict = AUDIT_DELETED;
		return DB_ROW;
	}
	row_mac(&r, x->expect, mac);
	if (!chain_mac_equal(mac, stored) || !chain_mac_equal(x->expect, r.prev_hash)) {
		snprintf(x->msg, x->msglen,
			 "row %lld was altered (its MAC does not match its content)",
			 (long long)r.id);
		x->verdict = AUDIT_REWRITTEN;
		return DB_ROW;
	}
	if (r.action && (!strcmp(r.action, "audit.purge") || !strcmp(r.action, "audit.rechain")))
		base_declared(r.details, &x->decl_seq, x->decl_head);
	if (r.id == x->h->seq)
		memcpy(x->at_head, mac, CHAIN_HEX);
	if (r.id == x->anc->seq)
		memcpy(x->at_anchor, mac, CHAIN_HEX);
	memcpy(x->expect, mac, CHAIN_HEX);
	x->last_id = r.id;
	x->n++;
	return 0;
}

/* The head and the newest anchor against the walk's end. */
static int verify_ends(const struct walk *x, char *msg, size_t msglen)
{
	const struct head *h = x->h;
	const struct chain_anchor *anc = x->anc;

	/* Rows removed from the start need a purge that names where the chain now starts. */
	if (h->base_seq > 0 &&
	    (x->decl_seq != h->base_seq || !chain_mac_equal(x->decl_head, h->base_head))) {
		snprintf(msg, msglen,
			 "rows 1 to %lld are missing (deleted): no purge names the chain's start",
			 (long long)h->base_seq);
		return AUDIT_DELETED;
	}
	/* The newest anchor must still be in the chain. */
	if (anc->kind && anc->seq > x->last_id) {
		snprintf(msg, msglen,
			 "rows were cut off the end: the newest anchor (line %lld, time %lld) "
			 "names row %lld but the chain ends at row %lld",
			 (long long)anc->line, (long long)anc->at, (long long)anc->seq,
			 (long long)x->last_id);
		return AUDIT_TRUNCATED;
	}
	if (anc->kind && anc->seq > h->base_seq && !chain_mac_equal(x->at_anchor, anc->head)) {
		snprintf(
			msg, msglen,
			"row %lld differs from the newest anchor (line %lld): the log was cut back "
			"and written again",
			(long long)anc->seq, (long long)anc->line);
		return AUDIT_TRUNCATED;
	}
	if (h->seq > x->last_id ||
	    (h->seq > h->base_seq && !chain_mac_equal(x->at_head, h->head)) ||
	    (h->seq == h->base_seq && !chain_mac_equal(h->head, h->base_head))) {
		snprintf(msg, msglen,
			 "chain_heads disagrees with the log: it records row %lld, the chain "
			 "ends at row %lld",
			 (long long)h->seq, (long long)x->last_id);
		return AUDIT_TRUNCATED;
	}
	return AUDIT_INTACT;
}

int audit_verify(struct db_conn *c, const char *anchors, int64_t *checked, char *msg, size_t msglen)
{
	struct chain_anchor anc;
	struct head h;
	struct walk x = { .h = &h,
			  .anc = &anc,
			  .decl_seq = -1,
			  .verdict = AUDIT_INTACT,
			  .msg = msg,
			  .msglen = msglen };
	int rc;

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
	memcpy(x.expect, h.base_head, CHAIN_HEX);
	x.last_id = h.base_seq;
	rc = db_each(c, verify_row, &x, "SELECT " ROW_COLS " FROM audit_log ORDER BY id", "");
	if (rc < 0)
		return rc;
	*checked = (int64_t)x.n;
	if (x.verdict != AUDIT_INTACT)
		return x.verdict;
	return verify_ends(&x, msg, msglen);
}

/* ---- purge ---- */

struct purge {
	int64_t before, deleted;
};

/* The newest row older than the purge's limit: its id and MAC. */
struct purge_base {
	int64_t id;
	char hash[CHAIN_HEX];
};

static int purge_base_row(struct db_stmt *st, void *p)
{
	struct purge_base *b = p;

	b->id = db_col_int64(st, 0);
	snprintf(b->hash, sizeof b->hash, "%s", db_col_text(st, 1));
	return 0;
}

static int audit_purge_tx(struct db_conn *c, void *ctx)
{
	struct purge *x = ctx;
	struct head h;
	struct purge_base b = { 0, "" };
	int rc = head_lock(c, &h);

	x->deleted = 0;
	if (rc == 0)
		rc = db_one(c, purge_base_row, &b,
			    "SELECT id, hash FROM audit_log WHERE at < ? ORDER BY id DESC LIMIT 1",
			    "i", x->before);
	if (rc >= 0 && b.id > 0) {
		rc = db_run(c, "DELETE FROM audit_log WHERE id <= ?", "i", b.id);
		x->deleted = db_changes(c);
		if (rc == 0)
			rc = db_run(c,
				    "UPDATE chain_heads SET base_seq = ?, base_head = ? "
				    "WHERE name = 'audit'",
				    "it", b.id, b.hash);
		if (rc == 0)
			rc = record_own(c, "cli", "audit.purge",
					JB_OBJ(jb_int("before", x->before),
					       jb_int("rows", x->deleted), jb_int("base_seq", b.id),
					       jb_str("base_head", b.hash)));
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
	rc = record_own(c, "cli", "audit.reanchor",
			JB_OBJ(jb_int("replaced_seq", last.kind ? last.seq : -1),
			       jb_str("replaced_head", last.kind ? last.head : ""),
			       jb_int("replaced_line", last.kind ? last.line : 0)));
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

/* The list's reader: each row into the page; the one past the limit without its JSON. */
static int list_row(struct db_stmt *st, void *pg)
{
	struct page *p = pg;
	char at[32];
	json_t *details;

	if (p->n >= p->limit)
		return page_add(p, db_col_int64(st, 0), NULL);
	details = json_loads(db_col_text(st, 9), 0, NULL);
	return page_add(p, db_col_int64(st, 0),
			JB_OBJ(jb_int("id", db_col_int64(st, 0)),
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

int audit_store_list(struct db_conn *c, const struct audit_filter *f, struct page *pg)
{
	return db_each(c, list_row, pg,
		       "SELECT id, at, actor_id, actor_name, ip, action, object_type, object_id, "
		       "outcome, details FROM audit_log WHERE id < ? AND at >= ? AND at < ? AND "
		       "(CAST(? AS TEXT) IS NULL OR action = ?) AND (CAST(? AS TEXT) IS NULL OR "
		       "actor_name = ?) ORDER BY id DESC LIMIT ?",
		       "iiitttti", pg->cursor ? pg->cursor : INT64_MAX, f->from, f->to, f->action,
		       f->action, f->actor, f->actor, pg->limit + 1);
}
