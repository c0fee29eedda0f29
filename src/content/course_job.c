/* course_job.c — course exports and imports made in the background
 * (course_job.h).
 *
 * Progress: the tick makes one job at a time per process, so the job this
 * process is making has its step and done/total in memory (`live`), read by
 * course_job_load when a page of the same process asks.  They are also
 * written to the row, at most every PROGRESS_EVERY, except while an import
 * writes its course: that happens inside the import's transaction (on
 * SQLite the write lock is held), so the row keeps its last step until
 * the end.  Another process serving the page (PostgreSQL, several
 * `lectern serve`) shows the row's figures.
 */
#include "content/course_job.h"
#include "content/course_io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROGRESS_EVERY (US_PER_SEC / 4)

static struct {
    pthread_mutex_t mu;
    int64_t id, done, total;
    const char *step;           /* a literal */
} live = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void live_set(int64_t id, const char *step, int64_t done, int64_t total)
{
    pthread_mutex_lock(&live.mu);
    live.id = id;
    live.step = step;
    live.done = done;
    live.total = total;
    pthread_mutex_unlock(&live.mu);
}

int course_job_export(Db *db, int64_t org_id, int64_t course_id, int64_t user_id, UsTime now, int64_t *id)
{
    return db_query_i64(db, id, "INSERT INTO course_job (org_id, kind, course_id, created_by, created_at)"
                                " VALUES ($1, 'export', $2, $3, $4) RETURNING id", "iiii", org_id, course_id, user_id,
                        now) == DB_ROW ? LN_OK : LN_EDB;
}

static char *job_path(Arena *a, const char *data_dir, const char *kind, int64_t id)
{
    return arena_printf(a, "%s/tmp/course-%s-%lld.tar.gz", data_dir, kind, (long long)id);
}

char *course_job_path(Arena *a, const char *data_dir, const CourseJob *j)
{
    return job_path(a, data_dir, j->kind, j->id);
}

/* The first two bytes of a gzip member (RFC 1952). */
static bool gzip_magic(const unsigned char *b, size_t n) { return n >= 2 && b[0] == 0x1f && b[1] == 0x8b; }

static bool file_is_gzip(const char *path)
{
    unsigned char b[2];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, b, sizeof b);
    close(fd);
    return n == 2 && gzip_magic(b, 2);
}

static int write_all(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return LN_EIO;
    int rc = write_full(fd, data, len) == LN_OK && fsync(fd) == 0 ? LN_OK : LN_EIO;
    if (close(fd) != 0) rc = LN_EIO;
    if (rc != LN_OK) unlink(path);
    return rc;
}

int course_job_import(App *app, Db *db, int64_t org_id, int64_t user_id, const char *upload, const char *data,
                      size_t len, const char *code, UsTime now, int64_t *id, const char **err)
{
    *err = NULL;
    if (upload ? !file_is_gzip(upload) : !gzip_magic((const unsigned char *)data, len)) {
        *err = "This file is not a course package: send the .tar.gz that an export made.";
        return LN_EINVAL;
    }
    Arena *a = arena_new();
    char *dir = arena_printf(a, "%s/tmp", app->cfg.data_dir);
    int rc = mkdir(dir, 0700) == 0 || errno == EEXIST ? LN_OK : LN_EIO;
    if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    if (rc == LN_OK) {
        if (db_query_i64(db, id, "INSERT INTO course_job (org_id, kind, code, created_by, created_at)"
                                 " VALUES ($1, 'import', $2, $3, $4) RETURNING id", "itii", org_id,
                         str_empty(code) ? NULL : code, user_id, now) != DB_ROW)
            rc = LN_EDB;
        char *dest = job_path(a, app->cfg.data_dir, "import", *id);
        if (rc == LN_OK) rc = upload ? (rename(upload, dest) == 0 ? LN_OK : LN_EIO) : write_all(dest, data, len);
        if (rc == LN_OK && db_commit(db) != DB_DONE) {
            rc = LN_EDB;
            unlink(dest);
        }
        if (rc != LN_OK) db_rollback(db);
    }
    arena_free(a);
    return rc;
}

int course_job_load(Db *db, Arena *a, int64_t org_id, int64_t id, CourseJob *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, org_id, COALESCE(course_id, 0), created_by, done, total, kind, status, step,"
                                " code, error, created_at, COALESCE(finished_at, 0) FROM course_job"
                                " WHERE id = $1 AND org_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (CourseJob){.id = db_col_i64(st, 0), .org_id = db_col_i64(st, 1), .course_id = db_col_i64(st, 2),
                           .created_by = db_col_i64(st, 3), .done = db_col_i64(st, 4), .total = db_col_i64(st, 5),
                           .kind = db_col_dup(st, 6, a), .status = db_col_dup(st, 7, a), .step = db_col_dup(st, 8, a),
                           .code = db_col_is_null(st, 9) ? NULL : db_col_dup(st, 9, a),
                           .error = db_col_is_null(st, 10) ? NULL : db_col_dup(st, 10, a),
                           .created_at = db_col_i64(st, 11), .finished_at = db_col_i64(st, 12)};
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    pthread_mutex_lock(&live.mu);
    if (live.id == out->id && str_eq(out->status, "running")) {
        out->step = arena_strdup(a, live.step);
        out->done = live.done;
        out->total = live.total;
    }
    pthread_mutex_unlock(&live.mu);
    return LN_OK;
}

/* ---- the tick ---------------------------------------------------------------------- */

typedef struct JobCtx { Db *db; int64_t id; UsTime saved; } JobCtx;

static void job_progress(void *ctx, const char *verb, int done, int total)
{
    JobCtx *j = ctx;
    live_set(j->id, verb, done, total);
    if (str_eq(verb, "importing")) return;          /* inside the import's transaction */
    UsTime now = time_now_us();
    if (now - j->saved < PROGRESS_EVERY && !(total && done == total)) return;
    j->saved = now;
    db_run(j->db, "UPDATE course_job SET step = $1, done = $2, total = $3 WHERE id = $4", "tiii", verb, (int64_t)done,
           (int64_t)total, j->id);
}

/* A claimed job, made: its row says how it ended. */
static void job_make(App *app, Db *db, int64_t id, int64_t org, const char *kind, int64_t course, const char *code)
{
    Arena *a = arena_new();
    char *path = job_path(a, app->cfg.data_dir, kind, id);
    JobCtx ctx = {db, id, 0};
    live_set(id, "", 0, 0);
    char *err = NULL;
    int64_t made = course;
    int rc = mkdir(arena_printf(a, "%s/tmp", app->cfg.data_dir), 0700) == 0 || errno == EEXIST ? LN_OK : LN_EIO;
    if (rc != LN_OK) err = xstrdup("the data directory's tmp/ cannot be made");
    else if (str_eq(kind, "export")) {
        unlink(path);               /* a retry after a vanished process starts afresh */
        rc = course_export_progress(app, db, course, path, job_progress, &ctx, &err);
    } else
        rc = course_import_progress(app, db, org, path, code, &made, job_progress, &ctx, &err);
    if (str_eq(kind, "import")) unlink(path);       /* the upload has served */
    live_set(0, "", 0, 0);
    DbStmt *st = db_prepare(db, "UPDATE course_job SET status = $1, course_id = COALESCE($2, course_id), error = $3,"
                                " finished_at = $4, locked_until = 0 WHERE id = $5");
    if (st) {
        db_bind_text(st, 1, rc == LN_OK ? "done" : "failed");
        if (rc == LN_OK && made) db_bind_i64(st, 2, made);
        else db_bind_null(st, 2);
        db_bind_text(st, 3, rc == LN_OK ? NULL : err ? err : "The job failed.");
        db_bind_i64(st, 4, time_now_us());
        db_bind_i64(st, 5, id);
        db_step(st);
        db_done(st);
    }
    if (rc != LN_OK) log_warn("course %s (job %lld) failed: %s", kind, (long long)id, err ? err : "?");
    free(err);
    arena_free(a);
}

int course_jobs_run(App *app, Db *db, UsTime now)
{
    static _Atomic int64_t last_sweep;
    if (tick_due(&last_sweep, now, 3600 * US_PER_SEC)) {     /* exports are kept a day */
        char dir[600];
        snprintf(dir, sizeof dir, "%s/tmp", app->cfg.data_dir);
        app_sweep_tmp(dir, "course-export-");
    }
    Arena *a = arena_new();
    int64_t id = 0, org = 0, course = 0;
    char *kind = NULL, *code = NULL;
    DbStmt *st = db_prepare(db, "SELECT id, org_id, kind, COALESCE(course_id, 0), code FROM course_job"
                                " WHERE status IN ('queued', 'running') AND locked_until < $1 ORDER BY id LIMIT 1");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, now);
    if (db_step(st) == DB_ROW) {
        id = db_col_i64(st, 0);
        org = db_col_i64(st, 1);
        kind = db_col_dup(st, 2, a);
        course = db_col_i64(st, 3);
        code = db_col_is_null(st, 4) ? NULL : db_col_dup(st, 4, a);
    }
    db_done(st);
    /* claim it: another process that read the same row changes nothing */
    int rc = id ? db_change(db, "UPDATE course_job SET status = 'running', step = '', done = 0, total = 0,"
                                " locked_until = $1 WHERE id = $2 AND locked_until < $3", "iii",
                            now + COURSE_JOB_LOCK_MINUTES * 60 * US_PER_SEC, id, now)
                : LN_NOTFOUND;
    if (rc == LN_OK) job_make(app, db, id, org, kind, course, code);
    arena_free(a);
    return rc == LN_OK ? 1 : 0;
}

void content_tick(App *app, Db *db)
{
    static _Atomic int64_t last;
    UsTime now = time_now_us();
    if (tick_due(&last, now, 2 * US_PER_SEC)) course_jobs_run(app, db, now);
}
