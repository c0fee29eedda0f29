/* certificate_pdf.c — a completion certificate as a one-page A4 PDF
 * (certificate.h), after the Ministry of Labour's model of the "certificat
 * de réalisation": provider, learner, employer, action, type of action,
 * dates and hours, then how the hours were counted and where to verify it.
 * Drawn with the attendance PDFs' helpers (pdfdoc.h). */
#include "attendance/pdfdoc.h"
#include "certificate/certificate.h"
#include "web/i18n.h"

#define LABEL_W (CW * 0.34)

/* One "label: value" line of the certificate; returns the next y. */
static double field(PdfDoc *d, double y, const char *label, const char *value, bool strong)
{
    pdf_color(d, MUTED);
    pdf_text(d, label, 9.5, false, false, MARGIN, y, LABEL_W - 8, 2, PANGO_ALIGN_LEFT);
    pdf_color(d, INK);
    double h = pdf_text(d, value, strong ? 12 : 10.5, strong, false, MARGIN + LABEL_W, y - (strong ? 1.5 : 0),
                        CW - LABEL_W, 3, PANGO_ALIGN_LEFT);
    return y + (h > 14 ? h : 14) + 8;
}

int cert_pdf(Arena *a, const Certificate *c, const char *lang, const char *verify_url, Buf *out)
{
    PdfDoc doc = {.a = a, .lang = lang};
    PdfDoc *d = &doc;
    if (pdf_begin(d, out, T(d, "Certificate of completion"), c->org_name) != LN_OK) return LN_EINVAL;
    double y = MARGIN;
    pdf_color(d, ACCENT);
    cairo_rectangle(d->cr, MARGIN, y, CW, 3);
    cairo_fill(d->cr);
    y += 22;
    pdf_text(d, c->org_name, 11, true, false, MARGIN, y, CW, 1, PANGO_ALIGN_LEFT);
    y += 30;
    pdf_color(d, INK);
    y += pdf_text(d, T(d, "Certificate of completion"), 22, true, false, MARGIN, y, CW, 1, PANGO_ALIGN_LEFT) + 6;
    pdf_color(d, MUTED);
    y += pdf_text(d, T(d, "The training provider named above certifies that the learner below took part in the action "
                         "below, for the time shown, as recorded in its evidence ledger."),
                  9.5, false, false, MARGIN, y, CW, 3, PANGO_ALIGN_LEFT) + 18;
    if (c->revoked_at) {
        pdf_color(d, ABSENT);
        cairo_rectangle(d->cr, MARGIN, y, CW, 40);
        cairo_set_line_width(d->cr, 1.5);
        cairo_stroke(d->cr);
        pdf_text(d, arena_printf(a, "%s %s — %s", T(d, "Revoked on"), pdf_date(d, c->revoked_at, 0),
                                 c->revoke_reason ? c->revoke_reason : ""),
                 11, true, false, MARGIN + 10, y + 8, CW - 20, 2, PANGO_ALIGN_LEFT);
        y += 56;
    }
    y = field(d, y, T(d, "Learner"), c->learner_name, true);
    y = field(d, y, T(d, "Employer"), *c->employer ? c->employer : "—", false);
    y = field(d, y, T(d, "Action"), arena_printf(a, "%s — %s", c->course_title, c->run_title), true);
    y = field(d, y, T(d, "Type of action"), i18n_get(lang, cert_action_type_text(c->action_type)), false);
    y = field(d, y, T(d, "Dates"), arena_printf(a, "%s → %s", pdf_date(d, c->f.first_at, 0), pdf_date(d, c->f.last_at, 0)),
              false);
    y = field(d, y, T(d, "Hours completed"), cert_duration(a, cert_total_minutes(&c->f)), true);
    pdf_color(d, RULE);
    pdf_hline(d, MARGIN, MARGIN + CW, y, 0.5);
    y += 14;
    pdf_color(d, INK);
    y += pdf_text(d, T(d, "How the hours were counted"), 11, true, false, MARGIN, y, CW, 1, PANGO_ALIGN_LEFT) + 8;
    y = field(d, y, T(d, "Live sessions"),
              arena_printf(a, "%s · %lld %s", cert_duration(a, c->f.live_minutes), (long long)c->f.live_sessions,
                           T(d, "sessions signed")), false);
    y = field(d, y, T(d, "Distance learning"),
              arena_printf(a, "%s · %lld %s", cert_duration(a, c->f.distance_minutes), (long long)c->f.connection_sessions,
                           T(d, "connection sessions")), false);
    if (c->f.external_minutes)
        y = field(d, y, T(d, "External activities, validated"), cert_duration(a, c->f.external_minutes), false);
    y = field(d, y, T(d, "Assessments submitted"), arena_printf(a, "%lld", (long long)c->f.attempts), false);
    pdf_color(d, MUTED);
    y += pdf_text(d, T(d, "Live sessions: each half-day the learner signed, from the session's start to its end, split "
                         "at noon, until an early departure. Distance learning: active time measured in the course, "
                         "idle time and over-long sessions left out. External activities: the time a trainer validated "
                         "from the other platform's records. Dates: the first and last evidence of participation "
                         "(UTC)."),
                  8.5, false, true, MARGIN, y, CW, 5, PANGO_ALIGN_LEFT) + 24;
    /* issue, ledger and verification */
    double qr = 92;
    pdf_color(d, INK);
    double ty = y;
    ty += pdf_text(d, arena_printf(a, "%s %s — %s", T(d, "Issued on"), pdf_date(d, c->issued_at, 0), c->org_name), 10, true,
                   false, MARGIN, ty, CW - qr - 16, 2, PANGO_ALIGN_LEFT) + 2;
    ty += pdf_text(d, arena_printf(a, "%s %s", T(d, "Issued by"), c->issuer_name ? c->issuer_name : ""), 9.5, false, false,
                   MARGIN, ty, CW - qr - 16, 1, PANGO_ALIGN_LEFT) + 6;
    pdf_color(d, MUTED);
    ty += pdf_text(d, arena_printf(a, "%s %lld. %s", T(d, "Issued electronically and recorded in the provider's evidence "
                                                         "ledger, entry no."), (long long)c->ledger_seq,
                                   T(d, "Scan the code or open the address below to check it:")),
                   8.5, false, false, MARGIN, ty, CW - qr - 16, 4, PANGO_ALIGN_LEFT) + 4;
    pdf_color(d, ACCENT);
    pdf_text(d, verify_url, 8, false, false, MARGIN, ty, CW - qr - 16, 2, PANGO_ALIGN_LEFT);
    pdf_qr(d, verify_url, MARGIN + CW - qr, y - 4, qr);
    pdf_footer(d, c->issued_at, c->org_name, 0, 1);
    return pdf_end(d);
}
