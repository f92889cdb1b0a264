/*
 * project_rules.c — the pure rules of projects: the names of states, types
 * and actions, which action moves which state where, who may approve, which
 * years a project may have, and where its sources must lie. No database;
 * tests/unit/test_projects.c covers it.
 *
 * The state machine is one table: for each action, the states it is taken
 * from and the state it leaves. Progress and milestones do not move the
 * state (a milestone may be ticked once the project is approved, progress
 * only while it is in progress). Cancelling is possible until the project is
 * completed; completed and cancelled are final.
 */
#include "projects/projects_int.h"

#include "calendar/calendar.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	[PROJECT_PROPOSED] = "proposed",       [PROJECT_APPROVED] = "approved",
	[PROJECT_IN_PROGRESS] = "in_progress", [PROJECT_COMPLETED] = "completed",
	[PROJECT_CANCELLED] = "cancelled",
};
#define N_STATES ((int)(sizeof state_names / sizeof *state_names))

const char *project_state_name(int st)
{
	return st >= 0 && st < N_STATES ? state_names[st] : "unknown";
}

int project_state_parse(const char *s)
{
	for (int i = 0; s && i < N_STATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

static const char *const types[] = {
	"dispute_mediation",	"meal_delivery", "environment", "epidemic_prevention",
	"illegal_construction", "micro",	 "other",
};

int project_type_valid(const char *s)
{
	for (size_t i = 0; s && i < sizeof types / sizeof *types; i++)
		if (!strcmp(s, types[i]))
			return 1;
	return 0;
}

/* Bit of a state in a set of states. */
#define S(st) (1u << (st))

static const struct {
	const char *name, *event;
	unsigned from; /* the states it is taken in */
	int to;	       /* -1: the state stays */
} actions[PA__COUNT] = {
	[PA_APPROVE] = { "approve", "approved", S(PROJECT_PROPOSED), PROJECT_APPROVED },
	[PA_START] = { "start", "started", S(PROJECT_APPROVED), PROJECT_IN_PROGRESS },
	[PA_PROGRESS] = { "progress", "progress", S(PROJECT_IN_PROGRESS), -1 },
	[PA_MILESTONE_DONE] = { "milestone_done", "milestone_done",
				S(PROJECT_APPROVED) | S(PROJECT_IN_PROGRESS), -1 },
	[PA_COMPLETE] = { "complete", "completed", S(PROJECT_IN_PROGRESS), PROJECT_COMPLETED },
	[PA_CANCEL] = { "cancel", "cancelled",
			S(PROJECT_PROPOSED) | S(PROJECT_APPROVED) | S(PROJECT_IN_PROGRESS),
			PROJECT_CANCELLED },
};

int project_action_parse(const char *s)
{
	for (int i = 0; s && i < PA__COUNT; i++)
		if (!strcmp(s, actions[i].name))
			return i;
	return -1;
}

const char *project_action_name(int act)
{
	return act >= 0 && act < PA__COUNT ? actions[act].name : "unknown";
}

const char *project_action_event(int act)
{
	return act >= 0 && act < PA__COUNT ? actions[act].event : "unknown";
}

int project_action_target(int act, int st)
{
	if (act < 0 || act >= PA__COUNT || st < 0 || st >= N_STATES || !(actions[act].from & S(st)))
		return -1;
	return actions[act].to < 0 ? st : actions[act].to;
}

/* The depth of a materialised path: "/1/" 0, "/1/7/" 1 …; -1 when malformed. */
static int path_depth(const char *path)
{
	int slashes = 0;

	if (!path || path[0] != '/')
		return -1;
	for (const char *p = path; *p; p++)
		slashes += *p == '/';
	return slashes - 2;
}

int project_may_approve(const char *account_path, const char *project_path)
{
	int d = path_depth(account_path);

	return d >= 0 && d <= 1 && path_depth(project_path) > d &&
	       path_within(project_path, account_path);
}

int project_year_ok(int year, int64_t now)
{
	int y = cal_year_of(now);

	return year >= y - 5 && year <= y + 1;
}

int project_source_root(const char *project_path, char *out, size_t n)
{
	int d = path_depth(project_path);

	if (d < 1)
		return -1;
	if (d == 1) {
		if ((size_t)snprintf(out, n, "%s", project_path) >= n)
			return -1;
		return 0;
	}
	return org_path_ancestor(project_path, 2, out, n) ? 0 : -1;
}
