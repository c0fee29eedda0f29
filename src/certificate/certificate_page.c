/* certificate_page.c — completion certificates on screen (certificate.h):
 * a run's learners and their certificates, issuing one after seeing its
 * figures, the certificate with its PDF and revocation, the learner's own
 * list, and the public verification page of the PDF's QR code.  Who may
 * read is decided here once (reader_run_of_path, cert_of_path); issuing and
 * revoking are for administrators (route table). */
#include "certificate/pages.h"
#include "catalog/pages.h"
#include "http/access.h"
#include "http/range.h"
#include "mail/mail.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>

bool cert_of_path(Req *r, Certificate *c)
{
    if (cert_load(r->db, r->arena, req_path_param(r, "id"), r->org->id, c) == LN_OK
        && (access_reader(r) || c->user_id == r->user->id))
        return true;
    web_error(r, 404, "not_found", T(r, "No such certificate."));
    return false;
}

int cert_refusal_status(int rc, const char **code)
{
    switch (rc) {
    case LN_NOTFOUND: *code = "not_found"; return 404;
    case LN_EPERM: *code = "no_evidence"; return 409;
    case LN_EEXIST: *code = "conflict"; return 409;
    case LN_EINVAL: *code = "invalid"; return 422;
    default: *code = "internal"; return 500;
    }
}

static const char *cert_path(Req *r, const Certificate *c)
{
    return arena_printf(r->arena, "/o/%s/certificates/%s", c->org_slug, c->public_id);
}

/* The figures as a definition list: how the hours were counted. */
static void figures_render(Req *r, const CertFigures *f)
{
    hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd><strong>%s</strong></dd>"
               "<dt>%s</dt><dd>%s · %lld %s</dd><dt>%s</dt><dd>%s · %lld %s</dd><dt>%s</dt><dd>%s</dd>"
               "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s → %s</dd></dl>\n",
            T(r, "Hours completed"), cert_duration(r->arena, cert_total_minutes(f)), T(r, "Live sessions"),
            cert_duration(r->arena, f->live_minutes), (long long)f->live_sessions, T(r, "sessions signed"), T(r, "Distance learning"),
            cert_duration(r->arena, f->distance_minutes), (long long)f->connection_sessions, T(r, "connection sessions"),
            T(r, "External activities, validated"), cert_duration(r->arena, f->external_minutes),
            T(r, "Assessments submitted"), (long long)f->attempts, T(r, "Dates"), text_moment(r, f->first_at),
            text_moment(r, f->last_at));
}

/* The type of action as a <select> (the form's choice, or training). */
static void type_select(Req *r, const char *id, const char *chosen)
{
    hprintf(r, "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"action_type\">", id,
            T(r, "Type of action"), id);
    const char *t;
    for (int i = 0; (t = cert_action_type_code(i)); i++)
        hprintf(r, "<option value=\"%s\"%s>%s</option>", t, str_eq(chosen ? chosen : "training", t) ? " selected" : "",
                i18n_get(r->lang, cert_action_type_text(t)));
    html_lit(r, "</select></div>");
}

/* All the certificates of the run as a ZIP; administrators may issue the missing ones first. */
static void all_render(Req *r, const RunRef *run, bool admin)
{
    hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2><p>%s</p>\n", T(r, "All the certificates"),
            admin ? T(r, "One ZIP of every valid certificate's PDF, with an index in CSV. You can first issue a certificate to every learner who has hours to certify and none yet.")
                  : T(r, "One ZIP of every valid certificate's PDF, with an index in CSV."));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/certificates/jobs", r->org->slug, (long long)run->id));
    if (admin) {
        hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"ce-issue\" name=\"issue\" value=\"1\" checked>"
                   " <label for=\"ce-issue\">%s</label></div>", T(r, "First issue the missing certificates"));
        type_select(r, "ce-all-type", NULL);
    }
    form_submit(r, T(r, "Prepare the ZIP"));
    form_end(r);
    html_lit(r, "</section>\n");
}

/* ROUTE: GET /o/{org}/runs/{id}/certificates — trainers, administrators, auditors (?page=N) */
void cert_run_page(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    const char *pq = req_query(r, "page");
    int page = pq ? atoi(pq) : 0;
    if (page < 0 || page > 100000) page = 0;
    CertLearnerList l;
    if (cert_run_learners(r->db, r->arena, run.id, page, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "The certificates cannot be listed now."));
        return;
    }
    bool admin = r->role == ROLE_ADMIN;
    page_begin(r, T(r, "Certificates of completion"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/progress\">%s</a></p><h1>%s</h1>\n<p class=\"lead\">%s</p>\n",
            r->org->slug, (long long)run.id, run.title, T(r, "Certificates of completion"),
            T(r, "A certificate states the hours a learner completed, counted from the evidence: the half-days of live "
                 "sessions they signed and their active time in the course. Its figures are frozen the day it is issued "
                 "and recorded in the evidence ledger; anyone can check it from its QR code."));
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No learner is enrolled in this course run."));
    else {
        hprintf(r, "<div class=\"table-wrap\"><table class=\"data stack\"><thead><tr><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                T(r, "Learner"), T(r, "Certificate"), T(r, "Hours completed"), T(r, "Actions"));
        for (int i = 0; i < l.n; i++) {
            const CertLearner *x = &l.items[i];
            const char *figures = arena_printf(r->arena, "/o/%s/runs/%lld/learners/%lld/certificate", r->org->slug,
                                               (long long)run.id, (long long)x->user_id);
            hprintf(r, "<tr><td data-label=\"%s\">%s <span class=\"muted\">%s</span></td>", T(r, "Learner"), x->name,
                    x->email);
            if (x->cert.id)
                hprintf(r, "<td data-label=\"%s\"><a href=\"%s\">%s %s</a></td><td data-label=\"%s\">%s</td>"
                           "<td><a class=\"button secondary small\" href=\"%s/certificate.pdf\" download>%s</a></td></tr>\n",
                        T(r, "Certificate"), cert_path(r, &x->cert), T(r, "Issued on"), text_moment(r, x->cert.issued_at),
                        T(r, "Hours completed"), cert_duration(r->arena, cert_total_minutes(&x->cert.f)),
                        cert_path(r, &x->cert), T(r, "PDF"));
            else
                hprintf(r, "<td class=\"muted\" data-label=\"%s\">%s</td><td data-label=\"%s\">—</td>"
                           "<td><a class=\"button %s small\" href=\"%s\">%s</a></td></tr>\n",
                        T(r, "Certificate"), T(r, "None"), T(r, "Hours completed"), admin ? "" : "secondary", figures,
                        admin ? T(r, "Issue…") : T(r, "See the hours"));
        }
        html_lit(r, "</tbody></table></div>\n");
        if (page > 0 || l.more) {
            html_lit(r, "<nav class=\"pager\" aria-label=\"pages\">");
            if (page > 0)
                hprintf(r, "<a href=\"?page=%d\" rel=\"prev\">%s</a> ", page - 1, T(r, "Previous page"));
            if (l.more) hprintf(r, "<a href=\"?page=%d\" rel=\"next\">%s</a>", page + 1, T(r, "Next page"));
            html_lit(r, "</nav>\n");
        }
        all_render(r, &run, admin);
    }
    page_end(r);
}

typedef struct IssueForm { const char *type, *employer, *error; } IssueForm;

static void issue_render(Req *r, const RunRef *run, int64_t uid, const IssueForm *f)
{
    CertFigures fig;
    char *name = NULL;
    if (cert_figures(r->db, r->arena, r->org->id, run->id, uid, time_now_us(), &fig, &name) != LN_OK) {
        web_error(r, 404, "not_found", T(r, "No such learner in this course run."));
        return;
    }
    page_begin(r, T(r, "Certificate of completion"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/certificates\">%s — %s</a></p><h1>%s <span class=\"muted\">· %s</span></h1>\n",
            r->org->slug, (long long)run->id, run->title, T(r, "Certificates of completion"),
            T(r, "Certificate of completion"), name);
    hprintf(r, "<p>%s</p>\n", T(r, "Counted now from the evidence of this course run:"));
    figures_render(r, &fig);
    hprintf(r, "<p class=\"muted\">%s <a href=\"/o/%s/runs/%lld/learners/%lld/record\">%s</a></p>\n",
            T(r, "Each figure comes from the learner's connection record:"), r->org->slug, (long long)run->id,
            (long long)uid, T(r, "Connection record"));
    Certificate cur;
    if (cert_current(r->db, r->arena, run->id, uid, &cur) == LN_OK) {
        hprintf(r, "<p class=\"actions\"><a class=\"button\" href=\"%s\">%s %s</a></p>\n", cert_path(r, &cur),
                T(r, "Certificate of completion"), text_moment(r, cur.issued_at));
        if (!f->error) {
            page_end(r);
            return;
        }
    }
    if (r->role != ROLE_ADMIN) {
        page_end(r);
        return;
    }
    if (cert_total_minutes(&fig) == 0) {
        hprintf(r, "<p class=\"alert\">%s</p>\n",
                T(r, "There are no hours to certify yet: no signed half-day of a live session, no active time in the course and no validated external activity."));
        page_end(r);
        return;
    }
    hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2>\n", T(r, "Issue the certificate"));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/learners/%lld/certificate", r->org->slug, (long long)run->id,
                               (long long)uid));
    if (f->error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", f->error);
    type_select(r, "ce-type", f->type);
    form_input(r, "text", "employer", T(r, "Employer (optional)"), f->employer, NULL, "maxlength=\"200\"");
    hprintf(r, "<p class=\"hint\">%s</p>", T(r, "The figures above are written into the certificate and its ledger entry as they are now."));
    form_submit(r, T(r, "Issue the certificate"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/learners/{uid}/certificate — the figures now; the form for administrators */
void cert_issue_page(Req *r)
{
    RunRef run;
    int64_t uid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "uid", &uid)) return;
    IssueForm f = {0};
    issue_render(r, &run, uid, &f);
}

/* ROUTE: POST /o/{org}/runs/{id}/learners/{uid}/certificate — action_type, employer (administrators) */
void cert_issue_post(Req *r)
{
    RunRef run;
    int64_t uid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "uid", &uid)) return;
    IssueForm f = {.type = req_form(r, "action_type"), .employer = req_form(r, "employer")};
    CertInput in = {.org_id = r->org->id, .run_id = run.id, .user_id = uid, .by = r->user->id,
                    .action_type = f.type ? f.type : "", .employer = f.employer, .base_url = mail_base_url(r),
                    .now = time_now_us()};
    Certificate c;
    const char *why = NULL, *code;
    int rc = cert_issue(r->db, r->arena, &in, &c, &why);
    if (rc == LN_NOTFOUND || rc == LN_EDB) {
        int status = cert_refusal_status(rc, &code);
        web_error(r, status, code, i18n_get(r->lang, why));
        return;
    }
    if (rc != LN_OK) {
        r->status = cert_refusal_status(rc, &code);
        f.error = i18n_get(r->lang, why);
        issue_render(r, &run, uid, &f);
        return;
    }
    page_flash(r, T(r, "The certificate is issued and recorded in the evidence ledger."));
    req_redirect(r, cert_path(r, &c));
}

/* ROUTE: GET /o/{org}/certificates/{id} — the learner's own; trainers, administrators, auditors */
void cert_page(Req *r)
{
    Certificate c;
    if (!cert_of_path(r, &c)) return;
    const char *path = cert_path(r, &c), *url = cert_verify_url(r->arena, mail_base_url(r), c.public_id);
    page_begin(r, T(r, "Certificate of completion"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s <span class=\"muted\">· %s</span></h1>\n", c.org_name,
            T(r, "Certificate of completion"), c.learner_name);
    if (c.revoked_at)
        hprintf(r, "<p class=\"alert error\" role=\"alert\">%s %s: %s</p>\n", T(r, "Revoked on"),
                text_moment(r, c.revoked_at), c.revoke_reason ? c.revoke_reason : "");
    hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%s — %s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
               "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%lld</dd></dl>\n",
            T(r, "Action"), c.course_title, c.run_title, T(r, "Type of action"),
            i18n_get(r->lang, cert_action_type_text(c.action_type)), T(r, "Employer"), *c.employer ? c.employer : "—",
            T(r, "Issued on"), arena_printf(r->arena, "%s · %s", text_moment(r, c.issued_at), c.issuer_name ? c.issuer_name : ""),
            T(r, "Ledger entry"), (long long)c.ledger_seq);
    hprintf(r, "<h2>%s</h2>\n", T(r, "How the hours were counted"));
    figures_render(r, &c.f);
    hprintf(r, "<p class=\"actions\"><a class=\"button\" href=\"%s/certificate.pdf\" download>%s</a> "
               "<a class=\"button secondary\" href=\"%s\">%s</a></p>\n",
            path, T(r, "Download (PDF)"), url, T(r, "Verification page"));
    if (r->role == ROLE_ADMIN && !c.revoked_at) {
        hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2><p>%s</p>\n", T(r, "Revoke"),
                T(r, "A revoked certificate stays on record, marked revoked on its verification page; a new one can then be issued."));
        form_begin(r, arena_printf(r->arena, "%s/revoke", path));
        hprintf(r, "<div class=\"field\"><label for=\"ce-reason\">%s</label><textarea id=\"ce-reason\" name=\"reason\""
                   " rows=\"3\" maxlength=\"500\" required></textarea></div>", T(r, "Reason"));
        form_submit_as(r, T(r, "Revoke the certificate"), "danger");
        form_end(r);
        html_lit(r, "</section>\n");
    }
    page_end(r);
}

/* ROUTE: GET /o/{org}/certificates/{id}/certificate.pdf (and its /api/v1 twin) */
void cert_pdf_get(Req *r)
{
    Certificate c;
    if (!cert_of_path(r, &c)) return;
    Buf b;
    buf_init(&b, 0);
    if (cert_pdf(r->arena, &c, r->lang, cert_verify_url(r->arena, mail_base_url(r), c.public_id), &b) != LN_OK) {
        buf_free(&b);
        web_error(r, 500, "internal", T(r, "The certificate cannot be made now."));
        return;
    }
    req_send_download(r, &b, "application/pdf",
                      arena_printf(r->arena, "%s-%s.pdf", str_eq(r->lang, "fr") ? "certificat-realisation" : "certificate",
                                   c.public_id));
    buf_free(&b);
}

/* ROUTE: POST /o/{org}/certificates/{id}/revoke — reason (administrators) */
void cert_revoke_post(Req *r)
{
    Certificate c;
    if (!cert_of_path(r, &c)) return;
    const char *why = NULL, *code;
    int rc = cert_revoke(r->db, c.public_id, r->org->id, r->user->id, req_form(r, "reason"), mail_base_url(r),
                         time_now_us(), &why);
    if (rc != LN_OK) {
        int status = cert_refusal_status(rc, &code);
        web_error(r, status, code, i18n_get(r->lang, why));
        return;
    }
    page_flash(r, T(r, "The certificate is revoked."));
    req_redirect(r, cert_path(r, &c));
}

/* ---- all the certificates of a run, in the background ------------------------ */

static bool job_or_404(Req *r, const RunRef *run, CertJob *j)
{
    int64_t id;
    if (!req_path_id_or_404(r, "job", &id)) return false;
    if (cert_job_load(r->db, r->arena, r->org->id, run->id, id, j) == LN_OK) return true;
    web_not_found(r);
    return false;
}

int cert_job_start(Req *r, const RunRef *run, bool issue, const char *action_type, int64_t *id)
{
    if (issue && r->role != ROLE_ADMIN) {
        web_error(r, 403, "forbidden", T(r, "Only administrators issue certificates."));
        return LN_EPERM;
    }
    CertBatchInput in = {.org_id = r->org->id, .run_id = run->id, .issue = issue, .by = r->user->id,
                         .action_type = action_type ? action_type : "training", .lang = r->lang};   /* the tick's base URL */
    int rc = cert_job_create(r->db, &in, r->user->id, time_now_us(), id);
    if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "Choose the type of action."));
    else if (rc == LN_NOTFOUND) web_error(r, 409, "no_learner", T(r, "No learner is enrolled in this course run."));
    else if (rc == LN_ELIMIT) web_error(r, 413, "too_large", T(r, "Too many learners for one ZIP (10,000 at most)."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "The certificates cannot be prepared now."));
    return rc;
}

/* ROUTE: POST /o/{org}/runs/{id}/certificates/jobs — issue=1 (administrators), action_type */
void cert_jobs_post(Req *r)
{
    RunRef run;
    int64_t id;
    if (!reader_run_of_path(r, &run)
        || cert_job_start(r, &run, str_eq(req_form(r, "issue"), "1"), req_form(r, "action_type"), &id) != LN_OK)
        return;
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/certificates/jobs/%lld", r->org->slug, (long long)run.id,
                                 (long long)id));
}

/* ROUTE: GET /o/{org}/runs/{id}/certificates/jobs/{job} — progress, refreshed every 2 s until done */
void cert_job_page(Req *r)
{
    RunRef run;
    CertJob j;
    if (!reader_run_of_path(r, &run) || !job_or_404(r, &run, &j)) return;
    bool working = str_eq(j.status, "queued") || str_eq(j.status, "running");
    if (working) req_set_header(r, "Refresh", "2");
    page_begin(r, T(r, "All the certificates"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/certificates\">%s — %s</a></p><h1>%s</h1>\n",
            r->org->slug, (long long)run.id, run.title, T(r, "Certificates of completion"), T(r, "All the certificates"));
    int pct = j.total ? (int)(j.done * 100 / j.total) : 0;
    hprintf(r, "<p class=\"progress\"><progress max=\"%lld\" value=\"%lld\" aria-labelledby=\"cj-label\"></progress>"
               " <span id=\"cj-label\" role=\"status\" data-status=\"%s\">%d %% · %lld / %lld %s</span></p>\n",
            (long long)j.total, (long long)j.done, j.status, pct, (long long)j.done, (long long)j.total, T(r, "learners"));
    if (working)
        hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "The certificates are being prepared. This page refreshes by itself."));
    else if (str_eq(j.status, "done")) {
        hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%lld</dd>", T(r, "Certificates in the ZIP"),
                (long long)j.in_zip, T(r, "Issued now"), (long long)j.issued);
        if (j.issue) hprintf(r, "<dt>%s</dt><dd>%lld</dd>", T(r, "Learners without hours to certify"), (long long)j.no_hours);
        hprintf(r, "</dl>\n<p><a class=\"button\" href=\"/o/%s/runs/%lld/certificates/jobs/%lld/download\" download>%s</a></p>\n",
                r->org->slug, (long long)run.id, (long long)j.id, T(r, "Download the ZIP"));
    } else
        hprintf(r, "<p class=\"alert error\" role=\"alert\">%s %lld</p>\n",
                T(r, "The ZIP could not be made. Try again. Certificates issued meanwhile:"), (long long)j.issued);
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/certificates/jobs/{job}/download (and its /api/v1 twin) */
void cert_job_download(Req *r)
{
    RunRef run;
    CertJob j;
    if (!reader_run_of_path(r, &run) || !job_or_404(r, &run, &j)) return;
    if (!str_eq(j.status, "done")) {
        web_error(r, 409, "not_ready", T(r, "The certificates are not ready yet."));
        return;
    }
    req_set_header(r, "Cache-Control", "private, no-store");
    req_send_path(r, cert_job_path(r->arena, r->app->cfg.data_dir, j.id), NULL, "application/zip",
                  content_disposition(r->arena, true,
                                      arena_printf(r->arena, "%s-%lld.zip",
                                                   str_eq(j.lang, "fr") ? "certificats" : "certificates",
                                                   (long long)run.id)));
}

/* ROUTE: GET /me/certificates — the signed-in person's certificates, every organisation */
void cert_mine_page(Req *r)
{
    CertificateList l;
    if (cert_of_user(r->db, r->arena, r->user->id, 0, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "The certificates cannot be listed now."));
        return;
    }
    page_begin(r, T(r, "My certificates"));
    hprintf(r, "<h1>%s</h1>\n", T(r, "My certificates"));
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "You have no certificate yet. Your training organisation issues one when you have completed a course."));
    else {
        hprintf(r, "<div class=\"table-wrap\"><table class=\"data stack\"><thead><tr><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                T(r, "Course"), T(r, "Hours completed"), T(r, "Issued on"), T(r, "Organisation"));
        for (int i = 0; i < l.n; i++) {
            const Certificate *c = &l.items[i];
            hprintf(r, "<tr><td data-label=\"%s\"><a href=\"%s\">%s — %s</a>%s</td><td data-label=\"%s\">%s</td>"
                       "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>\n",
                    T(r, "Course"), cert_path(r, c), c->course_title, c->run_title, c->revoked_at ? T(r, " (revoked)") : "",
                    T(r, "Hours completed"), cert_duration(r->arena, cert_total_minutes(&c->f)), T(r, "Issued on"),
                    text_moment(r, c->issued_at), T(r, "Organisation"), c->org_name);
        }
        html_lit(r, "</tbody></table></div>\n");
    }
    page_end(r);
}

/* ROUTE: GET /verify/certificates/{id} — public: the random id is the credential */
void cert_verify_page(Req *r)
{
    Certificate c;
    CertCheck k;
    if (cert_load(r->db, r->arena, req_path_param(r, "id"), 0, &c) != LN_OK) {
        web_error(r, 404, "not_found", T(r, "No such certificate."));
        return;
    }
    if (cert_check(r->db, r->arena, &c, &k) != LN_OK) {
        web_error(r, 500, "internal", T(r, "The certificate cannot be checked now."));
        return;
    }
    const char *vd = cert_verdict(&c, &k);
    req_set_header(r, "Cache-Control", "no-store");
    page_begin(r, T(r, "Certificate verification"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s</h1>\n", c.org_name, T(r, "Certificate verification"));
    if (str_eq(vd, "verified"))
        hprintf(r, "<p class=\"flash\" role=\"status\" data-verdict=\"verified\">✓ %s</p>\n",
                T(r, "Valid: this certificate was issued by the organisation, and its ledger entry is unchanged and chained up to a checkpoint it signed."));
    else if (str_eq(vd, "not_checkpointed"))
        hprintf(r, "<p class=\"alert\" data-verdict=\"not_checkpointed\">%s</p>\n",
                T(r, "Issued, and its ledger entry is unchanged, but no signed checkpoint covers it yet: come back in an hour."));
    else if (str_eq(vd, "revoked"))
        hprintf(r, "<p class=\"alert error\" role=\"alert\" data-verdict=\"revoked\">✗ %s %s: %s</p>\n",
                T(r, "Revoked on"), text_moment(r, c.revoked_at), c.revoke_reason ? c.revoke_reason : "");
    else if (str_eq(vd, "too_long"))
        hprintf(r, "<p class=\"alert\" data-verdict=\"too_long\">%s</p>\n",
                T(r, "Too many entries to check here: ask the organisation for its ledger and run lectern verify."));
    else
        hprintf(r, "<p class=\"alert error\" role=\"alert\" data-verdict=\"failed\">✗ %s %s</p>\n",
                T(r, "Verification failed:"),
                !k.matches ? T(r, "the certificate differs from its ledger entry.") : k.span.detail);
    hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s — %s</dd>"
               "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>\n",
            T(r, "Organisation"), c.org_name, T(r, "Learner"), c.learner_name, T(r, "Action"), c.course_title,
            c.run_title, T(r, "Type of action"), i18n_get(r->lang, cert_action_type_text(c.action_type)),
            T(r, "Issued on"), text_moment(r, c.issued_at));
    figures_render(r, &c.f);
    hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd><code class=\"hash\">%s</code></dd>",
            T(r, "Ledger entry"), (long long)c.ledger_seq, T(r, "SHA-256"), k.entry_hash);
    if (k.span.checkpoint_seq)
        hprintf(r, "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s</dd>", T(r, "Checkpoint at entry"),
                (long long)k.span.checkpoint_seq, T(r, "Signed on"), time_iso(r->arena, k.span.checkpoint_at));
    html_lit(r, "</dl>\n");
    if (k.span.public_key[0])
        hprintf(r, "<p>%s <code>%s</code> · <a href=\"/o/%s/evidence-key.pub\">%s</a></p>\n",
                T(r, "Signing key (Ed25519):"), k.span.public_key, c.org_slug, T(r, "the organisation's public keys"));
    page_end(r);
}
