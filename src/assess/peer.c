/* peer.c — peer assessment: the rules and their SQL (peer.h).
 *
 * Decisions (docs/assessments.md has them for people):
 *  - A submission is final once inserted; submitting again (before the
 *    deadline, or late when the setting accepts it) adds a version.  The
 *    last version is the one reviewed.  Each version is an evidence entry
 *    "assessment.submission" (with the SHA-256 of its text and of its
 *    files) in the transaction that inserts it.
 *  - Allocation is by learner (reviewer → author), done once for everybody
 *    who submitted when the submission deadline passes (lazily, on the
 *    first look at the assignment afterwards) or when a trainer asks;
 *    newcomers afterwards (late submissions) are added one by one to the
 *    least-loaded.  The allocation itself is the pure peer_allocate: a
 *    seeded circular shift, so nobody reviews themselves and every load is
 *    the same.  Running it again adds nothing (UNIQUE rows, ON CONFLICT DO
 *    NOTHING).
 *  - A review is final once inserted (one per allocation); its score is
 *    its points over the rubric's maximum.  Self-assessments never count
 *    in the grade.
 *  - The grade (median of the peers' scores by default, or mean) is
 *    recorded once per learner when the review deadline passes or when a
 *    trainer asks (ledger "assessment.grade"); penalties for lateness and
 *    for reviewing nothing, or withholding, as the settings say.  A
 *    trainer's override is a new row pointing at the one it replaces and a
 *    ledger correction ("assessment.override") of its entry.
 */
#include "assess/peer.h"
#include "evidence/ledger.h"
#include "mail/mail.h"
#include "web/i18n.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *const LATE[] = {"accept", "refuse", "penalty", NULL};
static const char *const NO_REVIEW[] = {"none", "withhold", "penalty", NULL};
static const char *const METHODS[] = {"median", "mean", NULL};

/* ======================================================================
 * The pure part
 * ==================================================================== */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void peer_permute(int n, uint64_t seed, int *out)
{
    uint64_t s = seed;
    for (int i = 0; i < n; i++) out[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(splitmix64(&s) % (uint64_t)(i + 1));
        int t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
}

int peer_allocate(int n, int k, uint64_t seed, PeerPair *out)
{
    if (n < 2 || k < 1) return 0;
    int kk = k < n - 1 ? k : n - 1;
    int *p = malloc(sizeof(int) * (size_t)n);
    if (!p) return 0;
    peer_permute(n, seed, p);
    int m = 0;
    for (int i = 0; i < n; i++)
        for (int d = 1; d <= kk; d++) out[m++] = (PeerPair){.reviewer = p[(i + d) % n], .author = p[i]};
    free(p);
    return m;
}

int peer_pick_least(const int *count, int n, int exclude, int k, uint64_t seed, int *out)
{
    if (n <= 0 || k <= 0) return 0;
    int *p = malloc(sizeof(int) * (size_t)n);
    if (!p) return 0;
    peer_permute(n, seed, p);
    /* stable insertion sort of the seeded order by count: ties keep the seeded order */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && count[p[j - 1]] > count[p[j]]; j--) {
            int t = p[j];
            p[j] = p[j - 1];
            p[j - 1] = t;
        }
    int m = 0;
    for (int i = 0; i < n && m < k; i++)
        if (p[i] != exclude) out[m++] = p[i];
    free(p);
    return m;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* a / b to the nearest, halves down (as grade.c); b > 0, a ≥ 0 */
static int64_t div_round(int64_t a, int64_t b)
{
    return (2 * a + b - 1) / (2 * b);
}

int64_t peer_aggregate(const int64_t *scores, int n, const char *method)
{
    if (n <= 0) return -1;
    int64_t sum = 0;
    for (int i = 0; i < n; i++) sum += scores[i];
    if (str_eq(method, "mean")) return div_round(sum, n);
    int64_t *s = malloc(sizeof(int64_t) * (size_t)n);
    if (!s) return -1;
    memcpy(s, scores, sizeof(int64_t) * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, cmp_i64);
    int64_t m = n % 2 ? s[n / 2] : div_round(s[n / 2 - 1] + s[n / 2], 2);
    free(s);
    return m;
}

/* ======================================================================
 * The rubric
 * ==================================================================== */

static const char *text_member(const json_t *o, const char *key, size_t max, bool required, bool *bad)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) *bad = true;
        return "";
    }
    const char *s = json_string_value(v);
    if (!s || json_string_length(v) > max || !utf8_valid(s, json_string_length(v))
        || (required && !*s) || strlen(s) != json_string_length(v))
        *bad = true;
    return s ? s : "";
}

int peer_rubric_from_json(Arena *a, const json_t *j, PeerRubric *out, const char **err)
{
    memset(out, 0, sizeof *out);
    const json_t *cs = json_is_object(j) ? json_object_get(j, "criteria") : j;
    if (!json_is_array(cs)) {
        *err = "the rubric must be {\"criteria\": [...]}";
        return LN_EINVAL;
    }
    size_t n = json_array_size(cs);
    if (n > PEER_MAX_CRITERIA) {
        *err = "a rubric has at most 20 criteria";
        return LN_EINVAL;
    }
    out->criteria = arena_alloc(a, sizeof(PeerCriterion) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(cs, i);
        PeerCriterion *pc = &out->criteria[i];
        bool bad = !json_is_object(c);
        pc->title = arena_strdup(a, bad ? "" : text_member(c, "title", 200, true, &bad));
        pc->description = arena_strdup(a, bad ? "" : text_member(c, "description", 2000, false, &bad));
        if (bad) {
            *err = arena_printf(a, "criterion %d needs a title (at most 200 bytes) and at most 2000 bytes of"
                                   " description", (int)i + 1);
            return LN_EINVAL;
        }
        const json_t *ls = json_object_get(c, "levels");
        size_t nl = json_array_size(ls);
        if (!json_is_array(ls) || nl < 2 || nl > PEER_MAX_LEVELS) {
            *err = arena_printf(a, "criterion %d needs 2 to 10 levels", (int)i + 1);
            return LN_EINVAL;
        }
        pc->levels = arena_alloc(a, sizeof(PeerLevel) * nl);
        for (size_t k = 0; k < nl; k++) {
            const json_t *l = json_array_get(ls, k), *pts = json_object_get(l, "points");
            bool lbad = !json_is_object(l);
            const char *t = lbad ? "" : text_member(l, "title", 200, true, &lbad);
            if (lbad || !json_is_integer(pts) || json_integer_value(pts) < 0
                || json_integer_value(pts) > PEER_MAX_POINTS) {
                *err = arena_printf(a, "criterion %d, level %d needs a title and whole points from 0 to 1000",
                                    (int)i + 1, (int)k + 1);
                return LN_EINVAL;
            }
            pc->levels[k] = (PeerLevel){arena_strdup(a, t), (int64_t)json_integer_value(pts)};
        }
        pc->nlevels = (int)nl;
        if (peer_rubric_max(&(PeerRubric){pc, 1}) == 0) {
            *err = arena_printf(a, "criterion %d: some level must give points", (int)i + 1);
            return LN_EINVAL;
        }
    }
    out->n = (int)n;
    return LN_OK;
}

json_t *peer_rubric_to_json(const PeerRubric *r)
{
    json_t *cs = json_array();
    for (int i = 0; i < r->n; i++) {
        const PeerCriterion *c = &r->criteria[i];
        json_t *ls = json_array();
        for (int k = 0; k < c->nlevels; k++)
            json_array_append_new(ls, json_pack("{s:s, s:I}", "title", c->levels[k].title, "points",
                                                (json_int_t)c->levels[k].points));
        json_array_append_new(cs, json_pack("{s:s, s:s, s:o}", "title", c->title, "description",
                                            c->description ? c->description : "", "levels", ls));
    }
    return json_pack("{s:o}", "criteria", cs);
}

int64_t peer_rubric_max(const PeerRubric *r)
{
    int64_t sum = 0;
    for (int i = 0; i < r->n; i++) {
        int64_t best = 0;
        for (int k = 0; k < r->criteria[i].nlevels; k++)
            if (r->criteria[i].levels[k].points > best) best = r->criteria[i].levels[k].points;
        sum += best;
    }
    return sum;
}

/* ======================================================================
 * Settings
 * ==================================================================== */

void peer_settings_default(PeerSettings *s)
{
    memset(s, 0, sizeof *s);
    s->instructions = "";
    s->reviewers = 3;
    s->late_policy = "refuse";
    s->no_review_policy = "none";
    s->grade_method = "median";
}

const char *peer_settings_check(const PeerSettings *s, const char **msg)
{
    if (!s->instructions || strlen(s->instructions) > UNIT_BODY_MAX
        || !utf8_valid(s->instructions, strlen(s->instructions))) {
        *msg = "The instructions are too long.";
        return "instructions";
    }
    if (s->reviewers < 1 || s->reviewers > PEER_MAX_REVIEWERS) {
        *msg = "Reviewers per submission must be between 1 and 10.";
        return "reviewers";
    }
    if (s->submit_by < 0 || s->review_by < 0 || (s->submit_by && s->review_by && s->review_by <= s->submit_by)) {
        *msg = "The review deadline must come after the submission deadline.";
        return "review_by";
    }
    if (!str_one_of(s->late_policy, LATE)) {
        *msg = "Choose what happens to late submissions.";
        return "late_policy";
    }
    if (s->late_penalty < 0 || s->late_penalty > 1000) {
        *msg = "A penalty must be between 0 and 100 %.";
        return "late_penalty";
    }
    if (!str_one_of(s->no_review_policy, NO_REVIEW)) {
        *msg = "Choose what happens to learners who review nothing.";
        return "no_review_policy";
    }
    if (s->no_review_penalty < 0 || s->no_review_penalty > 1000) {
        *msg = "A penalty must be between 0 and 100 %.";
        return "no_review_penalty";
    }
    if (!str_one_of(s->grade_method, METHODS)) {
        *msg = "Choose the grade: median or mean of the reviews.";
        return "grade_method";
    }
    return NULL;
}

int peer_settings_get(Db *db, Arena *a, int64_t unit_id, PeerSettings *out)
{
    peer_settings_default(out);
    out->unit_id = unit_id;
    DbStmt *st = db_prepare(db, "SELECT org_id, instructions, rubric, submit_by, review_by, reviewers, self_assessment,"
                                " late_policy, late_penalty, no_review_policy, no_review_penalty, grade_method, updated_at"
                                " FROM assignment WHERE unit_id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    int rc = db_step(st), out_rc = rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
    if (rc == DB_ROW) {
        out->org_id = db_col_i64(st, 0);
        out->instructions = db_col_dup(st, 1, a);
        json_t *j = json_loads(db_col_text(st, 2), 0, NULL);
        const char *err;
        if (peer_rubric_from_json(a, j, &out->rubric, &err) != LN_OK) {
            log_error("assignment %lld: stored rubric does not read back: %s", (long long)unit_id, err);
            out_rc = LN_EDB;
        }
        json_decref(j);
        out->submit_by = db_col_i64(st, 3);
        out->review_by = db_col_i64(st, 4);
        out->reviewers = db_col_i64(st, 5);
        out->self_assessment = db_col_i64(st, 6) != 0;
        out->late_policy = str_one_of(db_col_text(st, 7), LATE);
        out->late_penalty = db_col_i64(st, 8);
        out->no_review_policy = str_one_of(db_col_text(st, 9), NO_REVIEW);
        out->no_review_penalty = db_col_i64(st, 10);
        out->grade_method = str_one_of(db_col_text(st, 11), METHODS);
        out->updated_at = db_col_i64(st, 12);
        if (!out->instructions) out->instructions = "";
        if (!out->late_policy) out->late_policy = "refuse";
        if (!out->no_review_policy) out->no_review_policy = "none";
        if (!out->grade_method) out->grade_method = "median";
    }
    db_done(st);
    return out_rc;
}

int peer_settings_write(Db *db, int64_t org_id, const PeerSettings *s, UsTime now)
{
    const char *msg;
    if (peer_settings_check(s, &msg)) return LN_EINVAL;
    json_t *rj = peer_rubric_to_json(&s->rubric);
    char *rubric = json_dumps(rj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(rj);
    if (!rubric) return LN_EDB;
    int rc = LN_OK;
    /* Reviews name levels of the rubric: it stays as it is once one exists. */
    int64_t reviews = 0;
    char *old = NULL;
    if (rc == LN_OK) {
        DbStmt *st = db_prepare(db, "SELECT rubric FROM assignment WHERE unit_id = $1");
        if (!st) rc = LN_EDB;
        else {
            db_bind_i64(st, 1, s->unit_id);
            if (db_step(st) == DB_ROW) {
                json_t *oj = json_loads(db_col_text(st, 0), 0, NULL);
                old = oj ? json_dumps(oj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
                json_decref(oj);
            }
            db_done(st);
        }
    }
    if (rc == LN_OK && old && !str_eq(old, rubric)) {
        if (db_query_i64(db, &reviews, "SELECT count(*) FROM peer_review v JOIN peer_allocation l"
                                       " ON l.id = v.allocation_id WHERE l.unit_id = $1", "i", s->unit_id) != DB_ROW)
            rc = LN_EDB;
        else if (reviews) rc = LN_EEXIST;
    }
    if (rc == LN_OK) {
        DbStmt *st = db_prepare(db,
            "INSERT INTO assignment (unit_id, org_id, instructions, rubric, submit_by, review_by, reviewers, self_assessment,"
            " late_policy, late_penalty, no_review_policy, no_review_penalty, grade_method, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            " ON CONFLICT (unit_id) DO UPDATE SET instructions = excluded.instructions, rubric = excluded.rubric,"
            " submit_by = excluded.submit_by, review_by = excluded.review_by, reviewers = excluded.reviewers,"
            " self_assessment = excluded.self_assessment, late_policy = excluded.late_policy,"
            " late_penalty = excluded.late_penalty, no_review_policy = excluded.no_review_policy,"
            " no_review_penalty = excluded.no_review_penalty, grade_method = excluded.grade_method,"
            " updated_at = excluded.updated_at");
        if (!st) rc = LN_EDB;
        else {
            db_bind_i64(st, 1, s->unit_id);
            db_bind_i64(st, 2, org_id);
            db_bind_text(st, 3, s->instructions);
            db_bind_text(st, 4, rubric);
            db_bind_time(st, 5, s->submit_by);
            db_bind_time(st, 6, s->review_by);
            db_bind_i64(st, 7, s->reviewers);
            db_bind_i64(st, 8, s->self_assessment);
            db_bind_text(st, 9, s->late_policy);
            db_bind_i64(st, 10, s->late_penalty);
            db_bind_text(st, 11, s->no_review_policy);
            db_bind_i64(st, 12, s->no_review_penalty);
            db_bind_text(st, 13, s->grade_method);
            db_bind_i64(st, 14, now);
            if (db_step(st) != DB_DONE) rc = LN_EDB;
            db_done(st);
        }
    }
    free(old);
    free(rubric);
    return rc;
}

int peer_settings_set(Db *db, int64_t org_id, const PeerSettings *s, UsTime now)
{
    const char *msg;
    if (peer_settings_check(s, &msg)) return LN_EINVAL;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int rc = peer_settings_write(db, org_id, s, now);
    rc = db_end(db, rc);
    return rc;
}

/* ======================================================================
 * Submissions
 * ==================================================================== */

const char *peer_refusal_message(PeerRefusal p)
{
    switch (p) {
    case PEER_CLOSED: return "Submissions are closed for this assignment.";
    case PEER_EMPTY: return "Write your text or attach a file.";
    case PEER_NOT_ALLOCATED: return "This is not a review you were given.";
    case PEER_REVIEW_CLOSED: return "The review deadline has passed.";
    case PEER_ALREADY_REVIEWED: return "This review is submitted: it cannot be changed.";
    case PEER_NO_RUBRIC: return "This assignment has no rubric yet.";
    case PEER_ALREADY_FLAGGED: return "You have already flagged this review.";
    default: return "";
    }
}

const char *peer_refusal_code(PeerRefusal p)
{
    switch (p) {
    case PEER_CLOSED: return "closed";
    case PEER_EMPTY: return "empty";
    case PEER_NOT_ALLOCATED: return "not_allocated";
    case PEER_REVIEW_CLOSED: return "review_closed";
    case PEER_ALREADY_REVIEWED: return "already_reviewed";
    case PEER_NO_RUBRIC: return "no_rubric";
    case PEER_ALREADY_FLAGGED: return "already_flagged";
    default: return "ok";
    }
}

static char *sha256_of(Arena *a, const char *s)
{
    char *hex = arena_alloc(a, 65);
    sha256_hex(s, hex);
    return hex;
}

static char *subject_of(Arena *a, const RunRef *run, int64_t unit_id, int64_t user_id)
{
    return arena_printf(a, "run:%lld unit:%lld user:%lld", (long long)run->id, (long long)unit_id,
                        (long long)user_id);
}

static int submission_files(Db *db, Arena *a, int64_t org_id, PeerSubmission *s)
{
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM peer_submission_file WHERE submission_id = $1", "i", s->id)
        != DB_ROW)
        return LN_EDB;
    s->files = arena_alloc(a, sizeof(PeerFile) * (size_t)(n ? n : 1));
    s->nfiles = 0;
    DbStmt *st = db_prepare(db, "SELECT media_id FROM peer_submission_file WHERE submission_id = $1 ORDER BY position");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, s->id);
    while (s->nfiles < n && db_step(st) == DB_ROW) s->files[s->nfiles++].media_id = db_col_i64(st, 0);
    db_done(st);
    for (int i = 0; i < s->nfiles; i++)
        if (media_load(db, a, org_id, s->files[i].media_id, &s->files[i].media) != LN_OK) return LN_EDB;
    return LN_OK;
}

#define SUB_COLS "id, unit_id, run_id, user_id, version, body, late, submitted_at, org_id"

static void submission_read(DbStmt *st, Arena *a, PeerSubmission *s, int64_t *org_id)
{
    memset(s, 0, sizeof *s);
    s->id = db_col_i64(st, 0);
    s->unit_id = db_col_i64(st, 1);
    s->run_id = db_col_i64(st, 2);
    s->user_id = db_col_i64(st, 3);
    s->version = db_col_i64(st, 4);
    s->body = db_col_dup(st, 5, a);
    s->late = db_col_i64(st, 6) != 0;
    s->submitted_at = db_col_i64(st, 7);
    *org_id = db_col_i64(st, 8);
}

int peer_submission_versions(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, PeerSubmission **out,
                             int *n)
{
    *n = 0;
    int64_t count = 0;
    if (db_query_i64(db, &count, "SELECT count(*) FROM peer_submission WHERE unit_id = $1 AND run_id = $2"
                                 " AND user_id = $3", "iii", unit_id, run_id, user_id) != DB_ROW)
        return LN_EDB;
    *out = arena_alloc(a, sizeof(PeerSubmission) * (size_t)(count ? count : 1));
    DbStmt *st = db_prepare(db, "SELECT " SUB_COLS " FROM peer_submission WHERE unit_id = $1 AND run_id = $2"
                                " AND user_id = $3 ORDER BY version");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, user_id);
    int64_t org_id = 0;
    while (*n < count && db_step(st) == DB_ROW) submission_read(st, a, &(*out)[(*n)++], &org_id);
    db_done(st);
    for (int i = 0; i < *n; i++)
        if (submission_files(db, a, org_id, &(*out)[i]) != LN_OK) return LN_EDB;
    return LN_OK;
}

int peer_file_for(Db *db, int64_t unit_id, int64_t run_id, int64_t sid, int64_t position, int64_t reader, bool staff,
                  int64_t *media_id)
{
    int64_t author = 0, n = 0;
    if (db_query_i64(db, &author, "SELECT user_id FROM peer_submission WHERE id = $1 AND unit_id = $2 AND run_id = $3",
                     "iii", sid, unit_id, run_id) != DB_ROW
        || db_query_i64(db, media_id, "SELECT media_id FROM peer_submission_file WHERE submission_id = $1"
                                      " AND position = $2", "ii", sid, position) != DB_ROW)
        return LN_NOTFOUND;
    if (staff || author == reader) return LN_OK;
    if (db_query_i64(db, &n, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                             " AND reviewer_id = $3 AND author_id = $4", "iiii", unit_id, run_id, reader, author) != DB_ROW)
        return LN_EDB;
    return n > 0 ? LN_OK : LN_NOTFOUND;
}

int peer_submission_last(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, PeerSubmission *out)
{
    DbStmt *st = db_prepare(db, "SELECT " SUB_COLS " FROM peer_submission WHERE unit_id = $1 AND run_id = $2"
                                " AND user_id = $3 ORDER BY version DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, user_id);
    int rc = db_step(st);
    int64_t org_id = 0;
    if (rc == DB_ROW) submission_read(st, a, out, &org_id);
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    return submission_files(db, a, org_id, out);
}

/* One submission's transaction: the version, its files, the ledger entry,
 * the unit's completion.  LN_EEXIST when another took the same version. */
static int submit_tx(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, int64_t user_id, const char *body,
                     const int64_t *media_ids, int nfiles, json_t *files, bool late, UsTime now)
{
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t version = 0, id = 0;
    int rc = db_query_i64(db, &version, "SELECT COALESCE(MAX(version), 0) + 1 FROM peer_submission WHERE unit_id = $1"
                                        " AND run_id = $2 AND user_id = $3", "iii", ps->unit_id, run->id, user_id)
             == DB_ROW ? LN_OK : LN_EDB;
    if (rc == LN_OK) {
        int s = db_query_i64(db, &id, "INSERT INTO peer_submission (unit_id, run_id, user_id, org_id, version, body,"
                                      " late, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                             "iiiiitii", ps->unit_id, run->id, user_id, run->org_id, version, body, (int64_t)late, now);
        rc = s == DB_ROW ? LN_OK : s == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
    }
    for (int i = 0; rc == LN_OK && i < nfiles; i++)
        if (db_run(db, "INSERT INTO peer_submission_file (submission_id, position, media_id, org_id)"
                       " VALUES ($1, $2, $3, $4)", "iiii", id, (int64_t)i + 1, media_ids[i], run->org_id) != DB_DONE)
            rc = LN_EDB;
    Unit u = {.id = ps->unit_id};
    if (rc == LN_OK) rc = progress_open(db, run, &u, user_id, now);
    if (rc == LN_OK) {
        json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:s, s:O}", "submission_id", (json_int_t)id,
                              "version", (json_int_t)version, "course_id", (json_int_t)run->course_id, "run_id",
                              (json_int_t)run->id, "unit_id", (json_int_t)ps->unit_id, "user_id",
                              (json_int_t)user_id, "late", late, "submitted_at", (json_int_t)now, "text_sha256",
                              sha256_of(a, body), "files", files);
        rc = p ? ledger_append(db, run->org_id, "assessment.submission", subject_of(a, run, ps->unit_id, user_id), p,
                               now, NULL)
               : LN_EINVAL;
        json_decref(p);
    }
    bool course_done;      /* submitting completes the unit, in the same commit */
    if (rc == LN_OK) rc = progress_complete_tx(db, run, &u, user_id, now, &course_done);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc == LN_OK || rc == LN_EINVAL ? LN_EDB : rc;
    }
    return LN_OK;
}

int peer_submit(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, int64_t user_id, const char *body,
                const int64_t *media_ids, int nfiles, UsTime now, PeerSubmission *out, PeerRefusal *why)
{
    *why = PEER_OK;
    body = body ? body : "";
    if (strlen(body) > PEER_TEXT_MAX || !utf8_valid(body, strlen(body)) || nfiles > PEER_MAX_FILES) return LN_EINVAL;
    bool late = ps->submit_by && now > ps->submit_by;
    if ((ps->review_by && now > ps->review_by) || (late && str_eq(ps->late_policy, "refuse"))) {
        *why = PEER_CLOSED;
        return LN_EPERM;
    }
    bool blank = true;
    for (const char *p = body; *p && blank; p++) blank = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
    if (blank && nfiles == 0) {
        *why = PEER_EMPTY;
        return LN_EPERM;
    }
    json_t *files = json_array();
    for (int i = 0; i < nfiles; i++) {
        Media m;
        if (media_load(db, a, run->org_id, media_ids[i], &m) != LN_OK) {
            json_decref(files);
            return LN_EINVAL;
        }
        json_array_append_new(files, json_pack("{s:I, s:s, s:I}", "media_id", (json_int_t)m.id, "sha256", m.sha256,
                                               "size", (json_int_t)m.size));
    }
    /* Two submissions of one learner at once both pick the next version; the
       loser's insert meets the unique version and is tried again. */
    int rc = LN_EEXIST;
    for (int tries = 0; rc == LN_EEXIST && tries < 3; tries++)
        rc = submit_tx(db, a, run, ps, user_id, body, media_ids, nfiles, files, late, now);
    json_decref(files);
    if (rc != LN_OK) return rc;
    if (out) return peer_submission_last(db, a, ps->unit_id, run->id, user_id, out);
    return LN_OK;
}

/* ======================================================================
 * Allocation
 * ==================================================================== */

typedef struct Ids { int64_t *v; int n, cap; } Ids;

static void ids_push(Arena *a, Ids *s, int64_t v)
{
    s->v = arena_grow(a, s->v, s->n, &s->cap, sizeof(int64_t));
    s->v[s->n++] = v;
}

static int ids_find(const Ids *s, int64_t v)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == v) return i;
    return -1;
}

static int ids_query(Db *db, Arena *a, Ids *out, const char *sql, int64_t x, int64_t y)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, sql);
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, x);
    db_bind_i64(st, 2, y);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) ids_push(a, out, db_col_i64(st, 0));
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

static int pair_insert(Db *db, const RunRef *run, int64_t unit_id, int64_t reviewer, int64_t author, bool self,
                       uint64_t seed, UsTime now, int *added)
{
    DbStmt *st = db_prepare(db, "INSERT INTO peer_allocation (unit_id, run_id, org_id, reviewer_id, author_id, self_review,"
                                " seed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                                " ON CONFLICT (unit_id, run_id, reviewer_id, author_id) DO NOTHING");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run->id);
    db_bind_i64(st, 3, run->org_id);
    db_bind_i64(st, 4, reviewer);
    db_bind_i64(st, 5, author);
    db_bind_i64(st, 6, self);
    db_bind_i64(st, 7, (int64_t)(seed & INT64_MAX));
    db_bind_i64(st, 8, now);
    int rc = db_step(st);
    bool made = rc == DB_DONE && db_changes(st) > 0;
    if (made && added) (*added)++;
    db_done(st);
    return rc != DB_DONE ? LN_EDB : made ? LN_OK : LN_EEXIST;
}

/* Inside the caller's transaction: tell `user_id` by e-mail (the tick sends it). */
static int notice_insert(Db *db, const RunRef *run, int64_t unit_id, int64_t user_id, const char *kind, int64_t reviews,
                         UsTime now)
{
    return db_run(db, "INSERT INTO peer_notice (unit_id, run_id, user_id, org_id, kind, reviews, created_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7)", "iiiitii", unit_id, run->id, user_id, run->org_id, kind,
                  reviews, now) == DB_DONE ? LN_OK : LN_EDB;
}

/* The reviewers given new reviews by one allocation, and how many each. */
typedef struct Given { Ids who; int *n; int cap; } Given;

static int pair_given(Db *db, Arena *a, const RunRef *run, int64_t unit_id, int64_t reviewer, int64_t author, bool self,
                      uint64_t seed, UsTime now, int *added, Given *g)
{
    int rc = pair_insert(db, run, unit_id, reviewer, author, self, seed, now, added);
    if (rc == LN_EEXIST) return LN_OK;          /* there already */
    if (rc != LN_OK) return rc;
    int k = ids_find(&g->who, reviewer);
    if (k < 0) {
        ids_push(a, &g->who, reviewer);
        k = g->who.n - 1;
        g->n = arena_grow(a, g->n, k, &g->cap, sizeof *g->n);
        g->n[k] = 0;
    }
    g->n[k]++;
    return LN_OK;
}

/* Inside a transaction: serialise the allocations and overrides of one
 * assignment by writing its row (a row lock on PostgreSQL; SQLite's writer
 * lock already does), so two first allocations cannot both run. */
static int lock_assignment(Db *db, const RunRef *run, int64_t unit_id, UsTime now)
{
    return db_run(db, "INSERT INTO assignment (unit_id, org_id, updated_at) VALUES ($1, $2, $3)"
                      " ON CONFLICT (unit_id) DO UPDATE SET updated_at = assignment.updated_at", "iii", unit_id,
                  run->org_id, now) == DB_DONE ? LN_OK : LN_EDB;
}

/* Inside the transaction: allocate the newcomers. */
static int allocate_in_tx(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, uint64_t seed, UsTime now,
                          int *added)
{
    Given g = {0};
    Ids authors, in;
    int64_t u = ps->unit_id;
    if (lock_assignment(db, run, u, now) != LN_OK) return LN_EDB;
    if (ids_query(db, a, &authors, "SELECT DISTINCT user_id FROM peer_submission WHERE unit_id = $1 AND run_id = $2"
                                   " ORDER BY user_id", u, run->id) != LN_OK
        || ids_query(db, a, &in, "SELECT author_id FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                 " AND self_review = 0 UNION SELECT reviewer_id FROM peer_allocation"
                                 " WHERE unit_id = $1 AND run_id = $2 AND self_review = 0 ORDER BY 1", u, run->id)
                  != LN_OK)
        return LN_EDB;
    int k = (int)ps->reviewers;
    int rc = LN_OK;
    if (in.n == 0 && authors.n >= 2) {
        /* the first allocation: everybody at once */
        PeerPair *pairs = arena_alloc(a, sizeof(PeerPair) * (size_t)authors.n * (size_t)k);
        int m = peer_allocate(authors.n, k, seed, pairs);
        for (int i = 0; rc == LN_OK && i < m; i++)
            rc = pair_given(db, a, run, u, authors.v[pairs[i].reviewer], authors.v[pairs[i].author], false, seed, now,
                            added, &g);
    } else if (in.n > 0) {
        /* newcomers, one by one, to the least loaded both ways */
        int *load = arena_alloc(a, sizeof(int) * (size_t)(authors.n + in.n));
        int *recv = arena_alloc(a, sizeof(int) * (size_t)(authors.n + in.n));
        for (int i = 0; i < in.n; i++) {
            int64_t n1 = 0, n2 = 0;
            if (db_query_i64(db, &n1, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                      " AND reviewer_id = $3 AND self_review = 0", "iii", u, run->id, in.v[i]) != DB_ROW
                || db_query_i64(db, &n2, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                         " AND author_id = $3 AND self_review = 0", "iii", u, run->id, in.v[i]) != DB_ROW)
                return LN_EDB;
            load[i] = (int)n1;
            recv[i] = (int)n2;
        }
        int *pick = arena_alloc(a, sizeof(int) * (size_t)(k + 1));
        for (int i = 0; rc == LN_OK && i < authors.n; i++) {
            int64_t who = authors.v[i];
            if (ids_find(&in, who) >= 0) continue;
            uint64_t s = seed ^ (uint64_t)who;
            int got = peer_pick_least(load, in.n, -1, k, s, pick);     /* who reviews the newcomer */
            for (int j = 0; rc == LN_OK && j < got; j++) {
                rc = pair_given(db, a, run, u, in.v[pick[j]], who, false, seed, now, added, &g);
                load[pick[j]]++;
            }
            int gives = peer_pick_least(recv, in.n, -1, k, s + 1, pick);     /* whom the newcomer reviews */
            for (int j = 0; rc == LN_OK && j < gives; j++) {
                rc = pair_given(db, a, run, u, who, in.v[pick[j]], false, seed, now, added, &g);
                recv[pick[j]]++;
            }
            ids_push(a, &in, who);
            load[in.n - 1] = gives;
            recv[in.n - 1] = got;
        }
    }
    for (int i = 0; rc == LN_OK && ps->self_assessment && i < authors.n; i++)
        rc = pair_given(db, a, run, u, authors.v[i], authors.v[i], true, seed, now, added, &g);
    for (int i = 0; rc == LN_OK && i < g.who.n; i++) rc = notice_insert(db, run, u, g.who.v[i], "reviews", g.n[i], now);
    return rc;
}

int peer_allocate_run(Db *db, const RunRef *run, const PeerSettings *ps, uint64_t seed, UsTime now, int *added)
{
    if (added) *added = 0;
    if (!seed) randombytes_buf(&seed, sizeof seed);
    Arena *a = arena_new();
    int rc = db_begin(db) == DB_DONE ? LN_OK : LN_EDB;
    if (rc == LN_OK) rc = allocate_in_tx(db, a, run, ps, seed, now, added);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (added) *added = 0;
        if (rc == LN_OK) rc = LN_EDB;
    }
    arena_free(a);
    return rc;
}

int peer_due(Db *db, const RunRef *run, const PeerSettings *ps, UsTime now)
{
    int rc = LN_OK;
    if (ps->submit_by && now > ps->submit_by) {
        /* anybody with a submission and no reviewers yet (cheap when none) */
        int64_t waiting = 0;
        if (db_query_i64(db, &waiting,
                         "SELECT count(DISTINCT s.user_id) FROM peer_submission s WHERE s.unit_id = $1 AND s.run_id = $2"
                         " AND NOT EXISTS (SELECT 1 FROM peer_allocation l WHERE l.unit_id = s.unit_id"
                         " AND l.run_id = s.run_id AND l.self_review = 0"
                         " AND (l.author_id = s.user_id OR l.reviewer_id = s.user_id))", "ii", ps->unit_id, run->id)
            != DB_ROW)
            return LN_EDB;
        if (waiting) rc = peer_allocate_run(db, run, ps, 0, now, NULL);
    }
    if (rc == LN_OK && ps->review_by && now > ps->review_by) {
        int64_t ungraded = 0;
        if (db_query_i64(db, &ungraded,
                         "SELECT count(DISTINCT s.user_id) FROM peer_submission s WHERE s.unit_id = $1 AND s.run_id = $2"
                         " AND NOT EXISTS (SELECT 1 FROM peer_grade g WHERE g.unit_id = s.unit_id AND g.run_id = s.run_id"
                         " AND g.user_id = s.user_id)", "ii", ps->unit_id, run->id) != DB_ROW)
            return LN_EDB;
        if (ungraded) rc = peer_finalise(db, run, ps, now, NULL);
    }
    return rc;
}

/* ======================================================================
 * Reviews
 * ==================================================================== */

int peer_tasks(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t reviewer_id, PeerTask **out, int *n)
{
    *n = 0;
    int64_t count = 0;
    if (db_query_i64(db, &count, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                 " AND reviewer_id = $3", "iii", unit_id, run_id, reviewer_id) != DB_ROW)
        return LN_EDB;
    *out = arena_alloc(a, sizeof(PeerTask) * (size_t)(count ? count : 1));
    DbStmt *st = db_prepare(db, "SELECT l.id, l.author_id, l.self_review, COALESCE(v.id, 0) FROM peer_allocation l"
                                " LEFT JOIN peer_review v ON v.allocation_id = l.id"
                                " WHERE l.unit_id = $1 AND l.run_id = $2 AND l.reviewer_id = $3"
                                " ORDER BY l.self_review DESC, l.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, reviewer_id);
    while (*n < count && db_step(st) == DB_ROW) {
        PeerTask *t = &(*out)[(*n)++];
        t->allocation_id = db_col_i64(st, 0);
        t->author_id = db_col_i64(st, 1);
        t->self_review = db_col_i64(st, 2) != 0;
        t->review_id = db_col_i64(st, 3);
    }
    db_done(st);
    return LN_OK;
}

int peer_task_load(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t reviewer_id, int64_t id, PeerTask *out)
{
    PeerTask *all;
    int n;
    int rc = peer_tasks(db, a, unit_id, run_id, reviewer_id, &all, &n);
    if (rc != LN_OK) return rc;
    for (int i = 0; i < n; i++)
        if (all[i].allocation_id == id) {
            *out = all[i];
            return LN_OK;
        }
    return LN_NOTFOUND;
}

int peer_reviews_of(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t author_id, PeerReview **out, int *n)
{
    *n = 0;
    int64_t count = 0;
    /* author_id 0: every allocation of the run, done or not (staff) */
    if (db_query_i64(db, &count, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                 " AND (author_id = $3 OR $3 = 0)", "iii", unit_id, run_id, author_id) != DB_ROW)
        return LN_EDB;
    *out = arena_alloc(a, sizeof(PeerReview) * (size_t)(count ? count : 1));
    DbStmt *st = db_prepare(db, "SELECT l.id, l.reviewer_id, l.author_id, l.self_review, v.id, v.submission_id, v.levels,"
                                " v.points, v.points_max, v.score, v.comment, v.created_at, f.reason"
                                " FROM peer_allocation l LEFT JOIN peer_review v ON v.allocation_id = l.id"
                                " LEFT JOIN peer_flag f ON f.review_id = v.id"
                                " WHERE l.unit_id = $1 AND l.run_id = $2 AND (l.author_id = $3 OR $3 = 0)"
                                " ORDER BY l.author_id, l.self_review, l.id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, author_id);
    while (*n < count && db_step(st) == DB_ROW) {
        PeerReview *v = &(*out)[(*n)++];
        memset(v, 0, sizeof *v);
        v->allocation_id = db_col_i64(st, 0);
        v->reviewer_id = db_col_i64(st, 1);
        v->author_id = db_col_i64(st, 2);
        v->self_review = db_col_i64(st, 3) != 0;
        v->id = db_col_i64(st, 4);
        v->submission_id = db_col_i64(st, 5);
        json_t *lv = json_loads(db_col_text(st, 6), 0, NULL);
        v->nlevels = (int)json_array_size(lv);
        v->levels = arena_alloc(a, sizeof(int) * (size_t)(v->nlevels + 1));
        for (int i = 0; i < v->nlevels; i++) v->levels[i] = (int)json_integer_value(json_array_get(lv, (size_t)i));
        json_decref(lv);
        v->points = db_col_i64(st, 7);
        v->points_max = db_col_i64(st, 8);
        v->score = db_col_is_null(st, 9) ? -1 : db_col_i64(st, 9);
        v->comment = db_col_dup(st, 10, a);
        v->created_at = db_col_i64(st, 11);
        v->flag_reason = db_col_dup(st, 12, a);
        v->flagged = v->flag_reason != NULL;
    }
    db_done(st);
    return LN_OK;
}

int peer_review_submit(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, const PeerTask *task,
                       int64_t reviewer_id, const int *levels, int nlevels, const char *comment, UsTime now,
                       int64_t *review_id, PeerRefusal *why, const char **err)
{
    *why = PEER_OK;
    if (task->review_id) {
        *why = PEER_ALREADY_REVIEWED;
        return LN_EPERM;
    }
    if (ps->review_by && now > ps->review_by) {
        *why = PEER_REVIEW_CLOSED;
        return LN_EPERM;
    }
    if (ps->rubric.n == 0) {
        *why = PEER_NO_RUBRIC;
        return LN_EPERM;
    }
    comment = comment ? comment : "";
    if (strlen(comment) > PEER_COMMENT_MAX || !utf8_valid(comment, strlen(comment))) {
        *err = "the comment must be UTF-8 text of at most 10000 bytes";
        return LN_EINVAL;
    }
    if (nlevels != ps->rubric.n) {
        *err = arena_printf(a, "pick one level for each of the %d criteria", ps->rubric.n);
        return LN_EINVAL;
    }
    int64_t points = 0, max = peer_rubric_max(&ps->rubric);
    json_t *lv = json_array();
    for (int i = 0; i < nlevels; i++) {
        if (levels[i] < 0 || levels[i] >= ps->rubric.criteria[i].nlevels) {
            json_decref(lv);
            *err = arena_printf(a, "criterion %d: pick one of its %d levels", i + 1, ps->rubric.criteria[i].nlevels);
            return LN_EINVAL;
        }
        points += ps->rubric.criteria[i].levels[levels[i]].points;
        json_array_append_new(lv, json_integer(levels[i]));
    }
    int64_t score = max ? div_round(points * 1000, max) : 0;
    char *lt = json_dumps(lv, JSON_COMPACT);
    json_decref(lv);
    PeerSubmission sub;
    int rc = peer_submission_last(db, a, ps->unit_id, run->id, task->author_id, &sub);
    if (rc != LN_OK || db_begin(db) != DB_DONE) {
        free(lt);
        return rc == LN_OK ? LN_EDB : rc;
    }
    int64_t id = 0;
    int s = db_query_i64(db, &id, "INSERT INTO peer_review (allocation_id, submission_id, org_id, levels, points,"
                                  " points_max, score, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                                  " RETURNING id", "iiitiiiti", task->allocation_id, sub.id, run->org_id, lt, points,
                         max, score, comment, now);
    free(lt);
    rc = s == DB_ROW ? LN_OK : s == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
    if (rc == LN_OK) {
        json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:s}", "review_id",
                              (json_int_t)id, "allocation_id", (json_int_t)task->allocation_id, "submission_id",
                              (json_int_t)sub.id, "course_id", (json_int_t)run->course_id, "run_id", (json_int_t)run->id,
                              "unit_id", (json_int_t)ps->unit_id, "reviewer_id", (json_int_t)reviewer_id, "author_id",
                              (json_int_t)task->author_id, "self", task->self_review, "score", (json_int_t)score,
                              "points", (json_int_t)points, "points_max", (json_int_t)max, "comment_sha256",
                              sha256_of(a, comment));
        rc = ledger_append(db, run->org_id, "assessment.review", subject_of(a, run, ps->unit_id, task->author_id), p,
                           now, NULL);
        json_decref(p);
    }
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_EEXIST) {
            *why = PEER_ALREADY_REVIEWED;
            return LN_EPERM;
        }
        return LN_EDB;
    }
    if (review_id) *review_id = id;
    return LN_OK;
}

int peer_flag(Db *db, int64_t unit_id, int64_t run_id, int64_t author_id, int64_t review_id, const char *reason,
              UsTime now, PeerRefusal *why)
{
    *why = PEER_OK;
    if (str_empty(reason) || strlen(reason) > PEER_REASON_MAX || !utf8_valid(reason, strlen(reason)))
        return LN_EINVAL;
    int64_t org = 0;
    int rc = db_query_i64(db, &org, "SELECT v.org_id FROM peer_review v JOIN peer_allocation l ON l.id = v.allocation_id"
                                    " WHERE v.id = $1 AND l.unit_id = $2 AND l.run_id = $3 AND l.author_id = $4"
                                    " AND l.self_review = 0", "iiii", review_id, unit_id, run_id, author_id);
    if (rc == DB_DONE) return LN_NOTFOUND;
    if (rc != DB_ROW) return LN_EDB;
    rc = db_run(db, "INSERT INTO peer_flag (review_id, org_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)",
                "iiiti", review_id, org, author_id, reason, now);
    if (rc == DB_CONSTRAINT) {
        *why = PEER_ALREADY_FLAGGED;
        return LN_EPERM;
    }
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

/* ======================================================================
 * Grades
 * ==================================================================== */

int peer_grade_compute(Db *db, Arena *a, const RunRef *run, const PeerSettings *ps, int64_t user_id, PeerGrade *out)
{
    memset(out, 0, sizeof *out);
    out->user_id = user_id;
    out->kind = "grade";
    PeerReview *rv;
    int n;
    int rc = peer_reviews_of(db, a, ps->unit_id, run->id, user_id, &rv, &n);
    if (rc != LN_OK) return rc;
    int64_t *scores = arena_alloc(a, sizeof(int64_t) * (size_t)(n + 1));
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!rv[i].self_review && rv[i].id) scores[m++] = rv[i].score;
    out->reviews = m;
    out->score = peer_aggregate(scores, m, ps->grade_method);
    out->status = m ? "graded" : "no_reviews";
    if (!m) return LN_OK;
    PeerSubmission sub;
    if ((rc = peer_submission_last(db, a, ps->unit_id, run->id, user_id, &sub)) != LN_OK) return rc;
    if (sub.late && str_eq(ps->late_policy, "penalty")) out->score -= ps->late_penalty;
    int64_t to_do = 0, done = 0;
    if (db_query_i64(db, &to_do, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                 " AND reviewer_id = $3 AND self_review = 0", "iii", ps->unit_id, run->id, user_id)
            != DB_ROW
        || db_query_i64(db, &done, "SELECT count(*) FROM peer_allocation l JOIN peer_review v ON v.allocation_id = l.id"
                                   " WHERE l.unit_id = $1 AND l.run_id = $2 AND l.reviewer_id = $3 AND l.self_review = 0",
                        "iii", ps->unit_id, run->id, user_id) != DB_ROW)
        return LN_EDB;
    if (to_do > 0 && done == 0) {
        if (str_eq(ps->no_review_policy, "withhold")) out->status = "withheld";
        else if (str_eq(ps->no_review_policy, "penalty")) out->score -= ps->no_review_penalty;
    }
    if (out->score < 0) out->score = 0;
    return LN_OK;
}

#define GRADE_COLS "id, user_id, kind, status, score, reviews, overrides, reason, by_user, ledger_seq, created_at"

int peer_grade_current(Db *db, Arena *a, int64_t unit_id, int64_t run_id, int64_t user_id, PeerGrade *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT " GRADE_COLS " FROM peer_grade WHERE unit_id = $1 AND run_id = $2"
                                " AND user_id = $3 ORDER BY id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run_id);
    db_bind_i64(st, 3, user_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_i64(st, 0);
        out->user_id = db_col_i64(st, 1);
        out->kind = db_col_dup(st, 2, a);
        out->status = db_col_dup(st, 3, a);
        out->score = db_col_is_null(st, 4) ? -1 : db_col_i64(st, 4);
        out->reviews = db_col_i64(st, 5);
        out->overrides = db_col_i64(st, 6);
        out->reason = db_col_dup(st, 7, a);
        out->by_user = db_col_i64(st, 8);
        out->ledger_seq = db_col_i64(st, 9);
        out->created_at = db_col_i64(st, 10);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

static json_t *grade_payload(const RunRef *run, int64_t unit_id, const PeerGrade *g, const char *method)
{
    json_t *p = json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:s}", "course_id", (json_int_t)run->course_id, "run_id",
                          (json_int_t)run->id, "unit_id", (json_int_t)unit_id, "user_id", (json_int_t)g->user_id,
                          "status", g->status, "reviews", (json_int_t)g->reviews, "max", (json_int_t)1000, "method",
                          method);
    json_object_set_new(p, "score", g->score >= 0 ? json_integer(g->score) : json_null());
    return p;
}

static int grade_insert(Db *db, const RunRef *run, int64_t unit_id, const PeerGrade *g, int64_t seq, UsTime now,
                        int64_t *id)
{
    DbStmt *st = db_prepare(db, "INSERT INTO peer_grade (unit_id, run_id, user_id, org_id, kind, status, score, reviews,"
                                " overrides, reason, by_user, ledger_seq, created_at)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, unit_id);
    db_bind_i64(st, 2, run->id);
    db_bind_i64(st, 3, g->user_id);
    db_bind_i64(st, 4, run->org_id);
    db_bind_text(st, 5, g->kind);
    db_bind_text(st, 6, g->status);
    if (g->score >= 0) db_bind_i64(st, 7, g->score);
    else db_bind_null(st, 7);
    db_bind_i64(st, 8, g->reviews);
    if (g->overrides) db_bind_i64(st, 9, g->overrides);
    else db_bind_null(st, 9);
    db_bind_text(st, 10, g->reason);
    if (g->by_user) db_bind_i64(st, 11, g->by_user);
    else db_bind_null(st, 11);
    db_bind_i64(st, 12, seq);
    db_bind_i64(st, 13, now);
    int rc = db_step(st);
    if (rc == DB_ROW && id) *id = db_col_i64(st, 0);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_CONSTRAINT ? LN_EEXIST : LN_EDB;
}

/* After a grade is recorded or overridden: when the course's completion
 * needs the pass mark (the gradebook counts this assignment), look at the
 * course again for a learner whose unit is complete — the new grade may
 * meet the rule.  Never un-completes anything. */
static void grade_followup(Db *db, const RunRef *run, int64_t unit_id, const int64_t *users, int n, UsTime now)
{
    int64_t rule = 0;
    if (db_query_i64(db, &rule, "SELECT count(*) FROM course_grading WHERE course_id = $1 AND require_grade <> 0", "i",
                     run->course_id) != DB_ROW || !rule)
        return;
    Unit u = {.id = unit_id};
    for (int i = 0; i < n; i++) {
        int64_t done = 0;
        if (db_query_i64(db, &done, "SELECT count(*) FROM unit_progress WHERE run_id = $1 AND unit_id = $2"
                                    " AND user_id = $3 AND completed_at IS NOT NULL", "iii", run->id, unit_id, users[i])
                == DB_ROW && done) {
            bool course_done = false;
            progress_complete(db, run, &u, users[i], now, &course_done);
        }
    }
}

int peer_finalise(Db *db, const RunRef *run, const PeerSettings *ps, UsTime now, int *added)
{
    if (added) *added = 0;
    Arena *a = arena_new();
    Ids who;
    int rc = db_begin(db) == DB_DONE ? LN_OK : LN_EDB;
    if (rc == LN_OK)
        rc = ids_query(db, a, &who, "SELECT DISTINCT s.user_id FROM peer_submission s WHERE s.unit_id = $1"
                                    " AND s.run_id = $2 AND NOT EXISTS (SELECT 1 FROM peer_grade g WHERE"
                                    " g.unit_id = s.unit_id AND g.run_id = s.run_id AND g.user_id = s.user_id"
                                    " AND g.kind = 'grade') ORDER BY s.user_id", ps->unit_id, run->id);
    for (int i = 0; rc == LN_OK && i < who.n; i++) {
        PeerGrade g;
        int64_t seq = 0;
        rc = peer_grade_compute(db, a, run, ps, who.v[i], &g);
        if (rc != LN_OK) break;
        json_t *p = grade_payload(run, ps->unit_id, &g, ps->grade_method);
        rc = ledger_append(db, run->org_id, "assessment.grade", subject_of(a, run, ps->unit_id, g.user_id), p, now,
                           &seq);
        json_decref(p);
        if (rc == LN_OK) rc = grade_insert(db, run, ps->unit_id, &g, seq, now, NULL);
        if (rc == LN_OK) rc = notice_insert(db, run, ps->unit_id, g.user_id, "grade", 0, now);
        if (rc == LN_OK && added) (*added)++;
    }
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (added) *added = 0;
        /* LN_EEXIST: another request graded them meanwhile */
        rc = rc == LN_EEXIST ? LN_OK : rc == LN_OK ? LN_EDB : rc;
    } else
        grade_followup(db, run, ps->unit_id, who.v, who.n, now);
    arena_free(a);
    return rc;
}

int peer_override(Db *db, const RunRef *run, int64_t unit_id, int64_t user_id, int64_t score, const char *reason,
                  int64_t by_user, UsTime now, PeerGrade *out)
{
    if (score < 0 || score > 1000 || str_empty(reason) || strlen(reason) > PEER_REASON_MAX
        || !utf8_valid(reason, strlen(reason)))
        return LN_EINVAL;
    Arena *a = arena_new();
    PeerGrade cur;
    int rc = db_begin(db) == DB_DONE ? LN_OK : LN_EDB;
    if (rc == LN_OK) rc = lock_assignment(db, run, unit_id, now);
    if (rc == LN_OK) rc = peer_grade_current(db, a, unit_id, run->id, user_id, &cur);
    PeerGrade g = {.user_id = user_id, .kind = "override", .status = "graded", .score = score,
                   .reviews = cur.reviews, .overrides = cur.id, .reason = (char *)reason, .by_user = by_user};
    int64_t seq = 0;
    if (rc == LN_OK) {
        json_t *p = grade_payload(run, unit_id, &g, "override");
        json_object_set_new(p, "reason", json_string(reason));
        json_object_set_new(p, "by_user", json_integer(by_user));
        json_object_set_new(p, "overrides_grade", json_integer(cur.id));
        rc = ledger_correct(db, run->org_id, cur.ledger_seq, "assessment.override", subject_of(a, run, unit_id, user_id),
                            p, now, &seq);
        json_decref(p);
    }
    int64_t id = 0;
    if (rc == LN_OK) rc = grade_insert(db, run, unit_id, &g, seq, now, &id);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        if (rc == LN_OK) rc = LN_EDB;
    } else {
        grade_followup(db, run, unit_id, &user_id, 1, now);
        if (out) {
            *out = g;
            out->id = id;
            out->ledger_seq = seq;
            out->created_at = now;
            out->reason = NULL;     /* the caller's string; read it again when needed */
        }
    }
    arena_free(a);
    return rc;
}

/* ======================================================================
 * The staff's overview
 * ==================================================================== */

int peer_overview(Db *db, Arena *a, const RunRef *run, int64_t unit_id, PeerRow **out, int *n)
{
    Ids who;
    *n = 0;
    if (ids_query(db, a, &who, "SELECT DISTINCT user_id FROM peer_submission WHERE unit_id = $1 AND run_id = $2"
                               " ORDER BY user_id", unit_id, run->id) != LN_OK)
        return LN_EDB;
    *out = arena_alloc(a, sizeof(PeerRow) * (size_t)(who.n ? who.n : 1));
    for (int i = 0; i < who.n; i++) {
        PeerRow *row = &(*out)[i];
        memset(row, 0, sizeof *row);
        row->user_id = who.v[i];
        row->name = user_name_of(db, a, who.v[i]);
        int64_t to_do = 0, done = 0, recv = 0, flags = 0;
        if (peer_submission_last(db, a, unit_id, run->id, who.v[i], &row->sub) != LN_OK
            || db_query_i64(db, &to_do, "SELECT count(*) FROM peer_allocation WHERE unit_id = $1 AND run_id = $2"
                                        " AND reviewer_id = $3 AND self_review = 0", "iii", unit_id, run->id, who.v[i])
                   != DB_ROW
            || db_query_i64(db, &done, "SELECT count(*) FROM peer_allocation l JOIN peer_review v"
                                       " ON v.allocation_id = l.id WHERE l.unit_id = $1 AND l.run_id = $2"
                                       " AND l.reviewer_id = $3 AND l.self_review = 0", "iii", unit_id, run->id,
                            who.v[i]) != DB_ROW
            || db_query_i64(db, &recv, "SELECT count(*) FROM peer_allocation l JOIN peer_review v"
                                       " ON v.allocation_id = l.id WHERE l.unit_id = $1 AND l.run_id = $2"
                                       " AND l.author_id = $3 AND l.self_review = 0", "iii", unit_id, run->id,
                            who.v[i]) != DB_ROW
            || db_query_i64(db, &flags, "SELECT count(*) FROM peer_flag f JOIN peer_review v ON v.id = f.review_id"
                                        " JOIN peer_allocation l ON l.id = v.allocation_id WHERE l.unit_id = $1"
                                        " AND l.run_id = $2 AND l.author_id = $3", "iii", unit_id, run->id, who.v[i])
                   != DB_ROW)
            return LN_EDB;
        row->to_do = (int)to_do;
        row->done = (int)done;
        row->received = (int)recv;
        row->flags = (int)flags;
        int rc = peer_grade_current(db, a, unit_id, run->id, who.v[i], &row->grade);
        if (rc != LN_OK && rc != LN_NOTFOUND) return rc;
        (*n)++;
    }
    return LN_OK;
}

/* ---- on schedule, and by e-mail ------------------------------------------------------ */

int peer_scheduled_due(Db *db, UsTime now, int limit)
{
    Arena *a = arena_new();
    /* assignments whose submission deadline passed (in the last
     * PEER_SCHEDULE_DAYS: older ones are done, or done lazily) with submitters not yet in
     * the allocation (at least two, or nobody could review), or whose review
     * deadline passed with submitters not yet graded.  The assignments first
     * (CROSS JOIN keeps SQLite's order): their submissions by the index,
     * not every submission ever made on each tick. */
    DbStmt *st = db_prepare(db,
        "SELECT DISTINCT s.unit_id, s.run_id, r.org_id FROM assignment x CROSS JOIN peer_submission s"
        " JOIN course_run r ON r.id = s.run_id"
        " WHERE s.unit_id = x.unit_id AND ((x.submit_by IS NOT NULL AND x.submit_by < $1 AND x.submit_by > $3"
        "   AND NOT EXISTS (SELECT 1 FROM peer_allocation l WHERE l.unit_id = s.unit_id AND l.run_id = s.run_id"
        "     AND l.self_review = 0 AND (l.author_id = s.user_id OR l.reviewer_id = s.user_id))"
        "   AND (SELECT count(DISTINCT y.user_id) FROM peer_submission y WHERE y.unit_id = s.unit_id"
        "     AND y.run_id = s.run_id) >= 2)"
        " OR (x.review_by IS NOT NULL AND x.review_by < $1 AND x.review_by > $3"
        "   AND NOT EXISTS (SELECT 1 FROM peer_grade g WHERE g.unit_id = s.unit_id AND g.run_id = s.run_id"
        "     AND g.user_id = s.user_id AND g.kind = 'grade')))"
        " ORDER BY s.unit_id, s.run_id LIMIT $2");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, now);
    db_bind_i64(st, 2, limit);
    db_bind_i64(st, 3, now - PEER_SCHEDULE_DAYS * 86400 * US_PER_SEC);
    typedef struct { int64_t unit, run, org; } Due;
    Due *due = NULL;
    int n = 0, cap = 0, done = 0;
    while (db_step(st) == DB_ROW) {
        due = arena_grow(a, due, n, &cap, sizeof *due);
        due[n++] = (Due){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2)};
    }
    db_done(st);
    for (int i = 0; i < n; i++) {
        RunRef run;
        PeerSettings ps;
        if (run_ref(db, a, due[i].org, due[i].run, &run) == LN_OK && peer_settings_get(db, a, due[i].unit, &ps) == LN_OK
            && peer_due(db, &run, &ps, now) == LN_OK)
            done++;
    }
    arena_free(a);
    return done;
}

int peer_reminders_due(Db *db, UsTime now)
{
    /* Learners who opened the assignment before the window opened and have
     * not submitted; reviewers with reviews left undone that were given
     * before it (reviews given inside it had the deadline in their e-mail).
     * The active enrolment: nobody who left the run.  The assignments in
     * the window first (CROSS JOIN keeps SQLite's order), then their rows
     * by index (migration 032), not every progress row on each tick. */
    static const char *const sql[] = {
        "INSERT INTO peer_notice (unit_id, run_id, user_id, org_id, kind, reviews, created_at)"
        " SELECT p.unit_id, p.run_id, p.user_id, p.org_id, 'submit_reminder', 0, $1"
        " FROM assignment x CROSS JOIN unit_progress p"
        " JOIN enrolment e ON e.run_id = p.run_id AND e.user_id = p.user_id AND e.status = 'active'"
        " WHERE p.unit_id = x.unit_id AND x.submit_by IS NOT NULL AND x.submit_by > $1 AND x.submit_by - $2 <= $1 AND p.first_at < x.submit_by - $2"
        "   AND NOT EXISTS (SELECT 1 FROM peer_submission s WHERE s.unit_id = p.unit_id AND s.run_id = p.run_id"
        "     AND s.user_id = p.user_id)"
        "   AND NOT EXISTS (SELECT 1 FROM peer_notice n WHERE n.unit_id = p.unit_id AND n.run_id = p.run_id"
        "     AND n.user_id = p.user_id AND n.kind = 'submit_reminder')"
        " ON CONFLICT DO NOTHING",
        "INSERT INTO peer_notice (unit_id, run_id, user_id, org_id, kind, reviews, created_at)"
        " SELECT l.unit_id, l.run_id, l.reviewer_id, l.org_id, 'review_reminder', count(*), $1"
        " FROM assignment x CROSS JOIN peer_allocation l"
        " JOIN enrolment e ON e.run_id = l.run_id AND e.user_id = l.reviewer_id AND e.status = 'active'"
        " WHERE l.unit_id = x.unit_id AND x.review_by IS NOT NULL AND x.review_by > $1 AND x.review_by - $2 <= $1"
        "   AND l.self_review = 0 AND l.created_at < x.review_by - $2"
        "   AND NOT EXISTS (SELECT 1 FROM peer_review v WHERE v.allocation_id = l.id)"
        "   AND NOT EXISTS (SELECT 1 FROM peer_notice n WHERE n.unit_id = l.unit_id AND n.run_id = l.run_id"
        "     AND n.user_id = l.reviewer_id AND n.kind = 'review_reminder')"
        " GROUP BY l.unit_id, l.run_id, l.reviewer_id, l.org_id"
        " ON CONFLICT DO NOTHING",
    };
    int made = 0;
    for (size_t i = 0; i < LN_ARRAY_LEN(sql); i++) {
        DbStmt *st = db_prepare(db, sql[i]);
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, now);
        db_bind_i64(st, 2, (int64_t)PEER_REMIND_HOURS * 3600 * US_PER_SEC);
        int rc = db_step(st);
        if (rc == DB_DONE) made += (int)db_changes(st);
        db_done(st);
        if (rc != DB_DONE) return LN_EDB;
    }
    return made;
}

int peer_notices_send(Db *db, const char *base_url, UsTime now, int limit)
{
    Arena *a = arena_new();
    DbStmt *st = db_prepare(db,
        "SELECT n.id, n.kind, n.reviews, n.run_id, n.unit_id, u.email, u.lang, x.title, c.title, COALESCE(g.review_by, 0),"
        " COALESCE(g.submit_by, 0)"
        " FROM peer_notice n JOIN app_user u ON u.id = n.user_id JOIN unit x ON x.id = n.unit_id"
        " JOIN course c ON c.id = x.course_id LEFT JOIN assignment g ON g.unit_id = n.unit_id"
        " WHERE n.sent_at IS NULL ORDER BY n.id LIMIT $1");
    if (!st) {
        arena_free(a);
        return LN_EDB;
    }
    db_bind_i64(st, 1, limit);
    typedef struct { int64_t id, reviews, run, unit; UsTime review_by, submit_by; char *kind, *email, *lang, *unit_title, *course; } Due;
    Due *due = NULL;
    int n = 0, cap = 0, sent = 0;
    while (db_step(st) == DB_ROW) {
        due = arena_grow(a, due, n, &cap, sizeof *due);
        due[n++] = (Due){.id = db_col_i64(st, 0), .kind = db_col_dup(st, 1, a), .reviews = db_col_i64(st, 2),
                         .run = db_col_i64(st, 3), .unit = db_col_i64(st, 4), .email = db_col_dup(st, 5, a),
                         .lang = db_col_dup(st, 6, a), .unit_title = db_col_dup(st, 7, a), .course = db_col_dup(st, 8, a),
                         .review_by = db_col_i64(st, 9), .submit_by = db_col_i64(st, 10)};
    }
    db_done(st);
    for (int i = 0; i < n; i++) {
        const Due *d = &due[i];
        const char *lang = i18n_supported(d->lang) ? d->lang : "en";
        const char *link = arena_printf(a, "%s/runs/%lld/units/%lld", base_url, (long long)d->run, (long long)d->unit);
        /* each kind: a subject, a first line, what it counts and until when */
        const char *subject, *lead, *extra = "";
        if (str_eq(d->kind, "reviews")) {
            subject = i18n_get(lang, "Reviews to do");
            lead = i18n_get(lang, "Submissions are given to you to review in this assignment:");
            extra = arena_printf(a, "\n%s %lld\n", i18n_get(lang, "Reviews given to you:"), (long long)d->reviews);
            if (d->review_by)
                extra = arena_printf(a, "%s%s %s\n", extra, i18n_get(lang, "Review them before:"),
                                     time_text(a, d->review_by));
        } else if (str_eq(d->kind, "submit_reminder")) {
            subject = i18n_get(lang, "Submission due soon");
            lead = i18n_get(lang, "The submission deadline of this assignment is near and you have not submitted yet:");
            extra = arena_printf(a, "\n%s %s\n", i18n_get(lang, "Submit before:"), time_text(a, d->submit_by));
        } else if (str_eq(d->kind, "review_reminder")) {
            subject = i18n_get(lang, "Reviews still to do");
            lead = i18n_get(lang, "The review deadline of this assignment is near and you still have reviews to do:");
            extra = arena_printf(a, "\n%s %lld\n%s %s\n", i18n_get(lang, "Reviews left:"), (long long)d->reviews,
                                 i18n_get(lang, "Review them before:"), time_text(a, d->review_by));
        } else {
            subject = i18n_get(lang, "Your grade is recorded");
            lead = i18n_get(lang, "The reviews of your submission are in and your grade is recorded:");
        }
        subject = arena_printf(a, "%s — %s", subject, d->unit_title);
        const char *body = arena_printf(a, "%s\n\n    %s (%s)\n%s\n%s\n\n%s\n", lead, d->unit_title, d->course, extra,
                                        i18n_get(lang, "Open the assignment:"), link);
        if (db_begin(db) != DB_DONE) break;
        /* once: only the process that marks it sends it */
        int c = db_change(db, "UPDATE peer_notice SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL", "ii", now, d->id);
        if (c == LN_OK && mail_enqueue(db, d->email, subject, body, now) == LN_OK && db_commit(db) == DB_DONE) sent++;
        else db_rollback(db);
    }
    arena_free(a);
    return sent;
}

void peer_tick(App *app, Db *db)
{
    static _Atomic int64_t last;
    UsTime now = time_now_us();
    if (!tick_due(&last, now, PEER_TICK_S * US_PER_SEC)) return;
    peer_scheduled_due(db, now, 20);
    peer_reminders_due(db, now);
    char buf[300];
    peer_notices_send(db, app_base_url(app, buf, sizeof buf), now, 100);
}
