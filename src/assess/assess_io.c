/* assess_io.c — quiz and assignment units as files (assess_io.h,
 * docs/course-format.md).
 *
 * Which questions go to the GIFT file: those that GIFT holds exactly — a
 * question written alone by gift_write and read back by gift_parse gives
 * the same item (compared as item JSON).  The others (ordering and cloze
 * questions always; any question with something GIFT would not keep) are
 * written whole as item JSON (item_json.c, the storage format) in
 * NN-title.items.json with their position in the quiz, so the order of the
 * questions is kept too.
 */
#include "assess/assess_io.h"
#include "assess/gift.h"

#include <stdlib.h>
#include <string.h>

const char *const aio_quiz_keys[] = {"purpose", "attempts_allowed", "time_limit_s", "opens_at", "closes_at",
                                     "draw_count", "draw_per_pool", "shuffle", "pass_mark", "feedback_when", "grade_policy", NULL};
const char *const aio_assignment_keys[] = {"submit_by", "review_by", "reviewers", "self_assessment", "late_policy",
                                           "late_penalty", "no_review_policy", "no_review_penalty", "grade_method",
                                           NULL};
const char *const aio_graded_keys[] = {"weight", NULL};
const char *const aio_course_keys[] = {"pass_mark", "require_grade", NULL};

static bool in_list(const char *const *list, const char *key)
{
    for (int i = 0; list[i]; i++)
        if (str_eq(list[i], key)) return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

bool aio_companion(const char *name)
{
    return ends_with(name, AIO_GIFT) || ends_with(name, AIO_ITEMS) || ends_with(name, AIO_RUBRIC)
           || ends_with(name, AIO_INSTRUCTIONS);
}

/* ---- reading the header ------------------------------------------------------------ */

typedef struct Rd { const CourseHeader *h; const char **key; const char *err; } Rd;

static void rd_int(Rd *r, const char *key, int64_t *out)
{
    const char *v = course_header_get(r->h, key, NULL);
    if (!v || r->err) return;
    if (!str_to_i64(v, out) || *out < 0 || !(*v >= '0' && *v <= '9')) {
        r->err = "give a whole number, 0 or more";
        *r->key = key;
    }
}

static void rd_bool(Rd *r, const char *key, bool *out)
{
    const char *v = course_header_get(r->h, key, NULL);
    if (!v || r->err) return;
    if (str_eq(v, "yes") || str_eq(v, "no")) *out = str_eq(v, "yes");
    else {
        r->err = "give yes or no";
        *r->key = key;
    }
}

static void rd_time(Rd *r, const char *key, UsTime *out)
{
    const char *v = course_header_get(r->h, key, NULL);
    if (!v || r->err) return;
    if (!time_parse_iso(v, out) || *out <= 0) {
        r->err = "give a UTC time such as 2026-12-01T09:00:00Z";
        *r->key = key;
    }
}

static void rd_str(Rd *r, const char *key, const char **out)
{
    const char *v = course_header_get(r->h, key, NULL);
    if (v && !r->err) *out = v;
}

const char *aio_header(Arena *a, const char *kind, const CourseHeader *h, AioUnit *u, const char **key)
{
    (void)a;
    memset(u, 0, sizeof *u);
    Rd r = {.h = h, .key = key};
    const char *msg = NULL, *field = NULL;
    bool quiz = str_eq(kind, "quiz"), assignment = str_eq(kind, "assignment");
    for (int i = 0; i < h->n; i++) {
        *key = h->fields[i].key;
        if (!quiz && in_list(aio_quiz_keys, *key)) return "only quiz units have this setting";
        if (!assignment && in_list(aio_assignment_keys, *key)) return "only assignment units have this setting";
        if (!quiz && !assignment && in_list(aio_graded_keys, *key))
            return "only quiz and assignment units have a weight";
    }
    *key = NULL;
    u->weight = GB_DEFAULT_WEIGHT;
    rd_int(&r, "weight", &u->weight);
    if (r.err) return r.err;
    if (u->weight > GB_MAX_WEIGHT) {
        *key = "weight";
        return "give a weight from 0 to 1000000 (1000 is the default; 0 leaves the unit out of the course grade)";
    }
    if (quiz) {
        u->quiz = true;
        QuizSettings *s = &u->qs;
        quiz_settings_default(s);
        rd_str(&r, "purpose", &s->purpose);
        rd_int(&r, "attempts_allowed", &s->attempts_allowed);
        rd_int(&r, "time_limit_s", &s->time_limit_s);
        rd_time(&r, "opens_at", &s->opens_at);
        rd_time(&r, "closes_at", &s->closes_at);
        rd_int(&r, "draw_count", &s->draw_count);
        rd_bool(&r, "draw_per_pool", &s->draw_per_pool);
        rd_bool(&r, "shuffle", &s->shuffle);
        rd_int(&r, "pass_mark", &s->pass_mark);
        rd_str(&r, "feedback_when", &s->feedback_when);
        rd_str(&r, "grade_policy", &s->grade_policy);
        if (r.err) return r.err;
        field = quiz_settings_check(s, &msg);
    } else if (assignment) {
        u->assignment = true;
        PeerSettings *s = &u->ps;
        peer_settings_default(s);
        rd_time(&r, "submit_by", &s->submit_by);
        rd_time(&r, "review_by", &s->review_by);
        rd_int(&r, "reviewers", &s->reviewers);
        rd_bool(&r, "self_assessment", &s->self_assessment);
        rd_str(&r, "late_policy", &s->late_policy);
        rd_int(&r, "late_penalty", &s->late_penalty);
        rd_str(&r, "no_review_policy", &s->no_review_policy);
        rd_int(&r, "no_review_penalty", &s->no_review_penalty);
        rd_str(&r, "grade_method", &s->grade_method);
        if (r.err) return r.err;
        field = peer_settings_check(s, &msg);
    } else
        return NULL;
    if (field) *key = field;
    return field ? msg : NULL;
}

const char *aio_course_header(const CourseHeader *h, GbSettings *s, const char **key)
{
    Rd r = {.h = h, .key = key};
    s->pass_mark = GB_DEFAULT_PASS_MARK;
    s->require_grade = false;
    rd_int(&r, "pass_mark", &s->pass_mark);
    rd_bool(&r, "require_grade", &s->require_grade);
    if (r.err) return r.err;
    if (s->pass_mark > 1000) {
        *key = "pass_mark";
        return "give the course's pass mark in thousandths: 0 to 1000";
    }
    return NULL;
}

/* ---- reading the companions -------------------------------------------------------- */

static const char *read_gift(Arena *a, const char *text, size_t len, ItemBank *out, int *line)
{
    GiftError ge = {0};
    if (gift_parse(a, text, len, out, &ge) != LN_OK) {
        *line = ge.line > 0 ? ge.line : 1;
        return arena_printf(a, "column %d: %s", ge.column, ge.message ? ge.message : "malformed GIFT");
    }
    return NULL;
}

/* {"items": [{"position": N, "item": {...}}, ...]}, positions increasing,
 * merged with the GIFT questions into u->bank. */
static const char *read_items(Arena *a, const char *text, size_t len, const ItemBank *gift, AioUnit *u, int *line)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        *line = je.line > 0 ? je.line : 1;
        return arena_printf(a, "column %d: %s", je.column, je.text);
    }
    *line = 1;
    json_t *arr = json_object_get(j, "items");
    const char *err = NULL;
    if (!json_is_object(j) || !json_is_array(arr) || json_object_size(j) != 1)
        err = "the file is {\"items\": [{\"position\": N, \"item\": {...}}, ...]}";
    size_t n = err ? 0 : json_array_size(arr);
    int total = gift->n + (int)n;
    if (!err && total > QUIZ_MAX_ITEMS) err = arena_printf(a, "more than %d questions", QUIZ_MAX_ITEMS);
    Item *items = arena_alloc(a, sizeof(Item) * (size_t)(total ? total : 1));
    bool *taken = arena_alloc(a, sizeof(bool) * (size_t)(total ? total : 1));
    json_int_t prev = 0;
    for (size_t i = 0; !err && i < n; i++) {
        json_t *e = json_array_get(arr, i), *pos = json_object_get(e, "position");
        if (!json_is_object(e) || !json_is_integer(pos) || !json_is_object(json_object_get(e, "item"))
            || json_object_size(e) != 2) {
            err = arena_printf(a, "items[%zu]: each is {\"position\": N, \"item\": {...}}", i);
            break;
        }
        json_int_t p = json_integer_value(pos);
        if (p <= prev || p > total) {
            err = arena_printf(a, "items[%zu]: position %lld: positions go up, from 1 to %d (the questions of the"
                                  " GIFT file fill the others)", i, (long long)p, total);
            break;
        }
        prev = p;
        const char *ierr = NULL;
        if (item_from_json(a, json_object_get(e, "item"), &items[p - 1], &ierr) != LN_OK)
            err = arena_printf(a, "items[%zu]: %s", i, ierr ? ierr : "not a question");
        taken[p - 1] = true;
    }
    json_decref(j);
    if (err) return err;
    for (int i = 0, g = 0; i < total; i++)
        if (!taken[i]) items[i] = gift->items[g++];
    u->bank.items = items;
    u->bank.n = total;
    return NULL;
}

const char *aio_companions(Arena *a, AioUnit *u, const char *gift, size_t gift_len, const char *items,
                           size_t items_len, const char *rubric, size_t rubric_len, const char *instructions,
                           size_t instructions_len, const char **suffix, int *line)
{
    *line = 1;
    const char *err = NULL;
    if (!u->quiz && (gift || items)) {
        *suffix = gift ? AIO_GIFT : AIO_ITEMS;
        return "only a quiz unit has questions";
    }
    if (!u->assignment && (rubric || instructions)) {
        *suffix = rubric ? AIO_RUBRIC : AIO_INSTRUCTIONS;
        return "only an assignment unit has a rubric and instructions";
    }
    if (u->quiz) {
        ItemBank g = {0};
        if (gift && (err = read_gift(a, gift, gift_len, &g, line))) {
            *suffix = AIO_GIFT;
            return err;
        }
        u->bank = g;
        if (g.n > QUIZ_MAX_ITEMS) {
            *suffix = AIO_GIFT;
            return arena_printf(a, "more than %d questions", QUIZ_MAX_ITEMS);
        }
        if (items && (err = read_items(a, items, items_len, &g, u, line))) {
            *suffix = AIO_ITEMS;
            return err;
        }
    }
    if (u->assignment) {
        if (rubric) {
            json_error_t je;
            json_t *j = json_loadb(rubric, rubric_len, JSON_REJECT_DUPLICATES, &je);
            *suffix = AIO_RUBRIC;
            if (!j) {
                *line = je.line > 0 ? je.line : 1;
                return arena_printf(a, "column %d: %s", je.column, je.text);
            }
            int rc = peer_rubric_from_json(a, j, &u->ps.rubric, &err);
            json_decref(j);
            if (rc != LN_OK) return err ? err : "not a rubric";
        }
        if (instructions) {
            u->ps.instructions = arena_strndup(a, instructions, instructions_len);
            const char *msg;
            if (peer_settings_check(&u->ps, &msg)) {
                *suffix = AIO_INSTRUCTIONS;
                return msg;
            }
        }
    }
    return NULL;
}

int aio_store(Db *db, Arena *a, int64_t org_id, int64_t course_id, int64_t unit_id, const AioUnit *u, UsTime now)
{
    int rc = LN_OK;
    if (u->quiz) {
        rc = quiz_settings_set(db, org_id, unit_id, &u->qs, now);
        for (int i = 0; rc == LN_OK && i < u->bank.n; i++)
            if (db_run(db, "INSERT INTO quiz_item (unit_id, org_id, position, item, created_at)"
                           " VALUES ($1, $2, $3, $4, $5)", "iiiti", unit_id, org_id, (int64_t)i + 1,
                       item_to_text(a, &u->bank.items[i]), now) != DB_DONE)
                rc = LN_EDB;
    } else if (u->assignment) {
        PeerSettings ps = u->ps;
        ps.unit_id = unit_id;
        rc = peer_settings_write(db, org_id, &ps, now);
    }
    if (rc == LN_OK && (u->quiz || u->assignment) && u->weight != GB_DEFAULT_WEIGHT)
        rc = gb_weight_set(db, org_id, course_id, unit_id, u->weight, now);
    return rc;
}

int aio_course_store(Db *db, int64_t org_id, int64_t course_id, const GbSettings *s, UsTime now)
{
    if (s->pass_mark == GB_DEFAULT_PASS_MARK && !s->require_grade) return LN_OK;
    return gb_settings_set(db, org_id, course_id, s, now);
}

/* ---- export ------------------------------------------------------------------------ */

static void put_kv(Buf *b, const char *key, const char *v) { buf_printf(b, "%s: %s\n", key, v); }
static void put_int(Buf *b, const char *key, int64_t v) { buf_printf(b, "%s: %lld\n", key, (long long)v); }
static void put_bool(Buf *b, const char *key, bool v) { put_kv(b, key, v ? "yes" : "no"); }

/* ISO UTC, with the microseconds when there are some. */
static void put_time(Arena *a, Buf *b, const char *key, UsTime t)
{
    if (t <= 0) return;
    char *s = time_iso(a, t);
    int64_t us = t % US_PER_SEC;
    if (us && s[0] && s[strlen(s) - 1] == 'Z')
        s = arena_printf(a, "%.*s.%06lldZ", (int)strlen(s) - 1, s, (long long)us);
    put_kv(b, key, s);
}

/* The gradebook's weight of a quiz or assignment unit, when it is not the default. */
static int put_weight(Db *db, const Unit *u, Buf *hdr)
{
    int64_t w;
    if (gb_weight_get(db, u->id, &w) != LN_OK) return LN_EDB;
    if (w != GB_DEFAULT_WEIGHT) put_int(hdr, "weight", w);
    return LN_OK;
}

static char *canon(const Item *it)
{
    json_t *j = item_to_json(it);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* Does GIFT give this question back exactly? */
static bool gift_faithful(Arena *a, const Item *it)
{
    Buf b;
    buf_init(&b, 0);
    ItemBank one = {.items = (Item *)it, .n = 1};
    int skipped = 0;
    gift_write_ex(&b, &one, &skipped);
    ItemBank back = {0};
    GiftError ge;
    bool ok = !skipped && gift_parse(a, b.len ? b.data : "", b.len, &back, &ge) == LN_OK && back.n == 1;
    buf_free(&b);
    if (!ok) return false;
    char *x = canon(it), *y = canon(&back.items[0]);
    ok = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return ok;
}

static void out_file(Arena *a, AioOut *out, const char *suffix, const char *data, size_t len)
{
    AioFile *f = &out->files[out->n++];
    f->suffix = suffix;
    f->data = arena_strndup(a, data, len);
    f->len = len;
}

static void out_json(Arena *a, AioOut *out, const char *suffix, json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(j);
    char *t = arena_printf(a, "%s\n", s ? s : "{}");
    free(s);
    out_file(a, out, suffix, t, strlen(t));
}

static int quiz_export(Db *db, Arena *a, const Unit *u, Buf *hdr, AioOut *out)
{
    QuizSettings s;
    QuizItems qi;
    int rc = quiz_settings_get(db, a, u->id, &s);
    if (rc == LN_OK) rc = quiz_items_load(db, a, u->id, &qi);
    if (rc != LN_OK) return rc;
    put_kv(hdr, "purpose", s.purpose);
    put_int(hdr, "attempts_allowed", s.attempts_allowed);
    put_int(hdr, "time_limit_s", s.time_limit_s);
    put_time(a, hdr, "opens_at", s.opens_at);
    put_time(a, hdr, "closes_at", s.closes_at);
    put_int(hdr, "draw_count", s.draw_count);
    put_bool(hdr, "draw_per_pool", s.draw_per_pool);
    put_bool(hdr, "shuffle", s.shuffle);
    put_int(hdr, "pass_mark", s.pass_mark);
    put_kv(hdr, "feedback_when", s.feedback_when);
    put_kv(hdr, "grade_policy", s.grade_policy);
    if ((rc = put_weight(db, u, hdr)) != LN_OK) return rc;
    ItemBank g = {.items = arena_alloc(a, sizeof(Item) * (size_t)(qi.n ? qi.n : 1))};
    json_t *rest = json_array();
    for (int i = 0; i < qi.n; i++) {
        const Item *it = &qi.items[i].item;
        if (gift_faithful(a, it)) g.items[g.n++] = *it;
        else json_array_append_new(rest, json_pack("{s:i, s:o}", "position", i + 1, "item", item_to_json(it)));
    }
    if (g.n) {
        Buf b;
        buf_init(&b, 0);
        gift_write(&b, &g);
        out_file(a, out, AIO_GIFT, b.len ? b.data : "", b.len);
        buf_free(&b);
    }
    if (json_array_size(rest)) out_json(a, out, AIO_ITEMS, json_pack("{s:o}", "items", rest));
    else json_decref(rest);
    return LN_OK;
}

static int assignment_export(Db *db, Arena *a, const Unit *u, Buf *hdr, AioOut *out)
{
    PeerSettings s;
    int rc = peer_settings_get(db, a, u->id, &s);
    if (rc != LN_OK) return rc;
    put_time(a, hdr, "submit_by", s.submit_by);
    put_time(a, hdr, "review_by", s.review_by);
    put_int(hdr, "reviewers", s.reviewers);
    put_bool(hdr, "self_assessment", s.self_assessment);
    put_kv(hdr, "late_policy", s.late_policy);
    put_int(hdr, "late_penalty", s.late_penalty);
    put_kv(hdr, "no_review_policy", s.no_review_policy);
    put_int(hdr, "no_review_penalty", s.no_review_penalty);
    put_kv(hdr, "grade_method", s.grade_method);
    if ((rc = put_weight(db, u, hdr)) != LN_OK) return rc;
    if (s.rubric.n) out_json(a, out, AIO_RUBRIC, peer_rubric_to_json(&s.rubric));
    if (!str_empty(s.instructions)) out_file(a, out, AIO_INSTRUCTIONS, s.instructions, strlen(s.instructions));
    return LN_OK;
}

int aio_course_export(Db *db, int64_t course_id, Buf *hdr)
{
    GbSettings s;
    if (gb_settings_get(db, course_id, &s) != LN_OK) return LN_EDB;
    if (s.pass_mark != GB_DEFAULT_PASS_MARK) put_int(hdr, "pass_mark", s.pass_mark);
    if (s.require_grade) put_bool(hdr, "require_grade", true);
    return LN_OK;
}

int aio_export(Db *db, Arena *a, const Unit *u, Buf *hdr, AioOut *out)
{
    memset(out, 0, sizeof *out);
    if (str_eq(u->kind, "quiz")) return quiz_export(db, a, u, hdr, out);
    if (str_eq(u->kind, "assignment")) return assignment_export(db, a, u, hdr, out);
    return LN_OK;
}
