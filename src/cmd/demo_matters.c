/*
 * demo_matters.c — 龙桥社区's matters for the demo district: the 四议两公开
 * procedure twice.
 *
 * - 龙桥社区中心花园改造提升, a major matter (facility, 68,000 CNY) raised
 *   from three of 龙桥's appeals, midway: the Party organisation proposed it,
 *   the two committees deliberated and the Party members' assembly reviewed
 *   it; the residents' representatives' meeting is next.
 * - 龙桥社区老旧小区雨污分流改造, a major matter that went through all seven
 *   steps: four meetings, the resolution disclosed for seven days with one
 *   resident's objection answered, carried out as an approved project the
 *   fund paid for, and the result published.
 *
 * The roster of 龙桥's representatives and every meeting are made through
 * meetings.h's store-level writes, the matters and their steps through
 * matters.h, the project through projects.h and the spend through fund.h;
 * the SQL here only finds the community, its appeals, a commitment item and
 * the demo accounts. Runs inside the demo's transaction, after demo_micro().
 */
#include "cmd/cmd.h"

#include "calendar/calendar.h"
#include "db/store.h"
#include "fund/fund.h"
#include "matters/matters.h"
#include "meetings/meetings.h"
#include "org/org.h"
#include "projects/projects.h"

#include <stdio.h>
#include <string.h>

#define DAY  86400
#define HOUR 3600

static const struct {
	const char *name, *kind;
} reps[] = {
	{ "沈卫东", "committee_member" },
	{ "钱雅琴", "committee_member" },
	{ "孔令华", "committee_member" },
	{ "许志刚", "party_member" },
	{ "何丽娟", "party_member" },
	{ "吕建新", "party_member" },
	{ "施国平", "party_member" },
	{ "张桂芳", "party_member" },
	{ "曹永生", "building_leader" },
	{ "严淑华", "resident" },
	{ "金宝根", "owner" },
	{ "魏晓燕", "women" },
};
#define N_REPS (int)(sizeof reps / sizeof *reps)

struct ctx {
	struct db_conn *c;
	int64_t unit, staff, rep[N_REPS];
	char path[256];
};

/* Who each of the four meetings invites (indexes into reps) and how many come. */
static const struct {
	const char *type, *step, *name;
	int from, to, present;
} meetings[] = {
	{ "party_org", "propose", "社区党委会议", 0, 7, 7 },
	{ "two_committees", "deliberate", "两委联席会议", 0, 4, 5 },
	{ "party_members", "review", "党员大会", 0, 7, 7 },
	{ "residents", "decide", "居民代表会议", 0, N_REPS - 1, 10 },
};

/* One closed meeting of kind k carrying matter at `at`, all present for but one abstaining,
 * its proposal adopted; then the matter's step with it. */
static int meeting_step(struct ctx *x, int k, int64_t matter, const char *topic, int64_t at)
{
	int64_t inv[N_REPS], mid, pid, proj = 0;
	int n = meetings[k].to - meetings[k].from + 1, bad = 0, rc;
	char title[200], ptitle[200];

	for (int i = 0; i < n; i++)
		inv[i] = x->rep[meetings[k].from + i];
	snprintf(title, sizeof title, "%s：%s", meetings[k].name, topic);
	snprintf(ptitle, sizeof ptitle, "同意%s", topic);
	const struct meeting_in in = { .unit_id = x->unit,
				       .type = meetings[k].type,
				       .matter_id = matter,
				       .title = title,
				       .starts_at = at,
				       .ends_at = at + 2 * HOUR,
				       .place = "龙桥社区党群服务中心议事厅",
				       .agenda = topic,
				       .invitees = inv,
				       .n_invitees = n,
				       .created_by = x->staff };
	rc = meeting_create(x->c, &in, at - 3 * DAY, &mid, &bad);
	if (rc == 0)
		rc = meeting_attend(x->c, mid, inv, meetings[k].present, at, &bad);
	if (rc == 0)
		rc = proposal_add(x->c, mid, ptitle, topic, inv[0], x->staff, at + HOUR, &pid);
	for (int i = 0; rc == 0 && i < meetings[k].present; i++)
		rc = vote_cast(x->c, pid, inv[i], i == meetings[k].present - 1 ? "abstain" : "for",
			       at + HOUR);
	const struct meeting_resolution_in res = {
		.text = ptitle, .adopted = &pid, .n_adopted = 1, .by = x->staff
	};
	if (rc == 0)
		rc = meeting_resolve(x->c, mid, &res, at + 2 * HOUR, &proj, &bad);
	if (rc == 0)
		rc = matter_step_take(x->c, matter, meetings[k].step, mid, NULL, 0, 0, x->staff,
				      at + 3 * HOUR);
	if (rc > 0)
		fprintf(stderr, "demo: matters: %s refused (%d)\n", meetings[k].step, rc);
	return rc > 0 ? DB_ERR : rc;
}

static int id_row(struct db_stmt *st, void *p)
{
	int64_t *ids = p;

	for (int i = 0; i < 3; i++)
		if (!ids[i]) {
			ids[i] = db_col_int64(st, 0);
			return 0;
		}
	return DB_ROW;
}

static int setup(struct ctx *x, int64_t now, int64_t appeals[3])
{
	struct unit_ref u;
	char hi[256];
	int rc = db_query_int64(
		x->c, &x->unit,
		"SELECT id FROM units WHERE name = '龙桥社区' AND kind = 'community'", "");

	if (rc == DB_ROW)
		rc = unit_get(x->c, x->unit, &u);
	if (rc == DB_ROW)
		rc = db_query_int64(x->c, &x->staff,
				    "SELECT id FROM accounts WHERE username = 'longqiao'", "");
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	snprintf(x->path, sizeof x->path, "%s", u.path);
	path_upper(u.path, hi, sizeof hi);
	rc = db_each(x->c, id_row, appeals,
		     "SELECT id FROM appeals WHERE unit_path >= ? AND unit_path < ? ORDER BY id "
		     "LIMIT 3",
		     "tt", u.path, hi);
	for (int i = 0; rc >= 0 && i < N_REPS; i++) {
		const struct representative_in in = {
			.unit_id = x->unit, .name = reps[i].name, .kind = reps[i].kind, .active = 1
		};
		rc = representative_add(x->c, NULL, &in, now - 120 * DAY, &x->rep[i]);
	}
	return rc > 0 ? DB_ERR : rc < 0 ? rc : 0;
}

/* 龙桥社区中心花园改造提升: three steps done, the decision next. */
static int midway(struct ctx *x, int64_t now, const int64_t appeals[3], int n_appeals)
{
	const char *topic = "龙桥社区中心花园改造提升";
	const struct matter_in in = {
		.unit_id = x->unit,
		.title = topic,
		.description = "中心花园地面破损、照明不足、缺少适老座椅，居民多次反映。拟整体改造"
			       "步道、照明和休憩设施，预算6.8万元。",
		.category = "facility",
		.amount_fen = 6800000,
		.source_kind = n_appeals ? "appeals" : "staff",
		.source_note = "居民多次反映中心花园设施老化",
		.appeal_ids = appeals,
		.n_appeals = n_appeals,
		.created_by = x->staff,
	};
	int64_t id;
	int rc = matter_create(x->c, &in, cal_midnight(now) - 25 * DAY + 9 * HOUR, &id);

	for (int k = 0; rc == 0 && k < 3; k++)
		rc = meeting_step(x, k, id, topic,
				  cal_midnight(now) - (20 - 6 * k) * DAY + 14 * HOUR);
	return rc;
}

/* The project the finished matter carried out, approved, paid and completed. */
static int finished_project(struct ctx *x, int64_t now, int64_t *project)
{
	int64_t item = 0;
	char hi[256];
	const struct project_in in = { .unit_id = x->unit,
				       .year = cal_year_of(now),
				       .type = "environment",
				       .title = "龙桥社区老旧小区雨污分流改造",
				       .goal = "完成3、5、7幢雨污分流管网改造，消除雨天返水",
				       .budget_fen = 9600000,
				       .responsible_unit_id = x->unit,
				       .state = PROJECT_APPROVED,
				       .created_by = x->staff };
	int rc = project_create(x->c, &in, project);

	path_upper(x->path, hi, sizeof hi);
	if (rc == 0)
		rc = db_query_int64(x->c, &item,
				    "SELECT id FROM commitment_items WHERE unit_path >= ? AND "
				    "unit_path < ? ORDER BY id LIMIT 1",
				    "tt", x->path, hi);
	if (rc == DB_ROW)
		rc = project_link_item(x->c, *project, item, now);
	else if (rc == DB_DONE)
		rc = 0;
	if (rc == 0)
		rc = project_step(x->c, *project, "start", NULL, 0, x->staff,
				  cal_midnight(now) - 41 * DAY + 9 * HOUR);
	if (rc == 0)
		rc = fund_demo_spend(x->c, *project, 9600000, "雨污分流改造工程款", 0, "龙桥社区",
				     0, "长桥街道", now);
	if (rc == 0)
		rc = project_step(x->c, *project, "complete",
				  "3、5、7幢雨污分流管网全部完工，经雨季检验不再返水", 0, x->staff,
				  now);
	return rc > 0 ? DB_ERR : rc;
}

/* 龙桥社区老旧小区雨污分流改造: all seven steps. */
static int finished(struct ctx *x, int64_t now)
{
	const char *topic = "龙桥社区老旧小区雨污分流改造";
	const struct matter_in in = {
		.unit_id = x->unit,
		.title = topic,
		.description = "3、5、7幢雨污合流，雨天污水返溢。拟实施雨污分流改造，预算9.6万元。",
		.category = "facility",
		.amount_fen = 9600000,
		.source_kind = "resident",
		.source_note = "居民代表在议事会上提议实施雨污分流",
		.created_by = x->staff,
	};
	int64_t id, resident = 0, account = 0, objection, project = 0, day = cal_midnight(now);
	int rc = matter_create(x->c, &in, day - 80 * DAY + 9 * HOUR, &id);

	for (int k = 0; rc == 0 && k < 4; k++)
		rc = meeting_step(x, k, id, topic, day - (75 - 6 * k) * DAY + 14 * HOUR);
	if (rc == 0)
		rc = matter_step_take(x->c, id, "publish_resolution", 0,
				      "经居民代表会议表决通过：实施3、5、7幢雨污分流改造，"
				      "预算9.6万元，由社区统一组织施工。",
				      7, 0, x->staff, day - 50 * DAY + 10 * HOUR);
	if (rc == 0 &&
	    db_query_int64(x->c, &account, "SELECT id FROM accounts WHERE username = 'resident'",
			   "") == DB_ROW)
		rc = db_query_int64(x->c, &resident,
				    "SELECT resident_id FROM accounts WHERE id = ?", "i",
				    account) < 0
			     ? DB_ERR
			     : 0;
	if (rc == 0 && resident)
		rc = matter_objection_add(x->c, id, resident, account,
					  "施工期间请做好围挡，保证老人出行安全",
					  day - 48 * DAY + 20 * HOUR, &objection);
	if (rc == 0 && resident)
		rc = matter_objection_answer(x->c, objection,
					     "已要求施工方分段施工、设置围挡并保留通道", x->staff,
					     day - 47 * DAY + 9 * HOUR);
	if (rc == 0)
		rc = finished_project(x, now, &project);
	if (rc == 0)
		rc = matter_step_take(x->c, id, "implement", 0, "社区组织实施，项目已立项", 0,
				      project, x->staff, day - 42 * DAY + 9 * HOUR);
	if (rc == 0)
		rc = matter_step_take(x->c, id, "publish_result", 0,
				      "改造已完工并通过验收，经雨季检验不再返水，工程款9.6万元"
				      "由社区为民服务专项经费支付。",
				      0, 0, x->staff, now);
	if (rc > 0)
		fprintf(stderr, "demo: matters: a step of the finished matter refused (%d)\n", rc);
	return rc > 0 ? DB_ERR : rc;
}

int demo_matters(struct db_conn *c, int64_t now)
{
	struct ctx x = { .c = c };
	int64_t appeals[3] = { 0 };
	int n = 0, rc = setup(&x, now, appeals);

	while (n < 3 && appeals[n])
		n++;
	if (rc == 0)
		rc = midway(&x, now, appeals, n);
	if (rc == 0)
		rc = finished(&x, now);
	if (rc < 0)
		return rc;
	printf("matters: 龙桥社区 — %d representatives, 7 meetings, one major matter midway "
	       "(decide next), one through all seven steps with its project\n",
	       N_REPS);
	return 0;
}
