/* test_db.c — the storage suite: the same tests on SQLite and PostgreSQL
 * (LECTERN_TEST_DB=sqlite:PATH or postgres://...). */
#include "testutil.h"
#include "db/db.h"

static Db *db;

static int setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err);
        return -1;
    }
    db_exec(db, "DROP TABLE IF EXISTS t_item");
    return db_exec(db, "CREATE TABLE t_item (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                       " note TEXT, n BIGINT NOT NULL DEFAULT 0)") == DB_DONE ? 0 : -1;
}

static int teardown(void **state)
{
    db_exec(db, "DROP TABLE IF EXISTS t_item");
    db_close(db);
    return 0;
}

static void test_migrate_idempotent(void **state)
{
    int first = db_migrate(db, false);
    assert_true(first >= 0);
    assert_int_equal(db_migrate(db, false), 0);    /* nothing left to apply */
    assert_true(db_schema_version(db) >= 1);
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM app_user", ""), DB_ROW);
    assert_true(n >= 0);
}

static void test_insert_returning_and_select(void **state)
{
    int64_t id = 0;
    assert_int_equal(db_query_i64(db, &id, "INSERT INTO org (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                                  "tti", "acme", "Acmé «Formation»", (int64_t)1), DB_ROW);
    assert_true(id > 0);
    DbStmt *st = db_prepare(db, "SELECT slug, name, allow_signup, created_at FROM org WHERE id = $1");
    assert_non_null(st);
    db_bind_i64(st, 1, id);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "acme");
    assert_string_equal(db_col_text(st, 1), "Acmé «Formation»");
    assert_int_equal(db_col_i64(st, 2), 0);
    assert_int_equal(db_col_i64(st, 3), 1);
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

static void test_params_by_name_any_order(void **state)
{
    /* $2 appears first and twice: SQLite must bind by name. */
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name, note, n) VALUES ($2, $1, $3, $2)", "tit",
                            "second-first", (int64_t)42, "x"), DB_DONE);
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT n FROM t_item WHERE name = $1 AND id = $2", "ti",
                                  "second-first", (int64_t)42), DB_ROW);
    assert_int_equal(n, 42);
}

static void test_nulls_and_quotes(void **state)
{
    const char *evil = "O'Brien \"; DROP TABLE t_item; -- \\ é";
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name, note) VALUES ($1, $2, $3)", "itn",
                            (int64_t)7, evil), DB_DONE);
    DbStmt *st = db_prepare(db, "SELECT name, note FROM t_item WHERE id = $1");
    db_bind_i64(st, 1, 7);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), evil);
    assert_true(db_col_is_null(st, 1));
    assert_string_equal(db_col_text(st, 1), "");
    Arena *a = arena_new();
    assert_null(db_col_dup(st, 1, a));
    assert_string_equal(db_col_dup(st, 0, a), evil);
    db_done(st);
    /* one text value: the row's, NULL for a NULL value or no row */
    assert_string_equal(db_query_text(db, a, "SELECT name FROM t_item WHERE id = $1", "i", (int64_t)7), evil);
    assert_null(db_query_text(db, a, "SELECT note FROM t_item WHERE id = $1", "i", (int64_t)7));
    assert_null(db_query_text(db, a, "SELECT name FROM t_item WHERE id = $1", "i", (int64_t)-7));
    arena_free(a);
}

static void test_unique_violation_is_constraint(void **state)
{
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name) VALUES ($1, $2)", "it", (int64_t)100, "dup"), DB_DONE);
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name) VALUES ($1, $2)", "it", (int64_t)101, "dup"),
                     DB_CONSTRAINT);
    /* The connection is still usable. */
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT count(*) FROM t_item WHERE name = $1", "t", "dup"), DB_ROW);
    assert_int_equal(n, 1);
}

static void test_transaction_rollback(void **state)
{
    assert_int_equal(db_begin(db), DB_DONE);
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name) VALUES ($1, $2)", "it", (int64_t)200, "gone"), DB_DONE);
    assert_int_equal(db_rollback(db), DB_DONE);
    int64_t n = -1;
    db_query_i64(db, &n, "SELECT count(*) FROM t_item WHERE id = $1", "i", (int64_t)200);
    assert_int_equal(n, 0);
    assert_int_equal(db_begin(db), DB_DONE);
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name) VALUES ($1, $2)", "it", (int64_t)201, "kept"), DB_DONE);
    assert_int_equal(db_commit(db), DB_DONE);
    db_query_i64(db, &n, "SELECT count(*) FROM t_item WHERE id = $1", "i", (int64_t)201);
    assert_int_equal(n, 1);
}

static void test_changes(void **state)
{
    char name[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(db_run(db, "INSERT INTO t_item (id, name, n) VALUES ($1, $2, $3)", "iti",
                                (int64_t)(300 + i), name, (int64_t)i), DB_DONE);
    }
    DbStmt *st = db_prepare(db, "UPDATE t_item SET n = n + 10 WHERE id >= $1 AND id < $2");
    db_bind_i64(st, 1, 300);
    db_bind_i64(st, 2, 303);
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_changes(st), 3);
    db_done(st);
    /* Same SQL again: the cached statement, reset and rebound. */
    DbStmt *again = db_prepare(db, "UPDATE t_item SET n = n + 10 WHERE id >= $1 AND id < $2");
    assert_ptr_equal(again, st);
    db_bind_i64(again, 1, 303);
    db_bind_i64(again, 2, 400);
    assert_int_equal(db_step(again), DB_DONE);
    assert_int_equal(db_changes(again), 2);
    db_done(again);
}

static void test_big_integers_and_order(void **state)
{
    int64_t big = INT64_C(1790000000000000);    /* microseconds in 2026 */
    assert_int_equal(db_run(db, "INSERT INTO t_item (id, name, n) VALUES ($1, $2, $3)", "iti",
                            (int64_t)500, "big", big), DB_DONE);
    int64_t got = 0;
    assert_int_equal(db_query_i64(db, &got, "SELECT n FROM t_item WHERE n > $1", "i", big - 1), DB_ROW);
    assert_int_equal(got, big);
}

static void test_syntax_error_reported(void **state)
{
    assert_null(db_prepare(db, "SELEKT nonsense"));
    assert_true(strlen(db_errmsg(db)) > 0);
    assert_true(db_ping(db));
}

static void test_pool(void **state)
{
    char *err = NULL;
    DbPool *p = db_pool_new(test_db_url(), NULL, 3, &err);
    assert_non_null(p);
    Db *a = db_pool_get(p), *b = db_pool_get(p);
    int size, in_use;
    int64_t waits;
    db_pool_stats(p, &size, &in_use, &waits);
    assert_int_equal(size, 3);
    assert_int_equal(in_use, 2);
    assert_true(db_ping(a) && db_ping(b));
    db_pool_put(p, a);
    db_pool_put(p, b);
    db_pool_stats(p, &size, &in_use, &waits);
    assert_int_equal(in_use, 0);
    db_pool_free(p);
}

static void test_bad_url(void **state)
{
    char *err = NULL;
    assert_null(db_open("mysql://nope", NULL, &err));
    assert_non_null(err);
    free(err);
    err = NULL;
    assert_null(db_open("sqlite:/nonexistent-dir/x/y.db", NULL, &err));
    assert_non_null(err);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_idempotent),
        cmocka_unit_test(test_insert_returning_and_select),
        cmocka_unit_test(test_params_by_name_any_order),
        cmocka_unit_test(test_nulls_and_quotes),
        cmocka_unit_test(test_unique_violation_is_constraint),
        cmocka_unit_test(test_transaction_rollback),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_big_integers_and_order),
        cmocka_unit_test(test_syntax_error_reported),
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_bad_url),
    };
    return cmocka_run_group_tests_name(str_startswith(test_db_url(), "sqlite:") ? "storage-sqlite" : "storage-postgresql", tests, setup, teardown);
}
