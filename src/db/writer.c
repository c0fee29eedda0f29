/* writer.c — group commit: one thread, one connection, batches of jobs. */
#include "db/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct WriteJob {
    const char *sql;                /* must outlive the job (a literal) */
    char spec[WRITER_MAX_PARAMS + 1];
    int64_t ival[WRITER_MAX_PARAMS];
    char *tval[WRITER_MAX_PARAMS];  /* owned copies */
    WriteDone done;
    void *ud;
    int rc;
    int64_t id;
    bool waited;                    /* writer_run_wait: signal, don't free */
    bool finished;
    WriteJob *next;
};

struct Writer {
    Db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* jobs queued / stopping */
    pthread_cond_t done_cv;     /* a waited job finished */
    WriteJob *head, *tail;
    int queued, max_batch;
    bool stopping;
    WriterStats st;
};

WriteJob *writer_job_new(const char *sql, const char *spec, ...)
{
    WriteJob *j = xcalloc(1, sizeof *j);
    size_t n = strlen(spec);
    LN_ASSERT(n <= WRITER_MAX_PARAMS);
    j->sql = sql;
    memcpy(j->spec, spec, n + 1);
    va_list ap;
    va_start(ap, spec);
    for (size_t i = 0; i < n; i++) {
        if (spec[i] == 'i') j->ival[i] = va_arg(ap, int64_t);
        else if (spec[i] == 't') {
            const char *s = va_arg(ap, const char *);
            j->tval[i] = s ? xstrdup(s) : NULL;
        } else LN_ASSERT(spec[i] == 'n');
    }
    va_end(ap);
    return j;
}

void writer_job_free(WriteJob *j)
{
    if (!j) return;
    for (int i = 0; i < WRITER_MAX_PARAMS; i++) free(j->tval[i]);
    free(j);
}

/* Run one job's statement inside the current transaction. */
static int job_exec(Db *db, WriteJob *j)
{
    DbStmt *st = db_prepare(db, j->sql);
    if (!st) return DB_ERROR;
    for (int i = 0; j->spec[i]; i++) {
        if (j->spec[i] == 'i') db_bind_i64(st, i + 1, j->ival[i]);
        else if (j->spec[i] == 't') db_bind_text(st, i + 1, j->tval[i]);
        else db_bind_null(st, i + 1);
    }
    int rc = db_step(st);
    if (rc == DB_ROW) {
        j->id = db_col_i64(st, 0);
        while ((rc = db_step(st)) == DB_ROW) {}
    }
    db_done(st);
    return rc;
}

static void job_finish(Writer *w, WriteJob *j, int rc)
{
    j->rc = rc;
    if (j->waited) {
        pthread_mutex_lock(&w->mu);
        j->finished = true;
        pthread_cond_broadcast(&w->done_cv);
        pthread_mutex_unlock(&w->mu);
        return;
    }
    if (j->done) j->done(j, rc, j->id, j->ud);
    writer_job_free(j);
}

/* One transaction for the whole batch; on failure, one per job. */
static void run_batch(Writer *w, WriteJob *batch)
{
    bool ok = db_begin(w->db) == DB_DONE;
    for (WriteJob *j = batch; ok && j; j = j->next) ok = job_exec(w->db, j) == DB_DONE;
    if (ok) ok = db_commit(w->db) == DB_DONE;
    if (!ok) {
        db_rollback(w->db);
        pthread_mutex_lock(&w->mu);
        w->st.commits_failed++;
        pthread_mutex_unlock(&w->mu);
    }
    WriteJob *j = batch;
    while (j) {
        WriteJob *next = j->next;
        int rc = DB_DONE;
        if (!ok) {
            j->id = 0;
            rc = db_begin(w->db);
            if (rc == DB_DONE) rc = job_exec(w->db, j);
            if (rc == DB_DONE) rc = db_commit(w->db);
            if (rc != DB_DONE) {
                log_warn("writer: job failed: %s", db_errmsg(w->db));
                db_rollback(w->db);
            }
        }
        job_finish(w, j, rc);
        j = next;
    }
}

static void *writer_main(void *arg)
{
    Writer *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stopping) pthread_cond_wait(&w->cv, &w->mu);
        if (!w->head && w->stopping) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        WriteJob *batch = w->head, *last = batch;
        int n = 1;
        while (last->next && n < w->max_batch) last = last->next, n++;
        w->head = last->next;
        if (!w->head) w->tail = NULL;
        last->next = NULL;
        w->queued -= n;
        w->st.jobs += n;
        w->st.batches++;
        w->st.last_batch = n;
        pthread_mutex_unlock(&w->mu);
        run_batch(w, batch);
    }
}

Writer *writer_start(const char *url, const DbOptions *opt, int max_batch, char **err)
{
    Db *db = db_open(url, opt, err);
    if (!db) return NULL;
    /* Checkpoints would stall group commits: on SQLite they are left to a
     * background thread (app_tick), off the writer's path. */
    if (db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA wal_autocheckpoint=0");
    Writer *w = xcalloc(1, sizeof *w);
    w->db = db;
    w->max_batch = max_batch > 0 ? max_batch : 1000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_cond_init(&w->done_cv, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        db_close(db);
        free(w);
        *err = xstrdup("cannot start the writer thread");
        return NULL;
    }
    return w;
}

void writer_stop(Writer *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    db_close(w->db);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    pthread_cond_destroy(&w->done_cv);
    free(w);
}

static bool enqueue(Writer *w, WriteJob *j)
{
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        return false;
    }
    j->next = NULL;
    if (w->tail) w->tail->next = j;
    else w->head = j;
    w->tail = j;
    w->queued++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return true;
}

bool writer_submit(Writer *w, WriteJob *j, WriteDone done, void *ud)
{
    j->done = done;
    j->ud = ud;
    if (enqueue(w, j)) return true;
    writer_job_free(j);
    return false;
}

int writer_run_wait(Writer *w, WriteJob *j, int64_t *id)
{
    j->waited = true;
    if (!enqueue(w, j)) {
        writer_job_free(j);
        return DB_ERROR;
    }
    pthread_mutex_lock(&w->mu);
    while (!j->finished) pthread_cond_wait(&w->done_cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    int rc = j->rc;
    if (id) *id = j->id;
    writer_job_free(j);
    return rc;
}

void writer_stats(Writer *w, WriterStats *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->st;
    out->queued = w->queued;
    pthread_mutex_unlock(&w->mu);
}
