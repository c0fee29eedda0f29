/* range.h — serving stored files with range and conditional requests
 * (RFC 9110 §13 and §14), so that video seeking, resumed downloads and
 * revalidation work in every browser.
 *
 * The parsers (Range, entity-tag lists, HTTP-dates) and the precondition
 * evaluation are pure functions over strings: unit tests and the libFuzzer
 * target call them directly.  req_send_file() puts them together on a Req.
 */
#ifndef LECTERN_RANGE_H
#define LECTERN_RANGE_H

#include "http/req.h"

/* Most ranges accepted in one Range header; more is refused (the header is
 * ignored and the whole file sent) as a defence against range amplification
 * (RFC 9110 §14.2 lets a server ignore "many small ranges"). */
#define RANGE_MAX 16
/* Multi-range answers are built in memory up to this many bytes of parts;
 * past it the whole file is sent instead (RFC 9110 §14.2 allows ignoring
 * Range). */
#define RANGE_MULTIPART_MAX (INT64_C(1) << 20)

/* One satisfiable byte range, both ends inclusive: 0 <= first <= last < size. */
typedef struct ByteRange {
    int64_t first, last;
} ByteRange;

typedef enum {
    RANGE_IGNORE = 0,       /* absent, not "bytes", malformed or too many: send 200 */
    RANGE_OK,               /* *n >= 1 sorted, non-overlapping, non-adjacent ranges */
    RANGE_UNSATISFIABLE,    /* valid but nothing inside the file: 416 */
} RangeResult;

/* Parse a Range header value against a representation of `size` bytes into
 * out[0..max).  Ranges are clipped to the file, then sorted and coalesced
 * (overlapping or touching ranges merge).  More than `max` range-specs, or a
 * number past INT64_MAX, makes the header ignored.  For an empty file only a
 * suffix range could be satisfied, and what it selects is the (empty) whole
 * file, so that case answers RANGE_IGNORE rather than a range that cannot be
 * written in Content-Range.  Returns a RangeResult; *n is 0 unless RANGE_OK. */
int range_parse(const char *header, int64_t size, ByteRange *out, int max, int *n);

/* Does the If-Match / If-None-Match value `header` ("*" or a list of
 * entity-tags) match our current `etag` (with its quotes, maybe "W/")?
 * weak_ok: weak comparison (If-None-Match); otherwise strong (If-Match),
 * where a weak tag on either side never matches.  "*" matches whenever the
 * file exists, even without an etag.  A malformed list matches nothing. */
bool etag_matches(const char *header, const char *etag, bool weak_ok);

/* HTTP-date (RFC 9110 §5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
 * and for reading also RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and asctime
 * "Sun Nov  6 08:49:37 1994".  Case-sensitive, as the RFC says; the weekday
 * name is checked for form, not against the date. */
bool http_date_parse(const char *s, int64_t *unix_seconds);
/* IMF-fixdate; times outside years 0000..9999 are clamped into them. */
void http_date_format(int64_t unix_seconds, char out[30]);

/* The request's precondition headers, raw (NULL when absent). */
typedef struct Preconditions {
    const char *if_match, *if_none_match;
    const char *if_modified_since, *if_unmodified_since;
    const char *if_range;
} Preconditions;

typedef enum {
    COND_FULL = 0,          /* send 200 with the whole file (ignore any Range) */
    COND_RANGE,             /* send what the Range header asks for */
    COND_NOT_MODIFIED,      /* 304 */
    COND_FAILED,            /* 412 */
} CondResult;

/* Evaluate preconditions in the order of RFC 9110 §13.2.2 for a file whose
 * validators are `etag` (may be NULL) and `mtime_s` (< 0: unknown).
 * has_range: the request carries a Range header.  Range is honoured only for
 * GET, the one method for which RFC 9110 §14.2 defines it. */
CondResult cond_evaluate(const Preconditions *p, Method m, bool has_range,
                         const char *etag, int64_t mtime_s);

/* Answer r with the file open on `fd` (`size` bytes, modified at `mtime_s`).
 * The fd is always consumed: handed to r->file_fd (the server sends it with
 * sendfile and closes it) or closed here.  etag, content_type and
 * disposition may be NULL (the disposition header is built by the caller,
 * see content_disposition()).  Answers 200, 206 (one range from the fd, or
 * several as multipart/byteranges built in r->out), 304, 412 or 416. */
void req_send_file(Req *r, int fd, int64_t size, int64_t mtime_s, const char *etag,
                   const char *content_type, const char *disposition);

/* Open `path` and req_send_file it.  A NULL etag is made from the inode,
 * size and mtime (nanoseconds).  A missing file, or one that is not a regular
 * file, answers 404 and returns LN_NOTFOUND; another open failure answers
 * 500 and returns LN_EIO. */
int req_send_path(Req *r, const char *path, const char *etag, const char *content_type,
                  const char *disposition);

/* A Content-Disposition value, "attachment" or "inline", with the file name
 * as an ASCII fallback filename="..." (quotes, backslashes, '%', '/',
 * controls and non-ASCII replaced by '_') and, when that fallback differs
 * from the name, filename*=UTF-8''... (RFC 6266, RFC 8187).  Control
 * characters are replaced in both forms; a name that is not valid UTF-8
 * gets the fallback only.  NULL or "" filename: the type alone. */
char *content_disposition(Arena *a, bool attachment, const char *filename);

/* Answer 200 with the bytes of `b`, a document made for this request (a
 * PDF, a CSV), as an attachment named `filename`: its type, private and
 * not stored by caches, not sniffed. */
void req_send_download(Req *r, const Buf *b, const char *content_type, const char *filename);

#endif
