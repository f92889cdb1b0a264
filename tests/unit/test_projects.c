/*
 * test_projects.c — the pure rules of projects (src/projects/project_rules.c):
 * the names of states, types and actions, the state machine's table, who may
 * approve, the years a project may have and where its sources must lie.
 *
 * Paths are written by hand: "/1/" the district, "/1/7/" a street, "/1/7/42/"
 * a community, "/1/7/42/99/" a grid.
 */
#include "unit.h"

#include "core/clock.h"
#include "projects/projects.h"
#include "projects/projects_int.h"

#include <string.h>

static void states_and_types_read_back_by_name(void **state)
{
	(void)state;
	for (int st = PROJECT_PROPOSED; st <= PROJECT_CANCELLED; st++)
		assert_int_equal(project_state_parse(project_state_name(st)), st);
	assert_string_equal(project_state_name(PROJECT_IN_PROGRESS), "in_progress");
	assert_int_equal(project_state_parse("done"), -1);
	assert_int_equal(project_state_parse(NULL), -1);
	const char *types[] = {
		"dispute_mediation",	"meal_delivery", "environment", "epidemic_prevention",
		"illegal_construction", "micro",	 "other"
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		assert_true(project_type_valid(types[i]));
	assert_false(project_type_valid("Environment"));
	assert_false(project_type_valid(""));
	assert_false(project_type_valid(NULL));
}

static void actions_read_back_by_name(void **state)
{
	(void)state;
	for (int a = 0; a < PA__COUNT; a++)
		assert_int_equal(project_action_parse(project_action_name(a)), a);
	assert_int_equal(project_action_parse("milestone-done"), -1);
	assert_string_equal(project_action_event(PA_START), "started");
	assert_string_equal(project_action_event(PA_CANCEL), "cancelled");
}

static void the_state_machine_moves_forward_only(void **state)
{
	(void)state;
	assert_int_equal(project_action_target(PA_APPROVE, PROJECT_PROPOSED), PROJECT_APPROVED);
	assert_int_equal(project_action_target(PA_START, PROJECT_APPROVED), PROJECT_IN_PROGRESS);
	assert_int_equal(project_action_target(PA_COMPLETE, PROJECT_IN_PROGRESS),
			 PROJECT_COMPLETED);
	/* progress and milestones keep the state */
	assert_int_equal(project_action_target(PA_PROGRESS, PROJECT_IN_PROGRESS),
			 PROJECT_IN_PROGRESS);
	assert_int_equal(project_action_target(PA_MILESTONE_DONE, PROJECT_APPROVED),
			 PROJECT_APPROVED);
	/* refused */
	assert_int_equal(project_action_target(PA_APPROVE, PROJECT_APPROVED), -1);
	assert_int_equal(project_action_target(PA_START, PROJECT_PROPOSED), -1);
	assert_int_equal(project_action_target(PA_PROGRESS, PROJECT_APPROVED), -1);
	assert_int_equal(project_action_target(PA_MILESTONE_DONE, PROJECT_PROPOSED), -1);
	assert_int_equal(project_action_target(PA_COMPLETE, PROJECT_APPROVED), -1);
	assert_int_equal(project_action_target(-1, PROJECT_PROPOSED), -1);
	assert_int_equal(project_action_target(PA_START, 9), -1);
}

static void cancel_ends_anything_not_yet_final(void **state)
{
	(void)state;
	assert_int_equal(project_action_target(PA_CANCEL, PROJECT_PROPOSED), PROJECT_CANCELLED);
	assert_int_equal(project_action_target(PA_CANCEL, PROJECT_APPROVED), PROJECT_CANCELLED);
	assert_int_equal(project_action_target(PA_CANCEL, PROJECT_IN_PROGRESS), PROJECT_CANCELLED);
	for (int a = 0; a < PA__COUNT; a++) {
		assert_int_equal(project_action_target(a, PROJECT_COMPLETED), -1);
		assert_int_equal(project_action_target(a, PROJECT_CANCELLED), -1);
	}
}

static void the_street_or_district_above_approves(void **state)
{
	(void)state;
	/* a grid or community project: its street, or the district */
	assert_true(project_may_approve("/1/7/", "/1/7/42/"));
	assert_true(project_may_approve("/1/7/", "/1/7/42/99/"));
	assert_true(project_may_approve("/1/", "/1/7/42/"));
	/* a street's own project: the district only */
	assert_true(project_may_approve("/1/", "/1/7/"));
	assert_false(project_may_approve("/1/7/", "/1/7/"));
	/* not the community itself, nor another street */
	assert_false(project_may_approve("/1/7/42/", "/1/7/42/99/"));
	assert_false(project_may_approve("/1/7/42/", "/1/7/42/"));
	assert_false(project_may_approve("/1/8/", "/1/7/42/"));
	assert_false(project_may_approve("/1/70/", "/1/7/42/"));
	assert_false(project_may_approve("", "/1/7/42/"));
	assert_false(project_may_approve(NULL, "/1/7/42/"));
}

static void a_year_is_this_one_five_back_or_the_next(void **state)
{
	int64_t t = 0;

	(void)state;
	/* 2026-12-31T23:30 Shanghai is still 2026 there (15:30 UTC) */
	assert_int_equal(clock_parse_iso("2026-12-31T23:30:00+08:00", &t), 0);
	assert_true(project_year_ok(2026, t));
	assert_true(project_year_ok(2027, t));
	assert_true(project_year_ok(2021, t));
	assert_false(project_year_ok(2028, t));
	assert_false(project_year_ok(2020, t));
	assert_int_equal(clock_parse_iso("2027-01-01T00:30:00+08:00", &t), 0);
	assert_true(project_year_ok(2028, t));
}

static void sources_lie_in_the_community_or_the_street(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(project_source_root("/1/7/42/99/", out, sizeof out), 0);
	assert_string_equal(out, "/1/7/42/");
	assert_int_equal(project_source_root("/1/7/42/", out, sizeof out), 0);
	assert_string_equal(out, "/1/7/42/");
	assert_int_equal(project_source_root("/1/7/", out, sizeof out), 0);
	assert_string_equal(out, "/1/7/");
	assert_int_equal(project_source_root("/1/", out, sizeof out), -1);
	assert_int_equal(project_source_root("1/7/", out, sizeof out), -1);
	assert_int_equal(project_source_root("/1/7/", out, 3), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(states_and_types_read_back_by_name),
		cmocka_unit_test(actions_read_back_by_name),
		cmocka_unit_test(the_state_machine_moves_forward_only),
		cmocka_unit_test(cancel_ends_anything_not_yet_final),
		cmocka_unit_test(the_street_or_district_above_approves),
		cmocka_unit_test(a_year_is_this_one_five_back_or_the_next),
		cmocka_unit_test(sources_lie_in_the_community_or_the_street),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
