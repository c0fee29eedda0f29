/* outline_page.c — the trainer's outline editor: sections and units, their
 * order (buttons that work without script), unit settings, files and
 * caption tracks.  Routes are A_STAFF under /o/{org}/courses/{id}. */
#include "content/pages.h"
#include "assess/pages.h"
#include "assess/peer.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

static bool staff_course(Req *r, Course *c)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (course_load_in(r->db, r->arena, r->org->id, id, c) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

static char *outline_url(Req *r, const Course *c)
{
    return arena_printf(r->arena, "/o/%s/courses/%lld/outline", r->org->slug, (long long)c->id);
}

static char *unit_url(Req *r, const Course *c, int64_t uid)
{
    return arena_printf(r->arena, "/o/%s/courses/%lld/units/%lld", r->org->slug, (long long)c->id, (long long)uid);
}

/* After a change to the outline: the catalog's search index follows the
 * titles and texts, then back to `url`. */
static void back(Req *r, const Course *c, const char *url, const char *flash)
{
    course_search_index(r->db, c->id);
    if (flash) page_flash(r, flash);
    req_redirect(r, url);
}

/* A number field: absent or empty gives `def`; false when not a number. */
static bool form_i64(Req *r, const char *name, int64_t def, int64_t *out)
{
    const char *v = req_form(r, name);
    if (!v || !*v) {
        *out = def;
        return true;
    }
    return str_to_i64(v, out) && *out >= 0;
}

static void move_buttons(Req *r, const char *action)
{
    form_begin(r, action);
    hprintf(r, "<div class=\"moves\"><button type=\"submit\" class=\"button small secondary\" name=\"dir\" value=\"up\""
               " aria-label=\"%s\">↑</button><button type=\"submit\" class=\"button small secondary\" name=\"dir\""
               " value=\"down\" aria-label=\"%s\">↓</button></div>",
            T(r, "Move up"), T(r, "Move down"));
    form_end(r);
}

static void kind_select(Req *r, const char *id, const char *current)
{
    hprintf(r, "<select id=\"%s\" name=\"kind\">", id);
    for (int i = 0; i < unit_kind_count; i++)
        hprintf(r, "<option value=\"%s\"%s>%s</option>", unit_kinds[i].name,
                str_eq(current, unit_kinds[i].name) ? " selected" : "", i18n_get(r->lang, unit_kinds[i].label));
    html_lit(r, "</select>");
}

static void section_block(Req *r, const Course *c, const Section *s)
{
    char *base = arena_printf(r->arena, "/o/%s/courses/%lld/sections/%lld", r->org->slug, (long long)c->id,
                              (long long)s->id);
    hprintf(r, "<section class=\"card outline-section\"><div class=\"spread\"><h2>%s</h2><div class=\"inline\">",
            s->title);
    move_buttons(r, arena_printf(r->arena, "%s/move", base));
    if (s->n == 0) {
        form_begin(r, arena_printf(r->arena, "%s/delete", base));
        hprintf(r, "<button type=\"submit\" class=\"button small secondary\" data-confirm=\"%s\">%s</button>",
                T(r, "Delete this section?"), T(r, "Delete"));
        form_end(r);
    }
    html_lit(r, "</div></div>");
    if (s->release_days >= 0)
        hprintf(r, "<p class=\"muted\">%s %lld</p>", T(r, "Instructor-paced sessions open it on day"),
                (long long)s->release_days);
    html_lit(r, "<ol class=\"units\">");
    for (int j = 0; j < s->n; j++) {
        const Unit *u = &s->units[j];
        const UnitKind *k = unit_kind(u->kind);
        hprintf(r, "<li class=\"spread\"><span><a href=\"%s\">%s</a> <span class=\"muted\">%s · %lld min%s</span></span>",
                unit_url(r, c, u->id), u->title, k ? i18n_get(r->lang, k->label) : u->kind, (long long)u->minutes,
                u->required ? "" : T(r, " · optional"));
        move_buttons(r, arena_printf(r->arena, "%s/move", unit_url(r, c, u->id)));
        html_lit(r, "</li>");
    }
    html_lit(r, "</ol>");
    form_begin(r, arena_printf(r->arena, "/o/%s/courses/%lld/units", r->org->slug, (long long)c->id));
    hprintf(r, "<input type=\"hidden\" name=\"section_id\" value=\"%lld\"><div class=\"inline\">"
               "<label class=\"sr-only\" for=\"k%lld\">%s</label>", (long long)s->id, (long long)s->id, T(r, "Kind"));
    kind_select(r, arena_printf(r->arena, "k%lld", (long long)s->id), "text");
    hprintf(r, "<label class=\"sr-only\" for=\"t%lld\">%s</label><input id=\"t%lld\" name=\"title\" required"
               " maxlength=\"200\" placeholder=\"%s\"><button type=\"submit\" class=\"button small\">%s</button></div>",
            (long long)s->id, T(r, "Unit title"), (long long)s->id, T(r, "New unit title"), T(r, "Add a unit"));
    form_end(r);
    html_lit(r, "</section>\n");
}

static void outline_render(Req *r, const Course *c, const char *error)
{
    Outline o;
    outline_load(r->db, r->arena, c->id, &o);
    RunList rl;
    run_list(r->db, r->arena, c, 0, true, &rl);
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Outline"), c->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/courses\">%s</a> · <a href=\"/courses/%lld\">%s</a></p>"
               "<h1>%s <span class=\"muted\">· %s</span></h1>\n",
            r->org->slug, T(r, "Courses"), (long long)c->id, c->title, T(r, "Outline"), c->title);
    if (error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", error);
    if (rl.n) hprintf(r, "<p><a class=\"button secondary\" href=\"/runs/%lld/learn\">%s</a></p>",
                      (long long)rl.items[0].id, T(r, "Preview as a learner"));
    else hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Add a session to the course to preview it as a learner."));
    html_lit(r, "<div class=\"layout-2\"><div>");
    if (o.n == 0) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No section yet: add the first one."));
    for (int i = 0; i < o.n; i++) section_block(r, c, &o.sections[i]);
    hprintf(r, "</div><aside><section class=\"card\"><h2>%s</h2>", T(r, "New section"));
    form_begin(r, arena_printf(r->arena, "/o/%s/courses/%lld/sections", r->org->slug, (long long)c->id));
    form_input(r, "text", "title", T(r, "Title"), NULL, NULL, "required maxlength=\"200\"");
    form_input(r, "number", "release_days", T(r, "Opens on day (instructor-paced sessions; empty: at once)"), NULL,
               NULL, "min=\"0\" max=\"3650\"");
    form_submit(r, T(r, "Add the section"));
    form_end(r);
    html_lit(r, "</section></aside></div>\n");
    page_end(r);
}

/* GET /o/{org}/courses/{id}/outline */
void outline_page(Req *r)
{
    Course c;
    if (staff_course(r, &c)) outline_render(r, &c, NULL);
}

static bool section_input(Req *r, SectionInput *in)
{
    in->title = req_form(r, "title");
    if (!form_i64(r, "release_days", -1, &in->release_days)) in->release_days = 9999;  /* refused by the check */
    const char *msg;
    if (section_check(in, &msg)) {
        Course c;
        if (staff_course(r, &c)) {
            r->status = 422;
            outline_render(r, &c, i18n_get(r->lang, msg));
        }
        return false;
    }
    return true;
}

/* POST /o/{org}/courses/{id}/sections */
void outline_section_post(Req *r)
{
    Course c;
    SectionInput in;
    int64_t id;
    if (!staff_course(r, &c) || !section_input(r, &in)) return;
    if (!in.title) in.title = "";
    if (section_create(r->db, &c, &in, time_now_us(), &id) != LN_OK) {
        r->status = 422;
        outline_render(r, &c, T(r, "A title is required."));
        return;
    }
    back(r, &c, outline_url(r, &c), NULL);
}

static bool path_id(Req *r, const char *name, int64_t *id) { return req_path_id_or_404(r, name, id); }

/* POST /o/{org}/courses/{id}/sections/{sid} */
void outline_section_edit_post(Req *r)
{
    Course c;
    SectionInput in;
    int64_t sid;
    if (!staff_course(r, &c) || !path_id(r, "sid", &sid) || !section_input(r, &in)) return;
    int rc = section_update(r->db, &c, sid, &in, time_now_us());
    if (rc == LN_NOTFOUND) web_not_found(r);
    else back(r, &c, outline_url(r, &c), rc == LN_OK ? T(r, "Saved.") : T(r, "Something went wrong on our side."));
}

/* POST /o/{org}/courses/{id}/sections/{sid}/move */
void outline_section_move_post(Req *r)
{
    Course c;
    int64_t sid;
    if (!staff_course(r, &c) || !path_id(r, "sid", &sid)) return;
    if (section_move(r->db, &c, sid, str_eq(req_form(r, "dir"), "up") ? -1 : 1) == LN_NOTFOUND) web_not_found(r);
    else back(r, &c, outline_url(r, &c), NULL);
}

/* POST /o/{org}/courses/{id}/sections/{sid}/delete */
void outline_section_delete_post(Req *r)
{
    Course c;
    int64_t sid;
    if (!staff_course(r, &c) || !path_id(r, "sid", &sid)) return;
    int rc = section_delete(r->db, &c, sid);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else back(r, &c, outline_url(r, &c), rc == LN_OK ? T(r, "Section deleted.")
                                     : T(r, "Move or delete its units first."));
}

/* POST /o/{org}/courses/{id}/units: a new unit, then its settings. */
void outline_unit_post(Req *r)
{
    Course c;
    int64_t sid, id;
    if (!staff_course(r, &c)) return;
    UnitInput in = {.kind = req_form(r, "kind"), .title = req_form(r, "title"),
                    .minutes = -1, .duration_s = -1, .threshold = -1, .required = 1};
    if (!str_to_i64(req_form(r, "section_id"), &sid)) sid = 0;
    in.section_id = sid;
    const char *msg;
    if (unit_check(&in, true, &msg)) {
        r->status = 422;
        outline_render(r, &c, i18n_get(r->lang, msg));
        return;
    }
    int rc = unit_create(r->db, &c, &in, time_now_us(), &id);
    if (rc == LN_EINVAL) web_not_found(r);
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &c, unit_url(r, &c, id), NULL);
}

/* ---- one unit ---------------------------------------------------------------- */

static bool staff_unit(Req *r, Course *c, Outline *o, Unit **u)
{
    int64_t uid;
    if (!staff_course(r, c) || !path_id(r, "uid", &uid)) return false;
    outline_load(r->db, r->arena, c->id, o);
    *u = outline_find(o, uid, NULL);
    if (!*u) web_not_found(r);
    return *u != NULL;
}

static void tracks_block(Req *r, const Course *c, const Unit *u)
{
    Track *t;
    int n;
    unit_tracks(r->db, r->arena, u->id, &t, &n);
    hprintf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "Captions and transcripts"));
    if (n == 0) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "None yet. Captions make the video accessible."));
    html_lit(r, "<ul class=\"plain\">");
    for (int i = 0; i < n; i++) {
        hprintf(r, "<li class=\"inline spread\"><span>%s · %s</span>",
                str_eq(t[i].kind, "captions") ? T(r, "Captions (WebVTT)") : T(r, "Transcript"), t[i].lang);
        form_begin(r, arena_printf(r->arena, "%s/tracks/%lld/delete", unit_url(r, c, u->id), (long long)t[i].id));
        hprintf(r, "<button type=\"submit\" class=\"button small secondary\">%s</button>", T(r, "Remove"));
        form_end(r);
        html_lit(r, "</li>");
    }
    html_lit(r, "</ul>");
    form_begin_upload(r, arena_printf(r->arena, "%s/tracks", unit_url(r, c, u->id)));
    hprintf(r, "<div class=\"field\">"
               "<label for=\"tk\">%s</label><select id=\"tk\" name=\"kind\"><option value=\"captions\">%s</option>"
               "<option value=\"transcript\">%s</option></select></div><div class=\"field\">"
               "<label for=\"tl\">%s</label><select id=\"tl\" name=\"lang\"><option value=\"en\">English</option>"
               "<option value=\"fr\">Français</option></select></div>"
               "<div class=\"field\"><label for=\"tf\">%s</label><input id=\"tf\" type=\"file\" name=\"file\" required"
               " accept=\".vtt,.txt,text/vtt,text/plain\"></div>"
               "<button type=\"submit\" class=\"button small\">%s</button></form></section>\n",
            T(r, "Kind"), T(r, "Captions (WebVTT)"), T(r, "Transcript"),
            T(r, "Language"), T(r, "Track file"), T(r, "Upload"));
}

static void unit_render(Req *r, const Course *c, const Outline *o, const Unit *u, const char *field, const char *error)
{
    const UnitKind *k = unit_kind(u->kind);
    page_begin(r, u->title);
    hprintf(r, "<p class=\"muted\"><a href=\"%s\">← %s</a></p><h1>%s</h1>\n", outline_url(r, c),
            T(r, "Outline"), u->title);
    if (error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", error);
    html_lit(r, "<div class=\"layout-2\"><div><section class=\"card\">");
    form_begin_upload(r, unit_url(r, c, u->id));
    form_input(r, "text", "title", T(r, "Title"), u->title, str_eq(field, "title") ? error : NULL,
               "required maxlength=\"200\"");
    hprintf(r, "<div class=\"field\"><label for=\"kind\">%s</label>", T(r, "Kind"));
    kind_select(r, "kind", u->kind);
    hprintf(r, "</div><div class=\"field\"><label for=\"section\">%s</label><select id=\"section\" name=\"section_id\">",
            T(r, "Section"));
    for (int i = 0; i < o->n; i++)
        hprintf(r, "<option value=\"%lld\"%s>%s</option>", (long long)o->sections[i].id,
                o->sections[i].id == u->section_id ? " selected" : "", o->sections[i].title);
    hprintf(r, "</select></div><div class=\"field\"><label for=\"body\">%s</label>"
               "<textarea id=\"body\" name=\"body\" rows=\"14\">%s</textarea><p class=\"muted\">%s</p></div>",
            T(r, "Text (Markdown)"), u->body, T(r, "Headings, lists, links, images, tables and code are supported."));
    if (k && k->url)
        form_input(r, "url", "url", T(r, "Address"), u->url, str_eq(field, "url") ? error : NULL, "required");
    if (k && k->media) {
        if (u->media_id)
            hprintf(r, "<p>%s <strong>%s</strong> <span class=\"muted\">(%s, %lld KiB)</span></p>", T(r, "File:"),
                    u->media.filename, u->media.mime, (long long)((u->media.size + 1023) / 1024));
        hprintf(r, "<div class=\"field\"><label for=\"file\">%s</label><input id=\"file\" type=\"file\" name=\"file\"",
                u->media_id ? T(r, "Replace the file") : T(r, "File"));
        if (str_eq(u->kind, "video")) html_lit(r, " accept=\"video/mp4,video/webm,video/ogg\"");
        html_lit(r, "></div>");
    }
    const char *minutes = arena_printf(r->arena, "%lld", (long long)u->minutes);
    form_input(r, "number", "minutes", T(r, "Estimated duration (minutes)"), minutes,
               str_eq(field, "minutes") ? error : NULL, "min=\"0\" max=\"10000\"");
    if (str_eq(u->kind, "video"))
        form_input(r, "number", "duration_s", T(r, "Video length (seconds; read from the file when empty)"),
                   u->duration_s ? arena_printf(r->arena, "%lld", (long long)u->duration_s) : "",
                   str_eq(field, "duration_s") ? error : NULL, "min=\"0\" max=\"86400\"");
    if (k && k->threshold_label)
        form_input(r, "number", "threshold", i18n_get(r->lang, k->threshold_label),
                   arena_printf(r->arena, "%lld", (long long)u->threshold), str_eq(field, "threshold") ? error : NULL,
                   "min=\"0\"");
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"required\" name=\"required\" value=\"1\"%s>"
               "<label for=\"required\">%s</label></div>", u->required ? " checked" : "",
            T(r, "Required for the course to be complete"));
    form_submit(r, T(r, "Save"));
    html_lit(r, "</form></section></div><aside>");
    if (str_eq(u->kind, "video")) tracks_block(r, c, u);
    hprintf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "Delete"));
    form_begin(r, arena_printf(r->arena, "%s/delete", unit_url(r, c, u->id)));
    hprintf(r, "<p class=\"muted\">%s</p><button type=\"submit\" class=\"button secondary\" data-confirm=\"%s\">%s</button>",
            T(r, "A unit learners have opened is kept: their record points to it."), T(r, "Delete this unit?"),
            T(r, "Delete the unit"));
    form_end(r);
    html_lit(r, "</section></aside></div>\n");
    if (str_eq(u->kind, "quiz")) quiz_edit_section(r, c, u);
    if (str_eq(u->kind, "assignment")) peer_edit_section(r, c, u);
    page_end(r);
}

/* GET /o/{org}/courses/{id}/units/{uid} */
void unit_edit_page(Req *r)
{
    Course c;
    Outline o;
    Unit *u;
    if (staff_unit(r, &c, &o, &u)) unit_render(r, &c, &o, u, NULL, NULL);
}

/* The uploaded file of field "file", stored; 0 when none was sent, -1 after
 * answering an error. */
static int64_t upload_media(Req *r, const Course *c, const Outline *o, const Unit *u, bool video)
{
    const Part *p = req_part(r, "file");
    if (!p) return 0;
    Media m;
    int rc = media_store_part(r->app, r->db, r->arena, c->org_id, p, r->user->id, &m);
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "The file could not be stored."));
        return -1;
    }
    if (video && !media_is_video(&m)) {
        r->status = 422;
        unit_render(r, c, o, u, "file", T(r, "This file is not a video this site can play (MP4, WebM or Ogg)."));
        return -1;
    }
    return m.id;
}

/* POST /o/{org}/courses/{id}/units/{uid} (multipart: may carry a file) */
void unit_edit_post(Req *r)
{
    Course c;
    Outline o;
    Unit *u;
    if (!staff_unit(r, &c, &o, &u)) return;
    UnitInput in = {.kind = req_form(r, "kind"), .title = req_form(r, "title"), .body = req_form(r, "body"),
                    .url = req_form(r, "url"), .required = str_eq(req_form(r, "required"), "1"),   /* the form always has the box */
                    .minutes = -1, .duration_s = -1, .threshold = -1};
    if (!str_to_i64(req_form(r, "section_id"), &in.section_id)) in.section_id = 0;
    const char *field = NULL, *msg = NULL;
    if (!form_i64(r, "minutes", -1, &in.minutes)) field = "minutes";
    if (!form_i64(r, "duration_s", -1, &in.duration_s)) field = "duration_s";
    if (!form_i64(r, "threshold", -1, &in.threshold)) field = "threshold";
    if (field) msg = "Give a whole number.";
    else field = unit_check(&in, false, &msg);
    if (field) {
        r->status = 422;
        unit_render(r, &c, &o, u, field, i18n_get(r->lang, msg));
        return;
    }
    const UnitKind *k = unit_kind(in.kind ? in.kind : u->kind);
    int64_t media = k && k->media ? upload_media(r, &c, &o, u, str_eq(k->name, "video")) : 0;
    if (media < 0) return;
    in.media_id = media;
    if (media && str_eq(k->name, "video") && in.duration_s <= 0) {
        Media m;
        if (media_load(r->db, r->arena, c.org_id, media, &m) == LN_OK)
            in.duration_s = media_probe_duration_s(r->app, &m);
    }
    if (unit_update(r->db, &c, u->id, &in, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    back(r, &c, unit_url(r, &c, u->id), T(r, "Saved."));
}

/* POST /o/{org}/courses/{id}/units/{uid}/move */
void unit_move_post(Req *r)
{
    Course c;
    int64_t uid;
    if (!staff_course(r, &c) || !path_id(r, "uid", &uid)) return;
    if (unit_move(r->db, &c, uid, str_eq(req_form(r, "dir"), "up") ? -1 : 1) == LN_NOTFOUND) web_not_found(r);
    else back(r, &c, outline_url(r, &c), NULL);
}

/* POST /o/{org}/courses/{id}/units/{uid}/delete */
void unit_delete_post(Req *r)
{
    Course c;
    int64_t uid;
    if (!staff_course(r, &c) || !path_id(r, "uid", &uid)) return;
    int rc = unit_delete(r->db, &c, uid);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) back(r, &c, unit_url(r, &c, uid), T(r, "Learners have opened this unit: it cannot be deleted."));
    else back(r, &c, outline_url(r, &c), rc == LN_OK ? T(r, "Unit deleted.") : T(r, "Something went wrong on our side."));
}

/* POST /o/{org}/courses/{id}/units/{uid}/tracks (multipart) */
void unit_track_post(Req *r)
{
    Course c;
    Outline o;
    Unit *u;
    if (!staff_unit(r, &c, &o, &u)) return;
    const char *kind = req_form(r, "kind"), *lang = req_form(r, "lang");
    if (!str_eq(kind, "captions") && !str_eq(kind, "transcript")) kind = NULL;
    if (!str_eq(lang, "en") && !str_eq(lang, "fr")) lang = NULL;
    if (!kind || !lang || !req_part(r, "file")) {
        r->status = 422;
        unit_render(r, &c, &o, u, "file", T(r, "Choose a kind, a language and a file."));
        return;
    }
    int64_t media = upload_media(r, &c, &o, u, false);
    if (media <= 0) return;
    Media m;
    if (media_load(r->db, r->arena, c.org_id, media, &m) != LN_OK) {
        web_not_found(r);
        return;
    }
    if (str_eq(kind, "captions") && !media_is_vtt(r->app, &m)) {
        r->status = 422;
        unit_render(r, &c, &o, u, "file", T(r, "Captions must be a WebVTT file (it starts with WEBVTT)."));
        return;
    }
    if (unit_track_set(r->db, u, kind, lang, media) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    back(r, &c, unit_url(r, &c, u->id), T(r, "Saved."));
}

/* POST /o/{org}/courses/{id}/units/{uid}/tracks/{tid}/delete */
void unit_track_delete_post(Req *r)
{
    Course c;
    Outline o;
    Unit *u;
    int64_t tid;
    if (!staff_unit(r, &c, &o, &u) || !path_id(r, "tid", &tid)) return;
    if (unit_track_delete(r->db, u, tid) == LN_NOTFOUND) web_not_found(r);
    else back(r, &c, unit_url(r, &c, u->id), T(r, "Removed."));
}
