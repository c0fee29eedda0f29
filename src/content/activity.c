/* activity.c — time-on-task: heartbeats become connection sessions.
 *
 * The rules (docs/time-on-task.md), per organisation:
 *   - the player counts a learner active while the tab is visible and, for
 *     a video, it plays; for other units, while there was input in the last
 *     `idle_minutes`;
 *   - a heartbeat's active time is capped when it arrives: never more than
 *     the time since the learner's previous heartbeat in the run (plus a
 *     little slack), never more than BEAT_MAX_ACTIVE_MS, and at most
 *     FIRST_BEAT_MAX_MS for the first beat of a session;
 *   - heartbeats more than `idle_minutes` apart belong to different
 *     connection sessions;
 *   - a session's active time beyond `session_cap_minutes` is not counted
 *     (the session is flagged: a tab left playing in a loop, a script).
 */
#include "content/content.h"

#include <string.h>

#define FIRST_BEAT_MAX_MS 30000
#define BEAT_SLACK_MS 5000

const char *time_rules_check(const TimeRules *t, const char **msg)
{
    if (t->idle_minutes < 1 || t->idle_minutes > 240) {
        *msg = "The idle time must be between 1 and 240 minutes.";
        return "idle_minutes";
    }
    if (t->session_cap_minutes < 10 || t->session_cap_minutes > 1440) {
        *msg = "The session cap must be between 10 and 1440 minutes.";
        return "session_cap_minutes";
    }
    return NULL;
}

int time_rules_get(Db *db, int64_t org_id, TimeRules *out)
{
    out->idle_minutes = TIME_IDLE_DEFAULT;
    out->session_cap_minutes = TIME_CAP_DEFAULT;
    DbStmt *st = db_prepare(db, "SELECT idle_minutes, session_cap_minutes FROM time_rules WHERE org_id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    if (db_step(st) == DB_ROW) {
        out->idle_minutes = db_col_i64(st, 0);
        out->session_cap_minutes = db_col_i64(st, 1);
    }
    db_done(st);
    return LN_OK;
}

int time_rules_set(Db *db, int64_t org_id, const TimeRules *t, UsTime now)
{
    const char *msg;
    if (time_rules_check(t, &msg)) return LN_EINVAL;
    return db_run(db, "INSERT INTO time_rules (org_id, idle_minutes, session_cap_minutes, updated_at)"
                      " VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO UPDATE SET idle_minutes = excluded.idle_minutes,"
                      " session_cap_minutes = excluded.session_cap_minutes, updated_at = excluded.updated_at",
                  "iiii", org_id, t->idle_minutes, t->session_cap_minutes, now) == DB_DONE ? LN_OK : LN_EDB;
}

int64_t beat_cap_active(const TimeRules *t, UsTime last_beat, UsTime now, int64_t active_ms)
{
    int64_t gap_ms = last_beat ? (now - last_beat) / 1000 : INT64_MAX;
    int64_t cap = gap_ms <= t->idle_minutes * 60000 ? gap_ms + BEAT_SLACK_MS : FIRST_BEAT_MAX_MS;
    if (cap > BEAT_MAX_ACTIVE_MS) cap = BEAT_MAX_ACTIVE_MS;
    if (active_ms > cap) active_ms = cap;
    return active_ms < 0 ? 0 : active_ms;
}

static UnitTime *unit_slot(Activity *a, Arena *ar, int64_t unit_id, int *cap)
{
    for (int i = 0; i < a->nunits; i++)
        if (a->units[i].unit_id == unit_id) return &a->units[i];
    a->units = arena_grow(ar, a->units, a->nunits, cap, sizeof *a->units);
    UnitTime *u = &a->units[a->nunits++];
    u->unit_id = unit_id;
    return u;
}

static ConnSession *session_new(Activity *a, Arena *ar, int *cap)
{
    a->sessions = arena_grow(ar, a->sessions, a->nsessions, cap, sizeof *a->sessions);
    ConnSession *s = &a->sessions[a->nsessions++];
    memset(s, 0, sizeof *s);
    return s;
}

int activity_load(Db *db, Arena *ar, const TimeRules *t, int64_t run_id, int64_t user_id, Activity *out)
{
    memset(out, 0, sizeof *out);
    int scap = 0, ucap = 0;
    DbStmt *st = db_prepare(db, "SELECT at, active_ms, unit_id, ip, user_agent FROM heartbeat"
                                " WHERE run_id = $1 AND user_id = $2 ORDER BY at, id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    int64_t idle_us = t->idle_minutes * 60 * US_PER_SEC, cap_ms = t->session_cap_minutes * 60000;
    ConnSession *s = NULL;
    while (db_step(st) == DB_ROW) {
        UsTime at = db_col_i64(st, 0);
        int64_t ms = db_col_i64(st, 1);
        if (!s || at - s->end > idle_us) {
            s = session_new(out, ar, &scap);
            s->start = at - ms * 1000;
            s->ip = db_col_dup(st, 3, ar);
            s->user_agent = db_col_dup(st, 4, ar);
        }
        s->end = at;
        s->beats++;
        if (s->active_ms + ms > cap_ms) {       /* beyond the cap: not counted */
            ms = cap_ms - s->active_ms;
            s->capped = true;
        }
        s->active_ms += ms;
        out->active_ms += ms;
        UnitTime *u = unit_slot(out, ar, db_col_i64(st, 2), &ucap);
        u->active_ms += ms;
        u->last_at = at;
        out->last_at = at;
    }
    db_done(st);
    return LN_OK;
}

int64_t activity_unit_ms(const Activity *a, int64_t unit_id, UsTime *last_at)
{
    for (int i = 0; i < a->nunits; i++)
        if (a->units[i].unit_id == unit_id) {
            if (last_at) *last_at = a->units[i].last_at;
            return a->units[i].active_ms;
        }
    if (last_at) *last_at = 0;
    return 0;
}

int run_learners(Db *db, Arena *a, int64_t run_id, int offset, int limit, LearnerList *out)
{
    out->n = 0;
    out->items = arena_alloc(a, sizeof *out->items * (size_t)(limit > 0 ? limit : 1));
    db_query_i64(db, &out->total, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'", "i", run_id);
    DbStmt *st = db_prepare(db,
        "SELECT u.id, u.name, u.email, e.enrolled_at, e.completed_at,"
        " (SELECT count(*) FROM unit_progress p JOIN unit x ON x.id = p.unit_id WHERE p.run_id = e.run_id"
        "  AND p.user_id = e.user_id AND p.completed_at IS NOT NULL AND x.required = 1)"
        " FROM enrolment e JOIN app_user u ON u.id = e.user_id WHERE e.run_id = $1 AND e.status = 'active'"
        " ORDER BY u.name, u.id LIMIT $2 OFFSET $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, limit);
    db_bind_i64(st, 3, offset);
    while (out->n < limit && db_step(st) == DB_ROW) {
        Learner *l = &out->items[out->n++];
        l->user_id = db_col_i64(st, 0);
        l->name = db_col_dup(st, 1, a);
        l->email = db_col_dup(st, 2, a);
        l->enrolled_at = db_col_i64(st, 3);
        l->completed_at = db_col_i64(st, 4);
        l->units_done = db_col_i64(st, 5);
    }
    db_done(st);
    return LN_OK;
}
