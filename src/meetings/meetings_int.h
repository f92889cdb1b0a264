/*
 * meetings_int.h — what the files of src/meetings/ share beyond meetings.h:
 * the pure rules (meetings_rules.c; tests/unit/test_meetings.c), the
 * store's functions and the rows they pass (meetings_store.c,
 * roster_store.c), the JSON builders (meetings_json.c) and the handlers'
 * shared pieces. Nothing outside src/meetings/ includes it.
 *
 * Rows reach their caller through a callback with a view whose strings point
 * into the statement: valid during the call only. A callback returns 0 to
 * go on, <0 to stop (the store then returns that).
 */
#ifndef SHUNIU_MEETINGS_MEETINGS_INT_H
#define SHUNIU_MEETINGS_MEETINGS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "db/store.h"
#include "meetings/meetings.h"

struct req;

/* ---- the rules (meetings_rules.c, pure) -------------------------------------- */

#define MEETING_TYPES_N 10
#define REP_KINDS_N	8
/* The i-th type or kind code in the documented order; NULL past the end. */
const char *meeting_type_at(int i);
const char *representative_kind_at(int i);
enum meeting_vote { VOTE_FOR, VOTE_AGAINST, VOTE_ABSTAIN };
/* "for", "against", "abstain" → 0, 1, 2; -1 unknown. */
int meeting_vote_parse(const char *s);
const char *meeting_vote_name(int v);
/* Is pct an integer percentage 0..100? */
int meeting_pct_valid(int64_t pct);
/* present * 100 > quorum_pct * invited (0 when the numbers make no sense). */
int meeting_quorate(int64_t invited, int64_t present, int64_t quorum_pct);
struct meeting_tally {
	int64_t invited, present, quorum_pct, pass_pct;
	int64_t votes_for, against, abstain;
};
/* The meeting is quorate and for * 100 > pass_pct * present. */
int proposal_passes(const struct meeting_tally *t);
/* May attendance be recorded at now for a meeting starting at starts_at: from 00:00
 * Shanghai of its day. */
int meeting_may_record_attendance(int64_t starts_at, int64_t now);
/* A meeting's unit: a street, community or grid. */
int meeting_unit_kind_ok(int kind);
/* The roster a meeting at unit_path uses: the community on the path, else the street;
 * 0 for the district or a malformed path. */
int64_t meeting_roster_unit(const char *unit_path);

/* ---- meeting types (roster_store.c) -------------------------------------------- */

struct meeting_type_view {
	const char *type;
	int64_t quorum_pct, pass_pct, updated_at;
};
typedef int (*meeting_type_fn)(void *ctx, const struct meeting_type_view *v);
int mt_store_types(struct db_conn *c, meeting_type_fn fn, void *ctx);
/* DB_ROW (fn called), DB_DONE, <0. */
int mt_store_type(struct db_conn *c, const char *type, meeting_type_fn fn, void *ctx);
int mt_store_type_set(struct db_conn *c, const char *type, int64_t quorum_pct, int64_t pass_pct,
		      int64_t by, int64_t now);

/* ---- representatives (roster_store.c) ------------------------------------------- */

struct rep_view {
	int64_t id, unit_id, account_id, active, created_at, updated_at;
	const char *unit_path, *unit_name, *name, *kind, *organisation, *phone_mask;
};
typedef int (*rep_fn)(void *ctx, const struct rep_view *v);
/* DB_ROW (fn called), DB_DONE, <0. */
int rep_store_get(struct db_conn *c, int64_t id, rep_fn fn, void *ctx);
struct rep_filter {
	const char *lo, *hi; /* a unit_path range, or NULL with unit_id */
	int64_t unit_id;     /* 0: the range */
	const char *kind;    /* NULL: any */
	int64_t active;	     /* -1: any */
	const char *q;	     /* a part of the name, NULL: any */
	int64_t after, limit;
};
int rep_store_list(struct db_conn *c, const struct rep_filter *f, rep_fn fn, void *ctx);
/* Insert; phone_enc/mask NULL when none. 0 and *id, DB_ECONSTRAINT (the account is taken), <0. */
int rep_store_insert(struct db_conn *c, const struct representative_in *in, const char *unit_path,
		     const unsigned char *phone_enc, size_t phone_len, const char *phone_mask,
		     int64_t now, int64_t *id);
/* The editable fields; phone_set: 0 keep, 1 replace with phone_enc/mask (NULL: clear). */
struct rep_edit {
	const char *name, *kind, *organisation;
	int64_t account_id, active;
	int phone_set;
	const unsigned char *phone_enc;
	size_t phone_len;
	const char *phone_mask;
};
int rep_store_update(struct db_conn *c, int64_t id, const struct rep_edit *e, int64_t now);
/* Is another representative of unit_id bound to account_id? *taken 0/1. */
int rep_store_account_taken(struct db_conn *c, int64_t unit_id, int64_t account_id,
			    int64_t except_id, int *taken);
/* Does account id exist? *found 0/1 (the accounts table: auth.h offers no reader). */
int rep_store_account_exists(struct db_conn *c, int64_t id, int *found);

/* ---- meetings (meetings_store.c) ----------------------------------------------------- */

struct meeting_view {
	int64_t id, unit_id, matter_id, starts_at, ends_at, venue_id, booking_id;
	int64_t quorum_pct, pass_pct, project_id, passed, created_by;
	int64_t created_at, held_at, closed_at, cancelled_at, updated_at;
	int64_t invited, present;
	const char *unit_path, *unit_name, *type, *title, *place, *agenda, *state;
	const char *cancel_reason, *resolution, *minutes, *photos;
};
typedef int (*meeting_fn)(void *ctx, const struct meeting_view *v);
/* DB_ROW (fn called), DB_DONE, <0. */
int mt_store_meeting(struct db_conn *c, int64_t id, meeting_fn fn, void *ctx);
/* The same after taking the meeting's row lock (in the caller's transaction). */
int mt_store_meeting_locked(struct db_conn *c, int64_t id, meeting_fn fn, void *ctx);
struct meeting_filter {
	const char *lo, *hi;
	const char *type, *state; /* NULL: any */
	int64_t matter_id;	  /* 0: any */
	int64_t from, to;	  /* starts_at in [from, to); 0: open */
	int64_t before, limit;	  /* ids below before, newest first */
};
int mt_store_meetings(struct db_conn *c, const struct meeting_filter *f, meeting_fn fn, void *ctx);
/* The meetings of a matter, oldest first. */
int mt_store_meetings_of_matter(struct db_conn *c, int64_t matter_id, meeting_fn fn, void *ctx);

int mt_store_insert(struct db_conn *c, const struct meeting_in *in, const char *unit_path,
		    int64_t quorum_pct, int64_t pass_pct, int64_t now, int64_t *id);
/* A roster member as an invitation needs it: DB_ROW, DB_DONE, <0. */
int mt_store_roster_member(struct db_conn *c, int64_t rep_id, int64_t *unit_id, int64_t *active,
			   int64_t *account_id, char *kind, size_t kind_n);
int mt_store_invite(struct db_conn *c, int64_t meeting_id, int64_t rep_id, const char *kind);
/* The invitees' accounts (for notices): fn(ctx, account_id) per invitee with one. */
int mt_store_invitee_accounts(struct db_conn *c, int64_t meeting_id,
			      int (*fn)(void *ctx, int64_t account_id), void *ctx);
/* Is rep an invitee? *present: -1 not invited, 0 absent or not recorded, 1 present. */
int mt_store_invitee(struct db_conn *c, int64_t meeting_id, int64_t rep_id, int *present);
int mt_store_clear_attendance(struct db_conn *c, int64_t meeting_id);
int mt_store_mark_present(struct db_conn *c, int64_t meeting_id, int64_t rep_id, int64_t *changed);
/* The number of votes on the meeting's proposals. */
int mt_store_vote_count(struct db_conn *c, int64_t meeting_id, int64_t *n);
int mt_store_proposal_count(struct db_conn *c, int64_t meeting_id, int64_t *n);
/* Move the meeting from `from` to `to` (held_at, closed_at or cancelled_at set to now, a
 * reason for cancelled); *changed 0 when the state moved first. */
int mt_store_set_state(struct db_conn *c, int64_t id, const char *from, const char *to,
		       const char *reason, int64_t now, int64_t *changed);
struct resolution_row {
	const char *text, *minutes, *photos;
	int64_t project_id, passed;
};
/* Close a held meeting with its resolution; *changed 0 when it was not held. */
int mt_store_close(struct db_conn *c, int64_t id, const struct resolution_row *r, int64_t now,
		   int64_t *changed);

/* ---- proposals, votes, appointees (meetings_store.c) ---------------------------------- */

struct proposal_view {
	int64_t id, meeting_id, proposer_id, adopted, created_at;
	int64_t votes_for, against, abstain;
	const char *title, *text, *proposer_name;
};
typedef int (*proposal_fn)(void *ctx, const struct proposal_view *v);
/* One proposal with its counts: DB_ROW, DB_DONE, <0. */
int mt_store_proposal(struct db_conn *c, int64_t id, proposal_fn fn, void *ctx);
int mt_store_proposals(struct db_conn *c, int64_t meeting_id, proposal_fn fn, void *ctx);
/* The meeting a proposal belongs to: DB_ROW, DB_DONE, <0. */
int mt_store_proposal_meeting(struct db_conn *c, int64_t proposal_id, int64_t *meeting_id);
int mt_store_proposal_insert(struct db_conn *c, int64_t meeting_id, const char *title,
			     const char *text, int64_t proposer_id, int64_t by, int64_t now,
			     int64_t *id);
int mt_store_adopt(struct db_conn *c, int64_t proposal_id);
/* Insert a vote; *changed 0 when the representative has voted on it already. */
int mt_store_vote(struct db_conn *c, int64_t proposal_id, int64_t rep_id, const char *vote,
		  int64_t now, int64_t *changed);
struct vote_view {
	int64_t proposal_id, representative_id;
	const char *vote;
};
int mt_store_votes(struct db_conn *c, int64_t meeting_id,
		   int (*fn)(void *ctx, const struct vote_view *v), void *ctx);
int mt_store_appointee(struct db_conn *c, int64_t meeting_id, const char *name, const char *role,
		       int64_t rep_id);
struct appointee_view {
	int64_t representative_id;
	const char *name, *role;
};
int mt_store_appointees(struct db_conn *c, int64_t meeting_id,
			int (*fn)(void *ctx, const struct appointee_view *v), void *ctx);
struct invitee_view {
	int64_t representative_id, has_account;
	int present; /* -1 not recorded, 0, 1 */
	const char *name, *kind, *organisation, *phone_mask;
};
int mt_store_invitees(struct db_conn *c, int64_t meeting_id,
		      int (*fn)(void *ctx, const struct invitee_view *v), void *ctx);
/* The invitees counted by the kind they had when invited: fn(ctx, kind, n). */
int mt_store_invited_by_kind(struct db_conn *c, int64_t meeting_id,
			     int (*fn)(void *ctx, const char *kind, int64_t n), void *ctx);

/* ---- JSON (meetings_json.c) ------------------------------------------------------------ */

json_t *rep_json(const struct rep_view *v);
json_t *meeting_type_json(const struct meeting_type_view *v);
json_t *meeting_summary_json(const struct meeting_view *v);
/* The whole meeting for staff; NULL on a database error, json null when absent. */
json_t *meeting_full_json(struct db_conn *c, int64_t id);
/* One proposal with its tally, as in the meeting (with meeting_id and its votes). */
json_t *proposal_full_json(struct db_conn *c, int64_t id);
/* The tally of a proposal against its meeting (view of both). */
struct meeting_tally meeting_tally_of(const struct meeting_view *m, const struct proposal_view *p);

/* ---- handlers' pieces ------------------------------------------------------------------ */

/* The meeting's row as the caller may see it (its unit in the caller's subtree): 0 with
 * *m filled (strings copied into the request's arena), or -1 having answered 404/503. */
int meeting_seen_or_reply(struct req *req, struct db_conn *c, int64_t id, struct meeting_view *m);
/* Answer the whole meeting with status (503 when it cannot be read). */
void meeting_reply(struct req *req, struct db_conn *c, int status, int64_t id);
/* Answer a refusal of the store-level writes (MEETING_R_*); field names the array that *bad
 * indexes for MEETING_R_INVITEE. */
void meeting_refusal_reply(struct req *req, int r, const char *field, int bad, const char *state,
			   const char *action);
/* A JSON array of distinct ids (0..max items) into out (req's arena): 0, or -1 answered. */
int meeting_ids_or_reply(struct req *req, json_t *arr, const char *field, int min, int max,
			 int64_t **out, int *n);
/* The installed matter check (NULL: none). */
meeting_matter_check_fn meeting_matter_check(void);
/* Notices to every invitee with an account (message centre, kind "meeting"). */
int meeting_notify(struct db_conn *c, int64_t meeting_id, int64_t unit_id, const char *title,
		   const char *body, int64_t now);

/* Route handlers of the other API files. */
void rep_list(struct req *req);
void rep_get(struct req *req);
void rep_create(struct req *req);
void rep_update(struct req *req);
void meeting_types_list(struct req *req);
void meeting_type_put(struct req *req);
void meeting_attendance(struct req *req);
void meeting_proposal_add(struct req *req);
void meeting_vote(struct req *req);
void meeting_resolution(struct req *req);

#endif
