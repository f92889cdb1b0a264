/*
 * perms.c — the role → permission matrix; see perms.h and docs/SECURITY.md.
 *
 * Kept as data, one row per role, so that reading the table is reading the
 * policy. Later modules add their keys to the rows here.
 */
#include "auth/perms.h"

#include "http/router.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *zh;
} roles[ROLE__COUNT] = {
#define ROLE(id, name, zh) [ROLE_##id] = { name, zh },
#include "auth/roles.def"
#undef ROLE
};

#define MAX_PERMS 48

static const char *const matrix[ROLE__COUNT][MAX_PERMS] = {
	[ROLE_SYSADMIN] = { "org:read", "org:write", "station:write", "account:read",
			    "account:write", "token:write", "category:write", "calendar:write",
			    "service:catalogue" },
	[ROLE_SECADMIN] = { "account:read", "account:roles", "account:unlock", "token:write" },
	[ROLE_AUDITOR] = { "audit:read" },
	[ROLE_DISTRICT_ADMIN] = { "org:read",
				  "org:write",
				  "station:write",
				  "household:read",
				  "household:write",
				  "resident:read",
				  "resident:write",
				  "resident:reveal",
				  "party:read",
				  "party:write",
				  "stats:read",
				  "account:read",
				  "appeal:read",
				  "appeal:handle",
				  "appeal:create",
				  "category:write",
				  "calendar:write",
				  "venue:write",
				  "booking:manage",
				  "service:catalogue",
				  "service:handle",
				  "activity:manage",
				  "meal:manage",
				  "commitment:write",
				  "commitment:verify",
				  "project:write",
				  "project:approve",
				  "micro:manage",
				  "fund:read",
				  "fund:allocate",
				  "fund:spend",
				  "fund:approve",
				  "deliberation:read",
				  "deliberation:write",
				  "deliberation:settings",
				  "committee:write" },
	[ROLE_STREET_OFFICER] = { "org:read", "household:read", "resident:read", "party:read",
				  "stats:read", "appeal:read", "appeal:handle", "appeal:create",
				  "service:handle", "commitment:verify", "project:approve",
				  "fund:read", "fund:allocate", "fund:approve", "deliberation:read",
				  "deliberation:write", "deliberation:settings",
				  "committee:write" },
	[ROLE_COMMUNITY_STAFF] = { "org:read",		"org:write",	      "station:write",
				   "household:read",	"household:write",    "resident:read",
				   "resident:write",	"resident:reveal",    "party:read",
				   "party:write",	"stats:read",	      "appeal:read",
				   "appeal:handle",	"appeal:create",      "venue:write",
				   "booking:manage",	"service:handle",     "activity:manage",
				   "meal:manage",	"commitment:write",   "project:write",
				   "micro:manage",	"fund:read",	      "fund:spend",
				   "deliberation:read", "deliberation:write", "committee:write" },
	[ROLE_HUB_LEADER] = { "org:read", "household:read", "resident:read", "party:read",
			      "stats:read", "appeal:read", "appeal:handle", "appeal:create",
			      "venue:write", "booking:manage", "activity:manage", "meal:manage",
			      "project:write", "fund:read", "deliberation:read",
			      "deliberation:write" },
	[ROLE_GRID_WORKER] = { "org:read", "household:read", "household:write", "resident:read",
			       "resident:write", "party:read", "stats:read", "appeal:read",
			       "appeal:handle", "appeal:create", "meal:apply",
			       "deliberation:read" },
	[ROLE_DEPARTMENT] = { "org:read", "appeal:read", "appeal:handle" },
	[ROLE_PROPERTY_COMPANY] = { "org:read", "appeal:read", "appeal:handle" },
	[ROLE_VOLUNTEER] = { "org:read", "meal:deliver" },
	[ROLE_RESIDENT] = { "self:read", "self:write", "appeal:report", "service:use",
			    "commitment:comment", "micro:take_part", "matter:object" },
};

int role_by_name(const char *name)
{
	for (int i = 0; i < ROLE__COUNT; i++)
		if (name && !strcmp(roles[i].name, name))
			return i;
	return -1;
}

const char *role_name(int role)
{
	return role >= 0 && role < ROLE__COUNT ? roles[role].name : "?";
}

const char *role_name_zh(int role)
{
	return role >= 0 && role < ROLE__COUNT ? roles[role].zh : "?";
}

const char *role_perm_at(int role, int n)
{
	if (role < 0 || role >= ROLE__COUNT || n < 0 || n >= MAX_PERMS)
		return NULL;
	return matrix[role][n];
}

int roles_grant_key(role_set set, const char *perm)
{
	for (int r = 0; r < ROLE__COUNT; r++) {
		if (!(set & ROLE_BIT(r)))
			continue;
		for (int i = 0; i < MAX_PERMS && matrix[r][i]; i++)
			if (!strcmp(matrix[r][i], perm))
				return 1;
	}
	return 0;
}

int perm_is_known(const char *perm)
{
	return perm && roles_grant_key((role_set)((1u << ROLE__COUNT) - 1), perm);
}

int roles_compatible(role_set set)
{
	if (set == 0)
		return 0;
	/* 三员分立: the auditor, the system and the security administrator each stand alone. */
	role_set alone[] = { ROLE_BIT(ROLE_AUDITOR), ROLE_BIT(ROLE_SYSADMIN),
			     ROLE_BIT(ROLE_SECADMIN) };
	for (size_t i = 0; i < sizeof alone / sizeof alone[0]; i++)
		if ((set & alone[i]) && set != alone[i])
			return 0;
	/* A resident account is a resident's own; staff roles do not mix with it. */
	if ((set & ROLE_BIT(ROLE_RESIDENT)) && set != ROLE_BIT(ROLE_RESIDENT))
		return 0;
	return 1;
}

/* ---- checking the keys the code names ----------------------------------- */

/* Append "; " and a message to err (truncated when full). */
static void err_add(char *err, size_t errlen, int nth, const char *fmt, const char *a,
		    const char *b, const char *c)
{
	size_t used = strlen(err);

	if (used + 1 >= errlen)
		return;
	if (nth)
		used += (size_t)snprintf(err + used, errlen - used, "; ");
	if (used + 1 < errlen)
		snprintf(err + used, errlen - used, fmt, a, b, c);
}

int perms_check_routes(const struct router *r, char *err, size_t errlen)
{
	int bad = 0;

	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; i < router_count(r); i++) {
		const struct route *rt = router_at(r, i);
		if (rt->perm && !perm_is_known(rt->perm))
			err_add(err, errlen, bad++,
				"route '%s %s' names the unknown permission '%s'", rt->method,
				rt->pattern, rt->perm);
	}
	return bad;
}

int perms_check_uses(const struct perm_use *const *begin, const struct perm_use *const *end,
		     char *err, size_t errlen)
{
	int bad = 0;

	if (errlen)
		err[0] = '\0';
	for (const struct perm_use *const *u = begin; u && u < end; u++) {
		char line[16];
		snprintf(line, sizeof line, "%d", (*u)->line);
		if (!perm_is_known((*u)->key))
			err_add(err, errlen, bad++, "%s:%s names the unknown permission '%s'",
				(*u)->file, line, (*u)->key);
	}
	return bad;
}

/* Defined by the linker around the section; weak, so a binary without uses links. */
extern const struct perm_use *const __start_shuniu_perm_uses[] __attribute__((weak));
extern const struct perm_use *const __stop_shuniu_perm_uses[] __attribute__((weak));

int perms_check_code(char *err, size_t errlen)
{
	return perms_check_uses(__start_shuniu_perm_uses, __stop_shuniu_perm_uses, err, errlen);
}

const struct perm_use *perms_code_use(size_t n)
{
	if (!__start_shuniu_perm_uses ||
	    n >= (size_t)(__stop_shuniu_perm_uses - __start_shuniu_perm_uses))
		return NULL;
	return __start_shuniu_perm_uses[n];
}
