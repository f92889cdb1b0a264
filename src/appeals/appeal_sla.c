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
#include "db/store.h"
#include "http/request.h"
#include "http/server.h"
#include "org/org.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SWEEP_BATCH 200

struct overdue {
	int64_t id, handler_unit_id, assignee_id, due;
	int status;
	char handler_path[256], case_no[24];
};

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
		rc = db_run(
			c,
			"INSERT INTO supervisions (appeal_id, kind, unit_id, unit_path, due_at, "
			"created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			"ititii", o->id, kind, h.id, h.path, o->due, now);
	else if (rc == DB_DONE)
		rc = DB_ERR;
	if (rc == 0 && db_changes(c) == 0)
		return DB_EABORT;
	if (rc == 0)
		rc = db_run(
			c,
			"UPDATE appeals SET overdue_at = COALESCE(overdue_at, ?), supervised_at "
			"= ? WHERE id = ?",
			"iii", o->due, now, o->id);
	if (rc == 0)
		rc = db_run(
			c,
			"INSERT INTO appeal_events (appeal_id, at, actor_id, actor_name, action, "
			"from_status, to_status, note, photos, details) VALUES (?, ?, NULL, "
			"'系统督办', 'supervise', ?, ?, '', '[]', ?)",
			"iittt", o->id, now, appeal_status_name(o->status),
			appeal_status_name(o->status),
			o->status == ST_SUBMITTED ? "{\"kind\":\"accept_overdue\"}"
						  : "{\"kind\":\"handle_overdue\"}");
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
	rc = db_run(c,
		    "UPDATE supervisions SET escalated_at = ? WHERE id = ? AND escalated_at IS "
		    "NULL",
		    "ii", now, sup_id);
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
	struct db_stmt *st;
	int rc = 0;

	*supervised = *escalated = 0;
	if (!list)
		return DB_ENOMEM;
	/* 1–2: overdue appeals without a notice for this deadline and handler. */
	for (;;) {
		int n = 0;
		rc = db_prepare(
			c,
			"SELECT a.id, a.handler_unit_id, a.assignee_id, a.status, a.handler_path, "
			"a.case_no, CASE WHEN a.status = 'submitted' THEN a.accept_due ELSE "
			"a.handle_due END FROM appeals a WHERE a.id > ? AND ((a.status = "
			"'submitted' AND a.accept_due < ?) OR (a.status IN ('accepted', "
			"'dispatched', 'handling') AND a.handle_due < ?)) AND NOT EXISTS (SELECT 1 "
			"FROM supervisions s WHERE s.appeal_id = a.id AND s.unit_id = "
			"a.handler_unit_id AND s.due_at = CASE WHEN a.status = 'submitted' THEN "
			"a.accept_due ELSE a.handle_due END) ORDER BY a.id LIMIT ?",
			&st);
		if (rc < 0)
			break;
		db_bind_int64(st, 1, after);
		db_bind_int64(st, 2, now);
		db_bind_int64(st, 3, now);
		db_bind_int64(st, 4, SWEEP_BATCH);
		while (n < SWEEP_BATCH && (rc = db_step(st)) == DB_ROW) {
			struct overdue *o = &list[n++];
			o->id = db_col_int64(st, 0);
			o->handler_unit_id = db_col_int64(st, 1);
			o->assignee_id = db_col_int64(st, 2);
			o->status = appeal_status_parse(db_col_text(st, 3));
			snprintf(o->handler_path, sizeof o->handler_path, "%s", db_col_text(st, 4));
			snprintf(o->case_no, sizeof o->case_no, "%s", db_col_text(st, 5));
			o->due = db_col_int64(st, 6);
		}
		db_reset(st);
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
		rc = db_prepare(
			c,
			"SELECT s.id, s.appeal_id FROM supervisions s JOIN appeals a ON a.id = "
			"s.appeal_id WHERE s.escalated_at IS NULL AND s.created_at <= ? AND "
			"s.unit_id = a.handler_unit_id ORDER BY s.id LIMIT ?",
			&st);
		if (rc < 0)
			break;
		db_bind_int64(st, 1, now - grace);
		db_bind_int64(st, 2, SWEEP_BATCH);
		while (n < SWEEP_BATCH && (rc = db_step(st)) == DB_ROW) {
			sups[n][0] = db_col_int64(st, 0);
			sups[n][1] = db_col_int64(st, 1);
			n++;
		}
		db_reset(st);
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
		rc = db_run(
			c,
			"UPDATE supervisions SET escalated_at = ? WHERE escalated_at IS NULL AND "
			"created_at <= ? AND unit_id <> (SELECT handler_unit_id FROM appeals a "
			"WHERE a.id = supervisions.appeal_id)",
			"ii", now, now - grace);
	free(list);
	if (*supervised || *escalated)
		notify_kick();
	return rc < 0 ? rc : 0;
}

/* ---- the sweeper thread and the module's lifecycle --------------------- */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running, stop;
	struct server *srv;
} S = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void *sweeper_main(void *arg)
{
	struct db_conn *c;

	db_test_fault_exempt();
	c = db_conn_thread(S.srv->db);

	(void)arg;
	pthread_mutex_lock(&S.mu);
	while (!S.stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += S.srv->cfg->sla_sweep_seconds;
		pthread_cond_timedwait(&S.cv, &S.mu, &until);
		if (S.stop)
			break;
		pthread_mutex_unlock(&S.mu);
		int sup = 0, esc = 0;
		if (c && sla_sweep(S.srv, c, &sup, &esc) < 0)
			log_warn("SLA sweep failed: %s", db_errmsg(c));
		else if (sup || esc)
			log_info("SLA sweep: %d supervision notices, %d escalations", sup, esc);
		pthread_mutex_lock(&S.mu);
	}
	pthread_mutex_unlock(&S.mu);
	return NULL;
}

int sla_start(struct server *srv)
{
	S.srv = srv;
	S.stop = 0;
	if (pthread_create(&S.thread, NULL, sweeper_main, NULL))
		return -1;
	S.running = 1;
	return 0;
}

void sla_stop(void)
{
	if (!S.running)
		return;
	pthread_mutex_lock(&S.mu);
	S.stop = 1;
	pthread_cond_signal(&S.cv);
	pthread_mutex_unlock(&S.mu);
	pthread_join(S.thread, NULL);
	S.running = 0;
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

static json_t *supervision_json(struct db_stmt *st)
{
	char due[32], at[32], esc[32];

	return JB_OBJ(jb_int("id", db_col_int64(st, 0)),
		      jb_take("appeal", JB_OBJ(jb_int("id", db_col_int64(st, 1)),
					       jb_str("case_no", db_col_text(st, 2)),
					       jb_str("status", db_col_text(st, 3)))),
		      jb_str("kind", db_col_text(st, 4)),
		      jb_take("unit", JB_OBJ(jb_int("id", db_col_int64(st, 5)),
					     jb_str("name", db_col_text(st, 6)))),
		      jb_str("due_at", clock_format_shanghai(db_col_int64(st, 7), due)),
		      jb_str("created_at", clock_format_shanghai(db_col_int64(st, 8), at)),
		      jb_str_or_null("escalated_at",
				     db_col_is_null(st, 9)
					     ? NULL
					     : clock_format_shanghai(db_col_int64(st, 9), esc)));
}

/* GET /api/v1/supervisions?unit=&cursor=&limit= — notices raised on units in scope. */
static void list_supervisions(struct req *req)
{
	scope_list_reply(
		req,
		"SELECT s.id, s.appeal_id, a.case_no, a.status, s.kind, s.unit_id, u.name, "
		"s.due_at, s.created_at, s.escalated_at FROM supervisions s JOIN appeals a ON "
		"a.id = s.appeal_id JOIN units u ON u.id = s.unit_id WHERE s.unit_path >= ? AND "
		"s.unit_path < ? AND s.id > ? ORDER BY s.id LIMIT ?",
		supervision_json);
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
