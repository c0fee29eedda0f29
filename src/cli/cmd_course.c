/* cmd_course.c — `lectern course export` and `lectern course import`: a
 * course as files (docs/course-format.md). */
#include "cli/cli.h"
#include "content/course_io.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void cli_progress(void *ctx, const char *verb, int done, int total)
{
    CliProgress *p = ctx;
    UsTime now = time_mono_us();
    if (!p->tty || ((total <= 0 || done < total) && now - p->last < 100000)) return;
    p->last = now;
    p->shown = true;
    /* \033[K clears what a longer previous line left */
    if (total > 0) fprintf(stderr, "\r%s %d/%d files…\033[K", verb, done, total);
    else fprintf(stderr, "\r%s %d files…\033[K", verb, done);
    fflush(stderr);
}

void cli_progress_end(CliProgress *p)
{
    if (p->shown) fputc('\n', stderr);
}

int cmd_course_export(Cli *c)
{
    int64_t id;
    if (c->argc < 2 || !str_to_i64(c->argv[0], &id) || id <= 0) {
        fprintf(stderr, "lectern: course export needs a course id and a destination (see --help)\n");
        return 2;
    }
    Db *db = cli_db(c);
    if (!db) return 1;
    App app = {.cfg = c->cfg};
    CliProgress pr = {.tty = isatty(2)};
    char *err = NULL;
    int rc = course_export_progress(&app, db, id, c->argv[1], cli_progress, &pr, &err);
    cli_progress_end(&pr);
    if (rc == LN_OK) printf("course %lld exported to %s\n", (long long)id, c->argv[1]);
    else fprintf(stderr, "lectern: %s\n", err ? err : "the export failed");
    free(err);
    db_close(db);
    return rc == LN_OK ? 0 : 1;
}

int cmd_course_import(Cli *c)
{
    const char *slug = cli_opt(c, "org");
    if (c->argc < 1 || !slug) {
        fprintf(stderr, "lectern: course import needs a folder or .tar.gz and --org SLUG (see --help)\n");
        return 2;
    }
    Db *db = cli_db(c);
    if (!db) return 1;
    Arena *a = arena_new();
    App app = {.cfg = c->cfg};
    CliProgress pr = {.tty = isatty(2)};
    Org o;
    char *err = NULL;
    int64_t id = 0;
    int rc = org_by_slug(db, a, slug, &o);
    if (rc != LN_OK) fprintf(stderr, "lectern: no organisation %s\n", slug);
    else {
        rc = course_import_progress(&app, db, o.id, c->argv[0], cli_opt(c, "code"), &id, cli_progress, &pr, &err);
        cli_progress_end(&pr);
        if (rc == LN_OK) printf("course %lld imported: /courses/%lld\n", (long long)id, (long long)id);
        else fprintf(stderr, "lectern: %s\n", err ? err : "the import failed");
    }
    free(err);
    arena_free(a);
    db_close(db);
    return rc == LN_OK ? 0 : 1;
}
