/* sqlite_insert.c — reference lines for `make bench` (built by bench/run.sh).
 *
 *   sqlite_insert insert DB BATCH SECONDS
 *       Fresh database DB, the same `event` table shape as migrations/001
 *       (foreign keys on, index event_user), WAL, synchronous=FULL; insert rows
 *       with lectern's statement (INSERT ... RETURNING id, $N bound by name),
 *       BATCH rows per transaction, for about SECONDS.  Prints
 *       "rows N seconds S rows_per_s R commits C".
 *   sqlite_insert count DB [TABLE]
 *       Prints the number of rows in DB's `event` table, or TABLE's
 *       (read-only; works while lectern holds the database open in WAL mode).
 *   sqlite_insert scalar DB SQL
 *       Prints the first column of the first row of a read-only query.
 *   sqlite_insert write DB SQL
 *       The same for a statement that writes and returns a row (INSERT ...
 *       RETURNING): a bench's set-up.
 *   sqlite_insert heartbeat DB TEMPLATE BATCH SECONDS
 *       The same as insert, for the `heartbeat` table: fresh database DB
 *       whose heartbeat table and indexes are copied from lectern's
 *       database TEMPLATE (so the reference follows the schema), with
 *       one-column stand-ins for the tables it references (foreign keys
 *       on, 50 rows each); rows inserted with the statement of lectern's
 *       beat_job(), rotating over 50 (run, unit) pairs and varying the
 *       segments as the benchmark's requests do.  Same output as insert.
 *   sqlite_insert quiz DB SECONDS
 *       On DB, a copy of the database `lectern bench-quiz-seed` made (its
 *       schema, its 100,000 learners' attempts), WAL, synchronous=FULL,
 *       foreign keys on: submit its attempts in progress one transaction
 *       each, with the rows a submission writes — the attempt's conditional
 *       UPDATE, its ten attempt_answer rows (the seeded answers), a
 *       ledger_entry and the ledger_head update — for about SECONDS.
 *       Prints "rows N seconds S rows_per_s R commits C" (rows: attempts).
 *   sqlite_insert sign DB SECONDS
 *       On DB, a copy of the database `lectern bench-attendance-seed` made,
 *       WAL, synchronous=FULL, foreign keys on: use its unused signing
 *       links one transaction each, with the rows a signature writes — the
 *       link's conditional UPDATE, the signature row (strokes and SVG of a
 *       seeded signature), a ledger_entry and the ledger_head update — for
 *       about SECONDS.  Same output (rows: signatures).
 *   sqlite_insert xapi DB BATCH SECONDS
 *       On DB, a copy of a lectern database (the demo's), WAL,
 *       synchronous=FULL, foreign keys on: store xAPI statements BATCH per
 *       transaction with the rows the LRS writes for each — the look-up of
 *       its id, the xapi_statement row (a fixed statement of the size the
 *       benchmark sends, under a new id), its ledger_entry and the row's
 *       ledger_seq — and the ledger_head once per batch, for about SECONDS.
 *       No JSON is parsed or checked and no hash computed: the storage
 *       alone.  Same output (rows: statements).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(sqlite3 *h, const char *what)
{
    fprintf(stderr, "sqlite_insert: %s: %s\n", what, h ? sqlite3_errmsg(h) : "?");
    exit(1);
}

static void exec(sqlite3 *h, const char *sql)
{
    char *e = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &e) != SQLITE_OK) {
        fprintf(stderr, "sqlite_insert: %s: %s\n", sql, e ? e : "?");
        exit(1);
    }
}

static int query(const char *path, const char *sql, int flags)
{
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) die(h, "open");
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) die(h, "prepare");
    if (sqlite3_step(st) != SQLITE_ROW) die(h, "query");
    const unsigned char *v = sqlite3_column_text(st, 0);
    printf("%s\n", v ? (const char *)v : "");
    sqlite3_finalize(st);
    sqlite3_close(h);
    return 0;
}

static int scalar(const char *path, const char *sql)
{
    return query(path, sql, SQLITE_OPEN_READONLY);
}

static int count(const char *path, const char *table)
{
    for (const char *p = table; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_')) {
            fprintf(stderr, "sqlite_insert: bad table name %s\n", table);
            return 2;
        }
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return scalar(path, sql);
}

/* Same shape as migrations/001_foundation.sql ({{ID}} = INTEGER PRIMARY KEY). */
static const char schema[] =
    "CREATE TABLE org (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " allow_signup INTEGER NOT NULL DEFAULT 0, signup_domains TEXT NOT NULL DEFAULT '',"
    " created_at BIGINT NOT NULL);"
    "CREATE TABLE app_user (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " password_hash TEXT, lang TEXT NOT NULL DEFAULT 'en', is_platform_admin INTEGER NOT NULL DEFAULT 0,"
    " disabled INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
    "CREATE TABLE event (id INTEGER PRIMARY KEY, org_id BIGINT NOT NULL REFERENCES org(id),"
    " user_id BIGINT NOT NULL REFERENCES app_user(id), verb TEXT NOT NULL, object TEXT NOT NULL,"
    " payload TEXT NOT NULL DEFAULT '{}', at BIGINT NOT NULL);"
    "CREATE INDEX event_user ON event (org_id, user_id, at);"
    "INSERT INTO org (id, slug, name, created_at) VALUES (1, 'demo', 'Demo', 0);"
    "INSERT INTO app_user (id, email, name, created_at, updated_at) VALUES (1, 'a@b.test', 'A', 0, 0);";

/* The statement lectern's event_job() hands to the writer. */
static const char insert_sql[] =
    "INSERT INTO event (org_id, user_id, verb, object, payload, at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

static int bind_idx(sqlite3_stmt *st, const char *name)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i <= 0) {
        fprintf(stderr, "sqlite_insert: no parameter %s\n", name);
        exit(1);
    }
    return i;
}

static int insert(const char *path, int batch, double seconds)
{
    remove(path);
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die(h, "open");
    sqlite3_busy_timeout(h, 5000);
    exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    exec(h, "BEGIN");
    exec(h, schema);
    exec(h, "COMMIT");

    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(h, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die(h, "prepare");
    int p1 = bind_idx(st, "$1"), p2 = bind_idx(st, "$2"), p3 = bind_idx(st, "$3"),
        p4 = bind_idx(st, "$4"), p5 = bind_idx(st, "$5"), p6 = bind_idx(st, "$6");

    long long rows = 0, commits = 0;
    int64_t last_id = 0;
    double t0 = now_s(), t = t0;
    while (t - t0 < seconds) {
        exec(h, "BEGIN");
        for (int i = 0; i < batch; i++) {
            sqlite3_bind_int64(st, p1, 1);
            sqlite3_bind_int64(st, p2, 1);
            sqlite3_bind_text(st, p3, "viewed", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, p4, "unit/1", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, p5, "{}", -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, p6, wall_us());
            int rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) last_id = sqlite3_column_int64(st, 0);
            if (rc != SQLITE_DONE) die(h, "insert");
            sqlite3_reset(st);
        }
        exec(h, "COMMIT");
        rows += batch;
        commits++;
        t = now_s();
    }
    double el = t - t0;
    printf("rows %lld seconds %.3f rows_per_s %.0f commits %lld last_id %lld\n", rows, el,
           el > 0 ? (double)rows / el : 0.0, commits, (long long)last_id);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return 0;
}

/* The statement lectern's beat_job() hands to the writer (with a position). */
static const char beat_sql[] =
    "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms, position_ms,"
    " segments, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/* The user agent bench/beat.lua sends. */
static const char beat_ua[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

static int heartbeat(const char *path, const char *template, int batch, double seconds)
{
    /* heartbeat's DDL and the tables it references, from lectern's database */
    sqlite3 *t;
    if (sqlite3_open_v2(template, &t, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(t, "open template");
    sqlite3_busy_timeout(t, 5000);
    char ddl[16384] = "", parents[4096] = "";
    size_t dl = 0, pl = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(t, "SELECT sql FROM sqlite_master WHERE tbl_name = 'heartbeat' AND sql IS NOT NULL"
                              " ORDER BY type = 'index', name", -1, &q, NULL) != SQLITE_OK)
        die(t, "prepare");
    while (sqlite3_step(q) == SQLITE_ROW)
        dl += (size_t)snprintf(ddl + dl, sizeof ddl - dl, "%s;", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    if (!dl || dl >= sizeof ddl) die(t, "no heartbeat table in the template");
    if (sqlite3_prepare_v2(t, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('heartbeat')", -1, &q, NULL)
        != SQLITE_OK)
        die(t, "prepare");
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(q, 0);
        pl += (size_t)snprintf(parents + pl, sizeof parents - pl,
                               "CREATE TABLE \"%s\" (id INTEGER PRIMARY KEY);"
                               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
                               " INSERT INTO \"%s\" (id) SELECT i FROM n;", p, p);
    }
    sqlite3_finalize(q);
    sqlite3_close(t);

    remove(path);
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die(h, "open");
    sqlite3_busy_timeout(h, 5000);
    exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    exec(h, "BEGIN");
    exec(h, parents);
    exec(h, ddl);
    exec(h, "COMMIT");

    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(h, beat_sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die(h, "prepare");
    int p[10];
    for (int i = 0; i < 10; i++) {
        char name[8];
        snprintf(name, sizeof name, "$%d", i + 1);
        p[i] = bind_idx(st, name);
    }
    long long rows = 0, commits = 0;
    double t0 = now_s(), tn = t0;
    unsigned r = 12345;
    while (tn - t0 < seconds) {
        exec(h, "BEGIN");
        for (int i = 0; i < batch; i++) {
            r = r * 1103515245u + 12345u;
            int start = (int)(r >> 8) % 595000;
            char seg[48];
            snprintf(seg, sizeof seg, "%d-%d", start, start + 5000);
            int k = 1 + (int)((rows + i) % 50);
            sqlite3_bind_int64(st, p[0], k);
            sqlite3_bind_int64(st, p[1], k);
            sqlite3_bind_int64(st, p[2], 1);
            sqlite3_bind_int64(st, p[3], 1);
            sqlite3_bind_int64(st, p[4], wall_us());
            sqlite3_bind_int64(st, p[5], 5000);
            sqlite3_bind_int64(st, p[6], start + 5000);
            sqlite3_bind_text(st, p[7], seg, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, p[8], "127.0.0.1", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, p[9], beat_ua, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE) die(h, "insert");
            sqlite3_reset(st);
        }
        exec(h, "COMMIT");
        rows += batch;
        commits++;
        tn = now_s();
    }
    double el = tn - t0;
    printf("rows %lld seconds %.3f rows_per_s %.0f commits %lld\n", rows, el, el > 0 ? (double)rows / el : 0.0,
           commits);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return 0;
}

/* The rows of one quiz submission per transaction, on a copy of the seeded
 * quiz database (see the top of this file). */
static int quiz(const char *path, double seconds)
{
    sqlite3 *h;
    if (sqlite3_open(path, &h) != SQLITE_OK) die(h, "open");
    exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000");
    sqlite3_stmt *ids, *up, *ans, *led, *head, *src;
    if (sqlite3_prepare_v2(h, "SELECT id, org_id FROM attempt WHERE status = 'in_progress' ORDER BY id", -1, &ids, NULL)
        || sqlite3_prepare_v2(h, "UPDATE attempt SET status = 'submitted', submitted_at = ?1, score = 1000, pending = 0"
                                 " WHERE id = ?2 AND status = 'in_progress'", -1, &up, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO attempt_answer (attempt_id, quiz_item_id, org_id, response, score)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &ans, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO ledger_entry (org_id, seq, kind, subject, at, payload, prev_hash, hash)"
                                 " VALUES (?1, ?2, 'assessment.attempt', ?3, ?4, ?5, ?6, ?6)", -1, &led, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO ledger_head (org_id, seq, hash, at) VALUES (?1, ?2, ?3, ?4)"
                                 " ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at",
                              -1, &head, NULL)
        || sqlite3_prepare_v2(h, "SELECT quiz_item_id, response, score FROM attempt_answer ORDER BY id LIMIT 10", -1, &src,
                              NULL))
        die(h, "prepare");
    int64_t item[10], score[10];
    char resp[10][256];
    int nitems = 0;
    while (nitems < 10 && sqlite3_step(src) == SQLITE_ROW) {
        item[nitems] = sqlite3_column_int64(src, 0);
        snprintf(resp[nitems], sizeof resp[nitems], "%s", (const char *)sqlite3_column_text(src, 1));
        score[nitems] = sqlite3_column_int64(src, 2);
        nitems++;
    }
    sqlite3_finalize(src);
    int64_t seq = 0;
    char payload[512], hash[65];
    memset(hash, 'a', 64);
    hash[64] = 0;
    double t0 = now_s(), t = t0;
    long rows = 0, commits = 0;
    while (t - t0 < seconds && sqlite3_step(ids) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(ids, 0), org = sqlite3_column_int64(ids, 1), at = wall_us();
        exec(h, "BEGIN IMMEDIATE");
        sqlite3_bind_int64(up, 1, at);
        sqlite3_bind_int64(up, 2, id);
        if (sqlite3_step(up) != SQLITE_DONE) die(h, "update");
        sqlite3_reset(up);
        for (int k = 0; k < nitems; k++) {
            sqlite3_bind_int64(ans, 1, id);
            sqlite3_bind_int64(ans, 2, item[k]);
            sqlite3_bind_int64(ans, 3, org);
            sqlite3_bind_text(ans, 4, resp[k], -1, SQLITE_STATIC);
            sqlite3_bind_int64(ans, 5, score[k]);
            if (sqlite3_step(ans) != SQLITE_DONE) die(h, "insert answer");
            sqlite3_reset(ans);
        }
        seq++;
        snprintf(payload, sizeof payload, "{\"attempt_id\":%lld,\"number\":2,\"score\":1000,\"max\":1000,"
                 "\"points\":10000,\"points_max\":10000,\"pending\":0,\"passed\":true,\"status\":\"submitted\","
                 "\"purpose\":\"formative\",\"submitted_at\":%lld}", (long long)id, (long long)at);
        char subject[64];
        snprintf(subject, sizeof subject, "run:1 unit:1 attempt:%lld", (long long)id);
        sqlite3_bind_int64(led, 1, org);
        sqlite3_bind_int64(led, 2, 1000000000 + seq);    /* above what the seed wrote */
        sqlite3_bind_text(led, 3, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(led, 4, at);
        sqlite3_bind_text(led, 5, payload, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(led, 6, hash, -1, SQLITE_STATIC);
        if (sqlite3_step(led) != SQLITE_DONE) die(h, "insert ledger entry");
        sqlite3_reset(led);
        sqlite3_bind_int64(head, 1, org);
        sqlite3_bind_int64(head, 2, 1000000000 + seq);
        sqlite3_bind_text(head, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(head, 4, at);
        if (sqlite3_step(head) != SQLITE_DONE) die(h, "ledger head");
        sqlite3_reset(head);
        exec(h, "COMMIT");
        rows++;
        commits++;
        t = now_s();
    }
    sqlite3_finalize(ids);
    printf("rows %ld seconds %.2f rows_per_s %.0f commits %ld\n", rows, t - t0, rows / (t - t0 > 0 ? t - t0 : 1),
           commits);
    sqlite3_finalize(up);
    sqlite3_finalize(ans);
    sqlite3_finalize(led);
    sqlite3_finalize(head);
    sqlite3_close(h);
    return 0;
}

static int sign(const char *path, double seconds)
{
    sqlite3 *h;
    if (sqlite3_open(path, &h) != SQLITE_OK) die(h, "open");
    exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000");
    sqlite3_stmt *ids, *up, *ins, *led, *head, *src;
    if (sqlite3_prepare_v2(h, "SELECT l.id, l.session_id, l.user_id, s.org_id FROM sign_link l"
                              " JOIN live_session s ON s.id = l.session_id WHERE l.used_at IS NULL ORDER BY l.id", -1, &ids, NULL)
        || sqlite3_prepare_v2(h, "UPDATE sign_link SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL", -1, &up, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO signature (session_id, org_id, user_id, role, half_day, signed_at, method,"
                                 " device_user_id, link_id, ip, user_agent, strokes, image_svg, image_sha256, late_minutes)"
                                 " VALUES (?1, ?2, ?3, 'learner', 'am', ?4, 'link', NULL, ?5, '127.0.0.1', 'bench', ?6, ?7, ?8, 0)"
                                 " RETURNING id", -1, &ins, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO ledger_entry (org_id, seq, kind, subject, at, payload, prev_hash, hash)"
                                 " VALUES (?1, ?2, 'attendance.signature', ?3, ?4, ?5, ?6, ?6)", -1, &led, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO ledger_head (org_id, seq, hash, at) VALUES (?1, ?2, ?3, ?4)"
                                 " ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at",
                              -1, &head, NULL)
        || sqlite3_prepare_v2(h, "SELECT strokes, image_svg, image_sha256 FROM signature ORDER BY id LIMIT 1", -1, &src, NULL))
        die(h, "prepare");
    if (sqlite3_step(src) != SQLITE_ROW) die(h, "no seeded signature");
    char *strokes = strdup((const char *)sqlite3_column_text(src, 0)), *svg = strdup((const char *)sqlite3_column_text(src, 1));
    char sha[65], hash[65];
    snprintf(sha, sizeof sha, "%s", (const char *)sqlite3_column_text(src, 2));
    sqlite3_finalize(src);
    memset(hash, 'a', 64);
    hash[64] = 0;
    /* entries after the last one there: every run on the same copy goes on from it */
    sqlite3_stmt *mx;
    int64_t seq = 0;
    if (sqlite3_prepare_v2(h, "SELECT COALESCE(max(seq), 0) FROM ledger_entry", -1, &mx, NULL) || sqlite3_step(mx) != SQLITE_ROW)
        die(h, "max seq");
    seq = sqlite3_column_int64(mx, 0);
    sqlite3_finalize(mx);
    double t0 = now_s(), t = t0;
    long rows = 0, commits = 0;
    while (t - t0 < seconds && sqlite3_step(ids) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(ids, 0), sess = sqlite3_column_int64(ids, 1), user = sqlite3_column_int64(ids, 2);
        int64_t org = sqlite3_column_int64(ids, 3), at = wall_us(), sig = 0;
        exec(h, "BEGIN IMMEDIATE");
        sqlite3_bind_int64(up, 1, at);
        sqlite3_bind_int64(up, 2, id);
        if (sqlite3_step(up) != SQLITE_DONE) die(h, "update");
        sqlite3_reset(up);
        sqlite3_bind_int64(ins, 1, sess);
        sqlite3_bind_int64(ins, 2, org);
        sqlite3_bind_int64(ins, 3, user);
        sqlite3_bind_int64(ins, 4, at);
        sqlite3_bind_int64(ins, 5, id);
        sqlite3_bind_text(ins, 6, strokes, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, svg, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 8, sha, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_ROW) die(h, "insert signature");
        sig = sqlite3_column_int64(ins, 0);
        sqlite3_reset(ins);
        seq++;
        char payload[512], subject[96];
        snprintf(payload, sizeof payload, "{\"half_day\":\"am\",\"image_sha256\":\"%s\",\"ip\":\"127.0.0.1\",\"method\":\"link\","
                 "\"role\":\"learner\",\"run_id\":1,\"session_id\":%lld,\"signature_id\":%lld,\"signed_at\":%lld,\"user_id\":%lld}",
                 sha, (long long)sess, (long long)sig, (long long)at, (long long)user);
        snprintf(subject, sizeof subject, "session:%lld signature:%lld user:%lld", (long long)sess, (long long)sig,
                 (long long)user);
        sqlite3_bind_int64(led, 1, org);
        sqlite3_bind_int64(led, 2, seq);
        sqlite3_bind_text(led, 3, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(led, 4, at);
        sqlite3_bind_text(led, 5, payload, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(led, 6, hash, -1, SQLITE_STATIC);
        if (sqlite3_step(led) != SQLITE_DONE) die(h, "insert ledger entry");
        sqlite3_reset(led);
        sqlite3_bind_int64(head, 1, org);
        sqlite3_bind_int64(head, 2, seq);
        sqlite3_bind_text(head, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(head, 4, at);
        if (sqlite3_step(head) != SQLITE_DONE) die(h, "ledger head");
        sqlite3_reset(head);
        exec(h, "COMMIT");
        rows++;
        commits++;
        t = now_s();
    }
    sqlite3_finalize(ids);
    printf("rows %ld seconds %.2f rows_per_s %.0f commits %ld\n", rows, t - t0, rows / (t - t0 > 0 ? t - t0 : 1),
           commits);
    free(strokes);
    free(svg);
    sqlite3_finalize(up);
    sqlite3_finalize(ins);
    sqlite3_finalize(led);
    sqlite3_finalize(head);
    sqlite3_close(h);
    return 0;
}

static int xapi(const char *path, int batch, double seconds)
{
    sqlite3 *h;
    if (sqlite3_open(path, &h) != SQLITE_OK) die(h, "open");
    exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000");
    sqlite3_stmt *look, *ins, *led, *set, *head, *mx;
    if (sqlite3_prepare_v2(h, "SELECT sha256 FROM xapi_statement WHERE org_id = ?1 AND statement_id = ?2", -1, &look, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO xapi_statement (org_id, statement_id, actor, actor_email, verb, object,"
                                 " registration, at, stored, duration_ms, completion, success, score_milli, token_id,"
                                 " sha256, body) VALUES (?1, ?2, 'mailto:elodie@lectern.test', 'elodie@lectern.test',"
                                 " 'http://adlnet.gov/expapi/verbs/experienced', ?3, '', ?4, ?4, 300000, -1, -1, NULL, 1,"
                                 " ?5, ?6) RETURNING id", -1, &ins, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO ledger_entry (org_id, seq, kind, subject, at, payload, prev_hash, hash)"
                                 " VALUES (?1, ?2, 'xapi.statement', ?3, ?4, ?5, ?6, ?6)", -1, &led, NULL)
        || sqlite3_prepare_v2(h, "UPDATE xapi_statement SET ledger_seq = ?1 WHERE id = ?2", -1, &set, NULL)
        || sqlite3_prepare_v2(h, "INSERT INTO ledger_head (org_id, seq, hash, at) VALUES (?1, ?2, ?3, ?4)"
                                 " ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at",
                              -1, &head, NULL)
        || sqlite3_prepare_v2(h, "SELECT COALESCE(max(seq), 0) FROM ledger_entry WHERE org_id = 1", -1, &mx, NULL))
        die(h, "prepare");
    if (sqlite3_step(mx) != SQLITE_ROW) die(h, "max seq");
    int64_t seq = sqlite3_column_int64(mx, 0), n = 0;
    sqlite3_finalize(mx);
    char hash[65];
    memset(hash, 'a', 64);
    hash[64] = 0;
    double t0 = now_s(), t = t0;
    long rows = 0, commits = 0;
    while (t - t0 < seconds) {
        int64_t at = wall_us();
        exec(h, "BEGIN IMMEDIATE");
        for (int i = 0; i < batch; i++, n++) {
            char id[48], object[96], body[1024], payload[512], subject[48];
            snprintf(id, sizeof id, "%08llx-0000-4000-8000-%012llx", (unsigned long long)(at & 0xffffffff),
                     (unsigned long long)(n & 0xffffffffffff));
            snprintf(object, sizeof object, "https://mooc.example/courses/data-protection/page-%d", i);
            snprintf(body, sizeof body,
                     "{\"actor\":{\"mbox\":\"mailto:elodie@lectern.test\",\"objectType\":\"Agent\"},\"authority\":"
                     "{\"account\":{\"homePage\":\"http://127.0.0.1:8080\",\"name\":\"token-1\"},\"name\":\"bench\","
                     "\"objectType\":\"Agent\"},\"id\":\"%s\",\"object\":{\"id\":\"%s\",\"objectType\":\"Activity\"},"
                     "\"result\":{\"completion\":false,\"duration\":\"PT5M\"},\"stored\":\"2026-11-29T12:00:00.000Z\","
                     "\"timestamp\":\"2026-11-29T12:00:00.000Z\",\"verb\":{\"display\":{\"en-US\":\"experienced\"},"
                     "\"id\":\"http://adlnet.gov/expapi/verbs/experienced\"},\"version\":\"1.0.3\"}", id, object);
            sqlite3_bind_int64(look, 1, 1);
            sqlite3_bind_text(look, 2, id, -1, SQLITE_STATIC);
            if (sqlite3_step(look) != SQLITE_DONE) die(h, "look-up");
            sqlite3_reset(look);
            sqlite3_bind_int64(ins, 1, 1);
            sqlite3_bind_text(ins, 2, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, object, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 4, at);
            sqlite3_bind_text(ins, 5, hash, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 6, body, -1, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_ROW) die(h, "insert statement");
            int64_t row = sqlite3_column_int64(ins, 0);
            sqlite3_reset(ins);
            seq++;
            snprintf(payload, sizeof payload, "{\"actor\":\"mailto:elodie@lectern.test\",\"at\":%lld,\"object\":\"%s\","
                     "\"sha256\":\"%s\",\"statement_id\":\"%s\",\"verb\":\"http://adlnet.gov/expapi/verbs/experienced\"}",
                     (long long)at, object, hash, id);
            snprintf(subject, sizeof subject, "statement:%lld", (long long)row);
            sqlite3_bind_int64(led, 1, 1);
            sqlite3_bind_int64(led, 2, seq);
            sqlite3_bind_text(led, 3, subject, -1, SQLITE_STATIC);
            sqlite3_bind_int64(led, 4, at);
            sqlite3_bind_text(led, 5, payload, -1, SQLITE_STATIC);
            sqlite3_bind_text(led, 6, hash, -1, SQLITE_STATIC);
            if (sqlite3_step(led) != SQLITE_DONE) die(h, "insert ledger entry");
            sqlite3_reset(led);
            sqlite3_bind_int64(set, 1, seq);
            sqlite3_bind_int64(set, 2, row);
            if (sqlite3_step(set) != SQLITE_DONE) die(h, "ledger_seq");
            sqlite3_reset(set);
            rows++;
        }
        sqlite3_bind_int64(head, 1, 1);
        sqlite3_bind_int64(head, 2, seq);
        sqlite3_bind_text(head, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(head, 4, at);
        if (sqlite3_step(head) != SQLITE_DONE) die(h, "ledger head");
        sqlite3_reset(head);
        exec(h, "COMMIT");
        commits++;
        t = now_s();
    }
    printf("rows %ld seconds %.2f rows_per_s %.0f commits %ld\n", rows, t - t0, rows / (t - t0 > 0 ? t - t0 : 1),
           commits);
    sqlite3_finalize(look);
    sqlite3_finalize(ins);
    sqlite3_finalize(led);
    sqlite3_finalize(set);
    sqlite3_finalize(head);
    sqlite3_close(h);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "count") == 0) return count(argv[2], "event");
    if (argc == 4 && strcmp(argv[1], "count") == 0) return count(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "scalar") == 0) return scalar(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "write") == 0) return query(argv[2], argv[3], SQLITE_OPEN_READWRITE);
    if (argc == 4 && strcmp(argv[1], "quiz") == 0) return quiz(argv[2], atof(argv[3]));
    if (argc == 4 && strcmp(argv[1], "sign") == 0) return sign(argv[2], atof(argv[3]));
    if (argc == 5 && strcmp(argv[1], "xapi") == 0) return xapi(argv[2], atoi(argv[3]), atof(argv[4]));
    if (argc == 6 && strcmp(argv[1], "heartbeat") == 0) {
        int batch = atoi(argv[4]);
        double secs = atof(argv[5]);
        if (batch < 1 || secs <= 0) {
            fprintf(stderr, "sqlite_insert: BATCH >= 1 and SECONDS > 0\n");
            return 2;
        }
        return heartbeat(argv[2], argv[3], batch, secs);
    }
    if (argc == 5 && strcmp(argv[1], "insert") == 0) {
        int batch = atoi(argv[3]);
        double secs = atof(argv[4]);
        if (batch < 1 || secs <= 0) {
            fprintf(stderr, "sqlite_insert: BATCH >= 1 and SECONDS > 0\n");
            return 2;
        }
        return insert(argv[2], batch, secs);
    }
    fprintf(stderr, "usage: sqlite_insert insert DB BATCH SECONDS | count DB [TABLE] | scalar DB SQL | write DB SQL\n"
                    "       | heartbeat DB TEMPLATE BATCH SECONDS | quiz DB SECONDS | sign DB SECONDS | xapi DB BATCH SECONDS\n");
    return 2;
}
