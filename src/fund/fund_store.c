/*
 * fund_store.c — the ledger's SQL: appending a chained entry, the balance
 * locks, the sums, reading and listing entries, verifying the chain; see
 * fund.h.
 *
 * An entry's MAC is chain_mac(key "fund", seq, fields, previous MAC) over
 * these fields, in this order, as text (integers in decimal, a missing
 * project or reference as ""):
 *   at, unit_id, year, kind, amount_fen, project_id, project_title, ref_seq,
 *   note, actor_id, actor_name
 * prev_mac holds the MAC of entry seq − 1 (chain_zero for entry 1), and
 * chain_heads' 'fund' row the newest seq and MAC. The append mirrors
 * audit_append() (audit/audit_store.c): take the head's row lock, MAC the
 * new entry onto it, insert, move the head, all in the caller's transaction.
 */
#include "fund/fund_int.h"

#include "core/chain.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "org/org.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static struct chain fund_chain;
static int have_key;

void fund_set_key(const unsigned char secret[SECRET_KEY_BYTES])
{
	have_key = chain_init(&fund_chain, "fund", secret) == 0;
}

void fund_clear_key(void)
{
	chain_wipe(&fund_chain);
	have_key = 0;
}

const char *fund_verdict_name(int verdict)
{
	switch (verdict) {
	case FUND_INTACT: return "intact";
	case FUND_REWRITTEN: return "rewritten";
	case FUND_DELETED: return "deleted";
	case FUND_TRUNCATED: return "truncated";
	case FUND_ANCHORS: return "anchors";
	}
	return "error";
}

/* The MAC of an entry over its fields in the documented order. */
static void entry_mac(const struct fund_entry *e, const char *prev, char out[CHAIN_HEX])
{
	char at[24], unit[24], year[24], amount[24], project[24], ref[24], actor[24];
	const char *f[11];

	snprintf(at, sizeof at, "%" PRId64, e->at);
	snprintf(unit, sizeof unit, "%" PRId64, e->unit_id);
	snprintf(year, sizeof year, "%" PRId64, e->year);
	snprintf(amount, sizeof amount, "%" PRId64, e->amount_fen);
	if (e->project_id)
		snprintf(project, sizeof project, "%" PRId64, e->project_id);
	else
		project[0] = '\0';
	if (e->ref_seq)
		snprintf(ref, sizeof ref, "%" PRId64, e->ref_seq);
	else
		ref[0] = '\0';
	snprintf(actor, sizeof actor, "%" PRId64, e->actor_id);
	f[0] = at;
	f[1] = unit;
	f[2] = year;
	f[3] = e->kind;
	f[4] = amount;
	f[5] = project;
	f[6] = e->project_title;
	f[7] = ref;
	f[8] = e->note;
	f[9] = actor;
	f[10] = e->actor_name;
	chain_mac(&fund_chain, e->seq, f, 11, prev, out);
}

struct head {
	int64_t seq, anchored; /* anchored: chain_heads.keyed, DIR/fund.anchors was started */
	char head[CHAIN_HEX];
};

static int head_from_row(struct db_stmt *st, void *p)
{
	struct head *h = p;

	h->seq = db_col_int64(st, 0);
	snprintf(h->head, sizeof h->head, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
	h->anchored = db_col_int64(st, 2);
	return 0;
}

static int head_read(struct db_conn *c, struct head *h)
{
	int rc;

	memset(h, 0, sizeof *h);
	rc = db_one(c, head_from_row, h,
		    "SELECT seq, head, keyed FROM chain_heads WHERE name = 'fund'", "");
	return rc == DB_ROW ? 0 : rc;
}

int fund_store_append(struct db_conn *c, const struct fund_entry_in *in, int64_t *seq)
{
	struct head h;
	char mac[CHAIN_HEX];
	int rc;

	if (!have_key) {
		log_error("fund: no chain key loaded; refusing to append a %s entry", in->kind);
		return -1;
	}
	rc = db_run(c, "UPDATE chain_heads SET seq = seq WHERE name = 'fund'", "");
	if (rc == 0)
		rc = head_read(c, &h);
	if (rc != 0)
		return rc == DB_DONE ? -1 : rc;
	struct fund_entry e = {
		.seq = h.seq + 1,
		.at = in->at ? in->at : clock_now(),
		.unit_id = in->unit_id,
		.year = in->year,
		.amount_fen = in->amount_fen,
		.project_id = in->project_id,
		.ref_seq = in->ref_seq,
		.actor_id = in->actor_id,
		.kind = in->kind,
		.project_title =
			in->project_id ? (in->project_title ? in->project_title : "") : NULL,
		.note = in->note ? in->note : "",
		.actor_name = in->actor_name ? in->actor_name : "-",
	};
	entry_mac(&e, h.head, mac);
	/* a missing project or reference is NULL, not 0 */
	struct db_arg a[] = {
		DB_ARG_I(e.seq),
		DB_ARG_I(e.at),
		DB_ARG_I(e.unit_id),
		DB_ARG_I(e.year),
		DB_ARG_T(e.kind),
		DB_ARG_I(e.amount_fen),
		e.project_id ? DB_ARG_I(e.project_id) : DB_ARG_T(NULL),
		DB_ARG_T(e.project_title),
		e.ref_seq ? DB_ARG_I(e.ref_seq) : DB_ARG_T(NULL),
		DB_ARG_T(e.note),
		DB_ARG_I(e.actor_id),
		DB_ARG_T(e.actor_name),
		DB_ARG_T(h.head),
		DB_ARG_T(mac),
	};
	rc = db_run_args(
		c,
		"INSERT INTO fund_entries (seq, at, unit_id, year, kind, amount_fen, "
		"project_id, project_title, ref_seq, note, actor_id, actor_name, prev_mac, "
		"mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a, DB_ARGS_N(a));
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE chain_heads SET seq = ?, head = ?, updated = ? WHERE name = "
			    "'fund'",
			    "iti", e.seq, mac, e.at);
	if (rc == 0)
		*seq = e.seq;
	return rc;
}

int fund_store_lock(struct db_conn *c, int64_t unit_id, int year)
{
	int rc = db_run(c,
			"INSERT INTO fund_balance_locks (unit_id, year) VALUES (?, ?) ON CONFLICT "
			"DO NOTHING",
			"ii", unit_id, (int64_t)year);

	if (rc == 0)
		rc = db_run(c,
			    "UPDATE fund_balance_locks SET unit_id = unit_id WHERE unit_id = ? AND "
			    "year = ?",
			    "ii", unit_id, (int64_t)year);
	return rc;
}

static int sums_row(struct db_stmt *st, void *p)
{
	struct fund_sums *s = p;

	s->allocated = db_col_int64(st, 0);
	s->spent = db_col_int64(st, 1);
	return 0;
}

#define SUMS_COLS                                                                                  \
	"COALESCE(SUM(CASE WHEN kind IN ('allocation', 'correction') THEN amount_fen ELSE 0 "      \
	"END), 0), COALESCE(SUM(CASE kind WHEN 'spend' THEN amount_fen WHEN 'refund' THEN "        \
	"-amount_fen ELSE 0 END), 0)"

int fund_store_sums(struct db_conn *c, int64_t unit_id, int year, struct fund_sums *s)
{
	int rc;

	memset(s, 0, sizeof *s);
	rc = db_one(c, sums_row, s,
		    "SELECT " SUMS_COLS " FROM fund_entries WHERE unit_id = ? AND year = ?", "ii",
		    unit_id, (int64_t)year);
	return rc < 0 ? rc : 0;
}

int fund_store_refunded(struct db_conn *c, int64_t seq, int64_t *fen)
{
	int rc;

	*fen = 0;
	rc = db_query_int64(
		c, fen,
		"SELECT COALESCE(SUM(amount_fen), 0) FROM fund_entries WHERE ref_seq = ? "
		"AND kind = 'refund'",
		"i", seq);
	return rc < 0 ? rc : 0;
}

int fund_project_spent(struct db_conn *c, int64_t project_id, int64_t *fen)
{
	int rc;

	*fen = 0;
	rc = db_query_int64(c, fen,
			    "SELECT COALESCE(SUM(CASE kind WHEN 'spend' THEN amount_fen WHEN "
			    "'refund' THEN -amount_fen ELSE 0 END), 0) FROM fund_entries WHERE "
			    "project_id = ?",
			    "i", project_id);
	return rc < 0 ? rc : 0;
}

/* ---- reading entries ----------------------------------------------------- */

#define ENTRY_SELECT                                                                               \
	"SELECT e.seq, e.at, e.unit_id, e.year, e.kind, e.amount_fen, e.project_id, "              \
	"e.project_title, e.ref_seq, e.note, e.actor_id, e.actor_name, u.code, u.name, u.path, "   \
	"e.prev_mac, e.mac FROM fund_entries e JOIN units u ON u.id = e.unit_id "

static void entry_from_row(struct db_stmt *st, struct fund_entry *e)
{
	e->seq = db_col_int64(st, 0);
	e->at = db_col_int64(st, 1);
	e->unit_id = db_col_int64(st, 2);
	e->year = db_col_int64(st, 3);
	e->kind = db_col_text(st, 4);
	e->amount_fen = db_col_int64(st, 5);
	e->project_id = db_col_int64(st, 6);
	e->project_title = db_col_text(st, 7);
	e->ref_seq = db_col_int64(st, 8);
	e->note = db_col_text(st, 9);
	e->actor_id = db_col_int64(st, 10);
	e->actor_name = db_col_text(st, 11);
	e->unit_code = db_col_text(st, 12);
	e->unit_name = db_col_text(st, 13);
	e->unit_path = db_col_text(st, 14);
}

DB_VIEW_ROWS(entry_row, struct fund_entry, fund_entry_fn, entry_from_row)

int fund_store_entry(struct db_conn *c, int64_t seq, fund_entry_fn fn, void *ctx)
{
	struct entry_row_call k = { fn, ctx };

	return db_one(c, entry_row, &k, ENTRY_SELECT "WHERE e.seq = ?", "i", seq);
}

int fund_store_list(struct db_conn *c, const struct fund_filter *f, fund_entry_fn fn, void *ctx)
{
	struct entry_row_call k = { fn, ctx };
	struct db_arg a[8];
	char sql[1024];
	int n = 0;

	a[n++] = DB_ARG_T(f->lo);
	a[n++] = DB_ARG_T(f->hi);
	a[n++] = DB_ARG_I(f->asc ? f->after : (f->before ? f->before : INT64_MAX));
	snprintf(sql, sizeof sql, "%s%s", ENTRY_SELECT,
		 f->asc ? "WHERE u.path >= ? AND u.path < ? AND e.seq > ?"
			: "WHERE u.path >= ? AND u.path < ? AND e.seq < ?");
	if (f->year) {
		strcat(sql, " AND e.year = ?");
		a[n++] = DB_ARG_I(f->year);
	}
	if (f->kind) {
		strcat(sql, " AND e.kind = ?");
		a[n++] = DB_ARG_T(f->kind);
	}
	strcat(sql, f->asc ? " ORDER BY e.seq" : " ORDER BY e.seq DESC");
	if (f->limit) {
		strcat(sql, " LIMIT ?");
		a[n++] = DB_ARG_I(f->limit);
	}
	return db_each_args(c, entry_row, &k, sql, a, n);
}

static void cov_from_row(struct db_stmt *st, struct fund_cov_row *r)
{
	r->unit_id = db_col_int64(st, 0);
	r->code = db_col_text(st, 1);
	r->name = db_col_text(st, 2);
	r->street_id = db_col_int64(st, 3);
	r->street_name = db_col_text(st, 4);
	r->allocated = db_col_int64(st, 5);
	r->spent = db_col_int64(st, 6);
}

DB_VIEW_ROWS(cov_row, struct fund_cov_row, fund_cov_fn, cov_from_row)

int fund_store_coverage(struct db_conn *c, const char *lo, const char *hi, int year, fund_cov_fn fn,
			void *ctx)
{
	struct {
		fund_cov_fn fn;
		void *ctx;
	} k = { fn, ctx };

	return db_each(
		c, cov_row, &k,
		"SELECT u.id, u.code, u.name, s.id, s.name, COALESCE(t.allocated, 0), "
		"COALESCE(t.spent, 0) FROM units u LEFT JOIN units s ON s.id = u.parent_id "
		"LEFT JOIN (SELECT unit_id, SUM(CASE WHEN kind IN ('allocation', 'correction') "
		"THEN amount_fen ELSE 0 "
		"END) AS allocated, SUM(CASE kind WHEN 'spend' THEN amount_fen WHEN 'refund' "
		"THEN -amount_fen ELSE 0 END) AS spent FROM fund_entries WHERE year = ? "
		"GROUP BY unit_id) t ON t.unit_id = u.id WHERE u.kind = 'community' AND "
		"u.path >= ? AND u.path < ? ORDER BY u.path",
		"itt", (int64_t)year, lo, hi);
}

/* ---- the public view ------------------------------------------------------ */

static int public_entry(void *ctx, const struct fund_entry *e)
{
	json_t *j = fund_entry_json(e, 0);

	if (!j)
		return -5;
	json_array_append_new(ctx, j);
	return 0;
}

json_t *fund_public(struct db_conn *c, const struct unit_ref *community, int year)
{
	struct entry_row_call k = { public_entry, NULL };
	struct fund_sums s;
	json_t *entries = json_array();
	int rc;

	if (!entries)
		return NULL;
	k.ctx = entries;
	rc = fund_store_sums(c, community->id, year, &s);
	if (rc >= 0)
		rc = db_each(c, entry_row, &k,
			     ENTRY_SELECT "WHERE e.unit_id = ? AND e.year = ? ORDER BY e.seq", "ii",
			     community->id, (int64_t)year);
	if (rc < 0) {
		json_decref(entries);
		return NULL;
	}
	json_t *o = json_object();
	json_object_set_new(o, "year", json_integer(year));
	json_object_set_new(o, "allocated_fen", json_integer(s.allocated));
	json_object_set_new(o, "spent_fen", json_integer(s.spent));
	json_object_set_new(o, "balance_fen", json_integer(s.allocated - s.spent));
	json_object_set_new(o, "entries", entries);
	return o;
}

json_t *fund_project_entries(struct db_conn *c, int64_t project_id)
{
	struct entry_row_call k = { public_entry, NULL };
	json_t *entries = json_array();
	int64_t spent = 0;
	int rc;

	if (!entries)
		return NULL;
	k.ctx = entries;
	rc = fund_project_spent(c, project_id, &spent);
	if (rc >= 0)
		rc = db_each(c, entry_row, &k, ENTRY_SELECT "WHERE e.project_id = ? ORDER BY e.seq",
			     "i", project_id);
	if (rc < 0) {
		json_decref(entries);
		return NULL;
	}
	return JB_OBJ(jb_int("spent_fen", spent), jb_take("entries", entries));
}

/* ---- anchoring ---------------------------------------------------------- */

int fund_anchors_path(const char *data_dir, char *out, size_t outlen)
{
	return path_join(out, outlen, data_dir, "fund.anchors");
}

static int mark_anchored_tx(struct db_conn *c, void *ctx)
{
	(void)ctx;
	return db_run(c, "UPDATE chain_heads SET keyed = 1 WHERE name = 'fund'", "");
}

int fund_anchor(struct db_conn *c, const char *anchors, char *msg, size_t msglen)
{
	struct chain_anchor last;
	struct head h;
	int rc;

	if (!have_key) {
		snprintf(msg, msglen, "no chain key loaded");
		return -1;
	}
	if ((rc = head_read(c, &h)) != 0) {
		snprintf(msg, msglen, "cannot read the fund ledger's head: %s",
			 rc == DB_DONE ? "no row" : db_errmsg(c));
		return -1;
	}
	rc = chain_anchors_read(&fund_chain, anchors, &last, msg, msglen);
	if (rc == CHAIN_ANCHORS_MISSING && h.anchored) {
		snprintf(msg, msglen,
			 "the anchor file '%s' is missing: not starting a new one (that would "
			 "hide entries cut off the end)",
			 anchors);
		return -1;
	}
	if (rc != CHAIN_ANCHORS_OK && rc != CHAIN_ANCHORS_MISSING)
		return -1;
	rc = chain_anchor_append(&fund_chain, anchors, 'A', h.seq, h.head, clock_now(), 1, NULL,
				 msg, msglen);
	if (rc == 0 && !h.anchored && db_tx_run(c, mark_anchored_tx, NULL) < 0) {
		snprintf(msg, msglen, "cannot mark the fund ledger anchored: %s", db_errmsg(c));
		return -1;
	}
	return rc;
}

/* ---- verification --------------------------------------------------------- */

struct walk {
	int64_t last, n, bad, anchor_seq;
	char expect[CHAIN_HEX], at_anchor[CHAIN_HEX];
	int verdict;
	char *msg;
	size_t msglen;
};

static int verify_row(struct db_stmt *st, void *p)
{
	struct walk *x = p;
	struct fund_entry e;
	const char *prev = db_col_text(st, 15), *stored = db_col_text(st, 16);
	char mac[CHAIN_HEX];

	entry_from_row(st, &e);
	if (e.seq != x->last + 1) {
		x->bad = x->last + 1;
		if (e.seq <= x->last)
			snprintf(x->msg, x->msglen, "entry %" PRId64 " is out of order", e.seq);
		else
			snprintf(x->msg, x->msglen,
				 "entry %" PRId64 " is missing (entries %" PRId64 " to %" PRId64
				 " were deleted)",
				 x->last + 1, x->last + 1, e.seq - 1);
		x->verdict = FUND_DELETED;
		return DB_ROW;
	}
	entry_mac(&e, x->expect, mac);
	if (!chain_mac_equal(mac, stored) || !chain_mac_equal(x->expect, prev)) {
		x->bad = e.seq;
		snprintf(x->msg, x->msglen,
			 "entry %" PRId64 " was altered (its MAC does not match its content)",
			 e.seq);
		x->verdict = FUND_REWRITTEN;
		return DB_ROW;
	}
	if (e.seq == x->anchor_seq)
		memcpy(x->at_anchor, mac, CHAIN_HEX);
	memcpy(x->expect, mac, CHAIN_HEX);
	x->last = e.seq;
	x->n++;
	return 0;
}

/* The newest anchor and the head against the end of the walk. */
static int verify_ends(const struct walk *x, const struct head *h, const struct chain_anchor *anc,
		       int64_t *bad_seq, char *msg, size_t msglen)
{
	if (anc->kind && anc->seq > x->last) {
		*bad_seq = x->last + 1;
		snprintf(msg, msglen,
			 "entry %" PRId64 " is missing: the newest anchor (line %" PRId64
			 ") names entry %" PRId64 " but the ledger ends at entry %" PRId64
			 " (entries cut off the end)",
			 x->last + 1, anc->line, anc->seq, x->last);
		return FUND_TRUNCATED;
	}
	if (anc->kind && anc->seq > 0 && !chain_mac_equal(x->at_anchor, anc->head)) {
		*bad_seq = anc->seq;
		snprintf(msg, msglen,
			 "entry %" PRId64 " differs from the newest anchor (line %" PRId64
			 "): the ledger was cut back and written again",
			 anc->seq, anc->line);
		return FUND_TRUNCATED;
	}
	if (h->seq > x->last) {
		*bad_seq = x->last + 1;
		snprintf(msg, msglen,
			 "entry %" PRId64 " is missing: chain_heads records entry %" PRId64
			 " but the ledger ends at entry %" PRId64 " (entries cut off the end)",
			 x->last + 1, h->seq, x->last);
		return FUND_TRUNCATED;
	}
	if (h->seq < x->last || (h->seq > 0 && !chain_mac_equal(h->head, x->expect))) {
		*bad_seq = h->seq + 1 <= x->last ? h->seq + 1 : x->last;
		snprintf(msg, msglen,
			 "entry %" PRId64
			 " disagrees with chain_heads, which records entry %" PRId64,
			 *bad_seq, h->seq);
		return FUND_REWRITTEN;
	}
	return FUND_INTACT;
}

int fund_verify(struct db_conn *c, const char *anchors, int64_t *checked, int64_t *bad_seq,
		char *msg, size_t msglen)
{
	struct walk x = { .verdict = FUND_INTACT, .msg = msg, .msglen = msglen };
	struct chain_anchor anc;
	struct head h;
	int rc;

	*checked = 0;
	*bad_seq = 0;
	if (!have_key) {
		snprintf(msg, msglen, "no chain key loaded");
		return -1;
	}
	if ((rc = head_read(c, &h)) == DB_DONE) {
		snprintf(msg, msglen, "chain_heads has no row for the fund ledger");
		return FUND_TRUNCATED;
	}
	if (rc < 0)
		return rc;
	/* the anchors after the head: an entry appended meanwhile never looks missing */
	rc = chain_anchors_read(&fund_chain, anchors, &anc, msg, msglen);
	if (rc == CHAIN_ANCHORS_MISSING && !h.anchored) {
		memset(&anc, 0, sizeof anc); /* never anchored yet: the head alone */
	} else if (rc != CHAIN_ANCHORS_OK) {
		char m[300];
		snprintf(m, sizeof m, "%s", msg);
		snprintf(msg, msglen, "anchor file '%s': %s", anchors, m);
		return FUND_ANCHORS;
	}
	memcpy(x.expect, chain_zero, CHAIN_HEX);
	x.anchor_seq = anc.kind ? anc.seq : -1;
	rc = db_each(c, verify_row, &x, ENTRY_SELECT "ORDER BY e.seq", "");
	if (rc < 0)
		return rc;
	*checked = x.n;
	*bad_seq = x.bad;
	if (x.verdict != FUND_INTACT)
		return x.verdict;
	msg[0] = '\0';
	return verify_ends(&x, &h, &anc, bad_seq, msg, msglen);
}
