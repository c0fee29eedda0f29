/* gradebook_page.c — the gradebook's pages (docs/assessments.md, "Gradebook").
 *
 * Trainers and administrators of the organisation (A_STAFF):
 *   GET  /o/{org}/runs/{id}/gradebook            learners × quizzes, course grade; sort, filter, settings
 *   GET  /o/{org}/runs/{id}/gradebook.csv        the same as CSV (every learner)
 *   POST /o/{org}/runs/{id}/gradebook/settings   pass mark, the completion rule, weights
 *   GET  /o/{org}/runs/{id}/gradebook/pending    essays to grade
 *   POST /o/{org}/runs/{id}/attempts/{aid}/items/{qid}/grade
 *   GET  /o/{org}/runs/{id}/gradebook/learners/{uid}   one learner: attempts, overrides, the override form
 *   POST /o/{org}/runs/{id}/units/{uid}/overrides
 *   GET  /o/{org}/runs/{id}/units/{uid}/analysis  item analysis; regrade a question with its current key
 *   POST /o/{org}/runs/{id}/units/{uid}/items/{qid}/regrade
 *   POST /o/{org}/runs/{id}/units/{uid}/items/{qid}/key    fix a choice question's key, then regrade
 * The learner:
 *   GET  /runs/{id}/grades                         my grades
 */
#include "assess/gradebook_pages.h"
#include "assess/pages.h"
#include "core/csv.h"
#include "http/parse.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GB_PAGE 100

static void internal(Req *r)
{
    web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
}

/* "62", "62.5" or "62,5" (0..max) into thousandths of one unit (62500). */
static bool parse_milli(const char *s, int64_t max, int64_t *out)
{
    int64_t whole = 0, frac = 0, scale = 100;
    const char *p = s ? s : "";
    while (*p == ' ') p++;
    if (!(*p >= '0' && *p <= '9')) return false;
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10 + (*p++ - '0');
        if (whole > max) return false;
    }
    if (*p == '.' || *p == ',') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9') {
            if (!scale) return false;
            frac += (*p++ - '0') * scale;
            scale /= 10;
        }
    }
    while (*p == ' ') p++;
    if (*p || whole * 1000 + frac > max * 1000) return false;
    *out = whole * 1000 + frac;
    return true;
}

static const char *weight_text(Req *r, int64_t w)
{
    if (w % 1000 == 0) return arena_printf(r->arena, "%lld", (long long)(w / 1000));
    char *s = arena_printf(r->arena, "%lld.%03lld", (long long)(w / 1000), (long long)(w % 1000));
    size_t n = strlen(s);
    while (s[n - 1] == '0') s[--n] = 0;
    return s;
}

static const char *policy_label(Req *r, const char *p)
{
    if (str_eq(p, "peer")) return T(r, "peer assessment");
    if (str_eq(p, "last")) return T(r, "last attempt");
    if (str_eq(p, "average")) return T(r, "average of the attempts");
    return T(r, "best attempt");
}

static void cell_html(Req *r, const GbCell *c)
{
    if (c->withheld) hprintf(r, "<span class=\"muted\">%s</span>", T(r, "withheld"));
    else if (c->no_reviews) hprintf(r, "<span class=\"muted\">%s</span>", T(r, "no reviews"));
    else hprintf(r, "%s", text_percent(r, c->grade));
    if (c->overridden) hprintf(r, " <span class=\"muted\" title=\"%s\">*</span>", T(r, "overridden"));
    if (c->pending) hprintf(r, " <span class=\"muted\">(%s)</span>", T(r, "to grade"));
}

/* ---- the trainer's gradebook ---------------------------------------------------------- */

typedef struct Errors { const char *field, *msg; } Errors;

static void settings_form(Req *r, const RunRef *run, const Gradebook *g, const Errors *e)
{
    hprintf(r, "<details%s><summary>%s</summary>", e && e->field ? " open" : "", T(r, "Grading settings"));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/gradebook/settings", r->org->slug, (long long)run->id));
    const char *err = e && str_eq(e->field, "pass_mark") ? e->msg : NULL;
    hprintf(r, "<div class=\"field%s\"><label for=\"gb-pass\">%s</label><input id=\"gb-pass\" name=\"pass_percent\""
               " inputmode=\"decimal\" value=\"%s\"%s>", err ? " has-error" : "", T(r, "Course pass mark (%)"),
            weight_text(r, g->s.pass_mark * 100), err ? " aria-invalid=\"true\" aria-describedby=\"e-gb-pass\"" : "");
    if (err) hprintf(r, "<p class=\"field-error\" id=\"e-gb-pass\">%s</p>", err);
    html_lit(r, "</div>");
    hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"gb-require\" name=\"require_grade\" value=\"1\"%s>"
               "<label for=\"gb-require\">%s</label></div>", g->s.require_grade ? " checked" : "",
            T(r, "Completing the course requires the pass mark"));
    for (int q = 0; q < g->nq; q++) {
        const GbQuiz *z = &g->quizzes[q];
        bool bad = e && e->field && str_eq(e->field, arena_printf(r->arena, "weight_%lld", (long long)z->unit_id));
        hprintf(r, "<div class=\"field%s\"><label for=\"gb-w%lld\">%s %s</label><input id=\"gb-w%lld\" name=\"weight_%lld\""
                   " inputmode=\"decimal\" value=\"%s\"%s>", bad ? " has-error" : "", (long long)z->unit_id, T(r, "Weight of"),
                z->title, (long long)z->unit_id, (long long)z->unit_id, weight_text(r, z->weight),
                bad ? " aria-invalid=\"true\"" : "");
        if (bad) hprintf(r, "<p class=\"field-error\">%s</p>", e->msg);
        html_lit(r, "</div>");
    }
    form_submit(r, T(r, "Save"));
    form_end(r);
    html_lit(r, "</details>");
}

/* A learner without any grade yet has not failed. */
static const char *result_text(Req *r, const GbRow *w)
{
    return w->passed ? T(r, "Passed") : w->grade < 0 ? T(r, "Not passed yet") : T(r, "Failed");
}

static void sort_link(Req *r, const char *label, const char *key, const char *sort, const char *q, const char *status)
{
    const char *next = str_eq(sort, key) ? arena_printf(r->arena, "-%s", key) : key;
    const char *aria = str_eq(sort, key) ? (str_eq(key, "grade") ? "descending" : "ascending")
                     : str_eq(sort, arena_printf(r->arena, "-%s", key)) ? (str_eq(key, "grade") ? "ascending" : "descending")
                     : NULL;
    if (aria) hprintf(r, "<th scope=\"col\" aria-sort=\"%s\">", aria);
    else html_lit(r, "<th scope=\"col\">");
    hprintf(r, "<a href=\"?sort=%s&amp;q=%s&amp;status=%s\">%s</a></th>", next, url_encode(r->arena, q ? q : ""),
            status ? status : "", label);
}

static void gradebook_render(Req *r, int status_code, const RunRef *run, const Course *c, const Errors *e)
{
    const char *q = req_query(r, "q"), *status = req_query(r, "status"), *sort = req_query(r, "sort");
    if (!str_eq(status, "passed") && !str_eq(status, "failed")) status = "";
    if (!str_eq(sort, "grade") && !str_eq(sort, "-grade") && !str_eq(sort, "-name")) sort = "name";
    int64_t page = 1;
    const char *p = req_query(r, "page");
    if (p && (!str_to_i64(p, &page) || page < 1 || page > 100000)) page = 1;
    Gradebook g;
    GbPending *pend;
    int npend = 0;
    if (gb_peer_due(r->db, r->arena, run, time_now_us()) != LN_OK || gradebook_load(r->db, r->arena, run, 0, &g) != LN_OK
        || gb_pending(r->db, r->arena, run->id, 500, &pend, &npend) != LN_OK) {
        internal(r);
        return;
    }
    int64_t all = g.n;
    gradebook_filter(&g, r->arena, q, status, sort);
    r->status = status_code;
    const char *base = arena_printf(r->arena, "/o/%s/runs/%lld", r->org->slug, (long long)run->id);
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Gradebook"), run->title));
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">%s</a></p><h1>%s <span class=\"muted\">· %s</span></h1>\n",
            (long long)c->id, c->title, T(r, "Gradebook"), run->title);
    hprintf(r, "<div class=\"spread\"><span class=\"muted\">%s %lld · %s %s</span><span>"
               "<a class=\"button small secondary\" href=\"%s/gradebook/pending\">%s (%d)</a> "
               "<a class=\"button small secondary\" href=\"%s/gradebook.csv\" download>%s</a></span></div>",
            T(r, "Learners:"), (long long)all, T(r, "Course pass mark:"), text_percent(r, g.s.pass_mark), base,
            T(r, "Essays to grade"), npend, base, T(r, "Export as CSV"));
    settings_form(r, run, &g, e);
    /* filter: a GET form */
    hprintf(r, "<form method=\"get\" class=\"inline\" role=\"search\"><div class=\"field\"><label for=\"gb-q\">%s</label>"
               "<input id=\"gb-q\" name=\"q\" type=\"search\" value=\"%s\"></div>"
               "<div class=\"field\"><label for=\"gb-status\">%s</label><select id=\"gb-status\" name=\"status\">"
               "<option value=\"\">%s</option><option value=\"passed\"%s>%s</option><option value=\"failed\"%s>%s</option>"
               "</select></div><input type=\"hidden\" name=\"sort\" value=\"%s\"><button type=\"submit\" class=\"button small\">"
               "%s</button></form>",
            T(r, "Search by name"), q ? q : "", T(r, "Show"), T(r, "Everyone"), str_eq(status, "passed") ? " selected" : "",
            T(r, "Passed"), str_eq(status, "failed") ? " selected" : "", T(r, "Failed"), sort, T(r, "Filter"));
    html_lit(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>");
    sort_link(r, T(r, "Learner"), "name", sort, q, status);
    for (int k = 0; k < g.nq; k++)
        hprintf(r, "<th scope=\"col\">%s<br><span class=\"muted\">%s<br>%s %s · <a href=\"%s/units/%lld/%s\">%s</a></span></th>",
                g.quizzes[k].title, quiz_purpose_label(r, g.quizzes[k].purpose), T(r, "weight"),
                weight_text(r, g.quizzes[k].weight), base,
                (long long)g.quizzes[k].unit_id, g.quizzes[k].peer ? "peer" : "analysis",
                g.quizzes[k].peer ? T(r, "peer assessment") : T(r, "analysis"));
    sort_link(r, T(r, "Course grade"), "grade", sort, q, status);
    hprintf(r, "<th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "Result"));
    int64_t from = (page - 1) * GB_PAGE;
    for (int64_t i = from; i < g.n && i < from + GB_PAGE; i++) {
        const GbRow *w = &g.rows[i];
        hprintf(r, "<tr><td><a href=\"%s/gradebook/learners/%lld\">%s</a><br><span class=\"muted\">%s</span></td>", base,
                (long long)w->user_id, w->name, w->email);
        for (int k = 0; k < g.nq; k++) {
            html_lit(r, "<td>");
            cell_html(r, &w->cells[k]);
            html_lit(r, "</td>");
        }
        hprintf(r, "<td>%s</td><td>%s</td></tr>", text_percent(r, w->grade), result_text(r, w));
    }
    html_lit(r, "</tbody></table></div>");
    if (!g.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No learner matches."));
    if (g.n > from + GB_PAGE)
        hprintf(r, "<nav class=\"pager\"><a href=\"?page=%lld&amp;sort=%s&amp;q=%s&amp;status=%s\">%s →</a></nav>",
                (long long)page + 1, sort, url_encode(r->arena, q ? q : ""), status, T(r, "Next"));
    hprintf(r, "<p class=\"muted\">* %s %s</p>", T(r, "a trainer overrode this grade."),
            T(r, "A withheld peer grade (no review done) counts 0 until a trainer overrides it."));
    page_end(r);
}

/* GET /o/{org}/runs/{id}/gradebook */
void gradebook_page(Req *r)
{
    RunRef run;
    Course c;
    if (gb_org_run(r, &run, &c)) gradebook_render(r, 200, &run, &c, NULL);
}

/* POST /o/{org}/runs/{id}/gradebook/settings */
void gradebook_settings_post(Req *r)
{
    RunRef run;
    Course c;
    if (!gb_org_run(r, &run, &c)) return;
    Gradebook g;
    /* user -1: nobody, only the settings and the quizzes with their weights */
    if (gradebook_load(r->db, r->arena, &run, -1, &g) != LN_OK) {
        internal(r);
        return;
    }
    GbSettings s = g.s;
    int64_t v;
    Errors e = {0};
    if (!parse_milli(req_form(r, "pass_percent"), 100, &v)) {
        e = (Errors){"pass_mark", T(r, "The pass mark must be between 0 and 100 %.")};
        gradebook_render(r, 422, &run, &c, &e);
        return;
    }
    s.pass_mark = v / 100;
    s.require_grade = str_eq(req_form(r, "require_grade"), "1");
    int64_t *weights = arena_alloc(r->arena, sizeof(int64_t) * (size_t)(g.nq ? g.nq : 1));
    for (int q = 0; q < g.nq; q++) {
        const char *name = arena_printf(r->arena, "weight_%lld", (long long)g.quizzes[q].unit_id);
        const char *f = req_form(r, name);
        weights[q] = g.quizzes[q].weight;
        if (f && !parse_milli(f, GB_MAX_WEIGHT / 1000, &weights[q])) {
            e = (Errors){name, T(r, "Give a weight between 0 and 1000 (0 leaves the quiz out).")};
            gradebook_render(r, 422, &run, &c, &e);
            return;
        }
    }
    UsTime now = time_now_us();
    int rc = db_begin(r->db) == DB_DONE ? gb_settings_set(r->db, c.org_id, c.id, &s, now) : LN_EDB;
    for (int q = 0; rc == LN_OK && q < g.nq; q++)
        rc = gb_weight_set(r->db, c.org_id, c.id, g.quizzes[q].unit_id, weights[q], now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        internal(r);
        return;
    }
    page_flash(r, T(r, "Saved."));
    req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/gradebook", r->org->slug, (long long)run.id));
}

/* GET /o/{org}/runs/{id}/gradebook.csv: every learner, one line each. */
void gradebook_csv(Req *r)
{
    RunRef run;
    Course c;
    if (!gb_org_run(r, &run, &c)) return;
    Gradebook g;
    if (gb_peer_due(r->db, r->arena, &run, time_now_us()) != LN_OK || gradebook_load(r->db, r->arena, &run, 0, &g) != LN_OK) {
        internal(r);
        return;
    }
    int nf = 5 + g.nq;
    const char **f = arena_alloc(r->arena, sizeof(char *) * (size_t)nf);
    f[0] = "email";
    f[1] = "name";
    for (int q = 0; q < g.nq; q++)      /* each assessment's purpose is evidence of its own kind */
        f[2 + q] = arena_printf(r->arena, "%s (%s %%)", g.quizzes[q].title, g.quizzes[q].purpose);
    f[2 + g.nq] = "course_grade_percent";
    f[3 + g.nq] = "passed";
    f[4 + g.nq] = "completed_at";
    csv_row(&r->out, f, nf);
    for (int i = 0; i < g.n; i++) {
        const GbRow *w = &g.rows[i];
        f[0] = w->email;
        f[1] = w->name;
        for (int q = 0; q < g.nq; q++)
            f[2 + q] = w->cells[q].withheld ? "withheld"
                     : w->cells[q].grade < 0 ? "" : arena_printf(r->arena, "%.1f", (double)w->cells[q].grade / 10.0);
        f[2 + g.nq] = w->grade < 0 ? "" : arena_printf(r->arena, "%.1f", (double)w->grade / 10.0);
        f[3 + g.nq] = w->passed ? "yes" : "no";
        f[4 + g.nq] = w->completed_at ? time_iso(r->arena, w->completed_at) : "";
        csv_row(&r->out, f, nf);
    }
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    req_set_header(r, "Content-Disposition",
                   arena_printf(r->arena, "attachment; filename=\"gradebook-run-%lld.csv\"", (long long)run.id));
}

/* ---- essays to grade ------------------------------------------------------------------- */

static void text_block(Req *r, const char *s)
{
    /* a learner's or a question's text: escaped, line breaks kept */
    hprintf(r, "<div class=\"prewrap\">%s</div>", s ? s : "");
}

/* GET /o/{org}/runs/{id}/gradebook/pending */
void gradebook_pending_page(Req *r)
{
    RunRef run;
    Course c;
    if (!gb_org_run(r, &run, &c)) return;
    GbPending *p;
    int n;
    if (gb_pending(r->db, r->arena, run.id, 100, &p, &n) != LN_OK) {
        internal(r);
        return;
    }
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Essays to grade"), run.title));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/gradebook\">%s</a></p><h1>%s</h1>", r->org->slug,
            (long long)run.id, T(r, "Gradebook"), T(r, "Essays to grade"));
    if (!n) hprintf(r, "<p>%s</p>", T(r, "Nothing to grade."));
    for (int i = 0; i < n; i++) {
        const GbPending *e = &p[i];
        hprintf(r, "<section class=\"card\"><h2>%s · %s %lld</h2><p class=\"muted\">%s · ", e->name, T(r, "attempt"),
                (long long)e->number, e->unit_title);
        html_date(r, e->submitted_at);
        html_lit(r, "</p>");
        text_block(r, e->question);
        hprintf(r, "<h3>%s</h3>", T(r, "Answer"));
        text_block(r, e->answer);
        form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/attempts/%lld/items/%lld/grade", r->org->slug,
                                   (long long)run.id, (long long)e->attempt_id, (long long)e->quiz_item_id));
        hprintf(r, "<div class=\"field\"><label for=\"s-%d\">%s</label><input id=\"s-%d\" name=\"score_percent\""
                   " inputmode=\"decimal\" required></div><div class=\"field\"><label for=\"c-%d\">%s</label>"
                   "<textarea id=\"c-%d\" name=\"comment\" rows=\"3\"></textarea></div>",
                i, T(r, "Score (% of the question)"), i, i, T(r, "Comment for the learner"), i);
        form_submit(r, T(r, "Grade"));
        form_end(r);
        html_lit(r, "</section>");
    }
    page_end(r);
}

/* POST /o/{org}/runs/{id}/attempts/{aid}/items/{qid}/grade */
void gradebook_grade_post(Req *r)
{
    RunRef run;
    Course c;
    int64_t aid, qid, score;
    if (!gb_org_run(r, &run, &c) || !req_path_id_or_404(r, "aid", &aid) || !req_path_id_or_404(r, "qid", &qid)) return;
    const char *comment = req_form(r, "comment");
    if (!parse_milli(req_form(r, "score_percent"), 100, &score) || (comment && strlen(comment) > GB_REASON_MAX)) {
        web_error(r, 422, "invalid", T(r, "Give a score between 0 and 100 % (and a comment of 2000 characters at most)."));
        return;
    }
    GbOutcome o;
    int rc = gb_grade_answer(r->db, r->arena, &run, aid, qid, score / 100, comment ? comment : "", r->user->id,
                             time_now_us(), &o);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "Give the reason for the change."));
    else if (rc != LN_OK) internal(r);
    else {
        page_flash(r, T(r, "Graded."));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/gradebook/pending", r->org->slug, (long long)run.id));
    }
}

/* ---- one learner: attempts and overrides ------------------------------------------------- */

static void override_form(Req *r, const RunRef *run, const GbQuiz *z, int64_t user, const AttemptList *mine,
                          const Errors *e)
{
    bool mine_err = e && e->field && str_eq(e->field, arena_printf(r->arena, "%lld", (long long)z->unit_id));
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/units/%lld/overrides", r->org->slug, (long long)run->id,
                               (long long)z->unit_id));
    long long u = (long long)z->unit_id;
    hprintf(r, "<input type=\"hidden\" name=\"user_id\" value=\"%lld\">", (long long)user);
    hprintf(r, "<div class=\"field\"><label for=\"o-a%lld\">%s</label><select id=\"o-a%lld\" name=\"attempt_id\">"
               "<option value=\"0\">%s</option>", u, T(r, "Override"), u, T(r, "the grade for the quiz"));
    for (int i = 0; i < mine->n; i++)
        if (!str_eq(mine->items[i].status, "in_progress"))
            hprintf(r, "<option value=\"%lld\">%s %lld</option>", (long long)mine->items[i].id, T(r, "attempt"),
                    (long long)mine->items[i].number);
    hprintf(r, "</select></div><div class=\"field\"><label for=\"o-s%lld\">%s</label><input id=\"o-s%lld\""
               " name=\"score_percent\" inputmode=\"decimal\" required></div>"
               "<div class=\"field%s\"><label for=\"o-r%lld\">%s</label><textarea id=\"o-r%lld\" name=\"reason\" rows=\"2\""
               " required%s></textarea>",
            u, T(r, "New grade (%)"), u, mine_err ? " has-error" : "", u, T(r, "Reason (required, kept as evidence)"), u,
            mine_err ? " aria-invalid=\"true\"" : "");
    if (mine_err) hprintf(r, "<p class=\"field-error\">%s</p>", e->msg);
    html_lit(r, "</div>");
    form_submit(r, T(r, "Override the grade"));
    form_end(r);
}

static void learner_render(Req *r, int code, const RunRef *run, int64_t uid, const Errors *e)
{
    Gradebook g;
    if (gb_peer_due(r->db, r->arena, run, time_now_us()) != LN_OK || gradebook_load(r->db, r->arena, run, uid, &g) != LN_OK) {
        internal(r);
        return;
    }
    if (g.n != 1) {
        web_not_found(r);
        return;
    }
    const GbRow *w = &g.rows[0];
    r->status = code;
    page_begin(r, arena_printf(r->arena, "%s — %s", w->name, T(r, "Gradebook")));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/gradebook\">%s</a></p><h1>%s</h1><p>%s %s · %s</p>",
            r->org->slug, (long long)run->id, T(r, "Gradebook"), w->name, T(r, "Course grade:"), text_percent(r, w->grade),
            result_text(r, w));
    for (int q = 0; q < g.nq; q++) {
        const GbQuiz *z = &g.quizzes[q];
        if (z->peer) {
            hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s ", z->title, T(r, "Grade:"));
            cell_html(r, &w->cells[q]);
            hprintf(r, " · %s · %s %d</p><p><a href=\"/o/%s/runs/%lld/units/%lld/peer\">%s</a></p></section>",
                    policy_label(r, z->policy), T(r, "reviews counted:"), w->cells[q].attempts, r->org->slug,
                    (long long)run->id, (long long)z->unit_id, T(r, "Reviews, flags and overrides of this assignment"));
            continue;
        }
        AttemptList mine;
        if (quiz_attempts(r->db, r->arena, z->unit_id, run->id, uid, &mine) != LN_OK) mine.n = 0;
        hprintf(r, "<section class=\"card\"><h2>%s</h2><p>%s ", z->title, T(r, "Grade:"));
        cell_html(r, &w->cells[q]);
        hprintf(r, " · %s</p><ul>", policy_label(r, z->policy));
        for (int i = 0; i < mine.n; i++) {
            const Attempt *at = &mine.items[i];
            int64_t eff = gb_attempt_rescored(r->db, at);
            hprintf(r, "<li>%s %lld — %s: %s", T(r, "attempt"), (long long)at->number, T(r, "score"),
                    str_eq(at->status, "in_progress") ? T(r, "in progress") : text_percent(r, eff));
            if (eff != at->score && at->score >= 0)
                hprintf(r, " <span class=\"muted\">(%s %s)</span>", T(r, "at submission:"), text_percent(r, at->score));
            html_lit(r, "</li>");
        }
        html_lit(r, "</ul>");
        /* the overrides so far, with their reasons */
        GbOverride *ov;
        int nov;
        if (gb_overrides(r->db, r->arena, run->id, z->unit_id, uid, &ov, &nov) != LN_OK) nov = 0;
        if (nov) hprintf(r, "<h3>%s</h3><ul>", T(r, "Overrides"));
        for (int i = 0; i < nov; i++) {
            hprintf(r, "<li>%s — ", text_percent(r, ov[i].score));
            html_date(r, ov[i].at);
            hprintf(r, " · %s · %s</li>", ov[i].by, ov[i].reason);
        }
        if (nov) html_lit(r, "</ul>");
        override_form(r, run, z, uid, &mine, e);
        html_lit(r, "</section>");
    }
    page_end(r);
}

/* GET /o/{org}/runs/{id}/gradebook/learners/{uid} */
void gradebook_learner_page(Req *r)
{
    RunRef run;
    Course c;
    int64_t uid;
    if (gb_org_run(r, &run, &c) && req_path_id_or_404(r, "uid", &uid)) learner_render(r, 200, &run, uid, NULL);
}

/* POST /o/{org}/runs/{id}/units/{uid}/overrides (form: user_id, attempt_id, score_percent, reason) */
void gradebook_override_post(Req *r)
{
    RunRef run;
    Course c;
    int64_t unit, user = 0, attempt = 0, score;
    if (!gb_org_run(r, &run, &c) || !gb_quiz_unit(r, &c, &unit, NULL)) return;
    if (!str_to_i64(req_form(r, "user_id"), &user) || user <= 0) {
        web_not_found(r);
        return;
    }
    const char *a = req_form(r, "attempt_id");
    if (a && *a && (!str_to_i64(a, &attempt) || attempt < 0)) attempt = -1;
    const char *reason = str_trim(r->arena, req_form(r, "reason") ? req_form(r, "reason") : "");
    Errors e = {arena_printf(r->arena, "%lld", (long long)unit), NULL};
    if (!parse_milli(req_form(r, "score_percent"), 100, &score)) e.msg = T(r, "Give a grade between 0 and 100 %.");
    else if (str_empty(reason) || strlen(reason) > GB_REASON_MAX)
        e.msg = T(r, "Give the reason for the change.");
    if (e.msg) {
        learner_render(r, 422, &run, user, &e);
        return;
    }
    GbOutcome o;
    int rc = attempt < 0 ? LN_NOTFOUND
           : gb_override(r->db, r->arena, &run, unit, user, attempt, score / 100, reason, r->user->id, time_now_us(), &o);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "Give the reason for the change."));
    else if (rc != LN_OK) internal(r);
    else {
        page_flash(r, T(r, "Grade overridden."));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/gradebook/learners/%lld", r->org->slug,
                                     (long long)run.id, (long long)user));
    }
}

/* ---- item analysis --------------------------------------------------------------------- */

static const char *ratio(Req *r, double v)
{
    if (isnan(v)) return "—";
    return arena_printf(r->arena, str_eq(r->lang, "fr") ? "%.2f" : "%.2f", v);
}

static bool choice_item(const Item *it)
{
    return (it->type == ITEM_SINGLE || it->type == ITEM_MULTIPLE || it->type == ITEM_TRUEFALSE) && it->nchoices <= 64;
}

/* A weight in percent per choice (−100 to 100), the reason: a fixed key,
 * then a regrade. */
static void key_form(Req *r, const RunRef *run, int64_t unit, const GbItemStat *s, int i)
{
    hprintf(r, "<details><summary>%s</summary>", T(r, "Fix the key"));
    const Item *it = &s->current;
    form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/units/%lld/items/%lld/key", r->org->slug, (long long)run->id,
                               (long long)unit, (long long)s->current_id));
    hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Credit per choice, in % (−100 to 100; 100 is the right answer)."));
    for (int k = 0; k < it->nchoices; k++) {
        int w = it->choices[k].weight;
        hprintf(r, "<div class=\"field\"><label for=\"k%d-%d\">%s</label><input id=\"k%d-%d\" name=\"w%d\""
                   " inputmode=\"decimal\" value=\"%s%d.%d\"></div>", i, k,
                it->choices[k].text ? it->choices[k].text : "", i, k, k, w < 0 ? "-" : "", abs(w) / 10, abs(w) % 10);
    }
    hprintf(r, "<div class=\"field\"><label for=\"kr-%d\">%s</label><input id=\"kr-%d\" name=\"reason\" required></div>",
            i, T(r, "Reason"), i);
    form_submit(r, T(r, "Fix the key and regrade"));
    form_end(r);
    html_lit(r, "</details>");
}

/* GET /o/{org}/runs/{id}/units/{uid}/analysis */
void gradebook_analysis_page(Req *r)
{
    RunRef run;
    Course c;
    int64_t unit;
    char *title;
    if (!gb_org_run(r, &run, &c) || !gb_quiz_unit(r, &c, &unit, &title)) return;
    GbAnalysis an;
    if (gb_analysis(r->db, r->arena, run.id, unit, &an) != LN_OK) {
        internal(r);
        return;
    }
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "Item analysis"), title));
    hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/gradebook\">%s</a></p><h1>%s <span class=\"muted\">· %s</span>"
               "</h1><p>%s %d. %s</p>", r->org->slug, (long long)run.id, T(r, "Gradebook"), T(r, "Item analysis"), title,
            T(r, "Finished attempts:"), an.attempts,
            T(r, "Difficulty is the mean score (the share correct); discrimination is the point-biserial correlation of"
                 " the question's score with the attempt's score (−1 to 1; below 0.2 the question separates strong and"
                 " weak learners poorly)."));
    html_lit(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>");
    hprintf(r, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
            T(r, "Question"), T(r, "Answers"), T(r, "Difficulty"), T(r, "Discrimination"), T(r, "Choices picked"),
            T(r, "Regrade"));
    for (int i = 0; i < an.n; i++) {
        const GbItemStat *s = &an.items[i];
        hprintf(r, "<tr><td>%s<br><span class=\"muted\">%s%s%s</span></td><td>%d</td><td>%s</td><td>%s</td><td>",
                s->item.title ? s->item.title : s->item.text, item_type_name(s->item.type), s->retired ? " · " : "",
                s->retired ? T(r, "replaced since") : "", s->answers,
                isnan(s->difficulty) ? "—" : text_percent(r, (int64_t)lround(s->difficulty * 1000)),
                ratio(r, s->discrimination));
        if (s->picks) {
            html_lit(r, "<ul class=\"plain\">");
            for (int k = 0; k < s->item.nchoices; k++)
                hprintf(r, "<li>%s%s: %d</li>", s->item.choices[k].text ? s->item.choices[k].text : "",
                        s->item.choices[k].weight > 0 ? " ✓" : "", s->picks[k]);
            html_lit(r, "</ul>");
        }
        html_lit(r, "</td><td>");
        if (s->current_id && choice_item(&s->current)) key_form(r, &run, unit, s, i);
        if (s->current_id && s->current.type != ITEM_ESSAY && s->current.type != ITEM_DESCRIPTION) {
            form_begin(r, arena_printf(r->arena, "/o/%s/runs/%lld/units/%lld/items/%lld/regrade", r->org->slug,
                                       (long long)run.id, (long long)unit, (long long)s->current_id));
            hprintf(r, "<div class=\"field\"><label for=\"rg-%d\">%s</label><input id=\"rg-%d\" name=\"reason\" required>"
                       "</div>", i, T(r, "Reason"), i);
            form_submit(r, T(r, "Regrade with the current key"));
            form_end(r);
        }
        html_lit(r, "</td></tr>");
    }
    html_lit(r, "</tbody></table></div>");
    if (!an.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No finished attempt yet."));
    page_end(r);
}

/* POST /o/{org}/runs/{id}/units/{uid}/items/{qid}/regrade (form: reason) */
void gradebook_regrade_post(Req *r)
{
    RunRef run;
    Course c;
    int64_t unit, qid;
    if (!gb_org_run(r, &run, &c) || !gb_quiz_unit(r, &c, &unit, NULL) || !req_path_id_or_404(r, "qid", &qid)) return;
    const char *reason = str_trim(r->arena, req_form(r, "reason") ? req_form(r, "reason") : "");
    if (str_empty(reason) || strlen(reason) > GB_REASON_MAX) {
        web_error(r, 422, "invalid", T(r, "Give the reason for the change."));
        return;
    }
    GbOutcome o;
    int rc = gb_regrade(r->db, r->arena, c.org_id, unit, qid, reason, r->user->id, time_now_us(), &o);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "Give the reason for the change."));
    else if (rc != LN_OK) internal(r);
    else {
        page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Regraded. Attempts changed:"), o.changed));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/units/%lld/analysis", r->org->slug, (long long)run.id,
                                     (long long)unit));
    }
}

/* POST /o/{org}/runs/{id}/units/{uid}/items/{qid}/key (form: w0, w1, ... in %, reason) */
void gradebook_key_post(Req *r)
{
    RunRef run;
    Course c;
    int64_t unit, qid;
    if (!gb_org_run(r, &run, &c) || !gb_quiz_unit(r, &c, &unit, NULL) || !req_path_id_or_404(r, "qid", &qid)) return;
    QuizItems qi;
    if (quiz_items_load(r->db, r->arena, unit, &qi) != LN_OK) {
        internal(r);
        return;
    }
    Item *it = NULL;
    for (int i = 0; i < qi.n; i++)
        if (qi.items[i].id == qid) it = &qi.items[i].item;
    if (!it || !choice_item(it)) {
        web_not_found(r);
        return;
    }
    const char *reason = str_trim(r->arena, req_form(r, "reason") ? req_form(r, "reason") : "");
    bool ok = !str_empty(reason) && strlen(reason) <= GB_REASON_MAX, right = false;
    for (int k = 0; ok && k < it->nchoices; k++) {
        const char *v = req_form(r, arena_printf(r->arena, "w%d", k));
        bool neg = v && *v == '-';
        int64_t m;
        if (!v || !parse_milli(neg ? v + 1 : v, 100, &m)) ok = false;
        else it->choices[k].weight = (int)((neg ? -m : m) / 100);
        right |= it->choices[k].weight > 0;
    }
    if (!ok || !right) {
        web_error(r, 422, "invalid", T(r, "Give the reason, and a credit from −100 to 100 % for each choice, one at least above 0."));
        return;
    }
    if (it->type == ITEM_SINGLE || it->type == ITEM_TRUEFALSE)
        for (int k = 0; k < it->nchoices; k++)
            if (it->choices[k].weight < 0) it->choices[k].weight = 0;
    UsTime now = time_now_us();
    int64_t key = 0;
    const char *err = NULL;
    GbOutcome o = {0};
    int rc = gb_fix_key(r->db, r->arena, c.org_id, unit, qid, it, reason, r->user->id, now, &key, &err);
    if (rc == LN_OK) rc = gb_regrade(r->db, r->arena, c.org_id, unit, key, reason, r->user->id, now, &o);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_EINVAL) web_error(r, 422, "invalid", T(r, "Give the reason for the change."));
    else if (rc != LN_OK) internal(r);
    else {
        page_flash(r, arena_printf(r->arena, "%s %d", T(r, "Key fixed and attempts regraded. Attempts changed:"), o.changed));
        req_redirect(r, arena_printf(r->arena, "/o/%s/runs/%lld/units/%lld/analysis", r->org->slug, (long long)run.id,
                                     (long long)unit));
    }
}

/* ---- the learner's grades ------------------------------------------------------------------ */

/* GET /runs/{id}/grades */
void my_grades_page(Req *r)
{
    int64_t id;
    Learn l;
    if (!req_path_id_or_404(r, "id", &id) || !learn_load(r, id, 0, &l)) return;
    if (!l.learner) {
        web_error(r, 403, "not_enrolled", T(r, "Grades are for learners enrolled in this session."));
        return;
    }
    Gradebook g;
    if (gb_peer_due(r->db, r->arena, &l.run, time_now_us()) != LN_OK
        || gradebook_load(r->db, r->arena, &l.run, r->user->id, &g) != LN_OK || g.n != 1) {
        internal(r);
        return;
    }
    const GbRow *w = &g.rows[0];
    page_begin(r, arena_printf(r->arena, "%s — %s", T(r, "My grades"), l.course.title));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/learn\">%s</a></p><h1>%s</h1>", (long long)l.run.id,
            l.course.title, T(r, "My grades"));
    hprintf(r, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
            T(r, "Quiz"), T(r, "Grade"), T(r, "Counts"), T(r, "Attempts"), T(r, "Weight"));
    for (int q = 0; q < g.nq; q++) {
        hprintf(r, "<tr><td><a href=\"/runs/%lld/units/%lld\">%s</a><br><span class=\"muted\">%s</span></td><td>",
                (long long)l.run.id, (long long)g.quizzes[q].unit_id, g.quizzes[q].title,
                quiz_purpose_label(r, g.quizzes[q].purpose));
        cell_html(r, &w->cells[q]);
        hprintf(r, "</td><td>%s</td><td>%s</td><td>%s</td></tr>", policy_label(r, g.quizzes[q].policy),
                g.quizzes[q].peer ? "—" : arena_printf(r->arena, "%d", w->cells[q].attempts),
                weight_text(r, g.quizzes[q].weight));
    }
    html_lit(r, "</tbody></table></div>");
    hprintf(r, "<p><strong>%s %s</strong> · %s %s · %s</p>", T(r, "Course grade:"), text_percent(r, w->grade),
            T(r, "Course pass mark:"), text_percent(r, g.s.pass_mark), w->passed ? T(r, "Passed") : T(r, "Not passed yet"));
    if (g.s.require_grade) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Completing the course requires the pass mark."));
    for (int q = 0; q < g.nq; q++)
        if (w->cells[q].withheld) {
            hprintf(r, "<p class=\"muted\">%s</p>",
                    T(r, "A peer grade is withheld because you did not review the work given to you; it counts 0 until a"
                         " trainer decides."));
            break;
        }
    GbComment *cm;
    int ncm = 0;
    gb_comments(r->db, r->arena, l.run.id, r->user->id, &cm, &ncm);
    if (ncm) hprintf(r, "<h2>%s</h2><ul>", T(r, "Your trainers' comments"));
    for (int i = 0; i < ncm; i++) {
        hprintf(r, "<li><strong>%s</strong> · %s %lld · %s — %s", cm[i].unit_title, T(r, "attempt"), (long long)cm[i].number,
                cm[i].question, text_percent(r, cm[i].score));
        if (!str_empty(cm[i].comment)) text_block(r, cm[i].comment);
        html_lit(r, "</li>");
    }
    if (ncm) html_lit(r, "</ul>");
    page_end(r);
}
