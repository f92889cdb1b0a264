/*
 * meals.h — meal assistance (助餐): what other modules may call.
 *
 * Meal points (助餐点) belong to a unit and serve the residents of its
 * subtree; residents enrol at a point (checked against its eligibility rule),
 * order a meal a day before the point's cut-off, and staff serve dine-in
 * meals or hand delivery orders to rounds whose assignee delivers them. The
 * statement and the coverage report add it up.
 *
 * Files: points_api.c (meal points, and who may act for a resident),
 * enrol_api.c (enrolments), orders_api.c (orders), rounds_api.c (delivery
 * rounds), report_api.c (statement, coverage) — handlers only; meals_store.c
 * (points, residents, enrolments), orders_store.c (orders, rounds) and
 * report_store.c (the sums) — every SQL statement; meals_sets.c (modes, tags
 * and days: pure); meals_int.h (what they share). Shanghai days come from
 * calendar/calendar.h.
 */
#ifndef SHUNIU_MEALS_MEALS_H
#define SHUNIU_MEALS_MEALS_H

#include <stdint.h>

#include "http/router.h"

struct db_conn;
struct org_unit_hooks;

/*
 * A meal point's month as its statement (GET /meal-points/:id/statement)
 * bills it: the served and delivered meals of the days in the month, at the
 * price and subsidy each order kept. subsidy_total_fen is what the community's
 * fund pays for the month; the residents pay price − subsidy themselves.
 */
struct meal_month_bill {
	int64_t point_id, unit_id;
	char unit_path[256];
	char name[404];
	int64_t meals, price_total_fen, subsidy_total_fen;
};
/* month "YYYY-MM": DB_ROW, DB_DONE (no such point), DB_EMISUSE (a bad month), <0. */
int meal_point_month_bill(struct db_conn *c, int64_t point_id, const char *month,
			  struct meal_month_bill *out);

extern const struct route meal_point_routes[];
extern const struct route meal_enrol_routes[];
extern const struct route meal_order_routes[];
extern const struct route meal_round_routes[];
extern const struct route meal_report_routes[];

/* Meal assistance under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks meals_unit_hooks;

#endif
