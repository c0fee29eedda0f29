/* certificate_api.c — completion certificates as JSON (certificate.h);
 * the same rules and access as the pages (certificate_page.c). */
#include "certificate/pages.h"
#include "catalog/pages.h"
#include "mail/mail.h"
#include "web/api.h"
#include "web/i18n.h"

#include <stdlib.h>

json_t *cert_figures_json(const CertFigures *f)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "live_minutes", (json_int_t)f->live_minutes, "distance_minutes",
                     (json_int_t)f->distance_minutes, "external_minutes", (json_int_t)f->external_minutes, "total_minutes", (json_int_t)cert_total_minutes(f),
                     "live_sessions", (json_int_t)f->live_sessions, "connection_sessions",
                     (json_int_t)f->connection_sessions, "attempts", (json_int_t)f->attempts);
}

json_t *cert_json(Req *r, const Certificate *c)
{
    json_t *j = json_pack("{s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I,s:o,s:s,s:s}",
        "id", c->public_id, "org", c->org_slug, "run_id", (json_int_t)c->run_id, "user_id", (json_int_t)c->user_id,
        "learner", c->learner_name, "employer", c->employer, "action_type", c->action_type, "course", c->course_title,
        "run", c->run_title, "first_at", api_time(r->arena, c->f.first_at), "last_at", api_time(r->arena, c->f.last_at),
        "figures", cert_figures_json(&c->f), "issued_at", api_time(r->arena, c->issued_at),
        "ledger_seq", (json_int_t)c->ledger_seq, "revoked_at", api_time(r->arena, c->revoked_at),
        "verify_url", cert_verify_url(r->arena, mail_base_url(r), c->public_id),
        "pdf_url", arena_printf(r->arena, "/api/v1/orgs/%s/certificates/%s/certificate.pdf", c->org_slug, c->public_id));
    json_object_set_new(j, "revoke_reason", c->revoke_reason ? json_string(c->revoke_reason) : json_null());
    return j;
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/certificates — ?page=N, CERT_LIST_PAGE learners a page */
void api_cert_run_get(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    const char *pq = req_query(r, "page");
    int64_t page = 0;
    if (pq && (!str_to_i64(pq, &page) || page < 0 || page > 100000)) {
        api_error(r, 400, "invalid", "page is a number from 0");
        return;
    }
    CertLearnerList l;
    if (cert_run_learners(r->db, r->arena, run.id, (int)page, &l) != LN_OK) {
        api_error(r, 500, "internal", "the certificates cannot be listed now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:o}", "user_id", (json_int_t)l.items[i].user_id, "name",
                                               l.items[i].name, "email", l.items[i].email, "certificate",
                                               l.items[i].cert.id ? cert_json(r, &l.items[i].cert) : json_null()));
    api_json(r, 200, json_pack("{s:I,s:o,s:I,s:b}", "run_id", (json_int_t)run.id, "learners", items, "page",
                               (json_int_t)page, "more", l.more));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/learners/{uid}/certificate — the figures counted now */
void api_cert_learner_get(Req *r)
{
    RunRef run;
    int64_t uid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "uid", &uid)) return;
    CertFigures f;
    char *name = NULL;
    if (cert_figures(r->db, r->arena, r->org->id, run.id, uid, time_now_us(), &f, &name) != LN_OK) {
        api_error(r, 404, "not_found", "no such learner in this course run");
        return;
    }
    json_t *j = json_pack("{s:I,s:I,s:s,s:o,s:o,s:o}", "run_id", (json_int_t)run.id, "user_id", (json_int_t)uid,
                          "learner", name, "figures", cert_figures_json(&f), "first_at", api_time(r->arena, f.first_at),
                          "last_at", api_time(r->arena, f.last_at));
    api_json(r, 200, j);
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/learners/{uid}/certificate — {"action_type", "employer"} (administrators) */
void api_cert_issue_post(Req *r)
{
    RunRef run;
    int64_t uid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "uid", &uid)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *type = api_str(r, b, "action_type", &bad), *employer = api_str(r, b, "employer", &bad);
    if (bad) return;
    CertInput in = {.org_id = r->org->id, .run_id = run.id, .user_id = uid, .by = r->user->id,
                    .action_type = type ? type : "training", .employer = employer, .base_url = mail_base_url(r),
                    .now = time_now_us()};
    Certificate c;
    const char *why = NULL, *code;
    int rc = cert_issue(r->db, r->arena, &in, &c, &why);
    if (rc != LN_OK) {
        int status = cert_refusal_status(rc, &code);
        api_error(r, status, code, why);
        return;
    }
    api_json(r, 201, cert_json(r, &c));
}

/* ROUTE: GET /api/v1/orgs/{org}/certificates/{id} */
void api_cert_get(Req *r)
{
    Certificate c;
    if (cert_of_path(r, &c)) api_json(r, 200, cert_json(r, &c));
}

/* ROUTE: POST /api/v1/orgs/{org}/certificates/{id}/revoke — {"reason"} (administrators) */
void api_cert_revoke_post(Req *r)
{
    Certificate c;
    if (!cert_of_path(r, &c)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *reason = api_str(r, b, "reason", &bad);
    if (bad) return;
    const char *why = NULL, *code;
    int rc = cert_revoke(r->db, c.public_id, r->org->id, r->user->id, reason, mail_base_url(r), time_now_us(), &why);
    if (rc != LN_OK) {
        int status = cert_refusal_status(rc, &code);
        api_error(r, status, code, why);
        return;
    }
    if (cert_load(r->db, r->arena, c.public_id, r->org->id, &c) != LN_OK) {
        api_error(r, 500, "internal", "the certificate cannot be read now");
        return;
    }
    api_json(r, 200, cert_json(r, &c));
}

/* ROUTE: GET /api/v1/me/certificates — a token sees its organisation's only */
void api_cert_mine_get(Req *r)
{
    CertificateList l;
    if (cert_of_user(r->db, r->arena, r->user->id, r->via_token ? r->token_org_id : 0, &l) != LN_OK) {
        api_error(r, 500, "internal", "the certificates cannot be listed now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) json_array_append_new(items, cert_json(r, &l.items[i]));
    api_json(r, 200, json_pack("{s:o}", "certificates", items));
}

/* ROUTE: GET /api/v1/verify/certificates/{id} — public */
void api_cert_verify_get(Req *r)
{
    Certificate c;
    CertCheck k;
    if (cert_load(r->db, r->arena, req_path_param(r, "id"), 0, &c) != LN_OK) {
        api_error(r, 404, "not_found", "no such certificate");
        return;
    }
    if (cert_check(r->db, r->arena, &c, &k) != LN_OK) {
        api_error(r, 500, "internal", "the certificate cannot be checked now");
        return;
    }
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I,s:s,s:s}",
        "verdict", cert_verdict(&c, &k), "id", c.public_id, "organisation", c.org_name, "learner", c.learner_name,
        "course", c.course_title, "run", c.run_title, "action_type", c.action_type,
        "first_at", api_time(r->arena, c.f.first_at), "last_at", api_time(r->arena, c.f.last_at),
        "figures", cert_figures_json(&c.f), "issued_at", api_time(r->arena, c.issued_at),
        "ledger_seq", (json_int_t)c.ledger_seq, "entry_hash", k.entry_hash,
        "key_url", arena_printf(r->arena, "/o/%s/evidence-key.pub", c.org_slug));
    json_object_set_new(j, "revoked_at", api_time(r->arena, c.revoked_at));
    json_object_set_new(j, "checkpoint_seq", k.span.checkpoint_seq ? json_integer(k.span.checkpoint_seq) : json_null());
    json_object_set_new(j, "public_key", k.span.public_key[0] ? json_string(k.span.public_key) : json_null());
    api_json(r, 200, j);
}

static json_t *job_json(Req *r, const CertJob *j)
{
    json_t *o = json_pack("{s:I,s:I,s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "id", (json_int_t)j->id, "run_id",
                          (json_int_t)j->run_id, "issue", j->issue, "action_type", j->action_type, "status", j->status,
                          "done", (json_int_t)j->done, "total", (json_int_t)j->total, "issued", (json_int_t)j->issued,
                          "in_zip", (json_int_t)j->in_zip, "no_hours", (json_int_t)j->no_hours, "created_at",
                          api_time(r->arena, j->created_at), "finished_at", api_time(r->arena, j->finished_at));
    json_object_set_new(o, "download_url",
                        str_eq(j->status, "done")
                            ? json_string(arena_printf(r->arena, "/api/v1/orgs/%s/runs/%lld/certificates/jobs/%lld/download",
                                                       r->org->slug, (long long)j->run_id, (long long)j->id))
                            : json_null());
    return o;
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/certificates/jobs — {"issue": bool, "action_type"} → 202 */
void api_cert_jobs_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *type = api_str(r, b, "action_type", &bad);
    if (bad) return;
    json_t *issue = json_object_get(b, "issue");
    if (issue && !json_is_boolean(issue)) {
        api_field_error(r, "issue", "issue is true or false");
        return;
    }
    int64_t id;
    CertJob j;
    if (cert_job_start(r, &run, json_is_true(issue), type, &id) != LN_OK) return;
    if (cert_job_load(r->db, r->arena, r->org->id, run.id, id, &j) != LN_OK) {
        api_error(r, 500, "internal", "the job cannot be read now");
        return;
    }
    api_json(r, 202, job_json(r, &j));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/certificates/jobs/{job} */
void api_cert_job_get(Req *r)
{
    RunRef run;
    int64_t id;
    CertJob j;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "job", &id)) return;
    if (cert_job_load(r->db, r->arena, r->org->id, run.id, id, &j) != LN_OK) {
        api_error(r, 404, "not_found", "no such job");
        return;
    }
    api_json(r, 200, job_json(r, &j));
}
