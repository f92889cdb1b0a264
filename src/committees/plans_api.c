/*
 * plans_api.c — a committee's projects (a need matched with resources) and
 * responsibilities (who does what by when), and the match view that puts
 * unmet needs beside unused resources.
 *
 *   POST  /api/v1/joint-committees/:id/projects   {title, detail?, need_ids, resource_ids,
 *         project_id?}                                         → 201 the project
 *   PATCH /api/v1/joint-committees/:id/projects/:iid  {title?, detail?, project_id?|null}
 *   GET   /api/v1/joint-committees/:id/projects?state=
 *   POST  /api/v1/joint-committees/:id/responsibilities  {project_id | need_id,
 *         organisation_id? / person?, task, due_date}          → 201
 *   GET   /api/v1/joint-committees/:id/responsibilities?state=&overdue=1&project_id=
 *         &need_id=&organisation_id=
 *   GET   /api/v1/joint-committees/:id/match?kind=&community_id=
 *
 * Creating a project takes its needs and resources in the same transaction
 * (committee_project_create): one already taken refuses the whole project
 * with 409 committee.need_taken / committee.resource_taken and writes
 * nothing. Overdue is computed on each read against the Shanghai date of the
 * clock (the test clock in tests), never stored.
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

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
#include "projects/projects.h"

#include <stdio.h>
#include <string.h>

/* A projects.h project linked to a committee project: inside the committee's unit and the
 * caller's subtree. 0, or -1 having answered 400. */
static int linked_project_or_reply(struct req *req, struct db_conn *c, int64_t id,
				   const struct jc *j)
{
	struct project p;
	int rc;

	if (!id)
		return 0;
	rc = project_get(c, id, &p);
	return req_ok_or_invalid(req, rc,
				 rc == DB_ROW && path_within(p.unit_path, j->unit_path) &&
					 path_within(p.unit_path, req_auth(req)->unit_path),
				 "project_id",
				 "a project inside the committee's unit and your area");
}

/* ---- POST …/projects -------------------------------------------------------------- */

struct cproject_body {
	const char *title, *detail;
	json_t *need_ids, *resource_ids;
	int64_t project_id;
};

static const struct body_field cproject_fields[] = {
	BF_STR(struct cproject_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR_DEF(struct cproject_body, detail, "detail", 0, 2000, ""),
	BF_JSON(struct cproject_body, need_ids, "need_ids", BF_REQUIRED, JSON_ARRAY),
	BF_JSON(struct cproject_body, resource_ids, "resource_ids", BF_REQUIRED, JSON_ARRAY),
	BF_ID(struct cproject_body, project_id, "project_id", BF_OPTIONAL),
};

struct cproject_new {
	struct req *req;
	struct cproject_in in;
	int64_t id, taken_id;
	char taken_what;
};

static int cproject_tx(struct db_conn *c, void *ctx)
{
	struct cproject_new *x = ctx;
	int rc = committee_project_create(c, &x->in, &x->id, &x->taken_id, &x->taken_what);

	return audit_write_after(
		rc, x->req, c, "committee.project_create", "committee_project", x->id,
		JB_OBJ(jb_int("committee_id", x->in.committee_id), jb_int("needs", x->in.n_needs),
		       jb_int("resources", x->in.n_resources)));
}

/* Each id an item of the committee's list: 0, or -1 having answered 400. */
static int items_or_reply(struct req *req, struct db_conn *c, enum committee_list list,
			  int64_t committee_id, const char *field, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		struct item_ref r;
		int rc = cstore_item_ref(c, list, ids[i], &r);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW || r.committee_id != committee_id) {
			reply_invalid_id(req, field, ids[i], "not an item of this committee");
			return -1;
		}
	}
	return 0;
}

static void reply_taken(struct req *req, struct db_conn *c, const struct cproject_new *x)
{
	const enum committee_list list = x->taken_what == 'n' ? CL_NEED : CL_RESOURCE;
	struct item_ref r;
	int rc = cstore_item_ref(c, list, x->taken_id, &r);

	reply_error_ex(
		req, list == CL_NEED ? ERR_COMMITTEE_NEED_TAKEN : ERR_COMMITTEE_RESOURCE_TAKEN,
		NULL,
		JB_OBJ(jb_int("id", x->taken_id), jb_str("state", rc == DB_ROW ? r.state : "")));
}

void cproject_create(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct cproject_body b;
	int64_t needs[COMMITTEE_IDS_MAX], res[COMMITTEE_IDS_MAX];
	int nn = 0, nr = 0, rc;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 1, &j) ||
	    BODY_READ_OR_REPLY(req, cproject_fields, &b, NULL) ||
	    body_ids_or_reply(req, b.need_ids, "need_ids", 1, COMMITTEE_IDS_MAX, needs, &nn) ||
	    body_ids_or_reply(req, b.resource_ids, "resource_ids", 1, COMMITTEE_IDS_MAX, res,
			      &nr) ||
	    items_or_reply(req, c, CL_NEED, j.id, "need_ids", needs, nn) ||
	    items_or_reply(req, c, CL_RESOURCE, j.id, "resource_ids", res, nr) ||
	    linked_project_or_reply(req, c, b.project_id, &j))
		return;
	struct cproject_new x = { .req = req,
				  .in = { .committee_id = j.id,
					  .title = b.title,
					  .detail = b.detail,
					  .need_ids = needs,
					  .n_needs = nn,
					  .resource_ids = res,
					  .n_resources = nr,
					  .project_id = b.project_id,
					  .created_by = req_auth(req)->account_id } };
	rc = db_tx_run(c, cproject_tx, &x);
	if (rc == DB_EABORT) {
		reply_taken(req, c, &x);
		return;
	}
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	committee_item_reply(req, c, CL_PROJECT, j.id, x.id, 201);
}

/* ---- PATCH …/projects/:iid -------------------------------------------------------- */

struct cproject_edit {
	const char *title, *detail;
	int64_t project_id;
};

static const struct body_field cproject_edit_fields[] = {
	BF_STR(struct cproject_edit, title, "title", BF_OPTIONAL, 1, 100),
	BF_STR(struct cproject_edit, detail, "detail", BF_OPTIONAL, 0, 2000),
	BF_ID(struct cproject_edit, project_id, "project_id", BF_OPTIONAL),
};

struct stored_cproject {
	struct cproject_edit *e;
	struct arena *a;
};

static int cproject_stored(void *ctx, const struct cproject_view *v)
{
	struct stored_cproject *s = ctx;

	s->e->title = arena_strdup(s->a, v->title ? v->title : "");
	s->e->detail = arena_strdup(s->a, v->detail ? v->detail : "");
	s->e->project_id = v->project_id;
	return 0;
}

struct cproject_upd {
	struct req *req;
	int64_t id;
	struct cproject_edit e;
};

static int cproject_update_tx(struct db_conn *c, void *ctx)
{
	struct cproject_upd *x = ctx;
	int64_t changed = 0;
	int rc = cstore_cproject_update(c, x->id, x->e.title, x->e.detail, x->e.project_id,
					clock_now(), &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "committee.project_update", "committee_project",
				 x->id, JB_OBJ(jb_int("project_id", x->e.project_id)));
}

void cproject_update(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct cproject_upd x = { .req = req };
	struct stored_cproject s = { &x.e, &req->arena };
	struct body_seen seen;
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 1, &j) || req_param_id_or_reply(req, "iid", &x.id))
		return;
	rc = cstore_cproject(c, j.id, x.id, cproject_stored, &s);
	if (req_found_or_reply(req, rc) ||
	    BODY_UPDATE_OR_REPLY(req, cproject_edit_fields, &x.e, &seen))
		return;
	if (body_null(&seen, cproject_edit_fields, "project_id"))
		x.e.project_id = 0;
	else if (body_has(&seen, cproject_edit_fields, "project_id") &&
		 linked_project_or_reply(req, c, x.e.project_id, &j))
		return;
	rc = db_tx_run(c, cproject_update_tx, &x);
	if (rc == DB_EABORT) {
		reply_error_ex(req, ERR_COMMITTEE_STATE, NULL,
			       JB_OBJ(jb_int("id", x.id), jb_str("state", "done"),
				      jb_str("to", "update")));
		return;
	}
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	committee_item_reply(req, c, CL_PROJECT, j.id, x.id, 200);
}

/* ---- POST …/responsibilities ------------------------------------------------------ */

struct duty_body {
	int64_t project_id, need_id, organisation_id;
	const char *person, *task, *due_date;
};

static const struct body_field duty_fields[] = {
	BF_ID(struct duty_body, project_id, "project_id", BF_OPTIONAL),
	BF_ID(struct duty_body, need_id, "need_id", BF_OPTIONAL),
	BF_ID(struct duty_body, organisation_id, "organisation_id", BF_OPTIONAL),
	BF_STR_DEF(struct duty_body, person, "person", 0, 50, ""),
	BF_STR(struct duty_body, task, "task", BF_REQUIRED, 1, 500),
	BF_STR(struct duty_body, due_date, "due_date", BF_REQUIRED, 10, 10),
};

struct duty_new {
	struct req *req;
	struct duty_in in;
	int64_t id;
};

static int duty_tx(struct db_conn *c, void *ctx)
{
	struct duty_new *x = ctx;
	int rc = committee_duty_create(c, &x->in, &x->id);

	return audit_write_after(rc, x->req, c, "committee.responsibility_create",
				 "committee_responsibility", x->id,
				 JB_OBJ(jb_int("committee_id", x->in.committee_id),
					jb_str("due_date", x->in.due_date)));
}

static int duty_fields_or_reply(struct req *req, struct db_conn *c, const struct jc *j,
				const struct duty_body *b)
{
	int64_t day;
	int rc;

	if (!b->project_id == !b->need_id) {
		reply_invalid(req, "project_id", "exactly one of project_id and need_id");
		return -1;
	}
	if (!b->organisation_id && !b->person[0]) {
		reply_invalid(req, "organisation_id", "an organisation_id, a person or both");
		return -1;
	}
	if (cal_day_parse(b->due_date, &day) || strcmp(b->due_date, "2000-01-01") < 0 ||
	    strcmp(b->due_date, "2100-12-31") > 0) {
		reply_invalid(req, "due_date", "YYYY-MM-DD, 2000 to 2100");
		return -1;
	}
	if (b->project_id &&
	    items_or_reply(req, c, CL_PROJECT, j->id, "project_id", &b->project_id, 1))
		return -1;
	if (b->need_id && items_or_reply(req, c, CL_NEED, j->id, "need_id", &b->need_id, 1))
		return -1;
	if (!b->organisation_id)
		return 0;
	rc = cstore_jc_is_member(c, j->id, b->organisation_id);
	return req_ok_or_invalid(req, rc, rc == DB_ROW, "organisation_id",
				 "a member organisation of the committee");
}

void duty_create(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct duty_body b;
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 1, &j) ||
	    BODY_READ_OR_REPLY(req, duty_fields, &b, NULL) || duty_fields_or_reply(req, c, &j, &b))
		return;
	struct duty_new x = { .req = req,
			      .in = { .committee_id = j.id,
				      .cproject_id = b.project_id,
				      .need_id = b.need_id,
				      .organisation_id = b.organisation_id,
				      .person = b.person,
				      .task = b.task,
				      .due_date = b.due_date,
				      .created_by = req_auth(req)->account_id } };
	rc = db_tx_run(c, duty_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	committee_item_reply(req, c, CL_DUTY, j.id, x.id, 201);
}

/* ---- the lists -------------------------------------------------------------------- */

struct plan_page {
	struct page *p;
	struct db_conn *c;
	const char *today;
};

static int cproject_page_row(void *ctx, const struct cproject_view *v)
{
	struct plan_page *x = ctx;

	return page_add(x->p, v->id,
			x->p->n < x->p->limit ? cproject_json(x->c, v, x->today) : NULL);
}

static int duty_page_row(void *ctx, const struct duty_view *v)
{
	struct plan_page *x = ctx;

	return page_add(x->p, v->id, x->p->n < x->p->limit ? duty_json(v, x->today) : NULL);
}

static int cproject_state_ok(const char *s)
{
	return committee_state_valid(CL_PROJECT, s);
}

static int duty_state_ok(const char *s)
{
	return committee_state_valid(CL_DUTY, s);
}

void cprojects_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_filter f = { 0 };
	char today[11];
	struct page p;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 0, &j) || page_begin_or_reply(req, &p) ||
	    committee_query_name_or_reply(req, "state", cproject_state_ok,
					  "planned, running or done", &f.state))
		return;
	f.committee_id = j.id;
	f.before = p.cursor ? p.cursor : INT64_MAX;
	f.limit = p.limit + 1;
	struct plan_page x = { &p, c, committee_today(today) };
	page_reply(&p, cstore_cprojects(c, &f, cproject_page_row, &x));
}

void duties_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_filter f = { 0 };
	const char *overdue = req_query(req, "overdue");
	char today[11];
	struct page p;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 0, &j) || page_begin_or_reply(req, &p) ||
	    committee_query_name_or_reply(req, "state", duty_state_ok, "open or done", &f.state) ||
	    committee_query_id_or_reply(req, "project_id", &f.cproject_id) ||
	    committee_query_id_or_reply(req, "need_id", &f.need_id) ||
	    committee_query_id_or_reply(req, "organisation_id", &f.organisation_id))
		return;
	if (overdue && strcmp(overdue, "0") && strcmp(overdue, "1")) {
		reply_invalid(req, "overdue", "0 or 1");
		return;
	}
	f.overdue = overdue && !strcmp(overdue, "1");
	f.today = committee_today(today);
	f.committee_id = j.id;
	f.before = p.cursor ? p.cursor : INT64_MAX;
	f.limit = p.limit + 1;
	struct plan_page x = { &p, c, f.today };
	page_reply(&p, cstore_duties(c, &f, duty_page_row, &x));
}
