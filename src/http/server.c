/*
 * server.c — libmicrohttpd glue and the request lifecycle; see server.h.
 *
 * Framing. Every byte of a connection passes the framing gate (gate.c) before
 * libmicrohttpd parses it: bare LF, obs-fold, control characters, an
 * ambiguous body length (Content-Length not plain digits or given twice,
 * Content-Length with Transfer-Encoding, a coding other than chunked), a
 * missing or doubled Host are each answered with one 400 and Connection:
 * close, and nothing pipelined behind the request runs. The gate's verdict is
 * read on the first call and again on the final one (a chunked body can go
 * wrong after its head).
 *
 * Early answers. An answer queued on the first call (before the body is read)
 * makes libmicrohttpd close the connection afterwards; we also say
 * Connection: close, so clients do not reuse it. This is how 413 is sent for a
 * Content-Length over the limit without reading the body. A chunked body that
 * grows past the route's limit is read to its end and dropped, then answered
 * 413 (the gate cuts any chunked body past the largest limit of all routes).
 *
 * Transactions left open. After the handler ran, the worker's connection must
 * be outside any transaction (handlers write through db_tx_run()). One left
 * open aborts the test build (SHUNIU_STRICT) naming the route, and is rolled
 * back and logged in the release build, so the next request on this worker
 * does not run inside it.
 */
#include "http/server.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "http/gate.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "http/static.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef SHUNIU_STRICT
static const int strict_build = 1;
#else
static const int strict_build = 0;
#endif

#define CSP_HTML                                                                                   \
	"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                \
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "                  \
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

/* ---- answering ---------------------------------------------------------- */

static void add_common_headers(struct req *req)
{
	struct MHD_Response *r = req->resp;

	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (req->html)
		MHD_add_response_header(r, "Content-Security-Policy", CSP_HTML);
	if (!req->is_static)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	for (int i = 0; i < req->nheaders; i++)
		MHD_add_response_header(r, req->hname[i], req->hvalue[i]);
	if (req->close_conn)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

static enum MHD_Result queue(struct req *req)
{
	enum MHD_Result rc;

	if (!req->resp) {
		log_error("handler for %s %s returned without answering", req->method,
			  req->route_label);
		reply_error(req, ERR_INTERNAL);
	}
	add_common_headers(req);
	rc = MHD_queue_response(req->conn, (unsigned)req->status, req->resp);
	MHD_destroy_response(req->resp);
	req->resp = NULL;
	req->queued = 1;
	return rc;
}

/* ---- central checks ----------------------------------------------------- */

static int content_type_is_json(const char *ct)
{
	size_t n = strlen("application/json");

	if (!ct || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int is_mutating(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Host and port of an Origin ("https://a.example:8443" → "a.example:8443"). */
static const char *origin_authority(const char *origin)
{
	const char *p = strstr(origin, "://");
	return p && !strchr(p + 3, '/') ? p + 3 : NULL;
}

/*
 * A state-changing request a browser sent from another site: its Origin names
 * another host than the one it was sent to (Host, or X-Forwarded-Host from a
 * proxy in front, which a page cannot set on a cross-site request), or its
 * Sec-Fetch-Site says so. Refused whatever token it carries (defence in depth
 * behind SameSite=Strict and the CSRF token). Requests without these headers
 * (integrations, older clients) are judged by their credentials alone.
 */
static int from_another_site(struct req *req)
{
	const char *origin = req_header(req, "Origin");
	const char *site = req_header(req, "Sec-Fetch-Site");

	if (site && (!strcasecmp(site, "cross-site") || !strcasecmp(site, "same-site")))
		return 1;
	if (!origin)
		return 0;
	const char *auth = origin_authority(origin);
	const char *host = req_header(req, "Host");
	const char *fwd = req_header(req, "X-Forwarded-Host");
	if (!auth || !*auth)
		return 1; /* "null" and anything unparseable */
	if (host && !strcasecmp(auth, host))
		return 0;
	if (fwd) {
		size_t n = strcspn(fwd, ", ");
		if (strlen(auth) == n && !strncasecmp(auth, fwd, n))
			return 0;
	}
	return 1;
}

static void dispatch(struct req *req)
{
	const struct route *rt = req->route;
	int needs_auth = (rt->flags & R_AUTH) || rt->perm;

	if (is_mutating(req->method) && from_another_site(req)) {
		reply_error(req, ERR_FOREIGN_ORIGIN);
		return;
	}
	/*
	 * Routes that neither need nor want an account never look at a cookie;
	 * a bearer token sent to one is still checked (a wrong one is a 401
	 * everywhere, so an integration learns its token is bad at once).
	 */
	if (needs_auth || (rt->flags & R_AUTH_OPTIONAL) || req_header(req, "Authorization")) {
		enum err_id e = ERR_AUTH_REQUIRED;
		if (req->srv->auth_hook)
			e = req->srv->auth_hook(req, needs_auth, rt->perm,
						!(rt->flags & R_NO_CSRF) &&
							is_mutating(req->method));
		if (e != ERR_NONE) {
			reply_error(req, e);
			return;
		}
	}
	if (rt->flags & R_JSON) {
		json_error_t jerr;
		if (!content_type_is_json(req_header(req, "Content-Type"))) {
			reply_error(req, ERR_UNSUPPORTED_MEDIA);
			return;
		}
		req->json = json_loadb(req->body ? req->body : "", req->body_len,
				       JSON_REJECT_DUPLICATES, &jerr);
		if (!req->json) {
			reply_error_ex(req, ERR_BAD_JSON, NULL,
				       JB_OBJ(jb_int("line", jerr.line),
					      jb_int("column", jerr.column),
					      jb_str("reason", jerr.text)));
			return;
		}
	}
	rt->handler(req);
}

static void serve_static_or_404(struct req *req)
{
	int head = !strcmp(req->method, "HEAD");

	if ((head || !strcmp(req->method, "GET")) && req->srv->web_root[0] &&
	    !str_has_prefix(req->path, "/api/") && static_serve(req))
		return;
	reply_error(req, ERR_NOT_FOUND);
}

/* ---- libmicrohttpd callbacks -------------------------------------------- */

static void client_ip(struct MHD_Connection *conn, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, n, "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  (socklen_t)n);
}

/*
 * First call: headers are in. Refuses what must be refused before the body is
 * read (bad framing, a Content-Length over the limit) and returns 1 with the
 * answer prepared; otherwise routes and returns 0. Everything else, 404 and 405
 * included, is answered on the final call, so those connections stay reusable.
 */
/* The gate condemned this request: answer it alone and close. Returns 1 if so. */
static int refused_by_gate(struct req *req)
{
	const char *why = "";
	enum gate_verdict v = gate_verdict(req->gate, req->seq, &why);

	if (v == GATE_OK)
		return 0;
	req->close_conn = 1;
	reply_error_ex(req, v == GATE_TOO_LARGE ? ERR_TOO_LARGE : ERR_BAD_FRAMING, NULL,
		       JB_OBJ(jb_str("reason", why)));
	return 1;
}

static int on_headers(struct req *req)
{
	struct server *srv = req->srv;
	char *scratch;
	const char *cl;

	if (refused_by_gate(req))
		return 1;
	scratch = arena_alloc(&req->arena, strlen(req->path) + 1);
	req->match = router_match(srv->router, req->method, req->path, scratch, &req->route,
				  &req->params, req->allow, sizeof req->allow);
	req->body_limit = (long)srv->cfg->body_limit;
	if (req->match == ROUTE_FOUND) {
		req->route_label = req->route->pattern;
		if (req->route->body_limit)
			req->body_limit = req->route->body_limit;
	}
	cl = req_header(req, "Content-Length"); /* plain digits: the gate saw to it */
	if (cl) {
		int64_t n;
		if (parse_int64(cl, 0, INT64_MAX, &n) || n > req->body_limit) {
			/* answered before the body: the connection cannot be reused */
			req->close_conn = 1;
			reply_error(req, ERR_TOO_LARGE);
			return 1;
		}
	}
	return 0;
}

/* Final call: the whole request is in. */
static void on_complete_request(struct req *req)
{
	if (refused_by_gate(req))
		return;
	if (req->body_too_large) {
		req->close_conn = 1;
		reply_error(req, ERR_TOO_LARGE);
		return;
	}
	if (req->match == ROUTE_BAD_METHOD) {
		reply_header(req, "Allow", req->allow);
		reply_error(req, ERR_METHOD_NOT_ALLOWED);
	} else if (req->match == ROUTE_NO_PATH) {
		serve_static_or_404(req);
	} else {
		dispatch(req);
	}
}

/* A body past the limit is read on and dropped: it is answered 413 at its end. */
static int append_body(struct req *req, const char *data, size_t n)
{
	if (req->body_too_large || req->body_len + n > (size_t)req->body_limit) {
		req->body_too_large = 1;
		return 0;
	}
	if (buf_reserve(&req->body, &req->body_cap, req->body_len + n + 1))
		return -1;
	memcpy(req->body + req->body_len, data, n);
	req->body_len += n;
	req->body[req->body_len] = '\0';
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct req *req = *con_cls;

	if (!req) {
		req = calloc(1, sizeof *req);
		if (!req)
			return MHD_NO;
		arena_init(&req->arena);
		req->srv = srv;
		req->conn = conn;
		req->t0_us = clock_mono_us();
		req->method = arena_strdup(&req->arena, method);
		req->path = arena_strdup(&req->arena, url);
		req->route_label = "-";
		client_ip(conn, req->ip, sizeof req->ip);
		req->gate = gate_of(conn);
		req->seq = gate_request_begin(req->gate);
		*con_cls = req;
		atomic_fetch_add(&srv->in_flight, 1);
		if (on_headers(req))
			return queue(req);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->queued && append_body(req, upload_data, *upload_data_size) < 0)
			return MHD_NO; /* no memory: drop the connection */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->queued)
		return MHD_YES;
	on_complete_request(req);
	/* same thread as the handler, so the same connection */
	req_tx_left_open(srv->db ? db_conn_current(srv->db) : NULL, req->method,
			 req->route ? req->route->pattern : req->route_label, strict_build);
	return queue(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct req *req = *con_cls;
	int64_t us;

	(void)conn;
	if (!req)
		return;
	us = clock_mono_us() - req->t0_us;
	if (!req->queued)
		req->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499;
	log_access(&(struct access_entry){
		.method = req->method,
		.route = req->route_label,
		.path = req->path,
		.ip = req->ip,
		.status = req->status,
		.bytes = req->resp_bytes,
		.micros = us,
	});
	metrics_observe(srv->metrics, req->method, req->route_label, req->status, us);
	if (req->resp)
		MHD_destroy_response(req->resp);
	if (req->json)
		json_decref(req->json);
	free(req->body);
	arena_release(&req->arena);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
}

/*
 * Percent-decoding for paths and query values. Like libmicrohttpd's own, but an
 * encoded NUL (%00) is left encoded: decoding it would cut the C string short
 * and make "/x.html%00.png" name a different file than the one asked for.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;

	(void)cls;
	(void)c;
	while (*r) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
			char hex[3] = { r[1], r[2], 0 };
			unsigned long v = strtoul(hex, NULL, 16);
			if (v != 0) {
				*w++ = (char)v;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("microhttpd: %s", msg);
}

int server_start(struct server *srv)
{
	const struct config *cfg = srv->cfg;
	char host[256];
	int port;
	struct sockaddr_storage ss = { 0 };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_USE_TURBO;

	if (parse_hostport(cfg->listen, host, sizeof host, &port)) {
		log_error("bad listen address '%s'", cfg->listen);
		return -1;
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else if (!strcmp(host, "localhost")) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	} else {
		log_error("listen address '%s' must be a numeric IP address", cfg->listen);
		return -1;
	}

	int64_t max_body = cfg->body_limit;
	for (size_t i = 0; i < router_count(srv->router); i++)
		if (router_at(srv->router, i)->body_limit > max_body)
			max_body = router_at(srv->router, i)->body_limit;
	if (gate_setup(cfg->connection_timeout, max_body) < 0) {
		log_error("no memory for the framing gate");
		return -1;
	}
	srv->daemon = MHD_start_daemon(
		flags, (uint16_t)port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_connections_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		srv, MHD_OPTION_NOTIFY_CONNECTION, gate_notify, NULL, MHD_OPTION_UNESCAPE_CALLBACK,
		unescape, NULL, MHD_OPTION_END);
	if (!srv->daemon) {
		log_error("cannot listen on %s: %s", cfg->listen, strerror(errno));
		return -1;
	}
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : port;
	return 0;
}

void server_stop(struct server *srv)
{
	int64_t deadline = clock_mono_us() + srv->cfg->shutdown_grace * 1000000;

	if (!srv->daemon)
		return;
	atomic_store(&srv->stopping, 1);
	/* Stop accepting: quiesce hands the listening socket back; closing it
	 * makes new connections fail at once instead of waiting in the backlog. */
	MHD_socket lfd = MHD_quiesce_daemon(srv->daemon);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	while (atomic_load(&srv->in_flight) > 0 && clock_mono_us() < deadline)
		usleep(10000);
	if (atomic_load(&srv->in_flight) > 0)
		log_warn("%d requests still in flight after %llds; stopping anyway",
			 atomic_load(&srv->in_flight), (long long)srv->cfg->shutdown_grace);
	MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
}
