/* pages.h — handlers of the assessment domain: the quiz's authoring block
 * and the learner's attempts (quiz_page.c), and their JSON API
 * (quiz_api.c). */
#ifndef LECTERN_ASSESS_PAGES_H
#define LECTERN_ASSESS_PAGES_H

#include "assess/quiz.h"
#include "content/pages.h"

/* The trainer's unit page of a quiz unit: settings, GIFT import, items,
 * export.  Called by outline_page.c's unit_render. */
void quiz_edit_section(Req *r, const Course *c, const Unit *u);
void quiz_settings_post(Req *r);
void quiz_gift_post(Req *r);
void quiz_gift_get(Req *r);

/* The player's block for a quiz unit (learn_page.c's unit_body): the
 * settings for the learner, past attempts, Start/Resume. */
void quiz_player(Req *r, const Learn *l);
void quiz_start_post(Req *r);
void quiz_attempt_page(Req *r);
void quiz_submit_post(Req *r);
void quiz_draft_post(Req *r);

void api_quiz_get(Req *r);
void api_quiz_attempts_post(Req *r);
void api_quiz_attempt_get(Req *r);
void api_quiz_submit_post(Req *r);
void api_quiz_draft_put(Req *r);
void api_quiz_staff_get(Req *r);
void api_quiz_settings_put(Req *r);
void api_quiz_gift_post(Req *r);
void api_quiz_gift_get(Req *r);

/* Authoring questions one by one (author_page.c, author_api.c): the list of
 * questions with its actions (in the trainer's quiz block), the editor. */
void author_items_section(Req *r, const Course *c, const Unit *u);
void author_new_page(Req *r);
void author_edit_page(Req *r);
void author_add_post(Req *r);
void author_edit_post(Req *r);
void author_move_post(Req *r);
void author_delete_post(Req *r);
void api_quiz_item_post(Req *r);
void api_quiz_item_put(Req *r);
void api_quiz_item_delete(Req *r);
void api_quiz_order_put(Req *r);

/* ---- shared by quiz_page.c and quiz_api.c ---- */

/* Answers the staff's JSON of the quiz (settings and items with answers). */
void quiz_answer_staff(Req *r, int status, int64_t unit_id);

/* A quiz unit of a run as the caller may see it, with its settings and the
 * caller's attempts (none for staff previewing). */
typedef struct QuizCtx {
    Learn l;
    QuizSettings qs;
    AttemptList mine;
} QuizCtx;
/* Path {id} and {unit}: learn_load, the unit must be a quiz; overdue
 * attempts of the learner are expired first.  Answers and returns false
 * otherwise. */
bool quiz_ctx_load(Req *r, QuizCtx *q);
/* Path {aid}: one of the caller's attempts at this quiz (404 otherwise). */
bool quiz_ctx_attempt(Req *r, QuizCtx *q, Attempt **at);
/* Staff routes (path {id} course, {uid} unit of kind quiz, in r->org). */
bool quiz_staff_unit(Req *r, Course *c, Unit **u);

/* JSON of the quiz for the learner: settings, attempts used, grade, attempts. */
json_t *quiz_summary_json(Req *r, const QuizCtx *q);
/* JSON of one attempt: in progress, the items in the learner's view; once
 * finished, with the learner's responses and, when allowed, the feedback. */
json_t *quiz_attempt_json(Req *r, const QuizCtx *q, const Attempt *at);
/* The purpose as people read it, in the request's language. */
const char *quiz_purpose_label(Req *r, const char *purpose);

#endif
