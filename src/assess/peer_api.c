/* peer_api.c — the JSON API of peer assessment (docs/assessments.md), and
 * the loading and JSON the pages share.
 *
 * Learners (enrolled in the run):
 *   GET  /api/v1/runs/{id}/units/{unit}/assignment             settings, my versions, reviews to do, grade, reviews received
 *   POST /api/v1/runs/{id}/units/{unit}/submissions            {"text"} or multipart (text, file...)
 *   GET  /api/v1/runs/{id}/units/{unit}/reviews/{aid}          a review to do: the submission and the rubric
 *   POST /api/v1/runs/{id}/units/{unit}/reviews/{aid}          {"levels": [...], "comment"}
 *   POST /api/v1/runs/{id}/units/{unit}/received/{rid}/flag    {"reason"}
 * Staff (trainer, admin of the organisation):
 *   GET|PUT /api/v1/orgs/{org}/courses/{id}/units/{uid}/assignment
 *   GET  /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer         submissions, allocation, reviews, flags, grades
 *   POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer/allocate {"seed"?}
 *   POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer/finalise
 *   POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer/learners/{lid}/override {"score", "reason"}
 *
 * What a learner sees of others: the text and files of a submission they
 * were given to review, never its author; of reviews of their own work,
 * the levels, score and comment, never the reviewer (numbered 1, 2, 3...).
 */
#include "assess/peer.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

/* ======================================================================
 * Loading
 * ==================================================================== */

static bool ctx_due(Req *r, PeerCtx *p)
{
    if (peer_settings_get(r->db, r->arena, p->l.unit->id, &p->ps) != LN_OK
        || peer_due(r->db, &p->l.run, &p->ps, time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return false;
    }
    return true;
}

bool peer_ctx_load(Req *r, PeerCtx *p)
{
    int64_t id, uid;
    memset(p, 0, sizeof *p);
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "unit", &uid) || !learn_load(r, id, uid, &p->l))
        return false;
    if (!str_eq(p->l.unit->kind, "assignment")) {
        web_not_found(r);
        return false;
    }
    return ctx_due(r, p);
}

bool peer_course_unit(Req *r, Course *c, Unit **u)
{
    int64_t id, uid;
    Outline o;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "uid", &uid)) return false;
    if (course_load_in(r->db, r->arena, r->org->id, id, c) != LN_OK
        || outline_load(r->db, r->arena, c->id, &o) != LN_OK || !(*u = outline_find(&o, uid, NULL))
        || !str_eq((*u)->kind, "assignment")) {
        web_not_found(r);
        return false;
    }
    return true;
}

bool peer_staff_ctx(Req *r, PeerCtx *p)
{
    int64_t id, uid;
    memset(p, 0, sizeof *p);
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "uid", &uid)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, &p->l.run) != LN_OK
        || course_load_in(r->db, r->arena, r->org->id, p->l.run.course_id, &p->l.course) != LN_OK
        || outline_load(r->db, r->arena, p->l.course.id, &p->l.outline) != LN_OK
        || !(p->l.unit = outline_find(&p->l.outline, uid, &p->l.section)) || !str_eq(p->l.unit->kind, "assignment")) {
        web_not_found(r);
        return false;
    }
    p->l.staff = true;
    return ctx_due(r, p);
}

/* ======================================================================
 * JSON
 * ==================================================================== */

json_t *peer_settings_json(Req *r, const PeerSettings *ps)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:I, s:b, s:s, s:I, s:s, s:I, s:s, s:o}", "unit_id",
                     (json_int_t)ps->unit_id, "instructions", ps->instructions, "rubric", peer_rubric_to_json(&ps->rubric),
                     "submit_by", api_time(r->arena, ps->submit_by), "review_by", api_time(r->arena, ps->review_by),
                     "reviewers", (json_int_t)ps->reviewers, "self_assessment", ps->self_assessment, "late_policy",
                     ps->late_policy, "late_penalty", (json_int_t)ps->late_penalty, "no_review_policy",
                     ps->no_review_policy, "no_review_penalty", (json_int_t)ps->no_review_penalty, "grade_method",
                     ps->grade_method, "updated_at", api_time(r->arena, ps->updated_at));
}

json_t *peer_submission_json(Req *r, const PeerCtx *p, const PeerSubmission *s)
{
    json_t *files = json_array();
    for (int i = 0; i < s->nfiles; i++) {
        const Media *m = &s->files[i].media;
        json_array_append_new(files, json_pack("{s:i, s:s, s:I, s:s, s:s}", "position", i + 1, "filename", m->filename,
                                               "size", (json_int_t)m->size, "mime", m->mime, "url",
                                               arena_printf(r->arena, "/runs/%lld/units/%lld/submissions/%lld/files/%d",
                                                            (long long)p->l.run.id, (long long)p->l.unit->id,
                                                            (long long)s->id, i + 1)));
    }
    return json_pack("{s:I, s:I, s:s, s:b, s:o, s:o}", "id", (json_int_t)s->id, "version", (json_int_t)s->version,
                     "text", s->body ? s->body : "", "late", s->late, "submitted_at", api_time(r->arena, s->submitted_at),
                     "files", files);
}

static json_t *levels_json(const PeerReview *v)
{
    json_t *a = json_array();
    for (int i = 0; i < v->nlevels; i++) json_array_append_new(a, json_integer(v->levels[i]));
    return a;
}

/* A review as its author's learner sees it: no reviewer. */
static json_t *received_json(Req *r, const PeerReview *v, int number)
{
    json_t *j = json_pack("{s:I, s:o, s:b, s:I, s:I, s:I, s:o, s:s, s:o, s:b}", "id", (json_int_t)v->id, "reviewer",
                          v->self_review ? json_string("self") : json_integer(number), "self", v->self_review, "score",
                          (json_int_t)v->score, "points", (json_int_t)v->points, "points_max",
                          (json_int_t)v->points_max, "levels", levels_json(v), "comment", v->comment ? v->comment : "",
                          "created_at", api_time(r->arena, v->created_at), "flagged", v->flagged);
    if (v->flagged) json_object_set_new(j, "flag_reason", json_string(v->flag_reason));
    return j;
}

static json_t *grade_json(Req *r, const PeerGrade *g, bool staff)
{
    if (!g->id) return json_null();
    bool withheld = str_eq(g->status, "withheld");
    json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)g->id, "kind", g->kind, "status", g->status,
                          "reviews", (json_int_t)g->reviews, "created_at", api_time(r->arena, g->created_at));
    json_object_set_new(j, "score", g->score >= 0 && (staff || !withheld) ? json_integer(g->score) : json_null());
    if (g->reason) json_object_set_new(j, "reason", json_string(g->reason));
    if (staff && g->overrides) json_object_set_new(j, "overrides", json_integer(g->overrides));
    return j;
}

static bool can_submit(const PeerSettings *ps, UsTime now)
{
    if (ps->review_by && now > ps->review_by) return false;
    return !(ps->submit_by && now > ps->submit_by && str_eq(ps->late_policy, "refuse"));
}

json_t *peer_learner_json(Req *r, const PeerCtx *p)
{
    json_t *j = peer_settings_json(r, &p->ps);
    json_object_set_new(j, "run_id", json_integer(p->l.run.id));
    json_object_set_new(j, "can_submit", json_boolean(p->l.learner && can_submit(&p->ps, time_now_us())));
    json_t *subs = json_array(), *tasks = json_array(), *recv = json_array();
    PeerGrade g = {0};
    if (p->l.learner) {
        int64_t me = r->user->id, unit = p->l.unit->id, run = p->l.run.id;
        PeerSubmission *s;
        PeerTask *t;
        PeerReview *v;
        int ns = 0, nt = 0, nv = 0;
        peer_submission_versions(r->db, r->arena, unit, run, me, &s, &ns);
        for (int i = 0; i < ns; i++) json_array_append_new(subs, peer_submission_json(r, p, &s[i]));
        peer_tasks(r->db, r->arena, unit, run, me, &t, &nt);
        for (int i = 0; i < nt; i++)
            json_array_append_new(tasks, json_pack("{s:I, s:b, s:b}", "id", (json_int_t)t[i].allocation_id, "self",
                                                   t[i].self_review, "done", t[i].review_id != 0));
        peer_grade_current(r->db, r->arena, unit, run, me, &g);
        /* a withheld grade keeps the reviews that make it withheld too */
        if (!g.id || !str_eq(g.status, "withheld")) peer_reviews_of(r->db, r->arena, unit, run, me, &v, &nv);
        for (int i = 0, k = 0; i < nv; i++)
            if (v[i].id) json_array_append_new(recv, received_json(r, &v[i], v[i].self_review ? 0 : ++k));
    }
    json_object_set_new(j, "submissions", subs);
    json_object_set_new(j, "reviews_to_do", tasks);
    json_object_set_new(j, "received", recv);
    json_object_set_new(j, "grade", grade_json(r, &g, false));
    return j;
}

/* ======================================================================
 * Learners
 * ==================================================================== */

static void refuse(Req *r, PeerRefusal why)
{
    api_error(r, 409, peer_refusal_code(why), peer_refusal_message(why));
}

static bool learner_only(Req *r, const PeerCtx *p)
{
    if (p->l.learner) return true;
    api_error(r, 403, "not_enrolled", "submissions and reviews are for learners enrolled in this session");
    return false;
}

/* GET /api/v1/runs/{id}/units/{unit}/assignment */
void api_peer_get(Req *r)
{
    PeerCtx p;
    if (peer_ctx_load(r, &p)) api_json(r, 200, peer_learner_json(r, &p));
}

/* POST /api/v1/runs/{id}/units/{unit}/submissions — JSON {"text"}, or
 * multipart/form-data with a field "text" and up to 5 files "file". */
void api_peer_submit_post(Req *r)
{
    PeerCtx p;
    if (!peer_ctx_load(r, &p) || !learner_only(r, &p)) return;
    const char *text = "";
    int64_t media[PEER_MAX_FILES];
    int nfiles = 0;
    if (r->parts || r->form.head) {
        text = req_form(r, "text") ? req_form(r, "text") : "";
        for (const Part *pt = r->parts; pt; pt = pt->next) {
            if (!str_eq(pt->name, "file") || !pt->filename || (!pt->path && !pt->len)) continue;
            if (nfiles == PEER_MAX_FILES) {
                api_field_error(r, "file", "at most 5 files per submission");
                return;
            }
            Media m;
            int rc = media_store_part(r->app, r->db, r->arena, p.l.run.org_id, pt, r->user->id, &m);
            if (rc != LN_OK) {
                api_error(r, 500, "internal", "the file could not be stored");
                return;
            }
            media[nfiles++] = m.id;
        }
    } else {
        json_t *b = req_json_or_400(r);
        bool bad = false;
        if (!b) return;
        const char *t = api_str(r, b, "text", &bad);
        if (bad) return;
        text = t ? t : "";
    }
    PeerSubmission s;
    PeerRefusal why;
    int rc = peer_submit(r->db, r->arena, &p.l.run, &p.ps, r->user->id, text, media, nfiles, time_now_us(), &s, &why);
    if (rc == LN_EPERM) refuse(r, why);
    else if (rc == LN_EINVAL) api_field_error(r, "text", "the text must be UTF-8 of at most 100000 bytes");
    else if (rc != LN_OK) api_error(r, 500, "internal", "submitting failed on our side");
    else api_json(r, 201, peer_submission_json(r, &p, &s));
}

/* The caller's review task {aid} (404 when it is not theirs). */
static bool task_of(Req *r, const PeerCtx *p, PeerTask *t)
{
    int64_t aid;
    if (!req_path_id_or_404(r, "aid", &aid)) return false;
    if (!p->l.learner
        || peer_task_load(r->db, r->arena, p->l.unit->id, p->l.run.id, r->user->id, aid, t) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

/* GET /api/v1/runs/{id}/units/{unit}/reviews/{aid} */
void api_peer_review_get(Req *r)
{
    PeerCtx p;
    PeerTask t;
    PeerSubmission s;
    if (!peer_ctx_load(r, &p) || !task_of(r, &p, &t)) return;
    if (peer_submission_last(r->db, r->arena, p.l.unit->id, p.l.run.id, t.author_id, &s) != LN_OK) {
        api_error(r, 500, "internal", "reading the submission failed on our side");
        return;
    }
    json_t *j = json_pack("{s:I, s:b, s:b, s:o, s:o, s:o}", "id", (json_int_t)t.allocation_id, "self", t.self_review,
                          "done", t.review_id != 0, "submission", peer_submission_json(r, &p, &s), "rubric",
                          peer_rubric_to_json(&p.ps.rubric), "review_by", api_time(r->arena, p.ps.review_by));
    /* the submission's author is not named: its id goes */
    if (t.review_id) {
        PeerReview *v;
        int n;
        peer_reviews_of(r->db, r->arena, p.l.unit->id, p.l.run.id, t.author_id, &v, &n);
        for (int i = 0; i < n; i++)
            if (v[i].allocation_id == t.allocation_id)
                json_object_set_new(j, "review", json_pack("{s:o, s:s, s:I}", "levels", levels_json(&v[i]), "comment",
                                                           v[i].comment ? v[i].comment : "", "score",
                                                           (json_int_t)v[i].score));
    }
    api_json(r, 200, j);
}

/* POST /api/v1/runs/{id}/units/{unit}/reviews/{aid} {"levels": [1, 0, 2], "comment": "..."} */
void api_peer_review_post(Req *r)
{
    PeerCtx p;
    PeerTask t;
    if (!peer_ctx_load(r, &p) || !task_of(r, &p, &t)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    json_t *lv = json_object_get(b, "levels");
    bool bad = false;
    const char *comment = api_str(r, b, "comment", &bad);
    if (bad) return;
    if (!json_is_array(lv) || json_array_size(lv) > PEER_MAX_CRITERIA) {
        api_field_error(r, "levels", "\"levels\" must be an array: the index of the level picked for each criterion");
        return;
    }
    int n = (int)json_array_size(lv);
    int *levels = arena_alloc(r->arena, sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        json_t *x = json_array_get(lv, (size_t)i);
        levels[i] = json_is_integer(x) && json_integer_value(x) >= 0 && json_integer_value(x) < PEER_MAX_LEVELS
                  ? (int)json_integer_value(x) : -1;
    }
    PeerRefusal why;
    const char *err = NULL;
    int64_t rid = 0;
    int rc = peer_review_submit(r->db, r->arena, &p.l.run, &p.ps, &t, r->user->id, levels, n, comment, time_now_us(),
                                &rid, &why, &err);
    if (rc == LN_EPERM) refuse(r, why);
    else if (rc == LN_EINVAL) api_field_error(r, "levels", err ? err : "these levels do not fit the rubric");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving the review failed on our side");
    else api_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)rid, "allocation_id", (json_int_t)t.allocation_id));
}

/* POST /api/v1/runs/{id}/units/{unit}/received/{rid}/flag {"reason"} */
void api_peer_flag_post(Req *r)
{
    PeerCtx p;
    int64_t rid;
    if (!peer_ctx_load(r, &p) || !learner_only(r, &p) || !req_path_id_or_404(r, "rid", &rid)) return;
    json_t *b = req_json_or_400(r);
    bool bad = false;
    if (!b) return;
    const char *reason = api_str(r, b, "reason", &bad);
    if (bad) return;
    PeerRefusal why;
    int rc = peer_flag(r->db, p.l.unit->id, p.l.run.id, r->user->id, rid, reason, time_now_us(), &why);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) api_field_error(r, "reason", "say why the review is unfair (at most 2000 bytes)");
    else if (rc == LN_EPERM) refuse(r, why);
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving the flag failed on our side");
    else api_json(r, 201, json_pack("{s:I, s:b}", "review_id", (json_int_t)rid, "flagged", true));
}

/* ======================================================================
 * Staff
 * ==================================================================== */

/* GET /api/v1/orgs/{org}/courses/{id}/units/{uid}/assignment */
void api_peer_settings_get(Req *r)
{
    Course c;
    Unit *u;
    PeerSettings ps;
    if (!peer_course_unit(r, &c, &u)) return;
    if (peer_settings_get(r->db, r->arena, u->id, &ps) != LN_OK) api_error(r, 500, "internal", "reading failed");
    else api_json(r, 200, peer_settings_json(r, &ps));
}

static bool time_in(Req *r, json_t *b, const char *key, UsTime *t)
{
    UsTime v;
    if (!api_time_in(r, b, key, &v)) return false;
    if (v >= 0) *t = v;
    return true;
}

bool peer_settings_from_api(Req *r, json_t *b, PeerSettings *ps)
{
    bool bad = false;
    const char *s;
    if ((s = api_str(r, b, "instructions", &bad))) ps->instructions = s;
    if ((s = api_str(r, b, "late_policy", &bad))) ps->late_policy = s;
    if ((s = api_str(r, b, "no_review_policy", &bad))) ps->no_review_policy = s;
    if ((s = api_str(r, b, "grade_method", &bad))) ps->grade_method = s;
    if (bad) return false;
    if (!api_int(r, b, "reviewers", 0, ps->reviewers, &ps->reviewers)
        || !api_int(r, b, "late_penalty", 0, ps->late_penalty, &ps->late_penalty)
        || !api_int(r, b, "no_review_penalty", 0, ps->no_review_penalty, &ps->no_review_penalty)
        || !time_in(r, b, "submit_by", &ps->submit_by) || !time_in(r, b, "review_by", &ps->review_by))
        return false;
    json_t *sa = json_object_get(b, "self_assessment");
    if (sa && !json_is_boolean(sa)) {
        api_field_error(r, "self_assessment", "\"self_assessment\" must be true or false");
        return false;
    }
    if (sa) ps->self_assessment = json_is_true(sa);
    json_t *rb = json_object_get(b, "rubric");
    const char *err = NULL;
    if (rb && peer_rubric_from_json(r->arena, rb, &ps->rubric, &err) != LN_OK) {
        api_field_error(r, "rubric", err);
        return false;
    }
    const char *msg, *field = peer_settings_check(ps, &msg);
    if (field) {
        api_field_error(r, field, msg);
        return false;
    }
    return true;
}

/* PUT /api/v1/orgs/{org}/courses/{id}/units/{uid}/assignment — any of the settings, "rubric" whole */
void api_peer_settings_put(Req *r)
{
    Course c;
    Unit *u;
    PeerSettings ps;
    if (!peer_course_unit(r, &c, &u)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    if (peer_settings_get(r->db, r->arena, u->id, &ps) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    if (!peer_settings_from_api(r, b, &ps)) return;
    int rc = peer_settings_set(r->db, c.org_id, &ps, time_now_us());
    if (rc == LN_EEXIST)
        api_error(r, 409, "rubric_in_use", "the rubric cannot change once a review was made with it");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else {
        peer_settings_get(r->db, r->arena, u->id, &ps);
        api_json(r, 200, peer_settings_json(r, &ps));
    }
}

/* GET /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer */
void api_peer_staff_get(Req *r)
{
    PeerCtx p;
    if (!peer_staff_ctx(r, &p)) return;
    PeerRow *rows;
    PeerReview *v;
    int n, nv;
    if (peer_overview(r->db, r->arena, &p.l.run, p.l.unit->id, &rows, &n) != LN_OK
        || peer_reviews_of(r->db, r->arena, p.l.unit->id, p.l.run.id, 0, &v, &nv) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    json_t *learners = json_array(), *alloc = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(learners, json_pack("{s:I, s:s, s:o, s:i, s:i, s:i, s:i, s:o}", "user_id",
                                                  (json_int_t)rows[i].user_id, "name", rows[i].name ? rows[i].name : "",
                                                  "submission", peer_submission_json(r, &p, &rows[i].sub),
                                                  "reviews_assigned", rows[i].to_do, "reviews_done", rows[i].done,
                                                  "reviews_received", rows[i].received, "flags", rows[i].flags,
                                                  "grade", grade_json(r, &rows[i].grade, true)));
    for (int i = 0; i < nv; i++) {
        json_t *a = json_pack("{s:I, s:I, s:I, s:b, s:o}", "id", (json_int_t)v[i].allocation_id, "reviewer_id",
                              (json_int_t)v[i].reviewer_id, "author_id", (json_int_t)v[i].author_id, "self",
                              v[i].self_review, "review", json_null());
        if (v[i].id) {
            json_t *rv = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:s, s:o, s:b}", "id", (json_int_t)v[i].id,
                                   "submission_id", (json_int_t)v[i].submission_id, "score", (json_int_t)v[i].score,
                                   "points", (json_int_t)v[i].points, "points_max", (json_int_t)v[i].points_max,
                                   "levels", levels_json(&v[i]), "comment", v[i].comment ? v[i].comment : "",
                                   "created_at", api_time(r->arena, v[i].created_at), "flagged", v[i].flagged);
            if (v[i].flagged) json_object_set_new(rv, "flag_reason", json_string(v[i].flag_reason));
            json_object_set_new(a, "review", rv);
        }
        json_array_append_new(alloc, a);
    }
    json_t *j = peer_settings_json(r, &p.ps);
    json_object_set_new(j, "run_id", json_integer(p.l.run.id));
    json_object_set_new(j, "learners", learners);
    json_object_set_new(j, "allocations", alloc);
    api_json(r, 200, j);
}

/* POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer/allocate {"seed": N}? */
void api_peer_allocate_post(Req *r)
{
    PeerCtx p;
    if (!peer_staff_ctx(r, &p)) return;
    json_t *b = r->body_len ? req_json_or_400(r) : NULL;
    int64_t seed = 0;
    if (r->body_len && (!b || !api_int(r, b, "seed", 0, 0, &seed))) return;
    int added = 0;
    if (peer_allocate_run(r->db, &p.l.run, &p.ps, (uint64_t)seed, time_now_us(), &added) != LN_OK)
        api_error(r, 500, "internal", "allocating failed on our side");
    else api_json(r, 200, json_pack("{s:i}", "added", added));
}

/* POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer/finalise */
void api_peer_finalise_post(Req *r)
{
    PeerCtx p;
    if (!peer_staff_ctx(r, &p)) return;
    int added = 0;
    if (peer_finalise(r->db, &p.l.run, &p.ps, time_now_us(), &added) != LN_OK)
        api_error(r, 500, "internal", "recording the grades failed on our side");
    else api_json(r, 200, json_pack("{s:i}", "graded", added));
}

/* POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/peer/learners/{lid}/override {"score": 0..1000, "reason"} */
void api_peer_override_post(Req *r)
{
    PeerCtx p;
    int64_t lid, score = -1;
    if (!peer_staff_ctx(r, &p) || !req_path_id_or_404(r, "lid", &lid)) return;
    json_t *b = req_json_or_400(r);
    bool bad = false;
    if (!b || !api_int(r, b, "score", 0, -1, &score)) return;
    const char *reason = api_str(r, b, "reason", &bad);
    if (bad) return;
    if (score < 0 || score > 1000) {
        api_field_error(r, "score", "\"score\" is thousandths: 0 to 1000");
        return;
    }
    if (str_empty(reason)) {
        api_field_error(r, "reason", "say why the grade is overridden");
        return;
    }
    PeerGrade g;
    int rc = peer_override(r->db, &p.l.run, p.l.unit->id, lid, score, reason, r->user->id, time_now_us(), &g);
    if (rc == LN_NOTFOUND) api_error(r, 409, "not_graded", "this learner has no grade yet: record the grades first");
    else if (rc == LN_EINVAL) api_field_error(r, "reason", "the reason must be UTF-8 of at most 2000 bytes");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving the override failed on our side");
    else {
        peer_grade_current(r->db, r->arena, p.l.unit->id, p.l.run.id, lid, &g);
        api_json(r, 201, grade_json(r, &g, true));
    }
}
