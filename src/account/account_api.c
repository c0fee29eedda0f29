/* account_api.c — /api/v1 for sessions, the current user, sign-up and
 * password reset. */
#include "account/account.h"
#include "account/pages.h"
#include "http/access.h"
#include "org/org.h"
#include "web/api.h"
#include "web/i18n.h"

json_t *api_user_json(Req *r, const User *u);

/* {"id", "email", "name", "lang", "platform_admin", "orgs": [{slug, name, role}]} */
json_t *api_user_json(Req *r, const User *u)
{
    json_t *orgs = json_array();
    OrgList ol;
    if (org_list(r->db, r->arena, u->id, false, &ol) == LN_OK)
        for (int i = 0; i < ol.n; i++)
            json_array_append_new(orgs, json_pack("{s:s,s:s,s:s}", "slug", ol.items[i].slug, "name",
                                                  ol.items[i].name, "role", role_name(ol.items[i].viewer_role)));
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o}", "id", (json_int_t)u->id, "email", u->email, "name", u->name,
                     "lang", u->lang, "platform_admin", u->is_platform_admin, "orgs", orgs);
}

/* ROUTE: POST /api/v1/session — {"email", "password"}: sets the session
 * cookie and returns the user and the CSRF token for later calls. */
void api_session_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *email = api_str(r, b, "email", &bad), *pw = api_str(r, b, "password", &bad);
    if (bad) return;
    User u;
    int rc = account_signin(r->db, r->arena, email, pw, r->client_ip, time_now_us(), &u);
    if (rc == LN_ELIMIT) {
        req_set_header(r, "Retry-After", "900");
        api_error(r, 429, "rate_limited", "too many failed sign-ins; wait 15 minutes or reset the password");
    } else if (rc == LN_EINVAL) {
        api_error(r, 401, "bad_credentials", "the e-mail or the password is wrong");
    } else if (rc != LN_OK || account_start_session(r, &u) != LN_OK) {
        api_error(r, 500, "internal", "signing in failed on our side");
    } else {
        json_t *j = api_user_json(r, &u);
        json_object_set_new(j, "csrf_token", json_string(access_csrf_token(r)));
        api_json(r, 201, j);
    }
}

/* ROUTE: DELETE /api/v1/session — sign out (cookie sessions). */
void api_session_delete(Req *r)
{
    if (r->session_token) session_delete(r->db, r->session_token);
    req_set_header(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    r->status = 204;
}

/* ROUTE: GET /api/v1/me */
void api_me_get(Req *r)
{
    json_t *j = api_user_json(r, r->user);
    if (r->session_token) json_object_set_new(j, "csrf_token", json_string(access_csrf_token(r)));
    api_json(r, 200, j);
}

/* ROUTE: PATCH /api/v1/me — {"name"?, "lang"?} */
void api_me_patch(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *name = api_str(r, b, "name", &bad), *lang = api_str(r, b, "lang", &bad);
    if (bad) return;
    if (!name) name = r->user->name;
    if (!lang) lang = r->user->lang;
    if (check_name(name)) {
        api_field_error(r, "name", check_name(name));
        return;
    }
    if (!i18n_supported(lang)) {
        api_field_error(r, "lang", "\"lang\" must be \"en\" or \"fr\"");
        return;
    }
    if (user_update_profile(r->db, r->user->id, name, lang, time_now_us()) != LN_OK) {
        api_error(r, 500, "internal", "saving failed on our side");
        return;
    }
    User u;
    user_load(r->db, r->arena, r->user->id, &u);
    api_json(r, 200, api_user_json(r, &u));
}

/* ROUTE: POST /api/v1/me/password — {"current", "password"} */
void api_me_password_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *cur = api_str(r, b, "current", &bad), *pw = api_str(r, b, "password", &bad);
    if (bad) return;
    const char *msg, *field = account_change_password(r, cur ? cur : "", pw, &msg);
    if (field && *field) api_field_error(r, field, msg);
    else if (field) api_error(r, 500, "internal", msg);
    else r->status = 204;
}

/* ROUTE: POST /api/v1/orgs/{org}/signup — {"email", "name", "password"} */
void api_signup_post(Req *r)
{
    if (!r->org->allow_signup) {
        api_error(r, 403, "signup_closed", "this organisation does not take sign-ups");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *email = api_str(r, b, "email", &bad), *name = api_str(r, b, "name", &bad),
               *pw = api_str(r, b, "password", &bad);
    if (bad) return;
    const char *msg, *field = signup_apply(r, email, name, pw, &msg);
    if (field && *field) {
        if (str_eq(msg, "An account already uses this e-mail address. Sign in instead."))
            api_error(r, 409, "exists", msg);
        else api_field_error(r, field, msg);
    } else if (field) {
        api_error(r, 500, "internal", msg);
    } else {
        json_t *j = api_user_json(r, r->user);
        json_object_set_new(j, "csrf_token", json_string(access_csrf_token(r)));
        api_json(r, 201, j);
    }
}

/* ROUTE: POST /api/v1/password/forgot — {"email"}; always 202. */
void api_password_forgot_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *email = api_str(r, b, "email", &bad);
    if (bad) return;
    if (reset_request(r, email ? email : "") != LN_OK) api_error(r, 500, "internal", "sending failed on our side");
    else api_json(r, 202, json_pack("{s:s}", "message", "if an account uses this address, a link is on its way"));
}

/* ROUTE: POST /api/v1/password/reset — {"token", "password"} */
void api_password_reset_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *tok = api_str(r, b, "token", &bad), *pw = api_str(r, b, "password", &bad);
    if (bad) return;
    int rc = reset_complete(r->db, tok, pw, time_now_us());
    if (rc == LN_EINVAL) api_field_error(r, "password", check_password(pw));
    else if (rc == LN_NOTFOUND) api_error(r, 404, "bad_token", "this reset token is unknown, used or expired");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else r->status = 204;
}
