/*
 * demo_projects.c — the demo district's projects (便民实事), in the demo's
 * open transaction.
 *
 * Every grid Party branch (网格党支部) gets one convenience project for the
 * current Shanghai year, the types rotating over the five kinds (dispute
 * mediation, meal delivery, environment, epidemic prevention, illegal
 * construction) with a title after its grid, a goal, two milestones and a
 * budget of 5,000–50,000 CNY. The states are mixed the same way every run:
 * proposed, approved, in progress (with a progress update), completed (with
 * an outcome), now and then cancelled with a reason. A project names the
 * latest two appeals of its grid of a matching category, if any, as its
 * sources; 龙桥社区's grid projects serve its commitment items. 南亭社区 gets the community project
 * "南亭社区助餐服务点" (meal delivery, approved, 50,000 CNY) on which the
 * fund's demo posts its spend; it finds it by that title.
 *
 * SQL here only finds units, appeals and items; every write goes through
 * projects.h (project_create, project_step, the link functions).
 */
#include "cmd/cmd.h"

#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "org/org.h"
#include "projects/projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct demo_kind {
	const char *type, *title, *goal, *m1, *m2;
	int64_t base_fen;
	const char *category; /* the appeals that lead to such a project */
} kinds[] = {
	{ "dispute_mediation", "“老娘舅”邻里调解室",
	  "依托网格党支部设立邻里调解室，党员骨干每周值班，邻里纠纷调解成功率达到95%以上。",
	  "调解室挂牌并排定值班表", "全年调解台账归档", 500000, "dispute" },
	{ "meal_delivery", "老年助餐送餐上门",
	  "为网格内80周岁以上独居、高龄老人提供助餐送餐上门服务，覆盖率达到90%。",
	  "摸排高龄独居老人名单", "送餐志愿者队伍组建完成", 1500000, "elderly_care" },
	{ "environment", "楼道堆物与小区环境整治",
	  "清理楼道堆物、整治绿化带和非机动车停放，消除消防隐患，居民满意率达到90%。",
	  "完成楼道堆物摸排", "集中清理并建立长效巡查", 1200000, "environment" },
	{ "epidemic_prevention", "秋冬季传染病防控宣传与接种服务",
	  "开展秋冬季呼吸道传染病防控宣传，组织老年人疫苗接种，重点人群接种率提高10个百分点。",
	  "入户宣传全覆盖", "接种服务日集中开展", 800000, "safety_hazard" },
	{ "illegal_construction", "违法搭建排查整治",
	  "全面排查网格内违法搭建，依法拆除存量违建，新增违建“零增长”。", "违建点位排查建档",
	  "存量违建拆除销项", 2000000, "illegal_construction" },
};
#define N_KINDS ((int)(sizeof kinds / sizeof *kinds))

struct grid {
	int64_t id;
	char name[601], path[256];
};

struct grids {
	struct grid *g;
	size_t n, cap; /* cap in bytes */
};

static int grid_row(struct db_stmt *st, void *ctx)
{
	struct grids *x = ctx;
	const char *name = db_col_text(st, 1), *path = db_col_text(st, 2);

	if (buf_reserve(&x->g, &x->cap, (x->n + 1) * sizeof *x->g))
		return DB_ENOMEM;
	x->g[x->n].id = db_col_int64(st, 0);
	snprintf(x->g[x->n].name, sizeof x->g[x->n].name, "%s", name ? name : "");
	snprintf(x->g[x->n].path, sizeof x->g[x->n].path, "%s", path ? path : "");
	x->n++;
	return 0;
}

struct ids {
	int64_t v[16];
	int n;
};

static int id_row(struct db_stmt *st, void *ctx)
{
	struct ids *x = ctx;

	if (x->n < (int)(sizeof x->v / sizeof *x->v))
		x->v[x->n++] = db_col_int64(st, 0);
	return 0;
}

/* The latest two appeals of a category placed in a grid (neither merged nor rejected). */
static int grid_appeals(struct db_conn *c, const char *path, const char *category, struct ids *out)
{
	char hi[256];

	out->n = 0;
	path_upper(path, hi, sizeof hi);
	return db_each(
		c, id_row, out,
		"SELECT a.id FROM appeals a JOIN appeal_categories c ON c.id = a.category_id "
		"WHERE a.unit_path >= ? AND a.unit_path < ? AND c.code = ? AND a.status NOT "
		"IN ('merged', 'rejected') ORDER BY a.id DESC LIMIT 2",
		"ttt", path, hi, category);
}

/* 龙桥社区's path and its commitment items. */
static int longqiao(struct db_conn *c, char path[256], struct ids *items)
{
	int rc;

	items->n = 0;
	path[0] = '\0';
	rc = db_text(c, path, 256, "SELECT path FROM units WHERE kind = 'community' AND name = ?",
		     "t", "龙桥社区");
	if (rc < 0 || rc == DB_DONE)
		return rc < 0 ? rc : 0;
	return db_each(c, id_row, items,
		       "SELECT id FROM commitment_items WHERE unit_path = ? ORDER BY id LIMIT 16",
		       "t", path);
}

/* Take project id as far as the i-th pattern says. */
static int advance(struct db_conn *c, int64_t id, size_t i, int64_t now)
{
	int step = (int)(i % 6), rc = 0;

	if (i % 37 == 36)
		return project_step(c, id, "cancel", "居民意见不一，调整到下一年度实施", -1, 0,
				    now);
	if (step == 0)
		return 0; /* proposed */
	rc = project_step(c, id, "approve", "街道同意立项", -1, 0, now);
	if (rc == 0 && step >= 2 && step != 5)
		rc = project_step(c, id, "start", "项目启动", -1, 0, now);
	if (rc == 0 && (step == 2 || step == 3))
		rc = project_step(c, id, "progress", "按计划推进，已完成前期摸排",
				  step == 2 ? 30 : 60, 0, now);
	if (rc == 0 && step == 4)
		rc = project_step(c, id, "complete", "项目按期完成，居民满意度调查满意率96%", -1, 0,
				  now);
	return rc;
}

static int grid_project(struct db_conn *c, const struct grid *g, size_t i, int year,
			const char *longqiao_path, const struct ids *items, int64_t now,
			int *linked)
{
	const struct demo_kind *k = &kinds[i % N_KINDS];
	char title[700], due1[16], due2[16];
	int64_t id = 0;
	int rc;

	snprintf(title, sizeof title, "%s%s", g->name, k->title);
	snprintf(due1, sizeof due1, "%d-06-30", year);
	snprintf(due2, sizeof due2, "%d-12-15", year);
	const struct project_in in = {
		.unit_id = g->id,
		.year = year,
		.type = k->type,
		.title = title,
		.goal = k->goal,
		.budget_fen = k->base_fen + (int64_t)((i * 7919) % 31) * 100000,
		.responsible_unit_id = g->id,
		.responsible_person = "网格党支部书记",
		.state = PROJECT_PROPOSED,
	};
	rc = project_create(c, &in, &id);
	if (rc == 0)
		rc = project_add_milestone(c, id, k->m1, due1);
	if (rc == 0)
		rc = project_add_milestone(c, id, k->m2, due2);
	if (rc == 0) {
		struct ids a;
		rc = grid_appeals(c, g->path, k->category, &a);
		for (int j = 0; rc == 0 && j < a.n; j++)
			rc = project_link_appeal(c, id, a.v[j], now);
		*linked += a.n;
	}
	if (rc == 0 && items->n && longqiao_path[0] &&
	    !strncmp(g->path, longqiao_path, strlen(longqiao_path)))
		rc = project_link_item(c, id, items->v[i % (size_t)items->n], now);
	if (rc == 0)
		rc = advance(c, id, i, now);
	return rc;
}

/* 南亭社区's meal point project, which the fund's demo spends on. */
static int nanting(struct db_conn *c, int year)
{
	int64_t unit = 0, id = 0;
	int rc = db_query_int64(c, &unit,
				"SELECT id FROM units WHERE kind = 'community' AND name = ?", "t",
				"南亭社区");

	if (rc < 0 || !unit)
		return rc < 0 ? rc : -1;
	const struct project_in in = {
		.unit_id = unit,
		.year = year,
		.type = "meal_delivery",
		.title = "南亭社区助餐服务点",
		.goal = "新建社区助餐服务点，为辖区80周岁以上老人提供堂食和送餐上门服务，每日供餐约"
			"120份，80周岁以上老人助餐需求全覆盖。",
		.budget_fen = 5000000,
		.responsible_unit_id = unit,
		.responsible_person = "社区党委书记",
		.state = PROJECT_APPROVED,
	};
	return project_create(c, &in, &id);
}

int demo_projects(struct db_conn *c, int64_t now)
{
	struct grids gs = { 0 };
	struct ids items;
	char lq[256];
	int year = cal_year_of(now), linked = 0;
	int64_t t0 = clock_mono_us();
	int rc = db_each(c, grid_row, &gs,
			 "SELECT id, name, path FROM units WHERE kind = 'grid' ORDER BY id", "");

	if (rc == 0)
		rc = longqiao(c, lq, &items);
	for (size_t i = 0; rc == 0 && i < gs.n; i++)
		rc = grid_project(c, &gs.g[i], i, year, lq, &items, now, &linked);
	if (rc == 0)
		rc = nanting(c, year);
	free(gs.g);
	if (rc != 0) {
		fprintf(stderr, "error: demo projects: %d\n", rc);
		return -1;
	}
	printf("projects: %zu grid projects for %d (%d appeals linked) and 南亭社区助餐服务点; "
	       "%.1f s\n",
	       gs.n, year, linked, (double)(clock_mono_us() - t0) / 1e6);
	return 0;
}
