/* gradebook_raw.c — the ceiling of part "gradebook" of bench/run.sh: the
 * rows one gradebook of a run reads (lectern's gradebook_load, the same four
 * statements as src/assess/gradebook.c, kept in step by hand), read by a
 * plain C loop over SQLite, every column fetched, nothing else done: no
 * HTTP, no folding into grades, no HTML or CSV.  One thread.
 *
 *   gradebook_raw DB RUN_ID SECONDS   → "N gradebooks in S s: R gradebooks/s, ROWS rows each"
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const sql[] = {
    "SELECT u.id, u.name, u.email, e.completed_at FROM enrolment e JOIN app_user u ON u.id = e.user_id"
    " WHERE e.run_id = ?1 AND e.status = 'active' ORDER BY u.name, u.id",
    "SELECT t.user_id, t.unit_id, COALESCE(o.score, s.score, t.score), COALESCE(s.pending, t.pending),"
    " CASE WHEN o.id IS NULL THEN 0 ELSE 1 END, t.number FROM attempt t"
    " LEFT JOIN (SELECT attempt_id, max(id) AS id FROM attempt_rescore WHERE run_id = ?1 GROUP BY attempt_id) sl"
    "  ON sl.attempt_id = t.id LEFT JOIN attempt_rescore s ON s.id = sl.id"
    " LEFT JOIN (SELECT attempt_id, max(id) AS id FROM grade_override WHERE run_id = ?1 AND attempt_id IS NOT NULL"
    "  GROUP BY attempt_id) ol ON ol.attempt_id = t.id LEFT JOIN grade_override o ON o.id = ol.id"
    " WHERE t.run_id = ?1 AND t.status <> 'in_progress'",
    "SELECT o.user_id, o.unit_id, o.score FROM grade_override o WHERE o.run_id = ?1 AND o.attempt_id IS NULL"
    " AND o.id = (SELECT max(p.id) FROM grade_override p WHERE p.run_id = o.run_id AND p.unit_id = o.unit_id"
    " AND p.user_id = o.user_id AND p.attempt_id IS NULL)",
    "SELECT g.user_id, g.unit_id, g.status, g.score, g.kind, g.reviews FROM peer_grade g"
    " JOIN (SELECT unit_id, user_id, max(id) AS id FROM peer_grade WHERE run_id = ?1 GROUP BY unit_id, user_id) l"
    "  ON l.id = g.id WHERE g.run_id = ?1",
};
#define NSQL (int)(sizeof sql / sizeof sql[0])

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gradebook_raw DB RUN_ID SECONDS\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "gradebook_raw: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_exec(db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    sqlite3_stmt *st[NSQL];
    for (int i = 0; i < NSQL; i++)
        if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "gradebook_raw: %s\n", sqlite3_errmsg(db));
            return 1;
        }
    long long run = atoll(argv[2]), n = 0, rows = 0, sink = 0;
    double secs = atof(argv[3]), t0 = now_s(), t = t0;
    while (t - t0 < secs) {
        rows = 0;
        for (int i = 0; i < NSQL; i++) {
            sqlite3_bind_int64(st[i], 1, run);
            while (sqlite3_step(st[i]) == SQLITE_ROW) {
                rows++;
                for (int c = 0; c < sqlite3_column_count(st[i]); c++) {
                    if (sqlite3_column_type(st[i], c) == SQLITE_TEXT) {
                        const unsigned char *s = sqlite3_column_text(st[i], c);
                        sink += s ? s[0] : 0;
                    } else
                        sink += sqlite3_column_int64(st[i], c);
                }
            }
            sqlite3_reset(st[i]);
        }
        n++;
        t = now_s();
    }
    printf("%lld gradebooks in %.2f s: %.2f gradebooks/s, %lld rows each (%lld)\n", n, t - t0, (double)n / (t - t0),
           rows, sink % 10);
    for (int i = 0; i < NSQL; i++) sqlite3_finalize(st[i]);
    sqlite3_close(db);
    return 0;
}
