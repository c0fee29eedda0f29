/* test_mail.c — the outbox: a failed send is kept and retried later with
 * back-off; without SMTP a readable .eml file is written; a message is
 * claimed by one sender only. */
#include "testutil.h"
#include "mail/mail.h"

#include <curl/curl.h>
#include <sys/stat.h>

static App app;
static char dir[64];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/lectern-mail-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", dir);
    if (getenv("LECTERN_TEST_DB")) config_set(&app.cfg, "db", test_db_url());
    config_set(&app.cfg, "access-log", "off");
    char *err = NULL;
    return app_open(&app, &err) == LN_OK ? 0 : -1;
}

static int teardown(void **state)
{
    app_close(&app);
    curl_global_cleanup();
    return 0;
}

static int64_t row_i64(Db *db, const char *sql, int64_t id)
{
    int64_t v = -1;
    db_query_i64(db, &v, sql, "i", id);
    return v;
}

static void test_backoff(void **state)
{
    assert_int_equal(mail_backoff_s(1), 30);
    assert_int_equal(mail_backoff_s(2), 60);
    assert_int_equal(mail_backoff_s(5), 480);
    assert_int_equal(mail_backoff_s(40), 6 * 3600);
}

static void test_failed_send_is_retried_not_lost(void **state)
{
    Db *db = db_pool_get(app.pool);
    UsTime now = time_now_us();
    assert_int_equal(mail_enqueue(db, "elodie@example.org", "Réinitialisation", "Bonjour Élodie,\nle lien.", now), LN_OK);
    int64_t id = 0;
    db_query_i64(db, &id, "SELECT max(id) FROM mail_outbox", "");
    /* An SMTP server that is not there: nothing listens on port 1. */
    char *saved = app.cfg.smtp_url;
    app.cfg.smtp_url = "smtp://127.0.0.1:1";
    assert_int_equal(mail_deliver_due(&app, db, now), 0);
    assert_int_equal(row_i64(db, "SELECT attempts FROM mail_outbox WHERE id = $1", id), 1);
    assert_true(row_i64(db, "SELECT count(*) FROM mail_outbox WHERE id = $1 AND sent_at IS NULL AND last_error IS NOT NULL", id) == 1);
    int64_t next = row_i64(db, "SELECT next_attempt_at FROM mail_outbox WHERE id = $1", id);
    assert_int_equal(next, now + 30 * US_PER_SEC);
    /* Not due yet: nothing happens. */
    assert_int_equal(mail_deliver_due(&app, db, now + 10 * US_PER_SEC), 0);
    assert_int_equal(row_i64(db, "SELECT attempts FROM mail_outbox WHERE id = $1", id), 1);
    /* Due again, and now mail goes to files: delivered. */
    app.cfg.smtp_url = saved;
    assert_int_equal(mail_deliver_due(&app, db, now + 31 * US_PER_SEC), 1);
    assert_true(row_i64(db, "SELECT count(*) FROM mail_outbox WHERE id = $1 AND sent_at IS NOT NULL", id) == 1);
    char path[128];
    snprintf(path, sizeof path, "%s/mail/%06lld.eml", dir, (long long)id);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[4096] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    assert_true(n > 0);
    assert_non_null(strstr(text, "To: <elodie@example.org>"));
    assert_non_null(strstr(text, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(text, "Bonjour Élodie,"));
    /* Sent once: a second pass sends nothing. */
    assert_int_equal(mail_deliver_due(&app, db, now + 3600 * US_PER_SEC), 0);
    db_pool_put(app.pool, db);
}

static void test_claimed_message_is_skipped(void **state)
{
    Db *db = db_pool_get(app.pool);
    UsTime now = time_now_us() + 7200 * US_PER_SEC;
    mail_enqueue(db, "francois@example.org", "Hello", "Body", now);
    int64_t id = 0;
    db_query_i64(db, &id, "SELECT max(id) FROM mail_outbox", "");
    /* Another process holds it for the next five minutes. */
    db_run(db, "UPDATE mail_outbox SET locked_until = $2 WHERE id = $1", "ii", id, now + 300 * US_PER_SEC);
    assert_int_equal(mail_deliver_due(&app, db, now), 0);
    assert_int_equal(mail_deliver_due(&app, db, now + 301 * US_PER_SEC), 1);
    db_pool_put(app.pool, db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_failed_send_is_retried_not_lost),
        cmocka_unit_test(test_claimed_message_is_skipped),
    };
    return cmocka_run_group_tests_name("mail", tests, setup, teardown);
}
