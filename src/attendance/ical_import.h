/* ical_import.h — the occurrences of an iCalendar file as live sessions of a
 * run (docs/attendance.md, "Import from a calendar").  All or nothing: a
 * file with any error imports nothing.  Idempotent: an occurrence already
 * imported into the run (same UID and occurrence, table session_ical) is
 * never created again; when the calendar changed it since, it is reported
 * as changed and left as it is (a session may already carry signatures). */
#ifndef LECTERN_ICAL_IMPORT_H
#define LECTERN_ICAL_IMPORT_H

#include "attendance/attendance.h"
#include "attendance/ical.h"

typedef enum { ICAL_NEW, ICAL_SAME, ICAL_CHANGED } IcalStatus;

typedef struct IcalSession {
    const IcalOccurrence *occ;
    SessionInput in;                    /* title, mode, place, times, offset */
    IcalStatus status;
    int64_t session_id;                 /* the session it became (SAME, CHANGED; NEW once applied) */
    int64_t *trainer_ids;               /* ORGANIZER/ATTENDEE e-mails of the organisation's trainers and administrators */
    char **trainer_names;
    int n_trainers;
} IcalSession;

typedef struct IcalReport {
    IcalCalendar cal;                   /* cal.errors: line errors, session checks included */
    IcalSession *sessions;
    int n, added, same, changed;
} IcalReport;

/* Parse `text` and map each occurrence to a session of `run`: mode
 * "virtual" with URL (or a LOCATION that is an http(s) link) as the link,
 * else "room" at LOCATION.  With apply and no error, the new sessions are
 * created in one transaction (their trainers: the creator, the run's
 * trainer, the matched ones).  LN_OK; LN_EINVAL when out->cal has errors
 * (nothing written); LN_ELIMIT too large; LN_EEXIST when a concurrent
 * import got there first (nothing written); LN_EDB. */
int attendance_import_ical(Db *db, Arena *a, const RunRef *run, int64_t creator, const char *text, size_t len,
                           const IcalOptions *opt, bool apply, UsTime now, IcalReport *out);

#endif
