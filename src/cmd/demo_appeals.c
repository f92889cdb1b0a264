/*
 * demo_appeals.c — a year of appeal history for the demo district.
 *
 * Day by day over the past 365 days, appeals are placed in random grids with
 * a weighted category and channel, and taken through the closed loop as far
 * as their age allows: accepted, dispatched by the category's level, signed,
 * resolved (some after a rework), verified and closed, rated (a few
 * unsatisfied, reopened once and rated again); a few are rejected or merged.
 * Deadlines are the categories' own (working days without holidays: the
 * demo calendar is empty), so overdue cases arise from long handling times.
 * Every step is also an appeal_events row, so each case has its timeline.
 *
 * Rows go in with multi-row INSERTs and explicit appeal ids (the table is
 * empty when the demo runs); PostgreSQL's identity sequence is moved past
 * them at the end. The generator is seeded, so a demo is reproducible.
 */
#include "cmd/cmd.h"

#include "appeals/appeals.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "db/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPEAL_COLS 32
#define APPEAL_ROWS 250
#define EVENT_COLS  7
#define EVENT_ROWS  1000 /* rows per INSERT */
#define EVENT_CAP   (APPEAL_ROWS * 16)

static uint64_t rs = 0x0a99ea15ull;

static uint64_t rnd(void)
{
	return demo_next(&rs);
}

static int64_t span(int64_t lo, int64_t hi)
{
	return demo_span(&rs, lo, hi);
}

struct grid {
	int64_t id, comm_id, street_id, leader;
	char path[64], comm_path[64], street_path[64];
};

struct cat {
	int64_t id;
	struct category c;
	int weight;
};

/* Titles per category code, and a weight for how often it comes up. */
static const struct {
	const char *code;
	int weight;
	const char *titles[3];
} kinds[] = {
	{ "environment", 22, { "楼道堆放杂物", "垃圾桶满溢未清运", "绿化带积水发臭" } },
	{ "facility_repair", 18, { "污水管道堵塞", "单元门禁损坏", "路灯不亮" } },
	{ "property", 12, { "电梯频繁故障", "物业服务不到位", "小区停车收费争议" } },
	{ "illegal_construction", 8, { "车辆占用消防通道", "楼顶违章搭建", "电动车楼道充电" } },
	{ "noise", 9, { "夜间施工噪音", "广场舞音响过大", "商铺外放音乐扰民" } },
	{ "dispute", 7, { "邻里漏水纠纷", "相邻通道占用纠纷", "宠物扰民纠纷" } },
	{ "traffic", 5, { "路口信号灯故障", "公交站台破损", "非机动车道被占" } },
	{ "safety_hazard", 6, { "电线私拉乱接", "窨井盖缺失", "老旧围墙开裂" } },
	{ "elderly_care", 6, { "独居老人需要助餐", "老人行动不便需上门服务", "助餐点菜品建议" } },
	{ "epidemic", 2, { "小区消杀需求", "疫苗接种咨询", "公共区域消毒" } },
	{ "other", 5, { "社区活动咨询", "办事流程咨询", "建议增设便民设施" } },
};

static const struct {
	const char *name;
	int weight;
} channels[] = {
	{ "app", 45 },	   { "qr", 20 },     { "phone", 8 },
	{ "hotline", 12 }, { "walk_in", 5 }, { "patrol", 10 },
};

struct row {
	int64_t id, category_id, unit_id, handler_id, assignee, dispatcher_id, resolved_by;
	const char *title, *status, *channel, *unit_path, *handler_path, *dispatcher_path, *rating;
	char case_no[32], mask[16], last4[5], desc[160], search[400];
	int64_t created, accept_due, handle_due, accepted, dispatched, resolved, closed, rated,
		overdue, merged_into;
	int rework, reopen;
};

struct event {
	int64_t appeal_id, at;
	const char *actor, *action, *from, *to, *note;
};

struct gen {
	struct db_conn *c;
	struct db_stmt *ins_appeals, *ins_events;
	struct row rows[APPEAL_ROWS];
	int nrows;
	struct event events[EVENT_CAP];
	int nevents;
	int64_t made, nevents_total;
};

void demo_bind_row(struct db_stmt *st, int row, const struct db_arg *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (v[i].type == 'i')
			db_bind_int64(st, row * n + i + 1, v[i].i);
		else
			db_bind_text(st, row * n + i + 1, v[i].t, -1);
	}
}

/* The INSERT of n events. */
static int prepare_events(struct db_conn *c, int n, struct db_stmt **st)
{
	return db_prepare_values(c,
				 "INSERT INTO appeal_events (appeal_id, at, actor_name, action, "
				 "from_status, to_status, note) VALUES ",
				 "(?, ?, ?, ?, ?, ?, ?)", n, "", st);
}

/* Write events [from, from + n) with one INSERT. */
static int insert_events(struct gen *g, int from, int n)
{
	struct db_stmt *st = g->ins_events;
	int rc;

	if (n < EVENT_ROWS && prepare_events(g->c, n, &st) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct event *e = &g->events[from + i];
		const struct db_arg v[EVENT_COLS] = { DB_ARG_I(e->appeal_id), DB_ARG_I(e->at),
						      DB_ARG_T(e->actor),     DB_ARG_T(e->action),
						      DB_ARG_T(e->from),      DB_ARG_T(e->to),
						      DB_ARG_T(e->note) };
		demo_bind_row(st, i, v, EVENT_COLS);
	}
	rc = db_step(st);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* Events of the appeals already written (all but the row being built). */
static int flush_events(struct gen *g, int keep_from)
{
	int done = 0;

	while (keep_from - done > 0) {
		int n = keep_from - done < EVENT_ROWS ? keep_from - done : EVENT_ROWS;
		if (insert_events(g, done, n))
			return -1;
		done += n;
	}
	g->nevents_total += done;
	memmove(g->events, g->events + done, (size_t)(g->nevents - done) * sizeof *g->events);
	g->nevents -= done;
	return 0;
}

static int event(struct gen *g, int64_t id, int64_t at, const char *actor, const char *action,
		 const char *from, const char *to, const char *note)
{
	if (g->nevents == EVENT_CAP)
		return -1; /* cannot happen: at most 16 events per appeal */
	g->events[g->nevents++] = (struct event){ id, at, actor, action, from, to, note };
	return 0;
}

/* The appeal_scope rows of the buffered appeals: the units on both paths. */
static int insert_scope(struct gen *g)
{
	static int64_t unit[APPEAL_ROWS * APPEAL_SCOPE_MAX], appeal[APPEAL_ROWS * APPEAL_SCOPE_MAX];
	static const char *status[APPEAL_ROWS * APPEAL_SCOPE_MAX];
	int n = 0, rc = 0;

	for (int i = 0; i < g->nrows; i++) {
		struct row *r = &g->rows[i];
		int64_t ids[APPEAL_SCOPE_MAX];
		int m = appeal_scope_units(r->unit_path, r->handler_path, ids);
		for (int k = 0; k < m; k++) {
			unit[n] = ids[k];
			appeal[n] = r->id;
			status[n++] = r->status;
		}
	}
	for (int off = 0; rc >= 0 && off < n; off += 1000) {
		int m = n - off < 1000 ? n - off : 1000;
		struct db_stmt *st;
		if (db_prepare_values(
			    g->c, "INSERT INTO appeal_scope (unit_id, appeal_id, status) VALUES ",
			    "(?, ?, ?)", m, "", &st) < 0)
			return -1;
		for (int k = 0; k < m; k++) {
			const struct db_arg v[] = { DB_ARG_I(unit[off + k]),
						    DB_ARG_I(appeal[off + k]),
						    DB_ARG_T(status[off + k]) };
			demo_bind_row(st, k, v, DB_ARGS_N(v));
		}
		rc = db_step(st);
		db_reset(st);
	}
	return rc < 0 ? -1 : 0;
}

static int flush_appeals(struct gen *g)
{
	struct db_stmt *st = g->ins_appeals;
	int rc;

	if (!g->nrows)
		return 0;
	if (g->nrows < APPEAL_ROWS) {
		char *sql = demo_appeals_sql(g->nrows);
		if (!sql || db_prepare(g->c, sql, &st) < 0) {
			free(sql);
			return -1;
		}
		free(sql);
	}
	for (int i = 0; i < g->nrows; i++) {
		struct row *r = &g->rows[i];
		const struct db_arg v[APPEAL_COLS] = { DB_ARG_I(r->id),
						       DB_ARG_T(r->case_no),
						       DB_ARG_I(r->category_id),
						       DB_ARG_T(r->title),
						       DB_ARG_T(r->desc),
						       DB_ARG_T(r->status),
						       DB_ARG_T(r->channel),
						       DB_ARG_I(r->unit_id),
						       DB_ARG_T(r->unit_path),
						       DB_ARG_I(r->handler_id),
						       DB_ARG_T(r->handler_path),
						       DB_ARG_I(r->assignee),
						       DB_ARG_I(r->dispatcher_id),
						       DB_ARG_T(r->dispatcher_path),
						       DB_ARG_I(r->resolved_by),
						       DB_ARG_T(r->mask),
						       DB_ARG_T(r->last4),
						       DB_ARG_T(r->search),
						       DB_ARG_I(r->accept_due),
						       DB_ARG_I(r->handle_due),
						       DB_ARG_I(r->accepted),
						       DB_ARG_I(r->dispatched),
						       DB_ARG_I(r->resolved),
						       DB_ARG_I(r->closed),
						       DB_ARG_I(r->rated),
						       DB_ARG_T(r->rating),
						       DB_ARG_I(r->rework),
						       DB_ARG_I(r->reopen),
						       DB_ARG_I(r->overdue),
						       DB_ARG_I(r->merged_into),
						       DB_ARG_I(r->created),
						       DB_ARG_I(r->created) };
		demo_bind_row(st, i, v, APPEAL_COLS);
	}
	rc = db_step(st);
	db_reset(st);
	if (rc >= 0 && insert_scope(g))
		rc = -1;
	g->made += g->nrows;
	g->nrows = 0;
	/* Events reference the appeals: write them after their rows. */
	return rc < 0 || flush_events(g, g->nevents) ? -1 : 0;
}

char *demo_appeals_sql(int n)
{
	return db_values_sql(
		"INSERT INTO appeals (id, case_no, category_id, title, description, status, "
		"channel, unit_id, unit_path, handler_unit_id, handler_path, assignee_id, "
		"dispatcher_unit_id, dispatcher_path, resolved_by, contact_phone_mask, "
		"phone_last4, "
		"search_text, accept_due, handle_due, accepted_at, dispatched_at, resolved_at, "
		"closed_at, rated_at, rating, rework_count, reopen_count, overdue_at, merged_into, "
		"is_demo, created_at, updated_at) VALUES ",
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS "
		"BIGINT), 0), ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, NULLIF(CAST(? AS "
		"BIGINT), "
		"0), NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS "
		"BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, "
		"NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), 1, ?, ?)",
		n, "");
}

/*
 * A state left (or still held) at t after its deadline due marks the appeal
 * late with that deadline, once: what appeal_save() and the SLA sweeper write,
 * so the demo's on-time measure follows the same rule as live data. 0.
 */
static int late(struct row *r, int64_t due, int64_t t)
{
	if (due && t > due && !r->overdue)
		r->overdue = due;
	return 0;
}

/* Take one appeal as far through the loop as `now` allows. */
static int live(struct gen *g, struct row *r, const struct cat *k, const struct grid *gr,
		const char *root_path, int64_t root_id, int64_t now)
{
	int64_t t = r->created, id = r->id;
	const char *st = "submitted";
	int level = k->c.level;

	r->accept_due = cal_deadline(t, k->c.accept_amount, k->c.accept_workdays, NULL, 0);
	r->handler_id = level == LEVEL_GRID	   ? gr->id
			: level == LEVEL_COMMUNITY ? gr->comm_id
			: level == LEVEL_STREET	   ? gr->street_id
						   : root_id;
	r->handler_path = level == LEVEL_GRID	     ? gr->path
			  : level == LEVEL_COMMUNITY ? gr->comm_path
			  : level == LEVEL_STREET    ? gr->street_path
						     : root_path;
	r->dispatcher_path = "";
	r->status = st;
	if (event(g, id, t, "居民", "submit", NULL, st, ""))
		return -1;
	int fate = (int)(rnd() % 1000);
	int64_t at = t + (rnd() % 10 ? span(300, 2 * 3600) : span(2 * 3600, 10 * 3600));
	if (at > now)
		return late(r, r->accept_due, now); /* still waiting: as the sweeper marks it */
	late(r, r->accept_due, at);
	if (fate < 25) { /* rejected */
		r->status = "rejected";
		r->closed = at;
		return event(g, id, at, "受理人员", "reject", st, "rejected", "不属于受理范围");
	}
	if (fate < 35 && r->id > 1) { /* merged into the previous case */
		r->status = "merged";
		r->merged_into = r->id - 1;
		r->closed = at;
		return event(g, id, at, "受理人员", "merge", st, "merged", "");
	}
	r->accepted = at;
	r->handle_due = cal_deadline(at, k->c.handle_amount, k->c.handle_workdays, NULL, 0);
	r->status = "accepted";
	if (event(g, id, at, "受理人员", "accept", st, r->status, ""))
		return -1;
	/* Dispatch one level down to the grid (or on the spot at the grid). */
	at += span(300, 4 * 3600);
	if (at > now)
		return late(r, r->handle_due, now);
	late(r, r->handle_due, at);
	r->dispatcher_id = r->handler_id;
	r->dispatcher_path = r->handler_path;
	if (level == LEVEL_COMMUNITY || level == LEVEL_GRID) {
		r->handler_id = gr->id;
		r->handler_path = gr->path;
		r->assignee = gr->leader;
	}
	r->dispatched = at;
	r->status = "dispatched";
	if (event(g, id, at, "派单人员", "dispatch", "accepted", "dispatched", ""))
		return -1;
	at += span(300, 2 * 3600);
	if (at > now)
		return late(r, r->handle_due, now);
	late(r, r->handle_due, at);
	r->status = "handling";
	if (event(g, id, at, "承办人员", "sign", "dispatched", "handling", ""))
		return -1;
	/* Handling time: mostly within hours to a couple of days, a long tail. */
	int64_t handle = rnd() % 100 < 85 ? span(3600, 20 * 3600) : span(20 * 3600, 200 * 3600);
	int rounds = 1 + (rnd() % 20 == 0);
	for (int round = 0; round < rounds; round++) {
		at += handle / rounds;
		if (at > now)
			return late(r, r->handle_due, now);
		r->resolved = at;
		r->resolved_by = r->assignee;
		r->status = "resolved";
		if (event(g, id, at, "承办人员", "resolve", "handling", "resolved", "已处理完毕"))
			return -1;
		late(r, r->handle_due, at);
		at += span(1800, 24 * 3600);
		if (at > now)
			return 0;
		if (round + 1 < rounds) {
			r->rework++;
			r->status = "handling";
			if (event(g, id, at, "核查人员", "verify", "resolved", "handling",
				  "现场核查未解决，返工"))
				return -1;
		}
	}
	r->closed = at;
	r->status = "closed";
	if (event(g, id, at, "核查人员", "verify", "resolved", "closed", ""))
		return -1;
	if (rnd() % 10 >= 7)
		return 0; /* not every reporter rates */
	at += span(600, 48 * 3600);
	if (at > now)
		return 0;
	int p = (int)(rnd() % 100);
	r->rated = at;
	r->rating = p < 82 ? "satisfied" : p < 95 ? "basically_satisfied" : "unsatisfied";
	r->status = "rated";
	if (strcmp(r->rating, "unsatisfied"))
		return event(g, id, at, "居民", "rate", "closed", "rated", "");
	/* One unsatisfied rating reopens the case once; then it is rated again. */
	r->reopen = 1;
	if (event(g, id, at, "居民", "rate", "closed", "handling", "") ||
	    event(g, id, at + 7200, "承办人员", "resolve", "handling", "resolved", "再次处理") ||
	    event(g, id, at + 10800, "核查人员", "verify", "resolved", "closed", "") ||
	    event(g, id, at + 86400, "居民", "rate", "closed", "rated", ""))
		return -1;
	r->resolved = at + 7200;
	r->closed = at + 10800;
	r->rated = at + 86400;
	if (r->rated > now) {
		r->rated = 0;
		r->rating = NULL;
		r->status = "closed";
		g->nevents--; /* the second rating has not happened yet */
	} else {
		r->rating = rnd() % 2 ? "basically_satisfied" : "unsatisfied";
	}
	return 0;
}

static int load_grids(struct db_conn *c, struct grid **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 1024;
	int rc;

	*n = 0;
	*out = calloc(cap, sizeof **out);
	if (!*out)
		return -1;
	rc = db_prepare(
		c,
		"SELECT g.id, g.path, cm.id, cm.path, s.id, s.path, (SELECT MIN(hub_leader_id) "
		"FROM stations x WHERE x.grid_id = g.id) FROM units g JOIN units cm ON cm.id = "
		"g.parent_id JOIN units s ON s.id = cm.parent_id WHERE g.kind = 'grid' ORDER BY "
		"g.id",
		&st);
	if (rc < 0)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			struct grid *p = realloc(*out, 2 * cap * sizeof *p);
			if (!p) {
				rc = -1;
				break;
			}
			*out = p;
			cap *= 2;
		}
		struct grid *gr = &(*out)[(*n)++];
		gr->id = db_col_int64(st, 0);
		snprintf(gr->path, sizeof gr->path, "%s", db_col_text(st, 1));
		gr->comm_id = db_col_int64(st, 2);
		snprintf(gr->comm_path, sizeof gr->comm_path, "%s", db_col_text(st, 3));
		gr->street_id = db_col_int64(st, 4);
		snprintf(gr->street_path, sizeof gr->street_path, "%s", db_col_text(st, 5));
		gr->leader = db_col_int64(st, 6);
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int demo_appeals(struct db_conn *c, int is_pg, int64_t now, int64_t total, int64_t *made,
		 int64_t *events)
{
	struct gen *g = calloc(1, sizeof *g);
	struct grid *grids = NULL;
	struct cat cats[sizeof kinds / sizeof kinds[0]];
	size_t ngrids = 0;
	int64_t root_id = 0, id = 0, wsum = 0, csum = 0;
	char root_path[64], day[9], *sql = NULL;
	int rc = -1;

	if (!g)
		return -1;
	g->c = c;
	if (load_grids(c, &grids, &ngrids) || !ngrids)
		goto out;
	if (db_query_int64(c, &root_id, "SELECT id FROM units WHERE parent_id IS NULL", "") !=
	    DB_ROW)
		goto out;
	snprintf(root_path, sizeof root_path, "/%lld/", (long long)root_id);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (category_get_by_code(c, kinds[i].code, &cats[i].c) != DB_ROW)
			goto out;
		cats[i].id = cats[i].c.id;
		cats[i].weight = kinds[i].weight;
		wsum += kinds[i].weight;
	}
	for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
		csum += channels[i].weight;
	sql = demo_appeals_sql(APPEAL_ROWS);
	if (!sql || db_prepare(c, sql, &g->ins_appeals) < 0)
		goto out;
	free(sql);
	sql = NULL;
	if (prepare_events(c, EVENT_ROWS, &g->ins_events) < 0)
		goto out;

	/* Day by day, oldest first, so case numbers rise with time. */
	int64_t first_day = cal_day_of(now) - 365;
	for (int64_t d = first_day; d <= cal_day_of(now); d++) {
		int64_t start = cal_day_start(d), n = total / 366;
		enum cal_weekday w = cal_weekday(d);
		n = w == CAL_SUNDAY || w == CAL_SATURDAY ? n * 4 / 5 : n * 21 / 20;
		int64_t times_n = n, seq = 0;
		int64_t *times = malloc((size_t)(times_n ? times_n : 1) * sizeof *times);
		if (!times)
			goto out;
		for (int64_t i = 0; i < times_n; i++)
			times[i] = start + span(7 * 3600, 22 * 3600);
		/* A few lines of insertion sort would be quadratic: counting by minute. */
		int64_t counts[1441] = { 0 };
		for (int64_t i = 0; i < times_n; i++)
			counts[(times[i] - start) / 60 + 1]++;
		for (int m = 1; m <= 1440; m++)
			counts[m] += counts[m - 1];
		int64_t *sorted = malloc((size_t)(times_n ? times_n : 1) * sizeof *sorted);
		if (!sorted) {
			free(times);
			goto out;
		}
		for (int64_t i = 0; i < times_n; i++)
			sorted[counts[(times[i] - start) / 60]++] = times[i];
		free(times);
		appeal_day_text(start, day);
		for (int64_t i = 0; i < times_n && sorted[i] < now - 60; i++) {
			struct row *r = &g->rows[g->nrows];
			int64_t pick = (int64_t)(rnd() % (uint64_t)wsum),
				ch = (int64_t)(rnd() % (uint64_t)csum);
			size_t k = 0, cn = 0;
			while (pick >= cats[k].weight)
				pick -= cats[k++].weight;
			while (ch >= channels[cn].weight)
				ch -= channels[cn++].weight;
			const struct grid *gr = &grids[rnd() % ngrids];
			memset(r, 0, sizeof *r);
			r->id = ++id;
			r->created = sorted[i];
			snprintf(r->case_no, sizeof r->case_no, "%s%05lld", day, (long long)++seq);
			r->category_id = cats[k].id;
			r->title = kinds[k].titles[rnd() % 3];
			char desc[sizeof r->desc], search[sizeof r->search];
			snprintf(desc, sizeof desc, "%lld幢附近，%s，请尽快处理。",
				 (long long)span(1, 20), r->title);
			snprintf(search, sizeof search, "%s\n%s\n", r->title, desc);
			memcpy(r->desc, desc, sizeof desc);
			memcpy(r->search, search, sizeof search);
			r->channel = channels[cn].name;
			r->unit_id = gr->id;
			r->unit_path = gr->path;
			int last4 = (int)(rnd() % 10000);
			snprintf(r->last4, sizeof r->last4, "%04d", last4);
			snprintf(r->mask, sizeof r->mask, "13%d****%04d", (int)(rnd() % 10), last4);
			if (live(g, r, &cats[k], gr, root_path, root_id, now))
				goto out_sorted;
			if (++g->nrows == APPEAL_ROWS && flush_appeals(g))
				goto out_sorted;
			continue;
		out_sorted:
			free(sorted);
			goto out;
		}
		free(sorted);
		if (seq && db_run(c, "INSERT INTO appeal_counters (day, last) VALUES (?, ?)", "ti",
				  day, seq) < 0)
			goto out;
	}
	if (flush_appeals(g))
		goto out;
	if (is_pg && db_exec(c, "SELECT setval(pg_get_serial_sequence('appeals', 'id'), "
				"(SELECT MAX(id) FROM appeals))") < 0)
		goto out;
	*made = g->made;
	*events = g->nevents_total;
	rc = 0;
out:
	free(sql);
	free(grids);
	free(g);
	return rc;
}
