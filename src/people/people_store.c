/*
 * people_store.c — inserting residents with their personal data sealed.
 */
#include "people/people.h"

#include "core/clock.h"
#include "db/store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define RESIDENT_COLS 15

/*
 * Only the birth year and month are stored (a birth date and the ID number's
 * mask would complete the number), so a birthday is taken to be the first
 * of its month: someone born in March 1946 is 80 from 1 March 2026 on.
 */
int resident_age_on(const char *birth_ym, int64_t now)
{
	int y, m;
	time_t t = (time_t)(now + SHANGHAI_OFFSET_S);
	struct tm tm;

	if (!birth_ym || sscanf(birth_ym, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		return -1;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900 - y - (tm.tm_mon + 1 < m ? 1 : 0);
}

void resident_born_by(int64_t now, int years, char out[8])
{
	time_t t = (time_t)(now + SHANGHAI_OFFSET_S);
	struct tm tm;
	int y;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900 - years;
	snprintf(out, 8, "%04u-%02u", (unsigned)(y < 0 ? 0 : y) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u);
}

int resident_tags_get(struct db_conn *c, int64_t resident_id, int64_t now, char *out, size_t n)
{
	struct db_stmt *st;
	int rc = db_prepare(c, "SELECT tags, birth_ym FROM residents WHERE id = ?", &st);

	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, resident_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		const char *tags = db_col_text(st, 0);
		int age = resident_age_on(db_col_text(st, 1), now);
		snprintf(out, n, "%s%s%s", tags ? tags : "",
			 age >= 80 ? (tags && *tags ? ",aged_80_plus" : "aged_80_plus") : "",
			 age >= 0 && age < 14 ? (tags && *tags ? ",child" : "child") : "");
	}
	db_reset(st);
	return rc;
}

/*
 * Insert n residents in one statement (n <= RESIDENT_BATCH). The SQL text
 * depends only on n, so each batch size is prepared once per connection.
 * ids receive the new ids in the order of in[]: both databases return the
 * RETURNING rows of a multi-row VALUES insert in that order.
 */
int resident_insert_many(struct db_conn *c, const struct pii_keys *k, const struct resident_in *in,
			 int n, const char *unit_path, int64_t *ids)
{
	static const char head[] =
		"INSERT INTO residents (household_id, unit_path, name, gender, birth_ym, "
		"phone_enc, "
		"phone_bidx, phone_mask, id_enc, id_bidx, id_mask, tags, is_demo, created_at, "
		"updated_at) VALUES ";
	static const char tuple[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char sql[sizeof head + RESIDENT_BATCH * (sizeof tuple + 2) + 32];
	size_t used;
	int64_t now = clock_now();
	struct db_stmt *st;
	int rc, got = 0;

	if (n < 1 || n > RESIDENT_BATCH)
		return DB_EMISUSE;
	used = (size_t)snprintf(sql, sizeof sql, "%s", head);
	for (int r = 0; r < n; r++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s", r ? ", " : "",
					 tuple);
	snprintf(sql + used, sizeof sql - used, " RETURNING id");
	rc = db_prepare(c, sql, &st);
	if (rc < 0)
		return rc;
	for (int r = 0; r < n; r++) {
		const struct resident_in *x = &in[r];
		unsigned char blob[PII_MAX_BLOB], idx[PII_BIDX_BYTES];
		char mask[24];
		int b = r * RESIDENT_COLS, len;

		db_bind_int64(st, b + 1, x->household_id);
		db_bind_text(st, b + 2, unit_path, -1);
		db_bind_text(st, b + 3, x->name, -1);
		db_bind_int64(st, b + 4, x->gender);
		db_bind_text(st, b + 5, x->birth_ym, -1);
		if (x->phone) {
			len = pii_encrypt(k, PII_PHONE, x->phone, blob);
			pii_blind_index(k, PII_PHONE, x->phone, idx);
			pii_mask(PII_PHONE, x->phone, mask);
			if (len < 0) {
				db_reset(st);
				return -1;
			}
			db_bind_blob(st, b + 6, blob, (size_t)len);
			db_bind_blob(st, b + 7, idx, sizeof idx);
			db_bind_text(st, b + 8, mask, -1);
		} else {
			db_bind_null(st, b + 6);
			db_bind_null(st, b + 7);
			db_bind_null(st, b + 8);
		}
		if (x->id_number) {
			len = pii_encrypt(k, PII_ID_NUMBER, x->id_number, blob);
			pii_blind_index(k, PII_ID_NUMBER, x->id_number, idx);
			pii_mask(PII_ID_NUMBER, x->id_number, mask);
			if (len < 0) {
				db_reset(st);
				return -1;
			}
			db_bind_blob(st, b + 9, blob, (size_t)len);
			db_bind_blob(st, b + 10, idx, sizeof idx);
			db_bind_text(st, b + 11, mask, -1);
		} else {
			db_bind_null(st, b + 9);
			db_bind_null(st, b + 10);
			db_bind_null(st, b + 11);
		}
		db_bind_text(st, b + 12, x->tags ? x->tags : "", -1);
		db_bind_int64(st, b + 13, x->is_demo);
		db_bind_int64(st, b + 14, now);
		db_bind_int64(st, b + 15, now);
	}
	while ((rc = db_step(st)) == DB_ROW)
		if (got < n)
			ids[got++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0)
		return rc;
	return got == n ? 0 : -1;
}

int resident_insert(struct db_conn *c, const struct pii_keys *k, const struct resident_in *in,
		    const char *unit_path, int64_t *id)
{
	return resident_insert_many(c, k, in, 1, unit_path, id);
}
