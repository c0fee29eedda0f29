/* fuzz_segments.c — the video segments a heartbeat reports ("12.5-17,30-31"),
 * straight from the browser: segments_parse never crashes, and what it
 * accepts is canonical (sorted, disjoint, a < b), parses again to itself,
 * and its coverage and trimmed forms stay within bounds. */
#include "content/content.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const char *c)
{
    long long prev_end = -1;
    for (const char *p = c; *p;) {
        char *end;
        long long a = strtoll(p, &end, 10);
        if (*end != '-') abort();
        long long b = strtoll(end + 1, &end, 10);
        if (a < 0 || b <= a || a <= prev_end) abort();
        prev_end = b;
        if (*end == ',') end++;
        else if (*end) abort();
        p = end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = 0;
    Arena *a = arena_new();
    char *c;
    if (segments_parse(a, in, &c)) {
        check_canonical(c);
        const char *lists[] = {c, c};
        int64_t cover = segments_cover_ms(lists, 2, 0), once = segments_cover_ms(lists, 1, 0);
        if (cover != once || cover < 0) abort();                /* the same stretch counts once */
        if (segments_cover_ms(lists, 1, 1000) > 1000) abort();  /* clipped to the length */
        char *t = segments_trim(a, c, 1500);
        check_canonical(t);
        const char *tl[] = {t};
        if (segments_cover_ms(tl, 1, 0) > 1500) abort();
    }
    arena_free(a);
    free(in);
    return 0;
}
