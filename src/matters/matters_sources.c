/*
 * matters_sources.c — where a matter came from: the checks of the source
 * object a body names.
 *
 * - kind `appeals` needs appeal_ids (1..50 distinct): each must exist, be
 *   one the caller sees (its place or handler inside the caller's subtree)
 *   and be placed inside the matter's unit; otherwise it is refused exactly
 *   as one that does not exist, naming the id.
 * - kind `hotspot` needs a hotspot {grid_id, category, days}, recounted and
 *   kept as a snapshot exactly as projects keep theirs
 *   (project_hotspot_or_reply(): at least 3 appeals, else 409 matter.no_hotspot
 *   project.no_hotspot).
 * - kinds `resident` and `staff` name neither; `resident` needs the note
 *   (what the resident proposed — never who).
 */
#include "matters/matters_int.h"

#include "auth/auth.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"
#include "projects/projects.h"

#include <string.h>

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

	if (body_ids_or_reply(req, arr, field, 1, MATTER_APPEALS_MAX, out->appeal_ids,
			      &out->n_appeals))
		return -1;
	for (int i = 0; i < out->n_appeals; i++) {
		int rc = matters_store_appeal(c, out->appeal_ids[i], appeal_fits, &k);
		if (rc < 0 && rc != DB_EABORT) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW) {
			reply_invalid_id(req, field, out->appeal_ids[i],
					 "no such appeal in the matter's community");
			return -1;
		}
	}
	return 0;
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
	if (spot && !json_is_object(hotspot)) {
		reply_invalid(req, "source.hotspot", "an object {grid_id, category, days}");
		return -1;
	}
	if (spot)
		return project_hotspot_or_reply(req, c, hotspot, unit_path, "source.hotspot",
						ERR_MATTER_NO_HOTSPOT, &out->hotspot);
	return 0;
}
