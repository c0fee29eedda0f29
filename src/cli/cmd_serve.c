/* cmd_serve.c — `lectern serve`, `lectern demo`, `lectern test-request`. */
#include "cli/cli.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "http/dispatch.h"
#include "http/server.h"
#include "http/ticker.h"
#include "obs/metrics.h"
#include "org/org.h"
#include "web/i18n.h"
#include "web/static.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- serve ---- */

/* Wait for in-flight requests to end, at most `max_ms`. */
static void drain(App *app, int max_ms)
{
    for (int waited = 0; metrics_in_flight_now(app->metrics) > 0 && waited < max_ms; waited += 20) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

int cmd_serve(Cli *c)
{
    /* Signals go to this thread only (sigwait below), never to workers. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    i18n_init();
    static_init();
    App app;
    if (cli_app(c, &app)) return 1;
    char *err = NULL;
    Server *srv = server_start(&app, &err);
    if (!srv) {
        fprintf(stderr, "lectern: %s (%s)\n", err, app.cfg.listen);
        free(err);
        app_close(&app);
        return 1;
    }
    Ticker *tick = ticker_start(&app, app_tick), *jobs = ticker_start(&app, app_jobs_tick);
    const char *host = app.cfg.listen;
    char addr[128];
    snprintf(addr, sizeof addr, "%.*s:%u", (int)(strrchr(host, ':') - host), host, server_port(srv));
    if (str_empty(app.cfg.base_url)) {     /* links in mail: the real port */
        char url[160];
        snprintf(url, sizeof url, "http://%s", addr);
        free(c->cfg.base_url);
        c->cfg.base_url = app.cfg.base_url = xstrdup(url);
    }
    log_info("lectern serving http://%s (%d threads, database %s)", addr, app.cfg.threads,
             str_startswith(app.cfg.db_url, "sqlite:") ? app.cfg.db_url : "postgres");
    printf("listening on http://%s\n", addr);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: draining requests", sig);
    server_quiesce(srv);
    drain(&app, 10000);
    ticker_stop(tick);
    ticker_stop(jobs);          /* a job in progress is finished first */
    server_stop(srv);
    app_close(&app);
    curl_global_cleanup();
    log_info("stopped cleanly");
    return 0;
}

/* ---- demo ---- */

typedef struct DemoUser { const char *email, *name, *password; Role role; bool platform; } DemoUser;

static const DemoUser demo_users[] = {
    {"admin@lectern.test", "Amélie Administratrice", "demo-admin-pass", ROLE_ADMIN, true},
    {"trainer@lectern.test", "Théo Formateur", "demo-trainer-pass", ROLE_TRAINER, false},
    {"elodie@lectern.test", "Élodie Learner", "demo-learner-pass", ROLE_LEARNER, false},
    {"francois@lectern.test", "François Learner", "demo-learner-pass", ROLE_LEARNER, false},
};

static void demo_print(Cli *c)
{
    printf("\nDemo organisation: Lectern Academy (/o/demo), two courses:\n"
           "  SAFE-101 Workplace safety essentials: text, video with captions, a download; Élodie is part-way\n"
           "           (21 min of reading: the admin can issue her certificate from the run's Progress page),\n"
           "           and an external MOOC her 45 minutes of which the trainer can validate (External activities)\n"
           "  FIRE-201 Fire safety on site: a quiz, a drill on site next week, peer assessment, a forum;\n"
           "           enrol from the catalog to try them\n"
           "Sign in with:\n");
    for (size_t i = 0; i < LN_ARRAY_LEN(demo_users); i++)
        printf("  %-24s %-18s %s%s\n", demo_users[i].email, demo_users[i].password, role_name(demo_users[i].role),
               demo_users[i].platform ? " + platform administrator" : "");
}

/* A published course with an open (MOOC) session, for the catalog. */
static int demo_course(Cli *cli, Db *db, int64_t org_id, int64_t trainer_id, int64_t learner_id, UsTime now)
{
    CourseInput in = {.code = "SAFE-101", .title = "Workplace safety essentials",
                      .summary = "Spot hazards, prevent accidents and react well: the basics every new colleague needs.",
                      .objectives = "Name the main hazards of an office and a warehouse; apply the emergency procedure; "
                                    "report an incident.",
                      .lang = "en", .estimated_minutes = 150, .published = 1};
    int64_t id, run;
    Course c = {0};
    int rc = course_create(db, org_id, &in, 0, now, &id);
    c.id = id;
    c.org_id = org_id;
    if (rc == LN_OK) rc = run_create(db, &c, "Open session 2027", "mooc", now, now + (int64_t)180 * 86400 * US_PER_SEC, 0, now, &run);
    if (rc == LN_OK) rc = demo_content(cli, db, &c, run, learner_id, now);
    if (rc == LN_OK) rc = demo_external(db, org_id, run, trainer_id, demo_users[2].email, now);
    if (rc == LN_OK) rc = course_search_index(db, id);     /* with its sections and units */
    ProgrammeInput pin = {.title = "New colleague induction",
                          .objectives = "Work safely from the first day and know whom to ask.",
                          .prerequisites = "None: this is the first programme of every new colleague.",
                          .assistance = "A named trainer answers in the course forum; a video call can be booked each week.",
                          .estimated_minutes = 150, .response_hours = 24};
    int64_t prog;
    Programme p = {.org_id = org_id};
    if (rc == LN_OK) rc = programme_create(db, org_id, &pin, now, &prog);
    p.id = prog;
    if (rc == LN_OK) rc = programme_set_courses(db, &p, &id, 1, now);
    return rc;
}

int cmd_demo(Cli *c)
{
    Db *db = cli_db(c);
    if (!db) return 1;
    Arena *a = arena_new();
    Org o;
    UsTime now = time_now_us();
    int rc = LN_OK;
    if (org_by_slug(db, a, "demo", &o) != LN_OK) {
        int64_t org_id, uids[LN_ARRAY_LEN(demo_users)];
        rc = org_create(db, "demo", "Lectern Academy", true, now, &org_id);
        for (size_t i = 0; rc == LN_OK && i < LN_ARRAY_LEN(demo_users); i++) {
            const DemoUser *d = &demo_users[i];
            rc = user_create(db, d->email, d->name, d->password, i == 2 ? "fr" : "en", d->platform, now, &uids[i]);
            if (rc == LN_OK) rc = member_set(db, org_id, uids[i], d->role, now);
        }
        if (rc == LN_OK) rc = demo_course(c, db, org_id, uids[1], uids[2], now);   /* Élodie is part-way */
        if (rc == LN_OK) rc = demo_fire(c, db, org_id, uids[1], now);
        if (rc == LN_OK) printf("demo data created in %s\n", c->cfg.db_url);
    } else {
        printf("demo data already present in %s\n", c->cfg.db_url);
    }
    if (rc == LN_OK) demo_print(c);
    else fprintf(stderr, "lectern: creating the demo data failed\n");
    arena_free(a);
    db_close(db);
    return rc == LN_OK ? 0 : 1;
}

/* ---- test-request: a raw HTTP request from a file, no socket ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    Buf b;
    buf_init(&b, 64 * 1024 * 1024);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

int cmd_test_request(Cli *c)
{
    if (c->argc < 1) {
        fprintf(stderr, "lectern: missing FILE (see --help)\n");
        return 2;
    }
    size_t len;
    char *raw = slurp(c->argv[0], &len);
    if (!raw) {
        fprintf(stderr, "lectern: cannot read %s\n", c->argv[0]);
        return 1;
    }
    App app;
    if (cli_app(c, &app)) {
        free(raw);
        return 1;
    }
    Req *r = req_new(&app);
    r->client_ip = "127.0.0.1";
    int rc = 0;
    if (!req_parse_raw(r, raw, len)) {
        fprintf(stderr, "lectern: %s is not an HTTP request (METHOD TARGET HTTP/1.1, headers, blank line, body)\n", c->argv[0]);
        rc = 1;
    } else {
        if (cli_opt(c, "as")) {
            Db *db = db_pool_get(app.pool);
            User u;
            char tok[TOKEN_CHARS + 1];
            if (user_by_email(db, r->arena, cli_opt(c, "as"), &u) == LN_OK
                && session_create(db, u.id, "127.0.0.1", "test-request", time_now_us(), tok) == LN_OK)
                params_add(r->arena, &r->cookies, "lectern_session", arena_strdup(r->arena, tok), TOKEN_CHARS);
            db_pool_put(app.pool, db);
        }
        dispatch_sync(r);
        req_finish(r);
        printf("HTTP/1.1 %d\r\n", r->status);
        if (r->content_type) printf("Content-Type: %s\r\n", r->content_type);
        for (RespHeader *h = r->resp_headers; h; h = h->next) printf("%s: %s\r\n", h->name, h->value);
        printf("\r\n");
        if (r->static_data) fwrite(r->static_data, 1, r->static_len, stdout);
        else fwrite(buf_cstr(&r->out), 1, r->out.len, stdout);
    }
    req_free(r);
    free(raw);
    app_close(&app);
    return rc;
}
