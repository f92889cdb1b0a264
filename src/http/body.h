/*
 * body.h — a handler's JSON body, declared once as a field table.
 *
 * Each handler that takes a JSON body describes it in one static table —
 * name, type, required or optional with its default, limits, and where the
 * value goes in the handler's own struct — and reads it with one call:
 *
 *     struct unit_body { const char *name; int64_t parent_id; int hidden; };
 *     static const struct body_field unit_fields[] = {
 *             BF_STR(struct unit_body, name, "name", BF_REQUIRED, 1, 100),
 *             BF_ID(struct unit_body, parent_id, "parent_id", BF_OPTIONAL),
 *             BF_BOOL(struct unit_body, hidden, "hidden", BF_OPTIONAL, 0),
 *     };
 *     struct unit_body b;
 *     struct body_seen seen;
 *     if (BODY_READ_OR_REPLY(req, unit_fields, &b, &seen))
 *             return;
 *
 * Every member named in the table is written: the value sent, or the declared
 * default when the key is absent (or JSON null), so no optional field is ever
 * read uninitialised. A key the table does not name, a body that is not an
 * object, a value of the wrong type or outside its limits answers 400
 * request.invalid naming the field. JSON null counts as absent, except for
 * BF_STR_NULL fields, where it is a value of its own (body_null()): "clear
 * this field" in an update.
 *
 * Limits: BF_INT min..max inclusive; BF_ID 1..INT64_MAX; BF_STR min..max
 * characters (Unicode code points, as forms count them), no NUL inside;
 * BF_NUM min..max (finite). Strings and BF_JSON values are borrowed from
 * req->json and live as long as the request.
 */
#ifndef SHUNIU_HTTP_BODY_H
#define SHUNIU_HTTP_BODY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct req;

enum body_type { BODY_INT, BODY_ID, BODY_STR, BODY_STR_NULL, BODY_BOOL, BODY_NUM, BODY_JSON };

#define BF_REQUIRED 1
#define BF_OPTIONAL 0

struct body_field {
	const char *name;
	enum body_type type;
	int required;
	int64_t min, max;    /* BODY_INT, BODY_STR (characters) */
	double dmin, dmax;   /* BODY_NUM */
	int64_t def_int;     /* BODY_INT, BODY_ID (0: none sent), BODY_BOOL */
	double def_num;	     /* BODY_NUM */
	const char *def_str; /* BODY_STR, BODY_STR_NULL */
	int json_type;	     /* BODY_JSON: JSON_OBJECT, JSON_ARRAY, ... or -1 for any */
	size_t off;	     /* offsetof the member in the handler's struct */
};

/* Which fields of the table were sent (bit i: field i), and which were JSON null. */
struct body_seen {
	uint64_t present, nulls;
};

#define BF_INT(T, m, key, req, lo, hi, def)                                                        \
	{                                                                                          \
		.name = (key), .type = BODY_INT, .required = (req), .min = (lo), .max = (hi),      \
		.def_int = (def), .off = offsetof(T, m)                                            \
	}
/* A row id: an integer from 1; 0 when absent. */
#define BF_ID(T, m, key, req)                                                                      \
	{                                                                                          \
		.name = (key), .type = BODY_ID, .required = (req), .min = 1, .max = INT64_MAX,     \
		.off = offsetof(T, m)                                                              \
	}
#define BF_STR(T, m, key, req, lo, hi)                                                             \
	{                                                                                          \
		.name = (key), .type = BODY_STR, .required = (req), .min = (lo), .max = (hi),      \
		.off = offsetof(T, m)                                                              \
	}
/* A string with a default other than NULL when absent. */
#define BF_STR_DEF(T, m, key, lo, hi, def)                                                         \
	{                                                                                          \
		.name = (key), .type = BODY_STR, .required = BF_OPTIONAL, .min = (lo),             \
		.max = (hi), .def_str = (def), .off = offsetof(T, m)                               \
	}
/* A string, or null to clear it: the member is NULL for both null and absent. */
#define BF_STR_NULL(T, m, key, lo, hi)                                                             \
	{                                                                                          \
		.name = (key), .type = BODY_STR_NULL, .required = BF_OPTIONAL, .min = (lo),        \
		.max = (hi), .off = offsetof(T, m)                                                 \
	}
#define BF_BOOL(T, m, key, req, def)                                                               \
	{                                                                                          \
		.name = (key), .type = BODY_BOOL, .required = (req), .def_int = (def),             \
		.off = offsetof(T, m)                                                              \
	}
#define BF_NUM(T, m, key, req, lo, hi, def)                                                        \
	{                                                                                          \
		.name = (key), .type = BODY_NUM, .required = (req), .dmin = (lo), .dmax = (hi),    \
		.def_num = (def), .off = offsetof(T, m)                                            \
	}
/* A nested value (json_t *, borrowed; NULL when absent) of jtype, or of any type for -1. */
#define BF_JSON(T, m, key, req, jtype)                                                             \
	{                                                                                          \
		.name = (key), .type = BODY_JSON, .required = (req), .json_type = (jtype),         \
		.off = offsetof(T, m)                                                              \
	}

/*
 * Read req->json into out by the table (at most 64 fields). 0, or -1 having
 * answered 400. seen may be NULL.
 */
int body_read_or_reply(struct req *req, const struct body_field *fields, size_t n, void *out,
		       struct body_seen *seen);
#define BODY_READ_OR_REPLY(req, fields, out, seen)                                                 \
	body_read_or_reply((req), (fields), sizeof(fields) / sizeof(*(fields)), (out), (seen))

/*
 * A body of one string field (a reason, a check-in code) of 0..max characters:
 * *out is the value sent, or def when it is optional and absent. 0, or -1
 * having answered 400 as body_read_or_reply() does.
 */
int body_str_or_reply(struct req *req, const char *name, int required, int64_t max, const char *def,
		      const char **out);

/* A string field's value s (NULL: not sent) must not be empty: 0, or -1 having answered 400. */
int body_nonempty_or_reply(struct req *req, const char *field, const char *s);

/*
 * A body of an optional reason (0..200 characters, NULL when absent) that an
 * action needs when needed is set: blank then answers 400 naming reason, with
 * why as the message.
 */
int body_reason_or_reply(struct req *req, int needed, const char *why, const char **out);

/*
 * A date and time with offset (ISO 8601; a bare date would be ambiguous) sent
 * as field: into *out, 0, or -1 having answered 400 naming the field.
 */
int body_time_or_reply(struct req *req, const char *field, const char *s, int64_t *out);

/*
 * A JSON array of min to max distinct ids (integers from 1) into ids, which has room for max;
 * a missing array (NULL) is an empty one. 0, or -1 having answered 400 request.invalid naming
 * field (a repeated id also in details.id).
 */
int body_ids_or_reply(struct req *req, json_t *arr, const char *field, int min, int max,
		      int64_t *ids, int *n);

/* The same for a nested object (an element of an array field, say); where names the field in
 * errors. */
int body_read_obj_or_reply(struct req *req, json_t *obj, const char *where,
			   const struct body_field *fields, size_t n, void *out,
			   struct body_seen *seen);

/*
 * An update (PATCH): the same, except that a field not sent keeps the value out
 * already holds — the caller fills out from the stored row first, so the checks
 * that follow see the combination. A BF_STR_NULL field sent as null becomes NULL.
 */
int body_update_obj_or_reply(struct req *req, json_t *obj, const char *where,
			     const struct body_field *fields, size_t n, void *out,
			     struct body_seen *seen);
#define BODY_UPDATE_OR_REPLY(req, fields, out, seen)                                               \
	body_update_obj_or_reply((req), (req)->json, NULL, (fields),                               \
				 sizeof(fields) / sizeof(*(fields)), (out), (seen))

/* Was the key sent (null included)? Was it sent as null? name must be in the table. */
int body_has_n(const struct body_seen *seen, const struct body_field *fields, size_t n,
	       const char *name);
int body_null_n(const struct body_seen *seen, const struct body_field *fields, size_t n,
		const char *name);
#define body_has(seen, fields, name)                                                               \
	body_has_n((seen), (fields), sizeof(fields) / sizeof(*(fields)), (name))
#define body_null(seen, fields, name)                                                              \
	body_null_n((seen), (fields), sizeof(fields) / sizeof(*(fields)), (name))

#endif
