/*
 * jbuild.c — typed object and array builders; see jbuild.h.
 */
#include "core/jbuild.h"

static void release_all(size_t n, const struct jkv *kv)
{
	for (size_t i = 0; i < n; i++)
		json_decref(kv[i].val);
}

json_t *jb_obj_(size_t n, const struct jkv *kv)
{
	json_t *o;

	for (size_t i = 0; i < n; i++) {
		if (!kv[i].val || !kv[i].key) {
			release_all(n, kv);
			return NULL;
		}
	}
	o = json_object();
	if (!o) {
		release_all(n, kv);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		/* steals kv[i].val, also on failure */
		if (json_object_set_new(o, kv[i].key, kv[i].val)) {
			release_all(n - i - 1, kv + i + 1);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *jb_arr_(size_t n, const struct jkv *kv)
{
	json_t *a;

	for (size_t i = 0; i < n; i++) {
		if (!kv[i].val) {
			release_all(n, kv);
			return NULL;
		}
	}
	a = json_array();
	if (!a) {
		release_all(n, kv);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (json_array_append_new(a, kv[i].val)) {
			release_all(n - i - 1, kv + i + 1);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}
