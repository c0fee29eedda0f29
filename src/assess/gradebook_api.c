/* gradebook_api.c — the JSON API of the gradebook (docs/assessments.md,
 * "Gradebook"; docs/api.md).  Staff routes are A_STAFF of {org}; the run,
 * course, unit and attempt must be the organisation's (404 otherwise).
 *
 *   GET  /api/v1/orgs/{org}/runs/{id}/gradebook?q=&status=&sort=&offset=&limit=
 *   PUT  /api/v1/orgs/{org}/courses/{id}/gradebook        {"pass_mark", "require_grade", "weights": {"unit id": w}}
 *   GET  /api/v1/orgs/{org}/runs/{id}/gradebook/pending   essays to grade
 *   POST /api/v1/orgs/{org}/runs/{id}/attempts/{aid}/items/{qid}/grade   {"score", "comment"}
 *   POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/overrides              {"user_id", "score", "reason", "attempt_id"?}
 *   POST /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/items/{qid}/regrade   {"reason", "item"?}
 *   GET  /api/v1/orgs/{org}/runs/{id}/units/{uid}/analysis
 *   GET  /api/v1/runs/{id}/grades                          the learner's own
 */
#include "assess/gradebook_pages.h"
#include "content/pages.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <math.h>
#include <string.h>

bool gb_org_run(Req *r, RunRef *run, Course *c)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id)) return false;
    if (run_ref(r->db, r->arena, r->org->id, id, run) != LN_OK
        || course_load(r->db, r->arena, run->course_id, c) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

bool gb_quiz_unit(Req *r, const Course *c, int64_t *unit_id, char **title)
{
    if (!req_path_id_or_404(r, "uid", unit_id)) return false;
    char *t = gb_quiz_title(r->db, r->arena, c->id, *unit_id);
    if (!t) web_not_found(r);
    else if (title) *title = t;
    return t != NULL;
}

static json_t *grade_or_null(int64_t g) { return g >= 0 ? json_integer(g) : json_null(); }

static json_t *row_json(Req *r, const Gradebook *g, const GbRow *w)
{
    json_t *cells = json_array();
    for (int q = 0; q < g->nq; q++) {
        const GbCell *c = &w->cells[q];
        json_t *cj = json_pack("{s:I, s:o, s:i, s:b, s:b}", "unit_id", (json_int_t)g->quizzes[q].unit_id, "grade",
                               grade_or_null(c->grade), "attempts", c->attempts, "pending", c->pending, "overridden",
                               c->overridden);
        if (g->quizzes[q].peer) {
            json_object_del(cj, "attempts");
            json_object_set_new(cj, "reviews", json_integer(c->attempts));
            json_object_set_new(cj, "withheld", json_boolean(c->withheld));
            json_object_set_new(cj, "no_reviews", json_boolean(c->no_reviews));
        }
        json_array_append_new(cells, cj);
    }
    return json_pack("{s:I, s:s, s:s, s:o, s:b, s:o, s:o}", "user_id", (json_int_t)w->user_id, "name",
                     w->name ? w->name : "", "email", w->email ? w->email : "", "grade", grade_or_null(w->grade),
                     "passed", w->passed, "completed_at", api_time(r->arena, w->completed_at), "quizzes", cells);
}

static json_t *head_json(const RunRef *run, const Gradebook *g)
{
    json_t *qs = json_array();
    for (int q = 0; q < g->nq; q++)
        json_array_append_new(qs, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "unit_id", (json_int_t)g->quizzes[q].unit_id,
                                            "kind", g->quizzes[q].peer ? "assignment" : "quiz", "title",
                                            g->quizzes[q].title, "purpose", g->quizzes[q].purpose,
                                            "grade_policy", g->quizzes[q].policy, "pass_mark",
                                            (json_int_t)g->quizzes[q].pass_mark, "weight",
                                            (json_int_t)g->quizzes[q].weight));
    return json_pack("{s:I, s:I, s:I, s:b, s:I, s:o}", "run_id", (json_int_t)run->id, "course_id",
                     (json_int_t)run->course_id, "pass_mark", (json_int_t)g->s.pass_mark, "require_grade",
                     g->s.require_grade, "max", (json_int_t)1000, "quizzes", qs);
}

static bool query_ok(Req *r, const char **status, const char **sort)
{
    *status = req_query(r, "status");
    *sort = req_query(r, "sort");
    if (*status && !str_eq(*status, "passed") && !str_eq(*status, "failed") && !str_eq(*status, "")) {
        api_error(r, 400, "bad_query", "status is passed or failed");
        return false;
    }
    if (*sort && !str_eq(*sort, "name") && !str_eq(*sort, "-name") && !str_eq(*sort, "grade") && !str_eq(*sort, "-grade")) {
        api_error(r, 400, "bad_query", "sort is name, -name, grade or -grade");
        return false;
    }
    return true;
}

/* GET /api/v1/orgs/{org}/runs/{id}/gradebook */
void api_gradebook_get(Req *r)
{
    RunRef run;
    Course c;
    const char *status, *sort;
    if (!gb_org_run(r, &run, &c) || !query_ok(r, &status, &sort)) return;
    int64_t offset = 0, limit = 100;
    const char *o = req_query(r, "offset"), *l = req_query(r, "limit");
    if ((o && (!str_to_i64(o, &offset) || offset < 0)) || (l && (!str_to_i64(l, &limit) || limit < 1 || limit > 1000))) {
        api_error(r, 400, "bad_query", "offset ≥ 0 and 1 ≤ limit ≤ 1000");
        return;
    }
    Gradebook g;
    if (gb_peer_due(r->db, r->arena, &run, time_now_us()) != LN_OK || gradebook_load(r->db, r->arena, &run, 0, &g) != LN_OK) {
        api_error(r, 500, "internal", "reading the gradebook failed on our side");
        return;
    }
    gradebook_filter(&g, r->arena, req_query(r, "q"), status, sort);
    json_t *j = head_json(&run, &g), *rows = json_array();
    for (int64_t i = offset; i < g.n && i < offset + limit; i++) json_array_append_new(rows, row_json(r, &g, &g.rows[i]));
    json_object_set_new(j, "total", json_integer(g.n));
    json_object_set_new(j, "learners", rows);
    api_json(r, 200, j);
}

/* GET /api/v1/runs/{id}/grades: the signed-in learner's own grades. */
void api_my_grades_get(Req *r)
{
    int64_t id;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !learn_load(r, id, 0, &l)) return;
    if (!l.learner) {
        api_error(r, 403, "not_enrolled", "grades are for learners enrolled in this session");
        return;
    }
    Gradebook g;
    if (gb_peer_due(r->db, r->arena, &l.run, time_now_us()) != LN_OK
        || gradebook_load(r->db, r->arena, &l.run, r->user->id, &g) != LN_OK || g.n != 1) {
        api_error(r, 500, "internal", "reading the grades failed on our side");
        return;
    }
    json_t *j = head_json(&l.run, &g), *me = row_json(r, &g, &g.rows[0]), *comments = json_array();
    json_object_update(j, me);
    json_decref(me);
    GbComment *cm;
    int ncm = 0;
    gb_comments(r->db, r->arena, l.run.id, r->user->id, &cm, &ncm);
    for (int i = 0; i < ncm; i++)
        json_array_append_new(comments, json_pack("{s:I, s:I, s:s, s:I, s:s, s:o}", "unit_id", (json_int_t)cm[i].unit_id,
                                                  "attempt_number", (json_int_t)cm[i].number, "question",
                                                  cm[i].question ? cm[i].question : "", "score", (json_int_t)cm[i].score,
                                                  "comment", cm[i].comment ? cm[i].comment : "", "graded_at",
                                                  api_time(r->arena, cm[i].at)));
    json_object_set_new(j, "comments", comments);
    api_json(r, 200, j);
}

/* PUT /api/v1/orgs/{org}/courses/{id}/gradebook */
void api_gradebook_settings_put(Req *r)
{
    int64_t id;
    Course c;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (course_load_in(r->db, r->arena, r->org->id, id, &c) != LN_OK) {
        api_error(r, 404, "not_found", "no such course");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    GbSettings s;
    gb_settings_get(r->db, c.id, &s);
    int64_t pm = s.pass_mark;
    if (!api_int(r, b, "pass_mark", 0, s.pass_mark, &pm)) return;
    if (pm > 1000) {
        api_field_error(r, "pass_mark", "the pass mark is thousandths: 0 to 1000");
        return;
    }
    s.pass_mark = pm;
    json_t *req = json_object_get(b, "require_grade");
    if (req && !json_is_boolean(req)) {
        api_field_error(r, "require_grade", "require_grade is true or false");
        return;
    }
    if (req) s.require_grade = json_is_true(req);
    json_t *w = json_object_get(b, "weights");
    if (w && !json_is_object(w)) {
        api_field_error(r, "weights", "weights is an object: {\"unit id\": weight}");
        return;
    }
    const char *key;
    json_t *v;
    UsTime now = time_now_us();
    /* Checked first, so that nothing is half-saved. */
    json_object_foreach(w, key, v) {
        int64_t uid;
        if (!str_to_i64(key, &uid) || !json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) > GB_MAX_WEIGHT) {
            api_field_error(r, "weights", "each weight is an integer from 0 to 1000000, keyed by a quiz or assignment unit id");
            return;
        }
        if (!gb_graded_unit(r->db, c.id, uid)) {
            api_field_error(r, "weights", "a key is not a quiz or assignment unit of this course");
            return;
        }
    }
    int rc = db_begin(r->db) == DB_DONE ? gb_settings_set(r->db, c.org_id, c.id, &s, now) : LN_EDB;
    json_object_foreach(w, key, v) {
        int64_t uid = 0;
        str_to_i64(key, &uid);
        if (rc == LN_OK) rc = gb_weight_set(r->db, c.org_id, c.id, uid, json_integer_value(v), now);
    }
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        api_error(r, 500, "internal", "saving failed");
        return;
    }
    json_t *weights = json_object();
    GbWeight *ws;
    int nw;
    if (gb_weights(r->db, r->arena, c.id, &ws, &nw) != LN_OK) nw = 0;
    for (int i = 0; i < nw; i++)
        json_object_set_new(weights, arena_printf(r->arena, "%lld", (long long)ws[i].unit_id), json_integer(ws[i].weight));
    api_json(r, 200, json_pack("{s:I, s:I, s:b, s:o}", "course_id", (json_int_t)c.id, "pass_mark",
                               (json_int_t)s.pass_mark, "require_grade", s.require_grade, "weights", weights));
}

/* GET /api/v1/orgs/{org}/runs/{id}/gradebook/pending */
void api_gradebook_pending_get(Req *r)
{
    RunRef run;
    Course c;
    if (!gb_org_run(r, &run, &c)) return;
    GbPending *p;
    int n;
    if (gb_pending(r->db, r->arena, run.id, 500, &p, &n) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:o}",
            "attempt_id", (json_int_t)p[i].attempt_id, "quiz_item_id", (json_int_t)p[i].quiz_item_id, "unit_id",
            (json_int_t)p[i].unit_id, "unit_title", p[i].unit_title ? p[i].unit_title : "", "user_id",
            (json_int_t)p[i].user_id, "number", (json_int_t)p[i].number, "name", p[i].name ? p[i].name : "",
            "question", p[i].question ? p[i].question : "", "answer", p[i].answer ? p[i].answer : "", "points",
            (json_int_t)p[i].points, "submitted_at", api_time(r->arena, p[i].submitted_at)));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

static json_t *outcome_json(const GbOutcome *o)
{
    return json_pack("{s:I, s:o, s:I, s:b, s:b, s:b}", "score", (json_int_t)o->score, "previous_score",
                     grade_or_null(o->previous), "pending", (json_int_t)o->pending, "passed", o->passed, "unit_done",
                     o->completed, "course_done", o->course_done);
}

/* A required string member, trimmed; answers 422 naming it when missing. */
static const char *required_text(Req *r, json_t *b, const char *key, const char *msg)
{
    bool bad = false;
    const char *v = api_str(r, b, key, &bad);
    if (bad) return NULL;
    char *t = v ? str_trim(r->arena, v) : NULL;
    if (str_empty(t) || strlen(t) > GB_REASON_MAX) {
        api_field_error(r, key, msg);
        return NULL;
    }
    return t;
}

/* POST /api/v1/orgs/{org}/runs/{id}/attempts/{aid}/items/{qid}/grade */
void api_gradebook_grade_post(Req *r)
{
    RunRef run;
    Course c;
    int64_t aid, qid, score = -1;
    if (!gb_org_run(r, &run, &c) || !req_path_id_or_404(r, "aid", &aid) || !req_path_id_or_404(r, "qid", &qid)) return;
    json_t *b = req_json_or_400(r);
    if (!b || !api_int(r, b, "score", 0, -1, &score)) return;
    if (score < 0 || score > 1000) {
        api_field_error(r, "score", "score is thousandths of the question: 0 to 1000");
        return;
    }
    bool bad = false;
    const char *comment = api_str(r, b, "comment", &bad);
    if (bad) return;
    if (comment && strlen(comment) > GB_REASON_MAX) {
        api_field_error(r, "comment", "the comment is too long (2000 bytes at most)");
        return;
    }
    GbOutcome o;
    int rc = gb_grade_answer(r->db, r->arena, &run, aid, qid, score, comment ? comment : "", r->user->id, time_now_us(),
                             &o);
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no answered essay with this id in a finished attempt of this session");
    else if (rc == LN_EINVAL) api_field_error(r, "comment", "the comment must be UTF-8 text");
    else if (rc != LN_OK) api_error(r, 500, "internal", "grading failed on our side");
    else api_json(r, 200, outcome_json(&o));
}

/* POST /api/v1/orgs/{org}/runs/{id}/units/{uid}/overrides */
void api_gradebook_override_post(Req *r)
{
    RunRef run;
    Course c;
    int64_t unit, user = 0, attempt = 0, score = -1;
    if (!gb_org_run(r, &run, &c) || !gb_quiz_unit(r, &c, &unit, NULL)) return;
    json_t *b = req_json_or_400(r);
    if (!b || !api_int(r, b, "user_id", 1, 0, &user) || !api_int(r, b, "attempt_id", 0, 0, &attempt)
        || !api_int(r, b, "score", 0, -1, &score))
        return;
    if (!user) {
        api_field_error(r, "user_id", "user_id names the learner");
        return;
    }
    if (score < 0 || score > 1000) {
        api_field_error(r, "score", "score is thousandths of the quiz: 0 to 1000");
        return;
    }
    const char *reason = required_text(r, b, "reason", "an override needs its reason (2000 bytes at most)");
    if (!reason) return;
    GbOutcome o;
    int rc = gb_override(r->db, r->arena, &run, unit, user, attempt, score, reason, r->user->id, time_now_us(), &o);
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such learner or attempt in this session");
    else if (rc == LN_EINVAL) api_field_error(r, "reason", "the reason must be UTF-8 text");
    else if (rc != LN_OK) api_error(r, 500, "internal", "saving failed on our side");
    else api_json(r, 201, outcome_json(&o));
}

/* POST /api/v1/orgs/{org}/courses/{id}/units/{uid}/quiz/items/{qid}/regrade */
void api_gradebook_regrade_post(Req *r)
{
    int64_t id, unit, qid;
    Course c;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (course_load_in(r->db, r->arena, r->org->id, id, &c) != LN_OK) {
        api_error(r, 404, "not_found", "no such course");
        return;
    }
    if (!gb_quiz_unit(r, &c, &unit, NULL) || !req_path_id_or_404(r, "qid", &qid)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    const char *reason = required_text(r, b, "reason", "a regrade needs its reason (2000 bytes at most)");
    if (!reason) return;
    UsTime now = time_now_us();
    json_t *ij = json_object_get(b, "item");
    int64_t key = qid;
    if (ij && !json_is_null(ij)) {
        Item it;
        const char *err = NULL;
        if (item_from_json(r->arena, ij, &it, &err) != LN_OK) {
            api_field_error(r, "item", err ? err : "not a question");
            return;
        }
        int rc = gb_fix_key(r->db, r->arena, c.org_id, unit, qid, &it, reason, r->user->id, now, &key, &err);
        if (rc == LN_NOTFOUND) {
            api_error(r, 404, "not_found", "no current question with this id in the quiz");
            return;
        }
        if (rc == LN_EINVAL) {
            api_field_error(r, "item", err);
            return;
        }
        if (rc != LN_OK) {
            api_error(r, 500, "internal", "saving failed on our side");
            return;
        }
    }
    GbOutcome o;
    int rc = gb_regrade(r->db, r->arena, c.org_id, unit, key, reason, r->user->id, now, &o);
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no question with this id in the quiz");
    else if (rc != LN_OK) api_error(r, 500, "internal", "regrading failed on our side");
    else api_json(r, 200, json_pack("{s:I, s:I, s:i}", "quiz_item_id", (json_int_t)key, "replaced", (json_int_t)qid,
                                    "attempts_changed", o.changed));
}

/* GET /api/v1/orgs/{org}/runs/{id}/units/{uid}/analysis */
void api_gradebook_analysis_get(Req *r)
{
    RunRef run;
    Course c;
    int64_t unit;
    char *title;
    if (!gb_org_run(r, &run, &c) || !gb_quiz_unit(r, &c, &unit, &title)) return;
    GbAnalysis an;
    if (gb_analysis(r->db, r->arena, run.id, unit, &an) != LN_OK) {
        api_error(r, 500, "internal", "reading failed on our side");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < an.n; i++) {
        const GbItemStat *s = &an.items[i];
        json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:i}", "quiz_item_id", (json_int_t)s->quiz_item_id, "type",
                              item_type_name(s->item.type), "title", s->item.title ? s->item.title : "", "retired",
                              s->retired, "answers", s->answers);
        json_object_set_new(j, "current_item_id", s->current_id ? json_integer(s->current_id) : json_null());
        /* difficulty and discrimination in thousandths (integers, as every score) */
        json_object_set_new(j, "difficulty", isnan(s->difficulty) ? json_null()
                                                                  : json_integer((json_int_t)lround(s->difficulty * 1000)));
        json_object_set_new(j, "discrimination", isnan(s->discrimination) ? json_null()
                            : json_integer((json_int_t)lround(s->discrimination * 1000)));
        if (s->picks) {
            json_t *ch = json_array();
            for (int k = 0; k < s->item.nchoices; k++)
                json_array_append_new(ch, json_pack("{s:s, s:b, s:i}", "text", s->item.choices[k].text ? s->item.choices[k].text : "",
                                                    "right", s->item.choices[k].weight > 0, "picks", s->picks[k]));
            json_object_set_new(j, "choices", ch);
        }
        json_array_append_new(items, j);
    }
    api_json(r, 200, json_pack("{s:I, s:I, s:s, s:i, s:s, s:o}", "run_id", (json_int_t)run.id, "unit_id",
                               (json_int_t)unit, "title", title, "attempts", an.attempts, "discrimination",
                               "point_biserial", "items", items));
}
