/*
 * test_fund.c — the fund ledger below HTTP: the figures fund_public() and
 * fund_project_spent() give the public module, that the public view names
 * no actor, the chain's verdicts, and that a community with a ledger cannot
 * be deleted (the unit hooks). On a migrated SQLite file of its own.
 */
#include "unit.h"

#include "db/migrate.h"
#include "db/store.h"
#include "fund/fund.h"
#include "fund/fund_int.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct org_unit_hooks *const org_unit_users[] = { &fund_unit_hooks, NULL };

struct t {
	char path[128], anchors[160];
	struct db *db;
	struct db_conn *c;
	int64_t district, street, community;
};

static int setup(void **state)
{
	static struct t t;
	static const unsigned char secret[SECRET_KEY_BYTES] = { 7, 7, 7 };
	char url[160], err[512];

	memset(&t, 0, sizeof t);
	snprintf(t.path, sizeof t.path, "/tmp/shuniu-unit-fund-%d.db", getpid());
	snprintf(t.anchors, sizeof t.anchors, "/tmp/shuniu-unit-fund-%d.anchors", getpid());
	snprintf(url, sizeof url, "sqlite:%s", t.path);
	unlink(t.path);
	unlink(t.anchors);
	fund_set_key(secret);
	if (db_open(url, &t.db, err, sizeof err) || !(t.c = db_conn_thread(t.db)) ||
	    migrate_apply(t.c, NULL, err, sizeof err) <= 0 ||
	    unit_create(t.c, 0, UNIT_DISTRICT, "310117", "区", NULL, NULL, NULL, 0, &t.district,
			err, sizeof err) ||
	    unit_create(t.c, t.district, -1, NULL, "街道", NULL, NULL, NULL, 0, &t.street, err,
			sizeof err) ||
	    unit_create(t.c, t.street, -1, NULL, "社区", NULL, NULL, NULL, 0, &t.community, err,
			sizeof err)) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	db_close(t->db);
	unlink(t->path);
	unlink(t->anchors);
	fund_clear_key();
	return 0;
}

static void append(struct t *t, const char *kind, int64_t amount, int64_t project, int64_t ref)
{
	struct fund_entry_in in = { .unit_id = t->community,
				    .year = 2026,
				    .kind = kind,
				    .amount_fen = amount,
				    .project_id = project,
				    .project_title = project ? "助餐点" : NULL,
				    .ref_seq = ref,
				    .note = "备注",
				    .actor_id = 3,
				    .actor_name = "张三",
				    .at = 1764034200 };
	int64_t seq = 0;

	assert_int_equal(fund_store_append(t->c, &in, &seq), 0);
	assert_true(seq > 0);
}

static void the_public_view_adds_up_and_names_no_actor(void **state)
{
	struct t *t = *state;
	struct unit_ref u;
	int64_t spent = -1;
	json_t *j;
	char *text;

	append(t, "allocation", 20000000, 0, 0);
	append(t, "spend", 5000000, 9, 0);
	append(t, "refund", 1000000, 9, 2);
	append(t, "correction", -500, 0, 1);
	assert_int_equal(unit_get(t->c, t->community, &u), DB_ROW);
	j = fund_public(t->c, &u, 2026);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "allocated_fen")), 19999500);
	assert_int_equal(json_integer_value(json_object_get(j, "spent_fen")), 4000000);
	assert_int_equal(json_integer_value(json_object_get(j, "balance_fen")), 15999500);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 4);
	text = json_dumps(j, 0);
	assert_null(strstr(text, "张三"));
	assert_null(strstr(text, "actor"));
	assert_non_null(strstr(text, "\"title\": \"助餐点\""));
	free(text);
	json_decref(j);
	j = fund_public(t->c, &u, 2025);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 0);
	json_decref(j);
	assert_int_equal(fund_project_spent(t->c, 9, &spent), 0);
	assert_int_equal(spent, 4000000);
	assert_int_equal(fund_project_spent(t->c, 10, &spent), 0);
	assert_int_equal(spent, 0);
}

static void verify_names_the_changed_entry(void **state)
{
	struct t *t = *state;
	int64_t checked, bad;
	char msg[512];

	append(t, "allocation", 20000000, 0, 0);
	append(t, "allocation", 100, 0, 0);
	assert_int_equal(fund_verify(t->c, t->anchors, &checked, &bad, msg, sizeof msg),
			 FUND_INTACT);
	assert_int_equal(checked, 2);
	assert_int_equal(db_run(t->c, "UPDATE fund_entries SET year = 2027 WHERE seq = 1", ""), 0);
	assert_int_equal(fund_verify(t->c, t->anchors, &checked, &bad, msg, sizeof msg),
			 FUND_REWRITTEN);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(msg, "entry 1 "));
	assert_int_equal(db_run(t->c, "UPDATE fund_entries SET year = 2026 WHERE seq = 1", ""), 0);
	/* anchored once, a removed file is a fault of its own */
	assert_true(fund_anchor(t->c, t->anchors, msg, sizeof msg) >= 0);
	assert_int_equal(fund_verify(t->c, t->anchors, &checked, &bad, msg, sizeof msg),
			 FUND_INTACT);
	unlink(t->anchors);
	assert_int_equal(fund_verify(t->c, t->anchors, &checked, &bad, msg, sizeof msg),
			 FUND_ANCHORS);
	assert_int_equal(fund_anchor(t->c, t->anchors, msg, sizeof msg), -1);
}

static void a_community_with_a_ledger_is_not_deleted(void **state)
{
	struct t *t = *state;

	append(t, "allocation", 20000000, 0, 0);
	assert_int_equal(unit_delete(t->c, t->community), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_public_view_adds_up_and_names_no_actor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(verify_names_the_changed_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(a_community_with_a_ledger_is_not_deleted, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
