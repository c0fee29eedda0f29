/* embed.h — files compiled into the binary (migrations/, share/). */
#ifndef LECTERN_EMBED_H
#define LECTERN_EMBED_H
#include <stddef.h>

typedef struct EmbeddedFile {
    const char *path;               /* e.g. "share/static/app.css" */
    const unsigned char *data;      /* NUL-terminated after len bytes */
    size_t len;
} EmbeddedFile;

extern const EmbeddedFile embedded_files[];   /* ends with path == NULL */
const EmbeddedFile *embed_find(const char *path);

#endif
