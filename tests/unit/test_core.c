/*
 * test_core.c — arena, clock, util, the error registry and configuration.
 */
#include "unit.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/jbuild.h"
#include "core/jsonw.h"
#include "core/util.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- arena ---------------------------------------------------------- */

static void arena_allocations_are_aligned_and_survive_growth(void **state)
{
	struct arena a;
	char *first[2000];

	arena_init(&a);
	for (int i = 0; i < 2000; i++) {
		first[i] = arena_printf(&a, "item-%d", i);
		assert_int_equal((uintptr_t)first[i] % 16, 0);
	}
	for (int i = 0; i < 2000; i++) {
		char want[32];
		snprintf(want, sizeof want, "item-%d", i);
		assert_string_equal(first[i], want);
	}
	arena_release(&a);
	assert_null(a.head);
}

static void arena_serves_allocations_larger_than_a_block(void **state)
{
	struct arena a;
	unsigned char *big;

	arena_init(&a);
	arena_alloc(&a, 10);
	big = arena_zalloc(&a, 1 << 20);
	for (int i = 0; i < 1 << 20; i++)
		assert_int_equal(big[i], 0);
	memset(big, 0xab, 1 << 20);
	assert_non_null(arena_strdup(&a, "after"));
	arena_release(&a);
}

static void arena_strndup_stops_at_n_and_terminates(void **state)
{
	struct arena a;

	arena_init(&a);
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_null(arena_strdup(&a, NULL));
	arena_release(&a);
}

/* ---- clock ---------------------------------------------------------- */

static void clock_parses_iso_with_offsets(void **state)
{
	int64_t t;

	assert_int_equal(clock_parse_iso("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(clock_parse_iso("1970-01-01T08:00:00+08:00", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(clock_parse_iso("2026-11-25T11:24:33.123+08:00", &t), 0);
	assert_int_equal(t, 1795577073);
	assert_int_equal(clock_parse_iso("2026-11-24T22:24:33-05:00", &t), 0);
	assert_int_equal(t, 1795577073);
	/* a plain date is midnight in Shanghai */
	assert_int_equal(clock_parse_iso("2026-11-25", &t), 0);
	assert_int_equal(t, 1795536000);
}

static void clock_rejects_bad_dates(void **state)
{
	int64_t t;
	const char *bad[] = { "",
			      "2026-11-25T11:24:33",
			      "2026-13-01",
			      "2026-02-30",
			      "2025-02-29",
			      "2026-11-25T24:00:00Z",
			      "2026-11-25T11:24:33Zjunk",
			      "26-11-25",
			      "2026-11-25T11:24:33+0800x" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(clock_parse_iso(bad[i], &t), -1);
	assert_int_equal(clock_parse_iso("2024-02-29", &t), 0);
}

static void clock_formats_in_shanghai_and_utc(void **state)
{
	char buf[32];

	assert_string_equal(clock_format_shanghai(0, buf), "1970-01-01T08:00:00+08:00");
	assert_string_equal(clock_format_utc(1795577073, buf), "2026-11-25T03:24:33Z");
	assert_string_equal(clock_format_shanghai(1795577073, buf), "2026-11-25T11:24:33+08:00");
}

static void clock_advance_moves_now_forward(void **state)
{
	int64_t before = clock_now(), off = clock_offset();

	clock_advance(86400);
	assert_int_equal(clock_offset(), off + 86400);
	assert_true(clock_now() - before >= 86400 && clock_now() - before <= 86401);
	clock_advance(-86400); /* leave the process clock as it was for other tests */
}

/* ---- util ----------------------------------------------------------- */

static void parse_int64_is_strict(void **state)
{
	int64_t v;

	assert_int_equal(parse_int64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(parse_int64("101", 0, 100, &v), -1);
	assert_int_equal(parse_int64(" 1", 0, 100, &v), -1);
	assert_int_equal(parse_int64("1x", 0, 100, &v), -1);
	assert_int_equal(parse_int64("", 0, 100, &v), -1);
	assert_int_equal(parse_int64(NULL, 0, 100, &v), -1);
	assert_int_equal(parse_int64("99999999999999999999", 0, INT64_MAX, &v), -1);
}

static void parse_size_takes_binary_suffixes(void **state)
{
	int64_t v;

	assert_int_equal(parse_size("1M", INT64_MAX, &v), 0);
	assert_int_equal(v, 1048576);
	assert_int_equal(parse_size("2k", INT64_MAX, &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(parse_size("3G", INT64_MAX, &v), 0);
	assert_int_equal(v, 3LL << 30);
	assert_int_equal(parse_size("2G", 1LL << 30, &v), -1);
	assert_int_equal(parse_size("1T", INT64_MAX, &v), -1);
	assert_int_equal(parse_size("M", INT64_MAX, &v), -1);
}

static void parse_hostport_accepts_ipv4_ipv6_and_port_zero(void **state)
{
	char host[64];
	int port;

	assert_int_equal(parse_hostport("127.0.0.1:8080", host, sizeof host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8080);
	assert_int_equal(parse_hostport("[::1]:80", host, sizeof host, &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(parse_hostport("127.0.0.1:0", host, sizeof host, &port), 0);
	assert_int_equal(port, 0);
	assert_int_equal(parse_hostport("127.0.0.1:65536", host, sizeof host, &port), -1);
	assert_int_equal(parse_hostport("127.0.0.1", host, sizeof host, &port), -1);
	assert_int_equal(parse_hostport(":80", host, sizeof host, &port), -1);
	assert_int_equal(parse_hostport("bad host:80", host, sizeof host, &port), -1);
}

static void write_new_file_refuses_to_overwrite_and_sets_mode(void **state)
{
	char dir[] = "/tmp/shuniu-unit-XXXXXX", path[128], err[256];
	struct stat st;
	size_t len;
	char *text;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f", dir);
	assert_int_equal(write_new_file(path, "abc", 3, 0600, err, sizeof err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(write_new_file(path, "xyz", 3, 0600, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot create"));
	text = read_file(path, 100, &len, err, sizeof err);
	assert_string_equal(text, "abc");
	free(text);
	assert_null(read_file(path, 2, &len, err, sizeof err));
	unlink(path);
	rmdir(dir);
}

static void str_helpers(void **state)
{
	char s[] = "  padded \t\n";
	char buf[16];

	assert_string_equal(str_trim(s), "padded");
	assert_int_equal(path_join(buf, sizeof buf, "a/", "b"), 0);
	assert_string_equal(buf, "a/b");
	assert_int_equal(path_join(buf, 4, "abc", "def"), -1);
	assert_true(str_has_prefix("/api/v1", "/api/"));
	assert_false(str_has_prefix("/ap", "/api/"));
}

/* ---- errors --------------------------------------------------------- */

static void error_registry_is_well_formed(void **state)
{
	for (int e = 1; e < ERR__COUNT; e++) {
		const char *code = err_code((enum err_id)e);
		assert_non_null(strchr(code, '.'));
		for (const char *p = code; *p; p++)
			assert_true(islower((unsigned char)*p) || *p == '.' || *p == '_');
		assert_true(err_status((enum err_id)e) >= 400 && err_status((enum err_id)e) < 600);
		assert_true(strlen(err_message((enum err_id)e)) > 0);
		assert_int_equal(err_by_code(code), e);
		for (int f = e + 1; f < ERR__COUNT; f++)
			assert_string_not_equal(code, err_code((enum err_id)f));
	}
	assert_int_equal(err_by_code("no.such_code"), ERR_NONE);
}

static void error_statuses_are_the_promised_ones(void **state)
{
	assert_int_equal(err_status(err_by_code("request.bad_json")), 400);
	assert_int_equal(err_status(err_by_code("request.unsupported_media_type")), 415);
	assert_int_equal(err_status(err_by_code("request.too_large")), 413);
	assert_int_equal(err_status(err_by_code("route.not_found")), 404);
	assert_int_equal(err_status(err_by_code("route.method_not_allowed")), 405);
}

static void error_table_in_api_docs_matches_registry(void **state)
{
	char err[256], row[256];
	size_t len;
	char *doc = read_file("docs/API.md", 1 << 22, &len, err, sizeof err);

	if (!doc)
		skip();
	for (int e = 1; e < ERR__COUNT; e++) {
		snprintf(row, sizeof row, "| `%s` | %d |", err_code((enum err_id)e),
			 err_status((enum err_id)e));
		if (!strstr(doc, row)) {
			free(doc);
			fail_msg("docs/API.md lacks the row '%s'", row);
		}
	}
	free(doc);
}

/* ---- config --------------------------------------------------------- */

static char *temp_conf(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/shuniu-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void config_precedence_is_flag_env_file_default(void **state)
{
	struct config cfg;
	char err[512];
	int found;
	char *path = temp_conf("# comment\n\nthreads = 3\nlisten = 127.0.0.1:9000\n");
	char *env[] = { "SHUNIU_THREADS=5", "OTHER=1", NULL };

	config_defaults(&cfg);
	assert_int_equal(cfg.threads, 0);
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	assert_int_equal(config_load_file(&cfg, path, &found, err, sizeof err), 0);
	assert_true(found);
	assert_int_equal(cfg.threads, 3);
	assert_string_equal(cfg.listen, "127.0.0.1:9000");
	assert_int_equal(config_load_env(&cfg, env, err, sizeof err), 0);
	assert_int_equal(cfg.threads, 5);
	assert_int_equal(config_set(&cfg, "threads", "7", "flag --threads", err, sizeof err), 0);
	assert_int_equal(cfg.threads, 7);
	assert_string_equal(cfg.listen, "127.0.0.1:9000");
	unlink(path);
}

static void config_unknown_key_names_file_and_line(void **state)
{
	struct config cfg;
	char err[512], want[128];
	int found;
	char *path = temp_conf("# one\n\nthreads = 2\ntreads = 4\n");

	config_defaults(&cfg);
	assert_int_equal(config_load_file(&cfg, path, &found, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:4: unknown key 'treads'", path);
	assert_string_equal(err, want);
	unlink(path);
}

static void config_bad_values_are_refused_by_type(void **state)
{
	struct config cfg;
	char err[512];
	const char *cases[][2] = { { "threads", "-1" },	      { "threads", "many" },
				   { "body_limit", "1X" },    { "body_limit", "10" },
				   { "access_log", "maybe" }, { "log_format", "xml" },
				   { "listen", "localhost" }, { "connection_timeout", "0" } };

	config_defaults(&cfg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(
			config_set(&cfg, cases[i][0], cases[i][1], "test", err, sizeof err), -1);
		assert_non_null(strstr(err, cases[i][0]));
		assert_non_null(strstr(err, "bad value"));
	}
}

static void config_keys_accept_dashes_and_a_line_needs_equals(void **state)
{
	struct config cfg;
	char err[512];
	int found;
	char *path = temp_conf("log-level = debug\njust words\n");

	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "max-connections-per-ip", "9", "t", err, sizeof err), 0);
	assert_int_equal(cfg.max_connections_per_ip, 9);
	assert_int_equal(config_load_file(&cfg, path, &found, err, sizeof err), -1);
	assert_int_equal(cfg.log_level, 0); /* debug, from line 1 */
	assert_non_null(strstr(err, ":2: expected 'key = value'"));
	unlink(path);
}

static void config_resolve_derives_paths_from_the_data_dir(void **state)
{
	struct config cfg;

	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "/srv/shuniu");
	config_resolve(&cfg);
	assert_string_equal(cfg.db, "/srv/shuniu/shuniu.db");
	assert_string_equal(cfg.key_file, "/srv/shuniu/secret.key");
	assert_true(cfg.threads >= 4);
}

static void config_missing_file_is_not_an_error(void **state)
{
	struct config cfg;
	char err[512];
	int found = 1;

	config_defaults(&cfg);
	assert_int_equal(
		config_load_file(&cfg, "/nonexistent/shuniu.conf", &found, err, sizeof err), 0);
	assert_false(found);
}

static void jsonw_writes_what_jansson_reads_back(void **state)
{
	struct jw w = { 0 };
	size_t len = 0;
	char ctrl[] = { 'a', 1, 0x1f, 'b', 0 };
	char *text;
	json_t *v, *items;

	(void)state;
	jw_obj(&w, NULL);
	jw_arr(&w, "items");
	for (int i = 0; i < 3; i++) {
		jw_obj(&w, NULL);
		jw_int(&w, "id", (int64_t)i - 1);
		jw_str(&w, "q", "say \"hi\"\\ \n\t\r");
		jw_str(&w, "ctrl", ctrl);
		jw_str(&w, "zh", "楼道堆放杂物");
		jw_str(&w, "none", NULL);
		jw_bool(&w, "t", i == 1);
		jw_obj(&w, "nested");
		jw_null(&w, "x");
		jw_end_obj(&w);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_int(&w, "big", INT64_MIN);
	jw_end_obj(&w);
	text = jw_finish(&w, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	v = json_loadb(text, len, 0, NULL);
	assert_non_null(v);
	items = json_object_get(v, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), -1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 2), "q")),
			    "say \"hi\"\\ \n\t\r");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 2), "ctrl")),
			    ctrl);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "zh")),
			    "楼道堆放杂物");
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "none")));
	assert_true(json_is_true(json_object_get(json_array_get(items, 1), "t")));
	assert_int_equal(json_integer_value(json_object_get(v, "big")), INT64_MIN);
	json_decref(v);
	free(text);
}

static void jsonw_refuses_nesting_beyond_its_depth(void **state)
{
	struct jw w = { 0 };
	size_t len;

	(void)state;
	for (int i = 0; i < JW_MAX_DEPTH + 2; i++)
		jw_arr(&w, NULL);
	assert_null(jw_finish(&w, &len));
}

/* ---- jbuild ---------------------------------------------------------- */

static void jbuild_builds_typed_objects_and_arrays(void **state)
{
	(void)state;
	json_t *inner = JB_OBJ(jb_int("id", 7), jb_str("name", "龙桥社区"));
	json_t *shared = json_string("shared");
	json_t *o =
		JB_OBJ(jb_int("big", INT64_C(9007199254740993)), jb_bool("yes", 5), jb_null("none"),
		       jb_str_or_null("maybe", NULL), jb_strn("cut", "abcdef", 3),
		       jb_real("pi", 3.5), jb_take("unit", inner), jb_ref("s", shared),
		       jb_take("list", JB_ARR(jv_int(1), jv_str("two"), jv_null())));
	char *text = json_dumps(o, JSON_COMPACT);

	assert_string_equal(text, "{\"big\":9007199254740993,\"yes\":true,\"none\":null,"
				  "\"maybe\":null,\"cut\":\"abc\",\"pi\":3.5,"
				  "\"unit\":{\"id\":7,\"name\":\"龙桥社区\"},\"s\":\"shared\","
				  "\"list\":[1,\"two\",null]}");
	assert_int_equal(shared->refcount, 2); /* jb_ref added one */
	free(text);
	json_decref(o);
	assert_int_equal(shared->refcount, 1);
	json_decref(shared);
}

static void jbuild_fails_whole_and_releases_what_it_took(void **state)
{
	(void)state;
	json_t *taken = json_string("kept until the build fails");
	json_incref(taken); /* watch it */
	/* a NULL string, invalid UTF-8, and a NULL taken value each fail the object */
	assert_null(JB_OBJ(jb_take("t", taken), jb_str("s", NULL)));
	assert_int_equal(taken->refcount, 1); /* the builder let go of its reference */
	assert_null(JB_OBJ(jb_str("bad", "\xff\xfe")));
	assert_null(JB_OBJ(jb_int("a", 1), jb_take("missing", NULL)));
	assert_null(JB_ARR(jv_str(NULL)));
	json_t *ok = JB_OBJ(jb_take_or_null("missing", NULL));
	assert_true(json_is_null(json_object_get(ok, "missing")));
	json_decref(ok);
	json_decref(taken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_allocations_are_aligned_and_survive_growth),
		cmocka_unit_test(arena_serves_allocations_larger_than_a_block),
		cmocka_unit_test(arena_strndup_stops_at_n_and_terminates),
		cmocka_unit_test(clock_parses_iso_with_offsets),
		cmocka_unit_test(clock_rejects_bad_dates),
		cmocka_unit_test(clock_formats_in_shanghai_and_utc),
		cmocka_unit_test(clock_advance_moves_now_forward),
		cmocka_unit_test(parse_int64_is_strict),
		cmocka_unit_test(parse_size_takes_binary_suffixes),
		cmocka_unit_test(parse_hostport_accepts_ipv4_ipv6_and_port_zero),
		cmocka_unit_test(write_new_file_refuses_to_overwrite_and_sets_mode),
		cmocka_unit_test(str_helpers),
		cmocka_unit_test(error_registry_is_well_formed),
		cmocka_unit_test(error_statuses_are_the_promised_ones),
		cmocka_unit_test(error_table_in_api_docs_matches_registry),
		cmocka_unit_test(config_precedence_is_flag_env_file_default),
		cmocka_unit_test(config_unknown_key_names_file_and_line),
		cmocka_unit_test(config_bad_values_are_refused_by_type),
		cmocka_unit_test(config_keys_accept_dashes_and_a_line_needs_equals),
		cmocka_unit_test(config_resolve_derives_paths_from_the_data_dir),
		cmocka_unit_test(config_missing_file_is_not_an_error),
		cmocka_unit_test(jsonw_writes_what_jansson_reads_back),
		cmocka_unit_test(jsonw_refuses_nesting_beyond_its_depth),
		cmocka_unit_test(jbuild_builds_typed_objects_and_arrays),
		cmocka_unit_test(jbuild_fails_whole_and_releases_what_it_took),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
