/* moderation.c — reports, hiding, bans (docs/forum.md).  Every action is
 * appended to forum_mod_action (forum_mod_record) in the same transaction as
 * the change; that table is never updated. */
#include "forum/forum.h"
#include <string.h>

const char *forum_check_reason(const char *reason)
{
    if (str_empty(reason)) return "Give a reason.";
    if (!utf8_valid(reason, strlen(reason))) return "The text is not valid UTF-8.";
    for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return "The text is not valid UTF-8.";
    if (utf8_len(reason) > FORUM_REASON_MAX) return "The reason is too long (500 characters at most).";
    return NULL;
}

static int done(Db *db, int rc)
{
    if (rc == LN_OK && db_commit(db) == DB_DONE) return LN_OK;
    db_rollback(db);
    return rc == LN_OK ? LN_EDB : rc;
}

int forum_report(Db *db, const ForumPost *p, int64_t org_id, int64_t reporter_id, const char *reason, UsTime now,
                 int64_t *id)
{
    if (forum_check_reason(reason)) return LN_EINVAL;
    int64_t open = 0;
    if (db_query_i64(db, &open, "SELECT count(*) FROM forum_report WHERE post_id = $1 AND reporter_id = $2 "
                                "AND resolved_at IS NULL", "ii", p->id, reporter_id) != DB_ROW)
        return LN_EDB;
    if (open) return LN_EEXIST;
    return db_query_i64(db, id, "INSERT INTO forum_report (post_id, run_id, org_id, reporter_id, reason, created_at) "
                                "VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT)) RETURNING id",
                        "iiiiti", p->id, p->run_id, org_id, reporter_id, reason, (int64_t)now) == DB_ROW ? LN_OK : LN_EDB;
}

int forum_reports(Db *db, Arena *a, int64_t run_id, ForumReportList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db,
        "SELECT r.id, r.post_id, p.thread_id, t.title, p.body, au.name, p.author_id, rp.name, r.reason, r.created_at, "
        "COALESCE(p.hidden_at, 0) FROM forum_report r JOIN forum_post p ON p.id = r.post_id "
        "JOIN forum_thread t ON t.id = p.thread_id JOIN app_user au ON au.id = p.author_id "
        "JOIN app_user rp ON rp.id = r.reporter_id WHERE r.run_id = $1 AND r.resolved_at IS NULL "
        "ORDER BY r.id LIMIT 500");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumReport *x = &out->items[out->n++];
        x->id = db_col_i64(st, 0);
        x->post_id = db_col_i64(st, 1);
        x->thread_id = db_col_i64(st, 2);
        x->title = db_col_dup(st, 3, a);
        x->body = db_col_dup(st, 4, a);
        x->author_name = db_col_dup(st, 5, a);
        x->author_id = db_col_i64(st, 6);
        x->reporter_name = db_col_dup(st, 7, a);
        x->reason = db_col_dup(st, 8, a);
        x->created_at = db_col_i64(st, 9);
        x->hidden = db_col_i64(st, 10) != 0;
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* Closes the open reports of a post (or report `report_id` alone). */
static int resolve(Db *db, int64_t post_id, int64_t report_id, int64_t actor_id, UsTime now)
{
    int rc = report_id
        ? db_run(db, "UPDATE forum_report SET resolved_at = CAST($1 AS BIGINT), resolved_by = $2 WHERE id = $3 "
                     "AND resolved_at IS NULL", "iii", (int64_t)now, actor_id, report_id)
        : db_run(db, "UPDATE forum_report SET resolved_at = CAST($1 AS BIGINT), resolved_by = $2 WHERE post_id = $3 "
                     "AND resolved_at IS NULL", "iii", (int64_t)now, actor_id, post_id);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_hide(Db *db, const ForumPost *p, int64_t org_id, int64_t actor_id, bool hide, const char *reason, UsTime now)
{
    if (hide && forum_check_reason(reason)) return LN_EINVAL;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = hide ? db_change(db, "UPDATE forum_post SET hidden_at = CAST($1 AS BIGINT), hidden_reason = $2 WHERE id = $3 "
                                  "AND hidden_at IS NULL", "iti", (int64_t)now, reason, p->id)
                  : db_change(db, "UPDATE forum_post SET hidden_at = NULL, hidden_reason = NULL WHERE id = $1 "
                                  "AND hidden_at IS NOT NULL", "i", p->id);
    if (rc == LN_NOTFOUND) rc = LN_EEXIST;                  /* already so: nothing recorded */
    if (rc == LN_OK && hide) rc = resolve(db, p->id, 0, actor_id, now);
    if (rc == LN_OK)
        rc = forum_mod_record(db, p->run_id, org_id, actor_id, hide ? "hide" : "unhide", p->thread_id, p->id, p->author_id,
                              hide ? reason : "", now);
    return done(db, rc);
}

int forum_dismiss(Db *db, int64_t run_id, int64_t org_id, int64_t report_id, int64_t actor_id, UsTime now)
{
    int64_t post = 0;
    int q = db_query_i64(db, &post, "SELECT post_id FROM forum_report WHERE id = $1 AND run_id = $2 AND resolved_at IS NULL",
                         "ii", report_id, run_id);
    if (q != DB_ROW) return q == DB_DONE ? LN_NOTFOUND : LN_EDB;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = resolve(db, 0, report_id, actor_id, now);
    if (rc == LN_OK) rc = forum_mod_record(db, run_id, org_id, actor_id, "dismiss", 0, post, 0, "", now);
    return done(db, rc);
}

bool forum_banned(Db *db, int64_t run_id, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM forum_ban WHERE run_id = $1 AND user_id = $2", "ii", run_id, user_id);
    return n > 0;
}

int forum_ban(Db *db, const RunRef *run, int64_t user_id, int64_t actor_id, bool ban, const char *reason, UsTime now)
{
    if (ban && forum_check_reason(reason)) return LN_EINVAL;
    if (ban) {
        /* only a learner of the run, never a trainer or administrator */
        int64_t learner = 0, staff = 0;
        db_query_i64(db, &learner, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2", "ii", run->id,
                     user_id);
        db_query_i64(db, &staff, "SELECT count(*) FROM membership WHERE org_id = $1 AND user_id = $2 "
                                 "AND role IN ('trainer', 'admin')", "ii", run->org_id, user_id);
        if (!learner) return LN_NOTFOUND;
        if (staff) return LN_EPERM;
    }
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc;
    if (ban) {
        rc = db_run(db, "INSERT INTO forum_ban (run_id, user_id, org_id, reason, created_by, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT))",
                    "iiitii", run->id, user_id, run->org_id, reason, actor_id, (int64_t)now);
        rc = rc == DB_DONE ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
    } else rc = db_change(db, "DELETE FROM forum_ban WHERE run_id = $1 AND user_id = $2", "ii", run->id, user_id);
    if (rc == LN_OK)
        rc = forum_mod_record(db, run->id, run->org_id, actor_id, ban ? "ban" : "unban", 0, 0, user_id, ban ? reason : "",
                              now);
    return done(db, rc);
}

int forum_bans(Db *db, Arena *a, int64_t run_id, ForumBanList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT b.user_id, u.name, b.reason, b.created_at FROM forum_ban b "
                                "JOIN app_user u ON u.id = b.user_id WHERE b.run_id = $1 ORDER BY b.created_at, b.user_id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumBan *x = &out->items[out->n++];
        x->user_id = db_col_i64(st, 0);
        x->name = db_col_dup(st, 1, a);
        x->reason = db_col_dup(st, 2, a);
        x->created_at = db_col_i64(st, 3);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_mod_log(Db *db, Arena *a, int64_t run_id, int limit, ForumModList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT m.id, m.action, u.name, COALESCE(m.thread_id, 0), COALESCE(m.post_id, 0), "
                                "COALESCE(m.user_id, 0), COALESCE(tu.name, ''), m.reason, m.created_at "
                                "FROM forum_mod_action m JOIN app_user u ON u.id = m.actor_id "
                                "LEFT JOIN app_user tu ON tu.id = m.user_id WHERE m.run_id = $1 ORDER BY m.id DESC LIMIT $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, limit);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumMod *x = &out->items[out->n++];
        x->id = db_col_i64(st, 0);
        x->action = db_col_dup(st, 1, a);
        x->actor_name = db_col_dup(st, 2, a);
        x->thread_id = db_col_i64(st, 3);
        x->post_id = db_col_i64(st, 4);
        x->user_id = db_col_i64(st, 5);
        x->user_name = db_col_dup(st, 6, a);
        x->reason = db_col_dup(st, 7, a);
        x->created_at = db_col_i64(st, 8);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}
