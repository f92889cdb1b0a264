/*
 * lists_api.c — a committee's needs and resources, any item read by id, the
 * state changes of all four lists, and the match view.
 *
 *   POST /api/v1/joint-committees/:id/needs          {community_id, title, detail?, source,
 *        appeal_ids?, hotspot?, organisation_id?, wants?}            → 201 the need
 *   GET  /api/v1/joint-committees/:id/needs?state=&community_id=&source=
 *   POST /api/v1/joint-committees/:id/resources      {organisation_id, kind, title, detail?,
 *        quantity + quantity_unit | amount_fen (money)}              → 201 the resource
 *   GET  /api/v1/joint-committees/:id/resources?state=&kind=&organisation_id=
 *   GET  /api/v1/joint-committees/:id/<list>/:iid
 *   POST /api/v1/joint-committees/:id/<list>/:iid/state  {state}     → 200 the item
 *   GET  /api/v1/joint-committees/:id/match?kind=&community_id=
 *
 * A need's sources are checked as a project's are (src/projects): appeals the
 * caller sees, placed in the need's community; a hotspot recounted in a grid
 * of that community. Community staff may add and settle needs of their own
 * community; everything else is for the committee's managers.
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

#include "audit/audit.h"
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
#include <stdlib.h>
#include <string.h>

/* The list's audit action of a change: "committee.need_state" … */
static const char *const list_names[] = { [CL_NEED] = "need",
					  [CL_RESOURCE] = "resource",
					  [CL_PROJECT] = "project",
					  [CL_DUTY] = "responsibility" };

/* ---- a need's community and sources ---------------------------------------------- */

struct community_find {
	int64_t id;
	char path[256];
	int found;
};

static int community_match(void *ctx, int64_t id, const char *name, const char *path)
{
	struct community_find *f = ctx;

	(void)name;
	if (id == f->id) {
		snprintf(f->path, sizeof f->path, "%s", path ? path : "");
		f->found = 1;
	}
	return 0;
}

/* One of the committee's communities: 0 and its path, or -1 having answered 400. */
static int community_or_reply(struct req *req, struct db_conn *c, int64_t committee_id, int64_t id,
			      const char *field, char path[256])
{
	struct community_find f = { .id = id };
	int rc = cstore_jc_communities(c, committee_id, community_match, &f);

	if (req_ok_or_invalid(req, rc, f.found, field, "one of the committee's communities"))
		return -1;
	memcpy(path, f.path, sizeof f.path);
	return 0;
}

static int appeals_or_reply(struct req *req, struct db_conn *c, json_t *arr, const char *community,
			    int64_t *ids, int *n)
{
	const char *viewer = req_auth(req)->unit_path;

	if (body_ids_or_reply(req, arr, "appeal_ids", 1, COMMITTEE_APPEALS_MAX, ids, n))
		return -1;
	for (int i = 0; i < *n; i++) {
		char up[256], hp[256];
		int rc = cstore_appeal_paths(c, ids[i], up, hp, sizeof up);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW || !(path_within(up, viewer) || path_within(hp, viewer)) ||
		    !path_within(up, community)) {
			reply_invalid_id(req, "appeal_ids", ids[i],
					 "no such appeal in your area and the need's community");
			return -1;
		}
	}
	return 0;
}

/* ---- POST …/needs --------------------------------------------------------------- */

struct need_body {
	int64_t community_id, organisation_id;
	const char *title, *detail, *source;
	json_t *appeal_ids, *hotspot, *wants;
};

static const struct body_field need_fields[] = {
	BF_ID(struct need_body, community_id, "community_id", BF_REQUIRED),
	BF_STR(struct need_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR_DEF(struct need_body, detail, "detail", 0, 2000, ""),
	BF_STR(struct need_body, source, "source", BF_REQUIRED, 1, 16),
	BF_JSON(struct need_body, appeal_ids, "appeal_ids", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct need_body, hotspot, "hotspot", BF_OPTIONAL, JSON_OBJECT),
	BF_ID(struct need_body, organisation_id, "organisation_id", BF_OPTIONAL),
	BF_JSON(struct need_body, wants, "wants", BF_OPTIONAL, JSON_ARRAY),
};

struct need_new {
	struct req *req;
	struct need_in in;
	int64_t id;
};

static int need_tx(struct db_conn *c, void *ctx)
{
	struct need_new *x = ctx;
	int rc = committee_need_create(c, &x->in, &x->id);

	return audit_write_after(rc, x->req, c, "committee.need_create", "committee_need", x->id,
				 JB_OBJ(jb_int("committee_id", x->in.committee_id),
					jb_int("community_id", x->in.community_id),
					jb_str("source", x->in.source)));
}

/* Is a field sent only with the source that takes it: 0, or -1 having answered. */
static int source_field_or_reply(struct req *req, const char *field, int sent, int wanted,
				 const char *source)
{
	if (sent == wanted)
		return 0;
	reply_invalid(req, field,
		      wanted ? arena_printf(&req->arena, "required when the source is %s", source)
			     : arena_printf(&req->arena, "only when the source is %s", source));
	return -1;
}

/* The sources a need's body names, by its source: 0, or -1 having answered. */
static int need_sources_or_reply(struct req *req, struct db_conn *c, const struct need_body *b,
				 const struct jc *j, const char *community, struct need_in *in,
				 int64_t *appeals)
{
	const int ap = !strcmp(b->source, "appeal"), hs = !strcmp(b->source, "hotspot"),
		  vi = !strcmp(b->source, "visit");

	if (source_field_or_reply(req, "appeal_ids", b->appeal_ids != NULL, ap, "appeal") ||
	    source_field_or_reply(req, "hotspot", b->hotspot != NULL, hs, "hotspot") ||
	    source_field_or_reply(req, "organisation_id", b->organisation_id != 0, vi, "visit"))
		return -1;
	if (ap && appeals_or_reply(req, c, b->appeal_ids, community, appeals, &in->n_appeals))
		return -1;
	if (hs && project_hotspot_or_reply(req, c, b->hotspot, community, "hotspot",
					   ERR_COMMITTEE_NO_HOTSPOT, &in->hotspot))
		return -1;
	if (vi &&
	    committee_org_or_reply(req, c, b->organisation_id, j->unit_path, "organisation_id"))
		return -1;
	in->appeal_ids = appeals;
	return 0;
}

void need_create(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct need_body b;
	char community[256], wants[64];
	int64_t appeals[COMMITTEE_APPEALS_MAX];
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 0, &j) ||
	    BODY_READ_OR_REPLY(req, need_fields, &b, NULL) ||
	    community_or_reply(req, c, j.id, b.community_id, "community_id", community))
		return;
	if (!j.manager && !path_within(community, req_auth(req)->unit_path)) {
		reply_error(req, ERR_COMMITTEE_NOT_MANAGER);
		return;
	}
	if (!need_source_valid(b.source)) {
		reply_invalid(req, "source", "resident, appeal, hotspot or visit");
		return;
	}
	if (committee_wants_text(b.wants, wants, sizeof wants)) {
		reply_invalid(req, "wants", "at most 5 distinct resource kinds");
		return;
	}
	struct need_new x = { .req = req,
			      .in = { .committee_id = j.id,
				      .community_id = b.community_id,
				      .title = b.title,
				      .detail = b.detail,
				      .source = b.source,
				      .organisation_id = b.organisation_id,
				      .wants = wants,
				      .created_by = req_auth(req)->account_id } };
	if (need_sources_or_reply(req, c, &b, &j, community, &x.in, appeals))
		return;
	rc = db_tx_run(c, need_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	committee_item_reply(req, c, CL_NEED, j.id, x.id, 201);
}

/* ---- POST …/resources ----------------------------------------------------------- */

struct resource_body {
	int64_t organisation_id, quantity, amount_fen;
	const char *kind, *title, *detail, *quantity_unit;
};

static const struct body_field resource_fields[] = {
	BF_ID(struct resource_body, organisation_id, "organisation_id", BF_REQUIRED),
	BF_STR(struct resource_body, kind, "kind", BF_REQUIRED, 1, 16),
	BF_STR(struct resource_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR_DEF(struct resource_body, detail, "detail", 0, 1000, ""),
	BF_INT(struct resource_body, quantity, "quantity", BF_OPTIONAL, 1, COMMITTEE_QUANTITY_MAX,
	       0),
	BF_STR(struct resource_body, quantity_unit, "quantity_unit", BF_OPTIONAL, 1, 10),
	BF_INT(struct resource_body, amount_fen, "amount_fen", BF_OPTIONAL, 1, COMMITTEE_AMOUNT_MAX,
	       0),
};

struct resource_new {
	struct req *req;
	struct resource_in in;
	int64_t id;
};

static int resource_tx(struct db_conn *c, void *ctx)
{
	struct resource_new *x = ctx;
	int rc = committee_resource_create(c, &x->in, &x->id);

	return audit_write_after(rc, x->req, c, "committee.resource_create", "committee_resource",
				 x->id,
				 JB_OBJ(jb_int("committee_id", x->in.committee_id),
					jb_int("organisation_id", x->in.organisation_id),
					jb_str("kind", x->in.kind)));
}

/* The amounts a kind takes: money an amount, the rest a quantity and its unit. */
static int amounts_or_reply(struct req *req, const struct resource_body *b)
{
	const int money = !strcmp(b->kind, "money");

	if (money && (b->quantity || b->quantity_unit)) {
		reply_invalid(req, b->quantity ? "quantity" : "quantity_unit",
			      "money is given as amount_fen");
		return -1;
	}
	if (money && !b->amount_fen) {
		reply_invalid(req, "amount_fen", "required for money, 1 fen or more");
		return -1;
	}
	if (!money && b->amount_fen) {
		reply_invalid(req, "amount_fen", "only for money");
		return -1;
	}
	if (!money && (!b->quantity || !b->quantity_unit)) {
		reply_invalid(req, b->quantity ? "quantity_unit" : "quantity",
			      "a quantity (1 or more) and its unit (人, 间, 次 …)");
		return -1;
	}
	return 0;
}

void resource_create(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct resource_body b;
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 1, &j) ||
	    BODY_READ_OR_REPLY(req, resource_fields, &b, NULL))
		return;
	if (!resource_kind_valid(b.kind)) {
		reply_invalid(req, "kind", "room, volunteers, money, skills or equipment");
		return;
	}
	if (amounts_or_reply(req, &b))
		return;
	rc = cstore_jc_is_member(c, j.id, b.organisation_id);
	if (req_ok_or_invalid(req, rc, rc == DB_ROW, "organisation_id",
			      "a member organisation of the committee"))
		return;
	struct resource_new x = { .req = req,
				  .in = { .committee_id = j.id,
					  .organisation_id = b.organisation_id,
					  .kind = b.kind,
					  .title = b.title,
					  .detail = b.detail,
					  .quantity = b.quantity,
					  .quantity_unit = b.quantity_unit,
					  .amount_fen = b.amount_fen,
					  .created_by = req_auth(req)->account_id } };
	rc = db_tx_run(c, resource_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	committee_item_reply(req, c, CL_RESOURCE, j.id, x.id, 201);
}

/* ---- one item, and its state ------------------------------------------------------ */

void committee_item_get(struct req *req, enum committee_list list)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t iid;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 0, &j) || req_param_id_or_reply(req, "iid", &iid))
		return;
	committee_item_reply(req, c, list, j.id, iid, 200);
}

struct state_change {
	struct req *req;
	enum committee_list list;
	int64_t committee_id, id;
	const char *to;
};

static int state_tx(struct db_conn *c, void *ctx)
{
	struct state_change *x = ctx;
	int64_t changed = 0;
	int rc = committee_set_state(c, x->committee_id, x->list, x->id, x->to, clock_now(),
				     &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	return audit_write_after(
		rc, x->req, c,
		arena_printf(&x->req->arena, "committee.%s_state", list_names[x->list]),
		arena_printf(&x->req->arena, "committee_%s", list_names[x->list]), x->id,
		JB_OBJ(jb_str("state", x->to)));
}

void committee_item_state(struct req *req, enum committee_list list)
{
	struct db_conn *c = req_db_or_reply(req);
	struct item_ref r;
	const char *to;
	int64_t iid;
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 0, &j) || req_param_id_or_reply(req, "iid", &iid))
		return;
	rc = cstore_item_ref(c, list, iid, &r);
	if (req_row_or_reply(req, rc, rc == DB_ROW && r.committee_id == j.id, NULL))
		return;
	if (!j.manager &&
	    !(list == CL_NEED && path_within(r.community_path, req_auth(req)->unit_path))) {
		reply_error(req, ERR_COMMITTEE_NOT_MANAGER);
		return;
	}
	if (body_str_or_reply(req, "state", 1, 16, NULL, &to))
		return;
	if (!committee_state_valid(list, to)) {
		reply_invalid(req, "state", committee_move_targets(list));
		return;
	}
	struct state_change x = { req, list, j.id, iid, to };
	rc = db_tx_run(c, state_tx, &x);
	if (rc == DB_EABORT) {
		int rc2 = cstore_item_ref(c, list, iid, &r);
		reply_error_ex(req, ERR_COMMITTEE_STATE, NULL,
			       JB_OBJ(jb_int("id", iid),
				      jb_str("state", rc2 == DB_ROW ? r.state : ""),
				      jb_str("to", to)));
		return;
	}
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	committee_item_reply(req, c, list, j.id, iid, 200);
}

/* ---- the lists -------------------------------------------------------------------- */

/* An optional id in the query: 0 when absent; -1 having answered. */
int committee_query_id_or_reply(struct req *req, const char *name, int64_t *out)
{
	const char *v = req_query(req, name);

	*out = 0;
	if (v && parse_int64(v, 1, INT64_MAX, out)) {
		reply_invalid(req, name, "expected an id");
		return -1;
	}
	return 0;
}

/* An optional name in the query that valid() accepts: 0, or -1 having answered. */
int committee_query_name_or_reply(struct req *req, const char *name, int (*valid)(const char *),
				  const char *why, const char **out)
{
	*out = req_query(req, name);
	if (*out && !valid(*out)) {
		reply_invalid(req, name, why);
		return -1;
	}
	return 0;
}

static int need_state_ok(const char *s)
{
	return committee_state_valid(CL_NEED, s);
}

static int resource_state_ok(const char *s)
{
	return committee_state_valid(CL_RESOURCE, s);
}

struct list_page {
	struct page *p;
	struct db_conn *c;
};

static int need_page_row(void *ctx, const struct need_view *v)
{
	struct list_page *x = ctx;

	return page_add(x->p, v->id, x->p->n < x->p->limit ? need_json(x->c, v) : NULL);
}

static int resource_page_row(void *ctx, const struct resource_view *v)
{
	struct list_page *x = ctx;

	return page_add(x->p, v->id, x->p->n < x->p->limit ? resource_json(v) : NULL);
}

void needs_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_filter f = { 0 };
	struct page p;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 0, &j) || page_begin_or_reply(req, &p) ||
	    committee_query_name_or_reply(req, "state", need_state_ok, "open, matched or met",
					  &f.state) ||
	    committee_query_name_or_reply(req, "source", need_source_valid,
					  "resident, appeal, hotspot or visit", &f.kind) ||
	    committee_query_id_or_reply(req, "community_id", &f.community_id))
		return;
	f.committee_id = j.id;
	f.before = p.cursor ? p.cursor : INT64_MAX;
	f.limit = p.limit + 1;
	struct list_page x = { &p, c };
	page_reply(&p, cstore_needs(c, &f, need_page_row, &x));
}

void resources_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_filter f = { 0 };
	struct page p;
	struct jc j;

	if (!c || jc_route_or_reply(req, c, 0, &j) || page_begin_or_reply(req, &p) ||
	    committee_query_name_or_reply(req, "state", resource_state_ok,
					  "available, committed or used", &f.state) ||
	    committee_query_name_or_reply(req, "kind", resource_kind_valid,
					  "room, volunteers, money, skills or equipment",
					  &f.kind) ||
	    committee_query_id_or_reply(req, "organisation_id", &f.organisation_id))
		return;
	f.committee_id = j.id;
	f.before = p.cursor ? p.cursor : INT64_MAX;
	f.limit = p.limit + 1;
	struct list_page x = { &p, c };
	page_reply(&p, cstore_resources(c, &f, resource_page_row, &x));
}
