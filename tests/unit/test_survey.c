/* test_survey.c — satisfaction surveys (src/survey/): opening invites the
 * active learners by e-mail, a learner answers once with a ledger entry in
 * the same transaction, bad or missing answers write nothing, the results
 * count and average, the CSV, closing and opening again, and the one
 * reminder three days later to who has not answered.  Fixed times only.
 * Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "evidence/ledger.h"
#include "org/org.h"
#include "survey/survey.h"

#define DAY (INT64_C(86400) * US_PER_SEC)
#define T0 (INT64_C(1772438400) * US_PER_SEC)      /* 2026-03-02 08:00 UTC */

static Db *db;
static Arena *arena;
static int64_t org, other_org, trainer, learners[3];
static RunRef run;

static int64_t add_user(const char *what, const char *name, const char *lang)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@survey.test", what, (int)getpid());
    int64_t id = 0;
    if (user_create(db, email, name, "a-long-password", lang, false, T0, &id) != LN_OK) return 0;
    return member_set(db, org, id, str_eq(what, "trainer") ? ROLE_TRAINER : ROLE_LEARNER, T0) == LN_OK ? id : 0;
}

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
    snprintf(slug, sizeof slug, "survey-%d", (int)getpid());
    if (org_create(db, slug, "Formations Éole", false, T0, &org) != LN_OK) return -1;
    snprintf(slug, sizeof slug, "survey-other-%d", (int)getpid());
    if (org_create(db, slug, "Autre", false, T0, &other_org) != LN_OK) return -1;
    trainer = add_user("trainer", "Hélène Formatrice", "fr");
    learners[0] = add_user("l0", "Zoé Lefèvre", "fr");
    learners[1] = add_user("l1", "Anna Smith", "en");
    learners[2] = add_user("l2", "Jérôme Noël", "fr");
    Course course;
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "SURV-1", .title = "Gestes et postures", .estimated_minutes = -1, .published = 1};
    if (!learners[2] || course_create(db, org, &in, trainer, T0, &cid) != LN_OK
        || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Session de mars", "corporate", 0, 0, 0, T0, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK)
        return -1;
    for (int i = 0; i < 3; i++)
        if (enrol_insert(db, &run, learners[i], T0) != LN_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t mails(int64_t user)
{
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT count(*) FROM mail_outbox m JOIN app_user u ON u.email = m.to_addr WHERE u.id = $1", "i",
                 user);
    return n;
}

static int64_t entries(void)
{
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'survey.response'", "i", org);
    return n;
}

/* The answers in question order: overall, objectives, content, assistance, organisation, recommend, improve. */
static SurveyAnswers answers(const char *o, const char *obj, const char *c, const char *as, const char *org_,
                             const char *rec, const char *improve)
{
    return (SurveyAnswers){{o, obj, c, as, org_, rec, improve}};
}

static void test_open_and_answer(void **state)
{
    const char *field, *why;
    SurveyAnswers good = answers("5", "4", "4", "3", "5", "yes", "Plus d’exercices pratiques, s’il vous plaît.");
    /* nothing open yet */
    assert_int_equal(survey_respond(db, run.id, learners[0], &good, T0, &field, &why), LN_NOTFOUND);
    bool open;
    assert_false(survey_answered(db, run.id, learners[0], &open));
    assert_false(open);

    /* opening invites the three learners, once; another organisation cannot open it */
    assert_int_equal(survey_open(db, other_org, run.id, trainer, "https://lectern.example", T0), LN_NOTFOUND);
    assert_int_equal(survey_open(db, org, run.id, trainer, "https://lectern.example", T0), LN_OK);
    assert_int_equal(survey_open(db, org, run.id, trainer, "https://lectern.example", T0), LN_EEXIST);
    for (int i = 0; i < 3; i++) assert_int_equal(mails(learners[i]), 1);
    char *body = db_query_text(db, arena, "SELECT m.subject || '|' || m.body_text FROM mail_outbox m JOIN app_user u"
                                          " ON u.email = m.to_addr WHERE u.id = $1", "i", learners[0]);
    assert_non_null(strstr(body, "Comment s’est passé votre cours\xe2\x80\xaf? Gestes et postures|Bonjour Zoé Lefèvre,"));
    assert_non_null(strstr(body, arena_printf(arena, "https://lectern.example/runs/%lld/survey", (long long)run.id)));
    assert_non_null(strstr(db_query_text(db, arena, "SELECT m.subject FROM mail_outbox m JOIN app_user u ON u.email = m.to_addr"
                                                    " WHERE u.id = $1", "i", learners[1]), "How was your course?"));

    /* refused, nothing written: a missing rating, a rating out of range, a bad yes/no, a long comment */
    int64_t e0 = entries();
    SurveyAnswers bad = good;
    bad.values[0] = NULL;
    assert_int_equal(survey_respond(db, run.id, learners[0], &bad, T0, &field, &why), LN_EINVAL);
    assert_string_equal(field, "overall");
    assert_string_equal(why, "Answer this question.");
    bad = good;
    bad.values[2] = "6";
    assert_int_equal(survey_respond(db, run.id, learners[0], &bad, T0, &field, &why), LN_EINVAL);
    assert_string_equal(field, "content");
    bad = good;
    bad.values[5] = "maybe";
    assert_int_equal(survey_respond(db, run.id, learners[0], &bad, T0, &field, &why), LN_EINVAL);
    assert_string_equal(field, "recommend");
    char big[SURVEY_TEXT_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    bad = good;
    bad.values[6] = big;
    assert_int_equal(survey_respond(db, run.id, learners[0], &bad, T0, &field, &why), LN_EINVAL);
    assert_string_equal(field, "improve");
    assert_int_equal(survey_respond(db, run.id, trainer, &good, T0, &field, &why), LN_NOTFOUND);     /* not a learner */
    assert_int_equal(entries(), e0);

    /* answered, once, with its ledger entry */
    assert_int_equal(survey_respond(db, run.id, learners[0], &good, T0 + DAY, &field, &why), LN_OK);
    assert_int_equal(entries(), e0 + 1);
    assert_true(survey_answered(db, run.id, learners[0], &open));
    assert_true(open);
    assert_int_equal(survey_respond(db, run.id, learners[0], &good, T0 + DAY, &field, &why), LN_EEXIST);
    assert_int_equal(entries(), e0 + 1);
    char *payload = db_query_text(db, arena, "SELECT payload FROM ledger_entry WHERE org_id = $1 AND kind = 'survey.response'",
                                  "i", org);
    assert_non_null(strstr(payload, "\"answers\":{\"assistance\":3,\"content\":4,"));
    assert_non_null(strstr(payload, "\"recommend\":1"));
    /* a second learner, without a comment and not recommending */
    SurveyAnswers other = answers("2", "3", "2", "1", "4", "no", "");
    assert_int_equal(survey_respond(db, run.id, learners[1], &other, T0 + DAY, &field, &why), LN_OK);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

static void test_results_and_csv(void **state)
{
    Survey s;
    assert_int_equal(survey_load(db, arena, org, run.id, &s), LN_OK);
    assert_int_equal(survey_load(db, arena, other_org, run.id, &s), LN_NOTFOUND);
    assert_int_equal(survey_load(db, arena, org, run.id, &s), LN_OK);
    SurveyResults r;
    assert_int_equal(survey_results(db, arena, &s, &r), LN_OK);
    assert_int_equal(r.learners, 3);
    assert_int_equal(r.responses, 2);
    assert_string_equal(r.stats[0].q->code, "overall");
    assert_int_equal(r.stats[0].answers, 2);
    assert_int_equal(r.stats[0].avg_milli, 3500);          /* (5 + 2) / 2 */
    assert_int_equal(r.stats[0].dist[5], 1);
    assert_int_equal(r.stats[0].dist[2], 1);
    assert_int_equal(r.stats[3].avg_milli, 2000);          /* assistance: (3 + 1) / 2 */
    assert_string_equal(r.stats[5].q->code, "recommend");
    assert_int_equal(r.stats[5].dist[1], 1);
    assert_int_equal(r.stats[5].dist[0], 1);
    assert_int_equal(r.ncomments, 1);
    assert_string_equal(r.comments[0].text, "Plus d’exercices pratiques, s’il vous plaît.");
    Buf b;
    buf_init(&b, 0);
    assert_int_equal(survey_csv(db, arena, &s, &b), LN_OK);
    const char *csv = buf_cstr(&b);
    assert_non_null(strstr(csv, "submitted_at,learner,email,overall,objectives,content,assistance,organisation,recommend,improve\r\n"));
    assert_non_null(strstr(csv, ",Zoé Lefèvre,"));
    assert_non_null(strstr(csv, ",5,4,4,3,5,yes,Plus d’exercices pratiques, s’il vous plaît.") ||
                    strstr(csv, ",5,4,4,3,5,yes,\"Plus d’exercices pratiques, s’il vous plaît.\""));
    assert_non_null(strstr(csv, ",2,3,2,1,4,no,"));
    buf_free(&b);
}

static void test_reminder_and_close(void **state)
{
    /* not before three days; then once, to the one who has not answered, in French */
    assert_int_equal(survey_remind_due(db, "https://lectern.example", T0 + 2 * DAY), 0);
    assert_int_equal(survey_remind_due(db, "https://lectern.example", T0 + 3 * DAY), 1);
    assert_int_equal(mails(learners[2]), 2);
    assert_int_equal(mails(learners[0]), 1);
    assert_non_null(strstr(db_query_text(db, arena, "SELECT m.subject FROM mail_outbox m JOIN app_user u ON u.email = m.to_addr"
                                                    " WHERE u.id = $1 ORDER BY m.id DESC LIMIT 1", "i", learners[2]),
                           "Rappel\xe2\x80\xaf: comment s’est passé votre cours\xe2\x80\xaf?"));
    assert_int_equal(survey_remind_due(db, "https://lectern.example", T0 + 10 * DAY), 0);
    /* closed: no more answers; opened again: they may, without new invitations */
    const char *field, *why;
    SurveyAnswers good = answers("4", "4", "4", "4", "4", "yes", NULL);
    assert_int_equal(survey_close(db, other_org, run.id, T0 + 4 * DAY), LN_NOTFOUND);
    assert_int_equal(survey_close(db, org, run.id, T0 + 4 * DAY), LN_OK);
    assert_int_equal(survey_respond(db, run.id, learners[2], &good, T0 + 5 * DAY, &field, &why), LN_NOTFOUND);
    assert_int_equal(survey_open(db, org, run.id, trainer, "https://lectern.example", T0 + 6 * DAY), LN_OK);
    assert_int_equal(mails(learners[2]), 2);
    assert_int_equal(survey_respond(db, run.id, learners[2], &good, T0 + 6 * DAY, &field, &why), LN_OK);
}

/* a survey scheduled on a date: opened by the tick then (with its invitations), once; opening it by hand first
 * leaves nothing for the tick; a schedule can be cancelled */
static void test_schedule(void **state)
{
    Course course;
    RunRef later, manual;
    int64_t rid;
    const char *why;
    assert_int_equal(course_load(db, arena, run.course_id, &course), LN_OK);
    assert_int_equal(run_create(db, &course, "Session d'avril", "corporate", 0, 0, 0, T0, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &later), LN_OK);
    assert_int_equal(run_create(db, &course, "Session de mai", "corporate", 0, 0, 0, T0, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &manual), LN_OK);
    assert_int_equal(enrol_insert(db, &later, learners[0], T0), LN_OK);
    assert_int_equal(enrol_insert(db, &manual, learners[1], T0), LN_OK);

    assert_int_equal(survey_schedule(db, org, later.id, trainer, T0 - 1, T0, &why), LN_EINVAL);
    assert_int_equal(survey_schedule(db, other_org, later.id, trainer, T0 + DAY, T0, &why), LN_NOTFOUND);
    assert_int_equal(survey_schedule(db, org, run.id, trainer, T0 + DAY, T0, &why), LN_EEXIST);     /* has one */
    assert_int_equal(survey_schedule(db, org, later.id, trainer, T0 + 2 * DAY, T0, &why), LN_OK);
    assert_int_equal(survey_schedule(db, org, later.id, trainer, T0 + 3 * DAY, T0, &why), LN_OK);     /* moved */
    assert_int_equal(survey_scheduled_at(db, later.id), T0 + 3 * DAY);
    assert_int_equal(survey_schedule(db, org, manual.id, trainer, T0 + 3 * DAY, T0, &why), LN_OK);
    int64_t before = mails(learners[0]);
    Survey s;
    assert_int_equal(survey_open_due(db, "https://lectern.example", T0 + 2 * DAY), 0);
    assert_int_equal(survey_load(db, arena, org, later.id, &s), LN_NOTFOUND);
    /* the May run is opened by hand, then closed: the tick must not open it again */
    assert_int_equal(survey_open(db, org, manual.id, trainer, "https://lectern.example", T0 + 2 * DAY), LN_OK);
    assert_int_equal(survey_close(db, org, manual.id, T0 + 2 * DAY), LN_OK);
    assert_int_equal(survey_scheduled_at(db, manual.id), 0);
    assert_int_equal(survey_open_due(db, "https://lectern.example", T0 + 3 * DAY), 1);
    assert_int_equal(survey_load(db, arena, org, later.id, &s), LN_OK);
    assert_int_equal(s.opened_by, trainer);
    assert_int_equal(mails(learners[0]), before + 1);
    assert_int_equal(survey_load(db, arena, org, manual.id, &s), LN_OK);
    assert_true(s.closed_at != 0);
    assert_int_equal(survey_open_due(db, "https://lectern.example", T0 + 4 * DAY), 0);
    assert_int_equal(mails(learners[0]), before + 1);
    assert_int_equal(survey_unschedule(db, org, later.id), LN_NOTFOUND);       /* done already */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_answer),
        cmocka_unit_test(test_results_and_csv),
        cmocka_unit_test(test_reminder_and_close),
        cmocka_unit_test(test_schedule),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
