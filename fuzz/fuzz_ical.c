/* fuzz_ical.c — ical_parse over arbitrary bytes (attendance/ical.c): lines,
 * components, zones (the system's files and the input's VTIMEZONEs), repeats.
 *
 * It never crashes or loops; a refusal has at least one error with a line in
 * the input; errors have a line and a message; an accepted file's occurrences
 * are sorted, end after they start, have a UID and valid UTF-8 texts, and are
 * within the limit. */
#include "attendance/ical.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) abort();
}

static void check_text(const char *s)
{
    check(s != NULL && utf8_valid(s, strlen(s)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    IcalOptions opt = {.zone = size % 2 ? "Europe/Paris" : NULL, .default_offset_min = 60};
    IcalCalendar cal;
    int rc = ical_parse(a, (const char *)data, size, &opt, &cal);
    int lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    check(rc == LN_OK || rc == LN_EINVAL || rc == LN_ELIMIT);
    if (rc == LN_EINVAL) check(cal.n_errors > 0);
    check(cal.n_errors <= ICAL_ERRORS_MAX);
    for (int i = 0; i < cal.n_errors; i++) {
        check(cal.errors[i].line >= 1 && cal.errors[i].line <= lines && cal.errors[i].message != NULL);
        if (cal.errors[i].detail) check_text(cal.errors[i].detail);
        if (i) check(cal.errors[i].line >= cal.errors[i - 1].line);
    }
    if (rc == LN_OK) {
        check(cal.n <= ICAL_OCCURRENCES_MAX);
        for (int i = 0; i < cal.n; i++) {
            const IcalOccurrence *o = &cal.items[i];
            check(o->ends_at > o->starts_at && o->uid && *o->uid && o->line >= 1 && o->line <= lines);
            check_text(o->title);
            check_text(o->description);
            check_text(o->location);
            check_text(o->url);
            check_text(o->recurrence);
            if (i) check(o->starts_at >= cal.items[i - 1].starts_at);
        }
    }
    arena_free(a);
    return 0;
}
