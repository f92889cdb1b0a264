/*
 * meetings_rules.c — the pure rules of meetings: the codes (types, kinds,
 * states, votes), the quorum and passing arithmetic, when attendance may be
 * recorded, and which roster a meeting's unit uses. No database;
 * tests/unit/test_meetings.c covers it on a hand-made fixture.
 *
 * The arithmetic is integer-only and strict, so "50" means more than half:
 *
 *   quorate  ⇔ present * 100 > quorum_pct * invited
 *   passes   ⇔ quorate ∧ for * 100 > pass_pct * present
 *
 * Abstentions and absentees count as not for. pass_pct 100 lets nothing
 * pass; quorum_pct 0 needs one person present.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "calendar/calendar.h"
#include "org/org.h"

#include <string.h>

static const char *const types[] = {
	"yishi_yiyi",	   "hearing",	"coordination",	  "council",	   "homeland_council",
	"joint_committee", "party_org", "two_committees", "party_members", "residents",
};
static const char *const kinds[] = {
	"building_leader", "party_member", "resident",	   "owner",
	"women",	   "volunteer",	   "organisation", "committee_member",
};
static const char *const votes[] = { "for", "against", "abstain" };

#define N(a) ((int)(sizeof(a) / sizeof *(a)))

static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int meeting_type_valid(const char *s)
{
	return index_of(types, N(types), s) >= 0;
}

const char *meeting_type_at(int i)
{
	return i >= 0 && i < N(types) ? types[i] : NULL;
}

int representative_kind_valid(const char *s)
{
	return index_of(kinds, N(kinds), s) >= 0;
}

const char *representative_kind_at(int i)
{
	return i >= 0 && i < N(kinds) ? kinds[i] : NULL;
}

int meeting_vote_parse(const char *s)
{
	return index_of(votes, N(votes), s);
}

const char *meeting_vote_name(int v)
{
	return v >= 0 && v < N(votes) ? votes[v] : "unknown";
}

int meeting_pct_valid(int64_t pct)
{
	return pct >= 0 && pct <= 100;
}

int meeting_quorate(int64_t invited, int64_t present, int64_t quorum_pct)
{
	if (invited <= 0 || present < 0 || present > invited || !meeting_pct_valid(quorum_pct))
		return 0;
	return present * 100 > quorum_pct * invited;
}

int proposal_passes(const struct meeting_tally *t)
{
	if (!meeting_quorate(t->invited, t->present, t->quorum_pct) ||
	    !meeting_pct_valid(t->pass_pct))
		return 0;
	if (t->votes_for < 0 || t->votes_for + t->against + t->abstain > t->present)
		return 0;
	return t->votes_for * 100 > t->pass_pct * t->present;
}

int meeting_may_record_attendance(int64_t starts_at, int64_t now)
{
	return now >= cal_day_start(cal_day_of(starts_at));
}

int meeting_unit_kind_ok(int kind)
{
	return kind == UNIT_STREET || kind == UNIT_COMMUNITY || kind == UNIT_GRID;
}

int64_t meeting_roster_unit(const char *unit_path)
{
	int64_t community = org_path_id(unit_path, 2);

	return community ? community : org_path_id(unit_path, 1);
}
