/*
 * appeal_units_store.c — appeals under org's units (org.h; the table
 * org_unit_users[] is in src/cmd/cmd_units.c): a unit that an appeal or a
 * supervision names cannot be deleted, and moving a unit rewrites the paths
 * appeals carry and rebuilds their scope rows (appeals_units_moved()).
 */
#include "appeals/appeals.h"

#include "db/store.h"
#include "org/org.h"

static const char *const appeal_use_sql[] = {
	DB_COUNT_EQ("appeals", "unit_id"),
	DB_COUNT_EQ("appeals", "handler_unit_id"),
	DB_COUNT_EQ("appeals", "dispatcher_unit_id"),
	DB_COUNT_EQ("supervisions", "unit_id"),
};

const struct org_unit_hooks appeals_unit_hooks = {
	"appeals", NULL, 0, ORG_HOOK_SQL(appeal_use_sql), appeals_units_moved, NULL
};
