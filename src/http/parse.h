/* parse.h — parsers for the pieces of an HTTP request: percent-encoding,
 * query strings and urlencoded forms, Cookie headers, multipart/form-data,
 * header parameters.  Pure functions over bytes, no socket, no libmicrohttpd:
 * unit tests and libFuzzer targets call them directly.
 *
 * Every parser is bounded: it never reads past `n`, allocates only from the
 * arena, and refuses input past its limits with LN_ELIMIT or LN_EINVAL.
 * Decoded names and values are NUL-terminated copies; a value may still hold
 * NUL bytes (value_len tells) but then `utf8_ok` is false.
 */
#ifndef LECTERN_PARSE_H
#define LECTERN_PARSE_H

#include "core/core.h"

typedef struct Param {
    const char *name;
    const char *value;
    size_t value_len;
    bool utf8_ok;           /* name and value are valid UTF-8 without NUL */
    struct Param *next;
} Param;

typedef struct Params {
    Param *head, *tail;
    int count;
} Params;

/* Append (name, value) copies to the list. */
void params_add(Arena *a, Params *p, const char *name, const char *value, size_t value_len);
/* Append (name, value) themselves, neither copied nor checked (utf8_ok is
 * false): a request's headers, which libmicrohttpd keeps for the request's
 * life and which are read as bytes (req_header). */
void params_add_ref(Arena *a, Params *p, const char *name, const char *value, size_t value_len);
/* First value for `name`, or NULL. */
const char *params_get(const Params *p, const char *name);

/* Decode %XX (and '+' as space when plus_is_space).  LN_EINVAL on a bad or
 * truncated escape.  *out is NUL-terminated, *outlen excludes the NUL. */
int url_decode(Arena *a, const char *s, size_t n, bool plus_is_space,
               char **out, size_t *outlen);

/* Percent-encode everything but unreserved characters (RFC 3986). */
char *url_encode(Arena *a, const char *s);

/* "a=1&b=two%20words" (query strings and application/x-www-form-urlencoded).
 * Empty pairs are skipped; a pair without '=' has the value "".  At most
 * max_params pairs (LN_ELIMIT past it); LN_EINVAL on a bad escape. */
int parse_query(Arena *a, const char *s, size_t n, Params *out, int max_params);

/* Cookie header: "a=1; b=2".  Values may be quoted.  Malformed pairs are
 * skipped (browsers send what they send); at most max cookies. */
int parse_cookies(Arena *a, const char *header, size_t n, Params *out, int max);

/* A parameter of a header value such as
 *   multipart/form-data; boundary="xyz"      -> param "boundary"
 *   form-data; name="f"; filename="a b.pdf"  -> params "name", "filename"
 * Returns a copy in the arena, or NULL if absent or malformed. */
char *header_param(Arena *a, const char *value, const char *param);

/* The media type alone, lower-cased, without parameters: "text/html". */
char *header_media_type(Arena *a, const char *value);

typedef struct Part {
    const char *name;           /* form field name */
    const char *filename;       /* NULL for plain fields */
    const char *content_type;   /* NULL when the part had none */
    const char *data;           /* points into the body given to the parser */
    size_t len;
    char *path;                 /* the server streams file parts to this
                                   temporary file instead (data NULL); it is
                                   removed after the response unless a
                                   handler moved it away */
    struct Part *next;
} Part;

/* multipart/form-data (RFC 7578) over a whole body in memory.  `boundary` is
 * the value of the boundary parameter.  Plain fields (no filename) are also
 * added to `fields`.  At most max_parts parts.  LN_EINVAL on malformed
 * input (missing boundary, unterminated part, header without name). */
int parse_multipart(Arena *a, const char *boundary, const char *body, size_t n,
                    Params *fields, Part **parts, int max_parts);

/* Accept-Language: the best of `supported` (e.g. {"en","fr",NULL}) by q
 * value, or NULL when none matches. */
const char *parse_accept_language(const char *header, const char *const *supported);

/* True when `header` (Accept-Encoding) accepts gzip with q > 0. */
bool accepts_gzip(const char *header);

#endif
