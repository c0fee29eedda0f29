/* test_range.c — Range, preconditions, HTTP-dates, Content-Disposition and
 * file answers of src/http/range.c. */
#include "testutil.h"
#include "http/dispatch.h"
#include "http/range.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>

/* ======================================================================
 * Helpers
 * ==================================================================== */

/* range_parse with RANGE_MAX slots; returns the result code. */
static int parse(const char *h, int64_t size, ByteRange *out, int *n)
{
    return range_parse(h, size, out, RANGE_MAX, n);
}

static void expect_ranges(const char *h, int64_t size, int n_want, const int64_t *want)
{
    ByteRange rg[RANGE_MAX];
    int n = -1;
    assert_int_equal(parse(h, size, rg, &n), RANGE_OK);
    assert_int_equal(n, n_want);
    for (int i = 0; i < n; i++) {
        assert_int_equal(rg[i].first, want[2 * i]);
        assert_int_equal(rg[i].last, want[2 * i + 1]);
    }
}

static void expect_one(const char *h, int64_t size, int64_t first, int64_t last)
{
    int64_t w[2] = {first, last};
    expect_ranges(h, size, 1, w);
}

static void expect_code(const char *h, int64_t size, int code)
{
    ByteRange rg[RANGE_MAX];
    int n = -1;
    assert_int_equal(parse(h, size, rg, &n), code);
    assert_int_equal(n, 0);
}

static int64_t date(const char *s)
{
    int64_t t = -1;
    assert_true(http_date_parse(s, &t));
    return t;
}

/* Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example. */
#define RFC_T INT64_C(784111777)
#define FILE_SIZE 1000
#define ETAG "\"v1-abc\""
#define MTIME INT64_C(1700000000)
#define MTIME_DATE "Tue, 14 Nov 2023 22:13:20 GMT"

static char tmp_dir[64];

/* A file of `size` bytes where byte i is 'a' + i % 26; returns its path. */
static const char *make_file(const char *name, int64_t size)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    char buf[4096];
    for (int64_t off = 0; off < size;) {
        size_t n = size - off < (int64_t)sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + (off + (int64_t)i) % 26);
        assert_int_equal(write(fd, buf, n), (ssize_t)n);
        off += (int64_t)n;
    }
    close(fd);
    return path;
}

static int open_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    return fd;
}

static bool fd_closed(int fd) { return fcntl(fd, F_GETFD) == -1 && errno == EBADF; }

/* A Req from raw request text ("GET / HTTP/1.1\r\nRange: ...\r\n\r\n"). */
static Req *mkreq(const char *raw)
{
    Req *r = req_new(NULL);
    char *copy = arena_strdup(r->arena, raw);
    assert_true(req_parse_raw(r, copy, strlen(copy)));
    return r;
}

static const char *resp_header(const Req *r, const char *name)
{
    for (const RespHeader *h = r->resp_headers; h; h = h->next)
        if (str_ieq(h->name, name)) return h->value;
    return NULL;
}

static int resp_header_count(const Req *r, const char *name)
{
    int n = 0;
    for (const RespHeader *h = r->resp_headers; h; h = h->next) n += str_ieq(h->name, name);
    return n;
}

/* Send the 1000-byte test file for `raw`; *fd_out gets the fd passed in. */
static Req *send(const char *raw, int *fd_out)
{
    Req *r = mkreq(raw);
    int fd = open_file(make_file("f.bin", FILE_SIZE));
    if (fd_out) *fd_out = fd;
    req_send_file(r, fd, FILE_SIZE, MTIME, ETAG, "video/mp4", "inline");
    return r;
}

static int status_for(const char *raw)
{
    Req *r = send(raw, NULL);
    int s = r->status;
    req_free(r);
    return s;
}

/* ======================================================================
 * range_parse
 * ==================================================================== */

static void test_range_forms(void **state)
{
    expect_one("bytes=0-499", 1000, 0, 499);
    expect_one("bytes=500-999", 1000, 500, 999);
    expect_one("bytes=500-", 1000, 500, 999);
    expect_one("bytes=-200", 1000, 800, 999);
    expect_one("bytes=0-0", 1000, 0, 0);
    expect_one("bytes=999-999", 1000, 999, 999);
    expect_one("bytes=999-", 1000, 999, 999);
    expect_one("bytes=-1", 1000, 999, 999);
    expect_one("bytes=0-", 1, 0, 0);
    expect_one("bytes=900-5000", 1000, 900, 999);     /* last clipped */
    expect_one("BYTES=0-1", 1000, 0, 1);              /* unit is case-insensitive */
    expect_one("Bytes=007-008", 1000, 7, 8);          /* leading zeros */
}

static void test_range_suffix_larger_than_file(void **state)
{
    expect_one("bytes=-5000", 1000, 0, 999);
    expect_one("bytes=-1000", 1000, 0, 999);
    expect_one("bytes=-999", 1000, 1, 999);
}

static void test_range_unsatisfiable(void **state)
{
    expect_code("bytes=1000-", 1000, RANGE_UNSATISFIABLE);
    expect_code("bytes=1000-1000", 1000, RANGE_UNSATISFIABLE);
    expect_code("bytes=2000-3000", 1000, RANGE_UNSATISFIABLE);
    expect_code("bytes=-0", 1000, RANGE_UNSATISFIABLE);
    expect_code("bytes=1000-,5000-6000,-0", 1000, RANGE_UNSATISFIABLE);
    /* one satisfiable range is enough; the others are dropped */
    expect_one("bytes=1000-,0-1,5000-", 1000, 0, 1);
}

static void test_range_empty_file(void **state)
{
    expect_code("bytes=0-", 0, RANGE_UNSATISFIABLE);
    expect_code("bytes=0-0", 0, RANGE_UNSATISFIABLE);
    expect_code("bytes=-0", 0, RANGE_UNSATISFIABLE);
    /* a suffix selects the whole (empty) file: just send it */
    expect_code("bytes=-5", 0, RANGE_IGNORE);
    expect_code("bytes=0-,-5", 0, RANGE_IGNORE);
}

static void test_range_coalesce(void **state)
{
    int64_t w1[] = {0, 199, 250, 260, 300, 399};
    expect_ranges("bytes=0-99,50-149,150-199,300-399,250-260", 1000, 3, w1);
    int64_t w2[] = {0, 9, 500, 599};
    expect_ranges("bytes=500-599,0-9", 1000, 2, w2);      /* sorted */
    expect_one("bytes=0-,-1", 1000, 0, 999);               /* overlap */
    expect_one("bytes=0-1,2-3", 1000, 0, 3);               /* adjacent */
    expect_one("bytes=5-9,5-9,5-9,5-9", 1000, 5, 9);       /* repeated */
    expect_one("bytes=10-20,0-999", 1000, 0, 999);         /* contained */
    int64_t w3[] = {0, 1, 3, 4};
    expect_ranges("bytes=3-4,0-1", 1000, 2, w3);           /* a one-byte gap stays */
}

static void test_range_too_many(void **state)
{
    char h[512] = "bytes=";
    for (int i = 0; i < RANGE_MAX; i++)
        snprintf(h + strlen(h), sizeof h - strlen(h), "%s%d-%d", i ? "," : "", i * 10, i * 10 + 1);
    ByteRange rg[RANGE_MAX];
    int n;
    assert_int_equal(parse(h, 1000, rg, &n), RANGE_OK);
    assert_int_equal(n, RANGE_MAX);
    strcat(h, ",500-501");
    expect_code(h, 1000, RANGE_IGNORE);
    /* unsatisfiable specs count too: the limit is on work, not on output */
    char u[512] = "bytes=0-0";
    for (int i = 0; i < RANGE_MAX; i++) strcat(u, ",5000-");
    expect_code(u, 1000, RANGE_IGNORE);
    /* the same amplification in one spec repeated, under the limit, coalesces */
    expect_one("bytes=0-,0-,0-,0-,0-,0-,0-,0-", 1000, 0, 999);
    /* a caller's smaller max */
    assert_int_equal(range_parse("bytes=0-1,5-6", 1000, rg, 1, &n), RANGE_IGNORE);
    assert_int_equal(range_parse("bytes=0-1", 1000, rg, 0, &n), RANGE_IGNORE);
}

static void test_range_garbage(void **state)
{
    static const char *const bad[] = {
        "", "bytes", "bytes=", "bytes=,", "bytes= , ,", "bytes=abc", "bytes=5-3",
        "bytes=-", "bytes=1-2-3", "items=0-1", "bytes 0-1", "bytes=0-1;", "bytes=+1-2",
        "bytes=0x10-20", "bytes=1 - 2", "bytes=--1", "bytes=0-1,x", "bytes =0-1",
        "bytes=0-1 2-3", "bytes=1", "bytes=-1-2", "bytesx=0-1", "bytes=0-\x01", "=0-1",
        "bytes=\xff", "bytes=0-1\r\n", "bytes=1.5-2",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) expect_code(bad[i], 1000, RANGE_IGNORE);
    ByteRange rg[RANGE_MAX];
    int n = 7;
    assert_int_equal(range_parse(NULL, 1000, rg, RANGE_MAX, &n), RANGE_IGNORE);
    assert_int_equal(n, 0);
    assert_int_equal(range_parse("bytes=0-1", -1, rg, RANGE_MAX, &n), RANGE_IGNORE);
}

static void test_range_whitespace(void **state)
{
    int64_t w[] = {0, 1, 5, 6};
    expect_ranges("bytes= 0-1 , 5-6 ", 1000, 2, w);
    expect_ranges("  bytes=0-1,\t5-6", 1000, 2, w);
    expect_ranges("bytes=0-1,,\t, 5-6,", 1000, 2, w);      /* empty list elements */
    expect_code(",bytes=0-1", 1000, RANGE_IGNORE);
}

static void test_range_huge_numbers(void **state)
{
    const int64_t max = INT64_MAX;
    expect_code("bytes=9223372036854775807-", 1000, RANGE_UNSATISFIABLE);
    expect_code("bytes=9223372036854775808-", 1000, RANGE_IGNORE);
    expect_code("bytes=0-9223372036854775808", 1000, RANGE_IGNORE);
    expect_code("bytes=0-99999999999999999999999999", 1000, RANGE_IGNORE);
    expect_code("bytes=-99999999999999999999", 1000, RANGE_IGNORE);
    expect_one("bytes=0-9223372036854775807", 1000, 0, 999);
    expect_one("bytes=-9223372036854775807", 1000, 0, 999);
    expect_one("bytes=0000000000000000000000000000001-2", 1000, 1, 2);
    expect_one("bytes=9223372036854775805-", max, max - 2, max - 1);
    expect_one("bytes=-2", max, max - 2, max - 1);
    int64_t w[] = {0, 0, max - 1, max - 1};
    expect_ranges("bytes=9223372036854775806-,0-0", max, 2, w);
}

/* ======================================================================
 * etag_matches
 * ==================================================================== */

static void test_etag_matches(void **state)
{
    assert_true(etag_matches("\"abc\"", "\"abc\"", false));
    assert_true(etag_matches("\"abc\"", "\"abc\"", true));
    assert_false(etag_matches("\"abd\"", "\"abc\"", true));
    assert_false(etag_matches("\"ab\"", "\"abc\"", true));
    /* lists, whitespace, empty elements */
    assert_true(etag_matches("\"x\", \"abc\"", "\"abc\"", false));
    assert_true(etag_matches(" \"x\" ,\t\"y\",,\"abc\" ", "\"abc\"", true));
    assert_false(etag_matches("\"x\", \"y\"", "\"abc\"", true));
    /* commas inside a tag are part of it */
    assert_true(etag_matches("\"a,b\"", "\"a,b\"", false));
    assert_false(etag_matches("\"a,b\"", "\"a\"", true));
    /* weak: only for weak comparison, on either side */
    assert_true(etag_matches("W/\"abc\"", "\"abc\"", true));
    assert_false(etag_matches("W/\"abc\"", "\"abc\"", false));
    assert_true(etag_matches("\"abc\"", "W/\"abc\"", true));
    assert_false(etag_matches("\"abc\"", "W/\"abc\"", false));
    assert_true(etag_matches("W/\"abc\"", "W/\"abc\"", true));
    assert_false(etag_matches("w/\"abc\"", "\"abc\"", true));     /* W is case-sensitive */
    /* "*" */
    assert_true(etag_matches("*", "\"abc\"", false));
    assert_true(etag_matches(" * ", "\"abc\"", true));
    assert_true(etag_matches("*", NULL, false));
    assert_false(etag_matches("*, \"abc\"", "\"abc\"", true));
    assert_false(etag_matches("**", "\"abc\"", true));
    /* malformed lists match nothing */
    assert_false(etag_matches("abc", "\"abc\"", true));
    assert_false(etag_matches("\"abc", "\"abc\"", true));
    assert_false(etag_matches("\"abc\" x", "\"abc\"", true));
    assert_false(etag_matches("\"abc\", junk", "\"abc\"", true));
    assert_false(etag_matches("\"a b\"", "\"a b\"", true));
    assert_false(etag_matches("", "\"abc\"", true));
    assert_false(etag_matches(NULL, "\"abc\"", true));
    assert_false(etag_matches("\"abc\"", NULL, true));
    assert_false(etag_matches("\"abc\"", "abc", true));           /* our tag unquoted: never */
}

/* ======================================================================
 * HTTP-date
 * ==================================================================== */

static void test_date_formats(void **state)
{
    assert_int_equal(date("Sun, 06 Nov 1994 08:49:37 GMT"), RFC_T);
    assert_int_equal(date("Sunday, 06-Nov-94 08:49:37 GMT"), RFC_T);
    assert_int_equal(date("Sun Nov  6 08:49:37 1994"), RFC_T);
    assert_int_equal(date("Sun Nov 06 08:49:37 1994"), RFC_T);
    assert_int_equal(date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
    assert_int_equal(date("Wed, 31 Dec 1969 23:59:59 GMT"), -1);
    assert_int_equal(date(MTIME_DATE), MTIME);
    assert_int_equal(date("Tue, 29 Feb 2000 00:00:00 GMT"), INT64_C(951782400));
    assert_int_equal(date("Thu Feb 29 12:00:00 2024"), INT64_C(1709208000));
    assert_int_equal(date("Fri, 31 Dec 9999 23:59:59 GMT"), INT64_C(253402300799));
    assert_int_equal(date("Sat, 01 Jan 0000 00:00:00 GMT"), INT64_C(-62167219200));
    /* the leap second the grammar allows */
    assert_int_equal(date("Sat, 31 Dec 2016 23:59:60 GMT"), INT64_C(1483228800));
    /* surrounding whitespace, as a header value may carry */
    assert_int_equal(date(" Sun, 06 Nov 1994 08:49:37 GMT "), RFC_T);
    /* RFC 850 two-digit years: more than 50 years ahead means the past */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int year = tm.tm_year + 1900;
    static const int ahead[] = {1, 50, 51, 99};
    for (size_t i = 0; i < LN_ARRAY_LEN(ahead); i++) {
        char s[64];
        int y = year + ahead[i], expect = ahead[i] <= 50 ? y : y - 100;
        snprintf(s, sizeof s, "Monday, 01-Jan-%02d 00:00:00 GMT", y % 100);
        char got[30];
        http_date_format(date(s), got);
        assert_int_equal(atoi(got + 12), expect);
    }
}

static void test_date_invalid(void **state)
{
    static const char *const bad[] = {
        "", "Sun", "Sun,", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37",
        "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 gmt", "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT", "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT", "Sun, 06 Nov 1994 08:49:37 GMT junk",
        "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 29 Feb 1900 00:00:00 GMT",
        "Sun, 29 Feb 2023 00:00:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 23:60:00 GMT", "Sun, 06 Nov 1994 23:59:61 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Now 1994 08:49:37 GMT",
        "Sun, 06 Nov +994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT\x01",
        "Sunday, 06-Nov-1994 08:49:37 GMT", "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37",
        "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94", "Sun Nov  6 08:49:37 1994 GMT",
        "Sun,Nov  6 08:49:37 1994", "Sun Nov   6 08:49:37 1994", "1994-11-06T08:49:37Z",
        "784111777", "Sun, 06 Nov 1994 08:49:37 GMT,", "Sun, 06 Nov 1994 08:49:37 GMT\r\n",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        int64_t t = 42;
        if (http_date_parse(bad[i], &t)) fail_msg("accepted invalid date [%s]", bad[i]);
        assert_int_equal(t, 42);
    }
    int64_t t;
    assert_false(http_date_parse(NULL, &t));
}

static void test_date_format(void **state)
{
    char d[30];
    http_date_format(RFC_T, d);
    assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");
    http_date_format(0, d);
    assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 GMT");
    http_date_format(INT64_MAX, d);
    assert_string_equal(d, "Fri, 31 Dec 9999 23:59:59 GMT");
    http_date_format(INT64_MIN, d);
    assert_string_equal(d, "Sat, 01 Jan 0000 00:00:00 GMT");
    /* round trip, and agreement with core's formatter */
    for (int64_t t = -86400 * 400; t < INT64_C(4102444800); t += INT64_C(86400) * 97 + 3677) {
        http_date_format(t, d);
        assert_int_equal(date(d), t);
        if (t >= 0) {
            char c[40];
            time_http_date(t * US_PER_SEC, c, sizeof c);
            assert_string_equal(d, c);
        }
    }
}

/* ======================================================================
 * cond_evaluate (RFC 9110 §13.2.2)
 * ==================================================================== */

static CondResult cond(const Preconditions *p, Method m, bool range)
{
    return cond_evaluate(p, m, range, ETAG, MTIME);
}

static void test_cond_order(void **state)
{
    Preconditions none = {0};
    assert_int_equal(cond(&none, M_GET, false), COND_FULL);
    assert_int_equal(cond(&none, M_GET, true), COND_RANGE);
    assert_int_equal(cond(&none, M_HEAD, true), COND_FULL);        /* Range is for GET only */
    assert_int_equal(cond(&none, M_POST, true), COND_FULL);

    /* If-Match beats If-None-Match */
    Preconditions p = {.if_match = "\"other\"", .if_none_match = ETAG};
    assert_int_equal(cond(&p, M_GET, false), COND_FAILED);
    /* If-Match present: If-Unmodified-Since is ignored */
    p = (Preconditions){.if_match = ETAG, .if_unmodified_since = "Sun, 06 Nov 1994 08:49:37 GMT"};
    assert_int_equal(cond(&p, M_GET, false), COND_FULL);
    p = (Preconditions){.if_unmodified_since = "Sun, 06 Nov 1994 08:49:37 GMT"};
    assert_int_equal(cond(&p, M_GET, false), COND_FAILED);
    p = (Preconditions){.if_unmodified_since = MTIME_DATE};
    assert_int_equal(cond(&p, M_GET, false), COND_FULL);
    p = (Preconditions){.if_unmodified_since = "not a date"};
    assert_int_equal(cond(&p, M_GET, false), COND_FULL);

    /* If-None-Match: 304 for GET/HEAD, 412 otherwise */
    p = (Preconditions){.if_none_match = ETAG};
    assert_int_equal(cond(&p, M_GET, true), COND_NOT_MODIFIED);
    assert_int_equal(cond(&p, M_HEAD, false), COND_NOT_MODIFIED);
    assert_int_equal(cond(&p, M_POST, false), COND_FAILED);
    /* If-None-Match present: If-Modified-Since is ignored */
    p = (Preconditions){.if_none_match = "\"other\"", .if_modified_since = MTIME_DATE};
    assert_int_equal(cond(&p, M_GET, false), COND_FULL);
    p = (Preconditions){.if_modified_since = MTIME_DATE};
    assert_int_equal(cond(&p, M_GET, false), COND_NOT_MODIFIED);
    assert_int_equal(cond(&p, M_POST, false), COND_FULL);
    p = (Preconditions){.if_modified_since = "Sun, 06 Nov 1994 08:49:37 GMT"};
    assert_int_equal(cond(&p, M_GET, true), COND_RANGE);
    p = (Preconditions){.if_modified_since = "garbage"};
    assert_int_equal(cond(&p, M_GET, false), COND_FULL);
    /* unknown mtime: date conditions cannot hold or fail */
    p = (Preconditions){.if_modified_since = MTIME_DATE, .if_unmodified_since = "Sun, 06 Nov 1994 08:49:37 GMT"};
    assert_int_equal(cond_evaluate(&p, M_GET, false, ETAG, -1), COND_FULL);
}

static void test_cond_if_range(void **state)
{
    Preconditions p = {.if_range = ETAG};
    assert_int_equal(cond(&p, M_GET, true), COND_RANGE);
    assert_int_equal(cond(&p, M_GET, false), COND_FULL);           /* no Range: ignored */
    p.if_range = "\"other\"";
    assert_int_equal(cond(&p, M_GET, true), COND_FULL);
    p.if_range = "W/\"v1-abc\"";                                    /* weak never matches */
    assert_int_equal(cond(&p, M_GET, true), COND_FULL);
    assert_int_equal(cond_evaluate(&p, M_GET, true, "W/\"v1-abc\"", MTIME), COND_FULL);
    p.if_range = ETAG ", \"other\"";                                /* one tag, not a list */
    assert_int_equal(cond(&p, M_GET, true), COND_FULL);
    p.if_range = MTIME_DATE;
    assert_int_equal(cond(&p, M_GET, true), COND_RANGE);
    p.if_range = "Tue, 14 Nov 2023 22:13:21 GMT";                   /* must be equal, not later */
    assert_int_equal(cond(&p, M_GET, true), COND_FULL);
    p.if_range = "Tue, 14 Nov 2023 22:13:19 GMT";
    assert_int_equal(cond(&p, M_GET, true), COND_FULL);
    p.if_range = "garbage";
    assert_int_equal(cond(&p, M_GET, true), COND_FULL);
    assert_int_equal(cond_evaluate(&p, M_GET, true, NULL, MTIME), COND_FULL);
    p.if_range = ETAG;
    assert_int_equal(cond_evaluate(&p, M_GET, true, NULL, MTIME), COND_FULL);
}

/* ======================================================================
 * req_send_file
 * ==================================================================== */

static void test_send_full(void **state)
{
    int fd;
    Req *r = send("GET /f HTTP/1.1\r\n\r\n", &fd);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->file_fd, fd);
    assert_int_equal(r->file_off, 0);
    assert_int_equal(r->file_len, FILE_SIZE);
    assert_string_equal(r->content_type, "video/mp4");
    assert_string_equal(resp_header(r, "ETag"), ETAG);
    assert_string_equal(resp_header(r, "Last-Modified"), MTIME_DATE);
    assert_string_equal(resp_header(r, "Accept-Ranges"), "bytes");
    assert_string_equal(resp_header(r, "Cache-Control"), "private, max-age=0, must-revalidate");
    assert_string_equal(resp_header(r, "Content-Disposition"), "inline");
    assert_null(resp_header(r, "Content-Range"));
    /* the common headers (nosniff) come once, from req_finish */
    req_finish(r);
    assert_string_equal(resp_header(r, "X-Content-Type-Options"), "nosniff");
    assert_int_equal(resp_header_count(r, "X-Content-Type-Options"), 1);
    assert_int_equal(resp_header_count(r, "Cache-Control"), 1);
    req_free(r);
    assert_true(fd_closed(fd));     /* the Req owned it */
}

static void test_send_single_range(void **state)
{
    int fd;
    Req *r = send("GET /f HTTP/1.1\r\nRange: bytes=100-199\r\n\r\n", &fd);
    assert_int_equal(r->status, 206);
    assert_int_equal(r->file_fd, fd);
    assert_int_equal(r->file_off, 100);
    assert_int_equal(r->file_len, 100);
    assert_string_equal(resp_header(r, "Content-Range"), "bytes 100-199/1000");
    assert_string_equal(r->content_type, "video/mp4");
    req_free(r);

    r = send("GET /f HTTP/1.1\r\nRange: bytes=-10\r\n\r\n", NULL);
    assert_int_equal(r->status, 206);
    assert_int_equal(r->file_off, 990);
    assert_int_equal(r->file_len, 10);
    assert_string_equal(resp_header(r, "Content-Range"), "bytes 990-999/1000");
    req_free(r);

    /* what a browser sends to start a video: the whole file as a 206 */
    r = send("GET /f HTTP/1.1\r\nRange: bytes=0-\r\n\r\n", NULL);
    assert_int_equal(r->status, 206);
    assert_string_equal(resp_header(r, "Content-Range"), "bytes 0-999/1000");
    req_free(r);
}

static void test_send_unsatisfiable(void **state)
{
    int fd;
    Req *r = send("GET /f HTTP/1.1\r\nRange: bytes=1000-\r\n\r\n", &fd);
    assert_int_equal(r->status, 416);
    assert_true(fd_closed(fd));
    assert_int_equal(r->file_fd, -1);
    assert_string_equal(resp_header(r, "Content-Range"), "bytes */1000");
    assert_null(resp_header(r, "Content-Disposition"));
    req_free(r);
}

static void test_send_ignored_ranges(void **state)
{
    /* malformed, other units, two Range headers: the whole file */
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nRange: bytes=5-3\r\n\r\n"), 200);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nRange: pages=1-2\r\n\r\n"), 200);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nRange: bytes=0-1\r\nRange: bytes=2-3\r\n\r\n"), 200);
    /* HEAD: range handling is defined for GET only (RFC 9110 §14.2) */
    Req *r = send("HEAD /f HTTP/1.1\r\nRange: bytes=0-1\r\n\r\n", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->file_len, FILE_SIZE);
    assert_string_equal(resp_header(r, "Accept-Ranges"), "bytes");
    req_free(r);
}

static void test_send_not_modified(void **state)
{
    static const char *const inm[] = {
        ETAG, "*", "\"x\", " ETAG, "W/" ETAG, "\"x\",W/\"y\",  W/" ETAG " ",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(inm); i++) {
        char raw[256];
        snprintf(raw, sizeof raw, "GET /f HTTP/1.1\r\nIf-None-Match: %s\r\nRange: bytes=0-1\r\n\r\n", inm[i]);
        int fd;
        Req *r = send(raw, &fd);
        assert_int_equal(r->status, 304);
        assert_true(fd_closed(fd));
        assert_int_equal(r->file_fd, -1);
        assert_null(r->content_type);
        assert_int_equal(r->out.len, 0);
        assert_string_equal(resp_header(r, "ETag"), ETAG);
        assert_string_equal(resp_header(r, "Cache-Control"), "private, max-age=0, must-revalidate");
        req_free(r);
    }
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-None-Match: \"x\", \"y\"\r\n\r\n"), 200);
    /* a list split over two header lines */
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-None-Match: \"x\"\r\nIf-None-Match: " ETAG "\r\n\r\n"), 304);
    assert_int_equal(status_for("HEAD /f HTTP/1.1\r\nIf-None-Match: " ETAG "\r\n\r\n"), 304);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Modified-Since: " MTIME_DATE "\r\n\r\n"), 304);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"), 200);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-None-Match: \"x\"\r\nIf-Modified-Since: " MTIME_DATE "\r\n\r\n"), 200);
}

static void test_send_precondition_failed(void **state)
{
    int fd;
    Req *r = send("GET /f HTTP/1.1\r\nIf-Match: \"other\"\r\n\r\n", &fd);
    assert_int_equal(r->status, 412);
    assert_true(fd_closed(fd));
    assert_int_equal(r->file_fd, -1);
    req_free(r);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Match: W/" ETAG "\r\n\r\n"), 412);   /* strong */
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Match: *\r\n\r\n"), 200);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Match: \"a\", " ETAG "\r\n\r\n"), 200);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Match: " ETAG "\r\nRange: bytes=0-1\r\n\r\n"), 206);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"), 412);
    assert_int_equal(status_for("GET /f HTTP/1.1\r\nIf-Unmodified-Since: " MTIME_DATE "\r\n\r\n"), 200);
}

static void test_send_if_range(void **state)
{
    const char *base = "GET /f HTTP/1.1\r\nRange: bytes=10-19\r\nIf-Range: ";
    static const struct { const char *v; int status; } cases[] = {
        {ETAG, 206}, {"\"other\"", 200}, {"W/" ETAG, 200}, {MTIME_DATE, 206},
        {"Tue, 14 Nov 2023 22:13:21 GMT", 200}, {"Tuesday, 14-Nov-23 22:13:20 GMT", 206},
        {"Tue Nov 14 22:13:20 2023", 206}, {"junk", 200},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(cases); i++) {
        char raw[256];
        snprintf(raw, sizeof raw, "%s%s\r\n\r\n", base, cases[i].v);
        Req *r = send(raw, NULL);
        if (r->status != cases[i].status)
            fail_msg("If-Range [%s]: %d, want %d", cases[i].v, r->status, cases[i].status);
        assert_int_equal(r->file_len, cases[i].status == 206 ? 10 : FILE_SIZE);
        req_free(r);
    }
}

/* The exact multipart/byteranges body for two ranges of the test file. */
static void test_send_multipart(void **state)
{
    int fd;
    Req *r = send("GET /f HTTP/1.1\r\nRange: bytes=30-34, 0-4,2-3\r\n\r\n", &fd);
    assert_int_equal(r->status, 206);
    assert_true(fd_closed(fd));
    assert_int_equal(r->file_fd, -1);
    const char *prefix = "multipart/byteranges; boundary=";
    assert_true(str_startswith(r->content_type, prefix));
    const char *b = r->content_type + strlen(prefix);
    assert_true(strlen(b) >= 16 && strlen(b) <= 70);
    assert_null(resp_header(r, "Content-Range"));
    char want[512];
    snprintf(want, sizeof want,
             "--%s\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-4/1000\r\n\r\nabcde"
             "\r\n--%s\r\nContent-Type: video/mp4\r\nContent-Range: bytes 30-34/1000\r\n\r\nefghi"
             "\r\n--%s--\r\n", b, b, b);
    assert_int_equal(r->out.len, strlen(want));
    assert_memory_equal(r->out.data, want, strlen(want));
    req_free(r);

    /* a fresh boundary each time */
    Req *r1 = send("GET /f HTTP/1.1\r\nRange: bytes=0-0,2-2\r\n\r\n", NULL);
    Req *r2 = send("GET /f HTTP/1.1\r\nRange: bytes=0-0,2-2\r\n\r\n", NULL);
    assert_string_not_equal(r1->content_type, r2->content_type);
    req_free(r1);
    req_free(r2);
}

static void test_send_multipart_too_big(void **state)
{
    const int64_t size = 3 << 20;
    const char *path = make_file("big.bin", size);
    Req *r = mkreq("GET /f HTTP/1.1\r\nRange: bytes=0-599999,1000000-1599999\r\n\r\n");
    int fd = open_file(path);
    req_send_file(r, fd, size, MTIME, ETAG, NULL, NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->file_fd, fd);
    assert_int_equal(r->file_len, size);
    assert_string_equal(r->content_type, "application/octet-stream");
    assert_null(resp_header(r, "Content-Disposition"));
    req_free(r);

    /* just under the ceiling: built in memory */
    r = mkreq("GET /f HTTP/1.1\r\nRange: bytes=0-524287,2000000-2524287\r\n\r\n");
    req_send_file(r, open_file(path), size, MTIME, ETAG, NULL, NULL);
    assert_int_equal(r->status, 206);
    assert_true(r->out.len > RANGE_MULTIPART_MAX);
    req_free(r);
    unlink(path);
}

static void test_send_empty_file(void **state)
{
    const char *path = make_file("empty.bin", 0);
    static const struct { const char *range; int status; } cases[] = {
        {NULL, 200}, {"bytes=0-", 416}, {"bytes=-5", 200}, {"bytes=0-0,1-1", 416},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(cases); i++) {
        char raw[128];
        snprintf(raw, sizeof raw, "GET /e HTTP/1.1\r\n%s%s%s\r\n", cases[i].range ? "Range: " : "",
                 cases[i].range ? cases[i].range : "", cases[i].range ? "\r\n" : "");
        Req *r = mkreq(raw);
        int fd = open_file(path);
        req_send_file(r, fd, 0, MTIME, ETAG, "text/vtt", NULL);
        assert_int_equal(r->status, cases[i].status);
        assert_true(fd_closed(fd));
        assert_int_equal(r->file_fd, -1);
        if (cases[i].status == 200) assert_int_equal(r->out.len, 0);
        else assert_string_equal(resp_header(r, "Content-Range"), "bytes */0");
        req_free(r);
    }
}

static void test_send_bad_arguments(void **state)
{
    Req *r = mkreq("GET /f HTTP/1.1\r\n\r\n");
    int fd = open_file(make_file("f.bin", FILE_SIZE));
    req_send_file(r, fd, -1, MTIME, ETAG, NULL, NULL);
    assert_int_equal(r->status, 500);
    assert_true(fd_closed(fd));
    req_free(r);
    r = mkreq("GET /f HTTP/1.1\r\n\r\n");
    req_send_file(r, -1, FILE_SIZE, MTIME, ETAG, NULL, NULL);
    assert_int_equal(r->status, 500);
    req_free(r);
    /* no etag, no mtime: still a plain 200, conditions on them cannot match */
    r = mkreq("GET /f HTTP/1.1\r\nIf-None-Match: \"x\"\r\nIf-Modified-Since: " MTIME_DATE "\r\n\r\n");
    req_send_file(r, open_file(make_file("f.bin", FILE_SIZE)), FILE_SIZE, -1, NULL, NULL, NULL);
    assert_int_equal(r->status, 200);
    assert_null(resp_header(r, "ETag"));
    assert_null(resp_header(r, "Last-Modified"));
    req_free(r);
}

static void test_send_path(void **state)
{
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nope", tmp_dir);
    Req *r = mkreq("GET /f HTTP/1.1\r\n\r\n");
    assert_int_equal(req_send_path(r, missing, NULL, NULL, NULL), LN_NOTFOUND);
    assert_int_equal(r->status, 404);
    req_free(r);
    r = mkreq("GET /f HTTP/1.1\r\n\r\n");
    assert_int_equal(req_send_path(r, tmp_dir, NULL, NULL, NULL), LN_NOTFOUND);   /* a directory */
    assert_int_equal(r->status, 404);
    req_free(r);

    const char *path = make_file("p.vtt", 123);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    r = mkreq("GET /f HTTP/1.1\r\nRange: bytes=3-5\r\n\r\n");
    assert_int_equal(req_send_path(r, path, NULL, "text/vtt", NULL), LN_OK);
    assert_int_equal(r->status, 206);
    assert_string_equal(resp_header(r, "Content-Range"), "bytes 3-5/123");
    char lm[30];
    http_date_format(st.st_mtim.tv_sec, lm);
    assert_string_equal(resp_header(r, "Last-Modified"), lm);
    const char *etag = resp_header(r, "ETag");
    assert_true(etag && etag[0] == '"' && etag[strlen(etag) - 1] == '"');
    char raw[256];
    snprintf(raw, sizeof raw, "GET /f HTTP/1.1\r\nIf-None-Match: %s\r\n\r\n", etag);
    req_free(r);
    r = mkreq(raw);
    assert_int_equal(req_send_path(r, path, NULL, "text/vtt", NULL), LN_OK);
    assert_int_equal(r->status, 304);
    req_free(r);
    /* the file changes: the generated tag changes with it */
    path = make_file("p.vtt", 124);
    r = mkreq(raw);
    assert_int_equal(req_send_path(r, path, NULL, "text/vtt", NULL), LN_OK);
    assert_int_equal(r->status, 200);
    req_free(r);
}

/* ======================================================================
 * content_disposition
 * ==================================================================== */

static void test_disposition(void **state)
{
    Arena *a = arena_new();
    assert_string_equal(content_disposition(a, true, "report.pdf"), "attachment; filename=\"report.pdf\"");
    assert_string_equal(content_disposition(a, false, "clip 1.mp4"), "inline; filename=\"clip 1.mp4\"");
    assert_string_equal(content_disposition(a, true, NULL), "attachment");
    assert_string_equal(content_disposition(a, false, ""), "inline");
    assert_string_equal(content_disposition(a, true, "a\"b\\c.txt"),
                        "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%5Cc.txt");
    assert_string_equal(content_disposition(a, true, "\xC3\x89lodie r\xC3\xA9sum\xC3\xA9.pdf"),
                        "attachment; filename=\"_lodie r_sum_.pdf\"; "
                        "filename*=UTF-8''%C3%89lodie%20r%C3%A9sum%C3%A9.pdf");
    assert_string_equal(content_disposition(a, true, "\xE2\x82\xAC\xF0\x9F\x8E\xA5.mp4"),
                        "attachment; filename=\"__.mp4\"; filename*=UTF-8''%E2%82%AC%F0%9F%8E%A5.mp4");
    /* header injection: no CR, LF or other control survives */
    const char *cd = content_disposition(a, true, "a\r\nSet-Cookie: x=1\t.txt");
    assert_string_equal(cd, "attachment; filename=\"a__Set-Cookie: x=1_.txt\"; "
                            "filename*=UTF-8''a__Set-Cookie%3A%20x%3D1_.txt");
    /* '%' and '/' in the fallback */
    assert_string_equal(content_disposition(a, true, "100%41/x"),
                        "attachment; filename=\"100_41_x\"; filename*=UTF-8''100%2541%2Fx");
    /* not UTF-8: no filename*, since it would claim UTF-8 */
    assert_string_equal(content_disposition(a, true, "caf\xE9.txt"), "attachment; filename=\"caf_.txt\"");
    /* RFC 8187 attr-chars pass through */
    assert_string_equal(content_disposition(a, true, "a!#$&+-.^_`|~;b"),
                        "attachment; filename=\"a!#$&+-.^_`|~;b\"");
    assert_string_equal(content_disposition(a, true, "a;b="),
                        "attachment; filename=\"a;b=\"");
    arena_free(a);
}

/* ======================================================================
 * main
 * ==================================================================== */

static int setup(void **state)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/lectern-range-XXXXXX");
    return mkdtemp(tmp_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    static const char *const names[] = {"f.bin", "big.bin", "empty.bin", "p.vtt"};
    char p[128];
    for (size_t i = 0; i < LN_ARRAY_LEN(names); i++) {
        snprintf(p, sizeof p, "%s/%s", tmp_dir, names[i]);
        unlink(p);
    }
    rmdir(tmp_dir);
    return 0;
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_forms),
        cmocka_unit_test(test_range_suffix_larger_than_file),
        cmocka_unit_test(test_range_unsatisfiable),
        cmocka_unit_test(test_range_empty_file),
        cmocka_unit_test(test_range_coalesce),
        cmocka_unit_test(test_range_too_many),
        cmocka_unit_test(test_range_garbage),
        cmocka_unit_test(test_range_whitespace),
        cmocka_unit_test(test_range_huge_numbers),
        cmocka_unit_test(test_etag_matches),
        cmocka_unit_test(test_date_formats),
        cmocka_unit_test(test_date_invalid),
        cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_cond_order),
        cmocka_unit_test(test_cond_if_range),
        cmocka_unit_test(test_send_full),
        cmocka_unit_test(test_send_single_range),
        cmocka_unit_test(test_send_unsatisfiable),
        cmocka_unit_test(test_send_ignored_ranges),
        cmocka_unit_test(test_send_not_modified),
        cmocka_unit_test(test_send_precondition_failed),
        cmocka_unit_test(test_send_if_range),
        cmocka_unit_test(test_send_multipart),
        cmocka_unit_test(test_send_multipart_too_big),
        cmocka_unit_test(test_send_empty_file),
        cmocka_unit_test(test_send_bad_arguments),
        cmocka_unit_test(test_send_path),
        cmocka_unit_test(test_disposition),
    };
    return cmocka_run_group_tests_name("range", tests, setup, teardown);
}
