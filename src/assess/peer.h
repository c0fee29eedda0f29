/* peer.h — peer assessment: a unit of kind "assignment" with a rubric;
 * learners submit text and files, review K peers' submissions with the
 * rubric, and get a grade from the reviews (median by default); a learner
 * can flag an unfair review, a trainer can override a grade.  Rules and SQL
 * in peer.c, pages in peer_page.c, JSON API in peer_api.c; the decisions
 * are written in docs/assessments.md ("Peer assessment").
 *
 * Scores are thousandths (1000 = 100 %); rubric points are whole points;
 * times are microseconds.
 */
#ifndef LECTERN_PEER_H
#define LECTERN_PEER_H

#include <jansson.h>
#include "content/pages.h"

/* ---- the pure part: allocation and arithmetic (unit-tested alone) ---- */

#define PEER_MAX_REVIEWERS 10
#define PEER_MAX_CRITERIA 20
#define PEER_MAX_LEVELS 10
#define PEER_MAX_POINTS 1000
#define PEER_MAX_FILES 5
#define PEER_TEXT_MAX 100000            /* bytes of a submission's text */
#define PEER_COMMENT_MAX 10000
#define PEER_REASON_MAX 2000

/* A reviewer → author pair, as indexes into the participants. */
typedef struct PeerPair { int reviewer, author; } PeerPair;

/* The participants' order for `seed`: a Fisher–Yates shuffle of 0..n-1
 * driven by splitmix64, the same on every machine. */
void peer_permute(int n, uint64_t seed, int *out);
/* Allocate min(k, n-1) reviewers to each of n participants: in the seeded
 * order p, participant p[i] is reviewed by p[i+1], ..., p[i+k'] (mod n).
 * Nobody reviews themselves, nobody twice the same, and every reviewer gets
 * exactly k' submissions.  `out` holds n*k' pairs; returns how many. */
int peer_allocate(int n, int k, uint64_t seed, PeerPair *out);
/* For one newcomer (a late submission): the `k` participants with the least
 * `count` among n, never `exclude`, ties broken by the seeded order.
 * Returns how many were picked (≤ k) into out. */
int peer_pick_least(const int *count, int n, int exclude, int k, uint64_t seed, int *out);
/* The grade from review scores (thousandths): "median" (the mean of the
 * two middle ones when even) or "mean", rounded to the nearest, halves
 * down; -1 when n is 0. */
int64_t peer_aggregate(const int64_t *scores, int n, const char *method);

/* ---- the rubric ---- */

typedef struct PeerLevel { const char *title; int64_t points; } PeerLevel;
typedef struct PeerCriterion {
    const char *title, *description;
    PeerLevel *levels;
    int nlevels;
} PeerCriterion;
typedef struct PeerRubric { PeerCriterion *criteria; int n; } PeerRubric;

/* {"criteria": [{"title", "description"?, "levels": [{"title", "points"}, ...]}, ...]}.
 * LN_EINVAL with *err (English) naming the problem: 0..20 criteria, each
 * with a title (≤ 200 bytes) and 2..10 levels, each with a title and whole
 * points 0..1000. */
int peer_rubric_from_json(Arena *a, const json_t *j, PeerRubric *out, const char **err);
json_t *peer_rubric_to_json(const PeerRubric *r);
/* The most points a review can give. */
int64_t peer_rubric_max(const PeerRubric *r);

/* ---- settings ---- */

typedef struct PeerSettings {
    int64_t unit_id, org_id;
    const char *instructions;       /* Markdown */
    PeerRubric rubric;
    UsTime submit_by, review_by;    /* 0: none */
    int64_t reviewers;              /* K, 1..10 */
    bool self_assessment;
    const char *late_policy;        /* "accept" | "refuse" | "penalty" */
    int64_t late_penalty;           /* thousandths */
    const char *no_review_policy;   /* "none" | "withhold" | "penalty" */
    int64_t no_review_penalty;      /* thousandths */
    const char *grade_method;       /* "median" | "mean" */
    UsTime updated_at;              /* 0: never saved */
} PeerSettings;

void peer_settings_default(PeerSettings *s);
/* NULL when fine, else the field in error and *msg (an English msgid). */
const char *peer_settings_check(const PeerSettings *s, const char **msg);
int peer_settings_get(Db *db, Arena *a, int64_t unit_id, PeerSettings *out);
/* LN_EINVAL when peer_settings_check refuses; LN_EEXIST when the rubric
 * changes once a review exists (reviews name levels of the rubric). */
int peer_settings_set(Db *db, int64_t org_id, const PeerSettings *s, UsTime now);
/* The same inside the caller's transaction (a course import). */
int peer_settings_write(Db *db, int64_t org_id, const PeerSettings *s, UsTime now);

/* ---- submissions ---- */

typedef struct PeerFile { int64_t media_id; Media media; } PeerFile;
typedef struct PeerSubmission {
    int64_t id, unit_id, run_id, user_id, version;
    char *body;
    bool late;
    UsTime submitted_at;
    PeerFile *files;
    int nfiles;
} PeerSubmission;

typedef enum {
    PEER_OK = 0,
    PEER_CLOSED,                    /* past the submission deadline, late refused, or past the review deadline */
    PEER_EMPTY,                     /* neither text nor file */
    PEER_NOT_ALLOCATED,             /* no such review to do */
    PEER_REVIEW_CLOSED,             /* past the review deadline */
    PEER_ALREADY_REVIEWED,
    PEER_NO_RUBRIC,
    PEER_ALREADY_FLAGGED,
} PeerRefusal;
const char *peer_refusal_message(PeerRefusal p);
const char *peer_refusal_code(PeerRefusal p);

/* A new version of the learner's submission (media already stored for
 * run->org_id), with its ledger entry "assessment.submission", in one
 * transaction; then the unit is complete.  Refusals: LN_EPERM with *why. */
int peer_submit(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, int64_t user_id, const char *body,
                const int64_t *media_ids, int nfiles, UsTime now, PeerSubmission *out, PeerRefusal *why);
/* The learner's last version; LN_NOTFOUND when none. */
int peer_submission_last(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, PeerSubmission *out);
/* File `position` of submission `sid` of the assignment, and whether
 * `reader` may read it: its author, a reviewer given that author, or
 * (`staff`) the course's trainers.  LN_NOTFOUND when there is no such file
 * or the reader may not see it (as if there were none). */
int peer_file_for(Db *db, int64_t unit_id, int64_t run_id, int64_t sid, int64_t position, int64_t reader, bool staff,
                  int64_t *media_id);
int peer_submission_versions(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id,
                             PeerSubmission **out, int *n);

/* ---- allocation ---- */

/* Allocate reviewers to every learner with a submission who has none yet:
 * the first time for everybody (peer_allocate), afterwards newcomers one by
 * one (peer_pick_least both ways).  Self-assessments when the setting asks.
 * One transaction; idempotent: running it again allocates nothing new.
 * `seed` 0: a random one.  *added (may be NULL) counts new pairs. */
int peer_allocate_run(Db *db, const RunRef *run, const PeerSettings *ps, uint64_t seed, UsTime now, int *added);
/* peer_allocate_run when the submission deadline has passed (lazily, on the
 * first look afterwards), and the grades once the review deadline has. */
int peer_due(Db *db, const RunRef *run, const PeerSettings *ps, UsTime now);

/* ---- reviews ---- */

typedef struct PeerReview {
    int64_t id, allocation_id, submission_id;
    int64_t reviewer_id, author_id;
    bool self_review;
    int *levels;                    /* per criterion, -1: none */
    int nlevels;
    int64_t points, points_max, score;
    char *comment;
    UsTime created_at;
    bool flagged;
    char *flag_reason;
} PeerReview;

typedef struct PeerTask {           /* a review to do, or done */
    int64_t allocation_id, author_id;
    bool self_review;
    int64_t review_id;              /* 0: not done */
} PeerTask;

int peer_tasks(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t reviewer_id, PeerTask **out, int *n);
/* Allocation `id` when `reviewer_id` is its reviewer; LN_NOTFOUND otherwise. */
int peer_task_load(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t reviewer_id, int64_t id,
                   PeerTask *out);
/* The reviews of an author's submissions, oldest first (self-assessment included). */
int peer_reviews_of(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t author_id, PeerReview **out, int *n);

/* Review allocation `task` with a level per criterion (indexes into the
 * rubric) and a comment; the author's last version is what is reviewed.
 * Ledger entry "assessment.review".  LN_EINVAL with *err when the levels do
 * not fit the rubric; LN_EPERM with *why. */
int peer_review_submit(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, const PeerTask *task,
                       int64_t reviewer_id, const int *levels, int nlevels, const char *comment, UsTime now,
                       int64_t *review_id, PeerRefusal *why, const char **err);
/* The author of review `review_id` flags it as unfair; LN_NOTFOUND when it
 * is not a review of their submission. */
int peer_flag(Db *db, int64_t unit_id, int64_t run_id, int64_t author_id, int64_t review_id, const char *reason,
              UsTime now, PeerRefusal *why);

/* ---- grades ---- */

typedef struct PeerGrade {
    int64_t id, user_id, overrides, by_user, reviews, ledger_seq;
    char *kind, *status, *reason;
    int64_t score;                  /* -1: none */
    UsTime created_at;
} PeerGrade;

/* The grade of `user_id` from the reviews so far and the settings
 * (penalties, withholding), not stored. */
int peer_grade_compute(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, int64_t user_id, PeerGrade *out);
/* Record the grade of every learner with a submission who has none yet,
 * each with its ledger entry "assessment.grade"; idempotent.  *added may be
 * NULL. */
int peer_finalise(Db *db, const RunRef *run, const PeerSettings *ps, UsTime now, int *added);

/* ---- on schedule, and by e-mail ---- */

/* What is due without anybody opening a page: allocation once the
 * submission deadline passed, grades once the review deadline passed, for
 * deadlines of the last PEER_SCHEDULE_DAYS (at most `limit` assignments);
 * returns how many were handled. */
#define PEER_SCHEDULE_DAYS 7
int peer_scheduled_due(Db *db, UsTime now, int limit);
/* PEER_REMIND_HOURS before each deadline, one reminder (a peer_notice row)
 * to each learner of the run who opened the assignment before then and has
 * not submitted, and to each reviewer with reviews still to do that were
 * given before then.  Returns how many were made, or LN_EDB. */
#define PEER_REMIND_HOURS 24
int peer_reminders_due(Db *db, UsTime now);
/* E-mails: each allocation tells the reviewers given reviews, each grade
 * its author (peer_notice rows written with them), and the reminders
 * above; at most `limit`, each queued once in the reader's language.
 * Returns how many were queued. */
int peer_notices_send(Db *db, const char *base_url, UsTime now, int limit);
#define PEER_TICK_S 10
/* For the serve tick, every PEER_TICK_S: all of the above. */
void peer_tick(App *app, Db *db);
/* The learner's current grade (the last row); LN_NOTFOUND when none. */
int peer_grade_current(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, PeerGrade *out);
/* A trainer's override: a new row pointing at the current one, its ledger
 * entry "assessment.override" correcting the current one's.  `score`
 * thousandths 0..1000.  LN_NOTFOUND when the learner has no grade yet
 * (finalise first), LN_EINVAL without a reason. */
int peer_override(Db *db, const RunRef *run, int64_t unit_id, int64_t user_id, int64_t score, const char *reason,
                  int64_t by_user, UsTime now, PeerGrade *out);

/* ---- the staff's overview of a run ---- */

typedef struct PeerRow {            /* one learner with a submission */
    int64_t user_id;
    char *name;
    PeerSubmission sub;
    int to_do, done;                /* their reviews of others */
    int received;                   /* peer reviews of their submission */
    int flags;
    PeerGrade grade;                /* id 0: none yet */
} PeerRow;
int peer_overview(Db *db, Arena *a, const RunRef *run, int64_t unit_id, PeerRow **out, int *n);

/* ---- handlers (peer_page.c, peer_api.c) ---- */

/* The block on an assignment unit's page for trainers (outline_page.c) and
 * in the player for learners (learn_page.c). */
void peer_edit_section(Req *r, const Course *c, const Unit *u);
void peer_player(Req *r, const Learn *l);

void peer_settings_post(Req *r);
void peer_rubric_post(Req *r);
void peer_submit_post(Req *r);
void peer_file_get(Req *r);
void peer_review_page(Req *r);
void peer_review_post(Req *r);
void peer_flag_post(Req *r);
void peer_staff_page(Req *r);
void peer_allocate_post(Req *r);
void peer_finalise_post(Req *r);
void peer_override_post(Req *r);

void api_peer_get(Req *r);
void api_peer_submit_post(Req *r);
void api_peer_review_get(Req *r);
void api_peer_review_post(Req *r);
void api_peer_flag_post(Req *r);
void api_peer_settings_get(Req *r);
void api_peer_settings_put(Req *r);
void api_peer_staff_get(Req *r);
void api_peer_allocate_post(Req *r);
void api_peer_finalise_post(Req *r);
void api_peer_override_post(Req *r);

/* shared by peer_page.c and peer_api.c */
typedef struct PeerCtx {
    Learn l;
    PeerSettings ps;
} PeerCtx;
/* Path {id} run and {unit}: learn_load, the unit must be an assignment;
 * what is due (allocation, grades) is done first. */
bool peer_ctx_load(Req *r, PeerCtx *p);
/* Staff routes: path {id} run of r->org, {uid} an assignment unit of its
 * course; due work done first. */
bool peer_staff_ctx(Req *r, PeerCtx *p);
/* Staff routes on the course: {id} course, {uid} assignment unit. */
bool peer_course_unit(Req *r, Course *c, Unit **u);
/* The learner's JSON: settings, rubric, versions, reviews to do, grade,
 * reviews received (anonymous). */
json_t *peer_learner_json(Req *r, const PeerCtx *p);
/* A submission as JSON (text, files with their download paths). */
json_t *peer_submission_json(Req *r, const PeerCtx *p, const PeerSubmission *s);
json_t *peer_settings_json(Req *r, const PeerSettings *ps);
/* Read settings members from JSON over `ps`; answers 400/422 and returns
 * false when one is wrong. */
bool peer_settings_from_api(Req *r, json_t *b, PeerSettings *ps);

#endif
