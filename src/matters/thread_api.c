/*
 * thread_api.c — the secretaries' yearly review and the two public answers.
 *
 *   GET /api/v1/matters/review?unit=&year=     org:read: per community (and a
 *       street with major matters of its own) in scope, the year's major
 *       matters, whether each went through every step, and the Shanghai days
 *       each step took
 *   GET /api/v1/matters/:id/thread             no sign-in: the whole chain
 *       (matters_json.c's matter_thread_json)
 *   GET /api/v1/public/units/:code/matters?year=   no sign-in: a community's
 *       matters for the residents' page
 *
 * The public answers name no resident, representative or staff member.
 */
#include "matters/matters_int.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

#include <stdlib.h>
#include <string.h>

#define REVIEW_MAX	5000 /* major matters of one year in one scope, at most */
#define PUBLIC_LIST_MAX 200

/* ?year=, the current Shanghai year when left out: 0, or -1 having answered 400. */
static int year_or_reply(struct req *req, int64_t *year, int64_t def)
{
	const char *s = req_query(req, "year");

	*year = def;
	if (s && *s && parse_int64(s, 2000, 2100, year)) {
		reply_invalid(req, "year", "a year from 2000 to 2100");
		return -1;
	}
	return 0;
}

/* ---- the review ------------------------------------------------------------- */

struct review {
	json_t *units; /* [{unit, major_count, complete_count, matters}] */
	int64_t *unit_ids;
	size_t n_units, cap_units;
	struct review_matter {
		int64_t id, unit_id, created_at;
		unsigned done;
		json_t *o;
	} * m;
	size_t n, cap;
};

static int review_unit(void *ctx, const struct review_unit_row *u)
{
	struct review *r = ctx;
	json_t *o;

	if (buf_reserve(&r->unit_ids, &r->cap_units, (r->n_units + 1) * sizeof *r->unit_ids))
		return DB_ENOMEM;
	o = JB_OBJ(jb_take("unit", JB_OBJ(jb_int("id", u->id), jb_str("code", u->code),
					  jb_str("name", u->name), jb_str("kind", u->kind))),
		   jb_int("major_count", 0), jb_int("complete_count", 0),
		   jb_take("matters", json_array()));
	if (!o || json_array_append_new(r->units, o))
		return DB_ENOMEM;
	r->unit_ids[r->n_units++] = u->id;
	return 0;
}

static int review_matter(void *ctx, const struct matter_view *v)
{
	struct review *r = ctx;
	struct review_matter *x;
	char b[32];

	if (buf_reserve(&r->m, &r->cap, (r->n + 1) * sizeof *r->m))
		return DB_ENOMEM;
	x = &r->m[r->n];
	*x = (struct review_matter){ v->m.id, v->m.unit_id, v->m.created_at, v->done, NULL };
	x->o = JB_OBJ(jb_int("id", v->m.id), jb_str("title", v->title),
		      jb_str("category", v->m.category), jb_int("amount_fen", v->m.amount_fen),
		      jb_str("state", v->m.state), jb_bool("complete", matter_complete(v->done)),
		      jb_str_or_null("next_step", matter_step_name(matter_next_step(1, v->done))),
		      jb_str("created_at", clock_format_shanghai(v->m.created_at, b)));
	if (!x->o)
		return DB_ENOMEM;
	r->n++;
	return 0;
}

struct step_days {
	json_t *arr;
	int64_t prev; /* the previous step's time (first: the matter's creation) */
};

static int step_days(void *ctx, const struct matter_step_row *s)
{
	struct step_days *d = ctx;
	char b[32];
	json_t *j = JB_OBJ(jb_str("step", matter_step_name(s->step)),
			   jb_str("done_at", clock_format_shanghai(s->done_at, b)),
			   jb_int("days", cal_day_of(s->done_at) - cal_day_of(d->prev)));

	d->prev = s->done_at;
	return j && !json_array_append_new(d->arr, j) ? 0 : DB_ENOMEM;
}

/* Steps, days and the matter's place among its unit's. */
static int review_place(struct db_conn *c, struct review *r, struct review_matter *x)
{
	struct step_days d = { json_array(), x->created_at };
	char b[32];
	json_t *u = NULL;
	int rc;

	for (size_t i = 0; i < r->n_units; i++)
		if (r->unit_ids[i] == x->unit_id)
			u = json_array_get(r->units, i);
	rc = d.arr ? matters_store_steps(c, x->id, step_days, &d) : DB_ENOMEM;
	if (rc < 0 || !u) {
		json_decref(d.arr);
		return rc < 0 ? rc : 0; /* a matter of a unit not listed (a grid's) is left out */
	}
	json_object_set_new(x->o, "finished_at",
			    matter_complete(x->done) ? json_string(clock_format_shanghai(d.prev, b))
						     : json_null());
	json_object_set_new(x->o, "total_days",
			    json_integer(cal_day_of(d.prev) - cal_day_of(x->created_at)));
	json_object_set_new(x->o, "steps", d.arr);
	json_array_append_new(json_object_get(u, "matters"), json_incref(x->o));
	json_object_set_new(
		u, "major_count",
		json_integer(json_integer_value(json_object_get(u, "major_count")) + 1));
	if (matter_complete(x->done))
		json_object_set_new(
			u, "complete_count",
			json_integer(json_integer_value(json_object_get(u, "complete_count")) + 1));
	return 0;
}

static void review_release(struct review *r)
{
	for (size_t i = 0; i < r->n; i++)
		json_decref(r->m[i].o);
	free(r->m);
	free(r->unit_ids);
	json_decref(r->units);
}

void matter_review(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct review r = { .units = json_array() };
	struct scope sc;
	int64_t year;
	int rc;

	if (!c || year_or_reply(req, &year, cal_year_of(clock_now())) ||
	    scope_unit_or_reply(req, c, req_query(req, "unit"), &sc)) {
		json_decref(r.units);
		return;
	}
	const struct matter_filter f = { .lo = sc.lo,
					 .hi = sc.hi,
					 .before = INT64_MAX,
					 .year = year,
					 .major = 1,
					 .limit = REVIEW_MAX };
	rc = r.units ? matters_store_review_units(c, sc.lo, sc.hi, year, review_unit, &r)
		     : DB_ENOMEM;
	if (rc == 0)
		rc = matters_store_list(c, &f, review_matter, &r);
	/* the list is newest first: place oldest first */
	for (size_t i = r.n; rc == 0 && i > 0; i--)
		rc = review_place(c, &r, &r.m[i - 1]);
	if (rc < 0) {
		review_release(&r);
		reply_db_error(req, rc);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("year", year), jb_take("units", json_incref(r.units))));
	review_release(&r);
}

/* ---- the thread ----------------------------------------------------------------- */

void matter_thread(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	json_t *o;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	o = matter_thread_json(c, id, clock_now());
	if (!o) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (json_is_null(o)) {
		json_decref(o);
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	reply_json(req, 200, o);
}

/* ---- the community's public list -------------------------------------------------- */

struct public_list {
	json_t *items;
	int64_t ids[PUBLIC_LIST_MAX];
	unsigned done[PUBLIC_LIST_MAX];
	size_t n;
};

static int public_item(void *ctx, const struct matter_view *v)
{
	struct public_list *l = ctx;
	char b1[32], b2[32];
	json_t *o;

	if (l->n >= PUBLIC_LIST_MAX)
		return 0;
	o = JB_OBJ(jb_int("id", v->m.id), jb_str("title", v->title),
		   jb_str("category", v->m.category), jb_int("amount_fen", v->m.amount_fen),
		   jb_bool("major", v->m.major), jb_str("state", v->m.state),
		   jb_str_or_null("next_step",
				  matter_step_name(matter_next_step(v->m.major, v->done))),
		   jb_str("created_at", clock_format_shanghai(v->m.created_at, b1)),
		   jb_str("updated_at", clock_format_shanghai(v->m.updated_at, b2)));
	if (!o || json_array_append_new(l->items, o))
		return DB_ENOMEM;
	l->ids[l->n] = v->m.id;
	l->done[l->n++] = v->done;
	return 0;
}

/* Each item's "disclosure": {ends_on, open} once the resolution is published, else null. */
static int add_disclosures(struct db_conn *c, struct public_list *l, int64_t now)
{
	for (size_t i = 0; i < l->n; i++) {
		json_t *d = json_null(), *item = json_array_get(l->items, i);
		int64_t at = 0;
		int days = 0, rc = DB_DONE;
		char b[CAL_DAY_TEXT];
		if (l->done[i] & MS_BIT(MS_PUBLISH_RESOLUTION))
			rc = matters_store_disclosure(c, l->ids[i], &at, &days);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			d = JB_OBJ(jb_str("ends_on",
					  cal_day_format(matter_disclosure_ends_on(at, days), b)),
				   jb_bool("open", matter_disclosure_open(at, days, now)));
		json_object_set_new(item, "disclosure", d ? d : json_null());
	}
	return 0;
}

void matter_public_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *code = req_param(req, "code");
	struct public_list *l;
	struct unit_ref u;
	char hi[256];
	int64_t year;
	int rc;

	if (!c || year_or_reply(req, &year, 0))
		return;
	rc = code && strlen(code) < sizeof u.code ? unit_get_by_code(c, code, &u) : DB_DONE;
	if (req_found_or_reply(req, rc))
		return;
	if (u.kind != UNIT_COMMUNITY) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	l = calloc(1, sizeof *l);
	if (!l || !(l->items = json_array())) {
		free(l);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	path_upper(u.path, hi, sizeof hi);
	const struct matter_filter f = { .lo = u.path,
					 .hi = hi,
					 .before = INT64_MAX,
					 .year = year,
					 .major = -1,
					 .limit = PUBLIC_LIST_MAX };
	rc = matters_store_list(c, &f, public_item, l);
	if (rc == 0)
		rc = add_disclosures(c, l, clock_now());
	if (rc < 0) {
		json_decref(l->items);
		free(l);
		reply_db_error(req, rc);
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_take("unit", JB_OBJ(jb_str("code", u.code), jb_str("name", u.name))),
			  jb_take("items", l->items)));
	free(l);
}
