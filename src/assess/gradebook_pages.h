/* gradebook_pages.h — handlers of the gradebook: pages (gradebook_page.c)
 * and JSON API (gradebook_api.c); routes in src/http/routes.c. */
#ifndef LECTERN_GRADEBOOK_PAGES_H
#define LECTERN_GRADEBOOK_PAGES_H

#include "assess/gradebook.h"
#include "http/req.h"

/* Run {id} of r->org and its course; answers 404 otherwise (page or API). */
bool gb_org_run(Req *r, RunRef *run, Course *c);
/* Path {uid}: a quiz unit of the course; 404 otherwise. */
bool gb_quiz_unit(Req *r, const Course *c, int64_t *unit_id, char **title);

void gradebook_page(Req *r);
void gradebook_csv(Req *r);
void gradebook_settings_post(Req *r);
void gradebook_pending_page(Req *r);
void gradebook_grade_post(Req *r);
void gradebook_learner_page(Req *r);
void gradebook_override_post(Req *r);
void gradebook_analysis_page(Req *r);
void gradebook_regrade_post(Req *r);
void gradebook_key_post(Req *r);
void my_grades_page(Req *r);

void api_gradebook_get(Req *r);
void api_gradebook_settings_put(Req *r);
void api_gradebook_pending_get(Req *r);
void api_gradebook_grade_post(Req *r);
void api_gradebook_override_post(Req *r);
void api_gradebook_regrade_post(Req *r);
void api_gradebook_analysis_get(Req *r);
void api_my_grades_get(Req *r);

#endif
