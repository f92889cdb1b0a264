/*
 * service_int.h — what the venue and booking files share beyond service.h,
 * exposed for the unit tests (tests/unit/test_service.c); nothing outside
 * src/service/ includes it. Pure functions only: no database, no request.
 */
#ifndef SHUNIU_SERVICE_SERVICE_INT_H
#define SHUNIU_SERVICE_SERVICE_INT_H

#include <jansson.h>

struct week_hours;

/* Opening hours as the API shows them: every day, "HH:MM" pairs, [] when closed. */
json_t *week_hours_json(const struct week_hours *h);

#endif
