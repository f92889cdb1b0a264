/*
 * people_store.c — inserting residents with their personal data sealed.
 */
#include "people/people.h"

#include "core/clock.h"
#include "db/store.h"

#include <string.h>

int resident_insert(struct db_conn *c, const struct pii_keys *k, const struct resident_in *in,
		    const char *unit_path, int64_t *id)
{
	unsigned char pblob[PII_MAX_BLOB], iblob[PII_MAX_BLOB], pidx[PII_BIDX_BYTES],
		iidx[PII_BIDX_BYTES];
	char pmask[24], imask[24];
	int plen = 0, ilen = 0, rc;
	int64_t now = clock_now();
	struct db_stmt *st;

	if (in->phone) {
		plen = pii_encrypt(k, PII_PHONE, in->phone, pblob);
		pii_blind_index(k, PII_PHONE, in->phone, pidx);
		pii_mask(PII_PHONE, in->phone, pmask);
	}
	if (in->id_number) {
		ilen = pii_encrypt(k, PII_ID_NUMBER, in->id_number, iblob);
		pii_blind_index(k, PII_ID_NUMBER, in->id_number, iidx);
		pii_mask(PII_ID_NUMBER, in->id_number, imask);
	}
	if (plen < 0 || ilen < 0)
		return -1;
	rc = db_prepare(
		c,
		"INSERT INTO residents (household_id, unit_path, name, gender, birth_date, "
		"phone_enc, phone_bidx, phone_mask, id_enc, id_bidx, id_mask, tags, is_demo, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id",
		&st);
	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, in->household_id);
	db_bind_text(st, 2, unit_path, -1);
	db_bind_text(st, 3, in->name, -1);
	db_bind_int64(st, 4, in->gender);
	db_bind_text(st, 5, in->birth_date, -1);
	if (in->phone) {
		db_bind_blob(st, 6, pblob, (size_t)plen);
		db_bind_blob(st, 7, pidx, sizeof pidx);
		db_bind_text(st, 8, pmask, -1);
	}
	if (in->id_number) {
		db_bind_blob(st, 9, iblob, (size_t)ilen);
		db_bind_blob(st, 10, iidx, sizeof iidx);
		db_bind_text(st, 11, imask, -1);
	}
	db_bind_text(st, 12, in->tags ? in->tags : "", -1);
	db_bind_int64(st, 13, in->is_demo);
	db_bind_int64(st, 14, now);
	db_bind_int64(st, 15, now);
	rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		rc = 0;
	}
	db_reset(st);
	return rc == DB_DONE ? -1 : rc;
}
