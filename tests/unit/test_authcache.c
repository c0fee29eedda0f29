/* test_authcache.c — the per-process cache of sessions and organisation
 * lists (src/account/authcache.c) and the sign-in epoch it trusts (db.h
 * db_epoch): a change committed by another connection, or by another
 * process, is seen at once; a change made outside Lectern is not (which
 * shows the cache is used).  On PostgreSQL there is no epoch and every
 * lookup queries: the same assertions hold except the last kind. */
#include "testutil.h"
#include "account/account.h"
#include "account/authcache.h"
#include "db/db.h"
#include "org/org.h"

#include <sodium.h>
#include <sqlite3.h>
#include <sys/wait.h>

static Db *db, *other;
static Arena *arena;
static int64_t user, org;
static char token[TOKEN_CHARS + 1];

static Db *open_db(void)
{
    char *err = NULL;
    DbOptions opt = {0};
    Db *d = db_open(test_db_url(), &opt, &err);
    if (!d) fail_msg("%s", err);
    return d;
}

static int setup(void **state)
{
    db = open_db();
    if (db_migrate(db, false) < 0) return -1;
    other = open_db();
    arena = arena_new();
    UsTime now = time_now_us();
    if (user_create(db, "cache@example.org", "Cache Person", "a-long-password", "en", false, now, &user) != LN_OK) return -1;
    if (org_create(db, "cache-org", "Cache Org", false, now, &org) != LN_OK) return -1;
    if (session_create(db, user, "127.0.0.1", "t", now, token) != LN_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(other);
    db_close(db);
    return 0;
}

static bool is_sqlite(void) { return db_kind(db) == DB_SQLITE; }

static const char *name_now(void)
{
    User u;
    return session_lookup(db, arena, token, time_now_us(), &u) == LN_OK ? u.name : NULL;
}

static void test_epoch_moves_on_committed_changes(void **state)
{
    if (!is_sqlite()) {
        assert_true(db_epoch(db, DB_EPOCH_AUTH) == 0);
        skip();
    }
    uint64_t e0 = db_epoch(db, DB_EPOCH_AUTH);
    assert_true(e0 != 0);
    assert_true(db_epoch(other, DB_EPOCH_AUTH) == e0);                 /* one counter per database */
    int64_t u2;
    assert_int_equal(user_create(other, "new@example.org", "New", "a-long-password", "en", false, time_now_us(), &u2), LN_OK);
    assert_true(db_epoch(db, DB_EPOCH_AUTH) == e0);                    /* a new account makes nothing stale */
    assert_int_equal(db_begin(other), DB_DONE);
    assert_int_equal(member_set(other, org, u2, ROLE_LEARNER, time_now_us()), LN_OK);
    assert_true(db_epoch(db, DB_EPOCH_AUTH) == e0);                    /* not before the commit */
    assert_int_equal(db_commit(other), DB_DONE);
    assert_true(db_epoch(db, DB_EPOCH_AUTH) != e0);
}

static void test_session_changes_seen_at_once(void **state)
{
    assert_string_equal(name_now(), "Cache Person");
    assert_string_equal(name_now(), "Cache Person");          /* from the cache on SQLite */
    assert_int_equal(user_update_profile(other, user, "Renamed Person", "fr", time_now_us()), LN_OK);
    assert_string_equal(name_now(), "Renamed Person");
    /* disabled on another connection: signed out everywhere */
    assert_int_equal(db_run(other, "UPDATE app_user SET disabled = 1 WHERE id = $1", "i", user), DB_DONE);
    assert_null(name_now());
    assert_int_equal(db_run(other, "UPDATE app_user SET disabled = 0 WHERE id = $1", "i", user), DB_DONE);
    assert_string_equal(name_now(), "Renamed Person");
    /* a session that expires meanwhile is not kept past its expiry */
    User u;
    assert_int_equal(session_lookup(db, arena, token, time_now_us() + (int64_t)SESSION_DAYS * 86400 * US_PER_SEC + 1, &u),
                     LN_NOTFOUND);
}

static void test_org_list_follows_memberships(void **state)
{
    OrgList l;
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(member_set(other, org, user, ROLE_TRAINER, time_now_us()), LN_OK);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].viewer_role, ROLE_TRAINER);
    assert_int_equal(org_update(other, org, "Cache Org Renamed", false, ""), LN_OK);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_string_equal(l.items[0].name, "Cache Org Renamed");
    assert_int_equal(member_remove(other, org, user), LN_OK);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(l.n, 0);
}

/* The CSRF token is kept with the cached session, for that token only. */
static void test_session_memo(void **state)
{
    char out[64];
    authcache_clear();
    assert_false(authcache_session_memo_get(token, out, sizeof out));
    authcache_session_memo_put(token, "mac-of-token");         /* not cached yet: not kept */
    assert_false(authcache_session_memo_get(token, out, sizeof out));
    User u;
    assert_int_equal(session_lookup(db, arena, token, time_now_us(), &u), LN_OK);
    if (!is_sqlite()) skip();                                   /* nothing cached on PostgreSQL */
    authcache_session_memo_put(token, "mac-of-token");
    assert_true(authcache_session_memo_get(token, out, sizeof out));
    assert_string_equal(out, "mac-of-token");
    assert_false(authcache_session_memo_get(token, out, 5));   /* too small: no copy */
    char forged[TOKEN_CHARS + 1];
    memcpy(forged, token, sizeof forged);
    forged[0] = forged[0] == 'A' ? 'B' : 'A';
    assert_false(authcache_session_memo_get(forged, out, sizeof out));
    authcache_clear();
    assert_false(authcache_session_memo_get(token, out, sizeof out));
}

/* Inside a request's read snapshot (db.h db_read_snapshot) the reads see
 * the moment the snapshot began; a change committed after it must not end
 * up cached under the newer epoch, or it would never be seen. */
static void test_snapshot_does_not_cache_stale(void **state)
{
    OrgList l;
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(l.n, 0);
    db_read_snapshot(db, true);
    User u;
    assert_int_equal(session_lookup(db, arena, token, time_now_us(), &u), LN_OK);  /* any read opens it */
    authcache_clear();                                       /* so that the next lookups query */
    assert_int_equal(session_lookup(db, arena, token, time_now_us(), &u), LN_OK);
    assert_int_equal(member_set(other, org, user, ROLE_LEARNER, time_now_us()), LN_OK);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    if (is_sqlite()) assert_int_equal(l.n, 0);              /* the snapshot's moment */
    db_read_snapshot(db, false);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(l.n, 1);                                /* not the snapshot's answer, cached */
    /* a write ends the snapshot: the reads after it see the write */
    db_read_snapshot(db, true);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(member_remove(db, org, user), LN_OK);
    assert_int_equal(org_list(db, arena, user, false, &l), LN_OK);
    assert_int_equal(l.n, 0);
    db_read_snapshot(db, false);
}

/* Another process (a second `lectern serve`, or `lectern user ...`) signs
 * the session out: this process must see it on its next request. */
static void test_other_process_signs_out(void **state)
{
    char second[TOKEN_CHARS + 1];
    assert_int_equal(session_create(db, user, "127.0.0.1", "t", time_now_us(), second), LN_OK);
    User u;
    assert_int_equal(session_lookup(db, arena, second, time_now_us(), &u), LN_OK);
    pid_t pid = fork();
    if (pid == 0) {
        Db *d = open_db();
        int rc = session_delete(d, second);
        db_close(d);
        _exit(rc == LN_OK ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(session_lookup(db, arena, second, time_now_us(), &u), LN_NOTFOUND);
}

/* A change written behind Lectern's back (the sqlite3 shell) does not move
 * the epoch: the cached name stays, which shows lookups are served from the
 * cache (docs/operations.md says to restart after such edits). */
static void test_cache_is_used(void **state)
{
    if (!is_sqlite()) skip();
    assert_string_equal(name_now(), "Renamed Person");
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(test_db_url() + strlen("sqlite:"), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    assert_int_equal(sqlite3_exec(raw, "UPDATE app_user SET name = 'Behind The Back'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_string_equal(name_now(), "Renamed Person");
    authcache_clear();
    assert_string_equal(name_now(), "Behind The Back");
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_moves_on_committed_changes),
        cmocka_unit_test(test_session_changes_seen_at_once),
        cmocka_unit_test(test_org_list_follows_memberships),
        cmocka_unit_test(test_snapshot_does_not_cache_stale),
        cmocka_unit_test(test_session_memo),
        cmocka_unit_test(test_other_process_signs_out),
        cmocka_unit_test(test_cache_is_used),
    };
    return cmocka_run_group_tests_name("authcache", tests, setup, teardown);
}
