/* fuzz_route.c — the route matcher on arbitrary paths, against a table of
 * the same shape as src/http/routes.c, and with arbitrary patterns. */
#include "http/route.h"

#include <stdlib.h>
#include <string.h>

static void nop(Req *r) { (void)r; }

Route routes[] = {
    {M_GET, "/", nop, 0},
    {M_GET, "/static/{file}", nop, 0},
    {M_GET | M_POST, "/signin", nop, 0},
    {M_GET, "/o/{org}", nop, 0},
    {M_POST, "/o/{org}/admin/users/{id}/role", nop, 0},
    {M_GET, "/o/{org}/admin/users", nop, 0},
    {M_DELETE, "/api/v1/orgs/{org}/tokens/{id}", nop, 0},
    {M_GET, "/invite/{token}", nop, 0},
};
const int route_count = (int)(sizeof routes / sizeof routes[0]);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena *a = arena_new();
    /* "PATTERN\nPATH" or just "PATH" */
    char *s = arena_strndup(a, (const char *)data, size);
    char *nl = memchr(s, '\n', strlen(s));
    const char *path = s;
    if (nl) {
        *nl = 0;
        path = nl + 1;
        Params p = {0};
        if (route_match(a, s, path, &p)) {
            /* Every captured value is a non-empty segment without '/'. */
            for (Param *e = p.head; e; e = e->next)
                if (!e->value[0] || strchr(e->value, '/')) abort();
        }
    }
    for (int m = M_GET; m <= M_OPTIONS; m <<= 1) {
        Params p = {0};
        unsigned allowed = 0;
        const Route *rt = route_find(a, (Method)m, path, &p, &allowed);
        if (rt && !((rt->methods | (rt->methods & M_GET ? M_HEAD : 0)) & (unsigned)m)) abort();
        if (rt && !route_match(a, rt->pattern, path, NULL)) abort();
    }
    arena_free(a);
    return 0;
}
