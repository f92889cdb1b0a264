/*
 * unit.h — what every cmocka test file includes first.
 */
#ifndef SHUNIU_TESTS_UNIT_H
#define SHUNIU_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#endif
