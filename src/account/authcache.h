/* authcache.h — a per-process cache of signed-in sessions and of each user's
 * organisations, so that a signed-in page does not query for who is asking.
 *
 * Every entry carries the database's sign-in epoch (db.h db_epoch, DB_EPOCH_AUTH) read
 * BEFORE the query that filled it; an entry is used only while the epoch is
 * unchanged, so a sign-out, a disabled account, a changed role or a renamed
 * organisation committed by any connection of any process is seen at once.
 * An epoch of 0 means the store offers none: nothing is cached.  Sessions also
 * keep their expiry.  Fixed size, direct-mapped; safe across threads. */
#ifndef LECTERN_AUTHCACHE_H
#define LECTERN_AUTHCACHE_H

#include "http/req.h"

typedef struct OrgList OrgList;

/* `token`: the session cookie's value (the database keeps only its hash; the
 * cache keeps the token, as the request itself does, to skip hashing it). */
bool authcache_session_get(const char *token, uint64_t epoch, UsTime now, Arena *a, User *out);
void authcache_session_put(const char *token, uint64_t epoch, UsTime expires_at, const User *u);

/* A short string derived from a cached session's token alone (the CSRF
 * token: a MAC of it), kept in the session's entry while that entry holds
 * the token.  get: false when it does not (copy in `out`, cap bytes). */
bool authcache_session_memo_get(const char *token, char *out, size_t cap);
void authcache_session_memo_put(const char *token, const char *memo);

bool authcache_orgs_get(int64_t viewer, bool all, uint64_t epoch, Arena *a, OrgList *out);
void authcache_orgs_put(int64_t viewer, bool all, uint64_t epoch, const OrgList *list);

/* Forget everything (tests). */
void authcache_clear(void);

#endif
