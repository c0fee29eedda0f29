/* range.c — Range, conditional requests and file responses (RFC 9110). */
#include "http/range.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* ======================================================================
 * Range (RFC 9110 §14.1.1)
 * ==================================================================== */

/* 1*DIGIT into *v.  False on no digit or a value past INT64_MAX: such a
 * number cannot describe any real file, so the header is malformed. */
static bool parse_pos(const char **pp, int64_t *v)
{
    const char *p = *pp;
    if (!is_digit(*p)) return false;
    int64_t x = 0;
    for (; is_digit(*p); p++) {
        int d = *p - '0';
        if (x > (INT64_MAX - d) / 10) return false;
        x = x * 10 + d;
    }
    *pp = p;
    *v = x;
    return true;
}

typedef enum { SPEC_BAD, SPEC_UNSAT, SPEC_EMPTY_SUFFIX, SPEC_SAT } SpecKind;

/* One range-spec at *pp: "a-b", "a-" or "-n", clipped to size into *out. */
static SpecKind parse_spec(const char **pp, int64_t size, ByteRange *out)
{
    int64_t a, b;
    if (**pp == '-') {
        (*pp)++;
        if (!parse_pos(pp, &b)) return SPEC_BAD;
        if (b == 0) return SPEC_UNSAT;          /* "-0" selects nothing */
        if (size == 0) return SPEC_EMPTY_SUFFIX;
        out->first = b >= size ? 0 : size - b;  /* longer than the file: all of it */
        out->last = size - 1;
        return SPEC_SAT;
    }
    if (!parse_pos(pp, &a) || **pp != '-') return SPEC_BAD;
    (*pp)++;
    b = INT64_MAX;
    if (is_digit(**pp) && !parse_pos(pp, &b)) return SPEC_BAD;
    if (b < a) return SPEC_BAD;                 /* invalid per §14.1.1 */
    if (a >= size) return SPEC_UNSAT;
    out->first = a;
    out->last = b >= size ? size - 1 : b;
    return SPEC_SAT;
}

static int cmp_range(const void *x, const void *y)
{
    const ByteRange *a = x, *b = y;
    return (a->first > b->first) - (a->first < b->first);
}

/* Sort, then merge ranges that overlap or touch; returns the new count.
 * Merging means no byte is ever sent twice, whatever the client asked. */
static int coalesce(ByteRange *r, int n)
{
    qsort(r, (size_t)n, sizeof *r, cmp_range);
    int k = 0;
    for (int i = 1; i < n; i++) {
        if (r[i].first <= r[k].last + 1) {     /* last < size <= INT64_MAX: no overflow */
            if (r[i].last > r[k].last) r[k].last = r[i].last;
        } else {
            r[++k] = r[i];
        }
    }
    return k + 1;
}

int range_parse(const char *header, int64_t size, ByteRange *out, int max, int *n)
{
    *n = 0;
    if (!header || size < 0 || max <= 0) return RANGE_IGNORE;
    const char *p = skip_ows(header);
    if (strncasecmp(p, "bytes", 5) != 0 || p[5] != '=') return RANGE_IGNORE;
    p += 6;
    int specs = 0, kept = 0;
    bool empty_suffix = false;
    for (;;) {
        p = skip_ows(p);
        if (*p == ',') {                        /* empty list elements are allowed */
            p++;
            continue;
        }
        if (!*p) break;
        if (++specs > max) return RANGE_IGNORE;
        SpecKind k = parse_spec(&p, size, &out[kept]);
        if (k == SPEC_BAD) return RANGE_IGNORE;
        if (k == SPEC_SAT) kept++;
        if (k == SPEC_EMPTY_SUFFIX) empty_suffix = true;
        p = skip_ows(p);
        if (*p && *p != ',') return RANGE_IGNORE;
    }
    if (!specs) return RANGE_IGNORE;
    if (!kept) return empty_suffix ? RANGE_IGNORE : RANGE_UNSATISFIABLE;
    *n = coalesce(out, kept);
    return RANGE_OK;
}

/* ======================================================================
 * Entity-tags (RFC 9110 §8.8.3)
 * ==================================================================== */

typedef struct Tag {
    bool weak;
    const char *opaque;     /* between the quotes */
    size_t len;
} Tag;

/* etagc = %x21 / %x23-7E / obs-text: anything visible but DQUOTE. */
static bool is_etagc(unsigned char c) { return c == 0x21 || (c >= 0x23 && c != 0x7f); }

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, at *pp. */
static bool parse_tag(const char **pp, Tag *t)
{
    const char *p = *pp;
    t->weak = p[0] == 'W' && p[1] == '/';
    if (t->weak) p += 2;
    if (*p++ != '"') return false;
    t->opaque = p;
    while (is_etagc((unsigned char)*p)) p++;
    if (*p != '"') return false;
    t->len = (size_t)(p - t->opaque);
    *pp = p + 1;
    return true;
}

/* Our own tag, as the caller gave it; false when it is not a valid tag. */
static bool parse_whole_tag(const char *s, Tag *t)
{
    return s && parse_tag(&s, t) && *s == '\0';
}

static bool tags_equal(const Tag *a, const Tag *b, bool weak_ok)
{
    if (!weak_ok && (a->weak || b->weak)) return false;
    return a->len == b->len && memcmp(a->opaque, b->opaque, a->len) == 0;
}

bool etag_matches(const char *header, const char *etag, bool weak_ok)
{
    if (!header) return false;
    const char *p = skip_ows(header);
    if (*p == '*') return *skip_ows(p + 1) == '\0';
    Tag mine;
    bool have = parse_whole_tag(etag, &mine), found = false;
    for (;;) {
        p = skip_ows(p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (!*p) return found;
        Tag t;
        if (!parse_tag(&p, &t)) return false;   /* a malformed list matches nothing */
        if (have && tags_equal(&t, &mine, weak_ok)) found = true;
        p = skip_ows(p);
        if (*p && *p != ',') return false;
    }
}

/* ======================================================================
 * HTTP-date (RFC 9110 §5.6.7)
 * ==================================================================== */

static const char *const day_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_long[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Index of the name in `names` that *pp starts with, exactly (case-sensitive). */
static int take_name(const char **pp, const char *const *names, int count)
{
    for (int i = 0; i < count; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(*pp, names[i], n) == 0) {
            *pp += n;
            return i;
        }
    }
    return -1;
}

/* Exactly `n` digits. */
static bool take_num(const char **pp, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*pp)[i])) return false;
        v = v * 10 + ((*pp)[i] - '0');
    }
    *pp += n;
    *out = v;
    return true;
}

static bool take_char(const char **pp, char c)
{
    if (**pp != c) return false;
    (*pp)++;
    return true;
}

typedef struct Civil {
    int year, mon, day, hour, min, sec;     /* mon 1..12 */
} Civil;

/* "HH:MM:SS" */
static bool take_time(const char **pp, Civil *c)
{
    return take_num(pp, 2, &c->hour) && take_char(pp, ':') && take_num(pp, 2, &c->min)
        && take_char(pp, ':') && take_num(pp, 2, &c->sec);
}

static bool take_month(const char **pp, Civil *c)
{
    int m = take_name(pp, months, 12);
    c->mon = m + 1;
    return m >= 0;
}

static bool civil_valid(const Civil *c)
{
    if (c->mon < 1 || c->mon > 12 || c->day < 1) return false;
    /* second 60 is a leap second, which the grammar allows */
    return c->day <= time_month_days(c->year, c->mon) && c->hour <= 23 && c->min <= 59 && c->sec <= 60;
}

static int64_t civil_to_unix(const Civil *c)
{
    return time_days_from_civil(c->year, c->mon, c->day) * 86400 + c->hour * 3600 + c->min * 60 + c->sec;
}

/* RFC 850's two-digit year: RFC 9110 says a year that looks more than 50
 * years in the future is the most recent past year with those digits. */
static int full_year(int yy)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int cur = tm.tm_year + 1900;
    int y = cur - cur % 100 + yy;
    if (y > cur + 50) y -= 100;
    return y;
}

/* After "Sun," : " 06 Nov 1994 08:49:37 GMT" */
static bool parse_imf(const char **pp, Civil *c)
{
    if (!(take_char(pp, ' ') && take_num(pp, 2, &c->day) && take_char(pp, ' ')
          && take_month(pp, c) && take_char(pp, ' ') && take_num(pp, 4, &c->year)
          && take_char(pp, ' ') && take_time(pp, c) && strncmp(*pp, " GMT", 4) == 0))
        return false;
    *pp += 4;
    return true;
}

/* After "Sunday," : " 06-Nov-94 08:49:37 GMT" */
static bool parse_rfc850(const char **pp, Civil *c)
{
    int yy;
    if (!(take_char(pp, ' ') && take_num(pp, 2, &c->day) && take_char(pp, '-')
          && take_month(pp, c) && take_char(pp, '-') && take_num(pp, 2, &yy)
          && take_char(pp, ' ') && take_time(pp, c) && strncmp(*pp, " GMT", 4) == 0))
        return false;
    *pp += 4;
    c->year = full_year(yy);
    return true;
}

/* After "Sun" : " Nov  6 08:49:37 1994" (day is 2DIGIT or SP DIGIT) */
static bool parse_asctime(const char **pp, Civil *c)
{
    if (!(take_char(pp, ' ') && take_month(pp, c) && take_char(pp, ' '))) return false;
    if (**pp == ' ') {
        (*pp)++;
        if (!take_num(pp, 1, &c->day)) return false;
    } else if (!take_num(pp, 2, &c->day)) {
        return false;
    }
    return take_char(pp, ' ') && take_time(pp, c) && take_char(pp, ' ')
        && take_num(pp, 4, &c->year);
}

bool http_date_parse(const char *s, int64_t *unix_seconds)
{
    if (!s) return false;
    const char *p = skip_ows(s);
    Civil c = {0};
    bool ok;
    /* Long names first: "Sunday" also starts with "Sun". */
    if (take_name(&p, day_long, 7) >= 0) ok = take_char(&p, ',') && parse_rfc850(&p, &c);
    else if (take_name(&p, day_short, 7) < 0) ok = false;
    else if (*p == ',') ok = take_char(&p, ',') && parse_imf(&p, &c);
    else ok = parse_asctime(&p, &c);
    if (!ok || *skip_ows(p) != '\0' || !civil_valid(&c)) return false;
    *unix_seconds = civil_to_unix(&c);
    return true;
}

void http_date_format(int64_t t, char out[30])
{
    /* 0000-01-01 .. 9999-12-31 23:59:59 keeps the text at 29 characters. */
    const int64_t lo = INT64_C(-62167219200), hi = INT64_C(253402300799);
    time_t s = (time_t)(t < lo ? lo : t > hi ? hi : t);
    struct tm tm;
    gmtime_r(&s, &tm);
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ======================================================================
 * Preconditions (RFC 9110 §13.2.2)
 * ==================================================================== */

static bool is_safe(Method m) { return m == M_GET || m == M_HEAD; }

/* If-Range (§13.1.5): a strong match of one entity-tag, or a date equal
 * to Last-Modified.  Anything else means "send the whole file". */
static bool if_range_holds(const char *v, const char *etag, int64_t mtime_s)
{
    const char *p = skip_ows(v);
    if (*p == '"' || (p[0] == 'W' && p[1] == '/')) {
        Tag theirs, mine;
        return parse_tag(&p, &theirs) && *skip_ows(p) == '\0' && parse_whole_tag(etag, &mine)
            && tags_equal(&theirs, &mine, false);
    }
    int64_t d;
    return mtime_s >= 0 && http_date_parse(v, &d) && d == mtime_s;
}

/* An unparsable date is ignored, as §13.1.3 and §13.1.4 require. */
static bool date_header(const char *v, int64_t mtime_s, int64_t *d)
{
    return v && mtime_s >= 0 && http_date_parse(v, d);
}

CondResult cond_evaluate(const Preconditions *p, Method m, bool has_range,
                         const char *etag, int64_t mtime_s)
{
    int64_t d;
    /* 1, 2: the client's idea of the file must still hold */
    if (p->if_match) {
        if (!etag_matches(p->if_match, etag, false)) return COND_FAILED;
    } else if (date_header(p->if_unmodified_since, mtime_s, &d) && mtime_s > d) {
        return COND_FAILED;
    }
    /* 3, 4: the client's copy is current */
    if (p->if_none_match) {
        if (etag_matches(p->if_none_match, etag, true))
            return is_safe(m) ? COND_NOT_MODIFIED : COND_FAILED;
    } else if (is_safe(m) && date_header(p->if_modified_since, mtime_s, &d) && mtime_s <= d) {
        return COND_NOT_MODIFIED;
    }
    /* 5: Range, only for GET (§14.2), and only if If-Range still holds */
    if (m != M_GET || !has_range) return COND_FULL;
    if (p->if_range && !if_range_holds(p->if_range, etag, mtime_s)) return COND_FULL;
    return COND_RANGE;
}

/* ======================================================================
 * File responses
 * ==================================================================== */

/* All values of a list header, joined with ", " as RFC 9110 §5.3 allows;
 * NULL when absent. */
static const char *header_joined(const Req *r, const char *lname)
{
    const char *one = NULL;
    Buf b;
    buf_init(&b, 0);
    int count = 0;
    for (const Param *e = r->headers.head; e; e = e->next) {
        if (!str_ieq(e->name, lname)) continue;
        if (count++) buf_puts(&b, ", ");
        buf_puts(&b, e->value);
        one = e->value;
    }
    const char *v = count > 1 ? arena_strdup(r->arena, buf_cstr(&b)) : one;
    buf_free(&b);
    return v;
}

/* The Range header, or NULL when absent or sent more than once (which
 * makes it ambiguous, so it is ignored). */
static const char *range_header(const Req *r)
{
    const char *v = NULL;
    for (const Param *e = r->headers.head; e; e = e->next)
        if (str_ieq(e->name, "range")) {
            if (v) return NULL;
            v = e->value;
        }
    return v;
}

/* Validators and caching, on every answer (304 must carry them too). */
static void set_validators(Req *r, const char *etag, int64_t mtime_s)
{
    if (etag) req_set_header(r, "ETag", etag);
    /* §15.4.5: a 304 with an ETag should not repeat Last-Modified, but it is
     * harmless and keeps every answer alike for caches. */
    if (mtime_s >= 0) {
        char d[30];
        http_date_format(mtime_s, d);
        req_set_header(r, "Last-Modified", d);
    }
    /* Access-controlled files: a shared cache must not keep them, and the
     * browser revalidates (cheaply, with 304) before each reuse; unless the
     * handler chose otherwise (no-store, immutable). */
    for (const RespHeader *h = r->resp_headers; h; h = h->next)
        if (str_ieq(h->name, "Cache-Control")) return;
    req_set_header(r, "Cache-Control", "private, max-age=0, must-revalidate");
}

static void hand_over_fd(Req *r, int fd, int64_t off, int64_t len)
{
    if (r->file_fd >= 0 && r->file_fd != fd) close(r->file_fd);
    r->file_fd = fd;
    r->file_off = off;
    r->file_len = len;
}

/* pread exactly len bytes at off, appended to b. */
static bool pread_into(Buf *b, int fd, int64_t off, int64_t len)
{
    char chunk[16384];      /* modest: this runs on a server pool thread */
    while (len > 0) {
        size_t want = len < (int64_t)sizeof chunk ? (size_t)len : sizeof chunk;
        ssize_t got = pread(fd, chunk, want, (off_t)off);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;     /* error, or the file shrank under us */
        if (!buf_append(b, chunk, (size_t)got)) return false;
        off += got;
        len -= got;
    }
    return true;
}

/* A boundary that cannot be guessed, so no file can hold it on purpose. */
static void make_boundary(char out[40])
{
    unsigned char rnd[12];
    char hex[25];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(out, 40, "lectern-%s", hex);
}

/* multipart/byteranges body (RFC 9110 §14.6) into b; false on a read error. */
static bool build_multipart(Buf *b, int fd, int64_t size, const ByteRange *rg, int n,
                            const char *type, const char *boundary)
{
    for (int i = 0; i < n; i++) {
        buf_printf(b, "%s--%s\r\nContent-Type: %s\r\nContent-Range: bytes %lld-%lld/%lld\r\n\r\n",
                   i ? "\r\n" : "", boundary, type, (long long)rg[i].first,
                   (long long)rg[i].last, (long long)size);
        if (!pread_into(b, fd, rg[i].first, rg[i].last - rg[i].first + 1)) return false;
    }
    buf_printf(b, "\r\n--%s--\r\n", boundary);
    return true;
}

static int64_t ranges_total(const ByteRange *rg, int n)
{
    int64_t t = 0;
    for (int i = 0; i < n; i++) t += rg[i].last - rg[i].first + 1;  /* disjoint: <= size */
    return t;
}

/* What is being sent, once the preconditions have passed. */
typedef struct FileBody {
    int fd;
    int64_t size;
    const char *type, *disposition;
} FileBody;

/* Status and headers of a body actually sent (200 or 206). */
static void describe_body(Req *r, const FileBody *f, int status, const char *type)
{
    r->status = status;
    r->content_type = type;
    if (f->disposition) req_set_header(r, "Content-Disposition", f->disposition);
}

/* 200 with the whole file. */
static void send_full(Req *r, const FileBody *f)
{
    describe_body(r, f, 200, f->type);
    if (f->size > 0) hand_over_fd(r, f->fd, 0, f->size);
    else close(f->fd);      /* nothing to send; the empty r->out says so */
}

static void send_one_range(Req *r, const FileBody *f, const ByteRange *rg)
{
    describe_body(r, f, 206, f->type);
    req_set_header(r, "Content-Range", arena_printf(r->arena, "bytes %lld-%lld/%lld",
                                                    (long long)rg->first, (long long)rg->last,
                                                    (long long)f->size));
    hand_over_fd(r, f->fd, rg->first, rg->last - rg->first + 1);
}

static void send_multipart(Req *r, const FileBody *f, const ByteRange *rg, int n)
{
    char boundary[40];
    make_boundary(boundary);
    errno = 0;
    bool ok = build_multipart(&r->out, f->fd, f->size, rg, n, f->type, boundary);
    int err = errno;
    close(f->fd);
    if (!ok) {
        log_error("range: reading a file for a multipart answer: %s",
                  err ? strerror(err) : "the file shrank");
        req_text(r, 500, "Internal Server Error\n");
        return;
    }
    /* each part carries the file's type; the whole is multipart */
    describe_body(r, f, 206, arena_printf(r->arena, "multipart/byteranges; boundary=%s", boundary));
}

/* A Range request whose preconditions passed. */
static void send_ranges(Req *r, const FileBody *f, const char *range)
{
    ByteRange rg[RANGE_MAX];
    int n = 0;
    int rc = range_parse(range, f->size, rg, RANGE_MAX, &n);
    if (rc == RANGE_UNSATISFIABLE) {
        close(f->fd);
        req_set_header(r, "Content-Range", arena_printf(r->arena, "bytes */%lld", (long long)f->size));
        req_text(r, 416, "Range Not Satisfiable\n");
    } else if (rc != RANGE_OK || (n > 1 && ranges_total(rg, n) > RANGE_MULTIPART_MAX)) {
        send_full(r, f);
    } else if (n == 1) {
        send_one_range(r, f, &rg[0]);
    } else {
        send_multipart(r, f, rg, n);
    }
}

void req_send_file(Req *r, int fd, int64_t size, int64_t mtime_s, const char *etag,
                   const char *content_type, const char *disposition)
{
    buf_reset(&r->out);
    if (fd < 0 || size < 0) {
        if (fd >= 0) close(fd);
        req_text(r, 500, "Internal Server Error\n");
        return;
    }
    Preconditions p = {
        .if_match = header_joined(r, "if-match"),
        .if_none_match = header_joined(r, "if-none-match"),
        .if_modified_since = req_header(r, "if-modified-since"),
        .if_unmodified_since = req_header(r, "if-unmodified-since"),
        .if_range = req_header(r, "if-range"),
    };
    const char *range = range_header(r);
    set_validators(r, etag, mtime_s);
    CondResult c = cond_evaluate(&p, r->method, range != NULL, etag, mtime_s);
    if (c == COND_NOT_MODIFIED) {
        close(fd);
        r->status = 304;
        r->content_type = NULL;     /* a 304 describes no body */
        return;
    }
    if (c == COND_FAILED) {
        close(fd);
        req_text(r, 412, "Precondition Failed\n");
        return;
    }
    req_set_header(r, "Accept-Ranges", "bytes");
    FileBody f = {fd, size, content_type ? content_type : "application/octet-stream", disposition};
    if (c == COND_RANGE) send_ranges(r, &f, range);
    else send_full(r, &f);
}

int req_send_path(Req *r, const char *path, const char *etag, const char *content_type,
                  const char *disposition)
{
    /* O_NONBLOCK: a FIFO planted in the store must not hang a thread in
     * open(); it changes nothing for regular files. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            req_text(r, 404, "Not Found\n");
            return LN_NOTFOUND;
        }
        log_error("range: open %s: %s", path, strerror(errno));
        req_text(r, 500, "Internal Server Error\n");
        return LN_EIO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        req_text(r, 404, "Not Found\n");
        return LN_NOTFOUND;
    }
    if (!etag)
        etag = arena_printf(r->arena, "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "\"", (uint64_t)st.st_ino,
                            (uint64_t)st.st_size,
                            (uint64_t)st.st_mtim.tv_sec * UINT64_C(1000000000) + (uint64_t)st.st_mtim.tv_nsec);
    req_send_file(r, fd, (int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, etag, content_type, disposition);
    return LN_OK;
}

/* ======================================================================
 * Content-Disposition (RFC 6266, RFC 8187)
 * ==================================================================== */

/* Bytes in the UTF-8 sequence starting with lead byte c (s is valid UTF-8). */
static size_t utf8_seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
}

static bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

/* Printable ASCII that is safe inside the quoted fallback: no quote or
 * backslash (quoting), no '%' (some browsers percent-decode filename=), no
 * '/' (a path). */
static bool fallback_ok(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' && c != '/';
}

/* RFC 8187 attr-char: sent as is in filename*. */
static bool attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit((char)c)
        || (c && strchr("!#$&+-.^_`|~", c));
}

/* One '_' per code point (per byte when not UTF-8). */
static void put_fallback(Buf *b, const char *name, bool utf8)
{
    for (size_t i = 0; name[i];) {
        unsigned char c = (unsigned char)name[i];
        buf_putc(b, fallback_ok(c) ? (char)c : '_');
        size_t step = utf8 ? utf8_seq_len(c) : 1;
        for (size_t k = 0; k < step && name[i]; k++) i++;
    }
}

static void put_ext_value(Buf *b, const char *name)
{
    buf_puts(b, "UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (is_control(*p)) buf_putc(b, '_');
        else if (attr_char(*p)) buf_putc(b, (char)*p);
        else buf_printf(b, "%%%02X", *p);
    }
}

char *content_disposition(Arena *a, bool attachment, const char *filename)
{
    const char *type = attachment ? "attachment" : "inline";
    if (str_empty(filename)) return arena_strdup(a, type);
    bool utf8 = utf8_valid(filename, strlen(filename));
    Buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s; filename=\"", type);
    size_t start = b.len;
    put_fallback(&b, filename, utf8);
    bool exact = b.len - start == strlen(filename) && memcmp(b.data + start, filename, b.len - start) == 0;
    buf_putc(&b, '"');
    if (utf8 && !exact) {
        buf_puts(&b, "; filename*=");
        put_ext_value(&b, filename);
    }
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

void req_send_download(Req *r, const Buf *b, const char *content_type, const char *filename)
{
    r->status = 200;
    r->content_type = content_type;
    buf_reset(&r->out);
    buf_append(&r->out, b->data, b->len);
    req_set_header(r, "Content-Disposition", content_disposition(r->arena, true, filename));
    req_set_header(r, "Cache-Control", "private, no-store");
    req_set_header(r, "X-Content-Type-Options", "nosniff");
}
