/* test_author.c — authoring questions one by one and question pools:
 * item_check for every item type (what a form or the API may store), add /
 * edit (retire + insert at the same place) / remove / order / move of a
 * quiz's items, and drawing N questions from each pool (GIFT category) per
 * attempt.  Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "assess/author.h"
#include "assess/gift.h"
#include "account/account.h"
#include "org/org.h"

#include <sodium.h>

static Db *db;
static Course course;
static int64_t org, section_id;
static Arena *arena;

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
    snprintf(slug, sizeof slug, "author-%d", (int)getpid());
    UsTime now = time_now_us();
    int64_t cid = 0;
    CourseInput in = {.code = "A-1", .title = "Authoring", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "Only", .release_days = -1};
    if (org_create(db, slug, "Author", false, now, &org) != LN_OK || course_create(db, org, &in, 0, now, &cid) != LN_OK
        || course_load(db, arena, cid, &course) != LN_OK || section_create(db, &course, &si, now, &section_id) != LN_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t add_quiz(const char *gift)
{
    UnitInput in = {.kind = "quiz", .title = "Q", .section_id = section_id, .minutes = 5, .duration_s = -1,
                    .threshold = -1, .required = 1};
    int64_t id = 0;
    assert_int_equal(unit_create(db, &course, &in, time_now_us(), &id), LN_OK);
    if (gift) {
        ItemBank bank;
        GiftError ge;
        assert_int_equal(gift_parse(arena, gift, strlen(gift), &bank, &ge), LN_OK);
        assert_int_equal(quiz_items_replace(db, org, id, &bank, time_now_us()), LN_OK);
    }
    return id;
}

/* An item from its stored JSON. */
static Item J(const char *json)
{
    Item it;
    assert_int_equal(item_from_text(arena, json, &it), LN_OK);
    return it;
}

static const char *check(const char *json)
{
    Item it = J(json);
    const char *msg = NULL;
    return item_check(&it, &msg);
}

static void test_item_check(void **state)
{
    (void)state;
    /* fine, one of each type */
    assert_null(check("{\"type\":\"single\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"weight\":1000},{\"text\":\"b\"}]}"));
    assert_null(check("{\"type\":\"multiple\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"weight\":500},"
                      "{\"text\":\"b\",\"weight\":500},{\"text\":\"c\",\"weight\":-1000}]}"));
    assert_null(check("{\"type\":\"truefalse\",\"text\":\"Q\",\"choices\":[{\"text\":\"true\"},{\"text\":\"false\",\"weight\":1000}]}"));
    assert_null(check("{\"type\":\"numeric\",\"text\":\"Q\",\"choices\":[{\"value\":1500000,\"tolerance\":0,\"weight\":1000},"
                      "{\"range\":true,\"min\":-5,\"max\":-5,\"weight\":500}]}"));
    assert_null(check("{\"type\":\"short\",\"text\":\"Q\",\"choices\":[{\"text\":\"été\",\"weight\":1000}]}"));
    assert_null(check("{\"type\":\"matching\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"match\":\"1\"},"
                      "{\"text\":\"b\",\"match\":\"2\"},{\"match\":\"distractor\"}]}"));
    assert_null(check("{\"type\":\"ordering\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\"},{\"text\":\"a\"}]}"));
    assert_null(check("{\"type\":\"cloze\",\"text\":\"{#1} {#2}\",\"ngaps\":2,\"choices\":[{\"gap\":0,\"gap_type\":\"numeric\","
                      "\"value\":2000000,\"weight\":1000},{\"gap\":1,\"gap_type\":\"single\",\"text\":\"x\",\"weight\":1000},"
                      "{\"gap\":1,\"gap_type\":\"single\",\"text\":\"y\"}]}"));
    assert_null(check("{\"type\":\"essay\",\"text\":\"Q\"}"));
    assert_null(check("{\"type\":\"description\",\"text\":\"Read this\",\"points\":0}"));
    /* refused, with the field */
    assert_string_equal(check("{\"type\":\"essay\",\"text\":\"  \\n\"}"), "text");
    assert_string_equal(check("{\"type\":\"single\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"weight\":1000}]}"), "choices");
    assert_string_equal(check("{\"type\":\"single\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"weight\":900},{\"text\":\"b\"}]}"),
                        "choices");
    assert_string_equal(check("{\"type\":\"single\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"weight\":1000},{\"text\":\" \"}]}"),
                        "choices");
    assert_string_equal(check("{\"type\":\"multiple\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"weight\":-500},{\"text\":\"b\"}]}"),
                        "choices");
    assert_string_equal(check("{\"type\":\"truefalse\",\"text\":\"Q\",\"choices\":[{\"text\":\"true\",\"weight\":1000},"
                              "{\"text\":\"false\",\"weight\":1000}]}"), "choices");
    assert_string_equal(check("{\"type\":\"numeric\",\"text\":\"Q\",\"choices\":[{\"range\":true,\"min\":2,\"max\":1,\"weight\":1000}]}"),
                        "choices");
    assert_string_equal(check("{\"type\":\"numeric\",\"text\":\"Q\",\"choices\":[{\"value\":1,\"tolerance\":-1,\"weight\":1000}]}"),
                        "choices");
    assert_string_equal(check("{\"type\":\"short\",\"text\":\"Q\",\"choices\":[]}"), "choices");
    assert_string_equal(check("{\"type\":\"matching\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"match\":\"1\"},"
                              "{\"match\":\"2\"}]}"), "choices");
    assert_string_equal(check("{\"type\":\"matching\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\",\"match\":\"1\"},"
                              "{\"text\":\"b\"}]}"), "choices");
    assert_string_equal(check("{\"type\":\"ordering\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\"}]}"), "choices");
    assert_string_equal(check("{\"type\":\"cloze\",\"text\":\"Q\",\"choices\":[]}"), "ngaps");
    assert_string_equal(check("{\"type\":\"cloze\",\"text\":\"{#1} {#2}\",\"ngaps\":2,\"choices\":[{\"gap\":0,\"text\":\"x\","
                              "\"weight\":1000}]}"), "choices");
    assert_string_equal(check("{\"type\":\"cloze\",\"text\":\"{#1}\",\"ngaps\":1,\"choices\":[{\"gap\":0,\"text\":\"x\","
                              "\"weight\":1000},{\"gap\":0,\"gap_type\":\"numeric\",\"value\":1,\"weight\":1000}]}"), "choices");
    assert_string_equal(check("{\"type\":\"essay\",\"text\":\"Q\",\"choices\":[{\"text\":\"a\"}]}"), "choices");
    assert_string_equal(check("{\"type\":\"description\",\"text\":\"Q\",\"points\":1000}"), "points");
}

static int64_t ids_of(int64_t unit, int64_t *ids)
{
    QuizItems qi;
    assert_int_equal(quiz_items_load(db, arena, unit, &qi), LN_OK);
    for (int i = 0; i < qi.n; i++) ids[i] = qi.items[i].id;
    return qi.n;
}

static void test_add_edit_order(void **state)
{
    (void)state;
    int64_t unit = add_quiz(NULL), ids[8], id, nid;
    Item a = J("{\"type\":\"essay\",\"text\":\"A\"}"), b = J("{\"type\":\"essay\",\"text\":\"B\"}"),
         c = J("{\"type\":\"essay\",\"text\":\"C\"}");
    UsTime now = time_now_us();
    assert_int_equal(quiz_item_add(db, org, unit, &a, now, &id), LN_OK);
    assert_int_equal(quiz_item_add(db, org, unit, &b, now, &id), LN_OK);
    assert_int_equal(quiz_item_add(db, org, unit, &c, now, &id), LN_OK);
    assert_int_equal(ids_of(unit, ids), 3);
    /* an edit: a new row at the same place, the old one kept (retired) */
    Item b2 = J("{\"type\":\"essay\",\"text\":\"B2\"}");
    assert_int_equal(quiz_item_edit(db, org, unit, ids[1], &b2, now, &nid), LN_OK);
    int64_t after[8];
    assert_int_equal(ids_of(unit, after), 3);
    assert_true(after[1] == nid && nid != ids[1]);
    int64_t retired = 0;
    assert_int_equal(db_query_i64(db, &retired, "SELECT count(*) FROM quiz_item WHERE id = $1 AND retired_at IS NOT NULL",
                                  "i", ids[1]), DB_ROW);
    assert_int_equal(retired, 1);
    assert_int_equal(quiz_item_edit(db, org, unit, ids[1], &b2, now, &nid), LN_NOTFOUND);
    /* another quiz's item is not this quiz's */
    int64_t other = add_quiz(NULL);
    assert_int_equal(quiz_item_edit(db, org, other, after[0], &b2, now, &nid), LN_NOTFOUND);
    assert_int_equal(quiz_item_remove(db, other, after[0], now), LN_NOTFOUND);
    assert_int_equal(quiz_item_move(db, other, after[0], 1), LN_NOTFOUND);
    /* move and order */
    assert_int_equal(quiz_item_move(db, unit, after[0], 5), LN_OK);     /* clamped: to the end */
    int64_t moved[8];
    ids_of(unit, moved);
    assert_true(moved[0] == after[1] && moved[1] == after[2] && moved[2] == after[0]);
    int64_t order[3] = {after[2], after[0], after[1]}, bad[3] = {after[2], after[2], after[1]};
    assert_int_equal(quiz_item_order(db, unit, bad, 3), LN_EINVAL);
    assert_int_equal(quiz_item_order(db, unit, order, 2), LN_EINVAL);
    assert_int_equal(quiz_item_order(db, unit, order, 3), LN_OK);
    ids_of(unit, moved);
    assert_memory_equal(moved, order, sizeof order);
    assert_int_equal(quiz_item_remove(db, unit, order[1], now), LN_OK);
    assert_int_equal(ids_of(unit, moved), 2);
    assert_int_equal(quiz_item_remove(db, unit, order[1], now), LN_NOTFOUND);
}

static const char POOLS[] =
    "$CATEGORY: easy\n::E1::e1 {}\n\n::E2::e2 {}\n\n::E3::e3 {}\n\n"
    "$CATEGORY: hard\n::H1::h1 {}\n\n::H2::h2 {}\n\n"
    "$CATEGORY:\n::Always::always {}\n\n"
    "$CATEGORY: easy\n::E4::e4 {}\n";

static void test_pools(void **state)
{
    (void)state;
    int64_t unit = add_quiz(POOLS);
    QuizItems qi;
    assert_int_equal(quiz_items_load(db, arena, unit, &qi), LN_OK);
    assert_int_equal(qi.n, 7);
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.draw_count = 1;
    qs.draw_per_pool = true;
    assert_int_equal(quiz_drawn_count(&qs, &qi), 3);       /* one easy, one hard, "Always" */
    int seen[7] = {0}, out[7];
    for (int round = 0; round < 200; round++) {
        int k = quiz_draw_items(&qs, &qi, out);
        assert_int_equal(k, 3);
        int easy = 0, hard = 0, always = 0;
        for (int i = 0; i < k; i++) {
            const Item *it = &qi.items[out[i]].item;
            seen[out[i]]++;
            if (i) assert_true(out[i] > out[i - 1]);                 /* the quiz's order */
            if (!it->category) always++;
            else if (str_eq(it->category, "easy")) easy++;
            else if (str_eq(it->category, "hard")) hard++;
        }
        assert_true(easy == 1 && hard == 1 && always == 1);
    }
    for (int i = 0; i < 7; i++) assert_true(seen[i] > 0);              /* every question comes up */
    /* more than a pool holds: all of it */
    qs.draw_count = 3;
    assert_int_equal(quiz_drawn_count(&qs, &qi), 3 + 2 + 1);
    assert_int_equal(quiz_draw_items(&qs, &qi, out), 6);
    /* without pools: draw_count from the whole quiz, as before */
    qs.draw_per_pool = false;
    assert_int_equal(quiz_drawn_count(&qs, &qi), 3);
    assert_int_equal(quiz_draw_items(&qs, &qi, out), 3);
    qs.draw_count = 0;
    qs.draw_per_pool = true;
    assert_int_equal(quiz_draw_items(&qs, &qi, out), 7);
    /* the setting is stored */
    qs.draw_count = 2;
    assert_int_equal(quiz_settings_set(db, org, unit, &qs, time_now_us()), LN_OK);
    QuizSettings back;
    assert_int_equal(quiz_settings_get(db, arena, unit, &back), LN_OK);
    assert_true(back.draw_per_pool);
    assert_int_equal(back.draw_count, 2);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item_check),
        cmocka_unit_test(test_add_edit_order),
        cmocka_unit_test(test_pools),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
