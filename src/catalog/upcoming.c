/* upcoming.c — what is coming for a person across their runs: live
 * sessions to attend or to lead, assignments to submit, reviews to give,
 * quizzes that close, soonest first (the home page's "Coming up" and GET
 * /api/v1/me/upcoming). */
#include "catalog/catalog.h"

#include <stdlib.h>
#include <string.h>

/* Each part: kind, time, what, course, run, unit, session, organisation (id
 * and slug), the session's UTC offset, its end.  A session counts until it
 * ends; an assignment until it is submitted; reviews while one is left to
 * do; a quiz while it has no finished attempt.  "mine CROSS JOIN unit"
 * keeps SQLite reading the person's few runs first and their units by
 * course (left to itself it read every unit and built an index on mine).
 * No ORDER BY: sorted here.  SQLite sorted each part in a temporary b-tree
 * with its own page cache, allocated and freed on every page view (page
 * faults under load: 126 µs a page instead of 42); the rows are few (60
 * days of one person's runs). */
static const char upcoming_sql[] =
    "WITH mine AS (SELECT e.run_id, r.course_id, c.title AS course, c.org_id, o.slug FROM enrolment e"
    "  JOIN course_run r ON r.id = e.run_id JOIN course c ON c.id = r.course_id JOIN org o ON o.id = c.org_id"
    "  WHERE e.user_id = $1 AND e.status = 'active')"
    " SELECT 'session', s.starts_at, s.title, m.course, m.run_id, COALESCE(s.unit_id, 0), s.id, m.org_id, m.slug,"
    "  s.utc_offset_min, s.ends_at"
    " FROM mine m JOIN live_session s ON s.run_id = m.run_id WHERE s.ends_at > $2 AND s.starts_at < $3"
    " UNION ALL"
    " SELECT 'lead', s.starts_at, s.title, c.title, s.run_id, COALESCE(s.unit_id, 0), s.id, c.org_id, o.slug,"
    "  s.utc_offset_min, s.ends_at"
    " FROM session_trainer t JOIN live_session s ON s.id = t.session_id JOIN course_run r ON r.id = s.run_id"
    " JOIN course c ON c.id = r.course_id JOIN org o ON o.id = c.org_id"
    " WHERE t.user_id = $1 AND s.ends_at > $2 AND s.starts_at < $3"
    " UNION ALL"
    " SELECT 'submit', x.submit_by, u.title, m.course, m.run_id, u.id, 0, m.org_id, m.slug, 0, x.submit_by"
    " FROM mine m CROSS JOIN unit u JOIN assignment x ON x.unit_id = u.id"
    " WHERE u.course_id = m.course_id AND u.kind = 'assignment' AND x.submit_by > $2 AND x.submit_by < $3 AND NOT EXISTS (SELECT 1 FROM peer_submission p"
    "   WHERE p.unit_id = u.id AND p.run_id = m.run_id AND p.user_id = $1)"
    " UNION ALL"
    " SELECT 'review', x.review_by, u.title, m.course, m.run_id, u.id, 0, m.org_id, m.slug, 0, x.review_by"
    " FROM mine m CROSS JOIN unit u JOIN assignment x ON x.unit_id = u.id"
    " WHERE u.course_id = m.course_id AND u.kind = 'assignment' AND x.review_by > $2 AND x.review_by < $3 AND EXISTS (SELECT 1 FROM peer_allocation l"
    "   WHERE l.unit_id = u.id AND l.run_id = m.run_id AND l.reviewer_id = $1 AND l.self_review = 0"
    "   AND NOT EXISTS (SELECT 1 FROM peer_review v WHERE v.allocation_id = l.id))"
    " UNION ALL"
    " SELECT 'quiz', q.closes_at, u.title, m.course, m.run_id, u.id, 0, m.org_id, m.slug, 0, q.closes_at"
    " FROM mine m CROSS JOIN unit u JOIN quiz q ON q.unit_id = u.id"
    " WHERE u.course_id = m.course_id AND u.kind = 'quiz' AND q.closes_at > $2 AND q.closes_at < $3 AND NOT EXISTS (SELECT 1 FROM attempt t"
    "   WHERE t.unit_id = u.id AND t.run_id = m.run_id AND t.user_id = $1 AND t.status <> 'in_progress')";

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

static int soonest_first(const void *pa, const void *pb)
{
    const Upcoming *a = pa, *b = pb;
    int c = cmp_i64(a->at, b->at);
    if (!c) c = cmp_i64(a->run_id, b->run_id);
    if (!c) c = cmp_i64(a->unit_id, b->unit_id);
    if (!c) c = cmp_i64(a->session_id, b->session_id);
    if (!c) c = strcmp(a->kind, b->kind);
    return c;
}

int upcoming_list(Db *db, Arena *a, int64_t user_id, UsTime now, int limit, UpcomingList *out)
{
    out->items = NULL;
    out->n = 0;
    /* Nothing to look for (most staff, every signed-in page view of them):
     * two index probes instead of the whole query. */
    int64_t any = 0;
    if (db_query_i64(db, &any, "SELECT EXISTS (SELECT 1 FROM enrolment WHERE user_id = $1 AND status = 'active')"
                               " OR EXISTS (SELECT 1 FROM session_trainer WHERE user_id = $1)", "i", user_id) != DB_ROW)
        return LN_EDB;
    if (!any) return LN_OK;
    DbStmt *st = db_prepare(db, upcoming_sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, user_id);
    db_bind_i64(st, 2, now);
    db_bind_i64(st, 3, now + (int64_t)UPCOMING_DAYS * 86400 * US_PER_SEC);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        out->items[out->n++] = (Upcoming){.kind = db_col_dup(st, 0, a), .at = db_col_i64(st, 1),
                                          .title = db_col_dup(st, 2, a), .course_title = db_col_dup(st, 3, a),
                                          .run_id = db_col_i64(st, 4), .unit_id = db_col_i64(st, 5),
                                          .session_id = db_col_i64(st, 6), .org_id = db_col_i64(st, 7),
                                          .org_slug = db_col_dup(st, 8, a), .utc_offset_min = db_col_i64(st, 9),
                                          .ends_at = db_col_i64(st, 10)};
    }
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;
    if (out->n > 1) qsort(out->items, (size_t)out->n, sizeof *out->items, soonest_first);
    if (out->n > limit) out->n = limit;
    return LN_OK;
}
