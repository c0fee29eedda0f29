/* fuzz_cookie.c — parse_cookies on arbitrary bytes as a Cookie header. */
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>

#define MAX_COOKIES 32

static void check(bool ok)
{
    if (!ok) abort();
}

/* A kept cookie has a name and a value without ';', quotes or controls. */
static void check_cookie(const Param *e)
{
    check(e->name[0] != '\0' && strpbrk(e->name, "; \t=\"") == NULL);
    check(e->value[e->value_len] == '\0' && strlen(e->value) == e->value_len);
    for (size_t i = 0; i < e->value_len; i++) {
        unsigned char c = (unsigned char)e->value[i];
        check(c != ';' && c != '"' && c != 0x7f && (c >= 0x20 || c == '\t'));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    Params p = {0};
    int rc = parse_cookies(a, (const char *)data, size, &p, MAX_COOKIES);
    check(rc == LN_OK || (rc == LN_ELIMIT && p.count == 0));
    int count = 0;
    for (const Param *e = p.head; e; e = e->next, count++) check_cookie(e);
    check(count == p.count && count <= MAX_COOKIES);
    arena_free(a);
    return 0;
}
