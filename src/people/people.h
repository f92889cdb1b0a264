/*
 * people.h — households, residents, Party members and Party-member central
 * households (党员中心户). Residents' phone and ID-card numbers are encrypted
 * at rest (pii.h) and masked in every answer; POST /residents/:id/reveal is
 * the one way to read them, for resident:reveal holders, and it is audited.
 */
#ifndef SHUNIU_PEOPLE_PEOPLE_H
#define SHUNIU_PEOPLE_PEOPLE_H

#include <stdint.h>

#include <jansson.h>

#include "http/router.h"
#include "pii/pii.h"

struct db_conn;

/* Tags a resident can carry; the age tags are derived from the birth month. */
#define RESIDENT_TAGS	  "living_alone,all_elderly,disabled,low_income"
#define RESIDENT_AGE_TAGS "aged_80_plus,child" /* 80 or older; under 14 */

/*
 * Age in whole years on now (Shanghai calendar) from the birth year and month
 * ("YYYY-MM"; a birthday counts from the first of its month); -1 without one.
 * The one home of the age rules: everything that asks "aged 80?" comes here.
 */
int resident_age_on(const char *birth_ym, int64_t now);
/* The age tag that holds on now: "aged_80_plus", "child" or NULL (at most one holds). */
const char *resident_age_tag(const char *birth_ym, int64_t now);
/* The latest birth month ("YYYY-MM") of someone aged years or more on now. */
void resident_born_by(int64_t now, int years, char out[8]);
/*
 * A resident's tags as a comma list into out: the stored ones and the age
 * tags as of now. DB_ROW, DB_DONE (no such resident) or <0.
 */
int resident_tags_get(struct db_conn *c, int64_t resident_id, int64_t now, char *out, size_t n);

struct resident_in {
	int64_t household_id;
	const char *name;
	int gender;	       /* 0 unknown, 1 male, 2 female */
	const char *birth_ym;  /* YYYY-MM or NULL: never the day (see pii.h) */
	const char *phone;     /* normalised or NULL */
	const char *id_number; /* normalised or NULL */
	const char *tags;      /* comma list of RESIDENT_TAGS */
	int is_demo;
};

/*
 * Insert a resident (encrypting and indexing phone and ID number); unit_path
 * is the household's. Returns 0 and *id, DB_ECONSTRAINT for a duplicate ID
 * number, or another <0.
 */
int resident_insert(struct db_conn *c, const struct pii_keys *k, const struct resident_in *in,
		    const char *unit_path, int64_t *id);

/* Up to RESIDENT_BATCH residents of one unit_path in one statement (bulk loads). */
#define RESIDENT_BATCH 128
int resident_insert_many(struct db_conn *c, const struct pii_keys *k, const struct resident_in *in,
			 int n, const char *unit_path, int64_t *ids);

/*
 * The account of a resident: accounts.resident_id is unique, so a resident
 * has one at most. DB_ROW with *account_id and *disabled (may be NULL),
 * DB_DONE when none, <0. Everything that asks "whose account is this
 * resident's?" comes here.
 */
int resident_account(struct db_conn *c, int64_t resident_id, int64_t *account_id, int *disabled);

/*
 * The account's latest self-registration as {id, status, reason, unit,
 * household (once confirmed into one)}, JSON
 * null when it has none, NULL on a database error (registrations_store.c).
 */
json_t *registration_brief(struct db_conn *c, int64_t account_id);

/*
 * Count and audit one exact-match look-up by phone or ID number (field names
 * which) for the signed-in account: 0 to go on, -1 having answered 429
 * search.limited past search_limit in EXACT_SEARCH_WINDOW seconds (or 503).
 */
#define EXACT_SEARCH_WINDOW 3600
struct req;
int exact_search_or_reply(struct req *req, struct db_conn *c, const char *field);

struct org_unit_hooks;
/* Households, residents, Party members and registrations under units, for org (cmd_units.c). */
extern const struct org_unit_hooks people_unit_hooks;

extern const struct route people_routes[];
extern const struct route registration_routes[];

#endif
