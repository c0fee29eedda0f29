/* org.c — organisations, memberships, invitations, API tokens, CSV import. */
#include "org/org.h"
#include "account/account.h"
#include "account/authcache.h"
#include "mail/mail.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

/* ======================================================================
 * Organisations
 * ==================================================================== */

const char *check_slug(const char *slug)
{
    size_t n = slug ? strlen(slug) : 0;
    if (n < 2 || n > 40) return "The short name needs 2 to 40 characters.";
    for (const char *p = slug; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return "The short name may hold only lower-case letters, digits and hyphens.";
    if (slug[0] == '-' || slug[n - 1] == '-') return "The short name cannot start or end with a hyphen.";
    return NULL;
}

int org_create(Db *db, const char *slug, const char *name, bool allow_signup, UsTime now, int64_t *id)
{
    if (check_slug(slug) || check_name(name)) return LN_EINVAL;
    int64_t new_id = 0;
    int rc = db_query_i64(db, &new_id, "INSERT INTO org (slug, name, allow_signup, created_at)"
                                       " VALUES ($1, $2, $3, $4) RETURNING id",
                          "ttii", slug, name, (int64_t)allow_signup, now);
    if (rc == DB_CONSTRAINT) return LN_EEXIST;
    if (rc != DB_ROW) return LN_EDB;
    if (id) *id = new_id;
    return LN_OK;
}

static void org_read(DbStmt *st, Arena *a, Org *o)
{
    o->id = db_col_i64(st, 0);
    o->slug = db_col_dup(st, 1, a);
    o->name = db_col_dup(st, 2, a);
    o->allow_signup = db_col_i64(st, 3) != 0;
    o->signup_domains = db_col_dup(st, 4, a);
}

int org_by_slug(Db *db, Arena *a, const char *slug, Org *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, slug, name, allow_signup, signup_domains FROM org WHERE slug = $1");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, slug);
    int rc = db_step(st);
    if (rc == DB_ROW) org_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int org_update(Db *db, int64_t id, const char *name, bool allow_signup, const char *signup_domains)
{
    if (check_name(name)) return LN_EINVAL;
    return db_run(db, "UPDATE org SET name = $1, allow_signup = $2, signup_domains = $3 WHERE id = $4",
                  "titi", name, (int64_t)allow_signup, signup_domains ? signup_domains : "", id)
                   == DB_DONE ? LN_OK : LN_EDB;
}

int org_list(Db *db, Arena *a, int64_t viewer, bool all, OrgList *out)
{
    uint64_t epoch = db_epoch(db, DB_EPOCH_AUTH);     /* before the query: see authcache.h */
    if (authcache_orgs_get(viewer, all, epoch, a, out)) return LN_OK;
    /* Two statements, so that "mine" walks the membership index. */
    DbStmt *st = all
        ? db_prepare(db, "SELECT o.id, o.slug, o.name, o.allow_signup, o.signup_domains, m.role FROM org o"
                         " LEFT JOIN membership m ON m.org_id = o.id AND m.user_id = $1 ORDER BY o.name, o.id")
        : db_prepare(db, "SELECT o.id, o.slug, o.name, o.allow_signup, o.signup_domains, m.role FROM membership m"
                         " JOIN org o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name, o.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, viewer);
    int cap = 0, rc;
    out->n = 0;
    out->items = NULL;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(Org));
        Org *o = &out->items[out->n++];
        org_read(st, a, o);
        o->viewer_role = role_parse(db_col_text(st, 5));
    }
    db_done(st);
    if (rc == DB_DONE) authcache_orgs_put(viewer, all, epoch, out);
    return LN_OK;
}

/* ======================================================================
 * Memberships
 * ==================================================================== */

Role member_role(Db *db, int64_t org_id, int64_t user_id)
{
    DbStmt *st = db_prepare(db, "SELECT role FROM membership WHERE org_id = $1 AND user_id = $2");
    if (!st) return ROLE_NONE;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, user_id);
    Role r = db_step(st) == DB_ROW ? role_parse(db_col_text(st, 0)) : ROLE_NONE;
    db_done(st);
    return r;
}

int member_set(Db *db, int64_t org_id, int64_t user_id, Role role, UsTime now)
{
    if (role == ROLE_NONE) return LN_EINVAL;
    int rc = db_run(db, "INSERT INTO membership (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)"
                        " ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
                    "iiti", org_id, user_id, role_name(role), now);
    return rc == DB_DONE ? LN_OK : rc == DB_CONSTRAINT ? LN_NOTFOUND : LN_EDB;
}

bool member_is_last_admin(Db *db, int64_t org_id, int64_t user_id)
{
    if (member_role(db, org_id, user_id) != ROLE_ADMIN) return false;
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM membership WHERE org_id = $1 AND role = 'admin'", "i", org_id);
    return n <= 1;
}

int member_remove(Db *db, int64_t org_id, int64_t user_id)
{
    return db_run(db, "DELETE FROM membership WHERE org_id = $1 AND user_id = $2", "ii", org_id, user_id)
               == DB_DONE ? LN_OK : LN_EDB;
}

int member_list(Db *db, Arena *a, int64_t org_id, const char *q, int offset, int limit, MemberList *out)
{
    char *like = db_like_contains(a, str_fold(a, q));
    int64_t total = 0;
    db_query_i64(db, &total, "SELECT count(*) FROM membership m JOIN app_user u ON u.id = m.user_id"
                             " WHERE m.org_id = $1 AND u.search_key LIKE $2 ESCAPE '\\'",
                 "it", org_id, like);
    out->total = (int)total;
    DbStmt *st = db_prepare(db,
        "SELECT u.id, u.email, u.name, m.role, m.created_at FROM membership m"
        " JOIN app_user u ON u.id = m.user_id WHERE m.org_id = $1 AND u.search_key LIKE $2 ESCAPE '\\'"
        " ORDER BY u.search_key, u.id LIMIT $3 OFFSET $4");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_text(st, 2, like);
    db_bind_i64(st, 3, limit);
    db_bind_i64(st, 4, offset);
    out->items = arena_alloc(a, sizeof(Member) * (size_t)(limit > 0 ? limit : 1));
    out->n = 0;
    while (out->n < limit && db_step(st) == DB_ROW) {
        Member *m = &out->items[out->n++];
        m->user_id = db_col_i64(st, 0);
        m->email = db_col_dup(st, 1, a);
        m->name = db_col_dup(st, 2, a);
        m->role = role_parse(db_col_text(st, 3));
        m->since = db_col_i64(st, 4);
    }
    db_done(st);
    return LN_OK;
}

void admin_log(Db *db, int64_t org_id, int64_t actor, const char *action, const char *subject, UsTime now)
{
    if (org_id) db_run(db, "INSERT INTO admin_action (org_id, actor_id, action, subject, at) VALUES ($1, $2, $3, $4, $5)",
                       "iitti", org_id, actor, action, subject, now);
    else db_run(db, "INSERT INTO admin_action (org_id, actor_id, action, subject, at) VALUES (NULL, $1, $2, $3, $4)",
                "itti", actor, action, subject, now);
}

/* ======================================================================
 * Invitations
 * ==================================================================== */

/* Insert the invitation row and queue its e-mail; caller holds a
 * transaction. */
int invite_insert(Req *r, int64_t org_id, const char *email, Role role, UsTime now)
{
    char tok[TOKEN_CHARS + 1], hash[HASH_HEX];
    token_random(tok);
    token_hash(tok, hash);
    Org o = {0};
    DbStmt *st = db_prepare(r->db, "SELECT name FROM org WHERE id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    if (db_step(st) == DB_ROW) o.name = db_col_dup(st, 0, r->arena);
    db_done(st);
    if (!o.name) return LN_NOTFOUND;
    int rc = db_run(r->db, "INSERT INTO invitation (org_id, email, role, token_hash, invited_by, created_at, expires_at)"
                           " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    "ittti" "ii", org_id, email, role_name(role), hash, r->user ? r->user->id : 0, now,
                    now + (int64_t)INVITE_DAYS * 86400 * US_PER_SEC);
    if (rc != DB_DONE) return LN_EDB;
    const char *lang = r->lang;
    char *body = arena_printf(r->arena, "%s\n\n    %s\n\n%s\n\n%s/invite/%s\n\n%s\n",
        i18n_get(lang, "You are invited to join this organisation on Lectern:"), o.name,
        i18n_get(lang, "Open this link to accept and choose your password:"),
        mail_base_url(r), tok,
        i18n_get(lang, "The link is valid for 14 days."));
    char *subject = arena_printf(r->arena, "%s — %s", i18n_get(lang, "Invitation to Lectern"), o.name);
    return mail_enqueue(r->db, email, subject, body, now);
}

int invite_create(Req *r, int64_t org_id, const char *email_in, Role role)
{
    char *email = email_normal(r->arena, email_in);
    if (check_email(email) || role == ROLE_NONE) return LN_EINVAL;
    User u;
    if (user_by_email(r->db, r->arena, email, &u) == LN_OK && member_role(r->db, org_id, u.id) != ROLE_NONE)
        return LN_EEXIST;
    UsTime now = time_now_us();
    if (db_begin(r->db) != DB_DONE) return LN_EDB;
    int rc = invite_insert(r, org_id, email, role, now);
    if (rc == LN_OK) admin_log(r->db, org_id, r->user ? r->user->id : 0, "invite",
                               arena_printf(r->arena, "%s as %s", email, role_name(role)), now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

int invite_lookup(Db *db, Arena *a, const char *token, UsTime now, Invitation *out)
{
    if (!token || strlen(token) != TOKEN_CHARS) return LN_NOTFOUND;
    char hash[HASH_HEX];
    token_hash(token, hash);
    DbStmt *st = db_prepare(db, "SELECT i.id, i.org_id, i.email, i.role, i.expires_at, o.name, o.slug"
                                " FROM invitation i JOIN org o ON o.id = i.org_id"
                                " WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, hash);
    db_bind_i64(st, 2, now);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_i64(st, 0);
        out->org_id = db_col_i64(st, 1);
        out->email = db_col_dup(st, 2, a);
        out->role = role_parse(db_col_text(st, 3));
        out->expires_at = db_col_i64(st, 4);
        out->org_name = db_col_dup(st, 5, a);
        out->org_slug = db_col_dup(st, 6, a);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int invite_accept(Db *db, const char *token, int64_t user_id, const char *name,
                  const char *password, UsTime now, int64_t *uid_out)
{
    Arena *a = arena_new();
    Invitation inv;
    int rc = invite_lookup(db, a, token, now, &inv);
    if (rc == LN_OK && !user_id && (check_name(name) || check_password(password))) rc = LN_EINVAL;
    if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    if (rc != LN_OK) {
        arena_free(a);
        return rc;
    }
    rc = db_change(db, "UPDATE invitation SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL", "ii",
                   inv.id, now);
    if (rc == LN_OK && !user_id) rc = user_create(db, inv.email, name, password, "en", false, now, &user_id);
    if (rc == LN_OK) rc = member_set(db, inv.org_id, user_id, inv.role, now);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        arena_free(a);
        return rc != LN_OK ? rc : LN_EDB;
    }
    if (uid_out) *uid_out = user_id;
    arena_free(a);
    return LN_OK;
}

int invite_list(Db *db, Arena *a, int64_t org_id, UsTime now, InviteList *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, email, role, expires_at FROM invitation WHERE org_id = $1"
                                " AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, now);
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 200 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(Invitation));
        Invitation *i = &out->items[out->n++];
        i->id = db_col_i64(st, 0);
        i->org_id = org_id;
        i->email = db_col_dup(st, 1, a);
        i->role = role_parse(db_col_text(st, 2));
        i->expires_at = db_col_i64(st, 3);
    }
    db_done(st);
    return LN_OK;
}

int invite_revoke(Db *db, int64_t org_id, int64_t id, UsTime now)
{
    return db_change(db, "UPDATE invitation SET expires_at = $3 WHERE id = $1 AND org_id = $2"
                         " AND accepted_at IS NULL AND expires_at > $3", "iii", id, org_id, now);
}

/* ======================================================================
 * API tokens
 * ==================================================================== */

int apitoken_create(Db *db, int64_t org_id, int64_t user_id, const char *name, Role role,
                    UsTime now, char *token_out, int64_t *id)
{
    if (check_name(name) || role == ROLE_NONE) return LN_EINVAL;
    char raw[TOKEN_CHARS + 1], hash[HASH_HEX];
    token_random(raw);
    snprintf(token_out, TOKEN_CHARS + 5, "lct_%s", raw);
    token_hash(token_out, hash);
    char prefix[13];
    snprintf(prefix, sizeof prefix, "%.12s", token_out);
    int64_t new_id = 0;
    int rc = db_query_i64(db, &new_id,
        "INSERT INTO api_token (org_id, user_id, name, role, token_hash, prefix, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        "iitttti", org_id, user_id, name, role_name(role), hash, prefix, now);
    if (rc != DB_ROW) return LN_EDB;
    if (id) *id = new_id;
    return LN_OK;
}

int apitoken_lookup(Db *db, Arena *a, const char *token, UsTime now, User *user, ApiToken *tok)
{
    if (!str_startswith(token, "lct_") || strlen(token) != TOKEN_CHARS + 4) return LN_NOTFOUND;
    char hash[HASH_HEX];
    token_hash(token, hash);
    /* The token acts with the lower of its role and the user's current one:
     * a demoted or removed user's tokens lose their power with them. */
    DbStmt *st = db_prepare(db,
        "SELECT t.id, t.org_id, t.role, m.role, u.id, u.email, u.name, u.lang, t.last_used_at, t.name FROM api_token t"
        " JOIN app_user u ON u.id = t.user_id"
        " JOIN membership m ON m.org_id = t.org_id AND m.user_id = t.user_id"
        " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, hash);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        memset(tok, 0, sizeof *tok);
        tok->id = db_col_i64(st, 0);
        tok->org_id = db_col_i64(st, 1);
        Role tr = role_parse(db_col_text(st, 2)), mr = role_parse(db_col_text(st, 3));
        tok->role = (mr == ROLE_ADMIN || tr == mr) ? tr : (tr == ROLE_ADMIN ? mr : ROLE_LEARNER);
        user->id = db_col_i64(st, 4);
        user->email = db_col_dup(st, 5, a);
        user->name = db_col_dup(st, 6, a);
        user->lang = db_col_dup(st, 7, a);
        user->is_platform_admin = false;
        tok->last_used_at = db_col_i64(st, 8);
        tok->name = db_col_dup(st, 9, a);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    /* Written at most once a minute: a write on every call would take the
     * database's write lock on every API request. */
    if (now - tok->last_used_at > 60 * US_PER_SEC)
        db_run(db, "UPDATE api_token SET last_used_at = $2 WHERE id = $1", "ii", tok->id, now);
    return LN_OK;
}

int apitoken_revoke(Db *db, int64_t org_id, int64_t id, UsTime now)
{
    return db_change(db, "UPDATE api_token SET revoked_at = $3 WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL",
                     "iii", id, org_id, now);
}

int apitoken_list(Db *db, Arena *a, int64_t org_id, ApiTokenList *out)
{
    DbStmt *st = db_prepare(db,
        "SELECT t.id, t.name, t.prefix, t.role, t.created_at, t.last_used_at, t.revoked_at, u.email"
        " FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.org_id = $1"
        " ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 200 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(ApiToken));
        ApiToken *t = &out->items[out->n++];
        t->id = db_col_i64(st, 0);
        t->org_id = org_id;
        t->name = db_col_dup(st, 1, a);
        t->prefix = db_col_dup(st, 2, a);
        t->role = role_parse(db_col_text(st, 3));
        t->created_at = db_col_i64(st, 4);
        t->last_used_at = db_col_i64(st, 5);
        t->revoked_at = db_col_i64(st, 6);
        t->user_email = db_col_dup(st, 7, a);
    }
    db_done(st);
    return LN_OK;
}

/* Create an organisation and, when admin_email is given, invite its first
 * administrator, in one transaction.  Returns the field in error (""
 * for a failure on our side) with *msg, or NULL. */
const char *org_create_apply(Req *r, const char *slug, const char *name, bool allow_signup,
                             const char *admin_email, const char **msg, int64_t *id_out)
{
    if ((*msg = check_name(name))) return "name";
    if ((*msg = check_slug(slug))) return "slug";
    if (!str_empty(admin_email) && (*msg = check_email(admin_email))) return "admin_email";
    UsTime now = time_now_us();
    int64_t id = 0;
    if (db_begin(r->db) != DB_DONE) { *msg = "Saving failed on our side."; return ""; }
    int rc = org_create(r->db, slug, name, allow_signup, now, &id);
    if (rc == LN_OK && !str_empty(admin_email))
        rc = invite_insert(r, id, email_normal(r->arena, admin_email), ROLE_ADMIN, now);
    if (rc == LN_OK) admin_log(r->db, id, r->user ? r->user->id : 0, "create_org", slug, now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        *msg = rc == LN_EEXIST ? "This short name is taken." : "Saving failed on our side.";
        return rc == LN_EEXIST ? "slug" : "";
    }
    if (id_out) *id_out = id;
    return NULL;
}

/* Check and save an organisation's settings (r->org).  Returns the field in
 * error ("" for a failure on our side) with *msg, or NULL. */
const char *org_settings_apply(Req *r, const char *name, bool allow_signup, const char *domains,
                               const char **msg)
{
    if ((*msg = check_name(name))) return "name";
    char *list = str_trim(r->arena, domains ? domains : "");
    str_ascii_lower(list);
    if (strlen(list) > 1000 || !utf8_valid(list, strlen(list))) {
        *msg = "List at most 1,000 characters of domains, separated by commas.";
        return "signup_domains";
    }
    for (const char *p = list; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(".-, ", *p))) {
            *msg = "A domain looks like example.org; separate several with commas.";
            return "signup_domains";
        }
    UsTime now = time_now_us();
    if (org_update(r->db, r->org->id, name, allow_signup, list) != LN_OK) {
        *msg = "Saving failed on our side.";
        return "";
    }
    admin_log(r->db, r->org->id, r->user ? r->user->id : 0, "settings",
              arena_printf(r->arena, "signup=%d domains=%s", allow_signup, list), now);
    r->org->name = arena_strdup(r->arena, name);
    r->org->allow_signup = allow_signup;
    r->org->signup_domains = list;
    return NULL;
}
