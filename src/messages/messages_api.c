/*
 * messages_api.c — the message centre's routes.
 *
 *   GET  /api/v1/messages?unread=1&cursor=&limit=   newest first, with unread_count
 *   POST /api/v1/messages/:id/read
 *   POST /api/v1/messages/read-all
 *
 * Every signed-in account reads its own messages; staff (who may read
 * appeals) read their unit's unit-wide messages too, each marking them read
 * for themselves. The SQL is in messages_store.c.
 */
#include "messages/messages_int.h"

#include "auth/auth.h"
#include "core/clock.h"
#include "core/jbuild.h"
#include "http/request.h"

#include <string.h>

/* Unit-wide messages are for the unit's staff, not for residents. */
static int64_t staff_unit(struct req *req)
{
	return auth_can(req, "appeal:read") ? req_auth(req)->unit_id : 0;
}

static void list_messages(struct req *req)
{
	const struct auth *a = req_auth(req);
	struct db_conn *c = req_db_or_reply(req);
	const char *unread = req_query(req, "unread");
	int64_t unread_n = 0, unit;
	struct db_stmt *st;
	struct page p;
	json_t *out;
	int rc;

	if (!c || page_begin_or_reply(req, &p))
		return;
	unit = staff_unit(req);
	rc = msg_list_open(c, &st, a->account_id, unit, p.cursor, unread && !strcmp(unread, "1"),
			   p.limit + 1);
	if (rc == 0) {
		while ((rc = db_step(st)) == DB_ROW) {
			char at[32];
			page_add(&p, db_col_int64(st, 0),
				 JB_OBJ(jb_int("id", db_col_int64(st, 0)),
					jb_str("kind", db_col_text(st, 1)),
					jb_str("title", db_col_text(st, 2)),
					jb_str("body", db_col_text(st, 3)),
					jb_take("appeal_id",
						db_col_is_null(st, 4)
							? json_null()
							: json_integer(db_col_int64(st, 4))),
					jb_str("created_at",
					       clock_format_shanghai(db_col_int64(st, 5), at)),
					jb_str_or_null("case_no", db_col_text(st, 7)),
					jb_bool("read", !db_col_is_null(st, 6))));
		}
		db_reset(st);
	}
	if (rc >= 0)
		rc = msg_unread_count(c, a->account_id, unit, &unread_n);
	if (!(out = page_finish_or_reply(&p, rc)))
		return;
	json_object_set_new(out, "unread_count", json_integer(unread_n));
	reply_json(req, 200, out);
}

struct message_read {
	int64_t account_id, unit, id;
};

/* DB_EABORT: not a message to this account or its unit */
static int read_message_tx(struct db_conn *c, void *ctx)
{
	struct message_read *x = ctx;

	return msg_read_one(c, x->account_id, x->unit, x->id, clock_now());
}

static void read_message(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct message_read x = { .account_id = req_auth(req)->account_id };
	int rc;

	if (!c || req_param_id_or_reply(req, "id", &x.id))
		return;
	x.unit = staff_unit(req);
	rc = db_tx_run(c, read_message_tx, &x);
	reply_tx_refused(req, rc, ERR_NOT_FOUND, 200,
			 JB_OBJ(jb_int("id", x.id), jb_bool("read", 1)));
}

static int read_all_messages_tx(struct db_conn *c, void *ctx)
{
	struct message_read *x = ctx;

	return msg_read_all(c, x->account_id, x->unit, clock_now());
}

static void read_all_messages(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	struct message_read x = { .account_id = req_auth(req)->account_id };
	int rc;

	if (!c)
		return;
	x.unit = staff_unit(req);
	rc = db_tx_run(c, read_all_messages_tx, &x);
	reply_tx(req, rc, 200, JB_OBJ(jb_int("unread_count", 0)));
}

const struct route message_routes[] = {
	{ "GET", "/api/v1/messages", list_messages, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/messages/read-all", read_all_messages, R_AUTH, NULL, 0 },
	{ "POST", "/api/v1/messages/:id/read", read_message, R_AUTH, NULL, 0 },
	{ 0 },
};
