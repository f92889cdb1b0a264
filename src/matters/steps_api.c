/*
 * steps_api.c — the steps of 四议两公开 and residents' objections.
 *
 *   POST /api/v1/matters/:id/steps   deliberation:write  {step, meeting_id?, text?, days?,
 *                                    project_id? | project?: {type, title, goal,
 *                                    budget_fen}}                          → 201 the matter
 *   POST /api/v1/matters/:id/objections        matter:object  {text}       → 201
 *   GET  /api/v1/matters/:id/objections        org:read
 *   POST /api/v1/matter-objections/:id/answer  deliberation:write  {text} → 200
 *
 * A step is one transaction (step_run(), shared with the demo through
 * matter_step_take()): the matter's row lock, the steps done, the order
 * (matters_rules.c), the meeting (meetings.h's meeting_brief_get: of the
 * step's type, the matter's unit, carrying the matter, closed, quorate,
 * passed), for implement the end of the disclosure and every objection
 * answered, then the step row (one of each kind: a unique index), the state
 * moved by a guarded UPDATE, and the audit row. A refusal rolls everything
 * back and names its reason.
 */
#include "matters/matters_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "meetings/meetings.h"
#include "org/org.h"
#include "projects/projects.h"

#include <string.h>

struct step_project {
	const char *type, *title, *goal;
	int64_t budget_fen;
};

struct step_run {
	int64_t matter_id, meeting_id, project_id, by, now;
	int step, days;
	int may_shorten; /* the caller may publish for fewer days than the unit's setting */
	const char *text;
	const struct step_project *project; /* create one (implement), NULL: none */
	const char *viewer;		    /* the caller's unit path; NULL: no scope (the demo) */
	char meeting_type[24];		    /* the meeting's type, once checked */
	int64_t new_project;		    /* out: the project implement created */
	/* out: a refusal */
	enum err_id err;
	json_t *details;
	const char *field; /* ERR_INVALID: the field */
	const char *why;   /* ERR_INVALID: why, when not a meeting or project */
};

static int refuse(struct step_run *r, enum err_id e, json_t *details)
{
	r->err = e;
	r->details = details;
	return DB_EABORT;
}

static const enum err_id needs[MS__COUNT] = {
	ERR_MATTER_NEEDS_PROPOSE,
	ERR_MATTER_NEEDS_DELIBERATE,
	ERR_MATTER_NEEDS_REVIEW,
	ERR_MATTER_NEEDS_DECIDE,
	ERR_MATTER_NEEDS_PUBLISH_RESOLUTION,
	ERR_MATTER_NEEDS_IMPLEMENT,
	ERR_NONE,
};

static int order_ok(struct step_run *r, const struct matter *m, unsigned done)
{
	const char *step = matter_step_name(r->step);
	int missing;

	switch (matter_step_order(m->major, done, r->step, &missing)) {
	case MO_OK: return 0;
	case MO_DONE: return refuse(r, ERR_MATTER_STEP_DONE, JB_OBJ(jb_str("step", step)));
	case MO_NOT_MAJOR: return refuse(r, ERR_MATTER_NOT_MAJOR, JB_OBJ(jb_str("step", step)));
	case MO_MISSING:
		return refuse(
			r, needs[missing],
			JB_OBJ(jb_str("missing", matter_step_name(missing)), jb_str("step", step)));
	default: return DB_EMISUSE;
	}
}

static int unfit(struct step_run *r, const char *reason, const char *expected)
{
	return refuse(r, ERR_MATTER_MEETING_UNFIT,
		      JB_OBJ(jb_str("reason", reason), jb_str_or_null("expected", expected),
			     jb_int("meeting_id", r->meeting_id)));
}

/* Does the caller see the meeting's unit? 1 yes, 0 no, <0. */
static int meeting_seen(struct db_conn *c, const struct step_run *r, int64_t unit_id)
{
	struct unit_ref u;
	int rc;

	if (!r->viewer)
		return 1;
	rc = unit_get(c, unit_id, &u);
	if (rc < 0)
		return rc;
	return rc == DB_ROW && path_within(u.path, r->viewer);
}

struct step_meetings {
	int64_t ids[MS__COUNT];
	int n;
};

static int step_meeting(void *ctx, const struct matter_step_row *s)
{
	struct step_meetings *sm = ctx;

	if (s->meeting_id && sm->n < MS__COUNT)
		sm->ids[sm->n++] = s->meeting_id;
	return 0;
}

/* The latest start of the meetings of the steps already taken (0: none): a step's meeting may
 * not have been held before the meeting of a step it follows. */
static int latest_step_meeting(struct db_conn *c, int64_t matter_id, int64_t *latest)
{
	struct step_meetings sm = { .n = 0 };
	int rc = matters_store_steps(c, matter_id, step_meeting, &sm);

	*latest = 0;
	for (int i = 0; rc >= 0 && i < sm.n; i++) {
		struct meeting_brief b;
		rc = meeting_brief_get(c, sm.ids[i], &b);
		if (rc == DB_ROW && b.starts_at > *latest)
			*latest = b.starts_at;
	}
	return rc < 0 ? rc : 0;
}

/* The meeting of a meeting step: of the step's type, the matter's unit, carrying the matter,
 * closed, quorate, passed, held no earlier than the meetings of the steps before it, and
 * serving no other step. */
static int meeting_ok(struct db_conn *c, struct step_run *r, const struct matter *m)
{
	struct meeting_brief b;
	int rc = meeting_brief_get(c, r->meeting_id, &b), seen = 0;

	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		seen = meeting_seen(c, r, b.unit_id);
		if (seen < 0)
			return seen;
	}
	if (!seen) {
		r->field = "meeting_id";
		return refuse(r, ERR_INVALID, NULL);
	}
	memcpy(r->meeting_type, b.type, sizeof r->meeting_type);
	r->meeting_type[sizeof r->meeting_type - 1] = '\0';
	if (!matter_meeting_type_fits(m->major, r->step, b.type))
		return unfit(r, "type", matter_step_meeting_type(m->major, r->step));
	if (b.unit_id != m->unit_id)
		return unfit(r, "unit", NULL);
	if (b.matter_id != m->id)
		return unfit(r, "matter", NULL);
	if (strcmp(b.state, "closed"))
		return unfit(r, "not_closed", NULL);
	if (!b.quorate)
		return unfit(r, "not_quorate", NULL);
	if (!b.passed)
		return unfit(r, "not_passed", NULL);
	int64_t latest;
	rc = latest_step_meeting(c, m->id, &latest);
	if (rc < 0)
		return rc;
	if (b.starts_at < latest)
		return unfit(r, "order", NULL);
	rc = matters_store_step_taken(c, m->id, r->step, r->meeting_id);
	if (rc < 0)
		return rc;
	if (rc == 2)
		return refuse(r, ERR_MATTER_MEETING_USED,
			      JB_OBJ(jb_int("meeting_id", r->meeting_id)));
	return 0;
}

/* implement after a published resolution: the period over and every objection answered. */
static int disclosure_over(struct db_conn *c, struct step_run *r, const struct matter *m)
{
	int64_t at = 0, from, unanswered = 0;
	int days = 0, rc = matters_store_disclosure(c, m->id, &at, &days);
	char d[CAL_DAY_TEXT], b[32];

	if (rc < 0 || rc == DB_DONE)
		return rc < 0 ? rc : 0;
	from = matter_implement_from(at, days);
	if (r->now < from)
		return refuse(r, ERR_MATTER_DISCLOSURE_OPEN,
			      JB_OBJ(jb_str("ends_on",
					    cal_day_format(matter_disclosure_ends_on(at, days), d)),
				     jb_str("implement_from", clock_format_shanghai(from, b))));
	rc = matters_store_unanswered(c, m->id, &unanswered);
	if (rc < 0)
		return rc;
	if (unanswered > 0)
		return refuse(r, ERR_MATTER_OBJECTIONS_OPEN,
			      JB_OBJ(jb_int("unanswered", unanswered)));
	return 0;
}

struct appeal_links {
	struct db_conn *c;
	int64_t project_id, now;
};

static int link_appeal(void *ctx, const struct matter_appeal_row *a)
{
	struct appeal_links *l = ctx;

	return project_link_appeal(l->c, l->project_id, a->id, l->now);
}

/* implement's project: the one named (of the matter's unit's subtree, not cancelled) or a new
 * one (proposed, the matter's appeals as its sources). */
static int project_ok(struct db_conn *c, struct step_run *r, const struct matter *m)
{
	struct project p;
	int rc;

	if (r->project_id) {
		rc = project_get(c, r->project_id, &p);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW || !path_within(p.unit_path, m->unit_path) ||
		    p.state == PROJECT_CANCELLED) {
			r->field = "project_id";
			return refuse(r, ERR_INVALID, NULL);
		}
		return 0;
	}
	if (!r->project)
		return 0;
	const struct project_in in = { .unit_id = m->unit_id,
				       .year = cal_year_of(r->now),
				       .type = r->project->type,
				       .title = r->project->title,
				       .goal = r->project->goal,
				       .budget_fen = r->project->budget_fen,
				       .state = PROJECT_PROPOSED,
				       .created_by = r->by };
	rc = project_create(c, &in, &r->new_project);
	if (rc == 0) {
		struct appeal_links l = { c, r->new_project, r->now };
		rc = matters_store_appeals(c, m->id, link_appeal, &l);
	}
	r->project_id = r->new_project;
	return rc;
}

/* The step's days (publish_resolution only): those sent, or the unit's setting. Fewer days
 * than the setting only from a caller who may change the setting (deliberation:settings): a
 * community cannot shorten the period its street set. */
static int days_of(struct db_conn *c, struct step_run *r, const struct matter *m)
{
	struct matter_settings s;
	int rc;

	if (r->step != MS_PUBLISH_RESOLUTION)
		return 0;
	rc = matters_store_settings(c, m->unit_id, &s);
	if (rc < 0)
		return rc;
	if (!r->days)
		r->days = s.disclosure_days;
	else if (r->days < s.disclosure_days && !r->may_shorten) {
		r->field = "days";
		r->why = "at least the unit's disclosure period, unless you may change it";
		return refuse(r, ERR_INVALID, NULL);
	}
	return 0;
}

/* The whole step, in the caller's transaction: 0, DB_EABORT (r->err says why), <0. */
static int step_run(struct db_conn *c, struct step_run *r)
{
	struct matter m;
	unsigned done = 0;
	int64_t changed = 0;
	int rc = matters_store_lock(c, r->matter_id, &m);

	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return refuse(r, ERR_NOT_FOUND, NULL);
	rc = matters_store_done(c, m.id, &done);
	if (rc == 0)
		rc = order_ok(r, &m, done);
	if (rc == 0 && matter_step_has_meeting(r->step))
		rc = meeting_ok(c, r, &m);
	if (rc == 0 && r->step == MS_IMPLEMENT)
		rc = disclosure_over(c, r, &m);
	if (rc == 0 && r->step == MS_IMPLEMENT)
		rc = project_ok(c, r, &m);
	if (rc == 0)
		rc = days_of(c, r, &m);
	if (rc != 0)
		return rc;
	const struct matter_step_row row = {
		.matter_id = m.id,
		.step = r->step,
		.meeting_id = r->meeting_id,
		.meeting_type = r->meeting_id ? r->meeting_type : NULL,
		.text = r->text,
		.days = r->days,
		.project_id = r->project_id,
		.done_by = r->by,
		.done_at = r->now,
	};
	rc = matters_store_step_insert(c, &row);
	if (rc == DB_ECONSTRAINT)
		return refuse(r, ERR_MATTER_STEP_DONE,
			      JB_OBJ(jb_str("step", matter_step_name(r->step))));
	if (rc == 0)
		rc = matters_store_set_state(c, m.id, m.state, matter_state_after(r->step),
					     r->project_id, r->now, &changed);
	if (rc == 0 && changed != 1)
		return refuse(r, ERR_CONFLICT, NULL);
	return rc;
}

int matter_step_take(struct db_conn *c, int64_t matter_id, const char *step, int64_t meeting_id,
		     const char *text, int days, int64_t project_id, int64_t by, int64_t now)
{
	struct step_run r = { .matter_id = matter_id,
			      .meeting_id = meeting_id,
			      .project_id = project_id,
			      .by = by,
			      .now = now,
			      .step = matter_step_parse(step),
			      .days = days,
			      .may_shorten = 1,
			      .text = text };
	int rc;

	if (r.step < 0)
		return DB_EMISUSE;
	rc = step_run(c, &r);
	json_decref(r.details);
	return rc == DB_EABORT ? (int)r.err : rc;
}

/* ---- POST /matters/:id/steps ------------------------------------------------- */

struct step_body {
	const char *step, *text;
	int64_t meeting_id, days, project_id;
	json_t *project;
};

static const struct body_field step_fields[] = {
	BF_STR(struct step_body, step, "step", BF_REQUIRED, 1, 24),
	BF_ID(struct step_body, meeting_id, "meeting_id", BF_OPTIONAL),
	BF_STR_DEF(struct step_body, text, "text", 0, 4000, ""),
	BF_INT(struct step_body, days, "days", BF_OPTIONAL, 1, 30, 0),
	BF_ID(struct step_body, project_id, "project_id", BF_OPTIONAL),
	BF_JSON(struct step_body, project, "project", BF_OPTIONAL, JSON_OBJECT),
};

static const struct body_field project_fields[] = {
	BF_STR(struct step_project, type, "type", BF_REQUIRED, 1, 32),
	BF_STR(struct step_project, title, "title", BF_REQUIRED, 1, 100),
	BF_STR(struct step_project, goal, "goal", BF_REQUIRED, 1, 2000),
	BF_INT(struct step_project, budget_fen, "budget_fen", BF_REQUIRED, 0, MATTER_AMOUNT_MAX, 0),
};

/* The fields the step takes and needs: 0, or -1 having answered 400. */
static int step_fields_or_reply(struct req *req, const struct step_body *b, int step,
				struct step_project *p)
{
	const int meeting = matter_step_has_meeting(step), impl = step == MS_IMPLEMENT;

	if (step < 0) {
		reply_invalid(req, "step",
			      "propose, deliberate, review, decide, publish_resolution, "
			      "implement or publish_result");
		return -1;
	}
	if (meeting != (b->meeting_id != 0)) {
		reply_invalid(req, "meeting_id",
			      meeting ? "required for this step" : "not for this step");
		return -1;
	}
	if (b->days && step != MS_PUBLISH_RESOLUTION) {
		reply_invalid(req, "days", "only for publish_resolution");
		return -1;
	}
	if ((b->project_id || b->project) && !impl) {
		reply_invalid(req, b->project ? "project" : "project_id", "only for implement");
		return -1;
	}
	if (b->project_id && b->project) {
		reply_invalid(req, "project", "either project_id or project, not both");
		return -1;
	}
	if ((step == MS_PUBLISH_RESOLUTION || step == MS_PUBLISH_RESULT) &&
	    body_nonempty_or_reply(req, "text", b->text))
		return -1;
	if (!b->project)
		return 0;
	if (body_read_obj_or_reply(req, b->project, "project", project_fields,
				   sizeof project_fields / sizeof *project_fields, p, NULL))
		return -1;
	if (!project_type_valid(p->type)) {
		reply_invalid(req, "project.type", "one of the project types");
		return -1;
	}
	return 0;
}

struct step_tx {
	struct req *req;
	struct step_run r;
};

static int step_tx(struct db_conn *c, void *ctx)
{
	struct step_tx *x = ctx;
	struct step_run *r = &x->r;

	json_decref(r->details); /* a retried transaction starts over */
	r->details = NULL;
	r->err = ERR_NONE;
	r->field = NULL;
	r->why = NULL;
	r->new_project = 0;
	if (r->project)
		r->project_id = 0; /* a retry creates the project again */
	return audit_write_after(step_run(c, r), x->req, c, "matter.step", "matter", r->matter_id,
				 JB_OBJ(jb_str("step", matter_step_name(r->step)),
					jb_int("meeting_id", r->meeting_id),
					jb_int("project_id", r->project_id)));
}

void matter_post_step(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct step_body b;
	struct step_project p;
	struct matter m;
	int64_t id;
	int rc, step;

	if (!c || req_param_id_or_reply(req, "id", &id) || matter_seen_or_reply(req, c, id, &m) ||
	    BODY_READ_OR_REPLY(req, step_fields, &b, NULL))
		return;
	step = matter_step_parse(b.step);
	if (step_fields_or_reply(req, &b, step, &p))
		return;
	struct step_tx x = { .req = req,
			     .r = { .matter_id = id,
				    .meeting_id = b.meeting_id,
				    .project_id = b.project_id,
				    .by = req_auth(req)->account_id,
				    .now = clock_now(),
				    .step = step,
				    .days = (int)b.days,
				    .may_shorten = auth_can_key(req, "deliberation:settings"),
				    .text = b.text,
				    .project = b.project ? &p : NULL,
				    .viewer = req_auth(req)->unit_path } };
	rc = db_tx_run(c, step_tx, &x);
	if (rc == DB_EABORT && x.r.err == ERR_INVALID) {
		json_decref(x.r.details);
		reply_invalid(req, x.r.field,
			      x.r.why ? x.r.why : "no such meeting or project for this matter");
		return;
	}
	if (rc == DB_EABORT) {
		reply_error_ex(req, x.r.err, NULL, x.r.details);
		return;
	}
	json_decref(x.r.details);
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	matter_reply(req, c, 201, id);
}
