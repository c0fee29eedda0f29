/* server.c — the only file that includes microhttpd.h.
 *
 * libmicrohttpd with epoll and an internal thread pool.  Each connection gets
 * a Conn holding our Req; the body is collected up to the limit; then the
 * request is dispatched (dispatch.c) and its response queued.  A handler that
 * hands a write to the batching writer has its connection suspended until
 * the commit, so no pool thread waits on the disk.
 */
#include "http/server.h"
#include "http/dispatch.h"
#include "http/route.h"
#include "obs/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef enum { C_READING, C_SUSPENDED, C_RESUMED, C_ANSWERED } ConnState;

typedef struct Conn {
    char *uri;          /* the raw request target, path and query */
    Req *r;
    App *app;
    struct MHD_Connection *mc;
    ConnState state;
    Buf body;
    size_t limit;
    bool inited;        /* headers read, limits set */
    bool counted;
    /* multipart/form-data is streamed: fields to r->form, files to disk */
    struct MHD_PostProcessor *pp;
    size_t received;
    Part *part, **tail; /* the file part being written, the list's end */
    int part_fd;
    int nparts;
    char *field;        /* the plain field being collected */
    Buf value;
    bool bad_form;
} Conn;

struct Server {
    App *app;
    struct MHD_Daemon *d;
    uint16_t port;
};

/* ---- streamed multipart uploads ---------------------------------------- */

/* libmicrohttpd's post processor parses multipart/form-data as it arrives
 * and hands us each part's bytes in pieces.  Plain fields are collected in
 * memory (bounded by max_body); file parts are written to a temporary file
 * under DATA/tmp, so an upload of any size never sits in memory.  Handlers
 * see the same r->form and r->parts as for a body parsed in memory, with
 * part->path set instead of part->data. */

static void field_flush(Conn *c)
{
    if (!c->field) return;
    params_add(c->r->arena, &c->r->form, c->field, c->value.data ? c->value.data : "", c->value.len);
    c->field = NULL;
    buf_free(&c->value);
}

static void part_close(Conn *c)
{
    if (c->part_fd >= 0 && close(c->part_fd) != 0) c->bad_form = true;
    c->part_fd = -1;
    c->part = NULL;
}

static bool part_open(Conn *c, const char *key, const char *filename, const char *content_type)
{
    Req *r = c->r;
    if (++c->nparts > 64) return false;
    char *path = arena_printf(r->arena, "%s/tmp/upload-XXXXXX", c->app->cfg.data_dir);
    c->part_fd = mkostemp(path, O_CLOEXEC);
    if (c->part_fd < 0) {
        log_error("upload: cannot create %s: %s", path, strerror(errno));
        return false;
    }
    Part *p = arena_alloc(r->arena, sizeof *p);
    p->name = arena_strdup(r->arena, key);
    p->filename = arena_strdup(r->arena, filename);
    p->content_type = content_type ? arena_strdup(r->arena, content_type) : NULL;
    p->path = path;
    *c->tail = p;
    c->tail = &p->next;
    c->part = p;
    return true;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                 const char *content_type, const char *transfer_encoding, const char *data,
                                 uint64_t off, size_t size)
{
    Conn *c = cls;
    if (!key) return MHD_YES;
    if (filename) {
        if (off == 0 || !c->part) {
            field_flush(c);
            part_close(c);
            if (!part_open(c, key, filename, content_type)) {
                c->bad_form = true;
                return MHD_NO;
            }
        }
        if (write_full(c->part_fd, data, size) != LN_OK) {
            c->bad_form = true;
            return MHD_NO;
        }
        c->part->len += size;
        return MHD_YES;
    }
    if (off == 0 || !str_eq(c->field, key)) {
        part_close(c);
        field_flush(c);
        c->field = arena_strdup(c->r->arena, key);
        buf_init(&c->value, c->app->cfg.max_body);
    }
    if (size && !buf_append(&c->value, data, size)) {
        c->r->body_too_large = true;
        return MHD_NO;
    }
    return MHD_YES;
}

/* The end of the body: close the last part, hand fields and parts over. */
static void stream_finish(Conn *c)
{
    MHD_destroy_post_processor(c->pp);
    c->pp = NULL;
    field_flush(c);
    part_close(c);
    if (c->bad_form) c->r->form.count = -1;     /* answered 400 by dispatch */
}

/* ---- request set-up --------------------------------------------------- */

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    Req *r = cls;
    if (r->headers.count >= 100) return MHD_NO;
    /* libmicrohttpd keeps them until the request completes, as long as r */
    params_add_ref(r->arena, &r->headers, key, value, value ? strlen(value) : 0);
    return MHD_YES;
}

/* Dotted-quad by hand: inet_ntop's sprintf cost more than the rest of a
 * small request's set-up. */
static char *ipv4_text(Arena *a, const unsigned char b[4])
{
    char s[16], *p = s;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100) *p++ = (char)('0' + v / 100);
        if (v >= 10) *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p++ = i < 3 ? '.' : 0;
    }
    return arena_strdup(a, s);
}

static void client_ip(Req *r, struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    char ip[INET6_ADDRSTRLEN] = "?";
    if (sa && sa->sa_family == AF_INET) {
        r->client_ip = ipv4_text(r->arena, (const unsigned char *)
                                 &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
        return;
    }
    if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip, sizeof ip);
    r->client_ip = arena_strdup(r->arena, ip);
}

/* libmicrohttpd hands the access handler a decoded path without the query;
 * the raw target arrives here first, and our own parsers take it from there.
 * The request's arena holds the Conn too: one allocation per request. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    App *app = cls;
    Req *r = req_new(app);
    Conn *c = arena_alloc(r->arena, sizeof *c);
    c->r = r;
    c->uri = arena_strdup(r->arena, uri ? uri : "");
    c->part_fd = -1;
    return c;
}

static int header_count(const Req *r, const char *lname)
{
    int n = 0;
    for (const Param *p = r->headers.head; p; p = p->next)
        if (str_ieq(p->name, lname)) n++;
    return n;
}

/* Request smuggling guards (RFC 9112 6.3): one Host, at most one
 * Content-Length, never Content-Length with Transfer-Encoding. */
static bool framing_is_ambiguous(const Req *r)
{
    return header_count(r, "host") > 1 || header_count(r, "content-length") > 1
        || (req_header(r, "content-length") && req_header(r, "transfer-encoding"));
}

static void conn_init(Conn *c, App *app, struct MHD_Connection *mc, const char *method)
{
    c->app = app;
    c->mc = mc;
    c->inited = true;
    Req *r = c->r;
    MHD_get_connection_values(mc, MHD_HEADER_KIND, collect_header, r);
    client_ip(r, mc);
    req_set_target(r, method, c->uri);
    const char *ct = req_header(r, "content-type");
    /* Only routes that take files accept large multipart bodies, so nobody
     * fills the disk through a sign-in form. */
    c->limit = app->cfg.max_body;
    if (str_startswith(ct, "multipart/")) {
        unsigned allowed;
        Params pp = {0};
        const Route *rt = r->path ? route_find(r->arena, r->method, r->path, &pp, &allowed) : NULL;
        c->limit = rt && (rt->access & A_UPLOAD) ? app->cfg.max_upload : REQ_PART_READ_MAX;
        if (c->limit > app->cfg.max_upload) c->limit = app->cfg.max_upload;
    }
    buf_init(&c->body, c->limit);
    r->bad_framing = framing_is_ambiguous(r);
    const char *cl = req_header(r, "content-length");
    int64_t n;
    if (cl && str_to_i64(cl, &n) && (n < 0 || (uint64_t)n > c->limit)) r->body_too_large = true;
    c->tail = &r->parts;
    if (!r->body_too_large && !r->bad_framing && str_startswith(ct, "multipart/form-data")) {
        c->pp = MHD_create_post_processor(mc, 64 * 1024, post_iter, c);
        if (!c->pp) c->bad_form = true;         /* no boundary: 400 */
    }
}

/* ---- responses ---------------------------------------------------------- */

static void free_buf(void *p) { free(p); }

/* Answers that never change (Req.fixed): built on their route's first
 * request and queued by reference afterwards; libmicrohttpd counts the
 * references of a response, so connections on any thread may share it. */
#define FIXED_MAX 8
static struct { const Route *route; int status; struct MHD_Response *resp; } fixed[FIXED_MAX];
static atomic_int nfixed;
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;

static struct MHD_Response *fixed_find(const Req *r)
{
    int n = atomic_load_explicit(&nfixed, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (fixed[i].route == r->route && fixed[i].status == r->status) return fixed[i].resp;
    return NULL;
}

/* Keeps resp (one reference) when it is the route's first; true if kept. */
static bool fixed_keep(const Req *r, struct MHD_Response *resp)
{
    bool kept = false;
    pthread_mutex_lock(&fixed_lock);
    int n = atomic_load_explicit(&nfixed, memory_order_relaxed);
    if (!fixed_find(r) && n < FIXED_MAX) {
        fixed[n].route = r->route;
        fixed[n].status = r->status;
        fixed[n].resp = resp;
        atomic_store_explicit(&nfixed, n + 1, memory_order_release);
        kept = true;
    }
    pthread_mutex_unlock(&fixed_lock);
    return kept;
}

static enum MHD_Result queue(Conn *c)
{
    Req *r = c->r;
    req_finish(r);  /* common headers, metrics-ready */
    /* probes only: a logged answer carries its own request id */
    bool fixed_ok = r->fixed && r->route && (r->route->access & A_NOLOG) && r->static_data && r->file_fd < 0;
    struct MHD_Response *resp = fixed_ok ? fixed_find(r) : NULL;
    if (resp) {
        c->state = C_ANSWERED;
        return MHD_queue_response(c->mc, (unsigned)r->status, resp);
    }
    /* HEAD: libmicrohttpd sends the headers of the full response, no body. */
    if (r->file_fd >= 0) {
        resp = MHD_create_response_from_fd_at_offset64((uint64_t)r->file_len, r->file_fd,
                                                       (uint64_t)r->file_off);
        r->file_fd = -1;    /* MHD closes it */
    } else if (r->static_data) {
        resp = MHD_create_response_from_buffer(r->static_len, (void *)r->static_data,
                                               MHD_RESPMEM_PERSISTENT);
    } else {
        size_t len = r->out.len;
        char *data = buf_steal(&r->out);
        resp = MHD_create_response_from_buffer_with_free_callback(len, data, free_buf);
    }
    if (!resp) return MHD_NO;
    if (r->content_type) MHD_add_response_header(resp, "Content-Type", r->content_type);
    for (RespHeader *h = r->resp_headers; h; h = h->next) MHD_add_response_header(resp, h->name, h->value);
    enum MHD_Result ok = MHD_queue_response(c->mc, (unsigned)r->status, resp);
    if (!fixed_ok || !fixed_keep(r, resp)) MHD_destroy_response(resp);
    c->state = C_ANSWERED;
    return ok;
}

/* Runs on the writer thread after the deferred job committed. */
static void write_done(WriteJob *job, int rc, int64_t id, void *ud)
{
    Conn *c = ud;
    c->r->pending_rc = rc;
    c->r->pending_id = id;
    c->state = C_RESUMED;
    MHD_resume_connection(c->mc);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    App *app = cls;
    Conn *c = *con_cls;
    if (!c) {
        c = on_uri(app, url, mc);       /* not reached: on_uri always runs */
        *con_cls = c;
    }
    if (!c->inited) {
        /* First call: headers only.  Answer on a later call so that
         * keep-alive holds (see DESIGN.md 4a). */
        conn_init(c, app, mc, method);
        metrics_in_flight(app->metrics, 1);
        c->counted = true;
        if (c->r->body_too_large || c->r->bad_framing) {     /* refuse before reading the body */
            dispatch(c->r);
            return queue(c);
        }
        return MHD_YES;
    }
    if (c->state == C_RESUMED) {
        dispatch_continue(c->r);
        return queue(c);
    }
    if (c->state != C_READING) return MHD_YES;
    if (*upload_size) {
        c->received += *upload_size;
        if (c->received > c->limit) c->r->body_too_large = true;
        else if (c->pp) {
            if (!c->bad_form && MHD_post_process(c->pp, upload_data, *upload_size) != MHD_YES) c->bad_form = true;
        } else if (!c->r->body_too_large && !buf_append(&c->body, upload_data, *upload_size))
            c->r->body_too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (c->pp) stream_finish(c);
    req_set_body(c->r, &c->body);
    if (c->bad_form) c->r->form.count = -1;
    dispatch(c->r);
    if (c->r->pending_job) {
        WriteJob *job = c->r->pending_job;
        c->r->pending_job = NULL;
        c->state = C_SUSPENDED;
        MHD_suspend_connection(mc);
        if (!writer_submit(app->writer, job, write_done, c)) {
            c->r->pending_rc = DB_ERROR;
            c->state = C_RESUMED;
            MHD_resume_connection(mc);
        }
        return MHD_YES;
    }
    return queue(c);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    App *app = cls;
    Conn *c = *con_cls;
    if (!c) return;
    if (c->state == C_ANSWERED) req_log(c->r);
    if (c->counted) metrics_in_flight(app->metrics, -1);
    if (c->pp) MHD_destroy_post_processor(c->pp);   /* the client went away mid-upload */
    if (c->part_fd >= 0) close(c->part_fd);
    buf_free(&c->value);
    buf_free(&c->body);
    *con_cls = NULL;
    req_free(c->r);                                 /* and c with it */
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n') line[--n] = 0;
    log_debug("microhttpd: %s", line);
}

/* ---- start / stop --------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    const char *colon = strrchr(listen, ':');
    if (!colon) return LN_EINVAL;
    char host[64];
    size_t hl = (size_t)(colon - listen);
    if (hl >= sizeof host) return LN_EINVAL;
    memcpy(host, listen, hl);
    host[hl] = 0;
    int64_t port;
    if (!str_to_i64(colon + 1, &port) || port < 0 || port > 65535) return LN_EINVAL;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, hl ? host : "127.0.0.1", &sa->sin_addr) != 1) return LN_EINVAL;
    return LN_OK;
}

Server *server_start(App *app, char **err)
{
    struct sockaddr_in sa;
    if (parse_listen(app->cfg.listen, &sa) != LN_OK) {
        *err = xstrdup("--listen must be IPv4-ADDRESS:PORT, e.g. 127.0.0.1:8080");
        return NULL;
    }
    Server *s = xcalloc(1, sizeof *s);
    s->app = app;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
                     | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, app,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, app->cfg.max_header,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.timeout_s,
                            MHD_OPTION_CONNECTION_LIMIT, 4096u,
                            MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, app,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                            MHD_OPTION_END);
    if (!s->d) {
        *err = xstrdup(errno == EADDRINUSE ? "the address is already in use"
                                           : "cannot start the HTTP server");
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : ntohs(sa.sin_port);
    return s;
}

uint16_t server_port(const Server *s) { return s->port; }

/* Stop accepting: libmicrohttpd hands the listening socket back; closing it
 * makes new connections fail at once instead of waiting unanswered. */
void server_quiesce(Server *s)
{
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET) close(fd);
}

void server_stop(Server *s)
{
    MHD_stop_daemon(s->d);
    pthread_mutex_lock(&fixed_lock);
    int n = atomic_exchange(&nfixed, 0);
    for (int i = 0; i < n; i++) MHD_destroy_response(fixed[i].resp);
    pthread_mutex_unlock(&fixed_lock);
    free(s);
}
