/*
 * stations_store.c — the SQL of the Pioneer Hub service stations (org_api.c,
 * station_qr.c): lists and lookups inside a scope, the hub leader check,
 * inserts and updates (in the caller's transaction).
 */
#include "org/org.h"
#include "org/org_int.h"

#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"

#include <stdio.h>
#include <string.h>

#define STATION_SELECT                                                                             \
	"SELECT s.id, s.grid_id, s.name, s.address, s.lng, s.lat, s.opening_hours, s.phone, "      \
	"s.hub_leader_id, s.public_code, a.display_name, u.name FROM stations s "                  \
	"JOIN units u ON u.id = s.grid_id LEFT JOIN accounts a ON a.id = s.hub_leader_id "

/* A nullable column: JSON null, else its number (real: a double, else an integer). */
static json_t *number_or_null(struct db_stmt *st, int col, int real)
{
	if (db_col_is_null(st, col))
		return json_null();
	return real ? json_real(db_col_double(st, col)) : json_integer(db_col_int64(st, col));
}

static json_t *station_json(struct db_stmt *st)
{
	return JB_OBJ(
		jb_int("id", db_col_int64(st, 0)), jb_int("grid_id", db_col_int64(st, 1)),
		jb_str("name", db_col_text(st, 2)), jb_str("address", db_col_text(st, 3)),
		jb_str("opening_hours", db_col_text(st, 6)), jb_str("phone", db_col_text(st, 7)),
		jb_str("public_code", db_col_text(st, 9)), jb_str("grid_name", db_col_text(st, 11)),
		jb_str_or_null("hub_leader_name", db_col_text(st, 10)),
		jb_take("lng", number_or_null(st, 4, 1)), jb_take("lat", number_or_null(st, 5, 1)),
		jb_take("hub_leader_id", number_or_null(st, 8, 0)));
}

int stations_store_list(struct db_conn *c, const char *lo, const char *hi, struct page *pg)
{
	struct db_stmt *st;
	int rc = db_select(c, &st,
			   STATION_SELECT "WHERE s.unit_path >= ? AND s.unit_path < ? AND s.id > ? "
					  "ORDER BY s.id LIMIT ?",
			   "ttii", lo, hi, pg->cursor, pg->limit + 1);

	return rc < 0 ? rc : org_page_rows(st, pg, station_json);
}

static int station_view_row(struct db_stmt *st, void *out)
{
	*(json_t **)out = station_json(st);
	return 0;
}

int stations_store_view(struct db_conn *c, int64_t id, const char *lo, const char *hi, json_t **out)
{
	*out = NULL;
	return db_one(c, station_view_row, out,
		      STATION_SELECT "WHERE s.id = ? AND s.unit_path >= ? AND s.unit_path < ?",
		      "itt", id, lo, hi);
}

static int station_ref_row(struct db_stmt *st, void *p)
{
	struct station_ref *out = p;

	snprintf(out->path, sizeof out->path, "%s", db_col_text(st, 0));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 1));
	snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 2));
	return 0;
}

int stations_store_ref(struct db_conn *c, int64_t id, const char *lo, const char *hi,
		       struct station_ref *out)
{
	return db_one(c, station_ref_row, out,
		      "SELECT unit_path, name, public_code FROM stations WHERE id = ? AND "
		      "unit_path >= ? AND unit_path < ?",
		      "itt", id, lo, hi);
}

struct named_path {
	char *name, *path;
	size_t name_n, path_n;
};

static int named_path_row(struct db_stmt *st, void *p)
{
	struct named_path *o = p;

	snprintf(o->name, o->name_n, "%s", db_col_text(st, 0));
	snprintf(o->path, o->path_n, "%s", db_col_text(st, 1));
	return 0;
}

int station_by_public_code(struct db_conn *c, const char *code, char *name, size_t name_n,
			   char *path, size_t path_n)
{
	struct named_path o = { name, path, name_n, path_n };

	return db_one(c, named_path_row, &o,
		      "SELECT name, unit_path FROM stations WHERE public_code = ?", "t", code);
}

/* Is role one of the names in csv ("a,b", as auth stores an account's roles)? */
static int csv_has(const char *csv, const char *role)
{
	size_t n = strlen(role);

	for (const char *p = csv; p && *p; p += strcspn(p, ", ")) {
		p += strspn(p, ", ");
		if (!strncmp(p, role, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	}
	return 0;
}

struct leader_read {
	char *path;
	size_t n;
	int is_leader;
};

static int leader_row(struct db_stmt *st, void *p)
{
	struct leader_read *r = p;

	r->is_leader = csv_has(db_col_text(st, 0), "hub_leader");
	if (r->is_leader)
		snprintf(r->path, r->n, "%s", db_col_text(st, 1));
	return 0;
}

int stations_store_leader_path(struct db_conn *c, int64_t account_id, char *path, size_t n)
{
	struct leader_read r = { path, n, 0 };
	int rc = db_one(c, leader_row, &r,
			"SELECT roles, unit_path FROM accounts WHERE id = ? AND disabled = 0", "i",
			account_id);

	return rc == DB_ROW && !r.is_leader ? DB_DONE : rc;
}

int stations_store_insert(struct db_conn *c, const struct station_in *in, int64_t grid_id,
			  const char *grid_path, const char *code, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_select(c, &st,
			   "INSERT INTO stations (grid_id, unit_path, name, address, lng, lat, "
			   "opening_hours, phone, hub_leader_id, public_code, created_at, "
			   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "itttnnttntii", grid_id, grid_path, in->name, in->addr ? in->addr : "",
			   in->hours ? in->hours : "", in->phone ? in->phone : "", code, now, now);

	if (rc < 0)
		return rc;
	/* the point and the leader stay NULL unless given (lng and lat come together) */
	if (json_is_number(in->lng))
		db_bind_double(st, 5, json_number_value(in->lng));
	if (json_is_number(in->lat))
		db_bind_double(st, 6, json_number_value(in->lat));
	if (in->leader)
		db_bind_int64(st, 9, in->leader);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int64(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0 : rc;
}

int stations_store_update(struct db_conn *c, int64_t id, const struct station_in *in, int64_t now)
{
	int rc = db_run(c,
			"UPDATE stations SET name = COALESCE(?, name), "
			"address = COALESCE(?, address), "
			"opening_hours = COALESCE(?, opening_hours), phone = COALESCE(?, phone), "
			"updated_at = ? WHERE id = ?",
			"ttttii", in->name, in->addr, in->hours, in->phone, now, id);

	if (rc == 0 && in->leader)
		rc = db_run(c, "UPDATE stations SET hub_leader_id = ? WHERE id = ?", "ii",
			    in->leader, id);
	if (rc == 0 && json_is_number(in->lng) && json_is_number(in->lat))
		rc = db_run(c, "UPDATE stations SET lng = ?, lat = ? WHERE id = ?", "ddi",
			    json_number_value(in->lng), json_number_value(in->lat), id);
	else if (rc == 0 && json_is_null(in->lng))
		rc = db_run(c, "UPDATE stations SET lng = NULL, lat = NULL WHERE id = ?", "i", id);
	return rc;
}
