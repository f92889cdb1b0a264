/*
 * objections_api.c — residents' objections to a published resolution and
 * staff answers.
 *
 *   POST /api/v1/matters/:id/objections        matter:object  {text 1–500} → 201
 *   GET  /api/v1/matters/:id/objections        org:read (scope)
 *   POST /api/v1/matter-objections/:id/answer  deliberation:write  {text 1–1000} → 200
 *
 * A resident objects while the disclosure is open (matters_rules.c, on the
 * test clock) and only when the home of the resident record the account is
 * bound to lies in the matter's unit; one objection per resident per matter
 * is the unique index matter_objections_one (the loser of a race: 409). No
 * answer, staff's or public, says who objected.
 */
#include "matters/matters_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <string.h>

int matter_objection_add(struct db_conn *c, int64_t matter_id, int64_t resident_id,
			 int64_t account_id, const char *text, int64_t now, int64_t *id)
{
	return matters_store_objection_insert(c, matter_id, resident_id, account_id, text, now, id);
}

int matter_objection_answer(struct db_conn *c, int64_t objection_id, const char *text, int64_t by,
			    int64_t now)
{
	int64_t changed = 0;
	int rc = matters_store_objection_answer(c, objection_id, text, by, now, &changed);

	return rc < 0 ? rc : changed == 1 ? 0 : DB_EMISUSE;
}

/* The caller lives in the matter's unit: 0, or -1 having answered 403 (or 503). */
static int resident_here_or_reply(struct req *req, struct db_conn *c, const struct matter *m)
{
	const struct auth *a = req_auth(req);
	char home[256] = "";
	int rc = a->resident_id ? matters_store_resident_home(c, a->resident_id, home) : DB_DONE;

	return req_ok_or_reply(req, rc, rc == DB_ROW && path_within(home, m->unit_path),
			       ERR_MATTER_NOT_RESIDENT);
}

/* The disclosure is open now: 0, or -1 having answered 409 (or 503). */
static int disclosing_or_reply(struct req *req, struct db_conn *c, const struct matter *m)
{
	int64_t at = 0;
	int days = 0, rc = matters_store_disclosure(c, m->id, &at, &days);

	return req_ok_or_reply(req, rc < 0 ? rc : 0,
			       rc == DB_ROW && !strcmp(m->state, "disclosing") &&
				       matter_disclosure_open(at, days, clock_now()),
			       ERR_MATTER_NOT_DISCLOSING);
}

struct object_tx {
	struct req *req;
	int64_t matter_id, id;
	const char *text;
	int closed; /* out: the disclosure ended (or the matter moved on) before the insert */
};

/* Under the matter's row lock, which implement takes too: an objection either lands while the
 * period is open and is counted by implement's check, or is refused. */
static int object_tx(struct db_conn *c, void *ctx)
{
	struct object_tx *x = ctx;
	const struct auth *a = req_auth(x->req);
	struct matter m;
	int64_t at = 0;
	int days = 0, rc = matters_store_lock(c, x->matter_id, &m);

	x->closed = 0;
	if (rc == DB_ROW)
		rc = matters_store_disclosure(c, x->matter_id, &at, &days);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || strcmp(m.state, "disclosing") ||
	    !matter_disclosure_open(at, days, clock_now())) {
		x->closed = 1;
		return DB_EABORT;
	}
	rc = matters_store_objection_insert(c, x->matter_id, a->resident_id, a->account_id, x->text,
					    clock_now(), &x->id);
	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "matter.object", "matter", x->matter_id,
				 JB_OBJ(jb_int("objection_id", x->id)));
}

static int objection_out(void *ctx, const struct matter_objection_row *o)
{
	*(json_t **)ctx = matter_objection_json(o, 1);
	return 0;
}

/* Answer objection id as it is stored now, with status. */
static void objection_reply(struct req *req, struct db_conn *c, int status, int64_t id)
{
	json_t *o = NULL;
	int rc = matters_store_objection(c, id, objection_out, &o);

	if (!req_row_or_reply(req, rc, rc == DB_ROW, &o))
		reply_json(req, status, o);
}

void matter_post_objection(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct object_tx x = { .req = req };
	struct matter m;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &x.matter_id) ||
	    body_str_or_reply(req, "text", 1, 500, NULL, &x.text) ||
	    body_nonempty_or_reply(req, "text", x.text))
		return;
	rc = matters_store_get(c, x.matter_id, &m);
	if (req_found_or_reply(req, rc) || resident_here_or_reply(req, c, &m) ||
	    disclosing_or_reply(req, c, &m))
		return;
	rc = db_tx_run(c, object_tx, &x);
	if (rc == DB_EABORT) {
		reply_error(req, x.closed ? ERR_MATTER_NOT_DISCLOSING : ERR_MATTER_OBJECTED);
		return;
	}
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	objection_reply(req, c, 201, x.id);
}

static int objection_item(void *ctx, const struct matter_objection_row *o)
{
	json_t *j = matter_objection_json(o, 1);

	return j && !json_array_append_new(ctx, j) ? 0 : DB_ENOMEM;
}

void matter_list_objections(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct matter m;
	json_t *items;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) || matter_seen_or_reply(req, c, id, &m))
		return;
	items = json_array();
	rc = items ? matters_store_objections(c, id, objection_item, items) : DB_ENOMEM;
	if (rc < 0) {
		json_decref(items);
		reply_db_error(req, rc);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_take("items", items)));
}

struct answer_tx {
	struct req *req;
	int64_t id, matter_id;
	const char *text;
};

static int answer_tx(struct db_conn *c, void *ctx)
{
	struct answer_tx *x = ctx;
	int64_t changed = 0;
	int rc = matters_store_objection_answer(c, x->id, x->text, req_auth(x->req)->account_id,
						clock_now(), &changed);

	if (rc == 0 && changed != 1)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "matter.answer", "matter", x->matter_id,
				 JB_OBJ(jb_int("objection_id", x->id)));
}

static int objection_matter(void *ctx, const struct matter_objection_row *o)
{
	*(int64_t *)ctx = o->matter_id;
	return 0;
}

void matter_answer_objection(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct answer_tx x = { .req = req };
	struct matter m;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &x.id) ||
	    body_str_or_reply(req, "text", 1, 1000, NULL, &x.text) ||
	    body_nonempty_or_reply(req, "text", x.text))
		return;
	rc = matters_store_objection(c, x.id, objection_matter, &x.matter_id);
	if (req_found_or_reply(req, rc) || matter_seen_or_reply(req, c, x.matter_id, &m))
		return;
	if (!strcmp(m.state, "done")) {
		reply_error_ex(req, ERR_CONFLICT, NULL, JB_OBJ(jb_str("state", m.state)));
		return;
	}
	rc = db_tx_run(c, answer_tx, &x);
	if (rc == DB_EABORT) {
		reply_error(req, ERR_MATTER_ANSWERED);
		return;
	}
	if (rc < 0) {
		reply_db_error(req, rc);
		return;
	}
	objection_reply(req, c, 200, x.id);
}
