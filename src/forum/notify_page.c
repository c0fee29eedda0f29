/* notify_page.c — following a thread, the notifications page with the
 * e-mail preference, the one-click unsubscribe link, and their API
 * (docs/forum.md). */
#include "forum/forum.h"
#include "http/app.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include <string.h>

#define NOTES_SHOWN 50

static void modes(Req *r, const char *mode)
{
    static const char *const values[] = {"immediate", "digest", "off"};
    const char *labels[] = {T(r, "at once, one e-mail per new post"), T(r, "once a day, a digest"), T(r, "never")};
    hprintf(r, "<fieldset><legend>%s</legend>", T(r, "E-mail me about threads I follow"));
    for (int i = 0; i < 3; i++)
        hprintf(r, "<p><label><input type=\"radio\" name=\"mode\" value=\"%s\"%s> %s</label></p>", values[i],
                str_eq(mode, values[i]) ? " checked" : "", labels[i]);
    html_lit(r, "</fieldset>");
}

/* GET /notifications */
void forum_notifications_page(Req *r)
{
    ForumNoteList l;
    if (forum_notifications(r->db, r->arena, r->user->id, NOTES_SHOWN, &l) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "Notifications"));
    hprintf(r, "<h1>%s</h1><p>%s %lld</p>", T(r, "Notifications"), T(r, "Unread:"), (long long)l.unread);
    if (!l.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No notification yet. You follow the threads you start or reply to."));
    else {
        html_lit(r, "<ul class=\"notifications\">");
        for (int i = 0; i < l.n; i++) {
            const ForumNote *x = &l.items[i];
            hprintf(r, "<li class=\"%s\">", x->read_at ? "" : "unread");
            if (!x->read_at) hprintf(r, "<span class=\"badge\">%s</span> ", T(r, "new"));
            hprintf(r, "%s <a href=\"/runs/%lld/forum/%lld#post-%lld\">%s</a> · ", x->author_name, (long long)x->run_id,
                    (long long)x->thread_id, (long long)x->post_id, x->title);
            html_date(r, x->created_at);
            html_lit(r, "</li>");
        }
        html_lit(r, "</ul>");
        if (l.unread) {
            form_begin(r, "/notifications/read");
            form_submit(r, T(r, "Mark all as read"));
            form_end(r);
        }
    }
    hprintf(r, "<h2>%s</h2>", T(r, "E-mail"));
    form_begin(r, "/notifications/mail");
    modes(r, forum_mail_mode(r->db, r->arena, r->user->id));
    form_submit(r, T(r, "Save"));
    form_end(r);
    page_end(r);
}

/* POST /notifications/read */
void forum_notifications_read_post(Req *r)
{
    if (forum_notifications_read(r->db, r->user->id, 0, time_now_us()) != LN_OK)
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, "/notifications");
}

/* POST /notifications/mail {mode} */
void forum_mail_pref_post(Req *r)
{
    int rc = forum_mail_mode_set(r->db, r->user->id, req_form(r, "mode"), time_now_us());
    if (rc == LN_EINVAL) web_error(r, 400, "invalid", T(r, "Choose how often to receive e-mails."));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else {
        page_flash(r, T(r, "Saved."));
        req_redirect(r, "/notifications");
    }
}

/* GET /forum/unsubscribe?u=&t= : no sign-in; the signed token names the user */
void forum_unsubscribe_page(Req *r)
{
    int64_t uid = 0;
    if (!str_to_i64(req_query(r, "u") ? req_query(r, "u") : "", &uid)
        || !forum_unsub_check(r->arena, r->app->secret, uid, req_query(r, "t"))) {
        web_error(r, 400, "bad_link", T(r, "This unsubscribe link is not valid."));
        return;
    }
    if (forum_mail_mode_set(r->db, uid, "off", time_now_us()) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    page_begin(r, T(r, "Unsubscribed"));
    hprintf(r, "<h1>%s</h1><p>%s</p><p><a href=\"/notifications\">%s</a></p>", T(r, "Unsubscribed"),
            T(r, "You will no longer receive e-mails about forum threads."),
            T(r, "Change this on the notifications page (sign-in needed)."));
    page_end(r);
}

/* POST /runs/{id}/forum/{tid}/follow {following=0|1} */
void forum_follow_post(Req *r)
{
    int64_t id, tid;
    ForumCtx f;
    ForumThread t;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "tid", &tid) || !forum_access(r, id, &f)) return;
    if (forum_thread_for(r, &f, tid, &t) != LN_OK) {
        web_not_found(r);
        return;
    }
    if (forum_follow(r->db, t.id, r->user->id, !str_eq(req_form(r, "following"), "0"), time_now_us()) != LN_OK)
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum/%lld", (long long)id, (long long)tid));
}

void forum_follow_form(Req *r, const ForumThread *t)
{
    bool on = forum_following(r->db, t->id, r->user->id);
    form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/%lld/follow", (long long)t->run_id, (long long)t->id));
    hprintf(r, "<input type=\"hidden\" name=\"following\" value=\"%s\">", on ? "0" : "1");
    form_submit_as(r, on ? T(r, "Stop following") : T(r, "Follow this thread"), "secondary small");
    form_end(r);
}

/* ---- API ---------------------------------------------------------------- */

/* ROUTE: GET /api/v1/me/notifications */
void api_forum_notifications_get(Req *r)
{
    ForumNoteList l;
    if (forum_notifications(r->db, r->arena, r->user->id, NOTES_SHOWN, &l) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < l.n; i++) {
        const ForumNote *x = &l.items[i];
        json_array_append_new(items, json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:o,s:o}", "id", (json_int_t)x->id,
                                               "run_id", (json_int_t)x->run_id, "thread_id", (json_int_t)x->thread_id,
                                               "post_id", (json_int_t)x->post_id, "title", x->title, "author_name",
                                               x->author_name, "created_at", api_time(r->arena, x->created_at),
                                               "read_at", api_time(r->arena, x->read_at)));
    }
    api_json(r, 200, json_pack("{s:I,s:o}", "unread", (json_int_t)l.unread, "items", items));
}

/* ROUTE: POST /api/v1/me/notifications/read */
void api_forum_notifications_read_post(Req *r)
{
    if (forum_notifications_read(r->db, r->user->id, 0, time_now_us()) != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)0));
}

/* ROUTE: GET /api/v1/me/forum-mail */
void api_forum_mail_get(Req *r)
{
    api_json(r, 200, json_pack("{s:s}", "mode", forum_mail_mode(r->db, r->arena, r->user->id)));
}

/* ROUTE: PUT /api/v1/me/forum-mail {"mode": "immediate"|"digest"|"off"} */
void api_forum_mail_put(Req *r)
{
    json_t *b = req_json_or_400(r);
    if (!b) return;
    bool bad = false;
    const char *mode = api_str(r, b, "mode", &bad);
    if (bad) return;
    int rc = forum_mail_mode_set(r->db, r->user->id, mode, time_now_us());
    if (rc == LN_EINVAL) api_field_error(r, "mode", "immediate, digest or off");
    else if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, json_pack("{s:s}", "mode", mode));
}

/* ROUTE: PUT|DELETE /api/v1/runs/{id}/forum/threads/{tid}/follow */
void api_forum_follow(Req *r)
{
    int64_t id, tid;
    ForumCtx f;
    ForumThread t;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "tid", &tid) || !forum_access(r, id, &f)) return;
    if (forum_thread_for(r, &f, tid, &t) != LN_OK) {
        api_error(r, 404, "not_found", "no such thread in this run");
        return;
    }
    bool on = r->method != M_DELETE;
    if (forum_follow(r->db, t.id, r->user->id, on, time_now_us()) != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, json_pack("{s:I,s:b}", "thread_id", (json_int_t)t.id, "following", on));
}

/* POST /runs/{id}/forum/follow {following=0|1}: the whole forum */
void forum_follow_forum_post(Req *r)
{
    int64_t id;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    if (forum_follow_forum(r->db, id, r->user->id, !str_eq(req_form(r, "following"), "0"), time_now_us()) != LN_OK)
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, arena_printf(r->arena, "/runs/%lld/forum", (long long)id));
}

void forum_follow_forum_form(Req *r, int64_t run_id)
{
    bool on = forum_following_forum(r->db, run_id, r->user->id);
    form_begin(r, arena_printf(r->arena, "/runs/%lld/forum/follow", (long long)run_id));
    hprintf(r, "<input type=\"hidden\" name=\"following\" value=\"%s\">", on ? "0" : "1");
    form_submit(r, on ? T(r, "Stop following this forum") : T(r, "Follow this forum (every new post)"));
    form_end(r);
}

/* ROUTE: PUT|DELETE /api/v1/runs/{id}/forum/follow: the whole forum */
void api_forum_follow_forum(Req *r)
{
    int64_t id;
    ForumCtx f;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, &f)) return;
    bool on = r->method != M_DELETE;
    if (forum_follow_forum(r->db, id, r->user->id, on, time_now_us()) != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, json_pack("{s:I,s:b}", "run_id", (json_int_t)id, "following", on));
}
