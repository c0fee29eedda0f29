/* cmd_bench_quiz.c — `lectern bench-quiz-seed`: fill an empty database for
 * the quiz benchmark of `make bench` (bench/run.sh, part "quiz"): one
 * organisation "benchq", one course, one run, one quiz unit of ten
 * questions (single, multiple, true/false, numeric, short answer: two of
 * each, no shuffling, so a response is the same for everyone), and N
 * learners (100,000), each enrolled, with ONE SUBMITTED ATTEMPT (graded,
 * its ten answers stored: the history the benchmark runs against) and ONE
 * ATTEMPT IN PROGRESS, plus a session each.  The in-progress attempts are
 * what the benchmark submits, one request each.
 *
 * --out FILE gets one line per learner, "SESSION_TOKEN CSRF_TOKEN PATH"
 * (PATH: the API route that submits the attempt), after a first line
 * "#body JSON" (the request body: every answer right).  The CSRF tokens are
 * computed as the server does (HMAC of the session token with the site
 * secret, which this command creates when there is none).
 *
 * Fast path as bench-seed: rows through cached prepared statements, one
 * transaction per --batch rows, SQLite with synchronous=OFF during seeding;
 * the password is not used (sessions are made directly).  Seeded attempts
 * have no ledger entries (they are fixtures, not evidence); `lectern verify`
 * is not meaningful on this database.
 */
#include "cli/cli.h"
#include "http/app.h"
#include "account/account.h"
#include "assess/quiz.h"
#include "catalog/catalog.h"
#include "content/content.h"
#include "org/org.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NITEMS 10

static const char *const ITEM_JSON[NITEMS] = {
    "{\"type\":\"single\",\"title\":\"S1\",\"text\":\"Capital of France?\",\"choices\":[{\"text\":\"Paris\",\"weight\":1000},"
    "{\"text\":\"Lyon\"},{\"text\":\"Nice\"}]}",
    "{\"type\":\"multiple\",\"title\":\"M1\",\"text\":\"Primes?\",\"choices\":[{\"text\":\"2\",\"weight\":500},"
    "{\"text\":\"3\",\"weight\":500},{\"text\":\"4\",\"weight\":-500}]}",
    "{\"type\":\"truefalse\",\"title\":\"T1\",\"text\":\"The sky is green.\",\"choices\":[{\"text\":\"true\"},"
    "{\"text\":\"false\",\"weight\":1000}]}",
    "{\"type\":\"numeric\",\"title\":\"N1\",\"text\":\"Pi?\",\"choices\":[{\"value\":3140000,\"tolerance\":5000,"
    "\"weight\":1000}]}",
    "{\"type\":\"short\",\"title\":\"A1\",\"text\":\"River of Paris?\",\"text_match\":\"nocase\",\"choices\":"
    "[{\"text\":\"Seine\",\"weight\":1000}]}",
    "{\"type\":\"single\",\"title\":\"S2\",\"text\":\"Capital of Italy?\",\"choices\":[{\"text\":\"Rome\",\"weight\":1000},"
    "{\"text\":\"Milan\"},{\"text\":\"Turin\"}]}",
    "{\"type\":\"multiple\",\"title\":\"M2\",\"text\":\"Even?\",\"choices\":[{\"text\":\"2\",\"weight\":500},"
    "{\"text\":\"4\",\"weight\":500},{\"text\":\"5\",\"weight\":-500}]}",
    "{\"type\":\"truefalse\",\"title\":\"T2\",\"text\":\"Water is wet.\",\"choices\":[{\"text\":\"true\",\"weight\":1000},"
    "{\"text\":\"false\"}]}",
    "{\"type\":\"numeric\",\"title\":\"N2\",\"text\":\"Half of 3?\",\"choices\":[{\"range\":true,\"min\":1400000,"
    "\"max\":1600000,\"weight\":1000}]}",
    "{\"type\":\"short\",\"title\":\"A2\",\"text\":\"Capital of Spain?\",\"text_match\":\"nocase\",\"choices\":"
    "[{\"text\":\"Madrid\",\"weight\":1000}]}",
};
/* The learner's responses (shown positions = the items' own: no shuffling). */
static const char *const RESPONSE_JSON[NITEMS] = {
    "{\"choice\":0}", "{\"choices\":[0,1]}", "{\"choice\":1}", "{\"text\":\"3.14\"}", "{\"text\":\"seine\"}",
    "{\"choice\":0}", "{\"choices\":[0,1]}", "{\"choice\":0}", "{\"text\":\"1,5\"}", "{\"text\":\"MADRID\"}",
};

typedef struct QSeed {
    Db *db;
    int64_t batch, in_tx;
    bool failed;
} QSeed;

static void step(QSeed *s, DbStmt *st, int64_t *id)
{
    if (!st) {
        s->failed = true;
        return;
    }
    int rc = db_step(st);
    if (id && rc == DB_ROW) *id = db_col_i64(st, 0);
    if (rc != (id ? DB_ROW : DB_DONE)) {
        fprintf(stderr, "lectern bench-quiz-seed: insert failed: %s\n", db_errmsg(s->db));
        s->failed = true;
    }
    db_done(st);
    if (++s->in_tx >= s->batch) {
        if (db_commit(s->db) != DB_DONE || db_begin(s->db) != DB_DONE) s->failed = true;
        s->in_tx = 0;
    }
}

static DbStmt *prep(QSeed *s, const char *sql)
{
    DbStmt *st = db_prepare(s->db, sql);
    if (!st) s->failed = true;
    return st;
}

int cmd_bench_quiz_seed(Cli *c)
{
    int64_t nlearners = 100000, batch = 10000;
    const char *v = cli_opt(c, "learners"), *out_path = cli_opt(c, "out");
    if ((v && (!str_to_i64(v, &nlearners) || nlearners < 1 || nlearners > 10000000)) || !out_path) {
        fprintf(stderr, "lectern bench-quiz-seed: --out FILE is required; --learners from 1 to 10000000\n");
        return 2;
    }
    BenchSeed bs;
    int orc = bench_seed_open(c, "bench-quiz-seed", out_path, "benchq", &bs);
    if (orc) return orc;
    FILE *out = bs.out;
    Db *db = bs.db;
    const unsigned char *csrf_key = bs.csrf_key;
    UsTime t0 = time_mono_us(), now = time_now_us();
    Arena *a = arena_new();
    int64_t org_id = 0, course_id = 0, run_id = 0, section_id = 0, unit_id = 0;
    Course course;
    CourseInput ci = {.code = "QZ-1", .title = "Quiz benchmark", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "Quiz", .release_days = -1};
    UnitInput ui = {.kind = "quiz", .title = "Ten questions", .minutes = 5, .duration_s = -1, .threshold = -1,
                    .required = 1};
    ItemBank bank = {.items = arena_alloc(a, sizeof(Item) * NITEMS), .n = NITEMS};
    for (int i = 0; i < NITEMS; i++) item_from_text(a, ITEM_JSON[i], &bank.items[i]);
    QuizSettings qs;
    quiz_settings_default(&qs);
    bool ok = org_create(db, "benchq", "Bench Quiz", false, now, &org_id) == LN_OK
              && course_create(db, org_id, &ci, 0, now, &course_id) == LN_OK
              && course_load(db, a, course_id, &course) == LN_OK
              && run_create(db, &course, "Run", "corporate", now, 0, 0, now, &run_id) == LN_OK
              && section_create(db, &course, &si, now, &section_id) == LN_OK;
    ui.section_id = section_id;
    ok = ok && unit_create(db, &course, &ui, now, &unit_id) == LN_OK
         && quiz_items_replace(db, org_id, unit_id, &bank, now) == LN_OK
         && quiz_settings_set(db, org_id, unit_id, &qs, now) == LN_OK;
    QuizItems qi;
    ok = ok && quiz_items_load(db, a, unit_id, &qi) == LN_OK && qi.n == NITEMS;
    if (!ok) {
        fprintf(stderr, "lectern bench-quiz-seed: cannot make the course and its quiz: %s\n", db_errmsg(db));
        arena_free(a);
        fclose(out);
        db_close(db);
        return 1;
    }
    /* What every attempt shows, what every learner answers, and its grade. */
    Shown shown[NITEMS];
    json_t *body = json_object(), *resp = json_object();
    char *stored[NITEMS];
    int scores[NITEMS];
    for (int i = 0; i < NITEMS; i++) {
        shown_make(a, &qi.items[i].item, qi.items[i].id, false, &shown[i]);
        json_t *lr = json_loads(RESPONSE_JSON[i], 0, NULL);
        Response r;
        const char *err;
        if (response_from_learner(a, &qi.items[i].item, &shown[i], lr, &r, &err) != LN_OK) ok = false;
        json_t *sj = response_to_json(&r);
        char *t = json_dumps(sj, JSON_COMPACT);
        stored[i] = arena_strdup(a, t);
        free(t);
        json_decref(sj);
        scores[i] = item_grade(&qi.items[i].item, &r);
        json_object_set_new(resp, arena_printf(a, "%lld", (long long)qi.items[i].id), lr);
    }
    json_object_set_new(body, "responses", resp);
    char *body_text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_t *sh = shown_to_json(shown, NITEMS);
    char *items_text = json_dumps(sh, JSON_COMPACT);
    json_decref(sh);
    fprintf(out, "#body %s\n", body_text);
    free(body_text);

    QSeed s = {.db = db, .batch = batch};
    db_begin(db);
    int64_t answers = 0;
    for (int64_t i = 0; i < nlearners && ok && !s.failed; i++) {
        char email[64], name[32], token[TOKEN_CHARS + 1], hash[HASH_HEX], csrf[TOKEN_CHARS + 1];
        snprintf(email, sizeof email, "quiz%07lld@bench.test", (long long)(i + 1));
        snprintf(name, sizeof name, "Quiz learner %lld", (long long)(i + 1));
        int64_t uid = 0, done_id = 0, open_id = 0;
        UsTime at = now - 30 * 86400 * US_PER_SEC + i * 1000;
        DbStmt *st = prep(&s, "INSERT INTO app_user (email, name, password_hash, lang, created_at, updated_at, search_key)"
                              " VALUES ($1, $2, '', 'en', $3, $3, $4) RETURNING id");
        if (!st) break;
        db_bind_text(st, 1, email);
        db_bind_text(st, 2, name);
        db_bind_i64(st, 3, at);
        db_bind_text(st, 4, email);
        step(&s, st, &uid);
        if (!(st = prep(&s, "INSERT INTO membership (org_id, user_id, role, created_at) VALUES ($1, $2, 'learner', $3)")))
            break;
        db_bind_i64(st, 1, org_id);
        db_bind_i64(st, 2, uid);
        db_bind_i64(st, 3, at);
        step(&s, st, NULL);
        if (!(st = prep(&s, "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at) VALUES ($1, $2, $3,"
                            " 'active', $4)")))
            break;
        db_bind_i64(st, 1, run_id);
        db_bind_i64(st, 2, uid);
        db_bind_i64(st, 3, org_id);
        db_bind_i64(st, 4, at);
        step(&s, st, NULL);
        /* attempt 1: submitted, graded, with its answers */
        if (!(st = prep(&s, "INSERT INTO attempt (unit_id, run_id, user_id, org_id, number, items, started_at, submitted_at,"
                            " score, pending, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10) RETURNING id")))
            break;
        db_bind_i64(st, 1, unit_id);
        db_bind_i64(st, 2, run_id);
        db_bind_i64(st, 3, uid);
        db_bind_i64(st, 4, org_id);
        db_bind_i64(st, 5, 1);
        db_bind_text(st, 6, items_text);
        db_bind_i64(st, 7, at + 60 * US_PER_SEC);
        db_bind_i64(st, 8, at + 300 * US_PER_SEC);
        db_bind_i64(st, 9, 1000);
        db_bind_text(st, 10, "submitted");
        step(&s, st, &done_id);
        for (int k = 0; k < NITEMS && !s.failed; k++) {
            if (!(st = prep(&s, "INSERT INTO attempt_answer (attempt_id, quiz_item_id, org_id, response, score)"
                                " VALUES ($1, $2, $3, $4, $5)")))
                break;
            db_bind_i64(st, 1, done_id);
            db_bind_i64(st, 2, qi.items[k].id);
            db_bind_i64(st, 3, org_id);
            db_bind_text(st, 4, stored[k]);
            db_bind_i64(st, 5, scores[k]);
            step(&s, st, NULL);
            answers++;
        }
        /* attempt 2: in progress, no deadline: the benchmark submits it */
        if (!(st = prep(&s, "INSERT INTO attempt (unit_id, run_id, user_id, org_id, number, items, started_at, status)"
                            " VALUES ($1, $2, $3, $4, 2, $5, $6, 'in_progress') RETURNING id")))
            break;
        db_bind_i64(st, 1, unit_id);
        db_bind_i64(st, 2, run_id);
        db_bind_i64(st, 3, uid);
        db_bind_i64(st, 4, org_id);
        db_bind_text(st, 5, items_text);
        db_bind_i64(st, 6, now);
        step(&s, st, &open_id);
        token_random(token);
        token_hash(token, hash);
        if (!(st = prep(&s, "INSERT INTO user_session (token_hash, user_id, created_at, expires_at, ip, user_agent)"
                            " VALUES ($1, $2, $3, $4, '127.0.0.1', 'bench')")))
            break;
        db_bind_text(st, 1, hash);
        db_bind_i64(st, 2, uid);
        db_bind_i64(st, 3, now);
        db_bind_i64(st, 4, now + (int64_t)SESSION_DAYS * 86400 * US_PER_SEC);
        step(&s, st, NULL);
        csrf_mac_with(csrf_key, token, csrf);
        fprintf(out, "%s %s /api/v1/runs/%lld/units/%lld/attempts/%lld/submit\n", token, csrf, (long long)run_id,
                (long long)unit_id, (long long)open_id);
        if ((i + 1) % 20000 == 0) fprintf(stderr, "learners %lld/%lld\n", (long long)(i + 1), (long long)nlearners);
    }
    free(items_text);
    bool failed = s.failed || !ok || db_commit(db) != DB_DONE;
    if (db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (fclose(out) != 0) failed = true;
    if (!failed) {
        printf("QUIZ_ORG=benchq\nQUIZ_RUN=%lld\nQUIZ_UNIT=%lld\nQUIZ_LEARNERS=%lld\nQUIZ_ATTEMPTS=%lld\nQUIZ_ANSWERS=%lld\n",
               (long long)run_id, (long long)unit_id, (long long)nlearners, (long long)nlearners * 2, (long long)answers);
        printf("QUIZ_SEED_SECONDS=%.1f\n", (double)(time_mono_us() - t0) / 1e6);
    } else fprintf(stderr, "lectern bench-quiz-seed: failed: %s\n", db_errmsg(db));
    arena_free(a);
    db_close(db);
    return failed ? 1 : 0;
}
