/* forum_raw.c — the raw SQLite ceilings of `make bench` part "forum"
 * (bench/run.sh), on the database `lectern bench-seed-forum` made.  One
 * thread, no server, no HTTP.
 *
 *   forum_raw post DB SECONDS RUN FIRST LAST AUTHOR_FROM AUTHOR_TO
 *       On a COPY of the database: the rows a reply writes, one transaction
 *       each (WAL, synchronous=FULL, as `lectern serve --sync full`): the
 *       forum_post row, its forum_search row, the thread's last activity,
 *       the author's read marker and follow; threads and authors drawn in
 *       [FIRST, LAST] and [AUTHOR_FROM, AUTHOR_TO].  Prints
 *       "post rows N seconds S rate R" (R: posts/s).
 *   forum_raw search DB SECONDS RUN MATCH...
 *       Lectern's own search statement (forum_search.c, SQLite: MATCH, the
 *       post, thread and author joined, bm25 order, 50 rows), each MATCH
 *       expression in turn (as search_query writes them: "kalomi"*), every
 *       column read.  Prints "search queries N seconds S rate R p50_ms A
 *       p99_ms B rows_per_query C".
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

static void die(sqlite3 *h, const char *what)
{
    fprintf(stderr, "forum_raw: %s: %s\n", what, h ? sqlite3_errmsg(h) : "?");
    exit(1);
}

static void exec(sqlite3 *h, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "forum_raw: %s: %s\n", sql, err ? err : "?");
        exit(1);
    }
}

static sqlite3_stmt *prep(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) die(h, sql);
    return st;
}

static void run(sqlite3 *h, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) die(h, sqlite3_sql(st));
    sqlite3_reset(st);
}

static uint64_t rng = 0x12345678ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int post(const char *path, double secs, int64_t run_id, int64_t first, int64_t last, int64_t afrom, int64_t ato)
{
    sqlite3 *h;
    if (sqlite3_open(path, &h) != SQLITE_OK) die(h, path);
    exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000");
    int64_t org = 0;
    sqlite3_stmt *q = prep(h, "SELECT c.org_id FROM course_run r JOIN course c ON c.id = r.course_id WHERE r.id = ?");
    sqlite3_bind_int64(q, 1, run_id);
    if (sqlite3_step(q) == SQLITE_ROW) org = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_stmt *ins = prep(h, "INSERT INTO forum_post (thread_id, run_id, org_id, parent_id, author_id, body, created_at)"
                                " VALUES (?, ?, ?, NULL, ?, ?, ?)");
    sqlite3_stmt *fts = prep(h, "INSERT INTO forum_search (rowid, words) VALUES (?, ?)");
    sqlite3_stmt *upd = prep(h, "UPDATE forum_thread SET last_activity_at = ? WHERE id = ?");
    sqlite3_stmt *rd = prep(h, "INSERT INTO forum_read (thread_id, user_id, last_read_at) VALUES (?, ?, ?) "
                               "ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_at = excluded.last_read_at");
    sqlite3_stmt *fol = prep(h, "INSERT INTO forum_follow (thread_id, user_id, created_at) VALUES (?, ?, ?) "
                                "ON CONFLICT DO NOTHING");
    sqlite3_stmt *begin = prep(h, "BEGIN IMMEDIATE"), *commit = prep(h, "COMMIT");
    const char *body = "A reply of the benchmark, a few words long: kalomi sarutu ruvobe, as posted by wrk.";
    double t0 = now_s(), t = t0;
    long n = 0;
    while ((t = now_s()) - t0 < secs) {
        int64_t th = first + (int64_t)(rnd() % (uint64_t)(last - first + 1));
        int64_t au = afrom + (int64_t)(rnd() % (uint64_t)(ato - afrom + 1));
        int64_t at = (int64_t)(t * 1e6) + 1700000000000000LL;
        run(h, begin);
        sqlite3_bind_int64(ins, 1, th);
        sqlite3_bind_int64(ins, 2, run_id);
        sqlite3_bind_int64(ins, 3, org);
        sqlite3_bind_int64(ins, 4, au);
        sqlite3_bind_text(ins, 5, body, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, at);
        run(h, ins);
        sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(h));
        sqlite3_bind_text(fts, 2, "a reply of the benchmark a few words long kalomi sarutu ruvobe as posted by wrk", -1,
                          SQLITE_STATIC);
        run(h, fts);
        sqlite3_bind_int64(upd, 1, at);
        sqlite3_bind_int64(upd, 2, th);
        run(h, upd);
        sqlite3_bind_int64(rd, 1, th);
        sqlite3_bind_int64(rd, 2, au);
        sqlite3_bind_int64(rd, 3, at);
        run(h, rd);
        sqlite3_bind_int64(fol, 1, th);
        sqlite3_bind_int64(fol, 2, au);
        sqlite3_bind_int64(fol, 3, at);
        run(h, fol);
        run(h, commit);
        n++;
    }
    double el = t - t0;
    printf("post rows %ld seconds %.2f rate %.1f\n", n, el, n / el);
    sqlite3_close_v2(h);
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int search(const char *path, double secs, int64_t run_id, char **match, int nm)
{
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(h, path);
    sqlite3_stmt *st = prep(h,
        "SELECT p.id, p.thread_id, t.title, p.body, u.name, p.created_at FROM forum_search s "
        "JOIN forum_post p ON p.id = s.rowid JOIN forum_thread t ON t.id = p.thread_id "
        "JOIN app_user u ON u.id = p.author_id WHERE forum_search MATCH ?2 AND p.run_id = ?1 "
        "AND p.deleted_at IS NULL AND p.hidden_at IS NULL ORDER BY bm25(forum_search), p.id DESC LIMIT 50");
    size_t cap = 1 << 20, n = 0;
    double *lat = malloc(cap * sizeof *lat), t0 = now_s(), t = t0;
    long rows = 0;
    while ((t = now_s()) - t0 < secs && n < cap) {
        double a = t;
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_text(st, 2, match[n % (size_t)nm], -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            for (int c = 0; c < 6; c++) (void)sqlite3_column_text(st, c);
            rows++;
        }
        if (rc != SQLITE_DONE) die(h, "search");
        sqlite3_reset(st);
        lat[n++] = (now_s() - a) * 1000.0;
    }
    double el = now_s() - t0;
    qsort(lat, n, sizeof *lat, cmp_d);
    printf("search queries %zu seconds %.2f rate %.1f p50_ms %.3f p99_ms %.3f rows_per_query %.1f\n", n, el, n / el,
           lat[n / 2], lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], (double)rows / (double)n);
    free(lat);
    sqlite3_close_v2(h);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 9 && strcmp(argv[1], "post") == 0)
        return post(argv[2], atof(argv[3]), atoll(argv[4]), atoll(argv[5]), atoll(argv[6]), atoll(argv[7]),
                    atoll(argv[8]));
    if (argc >= 6 && strcmp(argv[1], "search") == 0)
        return search(argv[2], atof(argv[3]), atoll(argv[4]), argv + 5, argc - 5);
    fprintf(stderr, "usage: forum_raw post DB SECONDS RUN FIRST LAST AUTHOR_FROM AUTHOR_TO\n"
                    "       forum_raw search DB SECONDS RUN MATCH...\n");
    return 2;
}
