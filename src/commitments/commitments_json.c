/*
 * commitments_json.c — the JSON of lists, items, events and comments, in
 * two shapes: `full` for staff (units, accounts, who acted) and the public
 * one (commitments_public.c), which names no account and nobody but the
 * committee members as the list publishes them. Comments never carry who
 * wrote them, in either shape: the store does not even read it.
 */
#include "commitments/commitments_int.h"

#include "core/clock.h"
#include "core/jbuild.h"

static json_t *time_or_null(int64_t t)
{
	char b[32];

	return t ? json_string(clock_format_shanghai(t, b)) : json_null();
}

static json_t *who(int64_t id, const char *name)
{
	return id ? JB_OBJ(jb_int("id", id), jb_str("name", name ? name : "")) : json_null();
}

json_t *rate_json(const struct rate *r)
{
	return JB_OBJ(jb_int("items", r->items), jb_int("done", r->done),
		      jb_int("overdue", r->overdue),
		      jb_int("percent", commitment_percent(r->done, r->items)));
}

json_t *clist_json(const struct clist_view *v, int full)
{
	char b[32];
	json_t *o = JB_OBJ(jb_int("id", v->id), jb_str("term_start", v->term_start),
			   jb_str("term_end", v->term_end), jb_str("title", v->title),
			   jb_take("rate", rate_json(&v->rate)));

	if (o && full) {
		json_object_set_new(o, "unit",
				    JB_OBJ(jb_int("id", v->unit_id), jb_str("code", v->unit_code),
					   jb_str("name", v->unit_name)));
		json_object_set_new(o, "created_at",
				    json_string(clock_format_shanghai(v->created_at, b)));
	}
	return o;
}

static json_t *member_json(const struct citem_view *v, int full)
{
	if (!v->member_name || !*v->member_name)
		return json_null();
	if (!full)
		return JB_OBJ(jb_str("name", v->member_name), jb_str("post", v->member_post));
	return JB_OBJ(jb_str("name", v->member_name), jb_str("post", v->member_post),
		      v->member_account_id ? jb_int("account_id", v->member_account_id)
					   : jb_null("account_id"));
}

json_t *citem_json(const struct citem_view *v, int full)
{
	char b1[32], b2[32];
	json_t *o = JB_OBJ(jb_int("id", v->id), jb_take("member", member_json(v, full)),
			   jb_str("title", v->title), jb_str("detail", v->detail),
			   jb_str("category", v->category), jb_str("target", v->target),
			   jb_str("due_date", v->due_date), jb_str("state", v->status),
			   jb_int("percent", v->percent), jb_bool("overdue", v->overdue),
			   jb_take("verified_at", time_or_null(v->verified_at)),
			   jb_int("comment_count", v->comments),
			   jb_int("objection_count", v->objections));

	if (o && full) {
		json_object_set_new(o, "list_id", json_integer(v->list_id));
		json_object_set_new(o, "unit",
				    JB_OBJ(jb_int("id", v->unit_id), jb_str("code", v->unit_code),
					   jb_str("name", v->unit_name)));
		json_object_set_new(o, "created_at",
				    json_string(clock_format_shanghai(v->created_at, b1)));
		json_object_set_new(o, "updated_at",
				    json_string(clock_format_shanghai(v->updated_at, b2)));
		json_object_set_new(o, "verified_by", who(v->verified_by, v->verified_by_name));
		json_object_set_new(o, "return_reason",
				    v->return_reason ? json_string(v->return_reason) : json_null());
	}
	return o;
}

json_t *cevent_json(const struct cevent_view *v, int full)
{
	char b[32];
	json_t *photos = json_loads(v->photos ? v->photos : "[]", 0, NULL);
	json_t *o;

	if (!json_is_array(photos)) {
		json_decref(photos);
		photos = json_array();
	}
	o = JB_OBJ(jb_str("kind", v->kind), jb_str("at", clock_format_shanghai(v->at, b)),
		   v->has_percent ? jb_int("percent", v->percent) : jb_null("percent"),
		   jb_str("note", v->note ? v->note : ""),
		   jb_str("reason", v->reason ? v->reason : ""), jb_take("photos", photos));
	if (o && full) {
		json_object_set_new(o, "id", json_integer(v->id));
		json_object_set_new(o, "actor", who(v->actor_id, v->actor_name));
	}
	return o;
}

json_t *ccomment_json(const struct ccomment_view *v, int full)
{
	char b1[32], b2[32];
	json_t *answer = json_null();

	if (v->answer) {
		answer = JB_OBJ(jb_str("text", v->answer),
				jb_str("at", clock_format_shanghai(v->answered_at, b2)));
		if (answer && full)
			json_object_set_new(answer, "by", who(v->answered_by, v->answered_by_name));
	}
	return JB_OBJ(jb_int("id", v->id), jb_str("kind", v->kind), jb_str("text", v->text),
		      jb_str("created_at", clock_format_shanghai(v->created_at, b1)),
		      jb_take("answer", answer));
}
