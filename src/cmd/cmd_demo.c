/*
 * cmd_demo.c — `shuniu demo`: the Wuzhong demo district (吴中区, 320506).
 *
 * Reproduces the report's facts exactly — 115 communities, 826 grids, 698
 * Pioneer Hub stations, each station with a hub leader — in Wuzhong's real
 * streets and towns, with the communities the report names. Everything below
 * the communities (grid boundaries, buildings, households, residents, Party
 * members) is generated from a fixed seed, so two runs give the same district,
 * and every row is marked is_demo. Residents' ID numbers are valid GB 11643
 * numbers built so that no two collide; phones are valid mainland mobiles.
 *
 * Scales: "default" (~40,000 residents, seconds) and "district" (~1.4 million,
 * the district's population). The whole build is one transaction.
 */
#include "cmd/cmd.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/util.h"
#include "db/store.h"
#include "org/org.h"
#include "people/people.h"
#include "pii/pii.h"
#include "venues/venues.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define N_COMMUNITIES 115
#define N_GRIDS	      826
#define N_STATIONS    698

static uint64_t rng_state = 0x5eed5eed20231125ull;

static uint64_t rnd(void)
{
	return demo_next(&rng_state);
}

struct street {
	const char *name;
	int communities; /* how many of the 115 */
	const char *const named[3];
	double lng, lat; /* rough centre */
};

/* Wuzhong's streets and towns; communities named in the report first. */
static const struct street streets[] = {
	{ "长桥街道", 10, { "龙桥社区" }, 120.612, 31.268 },
	{ "苏苑街道", 7, { 0 }, 120.640, 31.275 },
	{ "龙西街道", 6, { 0 }, 120.598, 31.262 },
	{ "城南街道", 9, { "家天下社区" }, 120.626, 31.235 },
	{ "郭巷街道", 9, { "尹东社区" }, 120.686, 31.262 },
	{ "横泾街道", 6, { "泾峰社区" }, 120.570, 31.160 },
	{ "香山街道", 6, { "舟山花园社区" }, 120.450, 31.235 },
	{ "太湖街道", 7, { "融湾社区", "颐湾社区" }, 120.530, 31.200 },
	{ "越溪街道", 8, { 0 }, 120.590, 31.215 },
	{ "木渎镇", 12, { "南亭社区" }, 120.515, 31.265 },
	{ "甪直镇", 9, { 0 }, 120.860, 31.255 },
	{ "胥口镇", 6, { 0 }, 120.485, 31.220 },
	{ "东山镇", 6, { 0 }, 120.405, 31.085 },
	{ "光福镇", 6, { 0 }, 120.420, 31.285 },
	{ "金庭镇", 3, { 0 }, 120.285, 31.130 },
	{ "临湖镇", 5, { 0 }, 120.505, 31.130 },
};

static const char *const community_names[] = {
	"新华",	  "东吴",   "宝带",   "石湖", "吴中", "友新", "南石", "迎春", "蠡墅",
	"越湖",	  "天鹅荡", "尹山湖", "澄湖", "清塘", "塘南", "长岛", "旺山", "星港",
	"渔洋",	  "西华",   "金山",   "香溪", "梅园", "翠坊", "碧波", "旭日", "锦绣",
	"和美",	  "安康",   "同心",   "幸福", "兴业", "新民", "红庄", "兴旺", "花园",
	"湖滨",	  "枫桥",   "运河",   "桂花", "荷塘", "竹园", "松鹤", "凤凰", "月亮湾",
	"太湖湾", "水韵",   "春晖",   "文景", "怡和", "康乐", "盛世", "嘉宝", "乐居",
};

static const char *const surnames =
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
	"吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
	"钱严覃武戴莫孔向汤";
static const char *const given =
	"伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文华玉兰红梅志强春梅海燕国强建国卫"
	"东晓明丽华小红德明淑珍宏伟子涵浩然欣怡梓萱宇轩思远若曦一诺";

/* A UTF-8 character (Chinese, 3 bytes) from a string of them. */
static const char *pick3(const char *list, int *n_out)
{
	size_t chars = strlen(list) / 3;
	*n_out = 3;
	return list + 3 * (rnd() % chars);
}

static void make_name(char *out, size_t n)
{
	int l;
	const char *s = pick3(surnames, &l), *g1 = pick3(given, &l), *g2 = pick3(given, &l);

	if (rnd() % 3)
		snprintf(out, n, "%.3s%.3s%.3s", s, g1, g2);
	else
		snprintf(out, n, "%.3s%.3s", s, g1);
}

/*
 * Demo ID numbers follow GB 11643: region (6), birth date (8), sequence (3,
 * odd for men, even for women), ISO 7064 MOD 11-2 check character. Ages
 * follow a rough population pyramid: age_weight[] is the number of people
 * born on one day, per decade of age (few over 80, nobody over 94).
 *
 * Person i maps to a unique number: k = i * 7919 mod AGE_SLOTS (7919 is
 * prime to AGE_SLOTS = 365 * 625 = 5^5 * 73, so this is a bijection) picks an
 * age, a day in that year of age and a slot on that day; rest = i / AGE_SLOTS
 * and the slot make the sequence's first part, the sex its parity. Two people
 * differ in the birth date or in the sequence, whatever their region.
 */
static const int age_weight[10] = { 6, 6, 8, 10, 8, 10, 8, 4, 2, 1 };
#define AGE_SLOT_MAX 10
#define AGE_SLOTS    (365 * 625)

static int year_slots(int age)
{
	return age >= 95 ? 0 : 365 * age_weight[age / 10];
}

/* Valid 18-character ID number of person i, its birth month, and the age on now. */
static int make_id(uint64_t i, int64_t now, char out[19], char ym[8])
{
	static const char *const regions[] = { "320506", "320506", "320506", "320506", "320505",
					       "320507", "320508", "320581", "320582", "320583" };
	uint64_t k = (i * 7919u) % AGE_SLOTS, rest = i / AGE_SLOTS;
	uint64_t h = (i + 1) * 0x9e3779b97f4a7c15ull;
	int age = 0, w, day, slot, sex = (int)(h >> 63), seq;
	time_t tt = (time_t)(now + 8 * 3600);
	struct tm tm;
	char tmp[64];

	while (k >= (uint64_t)year_slots(age))
		k -= (uint64_t)year_slots(age++);
	w = age_weight[age / 10];
	day = (int)(k / (uint64_t)w);
	slot = (int)(k % (uint64_t)w);
	/* sequence 001-999: the first part unique per (rest, slot), the parity the sex */
	seq = (int)((rest * AGE_SLOT_MAX + (uint64_t)slot) % 499) * 2 + 1 + (sex ? 0 : 1);
	/* born day+1 days before the age-th birthday falling on or before now: aged `age` */
	gmtime_r(&tt, &tm);
	tm.tm_year -= age;
	tm.tm_mday -= day + 1;
	tm.tm_hour = 12;
	tt = timegm(&tm);
	gmtime_r(&tt, &tm);
	snprintf(tmp, sizeof tmp, "%s%04d%02d%02d%03d", regions[(h >> 20) % 10],
		 (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100, seq % 1000);
	memcpy(out, tmp, 17);
	out[17] = pii_id_check_char(out);
	out[18] = '\0';
	pii_id_birth_ym(out, ym);
	return age;
}

struct plan {
	int buildings_per_grid_min, buildings_per_grid_max;
	int households_per_building_min, households_per_building_max;
	int64_t appeals; /* a year of appeal history */
};

static const struct plan scale_default = { 2, 4, 4, 8, 3000 };
static const struct plan scale_district = { 16, 24, 24, 39, 1100000 };

struct demo {
	struct app *app;
	struct db_conn *c;
	struct pii_keys keys;
	int64_t now;
	int64_t n_buildings, n_households, n_residents, n_party, n_central, n_stations;
	uint64_t person;
	FILE *accounts, *table;
	char *table_text;
	size_t table_len;
	int64_t district_id;
	int64_t changqiao_id, longqiao_id, longqiao_grid_id, longqiao_station_id;
	int64_t longqiao_resident_id;
};

static int fail(struct demo *d, const char *what)
{
	fprintf(stderr, "error: %s: %s\n", what, db_errmsg(d->c));
	return -1;
}

static void grid_polygon(double lng, double lat, double w, char *out, size_t n)
{
	snprintf(out, n,
		 "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
		 "[%.6f,%.6f],[%.6f,%.6f]]]}",
		 lng, lat, lng + w, lat, lng + w, lat + w, lng, lat + w, lng, lat);
}

#define MAX_HH	   64
#define MAX_PEOPLE (MAX_HH * 6)

struct person {
	char name[32], idn[19], birth[8], phone[16], tags[64];
	int age;
};

/*
 * Households and residents of one building, in a handful of multi-row
 * statements (one per table and batch), because a million single-row
 * round trips are what makes a bulk load slow on PostgreSQL. The grid is the
 * Party branch.
 */
static int add_people(struct demo *d, int64_t building_id, const char *bpath, int64_t grid_id,
		      const struct plan *p)
{
	static struct person people[MAX_PEOPLE];
	static struct resident_in in[MAX_PEOPLE];
	static int64_t rids[MAX_PEOPLE];
	int nh = (int)demo_span(&rng_state, p->households_per_building_min,
				p->households_per_building_max),
	    np = 0;
	int64_t hids[MAX_HH];
	int party[MAX_PEOPLE], nparty = 0, rc, got = 0;
	struct db_stmt *st;

	if (nh > MAX_HH)
		nh = MAX_HH;
	if (db_prepare_values(
		    d->c,
		    "INSERT INTO households (building_id, unit_path, room, address, is_demo, "
		    "created_at, updated_at) VALUES ",
		    "(?, ?, ?, '', 1, ?, ?)", nh, " RETURNING id", &st) < 0)
		return fail(d, "households");
	for (int h = 0; h < nh; h++) {
		char room[16];
		snprintf(room, sizeof room, "%d%02d", 1 + h / 2, 1 + h % 2);
		const struct db_arg v[] = { DB_ARG_I(building_id), DB_ARG_T(bpath), DB_ARG_T(room),
					    DB_ARG_I(d->now), DB_ARG_I(d->now) };
		demo_bind_row(st, h, v, DB_ARGS_N(v));
	}
	while ((rc = db_step(st)) == DB_ROW)
		if (got < nh)
			hids[got++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0 || got != nh)
		return fail(d, "households");
	d->n_households += nh;

	for (int h = 0; h < nh; h++) {
		int nr = 1 + (int)(rnd() % 4) + (rnd() % 5 == 0), elderly_only = rnd() % 8 == 0;
		for (int r = 0; r < nr && np < MAX_PEOPLE; r++, np++) {
			struct person *x = &people[np];
			uint64_t i = d->person++;

			make_name(x->name, sizeof x->name);
			x->age = make_id(i, d->now, x->idn, x->birth);
			/* a household's first member is an adult: skip children for it */
			while (r == 0 && x->age < 18) {
				i = d->person++;
				x->age = make_id(i, d->now, x->idn, x->birth);
			}
			snprintf(x->phone, sizeof x->phone, "1%d%09llu", 3 + (int)(i % 7),
				 (unsigned long long)((i * 104729ull + 12345) % 1000000000ull));
			x->tags[0] = '\0';
			if (nr == 1 && rnd() % 3 == 0)
				strcat(x->tags, "living_alone,");
			if (elderly_only)
				strcat(x->tags, "all_elderly,");
			if (rnd() % 40 == 0)
				strcat(x->tags, "disabled,");
			if (rnd() % 30 == 0)
				strcat(x->tags, "low_income,");
			if (x->tags[0])
				x->tags[strlen(x->tags) - 1] = '\0';
			in[np] = (struct resident_in){
				.household_id = hids[h],
				.name = x->name,
				.gender = pii_id_gender(x->idn),
				.birth_ym = x->birth,
				.phone = x->phone,
				.id_number = x->idn,
				.tags = x->tags,
				.is_demo = 1,
			};
			/* rnd() first, so the rest of the district stays as it was */
			if (rnd() % 12 == 0 && x->age >= 18)
				party[nparty++] = np;
		}
	}
	for (int off = 0; off < np; off += RESIDENT_BATCH) {
		int n = np - off < RESIDENT_BATCH ? np - off : RESIDENT_BATCH;
		if (resident_insert_many(d->c, &d->keys, in + off, n, bpath, rids + off) < 0)
			return fail(d, "residents");
	}
	d->n_residents += np;
	if (grid_id == d->longqiao_grid_id && !d->longqiao_resident_id && np)
		d->longqiao_resident_id = rids[0];
	if (nparty) {
		if (db_prepare_values(
			    d->c,
			    "INSERT INTO party_members (resident_id, branch_unit_id, unit_path, "
			    "joined_on, created_at, updated_at) VALUES ",
			    "(?, ?, ?, '2001-07-01', ?, ?)", nparty, "", &st) < 0)
			return fail(d, "party members");
		for (int k = 0; k < nparty; k++) {
			const struct db_arg v[] = { DB_ARG_I(rids[party[k]]), DB_ARG_I(grid_id),
						    DB_ARG_T(bpath), DB_ARG_I(d->now),
						    DB_ARG_I(d->now) };
			demo_bind_row(st, k, v, DB_ARGS_N(v));
		}
		rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return fail(d, "party members");
		d->n_party += nparty;
	}
	return 0;
}

static int add_unit(struct demo *d, int64_t parent, int kind, const char *name, const char *org,
		    const char *boundary, int64_t *id)
{
	char err[512];

	if (unit_create(d->c, parent, kind, kind == UNIT_DISTRICT ? "320506" : NULL, name, org,
			NULL, boundary, 1, id, err, sizeof err)) {
		fprintf(stderr, "error: %s\n", err);
		return -1;
	}
	return 0;
}

static int add_station(struct demo *d, int64_t grid_id, const char *gpath, const char *name,
		       double lng, double lat, int64_t leader, int64_t *id)
{
	char code[11];

	station_public_code(code);
	return db_query_int64(
		       d->c, id,
		       "INSERT INTO stations (grid_id, unit_path, name, address, lng, lat, "
		       "opening_hours, phone, hub_leader_id, public_code, is_demo, created_at, "
		       "updated_at) VALUES (?, ?, ?, ?, ?, ?, '周一至周日 8:30-17:30', "
		       "'0512-65250000', ?, ?, 1, ?, ?) RETURNING id",
		       "itttdditii", grid_id, gpath, name, name, lng, lat, leader, code, d->now,
		       d->now) == DB_ROW
		       ? 0
		       : fail(d, "station");
}

struct demo_account {
	const char *username, *role, *display;
	int where; /* 0 district, 1 长桥街道, 2 龙桥社区, 3 龙桥 first grid */
};

static const struct demo_account demo_accounts[] = {
	{ "sysadmin", "sysadmin", "系统管理员", 0 },
	{ "secadmin", "secadmin", "安全管理员", 0 },
	{ "auditor", "auditor", "安全审计员", 0 },
	{ "district", "district_admin", "区委组织部 管理员", 0 },
	{ "changqiao", "street_officer", "长桥街道 干部", 1 },
	{ "longqiao", "community_staff", "龙桥社区 工作人员", 2 },
	{ "hubleader", "hub_leader", "龙桥社区第一网格 枢纽长", 3 },
	{ "gridworker", "grid_worker", "龙桥社区第一网格 网格员", 3 },
	{ "department", "department", "区城管局", 0 },
	{ "property", "property_company", "龙桥物业", 2 },
	{ "volunteer", "volunteer", "先锋志愿者", 2 },
	{ "resident", "resident", "龙桥社区 居民", 3 },
};

/*
 * Two bookable rooms in every community's Party-and-people service centre:
 * an activity room anyone may book (two a week), and a meeting room whose
 * bookings the community approves.
 */
static int add_venues(struct demo *d, int64_t comm_id, const char *path, const char *comm_name)
{
	static const char hours[] =
		"{\"mon\":[[\"08:00\",\"12:00\"],[\"13:30\",\"21:00\"]],"
		"\"tue\":[[\"08:00\",\"12:00\"],[\"13:30\",\"21:00\"]],"
		"\"wed\":[[\"08:00\",\"12:00\"],[\"13:30\",\"21:00\"]],"
		"\"thu\":[[\"08:00\",\"12:00\"],[\"13:30\",\"21:00\"]],"
		"\"fri\":[[\"08:00\",\"12:00\"],[\"13:30\",\"21:00\"]],"
		"\"sat\":[[\"09:00\",\"17:00\"]],\"sun\":[[\"09:00\",\"17:00\"]]}";
	static const struct {
		const char *name, *what;
		int capacity, quota, approval;
	} rooms[] = {
		{ "党群服务中心活动室", "兴趣小组、文体活动、老年大学课程", 40, 2, 0 },
		{ "党群服务中心会议室", "居民议事会、楼道会议、协商议事", 20, 0, 1 },
	};

	for (size_t i = 0; i < sizeof rooms / sizeof *rooms; i++) {
		char code[11], vname[200], addr[200];
		station_public_code(code);
		snprintf(vname, sizeof vname, "%s%s", comm_name, rooms[i].name);
		snprintf(addr, sizeof addr, "%s党群服务中心", comm_name);
		if (db_run(d->c,
			   "INSERT INTO venues (unit_id, unit_path, name, description, address, "
			   "capacity, slot_minutes, opening_hours, min_notice_minutes, "
			   "max_days_ahead, "
			   "max_duration_minutes, weekly_quota, approval_required, public_code, "
			   "is_demo, "
			   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 30, ?, 60, 14, 240, "
			   "?, ?, "
			   "?, 1, ?, ?)",
			   "ittttitiitii", comm_id, path, vname, rooms[i].what, addr,
			   (int64_t)rooms[i].capacity, hours, (int64_t)rooms[i].quota,
			   (int64_t)rooms[i].approval, code, d->now, d->now) < 0)
			return fail(d, "venues");
	}
	return 0;
}

/*
 * One meal point (助餐点) in every community's service centre: dine-in and
 * meal delivery at 15 yuan a meal, 10 of it from the fund, orders for a day
 * closing at 09:00 that day, for residents over 80, living alone or in an
 * all-elderly household. Nobody is enrolled: that is what the demo shows.
 */
static int add_meal_point(struct demo *d, int64_t comm_id, const char *path, const char *comm_name)
{
	char pname[200], addr[200];

	snprintf(pname, sizeof pname, "%s长者助餐点", comm_name);
	snprintf(addr, sizeof addr, "%s党群服务中心1楼", comm_name);
	if (db_run(d->c,
		   "INSERT INTO meal_points (unit_id, unit_path, name, address, daily_capacity, "
		   "modes, price_fen, subsidy_fen, order_cutoff, eligibility, is_demo, "
		   "created_at, updated_at) VALUES (?, ?, ?, ?, 60, 'dine_in,meal_delivery', "
		   "1500, 1000, 540, 'aged_80_plus,living_alone,all_elderly', 1, ?, ?)",
		   "itttii", comm_id, path, pname, addr, d->now, d->now) < 0)
		return fail(d, "meal points");
	return 0;
}

/* The first day after `day` that falls on weekday w: 1 to 7 days later. */
static int64_t next_weekday(int64_t day, enum cal_weekday w)
{
	int ahead = ((int)w - (int)cal_weekday(day) + 7) % 7;
	return day + (ahead ? ahead : 7);
}

/*
 * Two upcoming activities of 龙桥社区, where the demo accounts work: a tea
 * party for residents over 80 in the activity room next Saturday (reserved
 * through the booking rules, like staff would), and a parents' and children's
 * craft class in the centre next Wednesday afternoon.
 */
static int add_activities(struct demo *d)
{
	int64_t staff = 0, room = 0, booking = 0;
	int64_t today = cal_day_of(d->now);
	int64_t sat = cal_day_start(next_weekday(today, CAL_SATURDAY));
	int64_t wed = cal_day_start(next_weekday(today, CAL_WEDNESDAY));
	struct venue v;
	struct unit_ref u;
	char code[11];
	int rc;

	if (account_find(d->c, "longqiao", &staff) != DB_ROW || !staff ||
	    unit_get(d->c, d->longqiao_id, &u) != DB_ROW ||
	    db_query_int64(d->c, &room,
			   "SELECT MIN(id) FROM venues WHERE unit_id = ? AND approval_required = 0",
			   "i", d->longqiao_id) < 0 ||
	    venue_get(d->c, room, &v) != DB_ROW)
		return fail(d, "activities");
	/* inside the demo's one transaction */
	rc = booking_create_for_unit(d->c, &v, d->longqiao_id, staff, sat + 9 * 3600,
				     sat + 11 * 3600, "活动：重阳敬老茶话会", 30, d->now, &booking);
	for (int i = 0; rc == 0 && i < 2; i++) {
		int64_t s = i ? wed + 14 * 3600 + 1800 : sat + 9 * 3600;
		int64_t e = i ? wed + 16 * 3600 : sat + 11 * 3600;
		station_public_code(code);
		struct db_stmt *st;
		rc = db_prepare(
			d->c,
			"INSERT INTO activities (unit_id, unit_path, organiser_kind, "
			"organiser_name, title, description, starts_at, ends_at, place, "
			"venue_id, booking_id, capacity, signup_opens_at, signup_closes_at, "
			"eligibility, check_in_code, status, created_by, created_at, "
			"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			"'published', ?, ?, ?)",
			&st);
		if (rc < 0)
			break;
		const struct db_arg args[] = {
			DB_ARG_I(d->longqiao_id),
			DB_ARG_T(u.path),
			DB_ARG_T(i ? "volunteer_team" : "unit"),
			DB_ARG_T(i ? "先锋志愿服务队" : ""),
			DB_ARG_T(i ? "亲子手工课：做一盏走马灯" : "重阳敬老茶话会"),
			DB_ARG_T(i ? "志愿者带孩子和家长一起动手做走马灯，材料由社区准备。"
				   : "社区为 80 岁以上的老人准备了茶点和文艺节目，欢迎报名参加。"),
			DB_ARG_I(s),
			DB_ARG_I(e),
			DB_ARG_T(i ? "龙桥社区党群服务中心二楼" : v.name),
			DB_ARG_I(i ? 0 : room),
			DB_ARG_I(i ? 0 : booking),
			DB_ARG_I(i ? 15 : 30),
			DB_ARG_I(d->now),
			DB_ARG_I(s),
			DB_ARG_T(i ? "" : "aged_80_plus"),
			DB_ARG_T(code),
			DB_ARG_I(staff),
			DB_ARG_I(d->now),
			DB_ARG_I(d->now),
		};
		db_bind_args(st, args, (int)(sizeof args / sizeof *args));
		if (i) { /* no venue: NULL, not 0 */
			db_bind_null(st, 10);
			db_bind_null(st, 11);
		}
		rc = db_step(st);
		db_reset(st);
		rc = rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
	}
	return rc != 0 ? fail(d, "activities") : 0;
}

static int add_accounts(struct demo *d, int64_t hub_station)
{
	int64_t where[4] = { d->district_id, d->changqiao_id, d->longqiao_id, d->longqiao_grid_id };
	char path[PATH_MAX], err[512];

	if (path_join(path, sizeof path, d->app->cfg.data_dir, "demo-accounts.txt") ||
	    !(d->accounts = fopen(path, "wx"))) {
		fprintf(stderr, "error: cannot create '%s' (does it exist already?)\n", path);
		return -1;
	}
	fchmod(fileno(d->accounts), 0600);
	fprintf(d->accounts,
		"# Shuniu demo accounts (吴中区 demo data). Keep this file private.\n");
	d->table = open_memstream(&d->table_text, &d->table_len);
	if (!d->table)
		return -1;
	fprintf(d->table, "\nDemo accounts (also in %s):\n  %-12s %-17s %s\n", path, "USER", "ROLE",
		"PASSWORD");
	for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++) {
		const struct demo_account *a = &demo_accounts[i];
		char hex[13], password[32];
		role_set roles;
		int64_t id;

		random_hex(hex, 6);
		snprintf(password, sizeof password, "Wz!%sQ7", hex);
		roles_parse(a->role, &roles);
		if (!strcmp(a->role, "hub_leader")) {
			/* the 龙桥 station's own hub leader gets the demo name and a password */
			if (db_query_int64(d->c, &id,
					   "SELECT hub_leader_id FROM stations WHERE id = ?", "i",
					   hub_station) != DB_ROW ||
			    db_run(d->c, "UPDATE accounts SET username = ? WHERE id = ?", "ti",
				   a->username, id) < 0 ||
			    account_set_password(d->c, id, password) < 0)
				return fail(d, "hub leader");
		} else if (account_create(d->c, a->username, a->display, where[a->where], roles,
					  !strcmp(a->role, "resident") ? d->longqiao_resident_id
								       : 0,
					  password, 1, &id, err, sizeof err)) {
			fprintf(stderr, "error: %s\n", err);
			return -1;
		}
		fprintf(d->accounts, "%s\t%s\t%s\n", a->username, a->role, password);
		fprintf(d->table, "  %-12s %-17s %s\n", a->username, a->role, password);
		sodium_memzero(password, sizeof password);
	}
	return 0;
}

static int build(struct demo *d, const struct plan *p)
{
	char boundary[512], name[160], org[200];
	int grid_index = 0, community_index = 0, used_names = 0;
	int64_t first_station = 0;

	if (add_unit(d, 0, UNIT_DISTRICT, "吴中区", "中共苏州市吴中区委员会", NULL,
		     &d->district_id))
		return -1;
	for (size_t s = 0; s < sizeof streets / sizeof streets[0]; s++) {
		const struct street *st = &streets[s];
		int64_t street_id;
		int is_town = strstr(st->name, "镇") != NULL;

		snprintf(org, sizeof org, "中共%s%s委员会", st->name, is_town ? "" : "工作");
		if (add_unit(d, d->district_id, UNIT_STREET, st->name, org, NULL, &street_id))
			return -1;
		if (s == 0)
			d->changqiao_id = street_id;
		for (int ci = 0; ci < st->communities; ci++, community_index++) {
			int64_t comm_id;
			struct unit_ref comm;
			int ngrids = 7 + (community_index < N_GRIDS - 7 * N_COMMUNITIES);
			double clng = st->lng + (ci % 4) * 0.024, clat = st->lat + (ci / 4) * 0.024;

			if (ci < 3 && st->named[ci])
				snprintf(name, sizeof name, "%s", st->named[ci]);
			else
				snprintf(name, sizeof name, "%s%s社区",
					 community_names[used_names % (sizeof community_names /
								       sizeof community_names[0])],
					 used_names >= (int)(sizeof community_names /
							     sizeof community_names[0])
						 ? "二"
						 : ""),
					used_names++;
			snprintf(org, sizeof org, "中共%s%s委员会", st->name, name);
			snprintf(boundary, sizeof boundary,
				 "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],["
				 "%.6f,%.6f],"
				 "[%.6f,%.6f],[%.6f,%.6f]]]}",
				 clng, clat, clng + 0.02, clat, clng + 0.02, clat + 0.01, clng,
				 clat + 0.01, clng, clat);
			if (add_unit(d, street_id, UNIT_COMMUNITY, name, org, boundary, &comm_id) ||
			    unit_get(d->c, comm_id, &comm) != DB_ROW)
				return -1;
			if (!strcmp(name, "龙桥社区"))
				d->longqiao_id = comm_id;
			if (add_venues(d, comm_id, comm.path, name) ||
			    add_meal_point(d, comm_id, comm.path, name))
				return -1;
			for (int g = 0; g < ngrids; g++, grid_index++) {
				double glng = clng + (g % 4) * 0.005, glat = clat + (g / 4) * 0.005;
				int64_t grid_id, station_id = 0;
				struct unit_ref grid;
				char gname[200];

				snprintf(gname, sizeof gname, "%s第%d网格", name, g + 1);
				snprintf(org, sizeof org, "%s第%d网格党支部", name, g + 1);
				grid_polygon(glng, glat, 0.0045, boundary, sizeof boundary);
				if (add_unit(d, comm_id, UNIT_GRID, gname, org, boundary,
					     &grid_id) ||
				    unit_get(d->c, grid_id, &grid) != DB_ROW)
					return -1;
				if (db_run(d->c,
					   "UPDATE units SET min_lng = ?, min_lat = ?, max_lng = "
					   "?, max_lat = ? WHERE id = ?",
					   "ddddi", glng, glat, glng + 0.0045, glat + 0.0045,
					   grid_id) < 0)
					return fail(d, "grid bbox");
				if (d->longqiao_id == comm_id && g == 0)
					d->longqiao_grid_id = grid_id;
				/* 698 stations spread evenly over the 826 grids */
				if ((grid_index * N_STATIONS) % N_GRIDS < N_STATIONS) {
					char sname[260];
					snprintf(sname, sizeof sname, "%s先锋枢纽服务驿站", gname);
					if (!strcmp(name, "尹东社区") && g == 0)
						snprintf(sname, sizeof sname,
							 "郭巷街道尹东片区党群驿站");
					char uname[32], err[512];
					int64_t leader;
					snprintf(uname, sizeof uname, "hub%04lld",
						 (long long)++d->n_stations);
					snprintf(gname + strlen(gname),
						 sizeof gname - strlen(gname), " 枢纽长");
					if (account_create(d->c, uname, gname, grid_id,
							   ROLE_BIT(ROLE_HUB_LEADER), 0, NULL, 1,
							   &leader, err, sizeof err)) {
						fprintf(stderr, "error: %s\n", err);
						return -1;
					}
					gname[strlen(gname) - strlen(" 枢纽长")] = '\0';
					if (add_station(d, grid_id, grid.path, sname, glng + 0.002,
							glat + 0.002, leader, &station_id))
						return -1;
					if (grid_id == d->longqiao_grid_id)
						first_station = station_id;
				}
				int nb = (int)demo_span(&rng_state, p->buildings_per_grid_min,
							p->buildings_per_grid_max);
				for (int b = 0; b < nb; b++) {
					int64_t bid;
					struct unit_ref bu;
					char bname[32];
					snprintf(bname, sizeof bname, "%d幢", b + 1);
					if (add_unit(d, grid_id, UNIT_BUILDING, bname, NULL, NULL,
						     &bid) ||
					    unit_get(d->c, bid, &bu) != DB_ROW)
						return -1;
					d->n_buildings++;
					if (add_people(d, bid, bu.path, grid_id, p))
						return -1;
				}
			}
		}
	}
	if (add_accounts(d, first_station) < 0)
		return -1;
	return add_activities(d);
}

int cmd_demo(struct app *app, int argc, char **argv)
{
	struct demo d = { .app = app, .c = app->conn, .now = clock_now() };
	const struct plan *p = &scale_default;
	const char *scale = "default";
	int64_t units = 0, t0 = clock_mono_us(), stations = 0, n_appeals = 0, n_events = 0;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
			scale = argv[++i];
			if (!strcmp(scale, "district"))
				p = &scale_district;
			else if (strcmp(scale, "default"))
				return cmd_usage_error(app, "--scale is 'default' or 'district'");
		} else {
			return cmd_usage_error(app, "unknown option '%s'", argv[i]);
		}
	}
	if (db_query_int64(d.c, &units, "SELECT COUNT(*) FROM units", "") < 0)
		return fail(&d, "units") ? 1 : 1;
	if (units > 0) {
		fprintf(stderr, "error: this database already has an organisation tree; the demo "
				"needs an empty one\n");
		return 1;
	}
	pii_keys_derive(&d.keys, app->key);
	if (db_get_kind(app->db) == DB_SQLITE)
		db_exec(d.c, "PRAGMA cache_size = -524288"); /* 512 MiB while building */
	printf("building the 吴中区 demo district (scale %s)...\n", scale);
	fflush(stdout);
	/*
	 * Begun by hand, not through db_tx_run(): a bulk load of millions of rows
	 * into an empty database, one transaction that prints its progress; a
	 * rerun would redo minutes of work, and nothing else writes meanwhile.
	 */
	rc = db_begin(d.c);
	if (rc == 0)
		rc = build(&d, p);
	if (rc == 0) {
		int64_t t1 = clock_mono_us();
		rc = demo_appeals(d.c, db_get_kind(app->db) == DB_POSTGRES, d.now, p->appeals,
				  &n_appeals, &n_events);
		if (rc < 0)
			fail(&d, "appeal history");
		else
			printf("a year of appeals: %lld appeals, %lld events; %.1f s\n",
			       (long long)n_appeals, (long long)n_events,
			       (double)(clock_mono_us() - t1) / 1e6);
	}
	if (rc == 0 && (rc = demo_commitments(d.c, d.now)) < 0)
		fail(&d, "commitment lists");
	if (rc == 0 && (rc = demo_projects(d.c, d.now)) < 0)
		fail(&d, "projects");
	if (rc == 0 && (rc = demo_fund(d.c, d.now)) < 0)
		fail(&d, "fund");
	if (rc == 0 && (rc = demo_micro(d.c, d.now)) < 0)
		fail(&d, "micro round");
	if (rc == 0 && (rc = demo_meetings(d.c, d.now)) < 0)
		fail(&d, "meetings");
	if (rc == 0 && (rc = demo_committees(d.c, d.now)) < 0)
		fail(&d, "committees");
	if (rc == 0 && (rc = demo_matters(d.c, d.now)) < 0)
		fail(&d, "matters");
	if (rc == 0)
		rc = db_run(d.c, "INSERT INTO meta (key, value) VALUES ('demo', ?)", "t", scale);
	if (rc == 0)
		rc = audit_append(d.c, &(struct audit_event){ .actor_name = "cli",
							      .action = "demo.create",
							      .outcome = "ok" });
	if (rc == 0)
		rc = db_commit(d.c);
	pii_keys_wipe(&d.keys);
	if (d.accounts)
		fclose(d.accounts);
	if (d.table)
		fclose(d.table);
	if (rc != 0) { /* a step's positive answer is a failure too */
		char path[PATH_MAX];
		db_rollback(d.c);
		if (!path_join(path, sizeof path, app->cfg.data_dir, "demo-accounts.txt"))
			unlink(path);
		fprintf(stderr, "error: demo not created; nothing was stored\n");
		free(d.table_text);
		return 1;
	}
	db_query_int64(d.c, &stations, "SELECT COUNT(*) FROM stations", "");
	printf("\n吴中区 demo district (demo data, seed fixed): %d streets/towns, %d communities, "
	       "%d grids, "
	       "%lld stations, %lld buildings, %lld households, %lld residents, %lld Party "
	       "members; "
	       "%.1f s\n",
	       (int)(sizeof streets / sizeof streets[0]), N_COMMUNITIES, N_GRIDS,
	       (long long)stations, (long long)d.n_buildings, (long long)d.n_households,
	       (long long)d.n_residents, (long long)d.n_party,
	       (double)(clock_mono_us() - t0) / 1e6);
	if (d.table_text)
		fputs(d.table_text, stdout);
	free(d.table_text);
	return 0;
}
