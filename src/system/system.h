/*
 * system.h — the server's own endpoints: health, meta, metrics, test clock.
 */
#ifndef SHUNIU_SYSTEM_SYSTEM_H
#define SHUNIU_SYSTEM_SYSTEM_H

#include "http/router.h"

extern const struct route system_routes[];
/* Registered only when serve runs with --test-clock. */
extern const struct route system_test_routes[];

#endif
