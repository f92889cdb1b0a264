/*
 * project_actions.c — a project's state machine and its sources.
 *
 *   POST /api/v1/projects/:id/actions  {action, …}
 *        approve         project:approve, the street or district above  proposed → approved
 *        start           project:write                           approved → in_progress
 *        progress        {percent, note?, photos?}               in_progress
 *        milestone_done  {milestone_id, note?}                   approved, in_progress
 *        complete        {outcome, photos?}                      in_progress → completed
 *        cancel          {reason}   project:write or :approve    proposed, approved,
 *                                                                in_progress → cancelled
 *   POST /api/v1/projects/:id/sources  {appeal_ids?, hotspot?, commitment_item_ids?}
 *
 * Which action moves which state is the table in project_rules.c. Each
 * action is one transaction: take the project's row lock, read its state
 * again, make the change with an UPDATE guarded by that state, write the
 * timeline row and the audit row. Two approvals at once: the second finds
 * the project approved and answers 409 project.invalid_state.
 */
#include "projects/projects.h"
#include "projects/projects_int.h"

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct action_body {
	const char *action, *note, *outcome, *reason;
	int64_t percent, milestone_id;
	json_t *photos;
};

static const struct body_field action_fields[] = {
	BF_STR(struct action_body, action, "action", BF_REQUIRED, 1, 32),
	BF_STR_DEF(struct action_body, note, "note", 0, 1000, ""),
	BF_INT(struct action_body, percent, "percent", BF_OPTIONAL, 0, 100, -1),
	BF_JSON(struct action_body, photos, "photos", BF_OPTIONAL, JSON_ARRAY),
	BF_ID(struct action_body, milestone_id, "milestone_id", BF_OPTIONAL),
	BF_STR(struct action_body, outcome, "outcome", BF_OPTIONAL, 1, 2000),
	BF_STR(struct action_body, reason, "reason", BF_OPTIONAL, 0, 500),
};

/* Why a step refused (positive, apart from DB_ROW and DB_DONE), for the handler to answer. */
enum refusal { R_NONE, R_STATE = 10, R_MILESTONE_GONE = 11, R_MILESTONE_DONE = 12 };

/* A step's inputs: what the action needs of a body (project_step's, or a request's). */
struct step {
	int64_t id, by, now;
	int act;
	int64_t percent, milestone_id;
	const char *text;   /* the note, the outcome or the reason */
	const char *photos; /* JSON text or NULL */
	int from;	    /* out: the state read under the lock */
	int to;		    /* out */
};

/* The change itself, after the lock and the state read again: 0, a refusal or <0. */
static int step_change(struct db_conn *c, struct step *s)
{
	int64_t changed = 0;
	int rc;

	switch (s->act) {
	case PA_PROGRESS:
		rc = projects_store_set_percent(c, s->id, s->percent, s->now, &changed);
		break;
	case PA_MILESTONE_DONE:
		rc = projects_store_milestone_done(c, s->id, s->milestone_id, s->by, s->now,
						   &changed);
		if (rc == DB_DONE)
			return R_MILESTONE_GONE;
		return rc == 0 && changed != 1 ? R_MILESTONE_DONE : rc;
	default: {
		const struct project_change ch = {
			.id = s->id,
			.by = s->by,
			.now = s->now,
			.from = project_state_name(s->from),
			.to = project_state_name(s->to),
			.outcome = s->act == PA_COMPLETE ? s->text : NULL,
			.outcome_photos =
				s->act == PA_COMPLETE ? (s->photos ? s->photos : "[]") : NULL,
			.cancel_reason = s->act == PA_CANCEL ? s->text : NULL,
		};
		rc = projects_store_set_state(c, &ch, &changed);
	}
	}
	return rc == 0 && changed != 1 ? R_STATE : rc;
}

/*
 * One action in the caller's transaction: the row lock, the state read again,
 * the guarded change and the timeline row. 0; R_STATE (s->from the state
 * found), R_MILESTONE_GONE or R_MILESTONE_DONE (nothing written); <0.
 */
static int step_run(struct db_conn *c, struct step *s)
{
	struct project p;
	int rc = project_lock(c, s->id, &p);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	s->from = p.state;
	s->to = project_action_target(s->act, p.state);
	if (s->to < 0)
		return R_STATE;
	rc = step_change(c, s);
	if (rc != 0)
		return rc;
	return projects_store_event(c, s->id, project_action_event(s->act),
				    s->act == PA_PROGRESS   ? s->percent
				    : s->act == PA_COMPLETE ? 100
							    : -1,
				    s->text, s->photos,
				    s->act == PA_MILESTONE_DONE ? s->milestone_id : 0, s->by,
				    s->now);
}

int project_step(struct db_conn *c, int64_t id, const char *action, const char *text, int percent,
		 int64_t by, int64_t now)
{
	struct step s = { .id = id, .by = by, .now = now, .percent = percent, .text = text };

	s.act = project_action_parse(action);
	if (s.act < 0 || s.act == PA_MILESTONE_DONE || (s.act == PA_PROGRESS && percent < 0) ||
	    ((s.act == PA_COMPLETE || s.act == PA_CANCEL) && (!text || !*text)))
		return DB_EMISUSE;
	return step_run(c, &s);
}

struct project_act {
	struct req *req;
	struct step s;
	int why; /* out: the refusal */
};

/* DB_EABORT: refused (x->why); every change is audited as project.<action>. */
static int act_tx(struct db_conn *c, void *ctx)
{
	struct project_act *x = ctx;
	int rc = step_run(c, &x->s);

	x->why = rc > 0 ? rc : R_NONE;
	if (rc > 0)
		return DB_EABORT;
	return audit_write_after(
		rc, x->req, c,
		arena_printf(&x->req->arena, "project.%s", project_action_name(x->s.act)),
		"project", x->s.id,
		JB_OBJ(jb_str("from", project_state_name(x->s.from)),
		       jb_str("to", project_state_name(x->s.to))));
}

static void reply_state(struct req *req, int state, int act)
{
	reply_error_ex(req, ERR_PROJECT_STATE, NULL,
		       JB_OBJ(jb_str("state", project_state_name(state)),
			      jb_str("action", project_action_name(act))));
}

/* May the caller take this action on p? 0, or -1 having answered 403. */
static int actor_or_reply(struct req *req, int act, const struct project *p)
{
	int write = auth_can(req, "project:write"), approve = auth_can(req, "project:approve");

	if (act == PA_APPROVE) {
		if (!approve) {
			reply_error(req, ERR_FORBIDDEN);
			return -1;
		}
		if (!project_may_approve(req_auth(req)->unit_path, p->unit_path)) {
			reply_error(req, ERR_PROJECT_NOT_APPROVER);
			return -1;
		}
		return 0;
	}
	if (write || (act == PA_CANCEL && approve))
		return 0;
	reply_error(req, ERR_FORBIDDEN);
	return -1;
}

/* The fields an action needs: 0, or -1 having answered 400. */
static int needs_or_reply(struct req *req, struct db_conn *c, int act, const struct action_body *b)
{
	if (act == PA_PROGRESS && b->percent < 0) {
		reply_invalid(req, "percent", "0 to 100");
		return -1;
	}
	if (act == PA_MILESTONE_DONE && !b->milestone_id) {
		reply_invalid(req, "milestone_id", "the milestone that is done");
		return -1;
	}
	if (act == PA_COMPLETE && !b->outcome) {
		reply_invalid(req, "outcome", "say what the project achieved");
		return -1;
	}
	if (act == PA_CANCEL && (!b->reason || !*b->reason)) {
		reply_invalid(req, "reason", "say why the project is cancelled");
		return -1;
	}
	if (b->photos && act != PA_PROGRESS && act != PA_COMPLETE) {
		reply_invalid(req, "photos", "photos go with progress or complete");
		return -1;
	}
	return attach_ids_or_reply(req, c, b->photos, "photos", PROJECT_PHOTOS_MAX);
}

void project_act(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct action_body b;
	struct project p;
	int64_t id;
	int act, rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, action_fields, &b, NULL))
		return;
	act = project_action_parse(b.action);
	if (act < 0) {
		reply_invalid(req, "action",
			      "approve, start, progress, milestone_done, complete or cancel");
		return;
	}
	if (project_seen_or_reply(req, c, id, &p) || actor_or_reply(req, act, &p) ||
	    needs_or_reply(req, c, act, &b))
		return;
	if (project_action_target(act, p.state) < 0) {
		reply_state(req, p.state, act);
		return;
	}
	char *photos = b.photos ? json_dumps(b.photos, JSON_COMPACT) : NULL;
	struct project_act x = {
		.req = req,
		.s = { .id = id,
		       .by = req_auth(req)->account_id,
		       .now = clock_now(),
		       .act = act,
		       .percent = b.percent,
		       .milestone_id = b.milestone_id,
		       .text = act == PA_CANCEL	    ? b.reason
			       : act == PA_COMPLETE ? b.outcome
						    : b.note,
		       .photos = photos ? arena_strdup(&req->arena, photos) : NULL },
	};
	free(photos);
	rc = db_tx_run(c, act_tx, &x);
	if (rc == DB_EABORT && x.why == R_STATE)
		reply_state(req, x.s.from, act);
	else if (rc == DB_EABORT && x.why == R_MILESTONE_GONE)
		reply_invalid(req, "milestone_id", "a milestone of this project");
	else if (rc == DB_EABORT && x.why == R_MILESTONE_DONE)
		reply_error(req, ERR_PROJECT_MILESTONE_DONE);
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		project_reply(req, c, 200, id);
}

/* ---- POST /projects/:id/sources -------------------------------------------- */

struct sources_body {
	json_t *appeal_ids, *hotspot, *item_ids;
};

static const struct body_field sources_fields[] = {
	BF_JSON(struct sources_body, appeal_ids, "appeal_ids", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct sources_body, hotspot, "hotspot", BF_OPTIONAL, JSON_OBJECT),
	BF_JSON(struct sources_body, item_ids, "commitment_item_ids", BF_OPTIONAL, JSON_ARRAY),
};

struct sources_add {
	struct req *req;
	int64_t id;
	const struct project_sources *src;
	int state; /* out: the state found when refused */
};

static int open_state(int st)
{
	return st == PROJECT_PROPOSED || st == PROJECT_APPROVED || st == PROJECT_IN_PROGRESS;
}

static int sources_tx(struct db_conn *c, void *ctx)
{
	struct sources_add *x = ctx;
	int64_t now = clock_now();
	struct project p;
	int rc = project_lock(c, x->id, &p);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	if (!open_state(p.state)) {
		x->state = p.state;
		return DB_EABORT;
	}
	rc = project_sources_write(c, x->id, x->src, now);
	if (rc == 0)
		rc = projects_store_event(c, x->id, "sources", -1, NULL, NULL, 0,
					  req_auth(x->req)->account_id, now);
	return audit_write_after(rc, x->req, c, "project.sources", "project", x->id,
				 JB_OBJ(jb_int("appeals", x->src->n_appeals),
					jb_int("items", x->src->n_items),
					jb_bool("hotspot", x->src->hotspot != NULL)));
}

void project_add_sources(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct sources_body b;
	struct project_sources src;
	struct project p;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, sources_fields, &b, NULL) ||
	    project_seen_or_reply(req, c, id, &p))
		return;
	if (!open_state(p.state)) {
		reply_error_ex(req, ERR_PROJECT_STATE, NULL,
			       JB_OBJ(jb_str("state", project_state_name(p.state)),
				      jb_str("action", "sources")));
		return;
	}
	if (project_sources_or_reply(req, c, p.unit_path, b.appeal_ids, b.hotspot, b.item_ids,
				     &src))
		return;
	struct sources_add x = { .req = req, .id = id, .src = &src };
	rc = db_tx_run(c, sources_tx, &x);
	if (rc == DB_EABORT)
		reply_error_ex(req, ERR_PROJECT_STATE, NULL,
			       JB_OBJ(jb_str("state", project_state_name(x.state)),
				      jb_str("action", "sources")));
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		project_reply(req, c, 200, id);
}
