/* pages.h — handlers of completion certificates (HTML in
 * certificate_page.c, JSON in certificate_api.c).  Who may read is
 * decided once: catalog's reader_run_of_path for a run's list and figures,
 * certificate_page.c's cert_of_path for one certificate (the
 * organisation's readers, access_reader, and the learner it is about). */
#ifndef LECTERN_CERTIFICATE_PAGES_H
#define LECTERN_CERTIFICATE_PAGES_H

#include "catalog/catalog.h"
#include "certificate/certificate.h"
#include "http/req.h"

#include <jansson.h>

/* pages */
void cert_run_page(Req *r);
void cert_issue_page(Req *r);
void cert_issue_post(Req *r);
void cert_page(Req *r);
void cert_pdf_get(Req *r);
void cert_revoke_post(Req *r);
void cert_mine_page(Req *r);
void cert_jobs_post(Req *r);
void cert_job_page(Req *r);
void cert_job_download(Req *r);
void cert_verify_page(Req *r);

/* JSON */
void api_cert_run_get(Req *r);
void api_cert_learner_get(Req *r);
void api_cert_issue_post(Req *r);
void api_cert_get(Req *r);
void api_cert_revoke_post(Req *r);
void api_cert_mine_get(Req *r);
void api_cert_verify_get(Req *r);
void api_cert_jobs_post(Req *r);
void api_cert_job_get(Req *r);

/* shared by the two files */
/* The certificate of the path's {id} in the request's organisation, when
 * the caller may read it; answers 404 otherwise. */
bool cert_of_path(Req *r, Certificate *c);
/* HTTP status and error code of a refusal of cert_issue / cert_revoke. */
int cert_refusal_status(int rc, const char **code);
/* The certificate as JSON (its verification address included). */
json_t *cert_json(Req *r, const Certificate *c);
json_t *cert_figures_json(const CertFigures *f);
/* Queue the run's ZIP (issue: administrators only), answering the refusal
 * (403, 409, 413, 422, 500) itself. */
int cert_job_start(Req *r, const RunRef *run, bool issue, const char *action_type, int64_t *id);

#endif
