/* departure_page.c — a learner signs out of a live session they leave early
 * (departure.h): the page with the signature pad and its JSON twin. */
#include "attendance/departure.h"
#include "attendance/pages.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

/* The path's session, if the signed-in learner is expected at it. */
static bool depart_session(Req *r, LiveSession *s)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (attendance_session_load(r->db, r->arena, 0, id, s) != LN_OK) {
        web_not_found(r);
        return false;
    }
    if (!attendance_expects(r->db, s, r->user->id)) {
        web_error(r, 403, "not_expected", T(r, "You are not expected at this session: only its enrolled learners sign it."));
        return false;
    }
    return true;
}

static const char *ua(Req *r)
{
    const char *u = req_header(r, "user-agent");
    return u ? u : "";
}

/* A refusal as a page: the window's own message (with its times) from
 * att_refuse_page(), the others as they are. */
static void refuse(Req *r, const LiveSession *s, int rc, const char *why)
{
    if (rc == LN_EPERM && !str_eq(why, "Signing has not opened yet.") && !str_eq(why, "Signing for this session is closed."))
        web_error(r, 403, "refused", i18n_get(r->lang, why));
    else att_refuse_page(r, s, rc, why);
}

/* ROUTE: GET /sessions/{id}/depart */
void att_depart_page(Req *r)
{
    LiveSession s;
    if (!depart_session(r, &s)) return;
    const char *why = NULL;
    int rc = attendance_depart_check(r->db, &s, r->user->id, time_now_us(), &why);
    if (rc != LN_OK) {
        refuse(r, &s, rc, why);
        return;
    }
    page_begin(r, T(r, "Sign your early departure"));
    att_session_head(r, &s);
    hprintf(r, "<h2>%s %s</h2>\n<p>%s</p>\n", T(r, "Departure of"), r->user->name,
            T(r, "Leaving before the end? Sign here: the time of our server is recorded as your time of departure. "
                 "Your arrival signature stays as it is."));
    att_pad_form(r, arena_printf(r->arena, "/sessions/%lld/depart", (long long)s.id), NULL, NULL,
                 T(r, "Sign my departure"));
    page_end(r);
}

/* ROUTE: POST /sessions/{id}/depart — strokes */
void att_depart_post(Req *r)
{
    LiveSession s;
    if (!depart_session(r, &s)) return;
    const char *strokes = req_form(r, "strokes");
    DepartInput in = {.session = &s, .user_id = r->user->id, .method = "online", .device_user_id = r->user->id,
                      .ip = r->client_ip, .user_agent = ua(r), .strokes = strokes,
                      .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    Departure d;
    const char *why = NULL;
    int rc = attendance_depart(r->db, r->arena, &in, &d, &why);
    if (rc != LN_OK) {
        refuse(r, &s, rc, why);
        return;
    }
    page_begin(r, T(r, "Departure signed"));
    att_session_head(r, &s);
    hprintf(r, "<p class=\"flash\" role=\"status\">✓ %s %s · %s</p>\n", T(r, "Departure signed by"), r->user->name,
            att_clock_at(r, &s, d.signed_at));
    page_end(r);
}

/* ROUTE: GET /o/{org}/sessions/{id}/kiosk/{uid}/depart — on the trainer's device */
void att_kiosk_depart_page(Req *r)
{
    LiveSession s;
    Attendee who;
    if (!att_org_session_or_404(r, &s) || !att_kiosk_learner(r, &s, &who)) return;
    const char *why = NULL;
    int rc = attendance_depart_check(r->db, &s, who.user_id, time_now_us(), &why);
    if (rc != LN_OK) {
        refuse(r, &s, rc, why);
        return;
    }
    page_begin(r, T(r, "Sign your early departure"));
    att_session_head(r, &s);
    hprintf(r, "<h2>%s %s</h2>\n", T(r, "Departure of"), who.name);
    att_pad_form(r, arena_printf(r->arena, "/o/%s/sessions/%lld/kiosk/%lld/depart", r->org->slug, (long long)s.id,
                                 (long long)who.user_id), NULL, NULL, T(r, "Sign my departure"));
    hprintf(r, "<p><a href=\"/o/%s/sessions/%lld/kiosk\">%s</a></p>\n", r->org->slug, (long long)s.id, T(r, "Back to the list"));
    page_end(r);
}

/* ROUTE: POST /o/{org}/sessions/{id}/kiosk/{uid}/depart — strokes */
void att_kiosk_depart_post(Req *r)
{
    LiveSession s;
    Attendee who;
    if (!att_org_session_or_404(r, &s) || !att_kiosk_learner(r, &s, &who)) return;
    const char *strokes = req_form(r, "strokes");
    DepartInput in = {.session = &s, .user_id = who.user_id, .method = "kiosk", .device_user_id = r->user->id,
                      .ip = r->client_ip, .user_agent = ua(r), .strokes = strokes,
                      .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    Departure d;
    const char *why = NULL;
    int rc = attendance_depart(r->db, r->arena, &in, &d, &why);
    if (rc != LN_OK) {
        refuse(r, &s, rc, why);
        return;
    }
    page_flash(r, arena_printf(r->arena, "%s %s · %s", T(r, "Departure signed by"), who.name, att_clock_at(r, &s, d.signed_at)));
    req_redirect(r, arena_printf(r->arena, "/o/%s/sessions/%lld/kiosk", r->org->slug, (long long)s.id));
}

/* ROUTE: POST /api/v1/sessions/{id}/departures — {"strokes": [[[x,y,t],...],...]} as the signed-in learner */
void api_att_departures_post(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (!r->user) {
        api_error(r, 401, "unauthenticated", "Sign in first: a departure is signed by the person signed in.");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    json_t *sj = json_object_get(b, "strokes");
    char *strokes = NULL;
    if (json_is_string(sj)) strokes = arena_strdup(r->arena, json_string_value(sj));
    else if (json_is_array(sj)) {
        char *dump = json_dumps(sj, JSON_COMPACT);
        if (dump) {
            strokes = arena_strdup(r->arena, dump);
            free(dump);
        }
    }
    LiveSession s;
    if (attendance_session_load(r->db, r->arena, 0, id, &s) != LN_OK || (r->via_token && r->token_org_id != s.org_id)) {
        api_error(r, 404, "not_found", "no such live session");
        return;
    }
    DepartInput in = {.session = &s, .user_id = r->user->id, .method = "online", .device_user_id = r->user->id,
                      .ip = r->client_ip, .user_agent = ua(r), .strokes = strokes,
                      .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    Departure d;
    const char *why = NULL, *code;
    int rc = attendance_depart(r->db, r->arena, &in, &d, &why);
    if (rc != LN_OK) {
        int status = att_refusal_status(rc, why, &code);
        if (rc == LN_EEXIST) code = "already_departed";
        else if (rc == LN_EPERM && !str_eq(code, "too_early") && !str_eq(why, "Signing for this session is closed."))
            code = str_eq(why, "Sign your arrival first: a departure follows an arrival signature.") ? "no_arrival"
                                                                                                     : "session_over";
        api_error(r, status, code, i18n_get(r->lang, why));
        return;
    }
    api_json(r, 201, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)d.id, "session_id", (json_int_t)s.id,
                               "user_id", (json_int_t)d.user_id, "signed_at", time_iso(r->arena, d.signed_at),
                               "method", d.method, "image_sha256", d.image_sha256));
}
