/*
 * meals_sets.c — meal assistance's pure helpers: the names and bits of the
 * modes and eligibility tags, the day's cut-off, the aged-80 rule and month
 * bounds. No database, no HTTP: tests/unit/test_service.c calls them.
 */
#include "meals/meals_int.h"

#include "people/people.h"

#include <stdio.h>
#include <string.h>

static const char *const mode_names[] = { "dine_in", "meal_delivery", "grocery_delivery" };
static const char *const tag_names[] = { "aged_80_plus", "living_alone", "all_elderly", "disabled",
					 "low_income" };
#define N_MODES 3
#define N_TAGS	5

static unsigned bit_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (!strcmp(names[i], name))
			return 1u << i;
	return 0;
}

unsigned meal_mode_bit(const char *name)
{
	return bit_of(mode_names, N_MODES, name);
}

unsigned meal_tag_bit(const char *name)
{
	return bit_of(tag_names, N_TAGS, name);
}

const char *meal_mode_name(unsigned bit)
{
	for (int i = 0; i < N_MODES; i++)
		if (bit == 1u << i)
			return mode_names[i];
	return "?";
}

static unsigned bits_from_text(const char *const *names, int n, const char *csv)
{
	char buf[256], *tok, *save = NULL;
	unsigned bits = 0;

	snprintf(buf, sizeof buf, "%s", csv ? csv : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		bits |= bit_of(names, n, tok);
	return bits;
}

unsigned meal_modes_from_text(const char *csv)
{
	return bits_from_text(mode_names, N_MODES, csv);
}

unsigned meal_tags_from_text(const char *csv)
{
	return bits_from_text(tag_names, N_TAGS, csv);
}

static void bits_text(const char *const *names, int n, unsigned bits, char out[96])
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (bits & (1u << i))
			used += (size_t)snprintf(out + used, used < 96 ? 96 - used : 0, "%s%s",
						 used ? "," : "", names[i]);
}

void meal_modes_text(unsigned bits, char out[96])
{
	bits_text(mode_names, N_MODES, bits, out);
}

void meal_tags_text(unsigned bits, char out[96])
{
	bits_text(tag_names, N_TAGS, bits, out);
}

static json_t *bits_json(const char *const *names, int n, unsigned bits)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *meal_modes_json(unsigned bits)
{
	return bits_json(mode_names, N_MODES, bits);
}

json_t *meal_tags_json(unsigned bits)
{
	return bits_json(tag_names, N_TAGS, bits);
}

/* ---- days ---------------------------------------------------------------- */

int64_t meal_cutoff_at(const struct meal_point *p, int64_t midnight)
{
	return midnight + (int64_t)p->order_cutoff * 60;
}

/* Aged 80 on day t: born in the same month 80 years earlier or before
 * (people's one age rule; YYYY-MM strings compare in date order). */
void meal_aged_80_born_by(int64_t t, char out[8])
{
	resident_born_by(t, 80, out);
}

int meal_month_bounds(const char *m, char lo[11], char hi[11])
{
	int y, mo;

	if (!m || strlen(m) != 7 || m[4] != '-' || sscanf(m, "%4d-%2d", &y, &mo) != 2 || y < 1900 ||
	    y > 9998 || mo < 1 || mo > 12)
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (m[i] < '0' || m[i] > '9'))
			return -1;
	/* y and mo are bounded above, so each is at most 4 and 2 digits */
	int ny = mo == 12 ? y + 1 : y, nm = mo == 12 ? 1 : mo + 1;
	snprintf(lo, 11, "%04d-%02d-01", y % 10000, mo % 100);
	snprintf(hi, 11, "%04d-%02d-01", ny % 10000, nm % 100);
	return 0;
}
