/*
 * appeal_flow.c — the states, the actions and which action each state
 * allows, as data; plus small helpers shared by the appeal files.
 *
 *   submitted ─accept→ accepted ─dispatch→ dispatched ─sign→ handling ─resolve→ resolved
 *       └reject→ rejected    ↑ └─return (回退)─┘          │                         │
 *                            └── escalate (上提) ─────────┤            verify passed → closed
 *                                transfer (转办) ─→ dispatched       verify failed → handling
 * (返工) extend / approve_extension (延期)   closed ─rate→ rated one unsatisfied rating → handling
 */
#include "appeals/appeals_int.h"

#include "db/store.h"
#include "org/org.h"

#include "calendar/calendar.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[ST__COUNT] = {
	[ST_SUBMITTED] = "submitted",	[ST_ACCEPTED] = "accepted", [ST_REJECTED] = "rejected",
	[ST_DISPATCHED] = "dispatched", [ST_HANDLING] = "handling", [ST_RESOLVED] = "resolved",
	[ST_CLOSED] = "closed",		[ST_RATED] = "rated",	    [ST_MERGED] = "merged",
};

static const char *const action_names[ACT__COUNT] = {
	[ACT_ACCEPT] = "accept",     [ACT_REJECT] = "reject",
	[ACT_DISPATCH] = "dispatch", [ACT_SIGN] = "sign",
	[ACT_RETURN] = "return",     [ACT_RESOLVE] = "resolve",
	[ACT_ESCALATE] = "escalate", [ACT_TRANSFER] = "transfer",
	[ACT_EXTEND] = "extend",     [ACT_APPROVE_EXTENSION] = "approve_extension",
	[ACT_VERIFY] = "verify",     [ACT_RATE] = "rate",
	[ACT_MERGE] = "merge",	     [ACT_LINK] = "link",
	[ACT_COMMENT] = "comment",
};

#define S(x)	  (1u << (x))
#define OPEN_WORK (S(ST_ACCEPTED) | S(ST_DISPATCHED) | S(ST_HANDLING))

/* For each action, the states it may be taken in. */
static const unsigned allowed[ACT__COUNT] = {
	[ACT_ACCEPT] = S(ST_SUBMITTED),
	[ACT_REJECT] = S(ST_SUBMITTED),
	[ACT_DISPATCH] = S(ST_ACCEPTED),
	[ACT_SIGN] = S(ST_DISPATCHED),
	[ACT_RETURN] = S(ST_DISPATCHED),
	[ACT_RESOLVE] = S(ST_HANDLING),
	[ACT_ESCALATE] = S(ST_SUBMITTED) | OPEN_WORK,
	[ACT_TRANSFER] = S(ST_SUBMITTED) | OPEN_WORK,
	[ACT_EXTEND] = S(ST_DISPATCHED) | S(ST_HANDLING),
	[ACT_APPROVE_EXTENSION] = S(ST_DISPATCHED) | S(ST_HANDLING),
	[ACT_VERIFY] = S(ST_RESOLVED),
	[ACT_RATE] = S(ST_CLOSED),
	[ACT_MERGE] = S(ST_SUBMITTED) | OPEN_WORK,
	[ACT_LINK] = ~S(ST_MERGED) & ((1u << ST__COUNT) - 1),
	[ACT_COMMENT] = (1u << ST__COUNT) - 1,
};

/* names[i], or "?" outside the table of n. */
static const char *name_at(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : "?";
}

/* The index of s (NULL too: -1) in the table of n, or -1. */
static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *appeal_status_name(int st)
{
	return name_at(status_names, ST__COUNT, st);
}

int appeal_status_parse(const char *s)
{
	return name_index(status_names, ST__COUNT, s);
}

const char *appeal_status_open311(int st)
{
	return st == ST_REJECTED || st == ST_CLOSED || st == ST_RATED || st == ST_MERGED ? "closed"
											 : "open";
}

const char *appeal_action_name(int act)
{
	return name_at(action_names, ACT__COUNT, act);
}

int appeal_action_parse(const char *s)
{
	return name_index(action_names, ACT__COUNT, s);
}

int appeal_action_allowed(int act, int st)
{
	if (act < 0 || act >= ACT__COUNT || st < 0 || st >= ST__COUNT)
		return 0;
	return (allowed[act] & S(st)) != 0;
}

char *appeal_search_text(const char *title, const char *description, const char *address)
{
	size_t n = strlen(title) + strlen(description) + strlen(address) + 3;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s\n%s\n%s", title, description, address);
	return s;
}

void appeal_day_text(int64_t epoch_s, char buf[9])
{
	char d[CAL_DAY_TEXT];

	/* "2026-03-06" → "20260306" */
	cal_day_format(cal_day_of(epoch_s), d);
	memcpy(buf, d, 4);
	memcpy(buf + 4, d + 5, 2);
	memcpy(buf + 6, d + 8, 2);
	buf[8] = '\0';
}

/* The ids on a path, appended to ids (deduplicated); returns the new count. */
static int path_ids(const char *path, int64_t *ids, int n, int max)
{
	for (const char *p = path; p && *p == '/' && p[1] && n < max; p = strchr(p + 1, '/')) {
		int64_t id = strtoll(p + 1, NULL, 10);
		int seen = 0;
		for (int i = 0; i < n; i++)
			seen |= ids[i] == id;
		if (id > 0 && !seen)
			ids[n++] = id;
	}
	return n;
}

int appeal_scope_units(const char *unit_path, const char *handler_path,
		       int64_t ids[APPEAL_SCOPE_MAX])
{
	return path_ids(handler_path, ids, path_ids(unit_path, ids, 0, APPEAL_SCOPE_MAX),
			APPEAL_SCOPE_MAX);
}
