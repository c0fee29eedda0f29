/* writer.h — the batching writer (group commit) for high-rate inserts.
 *
 * One thread owns one connection.  Callers hand it jobs (a SQL statement and
 * its values, copied into the job); the thread takes every job queued so
 * far, runs them in one transaction and commits, then tells each caller.
 * A caller's write is acknowledged only after its transaction committed.
 * While one batch commits the next one fills up, so the commit rate is
 * bounded by the disk's flush rate but the row rate is not.
 *
 * If a batch fails, its jobs are retried one transaction each so one bad row
 * does not fail its neighbours.
 */
#ifndef LECTERN_WRITER_H
#define LECTERN_WRITER_H

#include "db/db.h"

typedef struct Writer Writer;
typedef struct WriteJob WriteJob;

/* Called on the writer thread after the job's transaction ended.  rc is
 * DB_DONE (committed), DB_CONSTRAINT or DB_ERROR.  `id` is the integer
 * returned by the statement's first row, if any (INSERT ... RETURNING id). */
typedef void (*WriteDone)(WriteJob *job, int rc, int64_t id, void *ud);

#define WRITER_MAX_PARAMS 16

/* Start a writer on its own connection to `url`. */
Writer *writer_start(const char *url, const DbOptions *opt, int max_batch, char **err);
/* Stop accepting jobs, commit everything queued, join the thread. */
void writer_stop(Writer *w);

/* Make a job: spec as db_run ('i', 't', 'n'); values are copied. */
WriteJob *writer_job_new(const char *sql, const char *spec, ...);
void writer_job_free(WriteJob *job);

/* Queue a job; `done` runs on the writer thread, which then frees the job.
 * Returns false (job freed, done not called) when the writer is stopping. */
bool writer_submit(Writer *w, WriteJob *job, WriteDone done, void *ud);

/* Queue a job and wait for its commit on the calling thread.  Returns rc
 * as WriteDone; *id set when not NULL. */
int writer_run_wait(Writer *w, WriteJob *job, int64_t *id);

typedef struct WriterStats {
    int64_t jobs, batches, commits_failed;
    int queued;             /* jobs waiting now */
    int64_t last_batch;     /* size of the last batch */
} WriterStats;
void writer_stats(Writer *w, WriterStats *out);

#endif
