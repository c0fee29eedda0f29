/* external_api.c — external activities as JSON (external.h); the same rules
 * and access as the pages (external_page.c). */
#include "xapi/pages.h"
#include "xapi/report.h"
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "http/access.h"
#include "web/api.h"

static json_t *activity_json(Req *r, const ExtActivity *a)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:o}", "id", (json_int_t)a->id, "run_id", (json_int_t)a->run_id,
                     "title", a->title, "platform", a->platform, "url", a->url, "iri", a->iri, "minutes",
                     (json_int_t)a->minutes, "created_at", api_time(r->arena, a->created_at));
}

static json_t *record_json(Req *r, const ExtRecord *x)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:o,s:o,s:o,s:s}", "user_id", (json_int_t)x->user_id, "name", x->name,
                          "email", x->email, "statements", (json_int_t)x->statements, "first_at",
                          api_time(r->arena, x->first), "last_at", api_time(r->arena, x->last), "completed_at",
                          api_time(r->arena, x->completed_at), "verdict", ext_verdict_code(x->verdict));
    json_object_set_new(o, "reported_ms", x->reported_ms >= 0 ? json_integer(x->reported_ms) : json_null());
    json_object_set_new(o, "passed", x->passed >= 0 ? json_boolean(x->passed) : json_null());
    json_object_set_new(o, "score_milli", x->has_score ? json_integer(x->score_milli) : json_null());
    json_object_set_new(o, "attestation", !x->attestation_id ? json_null()
        : json_pack("{s:I,s:s,s:o}", "id", (json_int_t)x->attestation_id, "filename",
                    x->attestation_name ? x->attestation_name : "", "at", api_time(r->arena, x->attestation_at)));
    json_object_set_new(o, "validation", !x->validation_id ? json_null()
        : json_pack("{s:I,s:I,s:s,s:s,s:o,s:I}", "id", (json_int_t)x->validation_id, "minutes",
                    (json_int_t)x->accepted_minutes, "note", x->note ? x->note : "", "by",
                    x->validated_by ? x->validated_by : "", "at", api_time(r->arena, x->validated_at), "ledger_seq",
                    (json_int_t)x->ledger_seq));
    return o;
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/external — the run's activities (trainers, administrators, auditors) */
void api_external_list_get(Req *r)
{
    RunRef run;
    ExtActivity *acts;
    int n;
    if (!reader_run_of_path(r, &run)) return;
    if (ext_list(r->db, r->arena, r->org->id, run.id, &acts, &n) != LN_OK) {
        api_error(r, 500, "internal", "the activities cannot be listed now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(items, activity_json(r, &acts[i]));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/external — {"title", "platform", "url"?, "iri", "minutes"} */
void api_external_add_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    json_t *m = json_object_get(b, "minutes");
    ExtInput in = {api_str(r, b, "title", &bad), api_str(r, b, "platform", &bad), api_str(r, b, "url", &bad),
                   api_str(r, b, "iri", &bad),
                   json_is_integer(m) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(m)) : ""};
    if (bad) return;
    int64_t id;
    const char *field, *why;
    int rc = ext_add(r->db, r->org->id, run.id, r->user->id, &in, time_now_us(), &id, &field, &why);
    ExtActivity act;
    if (rc == LN_EINVAL) api_field_error(r, field, why);
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK || ext_load(r->db, r->arena, r->org->id, run.id, id, &act) != LN_OK)
        api_error(r, 500, "internal", "the activity cannot be declared now");
    else api_json(r, 201, activity_json(r, &act));
}

/* The activity of the path; 404 otherwise. */
static bool activity_of_path(Req *r, ExtActivity *act)
{
    RunRef run;
    int64_t aid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "aid", &aid)) return false;
    if (ext_load(r->db, r->arena, r->org->id, run.id, aid, act) == LN_OK) return true;
    api_error(r, 404, "not_found", "no such external activity in this run");
    return false;
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/external/{aid} — the activity and every learner's record */
void api_external_get(Req *r)
{
    ExtActivity act;
    ExtRecord *recs;
    int n;
    int64_t unknown;
    if (!activity_of_path(r, &act)) return;
    if (ext_records(r->db, r->arena, &act, &recs, &n, &unknown) != LN_OK) {
        api_error(r, 500, "internal", "the records cannot be read now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(items, record_json(r, &recs[i]));
    api_json(r, 200, json_pack("{s:o,s:o,s:I}", "activity", activity_json(r, &act), "learners", items,
                               "unknown_statements", (json_int_t)unknown));
}

/* ROUTE: PATCH /api/v1/orgs/{org}/runs/{id}/external/{aid} — any of {"title", "platform", "url", "iri", "minutes"} */
void api_external_patch(Req *r)
{
    ExtActivity act;
    if (!activity_of_path(r, &act)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *title = api_str(r, b, "title", &bad), *platform = api_str(r, b, "platform", &bad),
               *url = api_str(r, b, "url", &bad), *iri = api_str(r, b, "iri", &bad);
    int64_t minutes;
    if (bad || !api_int(r, b, "minutes", 1, act.minutes, &minutes)) return;
    ExtInput in = {title ? title : act.title, platform ? platform : act.platform, url ? url : act.url, iri ? iri : act.iri,
                   arena_printf(r->arena, "%lld", (long long)minutes)};
    const char *field, *why;
    int rc = ext_update(r->db, &act, &in, &field, &why);
    if (rc == LN_EINVAL) api_field_error(r, field, why);
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK || ext_load(r->db, r->arena, act.org_id, act.run_id, act.id, &act) != LN_OK)
        api_error(r, 500, "internal", "the activity cannot be changed now");
    else api_json(r, 200, activity_json(r, &act));
}

/* ROUTE: DELETE /api/v1/orgs/{org}/runs/{id}/external/{aid} — 204; 409 when it has evidence */
void api_external_delete(Req *r)
{
    ExtActivity act;
    const char *why = NULL;
    if (!activity_of_path(r, &act)) return;
    int rc = ext_delete(r->db, &act, &why);
    if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK) api_error(r, 500, "internal", "the activity cannot be deleted now");
    else r->status = 204;
}

/* The answer to a change of a learner's record: the record (201), or the refusal. */
static void record_answer(Req *r, int rc, const char *field, const char *why, const ExtActivity *act, int64_t uid)
{
    ExtRecord x;
    if (rc == LN_EINVAL) api_field_error(r, field, why);
    else if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", why);
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK || ext_record(r->db, r->arena, act, uid, &x) != LN_OK)
        api_error(r, 500, "internal", "the record cannot be changed now");
    else api_json(r, 201, record_json(r, &x));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/external/{aid}/validations — {"user_id", "minutes"?, "note"?} */
void api_external_validate_post(Req *r)
{
    ExtActivity act;
    if (!activity_of_path(r, &act)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    int64_t uid;
    json_t *m = json_object_get(b, "minutes");
    const char *note = api_str(r, b, "note", &bad);
    if (bad || !api_int(r, b, "user_id", 1, 0, &uid)) return;
    if (m && !json_is_null(m) && !json_is_integer(m)) {
        api_field_error(r, "minutes", "minutes is a whole number");
        return;
    }
    const char *minutes = json_is_integer(m) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(m)) : "";
    const char *field, *why;
    int rc = ext_validate(r->db, &act, uid, minutes, note, r->user->id, time_now_us(), &field, &why);
    record_answer(r, rc, field, why, &act, uid);
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/external/{aid}/revocations — {"user_id", "reason"} */
void api_external_revoke_post(Req *r)
{
    ExtActivity act;
    if (!activity_of_path(r, &act)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    int64_t uid;
    const char *reason = api_str(r, b, "reason", &bad), *why = NULL;
    if (bad || !api_int(r, b, "user_id", 1, 0, &uid)) return;
    int rc = ext_revoke(r->db, &act, uid, reason, r->user->id, time_now_us(), &why);
    record_answer(r, rc, "reason", why, &act, uid);
}

/* ROUTE: GET /api/v1/runs/{id}/external — the learner's own records */
void api_external_mine_get(Req *r)
{
    RunRef run;
    if (!learner_run_of_path(r, &run)) return;
    ExtActivity *acts;
    int n;
    if (ext_list(r->db, r->arena, run.org_id, run.id, &acts, &n) != LN_OK) {
        api_error(r, 500, "internal", "the activities cannot be listed now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        ExtRecord x;
        if (ext_record(r->db, r->arena, &acts[i], r->user->id, &x) != LN_OK) continue;
        json_t *o = activity_json(r, &acts[i]);
        json_object_set_new(o, "record", record_json(r, &x));
        json_array_append_new(items, o);
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/external/{aid}/report[?apply=1] — the platform's report as text/csv */
void api_external_report_post(Req *r)
{
    ExtActivity act;
    if (!activity_of_path(r, &act)) return;
    bool apply = str_eq(req_query(r, "apply"), "1");
    Report rep;
    ReportResult res;
    LrsSender sender = report_sender(r);
    int rc = report_parse(r->arena, r->body ? r->body : "", r->body_len, &rep);
    if (rc == LN_OK) rc = report_import(r->db, r->arena, &act, &sender, &rep, apply, time_now_us(), &res);
    if (rc == LN_ELIMIT) {
        api_error(r, 413, "too_large", "at most 10,000 lines can be imported at once");
        return;
    }
    if (rc == LN_EINVAL) {
        api_error(r, 422, "invalid", rep.error ? rep.error : "the report could not be imported");
        return;
    }
    if (rc != LN_OK) {
        api_error(r, 500, "internal", "the import failed; nothing was changed");
        return;
    }
    static const char *const codes[] = {"store", "already", "not_learner", "error"};
    json_t *lines = json_array();
    for (int i = 0; i < rep.n; i++) {
        const ReportLine *l = &rep.lines[i];
        json_t *o = json_pack("{s:i,s:s,s:s}", "line", l->line, "email", l->email, "action", codes[res.actions[i]]);
        if (res.names[i]) json_object_set_new(o, "name", json_string(res.names[i]));
        if (l->error) json_object_set_new(o, "error", json_string(l->error));
        json_array_append_new(lines, o);
    }
    json_t *out = json_pack("{s:b,s:i,s:i,s:i,s:i,s:o}", "applied", apply && !res.errors, "new", res.stored, "already",
                            res.already, "not_learners", res.not_learners, "errors", res.errors, "lines", lines);
    if (res.errors)     /* the API's error shape, with the lines that say which */
        json_object_set_new(out, "error", json_pack("{s:s,s:s}", "code", "invalid", "message",
                                                    "some lines are wrong (see lines[].error): nothing was imported"));
    api_json(r, res.errors ? 422 : apply ? 201 : 200, out);
}

/* ROUTE: POST /api/v1/runs/{id}/external/{aid}/attestation — the learner's certificate, multipart field "file" */
void api_external_attest_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    int64_t id;
    const char *why;
    if (!external_learner_activity(r, &run, &act)) return;
    int rc = external_attest_upload(r, &act, &id, &why);
    if (rc == LN_EINVAL) api_field_error(r, "file", why);
    else if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", why);
    else if (rc != LN_OK) api_error(r, 500, "internal", why);
    else api_json(r, 201, json_pack("{s:I,s:I,s:s}", "id", (json_int_t)id, "activity_id", (json_int_t)act.id, "url",
                                    arena_printf(r->arena, "/external/attestations/%lld", (long long)id)));
}
