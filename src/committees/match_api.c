/*
 * match_api.c — GET /api/v1/joint-committees/:id/match?kind=&community_id=:
 * the committee's unmet (open) needs beside its unused (available)
 * resources, oldest first, at most COMMITTEE_MATCH_MAX of each ("truncated"
 * says more were left out). Each need carries "candidates": the ids of the
 * resources shown whose kind it wants. kind=K keeps resources of kind K and
 * the needs that want K; community_id narrows the needs to one of the
 * committee's communities.
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"

#include <stdint.h>
#include <string.h>

struct match {
	struct db_conn *c;
	json_t *needs, *resources;
	int n_needs, n_resources, truncated, bad;
	/* the resources shown: their ids and kinds, for the candidates */
	int64_t ids[COMMITTEE_MATCH_MAX];
	char kinds[COMMITTEE_MATCH_MAX][12];
};

static int match_resource(void *ctx, const struct resource_view *v)
{
	struct match *m = ctx;
	json_t *o;

	if (m->n_resources >= COMMITTEE_MATCH_MAX) {
		m->truncated = 1;
		return 0;
	}
	o = resource_json(v);
	if (!o || json_array_append_new(m->resources, o)) {
		m->bad = 1;
		return 0;
	}
	m->ids[m->n_resources] = v->id;
	strncpy(m->kinds[m->n_resources], v->kind ? v->kind : "", sizeof m->kinds[0] - 1);
	m->kinds[m->n_resources][sizeof m->kinds[0] - 1] = '\0';
	m->n_resources++;
	return 0;
}

static int match_need(void *ctx, const struct need_view *v)
{
	struct match *m = ctx;
	json_t *o, *cand;

	if (m->n_needs >= COMMITTEE_MATCH_MAX) {
		m->truncated = 1;
		return 0;
	}
	o = need_json(m->c, v);
	cand = json_array();
	for (int i = 0; cand && i < m->n_resources; i++)
		if (committee_wants_has(v->wants, m->kinds[i]))
			json_array_append_new(cand, json_integer(m->ids[i]));
	if (!o || !cand || json_object_set_new(o, "candidates", cand) ||
	    json_array_append_new(m->needs, o)) {
		m->bad = 1;
		return 0;
	}
	m->n_needs++;
	return 0;
}

void committee_match(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_filter f = { 0 };
	const char *kind;
	struct match *m;
	struct jc j;
	int rc;

	if (!c || jc_route_or_reply(req, c, 0, &j) ||
	    committee_query_name_or_reply(req, "kind", resource_kind_valid,
					  "room, volunteers, money, skills or equipment", &kind) ||
	    committee_query_id_or_reply(req, "community_id", &f.community_id))
		return;
	m = arena_alloc(&req->arena, sizeof *m);
	if (!m) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	memset(m, 0, sizeof *m);
	m->c = c;
	m->needs = json_array();
	m->resources = json_array();
	f.committee_id = j.id;
	f.before = INT64_MAX;
	f.limit = COMMITTEE_MATCH_MAX + 1;
	f.oldest_first = 1;
	f.state = "available";
	f.kind = kind;
	rc = cstore_resources(c, &f, match_resource, m);
	f.state = "open";
	f.kind = NULL;
	f.wants = kind;
	if (rc >= 0)
		rc = cstore_needs(c, &f, match_need, m);
	if (rc < 0 || m->bad || !m->needs || !m->resources) {
		json_decref(m->needs);
		json_decref(m->resources);
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_take("needs", m->needs), jb_take("resources", m->resources),
			  jb_bool("truncated", m->truncated)));
}
