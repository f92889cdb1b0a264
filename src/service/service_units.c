/*
 * service_units.c — what community services do when the unit tree changes,
 * as org's unit hooks (org.h; the table org_unit_users[] is in
 * src/cmd/cmd_units.c).
 *
 * Every service row that lives somewhere in the tree carries a materialised
 * path (unit_path, and for some a second one: the resident's place or the
 * handling unit). Moving a unit rewrites the paths under it in the same
 * transaction as the move; deleting a unit is refused while any service row
 * names it. The statements are org's (unit_columns_moved, unit_columns_count):
 * the services only name their columns.
 */
#include "service/service.h"

#include "org/org.h"

static const struct unit_column path_columns[] = {
	{ "venues", "unit_path" },
	{ "bookings", "unit_path" },
	{ "activities", "unit_path" },
	{ "meal_points", "unit_path" },
	{ "meal_enrolments", "unit_path" },
	{ "meal_enrolments", "resident_path" },
	{ "meal_rounds", "unit_path" },
	{ "meal_orders", "unit_path" },
	{ "meal_orders", "resident_path" },
	{ "service_applications", "unit_path" },
	{ "service_applications", "handler_path" },
};

static const struct unit_column id_columns[] = {
	{ "venues", "unit_id" },
	{ "bookings", "for_unit_id" },
	{ "activities", "unit_id" },
	{ "meal_points", "unit_id" },
	{ "service_applications", "handler_unit_id" },
};

static int service_units_moved(struct db_conn *c, const char *old_path, const char *old_hi,
			       const char *new_path)
{
	return unit_columns_moved(c, path_columns, sizeof path_columns / sizeof *path_columns,
				  old_path, old_hi, new_path);
}

static int service_unit_uses(struct db_conn *c, int64_t unit_id, int64_t *n)
{
	return unit_columns_count(c, id_columns, sizeof id_columns / sizeof *id_columns, unit_id,
				  n);
}

const struct org_unit_hooks service_unit_hooks = { "service", service_units_moved,
						   service_unit_uses };
