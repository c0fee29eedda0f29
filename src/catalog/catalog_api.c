/* catalog_api.c — /api/v1 for the catalog, courses and runs. */
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "account/account.h"
#include "org/org.h"
#include "http/access.h"
#include "web/api.h"

static json_t *course_json(Req *r, const Course *c)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:{s:s,s:s}}", "id", (json_int_t)c->id, "code", c->code,
                     "title", c->title, "summary", c->summary, "objectives", c->objectives, "lang", c->lang,
                     "estimated_minutes", (json_int_t)c->estimated_minutes, "published", c->published,
                     "org", "slug", c->org_slug, "name", c->org_name);
}

static json_t *runs_json(Req *r, const RunList *rl)
{
    json_t *runs = json_array();
    for (int i = 0; i < rl->n; i++)
        json_array_append_new(runs, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)rl->items[i].id,
                                              "title", rl->items[i].title, "visibility", rl->items[i].visibility,
                                              "pacing", rl->items[i].pacing,
                                              "starts_at", api_time(r->arena, rl->items[i].starts_at),
                                              "ends_at", api_time(r->arena, rl->items[i].ends_at)));
    return runs;
}

static json_t *list_json(Req *r, const CourseList *cl)
{
    json_t *items = json_array();
    for (int i = 0; i < cl->n; i++) json_array_append_new(items, course_json(r, &cl->items[i]));
    return json_pack("{s:o}", "items", items);
}

/* ROUTE: GET /api/v1/courses?q=&lang=&org=&mode=&max_minutes=&offset= — the public catalog */
void api_catalog_get(Req *r)
{
    int64_t offset = 0;
    const char *o = req_query(r, "offset"), *bad = NULL;
    CatalogQuery cq;
    if (o && (!str_to_i64(o, &offset) || offset < 0 || offset > 1000000)) bad = "offset";
    if (bad || !catalog_query_parse(r, &cq, &bad)) {
        api_error(r, 400, "bad_request", arena_printf(r->arena, "the query parameter \"%s\" is not valid "
                  "(lang: en|fr, mode: mooc|corporate, max_minutes and offset: numbers ≥ 0)", bad));
        return;
    }
    cq.offset = (int)offset;
    CourseList cl;
    if (catalog_search(r->db, r->arena, r->user ? r->user->id : 0, &cq, &cl) != LN_OK) {
        api_error(r, 500, "internal", "the search failed on our side");
        return;
    }
    api_json(r, 200, list_json(r, &cl));
}

/* ROUTE: GET /api/v1/courses/{id} — a visible course and its runs */
void api_course_get(Req *r)
{
    int64_t id;
    Course c;
    RunList rl;
    bool staff;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (!course_for_caller(r, id, &c, &rl, &staff)) {
        api_error(r, 404, "not_found", "no such course, or not visible to you");
        return;
    }
    json_t *j = course_json(r, &c);
    json_object_set_new(j, "runs", runs_json(r, &rl));
    api_json(r, 200, j);
}

/* ROUTE: GET /api/v1/orgs/{org}/courses — drafts included (staff) */
void api_org_courses_get(Req *r)
{
    CourseList cl;
    if (course_list_org(r->db, r->arena, r->org->id, &cl) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    api_json(r, 200, list_json(r, &cl));
}

/* Read {"code","title","summary","objectives","lang","estimated_minutes","published"}. */
static bool course_input(Req *r, json_t *b, CourseInput *in)
{
    bool bad = false;
    in->code = api_str(r, b, "code", &bad);
    in->title = api_str(r, b, "title", &bad);
    in->summary = api_str(r, b, "summary", &bad);
    in->objectives = api_str(r, b, "objectives", &bad);
    in->lang = api_str(r, b, "lang", &bad);
    if (bad) return false;
    json_t *m = json_object_get(b, "estimated_minutes"), *p = json_object_get(b, "published");
    if ((m && !json_is_integer(m)) || (m && json_integer_value(m) < 0)) {
        api_field_error(r, "estimated_minutes", "\"estimated_minutes\" must be a whole number ≥ 0");
        return false;
    }
    if (p && !json_is_boolean(p)) {
        api_field_error(r, "published", "\"published\" must be true or false");
        return false;
    }
    in->estimated_minutes = m ? (int64_t)json_integer_value(m) : -1;
    in->published = p ? json_is_true(p) : -1;
    return true;
}

static void answer_course(Req *r, int status, int64_t id)
{
    Course c;
    if (course_load(r->db, r->arena, id, &c) != LN_OK) api_error(r, 500, "internal", "reading back failed");
    else api_json(r, status, course_json(r, &c));
}

/* ROUTE: POST /api/v1/orgs/{org}/courses */
void api_org_courses_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    CourseInput in;
    if (!b || !course_input(r, b, &in)) return;
    const char *msg, *field = course_check(&in, true, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    int64_t id;
    int rc = course_create(r->db, r->org->id, &in, r->user->id, time_now_us(), &id);
    if (rc == LN_EEXIST) api_error(r, 409, "exists", "another course of this organisation has this code");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else answer_course(r, 201, id);
}

/* ROUTE: PATCH /api/v1/orgs/{org}/courses/{id} */
void api_org_course_patch(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    json_t *b = req_json_or_400(r);
    CourseInput in;
    if (!b || !course_input(r, b, &in)) return;
    const char *msg, *field = course_check(&in, false, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    int rc = course_update(r->db, r->org->id, id, &in, time_now_us());
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such course in this organisation");
    else if (rc == LN_EEXIST) api_error(r, 409, "exists", "another course of this organisation has this code");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else answer_course(r, 200, id);
}

/* ROUTE: POST /api/v1/orgs/{org}/courses/{id}/runs — {"title", "visibility", "starts_at"?, "ends_at"?,
 * "capacity"?} (times in µs) */
void api_org_course_runs_post(Req *r)
{
    int64_t id;
    Course c;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (course_load_in(r->db, r->arena, r->org->id, id, &c) != LN_OK) {
        api_error(r, 404, "not_found", "no such course in this organisation");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *title = api_str(r, b, "title", &bad), *vis = api_str(r, b, "visibility", &bad);
    if (bad) return;
    RunInput in;
    if (!run_input_json(r, b, &in)) return;
    UsTime starts = in.starts_at > 0 ? in.starts_at : 0, ends = in.ends_at > 0 ? in.ends_at : 0;
    int64_t capacity = in.capacity > 0 ? in.capacity : 0;
    RunRef blank = {.pacing = "self"};
    const char *msg, *field = run_check(title, vis, &msg);
    if (!field) field = run_input_check(&in, &blank, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    int64_t run_id;
    RunRef run;
    UsTime now = time_now_us();
    int rc = run_create(r->db, &c, title, vis, starts, ends, capacity, now, &run_id);
    if (rc == LN_OK) rc = run_ref(r->db, r->arena, c.org_id, run_id, &run);
    if (rc == LN_OK && (in.pacing || in.enrol_from > 0 || in.enrol_until > 0)) rc = run_update(r->db, &run, &in, now);
    if (rc != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    api_json(r, 201, json_pack("{s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)run_id, "course_id", (json_int_t)c.id,
                               "title", title, "visibility", vis, "pacing", in.pacing ? in.pacing : "self"));
}

/* A run id from the path that a token may reach (its own organisation). */
/* The session {id} of the path; a token reaches only its organisation's. */
static bool run_for_caller(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->via_token ? r->token_org_id : 0, id, run) != LN_OK) {
        api_error(r, 404, "not_found", "no such session");
        return false;
    }
    return true;
}

/* ROUTE: POST /api/v1/runs/{id}/enrolment — enrol the caller */
void api_enrolment_post(Req *r)
{
    RunRef run;
    if (!run_for_caller(r, &run)) return;
    const char *why;
    int rc = enrol(r->db, &run, r->user->id, time_now_us(), &why);
    if (rc == LN_OK) api_json(r, 201, json_pack("{s:I,s:s}", "run_id", (json_int_t)run.id, "status", "active"));
    else if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such session open to you");
    else if (rc == LN_EPERM || rc == LN_ELIMIT) api_error(r, 409, rc == LN_ELIMIT ? "full" : "closed", why);
    else api_error(r, 500, "internal", "saving failed on our side");
}

/* ROUTE: DELETE /api/v1/runs/{id}/enrolment — leave */
void api_enrolment_delete(Req *r)
{
    RunRef run;
    if (!run_for_caller(r, &run)) return;
    if (enrol_withdraw(r->db, run.id, r->user->id, time_now_us()) != LN_OK)
        api_error(r, 404, "not_found", "you are not enrolled in this session");
    else r->status = 204;
}

/* ROUTE: GET /api/v1/me/enrolments */
void api_my_enrolments_get(Req *r)
{
    EnrolmentList el;
    if (enrolment_list(r->db, r->arena, r->user->id, &el) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < el.n; i++) {
        Enrolment *e = &el.items[i];
        if (r->via_token && e->org_id != r->token_org_id) continue;
        json_array_append_new(items, json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:o}",
                                               "run_id", (json_int_t)e->run_id,
                                               "course_id", (json_int_t)e->course_id, "course", e->course_title,
                                               "run", e->run_title, "org", e->org_name,
                                               "enrolled_at", api_time(r->arena, e->enrolled_at),
                                               "ends_at", api_time(r->arena, e->ends_at),
                                               "completed_at", api_time(r->arena, e->completed_at),
                                               "units_required", (json_int_t)e->units_required,
                                               "units_done", (json_int_t)e->units_done,
                                               "resume_unit_id", e->last_unit_id ? json_integer(e->last_unit_id)
                                                                                 : json_null()));
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: GET /api/v1/me/upcoming */
void api_my_upcoming_get(Req *r)
{
    UpcomingList ul;
    if (upcoming_list(r->db, r->arena, r->user->id, time_now_us(), 50, &ul) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < ul.n; i++) {
        const Upcoming *u = &ul.items[i];
        if (r->via_token && u->org_id != r->token_org_id) continue;
        json_array_append_new(items, json_pack("{s:s,s:o,s:o,s:s,s:s,s:s,s:I,s:o,s:o}", "kind", u->kind,
                                               "at", api_time(r->arena, u->at), "ends_at", api_time(r->arena, u->ends_at),
                                               "title", u->title, "course", u->course_title, "org", u->org_slug,
                                               "run_id", (json_int_t)u->run_id,
                                               "unit_id", u->unit_id ? json_integer(u->unit_id) : json_null(),
                                               "session_id", u->session_id ? json_integer(u->session_id) : json_null()));
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- programmes ---- */

static json_t *programme_json(Req *r, const Programme *p, bool staff)
{
    CourseList cl;
    json_t *courses = json_array();
    if (programme_courses(r->db, r->arena, p, &cl) == LN_OK)
        for (int i = 0; i < cl.n; i++)
            if (course_visible(r->db, &cl.items[i], r->user ? r->user->id : 0, staff))
                json_array_append_new(courses, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)cl.items[i].id,
                                                         "code", cl.items[i].code, "title", cl.items[i].title,
                                                         "estimated_minutes", (json_int_t)cl.items[i].estimated_minutes));
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:{s:s,s:s},s:o}", "id", (json_int_t)p->id, "title", p->title,
                     "objectives", p->objectives, "prerequisites", p->prerequisites, "assistance", p->assistance,
                     "estimated_minutes", (json_int_t)p->estimated_minutes, "response_hours", (json_int_t)p->response_hours,
                     "org", "slug", p->org_slug, "name", p->org_name, "courses", courses);
}

/* ROUTE: GET /api/v1/programmes/{id} — when one of its courses is visible */
void api_programme_get(Req *r)
{
    int64_t id;
    Programme p;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (programme_load(r->db, r->arena, id, &p) != LN_OK) {
        api_error(r, 404, "not_found", "no such programme");
        return;
    }
    bool staff = course_staff(r, p.org_id);
    json_t *j = programme_json(r, &p, staff);
    if (!staff && json_array_size(json_object_get(j, "courses")) == 0) {
        json_decref(j);
        api_error(r, 404, "not_found", "no such programme");
        return;
    }
    api_json(r, 200, j);
}

/* ROUTE: GET /api/v1/orgs/{org}/programmes */
void api_org_programmes_get(Req *r)
{
    ProgrammeList pl;
    programme_list_org(r->db, r->arena, r->org->id, &pl);
    json_t *items = json_array();
    for (int i = 0; i < pl.n; i++) json_array_append_new(items, programme_json(r, &pl.items[i], true));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/orgs/{org}/programmes — {"title", "objectives"?, "prerequisites"?, "assistance"?,
 * "estimated_minutes"?, "response_hours"?} */
void api_org_programmes_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    ProgrammeInput in = {.title = api_str(r, b, "title", &bad), .objectives = api_str(r, b, "objectives", &bad),
                         .assistance = api_str(r, b, "assistance", &bad),
                         .prerequisites = api_str(r, b, "prerequisites", &bad), .estimated_minutes = 0,
                         .response_hours = 48};
    if (bad) return;
    static const char *const nums[] = {"estimated_minutes", "response_hours"};
    int64_t *dst[] = {&in.estimated_minutes, &in.response_hours};
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(b, nums[i]);
        if (!v) continue;
        if (!json_is_integer(v) || json_integer_value(v) < 0) {
            api_field_error(r, nums[i], "must be a whole number ≥ 0");
            return;
        }
        *dst[i] = json_integer_value(v);
    }
    const char *msg, *field = programme_check(&in, &msg);
    int64_t id;
    Programme p;
    if (field) api_field_error(r, field, msg);
    else if (programme_create(r->db, r->org->id, &in, time_now_us(), &id) != LN_OK
             || programme_load(r->db, r->arena, id, &p) != LN_OK)
        api_error(r, 500, "internal", "saving failed on our side");
    else api_json(r, 201, programme_json(r, &p, true));
}

/* ROUTE: PUT /api/v1/orgs/{org}/programmes/{id}/courses — {"course_ids": [..]} in order */
void api_org_programme_courses_put(Req *r)
{
    int64_t id;
    Programme p;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (programme_load_in(r->db, r->arena, r->org->id, id, &p) != LN_OK) {
        api_error(r, 404, "not_found", "no such programme in this organisation");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    json_t *arr = json_object_get(b, "course_ids");
    if (!json_is_array(arr) || json_array_size(arr) > 200) {
        api_field_error(r, "course_ids", "\"course_ids\" must be an array of at most 200 course ids");
        return;
    }
    int64_t ids[200];
    int n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_integer(v)) {
            api_field_error(r, "course_ids", "\"course_ids\" must hold integers");
            return;
        }
        ids[n++] = json_integer_value(v);
    }
    int rc = programme_set_courses(r->db, &p, ids, n, time_now_us());
    if (rc == LN_EINVAL) api_field_error(r, "course_ids", "one of these is not a course of this organisation");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else api_json(r, 200, programme_json(r, &p, true));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/enrolments/import?apply=1 — body:
 * CSV, one e-mail per line.  Without apply, the preview only. */
void api_org_run_enrol_import_post(Req *r)
{
    int64_t id;
    RunRef run;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (run_ref(r->db, r->arena, r->org->id, id, &run) != LN_OK) {
        api_error(r, 404, "not_found", "no such session in this organisation");
        return;
    }
    bool apply = str_eq(req_query(r, "apply"), "1");
    EnrolReport rep;
    int rc = run_import_csv(r, &run, r->body, r->body_len, apply, &rep);
    if (rc == LN_EINVAL) { api_error(r, 422, "invalid", "the body must be UTF-8 CSV text"); return; }
    if (rc == LN_ELIMIT) { api_error(r, 413, "too_large", "at most 10,000 lines at once"); return; }
    if (rc != LN_OK) { api_error(r, 500, "internal", "the import failed on our side; nothing was changed"); return; }
    static const char *const actions[] = {"enrol", "skip", "error"};
    json_t *lines = json_array();
    for (int i = 0; i < rep.n; i++) {
        json_t *j = json_pack("{s:i,s:s,s:s}", "line", rep.lines[i].line, "email", rep.lines[i].email, "action",
                              actions[rep.lines[i].action]);
        if (rep.lines[i].message) json_object_set_new(j, "message", json_string(rep.lines[i].message));
        json_array_append_new(lines, j);
    }
    api_json(r, apply ? 201 : 200, json_pack("{s:b,s:i,s:i,s:i,s:o}", "applied", apply, "enrolled", rep.added,
                                             "skipped", rep.skipped, "rejected", rep.errors, "lines", lines));
}
