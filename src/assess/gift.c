/* gift.c — Moodle's GIFT quiz format, read into an ItemBank and written back.
 *
 * Reading follows Moodle's importer (question/format/gift/format.php) so
 * that files made for Moodle mean the same here, but checks what Moodle lets
 * through silently and says where the problem is.
 *
 * Blocks.  A question is a run of non-blank lines; a blank (or whitespace
 * only) line ends it.  Lines whose first non-blank characters are "//" are
 * comments and do not end a question.  Like Moodle, every line is trimmed and
 * the lines are joined with "\n".  Line ends may be LF, CRLF or CR; a UTF-8
 * BOM is skipped.  Input must be valid UTF-8 without NUL bytes.
 *
 * Escapes.  \~ \= \# \{ \} \: \\ stand for the character, \n for a line
 * break.  A backslash before any other character is kept with it, as Moodle
 * does ("\(x^2\)" stays as written, for MathJax).  A backslash ending a line
 * (or the file) escapes nothing and is an error.
 *
 * Mapping onto Item (item.h):
 *  - "$CATEGORY: path" as the first line of a block sets `category` for the
 *    questions that follow (trimmed, taken as written: no escapes).  Unlike
 *    Moodle, lines after it in the same block are a question of their own.
 *    "$CATEGORY:" with no path goes back to no category (an extension, so
 *    that a bank whose later items have none writes back as it was).
 *  - "// [id:X]" in a comment of the block sets `id` (Moodle 3.6+ export);
 *    "\]" in X stands for "]".
 *  - "::title::" sets `title`; "[html]", "[moodle]", "[plain]", "[markdown]"
 *    before the question text set `text_format` (default "moodle", GIFT's).
 *    Such a prefix on an answer or a feedback is dropped: an item has one
 *    format for all its parts.
 *  - No "{...}": DESCRIPTION (points 0).  "{}": ESSAY.  "{T}" "{TRUE}" "{F}"
 *    "{FALSE}" with "#feedback if wrong#feedback if right": TRUEFALSE with
 *    choices[0] = "true" and choices[1] = "false", the right one weighing
 *    1000, each choice's feedback the one shown to whoever picks it.
 *    "{#...}": NUMERIC.  A "~" among the answers: multiple choice, SINGLE if
 *    one answer starts with "=", else MULTIPLE (weights "~%50%").  All "="
 *    answers with "->": MATCHING (text -> match; an empty left side is a
 *    distractor, as in Moodle).  Otherwise SHORT, including the one-answer
 *    form "{=Paris}": TEXT_NOCASE (Moodle's default), or TEXT_PATTERN when an
 *    answer holds a '*', Moodle's wildcard ("\*" is a literal star).
 *  - Weights "%n%" (n from -100 to 100, decimals allowed) become thousandths
 *    rounded half away from zero (%33.33333% → 333).  Unlike Moodle, a weight
 *    after "=" in a multiple choice counts too.
 *  - NUMERIC answers: "v", "v:tolerance" or "min..max"; values in millionths
 *    (at most 10^12 in size, more decimals rounded).  "~#feedback" at the
 *    end (Moodle's "any other answer") becomes a last choice with text "*",
 *    weight 0 and the range [INT64_MIN, INT64_MAX].
 *  - "####text" at the end of the answers is `general_feedback`.
 *  - Missing word: when text follows the closing "}", the answer set keeps
 *    its own type (SINGLE, SHORT, NUMERIC...) and `text` holds Moodle's blank
 *    "_____" where the braces were.  A single-gap CLOZE would lose what kind
 *    of answer the gap wants (a list, a text, a number); the blank keeps the
 *    types the grader already knows, and shows right in any renderer.
 *  - Limits: GIFT_MAX_ITEMS items, GIFT_MAX_CHOICES choices, GIFT_MAX_TEXT
 *    bytes in any text; a multiple choice needs two choices, a matching two
 *    pairs.
 *
 * Writing.  ORDERING and CLOZE are not in GIFT (Moodle has no syntax for
 * them), nor is anything gift_parse refuses (one-choice multiple choice, a
 * number out of range...): such items are left out, not approximated, and
 * gift_write_ex counts them.  The output is canonical: one answer per line
 * (TRUEFALSE and ESSAY on one line), "TRUE"/"FALSE", weights only where they
 * are not the default (Moodle's "%33.33333%" for a third), text escaped only
 * where needed, a blank "_____" turned back into the braces.  Thus
 * parse(write(bank)) equals the bank and a second write repeats the first
 * byte for byte.
 */
#include "assess/gift.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLANK "_____"
#define BLANK_LEN 5
/* NUMERIC magnitudes stay below 10^18 millionths (10^12 units), far from
 * int64 overflow when a grader adds a tolerance. */
#define NUM_MAX INT64_C(999999999999999999)
#define STRAY_CLOSE "'}' without a '{' before it (write '\\}' for the character)"

static const char *const FORMATS[] = {"html", "moodle", "plain", "markdown"};

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Characters that "\c" turns into themselves. */
static bool is_escapable(char c)
{
    return c && strchr("~=#{}:\\", c) != NULL;
}

static bool has_content(const char *s)
{
    for (; s && *s; s++)
        if (!is_ws(*s)) return true;
    return false;
}

/* Length of a "[html]"-like prefix of t[0..n), 0 if none; its name in *name. */
static size_t format_prefix(const char *t, size_t n, const char **name)
{
    for (size_t i = 0; i < LN_ARRAY_LEN(FORMATS); i++) {
        size_t k = strlen(FORMATS[i]);
        if (n >= k + 2 && t[0] == '[' && memcmp(t + 1, FORMATS[i], k) == 0 && t[k + 1] == ']') {
            *name = FORMATS[i];
            return k + 2;
        }
    }
    return 0;
}

/* ======================================================================
 * Reading
 * ==================================================================== */

/* One trimmed source line of the current block, where it sits in `j`. */
typedef struct Seg {
    size_t joff, len;
    int line, col;
} Seg;

typedef struct Parser {
    Arena *a;
    const char *src;
    size_t len;
    Buf j;              /* the block: its lines trimmed, joined with '\n' */
    const char *J;      /* j's bytes while a block is parsed */
    size_t jn;
    Seg *segs;
    int nsegs, capsegs;
    Buf tmp;            /* scratch for unescaping */
    Item *items;
    int n, cap;
    char *category;     /* in force */
    char *id;           /* from a "// [id:...]" comment of the block */
    int rc;             /* LN_OK until the first error */
    GiftError err;
} Parser;

/* Characters (not bytes) in s[0..n): UTF-8 lead bytes and ASCII. */
static int count_chars(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static void set_error(Parser *p, int rc, int line, int col, const char *msg)
{
    if (p->rc != LN_OK) return;     /* the first problem is the one to report */
    p->rc = rc;
    p->err.line = line;
    p->err.column = col;
    p->err.message = msg;
}

/* An error at byte `off` of the source (before any block exists). */
static int fail_src(Parser *p, size_t off, const char *msg)
{
    int line = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off; i++) {
        bool crlf = p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n';
        if ((p->src[i] == '\n' || p->src[i] == '\r') && !crlf) {
            line++;
            ls = i + 1;
        }
    }
    set_error(p, LN_EINVAL, line, 1 + count_chars(p->src + ls, off - ls), msg);
    return p->rc;
}

/* An error at byte `off` of the block: back to its line and column. */
static int fail(Parser *p, size_t off, int rc, const char *msg)
{
    int k = 0;
    for (int i = 1; i < p->nsegs; i++)
        if (p->segs[i].joff <= off) k = i;
    const Seg *s = &p->segs[k];
    size_t rel = off > s->joff ? off - s->joff : 0;
    if (rel > s->len) rel = s->len;
    set_error(p, rc, s->line, s->col + count_chars(p->J + s->joff, rel), msg);
    return p->rc;
}

/* ---- scanning the block, escapes skipped ------------------------------- */

/* First unescaped `c` in J[i..e), or e. */
static size_t find_char(const char *J, size_t i, size_t e, char c)
{
    for (; i < e; i++) {
        if (J[i] == '\\') { i++; continue; }
        if (J[i] == c) return i;
    }
    return e;
}

/* First unescaped occurrence of `s` (no backslash in it) in J[i..e), or e. */
static size_t find_str(const char *J, size_t i, size_t e, const char *s)
{
    size_t n = strlen(s);
    for (; i + n <= e; i++) {
        if (J[i] == '\\') { i++; continue; }
        if (memcmp(J + i, s, n) == 0) return i;
    }
    return e;
}

static size_t skip_ws(const char *J, size_t i, size_t e)
{
    while (i < e && is_ws(J[i])) i++;
    return i;
}

static void trim_range(const char *J, size_t *s, size_t *e)
{
    while (*s < *e && is_ws(J[*s])) (*s)++;
    while (*e > *s && is_ws(J[*e - 1])) (*e)--;
}

/* ---- text ------------------------------------------------------------- */

static void unescape(Buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char d = s[++i];
            if (is_escapable(d)) buf_putc(b, d);
            else if (d == 'n') buf_putc(b, '\n');
            else { buf_putc(b, '\\'); buf_putc(b, d); }    /* not an escape: kept */
            continue;
        }
        buf_putc(b, s[i]);
    }
}

/* The scratch buffer, trimmed, into the arena; NULL (error set at `at`)
 * when it is longer than a text may be. */
static char *take_text(Parser *p, size_t at)
{
    const char *s = buf_cstr(&p->tmp);
    size_t n = p->tmp.len;
    while (n && is_ws(*s)) s++, n--;
    while (n && is_ws(s[n - 1])) n--;
    if (n > GIFT_MAX_TEXT) {
        fail(p, at, LN_ELIMIT, "text longer than 64 KiB");
        return NULL;
    }
    return arena_strndup(p->a, s, n);
}

/* J[s..e) as people meant it: trimmed, escapes resolved and, for answers and
 * feedback, a "[format]" prefix dropped.  NULL on error. */
static char *cook(Parser *p, size_t s, size_t e, bool drop_format)
{
    trim_range(p->J, &s, &e);
    size_t at = s;
    const char *name;
    if (drop_format) s += format_prefix(p->J + s, e - s, &name);
    buf_reset(&p->tmp);
    unescape(&p->tmp, p->J + s, e - s);
    return take_text(p, at);
}

static char *null_if_empty(char *s)
{
    return s && *s ? s : NULL;
}

/* A feedback J[s..e), NULL when empty; sets *ok false on error. */
static char *cook_feedback(Parser *p, size_t s, size_t e, bool *ok)
{
    char *t = cook(p, s, e, true);
    if (!t) *ok = false;
    return null_if_empty(t);
}

/* ---- numbers and weights ---------------------------------------------- */

/* An "e-3" at s[i], if any, added to *point; returns where it ends. */
static size_t parse_exponent(const char *s, size_t i, size_t n, long *point)
{
    if (i >= n || (s[i] != 'e' && s[i] != 'E')) return i;
    size_t k = i + 1;
    bool neg = false;
    if (k < n && (s[k] == '+' || s[k] == '-')) neg = s[k++] == '-';
    if (k >= n || s[k] < '0' || s[k] > '9') return i;   /* "3e": the 'e' is not ours */
    long x = 0;
    for (; k < n && s[k] >= '0' && s[k] <= '9'; k++)
        if (x < 1000) x = x * 10 + (s[k] - '0');        /* beyond: out of range anyway */
    *point += neg ? -x : x;
    return k;
}

/* A decimal number ([+-], digits, '.', e-exponent, as PHP's is_numeric) at
 * s[0..n) into millionths, rounded half away from zero.  Returns the bytes
 * used (0: no number there) or -1 when it is too large. */
static long parse_millionths(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false, any = false;
    char dig[24];
    int nd = 0;
    long point = 0;     /* value = 0.dig × 10^point */
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (nd == 0 && s[i] == '0') continue;
        if (nd < (int)sizeof dig) dig[nd++] = s[i];
        if (point < 100) point++;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            any = true;
            if (nd == 0 && s[i] == '0') { if (point > -100) point--; continue; }
            if (nd < (int)sizeof dig) dig[nd++] = s[i];
        }
    }
    if (!any) return 0;
    i = parse_exponent(s, i, n, &point);
    long k = nd ? point + 6 : 0;    /* digits that make the whole millionths */
    if (k > 18) return -1;
    int64_t v = 0;
    for (long d = 0; d < k; d++) v = v * 10 + (d < nd ? dig[d] - '0' : 0);
    if (k >= 0 && k < nd && dig[k] >= '5') v++;
    if (v > NUM_MAX) return -1;
    *out = neg ? -v : v;
    return (long)i;
}

long gift_millionths(const char *s, size_t n, int64_t *out) { return parse_millionths(s, n, out); }

/* A weight "%n%" at J[i] (which is '%') into thousandths; *end after it. */
static int parse_weight(Parser *p, size_t i, size_t e, int *w, size_t *end)
{
    const char *J = p->J;
    size_t k = i + 1;
    bool neg = k < e && J[k] == '-';
    if (neg) k++;
    long ip = 0;
    int nip = 0, d1 = 0, d2 = 0, nfp = 0;
    bool frac_nonzero = false;
    for (; k < e && J[k] >= '0' && J[k] <= '9'; k++, nip++)
        if (ip <= 1000) ip = ip * 10 + (J[k] - '0');
    if (k < e && J[k] == '.')
        for (k++; k < e && J[k] >= '0' && J[k] <= '9'; k++, nfp++) {
            if (nfp == 0) d1 = J[k] - '0';
            if (nfp == 1) d2 = J[k] - '0';
            if (J[k] != '0') frac_nonzero = true;
        }
    if (nip == 0 || k >= e || J[k] != '%')
        return fail(p, i, LN_EINVAL, "malformed weight: write it as %50% or %-33.3%");
    if (ip > 100 || (ip == 100 && frac_nonzero))
        return fail(p, i, LN_EINVAL, "weight outside -100%..100%");
    int t = (int)ip * 10 + d1 + (d2 >= 5);
    *w = neg ? -t : t;
    *end = k + 1;
    return LN_OK;
}

/* ---- answer sets ------------------------------------------------------ */

/* One answer of a set: J[s..e) after its '=' or '~' (mark 0: text before
 * the first mark). */
typedef struct Tok {
    size_t s, e;
    char mark;
} Tok;

/* Splits J[as..ae) at each unescaped character of `marks`. */
static int tokenize(Parser *p, size_t as, size_t ae, const char *marks, Tok *toks, int *n)
{
    size_t start = as;
    char mark = 0;
    *n = 0;
    for (size_t i = as; i <= ae; i++) {
        if (i < ae && p->J[i] == '\\') { i++; continue; }
        if (i < ae && !strchr(marks, p->J[i])) continue;
        if (mark || skip_ws(p->J, start, i) < i) {
            if (*n == GIFT_MAX_CHOICES)
                return fail(p, start, LN_ELIMIT, "more than 200 answers in one question");
            toks[(*n)++] = (Tok){start, i, mark};
        }
        if (i < ae) {
            mark = p->J[i];
            start = i + 1;
        }
    }
    return LN_OK;
}

static Choice *new_choices(Parser *p, Item *it, int n)
{
    it->choices = arena_alloc(p->a, (size_t)(n ? n : 1) * sizeof(Choice));
    it->nchoices = n;
    return it->choices;
}

/* Where the first unescaped "->" of J[s..e) is, or e. */
static size_t find_arrow(const Parser *p, size_t s, size_t e)
{
    return find_str(p->J, s, e, "->");
}

/* Weight, text and feedback of one multiple-choice or short answer. */
static int parse_choice(Parser *p, const Tok *t, int dflt, Choice *c)
{
    size_t i = skip_ws(p->J, t->s, t->e);
    c->weight = dflt;
    if (i < t->e && p->J[i] == '%') {
        if (parse_weight(p, i, t->e, &c->weight, &i)) return p->rc;
    }
    size_t hash = find_char(p->J, i, t->e, '#');
    size_t arrow = find_arrow(p, i, hash);
    if (arrow < hash)
        return fail(p, arrow, LN_EINVAL,
                    "'->' outside a matching question (matching answers start with '=')");
    if (!(c->text = cook(p, i, hash, true))) return p->rc;
    if (!*c->text)
        return fail(p, t->mark ? t->s - 1 : t->s, LN_EINVAL, "empty answer");
    bool ok = true;
    if (hash < t->e) c->feedback = cook_feedback(p, hash + 1, t->e, &ok);
    return ok ? LN_OK : p->rc;
}

static int parse_pair(Parser *p, const Tok *t, Choice *c)
{
    size_t at = t->mark ? t->s - 1 : t->s;
    size_t arrow = find_arrow(p, t->s, t->e);
    if (arrow == t->e)
        return fail(p, at, LN_EINVAL, "matching answer without '->'");
    c->weight = 1000;
    if (!(c->text = cook(p, t->s, arrow, true))) return p->rc;
    if (!(c->match = cook(p, arrow + 2, t->e, false))) return p->rc;
    if (!*c->match)
        return fail(p, arrow, LN_EINVAL, "nothing after '->' in a matching pair");
    return LN_OK;
}

static int parse_matching(Parser *p, Item *it, const Tok *toks, int n, size_t open)
{
    it->type = ITEM_MATCHING;
    it->shuffle = true;
    Choice *c = new_choices(p, it, n);
    for (int k = 0; k < n; k++)
        if (parse_pair(p, &toks[k], &c[k])) return p->rc;
    if (n < 2) return fail(p, open, LN_EINVAL, "a matching question needs at least two pairs");
    return LN_OK;
}

/* Multiple choice, matching or short answer: by the marks, as Moodle. */
static int parse_choices(Parser *p, Item *it, size_t as, size_t ae, size_t open)
{
    Tok toks[GIFT_MAX_CHOICES];
    int n;
    if (tokenize(p, as, ae, "=~", toks, &n)) return p->rc;
    bool tilde = false, eq = false, arrow = false;
    for (int k = 0; k < n; k++) {
        tilde |= toks[k].mark == '~';
        eq |= toks[k].mark == '=';
        size_t body_end = find_char(p->J, toks[k].s, toks[k].e, '#');
        arrow |= find_arrow(p, toks[k].s, body_end) < body_end;
    }
    if (!tilde && eq && arrow) return parse_matching(p, it, toks, n, open);
    it->type = !tilde ? ITEM_SHORT : eq ? ITEM_SINGLE : ITEM_MULTIPLE;
    it->shuffle = tilde;
    if (!tilde) it->text_match = TEXT_NOCASE;
    Choice *c = new_choices(p, it, n);
    for (int k = 0; k < n; k++) {
        int dflt = toks[k].mark == '=' || (!tilde && !toks[k].mark) ? 1000 : 0;
        if (parse_choice(p, &toks[k], dflt, &c[k])) return p->rc;
        /* Moodle's short answers take '*' as a wildcard ("\*": a star). */
        if (!tilde && strchr(c[k].text, '*')) it->text_match = TEXT_PATTERN;
    }
    if (tilde && n < 2)
        return fail(p, open, LN_EINVAL, "a multiple-choice question needs at least two choices");
    return LN_OK;
}

static bool is_tf_word(const char *s, size_t n, bool *truth)
{
    static const char *const words[] = {"T", "TRUE", "F", "FALSE"};
    for (size_t i = 0; i < LN_ARRAY_LEN(words); i++)
        if (strlen(words[i]) == n && memcmp(s, words[i], n) == 0) {
            *truth = i < 2;
            return true;
        }
    return false;
}

/* "{T#if wrong#if right}": J[hash..ae) holds the feedback part. */
static int parse_truefalse(Parser *p, Item *it, bool truth, size_t hash, size_t ae)
{
    char *wrong = NULL, *right = NULL;
    bool ok = true;
    if (hash < ae) {
        size_t h2 = find_char(p->J, hash + 1, ae, '#');
        wrong = cook_feedback(p, hash + 1, h2, &ok);
        if (ok && h2 < ae) right = cook_feedback(p, h2 + 1, ae, &ok);
        if (!ok) return p->rc;
    }
    it->type = ITEM_TRUEFALSE;
    Choice *c = new_choices(p, it, 2);
    c[0] = (Choice){.text = arena_strdup(p->a, "true"), .weight = truth ? 1000 : 0,
                    .feedback = truth ? right : wrong};
    c[1] = (Choice){.text = arena_strdup(p->a, "false"), .weight = truth ? 0 : 1000,
                    .feedback = truth ? wrong : right};
    return LN_OK;
}

/* One number J[s..e) (trimmed) into millionths. */
static int parse_number(Parser *p, size_t s, size_t e, int64_t *v)
{
    trim_range(p->J, &s, &e);
    if (s == e) return fail(p, s, LN_EINVAL, "number missing");
    long used = parse_millionths(p->J + s, e - s, v);
    if (used < 0) return fail(p, s, LN_EINVAL, "number too large (at most 10^12)");
    if (used == 0) return fail(p, s, LN_EINVAL, "not a number");
    size_t rest = skip_ws(p->J, s + (size_t)used, e);
    if (rest == e) return LN_OK;
    char c = p->J[rest];
    if (c == ',') return fail(p, s, LN_EINVAL, "not a number (decimals take a '.', not a ',')");
    if (rest > s + (size_t)used && (strchr("+-.%", c) || (c >= '0' && c <= '9')))
        return fail(p, rest, LN_EINVAL, "'=' missing before this numeric answer");
    return fail(p, s, LN_EINVAL, "not a number");
}

/* "v", "v:tolerance" or "min..max" in J[s..e). */
static int parse_numeric_body(Parser *p, size_t s, size_t e, Choice *c)
{
    trim_range(p->J, &s, &e);
    size_t dots = s < e ? find_str(p->J, s + 1, e, "..") : e;
    if (dots < e) {
        c->num_is_range = true;
        if (parse_number(p, s, dots, &c->num_min) || parse_number(p, dots + 2, e, &c->num_max))
            return p->rc;
        if (c->num_min > c->num_max)
            return fail(p, s, LN_EINVAL, "range minimum above its maximum");
        return LN_OK;
    }
    size_t colon = s < e ? find_char(p->J, s + 1, e, ':') : e;
    if (parse_number(p, s, colon, &c->num_value)) return p->rc;
    if (colon < e) {
        if (parse_number(p, colon + 1, e, &c->num_tolerance)) return p->rc;
        if (c->num_tolerance < 0) return fail(p, colon + 1, LN_EINVAL, "negative tolerance");
    }
    return LN_OK;
}

static int parse_numeric_answer(Parser *p, const Tok *t, Choice *c)
{
    size_t i = skip_ws(p->J, t->s, t->e);
    c->weight = 1000;
    if (i < t->e && p->J[i] == '%') {
        if (parse_weight(p, i, t->e, &c->weight, &i)) return p->rc;
    }
    size_t hash = find_char(p->J, i, t->e, '#');
    if (parse_numeric_body(p, i, hash, c)) return p->rc;
    bool ok = true;
    if (hash < t->e) c->feedback = cook_feedback(p, hash + 1, t->e, &ok);
    return ok ? LN_OK : p->rc;
}

/* Moodle's "~#feedback" after the numbers: any other answer. */
static int parse_numeric_other(Parser *p, size_t tilde, size_t ae, Choice *c)
{
    size_t i = skip_ws(p->J, tilde + 1, ae);
    if (i < ae && p->J[i] != '#')
        return fail(p, i, LN_EINVAL, "in a numeric question '~' takes only '#feedback'");
    bool ok = true;
    *c = (Choice){.text = arena_strdup(p->a, "*"), .num_is_range = true,
                  .num_min = INT64_MIN, .num_max = INT64_MAX};
    if (i < ae) c->feedback = cook_feedback(p, i + 1, ae, &ok);
    return ok ? LN_OK : p->rc;
}

/* "{#...}": J[hash] is the '#'. */
static int parse_numeric(Parser *p, Item *it, size_t hash, size_t ae)
{
    Tok toks[GIFT_MAX_CHOICES];
    int n;
    size_t tilde = find_char(p->J, hash + 1, ae, '~');
    if (tokenize(p, hash + 1, tilde, "=", toks, &n)) return p->rc;
    if (n == 0) return fail(p, hash, LN_EINVAL, "a numeric question '{#...}' needs a number");
    if (tilde < ae && n == GIFT_MAX_CHOICES)
        return fail(p, tilde, LN_ELIMIT, "more than 200 answers in one question");
    it->type = ITEM_NUMERIC;
    Choice *c = new_choices(p, it, n + (tilde < ae));
    for (int k = 0; k < n; k++)
        if (parse_numeric_answer(p, &toks[k], &c[k])) return p->rc;
    if (tilde < ae) return parse_numeric_other(p, tilde, ae, &c[n]);
    return LN_OK;
}

/* The answers J[as..ae) (general feedback already taken off). */
static int parse_answers(Parser *p, Item *it, size_t as, size_t ae, size_t open)
{
    size_t s = skip_ws(p->J, as, ae);
    if (s == ae) {
        it->type = ITEM_ESSAY;
        return LN_OK;
    }
    if (p->J[s] == '#') return parse_numeric(p, it, s, ae);
    size_t hash = find_char(p->J, s, ae, '#');
    size_t ws = s, we = hash;
    trim_range(p->J, &ws, &we);
    bool truth;
    if (is_tf_word(p->J + ws, we - ws, &truth)) return parse_truefalse(p, it, truth, hash, ae);
    return parse_choices(p, it, as, ae, open);
}

/* ---- one question ----------------------------------------------------- */

/* A backslash must escape something on its own line. */
static int check_escapes(Parser *p, size_t i)
{
    for (; i < p->jn; i++) {
        if (p->J[i] != '\\') continue;
        if (i + 1 == p->jn || p->J[i + 1] == '\n')
            return fail(p, i, LN_EINVAL,
                        "'\\' at the end of a line escapes nothing (write '\\\\' for a backslash)");
        i++;
    }
    return LN_OK;
}

/* "::title::" at J[*pos], if there. */
static int parse_title(Parser *p, Item *it, size_t *pos)
{
    if (p->jn - *pos < 2 || memcmp(p->J + *pos, "::", 2) != 0) return LN_OK;
    size_t end = find_str(p->J, *pos + 2, p->jn, "::");
    if (end == p->jn)
        return fail(p, *pos, LN_EINVAL, "question title opened with '::' is not closed with '::'");
    if (!(it->title = cook(p, *pos + 2, end, false))) return p->rc;
    it->title = null_if_empty(it->title);
    *pos = skip_ws(p->J, end + 2, p->jn);
    return LN_OK;
}

/* Finds the answer set "{...}" from `pos`: *open == jn when there is none. */
static int find_answer_set(Parser *p, size_t pos, size_t *open, size_t *close)
{
    const char *J = p->J;
    size_t n = p->jn;
    *open = *close = n;
    for (size_t i = pos; i < n; i++) {
        if (J[i] == '\\') { i++; continue; }
        if (J[i] == '}') return fail(p, i, LN_EINVAL, STRAY_CLOSE);
        if (J[i] == '{') { *open = i; break; }
    }
    if (*open == n) return LN_OK;
    for (size_t i = *open + 1; i < n; i++) {
        if (J[i] == '\\') { i++; continue; }
        if (J[i] == '{')
            return fail(p, *open, LN_EINVAL, "'{' is not closed by '}' before the next '{'");
        if (J[i] == '}') { *close = i; break; }
    }
    if (*close == n) return fail(p, *open, LN_EINVAL, "'{' is not closed by '}'");
    for (size_t i = *close + 1; i < n; i++) {
        if (J[i] == '\\') { i++; continue; }
        if (J[i] == '}') return fail(p, i, LN_EINVAL, STRAY_CLOSE);
        if (J[i] == '{')
            return fail(p, i, LN_EINVAL, "a second answer set: GIFT has one '{...}' per question");
    }
    return LN_OK;
}

/* The question text around the answer set: before it, Moodle's blank when
 * text follows it (missing word), and what follows. */
static int question_text(Parser *p, Item *it, size_t pos, size_t open, size_t close)
{
    buf_reset(&p->tmp);
    unescape(&p->tmp, p->J + pos, open - pos);
    if (open < p->jn && skip_ws(p->J, close + 1, p->jn) < p->jn) {
        buf_puts(&p->tmp, BLANK);
        unescape(&p->tmp, p->J + close + 1, p->jn - close - 1);
    }
    it->text = take_text(p, pos);
    return it->text ? LN_OK : p->rc;
}

/* The question starting at J[pos] into *it. */
static int parse_question(Parser *p, Item *it, size_t pos)
{
    it->points = 1000;
    it->category = p->category;
    it->id = p->id;
    it->text_format = arena_strdup(p->a, "moodle");
    if (parse_title(p, it, &pos)) return p->rc;
    const char *name;
    size_t fl = format_prefix(p->J + pos, p->jn - pos, &name);
    if (fl) {
        it->text_format = arena_strdup(p->a, name);
        pos = skip_ws(p->J, pos + fl, p->jn);
    }
    size_t open, close;
    if (find_answer_set(p, pos, &open, &close)) return p->rc;
    if (question_text(p, it, pos, open, close)) return p->rc;
    if (open == p->jn) {
        it->type = ITEM_DESCRIPTION;
        it->points = 0;
        return LN_OK;
    }
    size_t ae = find_str(p->J, open + 1, close, "####");
    if (ae < close) {
        if (!(it->general_feedback = cook(p, ae + 4, close, true))) return p->rc;
        it->general_feedback = null_if_empty(it->general_feedback);
    }
    return parse_answers(p, it, open + 1, ae, open);
}

static int push_item(Parser *p, const Item *it, size_t pos)
{
    if (p->n == GIFT_MAX_ITEMS) return fail(p, pos, LN_ELIMIT, "more than 5000 questions");
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        Item *items = arena_alloc(p->a, (size_t)cap * sizeof(Item));
        if (p->n) memcpy(items, p->items, (size_t)p->n * sizeof(Item));
        p->items = items;
        p->cap = cap;
    }
    p->items[p->n++] = *it;
    return LN_OK;
}

/* "$CATEGORY: path" as the block's first line; *pos after that line. */
static void parse_category(Parser *p, size_t *pos)
{
    static const char kw[] = "$CATEGORY:";
    size_t k = sizeof kw - 1;
    if (p->jn < k || memcmp(p->J, kw, k) != 0) return;
    size_t s = k, e = k;
    while (e < p->jn && p->J[e] != '\n') e++;
    *pos = e < p->jn ? e + 1 : e;
    trim_range(p->J, &s, &e);
    p->category = s < e ? arena_strndup(p->a, p->J + s, e - s) : NULL;
}

static int parse_block(Parser *p)
{
    p->J = buf_cstr(&p->j);
    p->jn = p->j.len;
    size_t pos = 0;
    parse_category(p, &pos);
    if (pos == p->jn) return LN_OK;
    if (check_escapes(p, pos)) return p->rc;
    Item it = {0};
    int start_line = p->segs[0].line;
    for (int i = 0; i < p->nsegs; i++)
        if (p->segs[i].joff <= pos) start_line = p->segs[i].line;
    it.line = start_line;
    if (parse_question(p, &it, pos)) return p->rc;
    /* Nothing at all (a lone "[html]"): not a question. */
    if (it.type == ITEM_DESCRIPTION && !it.title && !*it.text) return LN_OK;
    return push_item(p, &it, pos);
}

/* ---- lines and blocks ------------------------------------------------- */

/* "// ... [id:X] ..." — the block's id, as Moodle exports it. */
static void note_id(Parser *p, const char *s, size_t n)
{
    const char *q = p->id ? NULL : memmem(s, n, "[id:", 4);
    if (!q) return;
    const char *end = s + n;
    buf_reset(&p->tmp);
    for (q += 4; q < end; q++) {
        if (*q == '\\' && q + 1 < end && q[1] == ']') {
            buf_putc(&p->tmp, ']');
            q++;
        } else if (*q == ']') {
            break;
        } else if (*q == '[' || (unsigned char)*q < 0x20 || *q == 0x7f) {
            return;
        } else {
            buf_putc(&p->tmp, *q);
        }
    }
    if (q == end) return;
    const char *t = buf_cstr(&p->tmp);
    size_t b = 0, e = p->tmp.len;
    trim_range(t, &b, &e);
    if (b < e) p->id = arena_strndup(p->a, t + b, e - b);
}

static int flush_block(Parser *p)
{
    int rc = p->nsegs ? parse_block(p) : LN_OK;
    buf_reset(&p->j);
    p->nsegs = 0;
    p->id = NULL;
    return rc;
}

static int take_line(Parser *p, size_t i, size_t e, int line)
{
    size_t s = i, t = e;
    trim_range(p->src, &s, &t);
    if (s == t) return flush_block(p);
    if (t - s >= 2 && p->src[s] == '/' && p->src[s + 1] == '/') {
        note_id(p, p->src + s, t - s);
        return LN_OK;
    }
    if (p->nsegs) buf_putc(&p->j, '\n');
    if (p->nsegs == p->capsegs) {
        p->capsegs = p->capsegs ? p->capsegs * 2 : 16;
        p->segs = xrealloc(p->segs, (size_t)p->capsegs * sizeof(Seg));
    }
    /* Leading blanks are ASCII: their bytes are their characters. */
    p->segs[p->nsegs++] = (Seg){p->j.len, t - s, line, (int)(s - i) + 1};
    buf_append(&p->j, p->src + s, t - s);
    return LN_OK;
}

static void parse_lines(Parser *p)
{
    size_t i = 0;
    for (int line = 1;; line++) {
        size_t e = i;
        while (e < p->len && p->src[e] != '\n' && p->src[e] != '\r') e++;
        if (take_line(p, i, e, line)) return;
        if (e >= p->len) break;
        i = e + (p->src[e] == '\r' && e + 1 < p->len && p->src[e + 1] == '\n' ? 2 : 1);
    }
    flush_block(p);
}

int gift_parse(Arena *a, const char *src, size_t len, ItemBank *out, GiftError *err)
{
    Parser p = {.a = a};
    buf_init(&p.j, 0);
    buf_init(&p.tmp, 0);
    out->items = NULL;
    out->n = 0;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
        src += 3;
        len -= 3;
    }
    p.src = src;
    p.len = len;
    size_t bad = utf8_valid_prefix(src, len);
    if (bad < len) fail_src(&p, bad, "not valid UTF-8 (or a NUL byte)");
    else parse_lines(&p);
    if (p.rc == LN_OK) {
        out->items = p.items;
        out->n = p.n;
    }
    if (err) *err = p.rc == LN_OK ? (GiftError){0, 0, NULL} : p.err;
    buf_free(&p.j);
    buf_free(&p.tmp);
    free(p.segs);
    return p.rc;
}

/* ======================================================================
 * Writing
 * ==================================================================== */

static bool is_format(const char *f)
{
    for (size_t i = 0; i < LN_ARRAY_LEN(FORMATS); i++)
        if (str_eq(f, FORMATS[i])) return true;
    return false;
}

static const char *format_of(const Item *it)
{
    return is_format(it->text_format) ? it->text_format : "moodle";
}

/* Text escaped so that gift_parse reads it back as it is.  A backslash is
 * doubled only where it would escape what follows: "\(x\)" stays readable
 * and "\->" stays no arrow. */
static void put_esc(Buf *b, const char *s)
{
    for (; s && *s; s++) {
        char c = *s;
        if (c == '\r') continue;
        if (c == '\n') {
            buf_puts(b, "\\n");
        } else if (c == '\\') {
            char d = s[1];
            bool plain = d && d != '\n' && d != '\r' && d != 'n' && !is_escapable(d);
            buf_puts(b, plain ? "\\" : "\\\\");
        } else {
            if (is_escapable(c)) buf_putc(b, '\\');
            buf_putc(b, c);
        }
    }
}

static void put_esc_n(Buf *b, const char *s, size_t n)
{
    char *t = xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = 0;
    put_esc(b, t);
    free(t);
}

/* An answer or feedback: a leading "[html]"-like text would be taken for a
 * format and dropped, so the item's own format goes first. */
static void put_part(Buf *b, const Item *it, const char *s)
{
    const char *name;
    if (s && format_prefix(s, strlen(s), &name)) buf_printf(b, "[%s]", format_of(it));
    put_esc(b, s);
}

static void put_feedback(Buf *b, const Item *it, const char *fb)
{
    if (str_empty(fb)) return;
    buf_putc(b, '#');
    put_part(b, it, fb);
}

/* Moodle imports only grades from its own list (matchgrades=error); the
 * thousandths that stand for its thirds, sixths, sevenths and ninths are
 * written as Moodle writes them, and read back as the same thousandths. */
static const struct { int w; const char *pct; } MOODLE_GRADES[] = {
    {833, "83.33333"}, {667, "66.66667"}, {333, "33.33333"},
    {167, "16.66667"}, {143, "14.28571"}, {111, "11.11111"},
};

static void put_weight(Buf *b, int w)
{
    int a = w < 0 ? -w : w;
    buf_printf(b, "%%%s", w < 0 ? "-" : "");
    for (size_t i = 0; i < LN_ARRAY_LEN(MOODLE_GRADES); i++)
        if (MOODLE_GRADES[i].w == a) {
            buf_printf(b, "%s%%", MOODLE_GRADES[i].pct);
            return;
        }
    buf_printf(b, "%d", a / 10);
    if (a % 10) buf_printf(b, ".%d", a % 10);
    buf_putc(b, '%');
}

static void put_num(Buf *b, int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    buf_printf(b, "%s%" PRIu64, v < 0 ? "-" : "", u / 1000000);
    unsigned f = (unsigned)(u % 1000000);
    if (!f) return;
    char d[8];
    snprintf(d, sizeof d, "%06u", f);
    size_t n = 6;
    while (d[n - 1] == '0') n--;
    buf_printf(b, ".%.*s", (int)n, d);
}

/* The choice that carries the '=' of a SINGLE: the first fully right one,
 * else the first of the highest weight (so it reads back as SINGLE). */
static int single_mark(const Item *it)
{
    int best = 0;
    for (int k = 0; k < it->nchoices; k++) {
        if (it->choices[k].weight == 1000) return k;
        if (it->choices[k].weight > it->choices[best].weight) best = k;
    }
    return best;
}

/* "=", "~", "=%50%"...: the weight only where it is not the default, or
 * where the text itself starts with '%'. */
static void put_mark(Buf *b, char mark, int w, int dflt, const char *text)
{
    while (text && is_ws(*text)) text++;
    buf_putc(b, mark);
    if (w != dflt || (text && *text == '%')) put_weight(b, w);
}

static void put_choice_lines(Buf *b, const Item *it)
{
    int eq = it->type == ITEM_SINGLE ? single_mark(it) : -1;
    for (int k = 0; k < it->nchoices; k++) {
        const Choice *c = &it->choices[k];
        buf_putc(b, '\t');
        if (it->type == ITEM_SHORT) put_mark(b, '=', c->weight, 1000, c->text);
        else if (k == eq) put_mark(b, '=', c->weight, 1000, c->text);
        else put_mark(b, '~', c->weight, 0, c->text);
        put_part(b, it, c->text);
        put_feedback(b, it, c->feedback);
        buf_putc(b, '\n');
    }
}

static void put_pair_lines(Buf *b, const Item *it)
{
    for (int k = 0; k < it->nchoices; k++) {
        const Choice *c = &it->choices[k];
        buf_puts(b, "\t=");
        put_part(b, it, c->text);
        buf_puts(b, " -> ");
        put_esc(b, c->match);
        buf_putc(b, '\n');
    }
}

static bool is_other(const Choice *c)
{
    return str_eq(c->text, "*");
}

static void put_numeric_lines(Buf *b, const Item *it)
{
    for (int k = 0; k < it->nchoices; k++) {
        const Choice *c = &it->choices[k];
        if (is_other(c)) continue;
        buf_puts(b, "\t=");
        if (c->weight != 1000) put_weight(b, c->weight);
        if (c->num_is_range) {
            put_num(b, c->num_min);
            buf_puts(b, "..");
            put_num(b, c->num_max);
        } else {
            put_num(b, c->num_value);
            if (c->num_tolerance) {
                buf_putc(b, ':');
                put_num(b, c->num_tolerance);
            }
        }
        put_feedback(b, it, c->feedback);
        buf_putc(b, '\n');
    }
    for (int k = 0; k < it->nchoices; k++)
        if (is_other(&it->choices[k])) {
            buf_puts(b, "\t~");
            put_feedback(b, it, it->choices[k].feedback);
            buf_putc(b, '\n');
        }
}

static void put_general_feedback(Buf *b, const Item *it, bool own_line)
{
    if (str_empty(it->general_feedback)) return;
    buf_puts(b, own_line ? "\t####" : "####");
    put_part(b, it, it->general_feedback);
    if (own_line) buf_putc(b, '\n');
}

static void put_truefalse(Buf *b, const Item *it)
{
    bool truth = it->choices[0].weight > 0;
    const char *right = it->choices[truth ? 0 : 1].feedback;
    const char *wrong = it->choices[truth ? 1 : 0].feedback;
    buf_puts(b, truth ? "TRUE" : "FALSE");
    /* Moodle's order: the feedback for a wrong answer comes first. */
    if (!str_empty(wrong)) put_feedback(b, it, wrong);
    else if (!str_empty(right)) buf_putc(b, '#');
    put_feedback(b, it, right);
}

/* "{...}" for the item's answers. */
static void put_answer_set(Buf *b, const Item *it)
{
    buf_putc(b, '{');
    switch (it->type) {
    case ITEM_ESSAY:
        put_general_feedback(b, it, false);
        break;
    case ITEM_TRUEFALSE:
        put_truefalse(b, it);
        put_general_feedback(b, it, false);
        break;
    case ITEM_NUMERIC:
        buf_puts(b, "#\n");
        put_numeric_lines(b, it);
        put_general_feedback(b, it, true);
        break;
    case ITEM_MATCHING:
        buf_putc(b, '\n');
        put_pair_lines(b, it);
        put_general_feedback(b, it, true);
        break;
    default:
        buf_putc(b, '\n');
        put_choice_lines(b, it);
        put_general_feedback(b, it, true);
        break;
    }
    buf_putc(b, '}');
}

/* Moodle's "_____" with text after it, where the braces go back; NULL when
 * the answers go at the end. */
static const char *blank_at(const char *text)
{
    const char *q = strstr(text, BLANK);
    /* A later blank's tail is part of the first one's: one test is enough. */
    return q && has_content(q + BLANK_LEN) ? q : NULL;
}

static bool id_writable(const char *id)
{
    if (str_empty(id) || is_ws(id[0]) || is_ws(id[strlen(id) - 1])) return false;
    for (const char *s = id; *s; s++)
        if (*s == '[' || (unsigned char)*s < 0x20 || *s == 0x7f) return false;
    return true;
}

static void put_id(Buf *b, const char *id)
{
    buf_puts(b, "// [id:");
    for (const char *s = id; *s; s++) {
        if (*s == ']') buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    /* "\]" would escape the closing bracket; the space is trimmed away. */
    buf_puts(b, id[strlen(id) - 1] == '\\' ? " ]\n" : "]\n");
}

/* "[moodle]" is the default, but is needed before a text that would read as
 * a format, or at the start of a line as a comment, or at the start of the
 * file as a byte order mark. */
static bool needs_format(const char *text)
{
    return text[0] == '[' || str_startswith(text, "//") || str_startswith(text, "\xEF\xBB\xBF");
}

static void put_item(Buf *b, const Item *it)
{
    const char *text = it->text ? it->text : "";
    const char *fmt = format_of(it);
    if (id_writable(it->id)) put_id(b, it->id);
    if (!str_empty(it->title)) {
        buf_puts(b, "::");
        put_esc(b, it->title);
        buf_puts(b, "::");
    }
    if (!str_eq(fmt, "moodle") || needs_format(text)) buf_printf(b, "[%s]", fmt);
    if (it->type == ITEM_DESCRIPTION) {
        put_esc(b, text);
        buf_putc(b, '\n');
        return;
    }
    const char *blank = blank_at(text);
    put_esc_n(b, text, blank ? (size_t)(blank - text) : strlen(text));
    put_answer_set(b, it);
    if (blank) put_esc(b, blank + BLANK_LEN);
    buf_putc(b, '\n');
}

/* ---- what GIFT can hold: exactly what gift_parse accepts --------------- */

static bool text_ok(const char *s)
{
    return !s || strlen(s) <= GIFT_MAX_TEXT;
}

/* An unescaped "->" once written: one whose '-' has no backslash before it. */
static bool has_arrow(const char *s)
{
    for (const char *q = s ? strstr(s, "->") : NULL; q; q = strstr(q + 1, "->"))
        if (q == s || q[-1] != '\\') return true;
    return false;
}

static bool weight_ok(int w)
{
    return w >= -1000 && w <= 1000;
}

static bool choice_ok(const Item *it, const Choice *c)
{
    if (!text_ok(c->text) || !text_ok(c->match) || !text_ok(c->feedback)) return false;
    switch (it->type) {
    case ITEM_MATCHING:
        return !has_arrow(c->text) && has_content(c->match);
    case ITEM_NUMERIC:
        if (is_other(c)) return true;
        if (c->num_is_range)
            return c->num_min >= -NUM_MAX && c->num_max <= NUM_MAX && c->num_min <= c->num_max
                   && weight_ok(c->weight);
        return c->num_value >= -NUM_MAX && c->num_value <= NUM_MAX && c->num_tolerance >= 0
               && c->num_tolerance <= NUM_MAX && weight_ok(c->weight);
    default:
        return has_content(c->text) && !has_arrow(c->text) && weight_ok(c->weight);
    }
}

static bool choices_ok(const Item *it, int min)
{
    int others = 0;
    if (it->nchoices < min || it->nchoices > GIFT_MAX_CHOICES) return false;
    for (int k = 0; k < it->nchoices; k++) {
        if (!choice_ok(it, &it->choices[k])) return false;
        others += it->type == ITEM_NUMERIC && is_other(&it->choices[k]);
    }
    return others <= 1 && it->nchoices - others >= 1;
}

static bool writable(const Item *it)
{
    if (!text_ok(it->text) || !text_ok(it->title) || !text_ok(it->general_feedback)) return false;
    switch (it->type) {
    case ITEM_DESCRIPTION:
        return has_content(it->title) || has_content(it->text);
    case ITEM_ESSAY:
        return true;
    case ITEM_TRUEFALSE:
        return it->nchoices == 2 && text_ok(it->choices[0].feedback)
               && text_ok(it->choices[1].feedback)
               && it->choices[0].weight + it->choices[1].weight == 1000
               && (it->choices[0].weight == 0 || it->choices[0].weight == 1000);
    case ITEM_SINGLE:
    case ITEM_MULTIPLE:
    case ITEM_MATCHING:
        return choices_ok(it, 2);
    case ITEM_SHORT:
    case ITEM_NUMERIC:
        return choices_ok(it, 1);
    default:        /* ORDERING, CLOZE: no GIFT syntax */
        return false;
    }
}

/* "$CATEGORY: x" when the category changes; trimmed, on one line. */
static void put_category(Buf *b, const char *cat)
{
    buf_puts(b, "$CATEGORY:");
    if (!str_empty(cat)) {
        while (is_ws(*cat)) cat++;
        size_t n = strlen(cat);
        while (n && is_ws(cat[n - 1])) n--;
        buf_putc(b, ' ');
        for (size_t i = 0; i < n; i++) buf_putc(b, cat[i] == '\n' || cat[i] == '\r' ? ' ' : cat[i]);
    }
    buf_puts(b, "\n\n");
}

void gift_write_ex(Buf *out, const ItemBank *bank, int *skipped)
{
    int skip = 0, written = 0;
    const char *cat = NULL;
    for (int i = 0; i < bank->n; i++) {
        const Item *it = &bank->items[i];
        if (written == GIFT_MAX_ITEMS || !writable(it)) {
            skip++;
            continue;
        }
        const char *c = str_empty(it->category) ? NULL : it->category;
        if (!str_eq(c, cat)) put_category(out, c);
        cat = c;
        put_item(out, it);
        buf_putc(out, '\n');
        written++;
    }
    if (skipped) *skipped = skip;
}

void gift_write(Buf *out, const ItemBank *bank)
{
    gift_write_ex(out, bank, NULL);
}
