/*
 * appeal_units_store.c — whether appeals still name a unit, for org's unit
 * hooks (org.h; the table org_unit_users[] is in src/cmd/cmd_units.c): a
 * unit that an appeal or a supervision names cannot be deleted. (Moving a
 * unit is appeals_units_moved(), appeal_flow.c.)
 */
#include "appeals/appeals.h"

#include "org/org.h"

int appeals_unit_uses(struct db_conn *c, int64_t unit_id, int64_t *n)
{
	static const struct unit_column columns[] = {
		{ "appeals", "unit_id" },
		{ "appeals", "handler_unit_id" },
		{ "appeals", "dispatcher_unit_id" },
		{ "supervisions", "unit_id" },
	};

	return unit_columns_count(c, columns, sizeof columns / sizeof *columns, unit_id, n);
}
