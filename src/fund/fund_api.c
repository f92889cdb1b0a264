/*
 * fund_api.c — allocations, corrections, the coverage of the minimum, the
 * ledger and its Excel export.
 *
 *   POST /api/v1/fund/allocations   fund:allocate {unit_id, year, amount_fen, note?}
 *   POST /api/v1/fund/corrections   fund:allocate {entry_seq, amount_fen (signed), note}
 *   GET  /api/v1/fund/coverage      fund:read ?year=&unit=
 *   GET  /api/v1/fund/ledger        fund:read ?unit=&year=&kind=&limit=&cursor=
 *   GET  /api/v1/fund/ledger.xlsx   fund:read ?unit=&year=
 *
 * Handlers only: parse, authorise, run the rules of fund_ops.c in one
 * transaction with the audit row, answer. Reads cover the caller's area
 * (scope_area_or_reply: an account below a community sees its community's
 * fund, which is public anyway); writes need the community inside the
 * caller's own subtree. Spends, refunds and approvals are in spends_api.c.
 */
#include "fund/fund.h"
#include "fund/fund_int.h"

#include "audit/audit.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- shared with spends_api.c -------------------------------------------- */

struct fund_actor fund_actor_of(struct req *req)
{
	const struct auth *a = req_auth(req);

	return (struct fund_actor){ a->account_id, a->display_name && a->display_name[0]
							   ? a->display_name
							   : a->username };
}

void fund_refusal_reply(struct req *req, const struct fund_op *op)
{
	switch (op->refusal) {
	case FUND_BELOW_MINIMUM:
		reply_error_ex(req, ERR_FUND_BELOW_MINIMUM, NULL,
			       JB_OBJ(jb_int("minimum_fen", op->minimum_fen),
				      jb_int("allocated_fen", op->allocated),
				      jb_int("after_fen", op->after)));
		return;
	case FUND_INSUFFICIENT:
		reply_error_ex(req, ERR_FUND_INSUFFICIENT, NULL,
			       JB_OBJ(jb_int("balance_fen", op->balance),
				      jb_int("amount_fen", op->amount_fen)));
		return;
	case FUND_REFUND_EXCEEDS:
		reply_error_ex(req, ERR_FUND_REFUND_EXCEEDS, NULL,
			       JB_OBJ(jb_int("refundable_fen", op->balance)));
		return;
	case FUND_NO_PROJECT: reply_error(req, ERR_FUND_NO_PROJECT); return;
	case FUND_BILLED: reply_error(req, ERR_FUND_ALREADY_BILLED); return;
	case FUND_STATE: reply_error(req, ERR_FUND_STATE); return;
	case FUND_NOT_FOUND: reply_error(req, ERR_NOT_FOUND); return;
	case FUND_BAD_ENTRY:
		reply_invalid(req, "entry_seq", "names the wrong kind of entry");
		return;
	case FUND_OK: break;
	}
	reply_error(req, ERR_INTERNAL);
}

int fund_entry_json_into(void *ctx, const struct fund_entry *e)
{
	*(json_t **)ctx = fund_entry_json(e, 1);
	return 0;
}

/* The entry just written, as the answer (201), or 500/503. */
void fund_reply_entry(struct req *req, struct db_conn *c, int64_t seq, int status)
{
	json_t *j = NULL;
	int rc = fund_store_entry(c, seq, fund_entry_json_into, &j);

	if (rc != DB_ROW || !j) {
		json_decref(j);
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	reply_json(req, status, j);
}

/* An entry the caller may act on: its community inside the caller's subtree. 404 otherwise. */
struct entry_path {
	char path[256];
	int64_t unit_id;
};

static int entry_path_of(void *ctx, const struct fund_entry *e)
{
	struct entry_path *x = ctx;

	snprintf(x->path, sizeof x->path, "%s", e->unit_path ? e->unit_path : "");
	x->unit_id = e->unit_id;
	return 0;
}

int fund_entry_managed_or_reply(struct req *req, struct db_conn *c, int64_t seq)
{
	struct entry_path x = { "", 0 };
	int rc = fund_store_entry(c, seq, entry_path_of, &x);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(x.path, req_auth(req)->unit_path), NULL);
}

/* ?year= (2000..2100), or def when absent. 0, or -1 having answered 400. */
int fund_year_or_reply(struct req *req, int def, int *year)
{
	const char *y = req_query(req, "year");
	int64_t v;

	*year = def;
	if (!y)
		return 0;
	if (parse_int64(y, FUND_YEAR_MIN, FUND_YEAR_MAX, &v)) {
		reply_invalid(req, "year", "a year from 2000 to 2100");
		return -1;
	}
	*year = (int)v;
	return 0;
}

void fund_anchor_after(struct req *req, struct db_conn *c)
{
	char path[PATH_MAX], msg[512];

	if (fund_anchors_path(req->srv->cfg->data_dir, path, sizeof path) ||
	    fund_anchor(c, path, msg, sizeof msg) < 0)
		log_error("fund anchor failed: %s", msg);
}

/* ---- allocations and corrections ------------------------------------------ */

/* Run one of fund_ops.c's operations with its audit row in one transaction, and answer. */
struct fund_change {
	struct req *req;
	struct fund_op *op;
	int (*fn)(struct db_conn *c, struct fund_op *op);
	const char *action;
};

static int change_tx(struct db_conn *c, void *ctx)
{
	struct fund_change *x = ctx;
	int rc = x->fn(c, x->op);

	return audit_write_after(
		rc, x->req, c, x->action, "fund_entry", x->op->seq,
		JB_OBJ(jb_int("unit_id", x->op->unit_id), jb_int("year", x->op->year),
		       jb_int("amount_fen", x->op->amount_fen), jb_int("ref_seq", x->op->ref_seq)));
}

void fund_change_run(struct req *req, struct db_conn *c, struct fund_op *op,
		     int (*fn)(struct db_conn *c, struct fund_op *op), const char *action)
{
	struct fund_change x = { req, op, fn, action };
	int rc = db_tx_run(c, change_tx, &x);

	if (rc == DB_EABORT)
		fund_refusal_reply(req, op);
	else if (rc < 0)
		reply_db_error(req, rc);
	else {
		fund_anchor_after(req, c);
		fund_reply_entry(req, c, op->seq, 201);
	}
}

static void allocate(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct alloc_body {
		int64_t unit_id, year, amount_fen;
		const char *note;
	} b;
	static const struct body_field fields[] = {
		BF_ID(struct alloc_body, unit_id, "unit_id", BF_REQUIRED),
		BF_INT(struct alloc_body, year, "year", BF_REQUIRED, FUND_YEAR_MIN, FUND_YEAR_MAX,
		       0),
		BF_INT(struct alloc_body, amount_fen, "amount_fen", BF_REQUIRED, 1, FUND_AMOUNT_MAX,
		       0),
		BF_STR_DEF(struct alloc_body, note, "note", 0, FUND_NOTE_MAX, ""),
	};
	struct fund_op op;
	struct unit_ref u;

	if (!c || BODY_READ_OR_REPLY(req, fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_COMMUNITY) {
		reply_invalid(req, "unit_id", "a community");
		return;
	}
	op = (struct fund_op){ .unit_id = u.id,
			       .year = (int)b.year,
			       .amount_fen = b.amount_fen,
			       .note = b.note,
			       .actor = fund_actor_of(req),
			       .now = clock_now(),
			       .minimum_fen = req->srv->cfg->fund_min_per_community };
	fund_change_run(req, c, &op, fund_op_allocate, "fund.allocate");
}

static void correct(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct correct_body {
		int64_t entry_seq, amount_fen;
		const char *note;
	} b;
	static const struct body_field fields[] = {
		BF_ID(struct correct_body, entry_seq, "entry_seq", BF_REQUIRED),
		BF_INT(struct correct_body, amount_fen, "amount_fen", BF_REQUIRED, -FUND_AMOUNT_MAX,
		       FUND_AMOUNT_MAX, 0),
		BF_STR(struct correct_body, note, "note", BF_REQUIRED, 1, FUND_NOTE_MAX),
	};
	struct fund_op op;

	if (!c || BODY_READ_OR_REPLY(req, fields, &b, NULL) ||
	    body_nonempty_or_reply(req, "note", b.note))
		return;
	if (b.amount_fen == 0) {
		reply_invalid(req, "amount_fen", "not zero");
		return;
	}
	if (fund_entry_managed_or_reply(req, c, b.entry_seq))
		return;
	op = (struct fund_op){ .ref_seq = b.entry_seq,
			       .amount_fen = b.amount_fen,
			       .note = b.note,
			       .actor = fund_actor_of(req),
			       .now = clock_now(),
			       .minimum_fen = req->srv->cfg->fund_min_per_community };
	fund_change_run(req, c, &op, fund_op_correct, "fund.correct");
}

/* ---- coverage ---------------------------------------------------------------- */

struct coverage {
	json_t *items;
	int64_t minimum, below;
};

static int coverage_row(void *ctx, const struct fund_cov_row *r)
{
	struct coverage *k = ctx;
	int below = r->allocated < k->minimum;

	k->below += below;
	return json_array_append_new(
		k->items,
		JB_OBJ(jb_take("unit", JB_OBJ(jb_int("id", r->unit_id), jb_str("code", r->code),
					      jb_str("name", r->name))),
		       jb_take("street",
			       JB_OBJ(jb_int("id", r->street_id), jb_str("name", r->street_name))),
		       jb_int("allocated_fen", r->allocated), jb_int("spent_fen", r->spent),
		       jb_int("balance_fen", r->allocated - r->spent),
		       jb_bool("below_minimum", below)));
}

static void coverage(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct coverage k = { .minimum = req->srv->cfg->fund_min_per_community };
	struct scope sc;
	int year, rc;

	if (!c || fund_year_or_reply(req, fund_year_now(), &year) ||
	    scope_area_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	k.items = json_array();
	rc = fund_store_coverage(c, sc.lo, sc.hi, year, coverage_row, &k);
	if (rc < 0) {
		json_decref(k.items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_int("year", year), jb_int("minimum_fen", k.minimum),
			  jb_int("below_minimum", k.below), jb_take("items", k.items)));
}

/* ---- the ledger -------------------------------------------------------------- */

static int ledger_filter_or_reply(struct req *req, struct db_conn *c, struct scope *sc,
				  struct fund_filter *f)
{
	const char *kind = req_query(req, "kind");
	int year;

	if (scope_area_or_reply(req, c, req_query(req, "unit"), sc) ||
	    fund_year_or_reply(req, 0, &year))
		return -1;
	if (kind && strcmp(kind, "allocation") && strcmp(kind, "spend") && strcmp(kind, "refund") &&
	    strcmp(kind, "correction")) {
		reply_invalid(req, "kind", "allocation, spend, refund or correction");
		return -1;
	}
	*f = (struct fund_filter){ .lo = sc->lo, .hi = sc->hi, .year = year, .kind = kind };
	return 0;
}

static int ledger_row(void *ctx, const struct fund_entry *e)
{
	struct page *p = ctx;

	if (p->n >= p->limit)
		return page_add(p, e->seq, NULL);
	return page_add(p, e->seq, fund_entry_json(e, 1));
}

static void ledger(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct fund_filter f;
	struct scope sc;
	struct page p;

	if (!c || ledger_filter_or_reply(req, c, &sc, &f) || page_begin_or_reply(req, &p))
		return;
	f.before = p.cursor;
	f.limit = p.limit + 1;
	page_reply(&p, fund_store_list(c, &f, ledger_row, &p));
}

/* All of fd into a malloc'd buffer (at most 256 MiB). NULL on failure. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t r;
		if (n == cap) {
			char *more = cap < ((size_t)256 << 20) ? realloc(buf, cap * 2) : NULL;
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	free(buf);
	return NULL;
}

/*
 * The workbook is written to a temporary file in the data directory (the
 * writer's own temporary files too, constant-memory mode), read back into
 * the answer and unlinked at once: nothing of it stays on disk.
 */
static void ledger_xlsx(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *dir = req->srv->cfg->data_dir;
	char path[PATH_MAX], name[96], *disp, *data = NULL;
	struct fund_filter f;
	struct scope sc;
	size_t len = 0;
	int fd, rc;

	if (!c || ledger_filter_or_reply(req, c, &sc, &f))
		return;
	f.kind = NULL;
	if (path_join(path, sizeof path, dir, "fund-export.XXXXXX") || (fd = mkstemp(path)) < 0) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	close(fd);
	rc = fund_xlsx_write(c, &f, path, dir);
	fd = rc == 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	unlink(path);
	if (fd >= 0) {
		data = read_all(fd, &len);
		close(fd);
	}
	if (!data) {
		reply_error(req, rc < -1 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	if (f.year)
		snprintf(name, sizeof name, "fund-ledger-%d.xlsx", f.year);
	else
		snprintf(name, sizeof name, "fund-ledger-all.xlsx");
	disp = arena_printf(&req->arena, "attachment; filename=\"%s\"", name);
	if (disp)
		reply_header(req, "Content-Disposition", disp);
	reply_bytes(req, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    data, len);
	free(data);
}

const struct route fund_routes[] = {
	{ "POST", "/api/v1/fund/allocations", allocate, R_JSON, "fund:allocate", 0 },
	{ "POST", "/api/v1/fund/corrections", correct, R_JSON, "fund:allocate", 0 },
	{ "GET", "/api/v1/fund/coverage", coverage, 0, "fund:read", 0 },
	{ "GET", "/api/v1/fund/ledger", ledger, 0, "fund:read", 0 },
	{ "GET", "/api/v1/fund/ledger.xlsx", ledger_xlsx, 0, "fund:read", 0 },
	{ 0 },
};
