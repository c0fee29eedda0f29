/* sheets_page.c — all the sheets of a run as a ZIP, for the web: start a
 * background job, watch its progress, download it (sheets.h). */
#include "attendance/pages.h"
#include "attendance/sheets.h"
#include "http/range.h"
#include "http/access.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

/* The run of the path, for trainers, administrators and auditors. */
static bool reader_run(Req *r, RunRef *run)
{
    int64_t id;
    if (!access_reader(r)) {
        web_error(r, 403, "forbidden", T(r, "Only trainers, administrators and auditors can do this."));
        return false;
    }
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    web_not_found(r);
    return false;
}

static bool job_or_404(Req *r, const RunRef *run, SheetJob *j)
{
    int64_t id;
    if (!req_path_id_or_404(r, "job", &id)) return false;
    if (sheet_job_load(r->db, r->arena, r->org->id, run->id, id, j) == LN_OK) return true;
    web_not_found(r);
    return false;
}

/* format: the form's field or the query's: "zip" (default) or "pdf" */
static int create(Req *r, const RunRef *run, int64_t *id)
{
    const char *format = req_form(r, "format");
    if (str_empty(format)) format = req_query(r, "format");
    if (str_empty(format)) format = "zip";
    int rc = sheet_job_create(r->db, r->org->id, run->id, r->user->id, r->lang, format, time_now_us(), id);
    if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "The format is zip (one PDF per session) or pdf (one PDF of them all)."));
    else if (rc == LN_NOTFOUND) web_error(r, 409, "no_session", T(r, "This course run has no live session yet."));
    else if (rc == LN_ELIMIT) web_error(r, 413, "too_large", T(r, "Too many sessions for one ZIP (500 at most)."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "The sheets cannot be prepared now."));
    return rc;
}

/* ROUTE: POST /o/{org}/runs/{id}/sheets */
void sheets_post(Req *r)
{
    RunRef run;
    int64_t id;
    if (!reader_run(r, &run) || create(r, &run, &id) != LN_OK) return;
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/sheets/%lld", r->org->slug, (long long)run.id, (long long)id));
}

/* ROUTE: GET /o/{org}/runs/{id}/sheets/{job} — progress, refreshed every 2 s until done */
void sheets_job_page(Req *r)
{
    RunRef run;
    SheetJob j;
    if (!reader_run(r, &run) || !job_or_404(r, &run, &j)) return;
    bool working = str_eq(j.status, "queued") || str_eq(j.status, "running");
    if (working) req_set_header(r, "Refresh", "2");
    page_begin(r, T(r, "All the attendance sheets"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s</h1>\n", run.title, T(r, "All the attendance sheets"));
    int pct = j.total ? (int)(j.done * 100 / j.total) : 0;
    hprintf(r, "<p class=\"progress\"><progress max=\"%lld\" value=\"%lld\" aria-labelledby=\"sheets-label\"></progress>"
               " <span id=\"sheets-label\" role=\"status\" data-status=\"%s\">%d %% · %lld / %lld %s</span></p>\n",
            (long long)j.total, (long long)j.done, j.status, pct, (long long)j.done, (long long)j.total, T(r, "sheets"));
    if (working)
        hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "The sheets are being made. This page refreshes by itself."));
    else if (str_eq(j.status, "done"))
        hprintf(r, "<p><a class=\"button\" href=\"/o/%s/runs/%lld/sheets/%lld/download\" download>%s</a></p>\n",
                r->org->slug, (long long)run.id, (long long)j.id,
                str_eq(j.format, "pdf") ? T(r, "Download the PDF") : T(r, "Download the ZIP"));
    else
        hprintf(r, "<p class=\"alert error\" role=\"alert\">%s</p>\n", T(r, "The sheets could not be made. Try again."));
    hprintf(r, "<p><a href=\"/o/%s/runs/%lld/sessions\">%s</a></p>\n", r->org->slug, (long long)run.id,
            T(r, "Back to the live sessions"));
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/sheets/{job}/download */
void sheets_job_download(Req *r)
{
    RunRef run;
    SheetJob j;
    if (!reader_run(r, &run) || !job_or_404(r, &run, &j)) return;
    if (!str_eq(j.status, "done")) {
        web_error(r, 409, "not_ready", T(r, "The sheets are not ready yet."));
        return;
    }
    bool pdf = str_eq(j.format, "pdf");
    req_set_header(r, "Cache-Control", "private, no-store");
    req_send_path(r, sheet_job_path(r->arena, r->app->cfg.data_dir, &j), NULL, pdf ? "application/pdf" : "application/zip",
                  content_disposition(r->arena, true,
                                      arena_printf(r->arena, "%s-%lld.%s",
                                                   str_eq(j.lang, "fr") ? "feuilles-emargement" : "attendance-sheets",
                                                   (long long)run.id, pdf ? "pdf" : "zip")));
}

static json_t *job_json(Req *r, const RunRef *run, const SheetJob *j)
{
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:o,s:o}", "id", (json_int_t)j->id, "run_id", (json_int_t)j->run_id,
                          "format", j->format, "status", j->status, "done", (json_int_t)j->done, "total", (json_int_t)j->total,
                          "created_at", api_time(r->arena, j->created_at), "finished_at", api_time(r->arena, j->finished_at));
    json_object_set_new(o, "download_url",
                        str_eq(j->status, "done")
                            ? json_string(arena_printf(r->arena, "/o/%s/runs/%lld/sheets/%lld/download", r->org->slug,
                                                       (long long)run->id, (long long)j->id))
                            : json_null());
    return o;
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/sheets → 202 */
void api_sheets_post(Req *r)
{
    RunRef run;
    int64_t id;
    SheetJob j;
    if (!reader_run(r, &run) || create(r, &run, &id) != LN_OK) return;
    if (sheet_job_load(r->db, r->arena, r->org->id, run.id, id, &j) != LN_OK) {
        api_error(r, 500, "internal", "the job cannot be read now");
        return;
    }
    api_json(r, 202, job_json(r, &run, &j));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/sheets/{job} */
void api_sheets_job_get(Req *r)
{
    RunRef run;
    SheetJob j;
    if (reader_run(r, &run) && job_or_404(r, &run, &j)) api_json(r, 200, job_json(r, &run, &j));
}
