/*
 * open311_int.h — what open311.c and open311_format.c share.
 */
#ifndef SHUNIU_OPEN311_INT_H
#define SHUNIU_OPEN311_INT_H

#include "open311/open311.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db_conn;
struct req;

#define CT_JSON	 "application/json; charset=utf-8"
#define CT_XML	 "text/xml; charset=utf-8"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>"

enum fmt { FMT_JSON, FMT_XML };

/* Answer doc (stolen) as JSON, or as XML under <root> with array items <item>. */
void o311_reply_doc(struct req *req, enum fmt f, int status, const char *root, const char *item,
		    json_t *doc);
/* The spec's error document with HTTP status code. */
void o311_error(struct req *req, enum fmt f, int code, const char *description);
void o311_db_error(struct req *req, enum fmt f);
/* This thread's connection, or NULL with a 503 answered. */
struct db_conn *o311_db_or_reply(struct req *req, enum fmt f);
/* The route's ":file" split into base name and format; -1 with a JSON 404 answered. */
int o311_file_or_reply(struct req *req, const char **base, enum fmt *f);
/* Is the Host header plain enough to echo into links? */
int o311_host_valid(const char *h);
/* "http://" + the request's Host (checked, as it is echoed into links). */
const char *o311_base_url(struct req *req);
json_t *o311_jstr(const char *s);
json_t *o311_jtime(int64_t t, char buf[32]);
/* Is s[0..n) well-formed UTF-8 (no overlong forms, surrogates or NUL)? */
int o311_utf8_valid(const unsigned char *s, size_t n);
/*
 * Split a comma-separated query value into at most max tokens (spaces around
 * them trimmed, empty ones skipped): the count, or -1 when more than max or none.
 */
int o311_split_list(struct req *req, const char *value, char **tok, int max);
/* A W3C date time ("+" arriving as a space is read as "+"); a plain end date means the
 * end of that day. 0 or -1. */
int o311_date_param(struct req *req, const char *s, int end, int64_t *out);

#define O311_MAX_IDS   100
#define O311_MAX_CODES 50

/* ---- the store (open311_store.c) ---------------------------------------- */

/* An active category as a service; strings valid during the callback only. */
struct o311_service {
	const char *code, *name, *name_en, *level, *accept_unit, *handle_unit;
	int64_t accept_amount, handle_amount;
};
typedef int (*o311_service_fn)(void *ctx, const struct o311_service *s);
/* Every active category by sort, id. 0, or <0 (a callback's <0 stops and is returned). */
int o311_store_services(struct db_conn *c, o311_service_fn fn, void *ctx);

/* An appeal as a service request (expected: the handling, else acceptance, deadline;
 * notes: the latest non-empty note of a reject, resolve or verify event, or NULL). */
struct o311_request {
	const char *case_no, *status, *code, *name, *description, *agency, *address, *photos,
		*notes;
	int64_t created_at, updated_at, expected;
	int has_lat, has_lng;
	double lat, lng;
};
typedef int (*o311_request_fn)(void *ctx, const struct o311_request *r);

/* The search: case numbers (every other filter then ignored), else service codes,
 * open and/or closed (neither: any), and created_at in [lo, hi]; newest first. */
struct o311_filter {
	const char *const *ids, *const *codes;
	int nids, ncodes;
	int want_open, want_closed;
	int64_t lo, hi, limit;
};
int o311_store_requests(struct db_conn *c, const struct o311_filter *f, o311_request_fn fn,
			void *ctx);
/* One request by case number: DB_ROW (fn called), DB_DONE, <0. */
int o311_store_request(struct db_conn *c, const char *case_no, o311_request_fn fn, void *ctx);
/* The case number a token names, following merges up to 8 times; "" when none. 0 or <0. */
int o311_store_token(struct db_conn *c, const char *token, char case_no[32]);

#endif
