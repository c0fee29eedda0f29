/* fuzz_query.c — url_decode, url_encode and parse_query on arbitrary bytes.
 * The first byte chooses whether '+' means space; all of it is the input. */
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 64

static void check(bool ok)
{
    if (!ok) abort();
}

/* Whatever decodes must re-encode and decode back to itself. */
static void fuzz_decode(Arena *a, const char *s, size_t n, bool plus)
{
    char *out;
    size_t len;
    if (url_decode(a, s, n, plus, &out, &len) != LN_OK) {
        check(out == NULL);
        return;
    }
    check(len <= n && out[len] == '\0');
    if (memchr(out, '\0', len)) return;
    char *enc = url_encode(a, out);
    char *back;
    size_t blen;
    check(url_decode(a, enc, strlen(enc), false, &back, &blen) == LN_OK);
    check(blen == len && memcmp(back, out, len) == 0);
}

static void fuzz_params(Arena *a, const char *s, size_t n)
{
    Params p = {0};
    int rc = parse_query(a, s, n, &p, MAX_PARAMS);
    if (rc != LN_OK) {
        check(p.count == 0 && p.head == NULL);
        return;
    }
    int count = 0;
    for (const Param *e = p.head; e; e = e->next, count++) {
        /* Raw NUL bytes ("\0\0=x") make a name that reads as "". */
        check((e->name[0] != '\0' || !e->utf8_ok) && e->value[e->value_len] == '\0');
        /* A decoded name may hold NUL ("%00"): then utf8_ok is false. */
        if (e->utf8_ok)
            check(utf8_valid(e->name, strlen(e->name)) && utf8_valid(e->value, e->value_len));
        check(params_get(&p, e->name) != NULL);
    }
    check(count == p.count && count <= MAX_PARAMS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    const char *s = (const char *)data;
    fuzz_decode(a, s, size, size && (data[0] & 1));
    fuzz_params(a, s, size);
    arena_free(a);
    return 0;
}
