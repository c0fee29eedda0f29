/* metrics.c — lock-free counters; rendering walks the route table. */
#include "obs/metrics.h"

#include <stdlib.h>

static const double bucket_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                  0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS (sizeof bucket_s / sizeof bucket_s[0])

struct Metrics {
    atomic_llong unrouted[ROUTE_STATUS_SLOTS];
    atomic_llong bucket[NBUCKETS + 1];      /* last = +Inf */
    atomic_llong count, sum_us;
};

Metrics *metrics_new(void) { return xcalloc(1, sizeof(Metrics)); }
void metrics_free(Metrics *m) { free(m); }

void metrics_record(Metrics *m, const Route *route, int status, int64_t dur_us)
{
    int slot = route_status_slot(status);
    if (route) atomic_fetch_add_explicit(&((Route *)route)->count[slot], 1, memory_order_relaxed);
    else atomic_fetch_add_explicit(&m->unrouted[slot], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NBUCKETS && (double)dur_us / 1e6 > bucket_s[b]) b++;
    atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us, dur_us, memory_order_relaxed);
}

static void render_requests(App *app, Buf *out)
{
    buf_puts(out, "# HELP lectern_http_requests_total Requests answered, by route and status.\n"
                  "# TYPE lectern_http_requests_total counter\n");
    for (int i = 0; i < route_count; i++)
        for (int s = 0; s < ROUTE_STATUS_SLOTS; s++) {
            long long n = atomic_load(&routes[i].count[s]);
            if (n) buf_printf(out, "lectern_http_requests_total{route=\"%s\",status=\"%d\"} %lld\n",
                              routes[i].pattern, route_slot_status(s), n);
        }
    for (int s = 0; s < ROUTE_STATUS_SLOTS; s++) {
        long long n = atomic_load(&app->metrics->unrouted[s]);
        if (n) buf_printf(out, "lectern_http_requests_total{route=\"\",status=\"%d\"} %lld\n",
                          route_slot_status(s), n);
    }
}

static void render_latency(Metrics *m, Buf *out)
{
    buf_puts(out, "# HELP lectern_http_request_duration_seconds Time from request to response.\n"
                  "# TYPE lectern_http_request_duration_seconds histogram\n");
    long long cum = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        cum += atomic_load(&m->bucket[b]);
        buf_printf(out, "lectern_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n", bucket_s[b], cum);
    }
    cum += atomic_load(&m->bucket[NBUCKETS]);
    buf_printf(out, "lectern_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
    buf_printf(out, "lectern_http_request_duration_seconds_sum %.6f\n",
               (double)atomic_load(&m->sum_us) / 1e6);
    buf_printf(out, "lectern_http_request_duration_seconds_count %lld\n", (long long)atomic_load(&m->count));
}

void metrics_render(App *app, Buf *out)
{
    render_requests(app, out);
    render_latency(app->metrics, out);
    int size, in_use;
    int64_t waits;
    db_pool_stats(app->pool, &size, &in_use, &waits);
    buf_printf(out, "# TYPE lectern_db_pool_size gauge\nlectern_db_pool_size %d\n"
                    "# TYPE lectern_db_pool_in_use gauge\nlectern_db_pool_in_use %d\n"
                    "# TYPE lectern_db_pool_waits_total counter\nlectern_db_pool_waits_total %lld\n",
               size, in_use, (long long)waits);
    WriterStats ws;
    writer_stats(app->writer, &ws);
    buf_printf(out, "# TYPE lectern_writer_queue gauge\nlectern_writer_queue %d\n"
                    "# TYPE lectern_writer_jobs_total counter\nlectern_writer_jobs_total %lld\n"
                    "# TYPE lectern_writer_batches_total counter\nlectern_writer_batches_total %lld\n"
                    "# TYPE lectern_writer_failed_batches_total counter\nlectern_writer_failed_batches_total %lld\n",
               ws.queued, (long long)ws.jobs, (long long)ws.batches, (long long)ws.commits_failed);
    buf_printf(out, "# TYPE lectern_http_in_flight gauge\nlectern_http_in_flight %d\n",
               atomic_load(&app->in_flight));
}
