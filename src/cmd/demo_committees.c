/*
 * demo_committees.c — the demo district's area joint committee, in the
 * demo's open transaction: 尹东片区联合党委 of 郭巷街道 over 尹东社区 and
 * the two communities after it, with member organisations of every kind in
 * the street's register (a government body, a resident unit, two non-public
 * enterprises, a social organisation, a school, the district's health
 * commission) and all four lists filled: needs from residents, appeals of
 * 尹东社区 and an enterprise visit; resources of every kind; one project
 * done (its needs met, its resources used) and one running; responsibilities
 * done, open and one overdue. Some needs stay unmet and some resources
 * unused, so the match view has something to show.
 *
 * The register's phones are left empty: the demo's functions take no key
 * (contact persons are named). SQL here only finds units, appeals and
 * accounts; every write goes through committees.h.
 */
#include "cmd/cmd.h"

#include "calendar/calendar.h"
#include "committees/committees.h"
#include "core/util.h"
#include "db/store.h"

#include <stdio.h>
#include <string.h>

struct ids {
	int64_t v[4];
	int n;
};

static int id_row(struct db_stmt *st, void *ctx)
{
	struct ids *x = ctx;

	if (x->n < (int)(sizeof x->v / sizeof *x->v))
		x->v[x->n++] = db_col_int64(st, 0);
	return 0;
}

static const struct demo_org {
	const char *name, *kind, *contact, *address, *role;
	int district; /* kept by the district, not the street */
} orgs[] = {
	{ "郭巷街道城市管理办公室", "gov", "陈科长", "郭巷街道办事处二楼", "副书记单位", 0 },
	{ "吴中区卫生健康委员会", "gov", "周主任", "吴中区行政中心", "共建单位", 1 },
	{ "国网苏州吴中供电公司郭巷供电所", "resident_unit", "钱所长", "郭巷街道尹山湖路8号",
	  "兼职委员单位", 0 },
	{ "苏州尹东精密电子有限公司", "enterprise", "吴总经理", "郭巷街道尹东工业区", "成员单位",
	  0 },
	{ "苏州郭巷物流有限公司", "enterprise", "郑经理", "郭巷街道东方大道", "成员单位", 0 },
	{ "吴中区尹东为老服务社", "social_org", "冯社长", "尹东社区党群服务中心", "成员单位", 0 },
	{ "苏州市吴中区尹山湖实验小学", "school", "何校长", "郭巷街道尹山湖路", "共建单位", 0 },
};
#define N_ORGS ((int)(sizeof orgs / sizeof *orgs))

struct demo {
	struct db_conn *c;
	int64_t now, jc, org[N_ORGS], comm[3], need[8], res[8], proj[2];
};

static int add_need(struct demo *d, int i, int comm, const char *title, const char *detail,
		    const char *source, int org, const char *wants, const int64_t *appeals, int na)
{
	const struct need_in in = { .committee_id = d->jc,
				    .community_id = d->comm[comm],
				    .title = title,
				    .detail = detail,
				    .source = source,
				    .organisation_id = org >= 0 ? d->org[org] : 0,
				    .wants = wants,
				    .appeal_ids = appeals,
				    .n_appeals = na };
	return committee_need_create(d->c, &in, &d->need[i]);
}

static int add_resource(struct demo *d, int i, int org, const char *kind, const char *title,
			int64_t quantity, const char *unit, int64_t amount_fen)
{
	const struct resource_in in = { .committee_id = d->jc,
					.organisation_id = d->org[org],
					.kind = kind,
					.title = title,
					.quantity = quantity,
					.quantity_unit = unit,
					.amount_fen = amount_fen };
	return committee_resource_create(d->c, &in, &d->res[i]);
}

static int add_duty(struct demo *d, int64_t proj, int64_t need, int org, const char *person,
		    const char *task, int days, int done)
{
	char due[CAL_DAY_TEXT];
	int64_t id = 0, changed = 0;
	const struct duty_in in = { .committee_id = d->jc,
				    .cproject_id = proj,
				    .need_id = need,
				    .organisation_id = org >= 0 ? d->org[org] : 0,
				    .person = person,
				    .task = task,
				    .due_date = cal_day_format(cal_day_of(d->now) + days, due) };
	int rc = committee_duty_create(d->c, &in, &id);

	if (rc == 0 && done)
		rc = committee_set_state(d->c, d->jc, CL_DUTY, id, "done", d->now, &changed);
	return rc;
}

static int the_committee(struct demo *d)
{
	struct ids street = { 0 }, comms = { 0 };
	int rc = db_each(d->c, id_row, &street,
			 "SELECT id FROM units WHERE kind = 'street' AND name = '郭巷街道'", "");

	if (rc < 0 || street.n != 1)
		return rc < 0 ? rc : DB_EMISUSE;
	/* 尹东社区 first, then the two communities after it */
	rc = db_each(d->c, id_row, &comms,
		     "SELECT id FROM units WHERE kind = 'community' AND parent_id = ? ORDER BY "
		     "CASE WHEN name = '尹东社区' THEN 0 ELSE 1 END, id LIMIT 3",
		     "i", street.v[0]);
	if (rc < 0 || comms.n != 3)
		return rc < 0 ? rc : DB_EMISUSE;
	memcpy(d->comm, comms.v, sizeof d->comm);
	const struct committee_in in = {
		.unit_id = street.v[0],
		.name = "尹东片区联合党委",
		.secretary = "沈建华",
		.note = "以尹东社区为中心，联合周边社区、驻区单位、非公企业、社会组织"
			"和学校，按需求、资源、项目、责任四张清单共商共建。",
		.community_ids = d->comm,
		.n_communities = 3
	};
	struct ids root = { 0 };
	rc = db_each(d->c, id_row, &root,
		     "SELECT id FROM units WHERE kind = 'district' ORDER BY id LIMIT 1", "");
	if (rc < 0 || root.n != 1)
		return rc < 0 ? rc : DB_EMISUSE;
	rc = committee_create(d->c, &in, &d->jc);
	for (int i = 0; rc == 0 && i < N_ORGS; i++) {
		const struct organisation_in o = { .unit_id = orgs[i].district ? root.v[0]
									       : street.v[0],
						   .name = orgs[i].name,
						   .kind = orgs[i].kind,
						   .contact_person = orgs[i].contact,
						   .address = orgs[i].address };
		rc = organisation_create(d->c, NULL, &o, &d->org[i]);
		if (rc == 0)
			rc = committee_member_put(d->c, d->jc, d->org[i], orgs[i].role, d->now);
	}
	return rc;
}

static int the_needs(struct demo *d)
{
	struct ids ap = { 0 };
	char path[256] = "", hi[256];
	int rc = db_text(d->c, path, sizeof path, "SELECT path FROM units WHERE id = ?", "i",
			 d->comm[0]);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	snprintf(hi, sizeof hi, "%.*s0", (int)strlen(path) - 1, path);
	rc = db_each(d->c, id_row, &ap,
		     "SELECT id FROM appeals WHERE unit_path >= ? AND unit_path < ? AND status NOT "
		     "IN ('merged', 'rejected') ORDER BY id DESC LIMIT 2",
		     "tt", path, hi);
	if (rc < 0)
		return rc;
	if (rc == 0)
		rc = add_need(d, 0, 0, "尹东社区老年活动室桌椅老旧",
			      "活动室现有桌椅使用超过十年，部分损坏，老年人活动存在安全隐患。",
			      "resident", -1, "equipment,money", NULL, 0);
	if (rc == 0)
		rc = add_need(d, 1, 0, "放学后“四点半课堂”缺少场地和辅导老师",
			      "双职工家庭子女放学后无人看护，需要场地和志愿辅导。",
			      ap.n ? "appeal" : "resident", -1, "room,volunteers", ap.v, ap.n);
	if (rc == 0)
		rc = add_need(d, 2, 1, "小区电动自行车充电桩不足",
			      "楼道飞线充电屡禁不止，居民要求增设集中充电设施。", "resident", -1,
			      "equipment,money", NULL, 0);
	if (rc == 0)
		rc = add_need(d, 3, 0, "企业一线岗位招工难",
			      "走访尹东精密电子时企业反映，装配岗位缺员约30人。", "visit", 3,
			      "skills", NULL, 0);
	if (rc == 0)
		rc = add_need(d, 4, 2, "独居老人定期健康随访",
			      "社区内独居老人较多，需要医疗机构定期上门随访。", "resident", -1,
			      "skills,volunteers", NULL, 0);
	if (rc == 0)
		rc = add_need(d, 5, 1, "背街小巷夜间照明不足", "居民夜间出行不便，存在安全隐患。",
			      "resident", -1, "money,equipment", NULL, 0);
	return rc;
}

static int the_resources(struct demo *d)
{
	int rc = add_resource(d, 0, 6, "room", "学校多功能教室（放学后开放）", 2, "间", 0);

	if (rc == 0)
		rc = add_resource(d, 1, 5, "volunteers", "为老服务志愿者", 15, "人", 0);
	if (rc == 0)
		rc = add_resource(d, 2, 3, "money", "企业共建资金", 0, NULL, 3000000);
	if (rc == 0)
		rc = add_resource(d, 3, 1, "skills", "家庭医生团队上门随访", 4, "次/月", 0);
	if (rc == 0)
		rc = add_resource(d, 4, 2, "equipment", "集中充电桩设备", 20, "套", 0);
	if (rc == 0)
		rc = add_resource(d, 5, 4, "volunteers", "物流企业青年志愿者", 10, "人", 0);
	if (rc == 0)
		rc = add_resource(d, 6, 3, "equipment", "淘汰办公桌椅", 30, "套", 0);
	if (rc == 0)
		rc = add_resource(d, 7, 4, "room", "企业会议室（周末开放）", 1, "间", 0);
	return rc;
}

static int the_projects(struct demo *d)
{
	int64_t taken = 0, changed = 0;
	char what = 0;
	const int64_t n0[] = { d->need[0] }, r0[] = { d->res[6], d->res[2] };
	const int64_t n1[] = { d->need[1] }, r1[] = { d->res[0], d->res[5] };
	const struct cproject_in a = { .committee_id = d->jc,
				       .title = "尹东老年活动室桌椅更新",
				       .detail = "企业捐赠桌椅，共建资金补足，活动室焕然一新。",
				       .need_ids = n0,
				       .n_needs = 1,
				       .resource_ids = r0,
				       .n_resources = 2 };
	const struct cproject_in b = { .committee_id = d->jc,
				       .title = "尹山湖“四点半课堂”",
				       .detail = "学校开放教室，物流企业青年志愿者轮流辅导。",
				       .need_ids = n1,
				       .n_needs = 1,
				       .resource_ids = r1,
				       .n_resources = 2 };
	int rc = committee_project_create(d->c, &a, &d->proj[0], &taken, &what);

	if (rc == 0)
		rc = committee_set_state(d->c, d->jc, CL_PROJECT, d->proj[0], "running", d->now,
					 &changed);
	if (rc == 0)
		rc = committee_set_state(d->c, d->jc, CL_PROJECT, d->proj[0], "done", d->now,
					 &changed);
	if (rc == 0)
		rc = committee_project_create(d->c, &b, &d->proj[1], &taken, &what);
	if (rc == 0)
		rc = committee_set_state(d->c, d->jc, CL_PROJECT, d->proj[1], "running", d->now,
					 &changed);
	return rc;
}

static int the_duties(struct demo *d)
{
	int rc = add_duty(d, d->proj[0], 0, 3, "吴总经理", "捐赠并送达办公桌椅30套", -20, 1);

	if (rc == 0)
		rc = add_duty(d, d->proj[0], 0, 0, "陈科长", "组织活动室桌椅验收", -10, 1);
	if (rc == 0)
		rc = add_duty(d, d->proj[1], 0, 6, "何校长", "排定开放教室的时间表", -5, 0);
	if (rc == 0)
		rc = add_duty(d, d->proj[1], 0, 4, "郑经理", "组织青年志愿者轮值辅导", 14, 0);
	if (rc == 0)
		rc = add_duty(d, 0, d->need[2], -1, "尹东社区 沈建华", "摸排充电需求并选址", 21, 0);
	return rc;
}

int demo_committees(struct db_conn *c, int64_t now)
{
	struct demo d = { .c = c, .now = now };
	int rc = the_committee(&d);

	if (rc == 0)
		rc = the_needs(&d);
	if (rc == 0)
		rc = the_resources(&d);
	if (rc == 0)
		rc = the_projects(&d);
	if (rc == 0)
		rc = the_duties(&d);
	if (rc == 0)
		printf("joint committee: 尹东片区联合党委 with %d member organisations, 6 needs, 8 "
		       "resources, "
		       "2 projects, 5 responsibilities\n",
		       N_ORGS);
	return rc;
}
