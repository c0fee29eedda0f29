/* cert_cairo.c — the ceiling of `make bench` part "certificate" (built by
 * bench/run.sh): a bare cairo + pango program drawing the page lectern's
 * src/certificate/certificate_pdf.c draws for the demo's certificate
 * (Élodie, Workplace safety essentials) — A4, DejaVu Sans, the band, the
 * title, nine label/value lines, the rule, the explanation, the issue block
 * and the QR code (libqrencode, module by module, also a link), the footer
 * — into a PDF in memory, with the same strings and geometry but no
 * database, no JSON and no translation.  What differs from one run to the
 * next (the dates, the entry's number, the address) comes from the command
 * line, so that the text of both PDFs can be compared.
 *
 *   cert_cairo SECONDS OUT.pdf URL DATES ISSUED LEDGER_LINE GENERATED
 *       Draws certificates one after the other, one thread, for about
 *       SECONDS.  Prints "certs N seconds S certs_per_s R bytes B
 *       cpu_ms_per_cert C"; OUT.pdf gets the last one.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PW 595.276
#define PH 841.89
#define MARGIN 34.0
#define CW (PW - 2 * MARGIN)
#define LABEL_W (CW * 0.34)

typedef struct Out { unsigned char *p; size_t n, cap; } Out;
static const char *url, *dates, *issued, *ledger_line, *generated;

static cairo_status_t grow(void *c, const unsigned char *d, unsigned int n)
{
    Out *o = c;
    if (o->n + n > o->cap) {
        o->cap = (o->n + n) * 2;
        o->p = realloc(o->p, o->cap);
        if (!o->p) return CAIRO_STATUS_NO_MEMORY;
    }
    memcpy(o->p + o->n, d, n);
    o->n += n;
    return CAIRO_STATUS_SUCCESS;
}

static double text(cairo_t *cr, PangoLayout *ly, const char *s, double size, int bold, int italic, double x, double y,
                   double w, int lines)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, "DejaVu Sans");
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(ly, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(ly, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(ly, PANGO_ELLIPSIZE_END);
    pango_layout_set_height(ly, -lines);
    pango_layout_set_text(ly, s, -1);
    pango_layout_set_alignment(ly, PANGO_ALIGN_LEFT);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, ly);
    int pw, ph;
    pango_layout_get_size(ly, &pw, &ph);
    return (double)ph / PANGO_SCALE;
}

static double field(cairo_t *cr, PangoLayout *ly, double y, const char *label, const char *value, int strong)
{
    cairo_set_source_rgb(cr, 0.38, 0.42, 0.48);
    text(cr, ly, label, 9.5, 0, 0, MARGIN, y, LABEL_W - 8, 2);
    cairo_set_source_rgb(cr, 0.067, 0.094, 0.153);
    double h = text(cr, ly, value, strong ? 12 : 10.5, strong, 0, MARGIN + LABEL_W, y - (strong ? 1.5 : 0), CW - LABEL_W, 3);
    return y + (h > 14 ? h : 14) + 8;
}

static void hline(cairo_t *cr, double y)
{
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN, y);
    cairo_line_to(cr, MARGIN + CW, y);
    cairo_stroke(cr);
}

static void draw(Out *o)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(grow, o, PW, PH);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Certificate of completion");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, "Lectern Academy");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Lectern");
    cairo_t *cr = cairo_create(s);
    PangoLayout *ly = pango_cairo_create_layout(cr);
    double y = MARGIN;
    cairo_set_source_rgb(cr, 0.122, 0.165, 0.267);
    cairo_rectangle(cr, MARGIN, y, CW, 3);
    cairo_fill(cr);
    y += 22;
    text(cr, ly, "Lectern Academy", 11, 1, 0, MARGIN, y, CW, 1);
    y += 30;
    cairo_set_source_rgb(cr, 0.067, 0.094, 0.153);
    y += text(cr, ly, "Certificate of completion", 22, 1, 0, MARGIN, y, CW, 1) + 6;
    cairo_set_source_rgb(cr, 0.38, 0.42, 0.48);
    y += text(cr, ly, "The training provider named above certifies that the learner below took part in the action below, "
                      "for the time shown, as recorded in its evidence ledger.", 9.5, 0, 0, MARGIN, y, CW, 3) + 18;
    y = field(cr, ly, y, "Learner", "Élodie Learner", 1);
    y = field(cr, ly, y, "Employer", "Acme", 0);
    y = field(cr, ly, y, "Action", "Workplace safety essentials — Open session 2027", 1);
    y = field(cr, ly, y, "Type of action", "Training", 0);
    y = field(cr, ly, y, "Dates", dates, 0);
    y = field(cr, ly, y, "Hours completed", "21 min", 1);
    cairo_set_source_rgb(cr, 0.62, 0.66, 0.72);
    hline(cr, y);
    y += 14;
    cairo_set_source_rgb(cr, 0.067, 0.094, 0.153);
    y += text(cr, ly, "How the hours were counted", 11, 1, 0, MARGIN, y, CW, 1) + 8;
    y = field(cr, ly, y, "Live sessions", "0 min · 0 sessions signed", 0);
    y = field(cr, ly, y, "Distance learning", "21 min · 2 connection sessions", 0);
    y = field(cr, ly, y, "Assessments submitted", "0", 0);
    cairo_set_source_rgb(cr, 0.38, 0.42, 0.48);
    y += text(cr, ly, "Live sessions: each half-day the learner signed, from the session's start to its end, split at noon, "
                      "until an early departure. Distance learning: active time measured in the course, idle time and "
                      "over-long sessions left out. Dates: the first and last evidence of participation (UTC).",
              8.5, 0, 1, MARGIN, y, CW, 5) + 24;
    double qr = 92, ty = y;
    cairo_set_source_rgb(cr, 0.067, 0.094, 0.153);
    ty += text(cr, ly, issued, 10, 1, 0, MARGIN, ty, CW - qr - 16, 2) + 2;
    ty += text(cr, ly, "Issued by Amélie Administratrice", 9.5, 0, 0, MARGIN, ty, CW - qr - 16, 1) + 6;
    cairo_set_source_rgb(cr, 0.38, 0.42, 0.48);
    ty += text(cr, ly, ledger_line, 8.5, 0, 0, MARGIN, ty, CW - qr - 16, 4) + 4;
    cairo_set_source_rgb(cr, 0.122, 0.165, 0.267);
    text(cr, ly, url, 8, 0, 0, MARGIN, ty, CW - qr - 16, 2);
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (q) {
        int n = q->width;
        double m = qr / (n + 2), x = MARGIN + CW - qr, qy = y - 4;
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (q->data[r * n + c] & 1) cairo_rectangle(cr, x + (c + 1) * m, qy + (r + 1) * m, m, m);
        cairo_fill(cr);
        QRcode_free(q);
        char link[512];
        snprintf(link, sizeof link, "rect=[%.1f %.1f %.1f %.1f] uri='%s'", x, qy, qr, qr, url);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, link);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
    double fy = PH - MARGIN - 14;
    cairo_set_source_rgb(cr, 0.62, 0.66, 0.72);
    hline(cr, fy - 6);
    cairo_set_source_rgb(cr, 0.38, 0.42, 0.48);
    text(cr, ly, generated, 7.5, 0, 0, MARGIN, fy, CW * 0.75, 1);
    pango_layout_set_alignment(ly, PANGO_ALIGN_RIGHT);
    text(cr, ly, "Page 1 / 1", 7.5, 0, 0, MARGIN + CW * 0.75, fy, CW * 0.25, 1);
    g_object_unref(ly);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
}

static double now_s(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: cert_cairo SECONDS OUT.pdf URL DATES ISSUED LEDGER_LINE GENERATED\n");
        return 2;
    }
    double secs = atof(argv[1]);
    url = argv[3];
    dates = argv[4];
    issued = argv[5];
    ledger_line = argv[6];
    generated = argv[7];
    Out o = {0};
    long n = 0;
    double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), t1;
    do {
        o.n = 0;
        draw(&o);
        n++;
        t1 = now_s(CLOCK_MONOTONIC);
    } while (t1 - t0 < secs);
    double cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    FILE *f = fopen(argv[2], "wb");
    if (f) {
        fwrite(o.p, 1, o.n, f);
        fclose(f);
    }
    printf("certs %ld seconds %.3f certs_per_s %.1f bytes %zu cpu_ms_per_cert %.2f\n", n, t1 - t0, n / (t1 - t0), o.n,
           cpu * 1000 / n);
    free(o.p);
    return 0;
}
