/* certificate_job.c — all the certificates of a run as one ZIP, first
 * issuing the missing ones when asked, and the background jobs that make it
 * for the web (certificate.h, "All the certificates of a run"). */
#include "certificate/certificate.h"
#include "attendance/sheets.h"
#include "core/csv.h"
#include "http/app.h"

#include <archive.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The run's enrolled learners, by id, at most CERT_BATCH_MAX. */
static int learners_of(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t **ids, int *n)
{
    *ids = NULL;
    *n = 0;
    int cap = 0, rc;
    DbStmt *st = db_prepare(db, "SELECT e.user_id FROM enrolment e JOIN course_run r ON r.id = e.run_id"
                                " WHERE e.run_id = $1 AND r.org_id = $2 ORDER BY e.user_id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, org_id);
    while ((rc = db_step(st)) == DB_ROW && *n <= CERT_BATCH_MAX) {
        *ids = arena_grow(a, *ids, *n, &cap, sizeof **ids);
        (*ids)[(*n)++] = db_col_i64(st, 0);
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return LN_EDB;
    return *n > CERT_BATCH_MAX ? LN_ELIMIT : *n == 0 ? LN_NOTFOUND : LN_OK;
}

int cert_run_zip(Db *db, const CertBatchInput *in, const char *dest, CertProgress fn, void *ctx, CertBatch *out)
{
    memset(out, 0, sizeof *out);
    if (in->issue && !cert_action_type_ok(in->action_type)) return LN_EINVAL;
    Arena *a = arena_new();
    int64_t *ids;
    int n, rc = learners_of(db, a, in->org_id, in->run_id, &ids, &n);
    if (rc != LN_OK) {
        arena_free(a);
        return rc;
    }
    out->learners = n;
    char *tmp = arena_printf(a, "%s.tmp", dest);
    struct archive *w = archive_write_new();
    archive_write_set_format_zip(w);
    if (archive_write_open_filename(w, tmp) != ARCHIVE_OK) rc = LN_EIO;
    Buf index;
    buf_init(&index, 0);
    const char *head[] = {"user_id", "learner", "certificate", "hours_minutes", "live_minutes", "distance_minutes",
                          "external_minutes", "first_at", "last_at", "issued_at", "file", "verify_url"};
    csv_row(&index, head, 12);
    UsTime now = time_now_us();
    for (int i = 0; rc == LN_OK && i < n; i++) {
        Arena *x = arena_new();
        Certificate c;
        const char *why = NULL;
        int got = LN_NOTFOUND;
        if (in->issue) {
            CertInput ci = {.org_id = in->org_id, .run_id = in->run_id, .user_id = ids[i], .by = in->by,
                            .action_type = in->action_type, .base_url = in->base_url, .now = time_now_us()};
            got = cert_issue(db, x, &ci, &c, &why);
            if (got == LN_OK) out->issued++;
            else if (got == LN_EPERM) out->no_hours++;
            else if (got == LN_EDB) rc = LN_EDB;
        }
        if (rc == LN_OK && got != LN_OK) got = cert_current(db, x, in->run_id, ids[i], &c);
        if (rc == LN_OK && got == LN_OK) {
            Buf pdf;
            buf_init(&pdf, 0);
            const char *url = cert_verify_url(x, in->base_url, c.public_id);
            const char *file = arena_printf(x, "certificate-%lld-%s.pdf", (long long)c.user_id, c.public_id);
            rc = cert_pdf(x, &c, in->lang, url, &pdf) == LN_OK && zip_add(w, file, &pdf, c.issued_at) == LN_OK ? LN_OK : LN_EIO;
            buf_free(&pdf);
            if (rc == LN_OK) {
                const char *row[] = {arena_printf(x, "%lld", (long long)c.user_id), c.learner_name, c.public_id,
                                     arena_printf(x, "%lld", (long long)cert_total_minutes(&c.f)),
                                     arena_printf(x, "%lld", (long long)c.f.live_minutes),
                                     arena_printf(x, "%lld", (long long)c.f.distance_minutes),
                                     arena_printf(x, "%lld", (long long)c.f.external_minutes),
                                     time_iso(x, c.f.first_at), time_iso(x, c.f.last_at), time_iso(x, c.issued_at), file, url};
                csv_row(&index, row, 12);
                out->in_zip++;
            }
        } else if (rc == LN_OK && got == LN_EDB) rc = LN_EDB;
        arena_free(x);
        if (fn) fn(ctx, "certificates", i + 1, n);
    }
    if (rc == LN_OK) rc = zip_add(w, "certificates.csv", &index, now);
    buf_free(&index);
    if (archive_write_close(w) != ARCHIVE_OK && rc == LN_OK) rc = LN_EIO;
    archive_write_free(w);
    if (rc == LN_OK && rename(tmp, dest) != 0) rc = LN_EIO;
    if (rc != LN_OK) unlink(tmp);
    arena_free(a);
    return rc;
}

/* ---- background jobs ------------------------------------------------------- */

int cert_job_create(Db *db, const CertBatchInput *in, int64_t user_id, UsTime now, int64_t *id)
{
    if (in->issue && !cert_action_type_ok(in->action_type)) return LN_EINVAL;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM enrolment e JOIN course_run r ON r.id = e.run_id"
                             " WHERE e.run_id = $1 AND r.org_id = $2", "ii", in->run_id, in->org_id) != DB_ROW)
        return LN_EDB;
    if (n == 0) return LN_NOTFOUND;
    if (n > CERT_BATCH_MAX) return LN_ELIMIT;
    return db_query_i64(db, id, "INSERT INTO certificate_job (org_id, run_id, created_by, issue, action_type, lang, total,"
                                " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", "iiiittii",
                        in->org_id, in->run_id, user_id, (int64_t)in->issue, in->issue ? in->action_type : "training",
                        str_eq(in->lang, "fr") ? "fr" : "en", n, now) == DB_ROW ? LN_OK : LN_EDB;
}

int cert_job_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t id, CertJob *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, created_by, issue, action_type, lang, total, done, issued, in_zip, no_hours,"
                                " status, created_at, COALESCE(finished_at, 0) FROM certificate_job"
                                " WHERE id = $1 AND org_id = $2 AND run_id = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    db_bind_i64(st, 3, run_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (CertJob){.id = db_col_i64(st, 0), .org_id = org_id, .run_id = run_id, .created_by = db_col_i64(st, 1),
                         .issue = db_col_i64(st, 2) != 0, .action_type = db_col_dup(st, 3, a),
                         .lang = db_col_dup(st, 4, a), .total = db_col_i64(st, 5), .done = db_col_i64(st, 6),
                         .issued = db_col_i64(st, 7), .in_zip = db_col_i64(st, 8), .no_hours = db_col_i64(st, 9),
                         .status = db_col_dup(st, 10, a), .created_at = db_col_i64(st, 11),
                         .finished_at = db_col_i64(st, 12)};
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

char *cert_job_path(Arena *a, const char *data_dir, int64_t id)
{
    return arena_printf(a, "%s/tmp/certificates-%lld.zip", data_dir, (long long)id);
}

typedef struct JobCtx { Db *db; int64_t id; } JobCtx;

static void job_progress(void *ctx, const char *verb, int done, int total)
{
    (void)verb, (void)total;
    JobCtx *j = ctx;
    db_run(j->db, "UPDATE certificate_job SET done = $1 WHERE id = $2", "ii", (int64_t)done, j->id);
}

int cert_jobs_run(Db *db, const char *data_dir, const char *base_url, UsTime now)
{
    static _Atomic int64_t last_sweep;
    if (tick_due(&last_sweep, now, 3600 * US_PER_SEC)) {     /* ZIPs are kept a day */
        char dir[600];
        snprintf(dir, sizeof dir, "%s/tmp", data_dir);
        app_sweep_tmp(dir, "certificates-");
    }
    CertBatchInput in = {.base_url = base_url};
    int64_t id = 0;
    char lang[8] = "en", type[32] = "training";
    DbStmt *st = db_prepare(db, "SELECT id, org_id, run_id, created_by, issue, action_type, lang FROM certificate_job"
                                " WHERE status IN ('queued', 'running') AND locked_until < $1 ORDER BY id LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now);
    if (db_step(st) == DB_ROW) {
        id = db_col_i64(st, 0);
        in.org_id = db_col_i64(st, 1);
        in.run_id = db_col_i64(st, 2);
        in.by = db_col_i64(st, 3);
        in.issue = db_col_i64(st, 4) != 0;
        snprintf(type, sizeof type, "%s", db_col_text(st, 5));
        snprintf(lang, sizeof lang, "%s", db_col_text(st, 6));
    }
    db_done(st);
    if (!id) return 0;
    in.action_type = type;
    in.lang = lang;
    /* claim it: another process that read the same row changes nothing */
    if (db_change(db, "UPDATE certificate_job SET status = 'running', done = 0, locked_until = $1 WHERE id = $2"
                      " AND locked_until < $3", "iii", now + CERT_JOB_LOCK_MINUTES * 60 * US_PER_SEC, id, now) != LN_OK)
        return 0;
    Arena *a = arena_new();
    char *dir = arena_printf(a, "%s/tmp", data_dir);
    CertBatch b = {0};
    JobCtx ctx = {db, id};
    int rc = mkdir(dir, 0700) == 0 || errno == EEXIST ? LN_OK : LN_EIO;   /* DATA exists */
    if (rc == LN_OK) rc = cert_run_zip(db, &in, cert_job_path(a, data_dir, id), job_progress, &ctx, &b);
    db_run(db, "UPDATE certificate_job SET status = $1, finished_at = $2, locked_until = 0, issued = $3, in_zip = $4,"
               " no_hours = $5 WHERE id = $6", "tiiiii", rc == LN_OK ? "done" : "failed", time_now_us(),
           b.issued, rc == LN_OK ? b.in_zip : 0, b.no_hours, id);      /* what was issued stays issued */
    if (rc != LN_OK) log_warn("certificate: the certificates of run %lld (job %lld) failed: %d", (long long)in.run_id,
                              (long long)id, rc);
    arena_free(a);
    return rc == LN_OK ? 1 : rc;
}

void cert_jobs_tick(App *app, Db *db)
{
    char buf[300];
    cert_jobs_run(db, app->cfg.data_dir, app_base_url(app, buf, sizeof buf), time_now_us());
}
