/*
 * appeal_submit_store.c — the statements of a submission: a batch of new
 * appeals written by the group-commit writer (appeal_submit.c) in a few
 * multi-row statements, and the look-ups that place a report (the station of
 * a QR code, the grid holding a point, the district).
 *
 * A batch inside the caller's transaction: replays found by one query, one
 * counter update per day, then one multi-row INSERT per table (appeals, their
 * events, scope rows, messages, outbox). A single submission is a batch of one.
 */
#include "appeals/appeals_int.h"

#include "core/jbuild.h"
#include "db/store.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rows {
	struct appeal_new **a; /* the fresh submissions */
	char **search, **payload;
	char (*details)[64];
	struct appeal_event *events;
	/* appeal_scope rows: (unit id, index into a) */
	int64_t *scope_unit;
	int *scope_of;
	int nscope;
	/* messages: (index into a, 0 = handler unit, 1 = reporter) */
	int *msg_of, *msg_kind;
	int nmsg;
};

static void bind_appeal(struct db_stmt *st, int b, const void *ctx, int i)
{
	const struct rows *r = ctx;
	const struct appeal_new *a = r->a[i];

	db_bind_text(st, b + 1, a->case_no, -1);
	db_bind_int64(st, b + 2, a->cat->id);
	db_bind_text(st, b + 3, a->title, -1);
	db_bind_text(st, b + 4, a->description, -1);
	db_bind_text(st, b + 5, a->channel, -1);
	db_bind_int64(st, b + 6, a->unit_id);
	db_bind_text(st, b + 7, a->unit_path, -1);
	db_bind_int64(st, b + 8, a->handler_unit_id);
	db_bind_text(st, b + 9, a->handler_path, -1);
	db_bind_int64(st, b + 10, a->station_id);
	db_bind_text(st, b + 11, a->address, -1);
	db_bind_int64(st, b + 12, a->has_coords);
	db_bind_double(st, b + 13, a->lng);
	db_bind_int64(st, b + 14, a->has_coords);
	db_bind_double(st, b + 15, a->lat);
	db_bind_text(st, b + 16, a->photos, -1);
	db_bind_int64(st, b + 17, a->reporter_id);
	db_bind_int64(st, b + 18, a->created_by);
	db_bind_text(st, b + 19, a->contact_name, -1);
	if (a->phone_enc)
		db_bind_blob(st, b + 20, a->phone_enc, a->phone_enc_len);
	else
		db_bind_null(st, b + 20);
	db_bind_text(st, b + 21, a->phone_mask, -1);
	db_bind_text(st, b + 22, a->phone_last4, -1);
	db_bind_text(st, b + 23, r->search[i], -1);
	db_bind_text(st, b + 24, a->idem_key, -1);
	db_bind_int64(st, b + 25, a->accept_due);
	db_bind_int64(st, b + 26, a->created_at);
	db_bind_int64(st, b + 27, a->created_at);
}

/* RETURNING id, case_no: match each row to its submission by case number. */
static int appeal_ids(struct db_stmt *st, const void *ctx, int first, int n)
{
	const struct rows *r = ctx;
	int rc, got = 0;

	while ((rc = db_step(st)) == DB_ROW) {
		const char *no = db_col_text(st, 1);
		for (int i = first; i < first + n; i++)
			if (!strcmp(r->a[i]->case_no, no)) {
				r->a[i]->id = db_col_int64(st, 0);
				got++;
				break;
			}
	}
	return rc < 0 ? rc : got == n ? 0 : DB_ERR;
}

static void bind_scope(struct db_stmt *st, int b, const void *ctx, int i)
{
	const struct rows *r = ctx;

	db_bind_int64(st, b + 1, r->scope_unit[i]);
	db_bind_int64(st, b + 2, r->a[r->scope_of[i]]->id);
}

static void bind_message(struct db_stmt *st, int b, const void *ctx, int i)
{
	const struct rows *r = ctx;
	const struct appeal_new *a = r->a[r->msg_of[i]];
	int to_reporter = r->msg_kind[i];

	db_bind_int64(st, b + 1, to_reporter ? a->reporter_id : 0);
	db_bind_int64(st, b + 2, to_reporter ? 0 : a->handler_unit_id);
	db_bind_int64(st, b + 3, a->id);
	db_bind_text(st, b + 4, to_reporter ? "您的诉求已提交" : "新诉求待受理", -1);
	db_bind_text(st, b + 5, a->case_no, -1);
	db_bind_int64(st, b + 6, a->created_at);
}

static void bind_notification(struct db_stmt *st, int b, const void *ctx, int i)
{
	const struct rows *r = ctx;

	db_bind_int64(st, b + 1, r->a[i]->id);
	db_bind_text(st, b + 2, r->payload[i], -1);
	db_bind_int64(st, b + 3, r->a[i]->created_at);
	db_bind_int64(st, b + 4, r->a[i]->created_at);
}

/* Replays: one look-up for every key in the batch marks the items already stored. */
static int find_replays(struct db_conn *c, struct appeal_new **items, int n)
{
	int keyed = 0, rc;
	struct db_stmt *st;

	for (int i = 0; i < n; i++)
		keyed += items[i]->idem_key != NULL;
	if (!keyed)
		return 0;
	rc = db_prepare_values(
		c, "SELECT id, case_no, status, idem_key FROM appeals WHERE idem_key IN (", "?",
		keyed, ")", &st);
	if (rc < 0)
		return rc;
	for (int i = 0, k = 1; i < n; i++)
		if (items[i]->idem_key)
			db_bind_text(st, k++, items[i]->idem_key, -1);
	while ((rc = db_step(st)) == DB_ROW)
		for (int i = 0; i < n; i++)
			if (items[i]->idem_key && !strcmp(items[i]->idem_key, db_col_text(st, 3))) {
				items[i]->id = db_col_int64(st, 0);
				snprintf(items[i]->case_no, sizeof items[i]->case_no, "%s",
					 db_col_text(st, 1));
				snprintf(items[i]->status, sizeof items[i]->status, "%s",
					 db_col_text(st, 2));
				items[i]->replayed = 1;
			}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* How many of a[from..n) fall on day and have no case number yet. */
static int64_t count_day(struct appeal_new **a, int from, int n, const char *day)
{
	int64_t k = 0;

	for (int j = from; j < n; j++) {
		char d2[9];
		appeal_day_text(a[j]->created_at, d2);
		k += !strcmp(day, d2) && !a[j]->case_no[0];
	}
	return k;
}

/* Case numbers: one counter update per day in the batch. 0 or <0. */
static int number_cases(struct db_conn *c, struct appeal_new **a, int n)
{
	for (int i = 0; i < n; i++) {
		char day[9];
		int64_t last = 0, k;
		if (a[i]->case_no[0])
			continue;
		appeal_day_text(a[i]->created_at, day);
		k = count_day(a, i, n, day);
		int rc = db_query_int64(
			c, &last,
			"INSERT INTO appeal_counters (day, last) VALUES (?, ?) ON CONFLICT "
			"(day) DO UPDATE SET last = appeal_counters.last + excluded.last "
			"RETURNING last",
			"ti", day, k);
		if (rc != DB_ROW)
			return rc < 0 ? rc : DB_ERR;
		for (int j = i, seq = (int)(last - k); j < n; j++) {
			char d2[9];
			appeal_day_text(a[j]->created_at, d2);
			if (!strcmp(day, d2) && !a[j]->case_no[0])
				snprintf(a[j]->case_no, sizeof a[j]->case_no, "%s%05d", day, ++seq);
		}
	}
	return 0;
}

static void rows_free(struct rows *r, int nf)
{
	for (int i = 0; i < nf; i++) {
		if (r->search)
			free(r->search[i]);
		if (r->payload)
			free(r->payload[i]);
	}
	free(r->search);
	free(r->payload);
	free(r->details);
	free(r->events);
	free(r->scope_unit);
	free(r->scope_of);
	free(r->msg_of);
	free(r->msg_kind);
}

/* What each row needs beside the submission itself. 0 or DB_ENOMEM. */
static int rows_prepare(struct rows *r, int nf)
{
	r->search = calloc((size_t)nf, sizeof *r->search);
	r->payload = calloc((size_t)nf, sizeof *r->payload);
	r->details = calloc((size_t)nf, sizeof *r->details);
	r->events = calloc((size_t)nf, sizeof *r->events);
	r->scope_unit = malloc((size_t)nf * APPEAL_SCOPE_MAX * sizeof *r->scope_unit);
	r->scope_of = malloc((size_t)nf * APPEAL_SCOPE_MAX * sizeof *r->scope_of);
	r->msg_of = malloc((size_t)nf * 2 * sizeof *r->msg_of);
	r->msg_kind = malloc((size_t)nf * 2 * sizeof *r->msg_kind);
	if (!r->search || !r->payload || !r->details || !r->events || !r->scope_unit ||
	    !r->scope_of || !r->msg_of || !r->msg_kind)
		return DB_ENOMEM;
	for (int i = 0; i < nf; i++) {
		struct appeal_new *a = r->a[i];
		int64_t ids[APPEAL_SCOPE_MAX];
		int m = appeal_scope_units(a->unit_path, a->handler_path, ids);
		r->search[i] = appeal_search_text(a->title, a->description, a->address);
		snprintf(r->details[i], sizeof r->details[i], "{\"channel\":\"%s\"}", a->channel);
		if (!r->search[i])
			return DB_ENOMEM;
		for (int k = 0; k < m; k++) {
			r->scope_unit[r->nscope] = ids[k];
			r->scope_of[r->nscope++] = i;
		}
		r->msg_of[r->nmsg] = i;
		r->msg_kind[r->nmsg++] = 0;
		if (a->reporter_id) {
			r->msg_of[r->nmsg] = i;
			r->msg_kind[r->nmsg++] = 1;
		}
		snprintf(a->status, sizeof a->status, "submitted");
	}
	return 0;
}

/* What needs the new ids: the events and the outbox payloads. 0 or DB_ENOMEM. */
static int rows_after_ids(struct rows *r, int nf)
{
	for (int i = 0; i < nf; i++) {
		const struct appeal_new *a = r->a[i];
		json_t *p =
			JB_OBJ(jb_int("id", a->id), jb_str("case_no", a->case_no),
			       jb_str("status", "submitted"), jb_str("channel", a->channel),
			       jb_int("at", a->created_at), jb_str("event", "appeal.submitted"));
		r->payload[i] = p ? json_dumps(p, JSON_COMPACT) : NULL;
		json_decref(p);
		if (!r->payload[i])
			return DB_ENOMEM;
		r->events[i] = (struct appeal_event){
			.appeal_id = a->id,
			.at = a->created_at,
			.actor_id = a->created_by ? a->created_by : a->reporter_id,
			.actor_name = a->actor_name,
			.action = "submit",
			.to_status = "submitted",
			.photos = a->photos,
			.details = r->details[i],
		};
	}
	return 0;
}

/* One multi-row INSERT per table. 0 or <0. */
static int rows_insert(struct db_conn *c, struct rows *r, int nf)
{
	int rc = appeal_insert_rows(
		c,
		"INSERT INTO appeals (case_no, category_id, title, description, status, "
		"channel, unit_id, unit_path, handler_unit_id, handler_path, station_id, "
		"address, lng, lat, photos, reporter_id, created_by, contact_name, "
		"contact_phone_enc, contact_phone_mask, phone_last4, search_text, "
		"idem_key, "
		"accept_due, created_at, updated_at) VALUES ",
		"(?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, "
		"CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END, CASE WHEN ? = 1 "
		"THEN "
		"CAST(? AS DOUBLE PRECISION) END, ?, NULLIF(CAST(? AS BIGINT), 0), "
		"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		27, " RETURNING id, case_no", nf, bind_appeal, r, appeal_ids);

	if (rc >= 0)
		rc = rows_after_ids(r, nf);
	if (rc >= 0)
		rc = appeal_event_insert(c, r->events, nf);
	if (rc >= 0)
		rc = appeal_insert_rows(
			c, "INSERT INTO appeal_scope (unit_id, appeal_id, status) VALUES ",
			"(?, ?, 'submitted')", 2, "", r->nscope, bind_scope, r, NULL);
	if (rc >= 0)
		rc = appeal_insert_rows(
			c,
			"INSERT INTO messages (account_id, unit_id, appeal_id, kind, title, "
			"body, created_at) VALUES ",
			"(NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, "
			"'appeal.submitted', ?, ?, ?)",
			6, "", r->nmsg, bind_message, r, NULL);
	if (rc >= 0)
		rc = appeal_insert_rows(c,
					"INSERT INTO notifications (appeal_id, event, payload, "
					"created_at, next_attempt_at) VALUES ",
					"(?, 'appeal.submitted', ?, ?, ?)", 4, "", nf,
					bind_notification, r, NULL);
	return rc;
}

int appeal_store_insert_batch(struct db_conn *c, struct appeal_new **items, int n)
{
	struct rows r = { 0 };
	int nf = 0, rc = find_replays(c, items, n);
	int *dup_of;

	if (rc < 0)
		return rc;
	/* The same key twice in one batch: the later one replays the first. */
	dup_of = malloc((size_t)n * sizeof *dup_of);
	r.a = malloc((size_t)n * sizeof *r.a);
	if (!dup_of || !r.a) {
		free(dup_of);
		free(r.a);
		return DB_ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		dup_of[i] = -1;
		for (int j = 0; j < i && items[i]->idem_key && !items[i]->replayed; j++)
			if (items[j]->idem_key && dup_of[j] < 0 && !items[j]->replayed &&
			    !strcmp(items[i]->idem_key, items[j]->idem_key))
				dup_of[i] = j;
		if (!items[i]->replayed && dup_of[i] < 0)
			r.a[nf++] = items[i];
	}
	if (nf) {
		rc = number_cases(c, r.a, nf);
		if (rc >= 0)
			rc = rows_prepare(&r, nf);
		if (rc >= 0)
			rc = rows_insert(c, &r, nf);
		rows_free(&r, nf);
	}
	for (int i = 0; rc >= 0 && i < n; i++)
		if (dup_of[i] >= 0) {
			const struct appeal_new *o = items[dup_of[i]];
			items[i]->id = o->id;
			memcpy(items[i]->case_no, o->case_no, sizeof o->case_no);
			memcpy(items[i]->status, o->status, sizeof o->status);
			items[i]->replayed = 1;
		}
	for (int i = 0; i < n; i++)
		items[i]->rc = rc < 0 ? rc : 0;
	free(dup_of);
	free(r.a);
	return rc < 0 ? rc : 0;
}

/* ---- placing a report --------------------------------------------------- */

/* The point a grid is looked for at; the first grid holding it stops the read. */
struct point_in {
	double lng, lat;
	int64_t *id;
};

static int grid_row(struct db_stmt *st, void *p)
{
	struct point_in *x = p;

	if (!geojson_contains(db_col_text(st, 1), x->lng, x->lat))
		return 0;
	*x->id = db_col_int64(st, 0);
	return DB_ROW;
}

int appeal_store_grid_at_point(struct db_conn *c, double lng, double lat, int64_t *id)
{
	struct point_in x = { lng, lat, id };
	int rc;

	*id = 0;
	rc = db_each(c, grid_row, &x,
		     "SELECT id, boundary FROM units WHERE kind = 'grid' AND boundary IS NOT "
		     "NULL AND min_lng <= ? AND max_lng >= ? AND min_lat <= ? AND max_lat >= "
		     "? ORDER BY id",
		     "dddd", lng, lng, lat, lat);
	return rc < 0 ? rc : *id ? DB_ROW : DB_DONE;
}

int appeal_store_root_unit(struct db_conn *c, int64_t *id)
{
	return db_query_int64(c, id, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id",
			      "");
}

/* The first two columns, both integers. */
static int two_ids(struct db_stmt *st, void *p)
{
	int64_t **out = p;

	*out[0] = db_col_int64(st, 0);
	*out[1] = db_col_int64(st, 1);
	return 0;
}

int appeal_store_station(struct db_conn *c, const char *code, int64_t *station_id, int64_t *grid_id)
{
	int64_t *out[2] = { station_id, grid_id };

	return db_one(c, two_ids, out, "SELECT id, grid_id FROM stations WHERE public_code = ?",
		      "t", code);
}
