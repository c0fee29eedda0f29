/* static.h — assets from share/static, compiled into the binary, served
 * with a strong ETag, long caching for versioned URLs, and gzip when the
 * client takes it and it pays. */
#ifndef LECTERN_STATIC_H
#define LECTERN_STATIC_H

#include "http/req.h"

void static_init(void);
/* "/static/app.css?v=<etag>" for a file of share/static. */
const char *static_url(const char *name);
/* ROUTE: GET /static/{file} */
void static_get(Req *r);

#endif
