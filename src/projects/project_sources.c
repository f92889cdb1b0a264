/*
 * project_sources.c — where a project came from and what it serves: the
 * checks of the appeal ids, hotspot and commitment item ids a body names,
 * and writing them.
 *
 * - An appeal must exist and be one the caller sees (its place or its
 *   handler inside the caller's subtree); otherwise it is refused exactly as
 *   one that does not exist, naming the id.
 * - A hotspot {grid_id, category, days} is recomputed the way GET
 *   /api/v1/appeals/hotspots counts one — appeals placed in the grid's
 *   subtree over the last `days`, neither merged nor rejected, of that
 *   category — and must hold PROJECT_HOTSPOT_MIN of them (the endpoint's
 *   default min_count). It is stored as a snapshot (grid, category, count,
 *   the first ids, days, taken_at), so the project keeps the evidence it was
 *   started on after the appeals move on.
 * - A commitment item must exist (commitment_item_get) in the project's
 *   community — for a street project, its street.
 */
#include "projects/projects.h"
#include "projects/projects_int.h"

#include "db/store.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "auth/auth.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- appeals ------------------------------------------------------------- */

static int appeal_seen(void *ctx, const struct source_appeal *a)
{
	const char *viewer = ctx;

	return path_within(a->unit_path, viewer) || path_within(a->handler_path, viewer)
		       ? 0
		       : DB_EABORT;
}

static int appeals_or_reply(struct req *req, struct db_conn *c, json_t *arr,
			    struct project_sources *out)
{
	const char *viewer = req_auth(req)->unit_path;

	if (body_ids_or_reply(req, arr, "appeal_ids", 0, PROJECT_APPEALS_MAX, out->appeal_ids,
			      &out->n_appeals))
		return -1;
	for (int i = 0; i < out->n_appeals; i++) {
		int rc = projects_store_appeal(c, out->appeal_ids[i], appeal_seen, (void *)viewer);
		if (rc == DB_ROW)
			continue;
		if (rc < 0 && rc != DB_EABORT) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		reply_invalid_id(req, "appeal_ids", out->appeal_ids[i],
				 "no such appeal in your area");
		return -1;
	}
	return 0;
}

/* ---- the hotspot ----------------------------------------------------------- */

struct hotspot_body {
	int64_t grid_id, days;
	const char *category;
};

static const struct body_field hotspot_fields[] = {
	BF_ID(struct hotspot_body, grid_id, "grid_id", BF_REQUIRED),
	BF_STR(struct hotspot_body, category, "category", BF_REQUIRED, 1, 48),
	BF_INT(struct hotspot_body, days, "days", BF_OPTIONAL, 1, 366, 30),
};

int project_hotspot_or_reply(struct req *req, struct db_conn *c, json_t *obj, const char *root,
			     const char *where, enum err_id too_few, const char **snapshot)
{
	struct hotspot_body h;
	struct unit_ref g;
	int64_t count = 0, ids[PROJECT_HOTSPOT_IDS], now = clock_now();
	char hi[256], name[244], b[32];
	json_t *arr, *snap;
	int rc;

	*snapshot = NULL;
	if (!obj)
		return 0;
	if (body_read_obj_or_reply(req, obj, where, hotspot_fields,
				   sizeof hotspot_fields / sizeof *hotspot_fields, &h, NULL))
		return -1;
	rc = unit_get(c, h.grid_id, &g);
	if (req_ok_or_invalid(req, rc,
			      rc == DB_ROW && g.kind == UNIT_GRID && path_within(g.path, root) &&
				      path_within(g.path, req_auth(req)->unit_path),
			      arena_printf(&req->arena, "%s.grid_id", where),
			      "a grid of the community in your area"))
		return -1;
	path_upper(g.path, hi, sizeof hi);
	rc = projects_store_hotspot(c, g.path, hi, now - h.days * 86400, h.category, &count, ids,
				    name, sizeof name);
	if (req_ok_or_invalid(req, rc, rc >= 0 && name[0],
			      arena_printf(&req->arena, "%s.category", where),
			      "an appeal category code"))
		return -1;
	if (count < PROJECT_HOTSPOT_MIN) {
		reply_error_ex(req, too_few, NULL,
			       JB_OBJ(jb_int("count", count),
				      jb_int("min_count", PROJECT_HOTSPOT_MIN),
				      jb_int("days", h.days)));
		return -1;
	}
	arr = json_array();
	for (int64_t i = 0; arr && i < count && i < PROJECT_HOTSPOT_IDS; i++)
		json_array_append_new(arr, json_integer(ids[i]));
	snap = JB_OBJ(jb_take("grid", JB_OBJ(jb_int("id", g.id), jb_str("code", g.code),
					     jb_str("name", g.name))),
		      jb_take("category", JB_OBJ(jb_str("code", h.category), jb_str("name", name))),
		      jb_int("count", count), jb_take("appeal_ids", arr), jb_int("days", h.days),
		      jb_str("taken_at", clock_format_shanghai(now, b)));
	char *text = snap ? json_dumps(snap, JSON_COMPACT) : NULL;
	json_decref(snap);
	if (!text) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	*snapshot = arena_strdup(&req->arena, text);
	free(text);
	return 0;
}

/* ---- commitment items ------------------------------------------------------ */

static int items_or_reply(struct req *req, struct db_conn *c, json_t *arr, const char *root,
			  struct project_sources *out)
{
	if (body_ids_or_reply(req, arr, "commitment_item_ids", 0, PROJECT_ITEMS_MAX, out->item_ids,
			      &out->n_items))
		return -1;
	for (int i = 0; i < out->n_items; i++) {
		struct commitment_item_ref it;
		int rc = commitment_item_get(c, out->item_ids[i], &it);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW || !path_within(it.unit_path, root)) {
			reply_invalid_id(req, "commitment_item_ids", out->item_ids[i],
					 "no such commitment item in the project's community");
			return -1;
		}
	}
	return 0;
}

int project_sources_or_reply(struct req *req, struct db_conn *c, const char *project_path,
			     json_t *appeal_ids, json_t *hotspot, json_t *item_ids,
			     struct project_sources *out)
{
	char root[256];

	memset(out, 0, sizeof *out);
	if (project_source_root(project_path, root, sizeof root)) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	if (appeals_or_reply(req, c, appeal_ids, out) ||
	    project_hotspot_or_reply(req, c, hotspot, root, "hotspot", ERR_PROJECT_NO_HOTSPOT,
				     &out->hotspot) ||
	    items_or_reply(req, c, item_ids, root, out))
		return -1;
	return 0;
}

int project_sources_write(struct db_conn *c, int64_t id, const struct project_sources *s,
			  int64_t now)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < s->n_appeals; i++)
		rc = project_link_appeal(c, id, s->appeal_ids[i], now);
	for (int i = 0; rc == 0 && i < s->n_items; i++)
		rc = project_link_item(c, id, s->item_ids[i], now);
	if (rc == 0 && s->hotspot)
		rc = projects_store_set_hotspot(c, id, s->hotspot, now);
	return rc;
}
