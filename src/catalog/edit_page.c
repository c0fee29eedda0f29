/* edit_page.c — editing what was created elsewhere: a course's details, a
 * session's dates, pacing, enrolment window and capacity, a programme's
 * training-plan facts; pages for trainers and the matching JSON. */
#include "catalog/pages.h"
#include "org/org.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

static const char *field_err(const char *field, const char *want, const char *error)
{
    return str_eq(field, want) ? error : NULL;
}

/* A textarea with its label (form_input is for one-line fields). */
static void form_textarea(Req *r, const char *name, const char *label, const char *value, const char *error)
{
    hprintf(r, "<div class=\"field%s\"><label for=\"f-%s\">%s</label><textarea id=\"f-%s\" name=\"%s\" rows=\"5\">%s</textarea>",
            error ? " has-error" : "", name, label, name, name, value ? value : "");
    if (error) hprintf(r, "<p class=\"field-error\">%s</p>", error);
    html_lit(r, "</div>");
}

/* ---- course ------------------------------------------------------------- */

static void course_form(Req *r, const Course *c, const char *field, const char *error)
{
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Edit"), c->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">← %s</a></p><h1>%s</h1><section class=\"card narrow-form\">",
            (long long)c->id, c->title, T(r, "Edit the course"));
    form_begin(r, arena_printf(r->arena, "/o/%s/courses/%lld/edit", r->org->slug, (long long)c->id));
    form_input(r, "text", "title", T(r, "Title"), c->title, field_err(field, "title", error), "required maxlength=\"200\"");
    form_input(r, "text", "code", T(r, "Code (e.g. SAFETY-101)"), c->code, field_err(field, "code", error), "required");
    form_input(r, "text", "summary", T(r, "Summary"), c->summary, field_err(field, "summary", error), "");
    form_textarea(r, "objectives", T(r, "Objectives"), c->objectives, field_err(field, "objectives", error));
    hprintf(r, "<div class=\"field\"><label for=\"f-lang\">%s</label><select id=\"f-lang\" name=\"lang\">"
               "<option value=\"en\"%s>English</option><option value=\"fr\"%s>Français</option></select></div>",
            T(r, "Language"), str_eq(c->lang, "en") ? " selected" : "", str_eq(c->lang, "fr") ? " selected" : "");
    form_input(r, "number", "estimated_minutes", T(r, "Estimated duration (minutes)"),
               arena_printf(r->arena, "%lld", (long long)c->estimated_minutes),
               field_err(field, "estimated_minutes", error), "min=\"0\"");
    form_submit(r, T(r, "Save"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* GET /o/{org}/courses/{id}/edit */
void course_edit_page(Req *r)
{
    Course c;
    if (org_course_or_404(r, &c)) course_form(r, &c, NULL, NULL);
}

/* POST /o/{org}/courses/{id}/edit */
void course_edit_post(Req *r)
{
    Course c;
    if (!org_course_or_404(r, &c)) return;
    CourseInput in = {.code = req_form(r, "code"), .title = req_form(r, "title"), .summary = req_form(r, "summary"),
                      .objectives = req_form(r, "objectives"), .lang = req_form(r, "lang"), .published = -1};
    const char *msg = "Give a whole number.", *field = NULL;
    if (!form_number(r, "estimated_minutes", -1, &in.estimated_minutes)) field = "estimated_minutes";
    if (!field) field = course_check(&in, false, &msg);
    int rc = field ? LN_EINVAL : course_update(r->db, r->org->id, c.id, &in, time_now_us());
    if (rc == LN_EEXIST) field = "code", msg = "Another course of this organisation has this code.";
    if (field || rc != LN_OK) {
        Course shown = c;      /* what was typed, with the error */
        shown.title = (char *)(in.title ? in.title : c.title);
        shown.code = (char *)(in.code ? in.code : c.code);
        shown.summary = (char *)(in.summary ? in.summary : c.summary);
        shown.objectives = (char *)(in.objectives ? in.objectives : c.objectives);
        r->status = field ? 422 : 500;
        course_form(r, &shown, field ? field : "title",
                    i18n_get(r->lang, field ? msg : "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "Saved."));
    req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)c.id));
}

/* ---- session (run) ------------------------------------------------------- */


static void run_form(Req *r, const RunRef *run, const char *field, const char *error)
{
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Session settings"), run->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">← %s</a></p><h1>%s</h1><section class=\"card narrow-form\">",
            (long long)run->course_id, T(r, "Course"), T(r, "Session settings"));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/edit", r->org->slug, (long long)run->id));
    form_input(r, "text", "title", T(r, "Session title"), run->title, field_err(field, "title", error),
               "required maxlength=\"200\"");
    hprintf(r, "<div class=\"field\"><label for=\"f-pacing\">%s</label><select id=\"f-pacing\" name=\"pacing\">"
               "<option value=\"self\"%s>%s</option><option value=\"instructor\"%s>%s</option></select></div>",
            T(r, "Pacing"), str_eq(run->pacing, "self") ? " selected" : "", T(r, "Self-paced: everything open at once"),
            str_eq(run->pacing, "instructor") ? " selected" : "",
            T(r, "Instructor-paced: sections open on their day after the start"));
    hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Dates and times are in UTC. Leave a field empty for no limit."));
    form_input(r, "datetime-local", "starts_at", T(r, "Starts"), datetime_value(r, run->starts_at),
               field_err(field, "starts_at", error), "");
    form_input(r, "datetime-local", "ends_at", T(r, "Ends"), datetime_value(r, run->ends_at),
               field_err(field, "ends_at", error), "");
    form_input(r, "datetime-local", "enrol_from", T(r, "Enrolment opens"), datetime_value(r, run->enrol_from),
               field_err(field, "enrol_from", error), "");
    form_input(r, "datetime-local", "enrol_until", T(r, "Enrolment closes"), datetime_value(r, run->enrol_until),
               field_err(field, "enrol_until", error), "");
    form_input(r, "number", "capacity", T(r, "Capacity (empty: no limit)"),
               run->capacity ? arena_printf(r->arena, "%lld", (long long)run->capacity) : "",
               field_err(field, "capacity", error), "min=\"1\"");
    PersonList staff;       /* the trainer who follows the session's learners */
    run_trainer_choices(r->db, r->arena, run->org_id, &staff);
    hprintf(r, "<div class=\"field\"><label for=\"f-trainer\">%s</label><select id=\"f-trainer\" name=\"trainer_id\">"
               "<option value=\"\">%s</option>", T(r, "Named trainer"), T(r, "None"));
    for (int i = 0; i < staff.n; i++)
        hprintf(r, "<option value=\"%lld\"%s>%s</option>", (long long)staff.items[i].id,
                staff.items[i].id == run->trainer_id ? " selected" : "", staff.items[i].name);
    html_lit(r, "</select></div>");
    form_submit(r, T(r, "Save"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* GET /o/{org}/runs/{id}/edit */
void run_edit_page(Req *r)
{
    RunRef run;
    if (org_run_or_404(r, &run)) run_form(r, &run, NULL, NULL);
}

/* A form's date: empty clears it; false when it is not a date. */
static bool form_time(Req *r, const char *name, UsTime *out)
{
    const char *v = req_form(r, name);
    if (str_empty(v)) {
        *out = 0;
        return true;
    }
    return time_parse_iso(v, out);
}

/* POST /o/{org}/runs/{id}/edit */
void run_edit_post(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    RunInput in = RUN_INPUT_UNCHANGED;
    in.title = req_form(r, "title");
    in.pacing = req_form(r, "pacing");
    const char *field = NULL, *msg = "Give a date and a time.";
    static const char *const names[] = {"starts_at", "ends_at", "enrol_from", "enrol_until"};
    UsTime *dst[] = {&in.starts_at, &in.ends_at, &in.enrol_from, &in.enrol_until};
    for (int i = 0; i < 4 && !field; i++)
        if (!form_time(r, names[i], dst[i])) field = names[i];
    if (!field && !form_number(r, "capacity", 0, &in.capacity)) field = "capacity", msg = "Give a whole number.";
    if (!field) field = run_input_check(&in, &run, &msg);
    if (field) {
        r->status = 422;
        run_form(r, &run, field, i18n_get(r->lang, msg));
        return;
    }
    /* The named trainer must teach in the organisation: checked before
     * anything is saved. */
    int64_t trainer = 0;
    const char *t = req_form(r, "trainer_id");
    if (!str_empty(t) && (!str_to_i64(t, &trainer) || trainer < 1)) trainer = -2;
    Role role = trainer > 0 ? member_role(r->db, run.org_id, trainer) : ROLE_TRAINER;
    int rc = trainer == -2 || (role != ROLE_TRAINER && role != ROLE_ADMIN) ? LN_EINVAL
           : run_update(r->db, &run, &in, time_now_us());
    if (rc == LN_OK) rc = spoc_settings(r->db, &run, -1, trainer, time_now_us());
    if (rc == LN_EINVAL) {
        r->status = 422;
        run_form(r, &run, "trainer_id", T(r, "Choose a trainer or an administrator of this organisation."));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "Saved."));
    req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)run.course_id));
}

bool run_input_json(Req *r, json_t *b, RunInput *in)
{
    bool bad = false;
    *in = (RunInput)RUN_INPUT_UNCHANGED;
    in->title = api_str(r, b, "title", &bad);
    in->pacing = api_str(r, b, "pacing", &bad);
    if (bad || !api_time_in(r, b, "starts_at", &in->starts_at) || !api_time_in(r, b, "ends_at", &in->ends_at)
        || !api_time_in(r, b, "enrol_from", &in->enrol_from) || !api_time_in(r, b, "enrol_until", &in->enrol_until))
        return false;
    json_t *cap = json_object_get(b, "capacity");
    if (cap && json_is_null(cap)) in->capacity = 0;
    else if (!api_int(r, b, "capacity", 1, -1, &in->capacity)) return false;
    return true;
}

/* ---- programme ------------------------------------------------------------ */

static void programme_form(Req *r, const Programme *p, const char *field, const char *error)
{
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Edit"), p->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/programmes/%lld\">← %s</a></p><h1>%s</h1><section class=\"card narrow-form\">",
            (long long)p->id, p->title, T(r, "Edit the programme"));
    form_begin(r, arena_printf(r->arena, "/o/%s/programmes/%lld/edit", r->org->slug, (long long)p->id));
    form_input(r, "text", "title", T(r, "Title"), p->title, field_err(field, "title", error), "required maxlength=\"200\"");
    form_textarea(r, "objectives", T(r, "Objectives"), p->objectives, field_err(field, "objectives", error));
    form_textarea(r, "prerequisites", T(r, "Prerequisites"), p->prerequisites, field_err(field, "prerequisites", error));
    form_textarea(r, "assistance", T(r, "Assistance offered"), p->assistance, field_err(field, "assistance", error));
    form_input(r, "number", "estimated_minutes", T(r, "Estimated duration (minutes)"),
               arena_printf(r->arena, "%lld", (long long)p->estimated_minutes),
               field_err(field, "estimated_minutes", error), "min=\"0\"");
    form_input(r, "number", "response_hours", T(r, "Response delay (hours)"),
               arena_printf(r->arena, "%lld", (long long)p->response_hours), field_err(field, "response_hours", error),
               "min=\"0\" max=\"720\"");
    form_submit(r, T(r, "Save"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

static bool org_programme_or_404(Req *r, Programme *p)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (programme_load_in(r->db, r->arena, r->org->id, id, p) == LN_OK) return true;
    web_not_found(r);
    return false;
}

/* GET /o/{org}/programmes/{id}/edit */
void programme_edit_page(Req *r)
{
    Programme p;
    if (org_programme_or_404(r, &p)) programme_form(r, &p, NULL, NULL);
}

/* POST /o/{org}/programmes/{id}/edit */
void programme_edit_post(Req *r)
{
    Programme p;
    if (!org_programme_or_404(r, &p)) return;
    ProgrammeInput in = {.title = req_form(r, "title"), .objectives = req_form(r, "objectives"),
                         .prerequisites = req_form(r, "prerequisites"), .assistance = req_form(r, "assistance")};
    const char *field = NULL, *msg = "Give a whole number.";
    if (!form_number(r, "estimated_minutes", -1, &in.estimated_minutes)) field = "estimated_minutes";
    else if (!form_number(r, "response_hours", -1, &in.response_hours)) field = "response_hours";
    Programme shown = p;
    if (in.title) shown.title = (char *)in.title;
    if (!field) {
        ProgrammeInput full = {shown.title, in.objectives, in.assistance, in.prerequisites, 0, 0};
        field = programme_check(&full, &msg);
    }
    if (field) {
        r->status = 422;
        programme_form(r, &shown, field, i18n_get(r->lang, msg));
        return;
    }
    if (programme_update(r->db, &p, &in, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "Saved."));
    req_redirect(r, arena_printf(r->arena, "/programmes/%lld", (long long)p.id));
}

/* PATCH /api/v1/orgs/{org}/programmes/{id} — any of {"title", "objectives",
 * "prerequisites", "assistance", "estimated_minutes", "response_hours"} */
void api_org_programme_patch(Req *r)
{
    int64_t id;
    Programme p;
    json_t *b;
    if (!req_path_id_or_404(r, "id", &id) || !(b = req_json_or_400(r))) return;
    if (programme_load_in(r->db, r->arena, r->org->id, id, &p) != LN_OK) {
        api_error(r, 404, "not_found", "no such programme in this organisation");
        return;
    }
    bool bad = false;
    ProgrammeInput in = {.title = api_str(r, b, "title", &bad), .objectives = api_str(r, b, "objectives", &bad),
                         .prerequisites = api_str(r, b, "prerequisites", &bad),
                         .assistance = api_str(r, b, "assistance", &bad)};
    if (bad || !api_int(r, b, "estimated_minutes", 0, -1, &in.estimated_minutes)
        || !api_int(r, b, "response_hours", 0, -1, &in.response_hours))
        return;
    ProgrammeInput full = {in.title ? in.title : p.title, in.objectives, in.assistance, in.prerequisites,
                           in.estimated_minutes, in.response_hours};
    const char *msg, *field = programme_check(&full, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    if (programme_update(r->db, &p, &in, time_now_us()) != LN_OK || programme_load(r->db, r->arena, id, &p) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    api_json(r, 200, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)p.id, "title", p.title,
                               "objectives", p.objectives, "prerequisites", p.prerequisites, "assistance", p.assistance,
                               "estimated_minutes", (json_int_t)p.estimated_minutes, "response_hours",
                               (json_int_t)p.response_hours));
}
