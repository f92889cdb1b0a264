/*
 * open311.c — Open311 GeoReport v2 under /open311/v2/.
 *
 *   GET  discovery.{json,xml}              the discovery document
 *   GET  services.{json,xml}               active appeal categories as services
 *   GET  services/{service_code}.{json,xml} a service definition (no attributes)
 *   GET  requests.{json,xml}               appeals as service requests, filtered
 *   GET  requests/{id}.{json,xml}          one request (in an array, as the spec says)
 *   POST requests.{json,xml}               create one: form-encoded, api_key required
 *   GET  tokens/{token}.{json,xml}         token → service_request_id
 *
 * The format is the path's extension; anything else is a 404 in JSON. Every
 * answer is first built as a jansson value, then written either as JSON or,
 * by one generic walk, as XML: an array becomes <root><item>…</item></root>,
 * an object's members become elements in order, nested arrays take the
 * singular of their name (endpoints → endpoint). Errors are the spec's
 * [{"code": N, "description": "…"}] / <errors><error>… with HTTP status N.
 *
 * Mapping. service_code is the category code, service_request_id the case
 * number (digits, sent as a string). Status is appeal_status_open311():
 * rejected, closed and rated are "closed", the rest "open"; merged appeals
 * are never listed (their token resolves to the appeal they were merged
 * into). status_notes, for closed requests only, is the latest non-empty
 * note of a reject, resolve or verify event — the notes an anonymous
 * reporter may read too; comments can be internal and never appear.
 *
 * Privacy. The GET endpoints are public, so a request shows exactly the
 * spec's fields: no contact name or phone, no reporter, no account. The
 * submitter's phone is validated and stored encrypted exactly as
 * POST /api/v1/appeals stores it; email is accepted and discarded.
 *
 * Submission. api_key is an API bearer token (shuniu token create) whose
 * account holds appeal:create; the appeal is created by that account
 * (channel "open311"), placed by appeal_locate() from lat/long, else
 * address_string (address_id is taken as address text: we keep no address
 * registry), routed by appeal_route() and committed by the group-commit
 * writer, so the 201 names a durable case. The token returned is the case
 * number itself, which resolves at once. media_url is used only when it is
 * one of our own attachment URLs (…/api/v1/attachments/<id>) naming an
 * existing attachment; other URLs are ignored, never fetched.
 */
#include "open311/open311_int.h"

#include "appeals/appeals.h"
#include "attach/attach.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "core/util.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"
#include "pii/pii.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define O311_CHANGESET "2026-11-25T00:00:00+08:00"
#define O311_CONTACT                                                                               \
	"The district's grid governance office (网格化治理办公室) runs this service; ask " \
	"them for help and for an api_key."
#define O311_KEY_SERVICE                                                                           \
	"api_key is an API token the server administrator issues with `shuniu token create "       \
	"--data DIR --user NAME` for an account that may register appeals."
#define O311_SPEC	 "http://wiki.open311.org/GeoReport_v2"
#define O311_MAX_RESULTS 1000	      /* the spec's cap on one search */
#define O311_WINDOW	 (90 * 86400) /* the spec's default and widest date range */
#define O311_MAX_FIELDS	 100
#define O311_BODY_LIMIT	 (64 * 1024)
#define TITLE_CHARS	 30

/* ---- discovery and services -------------------------------------------- */

static void get_discovery(struct req *req, enum fmt f)
{
	const char *url = arena_printf(&req->arena, "%s/open311/v2", o311_base_url(req));

	o311_reply_doc(
		req, f, 200, "discovery", NULL,
		JB_OBJ(jb_str("changeset", O311_CHANGESET), jb_str("contact", O311_CONTACT),
		       jb_str("key_service", O311_KEY_SERVICE),
		       jb_take("endpoints",
			       JB_ARR(jv_take(JB_OBJ(
				       jb_str("specification", O311_SPEC), jb_str("url", url),
				       jb_str("changeset", O311_CHANGESET),
				       jb_str("type", "production"),
				       jb_take("formats", JB_ARR(jv_str("text/xml"),
								 jv_str("application/json")))))))));
}

static const char *unit_words(const char *unit)
{
	return !strcmp(unit, "workdays") ? "working days" : "hours";
}

struct services_ctx {
	struct req *req;
	json_t *out;
};

static int service_row(void *ctx, const struct o311_service *sv)
{
	struct services_ctx *x = ctx;
	const char *en = sv->name_en;
	const char *desc =
		arena_printf(&x->req->arena, "%s. Accepted within %lld %s, handled within %lld %s.",
			     en && *en ? en : sv->name, (long long)sv->accept_amount,
			     unit_words(sv->accept_unit), (long long)sv->handle_amount,
			     unit_words(sv->handle_unit));
	json_t *s =
		JB_OBJ(jb_take("service_code", o311_jstr(sv->code)),
		       jb_take("service_name", o311_jstr(sv->name)), jb_str("description", desc),
		       jb_bool("metadata", 0), jb_str("type", "realtime"), jb_str("keywords", ""),
		       jb_str("group", sv->level));

	return !s || json_array_append_new(x->out, s) < 0 ? DB_ENOMEM : 0;
}

/* A list answer after the store ran: the document, or the error rc says. */
static void reply_list(struct req *req, enum fmt f, int rc, const char *root, const char *item,
		       json_t *out)
{
	if (rc < 0) {
		json_decref(out);
		if (rc == DB_ENOMEM)
			o311_error(req, f, 500, "cannot build the answer");
		else
			o311_db_error(req, f);
		return;
	}
	o311_reply_doc(req, f, 200, root, item, out);
}

static void get_services(struct req *req, enum fmt f)
{
	struct db_conn *c = o311_db_or_reply(req, f);
	struct services_ctx x = { req, NULL };

	if (!c)
		return;
	x.out = json_array();
	reply_list(req, f, o311_store_services(c, service_row, &x), "services", "service", x.out);
}

/* The active service (category) with this code: 0, or -1 when answered (503 or 404). */
static int service_or_reply(struct req *req, enum fmt f, struct db_conn *c, const char *code,
			    struct category *cat)
{
	int rc = category_get_by_code(c, code, cat);

	if (rc < 0) {
		o311_db_error(req, f);
		return -1;
	}
	if (rc != DB_ROW || !cat->active) {
		o311_error(req, f, 404, "no service has this service_code");
		return -1;
	}
	return 0;
}

static void get_service_definition(struct req *req)
{
	struct db_conn *c;
	struct category cat;
	const char *code;
	enum fmt f;

	if (o311_file_or_reply(req, &code, &f) || !(c = o311_db_or_reply(req, f)) ||
	    service_or_reply(req, f, c, code, &cat))
		return;
	o311_reply_doc(
		req, f, 200, "service_definition", NULL,
		JB_OBJ(jb_str("service_code", cat.code), jb_take("attributes", json_array())));
}

/* ---- service requests -------------------------------------------------- */

/* media_url: the first photo as a link to our attachment, or "". */
static const char *media_url(struct req *req, const char *photos)
{
	json_t *arr = photos ? json_loads(photos, 0, NULL) : NULL;
	const char *id = json_string_value(json_array_get(arr, 0)), *url = "";

	if (id && attach_id_valid(id))
		url = arena_printf(&req->arena, "%s/api/v1/attachments/%s", o311_base_url(req), id);
	json_decref(arr);
	return url;
}

static json_t *coord(int has, double v)
{
	return has ? json_real(v) : json_null();
}

/* One request as the spec's; NULL when out of memory. */
static json_t *request_json(struct req *req, const struct o311_request *r)
{
	const char *status = appeal_status_open311(appeal_status_parse(r->status));
	const char *notes = !strcmp(status, "closed") ? r->notes : "";
	char t1[32], t2[32], t3[32];

	return JB_OBJ(jb_take("service_request_id", o311_jstr(r->case_no)),
		      jb_str("status", status), jb_take("status_notes", o311_jstr(notes)),
		      jb_take("service_name", o311_jstr(r->name)),
		      jb_take("service_code", o311_jstr(r->code)),
		      jb_take("description", o311_jstr(r->description)),
		      jb_take("agency_responsible", o311_jstr(r->agency)),
		      jb_str("service_notice", ""),
		      jb_take("requested_datetime", o311_jtime(r->created_at, t1)),
		      jb_take("updated_datetime", o311_jtime(r->updated_at, t2)),
		      jb_take("expected_datetime", o311_jtime(r->expected, t3)),
		      jb_take("address", o311_jstr(r->address)), jb_str("address_id", ""),
		      jb_str("zipcode", ""), jb_take("lat", coord(r->has_lat, r->lat)),
		      jb_take("long", coord(r->has_lng, r->lng)),
		      jb_str("media_url", media_url(req, r->photos)));
}

struct requests_ctx {
	struct req *req;
	json_t *out;
};

static int request_row(void *ctx, const struct o311_request *r)
{
	struct requests_ctx *x = ctx;
	json_t *j = request_json(x->req, r);

	return !j || json_array_append_new(x->out, j) < 0 ? DB_ENOMEM : 0;
}

static int is_case_no(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= 23 && strspn(s, "0123456789") == n;
}

/* The status filter: open, closed or both. 0, or -1 answered. */
static int status_filter_or_reply(struct req *req, enum fmt f, const char *status,
				  struct o311_filter *fl)
{
	char *tok[8];
	int n = o311_split_list(req, status, tok, 8);

	for (int i = 0; i < n; i++) {
		if (!strcmp(tok[i], "open"))
			fl->want_open = 1;
		else if (!strcmp(tok[i], "closed"))
			fl->want_closed = 1;
		else
			n = -1;
	}
	if (n < 0) {
		o311_error(req, f, 400, "status: open, closed or open,closed");
		return -1;
	}
	return 0;
}

/* The date window: at most 90 days; the last 90 days when neither end is given. 0, or -1
 * answered. */
static int window_or_reply(struct req *req, enum fmt f, struct o311_filter *fl)
{
	const char *start = req_query(req, "start_date"), *end = req_query(req, "end_date");

	if (start && o311_date_param(req, start, 0, &fl->lo)) {
		o311_error(req, f, 400,
			   "start_date: a W3C date time such as "
			   "2026-11-25T08:00:00+08:00");
		return -1;
	}
	if (end && o311_date_param(req, end, 1, &fl->hi)) {
		o311_error(req, f, 400,
			   "end_date: a W3C date time such as 2026-11-25T18:00:00+08:00");
		return -1;
	}
	if (!start && !end) {
		fl->hi = INT64_MAX;
		fl->lo = clock_now() - O311_WINDOW;
	} else if (!end) {
		fl->hi = fl->lo + O311_WINDOW;
	} else if (!start) {
		fl->lo = fl->hi - O311_WINDOW;
	} else if (fl->hi < fl->lo || fl->hi - fl->lo > O311_WINDOW) {
		o311_error(req, f, 400,
			   "start_date and end_date: end after start, at most 90 days "
			   "apart");
		return -1;
	}
	return 0;
}

static void list_requests(struct req *req, enum fmt f)
{
	const char *ids = req_query(req, "service_request_id"),
		   *codes = req_query(req, "service_code"), *status = req_query(req, "status");
	char *idv[O311_MAX_IDS], *codev[O311_MAX_CODES];
	struct o311_filter fl = { .ids = (const char *const *)idv,
				  .codes = (const char *const *)codev,
				  .limit = O311_MAX_RESULTS };
	struct requests_ctx x = { req, NULL };
	struct db_conn *c;

	if (ids) {
		/* The spec: with service_request_id, every other filter is ignored. */
		fl.nids = o311_split_list(req, ids, idv, O311_MAX_IDS);
		if (fl.nids < 0) {
			o311_error(req, f, 400,
				   "service_request_id: 1 to 100 ids separated by commas");
			return;
		}
		for (int i = 0; i < fl.nids; i++)
			if (!is_case_no(idv[i])) {
				o311_error(req, f, 400,
					   "service_request_id: ids are digits (case numbers)");
				return;
			}
	} else {
		if (codes && (fl.ncodes = o311_split_list(req, codes, codev, O311_MAX_CODES)) < 0) {
			o311_error(req, f, 400, "service_code: 1 to 50 codes separated by commas");
			return;
		}
		if ((status && status_filter_or_reply(req, f, status, &fl)) ||
		    window_or_reply(req, f, &fl))
			return;
	}
	if (!(c = o311_db_or_reply(req, f)))
		return;
	x.out = json_array();
	reply_list(req, f, o311_store_requests(c, &fl, request_row, &x), "service_requests",
		   "request", x.out);
}

/*
 * The case number a path's last segment names (requests/{id}, tokens/{token})
 * and this thread's connection; NULL when answered: a bad format, a segment
 * that is no case number (404 with missing), or no database.
 */
static struct db_conn *case_no_or_reply(struct req *req, const char **id, enum fmt *f,
					const char *missing)
{
	if (o311_file_or_reply(req, id, f))
		return NULL;
	if (!is_case_no(*id)) {
		o311_error(req, *f, 404, missing);
		return NULL;
	}
	return o311_db_or_reply(req, *f);
}

static void get_request(struct req *req)
{
	static const char missing[] = "no service request has this service_request_id";
	struct db_conn *c;
	struct requests_ctx x = { req, NULL };
	const char *id;
	enum fmt f;
	int rc;

	if (!(c = case_no_or_reply(req, &id, &f, missing)))
		return;
	x.out = json_array();
	rc = o311_store_request(c, id, request_row, &x);
	if (rc == DB_DONE) {
		json_decref(x.out);
		o311_error(req, f, 404, missing);
		return;
	}
	reply_list(req, f, rc, "service_requests", "request", x.out);
}

/*
 * GET tokens/{token}: the token is the case number. A merged appeal's token
 * resolves to the appeal it was merged into (followed up to 8 times).
 */
static void get_token(struct req *req)
{
	static const char missing[] = "no service request has this token";
	struct db_conn *c;
	const char *token;
	char case_no[32] = "";
	enum fmt f;

	if (!(c = case_no_or_reply(req, &token, &f, missing)))
		return;
	if (o311_store_token(c, token, case_no) < 0) {
		o311_db_error(req, f);
		return;
	}
	if (!case_no[0]) {
		o311_error(req, f, 404, missing);
		return;
	}
	o311_reply_doc(req, f, 200, "service_requests", "request",
		       JB_ARR(jv_take(JB_OBJ(jb_str("service_request_id", case_no),
					     jb_str("token", token)))));
}

/* GET /open311/v2/:file — discovery, services or requests. */
static void get_top(struct req *req)
{
	const char *base;
	enum fmt f;

	if (o311_file_or_reply(req, &base, &f))
		return;
	if (!strcmp(base, "discovery"))
		get_discovery(req, f);
	else if (!strcmp(base, "services"))
		get_services(req, f);
	else if (!strcmp(base, "requests"))
		list_requests(req, f);
	else
		o311_error(req, f, 404, "not found");
}

static void not_found(struct req *req)
{
	o311_error(req, FMT_JSON, 404, "not found");
}

/* ---- POST requests: the form ------------------------------------------- */

struct form {
	int n;
	const char *key[O311_MAX_FIELDS], *val[O311_MAX_FIELDS];
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) ('+' is a space) into the arena; NULL on a bad %XX, a NUL or bad UTF-8. */
static char *form_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%') {
			int hi = n - i >= 3 ? hexval((unsigned char)s[i + 1]) : -1;
			int lo = n - i >= 3 ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return o311_utf8_valid((const unsigned char *)out, (size_t)(o - out)) ? out : NULL;
}

/* application/x-www-form-urlencoded: 0, or -1 when malformed or too many fields. */
static int form_parse(struct req *req, struct form *fm)
{
	const char *p = req->body ? req->body : "", *end = p + req->body_len;

	fm->n = 0;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
		if (len) {
			if (fm->n == O311_MAX_FIELDS)
				return -1;
			eq = memchr(p, '=', len);
			fm->key[fm->n] = form_decode(&req->arena, p, eq ? (size_t)(eq - p) : len);
			fm->val[fm->n] =
				eq ? form_decode(&req->arena, eq + 1, len - (size_t)(eq - p) - 1)
				   : "";
			if (!fm->key[fm->n] || !fm->val[fm->n])
				return -1;
			fm->n++;
		}
		p += len + 1;
	}
	return 0;
}

/*
 * A text field: 0 with *out the value (NULL when absent or empty), or -1
 * answered 400 when given twice or longer than max bytes.
 */
static int form_text_or_reply(struct req *req, enum fmt f, const struct form *fm, const char *key,
			      size_t max, const char **out)
{
	*out = NULL;
	for (int i = 0; i < fm->n; i++) {
		if (strcmp(fm->key[i], key))
			continue;
		if (*out) {
			o311_error(req, f, 400, arena_printf(&req->arena, "%s: given twice", key));
			return -1;
		}
		*out = fm->val[i];
	}
	if (*out && strlen(*out) > max) {
		o311_error(req, f, 400,
			   arena_printf(&req->arena, "%s: at most %zu bytes", key, max));
		return -1;
	}
	if (*out && !**out)
		*out = NULL;
	return 0;
}

static int parse_coord(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* The title: the first 30 characters of the description, controls as spaces. */
static char *title_of(struct req *req, const char *desc)
{
	size_t i = 0;
	char *t;

	for (int chars = 0; desc[i] && chars < TITLE_CHARS; chars++) {
		unsigned char ch = (unsigned char)desc[i];
		i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
	}
	t = arena_strndup(&req->arena, desc, i);
	for (char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return str_trim(t);
}

/* The attachment id when url is one of ours (…/api/v1/attachments/<id>), else NULL. */
static const char *our_attachment(struct req *req, const char *url)
{
	static const char path[] = "/api/v1/attachments/";
	const char *host = req_header(req, "Host"), *p = url;

	if (o311_host_valid(host)) {
		const char *h1 = arena_printf(&req->arena, "http://%s", host);
		const char *h2 = arena_printf(&req->arena, "https://%s", host);
		if (str_has_prefix(p, h1))
			p += strlen(h1);
		else if (str_has_prefix(p, h2))
			p += strlen(h2);
	}
	if (!str_has_prefix(p, path) || !attach_id_valid(p + sizeof path - 1))
		return NULL;
	return p + sizeof path - 1;
}

/* ---- POST requests: the submission ------------------------------------- */

struct submission {
	const char *api_key, *code, *lat, *lng, *address, *address_id, *desc;
	const char *first, *last, *phone, *email, *media;
};

static int submission_fields_or_reply(struct req *req, enum fmt f, struct submission *s)
{
	const char *ct = req_header(req, "Content-Type");
	struct form fm;

	if (ct && (strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
		   (ct[33] && ct[33] != ';' && ct[33] != ' '))) {
		o311_error(req, f, 400, "send the fields as application/x-www-form-urlencoded");
		return -1;
	}
	if (form_parse(req, &fm)) {
		o311_error(req, f, 400,
			   "malformed form: application/x-www-form-urlencoded UTF-8 with valid "
			   "%XX escapes expected");
		return -1;
	}
	if (form_text_or_reply(req, f, &fm, "api_key", 4096, &s->api_key) ||
	    form_text_or_reply(req, f, &fm, "service_code", 48, &s->code) ||
	    form_text_or_reply(req, f, &fm, "lat", 40, &s->lat) ||
	    form_text_or_reply(req, f, &fm, "long", 40, &s->lng) ||
	    form_text_or_reply(req, f, &fm, "address_string", 300, &s->address) ||
	    form_text_or_reply(req, f, &fm, "address_id", 300, &s->address_id) ||
	    form_text_or_reply(req, f, &fm, "description", 2000, &s->desc) ||
	    form_text_or_reply(req, f, &fm, "first_name", 60, &s->first) ||
	    form_text_or_reply(req, f, &fm, "last_name", 60, &s->last) ||
	    form_text_or_reply(req, f, &fm, "phone", 30, &s->phone) ||
	    form_text_or_reply(req, f, &fm, "email", 254, &s->email) ||
	    form_text_or_reply(req, f, &fm, "media_url", 2000, &s->media))
		return -1;
	return 0;
}

/* The api_key's account, which must hold appeal:create. 0, or -1 answered. */
static int api_key_or_reply(struct req *req, enum fmt f, struct db_conn *c, const char *key,
			    struct auth *au)
{
	int rc;

	if (!key) {
		o311_error(req, f, 403, "api_key is required to create a service request");
		return -1;
	}
	rc = strlen(key) == 64 ? bearer_lookup(c, &req->arena, key, au) : DB_DONE;
	if (rc < 0) {
		o311_db_error(req, f);
		return -1;
	}
	if (rc != DB_ROW) {
		o311_error(req, f, 403, "invalid api_key");
		return -1;
	}
	if (!roles_grant(au->roles, "appeal:create")) {
		o311_error(req, f, 403, "this api_key may not create service requests");
		return -1;
	}
	return 0;
}

/* Who and where: contact, coordinates or address. 0, or -1 answered. */
static int where_or_reply(struct req *req, enum fmt f, const struct submission *s,
			  struct appeal_new *a)
{
	if (!s->lat != !s->lng) {
		o311_error(req, f, 400, "lat and long: give both or neither");
		return -1;
	}
	if (s->lat && (parse_coord(s->lat, &a->lat) || parse_coord(s->lng, &a->lng))) {
		o311_error(req, f, 400, "lat and long: decimal degrees (WGS 84)");
		return -1;
	}
	a->has_coords = s->lat != NULL;
	a->address = s->address ? s->address : s->address_id;
	if (!a->has_coords && !a->address) {
		o311_error(req, f, 400,
			   "a location is required: lat and long, address_string or "
			   "address_id");
		return -1;
	}
	if (s->first && s->last)
		a->contact_name = arena_printf(&req->arena, "%s %s", s->first, s->last);
	else
		a->contact_name = s->first ? s->first : s->last ? s->last : "";
	if (strlen(a->contact_name) > 60) {
		o311_error(req, f, 400, "first_name and last_name: at most 60 bytes together");
		return -1;
	}
	return 0;
}

static void create_request(struct req *req)
{
	struct submission s = { 0 };
	struct appeal_new a = { 0 };
	struct auth au = { 0 };
	struct category cat;
	struct unit_ref place, handler;
	struct db_conn *c;
	const char *base, *field, *why, *photo = NULL;
	struct appeal_phone ph = { 0 };
	enum fmt f;
	int rc;

	if (o311_file_or_reply(req, &base, &f))
		return;
	if (strcmp(base, "requests")) {
		o311_error(req, f, 404, "not found");
		return;
	}
	if (submission_fields_or_reply(req, f, &s) || !(c = o311_db_or_reply(req, f)) ||
	    api_key_or_reply(req, f, c, s.api_key, &au))
		return;
	if (!s.code) {
		o311_error(req, f, 400, "service_code is required");
		return;
	}
	if (service_or_reply(req, f, c, s.code, &cat))
		return;
	a.cat = &cat;
	if (where_or_reply(req, f, &s, &a))
		return;
	if (!s.desc || !*str_trim(arena_strdup(&req->arena, s.desc))) {
		o311_error(req, f, 400, "description is required (1 to 2000 bytes)");
		return;
	}
	a.description = s.desc;
	a.title = title_of(req, s.desc);

	/* The phone, stored as POST /api/v1/appeals stores it: encrypted, masked, last 4. */
	rc = appeal_phone_seal(req->srv->pii, s.phone, &ph, &a);
	sodium_memzero(ph.norm, sizeof ph.norm);
	if (rc == 1) {
		o311_error(req, f, 400, "phone: a mainland mobile or landline number");
		return;
	}
	if (rc < 0) {
		o311_error(req, f, 500, "cannot protect the phone number");
		return;
	}

	if (s.media && (photo = our_attachment(req, s.media))) {
		rc = attach_exists(c, photo, NULL);
		if (rc < 0) {
			o311_db_error(req, f);
			return;
		}
		if (rc == 0)
			photo = NULL;
	}
	a.photos = photo ? arena_printf(&req->arena, "[\"%s\"]", photo) : "[]";

	rc = appeal_locate(c, &a, 0, NULL, &place, &field, &why);
	if (rc == 1) {
		o311_error(req, f, 400,
			   arena_printf(&req->arena, "%s: %s",
					!strcmp(field, "lng") ? "lat and long" : field, why));
		return;
	}
	a.channel = "open311";
	a.created_by = au.account_id;
	a.actor_name = au.display_name ? au.display_name : au.username;
	a.created_at = clock_now();
	if (rc < 0 || appeal_route(c, &a, &place, &handler) < 0) {
		o311_db_error(req, f);
		return;
	}
	appeal_submit(&a);
	if (a.rc < 0) {
		o311_db_error(req, f);
		return;
	}
	o311_reply_doc(req, f, 201, "service_requests", "request",
		       JB_ARR(jv_take(JB_OBJ(
			       jb_str("service_request_id", a.case_no), jb_str("token", a.case_no),
			       jb_str("service_notice", ""), jb_null("account_id")))));
}

const struct route open311_routes[] = {
	{ "GET", "/open311/v2/:file", get_top, 0, NULL, 0 },
	{ "GET", "/open311/v2/services/:file", get_service_definition, 0, NULL, 0 },
	{ "GET", "/open311/v2/requests/:file", get_request, 0, NULL, 0 },
	{ "GET", "/open311/v2/tokens/:file", get_token, 0, NULL, 0 },
	{ "POST", "/open311/v2/:file", create_request, R_RAW | R_NO_CSRF, NULL, O311_BODY_LIMIT },
	{ "GET", "/open311/*", not_found, 0, NULL, 0 },
	{ 0 },
};
