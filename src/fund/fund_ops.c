/*
 * fund_ops.c — the rules every write to the ledger keeps, inside the
 * caller's transaction; the handlers and the demo call the same functions.
 *
 * Each operation first takes the row lock of the community-year's balance
 * (fund_store_lock), then reads the sums and decides, then appends: so two
 * writes to one community and year run one after the other, and the second
 * sees the first's entry. Lock order, everywhere: the spend request, the
 * project, the balance, the chain's head — never the other way round.
 *
 * A refusal returns DB_EABORT with op->refusal set (and the figures its
 * answer names); a database error its negative code.
 */
#include "fund/fund_int.h"

#include "db/store.h"

#include <stdio.h>
#include <string.h>

/* The fields of one entry an operation needs, copied out of the statement. */
struct entry_copy {
	int64_t unit_id, year, amount_fen, project_id;
	char kind[16];
	char project_title[601];
};

static int copy_entry(void *ctx, const struct fund_entry *e)
{
	struct entry_copy *x = ctx;

	x->unit_id = e->unit_id;
	x->year = e->year;
	x->amount_fen = e->amount_fen;
	x->project_id = e->project_id;
	snprintf(x->kind, sizeof x->kind, "%s", e->kind);
	snprintf(x->project_title, sizeof x->project_title, "%s",
		 e->project_title ? e->project_title : "");
	return 0;
}

static int refuse(struct fund_op *op, enum fund_refusal why)
{
	op->refusal = why;
	return DB_EABORT;
}

/* Load entry op->ref_seq, which must be of kind; its community and year become op's. */
static int load_ref(struct db_conn *c, struct fund_op *op, const char *kind, struct entry_copy *e)
{
	int rc = fund_store_entry(c, op->ref_seq, copy_entry, e);

	op->refusal = FUND_OK;
	op->seq = 0;
	if (rc == DB_DONE)
		return refuse(op, FUND_NOT_FOUND);
	if (rc < 0)
		return rc;
	if (strcmp(e->kind, kind) != 0)
		return refuse(op, FUND_BAD_ENTRY);
	op->unit_id = e->unit_id;
	op->year = (int)e->year;
	return 0;
}

static int append(struct db_conn *c, struct fund_op *op, const char *kind, int64_t project_id,
		  const char *title, int64_t ref_seq)
{
	struct fund_entry_in in = {
		.unit_id = op->unit_id,
		.year = op->year,
		.kind = kind,
		.amount_fen = op->amount_fen,
		.project_id = project_id,
		.project_title = title,
		.ref_seq = ref_seq,
		.note = op->note,
		.actor_id = op->actor.id,
		.actor_name = op->actor.name,
		.at = op->now,
	};

	return fund_store_append(c, &in, &op->seq);
}

/* Take op's community-year lock and read its figures: allocated, after (+ amount), balance. */
static int lock_and_sum(struct db_conn *c, struct fund_op *op)
{
	struct fund_sums s;
	int rc;

	op->refusal = FUND_OK;
	op->seq = 0;
	if ((rc = fund_store_lock(c, op->unit_id, op->year)) < 0 ||
	    (rc = fund_store_sums(c, op->unit_id, op->year, &s)) < 0)
		return rc;
	op->allocated = s.allocated;
	op->after = s.allocated + op->amount_fen;
	op->balance = s.allocated - s.spent;
	return 0;
}

int fund_op_allocate(struct db_conn *c, struct fund_op *op)
{
	int rc = lock_and_sum(c, op);

	if (rc != 0)
		return rc;
	if (op->after < op->minimum_fen)
		return refuse(op, FUND_BELOW_MINIMUM);
	return append(c, op, "allocation", 0, NULL, 0);
}

int fund_op_correct(struct db_conn *c, struct fund_op *op)
{
	struct entry_copy e = { 0 };
	int rc;

	if ((rc = load_ref(c, op, "allocation", &e)) != 0 || (rc = lock_and_sum(c, op)) != 0)
		return rc;
	if (op->amount_fen < 0 && op->after < op->minimum_fen)
		return refuse(op, FUND_BELOW_MINIMUM);
	if (op->balance + op->amount_fen < 0)
		return refuse(op, FUND_INSUFFICIENT);
	return append(c, op, "correction", 0, NULL, op->ref_seq);
}

int fund_op_refund(struct db_conn *c, struct fund_op *op)
{
	struct entry_copy e = { 0 };
	int64_t refunded;
	int rc;

	if ((rc = load_ref(c, op, "spend", &e)) != 0)
		return rc;
	if ((rc = fund_store_lock(c, op->unit_id, op->year)) < 0 ||
	    (rc = fund_store_refunded(c, op->ref_seq, &refunded)) < 0)
		return rc;
	op->balance = e.amount_fen - refunded; /* what may still come back */
	if (op->amount_fen > op->balance)
		return refuse(op, FUND_REFUND_EXCEEDS);
	return append(c, op, "refund", e.project_id, e.project_title, op->ref_seq);
}

int fund_op_spend_check(struct db_conn *c, struct fund_op *op)
{
	int rc = lock_and_sum(c, op);

	if (rc != 0)
		return rc;
	if (op->amount_fen > op->balance)
		return refuse(op, FUND_INSUFFICIENT);
	return 0;
}

int fund_op_spend_entry(struct db_conn *c, struct fund_op *op, int64_t project_id,
			const char *project_title)
{
	int rc = fund_op_spend_check(c, op);

	return rc ? rc : append(c, op, "spend", project_id, project_title, 0);
}
