/* pages.h — handlers of the xAPI LRS (lrs_api.c) and of external
 * activities (HTML in external_page.c, JSON in external_api.c). */
#ifndef LECTERN_XAPI_PAGES_H
#define LECTERN_XAPI_PAGES_H

#include "catalog/catalog.h"
#include "http/req.h"
#include "xapi/external.h"
#include "xapi/lrs.h"

/* the LRS */
void xapi_about_get(Req *r);
void xapi_statements_post(Req *r);
void xapi_statements_put(Req *r);
void xapi_statements_get(Req *r);

/* pages */
void external_list_page(Req *r);
void external_add_post(Req *r);
void external_page(Req *r);
void external_validate_post(Req *r);
void external_revoke_post(Req *r);
void external_edit_post(Req *r);
void external_delete_post(Req *r);
void external_mine_page(Req *r);
void external_report_post(Req *r);
void external_attest_post(Req *r);
void external_attestation_get(Req *r);

/* JSON */
void api_external_list_get(Req *r);
void api_external_add_post(Req *r);
void api_external_get(Req *r);
void api_external_validate_post(Req *r);
void api_external_revoke_post(Req *r);
void api_external_patch(Req *r);
void api_external_delete(Req *r);
void api_external_mine_get(Req *r);
void api_external_report_post(Req *r);
void api_external_attest_post(Req *r);

/* The learner's run of the path (learner_run_of_path) and its activity
 * {aid}; 404 otherwise. */
bool external_learner_activity(Req *r, RunRef *run, ExtActivity *act);
/* Store the caller's upload (field "file") as the platform's certificate
 * of `act`: ext_attest's answers, LN_EINVAL with *why when no file. */
int external_attest_upload(Req *r, const ExtActivity *act, int64_t *id, const char **why);

/* The sender of the statements the signed-in person imports from a
 * platform's report: the authority "NAME (report import)", "user-ID". */
LrsSender report_sender(Req *r);

#endif
