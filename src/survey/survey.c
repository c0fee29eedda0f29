/* survey.c — satisfaction surveys of a course run's learners (survey.h,
 * docs/surveys.md). */
#include "survey/survey.h"
#include "catalog/catalog.h"
#include "core/csv.h"
#include "evidence/ledger.h"
#include "http/app.h"
#include "mail/mail.h"
#include "web/i18n.h"

#include <jansson.h>
#include <stdatomic.h>
#include <string.h>

static const SurveyQuestion questions[] = {
    {"overall", SQ_RATING, "Overall, how satisfied are you with this course?", true},
    {"objectives", SQ_RATING, "Did the course meet the objectives it announced?", true},
    {"content", SQ_RATING, "How useful were the content and the activities?", true},
    {"assistance", SQ_RATING, "How well were you helped when you needed it?", true},
    {"organisation", SQ_RATING, "How easy were the platform and the organisation?", true},
    {"recommend", SQ_YESNO, "Would you recommend this course to a colleague?", true},
    {"improve", SQ_TEXT, "What should we improve?", false},
};
#define NQ ((int)(sizeof questions / sizeof questions[0]))
_Static_assert(NQ <= 16, "SurveyAnswers holds 16 values");

const SurveyQuestion *survey_questions(int *n)
{
    *n = NQ;
    return questions;
}

int survey_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, Survey *out)
{
    DbStmt *st = db_prepare(db, "SELECT s.id, s.org_id, s.run_id, s.opened_by, s.opened_at, COALESCE(s.closed_at, 0),"
                                " COALESCE(s.reminded_at, 0), r.title, c.title FROM survey s"
                                " JOIN course_run r ON r.id = s.run_id JOIN course c ON c.id = r.course_id"
                                " WHERE s.run_id = $1 AND ($2 = 0 OR s.org_id = $2)");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (Survey){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3), db_col_i64(st, 4),
                        db_col_i64(st, 5), db_col_i64(st, 6), db_col_dup(st, 7, a), db_col_dup(st, 8, a)};
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

/* ---- invitations and the reminder ------------------------------------------ */

/* E-mail the run's active learners (only those who have not answered when
 * `reminder`), in their language, inside the caller's transaction; *sent
 * gets how many. */
static int invite(Db *db, Arena *a, const Survey *s, const char *base_url, bool reminder, UsTime now, int *sent)
{
    *sent = 0;
    DbStmt *st = db_prepare(db, "SELECT u.name, u.email, u.lang FROM enrolment e JOIN app_user u ON u.id = e.user_id"
                                " WHERE e.run_id = $1 AND e.status = 'active' AND NOT EXISTS (SELECT 1 FROM"
                                " survey_response p WHERE p.survey_id = $2 AND p.user_id = e.user_id) ORDER BY u.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, s->run_id);
    db_bind_i64(st, 2, s->id);
    typedef struct { char *name, *email, *lang; } To;
    To *to = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        to = arena_grow(a, to, n, &cap, sizeof *to);
        to[n++] = (To){db_col_dup(st, 0, a), db_col_dup(st, 1, a), db_col_dup(st, 2, a)};
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    for (int i = 0; i < n; i++) {
        const char *lang = to[i].lang;
        const char *subject = arena_printf(a, "%s %s", reminder ? i18n_get(lang, "Reminder: how was your course?")
                                                                : i18n_get(lang, "How was your course?"),
                                           s->course_title);
        const char *body = arena_printf(a, "%s %s,\n\n%s\n%s — %s\n\n%s\n%s/runs/%lld/survey\n",
                                        i18n_get(lang, "Hello"), to[i].name,
                                        i18n_get(lang, "Tell us in two minutes what you thought of:"), s->course_title,
                                        s->run_title, i18n_get(lang, "Answer the questionnaire here:"),
                                        base_url ? base_url : "", (long long)s->run_id);
        if (mail_enqueue(db, to[i].email, subject, body, now) != LN_OK) return LN_EDB;
        (*sent)++;
    }
    return LN_OK;
}

int survey_open(Db *db, int64_t org_id, int64_t run_id, int64_t by, const char *base_url, UsTime now)
{
    Arena *a = arena_new();
    Survey s;
    RunRef run = {0};
    int rc = run_ref(db, a, org_id, run_id, &run);
    if (rc == LN_OK) rc = survey_load(db, a, org_id, run_id, &s);
    if (rc == LN_OK) {                          /* there is one: open again when closed */
        rc = s.closed_at == 0 ? LN_EEXIST
           : db_change(db, "UPDATE survey SET closed_at = NULL WHERE id = $1", "i", s.id);
    } else if (rc == LN_NOTFOUND && run.id) {
        int sent = 0;
        if (db_begin(db) != DB_DONE) rc = LN_EDB;
        else {
            rc = db_query_i64(db, &s.id, "INSERT INTO survey (org_id, run_id, opened_by, opened_at) VALUES ($1, $2, $3,"
                                         " $4) RETURNING id", "iiii", org_id, run_id, by, now) == DB_ROW ? LN_OK : LN_EEXIST;
            if (rc == LN_OK) rc = survey_load(db, a, org_id, run_id, &s);
            if (rc == LN_OK) rc = invite(db, a, &s, base_url, false, now, &sent);
            if (rc == LN_OK && db_run(db, "UPDATE survey_schedule SET done_at = $1 WHERE run_id = $2 AND done_at IS NULL",
                                      "ii", now, run_id) != DB_DONE)      /* opened by hand: not again by the tick */
                rc = LN_EDB;
            rc = db_end(db, rc);
        }
    }
    arena_free(a);
    return rc;
}

int survey_close(Db *db, int64_t org_id, int64_t run_id, UsTime now)
{
    return db_change(db, "UPDATE survey SET closed_at = $1 WHERE run_id = $2 AND org_id = $3 AND closed_at IS NULL",
                     "iii", now, run_id, org_id);
}

int survey_schedule(Db *db, int64_t org_id, int64_t run_id, int64_t by, UsTime open_at, UsTime now, const char **why)
{
    Arena *a = arena_new();
    RunRef run;
    Survey s;
    *why = NULL;
    int rc = run_ref(db, a, org_id, run_id, &run);
    if (rc == LN_OK && open_at <= now) {
        *why = "Choose a date and time to come.";
        rc = LN_EINVAL;
    } else if (rc == LN_OK && survey_load(db, a, org_id, run_id, &s) == LN_OK) {
        *why = "This course run has its survey already.";
        rc = LN_EEXIST;
    } else if (rc == LN_OK) {
        rc = db_run(db, "INSERT INTO survey_schedule (run_id, org_id, open_at, scheduled_by, scheduled_at)"
                        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id) DO UPDATE SET open_at = excluded.open_at,"
                        " scheduled_by = excluded.scheduled_by, scheduled_at = excluded.scheduled_at, done_at = NULL",
                    "iiiii", run_id, org_id, open_at, by, now) == DB_DONE ? LN_OK : LN_EDB;
    }
    arena_free(a);
    return rc;
}

int survey_unschedule(Db *db, int64_t org_id, int64_t run_id)
{
    return db_change(db, "DELETE FROM survey_schedule WHERE run_id = $1 AND org_id = $2 AND done_at IS NULL", "ii",
                     run_id, org_id);
}

UsTime survey_scheduled_at(Db *db, int64_t run_id)
{
    int64_t at = 0;
    return db_query_i64(db, &at, "SELECT open_at FROM survey_schedule WHERE run_id = $1 AND done_at IS NULL", "i",
                        run_id) == DB_ROW ? at : 0;
}

int survey_open_due(Db *db, const char *base_url, UsTime now)
{
    int64_t rows[20][3];
    int n = 0, opened = 0;
    DbStmt *st = db_prepare_bound(db, "SELECT run_id, org_id, scheduled_by FROM survey_schedule WHERE done_at IS NULL"
                                      " AND open_at <= $1 ORDER BY open_at LIMIT 20", "i", now);
    if (!st) return LN_EDB;
    for (; n < 20 && db_step(st) == DB_ROW; n++)
        for (int k = 0; k < 3; k++) rows[n][k] = db_col_i64(st, k);
    db_done(st);
    for (int i = 0; i < n; i++) {
        /* claim it first: another process, or the trainer closing the survey meanwhile, never sees it opened twice */
        if (db_change(db, "UPDATE survey_schedule SET done_at = $1 WHERE run_id = $2 AND done_at IS NULL", "ii", now,
                      rows[i][0]) != LN_OK)
            continue;
        int rc = survey_open(db, rows[i][1], rows[i][0], rows[i][2], base_url, now);
        if (rc == LN_OK) opened++;
        else if (rc == LN_EDB)      /* to try again on the next tick */
            db_run(db, "UPDATE survey_schedule SET done_at = NULL WHERE run_id = $1", "i", rows[i][0]);
    }
    return opened;
}

int survey_remind_due(Db *db, const char *base_url, UsTime now)
{
    int64_t runs[20];
    int n = 0, total = 0;
    DbStmt *st = db_prepare(db, "SELECT run_id FROM survey WHERE closed_at IS NULL AND reminded_at IS NULL"
                                " AND opened_at <= $1 ORDER BY opened_at LIMIT 20");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now - SURVEY_REMIND_DAYS * 86400 * US_PER_SEC);
    while (n < 20 && db_step(st) == DB_ROW) runs[n++] = db_col_i64(st, 0);
    db_done(st);
    for (int i = 0; i < n; i++) {
        Arena *a = arena_new();
        Survey s;
        int sent = 0, rc = db_begin(db) == DB_DONE ? LN_OK : LN_EDB;
        /* claim it: another process reminding at the same time changes nothing */
        if (rc == LN_OK) rc = db_change(db, "UPDATE survey SET reminded_at = $1 WHERE run_id = $2 AND reminded_at IS NULL",
                                        "ii", now, runs[i]);
        if (rc == LN_OK) rc = survey_load(db, a, 0, runs[i], &s);
        if (rc == LN_OK) rc = invite(db, a, &s, base_url, true, now, &sent);
        if (rc != LN_OK || db_commit(db) != DB_DONE) {
            db_rollback(db);
            sent = 0;
        }
        total += sent;
        arena_free(a);
    }
    return total;
}

/* ---- responses ------------------------------------------------------------- */

bool survey_answered(Db *db, int64_t run_id, int64_t user_id, bool *open)
{
    *open = false;
    DbStmt *st = db_prepare(db, "SELECT s.closed_at IS NULL, EXISTS (SELECT 1 FROM survey_response p"
                                " WHERE p.survey_id = s.id AND p.user_id = $2) FROM survey s WHERE s.run_id = $1");
    if (!st) return false;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    bool answered = false;
    if (db_step(st) == DB_ROW) {
        *open = db_col_i64(st, 0) != 0;
        answered = db_col_i64(st, 1) != 0;
    }
    db_done(st);
    return answered;
}

/* Check one answer; *rating gets its number (-1: none), *text its text (NULL: none). */
static const char *check_answer(const SurveyQuestion *q, const char *v, int64_t *rating, const char **text)
{
    *rating = -1;
    *text = NULL;
    if (str_empty(v)) return q->required ? "Answer this question." : NULL;
    if (q->kind == SQ_RATING) {
        if (!str_to_i64(v, rating) || *rating < 1 || *rating > 5) return "Choose a rating from 1 to 5.";
    } else if (q->kind == SQ_YESNO) {
        if (str_eq(v, "yes")) *rating = 1;
        else if (str_eq(v, "no")) *rating = 0;
        else return "Answer yes or no.";
    } else {
        size_t n = strlen(v);
        if (n > SURVEY_TEXT_MAX || !utf8_valid(v, n)) return "Your comment is too long (2,000 characters at most).";
        *text = v;
    }
    return NULL;
}

int survey_respond(Db *db, int64_t run_id, int64_t user_id, const SurveyAnswers *in, UsTime now, const char **field,
                   const char **why)
{
    *field = NULL;
    *why = NULL;
    Arena *a = arena_new();
    Survey s;
    int64_t active = 0;
    int rc = survey_load(db, a, 0, run_id, &s);
    if (rc == LN_OK && s.closed_at) rc = LN_NOTFOUND;
    if (rc == LN_OK && (db_query_i64(db, &active, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2"
                                                  " AND status = 'active'", "ii", run_id, user_id) != DB_ROW || !active))
        rc = LN_NOTFOUND;
    if (rc == LN_NOTFOUND) *why = "There is no questionnaire open for you in this course run.";
    bool open;
    if (rc == LN_OK && survey_answered(db, run_id, user_id, &open)) {
        *why = "You have answered this questionnaire already. Thank you!";
        rc = LN_EEXIST;
    }
    int64_t ratings[NQ];
    const char *texts[NQ];
    for (int i = 0; rc == LN_OK && i < NQ; i++) {
        const char *msg = check_answer(&questions[i], in->values[i], &ratings[i], &texts[i]);
        if (msg) {
            *field = questions[i].code;
            *why = msg;
            rc = LN_EINVAL;
        }
    }
    if (rc != LN_OK) {
        arena_free(a);
        return rc;
    }
    json_t *answers = json_object();
    for (int i = 0; i < NQ; i++) {
        if (ratings[i] >= 0) json_object_set_new(answers, questions[i].code, json_integer(ratings[i]));
        else if (texts[i]) json_object_set_new(answers, questions[i].code, json_string(texts[i]));
    }
    int64_t id = 0, seq = 0;
    if (db_begin(db) != DB_DONE) rc = LN_EDB;
    else {
        int q = db_query_i64(db, &id, "INSERT INTO survey_response (survey_id, user_id, submitted_at) VALUES ($1, $2, $3)"
                                      " RETURNING id", "iii", s.id, user_id, now);
        rc = q == DB_ROW ? LN_OK : q == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
        for (int i = 0; rc == LN_OK && i < NQ; i++) {
            if (ratings[i] < 0 && !texts[i]) continue;
            DbStmt *st = db_prepare(db, "INSERT INTO survey_answer (response_id, question, rating, answer_text)"
                                        " VALUES ($1, $2, $3, $4)");
            if (!st) {
                rc = LN_EDB;
                break;
            }
            db_bind_i64(st, 1, id);
            db_bind_text(st, 2, questions[i].code);
            if (ratings[i] >= 0) db_bind_i64(st, 3, ratings[i]);
            else db_bind_null(st, 3);
            db_bind_text(st, 4, texts[i]);
            if (db_step(st) != DB_DONE) rc = LN_EDB;
            db_done(st);
        }
        json_t *p = rc == LN_OK ? json_pack("{s:I, s:I, s:I, s:I, s:O}", "response_id", (json_int_t)id, "run_id",
                                            (json_int_t)run_id, "survey_id", (json_int_t)s.id, "user_id",
                                            (json_int_t)user_id, "answers", answers) : NULL;
        if (rc == LN_OK)
            rc = p ? ledger_append(db, s.org_id, "survey.response",
                                   arena_printf(a, "run:%lld survey:%lld user:%lld", (long long)run_id, (long long)s.id,
                                                (long long)user_id), p, now, &seq) : LN_EINVAL;
        json_decref(p);
        if (rc == LN_OK && db_run(db, "UPDATE survey_response SET ledger_seq = $1 WHERE id = $2", "ii", seq, id) != DB_DONE)
            rc = LN_EDB;
        rc = db_end(db, rc);
    }
    json_decref(answers);
    if (rc == LN_EEXIST) *why = "You have answered this questionnaire already. Thank you!";
    else if (rc != LN_OK) *why = "Your answers could not be saved. Try again.";
    arena_free(a);
    return rc;
}

/* ---- results --------------------------------------------------------------- */

int survey_results(Db *db, Arena *a, const Survey *s, SurveyResults *out)
{
    memset(out, 0, sizeof *out);
    if (db_query_i64(db, &out->learners, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'", "i",
                     s->run_id) != DB_ROW
        || db_query_i64(db, &out->responses, "SELECT count(*) FROM survey_response WHERE survey_id = $1", "i", s->id)
               != DB_ROW)
        return LN_EDB;
    out->stats = arena_alloc(a, NQ * sizeof *out->stats);
    for (int i = 0; i < NQ; i++) out->stats[i] = (SurveyStat){.q = &questions[i], .avg_milli = -1};
    out->nstats = NQ;
    DbStmt *st = db_prepare(db, "SELECT a.question, a.rating, count(*) FROM survey_answer a JOIN survey_response p"
                                " ON p.id = a.response_id WHERE p.survey_id = $1 AND a.rating IS NOT NULL"
                                " GROUP BY a.question, a.rating");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, s->id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t v = db_col_i64(st, 1), n = db_col_i64(st, 2);
        for (int i = 0; i < NQ; i++)
            if (str_eq(questions[i].code, db_col_text(st, 0)) && v >= 0 && v <= 5) {
                out->stats[i].dist[v] += n;
                out->stats[i].answers += n;
            }
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    for (int i = 0; i < NQ; i++) {
        SurveyStat *x = &out->stats[i];
        if (questions[i].kind != SQ_RATING || !x->answers) continue;
        int64_t sum = 0;
        for (int v = 1; v <= 5; v++) sum += v * x->dist[v];
        x->avg_milli = (sum * 1000 + x->answers / 2) / x->answers;
    }
    int cap = 0;
    st = db_prepare(db, "SELECT a.question, a.answer_text, p.submitted_at FROM survey_answer a JOIN survey_response p"
                        " ON p.id = a.response_id WHERE p.survey_id = $1 AND a.answer_text IS NOT NULL"
                        " ORDER BY p.submitted_at, p.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, s->id);
    while ((rc = db_step(st)) == DB_ROW) {
        out->comments = arena_grow(a, out->comments, out->ncomments, &cap, sizeof *out->comments);
        out->comments[out->ncomments++] = (SurveyComment){db_col_dup(st, 0, a), db_col_dup(st, 1, a), db_col_i64(st, 2)};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int survey_org_list(Db *db, Arena *a, int64_t org_id, SurveySummaryList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db,
        "SELECT s.run_id, r.title, c.title, s.opened_at, COALESCE(s.closed_at, 0),"
        " (SELECT count(*) FROM enrolment e WHERE e.run_id = s.run_id AND e.status = 'active'),"
        " (SELECT count(*) FROM survey_response p WHERE p.survey_id = s.id),"
        " (SELECT COALESCE(sum(a.rating), 0) FROM survey_answer a JOIN survey_response p ON p.id = a.response_id"
        "  WHERE p.survey_id = s.id AND a.question = 'overall'),"
        " (SELECT count(*) FROM survey_answer a JOIN survey_response p ON p.id = a.response_id"
        "  WHERE p.survey_id = s.id AND a.question = 'overall'),"
        " (SELECT COALESCE(sum(a.rating), 0) FROM survey_answer a JOIN survey_response p ON p.id = a.response_id"
        "  WHERE p.survey_id = s.id AND a.question = 'recommend'),"
        " (SELECT count(*) FROM survey_answer a JOIN survey_response p ON p.id = a.response_id"
        "  WHERE p.survey_id = s.id AND a.question = 'recommend')"
        " FROM survey s JOIN course_run r ON r.id = s.run_id JOIN course c ON c.id = r.course_id"
        " WHERE s.org_id = $1 ORDER BY s.opened_at DESC, s.id DESC LIMIT $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, SURVEY_LIST_MAX);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        out->items[out->n++] = (SurveySummary){
            .run_id = db_col_i64(st, 0), .run_title = db_col_dup(st, 1, a), .course_title = db_col_dup(st, 2, a),
            .opened_at = db_col_i64(st, 3), .closed_at = db_col_i64(st, 4), .learners = db_col_i64(st, 5),
            .responses = db_col_i64(st, 6), .overall_sum = db_col_i64(st, 7), .overall_n = db_col_i64(st, 8),
            .recommend_yes = db_col_i64(st, 9), .recommend_n = db_col_i64(st, 10)};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int survey_csv(Db *db, Arena *a, const Survey *s, Buf *out)
{
    const char *head[3 + NQ];
    head[0] = "submitted_at";
    head[1] = "learner";
    head[2] = "email";
    for (int i = 0; i < NQ; i++) head[3 + i] = questions[i].code;
    csv_row(out, head, 3 + NQ);
    DbStmt *st = db_prepare(db, "SELECT p.id, p.submitted_at, u.name, u.email, a.question, a.rating, a.answer_text"
                                " FROM survey_response p JOIN app_user u ON u.id = p.user_id"
                                " LEFT JOIN survey_answer a ON a.response_id = p.id WHERE p.survey_id = $1"
                                " ORDER BY p.submitted_at, p.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, s->id);
    const char *row[3 + NQ];
    int64_t cur = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (db_col_i64(st, 0) != cur) {
            if (cur) csv_row(out, row, 3 + NQ);
            cur = db_col_i64(st, 0);
            row[0] = time_iso(a, db_col_i64(st, 1));
            row[1] = db_col_dup(st, 2, a);
            row[2] = db_col_dup(st, 3, a);
            for (int i = 0; i < NQ; i++) row[3 + i] = "";
        }
        for (int i = 0; i < NQ; i++) {
            if (!str_eq(questions[i].code, db_col_text(st, 4))) continue;
            if (db_col_is_null(st, 5)) row[3 + i] = db_col_dup(st, 6, a);
            else if (questions[i].kind == SQ_YESNO) row[3 + i] = db_col_i64(st, 5) ? "yes" : "no";
            else row[3 + i] = arena_printf(a, "%lld", (long long)db_col_i64(st, 5));
        }
    }
    if (cur) csv_row(out, row, 3 + NQ);
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

void survey_tick(App *app, Db *db)
{
    static _Atomic int64_t last;
    UsTime now = time_now_us();
    if (!tick_due(&last, now, 60 * US_PER_SEC)) return;
    char buf[300];
    const char *base = app_base_url(app, buf, sizeof buf);
    survey_open_due(db, base, now);
    survey_remind_due(db, base, now);
}
