/* cmd_bench_seed.c — `lectern bench-seed`: fill an empty database with a
 * generated site for `make bench` (bench/run.sh): one organisation, N
 * published courses (two sections, five units each: text, video, text,
 * video, text) with one run each, N learners, their enrolments, progress
 * rows and heartbeats.  Learner 1 is the one the benchmark signs in as: it
 * has --bench-enrolments enrolments (50), and its first video unit of every
 * one of them is complete.  With --video FILE, that file becomes the media
 * of the first course's first video unit (the Range benchmark).
 *
 * Fast by construction: rows go in through the storage API with cached
 * prepared statements, one transaction per --batch rows (10,000); the
 * password is hashed once and the hash reused for every learner (argon2 is
 * slow by design); enrolments, progress rows and heartbeats are written in
 * (run, learner, unit, time) order, the order of their main indexes, so
 * that most index inserts are appends.  On SQLite the seeding connection runs
 * with synchronous=OFF, foreign key checks off (the rows are consistent by
 * construction) and a 256 MiB page cache; the database is checkpointed at
 * the end.  A crash mid-way leaves a partial database: seed again into an
 * empty one.  The generator has a fixed seed: every run makes the same site.
 * Courses get their search_key as course_create computes it; indexes the
 * server builds for itself at start-up (course_search_backfill) are left to
 * it.
 *
 * Progress goes to stderr ("heartbeats 3,000,000/10,000,000"); what the
 * benchmark needs is printed on stdout as KEY=VALUE lines.
 */
#include "cli/cli.h"
#include "account/account.h"
#include "content/content.h"
#include "org/org.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNITS_PER_COURSE 5
#define DAY_US (86400 * US_PER_SEC)
#define BEAT_US (5 * US_PER_SEC)        /* one heartbeat every 5 s of activity */
#define VIDEO_SECONDS 600

/* What the generated courses are about; the words the catalog benchmark
 * searches for are among them (see bench/run.sh). */
static const char *const adjectives_en[] = {
    "Introduction to", "Advanced", "Practical", "Applied", "Fundamentals of",
    "Modern", "Essential", "Hands-on", "Professional", "Everyday",
};
static const char *const topics_en[] = {
    "safety", "statistics", "python", "accounting", "marketing", "chemistry", "history", "biology",
    "algebra", "geometry", "economics", "leadership", "negotiation", "photography", "cooking",
    "nutrition", "astronomy", "robotics", "networking", "databases", "security", "design", "writing",
    "rhetoric", "philosophy", "psychology", "sociology", "law", "finance", "management", "logistics",
    "welding", "electricity", "plumbing", "gardening", "music", "painting", "sculpture", "architecture",
    "genetics", "ecology", "geology", "oceanography", "linguistics", "translation", "journalism",
    "first aid", "ethics", "calculus", "physics",
};
static const char *const kinds_en[] = {
    "", "I", "II", "for managers", "in practice", "bootcamp", "workshop", "essentials",
    "for beginners", "masterclass",
};
static const char *const adjectives_fr[] = {
    "Introduction à la", "Pratique de la", "Bases de la", "Découverte de la", "Maîtrise de la",
};
static const char *const topics_fr[] = {
    "sécurité", "statistique", "comptabilité", "économie", "chimie", "géologie", "écologie",
    "génétique", "électricité", "logistique", "négociation", "rhétorique", "philosophie", "cuisine",
    "photographie", "musique", "peinture", "sculpture", "finance", "gestion",
};
static const char *const kinds_fr[] = {"", "I", "II", "en pratique", "atelier", "pour débutants"};
static const char *const audiences[] = {
    "new colleagues", "team leaders", "curious minds", "professionals", "students", "trainers",
};
static const char *const user_agents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
};

#define PICK(arr, r) (arr[(r) % LN_ARRAY_LEN(arr)])

/* splitmix64: fixed seed, so every run generates the same site */
static uint64_t rng_state = 0x5eed5eed12345678ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 12345678 -> "12,345,678" */
static const char *thousands(char *buf, size_t n, int64_t v)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", (long long)v);
    size_t len = strlen(raw), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0 && raw[0] != '-') buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = 0;
    return buf;
}

typedef struct Seed {
    Db *db;
    int64_t batch, in_tx;
    bool failed;
    UsTime t0;
} Seed;

/* Count one row; commit and begin again every `batch` rows. */
static void seed_row(Seed *s)
{
    if (++s->in_tx < s->batch) return;
    if (db_commit(s->db) != DB_DONE || db_begin(s->db) != DB_DONE) {
        fprintf(stderr, "lectern bench-seed: commit failed: %s\n", db_errmsg(s->db));
        s->failed = true;
    }
    s->in_tx = 0;
}

/* Step an INSERT; with RETURNING, *id gets the new row's id. */
static void seed_step(Seed *s, DbStmt *st, int64_t *id)
{
    int rc = db_step(st);
    if (id && rc == DB_ROW) *id = db_col_i64(st, 0);
    if (rc != (id ? DB_ROW : DB_DONE)) {
        fprintf(stderr, "lectern bench-seed: insert failed: %s\n", db_errmsg(s->db));
        s->failed = true;
    }
    db_done(st);
    seed_row(s);
}

static void phase_done(Seed *s, const char *what, int64_t n, UsTime since)
{
    char b[32];
    double secs = (double)(time_mono_us() - since) / 1e6;
    fprintf(stderr, "%s %s/%s done in %.1f s (%.0f a second); %.1f s in all\n", what, thousands(b, sizeof b, n),
            b, secs, secs > 0 ? (double)n / secs : 0.0, (double)(time_mono_us() - s->t0) / 1e6);
}

/* One learner's enrolment, before it is written. */
typedef struct Pair {
    uint32_t course, user;      /* indexes into courses[] and users[] */
    uint8_t opened;             /* units 0..opened-1 opened and completed */
} Pair;

static int pair_cmp(const void *a, const void *b)
{
    const Pair *x = a, *y = b;
    if (x->course != y->course) return x->course < y->course ? -1 : 1;
    return x->user < y->user ? -1 : x->user > y->user;
}

static bool opt_count(Cli *c, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
    const char *v = cli_opt(c, name);
    *out = def;
    if (!v) return true;
    /* "10,000,000" and "10_000_000" are accepted */
    char digits[32];
    size_t o = 0;
    for (const char *p = v; *p && o + 1 < sizeof digits; p++)
        if (*p != ',' && *p != '_') digits[o++] = *p;
    digits[o] = 0;
    if (!str_to_i64(digits, out) || *out < min || *out > max) {
        fprintf(stderr, "lectern: --%s must be a number from %lld to %lld\n", name, (long long)min, (long long)max);
        return false;
    }
    return true;
}

/* Copy `src` to a new file in DATA/tmp; media_store then moves it into
 * place. */
static char *copy_to_tmp(Arena *a, const char *data_dir, const char *src)
{
    char *dir = arena_printf(a, "%s/tmp", data_dir);
    mkdir(dir, 0750);
    char *tmp = arena_printf(a, "%s/bench-video-XXXXXX", dir);
    int out = mkstemp(tmp), in = open(src, O_RDONLY | O_CLOEXEC);
    bool ok = out >= 0 && in >= 0;
    static char buf[1 << 20];
    ssize_t n;
    while (ok && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0) ok = false;
        for (ssize_t done = 0; ok && done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w <= 0) ok = false;
            else done += w;
        }
    }
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0) ok = false;
    if (!ok) {
        fprintf(stderr, "lectern bench-seed: cannot copy %s: %s\n", src, strerror(errno));
        if (out >= 0) unlink(tmp);
        return NULL;
    }
    return tmp;
}

int cmd_bench_seed(Cli *c)
{
    int64_t ncourses, nlearners, nbeats, per_learner, bench_enrol, batch;
    if (!opt_count(c, "courses", 10000, 1, 10000000, &ncourses)
        || !opt_count(c, "learners", 100000, 1, 100000000, &nlearners)
        || !opt_count(c, "heartbeats", 10000000, 0, INT64_C(10000000000), &nbeats)
        || !opt_count(c, "enrolments-per-learner", 5, 0, 1000, &per_learner)
        || !opt_count(c, "bench-enrolments", 50, 1, 1000, &bench_enrol)
        || !opt_count(c, "batch", 10000, 1, 10000000, &batch))
        return 2;
    if (per_learner > ncourses || bench_enrol > ncourses) {
        fprintf(stderr, "lectern: a learner cannot have more enrolments than there are courses (%lld)\n",
                (long long)ncourses);
        return 2;
    }
    const char *password = cli_opt(c, "password") ? cli_opt(c, "password") : "bench-learner-pass";
    if (check_password(password)) {
        fprintf(stderr, "lectern: %s\n", check_password(password));
        return 2;
    }
    const char *video = cli_opt(c, "video");
    if (video && access(video, R_OK) != 0) {
        fprintf(stderr, "lectern: cannot read %s: %s\n", video, strerror(errno));
        return 2;
    }

    Db *db = cli_db(c);
    if (!db) return 1;
    int64_t existing = 0;
    db_query_i64(db, &existing, "SELECT count(*) FROM org WHERE slug = 'bench'", "");
    if (existing) {
        fprintf(stderr, "lectern: this database was seeded already: seed an empty one (a new --data)\n");
        db_close(db);
        return 1;
    }
    bool sqlite = db_kind(db) == DB_SQLITE;
    if (sqlite) db_exec(db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144;"
                            " PRAGMA temp_store=MEMORY");

    Seed s = {.db = db, .batch = batch, .t0 = time_mono_us()};
    UsTime now = time_now_us();
    Arena *a = arena_new();
    char b1[32], b2[32];

    /* ---- the organisation and the password hash, once ---- */
    int64_t org_id = 0;
    if (org_create(db, "bench", "Bench University", false, now, &org_id) != LN_OK) {
        fprintf(stderr, "lectern bench-seed: cannot create the organisation: %s\n", db_errmsg(db));
        arena_free(a);
        db_close(db);
        return 1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(password, hash, sizeof hash) != LN_OK) {
        fprintf(stderr, "lectern bench-seed: cannot hash the password\n");
        arena_free(a);
        db_close(db);
        return 1;
    }
    db_begin(db);

    /* ---- learners, each a member of the organisation ---- */
    UsTime since = time_mono_us();
    int64_t *users = xcalloc((size_t)nlearners, sizeof *users);
    for (int64_t i = 0; i < nlearners && !s.failed; i++) {
        Arena *ra = arena_new();
        char *email = arena_printf(ra, "learner%06lld@bench.test", (long long)(i + 1));
        char *name = arena_printf(ra, "Learner %lld", (long long)(i + 1));
        DbStmt *st = db_prepare(db, "INSERT INTO app_user (email, name, password_hash, lang, created_at, updated_at,"
                                    " search_key) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id");
        if (!st) { s.failed = true; arena_free(ra); break; }
        db_bind_text(st, 1, email);
        db_bind_text(st, 2, name);
        db_bind_text(st, 3, hash);
        db_bind_text(st, 4, i % 4 == 3 ? "fr" : "en");
        db_bind_i64(st, 5, now - 400 * DAY_US + i * US_PER_SEC);
        db_bind_text(st, 6, user_search_key(ra, name, email));
        seed_step(&s, st, &users[i]);
        st = db_prepare(db, "INSERT INTO membership (org_id, user_id, role, created_at) VALUES ($1, $2, 'learner', $3)");
        if (!st) { s.failed = true; arena_free(ra); break; }
        db_bind_i64(st, 1, org_id);
        db_bind_i64(st, 2, users[i]);
        db_bind_i64(st, 3, now - 400 * DAY_US + i * US_PER_SEC);
        seed_step(&s, st, NULL);
        arena_free(ra);
    }
    if (!s.failed) phase_done(&s, "learners", nlearners, since);

    /* ---- courses: one run, two sections, five units each ---- */
    since = time_mono_us();
    int64_t *runs = xcalloc((size_t)ncourses, sizeof *runs);
    int64_t *units = xcalloc((size_t)ncourses * UNITS_PER_COURSE, sizeof *units);
    for (int64_t i = 0; i < ncourses && !s.failed; i++) {
        Arena *ra = arena_new();
        uint64_t r = rnd();
        bool fr = i % 5 == 4;
        char *code = arena_printf(ra, "BC%05lld", (long long)(i + 1));
        const char *kind = fr ? PICK(kinds_fr, r >> 24) : PICK(kinds_en, r >> 24);
        char *title = fr ? arena_printf(ra, "%s %s%s%s", PICK(adjectives_fr, r), PICK(topics_fr, r >> 8), *kind ? " " : "", kind)
                         : arena_printf(ra, "%s %s%s%s", PICK(adjectives_en, r), PICK(topics_en, r >> 8), *kind ? " " : "", kind);
        char *summary = fr ? arena_printf(ra, "Un cours de %s pour %s, en %d unités.", PICK(topics_fr, r >> 8),
                                          "tous", UNITS_PER_COURSE)
                           : arena_printf(ra, "A course on %s for %s, in %d units.", PICK(topics_en, r >> 8),
                                          PICK(audiences, r >> 32), UNITS_PER_COURSE);
        int64_t course_id = 0, sec[2] = {0, 0};
        DbStmt *st = db_prepare(db,
            "INSERT INTO course (org_id, code, title, summary, objectives, lang, estimated_minutes, published,"
            " search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, '', $5, $6, 1, $7, $8, $8) RETURNING id");
        if (!st) { s.failed = true; arena_free(ra); break; }
        db_bind_i64(st, 1, org_id);
        db_bind_text(st, 2, code);
        db_bind_text(st, 3, title);
        db_bind_text(st, 4, summary);
        db_bind_text(st, 5, fr ? "fr" : "en");
        db_bind_i64(st, 6, 30 + (int64_t)(r >> 40) % 600);
        /* as course_create computes it: folded "code title summary" */
        db_bind_text(st, 7, str_fold(ra, arena_printf(ra, "%s %s %s", code, title, summary)));
        db_bind_i64(st, 8, now - 500 * DAY_US + i * US_PER_SEC);
        seed_step(&s, st, &course_id);

        st = db_prepare(db, "INSERT INTO course_run (course_id, org_id, title, visibility, pacing, created_at, updated_at)"
                            " VALUES ($1, $2, $3, $4, 'self', $5, $5) RETURNING id");
        if (!st) { s.failed = true; arena_free(ra); break; }
        db_bind_i64(st, 1, course_id);
        db_bind_i64(st, 2, org_id);
        db_bind_text(st, 3, "Self-paced");
        /* one course in ten is for the organisation's members only; the
         * learner's courses are all public */
        db_bind_text(st, 4, i >= bench_enrol && i % 10 == 9 ? "corporate" : "mooc");
        db_bind_i64(st, 5, now - 500 * DAY_US + i * US_PER_SEC);
        seed_step(&s, st, &runs[i]);

        for (int k = 0; k < 2; k++) {
            st = db_prepare(db, "INSERT INTO section (course_id, org_id, position, title, created_at, updated_at)"
                                " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id");
            if (!st) { s.failed = true; break; }
            db_bind_i64(st, 1, course_id);
            db_bind_i64(st, 2, org_id);
            db_bind_i64(st, 3, k + 1);
            db_bind_text(st, 4, k ? "Going further" : "Getting started");
            db_bind_i64(st, 5, now - 500 * DAY_US);
            seed_step(&s, st, &sec[k]);
        }
        static const struct { int section; const char *kind, *title; int64_t minutes, duration, threshold; } outline[] = {
            {0, "text", "Welcome", 5, 0, 30},
            {0, "video", "Lecture 1", 10, VIDEO_SECONDS, 80},
            {1, "text", "Reading", 15, 0, 30},
            {1, "video", "Lecture 2", 10, VIDEO_SECONDS, 80},
            {1, "text", "Summary", 5, 0, 30},
        };
        for (int k = 0; k < UNITS_PER_COURSE && !s.failed; k++) {
            st = db_prepare(db,
                "INSERT INTO unit (section_id, course_id, org_id, position, kind, title, body, minutes, duration_s,"
                " threshold, required, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)"
                " RETURNING id");
            if (!st) { s.failed = true; break; }
            db_bind_i64(st, 1, sec[outline[k].section]);
            db_bind_i64(st, 2, course_id);
            db_bind_i64(st, 3, org_id);
            db_bind_i64(st, 4, k + 1);
            db_bind_text(st, 5, outline[k].kind);
            db_bind_text(st, 6, outline[k].title);
            db_bind_text(st, 7, "Read this, then go on to the next unit. **Take notes**: they help.");
            db_bind_i64(st, 8, outline[k].minutes);
            db_bind_i64(st, 9, outline[k].duration);
            db_bind_i64(st, 10, outline[k].threshold);
            db_bind_i64(st, 11, now - 500 * DAY_US);
            seed_step(&s, st, &units[i * UNITS_PER_COURSE + k]);
        }
        arena_free(ra);
    }
    if (!s.failed) phase_done(&s, "courses", ncourses, since);

    /* ---- who is enrolled where: learner 1 in the first bench_enrol
     * courses, every other learner in per_learner random courses ---- */
    int64_t npairs = bench_enrol + (nlearners - 1) * per_learner, opened_pairs = 0;
    Pair *pairs = xcalloc((size_t)(npairs > 0 ? npairs : 1), sizeof *pairs);
    int64_t np = 0;
    for (int64_t k = 0; k < bench_enrol; k++)
        pairs[np++] = (Pair){.course = (uint32_t)k, .user = 0, .opened = (uint8_t)(2 + rnd() % 4)};
    uint32_t *mine = xcalloc((size_t)(per_learner > 0 ? per_learner : 1), sizeof *mine);
    for (int64_t u = 1; u < nlearners; u++) {
        for (int64_t k = 0; k < per_learner; k++) {
            uint32_t cidx;
            bool dup;
            do {
                cidx = (uint32_t)(rnd() % (uint64_t)ncourses);
                dup = false;
                for (int64_t j = 0; j < k; j++) dup = dup || mine[j] == cidx;
            } while (dup);
            mine[k] = cidx;
            pairs[np++] = (Pair){.course = cidx, .user = (uint32_t)u, .opened = (uint8_t)(rnd() % (UNITS_PER_COURSE + 1))};
        }
    }
    free(mine);
    qsort(pairs, (size_t)np, sizeof *pairs, pair_cmp);
    for (int64_t i = 0; i < np; i++) opened_pairs += pairs[i].opened > 0;

    /* ---- enrolments, progress and heartbeats, in index order ---- */
    since = time_mono_us();
    int64_t beats = 0, progress_rows = 0, beat_pairs_seen = 0, next_report = 1000000;
    int64_t base = opened_pairs ? nbeats / opened_pairs : 0, rem = opened_pairs ? nbeats % opened_pairs : 0;
    if (!opened_pairs && nbeats) fprintf(stderr, "lectern bench-seed: no enrolment has opened a unit: no heartbeats\n");
    for (int64_t i = 0; i < np && !s.failed; i++) {
        const Pair *p = &pairs[i];
        int64_t run_id = runs[p->course], user_id = users[p->user];
        const int64_t *cu = &units[(int64_t)p->course * UNITS_PER_COURSE];
        uint64_t r = rnd();
        UsTime enrolled_at = now - (int64_t)(1 + r % 365) * DAY_US - (int64_t)((r >> 16) % 86400) * US_PER_SEC;
        bool complete = p->opened == UNITS_PER_COURSE;
        DbStmt *st = db_prepare(db,
            "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at, completed_at, last_unit_id)"
            " VALUES ($1, $2, $3, 'active', $4, $5, $6)");
        if (!st) { s.failed = true; break; }
        db_bind_i64(st, 1, run_id);
        db_bind_i64(st, 2, user_id);
        db_bind_i64(st, 3, org_id);
        db_bind_i64(st, 4, enrolled_at);
        if (complete) db_bind_i64(st, 5, enrolled_at + 10 * DAY_US);
        else db_bind_null(st, 5);
        if (p->opened) db_bind_i64(st, 6, cu[p->opened - 1]);
        else db_bind_null(st, 6);
        seed_step(&s, st, NULL);

        int64_t mybeats = p->opened ? base + (beat_pairs_seen++ < rem ? 1 : 0) : 0;
        for (int k = 0; k < p->opened && !s.failed; k++) {
            UsTime first_at = enrolled_at + (k + 1) * 3600 * US_PER_SEC;
            st = db_prepare(db, "INSERT INTO unit_progress (run_id, unit_id, user_id, org_id, first_at, completed_at)"
                                " VALUES ($1, $2, $3, $4, $5, $6)");
            if (!st) { s.failed = true; break; }
            db_bind_i64(st, 1, run_id);
            db_bind_i64(st, 2, cu[k]);
            db_bind_i64(st, 3, user_id);
            db_bind_i64(st, 4, org_id);
            db_bind_i64(st, 5, first_at);
            db_bind_i64(st, 6, first_at + 1800 * US_PER_SEC);
            seed_step(&s, st, NULL);
            progress_rows++;

            bool is_video = k == 1 || k == 3;
            int64_t n = mybeats / p->opened + (k < mybeats % p->opened ? 1 : 0);
            char ip[32], seg[48];
            snprintf(ip, sizeof ip, "10.%u.%u.%u", (p->user >> 16) & 255, (p->user >> 8) & 255, p->user & 255);
            for (int64_t j = 0; j < n && !s.failed; j++) {
                int64_t pos_ms = (j * 5000) % (VIDEO_SECONDS * 1000);
                st = db_prepare(db,
                    "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms, position_ms, segments, ip,"
                    " user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
                if (!st) { s.failed = true; break; }
                db_bind_i64(st, 1, run_id);
                db_bind_i64(st, 2, cu[k]);
                db_bind_i64(st, 3, user_id);
                db_bind_i64(st, 4, org_id);
                db_bind_i64(st, 5, first_at + j * BEAT_US);
                db_bind_i64(st, 6, 5000);
                if (is_video) {
                    snprintf(seg, sizeof seg, "%lld-%lld", (long long)pos_ms, (long long)(pos_ms + 5000));
                    db_bind_i64(st, 7, pos_ms + 5000);
                    db_bind_text(st, 8, seg);
                } else {
                    db_bind_null(st, 7);
                    db_bind_text(st, 8, "");
                }
                db_bind_text(st, 9, ip);
                db_bind_text(st, 10, user_agents[p->user % LN_ARRAY_LEN(user_agents)]);
                seed_step(&s, st, NULL);
                if (++beats == next_report) {
                    fprintf(stderr, "heartbeats %s/%s\n", thousands(b1, sizeof b1, beats), thousands(b2, sizeof b2, nbeats));
                    next_report += 1000000;
                }
            }
        }
    }
    if (!s.failed) {
        char b3[32];
        double secs = (double)(time_mono_us() - since) / 1e6;
        fprintf(stderr, "enrolments %s, progress rows %s, heartbeats %s done in %.1f s (%.0f rows/s); %.1f s in all\n",
                thousands(b1, sizeof b1, np), thousands(b2, sizeof b2, progress_rows), thousands(b3, sizeof b3, beats),
                secs, secs > 0 ? (double)(np + progress_rows + beats) / secs : 0.0,
                (double)(time_mono_us() - s.t0) / 1e6);
    }
    if (!s.failed && db_commit(db) != DB_DONE) {
        fprintf(stderr, "lectern bench-seed: commit failed: %s\n", db_errmsg(db));
        s.failed = true;
    }

    /* ---- the video of course 1, unit 2 ---- */
    int64_t video_size = 0;
    char video_sha[65] = "";
    if (!s.failed && video) {
        App app = {.cfg = c->cfg};
        Media m;
        char *tmp = copy_to_tmp(a, c->cfg.data_dir, video);
        if (!tmp || media_store(&app, db, a, org_id, tmp, "bench-video.mp4", 0, &m) != LN_OK
            || db_run(db, "UPDATE unit SET media_id = $1 WHERE id = $2", "ii", m.id, units[1]) != DB_DONE) {
            fprintf(stderr, "lectern bench-seed: cannot store the video\n");
            if (tmp) unlink(tmp);
            s.failed = true;
        } else {
            video_size = m.size;
            snprintf(video_sha, sizeof video_sha, "%s", m.sha256);
            fprintf(stderr, "video stored: %s, %lld bytes, %s\n", m.sha256, (long long)m.size, m.mime);
        }
    }
    if (sqlite && !s.failed) {
        UsTime t = time_mono_us();
        db_exec(db, "PRAGMA foreign_keys=ON; PRAGMA wal_checkpoint(TRUNCATE)");
        fprintf(stderr, "checkpoint %.1f s\n", (double)(time_mono_us() - t) / 1e6);
    }

    if (!s.failed) {
        /* what bench/run.sh reads */
        printf("BENCH_ORG=bench\n");
        printf("BENCH_EMAIL=learner000001@bench.test\n");
        printf("BENCH_PASSWORD=%s\n", password);
        printf("BENCH_USER_ID=%lld\n", (long long)users[0]);
        printf("BENCH_ENROLMENTS=%lld\n", (long long)bench_enrol);
        printf("VIDEO_RUN=%lld\nVIDEO_UNIT=%lld\nVIDEO_SIZE=%lld\nVIDEO_SHA256=%s\n", (long long)runs[0],
               (long long)units[1], (long long)video_size, video_sha);
        printf("BEAT_TARGETS=");
        for (int64_t k = 0; k < bench_enrol; k++)
            printf("%s%lld:%lld", k ? "," : "", (long long)runs[k], (long long)units[k * UNITS_PER_COURSE + 1]);
        printf("\n");
        printf("COURSES=%lld\nLEARNERS=%lld\nENROLMENTS=%lld\nPROGRESS_ROWS=%lld\nHEARTBEATS=%lld\n",
               (long long)ncourses, (long long)nlearners, (long long)np, (long long)progress_rows, (long long)beats);
        printf("SEED_SECONDS=%.1f\n", (double)(time_mono_us() - s.t0) / 1e6);
        fflush(stdout);
    }
    free(pairs);
    free(units);
    free(runs);
    free(users);
    arena_free(a);
    db_close(db);
    return s.failed ? 1 : 0;
}
