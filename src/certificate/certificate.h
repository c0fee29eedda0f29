/* certificate.h — completion certificates computed from the evidence
 * (docs/certificates.md; ../shared/EVIDENCE.md, "Completion certificate").
 * Rules and SQL only; pages in certificate_page.c, JSON in
 * certificate_api.c, the PDF in certificate_pdf.c.
 *
 * A certificate is about one learner in one course run.  Its figures are
 * computed when it is issued, from what the ledger already holds:
 *   - live hours: each half-day of a live session the learner signed, from
 *     the session's start to its end, split at noon (and midnight) of the
 *     session's local time, cut at the learner's early departure;
 *   - distance hours: the active time of their connection sessions (idle
 *     detection and caps of the organisation's time rules, as in the
 *     connection record);
 *   - external hours: the minutes a trainer validated for the run's
 *     external activities (external MOOCs, docs/external.md);
 *   - the first and last evidence of participation, the live sessions
 *     signed, the connection sessions and the assessments submitted.
 * They are frozen in the row and in its ledger entry ("certificate.issued",
 * in the same transaction), so that a certificate always says what was
 * counted the day it was issued.  Revoking appends a correction
 * ("certificate.revoked"); a new one may be issued after.  Each certificate
 * has a random public id: its verification page, /verify/certificates/ID,
 * needs no account.
 */
#ifndef LECTERN_CERTIFICATE_H
#define LECTERN_CERTIFICATE_H

#include "db/db.h"
#include "attendance/facts.h"
#include "evidence/ledger.h"

#define CERT_PUBLIC_ID_LEN 22           /* base64url of 16 random bytes */
#define CERT_EMPLOYER_MAX 200
#define CERT_REASON_MAX 500
#define CERT_LIST_PAGE 100              /* learners per page of a run's list */

/* The figures of a learner in a run, as computed or as issued. */
typedef struct CertFigures {
    int64_t live_minutes, distance_minutes;
    int64_t external_minutes;           /* validated time of the run's external activities */
    int64_t live_sessions, connection_sessions, attempts;
    UsTime first_at, last_at;           /* 0: no evidence of participation */
} CertFigures;

typedef struct Certificate {
    int64_t id, org_id, run_id, user_id, issued_by, ledger_seq, revoked_by, revoke_seq;
    char public_id[CERT_PUBLIC_ID_LEN + 1];
    char *action_type, *employer, *learner_name, *course_title, *run_title, *org_name, *org_slug;
    char *issuer_name;                  /* the administrator who issued it */
    char *revoke_reason;                /* NULL: not revoked */
    CertFigures f;
    UsTime issued_at, revoked_at;       /* revoked_at 0: valid */
} Certificate;

/* A learner of a run and their certificate (id 0: none valid). */
typedef struct CertLearner {
    int64_t user_id;
    char *name, *email;
    Certificate cert;
} CertLearner;
typedef struct CertLearnerList { CertLearner *items; int n; bool more; } CertLearnerList;
typedef struct CertificateList { Certificate *items; int n; } CertificateList;

/* "training", "skills_assessment", "vae", "apprenticeship". */
bool cert_action_type_ok(const char *t);
/* Its English label (an msgid): "Training", "Skills assessment", ... */
const char *cert_action_type_text(const char *t);
/* The i-th type (from 0), NULL past the last: for forms. */
const char *cert_action_type_code(int i);

/* The figures of learner `user_id` in run `run_id` of organisation
 * `org_id` at `now` (records their closed connection sessions first);
 * *name (may be NULL) gets the learner's name.  LN_NOTFOUND when the
 * learner has no enrolment in the run. */
int cert_figures(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t user_id, UsTime now, CertFigures *out,
                 char **name);

/* The live minutes of one session for a learner who signed `am` and/or
 * `pm`, who left at `departed_at` (0: stayed): the rule above, exposed for
 * tests. */
int64_t cert_live_minutes(UsTime starts_at, UsTime ends_at, int64_t utc_offset_min, bool am, bool pm,
                          UsTime departed_at);

typedef struct CertInput {
    int64_t org_id, run_id, user_id, by;
    const char *action_type, *employer;
    const char *base_url;               /* of the links in the learner's e-mail */
    UsTime now;
} CertInput;
/* Issue: computes the figures, writes the row, its ledger entry and an
 * e-mail to the learner (in their language) in one transaction.  LN_OK with *out; LN_NOTFOUND (not enrolled), LN_EEXIST (a
 * valid certificate already), LN_EPERM (no hours to certify yet),
 * LN_EINVAL (bad type or employer); *why says which (an English msgid). */
int cert_issue(Db *db, Arena *a, const CertInput *in, Certificate *out, const char **why);
/* Revoke certificate `public_id` of organisation `org_id` with `reason`
 * (required): the row, a correction of its entry and the learner's e-mail
 * (links under base_url) in one transaction.  LN_NOTFOUND, LN_EEXIST
 * (already revoked), LN_EINVAL; *why. */
int cert_revoke(Db *db, const char *public_id, int64_t org_id, int64_t by, const char *reason, const char *base_url,
                UsTime now, const char **why);

/* Certificate `public_id` (org_id 0: of any organisation); LN_NOTFOUND. */
int cert_load(Db *db, Arena *a, const char *public_id, int64_t org_id, Certificate *out);
/* The valid certificate of learner `user_id` in run `run_id`; LN_NOTFOUND. */
int cert_current(Db *db, Arena *a, int64_t run_id, int64_t user_id, Certificate *out);
/* The run's enrolled learners by name, page `page` (from 0) of
 * CERT_LIST_PAGE, each with their valid certificate if any. */
int cert_run_learners(Db *db, Arena *a, int64_t run_id, int page, CertLearnerList *out);
/* Every certificate of learner `user_id` (revoked ones too), newest first;
 * org_id 0: of every organisation. */
int cert_of_user(Db *db, Arena *a, int64_t user_id, int64_t org_id, CertificateList *out);

/* What the public page checks: the row against its ledger entry (every
 * figure, who, which run), and the entries from it to the checkpoint that
 * vouches for them (ledger_verify_span).  *matches: the row says what its
 * entry says (and a revoked one's correction says so); *span_rc:
 * ledger_verify_span's answer. */
typedef struct CertCheck {
    bool entry_found, matches;
    int span_rc;
    LedgerSpanReport span;
    char entry_hash[65];
} CertCheck;
int cert_check(Db *db, Arena *a, const Certificate *c, CertCheck *out);
/* For `lectern verify`: every certificate of the organisation against its
 * entries (cert_check's comparison, the revocation's too), and as many
 * entries of each kind as rows.  LN_OK, LN_EINVAL naming the first
 * difference (out->table "certificate", bad_id, detail), LN_EDB. */
int cert_facts_verify(Db *db, int64_t org_id, FactsReport *out);
/* "verified", "not_checkpointed", "too_long", "revoked" or "failed". */
const char *cert_verdict(const Certificate *c, const CertCheck *k);

/* Live, distance and external minutes together. */
int64_t cert_total_minutes(const CertFigures *f);
/* "12 h 05 min", "45 min" (the same in English and French). */
char *cert_duration(Arena *a, int64_t minutes);
/* The certificate as a one-page A4 PDF in `lang`, with a QR code of
 * `verify_url`, appended to `out` (certificate_pdf.c); LN_EINVAL when
 * cairo fails. */
int cert_pdf(Arena *a, const Certificate *c, const char *lang, const char *verify_url, Buf *out);

/* BASE/verify/certificates/ID */
char *cert_verify_url(Arena *a, const char *base_url, const char *public_id);

/* ---- all the certificates of a run (certificate_job.c) --------------------
 * One ZIP of the valid certificates' PDFs (certificate-USER-ID.pdf) and a
 * certificates.csv index; with `issue`, a certificate is first issued to
 * every learner of the run who has hours to certify and none yet (each in
 * its own transaction, so a failure half-way loses nothing issued).  The
 * command line makes it at once with progress on the terminal (`lectern
 * certificate zip`); the web queues a job that the tick of `lectern serve`
 * makes (one process at a time, claimed with locked_until), whose
 * done / total learners the page shows. */
#define CERT_BATCH_MAX 10000            /* learners of one run */
#define CERT_JOB_LOCK_MINUTES 30        /* a job is retried when its process vanished */

typedef void (*CertProgress)(void *ctx, const char *verb, int done, int total);
typedef struct CertBatchInput {
    int64_t org_id, run_id;
    bool issue;                         /* issue the missing ones first (administrators) */
    int64_t by;                         /* who issues them */
    const char *action_type;            /* of the ones issued */
    const char *lang, *base_url;        /* of the PDFs and their verification links */
} CertBatchInput;
typedef struct CertBatch { int64_t learners, issued, in_zip, no_hours; } CertBatch;

/* The ZIP at `dest` (through dest.tmp, renamed at the end); fn (may be
 * NULL) after each learner.  LN_NOTFOUND: no such run or no learner;
 * LN_ELIMIT: over CERT_BATCH_MAX; LN_EINVAL: a bad type; LN_EIO, LN_EDB. */
int cert_run_zip(Db *db, const CertBatchInput *in, const char *dest, CertProgress fn, void *ctx, CertBatch *out);

typedef struct CertJob {
    int64_t id, org_id, run_id, created_by, total, done, issued, in_zip, no_hours;
    bool issue;
    char *action_type, *lang, *status;  /* status: queued | running | done | failed */
    UsTime created_at, finished_at;
} CertJob;
/* Queue the ZIP of `in` (base_url unused: the tick's); the same refusals
 * as cert_run_zip, before anything is written. */
int cert_job_create(Db *db, const CertBatchInput *in, int64_t user_id, UsTime now, int64_t *id);
int cert_job_load(Db *db, Arena *a, int64_t org_id, int64_t run_id, int64_t id, CertJob *out);
/* DATA/tmp/certificates-ID.zip, kept a day */
char *cert_job_path(Arena *a, const char *data_dir, int64_t id);
/* For the jobs' tick: make the oldest queued job (one per call); 1 when one
 * was made, 0 when none was due, a negative LN_ code when it failed. */
int cert_jobs_run(Db *db, const char *data_dir, const char *base_url, UsTime now);
void cert_jobs_tick(App *app, Db *db);

#endif
