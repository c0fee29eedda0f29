/* req.h — our request object.  Handlers take a Req, never a libmicrohttpd
 * connection, so tests, fuzzers, the CLI (`lectern test-request FILE`) and
 * the server all drive the same code.
 *
 * Memory: everything hanging off a Req lives in r->arena, freed when the
 * response has been sent.
 */
#ifndef LECTERN_REQ_H
#define LECTERN_REQ_H

#include "core/core.h"
#include "db/db.h"
#include "db/writer.h"
#include "http/parse.h"

typedef enum {
    M_GET = 1, M_HEAD = 2, M_POST = 4, M_PUT = 8, M_PATCH = 16, M_DELETE = 32, M_OPTIONS = 64
} Method;

typedef enum { ROLE_NONE = 0, ROLE_LEARNER, ROLE_AUDITOR, ROLE_TRAINER, ROLE_ADMIN } Role;

typedef struct App App;
typedef struct Route Route;

/* The signed-in user, if any. */
typedef struct User {
    int64_t id;
    char *email, *name, *lang;
    bool is_platform_admin;
} User;

/* The organisation named by the path ({org}), resolved by the router. */
typedef struct Org {
    int64_t id;
    char *slug, *name;
    bool allow_signup;
    char *signup_domains;
    Role viewer_role;           /* filled by org_list: the listing user's role */
} Org;

typedef struct RespHeader {
    const char *name, *value;
    struct RespHeader *next;
} RespHeader;

typedef struct Req Req;
typedef void (*WriteCont)(Req *r, int rc, int64_t id);

struct Req {
    Arena *arena;
    App *app;
    Db *db;                     /* from the pool for the handler's duration */
    char req_id[32];
    UsTime started;

    /* ---- request ---- */
    Method method;
    const char *method_name;
    const char *path;           /* decoded, without query */
    const char *raw_query;      /* NULL when none */
    const char *client_ip;
    Params headers;             /* names as sent: read with req_header (any case) */
    Params query;
    Params cookies;
    Params form;                /* urlencoded or multipart fields */
    Part *parts;                /* multipart parts */
    const char *body;           /* NUL-terminated copy */
    size_t body_len;
    bool body_too_large;
    bool bad_framing;           /* duplicate Host/Content-Length, CL with TE */
    bool tls;

    /* ---- routing ---- */
    const Route *route;
    Params path_params;         /* {org}, {id}, ... */

    /* ---- identity, set by access.c ---- */
    User *user;                 /* NULL when signed out */
    const char *session_token;  /* raw cookie value, when signed in */
    Org *org;                   /* set when the route has {org} */
    Role role;                  /* the user's role in r->org */
    bool via_token;             /* authenticated by bearer token */
    int64_t token_id;
    const char *token_name;
    int64_t token_org_id;       /* a token reaches this organisation only */
    Role token_role;
    const char *lang;           /* "en" or "fr" */
    const char *csrf;           /* token for forms on this page */
    bool is_api;                /* path under /api/: errors in JSON */

    /* ---- response ---- */
    int status;
    const char *content_type;
    Buf out;
    RespHeader *resp_headers;
    int file_fd;                /* >= 0: send this file region instead of out */
    int64_t file_off, file_len;
    const unsigned char *static_data;   /* send these bytes (not copied) */
    size_t static_len;
    bool fixed;                 /* static_data, content type and headers are the same on
                                 * every request of this route (a probe's "ok"): the server
                                 * may build the answer once and send it again */
    size_t resp_bytes;          /* body size, for the access log */

    /* ---- deferred write (batching writer) ---- */
    WriteJob *pending_job;
    WriteCont pending_cont;
    int pending_rc;
    int64_t pending_id;
    void *cont_data;            /* the handler's state for its continuation */
};

/* ---- reading the request ---- */
const char *req_header(const Req *r, const char *lname);   /* lower-case name */
const char *req_query(const Req *r, const char *name);
const char *req_form(const Req *r, const char *name);
const char *req_cookie(const Req *r, const char *name);
const char *req_path_param(const Req *r, const char *name);
/* The bytes of uploaded file `file_field` when one was sent, else the raw
 * value of form field `text_field` (not checked for UTF-8), else "". */
const char *req_file_or_field(const Req *r, const char *file_field, const char *text_field, size_t *len);
/* The bytes of a part, read from its temporary file when it was streamed
 * to disk (at most REQ_PART_READ_MAX bytes, else ""). */
#define REQ_PART_READ_MAX (16u << 20)
const char *req_part_read(const Req *r, const Part *p, size_t *len);
/* The first uploaded file of field `name`, or NULL. */
const Part *req_part(const Req *r, const char *name);
/* Path parameter as a positive integer; answers 404 and returns false when
 * it is not one. */
bool req_path_id_or_404(Req *r, const char *name, int64_t *out);
/* Parse the body as JSON (jansson json_t *, owned by the arena).  Answers
 * 400 with a clear message and returns NULL when it is not an object. */
struct json_t *req_json_or_400(Req *r);
/* Release a JSON value (reference stolen) when the request ends. */
void req_json_keep(Req *r, struct json_t *j);

/* ---- writing the response ---- */
void req_set_header(Req *r, const char *name, const char *value);  /* name: a literal; value copied */
void req_set_header_static(Req *r, const char *name, const char *value);   /* neither copied */
void req_set_cookie(Req *r, const char *name, const char *value, int64_t max_age_s);
void req_redirect(Req *r, const char *location);       /* 303 See Other */
void req_text(Req *r, int status, const char *text);

/* Hand a write to the batching writer; `cont` runs after it committed (or
 * failed) and writes the response.  The server suspends the connection
 * meanwhile rather than blocking a thread. */
void req_defer_write(Req *r, WriteJob *job, WriteCont cont);

#endif
