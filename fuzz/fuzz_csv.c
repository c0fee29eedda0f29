/* fuzz_csv.c — csv_record over arbitrary bytes: never reads past the end,
 * always advances, fields are NUL-terminated and within the limit. */
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    const char *p = (const char *)data, *end = p + size;
    char *fields[4];
    int n, records = 0;
    bool bad = false;
    while ((n = csv_record(a, &p, end, fields, 4, &bad)) > 0) {
        for (int i = 0; i < n && i < 4; i++)
            if (strlen(fields[i]) > CSV_FIELD_MAX) abort();
        if (p > end || ++records > (int)size + 1) abort();
        bad = false;
    }
    if (p != end) abort();
    arena_free(a);
    return 0;
}
