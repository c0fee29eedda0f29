/* report.h — a platform's report of an external activity, imported as CSV
 * (docs/external.md, "Importing the platform's report").  Many MOOC
 * platforms send no xAPI but export a report: one line per learner with
 * their time, completion and grade.  Each line becomes one xAPI statement
 * about the activity, stored through the LRS like any other (with its
 * ledger entry), so the learners' records, verdicts and validations read
 * reports and statements alike.
 *
 * The file: a header line naming the columns (any order, any case; other
 * columns are ignored), then one line per learner:
 *   email         required; the learner's address
 *   minutes       total time spent, whole minutes (aliases: time_minutes,
 *                 time spent)
 *   completed_at  the completion date ("2026-11-20") or date-time with a
 *                 zone; empty: not completed (aliases: completed,
 *                 completion_date)
 *   score         the grade in percent, 0 to 100, decimals allowed
 *                 (alias: grade)
 *   passed        yes/no, true/false, 1/0, pass/fail (alias: success)
 * A line's statement: verb "completed" (or "passed"/"failed" when the
 * report says so) when it has a completion date, else "progressed"; the
 * minutes as result.duration, a total; the score as result.score.scaled.
 * Its id is derived from the activity and the line's values, so importing
 * the same report again stores nothing twice, and a later report with new
 * figures adds its lines. */
#ifndef LECTERN_XAPI_REPORT_H
#define LECTERN_XAPI_REPORT_H

#include "xapi/external.h"
#include "xapi/lrs.h"

#define REPORT_LINES_MAX 10000

typedef struct ReportLine {
    int line;                       /* in the file, from 1 (the header) */
    const char *email;              /* lower case */
    int64_t minutes;                /* -1: not given */
    UsTime completed_at;            /* 0: not completed */
    int64_t score_milli;            /* percent × 10 (0..1000); -1: not given */
    int passed;                     /* 1, 0; -1: not given */
    const char *error;              /* an English msgid when the line is refused */
} ReportLine;

typedef struct Report {
    ReportLine *lines;
    int n, errors;
    const char *error;              /* the whole file refused (no header, no email column ...) */
} Report;

/* Parse `len` bytes of CSV.  LN_OK (lines with an error each carry it;
 * out->errors counts them), LN_EINVAL with out->error for a file that
 * cannot be read at all, LN_ELIMIT beyond REPORT_LINES_MAX lines. */
int report_parse(Arena *a, const char *csv, size_t len, Report *out);

/* What importing did, or would do (apply false), line by line. */
typedef enum { REPORT_STORE, REPORT_ALREADY, REPORT_NOT_LEARNER, REPORT_ERROR } ReportAction;
typedef struct ReportResult {
    ReportAction *actions;          /* one per line of the report */
    char **names;                   /* the learner's name, or NULL */
    int stored, already, not_learners, errors;
} ReportResult;

/* Import the report's lines about the run's active learners as statements
 * of activity `act`, sent by `s` (the importing trainer).  Nothing is
 * stored when a line has an error or when apply is false.  LN_OK, LN_EDB. */
int report_import(Db *db, Arena *a, const ExtActivity *act, const LrsSender *s, const Report *rep, bool apply,
                  UsTime now, ReportResult *out);

#endif
