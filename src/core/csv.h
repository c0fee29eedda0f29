/* csv.h — CSV records (RFC 4180: quoted fields, doubled quotes, CRLF or LF
 * line ends): read for the bulk imports, written for the exports. */
#ifndef LECTERN_CSV_H
#define LECTERN_CSV_H

#include "core/core.h"

#define CSV_FIELD_MAX 4096

/* Read one record from *p (advanced past it).  Up to max_fields fields are
 * stored, trimmed, as arena copies; the return value is the number of fields
 * in the record (0 at the end of input).  *bad is set when the record is
 * malformed (unterminated quotes, text after a closing quote, a field over
 * CSV_FIELD_MAX bytes). */
int csv_record(Arena *a, const char **p, const char *end, char **fields, int max_fields, bool *bad);

/* Append one record to `out`: fields quoted when they hold a comma, a quote
 * or a line break; a field that a spreadsheet would read as a formula
 * (starting with =, +, -, @, tab or CR) gets a leading apostrophe (CSV
 * injection); lines end with CRLF. */
void csv_row(Buf *out, const char *const *fields, int n);

#endif
