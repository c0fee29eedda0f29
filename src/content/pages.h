/* pages.h — handlers of the content domain: the unit player, its files and
 * heartbeats (learn_page.c), the outline editor (outline_page.c), and the
 * JSON API (content_api.c). */
#ifndef LECTERN_CONTENT_PAGES_H
#define LECTERN_CONTENT_PAGES_H

#include "catalog/pages.h"
#include "content/content.h"

/* A run's content as the caller may see it. */
typedef struct Learn {
    RunRef run;
    Course course;
    Outline outline;            /* with the learner's progress */
    Unit *unit;                 /* when a unit was asked for */
    Section *section;
    bool staff, learner;        /* trainer previewing / enrolled learner */
} Learn;
/* Load run `run_id` (and unit `unit_id` unless 0) for the caller: an
 * enrolled learner, or the course's staff.  Answers 401/403/404 and returns
 * false otherwise; units of sections not yet released are refused. */
bool learn_load(Req *r, int64_t run_id, int64_t unit_id, Learn *l);

void learn_resume_page(Req *r);
void learn_unit_page(Req *r);
void learn_file_get(Req *r);
void learn_track_get(Req *r);
void learn_open_get(Req *r);
void learn_beat_post(Req *r);

void outline_page(Req *r);
void outline_section_post(Req *r);
void outline_section_edit_post(Req *r);
void outline_section_move_post(Req *r);
void outline_section_delete_post(Req *r);
void outline_unit_post(Req *r);
void unit_edit_page(Req *r);
void unit_edit_post(Req *r);
void unit_move_post(Req *r);
void unit_delete_post(Req *r);
void unit_track_post(Req *r);
void unit_track_delete_post(Req *r);

void run_progress_page(Req *r);
void run_progress_csv(Req *r);
void run_learner_page(Req *r);
void my_activity_page(Req *r);
void time_rules_page(Req *r);
void time_rules_post(Req *r);
void api_my_activity_get(Req *r);
void api_learner_activity_get(Req *r);
void api_run_progress_get(Req *r);
void api_time_rules_get(Req *r);
void api_time_rules_put(Req *r);

void api_outline_get(Req *r);
void api_my_progress_get(Req *r);
void api_sections_post(Req *r);
void api_section_patch(Req *r);
void api_section_delete(Req *r);
void api_units_post(Req *r);
void api_unit_patch(Req *r);
void api_unit_delete(Req *r);
void api_outline_put(Req *r);
void api_media_post(Req *r);
void api_unit_track_put(Req *r);

#endif
