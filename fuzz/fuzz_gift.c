/* fuzz_gift.c — gift_parse over arbitrary bytes (assess/gift.c).
 *
 * A refusal is all or nothing: an empty bank and an error with a line, a
 * column and a message.  An accepted bank holds valid UTF-8 texts within the
 * limits; writing it leaves nothing out, the output parses back to an equal
 * bank, and writing that gives the same bytes again. */
#include "assess/gift.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

static bool same(const char *a, const char *b)
{
    return str_eq(a, b);
}

static void check_text(const char *s)
{
    if (s) check(strlen(s) <= GIFT_MAX_TEXT && utf8_valid(s, strlen(s)));
}

static void check_item(const Item *it)
{
    check(it->type >= ITEM_SINGLE && it->type <= ITEM_DESCRIPTION);
    check(it->type != ITEM_ORDERING && it->type != ITEM_CLOZE);
    check(it->text && it->text_format && it->nchoices <= GIFT_MAX_CHOICES);
    check_text(it->title);
    check_text(it->text);
    check_text(it->general_feedback);
    for (int k = 0; k < it->nchoices; k++) {
        const Choice *c = &it->choices[k];
        check_text(c->text);
        check_text(c->match);
        check_text(c->feedback);
        check(c->weight >= -1000 && c->weight <= 1000);
    }
}

static bool choices_equal(const Choice *x, const Choice *y)
{
    return same(x->text, y->text) && same(x->match, y->match) && x->weight == y->weight
           && same(x->feedback, y->feedback) && x->num_value == y->num_value
           && x->num_tolerance == y->num_tolerance && x->num_min == y->num_min
           && x->num_max == y->num_max && x->num_is_range == y->num_is_range && x->gap == y->gap
           && x->gap_type == y->gap_type;
}

/* Every field but `line`, which moves when the text is rewritten. */
static bool items_equal(const Item *x, const Item *y)
{
    if (x->type != y->type || !same(x->title, y->title) || !same(x->text, y->text)
        || !same(x->text_format, y->text_format) || !same(x->general_feedback, y->general_feedback)
        || !same(x->category, y->category) || !same(x->id, y->id) || x->nchoices != y->nchoices
        || x->ngaps != y->ngaps || x->text_match != y->text_match || x->points != y->points
        || x->shuffle != y->shuffle)
        return false;
    for (int k = 0; k < x->nchoices; k++)
        if (!choices_equal(&x->choices[k], &y->choices[k])) return false;
    return true;
}

static void check_round_trip(Arena *a, const ItemBank *bank)
{
    Buf w1, w2;
    buf_init(&w1, 0);
    buf_init(&w2, 0);
    int skipped = -1;
    gift_write_ex(&w1, bank, &skipped);
    check(skipped == 0);
    ItemBank again;
    GiftError e;
    check(gift_parse(a, buf_cstr(&w1), w1.len, &again, &e) == LN_OK);
    check(again.n == bank->n);
    for (int i = 0; i < bank->n; i++) check(items_equal(&bank->items[i], &again.items[i]));
    gift_write(&w2, &again);
    check(w1.len == w2.len && memcmp(buf_cstr(&w1), buf_cstr(&w2), w1.len) == 0);
    buf_free(&w1);
    buf_free(&w2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    ItemBank bank;
    GiftError e;
    int rc = gift_parse(a, (const char *)data, size, &bank, &e);
    if (rc != LN_OK) {
        check(rc == LN_EINVAL || rc == LN_ELIMIT);
        check(bank.n == 0 && bank.items == NULL);
        check(e.line >= 1 && e.column >= 1 && e.message && *e.message);
    } else {
        check(bank.n <= GIFT_MAX_ITEMS);
        for (int i = 0; i < bank.n; i++) check_item(&bank.items[i]);
        check_round_trip(a, &bank);
    }
    arena_free(a);
    return 0;
}
