/*
 * jbuild.c — typed object and array builders; see jbuild.h.
 */
#include "core/jbuild.h"

static void release_all(size_t n, const struct jkv *kv)
{
	for (size_t i = 0; i < n; i++)
		json_decref(kv[i].val);
}

/* Fill the new container c (NULL when out of memory) with kv; steals every value. */
static json_t *fill(json_t *c, size_t n, const struct jkv *kv, int keyed)
{
	int ok = c != NULL;

	for (size_t i = 0; i < n; i++)
		if (!kv[i].val || (keyed && !kv[i].key))
			ok = 0;
	if (!ok) {
		json_decref(c);
		release_all(n, kv);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		/* both steal kv[i].val, also when they fail */
		if (keyed ? json_object_set_new(c, kv[i].key, kv[i].val)
			  : json_array_append_new(c, kv[i].val)) {
			release_all(n - i - 1, kv + i + 1);
			json_decref(c);
			return NULL;
		}
	}
	return c;
}

json_t *jb_obj_(size_t n, const struct jkv *kv)
{
	return fill(json_object(), n, kv, 1);
}

json_t *jb_arr_(size_t n, const struct jkv *kv)
{
	return fill(json_array(), n, kv, 0);
}
