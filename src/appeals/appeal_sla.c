/*
 * appeal_sla.c — the SLA sweeper: overdue flags, supervision notices (督办)
 * and automatic escalation; and the module's start and stop.
 *
 * Every sla_sweep_seconds (and on POST /api/v1/_test/sla-sweep under
 * --test-clock), for each appeal past its current deadline:
 *   1. mark overdue_at (once; on-time closure counts appeals never overdue)
 *      with the deadline that passed — the value appeal_save() writes when an
 *      action comes first, so the measure does not depend on this timing;
 *   2. raise one supervision notice per deadline and handler unit: a row in
 *      supervisions, a "supervise" event, messages to the handler unit (and
 *      the assignee) and to its parent unit;
 *   3. when a notice is older than sla_grace_hours and the appeal is still
 *      past the same deadline with the same handler, escalate it to the
 *      parent unit (an "auto_escalate" event; the district is the top).
 * All clocks are the test-aware clock.
 */
#include "appeals/appeals_int.h"

#include "core/clock.h"
#include "core/jbuild.h"
#include "core/log.h"
#include "core/worker.h"
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_BATCH 200

struct sweep_one {
	const struct overdue *o;
	int64_t sup_id, appeal_id, now;
	int esc; /* out: auto_escalate moved the appeal */
};

/* DB_EABORT: the notice was raised already */
static int supervise_tx(struct db_conn *c, void *ctx)
{
	struct sweep_one *x = ctx;
	const struct overdue *o = x->o;
	int64_t now = x->now;
	const char *kind = o->status == ST_SUBMITTED ? "accept_overdue" : "handle_overdue";
	struct unit_ref h;
	int rc = unit_get(c, o->handler_unit_id, &h);

	if (rc == DB_ROW)
		rc = sla_store_supervise(c, o, kind, &h, now);
	else if (rc == DB_DONE)
		rc = DB_ERR;
	if (rc == DB_DONE)
		return DB_EABORT;
	if (rc == 0)
		rc = appeal_event_insert(
			c,
			&(struct appeal_event){
				.appeal_id = o->id,
				.at = now,
				.actor_name = "系统督办",
				.action = "supervise",
				.from_status = appeal_status_name(o->status),
				.to_status = appeal_status_name(o->status),
				.details = o->status == ST_SUBMITTED
						   ? "{\"kind\":\"accept_overdue\"}"
						   : "{\"kind\":\"handle_overdue\"}",
			},
			1);
	if (rc == 0)
		rc = message_add(c, 0, h.id, o->id, "appeal.supervise", "督办：诉求已超期",
				 o->case_no, now);
	if (rc == 0 && o->assignee_id)
		rc = message_add(c, o->assignee_id, 0, o->id, "appeal.supervise",
				 "督办：诉求已超期", o->case_no, now);
	if (rc == 0 && h.parent_id)
		rc = message_add(c, 0, h.parent_id, o->id, "appeal.supervise",
				 "督办：下级诉求已超期", o->case_no, now);
	if (rc == 0)
		rc = notify_enqueue(c, o->id, "supervise",
				    JB_OBJ(jb_int("id", o->id), jb_str("case_no", o->case_no),
					   jb_str("kind", kind), jb_int("due", o->due)),
				    now);
	return rc;
}

/* One supervision notice, in its own transaction. 1 raised, 0 already, <0. */
static int supervise(struct db_conn *c, const struct overdue *o, int64_t now)
{
	int rc = db_tx_run(c, supervise_tx, &(struct sweep_one){ .o = o, .now = now });

	return rc == DB_EABORT ? 0 : rc < 0 ? rc : 1;
}

static int auto_escalate_tx(struct db_conn *c, void *ctx)
{
	struct sweep_one *x = ctx;
	int64_t sup_id = x->sup_id, appeal_id = x->appeal_id, now = x->now;
	struct visibility all = { .lo = "/", .hi = "0", .account_id = -1 };
	struct appeal_row r;
	struct unit_ref h, p;
	int rc, from;

	x->esc = 0;
	rc = sla_store_mark_escalated(c, sup_id, now);
	if (rc == 0)
		rc = appeal_load(c, &all, appeal_id, &r);
	if (rc == DB_ROW)
		rc = unit_get(c, r.handler_unit_id, &h);
	if (rc == DB_ROW && h.parent_id &&
	    appeal_is_overdue(r.status, r.accept_due, r.handle_due, now))
		rc = unit_get(c, h.parent_id, &p);
	else if (rc == DB_ROW)
		rc = DB_DONE; /* at the top, or no longer overdue: only mark the notice */
	if (rc == DB_ROW) {
		from = r.status;
		r.handler_unit_id = p.id;
		snprintf(r.handler_path, sizeof r.handler_path, "%s", p.path);
		r.assignee_id = 0;
		r.escalations++;
		if (r.status != ST_SUBMITTED)
			r.status = ST_ACCEPTED;
		json_t *details = JB_OBJ(jb_int("unit_id", p.id));
		rc = appeal_save(c, &r, from, "auto_escalate", 0, "系统自动上提", "", NULL, details,
				 now);
		json_decref(details);
		if (rc == 0)
			rc = message_add(c, 0, p.id, r.id, "appeal.auto_escalate",
					 "超期诉求已自动上提", r.case_no, now);
		if (rc == 0)
			rc = DB_ROW;
	}
	if (rc == DB_ROW || rc == DB_DONE) {
		x->esc = rc == DB_ROW;
		return 0;
	}
	return rc < 0 ? rc : DB_EABORT;
}

/* Escalate an appeal whose notice outlived the grace. 1 escalated, 0 not, <0. */
static int auto_escalate(struct db_conn *c, int64_t sup_id, int64_t appeal_id, int64_t now)
{
	struct sweep_one x = { .sup_id = sup_id, .appeal_id = appeal_id, .now = now };
	int rc = db_tx_run(c, auto_escalate_tx, &x);

	return rc == 0 ? x.esc : rc == DB_EABORT ? 0 : rc;
}

int sla_sweep(struct server *srv, struct db_conn *c, int *supervised, int *escalated)
{
	int64_t now = clock_now(), grace = srv->cfg->sla_grace_hours * 3600, after = 0;
	struct overdue *list = calloc(SWEEP_BATCH, sizeof *list);
	int rc = 0;

	*supervised = *escalated = 0;
	if (!list)
		return DB_ENOMEM;
	/* 1–2: overdue appeals without a notice for this deadline and handler. */
	for (;;) {
		int n = 0;
		rc = sla_store_overdue(c, after, now, list, SWEEP_BATCH, &n);
		if (rc < 0)
			break;
		for (int i = 0; i < n; i++) {
			int r = supervise(c, &list[i], now);
			if (r < 0) {
				rc = r;
				break;
			}
			*supervised += r;
			after = list[i].id;
		}
		if (rc < 0 || n < SWEEP_BATCH)
			break;
	}
	/* 3: notices older than the grace, not yet escalated. */
	while (rc >= 0) {
		int64_t sups[SWEEP_BATCH][2];
		int n = 0;
		rc = sla_store_notices_due(c, now - grace, sups, SWEEP_BATCH, &n);
		if (rc < 0)
			break;
		for (int i = 0; i < n; i++) {
			int r = auto_escalate(c, sups[i][0], sups[i][1], now);
			if (r < 0) {
				rc = r;
				break;
			}
			*escalated += r;
		}
		if (n < SWEEP_BATCH)
			break;
	}
	/* Notices left behind by a handler change are settled: mark them. */
	if (rc >= 0)
		rc = sla_store_settle(c, now, now - grace);
	free(list);
	if (*supervised || *escalated)
		notify_kick();
	return rc < 0 ? rc : 0;
}

/* ---- the sweeper thread and the module's lifecycle --------------------- */

static struct server *sweep_srv;
static struct worker sweeper = WORKER_INIT;

/* One scheduled sweep on the sweeper's connection (NULL: none could be opened). */
static void sweep_scheduled(void *conn)
{
	struct db_conn *c = conn;
	int sup = 0, esc = 0;

	if (c && sla_sweep(sweep_srv, c, &sup, &esc) < 0)
		log_warn("SLA sweep failed: %s", db_errmsg(c));
	else if (sup || esc)
		log_info("SLA sweep: %d supervision notices, %d escalations", sup, esc);
}

static void *sweeper_main(void *arg)
{
	struct db_conn *c;

	(void)arg;
	db_test_fault_exempt();
	c = db_conn_thread(sweep_srv->db);
	worker_every(&sweeper, sweep_srv->cfg->sla_sweep_seconds * 1000, 0, sweep_scheduled, c);
	return NULL;
}

int sla_start(struct server *srv)
{
	sweep_srv = srv;
	return worker_start(&sweeper, sweeper_main, NULL);
}

void sla_stop(void)
{
	worker_stop(&sweeper);
}

int appeals_start(struct server *srv)
{
	if (appeal_writer_start(srv) < 0)
		return -1;
	if (sla_start(srv) < 0) {
		appeal_writer_stop();
		return -1;
	}
	return 0;
}

void appeals_stop(void)
{
	sla_stop();
	appeal_writer_stop();
}

/* ---- the supervision list ---------------------------------------------- */

/* GET /api/v1/supervisions?unit=&cursor=&limit= — notices raised on units in scope. */
static void list_supervisions(struct req *req)
{
	scope_list_reply(req, sla_supervisions_sql, sla_supervision_json);
}

const struct route supervision_routes[] = {
	{ "GET", "/api/v1/supervisions", list_supervisions, R_AUTH, "appeal:read", 0 },
	{ 0 },
};

/* ---- test routes ------------------------------------------------------- */

static void test_sweep(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int sup = 0, esc = 0;

	if (!c)
		return;
	if (sla_sweep(req->srv, c, &sup, &esc) < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("supervised", sup), jb_int("escalated", esc)));
}

static void test_notify(struct req *req)
{
	struct db_conn *c = req_db_or_reply(req);
	int n;

	if (!c)
		return;
	n = notify_run_once(req->srv, c);
	if (n < 0) {
		reply_error(req, ERR_DB_UNAVAILABLE);
		return;
	}
	reply_json(req, 200, JB_OBJ(jb_int("delivered", n)));
}

const struct route appeal_test_routes[] = {
	{ "POST", "/api/v1/_test/sla-sweep", test_sweep, R_NO_CSRF, NULL, 0 },
	{ "POST", "/api/v1/_test/notify", test_notify, R_NO_CSRF, NULL, 0 },
	{ 0 },
};
