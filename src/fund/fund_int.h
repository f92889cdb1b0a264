/*
 * fund_int.h — what the files of src/fund/ share beyond fund.h: the ledger's
 * store (fund_store.c), the spend requests' store (spends_store.c), the rules
 * every write keeps (fund_ops.c, used by the handlers and the demo alike),
 * and the JSON of an entry. Nothing outside src/fund/ includes it.
 *
 * Rows read by the store reach their callers through a callback with a view
 * whose strings point into the statement: valid during the call only.
 */
#ifndef SHUNIU_FUND_FUND_INT_H
#define SHUNIU_FUND_FUND_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fund/fund.h"

struct db_conn;

#define FUND_NOTE_MAX	500		/* characters a note sent may hold */
#define FUND_AMOUNT_MAX 1000000000000LL /* 10^12 fen: ten billion CNY */
#define FUND_YEAR_MIN	2000
#define FUND_YEAR_MAX	2100

/* ---- the ledger (fund_store.c) ------------------------------------------ */

/* One entry as read; project_id and ref_seq 0 when none. */
struct fund_entry {
	int64_t seq, at, unit_id, year, amount_fen, project_id, ref_seq, actor_id;
	const char *kind, *project_title, *note, *actor_name;
	const char *unit_code, *unit_name, *unit_path; /* the community, from units */
};
typedef int (*fund_entry_fn)(void *ctx, const struct fund_entry *e);

/* What an append writes; seq, the MACs and (when 0) at are the store's. */
struct fund_entry_in {
	int64_t unit_id;
	int year;
	const char *kind; /* "allocation", "spend", "refund", "correction" */
	int64_t amount_fen, project_id, ref_seq;
	const char *project_title, *note;
	int64_t actor_id;
	const char *actor_name;
	int64_t at;
};
/* Append one entry, chained, in the caller's transaction: 0 and *seq, or <0 (-1 without
 * the key). */
int fund_store_append(struct db_conn *c, const struct fund_entry_in *in, int64_t *seq);

/* Take the row lock of (unit_id, year)'s balance, creating the row first. 0 or <0. */
int fund_store_lock(struct db_conn *c, int64_t unit_id, int year);

/* A community-year's figures: allocated = allocations + corrections, spent = spends − refunds. */
struct fund_sums {
	int64_t allocated, spent;
};
int fund_store_sums(struct db_conn *c, int64_t unit_id, int year, struct fund_sums *s);
/* What has been refunded of spend entry seq so far. 0 or <0. */
int fund_store_refunded(struct db_conn *c, int64_t seq, int64_t *fen);
/* One entry: DB_ROW (fn called), DB_DONE, <0. */
int fund_store_entry(struct db_conn *c, int64_t seq, fund_entry_fn fn, void *ctx);

struct fund_filter {
	const char *lo, *hi; /* the communities' unit path range */
	int year;	     /* 0: every year */
	const char *kind;    /* NULL: every kind */
	int asc; /* oldest first from after (exclusive); else newest first below before */
	int64_t after, before, limit; /* limit 0: no limit */
};
int fund_store_list(struct db_conn *c, const struct fund_filter *f, fund_entry_fn fn, void *ctx);

/* Every community in [lo, hi) with its figures for year, by path. */
struct fund_cov_row {
	int64_t unit_id, street_id, allocated, spent;
	const char *code, *name, *street_name;
};
typedef int (*fund_cov_fn)(void *ctx, const struct fund_cov_row *r);
int fund_store_coverage(struct db_conn *c, const char *lo, const char *hi, int year, fund_cov_fn fn,
			void *ctx);

/* ---- spend requests (spends_store.c) ------------------------------------ */

struct fund_spend {
	int64_t id, unit_id, year, project_id, amount_fen, meal_point_id;
	int64_t requested_by, requested_at, decided_by, decided_at, entry_seq;
	char state[12], month[8];
	char unit_code[40], unit_name[601], unit_path[256];
	char project_title[601], note[2601], reason[801];
	char requested_name[404], decided_name[404];
};
typedef int (*fund_spend_fn)(void *ctx, const struct fund_spend *s);

struct fund_spend_in {
	int64_t unit_id, project_id, amount_fen, meal_point_id;
	int year;
	const char *project_title, *note, *month, *state;
	int64_t requested_by, entry_seq, now;
	const char *requested_name;
};
/* In the caller's transaction: 0 and *id; DB_ECONSTRAINT when the point's month is billed. */
int spends_store_insert(struct db_conn *c, const struct fund_spend_in *in, int64_t *id);
/* One spend request into out (FOR UPDATE-like: lock first when lock is set). DB_ROW, DB_DONE,
 * <0. */
int spends_store_get(struct db_conn *c, int64_t id, int lock, struct fund_spend *out);
/* Move a pending request to `to`: *changed 0 when it was not pending any more. */
int spends_store_decide(struct db_conn *c, int64_t id, const char *to, const char *reason,
			int64_t by, const char *by_name, int64_t entry_seq, int64_t now,
			int64_t *changed);
/* Is the point's month billed by a live (not rejected) request? 1 yes, 0 no, <0. */
int spends_store_billed(struct db_conn *c, int64_t point_id, const char *month);

struct spend_filter {
	const char *lo, *hi;
	const char *state; /* NULL: any */
	int year;	   /* 0: any */
	int64_t before, limit;
};
int spends_store_list(struct db_conn *c, const struct spend_filter *f, fund_spend_fn fn, void *ctx);

/* ---- the rules (fund_ops.c) --------------------------------------------- */

/* Why an operation refused (DB_EABORT); the handler maps it to an error code. */
enum fund_refusal {
	FUND_OK,
	FUND_BELOW_MINIMUM, /* details: minimum, allocated, after */
	FUND_INSUFFICIENT,  /* details: balance, amount */
	FUND_REFUND_EXCEEDS,
	FUND_NO_PROJECT,
	FUND_BILLED,
	FUND_STATE,
	FUND_NOT_FOUND,
	FUND_BAD_ENTRY, /* entry_seq names the wrong kind of entry */
};

struct fund_actor {
	int64_t id;
	const char *name;
};

struct fund_op {
	/* inputs */
	int64_t unit_id, amount_fen, ref_seq, spend_id, now;
	int year;
	const char *note;
	struct fund_actor actor;
	int64_t minimum_fen; /* fund_min_per_community */
	/* outputs */
	enum fund_refusal refusal;
	int64_t seq;			   /* the entry appended */
	int64_t balance, allocated, after; /* for the refusal's details */
};

/* Allocate amount_fen to unit_id's year: the lock, the minimum, the entry. */
int fund_op_allocate(struct db_conn *c, struct fund_op *op);
/* Correct allocation entry ref_seq by the signed amount_fen (unit and year from it). */
int fund_op_correct(struct db_conn *c, struct fund_op *op);
/* Refund amount_fen of spend entry ref_seq. */
int fund_op_refund(struct db_conn *c, struct fund_op *op);
/* Take the balance's lock and check that amount_fen fits it (FUND_INSUFFICIENT otherwise). */
int fund_op_spend_check(struct db_conn *c, struct fund_op *op);
/*
 * Record a spend on the ledger for unit_id's year, after the lock and the
 * balance check: project_id and title from the caller, who locked the project.
 */
int fund_op_spend_entry(struct db_conn *c, struct fund_op *op, int64_t project_id,
			const char *project_title);

/* ---- JSON (fund_json.c) ------------------------------------------------- */

/* An entry as the staff API shows it (with_actor) or the public one (without). */
json_t *fund_entry_json(const struct fund_entry *e, int with_actor);
json_t *fund_spend_json(const struct fund_spend *s);
/* A fund_entry_fn: the entry's staff JSON into *(json_t **)ctx. */
int fund_entry_json_into(void *ctx, const struct fund_entry *e);
/* The current Shanghai year. */
int fund_year_now(void);

/* ---- the handlers' helpers (fund_api.c), shared with spends_api.c ------ */

struct req;
/* The request's caller as the ledger names it: account id, display name (else user name). */
struct fund_actor fund_actor_of(struct req *req);
/* Answer an operation's refusal (DB_EABORT) with its error code and details. */
void fund_refusal_reply(struct req *req, const struct fund_op *op);
/*
 * Run fn (fund_op_allocate, _correct, _refund) in one transaction with its audit row (action),
 * and answer: 201 with the new entry, the refusal, or the database's error.
 */
void fund_change_run(struct req *req, struct db_conn *c, struct fund_op *op,
		     int (*fn)(struct db_conn *c, struct fund_op *op), const char *action);
/* After a committed write: anchor the ledger's head in DIR/fund.anchors (a failure is logged). */
void fund_anchor_after(struct req *req, struct db_conn *c);
/* Answer the entry seq (status) as JSON; 503/500 when it cannot be read. */
void fund_reply_entry(struct req *req, struct db_conn *c, int64_t seq, int status);
/* The entry's community must lie inside the caller's own subtree: 0, or -1 having answered
 * 404 (503 on a database error). */
int fund_entry_managed_or_reply(struct req *req, struct db_conn *c, int64_t seq);
/* ?year= (2000..2100) into *year, def when absent: 0, or -1 having answered 400. */
int fund_year_or_reply(struct req *req, int def, int *year);

/* ---- the export (fund_xlsx.c) ------------------------------------------- */

/*
 * Write the entries of f (oldest first) into an .xlsx file at path (constant
 * memory mode, temporary files under tmpdir). 0, or <0 (a database error), or
 * -1 when the workbook could not be written.
 */
int fund_xlsx_write(struct db_conn *c, const struct fund_filter *f, const char *path,
		    const char *tmpdir);

#endif
