/* trainer_times.c — response times per trainer (trainer_times.h): the rule
 * and its page, CSV and API.  Staff of the organisation only (routes: A_STAFF);
 * every query is filtered by the organisation, a run of another one is 404. */
#include "forum/trainer_times.h"
#include "catalog/catalog.h"
#include "core/csv.h"
#include "forum/forum.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include <stdlib.h>
#include <string.h>

#define US_PER_DAY (86400 * (int64_t)US_PER_SEC)

/* nearest rank: the smallest delay with at least q% of them at or below it */
static int64_t rank_of(const int64_t *v, int n, int q)
{
    int k = (n * q + 99) / 100;
    return v[(k < 1 ? 1 : k) - 1];
}

static int by_name(const void *x, const void *y)
{
    const ForumTrainerTimes *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->trainer_id > b->trainer_id) - (a->trainer_id < b->trainer_id);
}

static void close_trainer(ForumTrainerTimes *t, int64_t *delays, int n)
{
    t->answered = n;
    t->median_s = rank_of(delays, n, 50);
    t->p90_s = rank_of(delays, n, 90);
}

int forum_trainer_times(Db *db, Arena *a, int64_t org_id, int64_t run_id, UsTime from, UsTime to, UsTime now,
                        ForumTrainerReport *out)
{
    memset(out, 0, sizeof *out);
    /* one row per question; the answered ones grouped by trainer, fastest first */
    DbStmt *st = db_prepare(db,
        "SELECT COALESCE(t.first_trainer_reply_by, 0), COALESCE(u.name, ''), t.created_at, "
        "COALESCE(t.first_trainer_reply_at, 0), COALESCE(p.response_hours, 48) "   /* FORUM_DEFAULT_RESPONSE_HOURS */
        "FROM forum_thread t JOIN course_run s ON s.id = t.run_id JOIN course c ON c.id = s.course_id "
        "LEFT JOIN programme p ON p.id = c.programme_id LEFT JOIN app_user u ON u.id = t.first_trainer_reply_by "
        "WHERE t.org_id = $1 AND t.kind = 'question' AND (CAST($2 AS BIGINT) = 0 OR t.run_id = $2) "
        "AND t.created_at >= CAST($3 AS BIGINT) AND t.created_at < CAST($4 AS BIGINT) "
        "ORDER BY COALESCE(t.first_trainer_reply_by, 0), t.first_trainer_reply_at - t.created_at, t.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, from);
    db_bind_i64(st, 4, to ? to : INT64_MAX);
    int rc, cap = 0, nd = 0, dcap = 0;
    int64_t *delays = NULL;
    ForumTrainerTimes *cur = NULL;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t tid = db_col_i64(st, 0), promised = db_col_i64(st, 4) * 3600;
        UsTime asked = db_col_i64(st, 2), replied = db_col_i64(st, 3);
        out->questions++;
        if (!tid || !replied) {
            out->waiting++;
            if (now > asked && (now - asked) / US_PER_SEC > promised) out->overdue++;
            continue;
        }
        if (!cur || cur->trainer_id != tid) {
            if (cur) close_trainer(cur, delays, nd);
            out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
            cur = &out->items[out->n++];
            memset(cur, 0, sizeof *cur);
            cur->trainer_id = tid;
            cur->name = db_col_dup(st, 1, a);
            nd = 0;
        }
        int64_t d = replied > asked ? (replied - asked) / US_PER_SEC : 0;
        delays = arena_grow(a, delays, nd, &dcap, sizeof *delays);
        delays[nd++] = d;
        if (d > promised) cur->late++;
        else cur->within++;
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    if (cur) close_trainer(cur, delays, nd);
    if (out->n > 1) qsort(out->items, (size_t)out->n, sizeof *out->items, by_name);
    return LN_OK;
}

/* ---- the request's filter: ?run=ID&from=YYYY-MM-DD&to=YYYY-MM-DD (to included) ---- */

typedef struct TtFilter {
    int64_t run_id;
    RunRef run;
    const char *from_s, *to_s;
    UsTime from, to;
    const char *bad, *why;      /* the field in error and the message */
} TtFilter;

/* false: `bad` names the field (run unknown in this organisation: "run" with
 * why NULL, answer 404) */
static bool tt_filter(Req *r, TtFilter *f)
{
    memset(f, 0, sizeof *f);
    const char *run = req_query(r, "run");
    f->from_s = req_query(r, "from");
    f->to_s = req_query(r, "to");
    if (run && *run) {
        if (!str_to_i64(run, &f->run_id) || f->run_id < 1) {
            f->bad = "run";
            f->why = T(r, "Choose a session from the list.");
            return false;
        }
        if (run_ref(r->db, r->arena, r->org->id, f->run_id, &f->run) != LN_OK) {
            f->bad = "run";
            return false;
        }
    }
    if (f->from_s && *f->from_s && (strlen(f->from_s) != 10 || !time_parse_iso(f->from_s, &f->from))) {
        f->bad = "from";
        f->why = T(r, "Enter a date as YYYY-MM-DD.");
        return false;
    }
    if (f->to_s && *f->to_s) {
        if (strlen(f->to_s) != 10 || !time_parse_iso(f->to_s, &f->to)) {
            f->bad = "to";
            f->why = T(r, "Enter a date as YYYY-MM-DD.");
            return false;
        }
        f->to += US_PER_DAY;    /* the whole last day */
        if (f->from && f->to <= f->from) {
            f->bad = "to";
            f->why = T(r, "The end date must not be before the start date.");
            return false;
        }
    }
    return true;
}

static const char *tt_query(Req *r, const TtFilter *f)
{
    return arena_printf(r->arena, "?run=%s&from=%s&to=%s",
                        f->run_id ? arena_printf(r->arena, "%lld", (long long)f->run_id) : "",
                        f->from ? f->from_s : "", f->to ? f->to_s : "");
}

static void tt_delay(Req *r, int64_t s)
{
    if (s >= 86400) hprintf(r, "%lld d %lld h", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600) hprintf(r, "%lld h %lld min", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else hprintf(r, "%lld min", (long long)(s / 60));
}

static void tt_field(Req *r, const TtFilter *f, const char *name, const char *label, const char *value)
{
    bool bad = f->bad && str_eq(f->bad, name);
    hprintf(r, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>"
               "<input type=\"date\" id=\"f-%s\" name=\"%s\" value=\"%s\">",
            bad ? " has-error" : "", name, label, name, name, value ? value : "");
    if (bad) hprintf(r, "<p class=\"field-error\">%s</p>", f->why);
    html_lit(r, "</div>");
}

static void tt_render(Req *r, const TtFilter *f, const ForumTrainerReport *rep)
{
    page_begin(r, T(r, "Response times per trainer"));
    if (f->run_id && !f->bad)
        hprintf(r, "<p class=\"muted\"><a href=\"/o/%s/runs/%lld/assistance\">%s</a> · %s</p>", r->org->slug,
                (long long)f->run_id, T(r, "Response times"), f->run.title);
    hprintf(r, "<h1>%s</h1>", T(r, "Response times per trainer"));
    hprintf(r, "<p>%s</p>", f->run_id ? T(r, "Questions of this session, by the trainer who answered first.")
                                      : T(r, "Questions of all the organisation's sessions, by the trainer who answered first."));
    hprintf(r, "<form method=\"get\" action=\"/o/%s/assistance/trainers\">", r->org->slug);
    if (f->run_id) hprintf(r, "<input type=\"hidden\" name=\"run\" value=\"%lld\">", (long long)f->run_id);
    tt_field(r, f, "from", T(r, "Asked from"), f->from_s);
    tt_field(r, f, "to", T(r, "Asked until (included)"), f->to_s);
    hprintf(r, "<button type=\"submit\">%s</button></form>", T(r, "Show"));
    if (!rep) {
        page_end(r);
        return;
    }
    hprintf(r, "<p>%s %d · %s %d · <strong>%s %d</strong></p>", T(r, "Questions asked:"), rep->questions,
            T(r, "waiting for a first reply:"), rep->waiting, T(r, "overdue now:"), rep->overdue);
    if (!rep->n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No question answered by a trainer in this period."));
    else {
        hprintf(r, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                T(r, "Trainer"), T(r, "Questions answered"), T(r, "Median first response"),
                T(r, "90th percentile"), T(r, "Within the promised delay"), T(r, "Answered late"));
        for (int i = 0; i < rep->n; i++) {
            const ForumTrainerTimes *x = &rep->items[i];
            hprintf(r, "<tr%s><td>%s</td><td>%d</td><td data-seconds=\"%lld\">", x->late ? " class=\"overdue\"" : "",
                    x->name, x->answered, (long long)x->median_s);
            tt_delay(r, x->median_s);
            hprintf(r, "</td><td data-seconds=\"%lld\">", (long long)x->p90_s);
            tt_delay(r, x->p90_s);
            hprintf(r, "</td><td>%s</td><td>%d</td></tr>", text_percent(r, (int64_t)x->within * 1000 / x->answered),
                    x->late);
        }
        html_lit(r, "</tbody></table>");
    }
    hprintf(r, "<p><a class=\"button small secondary\" href=\"/o/%s/assistance/trainers.csv%s\" download>%s</a></p>",
            r->org->slug, tt_query(r, f), T(r, "Download as CSV"));
    page_end(r);
}

/* GET /o/{org}/assistance/trainers[?run=&from=&to=] (staff) */
void forum_trainer_times_page(Req *r)
{
    TtFilter f;
    ForumTrainerReport rep;
    if (!tt_filter(r, &f)) {
        if (!f.why) {
            web_not_found(r);
            return;
        }
        tt_render(r, &f, NULL);
        r->status = 400;
        return;
    }
    if (forum_trainer_times(r->db, r->arena, r->org->id, f.run_id, f.from, f.to, time_now_us(), &rep) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    tt_render(r, &f, &rep);
}

/* GET /o/{org}/assistance/trainers.csv[?run=&from=&to=] (staff) */
void forum_trainer_times_csv(Req *r)
{
    TtFilter f;
    ForumTrainerReport rep;
    if (!tt_filter(r, &f)) {
        if (!f.why) web_not_found(r);
        else web_error(r, 400, "bad_request", f.why);
        return;
    }
    if (forum_trainer_times(r->db, r->arena, r->org->id, f.run_id, f.from, f.to, time_now_us(), &rep) != LN_OK) {
        web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
        return;
    }
    const char *head[] = {"trainer_id", "trainer", "questions_answered", "median_seconds", "p90_seconds",
                          "within_promised_percent", "answered_late"};
    csv_row(&r->out, head, 7);
    for (int i = 0; i < rep.n; i++) {
        const ForumTrainerTimes *x = &rep.items[i];
        const char *v[7] = {arena_printf(r->arena, "%lld", (long long)x->trainer_id), x->name,
                            arena_printf(r->arena, "%d", x->answered), arena_printf(r->arena, "%lld", (long long)x->median_s),
                            arena_printf(r->arena, "%lld", (long long)x->p90_s),
                            arena_printf(r->arena, "%.1f", 100.0 * x->within / x->answered),
                            arena_printf(r->arena, "%d", x->late)};
        csv_row(&r->out, v, 7);
    }
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    req_set_header(r, "Content-Disposition",
                   f.run_id ? arena_printf(r->arena, "attachment; filename=\"response-times-run-%lld.csv\"", (long long)f.run_id)
                            : "attachment; filename=\"response-times.csv\"");
}

/* ROUTE: GET /api/v1/orgs/{org}/assistance/trainers[?run=&from=&to=] (staff) */
void api_forum_trainer_times(Req *r)
{
    TtFilter f;
    ForumTrainerReport rep;
    if (!tt_filter(r, &f)) {
        if (!f.why) api_error(r, 404, "not_found", "no such session (run) in this organisation");
        else api_field_error(r, f.bad, f.why);
        return;
    }
    if (forum_trainer_times(r->db, r->arena, r->org->id, f.run_id, f.from, f.to, time_now_us(), &rep) != LN_OK) {
        api_error(r, 500, "internal", "database error");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < rep.n; i++) {
        const ForumTrainerTimes *x = &rep.items[i];
        json_array_append_new(items, json_pack("{s:I,s:s,s:i,s:I,s:I,s:i,s:f,s:i}", "trainer_id",
                                               (json_int_t)x->trainer_id, "name", x->name, "answered", x->answered,
                                               "median_seconds", (json_int_t)x->median_s, "p90_seconds",
                                               (json_int_t)x->p90_s, "within", x->within, "within_share",
                                               (double)x->within / x->answered, "late", x->late));
    }
    json_t *o = json_pack("{s:i,s:i,s:i,s:o}", "questions", rep.questions, "waiting", rep.waiting, "overdue",
                          rep.overdue, "items", items);
    json_object_set_new(o, "run_id", f.run_id ? json_integer(f.run_id) : json_null());
    json_object_set_new(o, "from", f.from ? json_string(f.from_s) : json_null());
    json_object_set_new(o, "to", f.to ? json_string(f.to_s) : json_null());
    api_json(r, 200, o);
}
