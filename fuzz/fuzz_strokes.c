/* fuzz_strokes.c — a signature's strokes as the browser sends them (JSON of
 * [x, y, t] points): attendance_strokes never crashes, and what it accepts
 * is canonical (parsing it again gives the same text and the same image)
 * and its SVG holds nothing but what the server wrote: path data made of
 * M, L, l, digits, dots, minus signs and spaces inside a fixed frame. */
#include "attendance/attendance.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_svg(const char *svg)
{
    if (strstr(svg, "<script") || strstr(svg, "javascript:") || strstr(svg, " on")) abort();
    for (const char *d = strstr(svg, " d=\""); d; d = strstr(d + 1, " d=\"")) {
        for (const char *p = d + 4; *p != '"'; p++) {
            if (!*p) abort();
            if (!strchr("MLl0123456789.- ", *p)) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    char *canonical, *svg;
    const char *why;
    if (attendance_strokes(a, (const char *)data, size, &canonical, &svg, &why) == LN_OK) {
        check_svg(svg);
        char *c2, *s2;
        if (attendance_strokes(a, canonical, strlen(canonical), &c2, &s2, &why) != LN_OK) abort();
        if (strcmp(c2, canonical) != 0 || strcmp(s2, svg) != 0) abort();
    }
    arena_free(a);
    return 0;
}
