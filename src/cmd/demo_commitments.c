/*
 * demo_commitments.c — the demo district's term-commitment lists
 * (任期目标公开承诺清单), in the demo's open transaction.
 *
 * Every community gets a list for the term 2021-01-01 … 2026-12-31 titled
 * after its Party committee, with four items: the secretary's, the deputy
 * secretary's, a committee member's and the organisation's own. 龙桥社区
 * gets its ten public commitments, two of them named as in the report
 * ("经济发展惠及民生实事", "党建引领优化社区治理"). The states are mixed
 * the same way every run: progress posted on most items, a couple verified
 * (done), one awaiting the street's verification, one overdue (its due date
 * a month before the demo's today). Members' names come from the demo's
 * generator. Every write goes through commitments.h.
 */
#include "cmd/cmd.h"

#include "calendar/calendar.h"
#include "commitments/commitments.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TERM_START "2021-01-01"
#define TERM_END   "2026-12-31"

/* What happens to a demo item after it is made. */
enum demo_state { OPEN, PROGRESS, DONE, VERIFYING, OVERDUE };

struct demo_item {
	const char *post; /* NULL: the organisation as a whole */
	const char *title, *category, *target, *detail;
	enum demo_state state;
	int percent;
};

static const struct demo_item longqiao_items[] = {
	{ "党委书记", "经济发展惠及民生实事", "livelihood",
	  "新增就业岗位200个，社区集体经济收入年增长8%",
	  "盘活社区闲置用房，发展楼宇经济，收益用于民生实事。", DONE, 100 },
	{ "党委书记", "党建引领优化社区治理", "party_building",
	  "建成“党建+网格”治理体系，网格党支部覆盖率100%", "把支部建在网格上，党员中心户联系群众。",
	  VERIFYING, 100 },
	{ "党委副书记", "网格化服务全覆盖", "governance", "网格员每月走访住户覆盖率100%",
	  "网格员定期走访，诉求当日响应。", PROGRESS, 70 },
	{ "党委副书记", "为老助餐服务提质", "services", "80岁以上老人助餐覆盖率达到90%",
	  "新增助餐点2个，开通送餐上门。", DONE, 100 },
	{ "党委委员", "垃圾分类示范小区创建", "environment", "辖区小区垃圾分类准确率达到95%",
	  "每个小区设置定时定点投放点，志愿者值守。", PROGRESS, 50 },
	{ "党委委员", "平安社区建设", "safety", "新增高清探头60个，电动车进楼入户清零",
	  "完成技防设施改造，开展消防演练。", OVERDUE, 30 },
	{ "党委委员", "党员志愿服务常态化", "party_building",
	  "在职党员到社区报到率100%，每人每年服务不少于12小时", "建立党员志愿服务积分制度。",
	  PROGRESS, 40 },
	{ NULL, "老旧小区加装电梯", "livelihood", "完成加装电梯10部",
	  "协调居民意见，争取专项补贴。", PROGRESS, 20 },
	{ NULL, "社区“微实事”项目落地", "governance", "每年由居民票选并完成微实事项目不少于3个",
	  "居民提议、居民票选、居民监督。", PROGRESS, 10 },
	{ NULL, "为民服务专项经费公开", "other", "专项经费使用情况每季度公开一次",
	  "经费台账上墙公开，接受居民监督。", OPEN, 0 },
};

static const struct demo_item common_items[] = {
	{ "党委书记", "建强社区党组织战斗堡垒", "party_building",
	  "每季度召开党员大会1次，每年发展党员2名", "落实“三会一课”，规范组织生活。", PROGRESS,
	  60 },
	{ "党委副书记", "完善网格化服务管理", "governance", "网格员每月走访住户覆盖率100%",
	  "网格事项闭环处置。", PROGRESS, 40 },
	{ "党委委员", "办好为老助餐服务", "services", "80岁以上老人助餐覆盖率达到90%",
	  "依托助餐点开展送餐上门。", DONE, 100 },
	{ NULL, "整治老旧小区环境", "environment", "完成3个小区环境改造",
	  "道路、绿化、停车一并整治。", PROGRESS, 20 },
};

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵",
					"吴", "周", "徐", "孙", "马", "朱", "胡", "沈" };
static const char *const given[] = {
	"建国", "秀英", "志明", "丽华", "国强", "玉兰", "海燕", "伟",
	"敏",	"静",	"军",	"芳",	"红梅", "晓东", "卫东", "春燕"
};

struct community {
	int64_t id;
	char name[601], path[256];
};
struct communities {
	struct community *v;
	size_t n, cap;
};

static int community_row(struct db_stmt *st, void *ctx)
{
	struct communities *l = ctx;
	struct community *u;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 128;
		struct community *p = realloc(l->v, cap * sizeof *p);
		if (!p)
			return DB_ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	u = &l->v[l->n++];
	u->id = db_col_int64(st, 0);
	snprintf(u->name, sizeof u->name, "%s", db_col_text(st, 1));
	snprintf(u->path, sizeof u->path, "%s", db_col_text(st, 2));
	return 0;
}

static void demo_name(uint64_t *rng, char out[32])
{
	snprintf(out, 32, "%s%s", surnames[demo_span(rng, 0, 15)], given[demo_span(rng, 0, 15)]);
}

/* Make item d of a community's list and take it to its state. */
static int demo_item(struct db_conn *c, const struct community *u, int64_t list_id,
		     const struct demo_item *d, uint64_t *rng, int64_t now, const char *overdue_day,
		     char names[2][32])
{
	char made[32];
	const char *name = made;
	const char *due = d->state == OVERDUE ? overdue_day : TERM_END;
	int64_t id, ev, t = now - 86400 * (int64_t)demo_span(rng, 30, 300);
	int rc;

	/* the secretary and the deputy are one person each; committee members vary */
	if (d->post && !strcmp(d->post, "党委书记"))
		name = names[0];
	else if (d->post && !strcmp(d->post, "党委副书记"))
		name = names[1];
	else
		demo_name(rng, made);
	rc = commitment_item_create(
		c, list_id, u->id, u->path,
		&(struct commitment_item_in){ .member_name = d->post ? name : NULL,
					      .member_post = d->post,
					      .title = d->title,
					      .detail = d->detail,
					      .category = d->category,
					      .target = d->target,
					      .due_date = due },
		0, t, &id);
	if (rc == 0 && d->state != OPEN)
		rc = commitment_progress(c, id, d->percent, "按计划推进，已完成阶段目标。", NULL, 0,
					 t + 86400 * 10, &ev);
	if (rc == 0 && (d->state == DONE || d->state == VERIFYING))
		rc = commitment_act(c, id, "request_close", "已完成承诺目标，附现场照片和台账。",
				    NULL, NULL, 0, t + 86400 * 20, &ev);
	if (rc == 0 && d->state == DONE)
		rc = commitment_act(c, id, "verify", "经街道核实，同意销号。", NULL, NULL, 0,
				    t + 86400 * 25, &ev);
	return rc;
}

int demo_commitments(struct db_conn *c, int64_t now)
{
	struct communities l = { 0 };
	uint64_t rng = 0x13c0317;
	char overdue_day[CAL_DAY_TEXT], title[700];
	int64_t lists = 0, items = 0;
	int rc;

	/* a month ago, inside the term */
	cal_day_format(cal_day_of(now) - 30, overdue_day);
	if (strcmp(overdue_day, TERM_START) < 0 || strcmp(overdue_day, TERM_END) > 0)
		snprintf(overdue_day, sizeof overdue_day, "%s", "2026-06-30");
	rc = db_each(c, community_row, &l,
		     "SELECT id, name, path FROM units WHERE kind = 'community' ORDER BY id", "");
	for (size_t i = 0; rc >= 0 && i < l.n; i++) {
		const struct community *u = &l.v[i];
		int longqiao = !strcmp(u->name, "龙桥社区");
		const struct demo_item *set = longqiao ? longqiao_items : common_items;
		size_t n = longqiao ? sizeof longqiao_items / sizeof *longqiao_items
				    : sizeof common_items / sizeof *common_items;
		int64_t list_id;
		char names[2][32];

		demo_name(&rng, names[0]);
		demo_name(&rng, names[1]);
		snprintf(title, sizeof title, "中共%s委员会任期目标公开承诺清单", u->name);
		rc = commitment_list_create(c, u->id, u->path, TERM_START, TERM_END, title, 0, 1,
					    now - 86400 * 330, &list_id);
		lists += rc == 0;
		for (size_t k = 0; rc == 0 && k < n; k++, items++)
			rc = demo_item(c, u, list_id, &set[k], &rng, now, overdue_day, names);
	}
	free(l.v);
	if (rc < 0)
		return rc;
	printf("commitment lists: %lld lists, %lld items\n", (long long)lists, (long long)items);
	return 0;
}
