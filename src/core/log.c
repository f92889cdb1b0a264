/*
 * log.c — see log.h. JSON lines are built with jansson so that any byte in a
 * message or path is escaped correctly; text lines replace control characters.
 */
#include "core/log.h"

#include "core/clock.h"
#include "core/jbuild.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_format log_fmt = LOG_TEXT;
static enum log_level log_min = LOG_INFO;
static int log_access_on = 1;

static const char *level_names[] = { "debug", "info", "warn", "error" };

void log_setup(enum log_format fmt, enum log_level min_level, int access_log)
{
	log_fmt = fmt;
	log_min = min_level;
	log_access_on = access_log;
}

static void write_line(char *line, size_t n)
{
	ssize_t w;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			line[i] = ' ';
	line[n] = '\n';
	n++;
	while (n > 0 && (w = write(STDERR_FILENO, line, n)) > 0) {
		line += w;
		n -= (size_t)w;
	}
}

static void emit_json(json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);

	if (s) {
		size_t n = strlen(s);
		char *line = malloc(n + 1);
		if (line) {
			memcpy(line, s, n);
			write_line(line, n);
			free(line);
		}
		free(s);
	}
	json_decref(obj);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char msg[2048], ts[32], line[2200];
	va_list ap;
	int n;

	if (lvl < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	clock_format_utc(clock_now(), ts);
	if (log_fmt == LOG_JSON) {
		emit_json(JB_OBJ(jb_str("ts", ts), jb_str("level", level_names[lvl]),
				 jb_str("msg", msg)));
		return;
	}
	n = snprintf(line, sizeof line - 1, "%s %s %s", ts, level_names[lvl], msg);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	write_line(line, (size_t)n);
}

void log_access(const struct access_entry *e)
{
	char ts[32], line[1400];
	int n;

	if (!log_access_on)
		return;
	clock_format_utc(clock_now(), ts);
	if (log_fmt == LOG_JSON) {
		emit_json(JB_OBJ(jb_str("ts", ts), jb_str("type", "access"),
				 jb_str("method", e->method), jb_str("route", e->route),
				 jb_str("path", e->path), jb_str("ip", e->ip),
				 jb_int("status", e->status), jb_int("bytes", e->bytes),
				 jb_int("us", e->micros)));
		return;
	}
	n = snprintf(line, sizeof line - 1, "%s access %s %s %.512s %d %llu %lldus %s", ts,
		     e->method, e->route, e->path, e->status, (unsigned long long)e->bytes,
		     (long long)e->micros, e->ip);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	write_line(line, (size_t)n);
}
