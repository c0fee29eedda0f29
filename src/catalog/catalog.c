/* catalog.c — courses, runs and the catalog query. */
#include "catalog/catalog.h"
#include "catalog/search.h"
#include "evidence/ledger.h"
#include "org/org.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

/* ---- checks ---- */

static const char *check_text(const char *s, size_t max, bool required)
{
    if (!s || !*s) return required ? "This field is required." : NULL;
    if (strlen(s) > max || !utf8_valid(s, strlen(s))) return "This text is too long or not valid UTF-8.";
    return NULL;
}

const char *course_check(const CourseInput *in, bool creating, const char **msg)
{
    if (creating || in->code) {
        const char *c = in->code;
        size_t n = c ? strlen(c) : 0;
        bool ok = n >= 2 && n <= 40;
        for (size_t i = 0; ok && i < n; i++)
            ok = (c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9')
                 || c[i] == '-' || c[i] == '_' || c[i] == '.';
        if (!ok) {
            *msg = "The course code needs 2 to 40 letters, digits, dots, hyphens or underscores.";
            return "code";
        }
    }
    if ((creating || in->title) && (*msg = check_text(in->title, 200, true))) return "title";
    if ((*msg = check_text(in->summary, 2000, false))) return "summary";
    if ((*msg = check_text(in->objectives, COURSE_TEXT_MAX, false))) return "objectives";
    if (in->lang && !i18n_supported(in->lang)) {
        *msg = "The language must be en or fr.";
        return "lang";
    }
    if (in->estimated_minutes > 100000) {
        *msg = "The estimated duration is at most 100,000 minutes.";
        return "estimated_minutes";
    }
    return NULL;
}

static char *course_search_key(Arena *a, const char *code, const char *title, const char *summary)
{
    return str_fold(a, arena_printf(a, "%s %s %s", code ? code : "", title ? title : "", summary ? summary : ""));
}

/* ---- courses ---- */

int course_create(Db *db, int64_t org_id, const CourseInput *in, int64_t user_id, UsTime now, int64_t *id)
{
    const char *msg;
    if (course_check(in, true, &msg)) return LN_EINVAL;
    DbStmt *st = db_prepare(db,
        "INSERT INTO course (org_id, code, title, summary, objectives, lang, estimated_minutes, published,"
        " search_key, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
        " RETURNING id");
    if (!st) return LN_EDB;
    Arena *a = arena_new();
    db_bind_i64(st, 1, org_id);
    db_bind_text(st, 2, in->code);
    db_bind_text(st, 3, in->title);
    db_bind_text(st, 4, in->summary ? in->summary : "");
    db_bind_text(st, 5, in->objectives ? in->objectives : "");
    db_bind_text(st, 6, in->lang ? in->lang : "en");
    db_bind_i64(st, 7, in->estimated_minutes > 0 ? in->estimated_minutes : 0);
    db_bind_i64(st, 8, in->published == 1);
    db_bind_text(st, 9, course_search_key(a, in->code, in->title, in->summary));
    if (user_id) db_bind_i64(st, 10, user_id);
    else db_bind_null(st, 10);      /* made by the command line */
    db_bind_i64(st, 11, now);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    arena_free(a);
    if (rc == DB_ROW) course_search_index(db, *id);
    return rc == DB_ROW ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
}

#define COURSE_COLS "c.id, c.org_id, c.code, c.title, c.summary, c.objectives, c.lang, c.estimated_minutes," \
                    " c.published, c.created_at, c.updated_at, o.slug, o.name"

static void course_read(DbStmt *st, Arena *a, Course *c)
{
    c->id = db_col_i64(st, 0);
    c->org_id = db_col_i64(st, 1);
    c->code = db_col_dup(st, 2, a);
    c->title = db_col_dup(st, 3, a);
    c->summary = db_col_dup(st, 4, a);
    c->objectives = db_col_dup(st, 5, a);
    c->lang = db_col_dup(st, 6, a);
    c->estimated_minutes = db_col_i64(st, 7);
    c->published = db_col_i64(st, 8) != 0;
    c->created_at = db_col_i64(st, 9);
    c->updated_at = db_col_i64(st, 10);
    c->org_slug = db_col_dup(st, 11, a);
    c->org_name = db_col_dup(st, 12, a);
}

int course_update(Db *db, int64_t org_id, int64_t id, const CourseInput *in, UsTime now)
{
    const char *msg;
    if (course_check(in, false, &msg)) return LN_EINVAL;
    Arena *a = arena_new();
    Course c;
    int rc = course_load_in(db, a, org_id, id, &c);
    if (rc == LN_OK) {
        const char *code = in->code ? in->code : c.code, *title = in->title ? in->title : c.title;
        const char *summary = in->summary ? in->summary : c.summary;
        rc = db_change(db,
            "UPDATE course SET code = $3, title = $4, summary = $5, objectives = $6, lang = $7,"
            " estimated_minutes = $8, published = $9, search_key = $10, updated_at = $11"
            " WHERE id = $1 AND org_id = $2",
            "iitttttiiti", id, org_id, code, title, summary, in->objectives ? in->objectives : c.objectives,
            in->lang ? in->lang : c.lang, in->estimated_minutes >= 0 ? in->estimated_minutes : c.estimated_minutes,
            (int64_t)(in->published >= 0 ? in->published : c.published),
            course_search_key(a, code, title, summary), now);
    }
    arena_free(a);
    if (rc == LN_OK) course_search_index(db, id);
    return rc;
}

int course_load(Db *db, Arena *a, int64_t id, Course *out)
{
    DbStmt *st = db_prepare(db, "SELECT " COURSE_COLS " FROM course c JOIN org o ON o.id = c.org_id WHERE c.id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) course_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int course_load_in(Db *db, Arena *a, int64_t org_id, int64_t id, Course *out)
{
    int rc = course_load(db, a, id, out);
    return rc == LN_OK && out->org_id != org_id ? LN_NOTFOUND : rc;
}

static int read_list(DbStmt *st, Arena *a, int max, CourseList *out)
{
    out->items = arena_alloc(a, sizeof(Course) * (size_t)max);
    out->n = 0;
    int rc;
    while (out->n < max && (rc = db_step(st)) == DB_ROW) course_read(st, a, &out->items[out->n++]);
    db_done(st);
    return LN_OK;
}

int course_list_org(Db *db, Arena *a, int64_t org_id, CourseList *out)
{
    DbStmt *st = db_prepare(db, "SELECT " COURSE_COLS " FROM course c JOIN org o ON o.id = c.org_id"
                                " WHERE c.org_id = $1 ORDER BY c.title, c.id LIMIT 500");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    return read_list(st, a, 500, out);
}

bool catalog_query_parse(Req *r, CatalogQuery *cq, const char **bad)
{
    memset(cq, 0, sizeof *cq);
    cq->q = req_query(r, "q");
    cq->lang = str_empty(req_query(r, "lang")) ? NULL : req_query(r, "lang");
    cq->org = str_empty(req_query(r, "org")) ? NULL : req_query(r, "org");
    cq->mode = str_empty(req_query(r, "mode")) ? NULL : req_query(r, "mode");
    const char *m = req_query(r, "max_minutes");
    if (cq->lang && !i18n_supported(cq->lang)) *bad = "lang";
    else if (cq->mode && !str_eq(cq->mode, "mooc") && !str_eq(cq->mode, "corporate")) *bad = "mode";
    else if (!str_empty(m) && (!str_to_i64(m, &cq->max_minutes) || cq->max_minutes < 0)) *bad = "max_minutes";
    else return true;
    return false;
}

/* The catalog's rules: published, the filters (an empty value matches
 * everything), and a run the viewer may see.  $1 viewer, $2 lang, $3 org
 * slug, $4 max_minutes, $5 mode, $6 limit, $7 offset; $8 the search. */
#define CATALOG_WHERE \
    " WHERE c.published = 1 AND ($2 = '' OR c.lang = $2) AND ($3 = '' OR o.slug = $3)" \
    " AND (CAST($4 AS BIGINT) = 0 OR c.estimated_minutes <= CAST($4 AS BIGINT)) AND EXISTS (" \
    "   SELECT 1 FROM course_run r WHERE r.course_id = c.id AND ($5 = '' OR r.visibility = $5) AND" \
    "   (r.visibility = 'mooc' OR (r.visibility = 'corporate' AND EXISTS (SELECT 1 FROM membership m" \
    "     WHERE m.org_id = c.org_id AND m.user_id = $1))))"

int catalog_search(Db *db, Arena *a, int64_t viewer, const CatalogQuery *cq, CourseList *out)
{
    /* The words, quoted for the backend's full-text engine (search.c); the
     * ranking functions differ, so do the statements. */
    const char *match = search_query(a, db_kind(db), cq->q);
    const char *sql;
    if (!match)
        sql = "SELECT " COURSE_COLS " FROM course c JOIN org o ON o.id = c.org_id" CATALOG_WHERE
              " ORDER BY c.title, c.id LIMIT $6 OFFSET $7";
    else if (db_kind(db) == DB_SQLITE)      /* bm25: lower is better; code, title, summary, outline, body */
        sql = "SELECT " COURSE_COLS " FROM course_search JOIN course c ON c.id = course_search.rowid"
              " JOIN org o ON o.id = c.org_id" CATALOG_WHERE " AND course_search MATCH $8"
              " ORDER BY bm25(course_search, 10.0, 10.0, 4.0, 2.0, 1.0), c.title, c.id LIMIT $6 OFFSET $7";
    else
        sql = "SELECT " COURSE_COLS " FROM course_search s JOIN course c ON c.id = s.course_id"
              " JOIN org o ON o.id = c.org_id CROSS JOIN to_tsquery('simple', CAST($8 AS TEXT)) query"
              CATALOG_WHERE " AND s.doc @@ query ORDER BY ts_rank(s.doc, query) DESC, c.title, c.id LIMIT $6 OFFSET $7";
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, viewer);
    db_bind_text(st, 2, cq->lang ? cq->lang : "");
    db_bind_text(st, 3, cq->org ? cq->org : "");
    db_bind_i64(st, 4, cq->max_minutes);
    db_bind_text(st, 5, cq->mode ? cq->mode : "");
    db_bind_i64(st, 6, CATALOG_PAGE);
    db_bind_i64(st, 7, cq->offset);
    if (match) db_bind_text(st, 8, match);
    return read_list(st, a, CATALOG_PAGE, out);
}

bool course_visible(Db *db, const Course *c, int64_t viewer, bool staff)
{
    if (staff) return true;
    if (!c->published) return false;
    int64_t n = 0;
    db_query_i64(db, &n,
        "SELECT count(*) FROM course_run r WHERE r.course_id = $1 AND (r.visibility = 'mooc' OR"
        " (r.visibility = 'corporate' AND EXISTS (SELECT 1 FROM membership m WHERE m.org_id = $2 AND m.user_id = $3)) OR"
        " (r.visibility = 'spoc' AND EXISTS (SELECT 1 FROM enrolment e WHERE e.run_id = r.id AND e.user_id = $3"
        "  AND e.status = 'active')))",
        "iii", c->id, c->org_id, viewer);
    return n > 0;
}

/* ---- runs ---- */

const char *run_check(const char *title, const char *visibility, const char **msg)
{
    if ((*msg = check_text(title, 200, true))) return "title";
    if (!str_eq(visibility, "mooc") && !str_eq(visibility, "spoc") && !str_eq(visibility, "corporate")) {
        *msg = "The mode must be mooc, spoc or corporate.";
        return "visibility";
    }
    return NULL;
}

/* A value that may be absent (0): bound as NULL. */
int run_create(Db *db, const Course *c, const char *title, const char *visibility, UsTime starts, UsTime ends,
               int64_t capacity, UsTime now, int64_t *id)
{
    const char *msg;
    if (run_check(title, visibility, &msg) || (starts && ends && ends < starts)) return LN_EINVAL;
    DbStmt *st = db_prepare(db,
        "INSERT INTO course_run (course_id, org_id, title, visibility, starts_at, ends_at, capacity, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $8, $7, $7) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, c->id);
    db_bind_i64(st, 2, c->org_id);
    db_bind_text(st, 3, title);
    db_bind_text(st, 4, visibility);
    db_bind_time(st, 5, starts);
    db_bind_time(st, 6, ends);
    db_bind_i64(st, 7, now);
    db_bind_time(st, 8, capacity);     /* 0: NULL, no limit */
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    if (rc != DB_ROW) return LN_EDB;
    char code[JOIN_CODE_LEN + 1];
    /* A SPOC run gets its join code at once; should that fail, its staff
     * make one with "New code". */
    if (str_eq(visibility, "spoc") && spoc_code_rotate(db, *id, now, code) != LN_OK)
        log_warn("run %lld: no join code yet", (long long)*id);
    return LN_OK;
}

static UsTime pick(UsTime given, UsTime cur) { return given >= 0 ? given : cur; }

const char *run_input_check(const RunInput *in, const RunRef *cur, const char **msg)
{
    if (in->title && (*msg = check_text(in->title, 200, true))) return "title";
    if (in->pacing && !str_eq(in->pacing, "self") && !str_eq(in->pacing, "instructor")) {
        *msg = "Choose self-paced or instructor-paced.";
        return "pacing";
    }
    UsTime starts = pick(in->starts_at, cur->starts_at), ends = pick(in->ends_at, cur->ends_at);
    UsTime from = pick(in->enrol_from, cur->enrol_from), until = pick(in->enrol_until, cur->enrol_until);
    if (starts && ends && ends < starts) {
        *msg = "The session cannot end before it starts.";
        return "ends_at";
    }
    if (from && until && until < from) {
        *msg = "Enrolment cannot close before it opens.";
        return "enrol_until";
    }
    if (in->capacity > 1000000) {
        *msg = "The capacity is at most 1,000,000.";
        return "capacity";
    }
    return NULL;
}

int run_update(Db *db, const RunRef *run, const RunInput *in, UsTime now)
{
    const char *msg;
    if (run_input_check(in, run, &msg)) return LN_EINVAL;
    UsTime v[4] = {pick(in->starts_at, run->starts_at), pick(in->ends_at, run->ends_at),
                   pick(in->enrol_from, run->enrol_from), pick(in->enrol_until, run->enrol_until)};
    int64_t cap = in->capacity >= 0 ? in->capacity : run->capacity;
    DbStmt *st = db_prepare(db, "UPDATE course_run SET title = $1, pacing = $2, starts_at = $3, ends_at = $4,"
                                " enrol_from = $5, enrol_until = $6, capacity = $7, updated_at = $8"
                                " WHERE id = $9 AND org_id = $10");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, in->title ? in->title : run->title);
    db_bind_text(st, 2, in->pacing ? in->pacing : run->pacing);
    for (int i = 0; i < 4; i++) {      /* 0: not set */
        if (v[i]) db_bind_i64(st, 3 + i, v[i]);
        else db_bind_null(st, 3 + i);
    }
    if (cap > 0) db_bind_i64(st, 7, cap);
    else db_bind_null(st, 7);
    db_bind_i64(st, 8, now);
    db_bind_i64(st, 9, run->id);
    db_bind_i64(st, 10, run->org_id);
    return db_step_change(st);
}

int run_list(Db *db, Arena *a, const Course *c, int64_t viewer, bool all, RunList *out)
{
    DbStmt *st = db_prepare(db,
        "SELECT r.id, r.title, r.visibility, r.pacing, r.starts_at, r.ends_at, COALESCE(r.trainer_id, 0), u.name"
        " FROM course_run r LEFT JOIN app_user u ON u.id = r.trainer_id"
        " WHERE r.course_id = $1 AND ($2 = 1 OR r.visibility = 'mooc' OR (r.visibility = 'corporate' AND"
        " EXISTS (SELECT 1 FROM membership m WHERE m.org_id = $3 AND m.user_id = $4)) OR (r.visibility = 'spoc' AND"
        " EXISTS (SELECT 1 FROM enrolment e WHERE e.run_id = r.id AND e.user_id = $4 AND e.status = 'active')))"
        " ORDER BY r.starts_at, r.id LIMIT 100");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, c->id);
    db_bind_i64(st, 2, all);
    db_bind_i64(st, 3, c->org_id);
    db_bind_i64(st, 4, viewer);
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 100 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(CourseRun));
        CourseRun *r = &out->items[out->n++];
        r->id = db_col_i64(st, 0);
        r->course_id = c->id;
        r->title = db_col_dup(st, 1, a);
        r->visibility = db_col_dup(st, 2, a);
        r->pacing = db_col_dup(st, 3, a);
        r->starts_at = db_col_i64(st, 4);
        r->ends_at = db_col_i64(st, 5);
        r->trainer_id = db_col_i64(st, 6);
        r->trainer_name = db_col_dup(st, 7, a);
    }
    db_done(st);
    return LN_OK;
}

/* ---- enrolment ---- */

bool enrolled(Db *db, int64_t run_id, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2 AND status = 'active'",
                 "ii", run_id, user_id);
    return n > 0;
}

UsTime enrol_completed_at(Db *db, int64_t run_id, int64_t user_id)
{
    int64_t t = 0;
    db_query_i64(db, &t, "SELECT COALESCE(completed_at, 0) FROM enrolment WHERE run_id = $1 AND user_id = $2", "ii",
                 run_id, user_id);
    return t;
}

char *enrolled_name(Db *db, Arena *a, int64_t run_id, int64_t user_id)
{
    return db_query_text(db, a, "SELECT u.name FROM enrolment e JOIN app_user u ON u.id = e.user_id"
                                " WHERE e.run_id = $1 AND e.user_id = $2", "ii", run_id, user_id);
}

/* May the user enrol now?  LN_OK or the refusal with *why.  `invited`:
 * the SPOC join code was checked (spoc.c). */
static int enrol_allowed(Db *db, const RunRef *ri, int64_t user_id, UsTime now, bool invited, const char **why)
{
    if (!ri->published) return LN_NOTFOUND;
    if (str_eq(ri->visibility, "corporate") && member_role(db, ri->org_id, user_id) == ROLE_NONE) return LN_NOTFOUND;
    if (str_eq(ri->visibility, "spoc") && !invited) {
        *why = "This private session takes learners by invitation only.";
        return LN_EPERM;
    }
    if ((ri->enrol_from && now < ri->enrol_from) || (ri->enrol_until && now > ri->enrol_until)) {
        *why = "Enrolment in this session is closed.";
        return LN_EPERM;
    }
    if (ri->capacity > 0) {
        int64_t n = 0;
        db_query_i64(db, &n, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'", "i", ri->id);
        if (n >= ri->capacity) {
            *why = "This session is full.";
            return LN_ELIMIT;
        }
    }
    return LN_OK;
}

int run_lock(Db *db, int64_t run_id)
{
    return db_run(db, "UPDATE course_run SET updated_at = updated_at WHERE id = $1", "i", run_id) == DB_DONE ? LN_OK : LN_EDB;
}

/* The enrolment facts of the evidence ledger: who joined or left which
 * session, when.  Appended in the caller's transaction. */
static int enrolment_fact(Db *db, int64_t org_id, const char *kind, int64_t course_id, int64_t run_id,
                          int64_t user_id, UsTime now)
{
    char subject[64];
    snprintf(subject, sizeof subject, "run:%lld user:%lld", (long long)run_id, (long long)user_id);
    json_t *p = json_pack("{s:I, s:I, s:I}", "course_id", (json_int_t)course_id, "run_id", (json_int_t)run_id,
                          "user_id", (json_int_t)user_id);
    int rc = ledger_append(db, org_id, kind, subject, p, now, NULL);
    json_decref(p);
    return rc;
}

int enrol_insert(Db *db, const RunRef *run, int64_t user_id, UsTime now)
{
    if (db_run(db, "INSERT INTO enrolment (run_id, user_id, org_id, status, enrolled_at) VALUES ($1, $2, $3, 'active', $4)"
                   " ON CONFLICT (run_id, user_id) DO UPDATE SET status = 'active', enrolled_at = excluded.enrolled_at,"
                   " withdrawn_at = NULL", "iiii", run->id, user_id, run->org_id, now) != DB_DONE)
        return LN_EDB;
    return enrolment_fact(db, run->org_id, "enrolment.created", run->course_id, run->id, user_id, now);
}

static int enrol_as(Db *db, const RunRef *run, int64_t user_id, UsTime now, bool invited, const char **why)
{
    static const char *none = "";
    *why = none;
    if (enrolled(db, run->id, user_id)) return LN_OK;
    /* One transaction for the capacity check and the insert (exact on
     * SQLite, whose BEGIN IMMEDIATE serialises writers; on PostgreSQL the
     * no-op update locks the run's row until the commit). */
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = run_lock(db, run->id);
    if (rc == LN_OK) rc = enrol_allowed(db, run, user_id, now, invited, why);
    if (rc == LN_OK) rc = enrol_insert(db, run, user_id, now);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

int enrol(Db *db, const RunRef *run, int64_t user_id, UsTime now, const char **why)
{
    return enrol_as(db, run, user_id, now, false, why);
}

int enrol_invited(Db *db, const RunRef *run, int64_t user_id, UsTime now, const char **why)
{
    return enrol_as(db, run, user_id, now, true, why);
}

int enrol_withdraw(Db *db, int64_t run_id, int64_t user_id, UsTime now)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    DbStmt *st = db_prepare(db, "UPDATE enrolment SET status = 'withdrawn', withdrawn_at = $3 WHERE run_id = $1"
                                " AND user_id = $2 AND status = 'active' RETURNING org_id,"
                                " (SELECT course_id FROM course_run WHERE id = $1)");
    int rc = st ? LN_OK : LN_EDB;
    int64_t org_id = 0, course_id = 0;
    if (st) {
        db_bind_i64(st, 1, run_id);
        db_bind_i64(st, 2, user_id);
        db_bind_i64(st, 3, now);
        int step = db_step(st);
        if (step == DB_ROW) {
            org_id = db_col_i64(st, 0);
            course_id = db_col_i64(st, 1);
        } else rc = step == DB_DONE ? LN_NOTFOUND : LN_EDB;
        db_done(st);
    }
    if (rc == LN_OK) rc = enrolment_fact(db, org_id, "enrolment.withdrawn", course_id, run_id, user_id, now);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

int enrolment_list(Db *db, Arena *a, int64_t user_id, EnrolmentList *out)
{
    DbStmt *st = db_prepare(db,
        "SELECT e.id, e.run_id, c.id, c.title, r.title, o.name, e.enrolled_at, r.starts_at, r.ends_at, e.org_id,"
        " e.completed_at, COALESCE(e.last_unit_id, 0),"
        " (SELECT count(*) FROM unit u WHERE u.course_id = c.id AND u.required = 1),"
        " (SELECT count(*) FROM unit_progress p JOIN unit u ON u.id = p.unit_id WHERE p.run_id = e.run_id"
        "  AND p.user_id = e.user_id AND p.completed_at IS NOT NULL AND u.required = 1)"
        " FROM enrolment e JOIN course_run r ON r.id = e.run_id JOIN course c ON c.id = r.course_id"
        " JOIN org o ON o.id = c.org_id WHERE e.user_id = $1 AND e.status = 'active'"
        " ORDER BY e.enrolled_at DESC, e.id DESC LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, user_id);
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 200 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(Enrolment));
        Enrolment *e = &out->items[out->n++];
        e->id = db_col_i64(st, 0);
        e->run_id = db_col_i64(st, 1);
        e->course_id = db_col_i64(st, 2);
        e->course_title = db_col_dup(st, 3, a);
        e->run_title = db_col_dup(st, 4, a);
        e->org_name = db_col_dup(st, 5, a);
        e->enrolled_at = db_col_i64(st, 6);
        e->starts_at = db_col_i64(st, 7);
        e->ends_at = db_col_i64(st, 8);
        e->org_id = db_col_i64(st, 9);
        e->completed_at = db_col_i64(st, 10);
        e->last_unit_id = db_col_i64(st, 11);
        e->units_required = db_col_i64(st, 12);
        e->units_done = db_col_i64(st, 13);
    }
    db_done(st);
    return LN_OK;
}

/* ---- programmes ---- */

const char *programme_check(const ProgrammeInput *in, const char **msg)
{
    if ((*msg = check_text(in->title, 200, true))) return "title";
    if ((*msg = check_text(in->objectives, COURSE_TEXT_MAX, false))) return "objectives";
    if ((*msg = check_text(in->assistance, 2000, false))) return "assistance";
    if ((*msg = check_text(in->prerequisites, 2000, false))) return "prerequisites";
    if (in->estimated_minutes > 1000000) {
        *msg = "The estimated duration is at most 1,000,000 minutes.";
        return "estimated_minutes";
    }
    if (in->response_hours > 720) {
        *msg = "The response delay is at most 720 hours.";
        return "response_hours";
    }
    return NULL;
}

int programme_create(Db *db, int64_t org_id, const ProgrammeInput *in, UsTime now, int64_t *id)
{
    const char *msg;
    if (programme_check(in, &msg)) return LN_EINVAL;
    int rc = db_query_i64(db, id,
        "INSERT INTO programme (org_id, title, objectives, estimated_minutes, assistance, response_hours, created_at,"
        " updated_at, prerequisites) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
        "ittitiit", org_id, in->title, in->objectives ? in->objectives : "",
        in->estimated_minutes > 0 ? in->estimated_minutes : 0, in->assistance ? in->assistance : "",
        in->response_hours >= 0 ? in->response_hours : 48, now, in->prerequisites ? in->prerequisites : "");
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

int programme_update(Db *db, const Programme *p, const ProgrammeInput *in, UsTime now)
{
    const char *msg;
    ProgrammeInput full = {in->title ? in->title : p->title, in->objectives ? in->objectives : p->objectives,
                           in->assistance ? in->assistance : p->assistance,
                           in->prerequisites ? in->prerequisites : p->prerequisites,
                           in->estimated_minutes >= 0 ? in->estimated_minutes : p->estimated_minutes,
                           in->response_hours >= 0 ? in->response_hours : p->response_hours};
    if (programme_check(&full, &msg)) return LN_EINVAL;
    return db_change(db, "UPDATE programme SET title = $1, objectives = $2, assistance = $3, prerequisites = $4,"
                         " estimated_minutes = $5, response_hours = $6, updated_at = $7 WHERE id = $8 AND org_id = $9",
                     "ttttiiiii", full.title, full.objectives, full.assistance, full.prerequisites,
                     full.estimated_minutes, full.response_hours, now, p->id, p->org_id);
}

#define PROGRAMME_COLS "p.id, p.org_id, p.title, p.objectives, p.assistance, p.estimated_minutes, p.response_hours," \
                       " o.slug, o.name, p.prerequisites"

static void programme_read(DbStmt *st, Arena *a, Programme *p)
{
    p->id = db_col_i64(st, 0);
    p->org_id = db_col_i64(st, 1);
    p->title = db_col_dup(st, 2, a);
    p->objectives = db_col_dup(st, 3, a);
    p->assistance = db_col_dup(st, 4, a);
    p->estimated_minutes = db_col_i64(st, 5);
    p->response_hours = db_col_i64(st, 6);
    p->org_slug = db_col_dup(st, 7, a);
    p->org_name = db_col_dup(st, 8, a);
    p->prerequisites = db_col_dup(st, 9, a);
}

int programme_load(Db *db, Arena *a, int64_t id, Programme *out)
{
    DbStmt *st = db_prepare(db, "SELECT " PROGRAMME_COLS " FROM programme p JOIN org o ON o.id = p.org_id WHERE p.id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) programme_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int programme_load_in(Db *db, Arena *a, int64_t org_id, int64_t id, Programme *out)
{
    int rc = programme_load(db, a, id, out);
    return rc == LN_OK && out->org_id != org_id ? LN_NOTFOUND : rc;
}

int programme_list_org(Db *db, Arena *a, int64_t org_id, ProgrammeList *out)
{
    DbStmt *st = db_prepare(db, "SELECT " PROGRAMME_COLS " FROM programme p JOIN org o ON o.id = p.org_id"
                                " WHERE p.org_id = $1 ORDER BY p.title, p.id LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 200 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(Programme));
        programme_read(st, a, &out->items[out->n++]);
    }
    db_done(st);
    return LN_OK;
}

int programme_set_courses(Db *db, const Programme *p, const int64_t *ids, int n, UsTime now)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = db_run(db, "UPDATE course SET programme_id = NULL, position = 0 WHERE programme_id = $1 AND org_id = $2",
                    "ii", p->id, p->org_id) == DB_DONE ? LN_OK : LN_EDB;
    for (int i = 0; rc == LN_OK && i < n; i++) {
        rc = db_change(db, "UPDATE course SET programme_id = $1, position = $2, updated_at = $4"
                           " WHERE id = $3 AND org_id = $5", "iiiii", p->id, (int64_t)i + 1, ids[i], now, p->org_id);
        if (rc == LN_NOTFOUND) rc = LN_EINVAL;      /* not a course of this organisation */
    }
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

int programme_courses(Db *db, Arena *a, const Programme *p, CourseList *out)
{
    DbStmt *st = db_prepare(db, "SELECT " COURSE_COLS " FROM course c JOIN org o ON o.id = c.org_id"
                                " WHERE c.programme_id = $1 ORDER BY c.position, c.id LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, p->id);
    return read_list(st, a, 200, out);
}

int run_ref(Db *db, Arena *a, int64_t org_id, int64_t id, RunRef *out)
{
    DbStmt *st = db_prepare(db,
        "SELECT r.id, r.org_id, r.course_id, r.capacity, r.title, r.visibility, c.published, r.enrol_from, r.enrol_until,"
        " r.pacing, r.starts_at, r.ends_at, r.join_code, r.approval, COALESCE(r.trainer_id, 0)"
        " FROM course_run r JOIN course c ON c.id = r.course_id WHERE r.id = $1 AND ($2 = 0 OR r.org_id = $2)");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_i64(st, 0);
        out->org_id = db_col_i64(st, 1);
        out->course_id = db_col_i64(st, 2);
        out->capacity = db_col_is_null(st, 3) ? 0 : db_col_i64(st, 3);
        out->title = db_col_dup(st, 4, a);
        out->visibility = db_col_dup(st, 5, a);
        out->published = db_col_i64(st, 6) != 0;
        out->enrol_from = db_col_i64(st, 7);
        out->enrol_until = db_col_i64(st, 8);
        out->pacing = db_col_dup(st, 9, a);
        out->starts_at = db_col_i64(st, 10);
        out->ends_at = db_col_i64(st, 11);
        out->join_code = db_col_dup(st, 12, a);
        out->approval = db_col_i64(st, 13) != 0;
        out->trainer_id = db_col_i64(st, 14);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}
