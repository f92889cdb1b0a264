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

#include <stddef.h>
#include <stdint.h>

#include "http/caller.h"

struct router;

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

/* A bit set of roles: role_set and ROLE_BIT() come with struct auth (http/caller.h). */

/*
 * Does any role in the set grant the key? roles_grant() takes a string
 * literal, recorded for the start-up check (PERM_KEY below);
 * roles_grant_key() takes a key held in a variable (a route's, or one picked
 * from literals wrapped in PERM_KEY()).
 */
int roles_grant_key(role_set roles, const char *perm);
#define roles_grant(roles, key) roles_grant_key((roles), PERM_KEY(key))
/* The n-th permission key a role grants (NULL past the end). */
const char *role_perm_at(int role, int n);
/* Is perm a key that some role grants (catches typos in route tables)? */
int perm_is_known(const char *perm);
/* May these roles be held together? (auditor stands alone) */
int roles_compatible(role_set roles);

/*
 * Every permission key the code names is checked against the matrix when
 * `serve` starts, so a typo stops the server instead of silently denying
 * everyone (roles_grant of an unknown key is 0 for every role).
 *
 * Route tables are checked through the router (perms_check_routes). Keys in
 * code go through PERM_KEY("object:verb"), which auth_can() and roles_grant()
 * apply to their argument: it accepts only a string literal and leaves a
 * record of the key, file and line in the linker section "shuniu_perm_uses",
 * so the binary carries the list of every key its code names without anyone
 * keeping one by hand; perms_check_code() walks it. (GNU C: a statement
 * expression, and the __start_/__stop_ symbols GNU ld and lld give a section
 * named like a C identifier. ASan leaves variables in named sections unpadded,
 * so the section stays an array.)
 */
struct perm_use {
	const char *key, *file;
	int line;
};

#define PERM_KEY(lit)                                                                              \
	(__extension__({                                                                           \
		static const struct perm_use perm_use_ = { "" lit "", __FILE__, __LINE__ };        \
		static const struct perm_use *const perm_use_ptr_                                  \
			__attribute__((used, section("shuniu_perm_uses"))) = &perm_use_;           \
		perm_use_.key;                                                                     \
	}))

/*
 * Is every route's key in r known? 0, or the number of unknown keys, each
 * named with its route in err ("route 'GET /x' names the unknown permission
 * 'x:y'", several joined by "; ").
 */
int perms_check_routes(const struct router *r, char *err, size_t errlen);
/* The same for the uses in [begin, end); perms_check_code() for this binary's. */
int perms_check_uses(const struct perm_use *const *begin, const struct perm_use *const *end,
		     char *err, size_t errlen);
int perms_check_code(char *err, size_t errlen);
/* The n-th use of a key this binary's code records; NULL past the end. */
const struct perm_use *perms_code_use(size_t n);

#endif
