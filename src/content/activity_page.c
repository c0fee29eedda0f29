/* activity_page.c — time-on-task and progress as trainers and learners see
 * it: the run's learners (page, CSV, JSON), one learner's units and
 * connection sessions, and the organisation's time-on-task rules. */
#include "content/pages.h"
#include "core/csv.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

#define LEARNERS_PAGE 50

static void duration_text(Req *r, int64_t ms)
{
    int64_t min = (ms + 30000) / 60000;
    if (ms < 60000) hprintf(r, "%lld s", (long long)(ms / 1000));
    else if (min >= 60) hprintf(r, "%lld h %02lld", (long long)(min / 60), (long long)(min % 60));
    else hprintf(r, "%lld min", (long long)min);
}

/* Run {id} of the organisation in the path; 404 otherwise. */
static bool org_run(Req *r, RunRef *run, Course *c)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) != LN_OK
        || course_load(r->db, r->arena, run->course_id, c) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

/* ---- the run's learners --------------------------------------------------- */

typedef struct Row { Learner *l; Activity act; } Row;

static int learner_rows(Req *r, const RunRef *run, int offset, int limit, LearnerList *ll, Row **rows)
{
    TimeRules tr;
    time_rules_get(r->db, run->org_id, &tr);
    if (run_learners(r->db, r->arena, run->id, offset, limit, ll) != LN_OK) return LN_EDB;
    *rows = arena_alloc(r->arena, sizeof **rows * (size_t)(ll->n ? ll->n : 1));
    for (int i = 0; i < ll->n; i++) {
        (*rows)[i].l = &ll->items[i];
        activity_load(r->db, r->arena, &tr, run->id, ll->items[i].user_id, &(*rows)[i].act);
    }
    return LN_OK;
}

/* GET /o/{org}/runs/{id}/progress */
void run_progress_page(Req *r)
{
    RunRef run;
    Course c;
    if (!org_run(r, &run, &c)) return;
    int64_t page = 1;
    const char *p = req_query(r, "page");
    if (p && (!str_to_i64(p, &page) || page < 1 || page > 100000)) page = 1;
    LearnerList ll;
    Row *rows;
    if (learner_rows(r, &run, (int)(page - 1) * LEARNERS_PAGE, LEARNERS_PAGE, &ll, &rows) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    int64_t req = course_required_units(r->db, c.id);
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Progress"), run.title));
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">%s</a></p><h1>%s <span class=\"muted\">· %s</span></h1>\n",
            (long long)c.id, c.title, T(r, "Progress"), run.title);
    hprintf(r, "<div class=\"spread\"><span class=\"muted\">%s %lld</span><span><a class=\"button small secondary\""
               " href=\"/o/%s/runs/%lld/sessions\">%s</a> <a class=\"button small secondary\""
               " href=\"/o/%s/runs/%lld/gradebook\">%s</a> <a class=\"button small secondary\""
               " href=\"/o/%s/runs/%lld/certificates\">%s</a> <a class=\"button small secondary\""
               " href=\"/o/%s/runs/%lld/survey\">%s</a> <a class=\"button small secondary\""
               " href=\"/o/%s/runs/%lld/external\">%s</a> <a class=\"button small secondary\""
               " href=\"/o/%s/runs/%lld/progress.csv\" download>%s</a></span></div>",
            T(r, "Learners:"), (long long)ll.total, r->org->slug, (long long)run.id, T(r, "Live sessions"), r->org->slug,
            (long long)run.id, T(r, "Gradebook"), r->org->slug, (long long)run.id, T(r, "Certificates"), r->org->slug,
            (long long)run.id, T(r, "Satisfaction survey"), r->org->slug, (long long)run.id, T(r, "External activities"),
            r->org->slug, (long long)run.id, T(r, "Export as CSV"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
            T(r, "Learner"), T(r, "Progress"), T(r, "Time on task"), T(r, "Last activity"), T(r, "Completed on"));
    for (int i = 0; i < ll.n; i++) {
        const Row *w = &rows[i];
        hprintf(r, "<tr><td><a href=\"/o/%s/runs/%lld/learners/%lld\">%s</a><br><span class=\"muted\">%s</span></td>"
                   "<td>%lld/%lld</td><td>", r->org->slug, (long long)run.id, (long long)w->l->user_id, w->l->name,
                w->l->email, (long long)w->l->units_done, (long long)req);
        duration_text(r, w->act.active_ms);
        html_lit(r, "</td><td>");
        if (w->act.last_at) html_date(r, w->act.last_at);
        html_lit(r, "</td><td>");
        if (w->l->completed_at) html_date(r, w->l->completed_at);
        html_lit(r, "</td></tr>");
    }
    html_lit(r, "</tbody></table></div>");
    if (ll.total > page * LEARNERS_PAGE)
        hprintf(r, "<nav class=\"pager\"><a href=\"?page=%lld\">%s →</a></nav>", (long long)page + 1, T(r, "Next"));
    page_end(r);
}

static char *iso_or_empty(Req *r, UsTime t) { return t ? time_iso(r->arena, t) : ""; }

/* GET /o/{org}/runs/{id}/progress.csv: every learner, one line each. */
void run_progress_csv(Req *r)
{
    RunRef run;
    Course c;
    if (!org_run(r, &run, &c)) return;
    int64_t req = course_required_units(r->db, c.id);
    csv_row(&r->out, (const char *[]){"email", "name", "enrolled_at", "units_done", "units_required",
                                      "time_on_task_minutes", "sessions", "last_activity", "completed_at"}, 9);
    for (int offset = 0;; offset += 500) {
        LearnerList ll;
        Row *rows;
        if (learner_rows(r, &run, offset, 500, &ll, &rows) != LN_OK) {
            web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
            return;
        }
        for (int i = 0; i < ll.n; i++) {
            const Row *w = &rows[i];
            const char *f[] = {w->l->email, w->l->name, iso_or_empty(r, w->l->enrolled_at),
                               arena_printf(r->arena, "%lld", (long long)w->l->units_done),
                               arena_printf(r->arena, "%lld", (long long)req),
                               arena_printf(r->arena, "%.1f", (double)w->act.active_ms / 60000.0),
                               arena_printf(r->arena, "%d", w->act.nsessions), iso_or_empty(r, w->act.last_at),
                               iso_or_empty(r, w->l->completed_at)};
            csv_row(&r->out, f, 9);
        }
        if (ll.n < 500) break;
    }
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    req_set_header(r, "Content-Disposition",
                   arena_printf(r->arena, "attachment; filename=\"progress-run-%lld.csv\"", (long long)run.id));
}

/* ---- one learner ------------------------------------------------------------ */

/* `staff`: a trainer's or administrator's view, with the learner's evidence. */
static void activity_render(Req *r, const Course *c, const RunRef *run, int64_t user_id, const char *who, bool staff)
{
    Outline o;
    TimeRules tr;
    Activity act;
    outline_load(r->db, r->arena, c->id, &o);
    progress_load(r->db, run->id, user_id, &o);
    time_rules_get(r->db, run->org_id, &tr);
    activity_load(r->db, r->arena, &tr, run->id, user_id, &act);
    page_begin(r, arena_printf(r->arena, "%s — %s", who, c->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">%s</a> · %s</p><h1>%s</h1>\n", (long long)c->id, c->title,
            run->title, who);
    hprintf(r, "<p class=\"lead\">%d/%d %s · %s ", o.done, o.required, T(r, "required units done"), T(r, "time on task"));
    duration_text(r, act.active_ms);
    hprintf(r, " · %d %s</p>", act.nsessions, T(r, "connection sessions"));
    if (staff)
        hprintf(r, "<p class=\"actions\"><a class=\"button small secondary\" href=\"/o/%s/runs/%lld/learners/%lld/record\">%s</a> "
                   "<a class=\"button small secondary\" href=\"/o/%s/runs/%lld/learners/%lld/certificate\">%s</a> "
                   "<a class=\"button small secondary\" href=\"/o/%s/runs/%lld/learners/%lld/audit-pack.zip\" download>%s</a></p>",
                r->org->slug, (long long)run->id, (long long)user_id, T(r, "Connection record"), r->org->slug,
                (long long)run->id, (long long)user_id, T(r, "Certificate"), r->org->slug, (long long)run->id,
                (long long)user_id, T(r, "Audit pack (ZIP)"));
    hprintf(r, "<section class=\"card\"><h2>%s</h2><div class=\"table-wrap\"><table class=\"data stack\"><thead><tr>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>", T(r, "Units"), T(r, "Unit"), T(r, "Status"), T(r, "Time spent"),
            T(r, "Last activity"));
    for (int i = 0; i < o.n; i++)
        for (int j = 0; j < o.sections[i].n; j++) {
            const Unit *u = &o.sections[i].units[j];
            UsTime last;
            int64_t ms = activity_unit_ms(&act, u->id, &last);
            hprintf(r, "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\">", T(r, "Unit"), u->title, T(r, "Status"));
            if (u->done_at) {
                hprintf(r, "%s ", T(r, "Done on"));
                html_date(r, u->done_at);
            } else hprintf(r, "%s", u->opened ? T(r, "Opened") : T(r, "Not started"));
            hprintf(r, "</td><td data-label=\"%s\">", T(r, "Time spent"));
            duration_text(r, ms);
            hprintf(r, "</td><td data-label=\"%s\">", T(r, "Last activity"));
            if (last) html_date(r, last);
            html_lit(r, "</td></tr>");
        }
    html_lit(r, "</tbody></table></div></section>");
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p class=\"muted\">%s</p><div class=\"table-wrap\"><table class=\"data stack\">"
               "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>", T(r, "Connection sessions"),
            T(r, "A new session starts after a pause longer than the organisation's idle time."), T(r, "Start time"),
            T(r, "End time"), T(r, "Active time"), T(r, "IP address"));
    for (int i = act.nsessions - 1; i >= 0 && i >= act.nsessions - 200; i--) {
        const ConnSession *s = &act.sessions[i];
        hprintf(r, "<tr><td data-label=\"%s\">", T(r, "Start time"));
        html_moment(r, s->start);
        hprintf(r, "</td><td data-label=\"%s\">", T(r, "End time"));
        html_moment(r, s->end);
        hprintf(r, "</td><td data-label=\"%s\">", T(r, "Active time"));
        duration_text(r, s->active_ms);
        if (s->capped) hprintf(r, " <span class=\"badge\">%s</span>", T(r, "capped"));
        hprintf(r, "</td><td data-label=\"%s\">%s</td></tr>", T(r, "IP address"), s->ip);
    }
    html_lit(r, "</tbody></table></div></section>\n");
    page_end(r);
}

/* GET /o/{org}/runs/{id}/learners/{uid} */
void run_learner_page(Req *r)
{
    RunRef run;
    Course c;
    int64_t uid;
    if (!org_run(r, &run, &c) || !req_path_id_or_404(r, "uid", &uid)) return;
    char *name = enrolled_name(r->db, r->arena, run.id, uid);
    if (!name) {
        web_not_found(r);
        return;
    }
    activity_render(r, &c, &run, uid, name, true);
}

/* GET /runs/{id}/activity: the learner's own record. */
void my_activity_page(Req *r)
{
    int64_t id;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !learn_load(r, id, 0, &l)) return;
    activity_render(r, &l.course, &l.run, r->user->id, T(r, "My activity"), false);
}

/* ---- the organisation's rules ------------------------------------------------- */

static void rules_render(Req *r, const TimeRules *t, const char *field, const char *error)
{
    page_begin(r, T(r, "Time-on-task"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "Time-on-task"), r->org->name);
    hprintf(r, "<div class=\"layout-2\"><section class=\"card\"><h2>%s</h2>", T(r, "Rules"));
    form_begin(r, arena_printf(r->arena, "/o/%s/admin/time", r->org->slug));
    form_input(r, "number", "idle_minutes", T(r, "Idle after (minutes without input; also the pause that starts a new session)"),
               arena_printf(r->arena, "%lld", (long long)t->idle_minutes), str_eq(field, "idle_minutes") ? error : NULL,
               "min=\"1\" max=\"240\" required");
    form_input(r, "number", "session_cap_minutes", T(r, "Most active time counted in one session (minutes)"),
               arena_printf(r->arena, "%lld", (long long)t->session_cap_minutes),
               str_eq(field, "session_cap_minutes") ? error : NULL, "min=\"10\" max=\"1440\" required");
    form_submit(r, T(r, "Save"));
    form_end(r);
    hprintf(r, "</section><aside><section class=\"card\"><h2>%s</h2><p>%s</p></section></aside></div>\n",
            T(r, "How time is counted"),
            T(r, "The player counts a learner active while the page is visible and a video plays, or while they "
                 "read, scroll or type. Each heartbeat claims at most the time since the previous one. Pauses "
                 "longer than the idle time split connection sessions; time beyond the cap in one session is "
                 "not counted and the session is flagged."));
    page_end(r);
}

/* GET /o/{org}/admin/time */
void time_rules_page(Req *r)
{
    TimeRules t;
    time_rules_get(r->db, r->org->id, &t);
    rules_render(r, &t, NULL, NULL);
}

/* POST /o/{org}/admin/time */
void time_rules_post(Req *r)
{
    TimeRules t = {0, 0};
    if (!str_to_i64(req_form(r, "idle_minutes"), &t.idle_minutes)) t.idle_minutes = -1;
    if (!str_to_i64(req_form(r, "session_cap_minutes"), &t.session_cap_minutes)) t.session_cap_minutes = -1;
    const char *msg, *field = time_rules_check(&t, &msg);
    if (field) {
        r->status = 422;
        rules_render(r, &t, field, i18n_get(r->lang, msg));
        return;
    }
    if (time_rules_set(r->db, r->org->id, &t, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "Saved."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/admin/time", r->org->slug));
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *activity_json(Req *r, const Activity *a)
{
    json_t *sessions = json_array(), *units = json_array();
    for (int i = 0; i < a->nsessions; i++)
        json_array_append_new(sessions, json_pack("{s:o, s:o, s:I, s:I, s:b, s:s}", "start",
                                                  api_time(r->arena, a->sessions[i].start), "end",
                                                  api_time(r->arena, a->sessions[i].end), "active_ms",
                                                  (json_int_t)a->sessions[i].active_ms, "beats",
                                                  (json_int_t)a->sessions[i].beats, "capped", a->sessions[i].capped,
                                                  "ip", a->sessions[i].ip));
    for (int i = 0; i < a->nunits; i++)
        json_array_append_new(units, json_pack("{s:I, s:I, s:o}", "unit_id", (json_int_t)a->units[i].unit_id,
                                               "active_ms", (json_int_t)a->units[i].active_ms, "last_at",
                                               api_time(r->arena, a->units[i].last_at)));
    return json_pack("{s:I, s:o, s:o, s:o}", "active_ms", (json_int_t)a->active_ms, "last_at",
                     api_time(r->arena, a->last_at), "sessions", sessions, "units", units);
}

static void answer_activity(Req *r, const RunRef *run, int64_t user_id)
{
    TimeRules tr;
    Activity act;
    time_rules_get(r->db, run->org_id, &tr);
    if (activity_load(r->db, r->arena, &tr, run->id, user_id, &act) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    json_t *j = activity_json(r, &act);
    json_object_set_new(j, "run_id", json_integer(run->id));
    json_object_set_new(j, "user_id", json_integer(user_id));
    api_json(r, 200, j);
}

/* GET /api/v1/runs/{id}/activity */
void api_my_activity_get(Req *r)
{
    int64_t id;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !learn_load(r, id, 0, &l)) return;
    answer_activity(r, &l.run, r->user->id);
}

/* GET /api/v1/orgs/{org}/runs/{id}/learners/{uid}/activity */
void api_learner_activity_get(Req *r)
{
    RunRef run;
    Course c;
    int64_t uid;
    if (!org_run(r, &run, &c) || !req_path_id_or_404(r, "uid", &uid)) return;
    if (!enrolled(r->db, run.id, uid)) {
        api_error(r, 404, "not_found", "no such learner in this session");
        return;
    }
    answer_activity(r, &run, uid);
}

/* GET /api/v1/orgs/{org}/runs/{id}/progress?offset=&limit= */
void api_run_progress_get(Req *r)
{
    RunRef run;
    Course c;
    if (!org_run(r, &run, &c)) return;
    int64_t offset = 0, limit = LEARNERS_PAGE;
    const char *o = req_query(r, "offset"), *l = req_query(r, "limit");
    if ((o && (!str_to_i64(o, &offset) || offset < 0)) || (l && (!str_to_i64(l, &limit) || limit < 1 || limit > 500))) {
        api_error(r, 400, "bad_query", "offset ≥ 0 and 1 ≤ limit ≤ 500");
        return;
    }
    LearnerList ll;
    Row *rows;
    if (learner_rows(r, &run, (int)offset, (int)limit, &ll, &rows) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < ll.n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I, s:I, s:i, s:o, s:o}", "user_id",
                                               (json_int_t)rows[i].l->user_id, "name", rows[i].l->name, "email",
                                               rows[i].l->email, "units_done", (json_int_t)rows[i].l->units_done,
                                               "time_on_task_ms", (json_int_t)rows[i].act.active_ms, "sessions",
                                               rows[i].act.nsessions, "last_activity",
                                               api_time(r->arena, rows[i].act.last_at), "completed_at",
                                               api_time(r->arena, rows[i].l->completed_at)));
    api_json(r, 200, json_pack("{s:I, s:I, s:o}", "total", (json_int_t)ll.total, "units_required",
                               (json_int_t)course_required_units(r->db, c.id), "items", items));
}

/* GET /api/v1/orgs/{org}/time-rules and PUT {"idle_minutes", "session_cap_minutes"} */
void api_time_rules_get(Req *r)
{
    TimeRules t;
    time_rules_get(r->db, r->org->id, &t);
    api_json(r, 200, json_pack("{s:I, s:I}", "idle_minutes", (json_int_t)t.idle_minutes, "session_cap_minutes",
                               (json_int_t)t.session_cap_minutes));
}

void api_time_rules_put(Req *r)
{
    json_t *b = req_json_or_400(r);
    TimeRules t;
    if (!b) return;
    time_rules_get(r->db, r->org->id, &t);
    if (!api_int(r, b, "idle_minutes", 0, t.idle_minutes, &t.idle_minutes)
        || !api_int(r, b, "session_cap_minutes", 0, t.session_cap_minutes, &t.session_cap_minutes)) return;
    const char *msg, *field = time_rules_check(&t, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return;
    }
    if (time_rules_set(r->db, r->org->id, &t, time_now_us()) != LN_OK) api_error(r, 500, "internal", "saving failed");
    else api_time_rules_get(r);
}
