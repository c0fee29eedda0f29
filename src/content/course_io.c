/* course_io.c — a course as files (docs/course-format.md).
 *
 * Export reads the course and its outline, builds the list of files in
 * memory (texts) or by reference (media on disk), sorts it, and writes it
 * to a folder or a deterministic .tar.gz.
 *
 * Import works in two phases so that a bad package changes nothing: first
 * the whole package is read and checked (header files parsed, values run
 * through course_check/section_check/unit_check, every referenced file
 * looked at); only then, in one transaction, the course, sections, units,
 * media and tracks are written.  The content functions called in the
 * second phase open no transaction of their own.
 */
#include "content/course_io.h"
#include "assess/assess_io.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNIT_FILE_MAX (UNIT_BODY_MAX + 65536)      /* a body and its header */
#define COURSE_FILE_MAX (COURSE_TEXT_MAX + 65536)
#define NAME_MAX_BYTES 255         /* a name in files/, on import */
/* On export: short enough that "-2" and media.c's 200-byte cut of stored
 * names never change it on the way back. */
#define EXPORT_NAME_MAX 180

/* The tracks a video may carry, in the order of unit_tracks() (kind, lang)
 * and of the export.  unit_track_set() accepts these languages only. */
static const struct { const char *key, *kind, *lang; } track_keys[] = {
    {"captions.en", "captions", "en"},
    {"captions.fr", "captions", "fr"},
    {"transcript.en", "transcript", "en"},
    {"transcript.fr", "transcript", "fr"},
};
#define NTRACKS ((int)LN_ARRAY_LEN(track_keys))

static const char *const course_keys[] = {"code", "title", "lang", "estimated_minutes", "published", NULL};
static const char *const section_keys[] = {"title", "release_days", NULL};
static const char *const unit_keys[] = {"kind", "title", "minutes", "required", "threshold", "url", "file",
                                        "duration_s", "captions.en", "captions.fr", "transcript.en",
                                        "transcript.fr", NULL};
#define COMPANION_MAX (INT64_C(16) << 20)  /* a quiz's GIFT or items file, a rubric, instructions */

/* The NULL-terminated lists joined into one, in the arena. */
static const char *const *keys_join(Arena *a, const char *const *const *lists, int nlists)
{
    int n = 0, k = 0;
    for (int l = 0; l < nlists; l++)
        for (int i = 0; lists[l][i]; i++) n++;
    const char **all = arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
    for (int l = 0; l < nlists; l++)
        for (int i = 0; lists[l][i]; i++) all[k++] = lists[l][i];
    all[k] = NULL;
    return all;
}

/* unit_keys and the quiz, assignment and weight keys (assess_io.h). */
static const char *const *unit_known(Arena *a)
{
    const char *const *const lists[] = {unit_keys, aio_quiz_keys, aio_assignment_keys, aio_graded_keys};
    return keys_join(a, lists, (int)LN_ARRAY_LEN(lists));
}

/* course_keys and the gradebook's (assess_io.h). */
static const char *const *course_known(Arena *a)
{
    const char *const *const lists[] = {course_keys, aio_course_keys};
    return keys_join(a, lists, (int)LN_ARRAY_LEN(lists));
}

/* ======================================================================
 * The header-file parser
 * ==================================================================== */

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t') return false;
    return true;
}

/* The line at `p` without its LF or CRLF; *next is the line after it. */
static size_t line_at(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    *next = nl ? nl + 1 : end;
    if (e > p && e[-1] == '\r') e--;
    return (size_t)(e - p);
}

/* "key: value" → f; NULL or an English message. */
static const char *parse_field(Arena *a, const char *p, size_t n, CourseField *f)
{
    size_t k = 0;
    while (k < n && key_char(p[k])) k++;
    if (k == 0 || k == n || p[k] != ':') {
        size_t w = 0;
        while (w < n && p[w] != ':' && p[w] != ' ') w++;
        if (w < n && p[w] == ':' && w > 0 && w <= 64)
            return arena_printf(a, "unknown key \"%.*s\" (keys are lower-case letters, digits, . and _)", (int)w, p);
        return "expected \"key: value\"";
    }
    const char *v = p + k + 1, *ve = p + n;
    while (v < ve && (*v == ' ' || *v == '\t')) v++;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
    for (const char *q = v; q < ve; q++)
        if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f)
            return "control characters are not allowed in a value";
    f->key = arena_strndup(a, p, k);
    f->value = arena_strndup(a, v, (size_t)(ve - v));
    return NULL;
}

/* Line by line, so that the message can say where: a UTF-8 sequence
 * never contains the byte '\n'. */
static const char *check_body(const char *p, const char *end, int *line)
{
    while (p < end) {
        const char *next;
        size_t n = line_at(p, end, &next);
        LN_UNUSED(n);
        if (!utf8_valid(p, (size_t)(next - p))) return "not valid UTF-8";
        p = next;
        if (p < end) ++*line;
    }
    return NULL;
}

static const char *header_line(Arena *a, CourseHeader *out, const char *p, size_t n, int line)
{
    if (n > COURSE_HEADER_LINE_MAX) return "line too long";
    if (!utf8_valid(p, n)) return "not valid UTF-8";
    if (p[0] == '#') return NULL;           /* a comment */
    if (out->n == COURSE_HEADER_FIELDS) return "too many header lines";
    CourseField *f = &out->fields[out->n];
    const char *msg = parse_field(a, p, n, f);
    if (msg) return msg;
    for (int i = 0; i < out->n; i++)
        if (str_eq(out->fields[i].key, f->key)) return arena_printf(a, "key \"%s\" given twice", f->key);
    f->line = line;
    out->n++;
    return NULL;
}

const char *course_header_parse(Arena *a, const char *data, size_t len, CourseHeader *out, int *line)
{
    memset(out, 0, sizeof *out);
    const char *p = data, *end = data + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    *line = 0;
    while (p < end) {
        const char *next;
        size_t n = line_at(p, end, &next);
        ++*line;
        if (blank(p, n)) {
            out->body = next;
            out->body_len = (size_t)(end - next);
            out->body_line = *line + 1;
            ++*line;
            return check_body(next, end, line);
        }
        const char *msg = header_line(a, out, p, n, *line);
        if (msg) return msg;
        p = next;
    }
    return NULL;
}

const char *course_header_known(Arena *a, const CourseHeader *h, const char *const *known, int *line)
{
    for (int i = 0; i < h->n; i++) {
        bool ok = false;
        for (int k = 0; known[k] && !ok; k++) ok = str_eq(known[k], h->fields[i].key);
        if (!ok) {
            *line = h->fields[i].line;
            return arena_printf(a, "unknown key \"%s\"", h->fields[i].key);
        }
    }
    return NULL;
}

const char *course_header_get(const CourseHeader *h, const char *key, int *line)
{
    for (int i = 0; i < h->n; i++)
        if (str_eq(h->fields[i].key, key)) {
            if (line) *line = h->fields[i].line;
            return h->fields[i].value;
        }
    if (line) *line = 1;
    return NULL;
}

char *course_slug(Arena *a, const char *title, const char *fallback)
{
    const unsigned char *f = (const unsigned char *)str_fold(a, title);
    char out[41];
    size_t n = 0;
    bool dash = false;
    for (; *f; f++) {
        if ((*f >= 'a' && *f <= 'z') || (*f >= '0' && *f <= '9')) {
            if (dash && n) {
                if (n + 2 > 40) break;      /* never end on a dash */
                out[n++] = '-';
            }
            if (n == 40) break;
            out[n++] = (char)*f;
            dash = false;
        } else {
            dash = true;
        }
    }
    out[n] = 0;
    return arena_strdup(a, n ? out : fallback);
}

/* ======================================================================
 * Small file-system helpers
 * ==================================================================== */

/* libarchive converts names through the locale's character set, and the C
 * locale has none for non-ASCII names (a NULL name; libarchive 3.6 then
 * crashes writing a pax header): archive work runs under C.UTF-8, for the
 * calling thread only. */
typedef struct Utf8Locale { locale_t loc, old; } Utf8Locale;

static void utf8_locale_enter(Utf8Locale *u)
{
    u->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    u->old = u->loc ? uselocale(u->loc) : (locale_t)0;
}

static void utf8_locale_leave(Utf8Locale *u)
{
    if (!u->loc) return;
    uselocale(u->old);
    freelocale(u->loc);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool is_targz(const char *path)
{
    return ends_with(path, ".tar.gz") || ends_with(path, ".tgz");
}

/* Copy the file `src` into `fd`. */
static int copy_into(const char *src, int fd)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return LN_EIO;
    char buf[65536];
    ssize_t n;
    int rc = LN_OK;
    while (rc == LN_OK && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        rc = n < 0 ? LN_EIO : write_full(fd, buf, (size_t)n);
    }
    close(in);
    return rc;
}

/* DATA/tmp, made when missing. */
static char *data_tmp(App *app, Arena *a)
{
    mkdir(app->cfg.data_dir, 0750);
    char *dir = arena_printf(a, "%s/tmp", app->cfg.data_dir);
    mkdir(dir, 0750);
    return dir;
}

/* A file name fit for files/: one path component, no leading dot (hidden
 * files are ignored on import), no control characters, valid UTF-8. */
static bool file_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (!n || n > NAME_MAX_BYTES || name[0] == '.' || !utf8_valid(name, n)) return false;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f) return false;
    return true;
}

/* ======================================================================
 * Import: reading and checking the package
 * ==================================================================== */

typedef struct PkgFile {
    char *name;             /* in files/ */
    int64_t media_id;       /* once stored */
} PkgFile;

typedef struct PkgUnit {
    UnitInput in;
    AioUnit *aio;           /* quiz and assignment units: settings, questions, rubric */
    int file;               /* index in Pkg.files, or -1 */
    int track[NTRACKS];     /* the same for each track key */
} PkgUnit;

typedef struct PkgSection {
    SectionInput in;
    PkgUnit *units;
    int n;
} PkgSection;

typedef struct Pkg {
    Arena *a;
    App *app;
    const char *root;       /* the package folder on disk */
    const char *shown;      /* prefix of paths in messages ("" or "DIR/") */
    bool owned;             /* root is our own unpacked copy: files may be moved out */
    char *err;              /* the first error, malloc'd */
    CourseInput course;
    GbSettings grading;     /* the gradebook's pass mark and completion rule */
    int code_line;
    bool code_overridden;   /* by --code */
    PkgSection *sections;
    int nsections, nunits;
    PkgFile *files;
    int nfiles, files_cap;
    int64_t bytes, text_bytes;
    CourseProgress fn;
    void *ctx;
    int done, total;
} Pkg;

/* Keep the first error as "shown+rel:line: message" (no line when 0). */
static int pkg_fail(Pkg *p, int rc, const char *rel, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int pkg_fail(Pkg *p, int rc, const char *rel, int line, const char *fmt, ...)
{
    if (p->err) return rc;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(p->a, fmt, ap);
    va_end(ap);
    char *s = line > 0 ? arena_printf(p->a, "%s%s:%d: %s", p->shown, rel, line, msg)
                       : arena_printf(p->a, "%s%s: %s", p->shown, rel, msg);
    p->err = xstrdup(s);
    return rc;
}

static void pkg_progress(Pkg *p)
{
    p->done++;
    if (p->fn) p->fn(p->ctx, "importing", p->done, p->total);
}

static char *pkg_path(Pkg *p, const char *rel)
{
    return arena_printf(p->a, "%s/%s", p->root, rel);
}

static int count_bytes(Pkg *p, const char *rel, int64_t n, bool text)
{
    p->bytes += n;
    if (text) p->text_bytes += n;
    if (p->bytes > COURSE_IO_MAX_BYTES)
        return pkg_fail(p, LN_ELIMIT, rel, 0, "the package is larger than %lld bytes",
                        (long long)COURSE_IO_MAX_BYTES);
    if (p->text_bytes > COURSE_IO_TEXT_MAX)
        return pkg_fail(p, LN_ELIMIT, rel, 0, "the texts of the package are larger than %lld bytes",
                        (long long)COURSE_IO_TEXT_MAX);
    return LN_OK;
}

/* Read the regular file `rel` (never through a link) into the arena. */
static int pkg_read(Pkg *p, const char *rel, size_t max, char **data, size_t *len)
{
    /* O_NONBLOCK: a FIFO must not hang the import (it is refused below). */
    int fd = open(pkg_path(p, rel), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) return pkg_fail(p, LN_EINVAL, rel, 0, "missing");
        return pkg_fail(p, LN_EINVAL, rel, 0, "cannot read: %s", errno == ELOOP ? "a link" : strerror(errno));
    }
    struct stat sb;
    int rc = LN_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) rc = pkg_fail(p, LN_EINVAL, rel, 0, "not a regular file");
    else if ((uint64_t)sb.st_size > max) rc = pkg_fail(p, LN_ELIMIT, rel, 0, "larger than %zu bytes", max);
    size_t got = 0;
    char *buf = rc == LN_OK ? arena_alloc(p->a, (size_t)sb.st_size + 1) : NULL;
    while (rc == LN_OK && got < (size_t)sb.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) rc = pkg_fail(p, LN_EIO, rel, 0, "cannot read: %s", n ? strerror(errno) : "shorter than said");
        else got += (size_t)n;
    }
    close(fd);
    if (rc != LN_OK) return rc;
    *data = buf;
    *len = got;
    return count_bytes(p, rel, (int64_t)got, true);
}

/* Read and parse a header file; unknown keys are errors. */
static int pkg_header(Pkg *p, const char *rel, size_t max, const char *const *known, CourseHeader *h)
{
    char *data;
    size_t len;
    int rc = pkg_read(p, rel, max, &data, &len);
    if (rc != LN_OK) return rc;
    int line = 0;
    const char *msg = course_header_parse(p->a, data, len, h, &line);
    if (!msg) msg = course_header_known(p->a, h, known, &line);
    return msg ? pkg_fail(p, LN_EINVAL, rel, line, "%s", msg) : LN_OK;
}

/* ---- folder listings ---- */

typedef struct Entry {
    char *name;
    mode_t mode;
    unsigned long long num;     /* the leading number, for the order */
    bool numbered;
} Entry;

static int entry_cmp(const void *x, const void *y)
{
    const Entry *a = x, *b = y;
    if (a->numbered != b->numbered) return a->numbered ? -1 : 1;
    if (a->num != b->num) return a->num < b->num ? -1 : 1;
    return strcmp(a->name, b->name);
}

static void entry_number(Entry *e)
{
    const char *s = e->name;
    e->num = 0;
    e->numbered = *s >= '0' && *s <= '9';
    for (int i = 0; *s >= '0' && *s <= '9'; s++, i++)
        e->num = i < 18 ? e->num * 10 + (unsigned)(*s - '0') : e->num;
}

/* The entries of the folder `rel` (hidden ones left out), by leading
 * number then name; more than `max` (`what`) is an error. */
static int pkg_list(Pkg *p, const char *rel, int max, const char *what, Entry **out, int *n)
{
    char *dir = pkg_path(p, rel);
    DIR *d = opendir(dir);
    if (!d) return pkg_fail(p, LN_EINVAL, rel, 0, "cannot read the folder: %s", strerror(errno));
    int cap = 16, rc = LN_OK;
    *out = arena_alloc(p->a, sizeof(Entry) * (size_t)cap);
    *n = 0;
    struct dirent *de;
    while (rc == LN_OK && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (*n == max) {
            rc = pkg_fail(p, LN_ELIMIT, rel, 0, "more than %d %s", max, what);
            break;
        }
        if (*n == cap) {
            Entry *more = arena_alloc(p->a, sizeof(Entry) * (size_t)cap * 2);
            memcpy(more, *out, sizeof(Entry) * (size_t)cap);
            *out = more;
            cap *= 2;
        }
        Entry *e = &(*out)[(*n)++];
        e->name = arena_strdup(p->a, de->d_name);
        struct stat sb;
        if (lstat(arena_printf(p->a, "%s/%s", dir, e->name), &sb) != 0) sb.st_mode = 0;
        e->mode = sb.st_mode;
        entry_number(e);
        if (S_ISLNK(e->mode))
            rc = pkg_fail(p, LN_EINVAL, str_eq(rel, ".") ? e->name : arena_printf(p->a, "%s/%s", rel, e->name), 0,
                          "links are not allowed");
    }
    closedir(d);
    if (rc == LN_OK) qsort(*out, (size_t)*n, sizeof(Entry), entry_cmp);
    return rc;
}

/* ---- values ---- */

static int get_int(Pkg *p, const char *rel, const CourseHeader *h, const char *key, int64_t def, int64_t *out)
{
    int line;
    const char *v = course_header_get(h, key, &line);
    *out = def;
    if (!v) return LN_OK;
    bool digits = *v != 0;
    for (const char *s = v; *s; s++) digits = digits && *s >= '0' && *s <= '9';
    if (!digits || !str_to_i64(v, out))
        return pkg_fail(p, LN_EINVAL, rel, line, "%s: a whole number (0 or more) is expected", key);
    return LN_OK;
}

static int get_yes_no(Pkg *p, const char *rel, const CourseHeader *h, const char *key, int def, int *out)
{
    int line;
    const char *v = course_header_get(h, key, &line);
    *out = !v ? def : str_eq(v, "yes") ? 1 : str_eq(v, "no") ? 0 : -1;
    if (*out < 0) return pkg_fail(p, LN_EINVAL, rel, line, "%s: \"yes\" or \"no\" is expected", key);
    return LN_OK;
}

/* A check's error on `field` reported at the line of the matching key. */
static int check_fail(Pkg *p, const char *rel, const CourseHeader *h, const char *field, const char *msg)
{
    if (str_eq(field, "body") || str_eq(field, "summary"))
        return pkg_fail(p, LN_EINVAL, rel, h->body_line ? h->body_line : 1, "%s", msg);
    int line;
    course_header_get(h, field, &line);
    return pkg_fail(p, LN_EINVAL, rel, line, "%s: %s", field, msg);
}

static char *body_of(Pkg *p, const CourseHeader *h)
{
    return h->body ? arena_strndup(p->a, h->body, h->body_len) : arena_strdup(p->a, "");
}

/* ---- files/ ---- */

/* WebVTT: the same test as media_is_vtt(), made before the file is stored. */
static bool vtt_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    char head[16] = {0};
    ssize_t n = read(fd, head, sizeof head - 1);
    close(fd);
    const char *s = head;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    return n > 0 && strncmp(s, "WEBVTT", 6) == 0
           && (s[6] == 0 || s[6] == ' ' || s[6] == '\t' || s[6] == '\n' || s[6] == '\r');
}

/* The index of files/NAME, looked at on its first reference. */
static int pkg_file(Pkg *p, const char *rel, int line, const char *key, const char *name, int *idx)
{
    if (!file_name_ok(name))
        return pkg_fail(p, LN_EINVAL, rel, line, "%s: \"%s\" is not a file name of files/ (no /, no leading dot)",
                        key, name);
    for (int i = 0; i < p->nfiles; i++)
        if (str_eq(p->files[i].name, name)) {
            *idx = i;
            return LN_OK;
        }
    char *frel = arena_printf(p->a, "files/%s", name);
    struct stat sb;
    if (lstat(pkg_path(p, frel), &sb) != 0)
        return pkg_fail(p, LN_EINVAL, rel, line, "%s: %s is missing", key, frel);
    if (!S_ISREG(sb.st_mode))
        return pkg_fail(p, LN_EINVAL, rel, line, "%s: %s is %s", key, frel,
                        S_ISLNK(sb.st_mode) ? "a link (links are not allowed)" : "not a regular file");
    if (p->nfiles == p->files_cap) {
        int cap = p->files_cap ? p->files_cap * 2 : 16;
        PkgFile *more = arena_alloc(p->a, sizeof(PkgFile) * (size_t)cap);
        if (p->nfiles) memcpy(more, p->files, sizeof(PkgFile) * (size_t)p->nfiles);
        p->files = more;
        p->files_cap = cap;
    }
    PkgFile *f = &p->files[p->nfiles];
    f->name = arena_strdup(p->a, name);
    *idx = p->nfiles++;
    return count_bytes(p, frel, sb.st_size, false);
}

/* Every file of files/ must be used: what is left out would be lost. */
static int pkg_files_used(Pkg *p)
{
    struct stat sb;
    if (lstat(pkg_path(p, "files"), &sb) != 0) return LN_OK;
    Entry *e;
    int n;
    int rc = pkg_list(p, "files", COURSE_IO_MAX_ENTRIES, "files", &e, &n);
    for (int i = 0; rc == LN_OK && i < n; i++) {
        if (!S_ISREG(e[i].mode))
            return pkg_fail(p, LN_EINVAL, arena_printf(p->a, "files/%s", e[i].name), 0, "files/ holds files only");
        bool used = false;
        for (int k = 0; k < p->nfiles && !used; k++) used = str_eq(p->files[k].name, e[i].name);
        if (!used)
            rc = pkg_fail(p, LN_EINVAL, arena_printf(p->a, "files/%s", e[i].name), 0,
                          "not used by any unit (remove it or name it in a unit's header)");
    }
    return rc;
}

/* ---- units ---- */

/* What unit_check() leaves to the pages: which keys make sense for a kind. */
static int unit_kind_keys(Pkg *p, const char *rel, const CourseHeader *h, const UnitKind *k)
{
    int line;
    if (k->url && !course_header_get(h, "url", &line))
        return pkg_fail(p, LN_EINVAL, rel, 1, "url: Give an address starting with https:// or http://.");
    if (!k->url && course_header_get(h, "url", &line))
        return pkg_fail(p, LN_EINVAL, rel, line, "url: only link units have an address");
    if (!k->media && course_header_get(h, "file", &line))
        return pkg_fail(p, LN_EINVAL, rel, line, "file: only video and resource units have a file");
    for (int t = 0; t < NTRACKS; t++)
        if (!str_eq(k->name, "video") && course_header_get(h, track_keys[t].key, &line))
            return pkg_fail(p, LN_EINVAL, rel, line, "%s: only video units have captions and transcripts",
                            track_keys[t].key);
    return LN_OK;
}

static int unit_files(Pkg *p, const char *rel, const CourseHeader *h, PkgUnit *u)
{
    int line, rc = LN_OK;
    const char *name = course_header_get(h, "file", &line);
    u->file = -1;
    if (name) rc = pkg_file(p, rel, line, "file", name, &u->file);
    for (int t = 0; rc == LN_OK && t < NTRACKS; t++) {
        u->track[t] = -1;
        name = course_header_get(h, track_keys[t].key, &line);
        if (!name) continue;
        rc = pkg_file(p, rel, line, track_keys[t].key, name, &u->track[t]);
        if (rc == LN_OK && str_eq(track_keys[t].kind, "captions")
            && !vtt_file(pkg_path(p, arena_printf(p->a, "files/%s", name))))
            rc = pkg_fail(p, LN_EINVAL, rel, line, "%s: captions must be a WebVTT file (it starts with WEBVTT)",
                          track_keys[t].key);
    }
    return rc;
}

/* The kinds the format holds today; live-session units (their sessions)
 * are not in it yet. */
static bool kind_in_format(const char *kind)
{
    return str_eq(kind, "text") || str_eq(kind, "video") || str_eq(kind, "resource") || str_eq(kind, "link")
           || str_eq(kind, "quiz") || str_eq(kind, "assignment") || str_eq(kind, "discussion");
}

/* The companion files of a section folder (assess_io.h) and which a unit read. */
typedef struct Companions { char **names; bool *used; int n; } Companions;

/* Read companion `stem+suffix` when the folder has it (*data NULL otherwise). */
static int pkg_companion(Pkg *p, const char *dir, Companions *cs, const char *stem, const char *suffix, char **data,
                         size_t *len)
{
    *data = NULL;
    *len = 0;
    char *name = arena_printf(p->a, "%s%s", stem, suffix);
    for (int i = 0; i < cs->n; i++) {
        if (!str_eq(cs->names[i], name)) continue;
        cs->used[i] = true;
        char *rel = arena_printf(p->a, "%s/%s", dir, name);
        int rc = pkg_read(p, rel, COMPANION_MAX, data, len);
        int line = 1;
        const char *msg = rc == LN_OK ? check_body(*data, *data + *len, &line) : NULL;
        return msg ? pkg_fail(p, LN_EINVAL, rel, line, "%s", msg) : rc;
    }
    return LN_OK;
}

/* A quiz's or an assignment's settings (header), questions, rubric and
 * instructions (companion files). */
static int pkg_unit_assess(Pkg *p, const char *dir, const char *rel, Companions *cs, const CourseHeader *h, PkgUnit *u)
{
    AioUnit *x = arena_alloc(p->a, sizeof *x);
    const char *key = NULL, *msg = aio_header(p->a, u->in.kind, h, x, &key);
    if (msg) {
        int line;
        course_header_get(h, key, &line);
        return pkg_fail(p, LN_EINVAL, rel, line, "%s: %s", key, msg);
    }
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    char *stem = arena_strndup(p->a, base, strlen(base) - 3);      /* without ".md" */
    const char *suffixes[] = {AIO_GIFT, AIO_ITEMS, AIO_RUBRIC, AIO_INSTRUCTIONS};
    char *data[4];
    size_t len[4];
    for (int i = 0; i < 4; i++) {
        int rc = pkg_companion(p, dir, cs, stem, suffixes[i], &data[i], &len[i]);
        if (rc != LN_OK) return rc;
    }
    const char *suffix = NULL;
    int line = 1;
    msg = aio_companions(p->a, x, data[0], len[0], data[1], len[1], data[2], len[2], data[3], len[3], &suffix, &line);
    if (msg) return pkg_fail(p, LN_EINVAL, arena_printf(p->a, "%s/%s%s", dir, stem, suffix), line, "%s", msg);
    if (x->quiz || x->assignment) u->aio = x;
    return LN_OK;
}

static int pkg_unit(Pkg *p, const char *dir, const char *rel, Companions *cs, PkgUnit *u)
{
    CourseHeader h;
    int rc = pkg_header(p, rel, UNIT_FILE_MAX, unit_known(p->a), &h);
    if (rc != LN_OK) return rc;
    UnitInput *in = &u->in;
    memset(in, 0, sizeof *in);
    in->kind = course_header_get(&h, "kind", NULL);
    in->title = course_header_get(&h, "title", NULL);
    in->url = course_header_get(&h, "url", NULL);
    in->body = body_of(p, &h);
    int req;
    if ((rc = get_int(p, rel, &h, "minutes", 0, &in->minutes)) != LN_OK
        || (rc = get_int(p, rel, &h, "duration_s", 0, &in->duration_s)) != LN_OK
        || (rc = get_int(p, rel, &h, "threshold", -1, &in->threshold)) != LN_OK
        || (rc = get_yes_no(p, rel, &h, "required", 1, &req)) != LN_OK)
        return rc;
    in->required = req;
    int kline;
    course_header_get(&h, "kind", &kline);
    if (in->kind && unit_kind(in->kind) && !kind_in_format(in->kind))
        return pkg_fail(p, LN_EINVAL, rel, kline, "kind: %s units cannot be imported from files yet"
                        " (text, video, resource, link, quiz, assignment and discussion can)", in->kind);
    const char *msg, *field = unit_check(in, true, &msg);
    if (field) return check_fail(p, rel, &h, field, msg);
    rc = unit_kind_keys(p, rel, &h, unit_kind(in->kind));
    if (rc == LN_OK) rc = pkg_unit_assess(p, dir, rel, cs, &h, u);
    return rc == LN_OK ? unit_files(p, rel, &h, u) : rc;
}

/* ---- sections ---- */

static int pkg_section_file(Pkg *p, const char *dir, PkgSection *s)
{
    char *rel = arena_printf(p->a, "%s/section.txt", dir);
    CourseHeader h;
    int rc = pkg_header(p, rel, 65536, section_keys, &h);
    if (rc != LN_OK) return rc;
    if (h.body && strspn(h.body, " \t\r\n") < h.body_len)    /* the buffer is NUL-terminated */
        return pkg_fail(p, LN_EINVAL, rel, h.body_line, "section.txt has no text after its header");
    s->in.title = course_header_get(&h, "title", NULL);
    if ((rc = get_int(p, rel, &h, "release_days", -1, &s->in.release_days)) != LN_OK) return rc;
    const char *msg, *field = section_check(&s->in, &msg);
    if (!field && !s->in.title) {
        field = "title";
        msg = "A title is required.";
    }
    return field ? check_fail(p, rel, &h, field, msg) : LN_OK;
}

static int pkg_section(Pkg *p, const char *dir, PkgSection *s)
{
    int rc = pkg_section_file(p, dir, s);
    Entry *e;
    int n;
    if (rc == LN_OK) rc = pkg_list(p, dir, COURSE_IO_MAX_UNITS + 1, "entries", &e, &n);
    if (rc != LN_OK) return rc;
    s->units = arena_alloc(p->a, sizeof(PkgUnit) * (size_t)(n ? n : 1));
    Companions cs = {.names = arena_alloc(p->a, sizeof(char *) * (size_t)(n ? n : 1)),
                     .used = arena_alloc(p->a, sizeof(bool) * (size_t)(n ? n : 1))};
    for (int i = 0; i < n; i++)
        if (S_ISREG(e[i].mode) && e[i].numbered && aio_companion(e[i].name)) cs.names[cs.n++] = e[i].name;
    for (int i = 0; rc == LN_OK && i < n; i++) {
        char *rel = arena_printf(p->a, "%s/%s", dir, e[i].name);
        if (str_eq(e[i].name, "section.txt")) continue;
        if (S_ISREG(e[i].mode) && e[i].numbered && aio_companion(e[i].name)) continue;
        if (!S_ISREG(e[i].mode) || !ends_with(e[i].name, ".md") || !e[i].numbered)
            return pkg_fail(p, LN_EINVAL, rel, 0, "a section holds section.txt and units named NN-title.md");
        if (++p->nunits > COURSE_IO_MAX_UNITS)
            return pkg_fail(p, LN_ELIMIT, rel, 0, "more than %d units", COURSE_IO_MAX_UNITS);
        rc = pkg_unit(p, dir, rel, &cs, &s->units[s->n]);
        if (rc == LN_OK) s->n++;
    }
    for (int i = 0; rc == LN_OK && i < cs.n; i++)
        if (!cs.used[i])
            rc = pkg_fail(p, LN_EINVAL, arena_printf(p->a, "%s/%s", dir, cs.names[i]), 0,
                          "not the questions, rubric or instructions of a quiz or assignment unit of this folder"
                          " (NN-title.md of that kind)");
    return rc;
}

static int pkg_sections(Pkg *p)
{
    struct stat sb;
    if (lstat(pkg_path(p, "sections"), &sb) != 0) return LN_OK;     /* a course without content */
    Entry *e;
    int n;
    int rc = pkg_list(p, "sections", COURSE_IO_MAX_SECTIONS, "sections", &e, &n);
    if (rc != LN_OK) return rc;
    p->sections = arena_alloc(p->a, sizeof(PkgSection) * (size_t)(n ? n : 1));
    for (int i = 0; rc == LN_OK && i < n; i++) {
        char *dir = arena_printf(p->a, "sections/%s", e[i].name);
        if (!S_ISDIR(e[i].mode) || !e[i].numbered)
            return pkg_fail(p, LN_EINVAL, dir, 0, "sections/ holds folders named NN-title");
        rc = pkg_section(p, dir, &p->sections[p->nsections]);
        if (rc == LN_OK) p->nsections++;
    }
    return rc;
}

/* ---- the course ---- */

static int pkg_objectives(Pkg *p)
{
    struct stat sb;
    p->course.objectives = "";
    if (lstat(pkg_path(p, "objectives.txt"), &sb) != 0) return LN_OK;
    char *data;
    size_t len;
    int rc = pkg_read(p, "objectives.txt", COURSE_FILE_MAX, &data, &len);
    if (rc != LN_OK) return rc;
    int line = 1;
    const char *msg = check_body(data, data + len, &line);
    if (msg) return pkg_fail(p, LN_EINVAL, "objectives.txt", line, "%s", msg);
    p->course.objectives = data;
    return LN_OK;
}

static int pkg_course_file(Pkg *p, const char *code_override)
{
    CourseHeader h;
    int rc = pkg_header(p, "course.txt", COURSE_FILE_MAX, course_known(p->a), &h);
    if (rc != LN_OK) return rc;
    const char *key = NULL, *gmsg = aio_course_header(&h, &p->grading, &key);
    if (gmsg) {
        int line;
        course_header_get(&h, key, &line);
        return pkg_fail(p, LN_EINVAL, "course.txt", line, "%s: %s", key, gmsg);
    }
    CourseInput *in = &p->course;
    in->code = course_header_get(&h, "code", &p->code_line);
    in->title = course_header_get(&h, "title", NULL);
    in->lang = course_header_get(&h, "lang", NULL);
    in->summary = body_of(p, &h);
    if ((rc = get_int(p, "course.txt", &h, "estimated_minutes", 0, &in->estimated_minutes)) != LN_OK
        || (rc = get_yes_no(p, "course.txt", &h, "published", 0, &in->published)) != LN_OK
        || (rc = pkg_objectives(p)) != LN_OK)
        return rc;
    const char *msg;
    if (code_override) {
        in->code = code_override;
        p->code_overridden = true;
        CourseInput only = {.code = code_override, .estimated_minutes = -1, .published = -1};
        if (course_check(&only, false, &msg)) {
            char *e = arena_printf(p->a, "--code: %s", msg);
            p->err = xstrdup(e);
            return LN_EINVAL;
        }
    }
    const char *field = course_check(in, true, &msg);
    if (str_eq(field, "objectives")) return pkg_fail(p, LN_EINVAL, "objectives.txt", 1, "%s", msg);
    return field ? check_fail(p, "course.txt", &h, field, msg) : LN_OK;
}

/* Only course.txt, objectives.txt, sections/ and files/ at the top. */
static int pkg_top(Pkg *p)
{
    Entry *e;
    int n;
    int rc = pkg_list(p, ".", 64, "entries", &e, &n);
    for (int i = 0; rc == LN_OK && i < n; i++) {
        const char *s = e[i].name;
        bool file = str_eq(s, "course.txt") || str_eq(s, "objectives.txt");
        bool dir = str_eq(s, "sections") || str_eq(s, "files");
        if ((file && !S_ISREG(e[i].mode)) || (dir && !S_ISDIR(e[i].mode)) || (!file && !dir))
            rc = pkg_fail(p, LN_EINVAL, s, 0, "unexpected here: a package holds course.txt, objectives.txt,"
                                              " sections/ and files/");
    }
    return rc;
}

static int pkg_load(Pkg *p, const char *code_override)
{
    int rc = pkg_top(p);
    if (rc == LN_OK) rc = pkg_course_file(p, code_override);
    if (rc == LN_OK) rc = pkg_sections(p);
    if (rc == LN_OK) rc = pkg_files_used(p);
    p->total = p->nfiles + p->nsections + p->nunits + 1;
    return rc;
}

/* ======================================================================
 * Import: writing, in one transaction
 * ==================================================================== */

/* A copy of files/NAME under DATA/tmp that media_store() may move. */
static int pkg_file_tmp(Pkg *p, const PkgFile *f, char **tmp)
{
    char *src = pkg_path(p, arena_printf(p->a, "files/%s", f->name));
    if (p->owned) {
        *tmp = src;
        return LN_OK;
    }
    *tmp = arena_printf(p->a, "%s/import-XXXXXX", data_tmp(p->app, p->a));
    int fd = mkstemp(*tmp);
    if (fd < 0) return LN_EIO;
    int rc = copy_into(src, fd);
    if (close(fd) != 0) rc = LN_EIO;
    if (rc != LN_OK) unlink(*tmp);
    return rc;
}

static int pkg_store_files(Pkg *p, Db *db, int64_t org_id)
{
    for (int i = 0; i < p->nfiles; i++) {
        PkgFile *f = &p->files[i];
        char *tmp;
        Media m;
        char *rel = arena_printf(p->a, "files/%s", f->name);
        if (pkg_file_tmp(p, f, &tmp) != LN_OK)
            return pkg_fail(p, LN_EIO, rel, 0, "cannot copy it under %s/tmp", p->app->cfg.data_dir);
        int rc = media_store(p->app, db, p->a, org_id, tmp, f->name, 0, &m);
        if (rc != LN_OK) {
            if (!p->owned) unlink(tmp);
            return pkg_fail(p, rc, rel, 0, "cannot store it (%s)", rc == LN_EDB ? db_errmsg(db) : "input/output error");
        }
        f->media_id = m.id;
        pkg_progress(p);
    }
    return LN_OK;
}

static int pkg_store_unit(Pkg *p, Db *db, const Course *c, int64_t section_id, PkgUnit *u, UsTime now)
{
    u->in.section_id = section_id;
    u->in.media_id = u->file >= 0 ? p->files[u->file].media_id : 0;
    int64_t id;
    int rc = unit_create(db, c, &u->in, now, &id);
    Unit unit = {.id = id, .org_id = c->org_id, .course_id = c->id};
    if (rc == LN_OK && u->aio) rc = aio_store(db, p->a, c->org_id, c->id, id, u->aio, now);
    for (int t = 0; rc == LN_OK && t < NTRACKS; t++)
        if (u->track[t] >= 0)
            rc = unit_track_set(db, &unit, track_keys[t].kind, track_keys[t].lang, p->files[u->track[t]].media_id);
    pkg_progress(p);
    return rc;
}

static int pkg_store_outline(Pkg *p, Db *db, const Course *c, UsTime now)
{
    int rc = LN_OK;
    for (int i = 0; rc == LN_OK && i < p->nsections; i++) {
        PkgSection *s = &p->sections[i];
        int64_t sid;
        rc = section_create(db, c, &s->in, now, &sid);
        pkg_progress(p);
        for (int j = 0; rc == LN_OK && j < s->n; j++) rc = pkg_store_unit(p, db, c, sid, &s->units[j], now);
    }
    if (rc != LN_OK) pkg_fail(p, rc, "sections", 0, "cannot store the outline (%s)", db_errmsg(db));
    return rc;
}

static int code_taken_fail(Pkg *p)
{
    const char *code = p->course.code;
    if (p->code_overridden) {
        if (!p->err)
            p->err = xstrdup(arena_printf(p->a, "--code: the organisation already has a course %s; choose another code",
                                          code));
        return LN_EEXIST;
    }
    return pkg_fail(p, LN_EEXIST, "course.txt", p->code_line,
                    "code: the organisation already has a course %s; import a copy under another code (--code NEW-CODE)", code);
}

static int pkg_code_free(Pkg *p, Db *db, int64_t org_id)
{
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM course WHERE org_id = $1 AND code = $2", "it", org_id,
                     p->course.code) != DB_ROW)
        return pkg_fail(p, LN_EDB, "course.txt", 0, "database error: %s", db_errmsg(db));
    return n ? code_taken_fail(p) : LN_OK;
}

static int pkg_write(Pkg *p, Db *db, int64_t org_id, int64_t *course_id)
{
    UsTime now = time_now_us();
    if (db_begin(db) != DB_DONE) return pkg_fail(p, LN_EDB, "course.txt", 0, "database error: %s", db_errmsg(db));
    int64_t id = 0;
    int rc = course_create(db, org_id, &p->course, 0, now, &id);
    if (rc == LN_EEXIST) code_taken_fail(p);
    else if (rc != LN_OK) pkg_fail(p, rc, "course.txt", 0, "cannot create the course (%s)", db_errmsg(db));
    pkg_progress(p);
    Course c = {.id = id, .org_id = org_id};
    if (rc == LN_OK && aio_course_store(db, org_id, id, &p->grading, now) != LN_OK)
        rc = pkg_fail(p, LN_EDB, "course.txt", 0, "cannot store the gradebook settings (%s)", db_errmsg(db));
    if (rc == LN_OK) rc = pkg_store_files(p, db, org_id);
    if (rc == LN_OK) rc = pkg_store_outline(p, db, &c, now);
    if (rc == LN_OK) rc = course_search_index(db, id);
    if (rc == LN_OK && db_commit(db) != DB_DONE)
        rc = pkg_fail(p, LN_EDB, "course.txt", 0, "database error: %s", db_errmsg(db));
    if (rc != LN_OK) {
        db_rollback(db);
        return rc;
    }
    *course_id = id;
    return LN_OK;
}

/* ======================================================================
 * Import: unpacking a .tar.gz
 * ==================================================================== */

/* The entry's path made relative and clean ("./a//b" → "a/b"), or NULL when
 * it is absolute or climbs out with "..". "" for the top itself. */
static char *safe_rel(Arena *a, const char *name)
{
    if (!name || name[0] == '/') return NULL;
    Buf b;
    buf_init(&b, 0);
    const char *s = name;
    bool ok = true;
    while (*s && ok) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.') ok = false;
        else if (n && !(n == 1 && s[0] == '.')) {
            if (b.len) buf_putc(&b, '/');
            buf_append(&b, s, n);
        }
        s += n;
        while (*s == '/') s++;
    }
    char *out = ok ? arena_strdup(a, buf_cstr(&b)) : NULL;
    buf_free(&b);
    return out;
}

/* mkdir -p of `rel` under `dir`; an existing non-folder is an error. */
static int mkdirs_under(Arena *a, const char *dir, const char *rel)
{
    char *path = arena_printf(a, "%s/%s", dir, rel);
    for (char *s = path + strlen(dir) + 1;; s++) {
        if (*s != '/' && *s != 0) continue;
        char c = *s;
        *s = 0;
        struct stat sb;
        if (mkdir(path, 0700) != 0 && (errno != EEXIST || lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)))
            return LN_EINVAL;
        *s = c;
        if (!c) return LN_OK;
    }
}

static int unpack_data(Pkg *p, struct archive *ar, int fd, const char *what)
{
    const void *buf;
    size_t n;
    int64_t off;
    int r;
    while ((r = archive_read_data_block(ar, &buf, &n, &off)) == ARCHIVE_OK) {
        int rc = count_bytes(p, what, (int64_t)n, false);
        if (rc != LN_OK) return rc;
        if (write_full(fd, buf, n) != LN_OK) return pkg_fail(p, LN_EIO, what, 0, "cannot write: %s", strerror(errno));
    }
    return r == ARCHIVE_EOF ? LN_OK : pkg_fail(p, LN_EINVAL, what, 0, "%s", archive_error_string(ar));
}

static int unpack_entry(Pkg *p, struct archive *ar, struct archive_entry *e, const char *file, const char *dir)
{
    const char *name = archive_entry_pathname_utf8(e);
    if (!name) name = archive_entry_pathname(e);
    char *what = arena_printf(p->a, "%s: %s", file, name ? name : "?");
    char *rel = safe_rel(p->a, name);
    if (!rel) return pkg_fail(p, LN_EINVAL, what, 0, "the path leaves the package (absolute or with ..)");
    mode_t type = archive_entry_filetype(e);
    if (archive_entry_hardlink(e) || (type != AE_IFREG && type != AE_IFDIR))
        return pkg_fail(p, LN_EINVAL, what, 0, "links and special files are not allowed");
    if (!*rel) return LN_OK;
    char *slash = strrchr(rel, '/');
    if (slash) {
        char *parent = arena_strndup(p->a, rel, (size_t)(slash - rel));
        if (mkdirs_under(p->a, dir, parent) != LN_OK)
            return pkg_fail(p, LN_EINVAL, what, 0, "its folder is also a file");
    }
    if (type == AE_IFDIR)
        return mkdirs_under(p->a, dir, rel) == LN_OK ? LN_OK
               : pkg_fail(p, LN_EINVAL, what, 0, "given twice, as a file and a folder");
    int fd = open(arena_printf(p->a, "%s/%s", dir, rel), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return pkg_fail(p, LN_EINVAL, what, 0, errno == EEXIST ? "given twice" : "cannot be written");
    int rc = unpack_data(p, ar, fd, what);
    if (close(fd) != 0 && rc == LN_OK) rc = pkg_fail(p, LN_EIO, what, 0, "cannot write: %s", strerror(errno));
    return rc;
}

static int unpack(Pkg *p, const char *file, const char *dir)
{
    Utf8Locale u;
    utf8_locale_enter(&u);
    struct archive *ar = archive_read_new();
    archive_read_support_filter_gzip(ar);
    archive_read_support_format_tar(ar);
    int rc = LN_OK, entries = 0;
    if (archive_read_open_filename(ar, file, 65536) != ARCHIVE_OK)
        rc = pkg_fail(p, LN_EINVAL, file, 0, "%s", archive_error_string(ar));
    while (rc == LN_OK) {
        struct archive_entry *e;
        int r = archive_read_next_header(ar, &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) rc = pkg_fail(p, LN_EINVAL, file, 0, "%s", archive_error_string(ar));
        else if (++entries > COURSE_IO_MAX_ENTRIES)
            rc = pkg_fail(p, LN_ELIMIT, file, 0, "more than %d entries", COURSE_IO_MAX_ENTRIES);
        else rc = unpack_entry(p, ar, e, file, dir);
        if (rc == LN_OK && p->fn) p->fn(p->ctx, "unpacking", entries, 0);
    }
    archive_read_free(ar);
    utf8_locale_leave(&u);
    p->bytes = 0;       /* counted again when the package is read */
    return rc;
}

/* The package folder in what was unpacked: the top itself, or its one
 * folder (the export's CODE/) when course.txt is there. */
static int unpacked_root(Pkg *p, const char *file, const char *dir)
{
    struct stat sb;
    p->root = dir;
    if (lstat(pkg_path(p, "course.txt"), &sb) == 0) return LN_OK;
    Entry *e;
    int n;
    if (pkg_list(p, ".", 64, "entries", &e, &n) != LN_OK) return LN_EINVAL;
    if (n == 1 && S_ISDIR(e[0].mode)) {
        p->root = arena_printf(p->a, "%s/%s", dir, e[0].name);
        p->shown = arena_printf(p->a, "%s/", e[0].name);
        if (lstat(pkg_path(p, "course.txt"), &sb) == 0) return LN_OK;
    }
    p->shown = "";
    return pkg_fail(p, LN_EINVAL, file, 0, "no course.txt at the top or in a single top folder");
}

/* Point the package at `src`: a folder as it is, an archive unpacked into
 * a new folder under DATA/tmp (*tmpdir, to be removed). */
static int pkg_open(Pkg *p, const char *src, char **tmpdir)
{
    struct stat sb;
    p->shown = "";
    if (stat(src, &sb) != 0) return pkg_fail(p, LN_NOTFOUND, src, 0, "%s", strerror(errno));
    if (S_ISDIR(sb.st_mode)) {
        char *root = arena_strdup(p->a, src);
        size_t n = strlen(root);
        while (n > 1 && root[n - 1] == '/') root[--n] = 0;
        p->root = root;
        p->shown = str_eq(root, "/") ? "/" : arena_printf(p->a, "%s/", root);
        return LN_OK;
    }
    if (!S_ISREG(sb.st_mode) || !is_targz(src))
        return pkg_fail(p, LN_EINVAL, src, 0, "neither a folder nor a .tar.gz file");
    *tmpdir = arena_printf(p->a, "%s/course-import-XXXXXX", data_tmp(p->app, p->a));
    if (!mkdtemp(*tmpdir)) {
        *tmpdir = NULL;
        return pkg_fail(p, LN_EIO, p->app->cfg.data_dir, 0, "cannot make a folder under tmp/: %s", strerror(errno));
    }
    p->owned = true;
    int rc = unpack(p, src, *tmpdir);
    return rc == LN_OK ? unpacked_root(p, src, *tmpdir) : rc;
}

int course_import_progress(App *app, Db *db, int64_t org_id, const char *src, const char *code_override,
                           int64_t *course_id, CourseProgress fn, void *ctx, char **err)
{
    Pkg p = {.a = arena_new(), .app = app, .fn = fn, .ctx = ctx};
    char *tmpdir = NULL;
    int rc = pkg_open(&p, src, &tmpdir);
    if (rc == LN_OK) rc = pkg_load(&p, code_override);
    if (rc == LN_OK) rc = pkg_code_free(&p, db, org_id);
    if (rc == LN_OK) rc = pkg_write(&p, db, org_id, course_id);
    if (tmpdir) rm_tree(tmpdir);
    if (rc != LN_OK && !p.err) p.err = xstrdup("the import failed");
    if (err) *err = p.err;
    else free(p.err);
    arena_free(p.a);
    return rc;
}

int course_import(App *app, Db *db, int64_t org_id, const char *src, const char *code_override, int64_t *course_id,
                  char **err)
{
    return course_import_progress(app, db, org_id, src, code_override, course_id, NULL, NULL, err);
}

/* ======================================================================
 * Export
 * ==================================================================== */

typedef struct OutFile {
    char *path;             /* relative, '/'-separated */
    bool dir;
    const char *data;       /* text in memory, or */
    size_t len;
    const char *src;        /* a stored file on disk */
} OutFile;

typedef struct Out {
    Arena *a;
    App *app;
    OutFile *v;
    int n, cap, nfiles;
    int64_t *media;         /* media ids given a name in files/ ... */
    char **names;           /* ... and those names */
    int nmedia, media_cap;
    char *err;
} Out;

static int out_fail(Out *o, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int out_fail(Out *o, int rc, const char *fmt, ...)
{
    if (o->err) return rc;
    va_list ap;
    va_start(ap, fmt);
    o->err = xstrdup(arena_vprintf(o->a, fmt, ap));
    va_end(ap);
    return rc;
}

static OutFile *out_add(Out *o, char *path)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        OutFile *more = arena_alloc(o->a, sizeof(OutFile) * (size_t)o->cap);
        if (o->n) memcpy(more, o->v, sizeof(OutFile) * (size_t)o->n);
        o->v = more;
    }
    OutFile *f = &o->v[o->n++];
    memset(f, 0, sizeof *f);
    f->path = path;
    return f;
}

static void out_text(Out *o, char *path, Buf *b)
{
    OutFile *f = out_add(o, path);
    f->len = b->len;
    f->data = arena_strndup(o->a, b->len ? b->data : "", b->len);
    buf_free(b);
    o->nfiles++;
}

static void out_dir(Out *o, char *path)
{
    out_add(o, path)->dir = true;
}

/* "key: value\n" with the value as the parser will read it back: one line,
 * control characters as spaces, no spaces around. */
static void put_kv(Buf *b, const char *key, const char *value)
{
    const char *v = value ? value : "";
    size_t n = strlen(v);
    while (n && ((unsigned char)v[n - 1] <= ' ' || v[n - 1] == 0x7f)) n--;
    while (n && ((unsigned char)*v <= ' ' || *v == 0x7f)) v++, n--;
    buf_printf(b, "%s: ", key);
    for (size_t i = 0; i < n; i++) buf_putc(b, (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? ' ' : v[i]);
    buf_putc(b, '\n');
}

static void put_int(Buf *b, const char *key, int64_t v)
{
    buf_printf(b, "%s: %lld\n", key, (long long)v);
}

/* ---- names in files/ ---- */

/* The stored name made fit for files/ (see file_name_ok). */
static char *clean_name(Arena *a, const char *stored)
{
    Buf b;
    buf_init(&b, 0);
    const char *s = stored ? stored : "";
    while (*s == '.' || *s == ' ' || *s == '\t') s++;
    for (; *s && b.len < EXPORT_NAME_MAX; s++) {
        unsigned char c = (unsigned char)*s;
        buf_putc(&b, c < 0x20 || c == 0x7f || c == '/' || c == '\\' ? '_' : (char)c);
    }
    while (b.len && !utf8_valid(b.data, b.len)) b.data[--b.len] = 0;     /* cut mid-character */
    while (b.len && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t')) b.data[--b.len] = 0;
    char *out = arena_strdup(a, b.len ? b.data : "file");
    buf_free(&b);
    return file_name_ok(out) ? out : arena_strdup(a, "file");
}

static bool name_taken(Out *o, const char *name)
{
    for (int i = 0; i < o->nmedia; i++)
        if (str_ieq(o->names[i], name)) return true;   /* also apart on case-insensitive disks */
    return false;
}

/* "name.ext" → "name-2.ext", "name-3.ext"... the first that is free. */
static char *unique_name(Out *o, const char *name)
{
    if (!name_taken(o, name)) return arena_strdup(o->a, name);
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name) dot = name + strlen(name);
    for (int k = 2;; k++) {
        char *cand = arena_printf(o->a, "%.*s-%d%s", (int)(dot - name), name, k, dot);
        if (!name_taken(o, cand)) return cand;
    }
}

/* The name in files/ of media `m`, given on its first reference in
 * outline order so that the same course always gets the same names. */
static int media_name(Out *o, const Media *m, char **name)
{
    for (int i = 0; i < o->nmedia; i++)
        if (o->media[i] == m->id) {
            *name = o->names[i];
            return LN_OK;
        }
    char *src = media_path(o->app, o->a, m->sha256);
    struct stat sb;
    if (stat(src, &sb) != 0 || !S_ISREG(sb.st_mode))
        return out_fail(o, LN_EIO, "the stored file of %s (%s) is missing", m->filename, src);
    if (o->nmedia == o->media_cap) {
        int cap = o->media_cap ? o->media_cap * 2 : 16;
        int64_t *ids = arena_alloc(o->a, sizeof(int64_t) * (size_t)cap);
        char **names = arena_alloc(o->a, sizeof(char *) * (size_t)cap);
        if (o->nmedia) {
            memcpy(ids, o->media, sizeof(int64_t) * (size_t)o->nmedia);
            memcpy(names, o->names, sizeof(char *) * (size_t)o->nmedia);
        }
        o->media = ids;
        o->names = names;
        o->media_cap = cap;
    }
    *name = unique_name(o, clean_name(o->a, m->filename));
    o->media[o->nmedia] = m->id;
    o->names[o->nmedia++] = *name;
    OutFile *f = out_add(o, arena_printf(o->a, "files/%s", *name));
    f->src = src;
    o->nfiles++;
    return LN_OK;
}

/* ---- the texts ---- */

static int course_text(Out *o, Db *db, const Course *c)
{
    Buf b;
    buf_init(&b, 0);
    put_kv(&b, "code", c->code);
    put_kv(&b, "title", c->title);
    put_kv(&b, "lang", c->lang);
    put_int(&b, "estimated_minutes", c->estimated_minutes);
    put_kv(&b, "published", c->published ? "yes" : "no");
    if (aio_course_export(db, c->id, &b) != LN_OK) {
        buf_free(&b);
        return out_fail(o, LN_EDB, "cannot read the gradebook settings");
    }
    buf_putc(&b, '\n');
    buf_puts(&b, c->summary ? c->summary : "");
    out_text(o, arena_strdup(o->a, "course.txt"), &b);
    if (c->objectives && *c->objectives) {
        buf_init(&b, 0);
        buf_puts(&b, c->objectives);
        out_text(o, arena_strdup(o->a, "objectives.txt"), &b);
    }
    return LN_OK;
}

static int unit_tracks_text(Out *o, Db *db, const Unit *u, Buf *b)
{
    Track *t;
    int n;
    if (unit_tracks(db, o->a, u->id, &t, &n) != LN_OK) return out_fail(o, LN_EDB, "cannot read the tracks");
    for (int k = 0; k < NTRACKS; k++)
        for (int i = 0; i < n; i++) {
            if (!str_eq(t[i].kind, track_keys[k].kind) || !str_eq(t[i].lang, track_keys[k].lang)) continue;
            Media m;
            char *name;
            if (media_load(db, o->a, u->org_id, t[i].media_id, &m) != LN_OK)
                return out_fail(o, LN_EDB, "cannot read the file of a track of unit %lld", (long long)u->id);
            int rc = media_name(o, &m, &name);
            if (rc != LN_OK) return rc;
            put_kv(b, track_keys[k].key, name);
        }
    return LN_OK;
}

static int unit_text(Out *o, Db *db, const Unit *u, char *path)
{
    const UnitKind *k = unit_kind(u->kind);
    if (!kind_in_format(u->kind))
        return out_fail(o, LN_EINVAL, "unit %lld (%s): %s units cannot be exported to files yet", (long long)u->id,
                        u->title, u->kind);
    Buf b;
    buf_init(&b, 0);
    put_kv(&b, "kind", u->kind);
    put_kv(&b, "title", u->title);
    put_int(&b, "minutes", u->minutes);
    put_kv(&b, "required", u->required ? "yes" : "no");
    if (k && k->threshold_label) put_int(&b, "threshold", u->threshold);
    if (k && k->url && u->url && *u->url) put_kv(&b, "url", u->url);
    int rc = LN_OK;
    if (k && k->media && u->media_id) {
        char *name;
        rc = media_name(o, &u->media, &name);
        if (rc == LN_OK) put_kv(&b, "file", name);
    }
    if (u->duration_s) put_int(&b, "duration_s", u->duration_s);
    if (rc == LN_OK && k && str_eq(k->name, "video")) rc = unit_tracks_text(o, db, u, &b);
    AioOut ao = {0};
    if (rc == LN_OK && aio_export(db, o->a, u, &b, &ao) != LN_OK)
        rc = out_fail(o, LN_EDB, "cannot read the settings of unit %lld (%s)", (long long)u->id, u->title);
    if (rc != LN_OK) {
        buf_free(&b);
        return rc;
    }
    buf_putc(&b, '\n');
    buf_puts(&b, u->body ? u->body : "");
    out_text(o, path, &b);
    for (int i = 0; i < ao.n; i++) {
        Buf cb;
        buf_init(&cb, 0);
        buf_append(&cb, ao.files[i].data, ao.files[i].len);
        out_text(o, arena_printf(o->a, "%.*s%s", (int)strlen(path) - 3, path, ao.files[i].suffix), &cb);
    }
    return LN_OK;
}

static int digits(int n)
{
    int d = 1;
    while (n >= 10) n /= 10, d++;
    return d < 2 ? 2 : d;
}

static int section_text(Out *o, Db *db, const Section *s, int pos, int width)
{
    char *dir = arena_printf(o->a, "sections/%0*d-%s", width, pos, course_slug(o->a, s->title, "section"));
    out_dir(o, dir);
    Buf b;
    buf_init(&b, 0);
    put_kv(&b, "title", s->title);
    if (s->release_days >= 0) put_int(&b, "release_days", s->release_days);
    out_text(o, arena_printf(o->a, "%s/section.txt", dir), &b);
    int w = digits(s->n), rc = LN_OK;
    for (int j = 0; rc == LN_OK && j < s->n; j++)
        rc = unit_text(o, db, &s->units[j], arena_printf(o->a, "%s/%0*d-%s.md", dir, w, j + 1,
                                                         course_slug(o->a, s->units[j].title, "unit")));
    return rc;
}

static int path_cmp(const void *x, const void *y)
{
    return strcmp(((const OutFile *)x)->path, ((const OutFile *)y)->path);
}

/* Every file and folder of the package, sorted by path. */
static int out_build(Out *o, Db *db, int64_t course_id, Course *c)
{
    int rc = course_load(db, o->a, course_id, c);
    if (rc != LN_OK) return out_fail(o, rc, rc == LN_NOTFOUND ? "no course %lld" : "cannot read course %lld",
                                     (long long)course_id);
    Outline ol;
    if (outline_load(db, o->a, course_id, &ol) != LN_OK) return out_fail(o, LN_EDB, "cannot read the outline");
    if ((rc = course_text(o, db, c)) != LN_OK) return rc;
    out_dir(o, arena_strdup(o->a, "sections"));
    out_dir(o, arena_strdup(o->a, "files"));
    int w = digits(ol.n);
    for (int i = 0; rc == LN_OK && i < ol.n; i++) rc = section_text(o, db, &ol.sections[i], i + 1, w);
    if (rc == LN_OK) qsort(o->v, (size_t)o->n, sizeof(OutFile), path_cmp);
    return rc;
}

/* ---- writing a folder ---- */

static int write_one(Out *o, const char *dest, const OutFile *f)
{
    char *path = arena_printf(o->a, "%s/%s", dest, f->path);
    if (f->dir) return mkdir(path, 0755) == 0 ? LN_OK : out_fail(o, LN_EIO, "%s: %s", path, strerror(errno));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return out_fail(o, LN_EIO, "%s: %s", path, strerror(errno));
    int rc = f->src ? copy_into(f->src, fd) : write_full(fd, f->data, f->len);
    if (close(fd) != 0) rc = LN_EIO;
    return rc == LN_OK ? LN_OK : out_fail(o, LN_EIO, "%s: cannot write: %s", path, strerror(errno));
}

/* `dest` must be new or an empty folder; on failure it is left as found. */
static int write_dir(Out *o, const char *dest, CourseProgress fn, void *ctx)
{
    bool made = mkdir(dest, 0755) == 0;
    if (!made && errno != EEXIST) return out_fail(o, LN_EIO, "%s: %s", dest, strerror(errno));
    if (!made) {
        DIR *d = opendir(dest);
        struct dirent *de;
        bool empty = d != NULL;
        while (d && (de = readdir(d)))
            if (!str_eq(de->d_name, ".") && !str_eq(de->d_name, "..")) empty = false;
        if (d) closedir(d);
        if (!empty) return out_fail(o, LN_EINVAL, "%s: exists and is not an empty folder", dest);
    }
    int rc = LN_OK, done = 0;
    for (int i = 0; rc == LN_OK && i < o->n; i++) {
        rc = write_one(o, dest, &o->v[i]);
        if (rc == LN_OK && !o->v[i].dir && fn) fn(ctx, "exporting", ++done, o->nfiles);
    }
    if (rc != LN_OK) {
        rm_tree(dest);
        if (!made) mkdir(dest, 0755);
    }
    return rc;
}

/* ---- writing a .tar.gz ---- */

static int tar_data(struct archive *w, const OutFile *f)
{
    if (!f->src) return archive_write_data(w, f->data, f->len) == (la_ssize_t)f->len ? LN_OK : LN_EIO;
    int in = open(f->src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return LN_EIO;
    char buf[65536];
    ssize_t n;
    int rc = LN_OK;
    while (rc == LN_OK && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        rc = n > 0 && archive_write_data(w, buf, (size_t)n) == n ? LN_OK : LN_EIO;
    }
    close(in);
    return rc;
}

/* One entry, with nothing that varies between machines or runs. */
static int tar_entry(struct archive *w, struct archive_entry *e, Arena *a, const char *top, const OutFile *f)
{
    int64_t size = (int64_t)f->len;
    struct stat sb;
    if (f->src) {
        if (stat(f->src, &sb) != 0) return LN_EIO;
        size = sb.st_size;
    }
    archive_entry_clear(e);
    const char *path = f->path ? arena_printf(a, "%s/%s", top, f->path) : top;
    archive_entry_set_pathname_utf8(e, path);
    if (!archive_entry_pathname(e)) archive_entry_copy_pathname(e, path);    /* no UTF-8 locale: raw bytes */
    archive_entry_set_filetype(e, f->dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, f->dir ? 0755 : 0644);
    archive_entry_set_size(e, f->dir ? 0 : size);
    archive_entry_set_mtime(e, 0, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    if (archive_write_header(w, e) != ARCHIVE_OK) return LN_EIO;
    return f->dir ? LN_OK : tar_data(w, f);
}

static int tar_entries(Out *o, struct archive *w, const char *top, CourseProgress fn, void *ctx)
{
    struct archive_entry *e = archive_entry_new();
    OutFile root = {.dir = true};
    int rc = tar_entry(w, e, o->a, top, &root), done = 0;
    for (int i = 0; rc == LN_OK && i < o->n; i++) {
        rc = tar_entry(w, e, o->a, top, &o->v[i]);
        if (rc != LN_OK) out_fail(o, rc, "%s: %s", o->v[i].path, archive_error_string(w));
        else if (!o->v[i].dir && fn) fn(ctx, "exporting", ++done, o->nfiles);
    }
    archive_entry_free(e);
    return rc;
}

/* Written to a temporary file beside `dest`, renamed when complete. */
static int write_tar(Out *o, const char *dest, const char *top, CourseProgress fn, void *ctx)
{
    char *tmp = arena_printf(o->a, "%s.tmp-XXXXXX", dest);
    int fd = mkstemp(tmp);
    if (fd < 0) return out_fail(o, LN_EIO, "%s: %s", dest, strerror(errno));
    fchmod(fd, 0644);
    Utf8Locale u;
    utf8_locale_enter(&u);
    struct archive *w = archive_write_new();
    archive_write_add_filter_gzip(w);
    archive_write_set_format_pax_restricted(w);
    int rc = LN_OK;
    if (archive_write_set_options(w, "gzip:!timestamp") < ARCHIVE_WARN || archive_write_open_fd(w, fd) != ARCHIVE_OK)
        rc = out_fail(o, LN_EIO, "%s: %s", dest, archive_error_string(w));
    if (rc == LN_OK) rc = tar_entries(o, w, top, fn, ctx);
    if (archive_write_close(w) != ARCHIVE_OK && rc == LN_OK)
        rc = out_fail(o, LN_EIO, "%s: %s", dest, archive_error_string(w));
    archive_write_free(w);
    utf8_locale_leave(&u);
    if (close(fd) != 0 && rc == LN_OK) rc = out_fail(o, LN_EIO, "%s: %s", dest, strerror(errno));
    if (rc == LN_OK && rename(tmp, dest) != 0) rc = out_fail(o, LN_EIO, "%s: %s", dest, strerror(errno));
    if (rc != LN_OK) unlink(tmp);
    return rc;
}

/* The archive's top folder: the code, unless it could be read as "." or
 * ".." or a hidden folder (a code may be made of dots). */
static char *top_folder(Arena *a, const char *code)
{
    return code[0] == '.' ? arena_printf(a, "course-%s", code) : arena_strdup(a, code);
}

int course_export_progress(App *app, Db *db, int64_t course_id, const char *dest, CourseProgress fn, void *ctx,
                           char **err)
{
    Out o = {.a = arena_new(), .app = app};
    Course c;
    int rc = out_build(&o, db, course_id, &c);
    if (rc == LN_OK)
        rc = is_targz(dest) ? write_tar(&o, dest, top_folder(o.a, c.code), fn, ctx) : write_dir(&o, dest, fn, ctx);
    if (rc != LN_OK && !o.err) o.err = xstrdup("the export failed");
    if (err) *err = o.err;
    else free(o.err);
    arena_free(o.a);
    return rc;
}

int course_export(App *app, Db *db, int64_t course_id, const char *dest, char **err)
{
    return course_export_progress(app, db, course_id, dest, NULL, NULL, err);
}
