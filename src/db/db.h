/* db.h — the one storage API over SQLite and PostgreSQL.
 *
 * SQL is written once with $1..$n placeholders.  PostgreSQL takes them as
 * they are; the SQLite backend binds them by name ("$1"), because SQLite
 * numbers $N parameters by first appearance.  Times are integer microseconds
 * passed in by the caller.  Booleans are 0/1 integers.  IDs are 64-bit.
 *
 * A Db is one connection, used by one thread at a time.  Statements are
 * cached per connection by SQL text: db_prepare() on the same SQL returns the
 * cached statement, reset.  db_done() hands it back; it must be called before
 * the same SQL is prepared again on that connection.
 */
#ifndef LECTERN_DB_H
#define LECTERN_DB_H

#include "core/core.h"

typedef struct Db Db;
typedef struct DbStmt DbStmt;

typedef enum { DB_SQLITE = 1, DB_POSTGRES = 2 } DbKind;

enum { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1, DB_CONSTRAINT = -2 };

typedef struct DbOptions {
    bool sync_full;         /* SQLite: synchronous=FULL (default NORMAL) */
    int busy_timeout_ms;    /* SQLite: busy timeout (default 5000) */
} DbOptions;

/* Open "sqlite:PATH" or "postgres://..." / "postgresql://...".  On failure
 * returns NULL and sets *err to a malloc'd message (caller frees). */
Db *db_open(const char *url, const DbOptions *opt, char **err);
void db_close(Db *db);
DbKind db_kind(const Db *db);
/* Last error message of this connection (valid until the next call). */
const char *db_errmsg(Db *db);
/* Cheap liveness check: runs SELECT 1.  Reconnects a broken PG link. */
bool db_ping(Db *db);

/* Run SQL with no parameters (DDL, BEGIN...); rows it returns are
 * ignored.  May hold several statements separated by ';'.  Returns DB_DONE
 * on success, DB_CONSTRAINT or DB_ERROR. */
int db_exec(Db *db, const char *sql);

int db_begin(Db *db);       /* BEGIN (SQLite: BEGIN IMMEDIATE); DB_DONE on success */
/* End what db_begin began: commit when rc is LN_OK (then LN_EDB if the
 * commit fails), else roll back.  Returns the outcome. */
int db_end(Db *db, int rc);
int db_commit(Db *db);
int db_rollback(Db *db);

DbStmt *db_prepare(Db *db, const char *sql);    /* NULL on error (logged) */
void db_bind_i64(DbStmt *st, int idx, int64_t v);
void db_bind_text(DbStmt *st, int idx, const char *s);  /* NULL binds NULL */
void db_bind_null(DbStmt *st, int idx);
/* A time, or NULL when it is 0 (not set). */
void db_bind_time(DbStmt *st, int idx, UsTime t);
/* DB_ROW, DB_DONE, DB_CONSTRAINT (unique/foreign key/check), DB_ERROR. */
int db_step(DbStmt *st);
int db_col_count(DbStmt *st);
bool db_col_is_null(DbStmt *st, int col);
int64_t db_col_i64(DbStmt *st, int col);
/* Valid until the next db_step/db_done; copy with db_col_dup. */
const char *db_col_text(DbStmt *st, int col);      /* "" for NULL */
char *db_col_dup(DbStmt *st, int col, Arena *a);  /* NULL for NULL */
/* Rows changed by the last INSERT/UPDATE/DELETE run through `st`. */
int64_t db_changes(DbStmt *st);
void db_done(DbStmt *st);   /* reset and return to the cache */

/* ---- convenience --------------------------------------------------------- */
/* Run a statement to completion: DB_DONE, DB_CONSTRAINT or DB_ERROR.  The
 * values are bound from a printf-like spec: 'i' int64_t, 't' const char *,
 * 'n' null.  E.g. db_run(db, "UPDATE t SET a=$1 WHERE id=$2", "ti", s, id). */
int db_run(Db *db, const char *sql, const char *spec, ...);
/* Run a statement that returns one integer (e.g. INSERT ... RETURNING id,
 * SELECT count(*)).  Returns DB_ROW with *out set, DB_DONE, or an error. */
int db_query_i64(Db *db, int64_t *out, const char *sql, const char *spec, ...);
/* The same for one text value: the first column of the first row, in the
 * arena; NULL when there is no row, the value is NULL, or on an error. */
char *db_query_text(Db *db, Arena *a, const char *sql, const char *spec, ...);
/* Run an UPDATE or DELETE: LN_OK when it changed at least one row,
 * LN_NOTFOUND when it changed none, LN_EEXIST on a constraint, LN_EDB on
 * failure. */
int db_change(Db *db, const char *sql, const char *spec, ...);
/* The same for a statement the caller prepared and bound (then returned to
 * the cache). */
int db_step_change(DbStmt *st);
/* "%text%" for `LIKE $n ESCAPE '\'`, with %, _ and \ in `text` escaped so
 * that a person's text is matched literally.  In the arena. */
char *db_like_contains(Arena *a, const char *text);
/* Prepare and bind from a spec, for a caller that steps the rows itself (or
 * binds more values after the spec's).  NULL when the SQL does not prepare. */
DbStmt *db_prepare_bound(Db *db, const char *sql, const char *spec, ...);
/* Bind values from a spec (used by the above and by the batching writer). */
void db_bind_va(DbStmt *st, const char *spec, va_list ap);

/* ---- epochs ----------------------------------------------------------------
 * A number that changes after every committed change to some tables, on any
 * connection of any process using the same database: what a per-process
 * cache checks before trusting an entry it filled under an earlier number.
 *   DB_EPOCH_AUTH   sessions, accounts, memberships, organisations
 *                   (account/authcache.h: who is signed in, their orgs)
 *   DB_EPOCH_NOTES  forum notifications and enrolments (forum/notify.c:
 *                   the header's unread count)
 * 0: this store offers none, do not cache (PostgreSQL: another node's change
 * could not be seen without a round trip, which is what a cache saves; see
 * docs/architecture.md). */
typedef enum { DB_EPOCH_AUTH, DB_EPOCH_NOTES, DB_EPOCHS } DbEpoch;
uint64_t db_epoch(Db *db, DbEpoch which);
/* Move an epoch by hand: every process forgets what it cached (after
 * editing those tables outside Lectern; `lectern cache clear`). */
void db_epoch_bump(Db *db, DbEpoch which);

/* ---- one snapshot per request ----------------------------------------------
 * On: the connection's reads outside a transaction share one read
 * transaction, opened by the first of them, until a write, db_begin() or
 * "off" ends it (the next read opens another, which sees the write).  A
 * page's five queries then cost one read lock instead of five (SQLite takes
 * a lock on its shared-memory file and checks the file's size for each),
 * and they read the same moment.  Turn it off before a long job: a snapshot
 * held for minutes stops SQLite's checkpoints.  PostgreSQL: nothing (each
 * statement already reads without such a lock). */
void db_read_snapshot(Db *db, bool on);

/* ---- connection pool (one per process) ----------------------------------- */
typedef struct DbPool DbPool;
DbPool *db_pool_new(const char *url, const DbOptions *opt, int size, char **err);
void db_pool_free(DbPool *p);
Db *db_pool_get(DbPool *p);         /* blocks until one is free */
void db_pool_put(DbPool *p, Db *db);
void db_pool_stats(DbPool *p, int *size, int *in_use, int64_t *waits);

/* ---- migrations ---------------------------------------------------------- */
/* Apply every migration not yet recorded, each in its own transaction.
 * Returns the number applied, or a negative LN_ code. */
int db_migrate(Db *db, bool verbose);
int db_schema_version(Db *db);
/* Expand the table-definition macros ({{ID}}, {{BLOB}}) for a backend and
 * keep only its lines of per-backend sections ("-- @sqlite", "-- @postgres"
 * up to "-- @all" or the end); returns a malloc'd string. */
char *db_expand(DbKind kind, const char *sql);

/* ---- backend vtable (implemented by db_sqlite.c and db_pg.c) ------------- */
typedef struct DbBackend {
    DbKind kind;
    Db *(*open)(const char *url, const DbOptions *opt, char **err);
    void (*close)(Db *db);
    const char *(*errmsg)(Db *db);
    bool (*ping)(Db *db);
    int (*exec)(Db *db, const char *sql);
    DbStmt *(*prepare)(Db *db, const char *sql);
    void (*bind_i64)(DbStmt *st, int idx, int64_t v);
    void (*bind_text)(DbStmt *st, int idx, const char *s);
    void (*bind_null)(DbStmt *st, int idx);
    int (*step)(DbStmt *st);
    int (*col_count)(DbStmt *st);
    bool (*col_is_null)(DbStmt *st, int col);
    int64_t (*col_i64)(DbStmt *st, int col);
    const char *(*col_text)(DbStmt *st, int col);
    int64_t (*changes)(DbStmt *st);
    void (*done)(DbStmt *st);
    uint64_t (*epoch)(Db *db, DbEpoch which);   /* NULL: none */
    void (*epoch_bump)(Db *db, DbEpoch which);
    void (*read_snapshot)(Db *db, bool on);    /* NULL: none */
} DbBackend;

/* Every Db and DbStmt starts with this header so db.c can dispatch. */
struct Db { const DbBackend *be; };
struct DbStmt { const DbBackend *be; Db *db; };

extern const DbBackend db_sqlite_backend;
extern const DbBackend db_pg_backend;

#endif
