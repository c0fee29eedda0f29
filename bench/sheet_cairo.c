/* sheet_cairo.c — the ceiling of `make bench` part "sheetpdf" (built by
 * bench/run.sh): a bare cairo + pango program drawing the page lectern's
 * src/attendance/pdf.c draws for the session `lectern bench-attendance-seed`
 * makes — A4, DejaVu Sans, the title band, six detail lines, the QR code
 * (libqrencode, module by module), the "signed" count, a table of 30
 * learners (name, the signature's strokes as cairo lines fitted in the cell,
 * time and method under it) over three pages, the trainer's block and a
 * footer per page — into a PDF in memory, with the same strings, the same
 * strokes and the same geometry, but no database, no JSON and no
 * translation: fixed data in arrays.
 *
 *   sheet_cairo SECONDS [OUT.pdf]
 *       Draws sheets one after the other, one thread, for about SECONDS.
 *       Prints "sheets N seconds S sheets_per_s R bytes B cpu_ms_per_sheet C"
 *       (C: the process's CPU time per sheet); OUT.pdf gets the
 *       last one (to compare with lectern's by eye).
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
#define FOOT 30.0
#define FIRST_HEAD 196.0
#define NEXT_HEAD 44.0
#define HEAD_ROW 22.0
#define ROW 42.0
#define META_H 12.0
#define QR_SIZE 84.0
#define NAME_W 215.0
#define N 30
#define NPTS 40

#define INK 0.067, 0.094, 0.153
#define MUTED 0.38, 0.42, 0.48
#define RULE 0.62, 0.66, 0.72
#define SHADE 0.933, 0.945, 0.961
#define ACCENT 0.122, 0.165, 0.267
#define PEN 0.07, 0.12, 0.35

typedef struct Person { char name[96], meta[96]; double pts[3][NPTS][2]; } Person;
static Person people[N + 1];    /* the learners by name, then the trainer */

typedef struct Out { unsigned char *data; size_t len, cap; } Out;
static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    Out *o = closure;
    if (o->len + len > o->cap) {
        o->cap = (o->len + len) * 2;
        o->data = realloc(o->data, o->cap);
    }
    memcpy(o->data + o->len, data, len);
    o->len += len;
    return CAIRO_STATUS_SUCCESS;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double text(cairo_t *cr, PangoLayout *ly, const char *s, double size, int bold, int italic, double x, double y,
                   double w, int lines, PangoAlignment align)
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
    pango_layout_set_alignment(ly, align);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, ly);
    int pw, ph;
    pango_layout_get_size(ly, &pw, &ph);
    return (double)ph / PANGO_SCALE;
}

static void strokes(cairo_t *cr, const Person *p, double x, double y, double w, double h)
{
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < NPTS; k++) {
            double px = p->pts[s][k][0], py = p->pts[s][k][1];
            if (px < x0) x0 = px;
            if (px > x1) x1 = px;
            if (py < y0) y0 = py;
            if (py > y1) y1 = py;
        }
    double bw = x1 - x0 < 20 ? 20 : x1 - x0, bh = y1 - y0 < 10 ? 10 : y1 - y0;
    double sc = w / bw < h / bh ? w / bw : h / bh, cap = (w / 600 < h / 200 ? w / 600 : h / 200) * 3;
    if (sc > cap) sc = cap;
    double ox = x + (w - (x1 - x0) * sc) / 2 - x0 * sc, oy = y + (h - (y1 - y0) * sc) / 2 - y0 * sc;
    cairo_save(cr);
    cairo_set_source_rgb(cr, PEN);
    cairo_set_line_width(cr, 1.0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (int s = 0; s < 3; s++) {
        for (int k = 0; k < NPTS; k++) {
            double px = ox + p->pts[s][k][0] * sc, py = oy + p->pts[s][k][1] * sc;
            if (k == 0) cairo_move_to(cr, px, py);
            else cairo_line_to(cr, px, py);
        }
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

static void table_head(cairo_t *cr, PangoLayout *ly, double y, const char *first)
{
    cairo_set_source_rgb(cr, SHADE);
    cairo_rectangle(cr, MARGIN, y, CW, HEAD_ROW);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, INK);
    text(cr, ly, first, 8.5, 1, 0, MARGIN + 6, y + 6, NAME_W - 12, 1, PANGO_ALIGN_LEFT);
    text(cr, ly, "Morning — signature", 8.5, 1, 0, MARGIN + NAME_W + 6, y + 6, CW - NAME_W - 12, 1, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, RULE);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, MARGIN, y, CW, HEAD_ROW);
    cairo_stroke(cr);
}

static void row(cairo_t *cr, PangoLayout *ly, double y, const Person *p)
{
    double cw = CW - NAME_W, cx = MARGIN + NAME_W;
    cairo_set_source_rgb(cr, INK);
    /* the height first, as lectern does, to centre the name */
    double nh = text(cr, ly, p->name, 9, 1, 0, -1000, -1000, NAME_W - 12, 2, PANGO_ALIGN_LEFT);
    text(cr, ly, p->name, 9, 1, 0, MARGIN + 6, y + (ROW - nh) / 2, NAME_W - 12, 2, PANGO_ALIGN_LEFT);
    strokes(cr, p, cx + 10, y + 4, cw - 20, ROW - META_H - 8);
    cairo_set_source_rgb(cr, MUTED);
    text(cr, ly, p->meta, 6.5, 0, 0, cx + 4, y + ROW - META_H, cw - 8, 1, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, RULE);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, MARGIN, y, CW, ROW);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, y);
    cairo_line_to(cr, cx, y + ROW);
    cairo_stroke(cr);
}

static void footer(cairo_t *cr, PangoLayout *ly, int page, int npages)
{
    double y = PH - MARGIN - 14;
    char b[64];
    cairo_set_source_rgb(cr, RULE);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN, y - 6);
    cairo_line_to(cr, MARGIN + CW, y - 6);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, MUTED);
    text(cr, ly, "Generated on 2026-11-29 00:27 UTC · Bench Attendance", 7.5, 0, 0, MARGIN, y, CW * 0.75, 1, PANGO_ALIGN_LEFT);
    snprintf(b, sizeof b, "Page %d / %d", page + 1, npages);
    text(cr, ly, b, 7.5, 0, 0, MARGIN + CW * 0.75, y, CW * 0.25, 1, PANGO_ALIGN_RIGHT);
}

static void first_header(cairo_t *cr, PangoLayout *ly)
{
    static const char *const k[] = {"Training course", "Course run", "Session", "Date and time", "Place", "Trainers"};
    static const char *const v[] = {"Formation sécurité", "Sheet run", "Séance du matin — feuille d'émargement",
                                    "2026-03-02, 09:00 – 12:00 (UTC+01:00)", "In the room · Salle 4, Lyon", "Trainer Bench"};
    double x = MARGIN, y = MARGIN, kw = 118, vw = CW - kw - QR_SIZE - 18;
    cairo_set_source_rgb(cr, ACCENT);
    cairo_rectangle(cr, x, y, CW, 4);
    cairo_fill(cr);
    y += 12;
    text(cr, ly, "Attendance sheet", 18, 1, 0, x, y, CW * 0.6, 1, PANGO_ALIGN_LEFT);
    cairo_set_source_rgb(cr, INK);
    text(cr, ly, "Bench Attendance", 11, 1, 0, x + CW * 0.45, y + 4, CW * 0.55, 2, PANGO_ALIGN_RIGHT);
    y += 34;
    double ry = y;
    for (int i = 0; i < 6; i++) {
        cairo_set_source_rgb(cr, MUTED);
        text(cr, ly, k[i], 8.5, 0, 0, x, ry + 1, kw - 6, 1, PANGO_ALIGN_LEFT);
        cairo_set_source_rgb(cr, INK);
        double h = text(cr, ly, v[i], 9.5, i < 3, 0, x + kw, ry, vw, 2, PANGO_ALIGN_LEFT);
        ry += (h > 14 ? h : 14) + 3;
    }
    double qx = MARGIN + CW - QR_SIZE, qy = y - 4;
    const char *url = "http://127.0.0.1:8080/verify/sessions/5/AbCdEfGhIjKlMnOpQrStUv";
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (q) {
        int n = q->width;
        double m = QR_SIZE / (n + 2);
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (q->data[r * n + c] & 1) cairo_rectangle(cr, qx + (c + 1) * m, qy + (r + 1) * m, m, m);
        cairo_fill(cr);
        QRcode_free(q);
        char tag[200];
        snprintf(tag, sizeof tag, "rect=[%.1f %.1f %.1f %.1f] uri='%s'", qx, qy, QR_SIZE, QR_SIZE, url);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, tag);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
    cairo_set_source_rgb(cr, MUTED);
    text(cr, ly, "Verify this sheet online", 7, 0, 0, qx - 10, qy + QR_SIZE, QR_SIZE + 20, 2, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, INK);
    text(cr, ly, "Learners who signed: 30 / 30", 9, 0, 0, x, MARGIN + FIRST_HEAD - 20, CW, 1, PANGO_ALIGN_LEFT);
}

static void next_header(cairo_t *cr, PangoLayout *ly)
{
    cairo_set_source_rgb(cr, ACCENT);
    cairo_rectangle(cr, MARGIN, MARGIN, CW, 2);
    cairo_fill(cr);
    text(cr, ly, "Attendance sheet", 11, 1, 0, MARGIN, MARGIN + 8, CW * 0.4, 1, PANGO_ALIGN_LEFT);
    cairo_set_source_rgb(cr, MUTED);
    text(cr, ly, "Formation sécurité · Séance du matin — feuille d'émargement · 2026-03-02, 09:00 – 12:00 (UTC+01:00)", 8, 0,
         0, MARGIN + CW * 0.4, MARGIN + 10, CW * 0.6, 1, PANGO_ALIGN_RIGHT);
}

static size_t sheet(Out *o)
{
    o->len = 0;
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(to_buf, o, PW, PH);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, "Attendance sheet — Séance du matin — feuille d'émargement");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, "Bench Attendance");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "Lectern");
    cairo_t *cr = cairo_create(surf);
    PangoLayout *ly = pango_cairo_create_layout(cr);
    /* pagination as pdf.c's: rows while they fit, then the trainer's block */
    double bottom = PH - MARGIN - FOOT, tb = 18 + 20 + 16 + HEAD_ROW + ROW;
    int page_of[N], page = 0;
    double y = MARGIN + FIRST_HEAD + HEAD_ROW;
    for (int i = 0; i < N; i++) {
        if (y + ROW > bottom) {
            page++;
            y = MARGIN + NEXT_HEAD + HEAD_ROW;
        }
        page_of[i] = page;
        y += ROW;
    }
    int trainer_page = y + tb > bottom ? page + 1 : page, npages = trainer_page + 1, r = 0;
    for (int p = 0; p < npages; p++) {
        if (p == 0) first_header(cr, ly);
        else next_header(cr, ly);
        y = MARGIN + (p == 0 ? FIRST_HEAD : NEXT_HEAD);
        if (r < N && page_of[r] == p) {
            table_head(cr, ly, y, "Learner");
            y += HEAD_ROW;
            for (; r < N && page_of[r] == p; r++, y += ROW) row(cr, ly, y, &people[r]);
        }
        if (p == trainer_page) {
            if (page_of[N - 1] != p) y = MARGIN + (p == 0 ? FIRST_HEAD : NEXT_HEAD) - 18;
            y += 18;
            cairo_set_source_rgb(cr, ACCENT);
            text(cr, ly, "Trainer's signature", 11, 1, 0, MARGIN, y, CW, 1, PANGO_ALIGN_LEFT);
            y += 20;
            cairo_set_source_rgb(cr, MUTED);
            text(cr, ly, "I certify that the attendance recorded above is accurate.", 8, 0, 1, MARGIN, y, CW, 1, PANGO_ALIGN_LEFT);
            y += 16;
            table_head(cr, ly, y, "Trainer");
            row(cr, ly, y + HEAD_ROW, &people[N]);
        }
        footer(cr, ly, p, npages);
        cairo_show_page(cr);
    }
    g_object_unref(ly);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    cairo_surface_destroy(surf);
    return o->len;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(((const Person *)x)->name, ((const Person *)y)->name);
}

int main(int argc, char **argv)
{
    static const char *const first[] = {"Élodie", "Benoît", "Chloé", "François", "Gaëlle", "Jérôme", "Léa", "Noémie",
                                        "Raphaël", "Zoé"};
    static const char *const last[] = {"Dupré", "Lefèvre", "Müller", "Nguyễn", "Béranger", "Château"};
    double secs = argc > 1 ? atof(argv[1]) : 0;
    if (argc < 2 || argc > 3 || secs <= 0) {
        fprintf(stderr, "usage: sheet_cairo SECONDS [OUT.pdf]\n");
        return 2;
    }
    /* the seed's people, strokes (cmd_bench_attendance.c strokes_json) and times */
    for (int i = 0; i <= N; i++) {
        Person *p = &people[i];
        int t = -300 + i * 20;      /* seconds from 09:00 */
        if (i < N) snprintf(p->name, sizeof p->name, "%s %s %d", first[i % 10], last[i % 6], i + 1);
        else snprintf(p->name, sizeof p->name, "Trainer Bench");
        int hh = 8 + (3600 + t) / 3600, mm = (3600 + t) % 3600 / 60;
        if (t / 60 > 0 && i < N) snprintf(p->meta, sizeof p->meta, "%02d:%02d · %s · late %d min", hh, mm, i % 3 ? "personal link" : "QR code", t / 60);
        else snprintf(p->meta, sizeof p->meta, "%02d:%02d · %s", hh, mm, i == N ? "kiosk" : i % 3 ? "personal link" : "QR code");
        for (int s = 0; s < 3; s++)
            for (int k = 0; k < NPTS; k++) {
                p->pts[s][k][0] = 60 + s * 160 + k * 3 + i % 7;
                p->pts[s][k][1] = 60 + (k * 37 + i * 11) % 90;
            }
    }
    qsort(people, N, sizeof people[0], by_name);
    Out o = {0};
    double t0 = now_s(), t = t0, c0 = cpu_s();
    long n = 0;
    while (t - t0 < secs) {
        sheet(&o);
        n++;
        t = now_s();
    }
    if (argc == 3) {
        FILE *f = fopen(argv[2], "wb");
        if (!f || fwrite(o.data, 1, o.len, f) != o.len || fclose(f) != 0) {
            perror(argv[2]);
            return 1;
        }
    }
    printf("sheets %ld seconds %.2f sheets_per_s %.1f bytes %zu cpu_ms_per_sheet %.1f\n", n, t - t0, n / (t - t0), o.len,
           (cpu_s() - c0) * 1000 / (n ? n : 1));
    free(o.data);
    return 0;
}
