/*
 * projects.h — projects (便民实事 and more): what other modules may call.
 *
 * A project belongs to a unit (a grid branch, a community or a street) and a
 * year; it has a type (the five convenience kinds, 微实事, other), a title,
 * a goal, a budget in fen, a responsible unit and person, milestones with due
 * dates, progress updates, an outcome with photos and a state:
 *
 *   proposed → approved → in_progress → completed
 *   proposed | approved | in_progress → cancelled (with a reason)
 *
 * Every change of state is a conditional UPDATE on the state read, so a
 * change that raced another answers 409 project.invalid_state instead of
 * overwriting it; each writes a project_events row (the timeline) and an
 * audit row.
 *
 * Sources say where a project came from: appeals (linked by id), a hotspot
 * (a snapshot of GET /api/v1/appeals/hotspots for one grid and category),
 * and the commitment items it serves (commitments sit below projects, so
 * the link table project ↔ item is kept here; GET /api/v1/projects?item=ID
 * is the item's "linked projects").
 *
 * Micro (微实事) turns chosen proposals into projects with project_create();
 * the fund spends only against an approved project (project_lock() in the
 * spend's transaction); the public module shows projects_public().
 *
 * Files: projects_api.c (create, update, read, list), project_actions.c (the
 * state machine and sources), projects_store.c (all the SQL), projects_json.c
 * (the answers, the public one too), projects_int.h (what they share).
 */
#ifndef SHUNIU_PROJECTS_PROJECTS_H
#define SHUNIU_PROJECTS_PROJECTS_H

#include <stdint.h>

#include <jansson.h>

#include "core/errors.h"
#include "http/router.h"

struct db_conn;
struct unit_ref;
struct org_unit_hooks;

enum project_state {
	PROJECT_PROPOSED,
	PROJECT_APPROVED,
	PROJECT_IN_PROGRESS,
	PROJECT_COMPLETED,
	PROJECT_CANCELLED
};

/* "proposed", "approved", "in_progress", "completed", "cancelled"; parse: -1 if unknown. */
const char *project_state_name(int st);
int project_state_parse(const char *s);
/* Is s one of the seven types (dispute_mediation, meal_delivery, environment,
 * epidemic_prevention, illegal_construction, micro, other)? */
int project_type_valid(const char *s);

struct project {
	int64_t id, unit_id, year, budget_fen;
	int state;
	char type[32];
	char unit_path[256];
	char title[601];
};

/* DB_ROW (found), DB_DONE (not found), <0 (error). */
int project_get(struct db_conn *c, int64_t id, struct project *out);
/* The same, taking the project's row lock first: in the caller's transaction. */
int project_lock(struct db_conn *c, int64_t id, struct project *out);

struct project_in {
	int64_t unit_id;
	int year;
	const char *type, *title, *goal;
	int64_t budget_fen;
	int64_t responsible_unit_id;	/* 0: none */
	const char *responsible_person; /* NULL: none */
	int state;			/* PROJECT_PROPOSED or PROJECT_APPROVED */
	int64_t created_by;		/* account id or 0 */
};
/*
 * Insert a project (and its "created" event; "approved" too when created
 * approved) in the caller's transaction: 0 and *id, or <0 (DB_EMISUSE for a
 * bad type, state or unit). The caller checked who may create it and audits.
 */
int project_create(struct db_conn *c, const struct project_in *in, int64_t *id);

/*
 * Take an action on a project without a request (the demo, micro), in the
 * caller's transaction, as POST /projects/:id/actions does after its checks
 * of who acts: "approve", "start", "progress" (percent, text the note),
 * "complete" (text the outcome), "cancel" (text the reason). The row lock,
 * the guarded change and the timeline row; the caller audits. 0; a positive
 * refusal when the project's state does not allow it (nothing written);
 * DB_EMISUSE for a bad action or a missing text or percent; <0.
 */
int project_step(struct db_conn *c, int64_t id, const char *action, const char *text, int percent,
		 int64_t by, int64_t now);
/* Link an appeal or a commitment item to a project (a link there already is kept), in the
 * caller's transaction; the caller checked both exist and may be linked. 0 or <0. */
int project_link_appeal(struct db_conn *c, int64_t project_id, int64_t appeal_id, int64_t now);
int project_link_item(struct db_conn *c, int64_t project_id, int64_t item_id, int64_t now);
/* Add a milestone (due_date "YYYY-MM-DD", checked by the caller), in the caller's tx. 0 or <0. */
int project_add_milestone(struct db_conn *c, int64_t project_id, const char *title,
			  const char *due_date);

/*
 * The unit's subtree's projects of year (all years when year is 0), newest
 * first, as a JSON array; each with its sources (appeals as {case_no,
 * category, status, submitted_at} only — never a title, text or reporter —
 * and the hotspot), the commitment items it serves {id, title}, milestones,
 * progress and outcome. NULL on a database error.
 */
json_t *projects_public(struct db_conn *c, const struct unit_ref *u, int year, int64_t now);
/*
 * A hotspot named in a request body ({grid_id, category, days?}, at `where`:
 * "hotspot", "source.hotspot"), recounted as GET /api/v1/appeals/hotspots
 * counts it in a grid under root and in the caller's subtree: 0 and *snapshot
 * (the snapshot projects keep, JSON text in the request's arena; NULL when obj
 * is NULL), or -1 having answered (400 naming where.grid_id or where.category,
 * 409 too_few — project.no_hotspot, matter.no_hotspot, committee.no_hotspot — with fewer
 * than 3 appeals). Projects, matters and joint committees' needs keep theirs so.
 */
struct req;
int project_hotspot_or_reply(struct req *req, struct db_conn *c, json_t *obj, const char *root,
			     const char *where, enum err_id too_few, const char **snapshot);
/* One project as an item of projects_public() (a matter's thread): the object, json null when
 * there is no such project, NULL on a database error. */
json_t *project_public_one(struct db_conn *c, int64_t id, int64_t now);

extern const struct route project_routes[];

/* Projects under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks projects_unit_hooks;

#endif
