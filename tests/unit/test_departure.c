/* test_departure.c — early departures (src/attendance/departure.c), a
 * learner's attendance sheet over a programme (progsheet.c) and the
 * start/end signatures of distance units (unitsign.c): each refused outside
 * its window with nothing written, each with its ledger entry in the same
 * transaction, the arrival signature never touched.  Fixed times only
 * (2026-03-02 at UTC+01:00), never the wall clock.  Runs on SQLite and
 * PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "attendance/departure.h"
#include "attendance/pdf.h"
#include "attendance/progsheet.h"
#include "attendance/record.h"
#include "attendance/unitsign.h"
#include "account/account.h"
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
static int64_t org, trainer, learners[3], outsider, programme;
static RunRef run;
static Course course;

static int64_t add_user(const char *what, const char *name, Role role)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@departure.test", what, (int)getpid());
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
    snprintf(slug, sizeof slug, "dep-%d", (int)getpid());
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "DEP-1", .title = "Sécurité électrique", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Formations Éole", false, NINE, &org) != LN_OK) return -1;
    trainer = add_user("trainer", "Hélène Formatrice", ROLE_TRAINER);
    learners[0] = add_user("l0", "Zoé Lefèvre", ROLE_LEARNER);
    learners[1] = add_user("l1", "Anaïs Dupré", ROLE_LEARNER);
    learners[2] = add_user("l2", "Jérôme Noël", ROLE_LEARNER);
    outsider = add_user("out", "Not Enrolled", ROLE_LEARNER);
    if (!trainer || !learners[2] || !outsider) return -1;
    if (course_create(db, org, &in, trainer, NINE, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Session de mars", "corporate", 0, 0, 0, NINE, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK)
        return -1;
    for (int i = 0; i < 3; i++)
        if (enrol_insert(db, &run, learners[i], NINE) != LN_OK) return -1;
    if (db_query_i64(db, &programme, "INSERT INTO programme (org_id, title, created_at, updated_at)"
                                     " VALUES ($1, 'Parcours habilitation', $2, $2) RETURNING id", "ii", org, NINE) != DB_ROW
        || db_run(db, "UPDATE course SET programme_id = $1 WHERE id = $2", "ii", programme, course.id) != DB_DONE)
        return -1;
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

static LiveSession new_session(const char *title, UsTime starts, UsTime ends)
{
    SessionInput in = {.title = title, .mode = "room", .place = "Salle 1", .starts_at = starts, .ends_at = ends,
                       .grace_minutes = 30, .utc_offset_min = 60};
    int64_t id = 0;
    assert_int_equal(attendance_session_create(db, &run, &in, trainer, NINE, &id), LN_OK);
    LiveSession s;
    assert_int_equal(attendance_session_load(db, arena, org, id, &s), LN_OK);
    return s;
}

static void sign(const LiveSession *s, int64_t user, const char *role, UsTime at)
{
    SignInput in = {.session = s, .user_id = user, .role = role, .method = "qr", .ip = "10.0.0.9", .user_agent = "UA",
                    .strokes = STROKES, .strokes_len = strlen(STROKES), .now = at};
    Signature g;
    const char *why = NULL;
    assert_int_equal(attendance_sign(db, arena, &in, &g, &why), LN_OK);
}

static int depart(const LiveSession *s, int64_t user, UsTime at, const char **why)
{
    DepartInput in = {.session = s, .user_id = user, .method = "online", .device_user_id = user, .ip = "10.0.0.7",
                      .user_agent = "Firefox", .strokes = STROKES, .strokes_len = strlen(STROKES), .now = at};
    Departure d;
    *why = NULL;
    return attendance_depart(db, arena, &in, &d, why);
}

static LiveSession day;         /* 09:00–17:00, signing until 17:30 */

static void test_departure(void **state)
{
    day = new_session("Journée pratique", NINE, NINE + 8 * HOUR);
    sign(&day, learners[0], "learner", NINE + 5 * MINUTE);
    sign(&day, learners[1], "learner", NINE + 6 * MINUTE);
    sign(&day, trainer, "trainer", NINE + 2 * MINUTE);
    const char *why;
    int64_t sig_before = count("SELECT signed_at FROM signature WHERE user_id = $1", learners[0]);
    int64_t e0 = entries("attendance.departure");

    /* refused, nothing written */
    assert_int_equal(depart(&day, learners[0], NINE - HOUR, &why), LN_EPERM);          /* before the window */
    assert_string_equal(why, "Signing has not opened yet.");
    assert_int_equal(depart(&day, learners[0], NINE + 8 * HOUR + 5 * MINUTE, &why), LN_EPERM);  /* after the end */
    assert_string_equal(why, "The session is over: a departure is signed before its end.");
    assert_int_equal(depart(&day, learners[2], NINE + 2 * HOUR, &why), LN_EPERM);      /* no arrival */
    assert_string_equal(why, "Sign your arrival first: a departure follows an arrival signature.");
    assert_int_equal(depart(&day, outsider, NINE + 2 * HOUR, &why), LN_NOTFOUND);
    DepartInput bad = {.session = &day, .user_id = learners[0], .method = "online", .strokes = "[]", .strokes_len = 2,
                       .now = NINE + HOUR};
    Departure d;
    assert_int_equal(attendance_depart(db, arena, &bad, &d, &why), LN_EINVAL);
    assert_int_equal(count("SELECT count(*) FROM departure WHERE session_id = $1", day.id), 0);
    assert_int_equal(entries("attendance.departure"), e0);
    /* the same answers before drawing (the page) */
    assert_int_equal(attendance_depart_check(db, &day, learners[2], NINE + 2 * HOUR, &why), LN_EPERM);
    assert_int_equal(attendance_depart_check(db, &day, learners[0], NINE + 8 * HOUR, &why), LN_EPERM);
    assert_int_equal(attendance_depart_check(db, &day, outsider, NINE + 2 * HOUR, &why), LN_NOTFOUND);
    assert_int_equal(attendance_depart_check(db, &day, learners[0], NINE + 2 * HOUR, &why), LN_OK);

    /* learner 0 leaves at 15:30 */
    assert_int_equal(depart(&day, learners[0], NINE + 6 * HOUR + 30 * MINUTE, &why), LN_OK);
    assert_int_equal(entries("attendance.departure"), e0 + 1);
    assert_int_equal(depart(&day, learners[0], NINE + 7 * HOUR, &why), LN_EEXIST);     /* once */
    assert_int_equal(attendance_depart_check(db, &day, learners[0], NINE + 7 * HOUR, &why), LN_EEXIST);
    assert_string_equal(why, "You have already signed your departure from this session.");
    assert_int_equal(entries("attendance.departure"), e0 + 1);
    /* the arrival signature is untouched */
    assert_int_equal(count("SELECT signed_at FROM signature WHERE user_id = $1", learners[0]), sig_before);
    assert_int_equal(count("SELECT count(*) FROM signature WHERE user_id = $1", learners[0]), 1);
    DepartureList l;
    assert_int_equal(attendance_departures(db, arena, day.id, 0, &l), LN_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].signed_at, NINE + 6 * HOUR + 30 * MINUTE);
    assert_string_equal(l.items[0].ip, "10.0.0.7");
    assert_string_equal(l.items[0].user_agent, "Firefox");
    assert_non_null(departure_find(&l, learners[0]));
    assert_null(departure_find(&l, learners[1]));
    /* the ledger entry names the departure */
    char *payload = NULL;
    DbStmt *st = db_prepare(db, "SELECT payload FROM ledger_entry WHERE org_id = $1 AND kind = 'attendance.departure'");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    payload = db_col_dup(st, 0, arena);
    db_done(st);
    assert_non_null(strstr(payload, "\"departure_id\""));
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* pdftotext of a PDF in memory; "" when the tool is missing. */
static char *pdf_text(const Buf *b)
{
    char path[] = "/tmp/lectern-dep-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "pdftotext -layout %s - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    Buf out;
    buf_init(&out, 0);
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0) buf_append(&out, chunk, n);
    if (p) pclose(p);
    unlink(path);
    char *s = arena_strdup(arena, buf_cstr(&out));
    buf_free(&out);
    return s;
}

static void test_programme_sheet(void **state)
{
    /* a second session, morning only, that learner 1 missed; the sheet is read the next day */
    LiveSession morning = new_session("Théorie", NINE + 24 * HOUR, NINE + 27 * HOUR);
    sign(&morning, learners[0], "learner", NINE + 24 * HOUR + 20 * MINUTE);
    UsTime later = NINE + 48 * HOUR;
    ProgSheet p;
    assert_int_equal(progsheet_load(db, arena, org, programme, outsider, later, &p), LN_NOTFOUND);
    assert_int_equal(progsheet_load(db, arena, org + 1000, programme, learners[0], later, &p), LN_NOTFOUND);
    assert_int_equal(progsheet_load(db, arena, org, programme, learners[1], later, &p), LN_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.learner_name, "Anaïs Dupré");
    assert_int_equal(p.items[0].s.id, day.id);
    assert_int_equal(p.items[0].nh, 2);
    assert_non_null(p.items[0].halves[0].sig);
    assert_null(p.items[0].halves[1].sig);
    assert_non_null(p.items[0].halves[1].absence);          /* recorded when the sheet was read */
    assert_string_equal(p.items[0].halves[1].absence->status, "unjustified");
    assert_non_null(p.items[0].trainer_strokes);
    assert_string_equal(p.items[0].trainer_name, "Hélène Formatrice");
    assert_non_null(p.items[1].halves[0].absence);
    Buf b;
    buf_init(&b, 0);
    char *url = progsheet_url(arena, "https://x.test", "a secret", programme, learners[1]);
    assert_int_equal(progsheet_pdf(arena, &p, "fr", url, &b), LN_OK);
    assert_memory_equal(b.data, "%PDF", 4);
    assert_non_null(memmem(b.data, b.len, url, strlen(url)));     /* the QR code's link */
    assert_true(progsheet_check("a secret", programme, learners[1], strrchr(url, '/') + 1));
    assert_false(progsheet_check("a secret", programme, learners[0], strrchr(url, '/') + 1));   /* another learner */
    assert_false(progsheet_check("a secret", programme + 1, learners[1], strrchr(url, '/') + 1));
    char *t = pdf_text(&b);
    if (t[0]) {
        assert_non_null(strstr(t, "Anaïs Dupré"));
        assert_non_null(strstr(t, "Parcours habilitation"));
        assert_non_null(strstr(t, "Formations Éole"));
        assert_non_null(strstr(t, "Sécurité électrique"));
        assert_non_null(strstr(t, "Théorie"));
        assert_non_null(strstr(t, "Hélène Formatrice"));
        assert_non_null(strstr(t, "1 / 1"));
    }
    /* learner 0: the departure time on their sheet, in English */
    assert_int_equal(progsheet_load(db, arena, org, programme, learners[0], later, &p), LN_OK);
    assert_non_null(p.items[0].departure);
    buf_reset(&b);
    assert_int_equal(progsheet_pdf(arena, &p, "en", NULL, &b), LN_OK);
    t = pdf_text(&b);
    if (t[0]) {
        assert_non_null(strstr(t, "Zoé Lefèvre"));
        assert_non_null(strstr(t, "left at 15:30"));
    }
    /* the session's own sheet shows it too */
    buf_reset(&b);
    assert_int_equal(attendance_sheet_pdf(db, arena, org, day.id, "https://x.test/v", &b), LN_OK);
    t = pdf_text(&b);
    if (t[0]) assert_non_null(strstr(t, "left at 15:30"));
    /* many sessions: page breaks, pages numbered */
    for (int i = 0; i < 30; i++) new_session("Atelier", NINE + (72 + 24 * i) * HOUR, NINE + (74 + 24 * i) * HOUR);
    assert_int_equal(progsheet_load(db, arena, org, programme, learners[0], later, &p), LN_OK);
    assert_int_equal(p.n, 32);
    buf_reset(&b);
    assert_int_equal(progsheet_pdf(arena, &p, "en", NULL, &b), LN_OK);
    t = pdf_text(&b);
    if (t[0]) {
        assert_non_null(strstr(t, "Page 1 / "));
        assert_null(strstr(t, "Page 1 / 1"));
    }
    buf_free(&b);
}

static int unit_sign_at(int64_t unit, int64_t user, const char *kind, UsTime at, const char **why)
{
    UnitSignInput in = {.run = &run, .unit_id = unit, .user_id = user, .kind = kind, .ip = "10.1.1.1", .user_agent = "UA",
                        .strokes = STROKES, .strokes_len = strlen(STROKES), .now = at};
    UnitSignature g;
    *why = NULL;
    return unit_sign(db, arena, &in, &g, NULL, why);
}

static void test_unit_signatures(void **state)
{
    int64_t sec = 0, unit = 0, other_unit = 0;
    assert_int_equal(db_query_i64(db, &sec, "INSERT INTO section (course_id, org_id, position, title, created_at, updated_at)"
                                            " VALUES ($1, $2, 1, 'Module à distance', $3, $3) RETURNING id",
                                  "iii", course.id, org, NINE), DB_ROW);
    assert_int_equal(db_query_i64(db, &unit, "INSERT INTO unit (section_id, course_id, org_id, position, kind, title,"
                                             " created_at, updated_at) VALUES ($1, $2, $3, 1, 'text', 'Lecture guidée', $4, $4)"
                                             " RETURNING id", "iiii", sec, course.id, org, NINE), DB_ROW);
    assert_int_equal(db_query_i64(db, &other_unit, "INSERT INTO unit (section_id, course_id, org_id, position, kind, title,"
                                                   " created_at, updated_at) VALUES ($1, $2, $3, 2, 'text', 'Sans', $4, $4)"
                                                   " RETURNING id", "iiii", sec, course.id, org, NINE), DB_ROW);
    const char *why;
    /* the trainer's window: bad ones refused */
    assert_int_equal(unit_window_set(db, &run, unit, "middle", NINE, NINE + HOUR, 60, trainer, NINE, &why), LN_EINVAL);
    assert_int_equal(unit_window_set(db, &run, unit, "start", NINE, NINE, 60, trainer, NINE, &why), LN_EINVAL);
    assert_string_equal(why, "The window must close after it opens.");
    assert_int_equal(unit_window_set(db, &run, unit, "start", NINE, NINE + HOUR, 15 * 60, trainer, NINE, &why), LN_EINVAL);
    assert_int_equal(unit_window_set(db, &run, unit + 100000, "start", NINE, NINE + HOUR, 60, trainer, NINE, &why), LN_NOTFOUND);
    assert_int_equal(unit_window_set(db, &run, unit, "start", NINE, NINE + HOUR, 60, trainer, NINE, &why), LN_OK);
    assert_int_equal(unit_window_set(db, &run, unit, "end", NINE + 3 * HOUR, NINE + 5 * HOUR, 60, trainer, NINE, &why), LN_OK);
    /* replaced, not doubled */
    assert_int_equal(unit_window_set(db, &run, unit, "end", NINE + 2 * HOUR, NINE + 4 * HOUR, 60, trainer, NINE, &why), LN_OK);
    UnitWindowList wl;
    assert_int_equal(unit_windows(db, arena, run.id, unit, &wl), LN_OK);
    assert_int_equal(wl.n, 2);
    assert_string_equal(wl.items[0].kind, "start");
    assert_int_equal(wl.items[1].opens_at, NINE + 2 * HOUR);
    assert_int_equal(wl.items[1].utc_offset_min, 60);

    int64_t e0 = entries("attendance.unit_signature");
    /* refused outside the window, without a window, not enrolled: nothing written */
    assert_int_equal(unit_sign_at(unit, learners[0], "start", NINE - MINUTE, &why), LN_EPERM);
    assert_string_equal(why, "Signing for this unit has not opened yet.");
    assert_int_equal(unit_sign_at(unit, learners[0], "start", NINE + HOUR + MINUTE, &why), LN_EPERM);
    assert_string_equal(why, "Signing for this unit is closed.");
    assert_int_equal(unit_sign_at(other_unit, learners[0], "start", NINE + MINUTE, &why), LN_NOTFOUND);
    assert_int_equal(unit_sign_at(unit, outsider, "start", NINE + MINUTE, &why), LN_NOTFOUND);
    assert_int_equal(count("SELECT count(*) FROM unit_signature WHERE unit_id = $1", unit), 0);
    assert_int_equal(entries("attendance.unit_signature"), e0);
    /* inside: once each */
    assert_int_equal(unit_sign_at(unit, learners[0], "start", NINE + 10 * MINUTE, &why), LN_OK);
    assert_int_equal(unit_sign_at(unit, learners[0], "start", NINE + 20 * MINUTE, &why), LN_EEXIST);
    assert_int_equal(unit_sign_at(unit, learners[0], "end", NINE + 3 * HOUR, &why), LN_OK);
    assert_int_equal(entries("attendance.unit_signature"), e0 + 2);
    UnitSignatureList sl;
    assert_int_equal(unit_signatures(db, arena, run.id, learners[0], 0, &sl), LN_OK);
    assert_int_equal(sl.n, 2);
    assert_string_equal(sl.items[0].kind, "start");
    assert_string_equal(sl.items[0].unit_title, "Lecture guidée");
    /* in the connection record: screen data, CSV and PDF */
    ConnRecord c;
    assert_int_equal(conn_record_load(db, arena, org, run.id, learners[0], NINE + 6 * HOUR, &c), LN_OK);
    assert_int_equal(c.usigs.n, 2);
    Buf b;
    buf_init(&b, 0);
    conn_record_csv(&c, &b);
    assert_non_null(strstr(buf_cstr(&b), "unit_signature,"));
    buf_reset(&b);
    assert_int_equal(conn_record_pdf(arena, &c, "fr", &b), LN_OK);
    char *t = pdf_text(&b);
    if (t[0]) assert_non_null(strstr(t, "Lecture guidée"));
    buf_free(&b);
    /* a cleared window: no more signing; what was signed stays */
    assert_int_equal(unit_window_clear(db, &run, unit, "end"), LN_OK);
    assert_int_equal(unit_sign_at(unit, learners[1], "end", NINE + 3 * HOUR, &why), LN_NOTFOUND);
    assert_int_equal(count("SELECT count(*) FROM unit_signature WHERE unit_id = $1", unit), 2);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_departure),
        cmocka_unit_test(test_programme_sheet),
        cmocka_unit_test(test_unit_signatures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
