/*
 * meetings_store.c — every SQL statement about meetings, their invitations,
 * proposals, votes and appointees.
 *
 * One function per statement, bound parameters only; writes run inside the
 * caller's transaction. A change of state is one guarded UPDATE (`… WHERE
 * id = ? AND state = ?`) that says how many rows it moved, so a change that
 * raced another is seen and refused. A vote is `INSERT … ON CONFLICT DO
 * NOTHING` on the primary key (proposal, representative): the second vote
 * changes no row on either database and leaves the transaction usable.
 * The counts (invited, present, a proposal's for/against/abstain) are read
 * from the rows each time, never stored.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "db/store.h"

#include <stdio.h>
#include <string.h>

/* ---- a meeting ---------------------------------------------------------------- */

#define MEETING_SELECT                                                                             \
	"SELECT m.id, m.unit_id, m.matter_id, m.starts_at, m.ends_at, m.venue_id, m.booking_id, "  \
	"m.quorum_pct, m.pass_pct, m.project_id, m.passed, m.created_by, m.created_at, "           \
	"m.held_at, m.closed_at, m.cancelled_at, m.updated_at, "                                   \
	"(SELECT COUNT(*) FROM meeting_invitees i WHERE i.meeting_id = m.id), "                    \
	"(SELECT COUNT(*) FROM meeting_invitees i WHERE i.meeting_id = m.id AND i.present = 1), "  \
	"m.unit_path, u.name, m.type, m.title, m.place, m.agenda, m.state, m.cancel_reason, "      \
	"m.resolution, m.minutes, m.photos FROM meetings m JOIN units u ON u.id = m.unit_id "

static void meeting_from_row(struct db_stmt *st, struct meeting_view *v)
{
	*v = (struct meeting_view){
		.id = db_col_int64(st, 0),
		.unit_id = db_col_int64(st, 1),
		.matter_id = db_col_int64(st, 2),
		.starts_at = db_col_int64(st, 3),
		.ends_at = db_col_int64(st, 4),
		.venue_id = db_col_int64(st, 5),
		.booking_id = db_col_int64(st, 6),
		.quorum_pct = db_col_int64(st, 7),
		.pass_pct = db_col_int64(st, 8),
		.project_id = db_col_int64(st, 9),
		.passed = db_col_int64(st, 10),
		.created_by = db_col_int64(st, 11),
		.created_at = db_col_int64(st, 12),
		.held_at = db_col_int64(st, 13),
		.closed_at = db_col_int64(st, 14),
		.cancelled_at = db_col_int64(st, 15),
		.updated_at = db_col_int64(st, 16),
		.invited = db_col_int64(st, 17),
		.present = db_col_int64(st, 18),
		.unit_path = db_col_text(st, 19),
		.unit_name = db_col_text(st, 20),
		.type = db_col_text(st, 21),
		.title = db_col_text(st, 22),
		.place = db_col_text(st, 23),
		.agenda = db_col_text(st, 24),
		.state = db_col_text(st, 25),
		.cancel_reason = db_col_text(st, 26),
		.resolution = db_col_text(st, 27),
		.minutes = db_col_text(st, 28),
		.photos = db_col_text(st, 29),
	};
}
DB_VIEW_ROWS(meeting_row, struct meeting_view, meeting_fn, meeting_from_row)

int mt_store_meeting(struct db_conn *c, int64_t id, meeting_fn fn, void *ctx)
{
	struct meeting_row_call r = { fn, ctx };

	return db_one(c, meeting_row, &r, MEETING_SELECT "WHERE m.id = ?", "i", id);
}

int mt_store_meeting_locked(struct db_conn *c, int64_t id, meeting_fn fn, void *ctx)
{
	int rc = db_run(c, "UPDATE meetings SET id = id WHERE id = ?", "i", id);

	return rc < 0 ? rc : mt_store_meeting(c, id, fn, ctx);
}

int mt_store_meetings(struct db_conn *c, const struct meeting_filter *f, meeting_fn fn, void *ctx)
{
	struct meeting_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_T(f->lo),    DB_ARG_T(f->hi),	    DB_ARG_I(f->before),
		DB_ARG_T(f->type),  DB_ARG_T(f->type),	    DB_ARG_T(f->state),
		DB_ARG_T(f->state), DB_ARG_I(f->matter_id), DB_ARG_I(f->matter_id),
		DB_ARG_I(f->from),  DB_ARG_I(f->from),	    DB_ARG_I(f->to),
		DB_ARG_I(f->to),    DB_ARG_I(f->limit),
	};
	int rc = db_each_args(c, meeting_row, &r,
			      MEETING_SELECT
			      "WHERE m.unit_path >= ? AND m.unit_path < ? AND m.id < ? "
			      "AND (CAST(? AS TEXT) IS NULL OR m.type = ?) "
			      "AND (CAST(? AS TEXT) IS NULL OR m.state = ?) "
			      "AND (? = 0 OR m.matter_id = ?) "
			      "AND (? = 0 OR m.starts_at >= ?) AND (? = 0 OR m.starts_at < ?) "
			      "ORDER BY m.id DESC LIMIT ?",
			      args, DB_ARGS_N(args));

	return rc < 0 ? rc : 0;
}

int mt_store_meetings_of_matter(struct db_conn *c, int64_t matter_id, meeting_fn fn, void *ctx)
{
	struct meeting_row_call r = { fn, ctx };
	int rc = db_each(c, meeting_row, &r,
			 MEETING_SELECT "WHERE m.matter_id = ? ORDER BY m.starts_at, m.id", "i",
			 matter_id);

	return rc < 0 ? rc : 0;
}

/* ---- writing a meeting ---------------------------------------------------------- */

static struct db_arg id_or_null(int64_t id)
{
	return id ? DB_ARG_I(id) : DB_ARG_T(NULL);
}

int mt_store_insert(struct db_conn *c, const struct meeting_in *in, const char *unit_path,
		    int64_t quorum_pct, int64_t pass_pct, int64_t now, int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(in->unit_id),
		DB_ARG_T(unit_path),
		DB_ARG_T(in->type),
		id_or_null(in->matter_id),
		DB_ARG_T(in->title),
		DB_ARG_I(in->starts_at),
		id_or_null(in->ends_at),
		DB_ARG_T(in->place ? in->place : ""),
		id_or_null(in->venue_id),
		id_or_null(in->booking_id),
		DB_ARG_T(in->agenda ? in->agenda : ""),
		DB_ARG_I(quorum_pct),
		DB_ARG_I(pass_pct),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO meetings (unit_id, unit_path, type, matter_id, title, starts_at, "
		"ends_at, place, venue_id, booking_id, agenda, state, quorum_pct, pass_pct, "
		"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"'scheduled', ?, ?, ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

struct member_read {
	int64_t *unit_id, *active, *account_id;
	char *kind;
	size_t kind_n;
};

static int member_row(struct db_stmt *st, void *p)
{
	struct member_read *m = p;
	const char *k = db_col_text(st, 3);

	*m->unit_id = db_col_int64(st, 0);
	*m->active = db_col_int64(st, 1);
	*m->account_id = db_col_int64(st, 2);
	snprintf(m->kind, m->kind_n, "%s", k ? k : "");
	return 0;
}

int mt_store_roster_member(struct db_conn *c, int64_t rep_id, int64_t *unit_id, int64_t *active,
			   int64_t *account_id, char *kind, size_t kind_n)
{
	struct member_read m = { unit_id, active, account_id, kind, kind_n };

	return db_one(c, member_row, &m,
		      "SELECT unit_id, active, account_id, kind FROM representatives WHERE id = ?",
		      "i", rep_id);
}

int mt_store_invite(struct db_conn *c, int64_t meeting_id, int64_t rep_id, const char *kind)
{
	return db_run(c,
		      "INSERT INTO meeting_invitees (meeting_id, representative_id, kind) VALUES "
		      "(?, ?, ?)",
		      "iit", meeting_id, rep_id, kind);
}

struct account_each {
	int (*fn)(void *ctx, int64_t account_id);
	void *ctx;
};

static int account_row(struct db_stmt *st, void *p)
{
	struct account_each *a = p;

	return a->fn(a->ctx, db_col_int64(st, 0));
}

int mt_store_invitee_accounts(struct db_conn *c, int64_t meeting_id,
			      int (*fn)(void *ctx, int64_t account_id), void *ctx)
{
	struct account_each a = { fn, ctx };
	int rc = db_each(c, account_row, &a,
			 "SELECT r.account_id FROM meeting_invitees i JOIN representatives r ON "
			 "r.id = i.representative_id WHERE i.meeting_id = ? AND r.account_id IS "
			 "NOT NULL ORDER BY r.id",
			 "i", meeting_id);

	return rc < 0 ? rc : 0;
}

static int present_row(struct db_stmt *st, void *p)
{
	*(int *)p = db_col_is_null(st, 0) ? 0 : (int)db_col_int64(st, 0);
	return 0;
}

int mt_store_invitee(struct db_conn *c, int64_t meeting_id, int64_t rep_id, int *present)
{
	int rc = db_one(c, present_row, present,
			"SELECT present FROM meeting_invitees WHERE meeting_id = ? AND "
			"representative_id = ?",
			"ii", meeting_id, rep_id);

	if (rc == DB_DONE)
		*present = -1;
	return rc < 0 ? rc : 0;
}

int mt_store_clear_attendance(struct db_conn *c, int64_t meeting_id)
{
	return db_run(c, "UPDATE meeting_invitees SET present = 0 WHERE meeting_id = ?", "i",
		      meeting_id);
}

int mt_store_mark_present(struct db_conn *c, int64_t meeting_id, int64_t rep_id, int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE meeting_invitees SET present = 1 WHERE meeting_id = ? AND "
			      "representative_id = ?",
			      "ii", meeting_id, rep_id);
}

int mt_store_vote_count(struct db_conn *c, int64_t meeting_id, int64_t *n)
{
	int rc = db_query_int64(c, n,
				"SELECT COUNT(*) FROM meeting_votes v JOIN meeting_proposals p ON "
				"p.id = v.proposal_id WHERE p.meeting_id = ?",
				"i", meeting_id);

	return rc < 0 ? rc : 0;
}

int mt_store_proposal_count(struct db_conn *c, int64_t meeting_id, int64_t *n)
{
	int rc = db_query_int64(c, n, "SELECT COUNT(*) FROM meeting_proposals WHERE meeting_id = ?",
				"i", meeting_id);

	return rc < 0 ? rc : 0;
}

int mt_store_set_state(struct db_conn *c, int64_t id, const char *from, const char *to,
		       const char *reason, int64_t now, int64_t *changed)
{
	const int held = !strcmp(to, "held"), cancelled = !strcmp(to, "cancelled");
	const struct db_arg args[] = {
		DB_ARG_T(to),
		held ? DB_ARG_I(now) : DB_ARG_T(NULL),
		cancelled ? DB_ARG_I(now) : DB_ARG_T(NULL),
		DB_ARG_T(reason),
		DB_ARG_I(now),
		DB_ARG_I(id),
		DB_ARG_T(from),
	};
	return db_run_args_changed(c, changed,
				   "UPDATE meetings SET state = ?, held_at = COALESCE(held_at, ?), "
				   "cancelled_at = COALESCE(?, cancelled_at), cancel_reason = "
				   "COALESCE(?, cancel_reason), updated_at = ? WHERE id = ? AND "
				   "state = ?",
				   args, DB_ARGS_N(args));
}

int mt_store_close(struct db_conn *c, int64_t id, const struct resolution_row *r, int64_t now,
		   int64_t *changed)
{
	const struct db_arg args[] = {
		DB_ARG_T(r->text),
		DB_ARG_T(r->minutes ? r->minutes : ""),
		DB_ARG_T(r->photos ? r->photos : "[]"),
		id_or_null(r->project_id),
		DB_ARG_I(r->passed ? 1 : 0),
		DB_ARG_I(now),
		DB_ARG_I(now),
		DB_ARG_I(id),
	};
	return db_run_args_changed(
		c, changed,
		"UPDATE meetings SET state = 'closed', resolution = ?, minutes = "
		"?, photos = ?, project_id = ?, passed = ?, closed_at = ?, "
		"updated_at = ? WHERE id = ? AND state = 'held'",
		args, DB_ARGS_N(args));
}

/* ---- proposals and votes ---------------------------------------------------------- */

#define PROPOSAL_SELECT                                                                            \
	"SELECT p.id, p.meeting_id, p.proposer_id, p.adopted, p.created_at, "                      \
	"(SELECT COUNT(*) FROM meeting_votes v WHERE v.proposal_id = p.id AND v.vote = 'for'), "   \
	"(SELECT COUNT(*) FROM meeting_votes v WHERE v.proposal_id = p.id AND v.vote = "           \
	"'against'), "                                                                             \
	"(SELECT COUNT(*) FROM meeting_votes v WHERE v.proposal_id = p.id AND v.vote = "           \
	"'abstain'), "                                                                             \
	"p.title, p.text, r.name FROM meeting_proposals p LEFT JOIN representatives r ON r.id = "  \
	"p.proposer_id "

static void proposal_from_row(struct db_stmt *st, struct proposal_view *v)
{
	*v = (struct proposal_view){
		.id = db_col_int64(st, 0),
		.meeting_id = db_col_int64(st, 1),
		.proposer_id = db_col_int64(st, 2),
		.adopted = db_col_int64(st, 3),
		.created_at = db_col_int64(st, 4),
		.votes_for = db_col_int64(st, 5),
		.against = db_col_int64(st, 6),
		.abstain = db_col_int64(st, 7),
		.title = db_col_text(st, 8),
		.text = db_col_text(st, 9),
		.proposer_name = db_col_text(st, 10),
	};
}
DB_VIEW_ROWS(proposal_row, struct proposal_view, proposal_fn, proposal_from_row)

int mt_store_proposal(struct db_conn *c, int64_t id, proposal_fn fn, void *ctx)
{
	struct proposal_row_call r = { fn, ctx };

	return db_one(c, proposal_row, &r, PROPOSAL_SELECT "WHERE p.id = ?", "i", id);
}

int mt_store_proposals(struct db_conn *c, int64_t meeting_id, proposal_fn fn, void *ctx)
{
	struct proposal_row_call r = { fn, ctx };
	int rc = db_each(c, proposal_row, &r,
			 PROPOSAL_SELECT "WHERE p.meeting_id = ? ORDER BY p.id", "i", meeting_id);

	return rc < 0 ? rc : 0;
}

int mt_store_proposal_insert(struct db_conn *c, int64_t meeting_id, const char *title,
			     const char *text, int64_t proposer_id, int64_t by, int64_t now,
			     int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(meeting_id),	 DB_ARG_T(title), DB_ARG_T(text ? text : ""),
		id_or_null(proposer_id), id_or_null(by),  DB_ARG_I(now),
	};
	int rc = db_query_int64_args(c, id,
				     "INSERT INTO meeting_proposals (meeting_id, title, text, "
				     "proposer_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, "
				     "?) RETURNING id",
				     args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int mt_store_adopt(struct db_conn *c, int64_t proposal_id)
{
	return db_run(c, "UPDATE meeting_proposals SET adopted = 1 WHERE id = ?", "i", proposal_id);
}

int mt_store_vote(struct db_conn *c, int64_t proposal_id, int64_t rep_id, const char *vote,
		  int64_t now, int64_t *changed)
{
	return db_run_changed(c, changed,
			      "INSERT INTO meeting_votes (proposal_id, representative_id, vote, "
			      "created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			      "iiti", proposal_id, rep_id, vote, now);
}

typedef int (*vote_fn)(void *ctx, const struct vote_view *v);

static void vote_from_row(struct db_stmt *st, struct vote_view *v)
{
	*v = (struct vote_view){ db_col_int64(st, 0), db_col_int64(st, 1), db_col_text(st, 2) };
}
DB_VIEW_ROWS(vote_row, struct vote_view, vote_fn, vote_from_row)

int mt_store_votes(struct db_conn *c, int64_t meeting_id,
		   int (*fn)(void *ctx, const struct vote_view *v), void *ctx)
{
	struct vote_row_call e = { fn, ctx };
	int rc = db_each(c, vote_row, &e,
			 "SELECT v.proposal_id, v.representative_id, v.vote FROM meeting_votes v "
			 "JOIN meeting_proposals p ON p.id = v.proposal_id WHERE p.meeting_id = ? "
			 "ORDER BY v.proposal_id, v.representative_id",
			 "i", meeting_id);

	return rc < 0 ? rc : 0;
}

/* ---- appointees and invitees -------------------------------------------------------- */

int mt_store_appointee(struct db_conn *c, int64_t meeting_id, const char *name, const char *role,
		       int64_t rep_id)
{
	const struct db_arg args[] = { DB_ARG_I(meeting_id), DB_ARG_T(name), DB_ARG_T(role),
				       id_or_null(rep_id) };

	return db_run_args(c,
			   "INSERT INTO meeting_appointees (meeting_id, name, role, "
			   "representative_id) VALUES (?, ?, ?, ?)",
			   args, DB_ARGS_N(args));
}

typedef int (*appointee_fn)(void *ctx, const struct appointee_view *v);

static void appointee_from_row(struct db_stmt *st, struct appointee_view *v)
{
	*v = (struct appointee_view){ db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2) };
}
DB_VIEW_ROWS(appointee_row, struct appointee_view, appointee_fn, appointee_from_row)

int mt_store_appointees(struct db_conn *c, int64_t meeting_id,
			int (*fn)(void *ctx, const struct appointee_view *v), void *ctx)
{
	struct appointee_row_call e = { fn, ctx };
	int rc = db_each(c, appointee_row, &e,
			 "SELECT representative_id, name, role FROM meeting_appointees WHERE "
			 "meeting_id = ? ORDER BY id",
			 "i", meeting_id);

	return rc < 0 ? rc : 0;
}

typedef int (*invitee_fn)(void *ctx, const struct invitee_view *v);

static void invitee_from_row(struct db_stmt *st, struct invitee_view *v)
{
	*v = (struct invitee_view){
		.representative_id = db_col_int64(st, 0),
		.has_account = db_col_int64(st, 1),
		.present = db_col_is_null(st, 2) ? -1 : (int)db_col_int64(st, 2),
		.name = db_col_text(st, 3),
		.kind = db_col_text(st, 4),
		.organisation = db_col_text(st, 5),
		.phone_mask = db_col_text(st, 6),
	};
}
DB_VIEW_ROWS(invitee_row, struct invitee_view, invitee_fn, invitee_from_row)

int mt_store_invitees(struct db_conn *c, int64_t meeting_id,
		      int (*fn)(void *ctx, const struct invitee_view *v), void *ctx)
{
	struct invitee_row_call e = { fn, ctx };
	int rc = db_each(c, invitee_row, &e,
			 "SELECT i.representative_id, CASE WHEN r.account_id IS NULL THEN 0 ELSE 1 "
			 "END, i.present, r.name, i.kind, r.organisation, r.phone_mask FROM "
			 "meeting_invitees i JOIN representatives r ON r.id = i.representative_id "
			 "WHERE i.meeting_id = ? ORDER BY i.representative_id",
			 "i", meeting_id);

	return rc < 0 ? rc : 0;
}

struct kind_each {
	int (*fn)(void *ctx, const char *kind, int64_t n);
	void *ctx;
};

static int kind_row(struct db_stmt *st, void *p)
{
	struct kind_each *e = p;

	return e->fn(e->ctx, db_col_text(st, 0), db_col_int64(st, 1));
}

int mt_store_invited_by_kind(struct db_conn *c, int64_t meeting_id,
			     int (*fn)(void *ctx, const char *kind, int64_t n), void *ctx)
{
	struct kind_each e = { fn, ctx };
	int rc =
		db_each(c, kind_row, &e,
			"SELECT kind, COUNT(*) FROM meeting_invitees WHERE meeting_id = ? GROUP BY "
			"kind ORDER BY kind",
			"i", meeting_id);

	return rc < 0 ? rc : 0;
}

int mt_store_proposal_meeting(struct db_conn *c, int64_t proposal_id, int64_t *meeting_id)
{
	return db_query_int64(c, meeting_id,
			      "SELECT meeting_id FROM meeting_proposals WHERE id = ?", "i",
			      proposal_id);
}
