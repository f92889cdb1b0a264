/*
 * committees_store.c — the SQL of the organisation register and of the
 * committees themselves (communities, members, counts); the four lists are
 * in lists_store.c. Bound parameters only; every writer runs in its
 * caller's transaction.
 *
 * Visibility is a path test: an organisation is visible from [lo, hi) when
 * its keeping unit lies inside, or when the viewer's own path lies under the
 * keeping unit; a committee when its unit or one of its communities lies
 * inside.
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

#include "core/clock.h"
#include "db/store.h"
#include "org/org.h"
#include "pii/pii.h"

#include <stdio.h>
#include <string.h>

static struct db_arg id_or_null(int64_t id)
{
	return id ? DB_ARG_I(id) : DB_ARG_T(NULL);
}

/* ---- organisations --------------------------------------------------------- */

#define ORG_SELECT                                                                                 \
	"SELECT o.id, o.unit_id, o.created_at, o.updated_at, o.name, o.kind, u.name, u.kind, "     \
	"o.unit_path, o.contact_person, o.phone_mask, o.address, o.note FROM organisations o "     \
	"JOIN units u ON u.id = o.unit_id "

static void org_from_row(struct db_stmt *st, struct org_view *v)
{
	*v = (struct org_view){
		.id = db_col_int64(st, 0),
		.unit_id = db_col_int64(st, 1),
		.created_at = db_col_int64(st, 2),
		.updated_at = db_col_int64(st, 3),
		.name = db_col_text(st, 4),
		.kind = db_col_text(st, 5),
		.unit_name = db_col_text(st, 6),
		.unit_kind = db_col_text(st, 7),
		.unit_path = db_col_text(st, 8),
		.contact_person = db_col_text(st, 9),
		.phone_mask = db_col_text(st, 10),
		.address = db_col_text(st, 11),
		.note = db_col_text(st, 12),
	};
}
DB_VIEW_ROWS(org_row, struct org_view, org_view_fn, org_from_row)

int cstore_org_view(struct db_conn *c, int64_t id, org_view_fn fn, void *ctx)
{
	struct org_row_call r = { fn, ctx };

	return db_one(c, org_row, &r, ORG_SELECT "WHERE o.id = ?", "i", id);
}

int cstore_org_list(struct db_conn *c, const struct org_filter *f, org_view_fn fn, void *ctx)
{
	struct org_row_call r = { fn, ctx };
	const struct db_arg args[] = {
		DB_ARG_T(f->lo),      DB_ARG_T(f->hi),	    DB_ARG_T(f->viewer),
		DB_ARG_T(f->at_path), DB_ARG_T(f->at_path), DB_ARG_T(f->at_hi),
		DB_ARG_T(f->at_path), DB_ARG_T(f->kind),    DB_ARG_T(f->kind),
		DB_ARG_T(f->q),	      DB_ARG_T(f->q),	    DB_ARG_I(f->before),
		DB_ARG_I(f->limit),
	};
	int rc = db_each_args(
		c, org_row, &r,
		ORG_SELECT "WHERE ((o.unit_path >= ? AND o.unit_path < ?) OR "
			   "SUBSTR(?, 1, LENGTH(o.unit_path)) = o.unit_path) "
			   "AND (CAST(? AS TEXT) IS NULL OR (o.unit_path >= ? AND o.unit_path < ?) "
			   "OR SUBSTR(?, 1, LENGTH(o.unit_path)) = o.unit_path) "
			   "AND (CAST(? AS TEXT) IS NULL OR o.kind = ?) "
			   "AND (CAST(? AS TEXT) IS NULL OR o.name LIKE '%' || ? || '%') "
			   "AND o.id < ? ORDER BY o.id DESC LIMIT ?",
		args, DB_ARGS_N(args));
	return rc < 0 ? rc : 0;
}

int organisation_create(struct db_conn *c, const struct pii_keys *k,
			const struct organisation_in *in, int64_t *id)
{
	unsigned char blob[PII_MAX_BLOB];
	char mask[24] = "";
	struct unit_ref u;
	int64_t now = clock_now();
	int blen = 0, rc;

	if (!organisation_kind_valid(in->kind) || (in->phone && !k))
		return DB_EMISUSE;
	rc = unit_get(c, in->unit_id, &u);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	if (in->phone) {
		blen = pii_encrypt(k, PII_PHONE, in->phone, blob);
		if (blen < 0)
			return DB_ERR;
		pii_mask(PII_PHONE, in->phone, mask);
	}
	const struct db_arg args[] = {
		DB_ARG_I(u.id),
		DB_ARG_T(u.path),
		DB_ARG_T(in->name),
		DB_ARG_T(in->kind),
		DB_ARG_T(in->contact_person ? in->contact_person : ""),
		DB_ARG_T(in->phone ? mask : NULL),
		DB_ARG_T(in->address ? in->address : ""),
		DB_ARG_T(in->note ? in->note : ""),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	rc = db_query_int64_args(c, id,
				 "INSERT INTO organisations (unit_id, unit_path, name, kind, "
				 "contact_person, phone_mask, address, note, created_by, "
				 "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				 "RETURNING id",
				 args, DB_ARGS_N(args));
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	if (!in->phone)
		return 0;
	return db_run(c, "UPDATE organisations SET phone_enc = ? WHERE id = ?", "bi", blob,
		      (size_t)blen, *id);
}

int cstore_org_update(struct db_conn *c, int64_t id, const struct org_edit *e, int64_t now)
{
	int rc = db_run(c,
			"UPDATE organisations SET name = ?, kind = ?, contact_person = ?, "
			"address = ?, note = ?, updated_at = ? WHERE id = ?",
			"tttttii", e->name, e->kind, e->contact_person, e->address, e->note, now,
			id);
	if (rc < 0 || e->keep_phone)
		return rc;
	if (!e->phone_enc)
		return db_run(c,
			      "UPDATE organisations SET phone_enc = NULL, phone_mask = NULL WHERE "
			      "id = ?",
			      "i", id);
	return db_run(c, "UPDATE organisations SET phone_enc = ?, phone_mask = ? WHERE id = ?",
		      "bti", e->phone_enc, e->phone_n, e->phone_mask, id);
}

struct blob_out {
	unsigned char *blob;
	size_t max, *n;
};

static int phone_row(struct db_stmt *st, void *p)
{
	struct blob_out *o = p;
	size_t n = 0;
	const void *b = db_col_blob(st, 0, &n);

	*o->n = 0;
	if (b && n <= o->max) {
		memcpy(o->blob, b, n);
		*o->n = n;
	}
	return 0;
}

int cstore_org_phone(struct db_conn *c, int64_t id, unsigned char *blob, size_t max, size_t *n)
{
	struct blob_out o = { blob, max, n };

	*n = 0;
	return db_one(c, phone_row, &o, "SELECT phone_enc FROM organisations WHERE id = ?", "i",
		      id);
}

struct org_committee_call {
	org_committee_fn fn;
	void *ctx;
};

static int org_committee_row(struct db_stmt *st, void *p)
{
	struct org_committee_call *k = p;
	int rc = k->fn(k->ctx, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2));

	return rc < 0 ? rc : 0;
}

#define JC_VISIBLE                                                                                 \
	"((j.unit_path >= ? AND j.unit_path < ?) OR EXISTS (SELECT 1 FROM "                        \
	"committee_communities cc WHERE cc.committee_id = j.id AND cc.unit_path >= ? AND "         \
	"cc.unit_path < ?))"

int cstore_org_committees(struct db_conn *c, int64_t org_id, const char *lo, const char *hi,
			  org_committee_fn fn, void *ctx)
{
	struct org_committee_call k = { fn, ctx };
	int rc = db_each(c, org_committee_row, &k,
			 "SELECT j.id, j.name, m.role FROM committee_members m JOIN "
			 "joint_committees j ON j.id = m.committee_id WHERE m.organisation_id = ? "
			 "AND " JC_VISIBLE " ORDER BY j.id",
			 "itttt", org_id, lo, hi, lo, hi);
	return rc < 0 ? rc : 0;
}

/* ---- committees ------------------------------------------------------------ */

#define JC_SELECT                                                                                  \
	"SELECT j.id, j.unit_id, j.created_at, j.updated_at, j.name, j.secretary, j.note, "        \
	"u.name, u.kind, j.unit_path FROM joint_committees j JOIN units u ON u.id = j.unit_id "

static void jc_from_row(struct db_stmt *st, struct jc_view *v)
{
	*v = (struct jc_view){
		.id = db_col_int64(st, 0),
		.unit_id = db_col_int64(st, 1),
		.created_at = db_col_int64(st, 2),
		.updated_at = db_col_int64(st, 3),
		.name = db_col_text(st, 4),
		.secretary = db_col_text(st, 5),
		.note = db_col_text(st, 6),
		.unit_name = db_col_text(st, 7),
		.unit_kind = db_col_text(st, 8),
		.unit_path = db_col_text(st, 9),
	};
}
DB_VIEW_ROWS(jc_row, struct jc_view, jc_view_fn, jc_from_row)

int cstore_jc_view(struct db_conn *c, int64_t id, jc_view_fn fn, void *ctx)
{
	struct jc_row_call r = { fn, ctx };

	return db_one(c, jc_row, &r, JC_SELECT "WHERE j.id = ?", "i", id);
}

int cstore_jc_list(struct db_conn *c, const char *lo, const char *hi, int64_t before, int64_t limit,
		   jc_view_fn fn, void *ctx)
{
	struct jc_row_call r = { fn, ctx };
	int rc = db_each(c, jc_row, &r,
			 JC_SELECT "WHERE " JC_VISIBLE " AND j.id < ? ORDER BY j.id DESC LIMIT ?",
			 "ttttii", lo, hi, lo, hi, before, limit);
	return rc < 0 ? rc : 0;
}

struct community_call {
	jc_community_fn fn;
	void *ctx;
};

static int community_row(struct db_stmt *st, void *p)
{
	struct community_call *k = p;
	int rc = k->fn(k->ctx, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2));

	return rc < 0 ? rc : 0;
}

int cstore_jc_communities(struct db_conn *c, int64_t id, jc_community_fn fn, void *ctx)
{
	struct community_call k = { fn, ctx };
	int rc = db_each(c, community_row, &k,
			 "SELECT u.id, u.name, u.path FROM committee_communities cc JOIN units u "
			 "ON u.id = cc.community_id WHERE cc.committee_id = ? ORDER BY u.id",
			 "i", id);
	return rc < 0 ? rc : 0;
}

static void member_from_row(struct db_stmt *st, struct member_view *m)
{
	*m = (struct member_view){
		.org_id = db_col_int64(st, 0),
		.joined_at = db_col_int64(st, 1),
		.role = db_col_text(st, 2),
		.name = db_col_text(st, 3),
		.kind = db_col_text(st, 4),
		.contact_person = db_col_text(st, 5),
		.phone_mask = db_col_text(st, 6),
		.unit_path = db_col_text(st, 7),
	};
}
DB_VIEW_ROWS(member_row, struct member_view, member_fn, member_from_row)

int cstore_jc_members(struct db_conn *c, int64_t id, member_fn fn, void *ctx)
{
	struct member_row_call k = { fn, ctx };
	int rc = db_each(
		c, member_row, &k,
		"SELECT o.id, m.joined_at, m.role, o.name, o.kind, o.contact_person, "
		"o.phone_mask, o.unit_path FROM committee_members m JOIN organisations o "
		"ON o.id = m.organisation_id WHERE m.committee_id = ? ORDER BY o.name, o.id",
		"i", id);
	return rc < 0 ? rc : 0;
}

int cstore_jc_is_member(struct db_conn *c, int64_t id, int64_t org_id)
{
	return db_one(c, NULL, NULL,
		      "SELECT 1 FROM committee_members WHERE committee_id = ? AND "
		      "organisation_id = ?",
		      "ii", id, org_id);
}

int cstore_jc_member_uses(struct db_conn *c, int64_t id, int64_t org_id, int64_t *n)
{
	return db_query_int64(c, n,
			      "SELECT (SELECT COUNT(*) FROM committee_resources WHERE "
			      "committee_id = ? AND organisation_id = ?) + (SELECT COUNT(*) FROM "
			      "committee_responsibilities WHERE committee_id = ? AND "
			      "organisation_id = ?)",
			      "iiii", id, org_id, id, org_id);
}

int cstore_jc_member_delete(struct db_conn *c, int64_t id, int64_t org_id)
{
	return db_run(
		c, "DELETE FROM committee_members WHERE committee_id = ? AND organisation_id = ?",
		"ii", id, org_id);
}

int cstore_jc_update(struct db_conn *c, int64_t id, const char *name, const char *secretary,
		     const char *note, int64_t now)
{
	return db_run(c,
		      "UPDATE joint_committees SET name = ?, secretary = ?, note = ?, updated_at = "
		      "? WHERE id = ?",
		      "tttii", name, secretary, note, now, id);
}

static int counts_row(struct db_stmt *st, void *p)
{
	struct jc_counts *o = p;
	const char *what = db_col_text(st, 0), *state = db_col_text(st, 1);
	int64_t n = db_col_int64(st, 2);
	static const char *const lists[] = { "n", "r", "p", "d" };
	static const char *const states[4][3] = { { "open", "matched", "met" },
						  { "available", "committed", "used" },
						  { "planned", "running", "done" },
						  { "open", "done", "" } };
	int64_t *dst[4] = { o->needs, o->resources, o->projects, o->duties };

	if (!what || !state)
		return 0;
	if (!strcmp(what, "o")) {
		o->overdue = n;
		return 0;
	}
	if (!strcmp(what, "m")) {
		o->members = n;
		return 0;
	}
	for (int l = 0; l < 4; l++)
		for (int s = 0; strcmp(what, lists[l]) == 0 && s < 3; s++)
			if (states[l][s][0] && !strcmp(state, states[l][s]))
				dst[l][s] = n;
	return 0;
}

int cstore_jc_counts(struct db_conn *c, int64_t id, const char *today, struct jc_counts *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = db_each(c, counts_row, out,
		     "SELECT 'n', state, COUNT(*) FROM committee_needs WHERE committee_id = ? "
		     "GROUP BY state UNION ALL SELECT 'r', state, COUNT(*) FROM "
		     "committee_resources WHERE committee_id = ? GROUP BY state UNION ALL "
		     "SELECT 'p', state, COUNT(*) FROM committee_projects WHERE committee_id = ? "
		     "GROUP BY state UNION ALL SELECT 'd', state, COUNT(*) FROM "
		     "committee_responsibilities WHERE committee_id = ? GROUP BY state UNION ALL "
		     "SELECT 'o', 'open', COUNT(*) FROM committee_responsibilities WHERE "
		     "committee_id = ? AND state = 'open' AND due_date < ? UNION ALL SELECT 'm', "
		     "'all', COUNT(*) FROM committee_members WHERE committee_id = ?",
		     "iiiiiti", id, id, id, id, id, today, id);
	return rc < 0 ? rc : 0;
}

/* ---- writing a committee ------------------------------------------------------ */

int committee_create(struct db_conn *c, const struct committee_in *in, int64_t *id)
{
	struct unit_ref u;
	int64_t now = clock_now();
	int rc = unit_get(c, in->unit_id, &u);

	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	const struct db_arg args[] = {
		DB_ARG_I(u.id),
		DB_ARG_T(u.path),
		DB_ARG_T(in->name),
		DB_ARG_T(in->secretary ? in->secretary : ""),
		DB_ARG_T(in->note ? in->note : ""),
		id_or_null(in->created_by),
		DB_ARG_I(now),
		DB_ARG_I(now),
	};
	rc = db_query_int64_args(
		c, id,
		"INSERT INTO joint_committees (unit_id, unit_path, name, secretary, "
		"note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
		"?, ?) RETURNING id",
		args, DB_ARGS_N(args));
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	rc = 0;
	for (int i = 0; rc == 0 && i < in->n_communities; i++) {
		struct unit_ref cu;
		rc = unit_get(c, in->community_ids[i], &cu);
		if (rc != DB_ROW || cu.kind != UNIT_COMMUNITY || !path_within(cu.path, u.path))
			return rc < 0 ? rc : DB_EMISUSE;
		rc = db_run(c,
			    "INSERT INTO committee_communities (committee_id, community_id, "
			    "unit_path) VALUES (?, ?, ?)",
			    "iit", *id, cu.id, cu.path);
	}
	return rc;
}

int committee_member_put(struct db_conn *c, int64_t committee_id, int64_t organisation_id,
			 const char *role, int64_t now)
{
	return db_run(c,
		      "INSERT INTO committee_members (committee_id, organisation_id, role, "
		      "joined_at) VALUES (?, ?, ?, ?) ON CONFLICT (committee_id, organisation_id) "
		      "DO UPDATE SET role = excluded.role",
		      "iiti", committee_id, organisation_id, role, now);
}

/* ---- under units ------------------------------------------------------------ */

static const char *const unit_path_sql[] = {
	DB_PATH_MOVED("organisations", "unit_path"),
	DB_PATH_MOVED("joint_committees", "unit_path"),
	DB_PATH_MOVED("committee_communities", "unit_path"),
	DB_PATH_MOVED("committee_needs", "community_path"),
};
static const char *const unit_use_sql[] = {
	DB_COUNT_EQ("organisations", "unit_id"),
	DB_COUNT_EQ("joint_committees", "unit_id"),
	DB_COUNT_EQ("committee_communities", "community_id"),
	DB_COUNT_EQ("committee_needs", "community_id"),
};

const struct org_unit_hooks committees_unit_hooks = { "committees", ORG_HOOK_SQL(unit_path_sql),
						      ORG_HOOK_SQL(unit_use_sql), NULL, NULL };
