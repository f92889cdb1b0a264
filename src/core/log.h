/*
 * log.h — one line per event on stderr, as text or JSON (config log_format).
 *
 * Each line is written with a single write(2), so lines from worker threads
 * never interleave. The access log (one line per HTTP request) carries method,
 * route pattern, path without its query string (queries may hold secrets),
 * status, response bytes and microseconds.
 */
#ifndef SHUNIU_CORE_LOG_H
#define SHUNIU_CORE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_TEXT, LOG_JSON };

void log_setup(enum log_format fmt, enum log_level min_level, int access_log);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

struct access_entry {
	const char *method;
	const char *route; /* pattern, "static" or "-" */
	const char *path;  /* without query string */
	const char *ip;
	int status;
	uint64_t bytes;
	int64_t micros;
};
void log_access(const struct access_entry *e);

#endif
