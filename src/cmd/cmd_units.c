/*
 * cmd_units.c — the modules that keep rows under org's units (org.h,
 * struct org_unit_hooks). org sits below them all and so cannot call them:
 * it walks this table instead when a unit moves (each rewrites its paths in
 * the same transaction) and before a unit is deleted (any row still naming
 * the unit refuses the delete). Defined here, at the top, so that every
 * command that links the modules has it. A module with rows under units adds
 * its hooks here.
 */
#include "activities/activities.h"
#include "appeals/appeals.h"
#include "applications/applications.h"
#include "auth/auth.h"
#include "commitments/commitments.h"
#include "committees/committees.h"
#include "fund/fund.h"
#include "meals/meals.h"
#include "meetings/meetings.h"
#include "messages/messages.h"
#include "micro/micro.h"
#include "org/org.h"
#include "people/people.h"
#include "projects/projects.h"
#include "venues/venues.h"
#include "matters/matters.h"

#include <stddef.h>

const struct org_unit_hooks *const org_unit_users[] = {
	&account_unit_hooks,
	&messages_unit_hooks,
	&people_unit_hooks,
	&appeals_unit_hooks,
	&activities_unit_hooks,
	&venues_unit_hooks,
	&meals_unit_hooks,
	&applications_unit_hooks,
	&commitments_unit_hooks,
	&projects_unit_hooks,
	&micro_unit_hooks,
	&fund_unit_hooks,
	&meetings_unit_hooks,
	&committees_unit_hooks,
	&matters_unit_hooks,
	NULL,
};
