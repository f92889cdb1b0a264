/*
 * matters_json.c — a matter as the answers show it: the summary of a list,
 * the whole matter for staff (sources, steps, disclosure with objections,
 * project) and its disclosure and objections.
 *
 * Objections never carry who wrote them, for staff as for the public. Staff
 * see an appeal's title only when the appeal lies in their own subtree (its
 * place or its handler), as the appeal pages would show it.
 *
 * Rows are collected first and their parts read after, so no read runs
 * while another statement is still being stepped.
 */
#include "matters/matters_int.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "org/org.h"
#include "projects/projects.h"
#include "fund/fund.h"
#include "meetings/meetings.h"

#include <stdlib.h>
#include <string.h>

static json_t *time_or_null(int64_t t)
{
	char b[32];

	return t ? json_string(clock_format_shanghai(t, b)) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *matter_summary_json(const struct matter_view *v)
{
	const struct matter *m = &v->m;
	char b1[32], b2[32];

	return JB_OBJ(
		jb_int("id", m->id),
		jb_take("unit", JB_OBJ(jb_int("id", m->unit_id), jb_str("code", v->unit_code),
				       jb_str("name", v->unit_name), jb_str("kind", v->unit_kind))),
		jb_int("year", m->year), jb_str("title", v->title), jb_str("category", m->category),
		jb_int("amount_fen", m->amount_fen), jb_bool("major", m->major),
		jb_str_or_null("major_reason", m->major_reason[0] ? m->major_reason : NULL),
		jb_str("state", m->state),
		jb_str_or_null("next_step", matter_step_name(matter_next_step(m->major, v->done))),
		jb_str("source_kind", m->source_kind),
		jb_str("created_at", clock_format_shanghai(m->created_at, b1)),
		jb_str("updated_at", clock_format_shanghai(m->updated_at, b2)));
}

json_t *matter_objection_json(const struct matter_objection_row *o, int with_id)
{
	char b[32];
	json_t *j = JB_OBJ(jb_str("text", o->text),
			   jb_str("created_at", clock_format_shanghai(o->created_at, b)),
			   jb_str_or_null("answer", o->answer),
			   jb_take("answered_at", time_or_null(o->answered_at)));

	if (j && with_id)
		json_object_set_new(j, "id", json_integer(o->id));
	return j;
}

/* ---- steps --------------------------------------------------------------- */

/* The steps as JSON (staff: who did each; public: less), and the two published texts. */
struct steps {
	json_t *arr;
	int public;
	int64_t res_at, result_at;
	int res_days;
	char *res_text, *result_text;
};

static int step_json(void *ctx, const struct matter_step_row *s)
{
	struct steps *x = ctx;
	char b[32];
	json_t *j = JB_OBJ(jb_str("step", matter_step_name(s->step)),
			   jb_str("done_at", clock_format_shanghai(s->done_at, b)),
			   jb_take("meeting_id", id_or_null(s->meeting_id)),
			   jb_str("text", s->text ? s->text : ""));

	if (!j)
		return DB_ENOMEM;
	if (!x->public) {
		json_object_set_new(j, "meeting_type",
				    s->meeting_type ? json_string(s->meeting_type) : json_null());
		json_object_set_new(j, "days", s->days ? json_integer(s->days) : json_null());
		json_object_set_new(j, "project_id", id_or_null(s->project_id));
		json_object_set_new(j, "done_by",
				    s->done_by ? JB_OBJ(jb_int("id", s->done_by),
							jb_str("name", s->done_by_name))
					       : json_null());
	}
	if (s->step == MS_PUBLISH_RESOLUTION) {
		x->res_at = s->done_at;
		x->res_days = s->days;
		x->res_text = strdup(s->text ? s->text : "");
	}
	if (s->step == MS_PUBLISH_RESULT) {
		x->result_at = s->done_at;
		x->result_text = strdup(s->text ? s->text : "");
	}
	return json_array_append_new(x->arr, j) ? DB_ENOMEM : 0;
}

static void steps_release(struct steps *x)
{
	json_decref(x->arr);
	free(x->res_text);
	free(x->result_text);
	memset(x, 0, sizeof *x);
}

static int steps_read(struct db_conn *c, int64_t id, int public, struct steps *x)
{
	memset(x, 0, sizeof *x);
	x->public = public;
	x->arr = json_array();
	return x->arr ? matters_store_steps(c, id, step_json, x) : DB_ENOMEM;
}

static int objection_item(void *ctx, const struct matter_objection_row *o)
{
	json_t **x = ctx;
	json_t *j = matter_objection_json(o, json_is_true(x[1]));

	return j && !json_array_append_new(x[0], j) ? 0 : DB_ENOMEM;
}

/* The disclosure of the published resolution in x, or null; NULL on error. */
static json_t *disclosure_json(struct db_conn *c, int64_t matter_id, const struct steps *x,
			       int64_t now, int with_ids)
{
	json_t *objs, *ctx[2];
	int64_t from, unanswered = 0;
	char d[CAL_DAY_TEXT], b1[32], b2[32];
	size_t i;
	json_t *o;
	int rc;

	if (!x->res_text)
		return json_null();
	objs = json_array();
	ctx[0] = objs;
	ctx[1] = with_ids ? json_true() : json_false();
	rc = objs ? matters_store_objections(c, matter_id, objection_item, ctx) : DB_ENOMEM;
	if (rc < 0) {
		json_decref(objs);
		return NULL;
	}
	json_array_foreach(objs, i, o) unanswered += json_is_null(json_object_get(o, "answer"));
	from = matter_implement_from(x->res_at, x->res_days);
	o = JB_OBJ(jb_str("text", x->res_text),
		   jb_str("published_at", clock_format_shanghai(x->res_at, b1)),
		   jb_int("days", x->res_days),
		   jb_str("ends_on",
			  cal_day_format(matter_disclosure_ends_on(x->res_at, x->res_days), d)),
		   jb_str("implement_from", clock_format_shanghai(from, b2)),
		   jb_bool("open", matter_disclosure_open(x->res_at, x->res_days, now)),
		   jb_take("objections", objs));
	if (o && with_ids)
		json_object_set_new(o, "unanswered", json_integer(unanswered));
	return o;
}

/* ---- the whole matter (staff) --------------------------------------------- */

struct kept {
	int public;
	int64_t unit_id;
	json_t *o;
	char *description, *note, *hotspot;
	int64_t project_id;
};

static int keep_row(void *ctx, const struct matter_view *v)
{
	struct kept *k = ctx;
	char b[32];

	k->unit_id = v->m.unit_id;
	k->o = k->public ? JB_OBJ(jb_int("id", v->m.id),
				  jb_take("unit", JB_OBJ(jb_str("code", v->unit_code),
							 jb_str("name", v->unit_name))),
				  jb_str("title", v->title), jb_str("category", v->m.category),
				  jb_int("amount_fen", v->m.amount_fen),
				  jb_bool("major", v->m.major), jb_str("state", v->m.state),
				  jb_str_or_null("next_step", matter_step_name(matter_next_step(
								      v->m.major, v->done))),
				  jb_str("source_kind", v->m.source_kind),
				  jb_str("created_at", clock_format_shanghai(v->m.created_at, b)))
			 : matter_summary_json(v);
	k->description = strdup(v->description ? v->description : "");
	k->note = strdup(v->source_note ? v->source_note : "");
	k->hotspot = v->hotspot ? strdup(v->hotspot) : NULL;
	k->project_id = v->m.project_id;
	if (k->o && !k->public)
		json_object_set_new(k->o, "created_by",
				    v->m.created_by ? JB_OBJ(jb_int("id", v->m.created_by),
							     jb_str("name", v->created_by_name))
						    : json_null());
	return k->o && k->description && k->note ? 0 : DB_ENOMEM;
}

static void kept_release(struct kept *k)
{
	free(k->description);
	free(k->note);
	free(k->hotspot);
}

struct appeals_out {
	json_t *arr;
	const char *viewer; /* NULL: the public view */
};

static int appeal_json(void *ctx, const struct matter_appeal_row *a)
{
	struct appeals_out *x = ctx;
	char b[32];
	json_t *j = JB_OBJ(jb_str("case_no", a->case_no), jb_str("category", a->category),
			   jb_str("status", a->status),
			   jb_str("submitted_at", clock_format_shanghai(a->created_at, b)),
			   jb_take("closed_at", time_or_null(a->closed_at)));

	if (j && x->viewer) {
		json_object_set_new(j, "id", json_integer(a->id));
		if (path_within(a->unit_path, x->viewer) || path_within(a->handler_path, x->viewer))
			json_object_set_new(j, "title", json_string(a->title));
	}
	return j && !json_array_append_new(x->arr, j) ? 0 : DB_ENOMEM;
}

/* {kind, note, appeals, hotspot}: the public one without appeal ids anywhere. */
json_t *matter_sources_json(struct db_conn *c, int64_t id, const char *kind, const char *note,
			    const char *hotspot, const char *viewer)
{
	struct appeals_out x = { json_array(), viewer };
	json_t *spot = hotspot ? json_loads(hotspot, 0, NULL) : NULL;
	int rc = x.arr ? matters_store_appeals(c, id, appeal_json, &x) : DB_ENOMEM;

	if (rc < 0) {
		json_decref(x.arr);
		json_decref(spot);
		return NULL;
	}
	if (spot && !viewer)
		json_object_del(spot, "appeal_ids");
	return JB_OBJ(jb_str("kind", kind), jb_str("note", note), jb_take("appeals", x.arr),
		      jb_take("hotspot", spot ? spot : json_null()));
}

/* {id, title, state} of the matter's project, or null. */
static json_t *project_brief(struct db_conn *c, int64_t id)
{
	struct project p;
	int rc = id ? project_get(c, id, &p) : DB_DONE;

	if (rc < 0)
		return NULL;
	if (rc != DB_ROW)
		return json_null();
	return JB_OBJ(jb_int("id", p.id), jb_str("title", p.title),
		      jb_str("state", project_state_name(p.state)));
}

json_t *matter_full_json(struct db_conn *c, int64_t id, const char *viewer_path)
{
	struct kept k = { 0 };
	struct steps st;
	json_t *o = NULL;
	int rc = matters_store_view(c, id, keep_row, &k);

	if (rc == DB_ROW)
		rc = steps_read(c, id, 0, &st);
	else
		memset(&st, 0, sizeof st);
	if (rc == 0) {
		json_t *src = matter_sources_json(
			c, id, json_string_value(json_object_get(k.o, "source_kind")), k.note,
			k.hotspot, viewer_path);
		json_t *disc = disclosure_json(c, id, &st, clock_now(), 1);
		json_t *proj = project_brief(c, k.project_id);
		if (!src || !disc || !proj) {
			json_decref(src);
			json_decref(disc);
			json_decref(proj);
			rc = DB_ERR;
		} else {
			json_object_set_new(k.o, "description", json_string(k.description));
			json_object_set_new(k.o, "source", src);
			json_object_set_new(k.o, "steps", json_incref(st.arr));
			json_object_set_new(k.o, "disclosure", disc);
			json_object_set_new(k.o, "project", proj);
			o = json_incref(k.o);
		}
	}
	steps_release(&st);
	kept_release(&k);
	json_decref(k.o);
	if (rc == DB_DONE)
		return json_null();
	return rc < 0 ? NULL : o;
}

/* ---- the public thread ------------------------------------------------------ */

/* {code, name} of the street above a community, or null; NULL on error. */
static json_t *street_json(struct db_conn *c, int64_t unit_id)
{
	struct unit_ref u, s;
	int rc = unit_get(c, unit_id, &u);

	if (rc == DB_ROW && u.kind == UNIT_COMMUNITY)
		rc = unit_get(c, u.parent_id, &s);
	else if (rc == DB_ROW)
		rc = DB_DONE;
	if (rc < 0)
		return NULL;
	return rc == DB_ROW ? JB_OBJ(jb_str("code", s.code), jb_str("name", s.name)) : json_null();
}

/* project, fund and commitment_items of the thread into o. 0 or <0. */
static int thread_project(struct db_conn *c, json_t *o, int64_t project_id, int64_t now)
{
	json_t *p = project_id ? project_public_one(c, project_id, now) : json_null();
	json_t *f = project_id ? fund_project_entries(c, project_id) : json_null();
	json_t *items = json_object_get(p, "commitment_items");

	if (!p || !f) {
		json_decref(p);
		json_decref(f);
		return DB_ERR;
	}
	json_object_set_new(o, "commitment_items", items ? json_deep_copy(items) : json_array());
	json_object_set_new(o, "project", p);
	json_object_set_new(o, "fund", json_is_null(p) ? (json_decref(f), json_null()) : f);
	return 0;
}

static json_t *result_json(const struct steps *st)
{
	char b[32];

	if (!st->result_text)
		return json_null();
	return JB_OBJ(jb_str("text", st->result_text),
		      jb_str("published_at", clock_format_shanghai(st->result_at, b)));
}

/* The matter's parts of the thread into o (o->matter set). 0 or <0. */
static int thread_parts(struct db_conn *c, json_t *o, const struct kept *k, const struct steps *st,
			int64_t id, int64_t now)
{
	json_t *m = json_object_get(o, "matter");
	json_t *street = street_json(c, k->unit_id);
	json_t *src =
		matter_sources_json(c, id, json_string_value(json_object_get(m, "source_kind")),
				    k->note, k->hotspot, NULL);
	json_t *meetings = meetings_public_of_matter(c, id);
	json_t *disc = disclosure_json(c, id, st, now, 0);

	if (!street || !src || !meetings || !disc) {
		json_decref(street);
		json_decref(src);
		json_decref(meetings);
		json_decref(disc);
		return DB_ERR;
	}
	json_object_set_new(m, "street", street);
	json_object_set_new(m, "description", json_string(k->description));
	json_object_del(m, "source_kind");
	json_object_set_new(o, "sources", src);
	json_object_set_new(o, "steps", json_incref(st->arr));
	json_object_set_new(o, "meetings", meetings);
	json_object_set_new(o, "disclosure", disc);
	json_object_set_new(o, "result", result_json(st));
	return thread_project(c, o, k->project_id, now);
}

json_t *matter_thread_json(struct db_conn *c, int64_t id, int64_t now)
{
	struct kept k = { .public = 1 };
	struct steps st;
	json_t *o = NULL;
	int rc = matters_store_view(c, id, keep_row, &k);

	memset(&st, 0, sizeof st);
	if (rc == DB_ROW)
		rc = steps_read(c, id, 1, &st);
	if (rc == 0) {
		o = JB_OBJ(jb_take("matter", json_incref(k.o)));
		rc = o ? thread_parts(c, o, &k, &st, id, now) : DB_ENOMEM;
	}
	steps_release(&st);
	kept_release(&k);
	json_decref(k.o);
	if (rc == DB_DONE)
		return json_null();
	if (rc < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}
