/*
 * registrations.c — residents' self-registration (居民注册) and its review.
 *
 *   GET  /api/v1/registrations/places?parent=|station_code=   public: the tree down to grids
 *   POST /api/v1/registrations            public: phone, name, password, grid, address → account
 *   GET  /api/v1/registrations/mine       the account's latest registration
 *   POST /api/v1/registrations/mine       apply again (after a rejection or cancellation)
 *   POST /api/v1/registrations/mine/cancel
 *   GET  /api/v1/registrations?status=&unit=   staff (resident:write), scoped
 *   GET  /api/v1/registrations/:id
 *   POST /api/v1/registrations/:id/confirm {resident_id} | {household_id}
 *   POST /api/v1/registrations/:id/reject  {reason}
 *
 * Design. Registering creates the account at once (role resident, unit = the
 * grid, no resident record), so the resident can sign in and report appeals
 * straight away; what waits for a grid worker is the binding to a resident
 * record, i.e. the household. The user name is phone_username() — a keyed
 * pseudonym of the mobile number — so the number itself is stored only
 * sealed, as residents' phones are (pii.h). Sign-in accepts the number.
 *
 * Integrity lives in the schema: a partial unique index allows one pending
 * registration per account, a unique index on accounts.resident_id binds a
 * resident record to one account at most, and a decision is an UPDATE ...
 * WHERE status = 'pending' whose changed-row count says who won a race. The
 * resident hears of the decision in the message centre (kind
 * "registration"); every write is audited, without names or phones.
 *
 * Registration is public, so it is throttled per client address
 * (registration_limit attempts an hour, counted in login_throttle under
 * "register:<ip>"), which also bounds probing which numbers have accounts.
 */
#include "people/people.h"

#include "messages/messages.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REG_WINDOW	   3600
#define REG_MAX_CANDIDATES 20

static json_t *time_json(int64_t t)
{
	char buf[32];
	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

/* Empty or only spaces? */
static int blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
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

static json_t *reg_json(struct db_stmt *st)
{
	json_t *hh = json_null();

	if (!db_col_is_null(st, 10) && db_col_text(st, 15))
		hh = JB_OBJ(jb_int("id", db_col_int64(st, 10)), jb_str("room", db_col_text(st, 15)),
			    jb_str("building", db_col_text(st, 16)));
	return JB_OBJ(jb_int("id", db_col_int64(st, 0)), jb_int("account_id", db_col_int64(st, 1)),
		      jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 2)),
					     jb_str("name", db_col_text(st, 3)))),
		      jb_str("name", db_col_text(st, 4)), jb_str("phone", db_col_text(st, 5)),
		      jb_str("address", db_col_text(st, 6)), jb_str("note", db_col_text(st, 7)),
		      jb_str("status", db_col_text(st, 8)),
		      jb_take("resident_id", id_or_null(st, 9)),
		      jb_take("household_id", id_or_null(st, 10)), jb_take("household", hh),
		      jb_str("reason", db_col_text(st, 11)),
		      jb_take("created_at", time_json(db_col_int64(st, 12))),
		      jb_take("decided_at",
			      time_json(db_col_is_null(st, 13) ? 0 : db_col_int64(st, 13))));
}

json_t *registration_brief(struct db_conn *c, int64_t account_id)
{
	struct db_stmt *st;
	json_t *out = NULL, *hh;
	int rc =
		db_prepare(c,
			   "SELECT g.id, g.status, g.reason, g.unit_id, u.name, g.household_id, "
			   "h.room, b.name FROM registrations g JOIN units u ON u.id = g.unit_id "
			   "LEFT JOIN households h ON h.id = g.household_id LEFT JOIN units b ON "
			   "b.id = h.building_id WHERE g.account_id = ? ORDER BY g.id DESC LIMIT 1",
			   &st);

	if (rc < 0)
		return NULL;
	db_bind_int64(st, 1, account_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		hh = db_col_is_null(st, 5) || !db_col_text(st, 6)
			     ? json_null()
			     : JB_OBJ(jb_int("id", db_col_int64(st, 5)),
				      jb_str("room", db_col_text(st, 6)),
				      jb_str("building", db_col_text(st, 7)));
		out = JB_OBJ(jb_int("id", db_col_int64(st, 0)),
			     jb_str("status", db_col_text(st, 1)),
			     jb_str("reason", db_col_text(st, 2)),
			     jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 3)),
						    jb_str("name", db_col_text(st, 4)))),
			     jb_take("household", hh));
	}
	db_reset(st);
	if (rc == DB_DONE)
		out = json_null();
	return out;
}

/*
 * Residents of the registration's grid whose phone matches its phone's blind
 * index, masked; "bound" tells whether an account holds the record already.
 */
static json_t *candidates(struct db_conn *c, int64_t reg_id, const char *grid_path)
{
	char hi[256];
	struct db_stmt *st;
	json_t *out = json_array();
	int rc;

	path_upper(grid_path, hi, sizeof hi);
	rc = db_prepare(
		c,
		"SELECT r.id, r.name, r.phone_mask, r.household_id, h.room, b.name, "
		"(SELECT COUNT(*) FROM accounts a WHERE a.resident_id = r.id) FROM "
		"registrations g JOIN residents r ON r.phone_bidx = g.phone_bidx JOIN "
		"households h ON h.id = r.household_id JOIN units b ON b.id = h.building_id "
		"WHERE g.id = ? AND r.unit_path >= ? AND r.unit_path < ? ORDER BY r.id "
		"LIMIT ?",
		&st);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	db_bind_int64(st, 1, reg_id);
	db_bind_text(st, 2, grid_path, -1);
	db_bind_text(st, 3, hi, -1);
	db_bind_int64(st, 4, REG_MAX_CANDIDATES);
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(
			out,
			JB_OBJ(jb_int("id", db_col_int64(st, 0)),
			       jb_str("name", db_col_text(st, 1)),
			       jb_str("phone", db_col_text(st, 2)),
			       jb_int("household_id", db_col_int64(st, 3)),
			       jb_take("household", JB_OBJ(jb_int("id", db_col_int64(st, 3)),
							   jb_str("room", db_col_text(st, 4)),
							   jb_str("building", db_col_text(st, 5)))),
			       jb_bool("bound", db_col_int64(st, 6) > 0)));
	db_reset(st);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* reg_json plus its candidates (staff views). NULL on a database error. */
static json_t *reg_with_candidates(struct db_conn *c, struct db_stmt *st)
{
	json_t *o = reg_json(st), *cand;
	int64_t id = db_col_int64(st, 0);
	char path[256];

	snprintf(path, sizeof path, "%s", db_col_text(st, 14));
	/* The statement is still open: candidates() uses another one. */
	cand = candidates(c, id, path);
	if (!cand) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "candidates", cand);
	return o;
}

/* ---- where: a grid by id or by a station's QR code --------------------- */

/* Fills grid from "unit_id" or "station_code". 0, or -1 answered. */
static int grid_or_reply(struct req *req, struct db_conn *c, struct unit_ref *grid)
{
	int64_t uid = 0;
	const char *code = NULL;
	int has_id, has_code, rc;

	if ((has_id = json_get_int_or_reply(req, req->json, "unit_id", 0, 1, INT64_MAX, &uid)) <
		    0 ||
	    (has_code = json_get_str_or_reply(req, req->json, "station_code", 0, 20, &code)) < 0)
		return -1;
	if ((has_id == 0) == (has_code == 0)) {
		reply_invalid(req, "unit_id", "give either unit_id (a grid) or station_code");
		return -1;
	}
	if (has_code == 0) {
		uid = 0;
		rc = db_query_int64(c, &uid, "SELECT grid_id FROM stations WHERE public_code = ?",
				    "t", code);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return -1;
		}
		if (rc != DB_ROW) {
			reply_invalid(req, "station_code", "no station has this code");
			return -1;
		}
	}
	rc = unit_get(c, uid, grid);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW || grid->kind != UNIT_GRID) {
		reply_invalid(req, has_id == 0 ? "unit_id" : "station_code",
			      "must name a grid of this district");
		return -1;
	}
	return 0;
}

/* "address" (required) and "note" (optional). 0, or -1 answered. */
static int claim_or_reply(struct req *req, const char **address, const char **note)
{
	*note = "";
	if (json_get_str_or_reply(req, req->json, "address", 1, 200, address) ||
	    json_get_str_or_reply(req, req->json, "note", 0, 500, note) < 0)
		return -1;
	if (blank(*address)) {
		reply_invalid(req, "address", "the building and room you live in");
		return -1;
	}
	return 0;
}

/* ---- the public side ---------------------------------------------------- */

/*
 * GET /api/v1/registrations/places — the tree a person picks their grid
 * from, without signing in: ?parent=ID lists its sub-units down to grids
 * (no parent: the streets), ?station_code= answers the station's grid.
 * Names and kinds only; the same names are printed on every station's sign.
 */
static void list_places(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *parent = req_query(req, "parent"), *code = req_query(req, "station_code");
	int64_t pid = 0;
	struct unit_ref u;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c)
		return;
	if (code) {
		rc = strlen(code) > 20 ? DB_DONE
				       : db_query_int64(c, &pid,
							"SELECT grid_id FROM stations WHERE "
							"public_code = ?",
							"t", code);
		if (rc == DB_ROW)
			rc = unit_get(c, pid, &u);
		if (rc != DB_ROW) {
			reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
			return;
		}
		reply_json(req, 200,
			   JB_OBJ(jb_take(
				   "items",
				   JB_ARR(jv_take(JB_OBJ(jb_int("id", u.id), jb_str("name", u.name),
							 jb_str("kind", unit_kind_name(u.kind)),
							 jb_bool("leaf", 1)))))));
		return;
	}
	if (parent) {
		char *end;
		long long v = strtoll(parent, &end, 10);
		rc = *end || v < 1 ? DB_DONE : unit_get(c, v, &u);
		if (rc != DB_ROW || u.kind >= UNIT_GRID) {
			reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
			return;
		}
		pid = u.id;
	} else if ((rc = db_query_int64(c, &pid,
					"SELECT id FROM units WHERE parent_id IS NULL ORDER BY id",
					"")) != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	if (db_prepare(c,
		       "SELECT id, name, kind FROM units WHERE parent_id = ? AND kind <> "
		       "'building' ORDER BY code, id LIMIT 500",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, pid);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items,
				      JB_OBJ(jb_int("id", db_col_int64(st, 0)),
					     jb_str("name", db_col_text(st, 1)),
					     jb_str("kind", db_col_text(st, 2)),
					     jb_bool("leaf", !strcmp(db_col_text(st, 2), "grid"))));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

/*
 * Count this attempt against the client address; 0 to go on, -1 answered
 * (429 with Retry-After, or 503). A fixed window: updated_at holds its start.
 */
static int throttle_or_reply(struct req *req, struct db_conn *c)
{
	char key[96];
	int64_t now = clock_now(), n = 0, start = now;

	snprintf(key, sizeof key, "register:%s", req->ip);
	if (throttle_count(c, key, REG_WINDOW, &n, &start) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (n > req->srv->cfg->registration_limit) {
		int64_t wait = start + REG_WINDOW - now;
		if (wait < 1)
			wait = 1;
		reply_header(req, "Retry-After",
			     arena_printf(&req->arena, "%lld", (long long)wait));
		reply_error_ex(req, ERR_REG_THROTTLED, NULL,
			       JB_OBJ(jb_int("retry_after_seconds", wait)));
		return -1;
	}
	return 0;
}

/* Seal a normalised phone for a registrations row. */
struct sealed_phone {
	unsigned char blob[PII_MAX_BLOB], idx[PII_BIDX_BYTES];
	int len;
	char mask[24];
};

static int seal_phone(const struct pii_keys *k, const char *phone, struct sealed_phone *out)
{
	out->len = pii_encrypt(k, PII_PHONE, phone, out->blob);
	pii_blind_index(k, PII_PHONE, phone, out->idx);
	pii_mask(PII_PHONE, phone, out->mask);
	return out->len < 0 ? -1 : 0;
}

/*
 * Each write below is one db_tx_run() transaction: the callbacks take their
 * inputs from struct reg_change, set its outputs, and refuse with DB_EABORT
 * leaving the error to answer in refusal.
 */
struct reg_change {
	struct req *req;
	const struct auth *a;
	const char *uname, *name, *address, *note, *reason;
	const char *hash;
	const struct sealed_phone *sp;
	const struct unit_ref *grid;
	const struct pending *p;
	const char *hpath, *phone;
	int64_t now, last, hid, rid_in;
	int has_h;
	int64_t id, account_id, rid; /* out */
	enum err_id refusal;	     /* out, with DB_EABORT */
};

static int reg_refuse(struct reg_change *x, enum err_id e)
{
	x->refusal = e;
	return DB_EABORT;
}

static int create_registration_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	char err[256];
	int rc = account_create_hashed(c, x->uname, x->name, x->grid->id, ROLE_BIT(ROLE_RESIDENT),
				       0, x->hash, 0, &x->account_id, err, sizeof err);

	if (rc == DB_ECONSTRAINT) /* the same number registered a moment ago */
		return reg_refuse(x, ERR_REG_PHONE_TAKEN);
	if (rc == 0)
		rc = db_query_int64(
			c, &x->id,
			"INSERT INTO registrations (account_id, unit_id, unit_path, name, "
			"phone_enc, phone_bidx, phone_mask, address, note, status, created_at, "
			"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING "
			"id",
			"iittbbtttii", x->account_id, x->grid->id, x->grid->path, x->name,
			x->sp->blob, (size_t)x->sp->len, x->sp->idx, sizeof x->sp->idx, x->sp->mask,
			x->address, x->note, x->now, x->now);
	rc = rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR); /* no row back from RETURNING: an error */
	if (rc == 0) {
		json_t *d =
			JB_OBJ(jb_int("account_id", x->account_id), jb_int("unit_id", x->grid->id));
		rc = audit_append(c, &(struct audit_event){ .actor_id = x->account_id,
							    .actor_name = x->uname,
							    .ip = x->req->ip,
							    .action = "registration.create",
							    .object_type = "registration",
							    .object_id = x->id,
							    .outcome = "ok",
							    .details = d });
		json_decref(d);
	}
	return rc;
}

static void create_registration(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *phone_in, *name, *password, *address, *note, *why;
	char phone[24], uname[PHONE_USERNAME_MAX], hash[PASSWORD_HASH_MAX];
	struct reg_change x;
	struct unit_ref grid;
	struct sealed_phone sp;
	int64_t existing = 0, now = clock_now();
	int rc;

	if (!c || throttle_or_reply(req, c) ||
	    json_get_str_or_reply(req, req->json, "phone", 1, 30, &phone_in) ||
	    json_get_str_or_reply(req, req->json, "name", 1, 60, &name) ||
	    json_get_str_or_reply(req, req->json, "password", 1, 256, &password))
		return;
	if (pii_phone_normalize(phone_in, phone) < 0 || phone[0] != '1') {
		reply_invalid(req, "phone", "a mainland mobile number (11 digits)");
		return;
	}
	if (blank(name)) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (password_policy(password, phone, &why) < 0) {
		reply_error_ex(req, ERR_AUTH_WEAK_PASSWORD, NULL, JB_OBJ(jb_str("reason", why)));
		return;
	}
	if (grid_or_reply(req, c, &grid) || claim_or_reply(req, &address, &note))
		return;
	phone_username(req->srv->pii, phone, uname);
	rc = account_find(c, uname, &existing);
	if (rc == DB_ROW) {
		reply_error(req, ERR_REG_PHONE_TAKEN);
		return;
	}
	if (rc < 0 || seal_phone(req->srv->pii, phone, &sp) < 0 ||
	    password_hash(password, hash) < 0) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	sodium_memzero(phone, sizeof phone);
	x = (struct reg_change){ .req = req,
				 .uname = uname,
				 .name = name,
				 .address = address,
				 .note = note,
				 .hash = hash,
				 .sp = &sp,
				 .grid = &grid,
				 .now = now };
	rc = db_tx_run(c, create_registration_tx, &x);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_EABORT) {
		reply_error(req, x.refusal);
		return;
	}
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_int("account_id", x.account_id),
			jb_str("status", "pending"),
			jb_take("unit", JB_OBJ(jb_int("id", grid.id), jb_str("name", grid.name)))));
}

/* ---- the resident's own ------------------------------------------------- */

static void get_mine(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct db_stmt *st;
	json_t *out = NULL;
	int rc;

	if (!c)
		return;
	if (db_prepare(c, REG_SELECT "WHERE g.account_id = ? ORDER BY g.id DESC LIMIT 1", &st) <
	    0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, a->account_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		out = reg_json(st);
	db_reset(st);
	if (!out) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	json_object_set_new(out, "bound", json_boolean(a->resident_id != 0));
	reply_json(req, 200, out);
}

static int reapply_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	const struct unit_ref *grid = x->grid;
	int rc = db_query_int64(
		c, &x->id,
		"INSERT INTO registrations (account_id, unit_id, unit_path, name, "
		"phone_enc, phone_bidx, phone_mask, address, note, status, created_at, "
		"updated_at) SELECT account_id, ?, ?, COALESCE(?, name), phone_enc, "
		"phone_bidx, phone_mask, ?, ?, 'pending', ?, ? FROM registrations WHERE id "
		"= "
		"? RETURNING id",
		"ittttiii", grid->id, grid->path, x->name, x->address, x->note, x->now, x->now,
		x->last);

	if (rc == DB_ECONSTRAINT)
		return reg_refuse(x, ERR_REG_PENDING_EXISTS);
	rc = rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERR); /* no row back from RETURNING: an error */
	/*
	 * a->resident_id was read when the request began: a confirmation that
	 * committed since has bound the account, and the predicate sees it.
	 */
	if (rc == 0)
		rc = db_run(c,
			    "UPDATE accounts SET unit_id = ?, unit_path = ?, display_name = "
			    "COALESCE(?, display_name), updated_at = ? WHERE id = ? AND "
			    "resident_id IS NULL",
			    "ittii", grid->id, grid->path, x->name, x->now, x->a->account_id);
	if (rc == 0 && db_changes(c) == 0)
		return reg_refuse(x, ERR_REG_ALREADY_BOUND);
	if (rc == 0)
		rc = audit_write(x->req, c, "registration.create", "registration", x->id,
				 JB_OBJ(jb_int("account_id", x->a->account_id),
					jb_int("unit_id", grid->id)));
	return rc;
}

/* DB_EABORT: nothing pending */
static int cancel_mine_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	int rc = db_query_int64(c, &x->id,
				"UPDATE registrations SET status = 'cancelled', updated_at = ? "
				"WHERE account_id = ? AND status = 'pending' RETURNING id",
				"ii", clock_now(), x->a->account_id);

	if (rc == DB_DONE)
		return DB_EABORT;
	rc = rc == DB_ROW ? 0 : rc;
	if (rc == 0)
		rc = audit_write(x->req, c, "registration.cancel", "registration", x->id, NULL);
	return rc;
}

/*
 * POST /api/v1/registrations/mine — apply again with a new grid and address
 * (and name, if given); the phone is the one registered first.
 */
static void reapply(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *name = NULL, *address, *note;
	struct reg_change x;
	struct unit_ref grid;
	int64_t last = 0, now = clock_now();
	int rc;

	if (!c || json_get_str_or_reply(req, req->json, "name", 0, 60, &name) < 0)
		return;
	if (name && blank(name)) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (a->resident_id) {
		reply_error(req, ERR_REG_ALREADY_BOUND);
		return;
	}
	if (grid_or_reply(req, c, &grid) || claim_or_reply(req, &address, &note))
		return;
	rc = db_query_int64(c, &last,
			    "SELECT id FROM registrations WHERE account_id = ? ORDER BY id DESC "
			    "LIMIT 1",
			    "i", a->account_id);
	if (rc != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	x = (struct reg_change){ .req = req,
				 .a = a,
				 .name = name,
				 .address = address,
				 .note = note,
				 .grid = &grid,
				 .now = now,
				 .last = last };
	rc = db_tx_run(c, reapply_tx, &x);
	if (rc == DB_EABORT) {
		reply_error(req, x.refusal);
		return;
	}
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_int("account_id", a->account_id),
			jb_str("status", "pending"),
			jb_take("unit", JB_OBJ(jb_int("id", grid.id), jb_str("name", grid.name)))));
}

static void cancel_mine(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct reg_change x;
	int rc;

	if (!c)
		return;
	x = (struct reg_change){ .req = req, .a = a };
	rc = db_tx_run(c, cancel_mine_tx, &x);
	if (rc == DB_EABORT)
		reply_error(req, ERR_REG_NOT_PENDING);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_int("id", x.id), jb_str("status", "cancelled")));
}

/* ---- staff ----------------------------------------------------------------- */

static void list_registrations(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status");
	struct scope sc;
	int64_t limit, cursor, n = 0, last = 0;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    req_page_or_reply(req, &limit, &cursor))
		return;
	if (status && strcmp(status, "pending") && strcmp(status, "confirmed") &&
	    strcmp(status, "rejected") && strcmp(status, "cancelled")) {
		reply_invalid(req, "status", "pending, confirmed, rejected or cancelled");
		return;
	}
	if (db_prepare(c,
		       REG_SELECT "WHERE g.unit_path >= ? AND g.unit_path < ? AND g.id > ? AND "
				  "(CAST(? AS TEXT) IS NULL OR g.status = ?) ORDER BY g.id LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_text(st, 1, sc.lo, -1);
	db_bind_text(st, 2, sc.hi, -1);
	db_bind_int64(st, 3, cursor);
	db_bind_text(st, 4, status, -1);
	db_bind_text(st, 5, status, -1);
	db_bind_int64(st, 6, limit + 1);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		json_t *o = reg_with_candidates(c, st);
		if (!o) {
			rc = DB_ERR;
			break;
		}
		last = db_col_int64(st, 0);
		json_array_append_new(items, o);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, page_json(req, items, n > limit, last));
}

static void get_registration(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	char hi[256];
	int64_t id;
	struct db_stmt *st;
	json_t *out = NULL;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	path_upper(a->unit_path, hi, sizeof hi);
	if (db_prepare(c, REG_SELECT "WHERE g.id = ? AND g.unit_path >= ? AND g.unit_path < ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, a->unit_path, -1);
	db_bind_text(st, 3, hi, -1);
	rc = db_step(st);
	if (rc == DB_ROW && !(out = reg_with_candidates(c, st)))
		rc = DB_ERR;
	db_reset(st);
	if (rc < 0)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else if (!out)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_json(req, 200, out);
}

/* What a decision needs of the registration, loaded inside the caller's scope. */
struct pending {
	int64_t id, account_id;
	char status[16];
	char name[256];
	unsigned char phone_enc[PII_MAX_BLOB];
	size_t phone_len;
};

/* DB_ROW found (any status), DB_DONE not in scope, <0 error. */
static int load_scoped(struct req *req, struct db_conn *c, int64_t id, struct pending *p)
{
	const struct auth *a = req_auth(req);
	char hi[256];
	struct db_stmt *st;
	int rc;

	path_upper(a->unit_path, hi, sizeof hi);
	rc = db_prepare(c,
			"SELECT id, account_id, status, name, phone_enc FROM registrations WHERE "
			"id = ? AND unit_path >= ? AND unit_path < ?",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, a->unit_path, -1);
	db_bind_text(st, 3, hi, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		size_t n = 0;
		const void *b = db_col_blob(st, 4, &n);
		p->id = db_col_int64(st, 0);
		p->account_id = db_col_int64(st, 1);
		snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 2));
		snprintf(p->name, sizeof p->name, "%s", db_col_text(st, 3));
		p->phone_len = b && n <= sizeof p->phone_enc ? n : 0;
		if (p->phone_len)
			memcpy(p->phone_enc, b, n);
	}
	db_reset(st);
	return rc;
}

/* The registration named by :id in scope and still pending. 0, or -1 answered. */
static int pending_or_reply(struct req *req, struct db_conn *c, struct pending *p)
{
	int64_t id;
	int rc;

	if (req_param_id_or_reply(req, "id", &id))
		return -1;
	rc = load_scoped(req, c, id, p);
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (rc != DB_ROW) {
		reply_error(req, ERR_NOT_FOUND);
		return -1;
	}
	if (strcmp(p->status, "pending") != 0) {
		reply_error(req, ERR_REG_NOT_PENDING);
		return -1;
	}
	return 0;
}

/* A household of the caller's scope and the grid above its building. DB_ROW, DB_DONE, <0. */
static int household_grid(struct req *req, struct db_conn *c, int64_t hid, char *hpath,
			  struct unit_ref *grid)
{
	const struct auth *a = req_auth(req);
	char hi[256];
	int64_t building = 0;
	struct unit_ref b;
	struct db_stmt *st;
	int rc;

	path_upper(a->unit_path, hi, sizeof hi);
	rc = db_prepare(c,
			"SELECT building_id, unit_path FROM households WHERE id = ? AND unit_path "
			">= ? AND unit_path < ?",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int64(st, 1, hid);
	db_bind_text(st, 2, a->unit_path, -1);
	db_bind_text(st, 3, hi, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		building = db_col_int64(st, 0);
		snprintf(hpath, 256, "%s", db_col_text(st, 1));
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc;
	if ((rc = unit_get(c, building, &b)) != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	return (rc = unit_get(c, b.parent_id, grid)) == DB_ROW ? DB_ROW : (rc < 0 ? rc : DB_ERR);
}

/* The conditional update decides a race: only one confirm finds it pending. */
static int confirm_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	const struct pending *p = x->p;
	int64_t hid = x->hid, now = x->now;
	json_t *details;
	int rc = db_run(c,
			"UPDATE registrations SET status = 'confirmed', household_id = ?, "
			"decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ? AND "
			"status = 'pending'",
			"iiiii", hid, x->a->account_id, now, now, p->id);

	x->rid = x->rid_in; /* a rerun makes the resident again */
	if (rc == 0 && db_changes(c) == 0)
		return reg_refuse(x, ERR_REG_NOT_PENDING);
	if (rc == 0 && x->has_h == 0) {
		struct resident_in in = { .household_id = hid, .name = p->name, .phone = x->phone };
		rc = resident_insert(c, x->req->srv->pii, &in, x->hpath, &x->rid);
		if (rc == 0)
			rc = audit_write(x->req, c, "resident.create", "resident", x->rid,
					 JB_OBJ(jb_int("household_id", hid),
						jb_int("registration_id", p->id)));
	}
	if (rc == 0)
		rc = db_run(c, "UPDATE registrations SET resident_id = ? WHERE id = ?", "ii",
			    x->rid, p->id);
	if (rc == 0) {
		rc = db_run(c,
			    "UPDATE accounts SET resident_id = ?, unit_id = ?, unit_path = ?, "
			    "updated_at = ? WHERE id = ? AND resident_id IS NULL",
			    "iitii", x->rid, x->grid->id, x->grid->path, now, p->account_id);
		if (rc == DB_ECONSTRAINT)
			return reg_refuse(x, ERR_REG_RESIDENT_TAKEN);
		if (rc == 0 && db_changes(c) == 0)
			return reg_refuse(x, ERR_REG_ALREADY_BOUND);
	}
	if (rc == 0)
		rc = message_add(c, p->account_id, 0, 0, "registration", "居民注册已确认",
				 arena_printf(&x->req->arena,
					      "网格员已确认您的住址，账号已绑定到%s的住户。",
					      x->grid->name),
				 now);
	details = JB_OBJ(jb_int("account_id", p->account_id), jb_int("resident_id", x->rid),
			 jb_int("household_id", hid), jb_bool("new_resident", x->has_h == 0));
	if (rc == 0)
		rc = audit_write(x->req, c, "registration.confirm", "registration", p->id, details);
	else
		json_decref(details);
	return rc;
}

/* DB_EABORT: no longer pending */
static int reject_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	const struct pending *p = x->p;
	int rc = db_run(c,
			"UPDATE registrations SET status = 'rejected', reason = ?, decided_by = "
			"?, decided_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
			"tiiii", x->reason, x->a->account_id, x->now, x->now, p->id);

	if (rc == 0 && db_changes(c) == 0)
		return DB_EABORT;
	if (rc == 0)
		rc = message_add(c, p->account_id, 0, 0, "registration", "居民注册未通过",
				 x->reason, x->now);
	if (rc == 0)
		rc = audit_write(x->req, c, "registration.reject", "registration", p->id,
				 JB_OBJ(jb_int("account_id", p->account_id)));
	return rc;
}

/*
 * POST /api/v1/registrations/:id/confirm — bind the account to an existing
 * resident record ({resident_id}) or to a new one made in a household from
 * the registration's name and phone ({household_id}). Either must lie in the
 * caller's scope. The account moves to the household's grid.
 */
static void confirm(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct pending p;
	struct unit_ref grid;
	char hpath[256], hi[256], phone[PII_MAX_PLAIN + 1] = "";
	int64_t rid = 0, hid = 0, bound = 0, now = clock_now();
	struct reg_change x;
	int has_r, has_h, rc;

	if (!c || pending_or_reply(req, c, &p) ||
	    (has_r = json_get_int_or_reply(req, req->json, "resident_id", 0, 1, INT64_MAX, &rid)) <
		    0 ||
	    (has_h = json_get_int_or_reply(req, req->json, "household_id", 0, 1, INT64_MAX, &hid)) <
		    0)
		return;
	if ((has_r == 0) == (has_h == 0)) {
		reply_invalid(req, "resident_id",
			      "give resident_id (an existing record) or household_id (a new one)");
		return;
	}
	if (has_r == 0) {
		struct db_stmt *st;
		path_upper(a->unit_path, hi, sizeof hi);
		if (db_prepare(c,
			       "SELECT household_id FROM residents WHERE id = ? AND unit_path >= ? "
			       "AND unit_path < ?",
			       &st) < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		db_bind_int64(st, 1, rid);
		db_bind_text(st, 2, a->unit_path, -1);
		db_bind_text(st, 3, hi, -1);
		rc = db_step(st);
		if (rc == DB_ROW)
			hid = db_col_int64(st, 0);
		db_reset(st);
		if (rc != DB_ROW) {
			reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
			return;
		}
		if (db_query_int64(c, &bound, "SELECT COUNT(*) FROM accounts WHERE resident_id = ?",
				   "i", rid) < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		if (bound) {
			reply_error(req, ERR_REG_RESIDENT_TAKEN);
			return;
		}
	}
	rc = household_grid(req, c, hid, hpath, &grid);
	if (rc != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	if (has_h == 0 && (!p.phone_len || pii_decrypt(req->srv->pii, PII_PHONE, p.phone_enc,
						       p.phone_len, phone) < 0)) {
		reply_error_ex(req, ERR_INTERNAL,
			       "The stored phone cannot be decrypted with this key.", NULL);
		return;
	}
	x = (struct reg_change){ .req = req,
				 .a = a,
				 .p = &p,
				 .grid = &grid,
				 .hpath = hpath,
				 .phone = phone,
				 .now = now,
				 .hid = hid,
				 .rid_in = rid,
				 .has_h = has_h };
	rc = db_tx_run(c, confirm_tx, &x);
	sodium_memzero(phone, sizeof phone);
	if (rc == DB_EABORT) {
		reply_error(req, x.refusal);
		return;
	}
	reply_tx(req, rc, 200,
		 JB_OBJ(jb_int("id", p.id), jb_str("status", "confirmed"),
			jb_int("resident_id", x.rid), jb_int("household_id", hid),
			jb_int("account_id", p.account_id)));
}

static void reject(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct pending p;
	const char *reason;
	int64_t now = clock_now();
	int rc;

	if (!c || pending_or_reply(req, c, &p) ||
	    json_get_str_or_reply(req, req->json, "reason", 1, 300, &reason))
		return;
	if (blank(reason)) {
		reply_invalid(req, "reason", "say why, so the resident can apply again");
		return;
	}
	rc = db_tx_run(
		c, reject_tx,
		&(struct reg_change){ .req = req, .a = a, .p = &p, .reason = reason, .now = now });
	if (rc == DB_EABORT)
		reply_error(req, ERR_REG_NOT_PENDING);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_int("id", p.id), jb_str("status", "rejected")));
}

const struct route registration_routes[] = {
	{ "GET", "/api/v1/registrations/places", list_places, 0, NULL, 0 },
	{ "POST", "/api/v1/registrations", create_registration, R_JSON | R_NO_CSRF, NULL, 8192 },
	{ "GET", "/api/v1/registrations/mine", get_mine, R_AUTH, "self:read", 0 },
	{ "POST", "/api/v1/registrations/mine", reapply, R_AUTH | R_JSON, "self:write", 0 },
	{ "POST", "/api/v1/registrations/mine/cancel", cancel_mine, R_AUTH, "self:write", 0 },
	{ "GET", "/api/v1/registrations", list_registrations, R_AUTH, "resident:write", 0 },
	{ "GET", "/api/v1/registrations/:id", get_registration, R_AUTH, "resident:write", 0 },
	{ "POST", "/api/v1/registrations/:id/confirm", confirm, R_AUTH | R_JSON, "resident:write",
	  0 },
	{ "POST", "/api/v1/registrations/:id/reject", reject, R_AUTH | R_JSON, "resident:write",
	  0 },
	{ 0 },
};
