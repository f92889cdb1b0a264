/*
 * public_api.c — the signed-out community pages; see public.h.
 *
 * No SQL here and none needed: every figure comes from the module that owns
 * it (commitments, projects, micro, fund), through the public view that module
 * builds without residents' data, and this file only joins them. A unit code
 * that is unknown or not a community's answers 404, the same either way.
 */
#include "public/public.h"

#include "calendar/calendar.h"
#include "commitments/commitments.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "fund/fund.h"
#include "http/request.h"
#include "micro/micro.h"
#include "org/org.h"
#include "projects/projects.h"

#include <jansson.h>
#include <string.h>

/* The community named by :code, or -1 having answered 404 (or 503). */
static int community_or_reply(struct req *req, struct db_conn *c, struct unit_ref *u)
{
	const char *code = req_param(req, "code");
	int rc = code && strlen(code) < sizeof u->code ? unit_get_by_code(c, code, u) : DB_DONE;

	if (req_found_or_reply(req, rc))
		return -1;
	if (u->kind != UNIT_COMMUNITY) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

/* ?year=, the current Shanghai year when left out; -1 having answered 400. */
static int year_or_reply(struct req *req, int *year)
{
	const char *s = req_query(req, "year");
	int64_t y;

	if (!s || !*s) {
		*year = cal_year_of(clock_now());
		return 0;
	}
	if (parse_int64(s, 2000, 2100, &y)) {
		reply_invalid(req, "year", "a year from 2000 to 2100");
		return -1;
	}
	*year = (int)y;
	return 0;
}

/* A view builder's answer: NULL was a database error (503). */
static int view_or_reply(struct req *req, json_t *view)
{
	if (view)
		return 0;
	reply_error(req, ERR_DB_UNAVAILABLE);
	return -1;
}

/* projects_public() answers the items, as an array or under "items". */
static json_t *items_of(json_t *view)
{
	return json_is_array(view) ? view : json_object_get(view, "items");
}

/* Each project gets "spent_fen": what the fund's ledger spent on it, refunds deducted. */
static int add_spending(struct db_conn *c, json_t *items)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p)
	{
		int64_t spent = 0;
		if (fund_project_spent(c, json_integer_value(json_object_get(p, "id")), &spent) < 0)
			return -1;
		json_object_set_new(p, "spent_fen", json_integer(spent));
	}
	return 0;
}

/* The projects among projects that name commitment item id: [{id, title, state}]. */
static json_t *projects_serving(json_t *projects, json_int_t id)
{
	json_t *mine = json_array(), *p, *ref;
	size_t pi, ci;

	json_array_foreach(projects, pi, p)
	{
		json_array_foreach(json_object_get(p, "commitment_items"), ci, ref)
		{
			if (json_integer_value(json_object_get(ref, "id")) != id)
				continue;
			json_array_append_new(
				mine, JB_OBJ(jb_ref_or_null("id", json_object_get(p, "id")),
					     jb_ref_or_null("title", json_object_get(p, "title")),
					     jb_ref_or_null("state", json_object_get(p, "state"))));
		}
	}
	return mine;
}

/* Each commitment item gets "projects", the projects that serve it (the projects' own links). */
static void add_serving_projects(json_t *commitments, json_t *projects)
{
	size_t li, ii;
	json_t *list, *item;

	json_array_foreach(json_object_get(commitments, "lists"), li, list)
	{
		json_array_foreach(json_object_get(list, "items"), ii, item)
		{
			json_int_t id = json_integer_value(json_object_get(item, "id"));
			json_object_set_new(item, "projects", projects_serving(projects, id));
		}
	}
}

static void public_commitments(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	json_t *view, *projects;
	int64_t now = clock_now();

	if (!c || community_or_reply(req, c, &u))
		return;
	view = commitments_public(c, &u, now);
	projects = view ? projects_public(c, &u, 0, now) : NULL;
	if (view_or_reply(req, projects)) {
		json_decref(view);
		return;
	}
	add_serving_projects(view, items_of(projects));
	json_decref(projects);
	reply_json(req, 200, view);
}

static void public_projects(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	json_t *view, *items;
	int year;

	if (!c || community_or_reply(req, c, &u) || year_or_reply(req, &year))
		return;
	view = projects_public(c, &u, year, clock_now());
	if (view_or_reply(req, view))
		return;
	items = json_incref(items_of(view));
	json_decref(view);
	if (!items)
		items = json_array();
	if (add_spending(c, items)) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("year", year), jb_take("items", items)));
}

static void public_fund(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	json_t *view;
	int year;

	if (!c || community_or_reply(req, c, &u) || year_or_reply(req, &year))
		return;
	view = fund_public(c, &u, year);
	if (!view_or_reply(req, view))
		reply_json(req, 200, view);
}

static void public_micro(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	json_t *view;

	if (!c || community_or_reply(req, c, &u))
		return;
	view = micro_public(c, &u, clock_now());
	if (!view_or_reply(req, view))
		reply_json(req, 200, view);
}

/* ---- the summary --------------------------------------------------------- */

/* {"count", "by_state": {state: n}} of the year's projects. */
static json_t *projects_summary(json_t *items)
{
	json_t *by_state = json_object(), *p;
	size_t i;

	json_array_foreach(items, i, p)
	{
		const char *state = json_string_value(json_object_get(p, "state"));
		if (!state)
			continue;
		json_object_set_new(
			by_state, state,
			json_integer(json_integer_value(json_object_get(by_state, state)) + 1));
	}
	return JB_OBJ(jb_int("count", (int64_t)json_array_size(items)),
		      jb_take("by_state", by_state));
}

/* The figures of the fund view, without its entries. */
static json_t *fund_summary(json_t *fund)
{
	return JB_OBJ(jb_ref_or_null("allocated_fen", json_object_get(fund, "allocated_fen")),
		      jb_ref_or_null("spent_fen", json_object_get(fund, "spent_fen")),
		      jb_ref_or_null("balance_fen", json_object_get(fund, "balance_fen")));
}

/* The newest round of the micro view, or null. */
static json_t *micro_summary(json_t *micro)
{
	json_t *rounds = json_is_array(micro) ? micro : json_object_get(micro, "rounds");
	json_t *first = json_array_get(rounds, 0);

	return first ? json_incref(first) : json_null();
}

/* {code, name} of the street above a community, or null. */
static json_t *street_of(struct db_conn *c, const struct unit_ref *u, int *rc)
{
	struct unit_ref s;

	*rc = unit_get(c, u->parent_id, &s);
	if (*rc != DB_ROW)
		return json_null();
	return JB_OBJ(jb_str("code", s.code), jb_str("name", s.name));
}

static void public_summary(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct unit_ref u;
	char party_org[601] = "";
	json_t *commitments = NULL, *projects = NULL, *fund = NULL, *micro = NULL, *street;
	int64_t now = clock_now();
	int year, rc, src;

	if (!c || community_or_reply(req, c, &u) || year_or_reply(req, &year))
		return;
	rc = unit_party_org(c, u.id, party_org, sizeof party_org);
	street = street_of(c, &u, &src);
	if (rc >= 0 && src >= 0 && (commitments = commitments_public(c, &u, now)) &&
	    (projects = projects_public(c, &u, year, now)) && (fund = fund_public(c, &u, year)) &&
	    (micro = micro_public(c, &u, now))) {
		json_t *rate = json_object_get(commitments, "rate");

		reply_json(req, 200,
			   JB_OBJ(jb_take("unit",
					  JB_OBJ(jb_str("code", u.code), jb_str("name", u.name),
						 jb_str("party_org", party_org))),
				  jb_take("street", street), jb_int("year", year),
				  jb_ref_or_null("commitments", rate),
				  jb_take("projects", projects_summary(items_of(projects))),
				  jb_take("fund", fund_summary(fund)),
				  jb_take("micro", micro_summary(micro))));
	} else {
		json_decref(street);
		reply_error(req, ERR_DB_UNAVAILABLE);
	}
	json_decref(commitments);
	json_decref(projects);
	json_decref(fund);
	json_decref(micro);
}

/* ---- a station's community ----------------------------------------------- */

static void public_station(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *code = req_param(req, "code");
	char name[601], path[256];
	struct unit_ref u;
	json_t *community = json_null();
	int64_t id;
	int rc;

	if (!c)
		return;
	rc = code && strlen(code) <= 32
		     ? station_by_public_code(c, code, name, sizeof name, path, sizeof path)
		     : DB_DONE;
	if (req_found_or_reply(req, rc))
		return;
	id = org_path_id(path, 2); /* the community: depth 2 */
	rc = id ? unit_get(c, id, &u) : DB_DONE;
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (rc == DB_ROW)
		community = JB_OBJ(jb_str("code", u.code), jb_str("name", u.name));
	reply_json(req, 200,
		   JB_OBJ(jb_take("station", JB_OBJ(jb_str("name", name))),
			  jb_take("community", community)));
}

const struct route public_routes[] = {
	{ "GET", "/api/v1/public/units/:code", public_summary, 0, NULL, 0 },
	{ "GET", "/api/v1/public/units/:code/commitments", public_commitments, 0, NULL, 0 },
	{ "GET", "/api/v1/public/units/:code/projects", public_projects, 0, NULL, 0 },
	{ "GET", "/api/v1/public/units/:code/fund", public_fund, 0, NULL, 0 },
	{ "GET", "/api/v1/public/units/:code/micro", public_micro, 0, NULL, 0 },
	{ "GET", "/api/v1/public/stations/:code", public_station, 0, NULL, 0 },
	{ 0 },
};
