/* absence.h — absences from live sessions, their justifications and the
 * decisions on them (docs/attendance.md "Absences and justifications").
 *
 * Once a session's signing window has closed, every expected learner (the
 * run's active enrolments at that moment) without a signature for one of
 * the session's half-days is absent for that half-day.  The absences are
 * recorded once per session — by the periodic tick, or by the first page or
 * API call that reads them — claimed with live_session.absences_at, each one
 * appended to the ledger ("attendance.absence") in the same transaction.
 *
 * A learner justifies an absence (a reason, an optional file from the media
 * store): "attendance.justification".  An administrator accepts or rejects
 * the latest justification with a comment: "attendance.decision"; a new
 * decision supersedes the previous one (a new row and a ledger correction
 * of the old entry), nothing is updated in place.  A learner may justify
 * again when there is no justification, or when the last one was rejected.
 *
 * Reminders (e-mail outbox): ABS_REMIND_SIGN_MIN minutes after the start, a
 * fresh personal link to the expected learners who have not signed the
 * current half-day (once per session, while the window is open); and
 * ABS_REMIND_JUSTIFY_H hours after an absence was recorded, one e-mail to
 * its learner when nothing was submitted yet.
 */
#ifndef LECTERN_ABSENCE_H
#define LECTERN_ABSENCE_H

#include "attendance/attendance.h"

#define ABS_REASON_MAX 2000             /* bytes of a justification's reason */
#define ABS_COMMENT_MAX 2000            /* bytes of a decision's comment */
#define ABS_REMIND_SIGN_MIN 10          /* "you have not signed" this long after the start */
#define ABS_REMIND_JUSTIFY_H 24         /* "justify your absence" this long after it was recorded */

typedef struct Absence {
    int64_t id, session_id, run_id, user_id;
    char *half_day;                     /* "am" | "pm" */
    UsTime recorded_at;
    char *user_name, *session_title, *run_title, *course_title;
    UsTime starts_at, ends_at;
    int64_t utc_offset_min;
    /* the latest justification (0: none) and the latest decision on it */
    int64_t justification_id, media_id, decision_id;
    char *reason;                       /* NULL: none */
    UsTime justified_at, decided_at;
    char *decision, *comment, *decided_by_name;   /* decision NULL: pending */
    const char *status;                 /* "unjustified" | "pending" | "accepted" | "rejected" */
} Absence;
typedef struct AbsenceList { Absence *items; int n; } AbsenceList;

/* Every half-day the session covers: 1 or 2 of "am", "pm". */
int attendance_halves(const LiveSession *s, const char *out[2]);

/* Record the session's absences if its window has closed at `now` and they
 * were not recorded yet (idempotent: one transaction claims the session).
 * *recorded (may be NULL) gets how many absences this call wrote. */
int absence_record(Db *db, const LiveSession *s, UsTime now, int *recorded);
/* Record the absences of every closed session of run `run_id` (0: of the
 * organisation `org_id`) whose absences are not recorded yet: the "at first
 * read" path of the pages and API. */
int absence_record_pending(Db *db, int64_t org_id, int64_t run_id, UsTime now);
/* For the tick: sessions whose window closed, at most 20 a call. */
int absence_record_due(Db *db, UsTime now);

/* Absences of the organisation, newest session first, at most 500:
 * user_id > 0 for one learner's, run_id > 0 for one run's, session_id > 0
 * for one session's; status NULL or one of the statuses. */
typedef struct AbsenceFilter { int64_t user_id, run_id, session_id; const char *status; } AbsenceFilter;
int absence_list(Db *db, Arena *a, int64_t org_id, const AbsenceFilter *f, AbsenceList *out);
/* One absence of the organisation, with its latest justification; LN_NOTFOUND. */
int absence_load(Db *db, Arena *a, int64_t org_id, int64_t id, Absence *out);
/* The absence a justification belongs to (org-scoped); LN_NOTFOUND. */
int absence_of_justification(Db *db, int64_t org_id, int64_t justification_id, int64_t *absence_id);

/* Every justification of an absence and every decision on it, oldest
 * first (a justification repeats for each of its decisions; decision_id 0
 * when it has none). */
typedef struct AbsenceEvent {
    int64_t justification_id, media_id, decision_id, supersedes;
    char *reason, *filename, *decision, *comment, *decided_by;
    UsTime justified_at, decided_at;
} AbsenceEvent;
typedef struct AbsenceHistory { AbsenceEvent *items; int n; } AbsenceHistory;
int absence_history(Db *db, Arena *a, int64_t absence_id, AbsenceHistory *out);

/* A learner's live sessions in the organisation (runs they are active in),
 * newest first, at most 200, with their signatures and absences there. */
typedef struct MySession {
    LiveSession s;                      /* id, title, times, offset and grace */
    char *run_title;
    int64_t signatures, absences;
} MySession;
typedef struct MySessionList { MySession *items; int n; } MySessionList;
int absence_my_sessions(Db *db, Arena *a, int64_t org_id, int64_t user_id, MySessionList *out);
/* What a learner's connection records can be asked for: each run (course
 * title, run title) and each programme (title) they are enrolled in. */
typedef struct RecordLink { int64_t id; char *title, *subtitle; } RecordLink;
typedef struct MyRecords { RecordLink *runs, *programmes; int nruns, nprogrammes; } MyRecords;
int absence_my_records(Db *db, Arena *a, int64_t org_id, int64_t user_id, MyRecords *out);

/* The learner `user_id` justifies absence `a`.  LN_EPERM when it is not
 * theirs; LN_EEXIST when a justification is pending or accepted; LN_EINVAL
 * on an empty or too long reason (*why: an English msgid).  media_id 0:
 * no file.  *id gets the justification's id. */
int absence_justify(Db *db, const Absence *a, int64_t user_id, const char *reason, int64_t media_id, UsTime now,
                    int64_t *id, const char **why);
/* Administrator `by` decides on justification `justification_id` of the
 * organisation: "accepted" or "rejected" (a comment is required to reject).
 * LN_NOTFOUND: no such justification; LN_EEXIST: it is not the absence's
 * latest justification; LN_EINVAL: bad decision or comment (*why).  A
 * previous decision is superseded. */
int absence_decide(Db *db, int64_t org_id, int64_t justification_id, int64_t by, const char *decision,
                   const char *comment, UsTime now, int64_t *id, const char **why);

/* Reminders for the tick; return how many e-mails were queued. */
int absence_remind_sign_due(Db *db, const char *base_url, UsTime now);
int absence_remind_justify_due(Db *db, const char *base_url, UsTime now);

#endif
