/*
 * organisations_api.c — the organisation register (组织登记): government
 * bodies, resident units, enterprises, social organisations and schools that
 * joint committees take as members, each with a contact person.
 *
 *   POST  /api/v1/organisations               committee:write {name, kind, unit_id,
 *         contact_person?, phone?, address?, note?}              → 201
 *   GET   /api/v1/organisations?unit=&kind=&q=  org:read
 *   GET   /api/v1/organisations/:id             org:read, with its committees
 *   PATCH /api/v1/organisations/:id             committee:write
 *   POST  /api/v1/organisations/:id/reveal      committee:write → the plain phone, audited
 *
 * An organisation is kept by a street or the district. It is visible to staff
 * whose subtree holds that unit and to staff below it (a community's staff
 * read their street's register); it is changed by staff whose subtree holds
 * it (403 committee.not_manager for those below). The contact phone is sealed
 * like a resident's: answers carry its mask; reading it is audited.
 */
#include "committees/committees.h"
#include "committees/committees_int.h"

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

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The organisation of the route's :id, visible (404) and, when manage is set, kept inside
 * the caller's subtree (403 committee.not_manager): 0, or -1 having answered. */
struct org_seen {
	char path[256];
};

static int org_seen_copy(void *ctx, const struct org_view *v)
{
	snprintf(((struct org_seen *)ctx)->path, 256, "%s", v->unit_path ? v->unit_path : "");
	return 0;
}

static int org_route_or_reply(struct req *req, struct db_conn *c, int manage, int64_t *id)
{
	const char *viewer = req_auth(req)->unit_path;
	struct org_seen s = { "" };
	int rc;

	if (req_param_id_or_reply(req, "id", id))
		return -1;
	rc = cstore_org_view(c, *id, org_seen_copy, &s);
	if (req_row_or_reply(req, rc,
			     rc == DB_ROW &&
				     (path_within(s.path, viewer) || path_within(viewer, s.path)),
			     NULL))
		return -1;
	if (manage && !path_within(s.path, viewer)) {
		reply_error(req, ERR_COMMITTEE_NOT_MANAGER);
		return -1;
	}
	return 0;
}

struct org_answer {
	struct db_conn *c;
	const char *lo, *hi;
	int full;
	json_t *out;
};

static int committee_ref_add(void *ctx, int64_t id, const char *name, const char *role)
{
	return json_array_append_new(ctx, JB_OBJ(jb_int("id", id), jb_str("name", name ? name : ""),
						 jb_str("role", role ? role : "")))
		       ? -1
		       : 0;
}

static int org_answer_row(void *ctx, const struct org_view *v)
{
	struct org_answer *x = ctx;
	json_t *list;

	x->out = org_json(v);
	if (!x->out || !x->full)
		return 0;
	list = json_array();
	if (!list ||
	    cstore_org_committees(x->c, v->id, x->lo, x->hi, committee_ref_add, list) < 0 ||
	    json_object_set_new(x->out, "committees", list)) {
		json_decref(x->out);
		x->out = NULL;
	}
	return 0;
}

static void org_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	char hi[256];
	const char *lo = req_auth(req)->unit_path;
	struct org_answer x = { c, lo, hi, 1, NULL };
	int rc;

	path_upper(lo, hi, sizeof hi);
	rc = cstore_org_view(c, id, org_answer_row, &x);
	if (req_row_or_reply(req, rc, rc == DB_ROW, &x.out) == 0)
		reply_json(req, status, x.out);
}

/* ---- POST /organisations -------------------------------------------------------------- */

struct org_body {
	int64_t unit_id;
	const char *name, *kind, *contact_person, *phone, *address, *note;
};

#define ORG_FIELDS(req_)                                                                           \
	BF_STR(struct org_body, name, "name", req_, 1, 100),                                       \
		BF_STR(struct org_body, kind, "kind", req_, 1, 16),                                \
		BF_STR(struct org_body, contact_person, "contact_person", BF_OPTIONAL, 0, 50),     \
		BF_STR_NULL(struct org_body, phone, "phone", 0, 30),                               \
		BF_STR(struct org_body, address, "address", BF_OPTIONAL, 0, 200),                  \
		BF_STR(struct org_body, note, "note", BF_OPTIONAL, 0, 1000)

static const struct body_field create_fields[] = {
	BF_ID(struct org_body, unit_id, "unit_id", BF_REQUIRED),
	ORG_FIELDS(BF_REQUIRED),
};

/* The kind and the phone (normalised into norm; NULL when none): 0, or -1 having answered. */
static int org_checks_or_reply(struct req *req, const struct org_body *b, char norm[24],
			       const char **phone)
{
	*phone = NULL;
	if (!organisation_kind_valid(b->kind)) {
		reply_invalid(req, "kind",
			      "gov, resident_unit, enterprise, social_org, school or other");
		return -1;
	}
	if (!b->phone || !b->phone[0])
		return 0;
	if (pii_phone_normalize(b->phone, norm) < 0) {
		reply_invalid(req, "phone", "a mainland mobile or landline number");
		return -1;
	}
	*phone = norm;
	return 0;
}

struct org_new {
	struct req *req;
	struct organisation_in in;
	int64_t id;
};

static int org_create_tx(struct db_conn *c, void *ctx)
{
	struct org_new *x = ctx;
	int rc = organisation_create(c, x->req->srv->pii, &x->in, &x->id);

	return audit_write_after(
		rc, x->req, c, "organisation.create", "organisation", x->id,
		JB_OBJ(jb_int("unit_id", x->in.unit_id), jb_str("kind", x->in.kind)));
}

static void create_org(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct org_body b;
	struct unit_ref u;
	char norm[24];
	const char *phone;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_STREET && u.kind != UNIT_DISTRICT) {
		reply_invalid(req, "unit_id", "a street or the district");
		return;
	}
	if (org_checks_or_reply(req, &b, norm, &phone))
		return;
	struct org_new x = { .req = req,
			     .in = { .unit_id = u.id,
				     .name = b.name,
				     .kind = b.kind,
				     .contact_person = b.contact_person,
				     .address = b.address,
				     .note = b.note,
				     .phone = phone,
				     .created_by = req_auth(req)->account_id } };
	rc = db_tx_run(c, org_create_tx, &x);
	sodium_memzero(norm, sizeof norm);
	if (committee_tx_or_reply(req, rc, ERR_COMMITTEE_ORG_EXISTS))
		return;
	org_reply(req, c, 201, x.id);
}

/* ---- reading ---------------------------------------------------------------------- */

static void get_org(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id;

	if (!c || org_route_or_reply(req, c, 0, &id))
		return;
	org_reply(req, c, 200, id);
}

static int org_page_row(void *ctx, const struct org_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->id, p->n < p->limit ? org_json(v) : NULL);
}

static void list_orgs(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *viewer = req_auth(req)->unit_path, *unit = req_query(req, "unit");
	struct org_filter f = { .lo = viewer, .viewer = viewer };
	char hi[256], at_hi[256];
	struct unit_ref u;
	struct page p;
	int64_t uid;

	if (!c || page_begin_or_reply(req, &p) ||
	    committee_query_name_or_reply(
		    req, "kind", organisation_kind_valid,
		    "gov, resident_unit, enterprise, social_org, school or other", &f.kind))
		return;
	f.q = req_query(req, "q");
	if (f.q && (!f.q[0] || utf8_chars(f.q, strlen(f.q)) > 50)) {
		reply_invalid(req, "q", "1 to 50 characters");
		return;
	}
	path_upper(viewer, hi, sizeof hi);
	f.hi = hi;
	if (unit) {
		int rc = parse_int64(unit, 1, INT64_MAX, &uid) ? DB_DONE : unit_get(c, uid, &u);
		if (req_row_or_reply(req, rc,
				     rc == DB_ROW && (path_within(u.path, viewer) ||
						      path_within(viewer, u.path)),
				     NULL))
			return;
		path_upper(u.path, at_hi, sizeof at_hi);
		f.at_path = arena_strdup(&req->arena, u.path);
		f.at_hi = at_hi;
	}
	f.before = p.cursor ? p.cursor : INT64_MAX;
	f.limit = p.limit + 1;
	page_reply(&p, cstore_org_list(c, &f, org_page_row, &p));
}

/* ---- PATCH /organisations/:id ------------------------------------------------------- */

static const struct body_field update_fields[] = { ORG_FIELDS(BF_OPTIONAL) };

struct org_stored {
	struct org_body *b;
	struct arena *a;
};

static int org_stored_row(void *ctx, const struct org_view *v)
{
	struct org_stored *s = ctx;

	s->b->name = arena_strdup(s->a, v->name ? v->name : "");
	s->b->kind = arena_strdup(s->a, v->kind ? v->kind : "");
	s->b->contact_person = arena_strdup(s->a, v->contact_person ? v->contact_person : "");
	s->b->address = arena_strdup(s->a, v->address ? v->address : "");
	s->b->note = arena_strdup(s->a, v->note ? v->note : "");
	return 0;
}

struct org_upd {
	struct req *req;
	int64_t id;
	struct org_edit e;
};

static int org_update_tx(struct db_conn *c, void *ctx)
{
	struct org_upd *x = ctx;

	return audit_write_after(cstore_org_update(c, x->id, &x->e, clock_now()), x->req, c,
				 "organisation.update", "organisation", x->id, NULL);
}

static void update_org(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct org_body b = { 0 };
	struct org_stored s = { &b, &req->arena };
	struct body_seen seen;
	unsigned char blob[PII_MAX_BLOB];
	char norm[24], mask[24] = "";
	const char *phone;
	int64_t id;
	int rc;

	if (!c || org_route_or_reply(req, c, 1, &id))
		return;
	rc = cstore_org_view(c, id, org_stored_row, &s);
	if (req_found_or_reply(req, rc) || BODY_UPDATE_OR_REPLY(req, update_fields, &b, &seen) ||
	    org_checks_or_reply(req, &b, norm, &phone))
		return;
	struct org_upd x = { .req = req,
			     .id = id,
			     .e = { .name = b.name,
				    .kind = b.kind,
				    .contact_person = b.contact_person,
				    .address = b.address,
				    .note = b.note,
				    .keep_phone = !body_has(&seen, update_fields, "phone") } };
	if (phone) {
		int n = pii_encrypt(req->srv->pii, PII_PHONE, phone, blob);
		if (n < 0) {
			reply_error(req, ERR_INTERNAL);
			return;
		}
		pii_mask(PII_PHONE, phone, mask);
		x.e.phone_enc = blob;
		x.e.phone_n = (size_t)n;
		x.e.phone_mask = mask;
	}
	rc = db_tx_run(c, org_update_tx, &x);
	sodium_memzero(norm, sizeof norm);
	if (committee_tx_or_reply(req, rc, ERR_COMMITTEE_ORG_EXISTS))
		return;
	org_reply(req, c, 200, id);
}

/* ---- POST /organisations/:id/reveal ----------------------------------------------- */

struct org_reveal {
	struct req *req;
	int64_t id;
	char phone[PII_MAX_PLAIN + 1];
};

static int reveal_tx(struct db_conn *c, void *ctx)
{
	struct org_reveal *x = ctx;
	unsigned char blob[PII_MAX_BLOB];
	size_t n = 0;
	int rc = cstore_org_phone(c, x->id, blob, sizeof blob, &n);

	x->phone[0] = '\0';
	if (rc < 0)
		return rc;
	if (n && pii_decrypt(x->req->srv->pii, PII_PHONE, blob, n, x->phone) < 0)
		return DB_ERR;
	return audit_write_after(0, x->req, c, "organisation.reveal", "organisation", x->id,
				 JB_OBJ(jb_take("fields", JB_ARR(jv_str("phone")))));
}

static void reveal_org(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct org_reveal x = { .req = req };
	int rc;

	if (!c || org_route_or_reply(req, c, 1, &x.id))
		return;
	rc = db_tx_run(c, reveal_tx, &x);
	if (committee_tx_or_reply(req, rc, ERR_NONE))
		return;
	reply_json(req, 200, JB_OBJ(jb_str_or_null("phone", x.phone[0] ? x.phone : NULL)));
	sodium_memzero(x.phone, sizeof x.phone);
}

const struct route organisation_routes[] = {
	{ "POST", "/api/v1/organisations", create_org, R_JSON, "committee:write", 0 },
	{ "GET", "/api/v1/organisations", list_orgs, R_AUTH, "deliberation:read", 0 },
	{ "GET", "/api/v1/organisations/:id", get_org, R_AUTH, "deliberation:read", 0 },
	{ "PATCH", "/api/v1/organisations/:id", update_org, R_JSON, "committee:write", 0 },
	{ "POST", "/api/v1/organisations/:id/reveal", reveal_org, R_AUTH, "committee:write", 0 },
	{ 0 },
};
