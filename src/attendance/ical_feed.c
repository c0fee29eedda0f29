/* ical_feed.c — a run's sessions as an iCalendar feed, and the secret
 * tokens of the feed's URLs (ical_feed.h). */
#include "attendance/ical_feed.h"

#include <sodium.h>
#include <string.h>

/* One content line, escaped when `text`, folded at 75 octets without
 * cutting a UTF-8 sequence, ended by CRLF. */
static void line(Buf *b, const char *name, const char *value, bool text)
{
    Buf v;
    buf_init(&v, 0);
    buf_puts(&v, name);
    buf_putc(&v, ':');
    for (const char *p = value ? value : ""; *p; p++) {
        if (text && (*p == '\\' || *p == ';' || *p == ',')) buf_putc(&v, '\\');
        if (*p == '\r') continue;
        if (*p == '\n') {
            buf_puts(&v, text ? "\\n" : " ");
            continue;
        }
        buf_putc(&v, *p);
    }
    const char *s = buf_cstr(&v);
    size_t n = v.len, col = 0;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80) k++;
        if (col + k > 75) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_append(b, s + i, k);
        col += k;
        i += k;
    }
    buf_puts(b, "\r\n");
    buf_free(&v);
}

static const char *utc(Arena *a, UsTime t)
{
    char *iso = time_iso(a, t);             /* 2026-03-02T08:00:00Z */
    char *out = arena_alloc(a, 17), *o = out;
    for (const char *p = iso; *p && o < out + 16; p++)
        if (*p != '-' && *p != ':') *o++ = *p;
    *o = 0;
    char *dot = strchr(out, '.');
    if (dot) strcpy(dot, "Z");
    return out;
}

char *ical_feed_write(Arena *a, const char *calname, const char *org_slug, const LiveSessionList *l, UsTime now)
{
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lectern//Live sessions//EN\r\nCALSCALE:GREGORIAN\r\n"
                 "METHOD:PUBLISH\r\n");
    line(&b, "X-WR-CALNAME", calname, true);
    const char *stamp = utc(a, now);
    for (int i = 0; i < l->n; i++) {
        const LiveSession *s = &l->items[i];
        buf_puts(&b, "BEGIN:VEVENT\r\n");
        line(&b, "UID", arena_printf(a, "session-%lld@%s.lectern", (long long)s->id, org_slug), false);
        line(&b, "DTSTAMP", stamp, false);
        line(&b, "DTSTART", utc(a, s->starts_at), false);
        line(&b, "DTEND", utc(a, s->ends_at), false);
        line(&b, "SUMMARY", s->title, true);
        if (!str_empty(s->place)) {
            line(&b, "LOCATION", s->place, true);
            if (str_eq(s->mode, "virtual")) line(&b, "URL", s->place, false);
        }
        line(&b, "DESCRIPTION", arena_printf(a, "%s — %s", s->course_title ? s->course_title : "",
                                             s->run_title ? s->run_title : ""), true);
        buf_puts(&b, "END:VEVENT\r\n");
    }
    buf_puts(&b, "END:VCALENDAR\r\n");
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

int ical_feed_create(Db *db, int64_t user_id, int64_t run_id, UsTime now, char token[ICAL_FEED_TOKEN_LEN + 1])
{
    unsigned char rnd[32];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2base64(token, ICAL_FEED_TOKEN_LEN + 1, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char hash[65];
    sha256_hex(token, hash);
    if (db_begin(db) != DB_DONE) return LN_EDB;
    if (db_run(db, "DELETE FROM ical_feed WHERE user_id = $1 AND run_id = $2", "ii", user_id, run_id) != DB_DONE
        || db_run(db, "INSERT INTO ical_feed (token_hash, user_id, run_id, created_at) VALUES ($1, $2, $3, $4)", "tiii",
                  hash, user_id, run_id, now) != DB_DONE
        || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return LN_EDB;
    }
    return LN_OK;
}

UsTime ical_feed_created_at(Db *db, int64_t user_id, int64_t run_id)
{
    int64_t t = 0;
    db_query_i64(db, &t, "SELECT created_at FROM ical_feed WHERE user_id = $1 AND run_id = $2", "ii", user_id, run_id);
    return t;
}

int ical_feed_lookup(Db *db, const char *token, int64_t *user_id, int64_t *run_id)
{
    if (!token || strlen(token) != ICAL_FEED_TOKEN_LEN) return LN_NOTFOUND;
    char hash[65];
    sha256_hex(token, hash);
    DbStmt *st = db_prepare(db, "SELECT user_id, run_id FROM ical_feed WHERE token_hash = $1");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, hash);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *user_id = db_col_i64(st, 0);
        *run_id = db_col_i64(st, 1);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}
