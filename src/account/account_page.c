/* account_page.c — sign in and out, sign up, password reset, profile,
 * language, and the home page. */
#include "account/account.h"
#include "account/pages.h"
#include "attendance/pages.h"
#include "catalog/catalog.h"
#include "http/access.h"
#include "http/app.h"
#include "org/org.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

/* Only local paths are followed after sign-in (no open redirect). */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, '\r') || strchr(next, '\n'))
        return "/";
    return next;
}

/* ---- home ---- */

static void home_signed_out(Req *r)
{
    page_begin(r, T(r, "Welcome"));
    hprintf(r, "<section class=\"hero\"><h1>%s</h1><p class=\"lead\">%s</p>"
               "<p><a class=\"button\" href=\"/signin\">%s</a></p></section>\n",
            T(r, "Learning that counts, and proof that it happened."),
            T(r, "Courses, live sessions, assessments and certificates, with every piece of evidence verifiable offline."),
            T(r, "Sign in"));
    page_end(r);
}

/* The sessions the user is enrolled in, with the way to the catalog; none
 * for staff who follow no course (their courses are on the organisation's
 * card). */
static void my_courses(Req *r, bool staff)
{
    EnrolmentList el;
    enrolment_list(r->db, r->arena, r->user->id, &el);
    if (el.n == 0 && staff) return;
    hprintf(r, "<section class=\"card\"><h2>%s</h2>\n", T(r, "My courses"));
    if (el.n == 0)
        hprintf(r, "<p class=\"muted\">%s <a href=\"/courses\">%s</a></p>", T(r, "You are not enrolled in any course yet."),
                T(r, "Browse the catalog"));
    html_lit(r, "<ul class=\"plain my-courses\">\n");
    for (int i = 0; i < el.n; i++) {
        const Enrolment *e = &el.items[i];
        int pct = e->units_required ? (int)(e->units_done * 100 / e->units_required) : 0;
        hprintf(r, "<li><div class=\"spread\"><span><a href=\"/courses/%lld\">%s</a> <span class=\"muted\">%s · %s</span></span>"
                   "<a class=\"button small\" href=\"/runs/%lld/learn\">%s</a></div>",
                (long long)e->course_id, e->course_title, e->run_title, e->org_name, (long long)e->run_id,
                e->completed_at ? T(r, "Review") : e->last_unit_id ? T(r, "Continue") : T(r, "Start"));
        hprintf(r, "<p class=\"progress\"><progress max=\"100\" value=\"%d\" aria-label=\"%s\"></progress> ", pct,
                T(r, "Progress"));
        if (e->completed_at) {
            hprintf(r, "<span>%s ", T(r, "Completed on"));
            html_date(r, e->completed_at);
            html_lit(r, "</span>");
        } else {
            hprintf(r, "<span>%d %% · %lld/%lld", pct, (long long)e->units_done, (long long)e->units_required);
            if (e->ends_at) {
                hprintf(r, " · %s ", T(r, "ends on"));
                html_date(r, e->ends_at);
            }
            html_lit(r, "</span>");
        }
        html_lit(r, "</p></li>\n");
    }
    html_lit(r, "</ul>\n");
    JoinRequestList waiting;
    if (spoc_my_pending(r->db, r->arena, r->user->id, &waiting) == LN_OK && waiting.n > 0) {
        hprintf(r, "<h3>%s</h3><ul class=\"plain my-requests\">\n", T(r, "Waiting for approval"));
        for (int i = 0; i < waiting.n; i++) {
            const JoinRequest *q = &waiting.items[i];
            hprintf(r, "<li><span>%s</span><span class=\"muted\">%s · %s · %s ", q->course_title, q->run_title, q->org_name,
                    T(r, "requested on"));
            html_date(r, q->created_at);
            html_lit(r, "</span></li>\n");
        }
        html_lit(r, "</ul>\n");
    }
    hprintf(r, "<p class=\"muted\"><a href=\"/join\">%s</a></p></section>\n", T(r, "Have a code from your trainer? Join a session"));
}

/* Sessions to attend or lead, deadlines and closing quizzes, soonest first. */
static void coming_up(Req *r)
{
    UpcomingList ul;
    if (upcoming_list(r->db, r->arena, r->user->id, time_now_us(), 8, &ul) != LN_OK || ul.n == 0) return;
    hprintf(r, "<section class=\"card\"><h2>%s</h2><ul class=\"plain coming-up\">\n", T(r, "Coming up"));
    for (int i = 0; i < ul.n; i++) {
        const Upcoming *u = &ul.items[i];
        bool lead = str_eq(u->kind, "lead");
        if (lead)
            hprintf(r, "<li><div><a href=\"/o/%s/sessions/%lld\">%s</a>", u->org_slug, (long long)u->session_id,
                    u->title);
        else if (u->unit_id)
            hprintf(r, "<li><div><a href=\"/runs/%lld/units/%lld\">%s</a>", (long long)u->run_id, (long long)u->unit_id,
                    u->title);
        else hprintf(r, "<li><div><a href=\"/runs/%lld/learn\">%s</a>", (long long)u->run_id, u->title);
        hprintf(r, " <span class=\"muted\">· %s</span><br>", u->course_title);
        if (lead || str_eq(u->kind, "session")) {
            LiveSession s = {.starts_at = u->at, .ends_at = u->ends_at, .utc_offset_min = u->utc_offset_min};
            hprintf(r, "%s · ", lead ? T(r, "You lead this session") : T(r, "Live session"));
            att_when(r, &s);
        } else {
            hprintf(r, "%s ", str_eq(u->kind, "submit") ? T(r, "Submit by")
                              : str_eq(u->kind, "review") ? T(r, "Review by") : T(r, "Quiz closes on"));
            html_moment(r, u->at);
        }
        html_lit(r, "</div></li>\n");
    }
    html_lit(r, "</ul></section>\n");
}

/* ROUTE: GET / — the signed-in user's organisations, or the welcome page. */
void home_page(Req *r)
{
    if (!r->user) {
        home_signed_out(r);
        return;
    }
    OrgList orgs;
    org_list(r->db, r->arena, r->user->id, r->user->is_platform_admin, &orgs);
    page_begin(r, T(r, "Home"));
    hprintf(r, "<h1>%s, %s</h1>\n", T(r, "Welcome"), r->user->name);
    bool staff = r->user->is_platform_admin;
    for (int i = 0; i < orgs.n; i++)
        if (orgs.items[i].viewer_role == ROLE_ADMIN || orgs.items[i].viewer_role == ROLE_TRAINER) staff = true;
    my_courses(r, staff);
    coming_up(r);
    if (orgs.n == 0)
        hprintf(r, "<p class=\"lead\">%s</p>\n", T(r, "You do not belong to any organisation yet. Ask an administrator to invite you."));
    html_lit(r, "<div class=\"grid\">\n");
    for (int i = 0; i < orgs.n; i++) {
        Role role = orgs.items[i].viewer_role;
        hprintf(r, "<article class=\"card\"><h2><a href=\"/o/%s\">%s</a></h2><p class=\"muted\">%s</p>",
                orgs.items[i].slug, orgs.items[i].name,
                role ? role_label(r->lang, role) : T(r, "platform administrator"));
        if (role == ROLE_ADMIN || role == ROLE_TRAINER || r->user->is_platform_admin)
            hprintf(r, "<p><a class=\"button secondary\" href=\"/o/%s/courses\">%s</a> "
                       "<a class=\"button secondary\" href=\"/o/%s/programmes\">%s</a></p>", orgs.items[i].slug,
                    T(r, "Courses"), orgs.items[i].slug, T(r, "Programmes"));
        if (role == ROLE_ADMIN || r->user->is_platform_admin)
            hprintf(r, "<p><a class=\"button secondary\" href=\"/o/%s/admin/users\">%s</a></p>",
                    orgs.items[i].slug, T(r, "Manage people"));
        if (role == ROLE_LEARNER)
            hprintf(r, "<p><a class=\"button secondary\" href=\"/o/%s/attendance/mine\">%s</a></p>",
                    orgs.items[i].slug, T(r, "My attendance"));
        html_lit(r, "</article>\n");
    }
    html_lit(r, "</div>\n");
    page_end(r);
}

/* ---- sign in ---- */

static void signin_form(Req *r, const char *email, const char *error)
{
    page_begin(r, T(r, "Sign in"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1>\n", T(r, "Sign in"));
    if (error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>\n", error);
    form_begin(r, "/signin");
    hprintf(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">", safe_next(req_query(r, "next") ? req_query(r, "next") : req_form(r, "next")));
    form_input(r, "email", "email", T(r, "E-mail"), email, NULL, "required autocomplete=\"username\" autofocus");
    form_input(r, "password", "password", T(r, "Password"), NULL, NULL, "required autocomplete=\"current-password\"");
    form_submit(r, T(r, "Sign in"));
    form_end(r);
    hprintf(r, "<p><a href=\"/password/forgot\">%s</a></p></section>\n", T(r, "Forgot your password?"));
    page_end(r);
}

/* ROUTE: GET /signin?next= */
void signin_page(Req *r)
{
    if (r->user) {
        req_redirect(r, safe_next(req_query(r, "next")));
        return;
    }
    signin_form(r, NULL, NULL);
}

/* ROUTE: POST /signin — email, password, next */
void signin_post(Req *r)
{
    const char *email = req_form(r, "email");
    User u;
    int rc = account_signin(r->db, r->arena, email, req_form(r, "password"), r->client_ip, time_now_us(), &u);
    if (rc == LN_OK && account_start_session(r, &u) == LN_OK) {
        req_redirect(r, safe_next(req_form(r, "next")));
        return;
    }
    r->status = rc == LN_ELIMIT ? 429 : rc == LN_EINVAL ? 401 : 500;
    signin_form(r, email, rc == LN_ELIMIT ? T(r, "Too many failed attempts. Wait 15 minutes, or reset your password.")
                          : rc == LN_EINVAL ? T(r, "The e-mail or the password is wrong.")
                          : T(r, "Signing in failed on our side. Try again in a moment."));
}

/* ROUTE: POST /signout */
void signout_post(Req *r)
{
    if (r->session_token) session_delete(r->db, r->session_token);
    req_set_header(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    req_redirect(r, "/");
}

/* ---- language ---- */

/* ROUTE: POST /lang — lang, next.  Stored on the account and in a cookie. */
void lang_post(Req *r)
{
    const char *lang = i18n_supported(req_form(r, "lang"));
    if (!lang) {
        web_error(r, 400, "bad_lang", T(r, "This language is not available."));
        return;
    }
    req_set_cookie(r, LANG_COOKIE, lang, 365 * 86400);
    if (r->user) user_update_profile(r->db, r->user->id, r->user->name, lang, time_now_us());
    req_redirect(r, safe_next(req_form(r, "next")));
}

/* ---- sign up (where the organisation allows it) ---- */

static bool signup_domain_ok(const Org *o, const char *email)
{
    if (str_empty(o->signup_domains)) return true;
    const char *at = strrchr(email, '@');
    if (!at) return false;
    char *list = xstrdup(o->signup_domains), *save = NULL;
    bool ok = false;
    for (char *d = strtok_r(list, ", ", &save); d && !ok; d = strtok_r(NULL, ", ", &save))
        ok = str_ieq(d, at + 1);
    free(list);
    return ok;
}

static void signup_form(Req *r, const char *email, const char *name, const char *field, const char *error)
{
    page_begin(r, T(r, "Create your account"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1><p class=\"lead\">%s</p>\n",
            T(r, "Create your account"), r->org->name);
    form_begin(r, arena_printf(r->arena, "/o/%s/signup", r->org->slug));
    form_input(r, "text", "name", T(r, "Full name"), name, str_eq(field, "name") ? error : NULL, "required autocomplete=\"name\"");
    form_input(r, "email", "email", T(r, "E-mail"), email, str_eq(field, "email") ? error : NULL, "required autocomplete=\"email\"");
    form_input(r, "password", "password", T(r, "Password (at least 10 characters)"), NULL,
               str_eq(field, "password") ? error : NULL, "required minlength=\"10\" autocomplete=\"new-password\"");
    form_submit(r, T(r, "Create my account"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* Shared by the page and the API: returns the field in error, or NULL and
 * signs the new learner in. */
const char *signup_apply(Req *r, const char *email, const char *name, const char *password, const char **msg)
{
    const char *field = NULL;
    if ((*msg = check_name(name))) field = "name";
    else if ((*msg = check_email(email))) field = "email";
    else if (!signup_domain_ok(r->org, email_normal(r->arena, email))) {
        field = "email";
        *msg = "Sign-up here is for the organisation's own e-mail addresses.";
    } else if ((*msg = check_password(password))) field = "password";
    if (field) return field;
    int64_t uid;
    UsTime now = time_now_us();
    if (db_begin(r->db) != DB_DONE) { *msg = "Signing up failed on our side."; return ""; }
    int rc = user_create(r->db, email, name, password, r->lang, false, now, &uid);
    if (rc == LN_OK) rc = member_set(r->db, r->org->id, uid, ROLE_LEARNER, now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        *msg = rc == LN_EEXIST ? "An account already uses this e-mail address. Sign in instead."
                               : "Signing up failed on our side.";
        return rc == LN_EEXIST ? "email" : "";
    }
    User u;
    if (user_load(r->db, r->arena, uid, &u) == LN_OK) account_start_session(r, &u);
    return NULL;
}

/* ROUTE: GET /o/{org}/signup */
void signup_page(Req *r)
{
    if (!r->org->allow_signup) {
        web_error(r, 403, "signup_closed", T(r, "This organisation does not take sign-ups. Ask its administrator for an invitation."));
        return;
    }
    signup_form(r, NULL, NULL, NULL, NULL);
}

/* ROUTE: POST /o/{org}/signup — name, email, password */
void signup_post(Req *r)
{
    if (!r->org->allow_signup) {
        signup_page(r);
        return;
    }
    const char *msg;
    const char *field = signup_apply(r, req_form(r, "email"), req_form(r, "name"), req_form(r, "password"), &msg);
    if (!field) {
        page_flash(r, T(r, "Your account is ready."));
        req_redirect(r, arena_printf(r->arena, "/o/%s", r->org->slug));
        return;
    }
    r->status = *field ? 422 : 500;
    signup_form(r, req_form(r, "email"), req_form(r, "name"), field, i18n_get(r->lang, msg));
}

/* ---- password reset ---- */

/* ROUTE: GET /password/forgot */
void forgot_page(Req *r)
{
    page_begin(r, T(r, "Forgot your password?"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1><p>%s</p>\n", T(r, "Forgot your password?"),
            T(r, "Enter your e-mail address and we will send you a link to choose a new password."));
    form_begin(r, "/password/forgot");
    form_input(r, "email", "email", T(r, "E-mail"), NULL, NULL, "required autocomplete=\"email\"");
    form_submit(r, T(r, "Send the link"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: POST /password/forgot — email */
void forgot_post(Req *r)
{
    if (reset_request(r, req_form(r, "email")) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Sending the link failed on our side. Try again in a moment."));
        return;
    }
    page_flash(r, T(r, "If an account uses this address, a link to reset its password is on its way."));
    req_redirect(r, "/signin");
}

static void reset_form(Req *r, const char *token, const char *error)
{
    page_begin(r, T(r, "Choose a new password"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1>\n", T(r, "Choose a new password"));
    form_begin(r, "/password/reset");
    hprintf(r, "<input type=\"hidden\" name=\"token\" value=\"%s\">", token);
    form_input(r, "password", "password", T(r, "New password (at least 10 characters)"), NULL, error,
               "required minlength=\"10\" autocomplete=\"new-password\"");
    form_submit(r, T(r, "Save the password"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: GET /password/reset?token= */
void reset_page(Req *r)
{
    const char *token = req_query(r, "token");
    if (reset_check(r->db, token, time_now_us()) != LN_OK) {
        web_error(r, 404, "bad_link", T(r, "This link is unknown, already used or expired. Ask for a new one."));
        return;
    }
    reset_form(r, token, NULL);
}

/* ROUTE: POST /password/reset — token, password */
void reset_post(Req *r)
{
    const char *token = req_form(r, "token");
    int rc = reset_complete(r->db, token, req_form(r, "password"), time_now_us());
    if (rc == LN_EINVAL) {
        r->status = 422;
        reset_form(r, token ? token : "", i18n_get(r->lang, check_password(req_form(r, "password"))));
    } else if (rc != LN_OK) {
        web_error(r, rc == LN_NOTFOUND ? 404 : 500, "bad_link",
                  T(r, "This link is unknown, already used or expired. Ask for a new one."));
    } else {
        page_flash(r, T(r, "Your password is changed. Sign in with it."));
        req_redirect(r, "/signin");
    }
}

/* ---- my account ---- */

static void account_render(Req *r, const char *field, const char *error)
{
    page_begin(r, T(r, "Your account"));
    hprintf(r, "<h1>%s</h1>\n<div class=\"grid\">\n<section class=\"card\"><h2>%s</h2>\n",
            T(r, "Your account"), T(r, "Profile"));
    form_begin(r, "/account/profile");
    form_input(r, "text", "name", T(r, "Full name"), r->user->name, str_eq(field, "name") ? error : NULL, "required");
    hprintf(r, "<div class=\"field\"><label for=\"f-lang\">%s</label><select id=\"f-lang\" name=\"lang\">"
               "<option value=\"en\"%s>English</option><option value=\"fr\"%s>Français</option></select></div>",
            T(r, "Language"), str_eq(r->user->lang, "en") ? " selected" : "", str_eq(r->user->lang, "fr") ? " selected" : "");
    hprintf(r, "<p class=\"muted\">%s %s</p>", T(r, "E-mail:"), r->user->email);
    form_submit(r, T(r, "Save"));
    form_end(r);
    hprintf(r, "<p><a href=\"/me/certificates\">%s</a></p>", T(r, "My certificates"));
    hprintf(r, "</section>\n<section class=\"card\"><h2>%s</h2>\n", T(r, "Password"));
    form_begin(r, "/account/password");
    form_input(r, "password", "current", T(r, "Current password"), NULL, str_eq(field, "current") ? error : NULL,
               "required autocomplete=\"current-password\"");
    form_input(r, "password", "password", T(r, "New password (at least 10 characters)"), NULL,
               str_eq(field, "password") ? error : NULL, "required minlength=\"10\" autocomplete=\"new-password\"");
    form_submit(r, T(r, "Change the password"));
    form_end(r);
    html_lit(r, "</section>\n</div>\n");
    page_end(r);
}

/* ROUTE: GET /account */
void account_page(Req *r) { account_render(r, NULL, NULL); }

/* ROUTE: POST /account/profile — name, lang */
void account_profile_post(Req *r)
{
    const char *name = req_form(r, "name"), *lang = req_form(r, "lang");
    const char *err = check_name(name);
    if (!err && !i18n_supported(lang)) err = "This language is not available.";
    if (err) {
        r->status = 422;
        account_render(r, "name", i18n_get(r->lang, err));
        return;
    }
    if (user_update_profile(r->db, r->user->id, name, lang, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Saving failed on our side."));
        return;
    }
    req_set_cookie(r, LANG_COOKIE, lang, 365 * 86400);
    page_flash(r, i18n_get(lang, "Your profile is saved."));
    req_redirect(r, "/account");
}

/* Shared by page and API: returns the field in error or NULL. */
const char *account_change_password(Req *r, const char *current, const char *password, const char **msg)
{
    User u;
    if (account_signin(r->db, r->arena, r->user->email, current, r->client_ip, time_now_us(), &u) != LN_OK) {
        *msg = "The current password is wrong.";
        return "current";
    }
    if ((*msg = check_password(password))) return "password";
    if (user_set_password(r->db, r->user->id, password, time_now_us()) != LN_OK) {
        *msg = "Saving failed on our side.";
        return "";
    }
    session_delete_others(r->db, r->user->id, r->session_token);
    return NULL;
}

/* ROUTE: POST /account/password — current, password */
void account_password_post(Req *r)
{
    const char *msg;
    const char *field = account_change_password(r, req_form(r, "current"), req_form(r, "password"), &msg);
    if (field) {
        r->status = *field ? 422 : 500;
        account_render(r, field, i18n_get(r->lang, msg));
        return;
    }
    page_flash(r, T(r, "Your password is changed. Other devices were signed out."));
    req_redirect(r, "/account");
}
