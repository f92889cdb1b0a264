/*
 * auth_api.c — the authentication hook and the /api/v1/auth endpoints.
 *
 *   POST /api/v1/auth/login     {"username","password"} → {"user","csrf_token"} + cookie
 *   POST /api/v1/auth/logout    ends this session
 *   GET  /api/v1/auth/me        the signed-in account
 *   POST /api/v1/auth/password  {"current_password","new_password"}
 *
 * Sign-in failures are counted per user name (login_throttle), whether an
 * account has that name or not, and an unknown name still costs a password
 * hash, so the answers and their timing say nothing about which names exist.
 * Names no account can have are not counted: login_throttle holds other
 * counters under such names (the registration throttle's "register:<ip>").
 */
#include "auth/auth_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "db/store.h"
#include "http/body.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* A hash of a password nobody knows, to spend the same time on unknown names. */
static char dummy_hash[PASSWORD_HASH_MAX];

static int session_expired(const struct config *cfg, int64_t created, int64_t last_seen,
			   int64_t now)
{
	return now - last_seen > cfg->session_idle || now - created > cfg->session_absolute;
}

static enum err_id hook(struct req *req, int required, const char *perm, int csrf)
{
	const struct config *cfg = req->srv->cfg;
	const char *authz = req_header(req, "Authorization");
	const char *cookie = req_cookie(req, SESSION_COOKIE);
	struct auth *a;
	struct db_conn *c;
	int rc;

	if (!authz && !cookie)
		return required ? ERR_AUTH_REQUIRED : ERR_NONE;
	c = db_conn_thread(req->srv->db);
	if (!c)
		return ERR_DB_UNAVAILABLE;
	a = arena_zalloc(&req->arena, sizeof *a);
	if (authz) {
		const char *tok = authz + 7;
		if (strncasecmp(authz, "Bearer ", 7) != 0 || strlen(tok) != 64)
			return ERR_AUTH_REQUIRED;
		rc = bearer_lookup(c, &req->arena, tok, a);
		if (rc < 0)
			return ERR_DB_UNAVAILABLE;
		if (rc != DB_ROW)
			return ERR_AUTH_REQUIRED; /* a wrong token is an error even where optional
						   */
	} else {
		int64_t created, seen, now = clock_now();
		rc = session_lookup(c, &req->arena, cookie, a, &created, &seen);
		if (rc < 0)
			return ERR_DB_UNAVAILABLE;
		if (rc == DB_ROW && session_expired(cfg, created, seen, now)) {
			session_delete(c, a->session_id);
			rc = DB_DONE;
		}
		if (rc != DB_ROW)
			return required ? ERR_AUTH_REQUIRED : ERR_NONE;
		if (now - seen >= 60)
			session_touch(c, a->session_id, now);
	}
	req->auth = a;
	if (perm && !roles_grant_key(a->roles, perm))
		return ERR_FORBIDDEN;
	if (csrf && a->session_id) {
		const char *x = req_header(req, "X-CSRF-Token");
		if (!x || strlen(x) != strlen(a->csrf_token) ||
		    sodium_memcmp(x, a->csrf_token, strlen(x)) != 0)
			return ERR_CSRF;
	}
	return ERR_NONE;
}

void auth_install(struct server *srv)
{
	if (!dummy_hash[0] && password_hash("dummy password nobody uses 7Kq!", dummy_hash) < 0)
		log_error("cannot prepare the dummy password hash");
	srv->auth_hook = hook;
	metrics_add_source(srv->metrics, password_metrics);
}

int auth_can_key(const struct req *req, const char *perm)
{
	const struct auth *a = req_auth(req);
	return a && roles_grant_key(a->roles, perm);
}

/* people's registration_brief(), installed by cmd (people sits above auth). */
static json_t *(*registration_brief)(struct db_conn *c, int64_t account_id);

void auth_set_registration_brief(json_t *(*fn)(struct db_conn *c, int64_t account_id))
{
	registration_brief = fn;
}

static json_t *user_json(struct req *req, struct db_conn *c, const struct auth *a)
{
	json_t *roles = json_array(), *perms = json_array(), *unit = json_null(), *reg = NULL;
	json_t *community = json_null();
	struct unit_ref u, cu;
	int64_t cid;

	for (int r = 0; r < ROLE__COUNT; r++) {
		if (!(a->roles & ROLE_BIT(r)))
			continue;
		json_array_append_new(roles, json_string(role_name(r)));
		for (int i = 0; role_perm_at(r, i); i++) {
			const char *p = role_perm_at(r, i);
			size_t k;
			json_t *v;
			int seen = 0;
			json_array_foreach(perms, k, v) if (!strcmp(json_string_value(v), p)) seen =
				1;
			if (!seen)
				json_array_append_new(perms, json_string(p));
		}
	}
	if (unit_get(c, a->unit_id, &u) == DB_ROW) {
		unit = JB_OBJ(jb_int("id", u.id), jb_str("code", u.code), jb_str("name", u.name),
			      jb_str("kind", unit_kind_name(u.kind)));
		/* the community the account sits in (or is): its public page is /p/<code> */
		cid = u.kind >= UNIT_COMMUNITY ? org_path_ancestor(u.path, 2, NULL, 0) : 0;
		if (cid && unit_get(c, cid, &cu) == DB_ROW && cu.kind == UNIT_COMMUNITY)
			community = JB_OBJ(jb_str("code", cu.code), jb_str("name", cu.name));
	}
	/*
	 * A resident's latest self-registration tells the app what to show:
	 * waiting, turned down (with the reason), or the household it bound to.
	 */
	if ((a->roles & ROLE_BIT(ROLE_RESIDENT)) && registration_brief)
		reg = registration_brief(c, a->account_id);
	return JB_OBJ(
		jb_int("id", a->account_id), jb_str("username", a->username),
		jb_str("display_name", a->display_name), jb_take("roles", roles),
		jb_int("unit_id", a->unit_id), jb_take("unit", unit),
		jb_take("community", community), jb_take("permissions", perms),
		jb_take("resident_id", a->resident_id ? json_integer(a->resident_id) : json_null()),
		jb_take("registration", reg ? reg : json_null()));
}

static void set_cookie(struct req *req, const char *token, int64_t max_age)
{
	reply_header(req, "Set-Cookie",
		     arena_printf(&req->arena,
				  "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
				  SESSION_COOKIE, token, (long long)max_age,
				  req->srv->cfg->cookie_secure ? "; Secure" : ""));
}

struct login {
	struct req *req;
	const struct auth *a;
	const char *username;
	char *token, *csrf;
	int64_t *sid;
	const char *hash; /* post_password */
};

/* The audit row of x's account acting on itself (at sign-in req has no caller yet). */
static int audit_own(struct db_conn *c, const struct login *x, const char *action)
{
	return audit_append(c, &(struct audit_event){ .actor_id = x->a->account_id,
						      .actor_name = x->a->username,
						      .ip = x->req->ip,
						      .action = action,
						      .object_type = "account",
						      .object_id = x->a->account_id,
						      .outcome = "ok" });
}

/* The new session, the last login, the throttle cleared and the audit row, together. */
static int login_tx(struct db_conn *c, void *ctx)
{
	struct login *x = ctx;
	const struct auth *a = x->a;

	int rc = session_create(c, a->account_id, x->req->ip, x->token, x->csrf, x->sid);

	if (rc >= 0)
		rc = account_touch_login(c, a->account_id, clock_now());
	if (rc >= 0)
		rc = throttle_clear(c, x->username);
	if (rc < 0)
		return rc;
	return audit_own(c, x, "auth.login");
}

static int password_tx(struct db_conn *c, void *ctx)
{
	struct login *x = ctx;
	const struct auth *a = x->a;

	int rc = account_set_password_hash(c, a->account_id, x->hash);

	if (rc >= 0)
		rc = sessions_delete_for_account(c, a->account_id, a->session_id);
	if (rc < 0)
		return rc;
	return audit_own(c, x, "auth.password");
}

struct login_body {
	const char *username, *password, *current, *next;
};
static const struct body_field login_fields[] = {
	BF_STR(struct login_body, username, "username", BF_REQUIRED, 0, 64),
	BF_STR(struct login_body, password, "password", BF_REQUIRED, 0, 256),
};
static const struct body_field password_fields[] = {
	BF_STR(struct login_body, current, "current_password", BF_REQUIRED, 0, 256),
	BF_STR(struct login_body, next, "new_password", BF_REQUIRED, 0, 256),
};

static void post_login(struct req *req)
{
	const struct config *cfg = req->srv->cfg;
	char username[72], pseudo[PHONE_USERNAME_MAX], hash[PASSWORD_HASH_MAX] = "", token[65],
						       csrf[65];
	struct auth a;
	struct db_conn *c;
	int64_t until = 0, sid;
	int rc, disabled = 0, ok, possible, has_hash;

	struct login_body b;

	if (BODY_READ_OR_REPLY(req, login_fields, &b, NULL) || !(c = req_db_or_reply(req)))
		return;
	snprintf(username, sizeof username, "%s", b.username);
	for (char *p = username; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/*
	 * A mobile number signs in to the self-registered account it names
	 * (phone_username); an older account literally named so still works.
	 * The throttle counts the pseudonym, so no phone lands in login_throttle.
	 */
	if (phone_username(req->srv->pii, b.username, pseudo) == 0) {
		int64_t id = 0;
		rc = account_find(c, pseudo, &id);
		if (rc < 0) {
			reply_error(req, ERR_DB_UNAVAILABLE);
			return;
		}
		if (rc == DB_ROW || account_find(c, username, &id) != DB_ROW)
			snprintf(username, sizeof username, "%s", pseudo);
	}
	/*
	 * A name no account can have (account_username_valid; phone numbers are
	 * mapped above) fails without touching login_throttle: its keys are also
	 * other counters' ("register:<ip>", registrations.c), which a sign-in
	 * must not move. It still costs the dummy hash, so timing tells nothing
	 * but what the rule for names says anyway.
	 */
	possible = account_username_valid(username);
	if (possible && throttle_locked_until(c, username, &until) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (until > clock_now()) {
		audit_request(req, "auth.login", "account", 0, "locked",
			      JB_OBJ(jb_str("reason", "locked")));
		reply_header(req, "Retry-After",
			     arena_printf(&req->arena, "%lld", (long long)(until - clock_now())));
		reply_error_ex(req, ERR_AUTH_LOCKED, NULL,
			       JB_OBJ(jb_int("retry_after_seconds", (until - clock_now()))));
		return;
	}
	rc = possible ? account_load(c, &req->arena, username, &a, hash, &disabled) : DB_DONE;
	if (rc < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	/*
	 * Every failure costs one full hash: an account without a password yet
	 * (hub leaders, new administrators) is checked against the dummy hash
	 * like an unknown name, or its quick refusal would tell the name exists.
	 */
	has_hash = rc == DB_ROW && hash[0] == '$';
	ok = password_verify(has_hash ? hash : dummy_hash, b.password) == 0 && has_hash &&
	     !disabled;
	sodium_memzero(hash, sizeof hash);
	if (!ok) {
		int locked = possible ? throttle_fail(c, username, cfg->lockout_failures,
						      cfg->lockout_minutes * 60)
				      : 0;
		struct audit_event ev = {
			.actor_id = rc == DB_ROW ? a.account_id : 0,
			.actor_name = username,
			.ip = req->ip,
			.action = "auth.login",
			.object_type = "account",
			.object_id = rc == DB_ROW ? a.account_id : 0,
			.outcome = "failed",
		};
		json_t *d = JB_OBJ(jb_bool("locked_now", locked == 1));
		ev.details = d;
		audit_record(c, &ev);
		json_decref(d);
		reply_error(req, ERR_AUTH_INVALID);
		return;
	}
	/* Rotate: whatever session this browser had ends here. */
	if (req_cookie(req, SESSION_COOKIE))
		session_delete_token(c, req_cookie(req, SESSION_COOKIE));
	if (db_tx_run(c, login_tx, &(struct login){ req, &a, username, token, csrf, &sid, NULL }) <
	    0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	a.session_id = sid;
	set_cookie(req, token, cfg->session_absolute);
	reply_json(req, 200,
		   JB_OBJ(jb_take("user", user_json(req, c, &a)), jb_str("csrf_token", csrf)));
}

static void post_logout(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);

	if (!c)
		return;
	if (a->session_id)
		session_delete(c, a->session_id);
	audit_request(req, "auth.logout", "account", a->account_id, "ok", NULL);
	set_cookie(req, "", 0);
	reply_json(req, 200, JB_OBJ(jb_bool("ok", 1)));
}

static void get_me(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);

	if (c)
		reply_json(req, 200, JB_OBJ(jb_take("user", user_json(req, c, req_auth(req)))));
}

/*
 * GET /api/v1/auth/session — like /me, but 200 {"user": null} when nobody is
 * signed in: the apps ask it on start, and an expected answer should not be
 * an error in the browser's console.
 */
static void get_session(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);

	if (!c)
		return;
	if (!req_auth(req)) {
		reply_json(req, 200, JB_OBJ(jb_null("user")));
		return;
	}
	reply_json(req, 200,
		   JB_OBJ(jb_take("user", user_json(req, c, req_auth(req))),
			  jb_str("csrf_token",
				 req_auth(req)->csrf_token ? req_auth(req)->csrf_token : "")));
}

static void post_password(struct req *req)
{
	const struct auth *a = req_auth(req);
	const char *why;
	char hash[PASSWORD_HASH_MAX];
	struct auth me;
	struct db_conn *c;
	int disabled, rc;

	struct login_body b;

	if (BODY_READ_OR_REPLY(req, password_fields, &b, NULL) || !(c = req_db_or_reply(req)))
		return;
	rc = account_load_by_id(c, &req->arena, a->account_id, &me, hash, &disabled);
	if (rc != DB_ROW || password_verify(hash, b.current) < 0) {
		audit_request(req, "auth.password", "account", a->account_id, "failed", NULL);
		reply_error(req, ERR_AUTH_INVALID);
		return;
	}
	if (password_policy(b.next, a->username, &why) < 0) {
		reply_error_ex(req, ERR_AUTH_WEAK_PASSWORD, NULL, JB_OBJ(jb_str("reason", why)));
		return;
	}
	/* argon2id before BEGIN, so the write lock is not held over it */
	if (password_hash(b.next, hash) < 0) {
		reply_error(req, ERR_INTERNAL);
		return;
	}
	rc = db_tx_run(c, password_tx, &(struct login){ .req = req, .a = a, .hash = hash }) < 0;
	sodium_memzero(hash, sizeof hash);
	if (rc) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_bool("ok", 1)));
}

const struct route auth_routes[] = {
	{ "POST", "/api/v1/auth/login", post_login, R_JSON | R_NO_CSRF, NULL, 4096 },
	{ "POST", "/api/v1/auth/logout", post_logout, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/auth/me", get_me, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/auth/session", get_session, R_AUTH_OPTIONAL, NULL, 0 },
	{ "POST", "/api/v1/auth/password", post_password, R_AUTH | R_JSON, NULL, 4096 },
	{ 0 },
};
