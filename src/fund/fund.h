/*
 * fund.h — the community service fund (为民服务专项经费): what other modules
 * may call.
 *
 * Every community receives a yearly allocation (the district or its street
 * allocates, never leaving it below fund_min_per_community) and spends it only
 * on approved projects of its own, never beyond its balance; spends above
 * fund_approval_threshold_fen wait for the street's approval. Money moves only
 * by appending to one ledger, fund_entries: allocation, spend, refund and
 * correction entries, each a keyed MAC (core/chain.h, chain "fund") over its
 * fields and the MAC of the entry before it. No code path updates or deletes
 * an entry: a refund or a correction is a new entry naming the one it
 * concerns. chain_heads' 'fund' row holds the newest entry; its row lock
 * serialises appends; after each committed write the head is appended to
 * DIR/fund.anchors (core/chain.h), outside the database. `shuniu verify
 * ledger` recomputes the chain and names the first entry that does not
 * verify, or the first one missing from the end.
 *
 * A community's balance for a year = allocations + corrections − spends +
 * refunds of that community and year. Every write that can lower it first
 * takes the row lock of the community-year's fund_balance_locks row, so fifty
 * racing spends cannot overdraw it.
 *
 * Files: fund_api.c (allocations, corrections, coverage, ledger, export),
 * spends_api.c (spends, refunds, approvals), fund_store.c (the ledger, its
 * chain and the sums), spends_store.c (spend requests), fund_xlsx.c (the Excel
 * export), fund_int.h (what they share).
 */
#ifndef SHUNIU_FUND_FUND_H
#define SHUNIU_FUND_FUND_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/crypto.h"
#include "http/router.h"

struct db_conn;
struct unit_ref;
struct org_unit_hooks;

/* The fund chain's key, derived from the secret key; appends fail (-1) without it. */
void fund_set_key(const unsigned char secret[SECRET_KEY_BYTES]);
void fund_clear_key(void);

/*
 * The community's fund for year, for the public page: {"year", "allocated_fen",
 * "spent_fen", "balance_fen", "entries": [{"seq", "at", "kind", "amount_fen",
 * "project": {"id", "title"} | null, "note"}]}, entries oldest first. No actor
 * is named. allocated = allocations + corrections, spent = spends − refunds.
 * NULL on a database error.
 */
json_t *fund_public(struct db_conn *c, const struct unit_ref *community, int year);
/* What the fund has spent on a project (spends − refunds, every year), into *fen. 0 or <0. */
int fund_project_spent(struct db_conn *c, int64_t project_id, int64_t *fen);
/*
 * A project's ledger entries for a public page (a matter's thread): {"spent_fen", "entries":
 * [as fund_public's entries]}, every year, oldest first; no actor is named. NULL on a database
 * error.
 */
json_t *fund_project_entries(struct db_conn *c, int64_t project_id);

/* What `shuniu verify ledger` found; the value is its exit status. */
enum fund_verdict {
	FUND_INTACT = 0,
	FUND_REWRITTEN = 3, /* an entry's MAC does not match its content (the entry is named) */
	FUND_DELETED = 4,   /* sequence numbers are missing inside the chain */
	FUND_TRUNCATED = 5, /* the newest anchor or chain_heads names entries the ledger lacks */
	FUND_ANCHORS = 6,   /* DIR/fund.anchors is missing (once started), edited or forged */
};
const char *fund_verdict_name(int verdict);
/* DIR/fund.anchors into out. 0 or -1 (too long). */
int fund_anchors_path(const char *data_dir, char *out, size_t outlen);
/*
 * Append the ledger's head to the anchor file unless its newest line names
 * it already (0 written, 1 unchanged, -1 and msg). The file is started only
 * while chain_heads says it never was (then the flag is set); a file missing
 * after that is never started again. The handlers call it after every
 * committed write.
 */
int fund_anchor(struct db_conn *c, const char *anchors, char *msg, size_t msglen);
/*
 * Check the anchor file, then recompute the ledger's chain from its first
 * entry. Returns a fund_verdict (msg names the entry: "entry 7 ..."; *bad_seq
 * the first bad one, 0 if none), or <0 on a database error or without the
 * key. *checked counts the entries that verified.
 */
int fund_verify(struct db_conn *c, const char *anchors, int64_t *checked, int64_t *bad_seq,
		char *msg, size_t msglen);

/* The demo's writes (src/cmd/demo_fund.c), inside the demo's transaction, with valid MACs. */
int fund_demo_allocate(struct db_conn *c, int64_t community_id, int year, int64_t amount_fen,
		       const char *note, int64_t now);
/* A spend on project_id requested by one account and approved by another (ids 0: none). */
int fund_demo_spend(struct db_conn *c, int64_t project_id, int64_t amount_fen, const char *note,
		    int64_t requester_id, const char *requester_name, int64_t approver_id,
		    const char *approver_name, int64_t now);

extern const struct route fund_routes[];
extern const struct route fund_spend_routes[];

/* Fund rows under units, for org (org.h; listed in src/cmd/cmd_units.c): use counts only. */
extern const struct org_unit_hooks fund_unit_hooks;

#endif
