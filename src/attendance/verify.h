/* verify.h — what the public verification of an attendance sheet checks
 * (docs/attendance.md "Verifying a printed sheet"): the session's
 * signatures and departures against their ledger entries (who, when, which
 * image; no entry without its row), and those entries chained up to a
 * checkpoint signed with the organisation's key.  Pages: verify_page.c. */
#ifndef LECTERN_ATTENDANCE_VERIFY_H
#define LECTERN_ATTENDANCE_VERIFY_H

#include "attendance/attendance.h"
#include "evidence/ledger.h"

typedef struct VEntry { int64_t seq; UsTime at; char *kind, *hash, *payload; } VEntry;

typedef struct Verification {
    LiveSession s;
    int64_t expected, learners_signed, trainer_signatures, absences;
    VEntry *entries;
    int n;
    int64_t facts_differ;               /* signatures whose row differs from its entry, or without one */
    int64_t first_differ;               /* the first such signature's id */
    LedgerSpanReport span;
    int span_rc;                        /* ledger_verify_span's answer; LN_NOTFOUND: no entry */
} Verification;

/* Session `id` checked, with its counts; false when there is no such session. */
bool attendance_verify_session(Db *db, Arena *a, int64_t id, Verification *v);
/* "verified", "not_checkpointed", "too_long", "no_entries" or "failed". */
const char *attendance_verdict(const Verification *v);

#endif
