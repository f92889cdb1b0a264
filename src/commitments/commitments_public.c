/*
 * commitments_public.c — a community's commitment lists as anyone may read
 * them (commitments_public() in commitments.h; the public module serves it
 * at GET /api/v1/public/units/:code/commitments).
 *
 * The public shape names the committee members only as the list publishes
 * them (name and post), never an account; events carry no actor; comments
 * carry their kind, text, time and answer, never who wrote or answered them.
 * Per list it reads the items, then every event and every comment of the
 * list in one statement each, and hangs them on their items: four
 * statements a list, whatever its size.
 */
#include "commitments/commitments.h"
#include "commitments/commitments_int.h"

#include "core/jbuild.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>

/* The lists being built: the items of the current list by id ("123" → item object). */
struct pub {
	struct db_conn *c;
	const char *today;
	json_t *lists, *by_id, *items;
	struct rate total;
	int failed;
};

static json_t *item_of(struct pub *p, int64_t id)
{
	char key[24];

	snprintf(key, sizeof key, "%lld", (long long)id);
	return json_object_get(p->by_id, key);
}

static int pub_item(void *ctx, const struct citem_view *v)
{
	struct pub *p = ctx;
	json_t *o = citem_json(v, 0);
	char key[24];

	if (!o)
		return DB_ENOMEM;
	json_object_set_new(o, "events", json_array());
	json_object_set_new(o, "comments", json_array());
	snprintf(key, sizeof key, "%lld", (long long)v->id);
	json_object_set(p->by_id, key, o);
	return json_array_append_new(p->items, o) ? DB_ENOMEM : 0;
}

static int pub_event(void *ctx, const struct cevent_view *v)
{
	json_t *item = item_of(ctx, v->item_id), *e;

	if (!item)
		return 0;
	e = cevent_json(v, 0);
	return e && !json_array_append_new(json_object_get(item, "events"), e) ? 0 : DB_ENOMEM;
}

static int pub_comment(void *ctx, const struct ccomment_view *v)
{
	json_t *item = item_of(ctx, v->item_id), *k;

	if (!item)
		return 0;
	k = ccomment_json(v, 0);
	return k && !json_array_append_new(json_object_get(item, "comments"), k) ? 0 : DB_ENOMEM;
}

static int pub_list(void *ctx, const struct clist_view *v)
{
	struct pub *p = ctx;
	json_t *l = clist_json(v, 0);

	if (!l || json_array_append_new(p->lists, l))
		return DB_ENOMEM;
	p->total.items += v->rate.items;
	p->total.done += v->rate.done;
	p->total.overdue += v->rate.overdue;
	return 0;
}

json_t *commitments_public(struct db_conn *c, const struct unit_ref *community, int64_t now)
{
	struct pub p = { .c = c, .lists = json_array() };
	char today[11];
	size_t i;
	json_t *l, *out;
	int rc;

	commitment_today(now, today);
	p.today = today;
	rc = clists_store_of_unit(c, community->id, today, pub_list, &p);
	json_array_foreach(p.lists, i, l)
	{
		int64_t list_id = json_integer_value(json_object_get(l, "id"));
		if (rc < 0)
			break;
		p.by_id = json_object();
		p.items = json_array();
		json_object_set_new(l, "items", p.items);
		rc = citems_store_of_list(c, list_id, today, pub_item, &p);
		if (rc >= 0)
			rc = cevents_store_of_list(c, list_id, pub_event, &p);
		if (rc >= 0)
			rc = ccomments_store_of_list(c, list_id, pub_comment, &p);
		json_decref(p.by_id);
	}
	if (rc < 0) {
		json_decref(p.lists);
		return NULL;
	}
	out = JB_OBJ(jb_take("lists", p.lists), jb_take("rate", rate_json(&p.total)));
	return out;
}
