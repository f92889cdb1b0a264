/*
 * org_path.c — arithmetic on materialised unit paths ("/1/7/42/99/": the
 * district, street, community and grid ids from the root down), without a
 * database. Depth 0 is the district.
 */
#include "org/org.h"

#include <stdio.h>
#include <string.h>

void path_upper(const char *path, char *out, size_t n)
{
	size_t l = strlen(path);

	snprintf(out, n, "%s", path);
	if (l > 0 && l < n)
		out[l - 1] = '0'; /* '/' + 1 */
}

int path_within(const char *path, const char *root)
{
	return path && root && !strncmp(path, root, strlen(root));
}

/*
 * Walk the units of path down to depth at most: the number walked (0 for
 * "/"), *end at the '/' after the last one and *id its id; -1 when path is
 * not "/" followed by positive decimal ids each closed by '/'.
 */
static int walk(const char *path, int depth, const char **end, int64_t *id)
{
	const char *p = path;
	int k = 0;

	*id = 0;
	if (!path || *p != '/')
		return -1;
	for (; k <= depth && p[1]; k++) {
		int64_t v = 0;
		const char *q = p + 1;

		while (*q >= '0' && *q <= '9' && v < INT64_MAX / 10)
			v = v * 10 + (*q++ - '0');
		if (q == p + 1 || *q != '/' || v <= 0)
			return -1;
		*id = v;
		p = q;
	}
	*end = p;
	return k;
}

int64_t org_path_id(const char *path, int depth)
{
	const char *end;
	int64_t id;

	return walk(path, depth, &end, &id) == depth + 1 ? id : 0;
}

int64_t org_path_ancestor(const char *path, int depth, char *out, size_t n)
{
	const char *end;
	int64_t id;
	size_t len;

	if (depth < 0 || walk(path, depth, &end, &id) <= 0)
		return 0;
	len = (size_t)(end - path) + 1;
	if (out) {
		if (len >= n)
			return 0;
		memcpy(out, path, len);
		out[len] = '\0';
	}
	return id;
}
