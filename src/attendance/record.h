/* record.h — a learner's connection record in a course run
 * (docs/attendance.md "Connection record"): what a funder asks of a
 * distance course (../shared/EVIDENCE.md, D6313-3-1): connection sessions
 * and active time per unit, assessments taken, assistance received, live
 * sessions signed and absences.  On screen, as CSV and as PDF.
 *
 * Closed connection sessions are also facts: each is recorded once in
 * connection_session with a ledger entry ("connection.session"), by the
 * tick or when a record is read.  A session is closed when the learner's
 * last heartbeat in it is older than the organisation's idle time.
 */
#ifndef LECTERN_RECORD_H
#define LECTERN_RECORD_H

#include "attendance/absence.h"
#include "attendance/unitsign.h"
#include "content/content.h"

typedef struct RecUnit { int64_t unit_id, active_ms; char *title; UsTime last_at; } RecUnit;
typedef struct RecAttempt {
    char *unit_title, *status;
    const char *purpose;                /* placement, formative, final (quiz.h quiz_purpose_text) */
    int64_t number, score;              /* score: thousandths; -1 none yet */
    UsTime started_at, submitted_at;
} RecAttempt;
typedef struct RecAssist {
    char *title, *trainer;              /* trainer NULL: no trainer reply yet */
    UsTime asked_at, replied_at;
} RecAssist;
typedef struct RecSignature { char *session_title, *half_day, *method; UsTime signed_at; int64_t offset_min; } RecSignature;

typedef struct ConnRecord {
    int64_t org_id, run_id, user_id;
    char *learner_name, *learner_email, *run_title, *course_title, *org_name;
    UsTime generated_at;
    Activity act;
    RecUnit *units; int nunits;
    RecAttempt *attempts; int nattempts;
    RecAssist *assists; int nassists;
    RecSignature *sigs; int nsigs;
    AbsenceList absences;
    UnitSignatureList usigs;            /* start/end signatures of distance units (unitsign.h) */
} ConnRecord;

/* The record of learner `user_id` in run `run_id` of organisation
 * `org_id` (the learner must have an enrolment in it: LN_NOTFOUND else).
 * Records the closed connection sessions first. */
int conn_record_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t user_id, UsTime now, ConnRecord *out);
/* The record as CSV: section,start,end,item,detail,minutes,value. */
void conn_record_csv(const ConnRecord *c, Buf *out);
/* The record as a PDF in `lang`; LN_EINVAL when cairo fails. */
int conn_record_pdf(Arena *a, const ConnRecord *c, const char *lang, Buf *out);

/* The records of learner `user_id` in every run of programme
 * `programme_id`'s courses they are enrolled in (course order, then run);
 * LN_NOTFOUND when the programme is not the organisation's or the learner
 * has no run in it.  *title gets the programme's title. */
/* The runs of programme `programme_id`'s courses learner `user_id` is
 * enrolled in (course order, then run), at most PROGRAMME_RUNS_MAX. */
#define PROGRAMME_RUNS_MAX 100
int programme_runs_of(Db *db, int64_t org_id, int64_t programme_id, int64_t user_id, int64_t runs[PROGRAMME_RUNS_MAX],
                      int *n);
typedef struct ConnRecordSet { ConnRecord *items; int n; char *title; } ConnRecordSet;
int conn_programme_load(Db *db, Arena *a, int64_t org_id, int64_t programme_id, int64_t user_id, UsTime now,
                        ConnRecordSet *out);
/* Several records (a programme's runs) in one CSV (one header line) or one
 * PDF (each run from a new page; pages numbered across). */
void conn_records_csv(const ConnRecord *items, int n, Buf *out);
int conn_records_pdf(Arena *a, const ConnRecord *items, int n, const char *lang, Buf *out);

/* Record the learner's closed connection sessions of the run not recorded
 * yet, each with its ledger entry, in one transaction; *made (may be NULL)
 * gets how many. */
int connection_sessions_record(Db *db, int64_t org_id, int64_t run_id, int64_t user_id, UsTime now, int *made);
/* For the tick: learners with heartbeats in the last two days newer than
 * their last recorded session, at most 50 a call. */
int connection_sessions_due(Db *db, UsTime now);

#endif
