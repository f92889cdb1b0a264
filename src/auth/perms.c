/*
 * perms.c — the role → permission matrix; see perms.h and docs/SECURITY.md.
 *
 * Kept as data, one row per role, so that reading the table is reading the
 * policy. Later modules add their keys to the rows here.
 */
#include "auth/perms.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *name, *zh;
} roles[ROLE__COUNT] = {
#define ROLE(id, name, zh) [ROLE_##id] = { name, zh },
#include "auth/roles.def"
#undef ROLE
};

#define MAX_PERMS 32

static const char *const matrix[ROLE__COUNT][MAX_PERMS] = {
	[ROLE_SYSADMIN] = { "org:read", "org:write", "station:write", "account:read",
			    "account:write", "token:write", "category:write", "calendar:write",
			    "service:catalogue" },
	[ROLE_SECADMIN] = { "account:read", "account:roles", "account:unlock", "token:write" },
	[ROLE_AUDITOR] = { "audit:read" },
	[ROLE_DISTRICT_ADMIN] = { "org:read",	     "org:write",	  "station:write",
				  "household:read",  "household:write",	  "resident:read",
				  "resident:write",  "resident:reveal",	  "party:read",
				  "party:write",     "stats:read",	  "account:read",
				  "appeal:read",     "appeal:handle",	  "appeal:create",
				  "category:write",  "calendar:write",	  "venue:write",
				  "booking:manage",  "service:catalogue", "service:handle",
				  "activity:manage", "meal:manage" },
	[ROLE_STREET_OFFICER] = { "org:read", "household:read", "resident:read", "party:read",
				  "stats:read", "appeal:read", "appeal:handle", "appeal:create",
				  "service:handle" },
	[ROLE_COMMUNITY_STAFF] = { "org:read", "org:write", "station:write", "household:read",
				   "household:write", "resident:read", "resident:write",
				   "resident:reveal", "party:read", "party:write", "stats:read",
				   "appeal:read", "appeal:handle", "appeal:create", "venue:write",
				   "booking:manage", "service:handle", "activity:manage",
				   "meal:manage" },
	[ROLE_HUB_LEADER] = { "org:read", "household:read", "resident:read", "party:read",
			      "stats:read", "appeal:read", "appeal:handle", "appeal:create",
			      "venue:write", "booking:manage", "activity:manage", "meal:manage" },
	[ROLE_GRID_WORKER] = { "org:read", "household:read", "household:write", "resident:read",
			       "resident:write", "party:read", "stats:read", "appeal:read",
			       "appeal:handle", "appeal:create", "meal:apply" },
	[ROLE_DEPARTMENT] = { "org:read", "appeal:read", "appeal:handle" },
	[ROLE_PROPERTY_COMPANY] = { "org:read", "appeal:read", "appeal:handle" },
	[ROLE_VOLUNTEER] = { "org:read", "meal:deliver" },
	[ROLE_RESIDENT] = { "self:read", "self:write", "appeal:report", "service:use" },
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

int roles_grant(role_set set, const char *perm)
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
	return roles_grant((role_set)((1u << ROLE__COUNT) - 1), perm);
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
