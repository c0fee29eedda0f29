/* absence_api.c — the JSON API of absences, justifications and decisions
 * (docs/attendance.md, docs/api.md). */
#include "attendance/absence.h"
#include "attendance/pages.h"
#include "http/access.h"
#include "web/api.h"

#include <string.h>

static json_t *absence_json(Req *r, const Absence *a)
{
    json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:s}",
        "id", (json_int_t)a->id, "session_id", (json_int_t)a->session_id, "run_id", (json_int_t)a->run_id,
        "user_id", (json_int_t)a->user_id, "name", a->user_name ? a->user_name : "", "session_title", a->session_title,
        "half_day", a->half_day, "starts_at", api_time(r->arena, a->starts_at), "ends_at", api_time(r->arena, a->ends_at),
        "course_title", a->course_title, "recorded_at", api_time(r->arena, a->recorded_at), "status", a->status);
    json_t *just = json_null(), *dec = json_null();
    if (a->justification_id) {
        just = json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)a->justification_id, "reason", a->reason ? a->reason : "",
                         "created_at", api_time(r->arena, a->justified_at),
                         "file_url", a->media_id ? json_string(arena_printf(r->arena, "/o/%s/attendance/justifications/%lld/file",
                                                                           r->org->slug, (long long)a->justification_id))
                                                 : json_null());
    }
    if (a->decision_id)
        dec = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)a->decision_id, "decision", a->decision,
                        "comment", a->comment ? a->comment : "", "decided_by", a->decided_by_name ? a->decided_by_name : "",
                        "decided_at", api_time(r->arena, a->decided_at));
    json_object_set_new(j, "justification", just);
    json_object_set_new(j, "decision", dec);
    return j;
}

static void list_json(Req *r, const AbsenceFilter *f)
{
    AbsenceList l;
    if (absence_list(r->db, r->arena, r->org->id, f, &l) != LN_OK) {
        api_error(r, 500, "internal", "the absences cannot be read now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) json_array_append_new(items, absence_json(r, &l.items[i]));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

static bool status_ok(const char *s)
{
    return !s || str_eq(s, "unjustified") || str_eq(s, "pending") || str_eq(s, "accepted") || str_eq(s, "rejected");
}

/* ROUTE: GET /api/v1/orgs/{org}/me/absences */
void api_abs_mine_get(Req *r)
{
    absence_record_pending(r->db, r->org->id, 0, time_now_us());
    AbsenceFilter f = {.user_id = r->user->id, .status = req_query(r, "status")};
    if (!status_ok(f.status)) {
        api_error(r, 400, "bad_request", "status is unjustified, pending, accepted or rejected");
        return;
    }
    list_json(r, &f);
}

/* ROUTE: GET /api/v1/orgs/{org}/absences[?status=&run=&session=] (trainers, administrators, auditors) */
void api_abs_list_get(Req *r)
{
    if (!access_reader(r)) {
        api_error(r, 403, "forbidden", "trainers, administrators and auditors only");
        return;
    }
    AbsenceFilter f = {.status = req_query(r, "status")};
    const char *run = req_query(r, "run"), *ses = req_query(r, "session");
    if (!status_ok(f.status) || (run && (!str_to_i64(run, &f.run_id) || f.run_id < 0))
        || (ses && (!str_to_i64(ses, &f.session_id) || f.session_id < 0))) {
        api_error(r, 400, "bad_request", "status is unjustified, pending, accepted or rejected; run and session are ids");
        return;
    }
    absence_record_pending(r->db, r->org->id, f.run_id, time_now_us());
    list_json(r, &f);
}

static bool api_absence(Req *r, Absence *a)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (absence_load(r->db, r->arena, r->org->id, id, a) == LN_OK && (a->user_id == r->user->id || access_reader(r)))
        return true;
    api_error(r, 404, "not_found", "no such absence of yours in this organisation");
    return false;
}

/* ROUTE: GET /api/v1/orgs/{org}/absences/{id} */
void api_abs_get(Req *r)
{
    Absence a;
    if (api_absence(r, &a)) api_json(r, 200, absence_json(r, &a));
}

/* ROUTE: POST /api/v1/orgs/{org}/absences/{id}/justifications — JSON {"reason"}
 * or multipart/form-data with reason and an optional file. */
void api_abs_justify_post(Req *r)
{
    Absence a;
    if (!api_absence(r, &a)) return;
    if (a.user_id != r->user->id) {
        api_error(r, 403, "not_yours", "only the absent learner justifies an absence");
        return;
    }
    const char *reason = NULL;
    const char *ct = req_header(r, "content-type");
    if (ct && str_startswith(ct, "application/json")) {
        json_t *b = req_json_or_400(r);
        if (!b) return;
        reason = json_string_value(json_object_get(b, "reason"));
    } else reason = req_form(r, "reason");
    int64_t media_id = 0, id = 0;
    if (abs_store_upload(r, &media_id) != LN_OK) {
        api_error(r, 500, "internal", "the file could not be stored; nothing was recorded");
        return;
    }
    const char *why = NULL;
    int rc = absence_justify(r->db, &a, r->user->id, reason, media_id, time_now_us(), &id, &why);
    if (rc == LN_EINVAL) api_field_error(r, "reason", why);
    else if (rc == LN_EEXIST) api_error(r, 409, "already_justified", why);
    else if (rc != LN_OK) api_error(r, 500, "internal", why ? why : "saving failed on our side");
    else if (absence_load(r->db, r->arena, r->org->id, a.id, &a) == LN_OK) api_json(r, 201, absence_json(r, &a));
    else api_error(r, 500, "internal", "saving failed on our side");
}

/* ROUTE: POST /api/v1/orgs/{org}/justifications/{id}/decisions {"decision", "comment"} (administrators) */
void api_abs_decision_post(Req *r)
{
    int64_t jid, aid, id;
    json_t *b;
    if (!req_path_id_or_404(r, "id", &jid) || !(b = req_json_or_400(r))) return;
    const char *decision = json_string_value(json_object_get(b, "decision"));
    const char *comment = json_string_value(json_object_get(b, "comment"));
    if (json_object_get(b, "comment") && !json_is_string(json_object_get(b, "comment"))) {
        api_field_error(r, "comment", "comment is a string");
        return;
    }
    const char *why = NULL;
    int rc = absence_decide(r->db, r->org->id, jid, r->user->id, decision, comment, time_now_us(), &id, &why);
    Absence a;
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such justification in this organisation");
    else if (rc == LN_EINVAL) api_field_error(r, str_eq(decision, "rejected") || str_eq(decision, "accepted") ? "comment" : "decision", why);
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK) api_error(r, 500, "internal", why ? why : "saving failed on our side");
    else if (absence_of_justification(r->db, r->org->id, jid, &aid) == LN_OK
             && absence_load(r->db, r->arena, r->org->id, aid, &a) == LN_OK)
        api_json(r, 201, absence_json(r, &a));
    else api_error(r, 500, "internal", "saving failed on our side");
}
