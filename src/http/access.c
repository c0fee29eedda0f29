/* access.c — authentication, CSRF and authorisation for every route. */
#include "http/access.h"
#include "account/authcache.h"
#include "account/account.h"
#include "http/app.h"
#include "org/org.h"
#include "web/html.h"
#include "web/i18n.h"

#include <sodium.h>
#include <string.h>

/* ---- authentication ---- */

static void auth_token(Req *r, const char *tok)
{
    User *u = arena_alloc(r->arena, sizeof *u);
    ApiToken t;
    if (apitoken_lookup(r->db, r->arena, tok, time_now_us(), u, &t) != LN_OK) return;
    r->user = u;
    r->via_token = true;
    r->token_id = t.id;
    r->token_name = t.name;
    r->token_org_id = t.org_id;
    r->token_role = t.role;
}

/* xAPI clients send "Basic base64(key:secret)": the secret is an API
 * token, the key is not checked (docs/external.md). */
static void auth_basic(Req *r, const char *authz)
{
    const char *b64 = authz + 6;
    size_t cap = strlen(b64), len = 0;
    if (cap > 512) return;
    char *plain = arena_alloc(r->arena, cap + 1);
    if (sodium_base642bin((unsigned char *)plain, cap, b64, cap, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL))
        return;
    plain[len] = 0;
    char *colon = memchr(plain, ':', len);
    if (colon) auth_token(r, colon + 1);
}

static void auth_cookie(Req *r)
{
    const char *tok = req_cookie(r, SESSION_COOKIE);
    if (!tok || strlen(tok) != TOKEN_CHARS) return;
    User *u = arena_alloc(r->arena, sizeof *u);
    if (session_lookup(r->db, r->arena, tok, time_now_us(), u) == LN_OK) {
        r->user = u;
        r->session_token = tok;
    }
}

static void authenticate(Req *r, unsigned access)
{
    const char *authz = req_header(r, "authorization");
    if (authz && (str_startswith(authz, "Bearer ") || str_startswith(authz, "bearer ")))
        auth_token(r, authz + 7);
    else if (authz && (access & A_XAPI) && (str_startswith(authz, "Basic ") || str_startswith(authz, "basic ")))
        auth_basic(r, authz);
    else
        auth_cookie(r);
}

void access_pick_lang(Req *r)
{
    const char *l = NULL;
    if (r->user) l = i18n_supported(r->user->lang);
    if (!l) l = i18n_supported(req_cookie(r, LANG_COOKIE));
    if (!l) {
        const char *al = req_header(r, "accept-language");
        if (al) l = parse_accept_language(al, i18n_languages);
    }
    r->lang = l ? l : "en";
}

/* ---- CSRF: HMAC(site secret, session token or anonymous cookie) ---- */

const char *access_csrf_token(Req *r)
{
    if (r->csrf) return r->csrf;
    const char *basis = r->session_token;
    if (!basis) {
        basis = req_cookie(r, ANON_COOKIE);
        if (!basis || strlen(basis) != TOKEN_CHARS) {
            char *t = arena_alloc(r->arena, TOKEN_CHARS + 1);
            token_random(t);
            req_set_cookie(r, ANON_COOKIE, t, 86400 * 7);
            basis = t;
        }
    }
    char *memo = arena_alloc(r->arena, TOKEN_CHARS + 1);
    if (r->session_token && authcache_session_memo_get(r->session_token, memo, TOKEN_CHARS + 1)) {
        r->csrf = memo;         /* the MAC computed on this session's earlier page */
        return r->csrf;
    }
    r->csrf = app_csrf_mac(r->app, r->arena, basis);
    if (r->session_token) authcache_session_memo_put(r->session_token, r->csrf);
    return r->csrf;
}

/* Forms carry _csrf, API calls the X-CSRF-Token header.  An API call with
 * no session at all (sign-in, sign-up) must have a JSON body instead: a
 * cross-site form cannot send one without a CORS preflight we never grant. */
static bool csrf_ok(Req *r)
{
    if (r->is_api && !r->session_token) {
        const char *ct = req_header(r, "content-type");
        char *mt = ct ? header_media_type(r->arena, ct) : NULL;
        return str_eq(mt, "application/json");
    }
    const char *given = req_header(r, "x-csrf-token");
    if (!given) given = req_form(r, "_csrf");
    const char *basis = r->session_token ? r->session_token : req_cookie(r, ANON_COOKIE);
    if (!given || !basis || strlen(basis) != TOKEN_CHARS) return false;
    const char *want = app_csrf_mac(r->app, r->arena, basis);
    return str_ct_eq(given, want);
}

/* ---- authorisation ---- */

bool access_role_at_least(const Req *r, Role min)
{
    if (!r->org) return false;
    switch (min) {
    case ROLE_ADMIN: return r->role == ROLE_ADMIN;
    case ROLE_TRAINER: return r->role == ROLE_ADMIN || r->role == ROLE_TRAINER;
    case ROLE_AUDITOR: return r->role == ROLE_ADMIN || r->role == ROLE_AUDITOR;
    case ROLE_LEARNER: return r->role != ROLE_NONE;
    default: return true;
    }
}

bool access_reader(const Req *r)
{
    return r->org && (r->role == ROLE_TRAINER || r->role == ROLE_ADMIN || r->role == ROLE_AUDITOR);
}

static void need_login(Req *r)
{
    if (r->is_api) {
        web_error(r, 401, "unauthenticated", "Sign in first: send a bearer token or a session cookie.");
        return;
    }
    const char *next = r->method == M_GET ? r->path : "/";
    req_redirect(r, arena_printf(r->arena, "/signin?next=%s", url_encode(r->arena, next)));
}

Role access_role_in(Req *r, int64_t org_id)
{
    if (!r->user) return ROLE_NONE;
    if (r->via_token) return r->token_org_id == org_id ? r->token_role : ROLE_NONE;
    return r->user->is_platform_admin ? ROLE_ADMIN : member_role(r->db, org_id, r->user->id);
}

/* Resolve {org}: a token only ever reaches its own organisation. */
static bool resolve_org(Req *r, unsigned access)
{
    const char *slug = req_path_param(r, "org");
    if (!slug) return true;
    Org *o = arena_alloc(r->arena, sizeof *o);
    if (org_by_slug(r->db, r->arena, slug, o) != LN_OK) {
        web_not_found(r);
        return false;
    }
    r->role = access_role_in(r, o->id);
    r->org = o;
    Role min = (access & A_ADMIN) ? ROLE_ADMIN : (access & A_STAFF) ? ROLE_TRAINER
             : (access & A_MEMBER) ? ROLE_LEARNER : ROLE_NONE;
    if (min != ROLE_NONE && !access_role_at_least(r, min)) {
        web_forbidden(r);
        return false;
    }
    return true;
}

bool access_check(Req *r, const Route *route)
{
    unsigned access = route->access;
    authenticate(r, access);
    if (r->via_token && !(access & A_API)) {
        r->user = NULL;     /* bearer tokens are for the API only */
        r->via_token = false;
    }
    if (r->user) access_pick_lang(r);  /* the account's language wins over the cookie */
    bool changes = !(r->method & (M_GET | M_HEAD | M_OPTIONS));
    if (changes && !r->via_token && (access & A_CSRF) && !csrf_ok(r)) {
        if (r->is_api)
            web_error(r, 403, "csrf", r->session_token
                ? "cookie sessions must send the X-CSRF-Token header (csrf_token of POST /api/v1/session or GET /api/v1/me)"
                : "send a JSON body (Content-Type: application/json), or use a bearer token");
        else
            web_error(r, 403, "csrf", T(r, "This form has expired or did not come from this site. "
                                           "Go back, reload the page and try again."));
        return false;
    }
    bool needs_user = access & (A_LOGIN | A_MEMBER | A_STAFF | A_ADMIN | A_PLATFORM);
    if (needs_user && !r->user) {
        need_login(r);
        return false;
    }
    if ((access & A_PLATFORM) && (!r->user->is_platform_admin || r->via_token)) {
        web_forbidden(r);
        return false;
    }
    return resolve_org(r, access);
}
