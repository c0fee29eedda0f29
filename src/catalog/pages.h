/* pages.h — handlers of the catalog domain (HTML and JSON). */
#ifndef LECTERN_CATALOG_PAGES_H
#define LECTERN_CATALOG_PAGES_H

#include "catalog/catalog.h"

void catalog_page(Req *r);
void course_page(Req *r);
void run_enrol_post(Req *r);
void run_withdraw_post(Req *r);
void programme_page(Req *r);
void org_programmes_page(Req *r);
void org_programmes_post(Req *r);
void org_programme_courses_post(Req *r);
void org_run_enrol_csv_page(Req *r);
void org_run_enrol_csv_post(Req *r);
void org_courses_page(Req *r);
void org_courses_post(Req *r);
void org_course_publish_post(Req *r);
void org_course_run_post(Req *r);

/* May the caller edit courses of organisation `org_id` (trainer, admin)? */
bool course_staff(Req *r, int64_t org_id);
/* Course `id` with the sessions the caller may see; false when the caller
 * may not see the course (its page is then a 404). */
bool course_for_caller(Req *r, int64_t id, Course *c, RunList *runs, bool *staff);

/* private sessions (spoc_page.c, spoc_api.c) */
void join_page(Req *r);
void join_code_page(Req *r);
void join_code_post(Req *r);
void org_run_code_post(Req *r);
void org_run_settings_post(Req *r);
void org_run_requests_page(Req *r);
void org_run_request_approve_post(Req *r);
void org_run_request_refuse_post(Req *r);
/* For the course page: a SPOC session's link, code and settings (staff). */
void spoc_staff_panel(Req *r, const Course *c, const CourseRun *run);
void api_join_post(Req *r);
void api_my_requests_get(Req *r);
void api_org_run_get(Req *r);
void api_org_run_patch(Req *r);
void api_org_run_requests_get(Req *r);
void api_org_run_request_approve_post(Req *r);
void api_org_run_request_refuse_post(Req *r);

void api_catalog_get(Req *r);
void api_course_get(Req *r);
void api_enrolment_post(Req *r);
void api_enrolment_delete(Req *r);
void api_my_enrolments_get(Req *r);
void api_programme_get(Req *r);
void api_org_programmes_get(Req *r);
void api_org_programmes_post(Req *r);
void api_org_programme_courses_put(Req *r);
void api_org_run_enrol_import_post(Req *r);
void api_org_courses_get(Req *r);
void api_org_courses_post(Req *r);
void api_org_course_patch(Req *r);
void api_org_course_runs_post(Req *r);

#endif
