/* test_forum_groups.c — cohort groups, attachments and discussion units of
 * the run forum (src/forum/groups.c, attach.c; docs/forum.md).  Runs on
 * SQLite and PostgreSQL (LECTERN_TEST_DB), at fixed times. */
#include "testutil.h"
#include "forum/forum.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "content/content.h"
#include "org/org.h"

#include <sodium.h>

#define MINUTE (60 * US_PER_SEC)
#define T0 ((UsTime)1767258000 * US_PER_SEC)   /* 2026-01-01 09:00 UTC: fixed, never the wall clock */

static Db *db;
static Arena *arena;
static int64_t org, trainer, learners[3];
static char emails[3][96];
static ForumCtx ctx;    /* a learner's view (staff false) */

static int64_t add_user(const char *what, Role role, char *email)
{
    snprintf(email, 96, "%s-%d@groups.test", what, (int)getpid());
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
    char slug[48], temail[96];
    snprintf(slug, sizeof slug, "groups-%d", (int)getpid());
    int64_t cid = 0, rid = 0;
    CourseInput in = {.code = "GROUPS-1", .title = "Groups", .estimated_minutes = -1, .published = 1};
    if (org_create(db, slug, "Groups", false, T0, &org) != LN_OK) return -1;
    trainer = add_user("trainer", ROLE_TRAINER, temail);
    for (int i = 0; i < 3; i++) {
        char w[16];
        snprintf(w, sizeof w, "learner%d", i);
        learners[i] = add_user(w, ROLE_LEARNER, emails[i]);
    }
    if (!trainer || !learners[2]) return -1;
    if (course_create(db, org, &in, trainer, T0, &cid) != LN_OK || course_load(db, arena, cid, &ctx.course) != LN_OK
        || run_create(db, &ctx.course, "Run", "mooc", 0, 0, 0, T0, &rid) != LN_OK
        || run_ref(db, arena, org, rid, &ctx.run) != LN_OK)
        return -1;
    for (int i = 0; i < 3; i++)
        if (enrol_insert(db, &ctx.run, learners[i], T0) != LN_OK) return -1;
    ctx.learner = true;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t count(const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, "i", id), DB_ROW);
    return n;
}

static ForumCtx view_of(int64_t user, bool staff)
{
    ForumCtx f = ctx;
    f.staff = staff;
    f.learner = !staff;
    forum_group_view(db, ctx.run.id, user, &f.separate, &f.group_id);
    return f;
}

static void test_groups_separate(void **state)
{
    (void)state;
    /* all or nothing: a stranger's e-mail fails the whole list, and the switch with it */
    char *e[] = {emails[0], "stranger@groups.test"}, *g[] = {"A", "B"};
    int bad = -2;
    assert_int_equal(forum_groups_assign(db, &ctx.run, e, g, 2, 1, T0, &bad), LN_NOTFOUND);
    assert_int_equal(bad, 1);
    assert_int_equal(count("SELECT count(*) FROM forum_group WHERE run_id = $1", ctx.run.id), 0);
    char *bad_name[] = {"A\x01"};
    assert_int_equal(forum_groups_assign(db, &ctx.run, e, bad_name, 1, -1, T0, &bad), LN_EINVAL);
    /* learner 0 in A, learner 1 in B, learner 2 in none */
    char *e2[] = {emails[0], emails[1]}, *g2[] = {"A", "B"};
    assert_int_equal(forum_groups_assign(db, &ctx.run, e2, g2, 2, -1, T0, &bad), LN_OK);
    ForumGroupList gl;
    assert_int_equal(forum_groups(db, arena, ctx.run.id, &gl), LN_OK);
    assert_int_equal(gl.n, 2);
    assert_false(gl.separate);
    assert_true(gl.items[0].n == 1 && gl.items[0].members[0].user_id == learners[0]);
    int64_t ga = gl.items[0].id, gb = gl.items[1].id;

    /* threads written before separation keep their author's group */
    int64_t ta = 0, tb = 0, tn = 0, ts = 0;
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, 0, "In A", "a", T0, &ta), LN_OK);
    assert_int_equal(forum_thread_create(db, &ctx, learners[1], "question", 0, 0, "In B", "b", T0, &tb), LN_OK);
    assert_int_equal(forum_thread_create(db, &ctx, learners[2], "question", 0, 0, "None", "n", T0, &tn), LN_OK);
    ForumCtx staff = view_of(trainer, true);
    staff.post_group_id = gb;
    assert_int_equal(forum_thread_create(db, &staff, trainer, "discussion", 0, 0, "Staff to B", "s", T0, &ts), LN_OK);
    staff.post_group_id = 999999;
    int64_t x = 0;
    assert_int_equal(forum_thread_create(db, &staff, trainer, "discussion", 0, 0, "Nope", "s", T0, &x), LN_NOTFOUND);
    ForumThread t;
    assert_int_equal(forum_thread_load(db, arena, ctx.run.id, ta, &t), LN_OK);
    assert_true(t.group_id == ga);

    /* off: everyone reads everything */
    ForumCtx v1 = view_of(learners[1], false);
    assert_true(forum_thread_readable(&v1, &t));
    assert_int_equal(forum_groups_separate(db, &ctx.run, true, T0 + MINUTE), LN_OK);
    v1 = view_of(learners[1], false);
    ForumCtx v0 = view_of(learners[0], false), v2 = view_of(learners[2], false);
    assert_true(v1.separate && v1.group_id == gb);
    assert_false(forum_thread_readable(&v1, &t));
    assert_true(forum_thread_readable(&v0, &t));
    assert_false(forum_thread_readable(&v2, &t));
    assert_true(forum_thread_readable(&staff, &t));

    ForumThreadList l;
    assert_int_equal(forum_threads_for(db, arena, &v1, "recent", 0, 0, learners[1], 0, &l), LN_OK);
    assert_int_equal(l.n, 2);       /* "In B" and "Staff to B" */
    for (int i = 0; i < l.n; i++) assert_true(l.items[i].group_id == gb);
    assert_int_equal(forum_threads_for(db, arena, &staff, "recent", 0, 0, trainer, ga, &l), LN_OK);
    assert_true(l.n == 1 && l.items[0].id == ta);
    assert_int_equal(forum_threads_for(db, arena, &staff, "recent", 0, 0, trainer, 0, &l), LN_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(forum_threads_for(db, arena, &v2, "recent", 0, 0, learners[2], 0, &l), LN_OK);
    assert_true(l.n == 1 && l.items[0].id == tn);
    assert_int_equal(forum_threads_for(db, arena, &v2, "recent", 0, 0, learners[2], ga, &l), LN_OK);   /* no filter for learners */
    assert_true(l.n == 1 && l.items[0].id == tn);

    /* replying into another group's thread is refused, nothing written */
    int64_t before = count("SELECT count(*) FROM forum_post WHERE thread_id = $1", ta);
    assert_int_equal(forum_reply(db, &v1, &t, learners[1], false, 0, "sneak", T0 + 2 * MINUTE, NULL), LN_NOTFOUND);
    assert_int_equal(count("SELECT count(*) FROM forum_post WHERE thread_id = $1", ta), before);

    /* a forum follower of group B is not notified of group A's posts; staff are */
    assert_int_equal(forum_follow_forum(db, ctx.run.id, learners[1], true, T0), LN_OK);
    assert_int_equal(forum_follow_forum(db, ctx.run.id, trainer, true, T0), LN_OK);
    assert_int_equal(forum_reply(db, &v0, &t, learners[0], false, 0, "more A", T0 + 3 * MINUTE, NULL), LN_OK);
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM forum_notification WHERE thread_id = $1 AND user_id = $2",
                                  "ii", ta, learners[1]), DB_ROW);
    assert_int_equal(n, 0);
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM forum_notification WHERE thread_id = $1 AND user_id = $2",
                                  "ii", ta, trainer), DB_ROW);
    assert_int_equal(n, 1);

    /* search hits are filtered the same way */
    ForumHitList h = {0};
    ForumHit hits[3] = {{.thread_id = ta}, {.thread_id = tb}, {.thread_id = tn}};
    h.items = hits;
    h.n = 3;
    forum_hits_keep(db, &v1, &h);
    assert_true(h.n == 1 && h.items[0].thread_id == tb);

    /* taking a learner out of their group: the ungrouped threads */
    char *out[] = {""};
    assert_int_equal(forum_groups_assign(db, &ctx.run, e2, out, 1, -1, T0, &bad), LN_OK);
    v0 = view_of(learners[0], false);
    assert_true(v0.group_id == 0);
    assert_false(forum_thread_readable(&v0, &t));
}

static int64_t media_row(const char *sha, const char *mime, int64_t size)
{
    int64_t id = 0;
    assert_int_equal(db_query_i64(db, &id, "INSERT INTO media (org_id, sha256, size, mime, filename, created_at)"
                                  " VALUES ($1, $2, $3, $4, 'f', $5) RETURNING id", "ititi", org, sha, size, mime,
                                  (int64_t)T0), DB_ROW);
    return id;
}

static void test_attachment_limits(void **state)
{
    (void)state;
    assert_true(forum_attach_type_ok("image/png") && forum_attach_is_image("image/webp"));
    assert_true(forum_attach_type_ok("application/pdf") && !forum_attach_is_image("application/pdf"));
    assert_false(forum_attach_type_ok("text/html"));
    assert_false(forum_attach_type_ok("image/svg+xml"));
    assert_false(forum_attach_type_ok(NULL));

    ForumFiles files = {.n = 2};
    files.items[0] = (ForumFile){media_row("aa01", "image/png", 1000), 1000, "<b>x</b>.png", "image/png"};
    files.items[1] = (ForumFile){media_row("aa02", "application/pdf", 2000), 2000, "plan.pdf", "application/pdf"};
    ForumCtx f = ctx;
    f.files = &files;
    int64_t tid = 0;
    assert_int_equal(forum_groups_separate(db, &ctx.run, false, T0), LN_OK);
    assert_int_equal(forum_thread_create(db, &f, learners[2], "discussion", 0, 0, "Files", "see", T0 + 10 * MINUTE, &tid),
                     LN_OK);
    ForumAttachmentList l;
    assert_int_equal(forum_attachments(db, arena, tid, &l), LN_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].filename, "<b>x</b>.png");
    assert_string_equal(l.items[1].mime, "application/pdf");
    int64_t pid = l.items[0].post_id;

    /* a type not allowed, too many files, too many bytes: refused in the post's transaction */
    ForumFiles bad = {.n = 1};
    bad.items[0] = (ForumFile){media_row("aa03", "text/html", 10), 10, "x.html", "text/html"};
    assert_int_equal(forum_attach(db, ctx.run.id, org, tid, pid, &bad, T0), LN_EINVAL);
    ForumFiles four = {.n = 4};
    for (int i = 0; i < 4; i++) four.items[i] = files.items[0];
    assert_int_equal(forum_attach(db, ctx.run.id, org, tid, pid, &four, T0), LN_ELIMIT);   /* 2 + 4 > 5 */
    ForumFiles big = {.n = 1};
    big.items[0] = (ForumFile){media_row("aa04", "application/zip", FORUM_ATTACH_FILE_MAX + 1), FORUM_ATTACH_FILE_MAX + 1,
                               "big.zip", "application/zip"};
    assert_int_equal(forum_attach(db, ctx.run.id, org, tid, pid, &big, T0), LN_ELIMIT);
    /* a reply whose files are refused is not written */
    ForumThread t;
    assert_int_equal(forum_thread_load(db, arena, ctx.run.id, tid, &t), LN_OK);
    f.files = &bad;
    int64_t before = count("SELECT count(*) FROM forum_post WHERE thread_id = $1", tid);
    assert_int_equal(forum_reply(db, &f, &t, learners[2], false, 0, "with html", T0 + 11 * MINUTE, NULL), LN_EINVAL);
    assert_int_equal(count("SELECT count(*) FROM forum_post WHERE thread_id = $1", tid), before);
}

static void test_discussion_unit_completion(void **state)
{
    (void)state;
    SectionInput sec = {.title = "Week 1", .release_days = -1};
    int64_t sid = 0, uid = 0, tuid = 0, tid = 0;
    assert_int_equal(section_create(db, &ctx.course, &sec, T0, &sid), LN_OK);
    UnitInput ui = {.kind = "discussion", .title = "Introduce yourself", .section_id = sid, .minutes = 5,
                    .duration_s = -1, .threshold = -1};
    assert_int_equal(unit_create(db, &ctx.course, &ui, T0, &uid), LN_OK);
    ui.kind = "text";
    assert_int_equal(unit_create(db, &ctx.course, &ui, T0, &tuid), LN_OK);
    const char *done = "SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL";
    /* a thread on a text unit completes nothing */
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "question", 0, tuid, "About text", "q", T0, &tid), LN_OK);
    assert_int_equal(count(done, tuid), 0);
    /* a thread of the discussion unit completes it for its author */
    assert_int_equal(forum_thread_create(db, &ctx, learners[0], "discussion", 0, uid, "Hello", "I am 0", T0 + 20 * MINUTE,
                                         &tid), LN_OK);
    assert_int_equal(count(done, uid), 1);
    /* a reply completes it for another learner; staff record nothing */
    ForumThread t;
    assert_int_equal(forum_thread_load(db, arena, ctx.run.id, tid, &t), LN_OK);
    assert_int_equal(forum_reply(db, &ctx, &t, learners[2], false, 0, "Hi", T0 + 21 * MINUTE, NULL), LN_OK);
    assert_int_equal(count(done, uid), 2);
    ForumCtx staff = view_of(trainer, true);
    assert_int_equal(forum_reply(db, &staff, &t, trainer, true, 0, "Welcome", T0 + 22 * MINUTE, NULL), LN_OK);
    assert_int_equal(count(done, uid), 2);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_separate),
        cmocka_unit_test(test_attachment_limits),
        cmocka_unit_test(test_discussion_unit_completion),
    };
    return cmocka_run_group_tests_name("forum_groups", tests, setup, teardown);
}
