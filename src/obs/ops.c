/* ops.c — GET /healthz, /readyz, /metrics. */
#include "obs/ops.h"
#include "http/app.h"
#include "obs/metrics.h"

/* ROUTE: GET /healthz — the process answers. */
void ops_healthz(Req *r)
{
    static const char ok[] = "ok\n";
    r->content_type = "text/plain; charset=utf-8";
    r->static_data = (const unsigned char *)ok;
    r->static_len = sizeof ok - 1;
    r->fixed = true;            /* load balancers ask every few seconds */
}

/* ROUTE: GET /readyz — the database answers too. */
void ops_readyz(Req *r)
{
    if (db_ping(r->db)) req_text(r, 200, "ready\n");
    else req_text(r, 503, "database unreachable\n");
}

/* ROUTE: GET /metrics — Prometheus text format. */
void ops_metrics(Req *r)
{
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_render(r->app, &r->out);
}
