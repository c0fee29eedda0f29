/* test_attendance.c — live sessions and e-signatures (src/attendance): ISO
 * times, the signing window and half-days, the rotating QR token and the
 * scan proof, the SVG written from strokes (numbers only), signing with its
 * ledger entry and every refusal, single-use links, the start-of-session
 * links, CSV import, and fraud signals.  Runs on SQLite and PostgreSQL
 * (LECTERN_TEST_DB). */
#include "testutil.h"
#include "attendance/attendance.h"
#include "attendance/facts.h"
#include "account/account.h"
#include "content/content.h"
#include "evidence/ledger.h"
#include "org/org.h"

#include <sodium.h>

#define MINUTE (60 * US_PER_SEC)
#define HOUR (60 * MINUTE)

static Db *db;
static Arena *arena;
static int64_t org, trainer, learners[4], outsider;
static RunRef run;
static Course course;
static const char SECRET[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int64_t add_user(const char *what, Role role)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@attendance.test", what, (int)getpid());
    int64_t id = 0;
    if (user_create(db, email, what, "a-long-password", "fr", false, time_now_us(), &id) != LN_OK) return 0;
    if (role != ROLE_NONE && member_set(db, org, id, role, time_now_us()) != LN_OK) return 0;
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
    snprintf(slug, sizeof slug, "att-%d", (int)getpid());
    UsTime now = time_now_us();
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "LIVE-1", .title = "Live", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Attendance", false, now, &org) != LN_OK) return -1;
    trainer = add_user("trainer", ROLE_TRAINER);
    for (int i = 0; i < 4; i++) {
        char w[16];
        snprintf(w, sizeof w, "learner%d", i);
        learners[i] = add_user(w, ROLE_LEARNER);
    }
    outsider = add_user("outsider", ROLE_LEARNER);
    if (!trainer || !learners[3] || !outsider) return -1;
    if (course_create(db, org, &in, trainer, now, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Run", "corporate", 0, 0, 0, now, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &run) != LN_OK)
        return -1;
    for (int i = 0; i < 4; i++)
        if (enrol_insert(db, &run, learners[i], now) != LN_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

/* ---- times ---------------------------------------------------------------- */

static void test_times(void **state)
{
    UsTime t;
    int64_t off;
    assert_true(att_parse_time("2026-03-02T09:00+01:00", 0, &t, &off));
    assert_int_equal(off, 60);
    assert_int_equal(t, INT64_C(1772438400) * US_PER_SEC);     /* 08:00Z */
    assert_true(att_parse_time("2026-03-02 08:00:00Z", 120, &t, &off));
    assert_int_equal(off, 0);
    assert_int_equal(t, INT64_C(1772438400) * US_PER_SEC);
    assert_true(att_parse_time("2026-03-02T10:00", 120, &t, &off));  /* no zone: the default */
    assert_int_equal(off, 120);
    assert_int_equal(t, INT64_C(1772438400) * US_PER_SEC);
    assert_true(att_parse_time("2026-03-02T02:30-0530", 0, &t, &off));
    assert_int_equal(off, -330);
    assert_int_equal(t, INT64_C(1772438400) * US_PER_SEC);
    assert_true(att_parse_time("2026-03-02T08:00:00.250Z", 0, &t, NULL));
    assert_int_equal(t, INT64_C(1772438400) * US_PER_SEC + 250000);
    assert_true(att_parse_time("2024-02-29T00:00Z", 0, &t, NULL));
    const char *bad[] = {NULL, "", "2026-03-02", "2026-3-2T09:00Z", "2026-02-30T09:00Z", "2025-02-29T09:00Z",
                         "2026-03-02T24:00Z", "2026-03-02T09:60Z", "2026-03-02T09:00+15:00", "2026-03-02T09:00Q",
                         "2026-03-02T09:00Z ", "1969-12-31T23:59Z", "2026-03-02T09:00:00.Z", "x2026-03-02T09:00Z"};
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++)
        if (att_parse_time(bad[i], 0, &t, NULL)) fail_msg("accepted \"%s\"", bad[i] ? bad[i] : "(null)");
    assert_true(att_parse_offset("+01:00", &off) && off == 60);
    assert_true(att_parse_offset("-0930", &off) && off == -570);
    assert_false(att_parse_offset("+1:00", &off));
    assert_false(att_parse_offset("01:00", &off));
    char b[32];
    att_clock(INT64_C(1772438400) * US_PER_SEC, 60, b, sizeof b);
    assert_string_equal(b, "09:00");
    att_local_iso(INT64_C(1772438400) * US_PER_SEC, -330, b, sizeof b);
    assert_string_equal(b, "2026-03-02T02:30");
}

/* ---- the window and half-days -------------------------------------------- */

static LiveSession mem_session(UsTime starts, UsTime ends, int64_t grace, int64_t offset)
{
    LiveSession s = {.id = 1, .starts_at = starts, .ends_at = ends, .grace_minutes = grace, .utc_offset_min = offset};
    return s;
}

static void test_window_rules(void **state)
{
    UsTime nine = INT64_C(1772438400) * US_PER_SEC;  /* 2026-03-02 09:00 at +01:00 */
    LiveSession s = mem_session(nine, nine + 3 * HOUR + 30 * MINUTE, 30, 60);   /* 09:00–12:30, grace 30 */
    assert_int_equal(attendance_window(&s, nine - 15 * MINUTE - 1), ATT_TOO_EARLY);
    assert_int_equal(attendance_window(&s, nine - 15 * MINUTE), ATT_OPEN);
    assert_int_equal(attendance_window(&s, nine + 4 * HOUR), ATT_OPEN);        /* 13:00 = end + grace */
    assert_int_equal(attendance_window(&s, nine + 4 * HOUR + 1), ATT_TOO_LATE);
    assert_int_equal(attendance_opens_at(&s), nine - 15 * MINUTE);
    assert_int_equal(attendance_closes_at(&s), nine + 4 * HOUR);
    /* half-days at the session's local time, the time clamped to the session */
    assert_string_equal(attendance_half_day(&s, nine - 10 * MINUTE), "am");   /* early: counts for the start */
    assert_string_equal(attendance_half_day(&s, nine + 2 * HOUR), "am");      /* 11:00 */
    assert_string_equal(attendance_half_day(&s, nine + 3 * HOUR), "pm");      /* 12:00 */
    assert_string_equal(attendance_half_day(&s, nine + 3 * HOUR + 45 * MINUTE), "pm");   /* after the end: its last half */
    LiveSession utc = mem_session(nine, nine + 3 * HOUR + 30 * MINUTE, 30, 0);   /* the same instants read at UTC */
    assert_string_equal(attendance_half_day(&utc, nine + 3 * HOUR + 30 * MINUTE - 1), "am");   /* 11:29Z */
    LiveSession morning = mem_session(nine, nine + 2 * HOUR, 60, 60);            /* 09:00–11:00 */
    assert_string_equal(attendance_half_day(&morning, nine + 2 * HOUR + 50 * MINUTE), "am");   /* 11:50 in the grace */
    /* lateness: from the start, in the half-day the session starts in */
    assert_int_equal(attendance_late_minutes(&s, nine - 5 * MINUTE), 0);
    assert_int_equal(attendance_late_minutes(&s, nine + 17 * MINUTE + 59 * US_PER_SEC), 17);
    assert_int_equal(attendance_late_minutes(&s, nine + 3 * HOUR + 5 * MINUTE), 0);   /* the afternoon */
    /* the form's checks */
    const char *msg;
    SessionInput in = {.title = "T", .mode = "room", .place = "", .starts_at = nine, .ends_at = nine + HOUR,
                       .grace_minutes = -1};
    assert_null(session_check(&in, &msg));
    in.ends_at = nine;
    assert_string_equal(session_check(&in, &msg), "ends_at");
    in.ends_at = nine + 25 * HOUR;
    assert_string_equal(session_check(&in, &msg), "ends_at");
    in.ends_at = nine + HOUR;
    in.mode = "virtual";
    in.place = "javascript:alert(1)";
    assert_string_equal(session_check(&in, &msg), "place");
    in.place = "https://meet.example.org/x";
    assert_null(session_check(&in, &msg));
    in.mode = "ballroom";
    assert_string_equal(session_check(&in, &msg), "mode");
    in.mode = "room";
    in.title = "line\nbreak";
    assert_string_equal(session_check(&in, &msg), "title");
    in.title = "T";
    in.grace_minutes = 721;
    assert_string_equal(session_check(&in, &msg), "grace_minutes");
}

/* ---- QR tokens ------------------------------------------------------------ */

static void test_qr_tokens(void **state)
{
    int secs = 15;
    UsTime now = INT64_C(1772438400) * US_PER_SEC + 7 * US_PER_SEC;
    int64_t w = attendance_qr_window(now, secs);
    char cur[ATT_QR_TOKEN_LEN + 1], prev[ATT_QR_TOKEN_LEN + 1], old[ATT_QR_TOKEN_LEN + 1], next[ATT_QR_TOKEN_LEN + 1];
    attendance_qr_token(SECRET, 42, w, cur);
    attendance_qr_token(SECRET, 42, w - 1, prev);
    attendance_qr_token(SECRET, 42, w - 2, old);
    attendance_qr_token(SECRET, 42, w + 1, next);
    assert_int_equal(strlen(cur), ATT_QR_TOKEN_LEN);
    for (const char *p = cur; *p; p++)
        assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_');
    assert_string_not_equal(cur, prev);
    assert_true(attendance_qr_check(SECRET, 42, cur, now, secs));
    assert_true(attendance_qr_check(SECRET, 42, prev, now, secs));
    assert_false(attendance_qr_check(SECRET, 42, old, now, secs));        /* a photo of an older code */
    assert_false(attendance_qr_check(SECRET, 42, next, now, secs));
    assert_false(attendance_qr_check(SECRET, 43, cur, now, secs));        /* another session */
    assert_false(attendance_qr_check("another secret", 42, cur, now, secs));
    assert_false(attendance_qr_check(SECRET, 42, NULL, now, secs));
    assert_false(attendance_qr_check(SECRET, 42, "", now, secs));
    char longer[64];
    snprintf(longer, sizeof longer, "%sA", cur);
    assert_false(attendance_qr_check(SECRET, 42, longer, now, secs));
    /* the same code 15 s later is the previous window's: still good; 30 s later: refused */
    assert_true(attendance_qr_check(SECRET, 42, cur, now + 15 * US_PER_SEC, secs));
    assert_false(attendance_qr_check(SECRET, 42, cur, now + 30 * US_PER_SEC, secs));
    /* deterministic: every process of a site computes the same code */
    char again[ATT_QR_TOKEN_LEN + 1];
    attendance_qr_token(SECRET, 42, w, again);
    assert_string_equal(again, cur);

    /* the scan proof: bound to the session, the learner and the time */
    char *p = attendance_scan_proof(arena, SECRET, 42, 7, now);
    assert_true(attendance_scan_check(SECRET, 42, 7, p, now + 60 * US_PER_SEC));
    assert_true(attendance_scan_check(SECRET, 42, 7, p, now + ATT_SCAN_MINUTES * MINUTE));
    assert_false(attendance_scan_check(SECRET, 42, 7, p, now + ATT_SCAN_MINUTES * MINUTE + 2 * US_PER_SEC));
    assert_false(attendance_scan_check(SECRET, 42, 8, p, now));
    assert_false(attendance_scan_check(SECRET, 41, 7, p, now));
    char *forged = arena_strdup(arena, p);
    forged[0] = forged[0] == '1' ? '2' : '1';                              /* another time, same MAC */
    assert_false(attendance_scan_check(SECRET, 42, 7, forged, now));
    assert_false(attendance_scan_check(SECRET, 42, 7, "nodot", now));
    assert_false(attendance_scan_check(SECRET, 42, 7, NULL, now));
}

/* ---- strokes → SVG -------------------------------------------------------- */

static int parse(const char *json, char **canon, char **svg)
{
    const char *why;
    return attendance_strokes(arena, json, strlen(json), canon, svg, &why);
}

/* Only "M", "L", "l", digits, dots and spaces between the fixed prefix and suffix. */
static void assert_numbers_only(const char *svg)
{
    const char *pre = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 200\" width=\"600\" height=\"200\">"
                      "<path fill=\"none\" stroke=\"#111827\" stroke-width=\"3\" stroke-linecap=\"round\""
                      " stroke-linejoin=\"round\" d=\"";
    const char *suf = "\"/></svg>";
    size_t n = strlen(svg), pl = strlen(pre), sl = strlen(suf);
    assert_true(n > pl + sl);
    assert_memory_equal(svg, pre, pl);
    assert_string_equal(svg + n - sl, suf);
    for (size_t i = pl; i < n - sl; i++)
        if (!strchr("MLl0123456789. ", svg[i])) fail_msg("unexpected byte '%c' in path data: %s", svg[i], svg);
}

static void test_svg_from_strokes(void **state)
{
    char *canon, *svg;
    assert_int_equal(parse("[[[10,20,0],[30.04,40.06,16],[50.55,60,32]],[[100,100,400]]]", &canon, &svg), LN_OK);
    assert_string_equal(canon, "[[[10,20,0],[30,40.1,16],[50.6,60,32]],[[100,100,400]]]");
    assert_numbers_only(svg);
    assert_non_null(strstr(svg, "d=\"M10 20L30 40.1L50.6 60 M100 100l0 0\""));
    char sha[65], sha2[65];
    sha256_hex(svg, sha);
    char *svg2;
    assert_int_equal(parse("[[[10,20,0],[30.04,40.06,16],[50.55,60,32]],[[100,100,400]]]", &canon, &svg2), LN_OK);
    sha256_hex(svg2, sha2);
    assert_string_equal(sha, sha2);                    /* the same drawing, the same image hash */
    assert_int_equal(parse("[[[0,0,0],[600,200,5]]]", &canon, &svg), LN_OK);      /* the box's corners */
    assert_numbers_only(svg);

    /* refused: not numbers, out of the box, time backwards, not enough drawing */
    const char *bad[] = {
        "", "[]", "[[]]", "[[[1,1,0]]]", "{}", "null", "[[[1,1,0],[2,2]]]", "[[[1,1,0],[2,2,1,9]]]",
        "[[[\"1\",1,0],[2,2,1]]]", "[[[1,1,0],[2,2,\"<script>\"]]]", "[[[601,1,0],[2,2,1]]]", "[[[1,201,0],[2,2,1]]]",
        "[[[-1,1,0],[2,2,1]]]", "[[[1,1,5],[2,2,1]]]", "[[[1,1,0.5],[2,2,1]]]", "[[[1,1,-1],[2,2,1]]]",
        "[[[1,1,0],[2,2,3600001]]]", "[[[1e400,1,0],[2,2,1]]]", "[[[1,1,0],[2,2,1]]", "[[[1,1,0],[2,2,1]]]x",
        "[[[1,1,0],[2,2,1]], 5]", "[[[1,1,0],[true,2,1]]]",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++)
        if (parse(bad[i], &canon, &svg) != LN_EINVAL) fail_msg("not refused as invalid: %s", bad[i]);

    /* limits: 50 strokes, 5000 points */
    Buf b;
    buf_init(&b, 0);
    buf_putc(&b, '[');
    for (int s = 0; s < 51; s++) buf_printf(&b, "%s[[%d,1,%d],[%d,2,%d]]", s ? "," : "", s, s * 2, s, s * 2 + 1);
    buf_putc(&b, ']');
    const char *why;
    assert_int_equal(attendance_strokes(arena, buf_cstr(&b), b.len, &canon, &svg, &why), LN_ELIMIT);
    buf_reset(&b);
    buf_puts(&b, "[[");
    for (int i = 0; i < 5001; i++) buf_printf(&b, "%s[%d,%d,%d]", i ? "," : "", i % 600, i % 200, i);
    buf_puts(&b, "]]");
    assert_int_equal(attendance_strokes(arena, buf_cstr(&b), b.len, &canon, &svg, &why), LN_ELIMIT);
    buf_reset(&b);
    buf_puts(&b, "[[");
    for (int i = 0; i < 5000; i++) buf_printf(&b, "%s[%d.25,%d.75,%d]", i ? "," : "", i % 599, i % 199, i);
    buf_puts(&b, "]]");
    assert_int_equal(attendance_strokes(arena, buf_cstr(&b), b.len, &canon, &svg, &why), LN_OK);
    assert_numbers_only(svg);
    buf_free(&b);
}

/* ---- signing, in the database ---------------------------------------------- */

static int64_t ledger_entries(void)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM ledger_entry WHERE org_id = $1", "i", org);
    return n;
}

static int64_t count(const char *sql, int64_t a)
{
    int64_t n = -1;
    db_query_i64(db, &n, sql, "i", a);
    return n;
}

static LiveSession new_session(const char *title, UsTime starts, UsTime ends)
{
    SessionInput in = {.title = title, .mode = "room", .place = "Salle 1", .starts_at = starts, .ends_at = ends,
                       .grace_minutes = 30, .utc_offset_min = 60};
    int64_t id = 0;
    assert_int_equal(attendance_session_create(db, &run, &in, trainer, time_now_us(), &id), LN_OK);
    LiveSession s;
    assert_int_equal(attendance_session_load(db, arena, org, id, &s), LN_OK);
    return s;
}

static const char *STROKES_A = "[[[10,20,0],[30,40,16],[50,60,32]]]";
static const char *STROKES_B = "[[[11,21,0],[31,41,16],[51,61,32]]]";

static int do_sign(const LiveSession *s, int64_t user, const char *role, const char *method, int64_t link, const char *ip,
                   const char *ua, const char *strokes, UsTime now, Signature *g, const char **why)
{
    SignInput in = {.session = s, .user_id = user, .role = role, .method = method, .device_user_id = user, .link_id = link,
                    .ip = ip, .user_agent = ua, .strokes = strokes, .strokes_len = strlen(strokes), .now = now};
    return attendance_sign(db, arena, &in, g, why);
}

static void test_sign_rules(void **state)
{
    /* a fixed morning (10:00 at UTC+1): "late by 10 min" only holds when start and signature fall in the same
       half-day, which the wall clock does not promise */
    UsTime now = INT64_C(1772442000) * US_PER_SEC;
    LiveSession s = new_session("Now", now - 10 * MINUTE, now + HOUR);
    assert_true(attendance_is_trainer(db, s.id, trainer));              /* the creator, a trainer */
    AttendeeList ex;
    assert_int_equal(attendance_expected(db, arena, run.id, &ex), LN_OK);
    assert_int_equal(ex.n, 4);
    Signature g;
    const char *why;
    int64_t e0 = ledger_entries();
    assert_int_equal(do_sign(&s, learners[0], "learner", "qr", 0, "10.0.0.1", "UA", STROKES_A, now, &g, &why), LN_OK);
    assert_true(g.id > 0);
    assert_int_equal(g.late_minutes, 10);
    assert_int_equal(ledger_entries(), e0 + 1);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    /* the entry: kind, subject, payload */
    char subject[128];
    snprintf(subject, sizeof subject, "session:%lld signature:%lld user:%lld", (long long)s.id, (long long)g.id,
             (long long)learners[0]);
    DbStmt *st = db_prepare(db, "SELECT kind, subject, payload FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "attendance.signature");
    assert_string_equal(db_col_text(st, 1), subject);
    const char *payload = db_col_text(st, 2);
    assert_non_null(strstr(payload, "\"method\":\"qr\""));
    assert_non_null(strstr(payload, "\"ip\":\"10.0.0.1\""));
    assert_non_null(strstr(payload, g.image_sha256));
    db_done(st);

    /* refusals: nothing written */
    int64_t rows = count("SELECT count(*) FROM signature WHERE session_id = $1", s.id);
    assert_int_equal(do_sign(&s, learners[0], "learner", "qr", 0, "", "", STROKES_B, now, &g, &why), LN_EEXIST);
    assert_string_equal(why, "You have already signed for this half-day.");
    assert_int_equal(do_sign(&s, outsider, "learner", "qr", 0, "", "", STROKES_B, now, &g, &why), LN_NOTFOUND);
    assert_int_equal(do_sign(&s, learners[1], "trainer", "kiosk", 0, "", "", STROKES_B, now, &g, &why), LN_NOTFOUND);
    assert_int_equal(do_sign(&s, learners[1], "learner", "qr", 0, "", "", STROKES_B, now + 2 * HOUR, &g, &why), LN_EPERM);
    assert_string_equal(why, "Signing for this session is closed.");
    assert_int_equal(do_sign(&s, learners[1], "learner", "qr", 0, "", "", STROKES_B, now - 30 * MINUTE, &g, &why), LN_EPERM);
    assert_string_equal(why, "Signing has not opened yet.");
    assert_int_equal(do_sign(&s, learners[1], "learner", "qr", 0, "", "", "[[[1,1,0]]]", now, &g, &why), LN_EINVAL);
    assert_int_equal(count("SELECT count(*) FROM signature WHERE session_id = $1", s.id), rows);
    assert_int_equal(ledger_entries(), e0 + 1);

    /* the trainer signs */
    assert_int_equal(do_sign(&s, trainer, "trainer", "kiosk", 0, "", "", STROKES_B, now, &g, &why), LN_OK);
    assert_string_equal(g.role, "trainer");

    /* a single-use link */
    char tok[TOKEN_CHARS + 1], hash[HASH_HEX];
    token_random(tok);
    token_hash(tok, hash);
    assert_int_equal(db_run(db, "INSERT INTO sign_link (token_hash, session_id, user_id, created_at, expires_at)"
                                " VALUES ($1, $2, $3, $4, $5)", "tiiii", hash, s.id, learners[1], now, now + HOUR), DB_DONE);
    SignLink lk;
    assert_int_equal(attendance_link_lookup(db, tok, &lk), LN_OK);
    assert_int_equal(lk.user_id, learners[1]);
    assert_int_equal(lk.used_at, 0);
    assert_int_equal(attendance_link_lookup(db, "nope", &lk), LN_NOTFOUND);
    assert_int_equal(do_sign(&s, learners[1], "learner", "link", lk.id, "", "", "[[[5,5,0],[6,6,1]]]", now, &g, &why), LN_OK);
    assert_int_equal(attendance_link_lookup(db, tok, &lk), LN_OK);
    assert_true(lk.used_at > 0);
    /* used: refused even for another half-day (the link is spent first) */
    assert_int_equal(do_sign(&s, learners[1], "learner", "link", lk.id, "", "", "[[[7,5,0],[6,6,1]]]", now, &g, &why), LN_EEXIST);
    assert_string_equal(why, "This link was already used.");

    SignatureList sl;
    assert_int_equal(attendance_signatures(db, arena, s.id, &sl), LN_OK);
    assert_int_equal(sl.n, 3);
    char *svg, *sha;
    assert_int_equal(attendance_signature_image(db, arena, org, sl.items[0].id, &svg, &sha), LN_OK);
    assert_numbers_only(svg);
    assert_string_equal(sha, sl.items[0].image_sha256);
    assert_int_equal(attendance_signature_image(db, arena, org + 100000, sl.items[0].id, &svg, &sha), LN_NOTFOUND);
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

static void test_links_at_start(void **state)
{
    UsTime now = time_now_us();
    LiveSession s = new_session("Links", now - MINUTE, now + HOUR);
    int64_t mails0 = count("SELECT count(*) FROM mail_outbox WHERE created_at >= $1", 0);
    int done = attendance_send_due(db, "https://lectern.example", now);
    assert_true(done >= 1);
    LiveSession again;
    assert_int_equal(attendance_session_load(db, arena, org, s.id, &again), LN_OK);
    assert_int_equal(again.links_sent_at, now);
    assert_int_equal(count("SELECT count(*) FROM sign_link WHERE session_id = $1", s.id), 4);
    assert_true(count("SELECT count(*) FROM mail_outbox WHERE created_at >= $1", 0) >= mails0 + 4);
    assert_int_equal(attendance_send_due(db, "https://lectern.example", now + US_PER_SEC), 0);   /* once */
    assert_int_equal(count("SELECT count(*) FROM sign_link WHERE session_id = $1", s.id), 4);
    /* the mail: in the learner's language, with the link */
    DbStmt *st = db_prepare(db, "SELECT subject, body_text FROM mail_outbox ORDER BY id DESC LIMIT 1");
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), "Links"));
    assert_non_null(strstr(db_col_text(st, 1), "https://lectern.example/sign/"));
    db_done(st);
    /* "send now" after one learner signed: the others only */
    Signature g;
    const char *why;
    assert_int_equal(do_sign(&s, learners[2], "learner", "qr", 0, "", "", STROKES_A, now, &g, &why), LN_OK);
    int sent = 0;
    assert_int_equal(attendance_send_links(db, "https://lectern.example", &s, now, &sent), LN_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(attendance_send_links(db, "https://lectern.example", &s, now + 2 * HOUR, &sent), LN_EPERM);
}

static void test_import_csv(void **state)
{
    const char *csv = "title,starts_at,ends_at,mode,place\r\n"
                      "Atelier,2031-03-02T09:00+01:00,2031-03-02T12:30+01:00,room,Salle 4\r\n"
                      "Classe,2031-03-09T14:00,2031-03-09T15:00,virtual,https://meet.example.org/a\r\n"
                      "\"Unclosed,2031-03-09T14:00,2031-03-09T15:00,room,x\r\n";
    SessionReport rep;
    LiveSessionList l0, l1;
    assert_int_equal(attendance_session_list(db, arena, run.id, &l0), LN_OK);
    assert_int_equal(attendance_import_csv(db, arena, &run, trainer, csv, strlen(csv), 60, false, &rep), LN_OK);
    assert_int_equal(rep.n, 3);
    assert_int_equal(rep.added, 2);
    assert_int_equal(rep.errors, 1);
    assert_int_equal(rep.lines[1].in.utc_offset_min, 60);
    assert_int_equal(rep.lines[1].in.starts_at, INT64_C(1930827600) * US_PER_SEC);   /* 2031-03-09T13:00Z */
    assert_int_equal(attendance_session_list(db, arena, run.id, &l1), LN_OK);
    assert_int_equal(l1.n, l0.n);
    assert_int_equal(attendance_import_csv(db, arena, &run, trainer, csv, strlen(csv), 60, true, &rep), LN_OK);
    assert_int_equal(attendance_session_list(db, arena, run.id, &l1), LN_OK);
    assert_int_equal(l1.n, l0.n + 2);
    assert_int_equal(attendance_import_csv(db, arena, &run, trainer, "a,\xff", 4, 0, false, &rep), LN_EINVAL);
}

static void test_fraud_signals(void **state)
{
    UsTime now = time_now_us();
    LiveSession a = new_session("Fraud A", now - 5 * MINUTE, now + HOUR);
    LiveSession b = new_session("Fraud B", now - 5 * MINUTE, now + HOUR);
    Signature g, dup, t1, l3;
    const char *why;
    /* identical image: learner 0 in session A, learner 1 in session B with the very same strokes */
    const char *same = "[[[200,50,0],[210,60,10],[220,50,20]]]";
    assert_int_equal(do_sign(&a, learners[0], "learner", "link", 0, "192.0.2.1", "UA-0", same, now, &g, &why), LN_OK);
    assert_int_equal(do_sign(&b, learners[1], "learner", "link", 0, "192.0.2.2", "UA-1", same, now + US_PER_SEC, &dup, &why), LN_OK);
    /* a burst: learners 1, 2, 3 from one address within a minute in A */
    assert_int_equal(do_sign(&a, learners[1], "learner", "qr", 0, "198.51.100.7", "P1", "[[[1,1,0],[2,3,1]]]", now, &g, &why), LN_OK);
    assert_int_equal(do_sign(&a, learners[2], "learner", "qr", 0, "198.51.100.7", "P2", "[[[1,2,0],[2,3,1]]]", now + 20 * US_PER_SEC, &g, &why), LN_OK);
    /* trainer's device: the trainer signs B, then learner 3 signs B by link from the same IP and browser */
    assert_int_equal(do_sign(&b, trainer, "trainer", "kiosk", 0, "203.0.113.9", "Trainer browser", "[[[9,9,0],[8,8,1]]]", now, &t1, &why), LN_OK);
    assert_int_equal(do_sign(&b, learners[3], "learner", "link", 0, "203.0.113.9", "Trainer browser", "[[[7,9,0],[8,8,1]]]", now + 2 * US_PER_SEC, &l3, &why), LN_OK);
    FraudList fl;
    assert_int_equal(attendance_fraud_signals(db, arena, org, 0, &fl), LN_OK);
    bool identical = false, burst_none = true, trainer_dev = false;
    for (int i = 0; i < fl.n; i++) {
        FraudSignal *f = &fl.items[i];
        if (str_eq(f->kind, "identical_image") && f->signature_id == dup.id) identical = true;
        if (str_eq(f->kind, "one_ip_burst") && str_eq(f->ip, "198.51.100.7")) burst_none = false;
        if (str_eq(f->kind, "trainer_device") && f->signature_id == l3.id && f->other_id == t1.id) trainer_dev = true;
    }
    assert_true(identical);
    assert_true(burst_none);                       /* two learners are not "many" */
    assert_true(trainer_dev);
    /* the third learner from that address within the minute: a burst, for each of the three */
    assert_int_equal(do_sign(&a, learners[3], "learner", "qr", 0, "198.51.100.7", "P3", "[[[1,3,0],[2,3,1]]]", now + 50 * US_PER_SEC, &g, &why), LN_OK);
    assert_int_equal(attendance_fraud_signals(db, arena, org, a.id, &fl), LN_OK);
    int bursts = 0;
    for (int i = 0; i < fl.n; i++) {
        assert_int_equal(fl.items[i].session_id, a.id);
        if (str_eq(fl.items[i].kind, "one_ip_burst")) {
            bursts++;
            assert_int_equal(fl.items[i].count, 3);
        }
    }
    assert_int_equal(bursts, 3);
    /* kiosk signatures from the trainer's device are expected: no signal */
    LiveSession c = new_session("Kiosk", now - 5 * MINUTE, now + HOUR);
    for (int i = 0; i < 4; i++) {
        char strokes[64];
        snprintf(strokes, sizeof strokes, "[[[%d,1,0],[2,%d,1]]]", 300 + i, 100 + i);
        assert_int_equal(do_sign(&c, learners[i], "learner", "kiosk", 0, "203.0.113.50", "Kiosk", strokes, now + i, &g, &why), LN_OK);
    }
    assert_int_equal(attendance_fraud_signals(db, arena, org, c.id, &fl), LN_OK);
    assert_int_equal(fl.n, 0);
}

/* A session attached to a "live" unit of the outline: signing completes the unit. */
static void test_live_unit(void **state)
{
    SectionInput sec = {.title = "Live", .release_days = -1};
    int64_t sid = 0, uid = 0;
    assert_int_equal(section_create(db, &course, &sec, time_now_us(), &sid), LN_OK);
    UnitInput ui = {.kind = "live", .title = "Kick-off", .section_id = sid, .minutes = 90, .duration_s = -1,
                    .threshold = -1, .required = 1};
    assert_int_equal(unit_create(db, &course, &ui, time_now_us(), &uid), LN_OK);
    LiveUnit *lu;
    int n;
    assert_int_equal(attendance_live_units(db, arena, course.id, &lu, &n), LN_OK);
    assert_int_equal(n, 1);
    assert_int_equal(lu[0].id, uid);
    UsTime now = time_now_us();
    SessionInput in = {.title = "Kick-off", .mode = "virtual", .place = "https://meet.example.org/k", .starts_at = now,
                       .ends_at = now + HOUR, .grace_minutes = -1, .unit_id = uid};
    int64_t id = 0;
    assert_int_equal(attendance_session_create(db, &run, &in, trainer, now, &id), LN_OK);
    in.unit_id = uid + 1000;                                       /* not a live unit of this course */
    int64_t bad;
    assert_int_equal(attendance_session_create(db, &run, &in, trainer, now, &bad), LN_EINVAL);
    LiveSession s;
    assert_int_equal(attendance_session_load(db, arena, org, id, &s), LN_OK);
    assert_int_equal(s.unit_id, uid);
    assert_int_equal(s.grace_minutes, ATT_GRACE_DEFAULT);
    LiveSessionList l;
    assert_int_equal(attendance_sessions_of_unit(db, arena, run.id, uid, &l), LN_OK);
    assert_int_equal(l.n, 1);
    Signature g;
    const char *why;
    assert_int_equal(do_sign(&s, learners[0], "learner", "qr", 0, "", "", STROKES_A, now, &g, &why), LN_OK);
    int64_t done = 0;
    db_query_i64(db, &done, "SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND user_id = $2 AND completed_at IS NOT NULL",
                 "ii", uid, learners[0]);
    assert_int_equal(done, 1);
}

/* `lectern verify` also compares the rows the sheets are drawn from with
 * their entries: a signature's time changed in SQL, with the chain intact,
 * must be caught and named (the test, on both backends). */
static void test_facts_against_entries(void **state)
{
    UsTime now = INT64_C(1772442000) * US_PER_SEC + 5 * 86400 * US_PER_SEC;
    LiveSession s = new_session("Facts", now - 5 * MINUTE, now + HOUR);
    Signature g;
    const char *why;
    assert_int_equal(do_sign(&s, learners[3], "learner", "qr", 0, "", "", STROKES_A, now, &g, &why), LN_OK);
    FactsReport f;
    assert_int_equal(attendance_facts_verify(db, org, &f), LN_OK);
    assert_true(f.checked >= 1);
    LedgerReport rep;
    assert_int_equal(db_run(db, "UPDATE signature SET signed_at = signed_at - 3600000000 WHERE id = $1", "i", g.id), DB_DONE);
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);                  /* the chain alone cannot see it */
    assert_int_equal(attendance_facts_verify(db, org, &f), LN_EINVAL);
    assert_string_equal(f.table, "signature");
    assert_int_equal(f.bad_id, g.id);
    assert_non_null(strstr(f.detail, "differs from its ledger entry"));
    assert_int_equal(db_run(db, "UPDATE signature SET signed_at = signed_at + 3600000000 WHERE id = $1", "i", g.id), DB_DONE);
    assert_int_equal(attendance_facts_verify(db, org, &f), LN_OK);
    /* another learner's signature put in its place */
    assert_int_equal(db_run(db, "UPDATE signature SET user_id = $1 WHERE id = $2", "ii", learners[2], g.id), DB_DONE);
    assert_int_equal(attendance_facts_verify(db, org, &f), LN_EINVAL);
    assert_int_equal(db_run(db, "UPDATE signature SET user_id = $1 WHERE id = $2", "ii", learners[3], g.id), DB_DONE);
    assert_int_equal(attendance_facts_verify(db, org, &f), LN_OK);
}

static void test_qr_svg(void **state)
{
    char *svg = attendance_qr_svg(arena, "https://lectern.example/sessions/12/sign?qr=AAAAAAAAAAAAAAAAAAAAAA");
    assert_non_null(svg);
    assert_true(str_startswith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
    assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_window_rules),
        cmocka_unit_test(test_qr_tokens),
        cmocka_unit_test(test_svg_from_strokes),
        cmocka_unit_test(test_sign_rules),
        cmocka_unit_test(test_links_at_start),
        cmocka_unit_test(test_import_csv),
        cmocka_unit_test(test_fraud_signals),
        cmocka_unit_test(test_live_unit),
        cmocka_unit_test(test_qr_svg),
        cmocka_unit_test(test_facts_against_entries),
    };
    return cmocka_run_group_tests_name("attendance", tests, setup, teardown);
}
