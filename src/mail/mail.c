/* mail.c — outbox rows, claiming, delivery, back-off. */
#include "mail/mail.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mail_enqueue(Db *db, const char *to, const char *subject, const char *body, UsTime now)
{
    return db_run(db, "INSERT INTO mail_outbox (to_addr, subject, body_text, created_at, next_attempt_at)"
                      " VALUES ($1, $2, $3, $4, $4)", "ttti", to, subject, body, now) == DB_DONE
               ? LN_OK : LN_EDB;
}

const char *mail_base_url(Req *r)
{
    const Config *c = &r->app->cfg;
    if (!str_empty(c->base_url)) return c->base_url;
    return arena_printf(r->arena, "http://%s", c->listen);
}

int64_t mail_backoff_s(int attempts)
{
    int64_t s = 30;
    for (int i = 1; i < attempts && s < 6 * 3600; i++) s *= 2;
    return s < 6 * 3600 ? s : 6 * 3600;
}

/* ---- one message ---- */

typedef struct Msg {
    int64_t id;
    int attempts;
    char *to, *subject, *body;
    UsTime created;
} Msg;

/* RFC 5322 message with an RFC 2047 encoded subject (UTF-8). */
static char *render(App *app, const Msg *m, Arena *a)
{
    Buf subj;
    buf_init(&subj, 0);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = (const unsigned char *)m->subject;
    size_t n = strlen(m->subject);
    buf_puts(&subj, "=?UTF-8?B?");
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0)
                   | (i + 2 < n ? s[i + 2] : 0);
        buf_putc(&subj, b64[v >> 18 & 63]);
        buf_putc(&subj, b64[v >> 12 & 63]);
        buf_putc(&subj, i + 1 < n ? b64[v >> 6 & 63] : '=');
        buf_putc(&subj, i + 2 < n ? b64[v & 63] : '=');
    }
    buf_puts(&subj, "?=");
    char date[40];
    time_http_date(m->created, date, sizeof date);
    char *out = arena_printf(a,
        "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <outbox-%lld@lectern>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
        app->cfg.mail_from, m->to, buf_cstr(&subj), date, (long long)m->id, m->body);
    buf_free(&subj);
    return out;
}

static int write_eml(App *app, const Msg *m, const char *text, char *err, size_t errlen)
{
    char dir[1024], path[1100], tmp[1100];
    snprintf(dir, sizeof dir, "%s/mail", app->cfg.data_dir);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return LN_EIO;
    }
    snprintf(path, sizeof path, "%s/%06lld.eml", dir, (long long)m->id);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return LN_EIO;
    }
    fputs(text, f);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return LN_EIO;
    }
    return LN_OK;
}

typedef struct Upload { const char *data; size_t len, off; } Upload;

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *ud)
{
    Upload *u = ud;
    size_t n = size * nmemb;
    if (n > u->len - u->off) n = u->len - u->off;
    memcpy(ptr, u->data + u->off, n);
    u->off += n;
    return n;
}

static int send_smtp(App *app, const Msg *m, const char *text, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "curl_easy_init failed");
        return LN_EIO;
    }
    const char *from = strchr(app->cfg.mail_from, '<');
    char from_addr[320];
    snprintf(from_addr, sizeof from_addr, "%s", from ? from : app->cfg.mail_from);
    struct curl_slist *rcpt = NULL;
    char to[320];
    snprintf(to, sizeof to, "<%s>", m->to);
    rcpt = curl_slist_append(rcpt, to);
    Upload up = {text, strlen(text), 0};
    curl_easy_setopt(c, CURLOPT_URL, app->cfg.smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_addr);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) snprintf(err, errlen, "SMTP: %s", curl_easy_strerror(rc));
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? LN_OK : LN_EIO;
}

/* ---- the due list ---- */

/* Claim a due message for 5 minutes; true when this process got it. */
static bool claim(Db *db, int64_t id, UsTime now)
{
    return db_change(db, "UPDATE mail_outbox SET locked_until = $2 WHERE id = $1 AND sent_at IS NULL"
                         " AND locked_until < $3", "iii", id, now + 300 * US_PER_SEC, now) == LN_OK;
}

static int load_due(Db *db, Arena *a, UsTime now, Msg *out, int max)
{
    DbStmt *st = db_prepare(db, "SELECT id, attempts, to_addr, subject, body_text, created_at"
                                " FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1"
                                " AND locked_until < $1 ORDER BY id LIMIT 50");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now);
    int n = 0;
    while (n < max && db_step(st) == DB_ROW) {
        Msg *m = &out[n++];
        m->id = db_col_i64(st, 0);
        m->attempts = (int)db_col_i64(st, 1);
        m->to = db_col_dup(st, 2, a);
        m->subject = db_col_dup(st, 3, a);
        m->body = db_col_dup(st, 4, a);
        m->created = db_col_i64(st, 5);
    }
    db_done(st);
    return n;
}

int mail_deliver_due(App *app, Db *db, UsTime now)
{
    Arena *a = arena_new();
    Msg msgs[50];
    int n = load_due(db, a, now, msgs, 50), sent = 0;
    for (int i = 0; i < n; i++) {
        Msg *m = &msgs[i];
        if (!claim(db, m->id, now)) continue;
        char err[512] = "";
        char *text = render(app, m, a);
        int rc = str_empty(app->cfg.smtp_url) ? write_eml(app, m, text, err, sizeof err)
                                              : send_smtp(app, m, text, err, sizeof err);
        if (rc == LN_OK) {
            db_run(db, "UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL,"
                       " locked_until = 0 WHERE id = $1", "ii", m->id, time_now_us());
            sent++;
        } else {
            log_warn("mail %lld to %s not sent (attempt %d): %s", (long long)m->id, m->to,
                     m->attempts + 1, err);
            db_run(db, "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,"
                       " next_attempt_at = $3, locked_until = 0 WHERE id = $1", "iti",
                   m->id, err, now + mail_backoff_s(m->attempts + 1) * US_PER_SEC);
        }
    }
    arena_free(a);
    return n < 0 ? n : sent;
}

