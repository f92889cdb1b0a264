/*
 * activities_api.c — community activities (活动报名): publishing, changing,
 * cancelling and reading them. Sign-ups are in signup_api.c.
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
 * sign-ups at once (activity_fill, signup_api.c). The SQL is in
 * activities_store.c.
 */
#include "activities/activities.h"
#include "venues/venues.h"

#include "activities/activities_int.h"
#include "core/jbuild.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <stdio.h>
#include <string.h>

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

json_t *activity_time_json(int64_t t)
{
	char buf[32];
	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

json_t *tags_json(const char *list)
{
	json_t *arr = json_array();
	char buf[160], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", list ? list : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(tok));
	return arr;
}

/* ---- where a non-manager looks: their community and the units above it -- */

struct area {
	char lo[256], hi[256];	 /* the community's subtree */
	char up1[256], up2[256]; /* the district's and the street's own paths */
};

/* "/d/s/c/g/…" → the community "/d/s/c/", and "/d/", "/d/s/" above it. */
static void area_of(const char *unit_path, struct area *ar)
{
	/* a shallower unit: the missing levels repeat a path inside the range */
	if (!org_path_ancestor(unit_path, 2, ar->lo, sizeof ar->lo))
		snprintf(ar->lo, sizeof ar->lo, "%s", unit_path);
	path_upper(ar->lo, ar->hi, sizeof ar->hi);
	if (!org_path_ancestor(unit_path, 0, ar->up1, sizeof ar->up1))
		snprintf(ar->up1, sizeof ar->up1, "%s", ar->lo);
	if (!org_path_ancestor(unit_path, 1, ar->up2, sizeof ar->up2))
		snprintf(ar->up2, sizeof ar->up2, "%s", ar->lo);
}

/* A scope's subtree as an area: nothing above it. */
static void area_of_scope(const struct scope *sc, struct area *ar)
{
	snprintf(ar->lo, sizeof ar->lo, "%s", sc->lo);
	snprintf(ar->hi, sizeof ar->hi, "%s", sc->hi);
	snprintf(ar->up1, sizeof ar->up1, "%s", sc->lo);
	snprintf(ar->up2, sizeof ar->up2, "%s", sc->lo);
}

/* ---- reading ------------------------------------------------------------ */

static json_t *my_signup_json(const struct activity_view *v)
{
	if (!v->my_id)
		return json_null();
	return JB_OBJ(jb_int("id", v->my_id), jb_str("status", v->my_status),
		      jb_take("position", !strcmp(v->my_status, "waitlisted")
						  ? json_integer(v->my_position)
						  : json_null()),
		      jb_take("checked_in_at", activity_time_json(v->my_checked_in_at)));
}

static json_t *activity_json(struct req *req, const struct activity_view *v)
{
	const struct activity *a = &v->a;
	int64_t now = clock_now();
	char b1[32], b2[32], b3[32], b4[32];
	int team = !strcmp(v->organiser_kind, "volunteer_team");
	json_t *o;

	o = JB_OBJ(
		jb_int("id", a->id),
		jb_take("unit", JB_OBJ(jb_int("id", a->unit_id), jb_str("name", v->unit_name))),
		jb_take("organiser",
			JB_OBJ(jb_str("kind", v->organiser_kind),
			       jb_str("name", team ? v->organiser_name : v->unit_name))),
		jb_str("title", a->title), jb_str("description", v->description),
		jb_str("start", clock_format_shanghai(a->starts_at, b1)),
		jb_str("end", clock_format_shanghai(a->ends_at, b2)), jb_str("place", v->place),
		jb_int("capacity", a->capacity), jb_int("confirmed", a->confirmed),
		jb_int("waitlisted", a->waitlisted),
		jb_int("places_left",
		       (json_int_t)(a->capacity > a->confirmed ? a->capacity - a->confirmed : 0)),
		jb_str("signup_opens_at", clock_format_shanghai(a->opens_at, b3)),
		jb_str("signup_closes_at", clock_format_shanghai(a->closes_at, b4)),
		jb_bool("signup_open", !strcmp(a->status, "published") && now >= a->opens_at &&
					       now < a->closes_at),
		jb_str("status", a->status));
	if (!o)
		return NULL;
	json_object_set_new(o, "eligibility", tags_json(a->eligibility));
	json_object_set_new(o, "cancel_reason", json_string(v->cancel_reason));
	json_object_set_new(
		o, "venue",
		a->venue_id ? JB_OBJ(jb_int("id", a->venue_id), jb_str("name", v->venue_name))
			    : json_null());
	json_object_set_new(o, "booking",
			    a->booking_id ? JB_OBJ(jb_int("id", a->booking_id),
						   jb_str("status", v->booking_status))
					  : json_null());
	json_object_set_new(
		o, "created_by",
		JB_OBJ(jb_int("id", v->created_by), jb_str("name", v->created_by_name)));
	json_object_set_new(o, "created_at", activity_time_json(v->created_at));
	json_object_set_new(o, "updated_at", activity_time_json(v->updated_at));
	json_object_set_new(o, "my_signup", my_signup_json(v));
	if (activity_is_manager(req) && path_within(a->unit_path, req_auth(req)->unit_path))
		json_object_set_new(o, "check_in_code", json_string(v->check_in_code));
	return o;
}

/* The caller's resident id, 0 for none. */
static int64_t my_resident(const struct auth *au)
{
	return au->resident_id > 0 ? au->resident_id : 0;
}

static int visible_row(void *ctx, const struct activity_view *v)
{
	struct req_row *x = ctx;
	struct req *req = x->req;
	const struct auth *au = req_auth(req);
	struct activity *out = x->row;

	*out = v->a;
	out->title = arena_strdup(&req->arena, v->a.title);
	out->place = arena_strdup(&req->arena, v->a.place);
	x->ok = activity_is_manager(req) ? path_within(v->a.unit_path, au->unit_path)
					 : path_in_area(v->a.unit_path, au->unit_path);
	if (x->ok && x->json)
		*x->json = activity_json(req, v);
	return 0;
}

int activity_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct activity *out,
			      json_t **json)
{
	const struct auth *au = req_auth(req);
	struct req_row x = { .req = req, .row = out, .json = json };
	int rc = activities_store_view(c, au->account_id, my_resident(au), id, visible_row, &x);

	return req_row_or_reply(req, rc, x.ok, json);
}

REQ_GET_VISIBLE_HANDLER(get_activity, struct activity, activity_visible_or_reply)

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

/* Soonest first; the cursor is how many were seen. */
static int list_row(void *ctx, const struct activity_view *v)
{
	struct page *p = ctx;

	return page_add(p, p->cursor + p->n + 1, activity_json(p->req, v));
}

/* Where the caller looks: a manager their scope (or ?unit= in it), others their area. */
static int list_area_or_reply(struct req *req, struct db_conn *c, struct area *ar)
{
	const char *unit = req_query(req, "unit");
	struct scope sc;

	if (activity_is_manager(req)) {
		if (scope_unit_or_reply(req, c, unit, &sc))
			return -1;
		area_of_scope(&sc, ar);
		return 0;
	}
	area_of(req_auth(req)->unit_path, ar);
	if (unit) {
		/* narrowing to a unit inside the community */
		if (scope_area_or_reply(req, c, unit, &sc))
			return -1;
		area_of_scope(&sc, ar);
	}
	return 0;
}

static void list_activities(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *mine = req_query(req, "mine");
	int64_t from = clock_now(), to = 0;
	struct area ar;
	struct page p;

	if (!c || page_begin_or_reply(req, &p) || bound_or_reply(req, "from", &from) < 0 ||
	    bound_or_reply(req, "to", &to) < 0)
		return;
	if (status && strcmp(status, "published") && strcmp(status, "cancelled")) {
		reply_invalid(req, "status", "published or cancelled");
		return;
	}
	if (mine && strcmp(mine, "1")) {
		reply_invalid(req, "mine", "1");
		return;
	}
	if (list_area_or_reply(req, c, &ar))
		return;
	struct activity_filter f = { .account_id = au->account_id,
				     .resident_id = my_resident(au),
				     .lo = ar.lo,
				     .hi = ar.hi,
				     .up1 = ar.up1,
				     .up2 = ar.up2,
				     .from = from,
				     .to = to,
				     .status = status,
				     .mine = mine != NULL,
				     .limit = p.limit + 1,
				     .offset = p.cursor };
	page_reply(&p, activities_store_list(c, &f, list_row, &p));
}

/* ---- writing ------------------------------------------------------------ */

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
	int rc = 0;

	x->bid = 0;
	if (in->venue_id)
		rc = activity_book_venue(req, c, x->v, in, x->u->id, x->now, &x->bid);
	if (rc == 0)
		rc = activities_store_insert(c, in, x->u->id, x->u->path, x->bid, x->code,
					     req_auth(req)->account_id, x->now, &x->id);
	return audit_write_after(rc, req, c, "activity.create", "activity", x->id,
				 JB_OBJ(jb_int("unit_id", x->u->id), jb_int("booking_id", x->bid)));
}

static void create_activity(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct activity_in in = { .description = "", .place = "", .kind = "unit", .team = "" };
	int64_t now = clock_now();
	struct activity_change x;
	struct unit_ref u;
	struct venue v;
	char code[11];
	int rc;

	if (!c || activity_fields_or_reply(req, 1, &in))
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
	if (unit_in_scope_or_reply(req, c, in.unit_id ? in.unit_id : au->unit_id, &u) ||
	    (in.venue_id && venue_for_or_reply(req, c, &in, &v)))
		return;
	station_public_code(code);
	x = (struct activity_change){
		.req = req, .in = &in, .u = &u, .v = &v, .code = code, .now = now
	};
	rc = db_tx_run(c, create_activity_tx, &x);
	reply_tx_refused(req, rc, ERR_NONE, 201,
			 JB_OBJ(jb_int("id", x.id), jb_str("status", "published"),
				jb_take("booking_id", x.bid ? json_integer(x.bid) : json_null()),
				jb_str("check_in_code", code)));
}

static int reply_cancelled(struct req *req, const char *action)
{
	reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
		       JB_OBJ(jb_str("status", "cancelled"), jb_str("action", action)));
	return DB_EABORT;
}

/*
 * Under the activity's lock: is it still published, and as update_activity
 * read it? The booking to release and the combination checked were read
 * before the lock: another change or a cancel that got there first has made
 * them stale, and going on would leave a booking holding the venue. Ask the
 * caller to read the activity again. 0, DB_EABORT answered, or <0.
 */
static int update_locked(struct req *req, struct db_conn *c, const struct activity *a,
			 int64_t *capacity_now)
{
	struct activity now = { 0 };
	int rc = activities_store_lock(c, a->id, capacity_now);

	if (rc == DB_DONE) /* cancelled while this request was on its way */
		return reply_cancelled(req, "update");
	if (rc == DB_ROW)
		rc = activities_store_plan(c, a->id, &now);
	if (rc == DB_DONE)
		return DB_ERR;
	if (rc == DB_ROW && (now.venue_id != a->venue_id || now.booking_id != a->booking_id ||
			     now.starts_at != a->starts_at || now.ends_at != a->ends_at ||
			     now.opens_at != a->opens_at || now.closes_at != a->closes_at ||
			     now.capacity != a->capacity)) {
		reply_error_ex(req, ERR_CONFLICT,
			       "The activity was changed meanwhile; read it again.",
			       JB_OBJ(jb_str("action", "update")));
		return DB_EABORT;
	}
	return rc < 0 ? rc : 0;
}

/* Tell those signed up of a new time or place. */
static int tell_moved(struct req *req, struct db_conn *c, const struct activity_change *x,
		      const struct activity *a)
{
	const struct activity_in *in = x->in;
	const char *where = *in->place ? in->place : x->rebook ? x->v->name : a->place;
	char b1[32], b2[32];

	return activity_tell_signed_up(c, a, arena_printf(&req->arena, "活动变更：%s", in->title),
				       arena_printf(&req->arena, "现时间 %s—%s，地点 %s",
						    clock_format_shanghai(in->start, b1),
						    clock_format_shanghai(in->end, b2) + 11, where),
				       x->now);
}

static int update_activity_tx(struct db_conn *c, void *ctx)
{
	struct activity_change *x = ctx;
	struct req *req = x->req;
	struct activity_in *in = x->in;
	struct activity a_run = *x->a, *a = &a_run; /* as read: a rerun starts from it again */
	int64_t id = x->id, now = x->now, capacity_now = 0, confirmed = 0, changed = 0;
	int rc = update_locked(req, c, a, &capacity_now);

	x->bid = x->bid_in;
	if (rc == 0)
		rc = signups_store_confirmed(c, id, &confirmed);
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
		rc = activity_book_venue(req, c, x->v, in, a->unit_id, now, &x->bid);
	if (rc == 0)
		rc = activities_store_update(c, id, in, x->bid, now, &changed);
	if (rc == 0 && changed != 1) /* cancelled while this request was on its way */
		return reply_cancelled(req, "update");
	/* the activity as it is now, for the waitlist and the messages */
	a->title = in->title;
	a->starts_at = in->start;
	a->ends_at = in->end;
	a->capacity = in->capacity;
	if (rc == 0 && in->capacity > capacity_now)
		rc = activity_fill(req, c, a, now, NULL);
	if (rc == 0 && (x->moved || in->venue_id != x->old_venue ||
			(activity_given(in, "place") && strcmp(in->place, a->place))))
		rc = tell_moved(req, c, x, a);
	return audit_write_after(rc, req, c, "activity.update", "activity", id,
				 JB_OBJ(jb_ref("fields", x->changed)));
}

/* The fields a PATCH names, as a JSON array of their names (an empty one: none). */
static json_t *fields_given(const struct activity_in *in)
{
	static const char *const fields[] = {
		"title",    "description", "place",	      "organiser_kind",	  "organiser_name",
		"start",    "end",	   "signup_opens_at", "signup_closes_at", "capacity",
		"venue_id", "eligibility"
	};
	json_t *changed = json_array();

	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (activity_given(in, fields[i]))
			json_array_append_new(changed, json_string(fields[i]));
	return changed;
}

/*
 * What is stored, with the fields given on top, into in, checked as a
 * combination; and what the change does to the booking, into x. 0, or -1
 * having answered.
 */
static int update_plan_or_reply(struct req *req, struct db_conn *c, const struct activity *a,
				struct activity_in *in, struct venue *v, struct activity_change *x)
{
	const char *title, *place, *kind, *team;
	int rc;

	if (!in->has_start)
		in->start = a->starts_at;
	if (!in->has_end)
		in->end = a->ends_at;
	if (!in->has_opens)
		in->opens = a->opens_at;
	if (!in->has_closes)
		in->closes = a->closes_at;
	if (!in->has_capacity)
		in->capacity = a->capacity;
	if (!in->has_venue)
		in->venue_id = a->venue_id;
	/* the text fields the check needs: read what is stored */
	rc = activities_store_texts(c, &req->arena, a->id, &title, &place, &kind, &team);
	if (rc != DB_ROW) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	in->title = in->title ? in->title : title;
	in->place = in->place ? in->place : place;
	in->kind = in->kind ? in->kind : kind;
	in->team = in->team ? in->team : team;
	if (!strcmp(in->kind, "unit"))
		in->team = "";
	if (activity_check_or_reply(req, in))
		return -1;
	x->moved = in->start != a->starts_at || in->end != a->ends_at;
	if (in->start != a->starts_at && in->start <= x->now) {
		reply_invalid(req, "start", "in the future");
		return -1;
	}
	x->rebook = in->venue_id &&
		    (in->venue_id != a->venue_id || x->moved || in->capacity != a->capacity);
	x->release = a->booking_id && (in->venue_id != a->venue_id || x->rebook);
	if (x->rebook && venue_for_or_reply(req, c, in, v))
		return -1;
	x->bid_in = x->rebook ? 0 : in->venue_id ? a->booking_id : 0;
	x->old_venue = a->venue_id;
	return 0;
}

static void update_activity(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct activity a;
	struct activity_in in = { 0 };
	struct activity_change x = { .req = req, .in = &in, .a = &a };
	struct venue v;
	int64_t id, now = clock_now();
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    activity_visible_or_reply(req, c, id, &a, NULL) ||
	    activity_fields_or_reply(req, 0, &in))
		return;
	if (activity_given(&in, "unit_id")) {
		reply_invalid(req, "unit_id", "an activity stays with its unit");
		return;
	}
	if (strcmp(a.status, "published") || now >= a.ends_at) {
		reply_error_ex(req, ERR_ACTIVITY_STATE, NULL,
			       JB_OBJ(jb_str("status", a.status), jb_str("action", "update")));
		return;
	}
	x.changed = fields_given(&in);
	if (!json_array_size(x.changed)) {
		json_decref(x.changed);
		reply_invalid(req, "body",
			      "nothing to change: give title, start, end, place, venue_id, "
			      "capacity, the sign-up window, eligibility or the organiser");
		return;
	}
	x.id = id;
	x.now = now;
	x.v = &v;
	if (update_plan_or_reply(req, c, &a, &in, &v, &x)) {
		json_decref(x.changed);
		return;
	}
	rc = db_tx_run(c, update_activity_tx, &x);
	json_decref(x.changed);
	reply_tx_refused(req, rc, ERR_NONE, 200,
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
	int rc = activities_store_cancel(c, id, reason, now, &a->booking_id);

	if (rc == DB_DONE)
		return reply_cancelled(req, "cancel");
	if (rc == DB_ROW)
		rc = activities_store_reread(c, &req->arena, a);
	rc = rc == DB_ROW ? 0 : rc == DB_DONE ? DB_ERR : rc;
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
		rc = signups_store_cancel_all(c, id, "activity_cancelled", now);
	return audit_write_after(rc, req, c, "activity.cancel", "activity", id,
				 JB_OBJ(jb_str("reason", reason)));
}

/* {"reason"}: said to everyone signed up, and kept. */
static void cancel_activity(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *reason;
	struct activity a;
	int64_t id, now = clock_now();
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    body_str_or_reply(req, "reason", BF_REQUIRED, 200, NULL, &reason))
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
	reply_tx_refused(req, rc, ERR_NONE, 200,
			 JB_OBJ(jb_int("id", id), jb_str("status", "cancelled")));
}

const struct route activity_routes[] = {
	{ "POST", "/api/v1/activities", create_activity, R_JSON, "activity:manage", 0 },
	{ "GET", "/api/v1/activities", list_activities, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/activities/:id", get_activity, R_AUTH, NULL, 0 },
	{ "PATCH", "/api/v1/activities/:id", update_activity, R_JSON, "activity:manage", 0 },
	{ "POST", "/api/v1/activities/:id/cancel", cancel_activity, R_JSON, "activity:manage", 0 },
	{ 0 },
};
