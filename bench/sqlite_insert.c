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
 *   sqlite_insert heartbeat DB TEMPLATE BATCH SECONDS
 *       The same as insert, for the `heartbeat` table: fresh database DB
 *       whose heartbeat table and indexes are copied from lectern's
 *       database TEMPLATE (so the reference follows the schema), with
 *       one-column stand-ins for the tables it references (foreign keys
 *       on, 50 rows each); rows inserted with the statement of lectern's
 *       beat_job(), rotating over 50 (run, unit) pairs and varying the
 *       segments as the benchmark's requests do.  Same output as insert.
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

static int scalar(const char *path, const char *sql)
{
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(h, "open");
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

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "count") == 0) return count(argv[2], "event");
    if (argc == 4 && strcmp(argv[1], "count") == 0) return count(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "scalar") == 0) return scalar(argv[2], argv[3]);
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
    fprintf(stderr, "usage: sqlite_insert insert DB BATCH SECONDS | count DB [TABLE] | scalar DB SQL\n"
                    "       | heartbeat DB TEMPLATE BATCH SECONDS\n");
    return 2;
}
