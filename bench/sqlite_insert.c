/* sqlite_insert.c — reference lines for `make bench` (built by bench/run.sh).
 *
 *   sqlite_insert insert DB BATCH SECONDS
 *       Fresh database DB, the same `event` table shape as migrations/001
 *       (foreign keys on, index event_user), WAL, synchronous=FULL; insert rows
 *       with lectern's statement (INSERT ... RETURNING id, $N bound by name),
 *       BATCH rows per transaction, for about SECONDS.  Prints
 *       "rows N seconds S rows_per_s R commits C".
 *   sqlite_insert count DB
 *       Prints the number of rows in DB's `event` table (read-only; works
 *       while lectern holds the database open in WAL mode).
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

static int count(const char *path)
{
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(h, "open");
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM event", -1, &st, NULL) != SQLITE_OK) die(h, "prepare");
    if (sqlite3_step(st) != SQLITE_ROW) die(h, "count");
    printf("%lld\n", (long long)sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return 0;
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

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "count") == 0) return count(argv[2]);
    if (argc == 5 && strcmp(argv[1], "insert") == 0) {
        int batch = atoi(argv[3]);
        double secs = atof(argv[4]);
        if (batch < 1 || secs <= 0) {
            fprintf(stderr, "sqlite_insert: BATCH >= 1 and SECONDS > 0\n");
            return 2;
        }
        return insert(argv[2], batch, secs);
    }
    fprintf(stderr, "usage: sqlite_insert insert DB BATCH SECONDS | sqlite_insert count DB\n");
    return 2;
}
