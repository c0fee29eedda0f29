/* fuzz_quiz_files.c — the companion files of a quiz unit in a course package
 * (assess/assess_io.c): arbitrary bytes read as NN-title.gift and, split at
 * the first NUL, the rest as NN-title.items.json, both from a package
 * someone sends.
 *
 * A refusal has a message and a line (1 or more); an accepted quiz has at
 * most QUIZ_MAX_ITEMS questions, each of which goes to its storage text and
 * back. */
#include "assess/assess_io.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *nul = memchr(s, 0, size);
    size_t glen = nul ? (size_t)(nul - s) : size;
    const char *items = nul ? nul + 1 : NULL;
    size_t ilen = nul ? size - glen - 1 : 0;
    Arena *a = arena_new();
    AioUnit u;
    memset(&u, 0, sizeof u);
    u.quiz = true;
    quiz_settings_default(&u.qs);
    const char *suffix = NULL;
    int line = 0;
    const char *msg = aio_companions(a, &u, s, glen, items, ilen, NULL, 0, NULL, 0, &suffix, &line);
    if (msg) check(*msg && suffix && line >= 1);
    else {
        check(u.bank.n >= 0 && u.bank.n <= QUIZ_MAX_ITEMS);
        for (int i = 0; i < u.bank.n; i++) {
            Item back;
            check(item_from_text(a, item_to_text(a, &u.bank.items[i]), &back) == LN_OK);
            check(back.type == u.bank.items[i].type);
        }
    }
    arena_free(a);
    return 0;
}
