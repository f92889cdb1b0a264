/*
 * arena.h — a bump allocator for memory that dies together.
 *
 * Every HTTP request owns one arena (req->arena): whatever a handler allocates
 * from it is released in one go when the request completes, so handlers never
 * free. Blocks grow geometrically; a request that allocates little touches one
 * 8 KiB block. Allocation failure aborts the process (there is no sensible
 * recovery halfway through a handler, and Linux overcommits anyway).
 */
#ifndef SHUNIU_CORE_ARENA_H
#define SHUNIU_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total; /* bytes handed out, for tests and metrics */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a); /* frees every block; the arena may be reused */

void *arena_alloc(struct arena *a, size_t n);  /* 16-byte aligned, uninitialised */
void *arena_zalloc(struct arena *a, size_t n); /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
