/*
 * projects_api.c — creating, changing and reading projects.
 *
 *   POST  /api/v1/projects        project:write  {unit_id, year, type, title, goal,
 *                                 budget_fen, responsible_unit_id?, responsible_person?,
 *                                 milestones?: [{title, due_date}], appeal_ids?,
 *                                 hotspot?: {grid_id, category, days?},
 *                                 commitment_item_ids?}             → 201, proposed
 *   PATCH /api/v1/projects/:id    project:write  while proposed
 *   GET   /api/v1/projects?unit=&year=&type=&state=&item=&appeal=&limit=&cursor=
 *   GET   /api/v1/projects/:id    org:read: milestones, timeline, sources, items
 *
 * The state machine and the sources endpoint are in project_actions.c. A
 * project's unit is a street, a community or a grid inside the caller's
 * subtree; outside it a project is 404 as if absent. Handlers only: the SQL
 * is in projects_store.c.
 */
#include "projects/projects.h"
#include "projects/projects_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
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

/* ---- creating (also for micro, through projects.h) ------------------------ */

int project_create(struct db_conn *c, const struct project_in *in, int64_t *id)
{
	struct unit_ref u;
	int64_t now = clock_now();
	int rc;

	if (!project_type_valid(in->type) || !in->title ||
	    (in->state != PROJECT_PROPOSED && in->state != PROJECT_APPROVED))
		return DB_EMISUSE;
	rc = unit_get(c, in->unit_id, &u);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	rc = projects_store_insert(c, in, u.path, project_state_name(in->state), now, id);
	if (rc == 0)
		rc = projects_store_event(c, *id, "created", -1, NULL, NULL, 0, in->created_by,
					  now);
	if (rc == 0 && in->state == PROJECT_APPROVED)
		rc = projects_store_event(c, *id, "approved", -1, NULL, NULL, 0, in->created_by,
					  now);
	return rc;
}

/* ---- milestones ------------------------------------------------------------ */

struct milestone_in {
	const char *title, *due_date;
};
struct milestones_in {
	struct milestone_in m[PROJECT_MILESTONES_MAX];
	int n;
};

static const struct body_field milestone_fields[] = {
	BF_STR(struct milestone_in, title, "title", BF_REQUIRED, 1, 100),
	BF_STR(struct milestone_in, due_date, "due_date", BF_REQUIRED, 10, 10),
};

/* The milestones array (NULL: none sent): 0, or -1 having answered. */
static int milestones_or_reply(struct req *req, json_t *arr, struct milestones_in *out)
{
	size_t i;
	json_t *v;

	out->n = 0;
	if (!arr)
		return 0;
	if (json_array_size(arr) > PROJECT_MILESTONES_MAX) {
		reply_invalid(req, "milestones", "at most 20 milestones");
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		const char *where = arena_printf(&req->arena, "milestones[%zu]", i);
		struct milestone_in *m = &out->m[out->n];
		int64_t day;
		if (!json_is_object(v)) {
			reply_invalid(req, where, "an object {title, due_date}");
			return -1;
		}
		if (body_read_obj_or_reply(req, v, where, milestone_fields,
					   sizeof milestone_fields / sizeof *milestone_fields, m,
					   NULL))
			return -1;
		if (cal_day_parse(m->due_date, &day)) {
			reply_invalid(req, arena_printf(&req->arena, "%s.due_date", where),
				      "YYYY-MM-DD");
			return -1;
		}
		out->n++;
	}
	return 0;
}

static int milestones_write(struct db_conn *c, int64_t id, const struct milestones_in *ms)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < ms->n; i++)
		rc = project_add_milestone(c, id, ms->m[i].title, ms->m[i].due_date);
	return rc;
}

/* ---- checks both create and update make ------------------------------------ */

static int fields_or_reply(struct req *req, struct db_conn *c, int64_t year, const char *type,
			   int64_t responsible_unit_id)
{
	struct unit_ref r;
	int rc;

	if (!project_year_ok((int)year, clock_now())) {
		reply_invalid(req, "year", "this year, up to five years back or the next year");
		return -1;
	}
	if (!project_type_valid(type)) {
		reply_invalid(req, "type",
			      "dispute_mediation, meal_delivery, environment, "
			      "epidemic_prevention, illegal_construction, micro or other");
		return -1;
	}
	if (!responsible_unit_id)
		return 0;
	rc = unit_get(c, responsible_unit_id, &r);
	return req_ok_or_invalid(req, rc, rc == DB_ROW, "responsible_unit_id", "an existing unit");
}

/* A project the caller may see: its unit inside the caller's subtree; 404 otherwise. */
int project_seen_or_reply(struct req *req, struct db_conn *c, int64_t id, struct project *p)
{
	int rc = project_get(c, id, p);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(p->unit_path, req_auth(req)->unit_path), NULL);
}

void project_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	json_t *o = project_full_json(c, id, req_auth(req)->unit_path);

	if (!o)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else
		reply_json(req, status, o);
}

/* ---- POST /projects -------------------------------------------------------- */

struct create_body {
	int64_t unit_id, year, budget_fen, responsible_unit_id;
	const char *type, *title, *goal, *responsible_person;
	json_t *milestones, *appeal_ids, *hotspot, *item_ids;
};

#define PROJECT_FIELDS(req_)                                                                       \
	BF_INT(struct create_body, year, "year", req_, 2000, 2100, 0),                             \
		BF_STR(struct create_body, type, "type", req_, 1, 32),                             \
		BF_STR(struct create_body, title, "title", req_, 1, 100),                          \
		BF_STR(struct create_body, goal, "goal", req_, 1, 2000),                           \
		BF_INT(struct create_body, budget_fen, "budget_fen", req_, 0, PROJECT_BUDGET_MAX,  \
		       0),                                                                         \
		BF_ID(struct create_body, responsible_unit_id, "responsible_unit_id",              \
		      BF_OPTIONAL),                                                                \
		BF_STR_DEF(struct create_body, responsible_person, "responsible_person", 0, 50,    \
			   ""),                                                                    \
		BF_JSON(struct create_body, milestones, "milestones", BF_OPTIONAL, JSON_ARRAY)

static const struct body_field create_fields[] = {
	BF_ID(struct create_body, unit_id, "unit_id", BF_REQUIRED),
	PROJECT_FIELDS(BF_REQUIRED),
	BF_JSON(struct create_body, appeal_ids, "appeal_ids", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct create_body, hotspot, "hotspot", BF_OPTIONAL, JSON_OBJECT),
	BF_JSON(struct create_body, item_ids, "commitment_item_ids", BF_OPTIONAL, JSON_ARRAY),
};

struct project_new {
	struct req *req;
	struct project_in in;
	const struct milestones_in *ms;
	const struct project_sources *src;
	int64_t id; /* out */
};

static int create_tx(struct db_conn *c, void *ctx)
{
	struct project_new *x = ctx;
	int64_t now = clock_now();
	int rc = project_create(c, &x->in, &x->id);

	if (rc == 0)
		rc = milestones_write(c, x->id, x->ms);
	if (rc == 0)
		rc = project_sources_write(c, x->id, x->src, now);
	return audit_write_after(rc, x->req, c, "project.create", "project", x->id,
				 JB_OBJ(jb_int("unit_id", x->in.unit_id),
					jb_str("type", x->in.type),
					jb_int("budget_fen", x->in.budget_fen)));
}

static void create_project(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct create_body b;
	struct milestones_in ms;
	struct project_sources src;
	struct unit_ref u;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_STREET && u.kind != UNIT_COMMUNITY && u.kind != UNIT_GRID) {
		reply_invalid(req, "unit_id", "a street, a community or a grid");
		return;
	}
	if (fields_or_reply(req, c, b.year, b.type, b.responsible_unit_id) ||
	    milestones_or_reply(req, b.milestones, &ms) ||
	    project_sources_or_reply(req, c, u.path, b.appeal_ids, b.hotspot, b.item_ids, &src))
		return;
	struct project_new x = {
		.req = req,
		.in = { .unit_id = u.id,
			.year = (int)b.year,
			.type = b.type,
			.title = b.title,
			.goal = b.goal,
			.budget_fen = b.budget_fen,
			.responsible_unit_id = b.responsible_unit_id,
			.responsible_person = b.responsible_person,
			.state = PROJECT_PROPOSED,
			.created_by = req_auth(req)->account_id },
		.ms = &ms,
		.src = &src,
	};
	rc = db_tx_run(c, create_tx, &x);
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	project_reply(req, c, 201, x.id);
}

/* ---- PATCH /projects/:id ---------------------------------------------------- */

static const struct body_field update_fields[] = { PROJECT_FIELDS(BF_OPTIONAL) };

struct stored_edit {
	struct create_body *b;
	struct req *req;
};

/* The stored fields, copied into the request's arena, as the update's start. */
static int stored_row(void *ctx, const struct project_view *v)
{
	struct stored_edit *x = ctx;
	struct create_body *b = x->b;
	struct arena *a = &x->req->arena;

	b->year = v->p.year;
	b->budget_fen = v->p.budget_fen;
	b->responsible_unit_id = v->responsible_unit_id;
	b->type = arena_strdup(a, v->p.type);
	b->title = arena_strdup(a, v->p.title);
	b->goal = arena_strdup(a, v->goal ? v->goal : "");
	b->responsible_person = arena_strdup(a, v->responsible_person ? v->responsible_person : "");
	return 0;
}

struct project_update {
	struct req *req;
	int64_t id;
	struct project_edit e;
	const struct milestones_in *ms; /* NULL: keep */
};

static int update_tx(struct db_conn *c, void *ctx)
{
	struct project_update *x = ctx;
	const struct auth *a = req_auth(x->req);
	int64_t now = clock_now(), changed = 0;
	int rc = projects_store_update(c, x->id, &x->e, now, &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT; /* not proposed any more */
	if (rc == 0 && x->ms)
		rc = projects_store_clear_milestones(c, x->id);
	if (rc == 0 && x->ms)
		rc = milestones_write(c, x->id, x->ms);
	if (rc == 0)
		rc = projects_store_event(c, x->id, "updated", -1, NULL, NULL, 0, a->account_id,
					  now);
	return audit_write_after(rc, x->req, c, "project.update", "project", x->id, NULL);
}

static void update_project(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct create_body b = { 0 };
	struct stored_edit se = { &b, req };
	struct milestones_in ms;
	struct body_seen seen;
	struct project p;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || project_seen_or_reply(req, c, id, &p))
		return;
	rc = projects_store_view(c, id, stored_row, &se);
	if (req_found_or_reply(req, rc))
		return;
	if (BODY_UPDATE_OR_REPLY(req, update_fields, &b, &seen))
		return;
	if (body_null(&seen, update_fields, "responsible_unit_id"))
		b.responsible_unit_id = 0;
	if (p.state != PROJECT_PROPOSED) {
		reply_error_ex(req, ERR_PROJECT_STATE, NULL,
			       JB_OBJ(jb_str("state", project_state_name(p.state)),
				      jb_str("action", "update")));
		return;
	}
	if (fields_or_reply(req, c, b.year, b.type, b.responsible_unit_id) ||
	    milestones_or_reply(req, b.milestones, &ms))
		return;
	struct project_update x = {
		.req = req,
		.id = id,
		.e = { .year = b.year,
		       .budget_fen = b.budget_fen,
		       .responsible_unit_id = b.responsible_unit_id,
		       .type = b.type,
		       .title = b.title,
		       .goal = b.goal,
		       .responsible_person = b.responsible_person },
		.ms = b.milestones ? &ms : NULL,
	};
	rc = db_tx_run(c, update_tx, &x);
	if (rc == DB_EABORT) {
		reply_error_ex(req, ERR_PROJECT_STATE, NULL, JB_OBJ(jb_str("action", "update")));
		return;
	}
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	project_reply(req, c, 200, id);
}

/* ---- reading ---------------------------------------------------------------- */

static void get_project(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct project p;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) || project_seen_or_reply(req, c, id, &p))
		return;
	project_reply(req, c, 200, id);
}

static int project_page_row(void *ctx, const struct project_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->p.id, p->n < p->limit ? project_summary_json(v) : NULL);
}

/* An optional id in the query (?item=, ?appeal=): 0 when absent; -1 having answered. */
static int query_id_or_reply(struct req *req, const char *name, int64_t lo, int64_t hi,
			     int64_t *out)
{
	const char *v = req_query(req, name);

	*out = 0;
	if (v && parse_int64(v, lo, hi, out)) {
		reply_invalid(req, name, "expected an id");
		return -1;
	}
	return 0;
}

static void list_projects(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *type = req_query(req, "type"), *state = req_query(req, "state");
	int64_t year = 0, item = 0, appeal = 0;
	struct scope sc;
	struct page p;

	if (!c || page_begin_or_reply(req, &p) ||
	    query_id_or_reply(req, "item", 1, INT64_MAX, &item) ||
	    query_id_or_reply(req, "appeal", 1, INT64_MAX, &appeal))
		return;
	if (req_query(req, "year") && parse_int64(req_query(req, "year"), 2000, 2100, &year)) {
		reply_invalid(req, "year", "a year, 2000 to 2100");
		return;
	}
	if (type && !project_type_valid(type)) {
		reply_invalid(req, "type", "one of the project types");
		return;
	}
	if (state && project_state_parse(state) < 0) {
		reply_invalid(req, "state",
			      "proposed, approved, in_progress, completed or cancelled");
		return;
	}
	if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	const struct project_filter f = { .lo = sc.lo,
					  .hi = sc.hi,
					  .before = p.cursor ? p.cursor : INT64_MAX,
					  .year = year,
					  .type = type,
					  .state = state,
					  .item = item,
					  .appeal = appeal,
					  .limit = p.limit + 1 };
	page_reply(&p, projects_store_list(c, &f, project_page_row, &p));
}

const struct route project_routes[] = {
	{ "POST", "/api/v1/projects", create_project, R_JSON, "project:write", 0 },
	{ "GET", "/api/v1/projects", list_projects, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/projects/:id", get_project, R_AUTH, "org:read", 0 },
	{ "PATCH", "/api/v1/projects/:id", update_project, R_JSON, "project:write", 0 },
	{ "POST", "/api/v1/projects/:id/actions", project_act, R_AUTH | R_JSON, NULL, 0 },
	{ "POST", "/api/v1/projects/:id/sources", project_add_sources, R_JSON, "project:write", 0 },
	{ 0 },
};
