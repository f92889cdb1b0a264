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

/* Moving a unit rewrites the services' paths; a unit they name cannot be deleted (org.h). */
struct org_unit_hooks;
extern const struct org_unit_hooks service_unit_hooks;

extern const struct route activity_routes[];
extern const struct route activity_signup_routes[];

#endif
