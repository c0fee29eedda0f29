/* lrs_api.c — the xAPI LRS resources (lrs.h; docs/external.md):
 * /xapi/about, and /xapi/statements (POST, PUT, GET).  The caller is an API
 * token of the organisation, sent as HTTP Basic password (what xAPI
 * clients do) or as a bearer token: administrators' and trainers' tokens
 * write and read, auditors' read.  Errors are the API's JSON errors. */
#include "xapi/pages.h"
#include "mail/mail.h"
#include "web/api.h"
#include "xapi/lrs.h"

#include <stdlib.h>
#include <string.h>

/* ROUTE: GET /xapi/about — public */
void xapi_about_get(Req *r)
{
    api_json(r, 200, json_pack("{s:[s], s:{}}", "version", XAPI_VERSION, "extensions"));
}

/* The credential's organisation, when it may use the LRS so; else the answer. */
static bool lrs_caller(Req *r, bool write, LrsSender *s)
{
    const char *v = req_header(r, "x-experience-api-version");
    if (!v || !str_startswith(v, "1.0")) {
        api_error(r, 400, "bad_request", "send the header X-Experience-API-Version: 1.0.3");
        return false;
    }
    if (!r->via_token) {
        api_error(r, 401, "unauthenticated",
                  "send an API token of the organisation: as the password of HTTP Basic, or as a bearer token");
        return false;
    }
    Role role = r->token_role;
    if (write ? role != ROLE_ADMIN && role != ROLE_TRAINER : role == ROLE_LEARNER) {
        api_error(r, 403, "forbidden", write ? "only an administrator's or a trainer's token may send statements"
                                             : "a learner's token may not read the statements");
        return false;
    }
    *s = (LrsSender){r->token_org_id, r->token_id, r->token_name ? r->token_name : "",
                     arena_printf(r->arena, "token-%lld", (long long)r->token_id), mail_base_url(r)};
    return true;
}

/* Store the statements of the body (one object, or an array when `many`);
 * false with the answer written when they are refused. */
static bool store(Req *r, const LrsSender *s, json_t *body, bool many, char (**ids)[XAPI_UUID_LEN + 1], int *n)
{
    if (!many && json_is_array(body)) {
        api_error(r, 400, "bad_request", "PUT takes one statement, not an array");
        return false;
    }
    *n = json_is_array(body) ? (int)json_array_size(body) : 1;
    if (*n > LRS_BATCH_MAX) {
        api_error(r, 413, "too_large", arena_printf(r->arena, "send at most %d statements in one request", LRS_BATCH_MAX));
        return false;
    }
    json_t **sts = arena_alloc(r->arena, sizeof *sts * (size_t)(*n ? *n : 1));
    for (int i = 0; i < *n; i++) sts[i] = json_is_array(body) ? json_array_get(body, (size_t)i) : body;
    *ids = arena_alloc(r->arena, sizeof **ids * (size_t)(*n ? *n : 1));
    int bad;
    const char *why;
    int rc = lrs_store(r->db, r->arena, s, sts, *n, time_now_us(), *ids, &bad, &why);
    if (rc == LN_OK) return true;
    const char *at = json_is_array(body) ? arena_printf(r->arena, "statement %d: ", bad) : "";
    if (rc == LN_EINVAL) api_error(r, 400, "bad_request", arena_printf(r->arena, "%s%s", at, why));
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", arena_printf(r->arena, "%s%s", at, why));
    else api_error(r, 500, "internal", "the statements could not be stored; retry");
    return false;
}

static json_t *body_json(Req *r)
{
    json_error_t e = {0};
    json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e) : NULL;
    if (!j || !(json_is_object(j) || json_is_array(j))) {
        json_decref(j);
        api_error(r, 400, "bad_json", "the body must be a statement (a JSON object) or an array of statements");
        return NULL;
    }
    req_json_keep(r, j);
    return j;
}

/* ROUTE: POST /xapi/statements — one statement or an array → 200 [ids] */
void xapi_statements_post(Req *r)
{
    LrsSender s;
    json_t *body;
    char(*ids)[XAPI_UUID_LEN + 1];
    int n;
    if (!lrs_caller(r, true, &s) || !(body = body_json(r)) || !store(r, &s, body, true, &ids, &n)) return;
    json_t *out = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(out, json_string(ids[i]));
    api_json(r, 200, out);
}

/* ROUTE: PUT /xapi/statements?statementId=UUID — one statement → 204 */
void xapi_statements_put(Req *r)
{
    LrsSender s;
    json_t *body;
    char(*ids)[XAPI_UUID_LEN + 1];
    int n;
    if (!lrs_caller(r, true, &s)) return;
    const char *sid = req_query(r, "statementId");
    if (!xapi_uuid_valid(sid)) {
        api_error(r, 400, "bad_request", "statementId must be the statement's UUID");
        return;
    }
    if (!(body = body_json(r))) return;
    json_t *given = json_is_object(body) ? json_object_get(body, "id") : NULL;
    if (given && (!json_is_string(given) || strcasecmp(json_string_value(given), sid))) {
        api_error(r, 400, "bad_request", "the statement's id differs from statementId");
        return;
    }
    if (json_is_object(body) && !given) json_object_set_new(body, "id", json_string(sid));
    if (!store(r, &s, body, false, &ids, &n)) return;
    r->status = 204;
    buf_reset(&r->out);
}

/* A query parameter's time, or 0 when absent; false (answered) when bad. */
static bool time_param(Req *r, const char *name, UsTime *out)
{
    const char *v = req_query(r, name);
    *out = 0;
    if (!v || xapi_parse_timestamp(v, out)) return true;
    api_error(r, 400, "bad_request", arena_printf(r->arena, "%s must be an ISO 8601 date-time with a zone", name));
    return false;
}

/* The query's parameters; false (answered) when one is bad. */
static bool query_of(Req *r, LrsQuery *q)
{
    memset(q, 0, sizeof *q);
    const char *agent = req_query(r, "agent"), *limit = req_query(r, "limit"), *asc = req_query(r, "ascending"),
               *cursor = req_query(r, "cursor");
    if (agent) {
        json_t *j = json_loads(agent, JSON_REJECT_DUPLICATES, NULL);
        const char *email, *why = "agent must be an Agent object in JSON";
        req_json_keep(r, j);
        if (!j || xapi_agent_check(r->arena, j, &q->actor, &email, &why) != LN_OK) {
            api_error(r, 400, "bad_request", arena_printf(r->arena, "agent: %s", why));
            return false;
        }
    }
    q->verb = req_query(r, "verb");
    q->activity = req_query(r, "activity");
    q->registration = req_query(r, "registration");
    int64_t lim = LRS_LIMIT_DEFAULT;
    if (limit && (!str_to_i64(limit, &lim) || lim < 0)) {
        api_error(r, 400, "bad_request", "limit must be a whole number");
        return false;
    }
    q->limit = lim == 0 || lim > LRS_LIMIT_MAX ? LRS_LIMIT_MAX : (int)lim;     /* 0: "as many as you give" */
    q->ascending = str_eq(asc, "true");
    if (cursor) {
        char *dot = strchr(cursor, '.');
        if (!dot || !str_to_i64(arena_strndup(r->arena, cursor, (size_t)(dot - cursor)), &q->after_stored)
            || !str_to_i64(dot + 1, &q->after_id)) {
            api_error(r, 400, "bad_request", "cursor is not one this LRS gave");
            return false;
        }
    }
    return time_param(r, "since", &q->since) && time_param(r, "until", &q->until);
}

/* The "more" link: the same query from the last statement on. */
static char *more_link(Req *r, UsTime stored, int64_t id)
{
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "/xapi/statements?");
    for (const Param *p = r->query.head; p; p = p->next)
        if (!str_eq(p->name, "cursor"))
            buf_printf(&b, "%s=%s&", url_encode(r->arena, p->name), url_encode(r->arena, p->value));
    buf_printf(&b, "cursor=%lld.%lld", (long long)stored, (long long)id);
    char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* ROUTE: GET /xapi/statements — by statementId / voidedStatementId, or a query */
void xapi_statements_get(Req *r)
{
    LrsSender s;
    if (!lrs_caller(r, false, &s)) return;
    const char *sid = req_query(r, "statementId"), *vid = req_query(r, "voidedStatementId");
    r->content_type = "application/json; charset=utf-8";
    if (sid || vid) {
        if ((sid && vid) || r->query.count > 1) {
            api_error(r, 400, "bad_request", "statementId and voidedStatementId take no other parameter");
            return;
        }
        char *body;
        int rc = lrs_get(r->db, r->arena, s.org_id, sid ? sid : vid, vid != NULL, &body);
        if (rc != LN_OK) {
            api_error(r, rc == LN_NOTFOUND ? 404 : 500, rc == LN_NOTFOUND ? "not_found" : "internal",
                      rc == LN_NOTFOUND ? "no such statement" : "the statement cannot be read now; retry");
            return;
        }
        r->status = 200;
        buf_puts(&r->out, body);
        return;
    }
    LrsQuery q;
    if (!query_of(r, &q)) return;
    bool more;
    UsTime next_stored = 0;
    int64_t next_id = 0;
    buf_puts(&r->out, "{\"statements\":");
    if (lrs_query(r->db, s.org_id, &q, &r->out, &more, &next_stored, &next_id) != LN_OK) {
        api_error(r, 500, "internal", "the statements cannot be read now; retry");
        return;
    }
    json_t *link = json_string(more ? more_link(r, next_stored, next_id) : "");
    char *lt = json_dumps(link, JSON_ENCODE_ANY);
    buf_printf(&r->out, ",\"more\":%s}\n", lt ? lt : "\"\"");
    free(lt);
    json_decref(link);
    r->status = 200;
    req_set_header(r, "X-Experience-API-Consistent-Through", time_iso(r->arena, time_now_us()));
}
