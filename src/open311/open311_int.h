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

#endif
