/* account.h — users, passwords, sessions, sign-in, password resets.
 * Rules and SQL only; pages are in account_page.c, JSON in account_api.c.
 */
#ifndef LECTERN_ACCOUNT_H
#define LECTERN_ACCOUNT_H

#include "http/req.h"

#define TOKEN_CHARS 43              /* base64url of 32 random bytes */
#define HASH_HEX 65                 /* SHA-256 hex + NUL */
#define SESSION_DAYS 30
#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

/* ---- secrets ---- */
/* 32 random bytes, base64url without padding, into out[TOKEN_CHARS + 1]. */
void token_random(char *out);
/* SHA-256 of `s` as lower-case hex into out[HASH_HEX]. */
void token_hash(const char *s, char *out);
/* argon2id (libsodium); LN_ENOMEM if the machine cannot afford it. */
int password_hash(const char *pw, char *out, size_t outlen);
bool password_verify(const char *hash, const char *pw);

/* ---- validation: NULL when fine, else an English message (a msgid) ---- */
const char *check_email(const char *email);
const char *check_password(const char *pw);
const char *check_name(const char *name);
const char *check_role(const char *role);
/* Lower-cased, trimmed copy in the arena. */
char *email_normal(Arena *a, const char *email);

Role role_parse(const char *s);     /* ROLE_NONE when unknown */
const char *role_name(Role r);
/* "Trainer", "Formateur"... for people to read. */
const char *role_label(const char *lang, Role r);

/* ---- users ---- */
/* LN_OK, LN_EEXIST (e-mail taken), LN_EINVAL (bad field), LN_EDB. */
int user_create(Db *db, const char *email, const char *name, const char *password,
                const char *lang, bool platform_admin, UsTime now, int64_t *id);
int user_load(Db *db, Arena *a, int64_t id, User *out);
int user_by_email(Db *db, Arena *a, const char *email, User *out);
int user_set_password(Db *db, int64_t id, const char *password, UsTime now);
int user_update_profile(Db *db, int64_t id, const char *name, const char *lang, UsTime now);
/* Folded "name email" for searches (see str_fold). */
char *user_search_key(Arena *a, const char *name, const char *email);
/* Fill search keys of accounts made before migration 002. */
int user_backfill_search(Db *db);

/* ---- sessions (cookie token stored hashed) ---- */
int session_create(Db *db, int64_t user_id, const char *ip, const char *ua, UsTime now,
                   char *token_out);
/* LN_OK with *out filled, or LN_NOTFOUND (unknown or expired). */
int session_lookup(Db *db, Arena *a, const char *token, UsTime now, User *out);
int session_delete(Db *db, const char *token);
/* Sign out everywhere but `keep_token` (may be NULL). */
int session_delete_others(Db *db, int64_t user_id, const char *keep_token);

/* ---- sign-in, rate limited per account and per address ---- */
#define SIGNIN_WINDOW_S 900
#define SIGNIN_MAX_PER_ACCOUNT 5
#define SIGNIN_MAX_PER_IP 30
/* LN_OK (*out set), LN_EINVAL (wrong e-mail or password), LN_ELIMIT (too
 * many failures: try later), LN_EDB. */
int account_signin(Db *db, Arena *a, const char *email, const char *password,
                   const char *ip, UsTime now, User *out);

/* ---- password reset by e-mailed link ---- */
#define RESET_HOURS 2
/* Always LN_OK for an unknown address (no account discovery); queues the
 * e-mail when the account exists. */
int reset_request(Req *r, const char *email);
/* LN_OK, LN_NOTFOUND (unknown, used or expired link), LN_EINVAL (password). */
int reset_complete(Db *db, const char *token, const char *password, UsTime now);
int reset_check(Db *db, const char *token, UsTime now);

/* Sign `user` in on this request: session row + cookie. */
int account_start_session(Req *r, const User *u);

#endif
