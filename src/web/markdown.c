/* markdown.c — Markdown to safe HTML and to plain text, on md4c's parser.
 *
 * md4c calls us back for every block, span and piece of text.  The HTML
 * side writes tags only from literals in this file, and every byte that
 * came from the source goes through put_text(), put_entity() or put_cp(),
 * which escape it and repair its UTF-8.  End tags follow a fixed-size stack
 * of what was opened, so the HTML is well-formed whatever md4c says; there
 * is no recursion.
 *
 * md4c is not used for HTML (md4c-html) on purpose: a renderer that only
 * knows the allowed elements cannot be talked into writing another one.
 */
#include "web/markdown.h"

#include <limits.h>
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

/* CommonMark + GitHub's extensions, raw HTML shown as text. */
#define DIALECT (MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS \
                 | MD_FLAG_PERMISSIVEAUTOLINKS)

#define URL_MAX 8192    /* a longer URL is not trusted: the link becomes text */
#define LANG_MAX 32     /* longest code block language we put in a class */

/* ======================================================================
 * UTF-8 and escaping
 * ==================================================================== */

#define REPLACEMENT 0xFFFD

/* The UTF-8 of `cp`, a Unicode scalar value (callers make sure), into `s`;
 * returns its length. */
static size_t utf8_encode(uint32_t cp, unsigned char s[4])
{
    size_t n;
    if (cp < 0x80) {
        s[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        s[0] = (unsigned char)(0xC0 | cp >> 6);
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (unsigned char)(0xE0 | cp >> 12);
        n = 3;
    } else {
        s[0] = (unsigned char)(0xF0 | cp >> 18);
        n = 4;
    }
    for (size_t k = 1; k < n; k++)
        s[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F));
    return n;
}

static void put_utf8(Buf *b, uint32_t cp)
{
    unsigned char s[4];
    buf_append(b, s, utf8_encode(cp, s));
}

/* Control characters other than tab and newlines have no business in a
 * page (and some parsers choke on them): they become U+FFFD, like NUL and
 * bad bytes. */
static bool is_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F;
}

/* One code point as HTML: safe in element content and in a quoted
 * attribute value alike. */
static void put_cp(Buf *b, uint32_t cp)
{
    switch (cp) {
    case '&': buf_append(b, "&amp;", 5); return;
    case '<': buf_append(b, "&lt;", 4); return;
    case '>': buf_append(b, "&gt;", 4); return;
    case '"': buf_append(b, "&quot;", 6); return;
    case '\'': buf_append(b, "&#39;", 5); return;
    default: put_utf8(b, is_control(cp) ? REPLACEMENT : cp);
    }
}

/* ASCII that goes out as it is. */
static bool is_plain_byte(unsigned char c)
{
    if (c == '\t' || c == '\n' || c == '\r') return true;
    return c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

/* Bytes from the source as HTML: escaped, and each byte that does not
 * start a valid UTF-8 sequence replaced by U+FFFD. */
static void put_text(Buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && is_plain_byte(*p)) p++;     /* copy plain text in one go */
        buf_append(b, run, (size_t)(p - run));
        if (p == end) return;
        uint32_t cp;
        size_t k = utf8_decode((const char *)p, (size_t)(end - p), &cp);
        put_cp(b, k ? cp : REPLACEMENT);
        p += k ? k : 1;
    }
}

/* ======================================================================
 * Entities
 * ==================================================================== */

/* md4c hands entities over verbatim.  We resolve numeric ones and the
 * named ones below (XML's five, and those common in English and French
 * prose); other named ones go to the browser as they are in HTML, stay
 * verbatim in plain text, and make a URL untrusted. */
static const struct { const char *name; uint32_t cp; } named_entities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"nbsp", 0xA0}, {"shy", 0xAD}, {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122},
    {"deg", 0xB0}, {"middot", 0xB7}, {"times", 0xD7}, {"divide", 0xF7}, {"euro", 0x20AC},
    {"laquo", 0xAB}, {"raquo", 0xBB}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"ndash", 0x2013}, {"mdash", 0x2014},
    {"hellip", 0x2026}, {"bull", 0x2022},
    {"agrave", 0xE0}, {"acirc", 0xE2}, {"ccedil", 0xE7}, {"egrave", 0xE8}, {"eacute", 0xE9},
    {"ecirc", 0xEA}, {"euml", 0xEB}, {"icirc", 0xEE}, {"iuml", 0xEF}, {"ocirc", 0xF4},
    {"ugrave", 0xF9}, {"ucirc", 0xFB}, {"uuml", 0xFC}, {"oelig", 0x153},
    {"Agrave", 0xC0}, {"Ccedil", 0xC7}, {"Egrave", 0xC8}, {"Eacute", 0xC9}, {"Ecirc", 0xCA},
};

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The digits of &#NNN; or &#xHHH; (without "&#" and ";").  As CommonMark
 * says, NUL, surrogates and values past Unicode give U+FFFD. */
static bool entity_number(const char *s, size_t n, uint32_t *cp)
{
    int base = 10;
    if (n && (*s == 'x' || *s == 'X')) {
        base = 16;
        s++;
        n--;
    }
    if (n == 0 || n > 8) return false;      /* 8 digits cannot overflow 32 bits */
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = hex_value(s[i]);
        if (d < 0 || d >= base) return false;
        v = v * (uint32_t)base + (uint32_t)d;
    }
    *cp = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? REPLACEMENT : v;
    return true;
}

/* The code point of an entity we know (`s` is "&...;"). */
static bool entity_cp(const char *s, size_t n, uint32_t *cp)
{
    if (n < 4 || s[0] != '&' || s[n - 1] != ';') return false;
    if (s[1] == '#') return entity_number(s + 2, n - 3, cp);
    for (size_t i = 0; i < LN_ARRAY_LEN(named_entities); i++) {
        const char *name = named_entities[i].name;
        if (strlen(name) == n - 2 && memcmp(name, s + 1, n - 2) == 0) {
            *cp = named_entities[i].cp;
            return true;
        }
    }
    return false;
}

/* &name; as md4c recognises it: a letter, then 1 to 47 letters or digits. */
static bool entity_named_syntax(const char *s, size_t n)
{
    if (n < 4 || n > 50 || s[0] != '&' || s[n - 1] != ';' || !is_alpha(s[1])) return false;
    for (size_t i = 2; i < n - 1; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i])) return false;
    return true;
}

static void put_entity(Buf *b, const char *s, size_t n)
{
    uint32_t cp;
    if (entity_cp(s, n, &cp))
        put_cp(b, cp);
    else if (entity_named_syntax(s, n))
        buf_append(b, s, n);    /* letters and digits only: it cannot end a text or an attribute */
    else
        put_text(b, s, n);
}

/* ======================================================================
 * Attributes: titles, URLs, code languages
 * ==================================================================== */

/* Piece `i` of an attribute, which md4c splits into text, entities and
 * NULs; false past the last.  An empty attribute may have no offsets. */
static bool attr_piece(const MD_ATTRIBUTE *a, unsigned i, const char **s, size_t *n)
{
    if (!a->size || a->substr_offsets[i] >= a->size) return false;
    *s = a->text + a->substr_offsets[i];
    *n = a->substr_offsets[i + 1] - a->substr_offsets[i];
    return true;
}

/* ` title="..."` when there is a title. */
static void put_title(Buf *b, const MD_ATTRIBUTE *a)
{
    if (!a->size) return;
    buf_puts(b, " title=\"");
    const char *s;
    size_t n;
    for (unsigned i = 0; attr_piece(a, i, &s, &n); i++) {
        switch (a->substr_types[i]) {
        case MD_TEXT_ENTITY: put_entity(b, s, n); break;
        case MD_TEXT_NULLCHAR: put_cp(b, REPLACEMENT); break;
        default: put_text(b, s, n); break;
        }
    }
    buf_putc(b, '"');
}

/* The attribute as the browser will read it, entities resolved, into
 * `res`.  false when it cannot be trusted: a named entity we do not know
 * (the browser might resolve it to anything), NUL, bad UTF-8, too long. */
static bool attr_resolve(const MD_ATTRIBUTE *a, Buf *res)
{
    const char *s;
    size_t n;
    uint32_t cp;
    buf_reset(res);
    for (unsigned i = 0; attr_piece(a, i, &s, &n); i++) {
        switch (a->substr_types[i]) {
        case MD_TEXT_NORMAL: buf_append(res, s, n); break;
        case MD_TEXT_ENTITY:
            if (!entity_cp(s, n, &cp)) return false;
            put_utf8(res, cp);
            break;
        default: return false;
        }
    }
    return !res->over && utf8_valid(buf_cstr(res), res->len);
}

static bool ascii_ieq(const char *s, size_t n, const char *lower)
{
    if (strlen(lower) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

/* Whether a resolved and trimmed URL may be written.  Browsers drop tabs
 * and newlines inside a URL ("java\tscript:"), so any control character
 * refuses it.  Anything before a ':' that comes before any '/', '?' or
 * '#' is a scheme, and must be http or https (or mailto for a link);
 * without one the URL is relative.  "//host/x" has no scheme: it takes the
 * page's, which is http or https, so it is allowed. */
static bool url_safe(const char *u, size_t n, bool image)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)u[i] < 0x20 || u[i] == 0x7F) return false;
    size_t i = 0;
    while (i < n && u[i] != ':' && u[i] != '/' && u[i] != '?' && u[i] != '#') i++;
    if (i == n || u[i] != ':') return true;
    return ascii_ieq(u, i, "http") || ascii_ieq(u, i, "https") || (!image && ascii_ieq(u, i, "mailto"));
}

/* The URL to write for `a`, in `scratch` (*n bytes), or NULL when it is not
 * safe.  Leading and trailing spaces and controls are dropped, as browsers
 * do before they look at the scheme. */
static const char *url_checked(Buf *scratch, const MD_ATTRIBUTE *a, bool image, size_t *n)
{
    if (!attr_resolve(a, scratch)) return NULL;
    const char *u = buf_cstr(scratch);
    size_t len = scratch->len;
    while (len && (unsigned char)u[0] <= 0x20) u++, len--;
    while (len && (unsigned char)u[len - 1] <= 0x20) len--;
    if (!url_safe(u, len, image)) return NULL;
    *n = len;
    return u;
}

/* The language of a fenced code block, in `scratch`, when it is a plain
 * name: [A-Za-z0-9_+-]{1,32}. */
static bool lang_ok(Buf *scratch, const MD_ATTRIBUTE *a)
{
    if (!attr_resolve(a, scratch) || scratch->len == 0 || scratch->len > LANG_MAX) return false;
    for (size_t i = 0; i < scratch->len; i++) {
        char c = scratch->data[i];
        if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '+' && c != '-') return false;
    }
    return true;
}

/* ======================================================================
 * The source as md4c sees it
 * ==================================================================== */

/* md4c 0.4.8 reads the byte after its input in places (an unfinished link
 * such as "[a](/x" at the very end is enough) and acts on what it finds:
 * a ')' there makes it crash, other bytes make it report text past the
 * end.  So it parses a copy followed by zeros, which keeps its reads in
 * bounds and the result the same for the same text, and text it reports
 * past the end is cut there. */
#define SRC_PAD 16

typedef struct Src {
    char *text;         /* len bytes, then SRC_PAD zeros; caller frees */
    size_t len;
} Src;

static Src src_copy(const char *s, size_t len)
{
    Src src = {xmalloc(len + SRC_PAD), len};
    if (len) memcpy(src.text, s, len);
    memset(src.text + len, 0, SRC_PAD);
    return src;
}

/* The length of [s, s+n) that lies before the end of the source.  Text
 * that is not from the source (md4c's own "\n" and indentation) is kept. */
static MD_SIZE src_clip(const Src *src, const MD_CHAR *s, MD_SIZE n)
{
    uintptr_t p = (uintptr_t)s, beg = (uintptr_t)src->text, end = beg + src->len;
    if (p < beg || p >= end + SRC_PAD) return n;
    if (p >= end) return 0;
    return p + n > end ? (MD_SIZE)(end - p) : n;
}

/* ======================================================================
 * HTML renderer
 * ==================================================================== */

/* md4c does not always pair its calls (mity/md4c#278, #294: a '*' in a
 * link destination can send leave_span(EM) with no enter_span), so the end
 * tags we write follow our own stack of what we opened, never md4c's word:
 * an end with no start is dropped, and one that skips open elements closes
 * them first.  Blocks and spans past DEPTH_MAX keep their text, not their
 * tags. */
#define DEPTH_MAX 256

typedef struct Open {
    bool is_span;
    bool wrote;         /* its start tag was written, so its end tag is owed */
    uint8_t level;      /* of a heading */
    unsigned type;      /* MD_BLOCKTYPE or MD_SPANTYPE */
} Open;

typedef struct Html {
    Buf *out;
    const Src *src;
    Buf scratch;            /* URLs and languages being resolved */
    Open open[DEPTH_MAX];
    unsigned depth;         /* entries in open[] */
    unsigned over_blocks;   /* opened past DEPTH_MAX: blocks, then spans */
    unsigned over_spans;
    unsigned img;           /* images open: their content is alt text */
    bool in_a;              /* an <a> is open: links inside stay text */
} Html;

static Open *push(Html *h, bool is_span, unsigned type)
{
    if (h->depth == DEPTH_MAX) {
        if (is_span) h->over_spans++;
        else h->over_blocks++;
        return NULL;
    }
    Open *o = &h->open[h->depth++];
    *o = (Open){.is_span = is_span, .type = type};
    return o;
}

static void block_end(Buf *b, const Open *o)
{
    switch (o->type) {
    case MD_BLOCK_QUOTE: buf_puts(b, "</blockquote>\n"); break;
    case MD_BLOCK_UL: buf_puts(b, "</ul>\n"); break;
    case MD_BLOCK_OL: buf_puts(b, "</ol>\n"); break;
    case MD_BLOCK_LI: buf_puts(b, "</li>\n"); break;
    case MD_BLOCK_H: buf_printf(b, "</h%u>\n", (unsigned)o->level); break;
    case MD_BLOCK_CODE: buf_puts(b, "</code></pre>\n"); break;
    case MD_BLOCK_P: buf_puts(b, "</p>\n"); break;
    case MD_BLOCK_TABLE: buf_puts(b, "</table>\n"); break;
    case MD_BLOCK_THEAD: buf_puts(b, "</thead>\n"); break;
    case MD_BLOCK_TBODY: buf_puts(b, "</tbody>\n"); break;
    case MD_BLOCK_TR: buf_puts(b, "</tr>\n"); break;
    case MD_BLOCK_TH: buf_puts(b, "</th>"); break;
    case MD_BLOCK_TD: buf_puts(b, "</td>"); break;
    default: break;     /* <hr> has no end tag */
    }
}

static void span_end(Buf *b, const Open *o)
{
    switch (o->type) {
    case MD_SPAN_EM: buf_puts(b, "</em>"); break;
    case MD_SPAN_STRONG: buf_puts(b, "</strong>"); break;
    case MD_SPAN_CODE: buf_puts(b, "</code>"); break;
    case MD_SPAN_DEL: buf_puts(b, "</del>"); break;
    case MD_SPAN_A: buf_puts(b, "</a>"); break;
    case MD_SPAN_IMG: buf_puts(b, "\" loading=\"lazy\">"); break;  /* ends the alt attribute */
    default: break;
    }
}

static void close_top(Html *h)
{
    const Open *o = &h->open[--h->depth];
    if (o->is_span && o->type == MD_SPAN_IMG) h->img--;
    if (o->is_span && o->type == MD_SPAN_A && o->wrote) h->in_a = false;
    if (!o->wrote) return;
    if (o->is_span) span_end(h->out, o);
    else block_end(h->out, o);
}

/* Spans live in one leaf block: none is left open across a block's edge. */
static void close_spans(Html *h)
{
    h->over_spans = 0;
    while (h->depth && h->open[h->depth - 1].is_span) close_top(h);
}

/* Closes the innermost open `type` and what is open inside it.  A span is
 * looked for only in the current block. */
static void leave(Html *h, bool is_span, unsigned type)
{
    unsigned *over = is_span ? &h->over_spans : &h->over_blocks;
    if (*over) {
        --*over;
        return;
    }
    unsigned i = h->depth;
    while (i && !(h->open[i - 1].is_span == is_span && h->open[i - 1].type == type)) {
        if (is_span && !h->open[i - 1].is_span) return;
        i--;
    }
    while (i && h->depth >= i) close_top(h);
}

/* `#` is <h2>: the page owns <h1>. */
static uint8_t heading_level(const MD_BLOCK_H_DETAIL *d)
{
    return d->level < 1 ? 2 : d->level > 5 ? 6 : (uint8_t)(d->level + 1);
}

static void list_item_start(Buf *b, const MD_BLOCK_LI_DETAIL *d)
{
    if (!d->is_task) {
        buf_puts(b, "<li>");
        return;
    }
    bool done = d->task_mark == 'x' || d->task_mark == 'X';
    buf_puts(b, done ? "<li class=\"task\"><input type=\"checkbox\" disabled checked> "
                     : "<li class=\"task\"><input type=\"checkbox\" disabled> ");
}

static void code_start(Html *h, const MD_BLOCK_CODE_DETAIL *d)
{
    buf_puts(h->out, "<pre><code");
    if (lang_ok(&h->scratch, &d->lang)) {
        buf_puts(h->out, " class=\"language-");
        buf_append(h->out, h->scratch.data, h->scratch.len);    /* checked: [A-Za-z0-9_+-] */
        buf_putc(h->out, '"');
    }
    buf_putc(h->out, '>');
}

/* Alignment is a class: the Content-Security-Policy forbids style attributes. */
static void cell_start(Buf *b, const char *tag, const MD_BLOCK_TD_DETAIL *d)
{
    static const char *const align[] = {"", " class=\"md-align-left\"", " class=\"md-align-center\"",
                                        " class=\"md-align-right\""};
    unsigned a = (unsigned)d->align < LN_ARRAY_LEN(align) ? (unsigned)d->align : 0;
    buf_printf(b, "<%s%s>", tag, align[a]);
}

/* Writes the start tag of block `o`; false for those without one. */
static bool block_start(Html *h, Open *o, void *detail)
{
    Buf *b = h->out;
    switch (o->type) {
    case MD_BLOCK_QUOTE: buf_puts(b, "<blockquote>\n"); break;
    case MD_BLOCK_UL: buf_puts(b, "<ul>\n"); break;
    case MD_BLOCK_OL: {
        unsigned start = ((MD_BLOCK_OL_DETAIL *)detail)->start;
        if (start == 1) buf_puts(b, "<ol>\n");
        else buf_printf(b, "<ol start=\"%u\">\n", start);
        break;
    }
    case MD_BLOCK_LI: list_item_start(b, detail); break;
    case MD_BLOCK_HR: buf_puts(b, "<hr>\n"); break;
    case MD_BLOCK_H:
        o->level = heading_level(detail);
        buf_printf(b, "<h%u>", (unsigned)o->level);
        break;
    case MD_BLOCK_CODE: code_start(h, detail); break;
    case MD_BLOCK_P: buf_puts(b, "<p>"); break;
    case MD_BLOCK_TABLE: buf_puts(b, "<table>\n"); break;
    case MD_BLOCK_THEAD: buf_puts(b, "<thead>\n"); break;
    case MD_BLOCK_TBODY: buf_puts(b, "<tbody>\n"); break;
    case MD_BLOCK_TR: buf_puts(b, "<tr>"); break;
    case MD_BLOCK_TH: cell_start(b, "th", detail); break;
    case MD_BLOCK_TD: cell_start(b, "td", detail); break;
    default: return false;  /* the document; raw HTML blocks, off by MD_FLAG_NOHTML */
    }
    return true;
}

static int render_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    Html *h = userdata;
    close_spans(h);
    Open *o = push(h, false, type);
    if (o) o->wrote = block_start(h, o, detail);
    return h->out->over;    /* non-zero stops md4c */
}

static int render_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    Html *h = userdata;
    close_spans(h);
    leave(h, false, type);
    return h->out->over;
}

/* A link with an unsafe URL keeps its text, without <a>.  So does a link
 * inside a link: <a> cannot nest. */
static bool link_start(Html *h, const MD_SPAN_A_DETAIL *d)
{
    size_t n;
    const char *url;
    if (h->in_a || !(url = url_checked(&h->scratch, &d->href, false, &n))) return false;
    h->in_a = true;
    buf_puts(h->out, "<a href=\"");
    put_text(h->out, url, n);
    buf_puts(h->out, "\" rel=\"nofollow noopener ugc\"");
    put_title(h->out, &d->title);
    buf_putc(h->out, '>');
    return true;
}

/* The image's content becomes its alt attribute (see render_text), which
 * its end closes; with an unsafe URL the content stays as text. */
static bool img_start(Html *h, const MD_SPAN_IMG_DETAIL *d)
{
    size_t n;
    const char *url = url_checked(&h->scratch, &d->src, true, &n);
    if (!url) return false;
    buf_puts(h->out, "<img src=\"");
    put_text(h->out, url, n);
    buf_putc(h->out, '"');
    put_title(h->out, &d->title);
    buf_puts(h->out, " alt=\"");
    return true;
}

/* Writes the start tag of span `o`; false when it has none. */
static bool span_start(Html *h, const Open *o, void *detail)
{
    switch (o->type) {
    case MD_SPAN_EM: buf_puts(h->out, "<em>"); return true;
    case MD_SPAN_STRONG: buf_puts(h->out, "<strong>"); return true;
    case MD_SPAN_CODE: buf_puts(h->out, "<code>"); return true;
    case MD_SPAN_DEL: buf_puts(h->out, "<del>"); return true;
    case MD_SPAN_A: return link_start(h, detail);
    case MD_SPAN_IMG: return img_start(h, detail);
    default: return false;  /* extensions we leave off: their text only */
    }
}

static int render_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    Html *h = userdata;
    bool in_img = h->img > 0;       /* inside an image: its text only, no tags */
    Open *o = push(h, true, type);
    if (!o) return h->out->over;
    if (!in_img) o->wrote = span_start(h, o, detail);
    if (type == MD_SPAN_IMG) h->img++;
    return h->out->over;
}

static int render_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    Html *h = userdata;
    leave(h, true, type);
    return h->out->over;
}

static int render_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
    Html *h = userdata;
    Buf *b = h->out;
    n = src_clip(h->src, s, n);
    switch (type) {
    case MD_TEXT_NULLCHAR: put_cp(b, REPLACEMENT); break;
    case MD_TEXT_ENTITY: put_entity(b, s, n); break;
    case MD_TEXT_BR: buf_puts(b, h->img ? " " : "<br>\n"); break;
    case MD_TEXT_SOFTBR: buf_puts(b, h->img ? " " : "\n"); break;
    default: put_text(b, s, n); break;      /* normal, code, and raw HTML shown as text */
    }
    return b->over;
}

int markdown_render(Buf *out, const char *src, size_t len)
{
    if (len > UINT_MAX) return LN_ELIMIT;       /* md4c sizes are unsigned */
    size_t start = out->len;
    Src copy = src_copy(src, len);
    Html h = {.out = out, .src = &copy};    /* about 2 KiB */
    buf_init(&h.scratch, URL_MAX);
    MD_PARSER parser = {
        .flags = DIALECT,
        .enter_block = render_enter_block,
        .leave_block = render_leave_block,
        .enter_span = render_enter_span,
        .leave_span = render_leave_span,
        .text = render_text,
    };
    int rc = md_parse(copy.text, (MD_SIZE)len, &parser, &h);
    while (h.depth) close_top(&h);      /* whatever md4c left open */
    buf_free(&h.scratch);
    free(copy.text);
    if (rc == 0 && !out->over) return LN_OK;
    if (out->data) {            /* no half-written tag left behind */
        out->len = start;
        out->data[start] = 0;
    }
    return out->over ? LN_ELIMIT : LN_ENOMEM;
}

/* ======================================================================
 * Plain text
 * ==================================================================== */

typedef struct Plain {
    Buf *out;
    const Src *src;
    size_t max;             /* characters, 0 = no limit */
    size_t count;           /* characters written */
    bool space;             /* a space is due before the next character */
    bool full;
} Plain;

/* Whitespace, controls and no-break spaces collapse into one space, which
 * is written only before a next character: none at either end. */
static void plain_cp(Plain *t, uint32_t cp)
{
    if (t->full) return;
    if (cp <= 0x20 || cp == 0x7F || cp == 0xA0) {
        t->space = t->count > 0;
        return;
    }
    size_t need = t->space ? 2 : 1;
    if (t->max && t->count + need > t->max) {
        t->full = true;
        return;
    }
    unsigned char s[5] = {' '};
    size_t n = utf8_encode(cp, s + 1) + 1;
    buf_append(t->out, t->space ? s : s + 1, t->space ? n : n - 1);     /* both or neither */
    t->count += need;
    t->space = false;
}

static void plain_bytes(Plain *t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end && !t->full) {
        uint32_t cp;
        size_t k = utf8_decode((const char *)p, (size_t)(end - p), &cp);
        plain_cp(t, k ? cp : REPLACEMENT);
        p += k ? k : 1;
    }
}

static int plain_stop(const Plain *t) { return t->full || t->out->over; }

/* Blocks are separated by a space; spans join ("**a**b" is "ab"). */
static int plain_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    Plain *t = userdata;
    if (t->count) t->space = true;
    return plain_stop(t);
}

static int plain_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    return plain_stop(userdata);
}

static int plain_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
    Plain *t = userdata;
    uint32_t cp;
    n = src_clip(t->src, s, n);
    switch (type) {
    case MD_TEXT_NULLCHAR: plain_cp(t, REPLACEMENT); break;
    case MD_TEXT_BR: case MD_TEXT_SOFTBR: plain_cp(t, ' '); break;
    case MD_TEXT_ENTITY:
        if (entity_cp(s, n, &cp)) plain_cp(t, cp);
        else plain_bytes(t, s, n);
        break;
    default: plain_bytes(t, s, n); break;
    }
    return plain_stop(t);
}

void markdown_to_text(Buf *out, const char *src, size_t len, size_t max_chars)
{
    if (len > UINT_MAX) len = UINT_MAX;     /* md4c sizes are unsigned; a cut byte becomes U+FFFD */
    Src copy = src_copy(src, len);
    Plain t = {.out = out, .src = &copy, .max = max_chars};
    MD_PARSER parser = {
        .flags = DIALECT,
        .enter_block = plain_block,
        .leave_block = plain_block,
        .enter_span = plain_span,
        .leave_span = plain_span,
        .text = plain_text,
    };
    md_parse(copy.text, (MD_SIZE)len, &parser, &t);     /* stopped early when full */
    free(copy.text);
}
