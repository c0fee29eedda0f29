/* fuzz_request.c — whole requests through the real dispatcher: routing,
 * access control, CSRF, form/JSON/multipart parsing and every handler, on a
 * SQLite database with demo-like data.  Input: a raw HTTP request
 * ("METHOD TARGET HTTP/1.1\r\nHeader: v\r\n\r\nbody").  The first byte picks
 * who sends it: signed out, a learner, an administrator (with a valid CSRF
 * header), or a bearer token. */
#include "account/account.h"
#include "http/access.h"
#include "http/dispatch.h"
#include "org/org.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static App app;
static char learner_session[TOKEN_CHARS + 1], admin_session[TOKEN_CHARS + 1];
static char token[TOKEN_CHARS + 5];

static void init(void)
{
    sodium_init();
    char dir[] = "/tmp/lectern-fuzz-XXXXXX";
    if (!mkdtemp(dir)) abort();
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", dir);
    config_set(&app.cfg, "access-log", "off");
    config_set(&app.cfg, "sync", "normal");
    char *err = NULL;
    if (app_open(&app, &err) != LN_OK) abort();
    log_set_level(LOG_ERROR + 1);
    Db *db = db_pool_get(app.pool);
    UsTime now = time_now_us();
    int64_t org, admin, learner;
    org_create(db, "demo", "Demo", true, now, &org);
    user_create(db, "admin@demo.test", "Admin", NULL, "en", true, now, &admin);
    user_create(db, "learner@demo.test", "Learner", NULL, "fr", false, now, &learner);
    member_set(db, org, admin, ROLE_ADMIN, now);
    member_set(db, org, learner, ROLE_LEARNER, now);
    session_create(db, admin, "127.0.0.1", "fuzz", now, admin_session);
    session_create(db, learner, "127.0.0.1", "fuzz", now, learner_session);
    apitoken_create(db, org, admin, "fuzz", ROLE_ADMIN, now, token, NULL);
    db_pool_put(app.pool, db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        init();
        ready = true;
    }
    if (size < 1 || size > 65536) return 0;
    Req *r = req_new(&app);
    r->client_ip = "127.0.0.1";
    char *raw = arena_strndup(r->arena, (const char *)data + 1, size - 1);   /* NUL-terminated */
    switch (data[0] & 3) {
    case 1:
        params_add(r->arena, &r->cookies, SESSION_COOKIE, learner_session, TOKEN_CHARS);
        break;
    case 2: {
        params_add(r->arena, &r->cookies, SESSION_COOKIE, admin_session, TOKEN_CHARS);
        const char *csrf = app_csrf_mac(&app, r->arena, admin_session);
        params_add(r->arena, &r->headers, "x-csrf-token", csrf, strlen(csrf));
        break;
    }
    case 3: {
        const char *h = arena_printf(r->arena, "Bearer %s", token);
        params_add(r->arena, &r->headers, "authorization", h, strlen(h));
        break;
    }
    default: break;
    }
    if (req_parse_raw(r, raw, size - 1)) {
        dispatch_sync(r);
        req_finish(r);
    }
    req_free(r);
    return 0;
}
