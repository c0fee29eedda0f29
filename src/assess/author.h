/* author.h — authoring a quiz's questions one by one (the web UI and the
 * JSON API), besides GIFT import.  Rules and SQL in author.c, pages in
 * author_page.c, API in quiz_api.c.
 *
 * Rows of quiz_item stay immutable: an edit retires the row and inserts the
 * new version at the same position, a removal retires the row, as a GIFT
 * import does; attempts keep the rows they showed.  Only `position`, the
 * order of the current questions, changes in place (an attempt stores its
 * own order).
 */
#ifndef LECTERN_AUTHOR_H
#define LECTERN_AUTHOR_H

#include "assess/quiz.h"

/* What an item must hold to be graded sensibly, beyond the shape
 * item_from_json checks: a text, enough choices for its type, a right
 * answer, numbers in order.  NULL when fine, else the field in error
 * ("text", "points", "choices", "ngaps") and *msg, an English msgid. */
const char *item_check(const Item *it, const char **msg);

/* Append `it` (checked by the caller) to the quiz; *id the new row.
 * Creates the settings row when there is none.  LN_ELIMIT past
 * QUIZ_MAX_ITEMS. */
int quiz_item_add(Db *db, int64_t org_id, int64_t unit_id, const Item *it, UsTime now, int64_t *id);
/* Replace current item `qid` of the quiz by `it` at its position: the row is
 * retired, a new one inserted (*new_id).  LN_NOTFOUND when `qid` is not a
 * current item of this quiz. */
int quiz_item_edit(Db *db, int64_t org_id, int64_t unit_id, int64_t qid, const Item *it, UsTime now,
                   int64_t *new_id);
/* Retire current item `qid`; LN_NOTFOUND as above. */
int quiz_item_remove(Db *db, int64_t unit_id, int64_t qid, UsTime now);
/* Put the current items in the order of `ids`, which must name each of them
 * exactly once (LN_EINVAL otherwise). */
int quiz_item_order(Db *db, int64_t unit_id, const int64_t *ids, int n);
/* Move current item `qid` by `delta` places (clamped); LN_NOTFOUND. */
int quiz_item_move(Db *db, int64_t unit_id, int64_t qid, int delta);

#endif
