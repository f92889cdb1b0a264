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

/* ---- paths, without a database ------------------------------------------- */

static void ancestors_by_depth(void **state)
{
	const char *p = "/1/7/42/99/";
	char out[64];

	(void)state;
	assert_int_equal(org_path_ancestor(p, 0, out, sizeof out), 1);
	assert_string_equal(out, "/1/");
	assert_int_equal(org_path_ancestor(p, 1, out, sizeof out), 7);
	assert_string_equal(out, "/1/7/");
	assert_int_equal(org_path_ancestor(p, 2, out, sizeof out), 42);
	assert_string_equal(out, "/1/7/42/");
	assert_int_equal(org_path_ancestor(p, 3, out, sizeof out), 99);
	assert_string_equal(out, "/1/7/42/99/");
	/* a shallower path stands for itself */
	assert_int_equal(org_path_ancestor(p, 4, out, sizeof out), 99);
	assert_string_equal(out, "/1/7/42/99/");
	assert_int_equal(org_path_ancestor("/1/7/", 2, out, sizeof out), 7);
	assert_string_equal(out, "/1/7/");
	assert_int_equal(org_path_ancestor(p, 1, NULL, 0), 7);
	/* the buffer must hold the path and its NUL */
	assert_int_equal(org_path_ancestor(p, 3, out, 12), 99);
	assert_int_equal(org_path_ancestor(p, 3, out, 11), 0);
	/* malformed: no leading '/', no ids, a zero, a letter, a sign, an unclosed id */
	const char *bad[] = { NULL, "", "/", "1/7/", "//", "/1/0/", "/a/7/", "/+1/", "/1/7" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(org_path_ancestor(bad[i], 1, out, sizeof out), 0);
	assert_int_equal(org_path_ancestor(p, -1, out, sizeof out), 0);
}

static void unit_ids_by_depth(void **state)
{
	const char *p = "/1/7/42/99/";

	(void)state;
	assert_int_equal(org_path_id(p, 0), 1);
	assert_int_equal(org_path_id(p, 1), 7);
	assert_int_equal(org_path_id(p, 2), 42);
	assert_int_equal(org_path_id(p, 3), 99);
	assert_int_equal(org_path_id(p, 4), 0); /* deeper than the path */
	assert_int_equal(org_path_id(p, 5), 0);
	assert_int_equal(org_path_id("/1/7/42/99/1234567890123/", 4), 1234567890123LL);
	assert_int_equal(org_path_id(NULL, 0), 0);
	assert_int_equal(org_path_id("", 0), 0);
	assert_int_equal(org_path_id("/", 0), 0);
	assert_int_equal(org_path_id("//", 0), 0);
	assert_int_equal(org_path_id("/1/x/", 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ancestors_by_depth),
		cmocka_unit_test(unit_ids_by_depth),
		cmocka_unit_test_setup_teardown(a_use_a_hook_reports_stops_the_delete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(org_refuses_a_unit_with_children_before_asking,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_move_tells_every_hook_the_old_and_new_paths,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
