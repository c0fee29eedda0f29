/* fuzz_grade.c — item_grade on items and responses made from arbitrary
 * bytes: every type (unknown ones included), any weights, numbers, texts
 * and picks.  The score is always 0..1000, or -1 exactly for ESSAY,
 * DESCRIPTION and unknown types; grading is deterministic, and answers that
 * only differ in ways the rules ignore grade the same (spaces around a
 * text, a decimal comma, a MULTIPLE pick repeated, ASCII case under NOCASE).
 *
 * Input, read in order (bytes past the end read as 0, strings as ""):
 *   u8 type, u8 nchoices % 17, u8 text_match % 4, u8 ngaps % 6
 *   per choice: weight, u8 gap (% 6 - 1), u8 gap_type % 12,
 *               u8 flags (1: range, 2: text NULL, 4: match NULL),
 *               value, tolerance, min, max, str text, str match
 *   response:   u8 flags (1: no response), u8 npicks % 12, pick × npicks,
 *               str text (flags 2: NULL), u8 ntexts % 7, (u8 null?, str) × ntexts
 *   weight: u8 < 16 picks a telling value, else 4 raw bytes
 *   value etc.: u8 < 24 picks a telling value, else 8 raw bytes
 *   pick: u8 < 240 gives u8 % 20 - 2, else 4 raw bytes
 *   str: u8 length (255: a u16 length follows) then the bytes (NUL: ends it)
 */
#include "assess/item.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHOICES 16
#define MAX_PICKS 11
#define MAX_TEXTS 6

typedef struct { const uint8_t *d; size_t n; } Src;

static void check(bool ok)
{
    if (!ok) abort();
}

static uint8_t take_u8(Src *s)
{
    if (!s->n) return 0;
    s->n--;
    return *s->d++;
}

static uint64_t take_raw(Src *s, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)take_u8(s) << (8 * i);
    return v;
}

static int take_weight(Src *s)
{
    static const int telling[16] = {1000, 0, 500, -500, -1000, 333, 334, 250, -250,
                                    999, 1001, -1, INT_MAX, INT_MIN, 100, -100};
    uint8_t sel = take_u8(s);
    return sel < 16 ? telling[sel] : (int)(uint32_t)take_raw(s, 4);
}

static int64_t take_num(Src *s)
{
    static const int64_t telling[24] = {
        0, 1, -1, 1000000, -1000000, 500000, -500000, 3140000, 2000000, 10000000,
        INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, INT64_MAX / 2, INT64_MIN / 2,
        999999, 1000001, -999999, 250000, 100, 9223372036854000000, -9223372036854000000,
        123456789};
    uint8_t sel = take_u8(s);
    return sel < 24 ? telling[sel] : (int64_t)take_raw(s, 8);
}

static int take_pick(Src *s)
{
    uint8_t sel = take_u8(s);
    return sel < 240 ? sel % 20 - 2 : (int)(uint32_t)take_raw(s, 4);
}

/* A NUL-terminated copy; freed by the caller. */
static char *take_str(Src *s)
{
    size_t len = take_u8(s);
    if (len == 255) len = (size_t)take_raw(s, 2);
    if (len > s->n) len = s->n;
    char *str = malloc(len + 1);
    check(str != NULL);
    memcpy(str, s->d, len);
    str[len] = '\0';           /* an inner NUL just ends the string early */
    s->d += len;
    s->n -= len;
    return str;
}

static void take_choice(Src *s, Choice *c)
{
    c->weight = take_weight(s);
    c->gap = take_u8(s) % 6 - 1;
    c->gap_type = (ItemType)(take_u8(s) % 12);
    uint8_t flags = take_u8(s);
    c->num_is_range = flags & 1;
    c->num_value = take_num(s);
    c->num_tolerance = take_num(s);
    c->num_min = take_num(s);
    c->num_max = take_num(s);
    c->text = take_str(s);
    c->match = take_str(s);
    if (flags & 2) free(c->text), c->text = NULL;
    if (flags & 4) free(c->match), c->match = NULL;
}

static void take_response(Src *s, Response *r, int *picks, char **texts, bool *none)
{
    uint8_t flags = take_u8(s);
    *none = flags & 1;
    r->picks = picks;
    r->npicks = take_u8(s) % (MAX_PICKS + 1);
    for (int i = 0; i < r->npicks; i++) picks[i] = take_pick(s);
    r->text = take_str(s);
    if (flags & 2) free(r->text), r->text = NULL;
    r->texts = texts;
    r->ntexts = take_u8(s) % (MAX_TEXTS + 1);
    for (int i = 0; i < r->ntexts; i++) {
        bool null = take_u8(s) & 1;
        texts[i] = take_str(s);
        if (null) free(texts[i]), texts[i] = NULL;
    }
}

static bool needs_person(ItemType t)
{
    return t == ITEM_ESSAY || t == ITEM_DESCRIPTION || t < ITEM_SINGLE || t > ITEM_DESCRIPTION;
}

/* Grades r with its text replaced by `text`; the response is restored. */
static int grade_with_text(const Item *it, Response *r, char *text)
{
    char *saved = r->text;
    r->text = text;
    int score = item_grade(it, r);
    r->text = saved;
    return score;
}

/* Answers that differ only in what the rules ignore earn the same. */
static void check_invariances(const Item *it, Response *r, int score)
{
    if ((it->type == ITEM_NUMERIC || it->type == ITEM_SHORT) && r->text) {
        size_t n = strlen(r->text);
        char *t = malloc(n + 3);
        check(t != NULL);
        t[0] = ' ';
        memcpy(t + 1, r->text, n);
        memcpy(t + 1 + n, "\t", 2);
        check(grade_with_text(it, r, t) == score);
        if (it->type == ITEM_NUMERIC) {
            for (char *p = t; *p; p++) if (*p == '.') *p = ',';
            check(grade_with_text(it, r, t) == score);
        } else if (it->text_match == TEXT_NOCASE && !strstr(t, "\xCC\x87")) {
            /* Not with U+0307: "I" + U+0307 composes to İ, which folds to
             * "i", while "i" + U+0307 stays two characters. */
            for (char *p = t; *p; p++) if (*p >= 'a' && *p <= 'z') *p -= 32;
            check(grade_with_text(it, r, t) == score);
        }
        free(t);
    }
    if (it->type == ITEM_MULTIPLE && r->npicks > 0 && r->npicks < MAX_PICKS) {
        r->picks[r->npicks] = r->picks[0];      /* the array has room */
        r->npicks++;
        check(item_grade(it, r) == score);
        r->npicks--;
    }
}

/* The right answer, where the model says what it is, earns 1000. */
static void check_identity(const Item *it)
{
    if (it->type != ITEM_ORDERING && it->type != ITEM_MATCHING) return;
    int picks[MAX_CHOICES];
    bool scored = false;
    for (int i = 0; i < it->nchoices; i++) {
        picks[i] = i;
        scored |= it->type == ITEM_ORDERING || !str_empty(it->choices[i].text);
    }
    Response r = {.picks = picks, .npicks = it->nchoices};
    check(item_grade(it, &r) == (scored ? 1000 : 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Src s = {data, size};
    Choice choices[MAX_CHOICES] = {0};
    Item it = {.type = (ItemType)take_u8(&s), .choices = choices};
    it.nchoices = take_u8(&s) % (MAX_CHOICES + 1);
    it.text_match = (TextMatch)(take_u8(&s) % 4);
    it.ngaps = take_u8(&s) % 6;
    for (int i = 0; i < it.nchoices; i++) take_choice(&s, &choices[i]);

    Response r;
    int picks[MAX_PICKS + 1];
    char *texts[MAX_TEXTS];
    bool none;
    take_response(&s, &r, picks, texts, &none);

    int score = item_grade(&it, none ? NULL : &r);
    if (needs_person(it.type)) check(score == -1);
    else check(score >= 0 && score <= 1000);
    check(item_grade(&it, none ? NULL : &r) == score);
    if (!none) check_invariances(&it, &r, score);
    check_identity(&it);

    for (int i = 0; i < it.nchoices; i++) free(choices[i].text), free(choices[i].match);
    free(r.text);
    for (int i = 0; i < r.ntexts; i++) free(texts[i]);
    return 0;
}
