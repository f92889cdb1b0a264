/*
 * router.h — method + path pattern → handler, with flags checked centrally.
 *
 * Each module exports a route table (an array of struct route ending with a
 * zeroed entry) and registers it at start-up with router_add(). Patterns are
 * literal segments and ":name" captures: "/api/v1/units/:id/move". A "*"
 * final segment matches the rest of the path. Literal segments win over
 * captures when two patterns could match; otherwise the first table entry wins.
 *
 * The flags say what the server must check before the handler runs, in this
 * order: authentication (R_AUTH, or the permission key), the CSRF token on
 * every mutating request made with a session cookie (unless R_NO_CSRF), the
 * content type and a well-formed JSON body (R_JSON). The body limit is
 * enforced while the body arrives. Handlers never repeat these.
 */
#ifndef SHUNIU_HTTP_ROUTER_H
#define SHUNIU_HTTP_ROUTER_H

#include <stddef.h>

struct req;
typedef void (*route_fn)(struct req *req);

enum route_flag {
	R_AUTH = 1 << 0,	  /* a signed-in account or bearer token is required */
	R_NO_CSRF = 1 << 1,	  /* no X-CSRF-Token needed (sign-in itself) */
	R_JSON = 1 << 2,	  /* body must be application/json; parsed into req->json */
	R_RAW = 1 << 3,		  /* body is taken as raw bytes (uploads); no JSON parsing */
	R_AUTH_OPTIONAL = 1 << 4, /* anonymous allowed, but a signed-in caller is recognised */
};

struct route {
	const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern; /* "/api/v1/units/:id" */
	route_fn handler;
	unsigned flags;
	const char *perm; /* permission key required, or NULL */
	long body_limit;  /* 0: the server's body_limit */
};

#define ROUTE_MAX_PARAMS   8
#define ROUTE_MAX_SEGMENTS 16

struct route_params {
	int n;
	const char *name[ROUTE_MAX_PARAMS];
	const char *value[ROUTE_MAX_PARAMS]; /* point into the caller's buffer */
};

enum route_result { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_BAD_METHOD };

struct router;

struct router *router_new(void);
void router_free(struct router *r);
/* Register a table ending with a zeroed entry; the table must outlive the router. */
int router_add(struct router *r, const struct route *table);
/*
 * Match a path (already percent-decoded, no query). `scratch` receives a copy of
 * the path whose pieces params point into; it must hold strlen(path)+1 bytes.
 * On ROUTE_BAD_METHOD, `allow` receives the allowed methods ("GET, HEAD, POST").
 * HEAD matches GET routes.
 */
enum route_result router_match(const struct router *r, const char *method, const char *path,
			       char *scratch, const struct route **out, struct route_params *params,
			       char *allow, size_t allowlen);
/* Every registered route, for docs and tests. */
size_t router_count(const struct router *r);
const struct route *router_at(const struct router *r, size_t i);

#endif
