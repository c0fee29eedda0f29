/* external.c — external activities, learners' records from the LRS, and
 * their validation (external.h). */
#include "xapi/external.h"
#include "evidence/ledger.h"
#include "xapi/statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEDGER_KIND "external.validated"
#define ACT_COLS "id, org_id, run_id, minutes, created_by, created_at, title, platform, url, iri"

/* ---- activities ------------------------------------------------------------ */

static void act_read(DbStmt *st, Arena *a, ExtActivity *x)
{
    x->id = db_col_i64(st, 0);
    x->org_id = db_col_i64(st, 1);
    x->run_id = db_col_i64(st, 2);
    x->minutes = db_col_i64(st, 3);
    x->created_by = db_col_i64(st, 4);
    x->created_at = db_col_i64(st, 5);
    x->title = db_col_dup(st, 6, a);
    x->platform = db_col_dup(st, 7, a);
    x->url = db_col_dup(st, 8, a);
    x->iri = db_col_dup(st, 9, a);
}

/* A one-line text of at most `max` bytes; the message when it is not. */
static const char *line_why(const char *s, size_t max, bool required)
{
    if (str_empty(s)) return required ? "This field is required." : NULL;
    if (strlen(s) > max || !utf8_valid(s, strlen(s))) return "This text is too long.";
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20) return "This text must be on one line.";
    return NULL;
}

static bool minutes_of(const char *s, int64_t *out)
{
    return str_to_i64(s, out) && *out >= 1 && *out <= EXT_MINUTES_MAX;
}

/* Check the input; the IRI without trailing slashes into *iri. */
static const char *input_check(Arena *a, const ExtInput *in, char **iri, int64_t *minutes, const char **why)
{
    if ((*why = line_why(in->title, EXT_TITLE_MAX, true))) return "title";
    if ((*why = line_why(in->platform, EXT_TITLE_MAX, true))) return "platform";
    if (!str_empty(in->url) && (!xapi_iri_valid(in->url) || !(str_startswith(in->url, "https://")
                                                                 || str_startswith(in->url, "http://")))) {
        *why = "Give the course's address on its platform, starting with https://.";
        return "url";
    }
    *iri = arena_strdup(a, in->iri ? in->iri : "");
    size_t n = strlen(*iri);
    while (n > 1 && (*iri)[n - 1] == '/' && (*iri)[n - 2] != '/') (*iri)[--n] = 0;
    if (!xapi_iri_valid(*iri)) {
        *why = "Give the activity's identifier (an IRI such as https://platform.example/courses/abc), as the platform sends it in its statements.";
        return "iri";
    }
    if (!minutes_of(in->minutes, minutes)) {
        *why = "Give the declared duration in minutes, from 1 to 100000.";
        return "minutes";
    }
    return NULL;
}

int ext_add(Db *db, int64_t org_id, int64_t run_id, int64_t by, const ExtInput *in, UsTime now, int64_t *id,
            const char **field, const char **why)
{
    Arena *a = arena_new();
    char *iri;
    int64_t minutes, runs = 0;
    int rc = LN_OK;
    if ((*field = input_check(a, in, &iri, &minutes, why))) rc = LN_EINVAL;
    else if (db_query_i64(db, &runs, "SELECT count(*) FROM course_run WHERE id = $1 AND org_id = $2", "ii",
                                     run_id, org_id) != DB_ROW)
        rc = LN_EDB;
    else if (!runs) rc = LN_NOTFOUND;
    else {
        int q = db_query_i64(db, id, "INSERT INTO external_activity (org_id, run_id, title, platform, url, iri, minutes,"
                                     " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                             "iittttiii", org_id, run_id, in->title, in->platform, in->url ? in->url : "", iri, minutes,
                             by, now);
        rc = q == DB_ROW ? LN_OK : q == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
        if (rc == LN_EEXIST) {
            *field = "iri";
            *why = "This course run has an external activity with this identifier already.";
        }
    }
    arena_free(a);
    return rc;
}

/* Rows of evidence about the activity: validations (current or revoked) and
 * certificates sent; -1 on an error. */
static int64_t evidence_rows(Db *db, int64_t activity_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT (SELECT count(*) FROM external_validation WHERE activity_id = $1)"
                                " + (SELECT count(*) FROM external_attestation WHERE activity_id = $1)", "i",
                        activity_id) == DB_ROW ? n : -1;
}

int ext_update(Db *db, const ExtActivity *act, const ExtInput *in, const char **field, const char **why)
{
    Arena *a = arena_new();
    char *iri;
    int64_t minutes, rows = 0;
    int rc = LN_OK;
    if ((*field = input_check(a, in, &iri, &minutes, why))) rc = LN_EINVAL;
    else if ((!str_eq(iri, act->iri) || minutes != act->minutes) && (rows = evidence_rows(db, act->id)) != 0) {
        *field = str_eq(iri, act->iri) ? "minutes" : "iri";
        *why = "Records of this activity are validated: its identifier and declared duration can no longer change.";
        rc = rows < 0 ? LN_EDB : LN_EEXIST;
    } else {
        int q = db_run(db, "UPDATE external_activity SET title = $1, platform = $2, url = $3, iri = $4, minutes = $5"
                           " WHERE id = $6", "ttttii", in->title, in->platform, in->url ? in->url : "", iri, minutes,
                       act->id);
        rc = q == DB_DONE ? LN_OK : q == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
        if (rc == LN_EEXIST) {
            *field = "iri";
            *why = "This course run has an external activity with this identifier already.";
        }
    }
    arena_free(a);
    return rc;
}

int ext_delete(Db *db, const ExtActivity *act, const char **why)
{
    int64_t rows = evidence_rows(db, act->id);
    if (rows) {
        *why = "Records of this activity are validated or have certificates sent: it stays, as evidence.";
        return rows < 0 ? LN_EDB : LN_EEXIST;
    }
    return db_change(db, "DELETE FROM external_activity WHERE id = $1", "i", act->id);
}

int ext_list(Db *db, Arena *a, int64_t org_id, int64_t run_id, ExtActivity **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare_bound(db, "SELECT " ACT_COLS " FROM external_activity WHERE org_id = $1 AND run_id = $2"
                                      " ORDER BY id", "ii", org_id, run_id);
    if (!st) return LN_EDB;
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            ExtActivity *grown = arena_alloc(a, sizeof *grown * (size_t)cap);
            if (*n) memcpy(grown, *out, sizeof *grown * (size_t)*n);
            *out = grown;
        }
        act_read(st, a, &(*out)[(*n)++]);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

bool ext_iri_covers(const char *iri, const char *object)
{
    size_t n = strlen(iri);
    return object && !strncmp(object, iri, n) && (!object[n] || strchr("/?#", object[n]));
}

int64_t ext_count(Db *db, int64_t run_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT count(*) FROM external_activity WHERE run_id = $1", "i", run_id) == DB_ROW ? n : 0;
}

int ext_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t id, ExtActivity *out)
{
    DbStmt *st = db_prepare_bound(db, "SELECT " ACT_COLS " FROM external_activity WHERE org_id = $1 AND run_id = $2"
                                      " AND id = $3", "iii", org_id, run_id, id);
    if (!st) return LN_EDB;
    int rc = db_step(st);
    if (rc == DB_ROW) act_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

/* ---- records ------------------------------------------------------------------ */

static const char *const verdict_codes[] = {"no_record", "in_progress", "no_time", "too_fast", "plausible"};
static const char *const verdict_texts[] = {
    "No statement received yet",
    "In progress",
    "Completed, no time reported: to be checked",
    "Completed faster than plausible: to be checked",
    "Completed, plausible",
};

const char *ext_verdict_code(ExtVerdict v) { return verdict_codes[v]; }
const char *ext_verdict_text(ExtVerdict v) { return verdict_texts[v]; }

static ExtVerdict verdict_of(const ExtActivity *act, const ExtRecord *r)
{
    if (!r->statements) return EXT_NO_RECORD;
    if (!r->completed_at) return EXT_IN_PROGRESS;
    if (r->reported_ms < 0) return EXT_NO_TIME;
    if (r->reported_ms * 100 < act->minutes * 60000 * EXT_MIN_SHARE) return EXT_TOO_FAST;
    return EXT_PLAUSIBLE;
}

/* The statements under the activity's IRI, not voided: $2 the IRI, $3 the
 * length of a prefix, $4..$6 the IRI and "/", "?", "#"; $8 one actor's
 * address or "". */
#define UNDER_IRI " org_id = $1 AND voided = 0 AND verb <> $7 AND (object = $2 OR substr(object, 1, $3) IN ($4, $5, $6))" \
                  " AND ($8 = '' OR actor_email = $8)"
#define VERB_COMPLETED "http://adlnet.gov/expapi/verbs/completed"
#define VERB_PASSED "http://adlnet.gov/expapi/verbs/passed"
#define VERB_FAILED "http://adlnet.gov/expapi/verbs/failed"
#define VERB_PROGRESSED "http://adlnet.gov/expapi/verbs/progressed"

/* Prepare `sql` over UNDER_IRI; with `verbs`, $9..$12 are the verbs
 * completed, passed, failed and progressed. */
static DbStmt *under_iri(Db *db, Arena *a, const ExtActivity *act, const char *sql, const char *email, bool verbs)
{
    DbStmt *st = db_prepare_bound(db, sql, "itittttt", act->org_id, act->iri, (int64_t)strlen(act->iri) + 1,
                                  arena_printf(a, "%s/", act->iri), arena_printf(a, "%s?", act->iri),
                                  arena_printf(a, "%s#", act->iri), XAPI_VERB_VOIDED, email ? email : "");
    if (st && verbs) {
        db_bind_text(st, 9, VERB_COMPLETED);
        db_bind_text(st, 10, VERB_PASSED);
        db_bind_text(st, 11, VERB_FAILED);
        db_bind_text(st, 12, VERB_PROGRESSED);
    }
    return st;
}

static int by_email(const void *x, const void *y)
{
    return strcmp((*(ExtRecord *const *)x)->email, (*(ExtRecord *const *)y)->email);
}

static ExtRecord *find_email(ExtRecord **sorted, int n, const char *email)
{
    ExtRecord key = {.email = (char *)email}, *kp = &key;
    ExtRecord **hit = n ? bsearch(&kp, sorted, (size_t)n, sizeof *sorted, by_email) : NULL;
    return hit ? *hit : NULL;
}

/* Fill the records' statement figures from the LRS; *unknown counts the
 * statements of other actors. */
static int fill_statements(Db *db, Arena *a, const ExtActivity *act, ExtRecord *recs, int n, const char *email,
                           int64_t *unknown)
{
    ExtRecord **sorted = arena_alloc(a, sizeof *sorted * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) sorted[i] = &recs[i];
    qsort(sorted, (size_t)n, sizeof *sorted, by_email);
    DbStmt *st = under_iri(db, a, act,
        "SELECT actor_email, count(*), min(at), max(at),"
        " COALESCE(sum(CASE WHEN duration_ms >= 0 AND verb NOT IN ($9, $10, $11, $12) THEN duration_ms END), -1),"
        " COALESCE(max(CASE WHEN verb IN ($9, $10, $11, $12) THEN duration_ms END), -1),"
        " COALESCE(min(CASE WHEN verb IN ($9, $10) OR completion = 1 THEN at END), 0),"
        " COALESCE(max(CASE WHEN verb = $10 OR success = 1 THEN 2 WHEN verb = $11 OR success = 0 THEN 1 END), 0)"
        " FROM xapi_statement WHERE" UNDER_IRI " GROUP BY actor_email", email, true);
    if (!st) return LN_EDB;
    int rc;
    *unknown = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        ExtRecord *r = find_email(sorted, n, db_col_text(st, 0));
        if (!r) {
            *unknown += db_col_i64(st, 1);
            continue;
        }
        r->statements = db_col_i64(st, 1);
        r->first = db_col_i64(st, 2);
        r->last = db_col_i64(st, 3);
        int64_t summed = db_col_i64(st, 4), whole = db_col_i64(st, 5);
        r->reported_ms = summed > whole ? summed : whole;
        r->completed_at = db_col_i64(st, 6);
        r->passed = (int)db_col_i64(st, 7) - 1;
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    /* the latest score of each: rows in time order, the last one wins */
    st = under_iri(db, a, act, "SELECT actor_email, score_milli FROM xapi_statement WHERE" UNDER_IRI
                               " AND score_milli IS NOT NULL ORDER BY at, id", email, false);
    if (!st) return LN_EDB;
    while ((rc = db_step(st)) == DB_ROW) {
        ExtRecord *r = find_email(sorted, n, db_col_text(st, 0));
        if (r) {
            r->has_score = true;
            r->score_milli = db_col_i64(st, 1);
        }
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* The run's active learners (one when user_id > 0) with their validations. */
static int learners(Db *db, Arena *a, const ExtActivity *act, int64_t user_id, ExtRecord **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare_bound(db, "SELECT u.id, u.name, u.email, v.id, v.minutes, v.note, v.decided_at, v.ledger_seq,"
                                      " d.name, t.id, t.uploaded_at, md.filename FROM enrolment e"
                                      " JOIN app_user u ON u.id = e.user_id"
                                      " LEFT JOIN external_validation v ON v.activity_id = $2 AND v.user_id = u.id"
                                      " AND v.revoked_at IS NULL LEFT JOIN app_user d ON d.id = v.decided_by"
                                      " LEFT JOIN external_attestation t ON t.id = (SELECT max(id) FROM external_attestation"
                                      " WHERE activity_id = $2 AND user_id = u.id)"
                                      " LEFT JOIN media md ON md.id = t.media_id"
                                      " WHERE e.run_id = $1 AND e.status = 'active' AND ($3 = 0 OR u.id = $3)"
                                      " ORDER BY u.name, u.id", "iii", act->run_id, act->id, user_id);
    if (!st) return LN_EDB;
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            ExtRecord *grown = arena_alloc(a, sizeof *grown * (size_t)cap);
            if (*n) memcpy(grown, *out, sizeof *grown * (size_t)*n);
            *out = grown;
        }
        ExtRecord *r = &(*out)[(*n)++];
        memset(r, 0, sizeof *r);
        r->user_id = db_col_i64(st, 0);
        r->name = db_col_dup(st, 1, a);
        r->email = db_col_dup(st, 2, a);
        r->reported_ms = -1;
        r->passed = -1;
        r->validation_id = db_col_i64(st, 3);
        r->accepted_minutes = db_col_i64(st, 4);
        r->note = db_col_dup(st, 5, a);
        r->validated_at = db_col_i64(st, 6);
        r->ledger_seq = db_col_i64(st, 7);
        r->validated_by = db_col_dup(st, 8, a);
        r->attestation_id = db_col_i64(st, 9);
        r->attestation_at = db_col_i64(st, 10);
        r->attestation_name = db_col_dup(st, 11, a);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int ext_records(Db *db, Arena *a, const ExtActivity *act, ExtRecord **out, int *n, int64_t *unknown)
{
    int rc = learners(db, a, act, 0, out, n);
    if (rc == LN_OK) rc = fill_statements(db, a, act, *out, *n, NULL, unknown);
    for (int i = 0; rc == LN_OK && i < *n; i++) (*out)[i].verdict = verdict_of(act, &(*out)[i]);
    return rc;
}

int ext_tally(Db *db, Arena *a, const ExtActivity *act, ExtTally *out)
{
    ExtRecord *recs;
    int n;
    int64_t unknown;
    memset(out, 0, sizeof *out);
    int rc = ext_records(db, a, act, &recs, &n, &unknown);
    for (int i = 0; rc == LN_OK && i < n; i++) {
        out->completed += recs[i].completed_at != 0;
        out->validated += recs[i].validation_id != 0;
    }
    out->learners = rc == LN_OK ? n : 0;
    return rc;
}

int ext_record(Db *db, Arena *a, const ExtActivity *act, int64_t user_id, ExtRecord *out)
{
    ExtRecord *recs;
    int n;
    int64_t unknown;
    int rc = learners(db, a, act, user_id, &recs, &n);
    if (rc == LN_OK && !n) rc = LN_NOTFOUND;
    if (rc == LN_OK) rc = fill_statements(db, a, act, recs, 1, recs[0].email, &unknown);
    if (rc != LN_OK) return rc;
    *out = recs[0];
    out->verdict = verdict_of(act, out);
    return LN_OK;
}

int64_t ext_default_minutes(const ExtActivity *act, const ExtRecord *rec)
{
    if (rec->reported_ms < 0) return act->minutes;
    int64_t m = (rec->reported_ms + 30000) / 60000;
    return m < 1 ? 1 : m > act->minutes ? act->minutes : m;
}

/* ---- validation ------------------------------------------------------------- */

static int64_t reported_minutes(int64_t ms) { return ms < 0 ? -1 : (ms + 30000) / 60000; }

/* The ledger entry's payload: built the same way when it is written and
 * when `lectern verify` checks the row. */
static json_t *validation_payload(int64_t id, const ExtActivity *act, int64_t user_id, int64_t minutes,
                                  int64_t reported, const char *verdict, const char *note)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:s, s:s}", "validation_id", (json_int_t)id,
                     "activity_id", (json_int_t)act->id, "run_id", (json_int_t)act->run_id, "user_id",
                     (json_int_t)user_id, "iri", act->iri, "declared_minutes", (json_int_t)act->minutes, "minutes",
                     (json_int_t)minutes, "reported_minutes", (json_int_t)reported, "verdict", verdict, "note", note);
}

int ext_validate(Db *db, const ExtActivity *act, int64_t user_id, const char *minutes, const char *note, int64_t by,
                 UsTime now, const char **field, const char **why)
{
    *field = *why = NULL;
    Arena *a = arena_new();
    ExtRecord rec;
    int64_t m = 0;
    note = note ? note : "";
    int rc = ext_record(db, a, act, user_id, &rec);
    if (rc == LN_NOTFOUND) *why = "This person is not a learner of this course run.";
    else if (rc == LN_OK && rec.validation_id) {
        *why = "This record is validated already.";
        rc = LN_EEXIST;
    } else if (rc == LN_OK && !str_empty(minutes) && !minutes_of(minutes, &m)) {
        *field = "minutes";
        *why = "Give the minutes accepted, from 1 to 100000.";
        rc = LN_EINVAL;
    } else if (rc == LN_OK && (strlen(note) > EXT_NOTE_MAX || !utf8_valid(note, strlen(note)))) {
        *field = "note";
        *why = "The note is too long.";
        rc = LN_EINVAL;
    } else if (rc == LN_OK && rec.verdict != EXT_PLAUSIBLE && str_empty(str_trim(a, note))) {
        *field = "note";
        *why = "Say what you checked: the statements alone do not show a plausible completion.";
        rc = LN_EINVAL;
    }
    if (rc != LN_OK) {
        arena_free(a);
        return rc;
    }
    if (str_empty(minutes)) m = ext_default_minutes(act, &rec);
    int64_t id = 0, seq = 0, reported = reported_minutes(rec.reported_ms);
    const char *verdict = ext_verdict_code(rec.verdict);
    if (db_begin(db) != DB_DONE) rc = LN_EDB;
    else {
        int q = db_query_i64(db, &id, "INSERT INTO external_validation (activity_id, user_id, minutes, reported_minutes,"
                                      " verdict, note, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                                      " RETURNING id", "iiiittii", act->id, user_id, m, reported, verdict, note, by, now);
        rc = q == DB_ROW ? LN_OK : q == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
        json_t *p = rc == LN_OK ? validation_payload(id, act, user_id, m, reported, verdict, note) : NULL;
        if (rc == LN_OK)
            rc = ledger_append(db, act->org_id, LEDGER_KIND,
                               arena_printf(a, "activity:%lld run:%lld user:%lld", (long long)act->id,
                                            (long long)act->run_id, (long long)user_id), p, now, &seq);
        json_decref(p);
        if (rc == LN_OK && db_run(db, "UPDATE external_validation SET ledger_seq = $1 WHERE id = $2", "ii", seq, id)
                               != DB_DONE)
            rc = LN_EDB;
        rc = db_end(db, rc);
        if (rc == LN_EEXIST) *why = "This record is validated already.";
    }
    arena_free(a);
    return rc;
}

#define KIND_REVOKED "external.revoked"

/* The revocation's payload; ledger_correct adds "corrects" (the validation's entry). */
static json_t *revoke_payload(int64_t validation_id, int64_t user_id, const char *reason, int64_t by)
{
    return json_pack("{s:I, s:I, s:s, s:I}", "validation_id", (json_int_t)validation_id, "user_id", (json_int_t)user_id,
                     "reason", reason, "revoked_by", (json_int_t)by);
}

int ext_revoke(Db *db, const ExtActivity *act, int64_t user_id, const char *reason, int64_t by, UsTime now,
               const char **why)
{
    Arena *a = arena_new();
    ExtRecord rec;
    reason = reason ? str_trim(a, reason) : "";
    int rc = ext_record(db, a, act, user_id, &rec);
    int64_t seq = 0;
    if (rc == LN_OK && !rec.validation_id) rc = LN_NOTFOUND;
    if (rc == LN_NOTFOUND) *why = "This record is not validated.";
    else if (rc == LN_OK && (!*reason || strlen(reason) > EXT_REASON_MAX || !utf8_valid(reason, strlen(reason)))) {
        *why = "Give the reason, in at most 500 characters.";
        rc = LN_EINVAL;
    } else if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    else if (rc == LN_OK) {
        json_t *p = revoke_payload(rec.validation_id, user_id, reason, by);
        rc = ledger_correct(db, act->org_id, rec.ledger_seq, KIND_REVOKED,
                            arena_printf(a, "activity:%lld run:%lld user:%lld", (long long)act->id,
                                         (long long)act->run_id, (long long)user_id), p, now, &seq);
        json_decref(p);
        if (rc == LN_OK)
            rc = db_change(db, "UPDATE external_validation SET revoked_at = $1, revoked_by = $2, revoke_reason = $3,"
                               " revoke_seq = $4 WHERE id = $5 AND revoked_at IS NULL", "iitii", now, by, reason, seq,
                           rec.validation_id);
        rc = db_end(db, rc);
    }
    arena_free(a);
    return rc;
}

/* ---- the platform's certificate, sent by the learner ------------------------------------ */

#define KIND_ATTESTATION "external.attestation"

static json_t *attestation_payload(int64_t id, const ExtActivity *act, int64_t user_id, const Media *m)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:s}", "attestation_id", (json_int_t)id, "activity_id",
                     (json_int_t)act->id, "run_id", (json_int_t)act->run_id, "user_id", (json_int_t)user_id, "media_id",
                     (json_int_t)m->id, "sha256", m->sha256, "filename", m->filename);
}

int ext_attest(Db *db, const ExtActivity *act, int64_t user_id, const Media *m, UsTime now, int64_t *id,
               const char **why)
{
    static const char *const types[] = {"application/pdf", "image/png", "image/jpeg", NULL};
    Arena *a = arena_new();
    ExtRecord rec;
    int rc = ext_record(db, a, act, user_id, &rec);
    int64_t seq = 0;
    if (rc == LN_NOTFOUND) *why = "This person is not a learner of this course run.";
    else if (rc == LN_OK && !str_one_of(m->mime, types)) {
        *why = "Send the certificate as a PDF or an image (PNG or JPEG).";
        rc = LN_EINVAL;
    } else if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    else if (rc == LN_OK) {
        rc = db_query_i64(db, id, "INSERT INTO external_attestation (activity_id, user_id, media_id, uploaded_at)"
                                  " VALUES ($1, $2, $3, $4) RETURNING id", "iiii", act->id, user_id, m->id, now) == DB_ROW
             ? LN_OK : LN_EDB;
        json_t *p = rc == LN_OK ? attestation_payload(*id, act, user_id, m) : NULL;
        if (rc == LN_OK)
            rc = ledger_append(db, act->org_id, KIND_ATTESTATION,
                               arena_printf(a, "activity:%lld attestation:%lld user:%lld", (long long)act->id,
                                            (long long)*id, (long long)user_id), p, now, &seq);
        json_decref(p);
        if (rc == LN_OK && db_run(db, "UPDATE external_attestation SET ledger_seq = $1 WHERE id = $2", "ii", seq, *id)
                               != DB_DONE)
            rc = LN_EDB;
        rc = db_end(db, rc);
    }
    arena_free(a);
    return rc;
}

int ext_attestation_load(Db *db, Arena *a, int64_t id, ExtAttestation *out)
{
    DbStmt *st = db_prepare_bound(db, "SELECT t.id, t.activity_id, t.user_id, x.org_id, x.run_id, t.uploaded_at, t.media_id"
                                      " FROM external_attestation t JOIN external_activity x ON x.id = t.activity_id"
                                      " WHERE t.id = $1", "i", id);
    if (!st) return LN_EDB;
    int rc = db_step(st);
    int64_t media_id = 0;
    if (rc == DB_ROW) {
        *out = (ExtAttestation){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3),
                               db_col_i64(st, 4), db_col_i64(st, 5), {0}};
        media_id = db_col_i64(st, 6);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    return media_load(db, a, out->org_id, media_id, &out->media);
}

int64_t ext_validated_minutes(Db *db, int64_t run_id, int64_t user_id)
{
    int64_t m = 0;
    return db_query_i64(db, &m, "SELECT COALESCE(sum(v.minutes), 0) FROM external_validation v"
                                " JOIN external_activity a ON a.id = v.activity_id WHERE a.run_id = $1 AND v.user_id = $2"
                                " AND v.revoked_at IS NULL",
                        "ii", run_id, user_id) == DB_ROW ? m : 0;
}

/* Count the entries of `kind` against `rows` (the rows checked). */
static int entries_match(Db *db, int64_t org_id, const char *kind, int64_t rows, const char *what, FactsReport *out)
{
    int64_t entries = 0;
    if (ledger_kind_count(db, org_id, kind, &entries) != LN_OK) return LN_EDB;
    if (entries == rows) return LN_OK;
    snprintf(out->detail, sizeof out->detail, "the ledger records %lld %s, the database holds %lld", (long long)entries,
             what, (long long)rows);
    return LN_EINVAL;
}

/* The payload a row's entry must hold, against the entry's (canonical JSON);
 * false names the row in *out. */
static bool payload_matches(json_t *want, const char *stored, const char *table, int64_t id, const char *what,
                            FactsReport *out)
{
    bool ok = ledger_payload_is(want, stored);
    if (!ok) {
        out->table = table;
        out->bad_id = id;
        snprintf(out->detail, sizeof out->detail, "%s %lld differs from its ledger entry", what, (long long)id);
    }
    return ok;
}

int ext_facts_verify(Db *db, int64_t org_id, FactsReport *out)
{
    memset(out, 0, sizeof *out);
    int64_t validations = 0, attestations = 0;
    int rc = DB_DONE, result = LN_OK;
    int64_t revocations = 0;
    DbStmt *st = db_prepare_bound(db, "SELECT v.id, v.user_id, v.minutes, v.reported_minutes, v.verdict, v.note,"
                                      " a.id, a.run_id, a.minutes, a.iri, e.payload, COALESCE(v.revoked_by, 0),"
                                      " v.revoke_reason, v.ledger_seq, c.payload FROM external_validation v"
                                      " JOIN external_activity a ON a.id = v.activity_id"
                                      " LEFT JOIN ledger_entry e ON e.org_id = a.org_id AND e.seq = v.ledger_seq"
                                      " AND e.kind = $2 LEFT JOIN ledger_entry c ON c.org_id = a.org_id"
                                      " AND c.seq = v.revoke_seq AND c.kind = $3 WHERE a.org_id = $1 ORDER BY v.id",
                                  "itt", org_id, LEDGER_KIND, KIND_REVOKED);
    if (!st) result = LN_EDB;
    while (result == LN_OK && (rc = db_step(st)) == DB_ROW) {
        ExtActivity act = {.id = db_col_i64(st, 6), .run_id = db_col_i64(st, 7), .minutes = db_col_i64(st, 8),
                           .iri = (char *)db_col_text(st, 9)};
        validations++;
        if (!payload_matches(validation_payload(db_col_i64(st, 0), &act, db_col_i64(st, 1), db_col_i64(st, 2),
                                                db_col_i64(st, 3), db_col_text(st, 4), db_col_text(st, 5)),
                             db_col_text(st, 10), "external_validation", db_col_i64(st, 0),
                             "the validation of an external activity", out))
            result = LN_EINVAL;
        if (result == LN_OK && db_col_i64(st, 11)) {        /* revoked: its correction says so */
            revocations++;
            json_t *want = revoke_payload(db_col_i64(st, 0), db_col_i64(st, 1), db_col_text(st, 12), db_col_i64(st, 11));
            json_object_set_new(want, "corrects", json_integer(db_col_i64(st, 13)));
            if (!payload_matches(want, db_col_text(st, 14), "external_validation", db_col_i64(st, 0),
                                 "the revocation of a validation of an external activity", out))
                result = LN_EINVAL;
        }
    }
    if (st) db_done(st);
    if (result == LN_OK && rc != DB_DONE) result = LN_EDB;
    st = result == LN_OK ? db_prepare_bound(db, "SELECT t.id, t.user_id, a.id, a.run_id, m.id, m.sha256, m.filename,"
                                                " e.payload FROM external_attestation t"
                                                " JOIN external_activity a ON a.id = t.activity_id"
                                                " JOIN media m ON m.id = t.media_id"
                                                " LEFT JOIN ledger_entry e ON e.org_id = a.org_id AND e.seq = t.ledger_seq"
                                                " AND e.kind = $2 WHERE a.org_id = $1 ORDER BY t.id", "it", org_id,
                                            KIND_ATTESTATION) : NULL;
    if (result == LN_OK && !st) result = LN_EDB;
    while (result == LN_OK && (rc = db_step(st)) == DB_ROW) {
        ExtActivity act = {.id = db_col_i64(st, 2), .run_id = db_col_i64(st, 3)};
        Media m = {.id = db_col_i64(st, 4), .sha256 = (char *)db_col_text(st, 5), .filename = (char *)db_col_text(st, 6)};
        attestations++;
        if (!payload_matches(attestation_payload(db_col_i64(st, 0), &act, db_col_i64(st, 1), &m), db_col_text(st, 7),
                             "external_attestation", db_col_i64(st, 0), "the certificate sent for an external activity",
                             out))
            result = LN_EINVAL;
    }
    if (st) db_done(st);
    if (result == LN_OK && rc != DB_DONE) result = LN_EDB;
    out->checked = validations + attestations;
    if (result == LN_OK) {
        out->table = "external_validation";
        result = entries_match(db, org_id, LEDGER_KIND, validations, "validations of external activities", out);
    }
    if (result == LN_OK)
        result = entries_match(db, org_id, KIND_REVOKED, revocations, "revoked validations of external activities", out);
    if (result == LN_OK) {
        out->table = "external_attestation";
        result = entries_match(db, org_id, KIND_ATTESTATION, attestations, "certificates sent for external activities",
                               out);
    }
    if (result == LN_OK) out->table = NULL;
    return result;
}
