/* sheets.c — all the sheets of a run as a ZIP, and the background jobs
 * that make it for the web (sheets.h). */
#include "attendance/sheets.h"
#include "attendance/pdf.h"
#include "attendance/pdfdoc.h"
#include "web/i18n.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

int zip_add(struct archive *w, const char *name, const Buf *b, UsTime mtime)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)b->len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, (time_t)(mtime / US_PER_SEC), 0);
    int rc = archive_write_header(w, e) == ARCHIVE_OK
             && archive_write_data(w, b->data, b->len) == (la_ssize_t)b->len ? LN_OK : LN_EIO;
    archive_entry_free(e);
    return rc;
}

/* The run and its sessions by start time, within the limits. */
static int sessions_of(Db *db, Arena *a, int64_t org_id, int64_t run_id, RunRef *run, LiveSessionList *l)
{
    int rc = run_ref(db, a, org_id, run_id, run);
    if (rc == LN_OK) rc = attendance_session_list(db, a, run_id, l);
    if (rc == LN_OK && l->n == 0) rc = LN_NOTFOUND;
    if (rc == LN_OK && l->n > SHEETS_MAX) rc = LN_ELIMIT;
    return rc;
}

int attendance_sheets_zip(Db *db, const char *secret, const char *base_url, int64_t org_id, int64_t run_id,
                          const char *lang, const char *dest, SheetsProgress fn, void *ctx, int *count)
{
    *count = 0;
    Arena *a = arena_new();
    LiveSessionList l;
    RunRef run;
    int rc = sessions_of(db, a, org_id, run_id, &run, &l);
    if (rc != LN_OK) {
        arena_free(a);
        return rc;
    }
    char *tmp = arena_printf(a, "%s.tmp", dest);
    struct archive *w = archive_write_new();
    archive_write_set_format_zip(w);
    if (archive_write_open_filename(w, tmp) != ARCHIVE_OK) rc = LN_EIO;
    bool fr = str_eq(lang, "fr");
    for (int i = 0; rc == LN_OK && i < l.n; i++) {
        const LiveSession *s = &l.items[i];
        Buf pdf;
        buf_init(&pdf, 0);
        rc = attendance_sheet_pdf_lang(db, a, org_id, s->id, attendance_sheet_url(a, base_url, secret, s->id), lang, &pdf);
        char day[24];
        att_local_iso(s->starts_at, s->utc_offset_min, day, sizeof day);
        day[10] = 0;
        if (rc == LN_OK)
            rc = zip_add(w, arena_printf(a, "%03d-%s-%s-%lld.pdf", i + 1, day,
                                           fr ? "feuille-emargement" : "attendance-sheet", (long long)s->id),
                           &pdf, time_now_us());
        buf_free(&pdf);
        if (rc == LN_OK && fn) fn(ctx, "zipping", i + 1, l.n);
    }
    if (archive_write_close(w) != ARCHIVE_OK && rc == LN_OK) rc = LN_EIO;
    archive_write_free(w);
    if (rc == LN_OK && rename(tmp, dest) != 0) rc = LN_EIO;
    if (rc != LN_OK) unlink(tmp);
    else *count = l.n;
    arena_free(a);
    return rc;
}

int attendance_sheets_pdf(Db *db, const char *secret, const char *base_url, int64_t org_id, int64_t run_id,
                          const char *lang, const char *dest, SheetsProgress fn, void *ctx, int *count)
{
    *count = 0;
    Arena *a = arena_new();
    LiveSessionList l;
    RunRef run;
    int rc = sessions_of(db, a, org_id, run_id, &run, &l);
    char *tmp = arena_printf(a, "%s.tmp", dest);
    FILE *f = rc == LN_OK ? fopen(tmp, "wbe") : NULL;
    if (rc == LN_OK && !f) rc = LN_EIO;
    PdfDoc doc = {.a = a, .lang = str_eq(lang, "fr") ? "fr" : "en"};
    bool begun = rc == LN_OK && pdf_begin_file(&doc, f, arena_printf(a, "%s — %s", i18n_get(doc.lang, "All the attendance sheets"),
                                                                     run.title), "Lectern") == LN_OK;
    if (rc == LN_OK && !begun) rc = LN_EINVAL;
    for (int i = 0; rc == LN_OK && i < l.n; i++) {
        Arena *one = arena_new();      /* a sheet's rows and signatures, not kept for the next */
        rc = attendance_sheet_draw(db, one, org_id, l.items[i].id,
                                   attendance_sheet_url(one, base_url, secret, l.items[i].id), &doc);
        arena_free(one);
        if (rc == LN_OK && fn) fn(ctx, "drawing", i + 1, l.n);
    }
    if (begun && pdf_end(&doc) != LN_OK && rc == LN_OK) rc = LN_EINVAL;
    if (f && fclose(f) != 0 && rc == LN_OK) rc = LN_EIO;
    if (rc == LN_OK && rename(tmp, dest) != 0) rc = LN_EIO;
    if (rc != LN_OK && f) unlink(tmp);
    if (rc == LN_OK) *count = l.n;
    arena_free(a);
    return rc;
}

/* ---- background jobs ---------------------------------------------------------- */

int sheet_job_create(Db *db, int64_t org_id, int64_t run_id, int64_t user_id, const char *lang, const char *format,
                     UsTime now, int64_t *id)
{
    if (!str_eq(format, "zip") && !str_eq(format, "pdf")) return LN_EINVAL;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM live_session WHERE run_id = $1 AND org_id = $2", "ii", run_id, org_id)
        != DB_ROW)
        return LN_EDB;
    if (n == 0) return LN_NOTFOUND;
    if (n > SHEETS_MAX) return LN_ELIMIT;
    return db_query_i64(db, id, "INSERT INTO sheet_job (org_id, run_id, created_by, lang, format, total, created_at)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", "iiittii", org_id, run_id, user_id,
                        str_eq(lang, "fr") ? "fr" : "en", format, n, now) == DB_ROW ? LN_OK : LN_EDB;
}

int sheet_job_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t id, SheetJob *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, org_id, run_id, created_by, total, done, status, lang, created_at,"
                                " COALESCE(finished_at, 0), format FROM sheet_job WHERE id = $1 AND org_id = $2"
                                " AND run_id = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    db_bind_i64(st, 3, run_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (SheetJob){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3), db_col_i64(st, 4),
                          db_col_i64(st, 5), db_col_dup(st, 6, a), db_col_dup(st, 7, a), db_col_dup(st, 10, a),
                          db_col_i64(st, 8), db_col_i64(st, 9)};
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

static char *job_path(Arena *a, const char *data_dir, int64_t id, const char *format)
{
    return arena_printf(a, "%s/tmp/sheets-%lld.%s", data_dir, (long long)id, str_eq(format, "pdf") ? "pdf" : "zip");
}

char *sheet_job_path(Arena *a, const char *data_dir, const SheetJob *j)
{
    return job_path(a, data_dir, j->id, j->format);
}

typedef struct JobCtx { Db *db; int64_t id; } JobCtx;

static void job_progress(void *ctx, const char *verb, int done, int total)
{
    (void)verb, (void)total;
    JobCtx *j = ctx;
    db_run(j->db, "UPDATE sheet_job SET done = $1 WHERE id = $2", "ii", (int64_t)done, j->id);
}

int sheet_jobs_run(Db *db, const char *data_dir, const char *secret, const char *base_url, UsTime now)
{
    static _Atomic int64_t last_sweep;
    if (tick_due(&last_sweep, now, 3600 * US_PER_SEC)) {     /* ZIPs are kept a day */
        char dir[600];
        snprintf(dir, sizeof dir, "%s/tmp", data_dir);
        app_sweep_tmp(dir, "sheets-");
    }
    int64_t id = 0, org = 0, run = 0;
    char lang[8] = "en", format[8] = "zip";
    DbStmt *st = db_prepare(db, "SELECT id, org_id, run_id, lang, format FROM sheet_job"
                                " WHERE status IN ('queued', 'running') AND locked_until < $1 ORDER BY id LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now);
    if (db_step(st) == DB_ROW) {
        id = db_col_i64(st, 0);
        org = db_col_i64(st, 1);
        run = db_col_i64(st, 2);
        snprintf(lang, sizeof lang, "%s", db_col_text(st, 3));
        snprintf(format, sizeof format, "%s", db_col_text(st, 4));
    }
    db_done(st);
    if (!id) return 0;
    /* claim it: another process that read the same row changes nothing */
    if (db_change(db, "UPDATE sheet_job SET status = 'running', done = 0, locked_until = $1 WHERE id = $2"
                      " AND locked_until < $3", "iii", now + SHEETS_LOCK_MINUTES * 60 * US_PER_SEC, id, now) != LN_OK)
        return 0;
    Arena *a = arena_new();
    char *dir = arena_printf(a, "%s/tmp", data_dir);
    int count = 0, rc = mkdir(dir, 0700) == 0 || errno == EEXIST ? LN_OK : LN_EIO;   /* DATA exists */
    JobCtx ctx = {db, id};
    if (rc == LN_OK)
        rc = (str_eq(format, "pdf") ? attendance_sheets_pdf : attendance_sheets_zip)(
            db, secret, base_url, org, run, lang, job_path(a, data_dir, id, format), job_progress, &ctx, &count);
    db_run(db, "UPDATE sheet_job SET status = $1, finished_at = $2, locked_until = 0 WHERE id = $3", "tii",
           rc == LN_OK ? "done" : "failed", time_now_us(), id);
    if (rc != LN_OK) log_warn("attendance: sheets of run %lld (job %lld) failed: %d", (long long)run, (long long)id, rc);
    arena_free(a);
    return rc == LN_OK ? 1 : rc;
}
