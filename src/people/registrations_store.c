/*
 * registrations_store.c — every SQL statement of residents' self-registration
 * (registrations_api.c): the registrations rows, the places a person picks a
 * grid from, and the two account updates a registration makes.
 *
 * One function per statement, bound parameters only; the writes run inside
 * the caller's db_tx_run() transaction. Reads build the JSON the API answers
 * (people_int.h). The phone is stored sealed (pii.h): only its mask is read.
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

#define REG_MAX_CANDIDATES 20

/* RETURNING id gave no row: an error */
static int returned(int rc)
{
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR);
}

static json_t *time_json(int64_t t)
{
	char buf[32];
	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

/* ---- places --------------------------------------------------------------- */

int reg_store_station_grid(struct db_conn *c, const char *code, int64_t *grid_id)
{
	return db_query_int64(c, grid_id, "SELECT grid_id FROM stations WHERE public_code = ?", "t",
			      code);
}

int reg_store_root_unit(struct db_conn *c, int64_t *id)
{
	return db_query_int64(c, id, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id",
			      "");
}

static int place_row(struct db_stmt *st, void *items)
{
	json_array_append_new(items, JB_OBJ(jb_int("id", db_col_int64(st, 0)),
					    jb_str("name", db_col_text(st, 1)),
					    jb_str("kind", db_col_text(st, 2)),
					    jb_bool("leaf", !strcmp(db_col_text(st, 2), "grid"))));
	return 0;
}

int reg_store_places(struct db_conn *c, int64_t parent, json_t *items)
{
	int rc = db_each(c, place_row, items,
			 "SELECT id, name, kind FROM units WHERE parent_id = ? AND kind <> "
			 "'building' ORDER BY code, id LIMIT 500",
			 "i", parent);

	return rc < 0 ? rc : 0;
}

/* ---- the registration row ---------------------------------------------- */

#define REG_SELECT                                                                                 \
	"SELECT g.id, g.account_id, g.unit_id, u.name, g.name, g.phone_mask, g.address, g.note, "  \
	"g.status, g.resident_id, g.household_id, g.reason, g.created_at, g.decided_at, "          \
	"g.unit_path, h.room, b.name FROM registrations g JOIN units u ON u.id = g.unit_id "       \
	"LEFT JOIN households h ON h.id = g.household_id LEFT JOIN units b ON b.id = "             \
	"h.building_id "

static json_t *id_or_null(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_integer(db_col_int64(st, col));
}

/* {id, room, building} of the household in columns id, room, building; null when none. */
static json_t *household_brief(struct db_stmt *st, int id, int room, int building)
{
	if (db_col_is_null(st, id) || !db_col_text(st, room))
		return json_null();
	return JB_OBJ(jb_int("id", db_col_int64(st, id)), jb_str("room", db_col_text(st, room)),
		      jb_str("building", db_col_text(st, building)));
}

static json_t *reg_json(struct db_stmt *st)
{
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_int("account_id", db_col_int64(st, 1)),
		      jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 2)),
					     jb_str("name", db_col_text(st, 3)))),
		      jb_str("name", db_col_text(st, 4)), jb_str("phone", db_col_text(st, 5)),
		      jb_str("address", db_col_text(st, 6)), jb_str("note", db_col_text(st, 7)),
		      jb_str("status", db_col_text(st, 8)),
		      jb_take("resident_id", id_or_null(st, 9)),
		      jb_take("household_id", id_or_null(st, 10)),
		      jb_take("household", household_brief(st, 10, 15, 16)),
		      jb_str("reason", db_col_text(st, 11)),
		      jb_take("created_at", time_json(db_col_int64(st, 12))),
		      jb_take("decided_at",
			      time_json(db_col_is_null(st, 13) ? 0 : db_col_int64(st, 13))));
}

static int brief_row(struct db_stmt *st, void *out)
{
	*(json_t **)out =
		JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_str("status", db_col_text(st, 1)),
		       jb_str("reason", db_col_text(st, 2)),
		       jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 3)),
					      jb_str("name", db_col_text(st, 4)))),
		       jb_take("household", household_brief(st, 5, 6, 7)));
	return 0;
}

json_t *registration_brief(struct db_conn *c, int64_t account_id)
{
	json_t *out = NULL;
	int rc = db_one(c, brief_row, &out,
			"SELECT g.id, g.status, g.reason, g.unit_id, u.name, g.household_id, "
			"h.room, b.name FROM registrations g JOIN units u ON u.id = g.unit_id "
			"LEFT JOIN households h ON h.id = g.household_id LEFT JOIN units b ON "
			"b.id = h.building_id WHERE g.account_id = ? ORDER BY g.id DESC LIMIT 1",
			"i", account_id);

	return rc == DB_DONE ? json_null() : out;
}

static int candidate_row(struct db_stmt *st, void *out)
{
	json_array_append_new(
		out, JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_str("name", db_col_text(st, 1)),
			    jb_str("phone", db_col_text(st, 2)),
			    jb_int("household_id", db_col_int64(st, 3)),
			    jb_take("household", JB_OBJ(jb_int("id", db_col_int64(st, 3)),
							jb_str("room", db_col_text(st, 4)),
							jb_str("building", db_col_text(st, 5)))),
			    jb_bool("bound", db_col_int64(st, 6) > 0)));
	return 0;
}

/*
 * Residents of the registration's grid whose phone matches its phone's blind
 * index, masked; "bound" tells whether an account holds the record already.
 */
static json_t *candidates(struct db_conn *c, int64_t reg_id, const char *grid_path)
{
	char hi[256];
	json_t *out = json_array();
	int rc;

	path_upper(grid_path, hi, sizeof hi);
	rc = db_each(c, candidate_row, out,
		     "SELECT r.id, r.name, r.phone_mask, r.household_id, h.room, b.name, "
		     "(SELECT COUNT(*) FROM accounts a WHERE a.resident_id = r.id) FROM "
		     "registrations g JOIN residents r ON r.phone_bidx = g.phone_bidx JOIN "
		     "households h ON h.id = r.household_id JOIN units b ON b.id = h.building_id "
		     "WHERE g.id = ? AND r.unit_path >= ? AND r.unit_path < ? ORDER BY r.id "
		     "LIMIT ?",
		     "itti", reg_id, grid_path, hi, (int64_t)REG_MAX_CANDIDATES);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* reg_json plus its candidates (staff views). NULL on a database error. */
static json_t *reg_with_candidates(void *ctx, struct db_stmt *st)
{
	struct db_conn *c = ctx;
	json_t *o = reg_json(st), *cand;
	char path[256];

	snprintf(path, sizeof path, "%s", db_col_text(st, 14));
	/* The statement is still open: candidates() uses another one. */
	cand = candidates(c, db_col_int64(st, 0), path);
	if (!cand) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "candidates", cand);
	return o;
}

static int mine_row(struct db_stmt *st, void *out)
{
	*(json_t **)out = reg_json(st);
	return 0;
}

int reg_store_mine(struct db_conn *c, int64_t account_id, json_t **out)
{
	return db_one(c, mine_row, out,
		      REG_SELECT "WHERE g.account_id = ? ORDER BY g.id DESC LIMIT 1", "i",
		      account_id);
}

int reg_store_list(struct db_conn *c, const char *lo, const char *hi, const char *status,
		   int64_t after, struct page *pg)
{
	struct db_stmt *st;
	int rc = db_select(c, &st,
			   REG_SELECT
			   "WHERE g.unit_path >= ? AND g.unit_path < ? AND g.id > ? AND "
			   "(CAST(? AS TEXT) IS NULL OR g.status = ?) ORDER BY g.id LIMIT ?",
			   "ttitti", lo, hi, after, status, status, pg->limit + 1);

	return rc < 0 ? rc : people_page_rows(st, pg, reg_with_candidates, c);
}

int reg_store_get(struct db_conn *c, int64_t id, const char *scope, json_t **out)
{
	struct db_stmt *st;
	int rc = people_scoped_row(
		c, REG_SELECT "WHERE g.id = ? AND g.unit_path >= ? AND g.unit_path < ?", id, scope,
		&st);

	if (rc != DB_ROW)
		return rc;
	if (!(*out = reg_with_candidates(c, st)))
		rc = DB_ERR;
	db_reset(st);
	return rc;
}

int reg_store_latest_id(struct db_conn *c, int64_t account_id, int64_t *id)
{
	return db_query_int64(c, id,
			      "SELECT id FROM registrations WHERE account_id = ? ORDER BY id DESC "
			      "LIMIT 1",
			      "i", account_id);
}

int reg_store_load(struct db_conn *c, int64_t id, const char *scope, struct pending *p)
{
	struct db_stmt *st;
	size_t n = 0;
	const void *b;
	int rc = people_scoped_row(
		c,
		"SELECT id, account_id, status, name, phone_enc FROM registrations "
		"WHERE id = ? AND unit_path >= ? AND unit_path < ?",
		id, scope, &st);

	if (rc != DB_ROW)
		return rc;
	b = db_col_blob(st, 4, &n);
	p->id = db_col_int64(st, 0);
	p->account_id = db_col_int64(st, 1);
	snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 2));
	snprintf(p->name, sizeof p->name, "%s", db_col_text(st, 3));
	p->phone_len = b && n <= sizeof p->phone_enc ? n : 0;
	if (p->phone_len)
		memcpy(p->phone_enc, b, n);
	db_reset(st);
	return rc;
}

/* ---- writes ---------------------------------------------------------------- */

int reg_store_insert(struct db_conn *c, const struct reg_row *r, int64_t now, int64_t *id)
{
	const struct people_sealed *sp = r->sp;

	return returned(db_query_int64(
		c, id,
		"INSERT INTO registrations (account_id, unit_id, unit_path, name, phone_enc, "
		"phone_bidx, phone_mask, address, note, status, created_at, updated_at) VALUES (?, "
		"?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
		"iittbbtttii", r->account_id, r->unit_id, r->unit_path, r->name, sp->blob,
		(size_t)sp->len, sp->idx, sizeof sp->idx, sp->mask, r->address, r->note, now, now));
}

int reg_store_reapply(struct db_conn *c, int64_t from, const struct reg_row *r, int64_t now,
		      int64_t *id)
{
	return returned(db_query_int64(
		c, id,
		"INSERT INTO registrations (account_id, unit_id, unit_path, name, phone_enc, "
		"phone_bidx, phone_mask, address, note, status, created_at, updated_at) SELECT "
		"account_id, ?, ?, COALESCE(?, name), phone_enc, phone_bidx, phone_mask, ?, ?, "
		"'pending', ?, ? FROM registrations WHERE id = ? RETURNING id",
		"ittttiii", r->unit_id, r->unit_path, r->name, r->address, r->note, now, now,
		from));
}

int reg_store_cancel(struct db_conn *c, int64_t account_id, int64_t now, int64_t *id)
{
	int rc = db_query_int64(c, id,
				"UPDATE registrations SET status = 'cancelled', updated_at = ? "
				"WHERE account_id = ? AND status = 'pending' RETURNING id",
				"ii", now, account_id);

	return rc == DB_ROW ? 0 : rc;
}

/* The changed-row count of a statement that ran: 0 rows is DB_DONE. */
static int changed(struct db_conn *c, int rc)
{
	return rc == 0 && db_changes(c) == 0 ? DB_DONE : rc;
}

int reg_store_confirm(struct db_conn *c, int64_t id, int64_t household_id, int64_t by, int64_t now)
{
	return changed(c, db_run(c,
				 "UPDATE registrations SET status = 'confirmed', household_id = ?, "
				 "decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ? AND "
				 "status = 'pending'",
				 "iiiii", household_id, by, now, now, id));
}

int reg_store_reject(struct db_conn *c, int64_t id, const char *reason, int64_t by, int64_t now)
{
	return changed(c, db_run(c,
				 "UPDATE registrations SET status = 'rejected', reason = ?, "
				 "decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ? AND "
				 "status = 'pending'",
				 "tiiii", reason, by, now, now, id));
}

int reg_store_set_resident(struct db_conn *c, int64_t id, int64_t resident_id)
{
	return db_run(c, "UPDATE registrations SET resident_id = ? WHERE id = ?", "ii", resident_id,
		      id);
}

int reg_store_account_move(struct db_conn *c, int64_t account_id, int64_t grid_id,
			   const char *grid_path, const char *name, int64_t now)
{
	return changed(c, db_run(c,
				 "UPDATE accounts SET unit_id = ?, unit_path = ?, display_name = "
				 "COALESCE(?, display_name), updated_at = ? WHERE id = ? AND "
				 "resident_id IS NULL",
				 "ittii", grid_id, grid_path, name, now, account_id));
}

int reg_store_account_bind(struct db_conn *c, int64_t account_id, int64_t resident_id,
			   int64_t grid_id, const char *grid_path, int64_t now)
{
	return changed(c, db_run(c,
				 "UPDATE accounts SET resident_id = ?, unit_id = ?, unit_path = ?, "
				 "updated_at = ? WHERE id = ? AND resident_id IS NULL",
				 "iitii", resident_id, grid_id, grid_path, now, account_id));
}
