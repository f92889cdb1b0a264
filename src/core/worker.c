/*
 * worker.c — one background thread's start, wake, sleep and stop; see worker.h.
 */
#include "core/worker.h"

#include <errno.h>
#include <time.h>

int worker_start(struct worker *w, void *(*main)(void *), void *arg)
{
	w->stop = 0;
	if (pthread_create(&w->thread, NULL, main, arg))
		return -1;
	w->running = 1;
	return 0;
}

void worker_stop(struct worker *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->running = 0;
}

void worker_wake(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->woken = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int worker_sleep(struct worker *w, int64_t ms, int flags)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (ms > 0 && !w->stop && !(flags & WORKER_WAKEABLE && w->woken) &&
	       pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
		;
	w->woken = 0;
	return w->stop;
}

void worker_every(struct worker *w, int64_t ms, int flags, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		if (worker_sleep(w, ms, 0) && !(flags & WORKER_RUN_ON_STOP))
			break;
		pthread_mutex_unlock(&w->mu);
		fn(arg);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
}
