/* peer_page.c — peer assessment in pages: the trainer's block on an
 * assignment unit's page (settings, rubric), the learner's block in the
 * player (submit, reviews to do, grade, reviews received with a flag), the
 * review page, and the trainer's page per run (submissions, allocation,
 * flags, grades, override).
 *
 * A learner's pages render the same JSON as the API (peer_learner_json),
 * so they cannot show more: reviewers are numbered, never named.
 */
#include "assess/peer.h"
#include "assess/quiz.h"
#include "http/access.h"
#include "http/range.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUBRIC_BLANK_ROWS 2             /* empty criteria offered below the rubric */

/* ======================================================================
 * Small renderers
 * ==================================================================== */

static void when(Req *r, UsTime t)
{
    if (!t) {
        hprintf(r, "%s", T(r, "none"));
        return;
    }
    html_moment(r, t);
}

static void markdown(Req *r, const char *md)
{
    html_lit(r, "<div class=\"prose\">");
    html_safe(r, html_markdown(r->arena, md));
    html_lit(r, "</div>");
}

static const char *late_label(Req *r, const char *p)
{
    if (str_eq(p, "accept")) return T(r, "accepted");
    if (str_eq(p, "penalty")) return T(r, "accepted with a penalty");
    return T(r, "refused");
}

static const char *no_review_label(Req *r, const char *p)
{
    if (str_eq(p, "withhold")) return T(r, "their grade is withheld");
    if (str_eq(p, "penalty")) return T(r, "their grade gets a penalty");
    return T(r, "nothing");
}

static const char *status_label(Req *r, const char *status)
{
    if (str_eq(status, "withheld")) return T(r, "withheld: you reviewed nothing");
    if (str_eq(status, "no_reviews")) return T(r, "no review received");
    return T(r, "graded");
}

static void rubric_table(Req *r, const json_t *rubric)
{
    const json_t *cs = json_object_get(rubric, "criteria");
    if (!json_array_size(cs)) {
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No rubric yet."));
        return;
    }
    hprintf(r, "<table class=\"rubric\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
               "</th></tr></thead><tbody>", T(r, "Rubric"), T(r, "Criterion"), T(r, "Levels (points)"));
    for (size_t i = 0; i < json_array_size(cs); i++) {
        const json_t *c = json_array_get(cs, i), *ls = json_object_get(c, "levels");
        hprintf(r, "<tr><th scope=\"row\">%s", json_str_at(c, "title"));
        if (*json_str_at(c, "description")) hprintf(r, "<br><span class=\"muted\">%s</span>", json_str_at(c, "description"));
        html_lit(r, "</th><td>");
        for (size_t k = 0; k < json_array_size(ls); k++)
            hprintf(r, "%s%s (%lld)", k ? " · " : "", json_str_at(json_array_get(ls, k), "title"),
                    (long long)json_int_at(json_array_get(ls, k), "points", 0));
        html_lit(r, "</td></tr>");
    }
    html_lit(r, "</tbody></table>");
}

static void submission_show(Req *r, const json_t *s)
{
    if (*json_str_at(s, "text")) markdown(r, json_str_at(s, "text"));
    const json_t *files = json_object_get(s, "files");
    if (json_array_size(files)) {
        html_lit(r, "<ul class=\"files\">");
        for (size_t i = 0; i < json_array_size(files); i++) {
            const json_t *f = json_array_get(files, i);
            hprintf(r, "<li><a href=\"%s\" download>%s</a> <span class=\"muted\">%lld KiB</span></li>", json_str_at(f, "url"),
                    json_str_at(f, "filename"), (long long)((json_int_at(f, "size", 0) + 1023) / 1024));
        }
        html_lit(r, "</ul>");
    }
}

/* The level titles picked, criterion by criterion. */
static void levels_show(Req *r, const json_t *rubric, const json_t *levels)
{
    const json_t *cs = json_object_get(rubric, "criteria");
    html_lit(r, "<ul>");
    for (size_t i = 0; i < json_array_size(cs) && i < json_array_size(levels); i++) {
        const json_t *c = json_array_get(cs, i);
        const json_t *l = json_array_get(json_object_get(c, "levels"), (size_t)json_integer_value(json_array_get(levels, i)));
        hprintf(r, "<li>%s: <strong>%s</strong> (%lld)</li>", json_str_at(c, "title"), json_str_at(l, "title"),
                (long long)json_int_at(l, "points", 0));
    }
    html_lit(r, "</ul>");
}

static char *unit_path(Req *r, const PeerCtx *p)
{
    return arena_printf(r->arena, "/runs/%lld/units/%lld", (long long)p->l.run.id, (long long)p->l.unit->id);
}

/* ======================================================================
 * The learner's block in the player
 * ==================================================================== */

static void facts(Req *r, const PeerSettings *ps)
{
    hprintf(r, "<dl class=\"quiz-facts\"><dt>%s</dt><dd>", T(r, "Submit by"));
    when(r, ps->submit_by);
    hprintf(r, "</dd><dt>%s</dt><dd>", T(r, "Review by"));
    when(r, ps->review_by);
    hprintf(r, "</dd><dt>%s</dt><dd>%lld</dd>", T(r, "Reviews per submission"), (long long)ps->reviewers);
    hprintf(r, "<dt>%s</dt><dd>%s", T(r, "Late submissions"), late_label(r, ps->late_policy));
    if (str_eq(ps->late_policy, "penalty")) hprintf(r, " (−%s)", text_percent(r, ps->late_penalty));
    hprintf(r, "</dd><dt>%s</dt><dd>%s", T(r, "Learners who review nothing"), no_review_label(r, ps->no_review_policy));
    if (str_eq(ps->no_review_policy, "penalty")) hprintf(r, " (−%s)", text_percent(r, ps->no_review_penalty));
    hprintf(r, "</dd><dt>%s</dt><dd>%s</dd></dl>", T(r, "Grade"),
            str_eq(ps->grade_method, "mean") ? T(r, "mean of the peers' reviews") : T(r, "median of the peers' reviews"));
}

static void my_submission(Req *r, const PeerCtx *p, const json_t *j)
{
    const json_t *subs = json_object_get(j, "submissions");
    size_t n = json_array_size(subs);
    hprintf(r, "<section class=\"card\" id=\"peer-submit\"><h2>%s</h2>", T(r, "Your submission"));
    if (n) {
        const json_t *last = json_array_get(subs, n - 1);
        hprintf(r, "<p>%s %lld · ", T(r, "Version"), (long long)json_int_at(last, "version", 0));
        UsTime at = 0;
        time_parse_iso(json_str_at(last, "submitted_at"), &at);
        when(r, at);
        if (json_is_true(json_object_get(last, "late"))) hprintf(r, " · <span class=\"badge\">%s</span>", T(r, "late"));
        html_lit(r, "</p>");
        submission_show(r, last);
    } else hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Nothing submitted yet."));
    if (!json_is_true(json_object_get(j, "can_submit"))) {
        hprintf(r, "<p class=\"muted\">%s</p></section>\n", T(r, "Submissions are closed for this assignment."));
        return;
    }
    form_begin_upload(r, arena_printf(r->arena, "%s/submissions", unit_path(r, p)));
    hprintf(r, "<div class=\"field\"><label for=\"peer-text\">%s</label><textarea id=\"peer-text\" name=\"text\""
               " rows=\"10\">%s</textarea></div>", T(r, "Your text (Markdown)"),
            n ? json_str_at(json_array_get(subs, n - 1), "text") : "");
    hprintf(r, "<div class=\"field\"><label for=\"peer-file\">%s</label><input id=\"peer-file\" type=\"file\""
               " name=\"file\" multiple></div>", T(r, "Files (at most 5)"));
    hprintf(r, "<p class=\"muted\">%s</p><button type=\"submit\" class=\"button\" data-confirm=\"%s\">%s</button>",
            n ? T(r, "Submitting again adds a new version; the earlier ones are kept.")
              : T(r, "A submission cannot be changed afterwards; you may submit a new version before the deadline."),
            T(r, "Submit this version? It cannot be changed afterwards."), T(r, "Submit"));
    form_end(r);
    html_lit(r, "</section>\n");
}

static void my_tasks(Req *r, const PeerCtx *p, const json_t *j)
{
    const json_t *tasks = json_object_get(j, "reviews_to_do");
    hprintf(r, "<section class=\"card\" id=\"peer-tasks\"><h2>%s</h2>", T(r, "Reviews to do"));
    if (!json_array_size(tasks)) {
        hprintf(r, "<p class=\"muted\">%s</p></section>\n",
                T(r, "None yet: submissions are given to reviewers once the submission deadline has passed."));
        return;
    }
    html_lit(r, "<ul>");
    for (size_t i = 0, k = 0; i < json_array_size(tasks); i++) {
        const json_t *t = json_array_get(tasks, i);
        bool self = json_is_true(json_object_get(t, "self"));
        hprintf(r, "<li><a href=\"%s/reviews/%lld\">", unit_path(r, p), (long long)json_int_at(t, "id", 0));
        if (self) hprintf(r, "%s", T(r, "Assess your own work"));
        else hprintf(r, "%s %d", T(r, "Submission"), (int)++k);
        hprintf(r, "</a> — %s</li>", json_is_true(json_object_get(t, "done")) ? T(r, "done") : T(r, "to do"));
    }
    html_lit(r, "</ul></section>\n");
}

static void my_grade(Req *r, const PeerCtx *p, const json_t *j)
{
    const json_t *g = json_object_get(j, "grade"), *recv = json_object_get(j, "received");
    hprintf(r, "<section class=\"card\" id=\"peer-grade\"><h2>%s</h2>", T(r, "Your grade"));
    if (!json_is_object(g)) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Not graded yet: grades come once the review deadline has passed."));
    else {
        hprintf(r, "<p class=\"quiz-grade\">%s <strong>%s</strong> <span class=\"muted\">(%s)</span></p>", T(r, "Your grade:"),
                text_percent(r, json_int_at(g, "score", -1)), status_label(r, json_str_at(g, "status")));
        if (str_eq(json_str_at(g, "kind"), "override"))
            hprintf(r, "<p>%s %s</p>", T(r, "Set by a trainer:"), json_str_at(g, "reason"));
    }
    hprintf(r, "<h3>%s</h3>", T(r, "Reviews received"));
    if (!json_array_size(recv)) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No review yet."));
    const json_t *rubric = json_object_get(j, "rubric");
    for (size_t i = 0; i < json_array_size(recv); i++) {
        const json_t *v = json_array_get(recv, i);
        bool self = json_is_true(json_object_get(v, "self"));
        html_lit(r, "<article class=\"peer-review\">");
        if (self) hprintf(r, "<h4>%s", T(r, "Your self-assessment"));
        else hprintf(r, "<h4>%s %lld", T(r, "Reviewer"), (long long)json_int_at(v, "reviewer", 0));
        hprintf(r, " · %s</h4>", text_percent(r, json_int_at(v, "score", 0)));
        levels_show(r, rubric, json_object_get(v, "levels"));
        if (*json_str_at(v, "comment")) hprintf(r, "<blockquote>%s</blockquote>", json_str_at(v, "comment"));
        if (json_is_true(json_object_get(v, "flagged")))
            hprintf(r, "<p class=\"badge\">%s %s</p>", T(r, "You flagged this review:"), json_str_at(v, "flag_reason"));
        else if (!self) {
            long long id = (long long)json_int_at(v, "id", 0);
            form_begin(r, arena_printf(r->arena, "%s/received/%lld/flag", unit_path(r, p), id));
            hprintf(r, "<details><summary>%s</summary><div class=\"field\"><label for=\"flag-%lld\">%s</label>"
                       "<textarea id=\"flag-%lld\" name=\"reason\" rows=\"3\" required></textarea></div>"
                       "<button type=\"submit\" class=\"button secondary\">%s</button></details>",
                    T(r, "Flag this review as unfair"), id, T(r, "Why is it unfair?"), id, T(r, "Flag the review"));
            form_end(r);
        }
        html_lit(r, "</article>");
    }
    html_lit(r, "</section>\n");
}

void peer_player(Req *r, const Learn *l)
{
    PeerCtx p = {.l = *l};
    if (peer_settings_get(r->db, r->arena, l->unit->id, &p.ps) != LN_OK) return;
    peer_due(r->db, &l->run, &p.ps, time_now_us());
    json_t *j = peer_learner_json(r, &p);
    hprintf(r, "<section class=\"card peer\" aria-labelledby=\"peer-h\"><h2 id=\"peer-h\">%s</h2>",
            T(r, "Peer-assessed assignment"));
    markdown(r, p.ps.instructions);
    facts(r, &p.ps);
    rubric_table(r, json_object_get(j, "rubric"));
    html_lit(r, "</section>\n");
    if (!l->learner) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Submissions and reviews are for enrolled learners."));
    else {
        my_submission(r, &p, j);
        my_tasks(r, &p, j);
        my_grade(r, &p, j);
    }
    json_decref(j);
}

/* POST /runs/{id}/units/{unit}/submissions (text, file...) */
void peer_submit_post(Req *r)
{
    PeerCtx p;
    if (!peer_ctx_load(r, &p)) return;
    if (!p.l.learner) {
        web_error(r, 403, "not_enrolled", T(r, "Submissions and reviews are for enrolled learners."));
        return;
    }
    int64_t media[PEER_MAX_FILES];
    int nfiles = 0;
    for (const Part *pt = r->parts; pt; pt = pt->next) {
        if (!str_eq(pt->name, "file") || str_empty(pt->filename) || (!pt->path && !pt->len)) continue;
        if (nfiles == PEER_MAX_FILES) {
            web_error(r, 422, "too_many_files", T(r, "At most 5 files per submission."));
            return;
        }
        Media m;
        int rc = media_store_part(r->app, r->db, r->arena, p.l.run.org_id, pt, r->user->id, &m);
        if (rc != LN_OK) {
            web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
            return;
        }
        media[nfiles++] = m.id;
    }
    PeerRefusal why;
    PeerSubmission s;
    int rc = peer_submit(r->db, r->arena, &p.l.run, &p.ps, r->user->id, req_form(r, "text"), media, nfiles,
                         time_now_us(), &s, &why);
    if (rc == LN_EPERM) page_flash(r, i18n_get(r->lang, peer_refusal_message(why)));
    else if (rc == LN_EINVAL) page_flash(r, T(r, "The text is too long or not valid UTF-8."));
    else if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    } else page_flash(r, T(r, "Your work is submitted."));
    req_redirect(r, arena_printf(r->arena, "%s#peer-submit", unit_path(r, &p)));
}

/* GET /runs/{id}/units/{unit}/submissions/{sid}/files/{n}: the author, a
 * reviewer given this author, or the course's staff. */
void peer_file_get(Req *r)
{
    PeerCtx p;
    int64_t sid, pos;
    if (!peer_ctx_load(r, &p) || !req_path_id_or_404(r, "sid", &sid) || !req_path_id_or_404(r, "n", &pos)) return;
    int64_t media_id = 0;
    /* a learner reads their own files and those of the authors they review */
    bool allowed = (p.l.staff || p.l.learner)
                   && peer_file_for(r->db, p.l.unit->id, p.l.run.id, sid, pos, r->user->id, p.l.staff, &media_id) == LN_OK;
    Media m;
    if (!allowed || media_load(r->db, r->arena, p.l.run.org_id, media_id, &m) != LN_OK) {
        web_not_found(r);       /* another learner's file: as if there were none */
        return;
    }
    req_send_path(r, media_path(r->app, r->arena, m.sha256), arena_printf(r->arena, "\"%s\"", m.sha256),
                  "application/octet-stream", content_disposition(r->arena, true, m.filename));
}

/* ---- the review page --------------------------------------------------------------- */

static bool task_here(Req *r, const PeerCtx *p, PeerTask *t)
{
    int64_t aid;
    if (!req_path_id_or_404(r, "aid", &aid)) return false;
    if (!p->l.learner || peer_task_load(r->db, r->arena, p->l.unit->id, p->l.run.id, r->user->id, aid, t) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

static void review_render(Req *r, const PeerCtx *p, const PeerTask *t, const char *error)
{
    PeerSubmission s;
    if (peer_submission_last(r->db, r->arena, p->l.unit->id, p->l.run.id, t->author_id, &s) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    if (error) r->status = 422;
    const char *title = t->self_review ? T(r, "Assess your own work") : T(r, "Review a submission");
    page_begin(r, arena_printf(r->arena, "%s — %s", p->l.unit->title, title));
    hprintf(r, "<p class=\"muted\"><a href=\"%s\">← %s</a></p><h1>%s</h1>\n", unit_path(r, p), p->l.unit->title, title);
    json_t *sj = peer_submission_json(r, p, &s), *rubric = peer_rubric_to_json(&p->ps.rubric);
    hprintf(r, "<section class=\"card\"><h2>%s</h2>", T(r, "The submission"));
    submission_show(r, sj);
    html_lit(r, "</section>\n<section class=\"card\" id=\"review\">");
    if (t->review_id) {
        PeerReview *v;
        int n;
        peer_reviews_of(r->db, r->arena, p->l.unit->id, p->l.run.id, t->author_id, &v, &n);
        for (int i = 0; i < n; i++) {
            if (v[i].allocation_id != t->allocation_id) continue;
            json_t *lv = json_array();
            for (int k = 0; k < v[i].nlevels; k++) json_array_append_new(lv, json_integer(v[i].levels[k]));
            hprintf(r, "<h2>%s · %s</h2>", T(r, "Your review"), text_percent(r, v[i].score));
            levels_show(r, rubric, lv);
            if (*v[i].comment) hprintf(r, "<blockquote>%s</blockquote>", v[i].comment);
            json_decref(lv);
        }
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "A review cannot be changed once submitted."));
    } else {
        hprintf(r, "<h2>%s</h2>", T(r, "Your review"));
        if (error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", error);
        form_begin(r, arena_printf(r->arena, "%s/reviews/%lld", unit_path(r, p), (long long)t->allocation_id));
        for (int i = 0; i < p->ps.rubric.n; i++) {
            const PeerCriterion *c = &p->ps.rubric.criteria[i];
            hprintf(r, "<fieldset><legend>%s</legend>", c->title);
            if (c->description && *c->description) hprintf(r, "<p class=\"muted\">%s</p>", c->description);
            for (int k = 0; k < c->nlevels; k++)
                hprintf(r, "<div class=\"field check\"><input type=\"radio\" id=\"c%d-%d\" name=\"c%d\" value=\"%d\""
                           " required><label for=\"c%d-%d\">%s (%lld)</label></div>", i, k, i, k, i, k,
                        c->levels[k].title, (long long)c->levels[k].points);
            html_lit(r, "</fieldset>");
        }
        hprintf(r, "<div class=\"field\"><label for=\"comment\">%s</label><textarea id=\"comment\" name=\"comment\""
                   " rows=\"6\"></textarea></div>", T(r, "Comment"));
        hprintf(r, "<button type=\"submit\" class=\"button\" data-confirm=\"%s\">%s</button>",
                T(r, "Submit this review? It cannot be changed afterwards."), T(r, "Submit the review"));
        form_end(r);
    }
    html_lit(r, "</section>\n");
    json_decref(sj);
    json_decref(rubric);
    page_end(r);
}

/* GET /runs/{id}/units/{unit}/reviews/{aid} */
void peer_review_page(Req *r)
{
    PeerCtx p;
    PeerTask t;
    if (peer_ctx_load(r, &p) && task_here(r, &p, &t)) review_render(r, &p, &t, NULL);
}

/* POST /runs/{id}/units/{unit}/reviews/{aid} (c0, c1, ... level indexes; comment) */
void peer_review_post(Req *r)
{
    PeerCtx p;
    PeerTask t;
    if (!peer_ctx_load(r, &p) || !task_here(r, &p, &t)) return;
    int n = p.ps.rubric.n;
    int *levels = arena_alloc(r->arena, sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        int64_t v;
        levels[i] = str_to_i64(req_form(r, arena_printf(r->arena, "c%d", i)), &v) && v >= 0 && v < PEER_MAX_LEVELS
                  ? (int)v : -1;
    }
    PeerRefusal why;
    const char *err = NULL;
    int64_t rid;
    int rc = peer_review_submit(r->db, r->arena, &p.l.run, &p.ps, &t, r->user->id, levels, n, req_form(r, "comment"),
                                time_now_us(), &rid, &why, &err);
    if (rc == LN_EINVAL) review_render(r, &p, &t, T(r, "Pick one level for each criterion (and keep the comment under 10,000 characters)."));
    else if (rc == LN_EPERM) web_error(r, 409, peer_refusal_code(why), i18n_get(r->lang, peer_refusal_message(why)));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else {
        page_flash(r, T(r, "Your review is submitted."));
        req_redirect(r, arena_printf(r->arena, "%s#peer-tasks", unit_path(r, &p)));
    }
}

/* POST /runs/{id}/units/{unit}/received/{rid}/flag (reason) */
void peer_flag_post(Req *r)
{
    PeerCtx p;
    int64_t rid;
    if (!peer_ctx_load(r, &p) || !req_path_id_or_404(r, "rid", &rid)) return;
    PeerRefusal why;
    int rc = p.l.learner ? peer_flag(r->db, p.l.unit->id, p.l.run.id, r->user->id, rid, req_form(r, "reason"),
                                     time_now_us(), &why)
                         : LN_NOTFOUND;
    if (rc == LN_NOTFOUND) {
        web_not_found(r);
        return;
    }
    if (rc == LN_EINVAL) page_flash(r, T(r, "Say why the review is unfair."));
    else if (rc == LN_EPERM) page_flash(r, i18n_get(r->lang, peer_refusal_message(why)));
    else if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    } else page_flash(r, T(r, "The review is flagged: a trainer will look at it."));
    req_redirect(r, arena_printf(r->arena, "%s#peer-grade", unit_path(r, &p)));
}

/* ======================================================================
 * The trainer's block on the unit's page
 * ==================================================================== */


static char *num(Req *r, int64_t v) { return arena_printf(r->arena, "%lld", (long long)v); }

static void select_of(Req *r, const char *name, const char *label, const char *const *values, const char *const *labels,
                      int n, const char *current)
{
    hprintf(r, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">", name, label, name,
            name);
    for (int i = 0; i < n; i++)
        hprintf(r, "<option value=\"%s\"%s>%s</option>", values[i], str_eq(values[i], current) ? " selected" : "",
                labels[i]);
    html_lit(r, "</select></div>");
}

static char *course_unit_base(Req *r, const Course *c, const Unit *u)
{
    return arena_printf(r->arena, "/o/%s/courses/%lld/units/%lld", r->org->slug, (long long)c->id, (long long)u->id);
}

typedef struct EditState {
    const PeerSettings *ps;
    const char *field, *error;
} EditState;

static void settings_form(Req *r, const Course *c, const Unit *u, const PeerSettings *ps, const EditState *st)
{
    hprintf(r, "<section class=\"card\" id=\"peer-settings\"><h2>%s</h2>", T(r, "Assignment settings"));
    if (st->error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", st->error);
    const char *f = st->field;
    form_begin(r, arena_printf(r->arena, "%s/assignment", course_unit_base(r, c, u)));
    hprintf(r, "<div class=\"field\"><label for=\"f-instructions\">%s</label><textarea id=\"f-instructions\""
               " name=\"instructions\" rows=\"8\">%s</textarea></div>", T(r, "Instructions (Markdown)"), ps->instructions);
    form_input(r, "datetime-local", "submit_by", T(r, "Submit by (UTC; empty: no deadline)"), datetime_value(r, ps->submit_by),
               str_eq(f, "submit_by") ? st->error : NULL, "");
    form_input(r, "datetime-local", "review_by", T(r, "Review by (UTC; empty: no deadline)"), datetime_value(r, ps->review_by),
               str_eq(f, "review_by") ? st->error : NULL, "");
    form_input(r, "number", "reviewers", T(r, "Reviewers per submission"), num(r, ps->reviewers),
               str_eq(f, "reviewers") ? st->error : NULL, "min=\"1\" max=\"10\"");
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-self\" name=\"self_assessment\" value=\"1\"%s>"
               "<label for=\"f-self\">%s</label></div>", ps->self_assessment ? " checked" : "",
            T(r, "Learners also assess their own work (not counted in the grade)"));
    static const char *const lates[] = {"refuse", "accept", "penalty"};
    const char *late_labels[] = {T(r, "refused"), T(r, "accepted"), T(r, "accepted with a penalty")};
    select_of(r, "late_policy", T(r, "Late submissions"), lates, late_labels, 3, ps->late_policy);
    form_input(r, "number", "late_penalty", T(r, "Late penalty (% of the grade)"), num(r, ps->late_penalty / 10),
               str_eq(f, "late_penalty") ? st->error : NULL, "min=\"0\" max=\"100\"");
    static const char *const nrs[] = {"none", "withhold", "penalty"};
    const char *nr_labels[] = {T(r, "nothing"), T(r, "their grade is withheld"), T(r, "their grade gets a penalty")};
    select_of(r, "no_review_policy", T(r, "Learners who review nothing"), nrs, nr_labels, 3, ps->no_review_policy);
    form_input(r, "number", "no_review_penalty", T(r, "No-review penalty (% of the grade)"),
               num(r, ps->no_review_penalty / 10), str_eq(f, "no_review_penalty") ? st->error : NULL,
               "min=\"0\" max=\"100\"");
    static const char *const methods[] = {"median", "mean"};
    const char *method_labels[] = {T(r, "median of the peers' reviews"), T(r, "mean of the peers' reviews")};
    select_of(r, "grade_method", T(r, "Grade"), methods, method_labels, 2, ps->grade_method);
    form_submit(r, T(r, "Save the settings"));
    form_end(r);
    html_lit(r, "</section>\n");
}

static void rubric_form(Req *r, const Course *c, const Unit *u, const PeerSettings *ps, const EditState *st)
{
    hprintf(r, "<section class=\"card\" id=\"peer-rubric\"><h2>%s</h2><p class=\"muted\">%s</p>", T(r, "Rubric"),
            T(r, "Each criterion has 2 to 10 levels, each with whole points. Leave a row empty to drop it. The rubric"
                 " cannot change once a review was made with it."));
    if (str_eq(st->field, "rubric")) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", st->error);
    form_begin(r, arena_printf(r->arena, "%s/rubric", course_unit_base(r, c, u)));
    int rows = ps->rubric.n + RUBRIC_BLANK_ROWS;
    if (rows > PEER_MAX_CRITERIA) rows = PEER_MAX_CRITERIA;
    for (int i = 0; i < rows; i++) {
        const PeerCriterion *pc = i < ps->rubric.n ? &ps->rubric.criteria[i] : NULL;
        hprintf(r, "<fieldset><legend>%s %d</legend>", T(r, "Criterion"), i + 1);
        hprintf(r, "<div class=\"field\"><label for=\"c%d_title\">%s</label><input type=\"text\" id=\"c%d_title\""
                   " name=\"c%d_title\" value=\"%s\" maxlength=\"200\"></div>", i, T(r, "Title"), i, i,
                pc ? pc->title : "");
        hprintf(r, "<div class=\"field\"><label for=\"c%d_desc\">%s</label><input type=\"text\" id=\"c%d_desc\""
                   " name=\"c%d_desc\" value=\"%s\"></div>", i, T(r, "Description"), i, i,
                pc && pc->description ? pc->description : "");
        int nl = pc && pc->nlevels + 1 <= PEER_MAX_LEVELS ? pc->nlevels + 1 : pc ? pc->nlevels : 4;
        for (int k = 0; k < nl; k++) {
            const PeerLevel *l = pc && k < pc->nlevels ? &pc->levels[k] : NULL;
            hprintf(r, "<div class=\"inline\"><div class=\"field\"><label for=\"c%d_l%d\">%s %d</label>"
                       "<input type=\"text\" id=\"c%d_l%d\" name=\"c%d_l%d\" value=\"%s\" maxlength=\"200\"></div>"
                       "<div class=\"field\"><label for=\"c%d_p%d\">%s</label><input type=\"number\" id=\"c%d_p%d\""
                       " name=\"c%d_p%d\" value=\"%s\" min=\"0\" max=\"1000\"></div></div>", i, k, T(r, "Level"), k + 1,
                    i, k, i, k, l ? l->title : "", i, k, T(r, "Points"), i, k, i, k, l ? num(r, l->points) : "");
        }
        html_lit(r, "</fieldset>");
    }
    form_submit(r, T(r, "Save the rubric"));
    form_end(r);
    html_lit(r, "</section>\n");
}

static void runs_links(Req *r, const Course *c, const Unit *u)
{
    RunList rl;
    if (run_list(r->db, r->arena, c, 0, true, &rl) != LN_OK) return;
    hprintf(r, "<section class=\"card\" id=\"peer-runs\"><h2>%s</h2>", T(r, "Submissions and reviews"));
    if (!rl.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No session yet."));
    html_lit(r, "<ul>");
    for (int i = 0; i < rl.n; i++)
        hprintf(r, "<li><a href=\"/o/%s/runs/%lld/units/%lld/peer\">%s</a></li>", r->org->slug,
                (long long)rl.items[i].id, (long long)u->id, rl.items[i].title);
    html_lit(r, "</ul></section>\n");
}

static void edit_sections(Req *r, const Course *c, const Unit *u, const EditState *st)
{
    PeerSettings saved;
    const PeerSettings *ps = st->ps;
    if (!ps) {
        peer_settings_get(r->db, r->arena, u->id, &saved);
        ps = &saved;
    }
    settings_form(r, c, u, ps, st);
    rubric_form(r, c, u, ps, st);
    runs_links(r, c, u);
}

void peer_edit_section(Req *r, const Course *c, const Unit *u)
{
    EditState st = {0};
    edit_sections(r, c, u, &st);
}

static void edit_page(Req *r, const Course *c, const Unit *u, const EditState *st)
{
    r->status = 422;
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Assignment settings"), u->title));
    hprintf(r, "<p class=\"muted\"><a href=\"%s\">← %s</a></p><h1>%s</h1>\n", course_unit_base(r, c, u), u->title,
            u->title);
    edit_sections(r, c, u, st);
    page_end(r);
}

static bool form_time(Req *r, const char *name, UsTime *out)
{
    const char *v = req_form(r, name);
    if (str_empty(v)) {
        *out = 0;
        return true;
    }
    return quiz_parse_time(v, out);
}

static bool form_pct(Req *r, const char *name, int64_t *out)
{
    const char *v = req_form(r, name);
    int64_t n;
    if (str_empty(v)) return true;
    if (!str_to_i64(v, &n) || n < 0 || n > 100) return false;
    *out = n * 10;
    return true;
}

/* POST /o/{org}/courses/{id}/units/{uid}/assignment */
void peer_settings_post(Req *r)
{
    Course c;
    Unit *u;
    if (!peer_course_unit(r, &c, &u)) return;
    PeerSettings ps;
    peer_settings_get(r->db, r->arena, u->id, &ps);
    const char *v;
    int64_t n;
    EditState st = {.ps = &ps};
    if ((v = req_form(r, "instructions"))) ps.instructions = v;
    if ((v = req_form(r, "late_policy"))) ps.late_policy = v;
    if ((v = req_form(r, "no_review_policy"))) ps.no_review_policy = v;
    if ((v = req_form(r, "grade_method"))) ps.grade_method = v;
    ps.self_assessment = str_eq(req_form(r, "self_assessment"), "1");
    if (!str_to_i64(req_form(r, "reviewers"), &n)) n = -1;
    ps.reviewers = n;
    const char *msg = NULL;
    if (!form_time(r, "submit_by", &ps.submit_by)) st.field = "submit_by";
    else if (!form_time(r, "review_by", &ps.review_by)) st.field = "review_by";
    if (st.field) msg = "Give a date and time such as 2026-12-01T18:00.";
    else if (!form_pct(r, "late_penalty", &ps.late_penalty)) st.field = "late_penalty";
    else if (!form_pct(r, "no_review_penalty", &ps.no_review_penalty)) st.field = "no_review_penalty";
    if (st.field && !msg) msg = "A penalty must be between 0 and 100 %.";
    if (!st.field) st.field = peer_settings_check(&ps, &msg);
    if (st.field) {
        st.error = i18n_get(r->lang, msg);
        edit_page(r, &c, u, &st);
        return;
    }
    int rc = peer_settings_set(r->db, c.org_id, &ps, time_now_us());
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "The settings are saved."));
    req_redirect(r, arena_printf(r->arena, "%s#peer-settings", course_unit_base(r, &c, u)));
}

/* The rubric form into JSON: rows with neither a title nor a level are left out. */
static json_t *rubric_from_form(Req *r)
{
    json_t *cs = json_array();
    for (int i = 0; i < PEER_MAX_CRITERIA; i++) {
        const char *title = req_form(r, arena_printf(r->arena, "c%d_title", i));
        json_t *ls = json_array();
        for (int k = 0; k < PEER_MAX_LEVELS + 1; k++) {
            const char *lt = req_form(r, arena_printf(r->arena, "c%d_l%d", i, k));
            const char *lp = req_form(r, arena_printf(r->arena, "c%d_p%d", i, k));
            if (str_empty(lt) && str_empty(lp)) continue;
            int64_t pts;
            json_array_append_new(ls, json_pack("{s:s, s:o}", "title", lt ? lt : "", "points",
                                                str_to_i64(lp, &pts) ? json_integer(pts) : json_null()));
        }
        if (str_empty(title) && !json_array_size(ls)) {
            json_decref(ls);
            continue;
        }
        const char *desc = req_form(r, arena_printf(r->arena, "c%d_desc", i));
        json_array_append_new(cs, json_pack("{s:s, s:s, s:o}", "title", title ? title : "", "description",
                                            desc ? desc : "", "levels", ls));
    }
    return json_pack("{s:o}", "criteria", cs);
}

/* POST /o/{org}/courses/{id}/units/{uid}/rubric */
void peer_rubric_post(Req *r)
{
    Course c;
    Unit *u;
    if (!peer_course_unit(r, &c, &u)) return;
    PeerSettings ps;
    peer_settings_get(r->db, r->arena, u->id, &ps);
    json_t *j = rubric_from_form(r);
    const char *err = NULL;
    EditState st = {.ps = &ps, .field = "rubric"};
    int rc = peer_rubric_from_json(r->arena, j, &ps.rubric, &err);
    json_decref(j);
    if (rc != LN_OK) {
        peer_settings_get(r->db, r->arena, u->id, &ps);
        st.error = err;
        edit_page(r, &c, u, &st);
        return;
    }
    rc = peer_settings_set(r->db, c.org_id, &ps, time_now_us());
    if (rc == LN_EEXIST) {
        peer_settings_get(r->db, r->arena, u->id, &ps);
        st.error = T(r, "The rubric cannot change once a review was made with it.");
        edit_page(r, &c, u, &st);
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "The rubric is saved."));
    req_redirect(r, arena_printf(r->arena, "%s#peer-rubric", course_unit_base(r, &c, u)));
}

/* ======================================================================
 * The trainer's page per run
 * ==================================================================== */

static char *staff_base(Req *r, const PeerCtx *p)
{
    return arena_printf(r->arena, "/o/%s/runs/%lld/units/%lld/peer", r->org->slug, (long long)p->l.run.id,
                        (long long)p->l.unit->id);
}

static const char *name_in(const PeerRow *rows, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (rows[i].user_id == id) return rows[i].name ? rows[i].name : "";
    return "?";
}

/* GET /o/{org}/runs/{id}/units/{uid}/peer */
void peer_staff_page(Req *r)
{
    PeerCtx p;
    if (!peer_staff_ctx(r, &p)) return;
    PeerRow *rows;
    PeerReview *v;
    int n, nv;
    if (peer_overview(r->db, r->arena, &p.l.run, p.l.unit->id, &rows, &n) != LN_OK
        || peer_reviews_of(r->db, r->arena, p.l.unit->id, p.l.run.id, 0, &v, &nv) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    char *base = staff_base(r, &p);
    page_begin(r, arena_printf(r->arena, "%s — %s", p.l.unit->title, T(r, "Peer assessment")));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/courses/%lld/units/%lld\">← %s</a> · %s</p><h1>%s</h1>\n",
            r->org->slug, (long long)p.l.course.id, (long long)p.l.unit->id, p.l.unit->title, p.l.run.title,
            T(r, "Peer assessment"));
    facts(r, &p.ps);
    html_lit(r, "<div class=\"inline\">");
    form_begin(r, arena_printf(r->arena, "%s/allocate", base));
    hprintf(r, "<button type=\"submit\" class=\"button secondary\">%s</button>", T(r, "Allocate reviewers now"));
    form_end(r);
    form_begin(r, arena_printf(r->arena, "%s/finalise", base));
    hprintf(r, "<button type=\"submit\" class=\"button secondary\" data-confirm=\"%s\">%s</button>",
            T(r, "Record the grades from the reviews made so far?"), T(r, "Record the grades now"));
    form_end(r);
    html_lit(r, "</div>");
    /* submissions and grades */
    hprintf(r, "<section class=\"card\" id=\"peer-learners\"><h2>%s (%d)</h2>", T(r, "Submissions"), n);
    if (n) {
        hprintf(r, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
                   "</thead><tbody>", T(r, "Learner"), T(r, "Version"), T(r, "Reviews done"), T(r, "Reviews received"),
                T(r, "Flags"), T(r, "Grade"), T(r, "Override"));
        for (int i = 0; i < n; i++) {
            const PeerRow *w = &rows[i];
            hprintf(r, "<tr id=\"learner-%lld\"><td>%s</td><td><details><summary>%lld%s</summary>", (long long)w->user_id,
                    w->name ? w->name : "", (long long)w->sub.version, w->sub.late ? T(r, " (late)") : "");
            json_t *sj = peer_submission_json(r, &p, &w->sub);
            submission_show(r, sj);
            json_decref(sj);
            hprintf(r, "</details></td><td>%d / %d</td><td>%d</td><td>%d</td><td>", w->done, w->to_do, w->received,
                    w->flags);
            if (w->grade.id) {
                hprintf(r, "%s <span class=\"muted\">(%s)</span>", text_percent(r, w->grade.score), str_eq(w->grade.kind, "override")
                        ? T(r, "overridden") : status_label(r, w->grade.status));
                if (w->grade.reason) hprintf(r, "<br><span class=\"muted\">%s</span>", w->grade.reason);
            } else hprintf(r, "<span class=\"muted\">%s</span>", T(r, "not recorded yet"));
            html_lit(r, "</td><td>");
            if (w->grade.id) {
                long long uid = (long long)w->user_id;
                form_begin(r, arena_printf(r->arena, "%s/learners/%lld/override", base, uid));
                hprintf(r, "<div class=\"field\"><label for=\"o-s-%lld\">%s</label><input type=\"number\" id=\"o-s-%lld\""
                           " name=\"score\" min=\"0\" max=\"100\" step=\"0.1\" required></div><div class=\"field\">"
                           "<label for=\"o-r-%lld\">%s</label><input type=\"text\" id=\"o-r-%lld\" name=\"reason\" required>"
                           "</div><button type=\"submit\" class=\"button small\">%s</button>", uid, T(r, "Grade (%)"), uid,
                        uid, T(r, "Reason"), uid, T(r, "Override"));
                form_end(r);
            }
            html_lit(r, "</td></tr>");
        }
        html_lit(r, "</tbody></table>");
    } else hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Nothing submitted yet."));
    html_lit(r, "</section>\n");
    /* allocation, reviews and flags */
    hprintf(r, "<section class=\"card\" id=\"peer-allocation\"><h2>%s (%d)</h2>", T(r, "Allocation and reviews"), nv);
    if (nv) {
        hprintf(r, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                T(r, "Reviewer"), T(r, "Author"), T(r, "Review"), T(r, "Flag"));
        for (int i = 0; i < nv; i++) {
            const PeerReview *x = &v[i];
            hprintf(r, "<tr%s><td>%s%s</td><td>%s</td><td>", x->flagged ? " class=\"flagged\"" : "",
                    name_in(rows, n, x->reviewer_id), x->self_review ? T(r, " (self)") : "",
                    name_in(rows, n, x->author_id));
            if (x->id) {
                hprintf(r, "%s", text_percent(r, x->score));
                if (x->comment && *x->comment) hprintf(r, "<br><span class=\"muted\">%s</span>", x->comment);
            } else hprintf(r, "<span class=\"muted\">%s</span>", T(r, "to do"));
            hprintf(r, "</td><td>%s</td></tr>", x->flagged ? x->flag_reason : "");
        }
        html_lit(r, "</tbody></table>");
    } else hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No reviewer allocated yet."));
    html_lit(r, "</section>\n");
    page_end(r);
}

/* POST /o/{org}/runs/{id}/units/{uid}/peer/allocate */
void peer_allocate_post(Req *r)
{
    PeerCtx p;
    if (!peer_staff_ctx(r, &p)) return;
    int added = 0;
    if (peer_allocate_run(r->db, &p.l.run, &p.ps, 0, time_now_us(), &added) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Reviews allocated:"), added));
    req_redirect(r, staff_base(r, &p));
}

/* POST /o/{org}/runs/{id}/units/{uid}/peer/finalise */
void peer_finalise_post(Req *r)
{
    PeerCtx p;
    if (!peer_staff_ctx(r, &p)) return;
    int added = 0;
    if (peer_finalise(r->db, &p.l.run, &p.ps, time_now_us(), &added) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Grades recorded:"), added));
    req_redirect(r, staff_base(r, &p));
}

/* POST /o/{org}/runs/{id}/units/{uid}/peer/learners/{lid}/override (score in %, reason) */
void peer_override_post(Req *r)
{
    PeerCtx p;
    int64_t lid;
    if (!peer_staff_ctx(r, &p) || !req_path_id_or_404(r, "lid", &lid)) return;
    const char *s = req_form(r, "score");
    char *end = NULL;
    double d = s ? strtod(s, &end) : -1;
    int64_t score = end && *end == 0 && d >= 0 && d <= 100 ? (int64_t)(d * 10 + 0.5) : -1;
    const char *reason = req_form(r, "reason");
    if (score < 0 || str_empty(reason)) {
        page_flash(r, T(r, "Give a grade from 0 to 100 % and a reason."));
        req_redirect(r, staff_base(r, &p));
        return;
    }
    int rc = peer_override(r->db, &p.l.run, p.l.unit->id, lid, score, reason, r->user->id, time_now_us(), NULL);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) {
        page_flash(r, T(r, "Give a grade from 0 to 100 % and a reason."));
        req_redirect(r, staff_base(r, &p));
    } else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else {
        page_flash(r, T(r, "The grade is overridden."));
        req_redirect(r, arena_printf(r->arena, "%s#learner-%lld", staff_base(r, &p), (long long)lid));
    }
}
