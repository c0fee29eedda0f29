/* fuzz_course_header.c — course_header_parse over arbitrary bytes: never
 * reads past the end; on success the keys are [a-z0-9._]+ and unique, the
 * values one valid UTF-8 line without control characters, line numbers
 * increase, and the body is the exact tail of the input.  The slug of
 * every value is [a-z0-9-], at most 40 characters.  The header read as a
 * quiz's, an assignment's and a text unit's settings and as course.txt's
 * gradebook keys: a refusal names its key and says why; what is accepted
 * is within its bounds. */
#include "assess/assess_io.h"
#include "content/course_io.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(Arena *a, const CourseHeader *h, int i)
{
    const CourseField *f = &h->fields[i];
    if (!*f->key || strspn(f->key, "abcdefghijklmnopqrstuvwxyz0123456789._") != strlen(f->key)) abort();
    if (!utf8_valid(f->value, strlen(f->value))) abort();
    for (const char *p = f->value; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) abort();
    if (i > 0 && f->line <= h->fields[i - 1].line) abort();
    for (int k = 0; k < i; k++)
        if (str_eq(h->fields[k].key, f->key)) abort();
    if (course_header_get(h, f->key, NULL) != f->value) abort();
    char *slug = course_slug(a, f->value, "x");
    size_t n = strlen(slug);
    if (!n || n > 40 || strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != n || slug[n - 1] == '-') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    /* a copy of exactly `size` bytes, so that ASan sees any read past it */
    char *in = malloc(size ? size : 1);
    if (size) memcpy(in, data, size);
    CourseHeader h;
    int line = -1;
    const char *msg = course_header_parse(a, in, size, &h, &line);
    if (line < 0) abort();
    if (!msg) {
        if (h.n < 0 || h.n > COURSE_HEADER_FIELDS) abort();
        for (int i = 0; i < h.n; i++) check_field(a, &h, i);
        if (h.body) {
            if (h.body < in || h.body + h.body_len != in + size || h.body_line < 2) abort();
            if (!utf8_valid(h.body, h.body_len)) abort();
        }
        static const char *const kinds[] = {"quiz", "assignment", "text"};
        for (int k = 0; k < 3; k++) {
            AioUnit u;
            const char *key = NULL, *why = aio_header(a, kinds[k], &h, &u, &key);
            if (why && (!*why || !key)) abort();
            if (!why && k < 2 && (u.weight < 0 || u.weight > GB_MAX_WEIGHT)) abort();
        }
        GbSettings gs;
        const char *key = NULL, *why = aio_course_header(&h, &gs, &key);
        if (why && (!*why || !key)) abort();
        if (!why && (gs.pass_mark < 0 || gs.pass_mark > 1000)) abort();
        static const char *const known[] = {"kind", "title", "url", NULL};
        int kl = 0;
        if (course_header_known(a, &h, known, &kl) && (kl < 1 || kl > line)) abort();
    } else if (!*msg) {
        abort();
    }
    free(in);
    arena_free(a);
    return 0;
}
