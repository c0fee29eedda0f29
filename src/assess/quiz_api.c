/* quiz_api.c — the JSON API of quizzes (docs/assessments.md).
 *
 *   GET  /api/v1/runs/{id}/units/{unit}/quiz                     settings for the learner, my attempts
 *   POST /api/v1/runs/{id}/units/{unit}/attempts                 start, or resume the attempt in progress
 *   GET  /api/v1/runs/{id}/units/{unit}/attempts/{aid}           one of my attempts
 *   POST /api/v1/runs/{id}/units/{unit}/attempts/{aid}/submit    {"responses": {"item id": {...}}}
 *   GET  /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz        staff: settings and items, answers included
 *   PUT  /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz        staff: settings
 *   POST /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/gift   staff: import GIFT (JSON {"gift", "preview"} or text/plain)
 *   GET  /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/gift   staff: export GIFT
 */
#include "assess/pages.h"
#include "assess/gift.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

static void refuse(Req *r, QuizRefusal why)
{
    api_error(r, 409, quiz_refusal_code(why), quiz_refusal_message(why));
}

/* GET /api/v1/runs/{id}/units/{unit}/quiz */
void api_quiz_get(Req *r)
{
    QuizCtx q;
    if (quiz_ctx_load(r, &q)) api_json(r, 200, quiz_summary_json(r, &q));
}

static void answer_attempt(Req *r, int status, const QuizCtx *q, const Attempt *at, json_t *extra)
{
    json_t *j = quiz_attempt_json(r, q, at);
    if (!j) {
        json_decref(extra);
        api_error(r, 500, "internal", "reading the attempt failed on our side");
        return;
    }
    if (extra) json_object_set_new(j, "result", extra);
    api_json(r, status, j);
}

/* POST /api/v1/runs/{id}/units/{unit}/attempts */
void api_quiz_attempts_post(Req *r)
{
    QuizCtx q;
    if (!quiz_ctx_load(r, &q)) return;
    if (!q.l.learner) {
        api_error(r, 403, "not_enrolled", "attempts are for learners enrolled in this session");
        return;
    }
    Attempt at;
    bool resumed;
    QuizRefusal why;
    int rc = quiz_start(r->db, r->arena, &q.l.run, q.l.unit->id, r->user->id, time_now_us(), &at, &resumed, &why);
    if (rc == LN_EPERM) refuse(r, why);
    else if (rc != LN_OK) api_error(r, 500, "internal", "starting the attempt failed on our side");
    else answer_attempt(r, resumed ? 200 : 201, &q, &at, NULL);
}

/* GET /api/v1/runs/{id}/units/{unit}/attempts/{aid} */
void api_quiz_attempt_get(Req *r)
{
    QuizCtx q;
    Attempt *at;
    if (quiz_ctx_load(r, &q) && quiz_ctx_attempt(r, &q, &at)) answer_attempt(r, 200, &q, at, NULL);
}

/* POST /api/v1/runs/{id}/units/{unit}/attempts/{aid}/submit */
void api_quiz_submit_post(Req *r)
{
    QuizCtx q;
    Attempt *at;
    if (!quiz_ctx_load(r, &q) || !quiz_ctx_attempt(r, &q, &at)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    QuizResult res;
    QuizRefusal why;
    const char *err = NULL;
    int rc = quiz_submit(r->db, r->arena, &q.l.run, &q.qs, at, json_object_get(b, "responses"), time_now_us(), &res,
                         &why, &err);
    if (rc == LN_EPERM) {
        refuse(r, why);
        return;
    }
    if (rc == LN_EINVAL) {
        api_field_error(r, "responses", err ? err : "these responses do not fit the attempt");
        return;
    }
    if (rc != LN_OK) {
        api_error(r, 500, "internal", "submitting failed on our side");
        return;
    }
    /* Read again: whether feedback may be shown depends on every attempt. */
    quiz_attempts(r->db, r->arena, q.l.unit->id, q.l.run.id, r->user->id, &q.mine);
    Attempt *now = at;
    for (int i = 0; i < q.mine.n; i++)
        if (q.mine.items[i].id == at->id) now = &q.mine.items[i];
    answer_attempt(r, 200, &q, now,
                   json_pack("{s:I, s:I, s:I, s:I, s:b, s:b, s:b}", "score", (json_int_t)res.score, "points",
                             (json_int_t)res.points, "points_max", (json_int_t)res.points_max, "pending",
                             (json_int_t)res.pending, "passed", res.passed, "unit_done", res.completed,
                             "course_done", res.course_done));
}

/* PUT /api/v1/runs/{id}/units/{unit}/attempts/{aid}/draft {"responses": {...}} */
void api_quiz_draft_put(Req *r)
{
    QuizCtx q;
    Attempt *at;
    if (!quiz_ctx_load(r, &q) || !quiz_ctx_attempt(r, &q, &at)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    QuizRefusal why;
    const char *err = NULL;
    int rc = quiz_draft_save(r->db, r->arena, at, json_object_get(b, "responses"), time_now_us(), &why, &err);
    if (rc == LN_EPERM) refuse(r, why);
    else if (rc == LN_EINVAL) api_field_error(r, "responses", err ? err : "these responses do not fit the attempt");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else answer_attempt(r, 200, &q, at, NULL);
}

/* ---- staff ------------------------------------------------------------------------ */

static json_t *settings_json(Req *r, const QuizSettings *qs)
{
    return json_pack("{s:I, s:s, s:I, s:I, s:o, s:o, s:I, s:b, s:I, s:s, s:s, s:o}", "unit_id", (json_int_t)qs->unit_id,
                     "purpose", qs->purpose, "attempts_allowed", (json_int_t)qs->attempts_allowed, "time_limit_s",
                     (json_int_t)qs->time_limit_s, "opens_at", api_time(r->arena, qs->opens_at), "closes_at",
                     api_time(r->arena, qs->closes_at), "draw_count", (json_int_t)qs->draw_count, "shuffle",
                     qs->shuffle, "pass_mark", (json_int_t)qs->pass_mark, "feedback_when", qs->feedback_when,
                     "grade_policy", qs->grade_policy, "updated_at", api_time(r->arena, qs->updated_at));
}

void quiz_answer_staff(Req *r, int status, int64_t unit_id)
{
    QuizSettings qs;
    QuizItems qi;
    if (quiz_settings_get(r->db, r->arena, unit_id, &qs) != LN_OK
        || quiz_items_load(r->db, r->arena, unit_id, &qi) != LN_OK) {
        api_error(r, 500, "internal", "reading the quiz failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < qi.n; i++) {
        json_t *it = item_to_json(&qi.items[i].item);
        /* the stored item's own "id" (GIFT [id:...]) stays; ours is quiz_item_id */
        json_object_set_new(it, "quiz_item_id", json_integer(qi.items[i].id));
        json_array_append_new(items, it);
    }
    json_t *j = settings_json(r, &qs);
    json_object_set_new(j, "draw_per_pool", json_boolean(qs.draw_per_pool));
    json_object_set_new(j, "items", items);
    api_json(r, status, j);
}

/* GET /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz */
void api_quiz_staff_get(Req *r)
{
    Course c;
    Unit *u;
    if (quiz_staff_unit(r, &c, &u)) quiz_answer_staff(r, 200, u->id);
}

static bool time_member(Req *r, json_t *b, const char *key, UsTime *out)
{
    json_t *v = json_object_get(b, key);
    if (!v) return true;
    if (json_is_null(v)) *out = 0;
    else if (json_is_integer(v) && json_integer_value(v) >= 0) *out = (UsTime)json_integer_value(v);
    else if (!json_is_string(v) || !quiz_parse_time(json_string_value(v), out)) {
        api_field_error(r, key, arena_printf(r->arena, "\"%s\" must be null, a time such as \"2026-11-28T18:00:00Z\","
                                                       " or microseconds", key));
        return false;
    }
    return true;
}

/* PUT /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz — any of the settings */
void api_quiz_settings_put(Req *r)
{
    Course c;
    Unit *u;
    if (!quiz_staff_unit(r, &c, &u)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    QuizSettings qs;
    quiz_settings_get(r->db, r->arena, u->id, &qs);
    bool bad = false;
    const char *s;
    if ((s = api_str(r, b, "purpose", &bad))) qs.purpose = s;
    if ((s = api_str(r, b, "feedback_when", &bad))) qs.feedback_when = s;
    if ((s = api_str(r, b, "grade_policy", &bad))) qs.grade_policy = s;
    if (bad) return;
    if (!api_int(r, b, "attempts_allowed", 0, qs.attempts_allowed, &qs.attempts_allowed)
        || !api_int(r, b, "time_limit_s", 0, qs.time_limit_s, &qs.time_limit_s)
        || !api_int(r, b, "draw_count", 0, qs.draw_count, &qs.draw_count)
        || !api_int(r, b, "pass_mark", 0, qs.pass_mark, &qs.pass_mark)
        || !time_member(r, b, "opens_at", &qs.opens_at) || !time_member(r, b, "closes_at", &qs.closes_at))
        return;
    json_t *sh = json_object_get(b, "shuffle");
    if (sh && !json_is_boolean(sh)) {
        api_field_error(r, "shuffle", "\"shuffle\" must be true or false");
        return;
    }
    if (sh) qs.shuffle = json_is_true(sh);
    json_t *dp = json_object_get(b, "draw_per_pool");
    if (dp && !json_is_boolean(dp)) {
        api_field_error(r, "draw_per_pool", "\"draw_per_pool\" must be true or false");
        return;
    }
    if (dp) qs.draw_per_pool = json_is_true(dp);
    const char *msg, *field = quiz_settings_check(&qs, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    if (quiz_settings_set(r->db, c.org_id, u->id, &qs, time_now_us()) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    quiz_answer_staff(r, 200, u->id);
}

/* POST /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/gift — JSON {"gift": "...", "preview": false}, or
 * the GIFT text itself as the body (text/plain).  All or nothing: a
 * malformed file answers 422 with its line and column, and nothing is
 * imported. */
void api_quiz_gift_post(Req *r)
{
    Course c;
    Unit *u;
    if (!quiz_staff_unit(r, &c, &u)) return;
    const char *ct = req_header(r, "content-type");
    char *mt = ct ? header_media_type(r->arena, ct) : NULL;
    const char *text = r->body ? r->body : "";
    size_t len = r->body_len;
    bool preview = false;
    if (str_eq(mt, "application/json")) {
        json_t *b = req_json_or_400(r);
        if (!b) return;
        json_t *g = json_object_get(b, "gift"), *p = json_object_get(b, "preview");
        if (!json_is_string(g)) {
            api_field_error(r, "gift", "\"gift\" must be the GIFT text");
            return;
        }
        text = json_string_value(g);
        len = json_string_length(g);
        preview = json_is_true(p);
    }
    ItemBank bank;
    GiftError ge = {1, 1, "the GIFT text is empty"};
    int rc = len ? gift_parse(r->arena, text, len, &bank, &ge) : LN_EINVAL;
    if (rc == LN_OK && bank.n > QUIZ_MAX_ITEMS) {
        ge = (GiftError){1, 1, "more than 1000 questions in one quiz"};
        rc = LN_ELIMIT;
    }
    if (rc != LN_OK) {
        const char *m = ge.message ? ge.message : "malformed GIFT";
        api_json(r, 422, json_pack("{s:{s:s, s:s, s:i, s:i}, s:i, s:i, s:s}", "error", "code", "invalid_gift",
                                   "message", m, "line", ge.line, "column", ge.column, "line", ge.line, "column",
                                   ge.column, "message", m));
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < bank.n; i++)
        json_array_append_new(items, json_pack("{s:s, s:s?}", "type", item_type_name(bank.items[i].type), "title",
                                               bank.items[i].title));
    if (preview) {
        api_json(r, 200, json_pack("{s:b, s:i, s:o}", "preview", true, "count", bank.n, "items", items));
        return;
    }
    json_decref(items);
    if (quiz_items_replace(r->db, c.org_id, u->id, &bank, time_now_us()) != LN_OK) {
        api_error(r, 500, "internal", "importing failed on our side");
        return;
    }
    quiz_answer_staff(r, 200, u->id);
}

/* GET /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/gift */
void api_quiz_gift_get(Req *r)
{
    quiz_gift_get(r);
}
