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
