/* demo_content.c — the demo course's outline: a text, an external link, a
 * short real video (made by ffmpeg when the demo is created) with English
 * and French captions and a transcript, a downloadable checklist, a
 * learner part-way through it, and an external MOOC with her records. */
#include "cli/cli.h"
#include "content/content.h"
#include "xapi/external.h"
#include "xapi/lrs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIDEO_SECONDS 24

static const char welcome_md[] =
    "Welcome! This short course covers what every new colleague needs on the first day.\n\n"
    "# What you will learn\n\n"
    "- how to **spot** the main hazards of an office and a warehouse;\n"
    "- what to do when the **alarm** sounds;\n"
    "- how to **report** an incident, even a small one.\n\n"
    "Each unit takes a few minutes. Your progress is saved as you go: come back any time and "
    "you will start where you left off.\n\n"
    "> Safety is everyone's job — ask your trainer whenever something is unclear.\n";

static const char procedure_md[] =
    "# When the alarm sounds\n\n"
    "1. Stop work and leave your things.\n"
    "2. Follow the green signs to the nearest exit; never use the lifts.\n"
    "3. Go to the assembly point and report to the floor warden.\n\n"
    "| Situation | Call |\n|---|---|\n| Fire, injury | 112 |\n| Minor incident | the safety desk, ext. 4242 |\n\n"
    "Report every incident in the register the same day: near misses teach the most.\n";

static const char captions_en[] =
    "WEBVTT\n\n"
    "00:00.000 --> 00:06.000\nWelcome to the warehouse tour.\n\n"
    "00:06.000 --> 00:12.000\nKeep the aisles clear: boxes on the floor cause most falls.\n\n"
    "00:12.000 --> 00:18.000\nWear safety shoes beyond the yellow line.\n\n"
    "00:18.000 --> 00:24.000\nIf you see a hazard, report it at once.\n";

static const char captions_fr[] =
    "WEBVTT\n\n"
    "00:00.000 --> 00:06.000\nBienvenue dans la visite de l'entrepôt.\n\n"
    "00:06.000 --> 00:12.000\nGardez les allées dégagées : les cartons au sol causent la plupart des chutes.\n\n"
    "00:12.000 --> 00:18.000\nPortez des chaussures de sécurité au-delà de la ligne jaune.\n\n"
    "00:18.000 --> 00:24.000\nSi vous voyez un danger, signalez-le tout de suite.\n";

static const char transcript_en[] =
    "Warehouse tour — transcript\n\n"
    "Welcome to the warehouse tour. Keep the aisles clear: boxes on the floor cause most falls. "
    "Wear safety shoes beyond the yellow line. If you see a hazard, report it at once.\n";

static const char checklist[] =
    "First-day safety checklist\n"
    "==========================\n\n"
    "[ ] I know where the two nearest emergency exits are\n"
    "[ ] I know where the assembly point is\n"
    "[ ] I have my safety shoes (warehouse staff)\n"
    "[ ] I know how to report an incident (register, ext. 4242)\n"
    "[ ] I have met my floor warden\n";

/* A short test-card video with a tone, H.264 + AAC in MP4 (plays in every
 * browser), written to `path`.  false when ffmpeg is missing or fails. */
static bool make_video(const char *path)
{
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", VIDEO_SECONDS);
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execlp("ffmpeg", "ffmpeg", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
               "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", secs, "-c:v", "libx264",
               "-preset", "veryfast", "-crf", "32", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart",
               path, (char *)NULL);
        _exit(127);
    }
    int status;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int add_unit(Db *db, const Course *c, int64_t section, const char *kind, const char *title, const char *body,
                    const char *url, int64_t media, int64_t minutes, int64_t duration_s, UsTime now, int64_t *id)
{
    UnitInput in = {.kind = kind, .title = title, .body = body, .url = url, .section_id = section,
                    .minutes = minutes, .duration_s = duration_s, .threshold = -1, .required = 1,
                    .media_id = media};
    return unit_create(db, c, &in, now, id);
}

static int add_track(App *app, Db *db, Arena *a, const Course *c, int64_t unit, const char *kind, const char *lang,
                     const char *text, const char *name)
{
    Media m;
    int rc = media_store_bytes(app, db, a, c->org_id, text, strlen(text), name, 0, &m);
    Unit u = {.id = unit, .org_id = c->org_id};
    return rc == LN_OK ? unit_track_set(db, &u, kind, lang, m.id) : rc;
}

/* Élodie has read the welcome (15 minutes, two days ago), opened the link
 * (6 minutes, yesterday) and watched the first third of the video: the
 * dashboard shows her part-way, and her 21 minutes of active time can be
 * certified. */
static int learner_progress(Db *db, const Course *c, int64_t run_id, int64_t user_id, const int64_t *units,
                            UsTime now)
{
    Arena *a = arena_new();
    RunRef run;
    int rc = run_ref(db, a, c->org_id, run_id, &run);
    if (rc == LN_OK) {      /* the enrolment and its ledger entry together */
        rc = db_begin(db) == DB_DONE ? enrol_insert(db, &run, user_id, now - 3 * 86400 * US_PER_SEC) : LN_EDB;
        rc = db_end(db, rc);
    }
    for (int i = 0; rc == LN_OK && i < 2; i++) {
        Unit u = {.id = units[i], .org_id = c->org_id, .course_id = c->id};
        bool course_done;
        UsTime done = now - (2 - i) * 86400 * US_PER_SEC;
        for (int k = i ? 6 : 15; rc == LN_OK && k > 0; k--)     /* reading: a beat a minute */
            rc = db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms)"
                            " VALUES ($1, $2, $3, $4, $5, 60000)", "iiiii", run_id, units[i], user_id, c->org_id,
                        done - k * 60 * US_PER_SEC) == DB_DONE ? LN_OK : LN_EDB;
        if (rc == LN_OK) rc = progress_complete(db, &run, &u, user_id, done, &course_done);
    }
    Unit video = {.id = units[2], .org_id = c->org_id, .course_id = c->id};
    if (rc == LN_OK) rc = progress_open(db, &run, &video, user_id, now - 86400 * US_PER_SEC);
    for (int i = 0; rc == LN_OK && i < 2; i++) {
        char seg[32];
        snprintf(seg, sizeof seg, "%d-%d", i * 4000, (i + 1) * 4000);
        rc = db_run(db, "INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms, position_ms, segments)"
                        " VALUES ($1, $2, $3, $4, $5, 4000, $6, $7)", "iiiiiit", run_id, units[2], user_id, c->org_id,
                    now - 86400 * US_PER_SEC + i * 4 * US_PER_SEC, (int64_t)(i + 1) * 4000, seg) == DB_DONE
           ? LN_OK : LN_EDB;
    }
    arena_free(a);
    return rc;
}

int demo_content(Cli *cli, Db *db, const Course *c, int64_t run_id, int64_t learner_id, UsTime now)
{
    App app = {.cfg = cli->cfg};
    Arena *a = arena_new();
    int64_t s1, s2, s3, units[6];
    SectionInput si = {.release_days = -1};
    si.title = "Welcome";
    int rc = section_create(db, c, &si, now, &s1);
    si.title = "Hazards at work";
    if (rc == LN_OK) rc = section_create(db, c, &si, now, &s2);
    si.title = "Emergencies";
    if (rc == LN_OK) rc = section_create(db, c, &si, now, &s3);
    if (rc == LN_OK) rc = add_unit(db, c, s1, "text", "Welcome to the course", welcome_md, NULL, 0, 3, 0, now, &units[0]);
    if (rc == LN_OK)
        rc = add_unit(db, c, s1, "link", "Further reading: occupational safety",
                      "An overview of occupational safety and health, for the curious.",
                      "https://en.wikipedia.org/wiki/Occupational_safety_and_health", 0, 5, 0, now, &units[1]);

    /* The video, made now; the course still works without ffmpeg. */
    char *video_tmp = arena_printf(a, "%s/tmp/demo-video.mp4", cli->cfg.data_dir);
    char *tmpdir = arena_printf(a, "%s/tmp", cli->cfg.data_dir);
    mkdir(cli->cfg.data_dir, 0750);
    mkdir(tmpdir, 0750);
    Media video = {0};
    if (rc == LN_OK && make_video(video_tmp))
        rc = media_store(&app, db, a, c->org_id, video_tmp, "warehouse-tour.mp4", 0, &video);
    else if (rc == LN_OK) fprintf(stderr, "lectern demo: ffmpeg not available, the demo video is left out\n");
    if (rc == LN_OK)
        rc = add_unit(db, c, s2, "video", "Warehouse tour (video)",
                      "Watch the tour, then download the checklist in the next unit. Captions: English and French.",
                      NULL, video.id, 2, video.id ? media_probe_duration_s(&app, &video) : 0, now, &units[2]);
    if (rc == LN_OK && video.id) rc = add_track(&app, db, a, c, units[2], "captions", "en", captions_en, "tour.en.vtt");
    if (rc == LN_OK && video.id) rc = add_track(&app, db, a, c, units[2], "captions", "fr", captions_fr, "tour.fr.vtt");
    if (rc == LN_OK && video.id)
        rc = add_track(&app, db, a, c, units[2], "transcript", "en", transcript_en, "tour-transcript.txt");
    Media list;
    if (rc == LN_OK) rc = media_store_bytes(&app, db, a, c->org_id, checklist, strlen(checklist),
                                            "first-day-checklist.txt", 0, &list);
    if (rc == LN_OK)
        rc = add_unit(db, c, s2, "resource", "First-day safety checklist",
                      "Print it, tick it during your first week, and keep it.", NULL, list.id, 5, 0, now, &units[3]);
    if (rc == LN_OK)
        rc = add_unit(db, c, s3, "text", "The emergency procedure", procedure_md, NULL, 0, 5, 0, now, &units[4]);
    if (rc == LN_OK && learner_id) rc = learner_progress(db, c, run_id, learner_id, units, now);
    arena_free(a);
    return rc;
}

/* An external MOOC in the demo course's run, with the statements its
 * platform sent about Élodie: 25 and 20 minutes, then completed.  A
 * trainer can validate her record (docs/external.md). */
int demo_external(Db *db, int64_t org_id, int64_t run_id, int64_t trainer_id, const char *learner_email, UsTime now)
{
    ExtInput in = {"Data protection basics", "MOOC Example", "https://mooc.example/courses/data-protection",
                   "https://mooc.example/courses/data-protection", "60"};
    int64_t id;
    const char *field, *why;
    int rc = ext_add(db, org_id, run_id, trainer_id, &in, now, &id, &field, &why);
    Arena *a = arena_new();
    static const char *const parts[][3] = {
        {"experienced", "/module-1", "PT25M"}, {"experienced", "/module-2", "PT20M"}, {"completed", "", "PT0S"},
    };
    json_t *sts[3];
    for (int i = 0; i < 3; i++) {
        UsTime at = now - (3 - i) * 3600 * US_PER_SEC;
        sts[i] = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:s, s:{s:s, s:b}}", "actor", "mbox",
                           arena_printf(a, "mailto:%s", learner_email), "verb", "id",
                           arena_printf(a, "http://adlnet.gov/expapi/verbs/%s", parts[i][0]), "object", "id",
                           arena_printf(a, "%s%s", in.iri, parts[i][1]), "timestamp", time_iso(a, at), "result",
                           "duration", parts[i][2], "completion", i == 2);
    }
    char ids[3][XAPI_UUID_LEN + 1];
    int bad;
    LrsSender s = {org_id, 0, "MOOC Example (demo)", "demo", "http://127.0.0.1:8080"};
    if (rc == LN_OK) rc = lrs_store(db, a, &s, sts, 3, now, ids, &bad, &why);
    for (int i = 0; i < 3; i++) json_decref(sts[i]);
    arena_free(a);
    return rc;
}
