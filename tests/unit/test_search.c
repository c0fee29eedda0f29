/* test_search.c — the catalog's full-text search: words (search_words),
 * the engine queries built from what a person typed (search_query), the
 * per-backend sections of migrations (db_expand), and the index kept by
 * course_search_index / course_search_backfill, read by catalog_search.
 * The storage tests run on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "catalog/catalog.h"
#include "catalog/search.h"
#include "content/content.h"
#include "org/org.h"

static char *words(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b, 0);
    search_words(a, &b, s);
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* ======================================================================
 * Words
 * ==================================================================== */

static void test_words_fold_and_split(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(words(a, "Sécurité au TRAVAIL"), "securite au travail");
    assert_string_equal(words(a, "SAFE-101: l'équipe, l’usine (v2.5)"), "safe 101 l equipe l usine v2 5");
    assert_string_equal(words(a, "Élodie Benoît — Œuvre"), "elodie benoit oeuvre");
    assert_string_equal(words(a, "Łódź Ŝtěpán Ĳssel"), "lodz stepan ijssel");
    assert_string_equal(words(a, "ΑΘΗΝΑ Москва"), "αθηνα москва");
    /* Combining accents (decomposed text) and soft hyphens are dropped. */
    assert_string_equal(words(a, "Se\xcc\x81" "curite\xcc\x81 infor\xc2\xadmation"), "securite information");
    /* Spaces, symbols, emoji, invalid bytes separate. */
    assert_string_equal(words(a, "a\xc2\xa0" "b\xe2\x80\x8b" "c\xf0\x9f\x98\x80" "d\xff" "e\xc3" "f\xe2\x82\xac" "g"),
                        "a b c d e f g");
    assert_string_equal(words(a, "日本語 テキスト"), "日本語 テキスト");
    assert_string_equal(words(a, ""), "");
    assert_string_equal(words(a, NULL), "");
    assert_string_equal(words(a, " \"*()-'  "), "");
    arena_free(a);
}

static void test_words_cut_and_ceiling(void **state)
{
    Arena *a = arena_new();
    char longw[200];
    memset(longw, 'x', sizeof longw - 1);
    longw[sizeof longw - 1] = 0;
    assert_int_equal(strlen(words(a, longw)), SEARCH_WORD_MAX);
    /* A cut never splits a character. */
    char *e = arena_alloc(a, 2 * 100 + 1);
    for (int i = 0; i < 100; i++) memcpy(e + 2 * i, "\xd0\xb6", 2);     /* ж */
    char *w = words(a, e);
    assert_true(strlen(w) <= SEARCH_WORD_MAX && strlen(w) % 2 == 0);
    assert_true(utf8_valid(w, strlen(w)));
    /* Under a ceiling, whole words only. */
    Buf b;
    buf_init(&b, 12);
    search_words(a, &b, "alpha beta gamma delta");
    assert_string_equal(buf_cstr(&b), "alpha beta");
    buf_free(&b);
    arena_free(a);
}

/* ======================================================================
 * Queries
 * ==================================================================== */

static void test_query_sqlite(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(search_query(a, DB_SQLITE, "Safe"), "\"safe\"*");
    assert_string_equal(search_query(a, DB_SQLITE, "  sécu  ÉLODIE "), "\"secu\"* \"elodie\"*");
    /* FTS5 syntax is only words. */
    assert_string_equal(search_query(a, DB_SQLITE, "\"ab\" AND bc* NEAR(cd de) -ef ^fg gh:hi {ij jk}"),
                        "\"ab\"* \"and\"* \"bc\"* \"near\"* \"cd\"* \"de\"* \"ef\"* \"fg\"* \"gh\"* \"hi\"* \"ij\"* \"jk\"*");
    /* One character before the last word: a whole word; last: a prefix. */
    assert_string_equal(search_query(a, DB_SQLITE, "l'équipe"), "\"l\" \"equipe\"*");
    assert_string_equal(search_query(a, DB_SQLITE, "C++ é"), "\"c\" \"e\"*");
    assert_string_equal(search_query(a, DB_SQLITE, "s"), "\"s\"*");
    assert_string_equal(search_query(a, DB_SQLITE, "日 本"), "\"日\" \"本\"*");
    assert_null(search_query(a, DB_SQLITE, NULL));
    assert_null(search_query(a, DB_SQLITE, ""));
    assert_null(search_query(a, DB_SQLITE, "\"*()-+^:{}"));
    arena_free(a);
}

static void test_query_postgres(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(search_query(a, DB_POSTGRES, "Safe"), "'safe':*");
    assert_string_equal(search_query(a, DB_POSTGRES, "sécu élodie"), "'secu':* & 'elodie':*");
    assert_string_equal(search_query(a, DB_POSTGRES, "ab & !bc | (cd <-> de) 'ef':* \\fg"),
                        "'ab':* & 'bc':* & 'cd':* & 'de':* & 'ef':* & 'fg':*");
    assert_string_equal(search_query(a, DB_POSTGRES, "d'accord x"), "'d' & 'accord':* & 'x':*");
    assert_null(search_query(a, DB_POSTGRES, "'&|!():*<->\\"));
    arena_free(a);
}

static void test_query_word_limit(void **state)
{
    Arena *a = arena_new();
    Buf q;
    buf_init(&q, 0);
    for (int i = 0; i < 40; i++) buf_printf(&q, "w%d ", i);
    char *s = search_query(a, DB_SQLITE, buf_cstr(&q));
    int n = 0;
    for (char *p = s; (p = strchr(p, '*')); p++) n++;     /* words of two characters: prefixes */
    assert_int_equal(n, SEARCH_QUERY_WORDS);
    buf_free(&q);
    arena_free(a);
}

/* ======================================================================
 * Per-backend sections of migrations
 * ==================================================================== */

static void test_expand_sections(void **state)
{
    const char *src = "CREATE TABLE a (id {{ID}});\n"
                      "-- @sqlite\n"
                      "CREATE VIRTUAL TABLE s USING fts5(x);\n"
                      "-- @postgres  \r\n"
                      "CREATE TABLE s (id {{ID}}, doc TSVECTOR);\n"
                      "-- @all\n"
                      "CREATE TABLE b (x {{BLOB}});\n"
                      "-- @sqlite is not a marker in this line\n";
    char *lite = db_expand(DB_SQLITE, src), *pg = db_expand(DB_POSTGRES, src);
    assert_string_equal(lite, "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
                              "CREATE VIRTUAL TABLE s USING fts5(x);\n"
                              "CREATE TABLE b (x BLOB);\n"
                              "-- @sqlite is not a marker in this line\n");
    assert_string_equal(pg, "CREATE TABLE a (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\n"
                            "CREATE TABLE s (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, doc TSVECTOR);\n"
                            "CREATE TABLE b (x BYTEA);\n"
                            "-- @sqlite is not a marker in this line\n");
    free(lite);
    free(pg);
    /* Without sections and without a final newline: as before. */
    char *plain = db_expand(DB_SQLITE, "SELECT 1");
    assert_string_equal(plain, "SELECT 1");
    free(plain);
}

/* ======================================================================
 * The index, on the test database
 * ==================================================================== */

static Db *db;
static int64_t org_id;

static int db_setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    char slug[48];
    snprintf(slug, sizeof slug, "search-%d", (int)getpid());
    return org_create(db, slug, "Search", false, time_now_us(), &org_id) == LN_OK ? 0 : -1;
}

static int db_teardown(void **state)
{
    db_close(db);
    return 0;
}

static int64_t mk_course(const char *code, const char *title, const char *summary, const char *objectives)
{
    CourseInput in = {.code = code, .title = title, .summary = summary, .objectives = objectives, .lang = "en",
                      .estimated_minutes = 30, .published = 1};
    int64_t id = 0;
    assert_int_equal(course_create(db, org_id, &in, 0, time_now_us(), &id), LN_OK);
    Course c = {.id = id, .org_id = org_id};
    int64_t run;
    assert_int_equal(run_create(db, &c, "Open", "mooc", 0, 0, 0, time_now_us(), &run), LN_OK);
    return id;
}

/* The ids `q` finds, in order, as "1,2,3". */
static char *found(Arena *a, const char *q)
{
    CatalogQuery cq = {.q = q};
    CourseList cl;
    assert_int_equal(catalog_search(db, a, 0, &cq, &cl), LN_OK);
    Buf b;
    buf_init(&b, 0);
    for (int i = 0; i < cl.n; i++) buf_printf(&b, "%s%lld", i ? "," : "", (long long)cl.items[i].id);
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

static void test_index_course_and_outline(void **state)
{
    Arena *a = arena_new();
    char tag[32], q[96];
    snprintf(tag, sizeof tag, "qx%dzz", (int)getpid());
    int64_t id = mk_course(arena_printf(a, "IDX-%d", (int)getpid()), arena_printf(a, "Incendie %s", tag),
                           "Évacuer les locaux.", "Utiliser un extincteur.");
    char *idstr = arena_printf(a, "%lld", (long long)id);
    snprintf(q, sizeof q, "%s evacu", tag);
    assert_string_equal(found(a, q), idstr);
    snprintf(q, sizeof q, "%s EXTINCT", tag);
    assert_string_equal(found(a, q), idstr);

    /* Sections and units: found once the course is indexed again, as the
     * content module does after a change. */
    Course c = {.id = id, .org_id = org_id};
    int64_t sid, uid;
    SectionInput si = {.title = "Points de rassemblement", .release_days = -1};
    assert_int_equal(section_create(db, &c, &si, time_now_us(), &sid), LN_OK);
    UnitInput ui = {.kind = "text", .title = "Le registre", .section_id = sid, .minutes = 3, .duration_s = -1,
                    .threshold = -1, .required = 1,
                    .body = "## Consignes\n\nAppeler le **standardiste** puis [le plan](https://example.org/zeppelin)."};
    assert_int_equal(unit_create(db, &c, &ui, time_now_us(), &uid), LN_OK);
    snprintf(q, sizeof q, "%s rassemblement", tag);
    assert_string_equal(found(a, q), "");
    assert_int_equal(course_search_index(db, id), LN_OK);
    assert_string_equal(found(a, q), idstr);
    snprintf(q, sizeof q, "%s registre standardiste", tag);
    assert_string_equal(found(a, q), idstr);
    snprintf(q, sizeof q, "%s zeppelin", tag);
    assert_string_equal(found(a, q), "");       /* a link's URL is not text */
    /* Indexing again replaces the row: still one result. */
    assert_int_equal(course_search_index(db, id), LN_OK);
    assert_string_equal(found(a, tag), idstr);
    /* A course that does not exist: nothing to index. */
    assert_int_equal(course_search_index(db, 987654321), LN_NOTFOUND);
    arena_free(a);
}

static void test_backfill(void **state)
{
    Arena *a = arena_new();
    char tag[32];
    snprintf(tag, sizeof tag, "bf%dzz", (int)getpid());
    int64_t id = mk_course(arena_printf(a, "BF-%d", (int)getpid()), arena_printf(a, "Backfilled %s", tag), "", "");
    char *idstr = arena_printf(a, "%lld", (long long)id);
    assert_string_equal(found(a, tag), idstr);
    /* As for a course made before migration 007: no row, not found. */
    assert_int_equal(db_run(db, db_kind(db) == DB_SQLITE ? "DELETE FROM course_search WHERE rowid = $1"
                                                         : "DELETE FROM course_search WHERE course_id = $1",
                            "i", id), DB_DONE);
    assert_string_equal(found(a, tag), "");
    assert_true(course_search_backfill(db) >= 1);
    assert_string_equal(found(a, tag), idstr);
    assert_int_equal(course_search_backfill(db), 0);
    arena_free(a);
}

static void test_ranking_and_hostile(void **state)
{
    Arena *a = arena_new();
    char tag[32], q[128];
    snprintf(tag, sizeof tag, "rk%dzz", (int)getpid());
    int64_t body = mk_course(arena_printf(a, "RK1-%d", (int)getpid()), arena_printf(a, "Alpha %s", tag),
                             "", "Know the lockout procedure.");
    int64_t summ = mk_course(arena_printf(a, "RK2-%d", (int)getpid()), arena_printf(a, "Beta %s", tag),
                             "Lockout, tagout: lockout first.", "");
    int64_t title = mk_course(arena_printf(a, "RK3-%d", (int)getpid()), arena_printf(a, "Lockout %s", tag), "", "");
    snprintf(q, sizeof q, "%s lockout", tag);
    assert_string_equal(found(a, q), arena_printf(a, "%lld,%lld,%lld", (long long)title, (long long)summ, (long long)body));
    /* The tag alone is in all three titles. */
    assert_int_equal(strlen(found(a, tag)), strlen(arena_printf(a, "%lld,%lld,%lld", (long long)body, (long long)summ, (long long)title)));
    static const char *hostile[] = {"\"", "*", "AND", "-x", "NEAR(", "a OR", "'", "\\", "x:*", "!", "(", ")", "&|",
                                    "'; DROP TABLE course; --", "\xff\xfe", "\xcc\x81"};
    for (size_t i = 0; i < LN_ARRAY_LEN(hostile); i++) {
        CatalogQuery cq = {.q = hostile[i]};
        CourseList cl;
        assert_int_equal(catalog_search(db, a, 0, &cq, &cl), LN_OK);
        snprintf(q, sizeof q, "%s %s", tag, hostile[i]);
        cq.q = q;
        assert_int_equal(catalog_search(db, a, 0, &cq, &cl), LN_OK);
    }
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_fold_and_split),
        cmocka_unit_test(test_words_cut_and_ceiling),
        cmocka_unit_test(test_query_sqlite),
        cmocka_unit_test(test_query_postgres),
        cmocka_unit_test(test_query_word_limit),
        cmocka_unit_test(test_expand_sections),
        cmocka_unit_test(test_index_course_and_outline),
        cmocka_unit_test(test_backfill),
        cmocka_unit_test(test_ranking_and_hostile),
    };
    return cmocka_run_group_tests_name("search", tests, db_setup, db_teardown);
}
