/* db_sqlite.c — SQLite backend: WAL, busy timeout, statements cached per
 * connection, $N parameters bound by name, one read snapshot per request
 * (db.h db_read_snapshot), and the epochs (db.h db_epoch): counters in a
 * small file shared by every process on the database, bumped after a
 * transaction that changed who is signed in or what a cached count shows.
 *
 * Writers of one process take turns on a mutex per database file before
 * SQLite's write lock: a connection that finds the write lock taken would
 * otherwise sleep in SQLite's busy handler (1, 2, 5, 10... ms) even when
 * the holder commits a moment later, which made two HTTP threads and the
 * batching writer queue for milliseconds per write.  Other processes still
 * meet SQLite's lock and busy timeout. */
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct SqStmt {
    struct DbStmt base;
    sqlite3_stmt *st;
    const char *sql_at;     /* the caller's SQL pointer (mostly a literal) */
    char *sql;
    struct SqStmt *next;    /* cache list */
    bool in_use;
    int64_t changes;
} SqStmt;

typedef struct SqDb {
    struct Db base;
    sqlite3 *h;
    SqStmt *cache;
    uint64_t *epoch;        /* DB_EPOCHS counters mapped from PATH-lectern-epoch; NULL: no caches */
    pthread_mutex_t *wlock; /* this database file's writers' turn (NULL: in-memory) */
    bool holding;           /* this connection holds *wlock */
    int busy_ms;
    unsigned dirty;         /* epochs (1 << DbEpoch) this transaction's changes move */
    bool snap_want;         /* db_read_snapshot on */
    bool snap_open;         /* we opened a read transaction for it */
    sqlite3_stmt *snap_sql[2];  /* BEGIN, COMMIT: prepared once, not parsed per request */
    uint64_t snap_epoch[DB_EPOCHS]; /* the epochs as the snapshot began */
    char err[512];
} SqDb;

#define SQ(db) ((SqDb *)(db))
#define SQS(st) ((SqStmt *)(st))

static void set_err(SqDb *d, const char *what)
{
    snprintf(d->err, sizeof d->err, "%s%s%s", what ? what : "", what ? ": " : "",
             sqlite3_errmsg(d->h));
}

/* ---- writers' turns -------------------------------------------------------
 * One mutex per database file for the process's life (a handful of files). */
typedef struct FileLock { char *path; pthread_mutex_t m; struct FileLock *next; } FileLock;
static pthread_mutex_t locks_guard = PTHREAD_MUTEX_INITIALIZER;
static FileLock *locks;

static pthread_mutex_t *file_lock(const char *path)
{
    char real[PATH_MAX];
    if (!*path || str_eq(path, ":memory:") || str_startswith(path, "file:") || !realpath(path, real)) return NULL;
    pthread_mutex_lock(&locks_guard);
    FileLock *f = locks;
    while (f && !str_eq(f->path, real)) f = f->next;
    if (!f) {
        f = xcalloc(1, sizeof *f);
        f->path = xstrdup(real);
        pthread_mutex_init(&f->m, NULL);
        f->next = locks;
        locks = f;
    }
    pthread_mutex_unlock(&locks_guard);
    return &f->m;
}

/* Wait for our turn, at most as long as SQLite would; past that, go on
 * and let SQLite's lock decide (a turn is never a deadlock). */
static void turn_take(SqDb *d)
{
    if (!d->wlock || d->holding) return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += d->busy_ms / 1000;
    until.tv_nsec += (long)(d->busy_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    d->holding = pthread_mutex_timedlock(d->wlock, &until) == 0;
}

static void turn_give(SqDb *d)
{
    if (d->holding && sqlite3_get_autocommit(d->h)) {
        d->holding = false;
        pthread_mutex_unlock(d->wlock);
    }
}

/* ---- epochs (db.h db_epoch) ----------------------------------------------
 * Which epoch a change to a table moves.  Sign-in: tables whose changes can
 * make a cached session or organisation list stale (new sessions and new
 * users cannot, so inserts into those are not counted).  Notifications:
 * what a cached unread count depends on. */
static void epoch_hook(void *arg, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
    SqDb *d = arg;
    bool insert_only_new = str_eq(table, "user_session") || str_eq(table, "app_user");
    if (str_eq(table, "membership") || str_eq(table, "org") || (insert_only_new && op != SQLITE_INSERT))
        d->dirty |= 1u << DB_EPOCH_AUTH;
    else if (str_eq(table, "forum_notification") || str_eq(table, "enrolment"))
        d->dirty |= 1u << DB_EPOCH_NOTES;
}

/* The epoch file beside a database file (64 bytes: one counter per epoch);
 * an in-memory or URI database has none, and then nothing is cached. */
static uint64_t *epoch_map(const char *path)
{
    if (!*path || str_eq(path, ":memory:") || str_startswith(path, "file:")) return NULL;
    char name[4096];
    if ((size_t)snprintf(name, sizeof name, "%s-lectern-epoch", path) >= sizeof name) return NULL;
    int fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return NULL;
    struct stat sb;
    void *m = MAP_FAILED;
    if (fstat(fd, &sb) == 0 && (sb.st_size >= 64 || ftruncate(fd, 64) == 0))
        m = mmap(NULL, 64, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return m == MAP_FAILED ? NULL : m;
}

static void sq_epoch_bump(Db *db, DbEpoch which)
{
    if (SQ(db)->epoch) __atomic_add_fetch(&SQ(db)->epoch[which], 1, __ATOMIC_SEQ_CST);
}

/* After a statement: once no transaction is open, a counted change is
 * committed (or rolled back, which costs a cache miss and nothing else). */
static void epoch_settle(SqDb *d)
{
    if (d->dirty && sqlite3_get_autocommit(d->h)) {
        for (int e = 0; e < DB_EPOCHS; e++)
            if (d->dirty & (1u << e)) sq_epoch_bump(&d->base, (DbEpoch)e);
        d->dirty = 0;
    }
}

static uint64_t epoch_now(SqDb *d, DbEpoch which)
{
    /* 0 means "no cache": skip it if the counter ever wraps to it */
    return d->epoch ? __atomic_load_n(&d->epoch[which], __ATOMIC_SEQ_CST) | (UINT64_C(1) << 63) : 0;
}

/* Inside a read snapshot, the epochs as it began: a cache entry filled from
 * the snapshot must not carry a later number than its data (a change
 * committed since would then never make it stale). */
static uint64_t sq_epoch(Db *db, DbEpoch which)
{
    SqDb *d = SQ(db);
    return d->snap_open ? d->snap_epoch[which] : epoch_now(d, which);
}

/* ---- SQLite's mutexes: glibc's adaptive kind ---------------------------------
 * The connections of one process share a mutex per shared-memory file, held
 * while a read transaction starts or ends (with a lock call to the kernel
 * inside).  A plain pthread mutex sends the other HTTP thread to sleep in
 * the kernel for that microsecond, then wakes it: a context switch each way
 * per page.  The adaptive kind spins a moment first.  Otherwise these are
 * SQLite's own pthread mutexes (same kinds, same rules). */
struct sqlite3_mutex { pthread_mutex_t m; bool dynamic; };
static struct sqlite3_mutex mx_static[SQLITE_MUTEX_STATIC_VFS3 - SQLITE_MUTEX_STATIC_MAIN + 1];

static void mx_setup(struct sqlite3_mutex *x, bool recursive)
{
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_settype(&at, recursive ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&x->m, &at);
    pthread_mutexattr_destroy(&at);
}

static void mx_statics_setup(void)
{
    for (size_t i = 0; i < LN_ARRAY_LEN(mx_static); i++) mx_setup(&mx_static[i], false);
}

static int mx_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, mx_statics_setup);
    return SQLITE_OK;
}
static int mx_end(void) { return SQLITE_OK; }

static sqlite3_mutex *mx_alloc(int id)
{
    if (id == SQLITE_MUTEX_FAST || id == SQLITE_MUTEX_RECURSIVE) {
        struct sqlite3_mutex *x = calloc(1, sizeof *x);
        if (!x) return NULL;
        mx_setup(x, id == SQLITE_MUTEX_RECURSIVE);
        x->dynamic = true;
        return x;
    }
    if (id < SQLITE_MUTEX_STATIC_MAIN || id > SQLITE_MUTEX_STATIC_VFS3) return NULL;
    return &mx_static[id - SQLITE_MUTEX_STATIC_MAIN];
}

static void mx_free(sqlite3_mutex *x)
{
    if (!x->dynamic) return;
    pthread_mutex_destroy(&x->m);
    free(x);
}

static void mx_enter(sqlite3_mutex *x) { pthread_mutex_lock(&x->m); }
static int mx_try(sqlite3_mutex *x) { return pthread_mutex_trylock(&x->m) == 0 ? SQLITE_OK : SQLITE_BUSY; }
static void mx_leave(sqlite3_mutex *x) { pthread_mutex_unlock(&x->m); }
static int mx_yes(sqlite3_mutex *x) { (void)x; return 1; }

/* Before SQLite's first use.  No memory statistics either (we read none):
 * they take one process-wide mutex on every allocation of every connection. */
static void sq_configure(void)
{
    static const sqlite3_mutex_methods mx = {mx_init, mx_end, mx_alloc, mx_free, mx_enter,
                                             mx_try, mx_leave, mx_yes, mx_yes};
    sqlite3_config(SQLITE_CONFIG_MUTEX, &mx);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static Db *sq_open(const char *url, const DbOptions *opt, char **err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_configure);
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
    d->busy_ms = opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
    sqlite3_busy_timeout(d->h, d->busy_ms);
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
    if ((d->epoch = epoch_map(path))) sqlite3_update_hook(d->h, epoch_hook, d);
    d->wlock = file_lock(path);
    return &d->base;
}

static void sq_close(Db *db)
{
    SqDb *d = SQ(db);
    if (d->holding) {
        d->holding = false;
        pthread_mutex_unlock(d->wlock);
    }
    sqlite3_finalize(d->snap_sql[0]);
    sqlite3_finalize(d->snap_sql[1]);
    SqStmt *s = d->cache;
    while (s) {
        SqStmt *n = s->next;
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
        s = n;
    }
    sqlite3_close(d->h);
    if (d->epoch) munmap(d->epoch, 64);
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

/* ---- the request's read snapshot (db.h db_read_snapshot) ---- */

/* BEGIN (0) or COMMIT (1) */
static bool snap_run(SqDb *d, int which)
{
    sqlite3_stmt **st = &d->snap_sql[which];
    if (!*st && sqlite3_prepare_v3(d->h, which ? "COMMIT" : "BEGIN", -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return false;
    int rc = sqlite3_step(*st);
    sqlite3_reset(*st);
    return rc == SQLITE_DONE;
}

static void snap_end(SqDb *d)
{
    /* Ends a read transaction: cannot fail for want of a lock.  If it did,
     * the snapshot stays open and a write upgrades it (committed by "off"). */
    if (d->snap_open && snap_run(d, 1)) d->snap_open = false;
}

static void snap_begin(SqDb *d)
{
    for (int e = 0; e < DB_EPOCHS; e++) d->snap_epoch[e] = epoch_now(d, (DbEpoch)e);
    if (snap_run(d, 0)) d->snap_open = true;
}

static void sq_read_snapshot(Db *db, bool on)
{
    SqDb *d = SQ(db);
    d->snap_want = on;
    if (!on && d->snap_open) {
        if (!snap_run(d, 1)) sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        d->snap_open = false;
        epoch_settle(d);
        turn_give(d);
    }
}

static int sq_exec(Db *db, const char *sql)
{
    char *e = NULL;
    snap_end(SQ(db));       /* BEGIN, DDL, pragmas: outside the snapshot */
    /* BEGIN IMMEDIATE (db_begin) takes the write lock at once: take our turn first */
    if (str_startswith(sql, "BEGIN IMMEDIATE") || str_startswith(sql, "BEGIN EXCLUSIVE")) turn_take(SQ(db));
    int rc = sqlite3_exec(SQ(db)->h, sql, NULL, NULL, &e);
    epoch_settle(SQ(db));
    turn_give(SQ(db));
    if (rc != SQLITE_OK) {
        snprintf(SQ(db)->err, sizeof SQ(db)->err, "%s", e ? e : sqlite3_errstr(rc));
        sqlite3_free(e);
    }
    return map_rc(rc);
}

static DbStmt *stmt_take(SqStmt *s)
{
    s->in_use = true;
    s->changes = 0;
    return &s->base;
}

/* A connection caches every statement it prepared (a few hundred over a
 * server's life).  SQL is nearly always a literal, so the same pointer
 * finds it without comparing text; built SQL falls back to the text. */
static DbStmt *sq_prepare(Db *db, const char *sql)
{
    SqDb *d = SQ(db);
    for (SqStmt *s = d->cache; s; s = s->next)
        if (s->sql_at == sql && !s->in_use && strcmp(s->sql, sql) == 0) return stmt_take(s);
    for (SqStmt *s = d->cache; s; s = s->next)
        if (!s->in_use && strcmp(s->sql, sql) == 0) return stmt_take(s);
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
    s->sql_at = sql;
    s->in_use = true;
    s->next = d->cache;
    d->cache = s;
    return &s->base;
}

/* "$N" → SQLite's index for that name; 0 when the SQL does not use it.
 * SQLite numbers "$N" parameters in order of first appearance, so the
 * index is usually N itself: checked by name before the search. */
static int param_index(SqStmt *s, int idx)
{
    char name[16];
    name[0] = '$';
    int n = 1;
    if (idx >= 100 || idx < 1) n += snprintf(name + 1, sizeof name - 1, "%d", idx);
    else {
        if (idx >= 10) name[n++] = (char)('0' + idx / 10);
        name[n++] = (char)('0' + idx % 10);
        name[n] = 0;
    }
    const char *at = idx <= sqlite3_bind_parameter_count(s->st) ? sqlite3_bind_parameter_name(s->st, idx) : NULL;
    if (at && strcmp(at, name) == 0) return idx;
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
    SqDb *d = SQ(st->db);
    if (!sqlite3_stmt_readonly(s->st)) {
        snap_end(d);
        if (!d->holding) turn_take(d);
    } else if (d->snap_want && !d->snap_open && !sqlite3_stmt_busy(s->st) && sqlite3_get_autocommit(d->h)) {
        snap_begin(d);
    }
    int rc = sqlite3_step(s->st);
    if (rc != SQLITE_ROW) {
        epoch_settle(d);
        turn_give(d);
    }
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
    /* a write that returned rows (RETURNING) ends its own transaction here */
    epoch_settle(SQ(st->db));
    turn_give(SQ(st->db));
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
    .epoch = sq_epoch,
    .epoch_bump = sq_epoch_bump,
    .read_snapshot = sq_read_snapshot,
};
