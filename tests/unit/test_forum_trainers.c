/* test_forum_trainers.c — response times per trainer (src/forum/trainer_times.c,
 * docs/forum.md): answered questions per trainer, median and p90 (nearest
 * rank), within/late against each course's promised delay, waiting and
 * overdue questions, per run, across an organisation's runs, in a date
 * range, never another organisation's.  Also the thread list of a big forum
 * (forum_threads picks its 500 threads before counting their replies and
 * votes: the counts and the order must stay those of the whole forum).
 * Fixed times; SQLite and PostgreSQL. */
#include "testutil.h"
#include "forum/forum.h"
#include "forum/trainer_times.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "org/org.h"

#include <sodium.h>

#define MINUTE (60 * US_PER_SEC)
#define HOUR (3600 * US_PER_SEC)
#define DAY (24 * HOUR)
#define T0 ((UsTime)1767258000 * US_PER_SEC)   /* 2026-01-01 09:00 UTC */

static Db *db;
static Arena *arena;
static int64_t org, other_org, alice, bruno, zoe, learner, other_learner;
static ForumCtx run1, run2, run3;              /* run3: the other organisation's */

static int64_t add_user(int64_t in_org, const char *name, Role role)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@trainers.test", name, (int)getpid());
    int64_t id = 0;
    if (user_create(db, email, name, "a-long-password", "en", false, T0, &id) != LN_OK) return 0;
    if (member_set(db, in_org, id, role, T0) != LN_OK) return 0;
    return id;
}

static int add_run(int64_t in_org, const char *code, int64_t promised_hours, int64_t learner_id, ForumCtx *f)
{
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = code, .title = code, .estimated_minutes = -1, .published = 1};
    if (course_create(db, in_org, &in, 0, T0, &cid) != LN_OK) return -1;
    if (promised_hours) {
        int64_t pid = 0;
        if (db_query_i64(db, &pid, "INSERT INTO programme (org_id, title, response_hours, created_at, updated_at) "
                                   "VALUES ($1, 'P', $2, $3, $3) RETURNING id", "iii", in_org, promised_hours, T0) != DB_ROW
            || db_run(db, "UPDATE course SET programme_id = $1 WHERE id = $2", "ii", pid, cid) != DB_DONE)
            return -1;
    }
    if (course_load(db, arena, cid, &f->course) != LN_OK
        || run_create(db, &f->course, "Run", "corporate", 0, 0, 0, T0, &rid) != LN_OK
        || run_ref(db, arena, in_org, rid, &f->run) != LN_OK || enrol_insert(db, &f->run, learner_id, T0) != LN_OK)
        return -1;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    arena = arena_new();
    char slug[48];
    snprintf(slug, sizeof slug, "tt-%d", (int)getpid());
    if (org_create(db, slug, "Trainers", false, T0, &org) != LN_OK) return -1;
    snprintf(slug, sizeof slug, "tt2-%d", (int)getpid());
    if (org_create(db, slug, "Other", false, T0, &other_org) != LN_OK) return -1;
    bruno = add_user(org, "Bruno", ROLE_TRAINER);      /* created first: the list is by name, not id */
    alice = add_user(org, "Alice", ROLE_TRAINER);
    learner = add_user(org, "Learner", ROLE_LEARNER);
    zoe = add_user(other_org, "Zoe", ROLE_TRAINER);
    other_learner = add_user(other_org, "Outsider", ROLE_LEARNER);
    if (!bruno || !alice || !learner || !zoe || !other_learner) return -1;
    /* run1: a programme promising 24 h; run2: no programme (48 h) */
    if (add_run(org, "TT-1", 24, learner, &run1) || add_run(org, "TT-2", 0, learner, &run2)
        || add_run(other_org, "TT-3", 24, other_learner, &run3))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    db_close(db);
    return 0;
}

/* a thread asked by `asker` at `at`; a first reply by `who` after `delay` (0: none) */
static void ask(ForumCtx *f, const char *kind, int64_t asker, UsTime at, int64_t who, bool staff, UsTime delay)
{
    int64_t tid = 0, pid = 0;
    assert_int_equal(forum_thread_create(db, f, asker, kind, 0, 0, "Q", "Why?", at, &tid), LN_OK);
    if (!who) return;
    ForumThread t;
    assert_int_equal(forum_thread_load(db, arena, f->run.id, tid, &t), LN_OK);
    assert_int_equal(forum_reply(db, f, &t, who, staff, 0, "Because.", at + delay, &pid), LN_OK);
}

static void check(const ForumTrainerTimes *x, int64_t id, int answered, int64_t median, int64_t p90, int within, int late)
{
    assert_int_equal(x->trainer_id, id);
    assert_int_equal(x->answered, answered);
    assert_int_equal(x->median_s, median);
    assert_int_equal(x->p90_s, p90);
    assert_int_equal(x->within, within);
    assert_int_equal(x->late, late);
}

static void test_per_trainer(void **state)
{
    (void)state;
    ask(&run1, "question", learner, T0, alice, true, 1 * HOUR);
    ask(&run1, "question", learner, T0 + MINUTE, alice, true, 3 * HOUR);
    ask(&run1, "question", learner, T0 + 2 * MINUTE, alice, true, 30 * HOUR);      /* late: 24 h promised */
    ask(&run1, "question", learner, T0 + 3 * MINUTE, bruno, true, 2 * HOUR);
    ask(&run1, "question", learner, T0 + 4 * MINUTE, 0, false, 0);                 /* waiting, overdue at T0+25h */
    ask(&run1, "question", learner, T0 + 2 * HOUR, learner, false, MINUTE);        /* a learner's reply: waiting */
    ask(&run1, "discussion", learner, T0 + 5 * MINUTE, alice, true, 50 * HOUR);    /* not a question: not counted */
    ask(&run2, "question", learner, T0 + 2 * DAY, bruno, true, 30 * HOUR);         /* within 48 h */
    ask(&run3, "question", other_learner, T0, zoe, true, 100 * HOUR);              /* another organisation */

    ForumTrainerReport r;
    assert_int_equal(forum_trainer_times(db, arena, org, run1.run.id, 0, 0, T0 + 25 * HOUR, &r), LN_OK);
    assert_int_equal(r.questions, 6);
    assert_int_equal(r.waiting, 2);
    assert_int_equal(r.overdue, 1);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.items[0].name, "Alice");
    check(&r.items[0], alice, 3, 3 * 3600, 30 * 3600, 2, 1);
    check(&r.items[1], bruno, 1, 2 * 3600, 2 * 3600, 1, 0);

    /* the organisation's runs: Bruno's two first replies, the 48 h of run2 */
    assert_int_equal(forum_trainer_times(db, arena, org, 0, 0, 0, T0 + 4 * DAY, &r), LN_OK);
    assert_int_equal(r.questions, 7);
    assert_int_equal(r.waiting, 2);
    assert_int_equal(r.overdue, 2);
    assert_int_equal(r.n, 2);
    check(&r.items[1], bruno, 2, 2 * 3600, 30 * 3600, 2, 0);

    /* a date range: only the question asked on day 3 */
    assert_int_equal(forum_trainer_times(db, arena, org, 0, T0 + DAY, T0 + 3 * DAY, T0 + 4 * DAY, &r), LN_OK);
    assert_int_equal(r.questions, 1);
    assert_int_equal(r.n, 1);
    check(&r.items[0], bruno, 1, 30 * 3600, 30 * 3600, 1, 0);
    assert_int_equal(forum_trainer_times(db, arena, org, 0, T0 + 3 * DAY, T0 + 4 * DAY, T0 + 4 * DAY, &r), LN_OK);
    assert_int_equal(r.questions, 0);
    assert_int_equal(r.n, 0);

    /* another organisation's run through this one: nothing */
    assert_int_equal(forum_trainer_times(db, arena, org, run3.run.id, 0, 0, T0 + 4 * DAY, &r), LN_OK);
    assert_int_equal(r.questions, 0);
    assert_int_equal(forum_trainer_times(db, arena, other_org, 0, 0, 0, T0 + 4 * DAY, &r), LN_OK);
    assert_int_equal(r.n, 1);
    check(&r.items[0], zoe, 1, 100 * 3600, 100 * 3600, 0, 1);
}

/* run2's forum: 505 threads; the list shows the 500 latest, pinned first,
 * with their own reply and vote counts; "unanswered" the 500 oldest */
static void test_thread_list_of_a_big_forum(void **state)
{
    (void)state;
    UsTime at = T0 + 10 * DAY;
    int64_t ids[505], pid = 0;
    for (int i = 0; i < 505; i++)
        assert_int_equal(forum_thread_create(db, &run2, learner, i % 2 ? "discussion" : "question", 0, 0, "T", "Body",
                                             at + i * MINUTE, &ids[i]), LN_OK);
    ForumThread t, old;
    assert_int_equal(forum_thread_load(db, arena, run2.run.id, ids[500], &t), LN_OK);
    assert_int_equal(forum_thread_load(db, arena, run2.run.id, ids[2], &old), LN_OK);
    assert_int_equal(forum_reply(db, &run2, &t, alice, true, 0, "One", at + 600 * MINUTE, &pid), LN_OK);
    assert_int_equal(forum_reply(db, &run2, &t, bruno, true, 0, "Two", at + 601 * MINUTE, &pid), LN_OK);
    ForumPost p;
    assert_int_equal(forum_post_load(db, arena, ids[500], pid, &p), LN_OK);
    assert_int_equal(forum_vote(db, &p, learner, at + 602 * MINUTE), LN_OK);
    assert_int_equal(forum_vote(db, &p, alice, at + 602 * MINUTE), LN_OK);
    assert_int_equal(forum_vote(db, &p, alice, at + 602 * MINUTE), LN_EEXIST);    /* counted once */
    /* an old thread pinned comes first though its activity is older than the 500 latest */
    assert_int_equal(forum_thread_set(db, &old, alice, "pinned", 1, at + 603 * MINUTE), LN_OK);

    ForumThreadList l;
    assert_int_equal(forum_threads(db, arena, run2.run.id, "recent", 0, 0, learner, &l), LN_OK);
    assert_int_equal(l.n, 500);
    assert_int_equal(l.items[0].id, ids[2]);
    assert_true(l.items[0].pinned);
    assert_int_equal(l.items[1].id, ids[500]);
    assert_int_equal(l.items[1].replies, 2);
    assert_int_equal(l.items[1].votes, 2);
    assert_int_equal(l.items[2].id, ids[504]);
    assert_int_equal(l.items[2].replies, 0);
    assert_int_equal(l.items[499].id, ids[6]);     /* then 504..501 and 499..6 */
    assert_int_equal(forum_threads(db, arena, run2.run.id, "unanswered", 0, 0, learner, &l), LN_OK);
    assert_int_equal(l.n, 253 + 1);                /* the 253 new questions, and the one asked on day 3 */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_trainer),
        cmocka_unit_test(test_thread_list_of_a_big_forum),
    };
    return cmocka_run_group_tests_name("forum_trainers", tests, setup, teardown);
}
