/* forum_page.c — the forum pages of a run (docs/forum.md): the thread list
 * with its "new thread" form, a thread with its posts and reply forms, and
 * the staff's response-time report.  Every form works without JavaScript. */
#include "forum/forum.h"
#include "web/html.h"
#include "web/i18n.h"
#include <string.h>

static void delay_text(Req *r, int64_t s)
{
    if (s >= 86400) hprintf(r, "%lld d %lld h", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600) hprintf(r, "%lld h %lld min", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else hprintf(r, "%lld min", (long long)(s / 60));
}

static void rate_limited(Req *r)
{
    req_set_header(r, "Retry-After", "60");
    web_error(r, 429, "rate_limited", T(r, "You are posting too fast: wait a minute, then try again."));
}

static bool refuse_banned(Req *r, const ForumCtx *f)
{
    if (!f->banned) return false;
    web_error(r, 403, "banned", T(r, "A moderator has banned you from posting in this forum."));
    return true;
}

static bool load_thread(Req *r, ForumCtx *f, ForumThread *t)
{
    int64_t id, tid;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "tid", &tid) || !forum_access(r, id, f)) return false;
    if (forum_thread_for(r, f, tid, t) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

static void category_select(Req *r, const ForumCategoryList *cats, int64_t selected, const char *label)
{
    hprintf(r, "<p><label>%s <select name=\"category_id\"><option value=\"0\">%s</option>", label, T(r, "none"));
    for (int i = 0; i < cats->n; i++)
        hprintf(r, "<option value=\"%lld\"%s>%s</option>", (long long)cats->items[i].id,
                cats->items[i].id == selected ? " selected" : "", cats->items[i].name);
    html_lit(r, "</select></label></p>");
}

static void new_thread_form(Req *r, int64_t id, const ForumCategoryList *cats, int64_t cat, int64_t unit, bool staff);

/* Files to attach (attach.c checks them on the server). */
static void file_input(Req *r)
{
    hprintf(r, "<p><label>%s <input type=\"file\" name=\"file\" multiple></label><br><small class=\"muted\">%s</small></p>",
            T(r, "Attach files (optional)"),
            T(r, "Up to 5 files, 10 MB each, 20 MB together: images (PNG, JPEG, GIF, WebP), PDF, text, CSV, ZIP or office documents."));
}

/* Staff: the link to the groups and, when there are groups, a filter by group. */
static void group_filter(Req *r, int64_t id, const ForumGroupList *g, int64_t group)
{
    hprintf(r, "<p><a href=\"/runs/%lld/forum/groups\">%s</a>", (long long)id, T(r, "Forum groups"));
    if (g->separate) hprintf(r, " <span class=\"badge\">%s</span>", T(r, "separate forums per group"));
    if (g->n) {
        hprintf(r, " · %s: ", T(r, "Group"));
        if (!group) hprintf(r, "<strong>%s</strong>", T(r, "all"));
        else hprintf(r, "<a href=\"/runs/%lld/forum\">%s</a>", (long long)id, T(r, "all"));
        for (int i = 0; i < g->n; i++) {
            html_lit(r, " · ");
            if (g->items[i].id == group) hprintf(r, "<strong>%s</strong>", g->items[i].name);
            else hprintf(r, "<a href=\"/runs/%lld/forum?group=%lld\">%s</a>", (long long)id, (long long)g->items[i].id,
                         g->items[i].name);
        }
    }
    html_lit(r, "</p>");
}

static const char *group_name(const ForumGroupList *g, int64_t id)
{
    for (int i = 0; id && i < g->n; i++)
        if (g->items[i].id == id) return g->items[i].name;
    return NULL;
}

/* Staff starting a thread: for one group or none. */
static void group_select(Req *r, int64_t run_id)
{
    ForumGroupList g;
    if (forum_groups(r->db, r->arena, run_id, &g) != LN_OK || !g.n) return;
    hprintf(r, "<p><label>%s <select name=\"group_id\"><option value=\"0\">%s</option>", T(r, "Group"),
            T(r, "none (learners without a group)"));
    for (int i = 0; i < g.n; i++)
        hprintf(r, "<option value=\"%lld\">%s</option>", (long long)g.items[i].id, g.items[i].name);
    html_lit(r, "</select></label></p>");
}

static void search_form(Req *r, int64_t run_id, const char *q)
{
    hprintf(r, "<form method=\"get\" action=\"/runs/%lld/forum/search\" role=\"search\"><p><label>%s "
               "<input type=\"search\" name=\"q\" value=\"%s\" maxlength=\"200\"></label> "
               "<button type=\"submit\" class=\"button\">%s</button></p></form>",
            (long long)run_id, T(r, "Search this forum"), q, T(r, "Search"));
}

/* GET /runs/{id}/forum?sort=&category= */
void forum_index_page(Req *r)
{
    int64_t id, cat = 0;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    const char *sort = req_query(r, "sort");
    if (!str_eq(sort, "votes") && !str_eq(sort, "unanswered")) sort = "recent";
    if (!str_empty(req_query(r, "category")) && (!str_to_i64(req_query(r, "category"), &cat) || cat < 0)) cat = 0;
    int64_t unit = 0;
    const char *unit_title = NULL;
    if (!str_empty(req_query(r, "unit"))
        && (!str_to_i64(req_query(r, "unit"), &unit) || !(unit_title = forum_unit_title(r->db, r->arena, &f, unit)))) {
        web_not_found(r);
        return;
    }
    ForumThreadList l;
    ForumCategoryList cats;
    ForumGroupList groups = {0};
    int64_t group = 0;
    if (f.staff && !str_empty(req_query(r, "group")) && (!str_to_i64(req_query(r, "group"), &group) || group < 0)) group = 0;
    if (forum_threads_for(r->db, r->arena, &f, sort, cat, unit, r->user->id, group, &l) != LN_OK
        || forum_categories(r->db, r->arena, id, &cats) != LN_OK
        || (f.staff && forum_groups(r->db, r->arena, id, &groups) != LN_OK)) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "Forum"));
    hprintf(r, "<p class=\"muted\"><a href=\"/courses/%lld\">%s</a> · %s</p><h1>%s</h1>", (long long)f.course.id,
            f.course.title, f.run.title, T(r, "Forum"));
    if (f.staff)
        hprintf(r, "<p><a href=\"/o/%s/runs/%lld/assistance\">%s</a></p>", f.course.org_slug ? f.course.org_slug : "",
                (long long)id, T(r, "Response times"));
    if (f.staff) {
        ForumReportList rep;
        if (forum_reports(r->db, r->arena, id, &rep) == LN_OK)
            hprintf(r, "<p><a href=\"/runs/%lld/forum/moderation\">%s (%d)</a></p>", (long long)id,
                    T(r, "Moderation: open reports"), rep.n);
    }
    ForumNoteList notes;
    if (forum_notifications(r->db, r->arena, r->user->id, 0, &notes) == LN_OK)
        hprintf(r, "<p><a href=\"/notifications\">%s (%lld)</a></p>", T(r, "Notifications"), (long long)notes.unread);
    if (unit_title)
        hprintf(r, "<p class=\"notice\">%s <a href=\"/runs/%lld/units/%lld\">%s</a> · <a href=\"/runs/%lld/forum\">%s</a></p>",
                T(r, "Discussion of the unit"), (long long)id, (long long)unit, unit_title, (long long)id,
                T(r, "the whole forum"));
    if (f.staff) group_filter(r, id, &groups, group);
    forum_follow_forum_form(r, id);
    search_form(r, id, "");
    if (cats.n) {
        hprintf(r, "<p>%s: ", T(r, "Categories"));
        if (!cat) hprintf(r, "<strong>%s</strong>", T(r, "all"));
        else hprintf(r, "<a href=\"/runs/%lld/forum?sort=%s\">%s</a>", (long long)id, sort, T(r, "all"));
        for (int i = 0; i < cats.n; i++) {
            html_lit(r, " · ");
            if (cats.items[i].id == cat) hprintf(r, "<strong>%s</strong>", cats.items[i].name);
            else hprintf(r, "<a href=\"/runs/%lld/forum?sort=%s&amp;category=%lld\">%s</a>", (long long)id, sort,
                         (long long)cats.items[i].id, cats.items[i].name);
            hprintf(r, " (%lld)", (long long)cats.items[i].threads);
        }
        html_lit(r, "</p>");
    }
    hprintf(r, "<p>%s: ", T(r, "Sort by"));
    static const char *const sorts[] = {"recent", "votes", "unanswered"};
    const char *labels[] = {T(r, "recent activity"), T(r, "votes"), T(r, "unanswered")};
    for (int i = 0; i < 3; i++) {
        if (i) html_lit(r, " · ");
        if (str_eq(sort, sorts[i])) hprintf(r, "<strong>%s</strong>", labels[i]);
        else hprintf(r, "<a href=\"/runs/%lld/forum?sort=%s&amp;category=%lld\">%s</a>", (long long)id, sorts[i],
                     (long long)cat, labels[i]);
    }
    html_lit(r, "</p>");
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No thread yet."));
    else {
        hprintf(r, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                T(r, "Thread"), T(r, "Author"), T(r, "Replies"), T(r, "Votes"), T(r, "Last activity"));
        for (int i = 0; i < l.n; i++) {
            const ForumThread *t = &l.items[i];
            hprintf(r, "<tr class=\"%s\"><td>", t->unread ? "unread" : "");
            if (t->unread) hprintf(r, "<span class=\"badge\">%s</span> ", T(r, "new"));
            if (t->pinned) hprintf(r, "<span class=\"badge\">%s</span> ", T(r, "pinned"));
            hprintf(r, "<a href=\"/runs/%lld/forum/%lld\">%s</a>", (long long)id, (long long)t->id, t->title);
            if (str_eq(t->kind, "question"))
                hprintf(r, " <span class=\"badge\">%s</span>",
                        t->answered_at ? T(r, "answered") : T(r, "question"));
            if (t->closed) hprintf(r, " <span class=\"badge\">%s</span>", T(r, "closed"));
            if (t->category_id) hprintf(r, " <span class=\"muted\">%s</span>", t->category_name);
            if (t->unit_id && !unit) hprintf(r, " <span class=\"muted\">· %s</span>", t->unit_title);
            if (group_name(&groups, t->group_id))
                hprintf(r, " <span class=\"badge\">%s</span>", group_name(&groups, t->group_id));
            hprintf(r, "</td><td>%s</td><td>%lld</td><td>%lld</td><td>", t->author_name, (long long)t->replies,
                    (long long)t->votes);
            html_date(r, t->last_activity_at);
            html_lit(r, "</td></tr>");
        }
        html_lit(r, "</tbody></table>");
    }
    if (f.banned) hprintf(r, "<p class=\"notice banned\">%s</p>", T(r, "A moderator has banned you from posting in this forum."));
    else new_thread_form(r, id, &cats, cat, unit, f.staff);
    if (f.staff) {
        hprintf(r, "<h2>%s</h2>", T(r, "New category"));
        form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/categories", (long long)id));
        form_input(r, "text", "name", T(r, "Name"), "", NULL, "required maxlength=\"80\"");
        form_submit(r, T(r, "Add the category"));
        form_end(r);
    }
    page_end(r);
}

static void new_thread_form(Req *r, int64_t id, const ForumCategoryList *cats, int64_t cat, int64_t unit, bool staff)
{
    hprintf(r, "<h2>%s</h2>", T(r, "New thread"));
    form_begin_upload(r, arena_printf(r->arena, "/runs/%lld/forum", (long long)id));
    if (unit) hprintf(r, "<input type=\"hidden\" name=\"unit_id\" value=\"%lld\">", (long long)unit);
    hprintf(r, "<p><label>%s <select name=\"kind\"><option value=\"question\">%s</option>"
               "<option value=\"discussion\">%s</option></select></label></p>",
            T(r, "Kind"), T(r, "Question"), T(r, "Discussion"));
    if (cats->n) category_select(r, cats, cat, T(r, "Category"));
    if (staff) group_select(r, id);
    form_input(r, "text", "title", T(r, "Title"), "", NULL, "required maxlength=\"200\"");
    hprintf(r, "<p><label>%s<br><textarea name=\"body\" rows=\"6\" required maxlength=\"20000\"></textarea></label></p>",
            T(r, "Message (Markdown)"));
    file_input(r);
    form_submit(r, T(r, "Post"));
    form_end(r);
}

void forum_unit_discussion(Req *r, const RunRef *run, int64_t unit_id, bool staff, bool learner)
{
    ForumThreadList l;
    ForumCategoryList cats;
    ForumCtx f = {.run = *run, .staff = staff, .learner = learner};
    forum_group_view(r->db, run->id, r->user->id, &f.separate, &f.group_id);
    if (forum_threads_for(r->db, r->arena, &f, "recent", 0, unit_id, r->user->id, 0, &l) != LN_OK
        || forum_categories(r->db, r->arena, run->id, &cats) != LN_OK)
        return;
    hprintf(r, "<section class=\"unit-discussion\"><h2>%s</h2>", T(r, "Discussion"));
    if (learner && !staff)
        hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Start a thread or reply to one to complete this unit."));
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No thread yet."));
    else html_lit(r, "<ul class=\"threads\">");
    for (int i = 0; i < l.n; i++) {
        const ForumThread *t = &l.items[i];
        hprintf(r, "<li><a href=\"/runs/%lld/forum/%lld\">%s</a> <span class=\"muted\">%s · %lld %s</span>",
                (long long)run->id, (long long)t->id, t->title, t->author_name, (long long)t->replies, T(r, "Replies"));
        if (t->unread) hprintf(r, " <span class=\"badge\">%s</span>", T(r, "new"));
        html_lit(r, "</li>");
    }
    if (l.n) html_lit(r, "</ul>");
    if (!staff && forum_banned(r->db, run->id, r->user->id))
        hprintf(r, "<p class=\"notice banned\">%s</p>", T(r, "A moderator has banned you from posting in this forum."));
    else new_thread_form(r, run->id, &cats, 0, unit_id, staff);
    html_lit(r, "</section>");
}

/* POST /runs/{id}/forum */
void forum_thread_new_post(Req *r)
{
    int64_t id, tid = 0;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    if (refuse_banned(r, &f)) return;
    const char *kind = req_form(r, "kind"), *title = str_trim(r->arena, req_form(r, "title") ? req_form(r, "title") : "");
    const char *body = req_form(r, "body");
    const char *err = forum_check_title(title);
    if (!err) err = forum_check_body(body);
    if (!err && !str_eq(kind, "question") && !str_eq(kind, "discussion")) err = "Choose question or discussion.";
    if (err) {
        web_error(r, 400, "invalid", i18n_get(r->lang, err));
        return;
    }
    int64_t cat = 0, unit = 0;
    if (!str_empty(req_form(r, "category_id")) && !str_to_i64(req_form(r, "category_id"), &cat)) cat = -1;
    if (!str_empty(req_form(r, "unit_id"))
        && (!str_to_i64(req_form(r, "unit_id"), &unit) || !forum_unit_title(r->db, r->arena, &f, unit))) {
        web_error(r, 400, "invalid", T(r, "No such unit in this course."));
        return;
    }
    if (f.staff && !str_empty(req_form(r, "group_id")) && !str_to_i64(req_form(r, "group_id"), &f.post_group_id)) cat = -1;
    ForumFiles files;
    if (!forum_rate_ok(r->db, r->user->id, time_now_us())) {     /* before storing any file */
        rate_limited(r);
        return;
    }
    if (cat >= 0 && !forum_files_from_request(r, &f, 0, 0, &files)) return;
    f.files = &files;
    int rc = cat < 0 ? LN_NOTFOUND
                     : forum_thread_create(r->db, &f, r->user->id, kind, cat, unit, title, body, time_now_us(), &tid);
    if (rc == LN_NOTFOUND) {
        web_error(r, 400, "invalid", T(r, "No such category or group in this forum."));
        return;
    }
    if (rc == LN_ELIMIT) {
        rate_limited(r);
        return;
    }
    if (rc != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum/%lld", (long long)id, (long long)tid));
}

/* A post's actions in one row of small buttons; the forms that need typing
 * (report, hide, reply) open from a summary. */
static void post_actions(Req *r, const ForumCtx *f, const ForumThread *t, const ForumPost *p, bool first, bool mine)
{
    const char *base = arena_printf(r->arena, "/runs/%lld/forum/%lld/posts/%lld", (long long)t->run_id,
                                    (long long)t->id, (long long)p->id);
    html_lit(r, "<div class=\"actions\">");
    if (!p->voted) {
        form_begin(r, arena_printf(r->arena, "%s/vote", base));
        form_submit_as(r, T(r, "Upvote"), "secondary small");
        form_end(r);
    }
    if (f->staff && !first) {
        form_begin(r, arena_printf(r->arena, "%s/endorse", base));
        hprintf(r, "<input type=\"hidden\" name=\"endorsed\" value=\"%s\">", p->endorsed ? "0" : "1");
        form_submit_as(r, p->endorsed ? T(r, "Withdraw endorsement") : T(r, "Endorse"), "secondary small");
        form_end(r);
    }
    if (mine) {     /* the author, within the window */
        hprintf(r, "<a class=\"button secondary small\" href=\"%s/edit\">%s</a>", base, T(r, "Edit"));
        form_begin(r, arena_printf(r->arena, "%s/delete", base));
        form_submit_as(r, T(r, "Delete"), "danger small");
        form_end(r);
    }
    if (p->author_id != r->user->id) {
        hprintf(r, "<details class=\"report\"><summary>%s</summary>", T(r, "Report"));
        form_begin(r, arena_printf(r->arena, "%s/report", base));
        hprintf(r, "<p><label>%s <input type=\"text\" name=\"reason\" required maxlength=\"500\"></label></p>",
                T(r, "Reason for reporting"));
        form_submit(r, T(r, "Report"));
        form_end(r);
        html_lit(r, "</details>");
    }
    if (f->staff && p->hidden_at) {
        form_begin(r, arena_printf(r->arena, "%s/hide", base));
        html_lit(r, "<input type=\"hidden\" name=\"hidden\" value=\"0\">");
        form_submit_as(r, T(r, "Show again"), "secondary small");
        form_end(r);
    } else if (f->staff) {
        hprintf(r, "<details class=\"hide\"><summary>%s</summary>", T(r, "Hide"));
        form_begin(r, arena_printf(r->arena, "%s/hide", base));
        hprintf(r, "<input type=\"hidden\" name=\"hidden\" value=\"1\"><p><label>%s "
                   "<input type=\"text\" name=\"reason\" required maxlength=\"500\"></label></p>",
                T(r, "Reason for hiding"));
        form_submit(r, T(r, "Hide"));
        form_end(r);
        html_lit(r, "</details>");
    }
    html_lit(r, "</div>");
    if (!t->closed && !first && !f->banned) {
        hprintf(r, "<details class=\"reply-to\"><summary>%s</summary>", T(r, "Reply to this"));
        form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/%lld/posts", (long long)t->run_id, (long long)t->id));
        hprintf(r, "<input type=\"hidden\" name=\"parent_id\" value=\"%lld\">", (long long)p->id);
        hprintf(r, "<p><label>%s<br><textarea name=\"body\" rows=\"3\" required maxlength=\"20000\"></textarea></label></p>",
                T(r, "Message (Markdown)"));
        form_submit_as(r, T(r, "Reply"), "small");
        form_end(r);
        html_lit(r, "</details>");
    }
}

/* Pin, close and move a thread (staff). */
static void staff_tools(Req *r, const ForumThread *t)
{
    const char *base = arena_printf(r->arena, "/runs/%lld/forum/%lld", (long long)t->run_id, (long long)t->id);
    form_begin(r, arena_printf(r->arena, "%s/pin", base));
    hprintf(r, "<input type=\"hidden\" name=\"pinned\" value=\"%s\">", t->pinned ? "0" : "1");
    form_submit_as(r, t->pinned ? T(r, "Unpin") : T(r, "Pin"), "secondary small");
    form_end(r);
    form_begin(r, arena_printf(r->arena, "%s/close", base));
    hprintf(r, "<input type=\"hidden\" name=\"closed\" value=\"%s\">", t->closed ? "0" : "1");
    form_submit_as(r, t->closed ? T(r, "Reopen") : T(r, "Close"), "secondary small");
    form_end(r);
    ForumCategoryList cats;
    if (forum_categories(r->db, r->arena, t->run_id, &cats) == LN_OK && cats.n) {
        form_begin(r, arena_printf(r->arena, "%s/move", base));
        category_select(r, &cats, t->category_id, T(r, "Category"));
        form_submit_as(r, T(r, "Move"), "secondary small");
        form_end(r);
    }
}

/* The body of a post as this viewer may see it; false when it is not shown
 * (deleted, or hidden from this viewer): no actions then. */
static bool post_body(Req *r, const ForumCtx *f, const ForumPost *p)
{
    if (p->deleted_at) {
        hprintf(r, "<p class=\"muted deleted\"><em>%s</em></p>", T(r, "This message was deleted by its author."));
        return false;
    }
    if (p->hidden_at) {
        bool own = r->user && r->user->id == p->author_id;
        if (own || f->staff)
            hprintf(r, "<p class=\"notice hidden-post\">%s %s</p>", T(r, "Hidden by a moderator. Reason:"), p->hidden_reason);
        else {
            hprintf(r, "<p class=\"muted hidden-post\"><em>%s</em></p>", T(r, "Hidden by a moderator."));
            return false;
        }
    }
    html_safe(r, html_markdown(r->arena, p->body));
    return !p->hidden_at || f->staff;
}

/* GET /runs/{id}/forum/{tid} */
void forum_thread_page(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!load_thread(r, &f, &t)) return;
    ForumPostList l;
    if (forum_posts(r->db, r->arena, t.id, r->user->id, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    ForumAttachmentList att;
    if (forum_attachments(r->db, r->arena, t.id, &att) != LN_OK) att.n = 0;
    forum_mark_read(r->db, t.id, r->user->id, time_now_us());
    forum_notifications_read(r->db, r->user->id, t.id, time_now_us());
    page_begin(r, t.title);
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum\">%s</a> · %s", (long long)t.run_id, T(r, "Forum"),
            f.run.title);
    if (t.category_id)
        hprintf(r, " · <a href=\"/runs/%lld/forum?category=%lld\">%s</a>", (long long)t.run_id, (long long)t.category_id,
                t.category_name);
    if (t.unit_id)
        hprintf(r, " · <a href=\"/runs/%lld/units/%lld\">%s</a>", (long long)t.run_id, (long long)t.unit_id, t.unit_title);
    hprintf(r, "</p><h1>%s</h1>", t.title);
    if (t.pinned) hprintf(r, "<p><span class=\"badge\">%s</span></p>", T(r, "pinned"));
    ForumGroupList groups;
    if (f.staff && t.group_id && forum_groups(r->db, r->arena, t.run_id, &groups) == LN_OK && group_name(&groups, t.group_id))
        hprintf(r, "<p><span class=\"badge\">%s %s</span></p>", T(r, "Group"), group_name(&groups, t.group_id));
    if (t.closed) hprintf(r, "<p class=\"notice closed\">%s</p>", T(r, "This thread is closed: no new replies."));
    html_lit(r, "<div class=\"actions thread-actions\">");
    forum_follow_form(r, &t);
    if (f.staff) staff_tools(r, &t);
    html_lit(r, "</div>");
    if (str_eq(t.kind, "question")) {
        if (t.answered_at) {
            hprintf(r, "<p class=\"badge done\">%s\xc2\xa0", T(r, "Answered on"));
            html_date(r, t.answered_at);
            html_lit(r, "</p>");
        } else if (f.staff) {
            form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/%lld/answered", (long long)t.run_id, (long long)t.id));
            form_submit(r, T(r, "Mark answered"));
            form_end(r);
        }
    }
    UsTime now = time_now_us();
    for (int i = 0; i < l.n; i++) {
        const ForumPost *p = &l.items[i];
        hprintf(r, "<article class=\"post%s%s\" id=\"post-%lld\"><p class=\"muted\">%s", p->parent_id ? " nested" : "",
                p->endorsed ? " endorsed" : "", (long long)p->id, p->author_name);
        if (str_eq(p->author_role, "trainer") || str_eq(p->author_role, "admin"))
            hprintf(r, " <span class=\"badge\">%s</span>", T(r, "trainer"));
        html_lit(r, " · ");
        html_date(r, p->created_at);
        if (p->edited_at && !p->deleted_at)
            hprintf(r, " · <a href=\"/runs/%lld/forum/%lld/posts/%lld/history\">%s</a>", (long long)t.run_id,
                    (long long)t.id, (long long)p->id, T(r, "edited"));
        hprintf(r, " · %lld %s", (long long)p->votes, T(r, "votes"));
        if (p->endorsed) hprintf(r, " · <strong>%s</strong>", T(r, "endorsed by a trainer"));
        html_lit(r, "</p>");
        if (!post_body(r, &f, p)) {
            html_lit(r, "</article>\n");
            continue;
        }
        if (!p->deleted_at) forum_attachments_html(r, &t, &att, p->id);
        post_actions(r, &f, &t, p, i == 0, forum_can_change(p, r->user->id, now));
        html_lit(r, "</article>\n");
    }
    if (f.banned) hprintf(r, "<p class=\"notice banned\">%s</p>", T(r, "A moderator has banned you from posting in this forum."));
    else if (!t.closed) {
        hprintf(r, "<h2>%s</h2>", T(r, "Reply"));
        form_begin_upload(r, arena_printf(r->arena, "/runs/%lld/forum/%lld/posts", (long long)t.run_id, (long long)t.id));
        hprintf(r, "<p><label>%s<br><textarea name=\"body\" rows=\"6\" required maxlength=\"20000\"></textarea></label></p>",
                T(r, "Message (Markdown)"));
        file_input(r);
        form_submit(r, T(r, "Reply"));
        form_end(r);
    }
    page_end(r);
}

static void back(Req *r, const ForumThread *t)
{
    req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum/%lld", (long long)t->run_id, (long long)t->id));
}

/* POST /runs/{id}/forum/{tid}/posts */
void forum_reply_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!load_thread(r, &f, &t) || refuse_banned(r, &f)) return;
    const char *body = req_form(r, "body"), *err = forum_check_body(body);
    int64_t parent = 0;
    if (!str_empty(req_form(r, "parent_id")) && !str_to_i64(req_form(r, "parent_id"), &parent)) parent = -1;
    if (err) {
        web_error(r, 400, "invalid", i18n_get(r->lang, err));
        return;
    }
    ForumFiles files;
    if (t.closed) {         /* refusals known before storing any file */
        web_error(r, 403, "closed", T(r, "This thread is closed."));
        return;
    }
    if (!forum_rate_ok(r->db, r->user->id, time_now_us())) {
        rate_limited(r);
        return;
    }
    if (parent >= 0 && !forum_files_from_request(r, &f, 0, 0, &files)) return;
    f.files = &files;
    int rc = parent < 0 ? LN_NOTFOUND : forum_reply(r->db, &f, &t, r->user->id, f.staff, parent, body, time_now_us(), NULL);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_ELIMIT) rate_limited(r);
    else if (rc == LN_EPERM) web_error(r, 403, "closed", T(r, "This thread is closed."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

static bool load_post(Req *r, ForumCtx *f, ForumThread *t, ForumPost *p)
{
    int64_t pid;
    if (!load_thread(r, f, t) || !req_path_id_or_404(r, "pid", &pid)) return false;
    if (forum_post_load(r->db, r->arena, t->id, pid, p) != LN_OK) {
        web_not_found(r);
        return false;
    }
    return true;
}

/* POST /runs/{id}/forum/{tid}/posts/{pid}/vote */
void forum_vote_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p)) return;
    int rc = forum_vote(r->db, &p, r->user->id, time_now_us());
    if (rc != LN_OK && rc != LN_EEXIST) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

/* POST /runs/{id}/forum/{tid}/posts/{pid}/endorse (staff) */
void forum_endorse_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p)) return;
    if (!f.staff) {
        web_forbidden(r);
        return;
    }
    if (forum_endorse(r->db, &p, !str_eq(req_form(r, "endorsed"), "0")) != LN_OK)
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

/* POST /runs/{id}/forum/{tid}/answered (staff) */
void forum_answered_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!load_thread(r, &f, &t)) return;
    if (!f.staff) {
        web_forbidden(r);
        return;
    }
    int rc = forum_mark_answered(r->db, &t, r->user->id, time_now_us());
    if (rc == LN_EINVAL) web_error(r, 400, "not_a_question", T(r, "Only a question can be marked answered."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

/* GET /o/{org}/runs/{id}/assistance (staff) */
void forum_assistance_page(Req *r)
{
    int64_t id;
    RunRef run;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (run_ref(r->db, r->arena, r->org->id, id, &run) != LN_OK) {
        web_not_found(r);
        return;
    }
    ForumAssistList l;
    if (forum_assistance(r->db, r->arena, &run, time_now_us(), &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "Response times"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum\">%s</a> · %s</p><h1>%s</h1>", (long long)run.id,
            T(r, "Forum"), run.title, T(r, "Response times"));
    hprintf(r, "<p>%s %lld h</p>", T(r, "Response promised by the programme:"), (long long)l.response_hours);
    hprintf(r, "<p><a href=\"/o/%s/assistance/trainers?run=%lld\">%s</a></p>", r->org->slug, (long long)run.id,
            T(r, "Response times per trainer"));
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No question yet."));
    else {
        hprintf(r, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                T(r, "Question"), T(r, "Asked by"), T(r, "Asked"), T(r, "First trainer reply"), T(r, "Delay"),
                T(r, "Status"));
        for (int i = 0; i < l.n; i++) {
            const ForumAssist *x = &l.items[i];
            hprintf(r, "<tr class=\"%s\"><td><a href=\"/runs/%lld/forum/%lld\">%s</a></td><td>%s</td><td>",
                    x->overdue ? "overdue" : "", (long long)run.id, (long long)x->thread_id, x->title, x->author_name);
            html_date(r, x->asked_at);
            html_lit(r, "</td><td>");
            if (x->replied_at) {
                hprintf(r, "%s, ", x->trainer_name ? x->trainer_name : "");
                html_date(r, x->replied_at);
            } else hprintf(r, "%s", T(r, "not yet"));
            hprintf(r, "</td><td data-seconds=\"%lld\">", (long long)x->delay_s);
            delay_text(r, x->delay_s);
            hprintf(r, "</td><td>%s</td></tr>", x->overdue ? T(r, "overdue") : x->replied_at ? T(r, "on time") : T(r, "waiting"));
        }
        html_lit(r, "</tbody></table>");
    }
    page_end(r);
}

/* ---- edit, delete, history -------------------------------------------- */

static void edit_form(Req *r, const ForumThread *t, const ForumPost *p, const char *body, const char *error)
{
    page_begin(r, T(r, "Edit your message"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum/%lld\">%s</a></p><h1>%s</h1>", (long long)t->run_id,
            (long long)t->id, t->title, T(r, "Edit your message"));
    hprintf(r, "<p class=\"muted\">%s</p>",
            T(r, "You may edit or delete your message for 30 minutes after posting. Earlier versions stay visible."));
    form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/%lld/posts/%lld/edit", (long long)t->run_id,
                               (long long)t->id, (long long)p->id));
    hprintf(r, "<div class=\"field%s\"><label for=\"f-body\">%s</label>"
               "<textarea id=\"f-body\" name=\"body\" rows=\"8\" required maxlength=\"20000\">%s</textarea>",
            error ? " has-error" : "", T(r, "Message (Markdown)"), body ? body : "");
    if (error) hprintf(r, "<p class=\"field-error\">%s</p>", error);
    html_lit(r, "</div>");
    form_submit(r, T(r, "Save"));
    form_end(r);
    page_end(r);
}

static void refuse_change(Req *r)
{
    web_error(r, 403, "forbidden", T(r, "Only the author may edit or delete a message, within 30 minutes of posting."));
}

static bool may_change(Req *r, const ForumPost *p)
{
    if (forum_can_change(p, r->user->id, time_now_us())) return true;
    refuse_change(r);
    return false;
}

/* GET /runs/{id}/forum/{tid}/posts/{pid}/edit */
void forum_edit_page(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p) || !may_change(r, &p)) return;
    edit_form(r, &t, &p, p.body, NULL);
}

/* POST /runs/{id}/forum/{tid}/posts/{pid}/edit */
void forum_edit_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p) || !may_change(r, &p)) return;
    const char *body = req_form(r, "body"), *err = forum_check_body(body);
    if (err) {
        r->status = 400;
        edit_form(r, &t, &p, body, i18n_get(r->lang, err));
        return;
    }
    int rc = forum_edit(r->db, &p, r->user->id, body, time_now_us());
    if (rc == LN_EPERM) refuse_change(r);
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

/* POST /runs/{id}/forum/{tid}/posts/{pid}/delete */
void forum_delete_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p) || !may_change(r, &p)) return;
    int rc = forum_delete(r->db, &p, r->user->id, time_now_us());
    if (rc == LN_EPERM) refuse_change(r);
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

/* GET /runs/{id}/forum/{tid}/posts/{pid}/history */
void forum_history_page(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    ForumRevList l;
    if (!load_post(r, &f, &t, &p)) return;
    if (!forum_post_visible(&f, &p, r->user->id)) {
        web_not_found(r);
        return;
    }
    if (forum_revisions(r->db, r->arena, p.id, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "Edit history"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum/%lld#post-%lld\">%s</a></p><h1>%s</h1>",
            (long long)t.run_id, (long long)t.id, (long long)p.id, t.title, T(r, "Edit history"));
    hprintf(r, "<section class=\"post\"><h2>%s</h2><p class=\"muted\">", T(r, "Current version"));
    html_date(r, p.edited_at ? p.edited_at : p.created_at);
    html_lit(r, "</p>");
    html_safe(r, html_markdown(r->arena, p.body));
    html_lit(r, "</section>");
    for (int i = 0; i < l.n; i++) {
        hprintf(r, "<section class=\"post revision\"><h2>%s</h2><p class=\"muted\">", T(r, "Earlier version"));
        html_date(r, l.items[i].written_at);
        html_lit(r, " – ");
        html_date(r, l.items[i].replaced_at);
        html_lit(r, "</p>");
        html_safe(r, html_markdown(r->arena, l.items[i].body));
        html_lit(r, "</section>");
    }
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "This message was not edited."));
    page_end(r);
}

/* ---- categories, pin, close, move (staff) -------------------------------- */

/* POST /runs/{id}/forum/categories {name} (staff) */
void forum_category_post(Req *r)
{
    int64_t id, cid = 0;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    if (!f.staff) {
        web_forbidden(r);
        return;
    }
    const char *name = str_trim(r->arena, req_form(r, "name") ? req_form(r, "name") : ""), *err = forum_check_category(name);
    int rc = err ? LN_EINVAL : forum_category_create(r->db, &f.run, name, time_now_us(), &cid);
    if (rc == LN_EINVAL) web_error(r, 400, "invalid", i18n_get(r->lang, err));
    else if (rc == LN_EEXIST) web_error(r, 409, "exists", T(r, "This forum already has a category of that name."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum?category=%lld", (long long)id, (long long)cid));
}

static void thread_set(Req *r, const char *what, const char *field)
{
    ForumCtx f;
    ForumThread t;
    if (!load_thread(r, &f, &t)) return;
    if (!f.staff) {
        web_forbidden(r);
        return;
    }
    int64_t v = 0;
    if (!str_to_i64(req_form(r, field) ? req_form(r, field) : "", &v) || v < 0) {
        web_error(r, 400, "invalid", T(r, "Something in the form is not valid."));
        return;
    }
    int rc = forum_thread_set(r->db, &t, r->user->id, what, v, time_now_us());
    if (rc == LN_NOTFOUND) web_error(r, 400, "invalid", T(r, "No such category in this forum."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else back(r, &t);
}

/* POST /runs/{id}/forum/{tid}/pin {pinned=0|1} (staff) */
void forum_pin_post(Req *r) { thread_set(r, "pinned", "pinned"); }
/* POST /runs/{id}/forum/{tid}/close {closed=0|1} (staff) */
void forum_close_post(Req *r) { thread_set(r, "closed", "closed"); }
/* POST /runs/{id}/forum/{tid}/move {category_id} (staff) */
void forum_move_post(Req *r) { thread_set(r, "category", "category_id"); }

/* ---- moderation ---------------------------------------------------------- */

/* POST /runs/{id}/forum/{tid}/posts/{pid}/report {reason} */
void forum_report_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p)) return;
    const char *reason = str_trim(r->arena, req_form(r, "reason") ? req_form(r, "reason") : ""), *err;
    if ((err = forum_check_reason(reason))) {
        web_error(r, 400, "invalid", i18n_get(r->lang, err));
        return;
    }
    int64_t rid = 0;
    int rc = forum_report(r->db, &p, t.org_id, r->user->id, reason, time_now_us(), &rid);
    if (rc != LN_OK && rc != LN_EEXIST) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_flash(r, T(r, "Thank you: the trainers will look at your report."));
    back(r, &t);
}

/* POST /runs/{id}/forum/{tid}/posts/{pid}/hide {hidden=0|1, reason} (staff) */
void forum_hide_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!load_post(r, &f, &t, &p)) return;
    if (!f.staff) {
        web_forbidden(r);
        return;
    }
    bool hide = !str_eq(req_form(r, "hidden"), "0");
    const char *reason = str_trim(r->arena, req_form(r, "reason") ? req_form(r, "reason") : ""), *err;
    if (hide && (err = forum_check_reason(reason))) {
        web_error(r, 400, "invalid", i18n_get(r->lang, err));
        return;
    }
    int rc = forum_hide(r->db, &p, t.org_id, r->user->id, hide, reason, time_now_us());
    if (rc != LN_OK && rc != LN_EEXIST) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else if (str_eq(req_form(r, "next"), "queue"))
        req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum/moderation", (long long)t.run_id));
    else back(r, &t);
}

static bool staff_run(Req *r, ForumCtx *f, int64_t *id)
{
    if (!req_path_id_or_404(r, "id", id) || !forum_access(r, *id, f)) return false;
    if (f->staff) return true;
    web_forbidden(r);
    return false;
}

/* POST /runs/{id}/forum/reports/{rid}/dismiss (staff) */
void forum_dismiss_post(Req *r)
{
    int64_t id, rid;
    ForumCtx f;
    if (!staff_run(r, &f, &id) || !req_path_id_or_404(r, "rid", &rid)) return;
    int rc = forum_dismiss(r->db, id, f.run.org_id, rid, r->user->id, time_now_us());
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum/moderation", (long long)id));
}

/* POST /runs/{id}/forum/bans {user_id, reason, banned=0|1} (staff) */
void forum_ban_post(Req *r)
{
    int64_t id, uid = 0;
    ForumCtx f;
    if (!staff_run(r, &f, &id)) return;
    bool ban = !str_eq(req_form(r, "banned"), "0");
    const char *reason = str_trim(r->arena, req_form(r, "reason") ? req_form(r, "reason") : ""), *err = NULL;
    if (!str_to_i64(req_form(r, "user_id") ? req_form(r, "user_id") : "", &uid) || uid <= 0) err = "No such learner in this session.";
    else if (ban) err = forum_check_reason(reason);
    if (err) {
        web_error(r, 400, "invalid", i18n_get(r->lang, err));
        return;
    }
    int rc = forum_ban(r->db, &f.run, uid, r->user->id, ban, reason, time_now_us());
    if (rc == LN_NOTFOUND && ban) web_error(r, 400, "invalid", T(r, "No such learner in this session."));
    else if (rc == LN_EPERM) web_error(r, 400, "invalid", T(r, "Trainers and administrators cannot be banned."));
    else if (rc != LN_OK && rc != LN_EEXIST && rc != LN_NOTFOUND)
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum/moderation", (long long)id));
}

/* GET /runs/{id}/forum/moderation (staff): open reports, bans, the log */
void forum_moderation_page(Req *r)
{
    int64_t id;
    ForumCtx f;
    if (!staff_run(r, &f, &id)) return;
    ForumReportList rep;
    ForumBanList bans;
    ForumModList log;
    if (forum_reports(r->db, r->arena, id, &rep) != LN_OK || forum_bans(r->db, r->arena, id, &bans) != LN_OK
        || forum_mod_log(r->db, r->arena, id, 100, &log) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "Moderation"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum\">%s</a> · %s</p><h1>%s</h1><h2>%s</h2>", (long long)id,
            T(r, "Forum"), f.run.title, T(r, "Moderation"), T(r, "Open reports"));
    if (!rep.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No open report."));
    for (int i = 0; i < rep.n; i++) {
        const ForumReport *x = &rep.items[i];
        hprintf(r, "<article class=\"post report\"><p class=\"muted\"><a href=\"/runs/%lld/forum/%lld#post-%lld\">%s</a>"
                   " · %s %s · ", (long long)id, (long long)x->thread_id, (long long)x->post_id, x->title,
                T(r, "by"), x->author_name);
        html_date(r, x->created_at);
        hprintf(r, "</p><p><strong>%s</strong> %s — %s</p>", T(r, "Reported by"), x->reporter_name, x->reason);
        html_safe(r, html_markdown(r->arena, x->body));
        html_lit(r, "<div class=\"actions\">");
        if (!x->hidden) {
            form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/%lld/posts/%lld/hide", (long long)id,
                                       (long long)x->thread_id, (long long)x->post_id));
            hprintf(r, "<input type=\"hidden\" name=\"hidden\" value=\"1\"><input type=\"hidden\" name=\"next\" "
                       "value=\"queue\"><p><label>%s <input type=\"text\" name=\"reason\" required maxlength=\"500\">"
                       "</label></p>", T(r, "Reason for hiding"));
            form_submit(r, T(r, "Hide"));
            form_end(r);
        }
        form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/reports/%lld/dismiss", (long long)id, (long long)x->id));
        form_submit(r, T(r, "Dismiss the report"));
        form_end(r);
        form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/bans", (long long)id));
        hprintf(r, "<input type=\"hidden\" name=\"user_id\" value=\"%lld\"><p><label>%s "
                   "<input type=\"text\" name=\"reason\" required maxlength=\"500\"></label></p>",
                (long long)x->author_id, T(r, "Reason for the ban"));
        form_submit(r, T(r, "Ban the author from posting"));
        form_end(r);
        html_lit(r, "</div></article>");
    }
    hprintf(r, "<h2>%s</h2>", T(r, "Banned from posting"));
    if (!bans.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Nobody."));
    for (int i = 0; i < bans.n; i++) {
        hprintf(r, "<p>%s — %s · ", bans.items[i].name, bans.items[i].reason);
        html_date(r, bans.items[i].created_at);
        html_lit(r, "</p>");
        form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/bans", (long long)id));
        hprintf(r, "<input type=\"hidden\" name=\"user_id\" value=\"%lld\"><input type=\"hidden\" name=\"banned\" "
                   "value=\"0\">", (long long)bans.items[i].user_id);
        form_submit(r, T(r, "Lift the ban"));
        form_end(r);
    }
    hprintf(r, "<h2>%s</h2>", T(r, "Moderation log"));
    if (!log.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "Nothing yet."));
    else {
        hprintf(r, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                T(r, "When"), T(r, "Who"), T(r, "Action"), T(r, "About"), T(r, "Reason"));
        for (int i = 0; i < log.n; i++) {
            const ForumMod *x = &log.items[i];
            html_lit(r, "<tr><td>");
            html_date(r, x->created_at);
            hprintf(r, "</td><td>%s</td><td>%s</td><td>", x->actor_name, x->action);
            if (x->post_id) hprintf(r, "<a href=\"/runs/%lld/forum/%lld#post-%lld\">#%lld</a> ", (long long)id,
                                    (long long)x->thread_id, (long long)x->post_id, (long long)x->post_id);
            else if (x->thread_id) hprintf(r, "<a href=\"/runs/%lld/forum/%lld\">#%lld</a> ", (long long)id,
                                           (long long)x->thread_id, (long long)x->thread_id);
            hprintf(r, "%s</td><td>%s</td></tr>", x->user_name, x->reason);
        }
        html_lit(r, "</tbody></table>");
    }
    page_end(r);
}

/* GET /runs/{id}/forum/search?q= */
void forum_search_page(Req *r)
{
    int64_t id;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    const char *q = req_query(r, "q") ? req_query(r, "q") : "";
    if (!utf8_valid(q, strlen(q))) q = "";
    ForumHitList l;
    if (forum_search(r->db, r->arena, id, q, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    forum_hits_keep(r->db, &f, &l);
    page_begin(r, T(r, "Search this forum"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum\">%s</a> · %s</p><h1>%s</h1>", (long long)id,
            T(r, "Forum"), f.run.title, T(r, "Search this forum"));
    search_form(r, id, q);
    if (!str_empty(q) && !l.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No post matches these words."));
    if (l.n) html_lit(r, "<ol class=\"search-results\">");
    for (int i = 0; i < l.n; i++) {
        const ForumHit *h = &l.items[i];
        ForumSpan *s;
        hprintf(r, "<li><a href=\"/runs/%lld/forum/%lld#post-%lld\">", (long long)id, (long long)h->thread_id,
                (long long)h->post_id);
        int n = forum_highlight(r->arena, h->title, q, false, &s);
        forum_spans_html(r, s, n);
        hprintf(r, "</a><p class=\"muted\">%s · ", h->author_name);
        html_date(r, h->created_at);
        html_lit(r, "</p><p>");
        n = forum_highlight(r->arena, h->text, q, true, &s);
        forum_spans_html(r, s, n);
        html_lit(r, "</p></li>");
    }
    if (l.n) html_lit(r, "</ol>");
    page_end(r);
}
