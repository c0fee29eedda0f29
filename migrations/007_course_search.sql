-- 007 course search: a full-text index of the catalog, one row per course
-- (its code, title, summary, then an "outline" of objectives, section and
-- unit titles, then the text of its units), ranked by relevance.
--
-- The application writes the rows (catalog/search.c:
-- course_search_index) with text already folded by str_fold (lower-case,
-- Latin accents removed) and cut into words, so accents and case are
-- ignored the same way on both backends and no database extension is
-- needed.  Courses older than this migration are indexed at start-up
-- (course_search_backfill).  Filters and visibility stay on `course`.

-- @sqlite
-- FTS5, rowid = course.id.  The tokenizer also folds what str_fold leaves.
-- Prefix indexes for 2 and 3 characters keep short prefix queries fast.
CREATE VIRTUAL TABLE course_search USING fts5(
    code, title, summary, outline, body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- @postgres
-- A tsvector of the `simple` configuration (no stemming, no stop words),
-- weighted A (code, title), B (summary), C (outline), D (unit text).
CREATE TABLE course_search (
    course_id BIGINT PRIMARY KEY REFERENCES course(id) ON DELETE CASCADE,
    doc TSVECTOR NOT NULL
);
CREATE INDEX course_search_doc ON course_search USING GIN (doc);
