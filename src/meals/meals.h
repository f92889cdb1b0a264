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

#include "http/router.h"

struct org_unit_hooks;

extern const struct route meal_point_routes[];
extern const struct route meal_enrol_routes[];
extern const struct route meal_order_routes[];
extern const struct route meal_round_routes[];
extern const struct route meal_report_routes[];

/* Meal assistance under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks meals_unit_hooks;

#endif
