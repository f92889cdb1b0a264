/*
 * orders_store.c — every SQL statement about meal orders and delivery rounds.
 *
 * One function per statement, bound parameters only; writes run in the
 * caller's db_tx_run() transaction. The capacity rule is held by locking the
 * point's row first (orders_store_lock_point) and the one-meal-a-day rule by
 * a partial unique index, whose refusal orders_store_insert passes on as
 * DB_ECONSTRAINT (orders_api.c says more).
 */
#include "meals/meals_int.h"

#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/jbuild.h"
#include "http/request.h"

#include <stdio.h>
#include <string.h>

/* ---- orders ------------------------------------------------------------------ */

#define ORDER_SELECT                                                                               \
	"SELECT o.id, o.point_id, p.name, o.enrolment_id, o.resident_id, r.name, o.day, o.mode, "  \
	"o.price_fen, o.subsidy_fen, o.status, o.round_id, o.ordered_by, ob.display_name, "        \
	"o.created_at, o.cancelled_at, o.done_at, o.done_by, dn.display_name, o.unit_path, "       \
	"o.resident_path, rd.assignee_id, h.room, h.address, b.name, r.phone_mask "                \
	"FROM meal_orders o JOIN meal_points p ON p.id = o.point_id "                              \
	"JOIN residents r ON r.id = o.resident_id JOIN households h ON h.id = r.household_id "     \
	"JOIN units b ON b.id = h.building_id JOIN accounts ob ON ob.id = o.ordered_by "           \
	"LEFT JOIN accounts dn ON dn.id = o.done_by LEFT JOIN meal_rounds rd ON rd.id = "          \
	"o.round_id "

static json_t *order_json(struct db_stmt *st, struct arena *a)
{
	(void)a;
	json_t *o =
		JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_take("point", meal_ref_json(st, 1)),
		       jb_int("enrolment_id", db_col_int64(st, 3)),
		       jb_take("resident", meal_ref_json(st, 4)), jb_str("day", db_col_text(st, 6)),
		       jb_str("mode", db_col_text(st, 7)), jb_int("price_fen", db_col_int64(st, 8)),
		       jb_int("subsidy_fen", db_col_int64(st, 9)),
		       jb_int("resident_share_fen",
			      (json_int_t)(db_col_int64(st, 8) - db_col_int64(st, 9))),
		       jb_str("status", db_col_text(st, 10)));

	if (!o)
		return NULL;
	json_object_set_new(o, "round_id",
			    db_col_is_null(st, 11) ? json_null()
						   : json_integer(db_col_int64(st, 11)));
	json_object_set_new(o, "ordered_by", meal_ref_json(st, 12));
	json_object_set_new(o, "created_at", meal_time_or_null(st, 14));
	json_object_set_new(o, "cancelled_at", meal_time_or_null(st, 15));
	json_object_set_new(o, "done_at", meal_time_or_null(st, 16));
	json_object_set_new(o, "done_by",
			    db_col_is_null(st, 17) ? json_null() : meal_ref_json(st, 17));
	json_object_set_new(o, "address",
			    JB_OBJ(jb_str("building", db_col_text(st, 24)),
				   jb_str("room", db_col_text(st, 22)),
				   jb_str("address", db_col_text(st, 23)),
				   jb_str_or_null("phone", db_col_text(st, 25))));
	return o;
}

/*
 * One row read by fill into out (orders_store_load, _round) and, when json is
 * set, into *json as the API shows it (to_json).
 */
struct one_row {
	void (*fill)(struct db_stmt *st, void *out);
	void *out;
	meal_row_fn to_json;
	json_t **json;
};

static int one_row(struct db_stmt *st, void *p)
{
	struct one_row *r = p;

	r->fill(st, r->out);
	if (r->json)
		*r->json = r->to_json(st, NULL);
	return 0;
}

static void order_fill(struct db_stmt *st, void *p)
{
	struct meal_order *o = p;
	int64_t d;

	o->id = db_col_int64(st, 0);
	o->point_id = db_col_int64(st, 1);
	o->resident_id = db_col_int64(st, 4);
	snprintf(o->day, sizeof o->day, "%s", db_col_text(st, 6));
	o->mode = meal_mode_bit(db_col_text(st, 7));
	snprintf(o->status, sizeof o->status, "%s", db_col_text(st, 10));
	o->round_id = db_col_is_null(st, 11) ? 0 : db_col_int64(st, 11);
	o->ordered_by = db_col_int64(st, 12);
	snprintf(o->unit_path, sizeof o->unit_path, "%s", db_col_text(st, 19));
	o->assignee_id = db_col_is_null(st, 21) ? 0 : db_col_int64(st, 21);
	if (!cal_day_parse(o->day, &d))
		o->midnight = cal_day_start(d);
}

int orders_store_load(struct db_conn *c, int64_t id, struct meal_order *o, json_t **out)
{
	struct one_row r = { order_fill, o, order_json, out };

	memset(o, 0, sizeof *o);
	return db_one(c, one_row, &r, ORDER_SELECT "WHERE o.id = ?", "i", id);
}

int orders_store_list(struct db_conn *c, const struct meal_filter *f, struct page *pg)
{
	const struct db_arg more[] = {
		DB_ARG_I(f->point_id), DB_ARG_I(f->point_id),	 DB_ARG_I(f->round_id),
		DB_ARG_I(f->round_id), DB_ARG_I(f->resident_id), DB_ARG_I(f->resident_id),
		DB_ARG_T(f->day),      DB_ARG_T(f->day),	 DB_ARG_T(f->status),
		DB_ARG_T(f->status),
	};

	return meals_store_list(
		c,
		ORDER_SELECT
		"WHERE ((? = 1 AND o.unit_path >= ? AND o.unit_path < ?) "
		"OR (o.resident_path >= ? AND o.resident_path < ?) "
		"OR (? = 0 AND (o.ordered_by = ? OR r.household_id = ?))) "
		"AND o.id < ? AND (? = 0 OR o.point_id = ?) AND (? = 0 OR o.round_id = "
		"?) AND (? = 0 OR o.resident_id = ?) AND (CAST(? AS TEXT) IS NULL OR "
		"o.day = ?) AND (CAST(? AS TEXT) IS NULL OR o.status = ?) ORDER BY "
		"o.id DESC LIMIT ?",
		f, more, DB_ARGS_N(more), pg, order_json);
}

int orders_store_lock_point(struct db_conn *c, int64_t point_id)
{
	return db_run(c, "UPDATE meal_points SET updated_at = updated_at WHERE id = ?", "i",
		      point_id);
}

int orders_store_lock_enrolment(struct db_conn *c, int64_t enrol_id, int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE meal_enrolments SET updated_at = updated_at WHERE id = ? AND "
			      "status = 'approved'",
			      "i", enrol_id);
}

int orders_store_live_count(struct db_conn *c, int64_t point_id, const char *day, int64_t *n)
{
	int rc = db_query_int64(c, n,
				"SELECT COUNT(*) FROM meal_orders WHERE point_id = ? AND day = ? "
				"AND status <> 'cancelled'",
				"it", point_id, day);

	return rc == DB_ROW ? 0 : rc;
}

int orders_store_insert(struct db_conn *c, const struct meal_point *p, int64_t enrol_id,
			const struct meal_resident *r, const char *day, const char *mode,
			int64_t by, int64_t now, int64_t *id)
{
	int rc = db_query_int64(
		c, id,
		"INSERT INTO meal_orders (point_id, unit_path, enrolment_id, resident_id, "
		"resident_path, day, mode, price_fen, subsidy_fen, status, ordered_by, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ordered', ?, ?, ?) "
		"RETURNING id",
		"itiitttiiiii", p->id, p->unit_path, enrol_id, r->id, r->unit_path, day, mode,
		p->price_fen, p->subsidy_fen, by, now, now);

	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

int orders_store_cancel(struct db_conn *c, int64_t id, int64_t by, int64_t now, int64_t *changed)
{
	return db_run_changed(c, changed,
			      "UPDATE meal_orders SET status = 'cancelled', round_id = NULL, "
			      "cancelled_by = ?, cancelled_at = ?, updated_at = ? WHERE id = ? AND "
			      "status = 'ordered'",
			      "iiii", by, now, now, id);
}

int orders_store_done(struct db_conn *c, int64_t id, const char *to, int64_t round_id, int64_t by,
		      int64_t now, int64_t *changed)
{
	return db_run_changed(
		c, changed,
		"UPDATE meal_orders SET status = ?, done_by = ?, done_at = ?, updated_at "
		"= ? WHERE id = ? AND status = 'ordered' AND COALESCE(round_id, 0) = ?",
		"tiiiii", to, by, now, now, id, round_id);
}

int orders_store_cancel_open(struct db_conn *c, int64_t enrol_id, int64_t by, const char *today,
			     int before_cutoff, int64_t now, int64_t *n)
{
	return db_run_changed(c, n,
			      "UPDATE meal_orders SET status = 'cancelled', round_id = NULL, "
			      "cancelled_by = ?, cancelled_at = ?, updated_at = ? WHERE "
			      "enrolment_id = ? AND status = 'ordered' AND (day > ? OR (day = ? "
			      "AND ? = 1))",
			      "iiiitti", by, now, now, enrol_id, today, today,
			      (int64_t)before_cutoff);
}

/* ---- rounds ------------------------------------------------------------------ */

#define ROUND_SELECT                                                                               \
	"SELECT rd.id, rd.point_id, p.name, rd.day, rd.name, rd.assignee_id, a.display_name, "     \
	"rd.created_at, rd.unit_path, (SELECT COUNT(*) FROM meal_orders o WHERE o.round_id = "     \
	"rd.id AND o.status <> 'cancelled'), (SELECT COUNT(*) FROM meal_orders o WHERE "           \
	"o.round_id = rd.id AND o.status = 'delivered') FROM meal_rounds rd "                      \
	"JOIN meal_points p ON p.id = rd.point_id JOIN accounts a ON a.id = rd.assignee_id "

static json_t *round_json(struct db_stmt *st, struct arena *a)
{
	(void)a;
	json_t *o = JB_OBJ(
		jb_int("id", db_col_int64(st, 0)), jb_take("point", meal_ref_json(st, 1)),
		jb_str("day", db_col_text(st, 3)), jb_str("name", db_col_text(st, 4)),
		jb_take("assignee", meal_ref_json(st, 5)), jb_int("orders", db_col_int64(st, 9)),
		jb_int("delivered", db_col_int64(st, 10)));

	if (o)
		json_object_set_new(o, "created_at", meal_time_or_null(st, 7));
	return o;
}

static void round_fill(struct db_stmt *st, void *p)
{
	struct meal_round *rd = p;

	rd->id = db_col_int64(st, 0);
	rd->point_id = db_col_int64(st, 1);
	snprintf(rd->day, sizeof rd->day, "%s", db_col_text(st, 3));
	rd->assignee_id = db_col_int64(st, 5);
	snprintf(rd->unit_path, sizeof rd->unit_path, "%s", db_col_text(st, 8));
}

int orders_store_round(struct db_conn *c, int64_t id, struct meal_round *rd, json_t **out)
{
	struct one_row r = { round_fill, rd, round_json, out };

	memset(rd, 0, sizeof *rd);
	return db_one(c, one_row, &r, ROUND_SELECT "WHERE rd.id = ?", "i", id);
}

int orders_store_rounds(struct db_conn *c, const char *lo, const char *hi, int64_t assignee,
			int64_t point_id, const char *day, int64_t before, struct page *pg)
{
	struct db_stmt *st;
	int rc = db_select(c, &st,
			   ROUND_SELECT "WHERE rd.unit_path >= ? AND rd.unit_path < ? AND (? = 0 "
					"OR rd.assignee_id = ?) AND (? = 0 OR rd.point_id = ?) AND "
					"(CAST(? AS TEXT) IS NULL OR rd.day = ?) AND rd.id < ? "
					"ORDER BY rd.id DESC LIMIT ?",
			   "ttiiiittii", lo, hi, (int64_t)(assignee != 0), assignee, point_id,
			   point_id, day, day, before, pg->limit + 1);

	return rc < 0 ? rc : meals_store_page(st, pg, round_json);
}

static int order_json_row(struct db_stmt *st, void *items)
{
	json_array_append_new(items, order_json(st, NULL));
	return 0;
}

int orders_store_round_orders(struct db_conn *c, int64_t round_id, json_t *items)
{
	return db_each(c, order_json_row, items,
		       ORDER_SELECT "WHERE o.round_id = ? AND o.status <> 'cancelled' ORDER BY "
				    "b.name, h.room, o.id LIMIT 1000",
		       "i", round_id);
}

int orders_store_round_insert(struct db_conn *c, const struct meal_point *p, const char *day,
			      const char *name, int64_t assignee, int64_t by, int64_t now,
			      int64_t *id)
{
	int rc = db_query_int64(c, id,
				"INSERT INTO meal_rounds (point_id, unit_path, day, name, "
				"assignee_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, "
				"?) RETURNING id",
				"itttiii", p->id, p->unit_path, day, name, assignee, by, now);

	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

int orders_store_assign(struct db_conn *c, int64_t round_id, int64_t order_id, int64_t point_id,
			const char *day, int64_t now, int64_t *changed)
{
	return db_run_changed(
		c, changed,
		"UPDATE meal_orders SET round_id = ?, updated_at = ? WHERE id = ? AND "
		"point_id = ? AND day = ? AND status = 'ordered' AND mode IN "
		"('meal_delivery', 'grocery_delivery')",
		"iiiit", round_id, now, order_id, point_id, day);
}

/* ---- who a round may go to ----------------------------------------------------- */

static int account_row(struct db_stmt *st, void *p)
{
	struct meal_account *out = p;

	memset(out, 0, sizeof *out);
	snprintf(out->unit_path, sizeof out->unit_path, "%s", db_col_text(st, 0));
	if (roles_parse(db_col_text(st, 1), &out->roles))
		out->roles = 0;
	out->disabled = (int)db_col_int64(st, 2);
	return 0;
}

int orders_store_account(struct db_conn *c, int64_t id, struct meal_account *out)
{
	int rc = db_one(c, account_row, out,
			"SELECT unit_path, roles, disabled FROM accounts WHERE id = ?", "i", id);

	if (rc == DB_ROW)
		out->id = id;
	return rc;
}

struct assignee_call {
	meal_account_fn fn;
	void *ctx;
};

/* An account whose roles do not parse is left out; fn > 0 stops the list. */
static int assignee_row(struct db_stmt *st, void *p)
{
	struct assignee_call *k = p;
	struct meal_account a = { .id = db_col_int64(st, 0), .name = db_col_text(st, 1) };
	int rc;

	if (roles_parse(db_col_text(st, 2), &a.roles))
		return 0;
	a.unit_id = db_col_int64(st, 3);
	a.unit_name = db_col_text(st, 4);
	rc = k->fn(k->ctx, &a);
	return rc < 0 ? rc : rc ? DB_ROW : 0;
}

/* The area is the scope's range predicate; the units above it are the
 * prefixes of the point's path. */
int orders_store_assignees(struct db_conn *c, const char *path, const char *hi, meal_account_fn fn,
			   void *ctx)
{
	struct assignee_call k = { fn, ctx };
	int rc = db_each(c, assignee_row, &k,
			 "SELECT a.id, a.display_name, a.roles, a.unit_id, u.name FROM accounts a "
			 "JOIN units u ON u.id = a.unit_id WHERE a.disabled = 0 AND "
			 "((a.unit_path >= ? AND a.unit_path < ?) OR "
			 "substr(CAST(? AS TEXT), 1, length(a.unit_path)) = a.unit_path) "
			 "ORDER BY a.unit_path DESC, a.id LIMIT 2000",
			 "ttt", path, hi, path);

	return rc < 0 ? rc : 0;
}
