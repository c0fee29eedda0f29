/* unitsign.c — signatures at the start and end of a distance unit (unitsign.h). */
#include "attendance/unitsign.h"
#include "evidence/ledger.h"

#include <string.h>

static bool kind_ok(const char *k)
{
    return str_eq(k, "start") || str_eq(k, "end");
}

static bool unit_of_course(Db *db, int64_t course_id, int64_t unit_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE id = $1 AND course_id = $2", "ii", unit_id, course_id);
    return n > 0;
}

int unit_window_set(Db *db, const RunRef *run, int64_t unit_id, const char *kind, UsTime opens, UsTime closes,
                    int64_t utc_offset_min, int64_t by, UsTime now, const char **why)
{
    if (!kind_ok(kind)) {
        *why = "Choose the start or the end of the unit.";
        return LN_EINVAL;
    }
    if (utc_offset_min < -14 * 60 || utc_offset_min > 14 * 60) {
        *why = "The time zone offset is not valid.";
        return LN_EINVAL;
    }
    if (closes <= opens) {
        *why = "The window must close after it opens.";
        return LN_EINVAL;
    }
    if (closes - opens > (int64_t)UNIT_WINDOW_MAX_DAYS * 86400 * US_PER_SEC) {
        *why = "A signing window lasts a year at most.";
        return LN_EINVAL;
    }
    if (!unit_of_course(db, run->course_id, unit_id)) {
        *why = "No such unit in this course.";
        return LN_NOTFOUND;
    }
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = db_run(db, "DELETE FROM unit_sign_window WHERE run_id = $1 AND unit_id = $2 AND kind = $3", "iit",
                    run->id, unit_id, kind) == DB_DONE
                 && db_run(db, "INSERT INTO unit_sign_window (run_id, unit_id, kind, opens_at, closes_at, utc_offset_min,"
                               " set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", "iitiiiii", run->id, unit_id,
                           kind, opens, closes, utc_offset_min, by, now) == DB_DONE
             ? LN_OK : LN_EDB;
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        *why = "The window could not be saved. Try again.";
        return LN_EDB;
    }
    return LN_OK;
}

int unit_window_clear(Db *db, const RunRef *run, int64_t unit_id, const char *kind)
{
    return db_change(db, "DELETE FROM unit_sign_window WHERE run_id = $1 AND unit_id = $2 AND kind = $3", "iit", run->id,
                     unit_id, kind ? kind : "");
}

int unit_windows(Db *db, Arena *a, int64_t run_id, int64_t unit_id, UnitWindowList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db, "SELECT w.unit_id, w.kind, u.title, w.opens_at, w.closes_at, w.utc_offset_min FROM unit_sign_window w"
                                " JOIN unit u ON u.id = w.unit_id JOIN section sc ON sc.id = u.section_id"
                                " WHERE w.run_id = $1 AND ($2 = 0 OR w.unit_id = $2)"
                                " ORDER BY sc.position, u.position, u.id, w.kind DESC LIMIT 2000");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, unit_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        UnitWindow *w = &out->items[out->n++];
        w->unit_id = db_col_i64(st, 0);
        w->kind = db_col_dup(st, 1, a);
        w->unit_title = db_col_dup(st, 2, a);
        w->opens_at = db_col_i64(st, 3);
        w->closes_at = db_col_i64(st, 4);
        w->utc_offset_min = db_col_i64(st, 5);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

static int unit_sig_fact(Db *db, const RunRef *run, const UnitSignature *g)
{
    char subject[160];
    snprintf(subject, sizeof subject, "run:%lld unit:%lld unit_signature:%lld user:%lld", (long long)run->id,
             (long long)g->unit_id, (long long)g->id, (long long)g->user_id);
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:s}", "run_id", (json_int_t)run->id, "unit_id",
                          (json_int_t)g->unit_id, "unit_signature_id", (json_int_t)g->id, "user_id",
                          (json_int_t)g->user_id, "kind", g->kind, "signed_at", (json_int_t)g->signed_at,
                          "image_sha256", g->image_sha256, "ip", g->ip);
    if (!p) return LN_EINVAL;
    int rc = ledger_append(db, run->org_id, "attendance.unit_signature", subject, p, g->signed_at, NULL);
    json_decref(p);
    return rc;
}

static int insert(Db *db, const UnitSignInput *in, UnitSignature *g, const char *ua, const char *canonical,
                  const char *svg)
{
    DbStmt *st = db_prepare(db, "INSERT INTO unit_signature (org_id, run_id, unit_id, user_id, kind, signed_at, ip,"
                                " user_agent, strokes, image_svg, image_sha256)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, in->run->org_id);
    db_bind_i64(st, 2, in->run->id);
    db_bind_i64(st, 3, g->unit_id);
    db_bind_i64(st, 4, g->user_id);
    db_bind_text(st, 5, g->kind);
    db_bind_i64(st, 6, g->signed_at);
    db_bind_text(st, 7, g->ip);
    db_bind_text(st, 8, ua);
    db_bind_text(st, 9, canonical);
    db_bind_text(st, 10, svg);
    db_bind_text(st, 11, g->image_sha256);
    int rc = db_step(st);
    if (rc == DB_ROW) g->id = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
}

int unit_sign(Db *db, Arena *a, const UnitSignInput *in, UnitSignature *out, UnitWindow *wout, const char **why)
{
    memset(out, 0, sizeof *out);
    UnitWindowList wl;
    if (!kind_ok(in->kind)) {
        *why = "Choose the start or the end of the unit.";
        return LN_EINVAL;
    }
    if (unit_windows(db, a, in->run->id, in->unit_id, &wl) != LN_OK) return LN_EDB;
    const UnitWindow *w = NULL;
    for (int i = 0; i < wl.n; i++)
        if (str_eq(wl.items[i].kind, in->kind)) w = &wl.items[i];
    if (!w) {
        *why = "No signature is asked for here.";
        return LN_NOTFOUND;
    }
    if (wout) *wout = *w;
    if (in->now < w->opens_at || in->now > w->closes_at) {
        *why = in->now < w->opens_at ? "Signing for this unit has not opened yet." : "Signing for this unit is closed.";
        return LN_EPERM;
    }
    char *canonical, *svg, sha[65];
    int rc = attendance_strokes(a, in->strokes, in->strokes_len, &canonical, &svg, why);
    if (rc != LN_OK) return rc;
    sha256_hex(svg, sha);
    out->run_id = in->run->id;
    out->unit_id = in->unit_id;
    out->user_id = in->user_id;
    out->kind = arena_strdup(a, in->kind);
    out->unit_title = w->unit_title;
    out->signed_at = in->now;
    out->ip = attendance_clean(a, in->ip, 64);
    out->image_sha256 = arena_strdup(a, sha);
    const char *ua = attendance_clean(a, in->user_agent, 400);

    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t enrolled = 0;
    db_query_i64(db, &enrolled, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2 AND status = 'active'",
                 "ii", in->run->id, in->user_id);
    if (!enrolled) {
        *why = "Only the run's enrolled learners sign its units.";
        rc = LN_NOTFOUND;
    } else if ((rc = insert(db, in, out, ua, canonical, svg)) == LN_EEXIST)
        *why = in->kind[0] == 's' ? "You have already signed the start of this unit." : "You have already signed the end of this unit.";
    if (rc == LN_OK) rc = unit_sig_fact(db, in->run, out);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_OK || rc == LN_EINVAL) rc = LN_EDB;
        if (rc == LN_EDB) *why = "The signature could not be saved; nothing was recorded. Try again.";
        return rc;
    }
    return LN_OK;
}

int unit_signatures(Db *db, Arena *a, int64_t run_id, int64_t user_id, int64_t unit_id, UnitSignatureList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db, "SELECT s.id, s.unit_id, s.kind, u.title, s.ip, s.image_sha256, s.signed_at"
                                " FROM unit_signature s JOIN unit u ON u.id = s.unit_id"
                                " WHERE s.run_id = $1 AND s.user_id = $2 AND ($3 = 0 OR s.unit_id = $3)"
                                " ORDER BY s.signed_at, s.id LIMIT 5000");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    db_bind_i64(st, 3, unit_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        UnitSignature *g = &out->items[out->n++];
        g->id = db_col_i64(st, 0);
        g->run_id = run_id;
        g->user_id = user_id;
        g->unit_id = db_col_i64(st, 1);
        g->kind = db_col_dup(st, 2, a);
        g->unit_title = db_col_dup(st, 3, a);
        g->ip = db_col_dup(st, 4, a);
        g->image_sha256 = db_col_dup(st, 5, a);
        g->signed_at = db_col_i64(st, 6);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}
