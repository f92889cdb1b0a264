/*
 * report_store.c — every SQL statement of the meal statement and the
 * coverage report (report_api.c says what they count).
 *
 * Read only, bound parameters only. Orders count by the day they were for
 * and at the price and subsidy they kept; residents count by where they live
 * now (the range predicate on residents.unit_path).
 */
#include "meals/meals_int.h"

#include "core/arena.h"

#include <stdio.h>
#include <string.h>

struct sum_call {
	meal_sum_fn fn;
	void *ctx;
};

static int sum_row(struct db_stmt *st, void *p)
{
	struct sum_call *k = p;
	const struct meal_sum_row r = { .day = db_col_text(st, 0),
					.mode = meal_mode_bit(db_col_text(st, 1)),
					.meals = db_col_int64(st, 2),
					.price = db_col_int64(st, 3),
					.subsidy = db_col_int64(st, 4) };
	int rc = k->fn(k->ctx, &r);

	return rc < 0 ? rc : 0;
}

int report_store_statement(struct db_conn *c, int64_t point_id, const char *lo, const char *hi,
			   meal_sum_fn fn, void *ctx)
{
	struct sum_call k = { fn, ctx };

	return db_each(c, sum_row, &k,
		       "SELECT day, mode, COUNT(*), SUM(price_fen), SUM(subsidy_fen) FROM "
		       "meal_orders WHERE point_id = ? AND day >= ? AND day < ? AND status IN "
		       "('served', 'delivered') GROUP BY day, mode ORDER BY day, mode",
		       "itt", point_id, lo, hi);
}

static int bill_point_row(struct db_stmt *st, void *p)
{
	struct meal_month_bill *b = p;

	b->unit_id = db_col_int64(st, 0);
	snprintf(b->unit_path, sizeof b->unit_path, "%s", db_col_text(st, 1));
	snprintf(b->name, sizeof b->name, "%s", db_col_text(st, 2));
	return 0;
}

static int bill_sum_row(struct db_stmt *st, void *p)
{
	struct meal_month_bill *b = p;

	b->meals = db_col_int64(st, 0);
	b->price_total_fen = db_col_int64(st, 1);
	b->subsidy_total_fen = db_col_int64(st, 2);
	return 0;
}

int meal_point_month_bill(struct db_conn *c, int64_t point_id, const char *month,
			  struct meal_month_bill *out)
{
	char lo[11], hi[11];
	int rc;

	memset(out, 0, sizeof *out);
	if (meal_month_bounds(month, lo, hi))
		return DB_EMISUSE;
	out->point_id = point_id;
	rc = db_one(c, bill_point_row, out,
		    "SELECT unit_id, unit_path, name FROM meal_points WHERE id = ?", "i", point_id);
	if (rc != DB_ROW)
		return rc;
	/* the rows report_store_statement() adds up, in one sum */
	rc = db_one(c, bill_sum_row, out,
		    "SELECT COUNT(*), COALESCE(SUM(price_fen), 0), COALESCE(SUM(subsidy_fen), 0) "
		    "FROM meal_orders WHERE point_id = ? AND day >= ? AND day < ? AND status IN "
		    "('served', 'delivered')",
		    "itt", point_id, lo, hi);
	return rc < 0 ? rc : DB_ROW;
}

int report_store_residents(struct db_conn *c, int64_t point_id, const char *lo, const char *hi,
			   int64_t *n)
{
	int rc = db_query_int64(c, n,
				"SELECT COUNT(DISTINCT resident_id) FROM meal_orders WHERE "
				"point_id = ? AND day >= ? AND day < ? AND status IN ('served', "
				"'delivered')",
				"itt", point_id, lo, hi);

	return rc < 0 ? rc : 0;
}

int report_store_not_taken(struct db_conn *c, int64_t point_id, const char *lo, const char *hi,
			   const char *today, int64_t *n)
{
	int rc = db_query_int64(c, n,
				"SELECT COUNT(*) FROM meal_orders WHERE point_id = ? AND day >= "
				"? AND day < ? AND day < ? AND status = 'ordered'",
				"ittt", point_id, lo, hi, today);

	return rc < 0 ? rc : 0;
}

struct communities {
	struct arena *a;
	struct meal_community *out;
	int max, *n;
};

/* At most max communities: a row past them stops the list. */
static int community_row(struct db_stmt *st, void *p)
{
	struct communities *k = p;
	struct meal_community *m;

	if (*k->n >= k->max)
		return DB_ROW;
	m = &k->out[*k->n];
	m->id = db_col_int64(st, 0);
	m->name = arena_strdup(k->a, db_col_text(st, 1));
	snprintf(m->path, sizeof m->path, "%s", db_col_text(st, 2));
	(*k->n)++;
	return 0;
}

int report_store_communities(struct db_conn *c, struct arena *a, const char *path, const char *lo,
			     const char *hi, struct meal_community *out, int max, int *n)
{
	struct communities k = { a, out, max, n };
	int rc;

	*n = 0;
	if (path)
		rc = db_each(c, community_row, &k,
			     "SELECT id, name, path FROM units WHERE path = ?", "t", path);
	else
		rc = db_each(c, community_row, &k,
			     "SELECT id, name, path FROM units WHERE kind = 'community' AND "
			     "path >= ? AND path < ? ORDER BY path",
			     "tt", lo, hi);
	return rc < 0 ? rc : 0;
}

struct rules {
	int64_t *points;
	unsigned *rule;
};

static int rule_row(struct db_stmt *st, void *p)
{
	struct rules *k = p;

	(*k->points)++;
	*k->rule |= meal_tags_from_text(db_col_text(st, 0));
	return 0;
}

int report_store_rules(struct db_conn *c, const char *lo, const char *hi, int64_t *points,
		       unsigned *rule)
{
	struct rules k = { points, rule };

	*points = 0;
	*rule = 0;
	return db_each(c, rule_row, &k,
		       "SELECT eligibility FROM meal_points WHERE unit_path >= ? AND unit_path "
		       "< ? AND active = 1",
		       "tt", lo, hi);
}

int report_store_eligible(struct db_conn *c, const char *lo, const char *hi, unsigned rule,
			  const char *born_by, int64_t *n)
{
	int rc = db_query_int64(
		c, n,
		"SELECT COUNT(*) FROM residents r WHERE r.unit_path >= ? AND r.unit_path < ? AND "
		"((? = 1 AND length(r.birth_ym) = 7 AND r.birth_ym <= ?) "
		"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,living_alone,%') "
		"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,all_elderly,%') "
		"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,disabled,%') "
		"OR (? = 1 AND (',' || r.tags || ',') LIKE '%,low_income,%'))",
		"ttitiiii", lo, hi, (int64_t) !!(rule & MEAL_TAG_AGED_80), born_by,
		(int64_t) !!(rule & MEAL_TAG_ALONE), (int64_t) !!(rule & MEAL_TAG_ALL_ELDERLY),
		(int64_t) !!(rule & MEAL_TAG_DISABLED), (int64_t) !!(rule & MEAL_TAG_LOW_INCOME));

	return rc < 0 ? rc : 0;
}

int report_store_enrolled(struct db_conn *c, const char *lo, const char *hi, int64_t *n)
{
	int rc = db_query_int64(
		c, n,
		"SELECT COUNT(DISTINCT e.resident_id) FROM meal_enrolments e JOIN "
		"residents r ON r.id = e.resident_id WHERE e.status = 'approved' AND "
		"r.unit_path >= ? AND r.unit_path < ?",
		"tt", lo, hi);

	return rc < 0 ? rc : 0;
}

int report_store_served(struct db_conn *c, const char *mlo, const char *mhi, const char *lo,
			const char *hi, int64_t *n)
{
	int rc = db_query_int64(c, n,
				"SELECT COUNT(DISTINCT o.resident_id) FROM meal_orders o JOIN "
				"residents r ON r.id = o.resident_id WHERE o.status IN "
				"('served', 'delivered') AND o.day >= ? AND o.day < ? AND "
				"r.unit_path >= ? AND r.unit_path < ?",
				"tttt", mlo, mhi, lo, hi);

	return rc < 0 ? rc : 0;
}
