/*
 * actions_api.c — what happens to an item after it is made: progress,
 * 销号 (ticking off) and the street's verification, residents' comments and
 * objections, and staff answers.
 *
 *   POST /api/v1/commitments/:id/progress        commitment:write {percent, note, photos?}
 *   POST /api/v1/commitments/:id/actions         {action: request_close | verify | return,
 *                                                 note?, reason?, evidence_photos?}
 *   POST /api/v1/commitments/:id/comments        commitment:comment {kind, text}
 *   POST /api/v1/commitment-comments/:id/answer  commitment:write {text}
 *   GET  /api/v1/commitment-comments?unit=&kind=&unanswered=1   org:read, in scope
 *
 * The actions route takes org:read centrally (every staff account holds it,
 * no resident does) and checks the action's own key here: request_close
 * needs commitment:write, verify and return commitment:verify — and the
 * verifier's unit must lie strictly above the item's community, so a
 * community never ticks off its own promises. Each step is one transaction:
 * the guarded state change (`WHERE status = <from>`: a raced second step
 * moves no row and answers 409), the event, the audit row.
 *
 * Residents comment only on the items of the community they live in: the
 * account must be bound to a resident record whose path lies in the item's
 * community. One comment and one objection per resident per item, held by a
 * unique index.
 */
#include "commitments/commitments.h"
#include "commitments/commitments_int.h"

#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "db/store.h"
#include "http/body.h"
#include "http/request.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHOTOS_MAX 9

/* The photos array as JSON text (NULL: []); malloc'd, the caller frees. */
static char *photos_text(json_t *arr)
{
	return arr ? json_dumps(arr, JSON_COMPACT) : NULL;
}

/* A step on an item, its inputs, and what it left (the event, or the state that refused it). */
struct step_tx {
	struct req *req;
	int64_t id, percent, by, now, event_id;
	int action; /* -1: progress */
	const char *note, *reason, *photos;
	char state[16];
};

/* A refused step: remember the state the item is in, for the answer's details. */
static int refused(struct db_conn *c, struct step_tx *x)
{
	struct commitment_item_ref ref;
	int rc = commitment_item_get(c, x->id, &ref);

	if (rc < 0)
		return rc;
	memcpy(x->state, ref.status, sizeof x->state);
	return DB_EABORT;
}

static void reply_state(struct req *req, int rc, const struct step_tx *x, json_t *ok)
{
	if (rc == DB_EABORT) {
		json_decref(ok);
		reply_error_ex(req, ERR_COMMITMENT_STATE, NULL,
			       JB_OBJ(jb_str("state", x->state),
				      jb_str("action",
					     x->action < 0 ? "progress"
							   : commitment_action_name(x->action))));
		return;
	}
	reply_tx(req, rc, x->action < 0 ? 201 : 200, ok);
}

static int progress_tx(struct db_conn *c, void *ctx)
{
	struct step_tx *x = ctx;
	int rc = commitment_progress(c, x->id, (int)x->percent, x->note, x->photos, x->by, x->now,
				     &x->event_id);

	if (rc == DB_DONE)
		return refused(c, x);
	return audit_write_after(rc, x->req, c, "commitment.progress", "commitment", x->id,
				 JB_OBJ(jb_int("percent", x->percent)));
}

static void post_progress(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct progress_body {
		int64_t percent;
		const char *note;
		json_t *photos;
	} b;
	static const struct body_field fields[] = {
		BF_INT(struct progress_body, percent, "percent", BF_REQUIRED, 0, 100, 0),
		BF_STR(struct progress_body, note, "note", BF_REQUIRED, 1, 1000),
		BF_JSON(struct progress_body, photos, "photos", BF_OPTIONAL, JSON_ARRAY),
	};
	struct commitment_item_ref ref;
	struct step_tx x;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, fields, &b, NULL) ||
	    body_nonempty_or_reply(req, "note", b.note) ||
	    attach_ids_or_reply(req, c, b.photos, "photos", PHOTOS_MAX) ||
	    citem_scoped_or_reply(req, c, id, &ref))
		return;
	x = (struct step_tx){ .req = req,
			      .id = id,
			      .percent = b.percent,
			      .by = req_auth(req)->account_id,
			      .now = clock_now(),
			      .action = -1,
			      .note = b.note,
			      .photos = photos_text(b.photos) };
	rc = db_tx_run(c, progress_tx, &x);
	free((char *)x.photos);
	reply_state(req, rc, &x,
		    JB_OBJ(jb_int("event_id", x.event_id), jb_str("state", "in_progress"),
			   jb_int("percent", b.percent)));
}

static int action_tx(struct db_conn *c, void *ctx)
{
	struct step_tx *x = ctx;
	char action[40];
	int rc = commitment_act(c, x->id, commitment_action_name(x->action), x->note, x->reason,
				x->photos, x->by, x->now, &x->event_id);

	if (rc == DB_DONE)
		return refused(c, x);
	snprintf(action, sizeof action, "commitment.%s", commitment_action_name(x->action));
	return audit_write_after(rc, x->req, c, action, "commitment", x->id,
				 JB_OBJ(jb_int("event_id", x->event_id)));
}

/* Who may take the action on item ref: 0, or -1 having answered 403. */
static int may_act_or_reply(struct req *req, int action, const struct commitment_item_ref *ref)
{
	if (action == CA_REQUEST_CLOSE) {
		if (auth_can(req, "commitment:write"))
			return 0;
		reply_error(req, ERR_FORBIDDEN);
		return -1;
	}
	if (!auth_can(req, "commitment:verify")) {
		reply_error(req, ERR_FORBIDDEN);
		return -1;
	}
	if (!commitment_verifier_above(req_auth(req)->unit_path, ref->unit_path)) {
		reply_error(req, ERR_COMMITMENT_OWN_UNIT);
		return -1;
	}
	return 0;
}

static void post_action(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct action_body {
		const char *action, *note, *reason;
		json_t *photos;
	} b;
	static const struct body_field fields[] = {
		BF_STR(struct action_body, action, "action", BF_REQUIRED, 1, 20),
		BF_STR_DEF(struct action_body, note, "note", 0, 1000, ""),
		BF_STR_DEF(struct action_body, reason, "reason", 0, 500, ""),
		BF_JSON(struct action_body, photos, "evidence_photos", BF_OPTIONAL, JSON_ARRAY),
	};
	struct commitment_item_ref ref;
	struct step_tx x;
	int64_t id;
	int action, rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, fields, &b, NULL))
		return;
	if ((action = commitment_action_parse(b.action)) < 0) {
		reply_invalid(req, "action", "request_close, verify or return");
		return;
	}
	if (citem_scoped_or_reply(req, c, id, &ref) || may_act_or_reply(req, action, &ref))
		return;
	if (action == CA_REQUEST_CLOSE &&
	    (!b.note[strspn(b.note, " \t\r\n")] || !b.photos || !json_array_size(b.photos))) {
		reply_error(req, ERR_COMMITMENT_EVIDENCE);
		return;
	}
	if (action == CA_RETURN && !b.reason[strspn(b.reason, " \t\r\n")]) {
		reply_invalid(req, "reason", "required to return an item");
		return;
	}
	if (attach_ids_or_reply(req, c, b.photos, "evidence_photos", PHOTOS_MAX))
		return;
	x = (struct step_tx){ .req = req,
			      .id = id,
			      .by = req_auth(req)->account_id,
			      .now = clock_now(),
			      .action = action,
			      .note = b.note,
			      .reason = b.reason,
			      .photos = photos_text(b.photos) };
	rc = db_tx_run(c, action_tx, &x);
	free((char *)x.photos);
	reply_state(req, rc, &x,
		    JB_OBJ(jb_int("id", id), jb_str("state", commitment_action_to(action)),
			   jb_int("event_id", x.event_id)));
}

/* ---- comments -------------------------------------------------------------- */

struct comment_tx {
	struct req *req;
	struct ccomment_in in;
	int64_t id;
};

static int comment_tx(struct db_conn *c, void *ctx)
{
	struct comment_tx *x = ctx;
	int rc = ccomments_store_insert(c, &x->in, &x->id);

	if (rc == DB_ECONSTRAINT)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "commitment.comment", "commitment", x->in.item_id,
				 JB_OBJ(jb_int("comment_id", x->id), jb_str("kind", x->in.kind)));
}

/* The caller lives in the item's community: 0, or -1 having answered 403 (or 503). */
static int resident_here_or_reply(struct req *req, struct db_conn *c,
				  const struct commitment_item_ref *ref)
{
	const struct auth *a = req_auth(req);
	char path[256] = "";
	int rc = a->resident_id
			 ? commitments_store_resident_path(c, a->resident_id, path, sizeof path)
			 : DB_DONE;

	return req_ok_or_reply(req, rc, rc == DB_ROW && path_within(path, ref->unit_path),
			       ERR_COMMITMENT_NOT_RESIDENT);
}

static void post_comment(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct comment_body {
		const char *kind, *text;
	} b;
	static const struct body_field fields[] = {
		BF_STR(struct comment_body, kind, "kind", BF_REQUIRED, 1, 20),
		BF_STR(struct comment_body, text, "text", BF_REQUIRED, 1, 500),
	};
	struct commitment_item_ref ref;
	struct comment_tx x;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    BODY_READ_OR_REPLY(req, fields, &b, NULL))
		return;
	if (strcmp(b.kind, "comment") && strcmp(b.kind, "objection")) {
		reply_invalid(req, "kind", "comment or objection");
		return;
	}
	if (body_nonempty_or_reply(req, "text", b.text))
		return;
	rc = commitment_item_get(c, id, &ref);
	if (req_found_or_reply(req, rc) || resident_here_or_reply(req, c, &ref))
		return;
	x = (struct comment_tx){ .req = req,
				 .in = { .item_id = id,
					 .unit_path = ref.unit_path,
					 .kind = b.kind,
					 .text = b.text,
					 .resident_id = req_auth(req)->resident_id,
					 .account_id = req_auth(req)->account_id,
					 .now = clock_now() } };
	rc = db_tx_run(c, comment_tx, &x);
	reply_tx_refused(req, rc, ERR_COMMITMENT_COMMENTED, 201,
			 JB_OBJ(jb_int("id", x.id), jb_str("kind", b.kind)));
}

struct answer_tx {
	struct req *req;
	int64_t id, by, now;
	const char *text;
};

static int answer_tx(struct db_conn *c, void *ctx)
{
	struct answer_tx *x = ctx;
	int64_t changed = 0;
	int rc = ccomments_store_answer(c, x->id, x->text, x->by, x->now, &changed);

	if (rc == 0 && !changed)
		return DB_EABORT;
	return audit_write_after(rc, x->req, c, "commitment.answer", "commitment_comment", x->id,
				 NULL);
}

/* The comment's community path, to check the scope. */
static int comment_path_row(void *ctx, const struct ccomment_view *v)
{
	snprintf(ctx, 256, "%s", v->unit_path);
	return 0;
}

static void post_answer(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct answer_tx x;
	char path[256] = "", at[32];
	const char *text;
	int64_t id;
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &id) ||
	    body_str_or_reply(req, "text", 1, 1000, NULL, &text) ||
	    body_nonempty_or_reply(req, "text", text))
		return;
	rc = ccomments_store_get(c, id, comment_path_row, path);
	if (req_row_or_reply(req, rc, rc == DB_ROW && path_within(path, req_auth(req)->unit_path),
			     NULL))
		return;
	x = (struct answer_tx){ .req = req,
				.id = id,
				.by = req_auth(req)->account_id,
				.now = clock_now(),
				.text = text };
	rc = db_tx_run(c, answer_tx, &x);
	reply_tx_refused(
		req, rc, ERR_COMMITMENT_ANSWERED, 200,
		JB_OBJ(jb_int("id", id),
		       jb_take("answer", JB_OBJ(jb_str("text", text),
						jb_str("at", clock_format_shanghai(x.now, at))))));
}

static int comment_page_row(void *ctx, const struct ccomment_view *v)
{
	struct page *p = ctx;
	json_t *j;

	if (p->n >= p->limit)
		return page_add(p, v->id, NULL);
	j = ccomment_json(v, 1);
	if (j)
		json_object_set_new(
			j, "item",
			JB_OBJ(jb_int("id", v->item_id), jb_str("title", v->item_title)));
	return page_add(p, v->id, j);
}

/* GET /commitment-comments?unit=&kind=&unanswered=1: what residents said, for staff to answer. */
static void list_comments(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	const char *kind = req_query(req, "kind"), *un = req_query(req, "unanswered");
	struct ccomment_filter f = { .kind = kind };
	struct scope sc;
	struct page p;

	if (!c)
		return;
	if (kind && strcmp(kind, "comment") && strcmp(kind, "objection")) {
		reply_invalid(req, "kind", "comment or objection");
		return;
	}
	if (un && strcmp(un, "0") && strcmp(un, "1")) {
		reply_invalid(req, "unanswered", "0 or 1");
		return;
	}
	f.unanswered = un && !strcmp(un, "1");
	if (scope_unit_or_reply(req, c, req_query(req, "unit"), &sc) ||
	    page_begin_or_reply(req, &p))
		return;
	f.lo = sc.lo;
	f.hi = sc.hi;
	f.after = p.cursor;
	f.limit = p.limit + 1;
	page_reply(&p, ccomments_store_list(c, &f, comment_page_row, &p));
}

const struct route commitment_action_routes[] = {
	{ "GET", "/api/v1/commitment-comments", list_comments, R_AUTH, "org:read", 0 },
	{ "POST", "/api/v1/commitments/:id/progress", post_progress, R_JSON, "commitment:write",
	  0 },
	{ "POST", "/api/v1/commitments/:id/actions", post_action, R_JSON, "org:read", 0 },
	{ "POST", "/api/v1/commitments/:id/comments", post_comment, R_JSON, "commitment:comment",
	  0 },
	{ "POST", "/api/v1/commitment-comments/:id/answer", post_answer, R_JSON, "commitment:write",
	  0 },
	{ 0 },
};
