/* gradebook.c — grading essays, overrides, fixing a key and regrading, the
 * gradebook of a run and item analysis: the rules and their SQL.
 *
 * Decisions (docs/assessments.md, "Gradebook", has them for people):
 *  - attempt and attempt_answer rows are never updated.  A person's grade
 *    of an answer, or a regrade with a fixed key, is an answer_grade row;
 *    the attempt's score that follows is an attempt_rescore row with the
 *    ledger entry of the decision; an override is a grade_override row.
 *    The latest row of each counts; a new one names the one it replaces.
 *  - The effective score of an attempt: its latest override, else its
 *    latest rescore, else its score at submission.  The learner's grade for
 *    a quiz: the latest quiz-level override, else the quiz's policy (best,
 *    last, average) over the effective scores of the finished attempts.
 *  - The course grade: Σ weight × grade ÷ Σ weight over the course's quiz
 *    and assignment units (weight default 1000, so equal; 0 leaves a unit
 *    out); a quiz without a finished attempt counts 0.  An assignment's
 *    grade is the learner's latest peer_grade row (a trainer's override
 *    included); none yet, no reviews, or withheld counts 0 (a withheld
 *    grade is not shown to the learner, so it must not show through the
 *    course grade either).  Rounded to the nearest
 *    thousandth, halves down, as quiz_total.
 *  - A decision never un-completes a unit or a course (completion is a
 *    fact of its own); when it makes the quiz pass, the unit completes as a
 *    submitted pass does.
 */
#include "assess/gradebook.h"
#include "assess/peer.h"
#include "evidence/ledger.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t round_div(int64_t sum, int64_t n)
{
    return n <= 0 || sum <= 0 ? 0 : (2 * sum + n - 1) / (2 * n);
}

/* ---- settings ----------------------------------------------------------------- */

int gb_settings_get(Db *db, int64_t course_id, GbSettings *out)
{
    out->pass_mark = GB_DEFAULT_PASS_MARK;
    out->require_grade = false;
    DbStmt *st = db_prepare(db, "SELECT pass_mark, require_grade FROM course_grading WHERE course_id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->pass_mark = db_col_i64(st, 0);
        out->require_grade = db_col_i64(st, 1) != 0;
    }
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

int gb_settings_set(Db *db, int64_t org_id, int64_t course_id, const GbSettings *s, UsTime now)
{
    if (s->pass_mark < 0 || s->pass_mark > 1000) return LN_EINVAL;
    return db_run(db, "INSERT INTO course_grading (course_id, org_id, pass_mark, require_grade, updated_at)"
                      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (course_id) DO UPDATE SET pass_mark = excluded.pass_mark,"
                      " require_grade = excluded.require_grade, updated_at = excluded.updated_at",
                  "iiiii", course_id, org_id, s->pass_mark, (int64_t)s->require_grade, now) == DB_DONE ? LN_OK : LN_EDB;
}

int gb_weight_set(Db *db, int64_t org_id, int64_t course_id, int64_t unit_id, int64_t weight, UsTime now)
{
    if (weight < 0 || weight > GB_MAX_WEIGHT) return LN_EINVAL;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE id = $1 AND course_id = $2 AND org_id = $3"
                             " AND kind IN ('quiz', 'assignment')", "iii", unit_id, course_id, org_id) != DB_ROW)
        return LN_EDB;
    if (!n) return LN_NOTFOUND;
    return db_run(db, "INSERT INTO quiz_weight (unit_id, org_id, weight, updated_at) VALUES ($1, $2, $3, $4)"
                      " ON CONFLICT (unit_id) DO UPDATE SET weight = excluded.weight, updated_at = excluded.updated_at",
                  "iiii", unit_id, org_id, weight, now) == DB_DONE ? LN_OK : LN_EDB;
}

int gb_weight_get(Db *db, int64_t unit_id, int64_t *weight)
{
    *weight = GB_DEFAULT_WEIGHT;
    int rc = db_query_i64(db, weight, "SELECT weight FROM quiz_weight WHERE unit_id = $1", "i", unit_id);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

char *gb_quiz_title(Db *db, Arena *a, int64_t course_id, int64_t unit_id)
{
    return db_query_text(db, a, "SELECT title FROM unit WHERE id = $1 AND course_id = $2 AND kind = 'quiz'", "ii",
                         unit_id, course_id);
}

int gb_weights(Db *db, Arena *a, int64_t course_id, GbWeight **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare(db, "SELECT x.id, COALESCE(w.weight, 1000) FROM unit x LEFT JOIN quiz_weight w"
                                " ON w.unit_id = x.id WHERE x.course_id = $1 AND x.kind IN ('quiz', 'assignment')"
                                " ORDER BY x.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        *out = arena_grow(a, *out, *n, &cap, sizeof **out);
        (*out)[(*n)++] = (GbWeight){db_col_i64(st, 0), db_col_i64(st, 1)};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

bool gb_graded_unit(Db *db, int64_t course_id, int64_t unit_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE id = $1 AND course_id = $2"
                                " AND kind IN ('quiz', 'assignment')", "ii", unit_id, course_id) == DB_ROW && n > 0;
}

int gb_peer_due(Db *db, Arena *a, const RunRef *run, UsTime now)
{
    int64_t *units = NULL;
    int n = 0, cap = 0;
    DbStmt *st = db_prepare(db, "SELECT id FROM unit WHERE course_id = $1 AND kind = 'assignment' ORDER BY id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->course_id);
    while (db_step(st) == DB_ROW) {
        units = arena_grow(a, units, n, &cap, sizeof *units);
        units[n++] = db_col_i64(st, 0);
    }
    db_done(st);
    for (int i = 0; i < n; i++) {
        PeerSettings ps;
        int rc = peer_settings_get(db, a, units[i], &ps);
        if (rc == LN_OK) rc = peer_due(db, run, &ps, now);
        if (rc != LN_OK) return rc;
    }
    return LN_OK;
}

/* ---- effective scores ----------------------------------------------------------- */

static int item_by_id(Db *db, Arena *a, int64_t id, Item *out)
{
    DbStmt *st = db_prepare(db, "SELECT item FROM quiz_item WHERE id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    int rc = db_step(st);
    int r = rc == DB_ROW ? (item_from_text(a, db_col_text(st, 0), out) == LN_OK ? LN_OK : LN_EDB)
          : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    db_done(st);
    return r;
}

/* A finished attempt of the run by id. */
static int finished_attempt(Db *db, Arena *a, int64_t run_id, int64_t id, Attempt *out)
{
    DbStmt *st = db_prepare(db, "SELECT unit_id, user_id FROM attempt WHERE id = $1 AND run_id = $2"
                                " AND status <> 'in_progress'");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, run_id);
    int rc = db_step(st);
    int64_t unit = rc == DB_ROW ? db_col_i64(st, 0) : 0, user = rc == DB_ROW ? db_col_i64(st, 1) : 0;
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    return quiz_attempt_load(db, a, unit, run_id, user, id, out);
}

/* Per shown item: the items, responses, effective scores and points
 * (answer_grade rows applied; a fixed key's points). */
typedef struct Scored {
    Item *items;
    Response *resp;
    int *scores;
    int64_t *points;
    int64_t *grade_id;              /* latest answer_grade per item, 0: none */
} Scored;

static int attempt_scored(Db *db, Arena *a, const Attempt *at, Scored *s)
{
    int n = at->nshown ? at->nshown : 1;
    s->resp = arena_alloc(a, sizeof(Response) * (size_t)n);
    s->scores = arena_alloc(a, sizeof(int) * (size_t)n);
    s->points = arena_alloc(a, sizeof(int64_t) * (size_t)n);
    s->grade_id = arena_alloc(a, sizeof(int64_t) * (size_t)n);
    int rc = quiz_attempt_items(db, a, at, &s->items);
    if (rc == LN_OK) rc = quiz_attempt_answers(db, a, at, s->resp, s->scores);
    if (rc != LN_OK) return rc;
    for (int i = 0; i < at->nshown; i++) s->points[i] = s->items[i].type == ITEM_DESCRIPTION ? 0 : s->items[i].points;
    DbStmt *st = db_prepare(db, "SELECT id, quiz_item_id, graded_item_id, score FROM answer_grade WHERE attempt_id = $1"
                                " ORDER BY id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, at->id);
    int64_t *graded = arena_alloc(a, sizeof(int64_t) * (size_t)n);
    while (db_step(st) == DB_ROW) {
        int64_t qid = db_col_i64(st, 1);
        for (int i = 0; i < at->nshown; i++)
            if (at->shown[i].id == qid) {
                s->grade_id[i] = db_col_i64(st, 0);
                graded[i] = db_col_i64(st, 2);
                s->scores[i] = (int)db_col_i64(st, 3);
            }
    }
    db_done(st);
    for (int i = 0; i < at->nshown; i++) {
        Item fixed;
        if (graded[i] && graded[i] != at->shown[i].id && item_by_id(db, a, graded[i], &fixed) == LN_OK)
            s->points[i] = fixed.type == ITEM_DESCRIPTION ? 0 : fixed.points;
    }
    return LN_OK;
}

/* The attempt's score before a decision: its latest rescore, else its own. */
static int attempt_current(Db *db, const Attempt *at, int64_t *score, int64_t *pending)
{
    *score = at->score < 0 ? 0 : at->score;
    *pending = at->pending;
    DbStmt *st = db_prepare(db, "SELECT score, pending FROM attempt_rescore WHERE attempt_id = $1 ORDER BY id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, at->id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *score = db_col_i64(st, 0);
        *pending = db_col_i64(st, 1);
    }
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

static char *subject_of(Arena *a, int64_t run, int64_t unit, int64_t user)
{
    return arena_printf(a, "run:%lld unit:%lld user:%lld", (long long)run, (long long)unit, (long long)user);
}

static json_t *fact_base(const RunRef *run, const Attempt *at, int64_t by)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "attempt_id", (json_int_t)at->id, "number",
                     (json_int_t)at->number, "course_id", (json_int_t)run->course_id, "run_id", (json_int_t)run->id,
                     "unit_id", (json_int_t)at->unit_id, "user_id", (json_int_t)at->user_id, "by", (json_int_t)by,
                     "max", (json_int_t)1000);
}

/* Inside the caller's transaction: recompute the attempt's score from its
 * effective answer scores; when it changed (or `always`), the ledger entry
 * `kind` (with `p` added, stolen) and an attempt_rescore row. */
static int rescore_in_tx(Db *db, Arena *a, const RunRef *run, const Attempt *at, const char *kind, const char *rkind,
                         const char *reason, int64_t by, UsTime now, bool always, json_t *p, GbOutcome *out)
{
    Scored s;
    int64_t prev, prev_pending;
    int rc = attempt_scored(db, a, at, &s);
    if (rc == LN_OK) rc = attempt_current(db, at, &prev, &prev_pending);
    if (rc != LN_OK) {
        json_decref(p);
        return rc;
    }
    out->previous = prev;
    out->score = quiz_total(s.points, s.scores, at->nshown, &out->pending);
    if (!always && out->score == prev && out->pending == prev_pending) {
        json_decref(p);
        return LN_NOTFOUND;         /* nothing changed */
    }
    json_t *f = fact_base(run, at, by);
    json_object_update(f, p);
    json_decref(p);
    json_object_set_new(f, "score", json_integer(out->score));
    json_object_set_new(f, "previous_score", json_integer(prev));
    json_object_set_new(f, "pending", json_integer(out->pending));
    if (!str_empty(reason)) json_object_set_new(f, "reason", json_string(reason));
    int64_t seq = 0;
    rc = ledger_append(db, run->org_id, kind, subject_of(a, run->id, at->unit_id, at->user_id), f, now, &seq);
    json_decref(f);
    if (rc != LN_OK) return rc;
    DbStmt *st = db_prepare(db, "INSERT INTO attempt_rescore (org_id, attempt_id, run_id, unit_id, user_id, kind, score,"
                                " pending, previous_score, reason, replaces, created_by, created_at, ledger_seq)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                                " (SELECT max(id) FROM attempt_rescore WHERE attempt_id = $2), $11, $12, $13)");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->org_id);
    db_bind_i64(st, 2, at->id);
    db_bind_i64(st, 3, run->id);
    db_bind_i64(st, 4, at->unit_id);
    db_bind_i64(st, 5, at->user_id);
    db_bind_text(st, 6, rkind);
    db_bind_i64(st, 7, out->score);
    db_bind_i64(st, 8, out->pending);
    db_bind_i64(st, 9, prev);
    db_bind_text(st, 10, reason ? reason : "");
    if (by) db_bind_i64(st, 11, by);
    else db_bind_null(st, 11);
    db_bind_i64(st, 12, now);
    db_bind_i64(st, 13, seq);
    rc = db_step(st) == DB_DONE ? LN_OK : LN_EDB;
    db_done(st);
    return rc;
}

static int insert_answer_grade(Db *db, int64_t org_id, const Attempt *at, int64_t qid, int64_t graded_qid,
                               const char *kind, int64_t score, const char *comment, int64_t replaces, int64_t by,
                               UsTime now, int64_t *id)
{
    DbStmt *st = db_prepare(db, "INSERT INTO answer_grade (org_id, attempt_id, quiz_item_id, graded_item_id, kind, score,"
                                " comment, replaces, graded_by, graded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                                " RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, at->id);
    db_bind_i64(st, 3, qid);
    db_bind_i64(st, 4, graded_qid);
    db_bind_text(st, 5, kind);
    db_bind_i64(st, 6, score);
    db_bind_text(st, 7, comment ? comment : "");
    if (replaces) db_bind_i64(st, 8, replaces);
    else db_bind_null(st, 8);
    if (by) db_bind_i64(st, 9, by);
    else db_bind_null(st, 9);
    db_bind_i64(st, 10, now);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

/* As at submission (quiz.c): a pass mark of 0 asks for a submission only,
 * which an expired attempt is not; otherwise the score, nothing pending. */
static bool quiz_passes(const QuizSettings *qs, const Attempt *at, int64_t score, int64_t pending)
{
    if (qs->pass_mark == 0) return str_eq(at->status, "submitted");
    return pending == 0 && score >= qs->pass_mark;
}

/* After a decision committed: complete the unit when the quiz now passes,
 * or look at the course again when the unit was already complete (the
 * course's rule on grades may be met now). */
static void after_change(Db *db, const RunRef *run, int64_t unit_id, int64_t user_id, bool passed, UsTime now,
                         GbOutcome *out)
{
    int64_t done = 0;
    if (!passed)
        db_query_i64(db, &done, "SELECT count(*) FROM unit_progress WHERE run_id = $1 AND unit_id = $2 AND user_id = $3"
                                " AND completed_at IS NOT NULL", "iii", run->id, unit_id, user_id);
    if (!passed && !done) return;
    Unit u = {.id = unit_id};
    bool course_done = false;
    if (progress_complete(db, run, &u, user_id, now, &course_done) == LN_OK) {
        out->completed = true;
        out->course_done = out->course_done || course_done;
    }
}

static void commit_or_rollback(Db *db, int *rc)
{
    if (*rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (*rc == LN_OK) *rc = LN_EDB;
    }
}

/* ---- grading essays ------------------------------------------------------------- */

int gb_pending(Db *db, Arena *a, int64_t run_id, int limit, GbPending **out, int *n)
{
    *n = 0;
    *out = arena_alloc(a, sizeof **out * (size_t)(limit > 0 ? limit : 1));
    DbStmt *st = db_prepare(db,
        "SELECT t.id, ans.quiz_item_id, t.unit_id, t.user_id, t.number, u.name, x.title, i.item, ans.response,"
        " COALESCE(t.submitted_at, t.deadline_at) FROM attempt_answer ans JOIN attempt t ON t.id = ans.attempt_id"
        " JOIN app_user u ON u.id = t.user_id JOIN unit x ON x.id = t.unit_id JOIN quiz_item i ON i.id = ans.quiz_item_id"
        " WHERE t.run_id = $1 AND t.status <> 'in_progress' AND ans.score IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM answer_grade g WHERE g.attempt_id = t.id AND g.quiz_item_id = ans.quiz_item_id)"
        " ORDER BY COALESCE(t.submitted_at, t.deadline_at), t.id, ans.id");   /* expired: answers of the deadline */
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    /* answers awaiting a person are essays or descriptions: the item says which */
    while (*n < limit && db_step(st) == DB_ROW) {
        Item it;
        Response resp = {0};
        if (item_from_text(a, db_col_text(st, 7), &it) != LN_OK || it.type != ITEM_ESSAY) continue;
        json_t *j = json_loads(db_col_text(st, 8), 0, NULL);
        response_from_json(a, j, &resp);
        json_decref(j);
        if (str_empty(resp.text)) continue;
        GbPending *p = &(*out)[(*n)++];
        p->attempt_id = db_col_i64(st, 0);
        p->quiz_item_id = db_col_i64(st, 1);
        p->unit_id = db_col_i64(st, 2);
        p->user_id = db_col_i64(st, 3);
        p->number = db_col_i64(st, 4);
        p->name = db_col_dup(st, 5, a);
        p->unit_title = db_col_dup(st, 6, a);
        p->question = it.text;
        p->answer = resp.text;
        p->points = it.points;
        p->submitted_at = db_col_i64(st, 9);
    }
    db_done(st);
    return LN_OK;
}

int gb_grade_answer(Db *db, Arena *a, const RunRef *run, int64_t attempt_id, int64_t quiz_item_id, int64_t score,
                    const char *comment, int64_t by, UsTime now, GbOutcome *out)
{
    memset(out, 0, sizeof *out);
    if (score < 0 || score > 1000) return LN_EINVAL;
    Attempt at;
    Scored s;
    int rc = finished_attempt(db, a, run->id, attempt_id, &at);
    if (rc == LN_OK) rc = attempt_scored(db, a, &at, &s);
    if (rc != LN_OK) return rc;
    int k = -1;
    for (int i = 0; i < at.nshown; i++)
        if (at.shown[i].id == quiz_item_id && s.items[i].type == ITEM_ESSAY && !str_empty(s.resp[i].text)) k = i;
    if (k < 0) return LN_NOTFOUND;
    QuizSettings qs;
    if (quiz_settings_get(db, a, at.unit_id, &qs) != LN_OK) return LN_EDB;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t gid = 0;
    rc = insert_answer_grade(db, run->org_id, &at, quiz_item_id, quiz_item_id, "essay", score, comment, s.grade_id[k],
                             by, now, &gid);
    if (rc == LN_OK) {
        json_t *p = json_pack("{s:I, s:I, s:I, s:s}", "quiz_item_id", (json_int_t)quiz_item_id, "answer_grade_id",
                              (json_int_t)gid, "item_score", (json_int_t)score, "comment", comment ? comment : "");
        if (!p) rc = LN_EINVAL;         /* a comment that is not UTF-8 */
        else if (s.grade_id[k]) json_object_set_new(p, "replaces", json_integer(s.grade_id[k]));
        if (rc == LN_OK) rc = rescore_in_tx(db, a, run, &at, "assessment.grade", "essay", "", by, now, true, p, out);
    }
    commit_or_rollback(db, &rc);
    if (rc != LN_OK) return rc;
    out->passed = quiz_passes(&qs, &at, out->score, out->pending);
    after_change(db, run, at.unit_id, at.user_id, out->passed, now, out);
    return LN_OK;
}

/* ---- overrides ------------------------------------------------------------------- */

/* The learner's effective grade for one quiz (or one attempt); -1: none. */
static int64_t grade_now(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id, int64_t attempt_id)
{
    if (attempt_id) {
        int64_t v = -1;
        if (db_query_i64(db, &v, "SELECT score FROM grade_override WHERE attempt_id = $1 ORDER BY id DESC LIMIT 1", "i",
                         attempt_id) == DB_ROW)
            return v;
        if (db_query_i64(db, &v, "SELECT score FROM attempt_rescore WHERE attempt_id = $1 ORDER BY id DESC LIMIT 1", "i",
                         attempt_id) == DB_ROW)
            return v;
        return db_query_i64(db, &v, "SELECT score FROM attempt WHERE id = $1", "i", attempt_id) == DB_ROW ? v : -1;
    }
    Gradebook g;
    if (gradebook_load(db, a, run, user_id, &g) != LN_OK || g.n != 1) return -1;
    for (int q = 0; q < g.nq; q++)
        if (g.quizzes[q].unit_id == unit_id) return g.rows[0].cells[q].grade;
    return -1;
}

int gb_override(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id, int64_t attempt_id,
                int64_t score, const char *reason, int64_t by, UsTime now, GbOutcome *out)
{
    memset(out, 0, sizeof *out);
    if (score < 0 || score > 1000 || str_empty(reason) || strlen(reason) > GB_REASON_MAX) return LN_EINVAL;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM enrolment e JOIN unit x ON x.id = $3 AND x.course_id = $4"
                             " AND x.kind = 'quiz' WHERE e.run_id = $1 AND e.user_id = $2 AND e.status = 'active'",
                     "iiii", run->id, user_id, unit_id, run->course_id) != DB_ROW)
        return LN_EDB;
    if (!n) return LN_NOTFOUND;
    if (attempt_id) {
        if (db_query_i64(db, &n, "SELECT count(*) FROM attempt WHERE id = $1 AND run_id = $2 AND unit_id = $3"
                                 " AND user_id = $4 AND status <> 'in_progress'", "iiii", attempt_id, run->id, unit_id,
                         user_id) != DB_ROW)
            return LN_EDB;
        if (!n) return LN_NOTFOUND;
    }
    QuizSettings qs;
    if (quiz_settings_get(db, a, unit_id, &qs) != LN_OK) return LN_EDB;
    int64_t prev = grade_now(db, a, run, unit_id, user_id, attempt_id);
    int64_t prev_id = 0, prev_seq = 0;
    DbStmt *st = db_prepare(db, attempt_id
        ? "SELECT id, ledger_seq FROM grade_override WHERE run_id = $1 AND unit_id = $2 AND user_id = $3"
          " AND attempt_id = $4 ORDER BY id DESC LIMIT 1"
        : "SELECT id, ledger_seq FROM grade_override WHERE run_id = $1 AND unit_id = $2 AND user_id = $3"
          " AND attempt_id IS NULL ORDER BY id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    db_bind_i64(st, 2, unit_id);
    db_bind_i64(st, 3, user_id);
    if (attempt_id) db_bind_i64(st, 4, attempt_id);
    if (db_step(st) == DB_ROW) {
        prev_id = db_col_i64(st, 0);
        prev_seq = db_col_i64(st, 1);
    }
    db_done(st);

    if (db_begin(db) != DB_DONE) return LN_EDB;
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I}", "course_id", (json_int_t)run->course_id,
                          "run_id", (json_int_t)run->id, "unit_id", (json_int_t)unit_id, "user_id", (json_int_t)user_id,
                          "score", (json_int_t)score, "max", (json_int_t)1000, "reason", reason, "by", (json_int_t)by);
    if (!p) {                           /* a reason that is not UTF-8 */
        db_rollback(db);
        return LN_EINVAL;
    }
    json_object_set_new(p, "attempt_id", attempt_id ? json_integer(attempt_id) : json_null());
    json_object_set_new(p, "previous_score", prev >= 0 ? json_integer(prev) : json_null());
    if (prev_id) json_object_set_new(p, "replaces", json_integer(prev_id));
    int64_t seq = 0;
    const char *subject = subject_of(a, run->id, unit_id, user_id);
    int rc = prev_seq ? ledger_correct(db, run->org_id, prev_seq, "assessment.override", subject, p, now, &seq)
                      : ledger_append(db, run->org_id, "assessment.override", subject, p, now, &seq);
    json_decref(p);
    if (rc == LN_OK) {
        st = db_prepare(db, "INSERT INTO grade_override (org_id, run_id, unit_id, user_id, attempt_id, score,"
                            " previous_score, reason, replaces, created_by, created_at, ledger_seq)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
        if (!st) rc = LN_EDB;
        else {
            db_bind_i64(st, 1, run->org_id);
            db_bind_i64(st, 2, run->id);
            db_bind_i64(st, 3, unit_id);
            db_bind_i64(st, 4, user_id);
            if (attempt_id) db_bind_i64(st, 5, attempt_id);
            else db_bind_null(st, 5);
            db_bind_i64(st, 6, score);
            if (prev >= 0) db_bind_i64(st, 7, prev);
            else db_bind_null(st, 7);
            db_bind_text(st, 8, reason);
            if (prev_id) db_bind_i64(st, 9, prev_id);
            else db_bind_null(st, 9);
            if (by) db_bind_i64(st, 10, by);
            else db_bind_null(st, 10);
            db_bind_i64(st, 11, now);
            db_bind_i64(st, 12, seq);
            rc = db_step(st) == DB_DONE ? LN_OK : LN_EDB;
            db_done(st);
        }
    }
    commit_or_rollback(db, &rc);
    if (rc != LN_OK) return rc;
    out->previous = prev;
    out->score = grade_now(db, a, run, unit_id, user_id, 0);
    out->passed = out->score >= 0 && out->score >= qs.pass_mark;
    after_change(db, run, unit_id, user_id, out->passed, now, out);
    return LN_OK;
}

/* ---- fixing a key, regrading ------------------------------------------------------- */

static bool positional(ItemType t)
{
    return t == ITEM_SINGLE || t == ITEM_MULTIPLE || t == ITEM_TRUEFALSE || t == ITEM_MATCHING || t == ITEM_ORDERING
        || t == ITEM_CLOZE;
}

int gb_fix_key(Db *db, Arena *a, int64_t org_id, int64_t unit_id, int64_t old_id, const Item *fixed,
               const char *reason, int64_t by, UsTime now, int64_t *new_id, const char **err)
{
    if (str_empty(reason) || strlen(reason) > GB_REASON_MAX) {
        *err = "Give the reason for the change.";
        return LN_EINVAL;
    }
    int64_t position = 0;
    DbStmt *st = db_prepare(db, "SELECT item, position FROM quiz_item WHERE id = $1 AND unit_id = $2 AND org_id = $3"
                                " AND retired_at IS NULL");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, old_id);
    db_bind_i64(st, 2, unit_id);
    db_bind_i64(st, 3, org_id);
    Item old;
    int rc = db_step(st);
    int r = rc == DB_ROW ? (item_from_text(a, db_col_text(st, 0), &old) == LN_OK ? LN_OK : LN_EDB)
          : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    if (rc == DB_ROW) position = db_col_i64(st, 1);
    db_done(st);
    if (r != LN_OK) return r;
    if (fixed->type != old.type) {
        *err = "A fixed key keeps the question's type.";
        return LN_EINVAL;
    }
    if (positional(old.type) && (fixed->nchoices != old.nchoices || fixed->ngaps != old.ngaps)) {
        *err = "A fixed key keeps the question's choices (their number and order): the answers name them by position.";
        return LN_EINVAL;
    }
    if (db_begin(db) != DB_DONE) return LN_EDB;
    r = db_change(db, "UPDATE quiz_item SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL", "ii", now, old_id);
    if (r == LN_OK && db_query_i64(db, new_id, "INSERT INTO quiz_item (unit_id, org_id, position, item, created_at)"
                                               " VALUES ($1, $2, $3, $4, $5) RETURNING id", "iiiti", unit_id, org_id,
                                   position, item_to_text(a, fixed), now) != DB_ROW)
        r = LN_EDB;
    if (r == LN_OK && db_run(db, "INSERT INTO item_fix (org_id, unit_id, old_item_id, new_item_id, reason, created_by,"
                                 " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", "iiiitii", org_id, unit_id, old_id,
                             *new_id, reason, by, now) != DB_DONE)
        r = LN_EDB;
    if (r == LN_OK) {
        json_t *p = json_pack("{s:I, s:I, s:I, s:s, s:I}", "unit_id", (json_int_t)unit_id, "old_item_id",
                              (json_int_t)old_id, "new_item_id", (json_int_t)*new_id, "reason", reason, "by", (json_int_t)by);
        r = !p ? LN_EINVAL : ledger_append(db, org_id, "assessment.key_fixed", arena_printf(a, "unit:%lld", (long long)unit_id), p, now,
                          NULL);
        json_decref(p);
    }
    commit_or_rollback(db, &r);
    return r;
}

typedef struct Ids { int64_t *v; int n, cap; } Ids;

static void ids_add(Arena *a, Ids *s, int64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == id) return;
    s->v = arena_grow(a, s->v, s->n, &s->cap, sizeof *s->v);
    s->v[s->n++] = id;
}

static bool ids_has(const Ids *s, int64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == id) return true;
    return false;
}

typedef struct Passed { RunRef run; int64_t unit_id, user_id; } Passed;

/* Regrade one attempt inside the transaction; *passed when it now passes. */
static int regrade_attempt(Db *db, Arena *a, const RunRef *run, int64_t attempt_id, const Ids *versions,
                           int64_t item_id, const Item *key, const QuizSettings *qs, const char *reason, int64_t by,
                           UsTime now, GbOutcome *out, bool *passed)
{
    Attempt at;
    Scored s;
    int rc = finished_attempt(db, a, run->id, attempt_id, &at);
    if (rc == LN_OK) rc = attempt_scored(db, a, &at, &s);
    if (rc != LN_OK) return rc;
    bool any = false;
    for (int i = 0; i < at.nshown; i++) {
        if (!ids_has(versions, at.shown[i].id)) continue;
        int v = item_grade(key, &s.resp[i]);
        if (v < 0) continue;
        int64_t pts = key->type == ITEM_DESCRIPTION ? 0 : key->points;
        if (v == s.scores[i] && pts == s.points[i]) continue;
        int64_t gid;
        rc = insert_answer_grade(db, run->org_id, &at, at.shown[i].id, item_id, "regrade", v, reason, s.grade_id[i], by,
                                 now, &gid);
        if (rc != LN_OK) return rc;
        any = true;
    }
    if (!any) return LN_OK;
    GbOutcome one = {0};
    json_t *p = json_pack("{s:I}", "quiz_item_id", (json_int_t)item_id);
    rc = rescore_in_tx(db, a, run, &at, "assessment.regrade", "regrade", reason, by, now, false, p, &one);
    if (rc == LN_NOTFOUND) return LN_OK;
    if (rc != LN_OK) return rc;
    out->changed++;
    *passed = quiz_passes(qs, &at, one.score, one.pending);
    return LN_OK;
}

int gb_regrade(Db *db, Arena *a, int64_t org_id, int64_t unit_id, int64_t item_id, const char *reason, int64_t by,
               UsTime now, GbOutcome *out)
{
    memset(out, 0, sizeof *out);
    if (str_empty(reason) || strlen(reason) > GB_REASON_MAX) return LN_EINVAL;
    Item key;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM quiz_item WHERE id = $1 AND unit_id = $2 AND org_id = $3", "iii",
                     item_id, unit_id, org_id) != DB_ROW)
        return LN_EDB;
    if (!n) return LN_NOTFOUND;
    int rc = item_by_id(db, a, item_id, &key);
    if (rc != LN_OK) return rc;
    if (key.type == ITEM_ESSAY || key.type == ITEM_DESCRIPTION) return LN_OK;
    /* The item and every version it replaced. */
    Ids versions = {0}, attempts = {0};
    ids_add(a, &versions, item_id);
    for (int i = 0; i < versions.n && i < 1000; i++) {
        DbStmt *st = db_prepare(db, "SELECT old_item_id FROM item_fix WHERE new_item_id = $1 AND unit_id = $2");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, versions.v[i]);
        db_bind_i64(st, 2, unit_id);
        while (db_step(st) == DB_ROW) ids_add(a, &versions, db_col_i64(st, 0));
        db_done(st);
    }
    int64_t *runs = NULL;
    int nruns = 0, cap = 0;
    for (int i = 0; i < versions.n; i++) {
        DbStmt *st = db_prepare(db, "SELECT DISTINCT t.id, t.run_id FROM attempt_answer ans JOIN attempt t ON"
                                    " t.id = ans.attempt_id WHERE ans.quiz_item_id = $1 AND t.org_id = $2"
                                    " AND t.status <> 'in_progress' ORDER BY t.id");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, versions.v[i]);
        db_bind_i64(st, 2, org_id);
        while (db_step(st) == DB_ROW) {
            int before = attempts.n;
            ids_add(a, &attempts, db_col_i64(st, 0));
            if (attempts.n > before) {
                runs = arena_grow(a, runs, nruns, &cap, sizeof *runs);
                runs[nruns++] = db_col_i64(st, 1);
            }
        }
        db_done(st);
    }
    QuizSettings qs;
    if (quiz_settings_get(db, a, unit_id, &qs) != LN_OK) return LN_EDB;
    Passed *passed = arena_alloc(a, sizeof *passed * (size_t)(attempts.n ? attempts.n : 1));
    int npassed = 0;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    for (int i = 0; rc == LN_OK && i < attempts.n; i++) {
        RunRef run;
        bool ok = false;
        rc = run_ref(db, a, org_id, runs[i], &run);
        if (rc == LN_OK) rc = regrade_attempt(db, a, &run, attempts.v[i], &versions, item_id, &key, &qs, reason, by,
                                              now, out, &ok);
        if (rc == LN_OK && ok) {
            DbStmt *st = db_prepare(db, "SELECT user_id FROM attempt WHERE id = $1");
            if (st) {
                db_bind_i64(st, 1, attempts.v[i]);
                if (db_step(st) == DB_ROW) passed[npassed++] = (Passed){run, unit_id, db_col_i64(st, 0)};
                db_done(st);
            }
        }
    }
    commit_or_rollback(db, &rc);
    if (rc != LN_OK) {
        out->changed = 0;
        return rc;
    }
    for (int i = 0; i < npassed; i++)
        after_change(db, &passed[i].run, passed[i].unit_id, passed[i].user_id, true, now, out);
    return LN_OK;
}

/* ---- the gradebook ------------------------------------------------------------------ */

typedef struct Acc { int64_t best, last, last_no, sum, n; bool pending, overridden; } Acc;

static int row_cmp_id(const void *x, const void *y)
{
    const GbRow *const *p = x, *const *q = y;
    return (*p)->user_id < (*q)->user_id ? -1 : (*p)->user_id > (*q)->user_id;
}

static GbRow *row_find(GbRow **by_id, int n, int64_t user_id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (by_id[mid]->user_id == user_id) return by_id[mid];
        if (by_id[mid]->user_id < user_id) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

static int quiz_index(const Gradebook *g, int64_t unit_id)
{
    for (int q = 0; q < g->nq; q++)
        if (g->quizzes[q].unit_id == unit_id) return q;
    return -1;
}

static int load_quizzes(Db *db, Arena *a, int64_t course_id, Gradebook *g)
{
    int cap = 0;
    DbStmt *st = db_prepare(db, "SELECT x.id, x.title, COALESCE(q.grade_policy, 'best'), COALESCE(q.pass_mark, 0),"
                                " COALESCE(w.weight, 1000), x.kind, COALESCE(q.purpose, 'formative') FROM unit x"
                                " JOIN section s ON s.id = x.section_id"
                                " LEFT JOIN quiz q ON q.unit_id = x.id LEFT JOIN quiz_weight w ON w.unit_id = x.id"
                                " WHERE x.course_id = $1 AND x.kind IN ('quiz', 'assignment')"
                                " ORDER BY s.position, x.position, x.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    while (db_step(st) == DB_ROW) {
        g->quizzes = arena_grow(a, g->quizzes, g->nq, &cap, sizeof *g->quizzes);
        GbQuiz *q = &g->quizzes[g->nq++];
        q->unit_id = db_col_i64(st, 0);
        q->title = db_col_dup(st, 1, a);
        const char *p = db_col_text(st, 2);
        q->peer = str_eq(db_col_text(st, 5), "assignment");
        q->policy = q->peer ? "peer" : str_eq(p, "last") ? "last" : str_eq(p, "average") ? "average" : "best";
        q->pass_mark = q->peer ? 0 : db_col_i64(st, 3);
        q->weight = db_col_i64(st, 4);
        const char *pu = db_col_text(st, 6);
        q->purpose = str_eq(pu, "placement") ? "placement" : str_eq(pu, "final") ? "final" : "formative";
    }
    db_done(st);
    return LN_OK;
}

static int load_learners(Db *db, Arena *a, int64_t run_id, int64_t user_id, Gradebook *g)
{
    int64_t n = 0;
    if (db_query_i64(db, &n, user_id ? "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'"
                                       " AND user_id = $2"
                                     : "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'",
                     user_id ? "ii" : "i", run_id, user_id) != DB_ROW)
        return LN_EDB;
    g->rows = arena_alloc(a, sizeof *g->rows * (size_t)(n ? n : 1));
    DbStmt *st = db_prepare(db, user_id
        ? "SELECT u.id, u.name, u.email, e.completed_at FROM enrolment e JOIN app_user u ON u.id = e.user_id"
          " WHERE e.run_id = $1 AND e.status = 'active' AND e.user_id = $2 ORDER BY u.name, u.id"
        : "SELECT u.id, u.name, u.email, e.completed_at FROM enrolment e JOIN app_user u ON u.id = e.user_id"
          " WHERE e.run_id = $1 AND e.status = 'active' ORDER BY u.name, u.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    if (user_id) db_bind_i64(st, 2, user_id);
    while (g->n < n && db_step(st) == DB_ROW) {
        GbRow *w = &g->rows[g->n++];
        w->user_id = db_col_i64(st, 0);
        w->name = db_col_dup(st, 1, a);
        w->email = db_col_dup(st, 2, a);
        w->completed_at = db_col_i64(st, 3);
        w->cells = arena_alloc(a, sizeof *w->cells * (size_t)(g->nq ? g->nq : 1));
        for (int q = 0; q < g->nq; q++) w->cells[q].grade = -1;
    }
    db_done(st);
    return LN_OK;
}

/* The latest rescore and attempt-level override of each attempt of the run
 * come from two grouped subqueries joined once (no per-row look-up).  No
 * ORDER BY: the fold keeps the last attempt by its number, and sorting the
 * run's attempts was most of the query's time (bench part "gradebook"). */
#define EFFECTIVE_SQL \
    "SELECT t.user_id, t.unit_id, COALESCE(o.score, s.score, t.score), COALESCE(s.pending, t.pending)," \
    " CASE WHEN o.id IS NULL THEN 0 ELSE 1 END, t.number FROM attempt t" \
    " LEFT JOIN (SELECT attempt_id, max(id) AS id FROM attempt_rescore WHERE run_id = $1 GROUP BY attempt_id) sl" \
    "  ON sl.attempt_id = t.id LEFT JOIN attempt_rescore s ON s.id = sl.id" \
    " LEFT JOIN (SELECT attempt_id, max(id) AS id FROM grade_override WHERE run_id = $1 AND attempt_id IS NOT NULL" \
    "  GROUP BY attempt_id) ol ON ol.attempt_id = t.id LEFT JOIN grade_override o ON o.id = ol.id" \
    " WHERE t.run_id = $1 AND t.status <> 'in_progress'"

/* The latest peer_grade row of each learner and assignment of the run (a
 * grade, or the override replacing it): one grouped subquery joined once. */
#define PEER_GRADE_SQL \
    "SELECT g.user_id, g.unit_id, g.status, g.score, g.kind, g.reviews FROM peer_grade g" \
    " JOIN (SELECT unit_id, user_id, max(id) AS id FROM peer_grade WHERE run_id = $1 GROUP BY unit_id, user_id) l" \
    "  ON l.id = g.id WHERE g.run_id = $1"

#define QUIZ_OVERRIDE_SQL \
    "SELECT o.user_id, o.unit_id, o.score FROM grade_override o WHERE o.run_id = $1 AND o.attempt_id IS NULL" \
    " AND o.id = (SELECT max(p.id) FROM grade_override p WHERE p.run_id = o.run_id AND p.unit_id = o.unit_id" \
    " AND p.user_id = o.user_id AND p.attempt_id IS NULL)"

int gradebook_load(Db *db, Arena *a, const RunRef *run, int64_t user_id, Gradebook *out)
{
    memset(out, 0, sizeof *out);
    int rc = gb_settings_get(db, run->course_id, &out->s);
    if (rc == LN_OK) rc = load_quizzes(db, a, run->course_id, out);
    if (rc == LN_OK) rc = load_learners(db, a, run->id, user_id, out);
    if (rc != LN_OK) return rc;
    GbRow **by_id = arena_alloc(a, sizeof *by_id * (size_t)(out->n ? out->n : 1));
    for (int i = 0; i < out->n; i++) by_id[i] = &out->rows[i];
    qsort(by_id, (size_t)out->n, sizeof *by_id, row_cmp_id);
    Acc *acc = arena_alloc(a, sizeof *acc * (size_t)(out->n * (out->nq ? out->nq : 1) + 1));

    /* Every finished attempt of the run with its effective score: one query. */
    DbStmt *st = db_prepare(db, user_id ? EFFECTIVE_SQL " AND t.user_id = $2" : EFFECTIVE_SQL);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    if (user_id) db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        GbRow *w = row_find(by_id, out->n, db_col_i64(st, 0));
        int q = quiz_index(out, db_col_i64(st, 1));
        if (!w || q < 0) continue;
        Acc *c = &acc[(w - out->rows) * out->nq + q];
        int64_t score = db_col_is_null(st, 2) ? 0 : db_col_i64(st, 2), number = db_col_i64(st, 5);
        if (!c->n || score > c->best) c->best = score;
        if (!c->n || number > c->last_no) {
            c->last = score;
            c->last_no = number;
        }
        c->sum += score;
        c->n++;
        c->pending |= db_col_i64(st, 3) > 0;
        c->overridden |= db_col_i64(st, 4) > 0;
    }
    db_done(st);
    for (int i = 0; i < out->n; i++)
        for (int q = 0; q < out->nq; q++) {
            Acc *c = &acc[i * out->nq + q];
            GbCell *cell = &out->rows[i].cells[q];
            cell->attempts = (int)c->n;
            cell->pending = c->pending;
            cell->overridden = c->overridden;
            if (!c->n) continue;
            const char *p = out->quizzes[q].policy;
            cell->grade = str_eq(p, "last") ? c->last : str_eq(p, "average") ? round_div(c->sum, c->n) : c->best;
        }

    /* The quiz-level overrides: one query. */
    st = db_prepare(db, user_id ? QUIZ_OVERRIDE_SQL " AND o.user_id = $2" : QUIZ_OVERRIDE_SQL);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    if (user_id) db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        GbRow *w = row_find(by_id, out->n, db_col_i64(st, 0));
        int q = quiz_index(out, db_col_i64(st, 1));
        if (!w || q < 0) continue;
        w->cells[q].grade = db_col_i64(st, 2);
        w->cells[q].overridden = true;
    }
    db_done(st);

    /* The peer grades of the assignments: one query. */
    st = db_prepare(db, user_id ? PEER_GRADE_SQL " AND g.user_id = $2" : PEER_GRADE_SQL);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    if (user_id) db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        GbRow *w = row_find(by_id, out->n, db_col_i64(st, 0));
        int q = quiz_index(out, db_col_i64(st, 1));
        if (!w || q < 0 || !out->quizzes[q].peer) continue;
        GbCell *cell = &w->cells[q];
        const char *status = db_col_text(st, 2);
        cell->withheld = str_eq(status, "withheld");
        cell->no_reviews = str_eq(status, "no_reviews");
        cell->grade = str_eq(status, "graded") && !db_col_is_null(st, 3) ? db_col_i64(st, 3) : -1;
        cell->overridden = str_eq(db_col_text(st, 4), "override");
        cell->attempts = (int)db_col_i64(st, 5);
    }
    db_done(st);

    for (int i = 0; i < out->n; i++) {
        GbRow *w = &out->rows[i];
        int64_t sum = 0, weights = 0;
        for (int q = 0; q < out->nq; q++) {
            weights += out->quizzes[q].weight;
            if (w->cells[q].grade > 0) sum += out->quizzes[q].weight * w->cells[q].grade;
        }
        w->grade = weights ? round_div(sum, weights) : -1;
        w->passed = w->grade >= 0 && w->grade >= out->s.pass_mark;
    }
    return LN_OK;
}

static int by_name(const GbRow *p, const GbRow *q)
{
    int c = strcmp(p->name ? p->name : "", q->name ? q->name : "");
    return c ? c : p->user_id < q->user_id ? -1 : p->user_id > q->user_id;
}

/* Grades in the order asked, equal grades by name. */
static int by_grade(const GbRow *p, const GbRow *q, int dir)
{
    int c = p->grade < q->grade ? -1 : p->grade > q->grade;
    return c ? c * dir : by_name(p, q);
}

static int cmp_name(const void *x, const void *y) { return by_name(x, y); }
static int cmp_name_desc(const void *x, const void *y) { return by_name(y, x); }
static int cmp_grade_desc(const void *x, const void *y) { return by_grade(x, y, -1); }
static int cmp_grade(const void *x, const void *y) { return by_grade(x, y, 1); }

void gradebook_filter(Gradebook *g, Arena *a, const char *q, const char *status, const char *sort)
{
    char *needle = str_empty(q) ? NULL : str_fold(a, q);
    int k = 0;
    for (int i = 0; i < g->n; i++) {
        GbRow *w = &g->rows[i];
        if (str_eq(status, "passed") && !w->passed) continue;
        if (str_eq(status, "failed") && w->passed) continue;
        if (needle && !strstr(str_fold(a, w->name ? w->name : ""), needle)
            && !strstr(str_fold(a, w->email ? w->email : ""), needle))
            continue;
        g->rows[k++] = *w;
    }
    g->n = k;
    int (*cmp)(const void *, const void *) = str_eq(sort, "grade") ? cmp_grade_desc : str_eq(sort, "-grade") ? cmp_grade
                                           : str_eq(sort, "-name") ? cmp_name_desc : cmp_name;
    qsort(g->rows, (size_t)g->n, sizeof *g->rows, cmp);
}

int gradebook_rule_met(Db *db, const RunRef *run, int64_t user_id, bool *met)
{
    *met = true;
    GbSettings s;
    if (gb_settings_get(db, run->course_id, &s) != LN_OK) return LN_EDB;
    if (!s.require_grade) return LN_OK;
    Arena *a = arena_new();
    Gradebook g;
    int rc = gradebook_load(db, a, run, user_id, &g);
    if (rc == LN_OK && g.n == 1 && g.rows[0].grade >= 0) *met = g.rows[0].passed;
    arena_free(a);
    return rc;
}

int64_t gb_attempt_rescored(Db *db, const Attempt *at)
{
    int64_t v = at->score;
    db_query_i64(db, &v, "SELECT score FROM attempt_rescore WHERE attempt_id = $1 ORDER BY id DESC LIMIT 1", "i", at->id);
    return v;
}

int gb_overrides(Db *db, Arena *a, int64_t run_id, int64_t unit_id, int64_t user_id, GbOverride **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare(db, "SELECT o.score, COALESCE(o.attempt_id, 0), o.reason, COALESCE(u.name, ''), o.created_at"
                                " FROM grade_override o LEFT JOIN app_user u ON u.id = o.created_by"
                                " WHERE o.run_id = $1 AND o.unit_id = $2 AND o.user_id = $3 ORDER BY o.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, unit_id);
    db_bind_i64(st, 3, user_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        *out = arena_grow(a, *out, *n, &cap, sizeof **out);
        (*out)[(*n)++] = (GbOverride){.score = db_col_i64(st, 0), .attempt_id = db_col_i64(st, 1),
                                      .reason = db_col_dup(st, 2, a), .by = db_col_dup(st, 3, a),
                                      .at = db_col_i64(st, 4)};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int gb_effective_attempts(Db *db, AttemptList *mine)
{
    for (int i = 0; mine && i < mine->n; i++) {
        Attempt *at = &mine->items[i];
        if (str_eq(at->status, "in_progress")) continue;
        int64_t score, pending, v;
        if (attempt_current(db, at, &score, &pending) != LN_OK) return LN_EDB;
        if (db_query_i64(db, &v, "SELECT score FROM grade_override WHERE attempt_id = $1 ORDER BY id DESC LIMIT 1", "i",
                         at->id) == DB_ROW) {
            score = v;
            pending = 0;
        }
        at->score = score;
        at->pending = pending;
    }
    return LN_OK;
}

int gb_attempt_answers(Db *db, Arena *a, const Attempt *at, Response *responses, int *scores)
{
    Scored s;
    int rc = attempt_scored(db, a, at, &s);
    if (rc != LN_OK) return quiz_attempt_answers(db, a, at, responses, scores);
    for (int i = 0; i < at->nshown; i++) {
        responses[i] = s.resp[i];
        scores[i] = s.scores[i];
    }
    return LN_OK;
}

json_t *gb_attempt_comments(Db *db, int64_t attempt_id)
{
    DbStmt *st = db_prepare(db,
        "SELECT g.quiz_item_id, g.comment FROM answer_grade g WHERE g.attempt_id = $1 AND g.kind = 'essay'"
        " AND g.comment <> '' AND g.id = (SELECT max(h.id) FROM answer_grade h"
        " WHERE h.attempt_id = g.attempt_id AND h.quiz_item_id = g.quiz_item_id)");
    if (!st) return NULL;
    db_bind_i64(st, 1, attempt_id);
    json_t *out = json_object();
    char key[24];
    while (db_step(st) == DB_ROW) {
        snprintf(key, sizeof key, "%lld", (long long)db_col_i64(st, 0));
        json_object_set_new(out, key, json_string(db_col_text(st, 1)));
    }
    db_done(st);
    return out;
}

int64_t gb_quiz_grade(Db *db, const QuizSettings *qs, int64_t run_id, int64_t user_id, const AttemptList *mine)
{
    int64_t v;
    if (db_query_i64(db, &v, "SELECT score FROM grade_override WHERE run_id = $1 AND unit_id = $2 AND user_id = $3"
                             " AND attempt_id IS NULL ORDER BY id DESC LIMIT 1", "iii", run_id, qs->unit_id,
                     user_id) == DB_ROW)
        return v;
    return quiz_grade(qs, mine);
}

int gb_comments(Db *db, Arena *a, int64_t run_id, int64_t user_id, GbComment **out, int *n)
{
    int cap = 0;
    *n = 0;
    *out = NULL;
    DbStmt *st = db_prepare(db,
        "SELECT t.unit_id, t.number, g.score, x.title, i.item, g.comment, g.graded_at FROM answer_grade g"
        " JOIN attempt t ON t.id = g.attempt_id JOIN unit x ON x.id = t.unit_id JOIN quiz_item i ON i.id = g.quiz_item_id"
        " WHERE t.run_id = $1 AND t.user_id = $2 AND g.kind = 'essay' AND g.id = (SELECT max(h.id) FROM answer_grade h"
        " WHERE h.attempt_id = g.attempt_id AND h.quiz_item_id = g.quiz_item_id) ORDER BY g.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        *out = arena_grow(a, *out, *n, &cap, sizeof **out);
        GbComment *c = &(*out)[(*n)++];
        Item it;
        c->unit_id = db_col_i64(st, 0);
        c->number = db_col_i64(st, 1);
        c->score = db_col_i64(st, 2);
        c->unit_title = db_col_dup(st, 3, a);
        c->question = item_from_text(a, db_col_text(st, 4), &it) == LN_OK ? (it.title ? it.title : it.text) : "";
        c->comment = db_col_dup(st, 5, a);
        c->at = db_col_i64(st, 6);
    }
    db_done(st);
    return LN_OK;
}

/* ---- item analysis --------------------------------------------------------------------- */

typedef struct Sums { double n, sx, sy, sxx, syy, sxy; } Sums;

static void item_stats(GbItemStat *s, const Sums *m)
{
    /* difficulty: the mean score (share correct); discrimination: the
     * point-biserial, Pearson's correlation of the item's score with the
     * attempt's score. */
    s->answers = (int)m->n;
    s->difficulty = m->n ? m->sx / m->n : NAN;
    double vx = m->n * m->sxx - m->sx * m->sx, vy = m->n * m->syy - m->sy * m->sy;
    s->discrimination = m->n >= 2 && vx > 1e-12 && vy > 1e-12 ? (m->n * m->sxy - m->sx * m->sy) / sqrt(vx * vy) : NAN;
}

int gb_analysis(Db *db, Arena *a, int64_t run_id, int64_t unit_id, GbAnalysis *out)
{
    memset(out, 0, sizeof *out);
    int cap = 0;
    int64_t na = 0;
    if (db_query_i64(db, &na, "SELECT count(*) FROM attempt WHERE run_id = $1 AND unit_id = $2"
                              " AND status <> 'in_progress'", "ii", run_id, unit_id) != DB_ROW)
        return LN_EDB;
    out->attempts = (int)na;
    /* Every answer of the finished attempts with its effective score and
     * its attempt's: one query. */
    DbStmt *st = db_prepare(db,
        "SELECT ans.quiz_item_id, ans.response,"
        " COALESCE((SELECT g.score FROM answer_grade g WHERE g.attempt_id = t.id AND g.quiz_item_id = ans.quiz_item_id"
        "           ORDER BY g.id DESC LIMIT 1), ans.score),"
        " COALESCE((SELECT o.score FROM grade_override o WHERE o.attempt_id = t.id ORDER BY o.id DESC LIMIT 1),"
        "          (SELECT s.score FROM attempt_rescore s WHERE s.attempt_id = t.id ORDER BY s.id DESC LIMIT 1), t.score)"
        " FROM attempt_answer ans JOIN attempt t ON t.id = ans.attempt_id"
        " WHERE t.run_id = $1 AND t.unit_id = $2 AND t.status <> 'in_progress' ORDER BY ans.quiz_item_id, t.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, unit_id);
    Sums m = {0};
    while (db_step(st) == DB_ROW) {
        int64_t qid = db_col_i64(st, 0);
        if (!out->n || out->items[out->n - 1].quiz_item_id != qid) {
            if (out->n) item_stats(&out->items[out->n - 1], &m);
            memset(&m, 0, sizeof m);
            out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
            GbItemStat *s = &out->items[out->n++];
            memset(s, 0, sizeof *s);
            s->quiz_item_id = qid;
            s->picks = arena_alloc(a, sizeof(int) * 64);
        }
        GbItemStat *s = &out->items[out->n - 1];
        json_t *j = json_loads(db_col_text(st, 1), 0, NULL);
        Response r = {0};
        response_from_json(a, j, &r);
        json_decref(j);
        for (int p = 0; p < r.npicks; p++)
            if (r.picks[p] >= 0 && r.picks[p] < 64) s->picks[r.picks[p]]++;
        if (db_col_is_null(st, 2)) continue;
        double x = (double)db_col_i64(st, 2) / 1000.0, y = (double)(db_col_is_null(st, 3) ? 0 : db_col_i64(st, 3)) / 1000.0;
        m.n++;
        m.sx += x;
        m.sy += y;
        m.sxx += x * x;
        m.syy += y * y;
        m.sxy += x * y;
    }
    db_done(st);
    if (out->n) item_stats(&out->items[out->n - 1], &m);
    for (int k = 0; k < out->n; k++) {
        GbItemStat *s = &out->items[k];
        int64_t retired = 0;
        if (item_by_id(db, a, s->quiz_item_id, &s->item) != LN_OK) return LN_EDB;
        db_query_i64(db, &retired, "SELECT count(*) FROM quiz_item WHERE id = $1 AND retired_at IS NOT NULL", "i",
                     s->quiz_item_id);
        s->retired = retired > 0;
        /* a retired question whose key was fixed: follow to the current version */
        int64_t cur = s->quiz_item_id, next = 0;
        for (int step = 0; step < 100 && retired; step++) {
            if (db_query_i64(db, &next, "SELECT new_item_id FROM item_fix WHERE old_item_id = $1 ORDER BY id DESC LIMIT 1",
                             "i", cur) != DB_ROW)
                break;
            cur = next;
            db_query_i64(db, &retired, "SELECT count(*) FROM quiz_item WHERE id = $1 AND retired_at IS NOT NULL", "i", cur);
        }
        if (!retired && item_by_id(db, a, cur, &s->current) == LN_OK) s->current_id = cur;
        ItemType t = s->item.type;
        if (!(t == ITEM_SINGLE || t == ITEM_MULTIPLE || t == ITEM_TRUEFALSE) || s->item.nchoices > 64) s->picks = NULL;
    }
    return LN_OK;
}
