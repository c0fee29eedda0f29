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
/* course_job_page.c: a course as a .tar.gz, made in the background */
void course_export_post(Req *r);
void course_import_post(Req *r);
void course_job_page(Req *r);
void course_job_download(Req *r);
void api_course_job_get(Req *r);
void org_course_publish_post(Req *r);
void org_course_run_post(Req *r);

/* Course / run {id} of r->org; answers 404 (page or JSON) otherwise. */
bool org_course_or_404(Req *r, Course *c);
bool org_run_or_404(Req *r, RunRef *run);
/* Form field `name` as a whole number ≥ 0, `def` when empty; false when
 * it is not one. */
bool form_number(Req *r, const char *name, int64_t def, int64_t *out);

void course_edit_page(Req *r);
void course_edit_post(Req *r);
void run_edit_page(Req *r);
void run_edit_post(Req *r);
void programme_edit_page(Req *r);
void programme_edit_post(Req *r);
void api_org_programme_patch(Req *r);
/* Read title, pacing, dates, enrolment window and capacity from a JSON
 * body into *in; false after answering 400. */
bool run_input_json(Req *r, struct json_t *b, RunInput *in);

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
void api_my_upcoming_get(Req *r);
void api_programme_get(Req *r);
void api_org_programmes_get(Req *r);
void api_org_programmes_post(Req *r);
void api_org_programme_courses_put(Req *r);
void api_org_run_enrol_import_post(Req *r);
void api_org_courses_get(Req *r);
void api_org_courses_post(Req *r);
void api_org_course_patch(Req *r);
void api_org_course_runs_post(Req *r);

/* The course run of the path's {id} in the request's organisation, for its
 * trainers, administrators and auditors (access_reader); answers 404
 * otherwise, as a page or as JSON.  Certificates and surveys use it. */
bool reader_run_of_path(Req *r, RunRef *run);
/* Run {id} of the path when the caller is enrolled in it (a token: of the
 * run's organisation only); 404 otherwise. */
bool learner_run_of_path(Req *r, RunRef *run);

#endif
