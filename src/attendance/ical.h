/* ical.h — iCalendar (RFC 5545) files into live sessions (docs/attendance.md,
 * "Import from a calendar").  ical.c is the parser (no database: fuzzed by
 * fuzz/fuzz_ical.c); ical_import.c maps the occurrences to sessions of a run.
 *
 * Read: VCALENDAR with VEVENTs (VALARM, VTODO and others skipped) and their
 * SUMMARY, DESCRIPTION, LOCATION, URL, UID, STATUS, DTSTART, DTEND or
 * DURATION, RRULE (FREQ=DAILY|WEEKLY, INTERVAL, COUNT or UNTIL, BYDAY),
 * EXDATE, RECURRENCE-ID (a moved or cancelled occurrence), ORGANIZER and
 * ATTENDEE (mailto:), and the meeting links X-GOOGLE-CONFERENCE and
 * X-MICROSOFT-SKYPETEAMSMEETINGURL / -ONLINEMEETINGCONFLINK (when no URL).  Lines are unfolded; text is unescaped (\\ \; \, \n).
 *
 * Times: UTC ("...Z"), floating (read in the import's zone), or TZID=NAME,
 * resolved by the system's time-zone database (/usr/share/zoneinfo, read
 * directly: no TZ environment variable, so it is thread-safe) when NAME is
 * an IANA zone, else by the file's VTIMEZONE (its latest STANDARD and
 * DAYLIGHT parts with yearly BYMONTH/BYDAY rules, as Outlook writes them).
 * All-day events are refused (a session has a start and an end time).
 */
#ifndef LECTERN_ICAL_H
#define LECTERN_ICAL_H

#include "core/core.h"

#define ICAL_OCCURRENCES_MAX 2000      /* sessions from one file */
#define ICAL_ERRORS_MAX 50
#define ICAL_BYTES_MAX (4 * 1024 * 1024)

typedef struct IcalError {
    int line;                           /* 1-based physical line */
    const char *message;                /* an English msgid */
    const char *detail;                 /* the text at fault (may be NULL) */
} IcalError;

typedef struct IcalOccurrence {
    int line;                           /* the VEVENT's BEGIN line */
    char *uid;
    char *recurrence;                   /* "" for a single event, else the occurrence's original start, "20260302T080000Z" */
    char *title, *description, *location, *url;
    UsTime starts_at, ends_at;
    int64_t utc_offset_min;             /* local time at the start */
    char **emails;                      /* ORGANIZER and ATTENDEE mailto:, lower case */
    int n_emails;
} IcalOccurrence;

typedef struct IcalCalendar {
    IcalOccurrence *items;              /* by start time */
    int n;
    IcalError *errors;
    int n_errors;
} IcalCalendar;

typedef struct IcalOptions {
    const char *zone;                   /* IANA zone for floating times and offsets of UTC times; NULL: none */
    int64_t default_offset_min;         /* when there is no zone at all */
} IcalOptions;

/* Parse and expand `text`.  LN_OK with out->errors possibly set (then the
 * file must not be imported); LN_EINVAL when it is not UTF-8 text or not
 * an iCalendar file at all (one error says why); LN_ELIMIT over
 * ICAL_BYTES_MAX or ICAL_OCCURRENCES_MAX occurrences. */
int ical_parse(Arena *a, const char *text, size_t len, const IcalOptions *opt, IcalCalendar *out);

/* Errors by line. */
void ical_sort_errors(IcalCalendar *cal);

/* ---- time zones (exposed for tests) --------------------------------------- */
/* Is `name` a well-formed zone name ("Europe/Paris", "UTC"; no "..")? */
bool ical_zone_name_ok(const char *name);
/* Offset east of UTC, in seconds, of IANA zone `name` at unix time `t`
 * (read from the system's time-zone database).  False when unknown. */
bool ical_zone_offset(const char *name, int64_t t, int *offset);

#endif
