/*
 * jsonw.h — write JSON text straight into a growing buffer.
 *
 * For the hot lists, where building a jansson tree only to serialise it
 * costs more than the query: every value is appended as it is known. Keys
 * are given with each value inside objects and are NULL inside arrays.
 * Strings are escaped (quote, backslash, control characters); bytes >= 0x80
 * pass through, so the input must be UTF-8 — as everything the database
 * holds is, having come through the JSON parser. Out of memory is sticky:
 * jw_finish() then returns NULL.
 */
#ifndef SHUNIU_CORE_JSONW_H
#define SHUNIU_CORE_JSONW_H

#include "core/util.h"

#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct jw {
	struct textbuf out;
	int depth;
	unsigned char more[JW_MAX_DEPTH]; /* a value was written at this depth: next needs ',' */
};

void jw_obj(struct jw *w, const char *key);
void jw_end_obj(struct jw *w);
void jw_arr(struct jw *w, const char *key);
void jw_end_arr(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v); /* v NULL: null */
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, int v);
void jw_null(struct jw *w, const char *key);
/* A value that is already JSON text (stored GeoJSON, a formatted number); NULL writes null. */
void jw_raw(struct jw *w, const char *key, const char *json);
/* The text (malloc'd, NUL-terminated; *len without the NUL), or NULL on no memory. */
char *jw_finish(struct jw *w, size_t *len);
/* Free a writer that will not be finished. */
void jw_discard(struct jw *w);

#endif
