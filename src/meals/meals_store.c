/*
 * meals_store.c — every SQL statement about meal points, the residents they
 * serve and their enrolments, and the helpers the meal stores share.
 *
 * One function per statement, bound parameters only; writes run in the
 * caller's db_tx_run() transaction (the handlers add the audit row and the
 * messages in the same one). Rows reach the handlers as structs
 * (meals_int.h) or as the JSON the API shows, built here with core/jbuild.h.
 */
#include "meals/meals_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <stdio.h>
#include <string.h>

/* ---- shared by the stores -------------------------------------------------- */

json_t *meal_time_or_null(struct db_stmt *st, int col)
{
	char buf[32];

	return db_col_is_null(st, col)
		       ? json_null()
		       : json_string(clock_format_shanghai(db_col_int64(st, col), buf));
}

int meals_store_page(struct db_stmt *st, struct page *pg, meal_row_fn row)
{
	int rc;

	/* the row past the limit only says there is a next page: no JSON for it */
	while ((rc = db_step(st)) == DB_ROW)
		page_add(pg, db_col_int64(st, 0),
			 pg->n < pg->limit ? row(st, &pg->req->arena) : NULL);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* ((? = 1 AND x.unit_path in [lo, hi)) OR x.resident_path in [lo, hi)
 *  OR (? = 0 AND (x.by = ? OR r.household_id = ?))) AND x.id < ? */
int meals_store_list(struct db_conn *c, const char *sql, const struct meal_filter *f,
		     const struct db_arg *more, int n, struct page *pg, meal_row_fn row)
{
	const struct meal_who *w = f->who;
	struct db_arg args[24] = {
		DB_ARG_I(w->manager),	 DB_ARG_T(w->lo),	 DB_ARG_T(w->hi),
		DB_ARG_T(w->lo),	 DB_ARG_T(w->hi),	 DB_ARG_I(w->staff),
		DB_ARG_I(w->account_id), DB_ARG_I(w->household), DB_ARG_I(f->before),
	};
	struct db_stmt *st;
	int rc;

	for (int i = 0; i < n && i < 14; i++)
		args[9 + i] = more[i];
	args[9 + n] = DB_ARG_I(pg->limit + 1);
	rc = db_select_args(c, &st, sql, args, 10 + n);
	return rc < 0 ? rc : meals_store_page(st, pg, row);
}

json_t *meal_ref_json(struct db_stmt *st, int col)
{
	return JB_OBJ(jb_int("id", db_col_int64(st, col)),
		      jb_str("name", db_col_text(st, col + 1)));
}

/* ---- points ------------------------------------------------------------------ */

#define POINT_SELECT                                                                               \
	"SELECT p.id, p.unit_id, p.unit_path, p.name, p.address, p.daily_capacity, p.modes, "      \
	"p.price_fen, p.subsidy_fen, p.order_cutoff, p.eligibility, p.active, u.name "             \
	"FROM meal_points p JOIN units u ON u.id = p.unit_id "

static void point_from_row(struct db_stmt *st, struct arena *a, struct meal_point *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int64(st, 0);
	p->unit_id = db_col_int64(st, 1);
	snprintf(p->unit_path, sizeof p->unit_path, "%s", db_col_text(st, 2));
	p->name = arena_strdup(a, db_col_text(st, 3));
	p->address = arena_strdup(a, db_col_text(st, 4));
	p->daily_capacity = (int)db_col_int64(st, 5);
	p->modes = meal_modes_from_text(db_col_text(st, 6));
	p->price_fen = db_col_int64(st, 7);
	p->subsidy_fen = db_col_int64(st, 8);
	p->order_cutoff = (int)db_col_int64(st, 9);
	p->rule = meal_tags_from_text(db_col_text(st, 10));
	p->active = (int)db_col_int64(st, 11);
	p->unit_name = arena_strdup(a, db_col_text(st, 12));
}

json_t *meal_point_json(const struct meal_point *p)
{
	char cutoff[24];

	snprintf(cutoff, sizeof cutoff, "%02d:%02d", p->order_cutoff / 60 % 24,
		 p->order_cutoff % 60);
	return JB_OBJ(
		jb_int("id", p->id),
		jb_take("unit", JB_OBJ(jb_int("id", p->unit_id), jb_str("name", p->unit_name))),
		jb_str("name", p->name), jb_str("address", p->address),
		jb_int("daily_capacity", p->daily_capacity),
		jb_take("modes", meal_modes_json(p->modes)), jb_int("price_fen", p->price_fen),
		jb_int("subsidy_fen", p->subsidy_fen),
		jb_int("resident_share_fen", (p->price_fen - p->subsidy_fen)),
		jb_str("order_cutoff", cutoff), jb_take("eligibility", meal_tags_json(p->rule)),
		jb_bool("active", p->active));
}

static json_t *point_row_json(struct db_stmt *st, struct arena *a)
{
	struct meal_point p;

	point_from_row(st, a, &p);
	return meal_point_json(&p);
}

/* A struct read from a row, with the arena its texts are copied into. */
struct arena_out {
	struct arena *a;
	void *out;
	json_t **json;
};

static int point_row(struct db_stmt *st, void *p)
{
	struct arena_out *o = p;

	point_from_row(st, o->a, o->out);
	return 0;
}

int meal_point_get(struct db_conn *c, struct arena *a, int64_t id, struct meal_point *out)
{
	struct arena_out o = { a, out, NULL };

	return db_one(c, point_row, &o, POINT_SELECT "WHERE p.id = ?", "i", id);
}

int meals_store_points(struct db_conn *c, const char *lo, const char *hi, int64_t after, int all,
		       struct page *pg)
{
	struct db_stmt *st;
	int rc = db_select(c, &st,
			   POINT_SELECT "WHERE p.unit_path >= ? AND p.unit_path < ? AND p.id > ? "
					"AND (p.active = 1 OR ? = 1) ORDER BY p.id LIMIT ?",
			   "ttiii", lo, hi, after, (int64_t)all, pg->limit + 1);

	return rc < 0 ? rc : meals_store_page(st, pg, point_row_json);
}

int meals_store_point_insert(struct db_conn *c, const struct meal_point_in *in, int64_t unit_id,
			     const char *unit_path, int64_t now, int64_t *id)
{
	char modes[96], rule[96];
	int rc;

	meal_modes_text(in->modes, modes);
	meal_tags_text(in->rule, rule);
	rc = db_query_int64(c, id,
			    "INSERT INTO meal_points (unit_id, unit_path, name, address, "
			    "daily_capacity, modes, price_fen, subsidy_fen, order_cutoff, "
			    "eligibility, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
			    "?, ?, ?, ?, ?, ?) RETURNING id",
			    "itttitiiitii", unit_id, unit_path, in->name, in->address, in->capacity,
			    modes, in->price, in->subsidy, (int64_t)in->cutoff, rule, now, now);
	/* db_query_int64 answers DB_ROW when the INSERT gave its id */
	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

int meals_store_point_update(struct db_conn *c, int64_t id, const struct meal_point_in *in,
			     int64_t now)
{
	char modes[96], rule[96];

	meal_modes_text(in->modes, modes);
	meal_tags_text(in->rule, rule);
	const struct db_arg args[] = {
		DB_ARG_T(in->name),   DB_ARG_T(in->address), DB_ARG_I(in->capacity),
		DB_ARG_T(modes),      DB_ARG_I(in->price),   DB_ARG_I(in->subsidy),
		DB_ARG_I(in->cutoff), DB_ARG_T(rule),	     DB_ARG_I(in->active),
		DB_ARG_I(now),	      DB_ARG_I(id),
	};
	return db_run_args(c,
			   "UPDATE meal_points SET name = COALESCE(?, name), address = "
			   "COALESCE(?, address), daily_capacity = ?, modes = ?, price_fen = "
			   "?, subsidy_fen = ?, order_cutoff = ?, eligibility = ?, active = ?, "
			   "updated_at = ? WHERE id = ?",
			   args, DB_ARGS_N(args));
}

/* ---- residents --------------------------------------------------------------- */

static int resident_row(struct db_stmt *st, void *p)
{
	struct meal_resident *out = p;
	const char *birth = db_col_text(st, 4);

	memset(out, 0, sizeof *out);
	out->id = db_col_int64(st, 0);
	out->household_id = db_col_int64(st, 1);
	snprintf(out->unit_path, sizeof out->unit_path, "%s", db_col_text(st, 2));
	out->tags = meal_tags_from_text(db_col_text(st, 3)) & ~(unsigned)MEAL_TAG_AGED_80;
	if (resident_age_on(birth, clock_now()) >= 80)
		out->tags |= MEAL_TAG_AGED_80;
	return 0;
}

int meal_resident_get(struct db_conn *c, int64_t id, struct meal_resident *out)
{
	return db_one(c, resident_row, out,
		      "SELECT id, household_id, unit_path, tags, birth_ym FROM residents WHERE "
		      "id = ?",
		      "i", id);
}

int meals_store_household(struct db_conn *c, int64_t resident_id, int64_t *hh)
{
	return db_query_int64(c, hh, "SELECT household_id FROM residents WHERE id = ?", "i",
			      resident_id);
}

/* ---- enrolments -------------------------------------------------------------- */

#define ENROL_SELECT                                                                               \
	"SELECT e.id, e.point_id, p.name, e.resident_id, r.name, e.applicant_id, a.display_name, " \
	"e.applied_as, e.matched, e.note, e.status, e.reason, e.decided_at, e.created_at, "        \
	"e.unit_path, e.resident_path, p.unit_id "                                                 \
	"FROM meal_enrolments e JOIN meal_points p ON p.id = e.point_id "                          \
	"JOIN residents r ON r.id = e.resident_id JOIN accounts a ON a.id = e.applicant_id "

static json_t *enrol_json(struct db_stmt *st, struct arena *a)
{
	(void)a;
	json_t *o =
		JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_take("point", meal_ref_json(st, 1)),
		       jb_take("resident", meal_ref_json(st, 3)),
		       jb_take("applicant", meal_ref_json(st, 5)),
		       jb_str("applied_as", db_col_text(st, 7)),
		       jb_take("matched", meal_tags_json(meal_tags_from_text(db_col_text(st, 8)))),
		       jb_str("note", db_col_text(st, 9)), jb_str("status", db_col_text(st, 10)),
		       jb_str("reason", db_col_text(st, 11)));

	if (!o)
		return NULL;
	json_object_set_new(o, "decided_at", meal_time_or_null(st, 12));
	json_object_set_new(o, "created_at", meal_time_or_null(st, 13));
	return o;
}

static int enrolment_row(struct db_stmt *st, void *p)
{
	struct arena_out *o = p;
	struct meal_enrolment *e = o->out;

	e->id = db_col_int64(st, 0);
	e->point_id = db_col_int64(st, 1);
	e->point_name = arena_strdup(o->a, db_col_text(st, 2));
	e->resident_id = db_col_int64(st, 3);
	e->applicant_id = db_col_int64(st, 5);
	snprintf(e->status, sizeof e->status, "%s", db_col_text(st, 10));
	snprintf(e->unit_path, sizeof e->unit_path, "%s", db_col_text(st, 14));
	e->point_unit_id = db_col_int64(st, 16);
	if (o->json)
		*o->json = enrol_json(st, o->a);
	return 0;
}

int meals_store_enrolment(struct db_conn *c, struct arena *a, int64_t id, struct meal_enrolment *e,
			  json_t **out)
{
	struct arena_out o = { a, e, out };

	memset(e, 0, sizeof *e);
	return db_one(c, enrolment_row, &o, ENROL_SELECT "WHERE e.id = ?", "i", id);
}

int meals_store_enrolments(struct db_conn *c, const struct meal_filter *f, struct page *pg)
{
	const struct db_arg more[] = {
		DB_ARG_I(f->point_id),	  DB_ARG_I(f->point_id), DB_ARG_I(f->resident_id),
		DB_ARG_I(f->resident_id), DB_ARG_T(f->status),	 DB_ARG_T(f->status),
	};

	return meals_store_list(c,
				ENROL_SELECT
				"WHERE ((? = 1 AND e.unit_path >= ? AND e.unit_path < ?) "
				"OR (e.resident_path >= ? AND e.resident_path < ?) "
				"OR (? = 0 AND (e.applicant_id = ? OR r.household_id = ?))) "
				"AND e.id < ? AND (? = 0 OR e.point_id = ?) AND (? = 0 OR "
				"e.resident_id = ?) AND (CAST(? AS TEXT) IS NULL OR e.status = ?) "
				"ORDER BY e.id DESC LIMIT ?",
				f, more, DB_ARGS_N(more), pg, enrol_json);
}

int meals_store_enrol_insert(struct db_conn *c, const struct meal_point *p,
			     const struct meal_resident *r, int64_t applicant, const char *as,
			     const char *matched, const char *note, int64_t now, int64_t *id)
{
	int rc = db_query_int64(c, id,
				"INSERT INTO meal_enrolments (point_id, unit_path, resident_id, "
				"resident_path, applicant_id, applied_as, matched, note, status, "
				"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
				"'pending', ?, ?) RETURNING id",
				"itititttii", p->id, p->unit_path, r->id, r->unit_path, applicant,
				as, matched, note ? note : "", now, now);

	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

int meals_store_enrol_set_status(struct db_conn *c, int64_t id, const char *from, const char *to,
				 const char *reason, int64_t by, int64_t now, int64_t *changed)
{
	return db_run_changed(
		c, changed,
		"UPDATE meal_enrolments SET status = ?, reason = ?, decided_by = CASE "
		"WHEN ? = 'withdrawn' THEN decided_by ELSE ? END, decided_at = CASE "
		"WHEN ? = 'withdrawn' THEN decided_at ELSE ? END, updated_at = ? "
		"WHERE id = ? AND status = ?",
		"tttitiiit", to, reason ? reason : "", to, by, to, now, now, id, from);
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("meal_points", "unit_path"),
	DB_PATH_MOVED("meal_enrolments", "unit_path"),
	DB_PATH_MOVED("meal_enrolments", "resident_path"),
	DB_PATH_MOVED("meal_rounds", "unit_path"),
	DB_PATH_MOVED("meal_orders", "unit_path"),
	DB_PATH_MOVED("meal_orders", "resident_path"),
};
static const char *const unit_use_sql[] = { DB_COUNT_EQ("meal_points", "unit_id") };

const struct org_unit_hooks meals_unit_hooks = { "meals", ORG_HOOK_SQL(unit_path_sql),
						 ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
