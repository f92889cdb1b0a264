/*
 * demo_micro.c — 龙桥社区's 微实事 round for the demo district, in its voting
 * window.
 *
 * The proposal window closed ten days before the demo was made, staff
 * admitted six proposals with costed estimates and declined one with a
 * reason, and voting is open from three days ago for another ten days, so a
 * resident signed in to the demo (the `resident` account, which has not
 * voted: the browser test votes with it) finds a ballot to cast. The
 * proposers are residents of 龙桥's households, without accounts. Every
 * write goes through micro.h; the SQL here only finds the community and its
 * residents.
 */
#include "cmd/cmd.h"

#include "db/store.h"
#include "micro/micro.h"
#include "org/org.h"

#include <stdio.h>

#define DAY 86400

static const struct {
	const char *title, *description;
	int64_t estimate_fen, cost_fen; /* cost 0: declined */
	const char *reason;
} proposals[] = {
	{ "楼道灯更换", "3、5、7幢楼道灯老化，晚上经常不亮，老人上下楼不安全，建议换成声控LED灯。",
	  1800000, 2200000, NULL },
	{ "健身器材", "小区中心花园的健身器材多处锈蚀，建议更换一批适合老年人的健身器材。", 3500000,
	  3800000, NULL },
	{ "小区停车线", "小区道路乱停车严重，消防通道常被占用，建议重新施划停车线并标出消防通道。",
	  1200000, 1500000, NULL },
	{ "垃圾分类亭改造", "两处垃圾分类亭没有雨棚和洗手池，建议加装雨棚、洗手池和照明。", 2500000,
	  2800000, NULL },
	{ "儿童游乐区地面", "儿童游乐区是水泥地，孩子摔倒容易受伤，建议铺设塑胶软垫。", 1600000,
	  1900000, NULL },
	{ "休闲座椅", "沿河步道没有可以歇脚的地方，建议增设十处休闲座椅。", 600000, 800000, NULL },
	{ "外墙整体翻新", "建议把小区所有楼栋的外墙整体翻新粉刷。", 30000000, 0,
	  "外墙翻新属于住宅专项维修资金的使用范围，超出本轮微实事预算，已转交物业按程序申请。" },
};

struct found {
	int64_t id;
	char path[256];
};

static int found_row(struct db_stmt *st, void *p)
{
	struct found *f = p;

	f->id = db_col_int64(st, 0);
	snprintf(f->path, sizeof f->path, "%s", db_col_text(st, 1));
	return 0;
}

static int resident_row(struct db_stmt *st, void *p)
{
	int64_t *ids = p;

	for (int i = 0; i < 7; i++)
		if (!ids[i]) {
			ids[i] = db_col_int64(st, 0);
			return i == 6 ? DB_ROW : 0;
		}
	return DB_ROW;
}

int demo_micro(struct db_conn *c, int64_t now)
{
	struct found comm = { 0 };
	int64_t round, id, changed, residents[7] = { 0 };
	int admitted = 0, rc;
	char hi[256];

	rc = db_one(c, found_row, &comm,
		    "SELECT id, path FROM units WHERE name = ? AND kind = 'community'", "t",
		    "龙桥社区");
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	path_upper(comm.path, hi, sizeof hi);
	/* seven residents of 龙桥 without an account, the proposers */
	rc = db_each(c, resident_row, residents,
		     "SELECT r.id FROM residents r WHERE r.unit_path >= ? AND r.unit_path < ? AND "
		     "NOT EXISTS (SELECT 1 FROM accounts a WHERE a.resident_id = r.id) "
		     "ORDER BY r.id LIMIT 7",
		     "tt", comm.path, hi);
	if (rc < 0)
		return rc;
	rc = micro_round_insert(
		c,
		&(struct micro_round_in){
			.unit_id = comm.id,
			.unit_path = comm.path,
			.budget_fen = 10000000,
			.title = "龙桥社区2026年度微实事",
			.description =
				"居民提议、居民投票：本轮预算10万元，得票最多且在预算内的项目"
				"列入社区年度实事。",
			.w = { now - 30 * DAY, now - 10 * DAY, now - 3 * DAY, now + 10 * DAY, 0 } },
		now - 30 * DAY, &round);
	for (size_t i = 0; rc == 0 && i < sizeof proposals / sizeof *proposals; i++) {
		int admit = proposals[i].cost_fen > 0;
		rc = micro_proposal_insert(
			c,
			&(struct micro_proposal_in){ .round_id = round,
						     .resident_id = residents[i],
						     .estimate_fen = proposals[i].estimate_fen,
						     .title = proposals[i].title,
						     .description = proposals[i].description },
			now - (int64_t)(25 - 2 * i) * DAY, &id);
		if (rc == 0)
			rc = micro_proposal_decide(c, id, admit, proposals[i].cost_fen,
						   proposals[i].reason, 0, now - 6 * DAY, &changed);
		admitted += rc == 0 && admit;
	}
	if (rc < 0)
		return rc;
	printf("微实事: 龙桥社区 round %lld in its voting window, %d admitted proposals, 1 "
	       "declined\n",
	       (long long)round, admitted);
	return 0;
}
