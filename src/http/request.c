/*
 * request.c — request accessors and reply helpers; see request.h.
 */
#include "http/request.h"

#include "core/jbuild.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "http/server.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *req_param(struct req *req, const char *name)
{
	for (int i = 0; i < req->params.n; i++)
		if (!strcmp(req->params.name[i], name))
			return req->params.value[i];
	return NULL;
}

/* "?unit=&from=" is how the API examples are written: an empty value is absent. */
const char *req_query(struct req *req, const char *name)
{
	const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);

	return v && *v ? v : NULL;
}

const char *req_header(struct req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

struct db_conn *req_db_or_reply(struct req *req)
{
	struct db_conn *c = db_conn_thread(req->srv->db);

	if (!c) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return NULL;
	}
	return c;
}

int req_param_id_or_reply(struct req *req, const char *name, int64_t *out)
{
	if (parse_int64(req_param(req, name), 1, INT64_MAX, out)) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

static void set_response(struct req *req, int status, struct MHD_Response *resp, size_t len)
{
	if (req->resp) { /* a second answer replaces the first; log it, it's a bug */
		log_warn("%s %s answered twice", req->method, req->route_label);
		MHD_destroy_response(req->resp);
	}
	req->resp = resp;
	req->status = status;
	req->resp_bytes = len;
	if (!resp) { /* out of memory: libmicrohttpd will drop the connection */
		req->status = 500;
		req->resp_bytes = 0;
	}
}

void reply_bytes(struct req *req, int status, const char *content_type, const void *data,
		 size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);

	if (r && content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	set_response(req, status, r, len);
}

void reply_empty(struct req *req, int status)
{
	reply_bytes(req, status, NULL, "", 0);
}

void reply_json(struct req *req, int status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	reply_json_text(req, status, s, s ? strlen(s) : 0);
}

void reply_json_text(struct req *req, int status, char *s, size_t len)
{
	struct MHD_Response *r;

	if (!s) {
		static const char oom[] =
			"{\"error\":{\"code\":\"server.internal\",\"message\":\"out of memory\"}}";
		reply_bytes(req, 500, "application/json", oom, sizeof oom - 1);
		return;
	}
	r = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
	if (!r)
		free(s);
	else
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/json; charset=utf-8");
	set_response(req, status, r, len);
}

void reply_error_ex(struct req *req, enum err_id e, const char *msg, json_t *details)
{
	json_t *err =
		JB_OBJ(jb_str("code", err_code(e)), jb_str("message", msg ? msg : err_message(e)));

	if (details)
		json_object_set_new(err, "details", details);
	reply_json(req, err_status(e), JB_OBJ(jb_take("error", err)));
}

void reply_error(struct req *req, enum err_id e)
{
	reply_error_ex(req, e, NULL, NULL);
}

void reply_invalid(struct req *req, const char *field, const char *why)
{
	reply_error_ex(req, ERR_INVALID, NULL,
		       JB_OBJ(jb_str("field", field), jb_str("reason", why ? why : "invalid")));
}

void reply_invalid_id(struct req *req, const char *field, int64_t id, const char *why)
{
	reply_error_ex(req, ERR_INVALID, NULL,
		       JB_OBJ(jb_str("field", field), jb_str("reason", why), jb_int("id", id)));
}

void reply_header(struct req *req, const char *name, const char *value)
{
	if (req->nheaders < REQ_MAX_HEADERS) {
		req->hname[req->nheaders] = name;
		req->hvalue[req->nheaders] = value;
		req->nheaders++;
	} else {
		log_warn("too many extra headers on %s %s", req->method, req->route_label);
	}
}

int req_page_or_reply(struct req *req, int64_t *limit, int64_t *cursor)
{
	const char *v;

	*limit = 50;
	*cursor = 0;
	if ((v = req_query(req, "limit")) && parse_int64(v, 1, 500, limit)) {
		reply_invalid(req, "limit", "expected 1 to 500");
		return -1;
	}
	if ((v = req_query(req, "cursor")) && parse_int64(v, 0, INT64_MAX, cursor)) {
		reply_invalid(req, "cursor", "not a cursor from this list");
		return -1;
	}
	return 0;
}

/* {"items": items, "next_cursor": "<last>" | null}; steals items. */
static json_t *page_json(struct req *req, json_t *items, int more, int64_t last)
{
	return JB_OBJ(jb_take("items", items),
		      jb_take("next_cursor",
			      more ? json_string(arena_printf(&req->arena, "%lld", (long long)last))
				   : json_null()));
}

int page_begin_or_reply(struct req *req, struct page *p)
{
	*p = (struct page){ .req = req };
	return req_page_or_reply(req, &p->limit, &p->cursor);
}

int page_add(struct page *p, int64_t cursor, json_t *item)
{
	if (++p->n > p->limit) {
		json_decref(item);
		return 0;
	}
	p->last = cursor;
	if (!p->items)
		p->items = json_array();
	if (!item || json_array_append_new(p->items, item) < 0)
		p->bad = 1;
	return 0;
}

json_t *page_finish_or_reply(struct page *p, int rc)
{
	json_t *items = p->items;

	p->items = NULL;
	if (rc < 0 || p->bad) {
		json_decref(items);
		reply_error(p->req, p->bad ? ERR_INTERNAL : ERR_DB_UNAVAILABLE);
		return NULL;
	}
	return page_json(p->req, items ? items : json_array(), p->n > p->limit, p->last);
}

void page_reply(struct page *p, int rc)
{
	json_t *out = page_finish_or_reply(p, rc);

	if (out)
		reply_json(p->req, 200, out);
}

int req_row_or_reply(struct req *req, int rc, int found, json_t *const *json)
{
	if (rc < 0)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else if (!found)
		reply_error(req, ERR_NOT_FOUND);
	else if (json && !*json)
		reply_error(req, ERR_INTERNAL);
	else
		return 0;
	return -1;
}

int req_found_or_reply(struct req *req, int rc)
{
	return req_ok_or_reply(req, rc, rc == DB_ROW, ERR_NOT_FOUND);
}

int req_ok_or_reply(struct req *req, int rc, int ok, enum err_id e)
{
	if (rc >= 0 && ok)
		return 0;
	reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : e);
	return -1;
}

int req_ok_or_invalid(struct req *req, int rc, int ok, const char *field, const char *why)
{
	if (rc >= 0 && ok)
		return 0;
	if (rc < 0)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else
		reply_invalid(req, field, why);
	return -1;
}

void reply_db_error(struct req *req, int rc)
{
	if (rc > 0 || rc == DB_EMISUSE || rc == DB_EABORT) {
		log_error("%s %s: transaction ended with %d", req->method, req->path, rc);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_error(req, rc == DB_ECONSTRAINT ? ERR_CONFLICT : ERR_DB_UNAVAILABLE);
}

void reply_tx(struct req *req, int rc, int status, json_t *body)
{
	if (rc != 0) {
		json_decref(body);
		reply_db_error(req, rc);
		return;
	}
	reply_json(req, status, body);
}

void reply_tx_refused(struct req *req, int rc, enum err_id refused, int status, json_t *body)
{
	if (rc != DB_EABORT) {
		reply_tx(req, rc, status, body);
		return;
	}
	json_decref(body);
	if (refused != ERR_NONE)
		reply_error(req, refused);
}

int req_tx_left_open(struct db_conn *c, const char *method, const char *route, int strict)
{
	if (!c || !db_in_tx(c))
		return 0;
	if (strict) {
		fprintf(stderr, "shuniu: %s %s left a transaction open\n", method, route);
		abort();
	}
	log_error("%s %s left a transaction open; rolled back", method, route);
	db_rollback(c);
	return 1;
}

int req_route_action_or_reply(struct req *req, const char *const *names, int n)
{
	const char *last = req->route ? strrchr(req->route->pattern, '/') : NULL;

	for (int i = 0; last && i < n; i++)
		if (!strcmp(last + 1, names[i]))
			return i;
	reply_error(req, ERR_NOT_FOUND);
	return -1;
}
