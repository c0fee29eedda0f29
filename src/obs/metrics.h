/* metrics.h — counters for GET /metrics (Prometheus text format). */
#ifndef LECTERN_METRICS_H
#define LECTERN_METRICS_H

#include "http/app.h"
#include "http/route.h"

Metrics *metrics_new(void);
void metrics_free(Metrics *m);
/* Count one answered request; `route` NULL for unrouted (404/400). */
void metrics_record(Metrics *m, const Route *route, int status, int64_t dur_us);
/* Write the exposition text: requests by route and status, latency
 * histogram, DB pool, writer queue, in-flight requests. */
void metrics_render(App *app, Buf *out);

#endif
