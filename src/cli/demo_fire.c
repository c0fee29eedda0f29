/* demo_fire.c — the demo's second course, FIRE-201 "Fire safety on site",
 * for trying the graded and live parts right after `make run`.  Its text,
 * quiz (GIFT) and peer-assessed assignment are the course package in
 * share/demo/FIRE-201 (docs/course-format.md), compiled into the binary and
 * imported as `lectern course import` would; then come what a package does
 * not hold: an open session of the course, a live unit with an evacuation
 * drill on site in a week or so, the assignment's deadlines counted from today,
 * and the trainer's welcome in the session's forum.  Nobody is enrolled: a
 * demo learner joins from the catalog. */
#include "cli/cli.h"
#include "assess/peer.h"
#include "attendance/attendance.h"
#include "catalog/catalog.h"
#include "content/course_io.h"
#include "core/embed.h"
#include "forum/forum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#define PACKAGE "share/demo/FIRE-201/"
#define DAY (INT64_C(86400) * US_PER_SEC)
#define HOUR (INT64_C(3600) * US_PER_SEC)

static const char drill_md[] =
    "An evacuation drill **on site**, led by your trainer. Sign in when you arrive (your trainer's tablet, "
    "or the QR code shown in the room) and sign out when you leave: the signed sheet is the proof of your "
    "attendance.\n";

static const char welcome_md[] =
    "Welcome to this session of *Fire safety on site*!\n\n"
    "Start with **How a fire starts** and the quiz; the drill on site is next week (see the course page for "
    "the time and place). Tell us here which building you work in, and ask anything: I answer within a day.\n";

/* The package's embedded files, written under `dir` (made). */
static int write_package(Arena *a, const char *dir)
{
    size_t plen = strlen(PACKAGE);
    for (const EmbeddedFile *f = embedded_files; f->path; f++) {
        if (strncmp(f->path, PACKAGE, plen) != 0) continue;
        char *path = arena_printf(a, "%s/%s", dir, f->path + plen);
        for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {     /* its folders */
            *s = 0;
            mkdir(path, 0750);
            *s = '/';
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        int rc = fd < 0 ? LN_EIO : write_full(fd, f->data, f->len);
        if (fd >= 0 && close(fd) != 0) rc = LN_EIO;
        if (rc != LN_OK) return rc;
    }
    return LN_OK;
}

/* The outline's first unit of `kind`; NULL when none. */
static Unit *first_of_kind(Outline *o, const char *kind)
{
    for (int i = 0; i < o->n; i++)
        for (int j = 0; j < o->sections[i].n; j++)
            if (str_eq(o->sections[i].units[j].kind, kind)) return &o->sections[i].units[j];
    return NULL;
}

/* 09:00 (+01:00, Paris in winter) on the first Tuesday at least a week
 * away, as UTC. */
static UsTime drill_start(UsTime now)
{
    int64_t day = now / DAY + 7;
    while ((day + 4) % 7 != 2) day++;       /* 1970-01-01 was a Thursday (4); Tuesday is 2 */
    return day * DAY + 8 * HOUR;
}

static int run_parts(Db *db, Arena *a, int64_t org_id, int64_t course_id, int64_t trainer_id, UsTime now)
{
    Course c;
    int64_t run_id, live_id, session_id, thread_id;
    RunRef run;
    Outline o;
    int rc = course_load(db, a, course_id, &c);
    if (rc == LN_OK) rc = run_create(db, &c, "Spring cohort 2027", "mooc", now, now + 120 * DAY, 0, now, &run_id);
    if (rc == LN_OK) rc = run_ref(db, a, org_id, run_id, &run);
    if (rc == LN_OK) rc = outline_load(db, a, course_id, &o);
    Unit *assignment = rc == LN_OK ? first_of_kind(&o, "assignment") : NULL;
    if (rc == LN_OK && (!assignment || o.n < 2)) rc = LN_EINVAL;
    if (rc == LN_OK) {      /* after "What to bring to the drill", in "On the day" */
        UnitInput in = {.kind = "live", .title = "Evacuation drill (on site)", .body = drill_md,
                        .section_id = o.sections[1].id, .minutes = 120, .duration_s = -1, .threshold = -1,
                        .required = 1};
        rc = unit_create(db, &c, &in, now, &live_id);
    }
    UsTime starts = drill_start(now);
    if (rc == LN_OK) {
        SessionInput in = {.title = "Evacuation drill", .mode = "room",
                           .place = "Building A, main hall; then the assembly point in the car park",
                           .starts_at = starts, .ends_at = starts + 2 * HOUR, .grace_minutes = -1,
                           .utc_offset_min = 60, .unit_id = live_id};
        rc = attendance_session_create(db, &run, &in, trainer_id, now, &session_id);
    }
    PeerSettings ps;
    if (rc == LN_OK) rc = peer_settings_get(db, a, assignment->id, &ps);
    if (rc == LN_OK) {      /* a week after the drill to write, another to review */
        ps.submit_by = starts + 7 * DAY + 10 * HOUR;
        ps.review_by = ps.submit_by + 7 * DAY;
        rc = peer_settings_set(db, org_id, &ps, now);
    }
    if (rc == LN_OK) {
        ForumCtx f = {.run = run, .course = c, .staff = true};
        rc = forum_thread_create(db, &f, trainer_id, "discussion", 0, 0, "Welcome: introduce yourself", welcome_md,
                                 now, &thread_id);
    }
    return rc;
}

int demo_fire(Cli *cli, Db *db, int64_t org_id, int64_t trainer_id, UsTime now)
{
    App app = {.cfg = cli->cfg};
    Arena *a = arena_new();
    char *tmp = arena_printf(a, "%s/tmp", cli->cfg.data_dir);
    char *dir = arena_printf(a, "%s/demo-XXXXXX", tmp);
    mkdir(cli->cfg.data_dir, 0750);
    mkdir(tmp, 0750);
    int64_t course_id = 0;
    char *err = NULL;
    int rc = mkdtemp(dir) ? write_package(a, dir) : LN_EIO;
    if (rc == LN_OK) rc = course_import(&app, db, org_id, dir, NULL, &course_id, &err);
    if (err) fprintf(stderr, "lectern demo: %s\n", err);
    free(err);
    rm_tree(dir);
    if (rc == LN_OK) rc = run_parts(db, a, org_id, course_id, trainer_id, now);
    arena_free(a);
    return rc;
}
