/*
 * fund_demo.c — the demo's writes to the fund (src/cmd/demo_fund.c calls
 * them inside the demo's one transaction): the same rules and the same
 * chained appends as the API, so `shuniu verify ledger` passes on a demo.
 */
#include "fund/fund.h"
#include "fund/fund_int.h"

#include "db/store.h"
#include "org/org.h"
#include "projects/projects.h"

int fund_demo_allocate(struct db_conn *c, int64_t community_id, int year, int64_t amount_fen,
		       const char *note, int64_t now)
{
	struct fund_op op = { .unit_id = community_id,
			      .year = year,
			      .amount_fen = amount_fen,
			      .note = note,
			      .actor = { 0, "区级拨付（演示）" },
			      .now = now };

	return fund_op_allocate(c, &op);
}

int fund_demo_spend(struct db_conn *c, int64_t project_id, int64_t amount_fen, const char *note,
		    int64_t requester_id, const char *requester_name, int64_t approver_id,
		    const char *approver_name, int64_t now)
{
	struct fund_op op = { .amount_fen = amount_fen,
			      .note = note,
			      .actor = { approver_id, approver_name },
			      .now = now };
	struct project p;
	int64_t id;
	int rc = project_lock(c, project_id, &p);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	if (p.state != PROJECT_APPROVED && p.state != PROJECT_IN_PROGRESS)
		return DB_EABORT;
	op.unit_id = org_path_ancestor(p.unit_path, 2, NULL, 0);
	op.year = (int)p.year;
	if (!org_path_id(p.unit_path, 2))
		return DB_EABORT;
	if ((rc = fund_op_spend_entry(c, &op, p.id, p.title)) != 0)
		return rc;
	struct fund_spend_in in = { .unit_id = op.unit_id,
				    .project_id = p.id,
				    .amount_fen = amount_fen,
				    .year = op.year,
				    .project_title = p.title,
				    .note = note,
				    .state = "pending",
				    .requested_by = requester_id,
				    .requested_name = requester_name,
				    .now = now };
	int64_t changed = 0;
	rc = spends_store_insert(c, &in, &id);
	if (rc == 0)
		rc = spends_store_decide(c, id, "approved", NULL, approver_id, approver_name,
					 op.seq, now, &changed);
	return rc == 0 && !changed ? DB_EMISUSE : rc;
}
