/*
 * metrics.h — request counters and latency histograms for GET /metrics.
 *
 * Series are keyed by method and route pattern (never the raw path, which
 * would give one series per id) and status. Rendering follows the Prometheus
 * text exposition format 0.0.4.
 */
#ifndef SHUNIU_HTTP_METRICS_H
#define SHUNIU_HTTP_METRICS_H

#include <stdint.h>

struct arena;
struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
/* route must be a string that lives as long as the process (a route pattern or a literal). */
void metrics_observe(struct metrics *m, const char *method, const char *route, int status,
		     int64_t micros);
/* The whole exposition, allocated from the arena. */
/* A module's own figures: fn writes Prometheus text lines to f (stdio FILE). */
typedef void (*metrics_source_fn)(void *f);
void metrics_add_source(struct metrics *m, metrics_source_fn fn);
char *metrics_render(struct metrics *m, struct arena *a, const char *db_kind);

#endif
