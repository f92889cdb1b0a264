/*
 * metrics.c — see metrics.h.
 *
 * One mutex guards two small arrays: counters per (method, route, status) and
 * a histogram per (method, route). Route labels are interned by pointer (they
 * are route patterns or string literals), so a lookup is a short linear scan
 * of pointer compares; the lock is held for well under a microsecond.
 */
#include "http/metrics.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double bucket_s[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				   0.1,	   0.25,  0.5,	  1,	 2.5,  5,     10 };
#define NBUCKETS   (sizeof bucket_s / sizeof bucket_s[0])
#define MAX_SERIES 4096

struct counter {
	const char *method, *route;
	int status;
	uint64_t n;
};

struct histo {
	const char *method, *route;
	uint64_t bucket[NBUCKETS];
	uint64_t count;
	double sum_s;
};

struct metrics {
	pthread_mutex_t lock;
	struct counter *c;
	size_t nc, capc;
	struct histo *h;
	size_t nh, caph;
	int64_t started;
	metrics_source_fn sources[8];
	size_t nsources;
};

void metrics_add_source(struct metrics *m, metrics_source_fn fn)
{
	pthread_mutex_lock(&m->lock);
	if (m->nsources < sizeof m->sources / sizeof m->sources[0])
		m->sources[m->nsources++] = fn;
	pthread_mutex_unlock(&m->lock);
}

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof *m);

	if (m) {
		pthread_mutex_init(&m->lock, NULL);
		m->started = clock_now();
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m->c);
	free(m->h);
	free(m);
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	if (*cap >= MAX_SERIES)
		return -1;
	size_t nc = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, nc * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

/* Methods are interned too: map whatever came in to a literal. */
static const char *method_label(const char *m)
{
	static const char *const known[] = { "GET",   "HEAD",	"POST",	  "PUT",
					     "PATCH", "DELETE", "OPTIONS" };

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(m, known[i]))
			return known[i];
	return "OTHER";
}

void metrics_observe(struct metrics *m, const char *method, const char *route, int status,
		     int64_t micros)
{
	double s = (double)micros / 1e6;
	size_t i;

	if (!m)
		return;
	method = method_label(method);
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nc; i++)
		if (m->c[i].route == route && m->c[i].method == method && m->c[i].status == status)
			break;
	if (i == m->nc && grow((void **)&m->c, &m->capc, m->nc, sizeof *m->c) == 0)
		m->c[m->nc++] = (struct counter){ method, route, status, 0 };
	if (i < m->nc)
		m->c[i].n++;

	for (i = 0; i < m->nh; i++)
		if (m->h[i].route == route && m->h[i].method == method)
			break;
	if (i == m->nh && grow((void **)&m->h, &m->caph, m->nh, sizeof *m->h) == 0)
		m->h[m->nh++] = (struct histo){ .method = method, .route = route };
	if (i < m->nh) {
		struct histo *h = &m->h[i];
		for (size_t b = 0; b < NBUCKETS; b++)
			if (s <= bucket_s[b])
				h->bucket[b]++;
		h->count++;
		h->sum_s += s;
	}
	pthread_mutex_unlock(&m->lock);
}

/* Route patterns hold no quotes or backslashes, but escape anyway. */
static const char *label(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, 2 * n + 1), *w = out;

	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*w++ = '\\';
		*w++ = *s == '\n' ? ' ' : *s;
	}
	*w = '\0';
	return out;
}

char *metrics_render(struct metrics *m, struct arena *a, const char *db_kind)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *out;

	if (!f)
		return arena_strdup(a, "");
	fprintf(f, "# HELP shuniu_up Whether the server is serving.\n# TYPE shuniu_up gauge\n");
	fprintf(f, "shuniu_up{db=\"%s\"} 1\n", db_kind);
	fprintf(f,
		"# HELP shuniu_start_time_seconds Start time of the process.\n"
		"# TYPE shuniu_start_time_seconds gauge\nshuniu_start_time_seconds %lld\n",
		(long long)m->started);
	fprintf(f,
		"# HELP shuniu_db_tx_retries_total Transactions run again after a lock timeout, "
		"serialization failure or deadlock.\n"
		"# TYPE shuniu_db_tx_retries_total counter\nshuniu_db_tx_retries_total %ld\n",
		db_tx_retries());
	pthread_mutex_lock(&m->lock);
	fprintf(f, "# HELP shuniu_http_requests_total HTTP requests by route and status.\n"
		   "# TYPE shuniu_http_requests_total counter\n");
	for (size_t i = 0; i < m->nc; i++)
		fprintf(f,
			"shuniu_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} "
			"%llu\n",
			m->c[i].method, label(a, m->c[i].route), m->c[i].status,
			(unsigned long long)m->c[i].n);
	fprintf(f, "# HELP shuniu_http_request_duration_seconds Time from request headers to "
		   "completion.\n"
		   "# TYPE shuniu_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->nh; i++) {
		const struct histo *h = &m->h[i];
		const char *r = label(a, h->route);
		for (size_t b = 0; b < NBUCKETS; b++)
			fprintf(f,
				"shuniu_http_request_duration_seconds_bucket{method=\"%s\",route="
				"\"%s\",le=\"%g\"} %llu\n",
				h->method, r, bucket_s[b], (unsigned long long)h->bucket[b]);
		fprintf(f,
			"shuniu_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le="
			"\"+Inf\"} %llu\n",
			h->method, r, (unsigned long long)h->count);
		fprintf(f,
			"shuniu_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} "
			"%.6f\n",
			h->method, r, h->sum_s);
		fprintf(f,
			"shuniu_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
			"%llu\n",
			h->method, r, (unsigned long long)h->count);
	}
	size_t nsources = m->nsources;
	pthread_mutex_unlock(&m->lock);
	for (size_t i = 0; i < nsources; i++)
		m->sources[i](f);
	fclose(f);
	out = arena_strndup(a, buf ? buf : "", len);
	free(buf);
	return out;
}
