/*
 * service_units.c — what community services do when the unit tree changes.
 *
 * Every service row that lives somewhere in the tree carries a materialised
 * path (unit_path, and for some a second one: the resident's place or the
 * handling unit). Moving a unit rewrites the paths under it in the same
 * transaction as the move, as org_api.c does for its own tables and
 * appeals_units_moved() for appeals; deleting a unit is refused while any
 * service row names it.
 */
#include "service/service.h"

#include "db/store.h"

#include <string.h>

int service_units_moved(struct db_conn *c, const char *old_path, const char *old_hi,
			const char *new_path)
{
	static const char *const sql[] = {
#define MOVE(t, col)                                                                               \
	"UPDATE " t " SET " col " = ? || SUBSTR(" col ", ?) WHERE " col " >= ? AND " col " < ?"
		MOVE("venues", "unit_path"),
		MOVE("bookings", "unit_path"),
		MOVE("activities", "unit_path"),
		MOVE("meal_points", "unit_path"),
		MOVE("meal_enrolments", "unit_path"),
		MOVE("meal_enrolments", "resident_path"),
		MOVE("meal_rounds", "unit_path"),
		MOVE("meal_orders", "unit_path"),
		MOVE("meal_orders", "resident_path"),
		MOVE("service_applications", "unit_path"),
		MOVE("service_applications", "handler_path"),
#undef MOVE
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof sql / sizeof *sql; i++)
		rc = db_run(c, sql[i], "titt", new_path, (int64_t)strlen(old_path) + 1, old_path,
			    old_hi);
	return rc;
}

int service_unit_uses(struct db_conn *c, int64_t unit_id, int64_t *n)
{
	static const char *const checks[] = {
		"SELECT COUNT(*) FROM venues WHERE unit_id = ?",
		"SELECT COUNT(*) FROM bookings WHERE for_unit_id = ?",
		"SELECT COUNT(*) FROM activities WHERE unit_id = ?",
		"SELECT COUNT(*) FROM meal_points WHERE unit_id = ?",
		"SELECT COUNT(*) FROM service_applications WHERE handler_unit_id = ?",
	};
	int rc = 0;

	*n = 0;
	for (size_t i = 0; rc >= 0 && i < sizeof checks / sizeof *checks; i++) {
		int64_t k = 0;
		rc = db_query_int64(c, &k, checks[i], "i", unit_id);
		*n += k;
	}
	return rc < 0 ? rc : 0;
}
