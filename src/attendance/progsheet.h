/* progsheet.h — a learner's attendance sheet over a whole programme
 * (docs/attendance.md "Attendance sheet per learner and programme"): every
 * live session of the programme's runs the learner is enrolled in, by run
 * then time, with the morning and afternoon of each, the learner's
 * signatures (drawn from their strokes), times and method, early
 * departures, absences and the decision on their justification, and the
 * trainers' signatures.  As data (for JSON) and as an A4 PDF. */
#ifndef LECTERN_PROGSHEET_H
#define LECTERN_PROGSHEET_H
#include "attendance/absence.h"
#include "attendance/departure.h"

typedef struct PsHalf {
    const char *half;                   /* "am" | "pm" */
    Signature *sig;                     /* the learner's; NULL: none */
    char *strokes;                      /* the learner's signature strokes */
    Absence *absence;                   /* NULL: none recorded */
} PsHalf;

typedef struct PsSession {
    LiveSession s;
    PsHalf halves[2];
    int nh;
    bool closed;                        /* the window is over */
    Departure *departure;               /* NULL: none */
    char *trainer_name, *trainer_strokes;   /* the first trainer signature; NULL: none */
    UsTime trainer_signed_at;
} PsSession;

typedef struct ProgSheet {
    int64_t org_id, programme_id, user_id;
    char *programme_title, *learner_name, *org_name;
    PsSession *items;
    int n;
    UsTime now;
} ProgSheet;

/* The sheet of learner `user_id` in programme `programme_id` of
 * organisation `org_id`; records pending absences first.  LN_NOTFOUND when
 * the programme is not the organisation's or the learner has no run in it. */
/* The organisation of programme `programme_id`; LN_NOTFOUND. */
int progsheet_programme_org(Db *db, int64_t programme_id, int64_t *org_id);
int progsheet_load(Db *db, Arena *a, int64_t org_id, int64_t programme_id, int64_t user_id, UsTime now,
                   ProgSheet *out);
/* The sheet as a PDF in `lang` appended to `out`, with a QR code of
 * `verify_url` (progsheet_url; none when NULL); LN_EINVAL when cairo fails. */
int progsheet_pdf(Arena *a, const ProgSheet *p, const char *lang, const char *verify_url, Buf *out);

#endif
