/* fuzz_headers.c — Accept-Language, Accept-Encoding and header parameters
 * on arbitrary bytes taken as one header value (up to the first NUL). */
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>

static void check(bool ok)
{
    if (!ok) abort();
}

static const char *const LANGS[] = {"en", "fr", "de", "pt-BR", "zh-Hant-TW", NULL};
static const char *const PARAMS[] = {"name", "filename", "boundary", "charset", "q", NULL};

static void fuzz_languages(const char *h)
{
    const char *l = parse_accept_language(h, LANGS);
    bool known = (l == NULL);
    for (size_t i = 0; LANGS[i]; i++) known |= (l == LANGS[i]);
    check(known);
    (void)accepts_gzip(h);
}

/* Results are shorter than the value they come from. */
static void fuzz_params(Arena *a, const char *h, size_t n)
{
    for (size_t i = 0; PARAMS[i]; i++) {
        char *v = header_param(a, h, PARAMS[i]);
        check(!v || strlen(v) <= n);
    }
    char *t = header_media_type(a, h);
    check(!t || (strlen(t) <= n && strchr(t, '/') != NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *h = malloc(size + 1);     /* exact size: over-reads are caught */
    if (!h) return 0;
    memcpy(h, data, size);
    h[size] = '\0';
    Arena *a = arena_new();
    fuzz_languages(h);
    fuzz_params(a, h, strlen(h));
    arena_free(a);
    free(h);
    return 0;
}
