/*
 * committees_json.c — the answers: an organisation, a committee (summary or
 * in full, with its communities, members and the counts of its lists), and
 * the items of the four lists. An organisation's phone is only ever its
 * mask here; a need's appeals only by case number, category, status and
 * time (never a title, a text or who reported it).
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *S(const char *s)
{
	return s ? s : "";
}

static json_t *time_or_null(int64_t t)
{
	char buf[32];

	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

static json_t *ref_or_null(int64_t id, const char *key, const char *name)
{
	return id ? JB_OBJ(jb_int("id", id), jb_str(key, S(name))) : json_null();
}

json_t *org_json(const struct org_view *v)
{
	return JB_OBJ(
		jb_int("id", v->id), jb_str("name", S(v->name)), jb_str("kind", S(v->kind)),
		jb_take("unit", JB_OBJ(jb_int("id", v->unit_id), jb_str("name", S(v->unit_name)),
				       jb_str("kind", S(v->unit_kind)))),
		jb_str("contact_person", S(v->contact_person)),
		jb_str_or_null("phone_mask", v->phone_mask), jb_str("address", S(v->address)),
		jb_str("note", S(v->note)), jb_take("created_at", time_or_null(v->created_at)),
		jb_take("updated_at", time_or_null(v->updated_at)));
}

/* ---- a committee ------------------------------------------------------------ */

static int community_add(void *ctx, int64_t id, const char *name, const char *path)
{
	(void)path;
	return json_array_append_new(ctx, JB_OBJ(jb_int("id", id), jb_str("name", S(name)))) ? -1
											     : 0;
}

static int member_add(void *ctx, const struct member_view *m)
{
	char b[32];
	json_t *o = JB_OBJ(
		jb_take("organisation", JB_OBJ(jb_int("id", m->org_id), jb_str("name", S(m->name)),
					       jb_str("kind", S(m->kind)),
					       jb_str("contact_person", S(m->contact_person)),
					       jb_str_or_null("phone_mask", m->phone_mask))),
		jb_str("role", S(m->role)),
		jb_str("joined_at", clock_format_shanghai(m->joined_at, b)));

	return json_array_append_new(ctx, o) ? -1 : 0;
}

static json_t *counts_json(const struct jc_counts *k)
{
	return JB_OBJ(
		jb_int("needs_open", k->needs[0]), jb_int("needs_matched", k->needs[1]),
		jb_int("needs_met", k->needs[2]), jb_int("resources_available", k->resources[0]),
		jb_int("resources_committed", k->resources[1]),
		jb_int("resources_used", k->resources[2]),
		jb_int("projects_planned", k->projects[0]),
		jb_int("projects_running", k->projects[1]), jb_int("projects_done", k->projects[2]),
		jb_int("responsibilities_open", k->duties[0]),
		jb_int("responsibilities_done", k->duties[1]),
		jb_int("responsibilities_overdue", k->overdue));
}

json_t *jc_json(struct db_conn *c, const struct jc_view *v, const char *today, int full,
		int can_write)
{
	struct jc_counts k;
	json_t *comms = json_array(), *members = full ? json_array() : NULL, *o;

	if (!comms || cstore_jc_communities(c, v->id, community_add, comms) < 0 ||
	    cstore_jc_counts(c, v->id, today, &k) < 0 ||
	    (full && (!members || cstore_jc_members(c, v->id, member_add, members) < 0))) {
		json_decref(comms);
		json_decref(members);
		return NULL;
	}
	o = JB_OBJ(jb_int("id", v->id), jb_str("name", S(v->name)),
		   jb_take("unit", JB_OBJ(jb_int("id", v->unit_id), jb_str("name", S(v->unit_name)),
					  jb_str("kind", S(v->unit_kind)))),
		   jb_take("communities", comms), jb_str("secretary", S(v->secretary)),
		   jb_int("member_count", k.members), jb_take("counts", counts_json(&k)),
		   jb_take("created_at", time_or_null(v->created_at)),
		   jb_take("updated_at", time_or_null(v->updated_at)));
	if (o && full) {
		json_object_set_new(o, "note", json_string(S(v->note)));
		json_object_set_new(o, "can_write", json_boolean(can_write));
		json_object_set_new(o, "members", members);
	} else {
		json_decref(members);
	}
	return o;
}

/* ---- the lists -------------------------------------------------------------- */

static int appeal_add(void *ctx, const struct need_appeal *a)
{
	char b[32];

	return json_array_append_new(
		       ctx,
		       JB_OBJ(jb_int("id", a->id), jb_str("case_no", S(a->case_no)),
			      jb_str("category", S(a->category)), jb_str("status", S(a->status)),
			      jb_str("submitted_at", clock_format_shanghai(a->created_at, b))))
		       ? -1
		       : 0;
}

/* The wants text "room,money" as an array. */
static json_t *wants_json(const char *wants)
{
	json_t *a = json_array();
	const char *p = wants;

	while (a && p && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, l));
		p = end ? end + 1 : NULL;
	}
	return a;
}

static json_t *project_ref(int64_t id, const char *title, const char *state)
{
	return id ? JB_OBJ(jb_int("id", id), jb_str("title", S(title)), jb_str("state", S(state)))
		  : json_null();
}

json_t *need_json(struct db_conn *c, const struct need_view *v)
{
	json_t *appeals = json_array();
	json_t *hot = v->hotspot ? json_loads(v->hotspot, 0, NULL) : NULL;

	if (!appeals || cstore_need_appeals(c, v->id, appeal_add, appeals) < 0) {
		json_decref(appeals);
		json_decref(hot);
		return NULL;
	}
	return JB_OBJ(jb_int("id", v->id), jb_int("committee_id", v->committee_id),
		      jb_take("community", JB_OBJ(jb_int("id", v->community_id),
						  jb_str("name", S(v->community_name)))),
		      jb_str("title", S(v->title)), jb_str("detail", S(v->detail)),
		      jb_str("source", S(v->source)), jb_take("appeals", appeals),
		      jb_take_or_null("hotspot", hot),
		      jb_take("organisation", v->organisation_id
						      ? JB_OBJ(jb_int("id", v->organisation_id),
							       jb_str("name", S(v->org_name)),
							       jb_str("kind", S(v->org_kind)))
						      : json_null()),
		      jb_take("wants", wants_json(v->wants)), jb_str("state", S(v->state)),
		      jb_take("project",
			      project_ref(v->cproject_id, v->cproject_title, v->cproject_state)),
		      jb_take("created_by", ref_or_null(v->created_by, "name", v->creator_name)),
		      jb_take("created_at", time_or_null(v->created_at)),
		      jb_take("updated_at", time_or_null(v->updated_at)),
		      jb_take("met_at", time_or_null(v->met_at)));
}

json_t *resource_json(const struct resource_view *v)
{
	return JB_OBJ(
		jb_int("id", v->id), jb_int("committee_id", v->committee_id),
		jb_take("organisation",
			JB_OBJ(jb_int("id", v->organisation_id), jb_str("name", S(v->org_name)),
			       jb_str("kind", S(v->org_kind)))),
		jb_str("kind", S(v->kind)), jb_str("title", S(v->title)),
		jb_str("detail", S(v->detail)),
		jb_take("quantity", v->has_quantity ? json_integer(v->quantity) : json_null()),
		jb_str("quantity_unit", S(v->quantity_unit)),
		jb_take("amount_fen", v->has_amount ? json_integer(v->amount_fen) : json_null()),
		jb_str("state", S(v->state)),
		jb_take("project",
			project_ref(v->cproject_id, v->cproject_title, v->cproject_state)),
		jb_take("created_at", time_or_null(v->created_at)),
		jb_take("updated_at", time_or_null(v->updated_at)),
		jb_take("used_at", time_or_null(v->used_at)));
}

static int project_need_add(void *ctx, const struct need_view *v)
{
	return json_array_append_new(
		       ctx,
		       JB_OBJ(jb_int("id", v->id), jb_str("title", S(v->title)),
			      jb_str("state", S(v->state)),
			      jb_take("community", JB_OBJ(jb_int("id", v->community_id),
							  jb_str("name", S(v->community_name))))))
		       ? -1
		       : 0;
}

static int project_resource_add(void *ctx, const struct resource_view *v)
{
	return json_array_append_new(
		       ctx, JB_OBJ(jb_int("id", v->id), jb_str("title", S(v->title)),
				   jb_str("kind", S(v->kind)), jb_str("state", S(v->state)),
				   jb_take("organisation", JB_OBJ(jb_int("id", v->organisation_id),
								  jb_str("name", S(v->org_name))))))
		       ? -1
		       : 0;
}

json_t *cproject_json(struct db_conn *c, const struct cproject_view *v, const char *today)
{
	json_t *needs = json_array(), *res = json_array();
	int64_t d[3];

	if (!needs || !res || cstore_project_needs(c, v->id, project_need_add, needs) < 0 ||
	    cstore_project_resources(c, v->id, project_resource_add, res) < 0 ||
	    cstore_cproject_duty_counts(c, v->id, today, d) < 0) {
		json_decref(needs);
		json_decref(res);
		return NULL;
	}
	return JB_OBJ(
		jb_int("id", v->id), jb_int("committee_id", v->committee_id),
		jb_str("title", S(v->title)), jb_str("detail", S(v->detail)),
		jb_str("state", S(v->state)), jb_take("needs", needs), jb_take("resources", res),
		jb_take("project",
			v->project_id
				? JB_OBJ(jb_int("id", v->project_id),
					 jb_str("title", S(v->p_title)),
					 jb_str("state", S(v->p_state)),
					 jb_take("unit", JB_OBJ(jb_int("id", v->p_unit_id),
								jb_str("name", S(v->p_unit_name)))))
				: json_null()),
		jb_take("responsibilities", JB_OBJ(jb_int("open", d[0]), jb_int("done", d[1]),
						   jb_int("overdue", d[2]))),
		jb_take("created_at", time_or_null(v->created_at)),
		jb_take("updated_at", time_or_null(v->updated_at)),
		jb_take("started_at", time_or_null(v->started_at)),
		jb_take("done_at", time_or_null(v->done_at)));
}

json_t *duty_json(const struct duty_view *v, const char *today)
{
	return JB_OBJ(jb_int("id", v->id), jb_int("committee_id", v->committee_id),
		      jb_take("project", ref_or_null(v->cproject_id, "title", v->cproject_title)),
		      jb_take("need", ref_or_null(v->need_id, "title", v->need_title)),
		      jb_take("organisation", ref_or_null(v->organisation_id, "name", v->org_name)),
		      jb_str("person", S(v->person)), jb_str("task", S(v->task)),
		      jb_str("due_date", S(v->due_date)), jb_str("state", S(v->state)),
		      jb_bool("overdue", committee_duty_overdue(v->state, v->due_date, today)),
		      jb_take("created_at", time_or_null(v->created_at)),
		      jb_take("updated_at", time_or_null(v->updated_at)),
		      jb_take("done_at", time_or_null(v->done_at)));
}

/* ---- one item, for the answers of writes and GET …/:iid ------------------------ */

struct one_item {
	struct db_conn *c;
	const char *today;
	json_t *out;
};

static int one_need(void *ctx, const struct need_view *v)
{
	struct one_item *x = ctx;

	x->out = need_json(x->c, v);
	return 0;
}

static int one_resource(void *ctx, const struct resource_view *v)
{
	((struct one_item *)ctx)->out = resource_json(v);
	return 0;
}

static int one_cproject(void *ctx, const struct cproject_view *v)
{
	struct one_item *x = ctx;

	x->out = cproject_json(x->c, v, x->today);
	return 0;
}

static int one_duty(void *ctx, const struct duty_view *v)
{
	struct one_item *x = ctx;

	x->out = duty_json(v, x->today);
	return 0;
}

json_t *committee_item_json(struct db_conn *c, enum committee_list list, int64_t committee_id,
			    int64_t id, int *rc)
{
	char today[11];
	struct one_item x = { c, committee_today(today), NULL };

	switch (list) {
	case CL_NEED: *rc = cstore_need(c, committee_id, id, one_need, &x); break;
	case CL_RESOURCE: *rc = cstore_resource(c, committee_id, id, one_resource, &x); break;
	case CL_PROJECT: *rc = cstore_cproject(c, committee_id, id, one_cproject, &x); break;
	case CL_DUTY: *rc = cstore_duty(c, committee_id, id, one_duty, &x); break;
	}
	return x.out;
}
