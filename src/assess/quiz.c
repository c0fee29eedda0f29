/* quiz.c — quiz settings, items and attempts: the rules and their SQL.
 *
 * Decisions (docs/assessments.md has them for people):
 *  - Items are immutable rows.  A GIFT import retires the current rows and
 *    inserts new ones in one transaction, allowed at any time: an attempt
 *    names the rows it showed (attempt.items), so it keeps exactly what the
 *    learner saw, and its stored answers keep pointing at them.  No copy of
 *    the item text per attempt is needed, since a row never changes.
 *  - An attempt is drawn when it starts: `draw_count` items at random
 *    (randombytes_uniform), in random order when the quiz shuffles, each
 *    item's choices shuffled when the quiz or the item asks for it (an
 *    ordering's and a matching's options always).  The order shown is part
 *    of the attempt.
 *  - One attempt in progress per learner, quiz and run (a partial unique
 *    index); starting again resumes it.  Its deadline is the start plus the
 *    time limit, or the close date when that comes first.
 *  - The server is the clock: a submission later than the deadline plus
 *    the grace (15 s, LECTERN_QUIZ_GRACE_S) is refused and the attempt
 *    expires.  The page submits by itself at the limit; when it could not
 *    (a closed tab, a lost connection), the answers saved while the learner
 *    worked (attempt_draft) are graded and kept as the expired attempt's
 *    answers, as Moodle's "open attempts are submitted automatically" does;
 *    without saved answers it scores 0.  Its ledger entry says "expired"
 *    and when those answers were saved, never "submitted".  Overdue
 *    attempts expire when the learner comes back, and otherwise by the
 *    serve tick (quiz_expire_due), so the gradebook does not wait for them.
 *  - A submitted attempt is final: submitting is one conditional UPDATE of
 *    the attempt (status in_progress → submitted, only once) and INSERTs of
 *    its answers.  Answers are NEVER updated afterwards; a regrade or an
 *    override will be a record of its own, with its reason.
 *  - Every finished attempt (submitted or expired) is an entry
 *    "assessment.attempt" of the organisation's evidence ledger, in the
 *    transaction that finished it.  A pass also completes the unit (and
 *    the course when it was the last required unit) in that transaction.
 *  - Essays are not graded by the machine: an answered essay leaves the
 *    attempt `pending`, its score counting what is graded so far; an
 *    unanswered one earns 0.  An attempt passes when its score reaches the
 *    pass mark with nothing pending, or at once when the pass mark is 0.
 */
#include "assess/quiz.h"
#include "evidence/ledger.h"

#include <pthread.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const PURPOSES[] = {"placement", "formative", "final", NULL};
static const char *const FEEDBACK[] = {"immediately", "after_last", "after_close", NULL};
static const char *const POLICIES[] = {"best", "last", "average", NULL};

/* ---- settings ------------------------------------------------------------------ */

void quiz_settings_default(QuizSettings *s)
{
    memset(s, 0, sizeof *s);
    s->purpose = "formative";
    s->feedback_when = "immediately";
    s->grade_policy = "best";
}

const char *quiz_settings_check(const QuizSettings *s, const char **msg)
{
    if (!str_one_of(s->purpose, PURPOSES)) {
        *msg = "Choose the purpose: placement, formative or final.";
        return "purpose";
    }
    if (s->attempts_allowed < 0 || s->attempts_allowed > QUIZ_MAX_ATTEMPTS) {
        *msg = "The attempts allowed must be between 0 (unlimited) and 100.";
        return "attempts_allowed";
    }
    if (s->time_limit_s < 0 || s->time_limit_s > QUIZ_MAX_TIME_LIMIT_S) {
        *msg = "The time limit must be between 0 (none) and 86400 seconds.";
        return "time_limit_s";
    }
    if (s->opens_at < 0 || s->closes_at < 0 || (s->opens_at && s->closes_at && s->closes_at <= s->opens_at)) {
        *msg = "The quiz must close after it opens.";
        return "closes_at";
    }
    if (s->draw_count < 0 || s->draw_count > QUIZ_MAX_ITEMS) {
        *msg = "The questions drawn must be between 0 (all) and 1000.";
        return "draw_count";
    }
    if (s->pass_mark < 0 || s->pass_mark > 1000) {
        *msg = "The pass mark must be between 0 and 100 %.";
        return "pass_mark";
    }
    if (!str_one_of(s->feedback_when, FEEDBACK)) {
        *msg = "Choose when feedback is shown.";
        return "feedback_when";
    }
    if (str_eq(s->feedback_when, "after_close") && !s->closes_at) {
        *msg = "Set a close date to show feedback once the quiz has closed.";
        return "closes_at";
    }
    if (!str_one_of(s->grade_policy, POLICIES)) {
        *msg = "Choose the grade policy: best, last or average.";
        return "grade_policy";
    }
    return NULL;
}

int quiz_settings_get(Db *db, Arena *a, int64_t unit_id, QuizSettings *out)
{
    quiz_settings_default(out);
    out->unit_id = unit_id;
    DbStmt *st = db_prepare(db, "SELECT org_id, purpose, attempts_allowed, time_limit_s, opens_at, closes_at,"
                                " draw_count, shuffle, pass_mark, feedback_when, grade_policy, updated_at, draw_per_pool"
                                " FROM quiz WHERE unit_id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->org_id = db_col_i64(st, 0);
        out->purpose = str_one_of(db_col_text(st, 1), PURPOSES);
        out->attempts_allowed = db_col_i64(st, 2);
        out->time_limit_s = db_col_i64(st, 3);
        out->opens_at = db_col_i64(st, 4);
        out->closes_at = db_col_i64(st, 5);
        out->draw_count = db_col_i64(st, 6);
        out->shuffle = db_col_i64(st, 7) != 0;
        out->pass_mark = db_col_i64(st, 8);
        out->feedback_when = str_one_of(db_col_text(st, 9), FEEDBACK);
        out->grade_policy = str_one_of(db_col_text(st, 10), POLICIES);
        out->updated_at = db_col_i64(st, 11);
        out->draw_per_pool = db_col_i64(st, 12) != 0;
        if (!out->purpose) out->purpose = "formative";
        if (!out->feedback_when) out->feedback_when = "immediately";
        if (!out->grade_policy) out->grade_policy = "best";
    }
    db_done(st);
    (void)a;
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

int quiz_settings_set(Db *db, int64_t org_id, int64_t unit_id, const QuizSettings *s, UsTime now)
{
    const char *msg;
    if (quiz_settings_check(s, &msg)) return LN_EINVAL;
    DbStmt *st = db_prepare(db,
        "INSERT INTO quiz (unit_id, org_id, purpose, attempts_allowed, time_limit_s, opens_at, closes_at, draw_count,"
        " shuffle, pass_mark, feedback_when, grade_policy, updated_at, draw_per_pool)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        " ON CONFLICT (unit_id) DO UPDATE SET purpose = excluded.purpose, attempts_allowed = excluded.attempts_allowed,"
        " time_limit_s = excluded.time_limit_s, opens_at = excluded.opens_at, closes_at = excluded.closes_at,"
        " draw_count = excluded.draw_count, shuffle = excluded.shuffle, pass_mark = excluded.pass_mark,"
        " feedback_when = excluded.feedback_when, grade_policy = excluded.grade_policy, updated_at = excluded.updated_at,"
        " draw_per_pool = excluded.draw_per_pool");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, org_id);
    db_bind_text(st, 3, s->purpose);
    db_bind_i64(st, 4, s->attempts_allowed);
    db_bind_i64(st, 5, s->time_limit_s);
    db_bind_time(st, 6, s->opens_at);
    db_bind_time(st, 7, s->closes_at);
    db_bind_i64(st, 8, s->draw_count);
    db_bind_i64(st, 9, s->shuffle);
    db_bind_i64(st, 10, s->pass_mark);
    db_bind_text(st, 11, s->feedback_when);
    db_bind_text(st, 12, s->grade_policy);
    db_bind_i64(st, 13, now);
    db_bind_i64(st, 14, s->draw_per_pool);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* ---- items -------------------------------------------------------------------- */

int quiz_items_load(Db *db, Arena *a, int64_t unit_id, QuizItems *out)
{
    memset(out, 0, sizeof *out);
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM quiz_item WHERE unit_id = $1 AND retired_at IS NULL", "i",
                     unit_id) != DB_ROW)
        return LN_EDB;
    out->items = arena_alloc(a, sizeof(QuizItem) * (size_t)(n ? n : 1));
    DbStmt *st = db_prepare(db, "SELECT id, position, item FROM quiz_item WHERE unit_id = $1 AND retired_at IS NULL"
                                " ORDER BY position, id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    int rc = LN_OK;
    while (out->n < n && db_step(st) == DB_ROW) {
        QuizItem *q = &out->items[out->n];
        q->id = db_col_i64(st, 0);
        q->position = db_col_i64(st, 1);
        if (item_from_text(a, db_col_text(st, 2), &q->item) != LN_OK) {
            log_error("quiz_item %lld: stored item does not read back", (long long)q->id);
            rc = LN_EDB;
            continue;
        }
        out->n++;
    }
    db_done(st);
    return rc;
}

int quiz_bank(Db *db, Arena *a, int64_t unit_id, ItemBank *out)
{
    QuizItems qi;
    int rc = quiz_items_load(db, a, unit_id, &qi);
    out->n = qi.n;
    out->items = arena_alloc(a, sizeof(Item) * (size_t)(qi.n ? qi.n : 1));
    for (int i = 0; i < qi.n; i++) out->items[i] = qi.items[i].item;
    return rc;
}

int quiz_items_replace(Db *db, int64_t org_id, int64_t unit_id, const ItemBank *bank, UsTime now)
{
    if (bank->n > QUIZ_MAX_ITEMS) return LN_ELIMIT;
    Arena *a = arena_new();
    if (db_begin(db) != DB_DONE) {
        arena_free(a);
        return LN_EDB;
    }
    int rc = db_run(db, "INSERT INTO quiz (unit_id, org_id, updated_at) VALUES ($1, $2, $3)"
                        " ON CONFLICT (unit_id) DO NOTHING", "iii", unit_id, org_id, now) == DB_DONE ? LN_OK : LN_EDB;
    /* Retired, not deleted: attempts that showed them still point to them. */
    if (rc == LN_OK && db_run(db, "UPDATE quiz_item SET retired_at = $1 WHERE unit_id = $2 AND retired_at IS NULL",
                              "ii", now, unit_id) != DB_DONE)
        rc = LN_EDB;
    for (int i = 0; rc == LN_OK && i < bank->n; i++)
        if (db_run(db, "INSERT INTO quiz_item (unit_id, org_id, position, item, created_at) VALUES ($1, $2, $3, $4, $5)",
                   "iiiti", unit_id, org_id, (int64_t)i + 1, item_to_text(a, &bank->items[i]), now) != DB_DONE)
            rc = LN_EDB;
    if (rc == LN_OK) rc = db_run(db, "UPDATE quiz SET updated_at = $1 WHERE unit_id = $2", "ii", now, unit_id) == DB_DONE
                        ? LN_OK : LN_EDB;
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        rc = rc != LN_OK ? rc : LN_EDB;
    }
    arena_free(a);
    return rc;
}

/* ---- arithmetic and drawing ------------------------------------------------------ */

static pthread_once_t grace_once = PTHREAD_ONCE_INIT;
static int64_t grace_s = QUIZ_GRACE_S_DEFAULT;

static void grace_read(void)
{
    int64_t v;
    const char *e = getenv("LECTERN_QUIZ_GRACE_S");
    if (e && *e) {
        if (str_to_i64(e, &v) && v >= 0 && v <= 300) grace_s = v;
        else log_warn("LECTERN_QUIZ_GRACE_S=%s ignored: give 0 to 300 seconds", e);
    }
}

int64_t quiz_grace_us(void)
{
    pthread_once(&grace_once, grace_read);
    return grace_s * US_PER_SEC;
}

int quiz_draw(int n, int draw, bool shuffle, int *out)
{
    if (n <= 0) return 0;
    for (int i = 0; i < n; i++) out[i] = i;
    int k = draw <= 0 || draw >= n ? n : draw;
    /* The first k places of a partial Fisher–Yates shuffle: k distinct
     * indexes, each set of k equally likely. */
    for (int i = 0; i < k && k < n; i++) {
        int j = i + (int)randombytes_uniform((uint32_t)(n - i));
        int t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    if (shuffle) {
        for (int i = k - 1; i > 0; i--) {
            int j = (int)randombytes_uniform((uint32_t)i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    } else {
        /* the quiz's order (insertion sort: k is small) */
        for (int i = 1; i < k; i++)
            for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
                int t = out[j];
                out[j] = out[j - 1];
                out[j - 1] = t;
            }
    }
    return k;
}

int64_t quiz_total(const int64_t *points, const int *scores, int n, int64_t *pending)
{
    int64_t sum = 0, max = 0, waiting = 0;
    for (int i = 0; i < n; i++) {
        if (points[i] <= 0) continue;
        max += points[i];
        if (scores[i] < 0) waiting++;
        else sum += points[i] * (scores[i] > 1000 ? 1000 : scores[i]);
    }
    if (pending) *pending = waiting;
    if (max == 0 || sum <= 0) return 0;
    /* sum / max thousandths, to the nearest, halves down (as grade.c) */
    int64_t q = (2 * sum + max - 1) / (2 * max);
    return q > 1000 ? 1000 : q;
}

/* ---- attempts ------------------------------------------------------------------- */

#define ATTEMPT_COLS "id, unit_id, run_id, user_id, org_id, number, items, started_at, deadline_at, submitted_at," \
    " score, pending, status"

static int attempt_read(DbStmt *st, Arena *a, Attempt *at)
{
    memset(at, 0, sizeof *at);
    at->id = db_col_i64(st, 0);
    at->unit_id = db_col_i64(st, 1);
    at->run_id = db_col_i64(st, 2);
    at->user_id = db_col_i64(st, 3);
    at->org_id = db_col_i64(st, 4);
    at->number = db_col_i64(st, 5);
    json_t *j = json_loads(db_col_text(st, 6), 0, NULL);
    int rc = shown_from_json(a, j, &at->shown, &at->nshown);
    json_decref(j);
    at->started_at = db_col_i64(st, 7);
    at->deadline_at = db_col_i64(st, 8);
    at->submitted_at = db_col_i64(st, 9);
    at->score = db_col_is_null(st, 10) ? -1 : db_col_i64(st, 10);
    at->pending = db_col_i64(st, 11);
    at->status = db_col_dup(st, 12, a);
    if (rc != LN_OK) log_error("attempt %lld: stored items do not read back", (long long)at->id);
    return rc;
}

int quiz_attempts(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, AttemptList *out)
{
    memset(out, 0, sizeof *out);
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM attempt WHERE unit_id = $1 AND run_id = $2 AND user_id = $3", "iii",
                     unit_id, run_id, user_id) != DB_ROW)
        return LN_EDB;
    out->items = arena_alloc(a, sizeof(Attempt) * (size_t)(n ? n : 1));
    DbStmt *st = db_prepare(db, "SELECT " ATTEMPT_COLS " FROM attempt WHERE unit_id = $1 AND run_id = $2"
                                " AND user_id = $3 ORDER BY number");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, user_id);
    while (out->n < n && db_step(st) == DB_ROW) attempt_read(st, a, &out->items[out->n++]);
    db_done(st);
    return LN_OK;
}

int quiz_attempt_load(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, int64_t id, Attempt *out)
{
    DbStmt *st = db_prepare(db, "SELECT " ATTEMPT_COLS " FROM attempt WHERE id = $1 AND unit_id = $2 AND run_id = $3"
                                " AND user_id = $4");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, unit_id);
    db_bind_i64(st, 3, run_id);
    db_bind_i64(st, 4, user_id);
    int rc = db_step(st);
    int out_rc = rc == DB_ROW ? attempt_read(st, a, out) : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    db_done(st);
    return out_rc;
}

/* The open attempt of a learner, LN_NOTFOUND when none. */
static int open_attempt(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, Attempt *out)
{
    DbStmt *st = db_prepare(db, "SELECT " ATTEMPT_COLS " FROM attempt WHERE unit_id = $1 AND run_id = $2"
                                " AND user_id = $3 AND status = 'in_progress'");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, user_id);
    int rc = db_step(st);
    int out_rc = rc == DB_ROW ? attempt_read(st, a, out) : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    db_done(st);
    return out_rc;
}

/* The ledger entry of a finished attempt, inside the caller's transaction. */
static int attempt_fact(Db *db, const RunRef *run, const Attempt *at, const char *status, const QuizResult *res,
                        const char *purpose, UsTime submitted_at, UsTime saved_at, UsTime now)
{
    char subject[96];
    snprintf(subject, sizeof subject, "run:%lld unit:%lld user:%lld", (long long)run->id, (long long)at->unit_id,
             (long long)at->user_id);
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:b}",
                          "attempt_id", (json_int_t)at->id, "number", (json_int_t)at->number,
                          "course_id", (json_int_t)run->course_id, "run_id", (json_int_t)run->id,
                          "unit_id", (json_int_t)at->unit_id, "user_id", (json_int_t)at->user_id,
                          "score", (json_int_t)res->score, "max", (json_int_t)1000,
                          "points", (json_int_t)res->points, "points_max", (json_int_t)res->points_max,
                          "pending", (json_int_t)res->pending, "status", status, "purpose", purpose,
                          "passed", res->passed);
    if (!p) return LN_EINVAL;
    json_object_set_new(p, "started_at", json_integer(at->started_at));
    json_object_set_new(p, "submitted_at", submitted_at ? json_integer(submitted_at) : json_null());
    json_object_set_new(p, "deadline_at", at->deadline_at ? json_integer(at->deadline_at) : json_null());
    if (saved_at) json_object_set_new(p, "answers_saved_at", json_integer(saved_at));   /* expired: graded from these */
    int rc = ledger_append(db, run->org_id, "assessment.attempt", subject, p, now, NULL);
    json_decref(p);
    return rc;
}

/* The learner's responses to an attempt, graded: per shown item its
 * response and score (-1: awaiting a person). */
typedef struct Graded { int n; Response *resp; int *scores; } Graded;
static int grade_responses(Db *db, Arena *a, const QuizSettings *qs, const Attempt *at, const json_t *responses,
                           Graded *g, QuizResult *out, const char **err);
static int attempt_finish_tx(Db *db, const RunRef *run, const QuizSettings *qs, const Attempt *at, const Graded *g,
                             const char *status, UsTime submitted_at, UsTime saved_at, UsTime now, QuizResult *out);

/* Inside the caller's transaction: expire `at` (in progress, overdue),
 * graded from the answers saved while the learner worked, if any. */
static int expire_in_tx(Db *db, Arena *a, const RunRef *run, const QuizSettings *qs, const Attempt *at, UsTime now)
{
    UsTime saved_at = 0;
    json_t *draft = quiz_draft_load(db, at->id, &saved_at);
    Graded g = {0};
    QuizResult res = {0};
    const char *err = NULL;
    /* The draft was checked when saved and the attempt's items never change;
     * should it not read, the attempt expires as one without answers. */
    if (draft && grade_responses(db, a, qs, at, draft, &g, &res, &err) != LN_OK) {
        memset(&g, 0, sizeof g);
        memset(&res, 0, sizeof res);
        saved_at = 0;
    }
    /* A pass mark of 0 asks for a submission, which this is not. */
    res.passed = res.passed && qs->pass_mark > 0;
    json_decref(draft);
    int rc = db_change(db, "UPDATE attempt SET status = 'expired', score = $1, pending = $2 WHERE id = $3"
                           " AND status = 'in_progress'", "iii", res.score, res.pending, at->id);
    if (rc == LN_NOTFOUND) return LN_OK;        /* finished meanwhile */
    if (rc != LN_OK) return LN_EDB;
    return attempt_finish_tx(db, run, qs, at, &g, "expired", 0, saved_at, now, &res);
}

static bool overdue(const Attempt *at, UsTime now)
{
    return str_eq(at->status, "in_progress") && at->deadline_at && now > at->deadline_at + quiz_grace_us();
}

static int expire_one(Db *db, Arena *a, const RunRef *run, const QuizSettings *qs, const Attempt *at, UsTime now)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    return db_end(db, expire_in_tx(db, a, run, qs, at, now));
}

int quiz_expire_overdue(Db *db, const RunRef *run, int64_t unit_id, int64_t user_id, const QuizSettings *qs,
                        UsTime now)
{
    Arena *a = arena_new();
    Attempt at;
    int rc = open_attempt(db, a, unit_id, run->id, user_id, &at);
    if (rc == LN_OK && overdue(&at, now)) rc = expire_one(db, a, run, qs, &at, now);
    else if (rc == LN_NOTFOUND) rc = LN_OK;
    arena_free(a);
    return rc;
}

int quiz_expire_due(Db *db, UsTime now, int limit)
{
    Arena *a = arena_new();
    DbStmt *st = db_prepare(db, "SELECT " ATTEMPT_COLS " FROM attempt WHERE status = 'in_progress'"
                                " AND deadline_at IS NOT NULL AND deadline_at < $1 ORDER BY deadline_at LIMIT $2");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, now - quiz_grace_us());
    db_bind_i64(st, 2, limit);
    Attempt *due = arena_alloc(a, sizeof(Attempt) * (size_t)(limit > 0 ? limit : 1));
    int n = 0, rc;
    while (n < limit && (rc = db_step(st)) == DB_ROW && attempt_read(st, a, &due[n]) == LN_OK) n++;
    db_done(st);
    int done = 0;
    for (int i = 0; i < n; i++) {
        RunRef run;
        QuizSettings qs;
        if (run_ref(db, a, due[i].org_id, due[i].run_id, &run) != LN_OK
            || quiz_settings_get(db, a, due[i].unit_id, &qs) != LN_OK)
            continue;
        if (expire_one(db, a, &run, &qs, &due[i], now) == LN_OK) done++;
        else log_warn("quiz: attempt %lld could not expire", (long long)due[i].id);
    }
    arena_free(a);
    return done;
}

bool quiz_has_answers(Db *db, int64_t attempt_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT count(*) FROM attempt_answer WHERE attempt_id = $1", "i", attempt_id) == DB_ROW
           && n > 0;
}

void quiz_tick(App *app, Db *db)
{
    (void)app;
    static _Atomic int64_t last;
    UsTime now = time_now_us();
    if (tick_due(&last, now, QUIZ_EXPIRE_EVERY_S * US_PER_SEC)) quiz_expire_due(db, now, 200);
}

const char *quiz_purpose_text(const char *purpose)
{
    if (str_eq(purpose, "placement")) return "Placement (before the course)";
    if (str_eq(purpose, "final")) return "Final assessment";
    return "Formative (during the course)";
}

const char *quiz_refusal_message(QuizRefusal q)
{
    switch (q) {
    case QUIZ_NOT_OPEN: return "This quiz is not open yet.";
    case QUIZ_CLOSED: return "This quiz is closed.";
    case QUIZ_NO_ATTEMPTS_LEFT: return "You have used every attempt allowed.";
    case QUIZ_NO_ITEMS: return "This quiz has no questions yet.";
    case QUIZ_TIME_UP: return "Time is up: this attempt was not submitted in time and has expired.";
    case QUIZ_ALREADY_SUBMITTED: return "This attempt is finished: it cannot be changed.";
    default: return "";
    }
}

const char *quiz_refusal_code(QuizRefusal q)
{
    switch (q) {
    case QUIZ_NOT_OPEN: return "not_open";
    case QUIZ_CLOSED: return "closed";
    case QUIZ_NO_ATTEMPTS_LEFT: return "no_attempts_left";
    case QUIZ_NO_ITEMS: return "no_items";
    case QUIZ_TIME_UP: return "time_up";
    case QUIZ_ALREADY_SUBMITTED: return "already_submitted";
    default: return "ok";
    }
}

static int new_attempt(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id, const QuizSettings *qs,
                       const QuizItems *qi, UsTime now, Attempt *out, QuizRefusal *refusal)
{
    if (qs->opens_at && now < qs->opens_at) {
        *refusal = QUIZ_NOT_OPEN;
        return LN_EPERM;
    }
    if (qs->closes_at && now >= qs->closes_at) {
        *refusal = QUIZ_CLOSED;
        return LN_EPERM;
    }
    int64_t used = 0;
    if (db_query_i64(db, &used, "SELECT count(*) FROM attempt WHERE unit_id = $1 AND run_id = $2 AND user_id = $3",
                     "iii", unit_id, run->id, user_id) != DB_ROW)
        return LN_EDB;
    if (qs->attempts_allowed && used >= qs->attempts_allowed) {
        *refusal = QUIZ_NO_ATTEMPTS_LEFT;
        return LN_EPERM;
    }
    if (qi->n == 0) {
        *refusal = QUIZ_NO_ITEMS;
        return LN_EPERM;
    }
    int *idx = arena_alloc(a, sizeof(int) * (size_t)qi->n);
    int k = quiz_draw_items(qs, qi, idx);
    memset(out, 0, sizeof *out);
    out->shown = arena_alloc(a, sizeof(Shown) * (size_t)k);
    out->nshown = k;
    for (int i = 0; i < k; i++) {
        const QuizItem *q = &qi->items[idx[i]];
        shown_make(a, &q->item, q->id, qs->shuffle, &out->shown[i]);
    }
    UsTime deadline = qs->time_limit_s ? now + qs->time_limit_s * US_PER_SEC : 0;
    if (qs->closes_at && (!deadline || qs->closes_at < deadline)) deadline = qs->closes_at;
    json_t *items = shown_to_json(out->shown, k);
    char *items_text = json_dumps(items, JSON_COMPACT);
    json_decref(items);
    DbStmt *st = db_prepare(db, "INSERT INTO attempt (unit_id, run_id, user_id, org_id, number, items, started_at,"
                                " deadline_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in_progress') RETURNING id");
    if (!st) {
        free(items_text);
        return LN_EDB;
    }
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run->id);
    db_bind_i64(st, 3, user_id);
    db_bind_i64(st, 4, run->org_id);
    db_bind_i64(st, 5, used + 1);
    db_bind_text(st, 6, items_text);
    db_bind_i64(st, 7, now);
    db_bind_time(st, 8, deadline);
    int rc = db_step(st);
    if (rc == DB_ROW) out->id = db_col_i64(st, 0);
    db_done(st);
    free(items_text);
    if (rc == DB_CONSTRAINT) return LN_EEXIST;      /* another start won: resume it */
    if (rc != DB_ROW) return LN_EDB;
    out->unit_id = unit_id;
    out->run_id = run->id;
    out->user_id = user_id;
    out->org_id = run->org_id;
    out->number = used + 1;
    out->started_at = now;
    out->deadline_at = deadline;
    out->score = -1;
    out->status = arena_strdup(a, "in_progress");
    return LN_OK;
}

int quiz_start(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id, UsTime now, Attempt *out,
               bool *resumed, QuizRefusal *refusal)
{
    *resumed = false;
    *refusal = QUIZ_OK;
    QuizSettings qs;
    QuizItems qi;
    if (quiz_settings_get(db, a, unit_id, &qs) != LN_OK || quiz_items_load(db, a, unit_id, &qi) != LN_OK)
        return LN_EDB;
    for (int tries = 0; tries < 3; tries++) {
        if (db_begin(db) != DB_DONE) return LN_EDB;
        Attempt open;
        int rc = open_attempt(db, a, unit_id, run->id, user_id, &open);
        if (rc == LN_OK && overdue(&open, now)) {
            rc = expire_in_tx(db, a, run, &qs, &open, now);
            if (rc == LN_OK) rc = LN_NOTFOUND;
        } else if (rc == LN_OK) {
            *out = open;
            *resumed = true;
        }
        if (rc == LN_NOTFOUND) rc = new_attempt(db, a, run, unit_id, user_id, &qs, &qi, now, out, refusal);
        Unit u = {.id = unit_id};
        if (rc == LN_OK) rc = progress_open(db, run, &u, user_id, now);
        if (rc == LN_EPERM) {
            /* A refusal: keep what was decided before it (an expiry). */
            if (db_commit(db) != DB_DONE) {
                db_rollback(db);
                return LN_EDB;
            }
            return LN_EPERM;
        }
        if (rc == LN_OK && db_commit(db) == DB_DONE) return LN_OK;
        db_rollback(db);
        if (rc != LN_EEXIST) return LN_EDB;
    }
    return LN_EDB;
}

/* ---- submitting --------------------------------------------------------------------- */

int quiz_attempt_items(Db *db, Arena *a, const Attempt *at, Item **items)
{
    *items = arena_alloc(a, sizeof(Item) * (size_t)(at->nshown ? at->nshown : 1));
    for (int i = 0; i < at->nshown; i++) {
        DbStmt *st = db_prepare(db, "SELECT item FROM quiz_item WHERE id = $1 AND unit_id = $2");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, at->shown[i].id);
        db_bind_i64(st, 2, at->unit_id);
        int rc = db_step(st);
        int out = rc == DB_ROW ? item_from_text(a, db_col_text(st, 0), &(*items)[i])
                : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
        db_done(st);
        if (out != LN_OK) return out == LN_EINVAL ? LN_EDB : out;
    }
    return LN_OK;
}

int quiz_attempt_answers(Db *db, Arena *a, const Attempt *at, Response *responses, int *scores)
{
    for (int i = 0; i < at->nshown; i++) {
        memset(&responses[i], 0, sizeof responses[i]);
        scores[i] = -1;
    }
    DbStmt *st = db_prepare(db, "SELECT quiz_item_id, response, score FROM attempt_answer WHERE attempt_id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, at->id);
    while (db_step(st) == DB_ROW) {
        int64_t qid = db_col_i64(st, 0);
        for (int i = 0; i < at->nshown; i++) {
            if (at->shown[i].id != qid) continue;
            json_t *j = json_loads(db_col_text(st, 1), 0, NULL);
            response_from_json(a, j, &responses[i]);
            json_decref(j);
            scores[i] = db_col_is_null(st, 2) ? -1 : (int)db_col_i64(st, 2);
        }
    }
    db_done(st);
    return LN_OK;
}

/* Every key of `responses` must name an item of the attempt. */
static bool responses_known(const Attempt *at, const json_t *responses, const char **bad)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)responses, key, v) {
        int64_t id;
        bool found = false;
        if (str_to_i64(key, &id))
            for (int i = 0; i < at->nshown && !found; i++) found = at->shown[i].id == id;
        if (!found) {
            *bad = key;
            return false;
        }
    }
    return true;
}

/* The learner's responses to `at` (an object keyed by item id, NULL or
 * JSON null: none) as Responses in the items' own indexes, with the items;
 * LN_EINVAL with *err when one does not fit.  *responses: NULL for none. */
static int responses_read(Db *db, Arena *a, const Attempt *at, const json_t **responses, Item **items,
                          Response **resp, const char **err)
{
    const json_t *rs = *responses;
    if (rs && !json_is_null(rs) && !json_is_object(rs)) {
        *err = "\"responses\" must be an object whose keys are the attempt's item ids";
        return LN_EINVAL;
    }
    if (json_is_null(rs)) rs = *responses = NULL;
    const char *bad;
    if (rs && !responses_known(at, rs, &bad)) {
        *err = arena_printf(a, "item %s is not part of this attempt", bad);
        return LN_EINVAL;
    }
    int rc = quiz_attempt_items(db, a, at, items);
    if (rc != LN_OK) return rc;
    int n = at->nshown;
    *resp = arena_alloc(a, sizeof(Response) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const json_t *j = rs ? json_object_get(rs, arena_printf(a, "%lld", (long long)at->shown[i].id)) : NULL;
        const char *e = NULL;
        if (response_from_learner(a, &(*items)[i], &at->shown[i], j, &(*resp)[i], &e) != LN_OK) {
            *err = arena_printf(a, "item %lld: %s", (long long)at->shown[i].id, e);
            return LN_EINVAL;
        }
    }
    return LN_OK;
}

/* Grade the learner's responses to attempt `at` (checked as a submission
 * is) into g and the result. */
static int grade_responses(Db *db, Arena *a, const QuizSettings *qs, const Attempt *at, const json_t *responses,
                           Graded *g, QuizResult *out, const char **err)
{
    memset(out, 0, sizeof *out);
    Item *items;
    int rc = responses_read(db, a, at, &responses, &items, &g->resp, err);
    if (rc != LN_OK) return rc;
    int n = g->n = at->nshown;
    g->scores = arena_alloc(a, sizeof(int) * (size_t)(n ? n : 1));
    int64_t *points = arena_alloc(a, sizeof(int64_t) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        points[i] = items[i].type == ITEM_DESCRIPTION ? 0 : items[i].points;
        g->scores[i] = item_grade(&items[i], &g->resp[i]);
        /* An unanswered essay has nothing to grade: 0, not pending. */
        if (items[i].type == ITEM_ESSAY && str_empty(g->resp[i].text)) g->scores[i] = 0;
        out->points_max += points[i];
        if (g->scores[i] > 0) out->points += points[i] * g->scores[i] / 1000;
    }
    out->score = quiz_total(points, g->scores, n, &out->pending);
    out->passed = qs->pass_mark == 0 || (out->pending == 0 && out->score >= qs->pass_mark);
    return LN_OK;
}

/* Inside the caller's transaction, once the attempt left in_progress: its
 * answers (inserted once, never updated), the draft gone, the ledger entry,
 * and on a pass the unit (and maybe the course) completed. */
static int attempt_finish_tx(Db *db, const RunRef *run, const QuizSettings *qs, const Attempt *at, const Graded *g,
                             const char *status, UsTime submitted_at, UsTime saved_at, UsTime now, QuizResult *out)
{
    int rc = LN_OK;
    for (int i = 0; rc == LN_OK && i < g->n; i++) {
        json_t *rj = response_to_json(&g->resp[i]);
        char *rt = json_dumps(rj, JSON_COMPACT);
        json_decref(rj);
        DbStmt *st = db_prepare(db, "INSERT INTO attempt_answer (attempt_id, quiz_item_id, org_id, response, score)"
                                    " VALUES ($1, $2, $3, $4, $5)");
        if (!st || !rt) rc = LN_EDB;
        else {
            db_bind_i64(st, 1, at->id);
            db_bind_i64(st, 2, at->shown[i].id);
            db_bind_i64(st, 3, at->org_id);
            db_bind_text(st, 4, rt);
            if (g->scores[i] >= 0) db_bind_i64(st, 5, g->scores[i]);
            else db_bind_null(st, 5);
            if (db_step(st) != DB_DONE) rc = LN_EDB;
        }
        if (st) db_done(st);
        free(rt);
    }
    if (rc == LN_OK && db_run(db, "DELETE FROM attempt_draft WHERE attempt_id = $1", "i", at->id) != DB_DONE)
        rc = LN_EDB;
    if (rc == LN_OK) rc = attempt_fact(db, run, at, status, out, qs->purpose, submitted_at, saved_at, now);
    if (rc == LN_OK && out->passed) {
        Unit u = {.id = at->unit_id};
        rc = progress_complete_tx(db, run, &u, at->user_id, now, &out->course_done);
        out->completed = rc == LN_OK;
    }
    return rc;
}

int quiz_submit(Db *db, Arena *a, const RunRef *run, const QuizSettings *qs, Attempt *at, const json_t *responses,
                UsTime now, QuizResult *out, QuizRefusal *refusal, const char **err)
{
    memset(out, 0, sizeof *out);
    *refusal = QUIZ_OK;
    if (!str_eq(at->status, "in_progress")) {
        *refusal = str_eq(at->status, "expired") ? QUIZ_TIME_UP : QUIZ_ALREADY_SUBMITTED;
        return LN_EPERM;
    }
    if (overdue(at, now)) {
        int rc = quiz_expire_overdue(db, run, at->unit_id, at->user_id, qs, now);
        if (rc != LN_OK) return rc;
        *refusal = QUIZ_TIME_UP;
        return LN_EPERM;
    }
    Graded g;
    int rc = grade_responses(db, a, qs, at, responses, &g, out, err);
    if (rc != LN_OK) return rc;

    if (db_begin(db) != DB_DONE) return LN_EDB;
    /* The one change a submitted attempt ever sees: in_progress → submitted,
     * once (a second submission changes no row and is refused). */
    rc = db_change(db, "UPDATE attempt SET status = 'submitted', submitted_at = $1, score = $2, pending = $3"
                       " WHERE id = $4 AND status = 'in_progress'", "iiii", now, out->score, out->pending, at->id);
    if (rc == LN_NOTFOUND) rc = LN_EEXIST;
    else if (rc != LN_OK) rc = LN_EDB;
    if (rc == LN_OK) rc = attempt_finish_tx(db, run, qs, at, &g, "submitted", now, 0, now, out);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        out->completed = out->course_done = false;
        if (rc == LN_EEXIST) {
            *refusal = QUIZ_ALREADY_SUBMITTED;
            return LN_EPERM;
        }
        return LN_EDB;
    }
    at->status = arena_strdup(a, "submitted");
    at->submitted_at = now;
    at->score = out->score;
    at->pending = out->pending;
    return LN_OK;
}

/* ---- answers in progress ---------------------------------------------------------------- */

int quiz_draft_save(Db *db, Arena *a, const Attempt *at, const json_t *responses, UsTime now, QuizRefusal *refusal,
                    const char **err)
{
    *refusal = QUIZ_OK;
    if (!str_eq(at->status, "in_progress")) {
        *refusal = str_eq(at->status, "expired") ? QUIZ_TIME_UP : QUIZ_ALREADY_SUBMITTED;
        return LN_EPERM;
    }
    if (overdue(at, now)) {
        *refusal = QUIZ_TIME_UP;
        return LN_EPERM;
    }
    Item *items;
    Response *resp;
    int rc = responses_read(db, a, at, &responses, &items, &resp, err);
    if (rc != LN_OK) return rc;
    char *text = responses ? json_dumps(responses, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
    if (!text) return LN_EDB;
    if (strlen(text) > QUIZ_DRAFT_MAX) {
        free(text);
        *err = "these answers are too long to keep";
        return LN_EINVAL;
    }
    /* Only while the attempt is in progress: a save racing the submission
     * leaves nothing behind. */
    int s = db_run(db, "INSERT INTO attempt_draft (attempt_id, org_id, responses, saved_at) "
                       "SELECT id, org_id, $2, CAST($3 AS BIGINT) FROM attempt WHERE id = $1 AND status = 'in_progress' "
                       "ON CONFLICT (attempt_id) DO UPDATE SET responses = excluded.responses, saved_at = excluded.saved_at",
                   "iti", at->id, text, (int64_t)now);
    free(text);
    return s == DB_DONE ? LN_OK : LN_EDB;
}

json_t *quiz_draft_load(Db *db, int64_t attempt_id, UsTime *saved_at)
{
    DbStmt *st = db_prepare(db, "SELECT responses, saved_at FROM attempt_draft WHERE attempt_id = $1");
    if (!st) return NULL;
    db_bind_i64(st, 1, attempt_id);
    json_t *j = NULL;
    if (db_step(st) == DB_ROW) {
        j = json_loads(db_col_text(st, 0), 0, NULL);
        if (saved_at) *saved_at = db_col_i64(st, 1);
    }
    db_done(st);
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* ---- what the learner may see --------------------------------------------------------- */

int quiz_used(const AttemptList *mine)
{
    return mine ? mine->n : 0;
}

static bool any_open(const AttemptList *mine)
{
    for (int i = 0; mine && i < mine->n; i++)
        if (str_eq(mine->items[i].status, "in_progress")) return true;
    return false;
}

bool quiz_feedback_allowed(const QuizSettings *qs, const AttemptList *mine, UsTime now)
{
    bool closed = qs->closes_at && now >= qs->closes_at;
    if (str_eq(qs->feedback_when, "immediately")) return true;
    if (str_eq(qs->feedback_when, "after_close")) return closed;
    /* after_last */
    return closed || (qs->attempts_allowed && quiz_used(mine) >= qs->attempts_allowed && !any_open(mine));
}

int64_t quiz_grade(const QuizSettings *qs, const AttemptList *mine)
{
    int64_t best = -1, last = -1, sum = 0, n = 0;
    for (int i = 0; mine && i < mine->n; i++) {
        const Attempt *at = &mine->items[i];
        if (str_eq(at->status, "in_progress") || at->score < 0) continue;
        if (at->score > best) best = at->score;
        last = at->score;
        sum += at->score;
        n++;
    }
    if (!n) return -1;
    if (str_eq(qs->grade_policy, "last")) return last;
    if (str_eq(qs->grade_policy, "average")) return (2 * sum + n - 1) / (2 * n);
    return best;
}

bool quiz_parse_time(const char *s, UsTime *out)
{
    size_t n = s ? strlen(s) : 0;
    if (n && s[n - 1] == 'Z') n--;
    if (n != 16 && n != 19) return false;
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (shape[i] == 'd' ? !(c >= '0' && c <= '9') : shape[i] == 'T' ? !(c == 'T' || c == ' ') : c != shape[i])
            return false;
    }
    struct tm tm = {0};
    tm.tm_year = atoi(s) - 1900;
    tm.tm_mon = atoi(s + 5) - 1;
    tm.tm_mday = atoi(s + 8);
    tm.tm_hour = atoi(s + 11);
    tm.tm_min = atoi(s + 14);
    tm.tm_sec = n == 19 ? atoi(s + 17) : 0;
    if (tm.tm_year < 70 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59
        || tm.tm_sec > 59)
        return false;
    time_t t = timegm(&tm);
    if (t < 0) return false;
    *out = (UsTime)t * US_PER_SEC;
    return true;
}
