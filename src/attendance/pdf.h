/* pdf.h — the attendance sheet of a live session as a PDF (cairo + pango,
 * DejaVu Sans, A4 portrait; docs/attendance.md "The attendance sheet").
 *
 * One page header (organisation, course, run, session, date and time with
 * its UTC offset, place or link, trainers, a QR code of `verify_url`), a
 * table of the expected learners × the session's half-days with each
 * signature drawn from its stored vector strokes (never from SVG), its time
 * and method, or "absent"; the trainers' signatures; a footer with
 * "page N / M" and the generation time.  Rows are laid out into pages
 * first (so M is known), then drawn; the table header repeats on every page.
 */
#ifndef LECTERN_ATTENDANCE_PDF_H
#define LECTERN_ATTENDANCE_PDF_H

#include "attendance/attendance.h"

/* The sheet of session `session_id` of organisation `org_id` appended to
 * `out`, in English.  LN_OK; LN_NOTFOUND (no such session in the
 * organisation); LN_EDB; LN_EINVAL when cairo fails. */
int attendance_sheet_pdf(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url, Buf *out);
/* The same in `lang` ("en", "fr"; the request's language). */
int attendance_sheet_pdf_lang(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url,
                              const char *lang, Buf *out);
/* The same sheet drawn on the next pages of a document begun by the caller
 * (pdfdoc.h; in doc->lang): several sheets in one PDF.  Its pages are
 * numbered within the sheet. */
struct PdfDoc;
int attendance_sheet_draw(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url,
                          const struct PdfDoc *doc);

#endif
