/*
 * util.h — small file and string helpers shared by every layer.
 *
 * Functions that can fail return 0 or -1 and, where they take one, write a
 * lowercase message with the subject quoted into err: "cannot open 'x': ...".
 */
#ifndef SHUNIU_CORE_UTIL_H
#define SHUNIU_CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Strict integer parse: whole string, base 10, optional sign, in [min,max]. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Size with optional K, M, G suffix (binary): "1M" = 1048576. */
int parse_size(const char *s, int64_t max, int64_t *out);
/* "host:port" with a numeric port 0..65535 (0: any free port); host may be "[::1]". */
int parse_hostport(const char *s, char *host, size_t hostlen, int *port);

/* Read a whole file (malloc'd, NUL-terminated; *len without the NUL). */
char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* Create a new file with exactly mode, failing if it exists (O_EXCL); fsyncs it. */
int write_new_file(const char *path, const void *data, size_t len, mode_t mode, char *err,
		   size_t errlen);
int path_exists(const char *path);
/*
 * Make path, and everything below it when it is a directory, readable by the
 * owner only: regular files lose every bit but owner read/write (0644 →
 * 0600; a stricter mode stays), directories keep at most 0700. Links are not
 * followed. A missing path is fine. 0, or -1 with errno.
 */
int path_make_private(const char *path);
/* path_join(buf, n, "a", "b") → "a/b". Returns -1 if it does not fit. */
int path_join(char *buf, size_t n, const char *dir, const char *name);

/*
 * Make a growing buffer hold need bytes: *pp (the address of a char or
 * unsigned char pointer, NULL while empty) of *cap bytes is reallocated, the
 * capacity doubling from 4096. 0, or -1 when out of memory (nothing changed).
 */
int buf_reserve(void *pp, size_t *cap, size_t need);
/* NUL-terminated text that grows as it is written ({ 0 } is empty). */
struct textbuf {
	char *p; /* malloc'd; NULL until the first append */
	size_t n, cap;
	int oom; /* sticky: once set, appends do nothing */
};
void textbuf_add(struct textbuf *b, const char *s, size_t n);

/* Unicode code points in the len bytes of valid UTF-8 s (continuation bytes not counted). */
size_t utf8_chars(const char *s, size_t len);
int str_has_prefix(const char *s, const char *prefix);
int str_case_eq(const char *a, const char *b);
/* Trim ASCII whitespace in place; returns the start. */
char *str_trim(char *s);

#endif
