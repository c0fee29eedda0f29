/* test_peer.c — peer assessment: the allocation as a pure function (nobody
 * reviews themselves, loads differ by at most one, deterministic for a
 * seed, small N), the median and mean, the rubric's checks; then on the
 * database: versions of a submission never changed, late policies,
 * allocation idempotent and fair with a late newcomer, reviews final, the
 * grade with its penalties, flags, overrides as new rows and ledger
 * corrections.  Fixed times, never the wall clock.  Runs on SQLite and
 * PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "assess/peer.h"
#include "assess/quiz.h"
#include "attendance/attendance.h"
#include "account/account.h"
#include "evidence/ledger.h"
#include "org/org.h"

/* ---- the pure part ------------------------------------------------------------ */

static void check_allocation(int n, int k, uint64_t seed)
{
    PeerPair *p = calloc((size_t)(n * (k + 1) + 1), sizeof *p);
    int m = peer_allocate(n, k, seed, p);
    int kk = n < 2 ? 0 : k < n - 1 ? k : n - 1;
    assert_int_equal(m, n * kk);
    int *load = calloc((size_t)n + 1, sizeof(int)), *recv = calloc((size_t)n + 1, sizeof(int));
    for (int i = 0; i < m; i++) {
        assert_true(p[i].reviewer != p[i].author);                 /* no self-review */
        assert_true(p[i].reviewer >= 0 && p[i].reviewer < n && p[i].author >= 0 && p[i].author < n);
        for (int j = 0; j < i; j++)                                /* no pair twice */
            assert_false(p[j].reviewer == p[i].reviewer && p[j].author == p[i].author);
        load[p[i].reviewer]++;
        recv[p[i].author]++;
    }
    int lo = m ? 1 << 30 : 0, hi = 0;
    for (int i = 0; i < n; i++) {
        if (load[i] < lo) lo = load[i];
        if (load[i] > hi) hi = load[i];
        assert_int_equal(recv[i], kk);                             /* K' reviews each */
    }
    assert_true(hi - lo <= 1);                                     /* balanced */
    /* deterministic for a seed */
    PeerPair *q = calloc((size_t)(n * (k + 1) + 1), sizeof *q);
    assert_int_equal(peer_allocate(n, k, seed, q), m);
    assert_memory_equal(p, q, sizeof *p * (size_t)m);
    free(p);
    free(q);
    free(load);
    free(recv);
}

static void test_allocate(void **state)
{
    for (int n = 0; n <= 12; n++)
        for (int k = 1; k <= 5; k++)
            for (uint64_t seed = 1; seed <= 5; seed++) check_allocation(n, k, seed * 7919);
    check_allocation(250, 3, 42);
    PeerPair p[4];
    assert_int_equal(peer_allocate(1, 3, 9, p), 0);                /* alone: nobody to review */
    assert_int_equal(peer_allocate(2, 3, 9, p), 2);                /* N <= K: each reviews the other */
    assert_true(p[0].reviewer == p[1].author && p[1].reviewer == p[0].author);
    /* another seed, another order (for these sizes) */
    PeerPair a[30], b[30];
    int na = peer_allocate(10, 3, 1, a), nb = peer_allocate(10, 3, 2, b);
    assert_int_equal(na, nb);
    assert_true(memcmp(a, b, sizeof a[0] * (size_t)na) != 0);
}

static void test_pick_least(void **state)
{
    int count[] = {3, 1, 2, 1, 0};
    int out[5];
    assert_int_equal(peer_pick_least(count, 5, 4, 2, 7, out), 2);
    /* 4 is excluded: the two with count 1 */
    assert_true((out[0] == 1 && out[1] == 3) || (out[0] == 3 && out[1] == 1));
    assert_int_equal(peer_pick_least(count, 5, -1, 1, 7, out), 1);
    assert_int_equal(out[0], 4);
    assert_int_equal(peer_pick_least(count, 5, -1, 9, 7, out), 5);
    assert_int_equal(out[4], 0);                                    /* the busiest last */
    int again[5];
    peer_pick_least(count, 5, -1, 9, 7, again);
    assert_memory_equal(out, again, sizeof out);
}

static void test_aggregate(void **state)
{
    int64_t s[] = {900, 100, 500, 700};
    assert_int_equal(peer_aggregate(s, 0, "median"), -1);
    assert_int_equal(peer_aggregate(s, 1, "median"), 900);
    assert_int_equal(peer_aggregate(s, 3, "median"), 500);          /* 100 500 900 */
    assert_int_equal(peer_aggregate(s, 4, "median"), 600);          /* (500 + 700) / 2 */
    assert_int_equal(peer_aggregate(s, 4, "mean"), 550);
    int64_t h[] = {1, 2};
    assert_int_equal(peer_aggregate(h, 2, "mean"), 1);              /* 1.5: halves down */
    assert_int_equal(peer_aggregate(h, 2, "median"), 1);
    int64_t o[] = {1000, 0, 0};
    assert_int_equal(peer_aggregate(o, 3, "median"), 0);            /* one outlier does not move a median */
    assert_int_equal(peer_aggregate(o, 3, "mean"), 333);
}

static void test_rubric(void **state)
{
    Arena *a = arena_new();
    PeerRubric r;
    const char *err = NULL;
    json_t *ok = json_loads("{\"criteria\": [{\"title\": \"Clarity\", \"levels\": [{\"title\": \"Poor\", \"points\": 0},"
                            " {\"title\": \"Good\", \"points\": 4}]}, {\"title\": \"Sources\", \"description\": \"cited\","
                            " \"levels\": [{\"title\": \"None\", \"points\": 0}, {\"title\": \"Some\", \"points\": 1},"
                            " {\"title\": \"All\", \"points\": 2}]}]}", 0, NULL);
    assert_int_equal(peer_rubric_from_json(a, ok, &r, &err), LN_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(peer_rubric_max(&r), 6);
    json_t *back = peer_rubric_to_json(&r);
    PeerRubric r2;
    assert_int_equal(peer_rubric_from_json(a, back, &r2, &err), LN_OK);
    assert_int_equal(r2.n, 2);
    assert_string_equal(r2.criteria[1].description, "cited");
    json_decref(back);
    json_decref(ok);
    static const char *const bad[] = {
        "[]x", "{\"criteria\": 3}", "{\"criteria\": [{\"levels\": []}]}",
        "{\"criteria\": [{\"title\": \"A\", \"levels\": [{\"title\": \"x\", \"points\": 1}]}]}",
        "{\"criteria\": [{\"title\": \"A\", \"levels\": [{\"title\": \"x\", \"points\": 1}, {\"title\": \"\", \"points\": 2}]}]}",
        "{\"criteria\": [{\"title\": \"A\", \"levels\": [{\"title\": \"x\", \"points\": -1}, {\"title\": \"y\", \"points\": 2}]}]}",
        "{\"criteria\": [{\"title\": \"A\", \"levels\": [{\"title\": \"x\", \"points\": 1.5}, {\"title\": \"y\", \"points\": 2}]}]}",
        "{\"criteria\": [{\"title\": \"A\", \"levels\": [{\"title\": \"x\", \"points\": 0}, {\"title\": \"y\", \"points\": 0}]}]}",
        "{\"criteria\": [{\"title\": \"A\", \"levels\": [{\"title\": \"x\", \"points\": 1001}, {\"title\": \"y\", \"points\": 2}]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        err = NULL;
        assert_int_equal(peer_rubric_from_json(a, j, &r, &err), LN_EINVAL);
        assert_non_null(err);
        json_decref(j);
    }
    arena_free(a);
}

/* ---- on the database ------------------------------------------------------------ */

static Db *db;
static Course course;
static int64_t org, section_id, users[6];
static RunRef run;
static Arena *arena;

#define T0 INT64_C(1800000000000000)        /* a fixed moment (2027-01-15) */
#define HOUR (INT64_C(3600) * US_PER_SEC)

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
    snprintf(slug, sizeof slug, "peer-%d", (int)getpid());
    int64_t cid = 0, run_id = 0;
    CourseInput in = {.code = "P-1", .title = "Peer rules", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "Only", .release_days = -1};
    if (org_create(db, slug, "Peer", false, T0, &org) != LN_OK || course_create(db, org, &in, 0, T0, &cid) != LN_OK
        || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Run", "mooc", T0, 0, 0, T0, &run_id) != LN_OK
        || run_ref(db, arena, org, run_id, &run) != LN_OK || section_create(db, &course, &si, T0, &section_id) != LN_OK)
        return -1;
    for (int i = 0; i < 6; i++) {
        char email[64];
        snprintf(email, sizeof email, "p%d-%d@peer.test", i, (int)getpid());
        if (user_create(db, email, "Peer Learner", "a-long-password", "en", false, T0, &users[i]) != LN_OK
            || enrol_insert(db, &run, users[i], T0) != LN_OK)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t count(const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, "i", id), DB_ROW);
    return n;
}

static void make_assignment(PeerSettings *ps, const char *late, int64_t k)
{
    UnitInput in = {.kind = "assignment", .title = "Essay", .section_id = section_id, .minutes = 30, .duration_s = -1,
                    .threshold = -1, .required = 1};
    int64_t id = 0;
    assert_int_equal(unit_create(db, &course, &in, T0, &id), LN_OK);
    peer_settings_default(ps);
    ps->unit_id = id;
    ps->instructions = "Write **an essay**.";
    ps->submit_by = T0 + 24 * HOUR;
    ps->review_by = T0 + 48 * HOUR;
    ps->reviewers = k;
    ps->late_policy = late;
    ps->late_penalty = 100;
    json_t *j = json_loads("{\"criteria\": [{\"title\": \"Clarity\", \"levels\": [{\"title\": \"Poor\", \"points\": 0},"
                           " {\"title\": \"Fair\", \"points\": 1}, {\"title\": \"Good\", \"points\": 2}]},"
                           " {\"title\": \"Sources\", \"levels\": [{\"title\": \"None\", \"points\": 0},"
                           " {\"title\": \"All\", \"points\": 2}]}]}", 0, NULL);
    const char *err;
    assert_int_equal(peer_rubric_from_json(arena, j, &ps->rubric, &err), LN_OK);
    json_decref(j);
    assert_int_equal(peer_settings_set(db, org, ps, T0), LN_OK);
    PeerSettings back;
    assert_int_equal(peer_settings_get(db, arena, id, &back), LN_OK);
    assert_int_equal(back.rubric.n, 2);
    assert_int_equal(back.reviewers, k);
    assert_string_equal(back.late_policy, late);
    *ps = back;
}

static void test_settings_checked(void **state)
{
    PeerSettings ps;
    peer_settings_default(&ps);
    const char *msg;
    assert_null(peer_settings_check(&ps, &msg));
    ps.reviewers = 0;
    assert_string_equal(peer_settings_check(&ps, &msg), "reviewers");
    ps.reviewers = 3;
    ps.submit_by = T0 + HOUR;
    ps.review_by = T0;
    assert_string_equal(peer_settings_check(&ps, &msg), "review_by");
    ps.review_by = 0;
    ps.late_policy = "maybe";
    assert_string_equal(peer_settings_check(&ps, &msg), "late_policy");
    ps.late_policy = "accept";
    ps.grade_method = "mode";
    assert_string_equal(peer_settings_check(&ps, &msg), "grade_method");
    ps.grade_method = "mean";
    ps.no_review_penalty = 1001;
    assert_string_equal(peer_settings_check(&ps, &msg), "no_review_penalty");
}

static void test_submissions(void **state)
{
    PeerSettings ps;
    make_assignment(&ps, "refuse", 2);
    PeerSubmission s;
    PeerRefusal why;
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[0], "   \n", NULL, 0, T0, &s, &why), LN_EPERM);
    assert_int_equal(why, PEER_EMPTY);
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[0], "First draft", NULL, 0, T0, &s, &why), LN_OK);
    assert_int_equal(s.version, 1);
    int64_t first = s.id;
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[0], "Second draft", NULL, 0, T0 + HOUR, &s, &why), LN_OK);
    assert_int_equal(s.version, 2);
    /* the first version is still there, unchanged */
    PeerSubmission *v;
    int n;
    assert_int_equal(peer_submission_versions(db, arena, ps.unit_id, run.id, users[0], &v, &n), LN_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, first);
    assert_string_equal(v[0].body, "First draft");
    /* each version is an evidence entry, in order */
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.submission'", org),
                     2);
    /* completing the unit */
    assert_int_equal(count("SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL",
                           ps.unit_id), 1);
    /* late: refused by this assignment's policy, nothing written */
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[1], "Late", NULL, 0, T0 + 25 * HOUR, &s, &why), LN_EPERM);
    assert_int_equal(why, PEER_CLOSED);
    assert_int_equal(count("SELECT count(*) FROM peer_submission WHERE unit_id = $1", ps.unit_id), 2);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* The whole flow: 4 on time, K = 2, allocation idempotent; a late
 * newcomer (penalty) added to the least loaded; reviews; grades; flag;
 * override. */
static void test_flow(void **state)
{
    PeerSettings ps;
    make_assignment(&ps, "penalty", 2);
    ps.self_assessment = true;
    ps.no_review_policy = "withhold";
    assert_int_equal(peer_settings_set(db, org, &ps, T0), LN_OK);
    PeerSubmission s;
    PeerRefusal why;
    for (int i = 0; i < 4; i++)
        assert_int_equal(peer_submit(db, arena, &run, &ps, users[i], "My essay", NULL, 0, T0 + i, &s, &why), LN_OK);
    /* before the deadline, nothing is due */
    assert_int_equal(peer_due(db, &run, &ps, T0 + HOUR), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1", ps.unit_id), 0);
    /* after it: allocated, lazily, once */
    UsTime after = T0 + 25 * HOUR;
    assert_int_equal(peer_due(db, &run, &ps, after), LN_OK);
    int64_t pairs = count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND self_review = 0", ps.unit_id);
    assert_int_equal(pairs, 8);
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND self_review = 1", ps.unit_id), 4);
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND self_review = 0"
                           " AND reviewer_id = author_id", ps.unit_id), 0);
    int added = -1;
    assert_int_equal(peer_allocate_run(db, &run, &ps, 77, after, &added), LN_OK);
    assert_int_equal(added, 0);                                     /* idempotent */
    /* a late newcomer: accepted with a penalty, reviewed by 2, reviews 2 */
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[4], "Late essay", NULL, 0, after, &s, &why), LN_OK);
    assert_true(s.late);
    assert_int_equal(peer_allocate_run(db, &run, &ps, 77, after, &added), LN_OK);
    assert_int_equal(added, 5);                                     /* 2 + 2 + a self-assessment */
    int64_t lo = 99, hi = 0;
    for (int i = 0; i < 5; i++) {
        int64_t n = 0;
        assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND reviewer_id = $2"
                                              " AND self_review = 0", "ii", ps.unit_id, users[i]), DB_ROW);
        lo = n < lo ? n : lo;
        hi = n > hi ? n : hi;
    }
    assert_true(hi - lo <= 1);
    /* reviews: everybody reviews, except users[3] who reviews nothing */
    for (int i = 0; i < 5; i++) {
        if (i == 3) continue;
        PeerTask *t;
        int n;
        assert_int_equal(peer_tasks(db, arena, ps.unit_id, run.id, users[i], &t, &n), LN_OK);
        for (int j = 0; j < n; j++) {
            int levels[2] = {t[j].self_review ? 2 : 1, t[j].self_review ? 0 : 1};  /* peers: 1 + 2 of 4 = 750 */
            const char *err = NULL;
            int64_t rid;
            assert_int_equal(peer_review_submit(db, arena, &run, &ps, &t[j], users[i], levels, 2, "Clear.", after, &rid,
                                                &why, &err), LN_OK);
            /* final: a second review of the same allocation is refused */
            PeerTask again = t[j];
            again.review_id = 0;
            assert_int_equal(peer_review_submit(db, arena, &run, &ps, &again, users[i], levels, 2, "x", after, &rid,
                                                &why, &err), LN_EPERM);
            assert_int_equal(why, PEER_ALREADY_REVIEWED);
        }
    }
    /* a review that does not fit the rubric */
    {
        PeerTask *t;
        int n;
        assert_int_equal(peer_tasks(db, arena, ps.unit_id, run.id, users[3], &t, &n), LN_OK);
        assert_true(n >= 2);
        int bad[2] = {3, 0};
        const char *err = NULL;
        int64_t rid;
        assert_int_equal(peer_review_submit(db, arena, &run, &ps, &t[0], users[3], bad, 2, "", after, &rid, &why, &err),
                         LN_EINVAL);
        assert_non_null(err);
        assert_int_equal(peer_review_submit(db, arena, &run, &ps, &t[0], users[3], bad, 1, "", after, &rid, &why, &err),
                         LN_EINVAL);
        /* too late */
        int good[2] = {0, 0};
        assert_int_equal(peer_review_submit(db, arena, &run, &ps, &t[0], users[3], good, 2, "", T0 + 49 * HOUR, &rid,
                                            &why, &err), LN_EPERM);
        assert_int_equal(why, PEER_REVIEW_CLOSED);
    }
    /* the rubric is frozen once reviews exist */
    PeerSettings changed = ps;
    changed.rubric.n = 1;
    assert_int_equal(peer_settings_set(db, org, &changed, after), LN_EEXIST);
    /* grades, when the review deadline has passed */
    UsTime closed = T0 + 49 * HOUR;
    int64_t grades0 = count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.grade'", org);
    assert_int_equal(peer_due(db, &run, &ps, closed), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.grade'", org),
                     grades0 + 5);
    assert_int_equal(peer_finalise(db, &run, &ps, closed, &added), LN_OK);
    assert_int_equal(added, 0);                                     /* once */
    PeerGrade g;
    /* users[0]: reviewed by peers who gave 3 of 4 (750), or none when its only reviewer was users[3] */
    assert_int_equal(peer_grade_current(db, arena, ps.unit_id, run.id, users[0], &g), LN_OK);
    assert_string_equal(g.kind, "grade");
    assert_true(str_eq(g.status, "graded") || str_eq(g.status, "no_reviews"));
    if (str_eq(g.status, "graded")) assert_int_equal(g.score, 750);
    /* users[3] reviewed nothing: withheld */
    assert_int_equal(peer_grade_current(db, arena, ps.unit_id, run.id, users[3], &g), LN_OK);
    assert_string_equal(g.status, "withheld");
    /* users[4] was late: 750 - 100 */
    assert_int_equal(peer_grade_current(db, arena, ps.unit_id, run.id, users[4], &g), LN_OK);
    if (str_eq(g.status, "graded")) assert_int_equal(g.score, 650);
    /* flags: only the author, only peers' reviews, once */
    PeerReview *rv;
    int n;
    assert_int_equal(peer_reviews_of(db, arena, ps.unit_id, run.id, users[4], &rv, &n), LN_OK);
    int64_t peer_review = 0, self_review = 0;
    for (int i = 0; i < n; i++) {
        if (rv[i].id && !rv[i].self_review) peer_review = rv[i].id;
        if (rv[i].id && rv[i].self_review) self_review = rv[i].id;
    }
    assert_true(peer_review && self_review);
    assert_int_equal(peer_flag(db, ps.unit_id, run.id, users[0], peer_review, "unfair", closed, &why), LN_NOTFOUND);
    assert_int_equal(peer_flag(db, ps.unit_id, run.id, users[4], self_review, "unfair", closed, &why), LN_NOTFOUND);
    assert_int_equal(peer_flag(db, ps.unit_id, run.id, users[4], peer_review, "", closed, &why), LN_EINVAL);
    assert_int_equal(peer_flag(db, ps.unit_id, run.id, users[4], peer_review, "Too harsh", closed, &why), LN_OK);
    assert_int_equal(peer_flag(db, ps.unit_id, run.id, users[4], peer_review, "Again", closed, &why), LN_EPERM);
    assert_int_equal(why, PEER_ALREADY_FLAGGED);
    /* override: a new row and a ledger correction, the old row unchanged */
    PeerGrade before;
    assert_int_equal(peer_grade_current(db, arena, ps.unit_id, run.id, users[4], &before), LN_OK);
    assert_int_equal(peer_override(db, &run, ps.unit_id, users[4], 900, "", users[5], closed, &g), LN_EINVAL);
    assert_int_equal(peer_override(db, &run, ps.unit_id, users[4], 1001, "why", users[5], closed, &g), LN_EINVAL);
    assert_int_equal(peer_override(db, &run, ps.unit_id, users[4], 900, "Review was unfair", users[5], closed, &g), LN_OK);
    PeerGrade now;
    assert_int_equal(peer_grade_current(db, arena, ps.unit_id, run.id, users[4], &now), LN_OK);
    assert_string_equal(now.kind, "override");
    assert_int_equal(now.score, 900);
    assert_int_equal(now.overrides, before.id);
    assert_int_equal(count("SELECT count(*) FROM peer_grade WHERE id = $1 AND kind = 'grade'", before.id), 1);
    int64_t corrects = 0;
    assert_int_equal(db_query_i64(db, &corrects, "SELECT seq FROM ledger_entry WHERE org_id = $1 AND seq = $2"
                                                 " AND kind = 'assessment.override'", "ii", org, now.ledger_seq), DB_ROW);
    assert_int_equal(peer_override(db, &run, ps.unit_id, users[5], 900, "none yet", users[5], closed, &g),
                     LN_NOTFOUND);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* N = 1: nobody to review; N = 2 with K = 3: each reviews the other. */
static void test_small(void **state)
{
    PeerSettings ps;
    make_assignment(&ps, "accept", 3);
    PeerSubmission s;
    PeerRefusal why;
    int added;
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[0], "Alone", NULL, 0, T0, &s, &why), LN_OK);
    assert_int_equal(peer_allocate_run(db, &run, &ps, 5, T0, &added), LN_OK);
    assert_int_equal(added, 0);
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[1], "Second", NULL, 0, T0, &s, &why), LN_OK);
    assert_int_equal(peer_allocate_run(db, &run, &ps, 5, T0, &added), LN_OK);
    assert_int_equal(added, 2);
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND reviewer_id = author_id",
                           ps.unit_id), 0);
    /* a third, late (accepted, no penalty): reviewed by both, reviews both */
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[2], "Third", NULL, 0, T0 + 30 * HOUR, &s, &why), LN_OK);
    assert_true(s.late);
    assert_int_equal(peer_allocate_run(db, &run, &ps, 5, T0 + 30 * HOUR, &added), LN_OK);
    assert_int_equal(added, 4);
    /* past the review deadline nobody submits any more */
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[3], "Too late", NULL, 0, T0 + 49 * HOUR, &s, &why),
                     LN_EPERM);
    assert_int_equal(why, PEER_CLOSED);
}

/* Nobody opens a page: the tick allocates once the submission deadline has
 * passed and grades once the review deadline has; each reviewer is told by
 * e-mail (in their language, with how many and until when), each author
 * when the grade is recorded; each e-mail once. */
static void test_schedule_and_mail(void **state)
{
    PeerSettings ps;
    make_assignment(&ps, "refuse", 1);
    PeerSubmission s;
    PeerRefusal why;
    for (int i = 0; i < 3; i++)
        assert_int_equal(peer_submit(db, arena, &run, &ps, users[i], "On time", NULL, 0, T0 + i, &s, &why), LN_OK);
    assert_int_equal(db_run(db, "UPDATE app_user SET lang = 'fr' WHERE id = $1", "i", users[1]), DB_DONE);
    peer_notices_send(db, "https://x", T0, 1000);          /* earlier tests' e-mails out of the way */
    char *link = arena_printf(arena, "https://lectern.example/runs/%lld/units/%lld", (long long)run.id, (long long)ps.unit_id);
    const char *mine = "SELECT count(*) FROM mail_outbox WHERE body_text LIKE $1";
    int64_t n = 0;
    char *like = arena_printf(arena, "%%%s%%", link);
    /* before the deadline: nothing */
    peer_scheduled_due(db, T0 + HOUR, 100);
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1", ps.unit_id), 0);
    /* after it: allocated by the schedule; three reviewers told, once */
    assert_true(peer_scheduled_due(db, T0 + 25 * HOUR, 100) >= 1);
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND self_review = 0", ps.unit_id), 3);
    assert_int_equal(count("SELECT count(*) FROM peer_notice WHERE unit_id = $1 AND kind = 'reviews' AND sent_at IS NULL",
                           ps.unit_id), 3);
    assert_true(peer_notices_send(db, "https://lectern.example", T0 + 25 * HOUR, 1000) >= 3);
    assert_int_equal(db_query_i64(db, &n, mine, "t", like), DB_ROW);
    assert_int_equal(n, 3);
    assert_int_equal(peer_notices_send(db, "https://lectern.example", T0 + 26 * HOUR, 1000), 0);     /* once */
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM mail_outbox WHERE body_text LIKE $1 AND subject"
                                          " = 'Évaluations à faire — Essay' AND body_text LIKE '%Évaluations qui vous"
                                          " sont confiées\u202f: 1%' AND body_text LIKE '%2027-01-17 08:00 UTC%'",
                                  "t", like), DB_ROW);
    assert_int_equal(n, 1);                                                 /* users[1], in French */
    /* nobody reviews; past the review deadline the schedule grades, and the authors are told */
    assert_true(peer_scheduled_due(db, T0 + 49 * HOUR, 100) >= 1);
    assert_int_equal(count("SELECT count(*) FROM peer_grade WHERE unit_id = $1 AND kind = 'grade'", ps.unit_id), 3);
    assert_true(peer_notices_send(db, "https://lectern.example", T0 + 49 * HOUR, 1000) >= 3);
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM mail_outbox WHERE body_text LIKE $1 AND subject"
                                          " LIKE '%grade is recorded — Essay'", "t", like), DB_ROW);
    assert_int_equal(n, 2);                                                 /* and one in French */
    assert_int_equal(peer_scheduled_due(db, T0 + 50 * HOUR, 100), 0);       /* nothing left to do */
}

/* A day before the review deadline, each reviewer with reviews left gets
 * one reminder saying how many; one who finished gets none; reviews given
 * inside that day are not reminded (their first e-mail had the deadline). */
static void test_reminder(void **state)
{
    PeerSettings ps;
    make_assignment(&ps, "refuse", 2);
    ps.review_by = T0 + 96 * HOUR;
    assert_int_equal(peer_settings_set(db, org, &ps, T0), LN_OK);
    assert_int_equal(db_run(db, "UPDATE app_user SET lang = 'fr' WHERE id = $1", "i", users[1]), DB_DONE);
    PeerSubmission s;
    PeerRefusal why;
    for (int i = 0; i < 3; i++)
        assert_int_equal(peer_submit(db, arena, &run, &ps, users[i], "On time", NULL, 0, T0 + i, &s, &why), LN_OK);
    assert_true(peer_scheduled_due(db, T0 + 25 * HOUR, 100) >= 1);      /* two reviews each */
    peer_notices_send(db, "https://x", T0 + 25 * HOUR, 1000);
    /* users[0] does both reviews */
    PeerTask *t;
    int n = 0;
    assert_int_equal(peer_tasks(db, arena, ps.unit_id, run.id, users[0], &t, &n), LN_OK);
    assert_int_equal(n, 2);
    int levels[] = {2, 1};
    for (int j = 0; j < n; j++) {
        int64_t rid = 0;
        const char *err = NULL;
        assert_int_equal(peer_review_submit(db, arena, &run, &ps, &t[j], users[0], levels, 2, "Clear.", T0 + 30 * HOUR,
                                            &rid, &why, &err), LN_OK);
    }
    /* users[1] does one of two */
    assert_int_equal(peer_tasks(db, arena, ps.unit_id, run.id, users[1], &t, &n), LN_OK);
    int64_t rid = 0;
    const char *err = NULL;
    assert_int_equal(peer_review_submit(db, arena, &run, &ps, &t[0], users[1], levels, 2, "Fine.", T0 + 31 * HOUR,
                                        &rid, &why, &err), LN_OK);
    const char *rem = "SELECT count(*) FROM peer_notice WHERE unit_id = $1 AND kind = 'review_reminder'";
    assert_int_equal(peer_reminders_due(db, T0 + 71 * HOUR), 0);           /* the window is not open yet */
    assert_int_equal(peer_reminders_due(db, T0 + 73 * HOUR), 2);           /* users[1] and users[2] */
    assert_int_equal(peer_reminders_due(db, T0 + 74 * HOUR), 0);           /* once */
    assert_int_equal(count(rem, ps.unit_id), 2);
    int64_t left = 0;
    assert_int_equal(db_query_i64(db, &left, "SELECT reviews FROM peer_notice WHERE unit_id = $1 AND kind = 'review_reminder'"
                                             " AND user_id = $2", "ii", ps.unit_id, users[2]), DB_ROW);
    assert_int_equal(left, 2);
    assert_int_equal(db_query_i64(db, &left, "SELECT reviews FROM peer_notice WHERE unit_id = $1 AND kind = 'review_reminder'"
                                             " AND user_id = $2", "ii", ps.unit_id, users[1]), DB_ROW);
    assert_int_equal(left, 1);
    assert_int_equal(peer_notices_send(db, "https://lectern.example", T0 + 73 * HOUR, 1000), 2);
    int64_t m = 0;
    assert_int_equal(db_query_i64(db, &m, "SELECT count(*) FROM mail_outbox WHERE subject = 'Évaluations encore à faire"
                                          " — Essay' AND body_text LIKE '%Évaluations restantes\u202f: 1%'", ""), DB_ROW);
    assert_int_equal(m, 1);                                                 /* users[1], in French */
    assert_int_equal(db_query_i64(db, &m, "SELECT count(*) FROM mail_outbox WHERE subject = 'Reviews still to do — Essay'"
                                          " AND body_text LIKE '%Reviews left: 2%' AND body_text LIKE '%2027-01-19 08:00 UTC%'",
                                  ""), DB_ROW);
    assert_int_equal(m, 1);                                                 /* users[2] */
    /* past the deadline nobody is reminded */
    assert_int_equal(peer_reminders_due(db, T0 + 97 * HOUR), 0);

    /* reviews given inside the window: no reminder */
    PeerSettings late;
    make_assignment(&late, "refuse", 1);
    for (int i = 0; i < 2; i++)
        assert_int_equal(peer_submit(db, arena, &run, &late, users[i], "On time", NULL, 0, T0 + i, &s, &why), LN_OK);
    assert_true(peer_scheduled_due(db, T0 + 25 * HOUR, 100) >= 1);      /* 23 h before its review deadline */
    assert_int_equal(count("SELECT count(*) FROM peer_allocation WHERE unit_id = $1", late.unit_id), 2);
    assert_true(peer_reminders_due(db, T0 + 26 * HOUR) >= 0);           /* (earlier tests' assignments may be) */
    assert_int_equal(count(rem, late.unit_id), 0);
}

/* The learner's "coming up" (catalog/upcoming.c) across a run: sessions
 * until they end, assignments until submitted, reviews while one is left,
 * quizzes that close until a finished attempt; soonest first, 60 days ahead,
 * nothing from a run the learner left. */
static void test_upcoming(void **state)
{
    const UsTime t = T0 + 1000 * HOUR, day = 24 * HOUR;
    int64_t cid = 0, rid = 0, sec = 0, quiz = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    Course c;
    RunRef r2;
    CourseInput ci = {.code = "UP-1", .title = "Upcoming", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "All", .release_days = -1};
    assert_int_equal(course_create(db, org, &ci, 0, T0, &cid), LN_OK);
    assert_int_equal(course_load(db, arena, cid, &c), LN_OK);
    assert_int_equal(run_create(db, &c, "Run 2", "mooc", T0, 0, 0, T0, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &r2), LN_OK);
    assert_int_equal(section_create(db, &c, &si, T0, &sec), LN_OK);
    for (int i = 4; i < 6; i++) assert_int_equal(enrol_insert(db, &r2, users[i], T0), LN_OK);
    SessionInput in = {.title = "Past", .mode = "room", .place = "", .grace_minutes = -1};
    const struct { const char *title; UsTime from, to; int64_t *id; } ss[] = {
        {"Past", t - 3 * HOUR, t - HOUR, &s1}, {"Now", t - HOUR, t + HOUR, &s2},
        {"Next", t + 2 * day, t + 2 * day + 2 * HOUR, &s3}, {"Far", t + 61 * day, t + 61 * day + HOUR, &s4}};
    for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++) {
        in.title = ss[i].title;
        in.starts_at = ss[i].from;
        in.ends_at = ss[i].to;
        assert_int_equal(attendance_session_create(db, &r2, &in, 0, T0, ss[i].id), LN_OK);
    }
    UnitInput qu = {.kind = "quiz", .title = "Closing quiz", .section_id = sec, .minutes = 5, .duration_s = -1,
                    .threshold = -1, .required = 1};
    assert_int_equal(unit_create(db, &c, &qu, T0, &quiz), LN_OK);
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.closes_at = t + 3 * day;
    assert_int_equal(quiz_settings_set(db, org, quiz, &qs, T0), LN_OK);
    PeerSettings ps;
    Course saved = course;
    int64_t saved_sec = section_id;
    course = c;
    section_id = sec;
    make_assignment(&ps, "refuse", 1);
    course = saved;
    section_id = saved_sec;
    ps.submit_by = t + 5 * day;
    ps.review_by = t + 10 * day;
    assert_int_equal(peer_settings_set(db, org, &ps, T0), LN_OK);

    UpcomingList ul;
    char kinds[200];
    #define KINDS(who, at) do { \
        assert_int_equal(upcoming_list(db, arena, users[who], at, 50, &ul), LN_OK); \
        kinds[0] = 0; \
        for (int k = 0; k < ul.n; k++) \
            if (ul.items[k].run_id == rid) { \
                strcat(kinds, ul.items[k].kind); \
                strcat(kinds, ul.items[k].session_id ? ":" : " "); \
                if (ul.items[k].session_id) strcat(kinds, ul.items[k].title), strcat(kinds, " "); \
            } \
    } while (0)
    KINDS(4, t);
    assert_string_equal(kinds, "session:Now session:Next quiz submit ");
    /* submitted: no longer to submit; a finished attempt: the quiz is done */
    PeerSubmission sub;
    PeerRefusal why;
    for (int i = 4; i < 6; i++)
        assert_int_equal(peer_submit(db, arena, &r2, &ps, users[i], "Mine", NULL, 0, t, &sub, &why), LN_OK);
    assert_int_equal(db_run(db, "INSERT INTO attempt (unit_id, run_id, user_id, org_id, number, items, started_at,"
                                " submitted_at, score, status) VALUES ($1, $2, $3, $4, 1, '[]', $5, $5, 0, 'submitted')",
                            "iiiii", quiz, rid, users[4], org, t), DB_DONE);
    KINDS(4, t);
    assert_string_equal(kinds, "session:Now session:Next ");
    KINDS(5, t);
    assert_string_equal(kinds, "session:Now session:Next quiz ");
    /* after the submission deadline, the reviews given are to do until done */
    assert_true(peer_scheduled_due(db, t + 5 * day + HOUR, 100) >= 1);
    KINDS(4, t + 6 * day);
    assert_string_equal(kinds, "review session:Far ");
    PeerTask *task;
    int n = 0;
    assert_int_equal(peer_tasks(db, arena, ps.unit_id, rid, users[4], &task, &n), LN_OK);
    assert_int_equal(n, 1);
    int levels[] = {2, 1};
    int64_t review = 0;
    const char *err = NULL;
    assert_int_equal(peer_review_submit(db, arena, &r2, &ps, &task[0], users[4], levels, 2, "Good.", t + 6 * day,
                                        &review, &why, &err), LN_OK);
    KINDS(4, t + 6 * day);
    assert_string_equal(kinds, "session:Far ");         /* 60 days ahead at most: it comes into view */
    /* a learner who left the run sees nothing of it */
    assert_int_equal(db_run(db, "UPDATE enrolment SET status = 'withdrawn' WHERE run_id = $1 AND user_id = $2", "ii", rid,
                            users[5]), DB_DONE);
    KINDS(5, t);
    assert_string_equal(kinds, "");
    #undef KINDS
}

/* A day before the submission deadline, a learner who opened the
 * assignment earlier and has not submitted is reminded once, in their
 * language; one who submitted, one who opened it only inside that day and
 * one who left the run are not. */
static void test_submit_reminder(void **state)
{
    PeerSettings ps;
    make_assignment(&ps, "refuse", 1);                  /* submit_by T0 + 24 h */
    PeerSubmission s;
    PeerRefusal why;
    assert_int_equal(peer_submit(db, arena, &run, &ps, users[0], "Done", NULL, 0, T0, &s, &why), LN_OK);
    const int64_t opened[] = {0, T0 - 2 * HOUR, T0 + 2 * HOUR, T0 - 2 * HOUR};     /* users[0]: by submitting */
    for (int i = 1; i < 4; i++)
        assert_int_equal(db_run(db, "INSERT INTO unit_progress (run_id, unit_id, user_id, org_id, first_at)"
                                    " VALUES ($1, $2, $3, $4, $5)", "iiiii", run.id, ps.unit_id, users[i], org, opened[i]),
                         DB_DONE);
    assert_int_equal(db_run(db, "UPDATE enrolment SET status = 'withdrawn' WHERE run_id = $1 AND user_id = $2", "ii",
                            run.id, users[3]), DB_DONE);
    assert_int_equal(db_run(db, "UPDATE app_user SET lang = 'fr' WHERE id = $1", "i", users[1]), DB_DONE);
    const char *sub = "SELECT count(*) FROM peer_notice WHERE unit_id = $1 AND kind = 'submit_reminder'";
    peer_reminders_due(db, T0 - HOUR);                  /* the window is not open yet */
    assert_int_equal(count(sub, ps.unit_id), 0);
    peer_reminders_due(db, T0 + 3 * HOUR);
    assert_int_equal(count(sub, ps.unit_id), 1);        /* users[1] only */
    peer_reminders_due(db, T0 + 4 * HOUR);
    assert_int_equal(count(sub, ps.unit_id), 1);        /* once */
    int64_t who = 0;
    assert_int_equal(db_query_i64(db, &who, "SELECT user_id FROM peer_notice WHERE unit_id = $1 AND kind = 'submit_reminder'",
                                  "i", ps.unit_id), DB_ROW);
    assert_int_equal(who, users[1]);
    assert_true(peer_notices_send(db, "https://lectern.example", T0 + 4 * HOUR, 1000) >= 1);
    int64_t m = 0;
    char *like = arena_printf(arena, "%%/runs/%lld/units/%lld%%", (long long)run.id, (long long)ps.unit_id);
    assert_int_equal(db_query_i64(db, &m, "SELECT count(*) FROM mail_outbox WHERE subject = 'Devoir à rendre bientôt — Essay'"
                                          " AND body_text LIKE '%À rendre avant le\u202f: 2027-01-16 08:00 UTC%'"
                                          " AND body_text LIKE $1", "t", like), DB_ROW);
    assert_int_equal(m, 1);
    peer_reminders_due(db, T0 + 25 * HOUR);             /* past the deadline: nothing more */
    assert_int_equal(count(sub, ps.unit_id), 1);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_allocate),
        cmocka_unit_test(test_pick_least),
        cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_rubric),
        cmocka_unit_test(test_settings_checked),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_submissions),
        cmocka_unit_test(test_flow),
        cmocka_unit_test(test_small),
        cmocka_unit_test(test_schedule_and_mail),
        cmocka_unit_test(test_reminder),
        cmocka_unit_test(test_upcoming),
        cmocka_unit_test(test_submit_reminder),
    };
    int failed = cmocka_run_group_tests_name("peer (pure)", pure, NULL, NULL);
    return failed + cmocka_run_group_tests_name("peer (stored)", stored, setup, teardown);
}
