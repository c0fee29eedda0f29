/* cmd_bench_forum.c — `lectern bench-seed-forum`: fill an empty database for
 * the forum benchmark of `make bench` (bench/run.sh, part "forum"): one
 * organisation "fbench", one course, one MOOC run whose forum holds
 * --forum-threads threads (10,000) and --posts posts in all (1,000,000, opening
 * posts included), thread 1 being the big one with --big replies (1,000,
 * one in five a reply to a reply); the other posts are spread evenly over the
 * other threads.  Every post is in the search index (forum_search), as the
 * server writes it: its words folded (here already lower-case ASCII), the
 * opening post with its thread's title.  Post texts are 15 words drawn from a
 * vocabulary of 4,096 made-up words of three syllables ("kalomi"), so a word
 * is in about 1 post of 270.
 *
 * --posters learners (5,000) are enrolled, each with a session; --out FILE
 * gets one line per poster, "SESSION_TOKEN CSRF_TOKEN" (the CSRF token
 * computed as the server does), for the posting runs (20 posts a minute
 * each at most: the forum's rate limit).  A trainer signs in with
 * trainer@fbench.test / bench-trainer-pass.
 *
 * Fast path as the other bench seeds: cached prepared statements, one
 * transaction per 50,000 rows, SQLite synchronous=OFF for this connection
 * only.  Fixed seed: every run makes the same data.  What the benchmark
 * needs is printed on stdout as KEY=VALUE; progress on stderr.
 */
#include "cli/cli.h"
#include "http/app.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>

#define FB_BATCH 50000
#define FB_WORDS 15

typedef struct FbSeed { Db *db; int64_t in_tx; bool failed; } FbSeed;

static void fb_step(FbSeed *s, DbStmt *st, int64_t *id)
{
    if (!st) {
        s->failed = true;
        return;
    }
    int rc = db_step(st);
    if (id && rc == DB_ROW) *id = db_col_i64(st, 0);
    if (rc != (id ? DB_ROW : DB_DONE)) {
        fprintf(stderr, "lectern bench-seed-forum: insert failed: %s\n", db_errmsg(s->db));
        s->failed = true;
    }
    db_done(st);
    if (++s->in_tx >= FB_BATCH) {
        if (db_commit(s->db) != DB_DONE || db_begin(s->db) != DB_DONE) s->failed = true;
        s->in_tx = 0;
    }
}

static uint64_t fb_rng = 0x5eedf0a0ULL;
static uint64_t fb_rnd(void)
{
    uint64_t z = (fb_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* word k of 4,096: three of 16 syllables */
static void fb_word(Buf *b, unsigned k)
{
    static const char *const syl[16] = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo",
                                        "be", "da", "fe", "gi", "ho", "ju", "pa", "ze"};
    buf_printf(b, "%s%s%s", syl[k >> 8 & 15], syl[k >> 4 & 15], syl[k & 15]);
}

static void fb_text(Buf *b, int words)
{
    for (int i = 0; i < words; i++) {
        if (i) buf_append(b, " ", 1);
        fb_word(b, (unsigned)(fb_rnd() & 4095));
    }
}

static bool fb_opt(Cli *c, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
    const char *v = cli_opt(c, name);
    *out = def;
    if (v && (!str_to_i64(v, out) || *out < min || *out > max)) {
        fprintf(stderr, "lectern bench-seed-forum: --%s must be a number from %lld to %lld\n", name, (long long)min,
                (long long)max);
        return false;
    }
    return true;
}

/* the posters: user, membership, enrolment, session; their lines on `out` */
static void fb_posters(FbSeed *s, FILE *out, const unsigned char key[32], int64_t n, int64_t org, int64_t run,
                       UsTime now, int64_t *ids)
{
    for (int64_t i = 0; i < n && !s->failed; i++) {
        char email[64], name[32], token[TOKEN_CHARS + 1], hash[HASH_HEX], csrf[TOKEN_CHARS + 1];
        snprintf(email, sizeof email, "poster%06lld@fbench.test", (long long)i + 1);
        snprintf(name, sizeof name, "Poster %lld", (long long)i + 1);
        DbStmt *st = db_prepare(s->db, "INSERT INTO app_user (email, name, password_hash, lang, created_at, updated_at,"
                                       " search_key) VALUES ($1, $2, '', 'en', $3, $3, $1) RETURNING id");
        if (st) {
            db_bind_text(st, 1, email);
            db_bind_text(st, 2, name);
            db_bind_i64(st, 3, now);
        }
        fb_step(s, st, &ids[i]);
        if ((st = db_prepare(s->db, "INSERT INTO membership (org_id, user_id, role, created_at) VALUES ($1, $2, 'learner', $3)"))) {
            db_bind_i64(st, 1, org);
            db_bind_i64(st, 2, ids[i]);
            db_bind_i64(st, 3, now);
        }
        fb_step(s, st, NULL);
        if ((st = db_prepare(s->db, "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at)"
                                    " VALUES ($1, $2, $3, 'active', $4)"))) {
            db_bind_i64(st, 1, run);
            db_bind_i64(st, 2, ids[i]);
            db_bind_i64(st, 3, org);
            db_bind_i64(st, 4, now);
        }
        fb_step(s, st, NULL);
        token_random(token);
        token_hash(token, hash);
        if ((st = db_prepare(s->db, "INSERT INTO user_session (token_hash, user_id, created_at, expires_at, ip, user_agent)"
                                    " VALUES ($1, $2, $3, $4, '127.0.0.1', 'bench')"))) {
            db_bind_text(st, 1, hash);
            db_bind_i64(st, 2, ids[i]);
            db_bind_i64(st, 3, now);
            db_bind_i64(st, 4, now + (int64_t)SESSION_DAYS * 86400 * US_PER_SEC);
        }
        fb_step(s, st, NULL);
        csrf_mac_with(key, token, csrf);
        fprintf(out, "%s %s\n", token, csrf);
    }
}

/* one post and its search row; the opening post carries the title's words */
static int64_t fb_post(FbSeed *s, int64_t thread, int64_t run, int64_t org, int64_t parent, int64_t author, UsTime at,
                       const char *title, Buf *text)
{
    buf_reset(text);
    fb_text(text, FB_WORDS);
    int64_t id = 0;
    DbStmt *st = db_prepare(s->db, "INSERT INTO forum_post (thread_id, run_id, org_id, parent_id, author_id, body, created_at)"
                                   " VALUES ($1, $2, $3, NULLIF(CAST($4 AS BIGINT), 0), $5, $6, $7) RETURNING id");
    if (st) {
        db_bind_i64(st, 1, thread);
        db_bind_i64(st, 2, run);
        db_bind_i64(st, 3, org);
        db_bind_i64(st, 4, parent);
        db_bind_i64(st, 5, author);
        db_bind_text(st, 6, buf_cstr(text));
        db_bind_i64(st, 7, at);
    }
    fb_step(s, st, &id);
    if (title) {
        Buf w;
        buf_init(&w, 0);
        buf_printf(&w, "%s %s", title, buf_cstr(text));
        buf_reset(text);
        buf_append(text, w.data, w.len);
        buf_free(&w);
    }
    if ((st = db_prepare(s->db, db_kind(s->db) == DB_SQLITE
                                    ? "INSERT INTO forum_search (rowid, words) VALUES ($1, $2)"
                                    : "INSERT INTO forum_search (post_id, doc) VALUES ($1, to_tsvector('simple', CAST($2 AS TEXT)))"))) {
        db_bind_i64(st, 1, id);
        db_bind_text(st, 2, buf_cstr(text));
    }
    fb_step(s, st, NULL);
    return id;
}

int cmd_bench_seed_forum(Cli *c)
{
    int64_t nthreads, nposts, nbig, nposters;
    const char *out_path = cli_opt(c, "out");
    if (!fb_opt(c, "forum-threads", 10000, 2, 10000000, &nthreads) || !fb_opt(c, "posts", 1000000, 2, 100000000, &nposts)
        || !fb_opt(c, "big", 1000, 1, 1000000, &nbig) || !fb_opt(c, "posters", 5000, 1, 10000000, &nposters))
        return 2;
    if (!out_path || nposts < nthreads + nbig) {
        fprintf(stderr, "lectern bench-seed-forum: --out FILE is required; --posts must be at least --forum-threads + --big\n");
        return 2;
    }
    BenchSeed bs;
    int orc = bench_seed_open(c, "bench-seed-forum", out_path, "fbench", &bs);
    if (orc) return orc;
    FILE *out = bs.out;
    Db *db = bs.db;
    const unsigned char *csrf_key = bs.csrf_key;
    UsTime t0 = time_mono_us(), now = time_now_us();
    Arena *a = arena_new();
    int64_t org = 0, trainer = 0, cid = 0, run = 0;
    Course course;
    CourseInput ci = {.code = "FB-1", .title = "Forum benchmark", .estimated_minutes = -1, .published = 1};
    bool ok = org_create(db, "fbench", "Forum Bench", false, now, &org) == LN_OK
              && user_create(db, "trainer@fbench.test", "Tra Iner", "bench-trainer-pass", "en", false, now, &trainer) == LN_OK
              && member_set(db, org, trainer, ROLE_TRAINER, now) == LN_OK
              && course_create(db, org, &ci, trainer, now, &cid) == LN_OK && course_load(db, a, cid, &course) == LN_OK
              && run_create(db, &course, "Run", "mooc", now, 0, 0, now, &run) == LN_OK;
    if (!ok) {
        fprintf(stderr, "lectern bench-seed-forum: cannot set up: %s\n", db_errmsg(db));
        arena_free(a);
        fclose(out);
        db_close(db);
        return 1;
    }
    const unsigned char *key = csrf_key;
    int64_t *posters = arena_alloc(a, sizeof(int64_t) * (size_t)nposters);
    FbSeed s = {.db = db};
    db_begin(db);
    fb_posters(&s, out, key, nposters, org, run, now, posters);
    /* threads oldest first, one minute apart; thread 1 (the big one) the oldest */
    int64_t rest = nposts - nthreads - nbig, big_id = 0, first_thread = 0, written = 0;
    UsTime start = now - nthreads * 60 * US_PER_SEC - 86400 * US_PER_SEC;
    Buf text, title;
    buf_init(&text, 0);
    buf_init(&title, 0);
    for (int64_t i = 0; i < nthreads && !s.failed; i++) {
        int64_t replies = i == 0 ? nbig : rest / (nthreads - 1) + (i <= rest % (nthreads - 1) ? 1 : 0);
        UsTime at = start + i * 60 * US_PER_SEC, last = at + replies * 1000;
        buf_reset(&title);
        buf_printf(&title, "Thread %lld ", (long long)i + 1);
        fb_text(&title, 4);
        int64_t tid = 0, author = posters[fb_rnd() % (uint64_t)nposters];
        DbStmt *st = db_prepare(db, "INSERT INTO forum_thread (run_id, org_id, kind, title, author_id, created_at,"
                                    " last_activity_at, reply_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
        if (st) {
            db_bind_i64(st, 1, run);
            db_bind_i64(st, 2, org);
            db_bind_text(st, 3, i % 2 ? "discussion" : "question");
            db_bind_text(st, 4, buf_cstr(&title));
            db_bind_i64(st, 5, author);
            db_bind_i64(st, 6, at);
            db_bind_i64(st, 7, last);
            db_bind_i64(st, 8, replies);
        }
        fb_step(&s, st, &tid);
        if (!i) big_id = tid;
        if (i == 1) first_thread = tid;
        fb_post(&s, tid, run, org, 0, author, at, buf_cstr(&title), &text);
        int64_t top = 0;
        for (int64_t k = 0; k < replies && !s.failed; k++) {
            bool child = top && k % 5 == 4;
            int64_t pid = fb_post(&s, tid, run, org, child ? top : 0, posters[fb_rnd() % (uint64_t)nposters],
                                  at + (k + 1) * 1000, NULL, &text);
            if (!child) top = pid;
        }
        written += replies + 1;
        if ((i + 1) % 1000 == 0)
            fprintf(stderr, "threads %lld/%lld, posts %lld (%.0f s)\n", (long long)i + 1, (long long)nthreads,
                    (long long)written, (double)(time_mono_us() - t0) / 1e6);
    }
    buf_free(&text);
    buf_free(&title);
    bool failed = s.failed || db_commit(db) != DB_DONE;
    if (failed) db_rollback(db);
    if (!failed && db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (fclose(out) != 0) failed = true;
    if (!failed) {
        printf("FB_ORG=fbench\nFB_RUN=%lld\nFB_BIG=%lld\nFB_FIRST=%lld\nFB_LAST=%lld\n", (long long)run,
               (long long)big_id, (long long)first_thread, (long long)(big_id + nthreads - 1));
        printf("FB_THREADS=%lld\nFB_POSTS=%lld\nFB_BIG_REPLIES=%lld\nFB_POSTERS=%lld\n", (long long)nthreads,
               (long long)written, (long long)nbig, (long long)nposters);
        printf("FB_TRAINER_EMAIL=trainer@fbench.test\nFB_TRAINER_PASSWORD=bench-trainer-pass\n");
        printf("FB_SEED_SECONDS=%.1f\n", (double)(time_mono_us() - t0) / 1e6);
    } else fprintf(stderr, "lectern bench-seed-forum: failed: %s\n", db_errmsg(db));
    arena_free(a);
    db_close(db);
    return failed ? 1 : 0;
}
