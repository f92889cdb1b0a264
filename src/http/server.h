/*
 * server.h — the HTTP server: libmicrohttpd in thread-pool + epoll mode, the
 * request lifecycle, central route checks, security headers and shutdown.
 *
 * Lifecycle of one request (see docs/ARCHITECTURE.md):
 *   1. first call: allocate struct req + arena; check message framing; route;
 *      refuse early what can be refused from the headers alone (404/405, 413
 *      from Content-Length), answering before the body is read.
 *   2. upload calls: append the body up to the route's limit.
 *   3. final call: central checks (auth, permission, CSRF, content type, JSON),
 *      the handler, then common headers and the queued answer.
 *   4. completion callback: access log, metrics, free everything.
 */
#ifndef SHUNIU_HTTP_SERVER_H
#define SHUNIU_HTTP_SERVER_H

#include <limits.h>
#include <stdatomic.h>

#include "core/config.h"
#include "core/errors.h"

struct db;
struct req;
struct router;
struct metrics;
struct MHD_Daemon;
struct pii_keys;

/*
 * Authentication hook, installed by the auth module. Fills req->auth from the
 * cookie or bearer token. Returns ERR_NONE, or the error to answer.
 * `perm` is the route's permission key (may be NULL); `csrf` says whether the
 * route demands the CSRF token on cookie sessions.
 */
typedef enum err_id (*auth_hook_fn)(struct req *req, int required, const char *perm, int csrf);

struct server {
	const struct config *cfg;
	struct db *db;
	struct router *router;
	struct metrics *metrics;
	struct MHD_Daemon *daemon;
	char web_root[PATH_MAX]; /* realpath of the web root, "" if none */
	int web_root_fd;	 /* O_PATH descriptor of it, -1 if none */
	int test_clock;
	auth_hook_fn auth_hook;
	const struct pii_keys *pii; /* field encryption keys, from the data dir's key file */
	int port;		    /* the port actually bound (listen may say 0) */
	atomic_int in_flight;
	atomic_int stopping;
};

/* Start listening; returns 0 or -1 with a message logged. */
int server_start(struct server *srv);
/* Stop accepting, wait up to cfg->shutdown_grace for requests in flight, stop. */
void server_stop(struct server *srv);

#endif
