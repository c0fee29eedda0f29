/* cmd_attendance.c — `lectern attendance sheets`: every attendance sheet of
 * a course run in one ZIP, or one after the other in a single PDF when the
 * file's name ends in .pdf (docs/attendance.md "All the sheets of a run"). */
#include "cli/cli.h"
#include "attendance/sheets.h"

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
