/*
 * items_api.c — the catalogue of online services (一网通办).
 *
 *   GET   /api/v1/service-items          signed in (?all=1: inactive too, for service:catalogue)
 *   GET   /api/v1/service-items/:id      an inactive one for service:catalogue only
 *   POST  /api/v1/service-items          service:catalogue
 *   PATCH /api/v1/service-items/:id      service:catalogue (the code does not change)
 *
 * A service item carries its guide, the materials to bring, the form as
 * typed fields (text, textarea, number, date, select, phone, id_number) and
 * the level of the unit that handles it: the applicant's community, street
 * or the district. Items are JSON the server checks when they are written
 * (forms.c) and checks answers against when residents apply
 * (applications_api.c). Each write is audited in its transaction.
 *
 * Handlers only: parse, authorise, call applications_store.c, reply.
 */
#include "applications/applications.h"
#include "applications/applications_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"

#include <stdlib.h>
#include <string.h>

static const char *const levels[] = { "community", "street", "district" };

static void list_items(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *all = req_query(req, "all");
	int every = all && !strcmp(all, "1") && auth_can(req, "service:catalogue");
	json_t *items;

	if (!c)
		return;
	if (items_store_list(c, every, &items) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

json_t *item_load_or_reply(struct req *req, struct db_conn *c, int64_t id)
{
	json_t *item;
	int rc = items_store_get(c, id, &item);

	if (rc == DB_ROW)
		return item;
	reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
	return NULL;
}

static void get_item(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int64_t id;
	json_t *item;

	if (!c || req_param_id_or_reply(req, "id", &id) || !(item = item_load_or_reply(req, c, id)))
		return;
	if (!json_is_true(json_object_get(item, "active")) && !auth_can(req, "service:catalogue")) {
		json_decref(item);
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	reply_json(req, 200, item);
}

/* An item's body; need is BF_REQUIRED where creating one needs the field. The code is
 * read when updating too, to refuse it by name. */
#define ITEM_FIELDS(need)                                                                          \
	BF_STR(struct item_in, code, "code", need, 0, 40),                                         \
		BF_STR(struct item_in, name, "name", need, 1, 100),                                \
		BF_STR(struct item_in, name_en, "name_en", BF_OPTIONAL, 0, 200),                   \
		BF_STR(struct item_in, guide, "guide", BF_OPTIONAL, 0, 5000),                      \
		BF_STR(struct item_in, level, "handling_level", need, 0, 20),                      \
		BF_INT(struct item_in, days, "time_limit_days", need, 1, 365, -1),                 \
		BF_INT(struct item_in, sort, "sort", BF_OPTIONAL, -100000, 100000, 0),             \
		BF_BOOL(struct item_in, active, "active", BF_OPTIONAL, -1),                        \
		BF_JSON(struct item_in, materials, "materials", BF_OPTIONAL, -1),                  \
		BF_JSON(struct item_in, form, "form", need, -1)
static const struct body_field item_create_fields[] = { ITEM_FIELDS(BF_REQUIRED) };
static const struct body_field item_update_fields[] = { ITEM_FIELDS(BF_OPTIONAL) };

/* Read and check an item body; absent fields NULL / -1 (sort may be negative: has_sort). */
static int item_fields_or_reply(struct req *req, int creating, struct item_in *in)
{
	struct body_seen seen;
	const char *why;

	if (creating ? BODY_READ_OR_REPLY(req, item_create_fields, in, &seen)
		     : BODY_READ_OR_REPLY(req, item_update_fields, in, &seen))
		return -1;
	in->has_sort = body_has(&seen, item_update_fields, "sort") &&
		       !body_null(&seen, item_update_fields, "sort");
	if (in->code && !form_key_valid(in->code)) {
		reply_invalid(req, "code", "lower-case letters, digits and _");
		return -1;
	}
	if (in->level && app_in_list(in->level, levels, 3) < 0) {
		reply_invalid(req, "handling_level", "community, street or district");
		return -1;
	}
	if (in->materials && materials_check(in->materials, &why)) {
		reply_invalid(req, "materials", why);
		return -1;
	}
	if (in->form && form_check(in->form, &why)) {
		reply_invalid(req, "form", why);
		return -1;
	}
	return 0;
}

/* The catalogue's writes, each one db_tx_run() transaction. */
struct item_change {
	struct req *req;
	const struct item_in *in;
	const char *materials, *form;
	int64_t id, now;
};

/* DB_EABORT: the code is taken */
static int create_item_tx(struct db_conn *c, void *ctx)
{
	struct item_change *x = ctx;
	int rc = items_store_insert(c, x->in, x->materials, x->form, x->now, &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "service_item.create", "service_item", x->id,
				 JB_OBJ(jb_str("code", x->in->code)));
}

static int update_item_tx(struct db_conn *c, void *ctx)
{
	struct item_change *x = ctx;
	int rc = items_store_update(c, x->id, x->in, x->materials, x->form, x->now);

	return audit_write_after(rc, x->req, c, "service_item.update", "service_item", x->id, NULL);
}

static void create_item(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct item_in in;
	struct item_change x;
	int64_t now = clock_now();
	char *materials, *form;
	int rc;

	if (!c || item_fields_or_reply(req, 1, &in))
		return;
	materials = in.materials ? json_dumps(in.materials, JSON_COMPACT) : strdup("[]");
	form = json_dumps(in.form, JSON_COMPACT);
	x = (struct item_change){
		.req = req, .in = &in, .materials = materials, .form = form, .now = now
	};
	rc = db_tx_run(c, create_item_tx, &x);
	free(materials);
	free(form);
	if (rc == DB_EABORT) {
		reply_error_ex(req, ERR_CONFLICT, "A service item with this code exists already.",
			       JB_OBJ(jb_str("field", "code")));
		return;
	}
	reply_tx(req, rc, 201, JB_OBJ(jb_int("id", x.id), jb_str("code", in.code)));
}

static void update_item(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct item_in in;
	int64_t id;
	char *materials = NULL, *form = NULL;
	json_t *item;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || item_fields_or_reply(req, 0, &in))
		return;
	if (in.code) {
		reply_invalid(req, "code", "the code of an item does not change");
		return;
	}
	if (!(item = item_load_or_reply(req, c, id)))
		return;
	json_decref(item);
	if (in.materials)
		materials = json_dumps(in.materials, JSON_COMPACT);
	if (in.form)
		form = json_dumps(in.form, JSON_COMPACT);
	rc = db_tx_run(c, update_item_tx,
		       &(struct item_change){ .req = req,
					      .in = &in,
					      .materials = materials,
					      .form = form,
					      .id = id,
					      .now = clock_now() });
	free(materials);
	free(form);
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

const struct route service_item_routes[] = {
	{ "GET", "/api/v1/service-items", list_items, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/service-items/:id", get_item, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/service-items", create_item, R_JSON, "service:catalogue", 0 },
	{ "PATCH", "/api/v1/service-items/:id", update_item, R_JSON, "service:catalogue", 0 },
	{ 0 },
};
