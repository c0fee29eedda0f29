/* app.h — the state shared by every request of one process: configuration,
 * database pool, batching writer, site secret, metrics. */
#ifndef LECTERN_APP_H
#define LECTERN_APP_H

#include <stdatomic.h>
#include <stdio.h>
#include <sodium.h>
#include "http/req.h"

typedef struct Config {
    char *db_url;           /* sqlite:PATH | postgres://... */
    char *listen;           /* host:port, loopback by default */
    char *data_dir;         /* var/: database, mail/, uploads/ */
    char *base_url;         /* for links in e-mails; default http://listen */
    char *smtp_url;         /* smtp://host:port; empty = write .eml files */
    char *mail_from;
    char *access_log;       /* "-" stderr (default), "off", or a file path */
    int threads;            /* HTTP thread pool size */
    int db_pool;            /* connections (default threads + 2) */
    size_t max_header;      /* bytes per connection for headers */
    size_t max_body;        /* JSON and form bodies */
    size_t max_upload;      /* multipart bodies */
    int timeout_s;          /* idle connection time-out */
    bool sync_full;         /* SQLite synchronous=FULL */
    bool secure_cookies;    /* behind TLS (set when base_url is https) */
    int checkpoint_minutes; /* ledger checkpoints at most this often; 0: default 60 */
} Config;

/* Fill `c` with defaults, then the config file (LECTERN_CONFIG or
 * DATA_DIR/lectern.conf), then LECTERN_* environment variables.  Command
 * line options are applied by the caller afterwards. */
void config_defaults(Config *c);
int config_load_file(Config *c, const char *path, char **err);
void config_from_env(Config *c);
/* Set one option by name ("db", "listen", ...); LN_EINVAL if unknown. */
int config_set(Config *c, const char *key, const char *value);
void config_free(Config *c);

typedef struct Metrics Metrics;

struct App {
    Config cfg;
    DbPool *pool;
    Writer *writer;
    char secret[65];        /* hex, from the setting table, same on every node */
    unsigned char csrf_key[32];             /* BLAKE2b key derived from the secret (app_csrf_mac) */
    Metrics *metrics;       /* also the requests in flight (metrics_in_flight) */
    atomic_llong req_counter;   /* request ids are taken from it in blocks (req.c) */
    FILE *access_log;
};

/* Open the pool and the writer, run migrations, load the site secret. */
int app_open(App *app, char **err);
void app_close(App *app);
/* The site secret (CSRF keys, signed links), made and stored at first use;
 * two processes racing read the same one back. */
int site_secret_load(Db *db, char *out, size_t n);
/* The site's base URL for links in mail: --base-url, else http://LISTEN
 * (written into buf). */
const char *app_base_url(const App *app, char *buf, size_t n);
/* For periodic work in app_tick: true (and *last moved to now) when `every`
 * has passed since *last. */
bool tick_due(_Atomic int64_t *last, UsTime now, UsTime every);

/* The CSRF token for `basis` (a session token or the anonymous cookie):
 * base64url of BLAKE2b keyed with csrf_key, into the arena. */
char *app_csrf_mac(App *app, Arena *a, const char *basis);
/* The same from the site secret alone (tools that seed sessions), into
 * out[TOKEN_CHARS + 1]; csrf_key_of derives App.csrf_key. */
void csrf_key_of(const char *secret, unsigned char key[32]);
void csrf_mac_with(const unsigned char key[32], const char *basis, char *out);
/* Remove the regular files of `dir` named `prefix`* that are a day old
 * (temporary files: uploads a crash left, the sheets' ZIPs); several
 * servers may share DATA, so younger files stay.  Returns how many. */
int app_sweep_tmp(const char *dir, const char *prefix);
/* Once a second in `lectern serve` (ticker.h): the mail that is due, the
 * SQLite WAL checkpoint (PASSIVE, so it never blocks writers), the access
 * log flushed, then each domain's periodic work (evidence checkpoints,
 * signing links and reminders, forum notifications, quiz expiry). */
void app_tick(App *app, Db *db);
/* Once a second too, in a thread of its own: the long jobs started from
 * the browser or the API (course exports and imports, all the sheets of a
 * run), one at a time, so that they never delay app_tick's work. */
void app_jobs_tick(App *app, Db *db);

#endif
