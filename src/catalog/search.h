/* search.h — the text side of the catalog's full-text search: how course
 * text and what a person typed become words, and the engine query built
 * from those words.  No database access here (course_search_index and
 * catalog_search, in catalog.h, use these).
 *
 * Both sides go through search_words(), so the index and the query always
 * agree on what a word is, on both backends: folded with str_fold
 * (lower-case, Latin accents removed), plus Latin Extended-A letters to
 * their base letter ("Łódź" → "lodz") and Greek and Cyrillic capitals to
 * small letters; combining accents dropped; words split at spaces,
 * punctuation, symbols and bytes that are not UTF-8 ("SAFE-101" → "safe
 * 101", "l'équipe" → "l equipe").
 */
#ifndef LECTERN_SEARCH_H
#define LECTERN_SEARCH_H

#include "db/db.h"

#define SEARCH_WORD_MAX 64          /* bytes kept of a word (cut on a character) */
#define SEARCH_QUERY_WORDS 16       /* words of a query that count */

/* Appends the words of `s` (NUL-terminated, any bytes) to `out`, each
 * preceded by one space when `out` is not empty.  A word that does not fit
 * under `out`'s ceiling is left out with the rest. */
void search_words(Arena *a, Buf *out, const char *s);

/* The engine query for `q` as a person typed it: its first
 * SEARCH_QUERY_WORDS words, all required, each a prefix, except that a
 * word of one character before the last must be a whole word ("l'équipe",
 * "C++ course").  Every word is quoted, so nothing in `q` is ever query
 * syntax.
 *   DB_SQLITE   (FTS5 MATCH)  "l" "equipe"* "secu"*
 *   DB_POSTGRES (to_tsquery)  'l' & 'equipe':* & 'secu':*
 * NULL when `q` holds no word (NULL, empty, only punctuation). */
char *search_query(Arena *a, DbKind kind, const char *q);

#endif
