/*
 * demo_fund.c — the demo district's service fund: every community its
 * 200,000 CNY for the current Shanghai year, and 南亭社区's 50,000 CNY on its
 * meal point project (the report's example), approved by its street. Runs in
 * the demo's transaction after demo_projects(), through the fund module's
 * own functions, so every entry carries a valid chain MAC.
 */
#include "cmd/cmd.h"

#include "calendar/calendar.h"
#include "db/store.h"
#include "fund/fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_ALLOCATION_FEN 20000000 /* 200,000 CNY: the report's minimum */
#define DEMO_NANTING_FEN    5000000  /* 50,000 CNY */

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int collect(struct db_stmt *st, void *p)
{
	struct ids *x = p;

	if (x->n == x->cap) {
		int64_t *more = realloc(x->v, (x->cap = x->cap ? 2 * x->cap : 128) * sizeof *more);
		if (!more)
			return DB_ENOMEM;
		x->v = more;
	}
	x->v[x->n++] = db_col_int64(st, 0);
	return 0;
}

static int nanting_spend(struct db_conn *c, int64_t now, int *done)
{
	char street[604] = "", note[512];
	const char *community = "南亭社区";
	int64_t project = 0;
	int rc;

	*done = 0;
	rc = db_query_int64(
		c, &project,
		"SELECT id FROM projects WHERE title = '南亭社区助餐服务点' ORDER BY id "
		"LIMIT 1",
		"");
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !project) {
		printf("fund: no project titled 南亭社区助餐服务点; its spend is left out\n");
		return 0;
	}
	rc = db_text(c, street, sizeof street,
		     "SELECT s.name FROM units u JOIN units s ON s.id = u.parent_id WHERE u.name = "
		     "'南亭社区' AND u.kind = 'community'",
		     "");
	if (rc < 0)
		return rc;
	snprintf(note, sizeof note, "%s 为八十岁以上老人助餐：场地改造、设备与首年运营", community);
	rc = fund_demo_spend(c, project, DEMO_NANTING_FEN, note, 0, community, 0,
			     street[0] ? street : "街道", now);
	if (rc == DB_EABORT) {
		printf("fund: the 南亭社区助餐服务点 project is not approved; its spend is left "
		       "out\n");
		return 0;
	}
	*done = rc == 0;
	return rc;
}

int demo_fund(struct db_conn *c, int64_t now)
{
	struct ids x = { 0 };
	int year = cal_year_of(now), rc, spent = 0;

	rc = db_each(c, collect, &x, "SELECT id FROM units WHERE kind = 'community' ORDER BY path",
		     "");
	for (size_t i = 0; rc >= 0 && i < x.n; i++)
		rc = fund_demo_allocate(c, x.v[i], year, DEMO_ALLOCATION_FEN,
					"年度为民服务专项经费", now);
	if (rc >= 0)
		rc = nanting_spend(c, now, &spent);
	if (rc >= 0)
		printf("fund: %zu communities allocated 200,000 CNY each for %d%s\n", x.n, year,
		       spent ? "; 南亭社区 spent 50,000 CNY on its meal point" : "");
	free(x.v);
	return rc < 0 ? rc : 0;
}
