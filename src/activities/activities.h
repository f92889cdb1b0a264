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
 * route tables, which serve adds to its list.
 */
#ifndef SHUNIU_ACTIVITIES_ACTIVITIES_H
#define SHUNIU_ACTIVITIES_ACTIVITIES_H

#include "http/router.h"

extern const struct route activity_routes[];
extern const struct route activity_signup_routes[];

#endif
