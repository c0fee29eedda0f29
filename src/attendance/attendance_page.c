/* attendance_page.c — pages of live sessions: the staff's list, form and
 * CSV import, the live view (QR, kiosk, links), signing pages for learners
 * (personal link, QR) and trainers, signature images and fraud signals.
 * Everything works without script except drawing the signature. */
#include "attendance/pages.h"
#include "attendance/ical_page.h"
#include "attendance/departure.h"
#include "attendance/pdf.h"
#include "attendance/absence.h"
#include "account/account.h"
#include "http/access.h"
#include "http/range.h"
#include "mail/mail.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

/* ---- shared --------------------------------------------------------------- */

char *att_qr_url(Req *r, int64_t session_id, char token[ATT_QR_TOKEN_LEN + 1], int64_t *window)
{
    int secs = attendance_qr_seconds();
    int64_t w = attendance_qr_window(time_now_us(), secs);
    attendance_qr_token(r->app->secret, session_id, w, token);
    if (window) *window = w;
    return arena_printf(r->arena, "%s/sessions/%lld/sign?qr=%s", mail_base_url(r), (long long)session_id, token);
}

int att_refusal_status(int rc, const char *why, const char **code)
{
    switch (rc) {
    case LN_NOTFOUND: *code = "not_expected"; return 403;
    case LN_EPERM:
        *code = str_eq(why, "Signing has not opened yet.") ? "too_early" : "too_late";
        return 403;
    case LN_EEXIST:
        *code = str_eq(why, "This link was already used.") ? "link_used" : "already_signed";
        return str_eq(*code, "link_used") ? 410 : 409;
    case LN_EINVAL: *code = "invalid"; return 422;
    case LN_ELIMIT: *code = "too_large"; return 413;
    default: *code = "internal"; return 500;
    }
}

bool att_org_session_or_404(Req *r, LiveSession *s)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (attendance_session_load(r->db, r->arena, r->org->id, id, s) == LN_OK) return true;
    web_not_found(r);
    return false;
}

static bool org_run_or_404(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    web_not_found(r);
    return false;
}

static const char *offset_label(Req *r, int64_t m)
{
    int64_t am = m < 0 ? -m : m;
    return arena_printf(r->arena, "UTC%c%02lld:%02lld", m < 0 ? '-' : '+', (long long)(am / 60), (long long)(am % 60));
}

void att_when(Req *r, const LiveSession *s)
{
    char day[24], from[8], to[8];
    att_local_iso(s->starts_at, s->utc_offset_min, day, sizeof day);
    day[10] = 0;
    att_clock(s->starts_at, s->utc_offset_min, from, sizeof from);
    att_clock(s->ends_at, s->utc_offset_min, to, sizeof to);
    hprintf(r, "<time datetime=\"%s\">%s %s–%s</time> <span class=\"muted\">(%s)</span>", time_iso(r->arena, s->starts_at),
            day, from, to, offset_label(r, s->utc_offset_min));
}

const char *att_clock_at(Req *r, const LiveSession *s, UsTime t)
{
    char *b = arena_alloc(r->arena, 8);
    att_clock(t, s->utc_offset_min, b, 8);
    return b;
}

static void where(Req *r, const LiveSession *s)
{
    if (str_eq(s->mode, "virtual")) {
        hprintf(r, "%s", T(r, "Virtual classroom"));
        if ((str_startswith(s->place, "https://") || str_startswith(s->place, "http://")))
            hprintf(r, " · <a href=\"%s\" rel=\"noopener\" target=\"_blank\">%s</a>", s->place, T(r, "Join"));
    } else {
        hprintf(r, "%s", T(r, "In the room"));
        if (s->place[0]) hprintf(r, " · %s", s->place);
    }
}

void att_session_head(Req *r, const LiveSession *s)
{
    hprintf(r, "<p class=\"muted\">%s · %s</p>\n<h1>%s</h1>\n<p class=\"lead\">", s->course_title, s->run_title, s->title);
    att_when(r, s);
    html_lit(r, "<br>");
    where(r, s);
    html_lit(r, "</p>\n");
}

static const char *method_label(Req *r, const char *m)
{
    if (str_eq(m, "qr")) return T(r, "QR code");
    if (str_eq(m, "link")) return T(r, "personal link");
    if (str_eq(m, "kiosk")) return T(r, "kiosk");
    return m;
}

static const char *half_label(Req *r, const char *h)
{
    return str_eq(h, "am") ? T(r, "Morning") : T(r, "Afternoon");
}

/* The half-days a session covers: am, pm or both. */
static int session_halves(const LiveSession *s, const char *out[2])
{
    return attendance_halves(s, out);
}

/* The message of a refused signature, with the window's times. */
static const char *refusal_text(Req *r, const LiveSession *s, int rc, const char *why)
{
    const char *t = i18n_get(r->lang, why);
    if (rc != LN_EPERM) return t;
    bool early = attendance_window(s, time_now_us()) == ATT_TOO_EARLY;
    return arena_printf(r->arena, "%s %s %s (%s).", t, early ? T(r, "It opens at") : T(r, "It closed at"),
                        att_clock_at(r, s, early ? attendance_opens_at(s) : attendance_closes_at(s)),
                        offset_label(r, s->utc_offset_min));
}

/* The signature pad: a canvas the script turns into strokes JSON in a
 * hidden field.  Without script the form explains what is missing. */
void att_pad_form(Req *r, const char *action, const char *hidden, const char *value, const char *button)
{
    hprintf(r, "<form method=\"post\" action=\"%s\" class=\"sign-form\" data-signature data-empty=\"%s\">"
               "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", action, T(r, "Draw your signature in the box first."),
            access_csrf_token(r));
    if (hidden) hprintf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", hidden, value);
    hprintf(r, "<input type=\"hidden\" name=\"strokes\" value=\"\" data-strokes>"
               "<p id=\"pad-help\">%s</p>"
               "<div class=\"pad\"><canvas width=\"%d\" height=\"%d\" data-pad role=\"img\" aria-describedby=\"pad-help\""
               " aria-label=\"%s\"></canvas></div>"
               "<noscript><p class=\"alert\">%s</p></noscript>"
               "<p class=\"field-error\" data-pad-error hidden></p>"
               "<p class=\"pad-actions\"><button type=\"button\" class=\"button secondary\" data-pad-clear>%s</button> "
               "<button type=\"submit\" class=\"button\">%s</button></p></form>\n",
            T(r, "Draw your signature in the box with a finger, a pen or the mouse."), ATT_PAD_W, ATT_PAD_H,
            T(r, "Signature box"),
            T(r, "Drawing a signature needs JavaScript. Turn it on, or sign on the trainer's device."),
            T(r, "Clear"), button);
}

static void signed_page(Req *r, const LiveSession *s, const Signature *g, const char *name)
{
    page_begin(r, T(r, "Signed"));
    att_session_head(r, s);
    hprintf(r, "<p class=\"flash\" role=\"status\">✓ %s %s · %s %s (%s) · %s</p>\n", T(r, "Signed by"), name,
            half_label(r, g->half_day), att_clock_at(r, s, g->signed_at), offset_label(r, s->utc_offset_min),
            method_label(r, g->method));
    if (g->late_minutes > 0)
        hprintf(r, "<p class=\"muted\">%s %lld min</p>\n", T(r, "Recorded as late by"), (long long)g->late_minutes);
    hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "Your signature is recorded with the time of our server and kept as evidence of your attendance."));
    page_end(r);
}

void att_refuse_page(Req *r, const LiveSession *s, int rc, const char *why)
{
    const char *code;
    int status = att_refusal_status(rc, why, &code);
    web_error(r, status, code, s ? refusal_text(r, s, rc, why) : i18n_get(r->lang, why));
}

static const char *client_ua(Req *r)
{
    const char *ua = req_header(r, "user-agent");
    return ua ? ua : "";
}

/* Sign from a form (strokes field); answers the page. */
static void sign_from_form(Req *r, const LiveSession *s, int64_t user_id, const char *name, const char *role,
                           const char *method, int64_t device_user, int64_t link_id, const char *done_url)
{
    const char *strokes = req_form(r, "strokes");
    SignInput in = {.session = s, .user_id = user_id, .role = role, .method = method, .device_user_id = device_user,
                    .link_id = link_id, .ip = r->client_ip, .user_agent = client_ua(r), .strokes = strokes,
                    .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    Signature g;
    const char *why = NULL;
    int rc = attendance_sign(r->db, r->arena, &in, &g, &why);
    if (rc != LN_OK) {
        att_refuse_page(r, s, rc, why);
        return;
    }
    if (done_url) {
        page_flash(r, arena_printf(r->arena, "%s %s %s", name, T(r, "signed at"), att_clock_at(r, s, g.signed_at)));
        req_redirect(r, done_url);
        return;
    }
    signed_page(r, s, &g, name);
}

/* ======================================================================
 * Staff: sessions of a run
 * ==================================================================== */

typedef struct FormState {
    const char *title, *starts, *ends, *mode, *place, *grace, *offset, *unit;
    const char *field, *error;
} FormState;

static void sessions_render(Req *r, const RunRef *run, const FormState *fs)
{
    LiveSessionList l;
    attendance_session_list(r->db, r->arena, run->id, &l);
    AttendeeList ex;
    attendance_expected(r->db, r->arena, run->id, &ex);
    Course c;
    bool have_course = course_load(r->db, r->arena, run->course_id, &c) == LN_OK;
    page_begin(r, T(r, "Live sessions"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s <span class=\"muted\">· %s</span></h1>\n",
            have_course ? c.title : "", T(r, "Live sessions"), run->title);
    hprintf(r, "<p><a href=\"/o/%s/attendance/signals\">%s</a> · <a href=\"/o/%s/attendance/absences?run=%lld\">%s</a>"
               " · <a href=\"/o/%s/runs/%lld/unit-signing\">%s</a> · <a href=\"/o/%s/runs/%lld/certificates\">%s</a></p>\n",
            r->org->slug, T(r, "Fraud signals"), r->org->slug, (long long)run->id, T(r, "Absences and justifications"),
            r->org->slug, (long long)run->id, T(r, "Signatures of distance units"), r->org->slug, (long long)run->id,
            T(r, "Certificates of completion"));
    if (l.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No live session yet."));
    else {
        /* all the sheets: one PDF per session in a ZIP, or one PDF to print */
        html_lit(r, "<div class=\"card-actions\">");
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/sheets", r->org->slug, (long long)run->id));
        form_submit(r, T(r, "All the attendance sheets (ZIP)"));
        form_end(r);
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/sheets", r->org->slug, (long long)run->id));
        html_lit(r, "<input type=\"hidden\" name=\"format\" value=\"pdf\">");
        form_submit_as(r, T(r, "All the sheets in one PDF, to print"), "secondary");
        form_end(r);
        html_lit(r, "</div>\n");
        hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                T(r, "Session"), T(r, "When"), T(r, "Where"), T(r, "Signed"));
        for (int i = 0; i < l.n; i++) {
            LiveSession *s = &l.items[i];
            hprintf(r, "<tr><td><a href=\"/o/%s/sessions/%lld\">%s</a></td><td>", r->org->slug, (long long)s->id, s->title);
            att_when(r, s);
            html_lit(r, "</td><td>");
            where(r, s);
            hprintf(r, "</td><td>%lld / %d</td></tr>\n", (long long)attendance_signed_count(r->db, s->id, "learner"), ex.n);
        }
        html_lit(r, "</tbody></table></div>\n");
    }
    /* New session */
    const char *f = fs ? fs->field : NULL, *err = fs ? fs->error : NULL;
    hprintf(r, "<div class=\"layout-2\"><section class=\"card\"><h2>%s</h2>", T(r, "New live session"));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/sessions", r->org->slug, (long long)run->id));
    form_input(r, "text", "title", T(r, "Title"), fs ? fs->title : NULL, str_eq(f, "title") ? err : NULL, "required maxlength=\"200\"");
    form_input(r, "datetime-local", "starts_at", T(r, "Starts"), fs ? fs->starts : NULL, str_eq(f, "starts_at") ? err : NULL, "required");
    form_input(r, "datetime-local", "ends_at", T(r, "Ends"), fs ? fs->ends : NULL, str_eq(f, "ends_at") ? err : NULL, "required");
    hprintf(r, "<div class=\"field%s\"><label for=\"f-utc_offset\">%s</label><input type=\"text\" id=\"f-utc_offset\""
               " name=\"utc_offset\" value=\"%s\" pattern=\"[+-][0-9]{2}:?[0-9]{2}\" data-tz-offset>"
               "<p class=\"hint\">%s</p>%s%s%s</div>\n",
            str_eq(f, "utc_offset") ? " has-error" : "", T(r, "Time zone (offset from UTC)"),
            fs && fs->offset ? fs->offset : "+00:00", T(r, "Such as +01:00 for Paris in winter; filled in from your browser."),
            str_eq(f, "utc_offset") ? "<p class=\"field-error\">" : "", str_eq(f, "utc_offset") ? err : "",
            str_eq(f, "utc_offset") ? "</p>" : "");
    bool virt = fs && str_eq(fs->mode, "virtual");
    hprintf(r, "<div class=\"field\"><label for=\"f-mode\">%s</label><select id=\"f-mode\" name=\"mode\">"
               "<option value=\"room\"%s>%s</option><option value=\"virtual\"%s>%s</option></select></div>\n",
            T(r, "Where"), virt ? "" : " selected", T(r, "In the room"), virt ? " selected" : "", T(r, "Virtual classroom"));
    form_input(r, "text", "place", T(r, "Room, or the virtual classroom's link"), fs ? fs->place : NULL,
               str_eq(f, "place") ? err : NULL, "maxlength=\"500\"");
    form_input(r, "number", "grace_minutes", T(r, "Minutes to sign after the end"), fs && fs->grace ? fs->grace : "30",
               str_eq(f, "grace_minutes") ? err : NULL, "min=\"0\" max=\"720\"");
    LiveUnit *units;
    int nu = 0;
    if (attendance_live_units(r->db, r->arena, run->course_id, &units, &nu) == LN_OK && nu > 0) {
        hprintf(r, "<div class=\"field\"><label for=\"f-unit\">%s</label><select id=\"f-unit\" name=\"unit_id\">"
                   "<option value=\"\">%s</option>", T(r, "Live-session unit of the outline"), T(r, "None"));
        for (int i = 0; i < nu; i++) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)units[i].id);
            hprintf(r, "<option value=\"%s\"%s>%s</option>", id, fs && str_eq(fs->unit, id) ? " selected" : "", units[i].title);
        }
        html_lit(r, "</select></div>\n");
    }
    if (str_eq(f, "form") && err) hprintf(r, "<p class=\"field-error\">%s</p>", err);
    form_submit(r, T(r, "Create the session"));
    form_end(r);
    html_lit(r, "</section>\n");
    /* CSV import */
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s</p><pre class=\"sample\" tabindex=\"0\">title,starts_at,ends_at,mode,place\n"
               "Kick-off,2026-03-02T09:00+01:00,2026-03-02T12:30+01:00,room,Room 4\n"
               "Q&amp;A,2026-03-09T14:00+01:00,2026-03-09T15:00+01:00,virtual,https://meet.example.org/abc</pre>\n",
            T(r, "Import sessions from CSV"),
            T(r, "One session per line: title, start, end (ISO dates), room or virtual, place or link. You see a preview first."));
    form_begin_upload(r, arena_printf(r->arena, "/o/%s/runs/%lld/sessions/import", r->org->slug, (long long)run->id));
    hprintf(r, "<div class=\"field\"><label for=\"f-file\">%s</label><input type=\"file\" id=\"f-file\" name=\"file\" accept=\".csv,text/csv\"></div>"
               "<div class=\"field\"><label for=\"f-csv\">%s</label><textarea id=\"f-csv\" name=\"csv\" rows=\"5\"></textarea></div>"
               "<input type=\"hidden\" name=\"utc_offset\" value=\"+00:00\" data-tz-offset>",
            T(r, "CSV file"), T(r, "Or paste the lines here"));
    form_submit(r, T(r, "Preview"));
    form_end(r);
    html_lit(r, "</section>\n");
    ical_import_form(r, run);
    html_lit(r, "</div>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/sessions */
void att_run_sessions_page(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    sessions_render(r, &run, NULL);
}

/* Read the form into `in`; false with fs->field / fs->error set. */
static bool session_form(Req *r, FormState *fs, SessionInput *in)
{
    memset(in, 0, sizeof *in);
    fs->title = req_form(r, "title");
    fs->starts = req_form(r, "starts_at");
    fs->ends = req_form(r, "ends_at");
    fs->mode = req_form(r, "mode");
    fs->place = req_form(r, "place");
    fs->grace = req_form(r, "grace_minutes");
    fs->offset = req_form(r, "utc_offset");
    fs->unit = req_form(r, "unit_id");
    in->title = fs->title ? str_trim(r->arena, fs->title) : NULL;
    in->mode = fs->mode ? fs->mode : "room";
    in->place = fs->place ? str_trim(r->arena, fs->place) : "";
    in->grace_minutes = -1;
    if (!str_empty(fs->grace) && (!str_to_i64(fs->grace, &in->grace_minutes) || in->grace_minutes < 0)) {
        fs->field = "grace_minutes";
        fs->error = T(r, "The grace period must be between 0 and 720 minutes.");
        return false;
    }
    int64_t off = 0;
    if (!str_empty(fs->offset) && !att_parse_offset(fs->offset, &off)) {
        fs->field = "utc_offset";
        fs->error = T(r, "The time zone offset is not valid.");
        return false;
    }
    in->utc_offset_min = off;
    if (!att_parse_time(fs->starts, off, &in->starts_at, &in->utc_offset_min)) {
        fs->field = "starts_at";
        fs->error = T(r, "Give the date and time the session starts.");
        return false;
    }
    if (!att_parse_time(fs->ends, in->utc_offset_min, &in->ends_at, NULL)) {
        fs->field = "ends_at";
        fs->error = T(r, "Give the date and time the session ends.");
        return false;
    }
    if (!str_empty(fs->unit) && (!str_to_i64(fs->unit, &in->unit_id) || in->unit_id < 0)) in->unit_id = -1;
    const char *msg, *field = session_check(in, &msg);
    if (field) {
        fs->field = field;
        fs->error = i18n_get(r->lang, msg);
        return false;
    }
    return true;
}

/* ROUTE: POST /o/{org}/runs/{id}/sessions */
void att_run_sessions_post(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    FormState fs = {0};
    SessionInput in;
    int64_t id = 0;
    if (session_form(r, &fs, &in)) {
        int rc = attendance_session_create(r->db, &run, &in, r->user->id, time_now_us(), &id);
        if (rc == LN_OK) {
            page_flash(r, T(r, "The session is created."));
            req_redirect(r, arena_printf(r->arena, "/o/%s/sessions/%lld", r->org->slug, (long long)id));
            return;
        }
        fs.field = "form";
        fs.error = rc == LN_EINVAL ? T(r, "Choose a live-session unit of this course.")
                                   : T(r, "Saving failed on our side; nothing was changed.");
    }
    r->status = 422;
    sessions_render(r, &run, &fs);
}

/* ROUTE: POST /o/{org}/runs/{id}/sessions/import — file or csv; apply=1 to confirm */
void att_run_sessions_import_post(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    size_t len;
    const char *csv = req_file_or_field(r, "file", "csv", &len);
    bool apply = str_eq(req_form(r, "apply"), "1");
    int64_t off = 0;
    const char *offs = req_form(r, "utc_offset");
    if (!str_empty(offs) && !att_parse_offset(offs, &off)) off = 0;
    SessionReport rep;
    int rc = attendance_import_csv(r->db, r->arena, &run, r->user->id, csv, len, off, apply, &rep);
    if (rc == LN_EINVAL || rc == LN_ELIMIT) {
        web_error(r, rc == LN_ELIMIT ? 413 : 422, "invalid", rc == LN_ELIMIT
                  ? T(r, "At most 2,000 sessions can be imported at once.") : T(r, "The file is not UTF-8 text."));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "The import failed on our side; nothing was changed."));
        return;
    }
    if (apply) {
        page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Sessions created:"), rep.added));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/sessions", r->org->slug, (long long)run.id));
        return;
    }
    page_begin(r, T(r, "Import preview"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p class=\"lead\">%d %s · %d %s</p>\n",
            T(r, "Import preview"), run.title, rep.added, T(r, "to create"), rep.errors, T(r, "rejected"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
            T(r, "Line"), T(r, "Title"), T(r, "Starts"), T(r, "Ends"), T(r, "Note"));
    for (int i = 0; i < rep.n; i++) {
        SessionLine *l = &rep.lines[i];
        hprintf(r, "<tr class=\"%s\"><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                l->ok ? "" : "row-error", l->line, l->title, l->starts, l->ends,
                l->ok ? T(r, "to create") : i18n_get(r->lang, l->message));
    }
    html_lit(r, "</tbody></table></div>\n");
    if (rep.added > 0) {
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/sessions/import", r->org->slug, (long long)run.id));
        hprintf(r, "<input type=\"hidden\" name=\"apply\" value=\"1\"><input type=\"hidden\" name=\"utc_offset\" value=\"%s\">"
                   "<textarea name=\"csv\" hidden>%s</textarea>", offs ? offs : "+00:00", arena_strndup(r->arena, csv, len));
        form_submit(r, T(r, "Create the sessions"));
        form_end(r);
    }
    hprintf(r, "<p><a href=\"/o/%s/runs/%lld/sessions\">%s</a></p>", r->org->slug, (long long)run.id, T(r, "Back to the sessions"));
    page_end(r);
}

/* ======================================================================
 * Staff: the live view
 * ==================================================================== */

static const Signature *find_sig(const SignatureList *l, int64_t user, const char *half)
{
    for (int i = 0; i < l->n; i++)
        if (l->items[i].user_id == user && str_eq(l->items[i].half_day, half)) return &l->items[i];
    return NULL;
}

static void sig_cell(Req *r, const LiveSession *s, const Signature *g, const char *half)
{
    hprintf(r, "<td data-half=\"%s\">", half);
    if (g) {
        hprintf(r, "<img class=\"sig\" src=\"/o/%s/signatures/%lld/image\" alt=\"%s %s\" width=\"150\" height=\"50\">"
                   "<span class=\"sig-meta\">%s · %s", r->org->slug, (long long)g->id, T(r, "Signature of"), g->user_name,
                att_clock_at(r, s, g->signed_at), method_label(r, g->method));
        if (g->late_minutes > 0) hprintf(r, " · %s %lld min", T(r, "late"), (long long)g->late_minutes);
        html_lit(r, "</span>");
    } else hprintf(r, "<span class=\"muted\">%s</span>", T(r, "Not signed"));
    html_lit(r, "</td>");
}

static void people_table(Req *r, const LiveSession *s, const AttendeeList *ppl, const SignatureList *sigs,
                         const char *halves[2], int nh, const char *kind)
{
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\" data-people=\"%s\"><thead><tr><th scope=\"col\">%s</th>",
            kind, T(r, "Name"));
    for (int h = 0; h < nh; h++) hprintf(r, "<th scope=\"col\">%s</th>", half_label(r, halves[h]));
    html_lit(r, "</tr></thead><tbody>\n");
    for (int i = 0; i < ppl->n; i++) {
        hprintf(r, "<tr data-user=\"%lld\"><td>%s</td>", (long long)ppl->items[i].user_id, ppl->items[i].name);
        for (int h = 0; h < nh; h++) sig_cell(r, s, find_sig(sigs, ppl->items[i].user_id, halves[h]), halves[h]);
        html_lit(r, "</tr>\n");
    }
    html_lit(r, "</tbody></table></div>\n");
}

static const char *window_text(Req *r, const LiveSession *s, AttWindow w)
{
    const char *off = offset_label(r, s->utc_offset_min);
    if (w == ATT_TOO_EARLY)
        return arena_printf(r->arena, "%s %s (%s)", T(r, "Signing opens at"), att_clock_at(r, s, attendance_opens_at(s)), off);
    if (w == ATT_OPEN)
        return arena_printf(r->arena, "%s %s (%s)", T(r, "Signing is open until"), att_clock_at(r, s, attendance_closes_at(s)), off);
    return arena_printf(r->arena, "%s %s (%s)", T(r, "Signing closed at"), att_clock_at(r, s, attendance_closes_at(s)), off);
}

/* ROUTE: GET /o/{org}/sessions/{id} */
void att_session_page(Req *r)
{
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    AttendeeList ex, tr;
    SignatureList sigs;
    attendance_expected(r->db, r->arena, s.run_id, &ex);
    attendance_trainers(r->db, r->arena, s.id, &tr);
    attendance_signatures(r->db, r->arena, s.id, &sigs);
    const char *halves[2];
    int nh = session_halves(&s, halves);
    AttWindow w = attendance_window(&s, time_now_us());
    int64_t nsigned = attendance_signed_count(r->db, s.id, "learner");

    page_begin(r, s.title);
    att_session_head(r, &s);
    hprintf(r, "<div class=\"att-live\" data-live=\"/api/v1/orgs/%s/sessions/%lld/attendance\" data-signed-label=\"%s\""
               " data-unsigned-label=\"%s\" data-late-label=\"%s\" data-image-alt=\"%s\" data-m-qr=\"%s\""
               " data-m-link=\"%s\" data-m-kiosk=\"%s\" data-utc-offset=\"%lld\">\n",
            r->org->slug, (long long)s.id, T(r, "signed"), T(r, "Not signed"), T(r, "late"), T(r, "Signature of"),
            method_label(r, "qr"), method_label(r, "link"), method_label(r, "kiosk"), (long long)s.utc_offset_min);
    hprintf(r, "<p class=\"notice\" data-window>%s</p>\n", window_text(r, &s, w));
    if (w != ATT_TOO_LATE) {
        char token[ATT_QR_TOKEN_LEN + 1];
        char *url = att_qr_url(r, s.id, token, NULL);
        hprintf(r, "<section class=\"card qr-panel\" data-qr=\"/api/v1/orgs/%s/sessions/%lld/qr\" data-qr-seconds=\"%d\">"
                   "<h2>%s</h2><img class=\"qr\" src=\"/o/%s/sessions/%lld/qr\" alt=\"%s\" width=\"320\" height=\"320\" data-qr-image>"
                   "<p class=\"qr-url\"><a href=\"%s\" data-qr-url>%s</a></p><p class=\"muted\">%s</p>"
                   "<noscript><p class=\"muted\">%s</p></noscript></section>\n",
                r->org->slug, (long long)s.id, attendance_qr_seconds(), T(r, "Scan to sign"), r->org->slug, (long long)s.id,
                T(r, "QR code to sign the attendance sheet"), url, url,
                T(r, "The code changes every few seconds: a photo of an old code does not work."),
                T(r, "Reload the page to show a fresh code."));
    }
    hprintf(r, "<p class=\"actions\"><a class=\"button secondary\" href=\"/o/%s/sessions/%lld/kiosk\">%s</a> ",
            r->org->slug, (long long)s.id, T(r, "Kiosk mode"));
    hprintf(r, "<a class=\"button secondary\" href=\"/o/%s/sessions/%lld/sheet.pdf\" download>%s</a> ",
            r->org->slug, (long long)s.id, T(r, "Attendance sheet (PDF)"));
    hprintf(r, "<a class=\"button secondary\" href=\"%s\" data-verify>%s</a> ", att_sheet_verify_url(r, s.id),
            T(r, "Public verification page"));
    if (w == ATT_TOO_LATE)
        hprintf(r, "<a class=\"button secondary\" href=\"/o/%s/attendance/absences?session=%lld\">%s</a> ", r->org->slug,
                (long long)s.id, T(r, "Absences and justifications"));
    if (attendance_is_trainer(r->db, s.id, r->user->id) && w == ATT_OPEN)
        hprintf(r, "<a class=\"button secondary\" href=\"/o/%s/sessions/%lld/sign\">%s</a> ", r->org->slug, (long long)s.id,
                T(r, "Sign as trainer"));
    html_lit(r, "</p>\n");
    if (w != ATT_TOO_LATE) {
        form_begin(r, arena_printf(r->arena, "/o/%s/sessions/%lld/links", r->org->slug, (long long)s.id));
        hprintf(r, "<button type=\"submit\" class=\"button secondary\">%s</button> <span class=\"muted\">%s</span>",
                T(r, "Send the signing links now"),
                T(r, "Each expected learner who has not signed gets a personal single-use link by e-mail."));
        form_end(r);
    }
    hprintf(r, "<h2>%s <span class=\"muted\"><span data-count-signed>%lld</span> / <span data-count-expected>%d</span></span></h2>\n",
            T(r, "Learners"), (long long)nsigned, ex.n);
    if (ex.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No learner is enrolled in this session's run."));
    else people_table(r, &s, &ex, &sigs, halves, nh, "learners");
    hprintf(r, "<h2>%s</h2>\n", T(r, "Trainers"));
    if (tr.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No trainer is named for this session."));
    else people_table(r, &s, &tr, &sigs, halves, nh, "trainers");
    hprintf(r, "</div>\n<p><a href=\"/o/%s/runs/%lld/sessions\">%s</a> · <a href=\"/o/%s/attendance/signals?session=%lld\">%s</a></p>\n",
            r->org->slug, (long long)s.run_id, T(r, "All sessions of this run"), r->org->slug, (long long)s.id,
            T(r, "Fraud signals"));
    page_end(r);
}

/* ROUTE: GET /o/{org}/sessions/{id}/sheet.pdf — the attendance sheet (trainers, administrators, auditors) */
void att_sheet_pdf_get(Req *r)
{
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    /* The QR code of the sheet links to its public verification page. */
    const char *verify = att_sheet_verify_url(r, s.id);
    Buf pdf;
    buf_init(&pdf, 0);
    int rc = attendance_sheet_pdf_lang(r->db, r->arena, r->org->id, s.id, verify, r->lang, &pdf);
    if (rc != LN_OK) {
        buf_free(&pdf);
        web_error(r, 500, "internal", T(r, "The attendance sheet cannot be made now."));
        return;
    }
    req_send_download(r, &pdf, "application/pdf",
                      arena_printf(r->arena, "%s-%lld.pdf", str_eq(r->lang, "fr") ? "feuille-emargement" : "attendance-sheet",
                                   (long long)s.id));
    buf_free(&pdf);
}

/* ROUTE: GET /o/{org}/sessions/{id}/qr — the current code as an SVG image */
void att_session_qr_get(Req *r)
{
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    char token[ATT_QR_TOKEN_LEN + 1];
    char *svg = attendance_qr_svg(r->arena, att_qr_url(r, s.id, token, NULL));
    if (!svg) {
        req_text(r, 500, "The QR code cannot be drawn now.\n");
        return;
    }
    r->status = 200;
    r->content_type = "image/svg+xml";
    buf_reset(&r->out);
    buf_puts(&r->out, svg);
    req_set_header(r, "Cache-Control", "no-store");
    req_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
}

/* ROUTE: POST /o/{org}/sessions/{id}/links */
void att_session_links_post(Req *r)
{
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    int sent = 0;
    int rc = attendance_send_links(r->db, mail_base_url(r), &s, time_now_us(), &sent);
    if (rc == LN_EPERM) page_flash(r, T(r, "Signing for this session is closed."));
    else if (rc != LN_OK) page_flash(r, T(r, "The links could not be sent; try again."));
    else page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Signing links e-mailed:"), sent));
    req_redirect(r, arena_printf(r->arena, "/o/%s/sessions/%lld", r->org->slug, (long long)s.id));
}

/* ======================================================================
 * Staff: kiosk mode and the trainer's own signature
 * ==================================================================== */

/* ROUTE: GET /o/{org}/sessions/{id}/kiosk */
void att_kiosk_page(Req *r)
{
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    AttendeeList ex;
    SignatureList sigs;
    DepartureList gone;
    attendance_expected(r->db, r->arena, s.run_id, &ex);
    attendance_signatures(r->db, r->arena, s.id, &sigs);
    attendance_departures(r->db, r->arena, s.id, 0, &gone);
    const char *half = attendance_half_day(&s, time_now_us());
    AttWindow w = attendance_window(&s, time_now_us());
    page_begin(r, T(r, "Kiosk mode"));
    att_session_head(r, &s);
    hprintf(r, "<p class=\"notice\">%s · %s</p>\n", window_text(r, &s, w), half_label(r, half));
    hprintf(r, "<p>%s</p>\n", T(r, "Hand this device to each learner in turn: they tap their name and sign."));
    hprintf(r, "<ul class=\"kiosk-list\">\n");
    for (int i = 0; i < ex.n; i++) {
        const Signature *g = find_sig(&sigs, ex.items[i].user_id, half);
        if (g) {
            hprintf(r, "<li><span>%s</span> <span class=\"badge done\">✓ %s</span>", ex.items[i].name,
                    att_clock_at(r, &s, g->signed_at));
            const Departure *d = departure_find(&gone, ex.items[i].user_id);
            const char *why;
            if (d)
                hprintf(r, " <span class=\"muted\">%s %s</span>", T(r, "left at"), att_clock_at(r, &s, d->signed_at));
            else if (attendance_depart_check(r->db, &s, ex.items[i].user_id, time_now_us(), &why) == LN_OK)
                hprintf(r, " <a href=\"/o/%s/sessions/%lld/kiosk/%lld/depart\">%s</a>", r->org->slug, (long long)s.id,
                        (long long)ex.items[i].user_id, T(r, "Early departure"));
            html_lit(r, "</li>\n");
        }
        else if (w == ATT_OPEN)
            hprintf(r, "<li><a class=\"button secondary\" href=\"/o/%s/sessions/%lld/kiosk/%lld\">%s</a></li>\n",
                    r->org->slug, (long long)s.id, (long long)ex.items[i].user_id, ex.items[i].name);
        else hprintf(r, "<li><span>%s</span> <span class=\"muted\">%s</span></li>\n", ex.items[i].name, T(r, "Not signed"));
    }
    hprintf(r, "</ul>\n<p><a href=\"/o/%s/sessions/%lld\">%s</a></p>\n", r->org->slug, (long long)s.id, T(r, "Back to the live view"));
    page_end(r);
}

bool att_kiosk_learner(Req *r, const LiveSession *s, Attendee *who)
{
    int64_t uid;
    if (!req_path_id_or_404(r, "uid", &uid)) return false;
    AttendeeList ex;
    attendance_expected(r->db, r->arena, s->run_id, &ex);
    for (int i = 0; i < ex.n; i++)
        if (ex.items[i].user_id == uid) {
            *who = ex.items[i];
            return true;
        }
    web_error(r, 404, "not_expected", T(r, "This person is not expected at this session."));
    return false;
}

/* ROUTE: GET /o/{org}/sessions/{id}/kiosk/{uid} */
void att_kiosk_sign_page(Req *r)
{
    LiveSession s;
    Attendee who;
    if (!att_org_session_or_404(r, &s) || !att_kiosk_learner(r, &s, &who)) return;
    page_begin(r, T(r, "Sign"));
    att_session_head(r, &s);
    hprintf(r, "<h2>%s %s</h2>\n", T(r, "Signature of"), who.name);
    att_pad_form(r, arena_printf(r->arena, "/o/%s/sessions/%lld/kiosk/%lld", r->org->slug, (long long)s.id,
                             (long long)who.user_id), NULL, NULL, T(r, "Sign"));
    hprintf(r, "<p><a href=\"/o/%s/sessions/%lld/kiosk\">%s</a></p>\n", r->org->slug, (long long)s.id, T(r, "Back to the list"));
    page_end(r);
}

/* ROUTE: POST /o/{org}/sessions/{id}/kiosk/{uid} */
void att_kiosk_sign_post(Req *r)
{
    LiveSession s;
    Attendee who;
    if (!att_org_session_or_404(r, &s) || !att_kiosk_learner(r, &s, &who)) return;
    sign_from_form(r, &s, who.user_id, who.name, "learner", "kiosk", r->user->id, 0,
                   arena_printf(r->arena, "/o/%s/sessions/%lld/kiosk", r->org->slug, (long long)s.id));
}

/* ROUTE: GET /o/{org}/sessions/{id}/sign — the trainer signs */
void att_trainer_sign_page(Req *r)
{
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    if (!attendance_is_trainer(r->db, s.id, r->user->id)) {
        web_error(r, 403, "not_expected", T(r, "You are not a trainer of this session."));
        return;
    }
    page_begin(r, T(r, "Sign as trainer"));
    att_session_head(r, &s);
    hprintf(r, "<h2>%s %s</h2>\n", T(r, "Signature of"), r->user->name);
    att_pad_form(r, arena_printf(r->arena, "/o/%s/sessions/%lld/sign", r->org->slug, (long long)s.id), NULL, NULL, T(r, "Sign"));
    page_end(r);
}

/* ROUTE: POST /o/{org}/sessions/{id}/sign */
void att_trainer_sign_post(Req *r)
{
    LiveSession s;
    if (!att_org_session_or_404(r, &s)) return;
    sign_from_form(r, &s, r->user->id, r->user->name, "trainer", "kiosk", r->user->id, 0,
                   arena_printf(r->arena, "/o/%s/sessions/%lld", r->org->slug, (long long)s.id));
}

/* ROUTE: GET /o/{org}/signatures/{id}/image — the SVG drawn from the stored numbers */
void att_signature_image_get(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    char *svg, *sha;
    int rc = attendance_signature_image(r->db, r->arena, r->org->id, id, &svg, &sha);
    if (rc == LN_NOTFOUND) {
        web_not_found(r);
        return;
    }
    if (rc != LN_OK) {
        req_text(r, 500, "The signature cannot be drawn now.\n");
        return;
    }
    r->status = 200;
    r->content_type = "image/svg+xml";
    buf_reset(&r->out);
    buf_puts(&r->out, svg);
    req_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    req_set_header(r, "Cache-Control", "private, max-age=86400, immutable");    /* a signature never changes */
    req_set_header(r, "ETag", arena_printf(r->arena, "\"%s\"", sha));
}

/* ROUTE: GET /o/{org}/attendance/signals[?session=ID] */
void att_signals_page(Req *r)
{
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    int64_t sid = 0;
    const char *q = req_query(r, "session");
    if (q && (!str_to_i64(q, &sid) || sid < 0)) sid = 0;
    FraudList fl;
    attendance_fraud_signals(r->db, r->arena, r->org->id, sid, &fl);
    page_begin(r, T(r, "Fraud signals"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p class=\"lead\">%s</p>\n", T(r, "Fraud signals"), r->org->name,
            T(r, "Signatures an auditor would question. A signal is a reason to look, not a verdict."));
    if (fl.n == 0) {
        hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No signal."));
        page_end(r);
        return;
    }
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
            T(r, "Signal"), T(r, "Learner"), T(r, "Session"), T(r, "Signed"), T(r, "Details"));
    for (int i = 0; i < fl.n; i++) {
        FraudSignal *f = &fl.items[i];
        const char *label = str_eq(f->kind, "identical_image") ? T(r, "Identical signature image")
                          : str_eq(f->kind, "one_ip_burst") ? T(r, "Many learners from one address within a minute")
                          : T(r, "Signed on the trainer's device");
        hprintf(r, "<tr data-kind=\"%s\"><td>%s</td><td>%s</td><td><a href=\"/o/%s/sessions/%lld\">%s</a></td><td>",
                f->kind, label, f->user_name, r->org->slug, (long long)f->session_id, f->session_title);
        html_date(r, f->signed_at);
        hprintf(r, " %s</td><td><img class=\"sig\" src=\"/o/%s/signatures/%lld/image\" alt=\"%s %s\" width=\"150\" height=\"50\"> ",
                time_iso(r->arena, f->signed_at) + 11, r->org->slug, (long long)f->signature_id, T(r, "Signature of"), f->user_name);
        if (str_eq(f->kind, "one_ip_burst")) hprintf(r, "%s · %lld %s", f->ip, (long long)f->count, T(r, "learners"));
        else hprintf(r, "<a href=\"/o/%s/signatures/%lld/image\">%s</a>", r->org->slug, (long long)f->other_id,
                     T(r, "the other signature"));
        html_lit(r, "</td></tr>\n");
    }
    html_lit(r, "</tbody></table></div>\n");
    page_end(r);
}

/* ======================================================================
 * Learners: personal link and QR
 * ==================================================================== */

/* The link of the path, checked; answers and returns false when it cannot sign. */
static bool link_or_refuse(Req *r, SignLink *lk, LiveSession *s)
{
    const char *tok = req_path_param(r, "token");
    int rc = attendance_link_lookup(r->db, tok, lk);
    if (rc == LN_OK) rc = attendance_session_load(r->db, r->arena, 0, lk->session_id, s);
    if (rc != LN_OK) {
        web_error(r, 404, "link_invalid", T(r, "This signing link is not valid. Use the latest link you received, "
                                            "or scan the code shown in the session."));
        return false;
    }
    if (r->user && r->user->id != lk->user_id) {
        web_error(r, 403, "not_your_link", T(r, "This signing link was sent to someone else: only that person can sign with it."));
        return false;
    }
    if (lk->used_at) {
        web_error(r, 410, "link_used", T(r, "This link was already used."));
        return false;
    }
    AttWindow w = attendance_window(s, time_now_us());
    if (w != ATT_OPEN) {
        att_refuse_page(r, s, LN_EPERM, w == ATT_TOO_EARLY ? "Signing has not opened yet." : "Signing for this session is closed.");
        return false;
    }
    return true;
}

/* ROUTE: GET /sign/{token} */
void att_link_page(Req *r)
{
    SignLink lk;
    LiveSession s;
    if (!link_or_refuse(r, &lk, &s)) return;
    char *name = user_name_of(r->db, r->arena, lk.user_id);
    page_begin(r, T(r, "Sign the attendance sheet"));
    att_session_head(r, &s);
    hprintf(r, "<h2>%s %s</h2>\n", T(r, "Signature of"), name ? name : "");
    att_pad_form(r, arena_printf(r->arena, "/sign/%s", req_path_param(r, "token")), NULL, NULL, T(r, "Sign"));
    page_end(r);
}

/* ROUTE: POST /sign/{token} */
void att_link_post(Req *r)
{
    SignLink lk;
    LiveSession s;
    if (!link_or_refuse(r, &lk, &s)) return;
    char *name = user_name_of(r->db, r->arena, lk.user_id);
    sign_from_form(r, &s, lk.user_id, name ? name : "", "learner", "link", r->user ? r->user->id : 0, lk.id, NULL);
}

static bool qr_session(Req *r, LiveSession *s)
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
    AttWindow w = attendance_window(s, time_now_us());
    if (w != ATT_OPEN) {
        att_refuse_page(r, s, LN_EPERM, w == ATT_TOO_EARLY ? "Signing has not opened yet." : "Signing for this session is closed.");
        return false;
    }
    return true;
}

/* ROUTE: GET /sessions/{id}/sign?qr=TOKEN — opened by scanning the trainer's code */
void att_qr_page(Req *r)
{
    LiveSession s;
    if (!qr_session(r, &s)) return;
    UsTime now = time_now_us();
    if (!attendance_qr_check(r->app->secret, s.id, req_query(r, "qr"), now, attendance_qr_seconds())) {
        web_error(r, 403, "qr_invalid", T(r, "This code has expired or is not valid: scan the code shown now."));
        return;
    }
    page_begin(r, T(r, "Sign the attendance sheet"));
    att_session_head(r, &s);
    hprintf(r, "<h2>%s %s</h2>\n", T(r, "Signature of"), r->user->name);
    att_pad_form(r, arena_printf(r->arena, "/sessions/%lld/sign", (long long)s.id), "scan",
             attendance_scan_proof(r->arena, r->app->secret, s.id, r->user->id, now), T(r, "Sign"));
    page_end(r);
}

/* ROUTE: POST /sessions/{id}/sign — scan (the proof of a recent scan), strokes */
void att_qr_post(Req *r)
{
    LiveSession s;
    if (!qr_session(r, &s)) return;
    if (!attendance_scan_check(r->app->secret, s.id, r->user->id, req_form(r, "scan"), time_now_us())) {
        web_error(r, 403, "qr_invalid", T(r, "This code has expired or is not valid: scan the code shown now."));
        return;
    }
    sign_from_form(r, &s, r->user->id, r->user->name, "learner", "qr", r->user->id, 0, NULL);
}

/* ======================================================================
 * The unit player: a live-session unit shows its sessions
 * ==================================================================== */

void att_unit_render(Req *r, const RunRef *run, int64_t unit_id)
{
    LiveSessionList l;
    if (attendance_sessions_of_unit(r->db, r->arena, run->id, unit_id, &l) != LN_OK) return;
    if (l.n == 0) {
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No date is set for this live session yet."));
        return;
    }
    html_lit(r, "<ul class=\"plain live-sessions\">");
    for (int i = 0; i < l.n; i++) {
        hprintf(r, "<li><div><strong>%s</strong><br>", l.items[i].title);     /* one grid cell (.plain) */
        att_when(r, &l.items[i]);
        html_lit(r, "<br>");
        where(r, &l.items[i]);
        const char *why;        /* a learner who signed in and may sign out */
        if (r->user && attendance_depart_check(r->db, &l.items[i], r->user->id, time_now_us(), &why) == LN_OK)
            hprintf(r, "<br><a href=\"/sessions/%lld/depart\">%s</a>", (long long)l.items[i].id,
                    T(r, "Leaving early? Sign your departure"));
        html_lit(r, "</div></li>");
    }
    hprintf(r, "</ul><p class=\"muted\">%s</p>",
            T(r, "Sign the attendance sheet during the session: scan the code the trainer shows, or open the link e-mailed to you."));
    hprintf(r, "<p><a href=\"/runs/%lld/calendar\">%s</a></p>", (long long)run->id, T(r, "Add the sessions to my calendar"));
}
