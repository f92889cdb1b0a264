/*
 * caller.h — who is making the request: the signed-in account as the
 * authentication hook leaves it in req->auth.
 *
 * The type lives in the request layer so that every module above http can
 * read the caller (its unit, its scope, its name for the audit log) without
 * including auth, which sits above org and audit. The auth module fills it
 * (auth/auth.h installs the hook and includes this header); what the roles
 * grant is auth's business (auth_can(), roles_grant() in auth/perms.h).
 */
#ifndef SHUNIU_HTTP_CALLER_H
#define SHUNIU_HTTP_CALLER_H

#include <stdint.h>

#include "http/request.h"

/* A bit set of roles (enum role in auth/perms.h). */
typedef uint32_t role_set;
#define ROLE_BIT(r) ((role_set)1u << (r))

struct auth {
	int64_t account_id;
	const char *username;
	const char *display_name;
	role_set roles;
	int64_t unit_id;
	const char *unit_path; /* "/1/7/42/" */
	int64_t resident_id;   /* the resident's own record, for the resident role */
	int64_t session_id;    /* 0 when signed in with a bearer token */
	const char *csrf_token;
};

/* The request's caller, or NULL when nobody is signed in. */
static inline const struct auth *req_auth(const struct req *req)
{
	return (const struct auth *)req->auth;
}

#endif
