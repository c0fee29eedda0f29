/* testutil.h — shared includes for the C unit tests (cmocka). */
#ifndef LECTERN_TESTUTIL_H
#define LECTERN_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/core.h"

/* Database URL for storage tests: LECTERN_TEST_DB or a fresh SQLite file. */
static inline const char *test_db_url(void)
{
    const char *u = getenv("LECTERN_TEST_DB");
    if (u && *u) return u;
    static char buf[128];
    if (!buf[0]) {
        snprintf(buf, sizeof buf, "sqlite:/tmp/lectern-unit-%d.db", (int)getpid());
        unlink(buf + 7);
    }
    return buf;
}
#endif
