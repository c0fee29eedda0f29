/* attach.c — files attached to forum posts (docs/forum.md): images shown
 * inline, other files downloaded.  The type is the one libmagic reads from
 * the bytes (media_sniff), never the browser's claim or the name; the files
 * go to the media store of the run's organisation and are served only
 * through their thread (forum_access, thread of the run, post visible). */
#include "forum/forum.h"
#include "content/content.h"
#include "http/range.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include <string.h>
#include <sys/stat.h>

static const char *const image_types[] = {"image/png", "image/jpeg", "image/gif", "image/webp", NULL};
static const char *const file_types[] = {
    "application/pdf", "text/plain", "text/csv", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation", "application/msword", "application/vnd.ms-excel",
    NULL};

static bool in_list(const char *const *l, const char *mime)
{
    for (; mime && *l; l++)
        if (str_eq(*l, mime)) return true;
    return false;
}

bool forum_attach_is_image(const char *mime)
{
    return in_list(image_types, mime);
}

bool forum_attach_type_ok(const char *mime)
{
    return in_list(image_types, mime) || in_list(file_types, mime);
}

int forum_attach(Db *db, int64_t run_id, int64_t org_id, int64_t thread_id, int64_t post_id, const ForumFiles *files,
                 UsTime now)
{
    if (!files || !files->n) return LN_OK;
    int64_t n = 0, bytes = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM forum_attachment WHERE post_id = $1", "i", post_id) != DB_ROW
        || db_query_i64(db, &bytes, "SELECT COALESCE(SUM(size), 0) FROM forum_attachment WHERE post_id = $1", "i",
                        post_id) != DB_ROW)
        return LN_EDB;
    for (int i = 0; i < files->n; i++) {
        const ForumFile *ff = &files->items[i];
        if (!forum_attach_type_ok(ff->mime)) return LN_EINVAL;
        bytes += ff->size;
        if (++n > FORUM_ATTACH_MAX_FILES || ff->size > FORUM_ATTACH_FILE_MAX || bytes > FORUM_ATTACH_POST_MAX)
            return LN_ELIMIT;
        if (db_run(db, "INSERT INTO forum_attachment (post_id, thread_id, run_id, org_id, media_id, position, filename,"
                       " mime, size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   "iiiiiittii", post_id, thread_id, run_id, org_id, ff->media_id, n, ff->filename, ff->mime, ff->size,
                   (int64_t)now) != DB_DONE)
            return LN_EDB;
    }
    return LN_OK;
}

int forum_attachments(Db *db, Arena *a, int64_t thread_id, ForumAttachmentList *out)
{
    out->n = 0;
    out->items = NULL;
    int64_t count = 0;
    if (db_query_i64(db, &count, "SELECT count(*) FROM forum_attachment WHERE thread_id = $1", "i", thread_id) != DB_ROW)
        return LN_EDB;
    if (!count) return LN_OK;
    out->items = arena_alloc(a, sizeof *out->items * (size_t)count);
    DbStmt *st = db_prepare(db, "SELECT id, post_id, media_id, size, filename, mime FROM forum_attachment"
                                " WHERE thread_id = $1 ORDER BY post_id, position");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, thread_id);
    int rc;
    while (out->n < count && (rc = db_step(st)) == DB_ROW) {
        ForumAttachment *x = &out->items[out->n++];
        x->id = db_col_i64(st, 0);
        x->post_id = db_col_i64(st, 1);
        x->media_id = db_col_i64(st, 2);
        x->size = db_col_i64(st, 3);
        x->filename = db_col_dup(st, 4, a);
        x->mime = db_col_dup(st, 5, a);
    }
    db_done(st);
    return LN_OK;
}

/* ---- uploads ------------------------------------------------------------------------ */

static int64_t part_size(const Part *pt)
{
    struct stat sb;
    if (!pt->path) return (int64_t)pt->len;
    return stat(pt->path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static bool is_file_part(const Part *pt)
{
    return str_eq(pt->name, "file") && !str_empty(pt->filename) && (pt->path || pt->len);
}

bool forum_files_from_request(Req *r, const ForumCtx *f, int existing_n, int64_t existing_bytes, ForumFiles *out)
{
    out->n = 0;
    int n = existing_n;
    int64_t total = existing_bytes;
    /* every check first: nothing is stored when one file is refused */
    for (const Part *pt = r->parts; pt; pt = pt->next) {
        if (!is_file_part(pt)) continue;
        int64_t size = part_size(pt);
        if (++n > FORUM_ATTACH_MAX_FILES) {
            web_error(r, 422, "too_many_files", T(r, "At most 5 files per message."));
            return false;
        }
        if (size < 0 || size > FORUM_ATTACH_FILE_MAX || (total += size) > FORUM_ATTACH_POST_MAX) {
            web_error(r, 413, "too_large", T(r, "A file may be at most 10 MB, and the files of a message 20 MB together."));
            return false;
        }
        if (!forum_attach_type_ok(media_sniff(r->arena, pt->path, pt->data, pt->len))) {
            web_error(r, 415, "unsupported_type",
                      T(r, "This type of file cannot be attached: images (PNG, JPEG, GIF, WebP), PDF, text, CSV, ZIP "
                           "or office documents only."));
            return false;
        }
    }
    for (const Part *pt = r->parts; pt; pt = pt->next) {
        if (!is_file_part(pt)) continue;
        Media m;
        int rc = media_store_part(r->app, r->db, r->arena, f->run.org_id, pt, r->user->id, &m);
        if (rc != LN_OK) {
            web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
            return false;
        }
        out->items[out->n++] = (ForumFile){.media_id = m.id, .size = m.size, .mime = m.mime,
                                           .filename = media_clean_filename(r->arena, pt->filename)};
    }
    return true;
}

/* ---- showing and serving -------------------------------------------------------------- */

static const char *attachment_url(Req *r, const ForumThread *t, const ForumAttachment *x)
{
    return arena_printf(r->arena, r->is_api ? "/api/v1/runs/%lld/forum/threads/%lld/attachments/%lld"
                                            : "/runs/%lld/forum/%lld/attachments/%lld",
                        (long long)t->run_id, (long long)t->id, (long long)x->id);
}

static const char *size_text(Req *r, int64_t size)
{
    if (size >= 1 << 20) return arena_printf(r->arena, "%.1f MB", (double)size / (1 << 20));
    if (size >= 1024) return arena_printf(r->arena, "%lld kB", (long long)(size / 1024));
    return arena_printf(r->arena, "%lld B", (long long)size);
}

void forum_attachments_html(Req *r, const ForumThread *t, const ForumAttachmentList *l, int64_t post_id)
{
    bool open = false;
    for (int i = 0; i < l->n; i++) {
        const ForumAttachment *x = &l->items[i];
        if (x->post_id != post_id) continue;
        if (!open) hprintf(r, "<div class=\"attachments\"><p class=\"muted\">%s</p><ul>", T(r, "Attached files"));
        open = true;
        const char *url = attachment_url(r, t, x);
        html_lit(r, "<li>");
        if (forum_attach_is_image(x->mime))
            hprintf(r, "<figure><img src=\"%s\" alt=\"%s\" loading=\"lazy\"><figcaption>", url, x->filename);
        hprintf(r, "<a href=\"%s\">%s</a> <span class=\"muted\">(%s)</span>", url, x->filename, size_text(r, x->size));
        if (forum_attach_is_image(x->mime)) html_lit(r, "</figcaption></figure>");
        html_lit(r, "</li>");
    }
    if (open) html_lit(r, "</ul></div>");
}

json_t *forum_attachments_json(Req *r, const ForumThread *t, const ForumAttachmentList *l, int64_t post_id)
{
    json_t *a = json_array();
    for (int i = 0; i < l->n; i++) {
        const ForumAttachment *x = &l->items[i];
        if (x->post_id != post_id) continue;
        json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:I,s:b,s:s}", "id", (json_int_t)x->id, "filename", x->filename,
                                           "mime", x->mime, "size", (json_int_t)x->size, "image",
                                           forum_attach_is_image(x->mime), "url", attachment_url(r, t, x)));
    }
    return a;
}

/* The name a download is saved under: characters that mean something to
 * HTML, shells or file systems (<>"'&`|:*?\) become '_'. */
static const char *download_name(Arena *a, const char *name)
{
    char *s = arena_strdup(a, name);
    for (char *p = s; *p; p++)
        if (strchr("<>\"'&`|:*?\\", *p)) *p = '_';
    return s;
}

/* GET /runs/{id}/forum/{tid}/attachments/{aid} (and the API's): whoever may
 * read the thread and the post's body; 404 for anyone else. */
void forum_attachment_get(Req *r)
{
    int64_t id, tid, aid, post_id = 0, media_id = 0;
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    Media m;
    char *name = NULL;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "tid", &tid) || !req_path_id_or_404(r, "aid", &aid)
        || !forum_access(r, id, &f))
        return;
    if (forum_thread_for(r, &f, tid, &t) == LN_OK) {
        DbStmt *st = db_prepare(r->db, "SELECT post_id, media_id, filename FROM forum_attachment WHERE id = $1"
                                       " AND thread_id = $2 AND run_id = $3");
        if (st) {
            db_bind_i64(st, 1, aid);
            db_bind_i64(st, 2, t.id);
            db_bind_i64(st, 3, t.run_id);
            if (db_step(st) == DB_ROW) {
                post_id = db_col_i64(st, 0);
                media_id = db_col_i64(st, 1);
                name = db_col_dup(st, 2, r->arena);
            }
            db_done(st);
        }
    }
    if (!name || forum_post_load(r->db, r->arena, t.id, post_id, &p) != LN_OK || !forum_post_visible(&f, &p, r->user->id)
        || media_load(r->db, r->arena, t.org_id, media_id, &m) != LN_OK) {
        web_not_found(r);       /* another run's, a deleted or hidden post's: as if there were none */
        return;
    }
    bool image = forum_attach_is_image(m.mime);
    req_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    req_send_path(r, media_path(r->app, r->arena, m.sha256), arena_printf(r->arena, "\"%s\"", m.sha256),
                  image ? m.mime : "application/octet-stream", content_disposition(r->arena, !image, download_name(r->arena, name)));
}

/* POST /api/v1/runs/{id}/forum/threads/{tid}/posts/{pid}/attachments
 * (multipart, files "file"): the post's author, within the edit window. */
void api_forum_attachments_post(Req *r)
{
    int64_t id, tid, pid;
    ForumCtx f;
    ForumThread t;
    ForumPost p;
    if (!req_path_id_or_404(r, "id", &id) || !req_path_id_or_404(r, "tid", &tid) || !req_path_id_or_404(r, "pid", &pid)
        || !forum_access(r, id, &f))
        return;
    if (forum_thread_for(r, &f, tid, &t) != LN_OK || forum_post_load(r->db, r->arena, t.id, pid, &p) != LN_OK) {
        api_error(r, 404, "not_found", "no such post in this forum");
        return;
    }
    if (!forum_can_change(&p, r->user->id, time_now_us()) || f.banned) {
        api_error(r, 403, "forbidden", "only the post's author may attach files, within 30 minutes of posting");
        return;
    }
    int64_t n = 0, bytes = 0;
    db_query_i64(r->db, &n, "SELECT count(*) FROM forum_attachment WHERE post_id = $1", "i", p.id);
    db_query_i64(r->db, &bytes, "SELECT COALESCE(SUM(size), 0) FROM forum_attachment WHERE post_id = $1", "i", p.id);
    ForumFiles files;
    if (!forum_files_from_request(r, &f, (int)n, bytes, &files)) return;
    if (!files.n) {
        api_error(r, 422, "file", "send one file or more as multipart parts named \"file\"");
        return;
    }
    int rc = db_begin(r->db) == DB_DONE ? forum_attach(r->db, t.run_id, t.org_id, t.id, p.id, &files, time_now_us()) : LN_EDB;
    if (rc == LN_OK && db_commit(r->db) == DB_DONE) {
        ForumAttachmentList l;
        if (forum_attachments(r->db, r->arena, t.id, &l) == LN_OK) {
            api_json(r, 201, json_pack("{s:o}", "attachments", forum_attachments_json(r, &t, &l, p.id)));
            return;
        }
    } else db_rollback(r->db);
    if (rc == LN_ELIMIT) api_error(r, 413, "too_large", "too many files or bytes for this post");
    else api_error(r, 500, "internal", "something went wrong on our side");
}
