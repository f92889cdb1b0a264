/*
 * router.c — see router.h.
 *
 * Patterns are split into segments once, at registration. Matching splits the
 * request path the same way and scans the routes; a few hundred routes cost a
 * few microseconds, well under the cost of a database call, so there is no
 * trie. Among the routes whose pattern matches, the one with the most literal
 * segments (compared left to right) wins, so "/units/tree" beats "/units/:id".
 */
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct compiled {
	const struct route *route;
	int nseg;
	int wildcard; /* last segment is "*" */
	const char *seg[ROUTE_MAX_SEGMENTS];
	size_t seglen[ROUTE_MAX_SEGMENTS];
	char pname[ROUTE_MAX_SEGMENTS][32]; /* capture names, NUL-terminated */
};

struct router {
	struct compiled *items;
	size_t n, cap;
};

struct router *router_new(void)
{
	return calloc(1, sizeof(struct router));
}

void router_free(struct router *r)
{
	if (!r)
		return;
	free(r->items);
	free(r);
}

/* Split "/a/b/c" into segments; returns the count or -1 if too many. */
static int split(const char *path, const char **seg, size_t *len)
{
	int n = 0;
	const char *p = path;

	while (*p == '/')
		p++;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (n == ROUTE_MAX_SEGMENTS)
			return -1;
		seg[n] = p;
		len[n] = l;
		n++;
		p += l;
		while (*p == '/')
			p++;
	}
	return n;
}

int router_add(struct router *r, const struct route *table)
{
	for (const struct route *rt = table; rt->method; rt++) {
		struct compiled c = { .route = rt };
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 64;
			struct compiled *items = realloc(r->items, cap * sizeof *items);
			if (!items)
				return -1;
			r->items = items;
			r->cap = cap;
		}
		c.nseg = split(rt->pattern, c.seg, c.seglen);
		if (c.nseg < 0)
			return -1;
		for (int i = 0; i < c.nseg; i++)
			if (c.seg[i][0] == ':')
				snprintf(c.pname[i], sizeof c.pname[i], "%.*s",
					 (int)c.seglen[i] - 1, c.seg[i] + 1);
		if (c.nseg > 0 && c.seglen[c.nseg - 1] == 1 && c.seg[c.nseg - 1][0] == '*') {
			c.wildcard = 1;
			c.nseg--;
		}
		r->items[r->n++] = c;
	}
	return 0;
}

/* Does c match the split path? Returns a specificity score (higher wins) or -1. */
static long match_one(const struct compiled *c, int n, const char **seg, const size_t *len)
{
	long score = 0;

	if (c->wildcard ? n < c->nseg : n != c->nseg)
		return -1;
	for (int i = 0; i < c->nseg; i++) {
		score <<= 1;
		if (c->seg[i][0] == ':') {
			if (len[i] == 0)
				return -1;
			continue;
		}
		if (c->seglen[i] != len[i] || memcmp(c->seg[i], seg[i], len[i]) != 0)
			return -1;
		score |= 1;
	}
	return c->wildcard ? score : score + (1L << 40);
}

static int method_eq(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum route_result router_match(const struct router *r, const char *method, const char *path,
			       char *scratch, const struct route **out, struct route_params *params,
			       char *allow, size_t allowlen)
{
	const char *seg[ROUTE_MAX_SEGMENTS + 1];
	size_t len[ROUTE_MAX_SEGMENTS + 1];
	const struct compiled *best = NULL;
	long best_score = -1;
	int path_known = 0, n;

	if (allowlen)
		allow[0] = '\0';
	n = split(path, seg, len);
	if (n < 0)
		return ROUTE_NO_PATH;
	for (size_t i = 0; i < r->n; i++) {
		const struct compiled *c = &r->items[i];
		long score = match_one(c, n, seg, len);
		if (score < 0)
			continue;
		path_known = 1;
		if (!method_eq(c->route->method, method)) {
			size_t used = strlen(allow);
			if (!strstr(allow, c->route->method) && used + 16 < allowlen)
				snprintf(allow + used, allowlen - used, "%s%s%s", used ? ", " : "",
					 c->route->method,
					 strcmp(c->route->method, "GET") == 0 ? ", HEAD" : "");
			continue;
		}
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	if (!best)
		return path_known ? ROUTE_BAD_METHOD : ROUTE_NO_PATH;

	/* Copy the path so captures can be NUL-terminated in place. */
	strcpy(scratch, path);
	params->n = 0;
	for (int i = 0; i < best->nseg; i++) {
		if (best->seg[i][0] != ':' || params->n == ROUTE_MAX_PARAMS)
			continue;
		char *v = scratch + (seg[i] - path);
		v[len[i]] = '\0';
		params->name[params->n] = best->pname[i];
		params->value[params->n] = v;
		params->n++;
	}
	*out = best->route;
	return ROUTE_FOUND;
}

size_t router_count(const struct router *r)
{
	return r->n;
}

const struct route *router_at(const struct router *r, size_t i)
{
	return i < r->n ? r->items[i].route : NULL;
}
