/*
 * committees_api.c — joint committees themselves, and the route table of the
 * committees and their four lists.
 *
 *   POST   /api/v1/joint-committees                 committee:write {name, unit_id,
 *          community_ids, secretary?, note?, members?: [{organisation_id, role}]} → 201
 *   GET    /api/v1/joint-committees?unit=            org:read, visible ones, newest first
 *   GET    /api/v1/joint-committees/:id              org:read, with members and can_write
 *   PATCH  /api/v1/joint-committees/:id              committee:write {name?, secretary?, note?}
 *   POST   /api/v1/joint-committees/:id/members      committee:write {organisation_id, role}
 *   DELETE /api/v1/joint-committees/:id/members/:organisation_id
 *
 * A committee is visible to staff whose subtree holds its unit or one of its
 * communities (404 otherwise, as if absent); it is changed by staff whose
 * subtree holds its unit (403 committee.not_manager for those who only see
 * it). The lists' handlers are in lists_api.c and plans_api.c.
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

#include <stdio.h>
#include <string.h>

/* ---- the common pieces ---------------------------------------------------------- */

const char *committee_today(char out[11])
{
	return cal_day_format(cal_day_of(clock_now()), out);
}

int committee_tx_or_reply(struct req *req, int rc, enum err_id taken)
{
	if (rc >= 0)
		return 0;
	if (rc == DB_ECONSTRAINT && taken != ERR_NONE)
		reply_error(req, taken);
	else
		reply_db_error(req, rc);
	return -1;
}

struct jc_load {
	struct jc *out;
	const char *viewer;
	int seen;
};

static int jc_copy(void *ctx, const struct jc_view *v)
{
	struct jc_load *l = ctx;

	l->out->id = v->id;
	l->out->unit_id = v->unit_id;
	snprintf(l->out->unit_path, sizeof l->out->unit_path, "%s",
		 v->unit_path ? v->unit_path : "");
	return 0;
}

static int jc_community_seen(void *ctx, int64_t id, const char *name, const char *path)
{
	struct jc_load *l = ctx;

	(void)id;
	(void)name;
	if (path && path_within(path, l->viewer))
		l->seen = 1;
	return 0;
}

int jc_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct jc *out)
{
	struct jc_load l = { out, req_auth(req)->unit_path, 0 };
	int rc;

	memset(out, 0, sizeof *out);
	rc = cstore_jc_view(c, id, jc_copy, &l);
	if (req_found_or_reply(req, rc))
		return -1;
	out->manager = path_within(out->unit_path, l.viewer);
	if (!out->manager) {
		rc = cstore_jc_communities(c, id, jc_community_seen, &l);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
	}
	return req_row_or_reply(req, 0, out->manager || l.seen, NULL);
}

int jc_route_or_reply(struct req *req, struct db_conn *c, int manager, struct jc *out)
{
	int64_t id;

	if (req_param_id_or_reply(req, "id", &id) || jc_visible_or_reply(req, c, id, out))
		return -1;
	if (manager && !out->manager) {
		reply_error(req, ERR_COMMITTEE_NOT_MANAGER);
		return -1;
	}
	return 0;
}

void committee_item_reply(struct req *req, struct db_conn *c, enum committee_list list,
			  int64_t committee_id, int64_t id, int status)
{
	int rc = 0;
	json_t *o = committee_item_json(c, list, committee_id, id, &rc);

	if (req_row_or_reply(req, rc, rc == DB_ROW, &o) == 0)
		reply_json(req, status, o);
}

struct org_load {
	char path[256];
};

static int org_path_copy(void *ctx, const struct org_view *v)
{
	struct org_load *l = ctx;

	snprintf(l->path, sizeof l->path, "%s", v->unit_path ? v->unit_path : "");
	return 0;
}

int committee_org_or_reply(struct req *req, struct db_conn *c, int64_t org_id,
			   const char *unit_path, const char *field)
{
	const char *viewer = req_auth(req)->unit_path;
	struct org_load l = { "" };
	int rc = cstore_org_view(c, org_id, org_path_copy, &l);

	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || !(path_within(l.path, viewer) || path_within(viewer, l.path)) ||
	    !committee_org_usable(l.path, unit_path)) {
		reply_invalid_id(req, field, org_id,
				 "no such organisation in the register of this committee's "
				 "unit, above it or inside it");
		return -1;
	}
	return 0;
}

/* Answer the committee in full with status. */
static void jc_reply(struct req *req, struct db_conn *c, int status, int64_t id, int can_write);

/* ---- POST /joint-committees -------------------------------------------------- */

struct member_body {
	int64_t organisation_id;
	const char *role;
};

static const struct body_field member_fields[] = {
	BF_ID(struct member_body, organisation_id, "organisation_id", BF_REQUIRED),
	BF_STR(struct member_body, role, "role", BF_REQUIRED, 1, 50),
};

struct create_body {
	int64_t unit_id;
	const char *name, *secretary, *note;
	json_t *community_ids, *members;
};

static const struct body_field create_fields[] = {
	BF_STR(struct create_body, name, "name", BF_REQUIRED, 1, 100),
	BF_ID(struct create_body, unit_id, "unit_id", BF_REQUIRED),
	BF_JSON(struct create_body, community_ids, "community_ids", BF_REQUIRED, JSON_ARRAY),
	BF_STR_DEF(struct create_body, secretary, "secretary", 0, 50, ""),
	BF_STR_DEF(struct create_body, note, "note", 0, 1000, ""),
	BF_JSON(struct create_body, members, "members", BF_OPTIONAL, JSON_ARRAY),
};

struct jc_new {
	struct req *req;
	struct committee_in in;
	struct member_body *members;
	int n_members;
	int64_t id;
};

static int create_tx(struct db_conn *c, void *ctx)
{
	struct jc_new *x = ctx;
	int64_t now = clock_now();
	int rc = committee_create(c, &x->in, &x->id);

	for (int i = 0; rc == 0 && i < x->n_members; i++)
		rc = committee_member_put(c, x->id, x->members[i].organisation_id,
					  x->members[i].role, now);
	return audit_write_after(rc, x->req, c, "committee.create", "joint_committee", x->id,
				 JB_OBJ(jb_int("unit_id", x->in.unit_id),
					jb_int("communities", x->in.n_communities)));
}

static int communities_or_reply(struct req *req, struct db_conn *c, json_t *arr,
				const struct unit_ref *u, int64_t *ids, int *n)
{
	if (body_ids_or_reply(req, arr, "community_ids", 2, COMMITTEE_COMMUNITIES_MAX, ids, n))
		return -1;
	for (int i = 0; i < *n; i++) {
		struct unit_ref cu;
		int rc = unit_get(c, ids[i], &cu);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW || cu.kind != UNIT_COMMUNITY || !path_within(cu.path, u->path)) {
			reply_invalid_id(req, "community_ids", ids[i],
					 "not a community inside the committee's unit");
			return -1;
		}
	}
	return 0;
}

static int members_or_reply(struct req *req, struct db_conn *c, json_t *arr, const char *path,
			    struct member_body *out, int *n)
{
	size_t i;
	json_t *v;

	*n = 0;
	if (!arr)
		return 0;
	if (json_array_size(arr) > COMMITTEE_MEMBERS_MAX) {
		reply_invalid(req, "members", "at most 100 members");
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		const char *where = arena_printf(&req->arena, "members[%zu]", i);
		const char *field = arena_printf(&req->arena, "%s.organisation_id", where);
		struct member_body *m = &out[*n];
		if (!json_is_object(v)) {
			reply_invalid(req, where, "an object {organisation_id, role}");
			return -1;
		}
		if (body_read_obj_or_reply(req, v, where, member_fields,
					   sizeof member_fields / sizeof *member_fields, m, NULL) ||
		    committee_org_or_reply(req, c, m->organisation_id, path, field))
			return -1;
		for (int k = 0; k < *n; k++)
			if (out[k].organisation_id == m->organisation_id) {
				reply_invalid_id(req, field, m->organisation_id, "named twice");
				return -1;
			}
		(*n)++;
	}
	return 0;
}

static void create_committee(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct create_body b;
	struct unit_ref u;
	int64_t ids[COMMITTEE_COMMUNITIES_MAX];
	struct member_body members[COMMITTEE_MEMBERS_MAX];
	int n = 0, nm = 0, rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_STREET && u.kind != UNIT_DISTRICT) {
		reply_invalid(req, "unit_id", "a street or the district");
		return;
	}
	if (communities_or_reply(req, c, b.community_ids, &u, ids, &n) ||
	    members_or_reply(req, c, b.members, u.path, members, &nm))
		return;
	struct jc_new x = { .req = req,
			    .in = { .unit_id = u.id,
				    .name = b.name,
				    .secretary = b.secretary,
				    .note = b.note,
				    .community_ids = ids,
				    .n_communities = n,
				    .created_by = req_auth(req)->account_id },
			    .members = members,
			    .n_members = nm };
	rc = db_tx_run(c, create_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_COMMITTEE_NAME_TAKEN))
		return;
	jc_reply(req, c, 201, x.id, 1);
}

/* ---- reading -------------------------------------------------------------------- */

struct jc_out {
	struct db_conn *c;
	const char *today;
	int can_write;
	json_t *out;
};

static int jc_full(void *ctx, const struct jc_view *v)
{
	struct jc_out *o = ctx;

	o->out = jc_json(o->c, v, o->today, 1, o->can_write);
	return 0;
}

static void jc_reply(struct req *req, struct db_conn *c, int status, int64_t id, int can_write)
{
	char today[11];
	struct jc_out o = { c, committee_today(today), can_write, NULL };
	int rc = cstore_jc_view(c, id, jc_full, &o);

	if (rc < 0 || rc == DB_DONE || !o.out) {
		json_decref(o.out);
		reply_error(req, rc == DB_DONE ? ERR_NOT_FOUND : ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, status, o.out);
}

static void get_committee(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 0, &j))
		return;
	jc_reply(req, c, 200, j.id, j.manager);
}

struct jc_page {
	struct page *p;
	struct db_conn *c;
	const char *today;
};

static int jc_page_row(void *ctx, const struct jc_view *v)
{
	struct jc_page *x = ctx;
	struct page *p = x->p;

	return page_add(p, v->id, p->n < p->limit ? jc_json(x->c, v, x->today, 0, 0) : NULL);
}

static void list_committees(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char today[11];
	struct scope sc;
	struct page p;

	if (!c || page_begin_or_reply(req, &p) ||
	    scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	struct jc_page x = { &p, c, committee_today(today) };
	page_reply(&p, cstore_jc_list(c, sc.lo, sc.hi, p.cursor ? p.cursor : INT64_MAX, p.limit + 1,
				      jc_page_row, &x));
}

/* ---- PATCH /joint-committees/:id ------------------------------------------------ */

struct update_body {
	const char *name, *secretary, *note;
};

static const struct body_field update_fields[] = {
	BF_STR(struct update_body, name, "name", BF_OPTIONAL, 1, 100),
	BF_STR(struct update_body, secretary, "secretary", BF_OPTIONAL, 0, 50),
	BF_STR(struct update_body, note, "note", BF_OPTIONAL, 0, 1000),
};

struct stored_jc {
	struct update_body *b;
	struct arena *a;
};

static int stored_row(void *ctx, const struct jc_view *v)
{
	struct stored_jc *s = ctx;

	s->b->name = arena_strdup(s->a, v->name ? v->name : "");
	s->b->secretary = arena_strdup(s->a, v->secretary ? v->secretary : "");
	s->b->note = arena_strdup(s->a, v->note ? v->note : "");
	return 0;
}

struct jc_update {
	struct req *req;
	int64_t id;
	struct update_body b;
};

static int update_tx(struct db_conn *c, void *ctx)
{
	struct jc_update *x = ctx;

	return audit_write_after(
		cstore_jc_update(c, x->id, x->b.name, x->b.secretary, x->b.note, clock_now()),
		x->req, c, "committee.update", "joint_committee", x->id, NULL);
}

static void update_committee(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct jc_update x = { .req = req };
	struct stored_jc s = { &x.b, &req->arena };
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 1, &j))
		return;
	x.id = j.id;
	rc = cstore_jc_view(c, j.id, stored_row, &s);
	if (req_found_or_reply(req, rc) || BODY_UPDATE_OR_REPLY(req, update_fields, &x.b, NULL))
		return;
	rc = db_tx_run(c, update_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_COMMITTEE_NAME_TAKEN))
		return;
	jc_reply(req, c, 200, j.id, 1);
}

/* ---- members -------------------------------------------------------------------- */

struct member_change {
	struct req *req;
	int64_t id, org_id;
	const char *role; /* NULL: remove */
	int in_use;
};

static int member_tx(struct db_conn *c, void *ctx)
{
	struct member_change *x = ctx;
	int64_t n = 0;
	int rc;

	x->in_use = 0;
	if (x->role) {
		rc = committee_member_put(c, x->id, x->org_id, x->role, clock_now());
		return audit_write_after(
			rc, x->req, c, "committee.member_add", "joint_committee", x->id,
			JB_OBJ(jb_int("organisation_id", x->org_id), jb_str("role", x->role)));
	}
	rc = cstore_jc_member_uses(c, x->id, x->org_id, &n);
	if (rc < 0)
		return rc;
	if (n > 0) {
		x->in_use = 1;
		return DB_EABORT;
	}
	rc = cstore_jc_member_delete(c, x->id, x->org_id);
	return audit_write_after(rc, x->req, c, "committee.member_remove", "joint_committee", x->id,
				 JB_OBJ(jb_int("organisation_id", x->org_id)));
}

static void add_member(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct member_body b;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 1, &j) ||
	    BODY_READ_OR_REPLY(req, member_fields, &b, NULL) ||
	    committee_org_or_reply(req, c, b.organisation_id, j.unit_path, "organisation_id"))
		return;
	struct member_change x = { req, j.id, b.organisation_id, b.role, 0 };
	int rc = db_tx_run(c, member_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	jc_reply(req, c, 200, j.id, 1);
}

static void remove_member(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t org_id;
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 1, &j) ||
	    req_param_id_or_reply(req, "organisation_id", &org_id))
		return;
	rc = cstore_jc_is_member(c, j.id, org_id);
	if (req_found_or_reply(req, rc))
		return;
	struct member_change x = { req, j.id, org_id, NULL, 0 };
	rc = db_tx_run(c, member_tx, &x);
	if (rc == DB_EABORT && x.in_use) {
		reply_error(req, ERR_COMMITTEE_MEMBER_IN_USE);
		return;
	}
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	jc_reply(req, c, 200, j.id, 1);
}

/* ---- the routes ------------------------------------------------------------------ */

ROUTE_HANDLER_WITH(get_need, committee_item_get, CL_NEED)
ROUTE_HANDLER_WITH(get_resource, committee_item_get, CL_RESOURCE)
ROUTE_HANDLER_WITH(get_cproject, committee_item_get, CL_PROJECT)
ROUTE_HANDLER_WITH(get_duty, committee_item_get, CL_DUTY)
ROUTE_HANDLER_WITH(need_state, committee_item_state, CL_NEED)
ROUTE_HANDLER_WITH(resource_state, committee_item_state, CL_RESOURCE)
ROUTE_HANDLER_WITH(cproject_state, committee_item_state, CL_PROJECT)
ROUTE_HANDLER_WITH(duty_state, committee_item_state, CL_DUTY)

#define JC "/api/v1/joint-committees/:id"
#define W  "committee:write"

const struct route committee_routes[] = {
	{ "POST", "/api/v1/joint-committees", create_committee, R_JSON, W, 0 },
	{ "GET", "/api/v1/joint-committees", list_committees, R_AUTH, "deliberation:read", 0 },
	{ "GET", JC, get_committee, R_AUTH, "deliberation:read", 0 },
	{ "PATCH", JC, update_committee, R_JSON, W, 0 },
	{ "POST", JC "/members", add_member, R_JSON, W, 0 },
	{ "DELETE", JC "/members/:organisation_id", remove_member, R_AUTH, W, 0 },
	{ "POST", JC "/needs", need_create, R_JSON, W, 0 },
	{ "GET", JC "/needs", needs_list, R_AUTH, "deliberation:read", 0 },
	{ "GET", JC "/needs/:iid", get_need, R_AUTH, "deliberation:read", 0 },
	{ "POST", JC "/needs/:iid/state", need_state, R_JSON, W, 0 },
	{ "POST", JC "/resources", resource_create, R_JSON, W, 0 },
	{ "GET", JC "/resources", resources_list, R_AUTH, "deliberation:read", 0 },
	{ "GET", JC "/resources/:iid", get_resource, R_AUTH, "deliberation:read", 0 },
	{ "POST", JC "/resources/:iid/state", resource_state, R_JSON, W, 0 },
	{ "POST", JC "/projects", cproject_create, R_JSON, W, 0 },
	{ "GET", JC "/projects", cprojects_list, R_AUTH, "deliberation:read", 0 },
	{ "GET", JC "/projects/:iid", get_cproject, R_AUTH, "deliberation:read", 0 },
	{ "PATCH", JC "/projects/:iid", cproject_update, R_JSON, W, 0 },
	{ "POST", JC "/projects/:iid/state", cproject_state, R_JSON, W, 0 },
	{ "POST", JC "/responsibilities", duty_create, R_JSON, W, 0 },
	{ "GET", JC "/responsibilities", duties_list, R_AUTH, "deliberation:read", 0 },
	{ "GET", JC "/responsibilities/:iid", get_duty, R_AUTH, "deliberation:read", 0 },
	{ "POST", JC "/responsibilities/:iid/state", duty_state, R_JSON, W, 0 },
	{ "GET", JC "/match", committee_match, R_AUTH, "deliberation:read", 0 },
	{ 0 },
};
