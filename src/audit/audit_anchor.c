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
#include "db/store.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running, stop;
	struct db *db;
	int64_t seconds;
	char path[PATH_MAX];
} A = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void anchor_now(struct db_conn *c)
{
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
	pthread_mutex_lock(&A.mu);
	while (!A.stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += A.seconds;
		pthread_cond_timedwait(&A.cv, &A.mu, &until);
		pthread_mutex_unlock(&A.mu);
		anchor_now(c); /* on the schedule, and once more on stop */
		pthread_mutex_lock(&A.mu);
	}
	pthread_mutex_unlock(&A.mu);
	return NULL;
}

int audit_anchor_start(struct db *db, const char *anchors, int64_t seconds)
{
	if (snprintf(A.path, sizeof A.path, "%s", anchors) >= (int)sizeof A.path)
		return -1;
	A.db = db;
	A.seconds = seconds;
	A.stop = 0;
	anchor_now(db_conn_thread(db));
	if (pthread_create(&A.thread, NULL, anchor_main, NULL))
		return -1;
	A.running = 1;
	return 0;
}

void audit_anchor_stop(void)
{
	if (!A.running)
		return;
	pthread_mutex_lock(&A.mu);
	A.stop = 1;
	pthread_cond_signal(&A.cv);
	pthread_mutex_unlock(&A.mu);
	pthread_join(A.thread, NULL);
	A.running = 0;
}
