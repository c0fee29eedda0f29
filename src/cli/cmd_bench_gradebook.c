/* cmd_bench_gradebook.c — `lectern bench-seed-gradebook`: fill an empty
 * database with one course for the gradebook benchmark (bench/run.sh, part
 * "gradebook"): --quizzes quiz units (default 5) and one peer-assessed
 * assignment, one run with --learners learners (10,000), each with
 * --attempts finished attempts per quiz (2) and a peer grade (one in ten
 * withheld), and a trainer who signs in to read the gradebook.
 *
 * Fast as bench-seed is: the learners' password hashed once, rows through
 * cached prepared statements, one transaction per 10,000 rows, on SQLite
 * synchronous=OFF for this connection only.  Fixed seed: every run makes the
 * same data.  What the benchmark needs is printed on stdout as KEY=VALUE.
 */
#include "cli/cli.h"
#include "account/account.h"
#include "assess/quiz.h"
#include "catalog/catalog.h"
#include "content/content.h"
#include "org/org.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#define GB_BATCH 10000

typedef struct GbSeed { Db *db; int64_t in_tx; bool failed; } GbSeed;

static void gb_row(GbSeed *s, int rc, int want)
{
    if (rc != want) {
        fprintf(stderr, "lectern bench-seed-gradebook: insert failed: %s\n", db_errmsg(s->db));
        s->failed = true;
    }
    if (++s->in_tx < GB_BATCH) return;
    s->in_tx = 0;
    if (db_commit(s->db) != DB_DONE || db_begin(s->db) != DB_DONE) s->failed = true;
}

static bool opt_n(Cli *c, const char *name, int64_t def, int64_t max, int64_t *out)
{
    const char *v = cli_opt(c, name);
    *out = def;
    if (v && (!str_to_i64(v, out) || *out < 1 || *out > max)) {
        fprintf(stderr, "lectern: --%s must be a number from 1 to %lld\n", name, (long long)max);
        return false;
    }
    return true;
}

static uint64_t gb_rng = 0x9badbeefULL;
static uint64_t gb_rnd(void)
{
    uint64_t z = (gb_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The course, its units and run; the trainer. */
static int gb_course(Db *db, Arena *a, int64_t org, int64_t nquiz, UsTime now, int64_t *run_id, int64_t *units,
                     int64_t *assignment)
{
    Course c;
    int64_t cid = 0, sid = 0;
    CourseInput in = {.code = "GB-BENCH", .title = "Gradebook bench", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "Assessments", .release_days = -1};
    if (course_create(db, org, &in, 0, now, &cid) != LN_OK || course_load(db, a, cid, &c) != LN_OK
        || run_create(db, &c, "Run 1", "mooc", now, 0, 0, now, run_id) != LN_OK
        || section_create(db, &c, &si, now, &sid) != LN_OK)
        return LN_EDB;
    static const char *const policies[] = {"best", "last", "average"};
    for (int64_t q = 0; q < nquiz; q++) {
        UnitInput ui = {.kind = "quiz", .title = arena_printf(a, "Quiz %lld", (long long)q + 1), .section_id = sid,
                        .minutes = 10, .duration_s = -1, .threshold = -1, .required = 1};
        QuizSettings qs;
        quiz_settings_default(&qs);
        qs.grade_policy = policies[q % 3];
        qs.pass_mark = 500;
        if (unit_create(db, &c, &ui, now, &units[q]) != LN_OK || quiz_settings_set(db, org, units[q], &qs, now) != LN_OK)
            return LN_EDB;
    }
    UnitInput ui = {.kind = "assignment", .title = "Case study", .section_id = sid, .minutes = 60, .duration_s = -1,
                    .threshold = -1, .required = 1};
    return unit_create(db, &c, &ui, now, assignment);
}

int cmd_bench_seed_gradebook(Cli *c)
{
    int64_t nlearners, nquiz, nattempts;
    if (!opt_n(c, "learners", 10000, 10000000, &nlearners) || !opt_n(c, "quizzes", 5, 50, &nquiz)
        || !opt_n(c, "attempts", 2, 20, &nattempts))
        return 2;
    const char *password = "bench-trainer-pass";
    Db *db = cli_db(c);
    if (!db) return 1;
    int64_t existing = 0;
    db_query_i64(db, &existing, "SELECT count(*) FROM org WHERE slug = 'gbbench'", "");
    if (existing) {
        fprintf(stderr, "lectern: this database was seeded already: seed an empty one (a new --data)\n");
        db_close(db);
        return 1;
    }
    if (db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-131072");
    UsTime t0 = time_mono_us(), now = time_now_us();
    Arena *a = arena_new();
    int64_t org = 0, trainer = 0, run = 0, assignment = 0;
    int64_t *units = arena_alloc(a, sizeof(int64_t) * (size_t)nquiz);
    char hash[crypto_pwhash_STRBYTES];
    GbSeed s = {.db = db};
    if (org_create(db, "gbbench", "Gradebook Bench", false, now, &org) != LN_OK
        || user_create(db, "trainer@gbbench.test", "Tra Iner", password, "en", false, now, &trainer) != LN_OK
        || db_run(db, "INSERT INTO membership (org_id, user_id, role, created_at) VALUES ($1, $2, 'trainer', $3)", "iii",
                  org, trainer, now) != DB_DONE
        || gb_course(db, a, org, nquiz, now, &run, units, &assignment) != LN_OK
        || password_hash("bench-learner-pass", hash, sizeof hash) != LN_OK) {
        fprintf(stderr, "lectern bench-seed-gradebook: cannot set up: %s\n", db_errmsg(db));
        arena_free(a);
        db_close(db);
        return 1;
    }
    int64_t attempts = 0;
    db_begin(db);
    for (int64_t i = 0; i < nlearners && !s.failed; i++) {
        Arena *ra = arena_new();
        char *email = arena_printf(ra, "gb%06lld@gbbench.test", (long long)i + 1);
        char *name = arena_printf(ra, "Learner %06lld", (long long)i + 1);
        int64_t uid = 0;
        DbStmt *st = db_prepare(db, "INSERT INTO app_user (email, name, password_hash, lang, created_at, updated_at,"
                                    " search_key) VALUES ($1, $2, $3, 'en', $4, $4, $5) RETURNING id");
        if (!st) { s.failed = true; arena_free(ra); break; }
        db_bind_text(st, 1, email);
        db_bind_text(st, 2, name);
        db_bind_text(st, 3, hash);
        db_bind_i64(st, 4, now);
        db_bind_text(st, 5, user_search_key(ra, name, email));
        int rc = db_step(st);
        if (rc == DB_ROW) uid = db_col_i64(st, 0);
        db_done(st);
        gb_row(&s, rc, DB_ROW);
        gb_row(&s, db_run(db, "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at)"
                              " VALUES ($1, $2, $3, 'active', $4)", "iiii", run, uid, org, now), DB_DONE);
        for (int64_t q = 0; q < nquiz && !s.failed; q++)
            for (int64_t k = 1; k <= nattempts; k++) {
                UsTime at = now - (nattempts - k + 1) * 3600 * US_PER_SEC;
                gb_row(&s, db_run(db, "INSERT INTO attempt (unit_id, run_id, user_id, org_id, number, items, started_at,"
                                      " submitted_at, score, status) VALUES ($1, $2, $3, $4, $5, '[]', $6, $7, $8,"
                                      " 'submitted')", "iiiiiiii", units[q], run, uid, org, k, at, at + 600 * US_PER_SEC,
                                  (int64_t)(gb_rnd() % 1001)), DB_DONE);
                attempts++;
            }
        bool withheld = i % 10 == 9;
        gb_row(&s, db_run(db, "INSERT INTO peer_grade (unit_id, run_id, user_id, org_id, kind, status, score, reviews,"
                              " ledger_seq, created_at) VALUES ($1, $2, $3, $4, 'grade', $5, $6, 3, 0, $7)", "iiiitii",
                          assignment, run, uid, org, withheld ? "withheld" : "graded", (int64_t)(gb_rnd() % 1001), now),
               DB_DONE);
        arena_free(ra);
    }
    if (!s.failed && db_commit(db) != DB_DONE) s.failed = true;
    if (s.failed) db_rollback(db);
    if (!s.failed && db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (!s.failed) {
        printf("GB_ORG=gbbench\nGB_RUN=%lld\nGB_TRAINER_EMAIL=trainer@gbbench.test\nGB_TRAINER_PASSWORD=%s\n",
               (long long)run, password);
        printf("GB_LEARNERS=%lld\nGB_QUIZZES=%lld\nGB_ATTEMPTS=%lld\nGB_SEED_SECONDS=%.1f\n", (long long)nlearners,
               (long long)nquiz, (long long)attempts, (double)(time_mono_us() - t0) / 1e6);
        fflush(stdout);
    }
    arena_free(a);
    db_close(db);
    return s.failed ? 1 : 0;
}
