/* catalog_page.c — the public catalog, the course page, and the course list
 * of an organisation's trainers. */
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "certificate/certificate.h"
#include "survey/survey.h"
#include "content/content.h"
#include "account/account.h"
#include "http/access.h"
#include "org/org.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

static const char *mode_label(Req *r, const char *visibility)
{
    if (str_eq(visibility, "mooc")) return T(r, "Open to all (MOOC)");
    if (str_eq(visibility, "spoc")) return T(r, "Private cohort (SPOC)");
    return T(r, "Staff of the organisation");
}

static void duration(Req *r, int64_t minutes)
{
    if (minutes <= 0) return;
    if (minutes < 60) hprintf(r, "%lld min", (long long)minutes);
    else hprintf(r, "%lld h %02lld", (long long)(minutes / 60), (long long)(minutes % 60));
}

bool course_staff(Req *r, int64_t org_id)
{
    Role role = access_role_in(r, org_id);
    return role == ROLE_TRAINER || role == ROLE_ADMIN;
}

bool course_for_caller(Req *r, int64_t id, Course *c, RunList *runs, bool *staff)
{
    if (course_load(r->db, r->arena, id, c) != LN_OK) return false;
    *staff = course_staff(r, c->org_id);
    if (run_list(r->db, r->arena, c, r->user ? r->user->id : 0, *staff, runs) != LN_OK) return false;
    /* The rule of course_visible, read off the sessions already loaded. */
    return *staff || (c->published && runs->n > 0);
}

static void course_card(Req *r, const Course *c)
{
    hprintf(r, "<article class=\"card course\"><h2><a href=\"/courses/%lld\">%s</a></h2><p class=\"muted\">%s · ",
            (long long)c->id, c->title, c->org_name);
    duration(r, c->estimated_minutes);
    hprintf(r, "</p><p>%s</p></article>\n", c->summary);
}

/* ROUTE: GET /courses?q=&lang=&mode=&org=&max_minutes=&page= — the public catalog. */
void catalog_page(Req *r)
{
    int64_t page = 1;
    if (!req_query(r, "page") || !str_to_i64(req_query(r, "page"), &page) || page < 1 || page > 10000) page = 1;
    CatalogQuery cq;
    const char *bad = NULL;
    if (!catalog_query_parse(r, &cq, &bad)) {
        web_error(r, 400, "bad_request", T(r, "One of the filters is not valid."));
        return;
    }
    const char *q = cq.q;
    cq.offset = (int)(page - 1) * CATALOG_PAGE;
    CourseList cl;
    catalog_search(r->db, r->arena, r->user ? r->user->id : 0, &cq, &cl);
    page_begin(r, T(r, "Catalog"));
    hprintf(r, "<h1>%s</h1>\n<form method=\"get\" class=\"search\" role=\"search\"><label class=\"sr-only\" for=\"q\">%s</label>"
               "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" placeholder=\"%s\">",
            T(r, "Catalog"), T(r, "Search courses"), q ? q : "", T(r, "Title, subject or code"));
    hprintf(r, "<label class=\"sr-only\" for=\"f-lang\">%s</label><select id=\"f-lang\" name=\"lang\">"
               "<option value=\"\">%s</option><option value=\"en\"%s>English</option><option value=\"fr\"%s>Français</option></select>",
            T(r, "Language"), T(r, "All languages"), str_eq(cq.lang, "en") ? " selected" : "", str_eq(cq.lang, "fr") ? " selected" : "");
    hprintf(r, "<label class=\"sr-only\" for=\"f-mode\">%s</label><select id=\"f-mode\" name=\"mode\">"
               "<option value=\"\">%s</option><option value=\"mooc\"%s>%s</option><option value=\"corporate\"%s>%s</option></select>",
            T(r, "Mode"), T(r, "All modes"), str_eq(cq.mode, "mooc") ? " selected" : "", T(r, "Open to all (MOOC)"),
            str_eq(cq.mode, "corporate") ? " selected" : "", T(r, "Staff of the organisation"));
    hprintf(r, "<label class=\"sr-only\" for=\"f-max\">%s</label><select id=\"f-max\" name=\"max_minutes\">"
               "<option value=\"\">%s</option><option value=\"60\"%s>≤ 1 h</option><option value=\"240\"%s>≤ 4 h</option>"
               "<option value=\"1200\"%s>≤ 20 h</option></select>",
            T(r, "Duration"), T(r, "Any duration"), cq.max_minutes == 60 ? " selected" : "",
            cq.max_minutes == 240 ? " selected" : "", cq.max_minutes == 1200 ? " selected" : "");
    if (cq.org) hprintf(r, "<input type=\"hidden\" name=\"org\" value=\"%s\">", cq.org);
    hprintf(r, "<button class=\"button secondary\" type=\"submit\">%s</button></form>\n", T(r, "Search"));
    if (cl.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No course matches."));
    html_lit(r, "<div class=\"grid\">\n");
    for (int i = 0; i < cl.n; i++) course_card(r, &cl.items[i]);
    html_lit(r, "</div>\n");
    if (cl.n == CATALOG_PAGE)
        hprintf(r, "<nav class=\"pager\"><a href=\"/courses?q=%s&amp;lang=%s&amp;mode=%s&amp;org=%s&amp;max_minutes=%lld&amp;page=%lld\">%s</a></nav>\n",
                url_encode(r->arena, q ? q : ""), cq.lang ? cq.lang : "", cq.mode ? cq.mode : "",
                url_encode(r->arena, cq.org ? cq.org : ""), (long long)cq.max_minutes, (long long)page + 1, T(r, "Next"));
    page_end(r);
}

/* The one next action for a session: enrol, or the state of enrolment. */
static void enrol_action(Req *r, const Course *c, const CourseRun *run)
{
    if (str_eq(run->visibility, "spoc") && !(r->user && enrolled(r->db, run->id, r->user->id))) return;
    if (!r->user) {
        hprintf(r, " <a class=\"button small\" href=\"/signin?next=/courses/%lld\">%s</a>", (long long)c->id,
                T(r, "Sign in to enrol"));
        return;
    }
    bool in = enrolled(r->db, run->id, r->user->id);
    form_begin(r, arena_printf(r->arena, "/runs/%lld/%s", (long long)run->id, in ? "withdraw" : "enrol"));
    Certificate cert;
    if (in) hprintf(r, "<a class=\"button small\" href=\"/runs/%lld/learn\">%s</a> ", (long long)run->id,
                    T(r, "Go to the course"));
    bool survey_open;
    if (in && !survey_answered(r->db, run->id, r->user->id, &survey_open) && survey_open)
        hprintf(r, "<a class=\"button small\" href=\"/runs/%lld/survey\">%s</a> ", (long long)run->id,
                T(r, "Give your opinion"));
    if (in && cert_current(r->db, r->arena, run->id, r->user->id, &cert) == LN_OK)
        hprintf(r, "<a class=\"button small secondary\" href=\"/o/%s/certificates/%s\">%s</a> ", cert.org_slug,
                cert.public_id, T(r, "Your certificate"));
    if (in) hprintf(r, "<button type=\"submit\" class=\"button small secondary\" data-confirm=\"%s\">%s</button>",
                    T(r, "Leave this session?"), T(r, "Leave"));
    else hprintf(r, "<button type=\"submit\" class=\"button small\">%s</button>", T(r, "Enrol"));
    form_end(r);
}

/* ROUTE: GET /courses/{id} — a course: summary, objectives, duration, runs. */
/* The outline, titles and durations only: what a visitor needs to decide. */
static void syllabus(Req *r, const Course *c, bool staff)
{
    Outline o;
    if (outline_load(r->db, r->arena, c->id, &o) != LN_OK || (o.n == 0 && !staff)) return;
    hprintf(r, "<section class=\"card\"><div class=\"spread\"><h2>%s</h2>", T(r, "Syllabus"));
    if (staff) hprintf(r, "<span><a class=\"button small secondary\" href=\"/o/%s/courses/%lld/edit\">%s</a> "
                          "<a class=\"button small secondary\" href=\"/o/%s/courses/%lld/outline\">%s</a></span>",
                       c->org_slug, (long long)c->id, T(r, "Edit the course"), c->org_slug, (long long)c->id,
                       T(r, "Edit the outline"));
    html_lit(r, "</div><ol class=\"syllabus\">");
    for (int i = 0; i < o.n; i++) {
        const Section *s = &o.sections[i];
        hprintf(r, "<li><strong>%s</strong><ul class=\"plain\">", s->title);
        for (int j = 0; j < s->n; j++) {
            const UnitKind *k = unit_kind(s->units[j].kind);
            hprintf(r, "<li>%s <span class=\"muted\">· %s", s->units[j].title, k ? i18n_get(r->lang, k->label) : "");
            if (s->units[j].minutes) hprintf(r, " · %lld min", (long long)s->units[j].minutes);
            html_lit(r, "</span></li>");
        }
        html_lit(r, "</ul></li>");
    }
    html_lit(r, "</ol></section>\n");
}

void course_page(Req *r)
{
    int64_t id;
    Course c;
    RunList rl;
    bool staff;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (!course_for_caller(r, id, &c, &rl, &staff)) {
        web_not_found(r);
        return;
    }
    page_begin_meta(r, c.title, c.summary, arena_printf(r->arena, "/courses/%lld", (long long)c.id));
    hprintf(r, "<section class=\"hero\"><p class=\"muted\"><a href=\"/o/%s\">%s</a> · <code>%s</code></p><h1>%s</h1>"
               "<p class=\"lead\">%s</p><p class=\"muted\">", c.org_slug, c.org_name, c.code, c.title, c.summary);
    duration(r, c.estimated_minutes);
    html_lit(r, "</p></section>\n");
    if (!c.published) hprintf(r, "<p class=\"notice\">%s</p>\n", T(r, "Draft: only the organisation's trainers see this course."));
    if (c.objectives[0]) hprintf(r, "<section class=\"card\"><h2>%s</h2><p class=\"prose lines\">%s</p></section>\n",
                                 T(r, "Objectives"), c.objectives);
    syllabus(r, &c, staff);
    hprintf(r, "<section class=\"card\"><h2>%s</h2>\n", T(r, "Sessions"));
    if (rl.n == 0) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No session is open yet."));
    html_lit(r, "<ul class=\"plain\">\n");
    for (int i = 0; i < rl.n; i++) {
        hprintf(r, "<li><strong>%s</strong> <span class=\"muted\">%s", rl.items[i].title, mode_label(r, rl.items[i].visibility));
        if (rl.items[i].starts_at) {
            html_lit(r, " · ");
            html_date(r, rl.items[i].starts_at);
        }
        if (rl.items[i].ends_at) {
            html_lit(r, " → ");
            html_date(r, rl.items[i].ends_at);
        }
        html_lit(r, "</span>");
        enrol_action(r, &c, &rl.items[i]);
        if (rl.items[i].trainer_name)
            hprintf(r, "<span class=\"trainer\">%s %s</span>",
                    !staff && r->user && enrolled(r->db, rl.items[i].id, r->user->id) ? T(r, "Your trainer:")
                                                                                   : T(r, "Trainer:"),
                    rl.items[i].trainer_name);
        if (staff)
            hprintf(r, "<div class=\"card-actions\"><a class=\"button small secondary\" href=\"/o/%s/runs/%lld/edit\">%s</a>"
                       " <a class=\"button small secondary\" href=\"/o/%s/runs/%lld/progress\">%s</a>"
                       " <a class=\"button small secondary\" href=\"/o/%s/runs/%lld/sessions\">%s</a>"
                       " <a class=\"button small secondary\" href=\"/runs/%lld/learn\">%s</a>"
                       " <a class=\"button small secondary\" href=\"/o/%s/runs/%lld/enrol-csv\">%s</a></div>",
                    c.org_slug, (long long)rl.items[i].id, T(r, "Settings"), c.org_slug, (long long)rl.items[i].id,
                    T(r, "Progress"), c.org_slug, (long long)rl.items[i].id, T(r, "Live sessions"),
                    (long long)rl.items[i].id, T(r, "Preview"), c.org_slug, (long long)rl.items[i].id,
                    T(r, "Enrol from CSV"));
        if (staff && str_eq(rl.items[i].visibility, "spoc")) spoc_staff_panel(r, &c, &rl.items[i]);
        html_lit(r, "</li>\n");
    }
    html_lit(r, "</ul></section>\n");
    page_end(r);
}

/* ---- the organisation's course list (trainers, admins) ---- */

static void courses_render(Req *r, const char *field, const char *error)
{
    CourseList cl;
    course_list_org(r->db, r->arena, r->org->id, &cl);
    page_begin(r, T(r, "Courses"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<div class=\"layout-2\"><section>\n", T(r, "Courses"), r->org->name);
    if (cl.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No course yet."));
    for (int i = 0; i < cl.n; i++) {
        Course *c = &cl.items[i];
        hprintf(r, "<article class=\"card\"><h2><a href=\"/courses/%lld\">%s</a></h2><p class=\"muted\"><code>%s</code> · %s"
                   " · <a href=\"/o/%s/courses/%lld/outline\">%s</a></p>",
                (long long)c->id, c->title, c->code, c->published ? T(r, "published") : T(r, "draft"), r->org->slug,
                (long long)c->id, T(r, "Edit the outline"));
        html_lit(r, "<div class=\"card-actions\">");
        form_begin(r, arena_printf(r->arena, "/o/%s/courses/%lld/publish", r->org->slug, (long long)c->id));
        hprintf(r, "<input type=\"hidden\" name=\"published\" value=\"%s\">"
                   "<button type=\"submit\" class=\"button small secondary\">%s</button>",
                c->published ? "0" : "1", c->published ? T(r, "Unpublish") : T(r, "Publish"));
        form_end(r);
        form_begin(r, arena_printf(r->arena, "/o/%s/courses/%lld/export", r->org->slug, (long long)c->id));
        hprintf(r, "<button type=\"submit\" class=\"button small secondary\">%s</button>", T(r, "Export as files (.tar.gz)"));
        form_end(r);
        html_lit(r, "</div>");
        form_begin(r, arena_printf(r->arena, "/o/%s/courses/%lld/runs", r->org->slug, (long long)c->id));
        hprintf(r, "<div class=\"inline\"><label class=\"sr-only\" for=\"run-%lld\">%s</label>"
                   "<input id=\"run-%lld\" name=\"title\" required placeholder=\"%s\">"
                   "<label class=\"sr-only\" for=\"mode-%lld\">%s</label><select id=\"mode-%lld\" name=\"visibility\">"
                   "<option value=\"mooc\">MOOC</option><option value=\"spoc\">SPOC</option>"
                   "<option value=\"corporate\">%s</option></select>"
                   "<button type=\"submit\" class=\"button small\">%s</button></div>",
                (long long)c->id, T(r, "Session title"), (long long)c->id, T(r, "New session, e.g. Spring 2027"),
                (long long)c->id, T(r, "Mode"), (long long)c->id, T(r, "Corporate"), T(r, "Add a session"));
        form_end(r);
        html_lit(r, "</article>\n");
    }
    hprintf(r, "</section>\n<aside><section class=\"card\"><h2>%s</h2>\n", T(r, "New course"));
    form_begin(r, arena_printf(r->arena, "/o/%s/courses", r->org->slug));
    form_input(r, "text", "title", T(r, "Title"), req_form(r, "title"), str_eq(field, "title") ? error : NULL, "required");
    form_input(r, "text", "code", T(r, "Code (e.g. SAFETY-101)"), req_form(r, "code"), str_eq(field, "code") ? error : NULL, "required");
    form_input(r, "text", "summary", T(r, "Summary"), req_form(r, "summary"), str_eq(field, "summary") ? error : NULL, "");
    form_input(r, "number", "estimated_minutes", T(r, "Estimated duration (minutes)"), req_form(r, "estimated_minutes"),
               str_eq(field, "estimated_minutes") ? error : NULL, "min=\"0\"");
    form_submit(r, T(r, "Create the course"));
    form_end(r);
    hprintf(r, "</section>\n<section class=\"card\"><h2>%s</h2><p class=\"muted\">%s</p>\n", T(r, "Import a course"),
            T(r, "A .tar.gz exported from Lectern (here or on another site). It becomes a new course of this organisation."));
    form_begin_upload(r, arena_printf(r->arena, "/o/%s/courses/import", r->org->slug));
    form_input(r, "file", "file", T(r, "Course package (.tar.gz)"), NULL, NULL, "required accept=\".tar.gz,.tgz,application/gzip\"");
    /* not form_input: the new-course form above has its own f-code */
    hprintf(r, "<div class=\"field\"><label for=\"f-import-code\">%s</label>"
               "<input type=\"text\" id=\"f-import-code\" name=\"code\" maxlength=\"40\"></div>\n",
            T(r, "New code (optional: when this organisation already has the course)"));
    form_submit(r, T(r, "Import the course"));
    form_end(r);
    html_lit(r, "</section></aside></div>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/courses */
void org_courses_page(Req *r) { courses_render(r, NULL, NULL); }

/* ROUTE: POST /o/{org}/courses — title, code, summary, estimated_minutes */
void org_courses_post(Req *r)
{
    int64_t minutes = 0;
    const char *m = req_form(r, "estimated_minutes");
    if (!str_empty(m) && (!str_to_i64(m, &minutes) || minutes < 0)) {
        r->status = 422;
        courses_render(r, "estimated_minutes", T(r, "Enter a number of minutes."));
        return;
    }
    CourseInput in = {.code = req_form(r, "code"), .title = req_form(r, "title"), .summary = req_form(r, "summary"),
                      .lang = r->lang, .estimated_minutes = minutes, .published = 0};
    const char *msg, *field = course_check(&in, true, &msg);
    int64_t id;
    int rc = field ? LN_EINVAL : course_create(r->db, r->org->id, &in, r->user->id, time_now_us(), &id);
    if (rc == LN_OK) {
        page_flash(r, T(r, "The course is created as a draft."));
        req_redirect(r, arena_printf(r->arena, "/o/%s/courses", r->org->slug));
        return;
    }
    r->status = rc == LN_EINVAL ? 422 : rc == LN_EEXIST ? 409 : 500;
    courses_render(r, rc == LN_EEXIST ? "code" : field ? field : "",
                   rc == LN_EEXIST ? T(r, "Another course of this organisation has this code.")
                   : field ? i18n_get(r->lang, msg) : T(r, "Saving failed on our side."));
}

/* The course {id} of r->org, or a 404 answered. */
bool org_course_or_404(Req *r, Course *c)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (course_load_in(r->db, r->arena, r->org->id, id, c) == LN_OK) return true;
    web_not_found(r);
    return false;
}

/* ROUTE: POST /o/{org}/courses/{id}/publish — published=1|0 */
void org_course_publish_post(Req *r)
{
    Course c;
    if (!org_course_or_404(r, &c)) return;
    CourseInput in = {.estimated_minutes = -1, .published = str_eq(req_form(r, "published"), "1")};
    if (course_update(r->db, r->org->id, c.id, &in, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Saving failed on our side."));
        return;
    }
    page_flash(r, in.published ? T(r, "The course is published.") : T(r, "The course is back to draft."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/courses", r->org->slug));
}

/* ROUTE: POST /o/{org}/courses/{id}/runs — title, visibility */
void org_course_run_post(Req *r)
{
    Course c;
    if (!org_course_or_404(r, &c)) return;
    const char *msg;
    int64_t id;
    if (run_check(req_form(r, "title"), req_form(r, "visibility"), &msg)) {
        web_error(r, 422, "invalid", i18n_get(r->lang, msg));
        return;
    }
    if (run_create(r->db, &c, req_form(r, "title"), req_form(r, "visibility"), 0, 0, 0, time_now_us(), &id) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Saving failed on our side."));
        return;
    }
    page_flash(r, T(r, "The session is added."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/courses", r->org->slug));
}

/* ---- enrolment ---- */

/* The session {id} of the path, or a 404 answered. */
static bool run_or_404(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, 0, id, run) == LN_OK) return true;
    web_not_found(r);
    return false;
}

static void back_to_course(Req *r, const RunRef *run, const char *flash)
{
    page_flash(r, flash);
    req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)run->course_id));
}

/* ROUTE: POST /runs/{id}/enrol */
void run_enrol_post(Req *r)
{
    RunRef run;
    if (!run_or_404(r, &run)) return;
    const char *why;
    int rc = enrol(r->db, &run, r->user->id, time_now_us(), &why);
    if (rc == LN_OK) back_to_course(r, &run, T(r, "You are enrolled. Welcome!"));
    else if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EPERM || rc == LN_ELIMIT) web_error(r, 409, "closed", i18n_get(r->lang, why));
    else web_error(r, 500, "internal", T(r, "Saving failed on our side."));
}

/* ROUTE: POST /runs/{id}/withdraw */
void run_withdraw_post(Req *r)
{
    RunRef run;
    if (!run_or_404(r, &run)) return;
    if (enrol_withdraw(r->db, run.id, r->user->id, time_now_us()) != LN_OK) {
        web_not_found(r);
        return;
    }
    back_to_course(r, &run, T(r, "You left the session."));
}

/* ---- programmes ---- */

/* The programme's courses that the viewer may see, in order. */
static void visible_courses(Req *r, const Programme *p, bool staff, CourseList *out)
{
    CourseList all;
    programme_courses(r->db, r->arena, p, &all);
    out->items = all.items;
    out->n = 0;
    for (int i = 0; i < all.n; i++)
        if (course_visible(r->db, &all.items[i], r->user ? r->user->id : 0, staff)) out->items[out->n++] = all.items[i];
}

/* ROUTE: GET /programmes/{id} — a training plan: what a distance learner
 * must be told (objectives, duration, assistance and its delay, courses). */
void programme_page(Req *r)
{
    int64_t id;
    Programme p;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (programme_load(r->db, r->arena, id, &p) != LN_OK) {
        web_not_found(r);
        return;
    }
    bool staff = course_staff(r, p.org_id);
    CourseList cl;
    visible_courses(r, &p, staff, &cl);
    if (cl.n == 0 && !staff) {
        web_not_found(r);
        return;
    }
    page_begin(r, p.title);
    hprintf(r, "<section class=\"hero\"><p class=\"muted\"><a href=\"/o/%s\">%s</a> · %s</p><h1>%s</h1><p class=\"muted\">",
            p.org_slug, p.org_name, T(r, "Programme"), p.title);
    duration(r, p.estimated_minutes);
    html_lit(r, "</p></section>\n");
    if (p.objectives[0])
        hprintf(r, "<section class=\"card\"><h2>%s</h2><p class=\"prose lines\">%s</p></section>\n", T(r, "Objectives"), p.objectives);
    if (p.prerequisites[0])
        hprintf(r, "<section class=\"card\"><h2>%s</h2><p class=\"prose lines\">%s</p></section>\n", T(r, "Prerequisites"),
                p.prerequisites);
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p class=\"prose lines\">%s</p><p>%s %lld h.</p></section>\n",
            T(r, "Assistance"), p.assistance[0] ? p.assistance : T(r, "Your trainers answer your questions in the course forums."),
            T(r, "Trainers answer within"), (long long)p.response_hours);
    hprintf(r, "<section class=\"card\"><h2>%s</h2><ol>\n", T(r, "Courses"));
    for (int i = 0; i < cl.n; i++) {
        hprintf(r, "<li><a href=\"/courses/%lld\">%s</a> <span class=\"muted\">", (long long)cl.items[i].id, cl.items[i].title);
        duration(r, cl.items[i].estimated_minutes);
        html_lit(r, "</span></li>\n");
    }
    html_lit(r, "</ol></section>\n");
    page_end(r);
}

static void programme_courses_form(Req *r, const Programme *p, const CourseList *org_courses)
{
    form_begin(r, arena_printf(r->arena, "/o/%s/programmes/%lld/courses", r->org->slug, (long long)p->id));
    hprintf(r, "<fieldset><legend>%s</legend><p class=\"muted\">%s</p>", T(r, "Courses of this programme"),
            T(r, "Give each course its place (1, 2, 3…); leave empty to leave it out."));
    CourseList in;
    programme_courses(r->db, r->arena, p, &in);
    for (int i = 0; i < org_courses->n; i++) {
        const Course *c = &org_courses->items[i];
        int pos = 0;
        for (int k = 0; k < in.n; k++)
            if (in.items[k].id == c->id) pos = k + 1;
        char *field = arena_printf(r->arena, "pos_%lld", (long long)c->id);
        char *value = pos ? arena_printf(r->arena, "%d", pos) : "";
        hprintf(r, "<div class=\"field inline\"><input type=\"number\" min=\"1\" max=\"200\" id=\"f-%s-%lld\" name=\"%s\" value=\"%s\">"
                   "<label for=\"f-%s-%lld\">%s</label></div>",
                field, (long long)p->id, field, value, field, (long long)p->id, c->title);
    }
    html_lit(r, "</fieldset>");
    hprintf(r, "<button type=\"submit\" class=\"button small\">%s</button>", T(r, "Save the order"));
    form_end(r);
}

static void programmes_render(Req *r, const char *field, const char *error)
{
    ProgrammeList pl;
    CourseList org_courses;
    programme_list_org(r->db, r->arena, r->org->id, &pl);
    course_list_org(r->db, r->arena, r->org->id, &org_courses);
    page_begin(r, T(r, "Programmes"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<div class=\"layout-2\"><section>\n", T(r, "Programmes"), r->org->name);
    if (pl.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No programme yet."));
    for (int i = 0; i < pl.n; i++) {
        hprintf(r, "<article class=\"card\"><h2><a href=\"/programmes/%lld\">%s</a></h2>"
                   "<p><a class=\"button small secondary\" href=\"/o/%s/programmes/%lld/edit\">%s</a></p>",
                (long long)pl.items[i].id, pl.items[i].title, r->org->slug, (long long)pl.items[i].id, T(r, "Edit"));
        programme_courses_form(r, &pl.items[i], &org_courses);
        html_lit(r, "</article>\n");
    }
    hprintf(r, "</section>\n<aside><section class=\"card\"><h2>%s</h2>\n", T(r, "New programme"));
    form_begin(r, arena_printf(r->arena, "/o/%s/programmes", r->org->slug));
    form_input(r, "text", "title", T(r, "Title"), req_form(r, "title"), str_eq(field, "title") ? error : NULL, "required");
    form_input(r, "text", "objectives", T(r, "Objectives"), req_form(r, "objectives"), str_eq(field, "objectives") ? error : NULL, "");
    form_input(r, "number", "estimated_minutes", T(r, "Estimated duration (minutes)"), req_form(r, "estimated_minutes"),
               str_eq(field, "estimated_minutes") ? error : NULL, "min=\"0\"");
    form_input(r, "text", "assistance", T(r, "Assistance offered"), req_form(r, "assistance"),
               str_eq(field, "assistance") ? error : NULL, "");
    form_input(r, "text", "prerequisites", T(r, "Prerequisites"), req_form(r, "prerequisites"),
               str_eq(field, "prerequisites") ? error : NULL, "");
    form_input(r, "number", "response_hours", T(r, "Response delay (hours)"), req_form(r, "response_hours") ? req_form(r, "response_hours") : "48",
               str_eq(field, "response_hours") ? error : NULL, "min=\"1\" max=\"720\"");
    form_submit(r, T(r, "Create the programme"));
    form_end(r);
    html_lit(r, "</section></aside></div>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/programmes */
void org_programmes_page(Req *r) { programmes_render(r, NULL, NULL); }

/* A whole number ≥ 0 from a form field (empty = def); false when malformed. */
bool form_number(Req *r, const char *name, int64_t def, int64_t *out)
{
    const char *v = req_form(r, name);
    *out = def;
    return str_empty(v) || (str_to_i64(v, out) && *out >= 0);
}

/* ROUTE: POST /o/{org}/programmes — title, objectives, estimated_minutes, assistance, response_hours */
void org_programmes_post(Req *r)
{
    ProgrammeInput in = {.title = req_form(r, "title"), .objectives = req_form(r, "objectives"),
                         .assistance = req_form(r, "assistance"), .prerequisites = req_form(r, "prerequisites")};
    const char *msg = NULL, *field = NULL;
    if (!form_number(r, "estimated_minutes", 0, &in.estimated_minutes)) field = "estimated_minutes";
    else if (!form_number(r, "response_hours", 48, &in.response_hours)) field = "response_hours";
    if (field) msg = "Enter a whole number.";
    else field = programme_check(&in, &msg);
    int64_t id;
    if (field || programme_create(r->db, r->org->id, &in, time_now_us(), &id) != LN_OK) {
        r->status = field ? 422 : 500;
        programmes_render(r, field ? field : "", field ? i18n_get(r->lang, msg) : T(r, "Saving failed on our side."));
        return;
    }
    page_flash(r, T(r, "The programme is created."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/programmes", r->org->slug));
}

/* ROUTE: POST /o/{org}/programmes/{id}/courses — pos_<course id>=<place> */
void org_programme_courses_post(Req *r)
{
    int64_t id;
    Programme p;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (programme_load_in(r->db, r->arena, r->org->id, id, &p) != LN_OK) {
        web_not_found(r);
        return;
    }
    /* Collect (place, course) pairs, then order by place. */
    int64_t ids[200], places[200];
    int n = 0;
    for (const Param *f = r->form.head; f && n < 200; f = f->next) {
        int64_t cid, place;
        if (!str_startswith(f->name, "pos_") || str_empty(f->value)) continue;
        if (!str_to_i64(f->name + 4, &cid) || !str_to_i64(f->value, &place) || place < 1) {
            web_error(r, 422, "invalid", T(r, "Each place is a whole number from 1."));
            return;
        }
        int k = n++;
        while (k > 0 && places[k - 1] > place) {
            places[k] = places[k - 1];
            ids[k] = ids[k - 1];
            k--;
        }
        places[k] = place;
        ids[k] = cid;
    }
    int rc = programme_set_courses(r->db, &p, ids, n, time_now_us());
    if (rc != LN_OK) {
        web_error(r, rc == LN_EINVAL ? 422 : 500, "invalid", rc == LN_EINVAL ? T(r, "One of these courses is not in this organisation.")
                                                                      : T(r, "Saving failed on our side."));
        return;
    }
    page_flash(r, T(r, "The programme's courses are saved."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/programmes", r->org->slug));
}

/* ---- bulk enrolment from CSV (staff) ---- */

bool org_run_or_404(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    web_not_found(r);
    return false;
}

static void enrol_csv_form(Req *r, const RunRef *run, const char *csv)
{
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s</p>\n", T(r, "Enrol learners from a CSV file"),
            T(r, "One e-mail address per line (other columns are ignored). The people need an account; invite them first if not."));
    hprintf(r, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/o/%s/runs/%lld/enrol-csv\">"
               "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", r->org->slug, (long long)run->id, access_csrf_token(r));
    hprintf(r, "<div class=\"field\"><label for=\"f-file\">%s</label><input type=\"file\" id=\"f-file\" name=\"file\" accept=\".csv,text/csv\"></div>"
               "<div class=\"field\"><label for=\"f-csv\">%s</label><textarea id=\"f-csv\" name=\"csv\" rows=\"6\">%s</textarea></div>",
            T(r, "CSV file"), T(r, "Or paste the lines here"), csv ? csv : "");
    hprintf(r, "<button type=\"submit\" class=\"button%s\">%s</button></form></section>\n", csv ? " secondary" : "", T(r, "Preview"));
}

/* ROUTE: GET /o/{org}/runs/{id}/enrol-csv */
void org_run_enrol_csv_page(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    page_begin(r, T(r, "Enrol learners"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "Enrol learners"), run.title);
    enrol_csv_form(r, &run, NULL);
    page_end(r);
}

/* ROUTE: POST /o/{org}/runs/{id}/enrol-csv — file or csv; apply=1 to confirm */
void org_run_enrol_csv_post(Req *r)
{
    RunRef run;
    if (!org_run_or_404(r, &run)) return;
    size_t len;
    const char *csv = req_file_or_field(r, "file", "csv", &len);
    bool apply = str_eq(req_form(r, "apply"), "1");
    EnrolReport rep;
    int rc = run_import_csv(r, &run, csv, len, apply, &rep);
    if (rc == LN_EINVAL || rc == LN_ELIMIT) {
        web_error(r, rc == LN_ELIMIT ? 413 : 422, "invalid", rc == LN_ELIMIT
                  ? T(r, "At most 10,000 lines can be imported at once.") : T(r, "The file is not UTF-8 text."));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "The import failed on our side; nothing was changed."));
        return;
    }
    if (apply) {
        page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Enrolled:"), rep.added));
        req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)run.course_id));
        return;
    }
    page_begin(r, T(r, "Import preview"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p class=\"lead\">%d %s · %d %s · %d %s</p>\n",
            T(r, "Import preview"), run.title, rep.added, T(r, "to enrol"), rep.skipped, T(r, "skipped"), rep.errors, T(r, "rejected"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th></tr></thead><tbody>\n", T(r, "Line"), T(r, "E-mail"), T(r, "Note"));
    for (int i = 0; i < rep.n; i++)
        hprintf(r, "<tr class=\"%s\"><td>%d</td><td>%s</td><td>%s</td></tr>\n",
                rep.lines[i].action == ENROL_ERROR ? "row-error" : "", rep.lines[i].line, rep.lines[i].email,
                rep.lines[i].message ? i18n_get(r->lang, rep.lines[i].message) : T(r, "to enrol"));
    html_lit(r, "</tbody></table></div>\n");
    if (rep.added > 0) {
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/enrol-csv", r->org->slug, (long long)run.id));
        hprintf(r, "<input type=\"hidden\" name=\"apply\" value=\"1\"><textarea name=\"csv\" hidden>%s</textarea>",
                arena_strndup(r->arena, csv, len));
        form_submit(r, T(r, "Confirm the enrolments"));
        form_end(r);
    }
    enrol_csv_form(r, &run, arena_strndup(r->arena, csv, len));
    page_end(r);
}

bool reader_run_of_path(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (access_reader(r) && run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    web_error(r, 404, "not_found", T(r, "No such course run."));
    return false;
}

bool learner_run_of_path(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, 0, id, run) == LN_OK && enrolled(r->db, run->id, r->user->id)
        && !(r->via_token && r->token_org_id != run->org_id))
        return true;
    web_error(r, 404, "not_found", T(r, "No such course run among yours."));
    return false;
}
