/* test_parse.c — the request-piece parsers of src/http/parse.c. */
#include "testutil.h"
#include "http/parse.h"

/* Each test gets a fresh arena through cmocka's state. */
static int arena_setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int arena_teardown(void **state)
{
    arena_free(*state);
    return 0;
}

/* A string literal with its length, NULs included. */
#define LIT(s) (s), (sizeof(s) - 1)

/* Exactly n bytes in their own heap block, so reading past n is caught by
 * AddressSanitizer.  Caller frees. */
static char *exact_copy(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

static const Param *param_at(const Params *p, int i)
{
    const Param *e = p->head;
    while (e && i--) e = e->next;
    assert_non_null(e);
    return e;
}

/* ======================================================================
 * url_decode / url_encode
 * ==================================================================== */

static void test_url_decode_basic(void **state)
{
    Arena *a = *state;
    char *out;
    size_t len;
    assert_int_equal(url_decode(a, LIT("two%20words%4a%4B"), false, &out, &len), LN_OK);
    assert_string_equal(out, "two wordsJK");
    assert_int_equal(len, 11);
    assert_int_equal(url_decode(a, "", 0, true, &out, &len), LN_OK);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    assert_int_equal(url_decode(a, LIT("%C3%A9t%C3%A9"), false, &out, &len), LN_OK);
    assert_string_equal(out, "\xC3\xA9t\xC3\xA9");
}

static void test_url_decode_plus(void **state)
{
    Arena *a = *state;
    char *out;
    size_t len;
    assert_int_equal(url_decode(a, LIT("a+b%2Bc"), true, &out, &len), LN_OK);
    assert_string_equal(out, "a b+c");
    assert_int_equal(url_decode(a, LIT("a+b%2Bc"), false, &out, &len), LN_OK);
    assert_string_equal(out, "a+b+c");
}

static void test_url_decode_bad_escapes(void **state)
{
    Arena *a = *state;
    static const char *const bad[] = {"%", "%4", "%zz", "%4g", "%g4", "abc%", "ab%2", "%%41", "% 41"};
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        char *out = (char *)"x";
        size_t len = 99;
        assert_int_equal(url_decode(a, bad[i], strlen(bad[i]), false, &out, &len), LN_EINVAL);
        assert_null(out);
        assert_int_equal(len, 0);
    }
}

static void test_url_decode_nul_and_bounds(void **state)
{
    Arena *a = *state;
    char *out;
    size_t len;
    assert_int_equal(url_decode(a, LIT("a%00b"), false, &out, &len), LN_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "a\0b", 4);
    /* Only n bytes count: "%41" cut to two bytes is a truncated escape. */
    char *s = exact_copy("%41", 2);
    assert_int_equal(url_decode(a, s, 2, false, &out, &len), LN_EINVAL);
    free(s);
    s = exact_copy("abcdef", 3);
    assert_int_equal(url_decode(a, s, 3, false, &out, &len), LN_OK);
    assert_string_equal(out, "abc");
    free(s);
}

static void test_url_encode(void **state)
{
    Arena *a = *state;
    assert_string_equal(url_encode(a, "a b/\xC3\xBC~-._Z9"), "a%20b%2F%C3%BC~-._Z9");
    assert_string_equal(url_encode(a, "&=+%?#"), "%26%3D%2B%25%3F%23");
    assert_string_equal(url_encode(a, ""), "");
    const char *orig = "x=1&y=\"quoted\" \xE2\x82\xAC";
    char *out;
    size_t len;
    assert_int_equal(url_decode(a, url_encode(a, orig), strlen(url_encode(a, orig)), true, &out, &len), LN_OK);
    assert_string_equal(out, orig);
}

/* ======================================================================
 * params_add / params_get
 * ==================================================================== */

static void test_params_add_get(void **state)
{
    Arena *a = *state;
    Params p = {0};
    char name[] = "k", value[] = "v1";
    params_add(a, &p, name, value, 2);
    name[0] = 'z';
    value[0] = 'z';                         /* the list holds copies */
    params_add(a, &p, "k", "v2", 2);
    params_add(a, &p, "bin", "a\0b", 3);
    assert_int_equal(p.count, 3);
    assert_string_equal(params_get(&p, "k"), "v1");   /* first wins */
    assert_null(params_get(&p, "z"));
    assert_null(params_get(&p, NULL));
    assert_null(params_get(NULL, "k"));
    const Param *bin = param_at(&p, 2);
    assert_int_equal(bin->value_len, 3);
    assert_memory_equal(bin->value, "a\0b", 3);
    assert_false(bin->utf8_ok);
    assert_true(param_at(&p, 0)->utf8_ok);
    assert_ptr_equal(p.tail, bin);
}

/* ======================================================================
 * parse_query
 * ==================================================================== */

static void test_query_basic(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("a=1&b=two%20words&c=x+y"), &p, 10), LN_OK);
    assert_int_equal(p.count, 3);
    assert_string_equal(params_get(&p, "a"), "1");
    assert_string_equal(params_get(&p, "b"), "two words");
    assert_string_equal(params_get(&p, "c"), "x y");
    assert_string_equal(param_at(&p, 0)->name, "a");
    assert_string_equal(param_at(&p, 2)->name, "c");
    assert_true(param_at(&p, 1)->utf8_ok);
}

static void test_query_empty_pairs(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("&&a=1&&&b=&flag&=orphan&"), &p, 10), LN_OK);
    assert_int_equal(p.count, 3);
    assert_string_equal(params_get(&p, "a"), "1");
    assert_string_equal(params_get(&p, "b"), "");
    assert_string_equal(params_get(&p, "flag"), "");
    assert_int_equal(param_at(&p, 2)->value_len, 0);
    Params q = {0};
    assert_int_equal(parse_query(a, "", 0, &q, 10), LN_OK);
    assert_int_equal(parse_query(a, NULL, 0, &q, 10), LN_OK);
    assert_int_equal(parse_query(a, LIT("&&&"), &q, 0), LN_OK);
    assert_int_equal(q.count, 0);
    assert_null(q.head);
}

static void test_query_plus_and_equals(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("q=a+b%2Bc&e=x=y&sp%20ace+d=1"), &p, 10), LN_OK);
    assert_string_equal(params_get(&p, "q"), "a b+c");
    assert_string_equal(params_get(&p, "e"), "x=y");         /* split at the first '=' */
    assert_string_equal(params_get(&p, "sp ace d"), "1");
}

static void test_query_bad_escape(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("a=1&b=%zz"), &p, 10), LN_EINVAL);
    assert_int_equal(parse_query(a, LIT("a=1&b%=2"), &p, 10), LN_EINVAL);
    assert_int_equal(parse_query(a, LIT("a=1&b=%4"), &p, 10), LN_EINVAL);
    assert_int_equal(parse_query(a, LIT("a=%"), &p, 10), LN_EINVAL);
    assert_int_equal(p.count, 0);           /* nothing half-parsed */
    assert_null(p.head);
}

static void test_query_limit(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("a=1&b=2&c=3"), &p, 2), LN_ELIMIT);
    assert_int_equal(p.count, 0);
    assert_int_equal(parse_query(a, LIT("a=1&b=2&c=3"), &p, 3), LN_OK);
    assert_int_equal(p.count, 3);
    /* Empty pairs do not count against the limit. */
    Params q = {0};
    assert_int_equal(parse_query(a, LIT("a=1&&&&b=2&"), &q, 2), LN_OK);
    assert_int_equal(q.count, 2);
    assert_int_equal(parse_query(a, LIT("x=1"), &q, 0), LN_ELIMIT);
}

static void test_query_appends(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("a=1"), &p, 10), LN_OK);
    assert_int_equal(parse_query(a, LIT("a=2&b=3"), &p, 2), LN_OK);  /* limit is per call */
    assert_int_equal(p.count, 3);
    assert_string_equal(params_get(&p, "a"), "1");
    assert_string_equal(param_at(&p, 1)->value, "2");
    assert_ptr_equal(p.tail, param_at(&p, 2));
}

static void test_query_utf8_and_nul(void **state)
{
    Arena *a = *state;
    Params p = {0};
    assert_int_equal(parse_query(a, LIT("ok=%C3%A9&bad=%FF&nul=a%00b&%FE=x&raw=\xC3\xA9"), &p, 10),
                     LN_OK);
    assert_true(param_at(&p, 0)->utf8_ok);
    assert_false(param_at(&p, 1)->utf8_ok);
    const Param *nul = param_at(&p, 2);
    assert_false(nul->utf8_ok);
    assert_int_equal(nul->value_len, 3);
    assert_memory_equal(nul->value, "a\0b", 3);
    assert_false(param_at(&p, 3)->utf8_ok);   /* bad name */
    assert_true(param_at(&p, 4)->utf8_ok);
    assert_string_equal(param_at(&p, 4)->value, "\xC3\xA9");
}

static void test_query_bounded(void **state)
{
    Arena *a = *state;
    Params p = {0};
    char *s = exact_copy("a=1&b=2", 5);      /* "a=1&b" */
    assert_int_equal(parse_query(a, s, 5, &p, 10), LN_OK);
    free(s);
    assert_int_equal(p.count, 2);
    assert_string_equal(params_get(&p, "a"), "1");
    assert_string_equal(params_get(&p, "b"), "");
}

/* ======================================================================
 * parse_cookies
 * ==================================================================== */

static void test_cookies_basic(void **state)
{
    Arena *a = *state;
    Params p = {0};
    const char *h = "sid=abc123; theme=dark;lang=fr";
    assert_int_equal(parse_cookies(a, h, strlen(h), &p, 10), LN_OK);
    assert_int_equal(p.count, 3);
    assert_string_equal(params_get(&p, "sid"), "abc123");
    assert_string_equal(params_get(&p, "theme"), "dark");
    assert_string_equal(params_get(&p, "lang"), "fr");
}

static void test_cookies_quoted(void **state)
{
    Arena *a = *state;
    Params p = {0};
    const char *h = "q=\"hello\"; e=\"\"; v=a%20b; eq=x=y==";
    assert_int_equal(parse_cookies(a, h, strlen(h), &p, 10), LN_OK);
    assert_string_equal(params_get(&p, "q"), "hello");
    assert_string_equal(params_get(&p, "e"), "");
    assert_string_equal(params_get(&p, "v"), "a%20b");      /* not decoded */
    assert_string_equal(params_get(&p, "eq"), "x=y==");     /* base64 padding kept */
}

static void test_cookies_junk(void **state)
{
    Arena *a = *state;
    Params p = {0};
    const char *h = " ;; ; =novalue; noequals; a=1 ;\tb =\t2\t; bad name=x; "
                    "u=\"unterminated; l=\"; m=in\"side; c=\x01; d=\"x\"y\"; z=last ";
    assert_int_equal(parse_cookies(a, h, strlen(h), &p, 20), LN_OK);
    assert_int_equal(p.count, 3);
    assert_string_equal(param_at(&p, 0)->name, "a");
    assert_string_equal(param_at(&p, 0)->value, "1");
    assert_string_equal(param_at(&p, 1)->name, "b");
    assert_string_equal(param_at(&p, 1)->value, "2");
    assert_string_equal(param_at(&p, 2)->name, "z");
    assert_string_equal(param_at(&p, 2)->value, "last");
}

static void test_cookies_nul_and_bounds(void **state)
{
    Arena *a = *state;
    Params p = {0};
    const char h[] = "a=1\0x; b=2; c=3";
    char *s = exact_copy(h, sizeof h - 1 - 5);   /* ends after "b=2" */
    assert_int_equal(parse_cookies(a, s, sizeof h - 1 - 5, &p, 10), LN_OK);
    free(s);
    assert_int_equal(p.count, 1);
    assert_string_equal(params_get(&p, "b"), "2");
    assert_int_equal(parse_cookies(a, NULL, 0, &p, 10), LN_OK);
    assert_int_equal(parse_cookies(a, "", 0, &p, 10), LN_OK);
    assert_int_equal(p.count, 1);
}

static void test_cookies_limit_and_utf8(void **state)
{
    Arena *a = *state;
    Params p = {0};
    const char *h = "a=1; b=2; junk; c=3";
    assert_int_equal(parse_cookies(a, h, strlen(h), &p, 2), LN_ELIMIT);
    assert_int_equal(p.count, 0);
    assert_int_equal(parse_cookies(a, h, strlen(h), &p, 3), LN_OK);
    assert_int_equal(p.count, 3);
    Params u = {0};
    h = "n=\xC3\xA9t\xC3\xA9; bad=\xFF\xFE; dup=1; dup=2";
    assert_int_equal(parse_cookies(a, h, strlen(h), &u, 10), LN_OK);
    assert_true(param_at(&u, 0)->utf8_ok);
    assert_false(param_at(&u, 1)->utf8_ok);
    assert_string_equal(params_get(&u, "dup"), "1");
}

/* ======================================================================
 * header_param / header_media_type
 * ==================================================================== */

static void test_header_param_basic(void **state)
{
    Arena *a = *state;
    assert_string_equal(header_param(a, "multipart/form-data; boundary=\"xyz\"", "boundary"), "xyz");
    assert_string_equal(header_param(a, "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk",
                                     "boundary"), "----WebKitFormBoundary7MA4YWxk");
    const char *cd = "form-data; name=\"f\"; filename=\"a b.pdf\"";
    assert_string_equal(header_param(a, cd, "name"), "f");
    assert_string_equal(header_param(a, cd, "filename"), "a b.pdf");
    assert_string_equal(header_param(a, "text/html;charset=UTF-8", "charset"), "UTF-8");
}

static void test_header_param_case_and_spacing(void **state)
{
    Arena *a = *state;
    assert_string_equal(header_param(a, "Multipart/Form-Data; BOUNDARY=AbC", "boundary"), "AbC");
    assert_string_equal(header_param(a, "x/y; Boundary=q", "BOUNDARY"), "q");
    assert_string_equal(header_param(a, "x/y ;  a = \"1\" ;b=2;", "b"), "2");
    assert_string_equal(header_param(a, "x/y;; a=1;;", "a"), "1");
    assert_string_equal(header_param(a, "x/y; a=1; a=2", "a"), "1");   /* first wins */
}

static void test_header_param_escapes(void **state)
{
    Arena *a = *state;
    assert_string_equal(header_param(a, "form-data; filename=\"a\\\"b\\\\c.txt\"", "filename"),
                        "a\"b\\c.txt");
    assert_string_equal(header_param(a, "form-data; filename=\"\\x\"", "filename"), "x");
    assert_string_equal(header_param(a, "form-data; name=\"a;b=c\"; x=1", "name"), "a;b=c");
    assert_string_equal(header_param(a, "form-data; name=\"\"", "name"), "");
    assert_string_equal(header_param(a, "form-data; name=\"\xC3\xA9t\xC3\xA9\"", "name"),
                        "\xC3\xA9t\xC3\xA9");
}

static void test_header_param_missing(void **state)
{
    Arena *a = *state;
    assert_null(header_param(a, "form-data; filename=\"x\"", "name"));
    assert_null(header_param(a, "form-data; name=\"x\"", "filename"));
    assert_null(header_param(a, "form-data; filename*=UTF-8''x", "filename"));
    assert_null(header_param(a, "form-data", "name"));
    assert_null(header_param(a, "", "name"));
    assert_null(header_param(a, NULL, "name"));
    assert_null(header_param(a, "form-data; name=x", NULL));
}

static void test_header_param_malformed(void **state)
{
    Arena *a = *state;
    static const char *const bad[] = {
        "form-data; name=\"unterminated",
        "form-data; name=\"trailing backslash\\",
        "form-data; name=\"trailing backslash\\\"",
        "form-data; name=",
        "form-data; name",
        "form-data; =x",
        "form-data; name=two words",
        "form-data; name=\"x\" junk",
        "form-data; name=\"a\r\nb\"",
        "form-data; name=\"a\rb\"",
        "form-data; name=\"a\x01" "b\"",
        "form-data; name=a\x7f" "b",
        "form-data; name=\"ok\"; filename=\"broken",   /* the whole value must parse */
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++)
        assert_null(header_param(a, bad[i], "name"));
}

static void test_header_media_type(void **state)
{
    Arena *a = *state;
    assert_string_equal(header_media_type(a, "Text/HTML; charset=UTF-8"), "text/html");
    assert_string_equal(header_media_type(a, "  application/json  "), "application/json");
    assert_string_equal(header_media_type(a, "multipart/form-data;boundary=x"), "multipart/form-data");
    assert_string_equal(header_media_type(a, "application/vnd.api+json"), "application/vnd.api+json");
    assert_null(header_media_type(a, "nonsense"));
    assert_null(header_media_type(a, "text/"));
    assert_null(header_media_type(a, "/html"));
    assert_null(header_media_type(a, "text/html junk"));
    assert_null(header_media_type(a, "text / html"));
    assert_null(header_media_type(a, ""));
    assert_null(header_media_type(a, NULL));
}

/* ======================================================================
 * parse_multipart
 * ==================================================================== */

/* Parse `body` from an exact-size heap copy; parts point into it, so the
 * copy is kept until the arena goes (registered as a cleanup). */
static int mp(Arena *a, const char *boundary, const char *body, size_t n,
              Params *fields, Part **parts, int max)
{
    char *copy = exact_copy(body, n);
    arena_on_free(a, free, copy);
    return parse_multipart(a, boundary, copy, n, fields, parts, max);
}

static void test_multipart_fields(void **state)
{
    Arena *a = *state;
    Params f = {0};
    Part *parts;
    const char body[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"title\"\r\n"
        "\r\n"
        "Intro to C\r\n"
        "--XyZ\r\n"
        "content-disposition: FORM-DATA; NAME=summary\r\n"
        "\r\n"
        "line one\r\nline two\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"empty\"\r\n"
        "\r\n"
        "\r\n"
        "--XyZ--\r\n";
    assert_int_equal(mp(a, "XyZ", LIT(body), &f, &parts, 10), LN_OK);
    assert_int_equal(f.count, 3);
    assert_string_equal(params_get(&f, "title"), "Intro to C");
    assert_string_equal(params_get(&f, "summary"), "line one\r\nline two");
    assert_string_equal(params_get(&f, "empty"), "");
    assert_true(param_at(&f, 1)->utf8_ok);
    assert_non_null(parts);
    assert_string_equal(parts->name, "title");
    assert_null(parts->filename);
    assert_null(parts->content_type);
    assert_int_equal(parts->len, 10);
    assert_memory_equal(parts->data, "Intro to C", 10);
    assert_int_equal(parts->next->next->len, 0);
    assert_null(parts->next->next->next);
}

static void test_multipart_file_binary(void **state)
{
    Arena *a = *state;
    Params f = {0};
    Part *parts;
    /* The file holds NUL, CR, LF, "--", and the boundary without its CRLF. */
    const char body[] =
        "--b0und\r\n"
        "Content-Disposition: form-data; name=\"doc\"; filename=\"r\\\"e port.pdf\"\r\n"
        "Content-Type: application/pdf\r\n"
        "X-Ignored: yes\r\n"
        "\r\n"
        "%PDF\0\x01\xFF\r\n--\r\n-b0und x--b0und\r\r\n\n\r\n"
        "--b0und\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "\r\n"
        "caf\xC3\xA9\r\n"
        "--b0und--";
    const char file[] = "%PDF\0\x01\xFF\r\n--\r\n-b0und x--b0und\r\r\n\n";
    assert_int_equal(mp(a, "b0und", LIT(body), &f, &parts, 10), LN_OK);
    assert_string_equal(parts->name, "doc");
    assert_string_equal(parts->filename, "r\"e port.pdf");
    assert_string_equal(parts->content_type, "application/pdf");
    assert_int_equal(parts->len, sizeof file - 1);
    assert_memory_equal(parts->data, file, sizeof file - 1);
    assert_string_equal(parts->next->content_type, "text/plain; charset=UTF-8");
    assert_int_equal(f.count, 1);            /* files are not fields */
    assert_null(params_get(&f, "doc"));
    assert_string_equal(params_get(&f, "note"), "caf\xC3\xA9");
    assert_true(f.head->utf8_ok);
}

static void test_multipart_binary_field(void **state)
{
    Arena *a = *state;
    Params f = {0};
    Part *parts;
    const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"bin\"\r\n\r\na\0b\xFF\r\n--b--";
    assert_int_equal(mp(a, "b", LIT(body), &f, &parts, 10), LN_OK);
    assert_int_equal(f.head->value_len, 4);
    assert_memory_equal(f.head->value, "a\0b\xFF", 4);
    assert_false(f.head->utf8_ok);
}

static void test_multipart_empty_filename(void **state)
{
    Arena *a = *state;
    Params f = {0};
    Part *parts;
    const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"up\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n";
    assert_int_equal(mp(a, "b", LIT(body), &f, &parts, 10), LN_OK);
    assert_string_equal(parts->filename, "");
    assert_int_equal(parts->len, 0);
    assert_int_equal(f.count, 0);
}

static void test_multipart_preamble_epilogue(void **state)
{
    Arena *a = *state;
    Params f = {0};
    Part *parts;
    const char body[] =
        "This is a preamble.\r\n- -b is not a delimiter\r\nnor is x--b\r\n"
        "--b  \t\r\n"                         /* transport padding */
        "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
        "--b--\r\n"
        "epilogue\r\n--b\r\nContent-Disposition: form-data; name=\"ignored\"\r\n\r\nx";
    assert_int_equal(mp(a, "b", LIT(body), &f, &parts, 10), LN_OK);
    assert_int_equal(f.count, 1);
    assert_string_equal(params_get(&f, "a"), "1");
    assert_null(parts->next);
}

static void test_multipart_no_parts(void **state)
{
    Arena *a = *state;
    Params f = {0};
    Part *parts = (Part *)1;
    assert_int_equal(mp(a, "b", LIT("--b--\r\n"), &f, &parts, 10), LN_OK);
    assert_null(parts);
    assert_int_equal(f.count, 0);
    assert_int_equal(mp(a, "b", LIT("--b--"), NULL, NULL, 10), LN_OK);
}

static void test_multipart_missing_close(void **state)
{
    Arena *a = *state;
    static const char *const bad[] = {
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\n",
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b",
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b-",
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n",
        "--b\r\n",
        "--b",
        "no delimiter at all",
        "",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        Params f = {0};
        Part *parts = (Part *)1;
        assert_int_equal(mp(a, "b", bad[i], strlen(bad[i]), &f, &parts, 10), LN_EINVAL);
        assert_int_equal(f.count, 0);
        assert_null(parts);
    }
}

static void test_multipart_bounded(void **state)
{
    Arena *a = *state;
    Params f = {0};
    const char body[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--";
    /* Every strict prefix of a valid body is refused. */
    for (size_t n = 0; n < sizeof body - 1; n++)
        assert_int_equal(mp(a, "b", body, n, &f, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, "b", LIT(body), &f, NULL, 10), LN_OK);
}

static void test_multipart_bad_parts(void **state)
{
    Arena *a = *state;
    static const char *const bad[] = {
        /* part without a name */
        "--b\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\n1\r\n--b--",
        /* no Content-Disposition */
        "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--",
        /* no headers at all */
        "--b\r\n\r\n1\r\n--b--",
        /* not form-data */
        "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--b--",
        /* CRLF inside a quoted filename */
        "--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x\r\ny.txt\"\r\n\r\n1\r\n--b--",
        /* bare LF inside a header */
        "--b\r\nContent-Disposition: form-data; name=\"a\nb\"\r\n\r\n1\r\n--b--",
        /* header without colon */
        "--b\r\nContent-Disposition form-data; name=\"a\"\r\n\r\n1\r\n--b--",
        /* folded header line */
        "--b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\n1\r\n--b--",
        /* two Content-Dispositions */
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n"
        "Content-Disposition: form-data; name=\"b\"\r\n\r\n1\r\n--b--",
        /* two Content-Types */
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: a/b\r\n"
        "Content-Type: c/d\r\n\r\n1\r\n--b--",
        /* delimiter followed by junk */
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--bX\r\n--b--",
        "--bX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--",
        /* headers end without their blank line */
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n--b--",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        Params f = {0};
        Part *parts = (Part *)1;
        assert_int_equal(mp(a, "b", bad[i], strlen(bad[i]), &f, &parts, 10), LN_EINVAL);
        assert_int_equal(f.count, 0);
        assert_null(parts);
    }
}

static void test_multipart_nul_in_header(void **state)
{
    Arena *a = *state;
    const char body[] = "--b\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\n1\r\n--b--";
    assert_int_equal(mp(a, "b", LIT(body), NULL, NULL, 10), LN_EINVAL);
}

static void test_multipart_max_parts(void **state)
{
    Arena *a = *state;
    const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--\r\n";
    Params f = {0};
    assert_int_equal(mp(a, "b", LIT(body), &f, NULL, 2), LN_ELIMIT);
    assert_int_equal(f.count, 0);
    assert_int_equal(mp(a, "b", LIT(body), &f, NULL, 3), LN_OK);
    assert_int_equal(f.count, 3);
    assert_int_equal(mp(a, "b", LIT(body), NULL, NULL, 0), LN_ELIMIT);
}

static void test_multipart_header_limit(void **state)
{
    Arena *a = *state;
    size_t pad = 9000;
    char *body = malloc(pad + 200);
    assert_non_null(body);
    size_t n = 0;
    memcpy(body, "--b\r\nX-Pad: ", 12);
    n = 12;
    memset(body + n, 'p', pad);
    n += pad;
    const char tail[] = "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--";
    memcpy(body + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    assert_int_equal(mp(a, "b", body, n, NULL, NULL, 10), LN_ELIMIT);
    free(body);
}

static void test_multipart_boundary(void **state)
{
    Arena *a = *state;
    char b70[71], b71[72], body[200];
    memset(b70, 'x', 70);
    b70[70] = '\0';
    memset(b71, 'x', 71);
    b71[71] = '\0';
    int n = snprintf(body, sizeof body,
                     "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--%s--", b70, b70);
    assert_int_equal(mp(a, b70, body, (size_t)n, NULL, NULL, 10), LN_OK);
    n = snprintf(body, sizeof body,
                 "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--%s--", b71, b71);
    assert_int_equal(mp(a, b71, body, (size_t)n, NULL, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, "", LIT("----"), NULL, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, NULL, LIT("--b--"), NULL, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, "b\r\n", LIT("--b\r\n--"), NULL, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, "trailing ", LIT("--trailing --"), NULL, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, "a\"b", LIT("--a\"b--"), NULL, NULL, 10), LN_EINVAL);
    assert_int_equal(mp(a, "'()+_,-./:=? x", LIT("--'()+_,-./:=? x--"), NULL, NULL, 10), LN_OK);
}

static void test_multipart_appends_fields(void **state)
{
    Arena *a = *state;
    Params f = {0};
    assert_int_equal(parse_query(a, LIT("q=1"), &f, 10), LN_OK);
    const char body[] = "--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\n2\r\n--b--";
    assert_int_equal(mp(a, "b", LIT(body), &f, NULL, 10), LN_OK);
    assert_int_equal(f.count, 2);
    assert_string_equal(params_get(&f, "q"), "1");
    assert_string_equal(params_get(&f, "m"), "2");
}

/* ======================================================================
 * Accept-Language, Accept-Encoding
 * ==================================================================== */

static const char *const EN_FR[] = {"en", "fr", NULL};

static void test_accept_language_q(void **state)
{
    (void)state;
    assert_string_equal(parse_accept_language("fr-CA,fr;q=0.9,en;q=0.8", EN_FR), "fr");
    assert_string_equal(parse_accept_language("en-US,en;q=0.9,fr;q=0.8", EN_FR), "en");
    assert_string_equal(parse_accept_language("de, en;q=0.5, fr;q=0.7", EN_FR), "fr");
    assert_string_equal(parse_accept_language("de;q=1.0, fr;q=0.001, en;q=0.01", EN_FR), "en");
    assert_string_equal(parse_accept_language("  fr ; q = 0.5 ,en;q=0.4", EN_FR), "fr");
}

static void test_accept_language_order(void **state)
{
    (void)state;
    /* Equal q: the header's order decides, then the order of `supported`. */
    assert_string_equal(parse_accept_language("fr, en", EN_FR), "fr");
    assert_string_equal(parse_accept_language("en, fr", EN_FR), "en");
    assert_string_equal(parse_accept_language("fr;q=0.5, en;q=0.5", EN_FR), "fr");
    assert_string_equal(parse_accept_language("*", EN_FR), "en");
    assert_string_equal(parse_accept_language("de, *;q=0.1", EN_FR), "en");
}

static void test_accept_language_prefix(void **state)
{
    (void)state;
    assert_string_equal(parse_accept_language("fr-CA", EN_FR), "fr");
    assert_string_equal(parse_accept_language("FR-ca, EN;q=0.9", EN_FR), "fr");
    const char *const regional[] = {"en-GB", "pt-BR", NULL};
    assert_string_equal(parse_accept_language("pt, en;q=0.5", regional), "pt-BR");
    assert_null(parse_accept_language("english, french", EN_FR));
    assert_null(parse_accept_language("f", EN_FR));
    /* The exact range wins over a prefix: "fr" is asked for at 0.2 only. */
    assert_string_equal(parse_accept_language("fr-CA, fr;q=0.2, en;q=0.5", EN_FR), "en");
}

static void test_accept_language_q0(void **state)
{
    (void)state;
    assert_string_equal(parse_accept_language("fr;q=0, en;q=0.1", EN_FR), "en");
    assert_null(parse_accept_language("fr;q=0", EN_FR));
    assert_null(parse_accept_language("fr;q=0.000, en;q=0", EN_FR));
    assert_string_equal(parse_accept_language("*;q=0.5, en;q=0", EN_FR), "fr");
    assert_string_equal(parse_accept_language("fr;q=0, *", EN_FR), "en");
}

static void test_accept_language_malformed(void **state)
{
    (void)state;
    assert_string_equal(parse_accept_language("fr;q=2, en;q=0.1", EN_FR), "en");
    assert_string_equal(parse_accept_language("fr;q=abc, en;q=0.1", EN_FR), "en");
    assert_string_equal(parse_accept_language("fr;q=0.5555, en;q=0.1", EN_FR), "en");
    assert_string_equal(parse_accept_language("fr;q=, en;q=0.1", EN_FR), "en");
    assert_string_equal(parse_accept_language("fr_FR, en;q=0.1", EN_FR), "en");
    assert_string_equal(parse_accept_language("!!!, ,,, ;;, =, en", EN_FR), "en");
    assert_string_equal(parse_accept_language("fr;level=1;q=0.9", EN_FR), "fr");
    assert_null(parse_accept_language("", EN_FR));
    assert_null(parse_accept_language(NULL, EN_FR));
    assert_null(parse_accept_language("en", NULL));
    const char *const none[] = {NULL};
    assert_null(parse_accept_language("en", none));
}

static void test_accepts_gzip(void **state)
{
    (void)state;
    assert_true(accepts_gzip("gzip, deflate, br"));
    assert_true(accepts_gzip("br;q=1.0, GZIP;Q=0.5"));
    assert_true(accepts_gzip("x-gzip"));
    assert_true(accepts_gzip("*"));
    assert_true(accepts_gzip("*;q=0, gzip"));
    assert_true(accepts_gzip("gzip;q=0.001"));
    assert_false(accepts_gzip("gzip;q=0"));
    assert_false(accepts_gzip("gzip;q=0.000, deflate"));
    assert_false(accepts_gzip("gzip;q=0, *"));
    assert_false(accepts_gzip("*;q=0"));
    assert_false(accepts_gzip("identity"));
    assert_false(accepts_gzip("deflate, br"));
    assert_false(accepts_gzip("gzipx, xgzip"));
    assert_false(accepts_gzip(""));
    assert_false(accepts_gzip(NULL));
    assert_false(accepts_gzip("gzip;q=1.5"));    /* malformed element is skipped */
    assert_true(accepts_gzip("gzip;q=1.5, *"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_url_decode_basic),
        T(test_url_decode_plus),
        T(test_url_decode_bad_escapes),
        T(test_url_decode_nul_and_bounds),
        T(test_url_encode),
        T(test_params_add_get),
        T(test_query_basic),
        T(test_query_empty_pairs),
        T(test_query_plus_and_equals),
        T(test_query_bad_escape),
        T(test_query_limit),
        T(test_query_appends),
        T(test_query_utf8_and_nul),
        T(test_query_bounded),
        T(test_cookies_basic),
        T(test_cookies_quoted),
        T(test_cookies_junk),
        T(test_cookies_nul_and_bounds),
        T(test_cookies_limit_and_utf8),
        T(test_header_param_basic),
        T(test_header_param_case_and_spacing),
        T(test_header_param_escapes),
        T(test_header_param_missing),
        T(test_header_param_malformed),
        T(test_header_media_type),
        T(test_multipart_fields),
        T(test_multipart_file_binary),
        T(test_multipart_binary_field),
        T(test_multipart_empty_filename),
        T(test_multipart_preamble_epilogue),
        T(test_multipart_no_parts),
        T(test_multipart_missing_close),
        T(test_multipart_bounded),
        T(test_multipart_bad_parts),
        T(test_multipart_nul_in_header),
        T(test_multipart_max_parts),
        T(test_multipart_header_limit),
        T(test_multipart_boundary),
        T(test_multipart_appends_fields),
        T(test_accept_language_q),
        T(test_accept_language_order),
        T(test_accept_language_prefix),
        T(test_accept_language_q0),
        T(test_accept_language_malformed),
        T(test_accepts_gzip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
