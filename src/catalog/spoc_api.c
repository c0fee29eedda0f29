/* spoc_api.c — /api/v1 for private sessions (SPOC): joining with a code,
 * the session's settings, requests to join and their decisions. */
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "mail/mail.h"
#include "web/api.h"

/* A session as its organisation's staff see it. */
static json_t *run_staff_json(Req *r, const RunRef *run)
{
    char *trainer = user_name_of(r->db, r->arena, run->trainer_id);
    bool spoc = str_eq(run->visibility, "spoc");
    return json_pack("{s:I,s:I,s:s,s:s,s:o,s:b,s:o,s:o,s:o,s:I}", "id", (json_int_t)run->id,
                     "course_id", (json_int_t)run->course_id, "title", run->title, "visibility", run->visibility,
                     "capacity", run->capacity > 0 ? json_integer(run->capacity) : json_null(),
                     "approval", run->approval,
                     "trainer", trainer ? json_pack("{s:I,s:s}", "id", (json_int_t)run->trainer_id, "name", trainer) : json_null(),
                     "join_code", spoc && run->join_code ? json_string(run->join_code) : json_null(),
                     "invite_url", spoc && run->join_code
                         ? json_string(arena_printf(r->arena, "%s/join/%s", mail_base_url(r), run->join_code)) : json_null(),
                     "pending_requests", (json_int_t)(spoc ? spoc_pending_count(r->db, run->id) : 0));
}

static json_t *request_json(Req *r, const JoinRequest *q)
{
    return json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:{s:I,s:s,s:s},s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)q->id,
                     "run_id", (json_int_t)q->run_id, "course_id", (json_int_t)q->course_id, "course", q->course_title,
                     "run", q->run_title, "org", q->org_name,
                     "user", "id", (json_int_t)q->user_id, "name", q->user_name, "email", q->user_email,
                     "status", q->status, "message", q->message,
                     "reply", q->decided_at ? json_string(q->reply) : json_null(),
                     "created_at", api_time(r->arena, q->created_at), "decided_at", api_time(r->arena, q->decided_at));
}

/* ROUTE: POST /api/v1/join — {"code", "message"?}: 201 enrolled, 202 waiting for approval */
void api_join_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *code = api_str(r, b, "code", &bad), *message = api_str(r, b, "message", &bad);
    if (bad) return;
    if (str_empty(code)) {
        api_field_error(r, "code", "\"code\" is required: the session's join code, such as K7QF-29XD");
        return;
    }
    RunRef run;
    /* A bearer token reaches only its organisation's sessions. */
    if (spoc_run_by_code(r->db, r->arena, code, &run) != LN_OK || (r->via_token && run.org_id != r->token_org_id)) {
        api_error(r, 404, "not_found", "no session has this code (check it: it may have been replaced by a new one)");
        return;
    }
    JoinResult res;
    const char *why;
    int rc = spoc_join(r, &run, message, &res, &why);
    JoinRequest q;
    if (rc == LN_OK && res == JOIN_ENROLLED) {
        api_json(r, 201, json_pack("{s:s,s:I,s:I}", "status", "active", "run_id", (json_int_t)run.id,
                                   "course_id", (json_int_t)run.course_id));
    } else if (rc == LN_OK && spoc_request_of(r->db, r->arena, run.id, r->user->id, &q) == LN_OK) {
        api_json(r, 202, json_pack("{s:s,s:I,s:I,s:I}", "status", "pending", "run_id", (json_int_t)run.id,
                                   "course_id", (json_int_t)run.course_id, "request_id", (json_int_t)q.id));
    } else if (rc == LN_NOTFOUND) {
        api_error(r, 404, "not_found", "no session has this code (check it: it may have been replaced by a new one)");
    } else if (rc == LN_EINVAL) {
        api_field_error(r, "message", "\"message\" is at most 2,000 characters of UTF-8 text");
    } else if (rc == LN_EPERM || rc == LN_ELIMIT) {
        api_error(r, 409, rc == LN_ELIMIT ? "full" : res == JOIN_REFUSED ? "refused" : "closed", why);
    } else {
        api_error(r, 500, "internal", "saving failed on our side");
    }
}

/* ROUTE: GET /api/v1/me/requests — the caller's requests waiting for approval */
void api_my_requests_get(Req *r)
{
    JoinRequestList l;
    if (spoc_my_pending(r->db, r->arena, r->user->id, &l) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++)
        if (!r->via_token || l.items[i].org_id == r->token_org_id)
            json_array_append_new(items, request_json(r, &l.items[i]));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id} — a session with its join code and settings (staff) */
void api_org_run_get(Req *r)
{
    RunRef run;
    if (org_run_or_404(r, &run)) api_json(r, 200, run_staff_json(r, &run));
}

/* ROUTE: PATCH /api/v1/orgs/{org}/runs/{id} — {"approval"?: bool, "trainer_id"?: id|null, "rotate_code"?: true} */
void api_org_run_patch(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    /* The session's own settings first: title, pacing, dates, capacity. */
    RunInput in;
    const char *msg, *field;
    if (!run_input_json(r, b, &in)) return;
    if ((field = run_input_check(&in, &run, &msg))) {
        api_field_error(r, field, msg);
        return;
    }
    if (run_update(r->db, &run, &in, time_now_us()) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    json_t *ap = json_object_get(b, "approval"), *tr = json_object_get(b, "trainer_id"), *rot = json_object_get(b, "rotate_code");
    bool spoc = str_eq(run.visibility, "spoc");
    if (ap && !json_is_boolean(ap)) {
        api_field_error(r, "approval", "\"approval\" must be true or false");
        return;
    }
    if (tr && !json_is_null(tr) && (!json_is_integer(tr) || json_integer_value(tr) < 1)) {
        api_field_error(r, "trainer_id", "\"trainer_id\" must be a user id or null");
        return;
    }
    if (rot && !json_is_true(rot)) {
        api_field_error(r, "rotate_code", "\"rotate_code\" can only be true");
        return;
    }
    if (!spoc && (ap || rot)) {
        api_field_error(r, ap ? "approval" : "rotate_code", "only SPOC sessions have a join code and approval");
        return;
    }
    UsTime now = time_now_us();
    if (ap || tr) {
        int rc = spoc_settings(r->db, &run, ap ? json_is_true(ap) : -1, tr ? (json_is_null(tr) ? 0 : json_integer_value(tr)) : -1, now);
        if (rc == LN_EINVAL) {
            api_field_error(r, "trainer_id", "\"trainer_id\" must be a trainer or an administrator of this organisation");
            return;
        }
        if (rc != LN_OK) {
            api_error(r, 500, "internal", "saving failed on our side");
            return;
        }
    }
    char code[JOIN_CODE_LEN + 1];
    if (rot && spoc_code_rotate(r->db, run.id, now, code) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    if (run_ref(r->db, r->arena, r->org->id, run.id, &run) != LN_OK) api_error(r, 500, "internal", "reading back failed");
    else api_json(r, 200, run_staff_json(r, &run));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/requests?status=pending|approved|refused|all */
void api_org_run_requests_get(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    const char *status = req_query(r, "status");
    if (str_empty(status)) status = "pending";
    if (!str_eq(status, "pending") && !str_eq(status, "approved") && !str_eq(status, "refused") && !str_eq(status, "all")) {
        api_error(r, 400, "bad_request", "the query parameter \"status\" must be pending, approved, refused or all");
        return;
    }
    JoinRequestList l;
    if (spoc_requests(r->db, r->arena, run.id, str_eq(status, "all") ? NULL : status, &l) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) json_array_append_new(items, request_json(r, &l.items[i]));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_decide(Req *r, bool approve)
{
    RunRef run;
    int64_t rid;
    if (!org_run_or_404(r, &run) || !req_path_id_or_404(r, "rid", &rid)) return;
    const char *reply = NULL;
    if (r->body_len > 0) {
        json_t *b = req_json_or_400(r);
        bool bad = false;
        if (!b) return;
        reply = api_str(r, b, "message", &bad);
        if (bad) return;
    }
    JoinRequest q;
    int rc = spoc_decide(r, &run, rid, approve, reply, &q);
    if (rc == LN_OK) api_json(r, 200, request_json(r, &q));
    else if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such request for this session");
    else if (rc == LN_EEXIST) api_error(r, 409, "decided", "this request was already decided");
    else if (rc == LN_ELIMIT) api_error(r, 409, "full", "the session is full: approving would exceed its capacity");
    else if (rc == LN_EINVAL) api_field_error(r, "message", "\"message\" is at most 2,000 characters of UTF-8 text");
    else api_error(r, 500, "internal", "saving failed on our side");
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/requests/{rid}/approve — {"message"?} */
void api_org_run_request_approve_post(Req *r) { api_decide(r, true); }

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/requests/{rid}/refuse — {"message"?} */
void api_org_run_request_refuse_post(Req *r) { api_decide(r, false); }
