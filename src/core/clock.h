/*
 * clock.h — the server's notion of now.
 *
 * Every module reads wall-clock time through clock_now*(), never time() or
 * gettimeofday(), so that a server started with --test-clock can be moved
 * forward by the tests (POST /api/v1/_test/clock) and deadlines, sessions and
 * SLAs follow. --test-clock-start pins where that clock starts, so a test
 * run reads the same dates whatever the machine's clock says. The offset is
 * process-wide and atomic.
 *
 * Times are kept as seconds (or microseconds) since the epoch, UTC. They are
 * shown in Asia/Shanghai, which has been UTC+8 without daylight saving since
 * 1991, so formatting uses that fixed offset and needs no tz database.
 */
#ifndef SHUNIU_CORE_CLOCK_H
#define SHUNIU_CORE_CLOCK_H

#include <stdint.h>

#define SHANGHAI_OFFSET_S (8 * 3600)

int64_t clock_now(void);     /* seconds since the epoch, with the test offset */
int64_t clock_now_us(void);  /* microseconds since the epoch, with the test offset */
int64_t clock_mono_us(void); /* monotonic microseconds, for durations only */
int64_t clock_offset(void);  /* seconds added by the test clock */
void clock_advance(int64_t seconds);
/*
 * Move the clock so that it reads epoch_s now and runs on from there (tests
 * only: --test-clock-start). Returns the offset it set.
 */
int64_t clock_start_at(int64_t epoch_s);

/* "2026-11-25T11:24:33+08:00"; buf must hold 32 bytes. Returns buf. */
char *clock_format_shanghai(int64_t epoch_s, char *buf);
/* "2026-11-25T03:24:33Z" (UTC); buf must hold 32 bytes. Returns buf. */
char *clock_format_utc(int64_t epoch_s, char *buf);
/*
 * Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)" or a plain date
 * "YYYY-MM-DD" (midnight in Asia/Shanghai). Returns 0 and sets *out, or -1.
 */
int clock_parse_iso(const char *s, int64_t *out);

#endif
