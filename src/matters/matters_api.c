/*
 * matters_api.c — creating and reading matters, and the community's matter
 * settings.
 *
 *   POST /api/v1/matters          deliberation:write  {unit_id, title, description?,
 *                                 category, amount_fen?, major?, source: {kind,
 *                                 appeal_ids?, hotspot?, note?}}          → 201
 *   GET  /api/v1/matters?unit=&state=&major=&year=&limit=&cursor=   org:read
 *   GET  /api/v1/matters/:id      org:read: sources, steps, disclosure, project
 *   GET  /api/v1/units/:id/matter-settings   org:read
 *   PUT  /api/v1/units/:id/matter-settings   deliberation:settings
 *
 * The steps and objections are in steps_api.c, the review, the thread and
 * the public list in thread_api.c; this file holds the route table for all.
 * A matter's unit is a community or a street inside the caller's subtree;
 * outside it a matter is 404 as if absent. Handlers only: the SQL is in
 * matters_store.c.
 */
#include "matters/matters_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <string.h>

/* ---- creating (also for the demo, through matters.h) ------------------------ */

int matter_create(struct db_conn *c, const struct matter_in *in, int64_t now, int64_t *id)
{
	struct matter_settings set;
	struct unit_ref u;
	const char *reason;
	int rc;

	if (!in->title || !matter_category_valid(in->category) ||
	    !matter_source_kind_valid(in->source_kind) || in->amount_fen < 0)
		return DB_EMISUSE;
	rc = unit_get(c, in->unit_id, &u);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_EMISUSE;
	if (u.kind != UNIT_COMMUNITY && u.kind != UNIT_STREET)
		return DB_EMISUSE;
	rc = matters_store_settings(c, u.id, &set);
	if (rc < 0)
		return rc;
	reason = matter_major_reason(in->category, in->amount_fen, &set, in->major);
	const struct matter_row_in row = {
		.unit_id = u.id,
		.year = cal_year_of(now),
		.amount_fen = in->amount_fen,
		.created_by = in->created_by,
		.unit_path = u.path,
		.title = in->title,
		.description = in->description ? in->description : "",
		.category = in->category,
		.source_kind = in->source_kind,
		.source_note = in->source_note ? in->source_note : "",
		.hotspot = in->hotspot,
		.major_reason = reason,
		.major = reason != NULL,
	};
	rc = matters_store_insert(c, &row, now, id);
	for (int i = 0; rc == 0 && i < in->n_appeals; i++)
		rc = matters_store_link_appeal(c, *id, in->appeal_ids[i]);
	return rc;
}

/* A matter the caller may see: its unit inside the caller's subtree; 404 otherwise. */
int matter_seen_or_reply(struct req *req, struct db_conn *c, int64_t id, struct matter *m)
{
	int rc = matters_store_get(c, id, m);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(m->unit_path, req_auth(req)->unit_path), NULL);
}

void matter_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	json_t *o = matter_full_json(c, id, req_auth(req)->unit_path);

	if (!o || json_is_null(o)) {
		json_decref(o);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, status, o);
}

/* ---- POST /matters ------------------------------------------------------------ */

struct source_body {
	const char *kind, *note;
	json_t *appeal_ids, *hotspot;
};

static const struct body_field source_fields[] = {
	BF_STR(struct source_body, kind, "kind", BF_REQUIRED, 1, 16),
	BF_JSON(struct source_body, appeal_ids, "appeal_ids", BF_OPTIONAL, JSON_ARRAY),
	BF_JSON(struct source_body, hotspot, "hotspot", BF_OPTIONAL, JSON_OBJECT),
	BF_STR_DEF(struct source_body, note, "note", 0, 1000, ""),
};

struct create_body {
	int64_t unit_id, amount_fen;
	int major;
	const char *title, *description, *category;
	json_t *source;
};

static const struct body_field create_fields[] = {
	BF_ID(struct create_body, unit_id, "unit_id", BF_REQUIRED),
	BF_STR(struct create_body, title, "title", BF_REQUIRED, 1, 100),
	BF_STR_DEF(struct create_body, description, "description", 0, 4000, ""),
	BF_STR(struct create_body, category, "category", BF_REQUIRED, 1, 16),
	BF_INT(struct create_body, amount_fen, "amount_fen", BF_OPTIONAL, 0, MATTER_AMOUNT_MAX, 0),
	BF_BOOL(struct create_body, major, "major", BF_OPTIONAL, 0),
	BF_JSON(struct create_body, source, "source", BF_REQUIRED, JSON_OBJECT),
};

struct matter_new {
	struct req *req;
	struct matter_in in;
	int64_t id; /* out */
};

static int create_tx(struct db_conn *c, void *ctx)
{
	struct matter_new *x = ctx;
	int rc = matter_create(c, &x->in, clock_now(), &x->id);

	return audit_write_after(rc, x->req, c, "matter.create", "matter", x->id,
				 JB_OBJ(jb_int("unit_id", x->in.unit_id),
					jb_str("category", x->in.category),
					jb_int("amount_fen", x->in.amount_fen),
					jb_str("source", x->in.source_kind)));
}

static void create_matter(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct create_body b;
	struct source_body s;
	struct matter_sources src;
	struct unit_ref u;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, create_fields, &b, NULL) ||
	    body_read_obj_or_reply(req, b.source, "source", source_fields,
				   sizeof source_fields / sizeof *source_fields, &s, NULL) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_COMMUNITY && u.kind != UNIT_STREET) {
		reply_invalid(req, "unit_id", "a community or a street");
		return;
	}
	if (!matter_category_valid(b.category)) {
		reply_invalid(req, "category", "spending, land, facility or other");
		return;
	}
	if (!matter_source_kind_valid(s.kind)) {
		reply_invalid(req, "source.kind", "resident, hotspot, appeals or staff");
		return;
	}
	if ((!strcmp(s.kind, "resident") && body_nonempty_or_reply(req, "source.note", s.note)) ||
	    body_nonempty_or_reply(req, "title", b.title) ||
	    matter_sources_or_reply(req, c, u.path, s.kind, s.appeal_ids, s.hotspot, &src))
		return;
	struct matter_new x = {
		.req = req,
		.in = { .unit_id = u.id,
			.title = b.title,
			.description = b.description,
			.category = b.category,
			.amount_fen = b.amount_fen,
			.major = b.major,
			.source_kind = s.kind,
			.source_note = s.note,
			.appeal_ids = src.appeal_ids,
			.n_appeals = src.n_appeals,
			.hotspot = src.hotspot,
			.created_by = req_auth(req)->account_id },
	};
	rc = db_tx_run(c, create_tx, &x);
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	matter_reply(req, c, 201, x.id);
}

/* ---- reading -------------------------------------------------------------------- */

static void get_matter(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct matter m;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) || matter_seen_or_reply(req, c, id, &m))
		return;
	matter_reply(req, c, 200, id);
}

static int matter_page_row(void *ctx, const struct matter_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->m.id, p->n < p->limit ? matter_summary_json(v) : NULL);
}

/* ?major=: -1 when absent, 0 or 1; -2 when malformed. */
static int major_query(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "1") || !strcmp(s, "true"))
		return 1;
	if (!strcmp(s, "0") || !strcmp(s, "false"))
		return 0;
	return -2;
}

static void list_matters(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *state = req_query(req, "state");
	int major = major_query(req_query(req, "major"));
	int64_t year = 0;
	struct scope sc;
	struct page p;

	if (!c || page_begin_or_reply(req, &p))
		return;
	if (req_query(req, "year") && parse_int64(req_query(req, "year"), 2000, 2100, &year)) {
		reply_invalid(req, "year", "a year, 2000 to 2100");
		return;
	}
	if (state && !matter_state_valid(state)) {
		reply_invalid(req, "state",
			      "new, proposed, deliberated, reviewed, decided, disclosing, "
			      "implementing or done");
		return;
	}
	if (major == -2) {
		reply_invalid(req, "major", "1, 0, true or false");
		return;
	}
	if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	const struct matter_filter f = { .lo = sc.lo,
					 .hi = sc.hi,
					 .before = p.cursor ? p.cursor : INT64_MAX,
					 .year = year,
					 .major = major,
					 .state = state,
					 .limit = p.limit + 1 };
	page_reply(&p, matters_store_list(c, &f, matter_page_row, &p));
}

/* ---- settings ------------------------------------------------------------------ */

static json_t *settings_json(int64_t unit_id, const struct matter_settings *s)
{
	char b[32];

	return JB_OBJ(
		jb_int("unit_id", unit_id), jb_int("major_spending_fen", s->major_spending_fen),
		jb_bool("major_land", s->major_land), jb_bool("major_facility", s->major_facility),
		jb_int("disclosure_days", s->disclosure_days),
		jb_str_or_null("updated_at",
			       s->updated_at ? clock_format_shanghai(s->updated_at, b) : NULL));
}

/* The unit of :id, in scope, a community or a street: 0, or -1 having answered. */
static int settings_unit_or_reply(struct req *req, struct db_conn *c, struct unit_ref *u)
{
	int64_t id;

	if (req_param_id_or_reply(req, "id", &id) || unit_in_scope_or_reply(req, c, id, u))
		return -1;
	if (u->kind != UNIT_COMMUNITY && u->kind != UNIT_STREET) {
		reply_invalid(req, "unit_id", "a community or a street");
		return -1;
	}
	return 0;
}

static void get_settings(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct matter_settings s;
	struct unit_ref u;
	int rc;

	if (!c || settings_unit_or_reply(req, c, &u))
		return;
	rc = matters_store_settings(c, u.id, &s);
	if (!req_found_or_reply(req, rc))
		reply_json(req, 200, settings_json(u.id, &s));
}

struct settings_body {
	int64_t major_spending_fen, disclosure_days;
	int major_land, major_facility;
};

static const struct body_field settings_fields[] = {
	BF_INT(struct settings_body, major_spending_fen, "major_spending_fen", BF_OPTIONAL, 0,
	       MATTER_AMOUNT_MAX, 0),
	BF_BOOL(struct settings_body, major_land, "major_land", BF_OPTIONAL, 0),
	BF_BOOL(struct settings_body, major_facility, "major_facility", BF_OPTIONAL, 0),
	BF_INT(struct settings_body, disclosure_days, "disclosure_days", BF_OPTIONAL, 1, 30, 0),
};

struct settings_tx {
	struct req *req;
	int64_t unit_id;
	struct matter_settings s;
};

static int settings_put_tx(struct db_conn *c, void *ctx)
{
	struct settings_tx *x = ctx;
	int rc = matters_store_settings_put(c, x->unit_id, &x->s, req_auth(x->req)->account_id,
					    clock_now());

	return audit_write_after(rc, x->req, c, "matter.settings", "unit", x->unit_id,
				 JB_OBJ(jb_int("major_spending_fen", x->s.major_spending_fen),
					jb_bool("major_land", x->s.major_land),
					jb_bool("major_facility", x->s.major_facility),
					jb_int("disclosure_days", x->s.disclosure_days)));
}

static void put_settings(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct settings_tx x = { .req = req };
	struct settings_body b;
	struct unit_ref u;
	int rc;

	if (!c || settings_unit_or_reply(req, c, &u))
		return;
	rc = matters_store_settings(c, u.id, &x.s);
	if (req_found_or_reply(req, rc))
		return;
	b = (struct settings_body){ x.s.major_spending_fen, x.s.disclosure_days, x.s.major_land,
				    x.s.major_facility };
	if (BODY_UPDATE_OR_REPLY(req, settings_fields, &b, NULL))
		return;
	x.unit_id = u.id;
	x.s.major_spending_fen = b.major_spending_fen;
	x.s.disclosure_days = (int)b.disclosure_days;
	x.s.major_land = b.major_land;
	x.s.major_facility = b.major_facility;
	rc = db_tx_run(c, settings_put_tx, &x);
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	rc = matters_store_settings(c, u.id, &x.s);
	if (!req_found_or_reply(req, rc))
		reply_json(req, 200, settings_json(u.id, &x.s));
}

const struct route matter_routes[] = {
	{ "POST", "/api/v1/matters", create_matter, R_JSON, "deliberation:write", 0 },
	{ "GET", "/api/v1/matters", list_matters, R_AUTH, "deliberation:read", 0 },
	{ "GET", "/api/v1/matters/review", matter_review, R_AUTH, "deliberation:read", 0 },
	{ "GET", "/api/v1/matters/:id", get_matter, R_AUTH, "deliberation:read", 0 },
	{ "POST", "/api/v1/matters/:id/steps", matter_post_step, R_JSON, "deliberation:write", 0 },
	{ "POST", "/api/v1/matters/:id/objections", matter_post_objection, R_JSON, "matter:object",
	  0 },
	{ "GET", "/api/v1/matters/:id/objections", matter_list_objections, R_AUTH,
	  "deliberation:read", 0 },
	{ "POST", "/api/v1/matter-objections/:id/answer", matter_answer_objection, R_JSON,
	  "deliberation:write", 0 },
	{ "GET", "/api/v1/matters/:id/thread", matter_thread, 0, NULL, 0 },
	{ "GET", "/api/v1/public/units/:code/matters", matter_public_list, 0, NULL, 0 },
	{ "GET", "/api/v1/units/:id/matter-settings", get_settings, R_AUTH, "org:read", 0 },
	{ "PUT", "/api/v1/units/:id/matter-settings", put_settings, R_JSON, "deliberation:settings",
	  0 },
	{ 0 },
};
