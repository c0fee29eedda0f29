/* org_page.c — organisation page, people administration (members, roles,
 * invitations, CSV import), API tokens, accepting an invitation, and the
 * platform administrator's list of organisations. */
#include "org/org.h"
#include "account/account.h"
#include "account/pages.h"
#include "evidence/pages.h"
#include "http/access.h"
#include "org/pages.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

#define MEMBERS_PER_PAGE 50

static const Role roles[] = {ROLE_LEARNER, ROLE_TRAINER, ROLE_ADMIN, ROLE_AUDITOR};

static void role_select(Req *r, const char *id, Role selected)
{
    hprintf(r, "<select name=\"role\" id=\"%s\">", id);
    for (size_t i = 0; i < LN_ARRAY_LEN(roles); i++)
        hprintf(r, "<option value=\"%s\"%s>%s</option>", role_name(roles[i]),
                roles[i] == selected ? " selected" : "", role_label(r->lang, roles[i]));
    html_lit(r, "</select>");
}

static void admin_tabs(Req *r, const char *current)
{
    static const struct { const char *path, *label; } tabs[] = {
        {"users", "People"}, {"import", "Import"}, {"tokens", "API tokens"}, {"settings", "Settings"},
        {"time", "Time-on-task"},
    };
    html_lit(r, "<nav class=\"tabs\" aria-label=\"Administration\">");
    for (size_t i = 0; i < LN_ARRAY_LEN(tabs); i++) {
        if (str_eq(current, tabs[i].path))
            hprintf(r, "<a href=\"/o/%s/admin/%s\" aria-current=\"page\">%s</a>", r->org->slug, tabs[i].path,
                    i18n_get(r->lang, tabs[i].label));
        else
            hprintf(r, "<a href=\"/o/%s/admin/%s\">%s</a>", r->org->slug, tabs[i].path, i18n_get(r->lang, tabs[i].label));
    }
    html_lit(r, "</nav>\n");
}

/* Where a member goes from here, by role. */
static void member_links(Req *r)
{
    if (r->role == ROLE_NONE) return;
    static const struct { const char *path, *label; unsigned roles; } links[] = {
        {"attendance/mine", "My attendance", 1u << ROLE_LEARNER | 1u << ROLE_TRAINER | 1u << ROLE_ADMIN},
        {"courses", "Courses", 1u << ROLE_TRAINER | 1u << ROLE_ADMIN},
        {"programmes", "Programmes", 1u << ROLE_TRAINER | 1u << ROLE_ADMIN},
        {"attendance/absences", "Absences", 1u << ROLE_TRAINER | 1u << ROLE_ADMIN | 1u << ROLE_AUDITOR},
        {"attendance/signals", "Fraud signals", 1u << ROLE_TRAINER | 1u << ROLE_ADMIN | 1u << ROLE_AUDITOR},
        {"assistance/trainers", "Response times", 1u << ROLE_TRAINER | 1u << ROLE_ADMIN},
        {"surveys", "Satisfaction surveys", 1u << ROLE_TRAINER | 1u << ROLE_ADMIN | 1u << ROLE_AUDITOR},
        {"admin/users", "Manage people", 1u << ROLE_ADMIN},
    };
    hprintf(r, "<nav class=\"card\" aria-label=\"%s\"><ul class=\"links\">", T(r, "In this organisation"));
    for (size_t i = 0; i < LN_ARRAY_LEN(links); i++)
        if (links[i].roles & (1u << r->role))
            hprintf(r, "<li><a class=\"button secondary\" href=\"/o/%s/%s\">%s</a></li>", r->org->slug, links[i].path,
                    i18n_get(r->lang, links[i].label));
    html_lit(r, "</ul></nav>\n");
}

/* ROUTE: GET /o/{org} — public page of an organisation. */
void org_page(Req *r)
{
    page_begin(r, r->org->name);
    hprintf(r, "<section class=\"hero\"><h1>%s</h1>", r->org->name);
    if (r->role != ROLE_NONE)
        hprintf(r, "<p class=\"lead\">%s %s</p>", T(r, "Your role:"), role_label(r->lang, r->role));
    else if (r->org->allow_signup)
        hprintf(r, "<p><a class=\"button\" href=\"/o/%s/signup\">%s</a></p>", r->org->slug, T(r, "Create your account"));
    html_lit(r, "</section>\n");
    member_links(r);
    evidence_key_section(r);
    page_end(r);
}

/* ---- people ---- */

static void members_table(Req *r, const MemberList *ml)
{
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><caption class=\"sr-only\">%s</caption>"
               "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
            T(r, "Members"), T(r, "Name"), T(r, "E-mail"), T(r, "Role"));
    for (int i = 0; i < ml->n; i++) {
        const Member *m = &ml->items[i];
        char *sel = arena_printf(r->arena, "role-%lld", (long long)m->user_id);
        hprintf(r, "<tr><td>%s</td><td>%s</td><td>", m->name, m->email);
        form_begin(r, arena_printf(r->arena, "/o/%s/admin/users/%lld/role", r->org->slug, (long long)m->user_id));
        hprintf(r, "<label class=\"sr-only\" for=\"%s\">%s %s</label><span class=\"inline\">", sel, T(r, "Role of"), m->name);
        role_select(r, sel, m->role);
        hprintf(r, "<button type=\"submit\" class=\"button small secondary\">%s</button></span>", T(r, "Change"));
        form_end(r);
        html_lit(r, "</td></tr>\n");
    }
    html_lit(r, "</tbody></table></div>\n");
}

static void pager(Req *r, const char *base, const char *q, int page, int total)
{
    int pages = (total + MEMBERS_PER_PAGE - 1) / MEMBERS_PER_PAGE;
    if (pages <= 1) return;
    html_lit(r, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (page > 1) hprintf(r, "<a href=\"%s?q=%s&amp;page=%d\">%s</a>", base, url_encode(r->arena, q), page - 1, T(r, "Previous"));
    hprintf(r, "<span>%d / %d</span>", page, pages);
    if (page < pages) hprintf(r, "<a href=\"%s?q=%s&amp;page=%d\">%s</a>", base, url_encode(r->arena, q), page + 1, T(r, "Next"));
    html_lit(r, "</nav>\n");
}

static void invite_form(Req *r, const char *email, const char *error)
{
    hprintf(r, "<section class=\"card\"><h2>%s</h2>\n", T(r, "Invite someone"));
    form_begin(r, arena_printf(r->arena, "/o/%s/admin/invite", r->org->slug));
    form_input(r, "email", "email", T(r, "E-mail"), email, error, "required");
    hprintf(r, "<div class=\"field\"><label for=\"invite-role\">%s</label>", T(r, "Role"));
    role_select(r, "invite-role", ROLE_LEARNER);
    html_lit(r, "</div>");
    form_submit(r, T(r, "Send the invitation"));
    form_end(r);
    html_lit(r, "</section>\n");
}

static void pending_invitations(Req *r)
{
    InviteList il;
    if (invite_list(r->db, r->arena, r->org->id, time_now_us(), &il) != LN_OK || il.n == 0) return;
    hprintf(r, "<section class=\"card\"><h2>%s</h2><ul class=\"plain\">\n", T(r, "Pending invitations"));
    for (int i = 0; i < il.n; i++) {
        Invitation *inv = &il.items[i];
        hprintf(r, "<li><span>%s</span> <span class=\"muted\">%s · %s ", inv->email,
                role_label(r->lang, inv->role), T(r, "until"));
        html_date(r, inv->expires_at);
        html_lit(r, "</span>");
        form_begin(r, arena_printf(r->arena, "/o/%s/admin/invitations/%lld/revoke", r->org->slug, (long long)inv->id));
        hprintf(r, "<button type=\"submit\" class=\"button small secondary\" data-confirm=\"%s\">%s</button>",
                T(r, "Withdraw this invitation?"), T(r, "Withdraw"));
        form_end(r);
        html_lit(r, "</li>\n");
    }
    html_lit(r, "</ul></section>\n");
}

static void users_render(Req *r, const char *invite_email, const char *invite_error)
{
    const char *q = req_query(r, "q");
    int64_t page = 1;
    if (!req_query(r, "page") || !str_to_i64(req_query(r, "page"), &page) || page < 1 || page > 100000) page = 1;
    MemberList ml;
    member_list(r->db, r->arena, r->org->id, q, (int)(page - 1) * MEMBERS_PER_PAGE, MEMBERS_PER_PAGE, &ml);
    page_begin(r, T(r, "People"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "People"), r->org->name);
    admin_tabs(r, "users");
    html_lit(r, "<div class=\"layout-2\"><section>\n");
    hprintf(r, "<form method=\"get\" class=\"search\" role=\"search\"><label class=\"sr-only\" for=\"q\">%s</label>"
               "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" placeholder=\"%s\">"
               "<button class=\"button secondary\" type=\"submit\">%s</button></form>\n",
            T(r, "Search people"), q ? q : "", T(r, "Name or e-mail"), T(r, "Search"));
    hprintf(r, "<p class=\"muted\">%d %s</p>\n", ml.total, ml.total == 1 ? T(r, "member") : T(r, "members"));
    if (ml.n == 0 && !str_empty(q)) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No one matches this search."));
    else members_table(r, &ml);
    pager(r, arena_printf(r->arena, "/o/%s/admin/users", r->org->slug), q ? q : "", (int)page, ml.total);
    html_lit(r, "</section>\n<aside>\n");
    invite_form(r, invite_email, invite_error);
    pending_invitations(r);
    html_lit(r, "</aside></div>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/admin/users?q=&page= */
void org_users_page(Req *r) { users_render(r, NULL, NULL); }

/* ROUTE: POST /o/{org}/admin/invite — email, role */
void org_invite_post(Req *r)
{
    const char *email = req_form(r, "email");
    Role role = role_parse(req_form(r, "role"));
    int rc = invite_create(r, r->org->id, email ? email : "", role);
    if (rc == LN_OK) {
        page_flash(r, T(r, "The invitation is on its way."));
        req_redirect(r, arena_printf(r->arena, "/o/%s/admin/users", r->org->slug));
        return;
    }
    r->status = rc == LN_EEXIST ? 409 : rc == LN_EINVAL ? 422 : 500;
    const char *err = rc == LN_EEXIST ? T(r, "This person is already a member.")
                    : rc == LN_EINVAL ? i18n_get(r->lang, check_email(email) ? check_email(email) : check_role(req_form(r, "role")))
                    : T(r, "Sending the invitation failed on our side.");
    users_render(r, email, err);
}

/* ROUTE: POST /o/{org}/admin/users/{id}/role — role */
void org_role_post(Req *r)
{
    int64_t uid;
    if (!req_path_id_or_404(r, "id", &uid)) return;
    Role role = role_parse(req_form(r, "role"));
    if (role == ROLE_NONE) {
        web_error(r, 422, "invalid", i18n_get(r->lang, check_role(req_form(r, "role"))));
        return;
    }
    if (member_role(r->db, r->org->id, uid) == ROLE_NONE) {
        web_not_found(r);
        return;
    }
    if (role != ROLE_ADMIN && member_is_last_admin(r->db, r->org->id, uid)) {
        web_error(r, 409, "last_admin", T(r, "This is the organisation's only administrator. Make someone else administrator first."));
        return;
    }
    UsTime now = time_now_us();
    member_set(r->db, r->org->id, uid, role, now);
    admin_log(r->db, r->org->id, r->user->id, "role", arena_printf(r->arena, "user %lld → %s", (long long)uid, role_name(role)), now);
    page_flash(r, T(r, "The role is changed."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/admin/users", r->org->slug));
}

/* ROUTE: POST /o/{org}/admin/invitations/{id}/revoke */
void org_invite_revoke_post(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    UsTime now = time_now_us();
    if (invite_revoke(r->db, r->org->id, id, now) != LN_OK) {
        web_not_found(r);
        return;
    }
    admin_log(r->db, r->org->id, r->user->id, "invite_revoke", arena_printf(r->arena, "invitation %lld", (long long)id), now);
    page_flash(r, T(r, "The invitation is withdrawn."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/admin/users", r->org->slug));
}

/* ---- settings ---- */

static void settings_render(Req *r, const char *field, const char *error)
{
    page_begin(r, T(r, "Settings"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "Settings"), r->org->name);
    admin_tabs(r, "settings");
    hprintf(r, "<section class=\"card narrow\"><h2>%s</h2>\n", T(r, "Organisation"));
    form_begin(r, arena_printf(r->arena, "/o/%s/admin/settings", r->org->slug));
    form_input(r, "text", "name", T(r, "Name"), req_form(r, "name") ? req_form(r, "name") : r->org->name,
               str_eq(field, "name") ? error : NULL, "required");
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-signup\" name=\"allow_signup\" value=\"1\"%s>"
               "<label for=\"f-signup\">%s</label></div>", r->org->allow_signup ? " checked" : "",
            T(r, "Anyone may sign up as a learner"));
    form_input(r, "text", "signup_domains", T(r, "Only these e-mail domains may sign up (comma-separated, empty for any)"),
               req_form(r, "signup_domains") ? req_form(r, "signup_domains") : r->org->signup_domains,
               str_eq(field, "signup_domains") ? error : NULL, "placeholder=\"example.org, example.com\"");
    form_submit(r, T(r, "Save"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/admin/settings */
void org_settings_page(Req *r) { settings_render(r, NULL, NULL); }

/* ROUTE: POST /o/{org}/admin/settings — name, allow_signup, signup_domains */
void org_settings_post(Req *r)
{
    const char *msg;
    const char *field = org_settings_apply(r, req_form(r, "name"), str_eq(req_form(r, "allow_signup"), "1"),
                                           req_form(r, "signup_domains"), &msg);
    if (field) {
        r->status = *field ? 422 : 500;
        settings_render(r, field, i18n_get(r->lang, msg));
        return;
    }
    page_flash(r, T(r, "The settings are saved."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/admin/settings", r->org->slug));
}

/* ---- CSV import ---- */

static void import_form(Req *r, const char *csv)
{
    hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s</p>\n", T(r, "Add people from a CSV file"),
            T(r, "One person per line: email,name,role (role is learner, trainer, admin or auditor; learner when empty). "
                 "Existing accounts are added at once; others get an invitation."));
    hprintf(r, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/o/%s/admin/import\">"
               "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", r->org->slug, access_csrf_token(r));
    hprintf(r, "<div class=\"field\"><label for=\"f-file\">%s</label><input type=\"file\" id=\"f-file\" name=\"file\" accept=\".csv,text/csv\"></div>",
            T(r, "CSV file"));
    hprintf(r, "<div class=\"field\"><label for=\"f-csv\">%s</label><textarea id=\"f-csv\" name=\"csv\" rows=\"6\" "
               "placeholder=\"email,name,role\">%s</textarea></div>", T(r, "Or paste the lines here"), csv ? csv : "");
    if (csv) hprintf(r, "<button type=\"submit\" class=\"button secondary\">%s</button>", T(r, "Preview"));
    else form_submit(r, T(r, "Preview"));
    html_lit(r, "</form></section>\n");
}

/* ROUTE: GET /o/{org}/admin/import */
void org_import_page(Req *r)
{
    page_begin(r, T(r, "Import"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "Import"), r->org->name);
    admin_tabs(r, "import");
    import_form(r, NULL);
    page_end(r);
}

static const char *action_label(Req *r, ImportAction a)
{
    switch (a) {
    case IMPORT_ADD: return T(r, "add");
    case IMPORT_INVITE: return T(r, "invite");
    case IMPORT_SKIP: return T(r, "skip");
    default: return T(r, "error");
    }
}

static void import_report(Req *r, const ImportReport *rep)
{
    hprintf(r, "<p class=\"lead\">%d %s · %d %s · %d %s · %d %s</p>\n", rep->added, T(r, "to add"),
            rep->invited, T(r, "to invite"), rep->skipped, T(r, "skipped"), rep->errors, T(r, "rejected"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
            T(r, "Line"), T(r, "E-mail"), T(r, "Role"), T(r, "Action"), T(r, "Note"));
    for (int i = 0; i < rep->n; i++) {
        const ImportLine *l = &rep->lines[i];
        hprintf(r, "<tr class=\"%s\"><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                l->action == IMPORT_ERROR ? "row-error" : "", l->line, l->email,
                l->role ? role_label(r->lang, l->role) : "", action_label(r, l->action),
                l->message ? i18n_get(r->lang, l->message) : "");
    }
    html_lit(r, "</tbody></table></div>\n");
}

/* ROUTE: POST /o/{org}/admin/import — file or csv, apply=1 to confirm */
void org_import_post(Req *r)
{
    size_t len;
    const char *csv = req_file_or_field(r, "file", "csv", &len);
    bool apply = str_eq(req_form(r, "apply"), "1");
    ImportReport rep;
    int rc = org_import_csv(r, r->org->id, csv, len, apply, &rep);
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
        page_flash(r, arena_printf(r->arena, "%s %d · %s %d", T(r, "Added:"), rep.added, T(r, "Invited:"), rep.invited));
        req_redirect(r, arena_printf(r->arena, "/o/%s/admin/users", r->org->slug));
        return;
    }
    page_begin(r, T(r, "Import preview"));
    hprintf(r, "<h1>%s</h1>\n", T(r, "Import preview"));
    admin_tabs(r, "import");
    import_report(r, &rep);
    if (rep.added + rep.invited > 0) {
        form_begin(r, arena_printf(r->arena, "/o/%s/admin/import", r->org->slug));
        hprintf(r, "<input type=\"hidden\" name=\"apply\" value=\"1\"><textarea name=\"csv\" hidden>%s</textarea>",
                arena_strndup(r->arena, csv, len));
        form_submit(r, T(r, "Confirm the import"));
        form_end(r);
    }
    import_form(r, arena_strndup(r->arena, csv, len));
    page_end(r);
}

/* ---- API tokens ---- */

static void tokens_render(Req *r, const char *new_token, const char *error)
{
    ApiTokenList tl;
    apitoken_list(r->db, r->arena, r->org->id, &tl);
    page_begin(r, T(r, "API tokens"));
    hprintf(r, "<h1>%s <span class=\"muted\">· %s</span></h1>\n", T(r, "API tokens"), r->org->name);
    admin_tabs(r, "tokens");
    if (new_token)
        hprintf(r, "<div class=\"flash\" role=\"status\"><p>%s</p><p><code class=\"token\">%s</code></p></div>\n",
                T(r, "Copy this token now: it will not be shown again."), new_token);
    if (tl.n == 0) hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No API tokens yet."));
    else hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\"><span class=\"sr-only\">%s</span></th></tr></thead><tbody>\n",
            T(r, "Name"), T(r, "Token"), T(r, "Role"), T(r, "Owner"), T(r, "Last used"), T(r, "Actions"));
    for (int i = 0; i < tl.n; i++) {
        ApiToken *t = &tl.items[i];
        hprintf(r, "<tr><td>%s</td><td><code>%s…</code></td><td>%s</td><td>%s</td><td>", t->name, t->prefix,
                role_label(r->lang, t->role), t->user_email);
        if (t->last_used_at) html_date(r, t->last_used_at);
        else html_text(r, T(r, "never"));
        html_lit(r, "</td><td>");
        if (t->revoked_at) hprintf(r, "<span class=\"badge\">%s</span>", T(r, "revoked"));
        else {
            form_begin(r, arena_printf(r->arena, "/o/%s/admin/tokens/%lld/revoke", r->org->slug, (long long)t->id));
            hprintf(r, "<button type=\"submit\" class=\"button small danger\" data-confirm=\"%s\">%s</button>",
                    T(r, "Revoke this token? Programs that use it will stop working."), T(r, "Revoke"));
            form_end(r);
        }
        html_lit(r, "</td></tr>\n");
    }
    if (tl.n) html_lit(r, "</tbody></table></div>\n");
    hprintf(r, "<section class=\"card narrow\"><h2>%s</h2>\n", T(r, "Create a token"));
    form_begin(r, arena_printf(r->arena, "/o/%s/admin/tokens", r->org->slug));
    form_input(r, "text", "name", T(r, "What is it for?"), NULL, error, "required");
    hprintf(r, "<div class=\"field\"><label for=\"token-role\">%s</label>", T(r, "Role"));
    role_select(r, "token-role", ROLE_ADMIN);
    html_lit(r, "</div>");
    form_submit(r, T(r, "Create the token"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/admin/tokens */
void org_tokens_page(Req *r) { tokens_render(r, NULL, NULL); }

/* ROUTE: POST /o/{org}/admin/tokens — name, role */
void org_token_post(Req *r)
{
    const char *name = req_form(r, "name");
    Role role = role_parse(req_form(r, "role"));
    char tok[TOKEN_CHARS + 5];
    if (check_name(name) || role == ROLE_NONE) {
        r->status = 422;
        tokens_render(r, NULL, i18n_get(r->lang, check_name(name) ? check_name(name) : check_role(req_form(r, "role"))));
        return;
    }
    UsTime now = time_now_us();
    if (apitoken_create(r->db, r->org->id, r->user->id, name, role, now, tok, NULL) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Creating the token failed on our side."));
        return;
    }
    admin_log(r->db, r->org->id, r->user->id, "token", name, now);
    r->status = 201;
    tokens_render(r, tok, NULL);
}

/* ROUTE: POST /o/{org}/admin/tokens/{id}/revoke */
void org_token_revoke_post(Req *r)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (apitoken_revoke(r->db, r->org->id, id, time_now_us()) != LN_OK) {
        web_not_found(r);
        return;
    }
    page_flash(r, T(r, "The token is revoked."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/admin/tokens", r->org->slug));
}

/* ---- accepting an invitation ---- */

static void invite_render(Req *r, const Invitation *inv, const char *token, const char *field, const char *error)
{
    page_begin(r, T(r, "Invitation"));
    hprintf(r, "<section class=\"card narrow\"><h1>%s</h1><p class=\"lead\">%s <strong>%s</strong> (%s)</p>\n",
            T(r, "Invitation"), T(r, "You are invited to join"), inv->org_name, role_label(r->lang, inv->role));
    form_begin(r, arena_printf(r->arena, "/invite/%s", token));
    if (r->user && str_eq(r->user->email, inv->email)) {
        hprintf(r, "<p>%s %s</p>", T(r, "Signed in as"), r->user->email);
    } else if (r->user) {
        hprintf(r, "<p class=\"notice\">%s %s</p>", T(r, "This invitation is for"), inv->email);
    } else {
        hprintf(r, "<p class=\"muted\">%s %s</p>", T(r, "E-mail:"), inv->email);
        form_input(r, "text", "name", T(r, "Full name"), req_form(r, "name"), str_eq(field, "name") ? error : NULL, "required autocomplete=\"name\"");
        form_input(r, "password", "password", T(r, "Password (at least 10 characters)"), NULL,
                   str_eq(field, "password") ? error : NULL, "required minlength=\"10\" autocomplete=\"new-password\"");
    }
    if (!r->user || str_eq(r->user->email, inv->email)) form_submit(r, T(r, "Accept the invitation"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

static bool load_invite_or_404(Req *r, Invitation *inv)
{
    if (invite_lookup(r->db, r->arena, req_path_param(r, "token"), time_now_us(), inv) == LN_OK) return true;
    web_error(r, 404, "bad_link", T(r, "This invitation is unknown, already used or expired. Ask for a new one."));
    return false;
}

/* ROUTE: GET /invite/{token} */
void invite_page(Req *r)
{
    Invitation inv;
    if (load_invite_or_404(r, &inv)) invite_render(r, &inv, req_path_param(r, "token"), NULL, NULL);
}

/* ROUTE: POST /invite/{token} — name, password (when signed out) */
void invite_post(Req *r)
{
    Invitation inv;
    if (!load_invite_or_404(r, &inv)) return;
    const char *token = req_path_param(r, "token");
    bool own = r->user && str_eq(r->user->email, inv.email);
    if (r->user && !own) {
        web_error(r, 403, "forbidden", T(r, "This invitation is for another e-mail address. Sign out first."));
        return;
    }
    User existing;
    if (!r->user && user_by_email(r->db, r->arena, inv.email, &existing) == LN_OK) {
        req_redirect(r, arena_printf(r->arena, "/signin?next=%s", url_encode(r->arena, arena_printf(r->arena, "/invite/%s", token))));
        return;
    }
    const char *name = req_form(r, "name"), *pw = req_form(r, "password");
    int64_t uid;
    int rc = invite_accept(r->db, token, own ? r->user->id : 0, name, pw, time_now_us(), &uid);
    if (rc == LN_EINVAL) {
        r->status = 422;
        bool bad_name = check_name(name) != NULL;
        invite_render(r, &inv, token, bad_name ? "name" : "password",
                      i18n_get(r->lang, bad_name ? check_name(name) : check_password(pw)));
        return;
    }
    if (rc != LN_OK) {
        web_error(r, rc == LN_NOTFOUND ? 404 : 500, "bad_link", T(r, "This invitation is unknown, already used or expired. Ask for a new one."));
        return;
    }
    User u;
    if (!r->user && user_load(r->db, r->arena, uid, &u) == LN_OK) account_start_session(r, &u);
    page_flash(r, T(r, "Welcome! You are now a member."));
    req_redirect(r, arena_printf(r->arena, "/o/%s", inv.org_slug));
}

/* ---- platform administration ---- */

static void orgs_render(Req *r, const char *field, const char *error)
{
    OrgList ol;
    org_list(r->db, r->arena, r->user->id, true, &ol);
    page_begin(r, T(r, "Organisations"));
    hprintf(r, "<h1>%s</h1>\n<div class=\"layout-2\"><section><div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
            T(r, "Organisations"), T(r, "Name"), T(r, "Short name"), T(r, "Sign-up"));
    for (int i = 0; i < ol.n; i++)
        hprintf(r, "<tr><td><a href=\"/o/%s\">%s</a></td><td><code>%s</code></td><td>%s</td></tr>\n", ol.items[i].slug,
                ol.items[i].name, ol.items[i].slug, ol.items[i].allow_signup ? T(r, "open") : T(r, "invitation only"));
    hprintf(r, "</tbody></table></div></section>\n<aside><section class=\"card\"><h2>%s</h2>\n", T(r, "Create an organisation"));
    form_begin(r, "/admin/orgs");
    form_input(r, "text", "name", T(r, "Name"), req_form(r, "name"), str_eq(field, "name") ? error : NULL, "required");
    form_input(r, "text", "slug", T(r, "Short name (in addresses)"), req_form(r, "slug"), str_eq(field, "slug") ? error : NULL,
               "required pattern=\"[a-z0-9-]{2,40}\"");
    form_input(r, "email", "admin_email", T(r, "First administrator's e-mail (optional)"), req_form(r, "admin_email"),
               str_eq(field, "admin_email") ? error : NULL, "");
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-signup\" name=\"allow_signup\" value=\"1\">"
               "<label for=\"f-signup\">%s</label></div>", T(r, "Anyone may sign up as a learner"));
    form_submit(r, T(r, "Create"));
    form_end(r);
    html_lit(r, "</section></aside></div>\n");
    page_end(r);
}

/* ROUTE: GET /admin/orgs */
void admin_orgs_page(Req *r) { orgs_render(r, NULL, NULL); }

/* ROUTE: POST /admin/orgs — name, slug, allow_signup, admin_email */
void admin_orgs_post(Req *r)
{
    const char *msg;
    const char *field = org_create_apply(r, req_form(r, "slug"), req_form(r, "name"),
                                         str_eq(req_form(r, "allow_signup"), "1"), req_form(r, "admin_email"), &msg, NULL);
    if (field) {
        r->status = *field ? 422 : 500;
        orgs_render(r, field, i18n_get(r->lang, msg));
        return;
    }
    page_flash(r, T(r, "The organisation is created."));
    req_redirect(r, "/admin/orgs");
}
