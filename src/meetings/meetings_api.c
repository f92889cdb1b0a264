/*
 * meetings_api.c — scheduling, cancelling and reading meetings, and the
 * pieces the module's other handlers share.
 *
 *   POST /api/v1/meetings            deliberation:write  {type, unit_id, matter_id?, title,
 *                                    starts_at, ends_at?, place? | venue_id?, agenda?,
 *                                    invitees: [representative ids]}       → 201 scheduled
 *   POST /api/v1/meetings/:id/cancel deliberation:write  {reason}            → 200 cancelled
 *   GET  /api/v1/meetings?unit=&type=&state=&matter=&from=&to=&limit=&cursor=   org:read
 *   GET  /api/v1/meetings/:id        org:read: invitees, proposals, votes, resolution
 *
 * Attendance, proposals, votes and the resolution are in
 * meeting_actions_api.c; the roster and the types' settings in
 * roster_api.c. A meeting's unit lies inside the caller's subtree, or the
 * meeting is 404 as if absent. A venue is booked inside the meeting's
 * transaction through venues.h, so a taken slot rolls the meeting back.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "audit/audit.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"
#include "org/org.h"
#include "venues/venues.h"

#include <stdio.h>
#include <string.h>

#define YEAR_S	      (366 * 86400LL)
#define MAX_LENGTH_S  (12 * 3600LL)
#define R_MATTER      90 /* the installed check refused the matter */
#define R_BOOKING_OFF 91 /* the venue is closed (a blackout) */
#define R_BOOKING_SET 92 /* the venue's slot is taken */

/* ---- shared pieces ---------------------------------------------------------------- */

struct seen {
	struct req *req;
	struct meeting_view *m;
};

static int seen_row(void *ctx, const struct meeting_view *v)
{
	struct seen *s = ctx;
	struct arena *a = &s->req->arena;

	*s->m = *v;
	s->m->unit_path = arena_strdup(a, v->unit_path ? v->unit_path : "");
	s->m->state = arena_strdup(a, v->state ? v->state : "");
	s->m->type = arena_strdup(a, v->type ? v->type : "");
	s->m->title = arena_strdup(a, v->title ? v->title : "");
	s->m->unit_name = s->m->place = s->m->agenda = s->m->cancel_reason = NULL;
	s->m->resolution = s->m->minutes = s->m->photos = NULL;
	return 0;
}

int meeting_seen_or_reply(struct req *req, struct db_conn *c, int64_t id, struct meeting_view *m)
{
	struct seen s = { req, m };
	int rc = mt_store_meeting(c, id, seen_row, &s);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(m->unit_path, req_auth(req)->unit_path), NULL);
}

void meeting_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	json_t *o = meeting_full_json(c, id);

	if (!json_is_object(o)) {
		json_decref(o);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, status, o);
}

void meeting_refusal_reply(struct req *req, int r, const char *field, int bad, const char *state,
			   const char *action)
{
	switch (r) {
	case MEETING_R_STATE:
		reply_error_ex(req, ERR_MEETING_STATE, NULL,
			       JB_OBJ(jb_str("state", state ? state : ""),
				      jb_str("action", action ? action : "")));
		return;
	case MEETING_R_NOT_FOUND: reply_error(req, ERR_NOT_FOUND); return;
	case MEETING_R_INVITEE:
		reply_invalid(req, arena_printf(&req->arena, "%s[%d]", field, bad),
			      "an invitee (active representatives of the meeting's roster)");
		return;
	case MEETING_R_NOT_PRESENT: reply_error(req, ERR_MEETING_NOT_PRESENT); return;
	case MEETING_R_ALREADY_VOTED: reply_error(req, ERR_MEETING_ALREADY_VOTED); return;
	case MEETING_R_NOT_OWN:
		reply_invalid(req, arena_printf(&req->arena, "%s[%d]", field, bad),
			      "a proposal of this meeting");
		return;
	case MEETING_R_NOT_PASSED:
		reply_error_ex(req, ERR_MEETING_NOT_PASSED, NULL, JB_OBJ(jb_int("index", bad)));
		return;
	case MEETING_R_NO_ADOPTED: reply_error(req, ERR_MEETING_NO_ADOPTED); return;
	case MEETING_R_VOTES_CAST: reply_error(req, ERR_MEETING_VOTES_CAST); return;
	case MEETING_R_TOO_MANY: reply_error(req, ERR_MEETING_TOO_MANY); return;
	case MEETING_R_UNIT:
		reply_invalid(req, "unit_id", "a street, a community or a grid");
		return;
	case MEETING_R_ACCOUNT_TAKEN: reply_error(req, ERR_MEETING_ACCOUNT_TAKEN); return;
	case R_MATTER: reply_invalid(req, "matter_id", "an open matter of this unit"); return;
	case R_BOOKING_OFF:
		reply_error_ex(req, ERR_BOOKING_CLOSED, NULL, JB_OBJ(jb_str("why", "blackout")));
		return;
	case R_BOOKING_SET: reply_error(req, ERR_BOOKING_CONFLICT); return;
	default: reply_db_error(req, r);
	}
}

int meeting_ids_or_reply(struct req *req, json_t *arr, const char *field, int min, int max,
			 int64_t **out, int *n)
{
	size_t i, len = json_array_size(arr);
	json_t *v;

	*out = NULL;
	*n = 0;
	if ((int64_t)len < min || (int64_t)len > max) {
		reply_invalid(req, field, arena_printf(&req->arena, "%d to %d ids", min, max));
		return -1;
	}
	*out = arena_alloc(&req->arena, (len ? len : 1) * sizeof **out);
	json_array_foreach(arr, i, v)
	{
		int64_t id = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
		int dup = 0;
		for (int j = 0; j < *n; j++)
			dup |= (*out)[j] == id;
		if (id < 1 || dup) {
			reply_invalid(req, arena_printf(&req->arena, "%s[%zu]", field, i),
				      dup ? "each id once" : "an id");
			return -1;
		}
		(*out)[(*n)++] = id;
	}
	return 0;
}

/* ---- POST /meetings --------------------------------------------------------------------- */

struct create_body {
	const char *type, *title, *starts_at, *ends_at, *place, *agenda;
	int64_t unit_id, matter_id, venue_id;
	json_t *invitees;
};

static const struct body_field create_fields[] = {
	BF_STR(struct create_body, type, "type", BF_REQUIRED, 1, 24),
	BF_ID(struct create_body, unit_id, "unit_id", BF_REQUIRED),
	BF_ID(struct create_body, matter_id, "matter_id", BF_OPTIONAL),
	BF_STR(struct create_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR(struct create_body, starts_at, "starts_at", BF_REQUIRED, 1, 40),
	BF_STR(struct create_body, ends_at, "ends_at", BF_OPTIONAL, 1, 40),
	BF_STR(struct create_body, place, "place", BF_OPTIONAL, 1, 100),
	BF_ID(struct create_body, venue_id, "venue_id", BF_OPTIONAL),
	BF_STR_DEF(struct create_body, agenda, "agenda", 0, 5000, ""),
	BF_JSON(struct create_body, invitees, "invitees", BF_REQUIRED, JSON_ARRAY),
};

struct meeting_new {
	struct req *req;
	struct meeting_in in;
	const struct venue *v; /* NULL: no booking */
	int refused, bad;
	int64_t id; /* out */
};

static int create_tx(struct db_conn *c, void *ctx)
{
	struct meeting_new *x = ctx;
	meeting_matter_check_fn check = meeting_matter_check();
	int64_t now = clock_now();
	int rc = 0;

	x->refused = 0;
	x->in.booking_id = 0;
	if (x->in.matter_id) {
		rc = check ? check(c, x->in.matter_id, x->in.unit_id) : DB_DONE;
		if (rc < 0)
			return rc;
		if (rc != DB_ROW)
			return x->refused = R_MATTER, DB_EABORT;
	}
	if (x->v) {
		rc = booking_create_for_unit(c, x->v, x->in.unit_id, x->in.created_by,
					     x->in.starts_at, x->in.ends_at,
					     arena_printf(&x->req->arena, "会议：%s", x->in.title),
					     x->in.n_invitees, now, &x->in.booking_id);
		if (rc == BOOKING_BLACKOUT || rc == BOOKING_TAKEN)
			return x->refused = rc == BOOKING_TAKEN ? R_BOOKING_SET : R_BOOKING_OFF,
			       DB_EABORT;
		if (rc < 0)
			return rc;
	}
	rc = meeting_create(c, &x->in, now, &x->id, &x->bad);
	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(rc, x->req, c, "meeting.create", "meeting", x->id,
				 JB_OBJ(jb_int("unit_id", x->in.unit_id),
					jb_str("type", x->in.type),
					jb_int("invitees", x->in.n_invitees)));
}

/* The times: starts_at within a year of now, ends_at after it by at most 12 h. */
static int times_or_reply(struct req *req, const struct create_body *b, int64_t *s, int64_t *e)
{
	int64_t now = clock_now();

	*e = 0;
	if (body_time_or_reply(req, "starts_at", b->starts_at, s) ||
	    (b->ends_at && body_time_or_reply(req, "ends_at", b->ends_at, e)))
		return -1;
	if (*s < now - YEAR_S || *s > now + YEAR_S) {
		reply_invalid(req, "starts_at", "within a year of today");
		return -1;
	}
	if (b->ends_at && (*e <= *s || *e - *s > MAX_LENGTH_S)) {
		reply_invalid(req, "ends_at", "after starts_at, by 12 hours at most");
		return -1;
	}
	if (b->venue_id && !b->ends_at) {
		reply_invalid(req, "ends_at", "required with a venue");
		return -1;
	}
	if (b->venue_id && *s <= now) {
		reply_invalid(req, "starts_at", "in the future when booking a venue");
		return -1;
	}
	if (!b->venue_id && !b->place) {
		reply_invalid(req, "place", "where: a place, or a venue_id");
		return -1;
	}
	return 0;
}

/* An active venue inside the caller's subtree that fits [s, e) for n people. */
static int venue_or_reply(struct req *req, struct db_conn *c, int64_t id, int64_t s, int64_t e,
			  int n, struct venue *v)
{
	int rc = venue_get(c, id, v);

	if (req_row_or_reply(req, rc,
			     rc == DB_ROW && v->active &&
				     path_within(v->unit_path, req_auth(req)->unit_path),
			     NULL))
		return -1;
	return booking_fit_or_reply(req, v, s, e, n, "invitees");
}

static void create_meeting(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct create_body b;
	struct unit_ref u;
	struct venue v;
	int64_t s, e, *ids;
	int n, rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (!meeting_unit_kind_ok(u.kind)) {
		reply_invalid(req, "unit_id", "a street, a community or a grid");
		return;
	}
	if (!meeting_type_valid(b.type)) {
		reply_invalid(req, "type", "one of the meeting types");
		return;
	}
	if (times_or_reply(req, &b, &s, &e) ||
	    meeting_ids_or_reply(req, b.invitees, "invitees", 1, MEETING_INVITEES_MAX, &ids, &n))
		return;
	if (b.matter_id && !meeting_matter_check()) {
		reply_invalid(req, "matter_id", "matters are not available");
		return;
	}
	if (b.venue_id && venue_or_reply(req, c, b.venue_id, s, e, n, &v))
		return;
	struct meeting_new x = {
		.req = req,
		.in = { .unit_id = u.id,
			.type = b.type,
			.matter_id = b.matter_id,
			.title = b.title,
			.starts_at = s,
			.ends_at = e,
			.place = b.venue_id ? v.name : b.place,
			.venue_id = b.venue_id,
			.agenda = b.agenda,
			.invitees = ids,
			.n_invitees = n,
			.created_by = req_auth(req)->account_id },
		.v = b.venue_id ? &v : NULL,
	};
	rc = db_tx_run(c, create_tx, &x);
	if (rc == DB_EABORT)
		meeting_refusal_reply(req, x.refused, "invitees", x.bad, "", "create");
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		meeting_reply(req, c, 201, x.id);
}

/* ---- POST /meetings/:id/cancel ------------------------------------------------------------ */

struct meeting_cancel_x {
	struct req *req;
	int64_t id;
	const char *reason;
	int refused;
};

static int cancel_tx(struct db_conn *c, void *ctx)
{
	struct meeting_cancel_x *x = ctx;
	int rc = meeting_cancel(c, x->id, x->reason, clock_now());

	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(rc, x->req, c, "meeting.cancel", "meeting", x->id,
				 JB_OBJ(jb_str("reason", x->reason)));
}

static void cancel_meeting(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meeting_view m;
	const char *reason;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || meeting_seen_or_reply(req, c, id, &m) ||
	    body_str_or_reply(req, "reason", BF_REQUIRED, 200, NULL, &reason) ||
	    body_nonempty_or_reply(req, "reason", reason))
		return;
	struct meeting_cancel_x x = { .req = req, .id = id, .reason = reason };
	rc = db_tx_run(c, cancel_tx, &x);
	if (rc == DB_EABORT)
		meeting_refusal_reply(req, x.refused, "", 0, m.state, "cancel");
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		meeting_reply(req, c, 200, id);
}

/* ---- reading ------------------------------------------------------------------------------ */

static void get_meeting(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meeting_view m;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) || meeting_seen_or_reply(req, c, id, &m))
		return;
	meeting_reply(req, c, 200, id);
}

static int meeting_page_row(void *ctx, const struct meeting_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->id, p->n < p->limit ? meeting_summary_json(v) : NULL);
}

/* An optional day ?name=YYYY-MM-DD: the start of that Shanghai day (to: of the next). */
static int query_day_or_reply(struct req *req, const char *name, int next, int64_t *out)
{
	const char *s = req_query(req, name);
	int64_t day;

	*out = 0;
	if (!s)
		return 0;
	if (cal_day_parse(s, &day)) {
		reply_invalid(req, name, "YYYY-MM-DD");
		return -1;
	}
	*out = cal_day_start(day + next);
	return 0;
}

static const char *const states[] = { "scheduled", "held", "closed", "cancelled" };

static void list_meetings(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *type = req_query(req, "type"), *state = req_query(req, "state");
	const char *matter = req_query(req, "matter");
	int64_t matter_id = 0, from, to;
	struct scope sc;
	struct page p;
	int state_ok = !state;

	if (!c || page_begin_or_reply(req, &p) || query_day_or_reply(req, "from", 0, &from) ||
	    query_day_or_reply(req, "to", 1, &to))
		return;
	for (size_t i = 0; state && i < sizeof states / sizeof *states; i++)
		state_ok |= !strcmp(state, states[i]);
	if (type && !meeting_type_valid(type)) {
		reply_invalid(req, "type", "one of the meeting types");
		return;
	}
	if (!state_ok) {
		reply_invalid(req, "state", "scheduled, held, closed or cancelled");
		return;
	}
	if (matter && parse_int64(matter, 1, INT64_MAX, &matter_id)) {
		reply_invalid(req, "matter", "an id");
		return;
	}
	if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	const struct meeting_filter f = { .lo = sc.lo,
					  .hi = sc.hi,
					  .type = type,
					  .state = state,
					  .matter_id = matter_id,
					  .from = from,
					  .to = to,
					  .before = p.cursor ? p.cursor : INT64_MAX,
					  .limit = p.limit + 1 };
	page_reply(&p, mt_store_meetings(c, &f, meeting_page_row, &p));
}

const struct route meeting_routes[] = {
	{ "GET", "/api/v1/meeting-types", meeting_types_list, R_AUTH, "org:read", 0 },
	{ "PUT", "/api/v1/meeting-types/:type", meeting_type_put, R_AUTH | R_JSON,
	  "deliberation:settings", 0 },
	{ "GET", "/api/v1/representatives", rep_list, R_AUTH, "deliberation:read", 0 },
	{ "GET", "/api/v1/representatives/:id", rep_get, R_AUTH, "deliberation:read", 0 },
	{ "POST", "/api/v1/representatives", rep_create, R_AUTH | R_JSON, "deliberation:write", 0 },
	{ "PATCH", "/api/v1/representatives/:id", rep_update, R_AUTH | R_JSON, "deliberation:write",
	  0 },
	{ "POST", "/api/v1/meetings", create_meeting, R_AUTH | R_JSON, "deliberation:write", 0 },
	{ "GET", "/api/v1/meetings", list_meetings, R_AUTH, "deliberation:read", 0 },
	{ "GET", "/api/v1/meetings/:id", get_meeting, R_AUTH, "deliberation:read", 0 },
	{ "POST", "/api/v1/meetings/:id/cancel", cancel_meeting, R_AUTH | R_JSON,
	  "deliberation:write", 0 },
	{ "POST", "/api/v1/meetings/:id/attendance", meeting_attendance, R_AUTH | R_JSON,
	  "deliberation:write", 0 },
	{ "POST", "/api/v1/meetings/:id/proposals", meeting_proposal_add, R_AUTH | R_JSON,
	  "deliberation:write", 0 },
	{ "POST", "/api/v1/proposals/:id/votes", meeting_vote, R_AUTH | R_JSON,
	  "deliberation:write", 0 },
	{ "POST", "/api/v1/meetings/:id/resolution", meeting_resolution, R_AUTH | R_JSON,
	  "deliberation:write", 0 },
	{ 0 },
};
