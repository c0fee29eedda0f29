/* dispatch.c — route, check access, run the handler; common headers;
 * metrics and the access log. */
#include "http/dispatch.h"
#include "http/access.h"
#include "obs/metrics.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

static bool refuse_early(Req *r)
{
    if (r->bad_framing) {
        web_error(r, 400, "bad_request", T(r, "The request's headers are ambiguous (Host or Content-Length)."));
        req_set_header(r, "Connection", "close");
    } else if (!r->path) {
        r->is_api = false;
        web_error(r, 400, "bad_request", T(r, "The address of this request is malformed."));
    } else if (!r->method) {
        web_error(r, 501, "not_implemented", T(r, "This method is not supported."));
    } else if (r->body_too_large) {
        web_error(r, 413, "too_large", T(r, "The request is too large."));
    } else if (r->form.count < 0) {
        web_error(r, 400, "bad_form", T(r, "The form data is malformed."));
    } else {
        return false;
    }
    return true;
}

static void allow_header(Req *r, unsigned allowed)
{
    static const struct { unsigned m; const char *name; } names[] = {
        {M_GET, "GET"}, {M_HEAD, "HEAD"}, {M_POST, "POST"}, {M_PUT, "PUT"},
        {M_PATCH, "PATCH"}, {M_DELETE, "DELETE"},
    };
    Buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < LN_ARRAY_LEN(names); i++)
        if (allowed & names[i].m) buf_printf(&b, "%s%s", b.len ? ", " : "", names[i].name);
    req_set_header(r, "Allow", buf_cstr(&b));
    buf_free(&b);
}

void dispatch(Req *r)
{
    if (r->app) access_pick_lang(r);    /* before the user is known */
    if (refuse_early(r)) return;
    unsigned allowed;
    const Route *route = route_find(r->arena, r->method, r->path, &r->path_params, &allowed);
    if (!route) {
        if (allowed) {
            web_error(r, 405, "method_not_allowed", T(r, "This method is not allowed here."));
            allow_header(r, allowed);
        } else {
            web_not_found(r);
        }
        return;
    }
    r->route = route;
    if (route->access & A_NODB) {       /* public, no identity: no connection needed */
        route->handler(r);
        return;
    }
    r->db = db_pool_get(r->app->pool);
    db_read_snapshot(r->db, true);
    if (access_check(r, route)) route->handler(r);
    db_read_snapshot(r->db, false);
    db_pool_put(r->app->pool, r->db);
    r->db = NULL;
}

void dispatch_continue(Req *r)
{
    WriteCont cont = r->pending_cont;
    r->pending_cont = NULL;
    r->db = db_pool_get(r->app->pool);
    db_read_snapshot(r->db, true);
    cont(r, r->pending_rc, r->pending_id);
    db_read_snapshot(r->db, false);
    db_pool_put(r->app->pool, r->db);
    r->db = NULL;
}

void dispatch_sync(Req *r)
{
    dispatch(r);
    if (r->pending_job) {
        WriteJob *job = r->pending_job;
        r->pending_job = NULL;
        r->pending_rc = writer_run_wait(r->app->writer, job, &r->pending_id);
        dispatch_continue(r);
    }
}

void req_finish(Req *r)
{
    /* the id names the request's access-log line; probes have none */
    if (!r->route || !(r->route->access & A_NOLOG)) req_set_header_static(r, "X-Request-Id", r->req_id);
    req_set_header_static(r, "X-Content-Type-Options", "nosniff");
    if (r->route && (r->route->access & A_XAPI)) {
        req_set_header_static(r, "X-Experience-API-Version", "1.0.3");
        if (r->status == 401) req_set_header_static(r, "WWW-Authenticate", "Basic realm=\"lectern-lrs\"");
    }
    if (str_startswith(r->content_type, "text/html")) {
        req_set_header_static(r, "Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                       "script-src 'self'; object-src 'none'; base-uri 'none'; "
                       "form-action 'self'; frame-ancestors 'none'");
        req_set_header_static(r, "X-Frame-Options", "DENY");
        req_set_header_static(r, "Referrer-Policy", "same-origin");
        if (!str_startswith(r->path, "/static/"))
            req_set_header_static(r, "Cache-Control", "no-store");
    }
    r->resp_bytes = r->file_fd >= 0 ? (size_t)r->file_len
                  : r->static_data ? r->static_len : r->out.len;
    if (r->app && r->app->metrics)
        metrics_record(r->app->metrics, r->route, r->status, time_mono_us() - r->started);
}

void req_log(Req *r)
{
    App *app = r->app;
    if (!app || !app->access_log || (r->route && (r->route->access & A_NOLOG))) return;
    char ts[32];
    time_http_date(time_now_us(), ts, sizeof ts);
    fprintf(app->access_log, "%s %s %s %s %s %d %zu %lldus user=%lld\n", ts, r->req_id,
            r->client_ip ? r->client_ip : "-", r->method_name ? r->method_name : "-",
            r->path ? r->path : "(bad)", r->status,
            r->resp_bytes,
            (long long)(time_mono_us() - r->started), (long long)(r->user ? r->user->id : 0));
}
