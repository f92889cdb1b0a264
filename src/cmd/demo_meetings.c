/*
 * demo_meetings.c — two closed meetings for the demo district (issue 14).
 *
 * 泾峰社区 (横泾街道): a roster of 25 Party-member and resident
 * representatives, called to a 一事一议 on the lorries that block the
 * village roads; 22 came, six proposals were raised and voted on, the
 * openable height-limit barrier passed and was adopted, residents were
 * appointed to keep it and its rules written into the resolution. One
 * proposal sits exactly at the threshold (11 for of 22 present) and so did
 * not pass.
 *
 * 家天下社区 (城南街道): a 家园议事会 on replacing a sewage pipe with the
 * property company, the homeowner committee, a department of the street
 * (organisation representatives), owners and residents; its decision
 * created a project (proposed) through projects.h.
 *
 * Every write goes through meetings.h (representative_add, meeting_create,
 * meeting_attend, proposal_add, vote_cast, meeting_resolve), inside the
 * demo's one transaction; the SQL here only finds the two communities.
 */
#include "calendar/calendar.h"
#include "cmd/cmd.h"

#include "db/store.h"
#include "meetings/meetings.h"

#include <stdio.h>
#include <string.h>

#define DAY  86400
#define HOUR 3600

static int id_row(struct db_stmt *st, void *p)
{
	*(int64_t *)p = db_col_int64(st, 0);
	return 0;
}

static int community(struct db_conn *c, const char *name, int64_t *id)
{
	int rc = db_one(c, id_row, id,
			"SELECT id FROM units WHERE name = ? AND kind = 'community' ORDER BY id",
			"t", name);

	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

struct rep {
	const char *name, *kind, *organisation;
};

/* Add reps[0..n) to unit's roster, ids into ids. */
static int roster(struct db_conn *c, int64_t unit, const struct rep *reps, int n, int64_t now,
		  int64_t *ids)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < n; i++) {
		const struct representative_in in = { .unit_id = unit,
						      .name = reps[i].name,
						      .kind = reps[i].kind,
						      .organisation = reps[i].organisation,
						      .active = 1 };
		rc = representative_add(c, NULL, &in, now, &ids[i]);
	}
	return rc > 0 ? DB_ERR : rc;
}

struct proposal {
	const char *title, *text;
	int votes_for, against; /* the rest of those present abstain */
};

/* Raise the proposals and let the present (ids[0..present)) vote: the first votes_for for,
 * the next against against, the rest abstain. */
static int raise_and_vote(struct db_conn *c, int64_t meeting, const struct proposal *ps, int n,
			  const int64_t *ids, int present, int64_t by, int64_t at, int64_t *pids)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < n; i++) {
		rc = proposal_add(c, meeting, ps[i].title, ps[i].text, ids[i % present], by,
				  at + i * 600, &pids[i]);
		for (int k = 0; rc == 0 && k < present; k++) {
			/* rotate who votes how, so no one votes alike on every proposal */
			int slot = (k + 3 * i) % present;
			const char *v = slot < ps[i].votes_for			 ? "for"
					: slot < ps[i].votes_for + ps[i].against ? "against"
										 : "abstain";
			rc = vote_cast(c, pids[i], ids[k], v, at + i * 600 + 300);
		}
	}
	return rc > 0 ? DB_ERR : rc;
}

/* ---- 泾峰社区 ------------------------------------------------------------------------- */

static const char *const jf_names[25] = {
	"沈建国", "陆海林", "顾金妹", "朱雪根", "徐美芳", "吴志强", "钱福兴", "张桂英", "周永明",
	"陈小红", "杨根宝", "孙梅珍", "马卫东", "胡阿大", "郭秀兰", "许伟峰", "何彩娥", "高国平",
	"蒋凤英", "蔡金龙", "姚素珍", "潘建华", "戴玉梅", "范林根", "金晓燕",
};

static const struct proposal jf_proposals[6] = {
	{ "增设可开启式限高杆",
	  "在三条村道入口各设一处可开启式限高杆，挡住重型货车，消防、救护、环卫车辆通行时开启。",
	  18, 2 },
	{ "设置货车禁行标志", "在村道入口设置货车禁行标志，提醒司机绕行。", 10, 8 },
	{ "请交警定期巡查", "请交警中队定期到村道巡查，处罚占道停放的货车。", 9, 9 },
	{ "划定货车临时停放区", "在工业园区空地划定货车临时停放区，引导货车集中停放。", 11, 7 },
	{ "对占道车辆车主进行劝导", "由网格员和志愿者登记占道车辆，逐一联系车主劝导。", 8, 10 },
	{ "在村道两侧加装监控", "在村道两侧加装监控，记录占道行为。", 7, 12 },
};

static int jingfeng(struct db_conn *c, int64_t now, int64_t *meeting)
{
	struct rep reps[25];
	int64_t unit, ids[25], pids[6], project;
	const int64_t at = cal_midnight(now) - 20 * DAY + 14 * HOUR; /* 14:00 Shanghai */
	int bad = 0, rc = community(c, "泾峰社区", &unit);

	for (int i = 0; i < 25; i++)
		reps[i] = (struct rep){ jf_names[i], i < 13 ? "party_member" : "resident", "" };
	if (rc == 0)
		rc = roster(c, unit, reps, 25, now - 60 * DAY, ids);
	if (rc < 0)
		return rc;
	const struct meeting_in in = {
		.unit_id = unit,
		.type = "yishi_yiyi",
		.title = "村道货车占道问题一事一议",
		.starts_at = at,
		.ends_at = at + 2 * HOUR,
		.place = "泾峰社区党群服务中心会议室",
		.agenda = "一、通报重型货车占道、压坏村道的情况；二、代表提出议案；三、逐项表决；"
			  "四、确定管理人员和管理规则。",
		.invitees = ids,
		.n_invitees = 25,
	};
	rc = meeting_create(c, &in, now - 27 * DAY, meeting, &bad);
	if (rc == 0)
		rc = meeting_attend(c, *meeting, ids, 22, at, &bad);
	if (rc == 0)
		rc = raise_and_vote(c, *meeting, jf_proposals, 6, ids, 22, 0, at + 20 * 60, pids);
	if (rc != 0)
		return rc > 0 ? DB_ERR : rc;
	const struct meeting_appointee_in apps[] = {
		{ "沈建国", "限高杆管理员（东村道）", ids[0] },
		{ "陆海林", "限高杆管理员（西村道）", ids[1] },
		{ "顾金妹", "钥匙保管与开启登记", ids[2] },
		{ "朱雪根", "巡查与损坏报修", ids[3] },
	};
	const struct meeting_resolution_in res = {
		.text = "经到会代表表决，通过“增设可开启式限高杆”议案：在东、西、南三条村道入口各设"
			"一"
			"处可开启式限高杆（限高2.2米）。管理规则：一、限高杆平时关闭，消防、救护、"
			"环卫、搬家等车辆通行时由管理员开启并登记；二、钥匙由管理员和村委会各保管一"
			"把，不得外借；三、巡查员每周巡查一次，发现损坏当日报修；四、规则在各村民小"
			"组公示，实施三个月后再次议事评估。",
		.minutes =
			"应到代表25人，实到22人，超过半数，会议有效。共提出议案6项，逐项举手表决。"
			"“划定货车临时停放区”得11票，未超过到会人数的一半，未通过。",
		.adopted = &pids[0],
		.n_adopted = 1,
		.appointees = apps,
		.n_appointees = 4,
	};
	rc = meeting_resolve(c, *meeting, &res, at + 3 * HOUR, &project, &bad);
	return rc > 0 ? DB_ERR : rc;
}

/* ---- 家天下社区 ------------------------------------------------------------------------ */

static const struct rep jtx_reps[12] = {
	{ "吴经理", "organisation", "苏州安居物业服务有限公司" },
	{ "李主任", "organisation", "家天下小区业主委员会" },
	{ "王科长", "organisation", "城南街道城建管理办公室" },
	{ "赵德明", "owner", "" },
	{ "钱丽华", "owner", "" },
	{ "孙国庆", "owner", "" },
	{ "周秀珍", "resident", "" },
	{ "郑永康", "resident", "" },
	{ "冯桂芳", "resident", "" },
	{ "陈建平", "building_leader", "" },
	{ "褚玉英", "building_leader", "" },
	{ "卫红梅", "women", "" },
};

static const struct proposal jtx_proposals[2] = {
	{ "整体更换3幢至7幢之间的污水主管",
	  "现有铸铁污水管老化破裂，雨季多次返水。整体更换为HDPE双壁波纹管，同步疏通支管。", 9, 1 },
	{ "先局部修补破损管段", "只修补破裂的三处管段，其余明年再议。", 2, 7 },
};

static int jiatianxia(struct db_conn *c, int64_t now, int64_t *meeting, int64_t *project)
{
	int64_t unit, ids[12], pids[2];
	const int64_t at = cal_midnight(now) - 12 * DAY + 19 * HOUR; /* 19:00 Shanghai */
	int bad = 0, rc = community(c, "家天下社区", &unit);

	if (rc == 0)
		rc = roster(c, unit, jtx_reps, 12, now - 40 * DAY, ids);
	if (rc < 0)
		return rc;
	const struct meeting_in in = {
		.unit_id = unit,
		.type = "homeland_council",
		.title = "小区污水管道更换家园议事会",
		.starts_at = at,
		.ends_at = at + 2 * HOUR,
		.place = "家天下社区党群服务中心会议室",
		.agenda = "一、物业通报污水管道检测结果；二、城建办说明改造政策和资金渠道；三、业委"
			  "会和居民代表发表意见；四、表决改造方案。",
		.invitees = ids,
		.n_invitees = 12,
	};
	rc = meeting_create(c, &in, now - 18 * DAY, meeting, &bad);
	if (rc == 0)
		rc = meeting_attend(c, *meeting, ids, 11, at, &bad);
	if (rc == 0)
		rc = raise_and_vote(c, *meeting, jtx_proposals, 2, ids, 11, 0, at + 30 * 60, pids);
	if (rc != 0)
		return rc > 0 ? DB_ERR : rc;
	const struct meeting_appointee_in apps[] = {
		{ "吴经理", "施工组织与现场管理（物业）", ids[0] },
		{ "李主任", "施工监督（业委会）", ids[1] },
		{ "陈建平", "楼道通知与居民协调", ids[9] },
	};
	const struct meeting_project_in proj = {
		.title = "家天下小区污水管道更换",
		.type = "environment",
		.goal = "整体更换3幢至7幢之间约260米污水主管，同步疏通支管，解决雨季返水问题。",
		.budget_fen = 28000000,
	};
	const struct meeting_resolution_in res = {
		.text = "通过“整体更换3幢至7幢之间的污水主管”方案：由物业组织施工，业委会监督，"
			"城建办指导并协调资金，施工期间分段开挖、每段不超过7天，施工前3天张贴告示"
			"。",
		.minutes =
			"应到12人，实到11人。物业、业委会、城建办和居民代表充分讨论后表决，整体更换"
			"方案9票赞成，通过；局部修补方案2票赞成，未通过。",
		.adopted = &pids[0],
		.n_adopted = 1,
		.appointees = apps,
		.n_appointees = 3,
		.project = &proj,
	};
	rc = meeting_resolve(c, *meeting, &res, at + 2 * HOUR, project, &bad);
	return rc > 0 ? DB_ERR : rc;
}

int demo_meetings(struct db_conn *c, int64_t now)
{
	int64_t jf = 0, jtx = 0, project = 0;
	int rc = jingfeng(c, now, &jf);

	if (rc == 0)
		rc = jiatianxia(c, now, &jtx, &project);
	if (rc < 0) {
		fprintf(stderr, "demo: meetings failed (%d)\n", rc);
		return rc;
	}
	printf("meetings: 泾峰社区 一事一议 %lld (25 representatives, 6 proposals, the barrier "
	       "adopted), 家天下社区 家园议事会 %lld (project %lld)\n",
	       (long long)jf, (long long)jtx, (long long)project);
	return 0;
}
