/* db_sqlite.c — SQLite backend: WAL, busy timeout, statements cached per
 * connection, $N parameters bound by name. */
#include "db/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct SqStmt {
    struct DbStmt base;
    sqlite3_stmt *st;
    char *sql;
    struct SqStmt *next;    /* cache list */
    bool in_use;
    int64_t changes;
} SqStmt;

typedef struct SqDb {
    struct Db base;
    sqlite3 *h;
    SqStmt *cache;
    char err[512];
} SqDb;

#define SQ(db) ((SqDb *)(db))
#define SQS(st) ((SqStmt *)(st))

static void set_err(SqDb *d, const char *what)
{
    snprintf(d->err, sizeof d->err, "%s%s%s", what ? what : "", what ? ": " : "",
             sqlite3_errmsg(d->h));
}

static Db *sq_open(const char *url, const DbOptions *opt, char **err)
{
    const char *path = url + strlen("sqlite:");
    SqDb *d = xcalloc(1, sizeof *d);
    d->base.be = &db_sqlite_backend;
    int rc = sqlite3_open_v2(path, &d->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot open SQLite database %s: %s", path,
                 d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
        *err = xstrdup(msg);
        sqlite3_close(d->h);
        free(d);
        return NULL;
    }
    sqlite3_busy_timeout(d->h, opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000);
    sqlite3_extended_result_codes(d->h, 1);
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;",
             opt->sync_full ? "FULL" : "NORMAL");
    char *e = NULL;
    if (sqlite3_exec(d->h, pragmas, NULL, NULL, &e) != SQLITE_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot set up SQLite database %s: %s", path, e ? e : "?");
        sqlite3_free(e);
        *err = xstrdup(msg);
        sqlite3_close(d->h);
        free(d);
        return NULL;
    }
    return &d->base;
}

static void sq_close(Db *db)
{
    SqDb *d = SQ(db);
    SqStmt *s = d->cache;
    while (s) {
        SqStmt *n = s->next;
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
        s = n;
    }
    sqlite3_close(d->h);
    free(d);
}

static const char *sq_errmsg(Db *db) { return SQ(db)->err; }

static bool sq_ping(Db *db) { return sqlite3_exec(SQ(db)->h, "SELECT 1", NULL, NULL, NULL) == SQLITE_OK; }

static int map_rc(int rc)
{
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE || rc == SQLITE_OK) return DB_DONE;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return DB_CONSTRAINT;
    return DB_ERROR;
}

static int sq_exec(Db *db, const char *sql)
{
    char *e = NULL;
    int rc = sqlite3_exec(SQ(db)->h, sql, NULL, NULL, &e);
    if (rc != SQLITE_OK) {
        snprintf(SQ(db)->err, sizeof SQ(db)->err, "%s", e ? e : sqlite3_errstr(rc));
        sqlite3_free(e);
    }
    return map_rc(rc);
}

static DbStmt *sq_prepare(Db *db, const char *sql)
{
    SqDb *d = SQ(db);
    for (SqStmt *s = d->cache; s; s = s->next) {
        if (!s->in_use && strcmp(s->sql, sql) == 0) {
            s->in_use = true;
            s->changes = 0;
            return &s->base;
        }
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        set_err(d, "prepare");
        log_error("SQLite prepare failed: %s -- %s", d->err, sql);
        return NULL;
    }
    SqStmt *s = xcalloc(1, sizeof *s);
    s->base.be = &db_sqlite_backend;
    s->base.db = db;
    s->st = st;
    s->sql = xstrdup(sql);
    s->in_use = true;
    s->next = d->cache;
    d->cache = s;
    return &s->base;
}

/* "$N" → SQLite's index for that name; 0 when the SQL does not use it. */
static int param_index(SqStmt *s, int idx)
{
    char name[16];
    snprintf(name, sizeof name, "$%d", idx);
    return sqlite3_bind_parameter_index(s->st, name);
}

static void sq_bind_i64(DbStmt *st, int idx, int64_t v)
{
    int i = param_index(SQS(st), idx);
    LN_ASSERT(i > 0);   /* binding a parameter the SQL lacks is a bug */
    sqlite3_bind_int64(SQS(st)->st, i, v);
}

static void sq_bind_text(DbStmt *st, int idx, const char *s)
{
    int i = param_index(SQS(st), idx);
    LN_ASSERT(i > 0);
    sqlite3_bind_text(SQS(st)->st, i, s, -1, SQLITE_TRANSIENT);
}

static void sq_bind_null(DbStmt *st, int idx)
{
    int i = param_index(SQS(st), idx);
    LN_ASSERT(i > 0);
    sqlite3_bind_null(SQS(st)->st, i);
}

static int sq_step(DbStmt *st)
{
    SqStmt *s = SQS(st);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_DONE) s->changes = sqlite3_changes64(SQ(st->db)->h);
    else if (rc != SQLITE_ROW) set_err(SQ(st->db), NULL);
    return map_rc(rc);
}

static int sq_col_count(DbStmt *st) { return sqlite3_column_count(SQS(st)->st); }
static bool sq_col_is_null(DbStmt *st, int c) { return sqlite3_column_type(SQS(st)->st, c) == SQLITE_NULL; }
static int64_t sq_col_i64(DbStmt *st, int c) { return sqlite3_column_int64(SQS(st)->st, c); }

static const char *sq_col_text(DbStmt *st, int c)
{
    const unsigned char *t = sqlite3_column_text(SQS(st)->st, c);
    return t ? (const char *)t : "";
}

static int64_t sq_changes(DbStmt *st) { return SQS(st)->changes; }

static void sq_done(DbStmt *st)
{
    SqStmt *s = SQS(st);
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->in_use = false;
}

const DbBackend db_sqlite_backend = {
    .kind = DB_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .errmsg = sq_errmsg,
    .ping = sq_ping,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_i64 = sq_bind_i64,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_count = sq_col_count,
    .col_is_null = sq_col_is_null,
    .col_i64 = sq_col_i64,
    .col_text = sq_col_text,
    .changes = sq_changes,
    .done = sq_done,
};
