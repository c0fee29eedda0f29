/* event.h — learning events (actor, verb, object), the raw facts from which
 * progress, time-on-task and evidence are derived.  High rate: inserted
 * through the batching writer. */
#ifndef LECTERN_EVENT_H
#define LECTERN_EVENT_H

#include "http/req.h"

#define EVENT_VERB_MAX 200
#define EVENT_OBJECT_MAX 2000
#define EVENT_PAYLOAD_MAX 16384

/* Check the fields; NULL when fine, else the field name and *msg. */
const char *event_check(const char *verb, const char *object, size_t payload_len, const char **msg);
/* A writer job inserting one event (RETURNING id). */
WriteJob *event_job(int64_t org_id, int64_t user_id, const char *verb, const char *object,
                    const char *payload, UsTime at);

/* ROUTE: POST /api/v1/orgs/{org}/events */
void api_events_post(Req *r);

#endif
