/* pack_page.c — downloading a learner's audit pack (pack.h), on the web and
 * through the API: the run's trainers, administrators and auditors. */
#include "evidence/pages.h"
#include "catalog/pages.h"
#include "evidence/pack.h"
#include "http/app.h"
#include "http/range.h"
#include "web/html.h"
#include "web/i18n.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* ROUTE: GET /o/{org}/runs/{id}/learners/{uid}/audit-pack.zip (and the API's .../audit-pack) */
void audit_pack_get(Req *r)
{
    RunRef run;
    int64_t uid;
    if (!reader_run_of_path(r, &run) || !req_path_id_or_404(r, "uid", &uid)) return;
    char *dir = arena_printf(r->arena, "%s/tmp", r->app->cfg.data_dir);
    app_sweep_tmp(dir, "pack-");
    char *path = arena_printf(r->arena, "%s/pack-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        web_error(r, 500, "internal", T(r, "The audit pack cannot be made now."));
        return;
    }
    close(fd);
    PackInput in = {r->org->id, run.id, uid, r->org->slug, r->org->name, r->lang, time_now_us()};
    PackSummary sum;
    const char *why;
    int rc = audit_pack_write(r->db, r->app, &in, path, &sum, &why);
    if (rc != LN_OK) {
        unlink(path);
        web_error(r, rc == LN_NOTFOUND ? 404 : rc == LN_EINVAL ? 409 : rc == LN_ELIMIT ? 413 : 500,
                  rc == LN_NOTFOUND ? "not_found" : rc == LN_EINVAL ? "conflict" : rc == LN_ELIMIT ? "too_large" : "internal",
                  i18n_get(r->lang, why));
        return;
    }
    char *name = arena_printf(r->arena, "audit-pack-%s-run%lld-learner%lld.zip", r->org->slug, (long long)run.id,
                              (long long)uid);
    req_set_header(r, "Cache-Control", "private, no-store");
    req_send_path(r, path, NULL, "application/zip", content_disposition(r->arena, true, name));
    unlink(path);       /* the open file is sent; its name goes now */
}
