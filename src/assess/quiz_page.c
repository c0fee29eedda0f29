/* quiz_page.c — the quiz in pages: the trainer's block on a quiz unit's
 * page (settings, GIFT import with a preview, items, export) and the
 * learner's side (the quiz in the player, an attempt, its result).
 *
 * What a learner's browser receives is built from the learner's view
 * (item_learner_view): the pages render that JSON, never the stored item,
 * so a page cannot show more than the API would.  Feedback and right
 * answers come only when quiz_feedback_allowed says so.
 */
#include "assess/pages.h"
#include "assess/gradebook.h"
#include "assess/gift.h"
#include "http/access.h"
#include "http/range.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXCERPT_CHARS 90

/* ======================================================================
 * Shared loading
 * ==================================================================== */

bool quiz_ctx_load(Req *r, QuizCtx *q)
{
    int64_t id, uid;
    memset(q, 0, sizeof *q);
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid) || !learn_load(r, id, uid, &q->l))
        return false;
    if (!str_eq(q->l.unit->kind, "quiz")) {
        web_not_found(r);
        return false;
    }
    if (quiz_settings_get(r->db, r->arena, uid, &q->qs) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return false;
    }
    if (q->l.learner) {
        UsTime now = time_now_us();
        if (quiz_expire_overdue(r->db, &q->l.run, uid, r->user->id, &q->qs, now) != LN_OK
            || quiz_attempts(r->db, r->arena, uid, id, r->user->id, &q->mine) != LN_OK
            || gb_effective_attempts(r->db, &q->mine) != LN_OK) {
            web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
            return false;
        }
    }
    return true;
}

bool quiz_ctx_attempt(Req *r, QuizCtx *q, Attempt **at)
{
    int64_t aid;
    if (!req_path_id_or_404(r, "aid", &aid)) return false;
    for (int i = 0; i < q->mine.n; i++)
        if (q->mine.items[i].id == aid) {
            *at = &q->mine.items[i];
            return true;
        }
    web_not_found(r);     /* another learner's, or no such attempt: the same answer */
    return false;
}

bool quiz_staff_unit(Req *r, Course *c, Unit **u)
{
    int64_t id, uid;
    Outline o;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "uid", &uid)) return false;
    if (course_load_in(r->db, r->arena, r->org->id, id, c) != LN_OK
        || outline_load(r->db, r->arena, c->id, &o) != LN_OK || !(*u = outline_find(&o, uid, NULL))
        || !str_eq((*u)->kind, "quiz")) {
        web_not_found(r);
        return false;
    }
    return true;
}

/* ======================================================================
 * JSON of the learner's side (also the source of the pages)
 * ==================================================================== */

const char *quiz_purpose_label(Req *r, const char *purpose)
{
    return i18n_get(r->lang, quiz_purpose_text(purpose));
}

static json_t *time_or_null(Req *r, UsTime t) { return api_time(r->arena, t); }

static bool attempt_passed(const QuizSettings *qs, const Attempt *at)
{
    if (str_eq(at->status, "in_progress")) return false;
    return qs->pass_mark == 0 ? str_eq(at->status, "submitted")
                              : at->pending == 0 && at->score >= qs->pass_mark;
}

static json_t *attempt_brief(Req *r, const QuizSettings *qs, const Attempt *at)
{
    bool open = str_eq(at->status, "in_progress");
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:I, s:b}", "id", (json_int_t)at->id, "number",
                     (json_int_t)at->number, "status", at->status, "started_at", time_or_null(r, at->started_at),
                     "deadline_at", time_or_null(r, at->deadline_at), "submitted_at",
                     time_or_null(r, at->submitted_at), "score", open ? json_null() : json_integer(at->score),
                     "pending", (json_int_t)at->pending, "passed", attempt_passed(qs, at));
}

json_t *quiz_summary_json(Req *r, const QuizCtx *q)
{
    const QuizSettings *qs = &q->qs;
    QuizItems qi;
    quiz_items_load(r->db, r->arena, qs->unit_id, &qi);
    int64_t grade = q->l.learner ? gb_quiz_grade(r->db, qs, q->l.run.id, r->user->id, &q->mine) : -1;
    json_t *attempts = json_array();
    for (int i = 0; i < q->mine.n; i++) json_array_append_new(attempts, attempt_brief(r, qs, &q->mine.items[i]));
    int drawn = quiz_drawn_count(qs, &qi);
    return json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:b, s:I, s:s, s:s, s:o, s:b, s:o}",
                     "unit_id", (json_int_t)qs->unit_id, "run_id", (json_int_t)q->l.run.id, "purpose", qs->purpose,
                     "attempts_allowed", (json_int_t)qs->attempts_allowed, "attempts_used",
                     (json_int_t)quiz_used(&q->mine), "time_limit_s", (json_int_t)qs->time_limit_s,
                     "opens_at", time_or_null(r, qs->opens_at), "closes_at", time_or_null(r, qs->closes_at),
                     "questions", (json_int_t)drawn, "pass_mark", (json_int_t)qs->pass_mark,
                     "shuffle", qs->shuffle, "draw_count", (json_int_t)qs->draw_count,
                     "feedback_when", qs->feedback_when, "grade_policy", qs->grade_policy,
                     "grade", grade >= 0 ? json_integer(grade) : json_null(),
                     "feedback_shown", quiz_feedback_allowed(qs, &q->mine, time_now_us()),
                     "attempts", attempts);
}

json_t *quiz_attempt_json(Req *r, const QuizCtx *q, const Attempt *at)
{
    json_t *j = attempt_brief(r, &q->qs, at);
    if (str_eq(at->status, "expired"))      /* graded from the answers saved before time ran out */
        json_object_set_new(j, "answers_saved", json_boolean(quiz_has_answers(r->db, at->id)));
    Item *items;
    if (quiz_attempt_items(r->db, r->arena, at, &items) != LN_OK) {
        json_decref(j);
        return NULL;
    }
    bool open = str_eq(at->status, "in_progress");
    bool feedback = !open && quiz_feedback_allowed(&q->qs, &q->mine, time_now_us());
    Response *resp = arena_alloc(r->arena, sizeof(Response) * (size_t)(at->nshown + 1));
    int *scores = arena_alloc(r->arena, sizeof(int) * (size_t)(at->nshown + 1));
    json_t *comments = NULL;
    if (!open) {
        gb_attempt_answers(r->db, r->arena, at, resp, scores);     /* with essays graded, regrades */
        comments = gb_attempt_comments(r->db, at->id);
    }
    json_t *arr = json_array();
    for (int i = 0; i < at->nshown; i++) {
        json_t *v = item_learner_view(&items[i], &at->shown[i]);
        if (!open) json_object_set_new(v, "response", response_to_learner(&items[i], &at->shown[i], &resp[i]));
        /* a trainer's word on a graded essay: the learner's, whatever the feedback setting */
        const json_t *c = json_object_get(comments, arena_printf(r->arena, "%lld", (long long)at->shown[i].id));
        if (c) json_object_set(v, "grader_comment", (json_t *)c);
        if (feedback) {
            json_object_set_new(v, "score", scores[i] >= 0 ? json_integer(scores[i]) : json_null());
            if (scores[i] >= 0 && items[i].type != ITEM_DESCRIPTION)
                json_object_set_new(v, "correct", json_boolean(scores[i] >= 1000));
            json_t *fb = item_feedback(&items[i], &at->shown[i], &resp[i]);
            json_object_update(v, fb);
            json_decref(fb);
        }
        json_array_append_new(arr, v);
    }
    json_decref(comments);
    json_object_set_new(j, "feedback_shown", json_boolean(feedback));
    if (open) {         /* the answers saved while in progress (shown positions) */
        UsTime saved_at = 0;
        json_t *d = quiz_draft_load(r->db, at->id, &saved_at);
        json_object_set_new(j, "draft", d ? json_pack("{s:o, s:o}", "responses", d, "saved_at", time_or_null(r, saved_at))
                                          : json_null());
    }
    if (open && at->deadline_at) {
        int64_t left = (at->deadline_at - time_now_us()) / 1000;
        json_object_set_new(j, "time_left_ms", json_integer(left > 0 ? left : 0));
    }
    json_object_set_new(j, "items", arr);
    return j;
}

/* ======================================================================
 * Small renderers
 * ==================================================================== */

static char *duration(Req *r, int64_t s)
{
    if (s % 60) return arena_printf(r->arena, "%lld min %lld s", (long long)(s / 60), (long long)(s % 60));
    return arena_printf(r->arena, "%lld min", (long long)(s / 60));
}

/* A question's or a feedback's text by its format: Markdown through the
 * sanitising renderer; "moodle", "plain" and "html" as text with its line
 * breaks (we have no HTML sanitiser: markup shows as written, never runs). */
static void rich_text(Req *r, const char *text, const char *format)
{
    if (str_eq(format, "markdown")) {
        html_lit(r, "<div class=\"prose\">");
        html_safe(r, html_markdown(r->arena, text));
        html_lit(r, "</div>");
        return;
    }
    html_lit(r, "<p>");
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        html_text(r, arena_strndup(r->arena, p, n));
        if (!nl) break;
        html_lit(r, "<br>");
        p = nl + 1;
    }
    html_lit(r, "</p>");
}

static const char *choice_label(Req *r, const json_t *v, const char *text)
{
    if (str_eq(json_str_at(v, "type"), "truefalse")) return str_eq(text, "true") ? T(r, "True") : T(r, "False");
    return text;
}

static const char *type_label(Req *r, const char *type)
{
    if (str_eq(type, "single")) return T(r, "One choice");
    if (str_eq(type, "multiple")) return T(r, "Several choices");
    if (str_eq(type, "truefalse")) return T(r, "True or false");
    if (str_eq(type, "numeric")) return T(r, "Number");
    if (str_eq(type, "short")) return T(r, "Short answer");
    if (str_eq(type, "matching")) return T(r, "Matching");
    if (str_eq(type, "ordering")) return T(r, "Ordering");
    if (str_eq(type, "cloze")) return T(r, "Fill in the blanks");
    if (str_eq(type, "essay")) return T(r, "Essay");
    return T(r, "Text only");
}

/* A response or an answer (in shown positions) as a person reads it. */
static void describe(Req *r, const json_t *v, const json_t *x)
{
    const json_t *choices = json_object_get(v, "choices"), *val;
    bool any = false;
    if (json_is_object(x) && (val = json_object_get(x, "choice")) && json_is_integer(val)) {
        const char *t = json_string_value(json_array_get(choices, (size_t)json_integer_value(val)));
        if (t) html_text(r, choice_label(r, v, t)), any = true;
    } else if (json_is_object(x) && (val = json_object_get(x, "choices")) && json_is_array(val)) {
        for (size_t i = 0; i < json_array_size(val); i++) {
            const char *t = json_string_value(json_array_get(choices, (size_t)json_integer_value(json_array_get(val, i))));
            if (!t) continue;
            if (any) html_lit(r, "; ");
            html_text(r, t);
            any = true;
        }
    } else if (json_is_object(x) && (val = json_object_get(x, "order")) && json_is_array(val)) {
        for (size_t i = 0; i < json_array_size(val); i++) {
            const char *t = json_string_value(json_array_get(choices, (size_t)json_integer_value(json_array_get(val, i))));
            if (!t) continue;
            if (any) html_lit(r, " → ");
            html_text(r, t);
            any = true;
        }
    } else if (json_is_object(x) && (val = json_object_get(x, "pairs")) && json_is_array(val)) {
        const json_t *left = json_object_get(v, "left"), *right = json_object_get(v, "right");
        for (size_t i = 0; i < json_array_size(val); i++) {
            const json_t *p = json_array_get(val, i);
            const char *rt = json_is_integer(p) ? json_string_value(json_array_get(right, (size_t)json_integer_value(p)))
                                                : NULL;
            if (any) html_lit(r, "; ");
            hprintf(r, "%s → %s", json_string_value(json_array_get(left, i)) ? json_string_value(json_array_get(left, i))
                                                                             : "", rt ? rt : "—");
            any = true;
        }
    } else if (json_is_object(x) && (val = json_object_get(x, "gaps")) && json_is_array(val)) {
        const json_t *gaps = json_object_get(v, "gaps");
        for (size_t g = 0; g < json_array_size(val); g++) {
            const json_t *p = json_array_get(val, g);
            const char *t = json_is_string(p) ? json_string_value(p)
                          : json_is_integer(p) ? json_string_value(json_array_get(json_object_get(json_array_get(gaps, g),
                                                                                                  "choices"),
                                                                                  (size_t)json_integer_value(p)))
                          : NULL;
            if (any) html_lit(r, "; ");
            hprintf(r, "%s %d: %s", T(r, "Blank"), (int)g + 1, t ? t : "—");
            any = true;
        }
    } else if (json_is_object(x) && json_is_string(json_object_get(x, "text"))) {
        const char *t = json_string_value(json_object_get(x, "text"));
        if (*t) html_text(r, t), any = true;
    }
    if (!any) hprintf(r, "<span class=\"muted\">%s</span>", T(r, "(no answer)"));
}

/* ======================================================================
 * The player: the quiz in the unit page
 * ==================================================================== */

static void settings_list(Req *r, const QuizCtx *q, const json_t *sum)
{
    const QuizSettings *qs = &q->qs;
    hprintf(r, "<dl class=\"quiz-facts\"><dt>%s</dt><dd>%s</dd>", T(r, "Purpose"), quiz_purpose_label(r, qs->purpose));
    hprintf(r, "<dt>%s</dt><dd>%lld</dd>", T(r, "Questions"), (long long)json_int_at(sum, "questions", 0));
    hprintf(r, "<dt>%s</dt><dd>", T(r, "Attempts"));
    if (qs->attempts_allowed)
        hprintf(r, "%d / %lld %s", quiz_used(&q->mine), (long long)qs->attempts_allowed, T(r, "used"));
    else hprintf(r, "%d %s · %s", quiz_used(&q->mine), T(r, "used"), T(r, "unlimited"));
    hprintf(r, "</dd><dt>%s</dt><dd>%s</dd>", T(r, "Time limit"),
            qs->time_limit_s ? duration(r, qs->time_limit_s) : T(r, "none"));
    hprintf(r, "<dt>%s</dt><dd>%s</dd>", T(r, "Pass mark"), qs->pass_mark ? text_percent(r, qs->pass_mark) : T(r, "none"));
    if (qs->opens_at) {
        hprintf(r, "<dt>%s</dt><dd>", T(r, "Opens"));
        html_moment(r, qs->opens_at);
        html_lit(r, "</dd>");
    }
    if (qs->closes_at) {
        hprintf(r, "<dt>%s</dt><dd>", T(r, "Closes"));
        html_moment(r, qs->closes_at);
        html_lit(r, "</dd>");
    }
    hprintf(r, "<dt>%s</dt><dd>%s</dd></dl>", T(r, "Feedback"),
            str_eq(qs->feedback_when, "after_last") ? T(r, "after your last attempt")
            : str_eq(qs->feedback_when, "after_close") ? T(r, "once the quiz has closed")
            : T(r, "after each attempt"));
}

static const char *status_label(Req *r, const Attempt *at)
{
    if (str_eq(at->status, "in_progress")) return T(r, "in progress");
    if (str_eq(at->status, "expired")) return T(r, "expired: not submitted in time");
    return at->pending ? T(r, "submitted, awaiting a grader") : T(r, "submitted");
}

static char *attempt_url(Req *r, const QuizCtx *q, int64_t aid)
{
    return arena_printf(r->arena, "/runs/%lld/units/%lld/attempts/%lld", (long long)q->l.run.id,
                        (long long)q->l.unit->id, (long long)aid);
}

void quiz_player(Req *r, const Learn *l)
{
    QuizCtx q = {.l = *l};
    quiz_settings_get(r->db, r->arena, l->unit->id, &q.qs);
    UsTime now = time_now_us();
    if (l->learner) {
        quiz_expire_overdue(r->db, &l->run, l->unit->id, r->user->id, &q.qs, now);
        quiz_attempts(r->db, r->arena, l->unit->id, l->run.id, r->user->id, &q.mine);
        gb_effective_attempts(r->db, &q.mine);     /* essays graded, regrades, overrides */
    }
    json_t *sum = quiz_summary_json(r, &q);
    hprintf(r, "<section class=\"card quiz\" aria-labelledby=\"quiz-h\"><h2 id=\"quiz-h\">%s</h2>", T(r, "Quiz"));
    settings_list(r, &q, sum);
    if (!l->learner) {
        hprintf(r, "<p class=\"muted\">%s</p></section>\n", T(r, "Attempts are for enrolled learners."));
        json_decref(sum);
        return;
    }
    int64_t grade = gb_quiz_grade(r->db, &q.qs, l->run.id, r->user->id, &q.mine);
    if (grade >= 0)
        hprintf(r, "<p class=\"quiz-grade\">%s <strong>%s</strong> <span class=\"muted\">(%s)</span></p>",
                T(r, "Your grade:"), text_percent(r, grade),
                str_eq(q.qs.grade_policy, "last") ? T(r, "last attempt")
                : str_eq(q.qs.grade_policy, "average") ? T(r, "average of your attempts") : T(r, "best attempt"));
    const Attempt *open = NULL;
    if (q.mine.n) {
        hprintf(r, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                T(r, "Attempt"), T(r, "Started"), T(r, "Status"), T(r, "Score"));
        for (int i = 0; i < q.mine.n; i++) {
            const Attempt *at = &q.mine.items[i];
            if (str_eq(at->status, "in_progress")) open = at;
            hprintf(r, "<tr><td><a href=\"%s\">%lld</a></td><td>", attempt_url(r, &q, at->id), (long long)at->number);
            html_moment(r, at->started_at);
            hprintf(r, "</td><td>%s</td><td>%s</td></tr>", status_label(r, at),
                    str_eq(at->status, "in_progress") ? "—" : text_percent(r, at->score));
        }
        html_lit(r, "</tbody></table>");
    }
    QuizItems qi;
    quiz_items_load(r->db, r->arena, l->unit->id, &qi);
    const char *why = NULL;
    if (!open) {
        if (qi.n == 0) why = T(r, "This quiz has no questions yet.");
        else if (q.qs.opens_at && now < q.qs.opens_at) why = T(r, "This quiz is not open yet.");
        else if (q.qs.closes_at && now >= q.qs.closes_at) why = T(r, "This quiz is closed.");
        else if (q.qs.attempts_allowed && q.mine.n >= q.qs.attempts_allowed)
            why = T(r, "You have used every attempt allowed.");
    }
    if (why) hprintf(r, "<p class=\"muted\">%s</p>", why);
    else {
        form_begin(r, arena_printf(r->arena, "/runs/%lld/units/%lld/attempts", (long long)l->run.id,
                                   (long long)l->unit->id));
        if (open) hprintf(r, "<button type=\"submit\" class=\"button\">%s</button>", T(r, "Resume the attempt"));
        else if (q.qs.time_limit_s)
            hprintf(r, "<button type=\"submit\" class=\"button\" data-confirm=\"%s\">%s</button>",
                    T(r, "The time limit starts now. Start?"), T(r, "Start an attempt"));
        else hprintf(r, "<button type=\"submit\" class=\"button\">%s</button>", T(r, "Start an attempt"));
        form_end(r);
    }
    html_lit(r, "</section>\n");
    json_decref(sum);
}

/* POST /runs/{id}/units/{unit}/attempts: start, or resume the attempt in progress. */
void quiz_start_post(Req *r)
{
    QuizCtx q;
    if (!quiz_ctx_load(r, &q)) return;
    char *unit = arena_printf(r->arena, "/runs/%lld/units/%lld", (long long)q.l.run.id, (long long)q.l.unit->id);
    if (!q.l.learner) {
        page_flash(r, T(r, "Attempts are for enrolled learners."));
        req_redirect(r, unit);
        return;
    }
    Attempt at;
    bool resumed;
    QuizRefusal why;
    int rc = quiz_start(r->db, r->arena, &q.l.run, q.l.unit->id, r->user->id, time_now_us(), &at, &resumed, &why);
    if (rc == LN_EPERM) {
        page_flash(r, i18n_get(r->lang, quiz_refusal_message(why)));
        req_redirect(r, unit);
    } else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, attempt_url(r, &q, at.id));
}

/* ---- one attempt -------------------------------------------------------------- */

static void item_head(Req *r, const json_t *v, int number)
{
    hprintf(r, "<h2>%s %d", T(r, "Question"), number);
    if (*json_str_at(v, "title")) hprintf(r, " · %s", json_str_at(v, "title"));
    int64_t pts = json_int_at(v, "points", 0);
    if (pts && !str_eq(json_str_at(v, "type"), "description")) {
        if (pts % 1000) hprintf(r, " <span class=\"muted\">(%lld.%03lld %s)</span>", (long long)(pts / 1000),
                                (long long)(pts % 1000), T(r, "points"));
        else hprintf(r, " <span class=\"muted\">(%lld %s)</span>", (long long)(pts / 1000),
                     pts == 1000 ? T(r, "point") : T(r, "points"));
    }
    html_lit(r, "</h2>");
    rich_text(r, json_str_at(v, "text"), json_str_at(v, "text_format"));
}

/* The inputs of one item, from its learner view. */
/* Whether shown choice k is picked in `resp` (learner positions). */
static bool picked(const json_t *resp, int k)
{
    if (json_int_at(resp, "choice", -1) == k) return true;
    const json_t *cs = json_object_get(resp, "choices");
    for (size_t i = 0; i < json_array_size(cs); i++)
        if (json_integer_value(json_array_get(cs, i)) == k && json_is_integer(json_array_get(cs, i))) return true;
    return false;
}

/* `key`[i] of `resp` as form text: an integer, a string, or "". */
static const char *part(Req *r, const json_t *resp, const char *key, size_t i)
{
    const json_t *x = json_array_get(json_object_get(resp, key), i);
    if (json_is_integer(x)) return arena_printf(r->arena, "%lld", (long long)json_integer_value(x));
    return json_is_string(x) ? json_string_value(x) : "";
}

static const char *selected(Req *r, const json_t *resp, const char *key, size_t i, int k)
{
    const json_t *x = json_array_get(json_object_get(resp, key), i);
    return json_is_integer(x) && json_integer_value(x) == k ? " selected" : "";
}

/* The inputs of an item in progress, filled with `resp` (its saved answer
 * in shown positions, or NULL). */
static void item_inputs(Req *r, const json_t *v, const json_t *resp)
{
    long long id = (long long)json_int_at(v, "id", 0);
    const char *type = json_str_at(v, "type");
    const json_t *choices = json_object_get(v, "choices");
    if (str_eq(type, "single") || str_eq(type, "truefalse") || str_eq(type, "multiple")) {
        bool multi = str_eq(type, "multiple");
        hprintf(r, "<fieldset><legend class=\"sr-only\">%s</legend>", multi ? T(r, "Choose one or more")
                                                                           : T(r, "Choose one"));
        if (multi) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Choose one or more"));
        for (size_t k = 0; k < json_array_size(choices); k++)
            hprintf(r, "<div class=\"field check\"><input type=\"%s\" id=\"q%lld-%d\" name=\"q%lld\" value=\"%d\"%s>"
                       "<label for=\"q%lld-%d\">%s</label></div>", multi ? "checkbox" : "radio", id, (int)k, id, (int)k,
                    picked(resp, (int)k) ? " checked" : "", id, (int)k,
                    choice_label(r, v, json_string_value(json_array_get(choices, k))));
        html_lit(r, "</fieldset>");
    } else if (str_eq(type, "numeric") || str_eq(type, "short")) {
        hprintf(r, "<div class=\"field\"><label for=\"q%lld\">%s</label><input type=\"text\" id=\"q%lld\" name=\"q%lld\""
                   " value=\"%s\" autocomplete=\"off\"%s></div>", id, T(r, "Your answer"), id, id, json_str_at(resp, "text"),
                str_eq(type, "numeric") ? " inputmode=\"decimal\"" : "");
    } else if (str_eq(type, "essay")) {
        hprintf(r, "<div class=\"field\"><label for=\"q%lld\">%s</label><textarea id=\"q%lld\" name=\"q%lld\" rows=\"10\">"
                   "%s</textarea></div>", id, T(r, "Your answer"), id, id, json_str_at(resp, "text"));
    } else if (str_eq(type, "matching")) {
        const json_t *left = json_object_get(v, "left"), *right = json_object_get(v, "right");
        for (size_t i = 0; i < json_array_size(left); i++) {
            hprintf(r, "<div class=\"field\"><label for=\"q%lld_%d\">%s</label><select id=\"q%lld_%d\" name=\"q%lld_%d\">"
                       "<option value=\"\">—</option>", id, (int)i, json_string_value(json_array_get(left, i)), id, (int)i,
                    id, (int)i);
            for (size_t k = 0; k < json_array_size(right); k++)
                hprintf(r, "<option value=\"%d\"%s>%s</option>", (int)k, selected(r, resp, "pairs", i, (int)k),
                        json_string_value(json_array_get(right, k)));
            html_lit(r, "</select></div>");
        }
    } else if (str_eq(type, "ordering")) {
        size_t n = json_array_size(choices);
        const json_t *order = json_object_get(resp, "order");
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Number them in the right order (1 comes first)."));
        for (size_t k = 0; k < n; k++) {
            const char *rank = "";
            for (size_t p = 0; p < json_array_size(order); p++)
                if (json_integer_value(json_array_get(order, p)) == (json_int_t)k)
                    rank = arena_printf(r->arena, "%d", (int)p + 1);
            hprintf(r, "<div class=\"field inline\"><input type=\"number\" class=\"rank\" id=\"q%lld_%d\" name=\"q%lld_%d\""
                       " min=\"1\" max=\"%d\" value=\"%s\"><label for=\"q%lld_%d\">%s</label></div>", id, (int)k, id, (int)k,
                    (int)n, rank, id, (int)k, json_string_value(json_array_get(choices, k)));
        }
    } else if (str_eq(type, "cloze")) {
        const json_t *gaps = json_object_get(v, "gaps");
        for (size_t g = 0; g < json_array_size(gaps); g++) {
            const json_t *gap = json_array_get(gaps, g);
            hprintf(r, "<div class=\"field\"><label for=\"q%lld_g%d\">%s %d</label>", id, (int)g, T(r, "Blank"), (int)g + 1);
            if (str_eq(json_str_at(gap, "kind"), "choice")) {
                const json_t *gc = json_object_get(gap, "choices");
                hprintf(r, "<select id=\"q%lld_g%d\" name=\"q%lld_g%d\"><option value=\"\">—</option>", id, (int)g, id, (int)g);
                for (size_t k = 0; k < json_array_size(gc); k++)
                    hprintf(r, "<option value=\"%d\"%s>%s</option>", (int)k, selected(r, resp, "gaps", g, (int)k),
                            json_string_value(json_array_get(gc, k)));
                html_lit(r, "</select>");
            } else hprintf(r, "<input type=\"text\" id=\"q%lld_g%d\" name=\"q%lld_g%d\" value=\"%s\" autocomplete=\"off\"%s>",
                           id, (int)g, id, (int)g, part(r, resp, "gaps", g),
                           str_eq(json_str_at(gap, "kind"), "number") ? " inputmode=\"decimal\"" : "");
            html_lit(r, "</div>");
        }
    }
}

/* A finished item: what was answered and, when allowed, the feedback. */
static void item_result(Req *r, const json_t *v, bool feedback)
{
    if (str_eq(json_str_at(v, "type"), "description")) return;
    hprintf(r, "<p><strong>%s</strong> ", T(r, "Your answer:"));
    describe(r, v, json_object_get(v, "response"));
    html_lit(r, "</p>");
    if (*json_str_at(v, "grader_comment"))
        hprintf(r, "<div class=\"quiz-feedback\"><p><strong>%s</strong></p><div class=\"prewrap\">%s</div></div>",
                T(r, "Your trainer's comment:"), json_str_at(v, "grader_comment"));
    if (!feedback) return;
    const json_t *score = json_object_get(v, "score");
    if (!json_is_integer(score))
        hprintf(r, "<p class=\"badge\">%s</p>", T(r, "Awaiting a grader"));
    else if (json_integer_value(score) >= 1000) hprintf(r, "<p class=\"badge done\">✓ %s</p>", T(r, "Right"));
    else if (json_integer_value(score) > 0)
        hprintf(r, "<p class=\"badge\">%s · %s</p>", T(r, "Partly right"), text_percent(r, json_integer_value(score)));
    else hprintf(r, "<p class=\"badge wrong\">✗ %s</p>", T(r, "Wrong"));
    const json_t *fb = json_object_get(v, "feedback");
    for (size_t i = 0; i < json_array_size(fb); i++) {
        html_lit(r, "<div class=\"quiz-feedback\">");
        rich_text(r, json_string_value(json_array_get(fb, i)), json_str_at(v, "text_format"));
        html_lit(r, "</div>");
    }
    const json_t *answer = json_object_get(v, "answer");
    if (json_is_object(answer)) {
        hprintf(r, "<p><strong>%s</strong> ", T(r, "Right answer:"));
        describe(r, v, answer);
        html_lit(r, "</p>");
    }
    if (*json_str_at(v, "general_feedback")) {
        html_lit(r, "<div class=\"quiz-feedback\">");
        rich_text(r, json_str_at(v, "general_feedback"), json_str_at(v, "text_format"));
        html_lit(r, "</div>");
    }
}

static void attempt_render(Req *r, const QuizCtx *q, const Attempt *at, const json_t *j)
{
    const Learn *l = &q->l;
    char *unit = arena_printf(r->arena, "/runs/%lld/units/%lld", (long long)l->run.id, (long long)l->unit->id);
    page_begin(r, arena_printf(r->arena, "%s — %s %lld", l->unit->title, T(r, "Attempt"), (long long)at->number));
    hprintf(r, "<p class=\"muted\"><a href=\"%s\">← %s</a></p><h1>%s <span class=\"muted\">· %s %lld</span></h1>\n",
            unit, l->unit->title, l->unit->title, T(r, "Attempt"), (long long)at->number);
    const json_t *items = json_object_get(j, "items");
    if (str_eq(at->status, "in_progress")) {
        char *action = arena_printf(r->arena, "%s/submit", attempt_url(r, q, at->id));
        if (at->deadline_at) {
            int64_t left = json_int_at(j, "time_left_ms", 0);
            hprintf(r, "<p class=\"alert quiz-timer\" role=\"status\">%s <time datetime=\"%s\" data-time-left>%lld:%02lld"
                       "</time> <span class=\"muted\">(%s ", T(r, "Time left:"), time_iso(r->arena, at->deadline_at),
                    (long long)(left / 60000), (long long)(left / 1000 % 60), T(r, "until"));
            html_moment(r, at->deadline_at);
            hprintf(r, ")</span></p><form method=\"post\" action=\"%s\" class=\"quiz-attempt\" data-left-ms=\"%lld\">",
                    action, (long long)left);
        } else hprintf(r, "<form method=\"post\" action=\"%s\" class=\"quiz-attempt\">", action);
        hprintf(r, "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", access_csrf_token(r));
        const json_t *draft = json_object_get(json_object_get(j, "draft"), "responses");
        for (size_t i = 0; i < json_array_size(items); i++) {
            const json_t *v = json_array_get(items, i);
            long long id = (long long)json_int_at(v, "id", 0);
            hprintf(r, "<section class=\"card quiz-item\" id=\"item-%lld\">", id);
            item_head(r, v, (int)i + 1);
            item_inputs(r, v, json_object_get(draft, arena_printf(r->arena, "%lld", id)));
            html_lit(r, "</section>");
        }
        /* saved as the learner answers (app.js), so a reload loses nothing */
        hprintf(r, "<p class=\"muted quiz-saved\" role=\"status\" data-draft=\"%s/draft\" data-saved=\"%s\""
                   " data-failed=\"%s\">%s</p>", attempt_url(r, q, at->id), T(r, "Your answers are saved."),
                T(r, "Your answers could not be saved: check your connection."),
                draft ? T(r, "Your answers are saved.") : "");
        hprintf(r, "<p><button type=\"submit\" class=\"button\" data-confirm=\"%s\">%s</button></p></form>\n",
                T(r, "Submit your answers? They cannot be changed afterwards."), T(r, "Submit my answers"));
        page_end(r);
        return;
    }
    bool feedback = json_is_true(json_object_get(j, "feedback_shown"));
    hprintf(r, "<section class=\"card\"><p>%s <strong>%s</strong></p>", T(r, "Status:"), status_label(r, at));
    if (str_eq(at->status, "expired"))
        hprintf(r, "<p class=\"muted\">%s</p>", json_is_true(json_object_get(j, "answers_saved"))
                ? T(r, "Time ran out before you submitted: the answers saved as you worked were graded.")
                : T(r, "Time ran out before you submitted, and no answer had been saved."));
    if (at->submitted_at) {
        hprintf(r, "<p>%s ", T(r, "Submitted:"));
        html_moment(r, at->submitted_at);
        html_lit(r, "</p>");
    }
    hprintf(r, "<p class=\"quiz-score\">%s <strong>%s</strong>", T(r, "Score:"), text_percent(r, at->score));
    if (at->pending) hprintf(r, " <span class=\"muted\">(%s)</span>", T(r, "some answers await a grader"));
    if (q->qs.pass_mark && !at->pending)
        hprintf(r, " · %s", at->score >= q->qs.pass_mark ? T(r, "passed") : T(r, "not passed"));
    html_lit(r, "</p>");
    if (!feedback)
        hprintf(r, "<p class=\"muted\">%s</p>", str_eq(q->qs.feedback_when, "after_close")
                ? T(r, "Feedback and the right answers are shown once the quiz has closed.")
                : T(r, "Feedback and the right answers are shown after your last attempt."));
    html_lit(r, "</section>\n");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *v = json_array_get(items, i);
        hprintf(r, "<section class=\"card quiz-item\" id=\"item-%lld\">", (long long)json_int_at(v, "id", 0));
        item_head(r, v, (int)i + 1);
        item_result(r, v, feedback);
        html_lit(r, "</section>");
    }
    hprintf(r, "<p><a class=\"button secondary\" href=\"%s\">%s</a></p>\n", unit, T(r, "Back to the quiz"));
    page_end(r);
}

/* GET /runs/{id}/units/{unit}/attempts/{aid} */
void quiz_attempt_page(Req *r)
{
    QuizCtx q;
    Attempt *at;
    if (!quiz_ctx_load(r, &q) || !quiz_ctx_attempt(r, &q, &at)) return;
    json_t *j = quiz_attempt_json(r, &q, at);
    if (!j) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    attempt_render(r, &q, at, j);
    json_decref(j);
}

/* The form of an attempt as responses in shown positions (quiz.h). */
static json_t *form_responses(Req *r, const Attempt *at, const Item *items)
{
    json_t *all = json_object();
    for (int i = 0; i < at->nshown; i++) {
        const Shown *s = &at->shown[i];
        long long id = (long long)s->id;
        const char *name = arena_printf(r->arena, "q%lld", id);
        const char *v = req_form(r, name);
        json_t *resp = NULL;
        int64_t k;
        switch (items[i].type) {
        case ITEM_SINGLE: case ITEM_TRUEFALSE:
            if (str_to_i64(v, &k)) resp = json_pack("{s:I}", "choice", (json_int_t)k);
            break;
        case ITEM_MULTIPLE: {
            json_t *picks = json_array();
            for (const Param *p = r->form.head; p; p = p->next)
                if (str_eq(p->name, name) && str_to_i64(p->value, &k)) json_array_append_new(picks, json_integer(k));
            resp = json_pack("{s:o}", "choices", picks);
            break;
        }
        case ITEM_NUMERIC: case ITEM_SHORT: case ITEM_ESSAY:
            if (v && utf8_valid(v, strlen(v))) resp = json_pack("{s:s}", "text", v);
            break;
        case ITEM_MATCHING: {
            json_t *pairs = json_array();
            for (int p = 0; p < s->norder; p++) {
                const char *x = req_form(r, arena_printf(r->arena, "q%lld_%d", id, p));
                json_array_append_new(pairs, str_to_i64(x, &k) ? json_integer(k) : json_null());
            }
            resp = json_pack("{s:o}", "pairs", pairs);
            break;
        }
        case ITEM_ORDERING: {
            /* Ranks typed by the learner, ties and blanks kept in the order
             * shown: always a whole order, never refused. */
            int n = s->norder;
            int64_t *rank = arena_alloc(r->arena, sizeof(int64_t) * (size_t)(n + 1));
            int *pos = arena_alloc(r->arena, sizeof(int) * (size_t)(n + 1));
            bool any = false;
            for (int p = 0; p < n; p++) {
                const char *x = req_form(r, arena_printf(r->arena, "q%lld_%d", id, p));
                if (str_to_i64(x, &rank[p])) any = true;
                else rank[p] = INT64_MAX;
                pos[p] = p;
            }
            for (int a = 1; a < n; a++)
                for (int b = a; b > 0 && rank[pos[b - 1]] > rank[pos[b]]; b--) {
                    int t = pos[b];
                    pos[b] = pos[b - 1];
                    pos[b - 1] = t;
                }
            if (any) {
                json_t *order = json_array();
                for (int p = 0; p < n; p++) json_array_append_new(order, json_integer(pos[p]));
                resp = json_pack("{s:o}", "order", order);
            }
            break;
        }
        case ITEM_CLOZE: {
            json_t *gaps = json_array();
            for (int g = 0; g < items[i].ngaps; g++) {
                const char *x = req_form(r, arena_printf(r->arena, "q%lld_g%d", id, g));
                bool pick = false;
                for (int c = 0; c < items[i].nchoices; c++)
                    if (items[i].choices[c].gap == g)
                        pick = items[i].choices[c].gap_type == ITEM_SINGLE || items[i].choices[c].gap_type == ITEM_TRUEFALSE;
                if (!x || !*x || !utf8_valid(x, strlen(x))) json_array_append_new(gaps, json_null());
                else if (pick) json_array_append_new(gaps, str_to_i64(x, &k) ? json_integer(k) : json_null());
                else json_array_append_new(gaps, json_string(x));
            }
            resp = json_pack("{s:o}", "gaps", gaps);
            break;
        }
        default:
            break;
        }
        if (resp) json_object_set_new(all, arena_printf(r->arena, "%lld", id), resp);
    }
    return all;
}

/* POST /runs/{id}/units/{unit}/attempts/{aid}/draft — the form as it
 * stands, sent by the page's script as the learner answers: 204. */
void quiz_draft_post(Req *r)
{
    QuizCtx q;
    Attempt *at;
    if (!quiz_ctx_load(r, &q) || !quiz_ctx_attempt(r, &q, &at)) return;
    Item *items;
    if (!str_eq(at->status, "in_progress") || quiz_attempt_items(r->db, r->arena, at, &items) != LN_OK) {
        QuizRefusal why = str_eq(at->status, "expired") ? QUIZ_TIME_UP : QUIZ_ALREADY_SUBMITTED;
        web_error(r, 409, quiz_refusal_code(why), i18n_get(r->lang, quiz_refusal_message(why)));
        return;
    }
    json_t *responses = form_responses(r, at, items);
    QuizRefusal why;
    const char *err = NULL;
    int rc = quiz_draft_save(r->db, r->arena, at, responses, time_now_us(), &why, &err);
    json_decref(responses);
    if (rc == LN_EPERM) web_error(r, 409, quiz_refusal_code(why), i18n_get(r->lang, quiz_refusal_message(why)));
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "These answers do not fit the questions shown."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else r->status = 204;
}

/* POST /runs/{id}/units/{unit}/attempts/{aid}/submit */
void quiz_submit_post(Req *r)
{
    QuizCtx q;
    Attempt *at;
    if (!quiz_ctx_load(r, &q) || !quiz_ctx_attempt(r, &q, &at)) return;
    Item *items;
    if (!str_eq(at->status, "in_progress")) {
        QuizRefusal why = str_eq(at->status, "expired") ? QUIZ_TIME_UP : QUIZ_ALREADY_SUBMITTED;
        web_error(r, 409, quiz_refusal_code(why), i18n_get(r->lang, quiz_refusal_message(why)));
        return;
    }
    if (quiz_attempt_items(r->db, r->arena, at, &items) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    json_t *responses = form_responses(r, at, items);
    QuizResult res;
    QuizRefusal why;
    const char *err = NULL;
    int rc = quiz_submit(r->db, r->arena, &q.l.run, &q.qs, at, responses, time_now_us(), &res, &why, &err);
    json_decref(responses);
    if (rc == LN_EPERM) web_error(r, 409, quiz_refusal_code(why), i18n_get(r->lang, quiz_refusal_message(why)));
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "These answers do not fit the questions shown."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else {
        page_flash(r, T(r, "Your answers are submitted."));
        req_redirect(r, attempt_url(r, &q, at->id));
    }
}

/* ======================================================================
 * The trainer's block
 * ==================================================================== */

static char *quiz_base(Req *r, const Course *c, const Unit *u)
{
    return arena_printf(r->arena, "/o/%s/courses/%lld/units/%lld", r->org->slug, (long long)c->id, (long long)u->id);
}

typedef struct EditState {
    const QuizSettings *qs;         /* the settings to show (what was typed, after a refusal) */
    const char *field, *error;      /* settings refused */
    const char *gift;               /* the GIFT text to show again */
    const GiftError *gerr;          /* where the GIFT text is wrong */
    const ItemBank *preview;        /* parsed, not imported yet */
} EditState;

static void select_of(Req *r, const char *name, const char *label, const char *const *values,
                      const char *const *labels, int n, const char *current)
{
    hprintf(r, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">", name, label, name,
            name);
    for (int i = 0; i < n; i++)
        hprintf(r, "<option value=\"%s\"%s>%s</option>", values[i], str_eq(values[i], current) ? " selected" : "",
                labels[i]);
    html_lit(r, "</select></div>");
}


static char *num(Req *r, int64_t v) { return arena_printf(r->arena, "%lld", (long long)v); }

/* The first characters of a question, on one line. */
static char *excerpt(Req *r, const char *text)
{
    Buf b;
    buf_init(&b, 0);
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        if ((*p & 0xC0) != 0x80 && chars++ == EXCERPT_CHARS) {
            buf_puts(&b, "…");
            break;
        }
        buf_putc(&b, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : (char)*p);
    }
    char *s = arena_strdup(r->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void items_table(Req *r, const Item *items, int n)
{
    hprintf(r, "<table><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "Type"),
            T(r, "Question"), T(r, "Points"));
    for (int i = 0; i < n; i++) {
        const Item *it = &items[i];
        hprintf(r, "<tr><td>%d</td><td>%s</td><td>", i + 1, type_label(r, item_type_name(it->type)));
        if (it->title && *it->title) hprintf(r, "<strong>%s</strong> ", it->title);
        hprintf(r, "%s</td><td>%lld", excerpt(r, it->text), (long long)(it->points / 1000));
        if (it->points % 1000) hprintf(r, ".%03lld", (long long)(it->points % 1000));
        html_lit(r, "</td></tr>");
    }
    html_lit(r, "</tbody></table>");
}

static void edit_sections(Req *r, const Course *c, const Unit *u, const EditState *st)
{
    char *base = quiz_base(r, c, u);
    QuizSettings saved;
    const QuizSettings *qs = st->qs;
    if (!qs) {
        quiz_settings_get(r->db, r->arena, u->id, &saved);
        qs = &saved;
    }
    const char *field = st->field;
    /* settings */
    hprintf(r, "<section class=\"card\" id=\"quiz-settings\"><h2>%s</h2>", T(r, "Quiz settings"));
    if (st->error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", st->error);
    form_begin(r, arena_printf(r->arena, "%s/quiz", base));
    static const char *const purposes[] = {"placement", "formative", "final"};
    const char *purpose_labels[] = {T(r, "Placement (before the course)"), T(r, "Formative (during the course)"),
                                    T(r, "Final assessment")};
    select_of(r, "purpose", T(r, "Purpose"), purposes, purpose_labels, 3, qs->purpose);
    form_input(r, "number", "attempts_allowed", T(r, "Attempts allowed (0: unlimited)"), num(r, qs->attempts_allowed),
               str_eq(field, "attempts_allowed") ? st->error : NULL, "min=\"0\" max=\"100\"");
    form_input(r, "number", "time_limit_s", T(r, "Time limit in seconds (0: none)"), num(r, qs->time_limit_s),
               str_eq(field, "time_limit_s") ? st->error : NULL, "min=\"0\" max=\"86400\"");
    form_input(r, "datetime-local", "opens_at", T(r, "Opens (UTC; empty: always open)"), datetime_value(r, qs->opens_at),
               str_eq(field, "opens_at") ? st->error : NULL, "");
    form_input(r, "datetime-local", "closes_at", T(r, "Closes (UTC; empty: never)"), datetime_value(r, qs->closes_at),
               str_eq(field, "closes_at") ? st->error : NULL, "");
    form_input(r, "number", "draw_count", T(r, "Questions drawn at random per attempt (0: all)"),
               num(r, qs->draw_count), str_eq(field, "draw_count") ? st->error : NULL, "min=\"0\" max=\"1000\"");
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-draw_per_pool\" name=\"draw_per_pool\""
               " value=\"1\"%s><label for=\"f-draw_per_pool\">%s</label></div>", qs->draw_per_pool ? " checked" : "",
            T(r, "Draw that many from each pool (question category) instead; questions without a pool are always in"));
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-shuffle\" name=\"shuffle\" value=\"1\"%s>"
               "<label for=\"f-shuffle\">%s</label></div>", qs->shuffle ? " checked" : "",
            T(r, "Shuffle the questions and their choices"));
    form_input(r, "number", "pass_percent", T(r, "Pass mark (%; 0: submitting is enough)"),
               arena_printf(r->arena, "%lld%s", (long long)(qs->pass_mark / 10),
                            qs->pass_mark % 10 ? arena_printf(r->arena, ".%lld", (long long)(qs->pass_mark % 10)) : ""),
               str_eq(field, "pass_mark") ? st->error : NULL, "min=\"0\" max=\"100\" step=\"0.1\"");
    static const char *const whens[] = {"immediately", "after_last", "after_close"};
    const char *when_labels[] = {T(r, "after each attempt"), T(r, "after the last attempt"),
                                 T(r, "once the quiz has closed")};
    select_of(r, "feedback_when", T(r, "Feedback and right answers are shown"), whens, when_labels, 3,
              qs->feedback_when);
    static const char *const policies[] = {"best", "last", "average"};
    const char *policy_labels[] = {T(r, "best attempt"), T(r, "last attempt"), T(r, "average of the attempts")};
    select_of(r, "grade_policy", T(r, "Grade"), policies, policy_labels, 3, qs->grade_policy);
    form_submit(r, T(r, "Save the settings"));
    form_end(r);
    html_lit(r, "</section>\n");

    /* import */
    hprintf(r, "<section class=\"card\" id=\"quiz-import\"><h2>%s</h2><p class=\"muted\">%s</p>",
            T(r, "Import questions (GIFT)"),
            T(r, "Moodle's GIFT format. Importing replaces the quiz's questions; attempts already made keep the "
                 "questions they showed."));
    if (st->gerr)
        hprintf(r, "<p class=\"alert\" role=\"alert\">%s %d:%d — %s</p>", T(r, "Nothing was imported. Line and column:"),
                st->gerr->line, st->gerr->column, st->gerr->message ? st->gerr->message : "");
    if (st->preview) {
        hprintf(r, "<p class=\"flash\" role=\"status\" data-preview-count=\"%d\">%d %s</p>", st->preview->n,
                st->preview->n, T(r, "questions ready to import:"));
        items_table(r, st->preview->items, st->preview->n);
    }
    form_begin_upload(r, arena_printf(r->arena, "%s/quiz/gift", base));
    if (!st->preview)
        hprintf(r, "<div class=\"field\"><label for=\"gift-file\">%s</label><input id=\"gift-file\" type=\"file\""
                   " name=\"file\" accept=\".gift,.txt,text/plain\"></div>", T(r, "GIFT file"));
    hprintf(r, "<div class=\"field\"><label for=\"gift\">%s</label><textarea id=\"gift\" name=\"gift\" rows=\"10\""
               " spellcheck=\"false\">%s</textarea></div>",
            st->preview ? T(r, "GIFT text") : T(r, "Or paste GIFT text"), st->gift ? st->gift : "");
    if (st->preview)
        hprintf(r, "<div class=\"inline\"><button type=\"submit\" class=\"button\" name=\"action\" value=\"import\""
                   " data-confirm=\"%s\">%s</button><button type=\"submit\" class=\"button secondary\" name=\"action\""
                   " value=\"preview\">%s</button></div>",
                T(r, "Replace the quiz's questions with these?"), T(r, "Import these questions"), T(r, "Preview again"));
    else
        hprintf(r, "<div class=\"inline\"><button type=\"submit\" class=\"button\" name=\"action\" value=\"preview\">%s"
                   "</button><button type=\"submit\" class=\"button secondary\" name=\"action\" value=\"import\""
                   " data-confirm=\"%s\">%s</button></div>",
                T(r, "Preview"), T(r, "Replace the quiz's questions with these?"), T(r, "Import at once"));
    form_end(r);
    html_lit(r, "</section>\n");

    /* items */
    author_items_section(r, c, u);
}

void quiz_edit_section(Req *r, const Course *c, const Unit *u)
{
    EditState st = {0};
    edit_sections(r, c, u, &st);
}

/* A page of its own for refusals and previews: the block with its state. */
static void edit_page(Req *r, int status, const Course *c, const Unit *u, const EditState *st)
{
    r->status = status;
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Quiz"), u->title));
    hprintf(r, "<p class=\"muted\"><a href=\"%s\">← %s</a></p><h1>%s</h1>\n", quiz_base(r, c, u), u->title, u->title);
    edit_sections(r, c, u, st);
    page_end(r);
}

/* Parse the settings form over the saved settings: NULL when fine, else
 * the field in error and *msg. */
static const char *settings_from_form(Req *r, QuizSettings *qs, const char **msg)
{
    const char *v;
    int64_t n;
    if ((v = req_form(r, "purpose"))) qs->purpose = v;
    if ((v = req_form(r, "feedback_when"))) qs->feedback_when = v;
    if ((v = req_form(r, "grade_policy"))) qs->grade_policy = v;
    qs->shuffle = str_eq(req_form(r, "shuffle"), "1");
    qs->draw_per_pool = str_eq(req_form(r, "draw_per_pool"), "1");
    static const char *const ints[] = {"attempts_allowed", "time_limit_s", "draw_count"};
    int64_t *dst[] = {&qs->attempts_allowed, &qs->time_limit_s, &qs->draw_count};
    for (int i = 0; i < 3; i++) {
        v = req_form(r, ints[i]);
        if (!v) continue;
        if (!*v) *dst[i] = 0;
        else if (str_to_i64(v, &n)) *dst[i] = n;
        else {
            *msg = "Give a whole number.";
            return ints[i];
        }
    }
    if ((v = req_form(r, "pass_percent"))) {
        /* a percentage with at most one decimal (',' or '.') → thousandths */
        char *end;
        double d = strtod(*v ? v : "0", &end);
        if (*end == ',') d = strtod(arena_printf(r->arena, "%.*s.%s", (int)(end - v), v, end + 1), &end);
        if (*end || d < 0 || d > 100) {
            *msg = "The pass mark must be between 0 and 100 %.";
            return "pass_mark";
        }
        qs->pass_mark = (int64_t)(d * 10 + 0.5);
    }
    static const char *const times[] = {"opens_at", "closes_at"};
    UsTime *tdst[] = {&qs->opens_at, &qs->closes_at};
    for (int i = 0; i < 2; i++) {
        v = req_form(r, times[i]);
        if (!v) continue;
        if (!*v) *tdst[i] = 0;
        else if (!quiz_parse_time(v, tdst[i])) {
            *msg = "Give a date and time such as 2026-11-28T18:00.";
            return times[i];
        }
    }
    return quiz_settings_check(qs, msg);
}

/* POST /o/{org}/courses/{id}/units/{uid}/quiz */
void quiz_settings_post(Req *r)
{
    Course c;
    Unit *u;
    if (!quiz_staff_unit(r, &c, &u)) return;
    QuizSettings qs;
    quiz_settings_get(r->db, r->arena, u->id, &qs);
    const char *msg, *field = settings_from_form(r, &qs, &msg);
    if (field) {
        EditState st = {.qs = &qs, .field = field, .error = i18n_get(r->lang, msg)};
        edit_page(r, 422, &c, u, &st);
        return;
    }
    if (quiz_settings_set(r->db, c.org_id, u->id, &qs, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "Saved."));
    req_redirect(r, quiz_base(r, &c, u));
}

/* POST /o/{org}/courses/{id}/units/{uid}/quiz/gift (multipart: file or
 * pasted text; action=preview shows what would be imported). */
void quiz_gift_post(Req *r)
{
    Course c;
    Unit *u;
    if (!quiz_staff_unit(r, &c, &u)) return;
    size_t len;
    const char *text = req_file_or_field(r, "file", "gift", &len);
    bool valid = utf8_valid(text, len);
    EditState st = {.gift = valid ? arena_strndup(r->arena, text, len) : NULL};
    ItemBank bank;
    GiftError ge = {0};
    if (len == 0) {
        ge = (GiftError){1, 1, "the GIFT text is empty"};
        st.gerr = &ge;
        edit_page(r, 422, &c, u, &st);
        return;
    }
    int rc = gift_parse(r->arena, text, len, &bank, &ge);
    if (rc != LN_OK) {
        st.gerr = &ge;
        edit_page(r, 422, &c, u, &st);
        return;
    }
    if (bank.n > QUIZ_MAX_ITEMS) {
        ge = (GiftError){1, 1, "more than 1000 questions in one quiz"};
        st.gerr = &ge;
        edit_page(r, 422, &c, u, &st);
        return;
    }
    if (!str_eq(req_form(r, "action"), "import")) {
        st.preview = &bank;
        edit_page(r, 200, &c, u, &st);
        return;
    }
    if (quiz_items_replace(r->db, c.org_id, u->id, &bank, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, arena_printf(r->arena, "%d %s", bank.n, T(r, "questions imported.")));
    req_redirect(r, quiz_base(r, &c, u));
}

/* GET /o/{org}/courses/{id}/units/{uid}/quiz.gift and
 * GET /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/gift */
void quiz_gift_get(Req *r)
{
    Course c;
    Unit *u;
    if (!quiz_staff_unit(r, &c, &u)) return;
    ItemBank bank;
    if (quiz_bank(r->db, r->arena, u->id, &bank) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    Buf b;
    buf_init(&b, 0);
    int skipped = 0;
    gift_write_ex(&b, &bank, &skipped);
    r->status = 200;
    r->content_type = "text/plain; charset=utf-8";
    buf_reset(&r->out);
    buf_append(&r->out, b.data ? b.data : "", b.len);
    buf_free(&b);
    req_set_header(r, "Content-Disposition",
                   content_disposition(r->arena, true, arena_printf(r->arena, "quiz-%lld.gift", (long long)u->id)));
    if (skipped) req_set_header(r, "X-Lectern-Skipped", arena_printf(r->arena, "%d", skipped));
}

