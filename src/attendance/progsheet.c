/* progsheet.c — a learner's attendance sheet over a programme (progsheet.h).
 *
 * The rows (a band per course run, a row per live session) are laid out
 * into pages first, so that "page N / M" is known, then drawn with the
 * shared drawing of pdfdoc.c; the table header repeats on every page. */
#include "attendance/progsheet.h"
#include "attendance/pdfdoc.h"
#include "attendance/record.h"
#include "web/i18n.h"

#include <string.h>

/* ---- data ---------------------------------------------------------------- */

static int head(Db *db, Arena *a, ProgSheet *p)
{
    DbStmt *st = db_prepare(db, "SELECT pr.title, o.name, u.name FROM programme pr JOIN org o ON o.id = pr.org_id,"
                                " app_user u WHERE pr.id = $1 AND pr.org_id = $2 AND u.id = $3");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, p->programme_id);
    db_bind_i64(st, 2, p->org_id);
    db_bind_i64(st, 3, p->user_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        p->programme_title = db_col_dup(st, 0, a);
        p->org_name = db_col_dup(st, 1, a);
        p->learner_name = db_col_dup(st, 2, a);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

/* The learner's and the trainers' signatures of one session. */
static int session_sigs(Db *db, Arena *a, PsSession *ps, int64_t user_id)
{
    DbStmt *st = db_prepare(db, "SELECT s.user_id, s.role, s.half_day, s.method, s.signed_at, s.late_minutes, s.strokes,"
                                " s.image_sha256, u.name, s.id FROM signature s JOIN app_user u ON u.id = s.user_id"
                                " WHERE s.session_id = $1 AND (s.user_id = $2 OR s.role = 'trainer')"
                                " ORDER BY s.signed_at, s.id LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, ps->s.id);
    db_bind_i64(st, 2, user_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (str_eq(db_col_text(st, 1), "trainer")) {
            if (!ps->trainer_strokes) {
                ps->trainer_strokes = db_col_dup(st, 6, a);
                ps->trainer_name = db_col_dup(st, 8, a);
                ps->trainer_signed_at = db_col_i64(st, 4);
            }
            continue;
        }
        for (int h = 0; h < ps->nh; h++) {
            if (!str_eq(ps->halves[h].half, db_col_text(st, 2)) || ps->halves[h].sig) continue;
            Signature *g = arena_alloc(a, sizeof *g);
            memset(g, 0, sizeof *g);
            g->id = db_col_i64(st, 9);
            g->user_id = user_id;
            g->role = "learner";
            g->half_day = (char *)ps->halves[h].half;
            g->method = db_col_dup(st, 3, a);
            g->signed_at = db_col_i64(st, 4);
            g->late_minutes = db_col_i64(st, 5);
            g->image_sha256 = db_col_dup(st, 7, a);
            ps->halves[h].strokes = db_col_dup(st, 6, a);
            ps->halves[h].sig = g;
        }
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int progsheet_programme_org(Db *db, int64_t programme_id, int64_t *org_id)
{
    int rc = db_query_i64(db, org_id, "SELECT org_id FROM programme WHERE id = $1", "i", programme_id);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int progsheet_load(Db *db, Arena *a, int64_t org_id, int64_t programme_id, int64_t user_id, UsTime now,
                   ProgSheet *out)
{
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    out->programme_id = programme_id;
    out->user_id = user_id;
    out->now = now;
    int rc = head(db, a, out);
    if (rc != LN_OK) return rc;
    int64_t runs[PROGRAMME_RUNS_MAX];
    int nr = 0;
    if ((rc = programme_runs_of(db, org_id, programme_id, user_id, runs, &nr)) != LN_OK) return rc;
    if (nr == 0) return LN_NOTFOUND;
    AbsenceList abs = {0};
    for (int i = 0; i < nr; i++) absence_record_pending(db, org_id, runs[i], now);
    AbsenceFilter f = {.user_id = user_id};
    if (absence_list(db, a, org_id, &f, &abs) != LN_OK) return LN_EDB;
    int cap = 0;
    for (int i = 0; i < nr; i++) {
        LiveSessionList l;
        if (attendance_session_list(db, a, runs[i], &l) != LN_OK) return LN_EDB;
        for (int k = 0; k < l.n; k++) {
            out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
            PsSession *ps = &out->items[out->n++];
            memset(ps, 0, sizeof *ps);
            ps->s = l.items[k];
            const char *hv[2];
            ps->nh = attendance_halves(&ps->s, hv);
            for (int h = 0; h < ps->nh; h++) ps->halves[h].half = hv[h];
            ps->closed = attendance_window(&ps->s, now) == ATT_TOO_LATE;
            if ((rc = session_sigs(db, a, ps, user_id)) != LN_OK) return rc;
            DepartureList dl;
            if (attendance_departures(db, a, ps->s.id, user_id, &dl) != LN_OK) return LN_EDB;
            if (dl.n) ps->departure = &dl.items[0];
            for (int j = 0; j < abs.n; j++)
                for (int h = 0; h < ps->nh; h++)
                    if (abs.items[j].session_id == ps->s.id && str_eq(abs.items[j].half_day, ps->halves[h].half))
                        ps->halves[h].absence = &abs.items[j];
        }
    }
    return LN_OK;
}

/* ---- the PDF --------------------------------------------------------------- */

#define FIRST_HEAD 118.0
#define NEXT_HEAD 44.0
#define HEAD_ROW 22.0
#define RUN_ROW 22.0
#define ROW 50.0
#define META_H 20.0
#define SESSION_W 150.0
#define TRAINER_W 110.0
#define HALF_W ((CW - SESSION_W - TRAINER_W) / 2)

typedef struct Ps {
    PdfDoc doc;
    Arena *a;
    const char *lang;
    const ProgSheet *p;
    const char *verify_url;             /* the QR code's; NULL: none */
    int *page_of;                       /* page of each session row */
    bool *run_band;                     /* a run band above the row */
    int npages;
} Ps;

static double top(int page)
{
    return MARGIN + (page == 0 ? FIRST_HEAD : NEXT_HEAD);
}

static double bottom(void)
{
    return PH - MARGIN - FOOT;
}

static void paginate(Ps *x)
{
    const ProgSheet *p = x->p;
    x->page_of = arena_alloc(x->a, sizeof(int) * (size_t)(p->n + 1));
    x->run_band = arena_alloc(x->a, sizeof(bool) * (size_t)(p->n + 1));
    int page = 0;
    double y = top(0) + HEAD_ROW;
    for (int i = 0; i < p->n; i++) {
        x->run_band[i] = i == 0 || p->items[i].s.run_id != p->items[i - 1].s.run_id;
        bool at_top = y == top(page) + HEAD_ROW;        /* a new page repeats the run's band */
        double need = ROW + (x->run_band[i] || at_top ? RUN_ROW : 0);
        if (y + need > bottom()) {
            page++;
            y = top(page) + HEAD_ROW;
            need = ROW + RUN_ROW;
        }
        x->page_of[i] = page;
        y += need;
    }
    x->npages = page + 1;
}

static const char *clock_of(Ps *x, const LiveSession *s, UsTime t)
{
    char *b = arena_alloc(x->a, 8);
    att_clock(t, s->utc_offset_min, b, 8);
    return b;
}

static const char *method_label(Ps *x, const char *m)
{
    return pdf_method_label(&x->doc, m);
}

static const char *status_label(Ps *x, const char *st)
{
    if (str_eq(st, "accepted")) return T(x, "justification accepted");
    if (str_eq(st, "rejected")) return T(x, "justification rejected");
    if (str_eq(st, "pending")) return T(x, "justification pending");
    return T(x, "not justified");
}

static void first_header(Ps *x)
{
    PdfDoc *d = &x->doc;
    double y = MARGIN;
    pdf_color(d, ACCENT);
    cairo_rectangle(d->cr, MARGIN, y, CW, 4);
    cairo_fill(d->cr);
    y += 12;
    pdf_text(d, T(x, "Attendance sheet of a learner"), 14, true, false, MARGIN, y, CW * 0.64, 1, PANGO_ALIGN_LEFT);
    pdf_color(d, INK);
    pdf_text(d, x->p->org_name, 11, true, false, MARGIN + CW * 0.64, y + 2, CW * 0.36, 2, PANGO_ALIGN_RIGHT);
    y += 32;
    double qr = 0;
    if (x->verify_url) {                /* the online verification of every session of the sheet */
        qr = 62;
        pdf_qr(d, x->verify_url, MARGIN + CW - qr, y - 6, qr);
        pdf_color(d, MUTED);
        pdf_text(d, T(x, "Verify this sheet online"), 6.5, false, false, MARGIN + CW - qr - 12, y - 6 + qr, qr + 24, 1,
                 PANGO_ALIGN_CENTER);
        qr += 14;
    }
    struct { const char *k, *v; } rows[] = {
        {T(x, "Learner"), x->p->learner_name},
        {T(x, "Programme"), x->p->programme_title},
        {T(x, "Live sessions"), arena_printf(x->a, "%d", x->p->n)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        pdf_color(d, MUTED);
        pdf_text(d, rows[i].k, 8.5, false, false, MARGIN, y + 1, 112, 1, PANGO_ALIGN_LEFT);
        pdf_color(d, INK);
        pdf_text(d, rows[i].v, 9.5, i < 2, false, MARGIN + 118, y, CW - 118 - qr, 1, PANGO_ALIGN_LEFT);
        y += 17;
    }
}

static void next_header(Ps *x)
{
    PdfDoc *d = &x->doc;
    pdf_color(d, ACCENT);
    cairo_rectangle(d->cr, MARGIN, MARGIN, CW, 2);
    cairo_fill(d->cr);
    pdf_text(d, T(x, "Attendance sheet of a learner"), 11, true, false, MARGIN, MARGIN + 8, CW * 0.45, 1, PANGO_ALIGN_LEFT);
    pdf_color(d, MUTED);
    pdf_text(d, arena_printf(x->a, "%s · %s", x->p->learner_name, x->p->programme_title), 8, false, false,
             MARGIN + CW * 0.45, MARGIN + 10, CW * 0.55, 1, PANGO_ALIGN_RIGHT);
}

static void table_head(Ps *x, double y)
{
    PdfDoc *d = &x->doc;
    pdf_color(d, SHADE);
    cairo_rectangle(d->cr, MARGIN, y, CW, HEAD_ROW);
    cairo_fill(d->cr);
    pdf_color(d, INK);
    const char *cols[] = {T(x, "Session"), T(x, "Morning"), T(x, "Afternoon"), T(x, "Trainer")};
    double xs[] = {MARGIN, MARGIN + SESSION_W, MARGIN + SESSION_W + HALF_W, MARGIN + SESSION_W + 2 * HALF_W};
    double ws[] = {SESSION_W, HALF_W, HALF_W, TRAINER_W};
    for (int i = 0; i < 4; i++)
        pdf_text(d, cols[i], 8.5, true, false, xs[i] + 6, y + 6, ws[i] - 12, 1, i ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
}

static void run_band(Ps *x, double y, const LiveSession *s)
{
    PdfDoc *d = &x->doc;
    pdf_color(d, ACCENT);
    pdf_text(d, arena_printf(x->a, "%s — %s", s->course_title, s->run_title), 9, true, false, MARGIN + 2, y + 6, CW - 4, 1,
             PANGO_ALIGN_LEFT);
}

/* One half-day cell of the learner. */
static void half_cell(Ps *x, const PsSession *ps, const PsHalf *h, double cx, double y)
{
    PdfDoc *d = &x->doc;
    if (h->sig) {
        pdf_strokes(d, h->strokes, cx + 10, y + 3, HALF_W - 20, ROW - META_H - 6);
        const char *meta = arena_printf(x->a, "%s · %s", clock_of(x, &ps->s, h->sig->signed_at), method_label(x, h->sig->method));
        const char *more = h->sig->late_minutes > 0
                               ? arena_printf(x->a, "%s %lld min", T(x, "late"), (long long)h->sig->late_minutes) : NULL;
        if (ps->departure) {
            const char *dh = attendance_half_day(&ps->s, ps->departure->signed_at);
            bool other = ps->nh == 2 && !ps->halves[1].sig;        /* left before signing the afternoon */
            if (str_eq(dh, h->half) || (other && h == &ps->halves[0])) {
                const char *left = arena_printf(x->a, "%s %s", T(x, "left at"), clock_of(x, &ps->s, ps->departure->signed_at));
                more = more ? arena_printf(x->a, "%s · %s", more, left) : left;
            }
        }
        if (more) meta = arena_printf(x->a, "%s\n%s", meta, more);
        pdf_color(d, MUTED);
        pdf_text(d, meta, 6.5, false, false, cx + 3, y + ROW - META_H, HALF_W - 6, 2, PANGO_ALIGN_CENTER);
    } else if (h->absence || ps->closed) {
        pdf_color(d, ABSENT);
        pdf_text(d, T(x, "Absent"), 9, true, false, cx + 3, y + 10, HALF_W - 6, 1, PANGO_ALIGN_CENTER);
        pdf_color(d, MUTED);
        pdf_text(d, status_label(x, h->absence ? h->absence->status : "unjustified"), 7, false, true, cx + 3, y + 26,
                 HALF_W - 6, 2, PANGO_ALIGN_CENTER);
    } else {
        pdf_color(d, MUTED);
        pdf_text(d, T(x, "Not signed"), 8.5, false, true, cx + 3, y + ROW / 2 - 6, HALF_W - 6, 1, PANGO_ALIGN_CENTER);
    }
}

static void session_row(Ps *x, double y, const PsSession *ps)
{
    PdfDoc *d = &x->doc;
    const LiveSession *s = &ps->s;
    pdf_color(d, INK);
    pdf_text(d, s->title, 8.5, true, false, MARGIN + 6, y + 4, SESSION_W - 12, 2, PANGO_ALIGN_LEFT);
    pdf_color(d, MUTED);
    pdf_text(d, arena_printf(x->a, "%s, %s – %s", pdf_date(d, s->starts_at, s->utc_offset_min), clock_of(x, s, s->starts_at),
                             clock_of(x, s, s->ends_at)),
             7.5, false, false, MARGIN + 6, y + ROW - 16, SESSION_W - 12, 1, PANGO_ALIGN_LEFT);
    for (int col = 0; col < 2; col++) {
        double cx = MARGIN + SESSION_W + col * HALF_W;
        const PsHalf *h = NULL;
        for (int k = 0; k < ps->nh; k++)
            if (str_eq(ps->halves[k].half, col ? "pm" : "am")) h = &ps->halves[k];
        if (h) half_cell(x, ps, h, cx, y);
        else {
            pdf_color(d, RULE);
            pdf_text(d, "—", 9, false, false, cx, y + ROW / 2 - 6, HALF_W, 1, PANGO_ALIGN_CENTER);
        }
    }
    double tx = MARGIN + SESSION_W + 2 * HALF_W;
    if (ps->trainer_strokes) {
        pdf_strokes(d, ps->trainer_strokes, tx + 8, y + 3, TRAINER_W - 16, ROW - META_H - 6);
        pdf_color(d, MUTED);
        pdf_text(d, arena_printf(x->a, "%s\n%s", ps->trainer_name, clock_of(x, s, ps->trainer_signed_at)), 6.5, false,
                 false, tx + 3, y + ROW - META_H, TRAINER_W - 6, 2, PANGO_ALIGN_CENTER);
    } else {
        pdf_color(d, MUTED);
        pdf_text(d, T(x, "Not signed"), 8.5, false, true, tx + 3, y + ROW / 2 - 6, TRAINER_W - 6, 1, PANGO_ALIGN_CENTER);
    }
    pdf_color(d, RULE);
    cairo_set_line_width(d->cr, 0.5);
    cairo_rectangle(d->cr, MARGIN, y, CW, ROW);
    double xs[] = {MARGIN + SESSION_W, MARGIN + SESSION_W + HALF_W, tx};
    for (int i = 0; i < 3; i++) {
        cairo_move_to(d->cr, xs[i], y);
        cairo_line_to(d->cr, xs[i], y + ROW);
    }
    cairo_stroke(d->cr);
}

static void draw(Ps *x)
{
    PdfDoc *d = &x->doc;
    const ProgSheet *p = x->p;
    int i = 0;
    for (int page = 0; page < x->npages; page++) {
        if (page == 0) first_header(x);
        else next_header(x);
        double y = top(page);
        table_head(x, y);
        y += HEAD_ROW;
        if (p->n == 0) {
            pdf_color(d, MUTED);
            pdf_text(d, T(x, "No live session in this programme yet."), 9, false, true, MARGIN + 6, y + 8, CW - 12, 1,
                     PANGO_ALIGN_LEFT);
        }
        for (; i < p->n && x->page_of[i] == page; i++) {
            if (x->run_band[i] || y == top(page) + HEAD_ROW) {
                run_band(x, y, &p->items[i].s);
                y += RUN_ROW;
            }
            session_row(x, y, &p->items[i]);
            y += ROW;
        }
        pdf_footer(d, p->now, p->org_name, page, x->npages);
        cairo_show_page(d->cr);
    }
}

int progsheet_pdf(Arena *a, const ProgSheet *p, const char *lang, const char *verify_url, Buf *out)
{
    Ps x = {.a = a, .lang = lang ? lang : "en", .p = p, .verify_url = verify_url};
    paginate(&x);
    x.doc = (PdfDoc){.a = a, .lang = x.lang};
    if (pdf_begin(&x.doc, out,
                  arena_printf(a, "%s — %s", T(&x, "Attendance sheet of a learner"), pdf_utf8(&x.doc, p->learner_name)),
                  p->org_name) != LN_OK)
        return LN_EINVAL;
    draw(&x);
    return pdf_end(&x.doc);
}
