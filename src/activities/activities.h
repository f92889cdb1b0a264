/*
 * activities.h — community activities (活动报名): what other modules may
 * call.
 *
 * An activity is published by a unit (or a volunteer team in its name),
 * residents sign up for it — past its capacity onto a waitlist that fills
 * itself as places free up — and check in at the door with its QR code or
 * the venue's. One held at a venue books it through
 * booking_create_for_unit() (venues/venues.h) inside the activity's own
 * transaction.
 *
 * Files: activities_api.c (publishing, changing, cancelling, reading) and
 * signup_api.c (sign-ups, the waitlist, check-in, attendance) hold the
 * handlers and the route tables; activities_store.c and signup_store.c all
 * the SQL; activities_int.h what they share. The other modules need only the
 * route tables, which serve adds to its list, and the unit hooks.
 */
#ifndef SHUNIU_ACTIVITIES_ACTIVITIES_H
#define SHUNIU_ACTIVITIES_ACTIVITIES_H

#include "http/router.h"

struct org_unit_hooks;

extern const struct route activity_routes[];
extern const struct route activity_signup_routes[];
/* Activities under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks activities_unit_hooks;

#endif
