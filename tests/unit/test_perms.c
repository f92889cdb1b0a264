/*
 * test_perms.c — the role matrix and its documentation agree; the three
 * administrators stay apart; a permission key nobody grants — in a route
 * table or in code — is refused by name before the server starts.
 */
#include "unit.h"

#include "auth/perms.h"
#include "core/util.h"
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void security_doc_lists_exactly_each_roles_keys(void **state)
{
	char err[256], head[64];
	size_t len;
	char *doc = read_file("docs/SECURITY.md", 1 << 20, &len, err, sizeof err);

	assert_non_null(doc);
	for (int r = 0; r < ROLE__COUNT; r++) {
		char *row, *end, key[64];
		int n = 0;
		snprintf(head, sizeof head, "\n| `%s` |", role_name(r));
		row = strstr(doc, head);
		if (!row) {
			free(doc);
			fail_msg("docs/SECURITY.md has no row for role %s", role_name(r));
		}
		row += strlen(head);
		end = strchr(row, '\n');
		if (!end)
			end = row + strlen(row);
		/* every key in the row is granted, and every granted key is in the row */
		for (char *p = memchr(row, '`', (size_t)(end - row)); p;
		     p = memchr(p + 1, '`', (size_t)(end - p - 1))) {
			char *q = memchr(p + 1, '`', (size_t)(end - p - 1));
			if (!q)
				break;
			snprintf(key, sizeof key, "%.*s", (int)(q - p - 1), p + 1);
			if (!roles_grant_key(ROLE_BIT(r), key)) {
				free(doc);
				fail_msg("SECURITY.md gives %s the key %s that the code does not",
					 role_name(r), key);
			}
			n++;
			p = q;
		}
		int granted = 0;
		while (role_perm_at(r, granted))
			granted++;
		if (n != granted) {
			free(doc);
			fail_msg("role %s: %d keys documented, %d granted", role_name(r), n,
				 granted);
		}
	}
	free(doc);
}

static void administrators_stand_alone(void **state)
{
	assert_false(roles_compatible(ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_SYSADMIN)));
	assert_false(roles_compatible(ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_GRID_WORKER)));
	assert_false(roles_compatible(ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_SYSADMIN)));
	assert_false(roles_compatible(ROLE_BIT(ROLE_RESIDENT) | ROLE_BIT(ROLE_VOLUNTEER)));
	assert_false(roles_compatible(0));
	assert_true(roles_compatible(ROLE_BIT(ROLE_HUB_LEADER) | ROLE_BIT(ROLE_GRID_WORKER)));
	assert_true(roles_compatible(ROLE_BIT(ROLE_AUDITOR)));
}

static void only_the_auditor_reads_the_audit_log(void **state)
{
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_int_equal(roles_grant(ROLE_BIT(r), "audit:read"), r == ROLE_AUDITOR);
	assert_null(role_perm_at(ROLE_AUDITOR, 1));
	assert_false(roles_grant(ROLE_BIT(ROLE_SYSADMIN), "resident:read"));
}

static void role_names_round_trip(void **state)
{
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_int_equal(role_by_name(role_name(r)), r);
	assert_int_equal(role_by_name("root"), -1);
	assert_true(perm_is_known("resident:reveal"));
	assert_false(perm_is_known("resident:delete"));
}

/* ---- unknown keys ----------------------------------------------------- */

static void noop(struct req *req)
{
}

static void a_route_table_with_a_misspelt_key_is_refused_and_named(void **state)
{
	static const struct route table[] = {
		{ "GET", "/api/v1/appeals", noop, R_AUTH, "appeal:read", 0 },
		{ "POST", "/api/v1/appeals/:id/accept", noop, R_JSON, "appeal:handel", 0 },
		{ "GET", "/healthz", noop, 0, NULL, 0 },
		{ 0 },
	};
	struct router *r = router_new();
	char err[256];

	assert_non_null(r);
	assert_int_equal(router_add(r, table), 0);
	assert_int_equal(perms_check_routes(r, err, sizeof err), 1);
	assert_string_equal(err, "route 'POST /api/v1/appeals/:id/accept' names the unknown "
				 "permission 'appeal:handel'");
	router_free(r);
}

static void every_misspelt_route_key_is_named_and_an_empty_one_too(void **state)
{
	static const struct route table[] = {
		{ "GET", "/a", noop, 0, "org:raed", 0 },
		{ "GET", "/b", noop, 0, "org:read", 0 },
		{ "PUT", "/c", noop, 0, "", 0 },
		{ 0 },
	};
	struct router *r = router_new();
	char err[256], small[24];

	assert_int_equal(router_add(r, table), 0);
	assert_int_equal(perms_check_routes(r, err, sizeof err), 2);
	assert_string_equal(err, "route 'GET /a' names the unknown permission 'org:raed'; "
				 "route 'PUT /c' names the unknown permission ''");
	/* a short buffer is cut, still terminated, and the count stays right */
	assert_int_equal(perms_check_routes(r, small, sizeof small), 2);
	assert_int_equal(strlen(small), sizeof small - 1);
	router_free(r);
}

static void a_table_of_known_keys_passes(void **state)
{
	static const struct route table[] = {
		{ "GET", "/a", noop, R_AUTH, "audit:read", 0 },
		{ "GET", "/b", noop, R_AUTH, NULL, 0 },
		{ 0 },
	};
	struct router *r = router_new();
	char err[64] = "stale";

	assert_int_equal(router_add(r, table), 0);
	assert_int_equal(perms_check_routes(r, err, sizeof err), 0);
	assert_string_equal(err, "");
	router_free(r);
}

static void a_misspelt_key_in_code_is_refused_with_its_place(void **state)
{
	static const struct perm_use good = { "meal:deliver", "src/service/x.c", 10 };
	static const struct perm_use bad = { "meal:delivr", "src/service/y.c", 42 };
	const struct perm_use *const uses[] = { &good, &bad, &good };
	char err[256];

	assert_int_equal(perms_check_uses(uses, uses + 3, err, sizeof err), 1);
	assert_string_equal(err, "src/service/y.c:42 names the unknown permission 'meal:delivr'");
	assert_int_equal(perms_check_uses(uses, uses + 1, err, sizeof err), 0);
	assert_int_equal(perms_check_uses(NULL, NULL, err, sizeof err), 0);
}

static void perm_key_records_its_literal_and_place(void **state)
{
	const char *k = PERM_KEY("party:write");
	const int line = __LINE__ - 1;
	const struct perm_use *u;
	int found = 0;

	assert_string_equal(k, "party:write");
	for (size_t i = 0; (u = perms_code_use(i)); i++)
		if (!strcmp(u->key, "party:write") && u->line == line &&
		    strstr(u->file, "test_perms.c"))
			found++;
	assert_int_equal(found, 1);
	/* the macros hand the key on unchanged */
	assert_true(roles_grant(ROLE_BIT(ROLE_RESIDENT), "self:read"));
	assert_false(roles_grant(ROLE_BIT(ROLE_VOLUNTEER), "self:read"));
}

static void every_key_the_code_names_is_known(void **state)
{
	char err[2048];
	size_t n = 0, in_service = 0;
	const struct perm_use *u;

	for (; (u = perms_code_use(n)); n++)
		if (!strncmp(u->file, "src/service/", 12) || !strncmp(u->file, "src/meals/", 10))
			in_service++;
	/* the modules' auth_can and roles_grant calls: dozens, not none */
	assert_true(n >= 30);
	assert_true(in_service >= 15);
	if (perms_check_code(err, sizeof err))
		fail_msg("%s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(security_doc_lists_exactly_each_roles_keys),
		cmocka_unit_test(administrators_stand_alone),
		cmocka_unit_test(only_the_auditor_reads_the_audit_log),
		cmocka_unit_test(role_names_round_trip),
		cmocka_unit_test(a_route_table_with_a_misspelt_key_is_refused_and_named),
		cmocka_unit_test(every_misspelt_route_key_is_named_and_an_empty_one_too),
		cmocka_unit_test(a_table_of_known_keys_passes),
		cmocka_unit_test(a_misspelt_key_in_code_is_refused_with_its_place),
		cmocka_unit_test(perm_key_records_its_literal_and_place),
		cmocka_unit_test(every_key_the_code_names_is_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
