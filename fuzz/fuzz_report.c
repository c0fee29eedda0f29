/* fuzz_report.c — report_parse over arbitrary bytes (xapi/report.c): a
 * platform's CSV report of an external activity.
 *
 * It never crashes; a refused file says why; every line is numbered after
 * the header and in order, has an e-mail address (possibly "" when refused)
 * and either an error or values in range: minutes 0..100000 or -1, score
 * 0..1000 or -1, passed -1/0/1, an address with one '@' in lower case. */
#include "xapi/report.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    Report rep;
    int rc = report_parse(a, (const char *)data, size, &rep);
    check(rc == LN_OK || rc == LN_EINVAL || rc == LN_ELIMIT);
    if (rc == LN_EINVAL) check(rep.error != NULL);
    int errors = 0;
    for (int i = 0; rc == LN_OK && i < rep.n; i++) {
        const ReportLine *l = &rep.lines[i];
        check(l->line >= 2 && (i == 0 || l->line > rep.lines[i - 1].line) && l->email != NULL);
        if (l->error) {
            errors++;
            continue;
        }
        const char *at = strchr(l->email, '@');
        check(at && !strchr(at + 1, '@'));
        for (const char *p = l->email; *p; p++) check(!(*p >= 'A' && *p <= 'Z'));
        check(l->minutes >= -1 && l->minutes <= 100000);
        check(l->score_milli >= -1 && l->score_milli <= 1000);
        check(l->passed >= -1 && l->passed <= 1);
        check(l->completed_at >= 0);
    }
    if (rc == LN_OK) check(errors == rep.errors);
    arena_free(a);
    return 0;
}
