/*
 * meeting_actions_api.c — what happens in a meeting: attendance, proposals,
 * votes and the resolution that closes it.
 *
 *   POST /api/v1/meetings/:id/attendance  {present: [representative ids]}     → 200 held
 *   POST /api/v1/meetings/:id/proposals   {title, text?, proposer_id?}        → 201 proposal
 *   POST /api/v1/proposals/:id/votes      {representative_id, vote}           → 201 proposal
 *   POST /api/v1/meetings/:id/resolution  {text, minutes?, adopted?, appointees?, photos?,
 *                                          project?}                          → 200 closed
 *
 * All need deliberation:write and the meeting's unit inside the caller's
 * subtree (404 otherwise). Each write is one transaction around the store-
 * level function of meetings_write.c (which takes the meeting's row lock
 * and re-reads its state); a refusal rolls back and is answered here.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "attach/attach.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"
#include "projects/projects.h"

#include <stdlib.h>
#include <string.h>

/* ---- attendance ------------------------------------------------------------------- */

struct attend_x {
	struct req *req;
	int64_t id, *present;
	int n, refused, bad;
};

static int attend_tx(struct db_conn *c, void *ctx)
{
	struct attend_x *x = ctx;
	int rc = meeting_attend(c, x->id, x->present, x->n, clock_now(), &x->bad);

	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(rc, x->req, c, "meeting.attendance", "meeting", x->id,
				 JB_OBJ(jb_int("present", x->n)));
}

void meeting_attendance(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct meeting_view m;
	json_t *present = json_object_get(req->json, "present");
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || meeting_seen_or_reply(req, c, id, &m))
		return;
	if (!json_is_object(req->json) || json_object_size(req->json) != 1 ||
	    !json_is_array(present)) {
		reply_invalid(req, "present", "{present: [representative ids]}");
		return;
	}
	struct attend_x x = { .req = req, .id = id };
	if (meeting_ids_or_reply(req, present, "present", 0, MEETING_INVITEES_MAX, &x.present,
				 &x.n))
		return;
	if (!strcmp(m.state, "scheduled") &&
	    !meeting_may_record_attendance(m.starts_at, clock_now())) {
		reply_error(req, ERR_MEETING_NOT_STARTED);
		return;
	}
	rc = db_tx_run(c, attend_tx, &x);
	if (rc == DB_EABORT)
		meeting_refusal_reply(req, x.refused, "present", x.bad, m.state, "attendance");
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		meeting_reply(req, c, 200, id);
}

/* ---- proposals ----------------------------------------------------------------------- */

struct proposal_body {
	const char *title, *text;
	int64_t proposer_id;
};

static const struct body_field proposal_fields[] = {
	BF_STR(struct proposal_body, title, "title", BF_REQUIRED, 1, 200),
	BF_STR_DEF(struct proposal_body, text, "text", 0, 2000, ""),
	BF_ID(struct proposal_body, proposer_id, "proposer_id", BF_OPTIONAL),
};

struct proposal_x {
	struct req *req;
	int64_t meeting_id, id;
	const struct proposal_body *b;
	int refused;
};

static int proposal_tx(struct db_conn *c, void *ctx)
{
	struct proposal_x *x = ctx;
	int rc = proposal_add(c, x->meeting_id, x->b->title, x->b->text, x->b->proposer_id,
			      req_auth(x->req)->account_id, clock_now(), &x->id);

	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(rc, x->req, c, "meeting.proposal", "meeting", x->meeting_id,
				 JB_OBJ(jb_int("proposal_id", x->id)));
}

/* Answer one proposal with its tally (status), 503 when it cannot be read. */
static void proposal_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	json_t *o = proposal_full_json(c, id);

	if (!o)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else
		reply_json(req, status, o);
}

void meeting_proposal_add(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct proposal_body b;
	struct meeting_view m;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || meeting_seen_or_reply(req, c, id, &m) ||
	    BODY_READ_OR_REPLY(req, proposal_fields, &b, NULL))
		return;
	struct proposal_x x = { .req = req, .meeting_id = id, .b = &b };
	rc = db_tx_run(c, proposal_tx, &x);
	if (rc == DB_EABORT) {
		if (x.refused == MEETING_R_INVITEE)
			reply_invalid(req, "proposer_id", "an invitee of this meeting");
		else
			meeting_refusal_reply(req, x.refused, "", 0, m.state, "proposal");
	} else if (rc < 0) {
		reply_db_error(req, rc);
	} else {
		proposal_reply(req, c, 201, x.id);
	}
}

/* ---- votes ------------------------------------------------------------------------------ */

struct vote_body {
	int64_t representative_id;
	const char *vote;
};

static const struct body_field vote_fields[] = {
	BF_ID(struct vote_body, representative_id, "representative_id", BF_REQUIRED),
	BF_STR(struct vote_body, vote, "vote", BF_REQUIRED, 1, 10),
};

struct vote_x {
	struct req *req;
	int64_t proposal_id, meeting_id;
	const struct vote_body *b;
	int refused;
};

static int vote_tx(struct db_conn *c, void *ctx)
{
	struct vote_x *x = ctx;
	int rc = vote_cast(c, x->proposal_id, x->b->representative_id, x->b->vote, clock_now());

	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(rc, x->req, c, "meeting.vote", "meeting", x->meeting_id,
				 JB_OBJ(jb_int("proposal_id", x->proposal_id),
					jb_int("representative_id", x->b->representative_id),
					jb_str("vote", x->b->vote)));
}

void meeting_vote(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct vote_body b;
	struct meeting_view m;
	int64_t id, meeting_id = 0;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = mt_store_proposal_meeting(c, id, &meeting_id);
	if (req_found_or_reply(req, rc) || meeting_seen_or_reply(req, c, meeting_id, &m) ||
	    BODY_READ_OR_REPLY(req, vote_fields, &b, NULL))
		return;
	if (meeting_vote_parse(b.vote) < 0) {
		reply_invalid(req, "vote", "for, against or abstain");
		return;
	}
	struct vote_x x = { .req = req, .proposal_id = id, .meeting_id = meeting_id, .b = &b };
	rc = db_tx_run(c, vote_tx, &x);
	if (rc == DB_EABORT)
		meeting_refusal_reply(req, x.refused, "", 0, m.state, "vote");
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		proposal_reply(req, c, 201, id);
}

/* ---- the resolution ----------------------------------------------------------------------- */

struct resolution_body {
	const char *text, *minutes;
	json_t *adopted, *appointees, *photos, *project;
};

static const struct body_field resolution_fields[] = {
	BF_STR(struct resolution_body, text, "text", BF_REQUIRED, 1, 5000),
	BF_STR_DEF(struct resolution_body, minutes, "minutes", 0, 20000, ""),
	BF_JSON(struct resolution_body, adopted, "adopted", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct resolution_body, appointees, "appointees", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct resolution_body, photos, "photos", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct resolution_body, project, "project", BF_OPTIONAL, JSON_OBJECT),
};

struct appointee_body {
	const char *name, *role;
	int64_t representative_id;
};

static const struct body_field appointee_fields[] = {
	BF_STR(struct appointee_body, name, "name", BF_REQUIRED, 1, 50),
	BF_STR(struct appointee_body, role, "role", BF_REQUIRED, 1, 50),
	BF_ID(struct appointee_body, representative_id, "representative_id", BF_OPTIONAL),
};

struct project_body {
	const char *title, *type, *goal;
	int64_t budget_fen, year;
};

static const struct body_field project_fields[] = {
	BF_STR(struct project_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR(struct project_body, type, "type", BF_REQUIRED, 1, 32),
	BF_STR(struct project_body, goal, "goal", BF_REQUIRED, 1, 2000),
	BF_INT(struct project_body, budget_fen, "budget_fen", BF_REQUIRED, 0, 10000000000LL, 0),
	BF_INT(struct project_body, year, "year", BF_OPTIONAL, 2000, 2100, 0),
};

/* The appointees array into out (req's arena): 0, or -1 answered. */
static int appointees_or_reply(struct req *req, json_t *arr, struct meeting_appointee_in **out,
			       int *n)
{
	size_t i, len = json_array_size(arr);
	json_t *v;

	*n = 0;
	*out = arena_alloc(&req->arena, (len ? len : 1) * sizeof **out);
	if (len > MEETING_APPOINTEES_MAX) {
		reply_invalid(req, "appointees", "at most 20 appointees");
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		const char *where = arena_printf(&req->arena, "appointees[%zu]", i);
		struct appointee_body a;
		if (!json_is_object(v)) {
			reply_invalid(req, where, "an object {name, role, representative_id?}");
			return -1;
		}
		if (body_read_obj_or_reply(req, v, where, appointee_fields,
					   sizeof appointee_fields / sizeof *appointee_fields, &a,
					   NULL))
			return -1;
		(*out)[(*n)++] =
			(struct meeting_appointee_in){ a.name, a.role, a.representative_id };
	}
	return 0;
}

/* The optional project: 0 (*out NULL when absent), or -1 answered. */
static int project_or_reply(struct req *req, json_t *obj, struct meeting_project_in *p,
			    const struct meeting_project_in **out)
{
	struct project_body b;

	*out = NULL;
	if (!obj)
		return 0;
	if (body_read_obj_or_reply(req, obj, "project", project_fields,
				   sizeof project_fields / sizeof *project_fields, &b, NULL))
		return -1;
	if (!project_type_valid(b.type)) {
		reply_invalid(req, "project.type", "one of the project types");
		return -1;
	}
	*p = (struct meeting_project_in){ b.title, b.type, b.goal, b.budget_fen, (int)b.year };
	*out = p;
	return 0;
}

struct resolve_x {
	struct req *req;
	int64_t id, project_id;
	struct meeting_resolution_in in;
	int refused, bad;
};

static int resolve_tx(struct db_conn *c, void *ctx)
{
	struct resolve_x *x = ctx;
	int rc = meeting_resolve(c, x->id, &x->in, clock_now(), &x->project_id, &x->bad);

	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(
		rc, x->req, c, "meeting.resolve", "meeting", x->id,
		JB_OBJ(jb_int("adopted", x->in.n_adopted), jb_int("project_id", x->project_id)));
}

void meeting_resolution(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct resolution_body b;
	struct meeting_view m;
	struct meeting_project_in proj;
	struct meeting_appointee_in *apps;
	int64_t id, *adopted;
	int n_adopted, n_apps, rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || meeting_seen_or_reply(req, c, id, &m) ||
	    BODY_READ_OR_REPLY(req, resolution_fields, &b, NULL) ||
	    body_nonempty_or_reply(req, "text", b.text))
		return;
	struct resolve_x x = { .req = req, .id = id };
	if (meeting_ids_or_reply(req, b.adopted, "adopted", 0, MEETING_PROPOSALS_MAX, &adopted,
				 &n_adopted) ||
	    appointees_or_reply(req, b.appointees, &apps, &n_apps) ||
	    attach_ids_or_reply(req, c, b.photos, "photos", MEETING_PHOTOS_MAX) ||
	    project_or_reply(req, b.project, &proj, &x.in.project))
		return;
	char *photos = b.photos ? json_dumps(b.photos, JSON_COMPACT) : NULL;
	x.in.text = b.text;
	x.in.minutes = b.minutes;
	x.in.adopted = adopted;
	x.in.n_adopted = n_adopted;
	x.in.appointees = apps;
	x.in.n_appointees = n_apps;
	x.in.photos_json = photos ? arena_strdup(&req->arena, photos) : NULL;
	x.in.by = req_auth(req)->account_id;
	free(photos);
	rc = db_tx_run(c, resolve_tx, &x);
	if (rc == DB_EABORT) {
		if (x.refused == MEETING_R_NOT_PASSED && x.bad >= 0 && x.bad < n_adopted)
			reply_error_ex(req, ERR_MEETING_NOT_PASSED, NULL,
				       JB_OBJ(jb_int("proposal_id", adopted[x.bad])));
		else
			meeting_refusal_reply(req, x.refused,
					      x.refused == MEETING_R_INVITEE ? "appointees"
									     : "adopted",
					      x.bad, m.state, "resolution");
	} else if (rc < 0) {
		reply_db_error(req, rc);
	} else {
		meeting_reply(req, c, 200, id);
	}
}
