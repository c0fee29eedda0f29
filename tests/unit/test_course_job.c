/* test_course_job.c — course exports and imports made in the background
 * (course_job.h): an export job writes the archive the command line would;
 * an import job from its bytes makes the course and removes the upload; a
 * taken code fails the job with the package's message and adds no course;
 * bytes that are not gzip are refused before any row; a job held by another
 * process (locked_until ahead) is left alone; another organisation does not
 * see the job.  Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "account/account.h"
#include "content/course_io.h"
#include "content/course_job.h"
#include "org/org.h"

#include <sys/stat.h>

static App app;
static Db *db;
static char data_dir[64];
static int64_t org, other, user, course;

static int64_t count(const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, ""), DB_ROW);
    return n;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static CourseJob job(Arena *a, int64_t id)
{
    CourseJob j;
    assert_int_equal(course_job_load(db, a, org, id, &j), LN_OK);
    return j;
}

static void test_export_then_import(void **state)
{
    Arena *a = arena_new();
    UsTime now = time_now_us();
    int64_t ex;
    assert_int_equal(course_job_export(db, org, course, user, now, &ex), LN_OK);
    CourseJob j = job(a, ex);
    assert_string_equal(j.kind, "export");
    assert_string_equal(j.status, "queued");
    assert_int_equal(j.course_id, course);
    /* not the other organisation's */
    CourseJob no;
    assert_int_equal(course_job_load(db, a, other, ex, &no), LN_NOTFOUND);

    assert_int_equal(course_jobs_run(&app, db, time_now_us()), 1);
    j = job(a, ex);
    assert_string_equal(j.status, "done");
    assert_null(j.error);
    assert_string_equal(j.step, "exporting");
    assert_true(j.total > 0 && j.done == j.total);
    assert_true(j.finished_at > 0);
    char *path = course_job_path(a, data_dir, &j);
    size_t len, clen;
    char *bytes = test_slurp(path, &len);
    assert_non_null(bytes);
    /* the command line's export of the same course, byte for byte */
    char *cli = arena_printf(a, "%s/cli.tar.gz", data_dir), *err = NULL;
    assert_int_equal(course_export(&app, db, course, cli, &err), LN_OK);
    char *cbytes = test_slurp(cli, &clen);
    assert_int_equal(len, clen);
    assert_memory_equal(bytes, cbytes, len);
    free(cbytes);
    assert_int_equal(course_jobs_run(&app, db, time_now_us()), 0);      /* nothing left */

    /* Import from the bytes under the same code: the job fails, no course added. */
    int64_t courses = count("SELECT count(*) FROM course"), im;
    const char *msg = NULL;
    assert_int_equal(course_job_import(&app, db, org, user, NULL, bytes, len, NULL, time_now_us(), &im, &msg), LN_OK);
    char *upload = arena_printf(a, "%s/tmp/course-import-%lld.tar.gz", data_dir, (long long)im);
    assert_true(exists(upload));
    assert_int_equal(course_jobs_run(&app, db, time_now_us()), 1);
    j = job(a, im);
    assert_string_equal(j.status, "failed");
    assert_int_equal(j.course_id, 0);
    assert_non_null(strstr(j.error, "JOB-1/course.txt:1: code: the organisation already has a course JOB-1"));
    assert_false(exists(upload));                   /* the upload has served */
    assert_int_equal(count("SELECT count(*) FROM course"), courses);

    /* Under a new code, from a file moved in: the course. */
    char *file = arena_printf(a, "%s/tmp/upload-test", data_dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    assert_int_equal(course_job_import(&app, db, org, user, file, NULL, 0, "JOB-2", time_now_us(), &im, &msg), LN_OK);
    assert_false(exists(file));                     /* moved, not copied */
    assert_string_equal(job(a, im).code, "JOB-2");
    assert_int_equal(course_jobs_run(&app, db, time_now_us()), 1);
    j = job(a, im);
    assert_string_equal(j.status, "done");
    assert_null(j.error);
    Course c;
    assert_int_equal(course_load(db, a, j.course_id, &c), LN_OK);
    assert_string_equal(c.code, "JOB-2");
    assert_int_equal(c.org_id, org);
    assert_string_equal(c.title, "Jobs in the background");
    free(bytes);
    arena_free(a);
}

static void test_refused_and_held(void **state)
{
    Arena *a = arena_new();
    int64_t jobs = count("SELECT count(*) FROM course_job"), id = 0;
    const char *msg = NULL;
    /* not gzip: refused before any row, from bytes and from a file */
    assert_int_equal(course_job_import(&app, db, org, user, NULL, "PK\3\4 a zip", 11, NULL, time_now_us(), &id, &msg),
                     LN_EINVAL);
    assert_non_null(strstr(msg, "not a course package"));
    assert_int_equal(course_job_import(&app, db, org, user, NULL, "", 0, NULL, time_now_us(), &id, &msg), LN_EINVAL);
    char *file = arena_printf(a, "%s/tmp/upload-text", data_dir);
    FILE *f = fopen(file, "wb");
    fputs("hello\n", f);
    fclose(f);
    assert_int_equal(course_job_import(&app, db, org, user, file, NULL, 0, NULL, time_now_us(), &id, &msg), LN_EINVAL);
    assert_int_equal(count("SELECT count(*) FROM course_job"), jobs);

    /* A job another process holds is not taken until its lock runs out. */
    assert_int_equal(course_job_export(db, org, course, user, time_now_us(), &id), LN_OK);
    UsTime now = time_now_us();
    assert_int_equal(db_run(db, "UPDATE course_job SET status = 'running', locked_until = $1 WHERE id = $2", "ii",
                            now + 60 * US_PER_SEC, id), DB_DONE);
    assert_int_equal(course_jobs_run(&app, db, now), 0);
    assert_string_equal(job(a, id).status, "running");
    /* that process vanished: once the lock is past, the job is made again */
    assert_int_equal(course_jobs_run(&app, db, now + 61 * US_PER_SEC), 1);
    assert_string_equal(job(a, id).status, "done");
    arena_free(a);
}

static int64_t mk_org(const char *name)
{
    char slug[48];
    snprintf(slug, sizeof slug, "job-%s-%d", name, (int)getpid());
    int64_t id = 0;
    return org_create(db, slug, name, false, time_now_us(), &id) == LN_OK ? id : 0;
}

static int setup(void **state)
{
    snprintf(data_dir, sizeof data_dir, "/tmp/lectern-job-XXXXXX");
    if (!mkdtemp(data_dir)) return -1;
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", data_dir);
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    org = mk_org("a");
    other = mk_org("b");
    char email[64];
    snprintf(email, sizeof email, "jobs-%d@example.test", (int)getpid());
    if (!org || !other || user_create(db, email, "Jo Bs", "a-long-password", "en", false, time_now_us(), &user) != LN_OK)
        return -1;
    CourseInput in = {.code = "JOB-1", .title = "Jobs in the background", .summary = "", .lang = "en",
                      .estimated_minutes = 10, .published = 1};
    if (course_create(db, org, &in, 0, time_now_us(), &course) != LN_OK) return -1;
    Course c = {.id = course, .org_id = org};
    SectionInput si = {.title = "One", .release_days = -1};
    int64_t s, u;
    if (section_create(db, &c, &si, time_now_us(), &s) != LN_OK) return -1;
    UnitInput ui = {.kind = "text", .title = "Read me", .body = "Hello.\n", .section_id = s, .minutes = 2,
                    .threshold = -1, .required = 1};
    return unit_create(db, &c, &ui, time_now_us(), &u) == LN_OK ? 0 : -1;
}

static int teardown(void **state)
{
    db_close(db);
    rm_tree(data_dir);
    config_free(&app.cfg);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_then_import),
        cmocka_unit_test(test_refused_and_held),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
