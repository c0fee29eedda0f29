/* fuzz_markdown.c — markdown_render and markdown_to_text over arbitrary
 * bytes.  The HTML must be valid UTF-8 and well-formed; use only the allowed
 * elements and attributes (so no <script>, no on...= handler, no style);
 * escape every '<', '>', '"', '\'' and '&' that is not markup; and carry no
 * URL whose scheme is not http, https or mailto.  A render that hits its
 * buffer's ceiling must leave the buffer as it found it.  The text must be
 * valid UTF-8, collapsed, within its length. */
#include "web/markdown.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* ---- a small HTML reader for what markdown_render may write ---------- */

static const char *const tags[] = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "del", "a", "img", "br", "input",
};
static const char *const void_tags[] = {"hr", "img", "br", "input"};
/* "tag attribute" pairs that may appear. */
static const char *const attrs[] = {
    "a href", "a rel", "a title", "img src", "img alt", "img title", "img loading", "ol start",
    "li class", "input type", "input disabled", "input checked", "code class", "th class", "td class",
};

static bool in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0) return true;
    return false;
}

static bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

/* Length of the character reference at s ("&amp;", "&#39;", "&hearts;"),
 * 0 when it is not one. */
static size_t entity_len(const char *s)
{
    size_t i = 1;
    if (s[i] == '#') {
        i++;
        while (s[i] >= '0' && s[i] <= '9') i++;
        return i > 2 && s[i] == ';' ? i + 1 : 0;
    }
    while (is_alnum(s[i])) i++;
    return i > 1 && s[i] == ';' ? i + 1 : 0;
}

/* An attribute value holds no raw '<', '>', '"', '\'', and '&' only in references. */
static void check_value(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(v[i] != '<' && v[i] != '>' && v[i] != '\'' && v[i] != 0x7F);
        CHECK((unsigned char)v[i] >= 0x20 || v[i] == '\t' || v[i] == '\n' || v[i] == '\r');
        if (v[i] == '&') CHECK(entity_len(v + i) > 0 && entity_len(v + i) <= n - i);
    }
}

static bool ieq_prefix(const char *s, size_t n, const char *lower)
{
    size_t k = strlen(lower);
    if (n < k) return false;
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

/* A URL as the browser reads it: only our five escapes, which we undo; no
 * control characters; a scheme only from the allowed list. */
static void check_url(const char *v, size_t n, bool image)
{
    char *u = malloc(n + 1);
    CHECK(u);
    size_t m = 0;
    static const char *const esc[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
    for (size_t i = 0; i < n;) {
        if (v[i] != '&') {
            u[m++] = v[i++];
            continue;
        }
        size_t k = 0;
        while (k < LN_ARRAY_LEN(esc) && strncmp(v + i, esc[k][0], strlen(esc[k][0])) != 0) k++;
        CHECK(k < LN_ARRAY_LEN(esc));
        u[m++] = esc[k][1][0];
        i += strlen(esc[k][0]);
    }
    size_t b = 0;
    while (b < m && (unsigned char)u[b] <= 0x20) b++;
    CHECK(b == 0);                  /* written trimmed */
    for (size_t i = 0; i < m; i++) CHECK((unsigned char)u[i] >= 0x20 && u[i] != 0x7F);
    CHECK(!ieq_prefix(u, m, "javascript:"));   /* "/javascript:" is a harmless path */
    size_t e = b;
    while (e < m && !strchr(":/?#", u[e])) e++;
    if (e < m && u[e] == ':') {
        const char *s = u + b;
        size_t len = e - b + 1;
        CHECK((len == 5 && ieq_prefix(s, len, "http:")) || (len == 6 && ieq_prefix(s, len, "https:"))
              || (!image && len == 7 && ieq_prefix(s, len, "mailto:")));
    }
    free(u);
}

static void check_class(const char *v, size_t n)
{
    static const char *const fixed[] = {"task", "md-align-left", "md-align-center", "md-align-right"};
    if (in_list(fixed, LN_ARRAY_LEN(fixed), v, n)) return;
    CHECK(n > 9 && n <= 9 + 32 && memcmp(v, "language-", 9) == 0);
    for (size_t i = 9; i < n; i++) CHECK(is_alnum(v[i]) || strchr("_+-", v[i]));
}

static void check_attr(const char *tag, size_t tn, const char *name, size_t nn, const char *v, size_t vn)
{
    char pair[64];
    CHECK(tn + nn + 2 < sizeof pair);
    memcpy(pair, tag, tn);
    pair[tn] = ' ';
    memcpy(pair + tn + 1, name, nn);
    CHECK(!(nn >= 2 && name[0] == 'o' && name[1] == 'n'));     /* no event handlers */
    CHECK(in_list(attrs, LN_ARRAY_LEN(attrs), pair, tn + 1 + nn));
    if (!v) {
        CHECK((nn == 8 && !memcmp(name, "disabled", 8)) || (nn == 7 && !memcmp(name, "checked", 7)));
        return;
    }
    check_value(v, vn);
    if (nn == 4 && !memcmp(name, "href", 4)) check_url(v, vn, false);
    if (nn == 3 && !memcmp(name, "src", 3)) check_url(v, vn, true);
    if (nn == 5 && !memcmp(name, "class", 5)) check_class(v, vn);
    if (nn == 5 && !memcmp(name, "start", 5)) for (size_t i = 0; i < vn; i++) CHECK(v[i] >= '0' && v[i] <= '9');
}

typedef struct Stack { const char **name; size_t *len; size_t n, cap; } Stack;

/* Reads the tag at *p (just past '<'), checks it and moves past its '>'. */
static void check_tag(const char **p, Stack *st)
{
    const char *s = *p;
    bool end = *s == '/';
    if (end) s++;
    const char *tag = s;
    while (is_lower_alnum(*s)) s++;
    size_t tn = (size_t)(s - tag);
    CHECK(in_list(tags, LN_ARRAY_LEN(tags), tag, tn));
    bool is_void = in_list(void_tags, LN_ARRAY_LEN(void_tags), tag, tn);
    if (end) {
        CHECK(!is_void && *s == '>' && st->n > 0);
        st->n--;
        CHECK(st->len[st->n] == tn && memcmp(st->name[st->n], tag, tn) == 0);
        *p = s + 1;
        return;
    }
    while (*s == ' ') {
        const char *name = ++s;
        while (*s >= 'a' && *s <= 'z') s++;
        size_t nn = (size_t)(s - name);
        CHECK(nn > 0);
        const char *v = NULL;
        size_t vn = 0;
        if (*s == '=') {
            CHECK(s[1] == '"');
            v = s + 2;
            const char *q = strchr(v, '"');
            CHECK(q);
            vn = (size_t)(q - v);
            s = q + 1;
        }
        check_attr(tag, tn, name, nn, v, vn);
    }
    CHECK(*s == '>');
    *p = s + 1;
    if (is_void) return;
    if (tn == 1 && *tag == 'a')     /* <a> never nests */
        for (size_t i = 0; i < st->n; i++) CHECK(!(st->len[i] == 1 && *st->name[i] == 'a'));
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->name = xrealloc(st->name, st->cap * sizeof *st->name);
        st->len = xrealloc(st->len, st->cap * sizeof *st->len);
    }
    st->name[st->n] = tag;
    st->len[st->n++] = tn;
}

static void check_html(const char *h, size_t n)
{
    CHECK(strlen(h) == n && utf8_valid(h, n));
    Stack st = {0};
    for (const char *p = h; *p;) {
        switch (*p) {
        case '<': p++; check_tag(&p, &st); break;
        case '&': CHECK(entity_len(p) > 0); p += entity_len(p); break;
        case '>': case '"': case '\'': abort();
        default:                    /* no control characters but tab and newlines */
            CHECK((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r');
            CHECK(*p != 0x7F);
            p++;
        }
    }
    CHECK(st.n == 0);
    free(st.name);
    free(st.len);
}

/* ---- plain text ---------------------------------------------------------- */

static void check_text(const char *t, size_t n, size_t max)
{
    CHECK(strlen(t) == n && utf8_valid(t, n));
    if (max) CHECK(utf8_len(t) <= max);
    if (!n) return;
    CHECK(t[0] != ' ' && t[n - 1] != ' ' && !strstr(t, "  "));
    for (size_t i = 0; i < n; i++) CHECK((unsigned char)t[i] >= 0x20 && t[i] != 0x7F);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    Buf b;
    buf_init(&b, 0);
    CHECK(markdown_render(&b, src, size) == LN_OK);
    check_html(buf_cstr(&b), b.len);
    size_t full = b.len;
    buf_free(&b);

    /* With a ceiling: all of it or nothing of it. */
    buf_init(&b, size % 2 ? full / 2 + 1 : full + 1);
    buf_puts(&b, "x");
    int rc = markdown_render(&b, src, size);
    if (rc == LN_OK) {
        CHECK(b.len == full + 1);
        check_html(buf_cstr(&b) + 1, b.len - 1);
    } else {
        CHECK(rc == LN_ELIMIT && b.len == 1 && strcmp(buf_cstr(&b), "x") == 0);
    }
    buf_free(&b);

    size_t max = size ? data[0] % 64 : 0;      /* 0: no limit */
    buf_init(&b, 0);
    markdown_to_text(&b, src, size, max);
    check_text(buf_cstr(&b), b.len, max);
    buf_free(&b);
    return 0;
}
