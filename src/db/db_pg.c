/* db_pg.c — the PostgreSQL backend of db.h, over libpq.
 *
 * Every statement is prepared once per connection under a generated name
 * ("s1", "s2", ...) and run with PQexecPrepared.  Values travel as text
 * (paramFormats 0), results come back as text.  The whole result of a
 * statement is fetched by the first db_step and kept until db_done, so
 * column text stays valid at least that long.
 *
 * Parameter types are left to the server (paramTypes NULL): $N takes the
 * type of the column or operator it meets.  Where nothing fixes it (e.g.
 * "$1 - 100") the server may pick integer; write CAST($1 AS BIGINT) there.
 */
#include "db/db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define PG_MAX_PARAMS 64
#define PG_BUCKETS 128
#define PG_BOOLOID 16

typedef struct PgParam {
    const char *val;    /* what is sent: NULL, `num` or `owned` */
    char *owned;        /* malloc'd copy of bound text, or NULL */
    char num[24];       /* decimal text of a bound integer */
} PgParam;

typedef struct PgStmt {
    struct DbStmt base;     /* must be first */
    struct PgStmt *next;    /* hash chain, owned by the PgDb */
    char *sql;              /* owned; the cache key */
    char name[16];          /* server-side name, "" until prepared */
    bool prepared;          /* exists on the server in this session */
    bool in_use;            /* handed out by prepare, not yet done */
    int nparams;
    PgParam *params;        /* owned; nparams entries (NULL if none) */
    char *bind_err;         /* owned; a bad bind, reported by step */
    PGresult *res;          /* owned; result of the execution */
    int row;                /* current row, -1 before the first */
    int rc;                 /* outcome once executed */
    bool executed;
    int64_t changes;
} PgStmt;

typedef struct PgDb {
    struct Db base;         /* must be first */
    PGconn *conn;           /* owned */
    PgStmt *buckets[PG_BUCKETS];    /* statement cache, owns the statements */
    unsigned next_name;     /* counter for "sN" names */
    char *err;              /* owned; last error message, or NULL */
} PgDb;

/* ---- small helpers ------------------------------------------------------ */

static PgDb *pg_of(Db *db) { return (PgDb *)db; }
static PgStmt *st_of(DbStmt *st) { return (PgStmt *)st; }
static PgDb *pg_of_st(PgStmt *s) { return (PgDb *)s->base.db; }

/* Copy `msg` (may be NULL) as the connection's error, on one line: runs of
 * newlines, tabs and spaces become one space. */
static void pg_set_err(PgDb *pg, const char *msg)
{
    free(pg->err);
    pg->err = xstrdup(msg && *msg ? msg : "unknown PostgreSQL error");
    char *w = pg->err;
    for (const char *r = pg->err; *r; r++) {
        bool blank = *r == '\n' || *r == '\t' || *r == ' ';
        if (!blank)
            *w++ = *r;
        else if (w > pg->err && w[-1] != ' ')
            *w++ = ' ';
    }
    while (w > pg->err && w[-1] == ' ')
        w--;
    *w = '\0';
}

/* The message of a failed result: "primary (detail) at character N", or
 * the connection's message if the server sent none. */
static void pg_set_err_res(PgDb *pg, const PGresult *res)
{
    const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!prim) {
        const char *m = res ? PQresultErrorMessage(res) : NULL;
        pg_set_err(pg, m && *m ? m : PQerrorMessage(pg->conn));
        return;
    }
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, prim);
    if (detail)
        buf_printf(&b, " (%s)", detail);
    if (pos)
        buf_printf(&b, " at character %s", pos);
    pg_set_err(pg, buf_cstr(&b));
    buf_free(&b);
}

/* DB_CONSTRAINT for SQLSTATE class 23 (integrity constraint violation). */
static int pg_error_rc(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state && state[0] == '2' && state[1] == '3')
        return DB_CONSTRAINT;
    return DB_ERROR;
}

static bool pg_res_ok(const PGresult *res)
{
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

/* Server notices (WARNING and up, see pg_setup) go to our log. */
static void pg_notice(void *arg, const char *message)
{
    LN_UNUSED(arg);
    size_t n = strlen(message);
    while (n > 0 && message[n - 1] == '\n')
        n--;
    log_warn("postgres: %.*s", (int)n, message);
}

/* Session settings; run after every (re)connect. */
static bool pg_setup(PgDb *pg)
{
    PQsetNoticeProcessor(pg->conn, pg_notice, NULL);
    PGresult *res = PQexec(pg->conn, "SET client_min_messages = warning");
    bool ok = pg_res_ok(res);
    if (!ok)
        pg_set_err_res(pg, res);
    PQclear(res);
    return ok;
}

/* ---- counting $N parameters --------------------------------------------- */

/* Skip a quoted run starting at s[0] == q ('...' or "..."); a doubled quote
 * stays inside.  `bs` allows backslash escapes (E'...').  Returns the
 * position after the closing quote (or the end of the string). */
static const char *skip_quoted(const char *s, char q, bool bs)
{
    for (s++; *s; s++) {
        if (bs && *s == '\\' && s[1])
            s++;
        else if (*s == q && s[1] == q)
            s++;
        else if (*s == q)
            return s + 1;
    }
    return s;
}

/* If s starts a dollar quote ($$ or $tag$), return the position after its
 * closing tag; otherwise NULL. */
static const char *skip_dollar_quote(const char *s)
{
    const char *t = s + 1;
    while (isalnum((unsigned char)*t) || *t == '_')
        t++;
    if (*t != '$' || isdigit((unsigned char)s[1]))
        return NULL;
    size_t taglen = (size_t)(t - s) + 1;
    const char *p = t + 1;
    for (; *p; p++)
        if (*p == '$' && strncmp(p, s, taglen) == 0)
            return p + taglen;
    return p;
}

static const char *skip_comment(const char *s)
{
    if (s[0] == '-' && s[1] == '-') {
        const char *e = strchr(s, '\n');
        return e ? e + 1 : s + strlen(s);
    }
    const char *e = strstr(s + 2, "*/");
    return e ? e + 2 : s + strlen(s);
}

static bool is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Highest $N used in `sql`, outside literals, identifiers and comments;
 * -1 if some N exceeds PG_MAX_PARAMS. */
static int count_params(const char *sql)
{
    int max = 0;
    const char *s = sql;
    while (*s) {
        const char *next = NULL;
        if (*s == '\'')
            next = skip_quoted(s, '\'', s > sql && (s[-1] == 'E' || s[-1] == 'e'));
        else if (*s == '"')
            next = skip_quoted(s, '"', false);
        else if ((s[0] == '-' && s[1] == '-') || (s[0] == '/' && s[1] == '*'))
            next = skip_comment(s);
        else if (*s == '$' && (s == sql || !is_ident_char(s[-1]))) {
            if (isdigit((unsigned char)s[1])) {
                char *end;
                long n = strtol(s + 1, &end, 10);
                if (n > PG_MAX_PARAMS)
                    return -1;
                if (n > max)
                    max = (int)n;
                next = end;
            } else {
                next = skip_dollar_quote(s);
            }
        }
        s = next ? next : s + 1;
    }
    return max;
}

/* ---- statement cache ---------------------------------------------------- */

static unsigned hash_sql(const char *s)
{
    uint32_t h = 2166136261u;               /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % PG_BUCKETS;
}

/* A cached statement for `sql` that nobody holds.  The same SQL may be
 * cached more than once when it is used nested (like db_sqlite.c). */
static PgStmt *cache_find(PgDb *pg, const char *sql)
{
    for (PgStmt *s = pg->buckets[hash_sql(sql)]; s; s = s->next)
        if (!s->in_use && strcmp(s->sql, sql) == 0)
            return s;
    return NULL;
}

/* A new statement, owned by the cache from now on.  NULL if `sql` uses too
 * many parameters (error set). */
static PgStmt *cache_add(PgDb *pg, const char *sql)
{
    int n = count_params(sql);
    if (n < 0) {
        pg_set_err(pg, "too many parameters (at most 64)");
        return NULL;
    }
    PgStmt *s = xcalloc(1, sizeof *s);
    s->base.be = &db_pg_backend;
    s->base.db = &pg->base;
    s->sql = xstrdup(sql);
    s->nparams = n;
    s->params = n > 0 ? xcalloc((size_t)n, sizeof *s->params) : NULL;
    s->row = -1;
    unsigned b = hash_sql(sql);
    s->next = pg->buckets[b];
    pg->buckets[b] = s;
    return s;
}

/* Forget the result and the bound values; the statement can run again. */
static void stmt_reset(PgStmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    for (int i = 0; i < s->nparams; i++) {
        free(s->params[i].owned);
        s->params[i].owned = NULL;
        s->params[i].val = NULL;
    }
    free(s->bind_err);
    s->bind_err = NULL;
    s->row = -1;
    s->rc = DB_DONE;
    s->executed = false;
    s->changes = 0;
}

static void stmt_free(PgStmt *s)
{
    stmt_reset(s);
    free(s->params);
    free(s->sql);
    free(s);
}

static void cache_free(PgDb *pg)
{
    for (int b = 0; b < PG_BUCKETS; b++) {
        PgStmt *s = pg->buckets[b];
        while (s) {
            PgStmt *next = s->next;
            stmt_free(s);
            s = next;
        }
        pg->buckets[b] = NULL;
    }
}

/* After a reconnect the server has forgotten every prepared statement. */
static void cache_unprepare(PgDb *pg)
{
    for (int b = 0; b < PG_BUCKETS; b++)
        for (PgStmt *s = pg->buckets[b]; s; s = s->next)
            s->prepared = false;
}

/* Prepare `s` on the server if this session has not yet. */
static bool stmt_ensure_prepared(PgDb *pg, PgStmt *s)
{
    if (s->prepared)
        return true;
    snprintf(s->name, sizeof s->name, "s%u", ++pg->next_name);
    PGresult *res = PQprepare(pg->conn, s->name, s->sql, s->nparams, NULL);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (ok)
        s->prepared = true;
    else
        pg_set_err_res(pg, res);
    PQclear(res);
    return ok;
}

/* ---- connection --------------------------------------------------------- */

static Db *pg_open(const char *url, const DbOptions *opt, char **err)
{
    LN_UNUSED(opt);
    PgDb *pg = xcalloc(1, sizeof *pg);
    pg->base.be = &db_pg_backend;
    pg->conn = PQconnectdb(url);
    if (!pg->conn) {
        if (err)
            *err = xstrdup("PostgreSQL: out of memory while connecting");
        free(pg);
        return NULL;
    }
    if (PQstatus(pg->conn) != CONNECTION_OK || !pg_setup(pg)) {
        if (!pg->err)
            pg_set_err(pg, PQerrorMessage(pg->conn));
        if (err)
            *err = pg->err;     /* ownership passes to the caller */
        else
            free(pg->err);
        PQfinish(pg->conn);
        free(pg);
        return NULL;
    }
    return &pg->base;
}

static void pg_close(Db *db)
{
    if (!db)
        return;
    PgDb *pg = pg_of(db);
    cache_free(pg);
    PQfinish(pg->conn);
    free(pg->err);
    free(pg);
}

static const char *pg_errmsg(Db *db)
{
    PgDb *pg = pg_of(db);
    return pg->err ? pg->err : "";
}

static bool pg_select1(PgDb *pg)
{
    PGresult *res = PQexec(pg->conn, "SELECT 1");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        pg_set_err_res(pg, res);
    PQclear(res);
    return ok;
}

static bool pg_ping(Db *db)
{
    PgDb *pg = pg_of(db);
    if (PQstatus(pg->conn) == CONNECTION_OK && pg_select1(pg))
        return true;
    if (PQstatus(pg->conn) == CONNECTION_OK)
        return false;           /* the link is fine; the query failed */
    PQreset(pg->conn);
    cache_unprepare(pg);
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        pg_set_err(pg, PQerrorMessage(pg->conn));
        return false;
    }
    log_info("postgres: reconnected");
    return pg_setup(pg) && pg_select1(pg);
}

static int pg_exec(Db *db, const char *sql)
{
    PgDb *pg = pg_of(db);
    PGresult *res = PQexec(pg->conn, sql);
    int rc = DB_DONE;
    if (!pg_res_ok(res)) {
        pg_set_err_res(pg, res);
        rc = pg_error_rc(res);
    }
    PQclear(res);
    return rc;
}

/* ---- statements --------------------------------------------------------- */

/* A cached statement for `sql`, reset and prepared on the server.  NULL
 * (error set and logged) if the server refuses it: bad SQL, an aborted
 * transaction, a lost connection.  The cache entry then stays, unprepared,
 * and the next db_prepare tries again. */
static DbStmt *pg_prepare(Db *db, const char *sql)
{
    PgDb *pg = pg_of(db);
    PgStmt *s = cache_find(pg, sql);
    if (!s)
        s = cache_add(pg, sql);
    if (s) {
        stmt_reset(s);
        if (stmt_ensure_prepared(pg, s)) {
            s->in_use = true;
            return &s->base;
        }
    }
    log_error("PostgreSQL prepare failed: %s -- %s", pg->err, sql);
    return NULL;
}

/* The slot for $idx, or NULL (and a remembered error) if out of range. */
static PgParam *param_slot(PgStmt *s, int idx)
{
    if (idx >= 1 && idx <= s->nparams) {
        PgParam *p = &s->params[idx - 1];
        free(p->owned);
        p->owned = NULL;
        p->val = NULL;
        return p;
    }
    if (!s->bind_err) {
        char msg[96];
        snprintf(msg, sizeof msg, "bind index %d out of range (statement has %d)",
                 idx, s->nparams);
        s->bind_err = xstrdup(msg);
    }
    return NULL;
}

static void pg_bind_i64(DbStmt *st, int idx, int64_t v)
{
    PgParam *p = param_slot(st_of(st), idx);
    if (!p)
        return;
    snprintf(p->num, sizeof p->num, "%lld", (long long)v);
    p->val = p->num;
}

static void pg_bind_text(DbStmt *st, int idx, const char *s)
{
    PgParam *p = param_slot(st_of(st), idx);
    if (!p || !s)
        return;
    p->owned = xstrdup(s);
    p->val = p->owned;
}

static void pg_bind_null(DbStmt *st, int idx)
{
    param_slot(st_of(st), idx);
}

/* Run the statement once and keep its result; sets s->rc. */
static void stmt_execute(PgStmt *s)
{
    PgDb *pg = pg_of_st(s);
    s->executed = true;
    if (s->bind_err) {
        pg_set_err(pg, s->bind_err);
        s->rc = DB_ERROR;
        return;
    }
    if (!stmt_ensure_prepared(pg, s)) {     /* e.g. after a reconnect */
        s->rc = DB_ERROR;
        return;
    }
    const char *vals[PG_MAX_PARAMS];
    for (int i = 0; i < s->nparams; i++)
        vals[i] = s->params[i].val;
    s->res = PQexecPrepared(pg->conn, s->name, s->nparams,
                            s->nparams ? vals : NULL, NULL, NULL, 0);
    if (!pg_res_ok(s->res)) {
        pg_set_err_res(pg, s->res);
        s->rc = pg_error_rc(s->res);
        PQclear(s->res);
        s->res = NULL;
        return;
    }
    const char *n = PQcmdTuples(s->res);
    s->changes = (n && *n) ? strtoll(n, NULL, 10) : 0;
    s->rc = DB_DONE;
}

static int pg_step(DbStmt *st)
{
    PgStmt *s = st_of(st);
    if (!s->executed)
        stmt_execute(s);
    if (s->rc != DB_DONE || !s->res)
        return s->rc;
    if (s->row < PQntuples(s->res))
        s->row++;
    return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

/* True if `col` of the current row can be read. */
static bool have_cell(PgStmt *s, int col)
{
    return s->res && s->row >= 0 && s->row < PQntuples(s->res) &&
           col >= 0 && col < PQnfields(s->res);
}

static int pg_col_count(DbStmt *st)
{
    PgStmt *s = st_of(st);
    return s->res ? PQnfields(s->res) : 0;
}

static bool pg_col_is_null(DbStmt *st, int col)
{
    PgStmt *s = st_of(st);
    return !have_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

/* Text of a cell; booleans read as "1"/"0" like SQLite's. "" for NULL. */
static const char *pg_col_text(DbStmt *st, int col)
{
    PgStmt *s = st_of(st);
    if (pg_col_is_null(st, col))
        return "";
    const char *v = PQgetvalue(s->res, s->row, col);
    if (PQftype(s->res, col) == PG_BOOLOID)
        return v[0] == 't' ? "1" : "0";
    return v;
}

static int64_t pg_col_i64(DbStmt *st, int col)
{
    return strtoll(pg_col_text(st, col), NULL, 10);
}

static int64_t pg_changes(DbStmt *st)
{
    return st_of(st)->changes;
}

static void pg_done(DbStmt *st)
{
    if (!st)
        return;
    PgStmt *s = st_of(st);
    stmt_reset(s);
    s->in_use = false;
}

const DbBackend db_pg_backend = {
    .kind = DB_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .ping = pg_ping,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_i64 = pg_bind_i64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_count = pg_col_count,
    .col_is_null = pg_col_is_null,
    .col_i64 = pg_col_i64,
    .col_text = pg_col_text,
    .changes = pg_changes,
    .done = pg_done,
};
