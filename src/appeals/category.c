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

/* A deadline object {"amount": N, "unit": "hours"|"workdays"}: 0, 1 absent, -1 answered. */
static int deadline_or_reply(struct req *req, const char *field, int required, int64_t *amount,
			     const char **unit)
{
	json_t *o = json_object_get(req->json, field);

	if (!o) {
		if (required)
			reply_invalid(req, field, "required: {\"amount\": N, \"unit\": \"hours\"}");
		return required ? -1 : 1;
	}
	if (!json_is_object(o) || json_get_int_or_reply(req, o, "amount", 1, 1, 24 * 365, amount) ||
	    json_get_str_or_reply(req, o, "unit", 1, 10, unit)) {
		if (!json_is_object(o))
			reply_invalid(req, field, "an object {\"amount\": N, \"unit\": ...}");
		return -1;
	}
	if (strcmp(*unit, "hours") && strcmp(*unit, "workdays")) {
		reply_invalid(req, field, "unit must be hours or workdays");
		return -1;
	}
	if (!strcmp(*unit, "workdays") && *amount > 365) {
		reply_invalid(req, field, "at most 365 working days");
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

	if (rc == 0)
		rc = audit_write(x->req, c, "category.create", "appeal_category", x->id, NULL);
	return rc;
}

static void create_category(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct category_new x = { .req = req,
				  .in = { .name_en = "", .sort = 1000 },
				  .now = clock_now() };
	struct category_in *in = &x.in;
	int rc;

	if (!c || json_get_str_or_reply(req, req->json, "code", 1, 40, &in->code) ||
	    json_get_str_or_reply(req, req->json, "name", 1, 60, &in->name) ||
	    json_get_str_or_reply(req, req->json, "name_en", 0, 80, &in->name_en) < 0 ||
	    json_get_str_or_reply(req, req->json, "level", 1, 20, &in->level) ||
	    json_get_int_or_reply(req, req->json, "sort", 0, 0, 1000000, &in->sort) < 0 ||
	    deadline_or_reply(req, "accept_deadline", 1, &in->accept_amount, &in->accept_unit) ||
	    deadline_or_reply(req, "handle_deadline", 1, &in->handle_amount, &in->handle_unit))
		return;
	if (!*in->code ||
	    strspn(in->code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(in->code)) {
		reply_invalid(req, "code", "lower-case letters, digits and '_'");
		return;
	}
	if (!*in->name) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (category_level_parse(in->level) < 0) {
		reply_invalid(req, "level", "grid, community, street or department");
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
	if (rc == 0)
		rc = audit_write(x->req, c, "category.update", "appeal_category", x->id, NULL);
	return rc;
}

static void update_category(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct category_change x = { .req = req, .in = { .sort = -1, .active = -1 } };
	struct category_in *in = &x.in;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &x.id) ||
	    json_get_str_or_reply(req, req->json, "name", 0, 60, &in->name) < 0 ||
	    json_get_str_or_reply(req, req->json, "name_en", 0, 80, &in->name_en) < 0 ||
	    json_get_str_or_reply(req, req->json, "level", 0, 20, &in->level) < 0 ||
	    json_get_int_or_reply(req, req->json, "sort", 0, 0, 1000000, &in->sort) < 0 ||
	    json_get_bool_or_reply(req, req->json, "active", 0, &in->active) < 0 ||
	    deadline_or_reply(req, "accept_deadline", 0, &in->accept_amount, &in->accept_unit) <
		    0 ||
	    deadline_or_reply(req, "handle_deadline", 0, &in->handle_amount, &in->handle_unit) < 0)
		return;
	if (in->name && !*in->name) {
		reply_invalid(req, "name", "must not be empty");
		return;
	}
	if (in->level && category_level_parse(in->level) < 0) {
		reply_invalid(req, "level", "grid, community, street or department");
		return;
	}
	rc = db_tx_run(c, update_category_tx, &x);
	if (rc == DB_EABORT)
		reply_error(req, ERR_NOT_FOUND);
	else
		reply_tx(req, rc, 200, JB_OBJ(jb_int("id", x.id)));
}

const struct route category_routes[] = {
	{ "GET", "/api/v1/appeal-categories", list_categories, 0, NULL, 0 },
	{ "POST", "/api/v1/appeal-categories", create_category, R_JSON, "category:write", 0 },
	{ "PATCH", "/api/v1/appeal-categories/:id", update_category, R_JSON, "category:write", 0 },
	{ 0 },
};
