/* authcache.c — see authcache.h. */
#include "account/authcache.h"
#include "org/org.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024              /* per table; a power of two */
#define MAX_ORGS 32             /* longer lists (a platform administrator's) are not kept */

typedef struct SessionSlot {
    char token[64];             /* the cookie's value; compared in constant time */
    uint64_t epoch;             /* 0: empty */
    UsTime expires_at;
    User user;                  /* strings malloc'd */
    char memo[64];              /* authcache_session_memo_put ("": none) */
} SessionSlot;

typedef struct OrgsSlot {
    int64_t viewer;
    bool all;
    uint64_t epoch;             /* 0: empty */
    int n;
    Org items[MAX_ORGS];        /* strings malloc'd */
} OrgsSlot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static SessionSlot sessions[SLOTS];
static OrgsSlot orgs[SLOTS];

/* Slots of sessions are picked by SipHash under a per-process random key, so
 * that neither the slot nor the comparison tells anything about a token. */
static unsigned char slot_key[crypto_shorthash_KEYBYTES];
static pthread_once_t slot_key_once = PTHREAD_ONCE_INIT;
static void slot_key_init(void) { crypto_shorthash_keygen(slot_key); }

static SessionSlot *session_slot(const char *token, size_t n)
{
    pthread_once(&slot_key_once, slot_key_init);
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, (const unsigned char *)token, n, slot_key);
    return &sessions[h & (SLOTS - 1)];
}

static uint32_t fnv(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint32_t h = 2166136261u;
    while (n--) h = (h ^ *s++) * 16777619u;
    return h;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }
static char *arena_dup_or_null(Arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

/* ---- sessions ---- */

static void user_free(User *u)
{
    free(u->email);
    free(u->name);
    free(u->lang);
}

bool authcache_session_get(const char *token, uint64_t epoch, UsTime now, Arena *a, User *out)
{
    size_t n = strlen(token);
    if (!epoch || n >= sizeof sessions[0].token) return false;
    SessionSlot *s = session_slot(token, n);
    bool hit = false;
    pthread_mutex_lock(&lock);
    if (s->epoch == epoch && now < s->expires_at && strlen(s->token) == n && sodium_memcmp(s->token, token, n) == 0) {
        *out = s->user;
        out->email = arena_dup_or_null(a, s->user.email);
        out->name = arena_dup_or_null(a, s->user.name);
        out->lang = arena_dup_or_null(a, s->user.lang);
        hit = true;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void authcache_session_put(const char *token, uint64_t epoch, UsTime expires_at, const User *u)
{
    size_t n = strlen(token);
    if (!epoch || n >= sizeof sessions[0].token) return;
    SessionSlot *s = session_slot(token, n);
    User copy = *u;
    copy.email = dup_or_null(u->email);
    copy.name = dup_or_null(u->name);
    copy.lang = dup_or_null(u->lang);
    pthread_mutex_lock(&lock);
    User old = s->user;
    if (strlen(s->token) != n || sodium_memcmp(s->token, token, n) != 0) s->memo[0] = 0;
    memcpy(s->token, token, n + 1);
    s->epoch = epoch;
    s->expires_at = expires_at;
    s->user = copy;
    pthread_mutex_unlock(&lock);
    user_free(&old);
}

bool authcache_session_memo_get(const char *token, char *out, size_t cap)
{
    size_t n = strlen(token);
    if (n >= sizeof sessions[0].token) return false;
    SessionSlot *s = session_slot(token, n);
    bool hit = false;
    pthread_mutex_lock(&lock);
    if (s->epoch && s->memo[0] && strlen(s->token) == n && sodium_memcmp(s->token, token, n) == 0
        && strlen(s->memo) < cap) {
        memcpy(out, s->memo, strlen(s->memo) + 1);
        hit = true;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void authcache_session_memo_put(const char *token, const char *memo)
{
    size_t n = strlen(token);
    if (n >= sizeof sessions[0].token || strlen(memo) >= sizeof sessions[0].memo) return;
    SessionSlot *s = session_slot(token, n);
    pthread_mutex_lock(&lock);
    if (s->epoch && strlen(s->token) == n && sodium_memcmp(s->token, token, n) == 0)
        memcpy(s->memo, memo, strlen(memo) + 1);
    pthread_mutex_unlock(&lock);
}

/* ---- organisation lists ---- */

static void orgs_free(Org *items, int n)
{
    for (int i = 0; i < n; i++) {
        free(items[i].slug);
        free(items[i].name);
        free(items[i].signup_domains);
    }
}

static OrgsSlot *orgs_slot(int64_t viewer, bool all)
{
    int64_t key[2] = {viewer, all};
    return &orgs[fnv(key, sizeof key) & (SLOTS - 1)];
}

bool authcache_orgs_get(int64_t viewer, bool all, uint64_t epoch, Arena *a, OrgList *out)
{
    if (!epoch) return false;
    OrgsSlot *s = orgs_slot(viewer, all);
    bool hit = false;
    pthread_mutex_lock(&lock);
    if (s->epoch == epoch && s->viewer == viewer && s->all == all) {
        out->n = s->n;
        out->items = arena_alloc(a, sizeof(Org) * (size_t)(s->n ? s->n : 1));
        for (int i = 0; i < s->n; i++) {
            out->items[i] = s->items[i];
            out->items[i].slug = arena_dup_or_null(a, s->items[i].slug);
            out->items[i].name = arena_dup_or_null(a, s->items[i].name);
            out->items[i].signup_domains = arena_dup_or_null(a, s->items[i].signup_domains);
        }
        hit = true;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void authcache_orgs_put(int64_t viewer, bool all, uint64_t epoch, const OrgList *list)
{
    if (!epoch || list->n > MAX_ORGS) return;
    Org copy[MAX_ORGS], old[MAX_ORGS];
    for (int i = 0; i < list->n; i++) {
        copy[i] = list->items[i];
        copy[i].slug = dup_or_null(list->items[i].slug);
        copy[i].name = dup_or_null(list->items[i].name);
        copy[i].signup_domains = dup_or_null(list->items[i].signup_domains);
    }
    OrgsSlot *s = orgs_slot(viewer, all);
    pthread_mutex_lock(&lock);
    int old_n = s->n;
    memcpy(old, s->items, sizeof(Org) * (size_t)old_n);
    s->viewer = viewer;
    s->all = all;
    s->epoch = epoch;
    s->n = list->n;
    memcpy(s->items, copy, sizeof(Org) * (size_t)list->n);
    pthread_mutex_unlock(&lock);
    orgs_free(old, old_n);
}

void authcache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < SLOTS; i++) {
        user_free(&sessions[i].user);
        orgs_free(orgs[i].items, orgs[i].n);
    }
    sodium_memzero(sessions, sizeof sessions);
    memset(orgs, 0, sizeof orgs);
    pthread_mutex_unlock(&lock);
}
