/* i18n.c — a small PO reader and an open-addressing table per language. */
#include "web/i18n.h"
#include "core/core.h"
#include "core/embed.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char *const i18n_languages[] = {"en", "fr", NULL};

typedef struct Entry { char *id, *str; } Entry;
typedef struct Catalog {
    Entry *slots;
    size_t cap, count;
} Catalog;

static Catalog fr;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void cat_put(Catalog *c, char *id, char *str)
{
    if ((c->count + 1) * 2 > c->cap) {
        Catalog n = {xcalloc(c->cap ? c->cap * 2 : 256, sizeof(Entry)), c->cap ? c->cap * 2 : 256, 0};
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i].id) cat_put(&n, c->slots[i].id, c->slots[i].str);
        free(c->slots);
        *c = n;
    }
    size_t i = hash_str(id) & (c->cap - 1);
    while (c->slots[i].id && strcmp(c->slots[i].id, id) != 0) i = (i + 1) & (c->cap - 1);
    if (!c->slots[i].id) c->count++;
    c->slots[i].id = id;
    c->slots[i].str = str;
}

static const char *cat_get(const Catalog *c, const char *id)
{
    if (!c->cap) return NULL;
    size_t i = hash_str(id) & (c->cap - 1);
    while (c->slots[i].id) {
        if (strcmp(c->slots[i].id, id) == 0) return c->slots[i].str;
        i = (i + 1) & (c->cap - 1);
    }
    return NULL;
}

/* Append the C-escaped contents of a "..." PO string at p to b. */
static void po_string(Buf *b, const char *p, const char *end)
{
    if (p >= end || *p != '"') return;
    for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\' && p + 1 < end) {
            p++;
            char c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            buf_putc(b, c);
        } else {
            buf_putc(b, *p);
        }
    }
}

/* Read msgid/msgstr pairs; multi-line strings continue on lines starting
 * with '"'.  Untranslated (empty msgstr) and the header are skipped. */
static void po_load(Catalog *c, const char *text, size_t n)
{
    Buf id, str;
    buf_init(&id, 0);
    buf_init(&str, 0);
    Buf *cur = NULL;
    const char *p = text, *end = text + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if (str_startswith(p, "msgid ")) {
            if (id.len && str.len) cat_put(c, xstrdup(buf_cstr(&id)), xstrdup(buf_cstr(&str)));
            buf_reset(&id);
            buf_reset(&str);
            cur = &id;
            po_string(cur, p + 6, eol);
        } else if (str_startswith(p, "msgstr ")) {
            cur = &str;
            po_string(cur, p + 7, eol);
        } else if (*p == '"' && cur) {
            po_string(cur, p, eol);
        } else {
            cur = NULL;
        }
        p = eol + 1;
    }
    if (id.len && str.len) cat_put(c, xstrdup(buf_cstr(&id)), xstrdup(buf_cstr(&str)));
    buf_free(&id);
    buf_free(&str);
}

static void load(void)
{
    const EmbeddedFile *f = embed_find("share/i18n/fr.po");
    if (f) po_load(&fr, (const char *)f->data, f->len);
}

void i18n_init(void) { pthread_once(&once, load); }

const char *i18n_get(const char *lang, const char *msgid)
{
    if (lang && lang[0] == 'f' && lang[1] == 'r') {
        i18n_init();
        const char *s = cat_get(&fr, msgid);
        if (s) return s;
    }
    return msgid;
}

const char *i18n_supported(const char *lang)
{
    for (int i = 0; lang && i18n_languages[i]; i++)
        if (strcmp(lang, i18n_languages[i]) == 0) return i18n_languages[i];
    return NULL;
}

int i18n_count(const char *lang)
{
    i18n_init();
    return str_eq(lang, "fr") ? (int)fr.count : 0;
}
