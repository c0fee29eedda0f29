/* pdf.c — the attendance sheet of a live session as an A4 PDF (pdf.h).
 *
 * Drawn with cairo (lines, rectangles) and pango (text, DejaVu Sans), into
 * a Buf through cairo_pdf_surface_create_for_stream.  Two steps: the rows
 * are first laid out into pages (fixed row heights, so the page count M is
 * known before anything is drawn), then every page is drawn.  Signatures
 * are drawn from their stored strokes ([x, y, t] points) as cairo lines
 * fitted into their cell; the SVG column is never parsed.  The QR code
 * (libqrencode) is drawn module by module as rectangles.
 */
#include "attendance/pdf.h"
#include "attendance/pdfdoc.h"
#include "attendance/absence.h"
#include "attendance/departure.h"
#include "web/i18n.h"

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- sheet geometry (points; the page's in pdfdoc.h) ---------------------- */
#define FIRST_HEAD 196.0        /* page 1: title, details and QR code */
#define NEXT_HEAD 44.0          /* later pages: a one-line reminder */
#define HEAD_ROW 22.0           /* the table's header row */
#define ROW 42.0                /* a person's row */
#define META_H 12.0             /* time and method under a signature */
#define QR_SIZE 84.0

typedef struct SheetSig {
    int64_t user_id;
    char role;                  /* 'l' learner, 't' trainer */
    char half;                  /* 'a' am, 'p' pm */
    char *method, *strokes;
    UsTime signed_at;
    int64_t late_minutes;
} SheetSig;

typedef struct Sheet {
    PdfDoc doc;                 /* the drawing (pdfdoc.c) */
    Arena *a;
    const char *lang;
    LiveSession s;
    AttendeeList learners, trainers;
    SheetSig *sigs;
    int nsigs;
    DepartureList departures;   /* early departures (departure.h) */
    const char *halves[2];
    int nh;
    bool closed;                /* the signing window is over: unsigned = absent */
    const char *verify_url;
    UsTime now;
    /* layout */
    int *row_page;              /* page of each learner row */
    int trainer_page, npages;
    double name_w;
    /* drawing */
    cairo_t *cr;
    PangoLayout *ly;
} Sheet;

/* T(sh, "...") works as for a request: Sheet has a `lang`. */

/* ---- data ---------------------------------------------------------------- */

static int sig_cmp(const void *x, const void *y)
{
    const SheetSig *p = x, *q = y;
    if (p->user_id != q->user_id) return p->user_id < q->user_id ? -1 : 1;
    if (p->role != q->role) return p->role < q->role ? -1 : 1;
    return (p->half > q->half) - (p->half < q->half);
}

static int load_sigs(Db *db, Sheet *sh)
{
    DbStmt *st = db_prepare(db, "SELECT user_id, role, half_day, method, signed_at, late_minutes, strokes"
                                " FROM signature WHERE session_id = $1 ORDER BY signed_at, id LIMIT 20000");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, sh->s.id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (sh->nsigs == cap) {
            cap = cap ? cap * 2 : 32;
            SheetSig *bigger = arena_alloc(sh->a, sizeof *bigger * (size_t)cap);
            if (sh->nsigs) memcpy(bigger, sh->sigs, sizeof *bigger * (size_t)sh->nsigs);
            sh->sigs = bigger;
        }
        SheetSig *g = &sh->sigs[sh->nsigs++];
        g->user_id = db_col_i64(st, 0);
        g->role = str_eq(db_col_text(st, 1), "trainer") ? 't' : 'l';
        g->half = str_eq(db_col_text(st, 2), "pm") ? 'p' : 'a';
        g->method = db_col_dup(st, 3, sh->a);
        g->signed_at = db_col_i64(st, 4);
        g->late_minutes = db_col_i64(st, 5);
        g->strokes = db_col_dup(st, 6, sh->a);
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    /* the first signature per person, role and half-day wins (there is only one) */
    if (sh->nsigs > 1) qsort(sh->sigs, (size_t)sh->nsigs, sizeof *sh->sigs, sig_cmp);
    return LN_OK;
}

static const SheetSig *find_sig(const Sheet *sh, int64_t user, char role, const char *half)
{
    SheetSig key = {.user_id = user, .role = role, .half = str_eq(half, "pm") ? 'p' : 'a'};
    return sh->nsigs ? bsearch(&key, sh->sigs, (size_t)sh->nsigs, sizeof *sh->sigs, sig_cmp) : NULL;
}

/* ---- text ---------------------------------------------------------------- */

static const char *valid_utf8(Sheet *sh, const char *s)
{
    return pdf_utf8(&sh->doc, s);
}

static double text(Sheet *sh, const char *s, double size, bool bold, bool italic, double x, double y, double w,
                   int lines, PangoAlignment align)
{
    return pdf_text(&sh->doc, s, size, bold, italic, x, y, w, lines, align);
}

static double text_height(Sheet *sh, const char *s, double size, bool bold, double w, int lines)
{
    return pdf_text_height(&sh->doc, s, size, bold, w, lines);
}

static void color(Sheet *sh, double r, double g, double b)
{
    pdf_color(&sh->doc, r, g, b);
}

static const char *local_date(Sheet *sh, UsTime t, int64_t offset_min)
{
    return pdf_date(&sh->doc, t, offset_min);
}

static const char *clock_of(Sheet *sh, UsTime t)
{
    char *b = arena_alloc(sh->a, 8);
    att_clock(t, sh->s.utc_offset_min, b, 8);
    return b;
}

static const char *offset_label(Sheet *sh, int64_t m)
{
    int64_t am = m < 0 ? -m : m;
    return arena_printf(sh->a, "UTC%c%02lld:%02lld", m < 0 ? '-' : '+', (long long)(am / 60), (long long)(am % 60));
}

static const char *method_label(Sheet *sh, const char *m)
{
    return pdf_method_label(&sh->doc, m);
}

static const char *half_label(Sheet *sh, const char *h)
{
    return str_eq(h, "am") ? T(sh, "Morning") : T(sh, "Afternoon");
}

/* ---- signatures and the QR code (pdfdoc.c) ------------------------------ */

static void draw_strokes(Sheet *sh, const char *strokes, double x, double y, double w, double h)
{
    pdf_strokes(&sh->doc, strokes, x, y, w, h);
}

static void draw_qr(Sheet *sh, const char *url, double x, double y, double size)
{
    pdf_qr(&sh->doc, url, x, y, size);
}

/* ---- layout --------------------------------------------------------------- */

static double table_top(int page)
{
    return MARGIN + (page == 0 ? FIRST_HEAD : NEXT_HEAD);
}

static double table_bottom(void)
{
    return PH - MARGIN - FOOT;
}

static double trainer_block_h(const Sheet *sh)
{
    int n = sh->trainers.n ? sh->trainers.n : 1;
    return 18 + 20 + 16 + HEAD_ROW + n * ROW;
}

static void paginate(Sheet *sh)
{
    int n = sh->learners.n ? sh->learners.n : 1;        /* an empty table has one "no learner" row */
    sh->row_page = arena_alloc(sh->a, sizeof(int) * (size_t)n);
    int page = 0;
    double y = table_top(0) + HEAD_ROW;
    for (int i = 0; i < n; i++) {
        if (y + ROW > table_bottom()) {
            page++;
            y = table_top(page) + HEAD_ROW;
        }
        sh->row_page[i] = page;
        y += ROW;
    }
    if (y + trainer_block_h(sh) > table_bottom()) page++;
    sh->trainer_page = page;
    sh->npages = page + 1;
}

/* ---- drawing -------------------------------------------------------------- */

static const char *trainer_names(Sheet *sh)
{
    if (sh->trainers.n == 0) return "—";
    Buf b;
    buf_init(&b, 0);
    for (int i = 0; i < sh->trainers.n; i++) {
        if (i) buf_puts(&b, ", ");
        buf_puts(&b, sh->trainers.items[i].name);
    }
    char *s = arena_strdup(sh->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static const char *when_text(Sheet *sh)
{
    const LiveSession *s = &sh->s;
    const char *d0 = local_date(sh, s->starts_at, s->utc_offset_min), *d1 = local_date(sh, s->ends_at, s->utc_offset_min);
    if (str_eq(d0, d1))
        return arena_printf(sh->a, "%s, %s – %s (%s)", d0, clock_of(sh, s->starts_at), clock_of(sh, s->ends_at),
                            offset_label(sh, s->utc_offset_min));
    return arena_printf(sh->a, "%s %s – %s %s (%s)", d0, clock_of(sh, s->starts_at), d1, clock_of(sh, s->ends_at),
                        offset_label(sh, s->utc_offset_min));
}

static const char *where_text(Sheet *sh)
{
    const LiveSession *s = &sh->s;
    if (str_eq(s->mode, "virtual"))
        return s->place[0] ? arena_printf(sh->a, "%s · %s", T(sh, "Virtual classroom"), s->place) : T(sh, "Virtual classroom");
    return s->place[0] ? arena_printf(sh->a, "%s · %s", T(sh, "In the room"), s->place) : T(sh, "In the room");
}

static void first_header(Sheet *sh)
{
    double x = MARGIN, y = MARGIN;
    /* title band */
    color(sh, ACCENT);
    cairo_rectangle(sh->cr, x, y, CW, 4);
    cairo_fill(sh->cr);
    y += 12;
    color(sh, ACCENT);
    text(sh, T(sh, "Attendance sheet"), 18, true, false, x, y, CW * 0.6, 1, PANGO_ALIGN_LEFT);
    color(sh, INK);
    text(sh, sh->s.org_name, 11, true, false, x + CW * 0.45, y + 4, CW * 0.55, 2, PANGO_ALIGN_RIGHT);
    y += 34;
    /* details, with the QR code on the right */
    double kw = 118, vw = CW - kw - QR_SIZE - 18;
    struct { const char *k, *v; } rows[] = {
        {T(sh, "Training course"), sh->s.course_title},
        {T(sh, "Course run"), sh->s.run_title},
        {T(sh, "Session"), sh->s.title},
        {T(sh, "Date and time"), when_text(sh)},
        {T(sh, "Place"), where_text(sh)},
        {T(sh, "Trainers"), trainer_names(sh)},
    };
    double ry = y;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        color(sh, MUTED);
        text(sh, rows[i].k, 8.5, false, false, x, ry + 1, kw - 6, 1, PANGO_ALIGN_LEFT);
        color(sh, INK);
        double h = text(sh, rows[i].v, 9.5, i < 3, false, x + kw, ry, vw, 2, PANGO_ALIGN_LEFT);
        ry += (h > 14 ? h : 14) + 3;
    }
    double qx = MARGIN + CW - QR_SIZE, qy = y - 4;
    draw_qr(sh, sh->verify_url, qx, qy, QR_SIZE);
    color(sh, MUTED);
    text(sh, T(sh, "Verify this sheet online"), 7, false, false, qx - 10, qy + QR_SIZE, QR_SIZE + 20, 2, PANGO_ALIGN_CENTER);
    /* count */
    int64_t signed_n = 0;
    for (int i = 0; i < sh->learners.n; i++) {
        bool any = false;
        for (int h = 0; h < sh->nh; h++) any = any || find_sig(sh, sh->learners.items[i].user_id, 'l', sh->halves[h]);
        signed_n += any;
    }
    double cy = table_top(0) - 20;
    color(sh, INK);
    text(sh, arena_printf(sh->a, "%s %lld / %d", T(sh, "Learners who signed:"), (long long)signed_n, sh->learners.n), 9,
         false, false, x, cy, CW, 1, PANGO_ALIGN_LEFT);
}

static void next_header(Sheet *sh)
{
    double x = MARGIN, y = MARGIN;
    color(sh, ACCENT);
    cairo_rectangle(sh->cr, x, y, CW, 2);
    cairo_fill(sh->cr);
    text(sh, T(sh, "Attendance sheet"), 11, true, false, x, y + 8, CW * 0.4, 1, PANGO_ALIGN_LEFT);
    color(sh, MUTED);
    text(sh, arena_printf(sh->a, "%s · %s · %s", sh->s.course_title, sh->s.title, when_text(sh)), 8, false, false,
         x + CW * 0.4, y + 10, CW * 0.6, 1, PANGO_ALIGN_RIGHT);
}

static void footer(Sheet *sh, int page)
{
    pdf_footer(&sh->doc, sh->now, sh->s.org_name, page, sh->npages);
}

static void table_head(Sheet *sh, double y, const char *first)
{
    double cw = (CW - sh->name_w) / sh->nh;
    color(sh, SHADE);
    cairo_rectangle(sh->cr, MARGIN, y, CW, HEAD_ROW);
    cairo_fill(sh->cr);
    color(sh, INK);
    text(sh, first, 8.5, true, false, MARGIN + 6, y + 6, sh->name_w - 12, 1, PANGO_ALIGN_LEFT);
    for (int h = 0; h < sh->nh; h++)
        text(sh, arena_printf(sh->a, "%s — %s", half_label(sh, sh->halves[h]), T(sh, "signature")), 8.5, true, false,
             MARGIN + sh->name_w + h * cw + 6, y + 6, cw - 12, 1, PANGO_ALIGN_CENTER);
    color(sh, RULE);
    cairo_set_line_width(sh->cr, 0.6);
    cairo_rectangle(sh->cr, MARGIN, y, CW, HEAD_ROW);
    cairo_stroke(sh->cr);
}

/* One person's row: name, then a cell per half-day. */
static void person_row(Sheet *sh, double y, const Attendee *p, char role)
{
    double cw = (CW - sh->name_w) / sh->nh;
    color(sh, INK);
    double nh = text_height(sh, p->name, 9, true, sh->name_w - 12, 2);
    text(sh, p->name, 9, true, false, MARGIN + 6, y + (ROW - nh) / 2, sh->name_w - 12, 2, PANGO_ALIGN_LEFT);
    for (int h = 0; h < sh->nh; h++) {
        double cx = MARGIN + sh->name_w + h * cw;
        const SheetSig *g = find_sig(sh, p->user_id, role, sh->halves[h]);
        if (g) {
            const Departure *dep = role == 'l' ? departure_find(&sh->departures, p->user_id) : NULL;
            const char *dh = dep ? attendance_half_day(&sh->s, dep->signed_at) : NULL;
            if (dh && !find_sig(sh, p->user_id, 'l', dh)) dh = "am";    /* left before signing the afternoon */
            bool left = dh && str_eq(dh, sh->halves[h]);
            double extra = left ? 8 : 0;        /* a second line under the signature: the time of departure */
            draw_strokes(sh, g->strokes, cx + 10, y + 4, cw - 20, ROW - META_H - 8 - extra);
            const char *meta = arena_printf(sh->a, "%s · %s", clock_of(sh, g->signed_at), method_label(sh, g->method));
            if (g->late_minutes > 0 && role == 'l')
                meta = arena_printf(sh->a, "%s · %s %lld min", meta, T(sh, "late"), (long long)g->late_minutes);
            if (left) meta = arena_printf(sh->a, "%s\n%s %s", meta, T(sh, "left at"), clock_of(sh, dep->signed_at));
            color(sh, MUTED);
            text(sh, meta, 6.5, false, false, cx + 4, y + ROW - META_H - extra, cw - 8, left ? 2 : 1, PANGO_ALIGN_CENTER);
        } else if (role == 'l' && sh->closed) {
            color(sh, ABSENT);
            text(sh, T(sh, "Absent"), 9, true, false, cx + 4, y + ROW / 2 - 7, cw - 8, 1, PANGO_ALIGN_CENTER);
        } else {
            color(sh, MUTED);
            text(sh, T(sh, "Not signed"), 8.5, false, true, cx + 4, y + ROW / 2 - 6, cw - 8, 1, PANGO_ALIGN_CENTER);
        }
    }
    /* borders */
    color(sh, RULE);
    cairo_set_line_width(sh->cr, 0.5);
    cairo_rectangle(sh->cr, MARGIN, y, CW, ROW);
    cairo_stroke(sh->cr);
    cairo_move_to(sh->cr, MARGIN + sh->name_w, y);
    cairo_line_to(sh->cr, MARGIN + sh->name_w, y + ROW);
    for (int h = 1; h < sh->nh; h++) {
        cairo_move_to(sh->cr, MARGIN + sh->name_w + h * cw, y);
        cairo_line_to(sh->cr, MARGIN + sh->name_w + h * cw, y + ROW);
    }
    cairo_stroke(sh->cr);
}

static void trainer_block(Sheet *sh, double y)
{
    y += 18;
    color(sh, ACCENT);
    text(sh, T(sh, "Trainer's signature"), 11, true, false, MARGIN, y, CW, 1, PANGO_ALIGN_LEFT);
    y += 20;
    color(sh, MUTED);
    text(sh, T(sh, "I certify that the attendance recorded above is accurate."), 8, false, true, MARGIN, y, CW, 1,
         PANGO_ALIGN_LEFT);
    y += 16;
    table_head(sh, y, T(sh, "Trainer"));
    y += HEAD_ROW;
    if (sh->trainers.n == 0) {
        Attendee none = {.user_id = 0, .name = (char *)T(sh, "No trainer is named for this session.")};
        person_row(sh, y, &none, 't');
        return;
    }
    for (int i = 0; i < sh->trainers.n; i++, y += ROW) person_row(sh, y, &sh->trainers.items[i], 't');
}

static void draw(Sheet *sh)
{
    int row = 0, n = sh->learners.n ? sh->learners.n : 1;
    for (int page = 0; page < sh->npages; page++) {
        if (page == 0) first_header(sh);
        else next_header(sh);
        double y = table_top(page);
        if (row < n && sh->row_page[row] == page) {
            table_head(sh, y, T(sh, "Learner"));
            y += HEAD_ROW;
            for (; row < n && sh->row_page[row] == page; row++, y += ROW) {
                if (sh->learners.n == 0) {
                    color(sh, MUTED);
                    text(sh, T(sh, "No learner is enrolled in this session's run."), 9, false, true, MARGIN + 6,
                         y + ROW / 2 - 6, CW - 12, 1, PANGO_ALIGN_LEFT);
                    color(sh, RULE);
                    cairo_set_line_width(sh->cr, 0.5);
                    cairo_rectangle(sh->cr, MARGIN, y, CW, ROW);
                    cairo_stroke(sh->cr);
                } else person_row(sh, y, &sh->learners.items[row], 'l');
            }
        }
        if (page == sh->trainer_page) trainer_block(sh, sh->row_page[n - 1] == page ? y : table_top(page) - 18);
        footer(sh, page);
        cairo_show_page(sh->cr);
    }
}

/* ---- entry ---------------------------------------------------------------- */

/* Everything the sheet of session `session_id` shows, laid out into pages. */
static int sheet_load(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url, const char *lang,
                      Sheet *sh)
{
    *sh = (Sheet){.a = a, .lang = lang ? lang : "en", .verify_url = verify_url ? verify_url : "", .now = time_now_us()};
    int rc = attendance_session_load(db, a, org_id, session_id, &sh->s);
    if (rc != LN_OK) return rc;
    if (attendance_expected(db, a, sh->s.run_id, &sh->learners) != LN_OK) return LN_EDB;
    if (attendance_trainers(db, a, sh->s.id, &sh->trainers) != LN_OK) return LN_EDB;
    if ((rc = load_sigs(db, sh)) != LN_OK) return rc;
    if (attendance_departures(db, a, sh->s.id, 0, &sh->departures) != LN_OK) return LN_EDB;
    sh->nh = attendance_halves(&sh->s, sh->halves);
    sh->closed = attendance_window(&sh->s, sh->now) == ATT_TOO_LATE;
    sh->name_w = sh->nh == 2 ? 175 : 215;
    paginate(sh);
    return LN_OK;
}

/* Draw the loaded sheet on the document's next pages. */
static void sheet_draw(Sheet *sh, const PdfDoc *doc)
{
    sh->doc = *doc;
    sh->cr = doc->cr;
    sh->ly = doc->ly;
    draw(sh);
}

int attendance_sheet_pdf_lang(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url,
                              const char *lang, Buf *out)
{
    Sheet sh;
    int rc = sheet_load(db, a, org_id, session_id, verify_url, lang, &sh);
    if (rc != LN_OK) return rc;
    PdfDoc doc = {.a = a, .lang = sh.lang};
    if (pdf_begin(&doc, out, arena_printf(a, "%s — %s", T(&sh, "Attendance sheet"), valid_utf8(&sh, sh.s.title)),
                  sh.s.org_name) != LN_OK)
        return LN_EINVAL;
    sheet_draw(&sh, &doc);
    return pdf_end(&doc);
}

int attendance_sheet_draw(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url,
                          const PdfDoc *doc)
{
    Sheet sh;
    int rc = sheet_load(db, a, org_id, session_id, verify_url, doc->lang, &sh);
    if (rc == LN_OK) sheet_draw(&sh, doc);
    return rc;
}

int attendance_sheet_pdf(Db *db, Arena *a, int64_t org_id, int64_t session_id, const char *verify_url, Buf *out)
{
    return attendance_sheet_pdf_lang(db, a, org_id, session_id, verify_url, "en", out);
}
