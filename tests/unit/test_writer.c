/* test_writer.c — the batching writer (group commit) on SQLite and
 * PostgreSQL: every acknowledged write is committed, batches form under
 * load, a bad job fails alone. */
#include "testutil.h"
#include "db/writer.h"

#include <pthread.h>

static Db *db;

static int setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db) return -1;
    db_exec(db, "DROP TABLE IF EXISTS t_w");
    char *sql = db_expand(db_kind(db), "CREATE TABLE t_w (id {{ID}}, k TEXT NOT NULL UNIQUE, v BIGINT)");
    int rc = db_exec(db, sql);
    free(sql);
    return rc == DB_DONE ? 0 : -1;
}

static int teardown(void **state)
{
    db_exec(db, "DROP TABLE IF EXISTS t_w");
    db_close(db);
    return 0;
}

static int64_t count_rows(void)
{
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT count(*) FROM t_w", "");
    return n;
}

typedef struct Shared {
    pthread_mutex_t mu;
    int done, ok, constraint;
} Shared;

static void on_done(WriteJob *job, int rc, int64_t id, void *ud)
{
    Shared *s = ud;
    pthread_mutex_lock(&s->mu);
    s->done++;
    if (rc == DB_DONE && id > 0) s->ok++;
    if (rc == DB_CONSTRAINT) s->constraint++;
    pthread_mutex_unlock(&s->mu);
}

typedef struct Producer { Writer *w; Shared *s; int base, n; } Producer;

static void *produce(void *arg)
{
    Producer *p = arg;
    char key[32];
    for (int i = 0; i < p->n; i++) {
        snprintf(key, sizeof key, "k%d", p->base + i);
        writer_submit(p->w, writer_job_new("INSERT INTO t_w (k, v) VALUES ($1, $2) RETURNING id", "ti", key,
                                           (int64_t)i), on_done, p->s);
    }
    return NULL;
}

static void test_many_producers_all_committed(void **state)
{
    char *err = NULL;
    db_exec(db, "DELETE FROM t_w");
    Writer *w = writer_start(test_db_url(), NULL, 500, &err);
    assert_non_null(w);
    Shared s = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    Producer ps[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        ps[i] = (Producer){w, &s, i * 10000, 2000};
        pthread_create(&th[i], NULL, produce, &ps[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    writer_stop(w);     /* commits everything queued before returning */
    assert_int_equal(s.done, 8000);
    assert_int_equal(s.ok, 8000);
    assert_int_equal(count_rows(), 8000);
}

static void test_batches_form(void **state)
{
    char *err = NULL;
    db_exec(db, "DELETE FROM t_w");
    Writer *w = writer_start(test_db_url(), NULL, 1000, &err);
    Shared s = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    Producer p = {w, &s, 0, 3000};
    produce(&p);
    WriterStats st;
    /* Wait for the queue to drain, then look at the batch count. */
    for (int i = 0; i < 2000; i++) {
        writer_stats(w, &st);
        pthread_mutex_lock(&s.mu);
        int done = s.done;
        pthread_mutex_unlock(&s.mu);
        if (done == 3000) break;
        usleep(5000);
    }
    writer_stats(w, &st);
    assert_int_equal(st.jobs, 3000);
    assert_true(st.batches < 3000);     /* grouped: fewer commits than rows */
    writer_stop(w);
    assert_int_equal(count_rows(), 3000);
}

static void test_bad_job_fails_alone(void **state)
{
    char *err = NULL;
    db_exec(db, "DELETE FROM t_w");
    Writer *w = writer_start(test_db_url(), NULL, 1000, &err);
    int64_t id = 0;
    assert_int_equal(writer_run_wait(w, writer_job_new("INSERT INTO t_w (k, v) VALUES ($1, $2) RETURNING id", "ti",
                                                       "same", (int64_t)1), &id), DB_DONE);
    assert_true(id > 0);
    Shared s = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    /* A duplicate in the middle of good jobs. */
    for (int i = 0; i < 50; i++) {
        char key[16];
        snprintf(key, sizeof key, "g%d", i);
        writer_submit(w, writer_job_new("INSERT INTO t_w (k, v) VALUES ($1, $2) RETURNING id", "ti",
                                        i == 25 ? "same" : key, (int64_t)i), on_done, &s);
    }
    writer_stop(w);
    assert_int_equal(s.done, 50);
    assert_int_equal(s.ok, 49);
    assert_int_equal(s.constraint, 1);
    assert_int_equal(count_rows(), 50);
}

static void test_stopped_writer_refuses(void **state)
{
    char *err = NULL;
    Writer *w = writer_start(test_db_url(), NULL, 10, &err);
    assert_non_null(w);
    writer_stop(w);
    /* After stop the pointer is gone: a new writer on a bad URL fails cleanly. */
    assert_null(writer_start("sqlite:/nonexistent-dir/a/b.db", NULL, 10, &err));
    assert_non_null(err);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_producers_all_committed),
        cmocka_unit_test(test_batches_form),
        cmocka_unit_test(test_bad_job_fails_alone),
        cmocka_unit_test(test_stopped_writer_refuses),
    };
    return cmocka_run_group_tests_name(str_startswith(test_db_url(), "sqlite:") ? "writer-sqlite" : "writer-postgresql",
                                       tests, setup, teardown);
}
