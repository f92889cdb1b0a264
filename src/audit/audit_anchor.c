/*
 * audit_anchor.c — the server's anchor thread; see audit.h.
 *
 * It writes the audit chain's head to DIR/audit.anchors when the server
 * starts, every audit_anchor_seconds (wall time, not the test clock), and
 * once more when it stops, each time the head has moved since the newest
 * line. Every anchor is also logged, so a copy lives wherever the logs go.
 * Its own database connection is the thread's; the store's fault injection
 * in tests does not apply to it.
 */
#include "audit/audit.h"

#include "core/log.h"
#include "core/worker.h"
#include "db/store.h"

#include <limits.h>
#include <stdio.h>

static struct {
	struct worker w;
	struct db *db;
	int64_t seconds;
	char path[PATH_MAX];
} A = { .w = WORKER_INIT };

static void anchor_now(void *conn)
{
	struct db_conn *c = conn;
	char msg[512];

	if (!c || audit_anchor(c, A.path, msg, sizeof msg) < 0)
		log_error("audit anchor failed: %s", c ? msg : "no database connection");
}

static void *anchor_main(void *arg)
{
	struct db_conn *c;

	(void)arg;
	db_test_fault_exempt();
	c = db_conn_thread(A.db);
	/* on the schedule, and once more on stop */
	worker_every(&A.w, A.seconds * 1000, WORKER_RUN_ON_STOP, anchor_now, c);
	return NULL;
}

int audit_anchor_start(struct db *db, const char *anchors, int64_t seconds)
{
	if (snprintf(A.path, sizeof A.path, "%s", anchors) >= (int)sizeof A.path)
		return -1;
	A.db = db;
	A.seconds = seconds;
	anchor_now(db_conn_thread(db));
	return worker_start(&A.w, anchor_main, NULL);
}

void audit_anchor_stop(void)
{
	worker_stop(&A.w);
}
