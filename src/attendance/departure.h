/* departure.h — early departures from a live session (docs/attendance.md
 * "Early departure").  A learner who leaves before the end signs out: a
 * drawn signature with the server's time, the method, IP and user agent,
 * once per session, after their arrival signature and before the session's
 * end (inside the signing window).  The arrival signature is never touched;
 * the departure is a row of its own with its ledger entry
 * ("attendance.departure") in the same transaction. */
#ifndef LECTERN_DEPARTURE_H
#define LECTERN_DEPARTURE_H
#include "attendance/attendance.h"

typedef struct Departure {
    int64_t id, session_id, user_id, device_user_id;
    char *method, *ip, *user_agent, *image_sha256, *strokes;
    UsTime signed_at;
} Departure;
typedef struct DepartureList { Departure *items; int n; } DepartureList;

typedef struct DepartInput {
    const LiveSession *session;
    int64_t user_id;
    const char *method;                 /* "online" (the learner's device) | "kiosk" */
    int64_t device_user_id;
    const char *ip, *user_agent, *strokes;
    size_t strokes_len;
    UsTime now;
} DepartInput;

/* Record a departure and its ledger entry in one transaction.  LN_OK;
 * LN_NOTFOUND when the learner is not expected; LN_EPERM outside the window,
 * at or after the session's end, or before an arrival signature; LN_EEXIST
 * when they already signed out; LN_EINVAL / LN_ELIMIT for bad strokes.
 * *why says which (an English msgid). */
int attendance_depart(Db *db, Arena *a, const DepartInput *in, Departure *out, const char **why);
/* The same rules (but the strokes) without writing anything: for the page,
 * before the learner draws.  LN_OK or the refusal attendance_depart()
 * would give. */
int attendance_depart_check(Db *db, const LiveSession *s, int64_t user_id, UsTime now, const char **why);
/* The session's departures (user_id 0: everyone's), oldest first, with strokes. */
int attendance_departures(Db *db, Arena *a, int64_t session_id, int64_t user_id, DepartureList *out);
/* The departure of `user_id` in `l`, NULL when none. */
const Departure *departure_find(const DepartureList *l, int64_t user_id);

#endif
