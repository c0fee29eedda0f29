/* course_job_page.c — a course as a .tar.gz from the browser and the API:
 * start an export or an import, watch its progress, download the export
 * (course_job.h, docs/course-format.md "From the browser and the API").
 * Trainers and administrators of the organisation. */
#include "catalog/pages.h"
#include "content/course_job.h"
#include "http/range.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <unistd.h>

static char *job_url(Req *r, int64_t id)
{
    return arena_printf(r->arena, "/o/%s/course-jobs/%lld", r->org->slug, (long long)id);
}

static bool job_or_404(Req *r, CourseJob *j)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    int rc = course_job_load(r->db, r->arena, r->org->id, id, j);
    if (rc == LN_OK) return true;
    if (rc == LN_NOTFOUND) web_not_found(r);
    else web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    return false;
}

static bool working(const CourseJob *j) { return str_eq(j->status, "queued") || str_eq(j->status, "running"); }

static json_t *job_json(Req *r, const CourseJob *j)
{
    bool done = str_eq(j->status, "done");
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:o,s:o}", "id", (json_int_t)j->id, "kind", j->kind, "status",
                          j->status, "step", j->step, "done", (json_int_t)j->done, "total", (json_int_t)j->total,
                          "created_at", api_time(r->arena, j->created_at), "finished_at",
                          api_time(r->arena, j->finished_at));
    json_object_set_new(o, "course_id", j->course_id ? json_integer((json_int_t)j->course_id) : json_null());
    json_object_set_new(o, "error", j->error ? json_string(j->error) : json_null());
    json_object_set_new(o, "download_url",
                        done && str_eq(j->kind, "export")
                            ? json_string(arena_printf(r->arena, "/api/v1/orgs/%s/course-jobs/%lld/download",
                                                       r->org->slug, (long long)j->id))
                            : json_null());
    return o;
}

/* After queueing: the progress page, or 202 and the job. */
static void queued(Req *r, int64_t id)
{
    CourseJob j;
    if (!r->is_api) req_redirect(r, job_url(r, id));
    else if (course_job_load(r->db, r->arena, r->org->id, id, &j) == LN_OK) api_json(r, 202, job_json(r, &j));
    else api_error(r, 500, "internal", "the job cannot be read now");
}

/* ROUTE: POST /o/{org}/courses/{id}/export */
/* ROUTE: POST /api/v1/orgs/{org}/courses/{id}/export → 202 */
void course_export_post(Req *r)
{
    Course c;
    int64_t id;
    if (!org_course_or_404(r, &c)) return;
    if (course_job_export(r->db, r->org->id, c.id, r->user->id, time_now_us(), &id) != LN_OK)
        web_error(r, 500, "internal", T(r, "The export cannot be started now."));
    else queued(r, id);
}

/* ROUTE: POST /o/{org}/courses/import — multipart: file (.tar.gz), code (optional) */
/* ROUTE: POST /api/v1/orgs/{org}/courses/import → 202 (the same fields) */
void course_import_post(Req *r)
{
    const Part *p = req_part(r, "file");
    if (!p) {
        if (r->is_api) api_field_error(r, "file", "send the .tar.gz as multipart/form-data in the field \"file\"");
        else web_error(r, 422, "invalid", T(r, "Choose the .tar.gz file of a course to import."));
        return;
    }
    const char *code = req_form(r, "code"), *err = NULL;
    int64_t id;
    int rc = course_job_import(r->app, r->db, r->org->id, r->user->id, p->path, p->data, p->len, code, time_now_us(),
                               &id, &err);
    if (rc == LN_EINVAL) {
        if (r->is_api) api_field_error(r, "file", err);
        else web_error(r, 422, "invalid", i18n_get(r->lang, err));
    } else if (rc != LN_OK)
        web_error(r, 500, "internal", T(r, "The import cannot be started now."));
    else queued(r, id);
}

static const char *step_label(Req *r, const CourseJob *j)
{
    if (str_eq(j->step, "unpacking")) return T(r, "Unpacking the archive");
    if (str_eq(j->step, "importing")) return T(r, "Writing the course");
    if (str_eq(j->step, "exporting")) return T(r, "Writing the files");
    return T(r, "Waiting to start");
}

/* ROUTE: GET /o/{org}/course-jobs/{id} — progress, refreshed every 2 s until done */
void course_job_page(Req *r)
{
    CourseJob j;
    if (!job_or_404(r, &j)) return;
    bool export = str_eq(j.kind, "export");
    Course c = {0};
    if (j.course_id) course_load_in(r->db, r->arena, r->org->id, j.course_id, &c);
    if (working(&j)) req_set_header(r, "Refresh", "2");
    const char *title = export ? T(r, "Course export") : T(r, "Course import");
    page_begin(r, title);
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/courses\">← %s</a></p><h1>%s</h1>\n<section class=\"card narrow\">",
            r->org->slug, T(r, "Courses"), title);
    if (c.id) hprintf(r, "<p><strong>%s</strong> <code>%s</code></p>\n", c.title, c.code);
    if (working(&j)) {
        int pct = j.total ? (int)(j.done * 100 / j.total) : 0;
        if (j.total)
            hprintf(r, "<p class=\"progress\"><progress max=\"%lld\" value=\"%lld\" aria-labelledby=\"job-label\">"
                       "</progress> <span id=\"job-label\" role=\"status\" data-status=\"%s\">%s · %d %% · %lld / %lld</span></p>\n",
                    (long long)j.total, (long long)j.done, j.status, step_label(r, &j), pct, (long long)j.done,
                    (long long)j.total);
        else
            hprintf(r, "<p class=\"progress\"><progress aria-labelledby=\"job-label\"></progress> <span id=\"job-label\""
                       " role=\"status\" data-status=\"%s\">%s%s</span></p>\n", j.status, step_label(r, &j),
                    j.done ? arena_printf(r->arena, " · %lld", (long long)j.done) : "");
        hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "This page refreshes by itself."));
    } else if (str_eq(j.status, "done") && export) {
        hprintf(r, "<p role=\"status\" data-status=\"done\">%s</p><p><a class=\"button\" href=\"%s/download\" download>%s</a></p>\n",
                T(r, "The course is ready to download."), job_url(r, j.id), T(r, "Download the .tar.gz"));
        hprintf(r, "<p class=\"muted\">%s</p>\n",
                T(r, "Import it here or on another Lectern site, or open it: it is a folder of plain files."));
    } else if (str_eq(j.status, "done")) {
        hprintf(r, "<p role=\"status\" data-status=\"done\">%s</p><p><a class=\"button\" href=\"/o/%s/courses/%lld/outline\">%s</a>"
                   " <a class=\"button secondary\" href=\"/courses/%lld\">%s</a></p>\n",
                T(r, "The course is imported."), r->org->slug, (long long)j.course_id,
                T(r, "Edit the outline"), (long long)j.course_id, T(r, "See the course"));
    } else {
        hprintf(r, "<div class=\"alert error\" role=\"alert\" data-status=\"failed\"><p>%s</p>",
                export ? T(r, "The export failed.") : T(r, "The course was not imported: nothing was changed."));
        if (j.error) hprintf(r, "<pre class=\"prewrap\">%s</pre>", j.error);
        html_lit(r, "</div>\n");
    }
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/course-jobs/{id}/download */
/* ROUTE: GET /api/v1/orgs/{org}/course-jobs/{id}/download */
void course_job_download(Req *r)
{
    CourseJob j;
    if (!job_or_404(r, &j)) return;
    if (!str_eq(j.kind, "export") || !str_eq(j.status, "done")) {
        web_error(r, 409, "not_ready", T(r, "There is no archive to download for this job."));
        return;
    }
    Course c = {0};
    if (course_load_in(r->db, r->arena, r->org->id, j.course_id, &c) != LN_OK) c.code = "course";
    const char *path = course_job_path(r->arena, r->app->cfg.data_dir, &j);
    if (access(path, R_OK) != 0) {
        web_error(r, 410, "gone", T(r, "This archive was removed after a day: export the course again."));
        return;
    }
    req_set_header(r, "Cache-Control", "private, no-store");
    req_send_path(r, path, NULL, "application/gzip",
                  content_disposition(r->arena, true, arena_printf(r->arena, "%s.tar.gz", c.code)));
}

/* ROUTE: GET /api/v1/orgs/{org}/course-jobs/{id} */
void api_course_job_get(Req *r)
{
    CourseJob j;
    if (job_or_404(r, &j)) api_json(r, 200, job_json(r, &j));
}
