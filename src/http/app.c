/* app.c — configuration (defaults < file < environment < command line) and
 * the process-wide state. */
#include "http/app.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <sys/stat.h>
#include "account/account.h"
#include "attendance/attendance.h"
#include "catalog/catalog.h"
#include "certificate/certificate.h"
#include "evidence/ledger.h"
#include "assess/peer.h"
#include "assess/quiz.h"
#include "content/course_job.h"
#include "forum/forum.h"
#include "mail/mail.h"
#include "survey/survey.h"
#include "obs/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

void config_defaults(Config *c)
{
    memset(c, 0, sizeof *c);
    set_str(&c->data_dir, "var");
    set_str(&c->db_url, "sqlite:var/lectern.db");
    set_str(&c->listen, "127.0.0.1:8080");
    set_str(&c->base_url, "");
    set_str(&c->smtp_url, "");
    set_str(&c->mail_from, "Lectern <no-reply@lectern.invalid>");
    set_str(&c->access_log, "-");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = n > 0 ? (int)n : 2;
    c->max_header = 16 * 1024;    /* libmicrohttpd zeroes this much per request */
    c->max_body = 1024 * 1024;
    c->max_upload = (size_t)2 << 30;   /* streamed to DATA/tmp, never held in memory */
    c->timeout_s = 30;
    c->sync_full = true;
}

static int set_size(size_t *dst, const char *v)
{
    int64_t n;
    if (!str_to_i64(v, &n) || n <= 0) return LN_EINVAL;
    *dst = (size_t)n;
    return LN_OK;
}

static int set_int(int *dst, const char *v, int min, int max)
{
    int64_t n;
    if (!str_to_i64(v, &n) || n < min || n > max) return LN_EINVAL;
    *dst = (int)n;
    return LN_OK;
}

int config_set(Config *c, const char *key, const char *v)
{
    if (str_eq(key, "db")) set_str(&c->db_url, v);
    else if (str_eq(key, "listen")) set_str(&c->listen, v);
    else if (str_eq(key, "data")) {
        bool default_db = str_eq(c->db_url, "sqlite:var/lectern.db");
        set_str(&c->data_dir, v);
        if (default_db) {
            free(c->db_url);
            size_t n = strlen(v) + 20;
            c->db_url = xmalloc(n);
            snprintf(c->db_url, n, "sqlite:%s/lectern.db", v);
        }
    }
    else if (str_eq(key, "base-url")) {
        set_str(&c->base_url, v);
        c->secure_cookies = str_startswith(v, "https://");   /* served behind TLS */
    }
    else if (str_eq(key, "smtp")) set_str(&c->smtp_url, v);
    else if (str_eq(key, "mail-from")) set_str(&c->mail_from, v);
    else if (str_eq(key, "access-log")) set_str(&c->access_log, v);
    else if (str_eq(key, "threads")) return set_int(&c->threads, v, 1, 256);
    else if (str_eq(key, "db-pool")) return set_int(&c->db_pool, v, 1, 1024);
    else if (str_eq(key, "max-body")) return set_size(&c->max_body, v);
    else if (str_eq(key, "max-upload")) return set_size(&c->max_upload, v);
    else if (str_eq(key, "max-header")) return set_size(&c->max_header, v);
    else if (str_eq(key, "timeout")) return set_int(&c->timeout_s, v, 1, 3600);
    else if (str_eq(key, "checkpoint-minutes")) return set_int(&c->checkpoint_minutes, v, 1, 7 * 24 * 60);
    else if (str_eq(key, "sync")) {
        if (!str_eq(v, "full") && !str_eq(v, "normal")) return LN_EINVAL;
        c->sync_full = str_eq(v, "full");
    } else return LN_EINVAL;
    return LN_OK;
}

/* "key = value" lines; '#' starts a comment. */
int config_load_file(Config *c, const char *path, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f) return LN_NOTFOUND;
    char line[1024];
    int lineno = 0, rc = LN_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *eq = strchr(line, '=');
        char *k = line;
        while (*k == ' ' || *k == '\t') k++;
        if (!*k || *k == '\n') continue;
        if (!eq) {
            rc = LN_EINVAL;
            break;
        }
        *eq = 0;
        char *v = eq + 1;
        for (char *e = eq - 1; e >= k && (*e == ' ' || *e == '\t'); e--) *e = 0;
        while (*v == ' ' || *v == '\t') v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == '\n' || v[vl - 1] == ' ' || v[vl - 1] == '\r')) v[--vl] = 0;
        if (config_set(c, k, v) != LN_OK) {
            rc = LN_EINVAL;
            break;
        }
    }
    fclose(f);
    if (rc != LN_OK) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s:%d: expected \"key = value\" with a known key and a valid value",
                 path, lineno);
        *err = xstrdup(msg);
    }
    return rc;
}

void config_from_env(Config *c)
{
    static const struct { const char *env, *key; } vars[] = {
        {"LECTERN_DB", "db"}, {"LECTERN_LISTEN", "listen"}, {"LECTERN_DATA", "data"},
        {"LECTERN_BASE_URL", "base-url"}, {"LECTERN_SMTP_URL", "smtp"},
        {"LECTERN_MAIL_FROM", "mail-from"}, {"LECTERN_ACCESS_LOG", "access-log"},
        {"LECTERN_THREADS", "threads"}, {"LECTERN_SYNC", "sync"},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(vars); i++) {
        const char *v = getenv(vars[i].env);
        if (v && *v && config_set(c, vars[i].key, v) != LN_OK)
            log_warn("ignoring %s=%s: not a valid value", vars[i].env, v);
    }
}

void config_free(Config *c)
{
    free(c->db_url);
    free(c->listen);
    free(c->data_dir);
    free(c->base_url);
    free(c->smtp_url);
    free(c->mail_from);
    free(c->access_log);
}

/* The site secret (CSRF keys) lives in the database so that every process
 * of one site agrees on it. */
int site_secret_load(Db *db, char *out, size_t n)
{
    DbStmt *st = db_prepare(db, "SELECT value FROM setting WHERE key = 'site_secret'");
    if (!st) return LN_EDB;
    if (db_step(st) == DB_ROW) {
        snprintf(out, n, "%s", db_col_text(st, 0));
        db_done(st);
        return LN_OK;
    }
    db_done(st);
    char tok[TOKEN_CHARS + 1];
    token_random(tok);
    /* Two processes may race: the first insert wins, both read it back. */
    db_run(db, "INSERT INTO setting (key, value) VALUES ('site_secret', $1) ON CONFLICT (key) DO NOTHING",
           "t", tok);
    st = db_prepare(db, "SELECT value FROM setting WHERE key = 'site_secret'");
    int rc = st && db_step(st) == DB_ROW ? LN_OK : LN_EDB;
    if (rc == LN_OK) snprintf(out, n, "%s", db_col_text(st, 0));
    db_done(st);
    return rc;
}

static int load_secret(App *app, Db *db)
{
    return site_secret_load(db, app->secret, sizeof app->secret);
}

int app_sweep_tmp(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    time_t cutoff = time(NULL) - 86400;
    int n = 0;
    size_t pl = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, pl) != 0) continue;
        struct stat sb;
        if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode)
            && sb.st_mtime < cutoff && unlinkat(dirfd(d), e->d_name, 0) == 0)
            n++;
    }
    closedir(d);
    if (n) log_info("removed %d stale %s* file(s) from %s", n, prefix, dir);
    return n;
}

int app_open(App *app, char **err)
{
    DbOptions opt = {.sync_full = app->cfg.sync_full};
    int pool = app->cfg.db_pool > 0 ? app->cfg.db_pool : app->cfg.threads + 2;
    app->pool = db_pool_new(app->cfg.db_url, &opt, pool, err);
    if (!app->pool) return LN_EDB;
    Db *db = db_pool_get(app->pool);
    int rc = db_migrate(db, true) < 0 ? LN_EDB : load_secret(app, db);
    if (rc == LN_OK) user_backfill_search(db);
    if (rc == LN_OK) course_search_backfill(db);
    if (rc == LN_OK) forum_search_backfill(db);
    if (rc == LN_OK) {
        csrf_key_of(app->secret, app->csrf_key);
    }
    db_pool_put(app->pool, db);
    if (rc != LN_OK) {
        *err = xstrdup("cannot prepare the database (see the log above)");
        return rc;
    }
    /* Uploads are streamed into DATA/tmp, then renamed into DATA/media:
     * both on one file system so the rename is atomic. */
    char dir[4096];
    mkdir(app->cfg.data_dir, 0750);
    snprintf(dir, sizeof dir, "%s/tmp", app->cfg.data_dir);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) log_warn("cannot create %s: %s", dir, strerror(errno));
    app_sweep_tmp(dir, "upload-");
    app->writer = writer_start(app->cfg.db_url, &opt, 2000, err);
    if (!app->writer) return LN_EDB;
    app->metrics = metrics_new();
    if (str_eq(app->cfg.access_log, "-")) app->access_log = stderr;
    else if (!str_eq(app->cfg.access_log, "off")) {
        app->access_log = fopen(app->cfg.access_log, "a");
        if (!app->access_log) log_warn("cannot open access log %s; logging to stderr", app->cfg.access_log);
        else setvbuf(app->access_log, NULL, _IOFBF, 1 << 16);   /* flushed by app_tick */
        if (!app->access_log) app->access_log = stderr;
    }
    return LN_OK;
}

void app_close(App *app)
{
    writer_stop(app->writer);
    app->writer = NULL;
    db_pool_free(app->pool);
    app->pool = NULL;
    metrics_free(app->metrics);
    app->metrics = NULL;
    if (app->access_log && app->access_log != stderr) fclose(app->access_log);
    app->access_log = NULL;
}

void app_tick(App *app, Db *db)
{
    mail_deliver_due(app, db, time_now_us());
    if (db_kind(db) == DB_SQLITE) db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
    if (app->access_log) fflush(app->access_log);
    ledger_tick(app, db);     /* periodic evidence checkpoints */
    attendance_tick(app, db); /* signing links e-mailed as live sessions start */
    forum_tick(app, db);      /* forum notifications e-mailed (immediate, daily digest) */
    quiz_tick(app, db);       /* quiz attempts past their deadline expire, graded from their saved answers */
    peer_tick(app, db);       /* peer assessment on schedule, and its e-mails */
    survey_tick(app, db);     /* the one reminder of a satisfaction survey */
}

void app_jobs_tick(App *app, Db *db)
{
    content_tick(app, db);    /* course exports and imports started from the browser or the API */
    attendance_jobs_tick(app, db);    /* all the sheets of a run, as a ZIP or one PDF */
    cert_jobs_tick(app, db);          /* all the certificates of a run, as a ZIP */
}

const char *app_base_url(const App *app, char *buf, size_t n)
{
    if (!str_empty(app->cfg.base_url)) return app->cfg.base_url;
    snprintf(buf, n, "http://%s", app->cfg.listen);
    return buf;
}

bool tick_due(_Atomic int64_t *last, UsTime now, UsTime every)
{
    int64_t was = atomic_load(last);
    return now - was >= every && atomic_compare_exchange_strong(last, &was, now);
}

/* BLAKE2b keyed with a hash of the secret: a MAC in one call, a third of
 * HMAC-SHA-256's instructions on every page with a form. */
void csrf_key_of(const char *secret, unsigned char key[32])
{
    crypto_generichash(key, 32, (const unsigned char *)secret, strlen(secret),
                       (const unsigned char *)"lectern csrf key", 16);
}

void csrf_mac_with(const unsigned char key[32], const char *basis, char *out)
{
    unsigned char mac[32];
    crypto_generichash(mac, sizeof mac, (const unsigned char *)basis, strlen(basis), key, 32);
    sodium_bin2base64(out, TOKEN_CHARS + 1, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

char *app_csrf_mac(App *app, Arena *a, const char *basis)
{
    char *out = arena_alloc(a, TOKEN_CHARS + 1);
    csrf_mac_with(app->csrf_key, basis, out);
    return out;
}
