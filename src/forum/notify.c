/* notify.c — following threads and forum notifications (docs/forum.md):
 * followers get an on-site notification of every new post in the same
 * transaction as the post; e-mail through the outbox, immediately or as a
 * daily digest per the reader's choice, each message with a signed
 * one-click unsubscribe link. */
#include "forum/forum.h"
#include "mail/mail.h"
#include "web/i18n.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#define DAY_US (24LL * 3600 * US_PER_SEC)
#define EXCERPT_CHARS 600

int forum_follow(Db *db, int64_t thread_id, int64_t user_id, bool on, UsTime now)
{
    int rc = on ? db_run(db, "INSERT INTO forum_follow (thread_id, user_id, created_at) VALUES ($1, $2, CAST($3 AS BIGINT)) "
                             "ON CONFLICT (thread_id, user_id) DO NOTHING", "iii", thread_id, user_id, (int64_t)now)
                : db_run(db, "DELETE FROM forum_follow WHERE thread_id = $1 AND user_id = $2", "ii", thread_id, user_id);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

bool forum_following(Db *db, int64_t thread_id, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM forum_follow WHERE thread_id = $1 AND user_id = $2", "ii", thread_id, user_id);
    return n > 0;
}

int forum_follow_forum(Db *db, int64_t run_id, int64_t user_id, bool on, UsTime now)
{
    int rc = on ? db_run(db, "INSERT INTO forum_follow_run (run_id, user_id, created_at) VALUES ($1, $2, CAST($3 AS BIGINT)) "
                             "ON CONFLICT (run_id, user_id) DO NOTHING", "iii", run_id, user_id, (int64_t)now)
                : db_run(db, "DELETE FROM forum_follow_run WHERE run_id = $1 AND user_id = $2", "ii", run_id, user_id);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

bool forum_following_forum(Db *db, int64_t run_id, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM forum_follow_run WHERE run_id = $1 AND user_id = $2", "ii", run_id, user_id);
    return n > 0;
}

int forum_notify_followers(Db *db, const ForumThread *t, int64_t post_id, int64_t author_id, UsTime now)
{
    /* followers of the thread or of the whole forum (once each) who may still read the forum: active
     * learners of the run, staff of the organisation */
    int rc = db_run(db,
        "INSERT INTO forum_notification (user_id, org_id, run_id, thread_id, post_id, created_at) "
        "SELECT f.user_id, $1, $2, $3, $4, CAST($5 AS BIGINT) FROM (SELECT user_id FROM forum_follow WHERE thread_id = $3 "
        "UNION SELECT user_id FROM forum_follow_run WHERE run_id = $2) f WHERE f.user_id <> $6 "
        "AND (EXISTS (SELECT 1 FROM enrolment e WHERE e.run_id = $2 AND e.user_id = f.user_id AND e.status = 'active') "
        "OR EXISTS (SELECT 1 FROM membership m WHERE m.org_id = $1 AND m.user_id = f.user_id "
        "AND m.role IN ('trainer', 'admin'))) "
        /* separate forums per group: learners of the thread's group only */
        "AND (NOT EXISTS (SELECT 1 FROM forum_group_setting s WHERE s.run_id = $2 AND s.separate = 1) "
        "OR EXISTS (SELECT 1 FROM membership m WHERE m.org_id = $1 AND m.user_id = f.user_id "
        "AND m.role IN ('trainer', 'admin')) "
        "OR COALESCE((SELECT g.group_id FROM forum_group_member g WHERE g.run_id = $2 AND g.user_id = f.user_id), 0) "
        "= COALESCE((SELECT th.group_id FROM forum_thread th WHERE th.id = $3), 0))",
        "iiiiii", t->org_id, t->run_id, t->id, post_id, (int64_t)now, author_id);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* The reader may still read the notification's forum. */
#define NOTE_ACCESS \
    "(EXISTS (SELECT 1 FROM enrolment e WHERE e.run_id = n.run_id AND e.user_id = n.user_id AND e.status = 'active') " \
    "OR EXISTS (SELECT 1 FROM membership m WHERE m.org_id = n.org_id AND m.user_id = n.user_id " \
    "AND m.role IN ('trainer', 'admin')))"

/* The header's count on every signed-in page: kept per process for each
 * user under the two epochs it depends on (db.h db_epoch: notifications and
 * enrolments; memberships), read before the query, so any committed change
 * to those tables by any process makes it count again.  Direct-mapped. */
#define UNREAD_SLOTS 1024
static struct { int64_t user, n; uint64_t notes, auth; } unread_cache[UNREAD_SLOTS];
static pthread_mutex_t unread_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t forum_unread_count(Db *db, int64_t user_id)
{
    uint64_t notes = db_epoch(db, DB_EPOCH_NOTES), auth = db_epoch(db, DB_EPOCH_AUTH);
    size_t slot = (uint64_t)user_id & (UNREAD_SLOTS - 1);
    int64_t n = -1;
    if (notes && auth) {
        pthread_mutex_lock(&unread_lock);
        if (unread_cache[slot].user == user_id && unread_cache[slot].notes == notes && unread_cache[slot].auth == auth)
            n = unread_cache[slot].n;
        pthread_mutex_unlock(&unread_lock);
        if (n >= 0) return n;
    }
    n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM forum_notification n WHERE n.user_id = $1 AND n.read_at IS NULL AND "
                     NOTE_ACCESS, "i", user_id) != DB_ROW || !notes || !auth)
        return n;
    pthread_mutex_lock(&unread_lock);
    unread_cache[slot].user = user_id;
    unread_cache[slot].n = n;
    unread_cache[slot].notes = notes;
    unread_cache[slot].auth = auth;
    pthread_mutex_unlock(&unread_lock);
    return n;
}

int forum_notifications(Db *db, Arena *a, int64_t user_id, int limit, ForumNoteList *out)
{
    memset(out, 0, sizeof *out);
    out->unread = forum_unread_count(db, user_id);
    DbStmt *st = db_prepare(db,
        "SELECT n.id, n.run_id, n.thread_id, n.post_id, t.title, a.name, n.created_at, COALESCE(n.read_at, 0) "
        "FROM forum_notification n JOIN forum_thread t ON t.id = n.thread_id "
        "JOIN forum_post p ON p.id = n.post_id JOIN app_user a ON a.id = p.author_id "
        "WHERE n.user_id = $1 AND " NOTE_ACCESS " ORDER BY n.id DESC LIMIT $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, user_id);
    db_bind_i64(st, 2, limit);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumNote *x = &out->items[out->n++];
        x->id = db_col_i64(st, 0);
        x->run_id = db_col_i64(st, 1);
        x->thread_id = db_col_i64(st, 2);
        x->post_id = db_col_i64(st, 3);
        x->title = db_col_dup(st, 4, a);
        x->author_name = db_col_dup(st, 5, a);
        x->created_at = db_col_i64(st, 6);
        x->read_at = db_col_i64(st, 7);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_notifications_read(Db *db, int64_t user_id, int64_t thread_id, UsTime now)
{
    int rc = thread_id
        ? db_run(db, "UPDATE forum_notification SET read_at = CAST($1 AS BIGINT) WHERE user_id = $2 AND thread_id = $3 "
                     "AND read_at IS NULL", "iii", (int64_t)now, user_id, thread_id)
        : db_run(db, "UPDATE forum_notification SET read_at = CAST($1 AS BIGINT) WHERE user_id = $2 AND read_at IS NULL",
                 "ii", (int64_t)now, user_id);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* ---- e-mail preference and unsubscribe ----------------------------------- */

const char *forum_mail_mode(Db *db, Arena *a, int64_t user_id)
{
    DbStmt *st = db_prepare(db, "SELECT mode FROM forum_mail_pref WHERE user_id = $1");
    const char *mode = "immediate";
    if (!st) return mode;
    db_bind_i64(st, 1, user_id);
    if (db_step(st) == DB_ROW) mode = db_col_dup(st, 0, a);
    db_done(st);
    return mode;
}

int forum_mail_mode_set(Db *db, int64_t user_id, const char *mode, UsTime now)
{
    if (!str_eq(mode, "immediate") && !str_eq(mode, "digest") && !str_eq(mode, "off")) return LN_EINVAL;
    /* the first digest comes a day after choosing it */
    return db_run(db, "INSERT INTO forum_mail_pref (user_id, mode, digest_sent_at, updated_at) "
                      "VALUES ($1, $2, CAST($3 AS BIGINT), CAST($3 AS BIGINT)) ON CONFLICT (user_id) DO UPDATE SET "
                      "mode = excluded.mode, updated_at = excluded.updated_at, digest_sent_at = CASE WHEN "
                      "forum_mail_pref.mode = 'digest' THEN forum_mail_pref.digest_sent_at ELSE excluded.digest_sent_at END",
                  "iti", user_id, mode, (int64_t)now) == DB_DONE ? LN_OK : LN_EDB;
}

char *forum_unsub_token(Arena *a, const char *secret, int64_t user_id)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    char basis[64];
    int n = snprintf(basis, sizeof basis, "forum-unsubscribe|%lld", (long long)user_id);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)basis, (unsigned long long)n);
    crypto_auth_hmacsha256_final(&st, mac);
    size_t len = sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, len);
    sodium_bin2base64(out, len, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

bool forum_unsub_check(Arena *a, const char *secret, int64_t user_id, const char *token)
{
    if (!token || user_id <= 0) return false;
    const char *want = forum_unsub_token(a, secret, user_id);
    size_t n = strlen(want);
    return strlen(token) == n && sodium_memcmp(want, token, n) == 0;
}

/* ---- sending -------------------------------------------------------------- */

typedef struct Pending {
    int64_t id, user_id, run_id, thread_id, post_id;
    char *email, *lang, *mode, *title, *author, *body;
    bool gone;                          /* deleted or hidden since: not sent */
} Pending;

static void unsub_footer(Buf *b, const Pending *p, const char *base_url, const char *secret, Arena *a)
{
    buf_printf(b, "\n-- \n%s\n%s/forum/unsubscribe?u=%lld&t=%s\n", i18n_get(p->lang, "Stop these e-mails (one click, no sign-in needed):"),
               base_url, (long long)p->user_id, forum_unsub_token(a, secret, p->user_id));
}

static void one_note(Buf *b, const Pending *p, const char *base_url)
{
    /* the first EXCERPT_CHARS characters (bodies are valid UTF-8) */
    size_t len = strlen(p->body), off = 0;
    for (int i = 0; i < EXCERPT_CHARS && off < len; i++) {
        uint32_t cp;
        size_t k = utf8_decode(p->body + off, len - off, &cp);
        off += k ? k : 1;
    }
    buf_printf(b, "%s — %s\n%s\n\n%.*s%s\n\n%s/runs/%lld/forum/%lld#post-%lld\n\n", p->title, p->author,
               i18n_get(p->lang, "New post in a thread you follow:"), (int)off, p->body, off < len ? "…" : "", base_url,
               (long long)p->run_id, (long long)p->thread_id, (long long)p->post_id);
}

/* Claims notification `id` (LN_NOTFOUND when another sender did). */
static int claim(Db *db, int64_t id, UsTime now)
{
    return db_change(db, "UPDATE forum_notification SET mailed_at = CAST($1 AS BIGINT) WHERE id = $2 AND mailed_at IS NULL",
                     "ii", (int64_t)now, id);
}

/* One user's pending notifications p[0..n): e-mailed (one message each, or
 * one digest), or only marked when e-mail is off; one transaction. */
static int send_user(Db *db, Arena *a, const Pending *p, int n, const char *base_url, const char *secret, UsTime now)
{
    bool digest = str_eq(p[0].mode, "digest"), off = str_eq(p[0].mode, "off");
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = LN_OK, sent = 0;
    Buf dg;
    buf_init(&dg, 1 << 20);
    for (int i = 0; i < n && rc == LN_OK; i++) {
        int c = claim(db, p[i].id, now);
        if (c == LN_NOTFOUND) continue;
        if (c != LN_OK) rc = c;
        else if (off || p[i].gone) continue;
        else if (digest) {
            one_note(&dg, &p[i], base_url);
            sent++;
        } else {
            Buf b;
            buf_init(&b, 1 << 16);
            one_note(&b, &p[i], base_url);
            unsub_footer(&b, &p[i], base_url, secret, a);
            const char *subject = arena_printf(a, "[%s] %s", i18n_get(p[i].lang, "Forum"), p[i].title);
            rc = mail_enqueue(db, p[i].email, subject, buf_cstr(&b), now);
            buf_free(&b);
        }
    }
    if (rc == LN_OK && digest) {
        if (sent) {
            unsub_footer(&dg, &p[0], base_url, secret, a);
            const char *subject = arena_printf(a, "[%s] %s (%d)", i18n_get(p[0].lang, "Forum"),
                                               i18n_get(p[0].lang, "Your daily digest"), sent);
            rc = mail_enqueue(db, p[0].email, subject, buf_cstr(&dg), now);
        }
        if (rc == LN_OK && db_run(db, "UPDATE forum_mail_pref SET digest_sent_at = CAST($1 AS BIGINT) WHERE user_id = $2",
                                  "ii", (int64_t)now, p[0].user_id) != DB_DONE)
            rc = LN_EDB;
    }
    buf_free(&dg);
    if (rc == LN_OK && db_commit(db) == DB_DONE) return LN_OK;
    db_rollback(db);
    return rc == LN_OK ? LN_EDB : rc;
}

int forum_mail_due(Db *db, const char *base_url, const char *secret, UsTime now)
{
    Arena *a = arena_new();
    DbStmt *st = db_prepare(db,
        "SELECT n.id, n.user_id, n.run_id, n.thread_id, n.post_id, u.email, u.lang, COALESCE(pr.mode, 'immediate'), "
        "t.title, au.name, p.body, CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL THEN 0 ELSE 1 END "
        "FROM forum_notification n JOIN app_user u ON u.id = n.user_id "
        "LEFT JOIN forum_mail_pref pr ON pr.user_id = n.user_id "
        "JOIN forum_thread t ON t.id = n.thread_id JOIN forum_post p ON p.id = n.post_id "
        "JOIN app_user au ON au.id = p.author_id "
        "WHERE n.mailed_at IS NULL AND (pr.mode IS NULL OR pr.mode <> 'digest' OR pr.digest_sent_at <= $1) "
        "ORDER BY n.user_id, n.id LIMIT 500");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, now - DAY_US);
    Pending *p = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        p = arena_grow(a, p, n, &cap, sizeof *p);
        Pending *x = &p[n++];
        x->id = db_col_i64(st, 0);
        x->user_id = db_col_i64(st, 1);
        x->run_id = db_col_i64(st, 2);
        x->thread_id = db_col_i64(st, 3);
        x->post_id = db_col_i64(st, 4);
        x->email = db_col_dup(st, 5, a);
        x->lang = db_col_dup(st, 6, a);
        x->mode = db_col_dup(st, 7, a);
        x->title = db_col_dup(st, 8, a);
        x->author = db_col_dup(st, 9, a);
        x->body = db_col_dup(st, 10, a);
        x->gone = db_col_i64(st, 11) != 0;
    }
    db_done(st);
    int users = 0;
    if (rc == DB_DONE)
        for (int i = 0; i < n;) {
            int j = i;
            while (j < n && p[j].user_id == p[i].user_id) j++;
            if (send_user(db, a, p + i, j - i, base_url, secret, now) == LN_OK) users++;
            i = j;
        }
    arena_free(a);
    return rc == DB_DONE ? users : LN_EDB;
}

void forum_tick(App *app, Db *db)
{
    static _Atomic int64_t last;
    UsTime now = time_now_us();
    if (!tick_due(&last, now, 2 * US_PER_SEC)) return;
    char buf[300];
    const char *base = app_base_url(app, buf, sizeof buf);
    forum_mail_due(db, base, app->secret, now);
}
