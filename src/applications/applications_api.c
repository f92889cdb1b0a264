/*
 * applications_api.c — online service applications (一网通办).
 *
 *   GET   /api/v1/service-items                       signed in (?all=1: inactive too, for staff)
 *   GET   /api/v1/service-items/:id
 *   POST  /api/v1/service-items                       service:catalogue
 *   PATCH /api/v1/service-items/:id                   service:catalogue
 *   POST  /api/v1/service-applications                {item_id, form, attachments?}  service:use
 *   GET   /api/v1/service-applications?status=&item=&mine=1&limit=&cursor=
 *   GET   /api/v1/service-applications/:id            with the answers and the timeline
 *   POST  /api/v1/service-applications/:id/actions    {action, note?, form?, attachments?,
 * version?}
 *   POST  /api/v1/service-applications/:id/reveal     the answers whole, audited  service:handle
 *
 * The catalogue. A service item carries its guide, the materials to bring,
 * the form as typed fields (text, textarea, number, date, select, phone,
 * id_number) and the level of the unit that handles it: the applicant's
 * community, street or the district. Items are JSON the server checks when
 * they are written and checks answers against when residents apply.
 *
 * The handling. submitted → accepted → approved → completed, with
 * needs_material (the handler asks for more; the resident's supplement
 * returns it to accepted), rejected (with a reason) and withdrawn (by the
 * resident before a decision). Each step is one transaction: a conditional
 * UPDATE on the status read (a raced step answers 409), an append-only
 * event, a message to the applicant (or, for the applicant's own steps, to
 * the handling unit — naming the application, not the person or the note,
 * for every appeal:read holder of the unit reads that inbox), an audit row.
 * The deadline is time_limit_days working days (the appeal calendar) after
 * submission.
 *
 * The answers may hold personal data (ID numbers, income), so they are stored
 * sealed with the personal-data key (pii_seal) and opened only for the
 * applicant and the handlers of the application. Handlers read them masked
 * like a resident's record (form_mask): ID numbers to region and check
 * character, phones to their ends, and a date that is the birth date inside
 * an ID number of the same answers to its month — else the answers would
 * complete the masked number. POST …/reveal answers them whole and is
 * audited (service_application.reveal), as residents' and appeals' reveals.
 */
#include "applications/applications.h"

#include "messages/messages.h"
#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"
#include "pii/pii.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const levels[] = { "community", "street", "district" };
static const char *const field_types[] = { "text",   "textarea", "number",   "date",
					   "select", "phone",	 "id_number" };

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return (int)i;
	return -1;
}

static int valid_key(const char *s)
{
	if (!s || !*s || strlen(s) > 40)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* ---- the catalogue -------------------------------------------------------- */

/* Check a form description; why names the problem. */
static int form_check(json_t *form, const char **why)
{
	size_t i, j;
	json_t *f;

	if (!json_is_array(form) || json_array_size(form) > 40) {
		*why = "a list of at most 40 fields";
		return -1;
	}
	json_array_foreach(form, i, f)
	{
		const char *key = json_string_value(json_object_get(f, "key"));
		const char *label = json_string_value(json_object_get(f, "label"));
		const char *type = json_string_value(json_object_get(f, "type"));
		json_t *opts = json_object_get(f, "options"), *o;
		json_t *label_en = json_object_get(f, "label_en"), *integer;
		if (!json_is_object(f) || !valid_key(key) || !label || !*label ||
		    utf8_chars(label, strlen(label)) > 100 ||
		    in_list(type, field_types, sizeof field_types / sizeof *field_types) < 0) {
			*why = "each field has a key (a-z, 0-9, _), a label (1 to 100 characters) "
			       "and "
			       "a type: text, textarea, number, date, select, phone or id_number";
			return -1;
		}
		if (label_en &&
		    (!json_is_string(label_en) ||
		     utf8_chars(json_string_value(label_en), json_string_length(label_en)) > 100)) {
			*why = "label_en is text of at most 100 characters";
			return -1;
		}
		integer = json_object_get(f, "integer");
		if (integer && (!json_is_boolean(integer) || strcmp(type, "number"))) {
			*why = "integer is true or false, on a number field";
			return -1;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(key, json_string_value(json_object_get(json_array_get(form, j),
									   "key")))) {
				*why = "field keys are unique";
				return -1;
			}
		if (!strcmp(type, "select")) {
			if (!json_is_array(opts) || !json_array_size(opts) ||
			    json_array_size(opts) > 50) {
				*why = "a select field lists 1 to 50 options";
				return -1;
			}
			json_array_foreach(opts, j, o)
			{
				if (!json_is_string(o) || !json_string_length(o) ||
				    utf8_chars(json_string_value(o), json_string_length(o)) > 100) {
					*why = "options are texts of 1 to 100 characters";
					return -1;
				}
			}
		}
		json_t *req = json_object_get(f, "required"), *ml = json_object_get(f, "maxlength");
		json_t *mn = json_object_get(f, "min"), *mx = json_object_get(f, "max");
		if ((req && !json_is_boolean(req)) ||
		    (ml && (!json_is_integer(ml) || json_integer_value(ml) < 1 ||
			    json_integer_value(ml) > 5000)) ||
		    (mn && !json_is_number(mn)) || (mx && !json_is_number(mx)) ||
		    (mn && mx && json_number_value(mn) > json_number_value(mx))) {
			*why = "required is true or false, maxlength 1 to 5000, min not above max";
			return -1;
		}
	}
	return 0;
}

static int materials_check(json_t *m, const char **why)
{
	size_t i;
	json_t *x;

	if (!json_is_array(m) || json_array_size(m) > 30) {
		*why = "a list of at most 30 materials";
		return -1;
	}
	json_array_foreach(m, i, x)
	{
		const char *name = json_string_value(json_object_get(x, "name"));
		json_t *req = json_object_get(x, "required");
		if (!json_is_object(x) || !name || !*name || utf8_chars(name, strlen(name)) > 100 ||
		    (req && !json_is_boolean(req))) {
			*why = "each material has a name and required true or false";
			return -1;
		}
	}
	return 0;
}

#define ITEM_SELECT                                                                                \
	"SELECT id, code, name, name_en, guide, materials, form, handling_level, "                 \
	"time_limit_days, active, sort FROM service_items "

static json_t *item_json(struct db_stmt *st)
{
	json_t *o = JB_OBJ(
		jb_int("id", db_col_int64(st, 0)), jb_str("code", db_col_text(st, 1)),
		jb_str("name", db_col_text(st, 2)), jb_str("name_en", db_col_text(st, 3)),
		jb_str("guide", db_col_text(st, 4)), jb_str("handling_level", db_col_text(st, 7)),
		jb_int("time_limit_days", (int)db_col_int64(st, 8)),
		jb_bool("active", (int)db_col_int64(st, 9)),
		jb_int("sort", (int)db_col_int64(st, 10)));
	if (!o)
		return NULL;
	json_t *m = json_loads(db_col_text(st, 5), 0, NULL),
	       *f = json_loads(db_col_text(st, 6), 0, NULL);
	json_object_set_new(o, "materials", m ? m : json_array());
	json_object_set_new(o, "form", f ? f : json_array());
	return o;
}

static void list_items(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *all = req_query(req, "all");
	int every = all && !strcmp(all, "1") && auth_can(req, "service:catalogue");
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c)
		return;
	if (db_prepare(c, ITEM_SELECT "WHERE active = 1 OR ? = 1 ORDER BY sort, id", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	db_bind_int64(st, 1, every);
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, item_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

/* Load an item's row as JSON; NULL (and answered) when missing or on error. */
static json_t *item_load_or_reply(struct req *req, struct db_conn *c, int64_t id)
{
	struct db_stmt *st;
	json_t *out = NULL;
	int rc;

	if (db_prepare(c, ITEM_SELECT "WHERE id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return NULL;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		out = item_json(st);
	db_reset(st);
	if (!out)
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
	return out;
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

/* The fields of an item body; absent ones stay NULL / -1 (sort may be negative: has_sort). */
struct item_in {
	const char *code, *name, *name_en, *guide, *level;
	json_t *materials, *form;
	int64_t days, sort;
	int active, has_sort;
};

static int item_fields_or_reply(struct req *req, int creating, struct item_in *in)
{
	const char *why;
	int rc;

	in->days = -1;
	in->sort = 0;
	in->active = -1;
	if (json_get_str_or_reply(req, req->json, "code", creating, 40, &in->code) < 0 ||
	    json_get_str_or_reply(req, req->json, "name", creating, 100, &in->name) < 0 ||
	    json_get_str_or_reply(req, req->json, "name_en", 0, 200, &in->name_en) < 0 ||
	    json_get_str_or_reply(req, req->json, "guide", 0, 5000, &in->guide) < 0 ||
	    json_get_str_or_reply(req, req->json, "handling_level", creating, 20, &in->level) < 0 ||
	    json_get_int_or_reply(req, req->json, "time_limit_days", creating, 1, 365, &in->days) <
		    0 ||
	    (rc = json_get_int_or_reply(req, req->json, "sort", 0, -100000, 100000, &in->sort)) <
		    0 ||
	    json_get_bool_or_reply(req, req->json, "active", 0, &in->active) < 0)
		return -1;
	in->has_sort = rc == 0;
	if (in->code && !valid_key(in->code)) {
		reply_invalid(req, "code", "lower-case letters, digits and _");
		return -1;
	}
	if (in->name && (!*in->name || utf8_chars(in->name, strlen(in->name)) > 100)) {
		reply_invalid(req, "name", "1 to 100 characters");
		return -1;
	}
	if (in->level && in_list(in->level, levels, 3) < 0) {
		reply_invalid(req, "handling_level", "community, street or district");
		return -1;
	}
	in->materials = json_object_get(req->json, "materials");
	if (in->materials && materials_check(in->materials, &why)) {
		reply_invalid(req, "materials", why);
		return -1;
	}
	in->form = json_object_get(req->json, "form");
	if ((creating && !in->form) || (in->form && form_check(in->form, &why))) {
		reply_invalid(req, "form", in->form ? why : "required");
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
	const struct item_in *in = x->in;
	int rc = db_query_int64(c, &x->id,
				"INSERT INTO service_items (code, name, name_en, guide, materials, "
				"form, handling_level, time_limit_days, sort, created_at, "
				"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				"tttttttiiii", in->code, in->name, in->name_en ? in->name_en : "",
				in->guide ? in->guide : "", x->materials, x->form, in->level,
				in->days, in->sort, x->now, x->now);

	rc = rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	if (rc == 0)
		rc = audit_write(x->req, c, "service_item.create", "service_item", x->id,
				 JB_OBJ(jb_str("code", in->code)));
	return rc;
}

static int update_item_tx(struct db_conn *c, void *ctx)
{
	struct item_change *x = ctx;
	const struct item_in *in = x->in;
	const struct db_arg args[] = {
		DB_ARG_T(in->name),	DB_ARG_T(in->name_en), DB_ARG_T(in->guide),
		DB_ARG_T(x->materials), DB_ARG_T(x->form),     DB_ARG_T(in->level),
		DB_ARG_I(in->days),	DB_ARG_I(in->days),    DB_ARG_I(in->has_sort),
		DB_ARG_I(in->sort),	DB_ARG_I(in->active),  DB_ARG_I(in->active),
		DB_ARG_I(clock_now()),	DB_ARG_I(x->id),
	};
	int rc = db_run_args(c,
			     "UPDATE service_items SET name = COALESCE(?, name), name_en = "
			     "COALESCE(?, name_en), guide = COALESCE(?, guide), materials = "
			     "COALESCE(?, materials), form = COALESCE(?, form), handling_level = "
			     "COALESCE(?, handling_level), time_limit_days = CASE WHEN ? > 0 THEN ? "
			     "ELSE time_limit_days END, sort = CASE WHEN ? = 1 THEN ? ELSE sort END, "
			     "active = CASE WHEN ? >= 0 THEN ? ELSE active END, updated_at = ? "
			     "WHERE id = ?",
			     args, DB_ARGS_N(args));

	if (rc == 0)
		rc = audit_write(x->req, c, "service_item.update", "service_item", x->id, NULL);
	return rc;
}

static void create_item(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct item_in in = { 0 };
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
	struct item_in in = { 0 };
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
	rc = db_tx_run(
		c, update_item_tx,
		&(struct item_change){
			.req = req, .in = &in, .materials = materials, .form = form, .id = id });
	free(materials);
	free(form);
	reply_tx(req, rc, 200, JB_OBJ(jb_int("id", id)));
}

/* ---- answers ------------------------------------------------------------- */

/* Is s a real calendar date "YYYY-MM-DD", from 1900 on? */
static int valid_date(const char *s)
{
	int64_t day;

	/* once it parses, the text compares in date order */
	return !cal_day_parse(s, &day) && strcmp(s, "1900-01-01") >= 0;
}

/*
 * Check the answers against the item's form and build the stored copy (phone
 * and ID numbers normalised). 0 and *out, or -1 answered: 400 naming the
 * field as "form.<key>".
 */
static int answers_or_reply(struct req *req, json_t *form, json_t *answers, json_t **out)
{
	const char *key;
	json_t *v, *f;
	size_t i;

	if (!json_is_object(answers)) {
		reply_invalid(req, "form", "an object of answers by field key");
		return -1;
	}
	json_object_foreach(answers, key, v)
	{
		int known = 0;
		json_array_foreach(form, i, f) known |=
			!strcmp(key, json_string_value(json_object_get(f, "key")));
		if (!known) {
			reply_invalid(req, arena_printf(&req->arena, "form.%s", key),
				      "not a field of this form");
			return -1;
		}
	}
	*out = json_object();
	json_array_foreach(form, i, f)
	{
		const char *k = json_string_value(json_object_get(f, "key"));
		const char *type = json_string_value(json_object_get(f, "type"));
		const char *field = arena_printf(&req->arena, "form.%s", k);
		json_t *a = json_object_get(answers, k);
		const char *s = json_string_value(a);
		int blank = !a || json_is_null(a) || (s && !*s);

		if (blank) {
			if (json_is_true(json_object_get(f, "required"))) {
				reply_invalid(req, field, "required");
				goto bad;
			}
			continue;
		}
		if (!strcmp(type, "number")) {
			json_t *mn = json_object_get(f, "min"), *mx = json_object_get(f, "max");
			if (!json_is_number(a) ||
			    (mn && json_number_value(a) < json_number_value(mn)) ||
			    (mx && json_number_value(a) > json_number_value(mx))) {
				reply_invalid(req, field, "a number within the field's range");
				goto bad;
			}
			/* 3.0 is a whole number in JSON too; 2.5 is not */
			if (json_is_true(json_object_get(f, "integer")) && json_is_real(a) &&
			    json_real_value(a) != floor(json_real_value(a))) {
				reply_invalid(req, field, "a whole number");
				goto bad;
			}
			json_object_set(*out, k, a);
			continue;
		}
		if (!s) {
			reply_invalid(req, field, "text");
			goto bad;
		}
		if (!strcmp(type, "text") || !strcmp(type, "textarea")) {
			json_t *ml = json_object_get(f, "maxlength");
			size_t max = ml			     ? (size_t)json_integer_value(ml)
				     : !strcmp(type, "text") ? 200
							     : 2000;
			if (utf8_chars(s, strlen(s)) > max) {
				reply_invalid(
					req, field,
					arena_printf(&req->arena, "at most %zu characters", max));
				goto bad;
			}
			json_object_set(*out, k, a);
		} else if (!strcmp(type, "date")) {
			if (!valid_date(s)) {
				reply_invalid(req, field, "a date YYYY-MM-DD");
				goto bad;
			}
			json_object_set(*out, k, a);
		} else if (!strcmp(type, "select")) {
			int ok = 0;
			json_t *o;
			size_t j;
			json_array_foreach(json_object_get(f, "options"), j, o) ok |=
				!strcmp(s, json_string_value(o));
			if (!ok) {
				reply_invalid(req, field, "one of the field's options");
				goto bad;
			}
			json_object_set(*out, k, a);
		} else if (!strcmp(type, "phone")) {
			char norm[24];
			if (pii_phone_normalize(s, norm)) {
				reply_invalid(req, field, "a mainland mobile or landline number");
				goto bad;
			}
			json_object_set_new(*out, k, json_string(norm));
		} else { /* id_number */
			char norm[19];
			if (pii_id_normalize(s, norm)) {
				reply_invalid(req, field, "an 18-character ID number");
				goto bad;
			}
			json_object_set_new(*out, k, json_string(norm));
		}
	}
	return 0;
bad:
	json_decref(*out);
	*out = NULL;
	return -1;
}

/* ---- applications ---------------------------------------------------------- */

enum { ACT_STAFF = 1, ACT_APPLICANT = 2 };

static const struct app_action {
	const char *name, *from[3], *to, *title; /* title: the message, after the item's name */
	int who, note_required;
} app_actions[] = {
	{ "accept", { "submitted" }, "accepted", "已受理", ACT_STAFF, 0 },
	{ "request_material",
	  { "submitted", "accepted" },
	  "needs_material",
	  "请补充材料",
	  ACT_STAFF,
	  1 },
	{ "supplement", { "needs_material" }, "accepted", "已补充材料", ACT_APPLICANT, 0 },
	{ "approve", { "accepted" }, "approved", "审核通过", ACT_STAFF, 0 },
	{ "reject",
	  { "submitted", "accepted", "needs_material" },
	  "rejected",
	  "未通过",
	  ACT_STAFF,
	  1 },
	{ "complete", { "approved" }, "completed", "已办结", ACT_STAFF, 0 },
	{ "withdraw",
	  { "submitted", "accepted", "needs_material" },
	  "withdrawn",
	  "已撤回",
	  ACT_APPLICANT,
	  0 },
};
#define N_ACTIONS (sizeof app_actions / sizeof *app_actions)

static int action_from(const struct app_action *a, const char *status)
{
	for (int i = 0; i < 3 && a->from[i]; i++)
		if (!strcmp(a->from[i], status))
			return 1;
	return 0;
}

struct application {
	int64_t id, item_id, account_id, handler_unit_id, version;
	char status[16], handler_path[256];
	const char *item_name;	/* in the request's arena */
	int applicant, handler; /* what the caller is to it */
};

#define APP_SELECT                                                                                 \
	"SELECT a.id, a.item_id, i.code, i.name, a.status, a.account_id, acc.display_name, "       \
	"a.handler_unit_id, u.name, a.created_at, a.due_at, a.version, a.handler_path, "           \
	"a.form_enc, a.attachments, i.form FROM service_applications a "                           \
	"JOIN service_items i ON i.id = a.item_id JOIN accounts acc ON acc.id = a.account_id "     \
	"JOIN units u ON u.id = a.handler_unit_id "

static json_t *app_json(struct db_stmt *st, int64_t now)
{
	char b1[32], b2[32];
	const char *status = db_col_text(st, 4);
	int open = strcmp(status, "approved") && strcmp(status, "rejected") &&
		   strcmp(status, "completed") && strcmp(status, "withdrawn");

	return JB_OBJ(jb_int("id", db_col_int64(st, 0)),
		      jb_take("item", JB_OBJ(jb_int("id", db_col_int64(st, 1)),
					     jb_str("code", db_col_text(st, 2)),
					     jb_str("name", db_col_text(st, 3)))),
		      jb_str("status", status),
		      jb_take("applicant", JB_OBJ(jb_int("account_id", db_col_int64(st, 5)),
						  jb_str("name", db_col_text(st, 6)))),
		      jb_take("handler_unit", JB_OBJ(jb_int("id", db_col_int64(st, 7)),
						     jb_str("name", db_col_text(st, 8)))),
		      jb_str("created_at", clock_format_shanghai(db_col_int64(st, 9), b1)),
		      jb_str("due_at", clock_format_shanghai(db_col_int64(st, 10), b2)),
		      jb_bool("overdue", open && now > db_col_int64(st, 10)),
		      jb_int("version", db_col_int64(st, 11)));
}

/* The caller's relation to row st; 0 when it may not see it. */
static int relation(struct req *req, struct db_stmt *st, struct application *a)
{
	const struct auth *au = req_auth(req);

	memset(a, 0, sizeof *a);
	a->id = db_col_int64(st, 0);
	a->item_id = db_col_int64(st, 1);
	a->item_name = arena_strdup(&req->arena, db_col_text(st, 3));
	snprintf(a->status, sizeof a->status, "%s", db_col_text(st, 4));
	a->account_id = db_col_int64(st, 5);
	a->handler_unit_id = db_col_int64(st, 7);
	a->version = db_col_int64(st, 11);
	snprintf(a->handler_path, sizeof a->handler_path, "%s", db_col_text(st, 12));
	a->applicant = a->account_id == au->account_id;
	a->handler = auth_can(req, "service:handle") && path_within(a->handler_path, au->unit_path);
	return a->applicant || a->handler;
}

static json_t *allowed_json(const struct application *a)
{
	json_t *out = json_array();
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (action_from(&app_actions[i], a->status) &&
		    ((app_actions[i].who == ACT_STAFF && a->handler) ||
		     (app_actions[i].who == ACT_APPLICANT && a->applicant)))
			json_array_append_new(out, json_string(app_actions[i].name));
	return out;
}

static void list_applications(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *item = req_query(req, "item"),
		   *mine = req_query(req, "mine");
	int own = !auth_can(req, "service:handle") || (mine && !strcmp(mine, "1"));
	int64_t limit, cursor, item_id = 0, n = 0, last = 0, now = clock_now();
	struct scope sc;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (!c || req_page_or_reply(req, &limit, &cursor))
		return;
	if (item && parse_int64(item, 1, INT64_MAX, &item_id)) {
		reply_invalid(req, "item", "expected a service item id");
		return;
	}
	if (status && strcmp(status, "open") &&
	    in_list(status,
		    (const char *const[]){ "submitted", "accepted", "needs_material", "approved",
					   "rejected", "completed", "withdrawn" },
		    7) < 0) {
		reply_invalid(req, "status", "a status, or open");
		return;
	}
	if (own) {
		snprintf(sc.lo, sizeof sc.lo, "/");
		snprintf(sc.hi, sizeof sc.hi, "0");
	} else if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc)) {
		return;
	}
	if (db_prepare(c,
		       APP_SELECT "WHERE a.handler_path >= ? AND a.handler_path < ? AND a.id < ? "
				  "AND (? = 0 OR a.account_id = ?) AND (? = 0 OR a.item_id = ?) "
				  "AND (CAST(? AS TEXT) IS NULL OR a.status = ? OR (? = 'open' AND "
				  "a.status IN ('submitted', 'accepted', 'needs_material', "
				  "'approved'))) ORDER BY a.id DESC LIMIT ?",
		       &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	const struct db_arg args[] = {
		DB_ARG_T(sc.lo),   DB_ARG_T(sc.hi),	     DB_ARG_I(cursor ? cursor : INT64_MAX),
		DB_ARG_I(own),	   DB_ARG_I(au->account_id), DB_ARG_I(item_id),
		DB_ARG_I(item_id), DB_ARG_T(status),	     DB_ARG_T(status),
		DB_ARG_T(status),  DB_ARG_I(limit + 1),
	};
	db_bind_args(st, args, (int)(sizeof args / sizeof *args));
	items = json_array();
	while ((rc = db_step(st)) == DB_ROW && ++n <= limit) {
		last = db_col_int64(st, 0);
		json_array_append_new(items, app_json(st, now));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, page_json(req, items, n > limit, last));
}

/* The type of the form field named key, "" if there is none. */
static const char *field_type(json_t *fields, const char *key)
{
	size_t i;
	json_t *f;

	json_array_foreach(fields, i, f)
	{
		const char *k = json_string_value(json_object_get(f, "key")),
			   *t = json_string_value(json_object_get(f, "type"));
		if (k && t && !strcmp(k, key))
			return t;
	}
	return "";
}

/*
 * Mask the answers in place for a reader other than the applicant (see the
 * top of the file). A string that is a valid ID number is masked whatever
 * its field's type says now (an item's form may have changed since). Returns
 * 1 when something was masked.
 */
static int form_mask(json_t *answers, json_t *fields)
{
	char births[8][11], norm[19], m[24];
	int nb = 0, masked = 0;
	const char *key;
	json_t *v;

	if (!json_is_object(answers))
		return 0;
	json_object_foreach(answers, key, v)
	{
		const char *s = json_string_value(v), *type = field_type(fields, key);
		if (!s)
			continue;
		if (pii_id_normalize(s, norm) == 0) {
			if (nb < 8)
				pii_id_birth_date(norm, births[nb++]);
			pii_mask(PII_ID_NUMBER, norm, m);
		} else if (!strcmp(type, "id_number")) {
			snprintf(m, sizeof m, "****");
		} else if (!strcmp(type, "phone")) {
			pii_mask(PII_PHONE, s, m);
		} else {
			continue;
		}
		json_object_set_new(answers, key, json_string(m));
		masked = 1;
	}
	json_object_foreach(answers, key, v)
	{
		const char *s = json_string_value(v);
		for (int b = 0; s && b < nb; b++)
			if (!strcmp(s, births[b])) {
				snprintf(m, sizeof m, "%.7s-**", s);
				json_object_set_new(answers, key, json_string(m));
				masked = 1;
				break;
			}
	}
	sodium_memzero(births, sizeof births);
	sodium_memzero(norm, sizeof norm);
	return masked;
}

/*
 * Load application id for the caller; out gets its JSON with the answers
 * (masked unless the caller is the applicant or whole is set) and the item's
 * fields.
 */
static int app_load_or_reply(struct req *req, struct db_conn *c, int64_t id, struct application *a,
			     int whole, json_t **out)
{
	struct db_stmt *st;
	int rc, ok = 0;

	if (db_prepare(c, APP_SELECT "WHERE a.id = ?", &st) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return -1;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW && (ok = relation(req, st, a)) && out) {
		size_t n;
		const void *blob = db_col_blob(st, 13, &n);
		char *plain = pii_open(req->srv->pii, PII_DOCUMENT, blob, n);
		json_t *answers = plain ? json_loads(plain, 0, NULL) : NULL;
		json_t *fields = json_loads(db_col_text(st, 15), 0, NULL);
		int masked = !whole && !a->applicant && form_mask(answers, fields);
		*out = app_json(st, clock_now());
		json_object_set_new(*out, "form", answers ? answers : json_null());
		json_object_set_new(*out, "form_fields", fields);
		json_object_set_new(*out, "form_masked", json_boolean(masked));
		if (plain)
			sodium_memzero(plain, strlen(plain));
		json_object_set_new(*out, "attachments", json_loads(db_col_text(st, 14), 0, NULL));
		free(plain);
	}
	db_reset(st);
	if (rc < 0 || (rc == DB_ROW && !ok) || rc == DB_DONE) {
		reply_error(req, rc < 0 ? ERR_DB_UNAVAILABLE : ERR_NOT_FOUND);
		return -1;
	}
	return 0;
}

static json_t *timeline_json(struct db_conn *c, int64_t id)
{
	struct db_stmt *st;
	json_t *out = json_array();
	char b[32];

	if (db_prepare(
		    c,
		    "SELECT e.id, e.action, COALESCE(x.display_name, ''), e.note, e.attachments, "
		    "e.created_at FROM service_application_events e LEFT JOIN accounts x ON "
		    "x.id = e.actor_id WHERE e.application_id = ? ORDER BY e.id",
		    &st) < 0) {
		json_decref(out);
		return NULL;
	}
	db_bind_int64(st, 1, id);
	while (db_step(st) == DB_ROW) {
		json_t *att = json_loads(db_col_text(st, 4), 0, NULL);
		json_array_append_new(
			out, JB_OBJ(jb_int("id", db_col_int64(st, 0)),
				    jb_str("action", db_col_text(st, 1)),
				    jb_str("actor", db_col_text(st, 2)),
				    jb_str("note", db_col_text(st, 3)),
				    jb_take("attachments", att ? att : json_array()),
				    jb_str("at", clock_format_shanghai(db_col_int64(st, 5), b))));
	}
	db_reset(st);
	return out;
}

static void get_application(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct application a;
	json_t *out = NULL, *tl;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    app_load_or_reply(req, c, id, &a, 0, &out))
		return;
	if (!(tl = timeline_json(c, id))) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(out, "timeline", tl);
	json_object_set_new(out, "allowed_actions", allowed_json(&a));
	reply_json(req, 200, out);
}

static int add_event(struct db_conn *c, int64_t id, const char *action, int64_t actor,
		     const char *note, const char *attachments, int64_t now)
{
	return db_run(c,
		      "INSERT INTO service_application_events (application_id, action, actor_id, "
		      "note, attachments, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		      "ititti", id, action, actor, note ? note : "",
		      attachments ? attachments : "[]", now);
}

/*
 * The handling unit: the applicant's ancestor at the item's level — "/1/7/42/99/"
 * is district 1, street 7, community 42. An applicant placed above that level
 * is handled by their own unit. 0, or -1 for a malformed path.
 */
static int handler_of(const char *path, const char *level, int64_t *unit, char out[256])
{
	int depth = !strcmp(level, "district") ? 1 : !strcmp(level, "street") ? 2 : 3;
	const char *p = path;
	int64_t id = 0;

	if (*p != '/')
		return -1;
	for (int k = 0; k < depth && p[1]; k++) {
		char *end;
		long long v = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/' || v <= 0)
			return -1;
		id = v;
		p = end;
	}
	if (!id)
		return -1;
	*unit = id;
	snprintf(out, 256, "%.*s", (int)(p - path + 1), path);
	return 0;
}

/* An application's writes, each one db_tx_run() transaction. */
struct application_change {
	struct req *req;
	int64_t item_id, handler, due, now, id;
	const char *hpath, *atts, *name, *note;
	const unsigned char *blob;
	size_t blen;
	const struct app_action *act;
	const struct application *a;
};

static int create_application_tx(struct db_conn *c, void *ctx)
{
	struct application_change *x = ctx;
	struct req *req = x->req;
	const struct auth *au = req_auth(req);
	struct db_stmt *st;
	int rc = db_prepare(c,
			    "INSERT INTO service_applications (item_id, account_id, resident_id, "
			    "unit_path, handler_unit_id, handler_path, form_enc, attachments, "
			    "status, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
			    "?, 'submitted', ?, ?, ?) RETURNING id",
			    &st);

	if (rc == 0) {
		db_bind_int64(st, 1, x->item_id);
		db_bind_int64(st, 2, au->account_id);
		if (au->resident_id > 0)
			db_bind_int64(st, 3, au->resident_id);
		db_bind_text(st, 4, au->unit_path, -1);
		db_bind_int64(st, 5, x->handler);
		db_bind_text(st, 6, x->hpath, -1);
		db_bind_blob(st, 7, x->blob, x->blen);
		db_bind_text(st, 8, x->atts, -1);
		db_bind_int64(st, 9, x->due);
		db_bind_int64(st, 10, x->now);
		db_bind_int64(st, 11, x->now);
		rc = db_step(st);
		if (rc == DB_ROW) {
			x->id = db_col_int64(st, 0);
			rc = 0;
		}
		db_reset(st);
	}
	if (rc == 0)
		rc = add_event(c, x->id, "submit", au->account_id, NULL, x->atts, x->now);
	if (rc == 0)
		rc = message_add(
			c, 0, x->handler, 0, "service",
			arena_printf(&req->arena, "新的办事申请：%s", x->name),
			arena_printf(&req->arena, "申请 #%lld：%s", (long long)x->id, x->name),
			x->now);
	if (rc == 0)
		rc = audit_write(req, c, "service_application.create", "service_application", x->id,
				 JB_OBJ(jb_int("item_id", x->item_id)));
	return rc;
}

/* DB_EABORT: the application moved on since it was read */
static int act_on_application_tx(struct db_conn *c, void *ctx)
{
	struct application_change *x = ctx;
	struct req *req = x->req;
	const struct app_action *act = x->act;
	const struct application *a = x->a;
	int64_t id = x->id, now = x->now;
	int rc;

	if (x->blob)
		rc = db_run(
			c,
			"UPDATE service_applications SET status = ?, version = version + 1, "
			"updated_at = ?, form_enc = ? WHERE id = ? AND status = ? AND version = ?",
			"tibiti", act->to, now, (const void *)x->blob, x->blen, id, a->status,
			a->version);
	else
		rc = db_run(c,
			    "UPDATE service_applications SET status = ?, version = version + 1, "
			    "updated_at = ? WHERE id = ? AND status = ? AND version = ?",
			    "tiiti", act->to, now, id, a->status, a->version);
	if (rc == 0 && db_changes(c) != 1)
		return DB_EABORT;
	if (rc == 0)
		rc = add_event(c, id, act->name, req_auth(req)->account_id, x->note, x->atts, now);
	if (rc == 0) {
		const char *title = arena_printf(&req->arena, "%s：%s", a->item_name, act->title);
		/*
		 * The applicant reads the handler's note. The unit's inbox is read by
		 * every appeal:read holder of the unit (department and property
		 * accounts too), so the applicant's steps name the application only:
		 * the handlers read the note on its timeline.
		 */
		rc = act->who == ACT_STAFF
			     ? message_add(c, a->account_id, 0, 0, "service", title,
					   x->note ? x->note : "", now)
			     : message_add(c, 0, a->handler_unit_id, 0, "service", title,
					   arena_printf(&req->arena, "申请 #%lld", (long long)id),
					   now);
	}
	if (rc == 0)
		rc = audit_write(req, c,
				 arena_printf(&req->arena, "service_application.%s", act->name),
				 "service_application", id, NULL);
	return rc;
}

static void create_application(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct application_change x = { 0 };
	int64_t item_id, handler = 0, due = 0, now = clock_now();
	json_t *item, *answers = NULL, *att = json_object_get(req->json, "attachments");
	char hpath[256], *plain = NULL, *atts = NULL;
	unsigned char *blob = NULL;
	size_t blen = 0;
	int rc;

	if (!c || json_get_int_or_reply(req, req->json, "item_id", 1, 1, INT64_MAX, &item_id) ||
	    !(item = item_load_or_reply(req, c, item_id)))
		return;
	if (!json_is_true(json_object_get(item, "active"))) {
		json_decref(item);
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (answers_or_reply(req, json_object_get(item, "form"), json_object_get(req->json, "form"),
			     &answers) ||
	    attach_ids_or_reply(req, c, att, "attachments", 20)) {
		json_decref(item);
		json_decref(answers);
		return;
	}
	if (handler_of(au->unit_path, json_string_value(json_object_get(item, "handling_level")),
		       &handler, hpath)) {
		json_decref(item);
		json_decref(answers);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	plain = json_dumps(answers, JSON_COMPACT);
	atts = att ? json_dumps(att, JSON_COMPACT) : strdup("[]");
	blob = plain ? pii_seal(req->srv->pii, PII_DOCUMENT, plain, &blen) : NULL;
	rc = blob && atts ? cal_deadline_db(c, now,
					    (int)json_integer_value(
						    json_object_get(item, "time_limit_days")),
					    1, &due)
			  : DB_ENOMEM;
	x = (struct application_change){ .req = req,
					 .item_id = item_id,
					 .handler = handler,
					 .hpath = hpath,
					 .blob = blob,
					 .blen = blen,
					 .atts = atts,
					 .due = due,
					 .now = now,
					 .name = json_string_value(json_object_get(item, "name")) };
	if (rc == 0)
		rc = db_tx_run(c, create_application_tx, &x);
	char b[32];
	reply_tx(req, rc, 201,
		 JB_OBJ(jb_int("id", x.id), jb_str("status", "submitted"),
			jb_str("due_at", clock_format_shanghai(due, b)),
			jb_take("handler_unit", JB_OBJ(jb_int("id", handler)))));
	free(plain);
	free(atts);
	free(blob);
	json_decref(answers);
	json_decref(item);
}

static void act_on_application(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *name = NULL, *note = NULL;
	int64_t id, version = 0, now = clock_now();
	const struct app_action *act = NULL;
	struct application a;
	json_t *att = json_object_get(req->json, "attachments"), *fresh = NULL;
	char *atts = NULL, *plain = NULL;
	unsigned char *blob = NULL;
	size_t blen = 0;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    json_get_str_or_reply(req, req->json, "action", 1, 40, &name) ||
	    json_get_str_or_reply(req, req->json, "note", 0, 1000, &note) < 0 ||
	    json_get_int_or_reply(req, req->json, "version", 0, 1, INT64_MAX, &version) < 0)
		return;
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (!strcmp(name, app_actions[i].name))
			act = &app_actions[i];
	if (!act) {
		reply_invalid(req, "action",
			      "accept, request_material, supplement, approve, reject, complete or "
			      "withdraw");
		return;
	}
	if (act->note_required && (!note || !*note)) {
		reply_invalid(req, "note", "say what is needed or why");
		return;
	}
	if (note && utf8_chars(note, strlen(note)) > 1000) {
		reply_invalid(req, "note", "at most 1000 characters");
		return;
	}
	if (app_load_or_reply(req, c, id, &a, 0, NULL))
		return;
	if (!action_from(act, a.status) || !(act->who == ACT_STAFF ? a.handler : a.applicant) ||
	    (version && version != a.version)) {
		reply_error_ex(req, ERR_SERVICE_STATE, NULL,
			       JB_OBJ(jb_str("status", a.status), jb_str("action", act->name),
				      jb_int("version", a.version)));
		return;
	}
	if (!strcmp(act->name, "supplement")) {
		/* new answers replace the old; new photos join the timeline */
		json_t *form = json_object_get(req->json, "form");
		if (form) {
			json_t *item = item_load_or_reply(req, c, a.item_id);
			if (!item)
				return;
			rc = answers_or_reply(req, json_object_get(item, "form"), form, &fresh);
			json_decref(item);
			if (rc)
				return;
			plain = json_dumps(fresh, JSON_COMPACT);
			blob = plain ? pii_seal(req->srv->pii, PII_DOCUMENT, plain, &blen) : NULL;
			json_decref(fresh);
			if (!blob) {
				free(plain);
				reply_error(req, ERR_INTERNAL);
				return;
			}
		}
		if (attach_ids_or_reply(req, c, att, "attachments", 20)) {
			free(plain);
			free(blob);
			return;
		}
		atts = att ? json_dumps(att, JSON_COMPACT) : NULL;
	}
	rc = db_tx_run(c, act_on_application_tx,
		       &(struct application_change){ .req = req,
						     .act = act,
						     .a = &a,
						     .id = id,
						     .now = now,
						     .note = note,
						     .atts = atts,
						     .blob = blob,
						     .blen = blen });
	if (rc == DB_EABORT)
		reply_error(req, ERR_SERVICE_STATE);
	else
		reply_tx(req, rc, 200,
			 JB_OBJ(jb_int("id", id), jb_str("status", act->to),
				jb_int("version", (a.version + 1))));
	free(atts);
	free(plain);
	free(blob);
}

/*
 * The answers whole, for a handler who must call the applicant or check the
 * ID number: audited with the fields shown, never their values.
 */
static void reveal_application(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct application a;
	json_t *out = NULL, *form, *fields = json_array(), *v;
	const char *key;
	int64_t id;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    app_load_or_reply(req, c, id, &a, 1, &out)) {
		json_decref(fields);
		return;
	}
	if (!a.handler) {
		json_decref(fields);
		json_decref(out);
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	form = json_object_get(out, "form");
	json_object_foreach(form, key, v) json_array_append_new(fields, json_string(key));
	if (audit_request(req, "service_application.reveal", "service_application", id,
			  json_is_object(form) ? "ok" : "failed",
			  JB_OBJ(jb_take("fields", fields))) < 0) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	if (!json_is_object(form)) {
		json_decref(out);
		reply_error_ex(req, ERR_INTERNAL,
			       "The stored answers cannot be decrypted with this key.", NULL);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("id", id), jb_ref("form", form)));
	json_decref(out);
}

const struct route application_routes[] = {
	{ "GET", "/api/v1/service-items", list_items, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/service-items/:id", get_item, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/service-items", create_item, R_JSON, "service:catalogue", 0 },
	{ "PATCH", "/api/v1/service-items/:id", update_item, R_JSON, "service:catalogue", 0 },
	{ "POST", "/api/v1/service-applications", create_application, R_JSON, "service:use", 0 },
	{ "GET", "/api/v1/service-applications", list_applications, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/service-applications/:id", get_application, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/service-applications/:id/actions", act_on_application, R_AUTH | R_JSON,
	  NULL, 0 },
	{ "POST", "/api/v1/service-applications/:id/reveal", reveal_application, R_AUTH,
	  "service:handle", 0 },
	{ 0 },
};
