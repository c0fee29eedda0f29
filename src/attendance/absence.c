/* absence.c — absences, justifications and decisions (absence.h,
 * docs/attendance.md).  Rules and SQL; pages in absence_page.c, JSON in
 * absence_api.c. */
#include "attendance/absence.h"
#include "evidence/ledger.h"
#include "mail/mail.h"
#include "web/i18n.h"

#include <string.h>

#define BIG(n) "CAST($" #n " AS BIGINT)"

int attendance_halves(const LiveSession *s, const char *out[2])
{
    out[0] = attendance_half_day(s, s->starts_at);
    out[1] = attendance_half_day(s, s->ends_at - 1);
    return str_eq(out[0], out[1]) ? 1 : 2;
}

/* ---- recording absences ---------------------------------------------------- */

static int absence_fact(Db *db, const LiveSession *s, int64_t id, int64_t user_id, const char *half, UsTime now)
{
    char subject[128];
    snprintf(subject, sizeof subject, "absence:%lld session:%lld user:%lld", (long long)id, (long long)s->id,
             (long long)user_id);
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:s, s:I}", "absence_id", (json_int_t)id, "session_id",
                          (json_int_t)s->id, "run_id", (json_int_t)s->run_id, "user_id", (json_int_t)user_id,
                          "half_day", half, "recorded_at", (json_int_t)now);
    if (!p) return LN_EINVAL;
    int rc = ledger_append(db, s->org_id, "attendance.absence", subject, p, now, NULL);
    json_decref(p);
    return rc;
}

int absence_record(Db *db, const LiveSession *s, UsTime now, int *recorded)
{
    if (recorded) *recorded = 0;
    if (attendance_window(s, now) != ATT_TOO_LATE) return LN_OK;
    Arena *a = arena_new();
    AttendeeList ppl;
    const char *halves[2];
    int nh = attendance_halves(s, halves), n = 0;
    int rc = attendance_expected(db, a, s->run_id, &ppl);
    if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    else if (rc == LN_OK) {
        int c = db_change(db, "UPDATE live_session SET absences_at = $1 WHERE id = $2 AND absences_at IS NULL", "ii",
                          now, s->id);
        if (c != LN_OK) rc = c == LN_NOTFOUND ? LN_EEXIST : LN_EDB;     /* already recorded */
        for (int i = 0; rc == LN_OK && i < ppl.n; i++)
            for (int h = 0; rc == LN_OK && h < nh; h++) {
                int64_t signed_n = 0, id = 0;
                if (db_query_i64(db, &signed_n, "SELECT count(*) FROM signature WHERE session_id = $1 AND user_id = $2"
                                                " AND half_day = $3", "iit", s->id, ppl.items[i].user_id, halves[h]) != DB_ROW)
                    rc = LN_EDB;
                else if (signed_n) continue;
                else if (db_query_i64(db, &id, "INSERT INTO absence (session_id, org_id, run_id, user_id, half_day, recorded_at)"
                                               " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", "iiiiti", s->id, s->org_id,
                                      s->run_id, ppl.items[i].user_id, halves[h], now) != DB_ROW)
                    rc = LN_EDB;
                else if ((rc = absence_fact(db, s, id, ppl.items[i].user_id, halves[h], now)) == LN_OK) n++;
            }
        if (rc != LN_OK || db_commit(db) != DB_DONE) {
            db_rollback(db);
            if (rc == LN_OK) rc = LN_EDB;
            n = 0;
        }
    }
    arena_free(a);
    if (rc == LN_EEXIST) rc = LN_OK;
    if (recorded) *recorded = n;
    return rc;
}

static int record_ids(Db *db, const char *sql, int64_t p1, int64_t p2, UsTime now)
{
    int64_t ids[20];
    int n = 0, done = 0;
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now);
    db_bind_i64(st, 2, p1);
    db_bind_i64(st, 3, p2);
    while (n < 20 && db_step(st) == DB_ROW) ids[n++] = db_col_i64(st, 0);
    db_done(st);
    for (int i = 0; i < n; i++) {
        Arena *a = arena_new();
        LiveSession s;
        int made = 0;
        if (attendance_session_load(db, a, 0, ids[i], &s) == LN_OK && absence_record(db, &s, now, &made) == LN_OK) {
            done++;
            if (made) log_info("attendance: session %lld closed, %d absence(s) recorded", (long long)s.id, made);
        }
        arena_free(a);
    }
    return done;
}

#define CLOSED_SQL "SELECT id FROM live_session WHERE absences_at IS NULL" \
    " AND ends_at + grace_minutes * 60000000 < $1"

int absence_record_pending(Db *db, int64_t org_id, int64_t run_id, UsTime now)
{
    return record_ids(db, CLOSED_SQL " AND org_id = " BIG(2) " AND (" BIG(3) " = 0 OR run_id = " BIG(3) ")"
                      " ORDER BY starts_at LIMIT 20", org_id, run_id, now);
}

int absence_record_due(Db *db, UsTime now)
{
    return record_ids(db, CLOSED_SQL " AND " BIG(2) " = " BIG(3) " ORDER BY starts_at LIMIT 20", 0, 0, now);
}

/* ---- reading ----------------------------------------------------------------- */

#define ABSENCE_SQL \
    "SELECT a.id, a.session_id, a.run_id, a.user_id, a.half_day, a.recorded_at, u.name, s.title, r.title, c.title," \
    " s.starts_at, s.ends_at, s.utc_offset_min, COALESCE(j.id, 0), COALESCE(j.media_id, 0), j.reason," \
    " COALESCE(j.created_at, 0), COALESCE(d.id, 0), d.decision, d.comment, COALESCE(d.decided_at, 0), du.name" \
    " FROM absence a JOIN app_user u ON u.id = a.user_id JOIN live_session s ON s.id = a.session_id" \
    " JOIN course_run r ON r.id = a.run_id JOIN course c ON c.id = r.course_id" \
    " LEFT JOIN absence_justification j ON j.id = (SELECT max(id) FROM absence_justification WHERE absence_id = a.id)" \
    " LEFT JOIN absence_decision d ON d.id = (SELECT max(id) FROM absence_decision WHERE justification_id = j.id)" \
    " LEFT JOIN app_user du ON du.id = d.decided_by" \
    " WHERE a.org_id = $1 AND (" BIG(2) " = 0 OR a.user_id = " BIG(2) ") AND (" BIG(3) " = 0 OR a.run_id = " BIG(3) ")" \
    " AND (" BIG(4) " = 0 OR a.session_id = " BIG(4) ") AND (" BIG(5) " = 0 OR a.id = " BIG(5) ")" \
    " ORDER BY s.starts_at DESC, u.name, a.user_id, a.half_day LIMIT 500"

static void absence_read(DbStmt *st, Arena *a, Absence *x)
{
    memset(x, 0, sizeof *x);
    x->id = db_col_i64(st, 0);
    x->session_id = db_col_i64(st, 1);
    x->run_id = db_col_i64(st, 2);
    x->user_id = db_col_i64(st, 3);
    x->half_day = db_col_dup(st, 4, a);
    x->recorded_at = db_col_i64(st, 5);
    x->user_name = db_col_dup(st, 6, a);
    x->session_title = db_col_dup(st, 7, a);
    x->run_title = db_col_dup(st, 8, a);
    x->course_title = db_col_dup(st, 9, a);
    x->starts_at = db_col_i64(st, 10);
    x->ends_at = db_col_i64(st, 11);
    x->utc_offset_min = db_col_i64(st, 12);
    x->justification_id = db_col_i64(st, 13);
    x->media_id = db_col_i64(st, 14);
    x->reason = db_col_dup(st, 15, a);
    x->justified_at = db_col_i64(st, 16);
    x->decision_id = db_col_i64(st, 17);
    x->decision = db_col_dup(st, 18, a);
    x->comment = db_col_dup(st, 19, a);
    x->decided_at = db_col_i64(st, 20);
    x->decided_by_name = db_col_dup(st, 21, a);
    x->status = !x->justification_id ? "unjustified" : !x->decision_id ? "pending"
              : str_eq(x->decision, "accepted") ? "accepted" : "rejected";
}

static int absence_query(Db *db, Arena *a, int64_t org_id, const AbsenceFilter *f, int64_t id, AbsenceList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, ABSENCE_SQL);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, f ? f->user_id : 0);
    db_bind_i64(st, 3, f ? f->run_id : 0);
    db_bind_i64(st, 4, f ? f->session_id : 0);
    db_bind_i64(st, 5, id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Absence x;
        absence_read(st, a, &x);
        if (f && f->status && !str_eq(f->status, x.status)) continue;
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        out->items[out->n++] = x;
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int absence_list(Db *db, Arena *a, int64_t org_id, const AbsenceFilter *f, AbsenceList *out)
{
    return absence_query(db, a, org_id, f, 0, out);
}

int absence_load(Db *db, Arena *a, int64_t org_id, int64_t id, Absence *out)
{
    AbsenceList l;
    if (id <= 0) return LN_NOTFOUND;
    int rc = absence_query(db, a, org_id, NULL, id, &l);
    if (rc != LN_OK) return rc;
    if (l.n == 0) return LN_NOTFOUND;
    *out = l.items[0];
    return LN_OK;
}

int absence_of_justification(Db *db, int64_t org_id, int64_t justification_id, int64_t *absence_id)
{
    int rc = db_query_i64(db, absence_id, "SELECT absence_id FROM absence_justification WHERE id = $1 AND org_id = $2",
                          "ii", justification_id, org_id);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

/* ---- justifying and deciding ------------------------------------------------ */

static bool text_ok(const char *s, size_t max, bool required)
{
    if (!s) return !required;
    size_t n = strlen(s);
    if (n > max || !utf8_valid(s, n)) return false;
    if (!required) return true;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') return true;
    return false;
}

int absence_history(Db *db, Arena *a, int64_t absence_id, AbsenceHistory *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db,
        "SELECT j.id, j.reason, j.created_at, COALESCE(j.media_id, 0), COALESCE(m.filename, ''),"
        " COALESCE(d.id, 0), COALESCE(d.decision, ''), COALESCE(d.comment, ''), COALESCE(d.decided_at, 0),"
        " COALESCE(u.name, ''), COALESCE(d.supersedes, 0)"
        " FROM absence_justification j LEFT JOIN media m ON m.id = j.media_id"
        " LEFT JOIN absence_decision d ON d.justification_id = j.id LEFT JOIN app_user u ON u.id = d.decided_by"
        " WHERE j.absence_id = $1 ORDER BY j.id, d.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, absence_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        out->items[out->n++] = (AbsenceEvent){
            .justification_id = db_col_i64(st, 0), .reason = db_col_dup(st, 1, a), .justified_at = db_col_i64(st, 2),
            .media_id = db_col_i64(st, 3), .filename = db_col_dup(st, 4, a), .decision_id = db_col_i64(st, 5),
            .decision = db_col_dup(st, 6, a), .comment = db_col_dup(st, 7, a), .decided_at = db_col_i64(st, 8),
            .decided_by = db_col_dup(st, 9, a), .supersedes = db_col_i64(st, 10)};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int absence_my_sessions(Db *db, Arena *a, int64_t org_id, int64_t user_id, MySessionList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db,
        "SELECT s.id, s.title, s.starts_at, s.ends_at, s.utc_offset_min, s.grace_minutes, r.title,"
        " (SELECT count(*) FROM signature g WHERE g.session_id = s.id AND g.user_id = $2),"
        " (SELECT count(*) FROM absence a WHERE a.session_id = s.id AND a.user_id = $2)"
        " FROM live_session s JOIN enrolment e ON e.run_id = s.run_id AND e.user_id = $2 AND e.status = 'active'"
        " JOIN course_run r ON r.id = s.run_id WHERE s.org_id = $1 ORDER BY s.starts_at DESC LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, user_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        out->items[out->n++] = (MySession){
            .s = {.id = db_col_i64(st, 0), .title = db_col_dup(st, 1, a), .starts_at = db_col_i64(st, 2),
                  .ends_at = db_col_i64(st, 3), .utc_offset_min = db_col_i64(st, 4), .grace_minutes = db_col_i64(st, 5)},
            .run_title = db_col_dup(st, 6, a), .signatures = db_col_i64(st, 7), .absences = db_col_i64(st, 8)};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* The rows of a two- or three-column statement bound with (user, org). */
static int record_links(Db *db, Arena *a, const char *sql, int64_t org_id, int64_t user_id, RecordLink **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, user_id);
    db_bind_i64(st, 2, org_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        *out = arena_grow(a, *out, *n, &cap, sizeof **out);
        (*out)[(*n)++] = (RecordLink){.id = db_col_i64(st, 0), .title = db_col_dup(st, 1, a),
                                      .subtitle = db_col_count(st) > 2 ? db_col_dup(st, 2, a) : NULL};
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int absence_my_records(Db *db, Arena *a, int64_t org_id, int64_t user_id, MyRecords *out)
{
    int rc = record_links(db, a, "SELECT r.id, c.title, r.title FROM enrolment e JOIN course_run r ON r.id = e.run_id"
                                 " JOIN course c ON c.id = r.course_id WHERE e.user_id = $1 AND r.org_id = $2"
                                 " ORDER BY c.title, r.id", org_id, user_id, &out->runs, &out->nruns);
    if (rc == LN_OK)
        rc = record_links(db, a, "SELECT DISTINCT p.id, p.title FROM enrolment e JOIN course_run r ON r.id = e.run_id"
                                 " JOIN course c ON c.id = r.course_id JOIN programme p ON p.id = c.programme_id"
                                 " WHERE e.user_id = $1 AND r.org_id = $2 ORDER BY p.title, p.id", org_id, user_id,
                          &out->programmes, &out->nprogrammes);
    return rc;
}

int absence_justify(Db *db, const Absence *a, int64_t user_id, const char *reason, int64_t media_id, UsTime now,
                    int64_t *id, const char **why)
{
    *why = NULL;
    if (a->user_id != user_id) {
        *why = "This absence is not yours.";
        return LN_EPERM;
    }
    if (!text_ok(reason, ABS_REASON_MAX, true)) {
        *why = "Give the reason of your absence (at most 2,000 characters).";
        return LN_EINVAL;
    }
    char rsha[65], fsha[65] = "";
    sha256_hex(reason, rsha);
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    int64_t open_n = 0;
    /* pending or accepted: the latest justification without a decision, or whose latest decision accepts */
    if (db_query_i64(db, &open_n,
            "SELECT count(*) FROM absence_justification j WHERE j.id = (SELECT max(id) FROM absence_justification"
            " WHERE absence_id = $1) AND COALESCE((SELECT decision FROM absence_decision WHERE id = (SELECT max(id)"
            " FROM absence_decision WHERE justification_id = j.id)), 'pending') <> 'rejected'", "i", a->id) != DB_ROW)
        rc = LN_EDB;
    else if (open_n) {
        *why = "This absence already has a justification that is pending or accepted.";
        rc = LN_EEXIST;
    }
    if (rc == LN_OK && media_id
        && db_query_i64(db, &open_n, "SELECT count(*) FROM media WHERE id = $1 AND org_id = (SELECT org_id FROM absence"
                                     " WHERE id = $2)", "ii", media_id, a->id) == DB_ROW && open_n == 1) {
        DbStmt *st = db_prepare(db, "SELECT sha256 FROM media WHERE id = $1");
        if (st) {
            db_bind_i64(st, 1, media_id);
            if (db_step(st) == DB_ROW) snprintf(fsha, sizeof fsha, "%s", db_col_text(st, 0));
            db_done(st);
        }
    } else if (rc == LN_OK && media_id) rc = LN_EINVAL;
    int64_t org_id = 0;
    if (rc == LN_OK && db_query_i64(db, &org_id, "SELECT org_id FROM absence WHERE id = $1", "i", a->id) != DB_ROW)
        rc = LN_EDB;
    if (rc == LN_OK
        && db_query_i64(db, id, "INSERT INTO absence_justification (absence_id, org_id, user_id, reason, media_id, created_at)"
                                " VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6) RETURNING id", "iiitii", a->id, org_id,
                        user_id, reason, media_id, now) != DB_ROW)
        rc = LN_EDB;
    if (rc == LN_OK) {
        char subject[128];
        snprintf(subject, sizeof subject, "absence:%lld justification:%lld user:%lld", (long long)a->id, (long long)*id,
                 (long long)user_id);
        json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:I}", "absence_id", (json_int_t)a->id,
                              "justification_id", (json_int_t)*id, "session_id", (json_int_t)a->session_id,
                              "user_id", (json_int_t)user_id, "reason_sha256", rsha, "file_sha256", fsha,
                              "media_id", (json_int_t)media_id);
        rc = p ? ledger_append(db, org_id, "attendance.justification", subject, p, now, NULL) : LN_EINVAL;
        json_decref(p);
    }
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_EINVAL && media_id && !*why) *why = "The file cannot be attached.";
        if (rc == LN_OK || (rc == LN_EINVAL && !*why)) rc = LN_EDB;
        if (rc == LN_EDB) *why = "The justification could not be saved; nothing was recorded. Try again.";
        return rc;
    }
    return LN_OK;
}

int absence_decide(Db *db, int64_t org_id, int64_t justification_id, int64_t by, const char *decision,
                   const char *comment, UsTime now, int64_t *id, const char **why)
{
    *why = NULL;
    if (!str_eq(decision, "accepted") && !str_eq(decision, "rejected")) {
        *why = "Choose to accept or to reject.";
        return LN_EINVAL;
    }
    if (!comment) comment = "";
    if (!text_ok(comment, ABS_COMMENT_MAX, str_eq(decision, "rejected"))) {
        *why = str_eq(decision, "rejected") ? "Say why the justification is rejected (at most 2,000 characters)."
                                            : "The comment is too long (at most 2,000 characters).";
        return LN_EINVAL;
    }
    int64_t absence_id = 0, latest = 0, prev = 0, prev_seq = 0;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = absence_of_justification(db, org_id, justification_id, &absence_id);
    if (rc == LN_NOTFOUND) *why = "No such justification in this organisation.";
    if (rc == LN_OK && db_query_i64(db, &latest, "SELECT max(id) FROM absence_justification WHERE absence_id = $1", "i",
                                    absence_id) != DB_ROW)
        rc = LN_EDB;
    if (rc == LN_OK && latest != justification_id) {
        *why = "A newer justification was submitted for this absence: decide on that one.";
        rc = LN_EEXIST;
    }
    if (rc == LN_OK && db_query_i64(db, &prev, "SELECT COALESCE(max(id), 0) FROM absence_decision WHERE justification_id = $1",
                                    "i", justification_id) != DB_ROW)
        rc = LN_EDB;
    char prev_subject[96];
    snprintf(prev_subject, sizeof prev_subject, "decision:%lld justification:%lld", (long long)prev,
             (long long)justification_id);
    if (rc == LN_OK && prev
        && db_query_i64(db, &prev_seq, "SELECT seq FROM ledger_entry WHERE org_id = $1 AND kind = 'attendance.decision'"
                                       " AND subject = $2", "it", org_id, prev_subject) != DB_ROW)
        rc = LN_EDB;
    if (rc == LN_OK) {
        int s = db_query_i64(db, id, "INSERT INTO absence_decision (justification_id, org_id, decision, comment, decided_by,"
                                     " decided_at, supersedes) VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0)) RETURNING id",
                             "iittiii", justification_id, org_id, decision, comment, by, now, prev);
        if (s == DB_CONSTRAINT) {
            *why = "Another decision was made meanwhile: reload and decide again.";
            rc = LN_EEXIST;
        } else if (s != DB_ROW) rc = LN_EDB;
    }
    if (rc == LN_OK) {
        char subject[96];
        snprintf(subject, sizeof subject, "decision:%lld justification:%lld", (long long)*id, (long long)justification_id);
        json_t *p = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:I}", "decision_id", (json_int_t)*id, "justification_id",
                              (json_int_t)justification_id, "absence_id", (json_int_t)absence_id, "decision", decision,
                              "comment", comment, "decided_by", (json_int_t)by, "supersedes", (json_int_t)prev);
        if (!p) rc = LN_EINVAL;
        else if (prev_seq) rc = ledger_correct(db, org_id, prev_seq, "attendance.decision", subject, p, now, NULL);
        else rc = ledger_append(db, org_id, "attendance.decision", subject, p, now, NULL);
        json_decref(p);
    }
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_OK || rc == LN_EINVAL) rc = LN_EDB;
        if (rc == LN_EDB) *why = "The decision could not be saved; nothing was recorded. Try again.";
        return rc;
    }
    return LN_OK;
}

/* ---- reminders: absences not justified -------------------------------------- */

int absence_remind_justify_due(Db *db, const char *base_url, UsTime now)
{
    Arena *a = arena_new();
    DbStmt *st = db_prepare(db,
        "SELECT a.id, u.email, u.lang, s.title, s.starts_at, s.utc_offset_min, o.slug FROM absence a"
        " JOIN app_user u ON u.id = a.user_id JOIN live_session s ON s.id = a.session_id JOIN org o ON o.id = a.org_id"
        " WHERE a.recorded_at <= $1 AND NOT EXISTS (SELECT 1 FROM absence_justification j WHERE j.absence_id = a.id)"
        " AND NOT EXISTS (SELECT 1 FROM absence_reminder m WHERE m.absence_id = a.id) ORDER BY a.id LIMIT 50");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    typedef struct { int64_t id, starts, offset; char *email, *lang, *title, *slug; } Due;
    Due due[50];
    int n = 0, sent = 0;
    db_bind_i64(st, 1, now - (int64_t)ABS_REMIND_JUSTIFY_H * 3600 * US_PER_SEC);
    while (n < 50 && db_step(st) == DB_ROW) {
        due[n] = (Due){db_col_i64(st, 0), db_col_i64(st, 4), db_col_i64(st, 5), db_col_dup(st, 1, a), db_col_dup(st, 2, a),
                       db_col_dup(st, 3, a), db_col_dup(st, 6, a)};
        n++;
    }
    db_done(st);
    for (int i = 0; i < n; i++) {
        Due *d = &due[i];
        const char *lang = i18n_supported(d->lang) ? d->lang : "en";
        char day[24];
        att_local_iso(d->starts, d->offset, day, sizeof day);
        day[10] = 0;
        char *body = arena_printf(a, "%s\n\n    %s (%s)\n\n%s\n\n%s/o/%s/attendance/absences/%lld\n",
                                  i18n_get(lang, "You did not sign the attendance sheet of this session:"), d->title, day,
                                  i18n_get(lang, "If you have a reason, justify your absence here:"), base_url, d->slug,
                                  (long long)d->id);
        char *subject = arena_printf(a, "%s — %s", i18n_get(lang, "Justify your absence"), d->title);
        if (db_begin(db) != DB_DONE) break;
        int c = db_change(db, "INSERT INTO absence_reminder (absence_id, sent_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                          "ii", d->id, now);
        if ((c == LN_OK && mail_enqueue(db, d->email, subject, body, now) == LN_OK && db_commit(db) == DB_DONE)) sent++;
        else db_rollback(db);
    }
    arena_free(a);
    return sent;
}
