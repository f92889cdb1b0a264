/*
 * jbuild.h — build jansson objects and arrays with arguments the compiler checks.
 *
 * jansson's json_pack() takes a format string and a variadic list; nothing
 * checks that the list matches the format. A format with two values missing
 * ("{sossss}" given four arguments) read whatever lay on the stack: it passed
 * every test in the sanitizer build and failed every time in the release build.
 * So the project does not use json_pack (tools/lint-json refuses it); objects
 * are built from typed pairs instead:
 *
 *     JB_OBJ(jb_int("id", id), jb_str("name", name), jb_take("unit", unit_json))
 *
 * Each jb_* is a function with a prototype, so a missing or extra argument is a
 * compile error and a value of the wrong type is a warning (an error with
 * -Werror). Arrays take the same pairs with a NULL key: JB_ARR(jv_str(a)).
 *
 * Semantics follow json_pack's: jb_str with a NULL or non-UTF-8 string, and
 * jb_take with NULL, make the whole object NULL (the caller answers 500);
 * the *_or_null forms write null instead. jb_take steals the reference it is
 * given (also when the build fails), jb_ref adds one.
 */
#ifndef SHUNIU_CORE_JBUILD_H
#define SHUNIU_CORE_JBUILD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct jkv {
	const char *key;
	json_t *val; /* NULL: the build fails */
};

json_t *jb_obj_(size_t n, const struct jkv *kv);
json_t *jb_arr_(size_t n, const struct jkv *kv);

#define JB_N_(...)  (sizeof((const struct jkv[]){ __VA_ARGS__ }) / sizeof(struct jkv))
#define JB_OBJ(...) jb_obj_(JB_N_(__VA_ARGS__), (const struct jkv[]){ __VA_ARGS__ })
#define JB_ARR(...) jb_arr_(JB_N_(__VA_ARGS__), (const struct jkv[]){ __VA_ARGS__ })

static inline struct jkv jb_str(const char *key, const char *v)
{
	return (struct jkv){ key, v ? json_string(v) : NULL };
}

static inline struct jkv jb_str_or_null(const char *key, const char *v)
{
	return (struct jkv){ key, v ? json_string(v) : json_null() };
}

/* n bytes of v, which need not be NUL-terminated */
static inline struct jkv jb_strn(const char *key, const char *v, size_t n)
{
	return (struct jkv){ key, v ? json_stringn(v, n) : NULL };
}

static inline struct jkv jb_int(const char *key, int64_t v)
{
	return (struct jkv){ key, json_integer((json_int_t)v) };
}

static inline struct jkv jb_real(const char *key, double v)
{
	return (struct jkv){ key, json_real(v) };
}

static inline struct jkv jb_bool(const char *key, int v)
{
	return (struct jkv){ key, json_boolean(v) };
}

static inline struct jkv jb_null(const char *key)
{
	return (struct jkv){ key, json_null() };
}

/* v is stolen */
static inline struct jkv jb_take(const char *key, json_t *v)
{
	return (struct jkv){ key, v };
}

static inline struct jkv jb_take_or_null(const char *key, json_t *v)
{
	return (struct jkv){ key, v ? v : json_null() };
}

/* v gains a reference */
static inline struct jkv jb_ref(const char *key, json_t *v)
{
	return (struct jkv){ key, json_incref(v) };
}

static inline struct jkv jb_ref_or_null(const char *key, json_t *v)
{
	return (struct jkv){ key, v ? json_incref(v) : json_null() };
}

/* Array elements: the same builders without a key. */
#define jv_str(v)	  jb_str(NULL, v)
#define jv_str_or_null(v) jb_str_or_null(NULL, v)
#define jv_int(v)	  jb_int(NULL, v)
#define jv_bool(v)	  jb_bool(NULL, v)
#define jv_null()	  jb_null(NULL)
#define jv_take(v)	  jb_take(NULL, v)
#define jv_ref(v)	  jb_ref(NULL, v)

#endif
