/*
 * org_units.c — the empty table of unit hooks (org.h) for a binary without
 * the commands: the unit tests, which define their own when they need one.
 * src/cmd/cmd_units.c's table replaces it in shuniu (a weak definition; kept
 * in a file of its own so no user of the table sees its size).
 */
#include "org/org.h"

#include <stddef.h>

__attribute__((weak)) const struct org_unit_hooks *const org_unit_users[] = { NULL };
