/* event.c — recording learning events through the batching writer. */
#include "event/event.h"
#include "web/api.h"

#include <stdlib.h>
#include <string.h>

const char *event_check(const char *verb, const char *object, size_t payload_len, const char **msg)
{
    if (str_empty(verb) || strlen(verb) > EVENT_VERB_MAX) {
        *msg = "\"verb\" is required: a word or an IRI of at most 200 bytes";
        return "verb";
    }
    if (str_empty(object) || strlen(object) > EVENT_OBJECT_MAX) {
        *msg = "\"object\" is required: an identifier of at most 2000 bytes";
        return "object";
    }
    if (payload_len > EVENT_PAYLOAD_MAX) {
        *msg = "\"payload\" is larger than 16 KiB";
        return "payload";
    }
    return NULL;
}

WriteJob *event_job(int64_t org_id, int64_t user_id, const char *verb, const char *object,
                    const char *payload, UsTime at)
{
    return writer_job_new("INSERT INTO event (org_id, user_id, verb, object, payload, at)"
                          " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                          "iittti", org_id, user_id, verb, object, payload, at);
}

static void event_stored(Req *r, int rc, int64_t id)
{
    if (rc != DB_DONE) {
        api_error(r, 500, "internal", "the event could not be stored; retry");
        return;
    }
    api_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ROUTE: POST /api/v1/orgs/{org}/events — {"verb", "object", "payload"?}.
 * ?dry_run=1 checks and answers without storing (the benchmark's ceiling).
 * The answer comes after the row is committed. */
void api_events_post(Req *r)
{
    json_t *body = req_json_or_400(r);
    if (!body) return;
    bool bad = false;
    const char *verb = api_str(r, body, "verb", &bad), *object = api_str(r, body, "object", &bad);
    if (bad) return;
    json_t *payload = json_object_get(body, "payload");
    if (payload && !json_is_object(payload)) {
        api_field_error(r, "payload", "\"payload\" must be an object");
        return;
    }
    char *ptext = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    const char *msg, *field = event_check(verb, object, ptext ? strlen(ptext) : 0, &msg);
    if (field) {
        free(ptext);
        api_field_error(r, field, msg);
        return;
    }
    if (str_eq(req_query(r, "dry_run"), "1")) {
        free(ptext);
        api_json(r, 200, json_pack("{s:b}", "valid", 1));
        return;
    }
    req_defer_write(r, event_job(r->org->id, r->user->id, verb, object, ptext ? ptext : "{}", time_now_us()),
                    event_stored);
    free(ptext);
}
