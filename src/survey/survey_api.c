/* survey_api.c — satisfaction surveys as JSON (survey.h); the same rules
 * and access as the pages (survey_page.c). */
#include "survey/pages.h"
#include "http/access.h"
#include "catalog/pages.h"
#include "mail/mail.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

static json_t *questions_json(Req *r)
{
    int n;
    const SurveyQuestion *q = survey_questions(&n);
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "code", q[i].code, "kind",
                                           q[i].kind == SQ_RATING ? "rating" : q[i].kind == SQ_YESNO ? "yesno" : "text",
                                           "text", i18n_get(r->lang, q[i].text), "required", q[i].required));
    return a;
}

/* ROUTE: GET /api/v1/runs/{id}/survey — {open, answered, questions} for the run's learner */
void api_survey_get(Req *r)
{
    RunRef run;
    if (!learner_run_of_path(r, &run)) return;
    bool open, answered = survey_answered(r->db, run.id, r->user->id, &open);
    api_json(r, 200, json_pack("{s:I,s:b,s:b,s:o}", "run_id", (json_int_t)run.id, "open", open, "answered", answered,
                               "questions", questions_json(r)));
}

/* ROUTE: POST /api/v1/runs/{id}/survey/responses — {"answers": {"overall": 4, "recommend": "yes", "improve": "..."}} */
void api_survey_responses_post(Req *r)
{
    RunRef run;
    if (!learner_run_of_path(r, &run)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    json_t *ans = json_object_get(b, "answers");
    if (!json_is_object(ans)) {
        api_field_error(r, "answers", "answers is an object: question code → answer");
        return;
    }
    int n;
    const SurveyQuestion *q = survey_questions(&n);
    SurveyAnswers in = {0};
    for (int i = 0; i < n; i++) {
        json_t *v = json_object_get(ans, q[i].code);
        if (json_is_string(v)) in.values[i] = json_string_value(v);
        else if (json_is_integer(v)) in.values[i] = arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
        else if (json_is_boolean(v)) in.values[i] = json_is_true(v) ? "yes" : "no";
        else if (v && !json_is_null(v)) in.values[i] = "?";      /* refused below, naming the question */
    }
    const char *field, *why;
    UsTime now = time_now_us();
    int rc = survey_respond(r->db, run.id, r->user->id, &in, now, &field, &why);
    if (rc == LN_EINVAL) api_field_error(r, field, why);
    else if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", why);
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK) api_error(r, 500, "internal", why);
    else api_json(r, 201, json_pack("{s:I,s:o}", "run_id", (json_int_t)run.id, "submitted_at", api_time(r->arena, now)));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/survey — the results (trainers, administrators, auditors) */
void api_survey_results_get(Req *r)
{
    RunRef run;
    Survey s;
    SurveyResults res;
    if (!reader_run_of_path(r, &run)) return;
    if (survey_load(r->db, r->arena, r->org->id, run.id, &s) != LN_OK) {
        api_error(r, 404, "not_found", "this course run has no survey");
        return;
    }
    if (survey_results(r->db, r->arena, &s, &res) != LN_OK) {
        api_error(r, 500, "internal", "the results cannot be read now");
        return;
    }
    json_t *qs = json_array(), *comments = json_array();
    for (int i = 0; i < res.nstats; i++) {
        const SurveyStat *x = &res.stats[i];
        if (x->q->kind == SQ_TEXT) continue;
        json_t *o = json_pack("{s:s,s:I}", "code", x->q->code, "answers", (json_int_t)x->answers);
        if (x->q->kind == SQ_RATING) {
            json_object_set_new(o, "average_milli", x->avg_milli >= 0 ? json_integer(x->avg_milli) : json_null());
            json_object_set_new(o, "counts", json_pack("[I,I,I,I,I]", (json_int_t)x->dist[1], (json_int_t)x->dist[2],
                                                       (json_int_t)x->dist[3], (json_int_t)x->dist[4], (json_int_t)x->dist[5]));
        } else {
            json_object_set_new(o, "yes", json_integer(x->dist[1]));
            json_object_set_new(o, "no", json_integer(x->dist[0]));
        }
        json_array_append_new(qs, o);
    }
    for (int i = 0; i < res.ncomments; i++)
        json_array_append_new(comments, json_pack("{s:s,s:s,s:o}", "question", res.comments[i].question, "text",
                                                  res.comments[i].text, "at", api_time(r->arena, res.comments[i].at)));
    api_json(r, 200, json_pack("{s:I,s:b,s:o,s:o,s:I,s:I,s:o,s:o}", "run_id", (json_int_t)run.id, "open", !s.closed_at,
                               "opened_at", api_time(r->arena, s.opened_at), "closed_at", api_time(r->arena, s.closed_at),
                               "learners", (json_int_t)res.learners, "responses", (json_int_t)res.responses,
                               "questions", qs, "comments", comments));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/survey — open it (trainers, administrators) */
void api_survey_open_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    int rc = survey_open(r->db, r->org->id, run.id, r->user->id, mail_base_url(r), time_now_us());
    if (rc == LN_EEXIST) api_error(r, 409, "conflict", "the survey is open already");
    else if (rc != LN_OK) api_error(r, 500, "internal", "the survey cannot be opened now");
    else api_json(r, 201, json_pack("{s:I,s:b}", "run_id", (json_int_t)run.id, "open", 1));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/survey/close (trainers, administrators) */
void api_survey_close_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    if (survey_close(r->db, r->org->id, run.id, time_now_us()) != LN_OK)
        api_error(r, 404, "not_found", "this course run has no open survey");
    else api_json(r, 200, json_pack("{s:I,s:b}", "run_id", (json_int_t)run.id, "open", 0));
}

/* ROUTE: GET /api/v1/orgs/{org}/surveys — every survey of the organisation (trainers, administrators, auditors) */
void api_survey_org_get(Req *r)
{
    SurveySummaryList l;
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    if (survey_org_list(r->db, r->arena, r->org->id, &l) != LN_OK) {
        api_error(r, 500, "internal", "the surveys cannot be listed now");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        const SurveySummary *x = &l.items[i];
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "run_id",
            (json_int_t)x->run_id, "course", x->course_title, "run", x->run_title, "opened_at",
            api_time(r->arena, x->opened_at), "closed_at", api_time(r->arena, x->closed_at), "learners",
            (json_int_t)x->learners, "responses", (json_int_t)x->responses, "overall_sum", (json_int_t)x->overall_sum,
            "overall_answers", (json_int_t)x->overall_n, "recommend_yes", (json_int_t)x->recommend_yes,
            "recommend_answers", (json_int_t)x->recommend_n));
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/survey/schedule — {"open_at"}, 404 when none (trainers, administrators, auditors) */
void api_survey_schedule_get(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    UsTime at = survey_scheduled_at(r->db, run.id);
    if (!at) api_error(r, 404, "not_found", "this course run's survey is not scheduled");
    else api_json(r, 200, json_pack("{s:I,s:o}", "run_id", (json_int_t)run.id, "open_at", api_time(r->arena, at)));
}

/* ROUTE: PUT /api/v1/orgs/{org}/runs/{id}/survey/schedule — {"open_at": "2026-12-18T17:00:00Z"} (trainers, administrators) */
void api_survey_schedule_put(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    json_t *b = req_json_or_400(r);
    UsTime at = -1;
    const char *why;
    if (!b || !api_time_in(r, b, "open_at", &at)) return;
    int rc = at > 0 ? survey_schedule(r->db, r->org->id, run.id, r->user->id, at, time_now_us(), &why) : LN_EINVAL;
    if (rc == LN_EINVAL) api_field_error(r, "open_at", "open_at is a date-time to come");
    else if (rc == LN_EEXIST) api_error(r, 409, "conflict", why);
    else if (rc != LN_OK) api_error(r, 500, "internal", "the survey cannot be scheduled now");
    else api_json(r, 200, json_pack("{s:I,s:o}", "run_id", (json_int_t)run.id, "open_at", api_time(r->arena, at)));
}

/* ROUTE: DELETE /api/v1/orgs/{org}/runs/{id}/survey/schedule (trainers, administrators) */
void api_survey_schedule_delete(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    if (survey_unschedule(r->db, r->org->id, run.id) != LN_OK) {
        api_error(r, 404, "not_found", "this course run's survey is not scheduled");
        return;
    }
    r->status = 204;
}
