/* html.c — the escaping printf and error answers. */
#include "web/html.h"
#include "web/markdown.h"
#include "web/api.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void escape_into(Buf *b, const char *s)
{
    if (!s) return;
    for (;;) {
        size_t run = strcspn(s, "&<>\"'");     /* copy plain text in one go */
        buf_append(b, s, run);
        s += run;
        if (!*s) return;
        switch (*s++) {
        case '&': buf_append(b, "&amp;", 5); break;
        case '<': buf_append(b, "&lt;", 4); break;
        case '>': buf_append(b, "&gt;", 4); break;
        case '"': buf_append(b, "&quot;", 6); break;
        default: buf_append(b, "&#39;", 5); break;
        }
    }
}

void html_text(Req *r, const char *s) { escape_into(&r->out, s); }
void html_raw_(Req *r, const char *literal) { buf_puts(&r->out, literal); }
void html_safe(Req *r, SafeHtml h) { if (h.html) buf_puts(&r->out, h.html); }

/* Plain %d, %ld, %lld, %u, %zu without width or flags: by hand (snprintf
 * cost more than the rest of a page's numbers put together). */
static void put_u64(Buf *b, unsigned long long v, bool neg)
{
    char d[24];
    int n = 0;
    do d[n++] = (char)('0' + v % 10); while ((v /= 10));
    if (neg) d[n++] = '-';
    char out[24];
    for (int i = 0; i < n; i++) out[i] = d[n - 1 - i];
    buf_append(b, out, (size_t)n);
}

/* A printf where %s escapes.  Other conversions (d, i, u, ld, lld, zu, x,
 * %%) are numbers and pass through vsnprintf one at a time. */
void html_printf_(Req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            buf_puts(&r->out, p);
            break;
        }
        buf_append(&r->out, p, (size_t)(pct - p));
        const char *c = pct + 1;
        char spec[16];
        size_t n = 0;
        spec[n++] = '%';
        while (*c && strchr("0123456789-.lz", *c) && n < sizeof spec - 2) spec[n++] = *c++;
        LN_ASSERT(*c);
        spec[n++] = *c;
        spec[n] = 0;
        char num[64];
        switch (*c) {
        case 's': escape_into(&r->out, va_arg(ap, const char *)); break;
        case '%': buf_putc(&r->out, '%'); break;
        case 'd': case 'i': case 'u': case 'x':
            if (str_eq(spec, "%d") || str_eq(spec, "%i")) {
                int v = va_arg(ap, int);
                put_u64(&r->out, v < 0 ? 0ULL - (unsigned long long)(long long)v : (unsigned long long)v, v < 0);
            } else if (str_eq(spec, "%lld") || str_eq(spec, "%ld")) {
                long long v = spec[2] == 'l' ? va_arg(ap, long long) : va_arg(ap, long);
                put_u64(&r->out, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
            } else if (str_eq(spec, "%zu") || str_eq(spec, "%u")) {
                put_u64(&r->out, spec[1] == 'z' ? va_arg(ap, size_t) : va_arg(ap, unsigned), false);
            } else {
                if (strstr(spec, "ll")) snprintf(num, sizeof num, spec, va_arg(ap, long long));
                else if (strchr(spec, 'l') || strchr(spec, 'z')) snprintf(num, sizeof num, spec, va_arg(ap, long));
                else snprintf(num, sizeof num, spec, va_arg(ap, int));
                buf_puts(&r->out, num);
            }
            break;
        default: LN_ASSERT(!"unsupported conversion in hprintf");
        }
        p = c + 1;
    }
    va_end(ap);
}

void html_date(Req *r, UsTime t)
{
    static const char *const en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char *const fr[] = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                                     "nov.", "déc."};
    time_t s = (time_t)(t / US_PER_SEC);
    struct tm tm;
    gmtime_r(&s, &tm);
    hprintf(r, "<time datetime=\"%s\">%d %s %d</time>", time_iso(r->arena, t), tm.tm_mday,
            str_eq(r->lang, "fr") ? fr[tm.tm_mon] : en[tm.tm_mon], tm.tm_year + 1900);
}

const char *text_moment(Req *r, UsTime t)
{
    return t ? time_text(r->arena, t) : "—";
}

void html_moment(Req *r, UsTime t)
{
    hprintf(r, "<time datetime=\"%s\">%s</time>", time_iso(r->arena, t), text_moment(r, t));
}

const char *text_percent(Req *r, int64_t th)
{
    if (th < 0) return "—";
    bool fr = str_eq(r->lang, "fr");
    if (th % 10)
        return arena_printf(r->arena, fr ? "%lld,%lld\xe2\x80\xaf%%" : "%lld.%lld%%", (long long)(th / 10),
                            (long long)(th % 10));
    return arena_printf(r->arena, fr ? "%lld\xe2\x80\xaf%%" : "%lld%%", (long long)(th / 10));
}

const char *datetime_value(Req *r, UsTime t)
{
    if (!t) return "";
    char *iso = time_iso(r->arena, t);
    iso[16] = 0;
    return iso;
}

/* ---- errors ---- */

void web_error(Req *r, int status, const char *code, const char *message)
{
    buf_reset(&r->out);
    r->resp_headers = NULL;
    r->file_fd = -1;
    r->static_data = NULL;
    if (r->is_api) {
        api_error(r, status, code, message);
        return;
    }
    r->status = status;
    char title[16];
    snprintf(title, sizeof title, "%d", status);
    page_begin(r, T(r, "Something went wrong"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1><p class=\"lead\">%s</p>"
               "<p><a class=\"button\" href=\"/\">%s</a></p></section>\n",
            title, message, T(r, "Back to the home page"));
    page_end(r);
    r->status = status;
}

void web_not_found(Req *r)
{
    web_error(r, 404, "not_found", T(r, "This page does not exist, or you cannot see it."));
}

void web_forbidden(Req *r)
{
    web_error(r, 403, "forbidden", T(r, "You do not have access to this page."));
}

SafeHtml html_markdown(Arena *a, const char *md)
{
    Buf b;
    buf_init(&b, 4u << 20);
    if (markdown_render(&b, md ? md : "", md ? strlen(md) : 0) != LN_OK) buf_free(&b);
    SafeHtml h = {arena_strndup(a, b.data ? b.data : "", b.len)};
    buf_free(&b);
    return h;
}
