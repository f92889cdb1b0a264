/*
 * meetings_json.c — meetings, representatives and meeting types as the
 * answers show them: the summary of a list, the whole meeting for staff
 * (invitees, proposals with their tallies and votes, the resolution) and
 * the public view of a matter's meetings (meetings_public_of_matter()).
 *
 * The public view is built from the same reads but writes less: the
 * invitees only as counts by the kind they had when invited, proposals
 * without their proposer, appointees by their role only — never a
 * representative's name, phone or account.
 *
 * Rows are collected first and their parts read after, so no read runs
 * while another statement is still being stepped. Tallies are computed by
 * meetings_rules.c from the counts read, with the numbers the meeting kept.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A time column: ISO 8601 in Shanghai, or null when 0 (not set). */
static json_t *time_or_null(int64_t t)
{
	char buf[32];

	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

/* Stored JSON text (photos): the value, or an empty array when absent or unreadable. */
static json_t *stored_array(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	if (json_is_array(v))
		return v;
	json_decref(v);
	return json_array();
}

json_t *meeting_type_json(const struct meeting_type_view *v)
{
	return JB_OBJ(jb_str("type", v->type), jb_int("quorum_pct", v->quorum_pct),
		      jb_int("pass_pct", v->pass_pct),
		      jb_take("updated_at", time_or_null(v->updated_at)));
}

json_t *rep_json(const struct rep_view *v)
{
	char b1[32], b2[32];

	return JB_OBJ(
		jb_int("id", v->id), jb_int("unit_id", v->unit_id),
		jb_str("unit_name", v->unit_name), jb_str("name", v->name), jb_str("kind", v->kind),
		jb_str("organisation", v->organisation ? v->organisation : ""),
		jb_str_or_null("phone_mask", v->phone_mask),
		jb_take("account_id", id_or_null(v->account_id)), jb_bool("active", (int)v->active),
		jb_str("created_at", clock_format_shanghai(v->created_at, b1)),
		jb_str("updated_at", clock_format_shanghai(v->updated_at, b2)));
}

json_t *meeting_summary_json(const struct meeting_view *v)
{
	char b1[32], b2[32], b3[32];

	return JB_OBJ(jb_int("id", v->id), jb_int("unit_id", v->unit_id),
		      jb_str("unit_name", v->unit_name), jb_str("type", v->type),
		      jb_take("matter_id", id_or_null(v->matter_id)), jb_str("title", v->title),
		      jb_str("starts_at", clock_format_shanghai(v->starts_at, b1)),
		      jb_take("ends_at", time_or_null(v->ends_at)), jb_str("place", v->place),
		      jb_take("venue_id", id_or_null(v->venue_id)),
		      jb_take("booking_id", id_or_null(v->booking_id)), jb_str("agenda", v->agenda),
		      jb_str("state", v->state), jb_int("quorum_pct", v->quorum_pct),
		      jb_int("pass_pct", v->pass_pct), jb_int("invited", v->invited),
		      jb_int("present", v->present),
		      jb_bool("quorate", meeting_quorate(v->invited, v->present, v->quorum_pct)),
		      jb_bool("passed", (int)v->passed), jb_str("cancel_reason", v->cancel_reason),
		      jb_take("created_by", id_or_null(v->created_by)),
		      jb_str("created_at", clock_format_shanghai(v->created_at, b2)),
		      jb_take("held_at", time_or_null(v->held_at)),
		      jb_take("closed_at", time_or_null(v->closed_at)),
		      jb_take("cancelled_at", time_or_null(v->cancelled_at)),
		      jb_str("updated_at", clock_format_shanghai(v->updated_at, b3)));
}

struct meeting_tally meeting_tally_of(const struct meeting_view *m, const struct proposal_view *p)
{
	return (struct meeting_tally){
		.invited = m->invited,
		.present = m->present,
		.quorum_pct = m->quorum_pct,
		.pass_pct = m->pass_pct,
		.votes_for = p->votes_for,
		.against = p->against,
		.abstain = p->abstain,
	};
}

/* ---- the whole meeting ------------------------------------------------------------------- */

struct full {
	json_t *o;	       /* the meeting, NULL when absent */
	struct meeting_view m; /* numbers only: strings die with the row */
	json_t *list;	       /* the array being filled */
	json_t *by_id;	       /* proposal id (text) → its votes array */
	int full;	       /* staff (1) or public (0) */
	int failed;
};

static int full_meeting(void *ctx, const struct meeting_view *v)
{
	struct full *f = ctx;

	f->o = meeting_summary_json(v);
	f->m = *v;
	f->m.unit_path = f->m.unit_name = f->m.type = f->m.title = f->m.place = NULL;
	f->m.agenda = f->m.state = f->m.cancel_reason = f->m.resolution = NULL;
	f->m.minutes = f->m.photos = NULL;
	if (!f->o)
		return DB_ERR;
	if (v->resolution) {
		json_t *r = JB_OBJ(jb_str("text", v->resolution), jb_str("minutes", v->minutes),
				   jb_take("photos", stored_array(v->photos)),
				   jb_take("project_id", id_or_null(v->project_id)));
		if (!r)
			return DB_ERR;
		json_object_set_new(f->o, "resolution", r);
	} else {
		json_object_set_new(f->o, "resolution", json_null());
	}
	return 0;
}

static int full_invitee(void *ctx, const struct invitee_view *v)
{
	struct full *f = ctx;
	json_t *o =
		JB_OBJ(jb_int("representative_id", v->representative_id), jb_str("name", v->name),
		       jb_str("kind", v->kind),
		       jb_str("organisation", v->organisation ? v->organisation : ""),
		       jb_str_or_null("phone_mask", v->phone_mask),
		       jb_bool("has_account", (int)v->has_account),
		       jb_take("present", v->present < 0 ? json_null() : json_boolean(v->present)));

	return o && !json_array_append_new(f->list, o) ? 0 : DB_ERR;
}

static json_t *proposal_json(const struct full *f, const struct proposal_view *p)
{
	const struct meeting_tally t = meeting_tally_of(&f->m, p);

	if (!f->full)
		return JB_OBJ(jb_str("title", p->title), jb_int("for", p->votes_for),
			      jb_int("against", p->against), jb_int("abstain", p->abstain),
			      jb_bool("passed", proposal_passes(&t)),
			      jb_bool("adopted", (int)p->adopted));
	return JB_OBJ(jb_int("id", p->id), jb_int("meeting_id", p->meeting_id),
		      jb_str("title", p->title), jb_str("text", p->text ? p->text : ""),
		      jb_take("proposer_id", id_or_null(p->proposer_id)),
		      jb_str_or_null("proposer_name", p->proposer_name),
		      jb_int("for", p->votes_for), jb_int("against", p->against),
		      jb_int("abstain", p->abstain),
		      jb_int("votes_cast", p->votes_for + p->against + p->abstain),
		      jb_bool("passed", proposal_passes(&t)), jb_bool("adopted", (int)p->adopted),
		      jb_take("votes", json_array()));
}

static int full_proposal(void *ctx, const struct proposal_view *p)
{
	struct full *f = ctx;
	json_t *o = proposal_json(f, p);
	char key[24];

	if (!o)
		return DB_ERR;
	if (f->full) {
		snprintf(key, sizeof key, "%lld", (long long)p->id);
		json_object_set(f->by_id, key, json_object_get(o, "votes"));
	}
	return json_array_append_new(f->list, o) ? DB_ERR : 0;
}

static int full_vote(void *ctx, const struct vote_view *v)
{
	struct full *f = ctx;
	char key[24];
	json_t *arr;

	snprintf(key, sizeof key, "%lld", (long long)v->proposal_id);
	arr = json_object_get(f->by_id, key);
	if (!arr)
		return 0;
	return json_array_append_new(arr, JB_OBJ(jb_int("representative_id", v->representative_id),
						 jb_str("vote", v->vote)))
		       ? DB_ERR
		       : 0;
}

static int full_appointee(void *ctx, const struct appointee_view *v)
{
	struct full *f = ctx;
	json_t *o = f->full ? JB_OBJ(jb_str("name", v->name), jb_str("role", v->role),
				     jb_take("representative_id", id_or_null(v->representative_id)))
			    : JB_OBJ(jb_str("role", v->role));

	return o && !json_array_append_new(f->list, o) ? 0 : DB_ERR;
}

static int kind_count(void *ctx, const char *kind, int64_t n)
{
	struct full *f = ctx;

	return json_object_set_new(f->list, kind ? kind : "", json_integer((json_int_t)n)) ? DB_ERR
											   : 0;
}

/* Set the list just read (rc the read's result) as key on target: 0 or <0. */
static int part(json_t *target, const char *key, json_t *list, int rc)
{
	if (rc < 0)
		return rc;
	return json_object_set(target, key, list) ? DB_ERR : 0;
}

/* The resolution's adopted ids (staff only) and appointees (the public: roles only). */
static int resolution_parts(struct db_conn *c, struct full *f, json_t *res, json_t *proposals)
{
	size_t i;
	json_t *p;
	int rc;

	if (f->full) {
		json_t *adopted = json_array();
		json_array_foreach(proposals, i, p)
		{
			if (json_is_true(json_object_get(p, "adopted")))
				json_array_append(adopted, json_object_get(p, "id"));
		}
		if (json_object_set_new(res, "adopted", adopted))
			return DB_ERR;
	}
	f->list = json_array();
	rc = part(res, "appointees", f->list, mt_store_appointees(c, f->m.id, full_appointee, f));
	json_decref(f->list);
	return rc;
}

/* Fill the parts of f->o (the meeting read): invitees (staff), proposals, the resolution's
 * appointees and adopted ids; the public form drops what names a person. */
static int meeting_parts(struct db_conn *c, struct full *f)
{
	json_t *res = json_object_get(f->o, "resolution");
	int rc;

	if (f->full) {
		f->list = json_array();
		rc = part(f->o, "invitees", f->list,
			  mt_store_invitees(c, f->m.id, full_invitee, f));
		json_decref(f->list);
		if (rc < 0)
			return rc;
	} else {
		f->list = json_object();
		rc = part(f->o, "invited", f->list,
			  mt_store_invited_by_kind(c, f->m.id, kind_count, f));
		json_decref(f->list);
		if (rc < 0)
			return rc;
	}
	f->by_id = json_object();
	f->list = json_array();
	rc = part(f->o, "proposals", f->list, mt_store_proposals(c, f->m.id, full_proposal, f));
	json_t *proposals = f->list;
	if (rc == 0 && f->full)
		rc = mt_store_votes(c, f->m.id, full_vote, f);
	json_decref(f->by_id);
	f->by_id = NULL;
	if (rc == 0 && json_is_object(res))
		rc = resolution_parts(c, f, res, proposals);
	json_decref(proposals);
	return rc;
}

json_t *meeting_full_json(struct db_conn *c, int64_t id)
{
	struct full f = { .full = 1 };
	int rc = mt_store_meeting(c, id, full_meeting, &f);

	if (rc == DB_DONE)
		return json_null();
	if (rc < 0 || !f.o || meeting_parts(c, &f) < 0) {
		json_decref(f.o);
		return NULL;
	}
	return f.o;
}

json_t *proposal_full_json(struct db_conn *c, int64_t id)
{
	int64_t meeting_id = 0;
	json_t *m, *x, *out = NULL;
	size_t i;

	if (mt_store_proposal_meeting(c, id, &meeting_id) != DB_ROW)
		return NULL;
	m = meeting_full_json(c, meeting_id);
	json_array_foreach(json_object_get(m, "proposals"), i, x)
	{
		if (json_integer_value(json_object_get(x, "id")) == id)
			out = json_incref(x);
	}
	json_decref(m);
	return out;
}

/* ---- the public view of a matter's meetings ------------------------------------------------ */

struct public_list {
	json_t *arr;
	struct meeting_view *ms; /* numbers only */
	int n, cap;
};

static int public_meeting(void *ctx, const struct meeting_view *v)
{
	struct public_list *l = ctx;
	char b[32];
	json_t *o;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 8;
		struct meeting_view *ms = realloc(l->ms, (size_t)cap * sizeof *ms);
		if (!ms)
			return DB_ENOMEM;
		l->ms = ms;
		l->cap = cap;
	}
	o = JB_OBJ(jb_int("id", v->id), jb_str("type", v->type), jb_str("title", v->title),
		   jb_str("starts_at", clock_format_shanghai(v->starts_at, b)),
		   jb_str("place", v->place), jb_str("state", v->state),
		   jb_int("present", v->present),
		   jb_bool("quorate", meeting_quorate(v->invited, v->present, v->quorum_pct)),
		   jb_take("resolution",
			   v->resolution ? JB_OBJ(jb_str("text", v->resolution),
						  jb_take("photos", stored_array(v->photos)))
					 : json_null()));
	if (!o || json_array_append_new(l->arr, o))
		return DB_ERR;
	l->ms[l->n] = (struct meeting_view){ .id = v->id,
					     .invited = v->invited,
					     .present = v->present,
					     .quorum_pct = v->quorum_pct,
					     .pass_pct = v->pass_pct };
	l->n++;
	return 0;
}

json_t *meetings_public_of_matter(struct db_conn *c, int64_t matter_id)
{
	struct public_list l = { .arr = json_array() };
	int rc = l.arr ? mt_store_meetings_of_matter(c, matter_id, public_meeting, &l) : DB_ENOMEM;

	for (int i = 0; rc == 0 && i < l.n; i++) {
		struct full f = { .o = json_array_get(l.arr, (size_t)i), .m = l.ms[i], .full = 0 };
		rc = meeting_parts(c, &f);
	}
	free(l.ms);
	if (rc < 0) {
		json_decref(l.arr);
		return NULL;
	}
	return l.arr;
}
