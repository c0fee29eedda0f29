/* cmd_bench_attendance.c — `lectern bench-attendance-seed`: fill an empty
 * database for the attendance parts of `make bench` (bench/run.sh, parts
 * "signers", "sheetpdf" and "verify"):
 *
 *   - organisation "benchatt": one course, one run of N learners (1,000),
 *     enrolled, and --sessions K live sessions of that run, open now (from
 *     10 minutes ago to 3 hours from now), each with a personal signing link
 *     per learner.  --out FILE gets, after a first line "#strokes BODY"
 *     (the form-encoded strokes of one drawn signature), one line per link:
 *     "ROUND LINK_TOKEN ANON_COOKIE CSRF_TOKEN", ROUND the session's number
 *     (0..K-1); the anonymous cookie and its CSRF token are computed as the
 *     server does (a signed-out browser opening its link);
 *   - a second run of 30 learners (names with accents) and a session on a
 *     fixed past morning (2026-03-02 09:00-12:00 +01:00) whose 30 learners
 *     and trainer signed through attendance_sign() (the real path: strokes
 *     parsed, SVG written, ledger entries): the sheet of part "sheetpdf"
 *     (bench/sheet_cairo.c draws the same page);
 *     a trainer with a browser session (its token printed) reads it;
 *   - with --ledger M: organisation "benchledger" with M valid ledger
 *     entries (signature-like payloads of kind "bench.signature", which
 *     have no rows for verify's attendance check to compare; hashes computed
 *     with ledger_entry_hash_at in format 2, inserted directly): what part "verify" checks.
 *
 * SQLite only in spirit (synchronous=OFF while seeding), like the other
 * bench seeds.  Prints KEY=VALUE lines.
 */
#include "cli/cli.h"
#include "http/app.h"
#include "account/account.h"
#include "attendance/attendance.h"
#include "catalog/catalog.h"
#include "evidence/ledger.h"
#include "http/access.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHEET_LEARNERS 30

static bool ok_step(Db *db, DbStmt *st, int64_t *id)
{
    if (!st) return false;
    int rc = db_step(st);
    if (id && rc == DB_ROW) *id = db_col_i64(st, 0);
    bool ok = rc == (id ? DB_ROW : DB_DONE);
    if (!ok) fprintf(stderr, "lectern bench-attendance-seed: insert failed: %s\n", db_errmsg(db));
    db_done(st);
    return ok;
}

/* A learner (or trainer) of org_id with `role`, enrolled in run_id when not 0. */
static bool person(Db *db, int64_t org_id, int64_t run_id, const char *email, const char *name, const char *role,
                   UsTime at, int64_t *uid)
{
    DbStmt *st = db_prepare(db, "INSERT INTO app_user (email, name, password_hash, lang, created_at, updated_at, search_key)"
                                " VALUES ($1, $2, '', 'en', $3, $3, $4) RETURNING id");
    if (!st) return false;
    db_bind_text(st, 1, email);
    db_bind_text(st, 2, name);
    db_bind_i64(st, 3, at);
    db_bind_text(st, 4, email);
    if (!ok_step(db, st, uid)) return false;
    if (db_run(db, "INSERT INTO membership (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)", "iiti", org_id,
               *uid, role, at) != DB_DONE)
        return false;
    return !run_id || db_run(db, "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at)"
                                 " VALUES ($1, $2, $3, 'active', $4)", "iiii", run_id, *uid, org_id, at) == DB_DONE;
}

/* A signature's strokes: three strokes of 40 points, shifted by k. */
static char *strokes_json(Arena *a, int k)
{
    Buf b;
    buf_init(&b, 4096);
    buf_putc(&b, '[');
    int t = 0;
    for (int s = 0; s < 3; s++) {
        buf_puts(&b, s ? ",[" : "[");
        for (int p = 0; p < 40; p++, t += 16) {
            int x = 60 + s * 160 + p * 3 + k % 7, y = 60 + (p * 37 + k * 11) % 90;
            buf_printf(&b, "%s[%d,%d,%d]", p ? "," : "", x, y, t);
        }
        buf_putc(&b, ']');
    }
    buf_putc(&b, ']');
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static char *form_escape(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b, strlen(s) * 3 + 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
            buf_putc(&b, (char)*p);
        else buf_printf(&b, "%%%02X", *p);
    }
    char *o = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return o;
}

/* M entries for organisation org_id, appended as ledger_append would, one
 * transaction per 20,000. */
static bool seed_ledger(Db *db, int64_t org_id, int64_t m, UsTime now)
{
    char prev[LEDGER_HEX_LEN + 1], hash[LEDGER_HEX_LEN + 1], sha[65], subject[96], payload[512];
    memset(prev, '0', LEDGER_HEX_LEN);
    prev[LEDGER_HEX_LEN] = 0;
    sha256_hex("bench", sha);
    bool ok = db_begin(db) == DB_DONE;
    UsTime at = now - m * 1000;
    for (int64_t seq = 1; ok && seq <= m; seq++, at += 1000) {
        int64_t user = 1 + seq % 100000, session = 1 + seq / 1000;
        snprintf(subject, sizeof subject, "session:%lld signature:%lld user:%lld", (long long)session, (long long)seq,
                 (long long)user);
        snprintf(payload, sizeof payload,
                 "{\"half_day\":\"am\",\"image_sha256\":\"%s\",\"ip\":\"10.0.%d.%d\",\"method\":\"link\","
                 "\"role\":\"learner\",\"run_id\":%lld,\"session_id\":%lld,\"signature_id\":%lld,\"signed_at\":%lld,"
                 "\"user_id\":%lld}", sha, (int)(seq / 256 % 256), (int)(seq % 256), (long long)(1 + session / 10),
                 (long long)session, (long long)seq, (long long)at, (long long)user);
        ok = ledger_entry_hash_at(1, prev, org_id, seq, "bench.signature", subject, at, payload, hash) == LN_OK;
        DbStmt *st = ok ? db_prepare(db, "INSERT INTO ledger_entry (org_id, seq, kind, subject, at, payload, prev_hash, hash)"
                                         " VALUES ($1, $2, 'bench.signature', $3, $4, $5, $6, $7)") : NULL;
        if (!st) ok = false;
        else {
            db_bind_i64(st, 1, org_id);
            db_bind_i64(st, 2, seq);
            db_bind_text(st, 3, subject);
            db_bind_i64(st, 4, at);
            db_bind_text(st, 5, payload);
            db_bind_text(st, 6, prev);
            db_bind_text(st, 7, hash);
            ok = ok_step(db, st, NULL);
        }
        memcpy(prev, hash, sizeof prev);
        if (ok && seq % 20000 == 0) ok = db_commit(db) == DB_DONE && db_begin(db) == DB_DONE;
        if (seq % 1000000 == 0) fprintf(stderr, "ledger entries %lld/%lld\n", (long long)seq, (long long)m);
    }
    ok = ok && (m == 0 || db_run(db, "INSERT INTO ledger_head (org_id, seq, hash, at) VALUES ($1, $2, $3, $4)", "iiti",
                                 org_id, m, prev, at - 1000) == DB_DONE);
    if (db_commit(db) != DB_DONE) ok = false;
    return ok;
}

/* The run of 30 learners and its session, signed by all of them through
 * attendance_sign(). */
static bool seed_sheet(Db *db, Arena *a, const Course *course, int64_t org_id, int64_t trainer, UsTime now,
                       int64_t *session_id)
{
    static const char *const first[] = {"Élodie", "Benoît", "Chloé", "François", "Gaëlle", "Jérôme", "Léa", "Noémie",
                                        "Raphaël", "Zoé"};
    static const char *const last[] = {"Dupré", "Lefèvre", "Müller", "Nguyễn", "Béranger", "Château"};
    int64_t run_id = 0;
    RunRef run;
    if (run_create(db, course, "Sheet run", "corporate", now, 0, 0, now, &run_id) != LN_OK
        || run_ref(db, a, org_id, run_id, &run) != LN_OK)
        return false;
    db_begin(db);
    bool ok = true;
    int64_t uids[SHEET_LEARNERS];
    for (int i = 0; ok && i < SHEET_LEARNERS; i++) {
        char email[64], name[96];
        snprintf(email, sizeof email, "sheet%02d@bench.test", i + 1);
        snprintf(name, sizeof name, "%s %s %d", first[i % 10], last[i % 6], i + 1);
        ok = person(db, org_id, run_id, email, name, "learner", now, &uids[i]);
    }
    ok = db_commit(db) == DB_DONE && ok;
    /* A fixed morning in the past: the sheet is the same whatever the time
     * of the run (one half-day column, the window closed). */
    UsTime start = 0;
    int64_t off = 0;
    att_parse_time("2026-03-02T09:00+01:00", 0, &start, &off);
    SessionInput in = {.title = "Séance du matin — feuille d'émargement", .mode = "room", .place = "Salle 4, Lyon",
                       .starts_at = start, .ends_at = start + 3 * 3600 * US_PER_SEC, .grace_minutes = -1,
                       .utc_offset_min = off};
    LiveSession s;
    ok = ok && attendance_session_create(db, &run, &in, trainer, now, session_id) == LN_OK
         && attendance_session_load(db, a, org_id, *session_id, &s) == LN_OK
         && db_run(db, "UPDATE live_session SET links_sent_at = $1, reminded_at = $1 WHERE id = $2", "ii", start,
                   *session_id) == DB_DONE;
    for (int i = 0; ok && i <= SHEET_LEARNERS; i++) {
        bool tr = i == SHEET_LEARNERS;  /* then the trainer */
        char *st = strokes_json(a, i);
        SignInput si = {.session = &s, .user_id = tr ? trainer : uids[i], .role = tr ? "trainer" : "learner",
                        .method = tr ? "kiosk" : i % 3 ? "link" : "qr", .device_user_id = tr ? trainer : 0,
                        .ip = "10.1.2.3", .user_agent = "bench", .strokes = st, .strokes_len = strlen(st),
                        .now = start - 5 * 60 * US_PER_SEC + i * 20 * US_PER_SEC};
        Signature g;
        const char *why = NULL;
        if (attendance_sign(db, a, &si, &g, &why) != LN_OK) {
            fprintf(stderr, "lectern bench-attendance-seed: a sheet signature failed: %s\n", why ? why : db_errmsg(db));
            ok = false;
        }
    }
    return ok;
}

int cmd_bench_attendance_seed(Cli *c)
{
    int64_t nlearners = 1000, nsessions = 4, nledger = 0;
    const char *v = cli_opt(c, "learners"), *vs = cli_opt(c, "sessions"), *vl = cli_opt(c, "ledger");
    const char *out_path = cli_opt(c, "out");
    if ((v && (!str_to_i64(v, &nlearners) || nlearners < 1 || nlearners > 1000000))
        || (vs && (!str_to_i64(vs, &nsessions) || nsessions < 1 || nsessions > 100))
        || (vl && (!str_to_i64(vl, &nledger) || nledger < 0 || nledger > 100000000)) || !out_path) {
        fprintf(stderr, "lectern bench-attendance-seed: --out FILE is required; --learners 1..1000000, --sessions 1..100,"
                        " --ledger 0..100000000\n");
        return 2;
    }
    BenchSeed bs;
    int orc = bench_seed_open(c, "bench-attendance-seed", out_path, "benchatt", &bs);
    if (orc) return orc;
    FILE *out = bs.out;
    Db *db = bs.db;
    const unsigned char *csrf_key = bs.csrf_key;
    UsTime t0 = time_mono_us(), now = time_now_us();
    Arena *a = arena_new();
    char session_tok[TOKEN_CHARS + 1], hash[HASH_HEX];
    int64_t org_id = 0, course_id = 0, run_id = 0, trainer = 0, ledger_org = 0, sheet_session = 0;
    Course course;
    RunRef run;
    CourseInput ci = {.code = "ATT-1", .title = "Formation sécurité", .estimated_minutes = -1, .published = 1};
    bool ok = org_create(db, "benchatt", "Bench Attendance", false, now, &org_id) == LN_OK
              && course_create(db, org_id, &ci, 0, now, &course_id) == LN_OK
              && course_load(db, a, course_id, &course) == LN_OK
              && run_create(db, &course, "Run", "corporate", now, 0, 0, now, &run_id) == LN_OK
              && run_ref(db, a, org_id, run_id, &run) == LN_OK
              && person(db, org_id, 0, "trainer@bench.test", "Trainer Bench", "trainer", now, &trainer);
    /* the trainer's browser session */
    token_random(session_tok);
    token_hash(session_tok, hash);
    ok = ok && db_run(db, "INSERT INTO user_session (token_hash, user_id, created_at, expires_at, ip, user_agent)"
                          " VALUES ($1, $2, $3, $4, '127.0.0.1', 'bench')", "tiii", hash, trainer, now,
                      now + (int64_t)SESSION_DAYS * 86400 * US_PER_SEC) == DB_DONE;
    /* the learners */
    int64_t *uids = xcalloc((size_t)nlearners, sizeof *uids);
    ok = ok && db_begin(db) == DB_DONE;
    for (int64_t i = 0; ok && i < nlearners; i++) {
        char email[64], name[48];
        snprintf(email, sizeof email, "att%07lld@bench.test", (long long)(i + 1));
        snprintf(name, sizeof name, "Learner %lld", (long long)(i + 1));
        ok = person(db, org_id, run_id, email, name, "learner", now, &uids[i]);
    }
    ok = db_commit(db) == DB_DONE && ok;
    /* the sessions and their links */
    fprintf(out, "#strokes %s\n", form_escape(a, strokes_json(a, 0)));
    int64_t *sids = xcalloc((size_t)nsessions, sizeof *sids);
    for (int64_t k = 0; ok && k < nsessions; k++) {
        char title[64];
        snprintf(title, sizeof title, "Session %lld", (long long)(k + 1));
        SessionInput in = {.title = title, .mode = "room", .place = "Room 1", .starts_at = now - 10 * 60 * US_PER_SEC,
                           .ends_at = now + 3 * 3600 * US_PER_SEC, .grace_minutes = -1, .utc_offset_min = 60};
        ok = attendance_session_create(db, &run, &in, trainer, now, &sids[k]) == LN_OK && db_begin(db) == DB_DONE;
        /* links and reminders are sent: the server's tick must not mail anyone during the benchmark */
        ok = ok && db_run(db, "UPDATE live_session SET links_sent_at = $1, reminded_at = $1 WHERE id = $2", "ii", now,
                          sids[k]) == DB_DONE;
        for (int64_t i = 0; ok && i < nlearners; i++) {
            char link[TOKEN_CHARS + 1], lhash[HASH_HEX], anon[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
            token_random(link);
            token_hash(link, lhash);
            token_random(anon);
            csrf_mac_with(csrf_key, anon, csrf);
            ok = db_run(db, "INSERT INTO sign_link (token_hash, session_id, user_id, created_at, expires_at)"
                            " VALUES ($1, $2, $3, $4, $5)", "tiiii", lhash, sids[k], uids[i], now,
                        in.ends_at + 30 * 60 * US_PER_SEC) == DB_DONE;
            fprintf(out, "%lld %s %s %s\n", (long long)k, link, anon, csrf);
        }
        ok = db_commit(db) == DB_DONE && ok;
    }
    ok = ok && seed_sheet(db, a, &course, org_id, trainer, now, &sheet_session);
    if (ok && nledger > 0) {
        ok = org_create(db, "benchledger", "Bench Ledger", false, now, &ledger_org) == LN_OK
             && seed_ledger(db, ledger_org, nledger, now);
    }
    if (db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (fclose(out) != 0) ok = false;
    if (ok) {
        printf("ATT_ORG=benchatt\nATT_RUN=%lld\nATT_LEARNERS=%lld\nATT_SESSIONS=", (long long)run_id, (long long)nlearners);
        for (int64_t k = 0; k < nsessions; k++) printf("%s%lld", k ? "," : "", (long long)sids[k]);
        printf("\nATT_SHEET_SESSION=%lld\nATT_SHEET_LEARNERS=%d\nATT_TRAINER_TOKEN=%s\n", (long long)sheet_session,
               SHEET_LEARNERS, session_tok);
        if (nledger > 0) printf("ATT_LEDGER_ORG=benchledger\nATT_LEDGER_ENTRIES=%lld\n", (long long)nledger);
        printf("ATT_SEED_SECONDS=%.1f\n", (double)(time_mono_us() - t0) / 1e6);
    } else fprintf(stderr, "lectern bench-attendance-seed: failed: %s\n", db_errmsg(db));
    free(uids);
    free(sids);
    arena_free(a);
    db_close(db);
    return ok ? 0 : 1;
}
