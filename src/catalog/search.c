/* search.c — the catalog's full-text index: words (search.h) and keeping
 * the index in step with courses (course_search_index, catalog.h).  The
 * query side is catalog_search in catalog.c. */
#include "catalog/search.h"
#include "catalog/catalog.h"
#include "web/markdown.h"

#include <string.h>

#define SEARCH_OUTLINE_MAX (128 * 1024)     /* bytes of words: objectives, section and unit titles */
#define SEARCH_BODY_MAX (256 * 1024)        /* bytes of words: the units' text */
#define SEARCH_UNIT_CHARS 8000              /* characters of one unit's text */

/* ---- words ------------------------------------------------------------- */

/* Latin Extended-A (U+0100..U+017F) to base letters; '1' is "ij", '2' "oe". */
static const char latin_ext_a[129] =
    "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "ii11jjkkklllllll"
    "lllnnnnnnnnnoooo" "oo22rrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

/* Decode one UTF-8 character at `p` (NUL-terminated); 0 and *len 1 for a
 * byte that does not start a valid, shortest-form character. */
static uint32_t utf8_next(const unsigned char *p, size_t *len)
{
    uint32_t c;
    size_t n = p[0] ? utf8_decode((const char *)p, strnlen((const char *)p, 4), &c) : 0;
    *len = n ? n : 1;
    return n ? c : 0;
}

enum { CH_SEP, CH_DROP, CH_WORD };

/* What a character is to a word: a separator (spaces, punctuation,
 * symbols, controls), dropped (combining accents, soft hyphen, variation
 * selectors) or part of it (letters, digits, and other scripts). */
static int char_class(uint32_t c)
{
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? CH_WORD : CH_SEP;
    if (c == 0xAD || (c >= 0x300 && c <= 0x36F) || (c >= 0xFE00 && c <= 0xFE0F)) return CH_DROP;
    if (c <= 0xBF) return c == 0xAA || c == 0xB5 || c == 0xBA ? CH_WORD : CH_SEP;
    static const uint32_t sep[][2] = {
        {0xD7, 0xD7}, {0xF7, 0xF7}, {0x2B0, 0x2FF}, {0x2000, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3000, 0x303F},
        {0xFE10, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF00, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40},
        {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x1FAFF}, {0xE0000, 0xE007F},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(sep); i++)
        if (c >= sep[i][0] && c <= sep[i][1]) return CH_SEP;
    return CH_WORD;
}

/* Appends character `c`, folded, to the word `w` (length *n); the first
 * character that would pass SEARCH_WORD_MAX bytes ends it (*full). */
static void word_put(char *w, size_t *n, bool *full, uint32_t c)
{
    char u[4];
    size_t k;
    if (c >= 0x100 && c <= 0x17F) {
        char base = latin_ext_a[c - 0x100];
        k = base == '1' || base == '2' ? 2 : 1;
        memcpy(u, base == '1' ? "ij" : base == '2' ? "oe" : &base, k);
    } else {
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        else if ((c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F)) c += 0x20;
        else if (c >= 0x400 && c <= 0x40F) c += 0x50;
        if (c < 0x80) u[0] = (char)c, k = 1;
        else if (c < 0x800) u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F)), k = 2;
        else if (c < 0x10000)
            u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)), u[2] = (char)(0x80 | (c & 0x3F)), k = 3;
        else
            u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
            u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F)), k = 4;
    }
    if (*full || *n + k > SEARCH_WORD_MAX) {
        *full = true;
        return;
    }
    memcpy(w + *n, u, k);
    *n += k;
}

/* The next word of the folded text at *p into `w` (NUL-terminated, at most
 * SEARCH_WORD_MAX bytes); its length, 0 at the end. */
static size_t next_word(const unsigned char **p, char w[SEARCH_WORD_MAX + 1])
{
    size_t n = 0, len;
    bool full = false;
    while (**p) {
        uint32_t c = utf8_next(*p, &len);
        int cl = c ? char_class(c) : CH_SEP;     /* 0: a byte that is not UTF-8 */
        *p += len;
        if (cl == CH_WORD) word_put(w, &n, &full, c);
        else if (cl == CH_SEP && n) break;
    }
    w[n] = 0;
    return n;
}

void search_words(Arena *a, Buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)str_fold(a, s);
    char w[SEARCH_WORD_MAX + 2];
    size_t n;
    while ((n = next_word(&p, w + 1))) {
        bool first = out->len == 0;
        w[0] = ' ';
        if (!buf_append(out, first ? w + 1 : w, first ? n : n + 1)) return;
    }
}

char *search_query(Arena *a, DbKind kind, const char *q)
{
    const unsigned char *p = (const unsigned char *)str_fold(a, q);
    char w[SEARCH_QUERY_WORDS][SEARCH_WORD_MAX + 1];
    int n = 0;
    while (n < SEARCH_QUERY_WORDS && next_word(&p, w[n])) n++;
    if (!n) return NULL;
    Buf b;
    buf_init(&b, 0);
    for (int i = 0; i < n; i++) {
        /* A one-character word before the last is a whole word ("l'équipe",
         * "C++ course"): as a prefix it would match almost every course,
         * slowly.  The last word is a prefix: it may be still being typed. */
        bool prefix = i == n - 1 || utf8_len(w[i]) > 1;
        /* Words hold no ASCII punctuation; the quoting is belt and braces. */
        if (kind == DB_SQLITE) {
            buf_puts(&b, i ? " \"" : "\"");
            for (const char *c = w[i]; *c; c++) {
                if (*c == '"') buf_putc(&b, '"');
                buf_putc(&b, *c);
            }
            buf_puts(&b, prefix ? "\"*" : "\"");
        } else {
            buf_puts(&b, i ? " & '" : "'");
            for (const char *c = w[i]; *c; c++) {
                if (*c == '\'' || *c == '\\') buf_putc(&b, *c);
                buf_putc(&b, *c);
            }
            buf_puts(&b, prefix ? "':*" : "'");
        }
    }
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* ---- the index ----------------------------------------------------------- */

enum { F_CODE, F_TITLE, F_SUMMARY, F_OUTLINE, F_BODY, F_COUNT };

/* Read the course's text into the fields; LN_NOTFOUND when no such course. */
static int course_text(Db *db, Arena *a, int64_t course_id, Buf f[F_COUNT])
{
    DbStmt *st = db_prepare(db, "SELECT code, title, summary, objectives FROM course WHERE id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        for (int i = 0; i < 4; i++) search_words(a, &f[i], db_col_text(st, i));
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;

    st = db_prepare(db, "SELECT title FROM section WHERE course_id = $1 ORDER BY position, id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    while ((rc = db_step(st)) == DB_ROW) search_words(a, &f[F_OUTLINE], db_col_text(st, 0));
    db_done(st);
    if (rc != DB_DONE) return LN_EDB;

    st = db_prepare(db, "SELECT u.title, u.body FROM unit u JOIN section s ON s.id = u.section_id"
                        " WHERE u.course_id = $1 ORDER BY s.position, s.id, u.position, u.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, course_id);
    Buf text;
    buf_init(&text, 0);
    while ((rc = db_step(st)) == DB_ROW) {
        search_words(a, &f[F_OUTLINE], db_col_text(st, 0));
        if (f[F_BODY].over) continue;
        const char *body = db_col_text(st, 1);
        buf_reset(&text);
        markdown_to_text(&text, body, strlen(body), SEARCH_UNIT_CHARS);
        search_words(a, &f[F_BODY], buf_cstr(&text));
    }
    buf_free(&text);
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int course_search_index(Db *db, int64_t course_id)
{
    bool sqlite = db_kind(db) == DB_SQLITE;
    Arena *a = arena_new();
    Buf f[F_COUNT];
    for (int i = 0; i < F_COUNT; i++)
        buf_init(&f[i], i == F_BODY ? SEARCH_BODY_MAX : i == F_OUTLINE ? SEARCH_OUTLINE_MAX : 0);
    int rc = course_text(db, a, course_id, f);
    if (rc == LN_NOTFOUND) {
        if (db_run(db, sqlite ? "DELETE FROM course_search WHERE rowid = $1" : "DELETE FROM course_search WHERE course_id = $1",
                   "i", course_id) != DB_DONE)
            rc = LN_EDB;
    } else if (rc == LN_OK) {
        /* One statement, so it needs no transaction of its own and may run
         * inside the caller's. */
        const char *sql = sqlite
            ? "INSERT OR REPLACE INTO course_search (rowid, code, title, summary, outline, body)"
              " VALUES ($1, $2, $3, $4, $5, $6)"
            : "INSERT INTO course_search (course_id, doc) VALUES ($1,"
              " setweight(to_tsvector('simple', CAST($2 AS TEXT)), 'A') || setweight(to_tsvector('simple', CAST($3 AS TEXT)), 'A')"
              " || setweight(to_tsvector('simple', CAST($4 AS TEXT)), 'B') || setweight(to_tsvector('simple', CAST($5 AS TEXT)), 'C')"
              " || setweight(to_tsvector('simple', CAST($6 AS TEXT)), 'D'))"
              " ON CONFLICT (course_id) DO UPDATE SET doc = excluded.doc";
        if (db_run(db, sql, "ittttt", course_id,
                   buf_cstr(&f[F_CODE]), buf_cstr(&f[F_TITLE]), buf_cstr(&f[F_SUMMARY]), buf_cstr(&f[F_OUTLINE]),
                   buf_cstr(&f[F_BODY])) != DB_DONE)
            rc = LN_EDB;
    }
    if (rc == LN_EDB) log_error("course %lld: search index not updated: %s", (long long)course_id, db_errmsg(db));
    for (int i = 0; i < F_COUNT; i++) buf_free(&f[i]);
    arena_free(a);
    return rc;
}

int course_search_backfill(Db *db)
{
    const char *sql = db_kind(db) == DB_SQLITE
        ? "SELECT c.id FROM course c WHERE c.id > $1 AND NOT EXISTS"
          " (SELECT 1 FROM course_search s WHERE s.rowid = c.id) ORDER BY c.id LIMIT 256"
        : "SELECT c.id FROM course c WHERE c.id > $1 AND NOT EXISTS"
          " (SELECT 1 FROM course_search s WHERE s.course_id = c.id) ORDER BY c.id LIMIT 256";
    int64_t ids[256], last = 0;
    int n, total = 0;
    do {
        DbStmt *st = db_prepare(db, sql);
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, last);
        for (n = 0; n < 256 && db_step(st) == DB_ROW; n++) ids[n] = db_col_i64(st, 0);
        db_done(st);
        if (!n) break;
        last = ids[n - 1];
        /* A batch per transaction: one commit, not one per course. */
        if (db_begin(db) != DB_DONE) return LN_EDB;
        for (int i = 0; i < n; i++) total += course_search_index(db, ids[i]) == LN_OK;
        if (db_commit(db) != DB_DONE) {
            db_rollback(db);
            return LN_EDB;
        }
    } while (n == 256);
    if (total) log_info("search index: %d course(s) indexed", total);
    return total;
}
