/* req.c — building a Req and writing its response. */
#include "http/dispatch.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_QUERY_PARAMS 100
#define MAX_FORM_PARAMS 500
#define MAX_PARTS 50
#define MAX_COOKIES 200

static void close_fd(void *p)
{
    Req *r = p;
    if (r->file_fd >= 0) close(r->file_fd);
}

/* "<pid hex>-<counter hex>": unique per process run, cheap to make. */
static void req_make_id(Req *r, uint64_t n)
{
    static char prefix[12];
    static size_t plen;
    if (!plen) plen = (size_t)snprintf(prefix, sizeof prefix, "%x-", (unsigned)getpid());
    char digits[17];
    size_t k = 0;
    do digits[k++] = "0123456789abcdef"[n & 15]; while ((n >>= 4) && k < 16);
    memcpy(r->req_id, prefix, plen);
    for (size_t i = 0; i < k; i++) r->req_id[plen + i] = digits[k - 1 - i];
    r->req_id[plen + k] = 0;
}

/* Ids are unique per process; each thread takes them from the shared
 * counter 1,024 at a time, so the HTTP threads do not write to one cache
 * line on every request. */
static uint64_t next_id(App *app)
{
    enum { BLOCK = 1024 };
    static _Thread_local uint64_t next, end;
    static _Thread_local const App *of;
    if (next == end || of != app) {
        next = (uint64_t)atomic_fetch_add_explicit(&app->req_counter, BLOCK, memory_order_relaxed) + 1;
        end = next + BLOCK;
        of = app;
    }
    return next++;
}

Req *req_new(App *app)
{
    Arena *a = arena_new();
    Req *r = arena_alloc(a, sizeof *r);
    r->arena = a;
    r->app = app;
    r->started = time_mono_us();
    r->status = 200;
    r->file_fd = -1;
    r->lang = "en";
    r->content_type = "text/html; charset=utf-8";
    buf_init(&r->out, 0);
    req_make_id(r, app ? next_id(app) : 0);
    arena_on_free(a, close_fd, r);
    return r;
}

void req_free(Req *r)
{
    if (!r) return;
    for (const Part *p = r->parts; p; p = p->next)
        if (p->path) unlink(p->path);      /* not moved into the store */
    buf_free(&r->out);
    arena_free(r->arena);
}

static const struct { const char *name; Method m; } methods[] = {
    {"GET", M_GET}, {"HEAD", M_HEAD}, {"POST", M_POST}, {"PUT", M_PUT},
    {"PATCH", M_PATCH}, {"DELETE", M_DELETE}, {"OPTIONS", M_OPTIONS},
};

void req_set_target(Req *r, const char *method, const char *target)
{
    r->method_name = arena_strdup(r->arena, method ? method : "");
    for (size_t i = 0; i < LN_ARRAY_LEN(methods); i++)
        if (str_eq(method, methods[i].name)) {
            r->method = methods[i].m;
            break;
        }
    const char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    char *path;
    size_t n;
    if (url_decode(r->arena, target, plen, false, &path, &n) != LN_OK || !utf8_valid(path, n)
        || path[0] != '/')
        path = NULL;        /* dispatch answers 400 */
    r->path = path;
    if (q) {
        r->raw_query = arena_strdup(r->arena, q + 1);
        if (parse_query(r->arena, q + 1, strlen(q + 1), &r->query, MAX_QUERY_PARAMS) != LN_OK)
            r->path = NULL;
    }
    r->is_api = r->path && (str_startswith(r->path, "/api/") || str_startswith(r->path, "/xapi/"));
    const char *cookie = req_header(r, "cookie");
    if (cookie) parse_cookies(r->arena, cookie, strlen(cookie), &r->cookies, MAX_COOKIES);
}

/* Parse a urlencoded or multipart body into r->form / r->parts.  Returns
 * false (and answers 400) when it is malformed. */
static bool parse_form(Req *r)
{
    const char *ct = req_header(r, "content-type");
    char *mt = ct ? header_media_type(r->arena, ct) : NULL;
    if (str_eq(mt, "application/x-www-form-urlencoded"))
        return parse_query(r->arena, r->body, r->body_len, &r->form, MAX_FORM_PARAMS) == LN_OK;
    if (str_eq(mt, "multipart/form-data")) {
        char *boundary = header_param(r->arena, ct, "boundary");
        return boundary && parse_multipart(r->arena, boundary, r->body, r->body_len, &r->form,
                                           &r->parts, MAX_PARTS) == LN_OK;
    }
    return true;
}

void req_set_body(Req *r, const Buf *body)
{
    if (body->over) r->body_too_large = true;
    r->body = arena_strndup(r->arena, body->data ? body->data : "", body->len);
    r->body_len = body->len;
    if (!r->body_too_large && r->body_len && !parse_form(r)) r->form.count = -1;
}

/* ---- accessors ---- */

/* Header names as the client sent them (libmicrohttpd's own copies): compared without case. */
const char *req_header(const Req *r, const char *lname)
{
    for (const Param *p = r->headers.head; p; p = p->next)
        if (str_ieq(p->name, lname)) return p->value;
    return NULL;
}
/* Query values must be UTF-8 text; others read as absent. */
const char *req_query(const Req *r, const char *name)
{
    for (const Param *p = r->query.head; p; p = p->next)
        if (str_eq(p->name, name)) return p->utf8_ok ? p->value : NULL;
    return NULL;
}
const char *req_cookie(const Req *r, const char *name) { return params_get(&r->cookies, name); }
const char *req_path_param(const Req *r, const char *name) { return params_get(&r->path_params, name); }

/* Form values must be UTF-8 text; others read as absent. */
const char *req_form(const Req *r, const char *name)
{
    for (const Param *p = r->form.head; p; p = p->next)
        if (str_eq(p->name, name)) return p->utf8_ok ? p->value : NULL;
    return NULL;
}

const char *req_part_read(const Req *r, const Part *p, size_t *len)
{
    if (!p->path) {
        *len = p->len;
        return p->data;
    }
    *len = 0;
    FILE *f = fopen(p->path, "rb");
    if (!f || p->len > REQ_PART_READ_MAX) {
        if (f) fclose(f);
        return "";
    }
    char *data = arena_alloc(r->arena, p->len + 1);
    size_t n = fread(data, 1, p->len, f);
    fclose(f);
    data[n] = 0;
    *len = n;
    return data;
}

const Part *req_part(const Req *r, const char *name)
{
    for (const Part *p = r->parts; p; p = p->next)
        if (str_eq(p->name, name) && p->filename && p->len) return p;
    return NULL;
}

const char *req_file_or_field(const Req *r, const char *file_field, const char *text_field, size_t *len)
{
    for (const Part *p = r->parts; p; p = p->next)
        if (str_eq(p->name, file_field) && p->filename && p->len) {
            *len = p->len;
            return p->path ? req_part_read(r, p, len) : p->data;
        }
    for (const Param *f = r->form.head; f; f = f->next)
        if (str_eq(f->name, text_field)) {
            *len = f->value_len;
            return f->value;
        }
    *len = 0;
    return "";
}

bool req_path_id_or_404(Req *r, const char *name, int64_t *out)
{
    const char *s = req_path_param(r, name);
    if (s && str_to_i64(s, out) && *out > 0) return true;
    web_not_found(r);
    return false;
}

static void json_free_cb(void *p) { json_decref(p); }

void req_json_keep(Req *r, json_t *j)
{
    if (j) arena_on_free(r->arena, json_free_cb, j);
}

json_t *req_json_or_400(Req *r)
{
    json_error_t e = {0};
    json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e) : NULL;
    if (!j || !json_is_object(j)) {
        char *m = j ? "the body must be a JSON object"
                    : arena_printf(r->arena, "the body is not valid JSON: %s (line %d, column %d)",
                                   r->body_len ? e.text : "empty body", e.line, e.column);
        json_decref(j);
        api_error(r, 400, "bad_json", m);
        return NULL;
    }
    req_json_keep(r, j);
    return j;
}

/* ---- response ---- */

/* name and value must outlive the request (literals, or r's own fields) */
void req_set_header_static(Req *r, const char *name, const char *value)
{
    RespHeader *h = arena_alloc(r->arena, sizeof *h);
    h->name = name;
    h->value = value;
    h->next = r->resp_headers;
    r->resp_headers = h;
}

void req_set_header(Req *r, const char *name, const char *value)
{
    req_set_header_static(r, name, arena_strdup(r->arena, value));
}

void req_set_cookie(Req *r, const char *name, const char *value, int64_t max_age_s)
{
    char *c = arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
                           name, value, (long long)max_age_s,
                           r->app && r->app->cfg.secure_cookies ? "; Secure" : "");
    req_set_header(r, "Set-Cookie", c);
}

void req_redirect(Req *r, const char *location)
{
    r->status = 303;
    buf_reset(&r->out);
    req_set_header(r, "Location", location);
}

void req_text(Req *r, int status, const char *text)
{
    r->status = status;
    r->content_type = "text/plain; charset=utf-8";
    buf_reset(&r->out);
    buf_puts(&r->out, text);
}

void req_defer_write(Req *r, WriteJob *job, WriteCont cont)
{
    r->pending_job = job;
    r->pending_cont = cont;
}

/* Parse "METHOD TARGET HTTP/1.1\r\nHeader: v\r\n\r\nbody" into r. */
bool req_parse_raw(Req *r, char *raw, size_t len)
{
    char *end = raw + len, *line = raw;
    char *eol = memchr(line, '\n', (size_t)(end - line));
    if (!eol) return false;
    *eol = 0;
    if (eol > line && eol[-1] == '\r') eol[-1] = 0;
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2) return false;
    *sp1 = 0;
    *sp2 = 0;
    char *method = line, *target = sp1 + 1;
    for (line = eol + 1; line < end; line = eol + 1) {
        eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        *eol = 0;
        if (eol > line && eol[-1] == '\r') eol[-1] = 0;
        if (!*line) break;
        char *colon = strchr(line, ':');
        if (!colon) return false;
        *colon = 0;
        char *v = colon + 1;
        while (*v == ' ') v++;
        str_ascii_lower(line);
        params_add(r->arena, &r->headers, arena_strdup(r->arena, line), v, strlen(v));
    }
    req_set_target(r, method, target);
    Buf body = {0};
    if (eol < end) {
        body.data = eol + 1;
        body.len = (size_t)(end - eol - 1);
    }
    req_set_body(r, &body);
    return true;
}

