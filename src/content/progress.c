/* progress.c — what a learner did: units opened and completed, the course
 * completed, heartbeats (watched video segments, active time).
 *
 * Completion rules by kind: text after `threshold` seconds of active time,
 * video when `threshold` percent of its length was actually played (the
 * union of the segments the player reported, so replaying one minute ten
 * times counts once), resource when downloaded, link when opened.  The
 * course is complete when every required unit is, and when the course asks
 * for a grade (docs/assessments.md, "Gradebook"), the learner's course
 * grade reaches its pass mark.
 */
#include "content/content.h"
#include "assess/gradebook.h"
#include "evidence/ledger.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

int64_t course_required_units(Db *db, int64_t course_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE course_id = $1 AND required = 1", "i", course_id);
    return n;
}

int progress_load(Db *db, int64_t run_id, int64_t user_id, Outline *o)
{
    o->done = 0;
    DbStmt *st = db_prepare(db, "SELECT unit_id, completed_at FROM unit_progress WHERE run_id = $1 AND user_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        Unit *u = outline_find(o, db_col_i64(st, 0), NULL);
        if (!u) continue;
        u->opened = true;
        u->done_at = db_col_i64(st, 1);
        if (u->done_at && u->required) o->done++;
    }
    db_done(st);
    return LN_OK;
}

int progress_open(Db *db, const RunRef *run, const Unit *u, int64_t user_id, UsTime now)
{
    int rc = db_run(db, "INSERT INTO unit_progress (run_id, unit_id, user_id, org_id, first_at)"
                        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, user_id, unit_id) DO NOTHING",
                    "iiiii", run->id, u->id, user_id, run->org_id, now);
    if (rc != DB_DONE) return LN_EDB;
    rc = db_run(db, "UPDATE enrolment SET last_unit_id = $1 WHERE run_id = $2 AND user_id = $3"
                    " AND (last_unit_id IS NULL OR last_unit_id <> $1)", "iii", u->id, run->id, user_id);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* Completions are evidence: appended to the organisation's ledger in the
 * same transaction (unit 0: the course). */
static int progress_fact(Db *db, const RunRef *run, const char *kind, int64_t unit_id, int64_t user_id, UsTime now)
{
    char subject[96];
    if (unit_id) snprintf(subject, sizeof subject, "run:%lld unit:%lld user:%lld", (long long)run->id,
                          (long long)unit_id, (long long)user_id);
    else snprintf(subject, sizeof subject, "run:%lld user:%lld", (long long)run->id, (long long)user_id);
    json_t *p = unit_id ? json_pack("{s:I, s:I, s:I, s:I}", "course_id", (json_int_t)run->course_id, "run_id",
                                    (json_int_t)run->id, "unit_id", (json_int_t)unit_id, "user_id", (json_int_t)user_id)
                        : json_pack("{s:I, s:I, s:I}", "course_id", (json_int_t)run->course_id, "run_id",
                                    (json_int_t)run->id, "user_id", (json_int_t)user_id);
    int rc = ledger_append(db, run->org_id, kind, subject, p, now, NULL);
    json_decref(p);
    return rc;
}

int progress_complete(Db *db, const RunRef *run, const Unit *u, int64_t user_id, UsTime now, bool *course_done)
{
    if (db_begin(db) != DB_DONE) {
        *course_done = false;
        return LN_EDB;
    }
    int rc = progress_complete_tx(db, run, u, user_id, now, course_done);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        *course_done = false;
        return LN_EDB;
    }
    return LN_OK;
}

int progress_complete_tx(Db *db, const RunRef *run, const Unit *u, int64_t user_id, UsTime now, bool *course_done)
{
    *course_done = false;
    int64_t done_at = 0;
    int rc = db_query_i64(db, &done_at, "INSERT INTO unit_progress (run_id, unit_id, user_id, org_id, first_at,"
                          " completed_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (run_id, user_id, unit_id)"
                          " DO UPDATE SET completed_at = COALESCE(unit_progress.completed_at, $5) RETURNING completed_at",
                          "iiiii", run->id, u->id, user_id, run->org_id, now) == DB_ROW ? LN_OK : LN_EDB;
    if (rc == LN_OK && done_at == now)      /* this call completed it: a fact for the ledger */
        rc = progress_fact(db, run, "unit.completed", u->id, user_id, now);
    int64_t missing = -1;
    if (rc == LN_OK && db_query_i64(db, &missing,
            "SELECT count(*) FROM unit x WHERE x.course_id = $1 AND x.required = 1 AND NOT EXISTS"
            " (SELECT 1 FROM unit_progress p WHERE p.unit_id = x.id AND p.run_id = $2 AND p.user_id = $3"
            " AND p.completed_at IS NOT NULL)", "iii", run->course_id, run->id, user_id) != DB_ROW)
        rc = LN_EDB;
    /* The course may also require a grade (gradebook.c). */
    bool grade_met = true;
    if (rc == LN_OK && missing == 0 && gradebook_rule_met(db, run, user_id, &grade_met) != LN_OK) rc = LN_EDB;
    if (rc == LN_OK && missing == 0 && grade_met) {
        int r2 = db_change(db, "UPDATE enrolment SET completed_at = $1 WHERE run_id = $2 AND user_id = $3"
                               " AND completed_at IS NULL", "iii", now, run->id, user_id);
        if (r2 == LN_OK) {
            *course_done = true;
            rc = progress_fact(db, run, "course.completed", 0, user_id, now);
        } else if (r2 != LN_NOTFOUND) rc = LN_EDB;
    }
    if (rc != LN_OK) *course_done = false;
    return rc;
}

int64_t progress_resume_unit(Db *db, const RunRef *run, const Outline *o, int64_t user_id)
{
    int64_t last = 0;
    db_query_i64(db, &last, "SELECT COALESCE(last_unit_id, 0) FROM enrolment WHERE run_id = $1 AND user_id = $2",
                 "ii", run->id, user_id);
    if (last && outline_find((Outline *)o, last, NULL)) return last;
    for (int i = 0; i < o->n; i++)
        if (o->sections[i].n) return o->sections[i].units[0].id;
    return 0;
}

/* ---- segments: "a-b,c-d" ------------------------------------------------- */

typedef struct Seg { int64_t a, b; } Seg;

static int seg_cmp(const void *x, const void *y)
{
    const Seg *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a ? 1 : 0;
}

/* Sort and merge overlapping or touching segments in place; new count. */
static int seg_merge(Seg *s, int n)
{
    if (n == 0) return 0;
    qsort(s, (size_t)n, sizeof *s, seg_cmp);
    int k = 0;
    for (int i = 1; i < n; i++) {
        if (s[i].a <= s[k].b) {
            if (s[i].b > s[k].b) s[k].b = s[i].b;
        } else s[++k] = s[i];
    }
    return k + 1;
}

/* Seconds with up to 3 decimals ("12", "12.5") into milliseconds. */
static bool parse_seconds(const char **pp, int64_t *ms)
{
    const char *p = *pp;
    int64_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++digits > 6) return false;             /* more than 11 days */
        v = v * 10 + (*p++ - '0');
    }
    if (!digits) return false;
    v *= 1000;
    if (*p == '.') {
        p++;
        int64_t scale = 100;
        int frac = 0;
        while (*p >= '0' && *p <= '9') {
            if (++frac > 6) return false;
            if (scale) v += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
        if (!frac) return false;
    }
    *ms = v;
    *pp = p;
    return true;
}

bool segments_parse(Arena *a, const char *in, char **canonical)
{
    Seg s[BEAT_MAX_SEGMENTS];
    int n = 0;
    const char *p = in ? in : "";
    while (*p) {
        if (n == BEAT_MAX_SEGMENTS) return false;
        if (!parse_seconds(&p, &s[n].a) || *p++ != '-' || !parse_seconds(&p, &s[n].b)) return false;
        if (s[n].b < s[n].a) return false;
        if (s[n].b > s[n].a) n++;
        if (*p == ',') p++;
        else if (*p) return false;
    }
    n = seg_merge(s, n);
    Buf b;
    buf_init(&b, 4096);
    for (int i = 0; i < n; i++) buf_printf(&b, "%s%lld-%lld", i ? "," : "", (long long)s[i].a, (long long)s[i].b);
    *canonical = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return true;
}

char *segments_trim(Arena *a, const char *canonical, int64_t allowance_ms)
{
    Buf b;
    buf_init(&b, 4096);
    const char *p = canonical;
    while (p && *p && allowance_ms > 0) {
        char *end;
        long long x = strtoll(p, &end, 10);
        if (*end != '-') break;
        long long y = strtoll(end + 1, &end, 10);
        if (y - x > allowance_ms) y = x + allowance_ms;
        allowance_ms -= y - x;
        buf_printf(&b, "%s%lld-%lld", b.len ? "," : "", x, y);
        p = *end == ',' ? end + 1 : NULL;
    }
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* Canonical lists are "a-b,c-d" in integer milliseconds. */
int64_t segments_cover_ms(const char *const *lists, int n, int64_t clip_ms)
{
    int cap = 256, k = 0;
    Seg *s = xcalloc((size_t)cap, sizeof *s);
    for (int i = 0; i < n; i++) {
        const char *p = lists[i];
        while (p && *p) {
            char *end;
            long long a = strtoll(p, &end, 10);
            if (*end != '-') break;
            long long b = strtoll(end + 1, &end, 10);
            if (k == cap) {
                cap *= 2;
                s = xrealloc(s, (size_t)cap * sizeof *s);
            }
            s[k].a = a;
            s[k].b = clip_ms > 0 && b > clip_ms ? clip_ms : b;
            if (s[k].b > s[k].a) k++;
            p = *end == ',' ? end + 1 : NULL;
        }
    }
    k = seg_merge(s, k);
    int64_t total = 0;
    for (int i = 0; i < k; i++) total += s[i].b - s[i].a;
    free(s);
    return total;
}

/* ---- heartbeats ------------------------------------------------------------ */

int beat_target(Db *db, Arena *a, int64_t run_id, int64_t user_id, int64_t unit_id, UsTime now, BeatTarget *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db,
        "SELECT r.org_id, r.course_id, r.pacing, r.starts_at, u.kind, u.duration_s, u.threshold, u.required,"
        " s.release_days, p.completed_at, COALESCE(t.idle_minutes, $4), COALESCE(t.session_cap_minutes, $5),"
        " (SELECT max(h.at) FROM heartbeat h WHERE h.run_id = r.id AND h.user_id = e.user_id)"
        " FROM enrolment e JOIN course_run r ON r.id = e.run_id"
        " JOIN unit u ON u.id = $3 AND u.course_id = r.course_id JOIN section s ON s.id = u.section_id"
        " LEFT JOIN unit_progress p ON p.run_id = r.id AND p.user_id = e.user_id AND p.unit_id = u.id"
        " LEFT JOIN time_rules t ON t.org_id = r.org_id"
        " WHERE e.run_id = $1 AND e.user_id = $2 AND e.status = 'active'");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    db_bind_i64(st, 3, unit_id);
    db_bind_i64(st, 4, TIME_IDLE_DEFAULT);
    db_bind_i64(st, 5, TIME_CAP_DEFAULT);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->run.id = run_id;
        out->run.org_id = db_col_i64(st, 0);
        out->run.course_id = db_col_i64(st, 1);
        out->run.pacing = db_col_dup(st, 2, a);
        out->run.starts_at = db_col_i64(st, 3);
        out->unit.id = unit_id;
        out->unit.org_id = out->run.org_id;
        out->unit.course_id = out->run.course_id;
        out->unit.kind = db_col_dup(st, 4, a);
        out->unit.duration_s = db_col_i64(st, 5);
        out->unit.threshold = db_col_i64(st, 6);
        out->unit.required = db_col_i64(st, 7) != 0;
        out->section.release_days = db_col_is_null(st, 8) ? -1 : db_col_i64(st, 8);
        out->unit.done_at = db_col_i64(st, 9);
        out->rules.idle_minutes = db_col_i64(st, 10);
        out->rules.session_cap_minutes = db_col_i64(st, 11);
        out->last_beat = db_col_i64(st, 12);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    return section_released(&out->section, &out->run, now) ? LN_OK : LN_EPERM;
}

WriteJob *beat_job(const RunRef *run, const Unit *u, int64_t user_id, const Beat *b, UsTime now,
                   const char *ip, const char *ua)
{
    int64_t active = b->active_ms < 0 ? 0 : b->active_ms > BEAT_MAX_ACTIVE_MS ? BEAT_MAX_ACTIVE_MS : b->active_ms;
    char uabuf[256];
    snprintf(uabuf, sizeof uabuf, "%s", ua ? ua : "");
    if (b->position_ms >= 0)
        return writer_job_new("INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms, position_ms,"
                              " segments, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                              "iiiiiiitt" "t", run->id, u->id, user_id, run->org_id, now, active, b->position_ms,
                              b->segments ? b->segments : "", ip ? ip : "", uabuf);
    return writer_job_new("INSERT INTO heartbeat (run_id, unit_id, user_id, org_id, at, active_ms,"
                          " segments, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                          "iiiiiittt", run->id, u->id, user_id, run->org_id, now, active, "", ip ? ip : "", uabuf);
}

static int64_t active_ms(Db *db, const RunRef *run, const Unit *u, int64_t user_id)
{
    int64_t ms = 0;
    db_query_i64(db, &ms, "SELECT COALESCE(sum(active_ms), 0) FROM heartbeat WHERE run_id = $1 AND user_id = $2"
                          " AND unit_id = $3", "iii", run->id, user_id, u->id);
    return ms;
}

static int64_t watched_ms(Db *db, const RunRef *run, const Unit *u, int64_t user_id)
{
    DbStmt *st = db_prepare(db, "SELECT segments FROM heartbeat WHERE run_id = $1 AND user_id = $2 AND unit_id = $3"
                                " AND segments <> ''");
    if (!st) return 0;
    db_bind_i64(st, 1, run->id);
    db_bind_i64(st, 2, user_id);
    db_bind_i64(st, 3, u->id);
    Arena *a = arena_new();
    int n = 0, cap = 0;
    const char **lists = NULL;
    while (db_step(st) == DB_ROW) {
        lists = arena_grow(a, lists, n, &cap, sizeof *lists);
        lists[n++] = db_col_dup(st, 0, a);
    }
    db_done(st);
    int64_t ms = segments_cover_ms(lists, n, u->duration_s * 1000);
    arena_free(a);
    return ms;
}

bool beat_rule_met(Db *db, const RunRef *run, const Unit *u, int64_t user_id)
{
    if (str_eq(u->kind, "text")) return active_ms(db, run, u, user_id) >= u->threshold * 1000;
    if (str_eq(u->kind, "video")) {
        if (u->duration_s <= 0) return false;
        return watched_ms(db, run, u, user_id) * 100 >= u->threshold * u->duration_s * 1000;
    }
    return false;
}

int64_t beat_last_position(Db *db, const RunRef *run, const Unit *u, int64_t user_id)
{
    int64_t ms = 0;
    db_query_i64(db, &ms, "SELECT position_ms FROM heartbeat WHERE run_id = $1 AND user_id = $2 AND unit_id = $3"
                          " AND position_ms IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1", "iii", run->id, user_id,
                 u->id);
    return ms;
}
