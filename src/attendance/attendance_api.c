/* attendance_api.c — the JSON API of live sessions and signatures
 * (docs/attendance.md). */
#include "attendance/pages.h"
#include "attendance/departure.h"
#include "account/account.h"
#include "mail/mail.h"
#include "http/access.h"
#include "web/api.h"

#include <stdlib.h>
#include <string.h>

static bool api_run(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    api_error(r, 404, "not_found", "no such session (run) in this organisation");
    return false;
}

static bool api_session(Req *r, LiveSession *s)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (attendance_session_load(r->db, r->arena, r->org->id, id, s) == LN_OK) return true;
    api_error(r, 404, "not_found", "no such live session in this organisation");
    return false;
}

static const char *window_name(AttWindow w)
{
    return w == ATT_TOO_EARLY ? "upcoming" : w == ATT_OPEN ? "open" : "closed";
}

static json_t *offset_json(Arena *a, int64_t m)
{
    int64_t am = m < 0 ? -m : m;
    return json_string(arena_printf(a, "%c%02lld:%02lld", m < 0 ? '-' : '+', (long long)(am / 60), (long long)(am % 60)));
}

static json_t *session_json(Req *r, const LiveSession *s)
{
    json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:I,s:o,s:I,s:o,s:o,s:s}",
        "id", (json_int_t)s->id, "run_id", (json_int_t)s->run_id, "title", s->title, "mode", s->mode,
        "place", s->place, "starts_at", api_time(r->arena, s->starts_at), "ends_at", api_time(r->arena, s->ends_at),
        "starts_at_us", (json_int_t)s->starts_at, "ends_at_us", (json_int_t)s->ends_at,
        "utc_offset", offset_json(r->arena, s->utc_offset_min), "grace_minutes", (json_int_t)s->grace_minutes,
        "opens_at", api_time(r->arena, attendance_opens_at(s)), "closes_at", api_time(r->arena, attendance_closes_at(s)),
        "status", window_name(attendance_window(s, time_now_us())));
    json_object_set_new(j, "unit_id", s->unit_id ? json_integer(s->unit_id) : json_null());
    json_object_set_new(j, "links_sent_at", api_time(r->arena, s->links_sent_at));
    return j;
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/sessions */
void api_att_run_sessions_get(Req *r)
{
    RunRef run;
    if (!api_run(r, &run)) return;
    LiveSessionList l;
    if (attendance_session_list(r->db, r->arena, run.id, &l) != LN_OK) {
        api_error(r, 500, "internal", "the sessions cannot be read now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) json_array_append_new(items, session_json(r, &l.items[i]));
    api_json(r, 200, json_pack("{s:I,s:o}", "run_id", (json_int_t)run.id, "items", items));
}

/* A time member: an ISO string (its zone, else `offset`) or integer microseconds. */
static bool time_member(json_t *b, const char *key, int64_t offset, UsTime *out, int64_t *used_offset)
{
    json_t *v = json_object_get(b, key);
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        if (used_offset) *used_offset = offset;
        return true;
    }
    return json_is_string(v) && att_parse_time(json_string_value(v), offset, out, used_offset);
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/sessions —
 * {"title","starts_at","ends_at","mode"?,"place"?,"grace_minutes"?,"utc_offset"?,"unit_id"?} */
void api_att_run_sessions_post(Req *r)
{
    RunRef run;
    if (!api_run(r, &run)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    SessionInput in = {0};
    in.title = api_str(r, b, "title", &bad);
    in.mode = api_str(r, b, "mode", &bad);
    in.place = api_str(r, b, "place", &bad);
    const char *offs = api_str(r, b, "utc_offset", &bad);
    if (bad) return;
    if (!in.mode) in.mode = "room";
    if (!in.place) in.place = "";
    if (!api_int(r, b, "grace_minutes", 0, -1, &in.grace_minutes) || !api_int(r, b, "unit_id", 1, 0, &in.unit_id)) return;
    int64_t off = 0;
    if (offs && !att_parse_offset(offs, &off)) {
        api_field_error(r, "utc_offset", "\"utc_offset\" must look like +01:00");
        return;
    }
    in.utc_offset_min = off;
    if (!time_member(b, "starts_at", off, &in.starts_at, &in.utc_offset_min)) {
        api_field_error(r, "starts_at", "\"starts_at\" must be an ISO 8601 date and time such as 2026-03-02T09:00+01:00");
        return;
    }
    if (offs) in.utc_offset_min = off;     /* given: the session's local time, whatever zone the times were written in */
    if (!time_member(b, "ends_at", in.utc_offset_min, &in.ends_at, NULL)) {
        api_field_error(r, "ends_at", "\"ends_at\" must be an ISO 8601 date and time such as 2026-03-02T12:30+01:00");
        return;
    }
    const char *msg, *field = session_check(&in, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    int64_t id;
    int rc = attendance_session_create(r->db, &run, &in, r->user->id, time_now_us(), &id);
    if (rc == LN_EINVAL) {
        api_field_error(r, "unit_id", "\"unit_id\" must be a live-session unit of this course");
        return;
    }
    LiveSession s;
    if (rc != LN_OK || attendance_session_load(r->db, r->arena, r->org->id, id, &s) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    api_json(r, 201, session_json(r, &s));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/sessions/import[?apply=1][&utc_offset=+01:00] — text/csv */
void api_att_run_sessions_import_post(Req *r)
{
    RunRef run;
    if (!api_run(r, &run)) return;
    bool apply = str_eq(req_query(r, "apply"), "1");
    int64_t off = 0;
    const char *offs = req_query(r, "utc_offset");
    if (offs && !att_parse_offset(offs, &off)) {
        api_error(r, 422, "invalid", "utc_offset must look like +01:00");
        return;
    }
    SessionReport rep;
    int rc = attendance_import_csv(r->db, r->arena, &run, r->user->id, r->body ? r->body : "", r->body_len, off, apply, &rep);
    if (rc == LN_EINVAL) { api_error(r, 422, "invalid", "the body must be UTF-8 CSV text"); return; }
    if (rc == LN_ELIMIT) { api_error(r, 413, "too_large", "at most 2,000 sessions at once"); return; }
    if (rc != LN_OK) { api_error(r, 500, "internal", "the import failed on our side; nothing was changed"); return; }
    json_t *lines = json_array();
    for (int i = 0; i < rep.n; i++) {
        SessionLine *l = &rep.lines[i];
        json_t *j = json_pack("{s:i,s:s,s:s}", "line", l->line, "title", l->title, "action", l->ok ? "add" : "error");
        if (l->message) json_object_set_new(j, "message", json_string(l->message));
        json_array_append_new(lines, j);
    }
    api_json(r, apply && rep.added ? 201 : 200, json_pack("{s:b,s:i,s:i,s:o}", "applied", apply && rep.added > 0,
                                                         "added", rep.added, "rejected", rep.errors, "lines", lines));
}

static json_t *signature_json(Req *r, const Signature *g)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:I,s:I,s:s,s:s}", "id", (json_int_t)g->id, "user_id", (json_int_t)g->user_id,
                     "role", g->role, "half_day", g->half_day, "method", g->method,
                     "signed_at", api_time(r->arena, g->signed_at), "signed_at_us", (json_int_t)g->signed_at,
                     "late_minutes", (json_int_t)g->late_minutes, "image_sha256", g->image_sha256,
                     "image_url", arena_printf(r->arena, "/o/%s/signatures/%lld/image", r->org->slug, (long long)g->id));
}

static json_t *people_json(Req *r, const AttendeeList *ppl, const SignatureList *sigs, const char *role, int64_t *nsigned)
{
    json_t *arr = json_array();
    *nsigned = 0;
    for (int i = 0; i < ppl->n; i++) {
        json_t *mine = json_array();
        for (int k = 0; k < sigs->n; k++)
            if (sigs->items[k].user_id == ppl->items[i].user_id && str_eq(sigs->items[k].role, role))
                json_array_append_new(mine, signature_json(r, &sigs->items[k]));
        if (json_array_size(mine)) (*nsigned)++;
        json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:b,s:o}", "user_id", (json_int_t)ppl->items[i].user_id,
                                             "name", ppl->items[i].name, "email", ppl->items[i].email,
                                             "signed", json_array_size(mine) > 0, "signatures", mine));
    }
    return arr;
}

/* ROUTE: GET /api/v1/orgs/{org}/sessions/{id}/attendance — trainers, administrators, auditors */
void api_att_attendance_get(Req *r)
{
    if (!access_reader(r)) {
        api_error(r, 403, "forbidden", "only the organisation's trainers, administrators and auditors see attendance");
        return;
    }
    LiveSession s;
    if (!api_session(r, &s)) return;
    AttendeeList ex, tr;
    SignatureList sigs;
    if (attendance_expected(r->db, r->arena, s.run_id, &ex) != LN_OK || attendance_trainers(r->db, r->arena, s.id, &tr) != LN_OK
        || attendance_signatures(r->db, r->arena, s.id, &sigs) != LN_OK) {
        api_error(r, 500, "internal", "the attendance cannot be read now");
        return;
    }
    int64_t nl, nt;
    json_t *learners = people_json(r, &ex, &sigs, "learner", &nl);
    json_t *trainers = people_json(r, &tr, &sigs, "trainer", &nt);
    /* Signatures of people no longer expected (a learner who withdrew) stay listed. */
    json_t *all = json_array();
    for (int k = 0; k < sigs.n; k++) {
        json_t *j = signature_json(r, &sigs.items[k]);
        json_object_set_new(j, "name", json_string(sigs.items[k].user_name));
        json_array_append_new(all, j);
    }
    /* early departures (departure.h) */
    DepartureList dl = {0};
    json_t *deps = json_array();
    attendance_departures(r->db, r->arena, s.id, 0, &dl);
    for (int k = 0; k < dl.n; k++)
        json_array_append_new(deps, json_pack("{s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)dl.items[k].id, "user_id",
                                              (json_int_t)dl.items[k].user_id, "signed_at",
                                              time_iso(r->arena, dl.items[k].signed_at), "method", dl.items[k].method,
                                              "ip", dl.items[k].ip));
    api_json(r, 200, json_pack("{s:o,s:i,s:I,s:I,s:o,s:o,s:o,s:o}", "session", session_json(r, &s), "expected", ex.n,
                               "signed", (json_int_t)nl, "trainers_signed", (json_int_t)nt, "learners", learners,
                               "trainers", trainers, "signatures", all, "departures", deps));
}

/* ROUTE: GET /api/v1/orgs/{org}/sessions/{id}/qr — the code to show now */
void api_att_qr_get(Req *r)
{
    LiveSession s;
    if (!api_session(r, &s)) return;
    char token[ATT_QR_TOKEN_LEN + 1];
    int64_t w;
    char *url = att_qr_url(r, s.id, token, &w);
    int secs = attendance_qr_seconds();
    UsTime next = (w + 1) * secs * US_PER_SEC;
    api_json(r, 200, json_pack("{s:s,s:s,s:I,s:i,s:o,s:s,s:s}", "token", token, "url", url, "window", (json_int_t)w,
                               "seconds", secs, "changes_at", api_time(r->arena, next),
                               "image_url", arena_printf(r->arena, "/o/%s/sessions/%lld/qr?w=%lld", r->org->slug,
                                                         (long long)s.id, (long long)w),
                               "status", window_name(attendance_window(&s, time_now_us()))));
}

/* ROUTE: POST /api/v1/orgs/{org}/sessions/{id}/links — e-mail the signing links now */
void api_att_links_post(Req *r)
{
    LiveSession s;
    if (!api_session(r, &s)) return;
    int sent = 0;
    int rc = attendance_send_links(r->db, mail_base_url(r), &s, time_now_us(), &sent);
    if (rc == LN_EPERM) {
        api_error(r, 403, "too_late", "Signing for this session is closed.");
        return;
    }
    if (rc != LN_OK) {
        api_error(r, 500, "internal", "the links could not be sent; nothing was changed");
        return;
    }
    api_json(r, 201, json_pack("{s:i}", "sent", sent));
}

/* ROUTE: POST /api/v1/sessions/{id}/signatures — {"qr": TOKEN | "link": TOKEN, "strokes": [[[x,y,t],...],...]}
 * With "qr" the caller signs in as themself (the code shown now, or the
 * one before); with "link" the link says who signs (a signed-in caller must
 * be that person). */
void api_att_signatures_post(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *qr = api_str(r, b, "qr", &bad), *link = api_str(r, b, "link", &bad);
    if (bad) return;
    json_t *sj = json_object_get(b, "strokes");
    char *strokes = NULL;
    if (json_is_string(sj)) strokes = arena_strdup(r->arena, json_string_value(sj));
    else if (json_is_array(sj)) {
        char *d = json_dumps(sj, JSON_COMPACT);
        if (d) {
            strokes = arena_strdup(r->arena, d);
            free(d);
        }
    }
    if ((!qr) == (!link)) {
        api_error(r, 400, "bad_request", "send exactly one of \"qr\" (the code shown) or \"link\" (a personal link's token)");
        return;
    }
    LiveSession s;
    int64_t user = 0, device = r->user ? r->user->id : 0, link_id = 0;
    const char *method = qr ? "qr" : "link";
    if (attendance_session_load(r->db, r->arena, 0, id, &s) != LN_OK || (r->via_token && r->token_org_id != s.org_id)) {
        api_error(r, 404, "not_found", "no such live session");
        return;
    }
    if (qr) {
        if (!r->user) {
            api_error(r, 401, "unauthenticated", "Sign in first: the QR code signs for the person signed in.");
            return;
        }
        user = r->user->id;
        if (!attendance_expects(r->db, &s, user)) {
            api_error(r, 403, "not_expected", "You are not expected at this session: only its enrolled learners sign it.");
            return;
        }
        if (!attendance_qr_check(r->app->secret, s.id, qr, time_now_us(), attendance_qr_seconds())) {
            api_error(r, 403, "qr_invalid", "This code has expired or is not valid: scan the code shown now.");
            return;
        }
    } else {
        SignLink lk;
        if (attendance_link_lookup(r->db, link, &lk) != LN_OK || lk.session_id != s.id) {
            api_error(r, 404, "link_invalid", "This signing link is not valid for this session.");
            return;
        }
        if (r->user && r->user->id != lk.user_id) {
            api_error(r, 403, "not_your_link", "This signing link was sent to someone else: only that person can sign with it.");
            return;
        }
        if (lk.used_at) {
            api_error(r, 410, "link_used", "This link was already used.");
            return;
        }
        user = lk.user_id;
        link_id = lk.id;
    }
    const char *ua = req_header(r, "user-agent");
    SignInput in = {.session = &s, .user_id = user, .role = "learner", .method = method, .device_user_id = device,
                    .link_id = link_id, .ip = r->client_ip, .user_agent = ua ? ua : "", .strokes = strokes,
                    .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    Signature g;
    const char *why = NULL;
    int rc = attendance_sign(r->db, r->arena, &in, &g, &why);
    if (rc != LN_OK) {
        const char *code;
        int status = att_refusal_status(rc, why, &code);
        api_error(r, status, code, why ? why : "the signature could not be saved");
        return;
    }
    /* The caller may be a learner of another organisation's run: image_url is for the staff. */
    json_t *j = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:I,s:I,s:s}", "id", (json_int_t)g.id, "session_id", (json_int_t)s.id,
                          "user_id", (json_int_t)g.user_id, "role", g.role, "half_day", g.half_day, "method", g.method,
                          "signed_at", api_time(r->arena, g.signed_at), "signed_at_us", (json_int_t)g.signed_at,
                          "late_minutes", (json_int_t)g.late_minutes, "image_sha256", g.image_sha256);
    api_json(r, 201, j);
}

/* ROUTE: GET /api/v1/orgs/{org}/attendance/signals[?session=ID] — trainers, administrators, auditors */
void api_att_signals_get(Req *r)
{
    if (!access_reader(r)) {
        api_error(r, 403, "forbidden", "only the organisation's trainers, administrators and auditors see fraud signals");
        return;
    }
    int64_t sid = 0;
    const char *q = req_query(r, "session");
    if (q && (!str_to_i64(q, &sid) || sid < 1)) {
        api_error(r, 400, "bad_request", "session must be a session id");
        return;
    }
    FraudList fl;
    if (attendance_fraud_signals(r->db, r->arena, r->org->id, sid, &fl) != LN_OK) {
        api_error(r, 500, "internal", "the signals cannot be computed now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < fl.n; i++) {
        FraudSignal *f = &fl.items[i];
        json_t *j = json_pack("{s:s,s:I,s:I,s:s,s:I,s:s,s:o,s:s}", "kind", f->kind, "signature_id", (json_int_t)f->signature_id,
                              "session_id", (json_int_t)f->session_id, "session_title", f->session_title,
                              "user_id", (json_int_t)f->user_id, "name", f->user_name,
                              "signed_at", api_time(r->arena, f->signed_at), "ip", f->ip);
        json_object_set_new(j, "other_signature_id", f->other_id ? json_integer(f->other_id) : json_null());
        if (str_eq(f->kind, "one_ip_burst")) json_object_set_new(j, "learners", json_integer(f->count));
        json_array_append_new(items, j);
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}
