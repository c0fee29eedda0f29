/* progsheet_page.c — a learner's attendance sheet over a programme
 * (progsheet.h) as a PDF download and as JSON.  The learner gets their own;
 * trainers, administrators and auditors of the organisation any learner's. */
#include "attendance/pages.h"
#include "attendance/progsheet.h"
#include "http/range.h"
#include "mail/mail.h"
#include "http/access.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

static bool sheet_or_404(Req *r, ProgSheet *p)
{
    int64_t pid, uid;
    if (!req_path_id_or_404(r, "id", &pid) || !req_path_id_or_404(r, "uid", &uid)) return false;
    if ((uid == r->user->id || access_reader(r))
        && progsheet_load(r->db, r->arena, r->org->id, pid, uid, time_now_us(), p) == LN_OK)
        return true;
    web_error(r, 404, "not_found", T(r, "No such learner in this programme."));
    return false;
}

/* ROUTE: GET /o/{org}/programmes/{id}/learners/{uid}/sheet.pdf */
void att_programme_sheet_pdf_get(Req *r)
{
    ProgSheet p;
    if (!sheet_or_404(r, &p)) return;
    Buf b;
    buf_init(&b, 0);
    const char *url = progsheet_url(r->arena, mail_base_url(r), r->app->secret, p.programme_id, p.user_id);
    if (progsheet_pdf(r->arena, &p, r->lang, url, &b) != LN_OK) {
        buf_free(&b);
        web_error(r, 500, "internal", T(r, "The attendance sheet cannot be made now."));
        return;
    }
    req_send_download(r, &b, "application/pdf",
                      arena_printf(r->arena, "%s-programme-%lld-%lld.pdf",
                                   str_eq(r->lang, "fr") ? "feuille-emargement" : "attendance-sheet",
                                   (long long)p.programme_id, (long long)p.user_id));
    buf_free(&b);
}

static json_t *half_json(Req *r, const PsSession *ps, const PsHalf *h)
{
    json_t *o = json_pack("{s:s}", "half_day", h->half);
    if (h->sig) {
        json_object_set_new(o, "signature_id", json_integer(h->sig->id));
        json_object_set_new(o, "signed_at", json_string(time_iso(r->arena, h->sig->signed_at)));
        json_object_set_new(o, "method", json_string(h->sig->method));
        json_object_set_new(o, "late_minutes", json_integer(h->sig->late_minutes));
    }
    const char *status = h->sig ? "present" : h->absence || ps->closed ? "absent" : "not_signed";
    json_object_set_new(o, "status", json_string(status));
    if (h->absence) {
        json_object_set_new(o, "absence_id", json_integer(h->absence->id));
        json_object_set_new(o, "justification", json_string(h->absence->status));
    } else if (!h->sig && ps->closed)
        json_object_set_new(o, "justification", json_string("unjustified"));
    return o;
}

/* ROUTE: GET /api/v1/orgs/{org}/programmes/{id}/learners/{uid}/sheet */
void api_att_programme_sheet_get(Req *r)
{
    ProgSheet p;
    if (!sheet_or_404(r, &p)) return;
    json_t *items = json_array();
    for (int i = 0; i < p.n; i++) {
        const PsSession *ps = &p.items[i];
        json_t *halves = json_array();
        for (int h = 0; h < ps->nh; h++) json_array_append_new(halves, half_json(r, ps, &ps->halves[h]));
        json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "session_id", (json_int_t)ps->s.id, "run_id",
                              (json_int_t)ps->s.run_id, "title", ps->s.title, "course_title", ps->s.course_title,
                              "run_title", ps->s.run_title, "starts_at", time_iso(r->arena, ps->s.starts_at), "ends_at",
                              time_iso(r->arena, ps->s.ends_at), "halves", halves, "departure",
                              ps->departure ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)ps->departure->id,
                                                        "signed_at", time_iso(r->arena, ps->departure->signed_at),
                                                        "method", ps->departure->method)
                                            : json_null());
        json_object_set_new(o, "trainer_signed", json_boolean(ps->trainer_strokes != NULL));
        json_array_append_new(items, o);
    }
    api_json(r, 200, json_pack("{s:I,s:s,s:I,s:s,s:o}", "programme_id", (json_int_t)p.programme_id, "title",
                               p.programme_title, "user_id", (json_int_t)p.user_id, "learner", p.learner_name,
                               "sessions", items));
}
