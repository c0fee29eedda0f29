/* learn_page.c — the unit player: what a learner (or a trainer previewing)
 * sees of a course run, the files it serves, and the heartbeats it takes. */
#include "content/pages.h"
#include "assess/pages.h"
#include "assess/peer.h"
#include "attendance/pages.h"
#include "forum/forum.h"
#include "http/access.h"
#include "http/range.h"
#include "web/html.h"
#include "web/api.h"
#include "web/i18n.h"
#include "xapi/external.h"

#include <jansson.h>
#include <string.h>

/* ---- who may see a run's units ------------------------------------------ */

bool learn_load(Req *r, int64_t run_id, int64_t unit_id, Learn *l)
{
    memset(l, 0, sizeof *l);
    if (run_ref(r->db, r->arena, 0, run_id, &l->run) != LN_OK
        || course_load(r->db, r->arena, l->run.course_id, &l->course) != LN_OK) {
        web_not_found(r);
        return false;
    }
    l->staff = course_staff(r, l->course.org_id);
    l->learner = r->user && enrolled(r->db, run_id, r->user->id);
    if (!l->staff && !l->learner) {
        if (!r->user) web_error(r, 401, "unauthenticated", T(r, "Sign in to follow this course."));
        else web_error(r, 403, "not_enrolled", T(r, "Enrol in this session to open its units."));
        return false;
    }
    if (outline_load(r->db, r->arena, l->course.id, &l->outline) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return false;
    }
    if (l->learner) progress_load(r->db, run_id, r->user->id, &l->outline);
    if (!unit_id) return true;
    l->unit = outline_find(&l->outline, unit_id, &l->section);
    if (!l->unit) {
        web_not_found(r);
        return false;
    }
    if (!l->staff && !section_released(l->section, &l->run, time_now_us())) {
        web_error(r, 403, "not_released", T(r, "This part of the course is not open yet."));
        return false;
    }
    return true;
}

/* GET /runs/{id}/learn: where the learner left off. */
void learn_resume_page(Req *r)
{
    int64_t id;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !learn_load(r, id, 0, &l)) return;
    int64_t unit = l.learner ? progress_resume_unit(r->db, &l.run, &l.outline, r->user->id)
                             : progress_resume_unit(r->db, &l.run, &l.outline, 0);
    if (!unit) {
        page_flash(r, T(r, "This course has no content yet."));
        req_redirect(r, arena_printf(r->arena, "/courses/%lld", (long long)l.course.id));
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/runs/%lld/units/%lld", (long long)id, (long long)unit));
}

/* ---- the page ------------------------------------------------------------ */

static void outline_nav(Req *r, const Learn *l)
{
    hprintf(r, "<nav class=\"outline\" aria-label=\"%s\"><p class=\"muted\">%s</p>", T(r, "Course outline"),
            T(r, "Course outline"));
    UsTime now = time_now_us();
    for (int i = 0; i < l->outline.n; i++) {
        const Section *s = &l->outline.sections[i];
        bool open = l->staff || section_released(s, &l->run, now);
        hprintf(r, "<h2>%s</h2>", s->title);
        if (!open) {
            UsTime at = l->run.starts_at + s->release_days * 86400LL * 1000000LL;
            hprintf(r, "<p class=\"muted\">%s ", T(r, "Opens on"));
            html_date(r, at);
            html_lit(r, "</p>");
            continue;
        }
        html_lit(r, "<ol class=\"plain\">");
        for (int j = 0; j < s->n; j++) {
            const Unit *u = &s->units[j];
            bool here = l->unit && u->id == l->unit->id;
            hprintf(r, "<li class=\"%s%s\"><a href=\"/runs/%lld/units/%lld\"", u->done_at ? "done" : "",
                    here ? " current" : "", (long long)l->run.id, (long long)u->id);
            if (here) html_lit(r, " aria-current=\"page\"");
            html_lit(r, ">");
            if (u->done_at) hprintf(r, "<span class=\"tick\" aria-label=\"%s\">✓</span> ", T(r, "done"));
            hprintf(r, "%s</a></li>", u->title);
        }
        html_lit(r, "</ol>");
    }
    hprintf(r, "<p class=\"forum-link\"><a href=\"/runs/%lld/forum\">%s</a></p>", (long long)l->run.id, T(r, "Course forum"));
    if (l->learner) hprintf(r, "<p class=\"forum-link\"><a href=\"/runs/%lld/grades\">%s</a></p>", (long long)l->run.id, T(r, "My grades"));
    if (ext_count(r->db, l->run.id))    /* courses on other platforms (docs/external.md) */
        hprintf(r, "<p class=\"forum-link\"><a href=\"/runs/%lld/external\">%s</a></p>", (long long)l->run.id,
                T(r, "External activities"));
    if (l->unit)    /* the unit's discussion: forum threads attached to it (docs/forum.md) */
        hprintf(r, "<p class=\"forum-link\"><a href=\"/runs/%lld/forum?unit=%lld\">%s</a></p>", (long long)l->run.id,
                (long long)l->unit->id, T(r, "Discuss this unit"));
    html_lit(r, "</nav>\n");
}

static void progress_bar(Req *r, const Learn *l)
{
    if (!l->learner) {
        hprintf(r, "<p class=\"notice\">%s</p>", T(r, "Preview: as a trainer, your visits are not recorded."));
        return;
    }
    if (l->outline.required == 0) {     /* nothing to count: no "0/0" */
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No unit of this course is required: follow it at your pace."));
        return;
    }
    int pct = (int)(l->outline.done * 100 / l->outline.required);
    hprintf(r, "<p class=\"progress\"><progress max=\"100\" value=\"%d\" aria-labelledby=\"progress-label\"></progress>"
               " <span id=\"progress-label\">%d %% · %d/%d %s</span></p>", pct, pct, l->outline.done,
            l->outline.required, T(r, "required units done"));
}

static void unit_video(Req *r, const Learn *l, const char *file_url)
{
    Track *tracks;
    int n;
    unit_tracks(r->db, r->arena, l->unit->id, &tracks, &n);
    int64_t resume = l->learner ? beat_last_position(r->db, &l->run, l->unit, r->user->id) : 0;
    hprintf(r, "<figure class=\"player\"><video controls preload=\"metadata\" playsinline src=\"%s\""
               " data-resume=\"%lld\">", file_url, (long long)resume);
    for (int i = 0; i < n; i++)
        if (str_eq(tracks[i].kind, "captions"))
            hprintf(r, "<track kind=\"captions\" srclang=\"%s\" label=\"%s\" src=\"/runs/%lld/units/%lld/tracks/%lld\"%s>",
                    tracks[i].lang, str_eq(tracks[i].lang, "fr") ? "Français" : "English", (long long)l->run.id,
                    (long long)l->unit->id, (long long)tracks[i].id, str_eq(tracks[i].lang, r->lang) ? " default" : "");
    hprintf(r, "<p>%s <a href=\"%s\">%s</a></p></video>", T(r, "Your browser cannot play this video."), file_url,
            T(r, "Download it"));
    hprintf(r, "<figcaption class=\"inline\"><label for=\"speed\">%s</label><select id=\"speed\" data-speed>"
               "<option value=\"0.75\">0.75×</option><option value=\"1\" selected>1×</option>"
               "<option value=\"1.25\">1.25×</option><option value=\"1.5\">1.5×</option>"
               "<option value=\"2\">2×</option></select>", T(r, "Speed"));
    for (int i = 0; i < n; i++)
        if (str_eq(tracks[i].kind, "transcript"))
            hprintf(r, " <a href=\"/runs/%lld/units/%lld/tracks/%lld\">%s (%s)</a>", (long long)l->run.id,
                    (long long)l->unit->id, (long long)tracks[i].id, T(r, "Transcript"), tracks[i].lang);
    html_lit(r, "</figcaption></figure>\n");
}

static void unit_body(Req *r, const Learn *l)
{
    const Unit *u = l->unit;
    char *file_url = arena_printf(r->arena, "/runs/%lld/units/%lld/file", (long long)l->run.id, (long long)u->id);
    if (str_eq(u->kind, "video") && u->media_id) unit_video(r, l, file_url);
    if (u->body[0]) {
        html_lit(r, "<div class=\"prose\">");
        html_safe(r, html_markdown(r->arena, u->body));
        html_lit(r, "</div>\n");
    }
    if (str_eq(u->kind, "resource") && u->media_id)
        hprintf(r, "<p><a class=\"button\" href=\"%s\" download>%s</a> <span class=\"muted\">%s · %lld KiB</span></p>",
                file_url, T(r, "Download"), u->media.filename, (long long)((u->media.size + 1023) / 1024));
    if (str_eq(u->kind, "live")) att_unit_render(r, &l->run, u->id);
    if (str_eq(u->kind, "link"))
        hprintf(r, "<p><a class=\"button\" href=\"/runs/%lld/units/%lld/open\" target=\"_blank\" rel=\"noopener\">%s</a>"
                   " <span class=\"muted\">%s</span></p>", (long long)l->run.id, (long long)u->id,
                T(r, "Open the link"), u->url);
    if (str_eq(u->kind, "quiz")) quiz_player(r, l);
    if (str_eq(u->kind, "assignment")) peer_player(r, l);
    if (str_eq(u->kind, "discussion")) forum_unit_discussion(r, &l->run, u->id, l->staff, l->learner);
    if (l->learner) unitsign_render(r, &l->run, u->id);     /* start/end signatures (attendance/unitsign_page.c) */
}

static void prev_next(Req *r, const Learn *l)
{
    Unit *prev, *next;
    outline_neighbours((Outline *)&l->outline, l->unit, &prev, &next);
    html_lit(r, "<nav class=\"prev-next\">");
    if (prev) hprintf(r, "<a class=\"button secondary\" rel=\"prev\" href=\"/runs/%lld/units/%lld\">← %s</a>",
                      (long long)l->run.id, (long long)prev->id, prev->title);
    if (next) hprintf(r, "<a class=\"button\" rel=\"next\" href=\"/runs/%lld/units/%lld\">%s →</a>",
                      (long long)l->run.id, (long long)next->id, next->title);
    html_lit(r, "</nav>\n");
}

/* GET /runs/{id}/units/{unit} */
void learn_unit_page(Req *r)
{
    int64_t id, uid;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid) || !learn_load(r, id, uid, &l))
        return;
    if (l.learner) progress_open(r->db, &l.run, l.unit, r->user->id, time_now_us());
    const UnitKind *k = unit_kind(l.unit->kind);
    page_begin(r, l.unit->title);
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">%s</a> · %s</p>\n<div class=\"learn\">",
            (long long)l.course.id, l.course.title, l.run.title);
    outline_nav(r, &l);
    hprintf(r, "<article class=\"unit\" data-kind=\"%s\"", l.unit->kind);
    if (l.learner)      /* heartbeats only for learners: a preview records nothing */
    {
        TimeRules tr;
        time_rules_get(r->db, l.run.org_id, &tr);
        hprintf(r, " data-beat=\"/runs/%lld/units/%lld/beat\" data-csrf=\"%s\" data-idle-ms=\"%lld\"",
                (long long)l.run.id, (long long)l.unit->id, access_csrf_token(r), (long long)tr.idle_minutes * 60000);
    }
    hprintf(r, "><p class=\"muted\">%s", k ? i18n_get(r->lang, k->label) : l.unit->kind);
    if (l.unit->minutes) hprintf(r, " · %lld min", (long long)l.unit->minutes);
    hprintf(r, "</p><h1>%s</h1>", l.unit->title);
    if (l.unit->done_at) {
        hprintf(r, "<p class=\"badge done\" data-done>✓&#160;%s&#160;", T(r, "Done on"));
        html_date(r, l.unit->done_at);
        html_lit(r, "</p>");
    } else html_lit(r, "<p class=\"badge done\" data-done hidden>✓</p>");
    progress_bar(r, &l);
    unit_body(r, &l);
    prev_next(r, &l);
    html_lit(r, "</article></div>\n");
    page_end(r);
}

/* ---- files ---------------------------------------------------------------- */

/* Downloading a resource or opening a link completes it (for learners; a
 * trainer's preview records nothing).  The file or the redirect is answered
 * whatever happens to the record. */
static void complete_on_use(Req *r, const Learn *l)
{
    bool course_done;
    if (l->learner) progress_complete(r->db, &l->run, l->unit, r->user->id, time_now_us(), &course_done);
}

/* GET /runs/{id}/units/{unit}/file: the unit's video or resource, with
 * Range support.  Downloading a resource completes it. */
void learn_file_get(Req *r)
{
    int64_t id, uid;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid) || !learn_load(r, id, uid, &l))
        return;
    if (!l.unit->media_id) {
        web_not_found(r);
        return;
    }
    if (str_eq(l.unit->kind, "resource")) complete_on_use(r, &l);
    const Media *m = &l.unit->media;
    bool inline_ok = media_is_video(m) || str_eq(m->mime, "application/pdf") || str_startswith(m->mime, "image/png")
                  || str_startswith(m->mime, "image/jpeg");
    const char *type = inline_ok ? m->mime : "application/octet-stream";
    char *etag = arena_printf(r->arena, "\"%s\"", m->sha256);
    req_send_path(r, media_path(r->app, r->arena, m->sha256), etag, type,
                  content_disposition(r->arena, !inline_ok, m->filename));
}

/* GET /runs/{id}/units/{unit}/tracks/{track}: a WebVTT caption file or a
 * transcript. */
void learn_track_get(Req *r)
{
    int64_t id, uid, tid;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid)
        || !req_path_id_or_404(r, "track", &tid) || !learn_load(r, id, uid, &l))
        return;
    Track *tracks;
    int n;
    unit_tracks(r->db, r->arena, uid, &tracks, &n);
    for (int i = 0; i < n; i++) {
        if (tracks[i].id != tid) continue;
        Media m;
        if (media_load(r->db, r->arena, l.course.org_id, tracks[i].media_id, &m) != LN_OK) break;
        bool vtt = str_eq(tracks[i].kind, "captions");
        req_send_path(r, media_path(r->app, r->arena, m.sha256), arena_printf(r->arena, "\"%s\"", m.sha256),
                      vtt ? "text/vtt; charset=utf-8" : "text/plain; charset=utf-8",
                      vtt ? NULL : content_disposition(r->arena, false, m.filename));
        return;
    }
    web_not_found(r);
}

/* GET /runs/{id}/units/{unit}/open: an external link, opened from the
 * player: counts as done, then off to the address. */
void learn_open_get(Req *r)
{
    int64_t id, uid;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid) || !learn_load(r, id, uid, &l))
        return;
    if (!str_eq(l.unit->kind, "link") || !l.unit->url[0]) {
        web_not_found(r);
        return;
    }
    complete_on_use(r, &l);
    req_redirect(r, l.unit->url);
}

/* ---- heartbeats ------------------------------------------------------------ */

static bool beat_read(Req *r, Beat *b, bool json)
{
    const char *active = NULL, *pos = NULL, *segs = NULL;
    json_t *j = NULL;
    if (json) {
        if (!(j = req_json_or_400(r))) return false;
        json_t *v;
        if ((v = json_object_get(j, "active_ms")) && json_is_integer(v))
            active = arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
        if ((v = json_object_get(j, "position")) && json_is_number(v))
            pos = arena_printf(r->arena, "%lld", (long long)(json_number_value(v) * 1000));
        if ((v = json_object_get(j, "segments")) && json_is_string(v)) segs = json_string_value(v);
    } else {
        active = req_form(r, "active_ms");
        const char *p = req_form(r, "position");
        if (p && *p) {
            char *end;
            double d = strtod(p, &end);
            if (*end || d < 0 || d > 86400) p = NULL;
            else pos = arena_printf(r->arena, "%lld", (long long)(d * 1000));
        }
        segs = req_form(r, "segments");
    }
    b->active_ms = 0;
    b->position_ms = -1;
    if (active && (!str_to_i64(active, &b->active_ms) || b->active_ms < 0)) goto bad;
    if (pos && !str_to_i64(pos, &b->position_ms)) goto bad;
    char *canonical;
    if (!segments_parse(r->arena, segs, &canonical)) goto bad;
    b->segments = canonical;
    return true;
bad:
    web_error(r, 400, "bad_beat", "active_ms (integer), position (seconds) and segments (\"12.5-17,30-31\") expected");
    return false;
}

/* After the heartbeat committed: is the unit's completion rule met now?
 * The target loaded before the write travels in r->cont_data. */
static void beat_committed(Req *r, int rc, int64_t id)
{
    BeatTarget *bt = r->cont_data;
    if (rc != DB_DONE) {
        web_error(r, 503, "unavailable", T(r, "Something went wrong on our side."));
        return;
    }
    bool course_done = false;
    bool done = bt->unit.done_at != 0;
    if (!done && beat_rule_met(r->db, &bt->run, &bt->unit, r->user->id))
        done = progress_complete(r->db, &bt->run, &bt->unit, r->user->id, time_now_us(), &course_done) == LN_OK;
    api_json(r, 200, json_pack("{s:b, s:b}", "unit_done", done, "course_done", course_done));
}

/* POST /runs/{id}/units/{unit}/beat (form, also from sendBeacon) and
 * POST /api/v1/runs/{id}/units/{unit}/heartbeat (JSON).  One query loads
 * what the beat needs; the refusals (not enrolled, no such unit, not
 * released) are worded by learn_load. */
void learn_beat_post(Req *r)
{
    int64_t id, uid;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid)) return;
    UsTime now = time_now_us();
    BeatTarget *bt = arena_alloc(r->arena, sizeof *bt);
    int rc = beat_target(r->db, r->arena, id, r->user->id, uid, now, bt);
    if (rc != LN_OK) {
        Learn l;
        if (learn_load(r, id, uid, &l))     /* staff previewing: nothing to record */
            web_error(r, 403, "not_enrolled", T(r, "Enrol in this session to open its units."));
        return;
    }
    Beat b;
    if (!beat_read(r, &b, r->is_api)) return;
    /* What one beat may claim: active time since the previous beat, and at
     * most twice that of video (the fastest playback speed offered). */
    b.active_ms = beat_cap_active(&bt->rules, bt->last_beat, now, b.active_ms);
    b.segments = segments_trim(r->arena, b.segments, b.active_ms * 2 + 2000);
    r->cont_data = bt;
    req_defer_write(r, beat_job(&bt->run, &bt->unit, r->user->id, &b, now, r->client_ip,
                                req_header(r, "user-agent")), beat_committed);
}
