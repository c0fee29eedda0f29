/* fuzz_forum_highlight.c — forum_highlight (forum/forum_search.c) over
 * arbitrary bytes: the input is "query\ntext".  Whole mode: the segments put
 * back together are the text, byte for byte; snippet mode: every segment but
 * the ellipses is a piece of the text, in order, and the window is short.
 * Marked segments are never empty and, for valid UTF-8 input, every segment
 * is valid UTF-8 (cuts fall on character boundaries). */
#include "forum/forum.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include <stdio.h>
#define check(ok) do { if (!(ok)) { fprintf(stderr, "check failed, line %d: %s\n", __LINE__, #ok); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192) return 0;
    Arena *a = arena_new();
    char *in = arena_strndup(a, (const char *)data, size);     /* up to the first NUL */
    char *nl = strchr(in, '\n');
    const char *q = in, *text = "";
    if (nl) {
        *nl = 0;
        text = nl + 1;
    }
    bool valid = utf8_valid(text, strlen(text));
    ForumSpan *s;
    int n = forum_highlight(a, text, q, false, &s);
    Buf all;
    buf_init(&all, 0);
    for (int i = 0; i < n; i++) {
        check(!s[i].mark || s[i].text[0]);
        if (valid) check(utf8_valid(s[i].text, strlen(s[i].text)));
        buf_puts(&all, s[i].text);
    }
    check(strcmp(buf_cstr(&all), text) == 0);
    buf_free(&all);

    n = forum_highlight(a, text, q, true, &s);
    size_t at = 0, total = 0;
    for (int i = 0; i < n; i++) {
        if (valid) check(utf8_valid(s[i].text, strlen(s[i].text)));
        if (str_eq(s[i].text, "…") && !s[i].len) continue;       /* an ellipsis */
        check(s[i].start >= at && s[i].start + s[i].len <= strlen(text));
        check(memcmp(text + s[i].start, s[i].text, s[i].len) == 0 && strlen(s[i].text) == s[i].len);
        at = s[i].start + s[i].len;
        total += s[i].len;
    }
    check(total <= 280 + 8);
    arena_free(a);
    return 0;
}
