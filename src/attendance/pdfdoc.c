/* pdfdoc.c — drawing shared by the attendance PDFs (pdfdoc.h). */
#include "attendance/pdfdoc.h"
#include "attendance/attendance.h"
#include "web/i18n.h"

#include <cairo-pdf.h>
#include <jansson.h>
#include <qrencode.h>
#include <string.h>

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    return buf_append(closure, data, len) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int begin(PdfDoc *d, cairo_write_func_t fn, void *closure, const char *title, const char *author)
{
    d->surf = cairo_pdf_surface_create_for_stream(fn, closure, PW, PH);
    if (cairo_surface_status(d->surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(d->surf);
        d->surf = NULL;
        return LN_EINVAL;
    }
    cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_TITLE, pdf_utf8(d, title));
    cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_AUTHOR, pdf_utf8(d, author));
    cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR, "Lectern");
    d->cr = cairo_create(d->surf);
    d->ly = pango_cairo_create_layout(d->cr);
    return LN_OK;
}

int pdf_begin(PdfDoc *d, Buf *out, const char *title, const char *author)
{
    return begin(d, to_buf, out, title, author);
}

int pdf_begin_file(PdfDoc *d, FILE *f, const char *title, const char *author)
{
    return begin(d, to_file, f, title, author);
}

int pdf_end(PdfDoc *d)
{
    g_object_unref(d->ly);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surf);
    cairo_status_t st = cairo_surface_status(d->surf);
    cairo_surface_destroy(d->surf);
    d->surf = NULL;
    return st == CAIRO_STATUS_SUCCESS ? LN_OK : LN_EINVAL;
}

const char *pdf_utf8(PdfDoc *d, const char *s)
{
    if (!s) return "";
    if (g_utf8_validate(s, -1, NULL)) return s;
    gchar *v = g_utf8_make_valid(s, -1);
    char *out = arena_strdup(d->a, v);
    g_free(v);
    return out;
}

static void layout(PdfDoc *d, const char *s, double size, bool bold, bool italic, double w, int lines)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, PDF_FONT);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(d->ly, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(d->ly, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(d->ly, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(d->ly, PANGO_ELLIPSIZE_END);
    pango_layout_set_height(d->ly, -lines);
    pango_layout_set_text(d->ly, pdf_utf8(d, s), -1);
}

double pdf_text(PdfDoc *d, const char *s, double size, bool bold, bool italic, double x, double y, double w, int lines,
                PangoAlignment align)
{
    layout(d, s, size, bold, italic, w, lines);
    pango_layout_set_alignment(d->ly, align);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, d->ly);
    int pw, ph;
    pango_layout_get_size(d->ly, &pw, &ph);
    return (double)ph / PANGO_SCALE;
}

double pdf_text_height(PdfDoc *d, const char *s, double size, bool bold, double w, int lines)
{
    layout(d, s, size, bold, false, w, lines);
    int pw, ph;
    pango_layout_get_size(d->ly, &pw, &ph);
    return (double)ph / PANGO_SCALE;
}

void pdf_color(PdfDoc *d, double r, double g, double b)
{
    cairo_set_source_rgb(d->cr, r, g, b);
}

void pdf_hline(PdfDoc *d, double x0, double x1, double y, double width)
{
    cairo_set_line_width(d->cr, width);
    cairo_move_to(d->cr, x0, y);
    cairo_line_to(d->cr, x1, y);
    cairo_stroke(d->cr);
}

const char *pdf_date(PdfDoc *d, UsTime t, int64_t offset_min)
{
    char iso[24];
    att_local_iso(t, offset_min, iso, sizeof iso);
    iso[10] = 0;
    if (str_eq(d->lang, "fr")) return arena_printf(d->a, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return arena_strdup(d->a, iso);
}

void pdf_footer(PdfDoc *d, UsTime now, const char *org_name, int page, int npages)
{
    double y = PH - MARGIN - 14;
    pdf_color(d, RULE);
    pdf_hline(d, MARGIN, MARGIN + CW, y - 6, 0.5);
    pdf_color(d, MUTED);
    char stamp[24];
    att_local_iso(now, 0, stamp, sizeof stamp);
    const char *gen = arena_printf(d->a, "%s %s %s UTC · %s", T(d, "Generated on"), pdf_date(d, now, 0), stamp + 11,
                                   org_name ? org_name : "");
    pdf_text(d, gen, 7.5, false, false, MARGIN, y, CW * 0.75, 1, PANGO_ALIGN_LEFT);
    pdf_text(d, arena_printf(d->a, "%s %d / %d", T(d, "Page"), page + 1, npages), 7.5, false, false, MARGIN + CW * 0.75, y,
             CW * 0.25, 1, PANGO_ALIGN_RIGHT);
}

/* Fit the strokes' bounding box into (x, y, w, h), keeping proportions, and
 * draw them as lines.  Nothing when the strokes cannot be read. */
void pdf_strokes(PdfDoc *d, const char *strokes, double x, double y, double w, double h)
{
    if (!strokes) return;
    json_error_t err;
    json_t *root = json_loads(strokes, 0, &err);
    if (!root) return;
    if (!json_is_array(root)) {
        json_decref(root);
        return;
    }
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    size_t i, j;
    json_t *st, *pt;
    json_array_foreach(root, i, st) {
        if (!json_is_array(st)) continue;
        json_array_foreach(st, j, pt) {
            double px = json_number_value(json_array_get(pt, 0)), py = json_number_value(json_array_get(pt, 1));
            if (px < x0) x0 = px;
            if (px > x1) x1 = px;
            if (py < y0) y0 = py;
            if (py > y1) y1 = py;
        }
    }
    if (x1 < x0) {
        json_decref(root);
        return;
    }
    double bw = x1 - x0 < 20 ? 20 : x1 - x0, bh = y1 - y0 < 10 ? 10 : y1 - y0;
    double sc = w / bw < h / bh ? w / bw : h / bh;
    double cap = (w / ATT_PAD_W < h / ATT_PAD_H ? w / ATT_PAD_W : h / ATT_PAD_H) * 3;     /* a dot stays small */
    if (sc > cap) sc = cap;
    double ox = x + (w - (x1 - x0) * sc) / 2 - x0 * sc, oy = y + (h - (y1 - y0) * sc) / 2 - y0 * sc;
    cairo_save(d->cr);
    pdf_color(d, PEN);
    cairo_set_line_width(d->cr, 1.0);
    cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(d->cr, CAIRO_LINE_JOIN_ROUND);
    json_array_foreach(root, i, st) {
        if (!json_is_array(st) || json_array_size(st) == 0) continue;
        json_array_foreach(st, j, pt) {
            double px = ox + json_number_value(json_array_get(pt, 0)) * sc;
            double py = oy + json_number_value(json_array_get(pt, 1)) * sc;
            if (j == 0) cairo_move_to(d->cr, px, py);
            else cairo_line_to(d->cr, px, py);
        }
        if (json_array_size(st) == 1) cairo_rel_line_to(d->cr, 0.01, 0);
        cairo_stroke(d->cr);
    }
    cairo_restore(d->cr);
    json_decref(root);
}

void pdf_qr(PdfDoc *d, const char *url, double x, double y, double size)
{
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return;
    int n = q->width;
    double m = size / (n + 2);          /* a quiet zone of one module: the page is white around */
    cairo_save(d->cr);
    pdf_color(d, 0, 0, 0);
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
            if (q->data[r * n + c] & 1) cairo_rectangle(d->cr, x + (c + 1) * m, y + (r + 1) * m, m, m);
    cairo_fill(d->cr);
    cairo_restore(d->cr);
    QRcode_free(q);
    /* The code is also a link in the PDF (viewers open it on a click); the
     * URL is ours (base URL, id, token): a quote or backslash would need
     * escaping in cairo's attribute string, so such a URL gets no link. */
    if (url[0] && !strchr(url, '\'') && !strchr(url, '\\')) {
        cairo_tag_begin(d->cr, CAIRO_TAG_LINK,
                        arena_printf(d->a, "rect=[%.1f %.1f %.1f %.1f] uri='%s'", x, y, size, size, url));
        cairo_tag_end(d->cr, CAIRO_TAG_LINK);
    }
}

const char *pdf_method_label(PdfDoc *d, const char *m)
{
    if (str_eq(m, "qr")) return T(d, "QR code");
    if (str_eq(m, "link")) return T(d, "personal link");
    if (str_eq(m, "kiosk")) return T(d, "kiosk");
    return m;
}
