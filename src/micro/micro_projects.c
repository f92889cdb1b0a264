/*
 * micro_projects.c — a chosen 微实事 proposal becomes a project.
 *
 * NOT WIRED YET: projects (projects.h, project_create) is not on main. Until
 * it is, publishing a round that has a chosen proposal fails (500) and
 * changes nothing; a round where nothing was chosen publishes.
 */
#include "micro/micro_int.h"

#include "db/store.h"

int micro_project_create(struct db_conn *c, const struct micro_round *r, int64_t proposal_id,
			 int64_t created_by, int64_t *project_id)
{
	(void)c, (void)r, (void)proposal_id, (void)created_by;
	*project_id = 0;
	return DB_EMISUSE;
}
