/*
 * test_http.c — router matching, body field tables, list pages and metrics rendering.
 */
#include "unit.h"

#include "core/arena.h"
#include "core/util.h"
#include "http/body.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

static void h_a(struct req *r)
{
	(void)r;
}
static void h_b(struct req *r)
{
	(void)r;
}
static void h_c(struct req *r)
{
	(void)r;
}

static const struct route table1[] = {
	{ "GET", "/api/v1/units/:id", h_a, 0, NULL, 0 },
	{ "GET", "/api/v1/units/tree", h_b, 0, NULL, 0 },
	{ "POST", "/api/v1/units/:id/move", h_c, 0, NULL, 0 },
	{ "PUT", "/api/v1/units/:id", h_c, 0, NULL, 0 },
	{ "GET", "/api/v1/a/:x/b/:y", h_c, 0, NULL, 0 },
	{ 0 },
};

static const struct route table2[] = {
	{ "GET", "/files/*", h_a, 0, NULL, 0 },
	{ "GET", "/healthz", h_b, 0, NULL, 0 },
	{ 0 },
};

struct fixture {
	struct router *r;
};

static int setup(void **state)
{
	struct router *r = router_new();

	assert_int_equal(router_add(r, table1), 0);
	assert_int_equal(router_add(r, table2), 0);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	router_free(*state);
	return 0;
}

static enum route_result match(struct router *r, const char *m, const char *p,
			       const struct route **rt, struct route_params *params, char *allow)
{
	static char scratch[512];
	return router_match(r, m, p, scratch, rt, params, allow, 64);
}

static void router_captures_parameters(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];

	assert_int_equal(match(*state, "GET", "/api/v1/units/42", &rt, &p, allow), ROUTE_FOUND);
	assert_ptr_equal(rt->handler, h_a);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.name[0], "id");
	assert_string_equal(p.value[0], "42");
	assert_int_equal(match(*state, "GET", "/api/v1/a/1/b/two", &rt, &p, allow), ROUTE_FOUND);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.name[0], "x");
	assert_string_equal(p.value[0], "1");
	assert_string_equal(p.name[1], "y");
	assert_string_equal(p.value[1], "two");
	assert_int_equal(match(*state, "POST", "/api/v1/units/7/move", &rt, &p, allow),
			 ROUTE_FOUND);
	assert_string_equal(p.value[0], "7");
}

static void router_prefers_literal_segments_over_captures(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];

	assert_int_equal(match(*state, "GET", "/api/v1/units/tree", &rt, &p, allow), ROUTE_FOUND);
	assert_ptr_equal(rt->handler, h_b);
	assert_int_equal(p.n, 0);
}

static void router_distinguishes_404_from_405_with_allow(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];

	assert_int_equal(match(*state, "GET", "/api/v1/nothing", &rt, &p, allow), ROUTE_NO_PATH);
	assert_int_equal(match(*state, "DELETE", "/api/v1/units/5", &rt, &p, allow),
			 ROUTE_BAD_METHOD);
	assert_non_null(strstr(allow, "GET"));
	assert_non_null(strstr(allow, "HEAD"));
	assert_non_null(strstr(allow, "PUT"));
	assert_null(strstr(allow, "POST"));
	/* each method once, though two GET patterns match */
	assert_ptr_equal(strstr(allow, "GET"), strrchr(allow, 'G'));
}

static void router_head_matches_get_routes(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];

	assert_int_equal(match(*state, "HEAD", "/healthz", &rt, &p, allow), ROUTE_FOUND);
	assert_ptr_equal(rt->handler, h_b);
}

static void router_wildcard_matches_the_rest(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];

	assert_int_equal(match(*state, "GET", "/files/a/b/c.txt", &rt, &p, allow), ROUTE_FOUND);
	assert_ptr_equal(rt->handler, h_a);
	assert_int_equal(match(*state, "GET", "/files", &rt, &p, allow), ROUTE_FOUND);
}

static void router_treats_repeated_and_trailing_slashes_as_one(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];

	assert_int_equal(match(*state, "GET", "/healthz/", &rt, &p, allow), ROUTE_FOUND);
	assert_int_equal(match(*state, "GET", "//api//v1/units/3", &rt, &p, allow), ROUTE_FOUND);
	assert_string_equal(p.value[0], "3");
}

static void router_refuses_too_many_segments(void **state)
{
	const struct route *rt;
	struct route_params p;
	char allow[64];
	char path[256] = "";

	for (int i = 0; i < ROUTE_MAX_SEGMENTS + 2; i++)
		strcat(path, "/s");
	assert_int_equal(match(*state, "GET", path, &rt, &p, allow), ROUTE_NO_PATH);
}

/* ---- request JSON helpers ------------------------------------------- */

static struct req *new_req(void)
{
	struct req *r = calloc(1, sizeof *r);
	arena_init(&r->arena);
	r->method = "POST";
	r->route_label = "test";
	return r;
}

static void free_req(struct req *r)
{
	if (r->resp)
		MHD_destroy_response(r->resp);
	arena_release(&r->arena);
	free(r);
}

static void reply_error_uses_the_registry_status(void **state)
{
	struct req *r = new_req();

	reply_error(r, ERR_TOO_LARGE);
	assert_int_equal(r->status, 413);
	free_req(r);
	r = new_req();
	reply_error(r, ERR_NOT_FOUND);
	assert_int_equal(r->status, 404);
	free_req(r);
}

/* ---- metrics -------------------------------------------------------- */

static void metrics_count_by_route_and_status_with_cumulative_buckets(void **state)
{
	struct metrics *m = metrics_new();
	struct arena a;
	char *text;

	arena_init(&a);
	metrics_observe(m, "GET", "/healthz", 200, 300);
	metrics_observe(m, "GET", "/healthz", 200, 3000);
	metrics_observe(m, "GET", "/healthz", 503, 100);
	metrics_observe(m, "BREW", "/healthz", 405, 10);
	text = metrics_render(m, &a, "sqlite");
	assert_non_null(strstr(text, "shuniu_http_requests_total{method=\"GET\",route=\"/"
				     "healthz\",status=\"200\"} 2\n"));
	assert_non_null(strstr(text, "shuniu_http_requests_total{method=\"GET\",route=\"/"
				     "healthz\",status=\"503\"} 1\n"));
	assert_non_null(strstr(text, "method=\"OTHER\""));
	assert_non_null(strstr(text, "shuniu_http_request_duration_seconds_bucket{method=\"GET\","
				     "route=\"/healthz\",le=\"0.0005\"} 2\n"));
	assert_non_null(strstr(text, "shuniu_http_request_duration_seconds_bucket{method=\"GET\","
				     "route=\"/healthz\",le=\"0.005\"} 3\n"));
	assert_non_null(strstr(text, "shuniu_http_request_duration_seconds_bucket{method=\"GET\","
				     "route=\"/healthz\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(text, "shuniu_http_request_duration_seconds_count{method=\"GET\","
				     "route=\"/healthz\"} 3\n"));
	arena_release(&a);
	metrics_free(m);
}

/* ---- body field tables (http/body.h) --------------------------------- */

struct tbody {
	int64_t n, id;
	const char *name, *note, *title;
	int flag;
	double x;
	json_t *list;
};

static const struct body_field tfields[] = {
	BF_INT(struct tbody, n, "n", BF_OPTIONAL, 1, 10, 7),
	BF_ID(struct tbody, id, "id", BF_REQUIRED),
	BF_STR(struct tbody, name, "name", BF_OPTIONAL, 2, 4),
	BF_STR_NULL(struct tbody, note, "note", 0, 20),
	BF_STR_DEF(struct tbody, title, "title", 0, 20, "untitled"),
	BF_BOOL(struct tbody, flag, "flag", BF_OPTIONAL, 1),
	BF_NUM(struct tbody, x, "x", BF_OPTIONAL, -1.5, 1.5, 0.25),
	BF_JSON(struct tbody, list, "list", BF_OPTIONAL, JSON_ARRAY),
};

/*
 * 0 or the status answered; *out filled on success. The body stays alive until
 * the next call (the strings read are borrowed from it).
 */
static json_t *held_body;

static int read_body(const char *text, struct tbody *out, struct body_seen *seen)
{
	struct req *r = new_req();
	int status;

	json_decref(held_body);
	held_body = r->json = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	assert_non_null(r->json);
	memset(out, 0xa5, sizeof *out); /* what a handler's stack holds before the read */
	status = BODY_READ_OR_REPLY(r, tfields, out, seen) ? r->status : 0;
	if (status == 0)
		assert_null(r->resp);
	free_req(r);
	return status;
}

static void body_table_fills_defaults_for_every_absent_field(void **state)
{
	struct tbody b;
	struct body_seen seen;

	(void)state;
	assert_int_equal(read_body("{\"id\": 3}", &b, &seen), 0);
	assert_int_equal(b.id, 3);
	assert_int_equal(b.n, 7);
	assert_null(b.name);
	assert_null(b.note);
	assert_string_equal(b.title, "untitled");
	assert_int_equal(b.flag, 1);
	assert_true(b.x == 0.25);
	assert_null(b.list);
	assert_true(body_has(&seen, tfields, "id"));
	assert_false(body_has(&seen, tfields, "n"));
	assert_false(body_null(&seen, tfields, "note"));
	json_decref(held_body);
	held_body = NULL;
}

static void body_table_reads_values_nulls_and_presence(void **state)
{
	struct tbody b;
	struct body_seen seen;

	(void)state;
	assert_int_equal(read_body("{\"id\": 9, \"n\": 10, \"name\": \"四个汉字\", \"note\": null,"
				   " \"flag\": false, \"x\": -1.5, \"list\": [1], \"title\": null}",
				   &b, &seen),
			 0);
	assert_int_equal(b.n, 10);
	assert_string_equal(b.name, "四个汉字"); /* 4 characters, 12 bytes */
	assert_null(b.note);
	assert_true(body_has(&seen, tfields, "note"));
	assert_true(body_null(&seen, tfields, "note"));
	assert_string_equal(b.title, "untitled"); /* null is absent for a plain string */
	assert_int_equal(b.flag, 0);
	assert_true(b.x == -1.5);
	assert_non_null(b.list);
	json_decref(held_body);
	held_body = NULL;
}

static void body_table_refuses_what_does_not_fit(void **state)
{
	struct tbody b;

	(void)state;
	assert_int_equal(read_body("{\"n\": 1}", &b, NULL), 400);     /* id required */
	assert_int_equal(read_body("{\"id\": null}", &b, NULL), 400); /* null is not a value */
	assert_int_equal(read_body("{\"id\": 0}", &b, NULL), 400);    /* ids start at 1 */
	assert_int_equal(read_body("{\"id\": 1, \"n\": 11}", &b, NULL), 400); /* over max */
	assert_int_equal(read_body("{\"id\": 1, \"n\": \"5\"}", &b, NULL), 400);
	assert_int_equal(read_body("{\"id\": 1, \"name\": \"a\"}", &b, NULL), 400); /* too short */
	assert_int_equal(read_body("{\"id\": 1, \"name\": \"abcde\"}", &b, NULL), 400);
	assert_int_equal(read_body("{\"id\": 1, \"name\": \"a\\u0000b\"}", &b, NULL), 400);
	assert_int_equal(read_body("{\"id\": 1, \"flag\": 1}", &b, NULL), 400);
	assert_int_equal(read_body("{\"id\": 1, \"x\": 2}", &b, NULL), 400);
	assert_int_equal(read_body("{\"id\": 1, \"list\": {}}", &b, NULL), 400);
	assert_int_equal(read_body("{\"id\": 1, \"nmae\": \"abc\"}", &b, NULL), 400); /* unknown */
	assert_int_equal(read_body("[1, 2]", &b, NULL), 400); /* not an object */
	json_decref(held_body);
	held_body = NULL;
}

static void body_update_keeps_what_was_not_sent(void **state)
{
	struct req *r = new_req();
	struct tbody b = {
		.n = 3, .id = 4, .name = "old", .note = "kept", .title = "t", .flag = 0
	};
	struct body_seen seen;

	(void)state;
	r->json = json_loads("{\"id\": 5, \"note\": null}", 0, NULL);
	assert_int_equal(BODY_UPDATE_OR_REPLY(r, tfields, &b, &seen), 0);
	assert_int_equal(b.id, 5);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.name, "old");
	assert_null(b.note); /* null clears a BF_STR_NULL */
	assert_int_equal(b.flag, 0);
	assert_true(body_null(&seen, tfields, "note"));
	json_decref(r->json);
	free_req(r);
}

static void page_shows_limit_rows_and_the_cursor_of_the_last(void **state)
{
	struct req *r = new_req();
	struct page p = { .req = r, .limit = 2 };
	json_t *out;

	(void)state;
	for (int64_t id = 30; id > 27; id--) /* the store fetched limit + 1 rows */
		assert_int_equal(page_add(&p, id, json_integer(id)), 0);
	out = page_finish_or_reply(&p, 0);
	assert_non_null(out);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
	assert_string_equal(json_string_value(json_object_get(out, "next_cursor")), "29");
	json_decref(out);

	p = (struct page){ .req = r, .limit = 2 };
	page_add(&p, 5, json_integer(5));
	out = page_finish_or_reply(&p, 0);
	assert_true(json_is_null(json_object_get(out, "next_cursor")));
	json_decref(out);

	p = (struct page){ .req = r, .limit = 2 }; /* nothing found: an empty list */
	out = page_finish_or_reply(&p, 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);

	p = (struct page){ .req = r, .limit = 2 };
	page_add(&p, 5, json_integer(5));
	assert_null(page_finish_or_reply(&p, -1)); /* the store failed: 503, nothing leaks */
	assert_int_equal(r->status, 503);
	free_req(r);
}

int main(void)
{
	const struct CMUnitTest router_tests[] = {
		cmocka_unit_test(router_captures_parameters),
		cmocka_unit_test(router_prefers_literal_segments_over_captures),
		cmocka_unit_test(router_distinguishes_404_from_405_with_allow),
		cmocka_unit_test(router_head_matches_get_routes),
		cmocka_unit_test(router_wildcard_matches_the_rest),
		cmocka_unit_test(router_treats_repeated_and_trailing_slashes_as_one),
		cmocka_unit_test(router_refuses_too_many_segments),
	};
	const struct CMUnitTest other_tests[] = {
		cmocka_unit_test(body_table_fills_defaults_for_every_absent_field),
		cmocka_unit_test(body_table_reads_values_nulls_and_presence),
		cmocka_unit_test(body_table_refuses_what_does_not_fit),
		cmocka_unit_test(body_update_keeps_what_was_not_sent),
		cmocka_unit_test(page_shows_limit_rows_and_the_cursor_of_the_last),
		cmocka_unit_test(reply_error_uses_the_registry_status),
		cmocka_unit_test(metrics_count_by_route_and_status_with_cumulative_buckets),
	};
	int failed = cmocka_run_group_tests(router_tests, setup, teardown);
	return failed + cmocka_run_group_tests(other_tests, NULL, NULL);
}
