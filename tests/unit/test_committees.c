/*
 * test_committees.c — the pure rules of joint committees
 * (src/committees/committees_rules.c): the names of kinds, sources and
 * states, the state changes a person may make, overdue against a Shanghai
 * day, a need's wanted kinds, and which organisations a committee may take.
 *
 * Paths are written by hand: "/1/" the district, "/1/7/" a street, "/1/7/42/"
 * a community.
 */
#include "unit.h"

#include "committees/committees.h"
#include "committees/committees_int.h"

#include <jansson.h>
#include <string.h>

static void kinds_sources_and_states_are_named(void **state)
{
	(void)state;
	const char *orgs[] = {
		"gov", "resident_unit", "enterprise", "social_org", "school", "other"
	};
	for (size_t i = 0; i < sizeof orgs / sizeof *orgs; i++)
		assert_true(organisation_kind_valid(orgs[i]));
	assert_false(organisation_kind_valid("Enterprise"));
	assert_false(organisation_kind_valid(NULL));
	assert_true(need_source_valid("visit"));
	assert_false(need_source_valid("rumour"));
	assert_true(resource_kind_valid("money"));
	assert_false(resource_kind_valid("land"));
	assert_true(committee_state_valid(CL_NEED, "matched"));
	assert_false(committee_state_valid(CL_NEED, "available"));
	assert_true(committee_state_valid(CL_RESOURCE, "committed"));
	assert_true(committee_state_valid(CL_PROJECT, "running"));
	assert_true(committee_state_valid(CL_DUTY, "done"));
	assert_false(committee_state_valid(CL_DUTY, "met"));
}

static void people_settle_but_only_projects_match(void **state)
{
	(void)state;
	assert_true(committee_move_ok(CL_NEED, "open", "met"));
	assert_true(committee_move_ok(CL_NEED, "matched", "met"));
	assert_false(committee_move_ok(CL_NEED, "open", "matched")); /* a project's move */
	assert_false(committee_move_ok(CL_NEED, "met", "open"));
	assert_true(committee_move_ok(CL_RESOURCE, "available", "used"));
	assert_true(committee_move_ok(CL_RESOURCE, "committed", "used"));
	assert_false(committee_move_ok(CL_RESOURCE, "available", "committed"));
	assert_false(committee_move_ok(CL_RESOURCE, "used", "available"));
	assert_true(committee_move_ok(CL_PROJECT, "planned", "running"));
	assert_true(committee_move_ok(CL_PROJECT, "running", "done"));
	assert_false(committee_move_ok(CL_PROJECT, "planned", "done"));
	assert_false(committee_move_ok(CL_PROJECT, "done", "running"));
	assert_true(committee_move_ok(CL_DUTY, "open", "done"));
	assert_false(committee_move_ok(CL_DUTY, "done", "open"));
	/* a prefix of a state is not the state */
	assert_false(committee_move_ok(CL_NEED, "ope", "met"));
	assert_false(committee_move_ok(CL_NEED, "open", "me"));
	assert_false(committee_move_ok(CL_NEED, NULL, "met"));
}

static void overdue_is_open_and_due_before_today(void **state)
{
	(void)state;
	assert_false(committee_duty_overdue("open", "2026-11-26", "2026-11-25"));
	assert_false(committee_duty_overdue("open", "2026-11-25", "2026-11-25")); /* due today */
	assert_true(committee_duty_overdue("open", "2026-11-24", "2026-11-25"));
	assert_true(committee_duty_overdue("open", "2025-12-31", "2026-01-01"));
	assert_false(committee_duty_overdue("done", "2026-11-24", "2026-11-25"));
	assert_false(committee_duty_overdue("open", NULL, "2026-11-25"));
}

static void wants_are_distinct_resource_kinds(void **state)
{
	char out[64];
	json_t *a;

	(void)state;
	assert_int_equal(committee_wants_text(NULL, out, sizeof out), 0);
	assert_string_equal(out, "");
	a = json_loads("[\"room\", \"money\"]", 0, NULL);
	assert_int_equal(committee_wants_text(a, out, sizeof out), 0);
	assert_string_equal(out, "room,money");
	json_decref(a);
	assert_true(committee_wants_has("room,money", "money"));
	assert_true(committee_wants_has("room,money", "room"));
	assert_false(committee_wants_has("room,money", "mon"));
	assert_false(committee_wants_has("", "room"));
	assert_false(committee_wants_has("volunteers", "volunteer"));
	a = json_loads("[\"room\", \"room\"]", 0, NULL);
	assert_int_equal(committee_wants_text(a, out, sizeof out), -1);
	json_decref(a);
	a = json_loads("[\"land\"]", 0, NULL);
	assert_int_equal(committee_wants_text(a, out, sizeof out), -1);
	json_decref(a);
	a = json_loads("[1]", 0, NULL);
	assert_int_equal(committee_wants_text(a, out, sizeof out), -1);
	json_decref(a);
	a = json_loads("[\"room\",\"money\",\"skills\",\"equipment\",\"volunteers\",\"room\"]", 0,
		       NULL);
	assert_int_equal(committee_wants_text(a, out, sizeof out), -1);
	json_decref(a);
}

static void organisations_above_or_inside_the_unit_may_join(void **state)
{
	(void)state;
	assert_true(committee_org_usable("/1/7/", "/1/7/")); /* the street's own */
	assert_true(committee_org_usable("/1/", "/1/7/"));   /* the district's */
	assert_true(committee_org_usable("/1/7/", "/1/")); /* a district committee: any street's */
	assert_false(committee_org_usable("/1/8/", "/1/7/")); /* another street's */
	assert_false(committee_org_usable("/1/70/", "/1/7/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_sources_and_states_are_named),
		cmocka_unit_test(people_settle_but_only_projects_match),
		cmocka_unit_test(overdue_is_open_and_due_before_today),
		cmocka_unit_test(wants_are_distinct_resource_kinds),
		cmocka_unit_test(organisations_above_or_inside_the_unit_may_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
