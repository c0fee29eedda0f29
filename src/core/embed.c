/* embed.c — look-up of files compiled into the binary. */
#include "core/embed.h"
#include <string.h>

const EmbeddedFile *embed_find(const char *path)
{
    for (const EmbeddedFile *f = embedded_files; f->path; f++)
        if (strcmp(f->path, path) == 0) return f;
    return NULL;
}
