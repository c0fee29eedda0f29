/* attendance.c — live sessions, the signing window, personal links, the
 * rotating QR token, signatures (strokes → SVG → ledger) and fraud signals.
 * Rules and SQL only (attendance.h, docs/attendance.md). */
#include "attendance/attendance.h"
#include "attendance/absence.h"
#include "attendance/record.h"
#include "attendance/sheets.h"
#include "account/account.h"
#include "core/csv.h"
#include "content/content.h"
#include "evidence/ledger.h"
#include "mail/mail.h"
#include "org/org.h"
#include "web/i18n.h"

#include <jansson.h>
#include <math.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US_PER_MIN (60 * US_PER_SEC)

/* ======================================================================
 * Times
 * ==================================================================== */

static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* "+01:00", "+0100", "-05:30", "Z" at *p; advances. */
static bool parse_zone(const char **p, int64_t *minutes)
{
    const char *s = *p;
    if (*s == 'Z' || *s == 'z') {
        *minutes = 0;
        *p = s + 1;
        return true;
    }
    if (*s != '+' && *s != '-') return false;
    int sign = *s == '-' ? -1 : 1, h, m;
    s++;
    if (!digits(&s, 2, &h)) return false;
    if (*s == ':') s++;
    if (!digits(&s, 2, &m)) return false;
    if (h > 14 || m > 59 || h * 60 + m > 14 * 60) return false;
    *minutes = sign * (h * 60 + m);
    *p = s;
    return true;
}

bool att_parse_offset(const char *s, int64_t *minutes)
{
    if (!s) return false;
    const char *p = s;
    return parse_zone(&p, minutes) && *p == 0;
}

bool att_parse_time(const char *s, int64_t default_offset_min, UsTime *out, int64_t *offset_min)
{
    if (!s) return false;
    const char *p = s;
    int y, mo, d, h, mi, sec = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d)) return false;
    if (*p != 'T' && *p != 't' && *p != ' ') return false;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return false;
    int64_t frac_us = 0;
    if (*p == ':') {
        p++;
        if (!digits(&p, 2, &sec)) return false;
        if (*p == '.' || *p == ',') {          /* fractions of a second, kept to the microsecond */
            p++;
            int n = 0;
            while (*p >= '0' && *p <= '9' && n < 9) {
                if (n < 6) frac_us = frac_us * 10 + (*p - '0');
                p++;
                n++;
            }
            if (n == 0) return false;
            for (int k = n; k < 6; k++) frac_us *= 10;
        }
    }
    int64_t off = default_offset_min;
    if (*p && !parse_zone(&p, &off)) return false;
    if (*p) return false;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > time_month_days(y, mo)) return false;
    if (h > 23 || mi > 59 || sec > 59) return false;
    int64_t secs = time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off * 60;
    if (secs <= 0) return false;
    *out = secs * US_PER_SEC + frac_us;
    if (offset_min) *offset_min = off;
    return true;
}

static void local_tm(UsTime t, int64_t offset_min, struct tm *tm)
{
    time_t s = (time_t)((t + offset_min * US_PER_MIN) / US_PER_SEC);
    gmtime_r(&s, tm);
}

void att_clock(UsTime t, int64_t offset_min, char *buf, size_t n)
{
    struct tm tm;
    local_tm(t, offset_min, &tm);
    snprintf(buf, n, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

void att_local_iso(UsTime t, int64_t offset_min, char *buf, size_t n)
{
    struct tm tm;
    local_tm(t, offset_min, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* ======================================================================
 * Sessions
 * ==================================================================== */

static bool text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !utf8_valid(s, n)) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return false;
    return true;
}

static bool link_ok(const char *url)
{
    if (!str_startswith(url, "https://") && !str_startswith(url, "http://")) return false;
    const char *host = url + (url[4] == 's' ? 8 : 7);
    if (!*host || *host == '/') return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == '"' || *p == '<' || *p == '>' || *p == '\\' || *p == 0x7f) return false;
    return true;
}

const char *session_check(const SessionInput *in, const char **msg)
{
    if (str_empty(in->title) || !text_ok(in->title, ATT_TITLE_MAX)) {
        *msg = "Give the session a title (200 characters at most).";
        return "title";
    }
    if (!str_eq(in->mode, "room") && !str_eq(in->mode, "virtual")) {
        *msg = "Choose in a room or in a virtual classroom.";
        return "mode";
    }
    const char *place = in->place ? in->place : "";
    if (!text_ok(place, ATT_PLACE_MAX)) {
        *msg = "The place is too long (500 characters at most).";
        return "place";
    }
    if (str_eq(in->mode, "virtual") && *place && !link_ok(place)) {
        *msg = "A virtual classroom's link must start with https:// or http://.";
        return "place";
    }
    if (in->starts_at <= 0) {
        *msg = "Give the date and time the session starts.";
        return "starts_at";
    }
    if (in->ends_at <= in->starts_at) {
        *msg = "The session must end after it starts.";
        return "ends_at";
    }
    if (in->ends_at - in->starts_at > ATT_DURATION_MAX_H * 3600 * US_PER_SEC) {
        *msg = "A session lasts at most 24 hours: add one session per day.";
        return "ends_at";
    }
    if (in->grace_minutes > ATT_GRACE_MAX) {
        *msg = "The grace period must be between 0 and 720 minutes.";
        return "grace_minutes";
    }
    if (in->utc_offset_min < -14 * 60 || in->utc_offset_min > 14 * 60) {
        *msg = "The time zone offset is not valid.";
        return "utc_offset";
    }
    return NULL;
}

static int add_trainer(Db *db, int64_t session_id, int64_t user_id)
{
    return db_run(db, "INSERT INTO session_trainer (session_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                  "ii", session_id, user_id) == DB_DONE ? LN_OK : LN_EDB;
}

static bool is_staff(Db *db, int64_t org_id, int64_t user_id)
{
    Role r = member_role(db, org_id, user_id);
    return r == ROLE_TRAINER || r == ROLE_ADMIN;
}

/* Inside the caller's transaction. */
static int session_insert(Db *db, const RunRef *run, const SessionInput *in, int64_t creator, UsTime now, int64_t *id)
{
    const char *msg;
    if (session_check(in, &msg)) return LN_EINVAL;
    if (in->unit_id) {
        int64_t n = 0;
        if (db_query_i64(db, &n, "SELECT count(*) FROM unit WHERE id = $1 AND course_id = $2 AND kind = 'live'", "ii",
                         in->unit_id, run->course_id) != DB_ROW)
            return LN_EDB;
        if (n == 0) return LN_EINVAL;
    }
    DbStmt *st = db_prepare(db,
        "INSERT INTO live_session (run_id, org_id, unit_id, title, mode, place_or_link, starts_at, ends_at,"
        " utc_offset_min, grace_minutes, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    db_bind_i64(st, 2, run->org_id);
    if (in->unit_id) db_bind_i64(st, 3, in->unit_id);
    else db_bind_null(st, 3);
    db_bind_text(st, 4, in->title);
    db_bind_text(st, 5, in->mode);
    db_bind_text(st, 6, in->place ? in->place : "");
    db_bind_i64(st, 7, in->starts_at);
    db_bind_i64(st, 8, in->ends_at);
    db_bind_i64(st, 9, in->utc_offset_min);
    db_bind_i64(st, 10, in->grace_minutes < 0 ? ATT_GRACE_DEFAULT : in->grace_minutes);
    if (creator) db_bind_i64(st, 11, creator);
    else db_bind_null(st, 11);
    db_bind_i64(st, 12, now);
    int rc = db_step(st);
    if (rc == DB_ROW) *id = db_col_i64(st, 0);
    db_done(st);
    if (rc != DB_ROW) return LN_EDB;
    if (creator && is_staff(db, run->org_id, creator) && add_trainer(db, *id, creator) != LN_OK) return LN_EDB;
    if (run->trainer_id && add_trainer(db, *id, run->trainer_id) != LN_OK) return LN_EDB;
    return LN_OK;
}

int attendance_session_insert(Db *db, const RunRef *run, const SessionInput *in, int64_t creator, UsTime now,
                              int64_t *id)
{
    return session_insert(db, run, in, creator, now, id);
}

int attendance_session_create(Db *db, const RunRef *run, const SessionInput *in, int64_t creator, UsTime now,
                              int64_t *id)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = session_insert(db, run, in, creator, now, id);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

#define SESSION_COLS "s.id, s.run_id, s.org_id, COALESCE(s.unit_id, 0), r.course_id, s.title, s.mode, s.place_or_link," \
    " s.starts_at, s.ends_at, s.created_at, COALESCE(s.links_sent_at, 0), s.grace_minutes, s.utc_offset_min," \
    " r.title, c.title, o.slug, o.name" \
    " FROM live_session s JOIN course_run r ON r.id = s.run_id JOIN course c ON c.id = r.course_id" \
    " JOIN org o ON o.id = s.org_id"

static void session_read(DbStmt *st, Arena *a, LiveSession *s)
{
    memset(s, 0, sizeof *s);
    s->id = db_col_i64(st, 0);
    s->run_id = db_col_i64(st, 1);
    s->org_id = db_col_i64(st, 2);
    s->unit_id = db_col_i64(st, 3);
    s->course_id = db_col_i64(st, 4);
    s->title = db_col_dup(st, 5, a);
    s->mode = db_col_dup(st, 6, a);
    s->place = db_col_dup(st, 7, a);
    s->starts_at = db_col_i64(st, 8);
    s->ends_at = db_col_i64(st, 9);
    s->created_at = db_col_i64(st, 10);
    s->links_sent_at = db_col_i64(st, 11);
    s->grace_minutes = db_col_i64(st, 12);
    s->utc_offset_min = db_col_i64(st, 13);
    s->run_title = db_col_dup(st, 14, a);
    s->course_title = db_col_dup(st, 15, a);
    s->org_slug = db_col_dup(st, 16, a);
    s->org_name = db_col_dup(st, 17, a);
}

int attendance_session_load(Db *db, Arena *a, int64_t org_id, int64_t id, LiveSession *out)
{
    DbStmt *st = db_prepare(db, "SELECT " SESSION_COLS " WHERE s.id = $1 AND ($2 = 0 OR s.org_id = $2)");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW) session_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

static int session_query(Db *db, Arena *a, const char *sql, int64_t p1, int64_t p2, LiveSessionList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, p1);
    if (p2) db_bind_i64(st, 2, p2);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        session_read(st, a, &out->items[out->n++]);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int attendance_session_list(Db *db, Arena *a, int64_t run_id, LiveSessionList *out)
{
    return session_query(db, a, "SELECT " SESSION_COLS " WHERE s.run_id = $1 ORDER BY s.starts_at, s.id LIMIT 1000",
                         run_id, 0, out);
}

int attendance_sessions_of_unit(Db *db, Arena *a, int64_t run_id, int64_t unit_id, LiveSessionList *out)
{
    return session_query(db, a, "SELECT " SESSION_COLS " WHERE s.run_id = $1 AND s.unit_id = $2"
                                " ORDER BY s.starts_at, s.id LIMIT 100", run_id, unit_id, out);
}

bool attendance_is_trainer(Db *db, int64_t session_id, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM session_trainer WHERE session_id = $1 AND user_id = $2", "ii",
                 session_id, user_id);
    return n > 0;
}

int attendance_live_units(Db *db, Arena *a, int64_t course_id, LiveUnit **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare(db, "SELECT u.id, u.title FROM unit u JOIN section s ON s.id = u.section_id"
                                " WHERE u.course_id = $1 AND u.kind = 'live' ORDER BY s.position, u.position LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    *out = arena_alloc(a, sizeof **out * 200);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        (*out)[*n].id = db_col_i64(st, 0);
        (*out)[*n].title = db_col_dup(st, 1, a);
        (*n)++;
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* ======================================================================
 * The signing window and half-days
 * ==================================================================== */

UsTime attendance_opens_at(const LiveSession *s) { return s->starts_at - ATT_OPEN_EARLY_MIN * US_PER_MIN; }
UsTime attendance_closes_at(const LiveSession *s) { return s->ends_at + s->grace_minutes * US_PER_MIN; }

AttWindow attendance_window(const LiveSession *s, UsTime now)
{
    if (now < attendance_opens_at(s)) return ATT_TOO_EARLY;
    if (now > attendance_closes_at(s)) return ATT_TOO_LATE;
    return ATT_OPEN;
}

static const char *half_of(UsTime t, int64_t offset_min)
{
    int64_t secs = (t + offset_min * US_PER_MIN) / US_PER_SEC;
    int64_t sod = ((secs % 86400) + 86400) % 86400;
    return sod < 12 * 3600 ? "am" : "pm";
}

const char *attendance_half_day(const LiveSession *s, UsTime t)
{
    if (t < s->starts_at) t = s->starts_at;
    if (t >= s->ends_at) t = s->ends_at - 1;
    return half_of(t, s->utc_offset_min);
}

int64_t attendance_late_minutes(const LiveSession *s, UsTime t)
{
    if (t <= s->starts_at) return 0;
    if (!str_eq(attendance_half_day(s, t), half_of(s->starts_at, s->utc_offset_min))) return 0;
    return (t - s->starts_at) / US_PER_MIN;
}

/* ======================================================================
 * The rotating QR token and the scan proof
 * ==================================================================== */

int attendance_qr_seconds(void)
{
    static atomic_int seconds;
    int s = atomic_load(&seconds);
    if (s) return s;
    const char *v = getenv("LECTERN_QR_SECONDS");
    int64_t n;
    s = v && str_to_i64(v, &n) && n >= 1 && n <= 300 ? (int)n : ATT_QR_SECONDS;
    atomic_store(&seconds, s);
    return s;
}

int64_t attendance_qr_window(UsTime now, int seconds)
{
    return now / (seconds * US_PER_SEC);
}

static void be64(unsigned char out[8], int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8) out[i] = (unsigned char)(u & 0xff);
}

static void mac16(const char *secret, const char *tag, const int64_t *vals, int n, char out[ATT_QR_TOKEN_LEN + 1])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES], b[8];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)tag, strlen(tag));
    for (int i = 0; i < n; i++) {
        be64(b, vals[i]);
        crypto_auth_hmacsha256_update(&st, b, sizeof b);
    }
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, ATT_QR_TOKEN_LEN + 1, mac, 16, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void attendance_qr_token(const char *secret, int64_t session_id, int64_t window, char out[ATT_QR_TOKEN_LEN + 1])
{
    int64_t v[] = {session_id, window};
    mac16(secret, "lectern-qr|", v, 2, out);
}

void attendance_sheet_token(const char *secret, int64_t session_id, char out[ATT_QR_TOKEN_LEN + 1])
{
    mac16(secret, "lectern-sheet|", &session_id, 1, out);
}

char *attendance_sheet_url(Arena *a, const char *base_url, const char *secret, int64_t session_id)
{
    char tok[ATT_QR_TOKEN_LEN + 1];
    attendance_sheet_token(secret, session_id, tok);
    return arena_printf(a, "%s/verify/sessions/%lld/%s", base_url, (long long)session_id, tok);
}

bool attendance_sheet_check(const char *secret, int64_t session_id, const char *token)
{
    char want[ATT_QR_TOKEN_LEN + 1];
    attendance_sheet_token(secret, session_id, want);
    return token && strlen(token) == ATT_QR_TOKEN_LEN && str_ct_eq(token, want);
}

static void progsheet_token(const char *secret, int64_t programme_id, int64_t user_id, char out[ATT_QR_TOKEN_LEN + 1])
{
    int64_t v[] = {programme_id, user_id};
    mac16(secret, "lectern-progsheet|", v, 2, out);
}

char *progsheet_url(Arena *a, const char *base_url, const char *secret, int64_t programme_id, int64_t user_id)
{
    char tok[ATT_QR_TOKEN_LEN + 1];
    progsheet_token(secret, programme_id, user_id, tok);
    return arena_printf(a, "%s/verify/programmes/%lld/learners/%lld/%s", base_url, (long long)programme_id,
                        (long long)user_id, tok);
}

bool progsheet_check(const char *secret, int64_t programme_id, int64_t user_id, const char *token)
{
    char want[ATT_QR_TOKEN_LEN + 1];
    progsheet_token(secret, programme_id, user_id, want);
    return token && strlen(token) == ATT_QR_TOKEN_LEN && str_ct_eq(token, want);
}

bool attendance_qr_check(const char *secret, int64_t session_id, const char *token, UsTime now, int seconds)
{
    if (!token || strlen(token) != ATT_QR_TOKEN_LEN) return false;
    int64_t w = attendance_qr_window(now, seconds);
    bool ok = false;
    for (int64_t k = 0; k < 2; k++) {       /* the current window and the one before */
        char want[ATT_QR_TOKEN_LEN + 1];
        attendance_qr_token(secret, session_id, w - k, want);
        ok |= str_ct_eq(token, want);
    }
    return ok;
}

char *attendance_scan_proof(Arena *a, const char *secret, int64_t session_id, int64_t user_id, UsTime now)
{
    int64_t t = now / US_PER_SEC, v[] = {session_id, user_id, t};
    char mac[ATT_QR_TOKEN_LEN + 1];
    mac16(secret, "lectern-scan|", v, 3, mac);
    return arena_printf(a, "%lld.%s", (long long)t, mac);
}

bool attendance_scan_check(const char *secret, int64_t session_id, int64_t user_id, const char *proof, UsTime now)
{
    if (!proof) return false;
    const char *dot = strchr(proof, '.');
    if (!dot || dot - proof > 18 || strlen(dot + 1) != ATT_QR_TOKEN_LEN) return false;
    char num[20];
    memcpy(num, proof, (size_t)(dot - proof));
    num[dot - proof] = 0;
    int64_t t;
    if (!str_to_i64(num, &t)) return false;
    int64_t nows = now / US_PER_SEC;
    if (t > nows + 5 || nows - t > ATT_SCAN_MINUTES * 60) return false;
    int64_t v[] = {session_id, user_id, t};
    char want[ATT_QR_TOKEN_LEN + 1];
    mac16(secret, "lectern-scan|", v, 3, want);
    return str_ct_eq(dot + 1, want);
}

/* ======================================================================
 * Strokes and the SVG image
 * ==================================================================== */

/* A tenth as text: 12.5, 12, 0.3 (v ≥ 0, in tenths). */
static void put_tenths(Buf *b, int64_t v)
{
    if (v % 10) buf_printf(b, "%lld.%lld", (long long)(v / 10), (long long)(v % 10));
    else buf_printf(b, "%lld", (long long)(v / 10));
}

static bool coord(json_t *v, double max, int64_t *tenths)
{
    if (!json_is_number(v)) return false;
    double d = json_number_value(v);
    if (!isfinite(d) || d < 0 || d > max) return false;
    *tenths = (int64_t)llround(d * 10);
    return true;
}

int attendance_strokes(Arena *a, const char *json, size_t len, char **canonical, char **svg, const char **why)
{
    *why = "The signature is not valid drawing data.";
    json_error_t err;
    json_t *root = json && len ? json_loadb(json, len, JSON_REJECT_DUPLICATES, &err) : NULL;
    if (!root) {
        if (!json || len == 0) *why = "Draw your signature in the box.";
        return LN_EINVAL;
    }
    int rc = LN_EINVAL;
    size_t nstrokes = json_is_array(root) ? json_array_size(root) : 0, npoints = 0;
    if (!json_is_array(root)) goto out;
    if (nstrokes > ATT_STROKES_MAX) {
        *why = "The signature has too many strokes or points.";
        rc = LN_ELIMIT;
        goto out;
    }
    for (size_t i = 0; i < nstrokes; i++) {
        json_t *s = json_array_get(root, i);
        if (!json_is_array(s) || json_array_size(s) == 0) goto out;
        npoints += json_array_size(s);
    }
    if (npoints > ATT_POINTS_MAX) {
        *why = "The signature has too many strokes or points.";
        rc = LN_ELIMIT;
        goto out;
    }
    if (npoints < 2) {
        *why = "Draw your signature in the box.";
        goto out;
    }
    Buf c, d;
    buf_init(&c, 0);
    buf_init(&d, 0);
    int64_t prev_t = 0;
    bool ok = true;
    buf_putc(&c, '[');
    for (size_t i = 0; ok && i < nstrokes; i++) {
        json_t *s = json_array_get(root, i);
        buf_puts(&c, i ? ",[" : "[");
        size_t n = json_array_size(s);
        for (size_t j = 0; j < n; j++) {
            json_t *p = json_array_get(s, j);
            int64_t x, y;
            json_t *t = json_array_get(p, 2);
            if (!json_is_array(p) || json_array_size(p) != 3 || !coord(json_array_get(p, 0), ATT_PAD_W, &x)
                || !coord(json_array_get(p, 1), ATT_PAD_H, &y) || !json_is_integer(t)) {
                ok = false;
                break;
            }
            int64_t tv = json_integer_value(t);
            if (tv < 0 || tv > ATT_STROKE_MS_MAX || tv < prev_t) {
                ok = false;
                break;
            }
            prev_t = tv;
            buf_puts(&c, j ? ",[" : "[");
            put_tenths(&c, x);
            buf_putc(&c, ',');
            put_tenths(&c, y);
            buf_printf(&c, ",%lld]", (long long)tv);
            buf_puts(&d, j ? "L" : (i ? " M" : "M"));
            put_tenths(&d, x);
            buf_putc(&d, ' ');
            put_tenths(&d, y);
            if (n == 1) buf_puts(&d, "l0 0");      /* a dot: a zero-length line with round caps */
        }
        buf_putc(&c, ']');
    }
    buf_putc(&c, ']');
    if (ok) {
        *canonical = arena_strdup(a, buf_cstr(&c));
        *svg = arena_printf(a, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">"
                               "<path fill=\"none\" stroke=\"#111827\" stroke-width=\"3\" stroke-linecap=\"round\""
                               " stroke-linejoin=\"round\" d=\"%s\"/></svg>",
                            ATT_PAD_W, ATT_PAD_H, ATT_PAD_W, ATT_PAD_H, buf_cstr(&d));
        rc = LN_OK;
        *why = NULL;
    }
    buf_free(&c);
    buf_free(&d);
out:
    json_decref(root);
    return rc;
}

/* ======================================================================
 * Signing
 * ==================================================================== */

bool attendance_expects(Db *db, const LiveSession *s, int64_t user_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND user_id = $2 AND status = 'active'",
                 "ii", s->run_id, user_id);
    return n > 0;
}

static int signature_fact(Db *db, const LiveSession *s, const Signature *g)
{
    char subject[128];
    snprintf(subject, sizeof subject, "session:%lld signature:%lld user:%lld", (long long)s->id, (long long)g->id,
             (long long)g->user_id);
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s}",
                          "session_id", (json_int_t)s->id, "run_id", (json_int_t)s->run_id,
                          "signature_id", (json_int_t)g->id, "user_id", (json_int_t)g->user_id,
                          "role", g->role, "method", g->method, "signed_at", (json_int_t)g->signed_at,
                          "half_day", g->half_day, "image_sha256", g->image_sha256, "ip", g->ip);
    if (!p) return LN_EINVAL;
    int rc = ledger_append(db, s->org_id, "attendance.signature", subject, p, g->signed_at, NULL);
    json_decref(p);
    return rc;
}

char *attendance_clean(Arena *a, const char *s, size_t max)
{
    if (!s) return "";
    size_t n = strlen(s);
    if (n > max) n = max;
    char *out = arena_strndup(a, s, n);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) *p = '?';
    return out;
}

int attendance_sign(Db *db, Arena *a, const SignInput *in, Signature *out, const char **why)
{
    const LiveSession *s = in->session;
    bool trainer = str_eq(in->role, "trainer");
    memset(out, 0, sizeof *out);
    AttWindow w = attendance_window(s, in->now);
    if (w != ATT_OPEN) {
        *why = w == ATT_TOO_EARLY ? "Signing has not opened yet." : "Signing for this session is closed.";
        return LN_EPERM;
    }
    char *canonical, *svg, sha[65];
    int rc = attendance_strokes(a, in->strokes, in->strokes_len, &canonical, &svg, why);
    if (rc != LN_OK) return rc;
    sha256_hex(svg, sha);
    out->session_id = s->id;
    out->user_id = in->user_id;
    out->device_user_id = in->device_user_id;
    out->role = arena_strdup(a, in->role);
    out->method = arena_strdup(a, in->method);
    out->half_day = (char *)attendance_half_day(s, in->now);
    out->signed_at = in->now;
    out->late_minutes = attendance_late_minutes(s, in->now);
    out->ip = attendance_clean(a, in->ip, 64);
    out->user_agent = attendance_clean(a, in->user_agent, 400);
    out->image_sha256 = arena_strdup(a, sha);

    if (db_begin(db) != DB_DONE) return LN_EDB;
    rc = LN_OK;
    if (trainer ? !attendance_is_trainer(db, s->id, in->user_id) : !attendance_expects(db, s, in->user_id)) {
        *why = trainer ? "You are not a trainer of this session."
                       : "You are not expected at this session: only its enrolled learners sign it.";
        rc = LN_NOTFOUND;
    }
    if (rc == LN_OK && in->link_id) {
        int c = db_change(db, "UPDATE sign_link SET used_at = $1 WHERE id = $2 AND used_at IS NULL", "ii", in->now,
                          in->link_id);
        if (c == LN_NOTFOUND) {
            *why = "This link was already used.";
            rc = LN_EEXIST;
        } else if (c != LN_OK) rc = LN_EDB;
    }
    if (rc == LN_OK) {
        DbStmt *st = db_prepare(db,
            "INSERT INTO signature (session_id, org_id, user_id, role, half_day, signed_at, method, device_user_id,"
            " link_id, ip, user_agent, strokes, image_svg, image_sha256, late_minutes)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id");
        if (!st) rc = LN_EDB;
        else {
            db_bind_i64(st, 1, s->id);
            db_bind_i64(st, 2, s->org_id);
            db_bind_i64(st, 3, in->user_id);
            db_bind_text(st, 4, out->role);
            db_bind_text(st, 5, out->half_day);
            db_bind_i64(st, 6, in->now);
            db_bind_text(st, 7, out->method);
            if (in->device_user_id) db_bind_i64(st, 8, in->device_user_id);
            else db_bind_null(st, 8);
            if (in->link_id) db_bind_i64(st, 9, in->link_id);
            else db_bind_null(st, 9);
            db_bind_text(st, 10, out->ip);
            db_bind_text(st, 11, out->user_agent);
            db_bind_text(st, 12, canonical);
            db_bind_text(st, 13, svg);
            db_bind_text(st, 14, sha);
            db_bind_i64(st, 15, out->late_minutes);
            int s2 = db_step(st);
            if (s2 == DB_ROW) out->id = db_col_i64(st, 0);
            db_done(st);
            if (s2 == DB_CONSTRAINT) {
                *why = "You have already signed for this half-day.";
                rc = LN_EEXIST;
            } else if (s2 != DB_ROW) rc = LN_EDB;
        }
    }
    if (rc == LN_OK) rc = signature_fact(db, s, out);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_OK || rc == LN_EINVAL) rc = LN_EDB;
        if (rc == LN_EDB) *why = "The signature could not be saved; nothing was recorded. Try again.";
        return rc;
    }
    /* The live-session unit is done for the learner (derived; its own transaction). */
    if (!trainer && s->unit_id) {
        RunRef run = {.id = s->run_id, .org_id = s->org_id, .course_id = s->course_id};
        Unit u = {.id = s->unit_id};
        bool course_done;
        progress_complete(db, &run, &u, in->user_id, in->now, &course_done);
    }
    return LN_OK;
}

int64_t attendance_signed_count(Db *db, int64_t session_id, const char *role)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(DISTINCT user_id) FROM signature WHERE session_id = $1 AND role = $2", "it",
                 session_id, role);
    return n;
}

int attendance_signatures(Db *db, Arena *a, int64_t session_id, SignatureList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db,
        "SELECT s.id, s.session_id, s.user_id, COALESCE(s.device_user_id, 0), s.role, s.half_day, s.method, s.ip,"
        " s.user_agent, s.image_sha256, u.name, s.signed_at, s.late_minutes"
        " FROM signature s JOIN app_user u ON u.id = s.user_id WHERE s.session_id = $1 ORDER BY s.signed_at, s.id"
        " LIMIT 20000");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, session_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        Signature *g = &out->items[out->n++];
        g->id = db_col_i64(st, 0);
        g->session_id = db_col_i64(st, 1);
        g->user_id = db_col_i64(st, 2);
        g->device_user_id = db_col_i64(st, 3);
        g->role = db_col_dup(st, 4, a);
        g->half_day = db_col_dup(st, 5, a);
        g->method = db_col_dup(st, 6, a);
        g->ip = db_col_dup(st, 7, a);
        g->user_agent = db_col_dup(st, 8, a);
        g->image_sha256 = db_col_dup(st, 9, a);
        g->user_name = db_col_dup(st, 10, a);
        g->signed_at = db_col_i64(st, 11);
        g->late_minutes = db_col_i64(st, 12);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int attendance_signature_image(Db *db, Arena *a, int64_t org_id, int64_t id, char **svg, char **sha256)
{
    DbStmt *st = db_prepare(db, "SELECT strokes, image_sha256 FROM signature WHERE id = $1 AND org_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    char *strokes = NULL;
    if (rc == DB_ROW) {
        strokes = db_col_dup(st, 0, a);
        *sha256 = db_col_dup(st, 1, a);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    /* The image is drawn again from the stored numbers, never copied from a
     * column: whatever a row holds, only path data made of numbers comes out
     * (image_svg stays as the record of what was hashed). */
    char *canonical;
    const char *why;
    return attendance_strokes(a, strokes, strlen(strokes), &canonical, svg, &why) == LN_OK ? LN_OK : LN_EDB;
}

/* ======================================================================
 * Who is expected
 * ==================================================================== */

static int people(Db *db, Arena *a, const char *sql, int64_t id, AttendeeList *out)
{
    out->items = NULL;
    out->n = 0;
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        Attendee *p = &out->items[out->n++];
        p->user_id = db_col_i64(st, 0);
        p->name = db_col_dup(st, 1, a);
        p->email = db_col_dup(st, 2, a);
        p->lang = db_col_dup(st, 3, a);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int attendance_expected(Db *db, Arena *a, int64_t run_id, AttendeeList *out)
{
    return people(db, a, "SELECT u.id, u.name, u.email, u.lang FROM enrolment e JOIN app_user u ON u.id = e.user_id"
                         " WHERE e.run_id = $1 AND e.status = 'active' ORDER BY u.name, u.id LIMIT 10000", run_id, out);
}

int attendance_trainers(Db *db, Arena *a, int64_t session_id, AttendeeList *out)
{
    return people(db, a, "SELECT u.id, u.name, u.email, u.lang FROM session_trainer t JOIN app_user u ON u.id = t.user_id"
                         " WHERE t.session_id = $1 ORDER BY u.name, u.id", session_id, out);
}

/* ======================================================================
 * Personal links
 * ==================================================================== */

int attendance_link_lookup(Db *db, const char *token, SignLink *out)
{
    if (!token || strlen(token) != TOKEN_CHARS) return LN_NOTFOUND;
    for (const char *p = token; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return LN_NOTFOUND;
    char hash[HASH_HEX];
    token_hash(token, hash);
    DbStmt *st = db_prepare(db, "SELECT id, session_id, user_id, expires_at, COALESCE(used_at, 0) FROM sign_link"
                                " WHERE token_hash = $1");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, hash);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_i64(st, 0);
        out->session_id = db_col_i64(st, 1);
        out->user_id = db_col_i64(st, 2);
        out->expires_at = db_col_i64(st, 3);
        out->used_at = db_col_i64(st, 4);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

static char *offset_text(Arena *a, int64_t m)
{
    int64_t am = m < 0 ? -m : m;
    return arena_printf(a, "UTC%c%02lld:%02lld", m < 0 ? '-' : '+', (long long)(am / 60), (long long)(am % 60));
}

static int link_mail(Db *db, Arena *a, const char *base_url, const LiveSession *s, const Attendee *p, UsTime now,
                     bool reminder)
{
    char token[TOKEN_CHARS + 1], hash[HASH_HEX], day[24], from[8], to[8];
    token_random(token);
    token_hash(token, hash);
    if (db_run(db, "INSERT INTO sign_link (token_hash, session_id, user_id, created_at, expires_at)"
                   " VALUES ($1, $2, $3, $4, $5)", "tiiii", hash, s->id, p->user_id, now,
               attendance_closes_at(s)) != DB_DONE)
        return LN_EDB;
    const char *lang = i18n_supported(p->lang) ? p->lang : "en";
    att_local_iso(s->starts_at, s->utc_offset_min, day, sizeof day);
    day[10] = 0;
    att_clock(s->starts_at, s->utc_offset_min, from, sizeof from);
    att_clock(s->ends_at, s->utc_offset_min, to, sizeof to);
    char *body = arena_printf(a, "%s\n\n    %s\n    %s — %s\n    %s %s–%s (%s)\n%s%s%s\n%s\n\n%s/sign/%s\n\n%s\n",
        i18n_get(lang, reminder ? "You have not signed the attendance sheet of this session yet:"
                                : "Sign your attendance for this session:"), s->title, s->course_title, s->run_title, day, from, to,
        offset_text(a, s->utc_offset_min), s->place[0] ? "    " : "", s->place, s->place[0] ? "\n" : "",
        i18n_get(lang, "Open this personal link to sign. It works once, and only during the session:"),
        base_url, token, i18n_get(lang, "Do not forward this e-mail: the link signs in your name."));
    char *subject = arena_printf(a, "%s — %s", i18n_get(lang, reminder ? "Reminder: sign the attendance sheet"
                                                                        : "Sign the attendance sheet"), s->title);
    return mail_enqueue(db, p->email, subject, body, now);
}

/* Links for the expected learners who have not signed the current half-day;
 * with `claim` (a column of live_session: links_sent_at, reminded_at), only
 * when this call is the one that sets it. */
static int send_links_tx(Db *db, const char *base_url, const LiveSession *s, UsTime now, const char *claim, int *sent)
{
    Arena *a = arena_new();
    AttendeeList ppl;
    int rc = attendance_expected(db, a, s->run_id, &ppl), n = 0;
    const char *half = attendance_half_day(s, now);
    if (rc == LN_OK && db_begin(db) != DB_DONE) rc = LN_EDB;
    else if (rc == LN_OK) {
        if (claim) {
            int c = db_change(db, str_eq(claim, "reminded_at")
                                      ? "UPDATE live_session SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL"
                                      : "UPDATE live_session SET links_sent_at = $1 WHERE id = $2 AND links_sent_at IS NULL",
                              "ii", now, s->id);
            if (c != LN_OK) rc = c == LN_NOTFOUND ? LN_EEXIST : LN_EDB;
        }
        for (int i = 0; rc == LN_OK && i < ppl.n; i++) {
            int64_t signed_n = 0;
            if (db_query_i64(db, &signed_n, "SELECT count(*) FROM signature WHERE session_id = $1 AND user_id = $2"
                                            " AND half_day = $3", "iit", s->id, ppl.items[i].user_id, half) != DB_ROW) {
                rc = LN_EDB;
                break;
            }
            if (signed_n) continue;
            rc = link_mail(db, a, base_url, s, &ppl.items[i], now, claim && str_eq(claim, "reminded_at"));
            if (rc == LN_OK) n++;
        }
        if (rc != LN_OK || db_commit(db) != DB_DONE) {
            db_rollback(db);
            if (rc == LN_OK) rc = LN_EDB;
            n = 0;
        }
    }
    arena_free(a);
    if (sent) *sent = n;
    return rc;
}

int attendance_send_links(Db *db, const char *base_url, const LiveSession *s, UsTime now, int *sent)
{
    if (sent) *sent = 0;
    if (attendance_window(s, now) == ATT_TOO_LATE) return LN_EPERM;
    return send_links_tx(db, base_url, s, now, NULL, sent);
}

/* Sessions picked by `sql` ($1: now), each handled by send_links_tx
 * claiming `claim`. */
static int send_due(Db *db, const char *base_url, UsTime now, const char *sql, const char *claim)
{
    int64_t ids[20];
    int n = 0;
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, now);
    while (n < 20 && db_step(st) == DB_ROW) ids[n++] = db_col_i64(st, 0);
    db_done(st);
    int done = 0;
    for (int i = 0; i < n; i++) {
        Arena *a = arena_new();
        LiveSession s;
        int sent = 0;
        if (attendance_session_load(db, a, 0, ids[i], &s) == LN_OK
            && send_links_tx(db, base_url, &s, now, claim, &sent) == LN_OK) {
            done++;
            log_info("attendance: session %lld %s, %d signing link(s) e-mailed", (long long)s.id,
                     str_eq(claim, "reminded_at") ? "reminder" : "started", sent);
        }
        arena_free(a);
    }
    return done;
}

int attendance_send_due(Db *db, const char *base_url, UsTime now)
{
    return send_due(db, base_url, now, "SELECT id FROM live_session WHERE links_sent_at IS NULL AND starts_at <= $1"
                    " AND ends_at + grace_minutes * 60000000 >= $1 ORDER BY starts_at LIMIT 20", "links_sent_at");
}

_Static_assert(ABS_REMIND_SIGN_MIN == 10, "the reminder's SQL says 10 minutes (600000000 us)");
int absence_remind_sign_due(Db *db, const char *base_url, UsTime now)
{
    return send_due(db, base_url, now, "SELECT id FROM live_session WHERE reminded_at IS NULL"
                    " AND links_sent_at IS NOT NULL AND starts_at + 600000000 <= $1"
                    " AND ends_at + grace_minutes * 60000000 >= $1 ORDER BY starts_at LIMIT 20", "reminded_at");
}

void attendance_jobs_tick(App *app, Db *db)
{
    char buf[300];
    sheet_jobs_run(db, app->cfg.data_dir, app->secret, app_base_url(app, buf, sizeof buf), time_now_us());
}

void attendance_tick(App *app, Db *db)
{
    static _Atomic int64_t last;
    UsTime now = time_now_us();
    if (!tick_due(&last, now, 5 * US_PER_SEC)) return;
    char buf[300];
    const char *base = app_base_url(app, buf, sizeof buf);
    attendance_send_due(db, base, now);
    absence_remind_sign_due(db, base, now);
    absence_record_due(db, now);
    absence_remind_justify_due(db, base, now);
    static _Atomic int64_t last_conn;
    if (tick_due(&last_conn, now, 60 * US_PER_SEC)) connection_sessions_due(db, now);
}

/* ======================================================================
 * CSV import: title,starts_at,ends_at,mode,place
 * ==================================================================== */

static void import_line(SessionLine *l, int64_t default_offset)
{
    memset(&l->in, 0, sizeof l->in);
    l->ok = false;
    l->in.title = l->title;
    l->in.mode = str_empty(l->mode) ? "room" : l->mode;
    l->in.place = l->place ? l->place : "";
    l->in.grace_minutes = -1;
    int64_t off = default_offset;
    if (!att_parse_time(l->starts, default_offset, &l->in.starts_at, &off)) {
        l->message = "The start is not a date and time such as 2026-03-02T09:00+01:00.";
        return;
    }
    l->in.utc_offset_min = off;
    if (!att_parse_time(l->ends, off, &l->in.ends_at, NULL)) {
        l->message = "The end is not a date and time such as 2026-03-02T12:30+01:00.";
        return;
    }
    const char *msg;
    if (session_check(&l->in, &msg)) {
        l->message = msg;
        return;
    }
    l->ok = true;
}

int attendance_import_csv(Db *db, Arena *a, const RunRef *run, int64_t creator, const char *csv, size_t len,
                          int64_t default_offset_min, bool apply, SessionReport *out)
{
    memset(out, 0, sizeof *out);
    if (!utf8_valid(csv, len)) return LN_EINVAL;
    const char *p = csv, *end = csv + len;
    char *f[5];
    int nf, lineno = 0, cap = 32;
    bool bad = false;
    out->lines = arena_alloc(a, sizeof(SessionLine) * (size_t)cap);
    while ((nf = csv_record(a, &p, end, f, 5, &bad)) > 0) {
        lineno++;
        for (int i = nf; i < 5; i++) f[i] = "";
        if (nf == 1 && f[0][0] == 0) { bad = false; continue; }
        if (lineno == 1 && str_ieq(f[0], "title")) { bad = false; continue; }
        if (out->n == ATT_IMPORT_MAX) return LN_ELIMIT;
        out->lines = arena_grow(a, out->lines, out->n, &cap, sizeof *out->lines);
        SessionLine *l = &out->lines[out->n++];
        l->line = lineno;
        l->title = f[0];
        l->starts = f[1];
        l->ends = f[2];
        l->mode = f[3];
        l->place = f[4];
        if (bad) l->message = "This line is not valid CSV.";
        else import_line(l, default_offset_min);
        bad = false;
        if (l->ok) out->added++;
        else out->errors++;
    }
    if (!apply || out->added == 0) return LN_OK;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    UsTime now = time_now_us();
    for (int i = 0; rc == LN_OK && i < out->n; i++) {
        int64_t id;
        if (out->lines[i].ok) rc = session_insert(db, run, &out->lines[i].in, creator, now, &id);
    }
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

/* ======================================================================
 * Fraud signals
 * ==================================================================== */

static FraudSignal *signal_push(Arena *a, FraudList *out, int *cap)
{
    out->items = arena_grow(a, out->items, out->n, cap, sizeof *out->items);
    FraudSignal *f = &out->items[out->n++];
    memset(f, 0, sizeof *f);
    return f;
}

static int signal_cmp(const void *x, const void *y)
{
    const FraudSignal *p = x, *q = y;
    if (p->signed_at != q->signed_at) return p->signed_at > q->signed_at ? -1 : 1;
    return p->signature_id > q->signature_id ? -1 : p->signature_id < q->signature_id ? 1 : 0;
}

/* Columns: signature id, session, user, signed_at, user name, session title, ip, other id, count. */
static int signal_query(Db *db, Arena *a, const char *kind, const char *sql, int64_t org_id, int64_t session_id,
                        FraudList *out, int *cap)
{
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, session_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && out->n < 500) {
        FraudSignal *f = signal_push(a, out, cap);
        f->kind = kind;
        f->signature_id = db_col_i64(st, 0);
        f->session_id = db_col_i64(st, 1);
        f->user_id = db_col_i64(st, 2);
        f->signed_at = db_col_i64(st, 3);
        f->user_name = db_col_dup(st, 4, a);
        f->session_title = db_col_dup(st, 5, a);
        f->ip = db_col_dup(st, 6, a);
        f->other_id = db_col_i64(st, 7);
        f->count = db_col_i64(st, 8);
    }
    db_done(st);
    return rc == DB_DONE || rc == DB_ROW ? LN_OK : LN_EDB;
}

#define SIGNAL_JOINS " JOIN app_user u ON u.id = s.user_id JOIN live_session ls ON ls.id = s.session_id"

int attendance_fraud_signals(Db *db, Arena *a, int64_t org_id, int64_t session_id, FraudList *out)
{
    out->items = NULL;
    out->n = 0;
    int cap = 0;
    /* The same image as an earlier signature of another learner or another session. */
    int rc = signal_query(db, a, "identical_image",
        "SELECT s.id, s.session_id, s.user_id, s.signed_at, u.name, ls.title, s.ip, MIN(t.id), count(*)"
        " FROM signature s JOIN signature t ON t.org_id = s.org_id AND t.image_sha256 = s.image_sha256 AND t.id <> s.id"
        " AND (t.user_id <> s.user_id OR t.session_id <> s.session_id)" SIGNAL_JOINS
        " WHERE s.org_id = $1 AND ($2 = 0 OR s.session_id = $2)"
        " GROUP BY s.id, s.session_id, s.user_id, s.signed_at, u.name, ls.title, s.ip ORDER BY s.id DESC LIMIT 500",
        org_id, session_id, out, &cap);
    /* Learners (not kiosk) from one IP within a minute. */
    if (rc == LN_OK)
        rc = signal_query(db, a, "one_ip_burst",
            "SELECT s.id, s.session_id, s.user_id, s.signed_at, u.name, ls.title, s.ip, 0, count(DISTINCT t.user_id) + 1"
            " FROM signature s JOIN signature t ON t.org_id = s.org_id AND t.ip = s.ip AND t.user_id <> s.user_id"
            " AND t.role = 'learner' AND t.method <> 'kiosk'"
            " AND t.signed_at >= s.signed_at - 60000000 AND t.signed_at <= s.signed_at + 60000000" SIGNAL_JOINS
            " WHERE s.org_id = $1 AND ($2 = 0 OR s.session_id = $2) AND s.role = 'learner' AND s.method <> 'kiosk'"
            " AND s.ip <> ''"
            " GROUP BY s.id, s.session_id, s.user_id, s.signed_at, u.name, ls.title, s.ip"
            " HAVING count(DISTINCT t.user_id) + 1 >= 3 ORDER BY s.id DESC LIMIT 500",
            org_id, session_id, out, &cap);
    /* A learner's signature (not kiosk) from the device a trainer of the session signed on. */
    if (rc == LN_OK)
        rc = signal_query(db, a, "trainer_device",
            "SELECT s.id, s.session_id, s.user_id, s.signed_at, u.name, ls.title, s.ip, MIN(t.id), count(*)"
            " FROM signature s JOIN signature t ON t.session_id = s.session_id AND t.role = 'trainer'"
            " AND t.ip = s.ip AND t.user_agent = s.user_agent" SIGNAL_JOINS
            " WHERE s.org_id = $1 AND ($2 = 0 OR s.session_id = $2) AND s.role = 'learner' AND s.method <> 'kiosk'"
            " GROUP BY s.id, s.session_id, s.user_id, s.signed_at, u.name, ls.title, s.ip ORDER BY s.id DESC LIMIT 500",
            org_id, session_id, out, &cap);
    if (rc == LN_OK && out->n > 1) qsort(out->items, (size_t)out->n, sizeof *out->items, signal_cmp);
    return rc;
}

/* ======================================================================
 * The QR image
 * ==================================================================== */

char *attendance_qr_svg(Arena *a, const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return NULL;
    int w = q->width, size = w + 8;
    Buf b;
    buf_init(&b, 0);
    buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size, size);
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            if (!(q->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (q->data[y * w + x + run] & 1)) run++;
            buf_printf(&b, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
            x += run;
        }
    }
    buf_puts(&b, "\"/></svg>");
    QRcode_free(q);
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}
