/* ical_page.c — importing live sessions from an iCalendar (.ics) file: the
 * form on the run's sessions page, the preview with its errors by line, and
 * the JSON API (docs/attendance.md, "Import from a calendar"). */
#include "attendance/ical_page.h"
#include "attendance/ical_import.h"
#include "attendance/ical_feed.h"
#include "mail/mail.h"
#include "org/org.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

static bool run_or_404(Req *r, RunRef *run, bool api)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    if (api) api_error(r, 404, "not_found", "no such run in this organisation");
    else web_not_found(r);
    return false;
}

static bool zone_known(const char *zone)
{
    int off;
    return ical_zone_offset(zone, 0, &off);
}

static const char *offset_text(Arena *a, int64_t m)
{
    int64_t am = m < 0 ? -m : m;
    return arena_printf(a, "%c%02lld:%02lld", m < 0 ? '-' : '+', (long long)(am / 60), (long long)(am % 60));
}

static const char *when(Req *r, const SessionInput *in)
{
    char start[32], end[8];
    att_local_iso(in->starts_at, in->utc_offset_min, start, sizeof start);
    att_clock(in->ends_at, in->utc_offset_min, end, sizeof end);
    char *t = strchr(start, 'T');
    if (t) *t = ' ';
    return arena_printf(r->arena, "%s–%s (UTC%s)", start, end, offset_text(r->arena, in->utc_offset_min));
}

static const char *status_label(Req *r, IcalStatus s)
{
    return s == ICAL_NEW ? T(r, "to create") : s == ICAL_SAME ? T(r, "already imported")
                                                             : T(r, "changed in the calendar: not updated");
}

static void import_form(Req *r, const RunRef *run, const char *zone, const char *zone_err, const char *file_err)
{
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s</p>\n", T(r, "Import sessions from a calendar (.ics)"),
            T(r, "Export the course's events from Google Calendar, Outlook or Apple Calendar as an .ics file. "
                 "Each event, and each date of a repeating event, becomes a session; importing the same file again "
                 "adds only what is new. You see a preview first."));
    form_begin_upload(r, arena_printf(r->arena, "/o/%s/runs/%lld/sessions/ical", r->org->slug, (long long)run->id));
    hprintf(r, "<div class=\"field%s\"><label for=\"f-ics\">%s</label><input type=\"file\" id=\"f-ics\" name=\"file\" "
               "accept=\".ics,text/calendar\"", file_err ? " has-error" : "", T(r, "Calendar file"));
    if (file_err) hprintf(r, " aria-invalid=\"true\" aria-describedby=\"e-file\"><p class=\"field-error\" id=\"e-file\">%s</p>", file_err);
    else html_lit(r, ">");
    html_lit(r, "</div>\n");
    if (zone_err) form_input(r, "text", "zone", T(r, "Time zone (optional)"), zone, zone_err, "placeholder=\"Europe/Paris\" maxlength=\"64\"");
    else form_input(r, "text", "zone", T(r, "Time zone (optional)"), zone, NULL,
                    "placeholder=\"Europe/Paris\" maxlength=\"64\" aria-describedby=\"f-zone-help\"");
    hprintf(r, "<p class=\"hint\" id=\"f-zone-help\">%s</p>"
               "<input type=\"hidden\" name=\"utc_offset\" value=\"+00:00\" data-tz-offset>",
            T(r, "For times the file gives without a zone, and to show UTC times at local time. "
                 "Empty: the file's own zone, else your browser's offset."));
    form_submit(r, T(r, "Preview"));
    form_end(r);
    hprintf(r, "<p><a href=\"/runs/%lld/calendar\">%s</a></p></section>\n", (long long)run->id,
            T(r, "Subscribe to these sessions from a calendar"));
}

void ical_import_form(Req *r, const RunRef *run)
{
    import_form(r, run, NULL, NULL, NULL);
}

/* The form alone again, with the error next to its field (422). */
static void form_page(Req *r, const RunRef *run, const char *zone, const char *zone_err, const char *file_err)
{
    r->status = 422;
    page_begin(r, T(r, "Import sessions from a calendar (.ics)"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "Import sessions from a calendar (.ics)"), run->title);
    import_form(r, run, zone, zone_err, file_err);
    hprintf(r, "<p><a href=\"/o/%s/runs/%lld/sessions\">%s</a></p>", r->org->slug, (long long)run->id,
            T(r, "Back to the sessions"));
    page_end(r);
}

static void errors_page(Req *r, const RunRef *run, const IcalCalendar *cal)
{
    r->status = 422;
    page_begin(r, T(r, "Import preview"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p class=\"lead\" role=\"alert\">%s</p>\n<ul>",
            T(r, "Import preview"), run->title,
            T(r, "The calendar has errors: nothing was imported. Correct them and upload the file again."));
    for (int i = 0; i < cal->n_errors; i++) {
        const IcalError *e = &cal->errors[i];
        hprintf(r, "<li>%s %d: %s", T(r, "Line"), e->line, i18n_get(r->lang, e->message));
        if (e->detail) hprintf(r, " <code>%s</code>", e->detail);
        html_lit(r, "</li>\n");
    }
    hprintf(r, "</ul>\n<p><a href=\"/o/%s/runs/%lld/sessions\">%s</a></p>", r->org->slug, (long long)run->id,
            T(r, "Back to the sessions"));
    page_end(r);
}

static void preview_page(Req *r, const RunRef *run, const IcalReport *rep, const char *text, size_t len,
                         const char *zone, const char *offs)
{
    page_begin(r, T(r, "Import preview"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p class=\"lead\">%d %s · %d %s · %d %s</p>\n",
            T(r, "Import preview"), run->title, rep->added, T(r, "to create"), rep->same, T(r, "already imported"),
            rep->changed, T(r, "changed in the calendar: not updated"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>\n",
            T(r, "When"), T(r, "Title"), T(r, "Room or virtual classroom"), T(r, "Trainers"), T(r, "Line"), T(r, "Note"));
    for (int i = 0; i < rep->n; i++) {
        const IcalSession *s = &rep->sessions[i];
        hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s %s</td><td>", when(r, &s->in), s->in.title,
                str_eq(s->in.mode, "virtual") ? T(r, "Virtual classroom:") : T(r, "Room:"), s->in.place);
        for (int k = 0; k < s->n_trainers; k++) hprintf(r, "%s%s", k ? ", " : "", s->trainer_names[k]);
        hprintf(r, "</td><td>%d</td><td>%s</td></tr>\n", s->occ->line, status_label(r, s->status));
    }
    html_lit(r, "</tbody></table></div>\n");
    if (rep->added > 0) {
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/sessions/ical", r->org->slug, (long long)run->id));
        hprintf(r, "<input type=\"hidden\" name=\"apply\" value=\"1\"><input type=\"hidden\" name=\"zone\" value=\"%s\">"
                   "<input type=\"hidden\" name=\"utc_offset\" value=\"%s\"><textarea name=\"ics\" hidden>%s</textarea>",
                zone ? zone : "", offs ? offs : "+00:00", arena_strndup(r->arena, text, len));
        form_submit(r, arena_printf(r->arena, "%s (%d)", T(r, "Create the sessions"), rep->added));
        form_end(r);
    } else {
        hprintf(r, "<p>%s</p>", T(r, "Nothing new to import."));
    }
    hprintf(r, "<p><a href=\"/o/%s/runs/%lld/sessions\">%s</a></p>", r->org->slug, (long long)run->id,
            T(r, "Back to the sessions"));
    page_end(r);
}

/* ROUTE: POST /o/{org}/runs/{id}/sessions/ical — file or ics, zone, utc_offset; apply=1 to confirm */
void att_run_sessions_ical_post(Req *r)
{
    RunRef run;
    if (!run_or_404(r, &run, false)) return;
    size_t len;
    const char *text = req_file_or_field(r, "file", "ics", &len);
    bool apply = str_eq(req_form(r, "apply"), "1");
    const char *zone = str_trim(r->arena, req_form(r, "zone") ? req_form(r, "zone") : "");
    const char *offs = req_form(r, "utc_offset");
    int64_t off = 0;
    if (!str_empty(offs) && !att_parse_offset(offs, &off)) off = 0;
    if ((*zone && !zone_known(zone)) || !text || len == 0) {
        form_page(r, &run, zone,
                  *zone && !zone_known(zone) ? T(r, "Unknown time zone: write a name such as Europe/Paris, or leave it empty.") : NULL,
                  !text || len == 0 ? T(r, "Choose an .ics file to import.") : NULL);
        return;
    }
    IcalOptions opt = {.zone = *zone ? zone : NULL, .default_offset_min = off};
    IcalReport rep;
    int rc = attendance_import_ical(r->db, r->arena, &run, r->user->id, text, len, &opt, apply, time_now_us(), &rep);
    if (rc == LN_EINVAL) {
        errors_page(r, &run, &rep.cal);
        return;
    }
    if (rc == LN_ELIMIT) {
        web_error(r, 413, "too_large", T(r, "At most 2,000 sessions can be imported at once."));
        return;
    }
    if (rc == LN_EEXIST) {
        web_error(r, 409, "conflict", T(r, "This calendar was being imported at the same time: look at the sessions, then try again."));
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
    preview_page(r, &run, &rep, text, len, zone, offs);
}

/* ---- JSON ------------------------------------------------------------------ */

static const char *status_name(IcalStatus s)
{
    return s == ICAL_NEW ? "new" : s == ICAL_SAME ? "unchanged" : "changed";
}

static json_t *session_json(Req *r, const IcalSession *s)
{
    json_t *tr = json_array();
    for (int k = 0; k < s->n_trainers; k++) json_array_append_new(tr, json_integer(s->trainer_ids[k]));
    json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "uid", s->occ->uid, "recurrence",
                          s->occ->recurrence, "line", s->occ->line, "title", s->in.title, "mode", s->in.mode, "place",
                          s->in.place, "starts_at", api_time(r->arena, s->in.starts_at), "ends_at",
                          api_time(r->arena, s->in.ends_at), "utc_offset", offset_text(r->arena, s->in.utc_offset_min),
                          "status", status_name(s->status), "trainer_ids", tr);
    if (s->session_id) json_object_set_new(j, "session_id", json_integer(s->session_id));
    return j;
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/sessions/ical[?apply=1][&zone=Europe/Paris][&utc_offset=+01:00] — text/calendar */
void api_att_run_sessions_ical_post(Req *r)
{
    RunRef run;
    if (!run_or_404(r, &run, true)) return;
    bool apply = str_eq(req_query(r, "apply"), "1");
    const char *zone = req_query(r, "zone"), *offs = req_query(r, "utc_offset");
    int64_t off = 0;
    if (offs && !att_parse_offset(offs, &off)) {
        api_error(r, 422, "invalid", "utc_offset must look like +01:00");
        return;
    }
    if (!str_empty(zone) && !zone_known(zone)) {
        api_error(r, 422, "invalid", "zone must be a known time zone such as Europe/Paris");
        return;
    }
    IcalOptions opt = {.zone = str_empty(zone) ? NULL : zone, .default_offset_min = off};
    IcalReport rep;
    int rc = attendance_import_ical(r->db, r->arena, &run, r->user->id, r->body ? r->body : "", r->body_len, &opt, apply,
                                   time_now_us(), &rep);
    if (rc == LN_EINVAL) {
        json_t *lines = json_array();
        for (int i = 0; i < rep.cal.n_errors; i++) {
            json_t *e = json_pack("{s:i,s:s}", "line", rep.cal.errors[i].line, "message", rep.cal.errors[i].message);
            if (rep.cal.errors[i].detail) json_object_set_new(e, "text", json_string(rep.cal.errors[i].detail));
            json_array_append_new(lines, e);
        }
        api_json(r, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message",
                                   "the calendar has errors; nothing was imported", "lines", lines));
        return;
    }
    if (rc == LN_ELIMIT) { api_error(r, 413, "too_large", "at most 2,000 sessions (and 4 MB) at once"); return; }
    if (rc == LN_EEXIST) { api_error(r, 409, "conflict", "the same calendar was being imported at the same time; nothing was changed"); return; }
    if (rc != LN_OK) { api_error(r, 500, "internal", "the import failed on our side; nothing was changed"); return; }
    json_t *arr = json_array();
    for (int i = 0; i < rep.n; i++) json_array_append_new(arr, session_json(r, &rep.sessions[i]));
    api_json(r, apply && rep.added ? 201 : 200,
             json_pack("{s:b,s:i,s:i,s:i,s:o}", "applied", apply && rep.added > 0, "added", rep.added, "unchanged",
                       rep.same, "changed", rep.changed, "sessions", arr));
}

/* ---- the calendar feed ------------------------------------------------------ */

/* Enrolled in the run, or a trainer or administrator of its organisation. */
static bool feed_allowed(Db *db, const RunRef *run, int64_t user_id)
{
    if (enrolled(db, run->id, user_id)) return true;
    Role role = member_role(db, run->org_id, user_id);
    return role == ROLE_TRAINER || role == ROLE_ADMIN;
}

static bool feed_run(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, 0, id, run) == LN_OK && feed_allowed(r->db, run, r->user->id)) return true;
    web_not_found(r);
    return false;
}

static const char *feed_url(Req *r, const char *token)
{
    return arena_printf(r->arena, "%s/calendar/%s.ics", mail_base_url(r), token);
}

static const char *webcal_url(Req *r, const char *url)
{
    if (str_startswith(url, "https://")) return arena_printf(r->arena, "webcal://%s", url + 8);
    if (str_startswith(url, "http://")) return arena_printf(r->arena, "webcal://%s", url + 7);
    return url;
}

static void feed_page(Req *r, const RunRef *run, const char *token)
{
    page_begin(r, T(r, "The sessions in my calendar"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p class=\"lead\">%s</p>\n",
            T(r, "The sessions in my calendar"), run->title,
            T(r, "Subscribe to this link in Google Calendar (\"From URL\"), Outlook (\"Subscribe from web\") or Apple "
                 "Calendar (\"New calendar subscription\"): the run's live sessions appear there and stay up to date."));
    if (token) {
        const char *url = feed_url(r, token), *webcal = webcal_url(r, url);
        hprintf(r, "<div class=\"field\"><label for=\"f-feed\">%s</label><input type=\"text\" id=\"f-feed\" readonly "
                   "value=\"%s\" data-feed-url></div><p><a href=\"%s\">%s</a></p>\n",
                T(r, "Your calendar link"), url, webcal, T(r, "Open in my calendar app"));
        hprintf(r, "<p class=\"hint\">%s</p>\n",
                T(r, "Keep this link to yourself: anyone who has it sees the sessions' dates and places. It is shown only now."));
    }
    UsTime made = ical_feed_created_at(r->db, r->user->id, run->id);
    form_begin(r, arena_printf(r->arena, "/runs/%lld/calendar", (long long)run->id));
    if (made && !token) hprintf(r, "<p>%s</p>", T(r, "You already have a calendar link. A new one replaces it: the old one stops working."));
    form_submit(r, made ? T(r, "Make a new calendar link") : T(r, "Create my calendar link"));
    form_end(r);
    page_end(r);
}

/* ROUTE: GET /runs/{id}/calendar */
void att_run_calendar_page(Req *r)
{
    RunRef run;
    if (!feed_run(r, &run)) return;
    feed_page(r, &run, NULL);
}

/* ROUTE: POST /runs/{id}/calendar — a new secret link, shown once */
void att_run_calendar_post(Req *r)
{
    RunRef run;
    if (!feed_run(r, &run)) return;
    char token[ICAL_FEED_TOKEN_LEN + 1];
    if (ical_feed_create(r->db, r->user->id, run.id, time_now_us(), token) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Saving failed on our side; nothing was changed."));
        return;
    }
    feed_page(r, &run, token);
}

/* ROUTE: GET /calendar/{token} — TOKEN.ics, no sign-in: the token is the credential */
void att_calendar_feed_get(Req *r)
{
    char *token = arena_strdup(r->arena, req_path_param(r, "token"));
    size_t n = token ? strlen(token) : 0;
    if (n > 4 && str_eq(token + n - 4, ".ics")) token[n - 4] = 0;
    int64_t user_id = 0, run_id = 0;
    RunRef run;
    LiveSessionList l;
    if (ical_feed_lookup(r->db, token, &user_id, &run_id) != LN_OK || run_ref(r->db, r->arena, 0, run_id, &run) != LN_OK
        || !feed_allowed(r->db, &run, user_id)) {
        req_text(r, 404, "No such calendar: the link was replaced, or you no longer follow this course.\n");
        return;
    }
    if (attendance_session_list(r->db, r->arena, run.id, &l) != LN_OK) {
        req_text(r, 500, "The calendar cannot be read now.\n");
        return;
    }
    const char *org = l.n ? l.items[0].org_slug : "lectern";
    const char *name = l.n ? arena_printf(r->arena, "%s — %s", l.items[0].course_title, run.title) : run.title;
    r->status = 200;
    r->content_type = "text/calendar; charset=utf-8";
    buf_reset(&r->out);
    buf_puts(&r->out, ical_feed_write(r->arena, name, org, &l, time_now_us()));
    req_set_header(r, "Cache-Control", "private, no-cache");
    req_set_header(r, "Content-Disposition", "inline; filename=\"sessions.ics\"");
}

/* ROUTE: POST /api/v1/runs/{id}/calendar-feed — a new secret feed URL for the caller (replaces the old) */
void api_run_calendar_feed_post(Req *r)
{
    int64_t id;
    RunRef run;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (run_ref(r->db, r->arena, 0, id, &run) != LN_OK || !feed_allowed(r->db, &run, r->user->id)) {
        api_error(r, 404, "not_found", "no such run among yours");
        return;
    }
    char token[ICAL_FEED_TOKEN_LEN + 1];
    if (ical_feed_create(r->db, r->user->id, run.id, time_now_us(), token) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    const char *url = feed_url(r, token);
    api_json(r, 201, json_pack("{s:I,s:s,s:s}", "run_id", (json_int_t)run.id, "url", url, "webcal", webcal_url(r, url)));
}
