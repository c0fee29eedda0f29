/* static.c — embedded assets with ETag, cache headers and gzip. */
#include "web/static.h"
#include "core/embed.h"
#include "web/html.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define MAX_ASSETS 64

typedef struct Asset {
    const char *name;           /* "app.css" */
    const EmbeddedFile *file;
    char etag[20];              /* "\"<16 hex>\"" */
    char url[96];
    unsigned char *gz;          /* NULL when gzip does not pay */
    size_t gz_len;
    const char *type;
} Asset;

static Asset assets[MAX_ASSETS];
static int nassets;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *mime_for(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"}, {".png", "image/png"}, {".woff2", "font/woff2"},
        {".json", "application/json"}, {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < LN_ARRAY_LEN(types); i++)
        if (str_eq(dot, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

static void compress_asset(Asset *a)
{
    if (a->file->len < 1024 || (!str_startswith(a->type, "text/") && !strstr(a->type, "svg"))) return;
    uLongf cap = compressBound((uLong)a->file->len) + 32;
    unsigned char *out = xmalloc(cap);
    z_stream z = {0};
    /* windowBits 31: gzip wrapper */
    if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) { free(out); return; }
    z.next_in = (Bytef *)a->file->data;
    z.avail_in = (uInt)a->file->len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= a->file->len * 9 / 10) { free(out); return; }
    a->gz = out;
    a->gz_len = n;
}

static void load(void)
{
    for (const EmbeddedFile *f = embedded_files; f->path && nassets < MAX_ASSETS; f++) {
        if (!str_startswith(f->path, "share/static/")) continue;
        Asset *a = &assets[nassets++];
        a->file = f;
        a->name = f->path + strlen("share/static/");
        a->type = mime_for(a->name);
        unsigned char h[32];
        crypto_hash_sha256(h, f->data, f->len);
        char hex[17];
        sodium_bin2hex(hex, sizeof hex, h, 8);
        snprintf(a->etag, sizeof a->etag, "\"%s\"", hex);
        snprintf(a->url, sizeof a->url, "/static/%s?v=%s", a->name, hex);
        compress_asset(a);
    }
}

void static_init(void) { pthread_once(&once, load); }

static Asset *find(const char *name)
{
    static_init();
    for (int i = 0; i < nassets; i++)
        if (str_eq(assets[i].name, name)) return &assets[i];
    return NULL;
}

const char *static_url(const char *name)
{
    Asset *a = find(name);
    return a ? a->url : "/static/missing";
}

void static_get(Req *r)
{
    Asset *a = find(req_path_param(r, "file"));
    if (!a) {
        web_not_found(r);
        return;
    }
    r->content_type = a->type;
    req_set_header(r, "ETag", a->etag);
    req_set_header(r, "Vary", "Accept-Encoding");
    req_set_header(r, "Cache-Control", req_query(r, "v") ? "public, max-age=31536000, immutable"
                                                         : "public, max-age=300");
    const char *inm = req_header(r, "if-none-match");
    if (inm && (strstr(inm, a->etag) || str_eq(inm, "*"))) {
        r->status = 304;
        return;
    }
    if (a->gz && accepts_gzip(req_header(r, "accept-encoding"))) {
        req_set_header(r, "Content-Encoding", "gzip");
        r->static_data = a->gz;
        r->static_len = a->gz_len;
    } else {
        r->static_data = a->file->data;
        r->static_len = a->file->len;
    }
}
