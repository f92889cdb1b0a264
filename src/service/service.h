/*
 * service.h — community services (一网通办、一键到家): activities (活动报名,
 * activity.c and activity_signup.c), online service applications
 * (application.c) and meal assistance (助餐; its files share
 * service/meals_int.h), and what they all do when the unit tree changes
 * (service_units.c).
 *
 * Venues and their bookings have moved to src/venues/ (venues/venues.h):
 * activities book venues through booking_create_for_unit(), and meal
 * assistance uses its Shanghai local-time helpers. Issue 12 splits the rest of
 * this folder into activities/, meals/ and applications/ the same way.
 */
#ifndef SHUNIU_SERVICE_SERVICE_H
#define SHUNIU_SERVICE_SERVICE_H

#include <stdint.h>

#include <jansson.h>

#include "http/router.h"

struct db_conn;

/* A unit moved from old_path ([old_path, old_hi)) to new_path: rewrite the services' paths. */
int service_units_moved(struct db_conn *c, const char *old_path, const char *old_hi,
			const char *new_path);
/* How many service rows name unit_id (a unit in use cannot be deleted). 0 or <0. */
int service_unit_uses(struct db_conn *c, int64_t unit_id, int64_t *n);

extern const struct route application_routes[];

/* Meal assistance (助餐): meal_point.c, meal_enrol.c, meal_order.c, meal_report.c. */
extern const struct route meal_point_routes[];
extern const struct route meal_enrol_routes[];
extern const struct route meal_order_routes[];
extern const struct route meal_report_routes[];

#endif
