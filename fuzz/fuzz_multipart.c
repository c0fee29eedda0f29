/* fuzz_multipart.c — a Content-Type line, then a multipart body.
 *
 * Input: the first line (up to '\n') is the Content-Type header value, e.g.
 *   multipart/form-data; boundary=XyZ
 * and everything after it is the body.  The boundary is that line's boundary
 * parameter or, when it has none, the line itself. */
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 16
#define MAX_LINE 256

static void check(bool ok)
{
    if (!ok) abort();
}

/* Every part lies inside the body; fields are the parts without filename. */
static void check_parts(const Part *parts, const Params *f, const char *body, size_t n)
{
    int count = 0, plain = 0;
    for (const Part *p = parts; p; p = p->next, count++) {
        check(p->name != NULL);
        check(p->data >= body && p->len <= n && (size_t)(p->data - body) <= n - p->len);
        if (!p->filename) plain++;
    }
    check(count <= MAX_PARTS && plain == f->count);
    for (const Param *e = f->head; e; e = e->next)
        check(e->value[e->value_len] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size < MAX_LINE ? size : MAX_LINE);
    if (!nl) return 0;
    size_t ll = (size_t)(nl - s);
    char *line = malloc(ll + 1);        /* exact size: over-reads are caught */
    if (!line) return 0;
    memcpy(line, s, ll);
    line[ll] = '\0';

    Arena *a = arena_new();
    char *type = header_media_type(a, line);
    check(!type || strlen(type) <= ll);
    char *boundary = header_param(a, line, "boundary");
    check(!boundary || strlen(boundary) <= ll);
    const char *body = nl + 1;
    size_t n = size - ll - 1;
    Params f = {0};
    Part *parts = NULL;
    int rc = parse_multipart(a, boundary ? boundary : line, body, n, &f, &parts, MAX_PARTS);
    if (rc == LN_OK) check_parts(parts, &f, body, n);
    else check(parts == NULL && f.count == 0);
    arena_free(a);
    free(line);
    return 0;
}
