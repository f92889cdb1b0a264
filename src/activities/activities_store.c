/*
 * activities_store.c — every SQL statement about the activities themselves.
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction (activities_api.c adds the booking,
 * the messages and the audit row in the same one). Reads hand each row to a
 * callback as a struct activity_view (activities_int.h), so the handlers
 * build their JSON without seeing a statement. The sign-ups' statements are
 * in signup_store.c.
 */
#include "activities/activities.h"
#include "activities/activities_int.h"

#include "core/arena.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

/*
 * The caller's own sign-up (the latest, whatever its state) joins as ms; the
 * first three parameters are the caller's account id and resident id (twice).
 */
#define ACTIVITY_SELECT                                                                            \
	"SELECT a.id, a.unit_id, u.name, a.unit_path, a.organiser_kind, a.organiser_name, "        \
	"a.title, a.description, a.starts_at, a.ends_at, a.place, a.venue_id, v.name, "            \
	"a.booking_id, b.status, a.capacity, a.signup_opens_at, a.signup_closes_at, "              \
	"a.eligibility, a.check_in_code, a.status, a.cancel_reason, a.created_by, "                \
	"cb.display_name, a.created_at, a.updated_at, "                                            \
	"(SELECT COUNT(*) FROM activity_signups s WHERE s.activity_id = a.id AND "                 \
	"s.status = 'confirmed'), "                                                                \
	"(SELECT COUNT(*) FROM activity_signups s WHERE s.activity_id = a.id AND "                 \
	"s.status = 'waitlisted'), "                                                               \
	"ms.id, ms.status, ms.checked_in_at, "                                                     \
	"(SELECT COUNT(*) FROM activity_signups w WHERE w.activity_id = a.id AND "                 \
	"w.status = 'waitlisted' AND w.id <= ms.id) "                                              \
	"FROM activities a JOIN units u ON u.id = a.unit_id "                                      \
	"JOIN accounts cb ON cb.id = a.created_by "                                                \
	"LEFT JOIN venues v ON v.id = a.venue_id "                                                 \
	"LEFT JOIN bookings b ON b.id = a.booking_id "                                             \
	"LEFT JOIN activity_signups ms ON ms.id = (SELECT MAX(x.id) FROM activity_signups x "      \
	"WHERE x.activity_id = a.id AND (x.account_id = ? OR (? > 0 AND x.resident_id = ?))) "

static int64_t int_or_0(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int64(st, col);
}

/* The place (column col), else the venue's name (venue_col), else "". */
static const char *where_of(struct db_stmt *st, int col, int venue_col)
{
	const char *place = db_col_text(st, col);

	return place && *place		       ? place
	       : db_col_is_null(st, venue_col) ? ""
					       : db_col_text(st, venue_col);
}

static void view_from_row(struct db_stmt *st, struct activity_view *v)
{
	struct activity *a = &v->a;

	memset(v, 0, sizeof *v);
	a->id = db_col_int64(st, 0);
	a->unit_id = db_col_int64(st, 1);
	snprintf(a->unit_path, sizeof a->unit_path, "%s", db_col_text(st, 3));
	a->title = db_col_text(st, 6);
	a->starts_at = db_col_int64(st, 8);
	a->ends_at = db_col_int64(st, 9);
	a->place = where_of(st, 10, 12);
	a->venue_id = int_or_0(st, 11);
	a->booking_id = int_or_0(st, 13);
	a->capacity = db_col_int64(st, 15);
	a->opens_at = db_col_int64(st, 16);
	a->closes_at = db_col_int64(st, 17);
	snprintf(a->eligibility, sizeof a->eligibility, "%s", db_col_text(st, 18));
	snprintf(a->status, sizeof a->status, "%s", db_col_text(st, 20));
	a->confirmed = db_col_int64(st, 26);
	a->waitlisted = db_col_int64(st, 27);
	v->unit_name = db_col_text(st, 2);
	v->organiser_kind = db_col_text(st, 4);
	v->organiser_name = db_col_text(st, 5);
	v->description = db_col_text(st, 7);
	v->place = db_col_text(st, 10);
	v->venue_name = db_col_text(st, 12);
	v->booking_status = db_col_text(st, 14);
	v->check_in_code = db_col_text(st, 19);
	v->cancel_reason = db_col_text(st, 21);
	v->created_by = db_col_int64(st, 22);
	v->created_by_name = db_col_text(st, 23);
	v->created_at = int_or_0(st, 24);
	v->updated_at = int_or_0(st, 25);
	v->my_id = int_or_0(st, 28);
	v->my_status = db_col_text(st, 29);
	v->my_checked_in_at = int_or_0(st, 30);
	v->my_position = int_or_0(st, 31);
}

/* The caller's callback for the rows read (view and list). */
DB_VIEW_ROWS(view_row, struct activity_view, activity_view_fn, view_from_row)

int activities_store_view(struct db_conn *c, int64_t account_id, int64_t resident_id, int64_t id,
			  activity_view_fn fn, void *ctx)
{
	struct view_row_call k = { fn, ctx };

	return db_one(c, view_row, &k, ACTIVITY_SELECT "WHERE a.id = ?", "iiii", account_id,
		      resident_id, resident_id, id);
}

int activities_store_list(struct db_conn *c, const struct activity_filter *f, activity_view_fn fn,
			  void *ctx)
{
	struct view_row_call k = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_I(f->account_id), DB_ARG_I(f->resident_id), DB_ARG_I(f->resident_id),
		DB_ARG_T(f->lo),	 DB_ARG_T(f->hi),	   DB_ARG_T(f->up1),
		DB_ARG_T(f->up2),	 DB_ARG_I(f->from),	   DB_ARG_I(f->to),
		DB_ARG_I(f->to),	 DB_ARG_T(f->status),	   DB_ARG_T(f->status),
		DB_ARG_I(f->mine),	 DB_ARG_I(f->limit),	   DB_ARG_I(f->offset),
	};

	return db_each_args(
		c, view_row, &k,
		ACTIVITY_SELECT
		"WHERE ((a.unit_path >= ? AND a.unit_path < ?) OR a.unit_path IN (?, ?)) "
		"AND a.ends_at > ? AND (? = 0 OR a.starts_at < ?) "
		"AND (CAST(? AS TEXT) IS NULL OR a.status = ?) "
		"AND (? = 0 OR (ms.id IS NOT NULL AND ms.status <> 'cancelled')) "
		"ORDER BY a.starts_at, a.id LIMIT ? OFFSET ?",
		args, DB_ARGS_N(args));
}

int activities_store_lock(struct db_conn *c, int64_t id, int64_t *capacity)
{
	int rc = db_run(c, "UPDATE activities SET updated_at = updated_at WHERE id = ?", "i", id);

	if (rc < 0)
		return rc;
	return db_query_int64(c, capacity,
			      "SELECT capacity FROM activities WHERE id = ? AND status = "
			      "'published'",
			      "i", id);
}

static int plan_row(struct db_stmt *st, void *p)
{
	struct activity *out = p;

	out->venue_id = db_col_int64(st, 0);
	out->booking_id = db_col_int64(st, 1);
	out->starts_at = db_col_int64(st, 2);
	out->ends_at = db_col_int64(st, 3);
	out->opens_at = db_col_int64(st, 4);
	out->closes_at = db_col_int64(st, 5);
	out->capacity = db_col_int64(st, 6);
	return 0;
}

int activities_store_plan(struct db_conn *c, int64_t id, struct activity *out)
{
	return db_one(c, plan_row, out,
		      "SELECT COALESCE(venue_id, 0), COALESCE(booking_id, 0), starts_at, ends_at, "
		      "signup_opens_at, signup_closes_at, capacity FROM activities WHERE id = ?",
		      "i", id);
}

/* Texts copied into an arena: column i into *out[i], for the outputs set. */
struct texts_out {
	struct arena *ar;
	const char **out[4];
};

static int texts_row(struct db_stmt *st, void *p)
{
	struct texts_out *t = p;

	for (int i = 0; i < 4 && t->out[i]; i++)
		*t->out[i] = arena_strdup(t->ar, db_col_text(st, i));
	return 0;
}

struct reread {
	struct arena *ar;
	struct activity *a;
};

static int reread_row(struct db_stmt *st, void *p)
{
	struct reread *r = p;

	r->a->title = arena_strdup(r->ar, db_col_text(st, 0));
	r->a->starts_at = db_col_int64(st, 1);
	r->a->place = arena_strdup(r->ar, where_of(st, 2, 3));
	return 0;
}

int activities_store_reread(struct db_conn *c, struct arena *ar, struct activity *a)
{
	struct reread r = { ar, a };

	return db_one(c, reread_row, &r,
		      "SELECT a.title, a.starts_at, a.place, v.name FROM activities a "
		      "LEFT JOIN venues v ON v.id = a.venue_id WHERE a.id = ?",
		      "i", a->id);
}

int activities_store_texts(struct db_conn *c, struct arena *ar, int64_t id, const char **title,
			   const char **place, const char **kind, const char **team)
{
	struct texts_out t = { ar, { title, place, kind, team } };

	return db_one(c, texts_row, &t,
		      "SELECT title, place, organiser_kind, organiser_name FROM activities "
		      "WHERE id = ?",
		      "i", id);
}

int activities_store_code(struct db_conn *c, struct arena *ar, int64_t id, const char **code)
{
	struct texts_out t = { ar, { code } };

	return db_one(c, texts_row, &t, "SELECT check_in_code FROM activities WHERE id = ?", "i",
		      id);
}

int activities_store_insert(struct db_conn *c, const struct activity_in *in, int64_t unit_id,
			    const char *unit_path, int64_t booking_id, const char *code,
			    int64_t created_by, int64_t now, int64_t *id)
{
	const struct db_arg args[] = {
		DB_ARG_I(unit_id),	DB_ARG_T(unit_path),  DB_ARG_T(in->kind),
		DB_ARG_T(in->team),	DB_ARG_T(in->title),  DB_ARG_T(in->description),
		DB_ARG_I(in->start),	DB_ARG_I(in->end),    DB_ARG_T(in->place),
		DB_ARG_I(in->venue_id), DB_ARG_I(booking_id), DB_ARG_I(in->capacity),
		DB_ARG_I(in->opens),	DB_ARG_I(in->closes), DB_ARG_T(in->eligibility),
		DB_ARG_T(code),		DB_ARG_I(created_by), DB_ARG_I(now),
		DB_ARG_I(now),
	};
	int rc = db_query_int64_args(
		c, id,
		"INSERT INTO activities (unit_id, unit_path, organiser_kind, organiser_name, "
		"title, description, starts_at, ends_at, place, venue_id, booking_id, capacity, "
		"signup_opens_at, signup_closes_at, eligibility, check_in_code, status, "
		"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, "
		"'published', ?, ?, ?) RETURNING id",
		args, DB_ARGS_N(args));

	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

int activities_store_update(struct db_conn *c, int64_t id, const struct activity_in *in,
			    int64_t booking_id, int64_t now, int64_t *changed)
{
	const struct db_arg args[] = {
		DB_ARG_T(in->title),
		DB_ARG_T(in->description),
		DB_ARG_T(in->place),
		DB_ARG_T(in->kind),
		DB_ARG_T(in->team),
		DB_ARG_I(in->start),
		DB_ARG_I(in->end),
		DB_ARG_I(in->opens),
		DB_ARG_I(in->closes),
		DB_ARG_I(in->capacity),
		DB_ARG_I(in->venue_id),
		DB_ARG_I(booking_id),
		DB_ARG_T(in->eligibility),
		DB_ARG_I(now),
		DB_ARG_I(id),
	};
	return db_run_args_changed(
		c, changed,
		"UPDATE activities SET title = ?, description = COALESCE(?, description), "
		"place = ?, organiser_kind = ?, organiser_name = ?, starts_at = ?, ends_at = ?, "
		"signup_opens_at = ?, signup_closes_at = ?, capacity = ?, venue_id = "
		"NULLIF(CAST(? AS BIGINT), 0), booking_id = NULLIF(CAST(? AS BIGINT), 0), "
		"eligibility = COALESCE(?, eligibility), updated_at = ? WHERE id = ? AND status = "
		"'published'",
		args, DB_ARGS_N(args));
}

int activities_store_cancel(struct db_conn *c, int64_t id, const char *reason, int64_t now,
			    int64_t *booking_id)
{
	return db_query_int64(c, booking_id,
			      "UPDATE activities SET status = 'cancelled', cancel_reason = ?, "
			      "updated_at = ? WHERE id = ? AND status = 'published' RETURNING "
			      "COALESCE(booking_id, 0)",
			      "tii", reason, now, id);
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_path_sql[] = { DB_PATH_MOVED("activities", "unit_path") };
static const char *const unit_use_sql[] = { DB_COUNT_EQ("activities", "unit_id") };

const struct org_unit_hooks activities_unit_hooks = { "activities", ORG_HOOK_SQL(unit_path_sql),
						      ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
