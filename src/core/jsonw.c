/*
 * jsonw.c — the JSON text writer; see jsonw.h.
 */
#include "core/jsonw.h"

#include "core/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(struct jw *w, const char *s, size_t n)
{
	textbuf_add(&w->out, s, n);
}

static void put_string(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(s - run));
		run = s + 1;
		if (c == '"')
			put(w, "\\\"", 2);
		else if (c == '\\')
			put(w, "\\\\", 2);
		else if (c == '\n')
			put(w, "\\n", 2);
		else if (c == '\t')
			put(w, "\\t", 2);
		else if (c == '\r')
			put(w, "\\r", 2);
		else {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(w, u, 6);
		}
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

/* The separator and the key before a value. */
static void lead(struct jw *w, const char *key)
{
	if (w->more[w->depth])
		put(w, ",", 1);
	w->more[w->depth] = 1;
	if (key) {
		put_string(w, key);
		put(w, ":", 1);
	}
}

static void begin(struct jw *w, const char *key, const char *c)
{
	lead(w, key);
	put(w, c, 1);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->more[++w->depth] = 0;
	else
		w->out.oom = 1; /* deeper than any answer we write: refuse rather than corrupt */
}

static void close_(struct jw *w, const char *c)
{
	if (w->depth > 0)
		w->depth--;
	put(w, c, 1);
}

void jw_obj(struct jw *w, const char *key)
{
	begin(w, key, "{");
}

void jw_end_obj(struct jw *w)
{
	close_(w, "}");
}

void jw_arr(struct jw *w, const char *key)
{
	begin(w, key, "[");
}

void jw_end_arr(struct jw *w)
{
	close_(w, "]");
}

void jw_str(struct jw *w, const char *key, const char *v)
{
	lead(w, key);
	if (v)
		put_string(w, v);
	else
		put(w, "null", 4);
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);

	lead(w, key);
	put(w, buf, (size_t)n);
}

void jw_bool(struct jw *w, const char *key, int v)
{
	lead(w, key);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w, const char *key)
{
	lead(w, key);
	put(w, "null", 4);
}

void jw_raw(struct jw *w, const char *key, const char *json)
{
	lead(w, key);
	if (json && *json)
		put(w, json, strlen(json));
	else
		put(w, "null", 4);
}

char *jw_finish(struct jw *w, size_t *len)
{
	if (w->out.oom || !w->out.p) {
		free(w->out.p);
		w->out.p = NULL;
		return NULL;
	}
	*len = w->out.n;
	return w->out.p;
}

void jw_discard(struct jw *w)
{
	free(w->out.p);
	w->out.p = NULL;
}
