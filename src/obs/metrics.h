/* metrics.h — counters for GET /metrics (Prometheus text format). */
#ifndef LECTERN_METRICS_H
#define LECTERN_METRICS_H

#include "http/app.h"
#include "http/route.h"

Metrics *metrics_new(void);
void metrics_free(Metrics *m);
/* Count one answered request; `route` NULL for unrouted (404/400).
 * Counters are kept per thread (summed when rendered): the HTTP threads
 * never write to the same cache line. */
void metrics_record(Metrics *m, const Route *route, int status, int64_t dur_us);
/* Requests being handled (+1 when one starts, -1 when it ends), and their
 * number now (the drain on SIGTERM waits for 0). */
void metrics_in_flight(Metrics *m, int delta);
int metrics_in_flight_now(Metrics *m);
/* Write the exposition text: requests by route and status, latency
 * histogram, DB pool, writer queue, in-flight requests. */
void metrics_render(App *app, Buf *out);

#endif
