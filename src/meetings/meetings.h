/*
 * meetings.h — deliberation meetings (一事一议, 听证会, 协调会, 议事会,
 * 家园议事会, 大党委联席会议 and the four meetings of 四议两公开): what
 * other modules may call.
 *
 * A community (or a street) keeps a roster of representatives (楼组长,
 * Party-member, resident, owner, women's representatives, volunteers,
 * organisations, committee members). A meeting of a type belongs to a unit
 * (street, community or grid) and invites active representatives of that
 * unit's roster (the community it lies in; a street meeting: the street's);
 * invitees with an account get a notice in the message centre. Its state:
 *
 *   scheduled → held (attendance recorded; proposals and votes open)
 *             → closed (the resolution recorded)
 *   scheduled | held → cancelled (a reason; the venue booking is freed)
 *
 * Each meeting keeps the quorum_pct and pass_pct its type had when it was
 * created (the district's settings, GET/PUT /api/v1/meeting-types):
 * quorate when present * 100 > quorum_pct * invited; a proposal passes when
 * the meeting is quorate and for * 100 > pass_pct * present
 * (meetings_rules.c). One vote per representative per proposal is a unique
 * index. A resolution closes the meeting: its text, the passed proposals it
 * adopts, the people appointed to carry it out, minutes, photos and
 * optionally a project created through projects.h.
 *
 * Files: meetings_api.c (meetings: create, cancel, read, list),
 * meeting_actions_api.c (attendance, proposals, votes, resolution),
 * roster_api.c (representatives, meeting-type settings), meetings_write.c
 * (the writes below, shared by the API and the demos), meetings_json.c (the
 * staff and public answers), meetings_rules.c (pure: codes, the arithmetic;
 * tests/unit/test_meetings.c), meetings_store.c (all the SQL).
 */
#ifndef SHUNIU_MEETINGS_MEETINGS_H
#define SHUNIU_MEETINGS_MEETINGS_H

#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;
struct org_unit_hooks;

/* ---- the cross-module functions (issue 14's rules file) ------------------ */

struct meeting_brief {
	int64_t id, unit_id, matter_id /* 0 when none */, project_id /* 0 when none */;
	char type[24];	/* a meeting type code */
	char state[12]; /* scheduled | held | closed | cancelled */
	int invited, present, quorate,
		passed;		      /* passed: the resolution adopted ≥ 1 passed proposal */
	int64_t starts_at, closed_at; /* epoch s; closed_at 0 unless closed */
};
/* DB_ROW (found), DB_DONE (not found), <0 (error). */
int meeting_brief_get(struct db_conn *c, int64_t id, struct meeting_brief *out);

/*
 * The meetings carrying matter_id, oldest first, for the public thread: each
 * {"id","type","title","starts_at","place","state","invited":{"<kind>":n,…},
 * "present","quorate","proposals":[{"title","for","against","abstain","passed",
 * "adopted"}],"resolution":{"text","appointees":[{"role"}],"photos":[attachment
 * ids]}|null} — never a representative's or proposer's name or phone. A new
 * reference, or NULL on a database error.
 */
json_t *meetings_public_of_matter(struct db_conn *c, int64_t matter_id);

/*
 * meetings cannot include matters.h: cmd installs this check, which answers
 * DB_ROW when the matter exists, belongs to unit_id and is not closed,
 * DB_DONE otherwise, <0 on error. Without a check installed a meeting with a
 * matter_id is refused by POST /api/v1/meetings (400 request.invalid field
 * matter_id). meeting_create() below does not call it: its caller checked.
 */
typedef int (*meeting_matter_check_fn)(struct db_conn *c, int64_t matter_id, int64_t unit_id);
void meetings_set_matter_check(meeting_matter_check_fn fn);

/* ---- codes ----------------------------------------------------------------- */

/* Is s a meeting type code (yishi_yiyi, hearing, coordination, council, homeland_council,
 * joint_committee, party_org, two_committees, party_members, residents)? */
int meeting_type_valid(const char *s);
/* Is s a representative kind (building_leader, party_member, resident, owner, women,
 * volunteer, organisation, committee_member)? */
int representative_kind_valid(const char *s);

/* ---- writes without a request (the API and the demos share them) ------------
 *
 * Each runs inside the caller's transaction (the demo's one open transaction,
 * or a db_tx_run callback) and writes no audit row: the caller audits. Each
 * answers 0 (done, *id set where there is one), a positive MEETING_R_*
 * refusal (nothing written that the caller must keep: roll back or go on), or
 * <0 a database error (DB_EMISUSE for an argument that is plainly wrong: an
 * unknown type, kind or vote, a NULL title).
 */
enum meeting_refusal {
	MEETING_R_STATE = 20,	 /* the meeting is not in a state that allows it */
	MEETING_R_NOT_FOUND,	 /* no such meeting, proposal or representative */
	MEETING_R_INVITEE,	 /* a representative is not an active member of the roster, or
				    (attendance, proposer, appointee) not an invitee */
	MEETING_R_NOT_PRESENT,	 /* a vote from a representative not invited or not present */
	MEETING_R_ALREADY_VOTED, /* a second vote (the unique index) */
	MEETING_R_NOT_PASSED,	 /* adopting a proposal that did not pass */
	MEETING_R_NOT_OWN,	 /* adopting a proposal of another meeting */
	MEETING_R_NO_ADOPTED,	 /* a project without an adopted proposal */
	MEETING_R_VOTES_CAST,	 /* attendance changed after a vote */
	MEETING_R_TOO_MANY,	 /* more than MEETING_PROPOSALS_MAX proposals */
	MEETING_R_UNIT,		 /* the unit is not a street, community or grid (roster: not a
				    community or street) */
	MEETING_R_ACCOUNT_TAKEN, /* the account is a representative of this roster already */
};
#define MEETING_INVITEES_MAX   500
#define MEETING_PROPOSALS_MAX  50
#define MEETING_APPOINTEES_MAX 20
#define MEETING_PHOTOS_MAX     9

struct representative_in {
	int64_t unit_id;	  /* a community or a street */
	const char *name, *kind;  /* kind: a representative kind */
	const char *organisation; /* NULL: "" */
	const char *phone;	  /* normalised mobile number, or NULL: none (see below) */
	int64_t account_id;	  /* 0: none */
	int active;		  /* 1 or 0 */
};
/*
 * Add a representative to unit_id's roster. A phone is sealed with the
 * personal-data keys k (pii.h); k NULL with a phone is DB_EMISUSE (the
 * demo adds representatives without phones). 0 and *id; MEETING_R_UNIT;
 * MEETING_R_ACCOUNT_TAKEN; <0.
 */
struct pii_keys;
int representative_add(struct db_conn *c, const struct pii_keys *k,
		       const struct representative_in *in, int64_t now, int64_t *id);

struct meeting_in {
	int64_t unit_id;	 /* a street, community or grid */
	const char *type;	 /* a meeting type code */
	int64_t matter_id;	 /* 0: none (the caller checked the matter) */
	const char *title;	 /* 1–100 characters */
	int64_t starts_at;	 /* epoch s */
	int64_t ends_at;	 /* 0: not given */
	const char *place;	 /* where (a venue's name when booked) */
	int64_t venue_id;	 /* 0: none */
	int64_t booking_id;	 /* 0: none (the caller booked it in this transaction) */
	const char *agenda;	 /* NULL: "" */
	const int64_t *invitees; /* representative ids, distinct, 1..MEETING_INVITEES_MAX */
	int n_invitees;
	int64_t created_by; /* account id or 0 */
};
/*
 * Schedule a meeting with the type's current settings, its invitations and
 * the notices to invitees with an account. 0 and *id; MEETING_R_UNIT;
 * MEETING_R_INVITEE (*bad, when not NULL, the index of the first bad
 * invitee); <0.
 */
int meeting_create(struct db_conn *c, const struct meeting_in *in, int64_t now, int64_t *id,
		   int *bad);
/*
 * Record attendance: present lists invitees (the rest are absent); a
 * scheduled meeting becomes held; a held one without votes takes the new
 * list. 0; MEETING_R_NOT_FOUND; MEETING_R_STATE; MEETING_R_VOTES_CAST;
 * MEETING_R_INVITEE (*bad the index); <0. The caller checked the day.
 */
int meeting_attend(struct db_conn *c, int64_t meeting_id, const int64_t *present, int n,
		   int64_t now, int *bad);
/* A proposal in a held meeting (proposer_id 0: none, else an invitee). 0 and *id;
 * MEETING_R_NOT_FOUND; MEETING_R_STATE; MEETING_R_TOO_MANY; MEETING_R_INVITEE; <0. */
int proposal_add(struct db_conn *c, int64_t meeting_id, const char *title, const char *text,
		 int64_t proposer_id, int64_t by, int64_t now, int64_t *id);
/* A vote ("for", "against", "abstain") on a proposal of a held meeting by a present invitee.
 * 0; MEETING_R_NOT_FOUND; MEETING_R_STATE; MEETING_R_NOT_PRESENT; MEETING_R_ALREADY_VOTED;
 * <0. (On PostgreSQL the unique index's refusal aborts the caller's transaction: a caller
 * that goes on after MEETING_R_ALREADY_VOTED must not; the API rolls back.) */
int vote_cast(struct db_conn *c, int64_t proposal_id, int64_t representative_id, const char *vote,
	      int64_t now);

struct meeting_appointee_in {
	const char *name, *role;   /* 1–50 characters each */
	int64_t representative_id; /* 0: none, else an invitee */
};
struct meeting_project_in {
	const char *title, *type, *goal; /* type: a project type (projects.h) */
	int64_t budget_fen;
	int year; /* 0: the Shanghai year of now */
};
struct meeting_resolution_in {
	const char *text;	/* 1–5000 characters */
	const char *minutes;	/* NULL: "" */
	const int64_t *adopted; /* proposal ids of this meeting that passed */
	int n_adopted;
	const struct meeting_appointee_in *appointees;
	int n_appointees;
	const char *photos_json; /* a JSON array of attachment ids (checked), NULL: [] */
	const struct meeting_project_in *project; /* NULL: none */
	int64_t by;				  /* account id or 0 */
};
/*
 * Close a held meeting with its resolution; with a project, create it
 * (proposed) for the meeting's unit. 0 and *project_id (0 when none);
 * MEETING_R_NOT_FOUND; MEETING_R_STATE; MEETING_R_NOT_OWN or MEETING_R_NOT_PASSED
 * (*bad the index into adopted); MEETING_R_INVITEE (*bad the appointee);
 * MEETING_R_NO_ADOPTED; <0.
 */
int meeting_resolve(struct db_conn *c, int64_t meeting_id, const struct meeting_resolution_in *in,
		    int64_t now, int64_t *project_id, int *bad);

/* Cancel a scheduled or held meeting with a reason: its venue booking is released and the
 * invitees with an account notified. 0; MEETING_R_NOT_FOUND; MEETING_R_STATE; <0. */
int meeting_cancel(struct db_conn *c, int64_t id, const char *reason, int64_t now);

extern const struct route meeting_routes[];

/* Representatives and meetings under units, for org (listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks meetings_unit_hooks;

#endif
