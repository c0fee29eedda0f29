/* survey.h — satisfaction surveys of a course run's learners
 * (docs/surveys.md; ../shared/EVIDENCE.md, Qualiopi indicator 30:
 * appreciations collected from learners, with reminders and free text).
 * Rules and SQL only; pages in survey_page.c, JSON in survey_api.c.
 *
 * A run has at most one survey.  Its trainers (or the organisation's
 * administrators) open it, now or on a date (the serve tick opens it then):
 * every active learner of the run is invited by e-mail, in the same
 * transaction.  Learners answer once: the standard
 * questions below (ratings from 1 to 5, would you recommend, what to
 * improve).  Each response is a row, its answers and a ledger entry
 * ("survey.response") in one transaction.  Three days after the opening,
 * who has not answered is reminded once (the serve tick).  Staff read the
 * results: the response rate, each rating's average and spread, the
 * recommendation and the comments, without names on screen; the CSV has
 * one line per response. */
#ifndef LECTERN_SURVEY_H
#define LECTERN_SURVEY_H

#include "db/db.h"

#define SURVEY_TEXT_MAX 2000            /* bytes of a free-text answer */
#define SURVEY_REMIND_DAYS 3

typedef enum { SQ_RATING, SQ_YESNO, SQ_TEXT } SurveyKind;
typedef struct SurveyQuestion {
    const char *code;                   /* "overall", "content", ... */
    SurveyKind kind;
    const char *text;                   /* English msgid */
    bool required;
} SurveyQuestion;
/* The standard questions, in order; *n gets how many. */
const SurveyQuestion *survey_questions(int *n);

typedef struct Survey {
    int64_t id, org_id, run_id, opened_by;
    UsTime opened_at, closed_at, reminded_at;   /* 0: not (yet) */
    char *run_title, *course_title;
} Survey;

/* The survey of run `run_id` (org_id 0: any organisation); LN_NOTFOUND. */
int survey_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, Survey *out);
/* Open the run's survey and invite its active learners by e-mail (links
 * under base_url): LN_OK; LN_EEXIST when it is open already (a closed one
 * is opened again, without new invitations); LN_NOTFOUND: no such run in
 * the organisation. */
int survey_open(Db *db, int64_t org_id, int64_t run_id, int64_t by, const char *base_url, UsTime now);
/* Open it by itself at `open_at` (the serve tick; a later date replaces an
 * earlier one): LN_OK; LN_EINVAL with *why (an English msgid) when
 * open_at is not in the future; LN_EEXIST (*why) when the run has a
 * survey already; LN_NOTFOUND: no such run in the organisation. */
int survey_schedule(Db *db, int64_t org_id, int64_t run_id, int64_t by, UsTime open_at, UsTime now, const char **why);
/* Cancel that: LN_OK, LN_NOTFOUND (nothing scheduled). */
int survey_unschedule(Db *db, int64_t org_id, int64_t run_id);
/* When the run's survey is to open by itself; 0 when it is not. */
UsTime survey_scheduled_at(Db *db, int64_t run_id);
/* Open the surveys whose time has come (the tick), each once even with
 * several processes: the number opened. */
int survey_open_due(Db *db, const char *base_url, UsTime now);
/* Close it: LN_OK, LN_NOTFOUND (none open). */
int survey_close(Db *db, int64_t org_id, int64_t run_id, UsTime now);

/* A learner's answers: values[i] for question i of survey_questions(), as
 * typed ("1".."5", "yes"/"no", text); NULL or "" for no answer. */
typedef struct SurveyAnswers { const char *values[16]; } SurveyAnswers;
/* Record the response of `user_id` with its ledger entry.  LN_OK;
 * LN_NOTFOUND (no open survey, or not an active learner of the run);
 * LN_EEXIST (answered already); LN_EINVAL with *field (the question's code)
 * and *why (an English msgid) for a bad or missing answer. */
int survey_respond(Db *db, int64_t run_id, int64_t user_id, const SurveyAnswers *in, UsTime now, const char **field,
                   const char **why);
/* Has `user_id` answered the run's survey?  *open: the survey is open. */
bool survey_answered(Db *db, int64_t run_id, int64_t user_id, bool *open);

typedef struct SurveyStat {
    const SurveyQuestion *q;
    int64_t answers;
    int64_t dist[6];                    /* rating: dist[1..5]; yes/no: dist[0] no, dist[1] yes */
    int64_t avg_milli;                  /* rating: average × 1000; -1 without answers */
} SurveyStat;
typedef struct SurveyComment { char *question, *text; UsTime at; } SurveyComment;
typedef struct SurveyResults {
    int64_t learners, responses;
    SurveyStat *stats; int nstats;
    SurveyComment *comments; int ncomments;
} SurveyResults;
/* The results of survey `survey_id` (its run's active learners counted). */
int survey_results(Db *db, Arena *a, const Survey *s, SurveyResults *out);
/* One line per response: submitted_at, learner, email, then each question. */
int survey_csv(Db *db, Arena *a, const Survey *s, Buf *out);

/* The organisation's surveys, newest first (at most SURVEY_LIST_MAX), each
 * with its response rate, its average overall rating and recommendations:
 * what an auditor reads for indicator 30. */
#define SURVEY_LIST_MAX 500
typedef struct SurveySummary {
    int64_t run_id, learners, responses, overall_sum, overall_n, recommend_yes, recommend_n;
    char *run_title, *course_title;
    UsTime opened_at, closed_at;
} SurveySummary;
typedef struct SurveySummaryList { SurveySummary *items; int n; } SurveySummaryList;
int survey_org_list(Db *db, Arena *a, int64_t org_id, SurveySummaryList *out);

/* For the serve tick: the reminders due (one per survey, SURVEY_REMIND_DAYS
 * after its opening, to the active learners who have not answered).
 * Returns how many e-mails were queued, or a negative LN_ code. */
int survey_remind_due(Db *db, const char *base_url, UsTime now);
/* The same from the serve tick, at most once a minute. */
typedef struct App App;
void survey_tick(App *app, Db *db);

#endif
