/* commands.c — the command table and the administrative commands. */
#include "cli/cli.h"
#include "account/account.h"
#include "catalog/catalog.h"
#include "db/db_backup.h"
#include "mail/mail.h"
#include "http/route.h"
#include "org/org.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const Command commands[] = {
    {"serve", cmd_serve, "[--listen ADDR] [--db URL] [--data DIR]", "serve HTTP until SIGTERM or SIGINT"},
    {"migrate", cmd_migrate, "", "apply pending database migrations"},
    {"org add", cmd_org_add, "SLUG NAME [--signup]", "create an organisation"},
    {"user add", cmd_user_add, "EMAIL NAME [--password PW] [--org SLUG --role ROLE] [--platform-admin]",
     "create an account (password asked on standard input when not given)"},
    {"user passwd", cmd_user_passwd, "EMAIL [--password PW]", "set an account's password"},
    {"user role", cmd_user_role, "EMAIL --org SLUG --role learner|trainer|admin|auditor|none",
     "give or remove a role in an organisation"},
    {"token create", cmd_token_create, "--org SLUG --user EMAIL [--name NAME] [--role ROLE]",
     "create an API token and print it once"},
    {"demo", cmd_demo, "", "create demo data (idempotent) and print how to sign in"},
    {"course export", cmd_course_export, "ID DIR|FILE.tar.gz",
     "write a course as files (docs/course-format.md) to a new folder or a .tar.gz"},
    {"course import", cmd_course_import, "DIR|FILE.tar.gz --org SLUG [--code CODE]",
     "create a course from files (docs/course-format.md); all or nothing"},
    {"sessions import-ical", cmd_sessions_import_ical, "RUN FILE.ics --org SLUG [--zone ZONE] [--utc-offset +01:00] [--as EMAIL] [--apply]",
     "preview (or with --apply create) a run's live sessions from an iCalendar file"},
    {"backup", cmd_backup, "FILE", "online backup of a SQLite database (PostgreSQL: use pg_dump)"},
    {"mail flush", cmd_mail_flush, "", "deliver the mail that is due now"},
    {"cache clear", cmd_cache_clear, "",
     "make every running server on this SQLite database forget its cached sessions (after editing accounts by hand)"},
    {"verify", cmd_verify, "[--org SLUG]",
     "recompute the evidence ledger and check its signed checkpoints; exit 1 naming the first bad entry"},
    {"audit-pack", cmd_audit_pack, "--org SLUG (RUN_ID | --programme ID ) EMAIL FILE.zip [--lang en|fr]",
     "write a learner's audit pack of a course run or a programme: the ledger entries, their chain to a signed checkpoint, the documents and verify.py"},
    {"checkpoint", cmd_checkpoint, "[--org SLUG]",
     "sign the ledger head now (one organisation, or every one whose head moved)"},
    {"key show", cmd_key_show, "--org SLUG", "print the organisation's evidence signing key (base64), made if none"},
    {"key rotate", cmd_key_rotate, "--org SLUG", "make a new evidence signing key; old keys stay to verify"},
    {"bench-seed", cmd_bench_seed,
     "--courses N --learners N --heartbeats N --enrolments-per-learner N [--bench-enrolments N] [--video FILE] [--password PW] [--batch N]",
     "fill an empty database with generated courses, learners, enrolments and heartbeats (make bench)"},
    {"bench-seed-gradebook", cmd_bench_seed_gradebook, "[--learners N] [--quizzes N] [--attempts N]",
     "fill an empty database with one course of quizzes and an assignment, N learners and their grades (make bench, part gradebook)"},
    {"bench-quiz-seed", cmd_bench_quiz_seed, "--out FILE [--learners N]",
     "fill an empty database with a quiz, N learners' submitted attempts and as many in progress (make bench quiz)"},
    {"bench-seed-forum", cmd_bench_seed_forum, "--out FILE [--forum-threads N] [--posts N] [--big N] [--posters N]",
     "fill an empty database with a run's forum: N threads, N posts in all (one thread of --big replies), indexed for search, and posters with sessions (make bench forum)"},
    {"bench-attendance-seed", cmd_bench_attendance_seed, "--out FILE [--learners N] [--sessions K] [--ledger M]",
     "fill an empty database with K open sessions of N learners and their signing links, a signed 30-learner sheet and M ledger entries (make bench signers, sheetpdf, verify)"},
    {"attendance sheets", cmd_attendance_sheets, "RUN_ID FILE.zip|FILE.pdf [--lang en|fr]",
     "write every attendance sheet of a course run into one ZIP (a PDF each), or into one PDF, with progress"},
    {"certificate zip", cmd_certificate_zip, "RUN_ID FILE.zip [--lang en|fr] [--as EMAIL [--type TYPE] --issue]",
     "write every valid completion certificate of a course run into one ZIP, with progress; --issue first issues the missing ones"},
    {"routes", cmd_routes, "", "print the route table as JSON (method, path, access)"},
    {"test-request", cmd_test_request, "FILE [--as EMAIL]",
     "run one raw HTTP request from FILE through the handlers, without a socket"},
    {NULL, NULL, NULL, NULL},
};

const char *cli_opt(Cli *c, const char *name) { return params_get(&c->opts, name); }
bool cli_flag(Cli *c, const char *name) { return params_get(&c->opts, name) != NULL; }

static void ensure_data_dir(Cli *c)
{
    if (mkdir(c->cfg.data_dir, 0750) != 0 && errno != EEXIST)
        fprintf(stderr, "lectern: cannot create %s: %s\n", c->cfg.data_dir, strerror(errno));
}

Db *cli_db(Cli *c)
{
    ensure_data_dir(c);
    char *err = NULL;
    DbOptions opt = {.sync_full = c->cfg.sync_full};
    Db *db = db_open(c->cfg.db_url, &opt, &err);
    if (!db) {
        fprintf(stderr, "lectern: %s\n", err);
        free(err);
        return NULL;
    }
    if (db_migrate(db, false) < 0) {
        fprintf(stderr, "lectern: migrations failed: %s\n", db_errmsg(db));
        db_close(db);
        return NULL;
    }
    user_backfill_search(db);
    course_search_backfill(db);
    return db;
}

int cli_app(Cli *c, App *app)
{
    ensure_data_dir(c);
    memset(app, 0, sizeof *app);
    app->cfg = c->cfg;
    char *err = NULL;
    if (app_open(app, &err) != LN_OK) {
        fprintf(stderr, "lectern: %s\n", err ? err : "cannot open the database");
        free(err);
        return 1;
    }
    return 0;
}

static int need_args(Cli *c, int n, const char *what)
{
    if (c->argc >= n) return 0;
    fprintf(stderr, "lectern: missing %s (see --help)\n", what);
    return 2;
}

/* Password from --password or one line of standard input; NULL (said on
 * stderr) when missing or too weak. */
static const char *read_password(Cli *c)
{
    const char *pw = cli_opt(c, "password");
    static char line[PASSWORD_MAX + 2];
    if (!pw) {
        fprintf(stderr, "Password (at least %d characters): ", PASSWORD_MIN);
        if (fgets(line, sizeof line, stdin)) {
            line[strcspn(line, "\r\n")] = 0;
            pw = line;
        }
    }
    if (check_password(pw)) {
        fprintf(stderr, "lectern: %s\n", check_password(pw));
        return NULL;
    }
    return pw;
}

int cmd_migrate(Cli *c)
{
    ensure_data_dir(c);
    char *err = NULL;
    Db *db = db_open(c->cfg.db_url, NULL, &err);
    if (!db) {
        fprintf(stderr, "lectern: %s\n", err);
        free(err);
        return 1;
    }
    int n = db_migrate(db, true);
    if (n >= 0) printf("schema version %d (%d migration%s applied)\n", db_schema_version(db), n, n == 1 ? "" : "s");
    db_close(db);
    return n < 0 ? 1 : 0;
}

int cmd_org_add(Cli *c)
{
    if (need_args(c, 2, "SLUG and NAME")) return 2;
    Db *db = cli_db(c);
    if (!db) return 1;
    const char *msg = check_slug(c->argv[0]);
    int rc = msg ? LN_EINVAL : org_create(db, c->argv[0], c->argv[1], cli_flag(c, "signup"), time_now_us(), NULL);
    if (rc == LN_OK) printf("organisation %s created\n", c->argv[0]);
    else fprintf(stderr, "lectern: %s\n", msg ? msg : rc == LN_EEXIST ? "this short name is taken" : "cannot create it");
    db_close(db);
    return rc == LN_OK ? 0 : 1;
}

static int set_role(Db *db, const char *email, const char *slug, const char *role_s)
{
    Arena *a = arena_new();
    User u;
    Org o;
    int rc = 1;
    if (user_by_email(db, a, email, &u) != LN_OK) fprintf(stderr, "lectern: no account %s\n", email);
    else if (org_by_slug(db, a, slug, &o) != LN_OK) fprintf(stderr, "lectern: no organisation %s\n", slug);
    else if (str_eq(role_s, "none")) rc = member_remove(db, o.id, u.id) == LN_OK ? 0 : 1;
    else if (role_parse(role_s) == ROLE_NONE) fprintf(stderr, "lectern: %s\n", check_role(role_s));
    else rc = member_set(db, o.id, u.id, role_parse(role_s), time_now_us()) == LN_OK ? 0 : 1;
    if (rc == 0) printf("%s is %s in %s\n", email, role_s, slug);
    arena_free(a);
    return rc;
}

int cmd_user_add(Cli *c)
{
    if (need_args(c, 2, "EMAIL and NAME")) return 2;
    const char *email = c->argv[0], *name = c->argv[1];
    const char *msg = check_email(email) ? check_email(email) : check_name(name);
    if (msg) {
        fprintf(stderr, "lectern: %s\n", msg);
        return 1;
    }
    const char *pw = read_password(c);
    if (!pw) return 1;
    Db *db = cli_db(c);
    if (!db) return 1;
    int rc = user_create(db, email, name, pw, "en", cli_flag(c, "platform-admin"), time_now_us(), NULL);
    if (rc == LN_EEXIST) fprintf(stderr, "lectern: an account already uses %s\n", email);
    else if (rc != LN_OK) fprintf(stderr, "lectern: cannot create the account\n");
    else printf("account %s created\n", email);
    if (rc == LN_OK && cli_opt(c, "org")) rc = set_role(db, email, cli_opt(c, "org"), cli_opt(c, "role") ? cli_opt(c, "role") : "learner");
    db_close(db);
    return rc == LN_OK ? 0 : 1;
}

int cmd_user_passwd(Cli *c)
{
    if (need_args(c, 1, "EMAIL")) return 2;
    const char *pw = read_password(c);
    if (!pw) return 1;
    Db *db = cli_db(c);
    if (!db) return 1;
    Arena *a = arena_new();
    User u;
    int rc = user_by_email(db, a, c->argv[0], &u);
    if (rc == LN_OK) rc = user_set_password(db, u.id, pw, time_now_us());
    if (rc == LN_OK) session_delete_others(db, u.id, NULL);
    if (rc == LN_OK) printf("password of %s changed; its sessions are closed\n", c->argv[0]);
    else fprintf(stderr, "lectern: no account %s\n", c->argv[0]);
    arena_free(a);
    db_close(db);
    return rc == LN_OK ? 0 : 1;
}

int cmd_user_role(Cli *c)
{
    if (need_args(c, 1, "EMAIL")) return 2;
    if (!cli_opt(c, "org") || !cli_opt(c, "role")) {
        fprintf(stderr, "lectern: --org SLUG and --role ROLE are needed\n");
        return 2;
    }
    Db *db = cli_db(c);
    if (!db) return 1;
    int rc = set_role(db, c->argv[0], cli_opt(c, "org"), cli_opt(c, "role"));
    db_close(db);
    return rc;
}

int cmd_token_create(Cli *c)
{
    const char *slug = cli_opt(c, "org"), *email = cli_opt(c, "user");
    const char *name = cli_opt(c, "name") ? cli_opt(c, "name") : "command line";
    Role role = role_parse(cli_opt(c, "role") ? cli_opt(c, "role") : "admin");
    if (!slug || !email || role == ROLE_NONE) {
        fprintf(stderr, "lectern: --org SLUG and --user EMAIL are needed; --role must be a role\n");
        return 2;
    }
    Db *db = cli_db(c);
    if (!db) return 1;
    Arena *a = arena_new();
    User u;
    Org o;
    char tok[TOKEN_CHARS + 5];
    int rc = 1;
    if (user_by_email(db, a, email, &u) != LN_OK) fprintf(stderr, "lectern: no account %s\n", email);
    else if (org_by_slug(db, a, slug, &o) != LN_OK) fprintf(stderr, "lectern: no organisation %s\n", slug);
    else if (member_role(db, o.id, u.id) == ROLE_NONE) fprintf(stderr, "lectern: %s is not a member of %s\n", email, slug);
    else if (apitoken_create(db, o.id, u.id, name, role, time_now_us(), tok, NULL) == LN_OK) {
        printf("%s\n", tok);
        rc = 0;
    }
    arena_free(a);
    db_close(db);
    return rc;
}

int cmd_backup(Cli *c)
{
    if (need_args(c, 1, "FILE")) return 2;
    if (!str_startswith(c->cfg.db_url, "sqlite:")) {
        fprintf(stderr, "lectern: this is a PostgreSQL site: back it up with pg_dump, e.g.\n"
                        "  pg_dump --format=custom --file=lectern.dump 'DATABASE-URL'\n");
        return 1;
    }
    char *err = NULL;
    int rc = db_sqlite_backup(c->cfg.db_url + strlen("sqlite:"), c->argv[0], true, &err);
    if (rc != LN_OK) {
        fprintf(stderr, "lectern: backup failed: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    printf("backup written to %s\n", c->argv[0]);
    return 0;
}

int cmd_mail_flush(Cli *c)
{
    App app;
    if (cli_app(c, &app)) return 1;
    Db *db = db_pool_get(app.pool);
    int n = mail_deliver_due(&app, db, time_now_us());
    db_pool_put(app.pool, db);
    printf("%d message%s delivered\n", n < 0 ? 0 : n, n == 1 ? "" : "s");
    app_close(&app);
    return n < 0 ? 1 : 0;
}

int cmd_cache_clear(Cli *c)
{
    Db *db = cli_db(c);
    if (!db) return 1;
    for (int e = 0; e < DB_EPOCHS; e++) db_epoch_bump(db, (DbEpoch)e);
    db_close(db);
    printf("%s\n", str_startswith(c->cfg.db_url, "sqlite:") ? "cached sessions, organisation lists and unread counts dropped"
                                                           : "nothing to do: on PostgreSQL nothing is cached");
    return 0;
}

int cmd_routes(Cli *c)
{
    static const struct { unsigned bit; const char *name; } flags[] = {
        {A_LOGIN, "login"}, {A_CSRF, "csrf"}, {A_API, "api"}, {A_MEMBER, "member"},
        {A_STAFF, "staff"}, {A_ADMIN, "admin"}, {A_PLATFORM, "platform"},
    };
    static const struct { unsigned bit; const char *name; } methods[] = {
        {M_GET, "GET"}, {M_POST, "POST"}, {M_PUT, "PUT"}, {M_PATCH, "PATCH"}, {M_DELETE, "DELETE"},
    };
    printf("[\n");
    for (int i = 0; i < route_count; i++) {
        const Route *rt = &routes[i];
        for (size_t m = 0; m < LN_ARRAY_LEN(methods); m++) {
            if (!(rt->methods & methods[m].bit)) continue;
            printf("  {\"method\": \"%s\", \"path\": \"%s\", \"access\": [", methods[m].name, rt->pattern);
            bool first = true;
            for (size_t f = 0; f < LN_ARRAY_LEN(flags); f++)
                if (rt->access & flags[f].bit) {
                    printf("%s\"%s\"", first ? "" : ", ", flags[f].name);
                    first = false;
                }
            printf("]}%s\n", i + 1 < route_count ? "," : "");
        }
    }
    printf("]\n");
    return 0;
}
