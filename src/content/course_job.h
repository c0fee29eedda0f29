/* course_job.h — course packages (docs/course-format.md) from the browser
 * and the API: an export to a .tar.gz, or an import from an uploaded one,
 * made in the background.  A course_job row is queued by the request and
 * advanced by the tick of `lectern serve` (one job per tick, claimed with
 * locked_until so that one process makes it; a job whose process vanished
 * is taken again after COURSE_JOB_LOCK_MINUTES, which is safe since an
 * import writes everything in one transaction or nothing).  The page and
 * the JSON show its step and done/total while it runs.
 */
#ifndef LECTERN_COURSE_JOB_H
#define LECTERN_COURSE_JOB_H

#include "content/content.h"

#define COURSE_JOB_LOCK_MINUTES 30

typedef struct CourseJob {
    int64_t id, org_id, course_id, created_by, done, total;     /* course_id 0: none (yet) */
    char *kind;                 /* export | import */
    char *status;               /* queued | running | done | failed */
    char *step, *code, *error;  /* code, error: NULL when none */
    UsTime created_at, finished_at;
} CourseJob;

/* Queue the export of course `course_id` (of organisation `org_id`). */
int course_job_export(Db *db, int64_t org_id, int64_t course_id, int64_t user_id, UsTime now, int64_t *id);
/* Queue the import of the archive at `upload` (a temporary file, moved into
 * DATA/tmp; or, when `upload` is NULL, the `len` bytes at `data`), with the
 * code `code` when not NULL or empty.  LN_EINVAL with *err when the bytes are
 * not a gzip file; LN_EIO when they cannot be kept. */
int course_job_import(App *app, Db *db, int64_t org_id, int64_t user_id, const char *upload, const char *data,
                      size_t len, const char *code, UsTime now, int64_t *id, const char **err);
int course_job_load(Db *db, Arena *a, int64_t org_id, int64_t id, CourseJob *out);
/* DATA/tmp/course-{export,import}-ID.tar.gz */
char *course_job_path(Arena *a, const char *data_dir, const CourseJob *j);
/* For the tick: make the oldest queued job (one per call); 1 when one was
 * made, 0 when none was due, else an LN_ code. */
int course_jobs_run(App *app, Db *db, UsTime now);
void content_tick(App *app, Db *db);

#endif
