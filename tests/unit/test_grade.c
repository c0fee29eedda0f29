/* test_grade.c — server-side grading of every item type (src/assess/grade.c). */
#include "testutil.h"
#include "assess/item.h"

#include <limits.h>

#define N(a) ((int)LN_ARRAY_LEN(a))
#define ITEM(t, cs) ((Item){.type = (t), .choices = (cs), .nchoices = N(cs)})
/* A response made of picks: PICKS(0, 2). */
#define PICKS(...) \
    (&(Response){.picks = (int[]){__VA_ARGS__}, .npicks = N(((int[]){__VA_ARGS__}))})
#define U(x) ((int64_t)(x) * 1000000)      /* whole units in millionths */

static int grade_text(const Item *it, const char *text)
{
    Response r = {.text = (char *)text};
    return item_grade(it, &r);
}

static Choice exact(int64_t value, int64_t tol, int weight)
{
    return (Choice){.num_value = value, .num_tolerance = tol, .weight = weight};
}

static Choice range(int64_t lo, int64_t hi, int weight)
{
    return (Choice){.num_min = lo, .num_max = hi, .num_is_range = true, .weight = weight};
}

/* ======================================================================
 * Names
 * ==================================================================== */

static void test_type_names(void **state)
{
    (void)state;
    for (ItemType t = ITEM_SINGLE; t <= ITEM_DESCRIPTION; t++) {
        const char *name = item_type_name(t);
        assert_string_not_equal(name, "unknown");
        assert_int_equal(item_type_from_name(name), t);
    }
    assert_string_equal(item_type_name(ITEM_TRUEFALSE), "truefalse");
    assert_string_equal(item_type_name(ITEM_SHORT), "short");
    assert_string_equal(item_type_name(0), "unknown");
    assert_string_equal(item_type_name((ItemType)99), "unknown");
    assert_string_equal(item_type_name((ItemType)-1), "unknown");
    assert_int_equal(item_type_from_name("unknown"), 0);
    assert_int_equal(item_type_from_name("Single"), 0);     /* one spelling */
    assert_int_equal(item_type_from_name(""), 0);
    assert_int_equal(item_type_from_name(NULL), 0);
}

/* ======================================================================
 * SINGLE, TRUEFALSE
 * ==================================================================== */

static void test_single(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "Paris", .weight = 1000}, {.text = "Lyon", .weight = 0},
                   {.text = "Paname", .weight = 500}, {.text = "Rome", .weight = -500},
                   {.text = "bug", .weight = 5000}};
    Item it = ITEM(ITEM_SINGLE, cs);
    assert_int_equal(item_grade(&it, PICKS(0)), 1000);
    assert_int_equal(item_grade(&it, PICKS(1)), 0);
    assert_int_equal(item_grade(&it, PICKS(2)), 500);
    assert_int_equal(item_grade(&it, PICKS(3)), 0);       /* negative: clamped */
    assert_int_equal(item_grade(&it, PICKS(4)), 1000);    /* above 1000: clamped */
}

static void test_single_bad_picks(void **state)
{
    (void)state;
    Choice cs[] = {{.weight = 1000}, {.weight = 0}};
    Item it = ITEM(ITEM_SINGLE, cs);
    assert_int_equal(item_grade(&it, NULL), 0);
    assert_int_equal(item_grade(&it, &(Response){0}), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1)), 0);    /* two picks */
    assert_int_equal(item_grade(&it, PICKS(0, 0)), 0);    /* even the same twice */
    assert_int_equal(item_grade(&it, PICKS(-1)), 0);
    assert_int_equal(item_grade(&it, PICKS(2)), 0);
    assert_int_equal(item_grade(&it, PICKS(INT_MIN)), 0);
    assert_int_equal(item_grade(&it, &(Response){.npicks = 1}), 0);   /* picks NULL */
    assert_int_equal(item_grade(&it, &(Response){.picks = (int[]){0}, .npicks = -1}), 0);
    Item none = {.type = ITEM_SINGLE, .nchoices = 3};       /* choices NULL */
    assert_int_equal(item_grade(&none, PICKS(0)), 0);
}

static void test_truefalse(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "true", .weight = 0}, {.text = "false", .weight = 1000}};
    Item it = ITEM(ITEM_TRUEFALSE, cs);
    assert_int_equal(item_grade(&it, PICKS(1)), 1000);
    assert_int_equal(item_grade(&it, PICKS(0)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1)), 0);
    assert_int_equal(item_grade(&it, PICKS(2)), 0);
}

/* ======================================================================
 * MULTIPLE
 * ==================================================================== */

static void test_multiple_partial_credit(void **state)
{
    (void)state;
    Choice cs[] = {{.weight = 500}, {.weight = 500}, {.weight = -500}, {.weight = -500}};
    Item it = ITEM(ITEM_MULTIPLE, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 1)), 1000);
    assert_int_equal(item_grade(&it, PICKS(1, 0)), 1000);
    assert_int_equal(item_grade(&it, PICKS(0)), 500);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2)), 500);
    assert_int_equal(item_grade(&it, PICKS(0, 2)), 0);
    /* never below zero */
    assert_int_equal(item_grade(&it, PICKS(0, 2, 3)), 0);
    assert_int_equal(item_grade(&it, PICKS(2, 3)), 0);      /* all wrong picks */
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 3)), 0);
    assert_int_equal(item_grade(&it, &(Response){0}), 0);
    assert_int_equal(item_grade(&it, NULL), 0);
}

static void test_multiple_duplicates_and_tampering(void **state)
{
    (void)state;
    Choice cs[] = {{.weight = 500}, {.weight = 500}, {.weight = -1000}};
    Item it = ITEM(ITEM_MULTIPLE, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 0)), 500);            /* counts once */
    assert_int_equal(item_grade(&it, PICKS(0, 0, 0, 0, 1, 1)), 1000);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 2)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 3)), 0);           /* out of range */
    assert_int_equal(item_grade(&it, PICKS(0, 1, -1)), 0);
    assert_int_equal(item_grade(&it, PICKS(INT_MAX, 0, 1)), 0);
}

static void test_multiple_clamped_above(void **state)
{
    (void)state;
    /* Weights an author got wrong (summing past 100 %) still give 1000 at most. */
    Choice cs[] = {{.weight = 1000}, {.weight = 1000}, {.weight = INT_MAX}, {.weight = INT_MIN}};
    Item it = ITEM(ITEM_MULTIPLE, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 1)), 1000);
    assert_int_equal(item_grade(&it, PICKS(2)), 1000);
    assert_int_equal(item_grade(&it, PICKS(2, 3)), 0);      /* no int overflow */
}

/* ======================================================================
 * NUMERIC
 * ==================================================================== */

static void test_numeric_syntax(void **state)
{
    (void)state;
    Choice cs[] = {exact(3140000, 0, 1000)};
    Item it = ITEM(ITEM_NUMERIC, cs);
    static const char *const good[] = {
        "3.14", "3,14", " 3.14 ", "\t3.14\n", "+3.14", "3.140", "03.14", "3.14000000000",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(good); i++) assert_int_equal(grade_text(&it, good[i]), 1000);
    static const char *const bad[] = {
        "", " ", "+", "-", ".", ",", "3.14.", "3,14,", "3..14", "3.1.4", "3 .14", "3. 14",
        "+-3.14", "++3.14", "- 3.14", "3.14a", "pi", "0x3", "3.14e0", "314e-2", "1e3",
        "3.14%", "3'14", "٣.١٤", "3.14\xC2\xA0", "\xC2\xA0" "3.14", "3.14\x01", "inf", "nan",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) assert_int_equal(grade_text(&it, bad[i]), 0);
    assert_int_equal(grade_text(&it, NULL), 0);
    assert_int_equal(item_grade(&it, NULL), 0);

    Choice thousand[] = {exact(U(1000), 0, 1000)};
    Item t = ITEM(ITEM_NUMERIC, thousand);
    assert_int_equal(grade_text(&t, "1000"), 1000);
    assert_int_equal(grade_text(&t, "1e3"), 0);            /* refused, not 1000 */
    assert_int_equal(grade_text(&t, "1 000"), 0);          /* no thousands separator */
    assert_int_equal(grade_text(&t, "1,000"), 0);          /* a decimal comma: 1.0 */
    assert_int_equal(grade_text(&t, "1000."), 1000);
    assert_int_equal(grade_text(&t, "1000,"), 1000);

    Choice half[] = {exact(500000, 0, 1000)};
    Item h = ITEM(ITEM_NUMERIC, half);
    assert_int_equal(grade_text(&h, ".5"), 1000);
    assert_int_equal(grade_text(&h, ",5"), 1000);
    assert_int_equal(grade_text(&h, "-.5"), 0);
}

static void test_numeric_zero_and_sign(void **state)
{
    (void)state;
    Choice cs[] = {exact(0, 0, 1000)};
    Item it = ITEM(ITEM_NUMERIC, cs);
    assert_int_equal(grade_text(&it, "0"), 1000);
    assert_int_equal(grade_text(&it, "-0"), 1000);
    assert_int_equal(grade_text(&it, "+0.000"), 1000);
    assert_int_equal(grade_text(&it, "-0.0000000"), 1000);
    /* no digit is no number, not zero */
    static const char *const empty[] = {"", " ", "+", "-", ".", ",", "+.", "-,", " . "};
    for (size_t i = 0; i < LN_ARRAY_LEN(empty); i++) assert_int_equal(grade_text(&it, empty[i]), 0);
    assert_int_equal(grade_text(&it, "0.0000001"), 0);     /* exact means exact */
    assert_int_equal(grade_text(&it, "-0.0000001"), 0);
    assert_int_equal(grade_text(&it, "0.000001"), 0);
}

/* |x - value| <= tolerance: both ends in, a hair beyond out, also past the
 * sixth decimal. */
static void test_numeric_tolerance_boundary(void **state)
{
    (void)state;
    Choice cs[] = {exact(U(10), 500000, 1000)};     /* 10 ± 0.5 */
    Item it = ITEM(ITEM_NUMERIC, cs);
    assert_int_equal(grade_text(&it, "9.5"), 1000);
    assert_int_equal(grade_text(&it, "10.5"), 1000);
    assert_int_equal(grade_text(&it, "10,5"), 1000);
    assert_int_equal(grade_text(&it, "10.500000000"), 1000);
    assert_int_equal(grade_text(&it, "10.4999999"), 1000);
    assert_int_equal(grade_text(&it, "9.5000001"), 1000);
    assert_int_equal(grade_text(&it, "10.500001"), 0);
    assert_int_equal(grade_text(&it, "10.5000001"), 0);
    assert_int_equal(grade_text(&it, "10.50000000000000000001"), 0);
    assert_int_equal(grade_text(&it, "9.499999"), 0);
    assert_int_equal(grade_text(&it, "9.4999999"), 0);
    assert_int_equal(grade_text(&it, "-10"), 0);
}

static void test_numeric_negative_boundary(void **state)
{
    (void)state;
    Choice cs[] = {exact(-U(2), 250000, 1000)};     /* -2 ± 0.25: [-2.25, -1.75] */
    Item it = ITEM(ITEM_NUMERIC, cs);
    assert_int_equal(grade_text(&it, "-2.25"), 1000);
    assert_int_equal(grade_text(&it, "-1.75"), 1000);
    assert_int_equal(grade_text(&it, "-2"), 1000);
    assert_int_equal(grade_text(&it, "-2.2499999"), 1000);
    assert_int_equal(grade_text(&it, "-1.7500001"), 1000);
    assert_int_equal(grade_text(&it, "-2.250001"), 0);
    assert_int_equal(grade_text(&it, "-2.2500001"), 0);
    assert_int_equal(grade_text(&it, "-1.749999"), 0);
    assert_int_equal(grade_text(&it, "-1.7499999"), 0);
    assert_int_equal(grade_text(&it, "2"), 0);
    /* a negative tolerance is read as its size */
    Choice neg[] = {exact(U(1), -U(1), 1000)};
    Item n = ITEM(ITEM_NUMERIC, neg);
    assert_int_equal(grade_text(&n, "0"), 1000);
    assert_int_equal(grade_text(&n, "2"), 1000);
    assert_int_equal(grade_text(&n, "2.0000001"), 0);
}

static void test_numeric_range_inclusive(void **state)
{
    (void)state;
    Choice cs[] = {range(U(1), U(2), 1000)};
    Item it = ITEM(ITEM_NUMERIC, cs);
    assert_int_equal(grade_text(&it, "1"), 1000);
    assert_int_equal(grade_text(&it, "2"), 1000);
    assert_int_equal(grade_text(&it, "1.5"), 1000);
    assert_int_equal(grade_text(&it, "1.9999999"), 1000);
    assert_int_equal(grade_text(&it, "0.999999"), 0);
    assert_int_equal(grade_text(&it, "0.9999999"), 0);
    assert_int_equal(grade_text(&it, "2.000001"), 0);
    assert_int_equal(grade_text(&it, "2.0000001"), 0);
    /* given backwards, read forwards */
    Choice back[] = {range(U(2), U(1), 1000)};
    Item b = ITEM(ITEM_NUMERIC, back);
    assert_int_equal(grade_text(&b, "1"), 1000);
    assert_int_equal(grade_text(&b, "2"), 1000);
    assert_int_equal(grade_text(&b, "2.1"), 0);
    /* a single point, negative */
    Choice point[] = {range(-U(3), -U(3), 1000)};
    Item p = ITEM(ITEM_NUMERIC, point);
    assert_int_equal(grade_text(&p, "-3"), 1000);
    assert_int_equal(grade_text(&p, "-3.0000001"), 0);
    assert_int_equal(grade_text(&p, "-2.9999999"), 0);
}

static void test_numeric_best_weight(void **state)
{
    (void)state;
    Choice cs[] = {range(U(3), U(4), 500), exact(3141593, 1000, 1000), exact(U(3), 0, -1000),
                   exact(U(7), 0, -500)};
    Item it = ITEM(ITEM_NUMERIC, cs);
    assert_int_equal(grade_text(&it, "3.1416"), 1000);     /* in both: the best */
    assert_int_equal(grade_text(&it, "3.5"), 500);
    assert_int_equal(grade_text(&it, "3"), 500);           /* a -1000 match loses to 500 */
    assert_int_equal(grade_text(&it, "7"), 0);             /* only a negative one: 0 */
    assert_int_equal(grade_text(&it, "5"), 0);
}

static void test_numeric_huge(void **state)
{
    (void)state;
    Choice top[] = {exact(INT64_MAX, 0, 1000)};
    Item t = ITEM(ITEM_NUMERIC, top);
    assert_int_equal(grade_text(&t, "9223372036854.775807"), 1000);
    assert_int_equal(grade_text(&t, "9223372036854,7758070000"), 1000);
    assert_int_equal(grade_text(&t, "9223372036854.775806"), 0);
    assert_int_equal(grade_text(&t, "9223372036854.7758071"), 0);
    assert_int_equal(grade_text(&t, "9223372036854.775808"), 0);
    assert_int_equal(grade_text(&t, "9223372036855"), 0);
    assert_int_equal(grade_text(&t, "99999999999999999999999999999999"), 0);

    Choice all[] = {range(INT64_MIN, INT64_MAX, 1000)};
    Item a = ITEM(ITEM_NUMERIC, all);
    assert_int_equal(grade_text(&a, "-9223372036854.775808"), 1000);
    assert_int_equal(grade_text(&a, "-9223372036854.7758079"), 1000);
    assert_int_equal(grade_text(&a, "-9223372036854.775809"), 0);
    assert_int_equal(grade_text(&a, "-9223372036854.7758081"), 0);
    assert_int_equal(grade_text(&a, "-99999999999999999999"), 0);
    assert_int_equal(grade_text(&a, "18446744073709551616"), 0);     /* 2^64: no wrap */
    assert_int_equal(grade_text(&a, "0000000000000000000000000000001"), 1000);
    assert_int_equal(grade_text(&a, "0.00000000000000000000000000001"), 1000);

    /* value ± tolerance past int64: clipped, no overflow */
    Choice wide[] = {exact(INT64_MAX, INT64_MAX, 1000), exact(INT64_MIN, INT64_MIN, 700)};
    Item w = ITEM(ITEM_NUMERIC, wide);
    assert_int_equal(grade_text(&w, "9223372036854.775807"), 1000);
    assert_int_equal(grade_text(&w, "0"), 1000);
    assert_int_equal(grade_text(&w, "-0.000001"), 700);
    assert_int_equal(grade_text(&w, "-9223372036854.775808"), 700);
}

/* ======================================================================
 * SHORT
 * ==================================================================== */

static void test_short_exact_and_spaces(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "New York", .weight = 1000}, {.text = " NYC  ", .weight = 800}};
    Item it = ITEM(ITEM_SHORT, cs);
    assert_int_equal(grade_text(&it, "New York"), 1000);
    assert_int_equal(grade_text(&it, "  New   York \n"), 1000);
    assert_int_equal(grade_text(&it, "New\tYork"), 1000);
    assert_int_equal(grade_text(&it, "New\xC2\xA0York"), 1000);         /* no-break space */
    assert_int_equal(grade_text(&it, "New\xE2\x80\xAFYork"), 1000);     /* narrow one */
    assert_int_equal(grade_text(&it, "NewYork"), 0);
    assert_int_equal(grade_text(&it, "new york"), 0);                   /* EXACT: case counts */
    assert_int_equal(grade_text(&it, "NYC"), 800);                      /* answers trimmed too */
    assert_int_equal(grade_text(&it, "New York City"), 0);
    assert_int_equal(grade_text(&it, ""), 0);
    assert_int_equal(grade_text(&it, " \t "), 0);
    assert_int_equal(grade_text(&it, NULL), 0);
}

static void test_short_blank_and_invalid(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "", .weight = 1000}, {.text = "\xC3\x28", .weight = 1000},
                   {.text = "caf\xC3\xA9", .weight = 600}, {.text = NULL, .weight = 1000}};
    Item it = ITEM(ITEM_SHORT, cs);
    assert_int_equal(grade_text(&it, ""), 0);               /* blank is no answer */
    assert_int_equal(grade_text(&it, "\xC3\x28"), 0);       /* invalid UTF-8 */
    assert_int_equal(grade_text(&it, "caf\xC3\xA9"), 600);  /* bad answers skipped */
    assert_int_equal(grade_text(&it, "caf\xC3"), 0);
    assert_int_equal(grade_text(&it, "caf\xE9"), 0);        /* Latin-1, not UTF-8 */
    assert_int_equal(grade_text(&it, "\xED\xA0\x80"), 0);   /* a surrogate */
    assert_int_equal(grade_text(&it, "\xC0\xAF"), 0);       /* overlong */
}

/* Precomposed é (U+00E9) and e + U+0301 are the same answer in every mode. */
static void test_short_combining_accents(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "\xC3\xA9t\xC3\xA9", .weight = 1000}};       /* été */
    Item it = ITEM(ITEM_SHORT, cs);
    assert_int_equal(grade_text(&it, "e\xCC\x81te\xCC\x81"), 1000);
    assert_int_equal(grade_text(&it, "ete"), 0);
    assert_int_equal(grade_text(&it, "e\xCC\x80te\xCC\x80"), 0);        /* grave, not acute */
    assert_int_equal(grade_text(&it, "\xC3\x89T\xC3\x89"), 0);           /* ÉTÉ: EXACT */
    /* decomposed answers too; a mark with nothing to join stays */
    Choice dec[] = {{.text = "c\xCC\xA7" "a", .weight = 1000},           /* ça */
                    {.text = "\xCC\x81" "a", .weight = 300}};
    Item d = ITEM(ITEM_SHORT, dec);
    assert_int_equal(grade_text(&d, "\xC3\xA7" "a"), 1000);
    assert_int_equal(grade_text(&d, "\xCC\x81" "a"), 300);
    assert_int_equal(grade_text(&d, "\xC3\xA1"), 0);
    /* Latin Extended-A: Czech, Hungarian */
    Choice ext[] = {{.text = "\xC4\x8D\xC5\x91", .weight = 1000}};      /* čő */
    Item e = ITEM(ITEM_SHORT, ext);
    assert_int_equal(grade_text(&e, "c\xCC\x8Co\xCC\x8B"), 1000);
    e.text_match = TEXT_NOCASE;
    assert_int_equal(grade_text(&e, "C\xCC\x8CO\xCC\x8B"), 1000);       /* ČŐ */
}

static void test_short_nocase_unicode(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "\xC3\xA9t\xC3\xA9", .weight = 1000},       /* été */
                   {.text = "\xC3\x87" "a va", .weight = 900},          /* Ça va */
                   {.text = "Stra\xC3\x9F" "e", .weight = 800},         /* Straße */
                   {.text = "\xC5\x92uvre", .weight = 700},             /* Œuvre */
                   {.text = "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", .weight = 600},
                   {.text = "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1", .weight = 500}};
    Item it = ITEM(ITEM_SHORT, cs);
    it.text_match = TEXT_NOCASE;
    assert_int_equal(grade_text(&it, "\xC3\x89T\xC3\x89"), 1000);       /* ÉTÉ */
    assert_int_equal(grade_text(&it, "\xC3\x89t\xC3\xA9"), 1000);       /* Été */
    assert_int_equal(grade_text(&it, "E\xCC\x81TE\xCC\x81"), 1000);     /* combining */
    assert_int_equal(grade_text(&it, "ete"), 0);                        /* accents count */
    assert_int_equal(grade_text(&it, "ETE"), 0);
    assert_int_equal(grade_text(&it, "\xC3\xA7" "a VA"), 900);          /* ça VA */
    assert_int_equal(grade_text(&it, "\xC3\x87" "A VA"), 900);          /* ÇA VA */
    assert_int_equal(grade_text(&it, "ca va"), 0);
    assert_int_equal(grade_text(&it, "STRA\xC3\x9F" "E"), 800);         /* STRAßE */
    assert_int_equal(grade_text(&it, "STRA\xE1\xBA\x9E" "E"), 800);     /* STRAẞE */
    assert_int_equal(grade_text(&it, "STRASSE"), 0);                    /* ß is not ss */
    assert_int_equal(grade_text(&it, "\xC5\x93UVRE"), 700);             /* œUVRE */
    assert_int_equal(grade_text(&it, "oeuvre"), 0);
    assert_int_equal(grade_text(&it, "\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90"), 600);
    assert_int_equal(grade_text(&it, "\xCE\xB1\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1"), 500);
    assert_int_equal(grade_text(&it, "\xCE\x91\xCE\x98\xCE\x89\xCE\x9D\xCE\x91"), 500);  /* ΑΘΉΝΑ */
}

/* Characters of three and four bytes, letters without case, marks that do
 * not compose: kept as they are. */
static void test_short_other_scripts(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8D\x8E", .weight = 1000},  /* 日本 🍎 */
                   {.text = "e\xCC\x85", .weight = 700},                   /* e + overline */
                   {.text = "istanbul", .weight = 600},
                   {.text = "\xC4\xB1rmak", .weight = 500},                /* ırmak */
                   {.text = "x\xCC\x81", .weight = 400}};                   /* no x with acute */
    Item it = ITEM(ITEM_SHORT, cs);
    it.text_match = TEXT_NOCASE;
    assert_int_equal(grade_text(&it, "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x80\xAF\xF0\x9F\x8D\x8E"), 1000);
    assert_int_equal(grade_text(&it, "\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x8D\x8E"), 0);
    assert_int_equal(grade_text(&it, "E\xCC\x85"), 700);
    assert_int_equal(grade_text(&it, "e"), 0);
    assert_int_equal(grade_text(&it, "\xC4\xB0stanbul"), 600);      /* İstanbul */
    assert_int_equal(grade_text(&it, "ISTANBUL"), 600);
    assert_int_equal(grade_text(&it, "IRMAK"), 0);                     /* ı has no capital I */
    assert_int_equal(grade_text(&it, "\xC4\xB1RMAK"), 500);
    assert_int_equal(grade_text(&it, "X\xCC\x81"), 400);
    assert_int_equal(grade_text(&it, "x"), 0);
}

static void test_short_pattern(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "*ville", .weight = 1000}};
    Item it = ITEM(ITEM_SHORT, cs);
    it.text_match = TEXT_PATTERN;
    assert_int_equal(grade_text(&it, "Abbeville"), 1000);
    assert_int_equal(grade_text(&it, "ABBEVILLE"), 1000);    /* case-insensitive */
    assert_int_equal(grade_text(&it, "ville"), 1000);        /* '*' may be empty */
    assert_int_equal(grade_text(&it, "Villeneuve"), 0);      /* the whole answer */
    assert_int_equal(grade_text(&it, "Abbevill"), 0);

    cs[0].text = "*ris*";                                     /* both ends */
    assert_int_equal(grade_text(&it, "Paris"), 1000);
    assert_int_equal(grade_text(&it, "Parisien"), 1000);
    assert_int_equal(grade_text(&it, "ris"), 1000);
    assert_int_equal(grade_text(&it, "Pari"), 0);

    cs[0].text = "Pa**s";                                     /* ** is * */
    assert_int_equal(grade_text(&it, "Paris"), 1000);
    assert_int_equal(grade_text(&it, "Pas"), 1000);
    assert_int_equal(grade_text(&it, "Pa**s"), 1000);
    assert_int_equal(grade_text(&it, "Pa"), 0);

    cs[0].text = "a*a";                                       /* ends must not overlap */
    assert_int_equal(grade_text(&it, "a"), 0);
    assert_int_equal(grade_text(&it, "aa"), 1000);
    cs[0].text = "ab*b*ba";
    assert_int_equal(grade_text(&it, "abba"), 0);
    assert_int_equal(grade_text(&it, "abbba"), 1000);

    cs[0].text = "*";                                         /* anything but blank */
    assert_int_equal(grade_text(&it, "x"), 1000);
    assert_int_equal(grade_text(&it, " "), 0);
    assert_int_equal(grade_text(&it, "\xC3\x28"), 0);

    cs[0].text = "2\\*3";                                     /* \* is a star */
    assert_int_equal(grade_text(&it, "2*3"), 1000);
    assert_int_equal(grade_text(&it, "2x3"), 0);
    assert_int_equal(grade_text(&it, "2\\*3"), 0);
    cs[0].text = "a\\b*";                                     /* other \ is literal */
    assert_int_equal(grade_text(&it, "A\\Bc"), 1000);
    cs[0].text = "[a-z]+.*";                                  /* no regex */
    assert_int_equal(grade_text(&it, "abc"), 0);
    assert_int_equal(grade_text(&it, "[A-Z]+.x"), 1000);

    cs[0].text = "*\xC3\xA9t\xC3\xA9*";                       /* *été* */
    assert_int_equal(grade_text(&it, "en \xC3\x89T\xC3\x89 !"), 1000);
    assert_int_equal(grade_text(&it, "l'e\xCC\x81te\xCC\x81"), 1000);
    assert_int_equal(grade_text(&it, "ete"), 0);

    cs[0].text = "New  *  York";                              /* spaces collapse */
    assert_int_equal(grade_text(&it, "new big york"), 1000);
    assert_int_equal(grade_text(&it, "new  york"), 0);        /* needs both spaces */

    /* a learner's '*' is just a star */
    it.text_match = TEXT_NOCASE;
    cs[0].text = "*ville";
    assert_int_equal(grade_text(&it, "Abbeville"), 0);
    assert_int_equal(grade_text(&it, "*VILLE"), 1000);
}

static int64_t elapsed_ms(UsTime t0) { return (time_mono_us() - t0) / 1000; }

/* A backtracking matcher takes ~n^5 steps on these; ours stays linear. */
static void test_short_pattern_no_backtracking(void **state)
{
    (void)state;
    size_t n = 10000;
    char *text = malloc(n + 2);
    assert_non_null(text);
    memset(text, 'a', n);
    text[n] = '\0';
    Choice cs[] = {{.text = "*a*a*a*a*a*b", .weight = 1000}};
    Item it = ITEM(ITEM_SHORT, cs);
    it.text_match = TEXT_PATTERN;
    UsTime t0 = time_mono_us();
    assert_int_equal(grade_text(&it, text), 0);
    cs[0].text = "*a*a*a*a*a*b*";
    assert_int_equal(grade_text(&it, text), 0);
    cs[0].text = "a*a*a*a*a*ab*a";
    assert_int_equal(grade_text(&it, text), 0);
    text[n - 1] = 'b';
    cs[0].text = "*a*a*a*a*a*b";
    assert_int_equal(grade_text(&it, text), 1000);
    /* 5,000 segments against 10,000 characters */
    char *many = malloc(2 * 5000 + 3);
    assert_non_null(many);
    for (int i = 0; i < 5000; i++) memcpy(many + 2 * i, "*a", 2);
    memcpy(many + 10000, "*c", 3);
    cs[0].text = many;
    assert_int_equal(grade_text(&it, text), 0);
    many[10001] = 'b';
    assert_int_equal(grade_text(&it, text), 1000);
    assert_true(elapsed_ms(t0) < 500);
    free(many);
    free(text);
}

static void test_short_best_weight(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "*", .weight = 0}, {.text = "Par*", .weight = 300},
                   {.text = "Paris", .weight = 1000}, {.text = "Paris", .weight = -1000}};
    Item it = ITEM(ITEM_SHORT, cs);
    it.text_match = TEXT_PATTERN;
    assert_int_equal(grade_text(&it, "paris"), 1000);
    assert_int_equal(grade_text(&it, "Parme"), 300);
    assert_int_equal(grade_text(&it, "Rome"), 0);
    it.text_match = (TextMatch)42;          /* unknown: the strictest, EXACT */
    assert_int_equal(grade_text(&it, "Paris"), 1000);
    assert_int_equal(grade_text(&it, "paris"), 0);
    assert_int_equal(grade_text(&it, "Parme"), 0);
}

/* ======================================================================
 * MATCHING
 * ==================================================================== */

static void test_matching(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "cat", .match = "meow"}, {.text = "dog", .match = "woof"},
                   {.text = "cow", .match = "moo"}};
    Item it = ITEM(ITEM_MATCHING, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2)), 1000);
    assert_int_equal(item_grade(&it, PICKS(0, 2, 1)), 333);     /* 1 of 3 */
    assert_int_equal(item_grade(&it, PICKS(0, 1, 0)), 667);     /* 2 of 3, rounded */
    assert_int_equal(item_grade(&it, PICKS(1, 2, 0)), 0);       /* all wrong: no negatives */
    assert_int_equal(item_grade(&it, PICKS(2, 0, 1)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, -1, -1)), 333);   /* unpaired */
    assert_int_equal(item_grade(&it, PICKS(-1, -1, -1)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 0, 0)), 333);     /* a right side twice */
    /* tampering and bad lengths */
    assert_int_equal(item_grade(&it, PICKS(0, 1)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 2)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 3)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1, -2)), 0);
    assert_int_equal(item_grade(&it, NULL), 0);
}

/* The right sides are shown shuffled and once each: two left sides with the
 * same right side accept either copy. */
static void test_matching_shuffled_and_shared(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "Paris", .match = "France"}, {.text = "Berlin", .match = "Germany"},
                   {.text = "Lyon", .match = "France"}, {.text = "Rome", .match = "Italy"}};
    Item it = ITEM(ITEM_MATCHING, cs);
    it.shuffle = true;
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 3)), 1000);
    assert_int_equal(item_grade(&it, PICKS(2, 1, 0, 3)), 1000);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 0, 3)), 1000);
    assert_int_equal(item_grade(&it, PICKS(3, 1, 2, 0)), 500);
    assert_int_equal(item_grade(&it, PICKS(1, 0, 3, 2)), 0);
    assert_int_equal(item_grade(&it, PICKS(1, 1, 1, 1)), 250);
}

static void test_matching_distractors(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "H2O", .match = "water"}, {.text = "", .match = "salt"},
                   {.text = "O2", .match = "oxygen"}, {.text = NULL, .match = "gold"}};
    Item it = ITEM(ITEM_MATCHING, cs);
    assert_int_equal(item_grade(&it, PICKS(0, -1, 2, -1)), 1000);
    assert_int_equal(item_grade(&it, PICKS(1, -1, 2, -1)), 500);
    assert_int_equal(item_grade(&it, PICKS(3, 0, 1, 2)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 9, 2, -1)), 0);     /* still checked */
    Choice only[] = {{.text = "", .match = "x"}};
    Item o = ITEM(ITEM_MATCHING, only);
    assert_int_equal(item_grade(&o, PICKS(0)), 0);
}

static void test_shares_round_half_down(void **state)
{
    (void)state;
    Choice cs[16];
    char names[16][4];
    for (int i = 0; i < 16; i++) {
        snprintf(names[i], sizeof names[i], "%d", i);
        cs[i] = (Choice){.text = "left", .match = names[i]};
    }
    Item it = ITEM(ITEM_MATCHING, cs);
    int picks[16];
    Response r = {.picks = picks, .npicks = 16};
    /* k right of 16: 62.5 → 62, 187.5 → 187, 937.5 → 937, 16 → 1000 */
    static const int want[17] = {0, 62, 125, 187, 250, 312, 375, 437, 500,
                                 562, 625, 687, 750, 812, 875, 937, 1000};
    for (int k = 0; k <= 16; k++) {
        for (int i = 0; i < 16; i++) picks[i] = i < k ? i : -1;
        assert_int_equal(item_grade(&it, &r), want[k]);
    }
    /* sixths: 166.67 → 167 and 833.33 → 833 add up to 1000 */
    it.nchoices = 6;
    r.npicks = 6;
    for (int i = 0; i < 6; i++) picks[i] = i == 0 ? 0 : -1;
    assert_int_equal(item_grade(&it, &r), 167);
    for (int i = 0; i < 6; i++) picks[i] = i == 0 ? -1 : i;
    assert_int_equal(item_grade(&it, &r), 833);
}

/* 2999 of 3000 is 999.67 but not full marks: 1000 means all right. */
static void test_shares_full_means_all(void **state)
{
    (void)state;
    enum { n = 3000 };
    Choice *cs = calloc(n, sizeof *cs);
    int *picks = calloc(n, sizeof *picks);
    assert_non_null(cs);
    assert_non_null(picks);
    for (int i = 0; i < n; i++) {
        cs[i] = (Choice){.text = "same"};
        picks[i] = i;
    }
    Item it = {.type = ITEM_ORDERING, .choices = cs, .nchoices = n};
    Response r = {.picks = picks, .npicks = n};
    assert_int_equal(item_grade(&it, &r), 1000);
    it.type = ITEM_MATCHING;            /* all right sides NULL: all alike */
    picks[7] = -1;
    assert_int_equal(item_grade(&it, &r), 999);
    for (int i = 0; i < n; i++) picks[i] = i ? -1 : 0;
    assert_int_equal(item_grade(&it, &r), 0);             /* 0.33 rounds to 0 */
    free(picks);
    free(cs);
}

/* ======================================================================
 * ORDERING
 * ==================================================================== */

static void test_ordering(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "egg"}, {.text = "larva"}, {.text = "pupa"}, {.text = "imago"}};
    Item it = ITEM(ITEM_ORDERING, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 3)), 1000);
    assert_int_equal(item_grade(&it, PICKS(1, 0, 2, 3)), 500);
    assert_int_equal(item_grade(&it, PICKS(0, 2, 1, 3)), 500);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 3, 2)), 500);
    assert_int_equal(item_grade(&it, PICKS(3, 2, 1, 0)), 0);
    /* absolute position: one element moved shifts the others, all wrong */
    assert_int_equal(item_grade(&it, PICKS(1, 2, 3, 0)), 0);
    Choice three[] = {{.text = "a"}, {.text = "b"}, {.text = "c"}};
    Item t = ITEM(ITEM_ORDERING, three);
    assert_int_equal(item_grade(&t, PICKS(0, 2, 1)), 333);
    assert_int_equal(item_grade(&t, PICKS(2, 1, 0)), 333);
}

static void test_ordering_tampering(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "a"}, {.text = "b"}, {.text = "c"}};
    Item it = ITEM(ITEM_ORDERING, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 0, 2)), 0);       /* the same index twice */
    assert_int_equal(item_grade(&it, PICKS(0, 1, 1)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1)), 0);          /* an index missing */
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 2)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 3)), 0);
    assert_int_equal(item_grade(&it, PICKS(0, 1, -1)), 0);
    assert_int_equal(item_grade(&it, NULL), 0);
    assert_int_equal(item_grade(&it, &(Response){.npicks = 3}), 0);
}

/* Choices with the same text are distinct choices but interchangeable. */
static void test_ordering_with_duplicates(void **state)
{
    (void)state;
    Choice cs[] = {{.text = "do"}, {.text = "re"}, {.text = "do"}, {.text = "mi"}};
    Item it = ITEM(ITEM_ORDERING, cs);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 2, 3)), 1000);
    assert_int_equal(item_grade(&it, PICKS(2, 1, 0, 3)), 1000);   /* the two "do" swapped */
    assert_int_equal(item_grade(&it, PICKS(1, 0, 2, 3)), 500);
    assert_int_equal(item_grade(&it, PICKS(0, 2, 1, 3)), 500);
    assert_int_equal(item_grade(&it, PICKS(0, 1, 0, 3)), 0);      /* one "do" twice: tampering */
    Choice same[] = {{.text = "x"}, {.text = "x"}, {.text = "x"}};
    Item s = ITEM(ITEM_ORDERING, same);
    assert_int_equal(item_grade(&s, PICKS(2, 0, 1)), 1000);
}

/* ======================================================================
 * CLOZE
 * ==================================================================== */

/* "{#0} + 2 = 4; the capital of France is {#1}; the sky is {#2}." */
static Choice cloze_choices[] = {
    {.gap = 0, .gap_type = ITEM_NUMERIC, .num_value = 2000000, .weight = 1000},
    {.gap = 1, .gap_type = ITEM_SHORT, .text = "Paris", .weight = 1000},
    {.gap = 1, .gap_type = ITEM_SHORT, .text = "Lutèce", .weight = 500},
    {.gap = 2, .gap_type = ITEM_SINGLE, .text = "blue", .weight = 1000},
    {.gap = 2, .gap_type = ITEM_SINGLE, .text = "green", .weight = 0},
    {.gap = 2, .gap_type = ITEM_SINGLE, .text = "grey", .weight = 400},
};

static int grade_cloze(int ntexts, const char *t0, const char *t1, const char *t2)
{
    Item it = ITEM(ITEM_CLOZE, cloze_choices);
    it.ngaps = 3;
    it.text_match = TEXT_NOCASE;
    char *texts[] = {(char *)t0, (char *)t1, (char *)t2};
    Response r = {.texts = texts, .ntexts = ntexts};
    return item_grade(&it, &r);
}

static void test_cloze_mixed_gaps(void **state)
{
    (void)state;
    assert_int_equal(grade_cloze(3, "2", "paris", "3"), 1000);
    assert_int_equal(grade_cloze(3, " 2,0 ", "PARIS", "3"), 1000);
    assert_int_equal(grade_cloze(3, "2", "paris", "4"), 667);       /* green */
    assert_int_equal(grade_cloze(3, "2", "LUTÈCE", "5"), 633);      /* (1000+500+400)/3 */
    assert_int_equal(grade_cloze(3, "3", "Rome", "4"), 0);
    assert_int_equal(grade_cloze(3, "2", "lutece", "3"), 667);      /* accents count */
    /* a SINGLE gap takes only its own choices' indexes */
    assert_int_equal(grade_cloze(3, "2", "paris", "1"), 667);
    assert_int_equal(grade_cloze(3, "2", "paris", "0"), 667);
    assert_int_equal(grade_cloze(3, "2", "paris", "6"), 667);
    assert_int_equal(grade_cloze(3, "2", "paris", "-3"), 667);
    assert_int_equal(grade_cloze(3, "2", "paris", "blue"), 667);
    assert_int_equal(grade_cloze(3, "2", "paris", ""), 667);
}

static void test_cloze_missing_gaps(void **state)
{
    (void)state;
    assert_int_equal(grade_cloze(2, "2", "paris", "3"), 667);      /* texts too short */
    assert_int_equal(grade_cloze(3, "2", NULL, "3"), 667);
    assert_int_equal(grade_cloze(3, NULL, NULL, "3"), 333);
    assert_int_equal(grade_cloze(0, "2", "paris", "3"), 0);
    Item it = ITEM(ITEM_CLOZE, cloze_choices);
    it.ngaps = 3;
    assert_int_equal(item_grade(&it, NULL), 0);
    assert_int_equal(item_grade(&it, &(Response){.ntexts = 3}), 0);     /* texts NULL */
    /* a gap with no answers is never right, yet it counts: 4 gaps */
    it.ngaps = 4;
    char *texts[] = {"2", "Paris", "3", "x"};
    assert_int_equal(item_grade(&it, &(Response){.texts = texts, .ntexts = 4}), 750);
    it.ngaps = 0;
    assert_int_equal(item_grade(&it, &(Response){.texts = texts, .ntexts = 4}), 0);
}

/* No gap_type: a SHORT gap, with the item's text_match. */
static void test_cloze_default_short(void **state)
{
    (void)state;
    Choice cs[] = {{.gap = 0, .text = "ab*", .weight = 1000},
                   {.gap = 1, .text = "7", .weight = 1000}};
    Item it = ITEM(ITEM_CLOZE, cs);
    it.ngaps = 2;
    char *texts[] = {"ABC", "7.0"};
    Response r = {.texts = texts, .ntexts = 2};
    assert_int_equal(item_grade(&it, &r), 0);
    it.text_match = TEXT_PATTERN;
    assert_int_equal(item_grade(&it, &r), 500);
    texts[1] = "7";
    assert_int_equal(item_grade(&it, &r), 1000);
    cs[0].gap_type = ITEM_ESSAY;            /* not a gap kind: never right */
    assert_int_equal(item_grade(&it, &r), 500);
}

/* ======================================================================
 * Items without an automatic grade
 * ==================================================================== */

static void test_essay_and_others(void **state)
{
    (void)state;
    Item essay = {.type = ITEM_ESSAY};
    assert_int_equal(item_grade(&essay, &(Response){.text = "My essay."}), -1);
    assert_int_equal(item_grade(&essay, NULL), -1);
    Item desc = {.type = ITEM_DESCRIPTION};
    assert_int_equal(item_grade(&desc, NULL), -1);
    Item unknown = {.type = (ItemType)0};
    assert_int_equal(item_grade(&unknown, NULL), -1);
    unknown.type = (ItemType)77;
    assert_int_equal(item_grade(&unknown, PICKS(0)), -1);
    assert_int_equal(item_grade(NULL, NULL), -1);
    /* every gradable type with no choices and no response: 0 */
    for (ItemType t = ITEM_SINGLE; t <= ITEM_CLOZE; t++) {
        Item empty = {.type = t, .ngaps = 2};
        assert_int_equal(item_grade(&empty, NULL), 0);
        assert_int_equal(item_grade(&empty, PICKS(0)), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_single),
        cmocka_unit_test(test_single_bad_picks),
        cmocka_unit_test(test_truefalse),
        cmocka_unit_test(test_multiple_partial_credit),
        cmocka_unit_test(test_multiple_duplicates_and_tampering),
        cmocka_unit_test(test_multiple_clamped_above),
        cmocka_unit_test(test_numeric_syntax),
        cmocka_unit_test(test_numeric_zero_and_sign),
        cmocka_unit_test(test_numeric_tolerance_boundary),
        cmocka_unit_test(test_numeric_negative_boundary),
        cmocka_unit_test(test_numeric_range_inclusive),
        cmocka_unit_test(test_numeric_best_weight),
        cmocka_unit_test(test_numeric_huge),
        cmocka_unit_test(test_short_exact_and_spaces),
        cmocka_unit_test(test_short_blank_and_invalid),
        cmocka_unit_test(test_short_combining_accents),
        cmocka_unit_test(test_short_nocase_unicode),
        cmocka_unit_test(test_short_other_scripts),
        cmocka_unit_test(test_short_pattern),
        cmocka_unit_test(test_short_pattern_no_backtracking),
        cmocka_unit_test(test_short_best_weight),
        cmocka_unit_test(test_matching),
        cmocka_unit_test(test_matching_shuffled_and_shared),
        cmocka_unit_test(test_matching_distractors),
        cmocka_unit_test(test_shares_round_half_down),
        cmocka_unit_test(test_shares_full_means_all),
        cmocka_unit_test(test_ordering),
        cmocka_unit_test(test_ordering_tampering),
        cmocka_unit_test(test_ordering_with_duplicates),
        cmocka_unit_test(test_cloze_mixed_gaps),
        cmocka_unit_test(test_cloze_missing_gaps),
        cmocka_unit_test(test_cloze_default_short),
        cmocka_unit_test(test_essay_and_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
