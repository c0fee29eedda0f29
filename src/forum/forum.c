/* forum.c — the rules and SQL of the run forum (forum.h, docs/forum.md). */
#include "forum/forum.h"
#include "catalog/catalog.h"
#include "content/content.h"
#include "evidence/ledger.h"
#include "web/html.h"
#include "web/i18n.h"
#include <stdlib.h>
#include <string.h>

bool forum_access(Req *r, int64_t run_id, ForumCtx *f)
{
    memset(f, 0, sizeof *f);
    if (run_ref(r->db, r->arena, 0, run_id, &f->run) != LN_OK
        || course_load(r->db, r->arena, f->run.course_id, &f->course) != LN_OK) {
        web_not_found(r);
        return false;
    }
    f->staff = r->user && course_staff(r, f->course.org_id);
    f->learner = r->user && enrolled(r->db, run_id, r->user->id);
    if (!f->staff && !f->learner) {
        if (!r->user) web_error(r, 401, "unauthenticated", T(r, "Sign in to follow this course."));
        else web_error(r, 403, "not_enrolled", T(r, "Enrol in this session to take part in its forum."));
        return false;
    }
    f->banned = !f->staff && forum_banned(r->db, run_id, r->user->id);
    forum_group_view(r->db, run_id, r->user->id, &f->separate, &f->group_id);
    return true;
}

static bool has_controls(const char *s, bool allow_newlines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f) return true;
    return false;
}

const char *forum_check_title(const char *title)
{
    if (str_empty(title)) return "Give the thread a title.";
    if (!utf8_valid(title, strlen(title)) || has_controls(title, false)) return "The text is not valid UTF-8.";
    if (utf8_len(title) > FORUM_TITLE_MAX) return "The title is too long (200 characters at most).";
    return NULL;
}

const char *forum_check_body(const char *body)
{
    if (str_empty(body)) return "Write a message.";
    if (!utf8_valid(body, strlen(body)) || has_controls(body, true)) return "The text is not valid UTF-8.";
    if (utf8_len(body) > FORUM_BODY_MAX) return "The message is too long (20,000 characters at most).";
    return NULL;
}

static int finish(Db *db, int rc)
{
    if (rc == LN_OK && db_commit(db) == DB_DONE) return LN_OK;
    db_rollback(db);
    return rc == LN_OK ? LN_EDB : rc;
}

/* ---- reading ------------------------------------------------------------- */

#define THREAD_COLS \
    "t.id, t.run_id, t.org_id, COALESCE(t.unit_id, 0), t.author_id, t.kind, t.title, u.name, t.created_at, " \
    "t.last_activity_at, COALESCE(t.answered_at, 0), COALESCE(t.answered_by, 0), " \
    "COALESCE(t.first_trainer_reply_at, 0), COALESCE(t.first_trainer_reply_by, 0), tr.name, t.pinned, t.closed, " \
    "t.reply_count, t.vote_count, " \
    "COALESCE(t.category_id, 0), COALESCE(c.name, ''), COALESCE(rd.last_read_at, 0), COALESCE(un.title, ''), " \
    "COALESCE(t.group_id, 0) "
/* $3 is always the viewer (unread markers) */
#define THREAD_FROM " FROM forum_thread t " THREAD_JOINS
#define THREAD_JOINS \
    "JOIN app_user u ON u.id = t.author_id " \
    "LEFT JOIN app_user tr ON tr.id = t.first_trainer_reply_by " \
    "LEFT JOIN forum_category c ON c.id = t.category_id LEFT JOIN unit un ON un.id = t.unit_id " \
    "LEFT JOIN forum_read rd ON rd.thread_id = t.id AND rd.user_id = $3 "

static void thread_row(DbStmt *st, Arena *a, ForumThread *t)
{
    t->id = db_col_i64(st, 0);
    t->run_id = db_col_i64(st, 1);
    t->org_id = db_col_i64(st, 2);
    t->unit_id = db_col_i64(st, 3);
    t->author_id = db_col_i64(st, 4);
    t->kind = db_col_dup(st, 5, a);
    t->title = db_col_dup(st, 6, a);
    t->author_name = db_col_dup(st, 7, a);
    t->created_at = db_col_i64(st, 8);
    t->last_activity_at = db_col_i64(st, 9);
    t->answered_at = db_col_i64(st, 10);
    t->answered_by = db_col_i64(st, 11);
    t->first_trainer_reply_at = db_col_i64(st, 12);
    t->first_trainer_reply_by = db_col_i64(st, 13);
    t->first_trainer_name = db_col_dup(st, 14, a);
    t->pinned = db_col_i64(st, 15) != 0;
    t->closed = db_col_i64(st, 16) != 0;
    t->replies = db_col_i64(st, 17);
    t->votes = db_col_i64(st, 18);
    t->category_id = db_col_i64(st, 19);
    t->category_name = db_col_dup(st, 20, a);
    t->unread = t->last_activity_at > db_col_i64(st, 21);
    t->unit_title = db_col_dup(st, 22, a);
    t->group_id = db_col_i64(st, 23);
}

int forum_threads(Db *db, Arena *a, int64_t run_id, const char *sort, int64_t category_id, int64_t unit_id,
                  int64_t viewer_id, ForumThreadList *out)
{
    return forum_threads_of_group(db, a, run_id, sort, category_id, unit_id, viewer_id, -1, out);
}

int forum_threads_of_group(Db *db, Arena *a, int64_t run_id, const char *sort, int64_t category_id, int64_t unit_id,
                           int64_t viewer_id, int64_t group_id, ForumThreadList *out)
{
    memset(out, 0, sizeof *out);
    const char *sql;
#define THREAD_WHERE "WHERE t.run_id = $1 AND (CAST($2 AS BIGINT) = 0 OR t.category_id = $2) " \
                     "AND (CAST($4 AS BIGINT) = 0 OR t.unit_id = $4) " \
                     "AND (CAST($5 AS BIGINT) < 0 OR COALESCE(t.group_id, 0) = $5) "
    if (str_eq(sort, "votes"))
        sql = "SELECT " THREAD_COLS THREAD_FROM THREAD_WHERE
              "ORDER BY t.pinned DESC, 19 DESC, t.last_activity_at DESC, t.id DESC LIMIT 500";
    /* the others pick their 500 threads first, then count replies and votes
     * of those only (not of every thread of the run before sorting) */
#define PICKED(where, order) \
    "SELECT " THREAD_COLS " FROM (SELECT t.id FROM forum_thread t " THREAD_WHERE where " ORDER BY " order \
    " LIMIT 500) pick JOIN forum_thread t ON t.id = pick.id " THREAD_JOINS "ORDER BY " order
    else if (str_eq(sort, "unanswered"))
        sql = PICKED("AND t.kind = 'question' AND t.answered_at IS NULL", "t.created_at, t.id");
    else
        sql = PICKED("", "t.pinned DESC, t.last_activity_at DESC, t.id DESC");
#undef PICKED
#undef THREAD_WHERE
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, category_id);
    db_bind_i64(st, 3, viewer_id);
    db_bind_i64(st, 4, unit_id);
    db_bind_i64(st, 5, group_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        thread_row(st, a, &out->items[out->n++]);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_thread_load(Db *db, Arena *a, int64_t run_id, int64_t id, ForumThread *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT " THREAD_COLS THREAD_FROM "WHERE t.id = $1 AND t.run_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, 0);
    int rc = db_step(st);
    if (rc == DB_ROW) thread_row(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

bool forum_rate_ok(Db *db, int64_t user_id, UsTime now)
{
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM forum_post WHERE author_id = $1 AND created_at > CAST($2 AS BIGINT) "
                             "AND created_at <= CAST($3 AS BIGINT)", "iii", user_id, (int64_t)(now - 60 * US_PER_SEC),
                     (int64_t)now) != DB_ROW)
        return false;
    return n < FORUM_POSTS_PER_MINUTE;
}

int forum_mark_read(Db *db, int64_t thread_id, int64_t user_id, UsTime now)
{
    return db_run(db, "INSERT INTO forum_read (thread_id, user_id, last_read_at) VALUES ($1, $2, CAST($3 AS BIGINT)) "
                      "ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_at = excluded.last_read_at "
                      "WHERE forum_read.last_read_at < excluded.last_read_at",
                  "iii", thread_id, user_id, (int64_t)now) == DB_DONE ? LN_OK : LN_EDB;
}

/* ---- categories ---------------------------------------------------------- */

const char *forum_check_category(const char *name)
{
    if (str_empty(name)) return "Give the category a name.";
    if (!utf8_valid(name, strlen(name)) || has_controls(name, false)) return "The text is not valid UTF-8.";
    if (utf8_len(name) > FORUM_CATEGORY_MAX) return "The name is too long (80 characters at most).";
    return NULL;
}

int forum_categories(Db *db, Arena *a, int64_t run_id, ForumCategoryList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT c.id, c.name, (SELECT count(*) FROM forum_thread t WHERE t.category_id = c.id) "
                                "FROM forum_category c WHERE c.run_id = $1 ORDER BY c.name, c.id LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumCategory *c = &out->items[out->n++];
        c->id = db_col_i64(st, 0);
        c->name = db_col_dup(st, 1, a);
        c->threads = db_col_i64(st, 2);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_category_create(Db *db, const RunRef *run, const char *name, UsTime now, int64_t *id)
{
    if (forum_check_category(name)) return LN_EINVAL;
    int rc = db_query_i64(db, id, "INSERT INTO forum_category (run_id, org_id, name, created_at) "
                                  "VALUES ($1, $2, $3, CAST($4 AS BIGINT)) RETURNING id",
                          "iiti", run->id, run->org_id, name, (int64_t)now);
    return rc == DB_ROW ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
}

/* LN_NOTFOUND unless category `id` (0: none) belongs to run `run_id`. */
static int category_in_run(Db *db, int64_t run_id, int64_t id)
{
    if (!id) return LN_OK;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM forum_category WHERE id = $1 AND run_id = $2", "ii", id, run_id) != DB_ROW)
        return LN_EDB;
    return n ? LN_OK : LN_NOTFOUND;
}

/* ---- moderation record --------------------------------------------------- */

int forum_mod_record(Db *db, int64_t run_id, int64_t org_id, int64_t actor_id, const char *action, int64_t thread_id,
                     int64_t post_id, int64_t user_id, const char *reason, UsTime now)
{
    return db_run(db, "INSERT INTO forum_mod_action (run_id, org_id, actor_id, action, thread_id, post_id, user_id, reason, "
                      "created_at) VALUES ($1, $2, $3, $4, NULLIF(CAST($5 AS BIGINT), 0), NULLIF(CAST($6 AS BIGINT), 0), "
                      "NULLIF(CAST($7 AS BIGINT), 0), $8, CAST($9 AS BIGINT))",
                  "iiitiiiti", run_id, org_id, actor_id, action, thread_id, post_id, user_id, reason ? reason : "",
                  (int64_t)now) == DB_DONE ? LN_OK : LN_EDB;
}

int forum_thread_set(Db *db, const ForumThread *t, int64_t actor_id, const char *what, int64_t value, UsTime now)
{
    const char *sql, *action;
    if (str_eq(what, "pinned")) {
        sql = "UPDATE forum_thread SET pinned = $1 WHERE id = $2";
        action = value ? "pin" : "unpin";
        value = value != 0;
    } else if (str_eq(what, "closed")) {
        sql = "UPDATE forum_thread SET closed = $1 WHERE id = $2";
        action = value ? "close" : "reopen";
        value = value != 0;
    } else if (str_eq(what, "category")) {
        sql = "UPDATE forum_thread SET category_id = NULLIF(CAST($1 AS BIGINT), 0) WHERE id = $2";
        action = "move";
    } else return LN_EINVAL;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = str_eq(what, "category") ? category_in_run(db, t->run_id, value) : LN_OK;
    if (rc == LN_OK) rc = db_change(db, sql, "ii", value, t->id);
    if (rc == LN_OK) {
        char reason[32] = "";
        if (str_eq(action, "move")) snprintf(reason, sizeof reason, "category:%lld", (long long)value);
        rc = forum_mod_record(db, t->run_id, t->org_id, actor_id, action, t->id, 0, 0, reason, now);
    }
    return finish(db, rc);
}

#define POST_SQL \
    "SELECT p.id, p.thread_id, COALESCE(p.parent_id, 0), p.author_id, u.name, p.body, COALESCE(m.role, ''), " \
    "p.created_at, COALESCE(p.edited_at, 0), p.endorsed, " \
    "(SELECT count(*) FROM forum_vote v WHERE v.post_id = p.id), " \
    "(SELECT count(*) FROM forum_vote v WHERE v.post_id = p.id AND v.user_id = $2), " \
    "COALESCE(p.deleted_at, 0), COALESCE(p.hidden_at, 0), COALESCE(p.hidden_reason, ''), p.run_id " \
    "FROM forum_post p JOIN app_user u ON u.id = p.author_id " \
    "LEFT JOIN membership m ON m.org_id = p.org_id AND m.user_id = p.author_id " \
    "WHERE p.thread_id = $1 "

static void post_row(DbStmt *st, Arena *a, ForumPost *p)
{
    p->id = db_col_i64(st, 0);
    p->thread_id = db_col_i64(st, 1);
    p->parent_id = db_col_i64(st, 2);
    p->author_id = db_col_i64(st, 3);
    p->author_name = db_col_dup(st, 4, a);
    p->body = db_col_dup(st, 5, a);
    p->author_role = db_col_dup(st, 6, a);
    p->created_at = db_col_i64(st, 7);
    p->edited_at = db_col_i64(st, 8);
    p->endorsed = db_col_i64(st, 9) != 0;
    p->votes = db_col_i64(st, 10);
    p->voted = db_col_i64(st, 11) != 0;
    p->deleted_at = db_col_i64(st, 12);
    p->hidden_at = db_col_i64(st, 13);
    p->hidden_reason = db_col_dup(st, 14, a);
    p->run_id = db_col_i64(st, 15);
}

int forum_posts(Db *db, Arena *a, int64_t thread_id, int64_t viewer_id, ForumPostList *out)
{
    memset(out, 0, sizeof *out);
    /* top-level posts in order, each followed by its replies */
    DbStmt *st = db_prepare(db, POST_SQL "ORDER BY COALESCE(p.parent_id, p.id), p.parent_id IS NOT NULL, p.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, thread_id);
    db_bind_i64(st, 2, viewer_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        post_row(st, a, &out->items[out->n++]);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_post_load(Db *db, Arena *a, int64_t thread_id, int64_t id, ForumPost *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, POST_SQL "AND p.id = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, thread_id);
    db_bind_i64(st, 2, 0);
    db_bind_i64(st, 3, id);
    int rc = db_step(st);
    if (rc == DB_ROW) post_row(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

/* ---- writing ------------------------------------------------------------- */

static int insert_post(Db *db, int64_t thread_id, int64_t run_id, int64_t org_id, int64_t parent_id,
                       int64_t user_id, const char *body, UsTime now, int64_t *id)
{
    int rc = parent_id
        ? db_query_i64(db, id, "INSERT INTO forum_post (thread_id, run_id, org_id, parent_id, author_id, body, created_at) "
                               "VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS BIGINT)) RETURNING id",
                       "iiiiiti", thread_id, run_id, org_id, parent_id, user_id, body, (int64_t)now)
        : db_query_i64(db, id, "INSERT INTO forum_post (thread_id, run_id, org_id, author_id, body, created_at) "
                               "VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT)) RETURNING id",
                       "iiiiti", thread_id, run_id, org_id, user_id, body, (int64_t)now);
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

const char *forum_unit_title(Db *db, Arena *a, const ForumCtx *f, int64_t unit_id)
{
    return db_query_text(db, a, "SELECT title FROM unit WHERE id = $1 AND course_id = $2", "ii", unit_id,
                         f->run.course_id);
}

/* Posting in the discussion of a "discussion" unit completes it for a
 * learner of the run (in the caller's transaction). */
static int discussion_done(Db *db, const ForumCtx *f, int64_t unit_id, int64_t user_id, UsTime now)
{
    int64_t n = 0;
    if (!unit_id || !f->learner || f->staff) return LN_OK;
    if (db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE id = $1 AND course_id = $2 AND kind = 'discussion'", "ii",
                     unit_id, f->run.course_id) != DB_ROW)
        return LN_EDB;
    if (!n) return LN_OK;
    Unit u = {.id = unit_id, .course_id = f->run.course_id};
    bool course_done;
    return progress_complete_tx(db, &f->run, &u, user_id, now, &course_done);
}

int forum_thread_create(Db *db, const ForumCtx *f, int64_t user_id, const char *kind, int64_t category_id,
                        int64_t unit_id, const char *title, const char *body, UsTime now, int64_t *thread_id)
{
    if (!str_eq(kind, "question") && !str_eq(kind, "discussion")) return LN_EINVAL;
    if (forum_check_title(title) || forum_check_body(body)) return LN_EINVAL;
    if (forum_banned(db, f->run.id, user_id)) return LN_EPERM;
    if (!forum_rate_ok(db, user_id, now)) return LN_ELIMIT;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t tid = 0, pid = 0, group = 0;
    int rc = category_in_run(db, f->run.id, category_id);
    /* a learner's thread is their group's; staff choose one (or none) */
    if (rc == LN_OK && f->staff && f->post_group_id)
        rc = forum_group_in_run(db, f->run.id, f->post_group_id) ? (group = f->post_group_id, LN_OK) : LN_NOTFOUND;
    else if (rc == LN_OK && !f->staff) {
        bool separate;
        forum_group_view(db, f->run.id, user_id, &separate, &group);
    }
    if (rc == LN_OK && unit_id) {
        int64_t n = 0;
        if (db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE id = $1 AND course_id = $2", "ii", unit_id,
                         f->run.course_id) != DB_ROW)
            rc = LN_EDB;
        else if (!n) rc = LN_NOTFOUND;
    }
    if (rc == LN_OK)
        rc = db_query_i64(db, &tid,
                          "INSERT INTO forum_thread (run_id, org_id, kind, title, author_id, created_at, last_activity_at, "
                          "category_id, unit_id, group_id) VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT), "
                          "CAST($6 AS BIGINT), NULLIF(CAST($7 AS BIGINT), 0), NULLIF(CAST($8 AS BIGINT), 0), "
                          "NULLIF(CAST($9 AS BIGINT), 0)) RETURNING id",
                          "iittiiiii", f->run.id, f->run.org_id, kind, title, user_id, (int64_t)now, category_id,
                          unit_id, group) == DB_ROW
                 ? LN_OK : LN_EDB;
    if (rc == LN_OK) rc = insert_post(db, tid, f->run.id, f->run.org_id, 0, user_id, body, now, &pid);
    if (rc == LN_OK && f->files) rc = forum_attach(db, f->run.id, f->run.org_id, tid, pid, f->files, now);
    if (rc == LN_OK) rc = discussion_done(db, f, unit_id, user_id, now);
    if (rc == LN_OK) rc = forum_search_index(db, pid);
    if (rc == LN_OK) rc = forum_mark_read(db, tid, user_id, now);
    if (rc == LN_OK) rc = forum_follow(db, tid, user_id, true, now);
    if (rc == LN_OK) {      /* a new thread is news to the forum's followers */
        ForumThread t = {.id = tid, .run_id = f->run.id, .org_id = f->run.org_id};
        rc = forum_notify_followers(db, &t, pid, user_id, now);
    }
    rc = finish(db, rc);
    if (rc == LN_OK && thread_id) *thread_id = tid;
    return rc;
}

static int assistance_fact(Db *db, const ForumThread *t, int64_t trainer_id, UsTime now)
{
    char subject[96];
    snprintf(subject, sizeof subject, "run:%lld thread:%lld", (long long)t->run_id, (long long)t->id);
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "thread_id", (json_int_t)t->id,
                          "run_id", (json_int_t)t->run_id, "asked_at", (json_int_t)t->created_at,
                          "replied_at", (json_int_t)now, "trainer_id", (json_int_t)trainer_id,
                          "response_seconds", (json_int_t)((now - t->created_at) / 1000000));
    if (!p) return LN_EINVAL;
    int rc = ledger_append(db, t->org_id, "assistance.reply", subject, p, now, NULL);
    json_decref(p);
    return rc;
}

int forum_reply(Db *db, const ForumCtx *f, const ForumThread *t, int64_t user_id, bool staff, int64_t parent_id,
                const char *body, UsTime now, int64_t *post_id)
{
    if (forum_check_body(body)) return LN_EINVAL;
    if (t->closed || forum_banned(db, t->run_id, user_id)) return LN_EPERM;
    if (!staff) {       /* separate forums: only in one's group's threads */
        bool separate;
        int64_t group = 0;
        forum_group_view(db, t->run_id, user_id, &separate, &group);
        if (separate && group != t->group_id) return LN_NOTFOUND;
    }
    if (!forum_rate_ok(db, user_id, now)) return LN_ELIMIT;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    int64_t top = 0;
    if (parent_id) {
        /* one level: a reply to a reply attaches to its top-level reply */
        int q = db_query_i64(db, &top, "SELECT COALESCE(parent_id, id) FROM forum_post WHERE id = $1 AND thread_id = $2",
                             "ii", parent_id, t->id);
        if (q != DB_ROW) rc = q == DB_DONE ? LN_NOTFOUND : LN_EDB;
        /* a reply to the opening post is a top-level reply */
        int64_t first = 0;
        if (rc == LN_OK && db_query_i64(db, &first, "SELECT MIN(id) FROM forum_post WHERE thread_id = $1", "i", t->id) == DB_ROW
            && first == top)
            top = 0;
    }
    int64_t pid = 0;
    if (rc == LN_OK) rc = insert_post(db, t->id, t->run_id, t->org_id, top, user_id, body, now, &pid);
    if (rc == LN_OK && f->files) rc = forum_attach(db, t->run_id, t->org_id, t->id, pid, f->files, now);
    if (rc == LN_OK) rc = discussion_done(db, f, t->unit_id, user_id, now);
    if (rc == LN_OK && db_run(db, "UPDATE forum_thread SET last_activity_at = CAST($1 AS BIGINT), "
                              "reply_count = reply_count + 1 WHERE id = $2", "ii",
                              (int64_t)now, t->id) != DB_DONE)
        rc = LN_EDB;
    if (rc == LN_OK) rc = forum_search_index(db, pid);
    if (rc == LN_OK) rc = forum_mark_read(db, t->id, user_id, now);
    if (rc == LN_OK) rc = forum_follow(db, t->id, user_id, true, now);
    if (rc == LN_OK) rc = forum_notify_followers(db, t, pid, user_id, now);
    if (rc == LN_OK && staff && str_eq(t->kind, "question") && user_id != t->author_id) {
        int c = db_change(db, "UPDATE forum_thread SET first_trainer_reply_at = CAST($1 AS BIGINT), first_trainer_reply_by = $2 "
                              "WHERE id = $3 AND first_trainer_reply_at IS NULL", "iii", (int64_t)now, user_id, t->id);
        if (c == LN_OK) rc = assistance_fact(db, t, user_id, now);
        else if (c != LN_NOTFOUND) rc = LN_EDB;
    }
    rc = finish(db, rc);
    if (rc == LN_OK && post_id) *post_id = pid;
    return rc;
}

bool forum_post_visible(const ForumCtx *f, const ForumPost *p, int64_t viewer_id)
{
    if (f->staff) return true;
    if (p->deleted_at) return false;
    return !p->hidden_at || p->author_id == viewer_id;
}

bool forum_can_change(const ForumPost *p, int64_t user_id, UsTime now)
{
    return p->author_id == user_id && !p->deleted_at && !p->hidden_at && now - p->created_at <= FORUM_EDIT_WINDOW_US
        && now >= p->created_at;
}

int forum_edit(Db *db, const ForumPost *p, int64_t user_id, const char *body, UsTime now)
{
    if (forum_check_body(body)) return LN_EINVAL;
    if (!forum_can_change(p, user_id, now) || forum_banned(db, p->run_id, user_id)) return LN_EPERM;
    if (str_eq(body, p->body)) return LN_OK;            /* nothing changed: no revision */
    if (db_begin(db) != DB_DONE) return LN_EDB;
    /* the version being replaced, from when it was written until now */
    int rc = db_run(db, "INSERT INTO forum_post_revision (post_id, body, written_at, replaced_at) "
                        "SELECT id, body, COALESCE(edited_at, created_at), CAST($1 AS BIGINT) FROM forum_post WHERE id = $2",
                    "ii", (int64_t)now, p->id) == DB_DONE ? LN_OK : LN_EDB;
    if (rc == LN_OK)
        rc = db_change(db, "UPDATE forum_post SET body = $1, edited_at = CAST($2 AS BIGINT) "
                           "WHERE id = $3 AND deleted_at IS NULL AND hidden_at IS NULL", "tii", body, (int64_t)now, p->id);
    if (rc == LN_NOTFOUND) rc = LN_EPERM;
    if (rc == LN_OK) rc = forum_search_index(db, p->id);
    return finish(db, rc);
}

int forum_delete(Db *db, const ForumPost *p, int64_t user_id, UsTime now)
{
    if (!forum_can_change(p, user_id, now)) return LN_EPERM;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = db_change(db, "UPDATE forum_post SET deleted_at = CAST($1 AS BIGINT) WHERE id = $2 AND deleted_at IS NULL",
                       "ii", (int64_t)now, p->id);
    if (rc == LN_NOTFOUND) rc = LN_EPERM;
    if (rc == LN_OK) rc = forum_search_index(db, p->id);
    return finish(db, rc);
}

int forum_revisions(Db *db, Arena *a, int64_t post_id, ForumRevList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT body, written_at, replaced_at FROM forum_post_revision WHERE post_id = $1 "
                                "ORDER BY id DESC LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, post_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumRev *v = &out->items[out->n++];
        v->body = db_col_dup(st, 0, a);
        v->written_at = db_col_i64(st, 1);
        v->replaced_at = db_col_i64(st, 2);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_vote(Db *db, const ForumPost *p, int64_t user_id, UsTime now)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = db_run(db, "INSERT INTO forum_vote (post_id, user_id, created_at) VALUES ($1, $2, CAST($3 AS BIGINT))", "iii",
                    p->id, user_id, (int64_t)now);
    rc = rc == DB_DONE ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
    /* the thread's count, in the same transaction (the thread list reads it) */
    if (rc == LN_OK && db_run(db, "UPDATE forum_thread SET vote_count = vote_count + 1 WHERE id = $1", "i", p->thread_id)
                           != DB_DONE)
        rc = LN_EDB;
    return finish(db, rc);
}

int forum_endorse(Db *db, const ForumPost *p, bool endorsed)
{
    return db_change(db, "UPDATE forum_post SET endorsed = $1 WHERE id = $2", "ii", (int64_t)endorsed, p->id);
}

int forum_mark_answered(Db *db, const ForumThread *t, int64_t user_id, UsTime now)
{
    if (!str_eq(t->kind, "question")) return LN_EINVAL;
    int rc = db_change(db, "UPDATE forum_thread SET answered_at = CAST($1 AS BIGINT), answered_by = $2 "
                           "WHERE id = $3 AND answered_at IS NULL", "iii", (int64_t)now, user_id, t->id);
    return rc == LN_NOTFOUND ? LN_OK : rc;     /* already answered: nothing to do */
}

/* ---- the assistance report ----------------------------------------------- */

int forum_assistance(Db *db, Arena *a, const RunRef *run, UsTime now, ForumAssistList *out)
{
    memset(out, 0, sizeof *out);
    int64_t hours = FORUM_DEFAULT_RESPONSE_HOURS;
    db_query_i64(db, &hours,
                 "SELECT p.response_hours FROM course c JOIN programme p ON p.id = c.programme_id WHERE c.id = $1", "i",
                 run->course_id);
    out->response_hours = hours;
    DbStmt *st = db_prepare(db,
        "SELECT t.id, t.title, u.name, tr.name, t.created_at, COALESCE(t.first_trainer_reply_at, 0) "
        "FROM forum_thread t JOIN app_user u ON u.id = t.author_id "
        "LEFT JOIN app_user tr ON tr.id = t.first_trainer_reply_by "
        "WHERE t.run_id = $1 AND t.kind = 'question' ORDER BY t.created_at, t.id LIMIT 5000");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumAssist *x = &out->items[out->n++];
        x->thread_id = db_col_i64(st, 0);
        x->title = db_col_dup(st, 1, a);
        x->author_name = db_col_dup(st, 2, a);
        x->trainer_name = db_col_dup(st, 3, a);
        x->asked_at = db_col_i64(st, 4);
        x->replied_at = db_col_i64(st, 5);
        UsTime end = x->replied_at ? x->replied_at : now;
        x->delay_s = end > x->asked_at ? (end - x->asked_at) / 1000000 : 0;
        x->overdue = x->delay_s > hours * 3600;
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    /* overdue first, stable */
    ForumAssist *sorted = arena_alloc(a, (size_t)(out->n ? out->n : 1) * sizeof *sorted);
    int k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < out->n; i++)
            if (out->items[i].overdue == (pass == 0)) sorted[k++] = out->items[i];
    if (out->n) out->items = sorted;
    return LN_OK;
}
