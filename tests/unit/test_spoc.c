/* test_spoc.c — join codes of private sessions (src/catalog/spoc.c): what a
 * person may type, and what is refused. */
#include "testutil.h"
#include "catalog/catalog.h"

#include <sodium.h>

static void expect_code(const char *typed, const char *want)
{
    char out[JOIN_CODE_LEN + 1];
    if (!join_code_normal(typed, out)) fail_msg("\"%s\" refused", typed);
    assert_string_equal(out, want);
}

static void expect_refused(const char *typed)
{
    char out[JOIN_CODE_LEN + 1];
    if (join_code_normal(typed, out)) fail_msg("\"%s\" accepted as %s", typed ? typed : "(null)", out);
}

static void test_typed_codes(void **state)
{
    expect_code("K7QF-29XD", "K7QF-29XD");
    expect_code("k7qf29xd", "K7QF-29XD");
    expect_code("k7qf-29xd", "K7QF-29XD");
    expect_code(" K7QF 29XD ", "K7QF-29XD");
    expect_code("K-7-Q-F-2-9-X-D", "K7QF-29XD");
}

static void test_refused_codes(void **state)
{
    expect_refused(NULL);
    expect_refused("");
    expect_refused("K7QF-29X");             /* 7 characters */
    expect_refused("K7QF-29XDA");           /* 9 */
    expect_refused("O0QF-29XD");            /* O and 0 are not in the alphabet */
    expect_refused("I1LF-29XD");            /* nor I, 1, L */
    expect_refused("K7QF_29XD");
    expect_refused("K7QF-29XD\xc3\xa9");
    expect_refused("K7QF-29X%");
    char long_dashes[100];
    memset(long_dashes, '-', sizeof long_dashes - 9);
    memcpy(long_dashes + sizeof long_dashes - 9, "K7QF29XD", 9);
    expect_refused(long_dashes);            /* over 64 characters typed */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_codes),
        cmocka_unit_test(test_refused_codes),
    };
    return cmocka_run_group_tests_name("spoc", tests, NULL, NULL);
}
