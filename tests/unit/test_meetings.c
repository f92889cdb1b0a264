/*
 * test_meetings.c — the pure rules of meetings (src/meetings/meetings_rules.c)
 * on a hand-made fixture: the quorum (present * 100 > quorum_pct * invited)
 * and the passing threshold (for * 100 > pass_pct * present, in a quorate
 * meeting) at their boundaries, the codes, the day from which attendance is
 * recorded, and which roster a meeting's unit uses. Then, on a migrated
 * SQLite file of its own, the store-level writes other modules' demos call
 * (meetings.h) with their refusals, meeting_brief_get() and the public view
 * of a matter's meetings, which must name nobody.
 */
#include "unit.h"

#include "calendar/calendar.h"
#include "db/migrate.h"
#include "db/store.h"
#include "meetings/meetings_int.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const struct org_unit_hooks *const org_unit_users[] = { &meetings_unit_hooks, NULL };

/* A fixture: 10 invited, the defaults 50/50. */
static struct meeting_tally tally(int64_t present, int64_t f, int64_t a, int64_t ab)
{
	return (struct meeting_tally){ .invited = 10,
				       .present = present,
				       .quorum_pct = 50,
				       .pass_pct = 50,
				       .votes_for = f,
				       .against = a,
				       .abstain = ab };
}

static void half_present_is_not_a_quorum_one_more_is(void **state)
{
	(void)state;
	assert_false(meeting_quorate(10, 5, 50));
	assert_true(meeting_quorate(10, 6, 50));
	assert_false(meeting_quorate(25, 12, 50));
	assert_true(meeting_quorate(25, 13, 50));
	/* two thirds: 3 of 4 is 75 % > 66.67 % */
	assert_false(meeting_quorate(3, 2, 67));
	assert_true(meeting_quorate(4, 3, 67));
	assert_true(meeting_quorate(10, 10, 99));
	assert_false(meeting_quorate(10, 10, 100)); /* nobody can be more than all */
	assert_true(meeting_quorate(10, 1, 0));	    /* 0 %: one present is enough */
	assert_false(meeting_quorate(10, 0, 0));
}

static void nonsense_numbers_are_never_quorate(void **state)
{
	(void)state;
	assert_false(meeting_quorate(0, 0, 50));
	assert_false(meeting_quorate(10, 11, 50));
	assert_false(meeting_quorate(10, -1, 0));
	assert_false(meeting_quorate(10, 10, 101));
	assert_false(meeting_quorate(10, 10, -1));
}

static void half_of_those_present_is_not_a_majority(void **state)
{
	struct meeting_tally t = tally(6, 3, 3, 0);

	(void)state;
	assert_false(proposal_passes(&t)); /* 3 of 6 */
	t = tally(6, 4, 2, 0);
	assert_true(proposal_passes(&t)); /* 4 of 6 */
	t = tally(7, 4, 0, 3);
	assert_true(proposal_passes(&t)); /* abstentions are not against, but not for either */
	t = tally(8, 4, 0, 0);
	assert_false(proposal_passes(&t)); /* the silent count as not for */
	t = tally(8, 5, 0, 3);
	assert_true(proposal_passes(&t));
}

static void nothing_passes_without_a_quorum(void **state)
{
	struct meeting_tally t = tally(5, 5, 0, 0); /* unanimous, but only half came */

	(void)state;
	assert_false(proposal_passes(&t));
	t = tally(6, 6, 0, 0);
	assert_true(proposal_passes(&t));
}

static void the_thresholds_follow_the_settings(void **state)
{
	struct meeting_tally t = tally(9, 6, 3, 0);

	(void)state;
	t.pass_pct = 67; /* two thirds of 9 is 6: 600 > 603 is false */
	assert_false(proposal_passes(&t));
	t.votes_for = 7;
	t.against = 2;
	assert_true(proposal_passes(&t));
	t.pass_pct = 100; /* nothing passes at 100 % */
	t.votes_for = 9;
	t.against = 0;
	assert_false(proposal_passes(&t));
	t.pass_pct = 0; /* one vote for passes at 0 % */
	t.votes_for = 1;
	t.against = 8;
	assert_true(proposal_passes(&t));
	t.votes_for = 0;
	assert_false(proposal_passes(&t));
	t = tally(9, 9, 0, 0);
	t.quorum_pct = 90; /* 900 > 900 is false */
	assert_false(proposal_passes(&t));
	t = tally(10, 10, 0, 0);
	t.quorum_pct = 90;
	assert_true(proposal_passes(&t));
}

static void more_votes_than_present_never_pass(void **state)
{
	struct meeting_tally t = tally(6, 5, 1, 1);

	(void)state;
	assert_false(proposal_passes(&t));
	t = tally(6, -1, 0, 0);
	assert_false(proposal_passes(&t));
}

static void the_codes_are_the_documented_ones(void **state)
{
	static const char *const types[] = {
		"yishi_yiyi",	    "hearing",	       "coordination", "council",
		"homeland_council", "joint_committee", "party_org",    "two_committees",
		"party_members",    "residents",
	};
	(void)state;
	for (int i = 0; i < MEETING_TYPES_N; i++) {
		assert_true(meeting_type_valid(types[i]));
		assert_string_equal(meeting_type_at(i), types[i]);
	}
	assert_null(meeting_type_at(MEETING_TYPES_N));
	assert_false(meeting_type_valid("party"));
	assert_false(meeting_type_valid(NULL));
	for (int i = 0; i < REP_KINDS_N; i++)
		assert_true(representative_kind_valid(representative_kind_at(i)));
	assert_null(representative_kind_at(REP_KINDS_N));
	assert_true(representative_kind_valid("women"));
	assert_false(representative_kind_valid("mayor"));
	assert_int_equal(meeting_vote_parse("for"), VOTE_FOR);
	assert_int_equal(meeting_vote_parse("against"), VOTE_AGAINST);
	assert_int_equal(meeting_vote_parse("abstain"), VOTE_ABSTAIN);
	assert_int_equal(meeting_vote_parse("yes"), -1);
	assert_string_equal(meeting_vote_name(VOTE_ABSTAIN), "abstain");
}

static void attendance_opens_at_midnight_of_the_meetings_day(void **state)
{
	/* an afternoon of November 2026, to the minute */
	int64_t starts = 1795500000 - (1795500000 % 60), day = cal_day_of(starts);
	int64_t midnight = cal_day_start(day);

	(void)state;
	assert_false(meeting_may_record_attendance(starts, midnight - 1));
	assert_true(meeting_may_record_attendance(starts, midnight));
	assert_true(meeting_may_record_attendance(starts, starts + 86400 * 30));
}

static void a_meeting_uses_its_communitys_roster_or_its_streets(void **state)
{
	(void)state;
	assert_int_equal(meeting_roster_unit("/1/7/42/99/"), 42); /* a grid: its community */
	assert_int_equal(meeting_roster_unit("/1/7/42/"), 42);
	assert_int_equal(meeting_roster_unit("/1/7/"), 7); /* a street: its own */
	assert_int_equal(meeting_roster_unit("/1/"), 0);   /* the district has none */
	assert_true(meeting_unit_kind_ok(UNIT_GRID));
	assert_true(meeting_unit_kind_ok(UNIT_STREET));
	assert_false(meeting_unit_kind_ok(UNIT_DISTRICT));
	assert_false(meeting_unit_kind_ok(UNIT_BUILDING));
}

/*
 * ---- the store-level writes, on a database ----
 * Autocommit: a refusal here may leave what was written before it, which a
 * caller's transaction would roll back.
 */

struct t {
	char path[128];
	struct db *db;
	struct db_conn *c;
	int64_t district, street, community, other, grid;
	int64_t reps[6], stranger;
};

static int setup(void **state)
{
	static struct t t;
	char url[160], err[512];
	int rc = 0;

	memset(&t, 0, sizeof t);
	snprintf(t.path, sizeof t.path, "/tmp/shuniu-unit-meetings-%d.db", getpid());
	snprintf(url, sizeof url, "sqlite:%s", t.path);
	unlink(t.path);
	if (db_open(url, &t.db, err, sizeof err) || !(t.c = db_conn_thread(t.db)) ||
	    migrate_apply(t.c, NULL, err, sizeof err) <= 0 ||
	    unit_create(t.c, 0, UNIT_DISTRICT, "310117", "区", NULL, NULL, NULL, 0, &t.district,
			err, sizeof err) ||
	    unit_create(t.c, t.district, -1, NULL, "街道", NULL, NULL, NULL, 0, &t.street, err,
			sizeof err) ||
	    unit_create(t.c, t.street, -1, NULL, "社区", NULL, NULL, NULL, 0, &t.community, err,
			sizeof err) ||
	    unit_create(t.c, t.street, -1, NULL, "邻社区", NULL, NULL, NULL, 0, &t.other, err,
			sizeof err) ||
	    unit_create(t.c, t.community, -1, NULL, "网格", NULL, NULL, NULL, 0, &t.grid, err,
			sizeof err)) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	static const char *const names[6] = { "王建明", "李秀英", "张伟", "刘芳", "陈静", "杨洋" };
	static const char *const kinds[6] = { "party_member", "party_member", "resident",
					      "resident",     "owner",	      "organisation" };
	for (int i = 0; rc == 0 && i < 6; i++)
		rc = representative_add(
			t.c, NULL,
			&(struct representative_in){ .unit_id = t.community,
						     .name = names[i],
						     .kind = kinds[i],
						     .organisation = i == 5 ? "物业公司" : NULL,
						     .active = 1 },
			1764000000, &t.reps[i]);
	if (rc == 0)
		rc = representative_add(t.c, NULL,
					&(struct representative_in){ .unit_id = t.other,
								     .name = "邻居",
								     .kind = "resident",
								     .active = 1 },
					1764000000, &t.stranger);
	if (rc != 0) {
		fprintf(stderr, "setup: representatives %d\n", rc);
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
	return 0;
}

static int64_t schedule(struct t *t, int64_t unit, int64_t matter, const int64_t *inv, int n,
			int *rc)
{
	int64_t id = 0;
	int bad = -1;
	const struct meeting_in in = { .unit_id = unit,
				       .type = "residents",
				       .matter_id = matter,
				       .title = "居民代表会议",
				       .starts_at = 1764050000,
				       .place = "议事厅",
				       .invitees = inv,
				       .n_invitees = n };

	*rc = meeting_create(t->c, &in, 1764000000, &id, &bad);
	return id;
}

static void the_store_level_writes_keep_the_rules(void **state)
{
	struct t *t = *state;
	int64_t m, p_pass, p_fail, project = 0, none = 0;
	const int64_t bad_inv[2] = { t->reps[0], t->stranger };
	int rc, bad = -1;

	/* the roster: only a community or a street; the district has none */
	assert_int_equal(representative_add(t->c, NULL,
					    &(struct representative_in){ .unit_id = t->grid,
									 .name = "x",
									 .kind = "resident",
									 .active = 1 },
					    1, &none),
			 MEETING_R_UNIT);
	/* an invitee from another roster */
	schedule(t, t->community, 0, bad_inv, 2, &rc);
	assert_int_equal(rc, MEETING_R_INVITEE);
	schedule(t, t->district, 0, t->reps, 6, &rc);
	assert_int_equal(rc, MEETING_R_UNIT);

	m = schedule(t, t->grid, 42, t->reps, 6,
		     &rc); /* a grid's meeting: its community's roster */
	assert_int_equal(rc, 0);
	assert_int_equal(proposal_add(t->c, m, "提前的议案", NULL, 0, 0, 1764050100, &none),
			 MEETING_R_STATE);
	/* four of six present: quorate (400 > 300) */
	assert_int_equal(meeting_attend(t->c, m, t->reps, 4, 1764050000, &bad), 0);
	assert_int_equal(proposal_add(t->c, m, "更换路灯", "全部更换为LED", t->reps[0], 0,
				      1764050100, &p_pass),
			 0);
	assert_int_equal(proposal_add(t->c, m, "拆除花坛", NULL, t->stranger, 0, 1764050100, &none),
			 MEETING_R_INVITEE);
	assert_int_equal(proposal_add(t->c, m, "拆除花坛", NULL, 0, 0, 1764050100, &p_fail), 0);
	assert_int_equal(vote_cast(t->c, p_pass, t->reps[0], "for", 1764050200), 0);
	assert_int_equal(vote_cast(t->c, p_pass, t->reps[1], "for", 1764050200), 0);
	assert_int_equal(vote_cast(t->c, p_pass, t->reps[2], "for", 1764050200), 0);
	assert_int_equal(vote_cast(t->c, p_pass, t->reps[2], "against", 1764050200),
			 MEETING_R_ALREADY_VOTED);
	assert_int_equal(vote_cast(t->c, p_pass, t->reps[4], "for", 1764050200),
			 MEETING_R_NOT_PRESENT);
	assert_int_equal(vote_cast(t->c, p_fail, t->reps[0], "for", 1764050200), 0);
	assert_int_equal(vote_cast(t->c, p_fail, t->reps[1], "for", 1764050200), 0); /* 2 of 4 */
	assert_int_equal(vote_cast(t->c, p_fail, t->reps[3], "maybe", 1764050200), DB_EMISUSE);
	assert_int_equal(meeting_attend(t->c, m, t->reps, 5, 1764050300, &bad),
			 MEETING_R_VOTES_CAST);

	const struct meeting_appointee_in apps[] = { { "王建明", "路灯管理员", t->reps[0] },
						     { "赵大爷", "巡查员", 0 } };
	const struct meeting_project_in proj = { "更换路灯", "environment", "全部更换为LED", 500000,
						 0 };
	struct meeting_resolution_in res = { .text = "通过更换路灯",
					     .adopted = &p_fail,
					     .n_adopted = 1,
					     .appointees = apps,
					     .n_appointees = 2,
					     .photos_json = "[]",
					     .project = &proj };
	assert_int_equal(meeting_resolve(t->c, m, &res, 1764060000, &project, &bad),
			 MEETING_R_NOT_PASSED);
	res.n_adopted = 0;
	assert_int_equal(meeting_resolve(t->c, m, &res, 1764060000, &project, &bad),
			 MEETING_R_NO_ADOPTED);
	res.adopted = &p_pass;
	res.n_adopted = 1;
	assert_int_equal(meeting_resolve(t->c, m, &res, 1764060000, &project, &bad), 0);
	assert_true(project > 0);
	assert_int_equal(meeting_resolve(t->c, m, &res, 1764060000, &none, &bad), MEETING_R_STATE);

	struct meeting_brief b;
	assert_int_equal(meeting_brief_get(t->c, m, &b), DB_ROW);
	assert_int_equal(b.unit_id, t->grid);
	assert_int_equal(b.matter_id, 42);
	assert_string_equal(b.type, "residents");
	assert_string_equal(b.state, "closed");
	assert_int_equal(b.invited, 6);
	assert_int_equal(b.present, 4);
	assert_true(b.quorate);
	assert_true(b.passed);
	assert_true(b.project_id == project);
	assert_int_equal(b.closed_at, 1764060000);
	assert_int_equal(meeting_brief_get(t->c, m + 1000, &b), DB_DONE);
}

/* Does any string anywhere in j contain needle? */
static int json_mentions(json_t *j, const char *needle)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j))
		return strstr(json_string_value(j), needle) != NULL;
	if (json_is_object(j)) {
		json_object_foreach(j, k,
				    v) if (strstr(k, needle) || json_mentions(v, needle)) return 1;
	}
	if (json_is_array(j)) {
		json_array_foreach(j, i, v) if (json_mentions(v, needle)) return 1;
	}
	return 0;
}

static void the_public_view_of_a_matter_names_nobody(void **state)
{
	struct t *t = *state;
	int64_t m1, m2, p = 0, project = 0;
	int rc, bad;

	m1 = schedule(t, t->community, 7, t->reps, 6, &rc);
	assert_int_equal(rc, 0);
	m2 = schedule(t, t->community, 7, t->reps, 3, &rc);
	assert_int_equal(rc, 0);
	schedule(t, t->community, 8, t->reps, 6, &rc); /* another matter's */
	assert_int_equal(meeting_attend(t->c, m1, t->reps, 6, 1764050000, &bad), 0);
	assert_int_equal(proposal_add(t->c, m1, "增设停车位", NULL, t->reps[0], 0, 1764050100, &p),
			 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(
			vote_cast(t->c, p, t->reps[i], i < 4 ? "for" : "abstain", 1764050200), 0);
	const struct meeting_appointee_in apps[] = { { "王建明", "停车管理员", t->reps[0] } };
	const struct meeting_resolution_in res = { .text = "通过增设停车位",
						   .adopted = &p,
						   .n_adopted = 1,
						   .appointees = apps,
						   .n_appointees = 1,
						   .photos_json = "[\"abc\"]" };
	assert_int_equal(meeting_resolve(t->c, m1, &res, 1764060000, &project, &bad), 0);

	json_t *pub = meetings_public_of_matter(t->c, 7);
	assert_non_null(pub);
	assert_int_equal(json_array_size(pub), 2);
	json_t *a = json_array_get(pub, 0), *b = json_array_get(pub, 1);
	assert_int_equal(json_integer_value(json_object_get(a, "id")), m1);
	assert_int_equal(json_integer_value(json_object_get(b, "id")), m2);
	assert_string_equal(json_string_value(json_object_get(a, "state")), "closed");
	assert_int_equal(json_integer_value(json_object_get(a, "present")), 6);
	assert_true(json_is_true(json_object_get(a, "quorate")));
	json_t *inv = json_object_get(a, "invited");
	assert_int_equal(json_integer_value(json_object_get(inv, "party_member")), 2);
	assert_int_equal(json_integer_value(json_object_get(inv, "resident")), 2);
	assert_int_equal(json_integer_value(json_object_get(inv, "owner")), 1);
	assert_int_equal(json_integer_value(json_object_get(inv, "organisation")), 1);
	json_t *prop = json_array_get(json_object_get(a, "proposals"), 0);
	assert_int_equal(json_integer_value(json_object_get(prop, "for")), 4);
	assert_int_equal(json_integer_value(json_object_get(prop, "abstain")), 2);
	assert_true(json_is_true(json_object_get(prop, "passed")));
	assert_true(json_is_true(json_object_get(prop, "adopted")));
	json_t *r = json_object_get(a, "resolution");
	assert_string_equal(json_string_value(json_object_get(r, "text")), "通过增设停车位");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r, "appointees"), 0), "role")),
			    "停车管理员");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "photos"), 0)),
			    "abc");
	assert_true(json_is_null(json_object_get(b, "resolution")));
	static const char *const names[] = { "王建明",
					     "李秀英",
					     "张伟",
					     "刘芳",
					     "陈静",
					     "杨洋",
					     "物业公司",
					     "name",
					     "phone",
					     "proposer",
					     "representative_id",
					     "account" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		assert_false(json_mentions(pub, names[i]));
	json_decref(pub);
	pub = meetings_public_of_matter(t->c, 99);
	assert_int_equal(json_array_size(pub), 0);
	json_decref(pub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(half_present_is_not_a_quorum_one_more_is),
		cmocka_unit_test(nonsense_numbers_are_never_quorate),
		cmocka_unit_test(half_of_those_present_is_not_a_majority),
		cmocka_unit_test(nothing_passes_without_a_quorum),
		cmocka_unit_test(the_thresholds_follow_the_settings),
		cmocka_unit_test(more_votes_than_present_never_pass),
		cmocka_unit_test(the_codes_are_the_documented_ones),
		cmocka_unit_test(attendance_opens_at_midnight_of_the_meetings_day),
		cmocka_unit_test(a_meeting_uses_its_communitys_roster_or_its_streets),
		cmocka_unit_test_setup_teardown(the_store_level_writes_keep_the_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_public_view_of_a_matter_names_nobody, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
