/* fuzz_search_query.c — search_words and search_query (catalog/search.c)
 * over arbitrary bytes: words are valid UTF-8, at most SEARCH_WORD_MAX
 * bytes, without ASCII punctuation, spaces, controls or capitals; folding
 * twice changes nothing; the engine queries hold at most SEARCH_QUERY_WORDS
 * quoted terms (prefixes, but for one-character words before the last) and
 * nothing else, so no input is ever FTS5 or tsquery syntax; both backends'
 * queries hold the same words, the text's first. */
#include "catalog/search.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

static bool word_ok(const char *w, size_t n)
{
    if (n == 0 || n > SEARCH_WORD_MAX || !utf8_valid(w, n)) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

/* "w1 w2 w3": every word fine, one space between, none at the ends. */
static void check_words(const char *s)
{
    if (!*s) return;
    const char *p = s;
    for (;;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        check(word_ok(p, n));
        if (!sp) break;
        p = sp + 1;
    }
}

/* Parse a query of `open` WORD `close` terms joined by `join`, where
 * `close` is `quote` then `star` for a prefix; write its words,
 * space-separated, to `out`.  Only a one-character word before the last
 * may be whole.  Aborts on anything else. */
static int query_words(const char *q, char quote, const char *star, const char *join, Buf *out)
{
    int n = 0;
    const char *p = q;
    size_t ls = strlen(star), lj = strlen(join);
    for (;;) {
        check(*p == quote);
        p++;
        const char *end = strchr(p, quote);
        check(end != NULL);
        size_t len = (size_t)(end - p);
        check(word_ok(p, len));                 /* so no quote inside to escape */
        if (n) buf_putc(out, ' ');
        buf_append(out, p, len);
        n++;
        size_t chars = 0;
        for (size_t i = 0; i < len; i++) chars += ((unsigned char)p[i] & 0xC0) != 0x80;
        bool prefix = strncmp(end + 1, star, ls) == 0;
        p = end + 1 + (prefix ? ls : 0);
        bool last = !*p;
        check(prefix == (last || chars > 1));
        if (last) break;
        check(strncmp(p, join, lj) == 0);
        p += lj;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    Arena *a = arena_new();
    char *s = arena_strndup(a, (const char *)data, size);     /* up to the first NUL */

    Buf w, again;
    buf_init(&w, 0);
    buf_init(&again, 0);
    search_words(a, &w, s);
    check_words(buf_cstr(&w));
    search_words(a, &again, buf_cstr(&w));
    check(strcmp(buf_cstr(&again), buf_cstr(&w)) == 0);      /* folding is idempotent */

    char *lite = search_query(a, DB_SQLITE, s), *pg = search_query(a, DB_POSTGRES, s);
    check((lite == NULL) == (pg == NULL));
    check((lite == NULL) == (w.len == 0));
    if (lite) {
        Buf wl, wp;
        buf_init(&wl, 0);
        buf_init(&wp, 0);
        int nl = query_words(lite, '"', "*", " ", &wl);
        int np = query_words(pg, '\'', ":*", " & ", &wp);
        check(nl == np && nl >= 1 && nl <= SEARCH_QUERY_WORDS);
        check(strcmp(buf_cstr(&wl), buf_cstr(&wp)) == 0);
        /* The query's words are the text's first words. */
        check(strncmp(buf_cstr(&w), buf_cstr(&wl), wl.len) == 0);
        check(w.data[wl.len] == '\0' || w.data[wl.len] == ' ');
        buf_free(&wl);
        buf_free(&wp);
    }
    buf_free(&w);
    buf_free(&again);
    arena_free(a);
    return 0;
}
