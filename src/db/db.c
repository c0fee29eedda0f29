/* db.c — dispatch to the backend, convenience calls, connection pool,
 * migrations. */
#include "db/db.h"
#include "core/embed.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Db *db_open(const char *url, const DbOptions *opt, char **err)
{
    DbOptions def = {0};
    if (!opt) opt = &def;
    if (str_startswith(url, "sqlite:")) return db_sqlite_backend.open(url, opt, err);
    if (str_startswith(url, "postgres://") || str_startswith(url, "postgresql://"))
        return db_pg_backend.open(url, opt, err);
    *err = xstrdup("database URL must start with sqlite: or postgres://");
    return NULL;
}

void db_close(Db *db) { if (db) db->be->close(db); }
DbKind db_kind(const Db *db) { return db->be->kind; }
const char *db_errmsg(Db *db) { return db->be->errmsg(db); }
bool db_ping(Db *db) { return db->be->ping(db); }
int db_exec(Db *db, const char *sql) { return db->be->exec(db, sql); }

int db_begin(Db *db)
{
    return db_exec(db, db->be->kind == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
}
int db_commit(Db *db) { return db_exec(db, "COMMIT"); }
int db_rollback(Db *db) { return db_exec(db, "ROLLBACK"); }

DbStmt *db_prepare(Db *db, const char *sql) { return db->be->prepare(db, sql); }
void db_bind_i64(DbStmt *st, int idx, int64_t v) { st->be->bind_i64(st, idx, v); }
void db_bind_text(DbStmt *st, int idx, const char *s)
{
    if (s) st->be->bind_text(st, idx, s);
    else st->be->bind_null(st, idx);
}
void db_bind_null(DbStmt *st, int idx) { st->be->bind_null(st, idx); }
void db_bind_time(DbStmt *st, int idx, UsTime t)
{
    if (t > 0) db_bind_i64(st, idx, t);
    else db_bind_null(st, idx);
}
int db_step(DbStmt *st) { return st->be->step(st); }
int db_col_count(DbStmt *st) { return st->be->col_count(st); }
bool db_col_is_null(DbStmt *st, int col) { return st->be->col_is_null(st, col); }
int64_t db_col_i64(DbStmt *st, int col) { return st->be->col_i64(st, col); }
const char *db_col_text(DbStmt *st, int col) { return st->be->col_text(st, col); }
int64_t db_changes(DbStmt *st) { return st->be->changes(st); }
void db_done(DbStmt *st) { if (st) st->be->done(st); }
uint64_t db_epoch(Db *db, DbEpoch which) { return db->be->epoch ? db->be->epoch(db, which) : 0; }
void db_epoch_bump(Db *db, DbEpoch which) { if (db->be->epoch_bump) db->be->epoch_bump(db, which); }
void db_read_snapshot(Db *db, bool on) { if (db->be->read_snapshot) db->be->read_snapshot(db, on); }

char *db_col_dup(DbStmt *st, int col, Arena *a)
{
    if (db_col_is_null(st, col)) return NULL;
    return arena_strdup(a, db_col_text(st, col));
}

void db_bind_va(DbStmt *st, const char *spec, va_list ap)
{
    for (int i = 0; spec && spec[i]; i++) {
        switch (spec[i]) {
        case 'i': db_bind_i64(st, i + 1, va_arg(ap, int64_t)); break;
        case 't': db_bind_text(st, i + 1, va_arg(ap, const char *)); break;
        case 'n': db_bind_null(st, i + 1); break;
        default: LN_ASSERT(!"bad bind spec");
        }
    }
}

/* Prepare and bind from a spec; NULL when the SQL does not prepare. */
static DbStmt *prepare_bound(Db *db, const char *sql, const char *spec, va_list ap)
{
    DbStmt *st = db_prepare(db, sql);
    if (st) db_bind_va(st, spec, ap);
    return st;
}

int db_end(Db *db, int rc)
{
    if (rc == LN_OK && db_commit(db) == DB_DONE) return LN_OK;
    db_rollback(db);
    return rc == LN_OK ? LN_EDB : rc;
}

DbStmt *db_prepare_bound(Db *db, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    DbStmt *st = prepare_bound(db, sql, spec, ap);
    va_end(ap);
    return st;
}

int db_run(Db *db, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    DbStmt *st = prepare_bound(db, sql, spec, ap);
    va_end(ap);
    if (!st) return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {}
    db_done(st);
    return rc;
}

int db_change(Db *db, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    DbStmt *st = prepare_bound(db, sql, spec, ap);
    va_end(ap);
    return st ? db_step_change(st) : LN_EDB;
}

int db_step_change(DbStmt *st)
{
    int rc = db_step(st);
    int64_t n = db_changes(st);
    db_done(st);
    if (rc == DB_CONSTRAINT) return LN_EEXIST;
    return rc != DB_DONE ? LN_EDB : n ? LN_OK : LN_NOTFOUND;
}

int db_query_i64(Db *db, int64_t *out, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    DbStmt *st = prepare_bound(db, sql, spec, ap);
    va_end(ap);
    if (!st) return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *out = db_col_i64(st, 0);
        int more;
        while ((more = db_step(st)) == DB_ROW) {}
        if (more != DB_DONE) rc = more;
    }
    db_done(st);
    return rc;
}

char *db_query_text(Db *db, Arena *a, const char *sql, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    DbStmt *st = prepare_bound(db, sql, spec, ap);
    va_end(ap);
    if (!st) return NULL;
    char *v = db_step(st) == DB_ROW ? db_col_dup(st, 0, a) : NULL;
    db_done(st);
    return v;
}

char *db_like_contains(Arena *a, const char *text)
{
    Buf b;
    buf_init(&b, 0);
    buf_putc(&b, '%');
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* ======================================================================
 * Pool: a fixed set of connections opened at start.
 * ==================================================================== */

struct DbPool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    Db **free_list;
    int nfree, size;
    int64_t waits;
    DbOptions opt;
};

DbPool *db_pool_new(const char *url, const DbOptions *opt, int size, char **err)
{
    DbPool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->free_list = xcalloc((size_t)size, sizeof(Db *));
    if (opt) p->opt = *opt;
    for (int i = 0; i < size; i++) {
        Db *db = db_open(url, &p->opt, err);
        if (!db) {
            db_pool_free(p);
            return NULL;
        }
        p->free_list[p->nfree++] = db;
        p->size++;
    }
    return p;
}

void db_pool_free(DbPool *p)
{
    if (!p) return;
    for (int i = 0; i < p->nfree; i++) db_close(p->free_list[i]);
    free(p->free_list);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}

Db *db_pool_get(DbPool *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->nfree == 0) p->waits++;
    while (p->nfree == 0) pthread_cond_wait(&p->cv, &p->mu);
    Db *db = p->free_list[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return db;
}

void db_pool_put(DbPool *p, Db *db)
{
    pthread_mutex_lock(&p->mu);
    p->free_list[p->nfree++] = db;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void db_pool_stats(DbPool *p, int *size, int *in_use, int64_t *waits)
{
    pthread_mutex_lock(&p->mu);
    *size = p->size;
    *in_use = p->size - p->nfree;
    *waits = p->waits;
    pthread_mutex_unlock(&p->mu);
}


/* ======================================================================
 * Migrations: migrations/NNN_name.sql, compiled into the binary.  The
 * per-backend differences are the macros below (table definitions) and,
 * where a whole statement differs (a full-text index), sections: a line
 * "-- @sqlite" or "-- @postgres" starts lines for that backend only, a line
 * "-- @all" goes back to lines for both.
 * ==================================================================== */

static const struct { const char *macro, *sqlite, *pg; } dialect[] = {
    {"{{ID}}", "INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
    {"{{BLOB}}", "BLOB", "BYTEA"},
};

/* The backend a section marker line selects: DB_SQLITE, DB_POSTGRES, 0 for
 * "-- @all", -1 when the line is not a marker. */
static int section_marker(const char *line, size_t len)
{
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r')) len--;
    static const struct { const char *text; int kind; } marks[] = {
        {"-- @sqlite", DB_SQLITE}, {"-- @postgres", DB_POSTGRES}, {"-- @all", 0},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(marks); i++)
        if (len == strlen(marks[i].text) && memcmp(line, marks[i].text, len) == 0) return marks[i].kind;
    return -1;
}

char *db_expand(DbKind kind, const char *src)
{
    Buf b;
    buf_init(&b, 0);
    const char *p = src;
    int section = 0;        /* 0: both backends */
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        int mark = section_marker(p, len);
        if (mark >= 0) section = mark;
        bool keep = mark < 0 && (section == 0 || section == (int)kind);
        const char *end = p + len + (eol ? 1 : 0);
        while (keep && p < end) {
            bool hit = false;
            for (size_t i = 0; i < LN_ARRAY_LEN(dialect); i++) {
                size_t ml = strlen(dialect[i].macro);
                if ((size_t)(end - p) >= ml && strncmp(p, dialect[i].macro, ml) == 0) {
                    buf_puts(&b, kind == DB_SQLITE ? dialect[i].sqlite : dialect[i].pg);
                    p += ml;
                    hit = true;
                    break;
                }
            }
            if (!hit) buf_putc(&b, *p++);
        }
        p = end;
    }
    return buf_steal(&b);
}

static int migration_version(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int64_t v = 0;
    char num[8] = {0};
    for (int i = 0; i < 7 && base[i] >= '0' && base[i] <= '9'; i++) num[i] = base[i];
    return str_to_i64(num, &v) ? (int)v : -1;
}

int db_schema_version(Db *db)
{
    int64_t v = 0;
    int rc = db_query_i64(db, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", "");
    return rc == DB_ROW ? (int)v : 0;
}

static int apply_one(Db *db, const EmbeddedFile *f, int version, bool verbose)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    if (db_kind(db) == DB_POSTGRES)     /* serialise concurrent start-ups */
        db_exec(db, "SELECT pg_advisory_xact_lock(7244501)");
    int64_t seen = 0;
    db_query_i64(db, &seen, "SELECT count(*) FROM schema_migration WHERE version = $1", "i",
                 (int64_t)version);
    if (seen) {
        db_rollback(db);
        return 0;
    }
    char *sql = db_expand(db_kind(db), (const char *)f->data);
    int rc = db_exec(db, sql);
    free(sql);
    if (rc == DB_DONE)
        rc = db_run(db, "INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)",
                    "iti", (int64_t)version, f->path, time_now_us());
    if (rc != DB_DONE || db_commit(db) != DB_DONE) {
        log_error("migration %s failed: %s", f->path, db_errmsg(db));
        db_rollback(db);
        return LN_EDB;
    }
    if (verbose) log_info("applied migration %s", f->path);
    return 1;
}

int db_migrate(Db *db, bool verbose)
{
    if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migration ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")
        != DB_DONE) {
        log_error("cannot create schema_migration: %s", db_errmsg(db));
        return LN_EDB;
    }
    int applied = 0;
    /* embedded_files is sorted by path, so migrations come in order. */
    for (const EmbeddedFile *f = embedded_files; f->path; f++) {
        if (!str_startswith(f->path, "migrations/")) continue;
        int v = migration_version(f->path);
        if (v <= 0) continue;
        int rc = apply_one(db, f, v, verbose);
        if (rc < 0) return rc;
        applied += rc;
    }
    return applied;
}
