/*
 * projects_int.h — what the files of src/projects/ share beyond projects.h:
 * the pure rules (project_rules.c; tests/unit/test_projects.c), the store's
 * functions (projects_store.c) and the rows they pass, the JSON builders
 * (projects_json.c) and the source checks (project_sources.c). Nothing
 * outside src/projects/ includes it.
 *
 * Rows read by the store reach their caller through a callback with a view
 * whose strings point into the statement: valid during the call only. A
 * callback returns 0 to go on, <0 to stop (the store then returns that).
 */
#ifndef SHUNIU_PROJECTS_PROJECTS_INT_H
#define SHUNIU_PROJECTS_PROJECTS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "commitments/commitments.h"
#include "db/store.h"
#include "projects/projects.h"

struct db_conn;
struct req;

/* ---- the rules (project_rules.c, pure) ---------------------------------- */

enum project_action {
	PA_APPROVE,
	PA_START,
	PA_PROGRESS,
	PA_MILESTONE_DONE,
	PA_COMPLETE,
	PA_CANCEL,
	PA__COUNT
};
/* "approve", "start", "progress", "milestone_done", "complete", "cancel"; -1 unknown. */
int project_action_parse(const char *s);
const char *project_action_name(int act);
/* The state action act moves a project in state st to (st itself for progress and
 * milestone_done), or -1 when the action is not possible in st. */
int project_action_target(int act, int st);
/* The event kind an action writes ("approved", "started", "progress", …). */
const char *project_action_event(int act);
/*
 * May an account whose unit is account_path approve a project at
 * project_path? Its unit must lie strictly above the project's and at street
 * level or above (depth ≤ 1), and the project inside its subtree.
 */
int project_may_approve(const char *account_path, const char *project_path);
/* Is year a project year now: the current Shanghai year − 5 … + 1? */
int project_year_ok(int year, int64_t now);
/* The subtree a project's sources must lie in: the community on its path, or the
 * project's own unit when it is a street. 0, or -1 (a malformed path). */
int project_source_root(const char *project_path, char *out, size_t n);

#define PROJECT_MILESTONES_MAX 20
#define PROJECT_APPEALS_MAX    50
#define PROJECT_ITEMS_MAX      20
#define PROJECT_PHOTOS_MAX     9
#define PROJECT_BUDGET_MAX     10000000000LL /* 100 million CNY in fen */
#define PROJECT_HOTSPOT_MIN    3	     /* as GET /appeals/hotspots' default min_count */
#define PROJECT_HOTSPOT_IDS    20

/* ---- projects (projects_store.c) ---------------------------------------- */

struct project_view {
	struct project p;
	const char *unit_name, *unit_kind, *goal, *responsible_person, *responsible_unit_name;
	const char *outcome, *outcome_photos, *cancel_reason, *hotspot;
	int64_t responsible_unit_id, percent, created_by;
	int64_t created_at, updated_at, approved_at, started_at, completed_at, cancelled_at;
};
typedef int (*project_view_fn)(void *ctx, const struct project_view *v);

/* One project: DB_ROW (fn called), DB_DONE, <0. */
int projects_store_view(struct db_conn *c, int64_t id, project_view_fn fn, void *ctx);

struct project_filter {
	const char *lo, *hi;	  /* the projects' unit_path range */
	int64_t before;		  /* ids below this, newest first */
	int64_t year;		  /* 0: every year */
	const char *type, *state; /* NULL: any */
	int64_t item, appeal;	  /* 0: any */
	int64_t limit;
};
int projects_store_list(struct db_conn *c, const struct project_filter *f, project_view_fn fn,
			void *ctx);

/* Insert the row; in the caller's transaction. 0 and *id, or <0. */
int projects_store_insert(struct db_conn *c, const struct project_in *in, const char *unit_path,
			  const char *state, int64_t now, int64_t *id);

/* The editable fields of a proposed project (PATCH). */
struct project_edit {
	int64_t year, budget_fen, responsible_unit_id; /* responsible 0: none */
	const char *type, *title, *goal, *responsible_person;
};
/* Update a proposed project; *changed 0 when it is not proposed any more. */
int projects_store_update(struct db_conn *c, int64_t id, const struct project_edit *e, int64_t now,
			  int64_t *changed);

/* What a change of state writes besides the state (NULL/0: keep). */
struct project_change {
	int64_t id, by, now;
	const char *from, *to;
	const char *outcome, *outcome_photos, *cancel_reason;
};
/* Move the project from c->from to c->to; *changed 0 when the state moved first. */
int projects_store_set_state(struct db_conn *c, const struct project_change *ch, int64_t *changed);
/* The progress of an in-progress project; *changed 0 when it is not in progress. */
int projects_store_set_percent(struct db_conn *c, int64_t id, int64_t percent, int64_t now,
			       int64_t *changed);
/* Store the hotspot snapshot (JSON text). */
int projects_store_set_hotspot(struct db_conn *c, int64_t id, const char *hotspot, int64_t now);
/* A timeline row: percent < 0 none; photos JSON text or NULL; milestone 0 none; actor 0. */
int projects_store_event(struct db_conn *c, int64_t id, const char *kind, int64_t percent,
			 const char *note, const char *photos, int64_t milestone_id,
			 int64_t actor_id, int64_t now);

/* ---- milestones, events, links (projects_store.c) ----------------------- */

struct milestone_view {
	int64_t id, done_at;
	const char *title, *due_date;
};
typedef int (*milestone_fn)(void *ctx, const struct milestone_view *m);
int projects_store_milestones(struct db_conn *c, int64_t project_id, milestone_fn fn, void *ctx);
int projects_store_clear_milestones(struct db_conn *c, int64_t project_id);
/* Mark a milestone of the project done: DB_DONE when the project has no such milestone;
 * 0 and *changed (0: done already). */
int projects_store_milestone_done(struct db_conn *c, int64_t project_id, int64_t milestone_id,
				  int64_t by, int64_t now, int64_t *changed);

struct event_view {
	int64_t id, percent, milestone_id, actor_id, at;
	int has_percent;
	const char *kind, *note, *photos, *actor_name;
};
typedef int (*event_fn)(void *ctx, const struct event_view *e);
int projects_store_events(struct db_conn *c, int64_t project_id, event_fn fn, void *ctx);

/* An appeal as a project's source shows it. */
struct source_appeal {
	int64_t id, created_at;
	const char *case_no, *title, *status, *category, *unit_path, *handler_path;
};
typedef int (*source_appeal_fn)(void *ctx, const struct source_appeal *a);
/* One appeal by id: DB_ROW (fn called), DB_DONE, <0. */
int projects_store_appeal(struct db_conn *c, int64_t appeal_id, source_appeal_fn fn, void *ctx);
/* The project's linked appeals, by id. */
int projects_store_appeals(struct db_conn *c, int64_t project_id, source_appeal_fn fn, void *ctx);
/* The project's item ids, by id, into ids (at most max); *n the count. */
int projects_store_item_ids(struct db_conn *c, int64_t project_id, int64_t *ids, int max, int *n);

/* A hotspot recomputed: appeals placed in [lo, hi) since `since`, neither merged nor
 * rejected, of category code: *count, and the first PROJECT_HOTSPOT_IDS ids. The
 * category's name into name (n bytes; "" when the code is unknown). */
int projects_store_hotspot(struct db_conn *c, const char *lo, const char *hi, int64_t since,
			   const char *category, int64_t *count, int64_t ids[PROJECT_HOTSPOT_IDS],
			   char *name, size_t n);

/* ---- JSON (projects_json.c) --------------------------------------------- */

/* The summary of a project as lists show it. */
json_t *project_summary_json(const struct project_view *v);
/* The whole project for staff at viewer_path: summary, milestones, events, sources (an
 * appeal outside the viewer's subtree without its title) and commitment items. */
json_t *project_full_json(struct db_conn *c, int64_t id, const char *viewer_path);

/* ---- handlers' pieces ----------------------------------------------------- */

/* Load a project the caller sees (its unit inside the caller's subtree): 0, or -1 having
 * answered (404 outside, as if absent; 503). projects_api.c. */
int project_seen_or_reply(struct req *req, struct db_conn *c, int64_t id, struct project *p);
/* Answer the whole project (project_full_json) with status; 503 when it cannot be read. */
void project_reply(struct req *req, struct db_conn *c, int status, int64_t id);
/* POST /projects/:id/actions and /sources (project_actions.c). */
void project_act(struct req *req);
void project_add_sources(struct req *req);

/* ---- sources (project_sources.c) ---------------------------------------- */

/* The sources a body names, checked. hotspot: the snapshot as JSON text (NULL none). */
struct project_sources {
	int64_t appeal_ids[PROJECT_APPEALS_MAX];
	int n_appeals;
	int64_t item_ids[PROJECT_ITEMS_MAX];
	int n_items;
	const char *hotspot;
};
/*
 * Read and check appeal_ids, hotspot and commitment_item_ids of the request's
 * body for a project at project_path: appeals the caller sees, a hotspot in a
 * grid of the project's community with enough appeals, items of that
 * community. 0, or -1 having answered.
 */
int project_sources_or_reply(struct req *req, struct db_conn *c, const char *project_path,
			     json_t *appeal_ids, json_t *hotspot, json_t *item_ids,
			     struct project_sources *out);
/* Write them for project id (links added, the hotspot replaced), in the caller's tx. */
int project_sources_write(struct db_conn *c, int64_t id, const struct project_sources *s,
			  int64_t now);

#endif
