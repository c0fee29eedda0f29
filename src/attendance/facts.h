/* facts.h — the attendance facts against their ledger entries, for
 * `lectern verify` (docs/evidence.md "What verify checks"): the chain proves
 * the entries were not changed; this proves the rows the sheets are drawn
 * from still say what their entries say. */
#ifndef LECTERN_FACTS_H
#define LECTERN_FACTS_H

#include "db/db.h"

typedef struct FactsReport {
    int64_t checked;            /* rows compared (signatures and departures) */
    const char *table;          /* the first bad row's table ("signature", "departure"), NULL when ok */
    int64_t bad_id;             /* its id */
    char detail[240];           /* one English sentence, "" when ok */
} FactsReport;

/* Every signature and departure row of the organisation against its
 * ledger entry (who, when, which image), and no entry without its row.
 * LN_OK, LN_EINVAL naming the first difference, LN_EDB. */
int attendance_facts_verify(Db *db, int64_t org_id, FactsReport *out);

#endif
