/*
 * matters_sources.c — where a matter came from: the checks of the source
 * object a body names.
 *
 * - kind `appeals` needs appeal_ids (1..50 distinct): each must exist, be
 *   one the caller sees (its place or handler inside the caller's subtree)
 *   and be placed inside the matter's unit; otherwise it is refused exactly
 *   as one that does not exist, naming the id.
 * - kind `hotspot` needs a hotspot {grid_id, category, days}, recounted as
 *   GET /api/v1/appeals/hotspots counts one (appeals placed in the grid's
 *   subtree over the last `days`, neither merged nor rejected, of that
 *   category) and holding MATTER_HOTSPOT_MIN of them; it is stored as a
 *   snapshot (grid, category, count, the first ids, days, taken_at), as
 *   projects keep theirs.
 * - kinds `resident` and `staff` name neither; `resident` needs the note
 *   (what the resident proposed — never who).
 */
#include "matters/matters_int.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdlib.h>
#include <string.h>

static void reply_bad_id(struct req *req, const char *field, int64_t id, const char *why)
{
	reply_error_ex(req, ERR_INVALID, NULL,
		       JB_OBJ(jb_str("field", field), jb_str("reason", why), jb_int("id", id)));
}

struct appeal_check {
	const char *viewer, *root;
};

static int appeal_fits(void *ctx, const struct matter_appeal_row *a)
{
	const struct appeal_check *k = ctx;
	int seen = path_within(a->unit_path, k->viewer) || path_within(a->handler_path, k->viewer);

	return seen && path_within(a->unit_path, k->root) ? 0 : DB_EABORT;
}

static int appeals_or_reply(struct req *req, struct db_conn *c, json_t *arr, const char *root,
			    struct matter_sources *out)
{
	const char *field = "source.appeal_ids";
	struct appeal_check k = { req_auth(req)->unit_path, root };
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || json_array_size(arr) < 1 ||
	    json_array_size(arr) > MATTER_APPEALS_MAX) {
		reply_invalid(req, field, "an array of 1 to 50 appeal ids");
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		int rc;
		if (id < 1) {
			reply_invalid(req, field, "ids are integers from 1");
			return -1;
		}
		for (int j = 0; j < out->n_appeals; j++)
			if (out->appeal_ids[j] == id) {
				reply_bad_id(req, field, id, "named twice");
				return -1;
			}
		rc = matters_store_appeal(c, id, appeal_fits, &k);
		if (rc < 0 && rc != DB_EABORT) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW) {
			reply_bad_id(req, field, id, "no such appeal in the matter's community");
			return -1;
		}
		out->appeal_ids[out->n_appeals++] = id;
	}
	return 0;
}

struct hotspot_body {
	int64_t grid_id, days;
	const char *category;
};

static const struct body_field hotspot_fields[] = {
	BF_ID(struct hotspot_body, grid_id, "grid_id", BF_REQUIRED),
	BF_STR(struct hotspot_body, category, "category", BF_REQUIRED, 1, 48),
	BF_INT(struct hotspot_body, days, "days", BF_OPTIONAL, 1, 366, 30),
};

/* The snapshot as JSON text in the request's arena, or NULL having answered. */
static const char *snapshot_text(struct req *req, const struct unit_ref *g,
				 const struct hotspot_body *h, const char *name, int64_t count,
				 const int64_t *ids, int64_t now)
{
	json_t *arr = json_array(), *snap;
	char b[32], *text;
	const char *out;

	for (int64_t i = 0; arr && i < count && i < MATTER_HOTSPOT_IDS; i++)
		json_array_append_new(arr, json_integer(ids[i]));
	snap = JB_OBJ(
		jb_take("grid", JB_OBJ(jb_int("id", g->id), jb_str("code", g->code),
				       jb_str("name", g->name))),
		jb_take("category", JB_OBJ(jb_str("code", h->category), jb_str("name", name))),
		jb_int("count", count), jb_take("appeal_ids", arr), jb_int("days", h->days),
		jb_str("taken_at", clock_format_shanghai(now, b)));
	text = snap ? json_dumps(snap, JSON_COMPACT) : NULL;
	json_decref(snap);
	if (!text) {
		reply_error(req, ERR_INTERNAL);
		return NULL;
	}
	out = arena_strdup(&req->arena, text);
	free(text);
	return out;
}

static int hotspot_or_reply(struct req *req, struct db_conn *c, json_t *obj, const char *root,
			    struct matter_sources *out)
{
	struct hotspot_body h;
	struct unit_ref g;
	int64_t count = 0, ids[MATTER_HOTSPOT_IDS], now = clock_now();
	char hi[256], name[244];
	int rc;

	if (!json_is_object(obj)) {
		reply_invalid(req, "source.hotspot", "an object {grid_id, category, days}");
		return -1;
	}
	if (body_read_obj_or_reply(req, obj, "source.hotspot", hotspot_fields,
				   sizeof hotspot_fields / sizeof *hotspot_fields, &h, NULL))
		return -1;
	rc = unit_get(c, h.grid_id, &g);
	if (req_ok_or_invalid(req, rc,
			      rc == DB_ROW && g.kind == UNIT_GRID && path_within(g.path, root) &&
				      path_within(g.path, req_auth(req)->unit_path),
			      "source.hotspot.grid_id", "a grid of the matter's community"))
		return -1;
	path_upper(g.path, hi, sizeof hi);
	rc = matters_store_hotspot(c, g.path, hi, now - h.days * 86400, h.category, &count, ids,
				   name, sizeof name);
	if (req_ok_or_invalid(req, rc, rc >= 0 && name[0], "source.hotspot.category",
			      "an appeal category code"))
		return -1;
	if (count < MATTER_HOTSPOT_MIN) {
		reply_error_ex(req, ERR_MATTER_NO_HOTSPOT, NULL,
			       JB_OBJ(jb_int("count", count),
				      jb_int("min_count", MATTER_HOTSPOT_MIN),
				      jb_int("days", h.days)));
		return -1;
	}
	out->hotspot = snapshot_text(req, &g, &h, name, count, ids, now);
	return out->hotspot ? 0 : -1;
}

int matter_sources_or_reply(struct req *req, struct db_conn *c, const char *unit_path,
			    const char *kind, json_t *appeal_ids, json_t *hotspot,
			    struct matter_sources *out)
{
	const int appeals = !strcmp(kind, "appeals"), spot = !strcmp(kind, "hotspot");

	memset(out, 0, sizeof *out);
	if (appeal_ids && !appeals) {
		reply_invalid(req, "source.appeal_ids", "only for a source of kind appeals");
		return -1;
	}
	if (hotspot && !spot) {
		reply_invalid(req, "source.hotspot", "only for a source of kind hotspot");
		return -1;
	}
	if (appeals)
		return appeals_or_reply(req, c, appeal_ids, unit_path, out);
	if (spot)
		return hotspot_or_reply(req, c, hotspot, unit_path, out);
	return 0;
}
