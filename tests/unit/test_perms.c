/*
 * test_perms.c — the role matrix and its documentation agree; the three
 * administrators stay apart.
 */
#include "unit.h"

#include "auth/perms.h"
#include "core/util.h"

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
			if (!roles_grant(ROLE_BIT(r), key)) {
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(security_doc_lists_exactly_each_roles_keys),
		cmocka_unit_test(administrators_stand_alone),
		cmocka_unit_test(only_the_auditor_reads_the_audit_log),
		cmocka_unit_test(role_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
