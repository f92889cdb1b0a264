/*
 * activities_fields.c — an activity as a request gives it: reading the
 * fields of POST and PATCH /api/v1/activities, checking them as a
 * combination, and fitting the activity to a venue and booking it.
 *
 * No SQL: the venue is read and booked through venues/venues.h
 * (venue_get, booking_fit, booking_create_for_unit), inside the caller's
 * transaction for the booking. Every refusal answers the request here, in
 * the same words for a new activity and for a change.
 */
#include "activities/activities.h"
#include "venues/venues.h"

#include "activities/activities_int.h"
#include "core/jbuild.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <string.h>

#define ELIGIBILITY_TAGS RESIDENT_TAGS "," RESIDENT_AGE_TAGS

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
int activity_fields_or_reply(struct req *req, int creating, struct activity_in *in)
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
int activity_check_or_reply(struct req *req, const struct activity_in *in)
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
int venue_for_or_reply(struct req *req, struct db_conn *c, const struct activity_in *in,
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
int activity_book_venue(struct req *req, struct db_conn *c, const struct venue *v,
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
