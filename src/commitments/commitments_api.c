/*
 * commitments_api.c — commitment lists and their items, the street's
 * supervision list and completion rates.
 *
 *   POST /api/v1/commitment-lists              commitment:write {unit_id, term_start, term_end,
 * title} GET  /api/v1/commitment-lists?unit=        org:read, the caller's scope GET
 * /api/v1/commitment-lists/:id          org:read: the list with its items POST
 * /api/v1/commitment-lists/:id/items    commitment:write GET
 * /api/v1/commitments?unit=&list=&state=&overdue=1&supervision=1   org:read GET
 * /api/v1/commitments/:id               org:read: with events and comments GET
 * /api/v1/commitments/rates?unit=       org:read: per child unit
 *
 * Handlers only: parse, authorise, call the store, reply. A list belongs to
 * a community; everything is scoped by its path (outside the caller's
 * subtree is 404). "Today" is the Shanghai date of clock_now(), so overdue
 * follows the test clock. Progress, 销号 and comments are in actions_api.c.
 */
#include "commitments/commitments.h"
#include "commitments/commitments_int.h"

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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int citem_scoped_or_reply(struct req *req, struct db_conn *c, int64_t id,
			  struct commitment_item_ref *out)
{
	int rc = commitment_item_get(c, id, out);

	return req_row_or_reply(
		req, rc, rc == DB_ROW && path_within(out->unit_path, req_auth(req)->unit_path),
		NULL);
}

/* A YYYY-MM-DD field into *day: 0, or -1 having answered 400. */
static int date_or_reply(struct req *req, const char *field, const char *s, int64_t *day)
{
	if (cal_day_parse(s, day)) {
		reply_invalid(req, field, "a date, YYYY-MM-DD");
		return -1;
	}
	return 0;
}

/* ---- lists ----------------------------------------------------------------- */

struct list_tx {
	struct req *req;
	struct clist_in in;
	int64_t id;
};

static int create_list_tx(struct db_conn *c, void *ctx)
{
	struct list_tx *x = ctx;
	const struct clist_in *in = &x->in;
	int rc = commitment_list_create(c, in->unit_id, in->unit_path, in->term_start, in->term_end,
					in->title, in->created_by, 0, in->now, &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "commitment_list.create", "commitment_list", x->id,
				 JB_OBJ(jb_int("unit_id", x->in.unit_id)));
}

static void create_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_body {
		int64_t unit_id;
		const char *term_start, *term_end, *title;
	} b;
	static const struct body_field fields[] = {
		BF_ID(struct list_body, unit_id, "unit_id", BF_REQUIRED),
		BF_STR(struct list_body, term_start, "term_start", BF_REQUIRED, 10, 10),
		BF_STR(struct list_body, term_end, "term_end", BF_REQUIRED, 10, 10),
		BF_STR(struct list_body, title, "title", BF_REQUIRED, 1, 150),
	};
	struct unit_ref u;
	struct list_tx x;
	int64_t d1, d2;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, fields, &b, NULL) ||
	    date_or_reply(req, "term_start", b.term_start, &d1) ||
	    date_or_reply(req, "term_end", b.term_end, &d2))
		return;
	if (d2 <= d1) {
		reply_invalid(req, "term_end", "after term_start");
		return;
	}
	if (body_nonempty_or_reply(req, "title", b.title) ||
	    unit_in_scope_or_reply(req, c, b.unit_id, &u))
		return;
	if (u.kind != UNIT_COMMUNITY) {
		reply_invalid(req, "unit_id", "a community");
		return;
	}
	x = (struct list_tx){ .req = req,
			      .in = { .unit_id = u.id,
				      .unit_path = u.path,
				      .term_start = b.term_start,
				      .term_end = b.term_end,
				      .title = b.title,
				      .created_by = req_auth(req)->account_id,
				      .now = clock_now() } };
	rc = db_tx_run(c, create_list_tx, &x);
	reply_tx_refused(req, rc, ERR_COMMITMENT_LIST_EXISTS, 201, JB_OBJ(jb_int("id", x.id)));
}

static int list_page_row(void *ctx, const struct clist_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->id, clist_json(v, 1));
}

static void list_lists(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	char today[11];
	struct scope sc;
	struct page p;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &p))
		return;
	commitment_today(clock_now(), today);
	page_reply(&p, clists_store_list(c, sc.lo, sc.hi, p.cursor, p.limit + 1, today,
					 list_page_row, &p));
}

/* One list read: its JSON (full) and what creating an item needs. */
struct list_one {
	json_t *json;
	int64_t id, unit_id;
	char unit_path[256], term_start[11], term_end[11];
};

static int list_one_row(void *ctx, const struct clist_view *v)
{
	struct list_one *o = ctx;

	o->json = clist_json(v, 1);
	o->id = v->id;
	o->unit_id = v->unit_id;
	snprintf(o->unit_path, sizeof o->unit_path, "%s", v->unit_path);
	snprintf(o->term_start, sizeof o->term_start, "%s", v->term_start);
	snprintf(o->term_end, sizeof o->term_end, "%s", v->term_end);
	return 0;
}

/* Load list id inside the caller's scope (404 otherwise); o->json is the caller's. */
static int list_scoped_or_reply(struct req *req, struct db_conn *c, int64_t id, const char *today,
				struct list_one *o)
{
	int rc = clists_store_get(c, id, today, list_one_row, o);

	if (rc == DB_ROW && !path_within(o->unit_path, req_auth(req)->unit_path)) {
		json_decref(o->json);
		o->json = NULL;
		rc = DB_DONE;
	}
	if (rc == DB_ROW && !o->json) {
		reply_error(req, ERR_INTERNAL);
		return -1;
	}
	return req_found_or_reply(req, rc);
}

static int item_array_row(void *ctx, const struct citem_view *v)
{
	json_t *j = citem_json(v, 1);

	return j ? json_array_append_new(ctx, j) : DB_ENOMEM;
}

static void get_list(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_one o = { 0 };
	char today[11];
	json_t *items;
	int64_t id;

	commitment_today(clock_now(), today);
	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    list_scoped_or_reply(req, c, id, today, &o))
		return;
	items = json_array();
	if (citems_store_of_list(c, id, today, item_array_row, items) < 0) {
		json_decref(items);
		json_decref(o.json);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(o.json, "items", items);
	reply_json(req, 200, o.json);
}

/* ---- items ----------------------------------------------------------------- */

struct item_tx {
	struct req *req;
	struct commitment_item_in in;
	int64_t list_id, unit_id, by, now, id;
	const char *unit_path;
};

static int create_item_tx(struct db_conn *c, void *ctx)
{
	struct item_tx *x = ctx;
	int rc = commitment_item_create(c, x->list_id, x->unit_id, x->unit_path, &x->in, x->by,
					x->now, &x->id);

	return audit_write_after(rc, x->req, c, "commitment.create", "commitment", x->id,
				 JB_OBJ(jb_int("list_id", x->list_id)));
}

struct item_body {
	const char *member_name, *member_post, *title, *detail, *category, *target, *due_date;
	int64_t member_account_id;
};

static const struct body_field item_fields[] = {
	BF_STR(struct item_body, member_name, "member_name", BF_OPTIONAL, 1, 50),
	BF_STR(struct item_body, member_post, "member_post", BF_OPTIONAL, 1, 50),
	BF_ID(struct item_body, member_account_id, "member_account_id", BF_OPTIONAL),
	BF_STR(struct item_body, title, "title", BF_REQUIRED, 1, 150),
	BF_STR(struct item_body, detail, "detail", BF_REQUIRED, 1, 2000),
	BF_STR(struct item_body, category, "category", BF_REQUIRED, 1, 32),
	BF_STR(struct item_body, target, "target", BF_REQUIRED, 1, 500),
	BF_STR(struct item_body, due_date, "due_date", BF_REQUIRED, 10, 10),
};

/* The member: a name needs a post and a post a name; an account needs a name and must exist. */
static int member_or_reply(struct req *req, struct db_conn *c, const struct item_body *b)
{
	if (b->member_post && !b->member_name) {
		reply_invalid(req, "member_name", "required with member_post");
		return -1;
	}
	if (b->member_name && !b->member_post) {
		reply_invalid(req, "member_post", "required with member_name");
		return -1;
	}
	if (b->member_name && (body_nonempty_or_reply(req, "member_name", b->member_name) ||
			       body_nonempty_or_reply(req, "member_post", b->member_post)))
		return -1;
	if (!b->member_account_id)
		return 0;
	if (!b->member_name) {
		reply_invalid(req, "member_name", "required with member_account_id");
		return -1;
	}
	int rc = commitments_store_account_exists(c, b->member_account_id);
	return req_ok_or_invalid(req, rc, rc > 0, "member_account_id", "no such account");
}

static void create_item(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct list_one o = { 0 };
	struct item_body b;
	struct item_tx x;
	char today[11];
	int64_t id, day;
	int rc;

	commitment_today(clock_now(), today);
	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, item_fields, &b, NULL) ||
	    date_or_reply(req, "due_date", b.due_date, &day))
		return;
	if (!commitment_category_valid(b.category)) {
		reply_invalid(req, "category",
			      "party_building, livelihood, governance, services, environment, "
			      "safety or other");
		return;
	}
	if (body_nonempty_or_reply(req, "title", b.title) ||
	    body_nonempty_or_reply(req, "target", b.target) || member_or_reply(req, c, &b) ||
	    list_scoped_or_reply(req, c, id, today, &o))
		return;
	json_decref(o.json);
	if (strcmp(b.due_date, o.term_start) < 0 || strcmp(b.due_date, o.term_end) > 0) {
		reply_invalid(req, "due_date", "inside the list's term");
		return;
	}
	x = (struct item_tx){ .req = req,
			      .in = { .member_name = b.member_name,
				      .member_post = b.member_post,
				      .member_account_id = b.member_account_id,
				      .title = b.title,
				      .detail = b.detail,
				      .category = b.category,
				      .target = b.target,
				      .due_date = b.due_date },
			      .list_id = id,
			      .unit_id = o.unit_id,
			      .unit_path = o.unit_path,
			      .by = req_auth(req)->account_id,
			      .now = clock_now() };
	rc = db_tx_run(c, create_item_tx, &x);
	reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.id), jb_str("state", "in_progress")));
}

/* The one item read, as staff JSON. */
static int item_one_row(void *ctx, const struct citem_view *v)
{
	json_t **out = ctx;

	*out = citem_json(v, 1);
	return 0;
}

static int event_array_row(void *ctx, const struct cevent_view *v)
{
	json_t *j = cevent_json(v, 1);

	return j ? json_array_append_new(ctx, j) : DB_ENOMEM;
}

static int comment_array_row(void *ctx, const struct ccomment_view *v)
{
	json_t *j = ccomment_json(v, 1);

	return j ? json_array_append_new(ctx, j) : DB_ENOMEM;
}

static int list_brief_row(void *ctx, const struct clist_view *v)
{
	json_t **out = ctx;

	*out = JB_OBJ(jb_int("id", v->id), jb_str("title", v->title),
		      jb_str("term_start", v->term_start), jb_str("term_end", v->term_end));
	return 0;
}

static void get_item(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct commitment_item_ref ref;
	json_t *item = NULL, *list = NULL, *events = json_array(), *comments = json_array();
	char today[11];
	int64_t id;
	int rc;

	commitment_today(clock_now(), today);
	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    citem_scoped_or_reply(req, c, id, &ref)) {
		json_decref(events);
		json_decref(comments);
		return;
	}
	rc = citems_store_get(c, id, today, item_one_row, &item);
	if (rc >= 0)
		rc = clists_store_get(c, ref.list_id, today, list_brief_row, &list);
	if (rc >= 0)
		rc = cevents_store_of_item(c, id, event_array_row, events);
	if (rc >= 0)
		rc = ccomments_store_of_item(c, id, comment_array_row, comments);
	if (rc < 0 || !item || !list) {
		json_decref(item);
		json_decref(list);
		json_decref(events);
		json_decref(comments);
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	json_object_set_new(item, "list", list);
	json_object_set_new(item, "events", events);
	json_object_set_new(item, "comments", comments);
	reply_json(req, 200, item);
}

static int item_page_row(void *ctx, const struct citem_view *v)
{
	struct page *p = ctx;

	return page_add(p, v->id, p->n < p->limit ? citem_json(v, 1) : NULL);
}

/* An optional ?name=1 flag: 0, 1, or -1 having answered 400. */
static int flag_or_reply(struct req *req, const char *name)
{
	const char *s = req_query(req, name);

	if (!s || !strcmp(s, "0"))
		return 0;
	if (!strcmp(s, "1"))
		return 1;
	reply_invalid(req, name, "0 or 1");
	return -1;
}

static void list_items(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *state = req_query(req, "state"), *list = req_query(req, "list");
	struct citem_filter f = { 0 };
	char today[11];
	struct scope sc;
	struct page p;

	if (!c)
		return;
	if (state && strcmp(state, "in_progress") && strcmp(state, "verifying") &&
	    strcmp(state, "done")) {
		reply_invalid(req, "state", "in_progress, verifying or done");
		return;
	}
	if (list && parse_int64(list, 1, INT64_MAX, &f.list_id)) {
		reply_invalid(req, "list", "a list id");
		return;
	}
	if ((f.overdue = flag_or_reply(req, "overdue")) < 0 ||
	    (f.supervision = flag_or_reply(req, "supervision")) < 0)
		return;
	if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &p))
		return;
	commitment_today(clock_now(), today);
	f.lo = sc.lo;
	f.hi = sc.hi;
	f.after = p.cursor;
	f.limit = p.limit + 1;
	f.status = state;
	f.today = today;
	page_reply(&p, citems_store_list(c, &f, item_page_row, &p));
}

/* ---- rates ----------------------------------------------------------------- */

/* The per-community counts of a subtree, then summed into its children. */
struct rate_rows {
	size_t n, cap;
	struct rate_row {
		char path[256];
		struct rate r;
	} * rows;
	struct rate total;
	json_t *children;
};

static int rate_collect(void *ctx, const char *path, const struct rate *r)
{
	struct rate_rows *rr = ctx;

	if (rr->n == rr->cap) {
		size_t cap = rr->cap ? rr->cap * 2 : 64;
		struct rate_row *p = realloc(rr->rows, cap * sizeof *p);
		if (!p)
			return DB_ENOMEM;
		rr->rows = p;
		rr->cap = cap;
	}
	snprintf(rr->rows[rr->n].path, sizeof rr->rows[rr->n].path, "%s", path);
	rr->rows[rr->n++].r = *r;
	rr->total.items += r->items;
	rr->total.done += r->done;
	rr->total.overdue += r->overdue;
	return 0;
}

static int rate_child(void *ctx, int64_t id, const char *code, const char *name, const char *path)
{
	struct rate_rows *rr = ctx;
	struct rate sum = { 0 };
	json_t *o, *r;

	for (size_t i = 0; i < rr->n; i++)
		if (path_within(rr->rows[i].path, path)) {
			sum.items += rr->rows[i].r.items;
			sum.done += rr->rows[i].r.done;
			sum.overdue += rr->rows[i].r.overdue;
		}
	o = JB_OBJ(jb_take("unit",
			   JB_OBJ(jb_int("id", id), jb_str("code", code), jb_str("name", name))));
	r = rate_json(&sum);
	if (!o || !r) {
		json_decref(o);
		json_decref(r);
		return DB_ENOMEM;
	}
	json_object_update(o, r);
	json_decref(r);
	return json_array_append_new(rr->children, o) ? DB_ENOMEM : 0;
}

static void get_rates(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct rate_rows rr = { 0 };
	char today[11];
	struct scope sc;
	json_t *o, *r;
	int rc;

	if (!c || scope_unit_or_reply(req, c, req_query(req, "unit"), &sc))
		return;
	commitment_today(clock_now(), today);
	rr.children = json_array();
	rc = citems_store_rates(c, sc.lo, sc.hi, today, rate_collect, &rr);
	if (rc >= 0 && (sc.unit.kind == UNIT_DISTRICT || sc.unit.kind == UNIT_STREET))
		rc = commitments_store_children(c, sc.unit.id, rate_child, &rr);
	free(rr.rows);
	o = JB_OBJ(jb_take("unit", JB_OBJ(jb_int("id", sc.unit.id), jb_str("code", sc.unit.code),
					  jb_str("name", sc.unit.name),
					  jb_str("kind", unit_kind_name(sc.unit.kind)))),
		   jb_take("children", rr.children));
	r = rate_json(&rr.total);
	if (rc < 0 || !o || !r) {
		json_decref(o);
		json_decref(r);
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_INTERNAL);
		return;
	}
	json_object_update(o, r);
	json_decref(r);
	reply_json(req, 200, o);
}

const struct route commitment_routes[] = {
	{ "POST", "/api/v1/commitment-lists", create_list, R_JSON, "commitment:write", 0 },
	{ "GET", "/api/v1/commitment-lists", list_lists, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/commitment-lists/:id", get_list, R_AUTH, "org:read", 0 },
	{ "POST", "/api/v1/commitment-lists/:id/items", create_item, R_JSON, "commitment:write",
	  0 },
	{ "GET", "/api/v1/commitments", list_items, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/commitments/rates", get_rates, R_AUTH, "org:read", 0 },
	{ "GET", "/api/v1/commitments/:id", get_item, R_AUTH, "org:read", 0 },
	{ 0 },
};
