/*
 * micro_json.c — the answers of 微实事 that the handlers and the public view
 * share: a round's summary, its results, and micro_public() (micro.h), the
 * signed-out view of a community's rounds.
 *
 * Results are computed from the ballots (micro_store_tally() and the rule in
 * micro_rules.c) until the round is published; from then on they are read as
 * frozen. Neither ever names a proposer.
 */
#include "micro/micro_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An instant as ISO 8601 +08:00, or null for 0 (never set). */
static json_t *time_json(int64_t t)
{
	char b[32];

	return t ? json_string(clock_format_shanghai(t, b)) : json_null();
}

json_t *micro_photos_json(const char *photos)
{
	json_t *a = photos ? json_loads(photos, 0, NULL) : NULL;

	if (!json_is_array(a)) {
		json_decref(a);
		return json_array();
	}
	return a;
}

json_t *micro_round_json(const struct micro_round_view *v, int64_t now)
{
	const struct micro_round *r = &v->r;

	return JB_OBJ(jb_int("id", r->id),
		      jb_take("unit", JB_OBJ(jb_int("id", r->unit_id), jb_str("name", v->unit_name),
					     jb_str("code", v->unit_code))),
		      jb_str("title", r->title), jb_str("description", v->description),
		      jb_int("budget_fen", r->budget_fen),
		      jb_take("proposal_start", time_json(r->w.proposal_start)),
		      jb_take("proposal_end", time_json(r->w.proposal_end)),
		      jb_take("voting_start", time_json(r->w.voting_start)),
		      jb_take("voting_end", time_json(r->w.voting_end)),
		      jb_str("state", micro_state_name(micro_state_at(&r->w, now))),
		      jb_take("published_at", time_json(r->w.published_at)),
		      jb_take("counts", JB_OBJ(jb_int("proposals", v->proposals),
					       jb_int("admitted", v->admitted),
					       jb_int("ballots", v->ballots))));
}

/* The admitted proposals' titles and project ids, by id, for the results' items. */
struct result_names {
	json_t *titles, *projects; /* objects keyed by the proposal id as text */
};

static int result_name_row(void *ctx, const struct micro_proposal_view *p)
{
	struct result_names *n = ctx;
	char key[24];

	if (strcmp(p->status, "admitted"))
		return 0;
	snprintf(key, sizeof key, "%lld", (long long)p->id);
	json_object_set_new(n->titles, key, json_string(p->title));
	json_object_set_new(n->projects, key,
			    p->project_id ? json_integer(p->project_id) : json_null());
	return 0;
}

static json_t *result_items(const struct micro_tally *t, size_t n, const struct result_names *nm)
{
	json_t *items = json_array();
	char key[24];

	for (size_t i = 0; items && i < n; i++) {
		snprintf(key, sizeof key, "%lld", (long long)t[i].id);
		json_array_append_new(
			items,
			JB_OBJ(jb_int("id", t[i].id),
			       jb_ref_or_null("title", json_object_get(nm->titles, key)),
			       jb_int("cost_fen", t[i].cost_fen), jb_int("votes", t[i].votes),
			       jb_int("rank", t[i].rank), jb_bool("chosen", t[i].chosen),
			       jb_ref_or_null("project_id", json_object_get(nm->projects, key))));
	}
	return items;
}

json_t *micro_results_json(struct db_conn *c, const struct micro_round_view *v)
{
	const struct micro_round *r = &v->r;
	struct result_names nm = { json_object(), json_object() };
	struct micro_tally *t = NULL;
	int64_t total = 0;
	size_t n = 0;
	json_t *out = NULL;
	int rc;

	rc = r->w.published_at ? micro_store_frozen(c, r->id, &t, &n)
			       : micro_store_tally(c, r->id, &t, &n);
	if (rc >= 0)
		rc = micro_store_proposals(c, r->id, 0, 0, result_name_row, &nm);
	if (rc >= 0) {
		if (r->w.published_at) {
			for (size_t i = 0; i < n; i++)
				total += t[i].chosen ? t[i].cost_fen : 0;
		} else {
			total = micro_choose(t, n, r->budget_fen);
		}
		out = JB_OBJ(jb_int("ballots", v->ballots), jb_bool("published", r->w.published_at),
			     jb_take("published_at", time_json(r->w.published_at)),
			     jb_int("budget_fen", r->budget_fen), jb_int("chosen_total_fen", total),
			     jb_take("items", result_items(t, n, &nm)));
	}
	free(t);
	json_decref(nm.titles);
	json_decref(nm.projects);
	return out;
}

/* ---- the public view (micro.h) ------------------------------------------ */

static int public_proposal_row(void *ctx, const struct micro_proposal_view *p)
{
	if (strcmp(p->status, "admitted"))
		return 0;
	return json_array_append_new(ctx, JB_OBJ(jb_int("id", p->id), jb_str("title", p->title),
						 jb_str("description", p->description),
						 jb_int("cost_fen", p->cost_fen),
						 jb_take("photos", micro_photos_json(p->photos))))
		       ? DB_ENOMEM
		       : 0;
}

struct public_rounds {
	struct db_conn *c;
	int64_t now;
	json_t *rounds;
	int failed;
};

static int public_round_row(void *ctx, const struct micro_round_view *v)
{
	struct public_rounds *p = ctx;
	json_t *o = micro_round_json(v, p->now), *props = json_array(), *res = NULL;

	if (!o || !props ||
	    micro_store_proposals(p->c, v->r.id, 0, 0, public_proposal_row, props) < 0)
		goto fail;
	if (p->now >= v->r.w.voting_end && !(res = micro_results_json(p->c, v)))
		goto fail;
	json_object_set_new(o, "proposals", props);
	json_object_set_new(o, "results", res ? res : json_null());
	json_array_append_new(p->rounds, o);
	return 0;
fail:
	json_decref(o);
	json_decref(props);
	p->failed = 1;
	return DB_ERR;
}

json_t *micro_public(struct db_conn *c, const struct unit_ref *community, int64_t now)
{
	struct public_rounds p = { c, now, json_array(), 0 };

	if (!p.rounds || micro_store_unit_rounds(c, community->id, 20, public_round_row, &p) < 0 ||
	    p.failed) {
		json_decref(p.rounds);
		return NULL;
	}
	return JB_OBJ(jb_take("rounds", p.rounds));
}
