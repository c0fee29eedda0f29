/* test_quiz.c — the rules of quizzes: items as JSON and back, the learner's
 * view (no secret in it), responses in shown positions, drawing, total score
 * arithmetic, attempt limits and dates, deadlines with their grace, a
 * submitted attempt never changed, evidence in the ledger.
 * Runs on SQLite and PostgreSQL (LECTERN_TEST_DB). */
#include "testutil.h"
#include "assess/quiz.h"
#include "assess/gift.h"
#include "assess/gradebook.h"
#include "account/account.h"
#include "evidence/ledger.h"
#include "org/org.h"

#include <sodium.h>

static Db *db;
static Course course;
static int64_t org, learner, learner2, run_id, section_id;
static RunRef run;
static Arena *arena;

static const char GIFT[] =
    "::Capital::What is the capital of France? {=Paris#yes ~Lyon#no ~Nice#no ####general}\n"
    "\n"
    "::Year::When did the Bastille fall? {#1789:0#FB-YEAR}\n"
    "\n"
    "::River::Which river flows through Bordeaux? {=Garonne#right =%50%Gironde#half}\n"
    "\n"
    "::Pairs::Match them. {=Italy -> Rome =Spain -> Madrid =Japan -> Tokyo}\n"
    "\n"
    "::Essay::Tell us about France. {}\n";

static int setup(void **state)
{
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    arena = arena_new();
    char slug[48], email[64], email2[64];
    snprintf(slug, sizeof slug, "quiz-%d", (int)getpid());
    snprintf(email, sizeof email, "learner-%d@quiz.test", (int)getpid());
    snprintf(email2, sizeof email2, "other-%d@quiz.test", (int)getpid());
    UsTime now = time_now_us();
    int64_t cid = 0;
    CourseInput in = {.code = "Q-1", .title = "Quiz rules", .estimated_minutes = -1, .published = 1};
    SectionInput si = {.title = "Only", .release_days = -1};
    if (org_create(db, slug, "Quiz", false, now, &org) != LN_OK
        || user_create(db, email, "Lea Rner", "a-long-password", "en", false, now, &learner) != LN_OK
        || user_create(db, email2, "Oth Er", "a-long-password", "en", false, now, &learner2) != LN_OK
        || course_create(db, org, &in, 0, now, &cid) != LN_OK || course_load(db, arena, cid, &course) != LN_OK
        || run_create(db, &course, "Run", "mooc", now, 0, 0, now, &run_id) != LN_OK
        || run_ref(db, arena, org, run_id, &run) != LN_OK || enrol_insert(db, &run, learner, now) != LN_OK
        || enrol_insert(db, &run, learner2, now) != LN_OK
        || section_create(db, &course, &si, now, &section_id) != LN_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    arena_free(arena);
    db_close(db);
    return 0;
}

static int64_t add_quiz(const char *title, const char *gift)
{
    UnitInput in = {.kind = "quiz", .title = title, .section_id = section_id, .minutes = 5, .duration_s = -1,
                    .threshold = -1, .required = 1};
    int64_t id = 0;
    assert_int_equal(unit_create(db, &course, &in, time_now_us(), &id), LN_OK);
    if (gift) {
        ItemBank bank;
        GiftError ge;
        assert_int_equal(gift_parse(arena, gift, strlen(gift), &bank, &ge), LN_OK);
        assert_int_equal(quiz_items_replace(db, org, id, &bank, time_now_us()), LN_OK);
    }
    return id;
}

static void set(int64_t unit, QuizSettings *qs)
{
    qs->unit_id = unit;
    assert_int_equal(quiz_settings_set(db, org, unit, qs, time_now_us()), LN_OK);
}

static int64_t count(const char *sql, int64_t id)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, "i", id), DB_ROW);
    return n;
}

/* The index of the shown choice whose text is `text`. */
static int shown_pos(const Item *it, const Shown *s, const char *text)
{
    for (int i = 0; i < s->norder; i++)
        if (str_eq(it->choices[s->order[i]].text, text)) return i;
    return -1;
}

/* ---- items as JSON --------------------------------------------------------- */

static void assert_items_equal(const Item *a, const Item *b)
{
    assert_int_equal(a->type, b->type);
    assert_true(str_eq(a->title, b->title) && str_eq(a->text, b->text) && str_eq(a->text_format, b->text_format));
    assert_true(str_eq(a->general_feedback, b->general_feedback) && str_eq(a->category, b->category));
    assert_true(str_eq(a->id, b->id));
    assert_int_equal(a->points, b->points);
    assert_int_equal(a->shuffle, b->shuffle);
    assert_int_equal(a->text_match, b->text_match);
    assert_int_equal(a->ngaps, b->ngaps);
    assert_int_equal(a->nchoices, b->nchoices);
    for (int i = 0; i < a->nchoices; i++) {
        const Choice *x = &a->choices[i], *y = &b->choices[i];
        assert_true(str_eq(x->text, y->text) && str_eq(x->match, y->match) && str_eq(x->feedback, y->feedback));
        assert_int_equal(x->weight, y->weight);
        assert_true(x->num_value == y->num_value && x->num_tolerance == y->num_tolerance);
        assert_true(x->num_min == y->num_min && x->num_max == y->num_max && x->num_is_range == y->num_is_range);
        assert_int_equal(x->gap, y->gap);
        assert_int_equal(x->gap_type, y->gap_type);
    }
}

static void test_item_json(void **state)
{
    ItemBank bank;
    GiftError ge;
    const char *more = "::Any::Pick a number {#=5:1 =%50%1..3 ~#other}\n\n::Text only:: Just read this.\n";
    char *src = arena_printf(arena, "$CATEGORY: Geo\n\n%s\n%s", GIFT, more);
    assert_int_equal(gift_parse(arena, src, strlen(src), &bank, &ge), LN_OK);
    /* A cloze and an ordering, which GIFT cannot hold. */
    Choice cz[] = {{.text = "4", .weight = 1000, .gap = 0, .gap_type = ITEM_NUMERIC, .num_value = 4000000},
                   {.text = "Paris", .weight = 1000, .gap = 1, .gap_type = ITEM_SINGLE, .feedback = "oui"},
                   {.text = "Lyon", .weight = 0, .gap = 1, .gap_type = ITEM_SINGLE}};
    Choice od[] = {{.text = "one", .weight = 1000}, {.text = "two", .weight = 1000}, {.text = "three", .weight = 1000}};
    Item extra[] = {{.type = ITEM_CLOZE, .text = "2+2={#0}; capital {#1}", .choices = cz, .nchoices = 3, .ngaps = 2,
                     .points = 2500, .text_match = TEXT_PATTERN},
                    {.type = ITEM_ORDERING, .text = "Count", .choices = od, .nchoices = 3, .points = 1000}};
    for (int i = 0; i < bank.n + 2; i++) {
        const Item *it = i < bank.n ? &bank.items[i] : &extra[i - bank.n];
        Item back;
        assert_int_equal(item_from_text(arena, item_to_text(arena, it), &back), LN_OK);
        assert_items_equal(it, &back);
    }
    /* GIFT → JSON → GIFT writes the same bytes. */
    ItemBank again = {arena_alloc(arena, sizeof(Item) * (size_t)bank.n), bank.n};
    for (int i = 0; i < bank.n; i++) assert_int_equal(item_from_text(arena, item_to_text(arena, &bank.items[i]), &again.items[i]), LN_OK);
    Buf a, b;
    buf_init(&a, 0);
    buf_init(&b, 0);
    gift_write(&a, &bank);
    gift_write(&b, &again);
    assert_string_equal(buf_cstr(&a), buf_cstr(&b));
    buf_free(&a);
    buf_free(&b);
    /* Refusals name the problem. */
    const char *bad[] = {"[]", "{\"type\":\"poem\"}", "{\"type\":\"single\",\"choices\":[{\"weight\":2000}]}",
                         "{\"type\":\"single\",\"text\":3}", "{\"type\":\"short\",\"text_match\":\"fuzzy\"}",
                         "{\"type\":\"cloze\",\"ngaps\":1,\"choices\":[{\"gap\":4}]}"};
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        Item it;
        json_t *j = json_loads(bad[i], 0, NULL);
        const char *err = NULL;
        assert_int_equal(item_from_json(arena, j, &it, &err), LN_EINVAL);
        assert_non_null(err);
        json_decref(j);
    }
}

/* The learner's view holds no weight, feedback, pairing, number or
 * accepted text; responses in shown positions grade as they should. */
static void test_learner_view(void **state)
{
    ItemBank bank;
    GiftError ge;
    assert_int_equal(gift_parse(arena, GIFT, strlen(GIFT), &bank, &ge), LN_OK);
    Choice od[] = {{.text = "one"}, {.text = "two"}, {.text = "three"}, {.text = "four"}};
    Item ord = {.type = ITEM_ORDERING, .text = "Count", .choices = od, .nchoices = 4, .points = 1000};
    for (int round = 0; round < 50; round++) {
        Shown s;
        shown_make(arena, &ord, 1, false, &s);
        assert_int_equal(s.norder, 4);
        bool right = true;
        for (int i = 0; i < 4; i++) right &= s.order[i] == i;
        assert_false(right);        /* an ordering is never shown in its right order */
        /* the learner's order, in shown positions, that is right */
        json_t *order = json_array();
        for (int k = 0; k < 4; k++)
            for (int p = 0; p < 4; p++)
                if (s.order[p] == k) json_array_append_new(order, json_integer(p));
        json_t *j = json_pack("{s:o}", "order", order);
        Response r;
        const char *err;
        assert_int_equal(response_from_learner(arena, &ord, &s, j, &r, &err), LN_OK);
        assert_int_equal(item_grade(&ord, &r), 1000);
        json_t *back = response_to_learner(&ord, &s, &r);
        assert_true(json_equal(json_object_get(back, "order"), json_object_get(j, "order")));
        json_decref(back);
        json_decref(j);
    }
    const char *secrets[] = {"weight", "feedback", "yes", "general", "1789", "FB-YEAR", "Garonne", "Gironde",
                             "\"match\"", "value", "tolerance"};
    for (int i = 0; i < bank.n; i++) {
        const Item *it = &bank.items[i];
        Shown s;
        shown_make(arena, it, 100 + i, true, &s);
        json_t *v = item_learner_view(it, &s);
        char *text = json_dumps(v, JSON_COMPACT);
        for (size_t k = 0; k < LN_ARRAY_LEN(secrets); k++)
            if (strstr(text, secrets[k])) fail_msg("%s in the learner's view: %s", secrets[k], text);
        free(text);
        json_decref(v);
        /* Right responses, in shown positions. */
        json_t *j = NULL;
        if (it->type == ITEM_SINGLE) j = json_pack("{s:i}", "choice", shown_pos(it, &s, "Paris"));
        else if (it->type == ITEM_NUMERIC) j = json_pack("{s:s}", "text", "1789,0");
        else if (it->type == ITEM_SHORT) j = json_pack("{s:s}", "text", "  garonne ");
        else if (it->type == ITEM_MATCHING) {
            json_t *pairs = json_array();
            for (int p = 0; p < s.norder; p++)
                for (int o = 0; o < s.noptions; o++)
                    if (str_eq(it->choices[s.options[o]].match, it->choices[s.order[p]].match))
                        json_array_append_new(pairs, json_integer(o));
            j = json_pack("{s:o}", "pairs", pairs);
        } else if (it->type == ITEM_ESSAY) j = json_pack("{s:s}", "text", "A long essay.");
        Response r;
        const char *err;
        assert_int_equal(response_from_learner(arena, it, &s, j, &r, &err), LN_OK);
        assert_int_equal(item_grade(it, &r), it->type == ITEM_ESSAY ? -1 : 1000);
        /* Feedback, once allowed, names the right answer in shown positions. */
        json_t *fb = item_feedback(it, &s, &r);
        if (it->type == ITEM_SINGLE) {
            assert_int_equal(json_integer_value(json_object_get(json_object_get(fb, "answer"), "choice")),
                             shown_pos(it, &s, "Paris"));
            assert_string_equal(json_string_value(json_array_get(json_object_get(fb, "feedback"), 0)), "yes");
            assert_string_equal(json_string_value(json_object_get(fb, "general_feedback")), "general");
        }
        if (it->type == ITEM_NUMERIC) {
            assert_string_equal(json_string_value(json_object_get(json_object_get(fb, "answer"), "text")), "1789");
            assert_string_equal(json_string_value(json_array_get(json_object_get(fb, "feedback"), 0)), "FB-YEAR");
        }
        if (it->type == ITEM_MATCHING)
            assert_true(json_equal(json_object_get(json_object_get(fb, "answer"), "pairs"), json_object_get(j, "pairs")));
        json_decref(fb);
        json_decref(j);
        /* Shapes that do not fit are refused, whatever the type. */
        json_t *badj = json_pack("{s:i, s:[i], s:[i,i,i,i,i,i], s:[i]}", "choice", 7, "choices", -1, "order", 0, 0, 0,
                                 0, 0, 0, "pairs", 9);
        if (it->type == ITEM_SINGLE || it->type == ITEM_MATCHING)
            assert_int_equal(response_from_learner(arena, it, &s, badj, &r, &err), LN_EINVAL);
        json_decref(badj);
    }
}

/* Random values in every shape a response may take: never a crash, and
 * whatever is accepted grades within 0..1000 and reads back. */
static json_t *random_value(int depth)
{
    switch (randombytes_uniform(depth > 1 ? 4 : 6)) {
    case 0: return json_integer((json_int_t)randombytes_uniform(14) - 3);
    case 1: return json_null();
    case 2: return json_string(randombytes_uniform(2) ? "Paris" : "12,5");
    case 3: return json_true();
    default: {
        json_t *a = json_array();
        for (uint32_t i = randombytes_uniform(7); i > 0; i--) json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    }
}

static void test_random_responses(void **state)
{
    ItemBank bank;
    GiftError ge;
    assert_int_equal(gift_parse(arena, GIFT, strlen(GIFT), &bank, &ge), LN_OK);
    Choice cz[] = {{.text = "4", .weight = 1000, .gap = 0, .gap_type = ITEM_NUMERIC, .num_value = 4000000},
                   {.text = "Paris", .weight = 1000, .gap = 1, .gap_type = ITEM_SINGLE},
                   {.text = "Lyon", .weight = 0, .gap = 1, .gap_type = ITEM_SINGLE}};
    Choice od[] = {{.text = "one"}, {.text = "two"}, {.text = "three"}};
    Item extra[] = {{.type = ITEM_CLOZE, .text = "{#0} {#1}", .choices = cz, .nchoices = 3, .ngaps = 2, .points = 1000},
                    {.type = ITEM_ORDERING, .text = "Count", .choices = od, .nchoices = 3, .points = 1000}};
    static const char *const keys[] = {"choice", "choices", "order", "pairs", "gaps", "text"};
    for (int i = 0; i < bank.n + 2; i++) {
        const Item *it = i < bank.n ? &bank.items[i] : &extra[i - bank.n];
        Shown s;
        shown_make(arena, it, 1, true, &s);
        for (int round = 0; round < 300; round++) {
            json_t *j = json_object();
            for (uint32_t k = randombytes_uniform(3); k < LN_ARRAY_LEN(keys); k += 1 + randombytes_uniform(3))
                json_object_set_new(j, keys[k], random_value(0));
            Response r;
            const char *err = NULL;
            if (response_from_learner(arena, it, &s, j, &r, &err) == LN_OK) {
                int g = item_grade(it, &r);
                assert_true(g >= -1 && g <= 1000);
                json_t *back = response_to_learner(it, &s, &r), *fb = item_feedback(it, &s, &r),
                       *stored = response_to_json(&r);
                Response again;
                assert_int_equal(response_from_json(arena, stored, &again), LN_OK);
                assert_int_equal(item_grade(it, &again), g);
                json_decref(back);
                json_decref(fb);
                json_decref(stored);
            } else assert_non_null(err);
            json_decref(j);
        }
    }
}

/* ---- drawing and arithmetic ----------------------------------------------------- */

static void test_draw(void **state)
{
    int out[10], seen[10] = {0};
    assert_int_equal(quiz_draw(0, 3, true, out), 0);
    assert_int_equal(quiz_draw(10, 0, false, out), 10);
    for (int i = 0; i < 10; i++) assert_int_equal(out[i], i);
    assert_int_equal(quiz_draw(10, 12, false, out), 10);
    for (int round = 0; round < 400; round++) {
        int k = quiz_draw(10, 3, false, out);
        assert_int_equal(k, 3);
        assert_true(out[0] < out[1] && out[1] < out[2]);     /* distinct, in the quiz's order */
        assert_true(out[0] >= 0 && out[2] < 10);
        for (int i = 0; i < 3; i++) seen[out[i]]++;
        k = quiz_draw(10, 10, true, out);
        int mask = 0;
        for (int i = 0; i < 10; i++) mask |= 1 << out[i];
        assert_int_equal(mask, 0x3ff);                        /* a permutation */
    }
    for (int i = 0; i < 10; i++) assert_true(seen[i] > 60);   /* 120 expected each; every one drawn */
}

static void test_total(void **state)
{
    int64_t pending;
    int64_t p1[] = {1000, 2000, 1000};
    int s1[] = {1000, 500, 0};
    assert_int_equal(quiz_total(p1, s1, 3, &pending), 500);     /* (1000 + 1000 + 0) / 4000 */
    assert_int_equal(pending, 0);
    int64_t p2[] = {1000, 1000, 1000};
    int s2[] = {1000, 1000, 0};
    assert_int_equal(quiz_total(p2, s2, 3, NULL), 667);           /* 666.67 */
    int64_t p3[] = {1, 1};
    int s3[] = {1000, 1};
    assert_int_equal(quiz_total(p3, s3, 2, NULL), 500);           /* 500.5: halves down */
    int s3b[] = {1000, 2};
    assert_int_equal(quiz_total(p3, s3b, 2, NULL), 501);
    int64_t p4[] = {1000, 0, 3000};
    int s4[] = {1000, -1, -1};
    assert_int_equal(quiz_total(p4, s4, 3, &pending), 250);      /* the essay awaits a grader: counts 0 for now */
    assert_int_equal(pending, 1);                                 /* the description (0 points) is not pending */
    int64_t p5[] = {0, 0};
    int s5[] = {-1, 1000};
    assert_int_equal(quiz_total(p5, s5, 2, &pending), 0);
    assert_int_equal(pending, 0);
    int64_t p6[] = {1000, 1000};
    int s6[] = {1000, 1000};
    assert_int_equal(quiz_total(p6, s6, 2, NULL), 1000);
    int64_t p7[] = {1000000, 1};
    int s7[] = {999, 1000};
    assert_int_equal(quiz_total(p7, s7, 2, NULL), 999);            /* never 1000 unless... all but a sliver */
    int s8[] = {1000, 0};
    assert_int_equal(quiz_total(p7, s8, 2, NULL), 1000);           /* 999.999: rounds to 1000 */
}

/* ---- attempts ------------------------------------------------------------------------ */

static json_t *right_answers(const Attempt *at)
{
    Item *items;
    assert_int_equal(quiz_attempt_items(db, arena, at, &items), LN_OK);
    json_t *all = json_object();
    for (int i = 0; i < at->nshown; i++) {
        const Item *it = &items[i];
        const Shown *s = &at->shown[i];
        json_t *j = NULL;
        if (it->type == ITEM_SINGLE) j = json_pack("{s:i}", "choice", shown_pos(it, s, "Paris"));
        else if (it->type == ITEM_NUMERIC)
            j = json_pack("{s:s}", "text", arena_printf(arena, "%lld", (long long)(it->choices[0].num_value / 1000000)));
        else if (it->type == ITEM_SHORT) j = json_pack("{s:s}", "text", "Garonne");
        else if (it->type == ITEM_TRUEFALSE) j = json_pack("{s:i}", "choice", shown_pos(it, s, "true"));
        else if (it->type == ITEM_MATCHING) {
            json_t *pairs = json_array();
            for (int p = 0; p < s->norder; p++)
                for (int o = 0; o < s->noptions; o++)
                    if (str_eq(it->choices[s->options[o]].match, it->choices[s->order[p]].match))
                        json_array_append_new(pairs, json_integer(o));
            j = json_pack("{s:o}", "pairs", pairs);
        }
        if (j) json_object_set_new(all, arena_printf(arena, "%lld", (long long)s->id), j);
    }
    return all;
}

static void test_attempt_limits(void **state)
{
    int64_t unit = add_quiz("Limits", "::A::Two and two {#4}\n\n::B::The sky is blue {T}\n");
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.attempts_allowed = 2;
    qs.pass_mark = 1000;
    set(unit, &qs);
    UsTime now = time_now_us();
    Attempt a, b;
    bool resumed;
    QuizRefusal why;
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, now, &a, &resumed, &why), LN_OK);
    assert_false(resumed);
    assert_int_equal(a.number, 1);
    assert_int_equal(a.nshown, 2);
    assert_int_equal(a.deadline_at, 0);
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, now + 1, &b, &resumed, &why), LN_OK);
    assert_true(resumed);                               /* one in progress: resumed */
    assert_int_equal(b.id, a.id);
    /* The other learner's attempts are their own. */
    Attempt other;
    assert_int_equal(quiz_start(db, arena, &run, unit, learner2, now, &other, &resumed, &why), LN_OK);
    assert_int_equal(other.number, 1);
    assert_int_equal(quiz_attempt_load(db, arena, unit, run_id, learner, other.id, &b), LN_NOTFOUND);

    QuizResult res;
    const char *err = NULL;
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &a, NULL, now + 2, &res, &why, &err), LN_OK);
    assert_int_equal(res.score, 0);
    assert_false(res.passed);
    assert_false(res.completed);
    /* Submitted is final: again is refused, the answers stay as they were. */
    int64_t answers = count("SELECT count(*) FROM attempt_answer WHERE attempt_id = $1", a.id);
    assert_int_equal(answers, 2);
    assert_int_equal(quiz_attempt_load(db, arena, unit, run_id, learner, a.id, &b), LN_OK);
    json_t *right = right_answers(&b);
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &b, right, now + 3, &res, &why, &err), LN_EPERM);
    assert_int_equal(why, QUIZ_ALREADY_SUBMITTED);
    /* Even a stale copy still marked in progress changes nothing. */
    a.status = "in_progress";
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &a, right, now + 3, &res, &why, &err), LN_EPERM);
    assert_int_equal(why, QUIZ_ALREADY_SUBMITTED);
    json_decref(right);
    assert_int_equal(count("SELECT count(*) FROM attempt_answer WHERE attempt_id = $1 AND score > 0", a.id), 0);
    assert_int_equal(count("SELECT score FROM attempt WHERE id = $1", a.id), 0);

    assert_int_equal(quiz_start(db, arena, &run, unit, learner, now + 4, &b, &resumed, &why), LN_OK);
    assert_int_equal(b.number, 2);
    right = right_answers(&b);
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &b, right, now + 5, &res, &why, &err), LN_OK);
    json_decref(right);
    assert_int_equal(res.score, 1000);
    assert_true(res.passed);
    assert_true(res.completed);
    assert_int_equal(count("SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL", unit), 1);
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, now + 6, &b, &resumed, &why), LN_EPERM);
    assert_int_equal(why, QUIZ_NO_ATTEMPTS_LEFT);

    AttemptList mine;
    assert_int_equal(quiz_attempts(db, arena, unit, run_id, learner, &mine), LN_OK);
    assert_int_equal(mine.n, 2);
    assert_int_equal(quiz_grade(&qs, &mine), 1000);
    qs.grade_policy = "average";
    assert_int_equal(quiz_grade(&qs, &mine), 500);
    qs.grade_policy = "last";
    assert_int_equal(quiz_grade(&qs, &mine), 1000);
    qs.feedback_when = "after_last";
    assert_true(quiz_feedback_allowed(&qs, &mine, now));
    qs.attempts_allowed = 3;
    assert_false(quiz_feedback_allowed(&qs, &mine, now));
    qs.closes_at = now;
    assert_true(quiz_feedback_allowed(&qs, &mine, now));

    /* Dates and an empty quiz. */
    int64_t dated = add_quiz("Dated", "Two and two {#4}\n");
    quiz_settings_default(&qs);
    qs.opens_at = now + 3600 * US_PER_SEC;
    set(dated, &qs);
    assert_int_equal(quiz_start(db, arena, &run, dated, learner, now, &b, &resumed, &why), LN_EPERM);
    assert_int_equal(why, QUIZ_NOT_OPEN);
    qs.opens_at = now - 7200 * US_PER_SEC;
    qs.closes_at = now - 3600 * US_PER_SEC;
    set(dated, &qs);
    assert_int_equal(quiz_start(db, arena, &run, dated, learner, now, &b, &resumed, &why), LN_EPERM);
    assert_int_equal(why, QUIZ_CLOSED);
    int64_t empty = add_quiz("Empty", NULL);
    assert_int_equal(quiz_start(db, arena, &run, empty, learner, now, &b, &resumed, &why), LN_EPERM);
    assert_int_equal(why, QUIZ_NO_ITEMS);
    /* Checks of the settings. */
    const char *msg;
    quiz_settings_default(&qs);
    qs.pass_mark = 1001;
    assert_string_equal(quiz_settings_check(&qs, &msg), "pass_mark");
    quiz_settings_default(&qs);
    qs.purpose = "summative";
    assert_string_equal(quiz_settings_check(&qs, &msg), "purpose");
    quiz_settings_default(&qs);
    qs.opens_at = 10;
    qs.closes_at = 5;
    assert_string_equal(quiz_settings_check(&qs, &msg), "closes_at");
    assert_int_equal(quiz_settings_set(db, org, empty, &qs, now), LN_EINVAL);
}

static void test_deadlines(void **state)
{
    int64_t unit = add_quiz("Timed", "Two and two {#4}\n\nThe sky is blue {T}\n");
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.time_limit_s = 60;
    set(unit, &qs);
    UsTime t0 = time_now_us(), grace = quiz_grace_us();
    assert_int_equal(grace, QUIZ_GRACE_S_DEFAULT * US_PER_SEC);
    Attempt a;
    bool resumed;
    QuizRefusal why;
    QuizResult res;
    const char *err;
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, t0, &a, &resumed, &why), LN_OK);
    assert_int_equal(a.deadline_at, t0 + 60 * US_PER_SEC);
    /* Answers in progress: kept until the deadline and its grace, replaced by each save, checked like a
     * submission, gone with the submission. */
    json_t *right = right_answers(&a);
    assert_int_equal(quiz_draft_save(db, arena, &a, right, a.deadline_at + grace, &why, &err), LN_OK);
    UsTime saved = 0;
    json_t *d = quiz_draft_load(db, a.id, &saved);
    assert_true(json_equal(d, right));
    assert_int_equal(saved, a.deadline_at + grace);
    json_decref(d);
    json_t *bad = json_pack("{s:{s:s}}", "999999", "text", "x");
    assert_int_equal(quiz_draft_save(db, arena, &a, bad, t0, &why, &err), LN_EINVAL);
    json_decref(bad);
    json_t *none = json_object();
    assert_int_equal(quiz_draft_save(db, arena, &a, none, t0 + 1, &why, &err), LN_OK);
    d = quiz_draft_load(db, a.id, &saved);
    assert_int_equal(json_object_size(d), 0);
    assert_int_equal(saved, t0 + 1);
    json_decref(d);
    assert_int_equal(quiz_draft_save(db, arena, &a, none, a.deadline_at + grace + 1, &why, &err), LN_EPERM);
    assert_int_equal(why, QUIZ_TIME_UP);
    json_decref(none);
    /* Within the grace: taken. */
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &a, right, a.deadline_at + grace, &res, &why, &err), LN_OK);
    json_decref(right);
    assert_int_equal(res.score, 1000);
    assert_null(quiz_draft_load(db, a.id, NULL));
    assert_int_equal(quiz_draft_save(db, arena, &a, NULL, t0 + 2, &why, &err), LN_EPERM);
    assert_int_equal(why, QUIZ_ALREADY_SUBMITTED);
    assert_int_equal(count("SELECT count(*) FROM attempt_draft WHERE attempt_id = $1", a.id), 0);

    /* Past it: refused, the attempt expires with 0, and that is evidence. */
    int64_t entries = count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org);
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, t0, &a, &resumed, &why), LN_OK);
    right = right_answers(&a);
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &a, right, a.deadline_at + grace + 1, &res, &why, &err), LN_EPERM);
    assert_int_equal(why, QUIZ_TIME_UP);
    Attempt back;
    assert_int_equal(quiz_attempt_load(db, arena, unit, run_id, learner, a.id, &back), LN_OK);
    assert_string_equal(back.status, "expired");
    assert_int_equal(back.score, 0);
    assert_int_equal(count("SELECT count(*) FROM attempt_answer WHERE attempt_id = $1", a.id), 0);
    assert_int_equal(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org), entries + 1);
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &back, right, a.deadline_at + grace + 2, &res, &why, &err),
                     LN_EPERM);
    assert_int_equal(why, QUIZ_TIME_UP);
    json_decref(right);

    /* An overdue attempt in progress is expired when the learner starts again. */
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, t0, &a, &resumed, &why), LN_OK);
    Attempt next;
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, a.deadline_at + grace + 1, &next, &resumed, &why), LN_OK);
    assert_false(resumed);
    assert_int_not_equal(next.id, a.id);
    assert_int_equal(quiz_attempt_load(db, arena, unit, run_id, learner, a.id, &back), LN_OK);
    assert_string_equal(back.status, "expired");

    /* The close date comes before the time limit: it is the deadline. */
    int64_t closing = add_quiz("Closing", "Two and two {#4}\n");
    quiz_settings_default(&qs);
    qs.time_limit_s = 3600;
    qs.closes_at = t0 + 10 * US_PER_SEC;
    set(closing, &qs);
    assert_int_equal(quiz_start(db, arena, &run, closing, learner, t0, &a, &resumed, &why), LN_OK);
    assert_int_equal(a.deadline_at, qs.closes_at);

    /* The ledger still verifies. */
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* An attempt that runs out of time with answers saved (a closed tab, a lost
 * connection) is graded from them by the serve tick's sweep: status
 * "expired", the answers kept, essays awaiting the trainer, a pass completes
 * the unit, and the ledger says "expired" and when the answers were saved. */
#define HOUR_US (INT64_C(3600) * US_PER_SEC)
static void test_expiry_grades_saved_answers(void **state)
{
    int64_t unit = add_quiz("Saved", "Two and two {#4}\n\nThe sky is blue {T}\n\nSay more {}\n");
    int64_t plain = add_quiz("Saved, no essay", "Two and two {#4}\n\nThe sky is blue {T}\n");
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.time_limit_s = 60;
    qs.pass_mark = 500;
    set(unit, &qs);
    qs.unit_id = 0;
    set(plain, &qs);
    UsTime t0 = time_now_us(), grace = quiz_grace_us(), saved;
    Attempt a, b, back;
    bool resumed;
    QuizRefusal why;
    const char *err;
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, t0, &a, &resumed, &why), LN_OK);
    json_t *answers = right_answers(&a);
    Item *items;
    assert_int_equal(quiz_attempt_items(db, arena, &a, &items), LN_OK);
    int64_t essay = 0;
    for (int i = 0; i < a.nshown; i++)
        if (items[i].type == ITEM_ESSAY) essay = a.shown[i].id;
    json_object_set_new(answers, arena_printf(arena, "%lld", (long long)essay), json_pack("{s:s}", "text", "Much more."));
    assert_int_equal(quiz_draft_save(db, arena, &a, answers, t0 + 30 * US_PER_SEC, &why, &err), LN_OK);
    json_decref(answers);
    assert_int_equal(quiz_start(db, arena, &run, plain, learner2, t0, &b, &resumed, &why), LN_OK);
    answers = right_answers(&b);
    assert_int_equal(quiz_draft_save(db, arena, &b, answers, t0 + 40 * US_PER_SEC, &why, &err), LN_OK);
    json_decref(answers);

    /* Before the deadline and its grace: nothing. */
    quiz_expire_due(db, a.deadline_at + grace, 50);     /* (earlier tests leave overdue attempts of their own) */
    assert_int_equal(quiz_attempt_load(db, arena, unit, run_id, learner, a.id, &back), LN_OK);
    assert_string_equal(back.status, "in_progress");

    int64_t entries = count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org);
    assert_true(quiz_expire_due(db, a.deadline_at + grace + 1, 50) >= 2);
    assert_int_equal(quiz_attempt_load(db, arena, unit, run_id, learner, a.id, &back), LN_OK);
    assert_string_equal(back.status, "expired");
    assert_int_equal(back.submitted_at, 0);                  /* never submitted */
    assert_int_equal(back.pending, 1);                       /* the essay, for the trainer */
    assert_int_equal(back.score, 667);                       /* 2 of 3 points so far */
    assert_int_equal(count("SELECT count(*) FROM attempt_answer WHERE attempt_id = $1", a.id), 3);
    assert_null(quiz_draft_load(db, a.id, NULL));
    GbPending *p;
    int n;
    assert_int_equal(gb_pending(db, arena, run_id, 100, &p, &n), LN_OK);
    bool listed = false;
    for (int i = 0; i < n; i++)
        if (p[i].attempt_id == a.id && p[i].quiz_item_id == essay) listed = str_eq(p[i].answer, "Much more.");
    assert_true(listed);
    /* its ledger entry */
    assert_true(count("SELECT count(*) FROM ledger_entry WHERE org_id = $1", org) >= entries + 2);
    DbStmt *st = db_prepare(db, "SELECT payload FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.attempt'"
                                " AND subject = $2");
    db_bind_i64(st, 1, org);
    db_bind_text(st, 2, arena_printf(arena, "run:%lld unit:%lld user:%lld", (long long)run_id, (long long)unit,
                                     (long long)learner));
    json_t *fact = NULL;
    while (db_step(st) == DB_ROW) {
        json_decref(fact);
        fact = json_loads(db_col_text(st, 0), 0, NULL);
    }
    db_done(st);
    assert_non_null(fact);
    assert_string_equal(json_string_value(json_object_get(fact, "status")), "expired");
    assert_int_equal(json_integer_value(json_object_get(fact, "attempt_id")), a.id);
    assert_int_equal(json_integer_value(json_object_get(fact, "score")), 667);
    assert_int_equal(json_integer_value(json_object_get(fact, "answers_saved_at")), t0 + 30 * US_PER_SEC);
    assert_true(json_is_null(json_object_get(fact, "submitted_at")));
    json_decref(fact);

    /* All right and nothing pending: it passes, and the unit is complete. */
    assert_int_equal(quiz_attempt_load(db, arena, plain, run_id, learner2, b.id, &back), LN_OK);
    assert_string_equal(back.status, "expired");
    assert_int_equal(back.score, 1000);
    assert_int_equal(count("SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL", plain), 1);
    (void)saved;

    /* A pass mark of 0 asks for a submission: an expired attempt does not
     * pass, not even once a trainer grades its essay. */
    int64_t zero = add_quiz("Saved, pass mark 0", "Say more {}\n");
    quiz_settings_default(&qs);
    qs.time_limit_s = 60;
    qs.pass_mark = 0;
    set(zero, &qs);
    Attempt z;
    assert_int_equal(quiz_start(db, arena, &run, zero, learner2, t0, &z, &resumed, &why), LN_OK);
    json_t *essay_only = json_pack("{s:{s:s}}", arena_printf(arena, "%lld", (long long)z.shown[0].id), "text", "Mine.");
    assert_int_equal(quiz_draft_save(db, arena, &z, essay_only, t0 + 10 * US_PER_SEC, &why, &err), LN_OK);
    json_decref(essay_only);
    assert_true(quiz_expire_due(db, z.deadline_at + grace + 1, 50) >= 1);
    assert_int_equal(quiz_attempt_load(db, arena, zero, run_id, learner2, z.id, &back), LN_OK);
    assert_string_equal(back.status, "expired");
    GbOutcome gout;
    assert_int_equal(gb_grade_answer(db, arena, &run, z.id, z.shown[0].id, 1000, "Good.", learner, t0 + 2 * HOUR_US,
                                     &gout), LN_OK);
    assert_int_equal(gout.score, 1000);
    assert_false(gout.passed);
    assert_int_equal(count("SELECT count(*) FROM unit_progress WHERE unit_id = $1 AND completed_at IS NOT NULL", zero), 0);

    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

/* Draws, essays pending, a shape that does not fit, items replaced under an attempt. */
static void test_submit_rules(void **state)
{
    int64_t unit = add_quiz("Rules", GIFT);
    QuizSettings qs;
    quiz_settings_default(&qs);
    qs.draw_count = 3;
    qs.shuffle = true;
    qs.pass_mark = 500;
    set(unit, &qs);
    UsTime now = time_now_us();
    Attempt a;
    bool resumed;
    QuizRefusal why;
    QuizResult res;
    const char *err = NULL;
    assert_int_equal(quiz_start(db, arena, &run, unit, learner, now, &a, &resumed, &why), LN_OK);
    assert_int_equal(a.nshown, 3);
    QuizItems current;
    assert_int_equal(quiz_items_load(db, arena, unit, &current), LN_OK);
    assert_int_equal(current.n, 5);
    for (int i = 0; i < 3; i++) {
        bool found = false;
        for (int k = 0; k < current.n; k++) found |= current.items[k].id == a.shown[i].id;
        assert_true(found);
        for (int j = 0; j < i; j++) assert_true(a.shown[j].id != a.shown[i].id);
    }
    /* Replacing the items: the attempt keeps the ones it showed. */
    ItemBank fresh;
    GiftError ge;
    assert_int_equal(gift_parse(arena, "New {=a ~b}\n", 12, &fresh, &ge), LN_OK);
    assert_int_equal(quiz_items_replace(db, org, unit, &fresh, now), LN_OK);
    assert_int_equal(quiz_items_load(db, arena, unit, &current), LN_OK);
    assert_int_equal(current.n, 1);
    Item *items;
    assert_int_equal(quiz_attempt_items(db, arena, &a, &items), LN_OK);
    assert_int_not_equal(items[0].type, 0);
    /* A response to an item not shown, or of the wrong shape: refused, nothing stored. */
    json_t *bad = json_pack("{s:{s:s}}", "999999999", "text", "x");
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &a, bad, now + 1, &res, &why, &err), LN_EINVAL);
    json_decref(bad);
    json_t *right = right_answers(&a);
    bool essay = false;
    for (int i = 0; i < a.nshown; i++)
        if (items[i].type == ITEM_ESSAY) {
            essay = true;
            json_object_set_new(right, arena_printf(arena, "%lld", (long long)a.shown[i].id),
                                json_pack("{s:s}", "text", "My essay."));
        }
    assert_int_equal(quiz_submit(db, arena, &run, &qs, &a, right, now + 2, &res, &why, &err), LN_OK);
    json_decref(right);
    assert_int_equal(res.pending, essay ? 1 : 0);
    assert_int_equal(res.score, essay ? 667 : 1000);
    assert_int_equal(res.passed, !essay);         /* a pending essay: not passed yet */
    assert_int_equal(res.points_max, 3000);
    Response resp[3];
    int scores[3];
    assert_int_equal(quiz_attempt_answers(db, arena, &a, resp, scores), LN_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(scores[i], items[i].type == ITEM_ESSAY ? -1 : 1000);
    /* The entry in the ledger. */
    int64_t n = count("SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = 'assessment.attempt'", org);
    assert_true(n >= 3);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    /* A quiz nobody opened goes with its settings and questions; one with
     * attempts stays (its learners' record points to it). */
    int64_t unused = add_quiz("Unused", "Two and two {#4}\n");
    quiz_settings_default(&qs);
    set(unused, &qs);
    assert_int_equal(unit_delete(db, &course, unused), LN_OK);
    assert_int_equal(count("SELECT count(*) FROM quiz_item WHERE unit_id = $1", unused), 0);
    assert_int_equal(unit_delete(db, &course, unit), LN_EINVAL);
    quiz_settings_default(&qs);
    qs.feedback_when = "after_close";
    const char *msg;
    assert_string_equal(quiz_settings_check(&qs, &msg), "closes_at");
    UsTime t;
    assert_true(quiz_parse_time("2026-11-28T18:06", &t));
    assert_int_equal(t, INT64_C(1795889160) * US_PER_SEC);
    assert_true(quiz_parse_time("2026-11-28 18:06:30Z", &t));
    assert_false(quiz_parse_time("2026-13-28T18:06", &t));
    assert_false(quiz_parse_time("tomorrow", &t));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item_json),
        cmocka_unit_test(test_learner_view),
        cmocka_unit_test(test_random_responses),
        cmocka_unit_test(test_draw),
        cmocka_unit_test(test_total),
        cmocka_unit_test(test_attempt_limits),
        cmocka_unit_test(test_deadlines),
        cmocka_unit_test(test_expiry_grades_saved_answers),
        cmocka_unit_test(test_submit_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
