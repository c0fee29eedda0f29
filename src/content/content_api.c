/* content_api.c — the JSON API of course content and progress.
 *
 *   GET    /api/v1/courses/{id}/outline                 sections and units
 *   GET    /api/v1/runs/{id}/progress                   my progress in a run
 *   POST   /api/v1/runs/{id}/units/{unit}/heartbeat     a player heartbeat
 *   POST   /api/v1/orgs/{org}/media                     upload a file (multipart)
 *   POST   /api/v1/orgs/{org}/courses/{id}/sections     PATCH/DELETE .../sections/{sid}
 *   POST   /api/v1/orgs/{org}/courses/{id}/units        PATCH/DELETE .../units/{uid}
 *   PUT    /api/v1/orgs/{org}/courses/{id}/outline      the whole order
 *   PUT    /api/v1/orgs/{org}/courses/{id}/units/{uid}/tracks/{kind}/{lang}
 */
#include "content/pages.h"
#include "web/api.h"

#include <string.h>

/* ---- reading ------------------------------------------------------------- */

static json_t *unit_json(Req *r, const Unit *u, bool staff)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:b}", "id", (json_int_t)u->id, "kind", u->kind, "title", u->title,
                          "minutes", (json_int_t)u->minutes, "required", u->required);
    if (str_eq(u->kind, "link")) json_object_set_new(j, "url", json_string(u->url));
    if (u->media_id) json_object_set_new(j, "file", json_pack("{s:s, s:s, s:I}", "filename", u->media.filename,
                                                             "mime", u->media.mime, "size", (json_int_t)u->media.size));
    if (staff) {
        json_object_set_new(j, "body", json_string(u->body));
        json_object_set_new(j, "threshold", json_integer(u->threshold));
        json_object_set_new(j, "duration_s", json_integer(u->duration_s));
        json_object_set_new(j, "media_id", u->media_id ? json_integer(u->media_id) : json_null());
    }
    return j;
}

static json_t *outline_json(Req *r, const Outline *o, bool staff, bool progress)
{
    json_t *sections = json_array();
    for (int i = 0; i < o->n; i++) {
        const Section *s = &o->sections[i];
        json_t *units = json_array();
        for (int j = 0; j < s->n; j++) {
            json_t *u = unit_json(r, &s->units[j], staff);
            if (progress) {
                json_object_set_new(u, "opened", json_boolean(s->units[j].opened));
                json_object_set_new(u, "completed_at", api_time(r->arena, s->units[j].done_at));
            }
            json_array_append_new(units, u);
        }
        json_array_append_new(sections, json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)s->id, "title", s->title,
                                                  "release_days", s->release_days >= 0 ? json_integer(s->release_days)
                                                                                       : json_null(),
                                                  "units", units));
    }
    return sections;
}

/* GET /api/v1/courses/{id}/outline */
void api_outline_get(Req *r)
{
    int64_t id;
    Course c;
    RunList rl;
    bool staff;
    Outline o;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (!course_for_caller(r, id, &c, &rl, &staff)) {
        api_error(r, 404, "not_found", "no such course, or not visible to you");
        return;
    }
    if (outline_load(r->db, r->arena, c.id, &o) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    api_json(r, 200, json_pack("{s:I, s:o}", "course_id", (json_int_t)c.id, "sections", outline_json(r, &o, staff, false)));
}

/* GET /api/v1/runs/{id}/progress */
void api_my_progress_get(Req *r)
{
    int64_t id;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !learn_load(r, id, 0, &l)) return;
    if (!l.learner) {
        api_error(r, 403, "not_enrolled", "you are not enrolled in this session");
        return;
    }
    TimeRules tr;
    Activity act;
    time_rules_get(r->db, l.run.org_id, &tr);
    activity_load(r->db, r->arena, &tr, id, r->user->id, &act);
    UsTime completed = enrol_completed_at(r->db, id, r->user->id);
    api_json(r, 200, json_pack("{s:I, s:I, s:I, s:o, s:I, s:I, s:o}", "run_id", (json_int_t)id,
                               "units_required", (json_int_t)l.outline.required, "units_done", (json_int_t)l.outline.done,
                               "completed_at", api_time(r->arena, completed),
                               "time_on_task_ms", (json_int_t)act.active_ms,
                               "resume_unit_id", (json_int_t)progress_resume_unit(r->db, &l.run, &l.outline, r->user->id),
                               "sections", outline_json(r, &l.outline, false, true)));
}

/* ---- editing --------------------------------------------------------------- */

static bool api_course(Req *r, Course *c)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (course_load_in(r->db, r->arena, r->org->id, id, c) != LN_OK) {
        api_error(r, 404, "not_found", "no such course in this organisation");
        return false;
    }
    return true;
}

static void answer_outline(Req *r, int status, const Course *c)
{
    Outline o;
    if (outline_load(r->db, r->arena, c->id, &o) != LN_OK) api_error(r, 500, "internal", "reading back failed");
    else api_json(r, status, json_pack("{s:I, s:o}", "course_id", (json_int_t)c->id,
                                       "sections", outline_json(r, &o, true, false)));
}

static void answer_rc(Req *r, int rc, const Course *c, int ok_status, const char *what)
{
    if (rc == LN_OK) course_search_index(r->db, c->id);   /* titles and texts are searchable */
    if (rc == LN_OK) answer_outline(r, ok_status, c);
    else if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", arena_printf(r->arena, "no such %s in this course", what));
    else if (rc == LN_EINVAL) api_error(r, 422, "invalid", arena_printf(r->arena, "this %s cannot be changed so", what));
    else api_error(r, 500, "internal", "saving failed on our side");
}

static bool section_body(Req *r, json_t *b, SectionInput *in, bool creating)
{
    bool bad = false;
    in->title = api_str(r, b, "title", &bad);
    if (bad) return false;
    json_t *rd = json_object_get(b, "release_days");
    in->release_days = !rd ? (creating ? -1 : -2) : json_is_null(rd) ? -1 : -3;
    if (in->release_days == -3 && !api_int(r, b, "release_days", 0, -1, &in->release_days)) return false;
    const char *msg, *field = section_check(in, &msg);
    if (!field && creating && !in->title) field = "title", msg = "A title is required.";
    if (field) api_field_error(r, field, msg);
    return !field;
}

/* POST /api/v1/orgs/{org}/courses/{id}/sections */
void api_sections_post(Req *r)
{
    Course c;
    SectionInput in;
    int64_t id;
    json_t *b;
    if (!api_course(r, &c) || !(b = req_json_or_400(r)) || !section_body(r, b, &in, true)) return;
    answer_rc(r, section_create(r->db, &c, &in, time_now_us(), &id), &c, 201, "section");
}

/* PATCH /api/v1/orgs/{org}/courses/{id}/sections/{sid} */
void api_section_patch(Req *r)
{
    Course c;
    SectionInput in;
    int64_t sid;
    json_t *b;
    if (!api_course(r, &c) || !req_path_id_or_404(r, "sid", &sid) || !(b = req_json_or_400(r))
        || !section_body(r, b, &in, false)) return;
    answer_rc(r, section_update(r->db, &c, sid, &in, time_now_us()), &c, 200, "section");
}

/* DELETE /api/v1/orgs/{org}/courses/{id}/sections/{sid}: only when empty */
void api_section_delete(Req *r)
{
    Course c;
    int64_t sid;
    if (!api_course(r, &c) || !req_path_id_or_404(r, "sid", &sid)) return;
    int rc = section_delete(r->db, &c, sid);
    if (rc == LN_EINVAL) api_error(r, 409, "not_empty", "move or delete the section's units first");
    else answer_rc(r, rc, &c, 200, "section");
}

static bool unit_body(Req *r, const Course *c, int64_t uid, json_t *b, UnitInput *in, bool creating)
{
    bool bad = false;
    memset(in, 0, sizeof *in);
    in->kind = api_str(r, b, "kind", &bad);
    in->title = api_str(r, b, "title", &bad);
    in->body = api_str(r, b, "body", &bad);
    in->url = api_str(r, b, "url", &bad);
    if (bad) return false;
    json_t *req = json_object_get(b, "required");
    if (req && !json_is_boolean(req)) {
        api_field_error(r, "required", "\"required\" must be true or false");
        return false;
    }
    in->required = req ? json_is_true(req) : creating ? 1 : -1;
    if (!api_int(r, b, "section_id", 1, 0, &in->section_id) || !api_int(r, b, "minutes", 0, -1, &in->minutes)
        || !api_int(r, b, "duration_s", 0, -1, &in->duration_s) || !api_int(r, b, "threshold", 0, -1, &in->threshold)
        || !api_int(r, b, "media_id", 1, 0, &in->media_id))
        return false;
    if (json_is_null(json_object_get(b, "media_id"))) in->media_id = -1;
    const char *msg, *field = creating ? unit_check(in, true, &msg) : unit_check_update(r->db, c, uid, in, &msg);
    if (!field && creating && !in->section_id) field = "section_id", msg = "Choose the section.";
    if (field) api_field_error(r, field, msg);
    return !field;
}

/* POST /api/v1/orgs/{org}/courses/{id}/units */
void api_units_post(Req *r)
{
    Course c;
    UnitInput in;
    int64_t id;
    json_t *b;
    if (!api_course(r, &c) || !(b = req_json_or_400(r)) || !unit_body(r, &c, 0, b, &in, true)) return;
    int rc = unit_create(r->db, &c, &in, time_now_us(), &id);
    if (rc == LN_EINVAL) api_error(r, 422, "invalid", "section_id or media_id is not one of this course's");
    else answer_rc(r, rc, &c, 201, "unit");
}

/* PATCH /api/v1/orgs/{org}/courses/{id}/units/{uid} */
void api_unit_patch(Req *r)
{
    Course c;
    UnitInput in;
    int64_t uid;
    json_t *b;
    if (!api_course(r, &c) || !req_path_id_or_404(r, "uid", &uid) || !(b = req_json_or_400(r))
        || !unit_body(r, &c, uid, b, &in, false)) return;
    int rc = unit_update(r->db, &c, uid, &in, time_now_us());
    if (rc == LN_EINVAL) api_error(r, 422, "invalid", "section_id or media_id is not one of this course's");
    else answer_rc(r, rc, &c, 200, "unit");
}

/* DELETE /api/v1/orgs/{org}/courses/{id}/units/{uid} */
void api_unit_delete(Req *r)
{
    Course c;
    int64_t uid;
    if (!api_course(r, &c) || !req_path_id_or_404(r, "uid", &uid)) return;
    int rc = unit_delete(r->db, &c, uid);
    if (rc == LN_EINVAL) api_error(r, 409, "in_use", "learners have opened this unit: it is kept for their record");
    else answer_rc(r, rc, &c, 200, "unit");
}

/* PUT /api/v1/orgs/{org}/courses/{id}/outline
 * {"sections": [{"id": 3, "units": [7, 5]}, {"id": 4, "units": []}]} */
void api_outline_put(Req *r)
{
    Course c;
    json_t *b;
    if (!api_course(r, &c) || !(b = req_json_or_400(r))) return;
    json_t *secs = json_object_get(b, "sections");
    size_t ns = json_is_array(secs) ? json_array_size(secs) : 0;
    if (!json_is_array(secs) || ns > 1000) {
        api_field_error(r, "sections", "\"sections\" must be a list of {\"id\", \"units\": [ids]}");
        return;
    }
    int64_t *sids = arena_alloc(r->arena, sizeof *sids * (ns + 1));
    int64_t **units = arena_alloc(r->arena, sizeof *units * (ns + 1));
    int *nunits = arena_alloc(r->arena, sizeof *nunits * (ns + 1));
    for (size_t i = 0; i < ns; i++) {
        json_t *s = json_array_get(secs, i), *id = json_object_get(s, "id"), *us = json_object_get(s, "units");
        if (!json_is_integer(id) || !json_is_array(us) || json_array_size(us) > 10000) {
            api_field_error(r, "sections", "\"sections\" must be a list of {\"id\", \"units\": [ids]}");
            return;
        }
        sids[i] = (int64_t)json_integer_value(id);
        nunits[i] = (int)json_array_size(us);
        units[i] = arena_alloc(r->arena, sizeof **units * ((size_t)nunits[i] + 1));
        for (int j = 0; j < nunits[i]; j++) {
            json_t *u = json_array_get(us, (size_t)j);
            if (!json_is_integer(u)) {
                api_field_error(r, "sections", "unit ids must be integers");
                return;
            }
            units[i][j] = (int64_t)json_integer_value(u);
        }
    }
    int rc = outline_reorder(r->db, &c, sids, (int)ns, (const int64_t *const *)units, nunits, time_now_us());
    if (rc == LN_EINVAL) api_error(r, 422, "invalid", "name every section and every unit of the course exactly once");
    else answer_rc(r, rc, &c, 200, "outline");
}

/* POST /api/v1/orgs/{org}/media (multipart, field "file") */
void api_media_post(Req *r)
{
    const Part *p = req_part(r, "file");
    if (!p) {
        api_field_error(r, "file", "send the file as multipart/form-data in the field \"file\"");
        return;
    }
    Media m;
    int rc = media_store_part(r->app, r->db, r->arena, r->org->id, p, r->user->id, &m);
    if (rc != LN_OK) {
        api_error(r, 500, "internal", "the file could not be stored");
        return;
    }
    int64_t duration = media_is_video(&m) ? media_probe_duration_s(r->app, &m) : 0;
    api_json(r, 201, json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)m.id, "sha256", m.sha256,
                               "size", (json_int_t)m.size, "mime", m.mime, "filename", m.filename,
                               "duration_s", (json_int_t)duration));
}

/* PUT /api/v1/orgs/{org}/courses/{id}/units/{uid}/tracks/{kind}/{lang}
 * {"media_id": N} — captions must be WebVTT. */
void api_unit_track_put(Req *r)
{
    Course c;
    int64_t uid, media_id;
    json_t *b;
    Outline o;
    if (!api_course(r, &c) || !req_path_id_or_404(r, "uid", &uid) || !(b = req_json_or_400(r))
        || !api_int(r, b, "media_id", 1, 0, &media_id)) return;
    const char *kind = req_path_param(r, "kind"), *lang = req_path_param(r, "lang");
    outline_load(r->db, r->arena, c.id, &o);
    Unit *u = outline_find(&o, uid, NULL);
    Media m;
    if (!u || !str_eq(u->kind, "video")) {
        api_error(r, 404, "not_found", "no such video unit in this course");
        return;
    }
    if (!media_id || media_load(r->db, r->arena, c.org_id, media_id, &m) != LN_OK) {
        api_field_error(r, "media_id", "upload the file first (POST /api/v1/orgs/{org}/media)");
        return;
    }
    if (str_eq(kind, "captions") && !media_is_vtt(r->app, &m)) {
        api_field_error(r, "media_id", "captions must be a WebVTT file");
        return;
    }
    int rc = unit_track_set(r->db, u, kind, lang, media_id);
    if (rc == LN_EINVAL) api_error(r, 404, "not_found", "kind is captions or transcript; lang is en or fr");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else api_json(r, 200, json_pack("{s:I, s:s, s:s, s:I}", "unit_id", (json_int_t)uid, "kind", kind, "lang", lang,
                                    "media_id", (json_int_t)media_id));
}
