/* item_json.c — items as JSON (storage, staff API), how an item is shown in
 * an attempt, the learner's view of it, and learners' responses.
 *
 * Stored item (the whole Item, answers included; absent members are NULL,
 * 0 or false):
 *   {"type": "single", "title", "text", "text_format", "general_feedback",
 *    "category", "id", "points": 1000, "shuffle": true,
 *    "text_match": "exact"|"nocase"|"pattern", "ngaps",
 *    "choices": [{"text", "match", "weight", "feedback", "value",
 *                 "tolerance", "min", "max", "range": true, "gap",
 *                 "gap_type": "numeric"}]}
 *
 * The learner's view names choices by their position as shown (Shown),
 * never by the item's own indexes, and carries no weight, no correct flag,
 * no feedback, no numeric value and no matching pairs: what a browser gets
 * before feedback may be shown cannot give the answer away.
 *
 * A learner's response, in shown positions:
 *   single, truefalse  {"choice": 2}
 *   multiple           {"choices": [0, 3]}
 *   numeric, short,
 *   essay              {"text": "3,14"}
 *   matching           {"pairs": [1, 0, null]}    the option picked for each left side shown
 *   ordering           {"order": [2, 0, 1]}       the shown positions in the learner's order
 *   cloze              {"gaps": ["Paris", 1]}     a text, or a position among the gap's choices
 * null or {} is no answer.
 */
#include "assess/quiz.h"
#include "assess/gift.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESPONSE_TEXT_MAX 65536

/* ======================================================================
 * Item <-> JSON
 * ==================================================================== */

static const char *const match_names[] = {"exact", "nocase", "pattern"};

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v) json_object_set_new(o, key, json_string(v));
}

static void set_int(json_t *o, const char *key, int64_t v)
{
    if (v) json_object_set_new(o, key, json_integer((json_int_t)v));
}

json_t *item_to_json(const Item *it)
{
    json_t *j = json_object();
    json_object_set_new(j, "type", json_string(item_type_name(it->type)));
    set_str(j, "title", it->title);
    set_str(j, "text", it->text);
    set_str(j, "text_format", it->text_format);
    set_str(j, "general_feedback", it->general_feedback);
    set_str(j, "category", it->category);
    set_str(j, "id", it->id);
    json_object_set_new(j, "points", json_integer(it->points));
    if (it->shuffle) json_object_set_new(j, "shuffle", json_true());
    if (it->text_match > TEXT_EXACT && it->text_match <= TEXT_PATTERN)
        json_object_set_new(j, "text_match", json_string(match_names[it->text_match]));
    set_int(j, "ngaps", it->ngaps);
    json_t *cs = json_array();
    for (int i = 0; i < it->nchoices; i++) {
        const Choice *c = &it->choices[i];
        json_t *o = json_object();
        set_str(o, "text", c->text);
        set_str(o, "match", c->match);
        json_object_set_new(o, "weight", json_integer(c->weight));
        set_str(o, "feedback", c->feedback);
        set_int(o, "value", c->num_value);
        set_int(o, "tolerance", c->num_tolerance);
        set_int(o, "min", c->num_min);
        set_int(o, "max", c->num_max);
        if (c->num_is_range) json_object_set_new(o, "range", json_true());
        set_int(o, "gap", c->gap);
        if (c->gap_type) json_object_set_new(o, "gap_type", json_string(item_type_name(c->gap_type)));
        json_array_append_new(cs, o);
    }
    json_object_set_new(j, "choices", cs);
    return j;
}

typedef struct Reader {
    Arena *a;
    const char *err;
} Reader;

/* A string member: NULL when absent or null; false when of another type. */
static bool get_str(Reader *rd, const json_t *o, const char *key, char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) return true;
    if (!json_is_string(v) || json_string_length(v) > GIFT_MAX_TEXT
        || strlen(json_string_value(v)) != json_string_length(v)) {
        rd->err = arena_printf(rd->a, "\"%s\" must be a string without NUL of at most 65536 bytes", key);
        return false;
    }
    *out = arena_strdup(rd->a, json_string_value(v));
    return true;
}

static bool get_int(Reader *rd, const json_t *o, const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    *out = def;
    if (!v || json_is_null(v)) return true;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        rd->err = arena_printf(rd->a, "\"%s\" must be a whole number from %lld to %lld", key, (long long)lo,
                               (long long)hi);
        return false;
    }
    *out = (int64_t)json_integer_value(v);
    return true;
}

static bool get_bool(Reader *rd, const json_t *o, const char *key, bool *out)
{
    const json_t *v = json_object_get(o, key);
    *out = false;
    if (!v || json_is_null(v)) return true;
    if (!json_is_boolean(v)) {
        rd->err = arena_printf(rd->a, "\"%s\" must be true or false", key);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

int item_from_json(Arena *a, const json_t *j, Item *out, const char **err)
{
    Reader rd = {a, NULL};
    memset(out, 0, sizeof *out);
    if (!json_is_object(j)) {
        *err = "an item must be a JSON object";
        return LN_EINVAL;
    }
    const json_t *t = json_object_get(j, "type");
    out->type = json_is_string(t) ? item_type_from_name(json_string_value(t)) : 0;
    if (!out->type) {
        *err = "\"type\" must be one of single, multiple, truefalse, numeric, short, matching, ordering, cloze, "
               "essay, description";
        return LN_EINVAL;
    }
    int64_t points, ngaps;
    char *tm = NULL;
    if (!get_str(&rd, j, "title", &out->title) || !get_str(&rd, j, "text", &out->text)
        || !get_str(&rd, j, "text_format", &out->text_format)
        || !get_str(&rd, j, "general_feedback", &out->general_feedback)
        || !get_str(&rd, j, "category", &out->category) || !get_str(&rd, j, "id", &out->id)
        || !get_int(&rd, j, "points", 0, 1000000, 1000, &points) || !get_bool(&rd, j, "shuffle", &out->shuffle)
        || !get_str(&rd, j, "text_match", &tm) || !get_int(&rd, j, "ngaps", 0, GIFT_MAX_CHOICES, 0, &ngaps))
        goto bad;
    out->points = (int)points;
    out->ngaps = (int)ngaps;
    out->text_match = TEXT_EXACT;
    if (tm) {
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (str_eq(tm, match_names[i])) k = i;
        if (k < 0) {
            rd.err = "\"text_match\" must be exact, nocase or pattern";
            goto bad;
        }
        out->text_match = (TextMatch)k;
    }
    const json_t *cs = json_object_get(j, "choices");
    if (cs && !json_is_null(cs)) {
        if (!json_is_array(cs) || json_array_size(cs) > GIFT_MAX_CHOICES) {
            rd.err = "\"choices\" must be an array of at most 200 choices";
            goto bad;
        }
        out->nchoices = (int)json_array_size(cs);
        out->choices = arena_alloc(a, sizeof(Choice) * (size_t)(out->nchoices ? out->nchoices : 1));
        for (int i = 0; i < out->nchoices; i++) {
            const json_t *o = json_array_get(cs, (size_t)i);
            Choice *c = &out->choices[i];
            int64_t w, gap;
            char *gt = NULL;
            if (!json_is_object(o)) {
                rd.err = "each choice must be a JSON object";
                goto bad;
            }
            if (!get_str(&rd, o, "text", &c->text) || !get_str(&rd, o, "match", &c->match)
                || !get_int(&rd, o, "weight", -1000, 1000, 0, &w) || !get_str(&rd, o, "feedback", &c->feedback)
                || !get_int(&rd, o, "value", INT64_MIN, INT64_MAX, 0, &c->num_value)
                || !get_int(&rd, o, "tolerance", INT64_MIN, INT64_MAX, 0, &c->num_tolerance)
                || !get_int(&rd, o, "min", INT64_MIN, INT64_MAX, 0, &c->num_min)
                || !get_int(&rd, o, "max", INT64_MIN, INT64_MAX, 0, &c->num_max)
                || !get_bool(&rd, o, "range", &c->num_is_range)
                || !get_int(&rd, o, "gap", 0, out->ngaps > 0 ? out->ngaps - 1 : 0, 0, &gap)
                || !get_str(&rd, o, "gap_type", &gt))
                goto bad;
            c->weight = (int)w;
            c->gap = (int)gap;
            if (gt) {
                c->gap_type = item_type_from_name(gt);
                if (c->gap_type != ITEM_NUMERIC && c->gap_type != ITEM_SHORT && c->gap_type != ITEM_SINGLE) {
                    rd.err = "\"gap_type\" must be numeric, short or single";
                    goto bad;
                }
            }
        }
    }
    return LN_OK;
bad:
    *err = rd.err;
    memset(out, 0, sizeof *out);
    return LN_EINVAL;
}

char *item_to_text(Arena *a, const Item *it)
{
    json_t *j = item_to_json(it);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *out = arena_strdup(a, s ? s : "{}");
    free(s);
    return out;
}

/* Stored items are parsed on every attempt page and submission, ten or more
 * per request, and parsing their JSON was most of a submission's CPU.  The
 * rows never change (an edit is a new row), so each process keeps the parsed
 * JSON of recent texts, by a hash of the text and checked against the whole
 * text (so a reused id or any other text can never be served another's
 * tree).  Trees are only read once made, which jansson allows from several
 * threads; its reference counts are atomic. */
#define PARSED_SLOTS 2048
static struct { char *text; json_t *j; } parsed[PARSED_SLOTS];
static pthread_mutex_t parsed_lock = PTHREAD_MUTEX_INITIALIZER;

static json_t *parse_cached(const char *text)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) h = (h ^ *p) * 16777619u;
    size_t slot = h % PARSED_SLOTS;
    json_t *j = NULL;
    pthread_mutex_lock(&parsed_lock);
    if (parsed[slot].text && strcmp(parsed[slot].text, text) == 0) j = json_incref(parsed[slot].j);
    pthread_mutex_unlock(&parsed_lock);
    if (j) return j;
    if (!(j = json_loads(text, 0, NULL))) return NULL;
    char *copy = strdup(text);
    if (!copy) return j;
    pthread_mutex_lock(&parsed_lock);
    char *old_text = parsed[slot].text;
    json_t *old = parsed[slot].j;
    parsed[slot].text = copy;
    parsed[slot].j = json_incref(j);
    pthread_mutex_unlock(&parsed_lock);
    free(old_text);
    json_decref(old);
    return j;
}

int item_from_text(Arena *a, const char *text, Item *out)
{
    json_t *j = parse_cached(text ? text : "");
    const char *err;
    int rc = j ? item_from_json(a, j, out, &err) : LN_EINVAL;
    json_decref(j);
    return rc;
}

/* ======================================================================
 * How an item is shown
 * ==================================================================== */

static void shuffle_ints(int *v, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int k = (int)randombytes_uniform((uint32_t)i + 1);
        int t = v[i];
        v[i] = v[k];
        v[k] = t;
    }
}

/* Would an ordering shown this way give the right order away? */
static bool order_is_right(const Item *it, const int *order, int n)
{
    for (int i = 0; i < n; i++)
        if (!str_eq(it->choices[order[i]].text, it->choices[i].text)) return false;
    return true;
}

void shown_make(Arena *a, const Item *it, int64_t id, bool shuffle, Shown *s)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    int n = it->choices && it->nchoices > 0 ? it->nchoices : 0;
    bool mix = shuffle || it->shuffle;
    switch (it->type) {
    case ITEM_SINGLE: case ITEM_MULTIPLE: case ITEM_TRUEFALSE: case ITEM_ORDERING: case ITEM_CLOZE:
        s->order = arena_alloc(a, sizeof(int) * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++) s->order[i] = i;
        s->norder = n;
        if (it->type == ITEM_ORDERING) {
            /* Always mixed, and never shown in the right order. */
            for (int tries = 0; tries < 20; tries++) {
                shuffle_ints(s->order, n);
                if (!order_is_right(it, s->order, n)) break;
            }
        } else if (mix && it->type != ITEM_TRUEFALSE) shuffle_ints(s->order, n);
        break;
    case ITEM_MATCHING:
        s->order = arena_alloc(a, sizeof(int) * (size_t)(n ? n : 1));
        s->options = arena_alloc(a, sizeof(int) * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++) {
            const Choice *c = &it->choices[i];
            if (c->text && *c->text) s->order[s->norder++] = i;
            bool seen = false;      /* a right side offered once, however many left sides share it */
            for (int k = 0; k < s->noptions && !seen; k++)
                seen = str_eq(it->choices[s->options[k]].match, c->match);
            if (!seen && c->match) s->options[s->noptions++] = i;
        }
        if (mix) shuffle_ints(s->order, s->norder);
        shuffle_ints(s->options, s->noptions);     /* always: in the item's order they would pair up */
        break;
    default:
        break;
    }
}

static json_t *int_array(const int *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_integer(v[i]));
    return a;
}

json_t *shown_to_json(const Shown *s, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I}", "id", (json_int_t)s[i].id);
        if (s[i].norder) json_object_set_new(o, "order", int_array(s[i].order, s[i].norder));
        if (s[i].noptions) json_object_set_new(o, "options", int_array(s[i].options, s[i].noptions));
        json_array_append_new(a, o);
    }
    return a;
}

static bool ints_from(Arena *a, const json_t *j, int **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (!j) return true;
    if (!json_is_array(j) || json_array_size(j) > GIFT_MAX_CHOICES) return false;
    *n = (int)json_array_size(j);
    *out = arena_alloc(a, sizeof(int) * (size_t)(*n ? *n : 1));
    for (int i = 0; i < *n; i++) {
        const json_t *v = json_array_get(j, (size_t)i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= GIFT_MAX_CHOICES)
            return false;
        (*out)[i] = (int)json_integer_value(v);
    }
    return true;
}

int shown_from_json(Arena *a, const json_t *j, Shown **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(j) || json_array_size(j) > QUIZ_MAX_ITEMS) return LN_EINVAL;
    int k = (int)json_array_size(j);
    Shown *s = arena_alloc(a, sizeof(Shown) * (size_t)(k ? k : 1));
    for (int i = 0; i < k; i++) {
        const json_t *o = json_array_get(j, (size_t)i), *id = json_object_get(o, "id");
        if (!json_is_integer(id) || !ints_from(a, json_object_get(o, "order"), &s[i].order, &s[i].norder)
            || !ints_from(a, json_object_get(o, "options"), &s[i].options, &s[i].noptions))
            return LN_EINVAL;
        s[i].id = (int64_t)json_integer_value(id);
    }
    *out = s;
    *n = k;
    return LN_OK;
}

/* ======================================================================
 * The learner's view
 * ==================================================================== */

/* A shown position's choice, or NULL when the stored order does not fit
 * the item (never trusted blindly). */
static const Choice *shown_choice(const Item *it, const int *v, int n, int pos)
{
    if (pos < 0 || pos >= n || v[pos] < 0 || v[pos] >= it->nchoices) return NULL;
    return &it->choices[v[pos]];
}

static json_t *texts_at(const Item *it, const int *v, int n, int gap)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        const Choice *c = shown_choice(it, v, n, i);
        if (c && (gap < 0 || c->gap == gap)) json_array_append_new(a, json_string(c->text ? c->text : ""));
    }
    return a;
}

static ItemType gap_type_of(const Item *it, int gap)
{
    for (int i = 0; i < it->nchoices; i++)
        if (it->choices[i].gap == gap) return it->choices[i].gap_type ? it->choices[i].gap_type : ITEM_SHORT;
    return ITEM_SHORT;
}

json_t *item_learner_view(const Item *it, const Shown *s)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)s->id, "type", item_type_name(it->type),
                          "text", it->text ? it->text : "", "text_format", it->text_format ? it->text_format : "moodle",
                          "points", (json_int_t)it->points);
    if (it->title) json_object_set_new(j, "title", json_string(it->title));
    switch (it->type) {
    case ITEM_SINGLE: case ITEM_MULTIPLE: case ITEM_TRUEFALSE: case ITEM_ORDERING:
        json_object_set_new(j, "choices", texts_at(it, s->order, s->norder, -1));
        break;
    case ITEM_MATCHING: {
        json_object_set_new(j, "left", texts_at(it, s->order, s->norder, -1));
        json_t *right = json_array();
        for (int i = 0; i < s->noptions; i++) {
            const Choice *c = shown_choice(it, s->options, s->noptions, i);
            if (c) json_array_append_new(right, json_string(c->match ? c->match : ""));
        }
        json_object_set_new(j, "right", right);
        break;
    }
    case ITEM_CLOZE: {
        json_t *gaps = json_array();
        for (int g = 0; g < it->ngaps; g++) {
            ItemType gt = gap_type_of(it, g);
            if (gt == ITEM_SINGLE || gt == ITEM_TRUEFALSE)
                json_array_append_new(gaps, json_pack("{s:s, s:o}", "kind", "choice", "choices",
                                                      texts_at(it, s->order, s->norder, g)));
            else json_array_append_new(gaps, json_pack("{s:s}", "kind", gt == ITEM_NUMERIC ? "number" : "text"));
        }
        json_object_set_new(j, "gaps", gaps);
        break;
    }
    default:
        break;
    }
    return j;
}

/* ======================================================================
 * Responses
 * ==================================================================== */

static bool pos_of(const json_t *v, int n, int *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= n) return false;
    *out = (int)json_integer_value(v);
    return true;
}

static bool text_ok(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) <= RESPONSE_TEXT_MAX
        && strlen(json_string_value(v)) == json_string_length(v);
}

int response_from_learner(Arena *a, const Item *it, const Shown *s, const json_t *j, Response *out,
                          const char **err)
{
    memset(out, 0, sizeof *out);
    if (!j || json_is_null(j)) return LN_OK;
    if (!json_is_object(j)) {
        *err = "a response must be a JSON object";
        return LN_EINVAL;
    }
    int n = s->norder;
    switch (it->type) {
    case ITEM_SINGLE: case ITEM_TRUEFALSE: {
        const json_t *v = json_object_get(j, "choice");
        if (!v || json_is_null(v)) return LN_OK;
        int k;
        if (!pos_of(v, n, &k) || !shown_choice(it, s->order, n, k)) {
            *err = "\"choice\" must be the position of one of the choices shown";
            return LN_EINVAL;
        }
        out->picks = arena_alloc(a, sizeof(int));
        out->picks[0] = s->order[k];
        out->npicks = 1;
        return LN_OK;
    }
    case ITEM_MULTIPLE: {
        const json_t *v = json_object_get(j, "choices");
        if (!v || json_is_null(v)) return LN_OK;
        if (!json_is_array(v) || (int)json_array_size(v) > n) goto bad_choices;
        out->picks = arena_alloc(a, sizeof(int) * (json_array_size(v) + 1));
        for (size_t i = 0; i < json_array_size(v); i++) {
            int k;
            if (!pos_of(json_array_get(v, i), n, &k) || !shown_choice(it, s->order, n, k)) goto bad_choices;
            out->picks[out->npicks++] = s->order[k];
        }
        return LN_OK;
    bad_choices:
        *err = "\"choices\" must list positions of the choices shown";
        return LN_EINVAL;
    }
    case ITEM_ORDERING: {
        const json_t *v = json_object_get(j, "order");
        if (!v || json_is_null(v)) return LN_OK;
        if (!json_is_array(v) || (int)json_array_size(v) != n) goto bad_order;
        bool *seen = arena_alloc(a, sizeof(bool) * (size_t)(n + 1));
        out->picks = arena_alloc(a, sizeof(int) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            int k;
            if (!pos_of(json_array_get(v, (size_t)i), n, &k) || seen[k] || !shown_choice(it, s->order, n, k))
                goto bad_order;
            seen[k] = true;
            out->picks[out->npicks++] = s->order[k];
        }
        return LN_OK;
    bad_order:
        *err = "\"order\" must list every shown position once";
        return LN_EINVAL;
    }
    case ITEM_MATCHING: {
        const json_t *v = json_object_get(j, "pairs");
        if (!v || json_is_null(v)) return LN_OK;
        if (!json_is_array(v) || (int)json_array_size(v) != n) goto bad_pairs;
        out->npicks = it->nchoices;
        out->picks = arena_alloc(a, sizeof(int) * (size_t)(it->nchoices + 1));
        for (int i = 0; i < it->nchoices; i++) out->picks[i] = -1;
        for (int i = 0; i < n; i++) {
            const json_t *p = json_array_get(v, (size_t)i);
            if (!shown_choice(it, s->order, n, i)) goto bad_pairs;
            if (json_is_null(p) || (json_is_integer(p) && json_integer_value(p) == -1)) continue;
            int k;
            if (!pos_of(p, s->noptions, &k) || !shown_choice(it, s->options, s->noptions, k)) goto bad_pairs;
            out->picks[s->order[i]] = s->options[k];
        }
        return LN_OK;
    bad_pairs:
        *err = "\"pairs\" must give, for each left side shown, the position of a right side or null";
        return LN_EINVAL;
    }
    case ITEM_NUMERIC: case ITEM_SHORT: case ITEM_ESSAY: {
        const json_t *v = json_object_get(j, "text");
        if (!v || json_is_null(v)) return LN_OK;
        if (!text_ok(v)) {
            *err = "\"text\" must be a string of at most 65536 bytes";
            return LN_EINVAL;
        }
        out->text = arena_strdup(a, json_string_value(v));
        return LN_OK;
    }
    case ITEM_CLOZE: {
        const json_t *v = json_object_get(j, "gaps");
        if (!v || json_is_null(v)) return LN_OK;
        if (!json_is_array(v) || (int)json_array_size(v) > it->ngaps) goto bad_gaps;
        out->ntexts = (int)json_array_size(v);
        out->texts = arena_alloc(a, sizeof(char *) * (size_t)(out->ntexts + 1));
        for (int g = 0; g < out->ntexts; g++) {
            const json_t *x = json_array_get(v, (size_t)g);
            ItemType gt = gap_type_of(it, g);
            if (json_is_null(x)) continue;
            if (gt == ITEM_SINGLE || gt == ITEM_TRUEFALSE) {
                /* the k-th shown choice of this gap */
                int k, seen = 0, pick = -1;
                if (!pos_of(x, n, &k)) goto bad_gaps;
                for (int i = 0; i < n && pick < 0; i++) {
                    const Choice *c = shown_choice(it, s->order, n, i);
                    if (c && c->gap == g && seen++ == k) pick = s->order[i];
                }
                if (pick < 0) goto bad_gaps;
                out->texts[g] = arena_printf(a, "%d", pick);
            } else {
                if (!text_ok(x)) goto bad_gaps;
                out->texts[g] = arena_strdup(a, json_string_value(x));
            }
        }
        return LN_OK;
    bad_gaps:
        *err = "\"gaps\" must give a text, or a choice's position, for each gap";
        return LN_EINVAL;
    }
    default:
        return LN_OK;
    }
}

json_t *response_to_json(const Response *r)
{
    json_t *j = json_object();
    if (r->npicks > 0) json_object_set_new(j, "picks", int_array(r->picks, r->npicks));
    if (r->text) json_object_set_new(j, "text", json_string(r->text));
    if (r->ntexts > 0) {
        json_t *t = json_array();
        for (int i = 0; i < r->ntexts; i++)
            json_array_append_new(t, r->texts[i] ? json_string(r->texts[i]) : json_null());
        json_object_set_new(j, "texts", t);
    }
    return j;
}

int response_from_json(Arena *a, const json_t *j, Response *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(j)) return LN_EINVAL;
    const json_t *p = json_object_get(j, "picks"), *t = json_object_get(j, "text"), *ts = json_object_get(j, "texts");
    if (p) {
        if (!json_is_array(p) || json_array_size(p) > GIFT_MAX_CHOICES) return LN_EINVAL;
        out->npicks = (int)json_array_size(p);
        out->picks = arena_alloc(a, sizeof(int) * (size_t)(out->npicks + 1));
        for (int i = 0; i < out->npicks; i++) {
            const json_t *v = json_array_get(p, (size_t)i);
            if (!json_is_integer(v)) return LN_EINVAL;
            out->picks[i] = (int)json_integer_value(v);
        }
    }
    if (json_is_string(t)) out->text = arena_strdup(a, json_string_value(t));
    if (ts) {
        if (!json_is_array(ts) || json_array_size(ts) > GIFT_MAX_CHOICES) return LN_EINVAL;
        out->ntexts = (int)json_array_size(ts);
        out->texts = arena_alloc(a, sizeof(char *) * (size_t)(out->ntexts + 1));
        for (int i = 0; i < out->ntexts; i++) {
            const json_t *v = json_array_get(ts, (size_t)i);
            out->texts[i] = json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
        }
    }
    return LN_OK;
}

/* Position of choice index `k` in a shown list, -1 when not shown. */
static int position_in(const int *v, int n, int k)
{
    for (int i = 0; i < n; i++)
        if (v[i] == k) return i;
    return -1;
}

/* The option offered for right side `k` (the same text counts). */
static int option_for(const Item *it, const Shown *s, int k)
{
    if (k < 0 || k >= it->nchoices) return -1;
    for (int i = 0; i < s->noptions; i++)
        if (s->options[i] == k || str_eq(it->choices[s->options[i]].match, it->choices[k].match)) return i;
    return -1;
}

static int64_t gap_pick(const Item *it, const char *text)
{
    int64_t k;
    return text && str_to_i64(text, &k) && k >= 0 && k < it->nchoices ? k : -1;
}

/* The k-th among the shown choices of gap g, -1 when not there. */
static int gap_position(const Item *it, const Shown *s, int g, int64_t choice)
{
    int seen = 0;
    for (int i = 0; i < s->norder; i++) {
        const Choice *c = shown_choice(it, s->order, s->norder, i);
        if (!c || c->gap != g) continue;
        if (s->order[i] == choice) return seen;
        seen++;
    }
    return -1;
}

json_t *response_to_learner(const Item *it, const Shown *s, const Response *r)
{
    json_t *j = json_object();
    if (!r) return j;
    switch (it->type) {
    case ITEM_SINGLE: case ITEM_TRUEFALSE:
        if (r->npicks == 1 && position_in(s->order, s->norder, r->picks[0]) >= 0)
            json_object_set_new(j, "choice", json_integer(position_in(s->order, s->norder, r->picks[0])));
        break;
    case ITEM_MULTIPLE: case ITEM_ORDERING: {
        if (r->npicks <= 0) break;
        json_t *a = json_array();
        for (int i = 0; i < r->npicks; i++) {
            int p = position_in(s->order, s->norder, r->picks[i]);
            if (p >= 0) json_array_append_new(a, json_integer(p));
        }
        json_object_set_new(j, it->type == ITEM_MULTIPLE ? "choices" : "order", a);
        break;
    }
    case ITEM_MATCHING: {
        if (r->npicks != it->nchoices) break;
        json_t *a = json_array();
        for (int i = 0; i < s->norder; i++) {
            int left = s->order[i];
            int opt = left >= 0 && left < r->npicks ? option_for(it, s, r->picks[left]) : -1;
            json_array_append_new(a, opt >= 0 ? json_integer(opt) : json_null());
        }
        json_object_set_new(j, "pairs", a);
        break;
    }
    case ITEM_NUMERIC: case ITEM_SHORT: case ITEM_ESSAY:
        if (r->text) json_object_set_new(j, "text", json_string(r->text));
        break;
    case ITEM_CLOZE: {
        if (r->ntexts <= 0) break;
        json_t *a = json_array();
        for (int g = 0; g < r->ntexts; g++) {
            ItemType gt = gap_type_of(it, g);
            if (!r->texts[g]) json_array_append_new(a, json_null());
            else if (gt == ITEM_SINGLE || gt == ITEM_TRUEFALSE) {
                int p = gap_position(it, s, g, gap_pick(it, r->texts[g]));
                json_array_append_new(a, p >= 0 ? json_integer(p) : json_null());
            } else json_array_append_new(a, json_string(r->texts[g]));
        }
        json_object_set_new(j, "gaps", a);
        break;
    }
    default:
        break;
    }
    return j;
}

/* ======================================================================
 * Feedback, once it may be shown
 * ==================================================================== */

/* Millionths as a decimal: 1500000 → "1.5". */
static char *millionths(Arena *a, int64_t v)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char frac[8];
    snprintf(frac, sizeof frac, "%06llu", (unsigned long long)(m % 1000000));
    for (int i = 5; i >= 0 && frac[i] == '0'; i--) frac[i] = 0;
    return arena_printf(a, "%s%llu%s%s", v < 0 ? "-" : "", (unsigned long long)(m / 1000000), frac[0] ? "." : "",
                        frac);
}

static bool catch_all(const Choice *c)
{
    return c->num_is_range && c->num_min == INT64_MIN && c->num_max == INT64_MAX;
}

/* An accepted answer as a person reads it. */
static char *answer_text(Arena *a, const Choice *c, ItemType t)
{
    if (t != ITEM_NUMERIC) return arena_strdup(a, c->text ? c->text : "");
    if (c->num_is_range) return arena_printf(a, "%s..%s", millionths(a, c->num_min), millionths(a, c->num_max));
    if (c->num_tolerance) return arena_printf(a, "%s ± %s", millionths(a, c->num_value),
                                              millionths(a, c->num_tolerance < 0 ? -c->num_tolerance
                                                                                 : c->num_tolerance));
    return millionths(a, c->num_value);
}

/* The best-weighted choice (of gap g, or all when g < 0); -1 when none is
 * worth anything. */
static int best_choice(const Item *it, int g)
{
    int best = -1;
    for (int i = 0; i < it->nchoices; i++) {
        const Choice *c = &it->choices[i];
        if ((g >= 0 && c->gap != g) || c->weight <= 0 || catch_all(c)) continue;
        if (best < 0 || c->weight > it->choices[best].weight) best = i;
    }
    return best;
}

/* The choice a text response matched (the best weight wins), by grading
 * it against each accepted answer alone: the same rules as item_grade. */
static int matched_choice(const Item *it, const char *text)
{
    if (!text) return -1;
    int best = -1;
    for (int i = 0; i < it->nchoices; i++) {
        Item one = *it;
        Choice c = it->choices[i];
        c.weight = 1000;
        one.choices = &c;
        one.nchoices = 1;
        Response r = {.text = (char *)text};
        if (item_grade(&one, &r) == 1000 && (best < 0 || it->choices[i].weight > it->choices[best].weight)) best = i;
    }
    return best;
}

static void add_feedback(json_t *arr, const Choice *c)
{
    if (c && c->feedback && *c->feedback) json_array_append_new(arr, json_string(c->feedback));
}

json_t *item_feedback(const Item *it, const Shown *s, const Response *r)
{
    Arena *a = arena_new();
    static const Response none;
    if (!r) r = &none;
    json_t *fb = json_array(), *answer = json_null();
    switch (it->type) {
    case ITEM_SINGLE: case ITEM_TRUEFALSE: {
        int b = best_choice(it, -1);
        if (b >= 0) answer = json_pack("{s:i}", "choice", position_in(s->order, s->norder, b));
        if (r->npicks == 1 && r->picks[0] >= 0 && r->picks[0] < it->nchoices) add_feedback(fb, &it->choices[r->picks[0]]);
        break;
    }
    case ITEM_MULTIPLE: {
        json_t *right = json_array();
        for (int i = 0; i < s->norder; i++)
            if (s->order[i] >= 0 && s->order[i] < it->nchoices && it->choices[s->order[i]].weight > 0)
                json_array_append_new(right, json_integer(i));
        answer = json_pack("{s:o}", "choices", right);
        for (int i = 0; i < r->npicks; i++)
            if (r->picks[i] >= 0 && r->picks[i] < it->nchoices) add_feedback(fb, &it->choices[r->picks[i]]);
        break;
    }
    case ITEM_ORDERING: {
        json_t *order = json_array();
        for (int i = 0; i < it->nchoices; i++) json_array_append_new(order, json_integer(position_in(s->order, s->norder, i)));
        answer = json_pack("{s:o}", "order", order);
        break;
    }
    case ITEM_MATCHING: {
        json_t *pairs = json_array();
        for (int i = 0; i < s->norder; i++) {
            int opt = option_for(it, s, s->order[i]);
            json_array_append_new(pairs, opt >= 0 ? json_integer(opt) : json_null());
        }
        answer = json_pack("{s:o}", "pairs", pairs);
        break;
    }
    case ITEM_NUMERIC: case ITEM_SHORT: {
        int b = best_choice(it, -1);
        if (b >= 0) answer = json_pack("{s:s}", "text", answer_text(a, &it->choices[b], it->type));
        int m = matched_choice(it, r->text);
        if (m >= 0) add_feedback(fb, &it->choices[m]);
        break;
    }
    case ITEM_CLOZE: {
        json_t *gaps = json_array();
        for (int g = 0; g < it->ngaps; g++) {
            ItemType gt = gap_type_of(it, g);
            int b = best_choice(it, g);
            if (b < 0) json_array_append_new(gaps, json_null());
            else if (gt == ITEM_SINGLE || gt == ITEM_TRUEFALSE)
                json_array_append_new(gaps, json_integer(gap_position(it, s, g, b)));
            else json_array_append_new(gaps, json_string(answer_text(a, &it->choices[b], gt)));
        }
        answer = json_pack("{s:o}", "gaps", gaps);
        break;
    }
    default:
        break;
    }
    json_t *j = json_pack("{s:o, s:o}", "answer", answer, "feedback", fb);
    if (it->general_feedback && *it->general_feedback)
        json_object_set_new(j, "general_feedback", json_string(it->general_feedback));
    arena_free(a);
    return j;
}
