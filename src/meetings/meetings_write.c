/*
 * meetings_write.c — the writes of meetings that need no request: the
 * roster's insert, scheduling, attendance, proposals, votes, the resolution
 * and cancelling. The API's transactions and the demos (demo_meetings.c,
 * demo_matters.c) call the same functions, so a demo's meeting went through
 * every rule a staff member's did.
 *
 * Each runs in the caller's transaction and starts by taking the meeting's
 * row lock and reading its state, so two writers of one meeting run one
 * after the other on both databases (SQLite's BEGIN IMMEDIATE serialises
 * every writer anyway); the state change itself is still a guarded UPDATE.
 * Refusals are positive MEETING_R_* values (meetings.h); the caller audits.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "messages/messages.h"
#include "org/org.h"
#include "pii/pii.h"
#include "projects/projects.h"
#include "venues/venues.h"

#include <stdio.h>
#include <string.h>

/* ---- the matter check (installed by cmd) --------------------------------------- */

static meeting_matter_check_fn matter_check;

void meetings_set_matter_check(meeting_matter_check_fn fn)
{
	matter_check = fn;
}

meeting_matter_check_fn meeting_matter_check(void)
{
	return matter_check;
}

/* ---- the brief --------------------------------------------------------------------- */

static int brief_row(void *ctx, const struct meeting_view *v)
{
	struct meeting_brief *b = ctx;

	memset(b, 0, sizeof *b);
	b->id = v->id;
	b->unit_id = v->unit_id;
	b->matter_id = v->matter_id;
	b->project_id = v->project_id;
	snprintf(b->type, sizeof b->type, "%s", v->type ? v->type : "");
	snprintf(b->state, sizeof b->state, "%s", v->state ? v->state : "");
	b->invited = (int)v->invited;
	b->present = (int)v->present;
	b->quorate = meeting_quorate(v->invited, v->present, v->quorum_pct);
	b->passed = v->passed ? 1 : 0;
	b->starts_at = v->starts_at;
	b->closed_at = v->closed_at;
	return 0;
}

int meeting_brief_get(struct db_conn *c, int64_t id, struct meeting_brief *out)
{
	return mt_store_meeting(c, id, brief_row, out);
}

/* ---- the roster ----------------------------------------------------------------------- */

int representative_add(struct db_conn *c, const struct pii_keys *k,
		       const struct representative_in *in, int64_t now, int64_t *id)
{
	struct unit_ref u;
	unsigned char blob[PII_MAX_BLOB];
	char mask[24];
	int len = 0, taken = 0, rc;

	if (!in->name || !representative_kind_valid(in->kind) || (in->phone && !k))
		return DB_EMISUSE;
	rc = unit_get(c, in->unit_id, &u);
	if (rc != DB_ROW)
		return rc < 0 ? rc : MEETING_R_UNIT;
	if (u.kind != UNIT_COMMUNITY && u.kind != UNIT_STREET)
		return MEETING_R_UNIT;
	if (in->account_id) {
		rc = rep_store_account_taken(c, in->unit_id, in->account_id, 0, &taken);
		if (rc < 0)
			return rc;
		if (taken)
			return MEETING_R_ACCOUNT_TAKEN;
	}
	if (in->phone) {
		len = pii_encrypt(k, PII_PHONE, in->phone, blob);
		if (len < 0)
			return DB_EMISUSE;
		pii_mask(PII_PHONE, in->phone, mask);
	}
	return rep_store_insert(c, in, u.path, in->phone ? blob : NULL, (size_t)len,
				in->phone ? mask : NULL, now, id);
}

/* ---- notices ---------------------------------------------------------------------------- */

struct notice {
	struct db_conn *c;
	int64_t unit_id, now;
	const char *title, *body;
};

static int notice_one(void *ctx, int64_t account_id)
{
	struct notice *n = ctx;

	return message_add(n->c, account_id, n->unit_id, 0, "meeting", n->title, n->body, n->now);
}

int meeting_notify(struct db_conn *c, int64_t meeting_id, int64_t unit_id, const char *title,
		   const char *body, int64_t now)
{
	struct notice n = { c, unit_id, now, title, body };

	return mt_store_invitee_accounts(c, meeting_id, notice_one, &n);
}

/* "2026-11-26 14:00" in Shanghai. */
static void when_text(int64_t t, char out[32])
{
	char iso[40];

	clock_format_shanghai(t, iso);
	snprintf(out, 32, "%.10s %.5s", iso, iso + 11);
}

/* ---- scheduling ----------------------------------------------------------------------- */

static int copy_type(void *ctx, const struct meeting_type_view *v)
{
	int64_t *pct = ctx;

	pct[0] = v->quorum_pct;
	pct[1] = v->pass_pct;
	return 0;
}

/* Invite in->invitees (active members of roster): 0, MEETING_R_INVITEE (*bad), <0. */
static int invite_all(struct db_conn *c, int64_t id, int64_t roster, const struct meeting_in *in,
		      int *bad)
{
	for (int i = 0; i < in->n_invitees; i++) {
		int64_t unit_id = 0, active = 0, account = 0;
		char kind[24];
		int rc = mt_store_roster_member(c, in->invitees[i], &unit_id, &active, &account,
						kind, sizeof kind);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW || unit_id != roster || !active) {
			if (bad)
				*bad = i;
			return MEETING_R_INVITEE;
		}
		rc = mt_store_invite(c, id, in->invitees[i], kind);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int meeting_create(struct db_conn *c, const struct meeting_in *in, int64_t now, int64_t *id,
		   int *bad)
{
	struct unit_ref u;
	int64_t pct[2], roster;
	char when[32], body[600];
	int rc;

	if (!meeting_type_valid(in->type) || !in->title || in->n_invitees < 1 ||
	    in->n_invitees > MEETING_INVITEES_MAX)
		return DB_EMISUSE;
	rc = unit_get(c, in->unit_id, &u);
	if (rc != DB_ROW)
		return rc < 0 ? rc : MEETING_R_UNIT;
	roster = meeting_roster_unit(u.path);
	if (!meeting_unit_kind_ok(u.kind) || !roster)
		return MEETING_R_UNIT;
	rc = mt_store_type(c, in->type, copy_type, pct);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	rc = mt_store_insert(c, in, u.path, pct[0], pct[1], now, id);
	if (rc == 0)
		rc = invite_all(c, *id, roster, in, bad);
	if (rc != 0)
		return rc;
	when_text(in->starts_at, when);
	snprintf(body, sizeof body, "时间：%s；地点：%s", when, in->place ? in->place : "");
	return meeting_notify(c, *id, in->unit_id, in->title, body, now);
}

/* ---- the state read under the row lock ---------------------------------------------- */

struct locked {
	int64_t unit_id, booking_id, invited, present, quorum_pct, pass_pct;
	char state[12];
	char title[404];
};

static int locked_row(void *ctx, const struct meeting_view *v)
{
	struct locked *l = ctx;

	l->unit_id = v->unit_id;
	l->booking_id = v->booking_id;
	l->invited = v->invited;
	l->present = v->present;
	l->quorum_pct = v->quorum_pct;
	l->pass_pct = v->pass_pct;
	snprintf(l->state, sizeof l->state, "%s", v->state ? v->state : "");
	snprintf(l->title, sizeof l->title, "%s", v->title ? v->title : "");
	return 0;
}

/* Lock and read: 0, MEETING_R_NOT_FOUND, <0. */
static int lock_meeting(struct db_conn *c, int64_t id, struct locked *l)
{
	int rc = mt_store_meeting_locked(c, id, locked_row, l);

	return rc == DB_ROW ? 0 : rc < 0 ? rc : MEETING_R_NOT_FOUND;
}

/* ---- attendance, proposals, votes ------------------------------------------------------ */

int meeting_attend(struct db_conn *c, int64_t meeting_id, const int64_t *present, int n,
		   int64_t now, int *bad)
{
	struct locked l;
	int64_t votes = 0, changed = 0;
	int rc = lock_meeting(c, meeting_id, &l);

	if (rc != 0)
		return rc;
	if (strcmp(l.state, "scheduled") && strcmp(l.state, "held"))
		return MEETING_R_STATE;
	if (!strcmp(l.state, "held")) {
		rc = mt_store_vote_count(c, meeting_id, &votes);
		if (rc < 0)
			return rc;
		if (votes)
			return MEETING_R_VOTES_CAST;
	}
	rc = mt_store_clear_attendance(c, meeting_id);
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = mt_store_mark_present(c, meeting_id, present[i], &changed);
		if (rc == 0 && changed != 1) {
			if (bad)
				*bad = i;
			return MEETING_R_INVITEE;
		}
	}
	if (rc == 0)
		rc = mt_store_set_state(c, meeting_id, l.state, "held", NULL, now, &changed);
	return rc < 0 ? rc : changed == 1 ? 0 : MEETING_R_STATE;
}

/* Is rep an invitee of the meeting: 0 yes, MEETING_R_INVITEE, <0. */
static int invitee_check(struct db_conn *c, int64_t meeting_id, int64_t rep_id)
{
	int present = -1, rc = mt_store_invitee(c, meeting_id, rep_id, &present);

	return rc < 0 ? rc : present < 0 ? MEETING_R_INVITEE : 0;
}

int proposal_add(struct db_conn *c, int64_t meeting_id, const char *title, const char *text,
		 int64_t proposer_id, int64_t by, int64_t now, int64_t *id)
{
	struct locked l;
	int64_t n = 0;
	int rc = title ? lock_meeting(c, meeting_id, &l) : DB_EMISUSE;

	if (rc != 0)
		return rc;
	if (strcmp(l.state, "held"))
		return MEETING_R_STATE;
	rc = mt_store_proposal_count(c, meeting_id, &n);
	if (rc < 0)
		return rc;
	if (n >= MEETING_PROPOSALS_MAX)
		return MEETING_R_TOO_MANY;
	if (proposer_id && (rc = invitee_check(c, meeting_id, proposer_id)) != 0)
		return rc;
	return mt_store_proposal_insert(c, meeting_id, title, text, proposer_id, by, now, id);
}

static int copy_proposal(void *ctx, const struct proposal_view *v)
{
	struct proposal_view *p = ctx;

	*p = *v;
	p->title = p->text = p->proposer_name = NULL; /* the strings die with the row */
	return 0;
}

int vote_cast(struct db_conn *c, int64_t proposal_id, int64_t representative_id, const char *vote,
	      int64_t now)
{
	struct proposal_view p;
	struct locked l;
	int64_t changed = 0;
	int present = -1, rc;

	if (meeting_vote_parse(vote) < 0)
		return DB_EMISUSE;
	rc = mt_store_proposal(c, proposal_id, copy_proposal, &p);
	if (rc != DB_ROW)
		return rc < 0 ? rc : MEETING_R_NOT_FOUND;
	rc = lock_meeting(c, p.meeting_id, &l);
	if (rc != 0)
		return rc;
	if (strcmp(l.state, "held"))
		return MEETING_R_STATE;
	rc = mt_store_invitee(c, p.meeting_id, representative_id, &present);
	if (rc < 0)
		return rc;
	if (present != 1)
		return MEETING_R_NOT_PRESENT;
	rc = mt_store_vote(c, proposal_id, representative_id, vote, now, &changed);
	return rc < 0 ? rc : changed == 1 ? 0 : MEETING_R_ALREADY_VOTED;
}

/* ---- the resolution ------------------------------------------------------------------------ */

/* Check that each adopted proposal is the meeting's and passed, then mark it adopted. */
static int adopt_all(struct db_conn *c, int64_t meeting_id, const struct locked *l,
		     const struct meeting_resolution_in *in, int *bad)
{
	for (int i = 0; i < in->n_adopted; i++) {
		struct proposal_view p;
		int rc = mt_store_proposal(c, in->adopted[i], copy_proposal, &p);
		if (rc < 0)
			return rc;
		if (bad)
			*bad = i;
		if (rc != DB_ROW || p.meeting_id != meeting_id)
			return MEETING_R_NOT_OWN;
		const struct meeting_tally t = {
			.invited = l->invited,
			.present = l->present,
			.quorum_pct = l->quorum_pct,
			.pass_pct = l->pass_pct,
			.votes_for = p.votes_for,
			.against = p.against,
			.abstain = p.abstain,
		};
		if (!proposal_passes(&t))
			return MEETING_R_NOT_PASSED;
		rc = mt_store_adopt(c, p.id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int appoint_all(struct db_conn *c, int64_t meeting_id,
		       const struct meeting_resolution_in *in, int *bad)
{
	for (int i = 0; i < in->n_appointees; i++) {
		const struct meeting_appointee_in *a = &in->appointees[i];
		int rc = 0;
		if (!a->name || !a->role)
			return DB_EMISUSE;
		if (a->representative_id)
			rc = invitee_check(c, meeting_id, a->representative_id);
		if (rc > 0 && bad)
			*bad = i;
		if (rc == 0)
			rc = mt_store_appointee(c, meeting_id, a->name, a->role,
						a->representative_id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int meeting_resolve(struct db_conn *c, int64_t meeting_id, const struct meeting_resolution_in *in,
		    int64_t now, int64_t *project_id, int *bad)
{
	struct locked l;
	int64_t changed = 0;
	int rc = in->text ? lock_meeting(c, meeting_id, &l) : DB_EMISUSE;

	*project_id = 0;
	if (rc != 0)
		return rc;
	if (strcmp(l.state, "held"))
		return MEETING_R_STATE;
	if (in->project && in->n_adopted < 1)
		return MEETING_R_NO_ADOPTED;
	rc = adopt_all(c, meeting_id, &l, in, bad);
	if (rc == 0)
		rc = appoint_all(c, meeting_id, in, bad);
	if (rc == 0 && in->project) {
		const struct project_in pin = {
			.unit_id = l.unit_id,
			.year = in->project->year ? in->project->year : cal_year_of(now),
			.type = in->project->type,
			.title = in->project->title,
			.goal = in->project->goal,
			.budget_fen = in->project->budget_fen,
			.state = PROJECT_PROPOSED,
			.created_by = in->by,
		};
		rc = project_create(c, &pin, project_id);
	}
	if (rc != 0)
		return rc;
	const struct resolution_row r = {
		.text = in->text,
		.minutes = in->minutes,
		.photos = in->photos_json,
		.project_id = *project_id,
		.passed = in->n_adopted > 0,
	};
	rc = mt_store_close(c, meeting_id, &r, now, &changed);
	return rc < 0 ? rc : changed == 1 ? 0 : MEETING_R_STATE;
}

/* ---- cancelling ------------------------------------------------------------------------------ */

int meeting_cancel(struct db_conn *c, int64_t id, const char *reason, int64_t now)
{
	struct locked l;
	int64_t changed = 0;
	char title[480];
	int rc = lock_meeting(c, id, &l);

	if (rc != 0)
		return rc;
	if (strcmp(l.state, "scheduled") && strcmp(l.state, "held"))
		return MEETING_R_STATE;
	rc = mt_store_set_state(c, id, l.state, "cancelled", reason, now, &changed);
	if (rc < 0)
		return rc;
	if (changed != 1)
		return MEETING_R_STATE;
	if (l.booking_id && (rc = booking_release(c, l.booking_id, reason, now)) < 0)
		return rc;
	snprintf(title, sizeof title, "会议取消：%s", l.title);
	return meeting_notify(c, id, l.unit_id, title, reason, now);
}
