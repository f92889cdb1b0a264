/*
 * applications.h — online service applications (一网通办): the catalogue of
 * service items and residents' applications for them, handled by the unit
 * at the item's level. What other modules may call: the route tables.
 *
 * Files: items_api.c (the catalogue) and applications_api.c (the
 * applications): handlers and route tables; forms.c (an
 * item's form and materials, the answers checked against the form and masked
 * for handlers, the handling unit: pure), applications_store.c (all the
 * SQL), applications_int.h (what they share). What happens to applications
 * when the unit tree changes stays with the other services for now
 * (service/service_units.c).
 */
#ifndef SHUNIU_APPLICATIONS_APPLICATIONS_H
#define SHUNIU_APPLICATIONS_APPLICATIONS_H

#include "http/router.h"

struct org_unit_hooks;

extern const struct route service_item_routes[];
extern const struct route application_routes[];

/* Service applications under units, for org (org.h; listed in src/cmd/cmd_units.c). */
extern const struct org_unit_hooks applications_unit_hooks;

#endif
