/* media.c — stored files (videos, resources, caption tracks).
 *
 * A file is stored once per content: DATA/media/ab/abcdef... named by its
 * SHA-256, written to a temporary file first and renamed into place, so a
 * half-written upload never has a name.  Each organisation has its own
 * media row for the bytes (so access control follows the organisation),
 * pointing at the shared file.  The type is sniffed by libmagic from the
 * bytes; the name and the browser's claim are not trusted.
 */
#include "content/content.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_db;

/* libmagic handles are not thread-safe: one, behind a lock.  Sniffing reads
 * the first few kilobytes only. */
char *media_sniff(Arena *a, const char *path, const void *data, size_t len)
{
    char *mime = NULL;
    pthread_mutex_lock(&magic_lock);
    if (!magic_db) {
        magic_db = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
        if (magic_db && magic_load(magic_db, NULL) != 0) {
            log_error("libmagic: %s", magic_error(magic_db));
            magic_close(magic_db);
            magic_db = NULL;
        }
    }
    const char *m = !magic_db ? NULL : path ? magic_file(magic_db, path) : magic_buffer(magic_db, data, len);
    if (m) mime = arena_strdup(a, m);
    pthread_mutex_unlock(&magic_lock);
    return mime ? mime : arena_strdup(a, "application/octet-stream");
}

char *media_path(App *app, Arena *a, const char *sha256)
{
    return arena_printf(a, "%s/media/%.2s/%s", app->cfg.data_dir, sha256, sha256);
}

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0750) != 0 && errno != EEXIST) return LN_EIO;
            *p = '/';
        }
    return mkdir(tmp, 0750) == 0 || errno == EEXIST ? LN_OK : LN_EIO;
}

static int file_sha256(const char *path, char hex[65], int64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return LN_EIO;
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[65536];
    ssize_t n;
    *size = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
        *size += n;
    }
    close(fd);
    if (n < 0) return LN_EIO;
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, 65, d, sizeof d);
    return LN_OK;
}

/* A file name fit for a download: the last path component, at most 200
 * bytes, no control characters. */
char *media_clean_filename(Arena *a, const char *name)
{
    const char *base = name ? name : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    char *out = arena_strndup(a, base, strlen(base) > 200 ? 200 : strlen(base));
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '_';
    if (!utf8_valid(out, strlen(out)) || !*out) out = arena_strdup(a, "file");
    return out;
}

int media_load(Db *db, Arena *a, int64_t org_id, int64_t id, Media *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, org_id, size, sha256, mime, filename FROM media"
                                " WHERE id = $1 AND org_id = $2");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, id);
    db_bind_i64(st, 2, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_i64(st, 0);
        out->org_id = db_col_i64(st, 1);
        out->size = db_col_i64(st, 2);
        out->sha256 = db_col_dup(st, 3, a);
        out->mime = db_col_dup(st, 4, a);
        out->filename = db_col_dup(st, 5, a);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int media_store(App *app, Db *db, Arena *a, int64_t org_id, const char *tmp_path, const char *filename,
                int64_t user_id, Media *out)
{
    char hex[65];
    int64_t size;
    if (file_sha256(tmp_path, hex, &size) != LN_OK) return LN_EIO;
    char *mime = media_sniff(a, tmp_path, NULL, 0);
    char *path = media_path(app, a, hex);
    char *dir = arena_printf(a, "%s/media/%.2s", app->cfg.data_dir, hex);
    if (mkdir_p(dir) != LN_OK) return LN_EIO;
    struct stat sb;
    if (stat(path, &sb) == 0) unlink(tmp_path);            /* same bytes already stored */
    else if (rename(tmp_path, path) != 0) {
        log_error("media: rename %s: %s", path, strerror(errno));
        return LN_EIO;
    }
    const char *name = media_clean_filename(a, filename);
    /* created_by is NULL for files made by the command line (user 0). */
    int rc = db_run(db, "INSERT INTO media (org_id, sha256, size, mime, filename, created_by, created_at)"
                        " VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), $7) ON CONFLICT (org_id, sha256) DO NOTHING",
                    "itittii", org_id, hex, size, mime, name, user_id, time_now_us());
    if (rc != DB_DONE) return LN_EDB;
    int64_t id = 0;
    if (db_query_i64(db, &id, "SELECT id FROM media WHERE org_id = $1 AND sha256 = $2", "it", org_id, hex) != DB_ROW)
        return LN_EDB;
    return media_load(db, a, org_id, id, out);     /* the first upload's name stays */
}

int media_store_bytes(App *app, Db *db, Arena *a, int64_t org_id, const void *data, size_t len,
                      const char *filename, int64_t user_id, Media *out)
{
    char *dir = arena_printf(a, "%s/tmp", app->cfg.data_dir);
    if (mkdir_p(dir) != LN_OK) return LN_EIO;
    char *tmp = arena_printf(a, "%s/upload-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) return LN_EIO;
    int wrote = write_full(fd, data, len);
    if (close(fd) != 0 || wrote != LN_OK) {
        unlink(tmp);
        return LN_EIO;
    }
    int rc = media_store(app, db, a, org_id, tmp, filename, user_id, out);
    if (rc != LN_OK) unlink(tmp);
    return rc;
}

bool media_is_video(const Media *m)
{
    return str_eq(m->mime, "video/mp4") || str_eq(m->mime, "video/webm") || str_eq(m->mime, "video/ogg");
}

/* WebVTT: an optional BOM, then "WEBVTT" followed by a space, a tab or the
 * end of the line (W3C WebVTT, file structure). */
bool media_is_vtt(App *app, const Media *m)
{
    Arena *a = arena_new();
    bool ok = false;
    int fd = open(media_path(app, a, m->sha256), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char head[16] = {0};
        ssize_t n = read(fd, head, sizeof head - 1);
        close(fd);
        const char *p = head;
        if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
        ok = n > 0 && strncmp(p, "WEBVTT", 6) == 0 && (p[6] == 0 || p[6] == ' ' || p[6] == '\t' || p[6] == '\n'
                                                       || p[6] == '\r');
    }
    arena_free(a);
    return ok;
}

/* The length of a video in whole seconds, read by ffprobe (part of Debian's
 * ffmpeg), or 0 when it is not installed or cannot tell.  The player's own
 * report is never trusted for this: it decides when a video counts as
 * watched. */
int64_t media_probe_duration_s(App *app, const Media *m)
{
    Arena *a = arena_new();
    char *path = media_path(app, a, m->sha256);
    int fds[2];
    int64_t secs = 0;
    if (pipe2(fds, O_CLOEXEC) != 0) goto out;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "ffprobe", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc == 0) {
        char buf[64] = {0};
        size_t got = 0;
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        while (got < sizeof buf - 1 && poll(&pfd, 1, 10000) > 0) {   /* bounded: 10 s without output */
            ssize_t n = read(fds[0], buf + got, sizeof buf - 1 - got);
            if (n <= 0) break;
            got += (size_t)n;
        }
        kill(pid, SIGKILL);     /* a no-op when it has exited */
        waitpid(pid, NULL, 0);
        double d = strtod(buf, NULL);
        if (d > 0 && d < 86400) secs = (int64_t)(d + 0.5);
    }
    close(fds[0]);
out:
    arena_free(a);
    return secs;
}

int media_store_part(App *app, Db *db, Arena *a, int64_t org_id, const Part *p, int64_t user_id, Media *out)
{
    return p->path ? media_store(app, db, a, org_id, p->path, p->filename, user_id, out)
                   : media_store_bytes(app, db, a, org_id, p->data, p->len, p->filename, user_id, out);
}
