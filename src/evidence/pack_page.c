/* pack_page.c — downloading a learner's audit pack (pack.h) of a course
 * run or of a programme, on the web and through the API: the
 * organisation's trainers, administrators and auditors. */
#include "evidence/pages.h"
#include "catalog/pages.h"
#include "evidence/pack.h"
#include "http/access.h"
#include "http/app.h"
#include "http/range.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <unistd.h>

/* Make the pack in the data directory's tmp/ and send it as `name`. */
static void send_pack(Req *r, PackInput *in, const char *name)
{
    char *dir = arena_printf(r->arena, "%s/tmp", r->app->cfg.data_dir);
    app_sweep_tmp(dir, "pack-");
    char *path = arena_printf(r->arena, "%s/pack-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        web_error(r, 500, "internal", T(r, "The audit pack cannot be made now."));
        return;
    }
    close(fd);
    in->org_id = r->org->id;
    in->org_slug = r->org->slug;
    in->org_name = r->org->name;
    in->lang = r->lang;
    in->now = time_now_us();
    PackSummary sum;
    const char *why;
    int rc = audit_pack_write(r->db, r->app, in, path, &sum, &why);
    if (rc != LN_OK) {
        unlink(path);
        web_error(r, rc == LN_NOTFOUND ? 404 : rc == LN_EINVAL ? 409 : rc == LN_ELIMIT ? 413 : 500,
                  rc == LN_NOTFOUND ? "not_found" : rc == LN_EINVAL ? "conflict" : rc == LN_ELIMIT ? "too_large" : "internal",
                  i18n_get(r->lang, why));
        return;
    }
    req_set_header(r, "Cache-Control", "private, no-store");
    req_send_path(r, path, NULL, "application/zip", content_disposition(r->arena, true, name));
    unlink(path);       /* the open file is sent; its name goes now */
}

/* ROUTE: GET /o/{org}/runs/{id}/learners/{uid}/audit-pack.zip (and the API's .../audit-pack) */
void audit_pack_get(Req *r)
{
    RunRef run;
    int64_t uid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "uid", &uid)) return;
    PackInput in = {.run_id = run.id, .user_id = uid};
    send_pack(r, &in, arena_printf(r->arena, "audit-pack-%s-run%lld-learner%lld.zip", r->org->slug, (long long)run.id,
                                   (long long)uid));
}

/* ROUTE: GET /o/{org}/programmes/{id}/learners/{uid}/audit-pack.zip (and the API's .../audit-pack) */
void audit_pack_programme_get(Req *r)
{
    int64_t pid, uid;
    if (!req_path_id_or_404(r, "id", &pid) || !req_path_id_or_404(r, "uid", &uid)) return;
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    PackInput in = {.programme_id = pid, .user_id = uid};
    send_pack(r, &in, arena_printf(r->arena, "audit-pack-%s-programme%lld-learner%lld.zip", r->org->slug,
                                   (long long)pid, (long long)uid));
}
