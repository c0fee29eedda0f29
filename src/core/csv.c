/* csv.c — one CSV record at a time. */
#include "core/csv.h"
#include <string.h>

int csv_record(Arena *a, const char **p, const char *end, char **fields, int max_fields, bool *bad)
{
    if (*p >= end) return 0;
    int n = 0;
    Buf f;
    buf_init(&f, CSV_FIELD_MAX);
    const char *s = *p;
    for (;;) {
        buf_reset(&f);
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                if (s >= end) { *bad = true; break; }
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') { buf_putc(&f, '"'); s += 2; continue; }
                    s++;
                    break;
                }
                buf_putc(&f, *s++);
            }
            while (s < end && *s != ',' && *s != '\n' && *s != '\r') { *bad = true; s++; }
        } else {
            while (s < end && *s != ',' && *s != '\n' && *s != '\r') buf_putc(&f, *s++);
        }
        if (f.over) *bad = true;
        if (n < max_fields) fields[n] = str_trim(a, buf_cstr(&f));
        n++;
        if (s < end && *s == ',') { s++; continue; }
        break;
    }
    if (s < end && *s == '\r') s++;
    if (s < end && *s == '\n') s++;
    *p = s;
    buf_free(&f);
    return n;
}


void csv_row(Buf *out, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++) {
        const char *f = fields[i] ? fields[i] : "";
        bool formula = strchr("=+-@\t\r", f[0]) && f[0];
        bool quote = formula || strpbrk(f, ",\"\r\n") != NULL;
        if (i) buf_append(out, ",", 1);
        if (quote) buf_append(out, "\"", 1);
        if (formula) buf_append(out, "'", 1);
        for (const char *p = f; *p; p++) {
            if (*p == '"') buf_append(out, "\"", 1);
            buf_append(out, p, 1);
        }
        if (quote) buf_append(out, "\"", 1);
    }
    buf_append(out, "\r\n", 2);
}
