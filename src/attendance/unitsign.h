/* unitsign.h — optional signatures at the start and at the end of a
 * distance (asynchronous) unit (docs/attendance.md "Signing a distance
 * unit").  A trainer sets a signing window on a unit of a run, for the
 * start, the end or both; an enrolled learner signs (drawn, the server's
 * time, IP and user agent) once per window, from the unit's page, inside
 * the window only.  Signatures are never updated or deleted; each is
 * appended to the ledger ("attendance.unit_signature") in the same
 * transaction.  They appear in the learner's connection record. */
#ifndef LECTERN_UNITSIGN_H
#define LECTERN_UNITSIGN_H
#include "attendance/attendance.h"

#define UNIT_WINDOW_MAX_DAYS 366

typedef struct UnitWindow {
    int64_t unit_id;
    char *kind;                         /* "start" | "end" */
    char *unit_title;
    UsTime opens_at, closes_at;
    int64_t utc_offset_min;             /* the times are shown at this offset */
} UnitWindow;
typedef struct UnitWindowList { UnitWindow *items; int n; } UnitWindowList;

/* Set (or replace) the `kind` window of unit `unit_id` of the run's course.
 * LN_NOTFOUND: no such unit in the course; LN_EINVAL with *why (an English
 * msgid): bad kind, closes not after opens, longer than a year. */
int unit_window_set(Db *db, const RunRef *run, int64_t unit_id, const char *kind, UsTime opens, UsTime closes,
                    int64_t utc_offset_min, int64_t by, UsTime now, const char **why);
/* Remove it (LN_NOTFOUND when none); signatures made stay. */
int unit_window_clear(Db *db, const RunRef *run, int64_t unit_id, const char *kind);
/* The run's windows (unit_id 0: every unit), by unit position then kind. */
int unit_windows(Db *db, Arena *a, int64_t run_id, int64_t unit_id, UnitWindowList *out);

typedef struct UnitSignature {
    int64_t id, run_id, unit_id, user_id;
    char *kind, *unit_title, *ip, *image_sha256;
    UsTime signed_at;
} UnitSignature;
typedef struct UnitSignatureList { UnitSignature *items; int n; } UnitSignatureList;

typedef struct UnitSignInput {
    const RunRef *run;
    int64_t unit_id, user_id;
    const char *kind;
    const char *ip, *user_agent, *strokes;
    size_t strokes_len;
    UsTime now;
} UnitSignInput;

/* LN_OK; LN_NOTFOUND when no window of that kind is set on the unit or the
 * learner is not enrolled; LN_EPERM outside the window; LN_EEXIST when
 * already signed; LN_EINVAL / LN_ELIMIT for bad strokes.  *why: an English
 * msgid; the window's times are in *w (may be NULL) for the message. */
int unit_sign(Db *db, Arena *a, const UnitSignInput *in, UnitSignature *out, UnitWindow *w, const char **why);
/* The learner's signatures of the run's units (unit_id 0: all), oldest first. */
int unit_signatures(Db *db, Arena *a, int64_t run_id, int64_t user_id, int64_t unit_id, UnitSignatureList *out);

#endif
