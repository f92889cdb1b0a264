/*
 * fund_json.c — ledger entries and spend requests as the API shows them.
 *
 * The staff answers name the actor of an entry; the public one
 * (fund_public(), with_actor 0) never does: only kind, amount, project,
 * note and time.
 */
#include "fund/fund_int.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"

int fund_year_now(void)
{
	return cal_year_of(clock_now());
}

static json_t *project_json(int64_t id, const char *title)
{
	return id ? JB_OBJ(jb_int("id", id), jb_str("title", title ? title : "")) : json_null();
}

static json_t *or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

json_t *fund_entry_json(const struct fund_entry *e, int with_actor)
{
	char at[32];
	json_t *o;

	o = JB_OBJ(jb_int("seq", e->seq), jb_str("at", clock_format_shanghai(e->at, at)),
		   jb_str("kind", e->kind), jb_int("amount_fen", e->amount_fen),
		   jb_take("project", project_json(e->project_id, e->project_title)),
		   jb_str("note", e->note ? e->note : ""));
	if (!o || !with_actor)
		return o;
	json_object_set_new(o, "unit",
			    JB_OBJ(jb_int("id", e->unit_id), jb_str("code", e->unit_code),
				   jb_str("name", e->unit_name)));
	json_object_set_new(o, "year", json_integer(e->year));
	json_object_set_new(o, "ref_seq", or_null(e->ref_seq));
	json_object_set_new(o, "actor",
			    JB_OBJ(jb_int("id", e->actor_id), jb_str("name", e->actor_name)));
	return o;
}

json_t *fund_spend_json(const struct fund_spend *s)
{
	char req_at[32], dec_at[32];
	json_t *o;

	o = JB_OBJ(
		jb_int("id", s->id),
		jb_take("unit", JB_OBJ(jb_int("id", s->unit_id), jb_str("code", s->unit_code),
				       jb_str("name", s->unit_name))),
		jb_int("year", s->year),
		jb_take("project", project_json(s->project_id, s->project_title)),
		jb_int("amount_fen", s->amount_fen), jb_str("note", s->note),
		jb_take("meal_point_id", or_null(s->meal_point_id)),
		jb_str_or_null("month", s->month[0] ? s->month : NULL), jb_str("state", s->state),
		jb_str_or_null("reason", s->reason[0] ? s->reason : NULL),
		jb_take("requested_by",
			JB_OBJ(jb_int("id", s->requested_by), jb_str("name", s->requested_name))),
		jb_str("requested_at", clock_format_shanghai(s->requested_at, req_at)),
		jb_take("decided_by", s->decided_at ? JB_OBJ(jb_int("id", s->decided_by),
							     jb_str("name", s->decided_name))
						    : json_null()),
		jb_str_or_null("decided_at",
			       s->decided_at ? clock_format_shanghai(s->decided_at, dec_at) : NULL),
		jb_take("entry_seq", or_null(s->entry_seq)));
	return o;
}
