/* spoc.c — private sessions (SPOC): join codes, joining by invitation,
 * requests to join and their approval, the session's named trainer.
 * Rules and SQL only; pages in spoc_page.c, JSON in spoc_api.c. */
#include "catalog/catalog.h"
#include "mail/mail.h"
#include "org/org.h"
#include "web/i18n.h"

#include <sodium.h>
#include <string.h>

/* ---- join codes ---- */

/* 31 characters that cannot be mistaken for one another (no 0 O 1 I L). */
static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define CODE_CHARS 8

bool join_code_normal(const char *typed, char out[JOIN_CODE_LEN + 1])
{
    if (!typed) return false;
    int n = 0;
    for (size_t i = 0; typed[i]; i++) {
        char c = typed[i];
        if (i >= 64) return false;
        if (c == '-' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (n == CODE_CHARS || !strchr(CODE_ALPHABET, c)) return false;
        out[n < 4 ? n : n + 1] = c;
        n++;
    }
    if (n != CODE_CHARS) return false;
    out[4] = '-';
    out[JOIN_CODE_LEN] = 0;
    return true;
}

static void code_random(char out[JOIN_CODE_LEN + 1])
{
    for (int i = 0; i < CODE_CHARS; i++)
        out[i < 4 ? i : i + 1] = CODE_ALPHABET[randombytes_uniform((uint32_t)(sizeof CODE_ALPHABET - 1))];
    out[4] = '-';
    out[JOIN_CODE_LEN] = 0;
}

int spoc_code_rotate(Db *db, int64_t run_id, UsTime now, char out[JOIN_CODE_LEN + 1])
{
    /* 31^8 ≈ 8.5e11 codes: a clash is most unlikely, and looked for first
     * so that no failed statement aborts a caller's transaction on
     * PostgreSQL. */
    for (int attempt = 0; attempt < 5; attempt++) {
        code_random(out);
        int64_t taken = 0;
        if (db_query_i64(db, &taken, "SELECT count(*) FROM course_run WHERE join_code = $1", "t", out) != DB_ROW)
            return LN_EDB;
        if (taken) continue;
        int rc = db_change(db, "UPDATE course_run SET join_code = $2, updated_at = $3 WHERE id = $1 AND visibility = 'spoc'",
                           "iti", run_id, out, now);
        if (rc != LN_EEXIST) return rc;
    }
    return LN_EDB;
}

int spoc_run_by_code(Db *db, Arena *a, const char *typed, RunRef *out)
{
    char code[JOIN_CODE_LEN + 1];
    if (!join_code_normal(typed, code)) return LN_NOTFOUND;
    int64_t id = 0;
    int rc = db_query_i64(db, &id, "SELECT id FROM course_run WHERE join_code = $1 AND visibility = 'spoc'", "t", code);
    if (rc != DB_ROW) return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    return run_ref(db, a, 0, id, out);
}

/* ---- people ---- */

char *user_name_of(Db *db, Arena *a, int64_t user_id)
{
    return user_id ? db_query_text(db, a, "SELECT name FROM app_user WHERE id = $1", "i", user_id) : NULL;
}

int run_trainer_choices(Db *db, Arena *a, int64_t org_id, PersonList *out)
{
    DbStmt *st = db_prepare(db, "SELECT u.id, u.name, u.email FROM membership m JOIN app_user u ON u.id = m.user_id"
                                " WHERE m.org_id = $1 AND m.role IN ('trainer', 'admin') AND u.disabled = 0"
                                " ORDER BY u.name, u.id LIMIT 200");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 200 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(Person));
        Person *p = &out->items[out->n++];
        p->id = db_col_i64(st, 0);
        p->name = db_col_dup(st, 1, a);
        p->email = db_col_dup(st, 2, a);
    }
    db_done(st);
    return LN_OK;
}

/* A mail recipient: address and language. */
typedef struct Recipient { char *email, *lang; } Recipient;

/* Who hears of a new request: the named trainer when they still teach in
 * the organisation, else its trainers and administrators (at most 50). */
static int request_recipients(Db *db, Arena *a, const RunRef *run, Recipient *out, int max)
{
    int n = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++) {
        int64_t only = pass == 0 ? run->trainer_id : 0;
        if (pass == 0 && !only) continue;
        DbStmt *st = db_prepare(db, "SELECT u.email, u.lang FROM membership m JOIN app_user u ON u.id = m.user_id"
                                    " WHERE m.org_id = $1 AND m.role IN ('trainer', 'admin') AND u.disabled = 0"
                                    " AND (CAST($2 AS BIGINT) = 0 OR u.id = CAST($2 AS BIGINT)) ORDER BY u.id LIMIT 50");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, run->org_id);
        db_bind_i64(st, 2, only);
        while (n < max && db_step(st) == DB_ROW) {
            out[n].email = db_col_dup(st, 0, a);
            out[n].lang = db_col_dup(st, 1, a);
            n++;
        }
        db_done(st);
    }
    return n;
}

/* ---- requests ---- */

#define REQUEST_SELECT \
    "SELECT q.id, q.run_id, r.course_id, q.user_id, q.org_id, q.status, q.message, q.reply, u.name, u.email, d.name," \
    " c.title, r.title, o.name, q.created_at, COALESCE(q.decided_at, 0)" \
    " FROM enrolment_request q JOIN course_run r ON r.id = q.run_id JOIN course c ON c.id = r.course_id" \
    " JOIN org o ON o.id = q.org_id JOIN app_user u ON u.id = q.user_id LEFT JOIN app_user d ON d.id = q.decided_by"

static void request_read(DbStmt *st, Arena *a, JoinRequest *q)
{
    q->id = db_col_i64(st, 0);
    q->run_id = db_col_i64(st, 1);
    q->course_id = db_col_i64(st, 2);
    q->user_id = db_col_i64(st, 3);
    q->org_id = db_col_i64(st, 4);
    q->status = db_col_dup(st, 5, a);
    q->message = db_col_dup(st, 6, a);
    q->reply = db_col_dup(st, 7, a);
    q->user_name = db_col_dup(st, 8, a);
    q->user_email = db_col_dup(st, 9, a);
    q->decided_by_name = db_col_dup(st, 10, a);
    q->course_title = db_col_dup(st, 11, a);
    q->run_title = db_col_dup(st, 12, a);
    q->org_name = db_col_dup(st, 13, a);
    q->created_at = db_col_i64(st, 14);
    q->decided_at = db_col_i64(st, 15);
}

static int request_list(DbStmt *st, Arena *a, JoinRequestList *out)
{
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    while (out->n < 500 && db_step(st) == DB_ROW) {
        out->items = arena_grow(a, out->items, out->n, &cap, sizeof(JoinRequest));
        request_read(st, a, &out->items[out->n++]);
    }
    db_done(st);
    return LN_OK;
}

static int request_one(DbStmt *st, Arena *a, JoinRequest *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) request_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int spoc_requests(Db *db, Arena *a, int64_t run_id, const char *status, JoinRequestList *out)
{
    DbStmt *st = db_prepare(db, REQUEST_SELECT " WHERE q.run_id = $1 AND ($2 = '' OR q.status = $2)"
                                " ORDER BY CASE WHEN q.status = 'pending' THEN 0 ELSE 1 END,"
                                " CASE WHEN q.status = 'pending' THEN q.created_at ELSE -q.decided_at END, q.id LIMIT 500");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_text(st, 2, status ? status : "");
    return request_list(st, a, out);
}

int spoc_request_of(Db *db, Arena *a, int64_t run_id, int64_t user_id, JoinRequest *out)
{
    DbStmt *st = db_prepare(db, REQUEST_SELECT " WHERE q.run_id = $1 AND q.user_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run_id);
    db_bind_i64(st, 2, user_id);
    return request_one(st, a, out);
}

static int request_load(Db *db, Arena *a, int64_t run_id, int64_t id, JoinRequest *out)
{
    DbStmt *st = db_prepare(db, REQUEST_SELECT " WHERE q.id = $1 AND q.run_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, run_id);
    return request_one(st, a, out);
}

int spoc_my_pending(Db *db, Arena *a, int64_t user_id, JoinRequestList *out)
{
    DbStmt *st = db_prepare(db, REQUEST_SELECT " WHERE q.user_id = $1 AND q.status = 'pending'"
                                " ORDER BY q.created_at DESC, q.id DESC LIMIT 500");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, user_id);
    return request_list(st, a, out);
}

int64_t spoc_pending_count(Db *db, int64_t run_id)
{
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT count(*) FROM enrolment_request WHERE run_id = $1 AND status = 'pending'", "i", run_id);
    return n;
}

/* "Course — Session", for e-mails. */
static char *run_label(Db *db, Arena *a, const RunRef *run, Course *c)
{
    if (course_load(db, a, run->course_id, c) != LN_OK) return arena_strdup(a, run->title);
    return arena_printf(a, "%s — %s", c->title, run->title);
}

static int notify_trainers(Req *r, const RunRef *run, const char *message, UsTime now)
{
    Recipient to[50];
    int n = request_recipients(r->db, r->arena, run, to, 50);
    if (n < 0) return n;
    Course c = {0};
    const char *label = run_label(r->db, r->arena, run, &c);
    for (int i = 0; i < n; i++) {
        const char *lang = to[i].lang;
        char *note = str_empty(message) ? ""
                   : arena_printf(r->arena, "%s\n\n    %s\n\n", i18n_get(lang, "Their message:"), message);
        char *body = arena_printf(r->arena, "%s\n\n    %s\n    %s <%s>\n\n%s%s\n\n%s/o/%s/runs/%lld/requests\n",
            i18n_get(lang, "A learner asks to join a private session:"), label, r->user->name, r->user->email, note,
            i18n_get(lang, "Approve or refuse the request here:"), mail_base_url(r), c.org_slug ? c.org_slug : "",
            (long long)run->id);
        char *subject = arena_printf(r->arena, "%s — %s", i18n_get(lang, "Request to join a session"), c.title ? c.title : run->title);
        if (mail_enqueue(r->db, to[i].email, subject, body, now) != LN_OK) return LN_EDB;
    }
    return LN_OK;
}

static bool window_open(const RunRef *run, UsTime now)
{
    return !(run->enrol_from && now < run->enrol_from) && !(run->enrol_until && now > run->enrol_until);
}

int spoc_join(Req *r, const RunRef *run, const char *message, JoinResult *res, const char **why)
{
    static const char *none = "";
    *why = none;
    *res = JOIN_ENROLLED;
    if (!run->published || !str_eq(run->visibility, "spoc")) return LN_NOTFOUND;
    int64_t uid = r->user->id;
    UsTime now = time_now_us();
    if (enrolled(r->db, run->id, uid)) return LN_OK;
    JoinRequest q;
    int rc = spoc_request_of(r->db, r->arena, run->id, uid, &q);
    if (rc == LN_EDB) return rc;
    bool have = rc == LN_OK;
    if (have && str_eq(q.status, "refused")) {
        *res = JOIN_REFUSED;
        *why = "A trainer declined your request to join this session.";
        return LN_EPERM;
    }
    if (have && str_eq(q.status, "pending")) {
        *res = JOIN_PENDING;
        return LN_OK;
    }
    /* Approved once (then left): back in without asking again. */
    if (!run->approval || have) {
        rc = enrol_invited(r->db, run, uid, now, why);
        if (rc == LN_EPERM) *res = JOIN_CLOSED;
        return rc;
    }
    if (!window_open(run, now)) {
        *res = JOIN_CLOSED;
        *why = "Enrolment in this session is closed.";
        return LN_EPERM;
    }
    message = message ? message : "";
    if (strlen(message) > JOIN_REQUEST_MESSAGE_MAX || !utf8_valid(message, strlen(message))) return LN_EINVAL;
    if (db_begin(r->db) != DB_DONE) return LN_EDB;
    rc = db_run(r->db, "INSERT INTO enrolment_request (run_id, user_id, org_id, status, message, created_at)"
                       " VALUES ($1, $2, $3, 'pending', $4, $5)", "iiiti", run->id, uid, run->org_id, message, now);
    if (rc == DB_CONSTRAINT) {          /* the same request sent twice at once */
        db_rollback(r->db);
        *res = JOIN_PENDING;
        return LN_OK;
    }
    rc = rc == DB_DONE ? notify_trainers(r, run, message, now) : LN_EDB;
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        return LN_EDB;
    }
    *res = JOIN_PENDING;
    return LN_OK;
}

static char *user_lang(Db *db, Arena *a, int64_t user_id)
{
    char *lang = db_query_text(db, a, "SELECT lang FROM app_user WHERE id = $1", "i", user_id);
    return lang && i18n_supported(lang) ? lang : "en";
}

static int notify_learner(Req *r, const RunRef *run, const JoinRequest *q, bool approved, const char *reply, UsTime now)
{
    const char *lang = user_lang(r->db, r->arena, q->user_id);
    Course c = {0};
    const char *label = run_label(r->db, r->arena, run, &c);
    char *note = str_empty(reply) ? ""
               : arena_printf(r->arena, "%s\n\n    %s\n\n", i18n_get(lang, "Message from the trainer:"), reply);
    char *body, *subject;
    if (approved) {
        body = arena_printf(r->arena, "%s\n\n    %s\n\n%s%s\n\n%s/courses/%lld\n",
                            i18n_get(lang, "Your request to join this session is approved:"), label, note,
                            i18n_get(lang, "Start the course here:"), mail_base_url(r), (long long)run->course_id);
        subject = arena_printf(r->arena, "%s — %s", i18n_get(lang, "Request approved"), c.title ? c.title : run->title);
    } else {
        body = arena_printf(r->arena, "%s\n\n    %s\n\n%s", i18n_get(lang, "Your request to join this session was declined:"),
                            label, note);
        subject = arena_printf(r->arena, "%s — %s", i18n_get(lang, "Request declined"), c.title ? c.title : run->title);
    }
    return mail_enqueue(r->db, q->user_email, subject, body, now);
}

int spoc_decide(Req *r, const RunRef *run, int64_t id, bool approve, const char *reply, JoinRequest *out)
{
    reply = reply ? reply : "";
    if (strlen(reply) > JOIN_REQUEST_MESSAGE_MAX || !utf8_valid(reply, strlen(reply))) return LN_EINVAL;
    UsTime now = time_now_us();
    if (db_begin(r->db) != DB_DONE) return LN_EDB;
    int rc = run_lock(r->db, run->id);
    if (rc == LN_OK) rc = request_load(r->db, r->arena, run->id, id, out);
    if (rc == LN_OK && !str_eq(out->status, "pending")) rc = LN_EEXIST;
    if (rc == LN_OK && approve && !enrolled(r->db, run->id, out->user_id)) {
        int64_t taken = 0;
        db_query_i64(r->db, &taken, "SELECT count(*) FROM enrolment WHERE run_id = $1 AND status = 'active'", "i", run->id);
        rc = run->capacity > 0 && taken >= run->capacity ? LN_ELIMIT : enrol_insert(r->db, run, out->user_id, now);
    }
    if (rc == LN_OK)
        rc = db_change(r->db, "UPDATE enrolment_request SET status = $2, reply = $3, decided_by = $4, decided_at = $5"
                              " WHERE id = $1 AND status = 'pending'", "ittii", id, approve ? "approved" : "refused",
                       reply, r->user->id, now);
    if (rc == LN_OK) rc = notify_learner(r, run, out, approve, reply, now);
    if (rc != LN_OK || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    out->status = approve ? "approved" : "refused";
    out->reply = arena_strdup(r->arena, reply);
    out->decided_at = now;
    out->decided_by_name = r->user->name;
    return LN_OK;
}

/* ---- settings ---- */

int spoc_settings(Db *db, const RunRef *run, int approval, int64_t trainer_id, UsTime now)
{
    if (trainer_id > 0) {
        Role role = member_role(db, run->org_id, trainer_id);
        if (role != ROLE_TRAINER && role != ROLE_ADMIN) return LN_EINVAL;
    }
    int64_t trainer = trainer_id >= 0 ? trainer_id : run->trainer_id;
    DbStmt *st = db_prepare(db, "UPDATE course_run SET approval = $2, trainer_id = $3, updated_at = $4 WHERE id = $1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, run->id);
    db_bind_i64(st, 2, approval >= 0 ? approval != 0 : run->approval);
    if (trainer) db_bind_i64(st, 3, trainer);
    else db_bind_null(st, 3);
    db_bind_i64(st, 4, now);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}
