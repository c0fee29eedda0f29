/* record_page.c — the connection record on screen, as CSV, as PDF and as
 * JSON (record.h).  The learner sees their own; trainers, administrators
 * and auditors of the organisation see any learner's of its runs. */
#include "attendance/pages.h"
#include "assess/quiz.h"
#include "attendance/record.h"
#include "http/range.h"
#include "http/access.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

/* The record of the path's run and learner, if the caller may read it;
 * answers 404 (API or page) otherwise. */
static bool record_or_404(Req *r, ConnRecord *c)
{
    int64_t run, uid;
    if (!req_path_id_or_404(r, "id", &run) || !req_path_id_or_404(r, "uid", &uid)) return false;
    if ((uid == r->user->id || access_reader(r))
        && conn_record_load(r->db, r->arena, r->org->id, run, uid, time_now_us(), c) == LN_OK)
        return true;
    web_error(r, 404, "not_found", T(r, "No such learner in this course run."));
    return false;
}

static const char *dur(Req *r, int64_t ms)
{
    int64_t m = ms / 60000;
    return m >= 60 ? arena_printf(r->arena, "%lld h %02lld min", (long long)(m / 60), (long long)(m % 60))
                   : arena_printf(r->arena, "%lld min", (long long)m);
}

static void thead(Req *r, const char *const *cols, int n)
{
    html_lit(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>");
    for (int i = 0; i < n; i++) hprintf(r, "<th scope=\"col\">%s</th>", cols[i]);
    html_lit(r, "</tr></thead><tbody>\n");
}

static void tend(Req *r)
{
    html_lit(r, "</tbody></table></div>\n");
}

static void none(Req *r)
{
    hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "None."));
}

/* ROUTE: GET /o/{org}/runs/{id}/learners/{uid}/record */
void rec_page(Req *r)
{
    ConnRecord c;
    if (!record_or_404(r, &c)) return;
    const char *base = arena_printf(r->arena, "/o/%s/runs/%lld/learners/%lld/record", r->org->slug, (long long)c.run_id,
                                    (long long)c.user_id);
    page_begin(r, T(r, "Connection record"));
    hprintf(r, "<p class=\"muted\">%s · %s</p><h1>%s <span class=\"muted\">· %s</span></h1>\n", c.course_title, c.run_title,
            T(r, "Connection record"), c.learner_name);
    hprintf(r, "<p class=\"lead\">%s: %s · %s: %d</p>\n", T(r, "Total active time"), dur(r, c.act.active_ms),
            T(r, "Connection sessions"), c.act.nsessions);
    hprintf(r, "<p class=\"actions\"><a class=\"button secondary\" href=\"%s.pdf\" download>%s</a> "
               "<a class=\"button secondary\" href=\"%s.csv\" download>%s</a>", base, T(r, "Download (PDF)"), base,
            T(r, "Download (CSV)"));
    if (access_reader(r))       /* the learner's evidence in one verifiable ZIP (docs/evidence.md "Audit packs") */
        hprintf(r, " <a class=\"button secondary\" href=\"/o/%s/runs/%lld/learners/%lld/audit-pack.zip\" download>%s</a>",
                r->org->slug, (long long)c.run_id, (long long)c.user_id, T(r, "Audit pack (ZIP)"));
    html_lit(r, "</p>\n");
    hprintf(r, "<h2>%s</h2>\n", T(r, "Connection sessions"));
    if (!c.act.nsessions) none(r);
    else {
        const char *h[] = {T(r, "Start time"), T(r, "End time"), T(r, "Active time"), T(r, "IP address")};
        thead(r, h, 4);
        for (int i = 0; i < c.act.nsessions; i++) {
            const ConnSession *s = &c.act.sessions[i];
            hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s%s</td><td>%s</td></tr>\n", text_moment(r, s->start), text_moment(r, s->end),
                    dur(r, s->active_ms), s->capped ? T(r, " (capped)") : "", s->ip ? s->ip : "");
        }
        tend(r);
    }
    hprintf(r, "<h2>%s</h2>\n", T(r, "Active time per unit"));
    if (!c.nunits) none(r);
    else {
        const char *h[] = {T(r, "Unit"), T(r, "Last activity"), T(r, "Active time")};
        thead(r, h, 3);
        for (int i = 0; i < c.nunits; i++)
            hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", c.units[i].title, text_moment(r, c.units[i].last_at),
                    dur(r, c.units[i].active_ms));
        tend(r);
    }
    hprintf(r, "<h2>%s</h2>\n", T(r, "Assessments taken"));
    if (!c.nattempts) none(r);
    else {
        const char *h[] = {T(r, "Assessment"), T(r, "Attempt"), T(r, "Started"), T(r, "Submitted"), T(r, "Score")};
        thead(r, h, 5);
        for (int i = 0; i < c.nattempts; i++) {
            const RecAttempt *t = &c.attempts[i];
            hprintf(r, "<tr><td>%s <span class=\"muted\">· %s</span></td><td>%lld</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                    t->unit_title, i18n_get(r->lang, quiz_purpose_text(t->purpose)), (long long)t->number, text_moment(r, t->started_at), text_moment(r, t->submitted_at),
                    t->score >= 0 ? arena_printf(r->arena, "%lld.%lld %%", (long long)(t->score / 10), (long long)(t->score % 10))
                                  : "—");
        }
        tend(r);
    }
    hprintf(r, "<h2>%s</h2>\n", T(r, "Assistance received"));
    if (!c.nassists) none(r);
    else {
        const char *h[] = {T(r, "Question"), T(r, "Asked"), T(r, "First trainer reply"), T(r, "Trainer"), T(r, "Delay")};
        thead(r, h, 5);
        for (int i = 0; i < c.nassists; i++) {
            const RecAssist *s = &c.assists[i];
            hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", s->title, text_moment(r, s->asked_at),
                    text_moment(r, s->replied_at), s->trainer ? s->trainer : "—",
                    s->replied_at ? dur(r, (s->replied_at - s->asked_at) / 1000) : "—");
        }
        tend(r);
    }
    hprintf(r, "<h2>%s</h2>\n", T(r, "Live sessions signed"));
    if (!c.nsigs) none(r);
    else {
        const char *h[] = {T(r, "Live session"), T(r, "Half-day"), T(r, "Signed at"), T(r, "Method")};
        thead(r, h, 4);
        for (int i = 0; i < c.nsigs; i++)
            hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", c.sigs[i].session_title,
                    str_eq(c.sigs[i].half_day, "am") ? T(r, "Morning") : T(r, "Afternoon"), text_moment(r, c.sigs[i].signed_at),
                    c.sigs[i].method);
        tend(r);
    }
    hprintf(r, "<h2>%s</h2>\n", T(r, "Signatures of distance units"));
    if (!c.usigs.n) none(r);
    else {
        const char *h[] = {T(r, "Unit"), T(r, "Signature"), T(r, "Signed at")};
        thead(r, h, 3);
        for (int i = 0; i < c.usigs.n; i++)
            hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", c.usigs.items[i].unit_title,
                    str_eq(c.usigs.items[i].kind, "start") ? T(r, "Start of the unit") : T(r, "End of the unit"),
                    text_moment(r, c.usigs.items[i].signed_at));
        tend(r);
    }
    hprintf(r, "<h2>%s</h2>\n", T(r, "Absences"));
    if (!c.absences.n) none(r);
    else {
        const char *h[] = {T(r, "Live session"), T(r, "Half-day"), T(r, "Date"), T(r, "Status")};
        thead(r, h, 4);
        for (int i = 0; i < c.absences.n; i++) {
            const Absence *x = &c.absences.items[i];
            hprintf(r, "<tr><td><a href=\"/o/%s/attendance/absences/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                    r->org->slug, (long long)x->id, x->session_title,
                    str_eq(x->half_day, "am") ? T(r, "Morning") : T(r, "Afternoon"), text_moment(r, x->starts_at),
                    abs_status_label(r, x->status));
        }
        tend(r);
    }
    hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "Times in UTC. Closed connection sessions are kept in the organisation's evidence ledger."));
    page_end(r);
}


/* ROUTE: GET /o/{org}/runs/{id}/learners/{uid}/record.csv */
void rec_csv_get(Req *r)
{
    ConnRecord c;
    if (!record_or_404(r, &c)) return;
    Buf b;
    buf_init(&b, 0);
    conn_record_csv(&c, &b);
    req_send_download(r, &b, "text/csv; charset=utf-8",
             arena_printf(r->arena, "connection-record-%lld-%lld.csv", (long long)c.run_id, (long long)c.user_id));
    buf_free(&b);
}

/* ROUTE: GET /o/{org}/runs/{id}/learners/{uid}/record.pdf */
void rec_pdf_get(Req *r)
{
    ConnRecord c;
    if (!record_or_404(r, &c)) return;
    Buf b;
    buf_init(&b, 0);
    if (conn_record_pdf(r->arena, &c, r->lang, &b) != LN_OK) {
        buf_free(&b);
        web_error(r, 500, "internal", T(r, "The connection record cannot be made now."));
        return;
    }
    req_send_download(r, &b, "application/pdf",
             arena_printf(r->arena, "%s-%lld-%lld.pdf", str_eq(r->lang, "fr") ? "releve-connexions" : "connection-record",
                          (long long)c.run_id, (long long)c.user_id));
    buf_free(&b);
}

static json_t *record_json(Req *r, const ConnRecord *cr)
{
    const ConnRecord c = *cr;
    json_t *sessions = json_array(), *units = json_array(), *attempts = json_array(), *assists = json_array(),
           *sigs = json_array(), *absences = json_array();
    for (int i = 0; i < c.act.nsessions; i++) {
        const ConnSession *s = &c.act.sessions[i];
        json_array_append_new(sessions, json_pack("{s:o,s:o,s:I,s:I,s:b,s:s}", "start", api_time(r->arena, s->start), "end",
                                                  api_time(r->arena, s->end), "active_ms", (json_int_t)s->active_ms, "beats",
                                                  (json_int_t)s->beats, "capped", s->capped, "ip", s->ip ? s->ip : ""));
    }
    for (int i = 0; i < c.nunits; i++)
        json_array_append_new(units, json_pack("{s:I,s:s,s:I,s:o}", "unit_id", (json_int_t)c.units[i].unit_id, "title",
                                               c.units[i].title, "active_ms", (json_int_t)c.units[i].active_ms, "last_at",
                                               api_time(r->arena, c.units[i].last_at)));
    for (int i = 0; i < c.nattempts; i++) {
        const RecAttempt *t = &c.attempts[i];
        json_t *j = json_pack("{s:s,s:s,s:I,s:s,s:o,s:o}", "unit_title", t->unit_title, "purpose", t->purpose,
                              "number", (json_int_t)t->number, "status", t->status, "started_at", api_time(r->arena, t->started_at), "submitted_at",
                              api_time(r->arena, t->submitted_at));
        json_object_set_new(j, "score", t->score >= 0 ? json_integer(t->score) : json_null());
        json_array_append_new(attempts, j);
    }
    for (int i = 0; i < c.nassists; i++) {
        const RecAssist *s = &c.assists[i];
        json_t *j = json_pack("{s:s,s:o,s:o}", "title", s->title, "asked_at", api_time(r->arena, s->asked_at),
                              "first_trainer_reply_at", api_time(r->arena, s->replied_at));
        json_object_set_new(j, "trainer", s->trainer ? json_string(s->trainer) : json_null());
        json_array_append_new(assists, j);
    }
    for (int i = 0; i < c.nsigs; i++)
        json_array_append_new(sigs, json_pack("{s:s,s:s,s:s,s:o}", "session_title", c.sigs[i].session_title, "half_day",
                                              c.sigs[i].half_day, "method", c.sigs[i].method, "signed_at",
                                              api_time(r->arena, c.sigs[i].signed_at)));
    json_t *usigs = json_array();
    for (int i = 0; i < c.usigs.n; i++)
        json_array_append_new(usigs, json_pack("{s:I,s:s,s:s,s:o}", "unit_id", (json_int_t)c.usigs.items[i].unit_id,
                                               "unit_title", c.usigs.items[i].unit_title, "kind", c.usigs.items[i].kind,
                                               "signed_at", api_time(r->arena, c.usigs.items[i].signed_at)));
    for (int i = 0; i < c.absences.n; i++) {
        const Absence *x = &c.absences.items[i];
        json_array_append_new(absences, json_pack("{s:I,s:s,s:s,s:o,s:s}", "id", (json_int_t)x->id, "session_title",
                                                  x->session_title, "half_day", x->half_day, "starts_at",
                                                  api_time(r->arena, x->starts_at), "status", x->status));
    }
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "run_id", (json_int_t)c.run_id,
                     "user_id", (json_int_t)c.user_id, "name", c.learner_name, "course", c.course_title, "run",
                     c.run_title, "active_ms", (json_int_t)c.act.active_ms, "sessions", sessions, "units", units,
                     "assessments", attempts, "assistance", assists, "signatures", sigs, "absences", absences, "unit_signatures", usigs);
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/learners/{uid}/record */
void api_rec_get(Req *r)
{
    ConnRecord c;
    if (record_or_404(r, &c)) api_json(r, 200, record_json(r, &c));
}

/* ---- per programme --------------------------------------------------------------- */

static bool programme_or_404(Req *r, ConnRecordSet *set, int64_t *pid, int64_t *uid)
{
    if (!req_path_id_or_404(r, "id", pid) || !req_path_id_or_404(r, "uid", uid)) return false;
    if ((*uid == r->user->id || access_reader(r))
        && conn_programme_load(r->db, r->arena, r->org->id, *pid, *uid, time_now_us(), set) == LN_OK)
        return true;
    web_error(r, 404, "not_found", T(r, "No such learner in this programme."));
    return false;
}

/* ROUTE: GET /o/{org}/programmes/{id}/learners/{uid}/record */
void rec_programme_page(Req *r)
{
    ConnRecordSet set;
    int64_t pid, uid;
    if (!programme_or_404(r, &set, &pid, &uid)) return;
    const char *base = arena_printf(r->arena, "/o/%s/programmes/%lld/learners/%lld/record", r->org->slug, (long long)pid,
                                    (long long)uid);
    int64_t total = 0;
    for (int i = 0; i < set.n; i++) total += set.items[i].act.active_ms;
    page_begin(r, T(r, "Connection record"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s <span class=\"muted\">· %s</span></h1>\n", set.title,
            T(r, "Connection record"), set.items[0].learner_name);
    hprintf(r, "<p class=\"lead\">%s: %s</p>\n", T(r, "Total active time"), dur(r, total));
    hprintf(r, "<p class=\"actions\"><a class=\"button secondary\" href=\"%s.pdf\" download>%s</a> "
               "<a class=\"button secondary\" href=\"%s.csv\" download>%s</a> "
               "<a class=\"button secondary\" href=\"/o/%s/programmes/%lld/learners/%lld/sheet.pdf\" download>%s</a>",
            base, T(r, "Download (PDF)"), base, T(r, "Download (CSV)"), r->org->slug, (long long)pid, (long long)uid,
            T(r, "Attendance sheet over the programme (PDF)"));
    if (access_reader(r))
        hprintf(r, " <a class=\"button secondary\" href=\"/o/%s/programmes/%lld/learners/%lld/audit-pack.zip\" download>%s</a>",
                r->org->slug, (long long)pid, (long long)uid, T(r, "Audit pack (ZIP)"));
    html_lit(r, "</p>\n");
    const char *h[] = {T(r, "Training course"), T(r, "Active time"), T(r, "Connection sessions"), T(r, "Assessments taken"),
                       T(r, "Live sessions signed"), T(r, "Absences")};
    thead(r, h, 6);
    for (int i = 0; i < set.n; i++) {
        const ConnRecord *c = &set.items[i];
        hprintf(r, "<tr><td><a href=\"/o/%s/runs/%lld/learners/%lld/record\">%s — %s</a></td><td>%s</td><td>%d</td>"
                   "<td>%d</td><td>%d</td><td>%d</td></tr>\n",
                r->org->slug, (long long)c->run_id, (long long)uid, c->course_title, c->run_title, dur(r, c->act.active_ms),
                c->act.nsessions, c->nattempts, c->nsigs, c->absences.n);
    }
    tend(r);
    page_end(r);
}

/* ROUTE: GET /o/{org}/programmes/{id}/learners/{uid}/record.csv */
void rec_programme_csv_get(Req *r)
{
    ConnRecordSet set;
    int64_t pid, uid;
    if (!programme_or_404(r, &set, &pid, &uid)) return;
    Buf b;
    buf_init(&b, 0);
    conn_records_csv(set.items, set.n, &b);
    req_send_download(r, &b, "text/csv; charset=utf-8",
             arena_printf(r->arena, "connection-record-programme-%lld-%lld.csv", (long long)pid, (long long)uid));
    buf_free(&b);
}

/* ROUTE: GET /o/{org}/programmes/{id}/learners/{uid}/record.pdf */
void rec_programme_pdf_get(Req *r)
{
    ConnRecordSet set;
    int64_t pid, uid;
    if (!programme_or_404(r, &set, &pid, &uid)) return;
    Buf b;
    buf_init(&b, 0);
    if (conn_records_pdf(r->arena, set.items, set.n, r->lang, &b) != LN_OK) {
        buf_free(&b);
        web_error(r, 500, "internal", T(r, "The connection record cannot be made now."));
        return;
    }
    req_send_download(r, &b, "application/pdf",
             arena_printf(r->arena, "%s-programme-%lld-%lld.pdf", str_eq(r->lang, "fr") ? "releve-connexions" : "connection-record",
                          (long long)pid, (long long)uid));
    buf_free(&b);
}

/* ROUTE: GET /api/v1/orgs/{org}/programmes/{id}/learners/{uid}/record */
void api_rec_programme_get(Req *r)
{
    ConnRecordSet set;
    int64_t pid, uid;
    if (!programme_or_404(r, &set, &pid, &uid)) return;
    json_t *runs = json_array();
    int64_t total = 0;
    for (int i = 0; i < set.n; i++) {
        json_array_append_new(runs, record_json(r, &set.items[i]));
        total += set.items[i].act.active_ms;
    }
    api_json(r, 200, json_pack("{s:I,s:s,s:I,s:I,s:o}", "programme_id", (json_int_t)pid, "title", set.title, "user_id",
                               (json_int_t)uid, "active_ms", (json_int_t)total, "runs", runs));
}
