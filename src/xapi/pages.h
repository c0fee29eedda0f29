/* pages.h — handlers of the xAPI LRS (lrs_api.c) and of external
 * activities (HTML in external_page.c, JSON in external_api.c). */
#ifndef LECTERN_XAPI_PAGES_H
#define LECTERN_XAPI_PAGES_H

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
void external_mine_page(Req *r);
void external_report_post(Req *r);

/* JSON */
void api_external_list_get(Req *r);
void api_external_add_post(Req *r);
void api_external_get(Req *r);
void api_external_validate_post(Req *r);
void api_external_mine_get(Req *r);
void api_external_report_post(Req *r);

/* The sender of the statements the signed-in person imports from a
 * platform's report: the authority "NAME (report import)", "user-ID". */
LrsSender report_sender(Req *r);

#endif
