/*
 * projects_json.c — a project as the answers show it: the summary of a list,
 * the whole project for staff (milestones, timeline, sources both ways), and
 * the public view (projects_public()).
 *
 * The public view is built from the same reads but writes less: an appeal
 * appears there as {case_no, category, status, submitted_at} only — never
 * its title, text, place, reporter or phone — and the timeline only as the
 * progress updates (percent, note, photos, when), without who wrote them.
 * Staff see an appeal's title only when the appeal lies in their own
 * subtree (its place or its handler), as the appeal pages would show it.
 *
 * Rows are collected first and their parts read after, so no read runs
 * while another statement is still being stepped.
 */
#include "projects/projects.h"
#include "projects/projects_int.h"

#include "db/store.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A time column: ISO 8601 in Shanghai, or null when 0 (not set). */
static json_t *time_or_null(int64_t t)
{
	char buf[32];

	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

/* Stored JSON text (photos, the hotspot): the value, or def when absent or unreadable. */
static json_t *stored_json(const char *text, json_t *def)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	if (v) {
		json_decref(def);
		return v;
	}
	return def;
}

json_t *project_summary_json(const struct project_view *v)
{
	const struct project *p = &v->p;
	char b1[32], b2[32];
	json_t *o = JB_OBJ(
		jb_int("id", p->id),
		jb_take("unit", JB_OBJ(jb_int("id", p->unit_id), jb_str("name", v->unit_name),
				       jb_str("kind", v->unit_kind))),
		jb_int("year", p->year), jb_str("type", p->type), jb_str("title", p->title),
		jb_str("goal", v->goal), jb_int("budget_fen", p->budget_fen),
		jb_str("state", project_state_name(p->state)), jb_int("percent", v->percent),
		jb_take("responsible_unit",
			v->responsible_unit_id ? JB_OBJ(jb_int("id", v->responsible_unit_id),
							jb_str("name", v->responsible_unit_name))
					       : json_null()),
		jb_str("responsible_person", v->responsible_person ? v->responsible_person : ""),
		jb_str("created_at", clock_format_shanghai(v->created_at, b1)),
		jb_str("updated_at", clock_format_shanghai(v->updated_at, b2)));

	return o;
}

/* ---- the parts ---------------------------------------------------------- */

struct parts {
	json_t *arr;
	int public;
	const char *viewer; /* staff: the viewer's unit path */
};

static int milestone_json(void *ctx, const struct milestone_view *m)
{
	struct parts *x = ctx;
	json_t *o = x->public ? JB_OBJ(jb_str("title", m->title), jb_str("due_date", m->due_date),
				       jb_bool("done", m->done_at != 0))
			      : JB_OBJ(jb_int("id", m->id), jb_str("title", m->title),
				       jb_str("due_date", m->due_date),
				       jb_take("done_at", time_or_null(m->done_at)));

	return o && !json_array_append_new(x->arr, o) ? 0 : DB_ENOMEM;
}

static int event_json(void *ctx, const struct event_view *e)
{
	struct parts *x = ctx;
	char b[32];
	json_t *o;

	if (x->public) {
		if (strcmp(e->kind, "progress"))
			return 0;
		o = JB_OBJ(jb_str("at", clock_format_shanghai(e->at, b)),
			   jb_int("percent", e->percent), jb_str("note", e->note),
			   jb_take("photos", stored_json(e->photos, json_array())));
	} else {
		o = JB_OBJ(
			jb_int("id", e->id), jb_str("kind", e->kind),
			jb_str("at", clock_format_shanghai(e->at, b)),
			jb_take("percent", e->has_percent ? json_integer(e->percent) : json_null()),
			jb_str("note", e->note),
			jb_take("photos", stored_json(e->photos, json_array())),
			jb_take("milestone_id",
				e->milestone_id ? json_integer(e->milestone_id) : json_null()),
			jb_take("actor", e->actor_id ? JB_OBJ(jb_int("id", e->actor_id),
							      jb_str("name", e->actor_name))
						     : json_null()));
	}
	return o && !json_array_append_new(x->arr, o) ? 0 : DB_ENOMEM;
}

static int appeal_json(void *ctx, const struct source_appeal *a)
{
	struct parts *x = ctx;
	char b[32];
	json_t *o = JB_OBJ(jb_str("case_no", a->case_no), jb_str("category", a->category),
			   jb_str("status", a->status),
			   jb_str("submitted_at", clock_format_shanghai(a->created_at, b)));

	if (!o)
		return DB_ENOMEM;
	if (!x->public) {
		json_object_set_new(o, "id", json_integer(a->id));
		if (path_within(a->unit_path, x->viewer) || path_within(a->handler_path, x->viewer))
			json_object_set_new(o, "title", json_string(a->title));
	}
	return json_array_append_new(x->arr, o) ? DB_ENOMEM : 0;
}

/* The commitment items the project serves: {id, title} (staff: status, list, unit too). */
static json_t *items_json(struct db_conn *c, int64_t id, int public)
{
	int64_t ids[PROJECT_ITEMS_MAX * 4];
	int n = 0;
	json_t *arr;

	if (projects_store_item_ids(c, id, ids, (int)(sizeof ids / sizeof *ids), &n) < 0)
		return NULL;
	arr = json_array();
	for (int i = 0; arr && i < n; i++) {
		struct commitment_item_ref it;
		int rc = commitment_item_get(c, ids[i], &it);
		if (rc < 0) {
			json_decref(arr);
			return NULL;
		}
		if (rc != DB_ROW)
			continue;
		json_array_append_new(
			arr,
			public ? JB_OBJ(jb_int("id", it.id), jb_str("title", it.title))
			       : JB_OBJ(jb_int("id", it.id), jb_str("title", it.title),
					jb_str("status", it.status), jb_int("list_id", it.list_id),
					jb_int("unit_id", it.unit_id)));
	}
	return arr;
}

/* Set o[key] to the array a reader fills; 0, or <0 (o is left as it was). */
static int set_parts(json_t *o, const char *key, int rc, struct parts *x)
{
	if (rc < 0) {
		json_decref(x->arr);
		return rc;
	}
	return json_object_set_new(o, key, x->arr) ? DB_ENOMEM : 0;
}

/* What the parts need of a row, copied out of the statement. */
struct kept {
	int64_t id;
	char *hotspot, *outcome, *outcome_photos, *cancel_reason;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int keep(struct kept *k, const struct project_view *v)
{
	k->id = v->p.id;
	k->hotspot = v->hotspot ? strdup(v->hotspot) : NULL;
	k->outcome = dup_or_empty(v->outcome);
	k->outcome_photos = dup_or_empty(v->outcome_photos);
	k->cancel_reason = dup_or_empty(v->cancel_reason);
	return k->outcome && k->outcome_photos && k->cancel_reason && (k->hotspot || !v->hotspot)
		       ? 0
		       : DB_ENOMEM;
}

static void kept_release(struct kept *k)
{
	free(k->hotspot);
	free(k->outcome);
	free(k->outcome_photos);
	free(k->cancel_reason);
	memset(k, 0, sizeof *k);
}

/* Milestones, timeline (public: progress), sources, items and outcome of project k into o. */
static int add_parts(struct db_conn *c, json_t *o, const struct kept *k, int public,
		     const char *viewer)
{
	struct parts x = { .public = public, .viewer = viewer };
	int64_t id = k->id;
	json_t *sources, *items, *hotspot;
	int rc;

	x.arr = json_array();
	rc = set_parts(o, "milestones", projects_store_milestones(c, id, milestone_json, &x), &x);
	if (rc < 0)
		return rc;
	x.arr = json_array();
	rc = set_parts(o, public ? "progress" : "events",
		       projects_store_events(c, id, event_json, &x), &x);
	if (rc < 0)
		return rc;
	x.arr = json_array();
	rc = projects_store_appeals(c, id, appeal_json, &x);
	if (rc < 0) {
		json_decref(x.arr);
		return rc;
	}
	hotspot = stored_json(k->hotspot, json_null());
	if (public && json_is_object(hotspot))
		json_object_del(hotspot, "appeal_ids"); /* the count is public, not which */
	sources = JB_OBJ(jb_take("appeals", x.arr), jb_take("hotspot", hotspot));
	items = items_json(c, id, public);
	if (!sources || !items) {
		json_decref(sources);
		json_decref(items);
		return DB_ERR;
	}
	json_object_set_new(o, "sources", sources);
	json_object_set_new(o, "commitment_items", items);
	json_object_set_new(o, "outcome", json_string(k->outcome));
	json_object_set_new(o, "outcome_photos", stored_json(k->outcome_photos, json_array()));
	json_object_set_new(o, "cancel_reason", json_string(k->cancel_reason));
	return 0;
}

/* ---- the whole project (staff) ------------------------------------------ */

struct one {
	struct kept k;
	json_t *o;
};

static int one_row(void *ctx, const struct project_view *v)
{
	struct one *x = ctx;

	x->o = project_summary_json(v);
	if (!x->o)
		return DB_ENOMEM;
	json_object_set_new(x->o, "approved_at", time_or_null(v->approved_at));
	json_object_set_new(x->o, "started_at", time_or_null(v->started_at));
	json_object_set_new(x->o, "completed_at", time_or_null(v->completed_at));
	json_object_set_new(x->o, "cancelled_at", time_or_null(v->cancelled_at));
	return keep(&x->k, v);
}

json_t *project_full_json(struct db_conn *c, int64_t id, const char *viewer_path)
{
	struct one x = { 0 };
	int rc = projects_store_view(c, id, one_row, &x);

	if (rc == DB_ROW)
		rc = add_parts(c, x.o, &x.k, 0, viewer_path);
	kept_release(&x.k);
	if (rc < 0 || rc == DB_DONE) {
		json_decref(x.o);
		return NULL;
	}
	return x.o;
}

/* ---- the public view ---------------------------------------------------- */

#define PUBLIC_MAX 1000 /* projects of one unit's subtree and year, at most */

struct public_rows {
	json_t *items;
	struct kept *k;
	size_t n, cap; /* cap in bytes */
};

static int public_row(void *ctx, const struct project_view *v)
{
	struct public_rows *x = ctx;
	const struct project *p = &v->p;
	json_t *o;

	if (buf_reserve(&x->k, &x->cap, (x->n + 1) * sizeof *x->k))
		return DB_ENOMEM;
	o = JB_OBJ(jb_int("id", p->id),
		   jb_take("unit", JB_OBJ(jb_int("id", p->unit_id), jb_str("name", v->unit_name),
					  jb_str("kind", v->unit_kind))),
		   jb_int("year", p->year), jb_str("type", p->type), jb_str("title", p->title),
		   jb_str("goal", v->goal), jb_int("budget_fen", p->budget_fen),
		   jb_str("state", project_state_name(p->state)), jb_int("percent", v->percent),
		   jb_str_or_null("responsible_unit",
				  v->responsible_unit_id ? v->responsible_unit_name : NULL),
		   jb_take("approved_at", time_or_null(v->approved_at)),
		   jb_take("completed_at", time_or_null(v->completed_at)));
	if (!o || json_array_append_new(x->items, o))
		return DB_ENOMEM;
	memset(&x->k[x->n], 0, sizeof *x->k);
	return keep(&x->k[x->n++], v);
}

json_t *projects_public(struct db_conn *c, const struct unit_ref *u, int year, int64_t now)
{
	struct public_rows x = { .items = json_array() };
	char hi[256];
	int rc;

	(void)now;
	path_upper(u->path, hi, sizeof hi);
	const struct project_filter f = {
		.lo = u->path, .hi = hi, .before = INT64_MAX, .year = year, .limit = PUBLIC_MAX
	};
	rc = x.items ? projects_store_list(c, &f, public_row, &x) : DB_ENOMEM;
	for (size_t i = 0; i < x.n; i++) {
		if (rc == 0)
			rc = add_parts(c, json_array_get(x.items, i), &x.k[i], 1, NULL);
		kept_release(&x.k[i]);
	}
	free(x.k);
	if (rc < 0) {
		json_decref(x.items);
		return NULL;
	}
	return x.items;
}

json_t *project_public_one(struct db_conn *c, int64_t id, int64_t now)
{
	struct public_rows x = { .items = json_array() };
	json_t *o;
	int rc;

	(void)now;
	rc = x.items ? projects_store_view(c, id, public_row, &x) : DB_ENOMEM;
	if (rc == DB_ROW)
		rc = add_parts(c, json_array_get(x.items, 0), &x.k[0], 1, NULL);
	if (x.n)
		kept_release(&x.k[0]);
	free(x.k);
	if (rc < 0) {
		json_decref(x.items);
		return NULL;
	}
	o = rc == DB_DONE ? json_null() : json_incref(json_array_get(x.items, 0));
	json_decref(x.items);
	return o;
}
