/* quiz.h — quizzes: a unit of kind "quiz" holding items (item.h), the
 * learners' attempts graded on the server, every attempt kept as evidence.
 * Rules and SQL in quiz.c, Item <-> JSON and the learner's view in
 * item_json.c, pages in quiz_page.c, JSON API in quiz_api.c.  The rules
 * and the decisions are written in docs/assessments.md.
 *
 * Scores, the pass mark and item weights are thousandths (1000 = 100 %);
 * an item's points are thousandths of a point.  Times are microseconds.
 */
#ifndef LECTERN_QUIZ_H
#define LECTERN_QUIZ_H

#include <jansson.h>
#include "assess/item.h"
#include "content/content.h"

/* ---- settings --------------------------------------------------------------- */

#define QUIZ_MAX_ATTEMPTS 100
#define QUIZ_MAX_TIME_LIMIT_S (24 * 3600)
#define QUIZ_MAX_ITEMS 1000             /* items in one quiz */
#define QUIZ_GRACE_S_DEFAULT 15         /* seconds after the deadline a submission is still taken */

typedef struct QuizSettings {
    int64_t unit_id, org_id;
    const char *purpose;            /* "placement" | "formative" | "final" */
    int64_t attempts_allowed;       /* 0: unlimited */
    int64_t time_limit_s;           /* 0: none */
    UsTime opens_at, closes_at;     /* 0: always open / never closes */
    int64_t draw_count;             /* items drawn per attempt; 0: all */
    bool draw_per_pool;             /* draw_count from each pool (category) instead (pool.c) */
    bool shuffle;                   /* items and their choices in random order */
    int64_t pass_mark;              /* thousandths; 0: submitting is enough */
    const char *feedback_when;      /* "immediately" | "after_last" | "after_close" */
    const char *grade_policy;       /* "best" | "last" | "average" */
    UsTime updated_at;              /* 0: never saved (defaults) */
} QuizSettings;

void quiz_settings_default(QuizSettings *s);
/* NULL when fine, else the field in error and *msg (an English msgid). */
const char *quiz_settings_check(const QuizSettings *s, const char **msg);
/* The quiz's settings; the defaults when none were saved yet. */
int quiz_settings_get(Db *db, Arena *a, int64_t unit_id, QuizSettings *out);
/* Checked; LN_EINVAL when quiz_settings_check refuses. */
int quiz_settings_set(Db *db, int64_t org_id, int64_t unit_id, const QuizSettings *s, UsTime now);

/* ---- items ---------------------------------------------------------------- */

typedef struct QuizItem {
    int64_t id, position;
    Item item;
} QuizItem;
typedef struct QuizItems { QuizItem *items; int n; } QuizItems;

/* The quiz's current items, in order. */
int quiz_items_load(Db *db, Arena *a, int64_t unit_id, QuizItems *out);
/* The current items as a bank (GIFT export). */
int quiz_bank(Db *db, Arena *a, int64_t unit_id, ItemBank *out);
/* Replace the quiz's items with `bank`, in one transaction: the current
 * rows are retired (kept for the attempts that showed them), the bank's
 * items inserted.  Creates the settings row when there is none.  LN_ELIMIT
 * past QUIZ_MAX_ITEMS. */
int quiz_items_replace(Db *db, int64_t org_id, int64_t unit_id, const ItemBank *bank, UsTime now);

/* An assessment's purpose as people read it, in English: the msgid to give
 * i18n_get (quiz pages, the gradebook, the connection record). */
const char *quiz_purpose_text(const char *purpose);

/* ---- Item <-> JSON (item_json.c) ------------------------------------------- */

/* The whole item, answers included: for storage and for staff only. */
json_t *item_to_json(const Item *it);
/* LN_OK, or LN_EINVAL with *err (English) naming the problem. */
int item_from_json(Arena *a, const json_t *j, Item *out, const char **err);
char *item_to_text(Arena *a, const Item *it);
int item_from_text(Arena *a, const char *text, Item *out);

/* How one item was shown in an attempt.  Positions the learner sees are
 * indexes into these arrays, never the item's own choice indexes (which
 * could give away the right order of an ordering item, or the right choice
 * of a GIFT file that lists it first). */
typedef struct Shown {
    int64_t id;                     /* quiz_item id */
    int *order;                     /* choice indexes in the order shown (MATCHING: left sides) */
    int norder;
    int *options;                   /* MATCHING: the right sides offered, each a choice index */
    int noptions;
} Shown;

/* Fill `s` for item `it`: choices in random order when `shuffle` (or the
 * item asks for it), ordering and matching options always shuffled. */
void shown_make(Arena *a, const Item *it, int64_t id, bool shuffle, Shown *s);
json_t *shown_to_json(const Shown *s, int n);
/* LN_EINVAL when malformed. */
int shown_from_json(Arena *a, const json_t *j, Shown **out, int *n);

/* What a learner may see of an item before feedback may be shown: type,
 * title, text, points and the choices' texts in the order shown.  Never a
 * weight, a correct flag, a feedback, a numeric value or which right side
 * belongs to which left side. */
json_t *item_learner_view(const Item *it, const Shown *s);
/* The learner's response to one item, in shown positions (JSON, see
 * docs/assessments.md), into a Response in the item's own indexes.
 * LN_EINVAL with *err when its shape is wrong. NULL `j`: no answer. */
int response_from_learner(Arena *a, const Item *it, const Shown *s, const json_t *j, Response *out,
                          const char **err);
/* The stored form of a Response and back. */
json_t *response_to_json(const Response *r);
int response_from_json(Arena *a, const json_t *j, Response *out);
/* The Response again in shown positions (to fill the form back, to show
 * what was answered). */
json_t *response_to_learner(const Item *it, const Shown *s, const Response *r);
/* After grading, when feedback may be shown: the right answer in shown
 * positions ("answer"), the feedback of what was picked or matched
 * ("feedback": [...]), the general feedback. */
json_t *item_feedback(const Item *it, const Shown *s, const Response *r);

/* ---- attempts ----------------------------------------------------------------- */

typedef struct Attempt {
    int64_t id, unit_id, run_id, user_id, org_id, number;
    UsTime started_at, deadline_at, submitted_at;   /* 0: none */
    int64_t score;                  /* thousandths of the quiz; -1 while in progress */
    int64_t pending;                /* items awaiting a person's grade */
    char *status;                   /* "in_progress" | "submitted" | "expired" */
    Shown *shown;
    int nshown;
} Attempt;
typedef struct AttemptList { Attempt *items; int n; } AttemptList;

typedef enum {
    QUIZ_OK = 0,
    QUIZ_NOT_OPEN,                  /* before opens_at */
    QUIZ_CLOSED,                    /* after closes_at */
    QUIZ_NO_ATTEMPTS_LEFT,
    QUIZ_NO_ITEMS,
    QUIZ_TIME_UP,                   /* past the deadline and its grace: the attempt expired */
    QUIZ_ALREADY_SUBMITTED,         /* submitted: never changed again */
} QuizRefusal;
/* An English msgid for the refusal, and a code for the API. */
const char *quiz_refusal_message(QuizRefusal q);
const char *quiz_refusal_code(QuizRefusal q);

/* "2026-11-28T18:06", with ":SS", a 'Z' or a space for the 'T' (UTC), into
 * microseconds; false when malformed. */
bool quiz_parse_time(const char *s, UsTime *out);

/* Seconds after the deadline during which a submission is still taken:
 * LECTERN_QUIZ_GRACE_S (0..300) when set, else 15; read once. */
int64_t quiz_grace_us(void);

/* Draw `draw` of `n` indexes (all when draw is 0 or ≥ n) with
 * randombytes_uniform into out (n slots); in random order when `shuffle`,
 * else ascending.  Returns how many. */
int quiz_draw(int n, int draw, bool shuffle, int *out);
/* The items of an attempt by the settings (pool.c): draw_count of all the
 * items, or, with draw_per_pool, draw_count of each pool (the items of one
 * category; items without one are always in), kept in the quiz's order
 * unless the quiz shuffles.  Indexes into qi->items into out (qi->n
 * slots); returns how many. */
int quiz_draw_items(const QuizSettings *qs, const QuizItems *qi, int *out);
/* How many questions an attempt shows with these settings. */
int quiz_drawn_count(const QuizSettings *qs, const QuizItems *qi);

/* Σ points × score / Σ points, in thousandths rounded half down; items
 * with a negative score (awaiting a person, or nothing to grade) count in
 * *pending when they carry points, and add nothing. 0 when no points. */
int64_t quiz_total(const int64_t *points, const int *scores, int n, int64_t *pending);

/* A learner's attempts at a quiz in a run, oldest first. */
int quiz_attempts(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, AttemptList *out);
/* Attempt `id` when it is this learner's at this quiz and run; LN_NOTFOUND otherwise. */
int quiz_attempt_load(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, int64_t id,
                      Attempt *out);
/* Expire the learner's attempt in progress when its deadline and grace
 * have passed: graded from the answers saved while the learner worked
 * (kept as its answers), else scored 0; a ledger entry "expired". */
int quiz_expire_overdue(Db *db, const RunRef *run, int64_t unit_id, int64_t user_id, const QuizSettings *qs,
                        UsTime now);
/* The same for at most `limit` overdue attempts of anyone, oldest deadline
 * first (the serve tick); returns how many expired. */
int quiz_expire_due(Db *db, UsTime now, int limit);
/* Does the finished attempt keep answers (submitted, or expired with saved ones)? */
bool quiz_has_answers(Db *db, int64_t attempt_id);
#define QUIZ_EXPIRE_EVERY_S 30
/* For the serve tick: overdue attempts expired every QUIZ_EXPIRE_EVERY_S. */
void quiz_tick(App *app, Db *db);

/* Start an attempt, or resume the one in progress (*resumed).  Enforces the
 * dates and attempts allowed (*refusal, LN_EPERM), draws the items.  One
 * transaction; also marks the unit opened. */
int quiz_start(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id, UsTime now,
               Attempt *out, bool *resumed, QuizRefusal *refusal);

/* Answers in progress (migration 026): the learner's latest `responses`
 * to `at` (the shape quiz_submit takes, checked the same way, nothing
 * graded), replacing the previous ones; refused (LN_EPERM, *refusal) once
 * the attempt is submitted, expired or past its deadline and grace.  A
 * working copy, not evidence: quiz_submit removes it. */
#define QUIZ_DRAFT_MAX (256 * 1024)     /* bytes of JSON */
int quiz_draft_save(Db *db, Arena *a, const Attempt *at, const json_t *responses, UsTime now, QuizRefusal *refusal,
                    const char **err);
/* The saved responses of attempt `id` (caller decrefs), or NULL. */
json_t *quiz_draft_load(Db *db, int64_t attempt_id, UsTime *saved_at);

typedef struct QuizResult {
    int64_t score;                  /* thousandths of the quiz */
    int64_t points, points_max;     /* thousandths of a point */
    int64_t pending;
    bool passed, completed, course_done;
    int64_t ledger_seq;
} QuizResult;

/* Submit `responses` ({"quiz_item_id": learner response, ...}, may be NULL)
 * for attempt `at` (in progress, loaded by quiz_attempt_load).  Grades
 * every item on the server, inserts the answers and the ledger entry
 * "assessment.attempt" in one transaction; then, when the attempt passes,
 * completes the unit.  Refusals (LN_EPERM, *refusal): already submitted,
 * time up (the attempt is then expired).  LN_EINVAL with *err when a
 * response's shape is wrong (nothing is stored). */
int quiz_submit(Db *db, Arena *a, const RunRef *run, const QuizSettings *qs, Attempt *at, const json_t *responses,
                UsTime now, QuizResult *out, QuizRefusal *refusal, const char **err);

/* May the learner see feedback and right answers now?  immediately: after
 * each submission; after_last: once no attempt is left (or the quiz has
 * closed); after_close: once the quiz has closed. */
bool quiz_feedback_allowed(const QuizSettings *qs, const AttemptList *mine, UsTime now);
/* The learner's grade by the quiz's policy over submitted and expired
 * attempts; -1 when none. */
int64_t quiz_grade(const QuizSettings *qs, const AttemptList *mine);
/* Attempts used (every status). */
int quiz_used(const AttemptList *mine);

/* The items an attempt showed, in its order (from quiz_item, retired ones
 * included), into items[i] for shown[i]; LN_EDB/LN_NOTFOUND. */
int quiz_attempt_items(Db *db, Arena *a, const Attempt *at, Item **items);
/* The stored answers of a submitted attempt: responses[i] and scores[i]
 * for shown[i] (score -1: none). */
int quiz_attempt_answers(Db *db, Arena *a, const Attempt *at, Response *responses, int *scores);

#endif
