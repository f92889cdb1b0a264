/*
 * open311_format.c — Open311 answers: one jansson value written as JSON or,
 * by one generic walk, as XML (an array becomes <root><item>…</item></root>,
 * an object's members elements in order, nested arrays take the singular of
 * their name), the spec's error documents, and the small input helpers the
 * handlers share (the path's format, the base URL, UTF-8 checks).
 */
#include "open311/open311_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output: one jansson value, written as JSON or XML ----------------- */

static void buf_str(struct textbuf *b, const char *s)
{
	textbuf_add(b, s, strlen(s));
}

/*
 * Character data: the five markup characters become entities. Characters XML
 * 1.0 cannot carry at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF)
 * become U+FFFD.
 */
static void xml_escape(struct textbuf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		const char *rep = NULL;
		size_t skip = 1;
		switch (ch) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case 0xEF:
			if ((unsigned char)s[1] == 0xBF &&
			    ((unsigned char)s[2] == 0xBE || (unsigned char)s[2] == 0xBF)) {
				rep = "\xEF\xBF\xBD";
				skip = 3;
			}
			break;
		default:
			if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
				rep = "\xEF\xBF\xBD";
		}
		if (!rep)
			continue;
		textbuf_add(b, run, (size_t)(s - run));
		buf_str(b, rep);
		s += skip - 1;
		run = s + 1;
	}
	textbuf_add(b, run, (size_t)(s - run));
}

/* The element name of an array's items. */
static const char *singular(const char *plural)
{
	static const char *const names[][2] = {
		{ "endpoints", "endpoint" },
		{ "formats", "format" },
		{ "attributes", "attribute" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(plural, names[i][0]))
			return names[i][1];
	return "item";
}

static void xml_value(struct textbuf *b, const char *name, json_t *v, const char *item)
{
	char num[64];

	buf_str(b, "<");
	buf_str(b, name);
	buf_str(b, ">");
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) xml_value(b, k, x, NULL);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) xml_value(b, item ? item : singular(name), x, NULL);
		break;
	}
	case JSON_STRING: xml_escape(b, json_string_value(v)); break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		buf_str(b, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof num, "%.15g", json_real_value(v));
		buf_str(b, num);
		break;
	case JSON_TRUE: buf_str(b, "true"); break;
	case JSON_FALSE: buf_str(b, "false"); break;
	case JSON_NULL: break;
	}
	buf_str(b, "</");
	buf_str(b, name);
	buf_str(b, ">");
}

/* Answer doc (stolen) as JSON, or as XML under <root> with array items <item>. */
void o311_reply_doc(struct req *req, enum fmt f, int status, const char *root, const char *item,
		    json_t *doc)
{
	static const char oom_json[] = "[{\"code\":500,\"description\":\"out of memory\"}]";
	static const char oom_xml[] = XML_DECL "<errors><error><code>500</code><description>out "
					       "of memory</description></error></errors>";
	struct textbuf b = { 0 };

	if (f == FMT_JSON) {
		char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
		json_decref(doc);
		if (!s) {
			reply_bytes(req, 500, CT_JSON, oom_json, sizeof oom_json - 1);
			return;
		}
		reply_bytes(req, status, CT_JSON, s, strlen(s));
		free(s);
		return;
	}
	if (doc) {
		buf_str(&b, XML_DECL);
		xml_value(&b, root, doc, item);
		json_decref(doc);
	}
	if (!doc || b.oom)
		reply_bytes(req, 500, CT_XML, oom_xml, sizeof oom_xml - 1);
	else
		reply_bytes(req, status, CT_XML, b.p, b.n);
	free(b.p);
}

void o311_error(struct req *req, enum fmt f, int code, const char *description)
{
	o311_reply_doc(
		req, f, code, "errors", "error",
		JB_ARR(jv_take(JB_OBJ(jb_int("code", code), jb_str("description", description)))));
}

void o311_db_error(struct req *req, enum fmt f)
{
	o311_error(req, f, 503, "the database is unavailable; try again later");
}

/* This thread's connection, or NULL with a 503 answered. */
struct db_conn *o311_db_or_reply(struct req *req, enum fmt f)
{
	struct db_conn *c = db_conn_thread(req->srv->db);

	if (!c)
		o311_db_error(req, f);
	return c;
}

/*
 * The route's ":file" split into its base name and format. 0, or -1 with a
 * 404 answered (in JSON: the format is unknown) when the extension is neither.
 */
int o311_file_or_reply(struct req *req, const char **base, enum fmt *f)
{
	const char *file = req_param(req, "file"), *dot = file ? strrchr(file, '.') : NULL;

	if (dot && dot != file && !strcmp(dot, ".json"))
		*f = FMT_JSON;
	else if (dot && dot != file && !strcmp(dot, ".xml"))
		*f = FMT_XML;
	else {
		o311_error(req, FMT_JSON, 404, "not found: paths end in .json or .xml");
		return -1;
	}
	*base = arena_strndup(&req->arena, file, (size_t)(dot - file));
	return 0;
}

int o311_host_valid(const char *h)
{
	size_t n = h ? strlen(h) : 0;

	return n > 0 && n <= 255 &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_") ==
		       n;
}

/* "http://" + the request's Host (checked, as it is echoed into links). */
const char *o311_base_url(struct req *req)
{
	const char *host = req_header(req, "Host");

	if (o311_host_valid(host))
		return arena_printf(&req->arena, "http://%s", host);
	return arena_printf(&req->arena, "http://localhost:%d", req->srv->port);
}

json_t *o311_jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_string("");
}

json_t *o311_jtime(int64_t t, char buf[32])
{
	return json_string(clock_format_shanghai(t, buf));
}

/* Is s[0..n) well-formed UTF-8 (no overlong forms, surrogates or NUL)? */
int o311_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp, min;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * Split a comma-separated query value into at most max tokens (spaces around
 * them trimmed, empty ones skipped). Returns the count, or -1 when there are
 * more than max or none at all.
 */
int o311_split_list(struct req *req, const char *value, char **tok, int max)
{
	char *copy = arena_strdup(&req->arena, value), *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		t = str_trim(t);
		if (!*t)
			continue;
		if (n == max)
			return -1;
		tok[n++] = t;
	}
	return n ? n : -1;
}

/*
 * A W3C date time. A '+' in an unencoded query string arrives as a space, so
 * "…T08:00:00 08:00" is read as "+08:00". A plain end date means the end of
 * that day.
 */
int o311_date_param(struct req *req, const char *s, int end, int64_t *out)
{
	char *copy, *sp;

	if (clock_parse_iso(s, out) == 0) {
		if (end && strlen(s) == 10)
			*out += 86400 - 1;
		return 0;
	}
	copy = arena_strdup(&req->arena, s);
	sp = strrchr(copy, ' ');
	if (sp && sp - copy > 10) {
		*sp = '+';
		return clock_parse_iso(copy, out);
	}
	return -1;
}
