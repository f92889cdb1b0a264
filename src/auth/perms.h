/*
 * perms.h — roles and their permission keys (docs/SECURITY.md is the same
 * matrix in prose; tests/unit/test_perms.c keeps the two in step).
 *
 * A permission key is "object:verb". A role grants a fixed set of keys; an
 * account may hold several roles and gets the union. The system, security and
 * audit administrators are kept apart (三员分立): no role combines audit:read
 * with anything else, and accounts cannot combine auditor with another role.
 */
#ifndef SHUNIU_AUTH_PERMS_H
#define SHUNIU_AUTH_PERMS_H

#include <stdint.h>

enum role {
#define ROLE(id, name, zh) ROLE_##id,
#include "auth/roles.def"
#undef ROLE
	ROLE__COUNT
};

/* Role by its name ("grid_worker"); -1 if unknown. */
int role_by_name(const char *name);
const char *role_name(int role);
const char *role_name_zh(int role);

/* A bit set of roles. */
typedef uint32_t role_set;
#define ROLE_BIT(r) ((role_set)1u << (r))

/* Does any role in the set grant perm? */
int roles_grant(role_set roles, const char *perm);
/* The n-th permission key a role grants (NULL past the end). */
const char *role_perm_at(int role, int n);
/* Is perm a key that some role grants (catches typos in route tables)? */
int perm_is_known(const char *perm);
/* May these roles be held together? (auditor stands alone) */
int roles_compatible(role_set roles);

#endif
