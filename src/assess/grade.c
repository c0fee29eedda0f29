/* grade.c — server-side grading of every item type (see item.h).
 *
 * Scores are thousandths (1000 = fully right), computed with integers only.
 * The rules, and why:
 *
 *  SINGLE, TRUEFALSE  the weight of the one picked choice, clamped to
 *      0..1000.  No pick, two picks or an index out of range: 0.
 *  MULTIPLE  the sum of the picked choices' weights (wrong ones negative, as
 *      in Moodle), clamped to 0..1000: partial credit never goes below zero.
 *      A choice picked twice counts once (a double click is not a cheat);
 *      an index out of range is tampering and the whole response earns 0.
 *  NUMERIC  the learner's text is a decimal number: ASCII spaces around it, a
 *      leading + or -, digits with at most one '.' or ',' as the decimal
 *      separator ("3,14" is French for 3.14).  Nothing else: no exponent, no
 *      thousands separator, no inner space.  It is read exactly: the first six
 *      decimals give millionths and any further non-zero digit is remembered,
 *      so 1.0000001 is not 1 (it is strictly between two millionths).  An
 *      answer matches when |x - value| <= tolerance or min <= x <= max, both
 *      ends included; a negative tolerance counts as its size and a range
 *      given backwards is read forwards.  Values live in int64 millionths
 *      (±9.22e12): a response beyond matches nothing, and an interval
 *      reaching beyond is clipped to it (no overflow anywhere).  The best
 *      weight among matching answers wins, clamped to 0..1000.
 *  SHORT  both the response and each accepted answer are trimmed, runs of
 *      spaces inside collapsed to one (spaces: ASCII ones, no-break space
 *      U+00A0 and narrow no-break space U+202F, which French typing inserts),
 *      and a Latin letter followed by one combining accent is composed
 *      ("e" U+0301 becomes "é", as NFC would for Latin-1 and Latin
 *      Extended-A) so that the way a keyboard encodes a letter does not
 *      matter.  Then per text_match:
 *        EXACT    byte for byte: case and accents count.
 *        NOCASE   case-insensitive by simple Unicode case folding (one letter
 *                 to one letter) for Latin, Greek and Cyrillic: "ÉTÉ" = "été",
 *                 "ÇA" = "ça".  Accents still count, as in Moodle ("ou" is
 *                 not "où"); ß stays ß (only ẞ folds to it), so "STRASSE" is
 *                 not "straße".
 *        PATTERN  NOCASE plus Moodle's wildcard: '*' matches any run of
 *                 characters (empty included), "\*" a literal star, nothing
 *                 else is special.  Case-insensitive like Moodle's default.
 *                 Matched segment by segment, leftmost first: linear-ish,
 *                 never backtracking (no regex).
 *      A blank response earns 0; invalid UTF-8 in the response earns 0 and
 *      an invalid accepted answer is skipped.  The best weight wins.
 *  MATCHING  picks[i] pairs choice i's left side with choice picks[i]'s right
 *      side (-1: no pair).  A pair is right when its right side is choice
 *      i's own, or has the same text (a right side shown once for two left
 *      sides).  Each right pair earns an equal share, wrong pairs nothing.
 *      Choices with an empty left side are distractors: only their right
 *      side is offered, they earn no share.  picks of another length than
 *      nchoices, or an index out of range: 0.
 *  ORDERING  absolute position (Moodle's default): the share of positions
 *      holding the right choice, where the right order is the order of
 *      item->choices.  Two choices with the same text are interchangeable,
 *      so either may stand in either place.  The response must be a
 *      permutation of the choice indexes: a repeated or missing index is
 *      tampering and earns 0.
 *  CLOZE  gap g is graded like a NUMERIC, SHORT or SINGLE item made of the
 *      choices whose `gap` is g (their gap_type tells which); the response
 *      for it is texts[g] (for a SINGLE gap, the index in item->choices of a
 *      choice of that gap).  Gaps weigh the same; a missing gap earns 0.
 *  ESSAY, DESCRIPTION, unknown types  -1: a person grades, or nothing to.
 *
 *  Rounding: a share is sum/n rounded to the nearest thousandth, halves
 *  down (2 of 3 → 667, 1 of 16 → 62); as every part is at most 1000 the
 *  total never exceeds 1000, and it is 1000 only when every part is.
 */
#include "assess/item.h"

#include <stdlib.h>
#include <string.h>

#define FULL 1000

/* ======================================================================
 * Names
 * ==================================================================== */

static const char *const type_names[] = {
    [ITEM_SINGLE] = "single",       [ITEM_MULTIPLE] = "multiple",
    [ITEM_TRUEFALSE] = "truefalse", [ITEM_NUMERIC] = "numeric",
    [ITEM_SHORT] = "short",         [ITEM_MATCHING] = "matching",
    [ITEM_ORDERING] = "ordering",   [ITEM_CLOZE] = "cloze",
    [ITEM_ESSAY] = "essay",         [ITEM_DESCRIPTION] = "description",
};

const char *item_type_name(ItemType t)
{
    if ((int)t <= 0 || (size_t)t >= LN_ARRAY_LEN(type_names)) return "unknown";
    return type_names[t];
}

ItemType item_type_from_name(const char *name)
{
    for (size_t t = 1; name && t < LN_ARRAY_LEN(type_names); t++)
        if (strcmp(name, type_names[t]) == 0) return (ItemType)t;
    return 0;
}

/* ======================================================================
 * Shared arithmetic and guards against malformed items and responses
 * ==================================================================== */

static int clamp_score(int64_t v)
{
    return v < 0 ? 0 : v > FULL ? FULL : (int)v;
}

/* sum/n rounded to nearest, halves down: ceil(sum/n - 1/2).  sum is at
 * most FULL * n, so the result is at most FULL; and FULL means all right
 * even past 2000 parts, where 999.5 and more would round up to it. */
static int share(int64_t sum, int64_t n)
{
    if (n <= 0 || sum <= 0) return 0;
    int64_t q = (2 * sum + n - 1) / (2 * n);
    return q >= FULL && sum < FULL * n ? FULL - 1 : clamp_score(q);
}

/* Counts that a malformed item or a forged response cannot make lie. */
static int nchoices(const Item *it)
{
    return it->choices && it->nchoices > 0 ? it->nchoices : 0;
}

static int npicks(const Response *r)
{
    return r->picks && r->npicks > 0 ? r->npicks : 0;
}

static bool in_range(int k, int n) { return k >= 0 && k < n; }

/* gap < 0: every choice (a plain item); otherwise a CLOZE gap's choices. */
static bool in_gap(const Choice *c, int gap) { return gap < 0 || c->gap == gap; }

/* ======================================================================
 * SINGLE, TRUEFALSE, MULTIPLE
 * ==================================================================== */

static int grade_single(const Item *it, const Response *r)
{
    if (npicks(r) != 1 || !in_range(r->picks[0], nchoices(it))) return 0;
    return clamp_score(it->choices[r->picks[0]].weight);
}

static int grade_multiple(const Item *it, const Response *r)
{
    int n = nchoices(it), np = npicks(r);
    if (n == 0 || np == 0) return 0;
    bool *seen = xcalloc((size_t)n, sizeof *seen);
    int64_t sum = 0;
    bool forged = false;
    for (int i = 0; i < np && !forged; i++) {
        int k = r->picks[i];
        forged = !in_range(k, n);
        if (!forged && !seen[k]) {
            seen[k] = true;
            sum += it->choices[k].weight;
        }
    }
    free(seen);
    return forged ? 0 : clamp_score(sum);
}

/* ======================================================================
 * MATCHING, ORDERING
 * ==================================================================== */

static int grade_matching(const Item *it, const Response *r)
{
    int n = nchoices(it);
    if (n == 0 || npicks(r) != n) return 0;
    int64_t scored = 0, right = 0;
    for (int i = 0; i < n; i++) {
        int k = r->picks[i];
        if (k != -1 && !in_range(k, n)) return 0;
        if (str_empty(it->choices[i].text)) continue;      /* a distractor */
        scored++;
        if (k == i || (k >= 0 && str_eq(it->choices[k].match, it->choices[i].match)))
            right++;
    }
    return share(right * FULL, scored);
}

/* True when picks is a permutation of 0..n-1. */
static bool is_permutation(const int *picks, int n)
{
    bool *seen = xcalloc((size_t)n, sizeof *seen);
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        ok = in_range(picks[i], n) && !seen[picks[i]];
        if (ok) seen[picks[i]] = true;
    }
    free(seen);
    return ok;
}

static int grade_ordering(const Item *it, const Response *r)
{
    int n = nchoices(it);
    if (n == 0 || npicks(r) != n || !is_permutation(r->picks, n)) return 0;
    int64_t right = 0;
    for (int i = 0; i < n; i++) {
        int k = r->picks[i];
        right += k == i || str_eq(it->choices[k].text, it->choices[i].text);
    }
    return share(right * FULL, n);
}

/* ======================================================================
 * NUMERIC
 * ==================================================================== */

/* A parsed number: exactly m millionths, or strictly between m and m + 1
 * when digits beyond the sixth decimal were not all zero. */
typedef struct { int64_t m; bool inexact; } Num;

#define UNITS_MAX (INT64_MAX / 1000000)         /* whole units that fit */
#define MAG_MAX ((uint64_t)INT64_MAX + 1)       /* |INT64_MIN| */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* The magnitude in millionths; false on no digits or overflow. */
static bool parse_magnitude(const char **sp, uint64_t *mag, bool *inexact)
{
    const char *s = *sp;
    uint64_t units = 0, frac = 0;
    int ndigits = 0, nfrac = 0;
    for (; is_digit(*s); s++, ndigits++) {
        units = units * 10 + (uint64_t)(*s - '0');
        if (units > UNITS_MAX + 1) return false;   /* beyond even -9.22e12 */
    }
    if (*s == '.' || *s == ',') {
        for (s++; is_digit(*s); s++, ndigits++) {
            if (nfrac == 6) {
                *inexact |= *s != '0';
                continue;
            }
            frac = frac * 10 + (uint64_t)(*s - '0');
            nfrac++;
        }
    }
    for (; nfrac < 6; nfrac++) frac *= 10;
    *mag = units * 1000000 + frac;
    *sp = s;
    return ndigits > 0 && *mag <= MAG_MAX;
}

static bool parse_number(const char *s, Num *out)
{
    if (!s) return false;
    while (is_blank(*s)) s++;
    bool neg = *s == '-', inexact = false;
    if (*s == '-' || *s == '+') s++;
    uint64_t mag;
    if (!parse_magnitude(&s, &mag, &inexact)) return false;
    while (is_blank(*s)) s++;
    if (*s) return false;
    if (!neg) {
        if (mag > INT64_MAX) return false;
        *out = (Num){(int64_t)mag, inexact};
    } else if (!inexact) {
        *out = (Num){mag == MAG_MAX ? INT64_MIN : -(int64_t)mag, false};
    } else {
        /* -(mag + e) lies strictly between -mag - 1 and -mag. */
        if (mag > INT64_MAX) return false;
        *out = (Num){-(int64_t)mag - 1, true};
    }
    return true;
}

static int64_t sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }
static int64_t sat_sub(int64_t a, int64_t b) { return a < INT64_MIN + b ? INT64_MIN : a - b; }

/* lo <= x <= hi, exactly, for lo <= hi. */
static bool num_within(Num x, int64_t lo, int64_t hi)
{
    return x.m >= lo && (x.inexact ? x.m < hi : x.m <= hi);
}

static bool num_accepts(const Choice *c, Num x)
{
    if (c->num_is_range) {
        int64_t lo = c->num_min < c->num_max ? c->num_min : c->num_max;
        int64_t hi = c->num_min < c->num_max ? c->num_max : c->num_min;
        return num_within(x, lo, hi);
    }
    int64_t tol = c->num_tolerance;
    if (tol < 0) tol = tol == INT64_MIN ? INT64_MAX : -tol;
    return num_within(x, sat_sub(c->num_value, tol), sat_add(c->num_value, tol));
}

static int grade_numeric(const Item *it, int gap, const char *text)
{
    Num x;
    if (!parse_number(text, &x)) return 0;
    int best = 0;
    for (int i = 0; i < nchoices(it); i++) {
        const Choice *c = &it->choices[i];
        if (in_gap(c, gap) && num_accepts(c, x) && c->weight > best) best = c->weight;
    }
    return clamp_score(best);
}

/* ======================================================================
 * SHORT: normalisation, case folding, wildcard patterns
 * ==================================================================== */

#define WILD '\xff'    /* a '*' wildcard in a normalised pattern: never in UTF-8 */

/* Decodes one code point of valid UTF-8. */
static uint32_t utf8_next(const unsigned char **sp)
{
    const unsigned char *s = *sp;
    uint32_t c = s[0];
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > 1) c &= 0x3F >> (len - 1);
    for (int i = 1; i < len; i++) c = (c << 6) | (s[i] & 0x3F);
    *sp = s + len;
    return c;
}

static size_t utf8_put(uint32_t c, char *o)
{
    if (c < 0x80) return o[0] = (char)c, 1;
    if (c < 0x800) {
        o[0] = (char)(0xC0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12);
        o[1] = (char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18);
    o[1] = (char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static bool is_space_cp(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x202F;
}

/* The canonical decompositions of U+00C0..U+017F into an ASCII letter and
 * one combining mark, generated from Unicode's data: for U+00C0 + i, BASE[i]
 * is the letter ('.' none) and MARK[i] the mark, as an index into marks[]. */
static const char compose_base[] =
    "AAAAAA.CEEEEIIII.NOOOOO..UUUUY..aaaaaa.ceeeeiiii.nooooo..uuuuy.y"
    "AaAaAaCcCcCcCcDd..EeEeEeEeEeGgGgGgGgHh..IiIiIiIiI...JjKk.LlLlLl."
    "...NnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTt..UuUuUuUuUuUuWwYyYZzZzZz.";
static const char compose_mark[] =
    "012378.B01270127.301237..01271..012378.B01270127.301237..01271.7"
    "4455CC112266AAAA..445566CCAA225566BB22..334455CC6...22BB.11BBAA."
    "...11BBAA...445599..11BBAA1122BBAABBAA..3344558899CC222271166AA.";
static const uint16_t marks[] = {0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307,
                                 0x308, 0x30A, 0x30B, 0x30C, 0x327, 0x328};

/* The precomposed letter for base + mark, or 0. */
static uint32_t compose(uint32_t base, uint32_t mark)
{
    if (base >= 0x80 || mark < 0x300 || mark > 0x328) return 0;
    int m = -1;
    for (int i = 0; i < (int)LN_ARRAY_LEN(marks); i++)
        if (marks[i] == mark) m = i;
    if (m < 0) return 0;
    char code = "0123456789ABC"[m];
    for (int i = 0; compose_base[i]; i++)
        if (compose_base[i] == (char)base && compose_mark[i] == code) return 0xC0 + (uint32_t)i;
    return 0;
}

/* Latin Extended-A pairs capitals with the next code point, on even code
 * points in some runs and odd ones in others. */
static uint32_t fold_latin_ext_a(uint32_t c)
{
    if (c == 0x130) return 'i';         /* İ: its simple lower case, so "İstanbul"
                                         * is "istanbul" (but "i" + U+0307 stays) */
    if (c == 0x178) return 0xFF;        /* Ÿ → ÿ, back in Latin-1 */
    if (c == 0x17F) return 's';         /* long s */
    if (c == 0x131 || c == 0x138 || c == 0x149) return c;   /* ı ĸ ŉ: no pair */
    bool odd_caps = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    return (c & 1) == (uint32_t)odd_caps ? c + 1 : c;
}

/* Simple case folding (one code point to one) for Latin, Greek, Cyrillic. */
static uint32_t fold(uint32_t c)
{
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c >= 0x100 && c <= 0x17F) return fold_latin_ext_a(c);
    if (c == 0x1E9E) return 0xDF;                       /* ẞ → ß */
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c == 0x3C2) return 0x3C3;                       /* final sigma */
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

/* Normalises valid UTF-8 for comparison (see the top of the file) into a
 * new string, NULL when s is not valid UTF-8.  As a pattern, runs of '*'
 * become one WILD and "\*" a literal star.  Every step keeps or shrinks
 * the byte length, so strlen(s) + 1 bytes suffice. */
static char *normalize(const char *s, bool nocase, bool pattern)
{
    if (!s || !utf8_valid(s, strlen(s))) return NULL;
    char *out = xmalloc(strlen(s) + 1);
    size_t o = 0;
    bool space_due = false;    /* a space goes before the next character */
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c = utf8_next(&p);
        if (is_space_cp(c)) {
            space_due = o > 0;
            continue;
        }
        if (space_due) out[o++] = ' ', space_due = false;
        if (pattern && c == '*') {
            if (o == 0 || out[o - 1] != WILD) out[o++] = WILD;
            continue;
        }
        if (pattern && c == '\\' && *p == '*') c = *p++;
        const unsigned char *q = p;
        uint32_t composed = *q ? compose(c, utf8_next(&q)) : 0;
        if (composed) c = composed, p = q;
        o += utf8_put(nocase ? fold(c) : c, out + o);
    }
    out[o] = '\0';
    return out;
}

/* t matches p, a normalised pattern: the text before the first WILD is a
 * prefix, the text after the last a suffix, and each segment between is
 * found leftmost after the one before (leftmost is never worse, so there
 * is nothing to backtrack). */
static bool wild_match(const char *t, const char *p)
{
    const char *first = strchr(p, WILD);
    if (!first) return strcmp(t, p) == 0;
    size_t tn = strlen(t), head = (size_t)(first - p);
    const char *last = strrchr(p, WILD) + 1;
    size_t tail = strlen(last);
    if (tn < head + tail || memcmp(t, p, head) != 0 || memcmp(t + tn - tail, last, tail) != 0)
        return false;
    size_t pos = head, end = tn - tail;
    for (const char *seg = first + 1; seg < last;) {
        const char *next = strchr(seg, WILD);
        size_t len = (size_t)(next - seg);
        const char *hit = len ? memmem(t + pos, end - pos, seg, len) : t + pos;
        if (!hit) return false;
        pos = (size_t)(hit - t) + len;
        seg = next + 1;
    }
    return true;
}

static bool short_accepts(const char *resp, const char *answer, TextMatch how)
{
    char *a = normalize(answer, how != TEXT_EXACT, how == TEXT_PATTERN);
    bool ok = a && (how == TEXT_PATTERN ? wild_match(resp, a) : strcmp(resp, a) == 0);
    free(a);
    return ok;
}

static int grade_short(const Item *it, int gap, const char *text)
{
    TextMatch how = it->text_match;
    if (how != TEXT_NOCASE && how != TEXT_PATTERN) how = TEXT_EXACT;   /* the strictest */
    char *resp = normalize(text, how != TEXT_EXACT, false);
    int best = 0;
    for (int i = 0; resp && *resp && i < nchoices(it); i++) {
        const Choice *c = &it->choices[i];
        if (in_gap(c, gap) && c->weight > best && short_accepts(resp, c->text, how))
            best = c->weight;
    }
    free(resp);
    return clamp_score(best);
}

/* ======================================================================
 * CLOZE
 * ==================================================================== */

static ItemType gap_kind(const Item *it, int gap)
{
    for (int i = 0; i < nchoices(it); i++)
        if (it->choices[i].gap == gap)
            return it->choices[i].gap_type ? it->choices[i].gap_type : ITEM_SHORT;
    return 0;       /* a gap without answers: nothing can be right */
}

/* A SINGLE gap: text is the index of one of the gap's choices. */
static int grade_gap_pick(const Item *it, int gap, const char *text)
{
    int64_t k;
    if (!str_to_i64(text, &k) || k < 0 || k >= nchoices(it)) return 0;
    const Choice *c = &it->choices[k];
    return c->gap == gap ? clamp_score(c->weight) : 0;
}

static int grade_gap(const Item *it, int gap, const char *text)
{
    if (!text) return 0;
    switch (gap_kind(it, gap)) {
    case ITEM_NUMERIC: return grade_numeric(it, gap, text);
    case ITEM_SHORT: return grade_short(it, gap, text);
    case ITEM_SINGLE:
    case ITEM_TRUEFALSE: return grade_gap_pick(it, gap, text);
    default: return 0;
    }
}

static int grade_cloze(const Item *it, const Response *r)
{
    if (it->ngaps <= 0) return 0;
    int64_t sum = 0;
    for (int g = 0; g < it->ngaps; g++)
        sum += grade_gap(it, g, r->texts && g < r->ntexts ? r->texts[g] : NULL);
    return share(sum, it->ngaps);
}

/* ======================================================================
 * Entry point
 * ==================================================================== */

int item_grade(const Item *item, const Response *r)
{
    static const Response none;
    if (!item) return -1;
    if (!r) r = &none;
    switch (item->type) {
    case ITEM_SINGLE:
    case ITEM_TRUEFALSE: return grade_single(item, r);
    case ITEM_MULTIPLE: return grade_multiple(item, r);
    case ITEM_NUMERIC: return grade_numeric(item, -1, r->text);
    case ITEM_SHORT: return grade_short(item, -1, r->text);
    case ITEM_MATCHING: return grade_matching(item, r);
    case ITEM_ORDERING: return grade_ordering(item, r);
    case ITEM_CLOZE: return grade_cloze(item, r);
    case ITEM_ESSAY:
    case ITEM_DESCRIPTION:
    default: return -1;
    }
}
