/* lrs.c — storing and reading xAPI statements (lrs.h). */
#include "xapi/lrs.h"
#include "evidence/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEDGER_KIND "xapi.statement"
#define JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15))

/* "2026-11-29T12:00:00.123Z" */
static char *stored_text(Arena *a, UsTime t)
{
    char *s = time_iso(a, t);
    return arena_printf(a, "%.19s.%03lldZ", s, (long long)(t / 1000 % 1000));
}

/* The ledger entry's payload for a stored statement: built the same way when
 * it is written and when it is verified. */
static json_t *entry_payload(const char *statement_id, const char *body, const char *actor, const char *verb,
                             const char *object, UsTime at)
{
    char sha[65];
    sha256_hex(body, sha);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "statement_id", statement_id, "sha256", sha, "actor", actor,
                     "verb", verb, "object", object, "at", (json_int_t)at);
}

/* The statement's two forms, from one copy: *sha, the SHA-256 of the
 * statement as received with its (lower-case) id and without what the LRS
 * sets, which is what "the same statement" means on a resend; and the
 * statement as stored (returned, in the arena): plus timestamp (when it had
 * none), stored, version and authority. */
static char *two_forms(Arena *a, json_t *st, const LrsSender *s, const char *id, UsTime at, UsTime now, char sha[65])
{
    json_t *c = json_deep_copy(st);
    json_object_del(c, "stored");
    json_object_del(c, "authority");
    json_object_del(c, "version");
    json_object_set_new(c, "id", json_string(id));
    char *text = json_dumps(c, JSON_FLAGS);
    sha256_hex(text ? text : "", sha);
    free(text);
    if (!json_object_get(c, "timestamp")) json_object_set_new(c, "timestamp", json_string(stored_text(a, at)));
    json_object_set_new(c, "stored", json_string(stored_text(a, now)));
    json_object_set_new(c, "version", json_string(XAPI_VERSION));
    json_object_set_new(c, "authority",
                        json_pack("{s:s, s:s, s:{s:s, s:s}}", "objectType", "Agent", "name", s->name, "account",
                                  "homePage", s->base_url, "name", s->account));
    text = json_dumps(c, JSON_FLAGS);
    char *out = arena_strdup(a, text ? text : "{}");
    free(text);
    json_decref(c);
    return out;
}

/* Check every statement and give each its id; no two the same. */
static int check_all(Arena *a, json_t *const *sts, int n, XapiStatement *xs, char (*ids)[XAPI_UUID_LEN + 1],
                     int *bad, const char **why)
{
    for (int i = 0; i < n; i++) {
        *bad = i;
        if (xapi_statement_check(a, sts[i], &xs[i], why) != LN_OK) return LN_EINVAL;
        if (xs[i].id[0]) memcpy(ids[i], xs[i].id, sizeof ids[i]);
        else xapi_uuid_random(ids[i]);
        for (int k = 0; k < i; k++)
            if (str_eq(ids[k], ids[i])) {
                *why = "the same statement id is given twice in this request";
                return LN_EINVAL;
            }
    }
    return LN_OK;
}

/* A statement ready to be written: everything that needs no database is
 * done before the transaction, which then holds the write lock for the SQL
 * and the ledger's chaining only. */
typedef struct Prepared {
    const XapiStatement *x;
    const char *id, *body, *subject;
    char sha[65];
    UsTime at;
    json_t *payload;        /* the ledger entry's */
} Prepared;

static void prepare(Arena *a, const LrsSender *s, json_t *st, const XapiStatement *x, const char *id, UsTime now,
                    Prepared *out)
{
    out->x = x;
    out->id = id;
    out->at = x->timestamp ? x->timestamp : now;
    out->body = two_forms(a, st, s, id, out->at, now, out->sha);
    out->subject = arena_printf(a, "statement:%s", id);
    out->payload = entry_payload(id, out->body, x->actor, x->verb, x->object, out->at);
}

/* Write one inside the transaction: LN_OK (stored, or the same one was
 * already), LN_EEXIST (another with its id), LN_EDB. */
static int store_one(Db *db, Arena *a, const LrsSender *s, const Prepared *p, UsTime now)
{
    const XapiStatement *x = p->x;
    char *old = db_query_text(db, a, "SELECT sha256 FROM xapi_statement WHERE org_id = $1 AND statement_id = $2", "it",
                              s->org_id, p->id);
    if (old) return str_eq(old, p->sha) ? LN_OK : LN_EEXIST;
    int64_t seq = 0;        /* the entry first, so that the row is written once with its number */
    int rc = ledger_append(db, s->org_id, LEDGER_KIND, p->subject, p->payload, now, &seq);
    if (rc != LN_OK) return rc;
    DbStmt *ins = db_prepare_bound(db, "INSERT INTO xapi_statement (org_id, statement_id, actor, actor_email, verb, object,"
                                       " registration, at, stored, duration_ms, completion, success, score_milli, token_id,"
                                       " sha256, body, ledger_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
                                       " $12, $13, $14, $15, $16, $17)", "ittttttiiiii", s->org_id, p->id, x->actor,
                                   x->actor_email, x->verb, x->object, x->registration, p->at, now, x->duration_ms,
                                   (int64_t)x->completion, (int64_t)x->success);
    if (!ins) return LN_EDB;
    if (x->has_score) db_bind_i64(ins, 13, (int64_t)(x->score_scaled * 1000 + (x->score_scaled < 0 ? -0.5 : 0.5)));
    else db_bind_null(ins, 13);
    if (s->token_id) db_bind_i64(ins, 14, s->token_id);
    else db_bind_null(ins, 14);
    db_bind_text(ins, 15, p->sha);
    db_bind_text(ins, 16, p->body);
    db_bind_i64(ins, 17, seq);
    rc = db_step(ins) == DB_DONE ? LN_OK : LN_EDB;
    db_done(ins);
    if (rc == LN_OK && x->voids
        && db_run(db, "UPDATE xapi_statement SET voided = 1 WHERE org_id = $1 AND statement_id = $2 AND verb <> $3",
                  "itt", s->org_id, x->object, XAPI_VERB_VOIDED) != DB_DONE)
        rc = LN_EDB;
    return rc;
}

int lrs_store(Db *db, Arena *a, const LrsSender *s, json_t *const *sts, int n, UsTime now,
              char (*ids)[XAPI_UUID_LEN + 1], int *bad, const char **why)
{
    *bad = -1;
    *why = NULL;
    if (n > LRS_BATCH_MAX) {
        *why = "too many statements in one request";
        return LN_ELIMIT;
    }
    XapiStatement *xs = arena_alloc(a, sizeof *xs * (size_t)(n ? n : 1));
    Prepared *ps = arena_alloc(a, sizeof *ps * (size_t)(n ? n : 1));
    int rc = check_all(a, sts, n, xs, ids, bad, why), prepared = 0;
    for (; rc == LN_OK && prepared < n; prepared++) prepare(a, s, sts[prepared], &xs[prepared], ids[prepared], now, &ps[prepared]);
    if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    else if (rc == LN_OK) {
        for (int i = 0; rc == LN_OK && i < n; i++) {
            *bad = i;
            rc = store_one(db, a, s, &ps[i], now);
        }
        if (rc == LN_EEXIST) *why = "a statement with this id is stored already, with other content";
        rc = db_end(db, rc);
    }
    for (int i = 0; i < prepared; i++) json_decref(ps[i].payload);
    if (rc == LN_OK) *bad = -1;
    return rc;
}

static int by_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

int lrs_statements_of(Db *db, Arena *a, int64_t org_id, const char *email, bool (*keep)(const char *object, void *ctx),
                      void *ctx, LrsOwned *out)
{
    memset(out, 0, sizeof *out);
    buf_init(&out->json, 0);
    DbStmt *st = db_prepare_bound(db, "SELECT statement_id, object, voided, body, ledger_seq FROM xapi_statement"
                                      " WHERE org_id = $1 AND actor_email = $2 ORDER BY id", "it", org_id, email);
    if (!st) return LN_EDB;
    int rc, cap = 0;
    buf_puts(&out->json, "[");
    while ((rc = db_step(st)) == DB_ROW) {
        if (!keep(db_col_text(st, 1), ctx)) continue;
        json_t *o = json_pack("{s:s,s:b,s:s}", "statement_id", db_col_text(st, 0), "voided", db_col_i64(st, 2) != 0,
                              "body", db_col_text(st, 3));
        char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (t) buf_printf(&out->json, "%s\n%s", out->n ? "," : "", t);
        free(t);
        json_decref(o);
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = arena_alloc(a, sizeof *grown * (size_t)cap);
            if (out->n) memcpy(grown, out->ids, sizeof *grown * (size_t)out->n);
            out->ids = grown;
        }
        out->ids[out->n++] = db_col_dup(st, 0, a);
        int64_t seq = db_col_i64(st, 4);
        if (seq && (!out->first_seq || seq < out->first_seq)) out->first_seq = seq;
    }
    buf_puts(&out->json, "]\n");
    db_done(st);
    qsort(out->ids, (size_t)out->n, sizeof *out->ids, by_str);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int lrs_has(Db *db, int64_t org_id, const char *statement_id, bool *has)
{
    int64_t n = 0;
    int rc = db_query_i64(db, &n, "SELECT count(*) FROM xapi_statement WHERE org_id = $1 AND statement_id = $2", "it",
                          org_id, statement_id);
    *has = n > 0;
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

int lrs_get(Db *db, Arena *a, int64_t org_id, const char *statement_id, bool voided, char **body)
{
    char id[XAPI_UUID_LEN + 1];
    if (!xapi_uuid_valid(statement_id)) return LN_NOTFOUND;
    for (int i = 0; i <= XAPI_UUID_LEN; i++) id[i] = (char)(statement_id[i] | (statement_id[i] >= 'A' ? 0x20 : 0));
    *body = db_query_text(db, a, "SELECT body FROM xapi_statement WHERE org_id = $1 AND statement_id = $2"
                                 " AND voided = $3", "iti", org_id, id, (int64_t)voided);
    return *body ? LN_OK : LN_NOTFOUND;
}

int lrs_query(Db *db, int64_t org_id, const LrsQuery *q, Buf *out, bool *more, UsTime *next_stored,
              int64_t *next_id)
{
    /* One statement; the optional filters are "($n = '' OR column = $n)" so
     * the SQL stays one text with every value bound. */
#define QUERY(AFTER, ORDER)                                                                                   \
    "SELECT id, stored, body FROM xapi_statement WHERE org_id = $1 AND voided = 0"                          \
    " AND ($2 = '' OR actor = $2) AND ($3 = '' OR verb = $3) AND ($4 = '' OR object = $4)"                  \
    " AND ($5 = '' OR registration = $5) AND stored > $6 AND stored <= $7"                                   \
    " AND (stored " AFTER " $8 OR (stored = $8 AND id " AFTER " $9)) ORDER BY " ORDER " LIMIT $10"
    const char *sql = q->ascending ? QUERY(">", "stored, id") : QUERY("<", "stored DESC, id DESC");
#undef QUERY
    bool cursor = q->after_id > 0;
    UsTime after = cursor ? q->after_stored : q->ascending ? -1 : INT64_MAX;
    int64_t after_id = cursor ? q->after_id : q->ascending ? 0 : INT64_MAX;
    DbStmt *st = db_prepare_bound(db, sql, "ittttiiiii", org_id, q->actor ? q->actor : "", q->verb ? q->verb : "",
                    q->activity ? q->activity : "", q->registration ? q->registration : "", q->since,
                    q->until ? q->until : INT64_MAX, after, after_id, (int64_t)q->limit + 1);
    if (!st) return LN_EDB;
    int rc, n = 0;
    *more = false;
    buf_puts(out, "[");
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == q->limit) {
            *more = true;
            continue;
        }
        if (n++) buf_puts(out, ",");
        *next_id = db_col_i64(st, 0);
        *next_stored = db_col_i64(st, 1);
        buf_puts(out, db_col_text(st, 2));
    }
    buf_puts(out, "]");
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int lrs_facts_verify(Db *db, int64_t org_id, FactsReport *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT s.id, s.statement_id, s.body, s.actor, s.verb, s.object, s.at, e.payload"
                                " FROM xapi_statement s LEFT JOIN ledger_entry e ON e.org_id = s.org_id"
                                " AND e.seq = s.ledger_seq AND e.kind = $2 WHERE s.org_id = $1 ORDER BY s.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_text(st, 2, LEDGER_KIND);
    int rc, result = LN_OK;
    while (result == LN_OK && (rc = db_step(st)) == DB_ROW) {
        out->checked++;
        if (!ledger_payload_is(entry_payload(db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
                                             db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6)),
                               db_col_text(st, 7))) {
            out->table = "xapi_statement";
            out->bad_id = db_col_i64(st, 0);
            snprintf(out->detail, sizeof out->detail, "xAPI statement %s differs from its ledger entry",
                     db_col_text(st, 1));
            result = LN_EINVAL;
        }
    }
    db_done(st);
    if (result != LN_OK) return result;
    if (rc != DB_DONE) return LN_EDB;
    int64_t entries = 0;
    if (ledger_kind_count(db, org_id, LEDGER_KIND, &entries) != LN_OK) return LN_EDB;
    if (entries != out->checked) {
        out->table = "xapi_statement";
        snprintf(out->detail, sizeof out->detail, "the ledger records %lld xAPI statements, the database holds %lld",
                 (long long)entries, (long long)out->checked);
        return LN_EINVAL;
    }
    return LN_OK;
}
