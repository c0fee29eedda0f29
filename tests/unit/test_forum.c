/* test_forum.c — the rules of the run forum (src/forum, docs/forum.md): edit
 * history and deletion by the author within the window, with the trainer's
 * reply kept as evidence.  Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "forum/forum.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "content/content.h"
#include "evidence/ledger.h"
#include "org/org.h"

#include <sodium.h>

#define MINUTE (60 * US_PER_SEC)
#define T0 ((UsTime)1767258000 * US_PER_SEC)   /* 2026-01-01 09:00 UTC: fixed, never the wall clock */

static Db *db;
static Arena *arena;
static int64_t org, trainer, learners[3];
static ForumCtx ctx;

static int64_t add_user(const char *what, Role role)
{
    char email[96];
    snprintf(email, sizeof email, "%s-%d@forum.test", what, (int)getpid());
    int64_t id = 0;
    if (user_create(db, email, what, "a-long-password", "fr", false, T0, &id) != LN_OK) return 0;
    if (role != ROLE_NONE && member_set(db, org, id, role, T0) != LN_OK) return 0;
    return id;
}

static int setup(void **state)
{
    (void)state;
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    arena = arena_new();
    char slug[48];
    snprintf(slug, sizeof slug, "forum-%d", (int)getpid());
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "FORUM-1", .title = "Forum", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Forum", false, T0, &org) != LN_OK) return -1;
    trainer = add_user("trainer", ROLE_TRAINER);
    for (int i = 0; i < 3; i++) {
        char w[16];
        snprintf(w, sizeof w, "learner%d", i);
        learners[i] = add_user(w, ROLE_LEARNER);
    }
    if (!trainer || !learners[2]) return -1;
    if (course_create(db, org, &in, trainer, T0, &cid) != LN_OK || course_load(db, arena, cid, &ctx.course) != LN_OK
        || run_create(db, &ctx.course, "Run", "corporate", 0, 0, 0, T0, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &ctx.run) != LN_OK)
        return -1;
    for (int i = 0; i < 3; i++)
        if (enrol_insert(db, &ctx.run, learners[i], T0) != LN_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t new_thread(const char *kind, const char *title, int64_t author, UsTime at)
{
    int64_t tid = 0;
    assert_int_equal(forum_thread_create(db, &ctx, author, kind, 0, 0, title, "Opening post", at, &tid), LN_OK);
    return tid;
}

static ForumThread thread(int64_t tid)
{
    ForumThread t;
    assert_int_equal(forum_thread_load(db, arena, ctx.run.id, tid, &t), LN_OK);
    return t;
}

static ForumPost post(int64_t tid, int64_t pid)
{
    ForumPost p;
    assert_int_equal(forum_post_load(db, arena, tid, pid, &p), LN_OK);
    return p;
}

static int64_t count(const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, "i", id), DB_ROW);
    return n;
}

/* ---- edit history and deletion ------------------------------------------ */

static void test_edit_keeps_history(void **state)
{
    (void)state;
    int64_t tid = new_thread("discussion", "Edits", learners[0], T0), pid = 0;
    ForumThread t = thread(tid);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "first words", T0 + MINUTE, &pid), LN_OK);
    ForumPost p = post(tid, pid);
    /* someone else may not edit it */
    assert_int_equal(forum_edit(db, &p, learners[0], "not mine", T0 + 2 * MINUTE), LN_EPERM);
    assert_int_equal(forum_edit(db, &p, learners[1], "second words", T0 + 2 * MINUTE), LN_OK);
    p = post(tid, pid);
    assert_int_equal(forum_edit(db, &p, learners[1], "third words", T0 + 3 * MINUTE), LN_OK);
    /* the same text again: no new version */
    p = post(tid, pid);
    assert_int_equal(forum_edit(db, &p, learners[1], "third words", T0 + 4 * MINUTE), LN_OK);
    p = post(tid, pid);
    assert_string_equal(p.body, "third words");
    assert_true(p.edited_at == T0 + 3 * MINUTE);
    ForumRevList l;
    assert_int_equal(forum_revisions(db, arena, pid, &l), LN_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].body, "second words");       /* latest first */
    assert_true(l.items[0].written_at == T0 + 2 * MINUTE && l.items[0].replaced_at == T0 + 3 * MINUTE);
    assert_string_equal(l.items[1].body, "first words");
    assert_true(l.items[1].written_at == T0 + MINUTE && l.items[1].replaced_at == T0 + 2 * MINUTE);
    /* past the window: refused, nothing written */
    assert_int_equal(forum_edit(db, &p, learners[1], "too late", T0 + MINUTE + FORUM_EDIT_WINDOW_US + 1), LN_EPERM);
    assert_int_equal(forum_edit(db, &p, learners[1], "", T0 + 5 * MINUTE), LN_EINVAL);
    assert_int_equal(forum_revisions(db, arena, pid, &l), LN_OK);
    assert_int_equal(l.n, 2);
}

static void test_delete_within_window(void **state)
{
    (void)state;
    int64_t tid = new_thread("question", "Deletes", learners[0], T0), mine = 0, late = 0, tr = 0;
    ForumThread t = thread(tid);
    ForumCtx learner_view = ctx, staff_view = ctx;
    learner_view.learner = true;
    staff_view.staff = true;
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "oops", T0 + MINUTE, &mine), LN_OK);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "keep", T0 + MINUTE, &late), LN_OK);
    ForumPost p = post(tid, mine);
    assert_true(forum_can_change(&p, learners[1], T0 + MINUTE + FORUM_EDIT_WINDOW_US));
    assert_false(forum_can_change(&p, learners[1], T0 + MINUTE + FORUM_EDIT_WINDOW_US + 1));
    assert_false(forum_can_change(&p, learners[2], T0 + 2 * MINUTE));
    assert_int_equal(forum_delete(db, &p, learners[2], T0 + 2 * MINUTE), LN_EPERM);
    assert_int_equal(forum_delete(db, &p, learners[1], T0 + 2 * MINUTE), LN_OK);
    p = post(tid, mine);
    assert_true(p.deleted_at == T0 + 2 * MINUTE);
    assert_string_equal(p.body, "oops");                        /* marked, never erased */
    assert_false(forum_post_visible(&learner_view, &p, learners[2]));
    assert_true(forum_post_visible(&staff_view, &p, trainer));
    /* deleted: no edit, no second delete */
    assert_int_equal(forum_edit(db, &p, learners[1], "again", T0 + 3 * MINUTE), LN_EPERM);
    assert_int_equal(forum_delete(db, &p, learners[1], T0 + 3 * MINUTE), LN_EPERM);
    p = post(tid, late);
    assert_int_equal(forum_delete(db, &p, learners[1], T0 + MINUTE + FORUM_EDIT_WINDOW_US + 1), LN_EPERM);
    assert_true(post(tid, late).deleted_at == 0);

    /* a trainer's first reply is evidence: deleting it keeps the record and the ledger entry */
    int64_t before = count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org);
    t = thread(tid);
    assert_int_equal(forum_reply(db, &ctx, &t, trainer, true, 0, "the answer", T0 + 10 * MINUTE, &tr), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org), before + 1);
    p = post(tid, tr);
    assert_int_equal(forum_delete(db, &p, trainer, T0 + 11 * MINUTE), LN_OK);
    t = thread(tid);
    assert_true(t.first_trainer_reply_at == T0 + 10 * MINUTE);
    assert_true(t.first_trainer_reply_by == trainer);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org), before + 1);
    assert_int_equal(count("SELECT count(*) FROM forum_post WHERE id = $1", tr), 1);
}

/* ---- categories, pin, close, unread, sorting ------------------------------ */

static int find(const ForumThreadList *l, int64_t tid)
{
    for (int i = 0; i < l->n; i++)
        if (l->items[i].id == tid) return i;
    return -1;
}

static void test_categories_pin_close_unread(void **state)
{
    (void)state;
    /* a run of its own, so the lists hold only this test's threads */
    ForumCtx saved = ctx;
    int64_t rid = 0;
    assert_int_equal(run_create(db, &ctx.course, "Run 2", "corporate", 0, 0, 0, T0, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &ctx.run), LN_OK);
    int64_t general = 0, exercises = 0, dup = 0, other_cat = 0;
    assert_int_equal(forum_category_create(db, &ctx.run, "General", T0, &general), LN_OK);
    assert_int_equal(forum_category_create(db, &ctx.run, "Exercises", T0, &exercises), LN_OK);
    assert_int_equal(forum_category_create(db, &ctx.run, "General", T0, &dup), LN_EEXIST);
    assert_int_equal(forum_category_create(db, &ctx.run, "", T0, &dup), LN_EINVAL);
    assert_int_equal(forum_category_create(db, &saved.run, "Elsewhere", T0, &other_cat), LN_OK);

    int64_t a = 0, b = 0, c = 0, x = 0;
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", general, 0, "A", "a", T0 + MINUTE, &a), LN_OK);
    assert_int_equal(forum_thread_create(db, &ctx, learners[1], "discussion", exercises, 0, "B", "b", T0 + 2 * MINUTE, &b), LN_OK);
    assert_int_equal(forum_thread_create(db, &ctx, learners[1], "question", 0, 0, "C", "c", T0 + 3 * MINUTE, &c), LN_OK);
    /* another run's category is refused, nothing written */
    assert_int_equal(forum_thread_create(db, &ctx, learners[1], "question", other_cat, 0, "X", "x", T0, &x), LN_NOTFOUND);
    ForumThreadList l;
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", 0, 0, learners[0], &l), LN_OK);
    assert_int_equal(l.n, 3);
    assert_true(l.items[0].id == c && l.items[1].id == b && l.items[2].id == a);     /* latest activity first */
    /* unread: the author read their own thread, not the others */
    assert_false(l.items[find(&l, a)].unread);
    assert_true(l.items[find(&l, b)].unread);
    assert_int_equal(forum_mark_read(db, b, learners[0], T0 + 4 * MINUTE), LN_OK);
    assert_int_equal(forum_mark_read(db, b, learners[0], T0 + 3 * MINUTE), LN_OK);   /* never goes back */
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", 0, 0, learners[0], &l), LN_OK);
    assert_false(l.items[find(&l, b)].unread);
    /* a new reply makes it unread again for the reader, not for the one replying */
    ForumThread tb = thread(b);
    assert_int_equal(forum_reply(db, &ctx, &tb, learners[2], false, 0, "news", T0 + 5 * MINUTE, NULL), LN_OK);
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", 0, 0, learners[0], &l), LN_OK);
    assert_true(l.items[find(&l, b)].unread);
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", 0, 0, learners[2], &l), LN_OK);
    assert_false(l.items[find(&l, b)].unread);

    /* filter by category */
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", general, 0, learners[0], &l), LN_OK);
    assert_true(l.n == 1 && l.items[0].id == a);
    assert_string_equal(l.items[0].category_name, "General");
    ForumCategoryList cats;
    assert_int_equal(forum_categories(db, arena, ctx.run.id, &cats), LN_OK);
    assert_int_equal(cats.n, 2);
    assert_string_equal(cats.items[0].name, "Exercises");
    assert_true(cats.items[0].threads == 1);

    /* pin: first in "recent" and "votes"; unanswered lists open questions, oldest first */
    ForumThread ta = thread(a), tc = thread(c);
    assert_int_equal(forum_thread_set(db, &ta, trainer, "pinned", 1, T0 + 6 * MINUTE), LN_OK);
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", 0, 0, trainer, &l), LN_OK);
    assert_true(l.items[0].id == a && l.items[0].pinned);
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "unanswered", 0, 0, trainer, &l), LN_OK);
    assert_true(l.n == 2 && l.items[0].id == a && l.items[1].id == c);
    assert_int_equal(forum_mark_answered(db, &tc, trainer, T0 + 6 * MINUTE), LN_OK);
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "unanswered", 0, 0, trainer, &l), LN_OK);
    assert_true(l.n == 1 && l.items[0].id == a);

    /* close: no new replies; reopen */
    assert_int_equal(forum_thread_set(db, &tc, trainer, "closed", 1, T0 + 7 * MINUTE), LN_OK);
    tc = thread(c);
    assert_int_equal(forum_reply(db, &ctx, &tc, learners[0], false, 0, "late", T0 + 8 * MINUTE, NULL), LN_EPERM);
    assert_int_equal(forum_thread_set(db, &tc, trainer, "closed", 0, T0 + 9 * MINUTE), LN_OK);
    tc = thread(c);
    assert_int_equal(forum_reply(db, &ctx, &tc, learners[0], false, 0, "now", T0 + 10 * MINUTE, NULL), LN_OK);
    /* move: only to a category of the run */
    assert_int_equal(forum_thread_set(db, &tc, trainer, "category", other_cat, T0), LN_NOTFOUND);
    assert_int_equal(forum_thread_set(db, &tc, trainer, "category", exercises, T0 + 11 * MINUTE), LN_OK);
    assert_true(thread(c).category_id == exercises);
    /* every action recorded, in order */
    DbStmt *st = db_prepare(db, "SELECT action FROM forum_mod_action WHERE run_id = $1 ORDER BY id");
    db_bind_i64(st, 1, ctx.run.id);
    const char *want[] = {"pin", "close", "reopen", "move"};
    int n = 0;
    while (db_step(st) == DB_ROW) {
        assert_true(n < 4);
        assert_string_equal(db_col_text(st, 0), want[n++]);
    }
    db_done(st);
    assert_int_equal(n, 4);
    ctx = saved;
}

/* ---- following, notifications, e-mail ----------------------------------- */

static int64_t mails_to(int64_t user)
{
    return count("SELECT count(*) FROM mail_outbox WHERE to_addr = (SELECT email FROM app_user WHERE id = $1)", user);
}

static int64_t unread(int64_t user)
{
    ForumNoteList l;
    assert_int_equal(forum_notifications(db, arena, user, 10, &l), LN_OK);
    return l.unread;
}

static void test_follow_and_notify(void **state)
{
    (void)state;
    const char *secret = "test-secret";
    forum_mail_due(db, "https://lectern.test", secret, T0);     /* what earlier tests left pending */
    /* learners[0] asks (follows); learners[1] replies (follows); learners[2] follows by hand, then leaves the run */
    int64_t tid = new_thread("question", "Notify me", learners[0], T0), p1 = 0, p2 = 0;
    ForumThread t = thread(tid);
    assert_true(forum_following(db, tid, learners[0]));
    assert_false(forum_following(db, tid, learners[1]));
    int64_t base0 = unread(learners[0]), base1 = unread(learners[1]);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "A reply with <b>markup</b>", T0 + MINUTE, &p1), LN_OK);
    assert_true(forum_following(db, tid, learners[1]));
    assert_int_equal(unread(learners[0]), base0 + 1);
    assert_int_equal(unread(learners[1]), base1);                  /* not for one's own post */

    /* e-mail: learners[0] immediate (the default), learners[1] a daily digest */
    assert_string_equal(forum_mail_mode(db, arena, learners[0]), "immediate");
    assert_int_equal(forum_mail_mode_set(db, learners[1], "weekly", T0), LN_EINVAL);
    assert_int_equal(forum_mail_mode_set(db, learners[1], "digest", T0 + 2 * MINUTE), LN_OK);
    int64_t m0 = mails_to(learners[0]), m1 = mails_to(learners[1]);
    assert_true(forum_mail_due(db, "https://lectern.test", secret, T0 + 2 * MINUTE) >= 1);
    assert_int_equal(mails_to(learners[0]), m0 + 1);
    /* sent once */
    forum_mail_due(db, "https://lectern.test", secret, T0 + 3 * MINUTE);
    assert_int_equal(mails_to(learners[0]), m0 + 1);
    DbStmt *st = db_prepare(db, "SELECT subject, body_text FROM mail_outbox WHERE to_addr = "
                                "(SELECT email FROM app_user WHERE id = $1) ORDER BY id DESC LIMIT 1");
    db_bind_i64(st, 1, learners[0]);
    assert_int_equal(db_step(st), DB_ROW);
    assert_non_null(strstr(db_col_text(st, 0), "Notify me"));
    const char *body = db_col_text(st, 1);
    assert_non_null(strstr(body, "A reply with <b>markup</b>"));      /* plain text */
    char *link = arena_printf(arena, "https://lectern.test/runs/%lld/forum/%lld#post-%lld", (long long)ctx.run.id,
                              (long long)tid, (long long)p1);
    assert_non_null(strstr(body, link));
    char *unsub = arena_printf(arena, "https://lectern.test/forum/unsubscribe?u=%lld&t=%s", (long long)learners[0],
                               forum_unsub_token(arena, secret, learners[0]));
    assert_non_null(strstr(body, unsub));
    db_done(st);

    /* the trainer replies: learners[1] (digest) gets nothing until a day after choosing it */
    t = thread(tid);
    assert_int_equal(forum_reply(db, &ctx, &t, trainer, true, 0, "Trainer's answer", T0 + 10 * MINUTE, &p2), LN_OK);
    forum_mail_due(db, "https://lectern.test", secret, T0 + 11 * MINUTE);
    assert_int_equal(mails_to(learners[1]), m1);
    assert_int_equal(mails_to(learners[0]), m0 + 2);
    forum_mail_due(db, "https://lectern.test", secret, T0 + 2 * MINUTE + 24 * 60 * MINUTE);
    assert_int_equal(mails_to(learners[1]), m1 + 1);
    forum_mail_due(db, "https://lectern.test", secret, T0 + 3 * MINUTE + 24 * 60 * MINUTE);
    assert_int_equal(mails_to(learners[1]), m1 + 1);                 /* one digest a day */

    /* off: nothing more by e-mail, still on-site */
    assert_int_equal(forum_mail_mode_set(db, learners[0], "off", T0 + 30 * MINUTE), LN_OK);
    t = thread(tid);
    int64_t before = unread(learners[0]);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "More", T0 + 31 * MINUTE, NULL), LN_OK);
    forum_mail_due(db, "https://lectern.test", secret, T0 + 32 * MINUTE);
    assert_int_equal(mails_to(learners[0]), m0 + 2);
    assert_int_equal(unread(learners[0]), before + 1);
    int64_t others = count("SELECT count(*) FROM forum_notification WHERE user_id = $1 AND read_at IS NULL AND thread_id <> "
                           "(SELECT max(id) FROM forum_thread)", learners[0]);
    assert_int_equal(forum_notifications_read(db, learners[0], tid, T0 + 33 * MINUTE), LN_OK);
    assert_int_equal(unread(learners[0]), others);                  /* this thread's only */
    assert_int_equal(forum_notifications_read(db, learners[0], 0, T0 + 33 * MINUTE), LN_OK);
    assert_int_equal(unread(learners[0]), 0);

    /* a follower who left the run is no longer notified */
    assert_int_equal(forum_follow(db, tid, learners[2], true, T0), LN_OK);
    assert_int_equal(enrol_withdraw(db, ctx.run.id, learners[2], T0 + 34 * MINUTE), LN_OK);
    int64_t n2 = count("SELECT count(*) FROM forum_notification WHERE user_id = $1", learners[2]);
    t = thread(tid);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "Again", T0 + 35 * MINUTE, NULL), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM forum_notification WHERE user_id = $1", learners[2]), n2);
    assert_int_equal(enrol_insert(db, &ctx.run, learners[2], T0 + 36 * MINUTE), LN_OK);

    /* following the whole forum: new threads and every reply, once each even when following the thread too */
    assert_int_equal(forum_follow_forum(db, ctx.run.id, trainer, true, T0), LN_OK);
    assert_int_equal(forum_follow_forum(db, ctx.run.id, trainer, true, T0), LN_OK);      /* idempotent */
    assert_true(forum_following_forum(db, ctx.run.id, trainer));
    int64_t tr0 = count("SELECT count(*) FROM forum_notification WHERE user_id = $1", trainer), nt = 0, np = 0;
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, 0, "Fresh", "new", T0 + 40 * MINUTE, &nt),
                     LN_OK);
    assert_int_equal(count("SELECT count(*) FROM forum_notification WHERE user_id = $1", trainer), tr0 + 1);
    ForumThread tn = thread(nt);
    assert_int_equal(forum_follow(db, nt, trainer, true, T0), LN_OK);
    assert_int_equal(forum_reply(db, &ctx, &tn, learners[1], false, 0, "reply", T0 + 41 * MINUTE, &np), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM forum_notification WHERE user_id = $1", trainer), tr0 + 2);
    assert_int_equal(forum_follow_forum(db, ctx.run.id, trainer, false, T0), LN_OK);
    assert_false(forum_following_forum(db, ctx.run.id, trainer));

    /* unsubscribe tokens: per user, keyed by the secret */
    char *tok = forum_unsub_token(arena, secret, learners[1]);
    assert_true(forum_unsub_check(arena, secret, learners[1], tok));
    assert_false(forum_unsub_check(arena, secret, learners[0], tok));
    assert_false(forum_unsub_check(arena, "another-secret", learners[1], tok));
    assert_false(forum_unsub_check(arena, secret, learners[1], ""));
    assert_false(forum_unsub_check(arena, secret, learners[1], NULL));
}

/* ---- moderation ------------------------------------------------------------ */

static void test_moderation(void **state)
{
    (void)state;
    int64_t tid = new_thread("discussion", "Moderated", learners[0], T0), pid = 0, rep = 0, rep2 = 0;
    ForumThread t = thread(tid);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "rude words", T0 + MINUTE, &pid), LN_OK);
    ForumPost p = post(tid, pid);
    int64_t actions = count("SELECT count(*) FROM forum_mod_action WHERE run_id = $1", ctx.run.id);

    /* report: a reason, once while open */
    assert_int_equal(forum_report(db, &p, org, learners[0], "", T0, &rep), LN_EINVAL);
    assert_int_equal(forum_report(db, &p, org, learners[0], "Insulting", T0 + 2 * MINUTE, &rep), LN_OK);
    assert_int_equal(forum_report(db, &p, org, learners[0], "Again", T0 + 2 * MINUTE, &rep2), LN_EEXIST);
    assert_int_equal(forum_report(db, &p, org, learners[2], "Spam", T0 + 2 * MINUTE, &rep2), LN_OK);
    ForumReportList q;
    assert_int_equal(forum_reports(db, arena, ctx.run.id, &q), LN_OK);
    assert_int_equal(q.n, 2);
    assert_string_equal(q.items[0].reason, "Insulting");
    assert_true(q.items[0].author_id == learners[1]);

    /* dismiss one; hide the post: the other report closes, the author sees why, others do not see it */
    assert_int_equal(forum_dismiss(db, ctx.run.id, org, rep2, trainer, T0 + 3 * MINUTE), LN_OK);
    assert_int_equal(forum_dismiss(db, ctx.run.id, org, rep2, trainer, T0 + 3 * MINUTE), LN_NOTFOUND);
    assert_int_equal(forum_dismiss(db, 999999, org, rep, trainer, T0), LN_NOTFOUND);     /* another run's path */
    assert_int_equal(forum_hide(db, &p, org, trainer, true, "", T0), LN_EINVAL);
    assert_int_equal(forum_hide(db, &p, org, trainer, true, "Be kind", T0 + 4 * MINUTE), LN_OK);
    assert_int_equal(forum_hide(db, &p, org, trainer, true, "Twice", T0 + 4 * MINUTE), LN_EEXIST);
    assert_int_equal(forum_reports(db, arena, ctx.run.id, &q), LN_OK);
    assert_int_equal(q.n, 0);
    p = post(tid, pid);
    assert_true(p.hidden_at == T0 + 4 * MINUTE);
    assert_string_equal(p.hidden_reason, "Be kind");
    ForumCtx learner_view = ctx;
    learner_view.learner = true;
    assert_true(forum_post_visible(&learner_view, &p, learners[1]));      /* the author */
    assert_false(forum_post_visible(&learner_view, &p, learners[0]));
    /* a hidden post cannot be edited or deleted by its author */
    assert_int_equal(forum_edit(db, &p, learners[1], "sorry", T0 + 5 * MINUTE), LN_EPERM);

    /* ban: learners only; the banned learner cannot post; lift */
    assert_int_equal(forum_ban(db, &ctx.run, trainer, trainer, true, "no", T0), LN_NOTFOUND);   /* not a learner */
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, true, "", T0), LN_EINVAL);
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, true, "Repeated insults", T0 + 6 * MINUTE), LN_OK);
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, true, "Again", T0 + 6 * MINUTE), LN_EEXIST);
    assert_true(forum_banned(db, ctx.run.id, learners[1]));
    t = thread(tid);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "still here", T0 + 7 * MINUTE, NULL), LN_EPERM);
    int64_t x = 0;
    assert_int_equal(forum_thread_create(db, &ctx, learners[1], "question", 0, 0, "New", "b", T0, &x), LN_EPERM);
    int64_t own = 0;
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, false, "", T0 + 6 * MINUTE), LN_OK);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "mine", T0 + 6 * MINUTE, &own), LN_OK);
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, true, "Repeated insults", T0 + 6 * MINUTE), LN_OK);
    ForumPost op = post(tid, own);
    assert_int_equal(forum_edit(db, &op, learners[1], "edited while banned", T0 + 7 * MINUTE), LN_EPERM);
    ForumBanList bans;
    assert_int_equal(forum_bans(db, arena, ctx.run.id, &bans), LN_OK);
    assert_true(bans.n == 1 && bans.items[0].user_id == learners[1]);
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, false, "", T0 + 8 * MINUTE), LN_OK);
    assert_int_equal(forum_ban(db, &ctx.run, learners[1], trainer, false, "", T0 + 8 * MINUTE), LN_NOTFOUND);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[1], false, 0, "I apologise", T0 + 9 * MINUTE, NULL), LN_OK);
    assert_int_equal(forum_hide(db, &p, org, trainer, false, "", T0 + 10 * MINUTE), LN_OK);

    /* every action recorded, newest first, with its reason */
    ForumModList log;
    assert_int_equal(forum_mod_log(db, arena, ctx.run.id, 10, &log), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM forum_mod_action WHERE run_id = $1", ctx.run.id), actions + 7);
    const char *want[] = {"unhide", "unban", "ban", "unban", "ban", "hide", "dismiss"};
    for (int i = 0; i < 7; i++) assert_string_equal(log.items[i].action, want[i]);
    assert_string_equal(log.items[2].reason, "Repeated insults");
    assert_true(log.items[2].user_id == learners[1]);
    assert_string_equal(log.items[5].reason, "Be kind");
    assert_true(log.items[5].post_id == pid);
}

/* ---- search and highlighting ------------------------------------------------ */

static void test_search(void **state)
{
    (void)state;
    ForumCtx saved = ctx;
    int64_t rid = 0;
    assert_int_equal(run_create(db, &ctx.course, "Run 3", "corporate", 0, 0, 0, T0, &rid), LN_OK);
    assert_int_equal(run_ref(db, arena, org, rid, &ctx.run), LN_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(enrol_insert(db, &ctx.run, learners[i], T0), LN_OK);
    int64_t a = 0, b = 0, pid = 0, gone = 0;
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, 0, "Sécurité électrique",
                                         "Where is the **fuse** box?", T0, &a), LN_OK);
    assert_int_equal(forum_thread_create(db, &ctx, learners[1], "discussion", 0, 0, "Coffee", "Nothing about that", T0, &b), LN_OK);
    ForumThread ta = thread(a);
    assert_int_equal(forum_reply(db, &ctx, &ta, learners[1], false, 0, "The FUSES are in the hall.", T0 + MINUTE, &pid), LN_OK);
    assert_int_equal(forum_reply(db, &ctx, &ta, learners[2], false, 0, "fusebox secret", T0 + MINUTE, &gone), LN_OK);
    /* the same words in another run are never found here */
    int64_t other = 0;
    assert_int_equal(forum_thread_create(db, &saved, learners[0], "question", 0, 0, "Fuse elsewhere", "fuse", T0, &other), LN_OK);

    ForumHitList l;
    assert_int_equal(forum_search(db, arena, ctx.run.id, "securite", &l), LN_OK);   /* accents folded */
    assert_int_equal(l.n, 1);
    assert_true(l.items[0].thread_id == a);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "fuse", &l), LN_OK);       /* prefix, case */
    assert_int_equal(l.n, 3);
    for (int i = 0; i < l.n; i++) assert_true(l.items[i].thread_id == a);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "fuse hall", &l), LN_OK);  /* every word */
    assert_true(l.n == 1 && l.items[0].post_id == pid);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "  ", &l), LN_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "\"* OR NEAR(", &l), LN_OK);     /* no query syntax */

    /* edits are reindexed; deleted and hidden posts are not found */
    ForumPost p = post(a, pid);
    assert_int_equal(forum_edit(db, &p, learners[1], "The breakers are in the hall.", T0 + 2 * MINUTE), LN_OK);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "breakers", &l), LN_OK);
    assert_true(l.n == 1 && l.items[0].post_id == pid);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "fuses", &l), LN_OK);
    assert_int_equal(l.n, 0);
    ForumPost g = post(a, gone);
    assert_int_equal(forum_delete(db, &g, learners[2], T0 + 2 * MINUTE), LN_OK);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "secret", &l), LN_OK);
    assert_int_equal(l.n, 0);
    p = post(a, pid);
    assert_int_equal(forum_hide(db, &p, org, trainer, true, "no", T0 + 3 * MINUTE), LN_OK);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "breakers", &l), LN_OK);
    assert_int_equal(l.n, 0);
    /* the backfill adds what is missing and nothing twice */
    int64_t first_b = count("SELECT MIN(id) FROM forum_post WHERE thread_id = $1", b);
    assert_int_equal(db_run(db, db_kind(db) == DB_SQLITE ? "DELETE FROM forum_search WHERE rowid = $1"
                                                          : "DELETE FROM forum_search WHERE post_id = $1", "i", first_b),
                     DB_DONE);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "coffee", &l), LN_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(forum_search_backfill(db), 1);
    assert_int_equal(forum_search_backfill(db), 0);
    assert_int_equal(forum_search(db, arena, ctx.run.id, "coffee", &l), LN_OK);
    assert_int_equal(l.n, 1);
    ctx = saved;
}

static void test_highlight(void **state)
{
    (void)state;
    ForumSpan *s;
    int n = forum_highlight(arena, "<b>Sécurité</b> & fuses", "securite fuse", false, &s);
    /* "<b>", "Sécurité" marked, "</", "b", ... : every byte kept, marks on the matching words */
    Buf all;
    buf_init(&all, 0);
    int marks = 0;
    for (int i = 0; i < n; i++) {
        buf_puts(&all, s[i].text);
        if (s[i].mark) {
            marks++;
            assert_true(str_eq(s[i].text, "Sécurité") || str_eq(s[i].text, "fuses"));
        }
    }
    assert_string_equal(buf_cstr(&all), "<b>Sécurité</b> & fuses");
    assert_int_equal(marks, 2);
    buf_free(&all);
    /* no word: one plain segment */
    n = forum_highlight(arena, "plain text", "", false, &s);
    assert_true(n == 1 && !s[0].mark);
    /* a snippet: a window around the first match, with ellipses, cut on characters */
    Buf long_text;
    buf_init(&long_text, 0);
    for (int i = 0; i < 100; i++) buf_puts(&long_text, "é blah ");
    buf_puts(&long_text, "needle ");
    for (int i = 0; i < 100; i++) buf_puts(&long_text, "blah é ");
    n = forum_highlight(arena, buf_cstr(&long_text), "needle", true, &s);
    assert_string_equal(s[0].text, "…");
    assert_string_equal(s[n - 1].text, "…");
    bool found = false;
    for (int i = 0; i < n; i++) {
        assert_true(utf8_valid(s[i].text, strlen(s[i].text)));
        if (s[i].mark) found = str_eq(s[i].text, "needle");
    }
    assert_true(found);
    buf_free(&long_text);
}

/* ---- unit discussions -------------------------------------------------------- */

static void test_unit_discussion(void **state)
{
    (void)state;
    SectionInput sec = {.title = "Week 1", .release_days = -1};
    int64_t sid = 0, uid = 0, tid = 0, x = 0;
    assert_int_equal(section_create(db, &ctx.course, &sec, T0, &sid), LN_OK);
    UnitInput ui = {.kind = "text", .title = "Gloves", .section_id = sid, .minutes = 5, .duration_s = -1, .threshold = -1};
    assert_int_equal(unit_create(db, &ctx.course, &ui, T0, &uid), LN_OK);
    assert_string_equal(forum_unit_title(db, arena, &ctx, uid), "Gloves");
    assert_null(forum_unit_title(db, arena, &ctx, 999999));
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, uid, "Which ones?", "b", T0, &tid), LN_OK);
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, 999999, "Nope", "b", T0, &x), LN_NOTFOUND);
    ForumThreadList l;
    assert_int_equal(forum_threads(db, arena, ctx.run.id, "recent", 0, uid, learners[0], &l), LN_OK);
    assert_true(l.n == 1 && l.items[0].id == tid && l.items[0].unit_id == uid);
    assert_string_equal(l.items[0].unit_title, "Gloves");
    /* another course's unit is refused */
    Course other;
    int64_t ocid = 0, osid = 0, ouid = 0;
    CourseInput in = {.code = "OTHER-1", .title = "Other", .estimated_minutes = -1, .published = 1};
    assert_int_equal(course_create(db, org, &in, trainer, T0, &ocid), LN_OK);
    assert_int_equal(course_load(db, arena, ocid, &other), LN_OK);
    assert_int_equal(section_create(db, &other, &sec, T0, &osid), LN_OK);
    ui.section_id = osid;
    assert_int_equal(unit_create(db, &other, &ui, T0, &ouid), LN_OK);
    assert_null(forum_unit_title(db, arena, &ctx, ouid));
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, ouid, "Other", "b", T0, &x), LN_NOTFOUND);
}

/* ---- rate limit -------------------------------------------------------------- */

static void test_rate_limit(void **state)
{
    (void)state;
    UsTime at = T0 + 1000 * 60 * MINUTE;       /* far from the other tests' posts */
    int64_t tid = new_thread("discussion", "Flood", learners[2], at);
    ForumThread t = thread(tid);
    for (int i = 1; i < FORUM_POSTS_PER_MINUTE; i++)
        assert_int_equal(forum_reply(db, &ctx, &t, learners[2], false, 0, "again", at + i * US_PER_SEC, NULL), LN_OK);
    assert_false(forum_rate_ok(db, learners[2], at + 30 * US_PER_SEC));
    int64_t before = count("SELECT count(*) FROM forum_post WHERE thread_id = $1", tid), x = 0;
    assert_int_equal(forum_reply(db, &ctx, &t, learners[2], false, 0, "one too many", at + 30 * US_PER_SEC, NULL), LN_ELIMIT);
    assert_int_equal(forum_thread_create(db, &ctx, learners[2], "question", 0, 0, "T", "b", at + 30 * US_PER_SEC, &x), LN_ELIMIT);
    assert_int_equal(count("SELECT count(*) FROM forum_post WHERE thread_id = $1", tid), before);
    /* another user is not limited; a minute after the first post, one more is allowed */
    assert_true(forum_rate_ok(db, learners[0], at + 30 * US_PER_SEC));
    assert_int_equal(forum_reply(db, &ctx, &t, learners[2], false, 0, "later", at + 60 * US_PER_SEC, NULL), LN_OK);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_keeps_history),
        cmocka_unit_test(test_delete_within_window),
        cmocka_unit_test(test_categories_pin_close_unread),
        cmocka_unit_test(test_follow_and_notify),
        cmocka_unit_test(test_moderation),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_highlight),
        cmocka_unit_test(test_unit_discussion),
        cmocka_unit_test(test_rate_limit),
    };
    return cmocka_run_group_tests_name("forum", tests, setup, teardown);
}
