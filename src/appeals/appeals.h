/*
 * appeals.h — the appeal closed loop (诉求/微事务): categories and deadlines,
 * submission with group commit, the state machine, the SLA sweeper, the
 * KPIs and hotspots. Its messages and outbox rows go through messages/.
 *
 * An appeal has two places in the tree: unit_path, where the problem is, and
 * handler_path, the unit responsible now. An account sees an appeal when
 * either lies inside its subtree; a resident sees the ones they reported.
 *
 * Every change is one transaction that updates the appeal row, appends an
 * appeal_events row (the timeline), writes the messages and an outbox row for
 * the notifier. Submissions are committed in batches by one writer thread
 * (group commit): the 201 goes out only after the batch's COMMIT returned.
 */
#ifndef SHUNIU_APPEALS_APPEALS_H
#define SHUNIU_APPEALS_APPEALS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/router.h"
#include "messages/messages.h"
#include "org/org.h"
#include "pii/pii.h"

struct db_conn;
struct org_unit_hooks;
struct req;
struct server;

/* ---- categories -------------------------------------------------------- */

enum appeal_level { LEVEL_GRID, LEVEL_COMMUNITY, LEVEL_STREET, LEVEL_DEPARTMENT };

struct category {
	int64_t id;
	char code[48];
	char name[244]; /* 60 characters of up to 4 bytes */
	int level;
	int accept_amount, accept_workdays;
	int handle_amount, handle_workdays;
	int active;
};

/* DB_ROW found, DB_DONE not found, <0 error. */
int category_get(struct db_conn *c, int64_t id, struct category *out);
int category_get_by_code(struct db_conn *c, const char *code, struct category *out);

/* ---- states and actions (appeal_flow.c) -------------------------------- */

enum appeal_status {
	ST_SUBMITTED,
	ST_ACCEPTED,
	ST_REJECTED,
	ST_DISPATCHED,
	ST_HANDLING,
	ST_RESOLVED,
	ST_CLOSED,
	ST_RATED,
	ST_MERGED,
	ST__COUNT
};

const char *appeal_status_name(int st);
int appeal_status_parse(const char *s); /* -1 if unknown */
/* Open311's two states: "open" or "closed". */
const char *appeal_status_open311(int st);

enum appeal_action {
	ACT_ACCEPT,
	ACT_REJECT,
	ACT_DISPATCH,
	ACT_SIGN,
	ACT_RETURN,
	ACT_RESOLVE,
	ACT_ESCALATE,
	ACT_TRANSFER,
	ACT_EXTEND,
	ACT_APPROVE_EXTENSION,
	ACT_VERIFY,
	ACT_RATE,
	ACT_MERGE,
	ACT_LINK,
	ACT_COMMENT,
	ACT__COUNT
};

const char *appeal_action_name(int act);
int appeal_action_parse(const char *s); /* -1 if unknown */
/* May this action be taken in this state at all (before asking who acts)? */
int appeal_action_allowed(int act, int st);

/* ---- submission (appeal_submit.c) -------------------------------------- */

struct appeal_new {
	/* in */
	const struct category *cat;
	const char *title, *description, *channel, *address, *photos, *contact_name;
	int64_t unit_id, handler_unit_id, station_id, reporter_id, created_by;
	const char *unit_path, *handler_path;
	int has_coords;
	double lng, lat;
	const unsigned char *phone_enc;
	size_t phone_enc_len;
	const char *phone_mask, *phone_last4;
	const char *idem_key; /* NULL: none */
	const char *actor_name;
	int64_t created_at, accept_due;
	/* out */
	int rc; /* 0, or a DB_E* */
	int replayed;
	int64_t id;
	char case_no[24];
	char status[16];
};

/* The reporter's phone as stored: sealed, masked and its last 4 digits; norm (the
 * normalised number) is kept for the caller, who wipes it. */
struct appeal_phone {
	char norm[24], mask[24], last4[5];
	unsigned char blob[PII_MAX_BLOB];
};
/* Set a's phone fields (pointing into ph) from phone (NULL: none): 0; 1 when phone is not a
 * mainland mobile or landline number; -1 when it cannot be sealed. */
int appeal_phone_seal(const struct pii_keys *k, const char *phone, struct appeal_phone *ph,
		      struct appeal_new *a);

/*
 * Where: the place from unit_id, else the station's public code, else the
 * point a->lng/lat (has_coords) resolved to the grid whose boundary holds it,
 * else a->address alone (placed at the district, which triages it). Sets
 * a->station_id. 0; 1 for a caller error, with *field and *why; <0 db error.
 */
int appeal_locate(struct db_conn *c, struct appeal_new *a, int64_t unit_id,
		  const char *station_code, struct unit_ref *place, const char **field,
		  const char **why);
/*
 * Who and by when: the first handler is the unit at a->cat's level on the
 * place's path; sets unit and handler ids and paths (pointing into place and
 * *handler), created_at (now, if 0) and accept_due. 0 or <0.
 */
int appeal_route(struct db_conn *c, struct appeal_new *a, const struct unit_ref *place,
		 struct unit_ref *handler);

/*
 * Queue a submission for the group-commit writer and wait until its batch is
 * durable (or failed). Safe from any thread.
 */
void appeal_submit(struct appeal_new *a);

/* Start and stop the writer and the SLA sweeper (serve starts the notifier first). */
int appeals_start(struct server *srv);
void appeals_stop(void);

/* ---- SLA (appeal_sla.c) ------------------------------------------------ */

/* One sweep: flag overdue appeals, raise supervision notices, escalate after the grace. */
int sla_sweep(struct server *srv, struct db_conn *c, int *supervised, int *escalated);

/* ---- shared helpers ---------------------------------------------------- */

/* The text searched by ?q=: title, description, address and case number. */
char *appeal_search_text(const char *title, const char *description, const char *address);
/* "YYYYMMDD" in Shanghai of an epoch time; buf holds 9 bytes. */
void appeal_day_text(int64_t epoch_s, char buf[9]);
/*
 * The units an appeal is seen from: every id on the place's path and on the
 * handler's path, each once (the rows of appeal_scope). Returns the count.
 */
#define APPEAL_SCOPE_MAX 32
int appeal_scope_units(const char *unit_path, const char *handler_path,
		       int64_t ids[APPEAL_SCOPE_MAX]);

/*
 * After units under [lo, hi) moved: rewrite the paths appeals and
 * supervisions carry (old prefix → new prefix) and rebuild the scope rows of
 * the appeals now under [new_lo, new_hi). In the caller's transaction.
 */
int appeals_units_moved(struct db_conn *c, const char *old_path, const char *old_hi,
			const char *new_path);
/* Appeals under units, for org's table (appeal_units_store.c). */
extern const struct org_unit_hooks appeals_unit_hooks;

/* The route tables, registered by serve. */
extern const struct route appeal_routes[];
extern const struct route category_routes[];
extern const struct route appeal_submit_routes[];
extern const struct route appeal_action_routes[];
extern const struct route appeal_stats_routes[];
extern const struct route supervision_routes[];
extern const struct route map_routes[];
extern const struct route appeal_test_routes[];

#endif
