/*
 * test_org.c — org's unit hooks (org.h): unit_move() and unit_delete() call
 * every module in org_unit_users[], which this binary defines for itself (the
 * shuniu binary's is src/cmd/cmd_units.c), on a fresh SQLite database.
 */
#include "unit.h"

#include "db/migrate.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What the test hook saw, and what it answers. */
static struct {
	int moved_calls;
	char old_path[320], old_hi[320], new_path[320];
	int64_t uses_unit, uses_answer;
	int uses_calls;
} seen;

static int hook_moved(struct db_conn *c, const char *old_path, const char *old_hi,
		      const char *new_path)
{
	(void)c;
	seen.moved_calls++;
	snprintf(seen.old_path, sizeof seen.old_path, "%s", old_path);
	snprintf(seen.old_hi, sizeof seen.old_hi, "%s", old_hi);
	snprintf(seen.new_path, sizeof seen.new_path, "%s", new_path);
	return 0;
}

static int hook_uses(struct db_conn *c, int64_t unit_id, int64_t *n)
{
	(void)c;
	seen.uses_calls++;
	seen.uses_unit = unit_id;
	*n = seen.uses_answer;
	return 0;
}

static const struct org_unit_hooks test_hooks = { .name = "test",
						  .moved = hook_moved,
						  .uses = hook_uses };
const struct org_unit_hooks *const org_unit_users[] = { &test_hooks, NULL };

struct tree {
	char path[128];
	struct db *db;
	struct db_conn *c;
	int64_t district, street1, street2, community;
};

static int setup(void **state)
{
	static struct tree t;
	char url[160], err[512];

	memset(&t, 0, sizeof t);
	memset(&seen, 0, sizeof seen);
	snprintf(t.path, sizeof t.path, "/tmp/shuniu-unit-org-%d.db", getpid());
	snprintf(url, sizeof url, "sqlite:%s", t.path);
	unlink(t.path);
	if (db_open(url, &t.db, err, sizeof err) || !(t.c = db_conn_thread(t.db)) ||
	    migrate_apply(t.c, NULL, err, sizeof err) <= 0 ||
	    unit_create(t.c, 0, UNIT_DISTRICT, "310117", "区", NULL, NULL, NULL, 0, &t.district,
			err, sizeof err) ||
	    unit_create(t.c, t.district, -1, NULL, "甲街道", NULL, NULL, NULL, 0, &t.street1, err,
			sizeof err) ||
	    unit_create(t.c, t.district, -1, NULL, "乙街道", NULL, NULL, NULL, 0, &t.street2, err,
			sizeof err) ||
	    unit_create(t.c, t.street1, -1, NULL, "社区", NULL, NULL, NULL, 0, &t.community, err,
			sizeof err)) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	db_close(t->db);
	unlink(t->path);
	return 0;
}

static void a_use_a_hook_reports_stops_the_delete(void **state)
{
	struct tree *t = *state;
	struct unit_ref u;

	seen.uses_answer = 2;
	assert_int_equal(unit_delete(t->c, t->community), 1);
	assert_int_equal(seen.uses_calls, 1);
	assert_int_equal(seen.uses_unit, t->community);
	assert_int_equal(unit_get(t->c, t->community, &u), DB_ROW);
	/* Nobody uses it any more: it goes. */
	seen.uses_answer = 0;
	assert_int_equal(unit_delete(t->c, t->community), 0);
	assert_int_equal(unit_get(t->c, t->community, &u), DB_DONE);
}

static void org_refuses_a_unit_with_children_before_asking(void **state)
{
	struct tree *t = *state;

	seen.uses_answer = 0;
	assert_int_equal(unit_delete(t->c, t->street1), 1); /* it holds the community */
}

static void a_move_tells_every_hook_the_old_and_new_paths(void **state)
{
	struct tree *t = *state;
	struct unit_ref u, np, moved;
	char code[64], want[320];

	assert_int_equal(unit_get(t->c, t->community, &u), DB_ROW);
	assert_int_equal(unit_get(t->c, t->street2, &np), DB_ROW);
	assert_int_equal(unit_move(t->c, &u, &np, code, sizeof code), 0);
	assert_int_equal(seen.moved_calls, 1);
	assert_string_equal(seen.old_path, u.path);
	path_upper(u.path, want, sizeof want);
	assert_string_equal(seen.old_hi, want);
	snprintf(want, sizeof want, "%s%lld/", np.path, (long long)u.id);
	assert_string_equal(seen.new_path, want);
	assert_int_equal(unit_get(t->c, t->community, &moved), DB_ROW);
	assert_string_equal(moved.path, want);
	assert_string_equal(moved.code, code);
	assert_int_equal(moved.parent_id, t->street2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_use_a_hook_reports_stops_the_delete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(org_refuses_a_unit_with_children_before_asking,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_move_tells_every_hook_the_old_and_new_paths,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
