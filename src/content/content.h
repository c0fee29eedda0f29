/* content.h — what a course is made of (sections, units, stored files) and
 * what learners did with it (progress, heartbeats, completion).  Rules and
 * SQL only; pages in content_page.c, JSON in content_api.c.
 *
 * Content belongs to the course; progress to (run, learner).  A unit kind is
 * a row of the kind table in content.c: later kinds (quiz, discussion, live
 * session, external MOOC) are added there and in the player's renderers.
 */
#ifndef LECTERN_CONTENT_H
#define LECTERN_CONTENT_H

#include "catalog/catalog.h"
#include "http/app.h"

#define UNIT_BODY_MAX 200000
#define CONTENT_TITLE_MAX 200

typedef struct UnitKind {
    const char *name;               /* "text" */
    const char *label;              /* English msgid */
    const char *threshold_label;    /* what `threshold` means, or NULL */
    int64_t threshold_default, threshold_max;
    bool media, url;                /* needs an uploaded file / an address */
} UnitKind;

/* The kind called `name`, or NULL. */
const UnitKind *unit_kind(const char *name);
extern const UnitKind unit_kinds[];
extern const int unit_kind_count;

typedef struct Media {
    int64_t id, org_id, size;
    char *sha256, *mime, *filename;
} Media;

typedef struct Track {
    int64_t id, unit_id, media_id;
    char *kind, *lang;              /* "captions" | "transcript", "en" */
} Track;

typedef struct Unit {
    int64_t id, section_id, course_id, org_id, position;
    char *kind, *title, *body, *url;
    int64_t media_id, minutes, duration_s, threshold;
    bool required;
    Media media;                    /* when media_id */
    /* filled by progress_load */
    UsTime done_at;
    bool opened;
} Unit;

typedef struct Section {
    int64_t id, course_id, position;
    int64_t release_days;           /* -1: not set */
    char *title;
    Unit *units;
    int n;
} Section;

typedef struct Outline {
    Section *sections;
    int n, units, required, done;   /* done/required: after progress_load */
} Outline;

/* ---- outline ---- */
int outline_load(Db *db, Arena *a, int64_t course_id, Outline *out);
/* The unit with id `unit_id` in the outline, or NULL; *sec its section. */
Unit *outline_find(Outline *o, int64_t unit_id, Section **sec);
/* The units before and after `u` in reading order (NULL at the ends). */
void outline_neighbours(Outline *o, const Unit *u, Unit **prev, Unit **next);
/* Is section `s` open to learners of this run at `now`? */
bool section_released(const Section *s, const RunRef *run, UsTime now);

typedef struct SectionInput {
    const char *title;
    int64_t release_days;           /* -1: none; -2: unchanged */
} SectionInput;
const char *section_check(const SectionInput *in, const char **msg);
int section_create(Db *db, const Course *c, const SectionInput *in, UsTime now, int64_t *id);
int section_update(Db *db, const Course *c, int64_t id, const SectionInput *in, UsTime now);
/* Only an empty section can be deleted: LN_EINVAL otherwise. */
int section_delete(Db *db, const Course *c, int64_t id);

typedef struct UnitInput {
    const char *kind, *title, *body, *url;   /* NULL: unchanged */
    int64_t section_id;             /* 0: unchanged (update) */
    int64_t minutes, duration_s, threshold; /* < 0: unchanged / default */
    int required;                   /* -1: unchanged */
    int64_t media_id;               /* 0: unchanged; -1: remove */
} UnitInput;
/* NULL when fine, else the field in error and *msg (an English msgid). */
const char *unit_check(const UnitInput *in, bool creating, const char **msg);
int unit_create(Db *db, const Course *c, const UnitInput *in, UsTime now, int64_t *id);
/* unit_check for a change to unit `id`, against its current kind when the
 * change does not name one. */
const char *unit_check_update(Db *db, const Course *c, int64_t id, const UnitInput *in, const char **msg);
int unit_update(Db *db, const Course *c, int64_t id, const UnitInput *in, UsTime now);
/* Refused (LN_EINVAL) once a learner has opened the unit: the record of
 * what they did must keep pointing at it. */
int unit_delete(Db *db, const Course *c, int64_t id);
/* Move a section or a unit one place up (-1) or down (+1). */
int section_move(Db *db, const Course *c, int64_t id, int dir);
int unit_move(Db *db, const Course *c, int64_t id, int dir);
/* Put the whole outline in this order: `units[i]` lists the unit ids of
 * section `sections[i]`, every unit of the course exactly once.  One
 * transaction; LN_EINVAL when the lists do not match the course. */
int outline_reorder(Db *db, const Course *c, const int64_t *sections, int nsections,
                    const int64_t *const *units, const int *nunits, UsTime now);

int unit_tracks(Db *db, Arena *a, int64_t unit_id, Track **out, int *n);
int unit_track_set(Db *db, const Unit *u, const char *kind, const char *lang, int64_t media_id);
int unit_track_delete(Db *db, const Unit *u, int64_t track_id);

/* ---- stored files (media.c) ---- */
/* Store the file at `tmp_path` (moved, or removed when the same bytes are
 * already stored) for organisation `org_id`: content hash, type sniffed by
 * libmagic.  *out describes the stored file. */
int media_store(App *app, Db *db, Arena *a, int64_t org_id, const char *tmp_path,
                const char *filename, int64_t user_id, Media *out);
/* The same for bytes in memory (imports, demo, tests). */
int media_store_bytes(App *app, Db *db, Arena *a, int64_t org_id, const void *data, size_t len,
                      const char *filename, int64_t user_id, Media *out);
/* The same for an uploaded part: streamed to a file, or in memory. */
int media_store_part(App *app, Db *db, Arena *a, int64_t org_id, const Part *p, int64_t user_id, Media *out);
int media_load(Db *db, Arena *a, int64_t org_id, int64_t id, Media *out);
/* DATA/media/ab/abcdef... */
char *media_path(App *app, Arena *a, const char *sha256);
/* The type libmagic reads from a file (`path`) or from bytes in memory
 * (path NULL); "application/octet-stream" when it cannot tell. */
char *media_sniff(Arena *a, const char *path, const void *data, size_t len);
/* A file name fit for a download: the last path component, at most 200
 * bytes, no control characters, valid UTF-8 ("file" otherwise). */
char *media_clean_filename(Arena *a, const char *name);
/* The type a browser may be told: videos, WebVTT, known documents; the
 * rest is served as application/octet-stream. */
bool media_is_video(const Media *m);
bool media_is_vtt(App *app, const Media *m);
/* A video's length in seconds by ffprobe; 0 when unknown. */
int64_t media_probe_duration_s(App *app, const Media *m);

/* ---- progress ---- */
/* Fill done_at/opened of every unit and the outline's done/required counts
 * for `user` in `run_id`. */
/* How many units of the course are required for completion. */
int64_t course_required_units(Db *db, int64_t course_id);
int progress_load(Db *db, int64_t run_id, int64_t user_id, Outline *o);
/* First visit of a unit: a progress row, the enrolment's resume point. */
int progress_open(Db *db, const RunRef *run, const Unit *u, int64_t user_id, UsTime now);
/* Mark the unit complete (idempotent), then the course when every required
 * unit is; *course_done set when this completed the course. */
int progress_complete(Db *db, const RunRef *run, const Unit *u, int64_t user_id, UsTime now,
                      bool *course_done);
/* The same inside the caller's transaction (a quiz submission completes its
 * unit in the transaction that records it: one commit). */
int progress_complete_tx(Db *db, const RunRef *run, const Unit *u, int64_t user_id, UsTime now,
                         bool *course_done);
/* The unit to resume: the last one opened, else the first. 0 when empty. */
int64_t progress_resume_unit(Db *db, const RunRef *run, const Outline *o, int64_t user_id);

/* One heartbeat from the player. */
typedef struct Beat {
    int64_t active_ms, position_ms; /* position -1: none */
    int64_t duration_s;             /* the video's length as the player saw it */
    const char *segments;           /* canonical "a-b,c-d" in milliseconds */
} Beat;
#define BEAT_MAX_ACTIVE_MS 120000
#define BEAT_MAX_SEGMENTS 64
/* Parse and normalise a segment list "12.5-17,30-31.25" (seconds) into
 * canonical milliseconds; false when malformed or too long. */
bool segments_parse(Arena *a, const char *in, char **canonical);
/* The first `allowance_ms` milliseconds of a canonical list: a heartbeat
 * cannot report more video played than its active time allows. */
char *segments_trim(Arena *a, const char *canonical, int64_t allowance_ms);
/* Total milliseconds covered by the union of all `lists` (canonical). */
int64_t segments_cover_ms(const char *const *lists, int n, int64_t clip_ms);
/* A writer job appending the heartbeat. */
WriteJob *beat_job(const RunRef *run, const Unit *u, int64_t user_id, const Beat *b, UsTime now,
                   const char *ip, const char *ua);
/* After a beat committed: is the unit's completion rule met now? */
bool beat_rule_met(Db *db, const RunRef *run, const Unit *u, int64_t user_id);
/* Last known video position (ms) of the learner in this unit, or 0. */
int64_t beat_last_position(Db *db, const RunRef *run, const Unit *u, int64_t user_id);

/* ---- time-on-task (activity.c) ---- */
#define TIME_IDLE_DEFAULT 30
#define TIME_CAP_DEFAULT 480
typedef struct TimeRules {
    int64_t idle_minutes;           /* no input this long: idle; a gap this long: new session */
    int64_t session_cap_minutes;    /* active time counted per session at most */
} TimeRules;
const char *time_rules_check(const TimeRules *t, const char **msg);
int time_rules_get(Db *db, int64_t org_id, TimeRules *out);
int time_rules_set(Db *db, int64_t org_id, const TimeRules *t, UsTime now);
/* The active time a new heartbeat may claim: capped by the time since the
 * learner's previous heartbeat in the run, `last_beat` (0: none); see
 * activity.c. */
int64_t beat_cap_active(const TimeRules *t, UsTime last_beat, UsTime now, int64_t active_ms);

/* Everything a heartbeat needs, in one query: the run, the unit (with the
 * learner's done_at), its section's release, the organisation's rules and
 * the learner's previous heartbeat.  LN_NOTFOUND when the learner is not
 * enrolled in the run or the unit is not the course's; LN_EPERM when its
 * section is not released yet. */
typedef struct BeatTarget {
    RunRef run;
    Unit unit;
    Section section;
    TimeRules rules;
    UsTime last_beat;
} BeatTarget;
int beat_target(Db *db, Arena *a, int64_t run_id, int64_t user_id, int64_t unit_id, UsTime now, BeatTarget *out);

typedef struct ConnSession {
    UsTime start, end;
    int64_t active_ms, beats;
    bool capped;                    /* active time reached the session cap */
    char *ip, *user_agent;          /* of the session's first heartbeat */
} ConnSession;
typedef struct UnitTime { int64_t unit_id, active_ms; UsTime last_at; } UnitTime;
typedef struct Activity {
    ConnSession *sessions;
    int nsessions;
    UnitTime *units;
    int nunits;
    int64_t active_ms;              /* the sum of the sessions' counted time */
    UsTime last_at;
} Activity;
/* A learner's connection sessions and time per unit in a run. */
int activity_load(Db *db, Arena *a, const TimeRules *t, int64_t run_id, int64_t user_id, Activity *out);
int64_t activity_unit_ms(const Activity *a, int64_t unit_id, UsTime *last_at);

typedef struct Learner {
    int64_t user_id, units_done;
    char *name, *email;
    UsTime enrolled_at, completed_at;
} Learner;
typedef struct LearnerList { Learner *items; int n; int64_t total; } LearnerList;
/* The active learners of a run by name, one page. */
int run_learners(Db *db, Arena *a, int64_t run_id, int offset, int limit, LearnerList *out);

#endif
