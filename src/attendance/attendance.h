/* attendance.h — live sessions of a course run and their e-signatures
 * (docs/attendance.md).  Rules and SQL only; pages in attendance_page.c,
 * JSON in attendance_api.c.
 *
 * A live session (in a room, or a virtual classroom with its link) belongs
 * to a run; the learners expected at it are the run's active enrolments.
 * People sign inside the signing window (ATT_OPEN_EARLY_MIN minutes before
 * the start until the end plus the session's grace minutes), by:
 *   - a personal single-use link e-mailed to each expected learner,
 *   - a rotating QR code: a token HMAC(site secret, session || window number)
 *     that changes every 15 seconds (LECTERN_QR_SECONDS); the current and
 *     the previous window are accepted, so a photo of an older code fails,
 *   - kiosk mode: on the trainer's device, recorded with the trainer as the
 *     device's user.
 * A signature is drawn: vector strokes ([x, y, t] points in a 600 × 200
 * box) from which the server writes its own SVG (numbers only) and hashes
 * it.  Signatures are never updated or deleted; each is appended to the
 * organisation's evidence ledger ("attendance.signature") in the same
 * transaction.
 */
#ifndef LECTERN_ATTENDANCE_H
#define LECTERN_ATTENDANCE_H

#include "catalog/catalog.h"
#include "http/app.h"

#define ATT_OPEN_EARLY_MIN 15           /* signing opens this long before the start */
#define ATT_GRACE_DEFAULT 30            /* minutes after the end, by default */
#define ATT_GRACE_MAX 720
#define ATT_TITLE_MAX 200
#define ATT_PLACE_MAX 500
#define ATT_DURATION_MAX_H 24           /* a session lasts at most a day */
#define ATT_QR_SECONDS 15               /* default QR window; LECTERN_QR_SECONDS (1..300) overrides */
#define ATT_QR_TOKEN_LEN 22             /* base64url of 16 bytes of HMAC */
#define ATT_SCAN_MINUTES 10             /* a scanned code lets the learner draw for this long */
#define ATT_PAD_W 600                   /* the signature box */
#define ATT_PAD_H 200
#define ATT_STROKES_MAX 50
#define ATT_POINTS_MAX 5000
#define ATT_STROKE_MS_MAX 3600000       /* t of a point: milliseconds since the first, at most an hour */
#define ATT_BURST_LEARNERS 3            /* this many learners from one IP ... */
#define ATT_BURST_SECONDS 60            /* ... within this many seconds: a signal */
#define ATT_IMPORT_MAX 2000             /* lines of a CSV import */

typedef struct LiveSession {
    int64_t id, run_id, org_id, unit_id, course_id;     /* unit_id 0: none */
    char *title, *mode, *place;         /* mode "room" | "virtual" */
    UsTime starts_at, ends_at, created_at;
    UsTime links_sent_at;               /* 0: not yet */
    int64_t grace_minutes;
    int64_t utc_offset_min;             /* the organisation's local time at the session (from its start time) */
    char *run_title, *course_title, *org_slug, *org_name;
} LiveSession;
typedef struct LiveSessionList { LiveSession *items; int n; } LiveSessionList;

typedef struct SessionInput {
    const char *title, *mode, *place;
    UsTime starts_at, ends_at;
    int64_t grace_minutes;              /* < 0: default */
    int64_t utc_offset_min;
    int64_t unit_id;                    /* 0: none */
} SessionInput;

/* ---- times ---------------------------------------------------------------- */
/* ISO 8601 "2026-03-02T09:00", with optional ":SS" (and ".ffffff"), and "Z" or "+01:00" /
 * "-0530"; a space may stand for the T.  Without a zone the time is read at
 * `default_offset_min` from UTC.  *offset_min (may be NULL) gets the offset
 * used.  False when it is not such a time. */
bool att_parse_time(const char *s, int64_t default_offset_min, UsTime *out, int64_t *offset_min);
/* "+01:00", "-05:30", "+00:00" → minutes; false otherwise (±14 h at most). */
bool att_parse_offset(const char *s, int64_t *minutes);
/* "09:05" at `offset_min` from UTC, into buf (at least 6 bytes). */
void att_clock(UsTime t, int64_t offset_min, char *buf, size_t n);
/* "2026-03-02T09:05" at `offset_min` (for datetime-local inputs). */
void att_local_iso(UsTime t, int64_t offset_min, char *buf, size_t n);

/* ---- sessions ------------------------------------------------------------- */
/* NULL when fine, else the field in error and *msg (an English msgid). */
const char *session_check(const SessionInput *in, const char **msg);
/* A session of `run`; the trainers are `creator` (when a trainer or
 * administrator of the organisation) and the run's named trainer.  The unit
 * must be a "live" unit of the run's course. */
int attendance_session_create(Db *db, const RunRef *run, const SessionInput *in, int64_t creator, UsTime now,
                              int64_t *id);
/* The same inside the caller's transaction (the iCalendar import). */
int attendance_session_insert(Db *db, const RunRef *run, const SessionInput *in, int64_t creator, UsTime now,
                              int64_t *id);
/* Session `id` of organisation `org_id` (0: any); LN_NOTFOUND. */
int attendance_session_load(Db *db, Arena *a, int64_t org_id, int64_t id, LiveSession *out);
/* The run's sessions by start time. */
int attendance_session_list(Db *db, Arena *a, int64_t run_id, LiveSessionList *out);
/* Sessions attached to a live-session unit, for the unit's page. */
int attendance_sessions_of_unit(Db *db, Arena *a, int64_t run_id, int64_t unit_id, LiveSessionList *out);
bool attendance_is_trainer(Db *db, int64_t session_id, int64_t user_id);
/* The course's "live" units (for the session form). */
typedef struct LiveUnit { int64_t id; char *title; } LiveUnit;
int attendance_live_units(Db *db, Arena *a, int64_t course_id, LiveUnit **out, int *n);

/* ---- the signing window --------------------------------------------------- */
typedef enum { ATT_TOO_EARLY = -1, ATT_OPEN = 0, ATT_TOO_LATE = 1 } AttWindow;
UsTime attendance_opens_at(const LiveSession *s);
UsTime attendance_closes_at(const LiveSession *s);
AttWindow attendance_window(const LiveSession *s, UsTime now);
/* "am" or "pm": the half-day of the session a signature made at `t` counts
 * for — the time clamped to the session, at the session's UTC offset,
 * before or after noon. */
const char *attendance_half_day(const LiveSession *s, UsTime t);
/* Minutes after the start when the signature is in the half-day the
 * session starts in, else 0. */
int64_t attendance_late_minutes(const LiveSession *s, UsTime t);

/* ---- the rotating QR token ------------------------------------------------ */
/* The QR window length in seconds: LECTERN_QR_SECONDS (1..300, read once),
 * else ATT_QR_SECONDS. */
int attendance_qr_seconds(void);
int64_t attendance_qr_window(UsTime now, int seconds);
/* base64url(first 16 bytes of HMAC-SHA-256(secret, "lectern-qr|" || session
 * id || window, both 8-byte big-endian)). */
void attendance_qr_token(const char *secret, int64_t session_id, int64_t window, char out[ATT_QR_TOKEN_LEN + 1]);
/* Is `token` the code of the current or the previous window at `now`? */
bool attendance_qr_check(const char *secret, int64_t session_id, const char *token, UsTime now, int seconds);
/* After a valid scan, the page lets the learner draw: "SECONDS.MAC" binds
 * (session, user, scan time); valid ATT_SCAN_MINUTES. */
char *attendance_scan_proof(Arena *a, const char *secret, int64_t session_id, int64_t user_id, UsTime now);
bool attendance_scan_check(const char *secret, int64_t session_id, int64_t user_id, const char *proof, UsTime now);

/* The public verification page of a session's sheet (the sheet's QR code):
 * /verify/sessions/ID/TOKEN, TOKEN = base64url(first 16 bytes of
 * HMAC-SHA-256(site secret, "lectern-sheet|" || session id)), so that only
 * who holds the sheet can open it. */
void attendance_sheet_token(const char *secret, int64_t session_id, char out[ATT_QR_TOKEN_LEN + 1]);
bool attendance_sheet_check(const char *secret, int64_t session_id, const char *token);
/* BASE/verify/sessions/ID/TOKEN */
char *attendance_sheet_url(Arena *a, const char *base_url, const char *secret, int64_t session_id);
/* The same for a learner's sheet over a programme (progsheet.h): its QR code
 * opens /verify/programmes/{id}/learners/{uid}/{token}, which verifies each
 * of its sessions. */
bool progsheet_check(const char *secret, int64_t programme_id, int64_t user_id, const char *token);
char *progsheet_url(Arena *a, const char *base_url, const char *secret, int64_t programme_id, int64_t user_id);

/* ---- strokes and their image ---------------------------------------------- */
/* Parse strokes JSON: an array (1..ATT_STROKES_MAX) of strokes, each an
 * array of [x, y, t] points (x in 0..600, y in 0..200, numbers; t integer
 * milliseconds since the first point, non-decreasing, 0..ATT_STROKE_MS_MAX),
 * ATT_POINTS_MAX points in all.  On success *canonical is the strokes
 * rewritten from the parsed numbers (x and y to a tenth) and *svg the image
 * built from them alone.  LN_ELIMIT when over a limit, LN_EINVAL otherwise,
 * with *why (an English msgid). */
int attendance_strokes(Arena *a, const char *json, size_t len, char **canonical, char **svg, const char **why);
/* The client's IP or user agent, at most `max` bytes, printable ASCII. */
char *attendance_clean(Arena *a, const char *s, size_t max);

/* ---- signing -------------------------------------------------------------- */
typedef struct Signature {
    int64_t id, session_id, user_id, device_user_id;
    char *role, *half_day, *method, *ip, *user_agent, *image_sha256, *user_name;
    UsTime signed_at;
    int64_t late_minutes;
} Signature;
typedef struct SignatureList { Signature *items; int n; } SignatureList;

typedef struct SignInput {
    const LiveSession *session;
    int64_t user_id;                    /* who signs */
    const char *role;                   /* "learner" | "trainer" */
    const char *method;                 /* "link" | "qr" | "kiosk" */
    int64_t device_user_id;             /* the account signed in on the device; 0: none */
    int64_t link_id;                    /* method link: the link used (consumed in the same transaction) */
    const char *ip, *user_agent;
    const char *strokes;                /* JSON */
    size_t strokes_len;
    UsTime now;
} SignInput;
/* Record a signature and its ledger entry in one transaction.  LN_OK;
 * LN_NOTFOUND when the person is not expected (a learner not enrolled, a
 * trainer not of the session); LN_EPERM outside the window; LN_EEXIST when
 * they already signed this half-day or the link was used meanwhile;
 * LN_EINVAL / LN_ELIMIT for bad strokes; *why says which (an English msgid).
 * Afterwards the session's live-session unit, if any, is completed for the
 * learner. */
int attendance_sign(Db *db, Arena *a, const SignInput *in, Signature *out, const char **why);
/* The session's signatures, oldest first. */
int attendance_signatures(Db *db, Arena *a, int64_t session_id, SignatureList *out);
/* How many people of `role` ("learner", "trainer") signed the session (at
 * least once). */
int64_t attendance_signed_count(Db *db, int64_t session_id, const char *role);
/* One signature of the organisation with its SVG; LN_NOTFOUND. */
int attendance_signature_image(Db *db, Arena *a, int64_t org_id, int64_t id, char **svg, char **sha256);

/* ---- who is expected ------------------------------------------------------ */
typedef struct Attendee { int64_t user_id; char *name, *email, *lang; } Attendee;
typedef struct AttendeeList { Attendee *items; int n; } AttendeeList;
/* The run's active enrolments, by name. */
int attendance_expected(Db *db, Arena *a, int64_t run_id, AttendeeList *out);
int attendance_trainers(Db *db, Arena *a, int64_t session_id, AttendeeList *out);
bool attendance_expects(Db *db, const LiveSession *s, int64_t user_id);

/* ---- personal links ------------------------------------------------------- */
typedef struct SignLink {
    int64_t id, session_id, user_id;
    UsTime expires_at, used_at;
} SignLink;
/* The link whose token is `token`; LN_NOTFOUND. */
int attendance_link_lookup(Db *db, const char *token, SignLink *out);
/* E-mail a new single-use link to each expected learner who has not signed
 * the current half-day yet (in its own transaction).  Refused (LN_EPERM)
 * once the window closed.  *sent (may be NULL) gets how many. */
int attendance_send_links(Db *db, const char *base_url, const LiveSession *s, UsTime now, int *sent);
/* For the once-a-second tick: at each session's start, send its links
 * (once: the first process to mark the session does it).  At most every
 * 5 seconds; returns how many sessions were handled. */
int attendance_send_due(Db *db, const char *base_url, UsTime now);
void attendance_tick(App *app, Db *db);
/* For app_jobs_tick: the oldest queued sheets job (sheets.h). */
void attendance_jobs_tick(App *app, Db *db);

/* ---- CSV import of sessions: title,starts_at,ends_at,mode,place ------------ */
typedef struct SessionLine {
    int line;
    char *title, *starts, *ends, *mode, *place;
    bool ok;
    const char *message;                /* English msgid when !ok */
    SessionInput in;
} SessionLine;
typedef struct SessionReport { SessionLine *lines; int n, added, errors; } SessionReport;
/* Times without a zone are read at `default_offset_min`.  With apply, the
 * valid lines are created in one transaction.  LN_EINVAL when not UTF-8,
 * LN_ELIMIT over ATT_IMPORT_MAX lines. */
int attendance_import_csv(Db *db, Arena *a, const RunRef *run, int64_t creator, const char *csv, size_t len,
                          int64_t default_offset_min, bool apply, SessionReport *out);

/* ---- fraud signals -------------------------------------------------------- */
typedef struct FraudSignal {
    const char *kind;                   /* "identical_image", "one_ip_burst", "trainer_device" */
    int64_t signature_id, session_id, user_id;
    int64_t other_id;                   /* the other signature (identical, trainer_device); 0: none */
    int64_t count;                      /* one_ip_burst: learners from that IP within the minute */
    UsTime signed_at;
    char *user_name, *session_title, *ip;
} FraudSignal;
typedef struct FraudList { FraudSignal *items; int n; } FraudList;
/* Signals of the organisation (session_id 0) or of one session, newest
 * first, at most 500:
 *   identical_image — two signatures (other learners, or other sessions)
 *     with the same image;
 *   one_ip_burst — a learner's signature by link or QR while at least
 *     ATT_BURST_LEARNERS learners in all signed from the same IP within
 *     ATT_BURST_SECONDS;
 *   trainer_device — a learner's signature by link or QR from the device
 *     (same IP and user agent) a trainer of the session signed from. */
int attendance_fraud_signals(Db *db, Arena *a, int64_t org_id, int64_t session_id, FraudList *out);

/* ---- the QR image ---------------------------------------------------------- */
/* An SVG QR code of `text` (libqrencode), NULL on failure. */
char *attendance_qr_svg(Arena *a, const char *text);

#endif
