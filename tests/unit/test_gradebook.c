/* test_gradebook.c — grading essays, overrides with their reason, fixing a
 * key and regrading, the gradebook (policies, weights, pass/fail, filter and
 * sort, the course completion rule on grades) and item analysis.  Answers
 * and attempts must never change; every decision is in the ledger.
 * Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "assess/gradebook.h"
#include "assess/gift.h"
#include "assess/peer.h"
#include "account/account.h"
#include "evidence/ledger.h"
#include "org/org.h"

#include <math.h>
#include <sodium.h>

static Db *db;
static int64_t org, users[4], trainer;
static Arena *arena;
static int ncourse;

typedef struct Fix { Course course; RunRef run; int64_t section; } Fix;

static int setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    arena = arena_new();
    char slug[48];
    snprintf(slug, sizeof slug, "gb-%d", (int)getpid());
    UsTime now = time_now_us();
    if (org_create(db, slug, "Gradebook", false, now, &org) != LN_OK) return -1;
    const char *names[] = {"Ana Bel", "Émile Zola", "Chloé Dupont", "Denis Roy"};
    for (int i = 0; i < 4; i++) {
        char email[64];
        snprintf(email, sizeof email, "u%d-%d@gb.test", i, (int)getpid());
        if (user_create(db, email, names[i], "a-long-password", "en", false, now, &users[i]) != LN_OK) return -1;
    }
    char email[64];
    snprintf(email, sizeof email, "trainer-%d@gb.test", (int)getpid());
    return user_create(db, email, "Tra Iner", "a-long-password", "en", false, now, &trainer) == LN_OK ? 0 : -1;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

/* A course, its run and `enrolled` of the users enrolled. */
static void fixture(Fix *f, int enrolled)
{
    UsTime now = time_now_us();
    int64_t cid = 0, rid = 0;
    char *code = arena_printf(arena, "GB-%d", ++ncourse);
    CourseInput in = {.code = code, .title = "Grades", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "Only", .release_days = -1};
    assert_int_equal(course_create(db, org, &in, 0, now, &cid), LN_OK);
    assert_int_equal(course_load(db, arena, cid, &f->course), LN_OK);
    assert_int_equal(run_create(db, &f->course, "Run", "mooc", now, 0, 0, now, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &f->run), LN_OK);
    for (int i = 0; i < enrolled; i++) assert_int_equal(enrol_insert(db, &f->run, users[i], now), LN_OK);
    assert_int_equal(section_create(db, &f->course, &si, now, &f->section), LN_OK);
}

static int64_t add_quiz(Fix *f, const char *title, const char *gift, int64_t pass_mark, const char *policy)
{
    UnitInput in = {.kind = "quiz", .title = title, .section_id = f->section, .minutes = 5, .duration_s = -1,
                    .threshold = -1, .required = 1};
    int64_t id = 0;
    assert_int_equal(unit_create(db, &f->course, &in, time_now_us(), &id), LN_OK);
    ItemBank bank;
    GiftError ge;
    assert_int_equal(gift_parse(arena, gift, strlen(gift), &bank, &ge), LN_OK);
    assert_int_equal(quiz_items_replace(db, org, id, &bank, time_now_us()), LN_OK);
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.pass_mark = pass_mark;
    if (policy) qs.grade_policy = policy;
    assert_int_equal(quiz_settings_set(db, org, id, &qs, time_now_us()), LN_OK);
    return id;
}

static int64_t count(const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, "i", id), DB_ROW);
    return n;
}

/* Take quiz `unit` as `user`: each choice item answered with the choice
 * whose text is `pick`, essays with `essay` (NULL: unanswered). */
static Attempt take(Fix *f, int64_t unit, int64_t user, const char *pick, const char *essay, UsTime now,
                    QuizResult *res)
{
    Attempt at;
    bool resumed;
    QuizRefusal why;
    const char *err = NULL;
    assert_int_equal(quiz_start(db, arena, &f->run, unit, user, now, &at, &resumed, &why), LN_OK);
    Item *items;
    assert_int_equal(quiz_attempt_items(db, arena, &at, &items), LN_OK);
    json_t *all = json_object();
    for (int i = 0; i < at.nshown; i++) {
        const Shown *s = &at.shown[i];
        json_t *j = NULL;
        if (items[i].type == ITEM_ESSAY && essay) j = json_pack("{s:s}", "text", essay);
        if (items[i].type == ITEM_SINGLE)
            for (int p = 0; p < s->norder; p++)
                if (str_eq(items[i].choices[s->order[p]].text, pick)) j = json_pack("{s:i}", "choice", p);
        if (j) json_object_set_new(all, arena_printf(arena, "%lld", (long long)s->id), j);
    }
    QuizSettings qs;
    assert_int_equal(quiz_settings_get(db, arena, unit, &qs), LN_OK);
    assert_int_equal(quiz_submit(db, arena, &f->run, &qs, &at, all, now + 1, res, &why, &err), LN_OK);
    json_decref(all);
    return at;
}

static int64_t done_in(int64_t run, int64_t user)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2"
                                          " AND completed_at IS NOT NULL", "ii", run, user), DB_ROW);
    return n;
}

static const GbRow *row_of(const Gradebook *g, int64_t user)
{
    for (int i = 0; i < g->n; i++)
        if (g->rows[i].user_id == user) return &g->rows[i];
    fail_msg("no row for user %lld", (long long)user);
    return NULL;
}

static int64_t essay_item(const Attempt *at)
{
    Item *items;
    assert_int_equal(quiz_attempt_items(db, arena, at, &items), LN_OK);
    for (int i = 0; i < at->nshown; i++)
        if (items[i].type == ITEM_ESSAY) return at->shown[i].id;
    return 0;
}

/* ---- essays --------------------------------------------------------------- */

static void test_grade_essay(void **state)
{
    Fix f;
    fixture(&f, 2);
    int64_t unit = add_quiz(&f, "Essay", "::Cap::Capital of France? {=Paris ~Lyon}\n\n::Essay::Tell us. {}\n", 600, NULL);
    UsTime now = time_now_us();
    QuizResult res;
    Attempt at = take(&f, unit, users[0], "Paris", "France is a country.", now, &res);
    assert_int_equal(res.score, 500);
    assert_int_equal(res.pending, 1);
    assert_false(res.passed);
    int64_t essay = essay_item(&at);

    GbPending *p;
    int n;
    assert_int_equal(gb_pending(db, arena, f.run.id, 50, &p, &n), LN_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].attempt_id, at.id);
    assert_string_equal(p[0].answer, "France is a country.");

    GbOutcome out;
    /* Refused: out of range, not an essay, another run's attempt. */
    assert_int_equal(gb_grade_answer(db, arena, &f.run, at.id, essay, 1001, "", trainer, now + 5, &out), LN_EINVAL);
    assert_int_equal(gb_grade_answer(db, arena, &f.run, at.id, at.shown[0].id == essay ? at.shown[1].id : at.shown[0].id,
                                     500, "", trainer, now + 5, &out), LN_NOTFOUND);
    Fix other;
    fixture(&other, 0);
    assert_int_equal(gb_grade_answer(db, arena, &other.run, at.id, essay, 500, "", trainer, now + 5, &out), LN_NOTFOUND);

    assert_int_equal(gb_grade_answer(db, arena, &f.run, at.id, essay, 1000, "Well argued.", trainer, now + 10, &out),
                     LN_OK);
    assert_int_equal(out.previous, 500);
    assert_int_equal(out.score, 1000);
    assert_int_equal(out.pending, 0);
    assert_true(out.passed);
    assert_true(out.completed);
    assert_int_equal(count("SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL", unit), 1);
    /* The attempt and its answers are as submitted. */
    assert_int_equal(count("SELECT score FROM attempt WHERE id = $1", at.id), 500);
    assert_int_equal(count("SELECT pending FROM attempt WHERE id = $1", at.id), 1);
    assert_int_equal(count("SELECT count(*) FROM attempt_answer WHERE attempt_id = $1 AND score IS NULL", at.id), 1);
    assert_int_equal(count("SELECT count(*) FROM answer_grade WHERE attempt_id = $1", at.id), 1);
    assert_int_equal(count("SELECT count(*) FROM attempt_rescore WHERE attempt_id = $1 AND ledger_seq IS NOT NULL",
                           at.id), 1);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.grade'", org), 1);
    assert_int_equal(gb_pending(db, arena, f.run.id, 50, &p, &n), LN_OK);
    assert_int_equal(n, 0);

    /* Graded again: a new row naming the first; the gradebook follows. */
    assert_int_equal(gb_grade_answer(db, arena, &f.run, at.id, essay, 0, "On second reading.", trainer, now + 20, &out),
                     LN_OK);
    assert_int_equal(out.previous, 1000);
    assert_int_equal(out.score, 500);
    assert_int_equal(count("SELECT count(*) FROM answer_grade WHERE attempt_id = $1 AND replaces IS NOT NULL", at.id), 1);
    Gradebook g;
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    assert_int_equal(g.nq, 1);
    assert_int_equal(row_of(&g, users[0])->cells[0].grade, 500);
    assert_int_equal(row_of(&g, users[1])->cells[0].grade, -1);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* ---- overrides ---------------------------------------------------------------- */

static void test_override(void **state)
{
    Fix f;
    fixture(&f, 2);
    int64_t unit = add_quiz(&f, "Over", "::Cap::Capital of France? {=Paris ~Lyon}\n", 800, NULL);
    UsTime now = time_now_us();
    QuizResult res;
    Attempt at = take(&f, unit, users[0], "Lyon", NULL, now, &res);
    assert_int_equal(res.score, 0);
    GbOutcome out;
    assert_int_equal(gb_override(db, arena, &f.run, unit, users[0], 0, 900, "", trainer, now, &out), LN_EINVAL);
    assert_int_equal(gb_override(db, arena, &f.run, unit, users[0], 0, 1001, "x", trainer, now, &out), LN_EINVAL);
    assert_int_equal(gb_override(db, arena, &f.run, unit, users[2], 0, 900, "not enrolled", trainer, now, &out),
                     LN_NOTFOUND);
    Fix other;
    fixture(&other, 1);
    assert_int_equal(gb_override(db, arena, &other.run, unit, users[0], 0, 900, "other course", trainer, now, &out),
                     LN_NOTFOUND);

    assert_int_equal(gb_override(db, arena, &f.run, unit, users[0], 0, 900, "Paper exam instead", trainer, now + 1, &out),
                     LN_OK);
    assert_int_equal(out.previous, 0);
    assert_int_equal(out.score, 900);
    assert_true(out.passed);
    assert_true(out.completed);
    assert_int_equal(gb_override(db, arena, &f.run, unit, users[0], 0, 700, "Typo in the first", trainer, now + 2, &out),
                     LN_OK);
    assert_int_equal(out.previous, 900);
    Gradebook g;
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    assert_int_equal(row_of(&g, users[0])->cells[0].grade, 700);
    assert_true(row_of(&g, users[0])->cells[0].overridden);
    assert_int_equal(count("SELECT count(*) FROM grade_override WHERE user_id = $1 AND replaces IS NOT NULL", users[0]), 1);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.override'", org), 2);
    /* The second entry corrects the first. */
    int64_t corrects = 0;
    assert_int_equal(db_query_i64(db, &corrects, "SELECT count(*) FROM ledger_entry WHERE org_id = $1"
                                                 " AND kind = 'assessment.override' AND payload LIKE '%\"corrects\"%'",
                                  "i", org), DB_ROW);
    assert_int_equal(corrects, 1);
    /* One attempt's override: applies under the quiz-level one. */
    assert_int_equal(gb_override(db, arena, &f.run, unit, users[0], at.id + 100000, 500, "no such", trainer, now, &out),
                     LN_NOTFOUND);
    assert_int_equal(gb_override(db, arena, &f.run, unit, users[0], at.id, 400, "Scan misread", trainer, now + 3, &out),
                     LN_OK);
    assert_int_equal(out.previous, 0);
    assert_int_equal(count("SELECT score FROM attempt WHERE id = $1", at.id), 0);
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    assert_int_equal(row_of(&g, users[0])->cells[0].grade, 700);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* ---- fixing a key, regrading ---------------------------------------------------- */

static void test_regrade(void **state)
{
    Fix f;
    fixture(&f, 3);
    int64_t unit = add_quiz(&f, "Key", "::Sum::Two and two? {=five ~four ~three}\n", 1000, NULL);
    UsTime now = time_now_us();
    QuizResult res;
    Attempt a0 = take(&f, unit, users[0], "four", NULL, now, &res);
    assert_int_equal(res.score, 0);
    take(&f, unit, users[1], "five", NULL, now, &res);
    assert_int_equal(res.score, 1000);
    take(&f, unit, users[2], "four", NULL, now, &res);
    int64_t old_id = a0.shown[0].id;

    ItemBank fixed, other;
    GiftError ge;
    const char *err = NULL;
    const char *good = "::Sum::Two and two? {~five =four ~three}\n", *bad = "::Sum::Two and two? {=4}\n";
    assert_int_equal(gift_parse(arena, good, strlen(good), &fixed, &ge), LN_OK);
    assert_int_equal(gift_parse(arena, bad, strlen(bad), &other, &ge), LN_OK);
    int64_t new_id = 0;
    assert_int_equal(gb_fix_key(db, arena, org, unit, old_id, &other.items[0], "wrong", trainer, now, &new_id, &err),
                     LN_EINVAL);
    assert_int_equal(gb_fix_key(db, arena, org, unit, old_id, &fixed.items[0], "", trainer, now, &new_id, &err),
                     LN_EINVAL);
    assert_int_equal(gb_fix_key(db, arena, org, unit, old_id, &fixed.items[0], "The key said five", trainer, now + 5,
                                &new_id, &err), LN_OK);
    assert_int_equal(gb_fix_key(db, arena, org, unit, old_id, &fixed.items[0], "again", trainer, now + 5, &new_id, &err),
                     LN_NOTFOUND);     /* retired: fix the current version */
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.key_fixed'", org), 1);
    QuizItems cur;
    assert_int_equal(quiz_items_load(db, arena, unit, &cur), LN_OK);
    assert_int_equal(cur.n, 1);
    assert_int_equal(cur.items[0].id, new_id);

    GbOutcome out;
    assert_int_equal(gb_regrade(db, arena, org, unit, new_id, "", trainer, now + 6, &out), LN_EINVAL);
    assert_int_equal(gb_regrade(db, arena, org + 1000000, unit, new_id, "x", trainer, now + 6, &out), LN_NOTFOUND);
    assert_int_equal(gb_regrade(db, arena, org, unit, new_id, "The key said five", trainer, now + 6, &out), LN_OK);
    assert_int_equal(out.changed, 3);
    assert_int_equal(count("SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL", unit), 3);
    Gradebook g;
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    assert_int_equal(row_of(&g, users[0])->cells[0].grade, 1000);
    assert_int_equal(row_of(&g, users[1])->cells[0].grade, 0);
    assert_int_equal(row_of(&g, users[2])->cells[0].grade, 1000);
    /* The original answers and scores stay. */
    assert_int_equal(count("SELECT score FROM attempt WHERE id = $1", a0.id), 0);
    assert_int_equal(count("SELECT score FROM attempt_answer WHERE attempt_id = $1", a0.id), 0);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.regrade'", org), 3);
    assert_int_equal(count("SELECT count(*) FROM attempt_rescore WHERE unit_id = $1 AND reason = 'The key said five'",
                           unit), 3);
    /* Nothing left to change. */
    assert_int_equal(gb_regrade(db, arena, org, unit, new_id, "again", trainer, now + 7, &out), LN_OK);
    assert_int_equal(out.changed, 0);

    /* Item analysis: the fixed key counts; picks per choice. */
    GbAnalysis an;
    assert_int_equal(gb_analysis(db, arena, f.run.id, unit, &an), LN_OK);
    assert_int_equal(an.attempts, 3);
    assert_int_equal(an.n, 1);
    assert_int_equal(an.items[0].answers, 3);
    assert_true(fabs(an.items[0].difficulty - 2.0 / 3.0) < 1e-9);
    assert_non_null(an.items[0].picks);
    assert_int_equal(an.items[0].picks[1], 2);     /* "four" */
    assert_int_equal(an.items[0].picks[0], 1);     /* "five" */
    assert_true(an.items[0].retired);               /* the attempts showed the old version */
    assert_int_equal(an.items[0].current_id, new_id);  /* ... whose key was fixed */
    assert_true(fabs(an.items[0].discrimination - 1.0) < 1e-9);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* ---- the gradebook ----------------------------------------------------------------- */

static void test_gradebook(void **state)
{
    Fix f;
    fixture(&f, 4);
    int64_t q1 = add_quiz(&f, "First", "::A::Capital of France? {=Paris ~Lyon}\n", 0, "best");
    int64_t q2 = add_quiz(&f, "Second", "::B::Capital of France? {=Paris ~Lyon}\n\n::C::Capital of Italy? {=Rome ~Milan}\n",
                          0, "average");
    assert_int_equal(gb_weight_set(db, org, f.course.id, q2, 3000, time_now_us()), LN_OK);
    assert_int_equal(gb_weight_set(db, org, f.course.id, q2, -1, time_now_us()), LN_EINVAL);
    assert_int_equal(gb_weight_set(db, org, f.course.id + 1000000, q2, 10, time_now_us()), LN_NOTFOUND);
    GbSettings s = {.pass_mark = 600, .require_grade = true};
    assert_int_equal(gb_settings_set(db, org, f.course.id, &s, time_now_us()), LN_OK);
    UsTime now = time_now_us();
    QuizResult res;
    /* Ana: q1 right, q2 right then wrong (average 500).  Émile: q1 wrong, q2 right. */
    take(&f, q1, users[0], "Paris", NULL, now, &res);
    take(&f, q2, users[0], "Paris", NULL, now + 10, &res);    /* B right, C unanswered: 500 */
    assert_int_equal(res.score, 500);
    take(&f, q2, users[0], "Lyon", NULL, now + 20, &res);     /* 0 */
    take(&f, q1, users[1], "Lyon", NULL, now, &res);
    take(&f, q2, users[1], "Paris", NULL, now, &res);
    Gradebook g;
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    assert_int_equal(g.nq, 2);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.quizzes[1].weight, 3000);
    const GbRow *ana = row_of(&g, users[0]), *emile = row_of(&g, users[1]);
    assert_int_equal(ana->cells[0].grade, 1000);
    assert_int_equal(ana->cells[1].grade, 250);
    assert_int_equal(ana->cells[1].attempts, 2);
    /* (1000 × 1000 + 3000 × 250) / 4000 = 437.5 → 437 (halves down) */
    assert_int_equal(ana->grade, 437);
    assert_false(ana->passed);
    assert_int_equal(emile->grade, 375);
    assert_int_equal(row_of(&g, users[3])->grade, 0);
    assert_int_equal(row_of(&g, users[3])->cells[0].grade, -1);
    /* Ana's course completed with her first try at the second quiz (625);
     * Émile has every unit done, but the course asks for 60 %. */
    assert_int_equal(count("SELECT count(*) FROM enrolment WHERE run_id = $1 AND completed_at IS NOT NULL", f.run.id), 1);
    assert_int_equal(done_in(f.run.id, users[1]), 0);
    bool met = true;
    assert_int_equal(gradebook_rule_met(db, &f.run, users[1], &met), LN_OK);
    assert_false(met);
    /* An override lifts Émile's first quiz: (1000 + 1500) / 4 = 625, the course completes. */
    GbOutcome out;
    assert_int_equal(gb_override(db, arena, &f.run, q1, users[1], 0, 1000, "Oral exam", trainer, now + 30, &out), LN_OK);
    assert_true(out.course_done);
    assert_int_equal(done_in(f.run.id, users[1]), 1);

    /* Filter, search, sort. */
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    gradebook_filter(&g, arena, NULL, "passed", NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].user_id, users[1]);
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    gradebook_filter(&g, arena, "emile", NULL, NULL);           /* accents folded */
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].user_id, users[1]);
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    gradebook_filter(&g, arena, NULL, "failed", "grade");
    assert_int_equal(g.n, 3);
    assert_int_equal(g.rows[0].user_id, users[0]);             /* highest first: 437 */
    assert_int_equal(g.rows[1].user_id, users[2]);             /* 0 and 0: by name */
    assert_int_equal(g.rows[2].user_id, users[3]);
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    gradebook_filter(&g, arena, NULL, NULL, "-name");
    assert_string_equal(g.rows[0].name, "Émile Zola");
    /* One learner only. */
    assert_int_equal(gradebook_load(db, arena, &f.run, users[1], &g), LN_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].grade, 625);
}

/* ---- peer-assessed assignments as columns ---------------------------------------------- */

#define PT0 INT64_C(1800000000000000)       /* a fixed moment (2027-01-15) */
#define PHOUR (INT64_C(3600) * US_PER_SEC)

/* An assignment unit with one criterion of 0..4 points, K = 2, reviews
 * withheld from those who review nothing. */
static PeerSettings add_assignment(Fix *f, const char *title)
{
    UnitInput in = {.kind = "assignment", .title = title, .section_id = f->section, .minutes = 30, .duration_s = -1,
                    .threshold = -1, .required = 1};
    PeerSettings ps;
    peer_settings_default(&ps);
    assert_int_equal(unit_create(db, &f->course, &in, PT0, &ps.unit_id), LN_OK);
    ps.submit_by = PT0 + PHOUR;
    ps.review_by = PT0 + 2 * PHOUR;
    ps.reviewers = 2;
    ps.no_review_policy = "withhold";
    json_t *j = json_loads("{\"criteria\": [{\"title\": \"Quality\", \"levels\": [{\"title\": \"0\", \"points\": 0},"
                           " {\"title\": \"1\", \"points\": 1}, {\"title\": \"2\", \"points\": 2},"
                           " {\"title\": \"3\", \"points\": 3}, {\"title\": \"4\", \"points\": 4}]}]}", 0, NULL);
    const char *err;
    assert_int_equal(peer_rubric_from_json(arena, j, &ps.rubric, &err), LN_OK);
    json_decref(j);
    assert_int_equal(peer_settings_set(db, org, &ps, PT0), LN_OK);
    assert_int_equal(peer_settings_get(db, arena, ps.unit_id, &ps), LN_OK);
    return ps;
}

static void test_peer_column(void **state)
{
    Fix f;
    fixture(&f, 4);
    int64_t q1 = add_quiz(&f, "Quiz", "::A::Capital of France? {=Paris ~Lyon}\n", 0, "best");
    PeerSettings ps = add_assignment(&f, "Essay");
    assert_int_equal(gb_weight_set(db, org, f.course.id, ps.unit_id, 3000, time_now_us()), LN_OK);
    assert_true(gb_graded_unit(db, f.course.id, ps.unit_id));
    QuizResult res;
    take(&f, q1, users[0], "Paris", NULL, time_now_us(), &res);

    /* Before any grade: the column is there, every cell empty. */
    Gradebook g;
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    assert_int_equal(g.nq, 2);
    assert_false(g.quizzes[0].peer);
    assert_true(g.quizzes[1].peer);
    assert_string_equal(g.quizzes[1].policy, "peer");
    assert_int_equal(g.quizzes[1].weight, 3000);
    assert_int_equal(row_of(&g, users[0])->cells[1].grade, -1);
    /* (1000 × 1000 + 3000 × 0) / 4000 */
    assert_int_equal(row_of(&g, users[0])->grade, 250);

    /* Three learners submit; each reviews the two others (K = 2 of 3),
     * except users[2], who reviews nothing. */
    PeerSubmission sub;
    PeerRefusal why;
    for (int i = 0; i < 3; i++)
        assert_int_equal(peer_submit(db, arena, &f.run, &ps, users[i], "My essay", NULL, 0, PT0 + i, &sub, &why), LN_OK);
    assert_int_equal(peer_allocate_run(db, &f.run, &ps, 7, PT0 + PHOUR + 1, NULL), LN_OK);
    for (int i = 0; i < 2; i++) {
        PeerTask *t;
        int n;
        assert_int_equal(peer_tasks(db, arena, ps.unit_id, f.run.id, users[i], &t, &n), LN_OK);
        assert_int_equal(n, 2);
        for (int k = 0; k < n; k++) {
            /* users[0] gives users[1] 2 of 4 and users[2] 4; users[1] gives users[0] 3 and users[2] 4 */
            int level = t[k].author_id == users[2] ? 4 : i == 0 ? 2 : 3;
            int64_t rid;
            const char *err = NULL;
            assert_int_equal(peer_review_submit(db, arena, &f.run, &ps, &t[k], users[i], &level, 1, "", PT0 + PHOUR + 2,
                                                &rid, &why, &err), LN_OK);
        }
    }
    assert_int_equal(peer_due(db, &f.run, &ps, PT0 + 2 * PHOUR + 1), LN_OK);     /* grades recorded */

    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    const GbRow *a = row_of(&g, users[0]), *b = row_of(&g, users[1]), *c = row_of(&g, users[2]),
                *d = row_of(&g, users[3]);
    assert_int_equal(a->cells[1].grade, 750);
    assert_int_equal(a->cells[1].attempts, 1);                  /* reviews counted */
    assert_false(a->cells[1].overridden);
    /* (1000 × 1000 + 3000 × 750) / 4000 = 812.5 → 812 (halves down) */
    assert_int_equal(a->grade, 812);
    assert_int_equal(b->cells[1].grade, 500);
    assert_int_equal(b->grade, 375);
    /* users[2] was given 1000 but reviewed nothing: withheld, counts 0 */
    assert_true(c->cells[1].withheld);
    assert_int_equal(c->cells[1].grade, -1);
    assert_int_equal(c->grade, 0);
    assert_false(c->passed);
    /* users[3] submitted nothing: no grade */
    assert_int_equal(d->cells[1].grade, -1);
    assert_false(d->cells[1].withheld);

    /* A trainer's override (peer_override) is what the gradebook shows, for
     * everybody and for the learner alone. */
    PeerGrade pg;
    assert_int_equal(peer_override(db, &f.run, ps.unit_id, users[2], 800, "Was ill during the reviews", trainer,
                                   PT0 + 3 * PHOUR, &pg), LN_OK);
    assert_int_equal(gradebook_load(db, arena, &f.run, users[2], &g), LN_OK);
    assert_int_equal(g.n, 1);
    assert_false(g.rows[0].cells[1].withheld);
    assert_true(g.rows[0].cells[1].overridden);
    assert_int_equal(g.rows[0].cells[1].grade, 800);
    assert_int_equal(g.rows[0].grade, 600);                     /* 3000 × 800 / 4000 */
    assert_true(g.rows[0].passed);
    /* A weight of 0 leaves the assignment out. */
    assert_int_equal(gb_weight_set(db, org, f.course.id, ps.unit_id, 0, time_now_us()), LN_OK);
    assert_int_equal(gradebook_load(db, arena, &f.run, users[0], &g), LN_OK);
    assert_int_equal(g.rows[0].grade, 1000);
    /* The course completion rule counts the assignment. */
    assert_int_equal(gb_weight_set(db, org, f.course.id, ps.unit_id, 1000, time_now_us()), LN_OK);
    GbSettings s = {.pass_mark = 800, .require_grade = true};
    assert_int_equal(gb_settings_set(db, org, f.course.id, &s, time_now_us()), LN_OK);
    bool met = true;
    assert_int_equal(gradebook_rule_met(db, &f.run, users[0], &met), LN_OK);
    assert_true(met);                                           /* (1000 + 750) / 2 = 875 */
    assert_int_equal(gradebook_rule_met(db, &f.run, users[1], &met), LN_OK);
    assert_false(met);                                          /* 250 */
    /* users[1] takes the quiz: every unit done, but (1000 + 500) / 2 = 750 < 800
     * holds the course back; a peer override to 900 meets the rule and the
     * course completes then (not at the next heartbeat). */
    take(&f, q1, users[1], "Paris", NULL, time_now_us(), &res);
    assert_int_equal(done_in(f.run.id, users[1]), 0);
    assert_int_equal(peer_override(db, &f.run, ps.unit_id, users[1], 900, "Second marking", trainer, PT0 + 4 * PHOUR,
                                   &pg), LN_OK);
    assert_int_equal(done_in(f.run.id, users[1]), 1);
}

/* Many learners: the set-based gradebook gives every learner's grade.
 * LECTERN_GB_LEARNERS (default 500) sets how many; the time taken is
 * printed, never asserted. */
static void test_many(void **state)
{
    Fix f;
    fixture(&f, 0);
    int64_t q1 = add_quiz(&f, "Many 1", "::A::Capital of France? {=Paris ~Lyon}\n", 0, "best");
    int64_t q2 = add_quiz(&f, "Many 2", "::B::Capital of Italy? {=Rome ~Milan}\n", 0, "last");
    const char *env = getenv("LECTERN_GB_LEARNERS");
    int n = env ? atoi(env) : 500;
    if (n < 10) n = 10;
    UsTime now = time_now_us();
    assert_int_equal(db_begin(db), DB_DONE);
    for (int i = 0; i < n; i++) {
        int64_t uid = 0;
        char email[64], name[32];
        snprintf(email, sizeof email, "m%d-%d-%d@gb.test", ncourse, i, (int)getpid());
        snprintf(name, sizeof name, "Learner %05d", i);
        assert_int_equal(db_query_i64(db, &uid, "INSERT INTO app_user (email, name, created_at, updated_at)"
                                                " VALUES ($1, $2, $3, $3) RETURNING id", "tti", email, name, now), DB_ROW);
        assert_int_equal(db_run(db, "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at)"
                                    " VALUES ($1, $2, $3, 'active', $4)", "iiii", f.run.id, uid, org, now), DB_DONE);
        /* quiz 1: one attempt scoring i % 1001; quiz 2: two attempts, the last scoring 1000 - i % 1001 */
        int64_t s1 = i % 1001, s2 = 1000 - i % 1001;
        const char *ins = "INSERT INTO attempt (unit_id, run_id, user_id, org_id, number, items, started_at, submitted_at,"
                          " score, status) VALUES ($1, $2, $3, $4, $5, '[]', $6, $6, $7, 'submitted')";
        assert_int_equal(db_run(db, ins, "iiiiiii", q1, f.run.id, uid, org, (int64_t)1, now, s1), DB_DONE);
        /* the second attempt's row first: "last" goes by the attempt's number, not the row order */
        assert_int_equal(db_run(db, ins, "iiiiiii", q2, f.run.id, uid, org, (int64_t)2, now, s2), DB_DONE);
        assert_int_equal(db_run(db, ins, "iiiiiii", q2, f.run.id, uid, org, (int64_t)1, now, (int64_t)1000), DB_DONE);
    }
    assert_int_equal(db_commit(db), DB_DONE);
    UsTime t0 = time_mono_us();
    Gradebook g;
    assert_int_equal(gradebook_load(db, arena, &f.run, 0, &g), LN_OK);
    gradebook_filter(&g, arena, NULL, NULL, "grade");
    UsTime t1 = time_mono_us();
    fprintf(stderr, "    gradebook of %d learners, 2 quizzes, %d attempts: %.1f ms\n", n, 3 * n,
            (double)(t1 - t0) / 1000.0);
    assert_int_equal(g.n, n);
    for (int i = 0; i < g.n; i++) {
        const GbRow *w = &g.rows[i];
        int k = atoi(w->name + 8);
        assert_int_equal(w->cells[0].grade, k % 1001);
        assert_int_equal(w->cells[1].grade, 1000 - k % 1001);   /* "last" */
        assert_int_equal(w->grade, 500);                        /* (k + 1000 - k) / 2 */
        if (i) assert_true(g.rows[i - 1].grade >= w->grade);
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grade_essay),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_regrade),
        cmocka_unit_test(test_gradebook),
        cmocka_unit_test(test_peer_column),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
