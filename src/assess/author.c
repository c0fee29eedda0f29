/* author.c — the rules of authoring questions one by one: what an item must
 * hold (item_check) and the SQL that adds, edits (retire + insert), removes
 * (retire) and orders a quiz's current items.  See author.h. */
#include "assess/author.h"

#include <string.h>

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return false;
    return true;
}

static const char *bad(const char **msg, const char *m, const char *field)
{
    *msg = m;
    return field;
}

/* Choices with a text, each; at least `min`; a positive weight when `right`. */
static const char *choices_check(const Item *it, int min, bool right, const char **msg)
{
    if (it->nchoices < min)
        return bad(msg, min > 1 ? "Give at least two answers." : "Give at least one answer.", "choices");
    int best = -1000;
    for (int i = 0; i < it->nchoices; i++) {
        if (it->type != ITEM_NUMERIC && blank(it->choices[i].text)) return bad(msg, "An answer has no text.", "choices");
        if (it->choices[i].weight > best) best = it->choices[i].weight;
    }
    if (right && best <= 0) return bad(msg, "At least one answer must earn credit (a weight above 0 %).", "choices");
    return NULL;
}

static const char *numeric_check(const Choice *c, const char **msg)
{
    if (c->num_is_range && c->num_min > c->num_max) return bad(msg, "A range's minimum is above its maximum.", "choices");
    if (!c->num_is_range && c->num_tolerance < 0) return bad(msg, "A tolerance cannot be negative.", "choices");
    return NULL;
}

static const char *cloze_check(const Item *it, const char **msg)
{
    if (it->ngaps < 1) return bad(msg, "A fill-in-the-blanks question needs at least one blank.", "ngaps");
    for (int g = 0; g < it->ngaps; g++) {
        int n = 0, best = -1000;
        ItemType t = 0;
        for (int i = 0; i < it->nchoices; i++) {
            const Choice *c = &it->choices[i];
            if (c->gap != g) continue;
            ItemType ct = c->gap_type ? c->gap_type : ITEM_SHORT;
            if (n++ == 0) t = ct;
            else if (ct != t) return bad(msg, "The answers of one blank must all be of the same kind.", "choices");
            if (ct != ITEM_NUMERIC && blank(c->text)) return bad(msg, "An answer has no text.", "choices");
            if (ct == ITEM_NUMERIC && numeric_check(c, msg)) return "choices";
            if (c->weight > best) best = c->weight;
        }
        if (n == 0) return bad(msg, "Every blank needs at least one answer.", "choices");
        if (best <= 0) return bad(msg, "At least one answer must earn credit (a weight above 0 %).", "choices");
    }
    return NULL;
}

const char *item_check(const Item *it, const char **msg)
{
    if (blank(it->text)) return bad(msg, "The question needs a text.", "text");
    if (it->points < 0 || it->points > 1000000) return bad(msg, "Points must be between 0 and 1000.", "points");
    switch (it->type) {
    case ITEM_SINGLE: {
        const char *f = choices_check(it, 2, false, msg);
        if (f) return f;
        for (int i = 0; i < it->nchoices; i++)
            if (it->choices[i].weight == 1000) return NULL;
        return bad(msg, "One answer must be fully right (100 %).", "choices");
    }
    case ITEM_MULTIPLE: return choices_check(it, 2, true, msg);
    case ITEM_TRUEFALSE:
        if (it->nchoices != 2 || !str_eq(it->choices[0].text, "true") || !str_eq(it->choices[1].text, "false")
            || (it->choices[0].weight == 1000) == (it->choices[1].weight == 1000))
            return bad(msg, "Say whether the statement is true or false.", "choices");
        return NULL;
    case ITEM_NUMERIC: {
        const char *f = choices_check(it, 1, true, msg);
        for (int i = 0; !f && i < it->nchoices; i++) f = numeric_check(&it->choices[i], msg);
        return f;
    }
    case ITEM_SHORT: return choices_check(it, 1, true, msg);
    case ITEM_MATCHING: {
        int pairs = 0;
        for (int i = 0; i < it->nchoices; i++) {
            if (blank(it->choices[i].match)) return bad(msg, "Every pair needs a right side.", "choices");
            if (!blank(it->choices[i].text)) pairs++;
        }
        return pairs < 2 ? bad(msg, "A matching question needs at least two pairs.", "choices") : NULL;
    }
    case ITEM_ORDERING: return choices_check(it, 2, false, msg);
    case ITEM_CLOZE: return cloze_check(it, msg);
    case ITEM_ESSAY: case ITEM_DESCRIPTION:
        if (it->nchoices) return bad(msg, "This kind of question takes no answers.", "choices");
        if (it->type == ITEM_DESCRIPTION && it->points)
            return bad(msg, "A text-only item carries no points.", "points");
        return NULL;
    }
    return bad(msg, "Unknown kind of question.", "type");
}

/* ---- SQL ------------------------------------------------------------------- */

static int insert_item(Db *db, int64_t org_id, int64_t unit_id, int64_t position, const Item *it, UsTime now,
                       int64_t *id)
{
    Arena *a = arena_new();
    int rc = db_query_i64(db, id, "INSERT INTO quiz_item (unit_id, org_id, position, item, created_at)"
                                  " VALUES ($1, $2, $3, $4, $5) RETURNING id", "iiiti", unit_id, org_id, position,
                          item_to_text(a, it), now);
    arena_free(a);
    return rc == DB_ROW ? LN_OK : LN_EDB;
}

static int finish(Db *db, int rc)
{
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}

static int touch(Db *db, int64_t unit_id, UsTime now)
{
    return db_run(db, "UPDATE quiz SET updated_at = $1 WHERE unit_id = $2", "ii", now, unit_id) == DB_DONE ? LN_OK
                                                                                                          : LN_EDB;
}

int quiz_item_add(Db *db, int64_t org_id, int64_t unit_id, const Item *it, UsTime now, int64_t *id)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t n = 0, last = 0;
    int rc = db_run(db, "INSERT INTO quiz (unit_id, org_id, updated_at) VALUES ($1, $2, $3)"
                        " ON CONFLICT (unit_id) DO NOTHING", "iii", unit_id, org_id, now) == DB_DONE ? LN_OK : LN_EDB;
    if (rc == LN_OK && (db_query_i64(db, &n, "SELECT count(*) FROM quiz_item WHERE unit_id = $1 AND retired_at IS NULL",
                                     "i", unit_id) != DB_ROW
                        || db_query_i64(db, &last, "SELECT COALESCE(max(position), 0) FROM quiz_item"
                                                   " WHERE unit_id = $1 AND retired_at IS NULL", "i", unit_id) != DB_ROW))
        rc = LN_EDB;
    if (rc == LN_OK && n >= QUIZ_MAX_ITEMS) rc = LN_ELIMIT;
    if (rc == LN_OK) rc = insert_item(db, org_id, unit_id, last + 1, it, now, id);
    if (rc == LN_OK) rc = touch(db, unit_id, now);
    return finish(db, rc);
}

/* The position of current item `qid` of the quiz; LN_NOTFOUND. */
static int position_of(Db *db, int64_t unit_id, int64_t qid, int64_t *pos)
{
    int rc = db_query_i64(db, pos, "SELECT position FROM quiz_item WHERE id = $1 AND unit_id = $2 AND retired_at IS NULL",
                          "ii", qid, unit_id);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

static int retire(Db *db, int64_t unit_id, int64_t qid, UsTime now)
{
    return db_change(db, "UPDATE quiz_item SET retired_at = $1 WHERE id = $2 AND unit_id = $3 AND retired_at IS NULL",
                     "iii", now, qid, unit_id);
}

int quiz_item_edit(Db *db, int64_t org_id, int64_t unit_id, int64_t qid, const Item *it, UsTime now, int64_t *new_id)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t pos = 0;
    int rc = position_of(db, unit_id, qid, &pos);
    if (rc == LN_OK) rc = retire(db, unit_id, qid, now);
    if (rc == LN_OK) rc = insert_item(db, org_id, unit_id, pos, it, now, new_id);
    if (rc == LN_OK) rc = touch(db, unit_id, now);
    return finish(db, rc);
}

int quiz_item_remove(Db *db, int64_t unit_id, int64_t qid, UsTime now)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = retire(db, unit_id, qid, now);
    if (rc == LN_OK) rc = touch(db, unit_id, now);
    return finish(db, rc);
}

/* The ids of the current items in order, into an arena array. */
static int current_ids(Db *db, Arena *a, int64_t unit_id, int64_t **ids, int *n)
{
    QuizItems qi;
    int rc = quiz_items_load(db, a, unit_id, &qi);
    *n = qi.n;
    *ids = arena_alloc(a, sizeof(int64_t) * (size_t)(qi.n + 1));
    for (int i = 0; i < qi.n; i++) (*ids)[i] = qi.items[i].id;
    return rc;
}

static int set_positions(Db *db, int64_t unit_id, const int64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (db_run(db, "UPDATE quiz_item SET position = $1 WHERE id = $2 AND unit_id = $3 AND retired_at IS NULL",
                   "iii", (int64_t)i + 1, ids[i], unit_id) != DB_DONE)
            return LN_EDB;
    return LN_OK;
}

int quiz_item_order(Db *db, int64_t unit_id, const int64_t *ids, int n)
{
    Arena *a = arena_new();
    if (db_begin(db) != DB_DONE) {
        arena_free(a);
        return LN_EDB;
    }
    int64_t *cur;
    int ncur;
    int rc = current_ids(db, a, unit_id, &cur, &ncur);
    if (rc == LN_OK && ncur != n) rc = LN_EINVAL;
    for (int i = 0; rc == LN_OK && i < n; i++) {
        int seen = 0;
        for (int k = 0; k < n; k++) seen += ids[k] == ids[i];
        bool known = false;
        for (int k = 0; k < ncur; k++) known |= cur[k] == ids[i];
        if (seen != 1 || !known) rc = LN_EINVAL;
    }
    if (rc == LN_OK) rc = set_positions(db, unit_id, ids, n);
    arena_free(a);
    return finish(db, rc);
}

int quiz_item_move(Db *db, int64_t unit_id, int64_t qid, int delta)
{
    Arena *a = arena_new();
    if (db_begin(db) != DB_DONE) {
        arena_free(a);
        return LN_EDB;
    }
    int64_t *ids;
    int n, at = -1;
    int rc = current_ids(db, a, unit_id, &ids, &n);
    for (int i = 0; i < n; i++)
        if (ids[i] == qid) at = i;
    if (rc == LN_OK && at < 0) rc = LN_NOTFOUND;
    if (rc == LN_OK) {
        int to = at + delta < 0 ? 0 : at + delta >= n ? n - 1 : at + delta;
        for (; at < to; at++) ids[at] = ids[at + 1];
        for (; at > to; at--) ids[at] = ids[at - 1];
        ids[to] = qid;
        rc = set_positions(db, unit_id, ids, n);
    }
    arena_free(a);
    return finish(db, rc);
}
