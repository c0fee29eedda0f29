/* route.c — path matching for the route table in routes.c. */
#include "http/route.h"

#include <string.h>

#define MAX_SEGMENT 256

/* Segment [s, e) of a path, without the leading '/'. */
static const char *seg_end(const char *s)
{
    while (*s && *s != '/') s++;
    return s;
}

bool route_match(Arena *a, const char *pattern, const char *path, Params *params)
{
    const char *p = pattern, *q = path;
    if (*p != '/' || *q != '/') return false;
    while (*p && *q) {
        if (*p != '/' || *q != '/') return false;
        p++, q++;
        const char *pe = seg_end(p), *qe = seg_end(q);
        size_t pl = (size_t)(pe - p), ql = (size_t)(qe - q);
        if (pl > 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (ql == 0 || ql > MAX_SEGMENT) return false;
            if (params) {
                char *name = arena_strndup(a, p + 1, pl - 2);
                char *val = arena_strndup(a, q, ql);
                params_add(a, params, name, val, ql);
            }
        } else if (pl != ql || memcmp(p, q, pl) != 0) {
            return false;
        }
        p = pe, q = qe;
    }
    return *p == 0 && *q == 0;
}

const Route *route_find(Arena *a, Method m, const char *path, Params *params, unsigned *allowed)
{
    *allowed = 0;
    for (int i = 0; i < route_count; i++) {
        if (!route_match(a, routes[i].pattern, path, NULL)) continue;
        unsigned methods = routes[i].methods;
        if (methods & M_GET) methods |= M_HEAD;
        if (methods & m) {
            route_match(a, routes[i].pattern, path, params);
            return &routes[i];
        }
        *allowed |= methods;
    }
    return NULL;
}

static const int slot_status[ROUTE_STATUS_SLOTS] = {
    200, 201, 204, 206, 301, 302, 303, 304, 400, 401,
    403, 404, 405, 409, 413, 415, 422, 429, 500, 503,
};

int route_status_slot(int status)
{
    for (int i = 0; i < ROUTE_STATUS_SLOTS; i++)
        if (slot_status[i] == status) return i;
    return status >= 500 ? 18 : 8;   /* other 5xx → 500, other → 400 */
}

int route_slot_status(int slot) { return slot_status[slot]; }
