/*
 * registrations_api.c — residents' self-registration (居民注册) and its review.
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
#include "people/people_int.h"

#include "messages/messages.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REG_WINDOW 3600

/* Empty or only spaces? */
static int blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
}

/* ---- the bodies ----------------------------------------------------------- */

/* Where (a grid by id or by a station's QR code) and the claim (address, note). */
struct reg_body {
	const char *phone, *name, *password;
	int64_t unit_id;
	const char *station_code, *address, *note;
};

#define PLACE_FIELDS                                                                               \
	BF_ID(struct reg_body, unit_id, "unit_id", BF_OPTIONAL),                                   \
		BF_STR(struct reg_body, station_code, "station_code", BF_OPTIONAL, 0, 20),         \
		BF_STR(struct reg_body, address, "address", BF_REQUIRED, 0, 200),                  \
		BF_STR_DEF(struct reg_body, note, "note", 0, 500, "")

static const struct body_field register_fields[] = {
	BF_STR(struct reg_body, phone, "phone", BF_REQUIRED, 0, 30),
	BF_STR(struct reg_body, name, "name", BF_REQUIRED, 0, 60),
	BF_STR(struct reg_body, password, "password", BF_REQUIRED, 0, 256),
	PLACE_FIELDS,
};
static const struct body_field reapply_fields[] = {
	BF_STR(struct reg_body, name, "name", BF_OPTIONAL, 0, 60),
	PLACE_FIELDS,
};

/* The grid the body names by unit_id or station_code. 0, or -1 answered. */
static int grid_or_reply(struct req *req, struct db_conn *c, const struct reg_body *b,
			 struct unit_ref *grid)
{
	int64_t uid = b->unit_id;
	int rc;

	if ((b->unit_id != 0) == (b->station_code != NULL)) {
		reply_invalid(req, "unit_id", "give either unit_id (a grid) or station_code");
		return -1;
	}
	if (b->station_code) {
		uid = 0;
		rc = reg_store_station_grid(c, b->station_code, &uid);
		if (req_ok_or_invalid(req, rc, rc == DB_ROW, "station_code",
				      "no station has this code"))
			return -1;
	}
	rc = unit_get(c, uid, grid);
	return req_ok_or_invalid(req, rc, rc == DB_ROW && grid->kind == UNIT_GRID,
				 b->station_code ? "station_code" : "unit_id",
				 "must name a grid of this district");
}

/* The grid and a non-blank address. 0, or -1 answered. */
static int place_or_reply(struct req *req, struct db_conn *c, const struct reg_body *b,
			  struct unit_ref *grid)
{
	if (grid_or_reply(req, c, b, grid))
		return -1;
	if (blank(b->address)) {
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
	json_t *items;
	int rc;

	if (!c)
		return;
	if (code) {
		rc = strlen(code) > 20 ? DB_DONE : reg_store_station_grid(c, code, &pid);
		if (rc == DB_ROW)
			rc = unit_get(c, pid, &u);
		if (req_found_or_reply(req, rc))
			return;
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
	} else if ((rc = reg_store_root_unit(c, &pid)) != DB_ROW) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return;
	}
	items = json_array();
	if (reg_store_places(c, pid, items) < 0) {
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
		people_retry_reply(req, ERR_REG_THROTTLED, start + REG_WINDOW - now);
		return -1;
	}
	return 0;
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
	const struct people_sealed *sp;
	const struct unit_ref *grid;
	const struct pending *p;
	const char *hpath, *phone;
	int64_t now, last, hid, rid_in;
	int new_resident;	     /* confirm into a household: make the resident */
	int64_t id, account_id, rid; /* out (account_id: in too, to apply again) */
	enum err_id refusal;	     /* out, with DB_EABORT */
};

static int reg_refuse(struct reg_change *x, enum err_id e)
{
	x->refusal = e;
	return DB_EABORT;
}

/* Answer the new pending registration a write made (rc from db_tx_run): 201, or its refusal. */
static void pending_reply(struct req *req, int rc, const struct reg_change *x)
{
	if (rc == DB_EABORT) {
		reply_error(req, x->refusal);
		return;
	}
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x->id), jb_int("account_id", x->account_id),
			jb_str("status", "pending"),
			jb_take("unit",
				JB_OBJ(jb_int("id", x->grid->id), jb_str("name", x->grid->name)))));
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
		rc = reg_store_insert(c,
				      &(struct reg_row){ .account_id = x->account_id,
							 .unit_id = x->grid->id,
							 .unit_path = x->grid->path,
							 .name = x->name,
							 .address = x->address,
							 .note = x->note,
							 .sp = x->sp },
				      x->now, &x->id);
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
	struct reg_body b;
	const char *why;
	char phone[24], uname[PHONE_USERNAME_MAX], hash[PASSWORD_HASH_MAX];
	struct reg_change x;
	struct unit_ref grid;
	struct people_sealed sp;
	int64_t existing = 0, now = clock_now();
	int rc;

	if (!c || throttle_or_reply(req, c) || BODY_READ_OR_REPLY(req, register_fields, &b, NULL))
		return;
	if (pii_phone_normalize(b.phone, phone) < 0 || phone[0] != '1') {
		reply_invalid(req, "phone", "a mainland mobile number (11 digits)");
		return;
	}
	if (blank(b.name)) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (password_policy(b.password, phone, &why) < 0) {
		reply_error_ex(req, ERR_AUTH_WEAK_PASSWORD, NULL, JB_OBJ(jb_str("reason", why)));
		return;
	}
	if (place_or_reply(req, c, &b, &grid))
		return;
	phone_username(req->srv->pii, phone, uname);
	rc = account_find(c, uname, &existing);
	if (rc == DB_ROW) {
		reply_error(req, ERR_REG_PHONE_TAKEN);
		return;
	}
	if (rc < 0 || people_seal(req->srv->pii, PII_PHONE, phone, &sp) < 0 ||
	    password_hash(b.password, hash) < 0) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	sodium_memzero(phone, sizeof phone);
	x = (struct reg_change){ .req = req,
				 .uname = uname,
				 .name = b.name,
				 .address = b.address,
				 .note = b.note,
				 .hash = hash,
				 .sp = &sp,
				 .grid = &grid,
				 .now = now };
	rc = db_tx_run(c, create_registration_tx, &x);
	sodium_memzero(hash, sizeof hash);
	pending_reply(req, rc, &x);
}

/* ---- the resident's own ------------------------------------------------- */

static void get_mine(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	json_t *out = NULL;
	int rc;

	if (!c)
		return;
	rc = reg_store_mine(c, a->account_id, &out);
	if (req_found_or_reply(req, rc))
		return;
	json_object_set_new(out, "bound", json_boolean(a->resident_id != 0));
	reply_json(req, 200, out);
}

static int reapply_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	const struct unit_ref *grid = x->grid;
	int rc = reg_store_reapply(c, x->last,
				   &(struct reg_row){ .unit_id = grid->id,
						      .unit_path = grid->path,
						      .name = x->name,
						      .address = x->address,
						      .note = x->note },
				   x->now, &x->id);

	if (rc == DB_ECONSTRAINT)
		return reg_refuse(x, ERR_REG_PENDING_EXISTS);
	/*
	 * a->resident_id was read when the request began: a confirmation that
	 * committed since has bound the account, and the predicate sees it.
	 */
	if (rc == 0)
		rc = reg_store_account_move(c, x->a->account_id, grid->id, grid->path, x->name,
					    x->now);
	if (rc == DB_DONE)
		return reg_refuse(x, ERR_REG_ALREADY_BOUND);
	return audit_write_after(
		rc, x->req, c, "registration.create", "registration", x->id,
		JB_OBJ(jb_int("account_id", x->a->account_id), jb_int("unit_id", grid->id)));
}

/* DB_EABORT: nothing pending */
static int cancel_mine_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	int rc = reg_store_cancel(c, x->a->account_id, clock_now(), &x->id);

	if (rc == DB_DONE)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "registration.cancel", "registration", x->id, NULL);
}

/*
 * POST /api/v1/registrations/mine — apply again with a new grid and address
 * (and name, if given); the phone is the one registered first.
 */
static void reapply(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct reg_body b;
	struct reg_change x;
	struct unit_ref grid;
	int64_t last = 0, now = clock_now();
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, reapply_fields, &b, NULL))
		return;
	if (b.name && blank(b.name)) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (a->resident_id) {
		reply_error(req, ERR_REG_ALREADY_BOUND);
		return;
	}
	if (place_or_reply(req, c, &b, &grid))
		return;
	rc = reg_store_latest_id(c, a->account_id, &last);
	if (req_found_or_reply(req, rc))
		return;
	x = (struct reg_change){ .req = req,
				 .a = a,
				 .name = b.name,
				 .address = b.address,
				 .note = b.note,
				 .grid = &grid,
				 .now = now,
				 .last = last,
				 .account_id = a->account_id };
	rc = db_tx_run(c, reapply_tx, &x);
	pending_reply(req, rc, &x);
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
	reply_tx_refused(req, rc, ERR_REG_NOT_PENDING, 200,
			 JB_OBJ(jb_int("id", x.id), jb_str("status", "cancelled")));
}

/* ---- staff ----------------------------------------------------------------- */

static void list_registrations(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status");
	struct scope sc;
	struct page pg;

	if (!c || people_page_or_reply(req, c, &sc, &pg))
		return;
	if (status && strcmp(status, "pending") && strcmp(status, "confirmed") &&
	    strcmp(status, "rejected") && strcmp(status, "cancelled")) {
		reply_invalid(req, "status", "pending, confirmed, rejected or cancelled");
		return;
	}
	page_reply(&pg, reg_store_list(c, sc.lo, sc.hi, status, pg.cursor, &pg));
}

ROUTE_HANDLER_WITH(get_registration, people_scoped_get, reg_store_get)

/* The registration named by :id in scope and still pending. 0, or -1 answered. */
static int pending_or_reply(struct req *req, struct db_conn *c, struct pending *p)
{
	int64_t id;
	int rc;

	if (req_param_id_or_reply(req, "id", &id))
		return -1;
	rc = reg_store_load(c, id, req_auth(req)->unit_path, p);
	if (req_found_or_reply(req, rc))
		return -1;
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
	int64_t building = 0;
	struct unit_ref b;
	int rc = people_store_household_in(c, hid, req_auth(req)->unit_path, &building, hpath);

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
	int rc = reg_store_confirm(c, p->id, hid, x->a->account_id, now);

	x->rid = x->rid_in; /* a rerun makes the resident again */
	if (rc == DB_DONE)
		return reg_refuse(x, ERR_REG_NOT_PENDING);
	if (rc == 0 && x->new_resident) {
		struct resident_in in = { .household_id = hid, .name = p->name, .phone = x->phone };
		rc = resident_insert(c, x->req->srv->pii, &in, x->hpath, &x->rid);
		rc = audit_write_after(
			rc, x->req, c, "resident.create", "resident", x->rid,
			JB_OBJ(jb_int("household_id", hid), jb_int("registration_id", p->id)));
	}
	if (rc == 0)
		rc = reg_store_set_resident(c, p->id, x->rid);
	if (rc == 0) {
		rc = reg_store_account_bind(c, p->account_id, x->rid, x->grid->id, x->grid->path,
					    now);
		if (rc == DB_ECONSTRAINT)
			return reg_refuse(x, ERR_REG_RESIDENT_TAKEN);
		if (rc == DB_DONE)
			return reg_refuse(x, ERR_REG_ALREADY_BOUND);
	}
	if (rc == 0)
		rc = message_add(c, p->account_id, 0, 0, "registration", "居民注册已确认",
				 arena_printf(&x->req->arena,
					      "网格员已确认您的住址，账号已绑定到%s的住户。",
					      x->grid->name),
				 now);
	return audit_write_after(rc, x->req, c, "registration.confirm", "registration", p->id,
				 JB_OBJ(jb_int("account_id", p->account_id),
					jb_int("resident_id", x->rid), jb_int("household_id", hid),
					jb_bool("new_resident", x->new_resident)));
}

/* DB_EABORT: no longer pending */
static int reject_tx(struct db_conn *c, void *ctx)
{
	struct reg_change *x = ctx;
	const struct pending *p = x->p;
	int rc = reg_store_reject(c, p->id, x->reason, x->a->account_id, x->now);

	if (rc == DB_DONE)
		return DB_EABORT;
	if (rc == 0)
		rc = message_add(c, p->account_id, 0, 0, "registration", "居民注册未通过",
				 x->reason, x->now);
	return audit_write_after(rc, x->req, c, "registration.reject", "registration", p->id,
				 JB_OBJ(jb_int("account_id", p->account_id)));
}

/*
 * An existing resident record for {resident_id}: in the caller's scope and
 * bound to no account. 0 and *household, or -1 answered.
 */
static int free_resident_or_reply(struct req *req, struct db_conn *c, int64_t rid,
				  int64_t *household)
{
	int64_t account = 0;
	int rc = people_store_resident_in(c, rid, req_auth(req)->unit_path, household);

	if (req_found_or_reply(req, rc))
		return -1;
	rc = resident_account(c, rid, &account, NULL);
	return req_ok_or_reply(req, rc, rc != DB_ROW, ERR_REG_RESIDENT_TAKEN);
}

struct confirm_body {
	int64_t resident_id, household_id;
};
static const struct body_field confirm_fields[] = {
	BF_ID(struct confirm_body, resident_id, "resident_id", BF_OPTIONAL),
	BF_ID(struct confirm_body, household_id, "household_id", BF_OPTIONAL),
};

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
	char hpath[256], phone[PII_MAX_PLAIN + 1] = "";
	int64_t rid, hid, now = clock_now();
	struct confirm_body b;
	struct reg_change x;
	int new_resident, rc;

	if (!c || pending_or_reply(req, c, &p) || BODY_READ_OR_REPLY(req, confirm_fields, &b, NULL))
		return;
	rid = b.resident_id;
	hid = b.household_id;
	if ((rid != 0) == (hid != 0)) {
		reply_invalid(req, "resident_id",
			      "give resident_id (an existing record) or household_id (a new one)");
		return;
	}
	new_resident = hid != 0;
	if (rid && free_resident_or_reply(req, c, rid, &hid))
		return;
	rc = household_grid(req, c, hid, hpath, &grid);
	if (req_found_or_reply(req, rc))
		return;
	if (new_resident && (!p.phone_len || pii_decrypt(req->srv->pii, PII_PHONE, p.phone_enc,
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
				 .new_resident = new_resident };
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
	    body_str_or_reply(req, "reason", BF_REQUIRED, 300, NULL, &reason))
		return;
	if (blank(reason)) {
		reply_invalid(req, "reason", "say why, so the resident can apply again");
		return;
	}
	rc = db_tx_run(
		c, reject_tx,
		&(struct reg_change){ .req = req, .a = a, .p = &p, .reason = reason, .now = now });
	reply_tx_refused(req, rc, ERR_REG_NOT_PENDING, 200,
			 JB_OBJ(jb_int("id", p.id), jb_str("status", "rejected")));
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
