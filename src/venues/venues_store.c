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

static int venue_query(struct db_conn *c, int by_code, int64_t id, const char *code,
		       struct venue *out)
{
	struct db_stmt *st;
	const char *sql =
		by_code ? VENUE_SELECT "WHERE v.public_code = ?" : VENUE_SELECT "WHERE v.id = ?";
	int rc = db_prepare(c, sql, &st);

	if (rc < 0)
		return rc;
	if (by_code)
		db_bind_text(st, 1, code, -1);
	else
		db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		venue_from_row(st, out);
	db_reset(st);
	return rc;
}

int venue_get(struct db_conn *c, int64_t id, struct venue *out)
{
	return venue_query(c, 0, id, NULL, out);
}

int venue_get_by_code(struct db_conn *c, const char *code, struct venue *out)
{
	return venue_query(c, 1, 0, code, out);
}

int venues_store_list(struct db_conn *c, const char *lo, const char *hi, int64_t after, int all,
		      int64_t limit, venue_view_fn fn, void *ctx)
{
	struct db_stmt *st;
	struct venue_view vv;
	int rc = db_prepare(c,
			    VENUE_SELECT "WHERE v.unit_path >= ? AND v.unit_path < ? AND v.id > ? "
					 "AND (v.active = 1 OR ? = 1) ORDER BY v.id LIMIT ?",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_int64(st, 3, after);
	db_bind_int64(st, 4, all);
	db_bind_int64(st, 5, limit);
	while ((rc = db_step(st)) == DB_ROW) {
		view_from_row(st, &vv);
		if ((rc = fn(ctx, &vv)) < 0)
			break;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int venues_store_view(struct db_conn *c, int64_t id, venue_view_fn fn, void *ctx)
{
	struct db_stmt *st;
	struct venue_view vv;
	int rc = db_prepare(c, VENUE_SELECT "WHERE v.id = ?", &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		view_from_row(st, &vv);
		int frc = fn(ctx, &vv);
		if (frc < 0)
			rc = frc;
	}
	db_reset(st);
	return rc;
}

int venues_store_public_code(struct db_conn *c, int64_t id, char *out, size_t n)
{
	struct db_stmt *st;
	int rc = db_prepare(c, "SELECT public_code FROM venues WHERE id = ?", &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0));
	db_reset(st);
	return rc;
}

int venues_store_blackouts(struct db_conn *c, int64_t venue_id, int64_t from, blackout_fn fn,
			   void *ctx)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT id, starts_at, ends_at, reason FROM venue_blackouts "
			    "WHERE venue_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 200",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, venue_id);
	db_bind_int64(st, 2, from);
	rc = 0;
	while (rc == 0 && db_step(st) == DB_ROW) {
		const struct blackout b = { .id = db_col_int64(st, 0),
					    .starts_at = db_col_int64(st, 1),
					    .ends_at = db_col_int64(st, 2),
					    .reason = db_col_text(st, 3) };
		rc = fn(ctx, &b) < 0 ? -1 : 0;
	}
	db_reset(st);
	return rc < 0 ? DB_ERR : 0;
}

int venues_store_taken_cells(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
			     int64_t *cells, int max, int *n)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT slot_start FROM booking_slots WHERE venue_id = ? AND "
			    "slot_start >= ? AND slot_start < ? ORDER BY slot_start",
			    &st);

	*n = 0;
	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, venue_id);
	db_bind_int64(st, 2, from);
	db_bind_int64(st, 3, to);
	while ((rc = db_step(st)) == DB_ROW && *n < max)
		cells[(*n)++] = db_col_int64(st, 0);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int venues_store_blackout_spans(struct db_conn *c, int64_t venue_id, int64_t from, int64_t to,
				int64_t *starts, int64_t *ends, int max, int *n)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT starts_at, ends_at FROM venue_blackouts WHERE venue_id = ? "
			    "AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT ?",
			    &st);

	*n = 0;
	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, venue_id);
	db_bind_int64(st, 2, to);
	db_bind_int64(st, 3, from);
	db_bind_int64(st, 4, max);
	while ((rc = db_step(st)) == DB_ROW && *n < max) {
		starts[*n] = db_col_int64(st, 0);
		ends[(*n)++] = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* ---- writes, in the caller's transaction ------------------------------- */

int venues_store_insert(struct db_conn *c, const struct venue_in *in, int64_t unit_id,
			const char *unit_path, const char *hours, const char *code, int64_t now,
			int64_t *id)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "INSERT INTO venues (unit_id, unit_path, name, description, address, "
			    "capacity, slot_minutes, opening_hours, min_notice_minutes, "
			    "max_days_ahead, max_duration_minutes, weekly_quota, "
			    "approval_required, public_code, created_at, updated_at) VALUES "
			    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    &st);

	if (rc < 0)
		return rc;
	const struct db_arg args[] = {
		DB_ARG_I(unit_id),
		DB_ARG_T(unit_path),
		DB_ARG_T(in->name),
		DB_ARG_T(in->description),
		DB_ARG_T(in->address),
		DB_ARG_I(in->capacity),
		DB_ARG_I(in->slot_minutes),
		DB_ARG_T(hours),
		DB_ARG_I(in->min_notice),
		DB_ARG_I(in->max_days),
		DB_ARG_I(in->max_duration),
		DB_ARG_I(in->quota),
		DB_ARG_I(in->approval),
		DB_ARG_T(code),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	db_bind_args(st, args, (int)(sizeof args / sizeof *args));
	rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		rc = 0;
	}
	db_reset(st);
	return rc;
}

int venues_store_update(struct db_conn *c, int64_t id, const struct venue_in *in, const char *hours,
			int64_t now)
{
	const struct db_arg args[] = {
		DB_ARG_T(in->name),
		DB_ARG_T(in->description),
		DB_ARG_T(in->address),
		DB_ARG_T(hours),
		DB_ARG_I(in->capacity),
		DB_ARG_I(in->slot_minutes),
		DB_ARG_I(in->min_notice),
		DB_ARG_I(in->max_days),
		DB_ARG_I(in->max_duration),
		DB_ARG_I(in->quota),
		DB_ARG_I(in->approval),
		DB_ARG_I(in->active),
		DB_ARG_I(now),
		DB_ARG_I(id),
	};

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
