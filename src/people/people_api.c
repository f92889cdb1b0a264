/*
 * people_api.c — households, residents, Party members and central households.
 *
 *   GET  /api/v1/households?unit=        POST /api/v1/households {building_id, room, address?}
 *   GET  /api/v1/households/:id
 *   GET  /api/v1/residents?unit=&q=&phone=&tag=   (phone: exact, through the blind index)
 *   GET  /api/v1/residents/:id            POST /api/v1/residents   PATCH /api/v1/residents/:id
 *   POST /api/v1/residents/:id/reveal     → plaintext phone and ID number, audited
 *   GET  /api/v1/party-members?unit=      POST /api/v1/party-members
 *   GET  /api/v1/central-households?unit= POST /api/v1/central-households
 *
 * Scope: rows carry unit_path; every query has the range predicate. A
 * resident account reaches only its own record (GET /residents/:id).
 */
#include "people/people.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people/people_int.h"

/* ---- paging ---------------------------------------------------------------- */

int people_page_or_reply(struct req *req, struct db_conn *c, struct scope *sc, struct page *pg)
{
	return scope_unit_or_reply(req, c, req_query(req, "unit"), sc) ||
			       page_begin_or_reply(req, pg)
		       ? -1
		       : 0;
}

/* A paged list of the caller's scope (?unit= narrows it) read by fn. */
static void scoped_list(struct req *req, people_list_fn fn)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	struct page pg;

	if (!c || people_page_or_reply(req, c, &sc, &pg))
		return;
	page_reply(&pg, fn(c, sc.lo, sc.hi, pg.cursor, &pg));
}

/* ---- households ------------------------------------------------------ */

ROUTE_HANDLER_WITH(list_households, scoped_list, people_store_households)

void people_scoped_get(struct req *req, people_get_fn fn)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id;
	json_t *out = NULL;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = fn(c, id, req_auth(req)->unit_path, &out);
	if (rc == DB_ROW)
		reply_json(req, 200, out);
	else
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
}

ROUTE_HANDLER_WITH(get_household, people_scoped_get, people_store_household)

/*
 * One transaction per write, run by db_tx_run(); the callbacks take their
 * inputs from struct people_change and leave the new row's id in it.
 * DB_EABORT means the write was refused (not found, or a duplicate): each
 * handler says which.
 */
struct people_change {
	struct req *req;
	int64_t id, id2, id3, now;
	const char *path, *s1, *s2, *scope;
	struct resident_in *in;
	int set_gender;
	json_t *served;
};

static int create_household_tx(struct db_conn *c, void *ctx)
{
	struct people_change *x = ctx;
	int rc = people_store_household_insert(c, x->id2, x->path, x->s1, x->s2, x->now, &x->id);

	return audit_write_after(rc, x->req, c, "household.create", "household", x->id, NULL);
}

/* DB_EABORT: no such household in the caller's area */
static int update_household_tx(struct db_conn *c, void *ctx)
{
	struct people_change *x = ctx;
	int rc = people_store_household_update(c, x->id, x->s1, x->s2, x->scope, clock_now());

	if (rc == DB_DONE)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "household.update", "household", x->id, NULL);
}

struct household_body {
	int64_t building_id;
	const char *room, *address;
};
static const struct body_field household_create_fields[] = {
	BF_ID(struct household_body, building_id, "building_id", BF_REQUIRED),
	BF_STR(struct household_body, room, "room", BF_REQUIRED, 0, 40),
	BF_STR_DEF(struct household_body, address, "address", 0, 300, ""),
};
static const struct body_field household_update_fields[] = {
	BF_STR(struct household_body, room, "room", BF_OPTIONAL, 0, 40),
	BF_STR(struct household_body, address, "address", BF_OPTIONAL, 0, 300),
};

static void create_household(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct household_body hb;
	struct people_change x;
	int64_t bid, now = clock_now();
	struct unit_ref b;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, household_create_fields, &hb, NULL))
		return;
	bid = hb.building_id;
	if (unit_in_scope_or_reply(req, c, bid, &b))
		return;
	if (b.kind != UNIT_BUILDING) {
		reply_invalid(req, "building_id", "households belong to a building");
		return;
	}
	if (body_nonempty_or_reply(req, "room", hb.room))
		return;
	x = (struct people_change){
		.req = req, .id2 = bid, .path = b.path, .s1 = hb.room, .s2 = hb.address, .now = now
	};
	rc = db_tx_run(c, create_household_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_int("building_id", bid), jb_str("room", hb.room)));
}

static void update_household(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct household_body hb;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, household_update_fields, &hb, NULL) ||
	    body_nonempty_or_reply(req, "room", hb.room))
		return;
	rc = db_tx_run(c, update_household_tx,
		       &(struct people_change){ .req = req,
						.id = id,
						.s1 = hb.room,
						.s2 = hb.address,
						.scope = req_auth(req)->unit_path });
	reply_tx_refused(req, rc, ERR_NOT_FOUND, 200, JB_OBJ(jb_int("id", id)));
}

/* ---- residents --------------------------------------------------------- */

void people_retry_reply(struct req *req, enum err_id e, int64_t wait)
{
	if (wait < 1)
		wait = 1;
	reply_header(req, "Retry-After", arena_printf(&req->arena, "%lld", (long long)wait));
	reply_error_ex(req, e, NULL, JB_OBJ(jb_int("retry_after_seconds", wait)));
}

/*
 * An exact-match look-up by phone or ID number is an oracle: a mask hides
 * four digits, and 10,000 tries would find the number. Writing a resident
 * with an ID number is one too (409 resident.duplicate_id_number says the
 * number is registered, anywhere in the district), so it counts the same. So every one is
 * counted against the account (search_limit an hour, in login_throttle under
 * "search:<account id>") and audited as search.exact with the field and the
 * outcome, never the value. Returns 0 to go on, -1 having answered (429
 * search.limited with Retry-After, or 503).
 */
int exact_search_or_reply(struct req *req, struct db_conn *c, const char *field)
{
	const struct auth *a = req_auth(req);
	char key[64];
	int64_t n = 0, start = 0, now = clock_now();
	int over;

	snprintf(key, sizeof key, "search:%lld", (long long)a->account_id);
	if (throttle_count(c, key, EXACT_SEARCH_WINDOW, &n, &start) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	over = n > req->srv->cfg->search_limit;
	if (audit_request(req, "search.exact", "account", a->account_id, over ? "denied" : "ok",
			  JB_OBJ(jb_str("field", field))) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	if (over) {
		people_retry_reply(req, ERR_SEARCH_LIMITED, start + EXACT_SEARCH_WINDOW - now);
		return -1;
	}
	return 0;
}

static void list_residents(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct scope sc;
	const char *q = req_query(req, "q"), *phone = req_query(req, "phone"),
		   *tag = req_query(req, "tag");
	unsigned char bidx[PII_BIDX_BYTES];
	char norm[24];
	struct page pg;

	if (!c || people_page_or_reply(req, c, &sc, &pg))
		return;
	if (phone) {
		if (pii_phone_normalize(phone, norm) < 0) {
			reply_invalid(req, "phone", "a mainland mobile or landline number");
			return;
		}
		pii_blind_index(req->srv->pii, PII_PHONE, norm, bidx);
		sodium_memzero(norm, sizeof norm);
	}
	if (q && (strlen(q) == 0 || strlen(q) > 60)) {
		reply_invalid(req, "q", "1 to 60 bytes of a name");
		return;
	}
	if (tag && !strstr(RESIDENT_TAGS, tag)) {
		reply_invalid(req, "tag", RESIDENT_TAGS);
		return;
	}
	if (phone && exact_search_or_reply(req, c, "phone"))
		return;
	page_reply(&pg, people_store_residents(c,
					       &(struct resident_filter){
						       .lo = sc.lo,
						       .hi = sc.hi,
						       .q = q,
						       .phone = phone ? bidx : NULL,
						       .tag = tag,
					       },
					       pg.cursor, &pg));
}

/*
 * The resident row if the account may see it: inside its scope for staff
 * holding perm, or its own record for a resident. NULL when answered (404).
 */
static json_t *resident_visible_or_reply(struct req *req, struct db_conn *c, int64_t id,
					 const char *perm)
{
	const struct auth *a = req_auth(req);
	json_t *out = NULL;
	int staff = roles_grant_key(a->roles, perm), rc;

	if (!staff && !(roles_grant(a->roles, "self:read") && a->resident_id == id)) {
		reply_error(req, ERR_NOT_FOUND);
		return NULL;
	}
	rc = people_store_resident(c, id, staff ? a->unit_path : NULL, &out);
	if (req_found_or_reply(req, rc))
		return NULL;
	return out;
}

static void get_resident(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id;
	json_t *out;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	if ((out = resident_visible_or_reply(req, c, id, PERM_KEY("resident:read"))))
		reply_json(req, 200, out);
}

static void reveal_resident(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char phone[PII_MAX_PLAIN + 1] = "", idn[PII_MAX_PLAIN + 1] = "";
	int64_t id;
	int ok = 1, rc;

	if (!c || req_param_id_or_reply(req, "id", &id))
		return;
	rc = people_store_resident_reveal(c, req->srv->pii, id, req_auth(req)->unit_path, phone,
					  idn, &ok);
	if (req_found_or_reply(req, rc))
		return;
	audit_request(req, "resident.reveal", "resident", id, ok ? "ok" : "failed",
		      JB_OBJ(jb_take("fields", JB_ARR(jv_str("phone"), jv_str("id_number")))));
	if (!ok) {
		reply_error_ex(req, ERR_INTERNAL,
			       "The stored data cannot be decrypted with this key.", NULL);
	} else {
		reply_json(req, 200,
			   JB_OBJ(jb_int("id", id),
				  jb_str_or_null("phone", phone[0] ? phone : NULL),
				  jb_str_or_null("id_number", idn[0] ? idn : NULL)));
	}
	sodium_memzero(phone, sizeof phone);
	sodium_memzero(idn, sizeof idn);
}

struct resident_body {
	int64_t household_id;
	const char *name, *gender, *birth_date, *birth_ym, *phone, *id_number;
	json_t *tags;
};

#define RESIDENT_FIELDS(name_req)                                                                  \
	BF_STR(struct resident_body, name, "name", name_req, 0, 60),                               \
		BF_STR(struct resident_body, gender, "gender", BF_OPTIONAL, 0, 10),                \
		BF_STR(struct resident_body, birth_date, "birth_date", BF_OPTIONAL, 0, 10),        \
		BF_STR(struct resident_body, birth_ym, "birth_ym", BF_OPTIONAL, 0, 7),             \
		BF_STR(struct resident_body, phone, "phone", BF_OPTIONAL, 0, 30),                  \
		BF_STR(struct resident_body, id_number, "id_number", BF_OPTIONAL, 0, 18),          \
		BF_JSON(struct resident_body, tags, "tags", BF_OPTIONAL, -1)

static const struct body_field resident_create_fields[] = {
	BF_ID(struct resident_body, household_id, "household_id", BF_REQUIRED),
	RESIDENT_FIELDS(BF_REQUIRED),
};
static const struct body_field resident_update_fields[] = { RESIDENT_FIELDS(BF_OPTIONAL) };

/*
 * Read and validate the body (create: with household_id, into *household);
 * fills in, and *gender_sent (the key was sent, null included). Returns 0, or
 * -1 having answered. A birth date may be given whole ("birth_date") or as a
 * month ("birth_ym"); only the year and month are kept.
 */
static int resident_fields_or_reply(struct req *req, int64_t *household, struct resident_in *in,
				    int *gender_sent, char phone[24], char idn[19], char birth[8])
{
	struct resident_body rb;
	struct body_seen seen;
	const char *g, *p, *i, *b, *ym;
	json_t *tags;
	char day[11] = "";

	if (household ? BODY_READ_OR_REPLY(req, resident_create_fields, &rb, &seen)
		      : BODY_READ_OR_REPLY(req, resident_update_fields, &rb, &seen))
		return -1;
	if (household)
		*household = rb.household_id;
	*gender_sent = household ? body_has(&seen, resident_create_fields, "gender")
				 : body_has(&seen, resident_update_fields, "gender");
	in->name = rb.name;
	g = rb.gender;
	b = rb.birth_date;
	ym = rb.birth_ym;
	p = rb.phone;
	i = rb.id_number;
	tags = rb.tags;
	if (body_nonempty_or_reply(req, "name", in->name))
		return -1;
	in->gender = !g			     ? 0
		     : !strcmp(g, "male")    ? 1
		     : !strcmp(g, "female")  ? 2
		     : !strcmp(g, "unknown") ? 0
					     : -1;
	if (in->gender < 0) {
		reply_invalid(req, "gender", "male, female or unknown");
		return -1;
	}
	if (p && pii_phone_normalize(p, phone) < 0) {
		reply_invalid(req, "phone",
			      "a mainland mobile (11 digits) or a landline with area code");
		return -1;
	}
	in->phone = p ? phone : NULL;
	if (i && pii_id_normalize(i, idn) < 0) {
		reply_invalid(req, "id_number",
			      "an 18-character ID number with a valid GB 11643 check digit");
		return -1;
	}
	in->id_number = i ? idn : NULL;
	birth[0] = '\0';
	if (b) {
		int64_t t;
		if (clock_parse_iso(b, &t) < 0 || strlen(b) != 10) {
			reply_invalid(req, "birth_date", "YYYY-MM-DD");
			return -1;
		}
		snprintf(day, sizeof day, "%s", b);
		snprintf(birth, 8, "%.7s", b);
	}
	if (ym) {
		int64_t t;
		if (strlen(ym) != 7 ||
		    clock_parse_iso(arena_printf(&req->arena, "%s-01", ym), &t) < 0) {
			reply_invalid(req, "birth_ym", "YYYY-MM");
			return -1;
		}
		if (b && strncmp(b, ym, 7) != 0) {
			reply_invalid(req, "birth_ym", "differs from birth_date");
			return -1;
		}
		snprintf(birth, 8, "%s", ym);
	}
	if (in->id_number) {
		char from_id[11];
		pii_id_birth_date(in->id_number, from_id);
		if ((day[0] && strcmp(from_id, day) != 0) ||
		    (birth[0] && strncmp(from_id, birth, 7) != 0)) {
			reply_invalid(req, b ? "birth_date" : "birth_ym",
				      "differs from the birth date in the ID number");
			sodium_memzero(from_id, sizeof from_id);
			return -1;
		}
		pii_id_birth_ym(in->id_number, birth);
		sodium_memzero(from_id, sizeof from_id);
		if (!g)
			in->gender = pii_id_gender(in->id_number);
	}
	sodium_memzero(day, sizeof day);
	in->birth_ym = birth[0] ? birth : NULL;
	in->tags = NULL;
	if (tags) {
		size_t k;
		json_t *t;
		char *list = arena_strdup(&req->arena, "");
		if (!json_is_array(tags)) {
			reply_invalid(req, "tags", "a list of: " RESIDENT_TAGS);
			return -1;
		}
		json_array_foreach(tags, k, t)
		{
			const char *s = json_string_value(t);
			if (!s || !*s || strchr(s, ',') || !strstr(RESIDENT_TAGS, s)) {
				reply_invalid(req, "tags", "a list of: " RESIDENT_TAGS);
				return -1;
			}
			list = arena_printf(&req->arena, "%s%s%s", list, *list ? "," : "", s);
		}
		in->tags = list;
	}
	return 0;
}

/* DB_EABORT: the ID number is registered already */
static int create_resident_tx(struct db_conn *c, void *ctx)
{
	struct people_change *x = ctx;
	int rc = resident_insert(c, x->req->srv->pii, x->in, x->path, &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "resident.create", "resident", x->id,
				 JB_OBJ(jb_int("household_id", x->id2)));
}

/* DB_EABORT: the new ID number is registered already */
static int update_resident_tx(struct db_conn *c, void *ctx)
{
	struct people_change *x = ctx;
	struct req *req = x->req;
	int rc = people_store_resident_update(c, req->srv->pii, x->id, x->in, x->set_gender,
					      clock_now());

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	if (rc == 0) {
		json_t *fields = json_array();
		const char *key;
		json_t *v;
		json_object_foreach(req->json, key, v)
			json_array_append_new(fields, json_string(key));
		rc = audit_write(req, c, "resident.update", "resident", x->id,
				 JB_OBJ(jb_take("fields", fields)));
	}
	return rc;
}

static void create_resident(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct resident_in in = { 0 };
	char phone[24], idn[19], birth[8], hpath[256];
	struct people_change x;
	int64_t hid;
	int gender_sent, rc;

	if (!c || resident_fields_or_reply(req, &hid, &in, &gender_sent, phone, idn, birth))
		return;
	rc = people_store_household_in(c, hid, req_auth(req)->unit_path, NULL, hpath);
	if (req_found_or_reply(req, rc))
		return;
	/* the write answers 409 for a registered number: an exact look-up too */
	if (in.id_number && exact_search_or_reply(req, c, "id_number"))
		return;
	in.household_id = hid;
	x = (struct people_change){ .req = req, .id2 = hid, .path = hpath, .in = &in };
	rc = db_tx_run(c, create_resident_tx, &x);
	sodium_memzero(phone, sizeof phone);
	sodium_memzero(idn, sizeof idn);
	reply_tx_refused(req, rc, ERR_DUPLICATE_ID_NUMBER, 201,
			 JB_OBJ(jb_int("id", x.id), jb_int("household_id", hid)));
}

static void update_resident(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct resident_in in = { 0 };
	char phone[24], idn[19], birth[8];
	int64_t id;
	json_t *cur;
	int gender_sent, rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    resident_fields_or_reply(req, NULL, &in, &gender_sent, phone, idn, birth))
		return;
	if (!(cur = resident_visible_or_reply(req, c, id, PERM_KEY("resident:write"))))
		return;
	json_decref(cur);
	if (in.id_number && exact_search_or_reply(req, c, "id_number"))
		return;
	rc = db_tx_run(c, update_resident_tx,
		       &(struct people_change){
			       .req = req, .id = id, .in = &in, .set_gender = gender_sent });
	reply_tx_refused(req, rc, ERR_DUPLICATE_ID_NUMBER, 200, JB_OBJ(jb_int("id", id)));
}

/* ---- Party members and central households ------------------------------ */

ROUTE_HANDLER_WITH(list_party_members, scoped_list, people_store_party_members)

/* DB_EABORT: the resident is a Party member already */
static int create_party_member_tx(struct db_conn *c, void *ctx)
{
	struct people_change *x = ctx;
	int rc =
		people_store_party_member_insert(c, x->id2, x->id3, x->path, x->s1, x->now, &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "party_member.create", "party_member", x->id, NULL);
}

/* DB_EABORT: the household is a central household already */
static int create_central_household_tx(struct db_conn *c, void *ctx)
{
	struct people_change *x = ctx;
	json_t *v;
	size_t k;
	int rc = people_store_central_insert(c, x->id2, x->id3, x->path, clock_now(), &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	json_array_foreach(x->served, k, v)
	{
		if (rc == 0 && json_integer_value(v) != x->id2)
			rc = people_store_central_link(c, x->id, json_integer_value(v));
	}
	return audit_write_after(rc, x->req, c, "central_household.create", "central_household",
				 x->id, NULL);
}

struct party_member_body {
	int64_t resident_id, branch_unit_id;
	const char *joined_on;
};
static const struct body_field party_member_fields[] = {
	BF_ID(struct party_member_body, resident_id, "resident_id", BF_REQUIRED),
	BF_ID(struct party_member_body, branch_unit_id, "branch_unit_id", BF_REQUIRED),
	BF_STR(struct party_member_body, joined_on, "joined_on", BF_OPTIONAL, 0, 10),
};

static void create_party_member(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct people_change x;
	struct party_member_body pb;
	const char *joined;
	struct unit_ref bu;
	int64_t t;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, party_member_fields, &pb, NULL) ||
	    unit_in_scope_or_reply(req, c, pb.branch_unit_id, &bu))
		return;
	joined = pb.joined_on;
	if (joined && (strlen(joined) != 10 || clock_parse_iso(joined, &t) < 0)) {
		reply_invalid(req, "joined_on", "YYYY-MM-DD");
		return;
	}
	if (people_store_resident_in(c, pb.resident_id, a->unit_path, NULL) != DB_ROW) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	x = (struct people_change){ .req = req,
				    .id2 = pb.resident_id,
				    .path = bu.path,
				    .s1 = joined,
				    .now = clock_now(),
				    .id3 = pb.branch_unit_id };
	rc = db_tx_run(c, create_party_member_tx, &x);
	if (rc == DB_EABORT)
		reply_error_ex(req, ERR_CONFLICT,
			       "This resident is already registered as a Party member.", NULL);
	else
		reply_tx(req, rc, 201,
			 JB_OBJ(jb_int("id", x.id), jb_int("resident_id", pb.resident_id)));
}

ROUTE_HANDLER_WITH(list_central_households, scoped_list, people_store_central_households)

struct central_body {
	int64_t household_id, party_member_id;
	json_t *served;
};
static const struct body_field central_fields[] = {
	BF_ID(struct central_body, household_id, "household_id", BF_REQUIRED),
	BF_ID(struct central_body, party_member_id, "party_member_id", BF_REQUIRED),
	BF_JSON(struct central_body, served, "served_household_ids", BF_OPTIONAL, -1),
};

static void create_central_household(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct central_body cb;
	json_t *served, *v;
	struct people_change x;
	int64_t hid, pm;
	char hpath[256], other[256];
	size_t k;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, central_fields, &cb, NULL))
		return;
	hid = cb.household_id;
	pm = cb.party_member_id;
	served = cb.served;
	if (served && (!json_is_array(served) || json_array_size(served) > 100)) {
		reply_invalid(req, "served_household_ids", "a list of up to 100 household ids");
		return;
	}
	if (people_store_household_in(c, hid, a->unit_path, NULL, hpath) != DB_ROW ||
	    people_store_party_member_in(c, pm, a->unit_path) != DB_ROW) {
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	json_array_foreach(served, k, v)
	{
		if (!json_is_integer(v) ||
		    people_store_household_in(c, json_integer_value(v), a->unit_path, NULL,
					      other) != DB_ROW) {
			reply_invalid(req, "served_household_ids", "households inside your area");
			return;
		}
	}
	x = (struct people_change){
		.req = req, .id2 = hid, .id3 = pm, .path = hpath, .served = served
	};
	rc = db_tx_run(c, create_central_household_tx, &x);
	if (rc == DB_EABORT)
		reply_error_ex(req, ERR_CONFLICT, "This household is already a central household.",
			       NULL);
	else
		reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.id), jb_int("household_id", hid)));
}

const struct route people_routes[] = {
	{ "GET", "/api/v1/households", list_households, R_AUTH, "household:read", 0 },
	{ "GET", "/api/v1/households/:id", get_household, R_AUTH, "household:read", 0 },
	{ "POST", "/api/v1/households", create_household, R_AUTH | R_JSON, "household:write", 0 },
	{ "PATCH", "/api/v1/households/:id", update_household, R_AUTH | R_JSON, "household:write",
	  0 },
	{ "GET", "/api/v1/residents", list_residents, R_AUTH, "resident:read", 0 },
	{ "GET", "/api/v1/residents/:id", get_resident, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/residents", create_resident, R_AUTH | R_JSON, "resident:write", 0 },
	{ "PATCH", "/api/v1/residents/:id", update_resident, R_AUTH | R_JSON, "resident:write", 0 },
	{ "POST", "/api/v1/residents/:id/reveal", reveal_resident, R_AUTH, "resident:reveal", 0 },
	{ "GET", "/api/v1/party-members", list_party_members, R_AUTH, "party:read", 0 },
	{ "POST", "/api/v1/party-members", create_party_member, R_AUTH | R_JSON, "party:write", 0 },
	{ "GET", "/api/v1/central-households", list_central_households, R_AUTH, "party:read", 0 },
	{ "POST", "/api/v1/central-households", create_central_household, R_AUTH | R_JSON,
	  "party:write", 0 },
	{ 0 },
};
