/* pages.h — handlers of satisfaction surveys (HTML in survey_page.c, JSON
 * in survey_api.c). */
#ifndef LECTERN_SURVEY_PAGES_H
#define LECTERN_SURVEY_PAGES_H

#include "catalog/catalog.h"
#include "http/req.h"
#include "survey/survey.h"

/* pages */
void survey_page(Req *r);
void survey_post(Req *r);
void survey_results_page(Req *r);
void survey_open_post(Req *r);
void survey_close_post(Req *r);
void survey_csv_get(Req *r);
void survey_org_page(Req *r);
void survey_schedule_post(Req *r);
void survey_unschedule_post(Req *r);

/* JSON */
void api_survey_get(Req *r);
void api_survey_responses_post(Req *r);
void api_survey_results_get(Req *r);
void api_survey_open_post(Req *r);
void api_survey_close_post(Req *r);
void api_survey_org_get(Req *r);
void api_survey_schedule_get(Req *r);
void api_survey_schedule_put(Req *r);
void api_survey_schedule_delete(Req *r);


#endif
