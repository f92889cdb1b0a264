/*
 * roster_api.c — the representative roster and the meeting types' settings.
 *
 *   GET   /api/v1/representatives?unit=&kind=&active=&q=&limit=&cursor=   org:read
 *   GET   /api/v1/representatives/:id                                    org:read
 *   POST  /api/v1/representatives     deliberation:write  {unit_id, name, kind, phone?,
 *                                     account_id?, organisation?, active?}   → 201
 *   PATCH /api/v1/representatives/:id deliberation:write                     → 200
 *   GET   /api/v1/meeting-types                                          org:read
 *   PUT   /api/v1/meeting-types/:type deliberation:settings, at the district root
 *
 * A roster belongs to a community or a street. Staff read the rosters in
 * their subtree and, from below, the roster of their own community or street
 * (a hub leader at a grid invites the community's representatives); they
 * change only those in their subtree. Another community's roster is 404 as
 * if absent. A phone is sealed with the personal-data keys and shown masked.
 */
#include "meetings/meetings.h"
#include "meetings/meetings_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/caller.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"
#include "pii/pii.h"

#include <stdio.h>
#include <string.h>

/* May the caller read the roster of a unit at path: inside its subtree, or its own
 * community or street above it. */
static int roster_readable(const char *path, const char *caller)
{
	if (path_within(path, caller))
		return 1;
	return path_within(caller, path) && org_path_id(path, 1) && !org_path_id(path, 3);
}

/* ---- reading ------------------------------------------------------------------------ */

struct rep_seen {
	struct req *req;
	json_t *json;
	int64_t unit_id;
	const char *path;
	int ok;
};

static int rep_seen_row(void *ctx, const struct rep_view *v)
{
	struct rep_seen *s = ctx;

	s->ok = roster_readable(v->unit_path, req_auth(s->req)->unit_path);
	s->unit_id = v->unit_id;
	s->path = arena_strdup(&s->req->arena, v->unit_path);
	s->json = s->ok ? rep_json(v) : NULL;
	return 0;
}

void rep_get(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct rep_seen s = { .req = req };
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = rep_store_get(c, id, rep_seen_row, &s);
	if (!req_row_or_reply(req, rc, rc == DB_ROW && s.ok, &s.json))
		reply_json(req, 200, s.json);
	else
		json_decref(s.json);
}

static int rep_page_row(void *ctx, const struct rep_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->id, p->n < p->limit ? rep_json(v) : NULL);
}

void rep_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *caller = req_auth(req)->unit_path, *kind = req_query(req, "kind");
	const char *active = req_query(req, "active"), *q = req_query(req, "q");
	const char *unit = req_query(req, "unit");
	struct rep_filter f = { .kind = kind, .active = -1, .q = q };
	struct unit_ref u;
	char hi[256];
	struct page p;
	int64_t uid;

	if (!c || page_begin_or_reply(req, &p))
		return;
	if (kind && !representative_kind_valid(kind)) {
		reply_invalid(req, "kind", "one of the representative kinds");
		return;
	}
	if (active && strcmp(active, "0") && strcmp(active, "1")) {
		reply_invalid(req, "active", "1 or 0");
		return;
	}
	if (q && (!*q || strlen(q) > 200)) {
		reply_invalid(req, "q", "1 to 50 characters");
		return;
	}
	f.active = active ? active[0] - '0' : -1;
	if (unit) {
		int rc = parse_int64(unit, 1, INT64_MAX, &uid) ? DB_DONE : unit_get(c, uid, &u);
		if (req_row_or_reply(req, rc, rc == DB_ROW && roster_readable(u.path, caller),
				     NULL))
			return;
	} else {
		int rc = unit_get(c, req_auth(req)->unit_id, &u);
		if (req_found_or_reply(req, rc))
			return;
		if (u.kind == UNIT_GRID || u.kind == UNIT_BUILDING) {
			uid = meeting_roster_unit(u.path);
			rc = unit_get(c, uid, &u);
			if (req_found_or_reply(req, rc))
				return;
		}
	}
	if (path_within(u.path, caller)) {
		path_upper(u.path, hi, sizeof hi);
		f.lo = u.path;
		f.hi = hi;
	} else {
		f.unit_id = u.id;
	}
	f.after = p.cursor;
	f.limit = p.limit + 1;
	page_reply(&p, rep_store_list(c, &f, rep_page_row, &p));
}

/* ---- writing ------------------------------------------------------------------------------ */

struct rep_body {
	int64_t unit_id, account_id;
	const char *name, *kind, *phone, *organisation;
	int active;
};

static const struct body_field create_fields[] = {
	BF_ID(struct rep_body, unit_id, "unit_id", BF_REQUIRED),
	BF_STR(struct rep_body, name, "name", BF_REQUIRED, 1, 50),
	BF_STR(struct rep_body, kind, "kind", BF_REQUIRED, 1, 24),
	BF_STR_NULL(struct rep_body, phone, "phone", 1, 20),
	BF_ID(struct rep_body, account_id, "account_id", BF_OPTIONAL),
	BF_STR_DEF(struct rep_body, organisation, "organisation", 0, 100, ""),
	BF_BOOL(struct rep_body, active, "active", BF_OPTIONAL, 1),
};

/* The checks create and update share; phone normalised into norm (NULL: none). */
static int rep_fields_or_reply(struct req *req, struct db_conn *c, const struct rep_body *b,
			       char norm[24])
{
	int found = 0, rc;

	if (!representative_kind_valid(b->kind)) {
		reply_invalid(req, "kind", "one of the representative kinds");
		return -1;
	}
	if (body_nonempty_or_reply(req, "name", b->name))
		return -1;
	if (b->phone && pii_phone_normalize(b->phone, norm)) {
		reply_invalid(req, "phone", "a mainland mobile number");
		return -1;
	}
	if (!b->account_id)
		return 0;
	rc = rep_store_account_exists(c, b->account_id, &found);
	return req_ok_or_invalid(req, rc, found, "account_id", "an existing account");
}

struct rep_new {
	struct req *req;
	struct representative_in in;
	int64_t id;
	int refused;
};

static int create_tx(struct db_conn *c, void *ctx)
{
	struct rep_new *x = ctx;
	int rc = representative_add(c, x->req->srv->pii, &x->in, clock_now(), &x->id);

	if (rc > 0)
		return x->refused = rc, DB_EABORT;
	return audit_write_after(
		rc, x->req, c, "representative.create", "representative", x->id,
		JB_OBJ(jb_int("unit_id", x->in.unit_id), jb_str("kind", x->in.kind)));
}

static void rep_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	struct rep_seen s = { .req = req };
	int rc = rep_store_get(c, id, rep_seen_row, &s);

	if (rc == DB_ROW && s.json)
		reply_json(req, status, s.json);
	else
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
}

void rep_create(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct rep_body b;
	struct unit_ref u;
	char norm[24];
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u) || rep_fields_or_reply(req, c, &b, norm))
		return;
	if (u.kind != UNIT_COMMUNITY && u.kind != UNIT_STREET) {
		reply_invalid(req, "unit_id", "a community or a street");
		return;
	}
	struct rep_new x = {
		.req = req,
		.in = { .unit_id = u.id,
			.name = b.name,
			.kind = b.kind,
			.organisation = b.organisation,
			.phone = b.phone ? norm : NULL,
			.account_id = b.account_id,
			.active = b.active },
	};
	rc = db_tx_run(c, create_tx, &x);
	if (rc == DB_EABORT)
		meeting_refusal_reply(req, x.refused, "", 0, NULL, NULL);
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		rep_reply(req, c, 201, x.id);
}

static const struct body_field update_fields[] = {
	BF_STR(struct rep_body, name, "name", BF_OPTIONAL, 1, 50),
	BF_STR(struct rep_body, kind, "kind", BF_OPTIONAL, 1, 24),
	BF_STR_NULL(struct rep_body, phone, "phone", 1, 20),
	BF_STR_NULL(struct rep_body, organisation, "organisation", 0, 100),
	BF_ID(struct rep_body, account_id, "account_id", BF_OPTIONAL),
	BF_BOOL(struct rep_body, active, "active", BF_OPTIONAL, 1),
};

/* The stored row as the update's start. */
struct rep_stored {
	struct req *req;
	struct rep_body *b;
	int64_t unit_id;
	const char *path;
};

static int stored_row(void *ctx, const struct rep_view *v)
{
	struct rep_stored *s = ctx;
	struct arena *a = &s->req->arena;

	s->b->name = arena_strdup(a, v->name);
	s->b->kind = arena_strdup(a, v->kind);
	s->b->organisation = arena_strdup(a, v->organisation ? v->organisation : "");
	s->b->account_id = v->account_id;
	s->b->active = (int)v->active;
	s->b->phone = NULL;
	s->unit_id = v->unit_id;
	s->path = arena_strdup(a, v->unit_path);
	return 0;
}

struct rep_upd {
	struct req *req;
	int64_t id, unit_id;
	struct rep_edit e;
};

static int update_tx(struct db_conn *c, void *ctx)
{
	struct rep_upd *x = ctx;
	int taken = 0, rc = 0;

	if (x->e.account_id)
		rc = rep_store_account_taken(c, x->unit_id, x->e.account_id, x->id, &taken);
	if (rc == 0 && taken)
		return DB_EABORT;
	if (rc == 0)
		rc = rep_store_update(c, x->id, &x->e, clock_now());
	return audit_write_after(rc, x->req, c, "representative.update", "representative", x->id,
				 NULL);
}

void rep_update(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct rep_body b = { 0 };
	struct rep_stored s = { .req = req, .b = &b };
	struct body_seen seen;
	unsigned char blob[PII_MAX_BLOB];
	char norm[24], mask[24];
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = rep_store_get(c, id, stored_row, &s);
	if (req_row_or_reply(req, rc, rc == DB_ROW && path_within(s.path, req_auth(req)->unit_path),
			     NULL))
		return;
	if (BODY_UPDATE_OR_REPLY(req, update_fields, &b, &seen))
		return;
	if (body_null(&seen, update_fields, "account_id"))
		b.account_id = 0;
	if (!b.organisation)
		b.organisation = "";
	if (rep_fields_or_reply(req, c, &b, norm))
		return;
	struct rep_upd x = { .req = req,
			     .id = id,
			     .unit_id = s.unit_id,
			     .e = { .name = b.name,
				    .kind = b.kind,
				    .organisation = b.organisation,
				    .account_id = b.account_id,
				    .active = b.active,
				    .phone_set = body_has(&seen, update_fields, "phone") } };
	if (x.e.phone_set && b.phone) {
		int len = pii_encrypt(req->srv->pii, PII_PHONE, norm, blob);
		if (len < 0) {
			reply_error(req, ERR_INTERNAL);
			return;
		}
		pii_mask(PII_PHONE, norm, mask);
		x.e.phone_enc = blob;
		x.e.phone_len = (size_t)len;
		x.e.phone_mask = mask;
	}
	rc = db_tx_run(c, update_tx, &x);
	if (rc == DB_EABORT)
		reply_error(req, ERR_MEETING_ACCOUNT_TAKEN);
	else if (rc < 0)
		reply_db_error(req, rc);
	else
		rep_reply(req, c, 200, id);
}

/* ---- meeting types -------------------------------------------------------------------------- */

static int type_item(void *ctx, const struct meeting_type_view *v)
{
	json_t *o = meeting_type_json(v);

	return o && !json_array_append_new(ctx, o) ? 0 : DB_ERR;
}

/* The types in the documented order (the table's order is not). */
static json_t *types_json(struct db_conn *c)
{
	json_t *arr = json_array();

	for (int i = 0; arr && meeting_type_at(i); i++)
		if (mt_store_type(c, meeting_type_at(i), type_item, arr) < 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

void meeting_types_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	json_t *arr;

	if (!c)
		return;
	arr = types_json(c);
	if (!arr)
		reply_error(req, ERR_DB_UNAVAILABLE);
	else
		reply_json(req, 200, JB_OBJ(jb_take("items", arr)));
}

struct type_body {
	int64_t quorum_pct, pass_pct;
};

static const struct body_field type_fields[] = {
	/* "more than pct": 100 would make every meeting inquorate; below 50 a minority passes */
	BF_INT(struct type_body, quorum_pct, "quorum_pct", BF_REQUIRED, 0, 99, 50),
	BF_INT(struct type_body, pass_pct, "pass_pct", BF_REQUIRED, 50, 99, 50),
};

struct type_set {
	struct req *req;
	const char *type;
	struct type_body b;
};

static int type_tx(struct db_conn *c, void *ctx)
{
	struct type_set *x = ctx;
	int rc = mt_store_type_set(c, x->type, x->b.quorum_pct, x->b.pass_pct,
				   req_auth(x->req)->account_id, clock_now());

	return audit_write_after(rc, x->req, c, "meeting_type.update", "meeting_type", 0,
				 JB_OBJ(jb_str("type", x->type),
					jb_int("quorum_pct", x->b.quorum_pct),
					jb_int("pass_pct", x->b.pass_pct)));
}

static int type_one(void *ctx, const struct meeting_type_view *v)
{
	*(json_t **)ctx = meeting_type_json(v);
	return 0;
}

void meeting_type_put(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *type = req_param(req, "type");
	struct type_set x = { .req = req, .type = type };
	json_t *o = NULL;
	int rc;

	if (!c)
		return;
	if (!meeting_type_valid(type)) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (org_path_id(req_auth(req)->unit_path, 1)) {
		reply_error(req, ERR_MEETING_SETTINGS_DISTRICT);
		return;
	}
	if (BODY_READ_OR_REPLY(req, type_fields, &x.b, NULL))
		return;
	rc = db_tx_run(c, type_tx, &x);
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	rc = mt_store_type(c, type, type_one, &o);
	if (rc == DB_ROW && o)
		reply_json(req, 200, o);
	else
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
}
