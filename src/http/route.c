/* route.c — path matching for the route table in routes.c. */
#include "http/route.h"

#include <pthread.h>
#include <stdatomic.h>
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

/* ---- the index ---------------------------------------------------------------
 * A path of k segments under /api can only match patterns of k segments
 * under /api: the routes are grouped by their first segment and their
 * number of segments, each group in table order (first match wins, and a
 * 405 names every method of the patterns that match).  The largest group
 * holds 35 of the 361 routes.  Built once; the table is static.  Should a
 * pattern ever start with a parameter, every request scans the table. */
typedef struct { const char *seg; size_t len; int nseg; int *idx; int n; } Group;
static Group *groups;
static int ngroups;
static bool scan_all;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static atomic_bool index_ready;

static int seg_count(const char *p)
{
    int n = 0;
    for (; *p; p++) n += *p == '/';
    return n;
}

static Group *group_of(const char *seg, size_t len, int nseg)
{
    for (int g = 0; g < ngroups; g++)
        if (groups[g].nseg == nseg && groups[g].len == len && memcmp(groups[g].seg, seg, len) == 0) return &groups[g];
    return NULL;
}

static void index_build(void)
{
    for (int i = 0; i < route_count; i++) {
        const char *seg = routes[i].pattern + 1;
        size_t len = (size_t)(seg_end(seg) - seg);
        if (len && seg[0] == '{') {
            scan_all = true;
            atomic_store_explicit(&index_ready, true, memory_order_release);
            return;
        }
        int nseg = seg_count(routes[i].pattern);
        Group *g = group_of(seg, len, nseg);
        if (!g) {
            groups = xrealloc(groups, sizeof *groups * (size_t)(ngroups + 1));
            g = &groups[ngroups++];
            *g = (Group){.seg = seg, .len = len, .nseg = nseg, .idx = NULL, .n = 0};
        }
        g->idx = xrealloc(g->idx, sizeof *g->idx * (size_t)(g->n + 1));
        g->idx[g->n++] = i;
    }
    atomic_store_explicit(&index_ready, true, memory_order_release);
}

const Route *route_find(Arena *a, Method m, const char *path, Params *params, unsigned *allowed)
{
    *allowed = 0;
    if (!atomic_load_explicit(&index_ready, memory_order_acquire)) pthread_once(&index_once, index_build);
    const Group *g = NULL;
    if (!scan_all) {
        if (*path != '/') return NULL;
        g = group_of(path + 1, (size_t)(seg_end(path + 1) - (path + 1)), seg_count(path));
        if (!g) return NULL;
    }
    int n = g ? g->n : route_count;
    for (int k = 0; k < n; k++) {
        const Route *rt = &routes[g ? g->idx[k] : k];
        if (!route_match(a, rt->pattern, path, NULL)) continue;
        unsigned methods = rt->methods;
        if (methods & M_GET) methods |= M_HEAD;
        if (methods & m) {
            route_match(a, rt->pattern, path, params);
            return rt;
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
