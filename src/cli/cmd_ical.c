/* cmd_ical.c — `lectern sessions import-ical`: a run's live sessions from an
 * iCalendar file, as on the sessions page (docs/attendance.md). */
#include "cli/cli.h"
#include "account/account.h"
#include "attendance/ical_import.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>

static char *read_all(Arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *s = arena_alloc(a, ICAL_BYTES_MAX + 2);
    *len = fread(s, 1, ICAL_BYTES_MAX + 1, f);
    fclose(f);
    return s;
}

static int import(Cli *c, Db *db, Arena *a, const char *path)
{
    Org o;
    RunRef run;
    int64_t run_id = 0, creator = 0;
    const char *as = cli_opt(c, "as"), *offs = cli_opt(c, "utc-offset");
    if (org_by_slug(db, a, cli_opt(c, "org"), &o) != LN_OK || !str_to_i64(c->argv[0], &run_id)
        || run_ref(db, a, o.id, run_id, &run) != LN_OK) {
        fprintf(stderr, "lectern: no run %s in organisation %s\n", c->argv[0], cli_opt(c, "org"));
        return 1;
    }
    if (as) {
        User u;
        if (user_by_email(db, a, as, &u) != LN_OK) {
            fprintf(stderr, "lectern: no account %s\n", as);
            return 1;
        }
        creator = u.id;
    }
    IcalOptions opt = {.zone = cli_opt(c, "zone")};
    if (offs && !att_parse_offset(offs, &opt.default_offset_min)) {
        fprintf(stderr, "lectern: --utc-offset must look like +01:00\n");
        return 2;
    }
    size_t len = 0;
    char *text = read_all(a, path, &len);
    if (!text) {
        fprintf(stderr, "lectern: cannot read %s\n", path);
        return 1;
    }
    IcalReport rep;
    bool apply = cli_flag(c, "apply");
    int rc = attendance_import_ical(db, a, &run, creator, text, len, &opt, apply, time_now_us(), &rep);
    for (int i = 0; i < rep.cal.n_errors; i++)
        fprintf(stderr, "%s:%d: %s%s%s\n", path, rep.cal.errors[i].line, rep.cal.errors[i].message,
                rep.cal.errors[i].detail ? " " : "", rep.cal.errors[i].detail ? rep.cal.errors[i].detail : "");
    if (rc == LN_ELIMIT) fprintf(stderr, "lectern: at most 2,000 sessions and 4 MB at once\n");
    if (rc != LN_OK) {
        if (rc != LN_EINVAL && rc != LN_ELIMIT) fprintf(stderr, "lectern: the import failed; nothing was changed\n");
        return 1;
    }
    for (int i = 0; i < rep.n; i++) {
        IcalSession *s = &rep.sessions[i];
        char start[32], end[8];
        att_local_iso(s->in.starts_at, s->in.utc_offset_min, start, sizeof start);
        att_clock(s->in.ends_at, s->in.utc_offset_min, end, sizeof end);
        printf("%-9s %s-%s  %s  (%s %s)\n", s->status == ICAL_NEW ? "new" : s->status == ICAL_SAME ? "unchanged" : "changed",
               start, end, s->in.title, s->in.mode, s->in.place);
    }
    printf("%d new, %d unchanged, %d changed (not updated)%s\n", rep.added, rep.same, rep.changed,
           apply ? (rep.added ? ": created" : "") : ": preview only, add --apply to create");
    return 0;
}

int cmd_sessions_import_ical(Cli *c)
{
    if (c->argc != 2 || !cli_opt(c, "org")) {
        fprintf(stderr, "lectern: sessions import-ical needs RUN FILE.ics and --org SLUG (see --help)\n");
        return 2;
    }
    Db *db = cli_db(c);
    if (!db) return 1;
    Arena *a = arena_new();
    int rc = import(c, db, a, c->argv[1]);
    arena_free(a);
    db_close(db);
    return rc;
}
