/* external.h — external MOOCs in a course run (docs/external.md;
 * ../shared/EVIDENCE.md: "whatever can be had ... checked for plausibility
 * against the declared duration").  Rules and SQL only; pages in
 * external_page.c, JSON in external_api.c.
 *
 * A run's trainers declare an external activity: its title, its platform,
 * a link for learners, the activity IRI under which the platform sends xAPI
 * statements to our LRS, and its declared duration.  Each learner's record
 * is read from the statements whose actor is the learner's e-mail address
 * and whose object is the IRI or an IRI below it (the IRI followed by "/",
 * "?" or "#"):
 *   - reported time: the larger of the sum of the durations of the
 *     statements that do not end the activity and the longest duration of
 *     one that ends it or reports progress (completed, passed, failed,
 *     progressed): platforms report either per session, or in total on
 *     completion or in a report (report.h);
 *   - completed: a "completed" or "passed" statement, or
 *     result.completion true; passed / failed likewise;
 *   - the verdict (ExtVerdict) against the declared duration.
 * A trainer validates a learner's record: the minutes accepted (by default
 * the reported time, at most the declared duration; the declared duration
 * when no time was reported), with a note that is required when the
 * verdict is not "plausible" (what was seen instead: the platform's
 * certificate, a report).  The validation is a row and a ledger entry
 * ("external.validated") in one transaction; it is what a certificate
 * counts.  A validation is never changed: a trainer revokes it with a
 * reason (a correction, "external.revoked", naming its entry), and may
 * then validate the record again.
 * A learner may also send the platform's certificate of completion (a PDF
 * or an image): a row and a ledger entry ("external.attestation", with the
 * file's SHA-256) in one transaction; the latest one shows on the record,
 * for the trainer to check before validating. */
#ifndef LECTERN_EXTERNAL_H
#define LECTERN_EXTERNAL_H

#include "attendance/facts.h"
#include "content/content.h"
#include "db/db.h"

#define EXT_TITLE_MAX 200
#define EXT_NOTE_MAX 2000
#define EXT_MINUTES_MAX 100000
#define EXT_MIN_SHARE 50                /* % of the declared duration a plausible record reports */

typedef struct ExtActivity {
    int64_t id, org_id, run_id, minutes, created_by;
    UsTime created_at;
    char *title, *platform, *url, *iri;
} ExtActivity;

typedef struct ExtInput {
    const char *title, *platform, *url, *iri, *minutes;     /* as typed */
} ExtInput;

/* Declare an activity in run `run_id` of `org_id`: LN_OK with *id; LN_EINVAL
 * with *field and *why (English msgid); LN_EEXIST (the run has one with
 * this IRI, *field "iri"); LN_NOTFOUND (no such run). */
int ext_add(Db *db, int64_t org_id, int64_t run_id, int64_t by, const ExtInput *in, UsTime now, int64_t *id,
            const char **field, const char **why);
/* Change it: the same checks as ext_add.  While it has validated records
 * (current or revoked) its identifier and duration stay as they are
 * (LN_EEXIST, *field, *why): what was validated was read from them. */
int ext_update(Db *db, const ExtActivity *act, const ExtInput *in, const char **field, const char **why);
/* Delete it: LN_OK; LN_EEXIST (*why) when it has validations or
 * certificates sent, which are evidence.  The statements stay in the LRS. */
int ext_delete(Db *db, const ExtActivity *act, const char **why);
/* Does activity IRI `iri` cover statement object `object`: the same, or
 * below it (followed by "/", "?" or "#")?  The rule of the records. */
bool ext_iri_covers(const char *iri, const char *object);
/* The run's activities, oldest first. */
int ext_list(Db *db, Arena *a, int64_t org_id, int64_t run_id, ExtActivity **out, int *n);
/* How many the run has (0 on an error). */
int64_t ext_count(Db *db, int64_t run_id);
/* One of them; LN_NOTFOUND. */
int ext_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t id, ExtActivity *out);

typedef enum {
    EXT_NO_RECORD,          /* no statement */
    EXT_IN_PROGRESS,        /* statements, not completed */
    EXT_NO_TIME,            /* completed, no duration reported: to be checked */
    EXT_TOO_FAST,           /* completed in less than EXT_MIN_SHARE % of the declared duration */
    EXT_PLAUSIBLE,
} ExtVerdict;
/* "no_record", "in_progress", ... */
const char *ext_verdict_code(ExtVerdict v);
/* An English msgid for people. */
const char *ext_verdict_text(ExtVerdict v);

typedef struct ExtRecord {
    int64_t user_id;
    char *name, *email;
    int64_t statements;
    UsTime first, last, completed_at;   /* 0: none */
    int64_t reported_ms;                /* -1: no duration reported */
    int passed;                         /* 1 passed, 0 failed, -1 not said */
    bool has_score;
    int64_t score_milli;                /* the latest scaled score × 1000 */
    ExtVerdict verdict;
    /* the latest certificate the learner sent, when there is one */
    int64_t attestation_id;
    char *attestation_name;
    UsTime attestation_at;
    /* the validation, when there is one */
    int64_t validation_id, accepted_minutes, ledger_seq;
    char *note, *validated_by;
    UsTime validated_at;
} ExtRecord;
/* The records of the run's active learners (by name), and *unknown: the
 * statements under the activity's IRI whose actor is none of them. */
int ext_records(Db *db, Arena *a, const ExtActivity *act, ExtRecord **out, int *n, int64_t *unknown);
/* One learner's record: LN_NOTFOUND when not an active learner of the run. */
int ext_record(Db *db, Arena *a, const ExtActivity *act, int64_t user_id, ExtRecord *out);
/* How many of the run's active learners completed the activity and how
 * many records are validated. */
typedef struct ExtTally { int64_t learners, completed, validated; } ExtTally;
int ext_tally(Db *db, Arena *a, const ExtActivity *act, ExtTally *out);
/* The minutes a validation would accept by default. */
int64_t ext_default_minutes(const ExtActivity *act, const ExtRecord *rec);

/* Validate `user_id`'s record.  minutes: as typed ("" for the default).
 * LN_OK; LN_EINVAL with *field ("minutes", "note") and *why; LN_EEXIST
 * (validated already); LN_NOTFOUND (not an active learner of the run). */
int ext_validate(Db *db, const ExtActivity *act, int64_t user_id, const char *minutes, const char *note, int64_t by,
                 UsTime now, const char **field, const char **why);

/* Record that `user_id` sent the platform's certificate `m` (stored in the
 * media store already).  LN_OK with *id; LN_EINVAL with *why (an English
 * msgid) when it is not a PDF, PNG or JPEG; LN_NOTFOUND (*why) when not an
 * active learner of the run. */
int ext_attest(Db *db, const ExtActivity *act, int64_t user_id, const Media *m, UsTime now, int64_t *id,
               const char **why);
/* A certificate sent, with its file; LN_NOTFOUND. */
typedef struct ExtAttestation {
    int64_t id, activity_id, user_id, org_id, run_id;
    UsTime at;
    Media media;
} ExtAttestation;
int ext_attestation_load(Db *db, Arena *a, int64_t id, ExtAttestation *out);

/* The minutes validated for `user_id` over the external activities of run
 * `run_id`: what a certificate counts (0 on an error). */
int64_t ext_validated_minutes(Db *db, int64_t run_id, int64_t user_id);

#define EXT_REASON_MAX 500
/* Revoke `user_id`'s current validation with `reason` (required), by a
 * correction of its ledger entry, in one transaction.  LN_OK; LN_EINVAL
 * (*why) without a reason; LN_NOTFOUND (*why) when the record is not
 * validated. */
int ext_revoke(Db *db, const ExtActivity *act, int64_t user_id, const char *reason, int64_t by, UsTime now,
               const char **why);

/* `lectern verify`: every validation (and its revocation) and every
 * certificate sent against its ledger entry, and the entries counted
 * against the rows. */
int ext_facts_verify(Db *db, int64_t org_id, FactsReport *out);

#endif
