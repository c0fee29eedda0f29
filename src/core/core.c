/* core.c — arena, buffers, strings, time, logging. */
#include "core/core.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

_Noreturn void ln_panic(const char *file, int line, const char *what)
{
    fprintf(stderr, "lectern: invariant broken at %s:%d: %s\n", file, line, what);
    abort();
}

static _Noreturn void oom(size_t n)
{
    fprintf(stderr, "lectern: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

/* ======================================================================
 * Arena: a list of blocks; big allocations get a block of their own.
 * ==================================================================== */

#define ARENA_BLOCK 8192

typedef struct Block {
    struct Block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} Block;

typedef struct Cleanup {
    struct Cleanup *next;
    ArenaCleanup fn;
    void *ptr;
} Cleanup;

struct Arena {
    Block *head;
    Cleanup *cleanups;
    Block *first;       /* allocated with the arena itself */
};

static Block *block_new(size_t cap)
{
    Block *b = xmalloc(sizeof(Block) + cap);
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

/* One spare arena per thread: a request's allocations mostly fit in the
 * first block, so the next request on that thread takes the arena back
 * instead of a malloc and a free of 8 KiB (beyond malloc's per-thread
 * cache, so each went through its locks and consolidation).  Not under
 * AddressSanitizer, which should see every arena freed. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_SPARE 0
#else
#define ARENA_SPARE 1
#endif
static _Thread_local Arena *arena_spare;

static void arena_reset(Arena *a)
{
    a->cleanups = NULL;
    a->first->next = NULL;
    a->first->used = 0;
    a->head = a->first;
}

Arena *arena_new(void)
{
    if (ARENA_SPARE && arena_spare) {
        Arena *a = arena_spare;
        arena_spare = NULL;
        return a;
    }
    /* One allocation for the arena and its first block. */
    size_t hdr = (sizeof(Arena) + 15) & ~(size_t)15;
    unsigned char *mem = xmalloc(hdr + sizeof(Block) + ARENA_BLOCK);
    Arena *a = (Arena *)mem;
    a->first = (Block *)(mem + hdr);
    a->first->cap = ARENA_BLOCK;
    arena_reset(a);
    return a;
}

void arena_free(Arena *a)
{
    if (!a) return;
    for (Cleanup *c = a->cleanups; c; c = c->next) c->fn(c->ptr);
    Block *b = a->head;
    while (b) {
        Block *n = b->next;
        if (b != a->first) free(b);
        b = n;
    }
    if (ARENA_SPARE && !arena_spare) {
        arena_reset(a);
        arena_spare = a;
        return;
    }
    free(a);
}

/* n bytes, 16-aligned, not zeroed */
static void *arena_take(Arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) oom(n);
    Block *b = a->head;
    if (b->cap - b->used < need) {
        if (need > ARENA_BLOCK / 4) {
            /* Large: its own block, linked behind the current one. */
            Block *big = block_new(need);
            big->used = need;
            big->next = b->next;
            b->next = big;
            return big->data;
        }
        b = block_new(ARENA_BLOCK);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

void *arena_alloc(Arena *a, size_t n)
{
    void *p = arena_take(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_take(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void *arena_grow(Arena *a, void *items, int n, int *cap, size_t size)
{
    if (n < *cap) return items;
    int nc = *cap ? *cap * 2 : 16;
    void *p = arena_alloc(a, (size_t)nc * size);
    if (n) memcpy(p, items, (size_t)n * size);
    *cap = nc;
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(Arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_on_free(Arena *a, ArenaCleanup fn, void *ptr)
{
    Cleanup *c = arena_alloc(a, sizeof *c);
    c->fn = fn;
    c->ptr = ptr;
    c->next = a->cleanups;
    a->cleanups = c;
}


/* ======================================================================
 * Buf
 * ==================================================================== */

void buf_init(Buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void buf_free(Buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void buf_reset(Buf *b)
{
    b->len = 0;
    b->over = false;
    if (b->data) b->data[0] = 0;
}

static bool buf_reserve(Buf *b, size_t extra)
{
    if (b->over) return false;
    if (extra > SIZE_MAX - b->len - 1 || (b->max && b->len + extra > b->max)) {
        b->over = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return true;
}

bool buf_append(Buf *b, const void *p, size_t n)
{
    if (!buf_reserve(b, n)) return false;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return true;
}

bool buf_puts(Buf *b, const char *s) { return buf_append(b, s, strlen(s)); }
bool buf_putc(Buf *b, char c) { return buf_append(b, &c, 1); }

bool buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    char tmp[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    if (n < 0) return false;
    if ((size_t)n < sizeof tmp) return buf_append(b, tmp, (size_t)n);
    if (!buf_reserve(b, (size_t)n)) return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

const char *buf_cstr(Buf *b) { return b->data ? b->data : ""; }

char *buf_steal(Buf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    memset(b, 0, sizeof *b);
    return p;
}

/* ======================================================================
 * Strings
 * ==================================================================== */

bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool str_ieq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) a++, b++;
    return *a == *b;
}

const char *str_one_of(const char *v, const char *const *list)
{
    for (int i = 0; v && list[i]; i++)
        if (str_eq(v, list[i])) return list[i];
    return NULL;
}

void sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool str_startswith(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_empty(const char *s) { return !s || !*s; }

bool str_to_i64(const char *s, int64_t *out)
{
    if (str_empty(s)) return false;
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    if (*p < '0' || *p > '9') return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0) return 0;
    unsigned c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;
    while (i < n) {
        size_t k = s[i] ? utf8_decode(s + i, n - i, &cp) : 0;
        if (!k) return i;
        i += k;
    }
    return n;
}

bool utf8_valid(const char *s, size_t n) { return utf8_valid_prefix(s, n) == n; }

void str_ascii_lower(char *s)
{
    for (; s && *s; s++) *s = (char)lower((unsigned char)*s);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

char *str_trim(Arena *a, const char *s)
{
    if (!s) return arena_strdup(a, "");
    while (is_space(*s)) s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1])) n--;
    return arena_strndup(a, s, n);
}

size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* Latin-1 Supplement letters U+00C0..U+00FF folded to ASCII. */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

char *str_fold(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b, 0);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        if (*p < 0x80) {
            buf_putc(&b, (char)lower(*p++));
            continue;
        }
        if ((p[0] == 0xC3) && p[1] >= 0x80 && p[1] <= 0xBF) {
            const char *f = latin1_fold[p[1] - 0x80];
            if (f) {
                buf_puts(&b, f);
                p += 2;
                continue;
            }
        }
        if (p[0] == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) {     /* Œ œ */
            buf_puts(&b, "oe");
            p += 2;
            continue;
        }
        buf_putc(&b, (char)*p++);   /* other bytes as they are */
    }
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

bool str_ct_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    size_t n = la < lb ? la : lb;
    for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* ======================================================================
 * Time
 * ==================================================================== */

UsTime time_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (UsTime)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

UsTime time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (UsTime)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

/* `t` in UTC as strftime's `fmt`, into the arena. */
static char *time_utc(Arena *a, UsTime t, const char *fmt)
{
    time_t s = (time_t)(t / US_PER_SEC);
    struct tm tm;
    gmtime_r(&s, &tm);
    char buf[40];
    strftime(buf, sizeof buf, fmt, &tm);
    return arena_strdup(a, buf);
}

char *time_text(Arena *a, UsTime t) { return time_utc(a, t, "%Y-%m-%d %H:%M UTC"); }

char *time_iso(Arena *a, UsTime t) { return time_utc(a, t, "%Y-%m-%dT%H:%M:%SZ"); }

bool time_parse_iso(const char *s, UsTime *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    int64_t frac = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return false;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5) return false;
        p += 1 + m;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &sec, &m) != 1 || m != 2) return false;
            p += 3;
            if (*p == '.') {        /* fractions of a second, as JavaScript's toISOString */
                p++;
                for (int scale = 100000; *p >= '0' && *p <= '9'; p++, scale /= 10) frac += (*p - '0') * scale;
                if (p[-1] == '.') return false;
            }
        }
    }
    if (*p == 'Z') p++;
    if (*p || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1) return false;      /* 2026-02-30 */
    *out = (UsTime)t * US_PER_SEC + frac;
    return true;
}

/* Count from 0000-03-01, so that the leap day falls at the end of each
 * year (Howard Hinnant's days_from_civil). */
int64_t time_days_from_civil(int64_t y, int m, int d)
{
    if (m <= 2) y--;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                            /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;    /* 0..146096 */
    return era * 146097 + doe - 719468;
}

int time_month_days(int64_t y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return n[m - 1];
}

void time_http_date(UsTime t, char *buf, size_t n)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mons[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t s = (time_t)(t / US_PER_SEC);
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ======================================================================
 * Files
 * ==================================================================== */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    LN_UNUSED(sb);
    LN_UNUSED(flag);
    LN_UNUSED(ftw);
    remove(path);
    return 0;
}

void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int write_full(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return LN_EIO;
        p += n;
        len -= (size_t)n;
    }
    return LN_OK;
}

/* ======================================================================
 * Logging: one line per message on stderr, with UTC time.
 * ==================================================================== */

static LogLevel log_level = LOG_INFO;

void log_set_level(LogLevel l) { log_level = l; }

void log_msg(LogLevel l, const char *fmt, ...)
{
    if (l < log_level) return;
    static const char *const names[] = {"debug", "info", "warn", "error"};
    char line[2048];
    char ts[32];
    time_t s = time(NULL);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int off = snprintf(line, sizeof line, "%s %s ", ts, names[l]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + off, sizeof line - (size_t)off, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
