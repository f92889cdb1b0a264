/*
 * body.c — reading a JSON body by its field table (body.h).
 */
#include "http/body.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "http/request.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX_FIELDS 64

static const char *why_text(struct req *req, const struct body_field *f)
{
	switch (f->type) {
	case BODY_INT:
		return arena_printf(&req->arena, "expected an integer from %lld to %lld",
				    (long long)f->min, (long long)f->max);
	case BODY_ID: return "expected an id (a positive integer)";
	case BODY_STR:
	case BODY_STR_NULL:
		if (f->min > 0)
			return arena_printf(&req->arena,
					    "expected a string of %lld to %lld characters",
					    (long long)f->min, (long long)f->max);
		return arena_printf(&req->arena, "expected a string of at most %lld characters",
				    (long long)f->max);
	case BODY_BOOL: return "expected true or false";
	case BODY_NUM:
		return arena_printf(&req->arena, "expected a number from %g to %g", f->dmin,
				    f->dmax);
	case BODY_JSON:
		switch (f->json_type) {
		case JSON_OBJECT: return "expected an object";
		case JSON_ARRAY: return "expected an array";
		default: return "invalid";
		}
	}
	return "invalid";
}

static void set_default(const struct body_field *f, char *out)
{
	void *p = out + f->off;

	switch (f->type) {
	case BODY_INT:
	case BODY_ID: *(int64_t *)p = f->def_int; break;
	case BODY_BOOL: *(int *)p = (int)f->def_int; break;
	case BODY_NUM: *(double *)p = f->def_num; break;
	case BODY_STR:
	case BODY_STR_NULL: *(const char **)p = f->def_str; break;
	case BODY_JSON: *(json_t **)p = NULL; break;
	}
}

/* 0 stored, -1 the value does not fit the field. */
static int set_value(const struct body_field *f, json_t *v, char *out)
{
	void *p = out + f->off;

	switch (f->type) {
	case BODY_INT:
	case BODY_ID:
		if (!json_is_integer(v) || json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max)
			return -1;
		*(int64_t *)p = json_integer_value(v);
		return 0;
	case BODY_BOOL:
		if (!json_is_boolean(v))
			return -1;
		*(int *)p = json_is_true(v);
		return 0;
	case BODY_NUM: {
		double d;
		if (!json_is_number(v))
			return -1;
		d = json_number_value(v);
		if (!isfinite(d) || d < f->dmin || d > f->dmax)
			return -1;
		*(double *)p = d;
		return 0;
	}
	case BODY_STR:
	case BODY_STR_NULL: {
		const char *s;
		size_t chars;
		if (!json_is_string(v))
			return -1;
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v)) /* a NUL inside */
			return -1;
		chars = utf8_chars(s, json_string_length(v));
		if ((int64_t)chars < f->min || (int64_t)chars > f->max)
			return -1;
		*(const char **)p = s;
		return 0;
	}
	case BODY_JSON:
		if (f->json_type >= 0 && json_typeof(v) != (json_type)f->json_type)
			return -1;
		*(json_t **)p = v;
		return 0;
	}
	return -1;
}

static const char *field_name(struct req *req, const char *where, const char *key)
{
	return where ? arena_printf(&req->arena, "%s.%s", where, key) : key;
}

static int read_obj(struct req *req, json_t *obj, const char *where,
		    const struct body_field *fields, size_t n, void *out, struct body_seen *seen,
		    int keep)
{
	struct body_seen s = { 0, 0 };
	const char *key;
	json_t *v;

	if (n > BODY_MAX_FIELDS) {
		log_error("%s: a body table of %zu fields (at most %d)", req->route_label, n,
			  BODY_MAX_FIELDS);
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	if (!keep)
		for (size_t i = 0; i < n; i++)
			set_default(&fields[i], out);
	if (!json_is_object(obj)) {
		reply_invalid(req, where ? where : "body", "expected a JSON object");
		return -1;
	}
	json_object_foreach(obj, key, v)
	{
		size_t i = 0;
		while (i < n && strcmp(fields[i].name, key) != 0)
			i++;
		if (i == n) {
			reply_invalid(req, field_name(req, where, key), "unknown field");
			return -1;
		}
		s.present |= UINT64_C(1) << i;
		if (json_is_null(v)) {
			s.nulls |= UINT64_C(1) << i;
			if (fields[i].type == BODY_STR_NULL)
				*(const char **)((char *)out + fields[i].off) = NULL;
			continue;
		}
		if (set_value(&fields[i], v, out)) {
			reply_invalid(req, field_name(req, where, key), why_text(req, &fields[i]));
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = UINT64_C(1) << i;
		if (fields[i].required && (!(s.present & bit) || (s.nulls & bit))) {
			reply_invalid(req, field_name(req, where, fields[i].name), "required");
			return -1;
		}
	}
	if (seen)
		*seen = s;
	return 0;
}

int body_read_obj_or_reply(struct req *req, json_t *obj, const char *where,
			   const struct body_field *fields, size_t n, void *out,
			   struct body_seen *seen)
{
	return read_obj(req, obj, where, fields, n, out, seen, 0);
}

int body_read_or_reply(struct req *req, const struct body_field *fields, size_t n, void *out,
		       struct body_seen *seen)
{
	return read_obj(req, req->json, NULL, fields, n, out, seen, 0);
}

int body_str_or_reply(struct req *req, const char *name, int required, int64_t max, const char *def,
		      const char **out)
{
	const struct body_field field = {
		.name = name, .type = BODY_STR, .required = required, .max = max, .def_str = def
	};

	return read_obj(req, req->json, NULL, &field, 1, (void *)out, NULL, 0);
}

int body_nonempty_or_reply(struct req *req, const char *field, const char *s)
{
	if (s && !*s) {
		reply_invalid(req, field, "must not be empty");
		return -1;
	}
	return 0;
}

int body_reason_or_reply(struct req *req, int needed, const char *why, const char **out)
{
	if (body_str_or_reply(req, "reason", BF_OPTIONAL, 200, NULL, out))
		return -1;
	if (needed && (!*out || !**out)) {
		reply_invalid(req, "reason", why);
		return -1;
	}
	return 0;
}

int body_time_or_reply(struct req *req, const char *field, const char *s, int64_t *out)
{
	if (strlen(s) < 16 || clock_parse_iso(s, out)) {
		reply_invalid(req, field,
			      "ISO 8601 date and time with offset, e.g. 2026-12-01T14:00:00+08:00");
		return -1;
	}
	return 0;
}

int body_update_obj_or_reply(struct req *req, json_t *obj, const char *where,
			     const struct body_field *fields, size_t n, void *out,
			     struct body_seen *seen)
{
	return read_obj(req, obj, where, fields, n, out, seen, 1);
}

static uint64_t bit_of(const struct body_field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return UINT64_C(1) << i;
#ifdef SHUNIU_STRICT
	fprintf(stderr, "shuniu: body_has/body_null of \"%s\", which the table does not name\n",
		name);
	abort();
#else
	log_error("body_has/body_null of \"%s\", which the table does not name", name);
	return 0;
#endif
}

int body_has_n(const struct body_seen *seen, const struct body_field *fields, size_t n,
	       const char *name)
{
	return (seen->present & bit_of(fields, n, name)) != 0;
}

int body_null_n(const struct body_seen *seen, const struct body_field *fields, size_t n,
		const char *name)
{
	return (seen->nulls & bit_of(fields, n, name)) != 0;
}

int body_ids_or_reply(struct req *req, json_t *arr, const char *field, int min, int max,
		      int64_t *ids, int *n)
{
	size_t i, len = arr ? json_array_size(arr) : 0;
	json_t *v;

	*n = 0;
	if ((arr && !json_is_array(arr)) || len < (size_t)min || len > (size_t)max) {
		reply_invalid(req, field,
			      arena_printf(&req->arena, "an array of %d to %d ids", min, max));
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		if (id < 1) {
			reply_invalid(req, field, "ids are integers from 1");
			return -1;
		}
		for (int k = 0; k < *n; k++)
			if (ids[k] == id) {
				reply_invalid_id(req, field, id, "named twice");
				return -1;
			}
		ids[(*n)++] = id;
	}
	return 0;
}
