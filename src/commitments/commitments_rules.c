/*
 * commitments_rules.c — the pure part of term-commitment lists: the fixed
 * categories, the three 销号 actions with the states they start from and
 * leave, the completion percentage, the overdue rule and who may verify.
 * No database, no HTTP; tests/unit/test_commitments.c drives it.
 *
 * Overdue compares YYYY-MM-DD texts, which sort in date order; the store
 * applies the same rule in SQL (due_date < today AND status <> 'done'), so
 * a list and a count agree.
 */
#include "commitments/commitments_int.h"

#include "calendar/calendar.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

const char *const commitment_categories[] = {
	"party_building", "livelihood", "governance", "services",
	"environment",	  "safety",	"other",      NULL,
};

int commitment_category_valid(const char *s)
{
	for (size_t i = 0; s && commitment_categories[i]; i++)
		if (!strcmp(s, commitment_categories[i]))
			return 1;
	return 0;
}

static const struct {
	const char *name, *from, *to;
} actions[CA__COUNT] = {
	[CA_REQUEST_CLOSE] = { "request_close", "in_progress", "verifying" },
	[CA_VERIFY] = { "verify", "verifying", "done" },
	[CA_RETURN] = { "return", "verifying", "in_progress" },
};

int commitment_action_parse(const char *s)
{
	for (int i = 0; s && i < CA__COUNT; i++)
		if (!strcmp(s, actions[i].name))
			return i;
	return -1;
}

const char *commitment_action_name(int action)
{
	return action >= 0 && action < CA__COUNT ? actions[action].name : "?";
}

const char *commitment_action_from(int action)
{
	return action >= 0 && action < CA__COUNT ? actions[action].from : "?";
}

const char *commitment_action_to(int action)
{
	return action >= 0 && action < CA__COUNT ? actions[action].to : "?";
}

int commitment_percent(int64_t done, int64_t items)
{
	if (items <= 0 || done <= 0)
		return 0;
	if (done >= items)
		return 100;
	int p = (int)((done * 200 + items) / (items * 2));
	return p > 99 ? 99 : p;
}

int commitment_overdue(const char *due_date, const char *today, const char *status)
{
	return due_date && today && status && strcmp(status, "done") != 0 &&
	       strcmp(due_date, today) < 0;
}

int commitment_verifier_above(const char *caller_path, const char *item_path)
{
	size_t n = caller_path ? strlen(caller_path) : 0;

	/* a path ends with '/', so "/1/7" never passes for the street "/1/7/" over "/1/74/" */
	return n && caller_path[n - 1] == '/' && item_path && path_within(item_path, caller_path) &&
	       strcmp(item_path, caller_path) != 0;
}

void commitment_today(int64_t now, char out[11])
{
	char buf[CAL_DAY_TEXT];

	snprintf(out, 11, "%s", cal_day_format(cal_day_of(now), buf));
}
