/*
 * venue.c — venues, their opening hours, blackouts and free slots.
 *
 *   GET    /api/v1/venues?unit=&limit=&cursor=     signed in: staff their scope, residents
 *                                                   their community (or ?unit= anywhere)
 *   GET    /api/v1/venues/:id
 *   GET    /api/v1/venues/:id/slots?date=YYYY-MM-DD the day's slots: free, taken, closed, past
 *   POST   /api/v1/venues                           venue:write
 *   PATCH  /api/v1/venues/:id                       venue:write
 *   POST   /api/v1/venues/:id/blackouts             venue:write {start, end, reason?}
 *   DELETE /api/v1/venues/:id/blackouts/:bid        venue:write
 *
 * Opening hours are JSON kept as text: {"mon": [["08:00", "12:00"], …], …};
 * they are parsed on every read (a handful of intervals) so the stored form
 * is the one clients send. The check-in code (public_code) is shown only to
 * staff: whoever knows it can check in, so it belongs on the QR code at the
 * door, not in the residents' app.
 */
#include "service/service.h"
#include "service/service_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_keys[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* ---- local time (Asia/Shanghai is UTC+8 all year) ---------------------- */

int local_weekday(int64_t t)
{
	/* from the day's midnight, so the division is exact before 1970 too */
	int64_t days = (local_midnight(t) + SHANGHAI_OFFSET_S) / 86400;
	return (int)((days % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday (3) */
}

int local_minute(int64_t t)
{
	return (int)(((t + SHANGHAI_OFFSET_S) % 86400 + 86400) % 86400 / 60);
}

int64_t local_midnight(int64_t t)
{
	int64_t local = t + SHANGHAI_OFFSET_S;
	return local - ((local % 86400) + 86400) % 86400 - SHANGHAI_OFFSET_S;
}

/* ---- opening hours ------------------------------------------------------ */

static int hhmm(const char *s, int *out)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	*out = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
	return *out <= 24 * 60 ? 0 : -1;
}

int week_hours_parse(json_t *j, int slot_minutes, struct week_hours *out, const char **why)
{
	const char *key;
	json_t *v;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j)) {
		*why = "an object of days (mon … sun), each a list of [\"HH:MM\", \"HH:MM\"]";
		return -1;
	}
	json_object_foreach(j, key, v)
	{
		int d = -1;
		for (int i = 0; i < 7; i++)
			if (!strcmp(key, day_keys[i]))
				d = i;
		if (d < 0) {
			*why = "days are mon, tue, wed, thu, fri, sat and sun";
			goto refused;
		}
		if (!json_is_array(v) || json_array_size(v) > HOURS_MAX_PER_DAY) {
			*why = "each day is a list of at most 4 [\"HH:MM\", \"HH:MM\"] intervals";
			goto refused;
		}
		for (size_t k = 0; k < json_array_size(v); k++) {
			json_t *iv = json_array_get(v, k);
			int a, b, n = out->n[d];
			if (!json_is_array(iv) || json_array_size(iv) != 2 ||
			    hhmm(json_string_value(json_array_get(iv, 0)), &a) ||
			    hhmm(json_string_value(json_array_get(iv, 1)), &b) || a >= b) {
				*why = "an interval is [\"HH:MM\", \"HH:MM\"] with the start first";
				goto refused;
			}
			if (a % slot_minutes || b % slot_minutes) {
				*why = "opening hours fall on the slot grid (slot_minutes)";
				goto refused;
			}
			if (n && a < out->close[d][n - 1]) {
				*why = "a day's intervals are in order and do not overlap";
				goto refused;
			}
			out->open[d][n] = a;
			out->close[d][n] = b;
			out->n[d]++;
		}
	}
	return 0;
refused:
	/* closed all week, not the days read before the fault (venue_from_row relies on it) */
	memset(out, 0, sizeof *out);
	return -1;
}

int week_hours_covers(const struct week_hours *h, int64_t start, int64_t end)
{
	int d = local_weekday(start), a = local_minute(start);
	int64_t b = a + (end - start) / 60; /* may run past midnight: then no interval covers it */

	for (int i = 0; i < h->n[d]; i++)
		if (a >= h->open[d][i] && b <= h->close[d][i])
			return 1;
	return 0;
}

json_t *week_hours_json(const struct week_hours *h)
{
	json_t *o = json_object();

	for (int d = 0; d < 7; d++) {
		json_t *day = json_array();
		for (int i = 0; i < h->n[d]; i++) {
			char a[24], b[24];
			snprintf(a, sizeof a, "%02d:%02d", h->open[d][i] / 60, h->open[d][i] % 60);
			snprintf(b, sizeof b, "%02d:%02d", h->close[d][i] / 60,
				 h->close[d][i] % 60);
			json_array_append_new(day, JB_ARR(jv_str(a), jv_str(b)));
		}
		json_object_set_new(o, day_keys[d], day);
	}
	return o;
}

/* ---- reading venues ----------------------------------------------------- */

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

static int venue_query(struct db_conn *c, const char *where, int64_t id, const char *code,
		       struct venue *out)
{
	struct db_stmt *st;
	const char *sql = !strcmp(where, "id") ? VENUE_SELECT "WHERE v.id = ?"
					       : VENUE_SELECT "WHERE v.public_code = ?";
	int rc = db_prepare(c, sql, &st);

	if (rc < 0)
		return rc;
	if (code)
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
	return venue_query(c, "id", id, NULL, out);
}

int venue_get_by_code(struct db_conn *c, const char *code, struct venue *out)
{
	return venue_query(c, "code", 0, code, out);
}

static int is_staff(const struct req *req)
{
	return auth_can(req, "venue:write") || auth_can(req, "booking:manage");
}

static json_t *venue_json(struct req *req, struct db_stmt *st)
{
	struct venue v;
	json_t *o;

	venue_from_row(st, &v);
	o = JB_OBJ(jb_int("id", v.id),
		   jb_take("unit",
			   JB_OBJ(jb_int("id", v.unit_id), jb_str("name", db_col_text(st, 16)))),
		   jb_str("name", v.name), jb_str("description", db_col_text(st, 13)),
		   jb_str("address", db_col_text(st, 14)), jb_int("capacity", v.capacity),
		   jb_int("slot_minutes", v.slot_minutes),
		   jb_take("rules", JB_OBJ(jb_int("min_notice_minutes", v.min_notice_minutes),
					   jb_int("max_days_ahead", v.max_days_ahead),
					   jb_int("max_duration_minutes", v.max_duration_minutes),
					   jb_int("weekly_quota", v.weekly_quota),
					   jb_bool("approval_required", v.approval_required))),
		   jb_bool("active", v.active));
	if (!o)
		return NULL;
	json_object_set_new(o, "opening_hours", week_hours_json(&v.hours));
	if (is_staff(req) && path_within(v.unit_path, req_auth(req)->unit_path))
		json_object_set_new(o, "public_code", json_string(db_col_text(st, 15)));
	return o;
}

/* Residents book venues anywhere; other staff (grid workers, volunteers) only read them. */
static int is_resident(const struct req *req)
{
	return auth_can(req, "service:use");
}

/* The area a list covers: staff their scope (or ?unit= inside it); residents
 * any ?unit=, else the community their own unit lies in; other accounts the
 * area around their unit (scope_area_or_reply), a ?unit= outside it 404. */
static int area_or_reply(struct req *req, struct db_conn *c, char lo[256], char hi[256])
{
	const char *unit = req_query(req, "unit");
	struct scope sc;

	if (is_staff(req)) {
		if (scope_unit_or_reply(req, c, unit, &sc))
			return -1;
	} else if (is_resident(req) && unit) {
		int64_t id;
		if (parse_int64(unit, 1, INT64_MAX, &id)) {
			reply_invalid(req, "unit", "expected a unit id");
			return -1;
		}
		int rc = unit_get(c, id, &sc.unit);
		if (rc != DB_ROW) {
			reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
			return -1;
		}
		snprintf(sc.lo, sizeof sc.lo, "%s", sc.unit.path);
		path_upper(sc.lo, sc.hi, sizeof sc.hi);
	} else if (scope_area_or_reply(req, c, unit, &sc)) {
		return -1;
	}
	snprintf(lo, 256, "%s", sc.lo);
	snprintf(hi, 256, "%s", sc.hi);
	return 0;
}

static void list_venues(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char lo[256], hi[256];
	int64_t limit, cursor, n = 0, last = 0;
	struct db_stmt *st;
	json_t *items;
	int rc, bad = 0;

	if (!c || area_or_reply(req, c, lo, hi) || req_page_or_reply(req, &limit, &cursor))
		return;
	if (db_prepare(c,
		       VENUE_SELECT "WHERE v.unit_path >= ? AND v.unit_path < ? AND v.id > ? "
				    "AND (v.active = 1 OR ? = 1) ORDER BY v.id LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_int64(st, 3, cursor);
	db_bind_int64(st, 4, is_staff(req));
	db_bind_int64(st, 5, limit + 1);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		if (json_array_append_new(items, venue_json(req, st)) < 0)
			bad = 1;
	}
	db_reset(st);
	if (rc < 0 || bad) {
		json_decref(items);
		reply_error(req, bad ? ERR_INTERNAL : ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, page_json(req, items, n > limit, last));
}

/* Load a venue the caller may see: staff inside their scope, residents any active one,
 * other accounts an active one in their area (path_in_area). 404 otherwise. */
static int venue_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct venue *v)
{
	int rc = venue_get(c, id, v);

	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	const char *mine = req_auth(req)->unit_path;
	if (rc != DB_ROW ||
	    (is_staff(req)	? !path_within(v->unit_path, mine)
	     : is_resident(req) ? !v->active
				: !v->active || !path_in_area(v->unit_path, mine))) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

static json_t *blackouts_json(struct db_conn *c, int64_t venue_id, int64_t from)
{
	struct db_stmt *st;
	json_t *a = json_array();
	char b1[32], b2[32];

	if (db_prepare(c,
		       "SELECT id, starts_at, ends_at, reason FROM venue_blackouts "
		       "WHERE venue_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 200",
		       &st) < 0) {
		json_decref(a);
		return NULL;
	}
	db_bind_int64(st, 1, venue_id);
	db_bind_int64(st, 2, from);
	while (db_step(st) == DB_ROW)
		json_array_append_new(
			a, JB_OBJ(jb_int("id", db_col_int64(st, 0)),
				  jb_str("start", clock_format_shanghai(db_col_int64(st, 1), b1)),
				  jb_str("end", clock_format_shanghai(db_col_int64(st, 2), b2)),
				  jb_str("reason", db_col_text(st, 3))));
	db_reset(st);
	return a;
}

static void get_venue(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct venue v;
	struct db_stmt *st;
	json_t *out = NULL, *bl;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) || venue_visible_or_reply(req, c, id, &v))
		return;
	if (db_prepare(c, VENUE_SELECT "WHERE v.id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW)
		out = venue_json(req, st);
	db_reset(st);
	bl = out ? blackouts_json(c, id, clock_now()) : NULL;
	if (!out || !bl) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(out, "blackouts", bl);
	reply_json(req, 200, out);
}

/* GET /venues/:id/slots?date=YYYY-MM-DD: every slot of the day's opening hours. */
static void venue_slots(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *date = req_query(req, "date");
	struct venue v;
	int64_t id, day, now = clock_now();
	struct db_stmt *st;
	int64_t taken[86400 / SLOT_CELL_S], bl_from[64], bl_to[64];
	int ntaken = 0, nbl = 0, rc;
	json_t *items;

	if (!c || req_param_id_or_reply(req, "id", &id) || venue_visible_or_reply(req, c, id, &v))
		return;
	if (!date || strlen(date) != 10 || clock_parse_iso(date, &day)) {
		reply_invalid(req, "date", "YYYY-MM-DD");
		return;
	}
	rc = db_prepare(
		c,
		"SELECT slot_start FROM booking_slots WHERE venue_id = ? AND slot_start >= ? "
		"AND slot_start < ? ORDER BY slot_start",
		&st);
	if (rc == 0) {
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, day);
		db_bind_int64(st, 3, day + 86400);
		while ((rc = db_step(st)) == DB_ROW && ntaken < (int)(sizeof taken / sizeof *taken))
			taken[ntaken++] = db_col_int64(st, 0);
		db_reset(st);
	}
	if (rc >= 0)
		rc = db_prepare(c,
				"SELECT starts_at, ends_at FROM venue_blackouts WHERE venue_id = ? "
				"AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT 64",
				&st);
	if (rc >= 0) {
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, day + 86400);
		db_bind_int64(st, 3, day);
		while ((rc = db_step(st)) == DB_ROW) {
			bl_from[nbl] = db_col_int64(st, 0);
			bl_to[nbl++] = db_col_int64(st, 1);
		}
		db_reset(st);
	}
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	items = json_array();
	int d = local_weekday(day);
	for (int i = 0; i < v.hours.n[d]; i++)
		for (int m = v.hours.open[d][i]; m + v.slot_minutes <= v.hours.close[d][i];
		     m += v.slot_minutes) {
			int64_t s = day + (int64_t)m * 60, e = s + (int64_t)v.slot_minutes * 60;
			const char *state = "free";
			char b1[32], b2[32];
			for (int k = 0; k < ntaken; k++)
				if (taken[k] >= s && taken[k] < e)
					state = "taken";
			for (int k = 0; k < nbl; k++)
				if (bl_from[k] < e && bl_to[k] > s)
					state = "closed";
			if (s < now + (int64_t)v.min_notice_minutes * 60)
				state = "past";
			json_array_append_new(items,
					      JB_OBJ(jb_str("start", clock_format_shanghai(s, b1)),
						     jb_str("end", clock_format_shanghai(e, b2)),
						     jb_str("state", state)));
		}
	reply_json(req, 200,
		   JB_OBJ(jb_str("date", date), jb_int("venue_id", (int)id),
			  jb_int("slot_minutes", v.slot_minutes), jb_ref("items", items)));
	json_decref(items);
}

/* ---- writing venues ----------------------------------------------------- */

struct venue_in {
	const char *name, *description, *address;
	int64_t capacity, slot_minutes, min_notice, max_days, max_duration, quota;
	int approval, active;
	json_t *hours;
};

static int nonempty_or_reply(struct req *req, const char *field, const char *s)
{
	if (s && !*s) {
		reply_invalid(req, field, "must not be empty");
		return -1;
	}
	return 0;
}

/* Read the fields present into in (absent ones stay as they are). */
static int venue_fields_or_reply(struct req *req, int creating, struct venue_in *in)
{
	json_t *rules = json_object_get(req->json, "rules");

	if (rules && !json_is_object(rules)) {
		reply_invalid(req, "rules", "an object");
		return -1;
	}
	if (!rules)
		rules = req->json; /* the rules may also come at the top level */
	if (json_get_str_or_reply(req, req->json, "name", creating, 100, &in->name) < 0 ||
	    nonempty_or_reply(req, "name", in->name) ||
	    json_get_str_or_reply(req, req->json, "description", 0, 2000, &in->description) < 0 ||
	    json_get_str_or_reply(req, req->json, "address", 0, 300, &in->address) < 0 ||
	    json_get_int_or_reply(req, req->json, "capacity", creating, 1, 100000, &in->capacity) <
		    0 ||
	    json_get_int_or_reply(req, req->json, "slot_minutes", 0, 15, 120, &in->slot_minutes) <
		    0 ||
	    json_get_int_or_reply(req, rules, "min_notice_minutes", 0, 0, 30 * 1440,
				  &in->min_notice) < 0 ||
	    json_get_int_or_reply(req, rules, "max_days_ahead", 0, 1, 366, &in->max_days) < 0 ||
	    json_get_int_or_reply(req, rules, "max_duration_minutes", 0, 15, 1440,
				  &in->max_duration) < 0 ||
	    json_get_int_or_reply(req, rules, "weekly_quota", 0, 0, 100, &in->quota) < 0 ||
	    json_get_bool_or_reply(req, rules, "approval_required", 0, &in->approval) < 0 ||
	    json_get_bool_or_reply(req, req->json, "active", 0, &in->active) < 0)
		return -1;
	if (in->slot_minutes != 15 && in->slot_minutes != 30 && in->slot_minutes != 60 &&
	    in->slot_minutes != 120) {
		reply_invalid(req, "slot_minutes", "15, 30, 60 or 120");
		return -1;
	}
	if (in->max_duration % in->slot_minutes) {
		reply_invalid(req, "max_duration_minutes", "a whole number of slots");
		return -1;
	}
	in->hours = json_object_get(req->json, "opening_hours");
	if (creating && !in->hours) {
		reply_invalid(req, "opening_hours", "required");
		return -1;
	}
	if (in->hours) {
		struct week_hours h;
		const char *why;
		if (week_hours_parse(in->hours, (int)in->slot_minutes, &h, &why)) {
			reply_invalid(req, "opening_hours", why);
			return -1;
		}
	}
	return 0;
}

/*
 * The writes, each one db_tx_run() transaction: inputs in struct
 * venue_change, the new row's id left in it. DB_EABORT: no such row.
 */
struct venue_change {
	struct req *req;
	const struct venue_in *in;
	int64_t unit_id, id, now, from, to, bid;
	const char *path, *code, *hours, *reason;
};

static int create_venue_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	const struct venue_in *in = x->in;
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "INSERT INTO venues (unit_id, unit_path, name, description, address, "
			    "capacity, slot_minutes, opening_hours, min_notice_minutes, "
			    "max_days_ahead, max_duration_minutes, weekly_quota, "
			    "approval_required, public_code, created_at, updated_at) VALUES "
			    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    &st);

	if (rc == 0) {
		const struct db_arg args[] = {
			DB_ARG_I(x->unit_id),	    DB_ARG_T(x->path),
			DB_ARG_T(in->name),	    DB_ARG_T(in->description),
			DB_ARG_T(in->address),	    DB_ARG_I(in->capacity),
			DB_ARG_I(in->slot_minutes), DB_ARG_T(x->hours),
			DB_ARG_I(in->min_notice),   DB_ARG_I(in->max_days),
			DB_ARG_I(in->max_duration), DB_ARG_I(in->quota),
			DB_ARG_I(in->approval),	    DB_ARG_T(x->code),
			DB_ARG_I(x->now),	    DB_ARG_I(x->now),
		};
		db_bind_args(st, args, (int)(sizeof args / sizeof *args));
		rc = db_step(st);
		if (rc == DB_ROW) {
			x->id = db_col_int64(st, 0);
			rc = 0;
		}
		db_reset(st);
	}
	if (rc == 0)
		rc = audit_write(x->req, c, "venue.create", "venue", x->id, NULL);
	return rc;
}

static int update_venue_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	const struct venue_in *in = x->in;
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "UPDATE venues SET name = COALESCE(?, name), description = "
			    "COALESCE(?, description), address = COALESCE(?, address), "
			    "opening_hours = COALESCE(?, opening_hours), capacity = ?, "
			    "slot_minutes = ?, min_notice_minutes = ?, max_days_ahead = ?, "
			    "max_duration_minutes = ?, weekly_quota = ?, approval_required = ?, "
			    "active = ?, updated_at = ? WHERE id = ?",
			    &st);

	if (rc == 0) {
		const struct db_arg args[] = {
			DB_ARG_T(in->name),	    DB_ARG_T(in->description),
			DB_ARG_T(in->address),	    DB_ARG_T(x->hours),
			DB_ARG_I(in->capacity),	    DB_ARG_I(in->slot_minutes),
			DB_ARG_I(in->min_notice),   DB_ARG_I(in->max_days),
			DB_ARG_I(in->max_duration), DB_ARG_I(in->quota),
			DB_ARG_I(in->approval),	    DB_ARG_I(in->active),
			DB_ARG_I(clock_now()),	    DB_ARG_I(x->id),
		};
		db_bind_args(st, args, (int)(sizeof args / sizeof *args));
		rc = db_step(st);
		rc = rc == DB_DONE ? 0 : rc;
		db_reset(st);
	}
	if (rc == 0)
		rc = audit_write(x->req, c, "venue.update", "venue", x->id, NULL);
	return rc;
}

static int add_blackout_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	int rc =
		db_query_int64(c, &x->bid,
			       "INSERT INTO venue_blackouts (venue_id, starts_at, ends_at, reason, "
			       "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			       "iiiti", x->id, x->from, x->to, x->reason ? x->reason : "", x->now);

	if (rc == DB_ROW)
		rc = 0;
	if (rc == 0)
		rc = audit_write(x->req, c, "venue.blackout", "venue", x->id,
				 JB_OBJ(jb_int("blackout_id", x->bid),
					jb_str("reason", x->reason ? x->reason : "")));
	return rc;
}

static int delete_blackout_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	int rc = db_run(c, "DELETE FROM venue_blackouts WHERE id = ? AND venue_id = ?", "ii",
			x->bid, x->id);

	if (rc == 0 && db_changes(c) == 0)
		return DB_EABORT;
	if (rc == 0)
		rc = audit_write(x->req, c, "venue.blackout_delete", "venue", x->id,
				 JB_OBJ(jb_int("blackout_id", x->bid)));
	return rc;
}

static void create_venue(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct venue_in in = { .description = "",
			       .address = "",
			       .slot_minutes = 30,
			       .max_days = 14,
			       .max_duration = 240 };
	struct venue_change x;
	int64_t unit_id, now = clock_now();
	struct unit_ref u;
	char code[11], *hours;
	int rc;

	if (!c || json_get_int_or_reply(req, req->json, "unit_id", 1, 1, INT64_MAX, &unit_id) ||
	    venue_fields_or_reply(req, 1, &in) || unit_in_scope_or_reply(req, c, unit_id, &u))
		return;
	hours = json_dumps(in.hours, JSON_COMPACT);
	station_public_code(code);
	x = (struct venue_change){ .req = req,
				   .in = &in,
				   .unit_id = unit_id,
				   .now = now,
				   .path = u.path,
				   .code = code,
				   .hours = hours };
	rc = db_tx_run(c, create_venue_tx, &x);
	free(hours);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("name", in.name), jb_str("public_code", code)));
}

static void update_venue(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct venue v;
	struct venue_in in = { 0 };
	int64_t id;
	char *hours = NULL;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = venue_get(c, id, &v);
	if (rc != DB_ROW || !path_within(v.unit_path, req_auth(req)->unit_path)) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	/* start from what is stored, so the checks see the combination */
	in.capacity = v.capacity;
	in.slot_minutes = v.slot_minutes;
	in.min_notice = v.min_notice_minutes;
	in.max_days = v.max_days_ahead;
	in.max_duration = v.max_duration_minutes;
	in.quota = v.weekly_quota;
	in.approval = v.approval_required;
	in.active = v.active;
	if (venue_fields_or_reply(req, 0, &in))
		return;
	if (!in.hours && in.slot_minutes != v.slot_minutes) {
		/* the stored hours must still fall on the new grid */
		for (int d = 0; d < 7; d++)
			for (int i = 0; i < v.hours.n[d]; i++)
				if (v.hours.open[d][i] % in.slot_minutes ||
				    v.hours.close[d][i] % in.slot_minutes) {
					reply_invalid(req, "slot_minutes",
						      "the opening hours do not fall on this grid");
					return;
				}
	}
	if (in.hours)
		hours = json_dumps(in.hours, JSON_COMPACT);
	rc = db_tx_run(c, update_venue_tx,
		       &(struct venue_change){ .req = req, .in = &in, .id = id, .hours = hours });
	free(hours);
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

static void add_blackout(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *s = NULL, *e = NULL, *reason = "";
	struct venue_change x;
	int64_t id, from, to, now = clock_now();
	struct venue v;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    json_get_str_or_reply(req, req->json, "start", 1, 40, &s) ||
	    json_get_str_or_reply(req, req->json, "end", 1, 40, &e) ||
	    json_get_str_or_reply(req, req->json, "reason", 0, 200, &reason) < 0)
		return;
	if (clock_parse_iso(s, &from)) {
		reply_invalid(req, "start", "ISO 8601 with offset");
		return;
	}
	if (clock_parse_iso(e, &to) || to <= from) {
		reply_invalid(req, "end", "ISO 8601 with offset, after start");
		return;
	}
	rc = venue_get(c, id, &v);
	if (rc != DB_ROW || !path_within(v.unit_path, req_auth(req)->unit_path)) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	x = (struct venue_change){
		.req = req, .id = id, .from = from, .to = to, .reason = reason, .now = now
	};
	rc = db_tx_run(c, add_blackout_tx, &x);
	reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.bid)));
}

static void delete_blackout(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id, bid;
	struct venue v;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || req_param_id_or_reply(req, "bid", &bid))
		return;
	rc = venue_get(c, id, &v);
	if (rc != DB_ROW || !path_within(v.unit_path, req_auth(req)->unit_path)) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	rc = db_tx_run(c, delete_blackout_tx,
		       &(struct venue_change){ .req = req, .id = id, .bid = bid });
	if (rc == DB_EABORT)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_bool("deleted", 1)));
}

/* GET /venues/:id/qr.svg: the check-in code at the door, BASE/v/<public code>. */
static void venue_qr(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct db_stmt *st;
	char *code = NULL, *svg;
	struct venue v;
	size_t len;
	int64_t id;

	/* 404 for a venue the caller cannot see, missing or not; 403 for one they can */
	if (!c || req_param_id_or_reply(req, "id", &id) || venue_visible_or_reply(req, c, id, &v))
		return;
	if (!is_staff(req)) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (db_prepare(c, "SELECT public_code FROM venues WHERE id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW)
		code = arena_strdup(&req->arena, db_col_text(st, 0));
	db_reset(st);
	if (!code) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	svg = station_qr_svg(arena_printf(&req->arena, "%s/v/%s", public_link_base(req), code),
			     v.name, &len);
	if (!svg) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	reply_bytes(req, 200, "image/svg+xml; charset=utf-8", svg, len);
	free(svg);
}

const struct route venue_routes[] = {
	{ "GET", "/api/v1/venues", list_venues, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/venues/:id", get_venue, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/venues/:id/slots", venue_slots, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/venues/:id/qr.svg", venue_qr, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/venues", create_venue, R_JSON, "venue:write", 0 },
	{ "PATCH", "/api/v1/venues/:id", update_venue, R_JSON, "venue:write", 0 },
	{ "POST", "/api/v1/venues/:id/blackouts", add_blackout, R_JSON, "venue:write", 0 },
	{ "DELETE", "/api/v1/venues/:id/blackouts/:bid", delete_blackout, 0, "venue:write", 0 },
	{ 0 },
};
