/* forum_search.c — full-text search of a run's forum (docs/forum.md): the
 * index of posts (forum_search: FTS5 on SQLite, a tsvector on PostgreSQL)
 * with words folded by the catalog's search_words, the query built by
 * search_query (so accents and case are ignored the same way as in the
 * catalog), and highlighted snippets written through hprintf. */
#include "forum/forum.h"
#include "catalog/search.h"
#include "web/html.h"
#include "web/markdown.h"
#include <string.h>

#define INDEX_MAX (256 * 1024)          /* bytes of words of one post */
#define SNIPPET_BYTES 280
#define TEXT_CHARS 4000                 /* characters of a post's text searched for the snippet */

int forum_search_index(Db *db, int64_t post_id)
{
    bool sqlite = db_kind(db) == DB_SQLITE;
    Arena *a = arena_new();
    DbStmt *st = db_prepare(db, "SELECT p.body, t.title, CASE WHEN p.id = (SELECT MIN(id) FROM forum_post f "
                                "WHERE f.thread_id = p.thread_id) THEN 1 ELSE 0 END, "
                                "CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 END "
                                "FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id WHERE p.id = $1");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, post_id);
    int rc = db_step(st);
    Buf words, text;
    buf_init(&words, INDEX_MAX);
    buf_init(&text, 0);
    bool gone = rc != DB_ROW || db_col_i64(st, 3);
    if (rc == DB_ROW && !gone) {
        if (db_col_i64(st, 2)) search_words(a, &words, db_col_text(st, 1));    /* the opening post carries the title */
        const char *body = db_col_text(st, 0);
        markdown_to_text(&text, body, strlen(body), 0);
        search_words(a, &words, buf_cstr(&text));
    }
    db_done(st);
    rc = rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
    if (rc == LN_OK && db_run(db, sqlite ? "DELETE FROM forum_search WHERE rowid = $1"
                                         : "DELETE FROM forum_search WHERE post_id = $1", "i", post_id) != DB_DONE)
        rc = LN_EDB;
    if (rc == LN_OK && !gone
        && db_run(db, sqlite ? "INSERT INTO forum_search (rowid, words) VALUES ($1, $2)"
                             : "INSERT INTO forum_search (post_id, doc) VALUES ($1, to_tsvector('simple', CAST($2 AS TEXT)))",
                  "it", post_id, buf_cstr(&words)) != DB_DONE)
        rc = LN_EDB;
    buf_free(&words);
    buf_free(&text);
    arena_free(a);
    return rc;
}

int forum_search_backfill(Db *db)
{
    const char *sql = db_kind(db) == DB_SQLITE
        ? "SELECT p.id FROM forum_post p WHERE p.id > $1 AND p.deleted_at IS NULL AND NOT EXISTS "
          "(SELECT 1 FROM forum_search s WHERE s.rowid = p.id) ORDER BY p.id LIMIT 256"
        : "SELECT p.id FROM forum_post p WHERE p.id > $1 AND p.deleted_at IS NULL AND NOT EXISTS "
          "(SELECT 1 FROM forum_search s WHERE s.post_id = p.id) ORDER BY p.id LIMIT 256";
    int64_t ids[256], last = 0;
    int n, total = 0;
    do {
        DbStmt *st = db_prepare(db, sql);
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, last);
        n = 0;
        while (n < 256 && db_step(st) == DB_ROW) ids[n++] = db_col_i64(st, 0);
        db_done(st);
        for (int i = 0; i < n; i++) {
            if (forum_search_index(db, ids[i]) == LN_OK) total++;
            last = ids[i];
        }
    } while (n == 256);
    if (total) log_info("forum: %d post(s) added to the search index", total);
    return total;
}

int forum_search(Db *db, Arena *a, int64_t run_id, const char *q, ForumHitList *out)
{
    memset(out, 0, sizeof *out);
    const char *match = search_query(a, db_kind(db), q);
    if (!match) return LN_OK;
    const char *sql = db_kind(db) == DB_SQLITE
        ? "SELECT p.id, p.thread_id, t.title, p.body, u.name, p.created_at FROM forum_search s "
          "JOIN forum_post p ON p.id = s.rowid JOIN forum_thread t ON t.id = p.thread_id "
          "JOIN app_user u ON u.id = p.author_id WHERE forum_search MATCH $2 AND p.run_id = $1 "
          "AND p.deleted_at IS NULL AND p.hidden_at IS NULL ORDER BY bm25(forum_search), p.id DESC LIMIT 50"
        : "SELECT p.id, p.thread_id, t.title, p.body, u.name, p.created_at FROM forum_search s "
          "JOIN forum_post p ON p.id = s.post_id JOIN forum_thread t ON t.id = p.thread_id "
          "JOIN app_user u ON u.id = p.author_id CROSS JOIN to_tsquery('simple', CAST($2 AS TEXT)) query "
          "WHERE s.doc @@ query AND p.run_id = $1 AND p.deleted_at IS NULL AND p.hidden_at IS NULL "
          "ORDER BY ts_rank(s.doc, query) DESC, p.id DESC LIMIT 50";
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_text(st, 2, match);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof *out->items);
        ForumHit *h = &out->items[out->n++];
        h->post_id = db_col_i64(st, 0);
        h->thread_id = db_col_i64(st, 1);
        h->title = db_col_dup(st, 2, a);
        const char *body = db_col_text(st, 3);
        Buf text;
        buf_init(&text, 0);
        markdown_to_text(&text, body, strlen(body), TEXT_CHARS);
        h->text = arena_strdup(a, buf_cstr(&text));
        buf_free(&text);
        h->author_name = db_col_dup(st, 4, a);
        h->created_at = db_col_i64(st, 5);
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* ---- highlighting ---------------------------------------------------------- */

static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Whether the word s[0..n) (as written) starts with one of the query words
 * (folded, space-separated in `qwords`). */
static bool word_matches(Arena *a, const char *s, size_t n, const char *qwords)
{
    Buf w;
    buf_init(&w, 0);
    search_words(a, &w, arena_strndup(a, s, n));
    bool hit = false;
    const char *word = buf_cstr(&w);
    for (const char *q = qwords; *q && !hit;) {
        const char *e = strchr(q, ' ');
        size_t k = e ? (size_t)(e - q) : strlen(q);
        /* any folded piece of the written word may carry the prefix */
        for (const char *p = word; *p && !hit;) {
            const char *pe = strchr(p, ' ');
            size_t pk = pe ? (size_t)(pe - p) : strlen(p);
            hit = k && pk >= k && memcmp(p, q, k) == 0;
            p = pe ? pe + 1 : p + pk;
        }
        q = e ? e + 1 : q + k;
    }
    buf_free(&w);
    return hit;
}

int forum_highlight(Arena *a, const char *text, const char *q, bool snippet, ForumSpan **spans)
{
    Buf qb;
    buf_init(&qb, 0);
    search_words(a, &qb, q ? q : "");
    const char *qwords = arena_strdup(a, buf_cstr(&qb));
    buf_free(&qb);
    size_t len = strlen(text), from = 0, to = len;
    /* the spans of matching words */
    int n = 0, cap = 0;
    ForumSpan *m = NULL;
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && word_byte((unsigned char)text[j])) j++;
        if (*qwords && word_matches(a, text + i, j - i, qwords)) {
            m = arena_grow(a, m, n, &cap, sizeof *m);
            m[n++] = (ForumSpan){.start = i, .len = j - i, .mark = true};
        }
        i = j;
    }
    if (snippet && len > SNIPPET_BYTES) {
        /* a window around the first match, cut on character boundaries */
        from = n && m[0].start > SNIPPET_BYTES / 4 ? m[0].start - SNIPPET_BYTES / 4 : 0;
        /* (at most 3 bytes back or on: a character is 4 bytes at most) */
        for (int k = 0; k < 3 && from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80; k++) from--;
        to = from + SNIPPET_BYTES < len ? from + SNIPPET_BYTES : len;
        for (int k = 0; k < 3 && to < len && ((unsigned char)text[to] & 0xC0) == 0x80; k++) to++;
    }
    /* plain and marked segments covering [from, to) */
    int k = 0, kcap = 0;
    ForumSpan *out = NULL;
    size_t at = from;
    for (int i = 0; i <= n; i++) {
        size_t s = i < n ? m[i].start : to, e = i < n ? m[i].start + m[i].len : to;
        if (e <= from) continue;
        if (s > to) s = to;
        if (e > to) e = to;
        if (s < at) s = at;
        if (s > at) {
            out = arena_grow(a, out, k, &kcap, sizeof *out);
            out[k++] = (ForumSpan){.text = arena_strndup(a, text + at, s - at), .start = at, .len = s - at};
        }
        if (i < n && e > s) {
            out = arena_grow(a, out, k, &kcap, sizeof *out);
            out[k++] = (ForumSpan){.text = arena_strndup(a, text + s, e - s), .start = s, .len = e - s, .mark = true};
        }
        at = e > at ? e : at;
        if (at >= to) break;
    }
    if (snippet && (from > 0 || to < len)) {
        /* ellipses, as plain segments */
        ForumSpan *w = arena_alloc(a, (size_t)(k + 2) * sizeof *w);
        int x = 0;
        if (from > 0) w[x++] = (ForumSpan){.text = "…"};
        for (int i = 0; i < k; i++) w[x++] = out[i];
        if (to < len) w[x++] = (ForumSpan){.text = "…"};
        out = w;
        k = x;
    }
    *spans = out;
    return k;
}

void forum_spans_html(Req *r, const ForumSpan *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i].mark) hprintf(r, "<mark>%s</mark>", s[i].text);
        else hprintf(r, "%s", s[i].text);
}
