/*
 * worker.h — one background thread: start, wake, sleep until a deadline or a
 * signal, stop and join.
 *
 * The server's background threads (the appeal writer, the SLA sweeper, the
 * notifier, the audit anchor) each keep a struct worker in a static:
 *
 *   static struct worker W = WORKER_INIT;
 *
 * worker_start() runs main(arg) on a new thread; worker_stop() sets w->stop,
 * wakes the thread and joins it (nothing when it never started). The thread
 * itself waits on w->cv under w->mu: worker_sleep() for a timed sleep, or a
 * plain pthread_cond_wait() when it waits for work that others queue under
 * w->mu. worker_every() is the whole loop of a thread that runs a job on a
 * schedule. Deadlines are wall-clock time (CLOCK_REALTIME), not the test clock.
 */
#ifndef SHUNIU_CORE_WORKER_H
#define SHUNIU_CORE_WORKER_H

#include <pthread.h>
#include <stdint.h>

struct worker {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running, stop;
	int woken; /* worker_wake() since the thread last slept */
};

#define WORKER_INIT                                                                                \
	{                                                                                          \
		.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER                    \
	}

/* Run main(arg) on a new thread. 0, or -1 when no thread could be made. */
int worker_start(struct worker *w, void *(*main)(void *), void *arg);
/* Ask the thread to stop, wake it and wait for it to end. */
void worker_stop(struct worker *w);
/* Wake the thread from a wakeable worker_sleep() (or have its next one return at once). */
void worker_wake(struct worker *w);

enum { WORKER_WAKEABLE = 1 };
/*
 * With w->mu held: sleep ms milliseconds, or less when worker_stop() (or, with
 * WORKER_WAKEABLE, worker_wake()) comes first; ms 0 does not wait. Clears
 * w->woken; returns w->stop.
 */
int worker_sleep(struct worker *w, int64_t ms, int flags);

enum { WORKER_RUN_ON_STOP = 1 };
/*
 * A thread's whole loop: sleep ms, then fn(arg) with w->mu released, again and
 * again until worker_stop(). With WORKER_RUN_ON_STOP the stop also runs fn once
 * more (unless it came before the first sleep).
 */
void worker_every(struct worker *w, int64_t ms, int flags, void (*fn)(void *), void *arg);

#endif
