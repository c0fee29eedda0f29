/* layout.c — the one page layout, forms and flash messages. */
#include "http/access.h"
#include "http/route.h"
#include "http/app.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/static.h"
#include "mail/mail.h"
#include "forum/forum.h"

#include <string.h>

#define FLASH_COOKIE "lectern_flash"

/* Where the language switch returns: this page when it can be fetched
 * again with GET, else the home page. */
static const char *lang_next(Req *r)
{
    if (!r->path) return "/";
    if (r->method != M_GET) {
        unsigned allowed;
        Params ignored = {0};
        if (!route_find(r->arena, M_GET, r->path, &ignored, &allowed)) return "/";
        return r->path;
    }
    return r->raw_query ? arena_printf(r->arena, "%s?%s", r->path, r->raw_query) : r->path;
}

static void nav_link(Req *r, const char *href, const char *label)
{
    if (str_eq(r->path, href)) hprintf(r, "<a href=\"%s\" aria-current=\"page\">%s</a>", href, label);
    else hprintf(r, "<a href=\"%s\">%s</a>", href, label);
}

static void render_nav(Req *r)
{
    html_lit(r, "<nav class=\"nav\" aria-label=\"Main\">");
    nav_link(r, "/courses", T(r, "Catalog"));
    if (r->user) {
        nav_link(r, "/", T(r, "Home"));
        if (r->user->is_platform_admin) nav_link(r, "/admin/orgs", T(r, "Organisations"));
        /* unread forum notifications, only when there are some (one indexed count) */
        int64_t unread = r->db ? forum_unread_count(r->db, r->user->id) : 0;
        if (unread)
            nav_link(r, "/notifications", arena_printf(r->arena, "%s (%lld)", T(r, "Notifications"), (long long)unread));
        nav_link(r, "/account", T(r, "Account"));
        form_begin(r, "/signout");
        hprintf(r, "<button type=\"submit\" class=\"linklike\">%s</button>", T(r, "Sign out"));
        form_end(r);
    } else {
        nav_link(r, "/signin", T(r, "Sign in"));
    }
    /* Language switch: a tiny form that works without script. */
    form_begin(r, "/lang");
    const char *other = str_eq(r->lang, "fr") ? "en" : "fr";
    hprintf(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">"
               "<button type=\"submit\" class=\"linklike\" name=\"lang\" value=\"%s\" lang=\"%s\">%s</button>",
            lang_next(r), other, other, str_eq(other, "fr") ? "Français" : "English");
    form_end(r);
    html_lit(r, "</nav>");
}

static void render_flash(Req *r)
{
    const char *f = req_cookie(r, FLASH_COOKIE);
    if (str_empty(f)) return;
    char *msg;
    size_t n;
    if (url_decode(r->arena, f, strlen(f), false, &msg, &n) == LN_OK && utf8_valid(msg, n))
        hprintf(r, "<div class=\"flash\" role=\"status\">%s</div>\n", msg);
    req_set_header(r, "Set-Cookie", FLASH_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

void page_flash(Req *r, const char *message)
{
    req_set_cookie(r, FLASH_COOKIE, url_encode(r->arena, message), 60);
}

void page_begin(Req *r, const char *title) { page_begin_meta(r, title, NULL, NULL); }

void page_begin_meta(Req *r, const char *title, const char *description, const char *canonical_path)
{
    r->content_type = "text/html; charset=utf-8";
    hprintf(r, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>%s · Lectern</title>\n", r->lang, title);
    if (description && *description) hprintf(r, "<meta name=\"description\" content=\"%s\">\n", description);
    if (canonical_path)
        hprintf(r, "<link rel=\"canonical\" href=\"%s%s\">\n<meta property=\"og:title\" content=\"%s\">\n",
                mail_base_url(r), canonical_path, title);
    hprintf(r, "<link rel=\"stylesheet\" href=\"%s\">\n"
               "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\">\n"
               "<script src=\"%s\" defer></script>\n</head>\n<body>\n",
            static_url("app.css"), static_url("favicon.svg"), static_url("app.js"));
    hprintf(r, "<a class=\"skip\" href=\"#main\">%s</a>\n", T(r, "Skip to content"));
    html_lit(r, "<header class=\"site-header\"><div class=\"bar\">"
                "<a class=\"brand\" href=\"/\"><svg aria-hidden=\"true\" width=\"24\" height=\"24\" "
                "viewBox=\"0 0 24 24\"><path d=\"M4 4h9a5 5 0 0 1 5 5v11H9a5 5 0 0 1-5-5z\" "
                "fill=\"currentColor\"/></svg><span>Lectern</span></a>");
    render_nav(r);
    html_lit(r, "</div></header>\n<main id=\"main\" class=\"container\">\n");
    render_flash(r);
}

void page_end(Req *r)
{
    hprintf(r, "</main>\n<footer class=\"site-footer\"><div class=\"bar\"><span>Lectern</span>"
               "<span class=\"muted\">%s</span></div></footer>\n</body>\n</html>\n",
            T(r, "Open-source learning, with the evidence built in."));
}

/* ---- forms ---- */

void form_begin(Req *r, const char *action)
{
    hprintf(r, "<form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"_csrf\" value=\"%s\">",
            action, access_csrf_token(r));
}

void form_begin_upload(Req *r, const char *action)
{
    hprintf(r, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"%s\">"
               "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", action, access_csrf_token(r));
}

void form_end(Req *r) { html_lit(r, "</form>\n"); }

void form_input_(Req *r, const char *type, const char *name, const char *label, const char *value,
                 const char *error, const char *extra)
{
    hprintf(r, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>", error ? " has-error" : "", name, label);
    hprintf(r, "<input type=\"%s\" id=\"f-%s\" name=\"%s\" value=\"%s\"", type, name, name,
            str_eq(type, "password") ? "" : (value ? value : ""));
    if (error) hprintf(r, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
    /* extra holds attributes from literals at every call site (required,
     * autocomplete=...); it is not user input. */
    if (extra && *extra) buf_printf(&r->out, " %s", extra);
    html_lit(r, ">");
    if (error) hprintf(r, "<p class=\"field-error\" id=\"e-%s\">%s</p>", name, error);
    html_lit(r, "</div>\n");
}

void form_submit(Req *r, const char *label)
{
    hprintf(r, "<button type=\"submit\" class=\"button\">%s</button>", label);
}

void form_submit_as(Req *r, const char *label, const char *look)
{
    hprintf(r, "<button type=\"submit\" class=\"button %s\">%s</button>", look, label);
}
