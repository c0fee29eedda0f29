/* ical_import.c — iCalendar occurrences into live sessions of a run
 * (ical_import.h).  Rules and SQL only. */
#include "attendance/ical_import.h"
#include "account/account.h"
#include "org/org.h"

#include <string.h>

static void line_error(Arena *a, IcalCalendar *cal, int *cap, int line, const char *msg, const char *detail)
{
    if (cal->n_errors >= ICAL_ERRORS_MAX) return;
    if (*cap < cal->n_errors) *cap = cal->n_errors;
    cal->errors = arena_grow(a, cal->errors, cal->n_errors, cap, sizeof *cal->errors);
    cal->errors[cal->n_errors++] = (IcalError){line, msg, detail};
}

static bool is_link(const char *s) { return str_startswith(s, "https://") || str_startswith(s, "http://"); }

static void map_occurrence(const IcalOccurrence *o, SessionInput *in)
{
    memset(in, 0, sizeof *in);
    in->title = o->title;
    in->grace_minutes = -1;
    in->starts_at = o->starts_at;
    in->ends_at = o->ends_at;
    in->utc_offset_min = o->utc_offset_min;
    if (!str_empty(o->url)) {
        in->mode = "virtual";
        in->place = o->url;
    } else if (is_link(o->location)) {
        in->mode = "virtual";
        in->place = o->location;
    } else {
        in->mode = "room";
        in->place = o->location;
    }
}

/* The session an occurrence already became in this run, if any. */
static int existing(Db *db, Arena *a, int64_t run_id, IcalSession *s)
{
    DbStmt *st = db_prepare(db,
        "SELECT l.id, l.title, l.mode, l.place_or_link, l.starts_at, l.ends_at FROM session_ical i"
        " JOIN live_session l ON l.id = i.session_id WHERE i.run_id = $1 AND i.uid = $2 AND i.recurrence = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_text(st, 2, s->occ->uid);
    db_bind_text(st, 3, s->occ->recurrence);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        s->session_id = db_col_i64(st, 0);
        bool same = str_eq(db_col_text(st, 1), s->in.title) && str_eq(db_col_text(st, 2), s->in.mode)
                    && str_eq(db_col_text(st, 3), s->in.place) && db_col_i64(st, 4) == s->in.starts_at
                    && db_col_i64(st, 5) == s->in.ends_at;
        s->status = same ? ICAL_SAME : ICAL_CHANGED;
    }
    db_done(st);
    LN_UNUSED(a);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

/* E-mail → staff user, looked up once per import (at most EMAILS_MAX addresses). */
#define EMAILS_MAX 500
typedef struct EmailCache {
    const char **email;
    int64_t *id;                        /* 0: not a trainer or administrator of the organisation */
    char **name;
    int n;
} EmailCache;

static int64_t staff_by_email(Db *db, Arena *a, int64_t org_id, EmailCache *ec, const char *email, char **name)
{
    for (int i = 0; i < ec->n; i++)
        if (str_eq(ec->email[i], email)) {
            *name = ec->name[i];
            return ec->id[i];
        }
    if (ec->n >= EMAILS_MAX) return 0;
    if (!ec->email) {
        ec->email = arena_alloc(a, sizeof *ec->email * EMAILS_MAX);
        ec->id = arena_alloc(a, sizeof *ec->id * EMAILS_MAX);
        ec->name = arena_alloc(a, sizeof *ec->name * EMAILS_MAX);
    }
    User u;
    int64_t id = 0;
    *name = NULL;
    if (user_by_email(db, a, email, &u) == LN_OK) {
        Role r = member_role(db, org_id, u.id);
        if (r == ROLE_TRAINER || r == ROLE_ADMIN) id = u.id, *name = u.name;
    }
    ec->email[ec->n] = email;
    ec->id[ec->n] = id;
    ec->name[ec->n++] = *name;
    return id;
}

static void match_trainers(Db *db, Arena *a, int64_t org_id, EmailCache *ec, IcalSession *s)
{
    int cap = 0, cap2 = 0;
    for (int i = 0; i < s->occ->n_emails; i++) {
        char *name;
        int64_t id = staff_by_email(db, a, org_id, ec, s->occ->emails[i], &name);
        if (!id) continue;
        s->trainer_ids = arena_grow(a, s->trainer_ids, s->n_trainers, &cap, sizeof *s->trainer_ids);
        s->trainer_names = arena_grow(a, s->trainer_names, s->n_trainers, &cap2, sizeof *s->trainer_names);
        s->trainer_ids[s->n_trainers] = id;
        s->trainer_names[s->n_trainers++] = name;
    }
}

static int apply_new(Db *db, const RunRef *run, int64_t creator, UsTime now, IcalSession *s)
{
    int rc = attendance_session_insert(db, run, &s->in, creator, now, &s->session_id);
    if (rc != LN_OK) return rc;
    rc = db_run(db,
                "INSERT INTO session_ical (session_id, run_id, uid, recurrence, description, imported_by, imported_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                "iitttii", s->session_id, run->id, s->occ->uid, s->occ->recurrence, s->occ->description, creator, now);
    if (rc == DB_CONSTRAINT) return LN_EEXIST;
    if (rc != DB_DONE) return LN_EDB;
    for (int k = 0; k < s->n_trainers; k++)
        if (db_run(db, "INSERT INTO session_trainer (session_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", "ii",
                   s->session_id, s->trainer_ids[k]) != DB_DONE)
            return LN_EDB;
    return LN_OK;
}

int attendance_import_ical(Db *db, Arena *a, const RunRef *run, int64_t creator, const char *text, size_t len,
                           const IcalOptions *opt, bool apply, UsTime now, IcalReport *out)
{
    memset(out, 0, sizeof *out);
    int rc = ical_parse(a, text, len, opt, &out->cal);
    if (rc != LN_OK) return rc;
    int cap = out->cal.n_errors;
    EmailCache ec = {0};
    out->sessions = arena_alloc(a, sizeof *out->sessions * (size_t)(out->cal.n + 1));
    for (int i = 0; i < out->cal.n; i++) {
        IcalSession *s = &out->sessions[out->n++];
        s->occ = &out->cal.items[i];
        map_occurrence(s->occ, &s->in);
        const char *msg;
        if (session_check(&s->in, &msg)) {
            line_error(a, &out->cal, &cap, s->occ->line, msg, s->occ->title);
            continue;
        }
        if (existing(db, a, run->id, s) != LN_OK) return LN_EDB;
        if (s->status == ICAL_NEW) match_trainers(db, a, run->org_id, &ec, s);
        out->added += s->status == ICAL_NEW;
        out->same += s->status == ICAL_SAME;
        out->changed += s->status == ICAL_CHANGED;
    }
    ical_sort_errors(&out->cal);
    if (out->cal.n_errors) return LN_EINVAL;
    if (!apply || out->added == 0) return LN_OK;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    rc = LN_OK;
    for (int i = 0; rc == LN_OK && i < out->n; i++)
        if (out->sessions[i].status == ICAL_NEW) rc = apply_new(db, run, creator, now, &out->sessions[i]);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        for (int i = 0; i < out->n; i++)
            if (out->sessions[i].status == ICAL_NEW) out->sessions[i].session_id = 0;
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}
