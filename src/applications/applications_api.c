/*
 * applications_api.c — online service applications (一网通办).
 *
 *   POST  /api/v1/service-applications                {item_id, form, attachments?}  service:use
 *   GET   /api/v1/service-applications?status=&item=&mine=1&limit=&cursor=
 *   GET   /api/v1/service-applications/:id            with the answers and the timeline
 *   POST  /api/v1/service-applications/:id/actions    {action, note?, form?, attachments?,
 * version?}
 *   POST  /api/v1/service-applications/:id/reveal     the answers whole, audited  service:handle
 *
 * Residents apply for a service item of the catalogue (items_api.c) by
 * answering its form; the unit at the item's level above the applicant
 * handles the application.
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
 * like a resident's record (form_mask in forms.c). POST …/reveal answers
 * them whole and is audited (service_application.reveal), as residents' and
 * appeals' reveals.
 *
 * Handlers only: parse, authorise, call applications_store.c, reply. The
 * form rules and the handling unit are forms.c's.
 */
#include "applications/applications.h"
#include "applications/applications_int.h"

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "calendar/calendar.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "http/server.h"
#include "messages/messages.h"
#include "org/org.h"
#include "pii/pii.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Check the answers against the item's form and build the stored copy: 0 and
 * *out, or -1 answered: 400 naming the field as "form.<key>".
 */
static int answers_or_reply(struct req *req, json_t *form, json_t *answers, json_t **out)
{
	struct form_error err;

	if (!form_answers(form, answers, out, &err))
		return 0;
	reply_invalid(req, err.key ? arena_printf(&req->arena, "form.%s", err.key) : "form",
		      err.why);
	return -1;
}

/* ---- applications ---------------------------------------------------------- */
enum { ACT_STAFF = 1, ACT_APPLICANT = 2 };

/* The statuses, in the order of their bits in an action's from. */
static const char *const statuses[] = { "submitted", "accepted",  "needs_material", "approved",
					"rejected",  "completed", "withdrawn" };
#define N_STATUSES (sizeof statuses / sizeof *statuses)
enum { SUBMITTED = 1, ACCEPTED = 2, NEEDS_MATERIAL = 4, APPROVED = 8 };
#define UNDECIDED (SUBMITTED | ACCEPTED | NEEDS_MATERIAL)

static const struct app_action {
	const char *name;
	int from;		/* the statuses it applies to, as bits */
	const char *to, *title; /* title: the message, after the item's name */
	int who, note_required;
} app_actions[] = {
	{ "accept", SUBMITTED, "accepted", "已受理", ACT_STAFF, 0 },
	{ "request_material", SUBMITTED | ACCEPTED, "needs_material", "请补充材料", ACT_STAFF, 1 },
	{ "supplement", NEEDS_MATERIAL, "accepted", "已补充材料", ACT_APPLICANT, 0 },
	{ "approve", ACCEPTED, "approved", "审核通过", ACT_STAFF, 0 },
	{ "reject", UNDECIDED, "rejected", "未通过", ACT_STAFF, 1 },
	{ "complete", APPROVED, "completed", "已办结", ACT_STAFF, 0 },
	{ "withdraw", UNDECIDED, "withdrawn", "已撤回", ACT_APPLICANT, 0 },
};
#define N_ACTIONS (sizeof app_actions / sizeof *app_actions)

static int action_from(const struct app_action *a, const char *status)
{
	int i = app_in_list(status, statuses, N_STATUSES);

	return i >= 0 && (a->from & (1 << i));
}

struct application {
	int64_t id, item_id, account_id, handler_unit_id, version;
	char status[16], handler_path[256];
	const char *item_name;	/* in the request's arena */
	int applicant, handler; /* what the caller is to it */
};

static json_t *app_json(const struct app_view *v, int64_t now)
{
	char b1[32], b2[32];
	int open = strcmp(v->status, "approved") && strcmp(v->status, "rejected") &&
		   strcmp(v->status, "completed") && strcmp(v->status, "withdrawn");

	return JB_OBJ(jb_int("id", v->id),
		      jb_take("item", JB_OBJ(jb_int("id", v->item_id), jb_str("code", v->item_code),
					     jb_str("name", v->item_name))),
		      jb_str("status", v->status),
		      jb_take("applicant", JB_OBJ(jb_int("account_id", v->account_id),
						  jb_str("name", v->applicant_name))),
		      jb_take("handler_unit", JB_OBJ(jb_int("id", v->handler_unit_id),
						     jb_str("name", v->handler_name))),
		      jb_str("created_at", clock_format_shanghai(v->created_at, b1)),
		      jb_str("due_at", clock_format_shanghai(v->due_at, b2)),
		      jb_bool("overdue", open && now > v->due_at), jb_int("version", v->version));
}

/* The caller's relation to application v; 0 when it may not see it. */
static int relation(struct req *req, const struct app_view *v, struct application *a)
{
	const struct auth *au = req_auth(req);

	memset(a, 0, sizeof *a);
	a->id = v->id;
	a->item_id = v->item_id;
	a->item_name = arena_strdup(&req->arena, v->item_name);
	snprintf(a->status, sizeof a->status, "%s", v->status);
	a->account_id = v->account_id;
	a->handler_unit_id = v->handler_unit_id;
	a->version = v->version;
	snprintf(a->handler_path, sizeof a->handler_path, "%s", v->handler_path);
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

/* A page of the list (http/request.h's struct page) and the time overdue is judged at. */
struct app_page {
	struct page p;
	int64_t now;
};

static int app_listed(void *ctx, const struct app_view *v)
{
	struct app_page *ap = ctx;

	return page_add(&ap->p, v->id, app_json(v, ap->now));
}

static void list_applications(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *status = req_query(req, "status"), *item = req_query(req, "item"),
		   *mine = req_query(req, "mine");
	int own = !auth_can(req, "service:handle") || (mine && !strcmp(mine, "1"));
	int64_t item_id = 0;
	struct app_page ap = { .now = clock_now() };
	struct scope sc;

	if (!c || page_begin_or_reply(req, &ap.p))
		return;
	if (item && parse_int64(item, 1, INT64_MAX, &item_id)) {
		reply_invalid(req, "item", "expected a service item id");
		return;
	}
	if (status && strcmp(status, "open") && app_in_list(status, statuses, N_STATUSES) < 0) {
		reply_invalid(req, "status", "a status, or open");
		return;
	}
	if (scope_own_or_unit_or_reply(req, c, own, req_query(req, "unit"), &sc))
		return;
	const struct app_filter f = { .lo = sc.lo,
				      .hi = sc.hi,
				      .before = ap.p.cursor ? ap.p.cursor : INT64_MAX,
				      .own = own,
				      .account_id = au->account_id,
				      .item_id = item_id,
				      .status = status,
				      .limit = ap.p.limit + 1 };
	page_reply(&ap.p, apps_store_list(c, &f, app_listed, &ap));
}

/* What app_load_or_reply asks of the row it reads. */
struct app_load {
	struct req *req;
	struct application *a;
	int whole, ok;
	json_t **out;
};

static int app_loaded(void *ctx, const struct app_view *v)
{
	struct app_load *l = ctx;
	struct req *req = l->req;

	if (!(l->ok = relation(req, v, l->a)) || !l->out)
		return 0;
	char *plain = pii_open(req->srv->pii, PII_DOCUMENT, v->form_enc, v->form_enc_n);
	json_t *answers = plain ? json_loads(plain, 0, NULL) : NULL;
	json_t *fields = json_loads(v->item_form, 0, NULL), *out;
	int masked = !l->whole && !l->a->applicant && form_mask(answers, fields);

	*l->out = out = app_json(v, clock_now());
	json_object_set_new(out, "form", answers ? answers : json_null());
	json_object_set_new(out, "form_fields", fields);
	json_object_set_new(out, "form_masked", json_boolean(masked));
	if (plain)
		sodium_memzero(plain, strlen(plain));
	json_object_set_new(out, "attachments", json_loads(v->attachments, 0, NULL));
	free(plain);
	return 0;
}

/*
 * Load application id for the caller; out (if not NULL) gets its JSON with
 * the answers (masked unless the caller is the applicant or whole is set)
 * and the item's fields. 0, or -1 answered (404 when the caller may not see it).
 */
static int app_load_or_reply(struct req *req, struct db_conn *c, int64_t id, struct application *a,
			     int whole, json_t **out)
{
	struct app_load l = { .req = req, .a = a, .whole = whole, .out = out };
	int rc = apps_store_view(c, id, app_loaded, &l);

	return req_row_or_reply(req, rc, rc != DB_DONE && l.ok, NULL);
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
	if (apps_store_timeline(c, id, &tl) < 0) {
		json_decref(out);
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	json_object_set_new(out, "timeline", tl);
	json_object_set_new(out, "allowed_actions", allowed_json(&a));
	reply_json(req, 200, out);
}

/* An application's writes, each one db_tx_run() transaction. */
struct application_change {
	struct req *req;
	int64_t item_id, handler, due, now, id;
	const char *hpath, *name, *note;
	char *atts;	     /* malloc'd, owned by the handler */
	unsigned char *blob; /* the sealed answers: malloc'd too */
	size_t blen;
	const struct app_action *act;
	const struct application *a;
};

static int create_application_tx(struct db_conn *c, void *ctx)
{
	struct application_change *x = ctx;
	struct req *req = x->req;
	const struct auth *au = req_auth(req);
	int rc = apps_store_insert(c,
				   &(struct app_new){ .item_id = x->item_id,
						      .account_id = au->account_id,
						      .resident_id = au->resident_id,
						      .unit_path = au->unit_path,
						      .handler_unit_id = x->handler,
						      .handler_path = x->hpath,
						      .form_enc = x->blob,
						      .form_enc_n = x->blen,
						      .attachments = x->atts,
						      .due = x->due,
						      .now = x->now },
				   &x->id);

	if (rc == 0)
		rc = apps_store_add_event(c, x->id, "submit", au->account_id, NULL, x->atts,
					  x->now);
	if (rc == 0)
		rc = message_add(
			c, 0, x->handler, 0, "service",
			arena_printf(&req->arena, "新的办事申请：%s", x->name),
			arena_printf(&req->arena, "申请 #%lld：%s", (long long)x->id, x->name),
			x->now);
	return audit_write_after(rc, req, c, "service_application.create", "service_application",
				 x->id, JB_OBJ(jb_int("item_id", x->item_id)));
}

/* DB_EABORT: the application moved on since it was read */
static int act_on_application_tx(struct db_conn *c, void *ctx)
{
	struct application_change *x = ctx;
	struct req *req = x->req;
	const struct app_action *act = x->act;
	const struct application *a = x->a;
	int64_t id = x->id, now = x->now, changed;
	int rc = apps_store_set_status(c, id, a->status, a->version, act->to, x->blob, x->blen, now,
				       &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	if (rc == 0)
		rc = apps_store_add_event(c, id, act->name, req_auth(req)->account_id, x->note,
					  x->atts, now);
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
	return audit_write_after(rc, req, c,
				 arena_printf(&req->arena, "service_application.%s", act->name),
				 "service_application", id, NULL);
}

/* The answers sealed for storage (malloc'd, *n bytes); NULL when out of memory. */
static unsigned char *answers_seal(struct req *req, json_t *answers, size_t *n)
{
	char *plain = json_dumps(answers, JSON_COMPACT);
	unsigned char *blob = plain ? pii_seal(req->srv->pii, PII_DOCUMENT, plain, n) : NULL;

	if (plain)
		sodium_memzero(plain, strlen(plain));
	free(plain);
	return blob;
}

struct apply_body {
	int64_t item_id;
	json_t *form, *attachments; /* checked against the item, and by attach */
};
static const struct body_field apply_fields[] = {
	BF_ID(struct apply_body, item_id, "item_id", BF_REQUIRED),
	BF_JSON(struct apply_body, form, "form", BF_OPTIONAL, -1),
	BF_JSON(struct apply_body, attachments, "attachments", BF_OPTIONAL, -1),
};

static void create_application(struct req *req)
{
	const struct auth *au = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	struct application_change x = { 0 };
	struct apply_body body;
	int64_t handler = 0, due = 0, now = clock_now();
	json_t *item, *answers = NULL;
	char hpath[256], *atts = NULL;
	unsigned char *blob = NULL;
	size_t blen = 0;
	int rc;

	if (!c || BODY_READ_OR_REPLY(req, apply_fields, &body, NULL) ||
	    !(item = item_load_or_reply(req, c, body.item_id)))
		return;
	if (!json_is_true(json_object_get(item, "active"))) {
		json_decref(item);
		reply_error(req, ERR_NOT_FOUND);
		return;
	}
	if (answers_or_reply(req, json_object_get(item, "form"), body.form, &answers) ||
	    attach_ids_or_reply(req, c, body.attachments, "attachments", 20)) {
		json_decref(item);
		json_decref(answers);
		return;
	}
	if (handling_unit(au->unit_path, json_string_value(json_object_get(item, "handling_level")),
			  &handler, hpath)) {
		json_decref(item);
		json_decref(answers);
		reply_error(req, ERR_INTERNAL);
		return;
	}
	atts = body.attachments ? json_dumps(body.attachments, JSON_COMPACT) : strdup("[]");
	blob = answers_seal(req, answers, &blen);
	rc = blob && atts ? cal_deadline_db(c, now,
					    (int)json_integer_value(
						    json_object_get(item, "time_limit_days")),
					    1, &due)
			  : DB_ENOMEM;
	x = (struct application_change){ .req = req,
					 .item_id = body.item_id,
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
	free(atts);
	free(blob);
	json_decref(answers);
	json_decref(item);
}

struct action_body {
	const char *action, *note;
	int64_t version;	    /* 0: any */
	json_t *form, *attachments; /* a supplement's */
};
static const struct body_field action_fields[] = {
	BF_STR(struct action_body, action, "action", BF_REQUIRED, 0, 40),
	BF_STR(struct action_body, note, "note", BF_OPTIONAL, 0, 1000),
	BF_INT(struct action_body, version, "version", BF_OPTIONAL, 1, INT64_MAX, 0),
	BF_JSON(struct action_body, form, "form", BF_OPTIONAL, -1),
	BF_JSON(struct action_body, attachments, "attachments", BF_OPTIONAL, -1),
};

/*
 * A supplement: new answers replace the old (x->blob, sealed), new photos
 * join the timeline (x->atts). 0, or -1 answered. The caller frees both.
 */
static int supplement_or_reply(struct req *req, struct db_conn *c, const struct application *a,
			       const struct action_body *body, struct application_change *x)
{
	json_t *fresh = NULL;

	if (body->form) {
		json_t *item = item_load_or_reply(req, c, a->item_id);
		int rc;
		if (!item)
			return -1;
		rc = answers_or_reply(req, json_object_get(item, "form"), body->form, &fresh);
		json_decref(item);
		if (rc)
			return -1;
		x->blob = answers_seal(req, fresh, &x->blen);
		json_decref(fresh);
		if (!x->blob) {
			reply_error(req, ERR_INTERNAL);
			return -1;
		}
	}
	if (attach_ids_or_reply(req, c, body->attachments, "attachments", 20))
		return -1;
	x->atts = body->attachments ? json_dumps(body->attachments, JSON_COMPACT) : NULL;
	return 0;
}

static void act_on_application(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct action_body body;
	int64_t id;
	const struct app_action *act = NULL;
	struct application a;
	struct application_change x = { .req = req, .a = &a, .now = clock_now() };
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, action_fields, &body, NULL))
		return;
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (!strcmp(body.action, app_actions[i].name))
			act = &app_actions[i];
	if (!act) {
		reply_invalid(req, "action",
			      "accept, request_material, supplement, approve, reject, complete or "
			      "withdraw");
		return;
	}
	if (act->note_required && (!body.note || !*body.note)) {
		reply_invalid(req, "note", "say what is needed or why");
		return;
	}
	if (app_load_or_reply(req, c, id, &a, 0, NULL))
		return;
	if (!action_from(act, a.status) || !(act->who == ACT_STAFF ? a.handler : a.applicant) ||
	    (body.version && body.version != a.version)) {
		reply_error_ex(req, ERR_SERVICE_STATE, NULL,
			       JB_OBJ(jb_str("status", a.status), jb_str("action", act->name),
				      jb_int("version", a.version)));
		return;
	}
	x.id = id;
	x.act = act;
	x.note = body.note;
	if (!strcmp(act->name, "supplement") && supplement_or_reply(req, c, &a, &body, &x))
		goto out;
	rc = db_tx_run(c, act_on_application_tx, &x);
	reply_tx_refused(req, rc, ERR_SERVICE_STATE, 200,
			 JB_OBJ(jb_int("id", id), jb_str("status", act->to),
				jb_int("version", (a.version + 1))));
out:
	free(x.atts);
	free(x.blob);
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
	{ "POST", "/api/v1/service-applications", create_application, R_JSON, "service:use", 0 },
	{ "GET", "/api/v1/service-applications", list_applications, R_AUTH, NULL, 0 },
	{ "GET", "/api/v1/service-applications/:id", get_application, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/service-applications/:id/actions", act_on_application, R_AUTH | R_JSON,
	  NULL, 0 },
	{ "POST", "/api/v1/service-applications/:id/reveal", reveal_application, R_AUTH,
	  "service:handle", 0 },
	{ 0 },
};
