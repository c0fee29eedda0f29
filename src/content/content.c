/* content.c — sections, units and their order; the unit kinds. */
#include "content/content.h"

#include <stdlib.h>
#include <string.h>

/* The unit kinds.  `threshold` is the kind's completion rule: the minimum
 * time on a text, the share of a video actually watched.  Resources are
 * complete when downloaded, links when opened. */
const UnitKind unit_kinds[] = {
    {"text", "Text", "Seconds of reading before it counts as done", 30, 3600, false, false},
    {"video", "Video", "Share of the video to watch (%)", 80, 100, true, false},
    {"resource", "Resource", NULL, 0, 0, true, false},
    {"link", "External link", NULL, 0, 0, false, true},
    /* complete when the learner signs one of its sessions (src/attendance) */
    {"live", "Live session", NULL, 0, 0, false, false},
    /* complete when an attempt reaches the pass mark (src/assess/quiz.c) */
    {"quiz", "Quiz", NULL, 0, 0, false, false},
    /* complete when the learner submits (src/assess/peer.c) */
    {"assignment", "Peer-assessed assignment", NULL, 0, 0, false, false},
    /* complete when the learner posts once (a thread or a reply) in its discussion (src/forum) */
    {"discussion", "Discussion", NULL, 0, 0, false, false},
};
const int unit_kind_count = (int)LN_ARRAY_LEN(unit_kinds);

const UnitKind *unit_kind(const char *name)
{
    for (int i = 0; name && i < unit_kind_count; i++)
        if (str_eq(unit_kinds[i].name, name)) return &unit_kinds[i];
    return NULL;
}

/* ---- outline ------------------------------------------------------------ */

#define UNIT_COLS "u.id, u.section_id, u.course_id, u.org_id, u.position, u.kind, u.title, u.body, u.url," \
    " u.media_id, u.minutes, u.duration_s, u.threshold, u.required, m.size, m.sha256, m.mime, m.filename"

static void unit_read(DbStmt *st, Arena *a, Unit *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_col_i64(st, 0);
    u->section_id = db_col_i64(st, 1);
    u->course_id = db_col_i64(st, 2);
    u->org_id = db_col_i64(st, 3);
    u->position = db_col_i64(st, 4);
    u->kind = db_col_dup(st, 5, a);
    u->title = db_col_dup(st, 6, a);
    u->body = db_col_dup(st, 7, a);
    u->url = db_col_dup(st, 8, a);
    u->media_id = db_col_i64(st, 9);
    u->minutes = db_col_i64(st, 10);
    u->duration_s = db_col_i64(st, 11);
    u->threshold = db_col_i64(st, 12);
    u->required = db_col_i64(st, 13) != 0;
    if (u->media_id) {
        u->media.id = u->media_id;
        u->media.org_id = u->org_id;
        u->media.size = db_col_i64(st, 14);
        u->media.sha256 = db_col_dup(st, 15, a);
        u->media.mime = db_col_dup(st, 16, a);
        u->media.filename = db_col_dup(st, 17, a);
    }
}

int outline_load(Db *db, Arena *a, int64_t course_id, Outline *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT (SELECT count(*) FROM section WHERE course_id = $1),"
                                " (SELECT count(*) FROM unit WHERE course_id = $1)");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    int64_t ns = 0, nu = 0;
    if (db_step(st) == DB_ROW) {
        ns = db_col_i64(st, 0);
        nu = db_col_i64(st, 1);
    }
    db_done(st);
    if (ns == 0) return LN_OK;
    out->sections = arena_alloc(a, sizeof(Section) * (size_t)ns);
    Unit *units = arena_alloc(a, sizeof(Unit) * (size_t)(nu ? nu : 1));

    st = db_prepare(db, "SELECT id, position, release_days, title FROM section WHERE course_id = $1"
                        " ORDER BY position, id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    while (out->n < ns && db_step(st) == DB_ROW) {
        Section *s = &out->sections[out->n++];
        s->id = db_col_i64(st, 0);
        s->course_id = course_id;
        s->position = db_col_i64(st, 1);
        s->release_days = db_col_is_null(st, 2) ? -1 : db_col_i64(st, 2);
        s->title = db_col_dup(st, 3, a);
    }
    db_done(st);

    st = db_prepare(db, "SELECT " UNIT_COLS " FROM unit u JOIN section s ON s.id = u.section_id"
                        " LEFT JOIN media m ON m.id = u.media_id WHERE u.course_id = $1"
                        " ORDER BY s.position, s.id, u.position, u.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    int si = 0;
    while (out->units < nu && db_step(st) == DB_ROW) {
        Unit *u = &units[out->units];
        unit_read(st, a, u);
        while (si < out->n && out->sections[si].id != u->section_id) si++;
        if (si == out->n) break;    /* changed under us: stop at a consistent prefix */
        Section *s = &out->sections[si];
        if (!s->units) s->units = u;
        s->n++;
        out->units++;
        if (u->required) out->required++;
    }
    db_done(st);
    return LN_OK;
}

Unit *outline_find(Outline *o, int64_t unit_id, Section **sec)
{
    for (int i = 0; i < o->n; i++)
        for (int j = 0; j < o->sections[i].n; j++)
            if (o->sections[i].units[j].id == unit_id) {
                if (sec) *sec = &o->sections[i];
                return &o->sections[i].units[j];
            }
    return NULL;
}

void outline_neighbours(Outline *o, const Unit *u, Unit **prev, Unit **next)
{
    *prev = *next = NULL;
    Unit *last = NULL;
    bool found = false;
    for (int i = 0; i < o->n; i++)
        for (int j = 0; j < o->sections[i].n; j++) {
            Unit *x = &o->sections[i].units[j];
            if (found) {
                *next = x;
                return;
            }
            if (x->id == u->id) {
                *prev = last;
                found = true;
            }
            last = x;
        }
}

bool section_released(const Section *s, const RunRef *run, UsTime now)
{
    if (!run || !str_eq(run->pacing, "instructor") || s->release_days < 0 || !run->starts_at) return true;
    return now >= run->starts_at + s->release_days * 86400LL * 1000000LL;
}

/* ---- sections ----------------------------------------------------------- */

static const char *title_check(const char *title, const char **msg)
{
    if (!title || !*title || !utf8_valid(title, strlen(title))) {
        *msg = "A title is required.";
        return "title";
    }
    if (utf8_len(title) > CONTENT_TITLE_MAX) {
        *msg = "The title is too long (200 characters at most).";
        return "title";
    }
    return NULL;
}

const char *section_check(const SectionInput *in, const char **msg)
{
    if (in->title || in->release_days == -2) {
        const char *f = in->title ? title_check(in->title, msg) : NULL;
        if (f) return f;
    }
    if (in->release_days < -2 || in->release_days > 3650) {
        *msg = "The release day must be between 0 and 3650.";
        return "release_days";
    }
    return NULL;
}

static int64_t next_position(Db *db, const char *sql, int64_t parent)
{
    int64_t pos = 0;
    db_query_i64(db, &pos, sql, "i", parent);
    return pos + 1;
}

static void bind_release(DbStmt *st, int idx, int64_t days)
{
    if (days >= 0) db_bind_i64(st, idx, days);
    else db_bind_null(st, idx);
}

int section_create(Db *db, const Course *c, const SectionInput *in, UsTime now, int64_t *id)
{
    const char *msg;
    if (!in->title || section_check(in, &msg)) return LN_EINVAL;
    int64_t pos = next_position(db, "SELECT COALESCE(max(position), 0) FROM section WHERE course_id = $1", c->id);
    DbStmt *st = db_prepare(db, "INSERT INTO section (course_id, org_id, position, title, release_days, created_at,"
                                " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, c->id);
    db_bind_i64(st, 2, c->org_id);
    db_bind_i64(st, 3, pos);
    db_bind_text(st, 4, in->title);
    bind_release(st, 5, in->release_days);
    db_bind_i64(st, 6, now);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

int section_update(Db *db, const Course *c, int64_t id, const SectionInput *in, UsTime now)
{
    const char *msg;
    if (section_check(in, &msg)) return LN_EINVAL;
    DbStmt *st = db_prepare(db, "UPDATE section SET title = COALESCE($1, title),"
                                " release_days = CASE WHEN $2 = 1 THEN release_days ELSE $3 END, updated_at = $4"
                                " WHERE id = $5 AND course_id = $6");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, in->title);
    db_bind_i64(st, 2, in->release_days == -2);
    bind_release(st, 3, in->release_days);
    db_bind_i64(st, 4, now);
    db_bind_i64(st, 5, id);
    db_bind_i64(st, 6, c->id);
    return db_step_change(st);
}

int section_delete(Db *db, const Course *c, int64_t id)
{
    int64_t units = 0;
    if (db_query_i64(db, &units, "SELECT count(*) FROM unit WHERE section_id = $1", "i", id) != DB_ROW) return LN_EDB;
    if (units) return LN_EINVAL;
    return db_change(db, "DELETE FROM section WHERE id = $1 AND course_id = $2", "ii", id, c->id);
}

/* ---- units -------------------------------------------------------------- */

static bool url_ok(const char *url)
{
    if (!str_startswith(url, "https://") && !str_startswith(url, "http://")) return false;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\') return false;
    return strlen(url) <= 2000;
}

const char *unit_check(const UnitInput *in, bool creating, const char **msg)
{
    const UnitKind *k = unit_kind(in->kind);
    if ((creating || in->kind) && !k) {
        *msg = "Choose the kind of unit.";
        return "kind";
    }
    if (creating || in->title) {
        const char *f = title_check(in->title, msg);
        if (f) return f;
    }
    if (in->body && (strlen(in->body) > UNIT_BODY_MAX || !utf8_valid(in->body, strlen(in->body)))) {
        *msg = "The text is too long (200,000 bytes at most).";
        return "body";
    }
    /* A link unit may be created without its address (the outline's quick
     * add), but not saved without one afterwards. */
    if (k && k->url && (in->url || !creating) && !(in->url && url_ok(in->url))) {
        *msg = "Give an address starting with https:// or http://.";
        return "url";
    }
    if (in->minutes > 10000) {
        *msg = "The duration must be between 0 and 10000 minutes.";
        return "minutes";
    }
    if (in->duration_s > 86400) {
        *msg = "The video length must be at most 24 hours.";
        return "duration_s";
    }
    if (k && in->threshold > k->threshold_max) {
        *msg = "The completion rule is out of range.";
        return "threshold";
    }
    return NULL;
}

/* The section must be one of the course's. */
static bool section_of(Db *db, const Course *c, int64_t section_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT count(*) FROM section WHERE id = $1 AND course_id = $2", "ii",
                        section_id, c->id) == DB_ROW && n == 1;
}

/* The file must be one the organisation stored. */
static bool media_of(Db *db, const Course *c, int64_t media_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT count(*) FROM media WHERE id = $1 AND org_id = $2", "ii",
                        media_id, c->org_id) == DB_ROW && n == 1;
}

int unit_create(Db *db, const Course *c, const UnitInput *in, UsTime now, int64_t *id)
{
    const char *msg;
    if (unit_check(in, true, &msg) || !section_of(db, c, in->section_id)) return LN_EINVAL;
    if (in->media_id > 0 && !media_of(db, c, in->media_id)) return LN_EINVAL;
    const UnitKind *k = unit_kind(in->kind);
    int64_t pos = next_position(db, "SELECT COALESCE(max(position), 0) FROM unit WHERE section_id = $1",
                                in->section_id);
    DbStmt *st = db_prepare(db,
        "INSERT INTO unit (section_id, course_id, org_id, position, kind, title, body, url, media_id, minutes,"
        " duration_s, threshold, required, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, in->section_id);
    db_bind_i64(st, 2, c->id);
    db_bind_i64(st, 3, c->org_id);
    db_bind_i64(st, 4, pos);
    db_bind_text(st, 5, k->name);
    db_bind_text(st, 6, in->title);
    db_bind_text(st, 7, in->body ? in->body : "");
    db_bind_text(st, 8, k->url && in->url ? in->url : "");
    if (in->media_id > 0) db_bind_i64(st, 9, in->media_id);
    else db_bind_null(st, 9);
    db_bind_i64(st, 10, in->minutes > 0 ? in->minutes : 0);
    db_bind_i64(st, 11, in->duration_s > 0 ? in->duration_s : 0);
    db_bind_i64(st, 12, in->threshold >= 0 ? in->threshold : k->threshold_default);
    db_bind_i64(st, 13, in->required != 0);
    db_bind_i64(st, 14, now);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

/* The kind a unit has now, for checking a change that does not name one. */
static const UnitKind *current_kind(Db *db, const Course *c, int64_t id)
{
    DbStmt *st = db_prepare(db, "SELECT kind FROM unit WHERE id = $1 AND course_id = $2");
    if (!st) return NULL;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, c->id);
    const UnitKind *k = db_step(st) == DB_ROW ? unit_kind(db_col_text(st, 0)) : NULL;
    db_done(st);
    return k;
}

const char *unit_check_update(Db *db, const Course *c, int64_t id, const UnitInput *in, const char **msg)
{
    UnitInput full = *in;
    if (!full.kind) {
        const UnitKind *k = current_kind(db, c, id);
        full.kind = k ? k->name : NULL;
    }
    return unit_check(&full, false, msg);
}

int unit_update(Db *db, const Course *c, int64_t id, const UnitInput *in, UsTime now)
{
    const char *msg;
    if (unit_check_update(db, c, id, in, &msg)) return LN_EINVAL;
    if (in->section_id > 0 && !section_of(db, c, in->section_id)) return LN_EINVAL;
    if (in->media_id > 0 && !media_of(db, c, in->media_id)) return LN_EINVAL;
    if (in->section_id > 0) {   /* moved to another section: goes last there */
        int64_t cur = 0;
        db_query_i64(db, &cur, "SELECT section_id FROM unit WHERE id = $1 AND course_id = $2", "ii", id, c->id);
        if (cur && cur != in->section_id) {
            int64_t pos = next_position(db, "SELECT COALESCE(max(position), 0) FROM unit WHERE section_id = $1",
                                        in->section_id);
            if (db_change(db, "UPDATE unit SET section_id = $1, position = $2 WHERE id = $3 AND course_id = $4",
                          "iiii", in->section_id, pos, id, c->id) != LN_OK) return LN_EDB;
        }
    }
    DbStmt *st = db_prepare(db,
        "UPDATE unit SET kind = COALESCE($1, kind), title = COALESCE($2, title), body = COALESCE($3, body),"
        " url = COALESCE($4, url), minutes = CASE WHEN $5 < 0 THEN minutes ELSE $5 END,"
        " duration_s = CASE WHEN $6 < 0 THEN duration_s ELSE $6 END,"
        " threshold = CASE WHEN $7 < 0 THEN threshold ELSE $7 END,"
        " required = CASE WHEN $8 < 0 THEN required ELSE $8 END,"
        " media_id = CASE WHEN $9 = 0 THEN media_id WHEN $9 < 0 THEN NULL ELSE $9 END, updated_at = $10"
        " WHERE id = $11 AND course_id = $12");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, in->kind);
    db_bind_text(st, 2, in->title);
    db_bind_text(st, 3, in->body);
    db_bind_text(st, 4, in->url);
    db_bind_i64(st, 5, in->minutes);
    db_bind_i64(st, 6, in->duration_s);
    db_bind_i64(st, 7, in->threshold);
    db_bind_i64(st, 8, in->required);
    db_bind_i64(st, 9, in->media_id);
    db_bind_i64(st, 10, now);
    db_bind_i64(st, 11, id);
    db_bind_i64(st, 12, c->id);
    return db_step_change(st);
}

int unit_delete(Db *db, const Course *c, int64_t id)
{
    int64_t used = 0;
    if (db_query_i64(db, &used, "SELECT (SELECT count(*) FROM unit_progress WHERE unit_id = $1)"
                                " + (SELECT count(*) FROM heartbeat WHERE unit_id = $1)", "i", id) != DB_ROW)
        return LN_EDB;
    if (used) return LN_EINVAL;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = db_run(db, "DELETE FROM unit_track WHERE unit_id = $1 AND org_id = $2", "ii", id, c->org_id) == DB_DONE
           ? db_change(db, "DELETE FROM unit WHERE id = $1 AND course_id = $2", "ii", id, c->id) : LN_EDB;
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

/* Swap the row with its neighbour in `dir` within the same parent.  The
 * positions are renumbered 1..n first so that ties never block a move. */
static int move_row(Db *db, const char *table, const char *parent_col, int64_t parent, int64_t id, int dir)
{
    Arena *a = arena_new();
    char *sql = arena_printf(a, "SELECT id FROM %s WHERE %s = $1 ORDER BY position, id", table, parent_col);
    DbStmt *st = db_prepare(db, sql);
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, parent);
    int n = 0, cap = 0, at = -1;
    int64_t *ids = NULL;
    while (db_step(st) == DB_ROW) {
        ids = arena_grow(a, ids, n, &cap, sizeof *ids);
        ids[n] = db_col_i64(st, 0);
        if (ids[n] == id) at = n;
        n++;
    }
    db_done(st);
    int rc = LN_OK;
    if (at < 0) rc = LN_NOTFOUND;
    else if (at + dir >= 0 && at + dir < n) {
        int64_t t = ids[at];
        ids[at] = ids[at + dir];
        ids[at + dir] = t;
        char *upd = arena_printf(a, "UPDATE %s SET position = $1 WHERE id = $2", table);
        if (db_begin(db) != DB_DONE) rc = LN_EDB;
        for (int i = 0; rc == LN_OK && i < n; i++)
            if (db_run(db, upd, "ii", (int64_t)i + 1, ids[i]) != DB_DONE) rc = LN_EDB;
        rc = db_end(db, rc);
    }
    arena_free(a);
    return rc;
}

int section_move(Db *db, const Course *c, int64_t id, int dir)
{
    return move_row(db, "section", "course_id", c->id, id, dir < 0 ? -1 : 1);
}

int unit_move(Db *db, const Course *c, int64_t id, int dir)
{
    int64_t section = 0;
    if (db_query_i64(db, &section, "SELECT section_id FROM unit WHERE id = $1 AND course_id = $2", "ii", id,
                     c->id) != DB_ROW)
        return LN_NOTFOUND;
    return move_row(db, "unit", "section_id", section, id, dir < 0 ? -1 : 1);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static bool sorted_has_dup(int64_t *v, int64_t n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    for (int64_t i = 1; i < n; i++)
        if (v[i] == v[i - 1]) return true;
    return false;
}

/* Is a section or a unit named twice? */
static bool has_duplicates(const int64_t *sections, int nsections, const int64_t *const *units, const int *nunits,
                           int64_t total)
{
    int64_t *s = xcalloc((size_t)nsections + 1, sizeof *s), *u = xcalloc((size_t)total + 1, sizeof *u);
    memcpy(s, sections, sizeof *s * (size_t)nsections);
    int64_t k = 0;
    for (int i = 0; i < nsections; i++)
        for (int j = 0; j < nunits[i]; j++) u[k++] = units[i][j];
    bool dup = sorted_has_dup(s, nsections) || sorted_has_dup(u, total);
    free(s);
    free(u);
    return dup;
}

int outline_reorder(Db *db, const Course *c, const int64_t *sections, int nsections,
                    const int64_t *const *units, const int *nunits, UsTime now)
{
    int64_t have_s = 0, have_u = 0;
    if (db_query_i64(db, &have_s, "SELECT count(*) FROM section WHERE course_id = $1", "i", c->id) != DB_ROW
        || db_query_i64(db, &have_u, "SELECT count(*) FROM unit WHERE course_id = $1", "i", c->id) != DB_ROW)
        return LN_EDB;
    int64_t total = 0;
    for (int i = 0; i < nsections; i++) total += nunits[i];
    if (have_s != nsections || have_u != total || has_duplicates(sections, nsections, units, nunits, total))
        return LN_EINVAL;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    /* Each UPDATE names the course: an id of another course changes no row
     * and the order is refused.  With the counts equal and no id twice,
     * every section and unit of the course was named exactly once. */
    for (int i = 0; rc == LN_OK && i < nsections; i++) {
        rc = db_change(db, "UPDATE section SET position = $1, updated_at = $2 WHERE id = $3 AND course_id = $4",
                       "iiii", (int64_t)i + 1, now, sections[i], c->id);
        for (int j = 0; rc == LN_OK && j < nunits[i]; j++)
            rc = db_change(db, "UPDATE unit SET section_id = $1, position = $2 WHERE id = $3 AND course_id = $4",
                           "iiii", sections[i], (int64_t)j + 1, units[i][j], c->id);
    }
    if (rc == LN_NOTFOUND) rc = LN_EINVAL;
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

/* ---- caption and transcript tracks ---------------------------------------- */

int unit_tracks(Db *db, Arena *a, int64_t unit_id, Track **out, int *n)
{
    *n = 0;
    *out = arena_alloc(a, sizeof(Track) * 16);
    DbStmt *st = db_prepare(db, "SELECT id, media_id, kind, lang FROM unit_track WHERE unit_id = $1"
                                " ORDER BY kind, lang LIMIT 16");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    while (*n < 16 && db_step(st) == DB_ROW) {
        Track *t = &(*out)[(*n)++];
        t->id = db_col_i64(st, 0);
        t->unit_id = unit_id;
        t->media_id = db_col_i64(st, 1);
        t->kind = db_col_dup(st, 2, a);
        t->lang = db_col_dup(st, 3, a);
    }
    db_done(st);
    return LN_OK;
}

int unit_track_set(Db *db, const Unit *u, const char *kind, const char *lang, int64_t media_id)
{
    if (!str_eq(kind, "captions") && !str_eq(kind, "transcript")) return LN_EINVAL;
    if (!str_eq(lang, "en") && !str_eq(lang, "fr")) return LN_EINVAL;
    return db_run(db, "INSERT INTO unit_track (unit_id, org_id, kind, lang, media_id) VALUES ($1, $2, $3, $4, $5)"
                      " ON CONFLICT (unit_id, kind, lang) DO UPDATE SET media_id = excluded.media_id",
                  "iitti", u->id, u->org_id, kind, lang, media_id) == DB_DONE ? LN_OK : LN_EDB;
}

int unit_track_delete(Db *db, const Unit *u, int64_t track_id)
{
    return db_change(db, "DELETE FROM unit_track WHERE id = $1 AND unit_id = $2", "ii", track_id, u->id);
}
