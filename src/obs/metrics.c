/* metrics.c — lock-free counters; rendering walks the route table. */
#include "obs/metrics.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const double bucket_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                  0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS (sizeof bucket_s / sizeof bucket_s[0])

/* One set of counters per thread (a thread takes shard n % SHARDS the first
 * time it counts): two HTTP threads adding to one shared counter moved its
 * cache line between the cores on every request. */
#define SHARDS 16

typedef struct Shard {
    _Alignas(64) atomic_llong unrouted[ROUTE_STATUS_SLOTS];
    atomic_llong bucket[NBUCKETS + 1];      /* last = +Inf */
    atomic_llong count, sum_us;
    atomic_int in_flight;
    atomic_llong *by_route;                 /* route_count × ROUTE_STATUS_SLOTS */
} Shard;

struct Metrics {
    Shard shard[SHARDS];
};

static Shard *mine(Metrics *m)
{
    static atomic_int next;
    static _Thread_local int n = -1;
    if (n < 0) n = atomic_fetch_add_explicit(&next, 1, memory_order_relaxed) % SHARDS;
    return &m->shard[n];
}

Metrics *metrics_new(void)
{
    void *mem = NULL;
    if (posix_memalign(&mem, 64, sizeof(Metrics)) != 0) {      /* shards on their own cache lines */
        log_error("out of memory (%zu bytes)", sizeof(Metrics));
        abort();
    }
    Metrics *m = mem;
    memset(m, 0, sizeof *m);
    for (int i = 0; i < SHARDS; i++)
        m->shard[i].by_route = xcalloc((size_t)route_count * ROUTE_STATUS_SLOTS, sizeof(atomic_llong));
    return m;
}

void metrics_free(Metrics *m)
{
    if (!m) return;
    for (int i = 0; i < SHARDS; i++) free(m->shard[i].by_route);
    free(m);
}

void metrics_record(Metrics *m, const Route *route, int status, int64_t dur_us)
{
    Shard *s = mine(m);
    int slot = route_status_slot(status);
    if (route) atomic_fetch_add_explicit(&s->by_route[(route - routes) * ROUTE_STATUS_SLOTS + slot], 1, memory_order_relaxed);
    else atomic_fetch_add_explicit(&s->unrouted[slot], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NBUCKETS && (double)dur_us / 1e6 > bucket_s[b]) b++;
    atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, dur_us, memory_order_relaxed);
}

void metrics_in_flight(Metrics *m, int delta)
{
    atomic_fetch_add_explicit(&mine(m)->in_flight, delta, memory_order_relaxed);
}

int metrics_in_flight_now(Metrics *m)
{
    int n = 0;      /* a request may end on another thread than it began: only the sum means something */
    for (int i = 0; i < SHARDS; i++) n += atomic_load_explicit(&m->shard[i].in_flight, memory_order_relaxed);
    return n;
}

/* The sum over the shards of the counter at `p` in shard 0. */
static long long sum(Metrics *m, atomic_llong *p)
{
    ptrdiff_t off = (char *)p - (char *)&m->shard[0];
    long long t = 0;
    for (int i = 0; i < SHARDS; i++) t += atomic_load((atomic_llong *)((char *)&m->shard[i] + off));
    return t;
}

static long long sum_route(Metrics *m, int route, int slot)
{
    long long t = 0;
    for (int i = 0; i < SHARDS; i++) t += atomic_load(&m->shard[i].by_route[route * ROUTE_STATUS_SLOTS + slot]);
    return t;
}

static void render_requests(App *app, Buf *out)
{
    buf_puts(out, "# HELP lectern_http_requests_total Requests answered, by route and status.\n"
                  "# TYPE lectern_http_requests_total counter\n");
    for (int i = 0; i < route_count; i++)
        for (int s = 0; s < ROUTE_STATUS_SLOTS; s++) {
            long long n = sum_route(app->metrics, i, s);
            if (n) buf_printf(out, "lectern_http_requests_total{route=\"%s\",status=\"%d\"} %lld\n",
                              routes[i].pattern, route_slot_status(s), n);
        }
    for (int s = 0; s < ROUTE_STATUS_SLOTS; s++) {
        long long n = sum(app->metrics, &app->metrics->shard[0].unrouted[s]);
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
        cum += sum(m, &m->shard[0].bucket[b]);
        buf_printf(out, "lectern_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n", bucket_s[b], cum);
    }
    cum += sum(m, &m->shard[0].bucket[NBUCKETS]);
    buf_printf(out, "lectern_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
    buf_printf(out, "lectern_http_request_duration_seconds_sum %.6f\n",
               (double)sum(m, &m->shard[0].sum_us) / 1e6);
    buf_printf(out, "lectern_http_request_duration_seconds_count %lld\n", sum(m, &m->shard[0].count));
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
               metrics_in_flight_now(app->metrics));
}
