/* test_external.c — the xAPI LRS store and external activities (src/xapi/):
 * a batch stored with one ledger entry per statement, all or nothing; a
 * statement sent again is stored once, other content under its id is a
 * conflict; voiding; queries and their cursor; each learner's record and
 * verdict from the statements (durations per session or in total, the IRI
 * and what lies below it, other actors counted apart); validation with its
 * rules and its ledger entry; and `lectern verify`'s checks finding a
 * statement or a validation changed in SQL.  Runs on SQLite and PostgreSQL
 * (LECTERN_TEST_DB). */
#include "testutil.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "certificate/certificate.h"
#include "evidence/ledger.h"
#include "org/org.h"
#include "xapi/external.h"
#include "xapi/lrs.h"
#include "xapi/report.h"

#define MIN (INT64_C(60) * US_PER_SEC)
#define DAY_US (INT64_C(86400) * US_PER_SEC)
#define T0 (INT64_C(1772438400) * US_PER_SEC)      /* 2026-03-02 08:00 UTC */
#define ACT "https://mooc.example/courses/c1"

static Db *db;
static Arena *arena;
static App app;
static char data_dir[64];
static int64_t org, other_org, trainer, learners[2];
static char emails[2][96];
static RunRef run;
static LrsSender sender, other_sender;

static int64_t add_user(const char *what, const char *name, char *email_out)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@external.test", what, (int)getpid());
    if (email_out) strcpy(email_out, email);
    int64_t id = 0;
    if (user_create(db, email, name, "a-long-password", "en", false, T0, &id) != LN_OK) return 0;
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
    snprintf(data_dir, sizeof data_dir, "/tmp/lectern-ext-XXXXXX");
    if (!mkdtemp(data_dir)) return -1;
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", data_dir);
    char slug[48];
    snprintf(slug, sizeof slug, "ext-%d", (int)getpid());
    if (org_create(db, slug, "Formations Éole", false, T0, &org) != LN_OK) return -1;
    snprintf(slug, sizeof slug, "ext-other-%d", (int)getpid());
    if (org_create(db, slug, "Autre", false, T0, &other_org) != LN_OK) return -1;
    trainer = add_user("trainer", "Hélène Formatrice", NULL);
    learners[0] = add_user("l0", "Anna Smith", emails[0]);
    learners[1] = add_user("l1", "Zoé Lefèvre", emails[1]);
    Course course;
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "EXT-1", .title = "RGPD", .estimated_minutes = -1, .published = 1};
    if (!learners[1] || course_create(db, org, &in, trainer, T0, &cid) != LN_OK
        || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Session de mars", "corporate", 0, 0, 0, T0, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK)
        return -1;
    for (int i = 0; i < 2; i++)
        if (enrol_insert(db, &run, learners[i], T0) != LN_OK) return -1;
    sender = (LrsSender){org, 7, "platform", "token-7", "https://lectern.example"};
    other_sender = (LrsSender){other_org, 8, "other", "token-8", "https://lectern.example"};
    return 0;
}

static int teardown(void **state)
{
    rm_tree(data_dir);
    config_free(&app.cfg);
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t count(const char *sql, int64_t id)
{
    int64_t n = -1;
    db_query_i64(db, &n, sql, "i", id);
    return n;
}

static int64_t statements(int64_t o) { return count("SELECT count(*) FROM xapi_statement WHERE org_id = $1", o); }
static int64_t entries(int64_t o)
{
    return count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'xapi.statement'", o);
}

/* Store the statements of a JSON text (an array); returns lrs_store's code. */
static int store_text(const LrsSender *s, const char *text, char (*ids)[XAPI_UUID_LEN + 1], int *bad, const char **why)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    int n = (int)json_array_size(j);
    json_t **sts = arena_alloc(arena, sizeof *sts * (size_t)n);
    for (int i = 0; i < n; i++) sts[i] = json_array_get(j, (size_t)i);
    int rc = lrs_store(db, arena, s, sts, n, T0 + 100 * MIN, ids, bad, why);
    json_decref(j);
    return rc;
}

static const char *st(const char *email, const char *verb, const char *object, const char *more)
{
    return arena_printf(arena, "{\"actor\":{\"mbox\":\"mailto:%s\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/%s\"},"
                               "\"object\":{\"id\":\"%s\"}%s%s}", email, verb, object, more ? "," : "", more ? more : "");
}

static void test_store_all_or_nothing(void **state)
{
    char ids[3][XAPI_UUID_LEN + 1];
    int bad;
    const char *why;
    const char *good = st(emails[0], "experienced", ACT "/m1", "\"result\":{\"duration\":\"PT20M\"}");
    /* the second is bad: nothing of the batch is stored */
    assert_int_equal(store_text(&sender, arena_printf(arena, "[%s,%s]", good, st(emails[0], "x", "no iri", NULL)), ids,
                                &bad, &why), LN_EINVAL);
    assert_int_equal(bad, 1);
    assert_non_null(strstr(why, "object"));
    assert_int_equal(statements(org), 0);
    /* two good ones: two rows, two entries */
    assert_int_equal(store_text(&sender, arena_printf(arena, "[%s,%s]", good,
                                                      st(emails[0], "experienced", ACT "/m2",
                                                         "\"id\":\"0B0B0B0B-0000-4000-8000-000000000001\","
                                                         "\"result\":{\"duration\":\"PT35M\"}")), ids, &bad, &why), LN_OK);
    assert_string_equal(ids[1], "0b0b0b0b-0000-4000-8000-000000000001");
    assert_true(xapi_uuid_valid(ids[0]));
    assert_int_equal(statements(org), 2);
    assert_int_equal(entries(org), 2);
    /* the same statement again: stored once; other content under its id: a conflict, nothing written */
    const char *again = st(emails[0], "experienced", ACT "/m2", "\"id\":\"0b0b0b0b-0000-4000-8000-000000000001\","
                                                                "\"result\":{\"duration\":\"PT35M\"}");
    assert_int_equal(store_text(&sender, arena_printf(arena, "[%s]", again), ids, &bad, &why), LN_OK);
    assert_int_equal(statements(org), 2);
    const char *other = st(emails[0], "experienced", ACT "/m2", "\"id\":\"0b0b0b0b-0000-4000-8000-000000000001\","
                                                                "\"result\":{\"duration\":\"PT36M\"}");
    assert_int_equal(store_text(&sender, arena_printf(arena, "[%s,%s]", good, other), ids, &bad, &why), LN_EEXIST);
    assert_int_equal(bad, 1);
    assert_int_equal(statements(org), 2);
    assert_int_equal(entries(org), 2);
    /* the same id in another organisation is another statement */
    assert_int_equal(store_text(&other_sender, arena_printf(arena, "[%s]", other), ids, &bad, &why), LN_OK);
    assert_int_equal(statements(other_org), 1);
    char *body;
    assert_int_equal(lrs_get(db, arena, org, "0B0B0B0B-0000-4000-8000-000000000001", false, &body), LN_OK);
    assert_non_null(strstr(body, "\"PT35M\""));
    assert_non_null(strstr(body, "\"authority\":{\"account\":{\"homePage\":\"https://lectern.example\",\"name\":\"token-7\"}"));
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

static void test_void_and_query(void **state)
{
    char ids[6][XAPI_UUID_LEN + 1];
    int bad;
    const char *why;
    assert_int_equal(store_text(&sender, arena_printf(arena, "[%s]", st(emails[1], "experienced", ACT "/oops", NULL)), ids,
                                &bad, &why), LN_OK);
    char target[XAPI_UUID_LEN + 1];
    memcpy(target, ids[0], sizeof target);
    const char *voiding = arena_printf(arena, "[{\"actor\":{\"mbox\":\"mailto:t@x.test\"},\"verb\":{\"id\":\"%s\"},"
                                              "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"%s\"}}]",
                                       XAPI_VERB_VOIDED, target);
    assert_int_equal(store_text(&sender, voiding, ids, &bad, &why), LN_OK);
    char *body;
    assert_int_equal(lrs_get(db, arena, org, target, false, &body), LN_NOTFOUND);
    assert_int_equal(lrs_get(db, arena, org, target, true, &body), LN_OK);
    /* a query, two by two, oldest first: every statement not voided, once */
    LrsQuery q = {.limit = 2, .ascending = true};
    int seen = 0;
    for (int page = 0; page < 10; page++) {
        Buf out;
        buf_init(&out, 0);
        bool more;
        UsTime next_stored = 0;
        int64_t next_id = 0;
        assert_int_equal(lrs_query(db, org, &q, &out, &more, &next_stored, &next_id), LN_OK);
        json_t *a = json_loads(buf_cstr(&out), 0, NULL);
        assert_non_null(a);
        seen += (int)json_array_size(a);
        json_decref(a);
        buf_free(&out);
        if (!more) break;
        q.after_stored = next_stored;
        q.after_id = next_id;
    }
    assert_int_equal(seen, 3);      /* m1, m2 and the voiding statement; not the voided one */
    /* by actor: the normalised identifier */
    LrsQuery by = {.limit = 10, .actor = arena_printf(arena, "mailto:%s", emails[0])};
    Buf out;
    buf_init(&out, 0);
    bool more;
    UsTime ns;
    int64_t ni;
    assert_int_equal(lrs_query(db, org, &by, &out, &more, &ns, &ni), LN_OK);
    json_t *a = json_loads(buf_cstr(&out), 0, NULL);
    assert_int_equal(json_array_size(a), 2);
    json_decref(a);
    buf_free(&out);
}

static void test_records_and_validation(void **state)
{
    int64_t aid;
    const char *field, *why;
    ExtInput bad_in = {"RGPD", "MOOC Example", "javascript:alert(1)", ACT, "90"};
    assert_int_equal(ext_add(db, org, run.id, trainer, &bad_in, T0, &aid, &field, &why), LN_EINVAL);
    assert_string_equal(field, "url");
    ExtInput in = {"RGPD", "MOOC Example", "https://mooc.example/c1", ACT "/", "90"};
    assert_int_equal(ext_add(db, other_org, run.id, trainer, &in, T0, &aid, &field, &why), LN_NOTFOUND);
    assert_int_equal(ext_add(db, org, run.id, trainer, &in, T0, &aid, &field, &why), LN_OK);
    assert_int_equal(ext_add(db, org, run.id, trainer, &in, T0, &aid, &field, &why), LN_EEXIST);
    ExtActivity act;
    assert_int_equal(ext_load(db, arena, org, run.id, aid, &act), LN_OK);
    assert_string_equal(act.iri, ACT);
    /* learner 0: 20 + 35 minutes per session (test above), then passed; learner 1: completed with 10
     * minutes in total; a sibling IRI and a stranger do not count for anyone */
    char ids[4][XAPI_UUID_LEN + 1];
    int bad;
    assert_int_equal(store_text(&sender, arena_printf(arena, "[%s,%s,%s,%s]",
        st(emails[0], "passed", ACT, "\"result\":{\"score\":{\"scaled\":0.8}}"),
        st(emails[1], "completed", ACT "?page=2", "\"result\":{\"duration\":\"PT10M\"}"),
        st(emails[1], "experienced", ACT "-advanced", "\"result\":{\"duration\":\"PT9H\"}"),
        st("stranger@elsewhere.test", "experienced", ACT "#top", NULL)), ids, &bad, &why), LN_OK);
    ExtRecord *recs;
    int n;
    int64_t unknown;
    assert_int_equal(ext_records(db, arena, &act, &recs, &n, &unknown), LN_OK);
    assert_int_equal(n, 2);
    assert_int_equal(unknown, 1);
    assert_string_equal(recs[0].name, "Anna Smith");
    assert_int_equal(recs[0].statements, 3);
    assert_int_equal(recs[0].reported_ms, 55 * 60000);
    assert_int_equal(recs[0].passed, 1);
    assert_int_equal(recs[0].score_milli, 800);
    assert_int_equal(recs[0].verdict, EXT_PLAUSIBLE);
    assert_int_equal(ext_default_minutes(&act, &recs[0]), 55);
    assert_int_equal(recs[1].statements, 1);        /* the voided one is not counted */
    assert_int_equal(recs[1].reported_ms, 10 * 60000);
    assert_int_equal(recs[1].verdict, EXT_TOO_FAST);
    /* validation: a note is required for a record that is not plausible; nothing written until it is right */
    assert_int_equal(ext_validate(db, &act, learners[1], "", "  ", trainer, T0 + DAY_US, &field, &why), LN_EINVAL);
    assert_string_equal(field, "note");
    assert_int_equal(ext_validate(db, &act, learners[1], "0", "seen", trainer, T0 + DAY_US, &field, &why), LN_EINVAL);
    assert_string_equal(field, "minutes");
    assert_int_equal(ext_validate(db, &act, trainer, "", "seen", trainer, T0 + DAY_US, &field, &why), LN_NOTFOUND);
    assert_int_equal(count("SELECT count(*) FROM external_validation WHERE activity_id = $1", aid), 0);
    assert_int_equal(ext_validate(db, &act, learners[1], "60", "The platform's certificate.", trainer, T0 + DAY_US,
                                  &field, &why), LN_OK);
    assert_int_equal(ext_validate(db, &act, learners[0], "", NULL, trainer, T0 + DAY_US, &field, &why), LN_OK);
    assert_int_equal(ext_validate(db, &act, learners[0], "", NULL, trainer, T0 + DAY_US, &field, &why), LN_EEXIST);
    ExtRecord x;
    assert_int_equal(ext_record(db, arena, &act, learners[0], &x), LN_OK);
    assert_int_equal(x.accepted_minutes, 55);
    assert_true(x.ledger_seq > 0);
    assert_int_equal(ext_validated_minutes(db, run.id, learners[1]), 60);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'external.validated'", org), 2);
    /* a certificate counts the validated time: learner 1 has nothing else to certify */
    CertInput ci = {.org_id = org, .run_id = run.id, .user_id = learners[1], .by = trainer, .action_type = "training",
                    .base_url = "https://lectern.example", .now = T0 + 2 * DAY_US};
    Certificate c;
    assert_int_equal(cert_issue(db, arena, &ci, &c, &why), LN_OK);
    assert_int_equal(c.f.external_minutes, 60);
    assert_int_equal(cert_total_minutes(&c.f), 60);
    Certificate back;
    assert_int_equal(cert_load(db, arena, c.public_id, org, &back), LN_OK);
    assert_int_equal(back.f.external_minutes, 60);
    FactsReport rep;
    assert_int_equal(cert_facts_verify(db, org, &rep), LN_OK);
}

static void test_report(void **state)
{
    /* parsing: the header names the columns, in any order and case; each bad line is named */
    Report rep;
    const char *bad = "Score,EMAIL,minutes\n80,a@x.test,10\n101,b@x.test,5\n,not-an-address,5\n,c@x.test,-3\n";
    assert_int_equal(report_parse(arena, bad, strlen(bad), &rep), LN_OK);
    assert_int_equal(rep.n, 4);
    assert_int_equal(rep.errors, 3);
    assert_null(rep.lines[0].error);
    assert_int_equal(rep.lines[0].score_milli, 800);
    assert_int_equal(rep.lines[1].line, 3);
    assert_non_null(strstr(rep.lines[1].error, "score"));
    assert_non_null(strstr(rep.lines[2].error, "e-mail"));
    assert_non_null(strstr(rep.lines[3].error, "minutes"));
    assert_int_equal(report_parse(arena, "name,minutes\nx,1\n", 18, &rep), LN_EINVAL);
    assert_non_null(rep.error);

    int64_t aid;
    const char *field, *why;
    ExtInput in = {"Cyber", "MOOC Example", "", "https://mooc.example/courses/cyber", "60"};
    assert_int_equal(ext_add(db, org, run.id, trainer, &in, T0, &aid, &field, &why), LN_OK);
    ExtActivity act;
    assert_int_equal(ext_load(db, arena, org, run.id, aid, &act), LN_OK);
    LrsSender s = {org, 0, "Hélène Formatrice (report import)", "user-1", "https://lectern.example"};
    ReportResult res;
    int64_t before = statements(org), entries_before = entries(org);

    /* a first report: learner 0 is half-way (30 minutes), learner 1 completed; a stranger is left out */
    const char *week1 = arena_printf(arena, "email,minutes,completed_at,score,passed\n%s,30,,,\n%s,50,2026-03-05,90,yes\n"
                                            "stranger@elsewhere.test,500,2026-03-05,100,yes\n", emails[0], emails[1]);
    assert_int_equal(report_parse(arena, week1, strlen(week1), &rep), LN_OK);
    assert_int_equal(report_import(db, arena, &act, &s, &rep, false, T0 + DAY_US, &res), LN_OK);   /* a preview */
    assert_int_equal(res.stored, 2);
    assert_int_equal(res.not_learners, 1);
    assert_int_equal(statements(org), before);
    assert_int_equal(report_import(db, arena, &act, &s, &rep, true, T0 + DAY_US, &res), LN_OK);
    assert_int_equal(statements(org), before + 2);
    assert_int_equal(entries(org), entries_before + 2);
    /* the same report again: nothing new */
    assert_int_equal(report_import(db, arena, &act, &s, &rep, true, T0 + 2 * DAY_US, &res), LN_OK);
    assert_int_equal(res.already, 2);
    assert_int_equal(res.stored, 0);
    assert_int_equal(statements(org), before + 2);
    /* a later report: learner 0's total is 45 minutes now, completed; the totals are not added up */
    const char *week2 = arena_printf(arena, "email,minutes,completed_at\n%s,45,2026-03-09\n", emails[0]);
    assert_int_equal(report_parse(arena, week2, strlen(week2), &rep), LN_OK);
    assert_int_equal(report_import(db, arena, &act, &s, &rep, true, T0 + 3 * DAY_US, &res), LN_OK);
    ExtRecord x;
    assert_int_equal(ext_record(db, arena, &act, learners[0], &x), LN_OK);
    assert_int_equal(x.statements, 2);
    assert_int_equal(x.reported_ms, 45 * 60000);
    assert_int_equal(x.verdict, EXT_PLAUSIBLE);
    assert_int_equal(ext_record(db, arena, &act, learners[1], &x), LN_OK);
    assert_int_equal(x.passed, 1);
    assert_int_equal(x.score_milli, 900);
    assert_int_equal(x.verdict, EXT_PLAUSIBLE);
    /* a report with a bad line imports nothing */
    const char *wrong = arena_printf(arena, "email,minutes\n%s,70\n%s,lots\n", emails[0], emails[1]);
    int64_t now_rows = statements(org);
    assert_int_equal(report_parse(arena, wrong, strlen(wrong), &rep), LN_OK);
    assert_int_equal(report_import(db, arena, &act, &s, &rep, true, T0 + 4 * DAY_US, &res), LN_OK);
    assert_int_equal(res.errors, 1);
    assert_int_equal(statements(org), now_rows);
}

static void test_attestation(void **state)
{
    int64_t aid, id;
    const char *field, *why;
    ExtInput in = {"Attested", "MOOC Example", "", "https://mooc.example/courses/attested", "30"};
    assert_int_equal(ext_add(db, org, run.id, trainer, &in, T0, &aid, &field, &why), LN_OK);
    ExtActivity act;
    assert_int_equal(ext_load(db, arena, org, run.id, aid, &act), LN_OK);
    Media pdf, txt;
    assert_int_equal(media_store_bytes(&app, db, arena, org, "%PDF-1.4 attestation", 20, "attestation réussite.pdf",
                                       learners[0], &pdf), LN_OK);
    assert_int_equal(media_store_bytes(&app, db, arena, org, "just some words", 15, "notes.txt", learners[0], &txt), LN_OK);
    /* only a PDF or an image, and only from a learner of the run */
    assert_int_equal(ext_attest(db, &act, learners[0], &txt, T0, &id, &why), LN_EINVAL);
    assert_non_null(strstr(why, "PDF"));
    assert_int_equal(ext_attest(db, &act, trainer, &pdf, T0, &id, &why), LN_NOTFOUND);
    assert_int_equal(count("SELECT count(*) FROM external_attestation WHERE activity_id = $1", aid), 0);
    assert_int_equal(ext_attest(db, &act, learners[0], &pdf, T0 + MIN, &id, &why), LN_OK);
    ExtRecord x;
    assert_int_equal(ext_record(db, arena, &act, learners[0], &x), LN_OK);
    assert_int_equal(x.attestation_id, id);
    assert_string_equal(x.attestation_name, "attestation réussite.pdf");
    ExtAttestation t;
    assert_int_equal(ext_attestation_load(db, arena, id, &t), LN_OK);
    assert_int_equal(t.user_id, learners[0]);
    assert_string_equal(t.media.sha256, pdf.sha256);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'external.attestation'", org), 1);
}

/* a validation revoked with a reason (a correction in the ledger), then validated again */
static void test_revoke(void **state)
{
    int64_t aid = 0;
    assert_int_equal(db_query_i64(db, &aid, "SELECT id FROM external_activity WHERE org_id = $1 AND iri = $2", "it", org,
                                  ACT), DB_ROW);
    ExtActivity act;
    const char *field, *why;
    assert_int_equal(ext_load(db, arena, org, run.id, aid, &act), LN_OK);
    assert_int_equal(ext_validated_minutes(db, run.id, learners[0]), 55);
    assert_int_equal(ext_revoke(db, &act, learners[0], "  ", trainer, T0 + 5 * DAY_US, &why), LN_EINVAL);
    assert_int_equal(ext_revoke(db, &act, trainer, "wrong person", trainer, T0 + 5 * DAY_US, &why), LN_NOTFOUND);
    assert_int_equal(ext_revoke(db, &act, learners[0], "Validated the wrong learner.", trainer, T0 + 5 * DAY_US, &why),
                     LN_OK);
    assert_int_equal(ext_revoke(db, &act, learners[0], "again", trainer, T0 + 5 * DAY_US, &why), LN_NOTFOUND);
    assert_int_equal(ext_validated_minutes(db, run.id, learners[0]), 0);
    ExtRecord x;
    assert_int_equal(ext_record(db, arena, &act, learners[0], &x), LN_OK);
    assert_int_equal(x.validation_id, 0);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'external.revoked'"
                           " AND payload LIKE '%\"corrects\":%'", org), 1);
    assert_int_equal(ext_validate(db, &act, learners[0], "50", NULL, trainer, T0 + 6 * DAY_US, &field, &why), LN_OK);
    assert_int_equal(ext_validated_minutes(db, run.id, learners[0]), 50);
    FactsReport rep;
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_OK);
}

/* changing and deleting an activity: free until records are validated, then its identifier, duration and
 * existence stay */
static void test_edit_delete(void **state)
{
    int64_t aid = 0, fresh;
    const char *field, *why;
    ExtActivity act;
    ExtInput in = {"Draft", "MOOC Example", "", "https://mooc.example/courses/draft", "20"};
    assert_int_equal(ext_add(db, org, run.id, trainer, &in, T0, &fresh, &field, &why), LN_OK);
    assert_int_equal(ext_load(db, arena, org, run.id, fresh, &act), LN_OK);
    ExtInput change = {"Draft, renamed", "MOOC Example", "https://mooc.example/d", "https://mooc.example/courses/draft-2", "25"};
    assert_int_equal(ext_update(db, &act, &change, &field, &why), LN_OK);
    assert_int_equal(ext_load(db, arena, org, run.id, fresh, &act), LN_OK);
    assert_string_equal(act.title, "Draft, renamed");
    assert_int_equal(act.minutes, 25);
    ExtInput clash = {"x", "y", "", ACT, "25"};                      /* the identifier of another activity of the run */
    assert_int_equal(ext_update(db, &act, &clash, &field, &why), LN_EEXIST);
    assert_string_equal(field, "iri");
    ExtInput wrong = {"", "y", "", "https://mooc.example/courses/draft-2", "25"};
    assert_int_equal(ext_update(db, &act, &wrong, &field, &why), LN_EINVAL);
    assert_string_equal(field, "title");
    assert_int_equal(ext_delete(db, &act, &why), LN_OK);
    assert_int_equal(ext_load(db, arena, org, run.id, fresh, &act), LN_NOTFOUND);

    /* the activity with validated records */
    assert_int_equal(db_query_i64(db, &aid, "SELECT id FROM external_activity WHERE org_id = $1 AND iri = $2", "it", org,
                                  ACT), DB_ROW);
    assert_int_equal(ext_load(db, arena, org, run.id, aid, &act), LN_OK);
    ExtInput longer = {act.title, act.platform, act.url, act.iri, "120"};
    assert_int_equal(ext_update(db, &act, &longer, &field, &why), LN_EEXIST);
    assert_string_equal(field, "minutes");
    ExtInput renamed = {"RGPD (MOOC)", act.platform, act.url, act.iri, "90"};
    assert_int_equal(ext_update(db, &act, &renamed, &field, &why), LN_OK);
    assert_int_equal(ext_delete(db, &act, &why), LN_EEXIST);
    assert_int_equal(ext_load(db, arena, org, run.id, aid, &act), LN_OK);
    assert_string_equal(act.title, "RGPD (MOOC)");
}

static void test_verify_finds_changes(void **state)
{
    FactsReport rep;
    assert_int_equal(lrs_facts_verify(db, org, &rep), LN_OK);
    assert_int_equal(rep.checked, 11);
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_OK);
    assert_int_equal(rep.checked, 4);      /* three validations (one revoked), one certificate sent */
    /* a statement's body changed in SQL */
    assert_int_equal(db_run(db, "UPDATE xapi_statement SET body = replace(body, 'PT20M', 'PT59M') WHERE org_id = $1",
                            "i", org), DB_DONE);
    assert_int_equal(lrs_facts_verify(db, org, &rep), LN_EINVAL);
    assert_string_equal(rep.table, "xapi_statement");
    assert_int_equal(db_run(db, "UPDATE xapi_statement SET body = replace(body, 'PT59M', 'PT20M') WHERE org_id = $1",
                            "i", org), DB_DONE);
    assert_int_equal(lrs_facts_verify(db, org, &rep), LN_OK);
    /* a statement deleted */
    assert_int_equal(db_run(db, "DELETE FROM xapi_statement WHERE org_id = $1 AND verb LIKE '%experienced'"
                                " AND object LIKE '%#top'", "i", org), DB_DONE);
    assert_int_equal(lrs_facts_verify(db, org, &rep), LN_EINVAL);
    assert_non_null(strstr(rep.detail, "the ledger records 11"));
    /* a validation's minutes changed */
    assert_int_equal(db_run(db, "UPDATE external_validation SET minutes = 90 WHERE user_id = $1", "i", learners[1]),
                     DB_DONE);
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_EINVAL);
    assert_string_equal(rep.table, "external_validation");
    assert_int_equal(db_run(db, "UPDATE external_validation SET minutes = 60 WHERE user_id = $1", "i", learners[1]),
                     DB_DONE);
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_OK);
    /* a revocation's reason changed */
    assert_int_equal(db_run(db, "UPDATE external_validation SET revoke_reason = 'typo' WHERE revoked_at IS NOT NULL", ""),
                     DB_DONE);
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_EINVAL);
    assert_non_null(strstr(rep.detail, "revocation"));
    assert_int_equal(db_run(db, "UPDATE external_validation SET revoke_reason = 'Validated the wrong learner.'"
                                " WHERE revoked_at IS NOT NULL", ""), DB_DONE);
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_OK);
    /* the certificate sent, pointed at another file */
    int64_t other = 0;
    assert_int_equal(db_query_i64(db, &other, "SELECT id FROM media WHERE org_id = $1 AND filename = 'notes.txt'", "i",
                                  org), DB_ROW);
    assert_int_equal(db_run(db, "UPDATE external_attestation SET media_id = $1", "i", other), DB_DONE);
    assert_int_equal(ext_facts_verify(db, org, &rep), LN_EINVAL);
    assert_string_equal(rep.table, "external_attestation");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_all_or_nothing),
        cmocka_unit_test(test_void_and_query),
        cmocka_unit_test(test_records_and_validation),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_attestation),
        cmocka_unit_test(test_revoke),
        cmocka_unit_test(test_edit_delete),
        cmocka_unit_test(test_verify_finds_changes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
