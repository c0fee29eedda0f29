/* account.c — users, passwords, sessions, sign-in, password resets. */
#include "account/account.h"
#include "account/authcache.h"
#include "http/access.h"
#include "http/app.h"
#include "mail/mail.h"
#include "web/i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ======================================================================
 * Secrets
 * ==================================================================== */

void token_random(char *out)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_CHARS + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_hash(const char *s, char *out)
{
    sha256_hex(s, out);        /* HASH_HEX is 65 */
}

int password_hash(const char *pw, char *out, size_t outlen)
{
    LN_ASSERT(outlen >= crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return LN_ENOMEM;
    return LN_OK;
}

bool password_verify(const char *hash, const char *pw)
{
    char h[crypto_pwhash_STRBYTES] = {0};     /* the API reads a full buffer */
    if (!hash || !*hash || strlen(hash) >= sizeof h) return false;
    memcpy(h, hash, strlen(hash));
    return crypto_pwhash_str_verify(h, pw, strlen(pw)) == 0;
}

/* ======================================================================
 * Validation
 * ==================================================================== */

const char *check_email(const char *email)
{
    if (str_empty(email)) return "Enter an e-mail address.";
    size_t n = strlen(email);
    const char *at = strchr(email, '@');
    if (n > 254 || !utf8_valid(email, n)) return "This e-mail address is too long or malformed.";
    if (!at || at == email || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.'
        || email[n - 1] == '.')
        return "Enter an e-mail address such as name@example.org.";
    for (const char *p = email; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("<>()[],;:\\\"", *p))
            return "Enter an e-mail address such as name@example.org.";
    return NULL;
}

const char *check_password(const char *pw)
{
    if (!pw || utf8_len(pw) < PASSWORD_MIN) return "Use at least 10 characters for the password.";
    if (strlen(pw) > PASSWORD_MAX) return "Use at most 256 characters for the password.";
    return NULL;
}

const char *check_name(const char *name)
{
    if (str_empty(name)) return "Enter a name.";
    if (strlen(name) > 200 || !utf8_valid(name, strlen(name))) return "Use at most 200 characters for the name.";
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < ' ') return "The name cannot hold control characters.";
    return NULL;
}

static const char *const role_names[] = {"", "learner", "auditor", "trainer", "admin"};

Role role_parse(const char *s)
{
    for (int i = 1; i < (int)LN_ARRAY_LEN(role_names); i++)
        if (str_eq(s, role_names[i])) return (Role)i;
    return ROLE_NONE;
}

const char *role_name(Role r) { return role_names[r]; }

const char *role_label(const char *lang, Role r)
{
    switch (r) {
    case ROLE_LEARNER: return i18n_get(lang, "Learner");
    case ROLE_TRAINER: return i18n_get(lang, "Trainer");
    case ROLE_ADMIN: return i18n_get(lang, "Administrator");
    case ROLE_AUDITOR: return i18n_get(lang, "Auditor");
    default: return "";
    }
}

const char *check_role(const char *role)
{
    return role_parse(role) == ROLE_NONE ? "The role must be learner, trainer, admin or auditor." : NULL;
}

char *email_normal(Arena *a, const char *email)
{
    char *e = str_trim(a, email);
    str_ascii_lower(e);
    return e;
}

/* ======================================================================
 * Users
 * ==================================================================== */

#define USER_COLS "id, email, name, lang, is_platform_admin"

static void user_read(DbStmt *st, Arena *a, User *u)
{
    u->id = db_col_i64(st, 0);
    u->email = db_col_dup(st, 1, a);
    u->name = db_col_dup(st, 2, a);
    u->lang = db_col_dup(st, 3, a);
    u->is_platform_admin = db_col_i64(st, 4) != 0;
}

int user_create(Db *db, const char *email, const char *name, const char *password,
                const char *lang, bool platform_admin, UsTime now, int64_t *id)
{
    if (check_email(email) || check_name(name) || (password && check_password(password)))
        return LN_EINVAL;
    char hash[crypto_pwhash_STRBYTES] = "";
    if (password && password_hash(password, hash, sizeof hash) != LN_OK) return LN_ENOMEM;
    Arena *a = arena_new();
    int64_t new_id = 0;
    char *norm = email_normal(a, email);
    int rc = db_query_i64(db, &new_id,
        "INSERT INTO app_user (email, name, password_hash, lang, is_platform_admin, created_at, updated_at, search_key)"
        " VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        "tttti" "it", norm, name, password ? hash : NULL,
        i18n_supported(lang) ? lang : "en", (int64_t)platform_admin, now, user_search_key(a, name, norm));
    arena_free(a);
    if (rc == DB_CONSTRAINT) return LN_EEXIST;
    if (rc != DB_ROW) return LN_EDB;
    if (id) *id = new_id;
    return LN_OK;
}

int user_load(Db *db, Arena *a, int64_t id, User *out)
{
    DbStmt *st = db_prepare(db, "SELECT " USER_COLS " FROM app_user WHERE id = $1 AND disabled = 0");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) user_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int user_by_email(Db *db, Arena *a, const char *email, User *out)
{
    DbStmt *st = db_prepare(db, "SELECT " USER_COLS " FROM app_user WHERE email = $1 AND disabled = 0");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, email_normal(a, email));
    int rc = db_step(st);
    if (rc == DB_ROW) user_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int user_set_password(Db *db, int64_t id, const char *password, UsTime now)
{
    if (check_password(password)) return LN_EINVAL;
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(password, hash, sizeof hash) != LN_OK) return LN_ENOMEM;
    return db_change(db, "UPDATE app_user SET password_hash = $1, updated_at = $2 WHERE id = $3", "tii",
                     hash, now, id);
}

char *user_search_key(Arena *a, const char *name, const char *email)
{
    return str_fold(a, arena_printf(a, "%s %s", name ? name : "", email ? email : ""));
}

int user_update_profile(Db *db, int64_t id, const char *name, const char *lang, UsTime now)
{
    if (check_name(name) || !i18n_supported(lang)) return LN_EINVAL;
    Arena *a = arena_new();
    User u;
    int rc = user_load(db, a, id, &u);
    if (rc == LN_OK)
        rc = db_run(db, "UPDATE app_user SET name = $1, lang = $2, updated_at = $3, search_key = $5 WHERE id = $4",
                    "ttiit", name, lang, now, id, user_search_key(a, name, u.email)) == DB_DONE ? LN_OK : LN_EDB;
    arena_free(a);
    return rc;
}

int user_backfill_search(Db *db)
{
    Arena *a = arena_new();
    typedef struct Row { int64_t id; char *name, *email; } Row;
    Row rows[256];
    int n, total = 0;
    do {
        DbStmt *st = db_prepare(db, "SELECT id, name, email FROM app_user WHERE search_key = '' LIMIT 256");
        if (!st) break;
        for (n = 0; n < 256 && db_step(st) == DB_ROW; n++)
            rows[n] = (Row){db_col_i64(st, 0), db_col_dup(st, 1, a), db_col_dup(st, 2, a)};
        db_done(st);
        for (int i = 0; i < n; i++)
            db_run(db, "UPDATE app_user SET search_key = $1 WHERE id = $2", "ti",
                   user_search_key(a, rows[i].name, rows[i].email), rows[i].id);
        total += n;
    } while (n == 256);
    arena_free(a);
    return total;
}

/* ======================================================================
 * Sessions
 * ==================================================================== */

int session_create(Db *db, int64_t user_id, const char *ip, const char *ua, UsTime now,
                   char *token_out)
{
    char hash[HASH_HEX];
    token_random(token_out);
    token_hash(token_out, hash);
    char ua_short[256];
    snprintf(ua_short, sizeof ua_short, "%s", ua ? ua : "");
    if (!utf8_valid(ua_short, strlen(ua_short))) ua_short[0] = 0;
    int rc = db_run(db,
        "INSERT INTO user_session (token_hash, user_id, created_at, expires_at, ip, user_agent)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        "tiiitt", hash, user_id, now, now + (int64_t)SESSION_DAYS * 86400 * US_PER_SEC,
        ip ? ip : "", ua_short);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int session_lookup(Db *db, Arena *a, const char *token, UsTime now, User *out)
{
    uint64_t epoch = db_epoch(db, DB_EPOCH_AUTH);     /* before the query: see authcache.h */
    if (authcache_session_get(token, epoch, now, a, out)) return LN_OK;
    char hash[HASH_HEX];
    token_hash(token, hash);
    DbStmt *st = db_prepare(db,
        "SELECT u.id, u.email, u.name, u.lang, u.is_platform_admin, s.expires_at FROM user_session s"
        " JOIN app_user u ON u.id = s.user_id"
        " WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, hash);
    db_bind_i64(st, 2, now);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        user_read(st, a, out);
        authcache_session_put(token, epoch, db_col_i64(st, 5), out);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int session_delete(Db *db, const char *token)
{
    char hash[HASH_HEX];
    token_hash(token, hash);
    return db_run(db, "DELETE FROM user_session WHERE token_hash = $1", "t", hash) == DB_DONE
               ? LN_OK : LN_EDB;
}

int session_delete_others(Db *db, int64_t user_id, const char *keep_token)
{
    char hash[HASH_HEX] = "";
    if (keep_token) token_hash(keep_token, hash);
    return db_run(db, "DELETE FROM user_session WHERE user_id = $1 AND token_hash <> $2", "it",
                  user_id, hash) == DB_DONE ? LN_OK : LN_EDB;
}

int account_start_session(Req *r, const User *u)
{
    char tok[TOKEN_CHARS + 1];
    int rc = session_create(r->db, u->id, r->client_ip, req_header(r, "user-agent"), time_now_us(), tok);
    if (rc != LN_OK) return rc;
    req_set_cookie(r, SESSION_COOKIE, tok, (int64_t)SESSION_DAYS * 86400);
    r->session_token = arena_strdup(r->arena, tok);
    r->user = arena_alloc(r->arena, sizeof *r->user);
    *r->user = *u;
    r->csrf = NULL;
    return LN_OK;
}

/* ======================================================================
 * Sign-in with rate limits
 * ==================================================================== */

static int64_t failures_since(Db *db, const char *col_sql, const char *key, UsTime since)
{
    int64_t n = 0;
    db_query_i64(db, &n, col_sql, "ti", key, since);
    return n;
}

int account_signin(Db *db, Arena *a, const char *email, const char *password,
                   const char *ip, UsTime now, User *out)
{
    char *e = email_normal(a, email ? email : "");
    UsTime since = now - (int64_t)SIGNIN_WINDOW_S * US_PER_SEC;
    /* The attempt is recorded as a failure before anything is checked, then
     * counted: parallel attempts see each other, so the limits hold even
     * under a burst.  A success turns it into a success. */
    int64_t attempt = 0;
    if (db_query_i64(db, &attempt, "INSERT INTO signin_attempt (email, ip, at, ok) VALUES ($1, $2, $3, 0) RETURNING id",
                     "tti", e, ip ? ip : "", now) != DB_ROW)
        return LN_EDB;
    if (failures_since(db, "SELECT count(*) FROM signin_attempt WHERE email = $1 AND at > $2 AND ok = 0",
                       e, since) > SIGNIN_MAX_PER_ACCOUNT
        || failures_since(db, "SELECT count(*) FROM signin_attempt WHERE ip = $1 AND at > $2 AND ok = 0",
                          ip ? ip : "", since) > SIGNIN_MAX_PER_IP)
        return LN_ELIMIT;
    DbStmt *st = db_prepare(db, "SELECT " USER_COLS ", password_hash FROM app_user"
                                " WHERE email = $1 AND disabled = 0");
    if (!st) return LN_EDB;
    db_bind_text(st, 1, e);
    char *hash = NULL;
    if (db_step(st) == DB_ROW) {
        user_read(st, a, out);
        hash = db_col_dup(st, 5, a);
    }
    db_done(st);
    /* Verify even for unknown accounts so timing does not tell them apart. */
    static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                "Yk0cCmTShqI5DqkV0IGCmhGmUbbQkSO5zRWgcQqhJ9k";
    bool ok = password_verify(hash ? hash : dummy, password ? password : "") && hash;
    if (!ok) return LN_EINVAL;
    db_run(db, "UPDATE signin_attempt SET ok = 1 WHERE id = $1", "i", attempt);
    db_run(db, "DELETE FROM signin_attempt WHERE email = $1 AND ok = 0", "t", e);
    return LN_OK;
}

/* ======================================================================
 * Password reset
 * ==================================================================== */

int reset_request(Req *r, const char *email)
{
    User u;
    if (check_email(email) || user_by_email(r->db, r->arena, email, &u) != LN_OK) return LN_OK;
    char tok[TOKEN_CHARS + 1], hash[HASH_HEX];
    token_random(tok);
    token_hash(tok, hash);
    UsTime now = time_now_us();
    if (db_begin(r->db) != DB_DONE) return LN_EDB;
    int rc = db_run(r->db, "INSERT INTO password_reset (user_id, token_hash, created_at, expires_at)"
                           " VALUES ($1, $2, $3, $4)",
                    "itii", u.id, hash, now, now + (int64_t)RESET_HOURS * 3600 * US_PER_SEC);
    const char *lang = u.lang;
    char *link = arena_printf(r->arena, "%s/password/reset?token=%s", mail_base_url(r), tok);
    char *body = arena_printf(r->arena, "%s\n\n%s\n\n%s\n",
                              i18n_get(lang, "Someone asked to reset the password of your Lectern account. "
                                             "If it was you, open this link within two hours:"),
                              link,
                              i18n_get(lang, "If it was not you, ignore this message: your password stays as it is."));
    if (rc == DB_DONE)
        rc = mail_enqueue(r->db, u.email, i18n_get(lang, "Reset your Lectern password"), body, now)
                 == LN_OK ? DB_DONE : DB_ERROR;
    if (rc != DB_DONE || db_commit(r->db) != DB_DONE) {
        db_rollback(r->db);
        return LN_EDB;
    }
    return LN_OK;
}

int reset_check(Db *db, const char *token, UsTime now)
{
    if (!token || strlen(token) != TOKEN_CHARS) return LN_NOTFOUND;
    char hash[HASH_HEX];
    token_hash(token, hash);
    int64_t uid = 0;
    int rc = db_query_i64(db, &uid, "SELECT user_id FROM password_reset WHERE token_hash = $1"
                                    " AND used_at IS NULL AND expires_at > $2", "ti", hash, now);
    return rc == DB_ROW ? LN_OK : LN_NOTFOUND;
}

int reset_complete(Db *db, const char *token, const char *password, UsTime now)
{
    if (!token || strlen(token) != TOKEN_CHARS) return LN_NOTFOUND;
    if (check_password(password)) return LN_EINVAL;
    char hash[HASH_HEX];
    token_hash(token, hash);
    if (db_begin(db) != DB_DONE) return LN_EDB;
    int64_t uid = 0;
    int rc = db_query_i64(db, &uid, "UPDATE password_reset SET used_at = $2 WHERE token_hash = $1"
                                    " AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
                          "ti", hash, now);
    if (rc != DB_ROW) {
        db_rollback(db);
        return rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
    }
    rc = user_set_password(db, uid, password, now);
    if (rc == LN_OK) rc = session_delete_others(db, uid, NULL);
    if (rc != LN_OK || db_commit(db) != DB_DONE) {
        db_rollback(db);
        return rc != LN_OK ? rc : LN_EDB;
    }
    return LN_OK;
}
