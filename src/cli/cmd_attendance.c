/* cmd_attendance.c — `lectern attendance sheets`: every attendance sheet of
 * a course run in one ZIP, or one after the other in a single PDF when the
 * file's name ends in .pdf (docs/attendance.md "All the sheets of a run");
 * `lectern certificate zip`: every certificate of a run in one ZIP. */
#include "cli/cli.h"
#include "account/account.h"
#include "attendance/sheets.h"
#include "certificate/certificate.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int cmd_attendance_sheets(Cli *c)
{
    int64_t run_id;
    if (c->argc < 2 || !str_to_i64(c->argv[0], &run_id) || run_id <= 0) {
        fprintf(stderr, "lectern: attendance sheets needs a run id and a .zip or .pdf file (see --help)\n");
        return 2;
    }
    const char *lang = cli_opt(c, "lang");
    if (lang && !str_eq(lang, "en") && !str_eq(lang, "fr")) {
        fprintf(stderr, "lectern: --lang is en or fr\n");
        return 2;
    }
    App app;
    if (cli_app(c, &app) != 0) return 1;
    Db *db = db_pool_get(app.pool);
    Arena *a = arena_new();
    RunRef run;
    int rc = run_ref(db, a, 0, run_id, &run), count = 0;
    char buf[300];
    const char *base = app_base_url(&app, buf, sizeof buf);
    CliProgress pr = {.tty = isatty(2)};
    size_t n = strlen(c->argv[1]);
    bool pdf = n > 4 && strcasecmp(c->argv[1] + n - 4, ".pdf") == 0;
    if (rc == LN_OK)
        rc = (pdf ? attendance_sheets_pdf : attendance_sheets_zip)(db, app.secret, base, run.org_id, run_id,
                                                                   lang ? lang : "en", c->argv[1], cli_progress, &pr,
                                                                   &count);
    cli_progress_end(&pr);
    if (rc == LN_OK) printf("%d attendance sheet%s of run %lld written to %s\n", count, count == 1 ? "" : "s",
                            (long long)run_id, c->argv[1]);
    else if (rc == LN_NOTFOUND) fprintf(stderr, "lectern: no run %lld, or it has no live session\n", (long long)run_id);
    else if (rc == LN_ELIMIT) fprintf(stderr, "lectern: more than %d sessions in run %lld\n", SHEETS_MAX, (long long)run_id);
    else fprintf(stderr, "lectern: the sheets could not be written to %s\n", c->argv[1]);
    arena_free(a);
    db_pool_put(app.pool, db);
    app_close(&app);
    return rc == LN_OK ? 0 : 1;
}

/* `lectern certificate zip RUN_ID FILE.zip [--lang en|fr] [--as EMAIL [--type T] --issue]`:
 * every valid certificate of a run in one ZIP, first issuing the missing
 * ones with --issue (docs/certificates.md "All the certificates of a run"). */
int cmd_certificate_zip(Cli *c)
{
    int64_t run_id;
    if (c->argc < 2 || !str_to_i64(c->argv[0], &run_id) || run_id <= 0) {
        fprintf(stderr, "lectern: certificate zip needs a run id and a .zip file (see --help)\n");
        return 2;
    }
    const char *lang = cli_opt(c, "lang"), *as = cli_opt(c, "as"), *type = cli_opt(c, "type");
    bool issue = cli_flag(c, "issue");
    if (lang && !str_eq(lang, "en") && !str_eq(lang, "fr")) {
        fprintf(stderr, "lectern: --lang is en or fr\n");
        return 2;
    }
    if (issue && !as) {
        fprintf(stderr, "lectern: --issue needs --as EMAIL, the administrator who issues them\n");
        return 2;
    }
    if (type && !cert_action_type_ok(type)) {
        fprintf(stderr, "lectern: --type is training, skills_assessment, vae or apprenticeship\n");
        return 2;
    }
    App app;
    if (cli_app(c, &app) != 0) return 1;
    Db *db = db_pool_get(app.pool);
    Arena *a = arena_new();
    RunRef run;
    User u = {0};
    int rc = run_ref(db, a, 0, run_id, &run);
    if (rc == LN_OK && issue) {
        if (user_by_email(db, a, as, &u) != LN_OK || member_role(db, run.org_id, u.id) != ROLE_ADMIN) {
            fprintf(stderr, "lectern: %s is not an administrator of the run's organisation\n", as);
            rc = LN_EPERM;
        }
    }
    char buf[300];
    CertBatchInput in = {.org_id = run.org_id, .run_id = run_id, .issue = issue, .by = u.id,
                         .action_type = type ? type : "training", .lang = lang ? lang : "en",
                         .base_url = app_base_url(&app, buf, sizeof buf)};
    CertBatch b = {0};
    CliProgress pr = {.tty = isatty(2)};
    if (rc == LN_OK) rc = cert_run_zip(db, &in, c->argv[1], cli_progress, &pr, &b);
    cli_progress_end(&pr);
    if (rc == LN_OK)
        printf("%lld certificate%s of run %lld written to %s (%lld learner%s; issued now: %lld; without hours to certify: %lld)\n",
               (long long)b.in_zip, b.in_zip == 1 ? "" : "s", (long long)run_id, c->argv[1], (long long)b.learners,
               b.learners == 1 ? "" : "s", (long long)b.issued, (long long)b.no_hours);
    else if (rc == LN_NOTFOUND) fprintf(stderr, "lectern: no run %lld, or nobody is enrolled in it\n", (long long)run_id);
    else if (rc == LN_ELIMIT) fprintf(stderr, "lectern: more than %d learners in run %lld\n", CERT_BATCH_MAX, (long long)run_id);
    else if (rc != LN_EPERM) fprintf(stderr, "lectern: the certificates could not be written to %s (issued meanwhile: %lld)\n",
                                     c->argv[1], (long long)b.issued);
    arena_free(a);
    db_pool_put(app.pool, db);
    app_close(&app);
    return rc == LN_OK ? 0 : 1;
}
