/* facts.c — see facts.h.  The entries of one kind are read once into an
 * array sorted by the row id they name (about 56 bytes each), then the rows
 * are walked in id order beside it: memory grows with the number of
 * signatures, not with the ledger. */
#include "attendance/facts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Fact { int64_t id, user_id, at; char sha[65]; int64_t seq; } Fact;

static int fact_cmp(const void *a, const void *b)
{
    const Fact *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int64_t int_of(json_t *p, const char *k)
{
    json_t *v = json_object_get(p, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static int check_kind(Db *db, int64_t org_id, const char *kind, const char *id_key, const char *table, FactsReport *out)
{
    Fact *f = NULL;
    size_t n = 0, cap = 0;
    DbStmt *st = db_prepare(db, "SELECT seq, payload FROM ledger_entry WHERE org_id = $1 AND kind = $2 ORDER BY seq");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_text(st, 2, kind);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        json_t *p = json_loads(db_col_text(st, 1), 0, NULL);
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            Fact *g = realloc(f, cap * sizeof *f);
            if (!g) {
                json_decref(p);
                free(f);
                db_done(st);
                return LN_EDB;
            }
            f = g;
        }
        Fact *x = &f[n++];
        x->seq = db_col_i64(st, 0);
        x->id = p ? int_of(p, id_key) : -1;
        x->user_id = p ? int_of(p, "user_id") : -1;
        x->at = p ? int_of(p, "signed_at") : -1;
        const char *sha = p ? json_string_value(json_object_get(p, "image_sha256")) : NULL;
        snprintf(x->sha, sizeof x->sha, "%s", sha ? sha : "");
        json_decref(p);
    }
    db_done(st);
    if (rc != DB_DONE) {
        free(f);
        return LN_EDB;
    }
    if (n) qsort(f, n, sizeof *f, fact_cmp);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT id, user_id, signed_at, image_sha256 FROM %s WHERE org_id = $1 ORDER BY id", table);
    st = db_prepare(db, sql);
    if (!st) {
        free(f);
        return LN_EDB;
    }
    db_bind_i64(st, 1, org_id);
    size_t i = 0;
    int result = LN_OK;
    while (result == LN_OK && (rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_i64(st, 0);
        out->checked++;
        if (i < n && f[i].id < id) {            /* an entry whose row is gone */
            snprintf(out->detail, sizeof out->detail, "ledger entry %lld names %s %lld, which is no longer in the database",
                     (long long)f[i].seq, table, (long long)f[i].id);
            out->bad_id = f[i].id;
            result = LN_EINVAL;
        } else if (i == n || f[i].id != id) {
            snprintf(out->detail, sizeof out->detail, "%s %lld has no ledger entry", table, (long long)id);
            out->bad_id = id;
            result = LN_EINVAL;
        } else if (f[i].user_id != db_col_i64(st, 1) || f[i].at != db_col_i64(st, 2)
                   || strcmp(f[i].sha, db_col_text(st, 3)) != 0) {
            snprintf(out->detail, sizeof out->detail,
                     "%s %lld differs from its ledger entry %lld (who, when or which image)", table, (long long)id,
                     (long long)f[i].seq);
            out->bad_id = id;
            result = LN_EINVAL;
        } else i++;
    }
    db_done(st);
    if (result == LN_OK && rc != DB_DONE) result = LN_EDB;
    if (result == LN_OK && i < n) {
        snprintf(out->detail, sizeof out->detail, "ledger entry %lld names %s %lld, which is no longer in the database",
                 (long long)f[i].seq, table, (long long)f[i].id);
        out->bad_id = f[i].id;
        result = LN_EINVAL;
    }
    if (result == LN_EINVAL) out->table = table;
    free(f);
    return result;
}

int attendance_facts_verify(Db *db, int64_t org_id, FactsReport *out)
{
    memset(out, 0, sizeof *out);
    int rc = check_kind(db, org_id, "attendance.signature", "signature_id", "signature", out);
    if (rc == LN_OK) rc = check_kind(db, org_id, "attendance.departure", "departure_id", "departure", out);
    return rc;
}
