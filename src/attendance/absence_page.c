/* absence_page.c — pages of absences and justifications: a learner's
 * attendance and absences, the justification form, the justification queue
 * and the decision form (docs/attendance.md "Absences and justifications"). */
#include "attendance/absence.h"
#include "attendance/pages.h"
#include "content/content.h"
#include "http/access.h"
#include "http/range.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

/* ---- shared ------------------------------------------------------------------ */

const char *abs_status_label(Req *r, const char *status)
{
    if (str_eq(status, "pending")) return T(r, "Justification pending");
    if (str_eq(status, "accepted")) return T(r, "Justified (accepted)");
    if (str_eq(status, "rejected")) return T(r, "Justification rejected");
    return T(r, "Not justified");
}

static const char *half_text(Req *r, const char *h)
{
    return str_eq(h, "am") ? T(r, "Morning") : T(r, "Afternoon");
}

/* "2026-03-02 09:00–12:30" at the session's offset */
static const char *abs_when(Req *r, UsTime starts, UsTime ends, int64_t offset)
{
    char day[24], from[8], to[8];
    att_local_iso(starts, offset, day, sizeof day);
    day[10] = 0;
    att_clock(starts, offset, from, sizeof from);
    att_clock(ends, offset, to, sizeof to);
    return arena_printf(r->arena, "%s %s–%s", day, from, to);
}

/* The absence in the path, of this organisation, that the caller may see:
 * their own, or any for trainers, administrators and auditors.  404 else. */
static bool absence_or_404(Req *r, Absence *a)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (absence_load(r->db, r->arena, r->org->id, id, a) == LN_OK && (a->user_id == r->user->id || access_reader(r)))
        return true;
    web_not_found(r);
    return false;
}

static void absence_row(Req *r, const Absence *a, bool with_name)
{
    hprintf(r, "<tr>");
    if (with_name)
        hprintf(r, "<td data-label=\"%s\"><a href=\"/o/%s/runs/%lld/learners/%lld/record\" title=\"%s\">%s</a></td>",
                T(r, "Learner"), r->org->slug, (long long)a->run_id, (long long)a->user_id, T(r, "Connection record"),
                a->user_name);
    hprintf(r, "<td data-label=\"%s\">%s<br><span class=\"muted\">%s · %s</span></td><td data-label=\"%s\">%s<br>%s</td>"
               "<td data-label=\"%s\">%s</td><td><a href=\"/o/%s/attendance/absences/%lld\">%s</a></td></tr>\n",
            T(r, "Session"), a->session_title, a->course_title, a->run_title, T(r, "When"),
            abs_when(r, a->starts_at, a->ends_at, a->utc_offset_min), half_text(r, a->half_day), T(r, "Status"),
            abs_status_label(r, a->status), r->org->slug, (long long)a->id,
            str_eq(a->status, "unjustified") || str_eq(a->status, "rejected") ? T(r, "Justify") : T(r, "Details"));
}

static void absence_table(Req *r, const AbsenceList *l, bool with_name)
{
    html_lit(r, "<div class=\"table-wrap\"><table class=\"data stack\"><thead><tr>");
    if (with_name) hprintf(r, "<th scope=\"col\">%s</th>", T(r, "Learner"));
    hprintf(r, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\"></th>"
               "</tr></thead><tbody>\n", T(r, "Session"), T(r, "When"), T(r, "Status"));
    for (int i = 0; i < l->n; i++) absence_row(r, &l->items[i], with_name);
    html_lit(r, "</tbody></table></div>\n");
}

/* ======================================================================
 * The learner: my attendance
 * ==================================================================== */

/* ROUTE: GET /o/{org}/attendance/mine */
void abs_mine_page(Req *r)
{
    UsTime now = time_now_us();
    absence_record_pending(r->db, r->org->id, 0, now);     /* at first read */
    page_begin(r, T(r, "My attendance"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "My attendance"), r->org->name);
    /* sessions of my runs, with what I signed */
    MySessionList ms;
    absence_my_sessions(r->db, r->arena, r->org->id, r->user->id, &ms);
    if (ms.n)
        hprintf(r, "<h2>%s</h2><div class=\"table-wrap\"><table class=\"data stack\"><thead><tr><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                T(r, "Live sessions"), T(r, "Session"), T(r, "When"), T(r, "Attendance"));
    else hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No live session in your courses."));
    for (int i = 0; i < ms.n; i++) {
        const MySession *m = &ms.items[i];
        const char *halves[2];
        int nh = attendance_halves(&m->s, halves);
        AttWindow w = attendance_window(&m->s, now);
        const char *state = m->signatures >= nh ? T(r, "Signed")
                          : m->absences ? (m->signatures ? T(r, "Partly absent") : T(r, "Absent"))
                          : w == ATT_TOO_EARLY ? T(r, "Upcoming")
                          : w == ATT_OPEN ? T(r, "Signing open") : T(r, "Absent");
        hprintf(r, "<tr><td data-label=\"%s\">%s<br><span class=\"muted\">%s</span></td><td data-label=\"%s\">%s</td>"
                   "<td data-label=\"%s\">%s</td></tr>\n", T(r, "Session"), m->s.title, m->run_title, T(r, "When"),
                abs_when(r, m->s.starts_at, m->s.ends_at, m->s.utc_offset_min), T(r, "Attendance"), state);
    }
    if (ms.n) html_lit(r, "</tbody></table></div>\n");
    AbsenceFilter f = {.user_id = r->user->id};
    AbsenceList l;
    absence_list(r->db, r->arena, r->org->id, &f, &l);
    hprintf(r, "<h2>%s</h2>\n", T(r, "My absences"));
    if (l.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No absence."));
    else absence_table(r, &l, false);
    /* my connection records, one per run and one per programme */
    MyRecords rec;
    if (absence_my_records(r->db, r->arena, r->org->id, r->user->id, &rec) == LN_OK && rec.nruns) {
        hprintf(r, "<h2>%s</h2><ul>", T(r, "My connection records"));
        for (int i = 0; i < rec.nruns; i++)
            hprintf(r, "<li><a href=\"/o/%s/runs/%lld/learners/%lld/record\">%s — %s</a></li>", r->org->slug,
                    (long long)rec.runs[i].id, (long long)r->user->id, rec.runs[i].title, rec.runs[i].subtitle);
        for (int i = 0; i < rec.nprogrammes; i++)
            hprintf(r, "<li><a href=\"/o/%s/programmes/%lld/learners/%lld/record\">%s</a></li>", r->org->slug,
                    (long long)rec.programmes[i].id, (long long)r->user->id, rec.programmes[i].title);
        html_lit(r, "</ul>\n");
    }
    page_end(r);
}

/* ======================================================================
 * One absence: its justifications and decisions, the forms
 * ==================================================================== */

static void history(Req *r, int64_t absence_id)
{
    AbsenceHistory h;
    if (absence_history(r->db, r->arena, absence_id, &h) != LN_OK) return;
    for (int i = 0; i < h.n; i++) {
        const AbsenceEvent *e = &h.items[i];
        if (i == 0 || e->justification_id != h.items[i - 1].justification_id) {
            if (i) html_lit(r, "</ul></section>\n");
            hprintf(r, "<section class=\"card\"><h3>%s <span class=\"muted\">· ", T(r, "Justification"));
            html_moment(r, e->justified_at);
            hprintf(r, "</span></h3><p class=\"prewrap\">%s</p>", e->reason);
            if (e->media_id)
                hprintf(r, "<p><a href=\"/o/%s/attendance/justifications/%lld/file\">%s</a></p>", r->org->slug,
                        (long long)e->justification_id, e->filename);
            html_lit(r, "<ul>");
        }
        if (e->decision_id) {
            hprintf(r, "<li><strong>%s</strong> · %s · ",
                    str_eq(e->decision, "accepted") ? T(r, "Accepted") : T(r, "Rejected"), e->decided_by);
            html_moment(r, e->decided_at);
            hprintf(r, "%s%s%s</li>", e->comment[0] ? " — " : "", e->comment,
                    e->supersedes ? T(r, " (supersedes the previous decision)") : "");
        }
    }
    if (h.n) html_lit(r, "</ul></section>\n");
}

static void absence_render(Req *r, const Absence *a, const char *field, const char *error, const char *reason)
{
    page_begin(r, T(r, "Absence"));
    hprintf(r, "<p class=\"muted\">%s · %s</p><h1>%s</h1>\n<p class=\"lead\">%s · %s · %s</p>\n", a->course_title,
            a->run_title, a->session_title, a->user_name, abs_when(r, a->starts_at, a->ends_at, a->utc_offset_min),
            half_text(r, a->half_day));
    hprintf(r, "<p><strong>%s</strong></p>\n", abs_status_label(r, a->status));
    history(r, a->id);
    bool mine = a->user_id == r->user->id;
    if (mine && (str_eq(a->status, "unjustified") || str_eq(a->status, "rejected"))) {
        hprintf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "Justify this absence"));
        form_begin_upload(r, arena_printf(r->arena, "/o/%s/attendance/absences/%lld/justifications", r->org->slug,
                                          (long long)a->id));
        hprintf(r, "<div class=\"field%s\"><label for=\"f-reason\">%s</label><textarea id=\"f-reason\" name=\"reason\""
                   " rows=\"5\" required maxlength=\"2000\">%s</textarea>%s%s%s</div>"
                   "<div class=\"field\"><label for=\"f-file\">%s</label><input type=\"file\" id=\"f-file\" name=\"file\">"
                   "<p class=\"hint\">%s</p></div>",
                str_eq(field, "reason") ? " has-error" : "", T(r, "Reason"), reason ? reason : "",
                str_eq(field, "reason") ? "<p class=\"field-error\">" : "", str_eq(field, "reason") ? error : "",
                str_eq(field, "reason") ? "</p>" : "", T(r, "Supporting document (optional)"),
                T(r, "Such as a medical certificate. Only administrators and auditors of the organisation see it."));
        if (str_eq(field, "form")) hprintf(r, "<p class=\"field-error\">%s</p>", error);
        form_submit(r, T(r, "Send the justification"));
        form_end(r);
        html_lit(r, "</section>\n");
    }
    if (r->role == ROLE_ADMIN && a->justification_id) {
        hprintf(r, "<section class=\"card\"><h2>%s</h2>", a->decision_id ? T(r, "Change the decision") : T(r, "Decide"));
        form_begin(r, arena_printf(r->arena, "/o/%s/attendance/justifications/%lld/decisions", r->org->slug,
                                   (long long)a->justification_id));
        hprintf(r, "<fieldset class=\"field\"><legend>%s</legend>"
                   "<label><input type=\"radio\" name=\"decision\" value=\"accepted\" required> %s</label> "
                   "<label><input type=\"radio\" name=\"decision\" value=\"rejected\"> %s</label></fieldset>"
                   "<div class=\"field%s\"><label for=\"f-comment\">%s</label><textarea id=\"f-comment\" name=\"comment\""
                   " rows=\"3\" maxlength=\"2000\"></textarea>%s%s%s</div>",
                T(r, "Decision"), T(r, "Accept"), T(r, "Reject"), str_eq(field, "comment") ? " has-error" : "",
                T(r, "Comment (required to reject)"), str_eq(field, "comment") ? "<p class=\"field-error\">" : "",
                str_eq(field, "comment") ? error : "", str_eq(field, "comment") ? "</p>" : "");
        if (str_eq(field, "decision")) hprintf(r, "<p class=\"field-error\">%s</p>", error);
        form_submit(r, T(r, "Record the decision"));
        form_end(r);
        html_lit(r, "</section>\n");
    }
    page_end(r);
}

/* ROUTE: GET /o/{org}/attendance/absences/{id} */
void abs_absence_page(Req *r)
{
    Absence a;
    if (!absence_or_404(r, &a)) return;
    absence_render(r, &a, NULL, NULL, NULL);
}

/* Store the uploaded file, if any: LN_OK with *media_id (0: none). */
int abs_store_upload(Req *r, int64_t *media_id)
{
    *media_id = 0;
    const Part *p = req_part(r, "file");
    if (!p || !p->filename || !p->filename[0] || (!p->path && p->len == 0)) return LN_OK;
    Media m;
    int rc = media_store_part(r->app, r->db, r->arena, r->org->id, p, r->user->id, &m);
    if (rc == LN_OK) *media_id = m.id;
    return rc;
}

/* ROUTE: POST /o/{org}/attendance/absences/{id}/justifications */
void abs_justify_post(Req *r)
{
    Absence a;
    if (!absence_or_404(r, &a)) return;
    if (a.user_id != r->user->id) {
        web_forbidden(r);
        return;
    }
    const char *reason = req_form(r, "reason");
    int64_t media_id = 0, id = 0;
    const char *why = NULL;
    if (abs_store_upload(r, &media_id) != LN_OK) {
        r->status = 500;
        absence_render(r, &a, "form", T(r, "The file could not be stored; nothing was recorded. Try again."), reason);
        return;
    }
    int rc = absence_justify(r->db, &a, r->user->id, reason, media_id, time_now_us(), &id, &why);
    if (rc != LN_OK) {
        r->status = rc == LN_EINVAL ? 422 : rc == LN_EEXIST ? 409 : 500;
        absence_render(r, &a, rc == LN_EINVAL ? "reason" : "form", i18n_get(r->lang, why), reason);
        return;
    }
    page_flash(r, T(r, "Your justification was sent. An administrator will decide on it."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/attendance/absences/%lld", r->org->slug, (long long)a.id));
}

/* ROUTE: POST /o/{org}/attendance/justifications/{id}/decisions (administrators) */
void abs_decision_post(Req *r)
{
    int64_t jid, aid, id;
    Absence a;
    if (!req_path_id_or_404(r, "id", &jid)) return;
    if (absence_of_justification(r->db, r->org->id, jid, &aid) != LN_OK
        || absence_load(r->db, r->arena, r->org->id, aid, &a) != LN_OK) {
        web_not_found(r);
        return;
    }
    const char *why = NULL, *decision = req_form(r, "decision");
    int rc = absence_decide(r->db, r->org->id, jid, r->user->id, decision, req_form(r, "comment"), time_now_us(), &id, &why);
    if (rc != LN_OK) {
        r->status = rc == LN_EINVAL ? 422 : rc == LN_EEXIST ? 409 : 500;
        absence_render(r, &a, rc == LN_EINVAL && str_eq(decision, "rejected") ? "comment" : "decision", i18n_get(r->lang, why), NULL);
        return;
    }
    page_flash(r, T(r, "The decision was recorded."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/attendance/absences?status=pending", r->org->slug));
}

/* ROUTE: GET /o/{org}/attendance/justifications/{id}/file — the learner's own, or readers */
void abs_justification_file_get(Req *r)
{
    int64_t jid, aid, media_id = 0;
    Absence a;
    AbsenceHistory h;
    Media m;
    if (!req_path_id_or_404(r, "id", &jid)) return;
    if (absence_of_justification(r->db, r->org->id, jid, &aid) != LN_OK
        || absence_load(r->db, r->arena, r->org->id, aid, &a) != LN_OK || !(a.user_id == r->user->id || access_reader(r))
        || absence_history(r->db, r->arena, aid, &h) != LN_OK)
        h.n = 0;
    for (int i = 0; i < h.n; i++)
        if (h.items[i].justification_id == jid) media_id = h.items[i].media_id;
    if (!media_id || media_load(r->db, r->arena, r->org->id, media_id, &m) != LN_OK) {
        web_not_found(r);
        return;
    }
    req_set_header(r, "Cache-Control", "private, no-store");
    req_set_header(r, "X-Content-Type-Options", "nosniff");
    req_send_path(r, media_path(r->app, r->arena, m.sha256), arena_printf(r->arena, "\"%s\"", m.sha256),
                  "application/octet-stream", content_disposition(r->arena, true, m.filename));
}

/* ======================================================================
 * The queue (trainers, administrators, auditors)
 * ==================================================================== */

/* ROUTE: GET /o/{org}/attendance/absences[?status=&run=&session=] */
void abs_queue_page(Req *r)
{
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    const char *status = req_query(r, "status");
    if (status && !str_eq(status, "unjustified") && !str_eq(status, "pending") && !str_eq(status, "accepted")
        && !str_eq(status, "rejected"))
        status = NULL;
    int64_t run = 0, session = 0;
    const char *q = req_query(r, "run");
    if (q && (!str_to_i64(q, &run) || run < 0)) run = 0;
    if ((q = req_query(r, "session")) && (!str_to_i64(q, &session) || session < 0)) session = 0;
    absence_record_pending(r->db, r->org->id, run, time_now_us());
    AbsenceFilter f = {.run_id = run, .session_id = session, .status = status};
    AbsenceList l;
    absence_list(r->db, r->arena, r->org->id, &f, &l);
    page_begin(r, T(r, "Absences and justifications"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p>", T(r, "Absences and justifications"), r->org->name);
    const char *tabs[][2] = {{"pending", "Justification pending"}, {"unjustified", "Not justified"},
                             {"accepted", "Justified (accepted)"}, {"rejected", "Justification rejected"}, {"", "All"}};
    const char *keep = arena_printf(r->arena, "&run=%lld&session=%lld", (long long)run, (long long)session);
    for (size_t i = 0; i < LN_ARRAY_LEN(tabs); i++) {
        bool cur = status ? str_eq(status, tabs[i][0]) : !tabs[i][0][0];
        hprintf(r, "%s<a href=\"/o/%s/attendance/absences?status=%s%s\"%s>%s</a>", i ? " · " : "", r->org->slug,
                tabs[i][0], run || session ? keep : "", cur ? " aria-current=\"page\"" : "", i18n_get(r->lang, tabs[i][1]));
    }
    html_lit(r, "</p>\n");
    if (l.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No absence."));
    else absence_table(r, &l, true);
    page_end(r);
}
