/* test_gift.c — GIFT import and export (src/assess/gift.c): real-world-like
 * files under tests/unit/gift/ parsed item by item, round trips on each of
 * them, the canonical output, and malformed input with the line and column
 * each error must name.  Files are read relative to the repository root,
 * where scripts/test.sh runs the suites. */
#include "testutil.h"
#include "assess/gift.h"

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

#define LIT(s) (s), (sizeof(s) - 1)

/* The whole file, NUL-terminated, in the arena. */
static char *slurp(Arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run from the repository root)", path);
    Buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    char *s = arena_strndup(a, buf_cstr(&b), b.len);
    buf_free(&b);
    return s;
}

static void parse_ok(Arena *a, const char *src, size_t len, ItemBank *bank)
{
    GiftError e;
    int rc = gift_parse(a, src, len, bank, &e);
    if (rc != LN_OK) fail_msg("parse failed at %d:%d: %s", e.line, e.column, e.message);
}

static void parse_file(Arena *a, const char *path, ItemBank *bank)
{
    size_t len;
    char *src = slurp(a, path, &len);
    parse_ok(a, src, len, bank);
}

/* assert_string_equal that also takes two NULLs. */
static void str_is(const char *got, const char *want)
{
    if (!want) {
        if (got) fail_msg("expected NULL, got \"%s\"", got);
        return;
    }
    if (!got) fail_msg("expected \"%s\", got NULL", want);
    assert_string_equal(got, want);
}

static const Item *item_is(const ItemBank *b, int i, ItemType type, const char *title,
                           const char *text, int nchoices)
{
    assert_true(i < b->n);
    const Item *it = &b->items[i];
    assert_int_equal(it->type, type);
    str_is(it->title, title);
    str_is(it->text, text);
    assert_int_equal(it->nchoices, nchoices);
    return it;
}

static void choice_is(const Item *it, int k, const char *text, int weight, const char *feedback)
{
    const Choice *c = &it->choices[k];
    str_is(c->text, text);
    assert_int_equal(c->weight, weight);
    str_is(c->feedback, feedback);
}

static void pair_is(const Item *it, int k, const char *left, const char *right)
{
    str_is(it->choices[k].text, left);
    str_is(it->choices[k].match, right);
}

static void number_is(const Item *it, int k, int64_t value, int64_t tolerance, int weight,
                      const char *feedback)
{
    const Choice *c = &it->choices[k];
    assert_false(c->num_is_range);
    assert_true(c->num_value == value);
    assert_true(c->num_tolerance == tolerance);
    assert_int_equal(c->weight, weight);
    str_is(c->feedback, feedback);
}

static void other_is(const Item *it, int k, const char *feedback)
{
    const Choice *c = &it->choices[k];
    str_is(c->text, "*");
    assert_true(c->num_is_range && c->num_min == INT64_MIN && c->num_max == INT64_MAX);
    assert_int_equal(c->weight, 0);
    str_is(c->feedback, feedback);
}

/* TRUEFALSE: which is right and what each pick shows. */
static void truefalse_is(const Item *it, bool truth, const char *fb_true, const char *fb_false)
{
    assert_int_equal(it->type, ITEM_TRUEFALSE);
    choice_is(it, 0, "true", truth ? 1000 : 0, fb_true);
    choice_is(it, 1, "false", truth ? 0 : 1000, fb_false);
}

/* ---- bank equality over every field but `line` ------------------------ */

static void choices_equal(const Choice *x, const Choice *y)
{
    str_is(x->text, y->text);
    str_is(x->match, y->match);
    assert_int_equal(x->weight, y->weight);
    str_is(x->feedback, y->feedback);
    assert_true(x->num_value == y->num_value && x->num_tolerance == y->num_tolerance);
    assert_true(x->num_min == y->num_min && x->num_max == y->num_max);
    assert_int_equal(x->num_is_range, y->num_is_range);
    assert_int_equal(x->gap, y->gap);
    assert_int_equal(x->gap_type, y->gap_type);
}

static void items_equal(const Item *x, const Item *y)
{
    assert_int_equal(x->type, y->type);
    str_is(x->title, y->title);
    str_is(x->text, y->text);
    str_is(x->text_format, y->text_format);
    str_is(x->general_feedback, y->general_feedback);
    str_is(x->category, y->category);
    str_is(x->id, y->id);
    assert_int_equal(x->nchoices, y->nchoices);
    for (int k = 0; k < x->nchoices; k++) choices_equal(&x->choices[k], &y->choices[k]);
    assert_int_equal(x->ngaps, y->ngaps);
    assert_int_equal(x->text_match, y->text_match);
    assert_int_equal(x->points, y->points);
    assert_int_equal(x->shuffle, y->shuffle);
}

static void banks_equal(const ItemBank *x, const ItemBank *y)
{
    assert_int_equal(x->n, y->n);
    for (int i = 0; i < x->n; i++) items_equal(&x->items[i], &y->items[i]);
}

/* write → parse gives the same bank; writing that gives the same bytes. */
static void round_trip(Arena *a, const ItemBank *bank)
{
    Buf w1, w2;
    buf_init(&w1, 0);
    buf_init(&w2, 0);
    int skipped = -1;
    gift_write_ex(&w1, bank, &skipped);
    assert_int_equal(skipped, 0);
    ItemBank again;
    GiftError e;
    if (gift_parse(a, buf_cstr(&w1), w1.len, &again, &e) != LN_OK)
        fail_msg("written GIFT does not parse at %d:%d: %s\n%s", e.line, e.column, e.message,
                 buf_cstr(&w1));
    banks_equal(bank, &again);
    gift_write(&w2, &again);
    assert_int_equal(w1.len, w2.len);
    assert_memory_equal(buf_cstr(&w1), buf_cstr(&w2), w1.len);
    buf_free(&w1);
    buf_free(&w2);
}

/* ======================================================================
 * The files
 * ==================================================================== */

static void test_file_all_syntax(void **state)
{
    Arena *a = *state;
    ItemBank b;
    parse_file(a, "tests/unit/gift/all_syntax.gift", &b);
    assert_int_equal(b.n, 17);
    const Item *it;

    it = item_is(&b, 0, ITEM_TRUEFALSE, "True", "Grant is buried in Grant's tomb.", 2);
    truefalse_is(it, true, NULL, NULL);
    assert_int_equal(it->line, 4);
    str_is(it->text_format, "moodle");
    str_is(it->category, NULL);
    assert_int_equal(it->points, 1000);

    it = item_is(&b, 1, ITEM_TRUEFALSE, "False with feedback", "The sun rises in the west.", 2);
    truefalse_is(it, false, "No: it rises in the east.", "Right, it sets there.");

    it = item_is(&b, 2, ITEM_SINGLE, "Single", "Who's buried in Grant's tomb?", 4);
    choice_is(it, 0, "Grant", 1000, "Right.");
    choice_is(it, 1, "No one", 0, "Not quite.");
    choice_is(it, 2, "Napoleon", 0, NULL);
    choice_is(it, 3, "Churchill", 0, NULL);
    assert_true(it->shuffle);

    it = item_is(&b, 3, ITEM_MULTIPLE, "Multiple",
                 "What two people are entombed in Grant's tomb?", 3);
    choice_is(it, 0, "Grant", 500, NULL);
    choice_is(it, 1, "Grant's wife", 500, NULL);
    choice_is(it, 2, "Grant's father", -1000, NULL);

    it = item_is(&b, 4, ITEM_SHORT, "Short", "Who's buried in Grant's tomb?", 3);
    choice_is(it, 0, "Grant", 1000, NULL);
    choice_is(it, 1, "Ulysses S. Grant", 1000, NULL);
    choice_is(it, 2, "Ulysses Grant", 500, "Almost: his full name.");
    assert_int_equal(it->text_match, TEXT_NOCASE);

    it = item_is(&b, 5, ITEM_SHORT, "One answer", "Capital of France?", 1);
    choice_is(it, 0, "Paris", 1000, NULL);

    it = item_is(&b, 6, ITEM_MATCHING, "Matching", "Match the countries with their capitals.", 4);
    pair_is(it, 0, "Canada", "Ottawa");
    pair_is(it, 1, "Italy", "Rome");
    pair_is(it, 2, "Japan", "Tokyo");
    pair_is(it, 3, "", "Paris");

    it = item_is(&b, 7, ITEM_SINGLE, "Missing word", "Grant is _____ in Grant's tomb.", 3);
    choice_is(it, 0, "buried", 0, NULL);
    choice_is(it, 1, "entombed", 1000, NULL);
    choice_is(it, 2, "living", 0, NULL);

    it = item_is(&b, 8, ITEM_NUMERIC, "Numeric", "What is pi to two decimals?", 1);
    number_is(it, 0, 3140000, 5000, 1000, NULL);

    it = item_is(&b, 9, ITEM_NUMERIC, "Range", "A number from 1 to 5?", 1);
    assert_true(it->choices[0].num_is_range);
    assert_true(it->choices[0].num_min == 1000000 && it->choices[0].num_max == 5000000);

    it = item_is(&b, 10, ITEM_NUMERIC, "Numeric answers", "When was Ulysses S. Grant born?", 3);
    number_is(it, 0, INT64_C(1822000000), 0, 1000, "Exactly.");
    number_is(it, 1, INT64_C(1822000000), 2000000, 500, "Close.");
    other_is(it, 2, "Look it up.");

    it = item_is(&b, 11, ITEM_ESSAY, "Essay", "Describe your favourite tomb.", 0);
    str_is(it->general_feedback, NULL);

    it = item_is(&b, 12, ITEM_DESCRIPTION, "Description",
                 "This text has no answers: it introduces what follows.", 0);
    assert_int_equal(it->points, 0);

    it = item_is(&b, 13, ITEM_TRUEFALSE, "General feedback", "Is 1 + 1 two?", 2);
    truefalse_is(it, true, NULL, NULL);
    str_is(it->general_feedback, "Arithmetic.");

    it = item_is(&b, 14, ITEM_SINGLE, NULL, "**Bold** is markdown?", 2);
    str_is(it->text_format, "markdown");
    choice_is(it, 0, "yes", 1000, NULL);
    choice_is(it, 1, "no", 0, NULL);

    it = item_is(&b, 15, ITEM_SINGLE, "Escapes",
                 "Braces {x}, = and ~, # and 12:30, a back\\slash\nand a new line.", 2);
    choice_is(it, 0, "a = b", 1000, "fb # c");
    choice_is(it, 1, "{x}", 0, NULL);

    it = item_is(&b, 16, ITEM_SINGLE, NULL, "Untitled question\nover two lines", 2);
    choice_is(it, 0, "right", 1000, NULL);
    choice_is(it, 1, "wrong", 0, NULL);
    assert_int_equal(it->line, 49);

    round_trip(a, &b);
}

static void test_file_moodle_export(void **state)
{
    Arena *a = *state;
    ItemBank b;
    parse_file(a, "tests/unit/gift/moodle_export.gift", &b);
    assert_int_equal(b.n, 9);
    const char *cells = "$course$/top/Default for Biology 101/Cells";
    const char *genetics = "$course$/top/Default for Biology 101/Genetics";
    const Item *it;

    it = item_is(&b, 0, ITEM_SINGLE, "Cell organelle",
                 "<p>Which organelle produces <span style=\"color: red\">ATP</span>?</p>", 3);
    str_is(it->category, cells);
    str_is(it->id, "BIO-1");
    str_is(it->text_format, "html");
    choice_is(it, 0, "<p>Mitochondrion</p>", 1000, "<p>Yes: the powerhouse.</p>");
    choice_is(it, 1, "<p>Nucleus</p>", 0, "<p>No, it holds the DNA.</p>");
    choice_is(it, 2, "<p>Ribosome</p>", 0, NULL);
    str_is(it->general_feedback, "<p>See chapter 3.</p>");
    assert_int_equal(it->line, 7);

    it = item_is(&b, 1, ITEM_NUMERIC, "Cell count",
                 "<p>How many cells are in a human body, in trillions?</p>", 3);
    str_is(it->id, NULL);
    str_is(it->category, cells);
    number_is(it, 0, 37000000, 5000000, 1000, NULL);
    number_is(it, 1, 37000000, 15000000, 500, "<p>Roughly.</p>");
    other_is(it, 2, "<p>Far off.</p>");

    it = item_is(&b, 2, ITEM_TRUEFALSE, "Osmosis",
                 "<p>Osmosis moves water across a membrane.</p>", 2);
    truefalse_is(it, true, "<p>Yes.</p>", "<p>It does.</p>");

    it = item_is(&b, 3, ITEM_SHORT, "Enzyme", "<p>Name the enzyme that breaks down starch.</p>", 2);
    choice_is(it, 0, "amylase", 1000, NULL);
    choice_is(it, 1, "ptyalin", 1000, "<p>Its old name.</p>");

    it = item_is(&b, 4, ITEM_MULTIPLE, "Primes", "<p>Which numbers are prime?</p>", 4);
    choice_is(it, 0, "2", 333, NULL);
    choice_is(it, 1, "3", 333, NULL);
    choice_is(it, 2, "5", 333, NULL);
    choice_is(it, 3, "4", -1000, "<p>4 = 2 × 2.</p>");

    it = item_is(&b, 5, ITEM_MATCHING, "Bases", "<p>Match the DNA bases.</p>", 2);
    str_is(it->category, genetics);
    str_is(it->id, "GEN-]1]");
    pair_is(it, 0, "<p>Adenine</p>", "Thymine");
    pair_is(it, 1, "<p>Cytosine</p>", "Guanine");
    str_is(it->general_feedback, "<p>A-T, C-G.</p>");

    it = item_is(&b, 6, ITEM_ESSAY, "Natural selection", "<p>Explain natural selection.</p>", 0);
    str_is(it->general_feedback, "<p>Mention variation, heredity and selection.</p>");

    it = item_is(&b, 7, ITEM_DESCRIPTION, "Intro", "<p>The next questions are about Mendel.</p>", 0);
    str_is(it->text_format, "html");

    it = item_is(&b, 8, ITEM_SINGLE, "Mendel", "Mendel worked with _____ in his garden.", 3);
    str_is(it->text_format, "plain");
    str_is(it->category, genetics);
    choice_is(it, 1, "peas", 1000, NULL);

    round_trip(a, &b);
}

static void test_file_french(void **state)
{
    Arena *a = *state;
    ItemBank b;
    parse_file(a, "tests/unit/gift/french.gift", &b);
    assert_int_equal(b.n, 9);
    const Item *it;

    it = item_is(&b, 0, ITEM_SINGLE, "Accord",
                 "Quel participe convient dans « Les fleurs que j'ai ___ » ?", 3);
    str_is(it->category, "Français/Grammaire");
    choice_is(it, 0, "cueillies", 1000, "Bravo : accord avec le COD placé avant.");
    choice_is(it, 1, "cueilli", 0, "Non : le COD « que » est placé avant.");
    choice_is(it, 2, "cueillis", 0, NULL);

    it = item_is(&b, 1, ITEM_SHORT, "Heure",
                 "Le train part à 12:30 ; à quelle heure arrive-t-il après 2 h de trajet ?", 3);
    choice_is(it, 0, "14:30", 1000, NULL);
    choice_is(it, 1, "14h30", 1000, NULL);
    choice_is(it, 2, "quatorze heures et demie", 500, NULL);

    it = item_is(&b, 2, ITEM_NUMERIC, "Équation", "Résolvez : 2x = 10. x vaut _____ (un entier).", 1);
    number_is(it, 0, 5000000, 0, 1000, NULL);

    it = item_is(&b, 3, ITEM_TRUEFALSE, "Vrai ou faux", "« Être » est un verbe du premier groupe.", 2);
    truefalse_is(it, false, "Non : « être » est un auxiliaire.", "Exact !");

    it = item_is(&b, 4, ITEM_SINGLE, "Accolades",
                 "En LaTeX, comment écrit-on une fraction ? \\(\\frac{a}{b}\\)", 2);
    str_is(it->category, "Français/Symboles");
    choice_is(it, 0, "\\frac{a}{b}", 1000, NULL);
    choice_is(it, 1, "\\over", 0, NULL);

    it = item_is(&b, 5, ITEM_SINGLE, "Dièse", "Quel symbole appelle-t-on « dièse » en musique ?", 2);
    choice_is(it, 0, "#", 1000, "Oui, pas le croisillon.");
    choice_is(it, 1, "&#9837;", 0, "C'est le bémol.");

    it = item_is(&b, 6, ITEM_SINGLE, "Tilde", "Quel signe porte le « ñ » espagnol ?", 3);
    choice_is(it, 0, "le tilde (~)", 1000, NULL);
    choice_is(it, 2, "la cédille", 0, NULL);

    it = item_is(&b, 7, ITEM_MATCHING, "Appariement", "Associez chaque mot à sa traduction.", 3);
    pair_is(it, 2, "oiseau", "bird");

    it = item_is(&b, 8, ITEM_ESSAY, "Rédaction", "Décrivez votre été en cinq phrases.", 0);
    str_is(it->general_feedback, "Soignez l'accord des participes passés.");

    round_trip(a, &b);
}

static void test_file_crlf_bom(void **state)
{
    Arena *a = *state;
    ItemBank b;
    parse_file(a, "tests/unit/gift/crlf_bom.gift", &b);
    assert_int_equal(b.n, 3);
    const Item *it;

    it = item_is(&b, 0, ITEM_TRUEFALSE, "Q1", "Fin de ligne Windows ?", 2);
    assert_int_equal(it->line, 2);
    it = item_is(&b, 1, ITEM_SINGLE, "Q2", "Multi-line\nquestion, été", 2);
    choice_is(it, 0, "yes", 1000, "Oui.");
    choice_is(it, 1, "no", 0, NULL);
    assert_int_equal(it->line, 4);
    it = item_is(&b, 2, ITEM_NUMERIC, "Q3", "Last line without a line end", 1);
    number_is(it, 0, 42000000, 0, 1000, NULL);
    assert_int_equal(it->line, 11);

    /* No CR survives in any text. */
    for (int i = 0; i < b.n; i++) assert_null(strchr(b.items[i].text, '\r'));
    round_trip(a, &b);
}

/* ======================================================================
 * Forms and rules, one by one
 * ==================================================================== */

static const Item *parse_one(Arena *a, const char *src, ItemBank *b)
{
    parse_ok(a, src, strlen(src), b);
    assert_int_equal(b->n, 1);
    return &b->items[0];
}

static void test_truefalse_forms(void **state)
{
    Arena *a = *state;
    ItemBank b;
    static const char *const yes[] = {"Q{T}", "Q{TRUE}", "Q{ T }", "Q{TRUE####gf}"};
    static const char *const no[] = {"Q{F}", "Q{FALSE}", "Q{F#}"};
    for (size_t i = 0; i < LN_ARRAY_LEN(yes); i++) truefalse_is(parse_one(a, yes[i], &b), true, NULL, NULL);
    for (size_t i = 0; i < LN_ARRAY_LEN(no); i++) truefalse_is(parse_one(a, no[i], &b), false, NULL, NULL);
    /* Only the right-answer feedback: an empty wrong one before it. */
    truefalse_is(parse_one(a, "Q{T##well done}", &b), true, "well done", NULL);
    /* Case matters, as in Moodle: "{t}" is a short answer. */
    assert_int_equal(parse_one(a, "Q{t}", &b)->type, ITEM_SHORT);
}

static void test_weights(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const Item *it = parse_one(a, "Q{~%100%a ~%-50%b ~%33.33333%c ~%12.25%d ~%-0.05%e ~%0%f}", &b);
    assert_int_equal(it->type, ITEM_MULTIPLE);
    static const int want[] = {1000, -500, 333, 123, -1, 0};
    for (int k = 0; k < 6; k++) assert_int_equal(it->choices[k].weight, want[k]);
    /* A weight after '=' counts in a multiple choice too. */
    it = parse_one(a, "Q{=%50%a ~b}", &b);
    assert_int_equal(it->type, ITEM_SINGLE);
    choice_is(it, 0, "a", 500, NULL);
    /* Thirds are written as Moodle's grade list has them. */
    parse_one(a, "Q{~%33.33333%a ~%-33.33333%b ~%66.66667%c ~%12.5%d}", &b);
    Buf w;
    buf_init(&w, 0);
    gift_write(&w, &b);
    assert_string_equal(buf_cstr(&w), "Q{\n\t~%33.33333%a\n\t~%-33.33333%b\n\t~%66.66667%c\n\t~%12.5%d\n}\n\n");
    buf_free(&w);
    round_trip(a, &b);
    /* Short answers: "=%n%"; and blanks around the weight are fine. */
    it = parse_one(a, "Q{= %50% half =full}", &b);
    choice_is(it, 0, "half", 500, NULL);
    choice_is(it, 1, "full", 1000, NULL);
    round_trip(a, &b);
}

static void test_short_patterns(void **state)
{
    Arena *a = *state;
    ItemBank b;
    assert_int_equal(parse_one(a, "Q{=Paris}", &b)->text_match, TEXT_NOCASE);
    const Item *it = parse_one(a, "Q{=Par* =%50%*}", &b);
    assert_int_equal(it->text_match, TEXT_PATTERN);
    choice_is(it, 1, "*", 500, NULL);
    /* "\*" stays as written: the grader's pattern reads it as a star. */
    it = parse_one(a, "Q{=5 \\* 3}", &b);
    str_is(it->choices[0].text, "5 \\* 3");
    assert_int_equal(it->text_match, TEXT_PATTERN);
    round_trip(a, &b);
    /* A '*' in a multiple choice is only text. */
    assert_int_equal(parse_one(a, "Q{=* ~b}", &b)->text_match, TEXT_EXACT);
}

static void test_numeric_forms(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const Item *it = parse_one(a, "Q{#=%100%3.14:0 =%50%3.1:0.1}", &b);
    number_is(it, 0, 3140000, 0, 1000, NULL);
    number_is(it, 1, 3100000, 100000, 500, NULL);
    it = parse_one(a, "Q{# =%100%3.14:0 =%50%3.1:0.1 }", &b);
    assert_int_equal(it->nchoices, 2);
    it = parse_one(a, "Q{#-5..-1#in range}", &b);
    assert_true(it->choices[0].num_min == -5000000 && it->choices[0].num_max == -1000000);
    str_is(it->choices[0].feedback, "in range");
    static const struct { const char *src; int64_t v; } nums[] = {
        {"Q{#1e3}", INT64_C(1000000000)}, {"Q{#.5}", 500000}, {"Q{#5.}", 5000000},
        {"Q{#+2}", 2000000}, {"Q{#-0.0000005}", -1}, {"Q{#0.00000049}", 0},
        {"Q{#2.5E-3}", 2500}, {"Q{#999999999999.999999}", INT64_C(999999999999999999)},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(nums); i++) {
        it = parse_one(a, nums[i].src, &b);
        if (it->choices[0].num_value != nums[i].v)
            fail_msg("%s: %lld", nums[i].src, (long long)it->choices[0].num_value);
    }
    /* Moodle's "any other answer" without feedback. */
    it = parse_one(a, "Q{#42 ~}", &b);
    other_is(it, 1, NULL);
    round_trip(a, &b);
}

static void test_missing_word(void **state)
{
    Arena *a = *state;
    ItemBank b;
    /* Any type may stand in the middle of the text. */
    const Item *it = parse_one(a, "Two plus {=two =2} equals four.", &b);
    item_is(&b, 0, ITEM_SHORT, NULL, "Two plus _____ equals four.", 2);
    it = parse_one(a, "{=Paris ~Lyon} is the capital.", &b);
    str_is(it->text, "_____ is the capital.");
    it = parse_one(a, "Write {} here.", &b);
    assert_int_equal(it->type, ITEM_ESSAY);
    str_is(it->text, "Write _____ here.");
    /* Braces then blanks only: no blank in the text. */
    it = parse_one(a, "Capital? {=Paris}   ", &b);
    str_is(it->text, "Capital?");
}

static void test_missing_word_written_in_place(void **state)
{
    Arena *a = *state;
    ItemBank b;
    parse_one(a, "::M::Grant is {~buried =entombed} in Grant's tomb.", &b);
    Buf w;
    buf_init(&w, 0);
    gift_write(&w, &b);
    assert_string_equal(buf_cstr(&w), "::M::Grant is {\n\t~buried\n\t=entombed\n} in Grant's tomb.\n\n");
    buf_free(&w);
    /* A "_____" of the author's at the end stays text, the answers after it. */
    parse_one(a, "Fill in: _____{=x}", &b);
    str_is(b.items[0].text, "Fill in: _____");
    round_trip(a, &b);
}

static void test_comments_and_blocks(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const char *src =
        "// header\n"
        "   // indented comment\n"
        "Q1 {T}\n"
        "// a comment does not end a question\n"
        "\t  \n"                /* blanks only: ends it */
        "Q2 {\n"
        "=a\n"
        "// between answers\n"
        "~b}\n"
        "// trailing comment\n";
    parse_ok(a, src, strlen(src), &b);
    assert_int_equal(b.n, 2);
    item_is(&b, 0, ITEM_TRUEFALSE, NULL, "Q1", 2);
    item_is(&b, 1, ITEM_SINGLE, NULL, "Q2", 2);
    assert_int_equal(b.items[1].line, 6);
    /* "//" later in a line is text (a URL). */
    parse_ok(a, LIT("See http://example.com {T}"), &b);
    str_is(b.items[0].text, "See http://example.com");
    /* Nothing but comments and blanks: an empty bank. */
    parse_ok(a, LIT("// only\n\n  \n// comments\n"), &b);
    assert_int_equal(b.n, 0);
    parse_ok(a, "", 0, &b);
    assert_int_equal(b.n, 0);
}

static void test_categories(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const char *src =
        "Q0{T}\n\n"
        "$CATEGORY:   top/A  \n\n"
        "Q1{T}\n\n"
        "$CATEGORY: top/B\n"
        "Q2{T}\n\n"            /* a question right under the category line */
        "$CATEGORY:\n\n"
        "Q3{T}\n";
    parse_ok(a, src, strlen(src), &b);
    assert_int_equal(b.n, 4);
    str_is(b.items[0].category, NULL);
    str_is(b.items[1].category, "top/A");
    str_is(b.items[2].category, "top/B");
    assert_int_equal(b.items[2].line, 8);
    str_is(b.items[3].category, NULL);
    Buf w;
    buf_init(&w, 0);
    gift_write(&w, &b);
    assert_string_equal(buf_cstr(&w),
                        "Q0{TRUE}\n\n"
                        "$CATEGORY: top/A\n\nQ1{TRUE}\n\n"
                        "$CATEGORY: top/B\n\nQ2{TRUE}\n\n"
                        "$CATEGORY:\n\nQ3{TRUE}\n\n");
    buf_free(&w);
    round_trip(a, &b);
}

static void test_formats(void **state)
{
    Arena *a = *state;
    ItemBank b;
    static const char *const names[] = {"html", "moodle", "plain", "markdown"};
    for (size_t i = 0; i < LN_ARRAY_LEN(names); i++) {
        char src[64];
        snprintf(src, sizeof src, "::T:: [%s] Text {T}", names[i]);
        const Item *it = parse_one(a, src, &b);
        str_is(it->text_format, names[i]);
        str_is(it->text, "Text");
    }
    /* Unknown or differently cased: part of the text. */
    str_is(parse_one(a, "[HTML]x{T}", &b)->text, "[HTML]x");
    str_is(parse_one(a, "[rst]x{T}", &b)->text, "[rst]x");
    /* On answers and feedback a format is dropped: one format per item. */
    const Item *it = parse_one(a, "[html]Q{=[html]<b>a</b>#[plain]ok ~[moodle]b}", &b);
    choice_is(it, 0, "<b>a</b>", 1000, "ok");
    choice_is(it, 1, "b", 0, NULL);
    /* A text that starts like a format keeps it through a round trip. */
    it = parse_one(a, "[moodle][html]x{=[plain][html]y ~z}", &b);
    str_is(it->text, "[html]x");
    str_is(it->text_format, "moodle");
    str_is(it->choices[0].text, "[html]y");
    round_trip(a, &b);
    it = parse_one(a, "::t::[moodle]// not a comment{T}", &b);
    round_trip(a, &b);
    it = parse_one(a, "[moodle]// not a comment{T}", &b);
    str_is(it->text, "// not a comment");
    round_trip(a, &b);
    /* A text starting with U+FEFF, first in the file, is no byte order mark. */
    it = parse_one(a, "// c\n\xEF\xBB\xBFQ", &b);
    str_is(it->text, "\xEF\xBB\xBFQ");
    round_trip(a, &b);
}

static void test_escapes(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const Item *it = parse_one(a, "::a\\:\\:b::\\~\\=\\#\\{\\}\\:\\\\ x\\ny{=\\~\\=\\#\\{\\}\\:\\\\ ~b}", &b);
    str_is(it->title, "a::b");
    str_is(it->text, "~=#{}:\\ x\ny");
    str_is(it->choices[0].text, "~=#{}:\\");
    /* A backslash before anything else stays (LaTeX for MathJax). */
    it = parse_one(a, "\\(x^2\\) \\frac \\- \\% {T}", &b);
    str_is(it->text, "\\(x^2\\) \\frac \\- \\%");
    round_trip(a, &b);
    /* ...and "\->" in an answer is no arrow. */
    it = parse_one(a, "Q{=a \\-> b ~c}", &b);
    assert_int_equal(it->type, ITEM_SINGLE);
    str_is(it->choices[0].text, "a \\-> b");
    round_trip(a, &b);
    /* An escaped "\n" at the ends of a text is trimmed, as Moodle does. */
    str_is(parse_one(a, "\\nQ\\n{T}", &b)->text, "Q");
}

static void test_ids(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const Item *it = parse_one(a, "// question: 12  name: x\n// [id:Q-12] [id:other]\nQ{T}", &b);
    str_is(it->id, "Q-12");
    /* An id on a block's comment only; the next block has none. */
    parse_ok(a, LIT("// [id:A]\nQ{T}\n\nR{T}"), &b);
    str_is(b.items[0].id, "A");
    str_is(b.items[1].id, NULL);
    /* Not an id: unclosed, with '[' inside, or empty. */
    str_is(parse_one(a, "// [id:abc\nQ{T}", &b)->id, NULL);
    str_is(parse_one(a, "// [id:a[b]\nQ{T}", &b)->id, NULL);
    str_is(parse_one(a, "// [id:  ]\nQ{T}", &b)->id, NULL);
    /* Brackets and a final backslash survive a round trip. */
    it = parse_one(a, "// [id:x\\]y\\ ]\nQ{T}", &b);
    str_is(it->id, "x]y\\");
    round_trip(a, &b);
}

/* The exact canonical text for each kind of item. */
static void test_canonical_output(void **state)
{
    Arena *a = *state;
    ItemBank b;
    const char *src =
        "::S::Pick{~a#no =%100%b ~%-50% c}\n\n"
        "::M::Some{~%50%a ~%50%b ~c}\n\n"
        "::Sh::Say{=%100%x = %50%y}\n\n"
        "::Ma::Pair{=a->b =c -> d}\n\n"
        "::N::Num{#=%100%3.140:0.0050 =%-25%1..2 =7#seven ~#other}\n\n"
        "::T::Yes{F#w}\n\n"
        "::E::Write{####gf}\n\n"
        "::D::Just text\n\n"
        "Odd{=%0%%d ~x}";
    parse_ok(a, src, strlen(src), &b);
    Buf w;
    buf_init(&w, 0);
    gift_write(&w, &b);
    assert_string_equal(buf_cstr(&w),
                        "::S::Pick{\n\t~a#no\n\t=b\n\t~%-50%c\n}\n\n"
                        "::M::Some{\n\t~%50%a\n\t~%50%b\n\t~c\n}\n\n"
                        "::Sh::Say{\n\t=x\n\t=%50%y\n}\n\n"
                        "::Ma::Pair{\n\t=a -> b\n\t=c -> d\n}\n\n"
                        "::N::Num{#\n\t=3.14:0.005\n\t=%-25%1..2\n\t=7#seven\n\t~#other\n}\n\n"
                        "::T::Yes{FALSE#w}\n\n"
                        "::E::Write{####gf}\n\n"
                        "::D::Just text\n\n"
                        "Odd{\n\t=%0%%d\n\t~x\n}\n\n");
    buf_free(&w);
    round_trip(a, &b);
}

/* A SINGLE whose answers are all right, or none fully right, stays SINGLE. */
static void test_single_keeps_its_type(void **state)
{
    Arena *a = *state;
    ItemBank b;
    parse_ok(a, LIT("Q{=a =b ~c}\n\nR{=%50%a ~%50%b}\n\nS{=%0%a ~b}"), &b);
    for (int i = 0; i < 3; i++) assert_int_equal(b.items[i].type, ITEM_SINGLE);
    round_trip(a, &b);
}

static void test_write_skips_what_gift_cannot_hold(void **state)
{
    Arena *a = *state;
    Choice two[2] = {{.text = (char *)"a", .weight = 1000}, {.text = (char *)"b"}};
    Choice arrow[2] = {{.text = (char *)"x -> y", .weight = 1000}, {.text = (char *)"z"}};
    Item items[] = {
        {.type = ITEM_ORDERING, .text = (char *)"Order", .choices = two, .nchoices = 2},
        {.type = ITEM_CLOZE, .text = (char *)"A {#1} B", .choices = two, .nchoices = 2, .ngaps = 1},
        {.type = ITEM_SINGLE, .text = (char *)"One choice", .choices = two, .nchoices = 1},
        {.type = ITEM_SINGLE, .text = (char *)"Arrow", .choices = arrow, .nchoices = 2},
        {.type = ITEM_ESSAY, .text = (char *)"Kept", .text_format = (char *)"html"},
        /* Not a GIFT format: written as the default. */
        {.type = ITEM_ESSAY, .text = (char *)"Also kept", .text_format = (char *)"rst"},
        {.type = 0, .text = (char *)"Unknown"},
    };
    ItemBank bank = {items, (int)LN_ARRAY_LEN(items)};
    Buf w;
    buf_init(&w, 0);
    int skipped = 0;
    gift_write_ex(&w, &bank, &skipped);
    assert_int_equal(skipped, 5);
    assert_string_equal(buf_cstr(&w), "[html]Kept{}\n\nAlso kept{}\n\n");
    buf_free(&w);
    (void)a;
}

static void test_all_or_nothing(void **state)
{
    Arena *a = *state;
    ItemBank b = {(Item *)1, 99};
    GiftError e;
    assert_int_equal(gift_parse(a, LIT("Q1{T}\n\nQ2{T}\n\nQ3{=a ~b"), &b, &e), LN_EINVAL);
    assert_null(b.items);
    assert_int_equal(b.n, 0);
    assert_int_equal(e.line, 5);
    assert_int_equal(e.column, 3);
    /* err may be NULL. */
    assert_int_equal(gift_parse(a, LIT("}"), &b, NULL), LN_EINVAL);
    /* A success clears err. */
    assert_int_equal(gift_parse(a, LIT("Q{T}"), &b, &e), LN_OK);
    assert_int_equal(e.line, 0);
    assert_null(e.message);
}

/* ======================================================================
 * Malformed input: where the error is
 * ==================================================================== */

typedef struct Bad {
    const char *name;
    const char *src;
    size_t len;
    int line, column;
    const char *says;       /* a piece of the message */
    int rc;
} Bad;

#define BAD(name, src, line, col, says) {name, src, sizeof(src) - 1, line, col, says, LN_EINVAL}

static const Bad bad_inputs[] = {
    BAD("unclosed brace", "::Q::Question {=a ~b\n\nNext{T}", 1, 15, "not closed"),
    BAD("unclosed brace before another", "Q {=a\nR {=b}", 1, 3, "before the next '{'"),
    BAD("unclosed brace after tabs", "\t\tQ {=a ~b", 1, 5, "not closed"),
    BAD("'=' missing in numeric", "::N::Pi?{#=%100%3.14:0 %50%3.1:0.1}", 1, 24, "'=' missing"),
    BAD("'=' missing, bare first", "Q{#3.14:0.005 3.1:0.1}", 1, 15, "'=' missing"),
    BAD("weight %150%", "Q?{~%150%a ~b}", 1, 5, "outside -100%..100%"),
    BAD("weight %-101%", "Q?{\n~a\n~%-101%b}", 3, 2, "outside"),
    BAD("weight %100.5%", "Q{=%100.5%a}", 1, 4, "outside"),
    BAD("malformed weight", "Q{~%5O%a ~b}", 1, 4, "malformed weight"),
    BAD("'->' outside matching", "Q?{=a -> b ~c}", 1, 7, "'->' outside"),
    BAD("'->' in a bare short answer", "Q{a -> b}", 1, 5, "'->' outside"),
    BAD("empty right side in matching", "::M::Match.{\n=Canada -> Ottawa\n=Italy ->\n}", 3, 8, "nothing after '->'"),
    BAD("matching pair without '->'", "M{=a -> b =c}", 1, 11, "without '->'"),
    BAD("matching with one pair", "M{=a -> b}", 1, 2, "two pairs"),
    BAD("stray '}'", "::Q::What } is this?{T}", 1, 11, "'}' without a '{'"),
    BAD("stray '}' after the answers", "Q{T} and }", 1, 10, "'}' without a '{'"),
    BAD("second answer set", "Q {=a} and {=b}", 1, 12, "second answer set"),
    BAD("backslash at end of file", "Q{T}\n\nAnother\\", 3, 8, "escapes nothing"),
    BAD("backslash at end of line", "Q \\\n{T}", 1, 3, "escapes nothing"),
    BAD("invalid UTF-8", "::Q::Caf\xC3\xA9 {T}\n::R::Caf\xC3\x28 {T}", 2, 9, "UTF-8"),
    BAD("invalid UTF-8 after accents", "\xC3\x89l\xC3\xA8ve \xFF{T}", 1, 7, "UTF-8"),
    BAD("overlong UTF-8", "Q{T}\r\n\r\nx\xC0\xAF", 3, 2, "UTF-8"),
    BAD("surrogate in UTF-8", "\xED\xA0\x80", 1, 1, "UTF-8"),
    BAD("NUL byte", "Q{T}\n\0", 2, 1, "NUL"),
    BAD("title without closing '::'", "\n\n::Title without end\nQuestion?{T}", 3, 1, "not closed with '::'"),
    BAD("title closed by an escaped ':'", "::T\\::x{T}", 1, 1, "not closed with '::'"),
    BAD("numeric with non-number", "Q{#abc}", 1, 4, "not a number"),
    BAD("numeric with a decimal comma", "Q{#3,14}", 1, 4, "not a number"),
    BAD("numeric with a unit", "Q{#\n=12 apples}", 2, 2, "not a number"),
    BAD("numeric range with non-number", "Q{#1..x}", 1, 7, "not a number"),
    BAD("numeric tolerance missing", "Q{#=3:}", 1, 7, "number missing"),
    BAD("numeric without a number", "Q{#}", 1, 3, "needs a number"),
    BAD("numeric negative tolerance", "Q{#3:-1}", 1, 6, "negative tolerance"),
    BAD("numeric reversed range", "Q{#5..1}", 1, 4, "range minimum"),
    BAD("numeric too large", "Q{#1000000000000}", 1, 4, "too large"),
    BAD("numeric '~' with a value", "Q{#3 ~4}", 1, 7, "only '#feedback'"),
    BAD("multiple choice with one choice", "Q{~a}", 1, 2, "two choices"),
    BAD("empty answer", "Q{=a ~}", 1, 6, "empty answer"),
    BAD("empty short answer", "Q{=}", 1, 3, "empty answer"),
    BAD("CRLF positions", "A{T}\r\n\r\nB{=a ~b\r\n", 3, 2, "not closed"),
    BAD("BOM is no column", "\xEF\xBB\xBF}", 1, 1, "'}' without"),
    BAD("column in characters", "\xC3\xA9t\xC3\xA9 } ", 1, 5, "'}' without"),
};

static void test_malformed(void **state)
{
    Arena *a = *state;
    for (size_t i = 0; i < LN_ARRAY_LEN(bad_inputs); i++) {
        const Bad *t = &bad_inputs[i];
        ItemBank b;
        GiftError e = {0};
        int rc = gift_parse(a, t->src, t->len, &b, &e);
        if (rc != t->rc || e.line != t->line || e.column != t->column || !e.message
            || !strstr(e.message, t->says))
            fail_msg("%s: rc %d at %d:%d \"%s\"; expected %d at %d:%d \"...%s...\"", t->name, rc,
                     e.line, e.column, e.message ? e.message : "(null)", t->rc, t->line, t->column,
                     t->says);
        assert_int_equal(b.n, 0);
        assert_null(b.items);
    }
}

/* ======================================================================
 * Limits
 * ==================================================================== */

static void test_limit_items(void **state)
{
    Arena *a = *state;
    Buf src;
    buf_init(&src, 0);
    for (int i = 0; i < GIFT_MAX_ITEMS; i++) buf_puts(&src, "Q{T}\n\n");
    ItemBank b;
    GiftError e;
    assert_int_equal(gift_parse(a, buf_cstr(&src), src.len, &b, &e), LN_OK);
    assert_int_equal(b.n, GIFT_MAX_ITEMS);
    buf_puts(&src, "One too many{T}\n");
    assert_int_equal(gift_parse(a, buf_cstr(&src), src.len, &b, &e), LN_ELIMIT);
    assert_int_equal(e.line, 2 * GIFT_MAX_ITEMS + 1);
    assert_int_equal(e.column, 1);
    assert_int_equal(b.n, 0);
    buf_free(&src);
}

static void test_limit_choices(void **state)
{
    Arena *a = *state;
    Buf src;
    buf_init(&src, 0);
    buf_puts(&src, "Q{=a0");
    for (int i = 1; i < GIFT_MAX_CHOICES; i++) buf_printf(&src, " ~a%d", i);
    ItemBank b;
    GiftError e;
    Buf ok;
    buf_init(&ok, 0);
    buf_printf(&ok, "%s}", buf_cstr(&src));
    assert_int_equal(gift_parse(a, buf_cstr(&ok), ok.len, &b, &e), LN_OK);
    assert_int_equal(b.items[0].nchoices, GIFT_MAX_CHOICES);
    round_trip(a, &b);
    size_t col = src.len + 2;       /* after " ~": the 201st answer */
    buf_puts(&src, " ~too many}");
    assert_int_equal(gift_parse(a, buf_cstr(&src), src.len, &b, &e), LN_ELIMIT);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, (int)col + 1);
    buf_free(&src);
    buf_free(&ok);
    /* A numeric set: 200 numbers, then "~" would be one more. */
    buf_init(&src, 0);
    buf_puts(&src, "N{#");
    for (int i = 0; i < GIFT_MAX_CHOICES; i++) buf_printf(&src, "=%d ", i);
    col = src.len + 1;
    buf_puts(&src, "~#other}");
    assert_int_equal(gift_parse(a, buf_cstr(&src), src.len, &b, &e), LN_ELIMIT);
    assert_int_equal(e.column, (int)col);
    buf_free(&src);
}

static void test_limit_text(void **state)
{
    Arena *a = *state;
    size_t n = GIFT_MAX_TEXT;
    char *src = malloc(n + 16);
    memset(src, 'x', n + 1);
    memcpy(src + n, "{T}", 3);      /* exactly the limit */
    ItemBank b;
    GiftError e;
    assert_int_equal(gift_parse(a, src, n + 3, &b, &e), LN_OK);
    assert_int_equal(strlen(b.items[0].text), n);
    round_trip(a, &b);
    memset(src, 'x', n + 1);
    memcpy(src + n + 1, "{T}", 3);  /* one byte over */
    assert_int_equal(gift_parse(a, src, n + 4, &b, &e), LN_ELIMIT);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 1);
    /* Feedback too. */
    memcpy(src, "Q{T#", 4);
    memset(src + 4, 'y', n + 1);
    memcpy(src + 4 + n + 1, "}", 1);
    assert_int_equal(gift_parse(a, src, n + 6, &b, &e), LN_ELIMIT);
    assert_int_equal(e.column, 5);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_all_syntax, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_file_moodle_export, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_file_french, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_file_crlf_bom, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_truefalse_forms, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_weights, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_short_patterns, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_numeric_forms, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_missing_word, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_missing_word_written_in_place, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_comments_and_blocks, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_categories, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_formats, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_escapes, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_ids, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_canonical_output, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_single_keeps_its_type, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_write_skips_what_gift_cannot_hold, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_malformed, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_limit_items, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_limit_choices, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_limit_text, arena_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
