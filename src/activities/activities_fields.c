/*
 * activities_fields.c — an activity as a request gives it: reading the
 * fields of POST and PATCH /api/v1/activities, checking them as a
 * combination, and fitting the activity to a venue and booking it.
 *
 * No SQL: the venue is read and booked through venues/venues.h
 * (venue_get, booking_fit_or_reply, booking_create_for_unit), inside the caller's
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
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"
#include "people/people.h"

#include <string.h>

#define ELIGIBILITY_TAGS RESIDENT_TAGS "," RESIDENT_AGE_TAGS

/*
 * The body of POST and PATCH /api/v1/activities, every key the console
 * sends (web/src/console/components/ActivityDialog.vue). Nothing is
 * required here: a new activity requires title, start, end and capacity
 * (activity_fields_or_reply), a change none. Times and the eligibility list
 * are checked below, venue_id null means "no venue", unit_id is for a new
 * activity only.
 */
struct activity_body {
	int64_t unit_id, capacity, venue_id;
	const char *title, *description, *place, *kind, *team;
	const char *start, *end, *opens, *closes;
	json_t *eligibility;
};

static const struct body_field activity_fields[] = {
	BF_ID(struct activity_body, unit_id, "unit_id", BF_OPTIONAL),
	BF_STR(struct activity_body, title, "title", BF_OPTIONAL, 0, 200),
	BF_STR(struct activity_body, description, "description", BF_OPTIONAL, 0, 4000),
	BF_STR(struct activity_body, place, "place", BF_OPTIONAL, 0, 300),
	BF_STR(struct activity_body, kind, "organiser_kind", BF_OPTIONAL, 0, 20),
	BF_STR(struct activity_body, team, "organiser_name", BF_OPTIONAL, 0, 100),
	BF_STR(struct activity_body, start, "start", BF_OPTIONAL, 0, 40),
	BF_STR(struct activity_body, end, "end", BF_OPTIONAL, 0, 40),
	BF_STR(struct activity_body, opens, "signup_opens_at", BF_OPTIONAL, 0, 40),
	BF_STR(struct activity_body, closes, "signup_closes_at", BF_OPTIONAL, 0, 40),
	BF_INT(struct activity_body, capacity, "capacity", BF_OPTIONAL, 1, 10000, 0),
	BF_ID(struct activity_body, venue_id, "venue_id", BF_OPTIONAL),
	BF_JSON(struct activity_body, eligibility, "eligibility", BF_OPTIONAL, -1),
};

int activity_given(const struct activity_in *in, const char *field)
{
	return body_has(&in->seen, activity_fields, field);
}

/* A time field s (NULL: absent, *has untouched) into *out. 0, or -1 having answered. */
static int time_or_reply(struct req *req, const char *field, const char *s, int64_t *out, int *has)
{
	if (!s)
		return 0;
	if (body_time_or_reply(req, field, s, out))
		return -1;
	*has = 1;
	return 0;
}

/* The list of tags v (NULL: absent) as a comma list into *out (NULL when absent). */
static int eligibility_or_reply(struct req *req, json_t *v, const char **out)
{
	char *list = arena_strdup(&req->arena, "");
	json_t *t;
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

/* The text fields given over what in holds; title and organiser_kind not empty. */
static int texts_or_reply(struct req *req, const struct activity_body *b, struct activity_in *in)
{
	if ((b->title && !*b->title) || (b->kind && !*b->kind)) {
		reply_invalid(req, b->title && !*b->title ? "title" : "organiser_kind",
			      "must not be empty");
		return -1;
	}
	if (b->kind && strcmp(b->kind, "unit") && strcmp(b->kind, "volunteer_team")) {
		reply_invalid(req, "organiser_kind", "unit or volunteer_team");
		return -1;
	}
	in->title = b->title ? b->title : in->title;
	in->description = b->description ? b->description : in->description;
	in->place = b->place ? b->place : in->place;
	in->kind = b->kind ? b->kind : in->kind;
	in->team = b->team ? b->team : in->team;
	return 0;
}

int activity_fields_or_reply(struct req *req, int creating, struct activity_in *in)
{
	static const char *const required[] = { "title", "start", "end", "capacity" };
	struct activity_body b;

	if (BODY_READ_OR_REPLY(req, activity_fields, &b, &in->seen))
		return -1;
	for (size_t i = 0; creating && i < sizeof required / sizeof *required; i++) {
		if (!activity_given(in, required[i]) ||
		    body_null(&in->seen, activity_fields, required[i])) {
			reply_invalid(req, required[i], "required");
			return -1;
		}
	}
	if (texts_or_reply(req, &b, in) ||
	    eligibility_or_reply(req, b.eligibility, &in->eligibility) ||
	    time_or_reply(req, "start", b.start, &in->start, &in->has_start) ||
	    time_or_reply(req, "end", b.end, &in->end, &in->has_end) ||
	    time_or_reply(req, "signup_opens_at", b.opens, &in->opens, &in->has_opens) ||
	    time_or_reply(req, "signup_closes_at", b.closes, &in->closes, &in->has_closes))
		return -1;
	in->unit_id = b.unit_id;
	in->has_capacity = b.capacity != 0;
	if (in->has_capacity)
		in->capacity = b.capacity;
	/* venue_id: an id, or null (no venue) */
	in->has_venue = activity_given(in, "venue_id");
	in->venue_id = b.venue_id;
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

	if (req_row_or_reply(req, rc,
			     rc == DB_ROW && v->active &&
				     path_within(v->unit_path, req_auth(req)->unit_path),
			     NULL))
		return -1;
	return booking_fit_or_reply(req, v, in->start, in->end, in->capacity, "capacity");
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
