/* spoc_page.c — pages of private sessions (SPOC): joining with a code or an
 * invitation link, the staff's panel on the course page, the requests to
 * join and their decisions. */
#include "catalog/catalog.h"
#include "catalog/pages.h"
#include "http/access.h"
#include "mail/mail.h"
#include "web/html.h"
#include "web/i18n.h"

/* ---- joining ---- */

static void join_form(Req *r, const char *code, const char *error)
{
    page_begin(r, T(r, "Join a session"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1><p>%s</p>\n", T(r, "Join a private session"),
            T(r, "Enter the code your trainer gave you, for example K7QF-29XD."));
    html_lit(r, "<form method=\"get\" action=\"/join\">");
    form_input(r, "text", "code", T(r, "Code"), code, error,
               "required autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"64\"");
    form_submit(r, T(r, "Continue"));
    html_lit(r, "</form></section>\n");
    page_end(r);
}

/* ROUTE: GET /join?code= — enter a code; a known one leads to its invitation page. */
void join_page(Req *r)
{
    const char *typed = req_query(r, "code");
    char code[JOIN_CODE_LEN + 1];
    RunRef run;
    if (str_empty(typed)) {
        join_form(r, NULL, NULL);
    } else if (join_code_normal(typed, code) && spoc_run_by_code(r->db, r->arena, code, &run) == LN_OK
               && (run.published || course_staff(r, run.org_id))) {
        req_redirect(r, arena_printf(r->arena, "/join/%s", code));
    } else {
        r->status = 404;
        join_form(r, typed, T(r, "No session has this code. Check it, or ask your trainer: the code may have been replaced by a new one."));
    }
}

/* The run of the code in the path, or a 404 answered.  A draft's page is
 * shown to its organisation's staff only. */
static bool join_run_or_404(Req *r, RunRef *run)
{
    if (spoc_run_by_code(r->db, r->arena, req_path_param(r, "code"), run) == LN_OK
        && (run->published || course_staff(r, run->org_id)))
        return true;
    web_error(r, 404, "not_found",
              T(r, "No session has this code. Check it, or ask your trainer: the code may have been replaced by a new one."));
    return false;
}

static void session_dates(Req *r, UsTime starts, UsTime ends)
{
    if (starts) {
        html_lit(r, " · ");
        html_date(r, starts);
    }
    if (ends) {
        html_lit(r, " → ");
        html_date(r, ends);
    }
}

/* ROUTE: GET /join/{code} — the invitation: the course, the session, and Join or Request to join. */
void join_code_page(Req *r)
{
    RunRef run;
    Course c;
    if (!join_run_or_404(r, &run)) return;
    if (course_load(r->db, r->arena, run.course_id, &c) != LN_OK) {
        web_not_found(r);
        return;
    }
    const char *code = run.join_code;
    page_begin(r, c.title);
    hprintf(r, "<section class=\"card narrow\"><p class=\"muted\">%s · %s</p><h1>%s</h1>", c.org_name,
            T(r, "Private cohort (SPOC)"), c.title);
    if (c.summary[0]) hprintf(r, "<p class=\"lead\">%s</p>", c.summary);
    hprintf(r, "<p><strong>%s</strong>", run.title);
    if (run.starts_at || run.ends_at) {
        html_lit(r, " <span class=\"muted\">");
        session_dates(r, run.starts_at, run.ends_at);
        html_lit(r, "</span>");
    }
    html_lit(r, "</p>\n");
    char *trainer = user_name_of(r->db, r->arena, run.trainer_id);
    if (trainer) hprintf(r, "<p>%s %s</p>\n", T(r, "Your trainer:"), trainer);
    if (!run.published)
        hprintf(r, "<p class=\"notice\">%s</p>\n", T(r, "Draft: learners cannot join until the course is published."));
    JoinRequest q;
    bool have = r->user && spoc_request_of(r->db, r->arena, run.id, r->user->id, &q) == LN_OK;
    UsTime now = time_now_us();
    bool open = !(run.enrol_from && now < run.enrol_from) && !(run.enrol_until && now > run.enrol_until);
    if (!r->user) {
        hprintf(r, "<p>%s</p><p><a class=\"button\" href=\"/signin?next=%s\">%s</a></p>",
                T(r, "Sign in to join this session."), url_encode(r->arena, arena_printf(r->arena, "/join/%s", code)),
                T(r, "Sign in to join"));
    } else if (enrolled(r->db, run.id, r->user->id)) {
        hprintf(r, "<p>%s</p><p><a class=\"button\" href=\"/runs/%lld/learn\">%s</a></p>", T(r, "You are enrolled in this session."),
                (long long)run.id, T(r, "Go to the course"));
    } else if (have && str_eq(q.status, "pending")) {
        hprintf(r, "<p class=\"notice\">%s</p>", T(r, "Your request is waiting for a trainer's approval. You will get an e-mail."));
    } else if (have && str_eq(q.status, "refused")) {
        hprintf(r, "<p class=\"alert\">%s</p>", T(r, "A trainer declined your request to join this session."));
    } else if (!open) {
        hprintf(r, "<p class=\"alert\">%s</p>", T(r, "Enrolment in this session is closed."));
    } else if (run.published) {
        bool ask = run.approval && !have;
        form_begin(r, arena_printf(r->arena, "/join/%s", code));
        if (ask) {
            hprintf(r, "<p>%s</p>", T(r, "A trainer approves each request to join; you will get an e-mail with the answer."));
            hprintf(r, "<div class=\"field\"><label for=\"f-message\">%s</label>"
                       "<textarea id=\"f-message\" name=\"message\" rows=\"3\" maxlength=\"2000\"></textarea></div>",
                    T(r, "Message to the trainer (optional)"));
        }
        form_submit(r, ask ? T(r, "Request to join") : T(r, "Join"));
        form_end(r);
    }
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: POST /join/{code} — message (with approval) */
void join_code_post(Req *r)
{
    RunRef run;
    if (!join_run_or_404(r, &run)) return;
    JoinResult res;
    const char *why;
    int rc = spoc_join(r, &run, req_form(r, "message"), &res, &why);
    if (rc == LN_OK && res == JOIN_ENROLLED) {
        page_flash(r, T(r, "You are enrolled. Welcome!"));
        req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)run.course_id));
    } else if (rc == LN_OK) {
        page_flash(r, T(r, "Your request is sent. You will get an e-mail when a trainer has answered."));
        req_redirect(r, "/");
    } else if (rc == LN_NOTFOUND) {
        web_error(r, 404, "not_found", T(r, "This course is not open yet."));
    } else if (rc == LN_EINVAL) {
        web_error(r, 422, "invalid", T(r, "The message is too long (2,000 characters at most) or not valid text."));
    } else if (rc == LN_EPERM || rc == LN_ELIMIT) {
        web_error(r, 409, "closed", i18n_get(r->lang, why));
    } else {
        web_error(r, 500, "internal", T(r, "Saving failed on our side."));
    }
}

/* ---- the staff's panel on the course page ---- */

void spoc_staff_panel(Req *r, const Course *c, const CourseRun *cr)
{
    RunRef run;
    PersonList staff;
    if (run_ref(r->db, r->arena, c->org_id, cr->id, &run) != LN_OK) return;
    run_trainer_choices(r->db, r->arena, c->org_id, &staff);
    long long id = (long long)run.id;
    html_lit(r, "<div class=\"spoc-admin\">");
    if (run.join_code)
        hprintf(r, "<p>%s <code class=\"invite-link\">%s/join/%s</code><br>%s <strong class=\"join-code\">%s</strong></p>",
                T(r, "Invitation link:"), mail_base_url(r), run.join_code, T(r, "Code:"), run.join_code);
    else
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No join code yet."));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/code", c->org_slug, id));
    hprintf(r, "<button type=\"submit\" class=\"button small secondary\" data-confirm=\"%s\">%s</button>",
            T(r, "The current link and code will stop working. Make a new code?"), T(r, "New code"));
    form_end(r);
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/settings", c->org_slug, id));
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-approval-%lld\" name=\"approval\" value=\"1\"%s>"
               "<label for=\"f-approval-%lld\">%s</label></div>",
            id, run.approval ? " checked" : "", id, T(r, "Requests to join need a trainer's approval"));
    hprintf(r, "<div class=\"field\"><label for=\"f-trainer-%lld\">%s</label><select id=\"f-trainer-%lld\" name=\"trainer_id\">"
               "<option value=\"\">%s</option>", id, T(r, "Named trainer"), id, T(r, "None"));
    for (int i = 0; i < staff.n; i++)
        hprintf(r, "<option value=\"%lld\"%s>%s (%s)</option>", (long long)staff.items[i].id,
                staff.items[i].id == run.trainer_id ? " selected" : "", staff.items[i].name, staff.items[i].email);
    hprintf(r, "</select></div><button type=\"submit\" class=\"button small secondary\">%s</button>", T(r, "Save"));
    form_end(r);
    hprintf(r, "<p><a href=\"/o/%s/runs/%lld/requests\">%s</a> <span class=\"muted\">(%lld %s)</span></p></div>",
            c->org_slug, id, T(r, "Requests to join"), (long long)spoc_pending_count(r->db, run.id), T(r, "waiting"));
}

/* The SPOC session {id} of r->org, or an error answered. */
static bool org_spoc_or_error(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) != LN_OK) {
        web_not_found(r);
        return false;
    }
    if (!str_eq(run->visibility, "spoc")) {
        web_error(r, 422, "invalid", T(r, "Only private (SPOC) sessions have a join code, approval and requests."));
        return false;
    }
    return true;
}

static void back_to_course(Req *r, const RunRef *run, const char *flash)
{
    page_flash(r, flash);
    req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)run->course_id));
}

/* ROUTE: POST /o/{org}/runs/{id}/code — a new join code; the old one stops working. */
void org_run_code_post(Req *r)
{
    RunRef run;
    char code[JOIN_CODE_LEN + 1];
    if (!org_spoc_or_error(r, &run)) return;
    if (spoc_code_rotate(r->db, run.id, time_now_us(), code) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Saving failed on our side."));
        return;
    }
    back_to_course(r, &run, T(r, "New code made: the previous link and code no longer work."));
}

/* ROUTE: POST /o/{org}/runs/{id}/settings — approval=1, trainer_id (empty: none) */
void org_run_settings_post(Req *r)
{
    RunRef run;
    if (!org_spoc_or_error(r, &run)) return;
    int64_t trainer = 0;
    const char *t = req_form(r, "trainer_id");
    if (!str_empty(t) && (!str_to_i64(t, &trainer) || trainer < 1)) trainer = -2;
    int rc = trainer == -2 ? LN_EINVAL
           : spoc_settings(r->db, &run, str_eq(req_form(r, "approval"), "1"), trainer, time_now_us());
    if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "Choose a trainer or an administrator of this organisation."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Saving failed on our side."));
    else back_to_course(r, &run, T(r, "The session's settings are saved."));
}

/* ---- requests to join (staff) ---- */

/* ROUTE: GET /o/{org}/runs/{id}/requests — waiting requests with Approve / Refuse, then the decisions. */
void org_run_requests_page(Req *r)
{
    RunRef run;
    Course c;
    JoinRequestList all;
    if (!org_spoc_or_error(r, &run)) return;
    course_load(r->db, r->arena, run.course_id, &c);
    spoc_requests(r->db, r->arena, run.id, NULL, &all);
    page_begin(r, T(r, "Requests to join"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n<p><a href=\"/courses/%lld\">%s</a> · %s</p>\n",
            T(r, "Requests to join"), run.title, (long long)run.course_id, c.title,
            run.approval ? T(r, "Requests to join need a trainer's approval.") : T(r, "Anyone with the code joins at once."));
    int pending = 0;
    for (int i = 0; i < all.n; i++) pending += str_eq(all.items[i].status, "pending");
    hprintf(r, "<section class=\"card\"><h2>%s</h2>\n", T(r, "Waiting for a decision"));
    if (!pending) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No request is waiting."));
    else hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                 T(r, "Learner"), T(r, "Requested on"), T(r, "Message"), T(r, "Decision"));
    for (int i = 0; i < all.n; i++) {
        const JoinRequest *q = &all.items[i];
        if (!str_eq(q->status, "pending")) continue;
        hprintf(r, "<tr><td>%s<br><span class=\"muted\">%s</span></td><td>", q->user_name, q->user_email);
        html_date(r, q->created_at);
        hprintf(r, "</td><td>%s</td><td>", q->message);
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/requests/%lld/approve", r->org->slug, (long long)run.id,
                                   (long long)q->id));
        hprintf(r, "<label class=\"sr-only\" for=\"f-reply-%lld\">%s</label>"
                   "<input id=\"f-reply-%lld\" name=\"reply\" maxlength=\"2000\" placeholder=\"%s\">"
                   "<div class=\"inline\"><button type=\"submit\" class=\"button small\">%s</button> "
                   "<button type=\"submit\" class=\"button small secondary\" formaction=\"/o/%s/runs/%lld/requests/%lld/refuse\">%s</button></div>",
                (long long)q->id, T(r, "Message to the learner (optional)"), (long long)q->id,
                T(r, "Message to the learner (optional)"), T(r, "Approve"), r->org->slug, (long long)run.id,
                (long long)q->id, T(r, "Refuse"));
        form_end(r);
        html_lit(r, "</td></tr>\n");
    }
    if (pending) html_lit(r, "</tbody></table></div>\n");
    html_lit(r, "</section>\n");
    if (pending < all.n) {
        hprintf(r, "<section class=\"card\"><h2>%s</h2><div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "</tr></thead><tbody>\n", T(r, "Decided"), T(r, "Learner"), T(r, "Decision"), T(r, "By"), T(r, "Answer"));
        for (int i = 0; i < all.n; i++) {
            const JoinRequest *q = &all.items[i];
            if (str_eq(q->status, "pending")) continue;
            hprintf(r, "<tr><td>%s<br><span class=\"muted\">%s</span></td><td>%s · ", q->user_name, q->user_email,
                    str_eq(q->status, "approved") ? T(r, "approved") : T(r, "refused"));
            html_date(r, q->decided_at);
            hprintf(r, "</td><td>%s</td><td>%s</td></tr>\n", q->decided_by_name ? q->decided_by_name : "", q->reply);
        }
        html_lit(r, "</tbody></table></div></section>\n");
    }
    page_end(r);
}

static void decide(Req *r, bool approve)
{
    RunRef run;
    int64_t rid;
    JoinRequest q;
    if (!org_spoc_or_error(r, &run) || !req_path_id_or_404(r, "rid", &rid)) return;
    int rc = spoc_decide(r, &run, rid, approve, req_form(r, "reply"), &q);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EEXIST) web_error(r, 409, "decided", T(r, "This request was already decided."));
    else if (rc == LN_ELIMIT) web_error(r, 409, "full", T(r, "This session is full."));
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "The message is too long (2,000 characters at most) or not valid text."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Saving failed on our side."));
    else {
        page_flash(r, arena_printf(r->arena, "%s %s", approve ? T(r, "Approved:") : T(r, "Refused:"), q.user_name));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/requests", r->org->slug, (long long)run.id));
    }
}

/* ROUTE: POST /o/{org}/runs/{id}/requests/{rid}/approve — reply (optional) */
void org_run_request_approve_post(Req *r) { decide(r, true); }

/* ROUTE: POST /o/{org}/runs/{id}/requests/{rid}/refuse — reply (optional) */
void org_run_request_refuse_post(Req *r) { decide(r, false); }
