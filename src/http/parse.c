/* parse.c — parsers for the pieces of an HTTP request (see parse.h).
 *
 * Rules every function here keeps:
 *   - reads at most `n` bytes, or up to the NUL of a C string argument;
 *   - allocates only from the arena it is given (a function that takes no
 *     arena allocates nothing);
 *   - a list parser (query, cookies, multipart) appends to the caller's
 *     Params, which must be initialised (`Params p = {0}`), and leaves it
 *     unchanged when it returns an error: nothing is half-parsed.
 */
#include "http/parse.h"

#include <string.h>

/* Most bytes of header lines in one multipart part. */
#define MP_HEADER_MAX 8192
/* RFC 2046: a boundary is 1 to 70 characters. */
#define MP_BOUNDARY_MAX 70

/* ======================================================================
 * Characters
 * ==================================================================== */

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* RFC 9110 tchar: the characters of a token. */
static bool is_tchar(char c)
{
    return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Control characters other than HTAB (NUL, CR and LF among them). */
static bool is_ctl(char c)
{
    unsigned char u = (unsigned char)c;
    return (u < 0x20 && u != '\t') || u == 0x7f;
}

static bool mem_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/* A NUL-terminated copy of s[0..n) in the arena (allocates n + 1). */
static char *mem_dup(Arena *a, const char *s, size_t n)
{
    return arena_strndup(a, n ? s : "", n);
}

/* ======================================================================
 * Param lists
 * ==================================================================== */

/* Append arena-owned name and value to `p` without copying them
 * (allocates the Param). */
static void params_push(Arena *a, Params *p, const char *name, size_t name_len,
                        const char *value, size_t value_len)
{
    Param *e = arena_alloc(a, sizeof *e);
    e->name = name;
    e->value = value;
    e->value_len = value_len;
    e->utf8_ok = utf8_valid(name, name_len) && utf8_valid(value, value_len);
    e->next = NULL;
    if (p->tail) p->tail->next = e;
    else p->head = e;
    p->tail = e;
    p->count++;
}

/* Move every Param of `from` to the end of `to`. */
static void params_splice(Params *to, const Params *from)
{
    if (!from->head) return;
    if (to->tail) to->tail->next = from->head;
    else to->head = from->head;
    to->tail = from->tail;
    to->count += from->count;
}

/* Copies name and value into the arena. */
void params_add(Arena *a, Params *p, const char *name, const char *value, size_t value_len)
{
    if (!name) name = "";
    if (!value) value_len = 0;
    size_t nl = strlen(name);
    params_push(a, p, mem_dup(a, name, nl), nl,
                mem_dup(a, value ? value : "", value_len), value_len);
}

void params_add_ref(Arena *a, Params *p, const char *name, const char *value, size_t value_len)
{
    Param *e = arena_alloc(a, sizeof *e);
    e->name = name ? name : "";
    e->value = value ? value : "";
    e->value_len = value ? value_len : 0;
    if (p->tail) p->tail->next = e;
    else p->head = e;
    p->tail = e;
    p->count++;
}

const char *params_get(const Params *p, const char *name)
{
    if (!p || !name) return NULL;
    for (const Param *e = p->head; e; e = e->next)
        if (str_eq(e->name, name)) return e->value;
    return NULL;
}

/* ======================================================================
 * Percent-encoding
 * ==================================================================== */

/* Allocates n + 1 bytes for the result, also when the input is refused. */
int url_decode(Arena *a, const char *s, size_t n, bool plus_is_space,
               char **out, size_t *outlen)
{
    char *d = arena_alloc(a, n + 1);
    size_t j = 0;
    *out = NULL;
    if (outlen) *outlen = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (n - i < 3) return LN_EINVAL;
            int hi = hex_val(s[i + 1]), lo = hex_val(s[i + 2]);
            if (hi < 0 || lo < 0) return LN_EINVAL;
            d[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            d[j++] = (c == '+' && plus_is_space) ? ' ' : c;
        }
    }
    d[j] = '\0';
    *out = d;
    if (outlen) *outlen = j;
    return LN_OK;
}

/* Allocates up to three times strlen(s) + 1. */
char *url_encode(Arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s) s = "";
    size_t n = strlen(s);
    if (n > (SIZE_MAX - 1) / 3) return NULL;
    char *d = arena_alloc(a, 3 * n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum((char)c) || c == '-' || c == '.' || c == '_' || c == '~') {
            d[j++] = (char)c;
        } else {
            d[j++] = '%';
            d[j++] = hex[c >> 4];
            d[j++] = hex[c & 15];
        }
    }
    d[j] = '\0';
    return d;
}

/* ======================================================================
 * Query strings and urlencoded forms
 * ==================================================================== */

/* One "name=value" pair, already split from its neighbours.  A pair with an
 * empty name is skipped.  Allocates the decoded copies. */
static int query_pair(Arena *a, const char *s, size_t n, Params *out, int max)
{
    const char *eq = memchr(s, '=', n);
    size_t nl = eq ? (size_t)(eq - s) : n;
    if (nl == 0) return LN_OK;
    if (out->count >= max) return LN_ELIMIT;
    char *name, *value;
    size_t name_len, value_len;
    if (url_decode(a, s, nl, true, &name, &name_len) != LN_OK) return LN_EINVAL;
    const char *v = eq ? eq + 1 : s + n;
    if (url_decode(a, v, (size_t)(s + n - v), true, &value, &value_len) != LN_OK)
        return LN_EINVAL;
    params_push(a, out, name, name_len, value, value_len);
    return LN_OK;
}

/* Allocates decoded names, values and their Params. */
int parse_query(Arena *a, const char *s, size_t n, Params *out, int max_params)
{
    Params got = {0};
    size_t i = 0;
    while (s && i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        int rc = query_pair(a, s + i, end - i, &got, max_params);
        if (rc != LN_OK) return rc;
        i = end + 1;
    }
    params_splice(out, &got);
    return LN_OK;
}

/* ======================================================================
 * Cookies
 * ==================================================================== */

/* Trim OWS from both ends of s[0..*n); returns the new start. */
static const char *trim_ows(const char *s, size_t *n)
{
    while (*n && is_ows(s[0])) { s++; (*n)--; }
    while (*n && is_ows(s[*n - 1])) (*n)--;
    return s;
}

/* Checks a cookie value and strips its quotes.  False when it holds a
 * control character or a quote other than an enclosing pair. */
static bool cookie_value(const char **v, size_t *n)
{
    if (*n && (*v)[0] == '"') {
        if (*n < 2 || (*v)[*n - 1] != '"') return false;
        (*v)++;
        *n -= 2;
    }
    for (size_t i = 0; i < *n; i++)
        if (is_ctl((*v)[i]) || (*v)[i] == '"') return false;
    return true;
}

/* Split "name=value" (one piece between semicolons).  False when the
 * piece is malformed and should be skipped.  No allocation. */
static bool cookie_pair(const char *s, size_t n, const char **name, size_t *nl,
                        const char **value, size_t *vl)
{
    s = trim_ows(s, &n);
    const char *eq = memchr(s, '=', n);
    if (!eq) return false;
    *nl = (size_t)(eq - s);
    *name = trim_ows(s, nl);
    if (*nl == 0) return false;
    for (size_t i = 0; i < *nl; i++)
        if (!is_tchar((*name)[i])) return false;
    *vl = (size_t)(s + n - eq - 1);
    *value = trim_ows(eq + 1, vl);
    return cookie_value(value, vl);
}

/* Allocates copies of names and values and their Params. */
int parse_cookies(Arena *a, const char *header, size_t n, Params *out, int max)
{
    Params got = {0};
    size_t i = 0;
    while (header && i < n) {
        const char *semi = memchr(header + i, ';', n - i);
        size_t end = semi ? (size_t)(semi - header) : n;
        const char *name, *value;
        size_t nl, vl;
        if (cookie_pair(header + i, end - i, &name, &nl, &value, &vl)) {
            if (got.count >= max) return LN_ELIMIT;
            params_push(a, &got, mem_dup(a, name, nl), nl, mem_dup(a, value, vl), vl);
        }
        i = end + 1;
    }
    params_splice(out, &got);
    return LN_OK;
}

/* ======================================================================
 * Header parameters:  type/subtype; name=token; other="quoted \" string"
 * ==================================================================== */

typedef struct HParam {
    const char *name;       /* points into the header value */
    size_t name_len;
    const char *val;        /* raw: quotes removed, escapes still in */
    size_t val_len;
    bool quoted;
} HParam;

/* Scan a quoted-string whose opening quote is at p.  Returns the position
 * after the closing quote, or NULL when unterminated or holding a control
 * character. */
static const char *scan_quoted(const char *p)
{
    for (p++; *p != '"'; p++) {
        if (*p == '\\') p++;
        if (*p == '\0' || is_ctl(*p)) return NULL;
    }
    return p + 1;
}

/* An unquoted value: printable characters other than ';' and '"'. */
static bool is_bare_char(char c)
{
    return !is_ctl(c) && !is_ows(c) && c != '\0' && c != ';' && c != '"';
}

/* Scan the value of a parameter at p into *hp; returns the position after
 * it, or NULL when malformed. */
static const char *scan_param_value(const char *p, HParam *hp)
{
    hp->quoted = (*p == '"');
    if (hp->quoted) {
        const char *end = scan_quoted(p);
        if (!end) return NULL;
        hp->val = p + 1;
        hp->val_len = (size_t)(end - 1 - hp->val);
        return end;
    }
    hp->val = p;
    while (is_bare_char(*p)) p++;
    hp->val_len = (size_t)(p - hp->val);
    return hp->val_len ? p : NULL;
}

/* Next "; name=value" at *pp.  Returns 1 with *hp filled, 0 at the end of
 * the value, -1 when malformed.  Empty parameters (";;", a trailing ";")
 * are skipped.  No allocation. */
static int hparam_next(const char **pp, HParam *hp)
{
    const char *p = *pp;
    for (;;) {
        while (is_ows(*p)) p++;
        if (*p == '\0') return 0;
        if (*p != ';') return -1;
        p++;
        while (is_ows(*p)) p++;
        if (*p != ';' && *p != '\0') break;
    }
    hp->name = p;
    while (is_tchar(*p)) p++;
    hp->name_len = (size_t)(p - hp->name);
    if (hp->name_len == 0) return -1;
    while (is_ows(*p)) p++;
    if (*p++ != '=') return -1;
    while (is_ows(*p)) p++;
    p = scan_param_value(p, hp);
    if (!p) return -1;
    *pp = p;
    return 1;
}

/* The value of a scanned parameter with backslash escapes undone
 * (allocates at most val_len + 1). */
static char *hparam_copy(Arena *a, const HParam *hp)
{
    char *d = arena_alloc(a, hp->val_len + 1);
    size_t j = 0;
    for (size_t i = 0; i < hp->val_len; i++) {
        if (hp->quoted && hp->val[i] == '\\') i++;
        d[j++] = hp->val[i];
    }
    d[j] = '\0';
    return d;
}

/* The whole value must be well formed; the first parameter named `param`
 * (ASCII case-insensitive) wins.  Allocates the returned copy. */
char *header_param(Arena *a, const char *value, const char *param)
{
    if (!value || !param) return NULL;
    size_t plen = strlen(param);
    const char *p = value + strcspn(value, ";");
    HParam hp, found = {0};
    int rc;
    while ((rc = hparam_next(&p, &hp)) == 1) {
        if (!found.name && hp.name_len == plen && mem_ieq(hp.name, param, plen))
            found = hp;
    }
    if (rc < 0 || !found.name) return NULL;
    return hparam_copy(a, &found);
}

/* "type/subtype" before any parameter; allocates the lower-cased copy.
 * NULL when the value does not start with a media type. */
char *header_media_type(Arena *a, const char *value)
{
    if (!value) return NULL;
    const char *p = value;
    while (is_ows(*p)) p++;
    const char *start = p;
    while (is_tchar(*p)) p++;
    if (p == start || *p++ != '/') return NULL;
    const char *sub = p;
    while (is_tchar(*p)) p++;
    if (p == sub) return NULL;
    size_t len = (size_t)(p - start);
    while (is_ows(*p)) p++;
    if (*p != '\0' && *p != ';') return NULL;
    char *d = mem_dup(a, start, len);
    for (size_t i = 0; i < len; i++) d[i] = ascii_lower(d[i]);
    return d;
}

/* ======================================================================
 * multipart/form-data (RFC 7578, RFC 2046 §5.1)
 * ==================================================================== */

typedef struct Multipart {
    Arena *a;
    const char *body;
    size_t n;
    size_t pos;             /* next byte to read */
    const char *delim;      /* "\r\n--" boundary */
    size_t dlen;
    Part *head, *tail;
    int count;
} Multipart;

/* RFC 2046 bchars, not ending with a space, at most 70 of them. */
static bool boundary_valid(const char *b)
{
    size_t n = strlen(b);
    if (n == 0 || n > MP_BOUNDARY_MAX || b[n - 1] == ' ') return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(b[i]) && !strchr("'()+_,-./:=? ", b[i])) return false;
    return true;
}

static const char *mp_find(const Multipart *m, const char *what, size_t len)
{
    return memmem(m->body + m->pos, m->n - m->pos, what, len);
}

static bool mp_at(const Multipart *m, const char *what, size_t len)
{
    return m->n - m->pos >= len && memcmp(m->body + m->pos, what, len) == 0;
}

/* Skip the preamble and the first "--boundary". */
static int mp_first_delim(Multipart *m)
{
    if (mp_at(m, m->delim + 2, m->dlen - 2)) {
        m->pos = m->dlen - 2;
        return LN_OK;
    }
    const char *d = mp_find(m, m->delim, m->dlen);
    if (!d) return LN_EINVAL;
    m->pos = (size_t)(d - m->body) + m->dlen;
    return LN_OK;
}

/* Content-Disposition: form-data; name="f"; filename="a.pdf".
 * Allocates name and filename. */
static int mp_disposition(Multipart *m, const char *v, Part *part)
{
    size_t tl = strcspn(v, ";");
    const char *t = trim_ows(v, &tl);
    if (tl != 9 || !mem_ieq(t, "form-data", 9)) return LN_EINVAL;
    part->name = header_param(m->a, v, "name");
    if (!part->name) return LN_EINVAL;
    part->filename = header_param(m->a, v, "filename");
    return LN_OK;
}

/* One header line "Name: value" (without its CRLF).  Allocates a copy of
 * the values it keeps. */
static int mp_header_line(Multipart *m, const char *s, size_t n, Part *part, bool *seen_cd)
{
    size_t nl = 0;
    while (nl < n && is_tchar(s[nl])) nl++;
    if (nl == 0 || nl == n || s[nl] != ':') return LN_EINVAL;
    size_t vl = n - nl - 1;
    const char *v = trim_ows(s + nl + 1, &vl);
    for (size_t i = 0; i < vl; i++)
        if (is_ctl(v[i])) return LN_EINVAL;
    if (nl == 19 && mem_ieq(s, "Content-Disposition", 19)) {
        if (*seen_cd) return LN_EINVAL;
        *seen_cd = true;
        return mp_disposition(m, mem_dup(m->a, v, vl), part);
    }
    if (nl == 12 && mem_ieq(s, "Content-Type", 12)) {
        if (part->content_type) return LN_EINVAL;
        part->content_type = mem_dup(m->a, v, vl);
    }
    return LN_OK;
}

/* Header lines up to and including the empty line; leaves pos at the first
 * byte of the part's data. */
static int mp_headers(Multipart *m, Part *part)
{
    size_t start = m->pos;
    bool seen_cd = false;
    for (;;) {
        const char *eol = mp_find(m, "\r\n", 2);
        if (!eol) return m->n - start > MP_HEADER_MAX ? LN_ELIMIT : LN_EINVAL;
        size_t len = (size_t)(eol - (m->body + m->pos));
        if (m->pos + len + 2 - start > MP_HEADER_MAX) return LN_ELIMIT;
        if (len == 0) {
            m->pos += 2;
            return seen_cd ? LN_OK : LN_EINVAL;
        }
        int rc = mp_header_line(m, m->body + m->pos, len, part, &seen_cd);
        if (rc != LN_OK) return rc;
        m->pos += len + 2;
    }
}

/* After "--boundary": "--" closes the body (true); otherwise transport
 * padding and CRLF must follow. */
static int mp_after_delim(Multipart *m, bool *closed)
{
    *closed = mp_at(m, "--", 2);
    if (*closed) return LN_OK;
    while (m->pos < m->n && is_ows(m->body[m->pos])) m->pos++;
    if (!mp_at(m, "\r\n", 2)) return LN_EINVAL;
    m->pos += 2;
    return LN_OK;
}

/* One part: headers, data up to the next delimiter.  Allocates the Part. */
static int mp_part(Multipart *m)
{
    Part *part = arena_alloc(m->a, sizeof *part);
    int rc = mp_headers(m, part);
    if (rc != LN_OK) return rc;
    const char *d = mp_find(m, m->delim, m->dlen);
    if (!d) return LN_EINVAL;
    part->data = m->body + m->pos;
    part->len = (size_t)(d - part->data);
    m->pos = (size_t)(d - m->body) + m->dlen;
    if (m->tail) m->tail->next = part;
    else m->head = part;
    m->tail = part;
    m->count++;
    return LN_OK;
}

/* Plain fields (no filename) as copies in `fields`. */
static void mp_fields(Multipart *m, Params *fields)
{
    Params got = {0};
    for (Part *p = m->head; p; p = p->next)
        if (!p->filename)
            params_push(m->a, &got, p->name, strlen(p->name),
                        mem_dup(m->a, p->data, p->len), p->len);
    params_splice(fields, &got);
}

/* Allocates the Parts, their names, filenames and content types, and
 * copies of plain field values; file data stays in `body`. */
int parse_multipart(Arena *a, const char *boundary, const char *body, size_t n,
                    Params *fields, Part **parts, int max_parts)
{
    if (parts) *parts = NULL;
    if (!boundary || !boundary_valid(boundary) || (!body && n)) return LN_EINVAL;
    Multipart m = { .a = a, .body = body ? body : "", .n = n };
    m.delim = arena_printf(a, "\r\n--%s", boundary);
    m.dlen = strlen(m.delim);
    int rc = mp_first_delim(&m);
    for (;;) {
        bool closed = false;
        if (rc == LN_OK) rc = mp_after_delim(&m, &closed);
        if (rc != LN_OK) return rc;
        if (closed) break;
        if (m.count >= max_parts) return LN_ELIMIT;
        rc = mp_part(&m);
    }
    if (fields) mp_fields(&m, fields);
    if (parts) *parts = m.head;
    return LN_OK;
}

/* ======================================================================
 * Accept-Language and Accept-Encoding: comma lists with q values
 * ==================================================================== */

typedef struct QItem {
    const char *tag;        /* points into the header */
    size_t len;
    int q;                  /* 0..1000 */
} QItem;

/* RFC 9110 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"], in thousandths;
 * -1 when malformed. */
static int parse_qvalue(const char *s, size_t n)
{
    if (n == 0 || n > 5 || (s[0] != '0' && s[0] != '1')) return -1;
    if (n > 1 && s[1] != '.') return -1;
    int q = (s[0] - '0') * 1000, scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9') return -1;
        q += (s[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* The parameters after a list element's tag, up to `end`; sets *q. */
static bool qitem_params(const char *p, const char *end, int *q)
{
    *q = 1000;
    while (p < end && is_ows(*p)) p++;
    while (p < end) {
        if (*p++ != ';') return false;
        while (p < end && is_ows(*p)) p++;
        const char *name = p;
        while (p < end && is_tchar(*p)) p++;
        size_t nl = (size_t)(p - name);
        while (p < end && is_ows(*p)) p++;
        if (nl == 0 || p == end || *p++ != '=') return false;
        while (p < end && is_ows(*p)) p++;
        const char *v = p;
        while (p < end && is_tchar(*p)) p++;
        if (nl == 1 && ascii_lower(name[0]) == 'q' && (*q = parse_qvalue(v, (size_t)(p - v))) < 0)
            return false;
        while (p < end && is_ows(*p)) p++;
    }
    return true;
}

/* Next element of a comma-separated list at *pp.  Returns 1 with *it
 * filled, 0 at the end, -1 for a malformed element (to skip).  Always
 * advances.  No allocation. */
static int qlist_next(const char **pp, QItem *it)
{
    const char *p = *pp;
    while (*p == ',' || is_ows(*p)) p++;
    if (*p == '\0') return 0;
    const char *end = p + strcspn(p, ",");
    *pp = end;
    it->tag = p;
    while (p < end && is_tchar(*p)) p++;
    it->len = (size_t)(p - it->tag);
    if (it->len == 0) return -1;
    return qitem_params(p, end, &it->q) ? 1 : -1;
}

/* A language range: "*" or alphanumerics and hyphens. */
static bool lang_range_valid(const QItem *it)
{
    if (it->len == 1 && it->tag[0] == '*') return true;
    for (size_t i = 0; i < it->len; i++)
        if (!is_alnum(it->tag[i]) && it->tag[i] != '-') return false;
    return true;
}

/* How well range r matches supported tag s: 3 exactly, 2 as a prefix one
 * way or the other ("fr" ~ "fr-CA"), 1 by "*", 0 not at all. */
static int lang_match(const char *r, size_t rl, const char *s)
{
    size_t sl = strlen(s);
    if (rl == 1 && r[0] == '*') return 1;
    if (rl == sl) return mem_ieq(r, s, sl) ? 3 : 0;
    if (rl < sl) return (s[rl] == '-' && mem_ieq(r, s, rl)) ? 2 : 0;
    return (r[sl] == '-' && mem_ieq(r, s, sl)) ? 2 : 0;
}

typedef struct LangScore {
    int level, q, pos;      /* best match level, its q, its place in header */
} LangScore;

/* The score of supported tag `s` against every range of the header: the
 * most specific match level decides, the highest q at that level counts. */
static LangScore lang_score(const char *header, const char *s)
{
    LangScore best = {0, 0, 0};
    QItem it;
    int rc, pos = 0;
    for (const char *p = header; (rc = qlist_next(&p, &it)) != 0; pos++) {
        if (rc < 0 || !lang_range_valid(&it)) continue;
        int lv = lang_match(it.tag, it.len, s);
        if (lv > best.level || (lv == best.level && lv > 0 && it.q > best.q))
            best = (LangScore){lv, it.q, pos};
    }
    return best;
}

/* No allocation: returns one of the `supported` pointers.  Ties in q go to
 * the language the header names first, then to the order of `supported`. */
const char *parse_accept_language(const char *header, const char *const *supported)
{
    if (!header || !supported) return NULL;
    const char *best = NULL;
    LangScore bs = {0, 0, 0};
    for (size_t i = 0; supported[i]; i++) {
        LangScore sc = lang_score(header, supported[i]);
        if (sc.q <= 0) continue;
        if (!best || sc.q > bs.q || (sc.q == bs.q && sc.pos < bs.pos)) {
            best = supported[i];
            bs = sc;
        }
    }
    return best;
}

/* "gzip" (or "x-gzip") named with q > 0, or not named and "*" with q > 0.
 * No allocation. */
bool accepts_gzip(const char *header)
{
    if (!header) return false;
    int gz = -1, star = -1, rc;
    QItem it;
    for (const char *p = header; (rc = qlist_next(&p, &it)) != 0;) {
        if (rc < 0) continue;
        if (gz < 0 && ((it.len == 4 && mem_ieq(it.tag, "gzip", 4))
                       || (it.len == 6 && mem_ieq(it.tag, "x-gzip", 6))))
            gz = it.q;
        else if (star < 0 && it.len == 1 && it.tag[0] == '*')
            star = it.q;
    }
    return gz >= 0 ? gz > 0 : star > 0;
}
