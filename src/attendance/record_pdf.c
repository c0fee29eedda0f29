/* record_pdf.c — the connection record as a PDF (record.h), drawn with the
 * attendance PDFs' shared helpers (pdfdoc.h).  Rows have a fixed height, so
 * a first pass without drawing counts the pages ("page N / M"), the second
 * draws them. */
#include "attendance/pdfdoc.h"
#include "assess/quiz.h"
#include "attendance/record.h"
#include "web/i18n.h"

#include <string.h>

#define REC_ROW 15.0
#define REC_HEAD 30.0           /* the reminder line at the top of each page */

typedef struct RecPdf {
    PdfDoc d;
    const ConnRecord *c;
    bool dry;                   /* first pass: count pages only */
    int page, npages;
    double y;
    const char *const *head;    /* the current table's header row, repeated after a page break */
    const double *hw;
    int hn;
} RecPdf;

static double bottom(void) { return PH - MARGIN - FOOT; }

static void page_start(RecPdf *p)
{
    p->y = MARGIN;
    if (p->dry) return;
    pdf_color(&p->d, ACCENT);
    cairo_rectangle(p->d.cr, MARGIN, p->y, CW, 2);
    cairo_fill(p->d.cr);
    if (p->page == 0) return;           /* page 1 has the full title */
    pdf_text(&p->d, T(&p->d, "Connection record"), 11, true, false, MARGIN, p->y + 8, CW * 0.4, 1, PANGO_ALIGN_LEFT);
    pdf_color(&p->d, MUTED);
    pdf_text(&p->d, arena_printf(p->d.a, "%s · %s — %s", p->c->learner_name, p->c->course_title, p->c->run_title), 8,
             false, false, MARGIN + CW * 0.4, p->y + 10, CW * 0.6, 1, PANGO_ALIGN_RIGHT);
}

static void page_break(RecPdf *p)
{
    if (!p->dry) {
        pdf_footer(&p->d, p->c->generated_at, p->c->org_name, p->page, p->npages);
        cairo_show_page(p->d.cr);
    }
    p->page++;
    page_start(p);
    p->y += REC_HEAD;
}

static void need(RecPdf *p, double h)
{
    if (p->y + h > bottom()) page_break(p);
}

/* One row of cells (widths are fractions of the content width). */
static void row(RecPdf *p, const char *const *cells, const double *w, int n, bool head)
{
    if (p->y + REC_ROW > bottom()) {
        page_break(p);
        if (!head && p->head) row(p, p->head, p->hw, p->hn, true);
    }
    if (!p->dry) {
        if (head) {
            pdf_color(&p->d, SHADE);
            cairo_rectangle(p->d.cr, MARGIN, p->y, CW, REC_ROW);
            cairo_fill(p->d.cr);
        }
        double x = MARGIN;
        pdf_color(&p->d, INK);
        for (int i = 0; i < n; i++) {
            pdf_text(&p->d, cells[i], 7.5, head, false, x + 3, p->y + 3, w[i] * CW - 6, 1, PANGO_ALIGN_LEFT);
            x += w[i] * CW;
        }
        pdf_color(&p->d, RULE);
        pdf_hline(&p->d, MARGIN, MARGIN + CW, p->y + REC_ROW, 0.3);
    }
    p->y += REC_ROW;
}

/* A section title followed by its header row (kept together). */
static void section(RecPdf *p, const char *title, const char *const *head, const double *w, int n, int rows)
{
    p->head = NULL;
    need(p, 22 + 2 * REC_ROW);
    p->y += 8;
    if (!p->dry) {
        pdf_color(&p->d, ACCENT);
        pdf_text(&p->d, title, 10, true, false, MARGIN, p->y, CW, 1, PANGO_ALIGN_LEFT);
    }
    p->y += 16;
    if (rows == 0) {
        if (!p->dry) {
            pdf_color(&p->d, MUTED);
            pdf_text(&p->d, T(&p->d, "None."), 8, false, true, MARGIN + 3, p->y, CW, 1, PANGO_ALIGN_LEFT);
        }
        p->y += REC_ROW;
        return;
    }
    row(p, head, w, n, true);
    p->head = head;
    p->hw = w;
    p->hn = n;
}

static const char *when(RecPdf *p, UsTime t)
{
    if (!t) return "—";
    char iso[24];
    att_local_iso(t, 0, iso, sizeof iso);
    return arena_printf(p->d.a, "%s %s", pdf_date(&p->d, t, 0), iso + 11);
}

static const char *dur(RecPdf *p, int64_t ms)
{
    int64_t m = ms / 60000;
    return m >= 60 ? arena_printf(p->d.a, "%lld h %02lld min", (long long)(m / 60), (long long)(m % 60))
                   : arena_printf(p->d.a, "%lld min", (long long)m);
}

static const char *status_text(RecPdf *p, const char *s)
{
    if (str_eq(s, "pending")) return T(&p->d, "Justification pending");
    if (str_eq(s, "accepted")) return T(&p->d, "Justified (accepted)");
    if (str_eq(s, "rejected")) return T(&p->d, "Justification rejected");
    return T(&p->d, "Not justified");
}

/* One record from the top of a page (the current one is blank). */
static void draw_record(RecPdf *p)
{
    const ConnRecord *c = p->c;
    PdfDoc *d = &p->d;
    p->head = NULL;
    int page = p->page;
    p->page = 0;                        /* page_start: the full title, no reminder line */
    page_start(p);
    p->page = page;
    p->y += 12;
    if (!p->dry) {
        pdf_color(d, INK);
        pdf_text(d, T(d, "Connection record"), 16, true, false, MARGIN, p->y, CW, 1, PANGO_ALIGN_LEFT);
    }
    p->y += 28;
    const char *facts[][2] = {
        {T(d, "Organisation"), c->org_name},
        {T(d, "Learner"), arena_printf(d->a, "%s <%s>", c->learner_name, c->learner_email)},
        {T(d, "Training course"), arena_printf(d->a, "%s — %s", c->course_title, c->run_title)},
        {T(d, "Total active time"), dur(p, c->act.active_ms)},
        {T(d, "Connection sessions"), arena_printf(d->a, "%d", c->act.nsessions)},
        {T(d, "Times"), "UTC"},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(facts); i++) {
        if (!p->dry) {
            pdf_color(d, MUTED);
            pdf_text(d, facts[i][0], 8.5, false, false, MARGIN, p->y + 1, 130, 1, PANGO_ALIGN_LEFT);
            pdf_color(d, INK);
            pdf_text(d, facts[i][1], 9.5, i < 2, false, MARGIN + 136, p->y, CW - 136, 1, PANGO_ALIGN_LEFT);
        }
        p->y += 15;
    }

    static const double w_conn[] = {0.27, 0.27, 0.18, 0.28};
    const char *h_conn[] = {T(d, "Start time"), T(d, "End time"), T(d, "Active time"), T(d, "IP address")};
    section(p, T(d, "Connection sessions"), h_conn, w_conn, 4, c->act.nsessions);
    for (int i = 0; i < c->act.nsessions; i++) {
        const ConnSession *s = &c->act.sessions[i];
        const char *r[] = {when(p, s->start), when(p, s->end),
                           s->capped ? arena_printf(d->a, "%s (%s)", dur(p, s->active_ms), T(d, "capped")) : dur(p, s->active_ms),
                           s->ip ? s->ip : ""};
        row(p, r, w_conn, 4, false);
    }
    static const double w_unit[] = {0.55, 0.27, 0.18};
    const char *h_unit[] = {T(d, "Unit"), T(d, "Last activity"), T(d, "Active time")};
    section(p, T(d, "Active time per unit"), h_unit, w_unit, 3, c->nunits);
    for (int i = 0; i < c->nunits; i++) {
        const char *r[] = {c->units[i].title, when(p, c->units[i].last_at), dur(p, c->units[i].active_ms)};
        row(p, r, w_unit, 3, false);
    }
    static const double w_att[] = {0.36, 0.1, 0.2, 0.2, 0.14};
    const char *h_att[] = {T(d, "Assessment"), T(d, "Attempt"), T(d, "Started"), T(d, "Submitted"), T(d, "Score")};
    section(p, T(d, "Assessments taken"), h_att, w_att, 5, c->nattempts);
    for (int i = 0; i < c->nattempts; i++) {
        const RecAttempt *t = &c->attempts[i];
        const char *r[] = {arena_printf(d->a, "%s · %s", t->unit_title, i18n_get(d->lang, quiz_purpose_text(t->purpose))),
                           arena_printf(d->a, "%lld", (long long)t->number), when(p, t->started_at),
                           when(p, t->submitted_at),
                           t->score >= 0 ? arena_printf(d->a, "%lld.%lld %%", (long long)(t->score / 10), (long long)(t->score % 10))
                                         : "—"};
        row(p, r, w_att, 5, false);
    }
    static const double w_as[] = {0.34, 0.2, 0.2, 0.14, 0.12};
    const char *h_as[] = {T(d, "Question"), T(d, "Asked"), T(d, "First trainer reply"), T(d, "Trainer"), T(d, "Delay")};
    section(p, T(d, "Assistance received"), h_as, w_as, 5, c->nassists);
    for (int i = 0; i < c->nassists; i++) {
        const RecAssist *s = &c->assists[i];
        const char *r[] = {s->title, when(p, s->asked_at), when(p, s->replied_at), s->trainer ? s->trainer : "—",
                           s->replied_at ? dur(p, (s->replied_at - s->asked_at) / 1000) : "—"};
        row(p, r, w_as, 5, false);
    }
    static const double w_sig[] = {0.46, 0.16, 0.24, 0.14};
    const char *h_sig[] = {T(d, "Live session"), T(d, "Half-day"), T(d, "Signed at"), T(d, "Method")};
    section(p, T(d, "Live sessions signed"), h_sig, w_sig, 4, c->nsigs);
    for (int i = 0; i < c->nsigs; i++) {
        const RecSignature *s = &c->sigs[i];
        const char *r[] = {s->session_title, str_eq(s->half_day, "am") ? T(d, "Morning") : T(d, "Afternoon"),
                           when(p, s->signed_at),
                           pdf_method_label(d, s->method)};
        row(p, r, w_sig, 4, false);
    }
    static const double w_us[] = {0.5, 0.25, 0.25};
    const char *h_us[] = {T(d, "Unit"), T(d, "Signature"), T(d, "Signed at")};
    section(p, T(d, "Signatures of distance units"), h_us, w_us, 3, c->usigs.n);
    for (int i = 0; i < c->usigs.n; i++) {
        const UnitSignature *s = &c->usigs.items[i];
        const char *r[] = {s->unit_title, str_eq(s->kind, "start") ? T(d, "Start of the unit") : T(d, "End of the unit"),
                           when(p, s->signed_at)};
        row(p, r, w_us, 3, false);
    }
    static const double w_abs[] = {0.4, 0.16, 0.2, 0.24};
    const char *h_abs[] = {T(d, "Live session"), T(d, "Half-day"), T(d, "Date"), T(d, "Status")};
    section(p, T(d, "Absences"), h_abs, w_abs, 4, c->absences.n);
    for (int i = 0; i < c->absences.n; i++) {
        const Absence *x = &c->absences.items[i];
        const char *r[] = {x->session_title, str_eq(x->half_day, "am") ? T(d, "Morning") : T(d, "Afternoon"),
                           when(p, x->starts_at), status_text(p, x->status)};
        row(p, r, w_abs, 4, false);
    }
}

/* Every record, each from a new page; a footer on every page. */
static void draw(RecPdf *p, const ConnRecord *items, int n)
{
    p->page = 0;
    for (int i = 0; i < n; i++) {
        p->c = &items[i];
        if (i > 0) {
            if (!p->dry) {
                pdf_footer(&p->d, p->c->generated_at, p->c->org_name, p->page, p->npages);
                cairo_show_page(p->d.cr);
            }
            p->page++;
        }
        draw_record(p);
    }
    if (!p->dry) {
        pdf_footer(&p->d, items[0].generated_at, items[0].org_name, p->page, p->npages);
        cairo_show_page(p->d.cr);
    }
}

int conn_records_pdf(Arena *a, const ConnRecord *items, int n, const char *lang, Buf *out)
{
    if (n < 1) return LN_EINVAL;
    RecPdf p = {.d = {.a = a, .lang = lang ? lang : "en"}, .dry = true};
    draw(&p, items, n);         /* counts the pages */
    p.npages = p.page + 1;
    p.dry = false;
    if (pdf_begin(&p.d, out, arena_printf(a, "%s — %s", T(&p.d, "Connection record"), items[0].learner_name),
                  items[0].org_name) != LN_OK)
        return LN_EINVAL;
    draw(&p, items, n);
    return pdf_end(&p.d);
}

int conn_record_pdf(Arena *a, const ConnRecord *c, const char *lang, Buf *out)
{
    return conn_records_pdf(a, c, 1, lang, out);
}
