/*
 * category.c — appeal categories: default handling level and deadlines.
 *
 *   GET   /api/v1/appeal-categories            (anyone: the report form needs them)
 *   POST  /api/v1/appeal-categories            {code, name, name_en?, level, accept:{amount,unit},
 * handle:{amount,unit}} PATCH /api/v1/appeal-categories/:id        any of name, name_en, level,
 * accept, handle, active, sort
 */
#include "appeals/appeals_int.h"

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"

#include <stdio.h>
#include <string.h>

static const char *const level_names[] = { "grid", "community", "street", "department" };

int category_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, level_names[i]))
			return i;
	return -1;
}

static void list_categories(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *all = req_query(req, "all");
	json_t *items = NULL;

	if (!c)
		return;
	if (category_store_list(c, all && !strcmp(all, "1"), &items) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

/* A category as POST and PATCH send it. */
struct category_body {
	const char *code, *name, *name_en, *level;
	int64_t sort;
	int active;
	json_t *accept, *handle;
};
#define CATEGORY_FIELDS(name_en_field, sort_default)                                               \
	BF_STR(struct category_body, name, "name", BF_OPTIONAL, 0, 60), name_en_field,             \
		BF_STR(struct category_body, level, "level", BF_OPTIONAL, 0, 20),                  \
		BF_INT(struct category_body, sort, "sort", BF_OPTIONAL, 0, 1000000, sort_default), \
		BF_JSON(struct category_body, accept, "accept_deadline", BF_OPTIONAL, -1),         \
		BF_JSON(struct category_body, handle, "handle_deadline", BF_OPTIONAL, -1)
static const struct body_field create_fields[] = {
	BF_STR(struct category_body, code, "code", BF_REQUIRED, 0, 40),
	CATEGORY_FIELDS(BF_STR_DEF(struct category_body, name_en, "name_en", 0, 80, ""), 1000),
};
static const struct body_field update_fields[] = {
	CATEGORY_FIELDS(BF_STR(struct category_body, name_en, "name_en", BF_OPTIONAL, 0, 80), -1),
	BF_BOOL(struct category_body, active, "active", BF_OPTIONAL, -1),
};

struct deadline_body {
	int64_t amount;
	const char *unit;
};
static const struct body_field deadline_fields[] = {
	BF_INT(struct deadline_body, amount, "amount", BF_REQUIRED, 1, 24 * 365, 0),
	BF_STR(struct deadline_body, unit, "unit", BF_REQUIRED, 0, 10),
};

/* A deadline object o {"amount": N, "unit": "hours"|"workdays"} (NULL: absent): 0, 1
 * absent, -1 answered. */
static int deadline_or_reply(struct req *req, json_t *o, const char *field, int required,
			     int64_t *amount, const char **unit)
{
	struct deadline_body d;

	if (!o) {
		if (required)
			reply_invalid(req, field, "required: {\"amount\": N, \"unit\": \"hours\"}");
		return required ? -1 : 1;
	}
	if (!json_is_object(o)) {
		reply_invalid(req, field, "an object {\"amount\": N, \"unit\": ...}");
		return -1;
	}
	if (body_read_obj_or_reply(req, o, field, deadline_fields,
				   sizeof deadline_fields / sizeof *deadline_fields, &d, NULL))
		return -1;
	if (strcmp(d.unit, "hours") && strcmp(d.unit, "workdays")) {
		reply_invalid(req, field, "unit must be hours or workdays");
		return -1;
	}
	if (!strcmp(d.unit, "workdays") && d.amount > 365) {
		reply_invalid(req, field, "at most 365 working days");
		return -1;
	}
	*amount = d.amount;
	*unit = d.unit;
	return 0;
}

/* The body into in (required: a new category's). 0, or -1 answered. */
static int category_or_reply(struct req *req, int create, struct category_in *in)
{
	struct category_body b;
	int rc = create ? BODY_READ_OR_REPLY(req, create_fields, &b, NULL)
			: BODY_READ_OR_REPLY(req, update_fields, &b, NULL);

	if (rc ||
	    deadline_or_reply(req, b.accept, "accept_deadline", create, &in->accept_amount,
			      &in->accept_unit) < 0 ||
	    deadline_or_reply(req, b.handle, "handle_deadline", create, &in->handle_amount,
			      &in->handle_unit) < 0)
		return -1;
	in->code = create ? b.code : NULL;
	in->name = b.name;
	in->name_en = b.name_en;
	in->level = b.level;
	in->sort = b.sort;
	in->active = create ? 1 : b.active;
	if (create && (!b.name || !b.level)) {
		reply_invalid(req, b.name ? "level" : "name", "required");
		return -1;
	}
	if (body_nonempty_or_reply(req, "name", in->name))
		return -1;
	if (in->level && category_level_parse(in->level) < 0) {
		reply_invalid(req, "level", "grid, community, street or department");
		return -1;
	}
	return 0;
}

struct category_new {
	struct req *req;
	struct category_in in;
	int64_t now;
	int64_t id; /* out */
};

static int create_category_tx(struct db_conn *c, void *ctx)
{
	struct category_new *x = ctx;
	int rc = category_store_insert(c, &x->in, x->now, &x->id);

	return audit_write_after(rc, x->req, c, "category.create", "appeal_category", x->id, NULL);
}

static void create_category(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct category_new x = { .req = req, .now = clock_now() };
	struct category_in *in = &x.in;
	int rc;

	if (!c || category_or_reply(req, 1, in))
		return;
	if (!*in->code ||
	    strspn(in->code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(in->code)) {
		reply_invalid(req, "code", "lower-case letters, digits and '_'");
		return;
	}
	rc = db_tx_run(c, create_category_tx, &x);
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("code", in->code), jb_str("name", in->name)));
}

struct category_change {
	struct req *req;
	int64_t id;
	struct category_in in;
};

/* DB_EABORT: no such category */
static int update_category_tx(struct db_conn *c, void *ctx)
{
	struct category_change *x = ctx;
	int rc = category_store_update(c, x->id, &x->in, clock_now());

	if (rc == DB_DONE)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "category.update", "appeal_category", x->id, NULL);
}

static void update_category(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct category_change x = { .req = req };
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &x.id) || category_or_reply(req, 0, &x.in))
		return;
	rc = db_tx_run(c, update_category_tx, &x);
	reply_tx_refused(req, rc, ERR_NOT_FOUND, 200, JB_OBJ(jb_int("id", x.id)));
}

const struct route category_routes[] = {
	{ "GET", "/api/v1/appeal-categories", list_categories, 0, NULL, 0 },
	{ "POST", "/api/v1/appeal-categories", create_category, R_JSON, "category:write", 0 },
	{ "PATCH", "/api/v1/appeal-categories/:id", update_category, R_JSON, "category:write", 0 },
	{ 0 },
};
