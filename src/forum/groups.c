/* groups.c — cohort groups in a run's forum (docs/forum.md): the course's
 * staff put learners in groups (pasted CSV lines "e-mail,group" or typed by
 * hand) and turn on "separate forums per group"; learners then read and
 * post only in their group's threads, staff see all (with a group filter).
 * Enforced where threads are read: forum_access gives the caller's group,
 * lists and search results are filtered, a thread of another group answers
 * 404, forum_reply refuses it and notifications skip other groups. */
#include "forum/forum.h"
#include "core/csv.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include <string.h>

void forum_group_view(Db *db, int64_t run_id, int64_t user_id, bool *separate, int64_t *group_id)
{
    int64_t on = 0, g = 0;
    db_query_i64(db, &on, "SELECT separate FROM forum_group_setting WHERE run_id = $1", "i", run_id);
    db_query_i64(db, &g, "SELECT group_id FROM forum_group_member WHERE run_id = $1 AND user_id = $2", "ii", run_id,
                 user_id);
    *separate = on != 0;
    *group_id = g;
}

bool forum_thread_readable(const ForumCtx *f, const ForumThread *t)
{
    return !f->separate || f->staff || t->group_id == f->group_id;
}

int forum_thread_for(Req *r, const ForumCtx *f, int64_t tid, ForumThread *t)
{
    int rc = forum_thread_load(r->db, r->arena, f->run.id, tid, t);
    return rc == LN_OK && !forum_thread_readable(f, t) ? LN_NOTFOUND : rc;
}

int forum_threads_for(Db *db, Arena *a, const ForumCtx *f, const char *sort, int64_t category_id, int64_t unit_id,
                      int64_t viewer_id, int64_t only, ForumThreadList *out)
{
    int64_t group = f->staff ? (only ? only : -1) : f->separate ? f->group_id : -1;
    return forum_threads_of_group(db, a, f->run.id, sort, category_id, unit_id, viewer_id, group, out);
}

void forum_hits_keep(Db *db, const ForumCtx *f, ForumHitList *l)
{
    if (!f->separate || f->staff) return;
    int k = 0;
    for (int i = 0; i < l->n; i++) {
        int64_t g = 0;
        if (db_query_i64(db, &g, "SELECT COALESCE(group_id, 0) FROM forum_thread WHERE id = $1", "i",
                         l->items[i].thread_id) == DB_ROW && g == f->group_id)
            l->items[k++] = l->items[i];
    }
    l->n = k;
}

bool forum_group_in_run(Db *db, int64_t run_id, int64_t group_id)
{
    int64_t n = 0;
    return db_query_i64(db, &n, "SELECT count(*) FROM forum_group WHERE id = $1 AND run_id = $2", "ii", group_id,
                        run_id) == DB_ROW && n > 0;
}

int forum_groups(Db *db, Arena *a, int64_t run_id, ForumGroupList *out)
{
    memset(out, 0, sizeof *out);
    int64_t on = 0;
    db_query_i64(db, &on, "SELECT separate FROM forum_group_setting WHERE run_id = $1", "i", run_id);
    out->separate = on != 0;
    DbStmt *st = db_prepare(db, "SELECT id, name FROM forum_group WHERE run_id = $1 ORDER BY name, id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumGroup *g = &out->items[out->n++];
        memset(g, 0, sizeof *g);
        g->id = db_col_i64(st, 0);
        g->name = db_col_dup(st, 1, a);
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    st = db_prepare(db, "SELECT m.group_id, u.id, u.name, u.email FROM forum_group_member m JOIN app_user u"
                        " ON u.id = m.user_id WHERE m.run_id = $1 ORDER BY u.name, u.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    int *caps = arena_alloc(a, sizeof *caps * (size_t)(out->n + 1));
    memset(caps, 0, sizeof *caps * (size_t)(out->n + 1));
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t gid = db_col_i64(st, 0);
        for (int i = 0; i < out->n; i++) {
            ForumGroup *g = &out->items[i];
            if (g->id != gid) continue;
            g->members = arena_grow(a, g->members, g->n, &caps[i], sizeof *g->members);
            g->members[g->n++] = (ForumGroupMember){db_col_i64(st, 1), db_col_dup(st, 2, a), db_col_dup(st, 3, a)};
        }
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int forum_groups_separate(Db *db, const RunRef *run, bool on, UsTime now)
{
    return db_run(db, "INSERT INTO forum_group_setting (run_id, org_id, separate, updated_at) VALUES ($1, $2, $3, $4)"
                      " ON CONFLICT (run_id) DO UPDATE SET separate = $3, updated_at = $4",
                  "iiii", run->id, run->org_id, (int64_t)on, (int64_t)now) == DB_DONE ? LN_OK : LN_EDB;
}

static bool group_name_ok(const char *name)
{
    if (!utf8_valid(name, strlen(name)) || utf8_len(name) > FORUM_GROUP_NAME_MAX) return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return false;
    return true;
}

static int assign_one(Db *db, const RunRef *run, const char *email, const char *group, UsTime now)
{
    int64_t uid = 0, gid = 0;
    if (db_query_i64(db, &uid, "SELECT u.id FROM app_user u JOIN enrolment e ON e.user_id = u.id AND e.run_id = $1"
                               " AND e.status = 'active' WHERE lower(u.email) = lower($2)", "it", run->id, email) != DB_ROW)
        return LN_NOTFOUND;
    if (db_run(db, "DELETE FROM forum_group_member WHERE run_id = $1 AND user_id = $2", "ii", run->id, uid) != DB_DONE)
        return LN_EDB;
    if (!*group) return LN_OK;
    if (!group_name_ok(group)) return LN_EINVAL;
    if (db_run(db, "INSERT INTO forum_group (run_id, org_id, name, created_at) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (run_id, name) DO NOTHING", "iiti", run->id, run->org_id, group, (int64_t)now) != DB_DONE
        || db_query_i64(db, &gid, "SELECT id FROM forum_group WHERE run_id = $1 AND name = $2", "it", run->id, group)
               != DB_ROW)
        return LN_EDB;
    return db_run(db, "INSERT INTO forum_group_member (run_id, group_id, user_id, org_id, created_at)"
                      " VALUES ($1, $2, $3, $4, $5)", "iiiii", run->id, gid, uid, run->org_id, (int64_t)now) == DB_DONE
               ? LN_OK : LN_EDB;
}

int forum_groups_assign(Db *db, const RunRef *run, char *const *emails, char *const *groups, int n, int separate,
                        UsTime now, int *bad)
{
    *bad = -1;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = LN_OK;
    for (int i = 0; i < n && rc == LN_OK; i++)
        if ((rc = assign_one(db, run, emails[i], groups[i] ? groups[i] : "", now)) != LN_OK) *bad = i;
    if (rc == LN_OK && separate >= 0) rc = forum_groups_separate(db, run, separate != 0, now);
    if (rc == LN_OK && db_commit(db) == DB_DONE) return LN_OK;
    db_rollback(db);
    return rc == LN_OK ? LN_EDB : rc;
}

/* ---- pages ------------------------------------------------------------------------- */

static bool staff_forum(Req *r, ForumCtx *f)
{
    int64_t id;
    if (!req_path_id_or_404(r, "id", &id) || !forum_access(r, id, f)) return false;
    if (!f->staff) {
        web_error(r, 403, "forbidden", T(r, "Only the course's trainers can do this."));
        return false;
    }
    return true;
}

/* The groups page; `members` and `error`: the form sent back with its error. */
static void groups_page(Req *r, const ForumCtx *f, const char *members, const char *error)
{
    ForumGroupList g;
    if (forum_groups(r->db, r->arena, f->run.id, &g) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    if (error) r->status = 400;
    const char *base = arena_printf(r->arena, "/runs/%lld/forum/groups", (long long)f->run.id);
    page_begin(r, T(r, "Forum groups"));
    hprintf(r, "<p class=\"muted\"><a href=\"/runs/%lld/forum\">%s</a> · %s</p><h1>%s</h1>", (long long)f->run.id,
            T(r, "Forum"), f->run.title, T(r, "Forum groups"));
    hprintf(r, "<p>%s</p>", g.separate ? T(r, "Separate forums per group: on. Learners see and post only in their group's threads.")
                                       : T(r, "Separate forums per group: off. Every learner sees every thread."));
    form_begin(r, base);
    hprintf(r, "<input type=\"hidden\" name=\"separate\" value=\"%s\">", g.separate ? "0" : "1");
    form_submit_as(r, g.separate ? T(r, "Turn off separate forums") : T(r, "Turn on separate forums per group"),
                   "secondary");
    form_end(r);
    if (!g.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No group yet."));
    for (int i = 0; i < g.n; i++) {
        hprintf(r, "<h2>%s (%d)</h2><ul>", g.items[i].name, g.items[i].n);
        for (int j = 0; j < g.items[i].n; j++)
            hprintf(r, "<li>%s <span class=\"muted\">%s</span></li>", g.items[i].members[j].name,
                    g.items[i].members[j].email);
        html_lit(r, "</ul>");
    }
    hprintf(r, "<h2>%s</h2>", T(r, "Put learners in groups"));
    form_begin(r, base);
    hprintf(r, "<div class=\"field%s\"><label for=\"members\">%s</label><small class=\"muted\">%s</small>"
               "<textarea id=\"members\" name=\"members\" rows=\"8\" required placeholder=\"ana@example.org,Group A\">"
               "%s</textarea>",
            error ? " has-error" : "", T(r, "One line per learner: e-mail, group (CSV)"),
            T(r, "A new group name creates the group; an empty group takes the learner out of their group."),
            members ? members : "");
    if (error) hprintf(r, "<p class=\"field-error\">%s</p>", error);
    html_lit(r, "</div>");
    form_submit(r, T(r, "Save the groups"));
    form_end(r);
    page_end(r);
}

/* GET /runs/{id}/forum/groups (staff) */
void forum_groups_page(Req *r)
{
    ForumCtx f;
    if (staff_forum(r, &f)) groups_page(r, &f, NULL, NULL);
}

/* Lines "e-mail,group" (CSV) into pairs; false on a malformed line. */
static bool parse_members(Req *r, const char *text, char ***emails, char ***groups, int *n, int *line)
{
    const char *p = text, *end = text + strlen(text);
    int cap = 0;
    *n = 0;
    *emails = *groups = NULL;
    for (*line = 1;; (*line)++) {
        char *fields[2] = {NULL, NULL};
        bool bad = false;
        int k = csv_record(r->arena, &p, end, fields, 2, &bad);
        if (!k) return true;
        if (bad || k > 2) return false;
        if (k == 1 && str_empty(fields[0])) continue;          /* a blank line */
        int c = cap;
        *emails = arena_grow(r->arena, *emails, *n, &c, sizeof **emails);
        *groups = arena_grow(r->arena, *groups, *n, &cap, sizeof **groups);
        (*emails)[*n] = fields[0];
        (*groups)[(*n)++] = k > 1 ? fields[1] : "";
    }
}

/* POST /runs/{id}/forum/groups: separate=0|1, or members (CSV lines) */
void forum_groups_post(Req *r)
{
    ForumCtx f;
    if (!staff_forum(r, &f)) return;
    const char *sep = req_form(r, "separate");
    const char *back = arena_printf(r->arena, "/runs/%lld/forum/groups", (long long)f.run.id);
    if (!str_empty(sep)) {
        if (forum_groups_separate(r->db, &f.run, str_eq(sep, "1"), time_now_us()) != LN_OK) {
            web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
            return;
        }
        req_redirect(r, back);
        return;
    }
    char **emails, **groups;
    int n, line, bad;
    const char *members = req_form(r, "members") ? req_form(r, "members") : "";
    if (!parse_members(r, members, &emails, &groups, &n, &line)) {
        groups_page(r, &f, members, arena_printf(r->arena, "%s %d", T(r, "This line cannot be read:"), line));
        return;
    }
    int rc = forum_groups_assign(r->db, &f.run, emails, groups, n, -1, time_now_us(), &bad);
    if (rc == LN_NOTFOUND)
        groups_page(r, &f, members, arena_printf(r->arena, "%s %s", T(r, "Not a learner of this session:"), emails[bad]));
    else if (rc == LN_EINVAL)
        groups_page(r, &f, members, arena_printf(r->arena, "%s %s", T(r, "Not a valid group name (80 characters at most):"),
                                                 groups[bad]));
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, back);
}

/* ---- API ----------------------------------------------------------------------------- */

static json_t *groups_json(const ForumGroupList *g)
{
    json_t *a = json_array();
    for (int i = 0; i < g->n; i++) {
        json_t *m = json_array();
        for (int j = 0; j < g->items[i].n; j++)
            json_array_append_new(m, json_pack("{s:I,s:s,s:s}", "user_id", (json_int_t)g->items[i].members[j].user_id,
                                               "name", g->items[i].members[j].name, "email", g->items[i].members[j].email));
        json_array_append_new(a, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)g->items[i].id, "name", g->items[i].name,
                                           "members", m));
    }
    return json_pack("{s:b,s:o}", "separate", g->separate, "groups", a);
}

static void answer_groups(Req *r, const ForumCtx *f)
{
    ForumGroupList g;
    if (forum_groups(r->db, r->arena, f->run.id, &g) != LN_OK) api_error(r, 500, "internal", "database error");
    else api_json(r, 200, groups_json(&g));
}

/* GET /api/v1/runs/{id}/forum/groups (staff) */
void api_forum_groups_get(Req *r)
{
    ForumCtx f;
    if (staff_forum(r, &f)) answer_groups(r, &f);
}

/* PATCH /api/v1/runs/{id}/forum/groups {"separate": bool, "members": [{"email","group"}]} (staff) */
void api_forum_groups_patch(Req *r)
{
    ForumCtx f;
    if (!staff_forum(r, &f)) return;
    json_t *b = req_json_or_400(r);
    if (!b) return;
    json_t *sep = json_object_get(b, "separate"), *mem = json_object_get(b, "members");
    if ((sep && !json_is_boolean(sep)) || (mem && !json_is_array(mem))) {
        api_error(r, 422, "invalid", "separate must be a boolean and members an array of {email, group}");
        return;
    }
    size_t n = json_array_size(mem);
    char **emails = arena_alloc(r->arena, sizeof *emails * (n + 1)), **groups = arena_alloc(r->arena, sizeof *groups * (n + 1));
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_object_get(json_array_get(mem, i), "email"), *g = json_object_get(json_array_get(mem, i), "group");
        if (!json_is_string(e) || (g && !json_is_string(g) && !json_is_null(g))) {
            api_error(r, 422, "members", "each member is {\"email\": string, \"group\": string or null}");
            return;
        }
        emails[i] = (char *)json_string_value(e);
        groups[i] = json_is_string(g) ? (char *)json_string_value(g) : "";
    }
    int bad, rc = forum_groups_assign(r->db, &f.run, emails, groups, (int)n, sep ? json_is_true(sep) : -1, time_now_us(),
                                      &bad);
    if (rc == LN_NOTFOUND) {
        api_error(r, 422, "members", arena_printf(r->arena, "not an active learner of this run: %s", emails[bad]));
        return;
    }
    if (rc == LN_EINVAL) {
        api_error(r, 422, "members", "a group name is 80 characters at most, without control characters");
        return;
    }
    if (rc != LN_OK) api_error(r, 500, "internal", "database error");
    else answer_groups(r, &f);
}
