/* sheets.h — all the attendance sheets of a run as one ZIP (libarchive),
 * one PDF per live session (docs/attendance.md "All the sheets of a run").
 * The command line makes it at once with progress on the terminal
 * (`lectern attendance sheets`); the web makes it in the background: a
 * sheet_job row, advanced by the tick of `lectern serve` (one process at a
 * time, claimed with locked_until), whose done/total the page shows. */
#ifndef LECTERN_SHEETS_H
#define LECTERN_SHEETS_H

#include "attendance/attendance.h"

#define SHEETS_MAX 500                  /* sessions in one ZIP */
#define SHEETS_LOCK_MINUTES 10          /* a job is retried when its process vanished */

typedef void (*SheetsProgress)(void *ctx, const char *verb, int done, int total);

/* One file of `b`'s bytes, named `name`, into the open ZIP `w` (libarchive);
 * also used for the certificates of a run (certificate_job.c).  LN_EIO. */
struct archive;
int zip_add(struct archive *w, const char *name, const Buf *b, UsTime mtime);

/* Write the sheets of run `run_id` (organisation `org_id`), by start time,
 * into a ZIP at `dest` (through dest.tmp, renamed at the end), in `lang`,
 * each with its verification QR code (base_url, secret).  fn (may be NULL)
 * is called after each sheet.  *count gets the number of sheets.
 * LN_NOTFOUND: no such run or no session; LN_ELIMIT over SHEETS_MAX; LN_EIO. */
int attendance_sheets_zip(Db *db, const char *secret, const char *base_url, int64_t org_id, int64_t run_id,
                          const char *lang, const char *dest, SheetsProgress fn, void *ctx, int *count);
/* The same sheets one after the other in a single PDF at `dest` (to print
 * them all at once), each with its own page numbers. */
int attendance_sheets_pdf(Db *db, const char *secret, const char *base_url, int64_t org_id, int64_t run_id,
                          const char *lang, const char *dest, SheetsProgress fn, void *ctx, int *count);

typedef struct SheetJob {
    int64_t id, org_id, run_id, created_by, total, done;
    char *status, *lang;                /* queued | running | done | failed */
    char *format;                       /* zip | pdf */
    UsTime created_at, finished_at;
} SheetJob;
/* Queue a job for the run's sheets as `format` ("zip" or "pdf"): LN_NOTFOUND
 * when the run has no session, LN_EINVAL for another format. */
int sheet_job_create(Db *db, int64_t org_id, int64_t run_id, int64_t user_id, const char *lang, const char *format,
                     UsTime now, int64_t *id);
int sheet_job_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t id, SheetJob *out);
/* DATA/tmp/sheets-ID.zip or .pdf */
char *sheet_job_path(Arena *a, const char *data_dir, const SheetJob *j);
/* For the tick: make the oldest queued job (one per call). */
int sheet_jobs_run(Db *db, const char *data_dir, const char *secret, const char *base_url, UsTime now);

#endif
