/* forum_api.c — the JSON API of the run forum (docs/forum.md). */
#include "forum/forum.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include <string.h>

static json_t *thread_json(Req *r, const ForumThread *t)
{
    json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:o,s:o,s:o,s:b,s:b,s:I,s:I}", "id", (json_int_t)t->id,
                          "run_id", (json_int_t)t->run_id, "kind", t->kind, "title", t->title,
                          "author_id", (json_int_t)t->author_id, "author_name", t->author_name,
                          "created_at", api_time(r->arena, t->created_at),
                          "last_activity_at", api_time(r->arena, t->last_activity_at),
                          "answered_at", api_time(r->arena, t->answered_at), "pinned", t->pinned, "closed", t->closed,
                          "replies", (json_int_t)t->replies, "votes", (json_int_t)t->votes);
    json_object_set_new(j, "unit_id", t->unit_id ? json_integer(t->unit_id) : json_null());
    json_object_set_new(j, "group_id", t->group_id ? json_integer(t->group_id) : json_null());
    json_object_set_new(j, "category_id", t->category_id ? json_integer(t->category_id) : json_null());
    json_object_set_new(j, "category_name", t->category_id ? json_string(t->category_name) : json_null());
    json_object_set_new(j, "unit_title", t->unit_id ? json_string(t->unit_title) : json_null());
    json_object_set_new(j, "answered_by", t->answered_by ? json_integer(t->answered_by) : json_null());
    json_object_set_new(j, "first_trainer_reply_at", api_time(r->arena, t->first_trainer_reply_at));
    json_object_set_new(j, "first_trainer_reply_by",
                        t->first_trainer_reply_by ? json_integer(t->first_trainer_reply_by) : json_null());
    return j;
}

/* A post as the viewer may see it: no body when deleted or hidden from them. */
static json_t *post_json(Req *r, const ForumCtx *f, const ForumPost *p)
{
    bool shown = forum_post_visible(f, p, r->user->id) && !p->deleted_at;
    json_t *j = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:b,s:I,s:b,s:b,s:b}", "id", (json_int_t)p->id,
                          "thread_id", (json_int_t)p->thread_id, "author_id", (json_int_t)p->author_id,
                          "author_name", p->author_name, "author_role", p->author_role, "body", shown ? p->body : "",
                          "created_at", api_time(r->arena, p->created_at), "endorsed", p->endorsed,
                          "votes", (json_int_t)p->votes, "voted", p->voted, "deleted", p->deleted_at != 0,
                          "hidden", p->hidden_at != 0);
    json_object_set_new(j, "parent_id", p->parent_id ? json_integer(p->parent_id) : json_null());
    json_object_set_new(j, "edited_at", api_time(r->arena, p->edited_at));
    json_object_set_new(j, "body_html", json_string(shown ? html_markdown(r->arena, p->body).html : ""));
    bool own = p->author_id == r->user->id;
    json_object_set_new(j, "hidden_reason", p->hidden_at && (own || f->staff) ? json_string(p->hidden_reason) : json_null());
    json_object_set_new(j, "can_edit", json_boolean(forum_can_change(p, r->user->id, time_now_us())));
    return j;
}

static void api_rate_limited(Req *r)
{
    req_set_header(r, "Retry-After", "60");
    api_error(r, 429, "rate_limited", "you are posting too fast (20 posts a minute at most): wait a minute, then try again");
}

static bool api_banned(Req *r, const ForumCtx *f)
{
    if (!f->banned) return false;
    api_error(r, 403, "banned", "a moderator has banned you from posting in this forum");
    return true;
}

static bool api_thread(Req *r, ForumCtx *f, ForumThread *t)
{
    int64_t id, tid;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "tid", &tid) || !forum_access(r, id, f)) return false;
    if (forum_thread_for(r, f, tid, t) == LN_OK) return true;
    api_error(r, 404, "not_found", "no such thread in this run");
    return false;
}

static bool api_post(Req *r, ForumCtx *f, ForumThread *t, ForumPost *p)
{
    int64_t pid;
    if (!api_thread(r, f, t) || !req_path_id_or_404(r, "pid", &pid)) return false;
    if (forum_post_load(r->db, r->arena, t->id, pid, p) == LN_OK) return true;
    api_error(r, 404, "not_found", "no such post in this thread");
    return false;
}

/* ROUTE: GET /api/v1/runs/{id}/forum/threads?sort=recent|votes|unanswered&category= */
void api_forum_threads_get(Req *r)
{
    int64_t id, cat = 0;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    if (!str_empty(req_query(r, "category")) && (!str_to_i64(req_query(r, "category"), &cat) || cat < 0)) {
        api_error(r, 400, "bad_request", "category: a category id");
        return;
    }
    int64_t unit = 0;
    if (!str_empty(req_query(r, "unit")) && (!str_to_i64(req_query(r, "unit"), &unit) || unit < 0)) {
        api_error(r, 400, "bad_request", "unit: a unit id");
        return;
    }
    ForumThreadList l;
    int64_t group = 0;
    if (f.staff && !str_empty(req_query(r, "group")) && (!str_to_i64(req_query(r, "group"), &group) || group < 0)) {
        api_error(r, 400, "bad_request", "group: a group id");
        return;
    }
    if (forum_threads_for(r->db, r->arena, &f, req_query(r, "sort"), cat, unit, r->user->id, group, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        json_t *j = thread_json(r, &l.items[i]);
        json_object_set_new(j, "unread", json_boolean(l.items[i].unread));
        json_array_append_new(items, j);
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

static void answer_thread(Req *r, const ForumCtx *f, int status, int64_t run_id, int64_t tid)
{
    ForumThread t;
    ForumPostList l;
    if (forum_thread_load(r->db, r->arena, run_id, tid, &t) != LN_OK
        || forum_posts(r->db, r->arena, tid, r->user->id, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    ForumAttachmentList att;
    if (forum_attachments(r->db, r->arena, tid, &att) != LN_OK) att.n = 0;
    json_t *j = thread_json(r, &t), *posts = json_array();
    for (int i = 0; i < l.n; i++) {
        json_t *pj = post_json(r, f, &l.items[i]);
        bool shown = forum_post_visible(f, &l.items[i], r->user->id) && !l.items[i].deleted_at;
        json_object_set_new(pj, "attachments", shown ? forum_attachments_json(r, &t, &att, l.items[i].id) : json_array());
        json_array_append_new(posts, pj);
    }
    json_object_set_new(j, "posts", posts);
    json_object_set_new(j, "following", json_boolean(forum_following(r->db, tid, r->user->id)));
    api_json(r, status, j);
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads {"kind","title","body"} */
void api_forum_threads_post(Req *r)
{
    int64_t id, tid = 0;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f) || api_banned(r, &f)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *kind = api_str(r, b, "kind", &bad), *title = api_str(r, b, "title", &bad),
               *body = api_str(r, b, "body", &bad);
    int64_t cat, unit, group;
    if (bad || !api_int(r, b, "category_id", 0, 0, &cat) || !api_int(r, b, "unit_id", 0, 0, &unit)
        || !api_int(r, b, "group_id", 0, 0, &group))
        return;
    if (!kind) kind = "discussion";
    if (f.staff) f.post_group_id = group;
    const char *err;
    if (!str_eq(kind, "question") && !str_eq(kind, "discussion")) api_field_error(r, "kind", "question or discussion");
    else if ((err = forum_check_title(title ? str_trim(r->arena, title) : NULL))) api_field_error(r, "title", err);
    else if ((err = forum_check_body(body))) api_field_error(r, "body", err);
    else if (unit && !forum_unit_title(r->db, r->arena, &f, unit)) api_field_error(r, "unit_id", "no such unit in this course");
    else {
        int rc = forum_thread_create(r->db, &f, r->user->id, kind, cat, unit, str_trim(r->arena, title), body,
                                     time_now_us(), &tid);
        if (rc == LN_NOTFOUND) api_field_error(r, "category_id", "no such category or group in this forum");
        else if (rc == LN_ELIMIT) api_rate_limited(r);
        else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
        else answer_thread(r, &f, 201, id, tid);
    }
}

/* ROUTE: GET /api/v1/runs/{id}/forum/threads/{tid}: also marks it read */
void api_forum_thread_get(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!api_thread(r, &f, &t)) return;
    forum_mark_read(r->db, t.id, r->user->id, time_now_us());
    forum_notifications_read(r->db, r->user->id, t.id, time_now_us());
    answer_thread(r, &f, 200, t.run_id, t.id);
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads/{tid}/posts {"body","parent_id"} */
void api_forum_posts_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!api_thread(r, &f, &t) || api_banned(r, &f)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *body = api_str(r, b, "body", &bad), *err;
    int64_t parent;
    if (bad || !api_int(r, b, "parent_id", 0, 0, &parent)) return;
    if ((err = forum_check_body(body))) {
        api_field_error(r, "body", err);
        return;
    }
    int64_t pid = 0;
    int rc = forum_reply(r->db, &f, &t, r->user->id, f.staff, parent, body, time_now_us(), &pid);
    ForumPost p;
    if (rc == LN_NOTFOUND) api_field_error(r, "parent_id", "no such post in this thread");
    else if (rc == LN_ELIMIT) api_rate_limited(r);
    else if (rc == LN_EPERM) api_error(r, 409, "closed", "this thread is closed");
    else if (rc != LN_OK || forum_post_load(r->db, r->arena, t.id, pid, &p) != LN_OK)
        api_error(r, 500, "internal", "database error");
    else api_json(r, 201, post_json(r, &f, &p));
}

/* ROUTE: PATCH /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid} {"body"}: the author, within 30 minutes */
void api_forum_post_patch(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!api_post(r, &f, &t, &p)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *body = api_str(r, b, "body", &bad), *err;
    if (bad) return;
    if ((err = forum_check_body(body))) {
        api_field_error(r, "body", err);
        return;
    }
    int rc = forum_edit(r->db, &p, r->user->id, body, time_now_us());
    if (rc == LN_EPERM) api_error(r, 403, "forbidden", "only the author may edit a post, within 30 minutes of posting");
    else if (rc != LN_OK || forum_post_load(r->db, r->arena, t.id, p.id, &p) != LN_OK)
        api_error(r, 500, "internal", "database error");
    else api_json(r, 200, post_json(r, &f, &p));
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}/vote: once per user */
void api_forum_vote_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!api_post(r, &f, &t, &p)) return;
    int rc = forum_vote(r->db, &p, r->user->id, time_now_us());
    if (rc != LN_OK && rc != LN_EEXIST) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    forum_post_load(r->db, r->arena, t.id, p.id, &p);
    api_json(r, 200, json_pack("{s:I,s:I,s:b}", "post_id", (json_int_t)p.id, "votes", (json_int_t)p.votes,
                               "counted", rc == LN_OK));
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}/endorse {"endorsed": true} (staff) */
void api_forum_endorse_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!api_post(r, &f, &t, &p)) return;
    if (!f.staff) {
        api_error(r, 403, "forbidden", "only the course's trainers may endorse");
        return;
    }
    bool endorsed = true;
    if (r->body_len) {
        json_t *b = req_json_or_400(r);
        if (!b) return;
        json_t *e = json_object_get(b, "endorsed");
        if (e && !json_is_boolean(e)) {
            api_field_error(r, "endorsed", "true or false");
            return;
        }
        if (e) endorsed = json_is_true(e);
    }
    if (forum_endorse(r->db, &p, endorsed) != LN_OK || forum_post_load(r->db, r->arena, t.id, p.id, &p) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    api_json(r, 200, post_json(r, &f, &p));
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads/{tid}/answered (staff) */
void api_forum_answered_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!api_thread(r, &f, &t)) return;
    if (!f.staff) {
        api_error(r, 403, "forbidden", "only the course's trainers may mark a question answered");
        return;
    }
    int rc = forum_mark_answered(r->db, &t, r->user->id, time_now_us());
    if (rc == LN_EINVAL) api_error(r, 400, "not_a_question", "only a question can be marked answered");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else answer_thread(r, &f, 200, t.run_id, t.id);
}

/* ROUTE: GET /api/v1/orgs/{org}/runs/{id}/assistance (staff) */
void api_forum_assistance_get(Req *r)
{
    int64_t id;
    RunRef run;
    if (!req_path_id_or_404(r, "id", &id)) return;
    if (run_ref(r->db, r->arena, r->org->id, id, &run) != LN_OK) {
        api_error(r, 404, "not_found", "no such session (run) in this organisation");
        return;
    }
    ForumAssistList l;
    if (forum_assistance(r->db, r->arena, &run, time_now_us(), &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        const ForumAssist *x = &l.items[i];
        json_t *j = json_pack("{s:I,s:s,s:s,s:o,s:o,s:I,s:b}", "thread_id", (json_int_t)x->thread_id, "title", x->title,
                              "asked_by", x->author_name, "asked_at", api_time(r->arena, x->asked_at),
                              "first_trainer_reply_at", api_time(r->arena, x->replied_at),
                              "delay_seconds", (json_int_t)x->delay_s, "overdue", x->overdue);
        json_object_set_new(j, "trainer_name", x->trainer_name ? json_string(x->trainer_name) : json_null());
        json_array_append_new(items, j);
    }
    api_json(r, 200, json_pack("{s:I,s:I,s:o}", "run_id", (json_int_t)run.id, "response_hours",
                               (json_int_t)l.response_hours, "items", items));
}

/* ROUTE: DELETE /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}: the author, within 30 minutes */
void api_forum_post_delete(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!api_post(r, &f, &t, &p)) return;
    int rc = forum_delete(r->db, &p, r->user->id, time_now_us());
    if (rc == LN_EPERM) api_error(r, 403, "forbidden", "only the author may delete a post, within 30 minutes of posting");
    else if (rc != LN_OK || forum_post_load(r->db, r->arena, t.id, p.id, &p) != LN_OK)
        api_error(r, 500, "internal", "database error");
    else api_json(r, 200, post_json(r, &f, &p));
}

/* ROUTE: GET /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}/history: earlier versions, latest first */
void api_forum_post_history_get(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    ForumRevList l;
    if (!api_post(r, &f, &t, &p)) return;
    if (!forum_post_visible(&f, &p, r->user->id)) {
        api_error(r, 404, "not_found", "no such post in this thread");
        return;
    }
    if (forum_revisions(r->db, r->arena, p.id, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++)
        json_array_append_new(items, json_pack("{s:s,s:s,s:o,s:o}", "body", l.items[i].body, "body_html",
                                               html_markdown(r->arena, l.items[i].body).html, "written_at",
                                               api_time(r->arena, l.items[i].written_at), "replaced_at",
                                               api_time(r->arena, l.items[i].replaced_at)));
    api_json(r, 200, json_pack("{s:I,s:o}", "post_id", (json_int_t)p.id, "items", items));
}

/* ROUTE: GET /api/v1/runs/{id}/forum/categories */
void api_forum_categories_get(Req *r)
{
    int64_t id;
    ForumCtx f;
    ForumCategoryList l;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    if (forum_categories(r->db, r->arena, id, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:I}", "id", (json_int_t)l.items[i].id, "name", l.items[i].name,
                                               "threads", (json_int_t)l.items[i].threads));
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/runs/{id}/forum/categories {"name"} (staff) */
void api_forum_categories_post(Req *r)
{
    int64_t id, cid = 0;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    if (!f.staff) {
        api_error(r, 403, "forbidden", "only the course's trainers may manage categories");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *name = api_str(r, b, "name", &bad), *err;
    if (bad) return;
    name = name ? str_trim(r->arena, name) : NULL;
    if ((err = forum_check_category(name))) {
        api_field_error(r, "name", err);
        return;
    }
    int rc = forum_category_create(r->db, &f.run, name, time_now_us(), &cid);
    if (rc == LN_EEXIST) api_error(r, 409, "exists", "this forum already has a category of that name");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 201, json_pack("{s:I,s:s,s:I}", "id", (json_int_t)cid, "name", name, "threads", (json_int_t)0));
}

/* ROUTE: PATCH /api/v1/runs/{id}/forum/threads/{tid} {"pinned","closed","category_id"} (staff) */
void api_forum_thread_patch(Req *r)
{
    ForumCtx f;
    ForumThread t;
    if (!api_thread(r, &f, &t)) return;
    if (!f.staff) {
        api_error(r, 403, "forbidden", "only the course's trainers may pin, close or move a thread");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    static const char *const keys[] = {"pinned", "closed"};
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(b, keys[i]);
        if (v && !json_is_boolean(v)) {
            api_field_error(r, keys[i], "true or false");
            return;
        }
    }
    json_t *c = json_object_get(b, "category_id");
    if (c && !json_is_null(c) && (!json_is_integer(c) || json_integer_value(c) < 1)) {
        api_field_error(r, "category_id", "a category id, or null");
        return;
    }
    UsTime now = time_now_us();
    int rc = LN_OK;
    for (int i = 0; i < 2 && rc == LN_OK; i++) {
        json_t *v = json_object_get(b, keys[i]);
        if (v) rc = forum_thread_set(r->db, &t, r->user->id, keys[i], json_is_true(v), now);
    }
    if (rc == LN_OK && c) rc = forum_thread_set(r->db, &t, r->user->id, "category", json_is_null(c) ? 0 : json_integer_value(c), now);
    if (rc == LN_NOTFOUND) api_field_error(r, "category_id", "no such category in this forum");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else answer_thread(r, &f, 200, t.run_id, t.id);
}

/* ---- moderation ---------------------------------------------------------- */

/* A reason from the JSON body, checked (422 "reason" otherwise). */
static const char *api_reason(Req *r, json_t *b)
{
    bool bad = false;
    const char *reason = api_str(r, b, "reason", &bad), *err;
    if (bad) return NULL;
    reason = reason ? str_trim(r->arena, reason) : NULL;
    if ((err = forum_check_reason(reason))) {
        api_field_error(r, "reason", err);
        return NULL;
    }
    return reason;
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}/report {"reason"} */
void api_forum_report_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!api_post(r, &f, &t, &p)) return;
    json_t *b = req_json_or_400(r);
    const char *reason = b ? api_reason(r, b) : NULL;
    if (!reason) return;
    int64_t rid = 0;
    int rc = forum_report(r->db, &p, t.org_id, r->user->id, reason, time_now_us(), &rid);
    if (rc == LN_EEXIST) api_error(r, 409, "exists", "you have already reported this post");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 201, json_pack("{s:I,s:I,s:s}", "id", (json_int_t)rid, "post_id", (json_int_t)p.id, "reason", reason));
}

/* ROUTE: POST /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}/hide {"hidden": true, "reason"} (staff) */
void api_forum_hide_post(Req *r)
{
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!api_post(r, &f, &t, &p)) return;
    if (!f.staff) {
        api_error(r, 403, "forbidden", "only the course's trainers may hide a post");
        return;
    }
    json_t *b = req_json_or_400(r);
    if (!b) return;
    json_t *h = json_object_get(b, "hidden");
    if (h && !json_is_boolean(h)) {
        api_field_error(r, "hidden", "true or false");
        return;
    }
    bool hide = !h || json_is_true(h);
    const char *reason = hide ? api_reason(r, b) : "";
    if (!reason) return;
    int rc = forum_hide(r->db, &p, t.org_id, r->user->id, hide, reason, time_now_us());
    if ((rc != LN_OK && rc != LN_EEXIST) || forum_post_load(r->db, r->arena, t.id, p.id, &p) != LN_OK)
        api_error(r, 500, "internal", "database error");
    else api_json(r, 200, post_json(r, &f, &p));
}

static bool api_staff_run(Req *r, ForumCtx *f, int64_t *id)
{
    if (!req_path_id_or_404(r, "id", id) || !forum_access(r, *id, f)) return false;
    if (f->staff) return true;
    api_error(r, 403, "forbidden", "only the course's trainers may moderate");
    return false;
}

/* ROUTE: GET /api/v1/runs/{id}/forum/reports (staff): the open reports */
void api_forum_reports_get(Req *r)
{
    int64_t id;
    ForumCtx f;
    ForumReportList l;
    if (!api_staff_run(r, &f, &id)) return;
    if (forum_reports(r->db, r->arena, id, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        const ForumReport *x = &l.items[i];
        json_array_append_new(items, json_pack("{s:I,s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)x->id,
                                               "post_id", (json_int_t)x->post_id, "thread_id", (json_int_t)x->thread_id,
                                               "title", x->title, "author_id", (json_int_t)x->author_id, "author_name",
                                               x->author_name, "reporter_name", x->reporter_name, "reason", x->reason,
                                               "created_at", api_time(r->arena, x->created_at), "hidden", x->hidden));
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ROUTE: POST /api/v1/runs/{id}/forum/reports/{rid}/dismiss (staff) */
void api_forum_dismiss_post(Req *r)
{
    int64_t id, rid;
    ForumCtx f;
    if (!api_staff_run(r, &f, &id) || !req_path_id_or_404(r, "rid", &rid)) return;
    int rc = forum_dismiss(r->db, id, f.run.org_id, rid, r->user->id, time_now_us());
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "no such open report in this run");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)rid, "dismissed", 1));
}

static json_t *bans_json(Req *r, int64_t run_id)
{
    ForumBanList l;
    if (forum_bans(r->db, r->arena, run_id, &l) != LN_OK) return NULL;
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:o}", "user_id", (json_int_t)l.items[i].user_id, "name",
                                               l.items[i].name, "reason", l.items[i].reason, "created_at",
                                               api_time(r->arena, l.items[i].created_at)));
    return json_pack("{s:o}", "items", items);
}

/* ROUTE: GET /api/v1/runs/{id}/forum/bans (staff) */
void api_forum_bans_get(Req *r)
{
    int64_t id;
    ForumCtx f;
    if (!api_staff_run(r, &f, &id)) return;
    json_t *j = bans_json(r, id);
    if (!j) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, j);
}

/* ROUTE: POST /api/v1/runs/{id}/forum/bans {"user_id", "reason"} (staff) */
void api_forum_bans_post(Req *r)
{
    int64_t id, uid;
    ForumCtx f;
    if (!api_staff_run(r, &f, &id)) return;
    json_t *b = req_json_or_400(r);
    if (!b || !api_int(r, b, "user_id", 1, 0, &uid)) return;
    const char *reason = api_reason(r, b);
    if (!reason) return;
    int rc = uid ? forum_ban(r->db, &f.run, uid, r->user->id, true, reason, time_now_us()) : LN_NOTFOUND;
    if (rc == LN_NOTFOUND) api_field_error(r, "user_id", "no such learner in this session");
    else if (rc == LN_EPERM) api_field_error(r, "user_id", "trainers and administrators cannot be banned");
    else if (rc == LN_EEXIST) api_error(r, 409, "exists", "this learner is already banned from posting here");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 201, bans_json(r, id));
}

/* ROUTE: DELETE /api/v1/runs/{id}/forum/bans/{uid} (staff) */
void api_forum_ban_delete(Req *r)
{
    int64_t id, uid;
    ForumCtx f;
    if (!api_staff_run(r, &f, &id) || !req_path_id_or_404(r, "uid", &uid)) return;
    int rc = forum_ban(r->db, &f.run, uid, r->user->id, false, "", time_now_us());
    if (rc == LN_NOTFOUND) api_error(r, 404, "not_found", "this user is not banned here");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, bans_json(r, id));
}

/* ROUTE: GET /api/v1/runs/{id}/forum/moderation-log (staff): the latest 500 actions */
void api_forum_mod_log_get(Req *r)
{
    int64_t id;
    ForumCtx f;
    ForumModList l;
    if (!api_staff_run(r, &f, &id)) return;
    if (forum_mod_log(r->db, r->arena, id, 500, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        const ForumMod *x = &l.items[i];
        json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)x->id, "action", x->action, "actor_name",
                              x->actor_name, "reason", x->reason, "created_at", api_time(r->arena, x->created_at));
        json_object_set_new(j, "thread_id", x->thread_id ? json_integer(x->thread_id) : json_null());
        json_object_set_new(j, "post_id", x->post_id ? json_integer(x->post_id) : json_null());
        json_object_set_new(j, "user_id", x->user_id ? json_integer(x->user_id) : json_null());
        json_array_append_new(items, j);
    }
    api_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Segments as HTML, written by hprintf (escaped by construction) into a
 * string of their own. */
static const char *spans_html(Req *r, const ForumSpan *s, int n)
{
    Buf saved = r->out;
    buf_init(&r->out, 0);
    forum_spans_html(r, s, n);
    const char *html = arena_strdup(r->arena, buf_cstr(&r->out));
    buf_free(&r->out);
    r->out = saved;
    return html;
}

/* ROUTE: GET /api/v1/runs/{id}/forum/search?q= */
void api_forum_search_get(Req *r)
{
    int64_t id;
    ForumCtx f;
    ForumHitList l;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    const char *q = req_query(r, "q") ? req_query(r, "q") : "";
    if (!utf8_valid(q, strlen(q))) {
        api_error(r, 400, "bad_request", "q: not valid UTF-8");
        return;
    }
    if (forum_search(r->db, r->arena, id, q, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    forum_hits_keep(r->db, &f, &l);
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        const ForumHit *h = &l.items[i];
        ForumSpan *t, *s;
        int nt = forum_highlight(r->arena, h->title, q, false, &t), ns = forum_highlight(r->arena, h->text, q, true, &s);
        json_array_append_new(items, json_pack("{s:I,s:I,s:s,s:s,s:o,s:s,s:s}", "post_id", (json_int_t)h->post_id,
                                               "thread_id", (json_int_t)h->thread_id, "title", h->title, "author_name",
                                               h->author_name, "created_at", api_time(r->arena, h->created_at),
                                               "title_html", spans_html(r, t, nt), "snippet_html", spans_html(r, s, ns)));
    }
    api_json(r, 200, json_pack("{s:s,s:o}", "q", q, "items", items));
}
