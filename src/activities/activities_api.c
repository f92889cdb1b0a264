/*
 * activity.c — community activities (活动报名): publishing, changing,
 * cancelling and reading them. Sign-ups are in activity_signup.c.
 *
 *   POST  /api/v1/activities              activity:manage
 *   PATCH /api/v1/activities/:id          activity:manage, published and not yet ended
 *   POST  /api/v1/activities/:id/cancel   activity:manage {reason}
 *   GET   /api/v1/activities?unit=&from=&to=&status=&mine=1&limit=&cursor=
 *   GET   /api/v1/activities/:id
 *
 * An activity is organised by a unit, or by a volunteer team in the unit's
 * name: organiser_kind "volunteer_team" with the team's name (there is no
 * teams table; the name is what the residents see). Organising is staff
 * work: activity:manage belongs to community staff, hub leaders and the
 * district administrator, because the sign-up lists and the attendance
 * record name residents, and volunteers hold no resident:read.
 *
 * Where: free text (place), or a venue. A venue is reserved through the
 * booking rules — a staff booking for the activity's unit, made by
 * booking_create_for_unit() inside the activity's transaction: the venue's
 * hours, blackouts and slots hold, a slot already held answers 409
 * booking.conflict and no activity is created. Moving the activity (time,
 * venue, capacity) releases the old booking and books again in one
 * transaction; cancelling it releases the booking, so the slots are free.
 *
 * Who sees what: managers the activities of their subtree (with the
 * check-in code); everyone else — residents above all — the activities of
 * their own community and of the units above it (a street's, the
 * district's), with their own sign-up (my_signup) and the places left.
 *
 * Changing the time or place, and cancelling, send a message (kind
 * "activity") to everyone signed up; a larger capacity confirms waitlisted
 * sign-ups at once (activity_fill, activity_signup.c).
 */
#include "service/service.h"
#include "venues/venues.h"

#include "core/jbuild.h"
#include "service/activity_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <stdio.h>
#include <string.h>

#define ELIGIBILITY_TAGS RESIDENT_TAGS "," RESIDENT_AGE_TAGS

int activity_is_manager(const struct req *req)
{
	return auth_can(req, "activity:manage");
}

int tag_in_list(const char *list, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, tag, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

json_t *activity_time_json(struct db_stmt *st, int col)
{
	char buf[32];
	return db_col_is_null(st, col) || !db_col_int64(st, col)
		       ? json_null()
		       : json_string(clock_format_shanghai(db_col_int64(st, col), buf));
}

/* Read a's title, start and place again (a change may have got in first); 0 or <0. */
static int activity_reread(struct req *req, struct db_conn *c, struct activity *a)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT a.title, a.starts_at, a.place, v.name FROM activities a LEFT "
			    "JOIN venues v ON v.id = a.venue_id WHERE a.id = ?",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, a->id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		const char *place = db_col_text(st, 2);
		a->title = arena_strdup(&req->arena, db_col_text(st, 0));
		a->starts_at = db_col_int64(st, 1);
		a->place = arena_strdup(&req->arena, place && *place	     ? place
						     : db_col_is_null(st, 3) ? ""
									     : db_col_text(st, 3));
	}
	db_reset(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

/* Has what update_activity read of a changed under the lock? 0 (and *stale) or <0. */
static int activity_stale(struct db_conn *c, const struct activity *a, int *stale)
{
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "SELECT COALESCE(venue_id, 0), COALESCE(booking_id, 0), starts_at, "
			    "ends_at, signup_opens_at, signup_closes_at, capacity FROM activities "
			    "WHERE id = ?",
			    &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, a->id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*stale = db_col_int64(st, 0) != a->venue_id ||
			 db_col_int64(st, 1) != a->booking_id ||
			 db_col_int64(st, 2) != a->starts_at || db_col_int64(st, 3) != a->ends_at ||
			 db_col_int64(st, 4) != a->opens_at ||
			 db_col_int64(st, 5) != a->closes_at || db_col_int64(st, 6) != a->capacity;
	db_reset(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
}

int activity_lock(struct db_conn *c, int64_t id, int64_t *capacity)
{
	int rc = db_run(c, "UPDATE activities SET updated_at = updated_at WHERE id = ?", "i", id);

	if (rc < 0)
		return rc;
	return db_query_int64(c, capacity,
			      "SELECT capacity FROM activities WHERE id = ? AND status = "
			      "'published'",
			      "i", id);
}

/* ---- where a non-manager looks: their community and the units above it -- */

struct area {
	char lo[256], hi[256];	 /* the community's subtree */
	char up1[256], up2[256]; /* the district's and the street's own paths */
};

/* "/d/s/c/g/…" → the community "/d/s/c/", and "/d/", "/d/s/" above it. */
static void area_of(const char *unit_path, struct area *ar)
{
	int slashes = 0;
	size_t n = 0, cut[4] = { 0 };

	while (unit_path[n] && slashes < 4) {
		if (unit_path[n++] == '/')
			cut[slashes++] = n;
	}
	snprintf(ar->lo, sizeof ar->lo, "%.*s", (int)n, unit_path);
	path_upper(ar->lo, ar->hi, sizeof ar->hi);
	/* a shallower unit: the missing levels repeat a path inside the range */
	snprintf(ar->up1, sizeof ar->up1, "%.*s", (int)(slashes > 1 ? cut[1] : n), unit_path);
	snprintf(ar->up2, sizeof ar->up2, "%.*s", (int)(slashes > 2 ? cut[2] : n), unit_path);
}

/* ---- reading ------------------------------------------------------------ */

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

static void activity_from_row(struct req *req, struct db_stmt *st, struct activity *a)
{
	const char *place = db_col_text(st, 10);

	memset(a, 0, sizeof *a);
	a->id = db_col_int64(st, 0);
	a->unit_id = db_col_int64(st, 1);
	snprintf(a->unit_path, sizeof a->unit_path, "%s", db_col_text(st, 3));
	a->title = arena_strdup(&req->arena, db_col_text(st, 6));
	a->starts_at = db_col_int64(st, 8);
	a->ends_at = db_col_int64(st, 9);
	/* where, for messages: the place, else the venue's name */
	a->place = arena_strdup(&req->arena, place && *place	      ? place
					     : db_col_is_null(st, 12) ? ""
								      : db_col_text(st, 12));
	a->venue_id = db_col_is_null(st, 11) ? 0 : db_col_int64(st, 11);
	a->booking_id = db_col_is_null(st, 13) ? 0 : db_col_int64(st, 13);
	a->capacity = db_col_int64(st, 15);
	a->opens_at = db_col_int64(st, 16);
	a->closes_at = db_col_int64(st, 17);
	snprintf(a->eligibility, sizeof a->eligibility, "%s", db_col_text(st, 18));
	snprintf(a->status, sizeof a->status, "%s", db_col_text(st, 20));
	a->confirmed = db_col_int64(st, 26);
	a->waitlisted = db_col_int64(st, 27);
}

static json_t *tags_json(const char *list)
{
	json_t *arr = json_array();
	char buf[160], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", list ? list : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(tok));
	return arr;
}

static json_t *activity_json(struct req *req, struct db_stmt *st)
{
	struct activity a;
	int64_t now = clock_now();
	char b1[32], b2[32], b3[32], b4[32];
	int team = !strcmp(db_col_text(st, 4), "volunteer_team");
	json_t *o;

	activity_from_row(req, st, &a);
	o = JB_OBJ(jb_int("id", a.id),
		   jb_take("unit",
			   JB_OBJ(jb_int("id", a.unit_id), jb_str("name", db_col_text(st, 2)))),
		   jb_take("organiser",
			   JB_OBJ(jb_str("kind", db_col_text(st, 4)),
				  jb_str("name", team ? db_col_text(st, 5) : db_col_text(st, 2)))),
		   jb_str("title", a.title), jb_str("description", db_col_text(st, 7)),
		   jb_str("start", clock_format_shanghai(a.starts_at, b1)),
		   jb_str("end", clock_format_shanghai(a.ends_at, b2)),
		   jb_str("place", db_col_text(st, 10)), jb_int("capacity", a.capacity),
		   jb_int("confirmed", a.confirmed), jb_int("waitlisted", a.waitlisted),
		   jb_int("places_left",
			  (json_int_t)(a.capacity > a.confirmed ? a.capacity - a.confirmed : 0)),
		   jb_str("signup_opens_at", clock_format_shanghai(a.opens_at, b3)),
		   jb_str("signup_closes_at", clock_format_shanghai(a.closes_at, b4)),
		   jb_bool("signup_open", !strcmp(a.status, "published") && now >= a.opens_at &&
						  now < a.closes_at),
		   jb_str("status", a.status));
	if (!o)
		return NULL;
	json_object_set_new(o, "eligibility", tags_json(a.eligibility));
	json_object_set_new(o, "cancel_reason", json_string(db_col_text(st, 21)));
	json_object_set_new(
		o, "venue",
		a.venue_id ? JB_OBJ(jb_int("id", a.venue_id), jb_str("name", db_col_text(st, 12)))
			   : json_null());
	json_object_set_new(o, "booking",
			    a.booking_id ? JB_OBJ(jb_int("id", a.booking_id),
						  jb_str("status", db_col_text(st, 14)))
					 : json_null());
	json_object_set_new(
		o, "created_by",
		JB_OBJ(jb_int("id", db_col_int64(st, 22)), jb_str("name", db_col_text(st, 23))));
	json_object_set_new(o, "created_at", activity_time_json(st, 24));
	json_object_set_new(o, "updated_at", activity_time_json(st, 25));
	json_object_set_new(
		o, "my_signup",
		db_col_is_null(st, 28)
			? json_null()
			: JB_OBJ(jb_int("id", db_col_int64(st, 28)),
				 jb_str("status", db_col_text(st, 29)),
				 jb_take("position", !strcmp(db_col_text(st, 29), "waitlisted")
							     ? json_integer(db_col_int64(st, 31))
							     : json_null()),
				 jb_take("checked_in_at", activity_time_json(st, 30))));
	if (activity_is_manager(req) && path_within(a.unit_path, req_auth(req)->unit_path))
		json_object_set_new(o, "check_in_code", json_string(db_col_text(st, 19)));
	return o;
}

static void bind_me(struct req *req, struct db_stmt *st)
{
	const struct auth *au = req_auth(req);
	int64_t rid = au->resident_id > 0 ? au->resident_id : 0;

	db_bind_int64(st, 1, au->account_id);
	db_bind_int64(st, 2, rid);
	db_bind_int64(st, 3, rid);
}

int activity_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct activity *out,
			      json_t **json)
{
	const struct auth *au = req_auth(req);
	struct db_stmt *st;
	int rc, ok = 0;

	if (db_prepare(c, ACTIVITY_SELECT "WHERE a.id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	bind_me(req, st);
	db_bind_int64(st, 4, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		activity_from_row(req, st, out);
		if (activity_is_manager(req)) {
			ok = path_within(out->unit_path, au->unit_path);
		} else {
			ok = path_in_area(out->unit_path, au->unit_path);
		}
		if (ok && json)
			*json = activity_json(req, st);
	}
	db_reset(st);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (!ok) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	if (json && !*json) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	return 0;
}

static void get_activity(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct activity a;
	json_t *out = NULL;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    activity_visible_or_reply(req, c, id, &a, &out))
		return;
	reply_json(req, 200, out);
}

/* ?from= / ?to=: a date (Shanghai; to includes the whole day) or ISO 8601. */
static int bound_or_reply(struct req *req, const char *name, int64_t *out)
{
	const char *v = req_query(req, name);
	int64_t day;

	if (!v)
		return 1;
	if (!cal_day_parse(v, &day)) {
		*out = cal_day_start(strcmp(name, "to") ? day : day + 1);
		return 0;
	}
	if (clock_parse_iso(v, out)) {
		reply_invalid(req, name, "YYYY-MM-DD or ISO 8601 with offset");
		return -1;
	}
	return 0;
}

static void list_activities(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *mine = req_query(req, "mine"),
		   *unit = req_query(req, "unit");
	int64_t limit, offset, from = clock_now(), to = 0, n = 0;
	struct area ar;
	struct db_stmt *st;
	json_t *items;
	int rc, bad = 0;

	if (!c || req_page_or_reply(req, &limit, &offset) ||
	    bound_or_reply(req, "from", &from) < 0 || bound_or_reply(req, "to", &to) < 0)
		return;
	if (status && strcmp(status, "published") && strcmp(status, "cancelled")) {
		reply_invalid(req, "status", "published or cancelled");
		return;
	}
	if (mine && strcmp(mine, "1")) {
		reply_invalid(req, "mine", "1");
		return;
	}
	if (activity_is_manager(req)) {
		struct scope sc;
		if (scope_unit_or_reply(req, c, unit, &sc))
			return;
		snprintf(ar.lo, sizeof ar.lo, "%s", sc.lo);
		snprintf(ar.hi, sizeof ar.hi, "%s", sc.hi);
		snprintf(ar.up1, sizeof ar.up1, "%s", sc.lo);
		snprintf(ar.up2, sizeof ar.up2, "%s", sc.lo);
	} else {
		area_of(au->unit_path, &ar);
		if (unit) {
			/* narrowing to a unit inside the community */
			struct scope sc;
			if (scope_area_or_reply(req, c, unit, &sc))
				return;
			snprintf(ar.lo, sizeof ar.lo, "%s", sc.lo);
			snprintf(ar.hi, sizeof ar.hi, "%s", sc.hi);
			snprintf(ar.up1, sizeof ar.up1, "%s", sc.lo);
			snprintf(ar.up2, sizeof ar.up2, "%s", sc.lo);
		}
	}
	/* soonest first; the cursor is how many were seen */
	if (db_prepare(c,
		       ACTIVITY_SELECT
		       "WHERE ((a.unit_path >= ? AND a.unit_path < ?) OR a.unit_path IN (?, ?)) "
		       "AND a.ends_at > ? AND (? = 0 OR a.starts_at < ?) "
		       "AND (CAST(? AS TEXT) IS NULL OR a.status = ?) "
		       "AND (? = 0 OR (ms.id IS NOT NULL AND ms.status <> 'cancelled')) "
		       "ORDER BY a.starts_at, a.id LIMIT ? OFFSET ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	bind_me(req, st);
	const struct db_arg args[] = {
		DB_ARG_T(ar.lo),  DB_ARG_T(ar.hi),	  DB_ARG_T(ar.up1),    DB_ARG_T(ar.up2),
		DB_ARG_I(from),	  DB_ARG_I(to),		  DB_ARG_I(to),	       DB_ARG_T(status),
		DB_ARG_T(status), DB_ARG_I(mine != NULL), DB_ARG_I(limit + 1), DB_ARG_I(offset),
	};
	for (int i = 0; i < (int)(sizeof args / sizeof *args); i++) {
		if (args[i].type == 'i')
			db_bind_int64(st, 4 + i, args[i].i);
		else
			db_bind_text(st, 4 + i, args[i].t, -1);
	}
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit)
		if (json_array_append_new(items, activity_json(req, st)) < 0)
			bad = 1;
	db_reset(st);
	if (rc < 0 || bad) {
		json_decref(items);
		reply_error(req, bad ? ERR_INTERNAL : ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, page_json(req, items, n > limit, offset + limit));
}

/* ---- writing ------------------------------------------------------------ */

struct activity_in {
	const char *title, *description, *place, *kind, *team;
	int64_t start, end, opens, closes, capacity, venue_id;
	const char *eligibility; /* comma list, or NULL when absent */
	int has_start, has_end, has_opens, has_closes, has_capacity, has_venue;
};

/* A time field: 0 present, 1 absent, -1 answered. */
static int time_field_or_reply(struct req *req, const char *field, int required, int64_t *out)
{
	const char *s = NULL;
	int rc = json_get_str_or_reply(req, req->json, field, required, 40, &s);

	if (rc)
		return rc;
	if (strlen(s) < 16 || clock_parse_iso(s, out)) {
		reply_invalid(req, field,
			      "ISO 8601 date and time with offset, e.g. "
			      "2026-12-01T14:00:00+08:00");
		return -1;
	}
	return 0;
}

static int eligibility_or_reply(struct req *req, const char **out)
{
	json_t *v = json_object_get(req->json, "eligibility"), *t;
	char *list = arena_strdup(&req->arena, "");
	size_t i;

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 6) {
		reply_invalid(req, "eligibility", "a list of resident tags: " ELIGIBILITY_TAGS);
		return -1;
	}
	json_array_foreach(v, i, t)
	{
		const char *s = json_string_value(t);
		if (!s || !*s || strchr(s, ',') || !tag_in_list(ELIGIBILITY_TAGS, s) ||
		    tag_in_list(list, s)) {
			reply_invalid(req, "eligibility",
				      "a list of different resident tags: " ELIGIBILITY_TAGS);
			return -1;
		}
		list = arena_printf(&req->arena, "%s%s%s", list, *list ? "," : "", s);
	}
	*out = list;
	return 0;
}

static int text_or_reply(struct req *req, const char *field, int required, size_t max, int nonempty,
			 const char **out)
{
	int rc = json_get_str_or_reply(req, req->json, field, required, max, out);

	if (rc == 0 && nonempty && !**out) {
		reply_invalid(req, field, "must not be empty");
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* Read the fields present into in; absent ones stay as they are. */
static int activity_fields_or_reply(struct req *req, int creating, struct activity_in *in)
{
	json_t *venue = json_object_get(req->json, "venue_id");
	int rc;

	if (text_or_reply(req, "title", creating, 200, 1, &in->title) ||
	    text_or_reply(req, "description", 0, 4000, 0, &in->description) ||
	    text_or_reply(req, "place", 0, 300, 0, &in->place) ||
	    text_or_reply(req, "organiser_kind", 0, 20, 1, &in->kind) ||
	    text_or_reply(req, "organiser_name", 0, 100, 0, &in->team) ||
	    eligibility_or_reply(req, &in->eligibility))
		return -1;
	if (in->kind && strcmp(in->kind, "unit") && strcmp(in->kind, "volunteer_team")) {
		reply_invalid(req, "organiser_kind", "unit or volunteer_team");
		return -1;
	}
	if ((rc = time_field_or_reply(req, "start", creating, &in->start)) < 0)
		return -1;
	in->has_start = rc == 0;
	if ((rc = time_field_or_reply(req, "end", creating, &in->end)) < 0)
		return -1;
	in->has_end = rc == 0;
	if ((rc = time_field_or_reply(req, "signup_opens_at", 0, &in->opens)) < 0)
		return -1;
	in->has_opens = rc == 0;
	if ((rc = time_field_or_reply(req, "signup_closes_at", 0, &in->closes)) < 0)
		return -1;
	in->has_closes = rc == 0;
	if ((rc = json_get_int_or_reply(req, req->json, "capacity", creating, 1, 10000,
					&in->capacity)) < 0)
		return -1;
	in->has_capacity = rc == 0;
	/* venue_id: an id, or null (no venue) */
	in->has_venue = venue != NULL;
	in->venue_id = 0;
	if (venue && !json_is_null(venue) &&
	    json_get_int_or_reply(req, req->json, "venue_id", 1, 1, INT64_MAX, &in->venue_id))
		return -1;
	return 0;
}

/* The combination: times in order, the window before the start, an organiser, a place. */
static int activity_check_or_reply(struct req *req, const struct activity_in *in)
{
	if (in->end <= in->start) {
		reply_invalid(req, "end", "after start");
		return -1;
	}
	if (in->end - in->start > 14 * 86400) {
		reply_invalid(req, "end", "at most 14 days after start");
		return -1;
	}
	if (in->closes <= in->opens) {
		reply_invalid(req, "signup_closes_at", "after signup_opens_at");
		return -1;
	}
	if (in->closes > in->start) {
		reply_invalid(req, "signup_closes_at", "at or before start");
		return -1;
	}
	if (!strcmp(in->kind, "volunteer_team") && !*in->team) {
		reply_invalid(req, "organiser_name", "the volunteer team's name");
		return -1;
	}
	if (!*in->place && !in->venue_id) {
		reply_invalid(req, "place", "where: a place, or a venue_id");
		return -1;
	}
	return 0;
}

/* A venue the activity may reserve for [s, e) with capacity places; 0 or -1 answered. */
static int venue_for_or_reply(struct req *req, struct db_conn *c, const struct activity_in *in,
			      struct venue *v)
{
	int rc = venue_get(c, in->venue_id, v);

	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || !v->active || !path_within(v->unit_path, req_auth(req)->unit_path)) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	switch (booking_fit(v, in->start, in->end, in->capacity)) {
	case BOOKING_FITS: return 0;
	case BOOKING_OFF_GRID:
		reply_invalid(req, "start",
			      arena_printf(&req->arena,
					   "start and end fall on the venue's %d-minute slots",
					   v->slot_minutes));
		return -1;
	case BOOKING_OVER_CAPACITY:
		reply_invalid(
			req, "capacity",
			arena_printf(&req->arena, "at most the venue's capacity, %d", v->capacity));
		return -1;
	case BOOKING_OUT_OF_HOURS:
		reply_error_ex(req, ERR_BOOKING_CLOSED, NULL,
			       JB_OBJ(jb_str("why", "opening_hours")));
		return -1;
	}
	return -1;
}

/* Book the venue inside the transaction; on a refusal answer and return DB_EABORT. */
static int book_venue(struct req *req, struct db_conn *c, const struct venue *v,
		      const struct activity_in *in, int64_t unit_id, int64_t now, int64_t *bid)
{
	int rc = booking_create_for_unit(c, v, unit_id, req_auth(req)->account_id, in->start,
					 in->end, arena_printf(&req->arena, "活动：%s", in->title),
					 in->capacity, now, bid);

	if (rc == BOOKING_BLACKOUT || rc == BOOKING_TAKEN) {
		if (rc == BOOKING_TAKEN)
			reply_error(req, ERR_BOOKING_CONFLICT);
		else
			reply_error_ex(req, ERR_BOOKING_CLOSED, NULL,
				       JB_OBJ(jb_str("why", "blackout")));
		return DB_EABORT;
	}
	return rc;
}

/*
 * The activity's writes, each one db_tx_run() transaction. DB_EABORT: a
 * refusal found under the activity's lock (or the venue's slots), answered
 * in the callback; never retried. Outputs are set afresh on every run.
 */
struct activity_change {
	struct req *req;
	struct activity_in *in;
	const struct unit_ref *u;
	const struct venue *v;
	struct activity *a;
	const char *code, *reason;
	json_t *changed; /* update: the fields given (borrowed) */
	int64_t id, now, bid_in, old_venue;
	int moved, rebook, release;
	int64_t bid; /* out: the venue's booking */
};

static int create_activity_tx(struct db_conn *c, void *ctx)
{
	struct activity_change *x = ctx;
	struct req *req = x->req;
	const struct activity_in *in = x->in;
	struct db_stmt *st;
	int rc = 0;

	x->bid = 0;
	if (in->venue_id)
		rc = book_venue(req, c, x->v, in, x->u->id, x->now, &x->bid);
	if (rc == 0)
		rc = db_prepare(
			c,
			"INSERT INTO activities (unit_id, unit_path, organiser_kind, "
			"organiser_name, title, description, starts_at, ends_at, place, venue_id, "
			"booking_id, capacity, signup_opens_at, signup_closes_at, eligibility, "
			"check_in_code, status, created_by, created_at, updated_at) VALUES (?, ?, "
			"?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS "
			"BIGINT), 0), ?, ?, ?, ?, ?, 'published', ?, ?, ?) RETURNING id",
			&st);
	else
		return rc;
	if (rc == 0) {
		const struct db_arg args[] = {
			DB_ARG_I(x->u->id),
			DB_ARG_T(x->u->path),
			DB_ARG_T(in->kind),
			DB_ARG_T(in->team),
			DB_ARG_T(in->title),
			DB_ARG_T(in->description),
			DB_ARG_I(in->start),
			DB_ARG_I(in->end),
			DB_ARG_T(in->place),
			DB_ARG_I(in->venue_id),
			DB_ARG_I(x->bid),
			DB_ARG_I(in->capacity),
			DB_ARG_I(in->opens),
			DB_ARG_I(in->closes),
			DB_ARG_T(in->eligibility),
			DB_ARG_T(x->code),
			DB_ARG_I(req_auth(req)->account_id),
			DB_ARG_I(x->now),
			DB_ARG_I(x->now),
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
		rc = audit_write(req, c, "activity.create", "activity", x->id,
				 JB_OBJ(jb_int("unit_id", x->u->id), jb_int("booking_id", x->bid)));
	return rc;
}

static void create_activity(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct activity_in in = { .description = "", .place = "", .kind = "unit", .team = "" };
	int64_t unit_id = au->unit_id, now = clock_now();
	struct activity_change x;
	struct unit_ref u;
	struct venue v;
	char code[11];
	int rc;

	if (!c || json_get_int_or_reply(req, req->json, "unit_id", 0, 1, INT64_MAX, &unit_id) < 0 ||
	    activity_fields_or_reply(req, 1, &in))
		return;
	if (!in.has_opens)
		in.opens = now;
	if (!in.has_closes)
		in.closes = in.start;
	if (!in.eligibility)
		in.eligibility = "";
	if (!strcmp(in.kind, "unit"))
		in.team = "";
	if (in.start <= now) {
		reply_invalid(req, "start", "in the future");
		return;
	}
	if (activity_check_or_reply(req, &in))
		return;
	if (unit_in_scope_or_reply(req, c, unit_id, &u) ||
	    (in.venue_id && venue_for_or_reply(req, c, &in, &v)))
		return;
	station_public_code(code);
	x = (struct activity_change){
		.req = req, .in = &in, .u = &u, .v = &v, .code = code, .now = now
	};
	rc = db_tx_run(c, create_activity_tx, &x);
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("status", "published"),
			jb_take("booking_id", x.bid ? json_integer(x.bid) : json_null()),
			jb_str("check_in_code", code)));
}

static int update_activity_tx(struct db_conn *c, void *ctx)
{
	struct activity_change *x = ctx;
	struct req *req = x->req;
	struct activity_in *in = x->in;
	struct activity a_run = *x->a, *a = &a_run; /* as read: a rerun starts from it again */
	int64_t id = x->id, now = x->now, capacity_now = 0, confirmed = 0;
	int rc = activity_lock(c, id, &capacity_now);

	x->bid = x->bid_in;
	if (rc == DB_DONE) {
		/* cancelled while this request was on its way */
		reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
			       JB_OBJ(jb_str("status", "cancelled"), jb_str("action", "update")));
		return DB_EABORT;
	}
	if (rc == DB_ROW) {
		/*
		 * The booking to release and the combination checked were read
		 * before the lock: another change or a cancel that got there first
		 * has made them stale, and going on would leave a booking holding
		 * the venue. Ask the caller to read the activity again.
		 */
		int stale = 0;
		rc = activity_stale(c, a, &stale);
		if (rc == 0 && stale) {
			reply_error_ex(req, ERR_CONFLICT,
				       "The activity was changed meanwhile; read it again.",
				       JB_OBJ(jb_str("action", "update")));
			return DB_EABORT;
		}
		rc = rc == 0 ? DB_ROW : rc;
	}
	if (rc == DB_ROW)
		rc = db_query_int64(c, &confirmed,
				    "SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? "
				    "AND status = 'confirmed'",
				    "i", id);
	if (rc == DB_ROW)
		rc = 0;
	if (rc == 0 && in->capacity < confirmed) {
		reply_invalid(
			req, "capacity",
			arena_printf(&req->arena,
				     "at least the %lld confirmed sign-ups; cancel some first",
				     (long long)confirmed));
		return DB_EABORT;
	}
	if (rc == 0 && x->release)
		rc = booking_release(c, a->booking_id, "活动变更", now);
	if (rc == 0 && x->rebook)
		rc = book_venue(req, c, x->v, in, a->unit_id, now, &x->bid);
	if (rc == 0) {
		struct db_stmt *st;
		rc = db_prepare(
			c,
			"UPDATE activities SET title = ?, description = COALESCE(?, description), "
			"place = ?, organiser_kind = ?, organiser_name = ?, starts_at = ?, "
			"ends_at = ?, signup_opens_at = ?, signup_closes_at = ?, capacity = ?, "
			"venue_id = NULLIF(CAST(? AS BIGINT), 0), booking_id = NULLIF(CAST(? AS "
			"BIGINT), 0), eligibility = COALESCE(?, eligibility), updated_at = ? "
			"WHERE id = ? AND status = 'published'",
			&st);
		if (rc == 0) {
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
				DB_ARG_I(x->bid),
				DB_ARG_T(in->eligibility),
				DB_ARG_I(now),
				DB_ARG_I(id),
			};
			db_bind_args(st, args, (int)(sizeof args / sizeof *args));
			rc = db_step(st);
			rc = rc == DB_DONE ? 0 : rc;
			db_reset(st);
		}
	}
	if (rc == 0 && db_changes(c) != 1) {
		/* cancelled while this request was on its way */
		reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
			       JB_OBJ(jb_str("status", "cancelled"), jb_str("action", "update")));
		return DB_EABORT;
	}
	/* the activity as it is now, for the waitlist and the messages */
	a->title = in->title;
	a->starts_at = in->start;
	a->ends_at = in->end;
	a->capacity = in->capacity;
	if (rc == 0 && in->capacity > capacity_now)
		rc = activity_fill(req, c, a, now, NULL);
	if (rc == 0 && (x->moved || in->venue_id != x->old_venue ||
			(json_object_get(req->json, "place") && strcmp(in->place, a->place)))) {
		char b1[32], b2[32];
		const char *where = *in->place ? in->place : x->rebook ? x->v->name : a->place;
		rc = activity_tell_signed_up(
			c, a, arena_printf(&req->arena, "活动变更：%s", in->title),
			arena_printf(&req->arena, "现时间 %s—%s，地点 %s",
				     clock_format_shanghai(in->start, b1),
				     clock_format_shanghai(in->end, b2) + 11, where),
			now);
	}
	if (rc == 0)
		rc = audit_write(req, c, "activity.update", "activity", id,
				 JB_OBJ(jb_ref("fields", x->changed)));
	return rc;
}

static void update_activity(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct activity a;
	struct activity_in in = { 0 };
	struct activity_change x;
	struct venue v;
	int64_t id, now = clock_now(), bid = 0;
	json_t *changed;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    activity_visible_or_reply(req, c, id, &a, NULL) ||
	    activity_fields_or_reply(req, 0, &in))
		return;
	if (json_object_get(req->json, "unit_id")) {
		reply_invalid(req, "unit_id", "an activity stays with its unit");
		return;
	}
	if (strcmp(a.status, "published") || now >= a.ends_at) {
		reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
			       JB_OBJ(jb_str("status", a.status), jb_str("action", "update")));
		return;
	}
	/* what is stored, with the fields given on top; the checks see the combination */
	struct activity_in old = { .start = a.starts_at,
				   .end = a.ends_at,
				   .opens = a.opens_at,
				   .closes = a.closes_at,
				   .capacity = a.capacity,
				   .venue_id = a.venue_id };
	if (!in.has_start)
		in.start = old.start;
	if (!in.has_end)
		in.end = old.end;
	if (!in.has_opens)
		in.opens = old.opens;
	if (!in.has_closes)
		in.closes = old.closes;
	if (!in.has_capacity)
		in.capacity = old.capacity;
	if (!in.has_venue)
		in.venue_id = old.venue_id;
	changed = json_array();
	static const char *const fields[] = {
		"title",    "description", "place",	      "organiser_kind",	  "organiser_name",
		"start",    "end",	   "signup_opens_at", "signup_closes_at", "capacity",
		"venue_id", "eligibility"
	};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (json_object_get(req->json, fields[i]))
			json_array_append_new(changed, json_string(fields[i]));
	if (!json_array_size(changed)) {
		json_decref(changed);
		reply_invalid(req, "body",
			      "nothing to change: give title, start, end, place, venue_id, "
			      "capacity, the sign-up window, eligibility or the organiser");
		return;
	}
	/* the text fields the check needs: read what is stored */
	{
		struct db_stmt *st;
		if (db_prepare(c,
			       "SELECT title, place, organiser_kind, organiser_name FROM "
			       "activities WHERE id = ?",
			       &st) < 0) {
			json_decref(changed);
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		db_bind_int64(st, 1, id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			if (!in.title)
				in.title = arena_strdup(&req->arena, db_col_text(st, 0));
			if (!in.place)
				in.place = arena_strdup(&req->arena, db_col_text(st, 1));
			if (!in.kind)
				in.kind = arena_strdup(&req->arena, db_col_text(st, 2));
			if (!in.team)
				in.team = arena_strdup(&req->arena, db_col_text(st, 3));
		}
		db_reset(st);
		if (rc != DB_ROW) {
			json_decref(changed);
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
	}
	if (!strcmp(in.kind, "unit"))
		in.team = "";
	if (activity_check_or_reply(req, &in)) {
		json_decref(changed);
		return;
	}
	int moved = in.start != old.start || in.end != old.end;
	if (in.start != old.start && in.start <= now) {
		json_decref(changed);
		reply_invalid(req, "start", "in the future");
		return;
	}
	int rebook = in.venue_id &&
		     (in.venue_id != old.venue_id || moved || in.capacity != old.capacity);
	int release = a.booking_id && (in.venue_id != old.venue_id || rebook);
	if (rebook && venue_for_or_reply(req, c, &in, &v)) {
		json_decref(changed);
		return;
	}
	bid = rebook ? 0 : in.venue_id ? a.booking_id : 0;

	x = (struct activity_change){ .req = req,
				      .in = &in,
				      .v = &v,
				      .a = &a,
				      .changed = changed,
				      .id = id,
				      .now = now,
				      .bid_in = bid,
				      .old_venue = old.venue_id,
				      .moved = moved,
				      .rebook = rebook,
				      .release = release };
	rc = db_tx_run(c, update_activity_tx, &x);
	json_decref(changed);
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 200,
		 JB_OBJ(jb_int("id", id),
			jb_take("booking_id", x.bid ? json_integer(x.bid) : json_null())));
}

static int cancel_activity_tx(struct db_conn *c, void *ctx)
{
	struct activity_change *x = ctx;
	struct req *req = x->req;
	struct activity *a = x->a;
	const char *reason = x->reason;
	int64_t id = x->id, now = x->now;
	char b1[32];
	/* the booking as it is under the row's lock: a change may have booked anew */
	int rc = db_query_int64(c, &a->booking_id,
				"UPDATE activities SET status = 'cancelled', cancel_reason = ?, "
				"updated_at = ? WHERE id = ? AND status = 'published' RETURNING "
				"COALESCE(booking_id, 0)",
				"tii", reason, now, id);

	if (rc == DB_ROW)
		rc = 0;
	else if (rc == DB_DONE) {
		reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
			       JB_OBJ(jb_str("status", "cancelled"), jb_str("action", "cancel")));
		return DB_EABORT;
	}
	if (rc == 0)
		rc = activity_reread(req, c, a);
	if (rc == 0 && a->booking_id)
		rc = booking_release(c, a->booking_id,
				     arena_printf(&req->arena, "活动取消：%s", reason), now);
	if (rc == 0)
		rc = activity_tell_signed_up(
			c, a, arena_printf(&req->arena, "活动已取消：%s", a->title),
			arena_printf(&req->arena, "%s %s：%s",
				     clock_format_shanghai(a->starts_at, b1), a->place, reason),
			now);
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE activity_signups SET status = 'cancelled', cancel_reason = ?, "
			    "updated_at = ? WHERE activity_id = ? AND status <> 'cancelled'",
			    "tii", "activity_cancelled", now, id);
	if (rc == 0)
		rc = audit_write(req, c, "activity.cancel", "activity", id,
				 JB_OBJ(jb_str("reason", reason)));
	return rc;
}

static void cancel_activity(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *reason = NULL;
	struct activity a;
	int64_t id, now = clock_now();
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    json_get_str_or_reply(req, req->json, "reason", 1, 200, &reason))
		return;
	if (!*reason) {
		reply_invalid(req, "reason", "say why the activity is cancelled");
		return;
	}
	if (activity_visible_or_reply(req, c, id, &a, NULL))
		return;
	if (strcmp(a.status, "published") || now >= a.ends_at) {
		reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
			       JB_OBJ(jb_str("status", a.status), jb_str("action", "cancel")));
		return;
	}
	rc = db_tx_run(c, cancel_activity_tx,
		       &(struct activity_change){
			       .req = req, .a = &a, .reason = reason, .id = id, .now = now });
	if (rc == DB_EABORT)
		return; /* answered */
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id), jb_str("status", "cancelled")));
}

const struct route activity_routes[] = {
	{ "POST", "/api/v1/activities", create_activity, R_JSON, "activity:manage", 0 },
	{ "GET", "/api/v1/activities", list_activities, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/activities/:id", get_activity, R_AUTH, NULL, 0 },
	{ "PATCH", "/api/v1/activities/:id", update_activity, R_JSON, "activity:manage", 0 },
	{ "POST", "/api/v1/activities/:id/cancel", cancel_activity, R_JSON, "activity:manage", 0 },
	{ 0 },
};
