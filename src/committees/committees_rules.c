/*
 * committees_rules.c — the pure rules of joint committees: the names of
 * organisation kinds, need sources, resource kinds and the states of the four
 * lists; which state changes a person may make (the moves a project makes —
 * a need matched, a resource committed — happen only in the project's own
 * transaction); when a responsibility is overdue; a need's wanted kinds; and
 * which organisations a committee may take.
 *
 * Dates are "YYYY-MM-DD" Shanghai days, which compare as text.
 * tests/unit/test_committees.c.
 */
#include "committees/committees_int.h"

#include "org/org.h"

#include <string.h>

static int one_of(const char *s, const char *const *names)
{
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(s, names[i]))
			return 1;
	return 0;
}

int organisation_kind_valid(const char *s)
{
	static const char *const k[] = { "gov",	   "resident_unit", "enterprise", "social_org",
					 "school", "other",	    NULL };
	return one_of(s, k);
}

int need_source_valid(const char *s)
{
	static const char *const k[] = { "resident", "appeal", "hotspot", "visit", NULL };
	return one_of(s, k);
}

int resource_kind_valid(const char *s)
{
	static const char *const k[] = {
		"room", "volunteers", "money", "skills", "equipment", NULL
	};
	return one_of(s, k);
}

static const char *const need_states[] = { "open", "matched", "met", NULL };
static const char *const resource_states[] = { "available", "committed", "used", NULL };
static const char *const project_states[] = { "planned", "running", "done", NULL };
static const char *const duty_states[] = { "open", "done", NULL };

static const char *const *states_of(enum committee_list list)
{
	switch (list) {
	case CL_NEED: return need_states;
	case CL_RESOURCE: return resource_states;
	case CL_PROJECT: return project_states;
	case CL_DUTY: return duty_states;
	}
	return duty_states;
}

int committee_state_valid(enum committee_list list, const char *s)
{
	return one_of(s, states_of(list));
}

/* The moves a state change may make, "from>to" for each list. */
static const char *const need_moves[] = { "open>met", "matched>met", NULL };
static const char *const resource_moves[] = { "available>used", "committed>used", NULL };
static const char *const project_moves[] = { "planned>running", "running>done", NULL };
static const char *const duty_moves[] = { "open>done", NULL };

int committee_move_ok(enum committee_list list, const char *from, const char *to)
{
	const char *const *moves = list == CL_NEED	 ? need_moves
				   : list == CL_RESOURCE ? resource_moves
				   : list == CL_PROJECT	 ? project_moves
							 : duty_moves;
	size_t nf, nt;

	if (!from || !to)
		return 0;
	nf = strlen(from);
	nt = strlen(to);
	for (int i = 0; moves[i]; i++) {
		const char *m = moves[i];
		if (!strncmp(m, from, nf) && m[nf] == '>' && strlen(m + nf + 1) == nt &&
		    !strcmp(m + nf + 1, to))
			return 1;
	}
	return 0;
}

const char *committee_move_targets(enum committee_list list)
{
	switch (list) {
	case CL_NEED: return "met";
	case CL_RESOURCE: return "used";
	case CL_PROJECT: return "running or done";
	case CL_DUTY: return "done";
	}
	return "";
}

int committee_duty_overdue(const char *state, const char *due_date, const char *today)
{
	return state && due_date && today && !strcmp(state, "open") && strcmp(due_date, today) < 0;
}

int committee_wants_text(json_t *arr, char *out, size_t n)
{
	size_t i, used = 0;
	json_t *v;

	out[0] = '\0';
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 5)
		return -1;
	json_array_foreach(arr, i, v)
	{
		const char *k = json_string_value(v);
		size_t len;
		if (!resource_kind_valid(k) || committee_wants_has(out, k))
			return -1;
		len = strlen(k);
		if (used + len + 2 > n)
			return -1;
		if (used)
			out[used++] = ',';
		memcpy(out + used, k, len + 1);
		used += len;
	}
	return 0;
}

int committee_wants_has(const char *wants, const char *kind)
{
	size_t len = kind ? strlen(kind) : 0;
	const char *p = wants;

	if (!wants || !len)
		return 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l == len && !strncmp(p, kind, len))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

int committee_org_usable(const char *org_path, const char *unit_path)
{
	return path_within(org_path, unit_path) || path_within(unit_path, org_path);
}
