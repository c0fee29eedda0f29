/* certificate.c — completion certificates computed from the evidence
 * (certificate.h, docs/certificates.md). */
#include "certificate/certificate.h"
#include "attendance/record.h"
#include "content/content.h"
#include "xapi/external.h"
#include "mail/mail.h"
#include "web/i18n.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>

#define MINUTE_US (60 * US_PER_SEC)
#define DAY_US (INT64_C(86400) * US_PER_SEC)
#define CERT_SPAN_MAX 50000             /* entries checked on the way to the checkpoint */

/* The types of action of the Ministry's model, and their labels (msgids). */
static const struct { const char *code, *label; } action_types[] = {
    {"training", "Training"},
    {"skills_assessment", "Skills assessment"},
    {"vae", "Validation of prior experience (VAE)"},
    {"apprenticeship", "Apprenticeship"},
};
#define NTYPES ((int)(sizeof action_types / sizeof action_types[0]))

bool cert_action_type_ok(const char *t)
{
    for (int i = 0; i < NTYPES; i++)
        if (str_eq(t, action_types[i].code)) return true;
    return false;
}

const char *cert_action_type_text(const char *t)
{
    for (int i = 0; i < NTYPES; i++)
        if (str_eq(t, action_types[i].code)) return action_types[i].label;
    return action_types[0].label;
}

const char *cert_action_type_code(int i)
{
    return i >= 0 && i < NTYPES ? action_types[i].code : NULL;
}

/* ---- figures --------------------------------------------------------------- */

int64_t cert_live_minutes(UsTime starts_at, UsTime ends_at, int64_t utc_offset_min, bool am, bool pm,
                          UsTime departed_at)
{
    UsTime end = departed_at > 0 && departed_at < ends_at ? departed_at : ends_at, counted = 0;
    /* walk the session from one local noon or midnight to the next (as attendance_half_day's halves) */
    for (UsTime t = starts_at; t < end;) {
        UsTime sod = ((t + utc_offset_min * MINUTE_US) % DAY_US + DAY_US) % DAY_US;
        bool morning = sod < DAY_US / 2;
        UsTime next = t + (morning ? DAY_US / 2 : DAY_US) - sod;
        if (next > end) next = end;
        if (morning ? am : pm) counted += next - t;
        t = next;
    }
    return counted / MINUTE_US;
}

static void widen(CertFigures *f, UsTime from, UsTime to)
{
    if (from > 0 && (f->first_at == 0 || from < f->first_at)) f->first_at = from;
    if (to > f->last_at) f->last_at = to;
}

static int live_figures(Db *db, int64_t run_id, int64_t user_id, CertFigures *f)
{
    DbStmt *st = db_prepare(db,
        "SELECT s.starts_at, s.ends_at, s.utc_offset_min, max(CASE WHEN g.half_day = 'am' THEN 1 ELSE 0 END),"
        " max(CASE WHEN g.half_day = 'pm' THEN 1 ELSE 0 END), min(g.signed_at),"
        " COALESCE((SELECT min(d.signed_at) FROM departure d WHERE d.session_id = s.id AND d.user_id = $2), 0)"
        " FROM live_session s JOIN signature g ON g.session_id = s.id AND g.user_id = $2 AND g.role = 'learner'"
        " WHERE s.run_id = $1 GROUP BY s.id, s.starts_at, s.ends_at, s.utc_offset_min");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        UsTime starts = db_col_i64(st, 0), ends = db_col_i64(st, 1), departed = db_col_i64(st, 6);
        f->live_minutes += cert_live_minutes(starts, ends, db_col_i64(st, 2), db_col_i64(st, 3) != 0,
                                             db_col_i64(st, 4) != 0, departed);
        f->live_sessions++;
        UsTime first = db_col_i64(st, 5);
        widen(f, first < starts ? first : starts, departed > 0 && departed < ends ? departed : ends);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int cert_figures(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t user_id, UsTime now, CertFigures *out,
                 char **name)
{
    memset(out, 0, sizeof *out);
    char *who = db_query_text(db, a, "SELECT u.name FROM enrolment e JOIN course_run r ON r.id = e.run_id"
                                     " JOIN app_user u ON u.id = e.user_id"
                                     " WHERE e.run_id = $1 AND e.user_id = $2 AND r.org_id = $3", "iii", run_id, user_id,
                              org_id);
    if (!who) return LN_NOTFOUND;
    if (name) *name = who;
    connection_sessions_record(db, org_id, run_id, user_id, now, NULL);
    TimeRules t;
    Activity act;
    if (time_rules_get(db, org_id, &t) != LN_OK || activity_load(db, a, &t, run_id, user_id, &act) != LN_OK)
        return LN_EDB;
    out->distance_minutes = act.active_ms / 60000;
    out->connection_sessions = act.nsessions;
    for (int i = 0; i < act.nsessions; i++) widen(out, act.sessions[i].start, act.sessions[i].end);
    DbStmt *st = db_prepare(db, "SELECT count(*), COALESCE(min(started_at), 0), COALESCE(max(submitted_at), 0)"
                                " FROM attempt WHERE run_id = $1 AND user_id = $2 AND submitted_at IS NOT NULL");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->attempts = db_col_i64(st, 0);
        if (out->attempts) widen(out, db_col_i64(st, 1), db_col_i64(st, 2));
    }
    db_done(st);
    if (rc != DB_ROW) return LN_EDB;
    out->external_minutes = ext_validated_minutes(db, run_id, user_id);
    return live_figures(db, run_id, user_id, out);
}

int64_t cert_total_minutes(const CertFigures *f)
{
    return f->live_minutes + f->distance_minutes + f->external_minutes;
}

/* ---- rows ------------------------------------------------------------------ */

#define CERT_COLS                                                                                                  \
    "c.id, c.public_id, c.org_id, c.run_id, c.user_id, c.action_type, c.employer, c.learner_name, c.course_title,"  \
    " c.run_title, c.first_at, c.last_at, c.live_minutes, c.distance_minutes, c.live_sessions,"                    \
    " c.connection_sessions, c.attempts, c.issued_at, c.issued_by, c.ledger_seq, COALESCE(c.revoked_at, 0),"        \
    " COALESCE(c.revoked_by, 0), c.revoke_reason, COALESCE(c.revoke_seq, 0), o.name, o.slug, iu.name,"      \
    " c.external_minutes"
#define CERT_JOINS " JOIN org o ON o.id = c.org_id JOIN app_user iu ON iu.id = c.issued_by"

/* The row at column `col` of st (CERT_COLS) into *c. */
static void cert_read(DbStmt *st, int col, Arena *a, Certificate *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_i64(st, col);
    snprintf(c->public_id, sizeof c->public_id, "%s", db_col_text(st, col + 1));
    c->org_id = db_col_i64(st, col + 2);
    c->run_id = db_col_i64(st, col + 3);
    c->user_id = db_col_i64(st, col + 4);
    c->action_type = db_col_dup(st, col + 5, a);
    c->employer = db_col_dup(st, col + 6, a);
    c->learner_name = db_col_dup(st, col + 7, a);
    c->course_title = db_col_dup(st, col + 8, a);
    c->run_title = db_col_dup(st, col + 9, a);
    c->f.first_at = db_col_i64(st, col + 10);
    c->f.last_at = db_col_i64(st, col + 11);
    c->f.live_minutes = db_col_i64(st, col + 12);
    c->f.distance_minutes = db_col_i64(st, col + 13);
    c->f.live_sessions = db_col_i64(st, col + 14);
    c->f.connection_sessions = db_col_i64(st, col + 15);
    c->f.attempts = db_col_i64(st, col + 16);
    c->issued_at = db_col_i64(st, col + 17);
    c->issued_by = db_col_i64(st, col + 18);
    c->ledger_seq = db_col_i64(st, col + 19);
    c->revoked_at = db_col_i64(st, col + 20);
    c->revoked_by = db_col_i64(st, col + 21);
    c->revoke_reason = db_col_dup(st, col + 22, a);
    c->revoke_seq = db_col_i64(st, col + 23);
    c->org_name = db_col_dup(st, col + 24, a);
    c->org_slug = db_col_dup(st, col + 25, a);
    c->issuer_name = db_col_dup(st, col + 26, a);
    c->f.external_minutes = db_col_i64(st, col + 27);
}

/* The one row of a prepared and bound statement (NULL: it could not be
 * prepared) into *out, the statement returned to the cache. */
static int cert_one(DbStmt *st, Arena *a, Certificate *out)
{
    if (!st) return LN_EDB;
    int rc = db_step(st);
    if (rc == DB_ROW) cert_read(st, 0, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int cert_load(Db *db, Arena *a, const char *public_id, int64_t org_id, Certificate *out)
{
    if (!public_id || strlen(public_id) != CERT_PUBLIC_ID_LEN) return LN_NOTFOUND;
    DbStmt *st = db_prepare(db, "SELECT " CERT_COLS " FROM certificate c" CERT_JOINS
                                " WHERE c.public_id = $1 AND ($2 = 0 OR c.org_id = $2)");
    if (st) {
        db_bind_text(st, 1, public_id);
        db_bind_i64(st, 2, org_id);
    }
    return cert_one(st, a, out);
}

int cert_current(Db *db, Arena *a, int64_t run_id, int64_t user_id, Certificate *out)
{
    DbStmt *st = db_prepare(db, "SELECT " CERT_COLS " FROM certificate c" CERT_JOINS
                                " WHERE c.run_id = $1 AND c.user_id = $2 AND c.revoked_at IS NULL");
    if (st) {
        db_bind_i64(st, 1, run_id);
        db_bind_i64(st, 2, user_id);
    }
    return cert_one(st, a, out);
}

int cert_run_learners(Db *db, Arena *a, int64_t run_id, int page, CertLearnerList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT u.id, u.name, u.email, " CERT_COLS " FROM enrolment e"
                                " JOIN app_user u ON u.id = e.user_id"
                                " LEFT JOIN certificate c ON c.run_id = e.run_id AND c.user_id = e.user_id"
                                " AND c.revoked_at IS NULL LEFT JOIN org o ON o.id = c.org_id LEFT JOIN app_user iu ON iu.id = c.issued_by"
                                " WHERE e.run_id = $1 ORDER BY u.name, u.id LIMIT $2 OFFSET $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, CERT_LIST_PAGE + 1);
    db_bind_i64(st, 3, (int64_t)(page < 0 ? 0 : page) * CERT_LIST_PAGE);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == CERT_LIST_PAGE) {
            out->more = true;
            continue;
        }
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        CertLearner *l = &out->items[out->n++];
        l->user_id = db_col_i64(st, 0);
        l->name = db_col_dup(st, 1, a);
        l->email = db_col_dup(st, 2, a);
        if (db_col_is_null(st, 3)) memset(&l->cert, 0, sizeof l->cert);
        else cert_read(st, 3, a, &l->cert);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int cert_of_user(Db *db, Arena *a, int64_t user_id, int64_t org_id, CertificateList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT " CERT_COLS " FROM certificate c" CERT_JOINS
                                " WHERE c.user_id = $1 AND ($2 = 0 OR c.org_id = $2) ORDER BY c.issued_at DESC, c.id DESC");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, user_id);
    db_bind_i64(st, 2, org_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        cert_read(st, 0, a, &out->items[out->n++]);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* ---- issuing and revoking ------------------------------------------------- */

/* The entry's payload: every figure of the row, so that the entry alone
 * says what the certificate says.  "external_minutes" only when there are
 * some: the entries of certificates issued before external activities
 * existed keep their bytes. */
static json_t *cert_payload(const Certificate *c)
{
    json_t *p = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "certificate", c->public_id, "run_id", (json_int_t)c->run_id, "user_id", (json_int_t)c->user_id,
                     "action_type", c->action_type, "employer", c->employer, "learner", c->learner_name, "course",
                     c->course_title, "run", c->run_title, "first_at", (json_int_t)c->f.first_at, "last_at",
                     (json_int_t)c->f.last_at, "live_minutes", (json_int_t)c->f.live_minutes, "distance_minutes",
                     (json_int_t)c->f.distance_minutes, "live_sessions", (json_int_t)c->f.live_sessions,
                     "connection_sessions", (json_int_t)c->f.connection_sessions, "attempts",
                     (json_int_t)c->f.attempts, "issued_by", (json_int_t)c->issued_by);
    if (p && c->f.external_minutes) json_object_set_new(p, "external_minutes", json_integer(c->f.external_minutes));
    return p;
}

/* The revocation's payload; with `stored`, as the ledger keeps it (ledger_correct adds "corrects"). */
static json_t *revoke_payload(const Certificate *c, bool stored)
{
    json_t *p = json_pack("{s:s, s:s, s:I}", "certificate", c->public_id, "reason", c->revoke_reason ? c->revoke_reason : "",
                          "revoked_by", (json_int_t)c->revoked_by);
    if (p && stored) json_object_set_new(p, "corrects", json_integer(c->ledger_seq));
    return p;
}

static char *subject_of(Arena *a, const Certificate *c)
{
    return arena_printf(a, "certificate:%lld run:%lld user:%lld", (long long)c->id, (long long)c->run_id,
                        (long long)c->user_id);
}

/* The learner's e-mail, in their language, in the caller's transaction:
 * their certificate is issued (reason NULL) or revoked (with the reason). */
static int tell_learner(Db *db, Arena *a, const Certificate *c, const char *email, const char *lang, const char *base_url,
                        const char *reason, UsTime now)
{
    if (str_empty(email)) return LN_OK;
    const char *base = base_url ? base_url : "";
    const char *subject = arena_printf(a, "%s %s", reason ? i18n_get(lang, "Your certificate of completion is revoked:")
                                                           : i18n_get(lang, "Your certificate of completion:"),
                                       c->course_title);
    const char *what = reason
        ? arena_printf(a, "%s\n%s %s\n", i18n_get(lang, "The training organisation has revoked your certificate of completion for:"),
                       i18n_get(lang, "Reason:"), reason)
        : arena_printf(a, "%s\n", i18n_get(lang, "The training organisation has issued your certificate of completion for:"));
    const char *body = arena_printf(a, "%s %s,\n\n%s%s — %s · %s\n\n%s\n%s/o/%s/certificates/%s\n\n%s\n%s\n\n— %s\n",
                                    i18n_get(lang, "Hello"), c->learner_name, what, c->course_title, c->run_title,
                                    cert_duration(a, cert_total_minutes(&c->f)),
                                    i18n_get(lang, "Your certificate and its PDF:"), base, c->org_slug, c->public_id,
                                    i18n_get(lang, "Anyone can check it at this address:"),
                                    cert_verify_url(a, base, c->public_id), c->org_name);
    return mail_enqueue(db, email, subject, body, now) == LN_OK ? LN_OK : LN_EDB;
}

static bool has_valid(Db *db, Arena *a, int64_t run_id, int64_t user_id)
{
    Certificate c;
    return cert_current(db, a, run_id, user_id, &c) == LN_OK;
}

int cert_issue(Db *db, Arena *a, const CertInput *in, Certificate *out, const char **why)
{
    memset(out, 0, sizeof *out);
    const char *employer = in->employer ? str_trim(a, in->employer) : "";
    if (!cert_action_type_ok(in->action_type)) {
        *why = "Choose the type of action.";
        return LN_EINVAL;
    }
    if (strlen(employer) > CERT_EMPLOYER_MAX || !utf8_valid(employer, strlen(employer))) {
        *why = "The employer's name is too long.";
        return LN_EINVAL;
    }
    if (has_valid(db, a, in->run_id, in->user_id)) {      /* before the figures, which record sessions */
        *why = "This learner already has a certificate for this course run. Revoke it first to issue a new one.";
        return LN_EEXIST;
    }
    int rc = cert_figures(db, a, in->org_id, in->run_id, in->user_id, in->now, &out->f, &out->learner_name);
    if (rc == LN_NOTFOUND) *why = "No such learner in this course run.";
    if (rc != LN_OK) return rc;
    if (cert_total_minutes(&out->f) == 0) {
        *why = "There are no hours to certify yet: no signed half-day of a live session, no active time in the course and no validated external activity.";
        return LN_EPERM;
    }
    char *email = NULL, *lang = NULL;
    DbStmt *st = db_prepare(db, "SELECT c.title, r.title, o.name, o.slug, iu.name, u.email, u.lang"
                                " FROM app_user u, app_user iu,"
                                " course_run r JOIN course c ON c.id = r.course_id JOIN org o ON o.id = r.org_id"
                                " WHERE u.id = $1 AND r.id = $2 AND iu.id = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, in->user_id);
    db_bind_i64(st, 2, in->run_id);
    db_bind_i64(st, 3, in->by);
    if ((rc = db_step(st)) == DB_ROW) {
        out->course_title = db_col_dup(st, 0, a);
        out->run_title = db_col_dup(st, 1, a);
        out->org_name = db_col_dup(st, 2, a);
        out->org_slug = db_col_dup(st, 3, a);
        out->issuer_name = db_col_dup(st, 4, a);
        email = db_col_dup(st, 5, a);
        lang = db_col_dup(st, 6, a);
    }
    db_done(st);
    if (rc != DB_ROW) return LN_EDB;
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out->public_id, sizeof out->public_id, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out->org_id = in->org_id;
    out->run_id = in->run_id;
    out->user_id = in->user_id;
    out->action_type = arena_strdup(a, in->action_type);
    out->employer = (char *)employer;
    out->issued_at = in->now;
    out->issued_by = in->by;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    rc = db_query_i64(db, &out->id, "INSERT INTO certificate (public_id, org_id, run_id, user_id, action_type, employer,"
                                    " learner_name, course_title, run_title, first_at, last_at, live_minutes,"
                                    " distance_minutes, live_sessions, connection_sessions, attempts, issued_at,"
                                    " issued_by, external_minutes, ledger_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                                    " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 0) RETURNING id",
                      "tiiitttttiiiiiiiiii", out->public_id, out->org_id, out->run_id, out->user_id, out->action_type,
                      out->employer, out->learner_name, out->course_title, out->run_title, out->f.first_at,
                      out->f.last_at, out->f.live_minutes, out->f.distance_minutes, out->f.live_sessions,
                      out->f.connection_sessions, out->f.attempts, out->issued_at, out->issued_by, out->f.external_minutes) == DB_ROW
             ? LN_OK : LN_EDB;
    if (rc == LN_OK) rc = tell_learner(db, a, out, email, lang, in->base_url, NULL, in->now);
    json_t *p = rc == LN_OK ? cert_payload(out) : NULL;
    if (rc == LN_OK) rc = p ? ledger_append(db, in->org_id, "certificate.issued", subject_of(a, out), p, in->now,
                                            &out->ledger_seq) : LN_EINVAL;
    json_decref(p);
    if (rc == LN_OK && db_run(db, "UPDATE certificate SET ledger_seq = $1 WHERE id = $2", "ii", out->ledger_seq,
                              out->id) != DB_DONE)
        rc = LN_EDB;
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        /* two people issuing at once: the unique index lets one through */
        if (has_valid(db, a, in->run_id, in->user_id)) {
            *why = "This learner already has a certificate for this course run. Revoke it first to issue a new one.";
            return LN_EEXIST;
        }
        *why = "The certificate could not be saved. Try again.";
        return LN_EDB;
    }
    return LN_OK;
}

int cert_revoke(Db *db, const char *public_id, int64_t org_id, int64_t by, const char *reason, const char *base_url,
                UsTime now, const char **why)
{
    Arena *a = arena_new();
    Certificate c;
    const char *text = reason ? str_trim(a, reason) : "";
    int rc = cert_load(db, a, public_id, org_id, &c);
    if (rc == LN_NOTFOUND) *why = "No such certificate.";
    else if (rc == LN_OK && c.revoked_at) {
        *why = "This certificate is already revoked.";
        rc = LN_EEXIST;
    } else if (rc == LN_OK && (!*text || strlen(text) > CERT_REASON_MAX || !utf8_valid(text, strlen(text)))) {
        *why = "Say why the certificate is revoked (at most 500 characters).";
        rc = LN_EINVAL;
    }
    if (rc != LN_OK) {
        arena_free(a);
        return rc;
    }
    if (db_begin(db) != DB_DONE) {
        arena_free(a);
        return LN_EDB;
    }
    int64_t seq = 0;
    c.revoke_reason = (char *)text;
    c.revoked_by = by;
    json_t *p = revoke_payload(&c, false);
    rc = db_change(db, "UPDATE certificate SET revoked_at = $1, revoked_by = $2, revoke_reason = $3"
                       " WHERE id = $4 AND revoked_at IS NULL", "iiti", now, by, text, c.id);
    if (rc == LN_NOTFOUND) rc = LN_EEXIST;      /* revoked meanwhile */
    if (rc == LN_OK) {
        DbStmt *st = db_prepare(db, "SELECT email, lang FROM app_user WHERE id = $1");
        char *email = NULL, *lang = NULL;
        if (st) {
            db_bind_i64(st, 1, c.user_id);
            if (db_step(st) == DB_ROW) {
                email = db_col_dup(st, 0, a);
                lang = db_col_dup(st, 1, a);
            }
            db_done(st);
        }
        rc = tell_learner(db, a, &c, email, lang, base_url, text, now);
    }
    if (rc == LN_OK) rc = p ? ledger_correct(db, c.org_id, c.ledger_seq, "certificate.revoked", subject_of(a, &c), p, now,
                                             &seq) : LN_EINVAL;
    json_decref(p);
    if (rc == LN_OK && db_run(db, "UPDATE certificate SET revoke_seq = $1 WHERE id = $2", "ii", seq, c.id) != DB_DONE)
        rc = LN_EDB;
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        *why = rc == LN_EEXIST ? "This certificate is already revoked." : "The certificate could not be revoked. Try again.";
        if (rc != LN_EEXIST) rc = LN_EDB;
    }
    arena_free(a);
    return rc;
}

/* ---- verification --------------------------------------------------------- */

/* Is the stored entry `seq` of kind `kind` exactly `want` (its canonical
 * JSON, as ledger_append stored it)?  *found: there is such an entry;
 * hash (may be NULL) gets its hash. */
static int entry_is(Db *db, const Certificate *c, int64_t seq, const char *kind, const char *subject, json_t *want,
                    bool *found, bool *same, char hash[65])
{
    *found = *same = false;
    Buf b;
    buf_init(&b, 0);
    bool ok = want && ledger_canonical(want, &b) == LN_OK;
    json_decref(want);
    DbStmt *st = db_prepare(db, "SELECT kind, subject, payload, hash FROM ledger_entry WHERE org_id = $1 AND seq = $2");
    if (!st) {
        buf_free(&b);
        return LN_EDB;
    }
    db_bind_i64(st, 1, c->org_id);
    db_bind_i64(st, 2, seq);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *found = true;
        if (hash) snprintf(hash, 65, "%s", db_col_text(st, 3));
        *same = ok && str_eq(db_col_text(st, 0), kind) && str_eq(db_col_text(st, 1), subject)
                && str_eq(db_col_text(st, 2), buf_cstr(&b));
    }
    db_done(st);
    buf_free(&b);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

/* The row's issue entry says what the row says (every field of cert_payload). */
static int entry_matches(Db *db, Arena *a, const Certificate *c, bool *found, bool *matches, char hash[65])
{
    return entry_is(db, c, c->ledger_seq, "certificate.issued", subject_of(a, c), cert_payload(c), found, matches, hash);
}

/* A revoked row's correction says so: the certificate, the reason, who, what it corrects. */
static bool revocation_matches(Db *db, Arena *a, const Certificate *c)
{
    bool found, same;
    return entry_is(db, c, c->revoke_seq, "certificate.revoked", subject_of(a, c), revoke_payload(c, true), &found,
                    &same, NULL) == LN_OK && same;
}

int cert_check(Db *db, Arena *a, const Certificate *c, CertCheck *out)
{
    memset(out, 0, sizeof *out);
    out->span_rc = LN_NOTFOUND;
    if (entry_matches(db, a, c, &out->entry_found, &out->matches, out->entry_hash) != LN_OK) return LN_EDB;
    if (c->revoked_at && !revocation_matches(db, a, c)) out->matches = false;
    if (!out->entry_found) return LN_OK;
    int64_t to = c->revoke_seq > c->ledger_seq ? c->revoke_seq : c->ledger_seq;
    out->span_rc = ledger_verify_span(db, c->org_id, c->ledger_seq, to, CERT_SPAN_MAX, &out->span);
    return out->span_rc == LN_EDB ? LN_EDB : LN_OK;
}

int cert_facts_verify(Db *db, int64_t org_id, FactsReport *out)
{
    memset(out, 0, sizeof *out);
    int64_t issued = 0, revoked = 0, entries_issued = 0, entries_revoked = 0;
    DbStmt *st = db_prepare(db, "SELECT " CERT_COLS " FROM certificate c" CERT_JOINS " WHERE c.org_id = $1 ORDER BY c.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int rc, result = LN_OK;
    while (result == LN_OK && (rc = db_step(st)) == DB_ROW) {
        Arena *a = arena_new();
        Certificate c;
        cert_read(st, 0, a, &c);
        bool found, matches;
        out->checked++;
        issued++;
        revoked += c.revoked_at != 0;
        if (entry_matches(db, a, &c, &found, &matches, NULL) != LN_OK) result = LN_EDB;
        else if (!found || !matches || (c.revoked_at && !revocation_matches(db, a, &c))) {
            out->table = "certificate";
            out->bad_id = c.id;
            snprintf(out->detail, sizeof out->detail, "certificate %lld (%s) differs from its ledger entr%s %lld%s",
                     (long long)c.id, c.public_id, c.revoked_at ? "ies" : "y", (long long)c.ledger_seq,
                     c.revoked_at ? " and its revocation" : "");
            result = LN_EINVAL;
        }
        arena_free(a);
    }
    db_done(st);
    if (result != LN_OK) return result;
    if (rc != DB_DONE) return LN_EDB;
    if (ledger_kind_count(db, org_id, "certificate.issued", &entries_issued) != LN_OK
        || ledger_kind_count(db, org_id, "certificate.revoked", &entries_revoked) != LN_OK)
        return LN_EDB;
    if (entries_issued != issued || entries_revoked != revoked) {
        out->table = "certificate";
        snprintf(out->detail, sizeof out->detail,
                 "the ledger records %lld certificates issued and %lld revoked, the database holds %lld and %lld",
                 (long long)entries_issued, (long long)entries_revoked, (long long)issued, (long long)revoked);
        return LN_EINVAL;
    }
    return LN_OK;
}

const char *cert_verdict(const Certificate *c, const CertCheck *k)
{
    if (!k->entry_found || !k->matches || k->span_rc != LN_OK) return "failed";
    if (c->revoked_at) return "revoked";
    if (k->span.too_long) return "too_long";
    if (k->span.checkpoint_seq == 0) return "not_checkpointed";
    return "verified";
}

char *cert_duration(Arena *a, int64_t m)
{
    return m >= 60 ? arena_printf(a, "%lld h %02lld min", (long long)(m / 60), (long long)(m % 60))
                   : arena_printf(a, "%lld min", (long long)m);
}

char *cert_verify_url(Arena *a, const char *base_url, const char *public_id)
{
    return arena_printf(a, "%s/verify/certificates/%s", base_url ? base_url : "", public_id);
}
