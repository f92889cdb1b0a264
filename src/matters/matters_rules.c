/*
 * matters_rules.c — the pure rules of matters (no database):
 *
 * - the names: categories, source kinds, steps and the states they lead to;
 * - the order of 四议两公开: a major matter takes propose, deliberate,
 *   review, decide, publish_resolution, implement, publish_result in that
 *   order, and a step asked early names the first one missing; a non-major
 *   matter starts at decide (propose, deliberate and review do not apply),
 *   may publish its resolution, and is then implemented and its result
 *   published;
 * - which meeting type each meeting step takes;
 * - the major rule (amount, land, facility, or staff) and its reason;
 * - the disclosure period: published at instant T for d days, residents
 *   object through the end of the Shanghai day date(T) + d, and the
 *   resolution is carried out from 00:00 of the day after.
 *
 * tests/unit/test_matters.c holds them.
 */
#include "matters/matters_int.h"

#include "calendar/calendar.h"

#include <string.h>

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static const char *const categories[] = { "spending", "land", "facility", "other" };
static const char *const source_kinds[] = { "resident", "hotspot", "appeals", "staff" };
static const char *const steps[MS__COUNT] = { "propose",       "deliberate",	     "review",
					      "decide",	       "publish_resolution", "implement",
					      "publish_result" };
static const char *const states_after[MS__COUNT] = { "proposed", "deliberated", "reviewed",
						     "decided",	 "disclosing",	"implementing",
						     "done" };
static const char *const major_types[MS__COUNT] = {
	"party_org", "two_committees", "party_members", "residents", NULL, NULL, NULL
};

int matter_category_valid(const char *s)
{
	return name_index(categories, 4, s) >= 0;
}

int matter_source_kind_valid(const char *s)
{
	return name_index(source_kinds, 4, s) >= 0;
}

int matter_step_parse(const char *s)
{
	return name_index(steps, MS__COUNT, s);
}

const char *matter_step_name(int step)
{
	return step >= 0 && step < MS__COUNT ? steps[step] : NULL;
}

const char *matter_state_after(int step)
{
	return step >= 0 && step < MS__COUNT ? states_after[step] : NULL;
}

int matter_state_valid(const char *s)
{
	return s && (!strcmp(s, "new") || name_index(states_after, MS__COUNT, s) >= 0);
}

int matter_step_has_meeting(int step)
{
	return step >= MS_PROPOSE && step <= MS_DECIDE;
}

const char *matter_step_meeting_type(int major, int step)
{
	if (!matter_step_has_meeting(step) || (!major && step == MS_DECIDE))
		return NULL;
	return major_types[step];
}

int matter_meeting_type_fits(int major, int step, const char *type)
{
	if (!type || !matter_step_has_meeting(step))
		return 0;
	if (major || step != MS_DECIDE)
		return !strcmp(type, major_types[step]);
	/* a non-major decision: any meeting but the first three of 四议两公开 */
	return name_index(major_types, MS_DECIDE, type) < 0;
}

/* The step a non-major matter's step needs first, or -1. */
static int minor_needs(int step)
{
	switch (step) {
	case MS_PUBLISH_RESOLUTION:
	case MS_IMPLEMENT: return MS_DECIDE;
	case MS_PUBLISH_RESULT: return MS_IMPLEMENT;
	default: return -1;
	}
}

int matter_step_order(int major, unsigned done, int step, int *missing)
{
	*missing = -1;
	if (step < 0 || step >= MS__COUNT)
		return MO_INVALID;
	if (done & MS_BIT(step))
		return MO_DONE;
	/* a step whose place has passed (a later one is done) cannot be taken */
	for (int s = step + 1; s < MS__COUNT; s++)
		if (done & MS_BIT(s))
			return MO_DONE;
	if (!major) {
		int need = minor_needs(step);
		if (step < MS_DECIDE)
			return MO_NOT_MAJOR;
		if (need >= 0 && !(done & MS_BIT(need))) {
			*missing = need;
			return MO_MISSING;
		}
		return MO_OK;
	}
	for (int s = 0; s < step; s++)
		if (!(done & MS_BIT(s))) {
			*missing = s;
			return MO_MISSING;
		}
	return MO_OK;
}

int matter_next_step(int major, unsigned done)
{
	int last = -1;

	for (int s = 0; s < MS__COUNT; s++)
		if (done & MS_BIT(s))
			last = s;
	if (last == MS_PUBLISH_RESULT)
		return -1;
	if (!major && last < MS_DECIDE)
		return MS_DECIDE;
	if (!major && last == MS_DECIDE)
		return MS_IMPLEMENT; /* publishing the resolution is optional */
	return last + 1;
}

int matter_complete(unsigned done)
{
	return done == (MS_BIT(MS__COUNT) - 1);
}

void matter_settings_default(struct matter_settings *s)
{
	memset(s, 0, sizeof *s);
	s->major_spending_fen = MATTER_MAJOR_SPENDING_DEFAULT;
	s->major_land = 1;
	s->major_facility = 1;
	s->disclosure_days = MATTER_DISCLOSURE_DEFAULT;
}

const char *matter_major_reason(const char *category, int64_t amount_fen,
				const struct matter_settings *s, int forced)
{
	if (amount_fen >= s->major_spending_fen)
		return "amount";
	if (s->major_land && category && !strcmp(category, "land"))
		return "land";
	if (s->major_facility && category && !strcmp(category, "facility"))
		return "facility";
	return forced ? "staff" : NULL;
}

int64_t matter_disclosure_ends_on(int64_t published_at, int days)
{
	return cal_day_of(published_at) + days;
}

int64_t matter_implement_from(int64_t published_at, int days)
{
	return cal_day_start(matter_disclosure_ends_on(published_at, days) + 1);
}

int matter_disclosure_open(int64_t published_at, int days, int64_t now)
{
	return now >= published_at && now < matter_implement_from(published_at, days);
}
