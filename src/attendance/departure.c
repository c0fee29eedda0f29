/* departure.c — early departures from a live session (departure.h). */
#include "attendance/departure.h"
#include "evidence/ledger.h"

#include <string.h>

static int departure_fact(Db *db, const LiveSession *s, const Departure *d)
{
    char subject[128];
    snprintf(subject, sizeof subject, "departure:%lld session:%lld user:%lld", (long long)d->id, (long long)s->id,
             (long long)d->user_id);
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:s}", "session_id", (json_int_t)s->id, "run_id",
                          (json_int_t)s->run_id, "departure_id", (json_int_t)d->id, "user_id", (json_int_t)d->user_id,
                          "method", d->method, "signed_at", (json_int_t)d->signed_at, "image_sha256", d->image_sha256,
                          "ip", d->ip);
    if (!p) return LN_EINVAL;
    int rc = ledger_append(db, s->org_id, "attendance.departure", subject, p, d->signed_at, NULL);
    json_decref(p);
    return rc;
}

static bool has_arrived(Db *db, int64_t session_id, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM signature WHERE session_id = $1 AND user_id = $2 AND role = 'learner'",
                 "ii", session_id, user_id);
    return n > 0;
}

static int insert(Db *db, const LiveSession *s, const Departure *d, const char *canonical, const char *svg,
                  int64_t *id)
{
    DbStmt *st = db_prepare(db, "INSERT INTO departure (session_id, org_id, user_id, signed_at, method, device_user_id,"
                                " ip, user_agent, strokes, image_svg, image_sha256)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, s->id);
    db_bind_i64(st, 2, s->org_id);
    db_bind_i64(st, 3, d->user_id);
    db_bind_i64(st, 4, d->signed_at);
    db_bind_text(st, 5, d->method);
    if (d->device_user_id) db_bind_i64(st, 6, d->device_user_id);
    else db_bind_null(st, 6);
    db_bind_text(st, 7, d->ip);
    db_bind_text(st, 8, d->user_agent);
    db_bind_text(st, 9, canonical);
    db_bind_text(st, 10, svg);
    db_bind_text(st, 11, d->image_sha256);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
}

static int window_check(const LiveSession *s, UsTime now, const char **why)
{
    AttWindow w = attendance_window(s, now);
    if (w != ATT_OPEN) {
        *why = w == ATT_TOO_EARLY ? "Signing has not opened yet." : "Signing for this session is closed.";
        return LN_EPERM;
    }
    if (now >= s->ends_at) {
        *why = "The session is over: a departure is signed before its end.";
        return LN_EPERM;
    }
    return LN_OK;
}

/* Who may depart, read in the caller's transaction when there is one. */
static int person_check(Db *db, const LiveSession *s, int64_t user_id, const char **why)
{
    if (!attendance_expects(db, s, user_id)) {
        *why = "You are not expected at this session: only its enrolled learners sign it.";
        return LN_NOTFOUND;
    }
    if (!has_arrived(db, s->id, user_id)) {
        *why = "Sign your arrival first: a departure follows an arrival signature.";
        return LN_EPERM;
    }
    return LN_OK;
}

int attendance_depart_check(Db *db, const LiveSession *s, int64_t user_id, UsTime now, const char **why)
{
    int rc = window_check(s, now, why);
    if (rc == LN_OK) rc = person_check(db, s, user_id, why);
    if (rc != LN_OK) return rc;
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM departure WHERE session_id = $1 AND user_id = $2", "ii", s->id, user_id);
    if (n) {
        *why = "You have already signed your departure from this session.";
        return LN_EEXIST;
    }
    return LN_OK;
}

int attendance_depart(Db *db, Arena *a, const DepartInput *in, Departure *out, const char **why)
{
    const LiveSession *s = in->session;
    memset(out, 0, sizeof *out);
    int rc = window_check(s, in->now, why);
    if (rc != LN_OK) return rc;
    if (!str_eq(in->method, "online") && !str_eq(in->method, "kiosk")) {
        *why = "Unknown signing method.";
        return LN_EINVAL;
    }
    char *canonical, *svg, sha[65];
    rc = attendance_strokes(a, in->strokes, in->strokes_len, &canonical, &svg, why);
    if (rc != LN_OK) return rc;
    sha256_hex(svg, sha);
    out->session_id = s->id;
    out->user_id = in->user_id;
    out->device_user_id = in->device_user_id;
    out->method = arena_strdup(a, in->method);
    out->signed_at = in->now;
    out->ip = attendance_clean(a, in->ip, 64);
    out->user_agent = attendance_clean(a, in->user_agent, 400);
    out->image_sha256 = arena_strdup(a, sha);
    out->strokes = canonical;

    if (db_begin(db) != DB_DONE) return LN_EDB;
    rc = person_check(db, s, in->user_id, why);
    if (rc == LN_OK && (rc = insert(db, s, out, canonical, svg, &out->id)) == LN_EEXIST)
        *why = "You have already signed your departure from this session.";
    if (rc == LN_OK) rc = departure_fact(db, s, out);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_OK || rc == LN_EINVAL) rc = LN_EDB;
        if (rc == LN_EDB) *why = "The signature could not be saved; nothing was recorded. Try again.";
        return rc;
    }
    return LN_OK;
}

int attendance_departures(Db *db, Arena *a, int64_t session_id, int64_t user_id, DepartureList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db, "SELECT id, session_id, user_id, COALESCE(device_user_id, 0), method, ip, user_agent,"
                                " image_sha256, strokes, signed_at FROM departure"
                                " WHERE session_id = $1 AND ($2 = 0 OR user_id = $2) ORDER BY signed_at, id LIMIT 20000");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, session_id);
    db_bind_i64(st, 2, user_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        Departure *d = &out->items[out->n++];
        d->id = db_col_i64(st, 0);
        d->session_id = db_col_i64(st, 1);
        d->user_id = db_col_i64(st, 2);
        d->device_user_id = db_col_i64(st, 3);
        d->method = db_col_dup(st, 4, a);
        d->ip = db_col_dup(st, 5, a);
        d->user_agent = db_col_dup(st, 6, a);
        d->image_sha256 = db_col_dup(st, 7, a);
        d->strokes = db_col_dup(st, 8, a);
        d->signed_at = db_col_i64(st, 9);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

const Departure *departure_find(const DepartureList *l, int64_t user_id)
{
    for (int i = 0; i < l->n; i++)
        if (l->items[i].user_id == user_id) return &l->items[i];
    return NULL;
}
