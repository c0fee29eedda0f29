/* pdfdoc.h — what the PDFs of attendance have in common (cairo + pango,
 * DejaVu Sans, A4 portrait, drawn into memory): the page geometry and
 * colours, UTF-8 text in a box (wrapped, ellipsized), lines, dates in the
 * reader's language and the footer "generated on … · organisation · page
 * N / M".  Used by the attendance sheet (pdf.c) and the connection record
 * (record_pdf.c). */
#ifndef LECTERN_PDFDOC_H
#define LECTERN_PDFDOC_H

#include "core/core.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>

/* ---- page geometry (points; A4 portrait) --------------------------------- */
#define PW 595.276
#define PH 841.89
#define MARGIN 34.0
#define CW (PW - 2 * MARGIN)
#define FOOT 30.0               /* footer band above the bottom margin */
#define PDF_FONT "DejaVu Sans"

#define INK 0.067, 0.094, 0.153         /* #111827 */
#define MUTED 0.38, 0.42, 0.48
#define RULE 0.62, 0.66, 0.72
#define SHADE 0.933, 0.945, 0.961
#define ACCENT 0.122, 0.165, 0.267      /* #1f2a44 */
#define PEN 0.07, 0.12, 0.35            /* signatures: dark blue ink */
#define ABSENT 0.70, 0.11, 0.11

typedef struct PdfDoc {
    Arena *a;
    const char *lang;                   /* T(doc, "...") works: the reader's language */
    cairo_surface_t *surf;
    cairo_t *cr;
    PangoLayout *ly;
} PdfDoc;

/* A PDF written to `out` as it is drawn, with its metadata.  d->a and
 * d->lang must be set.  LN_EINVAL when cairo fails. */
int pdf_begin(PdfDoc *d, Buf *out, const char *title, const char *author);
/* The same written to the open file `f` as it is drawn (long documents). */
int pdf_begin_file(PdfDoc *d, FILE *f, const char *title, const char *author);
/* Finish the document: LN_OK, or LN_EINVAL when cairo failed. */
int pdf_end(PdfDoc *d);

/* `s` as valid UTF-8 (invalid bytes replaced), never NULL. */
const char *pdf_utf8(PdfDoc *d, const char *s);
/* Draw `s` at (x, y) in a box `w` wide, at most `lines` lines (ellipsized
 * after); returns the height used. */
double pdf_text(PdfDoc *d, const char *s, double size, bool bold, bool italic, double x, double y, double w, int lines,
                PangoAlignment align);
/* Height `s` would take (same settings as pdf_text()). */
double pdf_text_height(PdfDoc *d, const char *s, double size, bool bold, double w, int lines);
void pdf_color(PdfDoc *d, double r, double g, double b);
void pdf_hline(PdfDoc *d, double x0, double x1, double y, double width);
/* "28/11/2026" (fr) or "2026-11-28" (en) of `t` at `offset_min`. */
const char *pdf_date(PdfDoc *d, UsTime t, int64_t offset_min);
/* The footer of page `page` (0-based) of `npages`. */
void pdf_footer(PdfDoc *d, UsTime now, const char *org_name, int page, int npages);
/* "QR code", "personal link", "kiosk" in the reader's language. */
const char *pdf_method_label(PdfDoc *d, const char *method);
/* Signature strokes ([[[x, y, t], ...], ...]) fitted into (x, y, w, h),
 * proportions kept, in pen ink; nothing when they cannot be read. */
void pdf_strokes(PdfDoc *d, const char *strokes, double x, double y, double w, double h);
/* A QR code of `url` (libqrencode) as a size × size square, also a link. */
void pdf_qr(PdfDoc *d, const char *url, double x, double y, double size);

#endif
