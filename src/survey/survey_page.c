/* survey_page.c — satisfaction surveys on screen (survey.h): the learner's
 * questionnaire, and for the run's staff its results, opening and closing
 * it, and the CSV.  Reading the results: trainers, administrators and
 * auditors (access_reader); opening and closing: trainers and
 * administrators (route table). */
#include "survey/pages.h"
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "http/access.h"
#include "http/range.h"
#include "mail/mail.h"
#include "web/html.h"
#include "web/i18n.h"

/* The answers of a form: each question's field, named by its code. */
static void answers_of_form(Req *r, SurveyAnswers *a)
{
    int n;
    const SurveyQuestion *q = survey_questions(&n);
    for (int i = 0; i < n; i++) a->values[i] = req_form(r, q[i].code);
}

/* The questionnaire; `in` holds what was sent (NULL: a blank form). */
static void form_render(Req *r, const RunRef *run, const char *course, const SurveyAnswers *in, const char *field,
                        const char *error)
{
    int n;
    const SurveyQuestion *q = survey_questions(&n);
    page_begin(r, T(r, "Your opinion of the course"));
    hprintf(r, "<p class=\"muted\">%s — %s</p><h1>%s</h1>\n<p class=\"lead\">%s</p>\n", course, run->title,
            T(r, "Your opinion of the course"),
            T(r, "Two minutes, seven questions: your answers help us improve the course. The training organisation keeps them as a record of learners' appreciations."));
    if (error && !field) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", error);
    hprintf(r, "<section class=\"card narrow-form\">");
    form_begin(r, arena_printf(r->arena, "/runs/%lld/survey", (long long)run->id));
    for (int i = 0; i < n; i++) {
        const char *v = in ? in->values[i] : NULL;
        bool bad = str_eq(field, q[i].code);
        if (q[i].kind == SQ_TEXT) {
            hprintf(r, "<div class=\"field%s\"><label for=\"sv-%s\">%s <span class=\"muted\">(%s)</span></label>"
                       "<textarea id=\"sv-%s\" name=\"%s\" rows=\"4\" maxlength=\"2000\">%s</textarea>",
                    bad ? " has-error" : "", q[i].code, i18n_get(r->lang, q[i].text), T(r, "optional"), q[i].code,
                    q[i].code, v ? v : "");
            if (bad) hprintf(r, "<p class=\"field-error\">%s</p>", error);
            html_lit(r, "</div>");
            continue;
        }
        hprintf(r, "<fieldset class=\"scale%s\"><legend>%s</legend>", bad ? " has-error" : "", i18n_get(r->lang, q[i].text));
        if (q[i].kind == SQ_RATING) {
            hprintf(r, "<p class=\"hint\">%s</p>", T(r, "1: not at all · 5: completely"));
            for (int k = 1; k <= 5; k++)
                hprintf(r, "<label><input type=\"radio\" name=\"%s\" value=\"%d\"%s required> %d</label>", q[i].code, k,
                        v && v[0] == '0' + k && !v[1] ? " checked" : "", k);
        } else {
            hprintf(r, "<label><input type=\"radio\" name=\"%s\" value=\"yes\"%s required> %s</label>"
                       "<label><input type=\"radio\" name=\"%s\" value=\"no\"%s> %s</label>",
                    q[i].code, str_eq(v, "yes") ? " checked" : "", T(r, "Yes"), q[i].code,
                    str_eq(v, "no") ? " checked" : "", T(r, "No"));
        }
        if (bad) hprintf(r, "<p class=\"field-error\" role=\"alert\">%s</p>", error);
        html_lit(r, "</fieldset>");
    }
    form_submit(r, T(r, "Send my answers"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* The run of the path and its course's title, for a learner; 404 otherwise. */
static bool learner_run(Req *r, RunRef *run, char **course)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    Course c;
    if (run_ref(r->db, r->arena, 0, id, run) == LN_OK && course_load(r->db, r->arena, run->course_id, &c) == LN_OK) {
        *course = c.title;
        return true;
    }
    web_not_found(r);
    return false;
}

/* ROUTE: GET /runs/{id}/survey — the run's questionnaire, for its learners */
void survey_page(Req *r)
{
    RunRef run;
    char *course;
    if (!learner_run(r, &run, &course)) return;
    if (!enrolled(r->db, run.id, r->user->id)) {
        web_not_found(r);
        return;
    }
    bool open, answered = survey_answered(r->db, run.id, r->user->id, &open);
    if (answered || !open) {
        page_begin(r, T(r, "Your opinion of the course"));
        hprintf(r, "<p class=\"muted\">%s — %s</p><h1>%s</h1>\n<p>%s</p>\n<p><a class=\"button\" href=\"/courses/%lld\">%s</a></p>\n",
                course, run.title, T(r, "Your opinion of the course"),
                answered ? T(r, "You have answered this questionnaire already. Thank you!")
                         : T(r, "There is no questionnaire open for you in this course run."),
                (long long)run.course_id, T(r, "Back to the course"));
        page_end(r);
        return;
    }
    form_render(r, &run, course, NULL, NULL, NULL);
}

/* ROUTE: POST /runs/{id}/survey — the answers, named by question code */
void survey_post(Req *r)
{
    RunRef run;
    char *course;
    if (!learner_run(r, &run, &course)) return;
    SurveyAnswers in = {0};
    answers_of_form(r, &in);
    const char *field, *why;
    int rc = survey_respond(r->db, run.id, r->user->id, &in, time_now_us(), &field, &why);
    if (rc == LN_EINVAL) {
        r->status = 422;
        form_render(r, &run, course, &in, field, i18n_get(r->lang, why));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, rc == LN_NOTFOUND ? 404 : rc == LN_EEXIST ? 409 : 500,
                  rc == LN_NOTFOUND ? "not_found" : rc == LN_EEXIST ? "conflict" : "internal", i18n_get(r->lang, why));
        return;
    }
    page_flash(r, T(r, "Thank you: your answers are recorded."));
    req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)run.course_id));
}

/* ---- staff ------------------------------------------------------------------ */

/* "4.3 / 5" in the reader's language */
static const char *avg_text(Req *r, int64_t milli)
{
    if (milli < 0) return "—";
    int64_t tenths = (milli + 50) / 100;
    return arena_printf(r->arena, str_eq(r->lang, "fr") ? "%lld,%lld / 5" : "%lld.%lld / 5", (long long)(tenths / 10),
                        (long long)(tenths % 10));
}

/* Opening it on a date: the date it is set for and a way to cancel it, or
 * the form (the run's end proposed).  `typed` and `error`: a refused form. */
static void schedule_form(Req *r, const RunRef *run, const char *base, const char *typed, const char *error)
{
    UsTime at = survey_scheduled_at(r->db, run->id);
    hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2>\n", T(r, "Or open it on a date"));
    if (at) {
        hprintf(r, "<p data-scheduled>%s %s</p>", T(r, "The survey opens by itself on"), text_moment(r, at));
        form_begin(r, arena_printf(r->arena, "%s/schedule/cancel", base));
        form_submit_as(r, T(r, "Cancel"), "secondary");
        form_end(r);
    } else {
        hprintf(r, "<p class=\"hint\">%s</p>",
                T(r, "For instance at the end of the course run: the learners are invited then, and reminded three days later. Times are UTC."));
        form_begin(r, arena_printf(r->arena, "%s/schedule", base));
        UsTime proposed = run->ends_at > time_now_us() ? run->ends_at : 0;
        form_input(r, "datetime-local", "open_at", T(r, "Open on"), typed ? typed : datetime_value(r, proposed), error,
                   "required");
        form_submit_as(r, T(r, "Schedule"), "secondary");
        form_end(r);
    }
    html_lit(r, "</section>\n");
}

/* ROUTE: GET /o/{org}/runs/{id}/survey — the results; opening and closing for trainers and administrators */
void survey_results_page(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    Survey s;
    int rc = survey_load(r->db, r->arena, r->org->id, run.id, &s);
    bool staff = access_role_at_least(r, ROLE_TRAINER);
    const char *base = arena_printf(r->arena, "/o/%s/runs/%lld/survey", r->org->slug, (long long)run.id);
    page_begin(r, T(r, "Satisfaction survey"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/progress\">%s</a></p><h1>%s</h1>\n", r->org->slug,
            (long long)run.id, run.title, T(r, "Satisfaction survey"));
    if (rc != LN_OK) {
        hprintf(r, "<p class=\"lead\">%s</p>\n",
                T(r, "Ask the learners of this course run what they thought of it: seven questions (ratings, a recommendation, a comment). Opening the survey invites every learner by e-mail; who has not answered is reminded once, three days later. The answers are kept as evidence of learners' appreciations."));
        if (staff) {
            form_begin(r, base);
            form_submit(r, T(r, "Open the survey"));
            form_end(r);
            schedule_form(r, &run, base, NULL, NULL);
        }
        page_end(r);
        return;
    }
    SurveyResults res;
    if (survey_results(r->db, r->arena, &s, &res) != LN_OK) {
        web_error(r, 500, "internal", T(r, "The results cannot be read now."));
        return;
    }
    int pct = res.learners ? (int)(res.responses * 100 / res.learners) : 0;
    hprintf(r, "<p class=\"lead\" data-status=\"%s\">%s · %s %s · %lld / %lld %s (%d %%)</p>\n",
            s.closed_at ? "closed" : "open", s.closed_at ? T(r, "Closed") : T(r, "Open"), T(r, "opened on"),
            text_moment(r, s.opened_at), (long long)res.responses, (long long)res.learners, T(r, "learners answered"), pct);
    hprintf(r, "<p class=\"actions\"><a class=\"button secondary\" href=\"%s.csv\" download>%s</a></p>\n", base,
            T(r, "Download (CSV)"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data stack\"><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">1</th><th scope=\"col\">2</th>"
               "<th scope=\"col\">3</th><th scope=\"col\">4</th><th scope=\"col\">5</th></tr></thead><tbody>\n",
            T(r, "Question"), T(r, "Answers"), T(r, "Average"));
    for (int i = 0; i < res.nstats; i++) {
        const SurveyStat *x = &res.stats[i];
        if (x->q->kind == SQ_TEXT) continue;
        hprintf(r, "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\">%lld</td>", T(r, "Question"),
                i18n_get(r->lang, x->q->text), T(r, "Answers"), (long long)x->answers);
        if (x->q->kind == SQ_RATING) {
            hprintf(r, "<td data-label=\"%s\">%s</td>", T(r, "Average"), avg_text(r, x->avg_milli));
            for (int v = 1; v <= 5; v++) hprintf(r, "<td data-label=\"%d\">%lld</td>", v, (long long)x->dist[v]);
        } else
            hprintf(r, "<td data-label=\"%s\" colspan=\"6\">%s %lld · %s %lld</td>", T(r, "Average"), T(r, "Yes"),
                    (long long)x->dist[1], T(r, "No"), (long long)x->dist[0]);
        html_lit(r, "</tr>\n");
    }
    html_lit(r, "</tbody></table></div>\n");
    hprintf(r, "<h2>%s</h2>\n", T(r, "Comments"));
    if (!res.ncomments) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "None."));
    else {
        html_lit(r, "<ul class=\"plain comments\">");
        for (int i = 0; i < res.ncomments; i++)
            hprintf(r, "<li><blockquote class=\"lines\">%s</blockquote><p class=\"muted\">%s</p></li>", res.comments[i].text,
                    text_moment(r, res.comments[i].at));
        html_lit(r, "</ul>\n");
    }
    if (staff) {
        form_begin(r, arena_printf(r->arena, "%s/%s", base, s.closed_at ? "reopen" : "close"));
        form_submit_as(r, s.closed_at ? T(r, "Open the survey again") : T(r, "Close the survey"), "secondary");
        form_end(r);
    }
    page_end(r);
}

/* ROUTE: POST /o/{org}/runs/{id}/survey — open it, inviting the learners (trainers, administrators) */
void survey_open_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    int rc = survey_open(r->db, r->org->id, run.id, r->user->id, mail_base_url(r), time_now_us());
    if (rc != LN_OK && rc != LN_EEXIST) {
        web_error(r, 500, "internal", T(r, "The survey cannot be opened now."));
        return;
    }
    page_flash(r, T(r, "The survey is open."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/survey", r->org->slug, (long long)run.id));
}

/* ROUTE: POST /o/{org}/runs/{id}/survey/close and .../reopen (trainers, administrators) */
void survey_close_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    survey_close(r->db, r->org->id, run.id, time_now_us());
    page_flash(r, T(r, "The survey is closed."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/survey", r->org->slug, (long long)run.id));
}

/* ROUTE: POST /o/{org}/runs/{id}/survey/schedule — open_at (trainers, administrators) */
void survey_schedule_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    const char *typed = req_form(r, "open_at"), *why = "Choose a date and time to come.";
    UsTime at = 0;
    int rc = time_parse_iso(typed, &at) ? survey_schedule(r->db, r->org->id, run.id, r->user->id, at, time_now_us(), &why)
                                        : LN_EINVAL;
    const char *base = arena_printf(r->arena, "/o/%s/runs/%lld/survey", r->org->slug, (long long)run.id);
    if (rc == LN_EINVAL) {
        r->status = 422;
        page_begin(r, T(r, "Satisfaction survey"));
        hprintf(r, "<p class=\"muted\"><a href=\"%s\">%s</a></p><h1>%s</h1>\n", base, run.title, T(r, "Satisfaction survey"));
        schedule_form(r, &run, base, typed, i18n_get(r->lang, why));
        page_end(r);
        return;
    }
    if (rc != LN_OK) {
        web_error(r, rc == LN_EEXIST ? 409 : 500, rc == LN_EEXIST ? "conflict" : "internal",
                  rc == LN_EEXIST ? i18n_get(r->lang, why) : T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "The survey will open by itself on the date chosen."));
    req_redirect(r, base);
}

/* ROUTE: POST /o/{org}/runs/{id}/survey/schedule/cancel (trainers, administrators) */
void survey_unschedule_post(Req *r)
{
    RunRef run;
    if (!reader_run_of_path(r, &run)) return;
    survey_unschedule(r->db, r->org->id, run.id);
    page_flash(r, T(r, "The survey will not open by itself."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/survey", r->org->slug, (long long)run.id));
}

/* ROUTE: GET /o/{org}/runs/{id}/survey.csv */
void survey_csv_get(Req *r)
{
    RunRef run;
    Survey s;
    if (!reader_run_of_path(r, &run)) return;
    if (survey_load(r->db, r->arena, r->org->id, run.id, &s) != LN_OK) {
        web_not_found(r);
        return;
    }
    Buf b;
    buf_init(&b, 0);
    if (survey_csv(r->db, r->arena, &s, &b) != LN_OK) {
        buf_free(&b);
        web_error(r, 500, "internal", T(r, "The results cannot be read now."));
        return;
    }
    req_send_download(r, &b, "text/csv; charset=utf-8", arena_printf(r->arena, "survey-run-%lld.csv", (long long)run.id));
    buf_free(&b);
}

/* ROUTE: GET /o/{org}/surveys — every survey of the organisation (trainers, administrators, auditors) */
void survey_org_page(Req *r)
{
    SurveySummaryList l;
    if (!access_reader(r)) {
        web_forbidden(r);
        return;
    }
    if (survey_org_list(r->db, r->arena, r->org->id, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "The results cannot be read now."));
        return;
    }
    page_begin(r, T(r, "Satisfaction surveys"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s\">%s</a></p><h1>%s</h1>\n<p class=\"lead\">%s</p>\n", r->org->slug,
            r->org->name, T(r, "Satisfaction surveys"),
            T(r, "The learners' appreciations of every course run: how many answered, their overall satisfaction and whether they would recommend the course. A run's trainers open its survey from the run's Progress page."));
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No survey yet."));
    else {
        hprintf(r, "<div class=\"table-wrap\"><table class=\"data stack\"><thead><tr><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "</tr></thead><tbody>\n",
                T(r, "Course run"), T(r, "Opened"), T(r, "Answered"), T(r, "Overall satisfaction"), T(r, "Would recommend"));
        for (int i = 0; i < l.n; i++) {
            const SurveySummary *x = &l.items[i];
            hprintf(r, "<tr><td data-label=\"%s\"><a href=\"/o/%s/runs/%lld/survey\">%s — %s</a>%s</td>"
                       "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%lld / %lld</td>"
                       "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>\n",
                    T(r, "Course run"), r->org->slug, (long long)x->run_id, x->course_title, x->run_title,
                    x->closed_at ? T(r, " (closed)") : "", T(r, "Opened"), text_moment(r, x->opened_at), T(r, "Answered"),
                    (long long)x->responses, (long long)x->learners, T(r, "Overall satisfaction"),
                    avg_text(r, x->overall_n ? (x->overall_sum * 1000 + x->overall_n / 2) / x->overall_n : -1),
                    T(r, "Would recommend"),
                    x->recommend_n ? text_percent(r, (x->recommend_yes * 1000 + x->recommend_n / 2) / x->recommend_n) : "—");
        }
        html_lit(r, "</tbody></table></div>\n");
    }
    page_end(r);
}
