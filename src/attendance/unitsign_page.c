/* unitsign_page.c — signing windows of distance units (unitsign.h): the
 * trainer's page that sets them, the learner's signature on the unit page,
 * and their JSON twins. */
#include "attendance/pages.h"
#include "attendance/unitsign.h"
#include "content/content.h"
#include "http/access.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *kind_label(Req *r, const char *k)
{
    return str_eq(k, "start") ? T(r, "Start of the unit") : T(r, "End of the unit");
}

static const char *moment(Req *r, UsTime t, int64_t offset)
{
    char b[24];
    att_local_iso(t, offset, b, sizeof b);
    b[10] = ' ';
    int64_t m = offset < 0 ? -offset : offset;
    return arena_printf(r->arena, "%s (UTC%c%02lld:%02lld)", b, offset < 0 ? '-' : '+', (long long)(m / 60),
                        (long long)(m % 60));
}

/* A refusal's message: the English msgid translated, with the window's times. */
static const char *refusal(Req *r, int rc, const char *why, const UnitWindow *w)
{
    const char *t = i18n_get(r->lang, why);
    if (rc != LN_EPERM) return t;
    return arena_printf(r->arena, "%s %s %s – %s.", t, T(r, "The window is"), moment(r, w->opens_at, w->utc_offset_min),
                        moment(r, w->closes_at, w->utc_offset_min));
}

static int refusal_status(int rc, const char **code)
{
    switch (rc) {
    case LN_NOTFOUND: *code = "not_found"; return 404;
    case LN_EPERM: *code = "outside_window"; return 403;
    case LN_EEXIST: *code = "already_signed"; return 409;
    case LN_ELIMIT: *code = "too_large"; return 413;
    case LN_EINVAL: *code = "invalid"; return 422;
    default: *code = "internal"; return 500;
    }
}

/* For the unit player (learn_page.c): the unit's signing windows for an
 * enrolled learner — signed, a pad inside the window, or when it opens. */
void unitsign_render(Req *r, const RunRef *run, int64_t unit_id)
{
    UnitWindowList wl;
    UnitSignatureList sl;
    if (unit_windows(r->db, r->arena, run->id, unit_id, &wl) != LN_OK || wl.n == 0) return;
    if (unit_signatures(r->db, r->arena, run->id, r->user->id, unit_id, &sl) != LN_OK) return;
    UsTime now = time_now_us();
    for (int i = 0; i < wl.n; i++) {
        const UnitWindow *w = &wl.items[i];
        const UnitSignature *done = NULL;
        for (int k = 0; k < sl.n; k++)
            if (str_eq(sl.items[k].kind, w->kind)) done = &sl.items[k];
        hprintf(r, "<section class=\"unit-sign\"><h2>%s — %s</h2>\n", T(r, "Signature"), kind_label(r, w->kind));
        if (done)
            hprintf(r, "<p class=\"flash\" role=\"status\">✓ %s %s</p>", T(r, "Signed on"), moment(r, done->signed_at, w->utc_offset_min));
        else if (now < w->opens_at)
            hprintf(r, "<p class=\"muted\">%s %s.</p>", T(r, "Signing opens on"), moment(r, w->opens_at, w->utc_offset_min));
        else if (now > w->closes_at)
            hprintf(r, "<p class=\"muted\">%s %s.</p>", T(r, "Signing closed on"), moment(r, w->closes_at, w->utc_offset_min));
        else {
            hprintf(r, "<p>%s %s.</p>", T(r, "Your trainer asks you to sign here, until"), moment(r, w->closes_at, w->utc_offset_min));
            att_pad_form(r, arena_printf(r->arena, "/runs/%lld/units/%lld/sign", (long long)run->id, (long long)unit_id),
                         "kind", w->kind, T(r, "Sign"));
        }
        html_lit(r, "</section>\n");
    }
}

/* ROUTE: POST /runs/{id}/units/{unit}/sign — kind, strokes */
void att_unit_sign_post(Req *r)
{
    int64_t id, unit;
    RunRef run;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &unit)) return;
    if (run_ref(r->db, r->arena, 0, id, &run) != LN_OK) {
        web_not_found(r);
        return;
    }
    const char *strokes = req_form(r, "strokes"), *ua = req_header(r, "user-agent");
    UnitSignInput in = {.run = &run, .unit_id = unit, .user_id = r->user->id, .kind = req_form(r, "kind"),
                        .ip = r->client_ip, .user_agent = ua ? ua : "", .strokes = strokes,
                        .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    UnitSignature g;
    UnitWindow w = {0};
    const char *why = NULL, *code;
    int rc = unit_sign(r->db, r->arena, &in, &g, &w, &why);
    if (rc != LN_OK) {
        int status = refusal_status(rc, &code);
        web_error(r, status, code, refusal(r, rc, why, &w));
        return;
    }
    page_flash(r, arena_printf(r->arena, "%s — %s", kind_label(r, g.kind), T(r, "signed")));
    req_redirect(r, arena_printf(r->arena, "/runs/%lld/units/%lld", (long long)run.id, (long long)unit));
}

/* ---- the trainer's page ---------------------------------------------------- */

static bool staff_run(Req *r, RunRef *run)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) == LN_OK) return true;
    web_not_found(r);
    return false;
}

typedef struct WinForm { const char *unit, *kind, *opens, *closes, *offset, *field, *error; } WinForm;

static void windows_render(Req *r, const RunRef *run, const WinForm *f)
{
    UnitWindowList wl;
    unit_windows(r->db, r->arena, run->id, 0, &wl);
    page_begin(r, T(r, "Signatures of distance units"));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/sessions\">%s</a></p><h1>%s</h1>\n<p>%s</p>\n", r->org->slug,
            (long long)run->id, run->title, T(r, "Signatures of distance units"),
            T(r, "Ask the learners to sign at the start or at the end of an asynchronous unit, within a window you set. "
                 "They sign from the unit's page; a signature outside the window is refused."));
    if (wl.n) {
        hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\"><span class=\"sr-only\">%s</span></th>"
                   "</tr></thead><tbody>\n",
                T(r, "Unit"), T(r, "Signature"), T(r, "Opens"), T(r, "Closes"), T(r, "Actions"));
        for (int i = 0; i < wl.n; i++)
            hprintf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><form method=\"post\" action=\"/o/%s/runs/%lld/unit-signing/remove\">"
                       "<input type=\"hidden\" name=\"_csrf\" value=\"%s\"><input type=\"hidden\" name=\"unit_id\" value=\"%lld\">"
                       "<input type=\"hidden\" name=\"kind\" value=\"%s\"><button type=\"submit\" class=\"button secondary\">%s</button>"
                       "</form></td></tr>\n", wl.items[i].unit_title,
                    kind_label(r, wl.items[i].kind), moment(r, wl.items[i].opens_at, wl.items[i].utc_offset_min),
                    moment(r, wl.items[i].closes_at, wl.items[i].utc_offset_min), r->org->slug, (long long)run->id,
                    access_csrf_token(r), (long long)wl.items[i].unit_id, wl.items[i].kind, T(r, "Remove"));
        html_lit(r, "</tbody></table></div>\n");
    } else hprintf(r, "<p class=\"muted\">%s</p>\n", T(r, "No signing window is set yet."));

    Outline o;
    hprintf(r, "<section class=\"card narrow-form\"><h2>%s</h2>\n", T(r, "Set a signing window"));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/unit-signing", r->org->slug, (long long)run->id));
    if (f->error && (!f->field || str_eq(f->field, "unit_id"))) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", f->error);
    hprintf(r, "<div class=\"field\"><label for=\"us-unit\">%s</label><select id=\"us-unit\" name=\"unit_id\">", T(r, "Unit"));
    if (outline_load(r->db, r->arena, run->course_id, &o) == LN_OK)
        for (int s = 0; s < o.n; s++)
            for (int u = 0; u < o.sections[s].n; u++) {
                const Unit *un = &o.sections[s].units[u];
                if (str_eq(un->kind, "live")) continue;     /* live sessions have their own signatures */
                hprintf(r, "<option value=\"%lld\"%s>%s — %s</option>", (long long)un->id,
                        f->unit && atoll(f->unit) == un->id ? " selected" : "", o.sections[s].title, un->title);
            }
    hprintf(r, "</select></div><div class=\"field\"><label for=\"us-kind\">%s</label><select id=\"us-kind\" name=\"kind\">"
               "<option value=\"start\"%s>%s</option><option value=\"end\"%s>%s</option></select></div>",
            T(r, "Signature"), str_eq(f->kind, "end") ? "" : " selected", T(r, "Start of the unit"),
            str_eq(f->kind, "end") ? " selected" : "", T(r, "End of the unit"));
    const struct { const char *name, *label, *value; } when[] = {{"opens_at", T(r, "Opens"), f->opens},
                                                                 {"closes_at", T(r, "Closes"), f->closes}};
    for (int i = 0; i < 2; i++) {
        bool bad = str_eq(f->field, when[i].name);
        hprintf(r, "<div class=\"field%s\"><label for=\"us-%s\">%s</label><input id=\"us-%s\" name=\"%s\""
                   " type=\"datetime-local\" required value=\"%s\"",
                bad ? " has-error" : "", when[i].name, when[i].label, when[i].name, when[i].name,
                when[i].value ? when[i].value : "");
        if (bad) html_lit(r, " aria-invalid=\"true\" aria-describedby=\"us-error\">");
        else html_lit(r, ">");
        if (bad) hprintf(r, "<p class=\"field-error\" id=\"us-error\">%s</p>", f->error);
        html_lit(r, "</div>");
    }
    bool bad = str_eq(f->field, "utc_offset");
    hprintf(r, "<div class=\"field%s\"><label for=\"us-offset\">%s</label><input id=\"us-offset\" name=\"utc_offset\""
               " value=\"%s\" placeholder=\"+01:00\"><p class=\"hint\">%s</p>",
            bad ? " has-error" : "", T(r, "Time zone offset from UTC"), f->offset ? f->offset : "+00:00",
            T(r, "The dates above are read at this offset: +01:00 for Paris in winter, +02:00 in summer."));
    if (bad) hprintf(r, "<p class=\"field-error\">%s</p>", f->error);
    html_lit(r, "</div>");
    form_submit(r, T(r, "Save the window"));
    form_end(r);
    html_lit(r, "</section>\n");
    page_end(r);
}

/* ROUTE: GET /o/{org}/runs/{id}/unit-signing */
void att_unit_windows_page(Req *r)
{
    RunRef run;
    if (!staff_run(r, &run)) return;
    WinForm f = {0};
    windows_render(r, &run, &f);
}

/* ROUTE: POST /o/{org}/runs/{id}/unit-signing — unit_id, kind, opens_at, closes_at, utc_offset */
void att_unit_windows_post(Req *r)
{
    RunRef run;
    if (!staff_run(r, &run)) return;
    WinForm f = {.unit = req_form(r, "unit_id"), .kind = req_form(r, "kind"), .opens = req_form(r, "opens_at"),
                 .closes = req_form(r, "closes_at"), .offset = req_form(r, "utc_offset")};
    int64_t off = 0, unit = 0;
    UsTime opens = 0, closes = 0;
    const char *why = NULL;
    if (!str_empty(f.offset) && !att_parse_offset(f.offset, &off)) {
        f.field = "utc_offset";
        f.error = T(r, "The time zone offset is not valid.");
    } else if (!att_parse_time(f.opens, off, &opens, NULL)) {
        f.field = "opens_at";
        f.error = T(r, "Give the date and time the window opens.");
    } else if (!att_parse_time(f.closes, off, &closes, NULL)) {
        f.field = "closes_at";
        f.error = T(r, "Give the date and time the window closes.");
    } else if (!str_to_i64(f.unit ? f.unit : "", &unit)
               || unit_window_set(r->db, &run, unit, f.kind, opens, closes, off, r->user->id, time_now_us(), &why) != LN_OK) {
        f.field = "unit_id";
        f.error = i18n_get(r->lang, why ? why : "No such unit in this course.");
    }
    if (f.error) {
        r->status = 422;
        windows_render(r, &run, &f);
        return;
    }
    page_flash(r, T(r, "The signing window is saved."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/unit-signing", r->org->slug, (long long)run.id));
}

/* ROUTE: POST /o/{org}/runs/{id}/unit-signing/remove — unit_id, kind; signatures made stay */
void att_unit_windows_remove_post(Req *r)
{
    RunRef run;
    if (!staff_run(r, &run)) return;
    int64_t unit = 0;
    const char *u = req_form(r, "unit_id");
    if (!str_to_i64(u ? u : "", &unit) || unit_window_clear(r->db, &run, unit, req_form(r, "kind")) != LN_OK) {
        web_not_found(r);
        return;
    }
    page_flash(r, T(r, "The signing window is removed; the signatures made stay."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/unit-signing", r->org->slug, (long long)run.id));
}

/* ---- API ------------------------------------------------------------------- */

/* ROUTE: DELETE /api/v1/orgs/{org}/runs/{id}/units/{unit}/sign-windows/{kind} */
void api_att_unit_window_delete(Req *r)
{
    RunRef run;
    int64_t unit;
    if (!staff_run(r, &run) || !req_path_id_or_404(r, "unit", &unit)) return;
    if (unit_window_clear(r->db, &run, unit, req_path_param(r, "kind")) != LN_OK) {
        api_error(r, 404, "not_found", "no such signing window");
        return;
    }
    api_json(r, 200, json_pack("{s:b}", "removed", 1));
}

/* ROUTE: POST /api/v1/orgs/{org}/runs/{id}/units/{unit}/sign-windows — {"kind","opens_at","closes_at"} */
void api_att_unit_windows_put(Req *r)
{
    RunRef run;
    int64_t unit;
    if (!staff_run(r, &run) || !req_path_id_or_404(r, "unit", &unit)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *kind = api_str(r, b, "kind", &bad), *o = api_str(r, b, "opens_at", &bad), *c = api_str(r, b, "closes_at", &bad);
    if (bad) return;
    UsTime opens, closes;
    int64_t off = 0;
    if (!att_parse_time(o, 0, &opens, &off) || !att_parse_time(c, off, &closes, NULL)) {
        api_error(r, 422, "invalid", "opens_at and closes_at are ISO 8601 times (\"2026-03-02T09:00+01:00\")");
        return;
    }
    const char *why = NULL, *code;
    int rc = unit_window_set(r->db, &run, unit, kind, opens, closes, off, r->user->id, time_now_us(), &why);
    if (rc != LN_OK) {
        int status = refusal_status(rc, &code);
        api_error(r, status, code, i18n_get(r->lang, why));
        return;
    }
    api_json(r, 200, json_pack("{s:I,s:I,s:s,s:s,s:s}", "run_id", (json_int_t)run.id, "unit_id", (json_int_t)unit,
                               "kind", kind, "opens_at", time_iso(r->arena, opens), "closes_at",
                               time_iso(r->arena, closes)));
}

/* ROUTE: POST /api/v1/runs/{id}/units/{unit}/signatures — {"kind", "strokes"} as the signed-in learner */
void api_att_unit_signatures_post(Req *r)
{
    int64_t id, unit;
    RunRef run;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &unit)) return;
    if (!r->user) {
        api_error(r, 401, "unauthenticated", "Sign in first.");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    if (run_ref(r->db, r->arena, 0, id, &run) != LN_OK || (r->via_token && r->token_org_id != run.org_id)) {
        api_error(r, 404, "not_found", "no such course run");
        return;
    }
    bool bad = false;
    const char *kind = api_str(r, b, "kind", &bad);
    if (bad) return;
    json_t *sj = json_object_get(b, "strokes");
    char *strokes = NULL;
    if (json_is_string(sj)) strokes = arena_strdup(r->arena, json_string_value(sj));
    else if (json_is_array(sj)) {
        char *dump = json_dumps(sj, JSON_COMPACT);
        if (dump) {
            strokes = arena_strdup(r->arena, dump);
            free(dump);
        }
    }
    const char *ua = req_header(r, "user-agent");
    UnitSignInput in = {.run = &run, .unit_id = unit, .user_id = r->user->id, .kind = kind ? kind : "",
                        .ip = r->client_ip, .user_agent = ua ? ua : "", .strokes = strokes,
                        .strokes_len = strokes ? strlen(strokes) : 0, .now = time_now_us()};
    UnitSignature g;
    UnitWindow w = {0};
    const char *why = NULL, *code;
    int rc = unit_sign(r->db, r->arena, &in, &g, &w, &why);
    if (rc != LN_OK) {
        int status = refusal_status(rc, &code);
        api_error(r, status, code, refusal(r, rc, why, &w));
        return;
    }
    api_json(r, 201, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)g.id, "run_id", (json_int_t)run.id,
                               "unit_id", (json_int_t)unit, "kind", g.kind, "signed_at", time_iso(r->arena, g.signed_at),
                               "image_sha256", g.image_sha256));
}
