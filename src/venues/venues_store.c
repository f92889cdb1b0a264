/*
 * venues_store.c — every SQL statement about venues and their blackouts.
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction (venues_api.c adds the audit row in
 * the same one). Reads hand each row to a callback as a struct venue_view
 * (venues_int.h), so the handlers build their JSON without seeing a
 * statement. The stored opening hours are parsed here, on every read.
 */
#include "venues/venues.h"
#include "venues/venues_int.h"

#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#define VENUE_SELECT                                                                               \
	"SELECT v.id, v.unit_id, v.unit_path, v.name, v.capacity, v.slot_minutes, "                \
	"v.min_notice_minutes, v.max_days_ahead, v.max_duration_minutes, v.weekly_quota, "         \
	"v.approval_required, v.active, v.opening_hours, v.description, v.address, "               \
	"v.public_code, "                                                                          \
	"u.name FROM venues v JOIN units u ON u.id = v.unit_id "

static void venue_from_row(struct db_stmt *st, struct venue *v)
{
	json_t *hours;
	const char *why;

	memset(v, 0, sizeof *v);
	v->id = db_col_int64(st, 0);
	v->unit_id = db_col_int64(st, 1);
	snprintf(v->unit_path, sizeof v->unit_path, "%s", db_col_text(st, 2));
	snprintf(v->name, sizeof v->name, "%s", db_col_text(st, 3));
	v->capacity = (int)db_col_int64(st, 4);
	v->slot_minutes = (int)db_col_int64(st, 5);
	v->min_notice_minutes = (int)db_col_int64(st, 6);
	v->max_days_ahead = (int)db_col_int64(st, 7);
	v->max_duration_minutes = (int)db_col_int64(st, 8);
	v->weekly_quota = (int)db_col_int64(st, 9);
	v->approval_required = (int)db_col_int64(st, 10);
	v->active = (int)db_col_int64(st, 11);
	hours = json_loads(db_col_text(st, 12), 0, NULL);
	/* Stored only after week_hours_parse accepted it; a failure leaves it closed. */
	week_hours_parse(hours, v->slot_minutes, &v->hours, &why);
	json_decref(hours);
}

static void view_from_row(struct db_stmt *st, struct venue_view *vv)
{
	venue_from_row(st, &vv->v);
	vv->description = db_col_text(st, 13);
	vv->address = db_col_text(st, 14);
	vv->public_code = db_col_text(st, 15);
	vv->unit_name = db_col_text(st, 16);
}

/* Where a VENUE_SELECT row goes: into *out (venue_get), else to fn as a view. */
struct venue_read {
	struct venue *out;
	venue_view_fn fn;
	void *ctx;
};

static int venue_row(struct db_stmt *st, void *p)
{
	struct venue_read *r = p;
	struct venue_view vv;
	int rc;

	if (r->out) {
		venue_from_row(st, r->out);
		return 0;
	}
	view_from_row(st, &vv);
	rc = r->fn(r->ctx, &vv);
	return rc < 0 ? rc : 0;
}

int venue_get(struct db_conn *c, int64_t id, struct venue *out)
{
	struct venue_read r = { .out = out };

	return db_one(c, venue_row, &r, VENUE_SELECT "WHERE v.id = ?", "i", id);
}

int venue_get_by_code(struct db_conn *c, const char *code, struct venue *out)
{
	struct venue_read r = { .out = out };

	return db_one(c, venue_row, &r, VENUE_SELECT "WHERE v.public_code = ?", "t", code);
}

int venues_store_list(struct db_conn *c, const char *lo, const char *hi, int64_t after, int all,
		      int64_t limit, venue_view_fn fn, void *ctx)
{
	struct venue_read r = { .fn = fn, .ctx = ctx };
	int rc = db_each(c, venue_row, &r,
			 VENUE_SELECT "WHERE v.unit_path >= ? AND v.unit_path < ? AND v.id > ? "
				      "AND (v.active = 1 OR ? = 1) ORDER BY v.id LIMIT ?",
			 "ttiii", lo, hi, after, (int64_t)all, limit);

	return rc < 0 ? rc : 0;
}

int venues_store_view(struct db_conn *c, int64_t id, venue_view_fn fn, void *ctx)
{
	struct venue_read r = { .fn = fn, .ctx = ctx };

	return db_one(c, venue_row, &r, VENUE_SELECT "WHERE v.id = ?", "i", id);
}

int venues_store_public_code(struct db_conn *c, int64_t id, char *out, size_t n)
{
	return db_text(c, out, n, "SELECT public_code FROM venues WHERE id = ?", "i", id);
}

struct blackout_read {
	blackout_fn fn;
	void *ctx;
};

static int blackout_row(struct db_stmt *st, void *p)
{
	struct blackout_read *r = p;
	const struct blackout b = { .id = db_col_int64(st, 0),
				    .starts_at = db_col_int64(st, 1),
				    .ends_at = db_col_int64(st, 2),
				    .reason = db_col_text(st, 3) };

	return r->fn(r->ctx, &b) < 0 ? DB_ERR : 0;
}

int venues_store_blackouts(struct db_conn *c, int64_t venue_id, int64_t from, blackout_fn fn,
			   void *ctx)
{
	struct blackout_read r = { fn, ctx };
	int rc = db_each(c, blackout_row, &r,
			 "SELECT id, starts_at, ends_at, reason FROM venue_blackouts "
			 "WHERE venue_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 200",
			 "ii", venue_id, from);

	return rc < 0 ? DB_ERR : 0;
}

/* Up to max rows of one or two int64 columns into a[] (and b[]); *n counts them. */
struct spans_read {
	int64_t *a, *b;
	int max, *n;
};

static int span_row(struct db_stmt *st, void *p)
{
	struct spans_read *r = p;

	if (*r->n >= r->max)
		return DB_ROW;
	r->a[*r->n] = db_col_int64(st, 0);
	if (r->b)
		r->b[*r->n] = db_col_int64(st, 1);
	(*r->n)++;
	return 0;
}

int venues_store_taken_cells(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
			     int64_t *cells, int max, int *n)
{
	struct spans_read r = { cells, NULL, max, n };
	int rc;

	*n = 0;
	rc = db_each(c, span_row, &r,
		     "SELECT slot_start FROM booking_slots WHERE venue_id = ? AND "
		     "slot_start >= ? AND slot_start < ? ORDER BY slot_start",
		     "iii", venue_id, from, to);
	return rc < 0 ? rc : 0;
}

int venues_store_blackout_spans(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
				int64_t *starts, int64_t *ends, int max, int *n)
{
	struct spans_read r = { starts, ends, max, n };
	int rc;

	*n = 0;
	rc = db_each(c, span_row, &r,
		     "SELECT starts_at, ends_at FROM venue_blackouts WHERE venue_id = ? "
		     "AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT ?",
		     "iiii", venue_id, to, from, (int64_t)max);
	return rc < 0 ? rc : 0;
}

/* ---- writes, in the caller's transaction ------------------------------- */

/* The venue's own fields, bound in the order VENUE_FIELDS names their columns. */
#define VENUE_FIELDS                                                                               \
	"name, description, address, opening_hours, capacity, slot_minutes, "                      \
	"min_notice_minutes, max_days_ahead, max_duration_minutes, weekly_quota, "                 \
	"approval_required"
#define VENUE_N_FIELDS 11

static void venue_in_args(const struct venue_in *in, const char *hours, struct db_arg *a)
{
	const struct db_arg fields[VENUE_N_FIELDS] = {
		DB_ARG_T(in->name),	  DB_ARG_T(in->description), DB_ARG_T(in->address),
		DB_ARG_T(hours),	  DB_ARG_I(in->capacity),    DB_ARG_I(in->slot_minutes),
		DB_ARG_I(in->min_notice), DB_ARG_I(in->max_days),    DB_ARG_I(in->max_duration),
		DB_ARG_I(in->quota),	  DB_ARG_I(in->approval),
	};

	memcpy(a, fields, sizeof fields);
}

int venues_store_insert(struct db_conn *c, const struct venue_in *in, int64_t unit_id,
			const char *unit_path, const char *hours, const char *code, int64_t now,
			int64_t *id)
{
	struct db_arg args[VENUE_N_FIELDS + 5] = {
		[VENUE_N_FIELDS] = DB_ARG_I(unit_id),
		DB_ARG_T(unit_path),
		DB_ARG_T(code),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc;

	venue_in_args(in, hours, args);
	rc = db_query_int64_args(
		c, id,
		"INSERT INTO venues (" VENUE_FIELDS ", unit_id, unit_path, "
		"public_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));
	return rc == DB_ROW ? 0 : rc;
}

int venues_store_update(struct db_conn *c, int64_t id, const struct venue_in *in, const char *hours,
			int64_t now)
{
	struct db_arg args[VENUE_N_FIELDS + 3] = {
		[VENUE_N_FIELDS] = DB_ARG_I(in->active),
		DB_ARG_I(now),
		DB_ARG_I(id),
	};

	venue_in_args(in, hours, args);
	return db_run_args(c,
			   "UPDATE venues SET name = COALESCE(?, name), description = "
			   "COALESCE(?, description), address = COALESCE(?, address), "
			   "opening_hours = COALESCE(?, opening_hours), capacity = ?, "
			   "slot_minutes = ?, min_notice_minutes = ?, max_days_ahead = ?, "
			   "max_duration_minutes = ?, weekly_quota = ?, approval_required = ?, "
			   "active = ?, updated_at = ? WHERE id = ?",
			   args, DB_ARGS_N(args));
}

int venues_store_add_blackout(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
			      const char *reason, int64_t now, int64_t *bid)
{
	int rc =
		db_query_int64(c, bid,
			       "INSERT INTO venue_blackouts (venue_id, starts_at, ends_at, reason, "
			       "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			       "iiiti", venue_id, from, to, reason ? reason : "", now);

	return rc == DB_ROW ? 0 : rc;
}

int venues_store_delete_blackout(struct db_conn *c, int64_t venue_id, int64_t bid)
{
	int rc = db_run(c, "DELETE FROM venue_blackouts WHERE id = ? AND venue_id = ?", "ii", bid,
			venue_id);

	if (rc == 0 && db_changes(c) == 0)
		return DB_DONE;
	return rc;
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("venues", "unit_path"),
	DB_PATH_MOVED("bookings", "unit_path"),
};
static const char *const unit_use_sql[] = {
	DB_COUNT_EQ("venues", "unit_id"),
	DB_COUNT_EQ("bookings", "for_unit_id"),
};

const struct org_unit_hooks venues_unit_hooks = { "venues", ORG_HOOK_SQL(unit_path_sql),
						  ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
