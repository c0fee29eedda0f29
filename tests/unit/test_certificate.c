/* test_certificate.c — completion certificates (src/certificate/): the
 * hours counted from signed half-days (cut at an early departure) and from
 * connection sessions, issuing once with its ledger entry in the same
 * transaction, nothing written when refused, revoking as a correction,
 * the verification that finds a row changed behind the application's back,
 * and the PDF.  Fixed times only (2026-03-02 at UTC+01:00).  Runs on SQLite
 * and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "account/account.h"
#include "attendance/departure.h"
#include "certificate/certificate.h"
#include "content/content.h"
#include "evidence/ledger.h"
#include "org/org.h"

#include <dlfcn.h>
#include <pango/pangocairo.h>

#define MINUTE (60 * US_PER_SEC)
#define HOUR (60 * MINUTE)
#define NINE (INT64_C(1772438400) * US_PER_SEC)     /* 2026-03-02 09:00 at UTC+01:00 */
#define STROKES "[[[10,20,0],[30,40,16]]]"

static Db *db;
static Arena *arena;
static int64_t org, other_org, admin, learners[3];
static RunRef run;
static Course course;

static int64_t add_user(const char *what, const char *name, Role role)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@certificate.test", what, (int)getpid());
    int64_t id = 0;
    if (user_create(db, email, name, "a-long-password", "fr", false, NINE, &id) != LN_OK) return 0;
    if (role != ROLE_NONE && member_set(db, org, id, role, NINE) != LN_OK) return 0;
    return id;
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
    snprintf(slug, sizeof slug, "cert-%d", (int)getpid());
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "CERT-1", .title = "Habilitation électrique", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Formations Éole", false, NINE, &org) != LN_OK) return -1;
    snprintf(slug, sizeof slug, "cert-other-%d", (int)getpid());
    if (org_create(db, slug, "Autre organisme", false, NINE, &other_org) != LN_OK) return -1;
    admin = add_user("admin", "Hélène Directrice", ROLE_ADMIN);
    learners[0] = add_user("l0", "Zoé Lefèvre", ROLE_LEARNER);
    learners[1] = add_user("l1", "Anaïs Dupré", ROLE_LEARNER);
    learners[2] = add_user("l2", "Jérôme Noël", ROLE_LEARNER);
    if (!admin || !learners[2]) return -1;
    if (course_create(db, org, &in, admin, NINE, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Session de mars", "corporate", 0, 0, 0, NINE, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK)
        return -1;
    for (int i = 0; i < 3; i++)
        if (enrol_insert(db, &run, learners[i], NINE) != LN_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    void (*fc_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");
    if (fc_fini) fc_fini();
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t count(const char *sql, int64_t a)
{
    int64_t n = -1;
    db_query_i64(db, &n, sql, "i", a);
    return n;
}

static int64_t entries(const char *kind)
{
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = $2", "it", org, kind);
    return n;
}

/* Messages in the outbox to a person, and the last one (subject, a newline, body). */
static int64_t mails(int64_t user)
{
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT count(*) FROM mail_outbox m JOIN app_user u ON u.email = m.to_addr WHERE u.id = $1", "i",
                 user);
    return n;
}

static char *last_mail(int64_t user)
{
    return db_query_text(db, arena, "SELECT m.subject || '\n' || m.body_text FROM mail_outbox m JOIN app_user u"
                                    " ON u.email = m.to_addr WHERE u.id = $1 ORDER BY m.id DESC LIMIT 1", "i", user);
}

/* The rule alone: halves split at local noon, cut at a departure. */
static void test_live_minutes(void **state)
{
    UsTime five = NINE + 8 * HOUR;                              /* 09:00–17:00 local */
    assert_int_equal(cert_live_minutes(NINE, five, 60, true, false, 0), 180);
    assert_int_equal(cert_live_minutes(NINE, five, 60, false, true, 0), 300);
    assert_int_equal(cert_live_minutes(NINE, five, 60, true, true, 0), 480);
    assert_int_equal(cert_live_minutes(NINE, five, 60, false, false, 0), 0);
    assert_int_equal(cert_live_minutes(NINE, five, 60, true, true, NINE + 6 * HOUR), 360);     /* left at 15:00 */
    assert_int_equal(cert_live_minutes(NINE, five, 60, true, true, NINE + 2 * HOUR), 120);     /* left at 11:00 */
    assert_int_equal(cert_live_minutes(NINE, five, 60, true, true, five + HOUR), 480);         /* "after the end" */
    /* an afternoon session: a morning signature counts nothing */
    assert_int_equal(cert_live_minutes(NINE + 5 * HOUR, five, 60, true, false, 0), 0);
    assert_int_equal(cert_live_minutes(NINE + 5 * HOUR, five, 60, false, true, 0), 180);
    /* an evening session over midnight, 20:00–02:00 local: four hours of afternoon, two of morning */
    assert_int_equal(cert_live_minutes(NINE + 11 * HOUR, NINE + 17 * HOUR, 60, false, true, 0), 240);
    assert_int_equal(cert_live_minutes(NINE + 11 * HOUR, NINE + 17 * HOUR, 60, true, false, 0), 120);
    assert_int_equal(cert_live_minutes(NINE + 11 * HOUR, NINE + 17 * HOUR, 60, true, true, NINE + 16 * HOUR), 300);
    /* the same instants read at UTC−05:00: 03:00–11:00, all morning */
    assert_int_equal(cert_live_minutes(NINE, five, -300, true, false, 0), 480);
    assert_int_equal(cert_live_minutes(NINE, five, -300, false, true, 0), 0);
}

static LiveSession new_session(const char *title, UsTime starts, UsTime ends)
{
    SessionInput in = {.title = title, .mode = "room", .place = "Salle 1", .starts_at = starts, .ends_at = ends,
                       .grace_minutes = 30, .utc_offset_min = 60};
    int64_t id = 0;
    assert_int_equal(attendance_session_create(db, &run, &in, admin, NINE, &id), LN_OK);
    LiveSession s;
    assert_int_equal(attendance_session_load(db, arena, org, id, &s), LN_OK);
    return s;
}

static void sign(const LiveSession *s, int64_t user, UsTime at)
{
    SignInput in = {.session = s, .user_id = user, .role = "learner", .method = "qr", .ip = "10.0.0.9",
                    .user_agent = "UA", .strokes = STROKES, .strokes_len = strlen(STROKES), .now = at};
    Signature g;
    const char *why = NULL;
    assert_int_equal(attendance_sign(db, arena, &in, &g, &why), LN_OK);
}

static void beats(int64_t unit, int64_t user, UsTime from, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms)"
                                    " VALUES ($1, $2, $3, $4, $5, 60000)", "iiiii", run.id, unit, user, org,
                                from + i * MINUTE), DB_DONE);
}

static Certificate issued;

static void test_issue(void **state)
{
    const char *why = NULL;
    Certificate c;
    UsTime later = NINE + 30 * 24 * HOUR;
    CertInput in = {.org_id = org, .run_id = run.id, .user_id = learners[0], .by = admin, .action_type = "training",
                    .employer = "  Électricité du Sud  ", .base_url = "https://lectern.example", .now = later};
    int64_t e0 = entries("certificate.issued");

    /* refused, nothing written: no evidence yet, not enrolled, bad type, employer too long */
    assert_int_equal(cert_issue(db, arena, &in, &c, &why), LN_EPERM);
    CertInput out = in;
    out.user_id = admin;
    assert_int_equal(cert_issue(db, arena, &out, &c, &why), LN_NOTFOUND);
    out = in;
    out.org_id = other_org;
    assert_int_equal(cert_issue(db, arena, &out, &c, &why), LN_NOTFOUND);
    out = in;
    out.action_type = "webinar";
    assert_int_equal(cert_issue(db, arena, &out, &c, &why), LN_EINVAL);
    char longname[CERT_EMPLOYER_MAX + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    out = in;
    out.employer = longname;
    assert_int_equal(cert_issue(db, arena, &out, &c, &why), LN_EINVAL);
    assert_int_equal(count("SELECT count(*) FROM certificate WHERE org_id = $1", org), 0);
    assert_int_equal(entries("certificate.issued"), e0);
    assert_int_equal(mails(learners[0]), 0);

    /* the evidence: a day signed morning and afternoon, left at 15:00; an afternoon session signed in
     * the morning half only (nothing); 10 + 3 minutes of distance work in two connection sessions */
    LiveSession day = new_session("Journée pratique", NINE, NINE + 8 * HOUR);
    sign(&day, learners[0], NINE + 5 * MINUTE);
    sign(&day, learners[0], NINE + 4 * HOUR);
    DepartInput d = {.session = &day, .user_id = learners[0], .method = "online", .device_user_id = learners[0],
                     .ip = "10.0.0.7", .user_agent = "UA", .strokes = STROKES, .strokes_len = strlen(STROKES),
                     .now = NINE + 6 * HOUR};
    Departure dep;
    assert_int_equal(attendance_depart(db, arena, &d, &dep, &why), LN_OK);
    LiveSession second = new_session("Visite de site", NINE + 24 * HOUR + 3 * HOUR, NINE + 24 * HOUR + 5 * HOUR);
    sign(&second, learners[1], NINE + 24 * HOUR + 3 * HOUR);     /* another learner's: not counted */
    int64_t sec = 0, unit = 0;
    SectionInput si = {.title = "Module 1", .release_days = -1};
    UnitInput ui = {.kind = "text", .title = "Lire la consigne", .body = "x", .minutes = 5, .duration_s = -1,
                    .threshold = -1, .required = 1};
    assert_int_equal(section_create(db, &course, &si, NINE, &sec), LN_OK);
    ui.section_id = sec;
    assert_int_equal(unit_create(db, &course, &ui, NINE, &unit), LN_OK);
    beats(unit, learners[0], NINE + 72 * HOUR, 10);
    beats(unit, learners[0], NINE + 75 * HOUR, 3);

    CertFigures f;
    char *name = NULL;
    assert_int_equal(cert_figures(db, arena, org, run.id, learners[0], later, &f, &name), LN_OK);
    assert_string_equal(name, "Zoé Lefèvre");
    assert_int_equal(f.live_minutes, 360);
    assert_int_equal(f.live_sessions, 1);
    assert_int_equal(f.distance_minutes, 13);
    assert_int_equal(f.connection_sessions, 2);
    assert_int_equal(f.attempts, 0);
    assert_int_equal(f.first_at, NINE);                          /* the session's start */
    assert_int_equal(f.last_at, NINE + 75 * HOUR + 2 * MINUTE);  /* the last heartbeat */
    assert_int_equal(cert_figures(db, arena, org, run.id, learners[2], later, &f, NULL), LN_OK);
    assert_int_equal(f.first_at, 0);
    /* learner 1 signed the second session (12:00–14:00) at noon: its afternoon */
    assert_int_equal(cert_figures(db, arena, org, run.id, learners[1], later, &f, NULL), LN_OK);
    assert_int_equal(f.live_minutes, 120);
    assert_int_equal(f.live_sessions, 1);
    /* learner 2: 30 seconds of activity are evidence, but no hour to certify */
    assert_int_equal(db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms)"
                                " VALUES ($1, $2, $3, $4, $5, 30000)", "iiiii", run.id, unit, learners[2], org,
                            NINE + 80 * HOUR), DB_DONE);
    assert_int_equal(cert_figures(db, arena, org, run.id, learners[2], later, &f, NULL), LN_OK);
    assert_true(f.first_at > NINE + 79 * HOUR && f.first_at <= NINE + 80 * HOUR);
    assert_int_equal(f.connection_sessions, 1);
    assert_int_equal(f.live_minutes + f.distance_minutes, 0);
    out = in;
    out.user_id = learners[2];
    assert_int_equal(cert_issue(db, arena, &out, &c, &why), LN_EPERM);
    assert_int_equal(count("SELECT count(*) FROM certificate WHERE org_id = $1", org), 0);
    assert_int_equal(cert_figures(db, arena, other_org, run.id, learners[0], later, &f, NULL), LN_NOTFOUND);

    /* issued: the row, the entry, the trimmed employer */
    assert_int_equal(cert_issue(db, arena, &in, &issued, &why), LN_OK);
    assert_int_equal(strlen(issued.public_id), CERT_PUBLIC_ID_LEN);
    assert_string_equal(issued.employer, "Électricité du Sud");
    assert_int_equal(issued.f.live_minutes, 360);
    assert_int_equal(issued.f.distance_minutes, 13);
    assert_int_equal(entries("certificate.issued"), e0 + 1);
    assert_int_equal(count("SELECT ledger_seq FROM certificate WHERE id = $1", issued.id), issued.ledger_seq);
    /* the learner is told, in French, with the links */
    assert_int_equal(mails(learners[0]), 1);
    char *body = last_mail(learners[0]);
    assert_non_null(strstr(body, "Votre certificat de réalisation\xe2\x80\xaf: Habilitation électrique\nBonjour Zoé Lefèvre,"));
    assert_non_null(strstr(body, "6 h 13 min"));
    assert_non_null(strstr(body, arena_printf(arena, "https://lectern.example/verify/certificates/%s", issued.public_id)));
    /* once */
    assert_int_equal(cert_issue(db, arena, &in, &c, &why), LN_EEXIST);
    assert_int_equal(entries("certificate.issued"), e0 + 1);

    /* read back; another organisation does not see it */
    assert_int_equal(cert_load(db, arena, issued.public_id, org, &c), LN_OK);
    assert_string_equal(c.learner_name, "Zoé Lefèvre");
    assert_string_equal(c.course_title, "Habilitation électrique");
    assert_int_equal(c.f.live_minutes + c.f.distance_minutes, 373);
    assert_int_equal(c.revoked_at, 0);
    assert_int_equal(cert_load(db, arena, issued.public_id, other_org, &c), LN_NOTFOUND);
    assert_int_equal(cert_load(db, arena, "not-an-id", 0, &c), LN_NOTFOUND);
    CertLearnerList l;
    assert_int_equal(cert_run_learners(db, arena, run.id, 0, &l), LN_OK);
    assert_int_equal(l.n, 3);
    assert_false(l.more);
    assert_string_equal(l.items[0].name, "Anaïs Dupré");         /* by name */
    assert_int_equal(l.items[0].cert.id, 0);
    assert_string_equal(l.items[2].cert.issuer_name, "Hélène Directrice");
    assert_string_equal(l.items[2].cert.public_id, issued.public_id);
    CertificateList mine;
    assert_int_equal(cert_of_user(db, arena, learners[0], 0, &mine), LN_OK);
    assert_int_equal(mine.n, 1);
    assert_int_equal(cert_of_user(db, arena, learners[0], other_org, &mine), LN_OK);
    assert_int_equal(mine.n, 0);

    /* the figures stay what they were when issued, whatever comes after */
    beats(unit, learners[0], NINE + 100 * HOUR, 20);
    assert_int_equal(cert_load(db, arena, issued.public_id, 0, &c), LN_OK);
    assert_int_equal(c.f.distance_minutes, 13);
}

static void test_check(void **state)
{
    Certificate c;
    CertCheck k;
    assert_int_equal(cert_load(db, arena, issued.public_id, 0, &c), LN_OK);
    assert_int_equal(cert_check(db, arena, &c, &k), LN_OK);
    assert_true(k.entry_found);
    assert_true(k.matches);
    assert_int_equal(k.span_rc, LN_OK);
    assert_int_equal(strlen(k.entry_hash), 64);
    /* no checkpoint in this test's organisation yet */
    assert_string_equal(cert_verdict(&c, &k), "not_checkpointed");

    /* a figure changed behind the application's back is found */
    assert_int_equal(db_run(db, "UPDATE certificate SET live_minutes = live_minutes + 60 WHERE id = $1", "i", c.id), DB_DONE);
    assert_int_equal(cert_load(db, arena, issued.public_id, 0, &c), LN_OK);
    assert_int_equal(cert_check(db, arena, &c, &k), LN_OK);
    assert_false(k.matches);
    assert_string_equal(cert_verdict(&c, &k), "failed");
    FactsReport fr;
    assert_int_equal(cert_facts_verify(db, org, &fr), LN_EINVAL);       /* lectern verify finds it too */
    assert_string_equal(fr.table, "certificate");
    assert_int_equal(fr.bad_id, c.id);
    assert_int_equal(db_run(db, "UPDATE certificate SET live_minutes = live_minutes - 60 WHERE id = $1", "i", c.id), DB_DONE);
    assert_int_equal(cert_facts_verify(db, org, &fr), LN_OK);
    assert_int_equal(fr.checked, 1);
    /* so is a name */
    assert_int_equal(db_run(db, "UPDATE certificate SET learner_name = 'Someone Else' WHERE id = $1", "i", c.id), DB_DONE);
    assert_int_equal(cert_load(db, arena, issued.public_id, 0, &c), LN_OK);
    assert_int_equal(cert_check(db, arena, &c, &k), LN_OK);
    assert_string_equal(cert_verdict(&c, &k), "failed");
    assert_int_equal(db_run(db, "UPDATE certificate SET learner_name = 'Zoé Lefèvre' WHERE id = $1", "i", c.id), DB_DONE);
    assert_int_equal(cert_load(db, arena, issued.public_id, 0, &c), LN_OK);
    assert_int_equal(cert_check(db, arena, &c, &k), LN_OK);
    assert_true(k.matches);

    /* the PDF */
    Buf b;
    buf_init(&b, 0);
    assert_int_equal(cert_pdf(arena, &c, "fr", cert_verify_url(arena, "http://127.0.0.1:8080", c.public_id), &b), LN_OK);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "%PDF-", 5);
    buf_free(&b);
    assert_string_equal(cert_duration(arena, 373), "6 h 13 min");
    assert_string_equal(cert_duration(arena, 45), "45 min");
}

static void test_revoke(void **state)
{
    const char *why = NULL;
    UsTime later = NINE + 40 * 24 * HOUR;
    int64_t e0 = entries("certificate.revoked");
    /* refused, nothing written */
    assert_int_equal(cert_revoke(db, issued.public_id, org, admin, "   ", "https://lectern.example", later, &why), LN_EINVAL);
    assert_int_equal(cert_revoke(db, issued.public_id, other_org, admin, "Erreur", "https://lectern.example", later, &why),
                     LN_NOTFOUND);
    assert_int_equal(entries("certificate.revoked"), e0);
    /* revoked: the row and a correction of the issue's entry */
    int64_t m0 = mails(learners[0]);
    assert_int_equal(cert_revoke(db, issued.public_id, org, admin, "Heures saisies sur le mauvais apprenant",
                                 "https://lectern.example", later, &why), LN_OK);
    /* the learner is told, in French, with the reason */
    assert_int_equal(mails(learners[0]), m0 + 1);
    char *body = last_mail(learners[0]);
    assert_non_null(strstr(body, "Votre certificat de réalisation est révoqué\xe2\x80\xaf: Habilitation électrique\n"));
    assert_non_null(strstr(body, "Heures saisies sur le mauvais apprenant"));
    assert_int_equal(entries("certificate.revoked"), e0 + 1);
    Certificate c;
    assert_int_equal(cert_load(db, arena, issued.public_id, 0, &c), LN_OK);
    assert_int_equal(c.revoked_at, later);
    assert_string_equal(c.revoke_reason, "Heures saisies sur le mauvais apprenant");
    char *payload = db_query_text(db, arena, "SELECT payload FROM ledger_entry WHERE org_id = $1 AND seq = $2", "ii", org,
                                  c.revoke_seq);
    assert_non_null(payload);
    assert_non_null(strstr(payload, arena_printf(arena, "\"corrects\":%lld", (long long)c.ledger_seq)));
    CertCheck k;
    assert_int_equal(cert_check(db, arena, &c, &k), LN_OK);
    assert_string_equal(cert_verdict(&c, &k), "revoked");
    assert_int_equal(cert_revoke(db, issued.public_id, org, admin, "Encore", "https://lectern.example", later, &why), LN_EEXIST);
    assert_int_equal(entries("certificate.revoked"), e0 + 1);
    /* a new one may be issued after */
    CertInput in = {.org_id = org, .run_id = run.id, .user_id = learners[0], .by = admin,
                    .action_type = "apprenticeship", .now = later + HOUR};
    Certificate again;
    assert_int_equal(cert_issue(db, arena, &in, &again, &why), LN_OK);
    assert_string_not_equal(again.public_id, issued.public_id);
    assert_string_equal(again.employer, "");
    assert_int_equal(count("SELECT count(*) FROM certificate WHERE user_id = $1", learners[0]), 2);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    FactsReport fr;
    assert_int_equal(cert_facts_verify(db, org, &fr), LN_OK);
    assert_int_equal(fr.checked, 2);
    /* a revocation's reason changed in SQL, or a certificate row deleted, is found */
    assert_int_equal(db_run(db, "UPDATE certificate SET revoke_reason = 'autre' WHERE id = $1", "i", c.id), DB_DONE);
    assert_int_equal(cert_facts_verify(db, org, &fr), LN_EINVAL);
    assert_int_equal(fr.bad_id, c.id);
    assert_int_equal(db_run(db, "UPDATE certificate SET revoke_reason = $1 WHERE id = $2", "ti",
                            "Heures saisies sur le mauvais apprenant", c.id), DB_DONE);
    assert_int_equal(cert_facts_verify(db, org, &fr), LN_OK);
    assert_int_equal(db_run(db, "DELETE FROM certificate WHERE id = $1", "i", again.id), DB_DONE);
    assert_int_equal(cert_facts_verify(db, org, &fr), LN_EINVAL);
    assert_non_null(strstr(fr.detail, "2 certificates issued"));
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);      /* the chain alone cannot see it */
}

/* All the certificates of the run in one ZIP, the missing ones issued first;
 * then the same as a background job. */
static void test_zip(void **state)
{
    char dir[] = "/tmp/lectern-cert-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *dest = arena_printf(arena, "%s/all.zip", dir);
    CertBatchInput in = {.org_id = org, .run_id = run.id, .issue = true, .by = admin, .action_type = "training",
                         .lang = "fr", .base_url = "https://lectern.example"};
    CertBatch b;
    CertBatchInput bad = in;
    bad.action_type = "webinar";
    assert_int_equal(cert_run_zip(db, &bad, dest, NULL, NULL, &b), LN_EINVAL);
    bad = in;
    bad.org_id = other_org;
    assert_int_equal(cert_run_zip(db, &bad, dest, NULL, NULL, &b), LN_NOTFOUND);
    assert_int_equal(access(dest, F_OK), -1);
    /* learner 0 has none valid (revoked, the new one deleted above), learner 1 has 2 h of a live
     * session, learner 2 has no hour: two issued, two in the ZIP */
    int64_t e0 = entries("certificate.issued");
    assert_int_equal(cert_run_zip(db, &in, dest, NULL, NULL, &b), LN_OK);
    assert_int_equal(b.learners, 3);
    assert_int_equal(b.issued, 2);
    assert_int_equal(b.no_hours, 1);
    assert_int_equal(b.in_zip, 2);
    assert_int_equal(entries("certificate.issued"), e0 + 2);
    size_t len = 0;
    char *zip = test_slurp(dest, &len);
    assert_non_null(zip);
    assert_memory_equal(zip, "PK", 2);
    assert_non_null(memmem(zip, len, "certificates.csv", 16));
    free(zip);
    /* again, without issuing: the same two */
    in.issue = false;
    assert_int_equal(cert_run_zip(db, &in, dest, NULL, NULL, &b), LN_OK);
    assert_int_equal(b.issued, 0);
    assert_int_equal(b.in_zip, 2);
    assert_int_equal(entries("certificate.issued"), e0 + 2);

    /* the background job: queued, made by the tick, counted */
    int64_t id = 0;
    assert_int_equal(cert_job_create(db, &in, admin, NINE, &id), LN_OK);
    CertJob j;
    assert_int_equal(cert_job_load(db, arena, org, run.id, id, &j), LN_OK);
    assert_string_equal(j.status, "queued");
    assert_int_equal(j.total, 3);
    assert_int_equal(cert_job_load(db, arena, other_org, run.id, id, &j), LN_NOTFOUND);
    assert_int_equal(cert_jobs_run(db, dir, "https://lectern.example", time_now_us()), 1);
    assert_int_equal(cert_job_load(db, arena, org, run.id, id, &j), LN_OK);
    assert_string_equal(j.status, "done");
    assert_int_equal(j.done, 3);
    assert_int_equal(j.in_zip, 2);
    assert_int_equal(access(cert_job_path(arena, dir, id), R_OK), 0);
    assert_int_equal(cert_jobs_run(db, dir, "https://lectern.example", time_now_us()), 0);    /* nothing left */
    /* refused before anything is queued */
    CertBatchInput none = in;
    none.issue = true;
    none.action_type = "webinar";
    assert_int_equal(cert_job_create(db, &none, admin, NINE, &id), LN_EINVAL);
    RunRef empty;
    int64_t rid = 0;
    assert_int_equal(run_create(db, &course, "Session vide", "corporate", 0, 0, 0, NINE, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &empty), LN_OK);
    none = in;
    none.run_id = empty.id;
    assert_int_equal(cert_job_create(db, &none, admin, NINE, &id), LN_NOTFOUND);
    rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_minutes),
        cmocka_unit_test(test_issue),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_revoke),
        cmocka_unit_test(test_zip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
