/*
 * people_store.c — every SQL statement about households, residents, Party
 * members and central households; inserting residents with their personal
 * data sealed; the age rule.
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction (people_api.c adds the audit row in
 * the same one). Reads build each row's JSON as the API answers it
 * (people_int.h). Scoped reads take the caller's unit_path and compute the
 * subtree's upper bound here, so no handler repeats it.
 */
#include "people/people.h"
#include "people/people_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"
#include "org/org.h"

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

const char *resident_age_tag(const char *birth_ym, int64_t now)
{
	int age = resident_age_on(birth_ym, now);

	return age >= 80 ? "aged_80_plus" : age >= 0 && age < 14 ? "child" : NULL;
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

struct tags_read {
	int64_t now;
	char *out;
	size_t n;
};

static int tags_row(struct db_stmt *st, void *p)
{
	struct tags_read *r = p;
	const char *tags = db_col_text(st, 0), *age = resident_age_tag(db_col_text(st, 1), r->now);

	snprintf(r->out, r->n, "%s%s%s", tags ? tags : "", age && tags && *tags ? "," : "",
		 age ? age : "");
	return 0;
}

int resident_tags_get(struct db_conn *c, int64_t resident_id, int64_t now, char *out, size_t n)
{
	struct tags_read r = { now, out, n };

	return db_one(c, tags_row, &r, "SELECT tags, birth_ym FROM residents WHERE id = ?", "i",
		      resident_id);
}

int people_seal(const struct pii_keys *k, int which, const char *plain, struct people_sealed *out)
{
	out->len = pii_encrypt(k, which, plain, out->blob);
	pii_blind_index(k, which, plain, out->idx);
	pii_mask(which, plain, out->mask);
	return out->len < 0 ? -1 : 0;
}

/* Bind plain (NULL: three NULLs) sealed as enc, bidx, mask from column col. 0 or -1. */
static int bind_sealed(struct db_stmt *st, int col, const struct pii_keys *k, int which,
		       const char *plain)
{
	struct people_sealed sp;

	if (!plain) {
		for (int i = 0; i < 3; i++)
			db_bind_null(st, col + i);
		return 0;
	}
	if (people_seal(k, which, plain, &sp) < 0)
		return -1;
	db_bind_blob(st, col, sp.blob, (size_t)sp.len);
	db_bind_blob(st, col + 1, sp.idx, sizeof sp.idx);
	db_bind_text(st, col + 2, sp.mask, -1);
	return 0;
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
	int64_t now = clock_now();
	struct db_stmt *st;
	int rc, got = 0;

	if (n < 1 || n > RESIDENT_BATCH)
		return DB_EMISUSE;
	rc = db_prepare_values(c, head, tuple, n, " RETURNING id", &st);
	if (rc < 0)
		return rc;
	for (int r = 0; r < n; r++) {
		const struct resident_in *x = &in[r];
		int b = r * RESIDENT_COLS;

		db_bind_int64(st, b + 1, x->household_id);
		db_bind_text(st, b + 2, unit_path, -1);
		db_bind_text(st, b + 3, x->name, -1);
		db_bind_int64(st, b + 4, x->gender);
		db_bind_text(st, b + 5, x->birth_ym, -1);
		if (bind_sealed(st, b + 6, k, PII_PHONE, x->phone) < 0 ||
		    bind_sealed(st, b + 9, k, PII_ID_NUMBER, x->id_number) < 0) {
			db_reset(st);
			return -1;
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

/* ---- shared by the stores -------------------------------------------------- */

int people_page_rows(struct db_stmt *st, struct page *pg,
		     json_t *(*row)(void *ctx, struct db_stmt *st), void *ctx)
{
	int rc;

	while ((rc = db_step(st)) == DB_ROW) {
		json_t *o = NULL;

		/* the row past the limit only says there is a next page: no JSON for it */
		if (pg->n < pg->limit && !(o = row(ctx, st))) {
			rc = DB_ERR; /* the row needed another statement, and it failed */
			break;
		}
		page_add(pg, db_col_int64(st, 0), o);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int people_scoped_row(struct db_conn *c, const char *sql, int64_t id, const char *scope,
		      struct db_stmt **st)
{
	char hi[256];
	int rc;

	path_upper(scope, hi, sizeof hi);
	if ((rc = db_select(c, st, sql, "itt", id, scope, hi)) < 0)
		return rc;
	rc = db_step(*st);
	if (rc != DB_ROW)
		db_reset(*st);
	return rc;
}

/* One row of sql (parameters: an id, then the scope's lo and hi) through fn: as db_one(). */
static int scoped_one(struct db_conn *c, const char *sql, int64_t id, const char *scope,
		      db_row_fn fn, void *ctx)
{
	char hi[256];

	path_upper(scope, hi, sizeof hi);
	return db_one(c, fn, ctx, sql, "itt", id, scope, hi);
}

/* One row's JSON into *out, made by row. */
struct json_read {
	json_t *(*row)(void *ctx, struct db_stmt *st);
	json_t **out;
};

static int json_row(struct db_stmt *st, void *p)
{
	const struct json_read *r = p;

	*r->out = r->row(NULL, st);
	return 0;
}

/* A list statement whose parameters are lo, hi, after and the limit. */
static int range_list(struct db_conn *c, const char *sql, const char *lo, const char *hi,
		      int64_t after, struct page *pg, json_t *(*row)(void *ctx, struct db_stmt *st))
{
	struct db_stmt *st;
	int rc = db_select(c, &st, sql, "ttii", lo, hi, after, pg->limit + 1);

	return rc < 0 ? rc : people_page_rows(st, pg, row, NULL);
}

/* RETURNING id gave no row: an error */
static int returned(int rc)
{
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR);
}

/* A resident's account as read. */
struct account {
	int64_t id;
	int disabled;
};

static int account_row(struct db_stmt *st, void *p)
{
	struct account *a = p;

	a->id = db_col_int64(st, 0);
	a->disabled = db_col_int64(st, 1) != 0;
	return 0;
}

int resident_account(struct db_conn *c, int64_t resident_id, int64_t *account_id, int *disabled)
{
	struct account a;
	int rc =
		db_one(c, account_row, &a,
		       "SELECT id, disabled FROM accounts WHERE resident_id = ?", "i", resident_id);

	if (rc == DB_ROW) {
		*account_id = a.id;
		if (disabled)
			*disabled = a.disabled;
	}
	return rc;
}

/* ---- households ------------------------------------------------------------ */

#define HOUSEHOLD_SELECT                                                                           \
	"SELECT h.id, h.building_id, h.room, h.address, "                                          \
	"(SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id) FROM households h "

static json_t *household_json(void *ctx, struct db_stmt *st)
{
	(void)ctx;
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_int("building_id", db_col_int64(st, 1)),
		      jb_str("room", db_col_text(st, 2)), jb_str("address", db_col_text(st, 3)),
		      jb_int("residents", db_col_int64(st, 4)));
}

int people_store_households(struct db_conn *c, const char *lo, const char *hi, int64_t after,
			    struct page *pg)
{
	return range_list(c,
			  HOUSEHOLD_SELECT
			  "WHERE h.unit_path >= ? AND h.unit_path < ? AND h.id > ? "
			  "ORDER BY h.id LIMIT ?",
			  lo, hi, after, pg, household_json);
}

int people_store_household(struct db_conn *c, int64_t id, const char *scope, json_t **out)
{
	struct json_read r = { household_json, out };

	return scoped_one(
		c, HOUSEHOLD_SELECT "WHERE h.id = ? AND h.unit_path >= ? AND h.unit_path < ?", id,
		scope, json_row, &r);
}

struct household_in {
	int64_t *building;
	char *path;
};

static int household_in_row(struct db_stmt *st, void *p)
{
	const struct household_in *r = p;

	if (r->building)
		*r->building = db_col_int64(st, 0);
	snprintf(r->path, 256, "%s", db_col_text(st, 1));
	return 0;
}

int people_store_household_in(struct db_conn *c, int64_t id, const char *scope, int64_t *building,
			      char *path)
{
	struct household_in r = { building, path };

	return scoped_one(c,
			  "SELECT building_id, unit_path FROM households WHERE id = ? AND "
			  "unit_path >= ? AND unit_path < ?",
			  id, scope, household_in_row, &r);
}

int people_store_household_insert(struct db_conn *c, int64_t building_id, const char *path,
				  const char *room, const char *address, int64_t now, int64_t *id)
{
	return returned(db_query_int64(
		c, id,
		"INSERT INTO households (building_id, unit_path, room, address, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		"itttii", building_id, path, room, address ? address : "", now, now));
}

int people_store_household_update(struct db_conn *c, int64_t id, const char *room,
				  const char *address, const char *scope, int64_t now)
{
	char hi[256];
	int rc;

	path_upper(scope, hi, sizeof hi);
	rc = db_run(c,
		    "UPDATE households SET room = COALESCE(?, room), address = COALESCE(?, "
		    "address), updated_at = ? WHERE id = ? AND unit_path >= ? AND unit_path < ?",
		    "ttiitt", room, address, now, id, scope, hi);
	return rc == 0 && db_changes(c) == 0 ? DB_DONE : rc;
}

/* ---- residents ------------------------------------------------------------- */

#define RESIDENT_SELECT                                                                            \
	"SELECT r.id, r.household_id, r.name, r.gender, r.birth_ym, r.phone_mask, r.id_mask, "     \
	"r.tags, r.is_demo, (SELECT COUNT(*) FROM party_members p WHERE p.resident_id = r.id) "    \
	"FROM residents r "

static json_t *resident_json(void *ctx, struct db_stmt *st)
{
	static const char *const genders[] = { "unknown", "male", "female" };
	const char *birth = db_col_text(st, 4), *tags = db_col_text(st, 7);
	int64_t now = clock_now(), g = db_col_int64(st, 3);
	int age = resident_age_on(birth, now);
	const char *age_tag = resident_age_tag(birth, now);
	json_t *tagv = json_array();
	char buf[256], *tok, *save = NULL;

	(void)ctx;
	snprintf(buf, sizeof buf, "%s", tags ? tags : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(tagv, json_string(tok));
	if (age_tag)
		json_array_append_new(tagv, json_string(age_tag));
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)),
		      jb_int("household_id", db_col_int64(st, 1)),
		      jb_str("name", db_col_text(st, 2)),
		      jb_str("gender", genders[g >= 0 && g <= 2 ? g : 0]),
		      jb_str_or_null("birth_ym", birth),
		      jb_take("age", age >= 0 ? json_integer(age) : json_null()),
		      jb_str_or_null("phone", db_col_text(st, 5)),
		      jb_str_or_null("id_number", db_col_text(st, 6)), jb_take("tags", tagv),
		      jb_bool("is_demo", (int)db_col_int64(st, 8)),
		      jb_bool("party_member", db_col_int64(st, 9) > 0));
}

int people_store_residents(struct db_conn *c, const struct resident_filter *f, int64_t after,
			   struct page *pg)
{
	char like_q[256], like_tag[128];
	struct db_stmt *st;
	int rc;

	snprintf(like_q, sizeof like_q, "%%%s%%", f->q ? f->q : "");
	snprintf(like_tag, sizeof like_tag, "%%,%s,%%", f->tag ? f->tag : "");
	rc = db_select(c, &st,
		       RESIDENT_SELECT
		       "WHERE r.unit_path >= ? AND r.unit_path < ? AND r.id > ? "
		       "AND (CAST(? AS TEXT) IS NULL OR r.name LIKE ?) "
		       "AND (? = 0 OR r.phone_bidx = ?) "
		       "AND (CAST(? AS TEXT) IS NULL OR (',' || r.tags || ',') LIKE ?) "
		       "ORDER BY r.id LIMIT ?",
		       "ttittibtti", f->lo, f->hi, after, f->q, f->q ? like_q : NULL,
		       (int64_t)(f->phone != NULL), (const void *)f->phone,
		       (size_t)(f->phone ? PII_BIDX_BYTES : 0), f->tag, f->tag ? like_tag : NULL,
		       pg->limit + 1);
	return rc < 0 ? rc : people_page_rows(st, pg, resident_json, NULL);
}

int people_store_resident(struct db_conn *c, int64_t id, const char *scope, json_t **out)
{
	struct json_read r = { resident_json, out };
	char hi[256];

	path_upper(scope ? scope : "", hi, sizeof hi);
	return db_one(c, json_row, &r,
		      RESIDENT_SELECT
		      "WHERE r.id = ? AND (? = 0 OR (r.unit_path >= ? AND r.unit_path < ?))",
		      "iitt", id, (int64_t)(scope != NULL), scope ? scope : "", hi);
}

static int household_id_row(struct db_stmt *st, void *household)
{
	*(int64_t *)household = db_col_int64(st, 0);
	return 0;
}

int people_store_resident_in(struct db_conn *c, int64_t id, const char *scope, int64_t *household)
{
	return scoped_one(c,
			  "SELECT household_id FROM residents WHERE id = ? AND unit_path >= ? "
			  "AND unit_path < ?",
			  id, scope, household ? household_id_row : NULL, household);
}

struct reveal {
	const struct pii_keys *k;
	char *phone, *idn;
	int *ok;
};

static int reveal_row(struct db_stmt *st, void *p)
{
	const struct reveal *r = p;
	size_t n;
	const void *b;

	if ((b = db_col_blob(st, 0, &n)) && pii_decrypt(r->k, PII_PHONE, b, n, r->phone) < 0)
		*r->ok = 0;
	if ((b = db_col_blob(st, 1, &n)) && pii_decrypt(r->k, PII_ID_NUMBER, b, n, r->idn) < 0)
		*r->ok = 0;
	return 0;
}

int people_store_resident_reveal(struct db_conn *c, const struct pii_keys *k, int64_t id,
				 const char *scope, char phone[PII_MAX_PLAIN + 1],
				 char idn[PII_MAX_PLAIN + 1], int *ok)
{
	struct reveal r = { k, phone, idn, ok };

	phone[0] = idn[0] = '\0';
	*ok = 1;
	return scoped_one(c,
			  "SELECT phone_enc, id_enc FROM residents WHERE id = ? AND "
			  "unit_path >= ? AND unit_path < ?",
			  id, scope, reveal_row, &r);
}

/* One sealed field (which: PII_PHONE or PII_ID_NUMBER) of resident id. */
static int resident_seal(struct db_conn *c, const struct pii_keys *k, int which, const char *plain,
			 int64_t id)
{
	struct people_sealed sp;

	if (people_seal(k, which, plain, &sp) < 0)
		return DB_ERR;
	if (which == PII_PHONE)
		return db_run(c,
			      "UPDATE residents SET phone_enc = ?, phone_bidx = ?, phone_mask = ? "
			      "WHERE id = ?",
			      "bbti", sp.blob, (size_t)sp.len, sp.idx, sizeof sp.idx, sp.mask, id);
	return db_run(c, "UPDATE residents SET id_enc = ?, id_bidx = ?, id_mask = ? WHERE id = ?",
		      "bbti", sp.blob, (size_t)sp.len, sp.idx, sizeof sp.idx, sp.mask, id);
}

int people_store_resident_update(struct db_conn *c, const struct pii_keys *k, int64_t id,
				 const struct resident_in *in, int set_gender, int64_t now)
{
	int rc = db_run(
		c,
		"UPDATE residents SET name = COALESCE(?, name), birth_ym = "
		"COALESCE(?, birth_ym), tags = COALESCE(?, tags), updated_at = ? WHERE id = ?",
		"tttii", in->name, in->birth_ym, in->tags, now, id);

	if (rc == 0 && set_gender)
		rc = db_run(c, "UPDATE residents SET gender = ? WHERE id = ?", "ii",
			    (int64_t)in->gender, id);
	if (rc == 0 && in->phone)
		rc = resident_seal(c, k, PII_PHONE, in->phone, id);
	if (rc == 0 && in->id_number)
		rc = resident_seal(c, k, PII_ID_NUMBER, in->id_number, id);
	return rc;
}

/* ---- Party members and central households ---------------------------------- */

/* range_list() statements: the rows of [lo, hi) with id > after, by id, at most the limit. */
#define PARTY_MEMBER_LIST                                                                          \
	"SELECT p.id, p.resident_id, r.name, p.branch_unit_id, u.name, p.joined_on "               \
	"FROM party_members p JOIN residents r ON r.id = p.resident_id "                           \
	"JOIN units u ON u.id = p.branch_unit_id WHERE p.unit_path >= ? AND "                      \
	"p.unit_path < ? AND p.id > ? ORDER BY p.id LIMIT ?"
#define CENTRAL_HOUSEHOLD_LIST                                                                     \
	"SELECT ch.id, ch.household_id, ch.party_member_id, (SELECT COUNT(*) FROM "                \
	"central_household_links l WHERE l.central_id = ch.id) FROM "                              \
	"central_households ch WHERE ch.unit_path >= ? AND ch.unit_path < ? "                      \
	"AND ch.id > ? ORDER BY ch.id LIMIT ?"

static json_t *party_member_json(void *ctx, struct db_stmt *st)
{
	(void)ctx;
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_int("resident_id", db_col_int64(st, 1)),
		      jb_str("name", db_col_text(st, 2)),
		      jb_int("branch_unit_id", db_col_int64(st, 3)),
		      jb_str("branch_name", db_col_text(st, 4)),
		      jb_str_or_null("joined_on", db_col_text(st, 5)));
}

int people_store_party_members(struct db_conn *c, const char *lo, const char *hi, int64_t after,
			       struct page *pg)
{
	return range_list(c, PARTY_MEMBER_LIST, lo, hi, after, pg, party_member_json);
}

int people_store_party_member_insert(struct db_conn *c, int64_t resident_id, int64_t branch_id,
				     const char *path, const char *joined_on, int64_t now,
				     int64_t *id)
{
	return returned(
		db_query_int64(c, id,
			       "INSERT INTO party_members (resident_id, branch_unit_id, unit_path, "
			       "joined_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
			       "RETURNING id",
			       "iittii", resident_id, branch_id, path, joined_on, now, now));
}

int people_store_party_member_in(struct db_conn *c, int64_t id, const char *scope)
{
	return scoped_one(c,
			  "SELECT id FROM party_members WHERE id = ? AND unit_path >= ? AND "
			  "unit_path < ?",
			  id, scope, NULL, NULL);
}

static json_t *central_household_json(void *ctx, struct db_stmt *st)
{
	(void)ctx;
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)),
		      jb_int("household_id", db_col_int64(st, 1)),
		      jb_int("party_member_id", db_col_int64(st, 2)),
		      jb_int("served_households", db_col_int64(st, 3)));
}

int people_store_central_households(struct db_conn *c, const char *lo, const char *hi,
				    int64_t after, struct page *pg)
{
	return range_list(c, CENTRAL_HOUSEHOLD_LIST, lo, hi, after, pg, central_household_json);
}

int people_store_central_insert(struct db_conn *c, int64_t household_id, int64_t party_member_id,
				const char *path, int64_t now, int64_t *id)
{
	return returned(
		db_query_int64(c, id,
			       "INSERT INTO central_households (household_id, party_member_id, "
			       "unit_path, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			       "iiti", household_id, party_member_id, path, now));
}

int people_store_central_link(struct db_conn *c, int64_t central_id, int64_t household_id)
{
	return db_run(c,
		      "INSERT INTO central_household_links (central_id, household_id) VALUES (?, "
		      "?) ON CONFLICT DO NOTHING",
		      "ii", central_id, household_id);
}

/* ---- under units (org.h) ---------------------------------------------------- */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("households", "unit_path"),
	DB_PATH_MOVED("residents", "unit_path"),
	DB_PATH_MOVED("party_members", "unit_path"),
	DB_PATH_MOVED("central_households", "unit_path"),
	DB_PATH_MOVED("registrations", "unit_path"),
};
static const char *const unit_use_sql[] = {
	DB_COUNT_EQ("households", "building_id"),
	DB_COUNT_EQ("party_members", "branch_unit_id"),
	DB_COUNT_EQ("registrations", "unit_id"),
};

const struct org_unit_hooks people_unit_hooks = { "people", ORG_HOOK_SQL(unit_path_sql),
						  ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
