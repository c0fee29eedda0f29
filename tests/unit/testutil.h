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
/* The bytes of a file, NUL-terminated, malloc'd (the caller frees); NULL
 * when it cannot be read. */
static inline char *test_slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 8192, n = 0, got;
    char *b = malloc(cap + 1);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap) b = realloc(b, (cap *= 2) + 1);
    fclose(f);
    if (!b) return NULL;
    b[n] = 0;
    *len = n;
    return b;
}
#endif
