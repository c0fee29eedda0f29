/* route.h — the one route table and its matcher. */
#ifndef LECTERN_ROUTE_H
#define LECTERN_ROUTE_H

#include <stdatomic.h>
#include "http/req.h"

/* Access flags: checked in one place (access.c) before any handler runs. */
enum {
    A_PUBLIC   = 0,
    A_LOGIN    = 1 << 0,    /* signed in (session or bearer token) */
    A_CSRF     = 1 << 1,    /* state change: CSRF token unless bearer */
    A_API      = 1 << 2,    /* JSON errors; bearer tokens accepted */
    A_MEMBER   = 1 << 3,    /* any role in {org} */
    A_STAFF    = 1 << 4,    /* trainer or admin in {org} */
    A_ADMIN    = 1 << 5,    /* admin in {org} */
    A_PLATFORM = 1 << 6,    /* platform administrator */
    A_NOLOG    = 1 << 7,    /* probes: no access-log line */
    A_NODB     = 1 << 8,    /* needs no database and no identity (probes, assets) */
    A_UPLOAD   = 1 << 9,    /* multipart bodies up to max-upload (else 16 MiB) */
    A_XAPI     = 1 << 10,   /* xAPI LRS: an API token also as HTTP Basic password */
};

#define ROUTE_STATUS_SLOTS 20

struct Route {
    unsigned methods;       /* Method bits */
    const char *pattern;    /* "/o/{org}/admin/users/{id}" */
    void (*handler)(Req *r);
    unsigned access;
};

extern Route routes[];
extern const int route_count;

/* Match `path` against one pattern; on success fills `params` (arena). */
bool route_match(Arena *a, const char *pattern, const char *path, Params *params);

/* Find the route for (method, path).  Returns NULL and sets *allowed to the
 * methods of routes matching the path (0 = no route at all: 404). */
const Route *route_find(Arena *a, Method m, const char *path, Params *params, unsigned *allowed);

/* Metrics slot for an HTTP status. */
int route_status_slot(int status);
int route_slot_status(int slot);

#endif
