/*
 * venues_api.c — venues, their opening hours, blackouts and free slots.
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
 * Handlers only: parse, authorise, call venues_store.c, reply. Opening hours
 * are parsed and shown by venues_hours.c. The check-in code (public_code) is shown only to
 * staff: whoever knows it can check in, so it belongs on the QR code at the
 * door, not in the residents' app.
 */
#include "venues/venues.h"
#include "venues/venues_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading venues ----------------------------------------------------- */

static int is_staff(const struct req *req)
{
	return auth_can(req, "venue:write") || auth_can(req, "booking:manage");
}

static json_t *venue_json(struct req *req, const struct venue_view *vv)
{
	const struct venue *v = &vv->v;
	json_t *o;

	o = JB_OBJ(jb_int("id", v->id),
		   jb_take("unit", JB_OBJ(jb_int("id", v->unit_id), jb_str("name", vv->unit_name))),
		   jb_str("name", v->name), jb_str("description", vv->description),
		   jb_str("address", vv->address), jb_int("capacity", v->capacity),
		   jb_int("slot_minutes", v->slot_minutes),
		   jb_take("rules", JB_OBJ(jb_int("min_notice_minutes", v->min_notice_minutes),
					   jb_int("max_days_ahead", v->max_days_ahead),
					   jb_int("max_duration_minutes", v->max_duration_minutes),
					   jb_int("weekly_quota", v->weekly_quota),
					   jb_bool("approval_required", v->approval_required))),
		   jb_bool("active", v->active));
	if (!o)
		return NULL;
	json_object_set_new(o, "opening_hours", week_hours_json(&v->hours));
	if (is_staff(req) && path_within(v->unit_path, req_auth(req)->unit_path))
		json_object_set_new(o, "public_code", json_string(vv->public_code));
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
		if (req_found_or_reply(req, rc))
			return -1;
		snprintf(sc.lo, sizeof sc.lo, "%s", sc.unit.path);
		path_upper(sc.lo, sc.hi, sizeof sc.hi);
	} else if (scope_area_or_reply(req, c, unit, &sc)) {
		return -1;
	}
	snprintf(lo, 256, "%s", sc.lo);
	snprintf(hi, 256, "%s", sc.hi);
	return 0;
}

static int venue_page_row(void *ctx, const struct venue_view *vv)
{
	struct page *p = ctx;

	return page_add(p, vv->v.id, venue_json(p->req, vv));
}

static void list_venues(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char lo[256], hi[256];
	struct page p;

	if (!c || area_or_reply(req, c, lo, hi) || page_begin_or_reply(req, &p))
		return;
	page_reply(&p, venues_store_list(c, lo, hi, p.cursor, is_staff(req), p.limit + 1,
					 venue_page_row, &p));
}

/* Load a venue the caller may see: staff inside their scope, residents any active one,
 * other accounts an active one in their area (path_in_area). 404 otherwise. */
static int venue_visible_or_reply(struct req *req, struct db_conn *c, int64_t id, struct venue *v)
{
	const char *mine = req_auth(req)->unit_path;
	int rc = venue_get(c, id, v);

	return req_row_or_reply(req, rc,
				rc == DB_ROW &&
					(is_staff(req) ? path_within(v->unit_path, mine)
					 : is_resident(req)
						 ? v->active
						 : v->active && path_in_area(v->unit_path, mine)),
				NULL);
}

/* Load a venue inside the caller's own subtree, to change it; 404 otherwise. */
static int venue_managed_or_reply(struct req *req, struct db_conn *c, int64_t id, struct venue *v)
{
	int rc = venue_get(c, id, v);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(v->unit_path, req_auth(req)->unit_path), NULL);
}

static int blackout_row(void *ctx, const struct blackout *b)
{
	char b1[32], b2[32];

	json_array_append_new(ctx, JB_OBJ(jb_int("id", b->id),
					  jb_str("start", clock_format_shanghai(b->starts_at, b1)),
					  jb_str("end", clock_format_shanghai(b->ends_at, b2)),
					  jb_str("reason", b->reason)));
	return 0;
}

static json_t *blackouts_json(struct db_conn *c, int64_t venue_id, int64_t from)
{
	json_t *a = json_array();

	if (venues_store_blackouts(c, venue_id, from, blackout_row, a) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The one venue read, as JSON. */
struct venue_one {
	struct req *req;
	json_t *one;
};

static int venue_one_row(void *ctx, const struct venue_view *vv)
{
	struct venue_one *p = ctx;

	p->one = venue_json(p->req, vv);
	return 0;
}

static void get_venue(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct venue v;
	struct venue_one p = { .req = req };
	json_t *bl;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || venue_visible_or_reply(req, c, id, &v))
		return;
	rc = venues_store_view(c, id, venue_one_row, &p);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	bl = p.one ? blackouts_json(c, id, clock_now()) : NULL;
	if (!p.one || !bl) {
		json_decref(p.one);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(p.one, "blackouts", bl);
	reply_json(req, 200, p.one);
}

/* GET /venues/:id/slots?date=YYYY-MM-DD: every slot of the day's opening hours. */
static void venue_slots(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *date = req_query(req, "date");
	struct venue v;
	int64_t id, day, now = clock_now();
	int64_t taken[86400 / SLOT_CELL_S], bl_from[64], bl_to[64];
	int ntaken = 0, nbl = 0, rc;
	json_t *items;

	if (!c || req_param_id_or_reply(req, "id", &id) || venue_visible_or_reply(req, c, id, &v))
		return;
	if (!date || strlen(date) != 10 || clock_parse_iso(date, &day)) {
		reply_invalid(req, "date", "YYYY-MM-DD");
		return;
	}
	rc = venues_store_taken_cells(c, id, day, day + 86400, taken,
				      (int)(sizeof taken / sizeof *taken), &ntaken);
	if (rc >= 0)
		rc = venues_store_blackout_spans(c, id, day, day + 86400, bl_from, bl_to,
						 (int)(sizeof bl_from / sizeof *bl_from), &nbl);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	items = json_array();
	int d = hours_day_index(day);
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

/*
 * A venue's body. The booking rules come either nested in "rules" or at the top
 * level (both are read, the nested ones last).
 */
struct venue_body {
	struct venue_in in;
	int64_t unit_id;
	json_t *rules;
};

#define RULE_FIELDS(T, P)                                                                          \
	BF_INT(T, P min_notice, "min_notice_minutes", BF_OPTIONAL, 0, 30 * 1440, 0),               \
		BF_INT(T, P max_days, "max_days_ahead", BF_OPTIONAL, 1, 366, 14),                  \
		BF_INT(T, P max_duration, "max_duration_minutes", BF_OPTIONAL, 15, 1440, 240),     \
		BF_INT(T, P quota, "weekly_quota", BF_OPTIONAL, 0, 100, 0),                        \
		BF_BOOL(T, P approval, "approval_required", BF_OPTIONAL, 0)

#define VENUE_FIELDS(name_req, cap_req)                                                            \
	BF_STR(struct venue_body, in.name, "name", name_req, 1, 100),                              \
		BF_STR_DEF(struct venue_body, in.description, "description", 0, 2000, ""),         \
		BF_STR_DEF(struct venue_body, in.address, "address", 0, 300, ""),                  \
		BF_INT(struct venue_body, in.capacity, "capacity", cap_req, 1, 100000, 0),         \
		BF_INT(struct venue_body, in.slot_minutes, "slot_minutes", BF_OPTIONAL, 15, 120,   \
		       30),                                                                        \
		BF_BOOL(struct venue_body, in.active, "active", BF_OPTIONAL, 0),                   \
		BF_JSON(struct venue_body, in.hours, "opening_hours", BF_OPTIONAL, -1),            \
		BF_JSON(struct venue_body, rules, "rules", BF_OPTIONAL, JSON_OBJECT),              \
		RULE_FIELDS(struct venue_body, in.)

static const struct body_field venue_create_fields[] = {
	BF_ID(struct venue_body, unit_id, "unit_id", BF_REQUIRED),
	VENUE_FIELDS(BF_REQUIRED, BF_REQUIRED),
};
static const struct body_field venue_update_fields[] = { VENUE_FIELDS(BF_OPTIONAL, BF_OPTIONAL) };
static const struct body_field venue_rule_fields[] = { RULE_FIELDS(struct venue_in, ) };

/*
 * Read the body into b: creating, with the defaults for what is not sent;
 * updating, over b->in as stored (what is not sent stays). Then check the
 * combination.
 */
static int venue_fields_or_reply(struct req *req, int creating, struct venue_body *b)
{
	struct venue_in *in = &b->in;
	json_t *hours_was = in->hours;
	struct body_seen seen;

	b->rules = NULL;
	if (creating ? BODY_READ_OR_REPLY(req, venue_create_fields, b, &seen)
		     : BODY_UPDATE_OR_REPLY(req, venue_update_fields, b, &seen))
		return -1;
	if (!creating && !body_has(&seen, venue_update_fields, "opening_hours"))
		in->hours = hours_was;
	if (b->rules && body_update_obj_or_reply(
				req, b->rules, "rules", venue_rule_fields,
				sizeof venue_rule_fields / sizeof *venue_rule_fields, in, NULL))
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
	int rc = venues_store_insert(c, x->in, x->unit_id, x->path, x->hours, x->code, x->now,
				     &x->id);

	return audit_write_after(rc, x->req, c, "venue.create", "venue", x->id, NULL);
}

static int update_venue_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	int rc = venues_store_update(c, x->id, x->in, x->hours, clock_now());

	return audit_write_after(rc, x->req, c, "venue.update", "venue", x->id, NULL);
}

static int add_blackout_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	int rc = venues_store_add_blackout(c, x->id, x->from, x->to, x->reason, x->now, &x->bid);

	return audit_write_after(rc, x->req, c, "venue.blackout", "venue", x->id,
				 JB_OBJ(jb_int("blackout_id", x->bid),
					jb_str("reason", x->reason ? x->reason : "")));
}

static int delete_blackout_tx(struct db_conn *c, void *ctx)
{
	struct venue_change *x = ctx;
	int rc = venues_store_delete_blackout(c, x->id, x->bid);

	if (rc == DB_DONE)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "venue.blackout_delete", "venue", x->id,
				 JB_OBJ(jb_int("blackout_id", x->bid)));
}

static void create_venue(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct venue_body b;
	struct venue_in *in = &b.in;
	struct venue_change x;
	int64_t now = clock_now();
	struct unit_ref u;
	char code[11], *hours;
	int rc;

	if (!c || venue_fields_or_reply(req, 1, &b) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	hours = json_dumps(in->hours, JSON_COMPACT);
	station_public_code(code);
	x = (struct venue_change){ .req = req,
				   .in = in,
				   .unit_id = b.unit_id,
				   .now = now,
				   .path = u.path,
				   .code = code,
				   .hours = hours };
	rc = db_tx_run(c, create_venue_tx, &x);
	free(hours);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("name", in->name), jb_str("public_code", code)));
}

static void update_venue(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct venue v;
	struct venue_body b = { 0 };
	struct venue_in *in = &b.in;
	int64_t id;
	char *hours = NULL;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if (venue_managed_or_reply(req, c, id, &v))
		return;
	/* start from what is stored, so the checks see the combination */
	in->capacity = v.capacity;
	in->slot_minutes = v.slot_minutes;
	in->min_notice = v.min_notice_minutes;
	in->max_days = v.max_days_ahead;
	in->max_duration = v.max_duration_minutes;
	in->quota = v.weekly_quota;
	in->approval = v.approval_required;
	in->active = v.active;
	if (venue_fields_or_reply(req, 0, &b))
		return;
	if (!in->hours && in->slot_minutes != v.slot_minutes) {
		/* the stored hours must still fall on the new grid */
		for (int d = 0; d < 7; d++)
			for (int i = 0; i < v.hours.n[d]; i++)
				if (v.hours.open[d][i] % in->slot_minutes ||
				    v.hours.close[d][i] % in->slot_minutes) {
					reply_invalid(req, "slot_minutes",
						      "the opening hours do not fall on this grid");
					return;
				}
	}
	if (in->hours)
		hours = json_dumps(in->hours, JSON_COMPACT);
	rc = db_tx_run(c, update_venue_tx,
		       &(struct venue_change){ .req = req, .in = in, .id = id, .hours = hours });
	free(hours);
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

static void add_blackout(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct blackout_body {
		const char *start, *end, *reason;
	} b;
	static const struct body_field fields[] = {
		BF_STR(struct blackout_body, start, "start", BF_REQUIRED, 1, 40),
		BF_STR(struct blackout_body, end, "end", BF_REQUIRED, 1, 40),
		BF_STR_DEF(struct blackout_body, reason, "reason", 0, 200, ""),
	};
	struct venue_change x;
	int64_t id, from, to, now = clock_now();
	struct venue v;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, fields, &b, NULL))
		return;
	if (clock_parse_iso(b.start, &from)) {
		reply_invalid(req, "start", "ISO 8601 with offset");
		return;
	}
	if (clock_parse_iso(b.end, &to) || to <= from) {
		reply_invalid(req, "end", "ISO 8601 with offset, after start");
		return;
	}
	if (venue_managed_or_reply(req, c, id, &v))
		return;
	x = (struct venue_change){
		.req = req, .id = id, .from = from, .to = to, .reason = b.reason, .now = now
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
	if (venue_managed_or_reply(req, c, id, &v))
		return;
	rc = db_tx_run(c, delete_blackout_tx,
		       &(struct venue_change){ .req = req, .id = id, .bid = bid });
	reply_tx_refused(req, rc, ERR_NOT_FOUND, 200, JB_OBJ(jb_bool("deleted", 1)));
}

/* GET /venues/:id/qr.svg: the check-in code at the door, BASE/v/<public code>. */
static void venue_qr(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char code[64];
	struct venue v;
	int64_t id;

	/* 404 for a venue the caller cannot see, missing or not; 403 for one they can */
	if (!c || req_param_id_or_reply(req, "id", &id) || venue_visible_or_reply(req, c, id, &v))
		return;
	if (!is_staff(req)) {
		reply_error(req, ERR_FORBIDDEN);
		return;
	}
	if (venues_store_public_code(c, id, code, sizeof code) != DB_ROW) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_public_qr(req, "v", code, v.name);
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
