/* record.c — the connection record of a learner in a run, and connection
 * sessions as ledger facts (record.h, docs/attendance.md). */
#include "attendance/record.h"
#include "core/csv.h"
#include "evidence/ledger.h"

#include <string.h>

/* ---- connection sessions as facts ------------------------------------------ */

int connection_sessions_record(Db *db, int64_t org_id, int64_t run_id, int64_t user_id, UsTime now, int *made)
{
    if (made) *made = 0;
    TimeRules t;
    Activity act;
    Arena *a = arena_new();
    int rc = time_rules_get(db, org_id, &t);
    if (rc == LN_OK) rc = activity_load(db, a, &t, run_id, user_id, &act);
    UsTime closed_before = now - t.idle_minutes * 60 * US_PER_SEC;
    int64_t last = 0;
    if (rc == LN_OK && db_query_i64(db, &last, "SELECT COALESCE(max(started_at), 0) FROM connection_session"
                                               " WHERE run_id = $1 AND user_id = $2", "ii", run_id, user_id) != DB_ROW)
        rc = LN_EDB;
    int n = 0;
    bool any = false;
    for (int i = 0; rc == LN_OK && i < act.nsessions; i++)
        any = any || (act.sessions[i].start > last && act.sessions[i].end < closed_before);
    if (rc == LN_OK && any) {
        if (db_begin(db) != DB_DONE) rc = LN_EDB;
        for (int i = 0; rc == LN_OK && i < act.nsessions; i++) {
            const ConnSession *s = &act.sessions[i];
            if (s->start <= last || s->end >= closed_before) continue;
            int64_t id = 0;
            int q = db_query_i64(db, &id, "INSERT INTO connection_session (org_id, run_id, user_id, started_at, ended_at,"
                                          " active_ms, beats, capped, ip, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                                          " $8, $9, $10) ON CONFLICT (run_id, user_id, started_at) DO NOTHING RETURNING id",
                                 "iiiiiiiiti", org_id, run_id, user_id, s->start, s->end, s->active_ms, s->beats,
                                 (int64_t)s->capped, s->ip ? s->ip : "", now);
            if (q == DB_DONE) continue;         /* recorded meanwhile */
            if (q != DB_ROW) {
                rc = LN_EDB;
                break;
            }
            char subject[128];
            snprintf(subject, sizeof subject, "connection:%lld run:%lld user:%lld", (long long)id, (long long)run_id,
                     (long long)user_id);
            json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s}", "connection_id", (json_int_t)id,
                                  "run_id", (json_int_t)run_id, "user_id", (json_int_t)user_id, "started_at",
                                  (json_int_t)s->start, "ended_at", (json_int_t)s->end, "active_ms",
                                  (json_int_t)s->active_ms, "beats", (json_int_t)s->beats, "capped", (json_int_t)s->capped,
                                  "ip", s->ip ? s->ip : "");
            rc = p ? ledger_append(db, org_id, "connection.session", subject, p, now, NULL) : LN_EINVAL;
            json_decref(p);
            if (rc == LN_OK) n++;
        }
        if (rc != LN_OK || db_commit(db) != DB_DONE) {
            db_rollback(db);
            if (rc == LN_OK || rc == LN_EINVAL) rc = LN_EDB;
            n = 0;
        }
    }
    arena_free(a);
    if (made) *made = n;
    return rc;
}

int connection_sessions_due(Db *db, UsTime now)
{
    int64_t rows[50][3];
    int n = 0, done = 0;
    DbStmt *st = db_prepare(db,
        "SELECT h.org_id, h.run_id, h.user_id FROM heartbeat h WHERE h.at > $1 GROUP BY h.org_id, h.run_id, h.user_id"
        " HAVING max(h.at) > COALESCE((SELECT max(c.ended_at) FROM connection_session c WHERE c.run_id = h.run_id"
        " AND c.user_id = h.user_id), 0) ORDER BY max(h.at) LIMIT 50");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now - 2 * 24 * 3600 * US_PER_SEC);
    while (n < 50 && db_step(st) == DB_ROW) {
        rows[n][0] = db_col_i64(st, 0);
        rows[n][1] = db_col_i64(st, 1);
        rows[n][2] = db_col_i64(st, 2);
        n++;
    }
    db_done(st);
    for (int i = 0; i < n; i++) {
        int made = 0;
        if (connection_sessions_record(db, rows[i][0], rows[i][1], rows[i][2], now, &made) == LN_OK) done += made;
    }
    return done;
}

/* ---- the record ---------------------------------------------------------------- */

#define GROW(a, arr, n, cap) ((arr) = arena_grow((a), (arr), (n), &(cap), sizeof *(arr)))

int conn_record_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t user_id, UsTime now, ConnRecord *out)
{
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    out->run_id = run_id;
    out->user_id = user_id;
    out->generated_at = now;
    DbStmt *st = db_prepare(db, "SELECT u.name, u.email, r.title, c.title, o.name, r.course_id FROM enrolment e"
                                " JOIN app_user u ON u.id = e.user_id JOIN course_run r ON r.id = e.run_id"
                                " JOIN course c ON c.id = r.course_id JOIN org o ON o.id = r.org_id"
                                " WHERE e.run_id = $1 AND e.user_id = $2 AND r.org_id = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    db_bind_i64(st, 3, org_id);
    int rc = db_step(st);
    int64_t course_id = 0;
    if (rc == DB_ROW) {
        out->learner_name = db_col_dup(st, 0, a);
        out->learner_email = db_col_dup(st, 1, a);
        out->run_title = db_col_dup(st, 2, a);
        out->course_title = db_col_dup(st, 3, a);
        out->org_name = db_col_dup(st, 4, a);
        course_id = db_col_i64(st, 5);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    connection_sessions_record(db, org_id, run_id, user_id, now, NULL);
    absence_record_pending(db, org_id, run_id, now);
    TimeRules t;
    if (time_rules_get(db, org_id, &t) != LN_OK || activity_load(db, a, &t, run_id, user_id, &out->act) != LN_OK)
        return LN_EDB;
    /* active time per unit, in the outline's order */
    int cap = 0;
    st = db_prepare(db, "SELECT u.id, u.title FROM unit u JOIN section s ON s.id = u.section_id WHERE u.course_id = $1"
                        " ORDER BY s.position, u.position, u.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    while (db_step(st) == DB_ROW) {
        int64_t uid = db_col_i64(st, 0);
        UsTime last_at;
        int64_t ms = activity_unit_ms(&out->act, uid, &last_at);
        if (!ms && !last_at) continue;
        GROW(a, out->units, out->nunits, cap);
        out->units[out->nunits++] = (RecUnit){uid, ms, db_col_dup(st, 1, a), last_at};
    }
    db_done(st);
    /* assessments */
    cap = 0;
    st = db_prepare(db, "SELECT u.title, a.status, a.number, COALESCE(a.score, -1), a.started_at, COALESCE(a.submitted_at, 0),"
                        " COALESCE(q.purpose, 'formative') FROM attempt a JOIN unit u ON u.id = a.unit_id"
                        " LEFT JOIN quiz q ON q.unit_id = a.unit_id WHERE a.run_id = $1 AND a.user_id = $2"
                        " ORDER BY a.started_at, a.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        GROW(a, out->attempts, out->nattempts, cap);
        const char *pu = db_col_text(st, 6);
        out->attempts[out->nattempts++] = (RecAttempt){
            db_col_dup(st, 0, a), db_col_dup(st, 1, a),
            str_eq(pu, "placement") ? "placement" : str_eq(pu, "final") ? "final" : "formative",
            db_col_i64(st, 2), db_col_i64(st, 3), db_col_i64(st, 4), db_col_i64(st, 5)};
    }
    db_done(st);
    /* assistance: the learner's questions and the first trainer reply */
    cap = 0;
    st = db_prepare(db, "SELECT t.title, tr.name, t.created_at, COALESCE(t.first_trainer_reply_at, 0) FROM forum_thread t"
                        " LEFT JOIN app_user tr ON tr.id = t.first_trainer_reply_by WHERE t.run_id = $1 AND t.author_id = $2"
                        " AND t.kind = 'question' ORDER BY t.created_at, t.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        GROW(a, out->assists, out->nassists, cap);
        out->assists[out->nassists++] = (RecAssist){db_col_dup(st, 0, a), db_col_dup(st, 1, a), db_col_i64(st, 2),
                                                    db_col_i64(st, 3)};
    }
    db_done(st);
    /* live sessions signed */
    cap = 0;
    st = db_prepare(db, "SELECT s.title, g.half_day, g.method, g.signed_at, s.utc_offset_min FROM signature g"
                        " JOIN live_session s ON s.id = g.session_id WHERE s.run_id = $1 AND g.user_id = $2"
                        " AND g.role = 'learner' ORDER BY g.signed_at, g.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    while (db_step(st) == DB_ROW) {
        GROW(a, out->sigs, out->nsigs, cap);
        out->sigs[out->nsigs++] = (RecSignature){db_col_dup(st, 0, a), db_col_dup(st, 1, a), db_col_dup(st, 2, a),
                                                 db_col_i64(st, 3), db_col_i64(st, 4)};
    }
    db_done(st);
    if (unit_signatures(db, a, run_id, user_id, 0, &out->usigs) != LN_OK) return LN_EDB;
    AbsenceFilter f = {.user_id = user_id, .run_id = run_id};
    return absence_list(db, a, org_id, &f, &out->absences);
}

/* ---- CSV ----------------------------------------------------------------------- */

static const char *iso_or_empty(Arena *a, UsTime t)
{
    return t ? time_iso(a, t) : "";
}

static const char *num(Arena *a, int64_t v)
{
    return arena_printf(a, "%lld", (long long)v);
}

static const char *minutes(Arena *a, int64_t ms)
{
    return arena_printf(a, "%lld.%lld", (long long)(ms / 60000), (long long)(ms % 60000 / 6000));
}

static void record_rows(const ConnRecord *c, Buf *out)
{
    Arena *a = arena_new();
    const char *who[] = {"learner", "", "", c->learner_name, c->learner_email, "", ""};
    csv_row(out, who, 7);
    const char *run[] = {"run", "", "", c->course_title, c->run_title, minutes(a, c->act.active_ms), ""};
    csv_row(out, run, 7);
    for (int i = 0; i < c->act.nsessions; i++) {
        const ConnSession *s = &c->act.sessions[i];
        const char *r[] = {"connection", time_iso(a, s->start), time_iso(a, s->end), s->ip ? s->ip : "",
                           s->capped ? "capped" : "", minutes(a, s->active_ms), num(a, s->beats)};
        csv_row(out, r, 7);
    }
    for (int i = 0; i < c->nunits; i++) {
        const char *r[] = {"unit", "", iso_or_empty(a, c->units[i].last_at), c->units[i].title, "",
                           minutes(a, c->units[i].active_ms), ""};
        csv_row(out, r, 7);
    }
    for (int i = 0; i < c->nattempts; i++) {
        const RecAttempt *t = &c->attempts[i];
        const char *r[] = {"assessment", time_iso(a, t->started_at), iso_or_empty(a, t->submitted_at), t->unit_title,
                           arena_printf(a, "%s attempt %lld, %s", t->purpose, (long long)t->number, t->status), "",
                           t->score >= 0 ? arena_printf(a, "%lld.%lld%%", (long long)(t->score / 10), (long long)(t->score % 10)) : ""};
        csv_row(out, r, 7);
    }
    for (int i = 0; i < c->nassists; i++) {
        const RecAssist *s = &c->assists[i];
        const char *r[] = {"assistance", time_iso(a, s->asked_at), iso_or_empty(a, s->replied_at), s->title,
                           s->trainer ? s->trainer : "",
                           s->replied_at ? minutes(a, (s->replied_at - s->asked_at) / 1000) : "", ""};
        csv_row(out, r, 7);
    }
    for (int i = 0; i < c->nsigs; i++) {
        const RecSignature *s = &c->sigs[i];
        const char *r[] = {"signature", time_iso(a, s->signed_at), "", s->session_title, s->half_day, "", s->method};
        csv_row(out, r, 7);
    }
    for (int i = 0; i < c->usigs.n; i++) {
        const UnitSignature *s = &c->usigs.items[i];
        const char *r[] = {"unit_signature", time_iso(a, s->signed_at), "", s->unit_title, s->kind, "", s->ip};
        csv_row(out, r, 7);
    }
    for (int i = 0; i < c->absences.n; i++) {
        const Absence *x = &c->absences.items[i];
        const char *r[] = {"absence", time_iso(a, x->starts_at), time_iso(a, x->ends_at), x->session_title, x->half_day,
                           "", x->status};
        csv_row(out, r, 7);
    }
    arena_free(a);
}

void conn_records_csv(const ConnRecord *items, int n, Buf *out)
{
    const char *head[] = {"section", "start", "end", "item", "detail", "minutes", "value"};
    csv_row(out, head, 7);
    for (int i = 0; i < n; i++) record_rows(&items[i], out);
}

void conn_record_csv(const ConnRecord *c, Buf *out)
{
    conn_records_csv(c, 1, out);
}

int programme_runs_of(Db *db, int64_t org_id, int64_t programme_id, int64_t user_id, int64_t runs[PROGRAMME_RUNS_MAX],
                      int *n)
{
    *n = 0;
    DbStmt *st = db_prepare(db, "SELECT e.run_id FROM enrolment e JOIN course_run r ON r.id = e.run_id"
                                " JOIN course c ON c.id = r.course_id WHERE c.programme_id = $1 AND e.user_id = $2"
                                " AND r.org_id = $3 ORDER BY c.position, c.id, r.id LIMIT 100");   /* PROGRAMME_RUNS_MAX */
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, programme_id);
    db_bind_i64(st, 2, user_id);
    db_bind_i64(st, 3, org_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && *n < PROGRAMME_RUNS_MAX) runs[(*n)++] = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

int conn_programme_load(Db *db, Arena *a, int64_t org_id, int64_t programme_id, int64_t user_id, UsTime now,
                        ConnRecordSet *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT title FROM programme WHERE id = $1 AND org_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, programme_id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW) out->title = db_col_dup(st, 0, a);
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    int64_t runs[PROGRAMME_RUNS_MAX];
    int nr = 0, cap = 0;
    if (programme_runs_of(db, org_id, programme_id, user_id, runs, &nr) != LN_OK) return LN_EDB;
    if (nr == 0) return LN_NOTFOUND;
    for (int i = 0; i < nr; i++) {
        GROW(a, out->items, out->n, cap);
        if ((rc = conn_record_load(db, a, org_id, runs[i], user_id, now, &out->items[out->n])) != LN_OK) return rc;
        out->n++;
    }
    return LN_OK;
}
