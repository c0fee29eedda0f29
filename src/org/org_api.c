/* org_api.c — /api/v1 for organisations, members, invitations, import,
 * API tokens. */
#include "org/org.h"
#include "account/account.h"
#include "org/pages.h"
#include "web/api.h"

#include <string.h>

static json_t *org_json(const Org *o)
{
    return json_pack("{s:I,s:s,s:s,s:b,s:s}", "id", (json_int_t)o->id, "slug", o->slug, "name", o->name,
                     "allow_signup", o->allow_signup, "signup_domains", o->signup_domains ? o->signup_domains : "");
}

/* ROUTE: GET /api/v1/orgs — all (platform administrator) or mine. */
void api_orgs_get(Req *r)
{
    OrgList ol;
    bool all = r->user->is_platform_admin && !r->via_token;
    if (org_list(r->db, r->arena, r->user->id, all, &ol) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < ol.n; i++)
        if (!r->via_token || ol.items[i].id == r->token_org_id) json_array_append_new(items, org_json(&ol.items[i]));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/orgs — {"slug", "name", "allow_signup"?, "admin_email"?} */
void api_orgs_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *slug = api_str(r, b, "slug", &bad), *name = api_str(r, b, "name", &bad),
               *admin = api_str(r, b, "admin_email", &bad);
    if (bad) return;
    bool signup = json_is_true(json_object_get(b, "allow_signup"));
    const char *msg;
    int64_t id;
    const char *field = org_create_apply(r, slug, name, signup, admin, &msg, &id);
    if (field && str_eq(msg, "This short name is taken.")) api_error(r, 409, "exists", msg);
    else if (field && *field) api_field_error(r, field, msg);
    else if (field) api_error(r, 500, "internal", msg);
    else {
        Org o;
        org_by_slug(r->db, r->arena, slug, &o);
        api_json(r, 201, org_json(&o));
    }
}

/* ROUTE: GET /api/v1/orgs/{org} */
void api_org_get(Req *r)
{
    json_t *j = org_json(r->org);
    json_object_set_new(j, "role", json_string(role_name(r->role)));
    api_json(r, 200, j);
}

/* ROUTE: GET /api/v1/orgs/{org}/members?q=&offset=&limit= */
void api_members_get(Req *r)
{
    int64_t offset = 0, limit = 100;
    const char *o = req_query(r, "offset"), *l = req_query(r, "limit");
    if ((o && (!str_to_i64(o, &offset) || offset < 0)) || (l && (!str_to_i64(l, &limit) || limit < 1 || limit > 500))) {
        api_error(r, 400, "bad_request", "offset must be ≥ 0 and limit between 1 and 500");
        return;
    }
    MemberList ml;
    if (member_list(r->db, r->arena, r->org->id, req_query(r, "q"), (int)offset, (int)limit, &ml) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < ml.n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:o}", "user_id", (json_int_t)ml.items[i].user_id,
                                               "email", ml.items[i].email, "name", ml.items[i].name, "role",
                                               role_name(ml.items[i].role), "since", api_time(r->arena, ml.items[i].since)));
    api_json(r, 200, json_pack("{s:o,s:i,s:I,s:I}", "items", items, "total", ml.total, "offset",
                               (json_int_t)offset, "limit", (json_int_t)limit));
}

/* ROUTE: PUT /api/v1/orgs/{org}/members/{id}/role — {"role"} */
void api_member_role_put(Req *r)
{
    int64_t uid;
    if (!req_path_id_or_404(r, "id", &uid)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *role = api_str(r, b, "role", &bad);
    if (bad) return;
    if (check_role(role)) {
        api_field_error(r, "role", check_role(role));
        return;
    }
    if (member_role(r->db, r->org->id, uid) == ROLE_NONE) {
        api_error(r, 404, "not_found", "no such member in this organisation");
        return;
    }
    if (role_parse(role) != ROLE_ADMIN && member_is_last_admin(r->db, r->org->id, uid)) {
        api_error(r, 409, "last_admin", "this is the organisation's only administrator; make someone else administrator first");
        return;
    }
    UsTime now = time_now_us();
    member_set(r->db, r->org->id, uid, role_parse(role), now);
    admin_log(r->db, r->org->id, r->user->id, "role", arena_printf(r->arena, "user %lld → %s", (long long)uid, role), now);
    api_json(r, 200, json_pack("{s:I,s:s}", "user_id", (json_int_t)uid, "role", role));
}

/* ROUTE: DELETE /api/v1/orgs/{org}/members/{id} */
void api_member_delete(Req *r)
{
    int64_t uid;
    if (!req_path_id_or_404(r, "id", &uid)) return;
    if (member_role(r->db, r->org->id, uid) == ROLE_NONE) {
        api_error(r, 404, "not_found", "no such member in this organisation");
        return;
    }
    if (uid == r->user->id) {
        api_error(r, 409, "self", "you cannot remove yourself; ask another administrator");
        return;
    }
    if (member_is_last_admin(r->db, r->org->id, uid)) {
        api_error(r, 409, "last_admin", "this is the organisation's only administrator");
        return;
    }
    UsTime now = time_now_us();
    member_remove(r->db, r->org->id, uid);
    admin_log(r->db, r->org->id, r->user->id, "remove", arena_printf(r->arena, "user %lld", (long long)uid), now);
    r->status = 204;
}

/* ROUTE: POST /api/v1/orgs/{org}/invitations — {"email", "role"} */
void api_invitations_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *email = api_str(r, b, "email", &bad), *role = api_str(r, b, "role", &bad);
    if (bad) return;
    if (!role) role = "learner";
    if (check_email(email)) { api_field_error(r, "email", check_email(email)); return; }
    if (check_role(role)) { api_field_error(r, "role", check_role(role)); return; }
    int rc = invite_create(r, r->org->id, email, role_parse(role));
    if (rc == LN_EEXIST) api_error(r, 409, "exists", "this person is already a member");
    else if (rc != LN_OK) api_error(r, 500, "internal", "inviting failed on our side");
    else api_json(r, 201, json_pack("{s:s,s:s}", "email", email_normal(r->arena, email), "role", role));
}

/* ROUTE: POST /api/v1/orgs/{org}/members/import?apply=1 — body: CSV text
 * (email,name,role).  Without apply, the preview only. */
void api_import_post(Req *r)
{
    bool apply = str_eq(req_query(r, "apply"), "1");
    ImportReport rep;
    int rc = org_import_csv(r, r->org->id, r->body, r->body_len, apply, &rep);
    if (rc == LN_EINVAL) { api_error(r, 422, "invalid", "the body must be UTF-8 CSV text"); return; }
    if (rc == LN_ELIMIT) { api_error(r, 413, "too_large", "at most 10,000 lines at once"); return; }
    if (rc != LN_OK) { api_error(r, 500, "internal", "the import failed on our side; nothing was changed"); return; }
    static const char *const actions[] = {"add", "invite", "skip", "error"};
    json_t *lines = json_array();
    for (int i = 0; i < rep.n; i++) {
        ImportLine *l = &rep.lines[i];
        json_t *j = json_pack("{s:i,s:s,s:s}", "line", l->line, "email", l->email, "action", actions[l->action]);
        if (l->role) json_object_set_new(j, "role", json_string(role_name(l->role)));
        if (l->message) json_object_set_new(j, "message", json_string(l->message));
        json_array_append_new(lines, j);
    }
    api_json(r, apply ? 201 : 200, json_pack("{s:b,s:i,s:i,s:i,s:i,s:o}", "applied", apply, "added", rep.added,
                                             "invited", rep.invited, "skipped", rep.skipped, "rejected", rep.errors,
                                             "lines", lines));
}

/* ROUTE: GET /api/v1/orgs/{org}/tokens */
void api_tokens_get(Req *r)
{
    ApiTokenList tl;
    apitoken_list(r->db, r->arena, r->org->id, &tl);
    json_t *items = json_array();
    for (int i = 0; i < tl.n; i++) {
        ApiToken *t = &tl.items[i];
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)t->id,
                                               "name", t->name, "prefix", t->prefix, "role", role_name(t->role),
                                               "owner", t->user_email, "created_at", api_time(r->arena, t->created_at),
                                               "last_used_at", api_time(r->arena, t->last_used_at),
                                               "revoked_at", api_time(r->arena, t->revoked_at)));
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/orgs/{org}/tokens — {"name", "role"}; the token is
 * in the answer once. */
void api_tokens_post(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *name = api_str(r, b, "name", &bad), *role = api_str(r, b, "role", &bad);
    if (bad) return;
    if (!role) role = "admin";
    if (check_name(name)) { api_field_error(r, "name", check_name(name)); return; }
    if (check_role(role)) { api_field_error(r, "role", check_role(role)); return; }
    char tok[TOKEN_CHARS + 5];
    int64_t id;
    UsTime now = time_now_us();
    if (apitoken_create(r->db, r->org->id, r->user->id, name, role_parse(role), now, tok, &id) != LN_OK) {
        api_error(r, 500, "internal", "creating the token failed on our side");
        return;
    }
    admin_log(r->db, r->org->id, r->user->id, "token", name, now);
    api_json(r, 201, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "name", name, "role", role, "token", tok));
}

/* ROUTE: DELETE /api/v1/orgs/{org}/tokens/{id} */
void api_token_delete(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (apitoken_revoke(r->db, r->org->id, id, time_now_us()) != LN_OK)
        api_error(r, 404, "not_found", "no such active token in this organisation");
    else r->status = 204;
}

/* ROUTE: PATCH /api/v1/orgs/{org} — {"name"?, "allow_signup"?, "signup_domains"?} */
void api_org_patch(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *name = api_str(r, b, "name", &bad), *domains = api_str(r, b, "signup_domains", &bad);
    if (bad) return;
    json_t *signup = json_object_get(b, "allow_signup");
    if (signup && !json_is_boolean(signup)) {
        api_field_error(r, "allow_signup", "\"allow_signup\" must be true or false");
        return;
    }
    const char *msg, *field = org_settings_apply(r, name ? name : r->org->name,
                                                 signup ? json_is_true(signup) : r->org->allow_signup,
                                                 domains ? domains : r->org->signup_domains, &msg);
    if (field && *field) api_field_error(r, field, msg);
    else if (field) api_error(r, 500, "internal", msg);
    else api_json(r, 200, org_json(r->org));
}

/* ROUTE: GET /api/v1/orgs/{org}/invitations — pending ones */
void api_invitations_get(Req *r)
{
    InviteList il;
    if (invite_list(r->db, r->arena, r->org->id, time_now_us(), &il) != LN_OK) {
        api_error(r, 500, "internal", "listing failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < il.n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)il.items[i].id, "email",
                                               il.items[i].email, "role", role_name(il.items[i].role), "expires_at",
                                               api_time(r->arena, il.items[i].expires_at)));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: DELETE /api/v1/orgs/{org}/invitations/{id} — withdraw */
void api_invitation_delete(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    UsTime now = time_now_us();
    if (invite_revoke(r->db, r->org->id, id, now) != LN_OK) {
        api_error(r, 404, "not_found", "no such pending invitation in this organisation");
        return;
    }
    admin_log(r->db, r->org->id, r->user->id, "invite_revoke", arena_printf(r->arena, "invitation %lld", (long long)id), now);
    r->status = 204;
}
