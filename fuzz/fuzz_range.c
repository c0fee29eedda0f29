/* fuzz_range.c — range_parse, http_date_parse, etag_matches, cond_evaluate
 * and content_disposition on arbitrary bytes.
 *
 * Input: byte 0 picks how the file size is made, bytes 1..8 give it, byte 9
 * the caller's range limit; the rest is the header text.  Shorter inputs are
 * all text, against a 1000-byte file. */
#include "http/range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 40
#define CANARY INT64_C(0x5a5a5a5a5a5a5a5a)

static void check(bool ok)
{
    if (!ok) abort();
}

static int64_t pick_size(const uint8_t *d)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)d[1 + i] << (8 * i);
    switch (d[0] & 3) {
    case 0: return (int64_t)(v & 15);               /* tiny, empty included */
    case 1: return (int64_t)(v & 0xffff);
    case 2: return (int64_t)(v & (uint64_t)INT64_MAX);
    default: return INT64_MAX - (int64_t)(v & 15);  /* the top edge */
    }
}

/* The ranges written back as a header must parse to themselves. */
static void check_round_trip(const ByteRange *rg, int n, int64_t size, int max)
{
    char h[SLOTS * 44 + 8] = "bytes=";
    size_t len = strlen(h);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(h + len, sizeof h - len, "%s%lld-%lld", i ? "," : "",
                                (long long)rg[i].first, (long long)rg[i].last);
    ByteRange again[SLOTS];
    int m = -1;
    check(range_parse(h, size, again, max, &m) == RANGE_OK && m == n);
    check(memcmp(again, rg, (size_t)n * sizeof *rg) == 0);
}

static void fuzz_ranges(const char *text, int64_t size, int max)
{
    ByteRange rg[SLOTS];
    for (int i = 0; i < SLOTS; i++) rg[i].first = rg[i].last = CANARY;
    int n = -1;
    int rc = range_parse(text, size, rg, max, &n);
    check(rc == RANGE_IGNORE || rc == RANGE_OK || rc == RANGE_UNSATISFIABLE);
    check(rc == RANGE_OK ? n >= 1 && n <= max : n == 0);
    for (int i = max; i < SLOTS; i++) check(rg[i].first == CANARY && rg[i].last == CANARY);
    for (int i = 0; i < n; i++) {
        check(rg[i].first >= 0 && rg[i].first <= rg[i].last && rg[i].last < size);
        if (i) check(rg[i].first > rg[i - 1].last + 1);    /* sorted, apart */
    }
    if (rc == RANGE_UNSATISFIABLE) check(size >= 0);
    if (rc == RANGE_OK) check_round_trip(rg, n, size, max);
}

static void fuzz_date(const char *text)
{
    int64_t t;
    if (!http_date_parse(text, &t)) return;
    /* 4-digit years (and RFC 850's two) keep every date in 0000..9999,
     * which the formatter writes without clamping. */
    check(t >= INT64_C(-62167219200) && t <= INT64_C(253402300800));
    char out[30];
    http_date_format(t, out);
    check(strlen(out) == 29);
    int64_t back;
    check(http_date_parse(out, &back));
    check(back == t || (t == INT64_C(253402300800) && back == t - 1));  /* leap second at the end */
}

static void fuzz_conditions(const char *text)
{
    /* strong implies weak, for any list and either kind of tag */
    check(!etag_matches(text, "\"abc\"", false) || etag_matches(text, "\"abc\"", true));
    /* a weak tag never matches strongly; only "*" matches it, as any tag */
    check(!etag_matches(text, "W/\"abc\"", false) || etag_matches(text, "\"zz\"", false));
    Preconditions all = {text, text, text, text, text};
    for (Method m = M_GET; m <= M_POST; m <<= 1) {
        CondResult c = cond_evaluate(&all, m, true, "\"abc\"", 1700000000);
        check(c >= COND_FULL && c <= COND_FAILED);
        check(m == M_GET || c != COND_RANGE);
    }
    Preconditions ir = {.if_range = text};
    check(cond_evaluate(&ir, M_GET, false, "\"abc\"", 0) == COND_FULL);
}

/* The header value stays printable ASCII, with one quoted string. */
static void fuzz_disposition(const char *text, bool attachment)
{
    Arena *a = arena_new();
    const char *v = content_disposition(a, attachment, text);
    int quotes = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        check(*p >= 0x20 && *p < 0x7f);
        quotes += *p == '"';
    }
    check(quotes == (*text ? 2 : 0));
    arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t fsize = 1000;
    int max = RANGE_MAX;
    bool flag = false;
    if (size >= 10) {
        fsize = pick_size(data);
        max = 1 + data[9] % (SLOTS - 8);
        flag = data[0] & 4;
        data += 10;
        size -= 10;
    }
    char *text = malloc(size + 1);
    check(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    fuzz_ranges(text, fsize, max);
    fuzz_date(text);
    fuzz_conditions(text);
    fuzz_disposition(text, flag);
    free(text);
    return 0;
}
