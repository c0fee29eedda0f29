/* course_io.h — a course as files: export to, and import from, a directory
 * or a .tar.gz in the format of docs/course-format.md.
 *
 * Export → import → export gives byte-identical files.  An import checks the
 * whole package before it changes anything, then writes the course, its
 * sections, units, tracks and files in one transaction: a malformed package
 * is refused with "path:line: message" and leaves no row behind.
 */
#ifndef LECTERN_COURSE_IO_H
#define LECTERN_COURSE_IO_H

#include "content/content.h"

#define COURSE_IO_MAX_SECTIONS 200
#define COURSE_IO_MAX_UNITS 2000
#define COURSE_IO_MAX_BYTES (INT64_C(4) << 30)     /* every file of a package together */
#define COURSE_IO_TEXT_MAX (INT64_C(64) << 20)     /* course.txt, section and unit files together */
#define COURSE_IO_MAX_ENTRIES 20000                 /* entries of an archive */
#define COURSE_HEADER_FIELDS 32
#define COURSE_HEADER_LINE_MAX 4096

/* ---- the header-file parser (pure: no I/O, no database) ---- */

typedef struct CourseField {
    char *key, *value;      /* value trimmed of spaces and tabs */
    int line;               /* 1-based */
} CourseField;

typedef struct CourseHeader {
    CourseField fields[COURSE_HEADER_FIELDS];
    int n;
    const char *body;       /* into the input, after the first blank line; NULL without one */
    size_t body_len;
    int body_line;          /* the body's first line */
} CourseHeader;

/* Parse "key: value" lines up to the first blank line; the rest is the
 * body, kept byte for byte.  Lines may end in LF or CRLF; a UTF-8 byte
 * order mark and "#" comment lines are skipped.  Keys are [a-z0-9._]
 * and may not repeat.  The whole input must be UTF-8 without NUL.
 * NULL when fine, else an English message and *line where it went wrong. */
const char *course_header_parse(Arena *a, const char *data, size_t len, CourseHeader *out, int *line);
/* NULL when every key is in the NULL-terminated `known`, else a message
 * and the line of the first key that is not. */
const char *course_header_known(Arena *a, const CourseHeader *h, const char *const *known, int *line);
/* The value of `key`, or NULL; *line its line (1 when absent). */
const char *course_header_get(const CourseHeader *h, const char *key, int *line);

/* A name for files and folders: ASCII lower-case [a-z0-9-], at most 40
 * characters, accents folded ("Sécurité au travail" → "securite-au-travail");
 * `fallback` when nothing is left. */
char *course_slug(Arena *a, const char *title, const char *fallback);

/* ---- export and import ---- */

/* Progress of a long operation: `done` of `total` files ("importing",
 * "exporting"), or `done` so far when `total` is 0 ("unpacking"). */
typedef void (*CourseProgress)(void *ctx, const char *verb, int done, int total);

/* Write course `course_id` to `dest`: a new (or empty) directory, or a file
 * whose name ends in .tar.gz or .tgz (one top folder named after the course
 * code; sorted entries, time 0, owner 0, so the same course gives the same
 * bytes).  `app` gives the data directory holding the media.  LN_OK, else an
 * LN_ code and *err (malloc'd, caller frees). */
int course_export(App *app, Db *db, int64_t course_id, const char *dest, char **err);
/* Import the package at `src` (a directory, or a .tar.gz/.tgz unpacked under
 * DATA/tmp and removed afterwards) as a new course of organisation `org_id`,
 * with the code `code_override` when not NULL.  LN_OK and *course_id, else
 * an LN_ code (LN_EINVAL for a malformed package, LN_EEXIST when the code is
 * taken, LN_ELIMIT past a limit) and *err "path:line: message" (malloc'd).
 * Opens and ends its own transaction: do not call it inside one. */
int course_import(App *app, Db *db, int64_t org_id, const char *src, const char *code_override,
                  int64_t *course_id, char **err);

/* The same, calling `fn` (when not NULL) after each file. */
int course_export_progress(App *app, Db *db, int64_t course_id, const char *dest, CourseProgress fn, void *ctx,
                           char **err);
int course_import_progress(App *app, Db *db, int64_t org_id, const char *src, const char *code_override,
                           int64_t *course_id, CourseProgress fn, void *ctx, char **err);

#endif
