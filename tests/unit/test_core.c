/* test_core.c — arena, buffers, strings, UTF-8, time, HTML escaping,
 * translations, validation rules. */
#include "testutil.h"
#include "account/account.h"
#include "http/dispatch.h"
#include "web/html.h"
#include "web/i18n.h"

#include <limits.h>
#include <sodium.h>

static void test_arena(void **state)
{
    Arena *a = arena_new();
    char *s = arena_strdup(a, "hello");
    assert_string_equal(s, "hello");
    void *big = arena_alloc(a, 100000);     /* a block of its own */
    memset(big, 1, 100000);
    for (int i = 0; i < 10000; i++) assert_non_null(arena_alloc(a, 24));
    assert_string_equal(arena_printf(a, "%d-%s", 7, "x"), "7-x");
    assert_true(((uintptr_t)arena_alloc(a, 3) & 15) == 0);
    arena_free(a);
}

static void test_buf_limit(void **state)
{
    Buf b;
    buf_init(&b, 10);
    assert_true(buf_puts(&b, "12345"));
    assert_true(buf_printf(&b, "%d", 6789));
    assert_false(buf_puts(&b, "ab"));   /* 11 > 10 */
    assert_true(b.over);
    assert_string_equal(buf_cstr(&b), "123456789");
    buf_free(&b);
}

static void test_str_to_i64(void **state)
{
    int64_t v;
    assert_true(str_to_i64("42", &v) && v == 42);
    assert_true(str_to_i64("-7", &v) && v == -7);
    assert_false(str_to_i64("", &v));
    assert_false(str_to_i64("4x", &v));
    assert_false(str_to_i64(" 4", &v));
    assert_false(str_to_i64("99999999999999999999", &v));
}

static void test_utf8(void **state)
{
    assert_true(utf8_valid("Élodie François", strlen("Élodie François")));
    assert_false(utf8_valid("\xc3", 1));                /* truncated */
    assert_false(utf8_valid("\xc0\xaf", 2));            /* overlong */
    assert_false(utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
    assert_false(utf8_valid("a\0b", 3));                /* NUL */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4));    /* > U+10FFFF */
    assert_int_equal(utf8_len("Élodie"), 6);
}

static void test_fold(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(str_fold(a, "Élodie Benoît-Çœur ÆSS"), "elodie benoit-coeur aess");
    assert_string_equal(str_fold(a, "François"), "francois");
    assert_string_equal(str_fold(a, "日本"), "日本");
    assert_string_equal(str_fold(a, NULL), "");
    arena_free(a);
}

static void test_html_escaping(void **state)
{
    Req *r = req_new(NULL);
    hprintf(r, "<p title=\"%s\">%s %d %lld</p>", "\"><script>", "<b>&'", 5, (long long)-9);
    assert_string_equal(buf_cstr(&r->out),
                        "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&#39; 5 -9</p>");
    buf_reset(&r->out);
    html_lit(r, "<hr>");
    html_text(r, "<i>");
    assert_string_equal(buf_cstr(&r->out), "<hr>&lt;i&gt;");
    /* numbers formatted by hand, and through snprintf when they have a width */
    buf_reset(&r->out);
    hprintf(r, "%d %d %ld %lld %lld %u %zu %zu %03d %x%%", INT_MIN, 0, -7L, LLONG_MIN, LLONG_MAX, UINT_MAX,
            (size_t)0, SIZE_MAX, 7, 255);
    char want[200];
    snprintf(want, sizeof want, "%d %d %ld %lld %lld %u %zu %zu %03d %x%%", INT_MIN, 0, -7L, LLONG_MIN, LLONG_MAX,
             UINT_MAX, (size_t)0, SIZE_MAX, 7, 255);
    assert_string_equal(buf_cstr(&r->out), want);
    req_free(r);
}

static void test_i18n(void **state)
{
    assert_string_equal(i18n_get("en", "Sign in"), "Sign in");
    assert_string_not_equal(i18n_get("fr", "Sign in"), "Sign in");
    assert_string_equal(i18n_get("fr", "no such message, kept as is"), "no such message, kept as is");
    assert_true(i18n_count("fr") > 50);
    assert_null(i18n_supported("de"));
    assert_string_equal(i18n_supported("fr"), "fr");
}

static void test_validation(void **state)
{
    assert_null(check_email("elodie@example.org"));
    assert_non_null(check_email("elodie@"));
    assert_non_null(check_email("@example.org"));
    assert_non_null(check_email("a b@example.org"));
    assert_non_null(check_email("a@b@example.org"));
    assert_non_null(check_email("<script>@x.org"));
    assert_null(check_password("correct horse"));
    assert_non_null(check_password("short"));
    assert_null(check_password("éééééééééé"));      /* 10 characters, 20 bytes */
    assert_non_null(check_name(""));
    assert_non_null(check_name("a\nb"));
    assert_null(check_name("Nadia Benoît-Élise"));
    assert_int_equal(role_parse("trainer"), ROLE_TRAINER);
    assert_int_equal(role_parse("root"), ROLE_NONE);
}

static void test_secrets(void **state)
{
    char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1], h[HASH_HEX];
    token_random(a);
    token_random(b);
    assert_int_equal(strlen(a), TOKEN_CHARS);
    assert_string_not_equal(a, b);
    token_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    char pw[256];
    assert_int_equal(password_hash("correct horse battery", pw, sizeof pw), LN_OK);
    assert_true(str_startswith(pw, "$argon2id$"));
    assert_true(password_verify(pw, "correct horse battery"));
    assert_false(password_verify(pw, "correct horse batterx"));
    assert_false(password_verify("", "x"));
    assert_true(str_ct_eq("same", "same"));
    assert_false(str_ct_eq("same", "sane"));
    assert_false(str_ct_eq("same", "same!"));
}

static void test_time(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(time_iso(a, INT64_C(1795889191) * US_PER_SEC), "2026-11-28T18:06:31Z");
    char d[40];
    time_http_date(INT64_C(1795889191) * US_PER_SEC, d, sizeof d);
    assert_string_equal(d, "Sat, 28 Nov 2026 18:06:31 GMT");
    arena_free(a);
}

static void test_time_parse_iso(void **state)
{
    UsTime t;
    assert_true(time_parse_iso("2026-12-01T09:30:00Z", &t));
    assert_int_equal(t, INT64_C(1796117400) * US_PER_SEC);
    assert_true(time_parse_iso("2026-12-01T09:30", &t));         /* datetime-local: read as UTC */
    assert_int_equal(t, INT64_C(1796117400) * US_PER_SEC);
    assert_true(time_parse_iso("2026-12-01", &t));
    assert_int_equal(t, INT64_C(1796083200) * US_PER_SEC);
    assert_true(time_parse_iso("2026-12-01T09:30:00.250Z", &t));  /* JavaScript's toISOString */
    assert_int_equal(t, INT64_C(1796117400) * US_PER_SEC + 250000);
    const char *bad[] = {"", "2026-13-01", "2026-02-30", "2026-12-01T25:00", "2026-12-01T09:30:00+01:00",
                         "tomorrow", "2026-12-1", "2026-12-01T09:30:00.Z", "1969-12-31"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_false(time_parse_iso(bad[i], &t));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_buf_limit),
        cmocka_unit_test(test_str_to_i64),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_i18n),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_time_parse_iso),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
