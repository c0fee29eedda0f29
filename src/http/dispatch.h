/* dispatch.h — from a parsed request to a response, without a socket. */
#ifndef LECTERN_DISPATCH_H
#define LECTERN_DISPATCH_H

#include "http/app.h"

/* Life of a Req (all memory in its arena). */
Req *req_new(App *app);
void req_free(Req *r);
/* Method and target ("/path?query"); a bad target is answered 400 later. */
void req_set_target(Req *r, const char *method, const char *target);
/* A whole raw request ("METHOD TARGET HTTP/1.1", headers, blank line,
 * body) into r; `raw` is modified.  False when it is not shaped so. */
bool req_parse_raw(Req *r, char *raw, size_t len);
/* Take the body (copied into the arena) and parse forms. */
void req_set_body(Req *r, const Buf *body);

/* Route, check access (access.c), run the handler.  If the handler deferred
 * a write (r->pending_job), the caller submits it and later calls
 * dispatch_continue once r->pending_rc is set. */
void dispatch(Req *r);
void dispatch_continue(Req *r);
/* Run a whole request synchronously (tests, test-request, fuzzers): the
 * deferred write, if any, is waited for on this thread. */
void dispatch_sync(Req *r);

/* Add the common headers (security, request id) and record metrics. */
void req_finish(Req *r);
/* One access-log line. */
void req_log(Req *r);

#endif
