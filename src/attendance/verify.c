/* verify.c — the verification of one session's attendance (verify.h). */
#include "attendance/verify.h"

#include <jansson.h>
#include <string.h>

#define VERIFY_SPAN_MAX 50000           /* entries checked on the way to the checkpoint */

static bool payload_is(json_t *p, const char *key, int64_t want)
{
    json_t *x = json_object_get(p, key);
    return json_is_integer(x) && json_integer_value(x) == want;
}

/* Every row of `sql` (id, user_id, signed_at, image_sha256 of the session's
 * signatures or departures) against its ledger entry of `kind` (who, when,
 * which image), and no entry without its row: the sheet is drawn from the
 * rows, the chain proves the entries. */
static void facts_check_of(Db *db, Verification *v, const char *sql, const char *kind, const char *id_key)
{
    DbStmt *st = db_prepare(db, sql);
    if (!st) return;
    db_bind_i64(st, 1, v->s.id);
    int64_t rows = 0, entries = 0, differ = 0;
    while (db_step(st) == DB_ROW) {
        int64_t id = db_col_i64(st, 0);
        bool found = false;
        rows++;
        for (int i = 0; i < v->n && !found; i++) {
            if (!str_eq(v->entries[i].kind, kind)) continue;
            json_t *p = json_loads(v->entries[i].payload, 0, NULL);
            found = p && payload_is(p, id_key, id) && payload_is(p, "user_id", db_col_i64(st, 1))
                    && payload_is(p, "signed_at", db_col_i64(st, 2))
                    && str_eq(json_string_value(json_object_get(p, "image_sha256")), db_col_text(st, 3));
            json_decref(p);
        }
        if (!found && differ++ == 0 && v->facts_differ == 0 && str_eq(kind, "attendance.signature")) v->first_differ = id;
    }
    db_done(st);
    for (int i = 0; i < v->n; i++) entries += str_eq(v->entries[i].kind, kind);
    if (entries != rows && differ == 0) differ = entries > rows ? entries - rows : rows - entries;
    v->facts_differ += differ;
}

static void facts_check(Db *db, Verification *v)
{
    facts_check_of(db, v, "SELECT id, user_id, signed_at, image_sha256 FROM signature WHERE session_id = $1 ORDER BY id",
                   "attendance.signature", "signature_id");
    /* early departures (departure.h) */
    facts_check_of(db, v, "SELECT id, user_id, signed_at, image_sha256 FROM departure WHERE session_id = $1 ORDER BY id",
                   "attendance.departure", "departure_id");
}

bool attendance_verify_session(Db *db, Arena *a, int64_t id, Verification *v)
{
    memset(v, 0, sizeof *v);
    if (attendance_session_load(db, a, 0, id, &v->s) != LN_OK) return false;
    LiveSession *s = &v->s;
    AttendeeList ex;
    if (attendance_expected(db, a, s->run_id, &ex) == LN_OK) v->expected = ex.n;
    v->learners_signed = attendance_signed_count(db, s->id, "learner");
    db_query_i64(db, &v->trainer_signatures, "SELECT count(*) FROM signature WHERE session_id = $1 AND role = 'trainer'",
                 "i", s->id);
    db_query_i64(db, &v->absences, "SELECT count(*) FROM absence WHERE session_id = $1", "i", s->id);
    DbStmt *st = db_prepare(db, "SELECT seq, at, kind, hash, payload FROM ledger_entry WHERE org_id = $1"
                                   " AND (subject LIKE $2 OR subject LIKE $3) ORDER BY seq LIMIT 1000");   /* VERIFY_ENTRIES_MAX */
    if (st) {
        db_bind_i64(st, 1, s->org_id);
        db_bind_text(st, 2, arena_printf(a, "session:%lld %%", (long long)s->id));
        db_bind_text(st, 3, arena_printf(a, "%% session:%lld %%", (long long)s->id));
        int cap = 0;
        while (db_step(st) == DB_ROW) {
            v->entries = arena_grow(a, v->entries, v->n, &cap, sizeof *v->entries);
            v->entries[v->n++] = (VEntry){db_col_i64(st, 0), db_col_i64(st, 1), db_col_dup(st, 2, a),
                                          db_col_dup(st, 3, a), db_col_dup(st, 4, a)};
        }
        db_done(st);
    }
    facts_check(db, v);
    v->span_rc = v->n ? ledger_verify_span(db, s->org_id, v->entries[0].seq, v->entries[v->n - 1].seq,
                                           VERIFY_SPAN_MAX, &v->span)
                      : LN_NOTFOUND;
    return true;
}

const char *attendance_verdict(const Verification *v)
{
    if (v->facts_differ) return "failed";
    if (v->span_rc == LN_NOTFOUND) return "no_entries";
    if (v->span_rc != LN_OK) return "failed";
    if (v->span.too_long) return "too_long";
    return v->span.checkpoint_seq ? "verified" : "not_checkpointed";
}
