/* gradebook.h — what trainers decide about grades after attempts were
 * submitted, and the grades that follow (docs/assessments.md, "Gradebook").
 *
 *  - grading an answered essay (gb_grade_answer), an override with its
 *    reason (gb_override), a regrade after a fixed key (gb_fix_key,
 *    gb_regrade): each a row of migrations/014_gradebook.sql and a ledger
 *    entry in one transaction; answers and attempts are never updated.
 *  - the gradebook of a run (gradebook_load): per learner and quiz the
 *    grade by the quiz's policy over the effective attempt scores, the
 *    weighted course grade, pass/fail; set-based (a few queries per run).
 *  - item analysis (gb_analysis).
 *
 * Rules and SQL in gradebook.c, pages in gradebook_page.c, JSON API in
 * gradebook_api.c.  Scores and weights are thousandths (1000 = 100 %).
 */
#ifndef LECTERN_GRADEBOOK_H
#define LECTERN_GRADEBOOK_H

#include "assess/quiz.h"

#define GB_MAX_WEIGHT 1000000
#define GB_DEFAULT_WEIGHT 1000          /* a graded unit without a weight of its own */
#define GB_DEFAULT_PASS_MARK 500
#define GB_REASON_MAX 2000

/* ---- settings ---- */

typedef struct GbSettings {
    int64_t pass_mark;              /* thousandths of the course grade; default 500 */
    bool require_grade;             /* completing the course needs the pass mark */
} GbSettings;
int gb_settings_get(Db *db, int64_t course_id, GbSettings *out);
/* LN_EINVAL when pass_mark is outside 0..1000. */
int gb_settings_set(Db *db, int64_t org_id, int64_t course_id, const GbSettings *s, UsTime now);
/* Weight of quiz or assignment unit `unit_id` (of course `course_id`),
 * 0..GB_MAX_WEIGHT; LN_NOTFOUND when it is not a quiz or assignment of the course, LN_EINVAL out of range. */
int gb_weight_set(Db *db, int64_t org_id, int64_t course_id, int64_t unit_id, int64_t weight, UsTime now);
/* The weight of unit `unit_id`: its own, else GB_DEFAULT_WEIGHT. */
int gb_weight_get(Db *db, int64_t unit_id, int64_t *weight);
/* The title of quiz unit `unit_id` of the course, in the arena; NULL when
 * it is not one. */
char *gb_quiz_title(Db *db, Arena *a, int64_t course_id, int64_t unit_id);
/* The weight of every graded unit (quiz or assignment) of the course, by unit id. */
typedef struct GbWeight { int64_t unit_id, weight; } GbWeight;
int gb_weights(Db *db, Arena *a, int64_t course_id, GbWeight **out, int *n);
/* Is `unit_id` a graded unit (quiz or assignment) of the course? */
bool gb_graded_unit(Db *db, int64_t course_id, int64_t unit_id);
/* The peer assessment work due in every assignment of the run (allocation,
 * grades once the review deadline passed: peer_due), so that the gradebook
 * shows the grades recorded by now.  A few queries per assignment. */
int gb_peer_due(Db *db, Arena *a, const RunRef *run, UsTime now);

/* ---- grading essays ---- */

typedef struct GbPending {
    int64_t attempt_id, quiz_item_id, unit_id, user_id, number;
    char *name, *unit_title, *question, *answer;
    int64_t points;                 /* thousandths of a point */
    UsTime submitted_at;
} GbPending;
/* Answered essays of finished attempts of the run not graded yet, oldest
 * first, at most `limit`. */
int gb_pending(Db *db, Arena *a, int64_t run_id, int limit, GbPending **out, int *n);

typedef struct GbOutcome {
    int64_t score, previous, pending;   /* the attempt's new and previous score */
    bool passed, completed, course_done;
    int changed;                        /* regrade: attempts changed */
} GbOutcome;

/* A trainer's grade (0..1000 of the item) and comment for the essay
 * `quiz_item_id` of attempt `attempt_id` of the run: an answer_grade row,
 * the attempt rescored, the entry "assessment.grade", in one transaction;
 * then the unit completes when the attempt passes.  Grading again replaces
 * the previous grade (a new row naming it).  LN_NOTFOUND: no such finished
 * attempt in the run, or no answered essay there; LN_EINVAL: score out of
 * range. */
int gb_grade_answer(Db *db, Arena *a, const RunRef *run, int64_t attempt_id, int64_t quiz_item_id, int64_t score,
                    const char *comment, int64_t by, UsTime now, GbOutcome *out);

/* ---- overrides ---- */

/* A trainer's grade for learner `user_id`'s quiz `unit_id` in the run
 * (attempt_id 0), or for one finished attempt, with a reason (required):
 * a grade_override row pointing to the override it replaces and the grade
 * it corrects, the entry "assessment.override" (a ledger correction of the
 * replaced override's entry).  When the new grade passes the quiz the unit
 * completes.  LN_NOTFOUND: not an enrolled learner / quiz / attempt of
 * the run; LN_EINVAL: score or reason wrong. */
int gb_override(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id, int64_t attempt_id,
                int64_t score, const char *reason, int64_t by, UsTime now, GbOutcome *out);

/* ---- fixing a key, regrading ---- */

/* Replace item `old_id` of quiz `unit_id` by `fixed` (same type, same
 * number of choices or gaps where answers are positions): the old row is
 * retired, the new one takes its place, an item_fix row links them.
 * LN_NOTFOUND: not a current item of the quiz; LN_EINVAL with *err. */
int gb_fix_key(Db *db, Arena *a, int64_t org_id, int64_t unit_id, int64_t old_id, const Item *fixed,
               const char *reason, int64_t by, UsTime now, int64_t *new_id, const char **err);
/* Regrade with item `item_id`'s key every finished attempt (of any run of
 * the course) that showed it or a version it replaced: each answer whose
 * score changes gets an answer_grade row, each attempt whose score changes
 * an attempt_rescore row with the reason and the entry "assessment.regrade",
 * all in one transaction.  The original answers stay.  out->changed counts
 * attempts changed.  Essays are left to people. */
int gb_regrade(Db *db, Arena *a, int64_t org_id, int64_t unit_id, int64_t item_id, const char *reason, int64_t by,
               UsTime now, GbOutcome *out);

/* ---- the gradebook ---- */

/* A graded column: a quiz unit, or an assignment unit (peer assessment,
 * its grade from peer_grade: the learner's latest row, overrides included). */
typedef struct GbQuiz {
    int64_t unit_id, pass_mark, weight;
    char *title;
    const char *policy;             /* quizzes: best, last, average; assignments: "peer" */
    const char *purpose;            /* placement, formative, final (assignments: formative) */
    bool peer;                      /* an assignment unit */
} GbQuiz;
typedef struct GbCell {
    int64_t grade;                  /* thousandths; -1: no finished attempt, no peer grade (or withheld) */
    int attempts;                   /* quizzes: finished attempts; assignments: peer reviews counted */
    bool pending, overridden;
    bool withheld;                  /* assignments: recorded but withheld (counts 0 until a trainer overrides) */
    bool no_reviews;                /* assignments: recorded without a score, nobody reviewed the work */
} GbCell;
typedef struct GbRow {
    int64_t user_id;
    char *name, *email;
    UsTime completed_at;
    GbCell *cells;                  /* one per quiz */
    int64_t grade;                  /* weighted course grade; -1: no weighted quiz */
    bool passed;
} GbRow;
typedef struct Gradebook {
    GbSettings s;
    GbQuiz *quizzes;
    int nq;
    GbRow *rows;
    int n;
} Gradebook;

/* Every active learner of the run (user_id 0) or one, by name.  Columns:
 * the course's quiz and assignment units in course order. */
int gradebook_load(Db *db, Arena *a, const RunRef *run, int64_t user_id, Gradebook *out);
/* Keep rows whose name or email holds `q` (accents and case folded) and
 * whose status is `status` ("passed", "failed", NULL/"" for all); sort by
 * "name" (default), "grade" (highest first), "-name", "-grade". */
void gradebook_filter(Gradebook *g, Arena *a, const char *q, const char *status, const char *sort);
/* Is the course completion rule on grades met by the learner?  Always when
 * the course does not require a grade, or has no weighted quiz. */
int gradebook_rule_met(Db *db, const RunRef *run, int64_t user_id, bool *met);

/* The learner's attempts as decisions left them: each finished attempt's
 * score and pending count replaced by its effective ones (latest override,
 * else latest rescore).  For the quiz pages (quiz_page.c). */
int gb_effective_attempts(Db *db, AttemptList *mine);
/* The attempt's score after regrades (its latest rescore), overrides aside. */
int64_t gb_attempt_rescored(Db *db, const Attempt *at);
typedef struct GbOverride {
    int64_t score, attempt_id;          /* attempt_id 0: the quiz's grade */
    char *reason, *by;                  /* by: who decided ("" when unknown) */
    UsTime at;
} GbOverride;
/* The overrides of the learner's grade at one quiz of the run, oldest first. */
int gb_overrides(Db *db, Arena *a, int64_t run_id, int64_t unit_id, int64_t user_id, GbOverride **out, int *n);
/* The learner's grade for the quiz: the latest quiz-level override, else
 * quiz_grade over `mine` (effective); -1 when none. */
int64_t gb_quiz_grade(Db *db, const QuizSettings *qs, int64_t run_id, int64_t user_id, const AttemptList *mine);

/* quiz_attempt_answers with the decisions applied: each answer's latest
 * grade (an essay graded, a regrade) in scores[i]. */
int gb_attempt_answers(Db *db, Arena *a, const Attempt *at, Response *responses, int *scores);

typedef struct GbComment {
    int64_t unit_id, number, score;
    char *unit_title, *question, *comment;
    UsTime at;
} GbComment;
/* The trainers' comments on the learner's essays in the run, latest grade
 * per answer, oldest first. */
int gb_comments(Db *db, Arena *a, int64_t run_id, int64_t user_id, GbComment **out, int *n);

/* The trainers' latest comment on each graded essay of attempt `id`:
 * {"quiz_item_id": "comment", ...}, empty comments left out (caller
 * decrefs; NULL on a database error). */
struct json_t *gb_attempt_comments(Db *db, int64_t attempt_id);

/* ---- item analysis ---- */

typedef struct GbItemStat {
    int64_t quiz_item_id;
    Item item;
    bool retired;
    int64_t current_id;             /* the current version (a fixed key's successor); 0: none */
    Item current;                   /* its question, when current_id */
    int answers;                    /* graded answers */
    double difficulty;              /* mean score, 0..1 (share correct) */
    double discrimination;          /* point-biserial: item score vs attempt score; NAN below 2 answers */
    int *picks;                     /* per choice (choice items), NULL otherwise */
} GbItemStat;
typedef struct GbAnalysis { GbItemStat *items; int n; int attempts; } GbAnalysis;
/* Over the finished attempts of quiz `unit_id` in the run. */
int gb_analysis(Db *db, Arena *a, int64_t run_id, int64_t unit_id, GbAnalysis *out);

#endif
