/* core.h — arena, growable buffer, strings, time, logging, status codes.
 *
 * Everything here is plain C with no third-party headers so that any part of
 * the tree (HTTP, storage, CLI, fuzzers) can use it.
 */
#ifndef LECTERN_CORE_H
#define LECTERN_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- status codes shared by every layer -------------------------------- */
enum {
    LN_OK = 0,
    LN_NOTFOUND = -1,   /* no such row / file */
    LN_EDB = -2,        /* database failure (logged) */
    LN_EINVAL = -3,     /* bad input from a person or client */
    LN_EEXIST = -4,     /* unique constraint, already there */
    LN_EPERM = -5,      /* not allowed */
    LN_ENOMEM = -6,
    LN_ELIMIT = -7,     /* a size or rate limit was hit */
    LN_EIO = -8,
};

#define LN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LN_UNUSED(x) ((void)(x))

/* A broken invariant stops the process: it is a bug, not bad input. */
#define LN_ASSERT(c) \
    do { if (!(c)) ln_panic(__FILE__, __LINE__, #c); } while (0)
_Noreturn void ln_panic(const char *file, int line, const char *what);

/* Allocation that cannot fail silently: aborts on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* ---- arena: one per request, freed in one go --------------------------- */
typedef struct Arena Arena;
typedef void (*ArenaCleanup)(void *ptr);

Arena *arena_new(void);
void arena_free(Arena *a);          /* runs cleanups in reverse order */
void *arena_alloc(Arena *a, size_t n);  /* zeroed, 16-byte aligned */
/* An arena array of `size`-byte items with room for n + 1: `items` itself
 * while n < *cap, else a copy twice as large (16 at first); *cap follows. */
void *arena_grow(Arena *a, void *items, int n, int *cap, size_t size);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);
/* Run `fn(ptr)` when the arena is freed. */
void arena_on_free(Arena *a, ArenaCleanup fn, void *ptr);

/* ---- growable byte buffer with a ceiling -------------------------------- */
typedef struct Buf {
    char *data;      /* always NUL-terminated when len > 0 or after buf_cstr */
    size_t len;
    size_t cap;
    size_t max;      /* 0 = no limit; appends past max fail and set `over` */
    bool over;
} Buf;

void buf_init(Buf *b, size_t max);
void buf_free(Buf *b);
void buf_reset(Buf *b);
bool buf_append(Buf *b, const void *p, size_t n);
bool buf_puts(Buf *b, const char *s);
bool buf_putc(Buf *b, char c);
bool buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool buf_vprintf(Buf *b, const char *fmt, va_list ap);
const char *buf_cstr(Buf *b);       /* never NULL */
char *buf_steal(Buf *b);            /* caller frees; buffer is reset */

/* ---- strings ------------------------------------------------------------ */
bool str_eq(const char *a, const char *b);          /* NULL-safe */
bool str_ieq(const char *a, const char *b);         /* ASCII case-insensitive */
bool str_startswith(const char *s, const char *prefix);
/* The entry of the NULL-terminated `list` equal to v, or NULL. */
const char *str_one_of(const char *v, const char *const *list);
/* Lower-case hex SHA-256 of a string (64 characters and a NUL). */
void sha256_hex(const char *s, char out[65]);
bool str_empty(const char *s);                      /* NULL or "" */
/* Strict integer parse: the whole string must be a base-10 integer. */
bool str_to_i64(const char *s, int64_t *out);
/* Valid UTF-8 without NUL, overlongs or surrogates. */
bool utf8_valid(const char *s, size_t n);
/* Offset of the first byte that is not valid UTF-8 (or is NUL); n when
 * all of s[0..n) is. */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Length of the shortest-form UTF-8 sequence at s (NUL included, as U+0000)
 * with its code point in *cp, or 0 when there is none: bad lead or
 * continuation bytes, overlongs, surrogates, truncation. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Lower-cases ASCII letters in place. */
void str_ascii_lower(char *s);
/* Trim ASCII whitespace; returns a new string in the arena. */
char *str_trim(Arena *a, const char *s);
/* Number of Unicode code points (assumes valid UTF-8). */
size_t utf8_len(const char *s);

/* A search key: lower-case, Latin accents removed ("Élodie Benoît" →
 * "elodie benoit"), so that searches match as people expect. */
char *str_fold(Arena *a, const char *s);

/* Constant-time comparison of two strings of equal length. */
bool str_ct_eq(const char *a, const char *b);

/* ---- time --------------------------------------------------------------- */
typedef int64_t UsTime;     /* microseconds since the epoch, UTC */
#define US_PER_SEC INT64_C(1000000)
UsTime time_now_us(void);
UsTime time_mono_us(void);
/* ISO-8601 UTC, e.g. 2026-11-28T18:06:31Z, into the arena. */
char *time_iso(Arena *a, UsTime t);
/* For people: "2026-11-28 18:06 UTC", into the arena. */
char *time_text(Arena *a, UsTime t);
/* "2026-12-01", "2026-12-01T09:30", "2026-12-01T09:30:00(.123456)" with an
 * optional "Z": UTC (HTML date and datetime-local fields send no zone: read
 * as UTC). */
bool time_parse_iso(const char *s, UsTime *out);
/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar
 * (negative before), and the number of days of month m (1..12) of year y. */
int64_t time_days_from_civil(int64_t y, int m, int d);
int time_month_days(int64_t y, int m);
/* RFC 7231 date for HTTP headers into buf (at least 30 bytes). */
void time_http_date(UsTime t, char *buf, size_t n);

/* ---- files -------------------------------------------------------------- */
/* write() until all `len` bytes are written (EINTR retried); LN_EIO else. */
int write_full(int fd, const void *data, size_t len);
/* rm -rf `dir`, never following symbolic links. */
void rm_tree(const char *dir);

/* ---- logging ------------------------------------------------------------ */
typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } LogLevel;
void log_set_level(LogLevel l);
void log_msg(LogLevel l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
