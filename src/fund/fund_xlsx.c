/*
 * fund_xlsx.c — the ledger as an Excel workbook (GET /api/v1/fund/ledger.xlsx),
 * written with libxlsxwriter.
 *
 * Constant-memory mode: each row is flushed to a temporary file (under the
 * data directory) as soon as the next begins, so a long ledger costs no more
 * memory than a short one; rows are therefore written strictly in order:
 * the header, then the entries oldest first. Headers are Chinese, amounts
 * yuan with two decimals (a number cell formatted 0.00, so sums work in the
 * sheet), times Shanghai local time.
 */
#include "fund/fund_int.h"

#include "core/clock.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

struct sheet {
	lxw_worksheet *ws;
	lxw_format *money;
	lxw_row_t row;
	int failed;
};

static const char *kind_zh(const char *kind)
{
	if (!strcmp(kind, "allocation"))
		return "拨付";
	if (!strcmp(kind, "spend"))
		return "支出";
	if (!strcmp(kind, "refund"))
		return "退回";
	if (!strcmp(kind, "correction"))
		return "更正";
	return kind;
}

/* "2026-11-25T09:30:00+08:00" → "2026-11-25 09:30:00" */
static void local_time(int64_t at, char out[32])
{
	char iso[32];

	clock_format_shanghai(at, iso);
	snprintf(out, 32, "%.10s %.8s", iso, iso + 11);
}

static int write_row(void *ctx, const struct fund_entry *e)
{
	struct sheet *s = ctx;
	lxw_row_t r = ++s->row;
	char at[32];
	lxw_error err = LXW_NO_ERROR;

	local_time(e->at, at);
#define W(x)                                                                                       \
	do {                                                                                       \
		if (err == LXW_NO_ERROR)                                                           \
			err = (x);                                                                 \
	} while (0)
	W(worksheet_write_number(s->ws, r, 0, (double)e->seq, NULL));
	W(worksheet_write_string(s->ws, r, 1, at, NULL));
	W(worksheet_write_string(s->ws, r, 2, e->unit_name ? e->unit_name : "", NULL));
	W(worksheet_write_number(s->ws, r, 3, (double)e->year, NULL));
	W(worksheet_write_string(s->ws, r, 4, kind_zh(e->kind), NULL));
	W(worksheet_write_number(s->ws, r, 5, (double)e->amount_fen / 100.0, s->money));
	W(worksheet_write_string(s->ws, r, 6, e->project_title ? e->project_title : "", NULL));
	if (e->ref_seq)
		W(worksheet_write_number(s->ws, r, 7, (double)e->ref_seq, NULL));
	W(worksheet_write_string(s->ws, r, 8, e->note ? e->note : "", NULL));
	W(worksheet_write_string(s->ws, r, 9, e->actor_name ? e->actor_name : "", NULL));
#undef W
	if (err != LXW_NO_ERROR) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

int fund_xlsx_write(struct db_conn *c, const struct fund_filter *f, const char *path,
		    const char *tmpdir)
{
	static const char *const headers[] = { "序号",	     "时间", "社区",	 "年度", "类别",
					       "金额（元）", "项目", "关联序号", "说明", "经办人" };
	static const double widths[] = { 8, 20, 16, 8, 8, 14, 30, 10, 40, 16 };
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	struct fund_filter all = *f;
	struct sheet s = { 0 };
	lxw_format *bold;
	int rc = 0;

	if (!wb)
		return -1;
	s.ws = workbook_add_worksheet(wb, "经费台账");
	bold = workbook_add_format(wb);
	s.money = workbook_add_format(wb);
	if (!s.ws || !bold || !s.money) {
		workbook_close(wb);
		return -1;
	}
	format_set_bold(bold);
	format_set_num_format(s.money, "0.00");
	for (int i = 0; i < 10; i++) {
		worksheet_set_column(s.ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
		if (worksheet_write_string(s.ws, 0, (lxw_col_t)i, headers[i], bold) != LXW_NO_ERROR)
			s.failed = 1;
	}
	all.asc = 1;
	all.after = 0;
	all.limit = 0;
	if (!s.failed)
		rc = fund_store_list(c, &all, write_row, &s);
	if (workbook_close(wb) != LXW_NO_ERROR)
		s.failed = 1;
	if (rc < 0 && !s.failed)
		return rc < -1 ? rc : -2; /* a database error: below -1 */
	return s.failed ? -1 : 0;
}
