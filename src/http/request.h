/*
 * request.h — what a handler sees of an HTTP request, and how it answers.
 *
 * One struct req per request, allocated on the first libmicrohttpd call and
 * freed in the completion callback together with req->arena. Handlers read
 * the route parameters, query, headers and the JSON body (by its field table,
 * http/body.h), and answer with
 * exactly one reply_*() call. Helpers ending in _or_reply answer the error
 * themselves and return -1, so a handler reads as a straight line:
 *
 *     int64_t id;
 *     if (req_param_id_or_reply(req, "id", &id))
 *             return;
 *
 * Everything a handler allocates comes from req->arena. JSON passed to
 * reply_json() is consumed (its reference is stolen).
 */
#ifndef SHUNIU_HTTP_REQUEST_H
#define SHUNIU_HTTP_REQUEST_H

#include <jansson.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/errors.h"
#include "http/router.h"

struct server;
struct db_conn;
struct MHD_Connection;
struct MHD_Response;
struct gate;

#define REQ_MAX_HEADERS 12

struct req {
	struct arena arena;
	struct server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path; /* percent-decoded, without the query string */
	const struct route *route;
	enum route_result match;
	char allow[64]; /* methods the path allows, for 405 */
	struct route_params params;
	char ip[64];
	int64_t t0_us;	   /* monotonic start */
	struct gate *gate; /* the connection's framing gate (http/gate.h), or NULL */
	uint32_t seq;	   /* this request's number on its connection */

	/* body: malloc'd, grown while it arrives, NUL-terminated */
	char *body;
	size_t body_len, body_cap;
	long body_limit;
	int body_too_large;
	json_t *json; /* parsed body on R_JSON routes */

	/* set by the authentication hook (issue 3 defines what it points to) */
	void *auth;

	/* the answer */
	struct MHD_Response *resp;
	int status;
	uint64_t resp_bytes;
	int queued;
	int close_conn; /* send Connection: close */
	int html;	/* answer is HTML: add the CSP */
	int is_static;	/* static file: its own caching headers */
	int nheaders;
	const char *hname[REQ_MAX_HEADERS], *hvalue[REQ_MAX_HEADERS];
	const char *route_label; /* for logs and metrics */
};

const char *req_param(struct req *req, const char *name);
/* A query parameter; NULL when absent or empty ("?unit=" is no unit). */
const char *req_query(struct req *req, const char *name);
const char *req_header(struct req *req, const char *name);
const char *req_cookie(struct req *req, const char *name);
/* This thread's database connection; answers 503 and returns NULL if down. */
struct db_conn *req_db_or_reply(struct req *req);

/* Route parameter as a positive integer id; anything else answers 404. */
int req_param_id_or_reply(struct req *req, const char *name, int64_t *out);

void reply_json(struct req *req, int status, json_t *body);
/* A JSON text already written (malloc'd; taken over). NULL answers 500. */
void reply_json_text(struct req *req, int status, char *text, size_t len);
void reply_error(struct req *req, enum err_id e);
/* msg NULL: the registry's message. details may be NULL; it is stolen. */
void reply_error_ex(struct req *req, enum err_id e, const char *msg, json_t *details);
/* 400 request.invalid naming the field. */
void reply_invalid(struct req *req, const char *field, const char *why);
/* The same naming one id of an array field too (details.id). */
void reply_invalid_id(struct req *req, const char *field, int64_t id, const char *why);
void reply_bytes(struct req *req, int status, const char *content_type, const void *data,
		 size_t len);
void reply_empty(struct req *req, int status);
/* Extra header on the answer; name and value must live as long as the request. */
void reply_header(struct req *req, const char *name, const char *value);

/* List paging: ?limit= (1..500, default 50) and ?cursor= (the last id seen). */
int req_page_or_reply(struct req *req, int64_t *limit, int64_t *cursor);

/*
 * A page of a list — the one way a list handler answers:
 *
 *     struct page p;
 *     if (page_begin_or_reply(req, &p))          reads ?limit= and ?cursor=
 *             return;
 *     rc = things_store_list(c, ..., p.cursor, p.limit + 1, thing_row, &p);
 *     page_reply(&p, rc);                        {"items", "next_cursor"}
 *
 * where the store's row callback calls page_add(p, row id, row JSON). The store
 * fetches one row past the limit: it is not shown, it only says there is a next
 * page, whose cursor is the last row shown. Nothing is allocated before the
 * first page_add(), so a handler may still refuse after page_begin_or_reply().
 */
struct page {
	struct req *req;
	int64_t limit, cursor; /* ?limit= (1..500, default 50), ?cursor= (0: from the start) */
	int64_t n, last;       /* rows added, the cursor of the last one shown */
	json_t *items;
	int bad; /* a row could not be added */
};
int page_begin_or_reply(struct req *req, struct page *p);
/* Add a row (item stolen) with the cursor it leaves. Returns 0. NULL counts as a failure,
 * except for the row past the limit, which only says there is a next page (pass NULL and
 * save building it: add while p->n < p->limit, then NULL). */
int page_add(struct page *p, int64_t cursor, json_t *item);
/*
 * The page as JSON, for a handler that adds fields of its own (NULL after a
 * failed row: answered 500), or answered at once by page_reply(): rc < 0 from
 * the store answers 503. Either frees what was collected on failure.
 */
json_t *page_finish_or_reply(struct page *p, int rc);
void page_reply(struct page *p, int rc);
/*
 * Answer the failure of a db_tx_run() (already rolled back): 409 request.conflict
 * for a constraint violation; 500, logged, for a handler's slip (DB_EMISUSE: a step
 * result the callback let through; a DB_EABORT nobody answered); 503 otherwise
 * (a busy lock that outlasted the retries, a lost connection). DB_EABORT is the
 * handler's own refusal and is answered by the handler.
 */
void reply_db_error(struct req *req, int rc);
/*
 * The outcome of loading one row the caller may see, by a store call that
 * returned rc (<0: 503), found it or not (404), and — when the handler asked
 * for its JSON (json non-NULL) — built it (NULL: 500). 0 when all is well,
 * otherwise -1 having answered.
 */
int req_row_or_reply(struct req *req, int rc, int found, json_t *const *json);
/* What a store's row callback loading that row is given, and gives back. */
struct req_row {
	struct req *req;
	void *row;     /* the caller's struct, filled by the callback */
	json_t **json; /* NULL, or receives the row's JSON */
	int ok;	       /* the caller may see the row */
};
/* A store's one-row read: 0 for DB_ROW; rc < 0 answers 503, anything else 404. */
int req_found_or_reply(struct req *req, int rc);
/*
 * The same for a check that is not a row's visibility: rc < 0 from the store
 * answers 503; otherwise a false ok answers e (the registry's message), or 400
 * request.invalid naming field. 0 when all is well, otherwise -1 having answered.
 */
int req_ok_or_reply(struct req *req, int rc, int ok, enum err_id e);
int req_ok_or_invalid(struct req *req, int rc, int ok, const char *field, const char *why);
/*
 * The handler GET .../:id that answers the JSON of one row the caller may see:
 * load(req, c, id, &row, &json) is the module's X_visible_or_reply(), which
 * answers 503/404/500 itself.
 */
#define REQ_GET_VISIBLE_HANDLER(name, row_type, load)                                              \
	static void name(struct req *req)                                                          \
	{                                                                                          \
		struct db_conn *c = req_db_or_reply(req);                                          \
		row_type row;                                                                      \
		json_t *out = NULL;                                                                \
		int64_t id;                                                                        \
                                                                                                   \
		if (c && !req_param_id_or_reply(req, "id", &id) && !load(req, c, id, &row, &out))  \
			reply_json(req, 200, out);                                                 \
	}
/*
 * The action of a route ".../:id/<action>": the index of its last pattern
 * segment in names[0..n), or -1 answered 404 (a route wired to the wrong
 * handler). One handler serves routes that differ only by the action (each
 * route keeps its own flags and permission).
 */
int req_route_action_or_reply(struct req *req, const char *const *names, int n);
#define REQ_ROUTE_ACTION_OR_REPLY(req, names)                                                      \
	req_route_action_or_reply((req), (names), (int)(sizeof(names) / sizeof *(names)))
/*
 * A handler that calls fn(req, arg): routes of one shape that differ only by an
 * argument that is not an action (people's scoped lists, each with its store
 * function).
 */
#define ROUTE_HANDLER_WITH(name, fn, arg)                                                          \
	static void name(struct req *req)                                                          \
	{                                                                                          \
		fn(req, arg);                                                                      \
	}
/* After db_tx_run(): rc 0 answers status with body, otherwise reply_db_error(). body is stolen. */
void reply_tx(struct req *req, int rc, int status, json_t *body);

/*
 * The same where the callback's DB_EABORT is a refusal: it answers refused, or
 * nothing when refused is ERR_NONE (the callback answered it). body is stolen.
 */
void reply_tx_refused(struct req *req, int rc, enum err_id refused, int status, json_t *body);

/*
 * The end-of-request check: was a transaction left open on connection c (this
 * worker's, or NULL) by the route named? The server calls it after every
 * handler. strict (the test build, compiled with SHUNIU_STRICT): abort() with
 * the method and route in the message, so the test that got there fails
 * loudly. Otherwise roll back, log an error and return 1; 0 when none was open.
 */
int req_tx_left_open(struct db_conn *c, const char *method, const char *route, int strict);

#endif
