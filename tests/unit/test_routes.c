/* test_routes.c — walks the route table through the real dispatcher (no
 * socket): every state change needs CSRF or a bearer token; no role of
 * another organisation reaches an organisation's routes; roles inside an
 * organisation are enforced. */
#include "testutil.h"
#include "account/account.h"
#include "http/access.h"
#include "http/dispatch.h"
#include "http/route.h"
#include "org/org.h"

#include <sodium.h>

static App app;
static int64_t alpha, beta;
static char alpha_slug[32], beta_slug[32];   /* unique per run: the database may be shared */
static const char *roles[] = {"learner", "trainer", "admin", "auditor"};
static char beta_session[4][TOKEN_CHARS + 1];
static char alpha_admin_session[TOKEN_CHARS + 1], alpha_learner_session[TOKEN_CHARS + 1];
static char beta_token[4][TOKEN_CHARS + 5];

static int64_t mk_user(Db *db, const char *local, int64_t org, Role role)
{
    int64_t id = 0;
    char email[96];
    snprintf(email, sizeof email, "%s-%d@%s.test", local, (int)getpid(), org == alpha ? "alpha" : "beta");
    assert_int_equal(user_create(db, email, "Test Person", NULL, "en", false, time_now_us(), &id), LN_OK);
    assert_int_equal(member_set(db, org, id, role, time_now_us()), LN_OK);
    return id;
}

static int setup(void **state)
{
    char dir[] = "/tmp/lectern-routes-XXXXXX";
    if (!mkdtemp(dir)) return -1;
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", dir);
    if (getenv("LECTERN_TEST_DB")) config_set(&app.cfg, "db", test_db_url());
    config_set(&app.cfg, "access-log", "off");
    char *err = NULL;
    if (app_open(&app, &err) != LN_OK) {
        fprintf(stderr, "app_open: %s\n", err);
        return -1;
    }
    Db *db = db_pool_get(app.pool);
    UsTime now = time_now_us();
    snprintf(alpha_slug, sizeof alpha_slug, "alpha-%d", (int)getpid());
    snprintf(beta_slug, sizeof beta_slug, "beta-%d", (int)getpid());
    if (org_create(db, alpha_slug, "Alpha", true, now, &alpha) != LN_OK
        || org_create(db, beta_slug, "Beta", false, now, &beta) != LN_OK)
        return -1;
    int64_t aa = mk_user(db, "admin", alpha, ROLE_ADMIN);
    int64_t al = mk_user(db, "learner", alpha, ROLE_LEARNER);
    session_create(db, aa, "127.0.0.1", "t", now, alpha_admin_session);
    session_create(db, al, "127.0.0.1", "t", now, alpha_learner_session);
    for (int i = 0; i < 4; i++) {
        int64_t u = mk_user(db, roles[i], beta, role_parse(roles[i]));
        session_create(db, u, "127.0.0.1", "t", now, beta_session[i]);
        apitoken_create(db, beta, u, "t", role_parse(roles[i]), now, beta_token[i], NULL);
    }
    db_pool_put(app.pool, db);
    return 0;
}

static int teardown(void **state)
{
    app_close(&app);
    return 0;
}

/* Fill {org} with `org`, other parameters with plausible values. */
static char *fill(Arena *a, const char *pattern, const char *org)
{
    Buf b;
    buf_init(&b, 0);
    for (const char *p = pattern; *p;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            size_t n = (size_t)(end - p - 1);
            if (n == 3 && !strncmp(p + 1, "org", 3)) buf_puts(&b, org);
            else if (n == 4 && !strncmp(p + 1, "file", 4)) buf_puts(&b, "app.css");
            else if (n == 5 && !strncmp(p + 1, "token", 5)) buf_puts(&b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            else buf_puts(&b, "1");
            p = end + 1;
        } else {
            buf_putc(&b, *p++);
        }
    }
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

typedef struct Call {
    const char *method, *target, *session, *bearer;
    bool with_csrf;
} Call;

/* Run one request; returns its status. */
static int call(const Call *c)
{
    Req *r = req_new(&app);
    r->client_ip = "127.0.0.1";
    params_add(r->arena, &r->headers, "content-type", "application/json", 16);
    if (c->session) {
        params_add(r->arena, &r->cookies, SESSION_COOKIE, c->session, strlen(c->session));
        if (c->with_csrf) {
            const char *tok = app_csrf_mac(&app, r->arena, c->session);
            params_add(r->arena, &r->headers, "x-csrf-token", tok, strlen(tok));
        }
    }
    if (c->bearer) {
        const char *h = arena_printf(r->arena, "Bearer %s", c->bearer);
        params_add(r->arena, &r->headers, "authorization", h, strlen(h));
    }
    req_set_target(r, c->method, c->target);
    Buf body;
    buf_init(&body, 0);
    buf_puts(&body, "{\"email\":\"x@alpha.test\",\"name\":\"X\",\"role\":\"admin\",\"slug\":\"zz\"}");
    req_set_body(r, &body);
    buf_free(&body);
    dispatch_sync(r);
    int status = r->status;
    req_free(r);
    return status;
}

static const char *method_name(unsigned m)
{
    return m & M_GET ? "GET" : m & M_POST ? "POST" : m & M_PUT ? "PUT" : m & M_PATCH ? "PATCH" : "DELETE";
}

static bool public_org_route(const Route *rt)
{
    return !(rt->access & (A_MEMBER | A_STAFF | A_ADMIN | A_PLATFORM));
}

static int64_t alpha_members(void)
{
    Db *db = db_pool_get(app.pool);
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM membership WHERE org_id = $1", "i", alpha);
    db_pool_put(app.pool, db);
    return n;
}

static void test_every_state_change_needs_csrf(void **state)
{
    for (int i = 0; i < route_count; i++) {
        const Route *rt = &routes[i];
        if (rt->methods & (M_GET | M_HEAD)) continue;
        if (!(rt->access & A_CSRF)) fail_msg("%s %s has no CSRF protection", method_name(rt->methods), rt->pattern);
        Arena *a = arena_new();
        Call c = {method_name(rt->methods), fill(a, rt->pattern, alpha_slug), alpha_admin_session, NULL, false};
        int st = call(&c);
        if (st != 403) fail_msg("%s %s without CSRF answered %d", c.method, c.target, st);
        arena_free(a);
    }
}

static void test_other_org_roles_are_refused(void **state)
{
    int64_t before = alpha_members();
    int checked = 0;
    for (int i = 0; i < route_count; i++) {
        const Route *rt = &routes[i];
        if (!strstr(rt->pattern, "{org}") || public_org_route(rt)) continue;
        Arena *a = arena_new();
        const char *target = fill(a, rt->pattern, alpha_slug);
        for (int k = 0; k < 4; k++) {
            Call bys = {method_name(rt->methods), target, beta_session[k], NULL, true};
            int st = call(&bys);
            if (st != 403 && st != 404)
                fail_msg("%s %s as %s of another organisation (session) answered %d", bys.method, target, roles[k], st);
            if (rt->access & A_API) {
                Call byt = {method_name(rt->methods), target, NULL, beta_token[k], false};
                st = call(&byt);
                if (st != 403 && st != 404)
                    fail_msg("%s %s as %s of another organisation (token) answered %d", byt.method, target, roles[k], st);
            }
            checked++;
        }
        arena_free(a);
    }
    assert_true(checked > 20);
    assert_int_equal(alpha_members(), before);
}

static void test_admin_routes_refuse_learners(void **state)
{
    for (int i = 0; i < route_count; i++) {
        const Route *rt = &routes[i];
        if (!(rt->access & A_ADMIN)) continue;
        Arena *a = arena_new();
        Call c = {method_name(rt->methods), fill(a, rt->pattern, alpha_slug), alpha_learner_session, NULL, true};
        int st = call(&c);
        if (st != 403) fail_msg("%s %s as a learner answered %d", c.method, c.target, st);
        arena_free(a);
    }
}

static void test_platform_routes_refuse_org_admins(void **state)
{
    for (int i = 0; i < route_count; i++) {
        const Route *rt = &routes[i];
        if (!(rt->access & A_PLATFORM)) continue;
        Arena *a = arena_new();
        Call c = {method_name(rt->methods), fill(a, rt->pattern, alpha_slug), alpha_admin_session, NULL, true};
        assert_int_equal(call(&c), 403);
        arena_free(a);
    }
}

static void test_signed_out_is_sent_to_signin(void **state)
{
    char path[64];
    snprintf(path, sizeof path, "/o/%s/admin/users", alpha_slug);
    Call page = {"GET", path, NULL, NULL, false};
    assert_int_equal(call(&page), 303);
    Call api = {"GET", "/api/v1/me", NULL, NULL, false};
    assert_int_equal(call(&api), 401);
}

static void test_forged_session_is_signed_out(void **state)
{
    Call c = {"GET", "/api/v1/me", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", NULL, false};
    assert_int_equal(call(&c), 401);
    Call t = {"GET", "/api/v1/me", NULL, "lct_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", false};
    assert_int_equal(call(&t), 401);
}

static void test_unknown_and_wrong_method(void **state)
{
    Call c = {"GET", "/no/such/page", NULL, NULL, false};
    assert_int_equal(call(&c), 404);
    Call m = {"DELETE", "/signin", NULL, NULL, false};
    assert_int_equal(call(&m), 405);
    Call bad = {"GET", "/%zz", NULL, NULL, false};
    assert_int_equal(call(&bad), 400);
    Call weird = {"BREW", "/", NULL, NULL, false};
    assert_int_equal(call(&weird), 501);
}

static void test_route_matcher(void **state)
{
    Arena *a = arena_new();
    Params p = {0};
    assert_true(route_match(a, "/o/{org}/admin/users/{id}/role", "/o/demo/admin/users/12/role", &p));
    assert_string_equal(params_get(&p, "org"), "demo");
    assert_string_equal(params_get(&p, "id"), "12");
    assert_false(route_match(a, "/o/{org}", "/o/", NULL));
    assert_false(route_match(a, "/o/{org}", "/o/demo/", NULL));
    assert_false(route_match(a, "/o/{org}", "/o/demo/x", NULL));
    assert_false(route_match(a, "/", "", NULL));
    assert_true(route_match(a, "/", "/", NULL));
    unsigned allowed;
    assert_null(route_find(a, M_DELETE, "/signin", &p, &allowed));
    assert_true(allowed & M_GET && allowed & M_POST);
    arena_free(a);
}

/* The index (first segment, number of segments) finds what a scan of the
 * whole table in order finds: the same route for every method, the same
 * allowed methods, for a path made from every pattern and for near misses. */
static const Route *scan(Arena *a, Method m, const char *path, unsigned *allowed)
{
    *allowed = 0;
    for (int i = 0; i < route_count; i++) {
        if (!route_match(a, routes[i].pattern, path, NULL)) continue;
        unsigned methods = routes[i].methods | (routes[i].methods & M_GET ? M_HEAD : 0);
        if (methods & m) return &routes[i];
        *allowed |= methods;
    }
    return NULL;
}

static void test_route_index(void **state)
{
    Arena *a = arena_new();
    static const Method ms[] = {M_GET, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE};
    for (int i = 0; i < route_count; i++) {
        Buf b;
        buf_init(&b, 0);
        for (const char *c = routes[i].pattern; *c; c++) {
            if (*c != '{') {
                buf_putc(&b, *c);
                continue;
            }
            buf_puts(&b, "7");
            while (*c && *c != '}') c++;
        }
        const char *paths[] = {buf_cstr(&b), arena_printf(a, "%s/", buf_cstr(&b)), arena_printf(a, "%sx", buf_cstr(&b)),
                               arena_printf(a, "%s/extra", buf_cstr(&b))};
        for (size_t k = 0; k < LN_ARRAY_LEN(paths); k++)
            for (size_t j = 0; j < LN_ARRAY_LEN(ms); j++) {
                unsigned want_allowed, got_allowed;
                Params p = {0};
                const Route *want = scan(a, ms[j], paths[k], &want_allowed);
                const Route *got = route_find(a, ms[j], paths[k], &p, &got_allowed);
                if (want != got || want_allowed != got_allowed)
                    fail_msg("%s %d: index %s, scan %s", paths[k], (int)ms[j], got ? got->pattern : "none",
                             want ? want->pattern : "none");
            }
        buf_free(&b);
    }
    unsigned allowed;
    Params p = {0};
    assert_null(route_find(a, M_GET, "", &p, &allowed));
    assert_null(route_find(a, M_GET, "nope", &p, &allowed));
    assert_non_null(route_find(a, M_GET, "/", &p, &allowed));
    arena_free(a);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_matcher),
        cmocka_unit_test(test_route_index),
        cmocka_unit_test(test_every_state_change_needs_csrf),
        cmocka_unit_test(test_other_org_roles_are_refused),
        cmocka_unit_test(test_admin_routes_refuse_learners),
        cmocka_unit_test(test_platform_routes_refuse_org_admins),
        cmocka_unit_test(test_signed_out_is_sent_to_signin),
        cmocka_unit_test(test_forged_session_is_signed_out),
        cmocka_unit_test(test_unknown_and_wrong_method),
    };
    return cmocka_run_group_tests_name(str_startswith(test_db_url(), "sqlite:") ? "routes-sqlite" : "routes-postgresql",
                                       tests, setup, teardown);
}
