/*
 * micro_projects.c — a chosen 微实事 proposal becomes a project.
 *
 * Called by publishing (ballots_api.c) inside its transaction, once per
 * chosen proposal: project_create() (projects.h) with type "micro", state
 * approved, the proposal's title and description as title and goal, its
 * admitted cost as the budget, the Shanghai year of the round's voting_end,
 * and the community as both the project's unit and its responsible unit.
 */
#include "micro/micro_int.h"

#include "calendar/calendar.h"
#include "db/store.h"
#include "projects/projects.h"

#include <stdlib.h>
#include <string.h>

struct proposal_copy {
	int64_t id, cost_fen;
	char *title, *description;
};

static int copy_row(void *ctx, const struct micro_proposal_view *v)
{
	struct proposal_copy *p = ctx;

	if (v->id != p->id)
		return 0;
	p->cost_fen = v->cost_fen;
	p->title = strdup(v->title);
	p->description = strdup(v->description);
	return p->title && p->description ? 0 : DB_ENOMEM;
}

int micro_project_create(struct db_conn *c, const struct micro_round *r, int64_t proposal_id,
			 int64_t created_by, int64_t *project_id)
{
	struct proposal_copy p = { .id = proposal_id };
	struct project_in in;
	int rc = micro_store_proposals(c, r->id, 0, 0, copy_row, &p);

	if (rc >= 0 && !p.title)
		rc = DB_EMISUSE; /* not an admitted proposal of the round */
	if (rc >= 0) {
		in = (struct project_in){ .unit_id = r->unit_id,
					  .year = cal_year_of(r->w.voting_end),
					  .type = "micro",
					  .title = p.title,
					  .goal = p.description,
					  .budget_fen = p.cost_fen,
					  .responsible_unit_id = r->unit_id,
					  .state = PROJECT_APPROVED,
					  .created_by = created_by };
		rc = project_create(c, &in, project_id);
	}
	free(p.title);
	free(p.description);
	return rc < 0 ? rc : 0;
}
