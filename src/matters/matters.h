/*
 * matters.h — matters (议题) and the 四议两公开 procedure: what other modules
 * may call.
 *
 * A matter belongs to a community (or a street) and a year; it has a title, a
 * description, a category (spending, land, facility, other), an amount in
 * fen and a source: a resident's proposal, a hotspot (recounted and kept as a
 * snapshot), appeals (linked by id) or a staff member. It is major (重大事项)
 * when the community's settings say so for its category or amount, or staff
 * said so, decided once when it is created.
 *
 * The steps of 四议两公开 — propose, deliberate, review, decide (each with a
 * closed, quorate meeting of its type carrying the matter, with a passed and
 * adopted proposal: meetings.h's meeting_brief_get), publish_resolution (the
 * disclosure period, on the test clock, during which residents of the
 * community object and staff answer), implement (after the period and every
 * objection answered; links or creates a project) and publish_result — are
 * taken in order (matters_rules.c); a skipped step answers 409 naming the
 * first one missing. A non-major matter goes straight to decide.
 *
 * The public thread (GET /api/v1/matters/:id/thread) joins the matter's
 * sources, meetings (meetings_public_of_matter), disclosure, project
 * (project_public_one), fund spending (fund_project_entries) and the
 * commitment items the project serves, naming no resident, representative or
 * staff member.
 *
 * Files: matters_api.c (create, list, read, settings), steps_api.c (the steps
 * and objections), thread_api.c (the review, the thread, the public list),
 * matters_rules.c (pure: step order, the major rule, the disclosure end;
 * tests/unit/test_matters.c), matters_json.c (the answers),
 * matters_sources.c (the source checks), matters_store.c (all the SQL),
 * matters_int.h (what they share).
 */
#ifndef SHUNIU_MATTERS_MATTERS_H
#define SHUNIU_MATTERS_MATTERS_H

#include <stdint.h>

#include "http/router.h"

struct db_conn;
struct org_unit_hooks;

/*
 * The check meetings needs before it stores a meeting carrying matter_id
 * (installed by cmd with meetings_set_matter_check): DB_ROW when the matter
 * exists, its unit is unit_id and it is not done; DB_DONE otherwise; <0 on a
 * database error.
 */
int matter_check_for_meeting(struct db_conn *c, int64_t matter_id, int64_t unit_id);

/* What the demo (src/cmd/demo_matters.c) needs, in the caller's transaction. */
struct matter_in {
	int64_t unit_id;
	const char *title, *description, *category;
	int64_t amount_fen;
	int major;		 /* 1: staff force it major */
	const char *source_kind; /* resident | hotspot | appeals | staff */
	const char *source_note;
	const int64_t *appeal_ids; /* checked by the caller */
	int n_appeals;
	const char *hotspot; /* the snapshot as JSON text, NULL: none */
	int64_t created_by;  /* account id or 0 */
};
/* Insert a matter (major decided from the unit's settings): 0 and *id, or <0. The caller audits. */
int matter_create(struct db_conn *c, const struct matter_in *in, int64_t now, int64_t *id);
/*
 * Take a step without a request, as POST /matters/:id/steps does after its
 * checks of who acts: 0; a positive error code (enum err_code) when the
 * procedure refuses it (nothing written); <0 on a database error. project_id
 * links a project for implement (0: none).
 */
int matter_step_take(struct db_conn *c, int64_t matter_id, const char *step, int64_t meeting_id,
		     const char *text, int days, int64_t project_id, int64_t by, int64_t now);

/* A resident's objection and a staff answer, without a request's checks (the demo), in the
 * caller's transaction: 0 (and *id), <0 (DB_ECONSTRAINT: the resident objected already). */
int matter_objection_add(struct db_conn *c, int64_t matter_id, int64_t resident_id,
			 int64_t account_id, const char *text, int64_t now, int64_t *id);
int matter_objection_answer(struct db_conn *c, int64_t objection_id, const char *text, int64_t by,
			    int64_t now);

extern const struct route matter_routes[];

/* Matters under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks matters_unit_hooks;

#endif
