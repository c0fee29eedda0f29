/* verify_page.c — the public verification of an attendance sheet, where
 * the sheet's QR code points (docs/attendance.md "Verifying a printed
 * sheet"): no sign-in, the session, how many signed, the ledger entries of
 * the session by their hashes, and whether they verify up to a checkpoint
 * signed with the organisation's key.  No names: they are on the sheet. */
#include "attendance/absence.h"
#include "attendance/pages.h"
#include "attendance/progsheet.h"
#include "attendance/verify.h"
#include "mail/mail.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

char *att_sheet_verify_url(Req *r, int64_t session_id)
{
    return attendance_sheet_url(r->arena, mail_base_url(r), r->app->secret, session_id);
}

/* The session of the path when the token is right; 404 otherwise. */
static bool verification_load(Req *r, Verification *v)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (!attendance_sheet_check(r->app->secret, id, req_path_param(r, "token")) || !attendance_verify_session(r->db, r->arena, id, v)) {
        web_not_found(r);
        return false;
    }
    return true;
}

/* ROUTE: GET /verify/sessions/{id}/{token} — public */
void att_verify_page(Req *r)
{
    Verification v;
    if (!verification_load(r, &v)) return;
    const LiveSession *s = &v.s;
    char day[24], from[8], to[8];
    att_local_iso(s->starts_at, s->utc_offset_min, day, sizeof day);
    day[10] = 0;
    att_clock(s->starts_at, s->utc_offset_min, from, sizeof from);
    att_clock(s->ends_at, s->utc_offset_min, to, sizeof to);
    int64_t am = s->utc_offset_min < 0 ? -s->utc_offset_min : s->utc_offset_min;
    req_set_header(r, "Cache-Control", "no-store");
    page_begin(r, T(r, "Attendance sheet verification"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s</h1>\n", s->org_name, T(r, "Attendance sheet verification"));
    hprintf(r, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s — %s</dd><dt>%s</dt><dd>%s</dd>"
               "<dt>%s</dt><dd>%s %s–%s (%s)</dd>"
               "<dt>%s</dt><dd>%lld / %lld</dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%lld</dd></dl>\n",
            T(r, "Organisation"), s->org_name, T(r, "Training course"), s->course_title, s->run_title, T(r, "Session"),
            s->title, T(r, "Date"), day, from, to,
            arena_printf(r->arena, "UTC%c%02lld:%02lld", s->utc_offset_min < 0 ? '-' : '+', (long long)(am / 60),
                         (long long)(am % 60)),
            T(r, "Learners who signed"), (long long)v.learners_signed, (long long)v.expected,
            T(r, "Trainer signatures"), (long long)v.trainer_signatures, T(r, "Absences recorded"), (long long)v.absences);
    const char *vd = attendance_verdict(&v);
    if (str_eq(vd, "verified"))
        hprintf(r, "<p class=\"flash\" role=\"status\" data-verdict=\"verified\">✓ %s</p>\n<dl class=\"facts\">"
                   "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s</dd></dl>\n",
                T(r, "Verified: these entries are unchanged and chained up to a checkpoint signed by the organisation."),
                T(r, "Entries checked"), (long long)v.span.entries, T(r, "Checkpoint at entry"),
                (long long)v.span.checkpoint_seq, T(r, "Signed on"), time_iso(r->arena, v.span.checkpoint_at));
    else if (str_eq(vd, "not_checkpointed"))
        hprintf(r, "<p class=\"alert\" data-verdict=\"not_checkpointed\">%s</p>\n",
                T(r, "The entries are chained and unchanged, but no signed checkpoint covers them yet: come back in an hour."));
    else if (str_eq(vd, "too_long"))
        hprintf(r, "<p class=\"alert\" data-verdict=\"too_long\">%s</p>\n",
                T(r, "Too many entries to check here: ask the organisation for its ledger and run lectern verify."));
    else if (str_eq(vd, "no_entries"))
        hprintf(r, "<p class=\"alert\" data-verdict=\"no_entries\">%s</p>\n", T(r, "No signature of this session is recorded."));
    else if (v.facts_differ)
        hprintf(r, "<p class=\"alert error\" role=\"alert\" data-verdict=\"failed\">✗ %s %s</p>\n",
                T(r, "Verification failed:"),
                T(r, "the signatures recorded for this session differ from their ledger entries."));
    else
        hprintf(r, "<p class=\"alert error\" role=\"alert\" data-verdict=\"failed\">✗ %s %s</p>\n",
                T(r, "Verification failed:"), v.span.detail);
    if (v.span.public_key[0])
        hprintf(r, "<p>%s <code>%s</code> · <a href=\"/o/%s/evidence-key.pub\">%s</a></p>\n",
                T(r, "Signing key (Ed25519):"), v.span.public_key, s->org_slug, T(r, "the organisation's public keys"));
    else
        hprintf(r, "<p><a href=\"/o/%s/evidence-key.pub\">%s</a></p>\n", s->org_slug, T(r, "the organisation's public keys"));
    if (v.n) {
        hprintf(r, "<h2>%s</h2><div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
                T(r, "Ledger entries of this session"), T(r, "Entry"), T(r, "Kind"), T(r, "Time (UTC)"), T(r, "SHA-256"));
        for (int i = 0; i < v.n; i++)
            hprintf(r, "<tr><td>%lld</td><td>%s</td><td>%s</td><td><code class=\"hash\">%s</code></td></tr>\n",
                    (long long)v.entries[i].seq, v.entries[i].kind, time_iso(r->arena, v.entries[i].at), v.entries[i].hash);
        html_lit(r, "</tbody></table></div>\n");
    }
    hprintf(r, "<p class=\"muted\">%s</p>\n",
            T(r, "Each entry's hash covers the previous one, and the organisation signs the latest hash regularly: changing, removing or reordering a signature breaks the chain. Names are on the printed sheet only."));
    page_end(r);
}

/* ROUTE: GET /api/v1/verify/sessions/{id}/{token} — public */
void api_att_verify_get(Req *r)
{
    Verification v;
    if (!verification_load(r, &v)) return;
    json_t *entries = json_array();
    for (int i = 0; i < v.n; i++)
        json_array_append_new(entries, json_pack("{s:I,s:s,s:o,s:s}", "seq", (json_int_t)v.entries[i].seq, "kind",
                                                 v.entries[i].kind, "at", api_time(r->arena, v.entries[i].at), "hash",
                                                 v.entries[i].hash));
    const LiveSession *s = &v.s;
    json_t *j = json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:I,s:I,s:I,s:o,s:s}",
        "organisation", s->org_name, "org", s->org_slug, "session_id", (json_int_t)s->id, "title", s->title,
        "course", s->course_title, "run", s->run_title, "starts_at", api_time(r->arena, s->starts_at),
        "ends_at", api_time(r->arena, s->ends_at), "expected", (json_int_t)v.expected,
        "learners_signed", (json_int_t)v.learners_signed, "trainer_signatures", (json_int_t)v.trainer_signatures,
        "absences", (json_int_t)v.absences, "entries", entries, "verdict", attendance_verdict(&v));
    json_object_set_new(j, "checkpoint_seq", v.span.checkpoint_seq ? json_integer(v.span.checkpoint_seq) : json_null());
    json_object_set_new(j, "checkpoint_at", api_time(r->arena, v.span.checkpoint_at));
    json_object_set_new(j, "public_key", v.span.public_key[0] ? json_string(v.span.public_key) : json_null());
    json_object_set_new(j, "key_url", json_string(arena_printf(r->arena, "/o/%s/evidence-key.pub", s->org_slug)));
    json_object_set_new(j, "signatures_differ", json_integer(v.facts_differ));
    if (v.facts_differ) {
        json_object_set_new(j, "fault", json_string("signature_differs"));
        json_object_set_new(j, "signature_id", json_integer(v.first_differ));
    } else if (v.span_rc == LN_EINVAL) {
        json_object_set_new(j, "fault", json_string(ledger_fault_code(v.span.fault)));
        json_object_set_new(j, "bad_seq", json_integer(v.span.bad_seq));
        json_object_set_new(j, "detail", json_string(v.span.detail));
    }
    req_set_header(r, "Cache-Control", "no-store");
    api_json(r, 200, j);
}

/* ======================================================================
 * A learner's sheet over a programme (progsheet.h): each of its sessions
 * verified as above, each linking to its own verification.  No names.
 * ==================================================================== */

#define PROGRAMME_VERIFY_MAX 60         /* sessions verified on one page */

static const char *verdict_label(Req *r, const char *vd)
{
    if (str_eq(vd, "verified")) return T(r, "verified");
    if (str_eq(vd, "not_checkpointed")) return T(r, "chained, not yet under a signed checkpoint");
    if (str_eq(vd, "too_long")) return T(r, "too many entries to check here");
    if (str_eq(vd, "no_entries")) return T(r, "no signature recorded");
    return T(r, "verification failed");
}

/* ROUTE: GET /verify/programmes/{id}/learners/{uid}/{token} — public */
void att_verify_programme_page(Req *r)
{
    int64_t pid, uid, org = 0;
    if (!req_path_id_or_404(r, "id", &pid) || !req_path_id_or_404(r, "uid", &uid)) return;
    ProgSheet p;
    if (!progsheet_check(r->app->secret, pid, uid, req_path_param(r, "token"))
        || progsheet_programme_org(r->db, pid, &org) != LN_OK
        || progsheet_load(r->db, r->arena, org, pid, uid, time_now_us(), &p) != LN_OK) {
        web_not_found(r);
        return;
    }
    req_set_header(r, "Cache-Control", "no-store");
    page_begin(r, T(r, "Attendance sheet verification"));
    hprintf(r, "<p class=\"muted\">%s</p><h1>%s</h1>\n<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%d</dd></dl>\n",
            p.org_name, T(r, "Attendance sheet verification"), T(r, "Programme"), p.programme_title,
            T(r, "Live sessions"), p.n);
    int failed = 0, verified = 0;
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th></tr></thead><tbody>\n", T(r, "Session"), T(r, "Date"), T(r, "Verification"));
    for (int i = 0; i < p.n && i < PROGRAMME_VERIFY_MAX; i++) {
        Verification v;
        const char *vd = attendance_verify_session(r->db, r->arena, p.items[i].s.id, &v) ? attendance_verdict(&v) : "failed";
        failed += str_eq(vd, "failed");
        verified += str_eq(vd, "verified");
        char day[24];
        att_local_iso(p.items[i].s.starts_at, p.items[i].s.utc_offset_min, day, sizeof day);
        day[10] = 0;
        hprintf(r, "<tr data-verdict=\"%s\"><td>%s</td><td>%s</td><td><a href=\"%s\">%s</a></td></tr>\n", vd,
                p.items[i].s.title, day, att_sheet_verify_url(r, p.items[i].s.id), verdict_label(r, vd));
    }
    html_lit(r, "</tbody></table></div>\n");
    if (failed)
        hprintf(r, "<p class=\"alert error\" role=\"alert\" data-verdict=\"failed\">✗ %s</p>\n",
                T(r, "Verification failed for at least one session: open it to see what differs."));
    else if (verified == p.n && p.n)
        hprintf(r, "<p class=\"flash\" role=\"status\" data-verdict=\"verified\">✓ %s</p>\n",
                T(r, "Every session of this sheet is verified."));
    if (p.n > PROGRAMME_VERIFY_MAX)
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Only the first 60 sessions are checked here; open the others from their own sheets."));
    hprintf(r, "<p class=\"muted\">%s</p>\n",
            T(r, "Each session links to its own verification: its ledger entries by their hashes, and the checkpoint signed by the organisation. Names are on the printed sheet only."));
    page_end(r);
}
