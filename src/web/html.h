/* html.h — HTML written with escaping by construction.
 *
 *   hprintf(r, "<a href=\"/o/%s\">%s</a>", slug, name);
 *
 * In hprintf every %s is HTML-escaped (quotes included, so it is safe in
 * attribute values too).  The format must be a string literal: the macro
 * pastes "" onto it, so passing a variable does not compile.  Raw markup can
 * only come from a literal (html_lit) or from a SafeHtml value, which only a
 * sanitiser or this module produces.
 */
#ifndef LECTERN_HTML_H
#define LECTERN_HTML_H

#include "http/req.h"

/* Markup known to be safe: produced by a sanitiser or by html_capture. */
typedef struct SafeHtml { const char *html; } SafeHtml;

void html_printf_(Req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_raw_(Req *r, const char *literal);
#define hprintf(r, fmt, ...) html_printf_((r), "" fmt "", ##__VA_ARGS__)
#define html_lit(r, s) html_raw_((r), "" s "")
void html_safe(Req *r, SafeHtml h);
/* Markdown from a person, rendered by the sanitising renderer (markdown.c). */
SafeHtml html_markdown(Arena *a, const char *md);
/* Escaped text. */
void html_text(Req *r, const char *s);

/* <time datetime="2026-11-28T18:06:31Z">28 Nov 2026</time>, month names in
 * the request's language. */
void html_date(Req *r, UsTime t);
/* <time datetime="...">2026-11-28 18:06 UTC</time>: a moment to the minute. */
void html_moment(Req *r, UsTime t);
/* The same moment as text, "2026-11-28 14:05 UTC" (in the arena); "—" for 0. */
const char *text_moment(Req *r, UsTime t);
/* Thousandths as a percentage in the request's language ("87.5%",
 * "87,5 %"); "—" when negative (no grade).  Text: print it through %s. */
const char *text_percent(Req *r, int64_t thousandths);
/* "2026-12-01T09:00" (UTC) for a datetime-local field; "" when t is 0. */
const char *datetime_value(Req *r, UsTime t);


/* ---- page layout ---- */
void page_begin(Req *r, const char *title);
/* The same with a meta description and a canonical link (base URL + path),
 * for pages search engines should index. */
void page_begin_meta(Req *r, const char *title, const char *description, const char *canonical_path);
void page_end(Req *r);
/* A flash message shown at the top of the next page (cookie). */
void page_flash(Req *r, const char *message);

/* ---- forms ---- */
void form_begin(Req *r, const char *action);    /* <form method=post> + CSRF */
/* The same for forms that send files (multipart/form-data). */
void form_begin_upload(Req *r, const char *action);
void form_end(Req *r);
/* A labelled input with an inline error when `error` is not NULL. */
void form_input_(Req *r, const char *type, const char *name, const char *label,
                 const char *value, const char *error, const char *extra_attr_literal);
/* `extra` is raw attributes ("required autocomplete=\"email\""): literals only. */
#define form_input(r, type, name, label, value, error, extra) \
    form_input_((r), (type), (name), (label), (value), (error), "" extra "")
void form_submit(Req *r, const char *label);
/* The same with the button's look: "secondary small", "danger small"... */
void form_submit_as(Req *r, const char *label, const char *look);

/* ---- errors, for pages and the API alike ---- */
/* Answers with `status`: an HTML page, or {"error":{"code","message"}} when
 * the request is an API call. */
void web_error(Req *r, int status, const char *code, const char *message);
void web_not_found(Req *r);
void web_forbidden(Req *r);

#endif
