/* pack.h — the audit pack of one learner in one course run, or in every
 * run of a programme they were enrolled in
 * (docs/evidence.md "Audit packs"; ../shared/EVIDENCE.md: "one audit pack
 * per learner and programme, verifiable offline, organised by the three
 * D6313-3-1 pillars").  A ZIP:
 *
 *   README.txt     what is in it, by pillar, and how to check it
 *   evidence.json  the learner's ledger entries in this run, in full, and
 *                  the chain from the first of them to the signed
 *                  checkpoint that vouches for them: every other entry by
 *                  its digest only (format 2), so nobody else's data is in
 *                  the pack; the checkpoint, its signature and public key
 *   verify.py      recomputes the chain and checks the signature (Python 3;
 *                  the signature with `cryptography` or the openssl command)
 *   course.json    the course, its objectives and each unit's estimated time
 *                  (courses.json and programme.json for a programme: its
 *                  objectives, assistance, response time)
 *   connection-record.pdf   the learner's connection sessions and time
 *                  (every run of the programme, one after the other)
 *   certificate.pdf         the valid certificate, when there is one
 *                  (certificate-run-ID.pdf for each run of a programme)
 *   external.json  the external activities: the records, validations and
 *                  certificates sent; external/ the files the learner sent
 *   xapi-statements.json  the learner's statements as stored (verify.py
 *                  checks each against its ledger entry)
 *
 * The learner's entries are those whose subject names the learner and one
 * of the runs (or whose payload names it), and the entries of the xAPI
 * statements the LRS attributed to the learner (by address) whose object
 * is one of the runs' external activities.
 * When no checkpoint covers the ledger's head yet, one is made first.  The
 * span is checked before it is written: a ledger that does not verify gives
 * no pack. */
#ifndef LECTERN_PACK_H
#define LECTERN_PACK_H

#include "db/db.h"

typedef struct App App;

#define PACK_SPAN_MAX 500000        /* entries from the learner's first to the checkpoint */

typedef struct PackInput {
    int64_t org_id, run_id, user_id;
    int64_t programme_id;           /* when not 0: the learner's runs of the programme (run_id unused) */
    const char *org_slug, *org_name;
    const char *lang;               /* of README.txt and the PDFs */
    UsTime now;
} PackInput;

typedef struct PackSummary {
    int64_t entries;                /* the learner's, in full */
    int64_t chain;                  /* entries of the span */
    int64_t others_in_full;         /* other entries given in full: of format 1, which needs their bytes */
    int64_t checkpoint_seq;
    int documents;                  /* files besides README, evidence.json and verify.py */
} PackSummary;

/* Write the pack to `path` (a new file).  LN_OK; LN_NOTFOUND (*why) when
 * the learner was never enrolled in the run (or in any run of the
 * programme, or the programme is not the organisation's); LN_EINVAL (*why) when the
 * ledger does not verify; LN_ELIMIT (*why) when the span is longer than
 * PACK_SPAN_MAX; LN_EIO, LN_EDB.  *why is an English msgid. */
int audit_pack_write(Db *db, App *app, const PackInput *in, const char *path, PackSummary *out, const char **why);

#endif
