/* external_page.c — external activities on screen (external.h): the run's
 * list with the LRS's address, declaring one, each learner's record with
 * its verdict, validating it; and the learner's own page.  Reading: the
 * run's trainers, administrators and auditors (access_reader); declaring
 * and validating: trainers and administrators (route table). */
#include "xapi/pages.h"
#include "xapi/report.h"
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "certificate/certificate.h"
#include "http/access.h"
#include "http/range.h"
#include "mail/mail.h"
#include "web/html.h"
#include "web/i18n.h"

/* "1 h 05 min", or "—" when nothing was reported */
static const char *ms_text(Req *r, int64_t ms)
{
    return ms < 0 ? "—" : cert_duration(r->arena, (ms + 30000) / 60000);
}

static void verdict_badge(Req *r, ExtVerdict v)
{
    const char *look = v == EXT_PLAUSIBLE ? " done" : v == EXT_TOO_FAST || v == EXT_NO_TIME ? " wrong" : "";
    hprintf(r, "<span class=\"badge%s\" data-verdict=\"%s\">%s</span>", look, ext_verdict_code(v),
            i18n_get(r->lang, ext_verdict_text(v)));
}

static void run_heading(Req *r, const RunRef *run, const char *title)
{
    page_begin(r, arena_printf(r->arena, "%s — %s", title, run->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/progress\">%s</a></p><h1>%s <span class=\"muted\">· %s</span></h1>\n",
            r->org->slug, (long long)run->id, T(r, "Progress"), title, run->title);
}

LrsSender report_sender(Req *r)
{
    return (LrsSender){r->org->id, 0, arena_printf(r->arena, "%s (report import)", r->user->name),
                       arena_printf(r->arena, "user-%lld", (long long)r->user->id), mail_base_url(r)};
}

/* ---- the run's activities ------------------------------------------------------- */

/* The fields of an activity, declaring one or changing it. */
static void activity_form(Req *r, const char *action, const char *button, const ExtInput *in, const char *field,
                          const char *why)
{
    form_begin(r, action);
#define ERR(f) (str_eq(field, f) ? why : NULL)
    form_input(r, "text", "title", T(r, "Title"), in->title, ERR("title"), "required maxlength=\"200\"");
    form_input(r, "text", "platform", T(r, "Platform"), in->platform, ERR("platform"), "required maxlength=\"200\"");
    form_input(r, "url", "url", T(r, "Address of the course for learners (optional)"), in->url, ERR("url"), "");
    form_input(r, "url", "iri", T(r, "Activity identifier in the platform's xAPI statements"), in->iri, ERR("iri"),
               "required");
    form_input(r, "number", "minutes", T(r, "Declared duration, in minutes"), in->minutes, ERR("minutes"),
               "required min=\"1\" max=\"100000\"");
#undef ERR
    form_submit(r, button);
    form_end(r);
}

static void add_form(Req *r, const RunRef *run, const ExtInput *in, const char *field, const char *why)
{
    hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2>\n", T(r, "Declare an external activity"));
    activity_form(r, arena_printf(r->arena, "/o/%s/runs/%lld/external", r->org->slug, (long long)run->id),
                  T(r, "Declare"), in, field, why);
    html_lit(r, "</section>\n");
}

/* Changing or deleting the activity; `typed`: a refused change, with the
 * field at fault. */
static void edit_form(Req *r, const RunRef *run, const ExtActivity *act, const ExtInput *typed, const char *field,
                      const char *why)
{
    const char *base = arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld", r->org->slug, (long long)run->id,
                                    (long long)act->id);
    ExtInput now = {act->title, act->platform, act->url, act->iri, arena_printf(r->arena, "%lld", (long long)act->minutes)};
    hprintf(r, "<details class=\"card narrow-form\"%s><summary>%s</summary>\n", typed ? " open" : "",
            T(r, "Change or delete the activity"));
    activity_form(r, arena_printf(r->arena, "%s/edit", base), T(r, "Save"), typed ? typed : &now, field, why);
    form_begin(r, arena_printf(r->arena, "%s/delete", base));
    hprintf(r, "<p class=\"hint\">%s</p>", T(r, "An activity whose records are validated, or that has certificates sent, cannot be deleted: they are evidence."));
    form_submit_as(r, T(r, "Delete the activity"), "danger small");
    form_end(r);
    html_lit(r, "</details>\n");
}

static void list_render(Req *r, const RunRef *run, const ExtInput *in, const char *field, const char *why)
{
    ExtActivity *acts;
    int n;
    if (ext_list(r->db, r->arena, r->org->id, run->id, &acts, &n) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    run_heading(r, run, T(r, "External activities"));
    hprintf(r, "<p class=\"lead\">%s</p>\n",
            T(r, "Courses this run includes on other platforms (an external MOOC). Their xAPI statements show who did what and for how long; each learner's record is checked against the declared duration, then validated by a trainer, and the validated time counts on the certificate."));
    if (n) {
        hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "</tr></thead><tbody>",
                T(r, "Activity"), T(r, "Platform"), T(r, "Declared duration"), T(r, "Completed"), T(r, "Validated"),
                T(r, "Identifier"));
        for (int i = 0; i < n; i++) {
            ExtTally t = {0};
            ext_tally(r->db, r->arena, &acts[i], &t);
            hprintf(r, "<tr><td><a href=\"/o/%s/runs/%lld/external/%lld\">%s</a></td><td>%s</td><td>%s</td>"
                       "<td>%lld / %lld</td><td>%lld</td><td><code>%s</code></td></tr>", r->org->slug, (long long)run->id,
                    (long long)acts[i].id, acts[i].title, acts[i].platform, cert_duration(r->arena, acts[i].minutes),
                    (long long)t.completed, (long long)t.learners, (long long)t.validated, acts[i].iri);
        }
        html_lit(r, "</tbody></table></div>\n");
    } else {
        hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No external activity in this run."));
    }
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s <code>%s/xapi/</code></p><p>%s</p></section>\n",
            T(r, "Connecting the platform"), T(r, "The platform sends its xAPI statements to"), mail_base_url(r),
            T(r, "It signs in with HTTP Basic: any user name, and as password an API token of a trainer or an administrator of this organisation (Administration → API tokens). Learners are recognised by the e-mail address of their account (mbox, or an account name that is the address)."));
    if (access_role_at_least(r, ROLE_TRAINER)) add_form(r, run, in, field, why);
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/external */
void external_list_page(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    list_render(r, &run, &(ExtInput){0}, NULL, NULL);
}

/* ROUTE: POST /o/{org}/runs/{id}/external — title, platform, url, iri, minutes */
void external_add_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    ExtInput in = {req_form(r, "title"), req_form(r, "platform"), req_form(r, "url"), req_form(r, "iri"),
                   req_form(r, "minutes")};
    int64_t id;
    const char *field, *why;
    int rc = ext_add(r->db, r->org->id, run.id, r->user->id, &in, time_now_us(), &id, &field, &why);
    if (rc == LN_EINVAL || rc == LN_EEXIST) {
        r->status = rc == LN_EEXIST ? 409 : 422;
        list_render(r, &run, &in, field, i18n_get(r->lang, why));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "The external activity is declared."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld", r->org->slug, (long long)run.id,
                                 (long long)id));
}

/* ---- one activity: the learners' records ------------------------------------------ */

/* The activity of the path in the run of the path; 404 otherwise. */
static bool activity_of_path(Req *r, RunRef *run, ExtActivity *act)
{
    int64_t aid;
    if (!reader_run_of_path(r, run) || !req_path_id_or_404(r, "aid", &aid)) return false;
    if (ext_load(r->db, r->arena, r->org->id, run->id, aid, act) == LN_OK) return true;
    web_not_found(r);
    return false;
}

static void result_cell(Req *r, const ExtRecord *x)
{
    if (x->completed_at) {
        hprintf(r, "%s ", T(r, "Completed on"));
        html_date(r, x->completed_at);
    }
    if (x->passed >= 0) hprintf(r, "<br>%s", x->passed ? T(r, "passed") : T(r, "failed"));
    if (x->has_score) hprintf(r, " · %s", text_percent(r, x->score_milli));
    if (x->attestation_id)
        hprintf(r, "<br><a href=\"/external/attestations/%lld\">%s</a>", (long long)x->attestation_id,
                T(r, "Certificate sent by the learner"));
}

/* The validation, or the form to validate (trainers, administrators). */
static void validation_cell(Req *r, const RunRef *run, const ExtActivity *act, const ExtRecord *x, int64_t err_user,
                            const char *field, const char *why)
{
    if (x->validation_id) {
        hprintf(r, "<strong>%s</strong><br><span class=\"muted\">%s, ", cert_duration(r->arena, x->accepted_minutes),
                x->validated_by);
        html_date(r, x->validated_at);
        hprintf(r, " · %s %lld</span>", T(r, "ledger entry"), (long long)x->ledger_seq);
        if (!str_empty(x->note)) hprintf(r, "<br>%s", x->note);
        if (!access_role_at_least(r, ROLE_TRAINER)) return;
        bool bad = x->user_id == err_user && str_eq(field, "reason");
        hprintf(r, "<details class=\"revoke\"%s><summary>%s</summary>", bad ? " open" : "", T(r, "Revoke…"));
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld/revoke", r->org->slug, (long long)run->id,
                                   (long long)act->id));
        hprintf(r, "<input type=\"hidden\" name=\"user_id\" value=\"%lld\"><div class=\"field%s\"><label for=\"r-%lld\">%s</label>"
                   "<input id=\"r-%lld\" name=\"reason\" maxlength=\"500\" required%s></div>",
                (long long)x->user_id, bad ? " has-error" : "", (long long)x->user_id, T(r, "Reason"), (long long)x->user_id,
                bad ? " aria-invalid=\"true\"" : "");
        if (bad) hprintf(r, "<p class=\"field-error\" role=\"alert\">%s</p>", why);
        form_submit_as(r, T(r, "Revoke the validation"), "danger small");
        form_end(r);
        html_lit(r, "</details>");
        return;
    }
    if (!access_role_at_least(r, ROLE_TRAINER)) {
        hprintf(r, "<span class=\"muted\">%s</span>", T(r, "Not validated"));
        return;
    }
    bool bad = x->user_id == err_user;
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld/validate", r->org->slug, (long long)run->id,
                               (long long)act->id));
    hprintf(r, "<input type=\"hidden\" name=\"user_id\" value=\"%lld\">", (long long)x->user_id);
    hprintf(r, "<div class=\"field%s\"><label for=\"m-%lld\">%s</label><input id=\"m-%lld\" name=\"minutes\" type=\"number\""
               " min=\"1\" max=\"100000\" value=\"%lld\"%s></div>",
            bad && str_eq(field, "minutes") ? " has-error" : "", (long long)x->user_id, T(r, "Minutes accepted"),
            (long long)x->user_id, (long long)ext_default_minutes(act, x),
            bad && str_eq(field, "minutes") ? " aria-invalid=\"true\"" : "");
    hprintf(r, "<div class=\"field%s\"><label for=\"n-%lld\">%s</label><textarea id=\"n-%lld\" name=\"note\" rows=\"2\""
               " maxlength=\"2000\"%s></textarea></div>",
            bad && str_eq(field, "note") ? " has-error" : "", (long long)x->user_id,
            x->verdict == EXT_PLAUSIBLE ? T(r, "Note (optional)") : T(r, "What you checked (required)"),
            (long long)x->user_id, bad && str_eq(field, "note") ? " aria-invalid=\"true\"" : "");
    if (bad) hprintf(r, "<p class=\"field-error\" role=\"alert\">%s</p>", why);
    form_submit_as(r, T(r, "Validate"), "small");
    form_end(r);
}

/* Uploading the platform's report (report.h). */
static void report_form(Req *r, const RunRef *run, const ExtActivity *act)
{
    hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2><p class=\"hint\">%s</p>\n",
            T(r, "Import the platform's report"),
            T(r, "A CSV file with a first line naming its columns: email (required), minutes (total time spent), completed_at (a date; empty when not completed), score (percent) and passed (yes or no). Each line of a learner of this run becomes a statement of this activity; importing the same report again adds nothing."));
    form_begin_upload(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld/report", r->org->slug,
                                      (long long)run->id, (long long)act->id));
    hprintf(r, "<div class=\"field\"><label for=\"report-file\">%s</label><input id=\"report-file\" name=\"file\" type=\"file\""
               " accept=\".csv,text/csv\" required></div>", T(r, "Report (CSV)"));
    form_submit_as(r, T(r, "Preview the import"), "secondary");
    form_end(r);
    html_lit(r, "</section>\n");
}

/* err_user: the learner whose form was refused (field, why); -1: the change
 * of the activity (`typed`). */
static void activity_render(Req *r, const RunRef *run, const ExtActivity *act, int64_t err_user, const char *field,
                            const char *why, const ExtInput *typed)
{
    ExtRecord *recs;
    int n;
    int64_t unknown;
    if (ext_records(r->db, r->arena, act, &recs, &n, &unknown) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    run_heading(r, run, act->title);
    hprintf(r, "<p><a href=\"/o/%s/runs/%lld/external\">%s</a></p>\n", r->org->slug, (long long)run->id,
            T(r, "External activities"));
    hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd><code>%s</code></dd>",
            T(r, "Platform"), act->platform, T(r, "Declared duration"), cert_duration(r->arena, act->minutes),
            T(r, "Identifier"), act->iri);
    if (!str_empty(act->url)) hprintf(r, "<dt>%s</dt><dd><a href=\"%s\" rel=\"noopener\">%s</a></dd>", T(r, "Address"), act->url, act->url);
    html_lit(r, "</dl>\n");
    hprintf(r, "<p class=\"muted\">%s</p>\n",
            T(r, "A record is plausible when the platform reports at least half of the declared duration. Validate what you have checked: the time accepted counts on the certificate, and the validation is entered in the evidence ledger."));
    if (unknown)
        hprintf(r, "<p class=\"notice\">%lld %s</p>\n", (long long)unknown,
                T(r, "statement(s) for this activity name no learner of this run: check the e-mail addresses the platform sends."));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>",
            T(r, "Learner"), T(r, "Statements"), T(r, "Time reported"), T(r, "Result"), T(r, "Verdict"),
            T(r, "Validation"));
    for (int i = 0; i < n; i++) {
        const ExtRecord *x = &recs[i];
        hprintf(r, "<tr id=\"learner-%lld\"><td>%s<br><span class=\"muted\">%s</span></td><td>%lld", (long long)x->user_id,
                x->name, x->email, (long long)x->statements);
        if (x->statements) {
            html_lit(r, "<br><span class=\"muted\">");
            html_date(r, x->first);
            html_lit(r, " – ");
            html_date(r, x->last);
            html_lit(r, "</span>");
        }
        hprintf(r, "</td><td>%s</td><td>", ms_text(r, x->reported_ms));
        result_cell(r, x);
        html_lit(r, "</td><td>");
        verdict_badge(r, x->verdict);
        html_lit(r, "</td><td>");
        validation_cell(r, run, act, x, err_user, field, why);
        html_lit(r, "</td></tr>");
    }
    if (!n) hprintf(r, "<tr><td colspan=\"6\" class=\"muted\">%s</td></tr>", T(r, "No learner in this run yet."));
    html_lit(r, "</tbody></table></div>\n");
    if (access_role_at_least(r, ROLE_TRAINER)) {
        report_form(r, run, act);
        edit_form(r, run, act, typed, err_user == -1 ? field : NULL, err_user == -1 ? why : NULL);
    }
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/external/{aid} */
void external_page(Req *r)
{
    RunRef run;
    ExtActivity act;
    if (!activity_of_path(r, &run, &act)) return;
    activity_render(r, &run, &act, 0, NULL, NULL, NULL);
}

/* After a change to learner `uid`'s record by form: the page again with the
 * field at fault, an error page, or back to the record saying `done`. */
static void record_changed(Req *r, int rc, const RunRef *run, const ExtActivity *act, int64_t uid, const char *field,
                           const char *why, const char *done)
{
    if (rc == LN_EINVAL) {
        r->status = 422;
        activity_render(r, run, act, uid, field, i18n_get(r->lang, why), NULL);
        return;
    }
    if (rc != LN_OK) {
        web_error(r, rc == LN_NOTFOUND ? 404 : rc == LN_EEXIST ? 409 : 500,
                  rc == LN_NOTFOUND ? "not_found" : rc == LN_EEXIST ? "conflict" : "internal",
                  why ? i18n_get(r->lang, why) : T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, done);
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld#learner-%lld", r->org->slug,
                                 (long long)run->id, (long long)act->id, (long long)uid));
}

/* ROUTE: POST /o/{org}/runs/{id}/external/{aid}/validate — user_id, minutes, note */
void external_validate_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    if (!activity_of_path(r, &run, &act)) return;
    int64_t uid = 0;
    str_to_i64(req_form(r, "user_id"), &uid);
    const char *field, *why;
    int rc = ext_validate(r->db, &act, uid, req_form(r, "minutes"), req_form(r, "note"), r->user->id, time_now_us(),
                          &field, &why);
    record_changed(r, rc, &run, &act, uid, field, why, T(r, "The record is validated."));
}

/* ROUTE: POST /runs/{id}/external/{aid}/attestation — the learner's file, field "file" */
void external_attest_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    int64_t id;
    const char *why;
    if (!external_learner_activity(r, &run, &act)) return;
    int rc = external_attest_upload(r, &act, &id, &why);
    if (rc != LN_OK) {
        web_error(r, rc == LN_EINVAL ? 422 : rc == LN_NOTFOUND ? 404 : 500,
                  rc == LN_EINVAL ? "invalid" : rc == LN_NOTFOUND ? "not_found" : "internal", i18n_get(r->lang, why));
        return;
    }
    page_flash(r, T(r, "Your certificate is sent. Your trainer will check it."));
    req_redirect(r, arena_printf(r->arena, "/runs/%lld/external", (long long)run.id));
}

/* ROUTE: GET /external/attestations/{id} — the learner's own, or the organisation's readers */
void external_attestation_get(Req *r)
{
    int64_t id;
    ExtAttestation t;
    if (!req_path_id_or_404(r, "id", &id)) return;
    bool may = false;
    if (ext_attestation_load(r->db, r->arena, id, &t) == LN_OK) {
        Role role = access_role_in(r, t.org_id);
        may = t.user_id == r->user->id || role == ROLE_TRAINER || role == ROLE_ADMIN || role == ROLE_AUDITOR;
    }
    if (!may) {
        web_not_found(r);
        return;
    }
    req_set_header(r, "Cache-Control", "private, no-store");
    req_send_path(r, media_path(r->app, r->arena, t.media.sha256), arena_printf(r->arena, "\"%s\"", t.media.sha256),
                  "application/octet-stream", content_disposition(r->arena, true, t.media.filename));
}

/* ---- the platform's report ----------------------------------------------------------- */

static const char *action_text(Req *r, ReportAction a)
{
    switch (a) {
    case REPORT_STORE: return T(r, "to import");
    case REPORT_ALREADY: return T(r, "imported already");
    case REPORT_NOT_LEARNER: return T(r, "not a learner of this run: left out");
    default: return "";
    }
}

/* ROUTE: POST /o/{org}/runs/{id}/external/{aid}/report — file or csv; apply=1 to import */
void external_report_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    if (!activity_of_path(r, &run, &act)) return;
    size_t len;
    const char *csv = req_file_or_field(r, "file", "csv", &len);
    bool apply = str_eq(req_form(r, "apply"), "1");
    Report rep;
    ReportResult res;
    int rc = report_parse(r->arena, csv, len, &rep);
    LrsSender sender = report_sender(r);
    if (rc == LN_OK) rc = report_import(r->db, r->arena, &act, &sender, &rep, apply, time_now_us(), &res);
    if (rc == LN_EINVAL || rc == LN_ELIMIT) {
        web_error(r, rc == LN_ELIMIT ? 413 : 422, "invalid", rc == LN_ELIMIT
                  ? T(r, "At most 10,000 lines can be imported at once.") : i18n_get(r->lang, rep.error));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "The import failed on our side; nothing was changed."));
        return;
    }
    if (apply && !res.errors) {
        page_flash(r, arena_printf(r->arena, "%s %d · %s %d", T(r, "Statements imported:"), res.stored,
                                   T(r, "already there:"), res.already));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld", r->org->slug, (long long)run.id,
                                     (long long)act.id));
        return;
    }
    if (res.errors) r->status = 422;
    page_begin(r, T(r, "Import preview"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/external/%lld\">%s</a></p><h1>%s <span class=\"muted\">· %s</span></h1>\n"
               "<p class=\"lead\">%d %s · %d %s · %d %s · %d %s</p>\n",
            r->org->slug, (long long)run.id, (long long)act.id, act.title, T(r, "Import preview"), act.title, res.stored,
            T(r, "to import"), res.already, T(r, "imported already"), res.not_learners, T(r, "left out"), res.errors,
            T(r, "rejected"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
            T(r, "Line"), T(r, "E-mail"), T(r, "Learner"), T(r, "Minutes"), T(r, "Note"));
    for (int i = 0; i < rep.n; i++) {
        const ReportLine *l = &rep.lines[i];
        hprintf(r, "<tr class=\"%s\"><td>%d</td><td>%s</td><td>%s</td><td>", l->error ? "row-error" : "", l->line,
                l->email, res.names[i] ? res.names[i] : "");
        if (l->minutes >= 0) hprintf(r, "%lld", (long long)l->minutes);
        hprintf(r, "</td><td>%s</td></tr>\n", l->error ? i18n_get(r->lang, l->error) : action_text(r, res.actions[i]));
    }
    html_lit(r, "</tbody></table></div>\n");
    if (res.errors) {
        hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>\n",
                T(r, "Correct the lines rejected and import the file again: nothing is imported while a line is wrong."));
    } else if (res.stored > 0) {
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld/report", r->org->slug, (long long)run.id,
                                   (long long)act.id));
        hprintf(r, "<input type=\"hidden\" name=\"apply\" value=\"1\"><textarea name=\"csv\" hidden>%s</textarea>",
                arena_strndup(r->arena, csv, len));
        form_submit(r, T(r, "Import"));
        form_end(r);
    }
    page_end(r);
}

/* ROUTE: POST /o/{org}/runs/{id}/external/{aid}/revoke — user_id, reason (trainers, administrators) */
void external_revoke_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    if (!activity_of_path(r, &run, &act)) return;
    int64_t uid = 0;
    str_to_i64(req_form(r, "user_id"), &uid);
    const char *why = NULL;
    int rc = ext_revoke(r->db, &act, uid, req_form(r, "reason"), r->user->id, time_now_us(), &why);
    record_changed(r, rc, &run, &act, uid, "reason", why, T(r, "The validation is revoked; the record can be validated again."));
}

/* ROUTE: POST /o/{org}/runs/{id}/external/{aid}/edit — title, platform, url, iri, minutes */
void external_edit_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    if (!activity_of_path(r, &run, &act)) return;
    ExtInput in = {req_form(r, "title"), req_form(r, "platform"), req_form(r, "url"), req_form(r, "iri"),
                   req_form(r, "minutes")};
    const char *field, *why;
    int rc = ext_update(r->db, &act, &in, &field, &why);
    if (rc == LN_EINVAL || rc == LN_EEXIST) {
        r->status = rc == LN_EEXIST ? 409 : 422;
        activity_render(r, &run, &act, -1, field, i18n_get(r->lang, why), &in);
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "The activity is saved."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/external/%lld", r->org->slug, (long long)run.id,
                                 (long long)act.id));
}

/* ROUTE: POST /o/{org}/runs/{id}/external/{aid}/delete */
void external_delete_post(Req *r)
{
    RunRef run;
    ExtActivity act;
    const char *why = NULL;
    if (!activity_of_path(r, &run, &act)) return;
    int rc = ext_delete(r->db, &act, &why);
    if (rc != LN_OK) {
        web_error(r, rc == LN_EEXIST ? 409 : 500, rc == LN_EEXIST ? "conflict" : "internal",
                  why ? i18n_get(r->lang, why) : T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "The activity is deleted."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/external", r->org->slug, (long long)run.id));
}

/* ---- the learner ----------------------------------------------------------------- */

bool external_learner_activity(Req *r, RunRef *run, ExtActivity *act)
{
    int64_t aid;
    if (!learner_run_of_path(r, run) || !req_path_id_or_404(r, "aid", &aid)) return false;
    if (ext_load(r->db, r->arena, run->org_id, run->id, aid, act) == LN_OK) return true;
    web_not_found(r);
    return false;
}

/* The learner's upload of the platform's certificate; *why when refused. */
int external_attest_upload(Req *r, const ExtActivity *act, int64_t *id, const char **why)
{
    const Part *p = req_part(r, "file");
    Media m;
    *why = "Choose the file of the certificate.";
    if (!p || !p->filename || !p->filename[0] || (!p->path && p->len == 0)) return LN_EINVAL;
    if (media_store_part(r->app, r->db, r->arena, act->org_id, p, r->user->id, &m) != LN_OK) {
        *why = "The file could not be stored; nothing was recorded. Try again.";
        return LN_EDB;
    }
    return ext_attest(r->db, act, r->user->id, &m, time_now_us(), id, why);
}

/* ROUTE: GET /runs/{id}/external — the run's external activities and the learner's record of each */
void external_mine_page(Req *r)
{
    RunRef run;
    if (!learner_run_of_path(r, &run)) return;
    ExtActivity *acts;
    int n;
    if (ext_list(r->db, r->arena, run.org_id, run.id, &acts, &n) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "External activities"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/learn\">%s</a></p><h1>%s</h1>\n<p class=\"lead\">%s</p>\n",
            (long long)run.id, run.title, T(r, "External activities"),
            T(r, "This course includes activities on other platforms. Sign in there with the e-mail address of your account here, so that your activity is recorded; your trainer then validates the time spent."));
    if (!n) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No external activity in this run."));
    for (int i = 0; i < n; i++) {
        ExtRecord x;
        if (ext_record(r->db, r->arena, &acts[i], r->user->id, &x) != LN_OK) continue;
        hprintf(r, "<section class=\"card\"><h2>%s</h2><p class=\"muted\">%s · %s %s</p>", acts[i].title,
                acts[i].platform, T(r, "Declared duration"), cert_duration(r->arena, acts[i].minutes));
        if (!str_empty(acts[i].url))
            hprintf(r, "<p><a class=\"button small\" href=\"%s\" rel=\"noopener\">%s</a></p>", acts[i].url,
                    T(r, "Open on the platform"));
        hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>",
                T(r, "Statements received"), (long long)x.statements, T(r, "Time reported"), ms_text(r, x.reported_ms),
                T(r, "Verdict"));
        verdict_badge(r, x.verdict);
        hprintf(r, "</dd><dt>%s</dt><dd>%s</dd></dl>", T(r, "Validation"),
                x.validation_id ? cert_duration(r->arena, x.accepted_minutes) : T(r, "Not validated"));
        if (x.attestation_id) {
            hprintf(r, "<p>%s <a href=\"/external/attestations/%lld\">%s</a> (", T(r, "Certificate sent:"),
                    (long long)x.attestation_id, x.attestation_name);
            html_date(r, x.attestation_at);
            html_lit(r, ")</p>");
        }
        if (!x.validation_id) {
            form_begin_upload(r, arena_printf(r->arena, "/runs/%lld/external/%lld/attestation", (long long)run.id,
                                              (long long)acts[i].id));
            hprintf(r, "<div class=\"field\"><label for=\"att-%lld\">%s</label><input id=\"att-%lld\" name=\"file\""
                       " type=\"file\" accept=\".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg\" required>"
                       "<p class=\"hint\">%s</p></div>", (long long)acts[i].id, T(r, "The platform's certificate"),
                    (long long)acts[i].id, T(r, "A PDF or an image of the certificate the platform gave you: your trainer checks it before validating your time."));
            form_submit_as(r, T(r, "Send the certificate"), "secondary small");
            form_end(r);
        }
        html_lit(r, "</section>\n");
    }
    page_end(r);
}
