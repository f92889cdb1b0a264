/*
 * account_api.c — account administration over HTTP, for the console's
 * Accounts page.
 *
 *   GET   /api/v1/accounts?q=&role=&unit=&disabled=&limit=&cursor=   (account:read)
 *   GET   /api/v1/accounts/:id                                       (account:read)
 *   POST  /api/v1/accounts            {username, display_name?, unit_id, roles, password?}
 *   PATCH /api/v1/accounts/:id        {display_name?, unit_id?, roles?, disabled?}
 *   POST  /api/v1/accounts/:id/password {password}                  (account:write)
 *   POST  /api/v1/accounts/:id/unlock                                (account:unlock)
 *
 * Scope: an account is seen and changed only inside the caller's subtree
 * (unit_path range in SQL); outside it answers 404 like a missing one.
 *
 * Who may change what (三员分立, docs/SECURITY.md):
 *   - account:write (sysadmin) creates accounts and changes the display name,
 *     unit, business roles, disabled flag and password of business accounts;
 *   - a role change that grants or removes sysadmin, secadmin or auditor needs
 *     account:roles (secadmin) instead — and as those roles stand alone, such
 *     a change replaces the whole set; no one holds both keys, so making an
 *     administrator takes two people: the system administrator creates the
 *     account, the security administrator grants the role;
 *   - granting one of those roles voids the account's password (the system
 *     administrator set it), ends its sessions and revokes its tokens in the
 *     same transaction: the new administrator's password is set on the server
 *     with `shuniu user reset-password`, so the system administrator never
 *     knows an administrator's password;
 *   - the accounts of the three administrators are otherwise left alone here
 *     (no password reset, disabling, unit or name change over HTTP), so that
 *     no administrator can take over another's account: that is the CLI's;
 *   - nobody changes their own roles, disables themselves or resets their own
 *     password here (POST /auth/password asks for the current one);
 *   - resident accounts are the residents' own and come from resident
 *     registration: they are neither listed nor read here, and nothing of
 *     theirs is changed (role, name, unit, disabled flag, password) — else
 *     the system administrator could reset a resident's password, sign in
 *     as them and read their record. Only an unlock reaches them.
 *
 * Writes are plain (last write wins, no version check): every field is a
 * whole value, and each change is audited with the fields it touched.
 * Refused role changes are audited too, with the outcome "denied".
 */
#include "auth/auth_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#define ADMIN_ROLES (ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_AUDITOR))
#define RESIDENT    ROLE_BIT(ROLE_RESIDENT)

static json_t *roles_json(role_set roles)
{
	json_t *out = json_array();

	for (int r = 0; r < ROLE__COUNT; r++)
		if (roles & ROLE_BIT(r))
			json_array_append_new(out, json_string(role_name(r)));
	return out;
}

static json_t *time_json(int64_t t)
{
	char buf[40];

	return t ? json_string(clock_format_shanghai(t, buf)) : json_null();
}

static json_t *account_json(const struct account_row *r)
{
	return JB_OBJ(
		jb_int("id", r->id), jb_str("username", r->username),
		jb_str("display_name", r->display_name),
		jb_take("unit", JB_OBJ(jb_int("id", r->unit_id), jb_str("name", r->unit_name))),
		jb_take("roles", roles_json(r->roles)), jb_bool("disabled", r->disabled),
		jb_bool("locked", r->locked), jb_bool("password_set", r->password_set),
		jb_take("last_login_at", time_json(r->last_login_at)),
		jb_take("created_at", time_json(r->created_at)));
}

/*
 * Account id inside the caller's scope: 1 found (*out), 0 not, <0 error.
 * residents: resident accounts count too (for the writes, which refuse them
 * by name; reading answers them 404 like a missing one).
 */
static int account_load_scoped(struct req *req, struct db_conn *c, int64_t id, int residents,
			       struct account_row **out)
{
	const struct auth *a = req_auth(req);
	struct account_filter f = { .lo = a->unit_path,
				    .id = id,
				    .limit = 1,
				    .role = -1,
				    .disabled = -1,
				    .residents = residents };
	char hi[256];
	int n, rc;

	path_upper(a->unit_path, hi, sizeof hi);
	f.hi = hi;
	rc = account_rows(c, &req->arena, &f, out, &n);
	return rc < 0 ? rc : n > 0;
}

static struct account_row *account_by_id_or_reply(struct req *req, struct db_conn *c, int64_t id,
						  int residents)
{
	struct account_row *r;
	int rc = account_load_scoped(req, c, id, residents, &r);

	if (rc <= 0)
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
	return rc > 0 ? r : NULL;
}

/*
 * The account as the transaction left it, read inside it (so that the answer
 * is what was stored, and a failure anywhere answers 503 with nothing
 * stored); the handler answers *out after the commit.
 */
static int account_reread(struct req *req, struct db_conn *c, int rc, int64_t id,
			  struct account_row **out)
{
	*out = NULL;
	if (rc == 0 && account_load_scoped(req, c, id, 0, out) <= 0)
		rc = DB_ERR;
	return rc;
}

static void reply_account(struct req *req, int rc, struct account_row *r, int status)
{
	reply_tx(req, rc, status, rc == 0 && r ? account_json(r) : NULL);
}

/* The account named by the route's :id, inside the scope; NULL when answered. */
static struct account_row *account_in_scope_or_reply(struct req *req, struct db_conn *c,
						     int residents)
{
	int64_t id;

	return req_param_id_or_reply(req, "id", &id)
		       ? NULL
		       : account_by_id_or_reply(req, c, id, residents);
}

/* roles: a non-empty array of known role names → set; -1 when answered (400). */
static int roles_or_reply(struct req *req, json_t *v, role_set *out)
{
	size_t i;
	json_t *x;

	*out = 0;
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > ROLE__COUNT) {
		reply_invalid(req, "roles", "expected a non-empty array of role names");
		return -1;
	}
	json_array_foreach(v, i, x)
	{
		int r = json_is_string(x) ? role_by_name(json_string_value(x)) : -1;
		if (r < 0) {
			reply_invalid(req, "roles",
				      arena_printf(&req->arena, "unknown role '%s'",
						   json_is_string(x) ? json_string_value(x) : "?"));
			return -1;
		}
		*out |= ROLE_BIT(r);
	}
	return 0;
}

/*
 * May the caller change target's roles from `from` to `to` (from 0: a new
 * account)? Answers and returns -1 when not; a refused grant is audited.
 */
static int role_change_or_reply(struct req *req, int64_t target, role_set from, role_set to)
{
	const struct auth *a = req_auth(req);
	const char *perm =
		((from | to) & ADMIN_ROLES) ? PERM_KEY("account:roles") : PERM_KEY("account:write");

	if ((from | to) & RESIDENT) {
		reply_error(req, ERR_ACCOUNT_RESIDENT);
		return -1;
	}
	if (target && target == a->account_id) {
		reply_error(req, ERR_ACCOUNT_SELF);
		return -1;
	}
	if (!roles_compatible(to)) {
		reply_error(req, ERR_ACCOUNT_ROLES_INCOMPATIBLE);
		return -1;
	}
	if (!roles_grant_key(a->roles, perm)) {
		char fr[256], tr[256];
		roles_format(from, fr, sizeof fr);
		roles_format(to, tr, sizeof tr);
		audit_request(req, target ? "account.roles" : "account.create", "account", target,
			      "denied", JB_OBJ(jb_str("from", fr), jb_str("to", tr)));
		reply_error(req, ERR_ACCOUNT_ROLES_FORBIDDEN);
		return -1;
	}
	return 0;
}

/* Accounts are placed at a district, street, community or grid inside the scope. */
static int account_unit_or_reply(struct req *req, struct db_conn *c, int64_t id, struct unit_ref *u)
{
	if (unit_in_scope_or_reply(req, c, id, u))
		return -1;
	if (u->kind == UNIT_BUILDING) {
		reply_invalid(req, "unit_id",
			      "accounts belong to a district, street, community "
			      "or grid, not a building");
		return -1;
	}
	return 0;
}

/* An account's body: creating, updating, setting the password. */
struct account_body {
	const char *username, *display, *password;
	int64_t unit_id;
	json_t *roles;
	int disabled;
};
static const struct body_field account_create_fields[] = {
	BF_STR(struct account_body, username, "username", BF_REQUIRED, 0, 64),
	BF_STR(struct account_body, display, "display_name", BF_OPTIONAL, 0, 100),
	BF_ID(struct account_body, unit_id, "unit_id", BF_REQUIRED),
	BF_JSON(struct account_body, roles, "roles", BF_OPTIONAL, -1), /* roles_or_reply */
	BF_STR(struct account_body, password, "password", BF_OPTIONAL, 0, 256),
};
static const struct body_field account_update_fields[] = {
	BF_STR(struct account_body, display, "display_name", BF_OPTIONAL, 0, 100),
	BF_ID(struct account_body, unit_id, "unit_id", BF_OPTIONAL),
	BF_JSON(struct account_body, roles, "roles", BF_OPTIONAL, -1),
	BF_BOOL(struct account_body, disabled, "disabled", BF_OPTIONAL, 0),
};
static const struct body_field account_password_fields[] = {
	BF_STR(struct account_body, password, "password", BF_REQUIRED, 0, 256),
};

/* A display name given must not be empty. */
static int display_name_or_reply(struct req *req, const char *display)
{
	if (body_nonempty_or_reply(req, "display_name", display))
		return -1;
	return 0;
}

/* A password given must pass the policy. */
static int password_or_reply(struct req *req, const char *username, const char *password)
{
	const char *why;

	if (password && password_policy(password, username, &why) < 0) {
		reply_error_ex(req, ERR_AUTH_WEAK_PASSWORD, NULL, JB_OBJ(jb_str("reason", why)));
		return -1;
	}
	return 0;
}

/* ---- reading --------------------------------------------------------- */

static void list_accounts(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct account_filter f = { .role = -1, .disabled = -1 };
	const char *q = req_query(req, "q"), *role = req_query(req, "role"),
		   *dis = req_query(req, "disabled");
	struct account_row *rows;
	struct scope sc;
	struct page pg;
	int n, rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &pg))
		return;
	if (q && strlen(q) > 64) {
		reply_invalid(req, "q", "1 to 64 bytes of a user name or display name");
		return;
	}
	if (role && (f.role = role_by_name(role)) < 0) {
		reply_invalid(req, "role", "unknown role");
		return;
	}
	if (dis) {
		if (!strcmp(dis, "true") || !strcmp(dis, "1"))
			f.disabled = 1;
		else if (!strcmp(dis, "false") || !strcmp(dis, "0"))
			f.disabled = 0;
		else {
			reply_invalid(req, "disabled", "expected true or false");
			return;
		}
	}
	f.lo = sc.lo;
	f.hi = sc.hi;
	f.q = q;
	f.cursor = pg.cursor;
	f.limit = pg.limit + 1;
	rc = account_rows(c, &req->arena, &f, &rows, &n);
	for (int i = 0; rc >= 0 && i < n; i++)
		page_add(&pg, rows[i].id, i < pg.limit ? account_json(&rows[i]) : NULL);
	page_reply(&pg, rc);
}

static void get_account(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct account_row *r;

	if (c && (r = account_in_scope_or_reply(req, c, 0)))
		reply_json(req, 200, account_json(r));
}

/* ---- writing --------------------------------------------------------- */

struct account_change {
	struct req *req;
	const struct auth *a;
	const char *username, *display;
	const char *hash;
	int64_t unit_id, id;
	const char *unit_path;
	role_set roles;
	int password_set;
	/* update_account */
	struct account_row *t;
	json_t *fields;
	const char *from, *to;
	int no_display, no_unit, no_disabled, disabled, grants_admin;
	struct account_row *r; /* out: the account as stored */
};

/* DB_EABORT: the user name is taken */
static int create_account_tx(struct db_conn *c, void *ctx)
{
	struct account_change *x = ctx;
	char err[512], rolestr[256];
	int rc = account_create_hashed(c, x->username, x->display, x->unit_id, x->roles, 0, x->hash,
				       0, &x->id, err, sizeof err);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	roles_format(x->roles, rolestr, sizeof rolestr);
	rc = audit_write_after(rc, x->req, c, "account.create", "account", x->id,
			       JB_OBJ(jb_str("roles", rolestr), jb_int("unit_id", x->unit_id),
				      jb_bool("password_set", x->password_set)));
	return account_reread(x->req, c, rc, x->id, &x->r);
}

static void create_account(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct account_body b;
	const char *username, *display, *password;
	char hash[PASSWORD_HASH_MAX] = "!";
	struct account_change x;
	struct unit_ref u;
	role_set roles;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, account_create_fields, &b, NULL) ||
	    display_name_or_reply(req, b.display) || roles_or_reply(req, b.roles, &roles))
		return;
	username = b.username;
	display = b.display;
	password = b.password;
	if (!account_username_valid(username)) {
		reply_invalid(req, "username", "2 to 64 characters of a-z, 0-9, '.', '_' or '-'");
		return;
	}
	if (password_or_reply(req, username, password) ||
	    account_unit_or_reply(req, c, b.unit_id, &u) || role_change_or_reply(req, 0, 0, roles))
		return;
	/* argon2id (64 MiB) before BEGIN: SQLite's write lock is not held over it */
	if (password && password_hash(password, hash) < 0) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	x = (struct account_change){ .req = req,
				     .username = username,
				     .display = display,
				     .hash = hash,
				     .unit_id = u.id,
				     .roles = roles,
				     .password_set = password != NULL };
	rc = db_tx_run(c, create_account_tx, &x);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_EABORT)
		reply_error(req, ERR_ACCOUNT_USERNAME_TAKEN);
	else
		reply_account(req, rc, x.r, 201);
}

static int update_account_tx(struct db_conn *c, void *ctx)
{
	struct account_change *x = ctx;
	const struct account_row *t = x->t;
	int changed = json_array_size(x->fields) || x->roles, rc = 0;

	if (changed)
		rc = account_update(c, t->id, x->no_display ? NULL : x->display,
				    x->no_unit ? 0 : x->unit_id, x->unit_path,
				    x->roles ? x->to : NULL);
	if (rc == 0 && x->grants_admin)
		rc = account_void_credentials(c, t->id);
	if (rc == 0 && changed) {
		json_t *d = x->roles ? JB_OBJ(jb_ref("fields", x->fields), jb_str("from", x->from),
					      jb_str("to", x->to))
				     : JB_OBJ(jb_ref("fields", x->fields));
		if (x->grants_admin)
			json_object_set_new(d, "credentials_reset", json_true());
		rc = audit_write(x->req, c, x->roles ? "account.roles" : "account.update",
				 "account", t->id, d);
	}
	if (rc == 0 && !x->no_disabled && x->disabled != t->disabled) {
		rc = x->disabled ? account_disable(c, t->id) : account_enable(c, t->id);
		rc = audit_write_after(rc, x->req, c,
				       x->disabled ? "account.disable" : "account.enable",
				       "account", t->id, NULL);
	}
	return account_reread(x->req, c, rc, t->id, &x->r);
}

static void update_account(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct account_body b;
	struct body_seen seen;
	const char *display;
	char from[256] = "", to[256] = "";
	struct account_change x;
	struct account_row *t;
	struct unit_ref u = { 0 };
	json_t *rv, *fields;
	role_set roles = 0;
	int64_t unit_id;
	int disabled, rc, grants_admin;
	int no_display, no_unit, no_disabled; /* 1: the field is absent (or null) */

	if (!c || !(t = account_in_scope_or_reply(req, c, 1)))
		return;
	if (BODY_READ_OR_REPLY(req, account_update_fields, &b, &seen) ||
	    display_name_or_reply(req, b.display))
		return;
	display = b.display;
	unit_id = b.unit_id;
	disabled = b.disabled;
	rv = b.roles;
	no_display = !display;
	no_unit = !unit_id;
	no_disabled = !body_has(&seen, account_update_fields, "disabled") ||
		      body_null(&seen, account_update_fields, "disabled");
	if (rv && roles_or_reply(req, rv, &roles))
		return;
	if (no_display && no_unit && no_disabled && !rv) {
		reply_invalid(req, "body",
			      "nothing to change: give display_name, unit_id, roles "
			      "or disabled");
		return;
	}
	/* A resident's account is the resident's: nothing of it changes here. */
	if (t->roles & RESIDENT) {
		reply_error(req, ERR_ACCOUNT_RESIDENT);
		return;
	}
	if (!no_disabled && disabled && t->id == a->account_id) {
		reply_error(req, ERR_ACCOUNT_SELF);
		return;
	}
	/* Name, unit and the disabled flag: account:write, on business accounts only. */
	if (!no_display || !no_unit || !no_disabled) {
		if (!auth_can(req, "account:write")) {
			reply_error(req, ERR_FORBIDDEN);
			return;
		}
		if (t->roles & (ADMIN_ROLES | RESIDENT)) {
			reply_error(req,
				    t->roles & RESIDENT ? ERR_ACCOUNT_RESIDENT : ERR_ACCOUNT_ADMIN);
			return;
		}
	}
	if (!no_unit && account_unit_or_reply(req, c, unit_id, &u))
		return;
	if (roles == t->roles)
		roles = 0; /* the same set: no role change */
	/* An administrator role newly granted: whatever credentials were set before go. */
	grants_admin = (roles & ADMIN_ROLES & ~t->roles) != 0;
	if (roles && role_change_or_reply(req, t->id, t->roles, roles))
		return;
	if (roles) {
		roles_format(t->roles, from, sizeof from);
		roles_format(roles, to, sizeof to);
	}

	fields = json_array();
	if (!no_display && strcmp(display, t->display_name))
		json_array_append_new(fields, json_string("display_name"));
	if (!no_unit && unit_id != t->unit_id)
		json_array_append_new(fields, json_string("unit_id"));
	x = (struct account_change){ .req = req,
				     .t = t,
				     .display = display,
				     .unit_id = unit_id,
				     .unit_path = no_unit ? NULL : u.path,
				     .roles = roles,
				     .fields = fields,
				     .from = from,
				     .to = to,
				     .no_display = no_display,
				     .no_unit = no_unit,
				     .no_disabled = no_disabled,
				     .disabled = disabled,
				     .grants_admin = grants_admin };
	rc = db_tx_run(c, update_account_tx, &x);
	json_decref(fields);
	reply_account(req, rc, x.r, 200);
}

static int set_password_tx(struct db_conn *c, void *ctx)
{
	struct account_change *x = ctx;
	int rc = account_set_password_hash(c, x->t->id, x->hash);

	if (rc == 0)
		rc = sessions_delete_for_account(c, x->t->id, 0);
	return audit_write_after(rc, x->req, c, "account.reset_password", "account", x->t->id,
				 NULL);
}

static void set_password(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct account_body b;
	struct account_row *t;
	const char *password;
	char hash[PASSWORD_HASH_MAX];
	int rc;

	if (!c || !(t = account_in_scope_or_reply(req, c, 1)))
		return;
	if (t->id == a->account_id) {
		reply_error(req, ERR_ACCOUNT_SELF);
		return;
	}
	if (t->roles & (ADMIN_ROLES | RESIDENT)) {
		reply_error(req, t->roles & RESIDENT ? ERR_ACCOUNT_RESIDENT : ERR_ACCOUNT_ADMIN);
		return;
	}
	if (BODY_READ_OR_REPLY(req, account_password_fields, &b, NULL) ||
	    password_or_reply(req, t->username, b.password))
		return;
	password = b.password;
	if (password_hash(password, hash) < 0) { /* before BEGIN, as in create_account */
		reply_error(req, ERR_INTERNAL);
		return;
	}
	rc = db_tx_run(c, set_password_tx,
		       &(struct account_change){ .req = req, .t = t, .hash = hash });
	sodium_memzero(hash, sizeof hash);
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", t->id), jb_bool("ok", 1)));
}

static int unlock_account_tx(struct db_conn *c, void *ctx)
{
	struct account_change *x = ctx;
	int rc = throttle_clear(c, x->t->username);

	return audit_write_after(rc, x->req, c, "account.unlock", "account", x->t->id,
				 JB_OBJ(jb_bool("was_locked", x->t->locked)));
}

static void unlock_account(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct account_row *t;
	int rc;

	if (!c || !(t = account_in_scope_or_reply(req, c, 1)))
		return;
	rc = db_tx_run(c, unlock_account_tx, &(struct account_change){ .req = req, .t = t });
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", t->id), jb_bool("was_locked", t->locked)));
}

const struct route account_routes[] = {
	{ "GET", "/api/v1/accounts", list_accounts, R_AUTH, "account:read", 0 },
	{ "GET", "/api/v1/accounts/:id", get_account, R_AUTH, "account:read", 0 },
	{ "POST", "/api/v1/accounts", create_account, R_AUTH | R_JSON, "account:write", 4096 },
	/* account:write or account:roles, field by field: checked in the handler */
	{ "PATCH", "/api/v1/accounts/:id", update_account, R_AUTH | R_JSON, "account:read", 4096 },
	{ "POST", "/api/v1/accounts/:id/password", set_password, R_AUTH | R_JSON, "account:write",
	  4096 },
	{ "POST", "/api/v1/accounts/:id/unlock", unlock_account, R_AUTH, "account:unlock", 0 },
	{ 0 },
};
