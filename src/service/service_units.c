/*
 * service_units.c — what community services do when the unit tree changes,
 * as org's unit hooks (org.h; the table org_unit_users[] is in
 * src/cmd/cmd_units.c).
 *
 * Every service row that lives somewhere in the tree carries a materialised
 * path (unit_path, and for some a second one: the resident's place or the
 * handling unit). Moving a unit rewrites the paths under it in the same
 * transaction as the move; deleting a unit is refused while any service row
 * names it. Org runs the statements (DB_PATH_MOVED, DB_COUNT_EQ).
 */
#include "service/service.h"

#include "db/store.h"
#include "org/org.h"

static const char *const path_sql[] = {
	DB_PATH_MOVED("activities", "unit_path"),
};

static const char *const use_sql[] = {
	DB_COUNT_EQ("activities", "unit_id"),
};

const struct org_unit_hooks service_unit_hooks = { "service", ORG_HOOK_SQL(path_sql),
						   ORG_HOOK_SQL(use_sql), NULL, NULL };
