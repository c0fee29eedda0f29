/* test_absence.c — absences, justifications and decisions (src/attendance/
 * absence.c): absences recorded once when the signing window closes (by the
 * tick or at first read), each with its ledger entry; justifications by the
 * absent learner only, with a file from the media store; decisions by an
 * administrator that supersede, never update, with ledger corrections; the
 * reminders.  Fixed times only (2026-03-02 at UTC+01:00), never the wall
 * clock.  Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "attendance/absence.h"
#include "account/account.h"
#include "content/content.h"
#include "attendance/record.h"
#include "attendance/pdf.h"
#include "attendance/sheets.h"
#include "evidence/ledger.h"
#include "org/org.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#define MINUTE (60 * US_PER_SEC)
#define HOUR (60 * MINUTE)
#define NINE (INT64_C(1772438400) * US_PER_SEC)     /* 2026-03-02 09:00 at UTC+01:00 */

static Db *db;
static Arena *arena;
static App app;
static char data_dir[64];
static int64_t org, other_org, trainer, admin, learners[4];
static RunRef run;
static Course course;

static int64_t add_user(const char *what, Role role, int64_t in_org)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@absence.test", what, (int)getpid());
    int64_t id = 0;
    if (user_create(db, email, what, "a-long-password", "fr", false, NINE, &id) != LN_OK) return 0;
    if (role != ROLE_NONE && member_set(db, in_org, id, role, NINE) != LN_OK) return 0;
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
    snprintf(data_dir, sizeof data_dir, "/tmp/lectern-abs-XXXXXX");
    if (!mkdtemp(data_dir)) return -1;
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", data_dir);
    char slug[48];
    snprintf(slug, sizeof slug, "abs-%d", (int)getpid());
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "ABS-1", .title = "Présence", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Absences", false, NINE, &org) != LN_OK) return -1;
    snprintf(slug, sizeof slug, "abs-other-%d", (int)getpid());
    if (org_create(db, slug, "Other", false, NINE, &other_org) != LN_OK) return -1;
    trainer = add_user("trainer", ROLE_TRAINER, org);
    admin = add_user("admin", ROLE_ADMIN, org);
    for (int i = 0; i < 4; i++) {
        char w[16];
        snprintf(w, sizeof w, "learner%d", i);
        learners[i] = add_user(w, ROLE_LEARNER, org);
    }
    if (!trainer || !admin || !learners[3]) return -1;
    if (course_create(db, org, &in, trainer, NINE, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Run", "corporate", 0, 0, 0, NINE, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK)
        return -1;
    for (int i = 0; i < 4; i++)
        if (enrol_insert(db, &run, learners[i], NINE) != LN_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    /* the PDFs' fonts: pango, cairo and fontconfig keep process-wide caches
     * that LeakSanitizer would report */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    void (*fc_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");   /* fontconfig is not linked directly */
    if (fc_fini) fc_fini();
    rm_tree(data_dir);
    config_free(&app.cfg);
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

static int64_t ledger_entries(void)
{
    return count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org);
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

static void sign(const LiveSession *s, int64_t user, UsTime at, const char *strokes)
{
    SignInput in = {.session = s, .user_id = user, .role = "learner", .method = "qr", .ip = "10.0.0.9", .user_agent = "UA",
                    .strokes = strokes, .strokes_len = strlen(strokes), .now = at};
    Signature g;
    const char *why = NULL;
    assert_int_equal(attendance_sign(db, arena, &in, &g, &why), LN_OK);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++) n++;
    return n;
}

static void test_halves(void **state)
{
    LiveSession day = {.starts_at = NINE, .ends_at = NINE + 8 * HOUR, .utc_offset_min = 60};
    LiveSession morning = {.starts_at = NINE, .ends_at = NINE + 3 * HOUR, .utc_offset_min = 60};   /* ends at noon */
    const char *h[2];
    assert_int_equal(attendance_halves(&day, h), 2);
    assert_string_equal(h[0], "am");
    assert_string_equal(h[1], "pm");
    assert_int_equal(attendance_halves(&morning, h), 1);
    assert_string_equal(h[0], "am");
}

/* A full day: learner 0 signs both half-days, learner 1 the morning only. */
static LiveSession day_session;

static void test_absences_recorded(void **state)
{
    LiveSession s = day_session = new_session("Journée", NINE, NINE + 8 * HOUR);     /* 09:00–17:00, closes 17:30 */
    sign(&s, learners[0], NINE + 5 * MINUTE, "[[[10,20,0],[30,40,16]]]");
    sign(&s, learners[0], NINE + 5 * HOUR, "[[[11,20,0],[30,40,16]]]");
    sign(&s, learners[1], NINE + 20 * MINUTE, "[[[12,20,0],[30,40,16]]]");
    int64_t e0 = ledger_entries();
    int made = -1;
    /* still open: nothing */
    assert_int_equal(absence_record(db, &s, NINE + 8 * HOUR + 30 * MINUTE, &made), LN_OK);
    assert_int_equal(made, 0);
    assert_int_equal(count("SELECT count(*) FROM live_session WHERE id = $1 AND absences_at IS NULL", s.id), 1);
    /* closed: the tick records them once */
    UsTime closed = NINE + 8 * HOUR + 31 * MINUTE;
    assert_true(absence_record_due(db, closed) >= 1);
    assert_int_equal(count("SELECT count(*) FROM absence WHERE session_id = $1", s.id), 5);
    assert_int_equal(ledger_entries(), e0 + 5);
    assert_int_equal(absence_record_due(db, closed + MINUTE), 0);
    assert_int_equal(absence_record(db, &s, closed + MINUTE, &made), LN_OK);
    assert_int_equal(made, 0);
    assert_int_equal(absence_record_pending(db, org, run.id, closed + HOUR), 0);
    assert_int_equal(count("SELECT count(*) FROM absence WHERE session_id = $1", s.id), 5);
    assert_int_equal(ledger_entries(), e0 + 5);
    /* who and which half-days */
    assert_int_equal(count("SELECT count(*) FROM absence WHERE user_id = $1", learners[0]), 0);
    assert_int_equal(count("SELECT count(*) FROM absence WHERE user_id = $1 AND half_day = 'pm'", learners[1]), 1);
    assert_int_equal(count("SELECT count(*) FROM absence WHERE user_id = $1 AND half_day = 'am'", learners[1]), 0);
    assert_int_equal(count("SELECT count(*) FROM absence WHERE user_id = $1", learners[2]), 2);
    /* the entry */
    DbStmt *st = db_prepare(db, "SELECT kind, subject, payload FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "attendance.absence");
    assert_non_null(strstr(db_col_text(st, 1), "session:"));
    assert_non_null(strstr(db_col_text(st, 2), "\"half_day\":\""));
    db_done(st);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    /* the lists */
    AbsenceList l;
    AbsenceFilter f = {.user_id = learners[2]};
    assert_int_equal(absence_list(db, arena, org, &f, &l), LN_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].status, "unjustified");
    assert_string_equal(l.items[0].session_title, "Journée");
    AbsenceFilter fs = {.session_id = s.id, .status = "unjustified"};
    assert_int_equal(absence_list(db, arena, org, &fs, &l), LN_OK);
    assert_int_equal(l.n, 5);
    assert_int_equal(absence_list(db, arena, other_org, &fs, &l), LN_OK);      /* another organisation: none */
    assert_int_equal(l.n, 0);
    Absence a;
    assert_int_equal(absence_load(db, arena, other_org, l.n ? 0 : fs.session_id, &a), LN_NOTFOUND);
}

static int64_t absence_of(int64_t user, const char *half)
{
    int64_t id = 0;
    db_query_i64(db, &id, "SELECT id FROM absence WHERE session_id = $1 AND user_id = $2 AND half_day = $3", "iit",
                 day_session.id, user, half);
    return id;
}

static void test_justify_and_decide(void **state)
{
    UsTime t = NINE + 24 * HOUR;
    Absence a;
    assert_int_equal(absence_load(db, arena, org, absence_of(learners[2], "am"), &a), LN_OK);
    int64_t jid = 0, did = 0, e0 = ledger_entries();
    const char *why = NULL;
    /* only the absent learner; a reason is required */
    assert_int_equal(absence_justify(db, &a, learners[3], "Sick", 0, t, &jid, &why), LN_EPERM);
    assert_int_equal(absence_justify(db, &a, learners[2], "  \n ", 0, t, &jid, &why), LN_EINVAL);
    assert_int_equal(absence_justify(db, &a, learners[2], NULL, 0, t, &jid, &why), LN_EINVAL);
    assert_int_equal(ledger_entries(), e0);
    /* with a file from the media store */
    Media m;
    assert_int_equal(media_store_bytes(&app, db, arena, org, "%PDF-1.4 certificat", 19, "certificat médical.pdf",
                                       learners[2], &m), LN_OK);
    why = NULL;
    assert_int_equal(absence_justify(db, &a, learners[2], "Arrêt maladie", m.id, t, &jid, &why), LN_OK);
    assert_int_equal(ledger_entries(), e0 + 1);
    assert_int_equal(absence_load(db, arena, org, a.id, &a), LN_OK);
    assert_string_equal(a.status, "pending");
    assert_int_equal(a.media_id, m.id);
    assert_string_equal(a.reason, "Arrêt maladie");
    /* pending: no second one */
    assert_int_equal(absence_justify(db, &a, learners[2], "Again", 0, t, &jid, &why), LN_EEXIST);
    /* decisions: by the rules */
    assert_int_equal(absence_decide(db, org, jid, admin, "maybe", "", t, &did, &why), LN_EINVAL);
    assert_int_equal(absence_decide(db, org, jid, admin, "rejected", " ", t, &did, &why), LN_EINVAL);
    assert_int_equal(absence_decide(db, other_org, jid, admin, "accepted", "", t, &did, &why), LN_NOTFOUND);
    assert_int_equal(ledger_entries(), e0 + 1);
    assert_int_equal(absence_decide(db, org, jid, admin, "rejected", "Certificat illisible", t + HOUR, &did, &why), LN_OK);
    int64_t first_decision = did;
    assert_int_equal(absence_load(db, arena, org, a.id, &a), LN_OK);
    assert_string_equal(a.status, "rejected");
    assert_string_equal(a.comment, "Certificat illisible");
    /* rejected: the learner may justify again; the old justification can no longer be decided */
    int64_t jid2 = 0;
    assert_int_equal(absence_justify(db, &a, learners[2], "Nouveau certificat", 0, t + 2 * HOUR, &jid2, &why), LN_OK);
    assert_true(jid2 > jid);
    assert_int_equal(absence_decide(db, org, jid, admin, "accepted", "", t + 3 * HOUR, &did, &why), LN_EEXIST);
    assert_int_equal(absence_decide(db, org, jid2, admin, "accepted", "", t + 3 * HOUR, &did, &why), LN_OK);
    int64_t accepted = did;
    assert_int_equal(absence_load(db, arena, org, a.id, &a), LN_OK);
    assert_string_equal(a.status, "accepted");
    assert_int_equal(absence_justify(db, &a, learners[2], "Encore", 0, t + 4 * HOUR, &jid, &why), LN_EEXIST);
    /* a new decision supersedes: a new row, a ledger correction, the old row unchanged */
    assert_int_equal(absence_decide(db, org, jid2, admin, "rejected", "Erreur de saisie", t + 5 * HOUR, &did, &why), LN_OK);
    assert_int_equal(count("SELECT supersedes FROM absence_decision WHERE id = $1", did), accepted);
    assert_int_equal(count("SELECT count(*) FROM absence_decision WHERE id = $1 AND decision = 'accepted'", accepted), 1);
    assert_int_equal(count("SELECT count(*) FROM absence_decision WHERE id = $1 AND decision = 'rejected'"
                           " AND comment = 'Certificat illisible'", first_decision), 1);
    assert_int_equal(absence_load(db, arena, org, a.id, &a), LN_OK);
    assert_string_equal(a.status, "rejected");
    DbStmt *st = db_prepare(db, "SELECT kind, payload FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "attendance.decision");
    assert_non_null(strstr(db_col_text(st, 1), "\"corrects\":"));
    assert_non_null(strstr(db_col_text(st, 1), "\"decision\":\"rejected\""));
    db_done(st);
    /* the justification entry carries the file's hash, not the reason's text */
    st = db_prepare(db, "SELECT payload FROM ledger_entry WHERE org_id = $1 AND kind = 'attendance.justification'"
                        " ORDER BY seq LIMIT 1");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), m.sha256));
    assert_null(strstr(db_col_text(st, 0), "maladie"));
    db_done(st);
    /* a second "first" decision, or a second successor of one decision, is refused by the schema */
    assert_int_equal(db_run(db, "INSERT INTO absence_decision (justification_id, org_id, decision, comment, decided_by,"
                                " decided_at) VALUES ($1, $2, 'accepted', '', $3, $4)", "iiii", jid2, org, admin, t),
                     DB_CONSTRAINT);
    assert_int_equal(db_run(db, "INSERT INTO absence_decision (justification_id, org_id, decision, comment, decided_by,"
                                " decided_at, supersedes) VALUES ($1, $2, 'accepted', '', $3, $4, $5)", "iiiii", jid2, org,
                            admin, t, accepted), DB_CONSTRAINT);
    /* 2 justifications + 3 decisions written, each one entry */
    assert_int_equal(ledger_entries(), e0 + 5);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    /* a file of another organisation cannot be attached */
    Absence b;
    assert_int_equal(absence_load(db, arena, org, absence_of(learners[3], "am"), &b), LN_OK);
    Media mo;
    assert_int_equal(media_store_bytes(&app, db, arena, other_org, "other", 5, "o.txt", learners[3], &mo), LN_OK);
    why = NULL;
    assert_int_equal(absence_justify(db, &b, learners[3], "Train", mo.id, t, &jid, &why), LN_EINVAL);
    assert_int_equal(count("SELECT count(*) FROM absence_justification WHERE absence_id = $1", b.id), 0);
}

static void test_reminders(void **state)
{
    UsTime start = NINE + 48 * HOUR;     /* 2026-03-04 09:00–11:00 */
    LiveSession s = new_session("Rappels", start, start + 2 * HOUR);
    const char *base = "https://lectern.example";
    assert_true(attendance_send_due(db, base, start) >= 1);
    sign(&s, learners[0], start + MINUTE, "[[[20,20,0],[30,40,16]]]");
    int64_t m0 = count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%Rappels' AND id > $1", 0);
    assert_int_equal(absence_remind_sign_due(db, base, start + 5 * MINUTE), 0);      /* too soon */
    assert_int_equal(absence_remind_sign_due(db, base, start + 11 * MINUTE), 1);
    assert_int_equal(absence_remind_sign_due(db, base, start + 12 * MINUTE), 0);     /* once */
    assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%Rappels' AND id > $1", 0), m0 + 3);
    DbStmt *st = db_prepare(db, "SELECT subject, body_text FROM mail_outbox ORDER BY id DESC LIMIT 1");
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), "Rappel"));      /* the learners' language: French */
    assert_non_null(strstr(db_col_text(st, 1), "https://lectern.example/sign/"));
    db_done(st);
    /* closed: absences for 1, 2 and 3; learner 1 justifies at once */
    UsTime closed = start + 2 * HOUR + 31 * MINUTE;
    int made = 0;
    assert_int_equal(absence_record(db, &s, closed, &made), LN_OK);
    assert_int_equal(made, 3);
    Absence a;
    int64_t jid;
    const char *why;
    int64_t id1 = 0;
    db_query_i64(db, &id1, "SELECT id FROM absence WHERE session_id = $1 AND user_id = $2", "ii", s.id, learners[1]);
    assert_int_equal(absence_load(db, arena, org, id1, &a), LN_OK);
    assert_int_equal(absence_justify(db, &a, learners[1], "Panne de train", 0, closed, &jid, &why), LN_OK);
    /* an hour later: none for this session yet (the earlier session's absences, older than a day, get theirs) */
    absence_remind_justify_due(db, base, closed + HOUR);
    assert_int_equal(count("SELECT count(*) FROM absence_reminder m JOIN absence a ON a.id = m.absence_id"
                           " WHERE a.session_id = $1", s.id), 0);
    assert_true(count("SELECT count(*) FROM absence_reminder m JOIN absence a ON a.id = m.absence_id"
                      " WHERE a.session_id = $1", day_session.id) >= 1);
    /* a day later: one e-mail per unjustified absence of it */
    int sent = absence_remind_justify_due(db, base, closed + 25 * HOUR);
    assert_int_equal(sent, 2);
    assert_int_equal(count("SELECT count(*) FROM absence_reminder m JOIN absence a ON a.id = m.absence_id"
                           " WHERE a.session_id = $1", s.id), 2);
    assert_int_equal(absence_remind_justify_due(db, base, closed + 26 * HOUR), 0);    /* once */
    st = db_prepare(db, "SELECT subject, body_text FROM mail_outbox ORDER BY id DESC LIMIT 1");
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 1), "/attendance/absences/"));
    db_done(st);
}

static void test_sheet_token_and_span(void **state)
{
    const char *secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char tok[ATT_QR_TOKEN_LEN + 1], other[ATT_QR_TOKEN_LEN + 1];
    attendance_sheet_token(secret, 12, tok);
    attendance_sheet_token(secret, 13, other);
    assert_int_equal(strlen(tok), ATT_QR_TOKEN_LEN);
    assert_true(attendance_sheet_check(secret, 12, tok));
    assert_false(attendance_sheet_check(secret, 13, tok));
    assert_false(attendance_sheet_check(secret, 12, other));
    assert_false(attendance_sheet_check("another secret", 12, tok));
    assert_false(attendance_sheet_check(secret, 12, NULL));
    assert_false(attendance_sheet_check(secret, 12, ""));

    /* the span of the day session's entries: chained; no checkpoint yet, then one */
    int64_t first = 0, last = 0, head = 0;
    char like1[48], like2[48];
    snprintf(like1, sizeof like1, "session:%lld %%", (long long)day_session.id);
    snprintf(like2, sizeof like2, "%% session:%lld %%", (long long)day_session.id);
    db_query_i64(db, &first, "SELECT min(seq) FROM ledger_entry WHERE org_id = $1 AND (subject LIKE $2 OR subject LIKE $3)",
                 "itt", org, like1, like2);
    db_query_i64(db, &last, "SELECT max(seq) FROM ledger_entry WHERE org_id = $1 AND (subject LIKE $2 OR subject LIKE $3)",
                 "itt", org, like1, like2);
    assert_true(first > 0 && last >= first + 7);        /* 3 signatures and 5 absences at least */
    LedgerSpanReport sp;
    assert_int_equal(ledger_verify_span(db, org, first, last, 1000, &sp), LN_OK);
    assert_int_equal(sp.checkpoint_seq, 0);
    assert_int_equal(sp.entries, last - first + 1);
    int64_t cseq = 0;
    assert_int_equal(ledger_checkpoint(db, &app, org, &cseq), LN_OK);
    db_query_i64(db, &head, "SELECT max(seq) FROM ledger_entry WHERE org_id = $1", "i", org);
    assert_int_equal(cseq, head);
    assert_int_equal(ledger_verify_span(db, org, first, last, 1000, &sp), LN_OK);
    assert_int_equal(sp.checkpoint_seq, head);
    assert_int_equal(sp.entries, head - first + 1);
    assert_int_equal(strlen(sp.public_key), LEDGER_PK_B64_LEN);
    assert_int_equal(ledger_verify_span(db, org, first, last, 3, &sp), LN_OK);
    assert_true(sp.too_long);
    assert_int_equal(sp.entries, 0);
    assert_int_equal(ledger_verify_span(db, org, 0, last, 1000, &sp), LN_EINVAL);
    /* an entry changed in SQL: the span names it */
    assert_int_equal(db_run(db, "UPDATE ledger_entry SET at = at + 1 WHERE org_id = $1 AND seq = $2", "ii", org, first + 1),
                     DB_DONE);
    assert_int_equal(ledger_verify_span(db, org, first, last, 1000, &sp), LN_EINVAL);
    assert_int_equal(sp.fault, LEDGER_HASH_MISMATCH);
    assert_int_equal(sp.bad_seq, first + 1);
    assert_int_equal(db_run(db, "UPDATE ledger_entry SET at = at - 1 WHERE org_id = $1 AND seq = $2", "ii", org, first + 1),
                     DB_DONE);
    assert_int_equal(ledger_verify_span(db, org, first, last, 1000, &sp), LN_OK);
    /* the checkpoint's signature forged: caught */
    assert_int_equal(db_run(db, "UPDATE ledger_checkpoint SET at = at + 1 WHERE org_id = $1 AND seq = $2", "ii", org, head),
                     DB_DONE);
    assert_int_equal(ledger_verify_span(db, org, first, last, 1000, &sp), LN_EINVAL);
    assert_int_equal(sp.fault, LEDGER_BAD_SIGNATURE);
    assert_int_equal(db_run(db, "UPDATE ledger_checkpoint SET at = at - 1 WHERE org_id = $1 AND seq = $2", "ii", org, head),
                     DB_DONE);
    /* an entry removed: a gap */
    assert_int_equal(db_run(db, "UPDATE ledger_entry SET seq = seq + 100000 WHERE org_id = $1 AND seq = $2", "ii", org, last),
                     DB_DONE);
    assert_int_equal(ledger_verify_span(db, org, first, last, 1000, &sp), LN_EINVAL);
    assert_int_equal(sp.fault, LEDGER_GAP);
    assert_int_equal(db_run(db, "UPDATE ledger_entry SET seq = seq - 100000 WHERE org_id = $1 AND seq = $2", "ii", org,
                            last + 100000), DB_DONE);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

static void test_connection_record(void **state)
{
    int64_t sec = 0, unit = 0;
    SectionInput si = {.title = "Module 1", .release_days = -1};
    UnitInput ui = {.kind = "text", .title = "Lire la consigne", .body = "x", .minutes = 5, .duration_s = -1,
                    .threshold = -1, .required = 1};
    assert_int_equal(section_create(db, &course, &si, NINE, &sec), LN_OK);
    ui.section_id = sec;
    assert_int_equal(unit_create(db, &course, &ui, NINE, &unit), LN_OK);
    UsTime t0 = NINE + 72 * HOUR;           /* 2026-03-05 09:00 at UTC+01:00 */
    for (int i = 0; i < 10; i++)            /* 10 minutes active */
        assert_int_equal(db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms)"
                                    " VALUES ($1, $2, $3, $4, $5, 60000)", "iiiii", run.id, unit, learners[0], org,
                                t0 + i * MINUTE), DB_DONE);
    UsTime t1 = t0 + 3 * HOUR;              /* a second session, after a gap */
    for (int i = 0; i < 3; i++)
        assert_int_equal(db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms)"
                                    " VALUES ($1, $2, $3, $4, $5, 60000)", "iiiii", run.id, unit, learners[0], org,
                                t1 + i * MINUTE), DB_DONE);
    int64_t e0 = ledger_entries();
    int made = -1;
    /* five minutes after the last beat: the first session is closed, the second not yet (idle: 30 min) */
    assert_int_equal(connection_sessions_record(db, org, run.id, learners[0], t1 + 7 * MINUTE, &made), LN_OK);
    assert_int_equal(made, 1);
    assert_int_equal(connection_sessions_record(db, org, run.id, learners[0], t1 + 8 * MINUTE, &made), LN_OK);
    assert_int_equal(made, 0);
    assert_int_equal(ledger_entries(), e0 + 1);
    DbStmt *st = db_prepare(db, "SELECT kind, subject, payload FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "connection.session");
    assert_non_null(strstr(db_col_text(st, 1), "connection:"));
    assert_non_null(strstr(db_col_text(st, 2), "\"active_ms\":600000"));
    db_done(st);
    /* the tick, an hour later: the second session; then nothing more */
    assert_int_equal(connection_sessions_due(db, t1 + HOUR), 1);
    assert_int_equal(connection_sessions_due(db, t1 + 2 * HOUR), 0);
    assert_int_equal(count("SELECT count(*) FROM connection_session WHERE user_id = $1", learners[0]), 2);
    assert_int_equal(ledger_entries(), e0 + 2);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);

    /* the record */
    ConnRecord c;
    assert_int_equal(conn_record_load(db, arena, other_org, run.id, learners[0], t1 + HOUR, &c), LN_NOTFOUND);
    assert_int_equal(conn_record_load(db, arena, org, run.id, admin, t1 + HOUR, &c), LN_NOTFOUND);   /* not enrolled */
    assert_int_equal(conn_record_load(db, arena, org, run.id, learners[0], t1 + HOUR, &c), LN_OK);
    assert_int_equal(c.act.nsessions, 2);
    assert_int_equal(c.act.active_ms, 13 * 60000);
    assert_int_equal(c.nunits, 1);
    assert_string_equal(c.units[0].title, "Lire la consigne");
    assert_int_equal(c.nsigs, 3);                       /* the day session (morning, afternoon) and the reminders one */
    assert_int_equal(c.absences.n, 0);
    Buf b;
    buf_init(&b, 0);
    conn_record_csv(&c, &b);
    const char *csv = buf_cstr(&b);
    assert_true(str_startswith(csv, "section,start,end,item,detail,minutes,value\r\n"));
    assert_non_null(strstr(csv, "run,,,Présence,Run,13.0,"));
    assert_non_null(strstr(csv, "connection,2026-03-05T07:59"));
    assert_non_null(strstr(csv, "unit,,"));
    assert_non_null(strstr(csv, "signature,"));
    buf_reset(&b);
    assert_int_equal(conn_record_pdf(arena, &c, "fr", &b), LN_OK);
    assert_true(b.len > 1000 && memcmp(b.data, "%PDF", 4) == 0);
    buf_free(&b);
    assert_int_equal(conn_record_load(db, arena, org, run.id, learners[2], t1 + HOUR, &c), LN_OK);
    assert_true(c.absences.n >= 2);
    assert_int_equal(c.act.nsessions, 0);

    /* per programme: the runs of its courses */
    int64_t pid = 0;
    ConnRecordSet set;
    assert_int_equal(db_query_i64(db, &pid, "INSERT INTO programme (org_id, title, created_at, updated_at)"
                                            " VALUES ($1, 'Parcours', $2, $2) RETURNING id", "ii", org, NINE), DB_ROW);
    assert_int_equal(conn_programme_load(db, arena, org, pid, learners[0], t1 + HOUR, &set), LN_NOTFOUND);  /* no course */
    assert_int_equal(db_run(db, "UPDATE course SET programme_id = $1 WHERE id = $2", "ii", pid, course.id), DB_DONE);
    assert_int_equal(conn_programme_load(db, arena, other_org, pid, learners[0], t1 + HOUR, &set), LN_NOTFOUND);
    assert_int_equal(conn_programme_load(db, arena, org, pid, learners[0], t1 + HOUR, &set), LN_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.title, "Parcours");
    assert_int_equal(set.items[0].act.nsessions, 2);
    /* two records in one PDF: each from a new page, pages counted across */
    ConnRecord two[2] = {set.items[0], set.items[0]};
    buf_init(&b, 0);
    assert_int_equal(conn_records_pdf(arena, two, 2, "en", &b), LN_OK);
    assert_non_null(memmem(b.data, b.len, "/Count 2", 8));
    buf_reset(&b);
    conn_records_csv(two, 2, &b);
    assert_int_equal(count_of(buf_cstr(&b), "section,start"), 1);
    assert_int_equal(count_of(buf_cstr(&b), "\r\nconnection,"), 4);
    buf_free(&b);
}

/* Entries of a ZIP: how many, each a PDF. */
static int zip_pdfs(const char *path, char *first, size_t n)
{
    struct archive *r = archive_read_new();
    archive_read_support_format_zip(r);
    if (archive_read_open_filename(r, path, 16384) != ARCHIVE_OK) return -1;
    struct archive_entry *e;
    int count = 0;
    while (archive_read_next_header(r, &e) == ARCHIVE_OK) {
        char head[4] = {0};
        if (archive_read_data(r, head, 4) != 4 || memcmp(head, "%PDF", 4) != 0) count = -100;
        if (count == 0) snprintf(first, n, "%s", archive_entry_pathname(e));
        count++;
    }
    archive_read_free(r);
    return count;
}

/* The page count of a PDF written by cairo (its one /Pages node). */
static int pdf_pages(const char *data, size_t len)
{
    const char *p = memmem(data, len, "/Count ", 7);
    return p ? atoi(p + 7) : -1;
}

static void test_sheets_zip(void **state)
{
    const char *secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char path[128], first[128];
    snprintf(path, sizeof path, "%s/sheets.zip", data_dir);
    int count = 0;
    assert_int_equal(attendance_sheets_zip(db, secret, "https://lectern.example", org, run.id, "fr", path, NULL, NULL,
                                           &count), LN_OK);
    LiveSessionList l;
    assert_int_equal(attendance_session_list(db, arena, run.id, &l), LN_OK);
    assert_int_equal(count, l.n);
    assert_int_equal(zip_pdfs(path, first, sizeof first), l.n);
    assert_true(str_startswith(first, "001-2026-03-02-feuille-emargement-"));
    assert_int_equal(access(arena_printf(arena, "%s.tmp", path), F_OK), -1);      /* renamed */
    /* another organisation's run: nothing */
    assert_int_equal(attendance_sheets_zip(db, secret, "https://x", other_org, run.id, "en", path, NULL, NULL, &count),
                     LN_NOTFOUND);
    /* the background job */
    int64_t job = 0;
    assert_int_equal(sheet_job_create(db, org, run.id, admin, "en", "tar", NINE, &job), LN_EINVAL);
    assert_int_equal(sheet_job_create(db, org, run.id, admin, "en", "zip", NINE, &job), LN_OK);
    SheetJob j;
    assert_int_equal(sheet_job_load(db, arena, org, run.id, job, &j), LN_OK);
    assert_string_equal(j.status, "queued");
    assert_int_equal(j.total, l.n);
    assert_int_equal(sheet_job_load(db, arena, other_org, run.id, job, &j), LN_NOTFOUND);
    assert_int_equal(sheet_jobs_run(db, data_dir, secret, "https://lectern.example", NINE + MINUTE), 1);
    assert_int_equal(sheet_jobs_run(db, data_dir, secret, "https://lectern.example", NINE + 2 * MINUTE), 0);   /* once */
    assert_int_equal(sheet_job_load(db, arena, org, run.id, job, &j), LN_OK);
    assert_string_equal(j.status, "done");
    assert_int_equal(j.done, j.total);
    assert_string_equal(j.format, "zip");
    assert_int_equal(zip_pdfs(sheet_job_path(arena, data_dir, &j), first, sizeof first), l.n);
    assert_true(str_startswith(first, "001-2026-03-02-attendance-sheet-"));

    /* All of them in one PDF: every page of every sheet, in order. */
    int pages = 0;
    for (int i = 0; i < l.n; i++) {
        Buf one;
        buf_init(&one, 0);
        assert_int_equal(attendance_sheet_pdf_lang(db, arena, org, l.items[i].id, "https://x/v", "fr", &one), LN_OK);
        pages += pdf_pages(one.data, one.len);
        buf_free(&one);
    }
    assert_true(pages >= l.n);
    snprintf(path, sizeof path, "%s/sheets.pdf", data_dir);
    assert_int_equal(attendance_sheets_pdf(db, secret, "https://lectern.example", org, run.id, "fr", path, NULL, NULL,
                                           &count), LN_OK);
    assert_int_equal(count, l.n);
    size_t len = 0;
    char *all = test_slurp(path, &len);
    assert_non_null(all);
    assert_memory_equal(all, "%PDF", 4);
    assert_int_equal(pdf_pages(all, len), pages);
    free(all);
    assert_int_equal(access(arena_printf(arena, "%s.tmp", path), F_OK), -1);
    assert_int_equal(attendance_sheets_pdf(db, secret, "https://x", other_org, run.id, "en", path, NULL, NULL, &count),
                     LN_NOTFOUND);
    assert_int_equal(sheet_job_create(db, org, run.id, admin, "en", "pdf", NINE, &job), LN_OK);
    assert_int_equal(sheet_jobs_run(db, data_dir, secret, "https://lectern.example", NINE + 3 * MINUTE), 1);
    assert_int_equal(sheet_job_load(db, arena, org, run.id, job, &j), LN_OK);
    assert_string_equal(j.status, "done");
    assert_string_equal(j.format, "pdf");
    assert_true(str_startswith(sheet_job_path(arena, data_dir, &j) + strlen(data_dir), "/tmp/sheets-"));
    all = test_slurp(sheet_job_path(arena, data_dir, &j), &len);
    assert_non_null(all);
    assert_int_equal(pdf_pages(all, len), pages);
    free(all);
    /* a run without sessions: no job */
    int64_t rid = 0;
    RunRef empty;
    assert_int_equal(run_create(db, &course, "Vide", "corporate", 0, 0, 0, NINE, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &empty), LN_OK);
    assert_int_equal(sheet_job_create(db, org, rid, admin, "en", "pdf", NINE, &job), LN_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_halves),
        cmocka_unit_test(test_absences_recorded),
        cmocka_unit_test(test_justify_and_decide),
        cmocka_unit_test(test_reminders),
        cmocka_unit_test(test_sheet_token_and_span),
        cmocka_unit_test(test_connection_record),
        cmocka_unit_test(test_sheets_zip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
